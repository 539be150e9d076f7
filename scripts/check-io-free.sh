#!/usr/bin/env bash
# The core must not touch the host: no files, env, network, clock, threads, or
# an RNG of its own. This grep is the cheap half; the wasm32-unknown-unknown
# build (no OS underneath) and the dependency check below are the other half.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='std::(fs|env|net|process|thread|time)\b|SystemTime|Instant::|OsRng|thread_rng|getrandom|println!|eprintln!|std::io::(stdin|stdout|stderr)'
# Comment lines are skipped: a doc example is the caller's code, compiled as
# its own crate (a doctest), never part of the library.
if hits=$(grep -rnE "$pattern" core/src | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//'); then
  echo "core/src uses host APIs:"; echo "$hits"; exit 1
fi
# Crypto crates are named only under core/src/crypto/: everything else goes
# through that layer, so a backend can change in one place.
crypto='(^|[^a-z0-9_:])(rsa|sha1|sha2|md5|md_5|hmac|aes|aes_gcm|ghash|salsa20|crypto_secretbox|poly1305|hpke|x25519_dalek|subtle|aws_lc_rs|digest|cipher)::'
if hits=$(grep -rnE "$crypto" core/src --include=*.rs | grep -v '^core/src/crypto/' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//'); then
  echo "crypto crates used outside core/src/crypto/:"; echo "$hits"; exit 1
fi
# No import circles between modules (scripts/import-graph.py).
for src in core/src cli/src; do
  python3 scripts/import-graph.py "$src" --fail >/dev/null || { python3 scripts/import-graph.py "$src"; exit 1; }
done
if cargo tree -p cardwire -e normal --target wasm32-unknown-unknown --prefix none 2>/dev/null | grep -E '^getrandom ' ; then
  echo "getrandom is in core's normal dependency tree: randomness must come in as a parameter"; exit 1
fi
echo "io-free: core/src has no host API use, names crypto crates only in crypto/, has no import circle; getrandom is not a core dependency"
