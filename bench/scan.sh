#!/usr/bin/env bash
# End-to-end scan throughput: fangxian vs ripgrep (`rg -o` with equivalent patterns, which
# validates nothing), 1 vs N threads, peak RSS. Appends a dated entry to bench/RESULTS.md.
#
#   bash bench/scan.sh            # 1 GB CSV (default)
#   SIZE=200MB bash bench/scan.sh # quicker
#
# Needs: cargo, rg (apt-get install ripgrep), GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1GB}
WORK=${WORK:-bench/work}
RUNS=${RUNS:-3}
mkdir -p "$WORK"

for tool in rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install ripgrep time)" >&2; exit 2; }
done

cargo build --release -q -p fangxian
BIN=target/release/fangxian

corpus="$WORK/csv-$SIZE"
if [ ! -f "$corpus/.done" ]; then
  rm -rf "$corpus"
  echo "generating a $SIZE CSV corpus in $corpus ..." >&2
  "$BIN" gen --out "$corpus" --seed 7 --size "$SIZE" --formats csv --categories customers \
    --compress none --encodings utf8 -q
  touch "$corpus/.done"
fi
# gen splits the corpus into ~40 MB files; both tools read the whole folder.
data="$corpus/data"
bytes=$(du -sb "$data" | cut -f1)
mb=$(python3 -c "print($bytes/1e6)")
echo "input: $data ($mb MB)" >&2

# Best-of-RUNS wall time (s) and peak RSS (KiB) of a command; output discarded.
measure() {
  local best="" rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>/dev/null || true
    read -r t m < "$WORK/time.txt"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

# The item patterns fangxian validates, as ripgrep regexes (boundaries approximated by \b).
RG_PATTERNS=(
  -e '\b[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]\b'
  -e '\b1[3-9]\d{9}\b'
  -e '\b0\d{2,3}-?[2-9]\d{6,7}\b'
  -e '\b[3-6]\d{12,18}\b'
  -e '\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b'
  -e '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
  -e '\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b'
)
rg_cmd() { rg -o --no-filename --no-line-number "${RG_PATTERNS[@]}" "$data" ; }
export -f rg_cmd 2>/dev/null || true

read -r t_rg rss_rg < <(measure bash -c "rg -o --no-filename --no-line-number $(printf '%q ' "${RG_PATTERNS[@]}") '$data' | wc -l")
read -r t_rg1 rss_rg1 < <(measure bash -c "rg -j1 -o --no-filename --no-line-number $(printf '%q ' "${RG_PATTERNS[@]}") '$data' | wc -l")
read -r t_fx rss_fx < <(measure "$BIN" scan "$data" --summary "$WORK/s.json" -q)
read -r t_fx1 rss_fx1 < <(measure "$BIN" scan "$data" --summary "$WORK/s1.json" -q --threads 1)
read -r t_fxf rss_fxf < <(measure "$BIN" scan "$data" --summary "$WORK/s2.json" --findings "$WORK/f.parquet" -q)

rate() { python3 -c "print(f'{$bytes/1e6/$1:.0f}')"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
cores=$(nproc)
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
now=$(date -u +%Y-%m-%dT%H:%MZ)
items=$(python3 -c "import json; s=json.load(open('$WORK/s.json')); print(sum(v['found'] for v in s['items'].values()))")
rgmatches=$(bash -c "rg -o --no-filename --no-line-number $(printf '%q ' "${RG_PATTERNS[@]}") '$data' | wc -l")

report=$(cat <<EOT

## $now — scan of a $mb MB CSV (bench/scan.sh, SIZE=$SIZE)

Machine: $cpu, $cores cores. Best of $RUNS runs; peak RSS from GNU time.

| run | seconds | MB/s | peak RSS MiB | items |
|---|---|---|---|---|
| fangxian scan, $cores threads, summary only | $t_fx | $(rate "$t_fx") | $((rss_fx / 1024)) | $items found |
| fangxian scan, $cores threads, + findings.parquet | $t_fxf | $(rate "$t_fxf") | $((rss_fxf / 1024)) | |
| fangxian scan, 1 thread, summary only | $t_fx1 | $(rate "$t_fx1") | $((rss_fx1 / 1024)) | |
| rg -o (equivalent patterns, no validation), default threads | $t_rg | $(rate "$t_rg") | $((rss_rg / 1024)) | $rgmatches matches |
| rg -o, -j1 | $t_rg1 | $(rate "$t_rg1") | $((rss_rg1 / 1024)) | |

Ratios: fangxian / rg speed = **$(ratio "$t_rg" "$t_fx")×**; fangxian $cores threads / 1 thread = $(ratio "$t_fx1" "$t_fx")×.
EOT
)
echo "$report"
printf '%s\n' "$report" >> bench/RESULTS.md
