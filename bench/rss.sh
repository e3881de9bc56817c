#!/usr/bin/env bash
# Peak memory on a large input: generates a dense customer-list CSV corpus of SIZE (default
# 10GB; every row carries ~10 PI values) drawn from PERSONS persons (default 2,000,000, so
# tens of millions of distinct values reach the exact distinct sets; gen needs ~2.5 KB per
# person), scans it once with the default --mem-limit (2 GiB) and records wall time, CPU
# time, peak RSS and the distinct counts. Appends a dated entry to bench/RESULTS.md.
#
#   bash bench/rss.sh                  # 10 GB (needs ~10 GB of disk plus spill space)
#   SIZE=2GB PERSONS=500000 bash bench/rss.sh
#   KEEP=1 bash bench/rss.sh           # keep the corpus for another run
#
# Needs: cargo, GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-10GB}
PERSONS=${PERSONS:-2000000}
WORK=${WORK:-bench/work}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { echo "error: GNU time not found (apt-get install time)" >&2; exit 2; }

cargo build --release -q -p fangxian
BIN=target/release/fangxian
dir="$WORK/rss-$SIZE-$PERSONS"
if [ ! -f "$dir/.done" ]; then
  rm -rf "$dir"
  echo "generating a $SIZE dense CSV corpus of $PERSONS persons in $dir ..." >&2
  /usr/bin/time -f "%e" -o "$WORK/gen-time.txt" \
    "$BIN" gen --out "$dir" --seed 11 --size "$SIZE" --formats csv --categories customers \
    --compress none --encodings utf8 --persons "$PERSONS" -q
  echo "generated in $(cat "$WORK/gen-time.txt") s" >&2
  touch "$dir/.done"
fi
data="$dir/data"
bytes=$(du -sb "$data" | cut -f1)
gb=$(python3 -c "print(f'{$bytes/1e9:.2f}')")
echo "scanning $data ($gb GB) ..." >&2
/usr/bin/time -f "%e %U %S %M" -o "$WORK/rss-time.txt" \
  "$BIN" scan "$data" --summary "$WORK/rss-summary.json" -q --tmp "$WORK" || true
read -r secs user sys kib < "$WORK/rss-time.txt"
counts=$(python3 - "$WORK/rss-summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
items = s["items"]
distinct = sum(v["distinct"] for v in items.values())
found = sum(v["found"] for v in items.values())
print(f"{s['records']['total']:,} records, {found:,} items found, {distinct:,} distinct items, "
      f"{s['persons']['distinct']:,} distinct persons, partial: {s.get('partial', False)}")
EOF
)
mib=$((kib / 1024))
verdict=$([ "$mib" -le 2048 ] && echo "within" || echo "OVER")
entry="
## $(date -u +%Y-%m-%dT%H:%MZ) — peak RSS on a $gb GB dense CSV (bench/rss.sh, SIZE=$SIZE PERSONS=$PERSONS)

Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores. \`fangxian scan DATA --summary S -q\` with the default --mem-limit 2 GiB:
$counts. Wall $secs s ($(python3 -c "print(f'{$bytes/1e6/$secs:.0f}')") MB/s), CPU $(python3 -c "print(f'{$user+$sys:.0f}')") s, **peak RSS $mib MiB** ($verdict the 2 GiB budget).
"
echo "$entry"
printf '%s' "$entry" >> bench/RESULTS.md
[ -n "${KEEP:-}" ] || rm -rf "$dir"
