#!/usr/bin/env bash
# Generator throughput: `fangxian gen` writes a corpus of SIZE (default 1GB of text) with its
# default formats, compressions and encodings, and its gold answers, once with the default
# thread count (available cores, at most 4) and once with `--threads 1`. Prints the best-of-RUNS
# wall time, the CPU time of that run, MB/s (text bytes / wall) and peak RSS, and appends a
# dated entry to bench/RESULTS.md (or $RESULTS).
#
#   bash bench/gen.sh                  # 1 GB, best of 2
#   SIZE=300MB RUNS=3 bash bench/gen.sh
#   FORMATS=csv,tsv,json,jsonl,mysql,pgdump,sqlite,xlsx,txt bash bench/gen.sh   # every format
#
# Needs: cargo, GNU time (apt-get install time), python3. Needs about 2 × SIZE of disk in WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1GB}
RUNS=${RUNS:-2}
FORMATS=${FORMATS:-}
WORK=${WORK:-bench/work}
RESULTS=${RESULTS:-bench/RESULTS.md}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { echo "error: GNU time not found (apt-get install time)" >&2; exit 2; }

cargo build --release -q -p fangxian
BIN=target/release/fangxian
args=(--seed 7 --size "$SIZE" --json)
[ -n "$FORMATS" ] && args+=(--formats "$FORMATS")

# Best-of-RUNS wall time (s), CPU time (s) and text MB of that run, and peak RSS (KiB) over all
# runs. Each run writes into a fresh directory (gen refuses a used one).
measure() {
  local best="" cpu="" mb="" rss=0 out="$WORK/gen-bench"
  for _ in $(seq "$RUNS"); do
    rm -rf "$out"
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" \
      "$BIN" gen --out "$out" "${args[@]}" "$@" > "$WORK/gen-report.json"
    read -r t u s m < "$WORK/time.txt"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then
      best=$t
      cpu=$(python3 -c "print(f'{$u + $s:.2f}')")
      mb=$(python3 -c "import json; print(f\"{json.load(open('$WORK/gen-report.json'))['bytes_text'] / 1e6:.1f}\")")
    fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  rm -rf "$out"
  echo "$best $cpu $mb $rss"
}

read -r t_all cpu_all mb_all rss_all < <(measure)
read -r t_one cpu_one mb_one rss_one < <(measure --threads 1)
mbps() { python3 -c "print(f'{$1 / $2:.0f}')"; }
threads=$(python3 -c "import os; print(min(os.cpu_count() or 1, 4))")
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cmd="fangxian gen --out DIR ${args[*]}"
entry=$(cat <<EOT

## $(date -u +%Y-%m-%dT%H:%MZ) — gen of ${SIZE} (bench/gen.sh, SIZE=$SIZE)

Machine: $cpu, $(nproc) cores. \`$cmd\` (gold answers included), best of $RUNS runs;
MB/s = text bytes written / wall time; peak RSS from GNU time.

| run | seconds | CPU s | MB of text | MB/s | peak RSS MiB |
|---|---|---|---|---|---|
| default threads ($threads) | $t_all | $cpu_all | $mb_all | $(mbps "$mb_all" "$t_all") | $((rss_all / 1024)) |
| \`--threads 1\` | $t_one | $cpu_one | $mb_one | $(mbps "$mb_one" "$t_one") | $((rss_one / 1024)) |
EOT
)
echo "$entry"
printf '%s\n' "$entry" >> "$RESULTS"
