#!/usr/bin/env bash
# Exact distinct counting at scale: N distinct values (each inserted twice) under the default
# 2 GiB scan memory limit; prints exactness, time and peak RSS, and appends to bench/RESULTS.md.
#   bash bench/dedup.sh              # N = 100,000,000
#   N=10000000 bash bench/dedup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000000}
cargo build --release -q -p fangxian-scan --example distinct
out=$(/usr/bin/time -f "%e %M" -o /tmp/fangxian-dedup-time.txt target/release/examples/distinct "$N" 2GiB)
read -r secs rss < /tmp/fangxian-dedup-time.txt
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
entry=$(cat <<EOT

## $(date -u +%Y-%m-%dT%H:%MZ) — exact distinct count of $N values (bench/dedup.sh)

Machine: $cpu, $(nproc) cores. \`target/release/examples/distinct $N 2GiB\`:
$out; wall ${secs} s; peak RSS $((rss / 1024)) MiB (limit 2048 MiB).
EOT
)
echo "$entry"
printf '%s\n' "$entry" >> bench/RESULTS.md
