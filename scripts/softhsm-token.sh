#!/usr/bin/env bash
# A SoftHSM token of its own for the HSM tests: `scripts/softhsm-token.sh DIR`
# (under the clone, e.g. target/softhsm-py) writes DIR/softhsm2.conf, creates
# the token "cardwire" (user PIN 1234) in DIR/tokens and imports the throwaway
# test keys from tests/vectors/keys: merchant_2048 (id 01), platform_2048
# (02), merchant_1024 (03), platform_1024 (04), each by its name as label.
# Point SOFTHSM2_CONF at DIR/softhsm2.conf; remove DIR when done.
set -euo pipefail
dir=$(realpath -m "$1")
keys=$(cd "$(dirname "$0")/../tests/vectors/keys" && pwd)
command -v softhsm2-util >/dev/null || { echo "softhsm2-util is not installed: make test installs Debian's softhsm2" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' "$dir" > "$dir/softhsm2.conf"
export SOFTHSM2_CONF="$dir/softhsm2.conf"
softhsm2-util --init-token --free --label cardwire --pin 1234 --so-pin 5678 >/dev/null
id=1
for name in merchant_2048 platform_2048 merchant_1024 platform_1024; do
  softhsm2-util --import "$keys/$name.pkcs8.pem" --token cardwire --label "$name" --id "$(printf '%02x' $id)" --pin 1234 >/dev/null
  id=$((id + 1))
done
echo "$SOFTHSM2_CONF"
