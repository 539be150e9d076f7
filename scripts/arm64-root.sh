#!/usr/bin/env bash
# An arm64 Debian root under target/arm64-root with Python 3.11 and Node 18
# in it, for running the aarch64 wheel and the linux-arm64-gnu addon under
# qemu-user (`qemu-aarch64-static -L target/arm64-root ...`). Debian's own
# arm64 packages, fetched by apt with a state and cache of its own under
# target/ (the machine's apt configuration and dpkg database are left
# alone) and unpacked with dpkg -x: nothing is installed on the machine but
# qemu-user-static. Prints the root's path.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD/target/arm64-root
APT=$PWD/target/arm64-apt
PACKAGES="python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libc6 zlib1g libexpat1 libffi8 libssl3 libgcc-s1 libstdc++6
  nodejs libnode108 libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1 node-acorn node-cjs-module-lexer node-undici"
SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
command -v qemu-aarch64-static >/dev/null || {
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qemu-user-static >/dev/null
}
if [ -x "$ROOT/usr/bin/python3.11" ] && [ -x "$ROOT/usr/bin/node" ]; then echo "$ROOT"; exit 0; fi
mkdir -p "$APT/state/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
touch "$APT/state/status"
OPTS=(-o "Dir::State=$APT/state" -o "Dir::State::status=$APT/state/status" -o "Dir::Cache=$APT/cache"
      -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${OPTS[@]}" update -qq >&2
# shellcheck disable=SC2086
(cd "$APT/debs" && apt-get "${OPTS[@]}" download $PACKAGES >&2)
rm -rf "$ROOT" && mkdir -p "$ROOT"
for d in "$APT"/debs/*.deb; do dpkg -x "$d" "$ROOT"; done
echo "$ROOT"
