#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit + integration tests, validator oracles, fuzz smoke.
# Installs what it needs (Python oracles, cargo-fuzz) on first run. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "python oracles (python-stdnum, phonenumbers)"
if ! python3 -c 'import stdnum, phonenumbers' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
fi

step "headless Chromium for the HTML report test"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-wqy-microhei) >/dev/null || echo "warning: could not install chromium; the browser test will skip" >&2
  else
    echo "warning: chromium missing and not root; the browser test will skip" >&2
  fi
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "cargo test"
cargo test --workspace --locked

if [ -x scripts/oracle.sh ]; then
  step "validator oracle agreement"
  scripts/oracle.sh
fi

if [ -x scripts/fuzz-smoke.sh ]; then
  step "fuzz smoke"
  scripts/fuzz-smoke.sh
fi

step "all checks passed"
