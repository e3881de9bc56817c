#!/usr/bin/env python3
"""Write crates/fangxian-core/data/bank_iins.tsv: issuer identification numbers (card BINs) of
Chinese banks, plus the China UnionPay range.

Sources:
* PyPI `cardbin` 1.0.0 (MIT), `cardbin/bankbin.py` BANKBIN: 6- and 8-digit BINs of Chinese
  issuers (and their overseas branches) with bank and product names.
* The UnionPay IIN range 62 (ISO/IEC 7812 registration; pii-rules-and-prior-art.md §2.4), one
  row written by this script.

    pip install --no-deps cardbin==1.0.0
    python3 scripts/data/gen_iins.py > crates/fangxian-core/data/bank_iins.tsv
"""
import ast
import datetime
import importlib.metadata
import importlib.util
import pathlib
import sys

VERSION = importlib.metadata.version("cardbin")


def main():
    spec = importlib.util.find_spec("cardbin")
    src = (pathlib.Path(spec.origin).parent / "bankbin.py").read_text(encoding="utf-8")
    # Parse the literal instead of importing: cardbin/__init__ pulls in python-stdnum.
    table = ast.literal_eval(src.split("=", 1)[1])
    rows = {"62": ("中国银联", "UnionPay IIN range (ISO/IEC 7812)")}
    for prefix, value in table.items():
        prefix = prefix.strip()
        assert prefix.isdigit(), prefix
        bank, _, product = value.partition("|")
        rows[prefix] = (bank.strip().replace("\t", " "), product.strip().replace("\t", " "))
    out = sys.stdout
    out.write("# Issuer identification numbers (BINs) of Chinese card issuers, and the UnionPay range 62.\n")
    out.write(f"# source: PyPI cardbin {VERSION} (MIT) cardbin/bankbin.py BANKBIN; row 62 from the "
              "ISO/IEC 7812 UnionPay registration\n")
    out.write(f"# generated: {datetime.date.today().isoformat()} by scripts/data/gen_iins.py\n")
    out.write("# columns: prefix, issuer, product\n")
    for prefix in sorted(rows):
        out.write("\t".join((prefix,) + rows[prefix]) + "\n")
    print(f"{len(rows)} prefixes", file=sys.stderr)


if __name__ == "__main__":
    main()
