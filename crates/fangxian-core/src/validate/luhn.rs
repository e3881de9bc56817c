//! The Luhn check (ISO/IEC 7812-1 Annex B) and the two types that carry it: payment card
//! numbers (`bank_card`) and IMEIs (3GPP TS 23.003). pii-rules-and-prior-art.md §2.4, §2.10.

use super::{iin, normalize, Check, Signals, Verdict};
use crate::ItemKind;

/// The Luhn check digit (ASCII `b'0'`–`b'9'`) to append to `digits` (ASCII digits, without the
/// check digit). Non-digit bytes give an unspecified digit (never a panic).
pub fn check_digit(digits: &[u8]) -> u8 {
    // The digit next to the check digit is doubled, then every second one leftwards.
    let s: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b.wrapping_sub(b'0') % 10);
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    b'0' + u8::try_from((10 - s % 10) % 10).unwrap_or(0)
}

/// True when `digits` (ASCII digits, check digit last) passes the Luhn check. False for empty
/// input or any non-digit byte.
pub fn is_valid(digits: &[u8]) -> bool {
    match digits.split_last() {
        Some((&last, body)) => digits.iter().all(u8::is_ascii_digit) && check_digit(body) == last,
        None => false,
    }
}

/// Validates a payment card number: 13–19 digits (spaces and hyphens allowed) with a valid Luhn
/// check digit. [`Signals::KNOWN_IIN`] is set when the number starts with a known Chinese
/// issuer's BIN or the UnionPay range ([`iin::lookup`]); a Luhn-valid number without it is
/// still valid, but a recognizer should want context for it (one random number in ten passes
/// Luhn). Canonical form: digits only.
pub fn validate_bank_card(raw: &str, canon: &mut String) -> Option<Verdict> {
    if !normalize::digits_into(raw, canon) || !(13..=19).contains(&canon.len()) {
        return None;
    }
    let mut v = if is_valid(canon.as_bytes()) {
        Verdict::pass(ItemKind::BankCard)
    } else {
        Verdict::fail(ItemKind::BankCard, Check::Checksum)
    };
    if iin::lookup(canon).is_some() {
        v.signals.insert(Signals::KNOWN_IIN);
    }
    Some(v)
}

/// Validates an IMEI: 15 digits (TAC 8 + serial 6 + Luhn check digit). Canonical form: the 15
/// digits.
pub fn validate_imei(raw: &str, canon: &mut String) -> Option<Verdict> {
    if !normalize::digits_into(raw, canon) || canon.len() != 15 {
        return None;
    }
    Some(if is_valid(canon.as_bytes()) {
        Verdict::pass(ItemKind::Imei)
    } else {
        Verdict::fail(ItemKind::Imei, Check::Checksum)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        // IMEI from pii-rules-and-prior-art.md §2.10; ISO/IEC 7812 test PAN.
        assert!(is_valid(b"490154203237518"));
        assert_eq!(check_digit(b"49015420323751"), b'8');
        assert!(is_valid(b"4111111111111111"));
        assert!(!is_valid(b"4111111111111112"));
        assert!(is_valid(b"79927398713"));
        assert!(!is_valid(b""));
        assert!(!is_valid(b"41x1"));
    }

    #[test]
    fn bank_cards() {
        let mut c = String::new();
        // A UnionPay-range test number: 62 + 14 digits + check.
        let mut n = b"622202000000000".to_vec();
        n.push(check_digit(&n));
        let s = String::from_utf8(n).unwrap();
        let v = validate_bank_card(&s, &mut c).unwrap();
        assert!(v.is_valid());
        assert!(v.signals.contains(Signals::KNOWN_IIN));
        let v = validate_bank_card("4111 1111 1111 1111", &mut c).unwrap();
        assert!(v.is_valid());
        assert_eq!(c, "4111111111111111");
        assert!(!v.signals.contains(Signals::KNOWN_IIN));
        assert_eq!(
            validate_bank_card("4111111111111112", &mut c)
                .unwrap()
                .failed,
            Some(Check::Checksum)
        );
        assert!(validate_bank_card("411111111111", &mut c).is_none());
        assert!(validate_bank_card("41111111111111111111", &mut c).is_none());
    }

    #[test]
    fn imeis() {
        let mut c = String::new();
        assert!(validate_imei("49-015420-323751-8", &mut c)
            .unwrap()
            .is_valid());
        assert_eq!(c, "490154203237518");
        assert_eq!(
            validate_imei("490154203237519", &mut c).unwrap().failed,
            Some(Check::Checksum)
        );
        assert!(validate_imei("4901542032375", &mut c).is_none());
    }
}
