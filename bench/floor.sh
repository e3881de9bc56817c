#!/usr/bin/env bash
# What the scan budget (≥ 1 GB/s on 2 cores: 2 CPU seconds per GB) leaves for the PI work.
#
# On the dense corpus of bench/scan.sh (customer lists: every column is PI), it measures the
# parts of a scan that no implementation can skip, each on its own and at the fastest this
# machine offers:
#
#   read       — `cat` of every file to /dev/null: reading from the page cache;
#   sha-256    — `openssl dgst -sha256` (SHA-NI): the report must give every input's SHA-256;
#   validate   — fangxian's column validators on the values of the corpus (validate_columns);
#   dedup      — a keyed 128-bit hash and an exact distinct insert per valid value, with as
#                many distinct values and inserts as the corpus has (the `distinct` example);
#
# then prints them in CPU seconds per GB beside the budget and beside a real scan. The parts
# are measured apart, in caches they have to themselves, so their sum is a floor, not an
# estimate of a scan. Appends a dated entry to bench/RESULTS.md.
#
#   bash bench/floor.sh                # 1 GB (default)
#   SIZE=200MB RUNS=1 bash bench/floor.sh
#
# Needs: cargo, openssl, GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1GB}
WORK=${WORK:-bench/work}
RUNS=${RUNS:-3}
mkdir -p "$WORK"

for tool in openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install openssl time)" >&2; exit 2; }
done

now=$(date -u +%Y-%m-%dT%H:%MZ)
load=$(cut -d' ' -f1-3 /proc/loadavg)
cargo build --release -q -p fangxian
cargo build --release -q -p fangxian-core --example validate_columns
cargo build --release -q -p fangxian-scan --example distinct
BIN=target/release/fangxian

dir="$WORK/dense-$SIZE"
if [ ! -f "$dir/.done" ]; then
  rm -rf "$dir"
  echo "generating the dense corpus ($SIZE) in $dir ..." >&2
  "$BIN" gen --out "$dir" --seed 7 --size "$SIZE" --formats csv --categories customers \
    --compress none --encodings utf8 -q
  touch "$dir/.done"
fi
data="$dir/data"
files=("$data"/*.csv)
bytes=$(cat "${files[@]}" | wc -c)
gb=$(python3 -c "print($bytes / 1e9)")

# Least CPU seconds (user + sys) of RUNS runs of a command.
cpu_of() {
  local best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%U %S" -o "$WORK/floor-time.txt" "$@" >/dev/null 2>&1
    read -r u s < "$WORK/floor-time.txt"
    best=$(python3 -c "c = $u + $s; b = '$best'; print(f'{min(c, float(b)) if b else c:.3f}')")
  done
  echo "$best"
}
per_gb() { python3 -c "print(f'{$1 / $gb:.2f}')"; }

echo "measuring on $data ($bytes bytes) ..." >&2
cat "${files[@]}" >/dev/null # into the page cache
c_read=$(cpu_of cat "${files[@]}")
c_sha=$(cpu_of openssl dgst -sha256 "${files[@]}")
c_scan=$(cpu_of "$BIN" scan "$data" --summary "$WORK/floor-summary.json" -q)

# The corpus's counts: records, valid values found, distinct values.
read -r records values distinct < <(python3 - "$WORK/floor-summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
items = s["items"].values()
print(s["records"]["total"], sum(v["found"] - v["invalid"] for v in items), sum(v["distinct"] for v in items))
EOF
)

# Validation: ns per row of the nine PI columns, best chunks of several rounds, on every file.
ns_row=$(for f in "${files[@]}"; do
  target/release/examples/validate_columns "$f" --rounds 3 | sed -n 's/^ *sum *\([0-9.]*\) ns\/row/\1/p'
done | python3 -c "import sys; v = [float(x) for x in sys.stdin]; print(min(v))")
c_validate=$(python3 -c "print(f'{$ns_row * $records / 1e9:.3f}')")

# Hash + exact distinct insert: as many distinct values as the corpus has, each inserted as
# often as the corpus repeats its values (the example uses every core; it prints the CPU time
# per insert).
passes=$(python3 -c "print(max(2, round($values / $distinct)))")
ns_insert=$(for _ in $(seq "$RUNS"); do
  target/release/examples/distinct "$distinct" 2GiB "$passes" |
    sed -n 's/.*(\([0-9.]*\) ns per insert on each thread).*/\1/p'
done | python3 -c "import sys; print(min(float(x) for x in sys.stdin))")
c_dedup=$(python3 -c "print(f'{$ns_insert * $distinct * $passes / 1e9:.3f}')")

budget=2.00
floor=$(python3 -c "print(f'{($c_read + $c_sha + $c_validate + $c_dedup) / $gb:.2f}')")
left=$(python3 -c "print(f'{($budget - ($c_read + $c_sha) / $gb) * 1e9 / ($values / $gb):.1f}')")
cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
report="
## $now — what the 1 GB/s budget leaves for the PI work (bench/floor.sh)

Machine: $cpu_model, $(nproc) cores, load average $load at the start.
Dense corpus, $SIZE: $records records, $values valid values, $distinct distinct. Least CPU
seconds (user + sys) of $RUNS runs. Command: \`SIZE=$SIZE RUNS=$RUNS bash bench/floor.sh\`.

| part | measured with | CPU s per GB |
|---|---|---|
| read from the page cache | \`cat\` | $(per_gb "$c_read") |
| SHA-256 of every input | \`openssl dgst -sha256\` (SHA-NI) | $(per_gb "$c_sha") |
| validate every value | validate_columns: $ns_row ns per row | $(per_gb "$c_validate") |
| keyed hash + exact distinct insert | distinct example: $ns_insert ns per insert, $passes passes | $(per_gb "$c_dedup") |
| **floor: sum of the parts** | | **$floor** |
| budget: 1 GB/s on 2 cores | | $budget |
| fangxian scan, summary only | | $(per_gb "$c_scan") |

After reading and hashing the input, the budget leaves **$left ns of CPU per valid value**
for splitting, recognising, validating, hashing and de-duplicating it.
"
echo "$report"
printf '%s' "$report" >> bench/RESULTS.md
