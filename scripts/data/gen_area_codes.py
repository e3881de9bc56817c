#!/usr/bin/env python3
"""Write crates/fangxian-core/data/cn_area_codes.tsv: mainland fixed-line area codes (without the
trunk prefix 0), the local-number lengths each accepts, and the place name.

Source: libphonenumber's CN metadata in PyPI `phonenumbers` (pinned in scripts/requirements.txt):
the fixed_line national_number_pattern decides which codes exist and which local lengths (7, 8)
they take; the geocoder's Chinese description names the place.

An area code is 2 digits (10, 2x) or 3 digits (3xx-9xx); a code takes local length L when the
pattern accepts ordinary local numbers of that length (first digit 2-8) after it.

    python3 scripts/data/gen_area_codes.py > crates/fangxian-core/data/cn_area_codes.tsv
"""
import datetime
import random
import re
import sys

import phonenumbers
from phonenumbers import PhoneMetadata, geocoder


def main():
    meta = PhoneMetadata.metadata_for_region("CN")
    rx = re.compile(f"(?:{meta.fixed_line.national_number_pattern})")
    rng = random.Random(2260)
    codes = ["10"] + [f"2{d}" for d in range(10)] + [str(c) for c in range(300, 1000)]
    rows = []
    for code in codes:
        lengths = []
        name = ""
        for length in (7, 8):
            samples = [str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(length - 1))
                       for _ in range(50)]
            ok = [s for s in samples if rx.fullmatch(code + s)]
            # A code "takes" a length when most ordinary local numbers of that length match; a
            # few stray matches come from service-number branches (95xxx, 100xx).
            if len(ok) >= 40:
                lengths.append(str(length))
                if not name:
                    num = phonenumbers.parse("+86" + code + ok[0])
                    name = geocoder.description_for_number(num, "zh") or ""
        if lengths:
            rows.append((code, ",".join(lengths), name))
    out = sys.stdout
    out.write("# Mainland China fixed-line area codes (without trunk prefix 0).\n")
    out.write(f"# source: PyPI phonenumbers {phonenumbers.__version__} (libphonenumber CN metadata): "
              "fixed_line national_number_pattern for codes and local lengths, geocoder (zh) for names\n")
    out.write(f"# generated: {datetime.date.today().isoformat()} by scripts/data/gen_area_codes.py\n")
    out.write("# columns: area_code, local_lengths, name\n")
    for r in rows:
        out.write("\t".join(r) + "\n")
    print(f"{len(rows)} area codes", file=sys.stderr)


if __name__ == "__main__":
    main()
