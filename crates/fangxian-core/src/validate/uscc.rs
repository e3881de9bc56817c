//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters over the 31-character alphabet `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S,
//! V, Z): registration authority, organisation type, GB/T 2260 address code (positions 3–8),
//! GB 11714 organisation code with its own check character (positions 9–17), and a MOD 31 check
//! character. Both check characters are verified. pii-rules-and-prior-art.md §2.5.

use super::{gb11714, normalize, regions, Check, Signals, Verdict};
use crate::ItemKind;

/// The code's alphabet; a character's value is its index.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17: 3^(i−1) mod 31.
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(b: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == b)
        .and_then(|i| u32::try_from(i).ok())
}

/// The GB 32100 check character (position 18) of the first 17 characters, or `None` when there
/// are not 17 characters or one is outside [`ALPHABET`].
pub fn check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut s = 0;
    for (&b, w) in first17.iter().zip(WEIGHTS) {
        s += value(b)? * w;
    }
    ALPHABET.get(((31 - s % 31) % 31) as usize).copied()
}

/// Validates a USCC, writing the 18 upper-case characters into `canon`. Spaces and hyphens are
/// dropped, full-width characters folded and lower case accepted. The GB 32100 check is
/// reported first, then the embedded GB 11714 check; both are [`Check::Checksum`].
/// [`Signals::KNOWN_REGION`] is set when positions 3–8 are a known GB/T 2260 code.
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    if !normalize::compact_into(raw, canon, |c| c.is_ascii_alphanumeric()) || canon.len() != 18 {
        return None;
    }
    canon.make_ascii_uppercase();
    let b = canon.as_bytes();
    // Positions 1-2 (authority, type) may be letters (e.g. `N2` rural collectives); 3-8 are an
    // address code.
    if !b.iter().all(|&c| value(c).is_some()) || !b[2..8].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v =
        if check_char(&b[..17]) != Some(b[17]) || gb11714::check_char(&b[8..16]) != Some(b[16]) {
            Verdict::fail(ItemKind::Uscc, Check::Checksum)
        } else {
            Verdict::pass(ItemKind::Uscc)
        };
    let code = b[2..8]
        .iter()
        .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
    if regions::is_known(code) {
        v.signals.insert(Signals::KNOWN_REGION);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_codes_pass() {
        let mut c = String::new();
        // python-stdnum's documentation example and two publicly listed company codes.
        for code in [
            "91110000600037341L",
            "9144030071526726XG",
            "91330100716105852F",
        ] {
            let v = validate(code, &mut c).unwrap();
            assert!(v.is_valid(), "{code}");
            assert_eq!(c, code);
        }
        assert!(validate("91110000 6000 37341l", &mut c).unwrap().is_valid());
        assert_eq!(c, "91110000600037341L");
    }

    #[test]
    fn wrong_check_characters_fail() {
        let mut c = String::new();
        assert_eq!(
            validate("91110000600037341M", &mut c).unwrap().failed,
            Some(Check::Checksum)
        );
        // Position 17 changed and position 18 recomputed: only GB 11714 catches it.
        let mut body = b"91110000600037342".to_vec();
        body.push(check_char(&body).unwrap());
        let s = String::from_utf8(body).unwrap();
        assert_eq!(validate(&s, &mut c).unwrap().failed, Some(Check::Checksum));
    }

    #[test]
    fn wrong_shapes_are_none() {
        let mut c = String::new();
        assert!(validate("91110000600037341", &mut c).is_none());
        assert!(validate("9111000060003734IL", &mut c).is_none());
        assert!(validate("91110000600037341L1", &mut c).is_none());
        // Positions 3-8 are a GB/T 2260 address code: digits only.
        assert!(validate("9111A000600037341L", &mut c).is_none());
    }
}
