#!/usr/bin/env bash
# Fuzz smoke test: builds every cargo-fuzz target in fuzz/ and runs each for a short while
# (FUZZ_SECONDS, default 20), failing on any crash; first replays every committed crasher under
# fuzz/regressions/<target>/. Installs cargo-fuzz when it is missing. The toolchain here is
# stable: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz-smoke: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

echo "fuzz-smoke: building targets" >&2
cargo fuzz build

targets=()
for f in fuzz/fuzz_targets/*.rs; do
  targets+=("$(basename "$f" .rs)")
done
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz-smoke: no targets" >&2; exit 1; }

for t in "${targets[@]}"; do
  if [ -d "fuzz/regressions/$t" ] && [ -n "$(ls -A "fuzz/regressions/$t")" ]; then
    echo "fuzz-smoke: $t: replaying fuzz/regressions/$t" >&2
    # With file arguments libFuzzer runs each input once and exits non-zero on a crash.
    cargo fuzz run "$t" "fuzz/regressions/$t"/*
  fi
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus"
  # Fresh inputs go to a scratch directory so the committed corpus stays the seeds only.
  work="$(mktemp -d)"
  echo "fuzz-smoke: $t: ${seconds}s" >&2
  if ! cargo fuzz run "$t" "$work" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 2>"$work.log"; then
    tail -n 60 "$work.log" >&2
    echo "fuzz-smoke: $t crashed; the input is under fuzz/artifacts/$t/ — copy it to fuzz/regressions/$t/ once fixed" >&2
    rm -rf "$work" "$work.log"
    exit 1
  fi
  grep -E '^stat::number_of_executed_units' "$work.log" | sed "s/^/fuzz-smoke: $t: /" >&2 || true
  rm -rf "$work" "$work.log"
done
echo "fuzz-smoke: all ${#targets[@]} targets ran ${seconds}s without a crash" >&2
