#!/usr/bin/env bash
# Regenerates the bundled example dump (examples/dump/) and its gold answers
# (testdata/examples-gold/) with `fangxian gen`. Deterministic: the same seed gives the same bytes,
# and crates/fangxian/tests/examples.rs fails when the committed files are out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=2026
SIZE=120KB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run -q --release -p fangxian -- gen --out "$tmp" --seed "$SEED" --size "$SIZE" -q >/dev/null
rm -rf examples/dump testdata/examples-gold
mkdir -p examples testdata
mv "$tmp/data" examples/dump
mv "$tmp/gold" testdata/examples-gold
echo "examples/dump: $(find examples/dump -type f | wc -l) files, $(du -sh examples/dump | cut -f1)"
