#!/usr/bin/env bash
# Oracle test for the validators: generate >= 100,000 candidates per type with the Rust
# validators' verdicts (crates/fangxian-core/examples/oracle_dump.rs) and check agreement with
# python-stdnum and phonenumbers (scripts/oracle/check.py; versions pinned in
# scripts/requirements.txt). Exits non-zero on any unexplained disagreement.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${ORACLE_N:-100000}"
if ! python3 -c 'import stdnum, phonenumbers' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
fi
python3 - <<'PY'
import phonenumbers, stdnum, sys
want = dict(l.strip().split("==") for l in open("scripts/requirements.txt") if "==" in l)
have = {"python-stdnum": stdnum.__version__, "phonenumbers": phonenumbers.__version__}
bad = [f"{k} {have[k]} (want {v})" for k, v in want.items() if k in have and have[k] != v]
if bad:
    sys.exit("oracle versions differ from scripts/requirements.txt: " + ", ".join(bad))
PY

# The dev profile by default: `cargo test --workspace` has already built the example there, and
# the run takes about a second (dependencies are optimised, see the root Cargo.toml), whereas a
# release build costs a minute or more on 2 cores. Both profiles print identical lines.
# ORACLE_PROFILE=release checks the optimised build instead.
profile=()
if [ "${ORACLE_PROFILE:-dev}" = release ]; then profile=(--release); fi
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
cargo run -q "${profile[@]}" -p fangxian-core --example oracle_dump -- "$N" > "$out"
python3 scripts/oracle/check.py < "$out"
