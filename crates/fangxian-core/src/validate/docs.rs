//! Travel documents: PRC passports (`cn_passport`), the HK/Macau residents' home-return permit
//! (`hk_macau_permit`), the Taiwan compatriot permit (`taiwan_permit`), and passport
//! machine-readable zones (ICAO Doc 9303).
//!
//! The document numbers carry no check character, so these validators check the format only;
//! a recognizer must find context (a header, a JSON path or a keyword) before reporting them.
//! An MRZ does carry check digits and validates the number it holds ([`Signals::MRZ`]).
//! Rules: pii-rules-and-prior-art.md §2.7–§2.9.

use super::{normalize, Check, Signals, Verdict};
use crate::ItemKind;

fn upper_compact(raw: &str, canon: &mut String) -> bool {
    let ok = normalize::compact_into(raw, canon, |c| c.is_ascii_alphanumeric());
    canon.make_ascii_uppercase();
    ok
}

fn all_digits(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

/// True for the PRC passport number formats: `E`/`G` + 8 digits; `E` + letter (not I or O) +
/// 7 digits; `DE`/`SE`/`PE` + 7 digits; older `D`/`S`/`P` + 7 or 8 digits; very old `14`/`15` +
/// 7 digits. `n` is upper case without separators.
pub fn is_passport_number(n: &[u8]) -> bool {
    match n {
        [b'E' | b'G', rest @ ..] if rest.len() == 8 && all_digits(rest) => true,
        [b'E', l, rest @ ..]
            if l.is_ascii_uppercase() && *l != b'I' && *l != b'O' && rest.len() == 7 =>
        {
            all_digits(rest)
        }
        [b'D' | b'S' | b'P', b'E', rest @ ..] if rest.len() == 7 => all_digits(rest),
        [b'D' | b'S' | b'P', rest @ ..] if (7..=8).contains(&rest.len()) => all_digits(rest),
        [b'1', b'4' | b'5', rest @ ..] if rest.len() == 7 => all_digits(rest),
        _ => false,
    }
}

/// Validates a PRC passport number (upper case, no spaces in the canonical form), or a TD3
/// passport MRZ (two lines of 44 characters; see [`validate_mrz`]).
pub fn validate_passport(raw: &str, canon: &mut String) -> Option<Verdict> {
    if raw.len() >= 88 {
        return validate_mrz(raw, canon);
    }
    (upper_compact(raw, canon) && is_passport_number(canon.as_bytes()))
        .then(|| Verdict::pass(ItemKind::Passport))
}

/// Validates a 港澳居民来往内地通行证 number: `H` (Hong Kong) or `M` (Macau), an 8-digit lifetime
/// number, and an optional 2-digit renewal count, which the canonical form drops so that
/// renewals of one permit de-duplicate (§2.8).
pub fn validate_hk_macau_permit(raw: &str, canon: &mut String) -> Option<Verdict> {
    if !upper_compact(raw, canon) {
        return None;
    }
    match canon.as_bytes() {
        [b'H' | b'M', rest @ ..] if (rest.len() == 8 || rest.len() == 10) && all_digits(rest) => {
            canon.truncate(9);
            Some(Verdict::pass(ItemKind::HkMacauPermit))
        }
        _ => None,
    }
}

/// Validates a 台湾居民来往大陆通行证 number: the 8-digit lifetime number of the 2015 card.
pub fn validate_taiwan_permit(raw: &str, canon: &mut String) -> Option<Verdict> {
    (normalize::digits_into(raw, canon) && canon.len() == 8)
        .then(|| Verdict::pass(ItemKind::TaiwanPermit))
}

/// The ICAO 9303 check digit (ASCII) of an MRZ field: weights 7 3 1 repeating, digits at face
/// value, `A`=10 … `Z`=35, `<`=0, sum mod 10. `None` for any other byte.
pub fn mrz_check_digit(field: &[u8]) -> Option<u8> {
    mrz_check_digit_of(field.iter())
}

/// [`mrz_check_digit`] over characters that need not be contiguous (the composite field).
fn mrz_check_digit_of<'a>(field: impl Iterator<Item = &'a u8>) -> Option<u8> {
    let mut s = 0u32;
    for (i, &b) in field.enumerate() {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'<' => 0,
            _ => return None,
        };
        s += v * [7, 3, 1][i % 3];
    }
    Some(b'0' + u8::try_from(s % 10).unwrap_or(0))
}

/// Validates a TD3 (passport) machine-readable zone: two lines of 44 characters, the first
/// starting with `P`, separated by a line break or nothing. Every check digit of line 2 is
/// verified (document number, birth date, expiry date, personal number, composite); a failure
/// is [`Check::Checksum`]. The document number (filler `<` removed) goes into `canon`, and the
/// verdict, of kind `cn_passport`, carries [`Signals::MRZ`].
pub fn validate_mrz(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    if raw.len() > normalize::MAX_RAW {
        return None;
    }
    let mut lines = raw
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let (l1, l2) = match (lines.next(), lines.next(), lines.next()) {
        (Some(a), Some(b), None) => (a.as_bytes(), b.as_bytes()),
        (Some(a), None, None) if a.len() == 88 => a.as_bytes().split_at(44),
        _ => return None,
    };
    let mrz_char = |b: &u8| b.is_ascii_digit() || b.is_ascii_uppercase() || *b == b'<';
    if l1.len() != 44 || l2.len() != 44 || l1[0] != b'P' || !l1.iter().chain(l2).all(mrz_char) {
        return None;
    }
    let number = &l2[0..9];
    for &b in number.iter().filter(|&&b| b != b'<') {
        canon.push(char::from(b));
    }
    if canon.is_empty() {
        return None;
    }
    let field_ok = |field: &[u8], check: u8| {
        mrz_check_digit(field) == Some(check) || (check == b'<' && field.iter().all(|&b| b == b'<'))
    };
    // Composite: number + check, birth date + check, expiry .. personal number + check.
    let composite = l2[0..10].iter().chain(&l2[13..20]).chain(&l2[21..43]);
    let ok = field_ok(number, l2[9])
        && field_ok(&l2[13..19], l2[19])
        && field_ok(&l2[21..27], l2[27])
        && field_ok(&l2[28..42], l2[42])
        && mrz_check_digit_of(composite) == Some(l2[43]);
    let v = if ok {
        Verdict::pass(ItemKind::Passport)
    } else {
        Verdict::fail(ItemKind::Passport, Check::Checksum)
    };
    Some(v.with(Signals::MRZ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // ICAO Doc 9303 Part 4, Appendix A specimen (Utopia, ERIKSSON ANNA MARIA).
    const L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const L2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn icao_specimen_validates() {
        let mut c = String::new();
        let v = validate_mrz(&format!("{L1}\n{L2}"), &mut c).unwrap();
        assert!(v.is_valid());
        assert!(v.signals.contains(Signals::MRZ));
        assert_eq!(c, "L898902C3");
        assert_eq!(mrz_check_digit(b"L898902C3"), Some(b'6'));
        assert_eq!(mrz_check_digit(b"740812"), Some(b'2'));
        assert!(validate_passport(&format!("{L1}{L2}"), &mut c)
            .unwrap()
            .is_valid());
    }

    #[test]
    fn mrz_with_a_changed_character_fails() {
        let mut c = String::new();
        let bad = L2.replace("7408122", "7408132");
        let v = validate_mrz(&format!("{L1}\n{bad}"), &mut c).unwrap();
        assert_eq!(v.failed, Some(Check::Checksum));
        assert!(validate_mrz(L1, &mut c).is_none());
        assert!(validate_mrz(&format!("{L1}\n{}", &L2[..43]), &mut c).is_none());
    }

    #[test]
    fn passport_numbers() {
        let mut c = String::new();
        for (raw, want) in [
            ("E12345678", "E12345678"),
            ("e 1234 5678", "E12345678"),
            ("EA1234567", "EA1234567"),
            ("G12345678", "G12345678"),
            ("DE1234567", "DE1234567"),
            ("P1234567", "P1234567"),
            ("141234567", "141234567"),
        ] {
            assert!(validate_passport(raw, &mut c).is_some(), "{raw}");
            assert_eq!(c, want);
        }
        for raw in [
            "E1234567",
            "EI1234567",
            "A12345678",
            "E123456789",
            "1612345678",
        ] {
            assert!(validate_passport(raw, &mut c).is_none(), "{raw}");
        }
    }

    #[test]
    fn permits() {
        let mut c = String::new();
        assert!(validate_hk_macau_permit("H1234567801", &mut c).is_some());
        assert_eq!(c, "H12345678");
        assert!(validate_hk_macau_permit("m12345678", &mut c).is_some());
        assert_eq!(c, "M12345678");
        assert!(validate_hk_macau_permit("H123456789", &mut c).is_none());
        assert!(validate_hk_macau_permit("C12345678", &mut c).is_none());
        assert!(validate_taiwan_permit("1234 5678", &mut c).is_some());
        assert_eq!(c, "12345678");
        assert!(validate_taiwan_permit("123456789", &mut c).is_none());
    }
}
