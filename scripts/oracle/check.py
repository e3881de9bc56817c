#!/usr/bin/env python3
"""Compare fangxian's validator verdicts with independent implementations.

Reads the lines of `oracle_dump` (type, raw, fangxian_valid, canonical, failed_check) on stdin
and checks each verdict, and each canonical value of a valid candidate (the oracle's own
normalisation: stdnum's compact(), phonenumbers' national number), against:

* cn_resident_id — python-stdnum `stdnum.cn.ric`
* cn_uscc        — python-stdnum `stdnum.cn.uscc`
* cn_mobile      — phonenumbers (libphonenumber CN metadata): valid and of type MOBILE
* cn_landline    — phonenumbers: a CN number, valid and of type FIXED_LINE
* bank_card      — python-stdnum `stdnum.luhn`
* imei           — python-stdnum `stdnum.imei`

Versions are pinned in scripts/requirements.txt. Prints the agreement rate per type and exits
non-zero when any disagreement is not one of the documented, explained differences below.

Explained differences (each counted and printed):

* ric/date: fangxian rejects a birth date before 1900-01-01 or after today (GB 11643 numbers
  exist for living residents only; pii-rules-and-prior-art.md §2.1); stdnum accepts any real date.
* ric/region: stdnum rejects an address code absent from its own GB/T 2260 data, not in force
  in the birth year, or of province/prefecture level (its get_birth_place() raises KeyError on
  those); fangxian treats the 6-digit code as a confidence signal (KNOWN_REGION), not
  a rule, and only requires a valid province prefix, because codes stay on IDs after a county is
  abolished and both lists have gaps.
* uscc/gb11714: fangxian also verifies the GB 11714 organisation-code check character at
  position 17; stdnum checks only the GB 32100 character at position 18.
* landline/service: local numbers starting 95 or 96 are service numbers (pii-rules §2.3), not
  personal information, so fangxian does not take them as landlines; libphonenumber does.
* landline/first-digit: fangxian requires the local number to start with 2-9 (helan's rule,
  §2.3); libphonenumber accepts some local numbers starting with 0 or 1.
* landline/block: libphonenumber's fixed-line pattern leaves out some blocks inside an area
  (e.g. Beijing 800x); fangxian's table holds area codes and local lengths only.
* uscc/head-letter: GB 32100 allows letters in positions 1-2 (registration authority and type,
  e.g. `N2` rural collectives); stdnum requires digits there.
"""
import datetime
import re
import sys
from collections import Counter, defaultdict

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import imei, luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent, ValidationError

MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
FIXED_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb11714_ok(code):
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = lambda ch: int(ch) if ch.isdigit() else ord(ch) - 55  # A=10
    s = sum(value(c) * w for c, w in zip(code[8:16], weights))
    c = 11 - s % 11
    return code[16] == {10: "X", 11: "0"}.get(c, str(c))


def compact(raw):
    """Spaces and hyphens removed, upper case: python-stdnum's compact() for USCCs and IMEIs.
    stdnum.cn.ric.compact() keeps separators, so RIC candidates are compacted here first."""
    return re.sub(r"[ -]", "", raw).upper()


def ric_oracle(raw, fx_valid, fx_failed):
    """(oracle_valid, explanation or None when a disagreement would be unexplained)."""
    raw = compact(raw)
    try:
        ric.validate(raw)
        ok = True
    except (ValidationError, KeyError):
        # KeyError: stdnum 2.2 get_birth_place() fails on province- and prefecture-level codes
        # (its numdb row has no 'county'); it means "no place found", i.e. invalid to stdnum.
        ok = False
    explain = None
    if ok and fx_failed == "date":
        born = ric.get_birth_date(raw)
        if born < datetime.date(1900, 1, 1) or born > datetime.date.today():
            explain = "ric/date: birth date before 1900 or in the future"
    elif not ok and fx_valid == "1":
        # Valid to fangxian: stdnum must have failed on the birth place only.
        try:
            ric.get_birth_date(raw)
            if raw[-1] != ric.calc_check_digit(raw):
                raise ValidationError()
            try:
                ric.get_birth_place(raw)
            except (InvalidComponent, KeyError):
                explain = "ric/region: address code unknown to stdnum or not in force in the birth year"
        except ValidationError:
            pass
    return ok, explain


def uscc_oracle(raw, fx_valid, fx_failed):
    ok = uscc.is_valid(raw)
    raw = compact(raw)
    explain = None
    if ok and fx_failed == "checksum" and not gb11714_ok(raw):
        explain = "uscc/gb11714: organisation-code check character at position 17 wrong"
    elif not ok and fx_valid == "1" and not raw[:2].isdigit():
        body = raw[2:]
        if body[:6].isdigit() and raw[-1] == uscc.calc_check_digit(raw):
            explain = "uscc/head-letter: letter in positions 1-2"
    return ok, explain


def mobile_oracle(raw, _fx_valid, _fx_failed):
    try:
        num = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return False, None
    ok = phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in MOBILE_TYPES
    return ok, None


def fixed_ok(national):
    try:
        num = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return False
    return (
        num.country_code == 86
        and phonenumbers.is_valid_number(num)
        and phonenumbers.number_type(num) in FIXED_TYPES
    )


def landline_oracle(raw, fx_valid, _fx_failed):
    ok = fixed_ok(raw)
    code_len = 2 if raw[1:2] in ("1", "2") else 3
    local = raw[1 + code_len:]
    explain = None
    if ok and fx_valid == "-" and local[:2] in ("95", "96"):
        explain = "landline/service: local 95xxx/96xxx numbers are service numbers, not PI, to fangxian"
    elif ok and fx_valid == "-" and local[:1] in ("0", "1"):
        explain = "landline/first-digit: fangxian wants local numbers starting 2-9; libphonenumber accepts some starting 0/1"
    elif not ok and fx_valid == "1" and fixed_ok(raw[: 1 + code_len] + "2" + "3" * (len(local) - 1)):
        # The area takes local numbers of this length, just not this block.
        explain = ("landline/block: libphonenumber excludes some blocks inside an area (e.g. Beijing "
                   "800x); fangxian checks the area code and the local length only")
    return ok, explain


def luhn_oracle(raw, _fx_valid, _fx_failed):
    return luhn.is_valid(compact(raw)), None


def imei_oracle(raw, _fx_valid, _fx_failed):
    return imei.is_valid(raw), None


def expected_canonical(kind, raw):
    """The contract's canonical value (§2) of a raw candidate without separators."""
    if kind == "cn_landline":
        code_len = 2 if raw[1:2] in ("1", "2") else 3
        return raw[: 1 + code_len] + "-" + raw[1 + code_len:]
    if kind == "cn_mobile":
        return str(phonenumbers.parse(raw, "CN").national_number)
    return compact(raw)


ORACLES = {
    "cn_resident_id": ("stdnum.cn.ric", ric_oracle),
    "cn_uscc": ("stdnum.cn.uscc", uscc_oracle),
    "cn_mobile": (f"phonenumbers {phonenumbers.__version__}", mobile_oracle),
    "cn_landline": (f"phonenumbers {phonenumbers.__version__}", landline_oracle),
    "bank_card": ("stdnum.luhn", luhn_oracle),
    "imei": ("stdnum.imei", imei_oracle),
}


def main():
    total = Counter()
    agree = Counter()
    explained = defaultdict(Counter)
    unexplained = defaultdict(list)
    canon_bad = defaultdict(list)
    for line in sys.stdin:
        kind, raw, fx_valid, canon, fx_failed = line.rstrip("\n").split("\t")
        if kind not in ORACLES:
            continue
        total[kind] += 1
        oracle_ok, explain = ORACLES[kind][1](raw, fx_valid, fx_failed)
        fx_ok = fx_valid == "1"
        if fx_ok and canon != expected_canonical(kind, raw):
            canon_bad[kind].append((raw, canon))
        if fx_ok == oracle_ok:
            agree[kind] += 1
        elif explain:
            explained[kind][explain] += 1
        else:
            unexplained[kind].append((raw, fx_valid, fx_failed, oracle_ok))
    failed = False
    print(f"{'type':<16}{'oracle':<22}{'compared':>10}{'agree':>10}{'rate':>10}{'explained':>11}{'unexplained':>13}")
    for kind, (name, _) in ORACLES.items():
        n = total[kind]
        if n == 0:
            print(f"{kind}: no candidates", file=sys.stderr)
            failed = True
            continue
        ex = sum(explained[kind].values())
        un = len(unexplained[kind])
        print(f"{kind:<16}{name:<22}{n:>10}{agree[kind]:>10}{100 * agree[kind] / n:>9.3f}%{ex:>11}{un:>13}")
        for why, count in explained[kind].most_common():
            print(f"    explained {count:>7}  {why}")
        for raw, fxv, fxf, ok in unexplained[kind][:10]:
            print(f"    UNEXPLAINED {raw} fangxian={fxv} ({fxf or 'pass'}) oracle={'valid' if ok else 'invalid'}")
        for raw, canon in canon_bad[kind][:10]:
            print(f"    BAD CANONICAL {raw} -> {canon}")
        failed |= un > 0 or bool(canon_bad[kind])
        agree_or_explained = agree[kind] + ex
        print(f"    agreement where the oracle covers the same rule: {100 * agree_or_explained / n:.3f}%")
    if failed:
        print("oracle check FAILED: unexplained disagreements", file=sys.stderr)
        return 1
    print("oracle check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
