#!/usr/bin/env python3
"""Write crates/fangxian-core/data/cn_mobile_segments.tsv: the allocated mainland mobile number
segments, read from libphonenumber's CN metadata (PyPI `phonenumbers`, pinned in
scripts/requirements.txt).

A segment is the shortest prefix all of whose 11-digit completions the CN mobile pattern accepts
(e.g. `139`, `1740[0-5]` becomes `17400` … `17405`). The prefix tree is explored digit by digit;
a prefix is "full" when the pattern accepts every one of 200 random completions plus the all-0
and all-9 ones, and "empty" when it accepts none of them. The oracle (scripts/oracle.sh) then
checks agreement with phonenumbers on 100,000+ numbers, so a sampling mistake would show there.

    python3 scripts/data/gen_mobile_segments.py > crates/fangxian-core/data/cn_mobile_segments.tsv
"""
import datetime
import random
import re
import sys

import phonenumbers
from phonenumbers import PhoneMetadata

LENGTH = 11


def main():
    meta = PhoneMetadata.metadata_for_region("CN")
    pattern = meta.mobile.national_number_pattern
    assert tuple(meta.mobile.possible_length) == (LENGTH,), meta.mobile.possible_length
    rx = re.compile(f"(?:{pattern})")
    rng = random.Random(2260)

    def completions(prefix):
        n = LENGTH - len(prefix)
        yield prefix + "0" * n
        yield prefix + "9" * n
        for _ in range(200):
            yield prefix + "".join(rng.choice("0123456789") for _ in range(n))

    segments = []

    def walk(prefix):
        hits = [bool(rx.fullmatch(c)) for c in completions(prefix)]
        if all(hits):
            segments.append(prefix)
        elif any(hits) or len(prefix) < 3:
            if len(prefix) >= LENGTH - 3:
                raise SystemExit(f"pattern too irregular below {prefix}")
            for d in "0123456789":
                walk(prefix + d)

    walk("1")
    out = sys.stdout
    out.write("# Allocated mainland China mobile number segments (prefixes of 11-digit numbers).\n")
    out.write(f"# source: PyPI phonenumbers {phonenumbers.__version__} (libphonenumber CN metadata), "
              f"mobile national_number_pattern: {pattern}\n")
    out.write(f"# generated: {datetime.date.today().isoformat()} by scripts/data/gen_mobile_segments.py\n")
    out.write("# columns: prefix\n")
    for s in segments:
        out.write(s + "\n")
    print(f"{len(segments)} segments", file=sys.stderr)


if __name__ == "__main__":
    main()
