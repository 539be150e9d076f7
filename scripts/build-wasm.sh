#!/usr/bin/env bash
# Builds the npm package in bindings-node/pkg from a clean checkout:
# wasm32 release build, wasm-bindgen (pinned to the crate's version, installed
# into .tools/ when missing), wasm-opt where available, one wasm file with
# its web and Node glues, and the hand-written entries and types. Prints the
# sizes. scripts/build-node.sh adds the native addon to the same package.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bindings-node/pkg
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true

WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
WB="$ROOT/.tools/bin/wasm-bindgen"
if ! "$WB" --version 2>/dev/null | grep -q " $WB_VERSION"; then
  echo "installing wasm-bindgen-cli $WB_VERSION into .tools/ (about 2 minutes)"
  cargo install --quiet --root "$ROOT/.tools" wasm-bindgen-cli --version "$WB_VERSION"
fi

# Smallest build: nightly with build-std (core and alloc optimised for
# size), panic=immediate-abort (the core never panics on input, so the panic
# machinery is dead weight), no panic locations, MIR optimisation level 1
# (2 KB gzip smaller than the default here). Sizes are deterministic for one
# toolchain, so the nightly is pinned: bindings-node/size-budget.json names
# it, and `scripts/sizes.mjs --check` (run by `make test`) refuses a package
# built by another. Falls back to any nightly (with a warning), then to
# stable (CARDWIRE_WASM_STABLE=1 forces it).
PINNED=$(sed -n 's/.*"toolchain": *"\([^"]*\)".*/\1/p' bindings-node/size-budget.json)
PINNED_NAME=$(sed -n 's/.*"toolchain_name": *"\([^"]*\)".*/\1/p' bindings-node/size-budget.json)
pick_nightly() {
  for tc in "$PINNED_NAME" nightly; do
    if [ "$(rustc +"$tc" --version 2>/dev/null | cut -d' ' -f2-)" = "$PINNED" ]; then echo "$tc"; return; fi
  done
  # Not here: install the pinned one (needs the Rust distribution server).
  if rustup toolchain install "$PINNED_NAME" --profile minimal -c rust-src -t wasm32-unknown-unknown >/dev/null 2>&1; then
    echo "$PINNED_NAME"; return
  fi
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "warning: the pinned nightly ($PINNED) is not installed and could not be; building with $(rustc +nightly --version): sizes will differ from the budget's" >&2
    echo nightly
  fi
}
NIGHTLY=""
[ "${CARDWIRE_WASM_STABLE:-0}" = 1 ] || NIGHTLY=$(pick_nightly)
if [ -n "$NIGHTLY" ] \
   && rustup component add rust-src --toolchain "$NIGHTLY" >/dev/null 2>&1 \
   && rustup target add wasm32-unknown-unknown --toolchain "$NIGHTLY" >/dev/null 2>&1; then
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zmir-opt-level=1" \
    cargo +"$NIGHTLY" build --quiet -p cardwire-wasm --target wasm32-unknown-unknown --profile wasm-release \
    --target-dir target/wasm-nightly -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size
  WASM=target/wasm-nightly/wasm32-unknown-unknown/wasm-release/cardwire_wasm.wasm
  TOOLCHAIN="$(rustc +"$NIGHTLY" --version | cut -d' ' -f2-)"
  BUILD="nightly $TOOLCHAIN, build-std optimize_for_size, panic=immediate-abort"
  # The same module built for speed (profile wasm-speed): std optimised for
  # speed too, no size-minded MIR level.
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
    cargo +"$NIGHTLY" build --quiet -p cardwire-wasm --target wasm32-unknown-unknown --profile wasm-speed \
    --target-dir target/wasm-speed -Z build-std=std,panic_abort
  SPEED=target/wasm-speed/wasm32-unknown-unknown/wasm-speed/cardwire_wasm.wasm
else
  cargo build --quiet -p cardwire-wasm --target wasm32-unknown-unknown --profile wasm-release
  WASM=target/wasm32-unknown-unknown/wasm-release/cardwire_wasm.wasm
  cargo build --quiet -p cardwire-wasm --target wasm32-unknown-unknown --profile wasm-speed
  SPEED=target/wasm32-unknown-unknown/wasm-speed/cardwire_wasm.wasm
  TOOLCHAIN="$(rustc --version | cut -d' ' -f2-)"
  BUILD="stable $TOOLCHAIN"
fi

# One wasm file for every entry: wasm-bindgen emits the same binary for each
# target, so the package keeps one copy with two glues beside it: the web
# glue (ES module: browsers, workers, Deno, bundlers) and the Node glue
# (CommonJS, reads the file next to it).
rm -rf "$OUT" target/wasm-glue
for t in web nodejs; do
  "$WB" --target "$t" --out-dir "target/wasm-glue/$t" --out-name cardwire_wasm "$WASM"
done
mkdir -p "$OUT"
cp target/wasm-glue/web/cardwire_wasm_bg.wasm "$OUT/cardwire_wasm_bg.wasm"
cp target/wasm-glue/web/cardwire_wasm.js "$OUT/cardwire_wasm.js"
cp target/wasm-glue/nodejs/cardwire_wasm.js "$OUT/cardwire_wasm.cjs"
cmp -s target/wasm-glue/web/cardwire_wasm_bg.wasm target/wasm-glue/nodejs/cardwire_wasm_bg.wasm \
  || { echo "wasm-bindgen emitted different binaries per target: cannot share one file" >&2; exit 1; }
grep -q '__dirname}/cardwire_wasm_bg.wasm' "$OUT/cardwire_wasm.cjs" \
  || { echo "the Node glue no longer reads cardwire_wasm_bg.wasm beside it" >&2; exit 1; }

# The speed build (servers and edge runtimes) shares the glue: wasm-bindgen
# must emit the same JavaScript for it. Its Node glue is the same file
# reading cardwire_wasm_speed_bg.wasm instead.
rm -rf target/wasm-glue/speed
"$WB" --target web --out-dir target/wasm-glue/speed --out-name cardwire_wasm "$SPEED"
cmp -s target/wasm-glue/speed/cardwire_wasm.js "$OUT/cardwire_wasm.js" \
  || { echo "wasm-bindgen emitted different glue for the speed build: cannot share it" >&2; exit 1; }
cp target/wasm-glue/speed/cardwire_wasm_bg.wasm "$OUT/cardwire_wasm_speed_bg.wasm"
sed 's#__dirname}/cardwire_wasm_bg.wasm#__dirname}/cardwire_wasm_speed_bg.wasm#' "$OUT/cardwire_wasm.cjs" > "$OUT/cardwire_wasm_speed.cjs"

# wasm-opt from the npm package `binaryen` (pinned in bindings-node/package.json;
# Debian's binaryen 108 predates the reference-types tables Rust now emits).
WASM_OPT=bindings-node/node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || WASM_OPT=$(command -v wasm-opt || true)
if [ -n "$WASM_OPT" ] && "$WASM_OPT" --version | grep -qE 'version (1[2-9][0-9]|[2-9][0-9][0-9])'; then
  f="$OUT/cardwire_wasm_bg.wasm"
  FEATURES="--enable-reference-types --enable-multivalue --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals"
  # shellcheck disable=SC2086
  "$WASM_OPT" -Oz --converge --low-memory-unused $FEATURES "$f" -o "$f.opt" && mv "$f.opt" "$f"
  f="$OUT/cardwire_wasm_speed_bg.wasm"
  # shellcheck disable=SC2086
  "$WASM_OPT" -O3 --low-memory-unused $FEATURES "$f" -o "$f.opt" && mv "$f.opt" "$f"
  OPT="wasm-opt -Oz --converge --low-memory-unused, speed build -O3 ($("$WASM_OPT" --version | head -1))"
else
  OPT="no recent wasm-opt (run npm ci in bindings-node)"
fi

cp bindings-node/js/* "$OUT/"
cp LICENSE-MIT LICENSE-APACHE "$OUT/"
# One set of types for `import` and `require` (TypeScript reads .d.cts for the latter).
cp "$OUT/index.d.ts" "$OUT/index.d.cts"
for sub in redis postgres signers; do sed "s#from './index.js'#from './index.cjs'#" "bindings-node/js/$sub.d.ts" > "$OUT/$sub.d.cts"; done
# cardwire/signers for `require`: the same file as the ES module, exports made CommonJS.
{ echo "'use strict';"; sed -E 's/^export (async )?function/\1function/' bindings-node/js/signers.mjs
  echo 'module.exports = { finishWith, decryptWith, webCryptoSigner };'; } > "$OUT/signers.cjs"
# Tests, benches and examples import the package by name.
mkdir -p bindings-node/node_modules && ln -sfn ../pkg bindings-node/node_modules/cardwire
raw=$(stat -c %s "$OUT/cardwire_wasm_bg.wasm")
gz=$(gzip -9 -c -n "$OUT/cardwire_wasm_bg.wasm" | wc -c)
# What built it, for scripts/sizes.mjs (kept out of the package).
printf '{"toolchain": "%s", "wasm_bindgen": "%s", "wasm_opt": "%s"}\n' "$TOOLCHAIN" "$WB_VERSION" "$OPT" > target/wasm-build-info.json
echo "wasm package: $OUT ($BUILD; wasm-bindgen $WB_VERSION; $OPT)"
echo "wasm size: $raw bytes raw, $gz bytes gzip -9"
echo "speed build: $(stat -c %s "$OUT/cardwire_wasm_speed_bg.wasm") bytes raw, $(gzip -9 -c -n "$OUT/cardwire_wasm_speed_bg.wasm" | wc -c) bytes gzip -9"
