#!/usr/bin/env bash
# zig links musl targets against a C library named "libc.so". musl's loader
# takes that name as itself, so the binaries run, but the name is not the
# one musllinux (PEP 656) and auditwheel know: Alpine's toolchain writes
# libc.musl-<arch>.so.1. This renames the dependency to that, in an addon
# (.node / .so) or in every extension module of a wheel (repacked by
# `wheel pack`, which rewrites RECORD).
#
#   scripts/musl-libc-name.sh FILE.node|FILE.so|FILE.whl ARCH   (ARCH: x86_64 | aarch64)
set -euo pipefail
f=$1; arch=$2
name="libc.musl-$arch.so.1"
rename() { patchelf --replace-needed libc.so "$name" "$1"; readelf -d "$1" | grep -q "Shared library: \[$name\]"; }
case "$f" in
  *.whl)
    tmp=$(mktemp -d)
    python3 -m wheel unpack -d "$tmp" "$f" >/dev/null
    while IFS= read -r so; do rename "$so"; done < <(find "$tmp" -name '*.so')
    rm "$f"
    python3 -m wheel pack -d "$(dirname "$f")" "$tmp"/*/ >/dev/null
    rm -rf "$tmp" ;;
  *) rename "$f" ;;
esac
