#!/usr/bin/env bash
# The crates meant for crates.io (every workspace member without
# `publish = false`: cardwire, cardwire-redis, cardwire-postgres,
# cardwire-pkcs11, cardwire-cli) as crates.io would take them:
#   1. they build with the toolchain their `rust-version` names (installed
#      here by rustup when missing), every feature on;
#   2. `cargo publish --dry-run --workspace` packages each one and builds it
#      from its packaged files alone (versioned dependencies on one another,
#      license, description, repository, readme; nothing outside the crate).
set -euo pipefail
cd "$(dirname "$0")/.."

MSRV=$(sed -n '/^\[workspace.package\]/,/^\[/s/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
CRATES=$(cargo metadata --no-deps --format-version 1 | node -e '
  const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const ws = new Set(m.workspace_members);
  const names = m.packages.filter((p) => ws.has(p.id) && p.publish === null).map((p) => p.name).sort();
  for (const p of m.packages.filter((p) => ws.has(p.id) && p.publish === null)) {
    for (const f of ["description", "license", "repository", "readme", "rust_version"]) {
      if (!p[f]) { console.error(`${p.name}: no ${f} in its Cargo.toml`); process.exit(1); }
    }
  }
  console.log(names.join(" "));')
echo "crates for crates.io: $CRATES (rust-version $MSRV)"

rustup toolchain list | grep -q "^$MSRV-" || rustup toolchain install "$MSRV" --profile minimal >/dev/null
args=()
for c in $CRATES; do args+=(-p "$c"); done
cargo +"$MSRV" check --quiet "${args[@]}" --all-features --target-dir target/msrv
echo "rust-version $MSRV: every crate builds with every feature"

# --allow-dirty: make test may run on a tree with generated files changed.
# The published core leaves its tests out (they read the repository's
# vectors): cargo says so for each; those lines are dropped here.
mkdir -p target
if ! cargo publish --dry-run --workspace --allow-dirty > target/publish-dry-run.log 2>&1; then
  cat target/publish-dry-run.log
  exit 1
fi
grep -vE '^warning: ignoring (test|benchmark|example) `|^warning: aborting upload due to dry run|^ *(Packaging|Packaged|Verifying|Compiling|Finished|Uploading|Updating|Locking|Adding|Downloaded|Downloading|Checking|Unpacking) ' target/publish-dry-run.log || true
echo "cargo publish --dry-run: $CRATES packaged and built from their packages"
