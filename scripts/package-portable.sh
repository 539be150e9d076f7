#!/usr/bin/env bash
# The portable artifacts and their checks (`make package-portable`; CI runs
# it after `make test`, which has already built and tested the x86_64
# manylinux2014 wheel and the linux-x64-gnu addon package).
#
# Python: abi3 wheels for manylinux2014 (glibc 2.17) and musllinux_1_2, x86_64
# and aarch64, built with maturin and zig; `auditwheel show` must name each
# one's tag; the aarch64 glibc wheel runs the installed-package smoke test
# (every provider) under qemu-user with Debian's arm64 Python.
#
# npm: the Linux platform packages (scripts/build-node.sh --cross: x64 and
# arm64, glibc 2.17 floor and musl) and the main package, packed into
# target/npm-dist; the ELF of each addon checked (machine, C library,
# glibc symbol versions, the Node-API entry point); the arm64 glibc addon,
# installed with the main package into a fresh project by npm as an arm64
# machine would, runs the smoke test under qemu-user with Debian's arm64
# Node 18. The musl builds cannot run here (no musl Node or Python): their
# tags and ELF headers are what is checked.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/.venv-py/bin:$PATH"
KEYS=$ROOT/tests/vectors/keys
fail() { echo "package-portable: $*" >&2; exit 1; }

# --- Python -----------------------------------------------------------------
mkdir -p target/wheels-portable
rm -f target/wheels-portable/*.whl
for spec in aarch64-unknown-linux-gnu:manylinux2014 x86_64-unknown-linux-musl:musllinux_1_2 aarch64-unknown-linux-musl:musllinux_1_2; do
  rustup target add "${spec%%:*}" >/dev/null 2>&1 || true
  maturin build --release --quiet --zig --target "${spec%%:*}" --compatibility "${spec#*:}" \
    -m bindings-python/Cargo.toml -o target/wheels-portable > target/wheels-portable.log 2>&1 \
    || { cat target/wheels-portable.log; fail "wheel for $spec did not build"; }
done
for arch in x86_64 aarch64; do ./scripts/musl-libc-name.sh target/wheels-portable/cardwire-*musllinux*"$arch".whl "$arch"; done
cp target/wheels/cardwire-*manylinux*x86_64*.whl target/wheels-portable/ 2>/dev/null \
  || fail "no x86_64 manylinux wheel in target/wheels: run make wheel-python first"
for want in manylinux_2_17_x86_64 manylinux_2_17_aarch64 musllinux_1_2_x86_64 musllinux_1_2_aarch64; do
  arch=${want##*_2_17_}; arch=${arch##*_1_2_}
  case $want in manylinux*) glob="*manylinux*$arch*.whl" ;; *) glob="*musllinux*$arch*.whl" ;; esac
  # shellcheck disable=SC2086
  whl=$(ls target/wheels-portable/$glob 2>/dev/null | head -1)
  [ -n "$whl" ] || fail "no $want wheel"
  auditwheel show "$whl" > target/auditwheel.txt 2>&1 || { cat target/auditwheel.txt; fail "auditwheel show $whl"; }
  [[ "$(tr '\n' ' ' < target/auditwheel.txt)" == *"consistent with the following platform tag: \"$want\""* ]] \
    || { cat target/auditwheel.txt; fail "$whl is not $want"; }
  python3 - "$whl" <<'PY' || fail "$whl: metadata"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
assert "cardwire/py.typed" in names, "no py.typed"
for line in ("License-Expression: MIT OR Apache-2.0", "License-File: LICENSE-MIT", "License-File: LICENSE-APACHE", "Project-URL: Repository"):
    assert line in meta, f"METADATA has no {line!r}"
assert any(n.endswith(".dist-info/licenses/LICENSE-APACHE") for n in names), "no licence file"
PY
  echo "package-portable: $(basename "$whl") ($(stat -c %s "$whl") bytes): auditwheel: $want"
done

ARM=$(./scripts/arm64-root.sh)
QEMU=(qemu-aarch64-static -L "$ARM")
rm -rf target/py-arm64 && mkdir -p target/py-arm64
(cd target/py-arm64 && python3 -m zipfile -e "$ROOT"/target/wheels-portable/*manylinux*aarch64*.whl .)
PYTHONPATH=$ROOT/target/py-arm64 "${QEMU[@]}" "$ARM/usr/bin/python3.11" bindings-python/tests/installed_smoke.py "$KEYS" \
  | sed 's/^/package-portable: aarch64 wheel under qemu: /'

# --- npm --------------------------------------------------------------------
./scripts/build-node.sh --cross
rm -rf target/npm-dist && mkdir -p target/npm-dist
(cd bindings-node/pkg && npm pack --silent --pack-destination "$ROOT/target/npm-dist" >/dev/null)
for key in $(node -e 'for (const p of require("./bindings-node/platforms.json").platforms) if (p.built === "here") console.log(p.key)'); do
  f=bindings-node/npm/$key/cardwire.$key.node
  readelf -h -d -s --wide "$f" > target/readelf.txt
  case $key in *x64*) machine='X86-64' ;; *arm64*) machine='AArch64' ;; esac
  grep -q "Machine:.*$machine" target/readelf.txt || fail "$f is not $machine"
  grep -q ' napi_register_module_v1$' target/readelf.txt || fail "$f exports no napi_register_module_v1"
  case $key in
    *-musl) grep -q 'Shared library: \[libc.musl-' target/readelf.txt || fail "$f does not link musl's libc" ;;
    *-gnu)
      grep -q 'Shared library: \[libc.so.6\]' target/readelf.txt || fail "$f does not link glibc"
      newest=$(grep -o 'GLIBC_2\.[0-9]*' target/readelf.txt | sort -t. -k2 -n -u | tail -1)
      [ "${newest#GLIBC_2.}" -le 17 ] || fail "$f needs $newest, above the 2.17 floor" ;;
  esac
  (cd "bindings-node/npm/$key" && npm pack --silent --pack-destination "$ROOT/target/npm-dist" >/dev/null)
  echo "package-portable: cardwire-$key: $(stat -c %s "$f") bytes addon, $machine, ${newest:-musl}"
  newest=
done

# The arm64 glibc addon, installed by npm running on arm64 (this machine's
# npm, on the arm64 Node under qemu-user: npm checks the package's os, cpu
# and libc against the Node it runs on).
APP=target/npm-arm64
rm -rf "$APP" && mkdir -p "$APP"
echo '{"name":"arm64-app","private":true,"version":"1.0.0"}' > "$APP/package.json"
NPM_CLI=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
(cd "$APP" && "${QEMU[@]}" "$ARM/usr/bin/node" "$NPM_CLI" install --loglevel=error --offline --no-audit --no-fund --no-package-lock \
  "$ROOT"/target/npm-dist/cardwire-[0-9]*.tgz "$ROOT"/target/npm-dist/cardwire-linux-arm64-gnu-*.tgz)
[ -f "$APP/node_modules/cardwire-linux-arm64-gnu/cardwire.linux-arm64-gnu.node" ] || fail "npm did not install the arm64 package"
cp bindings-node/tests/installed-smoke.cjs "$APP/"
(cd "$APP" && "${QEMU[@]}" "$ARM/usr/bin/node" installed-smoke.cjs "$KEYS" native) | sed 's/^/package-portable: arm64 addon under qemu: /'
(cd "$APP" && CARDWIRE_FORCE_WASM=1 "${QEMU[@]}" "$ARM/usr/bin/node" installed-smoke.cjs "$KEYS" wasm) | sed 's/^/package-portable: arm64 WebAssembly under qemu: /'
echo "package-portable: npm tarballs in target/npm-dist: $(cd target/npm-dist && ls | tr '\n' ' ')"
