#!/usr/bin/env bash
# Regenerate the validator data tables from their pinned sources (scripts/data/requirements.txt)
# and show what changed. `--check` exits non-zero when a table differs from the committed one
# (the `# generated:` date line aside).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install --quiet --disable-pip-version-check --no-deps -r scripts/data/requirements.txt
data=crates/fangxian-core/data
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 scripts/data/gen_regions.py > "$tmp/gbt2260_regions.tsv"
python3 scripts/data/gen_mobile_segments.py > "$tmp/cn_mobile_segments.tsv"
python3 scripts/data/gen_area_codes.py > "$tmp/cn_area_codes.tsv"
python3 scripts/data/gen_iins.py > "$tmp/bank_iins.tsv"
python3 scripts/data/gen_surnames.py > "$tmp/surnames.tsv"
status=0
for f in "$tmp"/*.tsv; do
  name="$(basename "$f")"
  if ! diff -q <(grep -v '^# generated:' "$data/$name") <(grep -v '^# generated:' "$f") >/dev/null; then
    echo "changed: $data/$name" >&2
    status=1
  fi
  if [ "${1:-}" != --check ]; then cp "$f" "$data/$name"; fi
done
if [ "${1:-}" = --check ]; then exit "$status"; fi
