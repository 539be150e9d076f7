#!/usr/bin/env bash
# Adds the native Node addon (bindings-node, napi-rs 3, native RSA backend)
# to the npm package that scripts/build-wasm.sh assembled in
# bindings-node/pkg. The binary is named for its platform; the package's
# Node entry loads it when it matches the running platform and falls back
# to the WebAssembly build otherwise. Built with cargo directly: the
# @napi-rs/cli build step only runs cargo and copies the library under this
# name, and the package's loader and types are our own.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bindings-node/pkg
[ -f "$OUT/package.json" ] || { echo "run scripts/build-wasm.sh first" >&2; exit 1; }
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) TRIPLE=linux-x64-gnu; LIB=libcardwire_node.so ;;
  Linux-aarch64) TRIPLE=linux-arm64-gnu; LIB=libcardwire_node.so ;;
  Darwin-arm64) TRIPLE=darwin-arm64; LIB=libcardwire_node.dylib ;;
  Darwin-x86_64) TRIPLE=darwin-x64; LIB=libcardwire_node.dylib ;;
  *) echo "no native addon for $(uname -s)-$(uname -m): the package uses WebAssembly"; exit 0 ;;
esac
cargo build --release --quiet -p cardwire-node
cp "target/release/$LIB" "$OUT/cardwire.$TRIPLE.node"
command -v strip >/dev/null && strip --strip-unneeded "$OUT/cardwire.$TRIPLE.node"
echo "native addon: $OUT/cardwire.$TRIPLE.node ($(stat -c %s "$OUT/cardwire.$TRIPLE.node") bytes)"
