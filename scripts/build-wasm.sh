#!/usr/bin/env bash
# Builds the npm package in bindings-wasm/pkg from a clean checkout:
# wasm32 release build, wasm-bindgen (pinned to the crate's version, installed
# into .tools/ when missing), wasm-opt where available, three targets (web,
# node, bundler) and the hand-written entries and types. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bindings-wasm/pkg
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true

WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
WB="$ROOT/.tools/bin/wasm-bindgen"
if ! "$WB" --version 2>/dev/null | grep -q " $WB_VERSION"; then
  echo "installing wasm-bindgen-cli $WB_VERSION into .tools/ (about 2 minutes)"
  cargo install --quiet --root "$ROOT/.tools" wasm-bindgen-cli --version "$WB_VERSION"
fi

cargo build --quiet -p cardwire-wasm --target wasm32-unknown-unknown --profile wasm-release
WASM=target/wasm32-unknown-unknown/wasm-release/cardwire_wasm.wasm

rm -rf "$OUT"
for t in web nodejs bundler; do
  dir=$OUT/${t/nodejs/node}
  "$WB" --target "$t" --out-dir "$dir" --out-name cardwire_wasm "$WASM"
done

if command -v wasm-opt >/dev/null 2>&1; then
  for f in "$OUT"/*/cardwire_wasm_bg.wasm; do
    wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$f" -o "$f.opt" && mv "$f.opt" "$f"
  done
  OPT="wasm-opt -O3 ($(wasm-opt --version | head -1))"
else
  OPT="no wasm-opt on PATH"
fi

cp bindings-wasm/js/* "$OUT/"
# The package is "type": "module"; the nodejs target is CommonJS.
echo '{ "type": "commonjs" }' > "$OUT/node/package.json"
raw=$(stat -c %s "$OUT/web/cardwire_wasm_bg.wasm")
gz=$(gzip -9 -c "$OUT/web/cardwire_wasm_bg.wasm" | wc -c)
echo "wasm package: $OUT (wasm-bindgen $WB_VERSION, $OPT)"
echo "wasm size: $raw bytes raw, $gz bytes gzip -9"
