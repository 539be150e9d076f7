#!/usr/bin/env bash
# The native Node addon (bindings-node, napi-rs 3, native RSA backend) as
# its per-platform npm packages (bindings-node/platforms.json): each is
# written to bindings-node/npm/<key>/ by scripts/platform-package.mjs, and
# this machine's is linked into bindings-node/node_modules, where the main
# package (bindings-node/pkg, scripts/build-wasm.sh; it carries no binary)
# finds it as an installed optional dependency would be found.
#
#   scripts/build-node.sh            this machine's platform (linux-x64-gnu here)
#   scripts/build-node.sh --cross    and every other platform marked "here":
#                                    linux x64 musl, arm64 gnu and musl
#
# Linux builds go through cargo-zigbuild (zig from the pinned `ziglang`
# wheel, both in .venv-py): glibc builds link against the floor that
# platforms.json names (2.17), not this machine's glibc; musl builds are
# dynamic libraries (crt-static off). Without cargo-zigbuild, this machine's
# addon is built by plain cargo (linked against the glibc here) with a
# warning. macOS and Windows are built by .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -f bindings-node/pkg/package.json ] || { echo "run scripts/build-wasm.sh first" >&2; exit 1; }
export PATH="$ROOT/.venv-py/bin:$PATH"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) HOST=linux-x64-gnu ;;
  Linux-aarch64) HOST=linux-arm64-gnu ;;
  Darwin-arm64) HOST=darwin-arm64 ;;
  Darwin-x86_64) HOST=darwin-x64 ;;
  *) echo "no native addon for $(uname -s)-$(uname -m): the package uses WebAssembly"; exit 0 ;;
esac
KEYS=$HOST
if [ "${1:-}" = --cross ]; then
  KEYS=$(node -e 'for (const p of require("./bindings-node/platforms.json").platforms) if (p.built === "here") console.log(p.key)')
fi

field() { node -e 'const p = require("./bindings-node/platforms.json").platforms.find((x) => x.key === process.argv[1]); console.log(p[process.argv[2]] ?? "")' "$1" "$2"; }

for KEY in $KEYS; do
  TARGET=$(field "$KEY" target)
  GLIBC=$(field "$KEY" glibc)
  case "$TARGET" in
    *-apple-darwin) LIB=libcardwire_node.dylib ;;
    *-windows-msvc) LIB=cardwire_node.dll ;;
    *) LIB=libcardwire_node.so ;;
  esac
  if [[ "$TARGET" == *-linux-* ]] && command -v cargo-zigbuild >/dev/null; then
    rustup target add "$TARGET" >/dev/null 2>&1 || true
    # Stripped by the linker (Debian's strip knows only this machine's ELF);
    # musl: a dynamic library needs the C runtime linked dynamically.
    TUP=$(echo "$TARGET" | tr 'a-z-' 'A-Z_')
    FLAGS="-C strip=symbols"
    if [[ "$TARGET" == *-musl ]]; then FLAGS="$FLAGS -C target-feature=-crt-static"; fi
    export "CARGO_TARGET_${TUP}_RUSTFLAGS=$FLAGS"
    # A target directory of its own: maturin's zig builds of the wheels set
    # other compiler paths, and sharing would rebuild the C code each time.
    cargo zigbuild --release --quiet -p cardwire-node --target "$TARGET${GLIBC:+.$GLIBC}" --target-dir target/node
    BUILT="target/node/$TARGET/release/$LIB"
  elif [ "$KEY" = "$HOST" ]; then
    [[ "$TARGET" == *-linux-* ]] && echo "warning: cargo-zigbuild not found (make .venv-py/.installed): the addon links against this machine's glibc, not $GLIBC" >&2
    cargo build --release --quiet -p cardwire-node
    BUILT="target/release/$LIB"
  else
    echo "cannot cross-build $KEY here without cargo-zigbuild" >&2; exit 1
  fi
  node scripts/platform-package.mjs "$KEY" "$BUILT" "bindings-node/npm/$KEY" >/dev/null
  NODE_FILE="bindings-node/npm/$KEY/cardwire.$KEY.node"
  if [ "$BUILT" = "target/release/$LIB" ]; then strip --strip-unneeded "$NODE_FILE"; fi
  # musl's C library by the name Alpine's toolchain writes (zig writes libc.so).
  if [[ "$TARGET" == *-musl ]]; then ./scripts/musl-libc-name.sh "$NODE_FILE" "${TARGET%%-*}"; fi
  echo "native addon: bindings-node/npm/$KEY (cardwire-$KEY, $TARGET${GLIBC:+, glibc $GLIBC floor}, $(stat -c %s "$NODE_FILE") bytes)"
done
# This machine's package, where `require('cardwire-<key>')` from the main package finds it.
mkdir -p bindings-node/node_modules
ln -sfn ../npm/"$HOST" bindings-node/node_modules/cardwire-"$HOST"
