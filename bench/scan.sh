#!/usr/bin/env bash
# End-to-end scan throughput on three generated corpora, in one run:
#
#   dense    — customer lists only (every column is PI: ~10 validated items per 240-byte row);
#   mixed    — all eleven dataset kinds of `fangxian gen` (hotel stays, call records, orders,
#              waybills, SMS …) as CSV, where many columns are not PI;
#   formats  — the same datasets in every format, compression and encoding gen writes
#              (gzip/zstd/zip/tar, JSON, SQL dumps, SQLite, xlsx, GB18030 …).
#
# For the CSV corpora it also runs ripgrep (`rg -o` with equivalent patterns, which validates
# nothing) on the same files and prints the speed ratio; ripgrep cannot read the compressed or
# GB18030 inputs of the formats corpus, so that one has no peer. fangxian runs with all cores
# and with one thread, and once writing findings.parquet. Besides wall time it records CPU
# seconds (user + sys): on a shared 2-core VM wall time varies with the neighbours, CPU time
# much less. Appends a dated entry to bench/RESULTS.md.
#
#   bash bench/scan.sh                 # 1 GB per corpus (default)
#   SIZE=200MB RUNS=1 bash bench/scan.sh
#   CORPORA="dense" bash bench/scan.sh
#
# Needs: cargo, rg (apt-get install ripgrep), GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1GB}
WORK=${WORK:-bench/work}
RUNS=${RUNS:-2}
CORPORA=${CORPORA:-dense mixed formats}
mkdir -p "$WORK"

for tool in rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install ripgrep time)" >&2; exit 2; }
done

cargo build --release -q -p fangxian
BIN=target/release/fangxian
cores=$(nproc)

# Generates corpus $1 (dense|mixed|formats) once; prints its data directory.
corpus() {
  local name=$1 dir="$WORK/$1-$SIZE"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    echo "generating the $name corpus ($SIZE) in $dir ..." >&2
    case $name in
      dense) "$BIN" gen --out "$dir" --seed 7 --size "$SIZE" --formats csv --categories customers \
               --compress none --encodings utf8 -q ;;
      mixed) "$BIN" gen --out "$dir" --seed 7 --size "$SIZE" --formats csv --compress none \
               --encodings utf8 -q ;;
      formats) "$BIN" gen --out "$dir" --seed 7 --size "$SIZE" -q \
                 --formats csv,tsv,json,jsonl,mysql,pgdump,sqlite,xlsx,txt ;;
    esac
    touch "$dir/.done"
  fi
  echo "$dir/data"
}

# Best-of-RUNS wall time (s), the CPU time (s) of that run, and peak RSS (KiB) over all runs.
measure() {
  local best="" cpu="" rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>/dev/null || true
    read -r t u s m < "$WORK/time.txt"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then
      best=$t
      cpu=$(python3 -c "print(f'{$u + $s:.2f}')")
    fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $cpu $rss"
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
rg_line() { echo "rg -o --no-filename --no-line-number $(printf '%q ' "${RG_PATTERNS[@]}") '$1' | wc -l"; }

rate() { python3 -c "print(f'{$bytes/1e6/$1:.0f}')"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
row() { # label, time, cpu, rss
  echo "| $1 | $2 | $(rate "$2") | $3 | $(rate "$3") | $(($4 / 1024)) |"
}

cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
now=$(date -u +%Y-%m-%dT%H:%MZ)
report="
## $now — scan throughput, $SIZE per corpus (bench/scan.sh)

Machine: $cpu_model, $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start.
Best of $RUNS runs (wall); CPU s = user + sys of that run; MB/CPU-s = input MB per CPU second;
peak RSS from GNU time; MB are bytes as stored (compressed inputs count compressed). Command: \`SIZE=$SIZE RUNS=$RUNS CORPORA=\"$CORPORA\" bash bench/scan.sh\`.
"
for name in $CORPORA; do
  data=$(corpus "$name")
  bytes=$(du -sb "$data" | cut -f1)
  mb=$(python3 -c "print(f'{$bytes/1e6:.0f}')")
  echo "scanning the $name corpus: $data ($mb MB) ..." >&2
  read -r t_fx c_fx r_fx < <(measure "$BIN" scan "$data" --summary "$WORK/s.json" -q)
  read -r t_fx1 c_fx1 r_fx1 < <(measure "$BIN" scan "$data" --summary "$WORK/s1.json" -q --threads 1)
  read -r t_fxf c_fxf r_fxf < <(measure "$BIN" scan "$data" --summary "$WORK/s2.json" --findings "$WORK/f.parquet" -q)
  rm -f "$WORK/f.parquet"
  items=$(python3 -c "import json; s=json.load(open('$WORK/s.json')); print(sum(v['found'] for v in s['items'].values()), s['records']['total'])")
  read -r nitems nrecords <<<"$items"
  report+="
### $name — $mb MB, $nrecords records, $nitems items found

| run | seconds | MB/s | CPU s | MB/CPU-s | peak RSS MiB |
|---|---|---|---|---|---|
$(row "fangxian scan, $cores threads, summary only" "$t_fx" "$c_fx" "$r_fx")
$(row "fangxian scan, $cores threads, + findings.parquet" "$t_fxf" "$c_fxf" "$r_fxf")
$(row "fangxian scan, 1 thread, summary only" "$t_fx1" "$c_fx1" "$r_fx1")"
  if [ "$name" != formats ]; then
    read -r t_rg c_rg r_rg < <(measure bash -c "$(rg_line "$data")")
    rgmatches=$(bash -c "$(rg_line "$data")")
    report+="
$(row "rg -o (equivalent patterns, no validation; $rgmatches matches)" "$t_rg" "$c_rg" "$r_rg")

Ratios: fangxian / rg = **$(ratio "$t_rg" "$t_fx")×** wall, $(ratio "$c_rg" "$c_fx")× CPU; fangxian $cores threads / 1 thread = $(ratio "$t_fx1" "$t_fx")×."
  else
    report+="

fangxian $cores threads / 1 thread = $(ratio "$t_fx1" "$t_fx")×."
  fi
  report+="
"
done
echo "$report"
printf '%s' "$report" >> bench/RESULTS.md
