# The one command runner. `make demo` and `make test` do all set-up themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
VENV := .venv
PY := $(VENV)/bin/python
FUZZ_SECONDS ?= 60
CARGO_FUZZ_VERSION ?= 0.13.1

.PHONY: help demo cli test lint package-rust package-python package-portable bench bench-rust bench-compare fuzz vectors docs generate wasm setup-js test-js bench-js package sizes setup-rust setup-python test-rust test-wasm32 test-interop test-examples wheel-python test-python bench-python test-redis test-postgres bench-redis bench-hsm setup-system clean

help:
	@echo "make demo    - tours of every provider: both sides, duplicates, rejections"
	@echo "make test    - every test, every language (installs what it needs)"
	@echo "make lint    - rustfmt check, clippy -D warnings, one version everywhere (scripts/version.mjs)"
	@echo "make package-rust - the crates for crates.io: built with their rust-version, publish --dry-run"
	@echo "make package-python - the Python sdist, built into a wheel by pip with a Rust toolchain, installed and smoke-tested"
	@echo "make package-portable - aarch64/musl wheels and Linux addon packages, tag-checked, arm64 ones run under qemu-user"
	@echo "make bench   - criterion benchmarks (not part of test)"
	@echo "make fuzz    - cargo-fuzz targets, FUZZ_SECONDS each (not part of test)"
	@echo "make vectors - regenerate tests/vectors with Python cryptography"
	@echo "make docs    - regenerate docs/validation.md from the rule tables"
	@echo "make generate - regenerate the bindings' types and class glue from core/src/api/vocab.rs"
	@echo "make package - build the npm package into bindings-node/pkg, this platform's addon package into bindings-node/npm"
	@echo "make sizes   - build the package and write its download sizes (gzip -9) into README.md"
	@echo "make test-python - build the Python wheel and run its tests, type checks and a clean install"
	@echo "make test-redis - four receivers (Python and Node) on one real Redis, with faults"
	@echo "make test-postgres - the same on one real PostgreSQL (the key in the business transaction)"
	@echo "make bench-redis / bench-hsm - Redis decisions per second; SoftHSM sign latency"

demo: cli
	$(CARGO) build --release -q -p cardwire-examples
	./target/release/worldcard-tour
	./target/release/shared-secret-tour
	./target/release/wasabi-tour
	@# The sandbox of all six providers, driven over HTTP (both sides shown).
	./target/release/sandbox-tour

# The `cardwire` command (sandbox, trigger, explain, sign, verify), built once.
cli:
	$(CARGO) build --release -q -p cardwire-cli

setup-rust:
	rustup component add rustfmt clippy >/dev/null 2>&1 || true
	rustup target add wasm32-unknown-unknown

$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

setup-python: $(VENV)/.installed

# The Python package: its own venv of pinned build and test tools.
PYVENV := .venv-py
PYPY := $(PYVENV)/bin/python

$(PYVENV)/.installed: bindings-python/requirements-test.txt
	python3 -m venv $(PYVENV)
	$(PYVENV)/bin/pip install --quiet --disable-pip-version-check -r bindings-python/requirements-test.txt
	touch $@

# One abi3 wheel (CPython 3.9+), built once; every Python suite installs it.
# On x86_64 Linux it is the portable one: manylinux2014 (glibc 2.17), linked
# by zig (the pinned `ziglang` wheel), the same file a release uploads.
WHEEL_PORTABLE := $(if $(filter Linux-x86_64,$(shell uname -s)-$(shell uname -m)),--zig --target x86_64-unknown-linux-gnu --compatibility manylinux2014)
wheel-python: $(PYVENV)/.installed
	rm -rf target/wheels
	PATH=$(CURDIR)/$(PYVENV)/bin:$$PATH $(PYVENV)/bin/maturin build --release --quiet $(WHEEL_PORTABLE) -m bindings-python/Cargo.toml -o target/wheels
	$(PYVENV)/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/cardwire-*.whl

# The source distribution, and that it builds with a Rust toolchain alone:
# pip builds a wheel from it (maturin, this venv's; a target directory of
# its own: one shared with the tree's builds would take their artifacts as
# fresh and compile nothing from the sdist), which installs offline into
# Debian's own Python and passes the installed-package smoke test.
package-python: $(PYVENV)/.installed
	rm -rf target/sdist target/sdist-wheel target/py-sdist
	$(PYVENV)/bin/maturin sdist -m bindings-python/Cargo.toml -o target/sdist > target/sdist.log 2>&1 || { cat target/sdist.log; exit 1; }
	PATH=$(CURDIR)/$(PYVENV)/bin:$$PATH CARGO_TARGET_DIR=$(CURDIR)/target/sdist-build $(PYVENV)/bin/pip wheel --quiet --disable-pip-version-check --no-cache-dir --no-deps --no-build-isolation -w target/sdist-wheel target/sdist/cardwire-*.tar.gz
	/usr/bin/python3 -m venv target/py-sdist
	env -i PATH=/usr/bin:/bin HOME=/tmp target/py-sdist/bin/pip install --quiet --disable-pip-version-check --no-index target/sdist-wheel/cardwire-*.whl
	env -i PATH=/usr/bin:/bin HOME=/tmp target/py-sdist/bin/python bindings-python/tests/installed_smoke.py tests/vectors/keys
	@ls target/sdist/ target/sdist-wheel/ | grep cardwire | sed 's/^/package-python: /'

# setup-js: the Express recipe (tests/test_redis_recipes.py) runs on the npm packages.
test-python: setup-system setup-js wheel-python cli
	@# The axum recipes of README "Running on several instances", run by tests/test_{redis,postgres}_recipes.py.
	$(CARGO) build --release -q -p cardwire-redis -p cardwire-postgres --examples
	cd bindings-python && ../$(PYPY) -m pytest -q -p no:cacheprovider
	cd examples/python && ../../$(PYPY) -m mypy --config-file mypy.ini --no-incremental .
	$(PYPY) -m mypy.stubtest cardwire --allowlist bindings-python/stubtest-allowlist.txt
	@# The wheel alone, in Debian's own Python, offline: nothing else needed.
	rm -rf target/py-clean
	/usr/bin/python3 -m venv target/py-clean
	env -i PATH=/usr/bin:/bin HOME=/tmp target/py-clean/bin/pip install --quiet --disable-pip-version-check --no-index target/wheels/cardwire-*.whl
	env -i PATH=/usr/bin:/bin HOME=/tmp target/py-clean/bin/python bindings-python/tests/installed_smoke.py tests/vectors/keys

# The Python package against hand-written `cryptography` / PyNaCl code, one run.
bench-python: wheel-python setup-python
	$(PYPY) bindings-python/bench/bench.py | tee target/bench-python.jsonl | $(PY) tests/bench/compare.py "hand-written (cryptography / PyNaCl)"

lint: setup-rust
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	node scripts/version.mjs --check

# The portable artifacts beyond this machine's (scripts/package-portable.sh):
# aarch64 and musl wheels (auditwheel-checked; the aarch64 one run under
# qemu-user), the Linux addon packages for x64/arm64 gnu/musl (the arm64 one
# installed by npm and run under qemu-user), every npm tarball in
# target/npm-dist. CI runs it after `make test` (.ci/run).
package-portable: setup-js wheel-python
	./scripts/package-portable.sh

# The crates for crates.io: built with their rust-version, and packaged and
# built from their packages as `cargo publish` would (scripts/check-crates.sh).
package-rust: setup-rust
	./scripts/check-crates.sh

test-rust: setup-system
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc
	@# The native RSA backend (aws-lc-rs) passes the same tests: vectors, Wycheproof, properties.
	$(CARGO) test -p cardwire --features native --all-targets

test-wasm32: setup-rust
	./scripts/check-io-free.sh
	$(CARGO) build -p cardwire --target wasm32-unknown-unknown --release
	@ls -l target/wasm32-unknown-unknown/release/libcardwire.rlib | awk '{print "wasm32 build of core: ok (" $$5 " bytes rlib)"}'

test-interop: setup-python
	$(CARGO) run -q -p cardwire-examples --bin interop-emit | $(PY) tests/python/check_interop.py
	$(CARGO) run -q -p cardwire-examples --features native --bin interop-emit | $(PY) tests/python/check_interop.py

test-examples: cli
	$(CARGO) run -q -p cardwire-examples --bin worldcard-tour > target/worldcard-tour.txt
	grep -q "duplicate = true" target/worldcard-tour.txt
	grep -q "code timestamp_out_of_window" target/worldcard-tour.txt
	grep -q "code replay_detected" target/worldcard-tour.txt
	grep -q "code signature_invalid" target/worldcard-tour.txt
	$(CARGO) run -q -p cardwire-examples --bin shared-secret-tour > target/shared-secret-tour.txt
	grep -q "timestamp_out_of_window" target/shared-secret-tour.txt
	grep -q "appended to the body -> signature_invalid" target/shared-secret-tour.txt
	grep -q "settleAmount changed -> signature_invalid" target/shared-secret-tour.txt
	grep -q "U88v0HHTLxUp9LUkj95AJA==" target/shared-secret-tour.txt
	$(CARGO) run -q -p cardwire-examples --bin wasabi-tour > target/wasabi-tour.txt
	grep -q "redelivery duplicate true" target/wasabi-tour.txt
	grep -q "notification body changed -> signature_invalid" target/wasabi-tour.txt
	grep -q "429 -> retry true after 3000 ms" target/wasabi-tour.txt
	grep -q "502 on cards/deposit -> retry false" target/wasabi-tour.txt
	$(CARGO) build --release -q -p cardwire-examples --bin sandbox-tour
	./target/release/sandbox-tour > target/sandbox-tour.txt
	grep -q "every redelivery came back duplicate" target/sandbox-tour.txt
	@echo "examples: the tours ran and showed every step"

# Debian packages the tests use, installed in one apt call when any is missing:
# Chromium (browser suite), redis-server (shared replay stores), softhsm2 (HSM signing).
SYSTEM_PACKAGES := chromium:chromium redis-server:redis-server softhsm2-util:softhsm2 pg_ctlcluster:postgresql
setup-system:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

wasm: setup-rust
	./scripts/build-wasm.sh

# The npm package `cardwire` in bindings-node/pkg (the WebAssembly builds)
# and this platform's addon package in bindings-node/npm/<key>.
package: setup-rust $(PYVENV)/.installed
	./scripts/build-wasm.sh
	./scripts/build-node.sh

# The README's download sizes, from a fresh build of the package.
sizes: package
	node scripts/sizes.mjs --write

setup-js: setup-system setup-rust $(PYVENV)/.installed
	cd bindings-node && npm ci --no-audit --no-fund --loglevel=error
	./scripts/build-wasm.sh
	./scripts/build-node.sh
	@# examples/node and examples/reveal resolve `cardwire`, express and fastify as an app would.
	ln -sfn ../../bindings-node/node_modules examples/node/node_modules
	ln -sfn ../../bindings-node/node_modules examples/reveal/node_modules
	ln -sfn ../../bindings-node/node_modules examples/edge/node_modules
	ln -sfn ../../bindings-node/node_modules tests/redis/node_modules

# The whole Node suite twice (native addon, then forced WebAssembly), the
# browser suite in Chromium, and the bundlers (esbuild, Vite, webpack) with
# their bundles run in Chromium and Node.
test-js: setup-js wheel-python cli
	@# Every .wasm and entry of the npm package within its budget, built by the pinned nightly.
	node scripts/sizes.mjs --check
	@# The provider descriptions, linted by Redocly (openapi-spec-validator and Prism run in the Python suite).
	cd bindings-node && npx --no-install redocly lint ../docs/openapi/*.yaml
	@# The card-reveal example's Rust back end and frame origin (the Node and Python ones use the packages).
	$(CARGO) build --release -q -p cardwire-examples --bin reveal-backend --bin frame-origin
	cd bindings-node && node --test tests/node/
	cd bindings-node && CARDWIRE_FORCE_WASM=1 node --test tests/node/
	cd bindings-node && node tests/browser/run.mjs
	@# workerd, Bun and Deno: the edge recipes and the outputs against Node's.
	cd bindings-node && node tests/edge/run.mjs
	@# The sandbox's dashboard in Chromium (screenshots: target/dashboard-*.png).
	cd bindings-node && node tests/browser/dashboard.mjs
	cd bindings-node && node tests/bundlers/run.mjs

# Receivers on many instances: 4 processes (2 Python, 2 Node) on one real Redis,
# 1,000 webhooks with redeliveries, forgeries, Redis killed mid-run and a crash
# between reserve and commit (tests/redis/run_multi.py).
test-redis: setup-system setup-js wheel-python
	$(PYPY) tests/redis/run_multi.py

# The same on one real PostgreSQL (run as the `postgres` user, data under
# target/): the key and the work in one transaction; PostgreSQL stopped
# mid-run; deaths before and after the commit.
test-postgres: setup-system setup-js wheel-python
	$(PYPY) tests/redis/run_multi.py postgres

# Decisions per second on a local Redis: cardwire's stores beside the plain
# client calls a user would write (Python and Node, single and pipelined).
bench-redis: setup-system setup-js wheel-python
	$(PYPY) tests/redis/bench.py
	cd bindings-node && node bench/redis.mjs

bench-js: setup-js
	cd bindings-node && node --security-revert=CVE-2023-46809 bench/node.mjs | tee ../target/bench-node.jsonl | grep -v '^{'
	cd bindings-node && node bench/bench.mjs | grep -v '^{'
	cd bindings-node && node bench/browser.mjs | grep -v '^{'
	cd bindings-node && node bench/edge.mjs | grep -v '^{'

# Sign latency through SoftHSM (two-step form) against the in-process key.
bench-hsm: setup-system wheel-python
	$(PYPY) bindings-python/bench/hsm.py

bench: bench-rust bench-compare bench-python bench-js bench-redis bench-hsm

test: setup-rust setup-python lint test-rust test-wasm32 test-interop test-examples test-python test-js test-redis test-postgres package-rust package-python
	@echo "make test: all green"

docs:
	CARDWIRE_UPDATE_DOCS=1 $(CARGO) test -q -p cardwire --test validation docs_are_current

generate:
	$(CARGO) run -q -p xtask -- generate

vectors: setup-python
	$(PY) tests/gen/worldcard.py
	$(PY) tests/gen/pintopay.py
	$(PY) tests/gen/payca.py
	$(PY) tests/gen/worldcard_legacy.py
	$(PY) tests/gen/wasabi.py
	$(PY) tests/gen/reveal.py

bench-rust:
	$(CARGO) bench -p cardwire --bench envelopes

# Both RSA backends and the hand-written Python `cryptography` path, in one run.
bench-compare: setup-python
	$(CARGO) build --release -q -p cardwire-examples --features native --bin bench-compare
	{ ./target/release/bench-compare; $(PY) tests/bench/hand_written.py; } | tee target/bench-compare.jsonl | $(PY) tests/bench/compare.py

fuzz:
	rustup toolchain install nightly --profile minimal >/dev/null 2>&1 || true
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --version $(CARGO_FUZZ_VERSION)
	cd fuzz && for t in key_loading header_parsing envelope_opening all_providers; do \
	  $(CARGO) +nightly fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) 2>&1 | tee ../target/fuzz-$$t.log | grep -E "^(#[0-9]+.*DONE|Done)" ; \
	done

clean:
	$(CARGO) clean
	rm -rf $(VENV) $(PYVENV)
