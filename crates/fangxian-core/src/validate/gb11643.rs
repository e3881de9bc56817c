//! 居民身份证号码 (resident identity number), GB 11643-1999, and the 港澳台居民居住证 number that
//! shares its structure (address code 810000/820000/830000).
//!
//! Layout `AAAAAA YYYYMMDD SSS C`: GB/T 2260 address code, birth date, order code, and an
//! ISO 7064 MOD 11-2 check character. The first-generation 15-digit form `AAAAAA YYMMDD SSS`
//! (19xx implied, no check character) is upgraded to 18 characters.
//! Rules: pii-rules-and-prior-art.md §2.1.
//!
//! Checks, in the order they are reported: check character (18-character form), birth date
//! (a real Gregorian date, not before 1900-01-01, not after today), province prefix. The full
//! 6-digit address code against the historical GB/T 2260 list is a signal
//! ([`Signals::KNOWN_REGION`]), not a check: codes of abolished counties stay on IDs, and the
//! list we have may miss some.

use super::date::Date;
use super::{normalize, regions, Check, Signals, Verdict};
use crate::ItemKind;

/// Weights of positions 1–17: 2^(18−p) mod 11.
pub const WEIGHTS: [u8; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for `S mod 11` = index.
const CHECK_MAP: &[u8; 11] = b"10X98765432";

/// The check character (`b'0'`–`b'9'` or `b'X'`) of the first 17 characters of an 18-character
/// number. Expects ASCII digits; other bytes, or fewer than 17, give an unspecified character
/// (never a panic).
pub fn check_char(first17: &[u8]) -> u8 {
    let s: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b.wrapping_sub(b'0') % 10) * u32::from(w))
        .sum();
    CHECK_MAP[(s % 11) as usize]
}

/// [`check_char`] of 17 bytes known to be ASCII digits: without the `% 10` that keeps other
/// bytes in range, which was most of the cost of the sum (it runs for every resident ID a scan
/// validates). A test checks it against [`check_char`] on digits.
fn check_char_of_digits(first17: &[u8; 17]) -> u8 {
    let s: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b.wrapping_sub(b'0')) * u32::from(w))
        .sum();
    CHECK_MAP[(s % 11) as usize]
}

/// Upgrades a 15-digit first-generation number to its 18-character form: `19` is inserted
/// before the 2-digit year and the check character appended. `None` unless `n15` is 15 ASCII
/// digits.
pub fn upgrade_15(n15: &[u8]) -> Option<[u8; 18]> {
    if n15.len() != 15 || !n15.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut out = [0u8; 18];
    out[..6].copy_from_slice(&n15[..6]);
    out[6..8].copy_from_slice(b"19");
    out[8..17].copy_from_slice(&n15[6..]);
    out[17] = check_char(&out[..17]);
    Some(out)
}

/// A date certainly not in the future. Birth dates up to it skip reading the clock, which
/// costs more than the rest of the validation (and a clock set in the past cannot then reject
/// them).
const SURELY_PAST: Date = Date {
    year: 2025,
    month: 1,
    day: 1,
};

/// Validates a resident ID (or residence-permit number), writing the 18-character canonical
/// form into `canon`. Separators, spaces, full-width digits and a lower-case `x` are accepted.
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    validate_with(raw, canon, Date::today)
}

/// [`validate`] with "today" given, for reproducible tests.
pub fn validate_on(raw: &str, canon: &mut String, today: Date) -> Option<Verdict> {
    validate_with(raw, canon, || today)
}

fn validate_with(raw: &str, canon: &mut String, today: impl Fn() -> Date) -> Option<Verdict> {
    // The common form, 18 ASCII characters (17 digits and a digit, `X` or `x`), is its own
    // canonical value but for the case of the `x`: checked a word at a time and copied once,
    // instead of normalised character by character (a test compares the two paths).
    if let Some(id) = raw
        .as_bytes()
        .first_chunk::<18>()
        .filter(|_| raw.len() == 18)
    {
        let last = id[17];
        if is_plain(id) {
            let mut id = *id;
            id[17] = last.to_ascii_uppercase();
            canon.clear();
            if last == b'x' {
                // `raw[..17]` is ASCII digits, so 17 is a character boundary.
                canon.push_str(raw.get(..17)?);
                canon.push('X');
            } else {
                canon.push_str(raw);
            }
            return Some(judge(&id, Signals::empty(), today));
        }
    }
    // Two more forms common in dumps: `AAAAAA YYYYMMDD SSSC` (spaces after the address code
    // and the date) and the 15-digit legacy number, both ASCII. What the normalisation below
    // would make of them is built directly.
    let b = raw.as_bytes();
    if b.len() == 20 && b[6] == b' ' && b[15] == b' ' {
        let mut id = [0u8; 18];
        id[..6].copy_from_slice(&b[..6]);
        id[6..14].copy_from_slice(&b[7..15]);
        id[14..].copy_from_slice(&b[16..]);
        if is_plain(&id) {
            id[17] = id[17].to_ascii_uppercase();
            canon.clear();
            canon.push_str(std::str::from_utf8(&id).ok()?);
            return Some(judge(&id, Signals::empty(), today));
        }
    }
    if b.len() == 15 && normalize::all_digits(b) {
        let id = upgrade_15(b)?;
        canon.clear();
        canon.push_str(std::str::from_utf8(&id).ok()?);
        return Some(judge(&id, Signals::LEGACY_15, today));
    }
    if !normalize::compact_into(raw, canon, |c| c.is_ascii_digit() || c == 'x' || c == 'X') {
        return None;
    }
    let b = canon.as_bytes();
    let mut signals = Signals::empty();
    let mut id = [0u8; 18];
    match b.len() {
        18 => {
            if !b[..17].iter().all(u8::is_ascii_digit) {
                return None;
            }
            id.copy_from_slice(b);
            id[17] = id[17].to_ascii_uppercase();
            // `canon` holds the number already: only the check character is upper-cased.
            canon.make_ascii_uppercase();
        }
        15 => {
            id = upgrade_15(b)?;
            signals.insert(Signals::LEGACY_15);
            canon.clear();
            // Every byte is ASCII here (so this never returns); one copy instead of a push
            // per byte.
            canon.push_str(std::str::from_utf8(&id).ok()?);
        }
        _ => return None,
    }
    Some(judge(&id, signals, today))
}

/// True when the 18 bytes are 17 ASCII digits and a digit, `X` or `x`: a number the fast
/// paths of [`validate_on`] take as it is.
fn is_plain(id: &[u8; 18]) -> bool {
    let last = id[17];
    normalize::all_digits(&id[..16])
        && id[16].is_ascii_digit()
        && (last.is_ascii_digit() || last | 0x20 == b'x')
}

/// The checks on an 18-character number whose first 17 bytes are ASCII digits and whose last
/// is a digit or `X`.
fn judge(id: &[u8; 18], mut signals: Signals, today: impl Fn() -> Date) -> Verdict {
    let code = digits(&id[..6]);
    let kind = if regions::is_permit_code(code) {
        ItemKind::ResidencePermit
    } else {
        ItemKind::ResidentId
    };
    if regions::is_known(code) {
        signals.insert(Signals::KNOWN_REGION);
    }
    // `id[..17]` are ASCII digits (checked above, or made so by `upgrade_15`).
    let first17: &[u8; 17] = id.first_chunk().unwrap_or(&[b'0'; 17]);
    let failed = if id[17] != check_char_of_digits(first17) {
        Some(Check::Checksum)
    } else if !birth_date(id).is_some_and(|d| {
        d >= Date {
            year: 1900,
            month: 1,
            day: 1,
        } && (d <= SURELY_PAST || d <= today())
    }) {
        Some(Check::Date)
    } else if !regions::is_province(code / 10_000) {
        Some(Check::Region)
    } else {
        None
    };
    Verdict {
        kind,
        failed,
        signals,
    }
}

/// The birth date of `id`: [`Date::from_yyyymmdd`] of `id[6..14]`, which are known to be ASCII
/// digits here (the digit test and the loops of the general parser were most of its cost).
fn birth_date(id: &[u8; 18]) -> Option<Date> {
    let d = |i: usize| u32::from(id[i].wrapping_sub(b'0'));
    let year = d(6) * 1000 + d(7) * 100 + d(8) * 10 + d(9);
    Date::new(
        i32::try_from(year).ok()?,
        d(10) * 10 + d(11),
        d(12) * 10 + d(13),
    )
}

/// The value of ASCII digits (only called on the 6 digits of an address code: no overflow).
fn digits(s: &[u8]) -> u32 {
    s.iter()
        .fold(0u32, |acc, &b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 24).unwrap()
    }

    fn check(raw: &str) -> (Option<Verdict>, String) {
        let mut canon = String::new();
        let v = validate_on(raw, &mut canon, today());
        (v, canon)
    }

    proptest::proptest! {
        #[test]
        fn birth_date_is_from_yyyymmdd(d in "[0-9]{18}") {
            let id: [u8; 18] = d.as_bytes().try_into().unwrap();
            proptest::prop_assert_eq!(birth_date(&id), Date::from_yyyymmdd(&id[6..14]));
        }

        #[test]
        fn check_char_of_digits_is_check_char(d in "[0-9]{17}") {
            let first17: [u8; 17] = d.as_bytes().try_into().unwrap();
            proptest::prop_assert_eq!(check_char_of_digits(&first17), check_char(&first17));
        }
    }

    /// `validate_on` as it was before the fast path for 18 plain characters (the reference).
    fn reference(raw: &str, canon: &mut String, today: Date) -> Option<Verdict> {
        if !normalize::compact_into(raw, canon, |c| c.is_ascii_digit() || c == 'x' || c == 'X') {
            return None;
        }
        let b = canon.as_bytes();
        let mut signals = Signals::empty();
        let mut id = [0u8; 18];
        match b.len() {
            18 => {
                if !b[..17].iter().all(u8::is_ascii_digit) {
                    return None;
                }
                id.copy_from_slice(b);
                id[17] = id[17].to_ascii_uppercase();
                canon.make_ascii_uppercase();
            }
            15 => {
                id = upgrade_15(b)?;
                signals.insert(Signals::LEGACY_15);
                canon.clear();
                canon.push_str(std::str::from_utf8(&id).ok()?);
            }
            _ => return None,
        }
        let code = digits(&id[..6]);
        let kind = if regions::is_permit_code(code) {
            ItemKind::ResidencePermit
        } else {
            ItemKind::ResidentId
        };
        if regions::is_known(code) {
            signals.insert(Signals::KNOWN_REGION);
        }
        let failed = if id[17] != check_char(&id[..17]) {
            Some(Check::Checksum)
        } else if !Date::from_yyyymmdd(&id[6..14]).is_some_and(|d| {
            d >= Date {
                year: 1900,
                month: 1,
                day: 1,
            } && d <= today
        }) {
            Some(Check::Date)
        } else if !regions::is_province(code / 10_000) {
            Some(Check::Region)
        } else {
            None
        };
        Some(Verdict {
            kind,
            failed,
            signals,
        })
    }

    fn same(raw: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        crate::validate::same_as_reference(
            |r, c| validate_on(r, c, today()),
            |r, c| reference(r, c, today()),
            raw,
        )
    }

    /// A valid number with the given address code and birth date, as a string.
    fn with_check(first17: &str) -> String {
        let mut id = first17.as_bytes().to_vec();
        id.push(check_char(&id));
        String::from_utf8(id).unwrap()
    }

    /// Edges of the fast paths: spaces one place off, other separators, lower-case and
    /// wrong check characters, 15 and 16 digits, full-width digits.
    #[test]
    fn fast_path_edges_same_as_reference() {
        for raw in [
            "110105 19491231 002X",
            "110105 19491231 002x",
            "110105 19491231 0021",
            "110105 19491231 002Y",
            "11010 519491231 002X",
            "110105 1949123 1002X",
            "110105-19491231-002X",
            "110105 19491231 002X ",
            "110105 1949123a 002X",
            "110105491231002",
            "11010549123100X",
            "110105491231002 ",
            "1101054912310021",
            "１１０１０５491231002",
            "11010519491231002X",
            "11010519491231002x",
            "1101051949123100XX",
        ] {
            same(raw).unwrap();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

        /// Numbers that pass or fail each check: known, unknown and permit address codes,
        /// real and impossible dates around 1900 and today, right and wrong check characters
        /// (`x`, `X`, digits), 15-digit forms, separators, full-width digits, lengths around 18.
        #[test]
        fn same_as_reference(
            code in "(110105|440305|810000|830000|990105|110199|[0-9]{6})",
            date in "(19[0-9]{2}|18[0-9]{2}|20[0-2][0-9])(0[0-9]|1[0-3])([0-3][0-9])",
            seq in "[0-9]{3}",
            last in "[0-9xXy]?",
            fix in proptest::bool::ANY,
            form in 0usize..6,
        ) {
            let first17 = format!("{code}{date}{seq}");
            let id = if fix { with_check(&first17) } else { format!("{first17}{last}") };
            let raw = match form {
                0 => id.clone(),
                1 => format!("{} {} {}", &id[..6], &id[6..14], &id[14..]),
                2 => id.replace('1', "１"),
                3 => format!("{}{}", &id[..6], &id[8..id.len().min(17)]),
                4 => format!(" {id}"),
                _ => id.to_lowercase() + "1",
            };
            same(&raw)?;
            same(&id)?;
        }

        #[test]
        fn same_as_reference_any_text(raw in "[0-9xX]{16,19}|\\PC{0,20}") {
            same(&raw)?;
        }
    }

    #[test]
    fn standard_example_passes() {
        // GB 11643-1999's own example.
        let (v, canon) = check("11010519491231002X");
        let v = v.unwrap();
        assert!(v.is_valid());
        assert_eq!(v.kind, ItemKind::ResidentId);
        assert!(v.signals.contains(Signals::KNOWN_REGION));
        assert_eq!(canon, "11010519491231002X");
        assert_eq!(check_char(b"11010519491231002"), b'X');
    }

    #[test]
    fn vendor_doc_examples_fail_their_checksum() {
        // pii-rules-and-prior-art.md §2.1 cautions: these published examples are wrong.
        assert_eq!(
            check("110101199003077593").0.unwrap().failed,
            Some(Check::Checksum)
        );
        assert_eq!(check_char(b"11010119900307759"), b'8');
        assert_eq!(
            check("11010519900101003X").0.unwrap().failed,
            Some(Check::Checksum)
        );
        assert_eq!(check_char(b"11010519900101003"), b'7');
    }

    #[test]
    fn lower_case_x_separators_and_full_width_are_accepted() {
        for raw in [
            "11010519491231002x",
            "110105 19491231 002X",
            "1101-0519-4912-3100-2x",
            "１１０１０５１９４９１２３１００２Ｘ",
        ] {
            let (v, canon) = check(raw);
            assert!(v.unwrap().is_valid(), "{raw}");
            assert_eq!(canon, "11010519491231002X");
        }
    }

    #[test]
    fn legacy_15_is_upgraded() {
        let (v, canon) = check("110105491231002");
        let v = v.unwrap();
        assert!(v.is_valid());
        assert!(v.signals.contains(Signals::LEGACY_15));
        assert_eq!(canon, "11010519491231002X");
    }

    #[test]
    fn dates_are_checked() {
        let fix = |s: &str| {
            let mut id = s.as_bytes()[..17].to_vec();
            id.push(check_char(&id));
            String::from_utf8(id).unwrap()
        };
        assert_eq!(
            check(&fix("11010518991231002")).0.unwrap().failed,
            Some(Check::Date)
        );
        assert_eq!(
            check(&fix("11010519490230002")).0.unwrap().failed,
            Some(Check::Date)
        );
        assert_eq!(
            check(&fix("11010520261125002")).0.unwrap().failed,
            Some(Check::Date)
        );
        assert!(check(&fix("11010520261124002")).0.unwrap().is_valid());
        assert!(check(&fix("11010520000229002")).0.unwrap().is_valid());
    }

    #[test]
    fn province_is_hard_region_is_a_signal() {
        let fix = |s: &str| {
            let mut id = s.as_bytes()[..17].to_vec();
            id.push(check_char(&id));
            String::from_utf8(id).unwrap()
        };
        assert_eq!(
            check(&fix("99010519491231002")).0.unwrap().failed,
            Some(Check::Region)
        );
        let v = check(&fix("11019919491231002")).0.unwrap();
        assert!(v.is_valid());
        assert!(!v.signals.contains(Signals::KNOWN_REGION));
    }

    #[test]
    fn residence_permits_are_typed() {
        let mut id = b"81000019800101002".to_vec();
        id.push(check_char(&id));
        let (v, _) = check(std::str::from_utf8(&id).unwrap());
        let v = v.unwrap();
        assert_eq!(v.kind, ItemKind::ResidencePermit);
        assert!(v.is_valid());
    }

    #[test]
    fn wrong_shapes_are_none() {
        for raw in [
            "",
            "1101051949123100",
            "110105194912310021X",
            "1101051949123100XX",
            "X1010519491231002",
            "11010519491231002Y",
        ] {
            assert!(check(raw).0.is_none(), "{raw}");
        }
    }
}
