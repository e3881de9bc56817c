//! Mainland mobile (`cn_mobile`) and fixed-line (`cn_landline`) numbers.
//!
//! Mobile segments and area codes are data generated from libphonenumber's CN metadata (PyPI
//! `phonenumbers` 9.0.43): `data/cn_mobile_segments.tsv` by `scripts/data/gen_mobile_segments.py`
//! and `data/cn_area_codes.tsv` by `scripts/data/gen_area_codes.py`.
//! Rules: pii-rules-and-prior-art.md §2.2, §2.3.

use std::sync::OnceLock;

use super::{normalize, table, Check, Verdict};
use crate::ItemKind;

const MOBILE_SRC: &str = include_str!("../../data/cn_mobile_segments.tsv");
const AREA_SRC: &str = include_str!("../../data/cn_area_codes.tsv");

/// The allocated mobile segments: prefixes of 11-digit numbers (`"139"`, `"1610"`, `"17400"`),
/// sorted.
pub fn mobile_segments() -> &'static [&'static str] {
    static SEGMENTS: OnceLock<Vec<&'static str>> = OnceLock::new();
    SEGMENTS.get_or_init(|| {
        let mut v: Vec<&'static str> = table::rows(MOBILE_SRC)
            .filter_map(|mut c| c.next())
            .filter(|p| !p.is_empty())
            .collect();
        v.sort_unstable();
        v
    })
}

/// True when an 11-digit number starts with an allocated mobile segment.
pub fn is_allocated_mobile(number: &str) -> bool {
    let b = number.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    is_allocated_prefix(b)
}

/// [`is_allocated_mobile`] of 11 bytes known to be ASCII digits.
fn is_allocated_prefix(b: &[u8]) -> bool {
    // Segments are 2–5 digits: one bit per 5-digit prefix (12.5 KB) answers in one lookup
    // instead of comparing every segment (which showed in scan profiles).
    static PREFIXES: OnceLock<Vec<u64>> = OnceLock::new();
    let bits = PREFIXES.get_or_init(|| {
        let mut bits = vec![0u64; 100_000 / 64 + 1];
        for s in mobile_segments() {
            let (Ok(n), Ok(len)) = (s.parse::<usize>(), u32::try_from(s.len())) else {
                continue;
            };
            if len > 5 {
                continue;
            }
            let scale = 10usize.pow(5 - len);
            for p in n * scale..(n + 1) * scale {
                bits[p / 64] |= 1 << (p % 64);
            }
        }
        bits
    });
    let p = b.iter().take(5).fold(0usize, |n, &d| {
        n * 10 + usize::from(d.wrapping_sub(b'0') % 10)
    });
    bits.get(p / 64).is_some_and(|w| w & (1 << (p % 64)) != 0)
}

/// The verdict on 11 ASCII digits starting with 1 (the checks of [`validate_mobile`] after
/// normalisation).
fn mobile_verdict(number: &str) -> Verdict {
    if is_allocated_prefix(number.as_bytes()) {
        Verdict::pass(ItemKind::Mobile)
    } else {
        Verdict::fail(ItemKind::Mobile, Check::Prefix)
    }
}

/// One fixed-line area code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AreaCode {
    /// The code without the trunk prefix 0: `"10"`, `"755"`.
    pub code: &'static str,
    /// Local number lengths the area uses.
    pub local_lengths: &'static [u8],
    /// The place, as libphonenumber's geocoder names it (Chinese).
    pub name: &'static str,
}

/// Every area code, sorted by code.
pub fn area_codes() -> &'static [AreaCode] {
    static CODES: OnceLock<Vec<AreaCode>> = OnceLock::new();
    CODES.get_or_init(|| {
        let mut v: Vec<AreaCode> = table::rows(AREA_SRC)
            .filter_map(|mut c| {
                let code = c.next()?;
                let local_lengths: &'static [u8] = match c.next()? {
                    "7" => &[7],
                    "8" => &[8],
                    "7,8" => &[7, 8],
                    _ => return None,
                };
                Some(AreaCode {
                    code,
                    local_lengths,
                    name: c.next().unwrap_or(""),
                })
            })
            .collect();
        v.sort_by_key(|a| a.code);
        v
    })
}

/// The area code that starts `national` (digits after the trunk 0): 2 digits for `10` and
/// `2x`, 3 digits otherwise (the two sets never share a prefix).
pub fn area_code(national: &str) -> Option<&'static AreaCode> {
    let n = if national.starts_with('1') || national.starts_with('2') {
        2
    } else {
        3
    };
    // A table indexed by the code's value instead of a binary search over the code strings
    // (whose `memcmp` calls showed in scan profiles, ~500 instructions per landline).
    static INDEX: OnceLock<Vec<u16>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = vec![u16::MAX; AREA_SLOTS];
        for (i, a) in area_codes().iter().enumerate() {
            if let (Some(slot), Ok(i)) = (area_slot(a.code), u16::try_from(i)) {
                // Codes are unique (a test checks it); keep the first like a search would.
                if index[slot] == u16::MAX {
                    index[slot] = i;
                }
            }
        }
        index
    });
    let i = *index.get(area_slot(national.get(..n)?)?)?;
    area_codes().get(usize::from(i))
}

/// Slots of the area-code index: 3-digit codes at their value, 2-digit ones after them.
const AREA_SLOTS: usize = 1100;

/// The index slot of a 2- or 3-digit area code; `None` for anything else.
fn area_slot(code: &str) -> Option<usize> {
    let b = code.as_bytes();
    if !(2..=3).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = b.iter().fold(0, |v, &d| v * 10 + usize::from(d - b'0'));
    Some(if b.len() == 2 { 1000 + v } else { v })
}

/// Digits of a phone number with separators, parentheses and a leading `+` removed. `None`
/// when other characters occur, or when a leading `+` is not followed by China's country code
/// 86 (`+1 381 …` is not a Chinese number, whatever its digits).
fn phone_digits(raw: &str, canon: &mut String) -> Option<()> {
    if !normalize::compact_into(raw, canon, |c| {
        c.is_ascii_digit() || matches!(c, '+' | '(' | ')')
    }) {
        return None;
    }
    if canon.bytes().all(|b| b.is_ascii_digit()) {
        // The common case (plain digits): nothing to drop or check.
        return Some(());
    }
    // Parentheses only group (`(010)`, `(+86)`) and are ignored; `+` may only lead, and must
    // be followed by 86. Checked on the bytes without the parentheses, then one `retain`
    // keeps the digits.
    let mut rest = canon.bytes().filter(|&c| c != b'(' && c != b')');
    let first = rest.next();
    let mut after_plus = rest.clone();
    if rest.any(|c| c == b'+') {
        return None;
    }
    if first == Some(b'+') && !(after_plus.next() == Some(b'8') && after_plus.next() == Some(b'6'))
    {
        return None;
    }
    canon.retain(|c| c.is_ascii_digit());
    Some(())
}

/// Strips a country prefix (`+86`, `0086`, `86`) in front of `len_after` national digits.
fn strip_country(canon: &mut String, len_after: usize) {
    for p in ["0086", "86"] {
        if canon.len() == p.len() + len_after && canon.starts_with(p) {
            canon.drain(..p.len());
            return;
        }
    }
}

/// Validates a mainland mobile number: 11 digits starting with 1, optionally after `+86`,
/// `0086` or `86`, with spaces, hyphens and full-width digits allowed. An unallocated segment
/// (154, 194, 10x–12x …) fails [`Check::Prefix`]. Canonical form: the 11 digits.
pub fn validate_mobile(raw: &str, canon: &mut String) -> Option<Verdict> {
    // The common form, 11 ASCII digits starting with 1, is its own canonical value: one word
    // test and one copy instead of the per-character normalisation below (which gives the same
    // result on it; a test compares them).
    let b = raw.as_bytes();
    if b.len() == 11 && b[0] == b'1' && normalize::all_digits(b) {
        canon.clear();
        canon.push_str(raw);
        return Some(mobile_verdict(raw));
    }
    if let Some(number) = mobile_grouped(b) {
        canon.clear();
        // 11 ASCII digits.
        canon.push_str(std::str::from_utf8(&number).ok()?);
        return Some(mobile_verdict(canon));
    }
    phone_digits(raw, canon)?;
    strip_country(canon, 11);
    if canon.len() != 11 || !canon.starts_with('1') {
        return None;
    }
    Some(mobile_verdict(canon))
}

/// The 11 digits of the other common ASCII forms of a mobile number: `138-1234-5678` and
/// `138 1234 5678`, and the country prefixes `8613812345678`, `008613812345678`,
/// `+8613812345678`, `+86 13812345678`, `+86-13812345678`. `None` for anything else (read by
/// the general path, which gives these forms the same 11 digits; a test compares).
fn mobile_grouped(b: &[u8]) -> Option<[u8; 11]> {
    let sep = |c: u8| c == b' ' || c == b'-';
    let mut n = [0u8; 11];
    match b.len() {
        13 if sep(b[3]) && sep(b[8]) => {
            n[..3].copy_from_slice(&b[..3]);
            n[3..7].copy_from_slice(&b[4..8]);
            n[7..].copy_from_slice(&b[9..]);
        }
        13 if b.starts_with(b"86") => n.copy_from_slice(&b[2..]),
        14 if b.starts_with(b"+86") => n.copy_from_slice(&b[3..]),
        15 if b.starts_with(b"0086") || (b.starts_with(b"+86") && sep(b[3])) => {
            n.copy_from_slice(&b[4..]);
        }
        _ => return None,
    }
    (n[0] == b'1' && normalize::all_digits(&n)).then_some(n)
}

/// Validates a fixed-line number: trunk `0` (or a `+86`/`0086`/`86` country prefix instead),
/// area code, and a 7–8 digit local number whose first digit is 2–9. Canonical form
/// `0AA-NNNNNNNN` / `0AAA-NNNNNNN`. An unknown area code, or a local length the area does not
/// use, fails [`Check::Prefix`]. Service numbers (local 95xxx/96xxx, 400/800 numbers) are not
/// personal information and are `None`, as are mobile numbers.
pub fn validate_landline(raw: &str, canon: &mut String) -> Option<Verdict> {
    if let Some(v) = landline_plain(raw, canon) {
        return v;
    }
    phone_digits(raw, canon)?;
    // With a country prefix the trunk 0 is dropped (+86 10 12345678), or written in
    // parentheses (+86 (0)10 …), which phone_digits turned into a plain 0.
    let strip = if canon.starts_with("0086") {
        4
    } else if canon.starts_with("86") {
        2
    } else {
        0
    };
    if strip > 0 {
        if canon[strip..].starts_with('0') {
            canon.drain(..strip);
        } else if (9..=11).contains(&(canon.len() - strip)) {
            canon.replace_range(..strip, "0");
        }
    }
    let b = canon.as_bytes();
    if !(10..=12).contains(&b.len()) || b[0] != b'0' {
        return None;
    }
    // 01x other than 010 is a mobile number with a trunk prefix, not a landline.
    if b[1] == b'1' && b[2] != b'0' || b[1] == b'0' {
        return None;
    }
    let code_len = if matches!(b[1], b'1' | b'2') { 2 } else { 3 };
    let local = &canon[1 + code_len..];
    let lb = local.as_bytes();
    if !(7..=8).contains(&lb.len()) || !(b'2'..=b'9').contains(&lb[0]) {
        return None;
    }
    if local.starts_with("95") || local.starts_with("96") {
        return None;
    }
    let verdict = landline_verdict(&canon[1..=code_len], lb.len());
    canon.insert(1 + code_len, '-');
    Some(verdict)
}

/// The common ASCII forms of a landline, `0AAA-NNNNNNN`, `0AAA NNNNNNN` and `(0AAA)NNNNNNN`
/// (2- or 3-digit area code, 7- or 8-digit local number starting with 2–8), validated without
/// the general normalisation: `Some(verdict)` with `canon` set, or `None` for any other text,
/// which [`validate_landline`] then reads the general way. The verdicts are the general ones
/// (a test compares them): every digit string these forms give has a trunk 0 and no country
/// prefix, and the checks below are the general path's in the same order.
fn landline_plain(raw: &str, canon: &mut String) -> Option<Option<Verdict>> {
    let b = raw.as_bytes();
    canon.clear();
    if b.is_empty() {
        // Empty fields are common in dumps; the general path says `None` too.
        return Some(None);
    }
    // Where the trunk 0 is, and the byte that must follow the area code.
    let (zero, close) = if b[0] == b'(' { (1, b')') } else { (0, 0) };
    let code_len = match b.get(zero + 1)? {
        b'1' | b'2' => 2,
        b'3'..=b'9' => 3,
        _ => return None,
    };
    let sep = zero + 1 + code_len;
    let (head, local) = (b.get(zero..sep)?, b.get(sep + 1..)?);
    let sep_ok = match close {
        0 => matches!(b[sep], b'-' | b' '),
        _ => b[sep] == close,
    };
    if !sep_ok
        || head[0] != b'0'
        || !(7..=8).contains(&local.len())
        || !head.iter().all(u8::is_ascii_digit)
        || !local.iter().all(u8::is_ascii_digit)
        // 01x other than 010 is a mobile number with a trunk prefix.
        || (head[1] == b'1' && head[2] != b'0')
        || !(b'2'..=b'9').contains(&local[0])
        || matches!(local[..2], [b'9', b'5' | b'6'])
    {
        return None;
    }
    let (head, local) = (&raw[zero..sep], &raw[sep + 1..]);
    let verdict = landline_verdict(&head[1..], local.len());
    canon.push_str(head);
    canon.push('-');
    canon.push_str(local);
    Some(Some(verdict))
}

/// The verdict on a landline with a well-formed area code `code` (without the trunk 0) and a
/// local number of `local_len` digits: the code must exist and use that local length.
fn landline_verdict(code: &str, local_len: usize) -> Verdict {
    match area_code(code) {
        Some(a) if a.local_lengths.iter().any(|&l| usize::from(l) == local_len) => {
            Verdict::pass(ItemKind::Landline)
        }
        _ => Verdict::fail(ItemKind::Landline, Check::Prefix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mobile(raw: &str) -> (Option<Verdict>, String) {
        let mut c = String::new();
        (validate_mobile(raw, &mut c), c)
    }

    fn landline(raw: &str) -> (Option<Verdict>, String) {
        let mut c = String::new();
        (validate_landline(raw, &mut c), c)
    }

    /// `area_code` as a binary search over the code strings (the reference for the index).
    fn reference_area_code(national: &str) -> Option<&'static AreaCode> {
        let n = if national.starts_with('1') || national.starts_with('2') {
            2
        } else {
            3
        };
        let code = national.get(..n)?;
        let t = area_codes();
        t.binary_search_by(|a| a.code.cmp(code)).ok().map(|i| &t[i])
    }

    #[test]
    fn area_code_index_is_the_table() {
        let t = area_codes();
        assert!(
            t.windows(2).all(|w| w[0].code < w[1].code),
            "unique and sorted"
        );
        assert!(
            t.iter().all(|a| area_slot(a.code).is_some()),
            "2 or 3 digits"
        );
        for a in t {
            assert_eq!(area_code(&format!("{}1234567", a.code)), Some(a));
        }
        let mut inputs: Vec<String> = (0..1000).map(|v| format!("{v:03}88")).collect();
        inputs.extend((0..100).map(|v| format!("{v:02}")));
        inputs.extend(
            [
                "", "1", "2", "0", "1a", "2x9", "7", "75", "755", "ａ55", "张", "10", "+10", "9999",
            ]
            .map(String::from),
        );
        for national in &inputs {
            assert_eq!(
                area_code(national),
                reference_area_code(national),
                "{national:?}"
            );
        }
    }

    /// `phone_digits` as it was with two `retain` passes (the reference).
    fn reference_phone_digits(raw: &str, canon: &mut String) -> Option<()> {
        if !normalize::compact_into(raw, canon, |c| {
            c.is_ascii_digit() || matches!(c, '+' | '(' | ')')
        }) {
            return None;
        }
        canon.retain(|c| c != '(' && c != ')');
        if canon.get(1..).is_some_and(|rest| rest.contains('+')) {
            return None;
        }
        if canon.starts_with('+') && !canon.starts_with("+86") {
            return None;
        }
        canon.retain(|c| c.is_ascii_digit());
        Some(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]

        #[test]
        fn phone_digits_same_as_reference(raw in "[0-9+()86 \\-]{0,16}") {
            let (mut a, mut b) = (String::new(), String::new());
            let ours = phone_digits(&raw, &mut a);
            proptest::prop_assert_eq!(ours, reference_phone_digits(&raw, &mut b));
            if ours.is_some() {
                proptest::prop_assert_eq!(a, b);
            }
        }
    }

    /// `validate_mobile` as it was before the plain-digits fast path (the reference).
    fn reference_mobile(raw: &str, canon: &mut String) -> Option<Verdict> {
        phone_digits(raw, canon)?;
        strip_country(canon, 11);
        if canon.len() != 11 || !canon.starts_with('1') {
            return None;
        }
        Some(if is_allocated_mobile(canon) {
            Verdict::pass(ItemKind::Mobile)
        } else {
            Verdict::fail(ItemKind::Mobile, Check::Prefix)
        })
    }

    /// `validate_landline` as it was before the fast path for the common forms (the
    /// reference).
    fn reference_landline(raw: &str, canon: &mut String) -> Option<Verdict> {
        phone_digits(raw, canon)?;
        let strip = if canon.starts_with("0086") {
            4
        } else if canon.starts_with("86") {
            2
        } else {
            0
        };
        if strip > 0 {
            if canon[strip..].starts_with('0') {
                canon.drain(..strip);
            } else if (9..=11).contains(&(canon.len() - strip)) {
                canon.replace_range(..strip, "0");
            }
        }
        let b = canon.as_bytes();
        if !(10..=12).contains(&b.len()) || b[0] != b'0' {
            return None;
        }
        if b[1] == b'1' && b[2] != b'0' || b[1] == b'0' {
            return None;
        }
        let code_len = if matches!(b[1], b'1' | b'2') { 2 } else { 3 };
        let local = &canon[1 + code_len..];
        let lb = local.as_bytes();
        if !(7..=8).contains(&lb.len()) || !(b'2'..=b'9').contains(&lb[0]) {
            return None;
        }
        if local.starts_with("95") || local.starts_with("96") {
            return None;
        }
        let verdict = match area_code(&canon[1..]) {
            Some(a) if a.local_lengths.iter().any(|&l| usize::from(l) == lb.len()) => {
                Verdict::pass(ItemKind::Landline)
            }
            _ => Verdict::fail(ItemKind::Landline, Check::Prefix),
        };
        canon.insert(1 + code_len, '-');
        Some(verdict)
    }

    use crate::validate::same_as_reference as same;

    /// Phone-like text: optional country prefix and parenthesised area code, digit groups
    /// (full-width ones too) with every separator, and a few foreign characters.
    const PHONE_TEXT: &str = "(\\+86 ?|0086|86|\\(\\+86\\))?[(]?0?[0-9１]{1,4}[)]?[- \u{3000}\u{2014}]?[0-9]{0,5}[- ]?[0-9５]{0,5}[a张]?";

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(8192))]

        #[test]
        fn mobile_same_as_reference(raw in PHONE_TEXT) {
            same(validate_mobile, reference_mobile, &raw)?;
        }

        #[test]
        fn landline_same_as_reference(raw in PHONE_TEXT) {
            same(validate_landline, reference_landline, &raw)?;
        }

        /// The shapes of the fast paths exactly, with every digit free: area codes that exist
        /// or not, 01x and 00 prefixes, 95/96 local numbers, 1-digit local starts, wrong
        /// lengths.
        #[test]
        fn phone_fast_shapes_same_as_reference(
            open in "[(]?",
            code in "0[0-9]{2,3}",
            sep in "[-) ]?",
            local in "[0-9]{5,9}",
            segment in "1[0-9]{10}",
            country in "(\\+86|0086|86|\\+86 |\\+86-|\\+85|008|)",
            groups in "[0-9]{3}[- ]?[0-9]{4}[- ]?[0-9]{3,5}",
        ) {
            let grouped = format!("{country}{groups}");
            same(validate_mobile, reference_mobile, &grouped)?;
            same(validate_landline, reference_landline, &grouped)?;
            let raw = format!("{open}{code}{sep}{local}");
            same(validate_landline, reference_landline, &raw)?;
            same(validate_mobile, reference_mobile, &raw)?;
            same(validate_mobile, reference_mobile, &segment)?;
            same(validate_landline, reference_landline, &segment)?;
        }

        #[test]
        fn phones_same_as_reference_any_text(raw in "\\PC{0,16}") {
            same(validate_mobile, reference_mobile, &raw)?;
            same(validate_landline, reference_landline, &raw)?;
        }
    }

    /// Hand-picked edges of both fast paths.
    #[test]
    fn phone_edges_same_as_reference() {
        for raw in [
            "",
            " ",
            "0",
            "(",
            "()",
            "13812345678",
            "23812345678",
            "1381234567",
            "138123456789",
            "15412345678",
            "13800138000",
            "010-82345678",
            "010-2345678",
            "010 82345678",
            "(010)82345678",
            "(010-82345678",
            "010)82345678",
            "(010) 82345678",
            "0755-86013388",
            "0571-8888666",
            "026-82345678",
            "011-82345678",
            "013-82345678",
            "001-82345678",
            "0086-82345678",
            "010-95588123",
            "010-96588123",
            "010-19588123",
            "010-0234567",
            "0755-860133889",
            "0755-860133",
            "0755-8601338a",
            "0755--86013388",
            "07a5-86013388",
            "(0755)86013388",
            "(0755)8601338",
            "０７５５-86013388",
            "0755-8601338８",
            "138-1234-5678",
            "138 1234 5678",
            "138-1234 5678",
            "138--1234-5678",
            "238-1234-5678",
            "138-123a-5678",
            "8613812345678",
            "8623812345678",
            "008613812345678",
            "008623812345678",
            "008513812345678",
            "+8613812345678",
            "+86 13812345678",
            "+86-13812345678",
            "+86+13812345678",
            "+85 13812345678",
            "+8513812345678",
            "+86 1381234567a",
            "86 13812345678",
            "0086 13812345678",
        ] {
            same(validate_mobile, reference_mobile, raw).unwrap();
            same(validate_landline, reference_landline, raw).unwrap();
        }
    }

    #[test]
    fn mobile_forms_canonicalise() {
        for raw in [
            "13812345678",
            "+86 138 1234 5678",
            "0086-138-1234-5678",
            "8613812345678",
            "１３８１２３４５６７８",
            "(+86)138 1234 5678",
        ] {
            let (v, c) = mobile(raw);
            assert!(v.unwrap().is_valid(), "{raw}");
            assert_eq!(c, "13812345678", "{raw}");
        }
    }

    #[test]
    fn segment_bitmap_agrees_with_the_segment_list() {
        for p in 0..100_000u32 {
            let number = format!("{p:05}123456");
            let listed = mobile_segments().iter().any(|s| number.starts_with(s));
            assert_eq!(is_allocated_mobile(&number), listed, "{number}");
        }
        assert!(!is_allocated_mobile("1381234567") && !is_allocated_mobile("1381234567x"));
    }

    #[test]
    fn unallocated_segments_fail_prefix() {
        for raw in [
            "15412345678",
            "19412345678",
            "10012345678",
            "12012345678",
            "14012345678",
        ] {
            assert_eq!(mobile(raw).0.unwrap().failed, Some(Check::Prefix), "{raw}");
        }
        assert!(mobile("17405123456").0.unwrap().is_valid());
        assert_eq!(mobile("17406123456").0.unwrap().failed, Some(Check::Prefix));
        assert!(mobile("16101234567").0.unwrap().is_valid());
    }

    #[test]
    fn mobile_wrong_shapes() {
        for raw in [
            "+13812345678",
            "+1 381 234 5678",
            "1381234567",
            "138123456789",
            "23812345678",
            "138+12345678",
            "1381234567a",
        ] {
            assert!(mobile(raw).0.is_none(), "{raw}");
        }
    }

    #[test]
    fn landlines() {
        for (raw, want, valid) in [
            ("010-82345678", "010-82345678", true),
            ("(010) 8888 6666", "010-88886666", true),
            ("+86 10 82345678", "010-82345678", true),
            ("+86 (0)10 82345678", "010-82345678", true),
            ("0755-86013388", "0755-86013388", true),
            ("0311-85123456", "0311-85123456", true),
            ("0312-3123456", "0312-3123456", true),
            ("0086 571 88886666", "0571-88886666", true),
            // Hangzhou local numbers have 8 digits.
            ("0571 8888 666", "0571-8888666", false),
        ] {
            let (v, c) = landline(raw);
            assert_eq!(c, want, "{raw}");
            let v = v.unwrap();
            assert_eq!(v.kind, ItemKind::Landline);
            assert_eq!(v.is_valid(), valid, "{raw}");
        }
        assert!(area_codes().len() > 300);
        assert_eq!(area_code("10").unwrap().name, "北京市");
    }

    #[test]
    fn landline_failures_and_service_numbers() {
        // 026 is not an area code in use.
        assert_eq!(
            landline("026-82345678").0.unwrap().failed,
            Some(Check::Prefix)
        );
        // Beijing local numbers have 8 digits.
        assert_eq!(
            landline("010-2345678").0.unwrap().failed,
            Some(Check::Prefix)
        );
        for raw in [
            "010-95588123",
            "0755-96123456",
            "400-123-4567",
            "800-820-8820",
            "95588",
            "013812345678",
            "010-12345",
            "010-12345678",
            "010-02345678",
        ] {
            assert!(landline(raw).0.is_none(), "{raw}");
        }
    }
}
