//! 机动车号牌 (vehicle licence plates), GA 36-2018. pii-rules-and-prior-art.md §2.6.
//!
//! * Ordinary (7 characters): province abbreviation, issuing-authority letter, 5 serial
//!   characters (digits and letters without I and O); or 4 serial characters and a suffix
//!   挂 (trailer), 学 (learner), 警 (police), 港/澳 (cross-border), 领 (consulate), 使 (embassy).
//! * New energy (8 characters): province, letter, then `D`/`F` + letter-or-digit + 4 digits
//!   (small vehicles) or 5 digits + `D`/`F` (large vehicles).
//! * Embassy plates: 使 + 6 digits.
//!
//! Canonical form: no separators (`京A·12345` → `京A12345`), ASCII upper case.

use super::{normalize, Verdict};
use crate::ItemKind;

/// Province abbreviations that start a plate.
pub const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// Suffixes of special ordinary plates.
pub const SUFFIXES: &str = "挂学警港澳领使";

fn is_serial(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// True for the dot-like characters written between the authority letter and the serial.
fn is_plate_separator(c: char) -> bool {
    matches!(c, '·' | '•' | '・' | '.' | '。' | '‧' | '∙') || normalize::is_separator(c)
}

/// Validates a plate, writing the canonical form into `canon`. Plates have no check character,
/// so a candidate of the right shape always passes; everything else is `None`.
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    if raw.len() > normalize::MAX_RAW {
        return None;
    }
    for c in raw.chars() {
        let c = normalize::fold_width(c);
        if is_plate_separator(c) {
            continue;
        }
        canon.push(c.to_ascii_uppercase());
    }
    let mut chars = [' '; 8];
    let mut n = 0;
    for c in canon.chars() {
        *chars.get_mut(n)? = c;
        n += 1;
    }
    let chars = &chars[..n];
    let ok = match chars {
        ['使', rest @ ..] => rest.len() == 6 && rest.iter().all(char::is_ascii_digit),
        [p, a, serial @ ..] if PROVINCES.contains(*p) && a.is_ascii_uppercase() => match serial {
            [s @ .., last] if serial.len() == 5 => {
                s.iter().all(|&c| is_serial(c)) && (is_serial(*last) || SUFFIXES.contains(*last))
            }
            ['D' | 'F', x, d @ ..] if serial.len() == 6 => {
                is_serial(*x) && d.iter().all(char::is_ascii_digit)
            }
            [d @ .., 'D' | 'F'] if serial.len() == 6 => d.iter().all(char::is_ascii_digit),
            _ => false,
        },
        _ => false,
    };
    ok.then(|| Verdict::pass(ItemKind::Plate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plate(raw: &str) -> Option<String> {
        let mut c = String::new();
        validate(raw, &mut c).map(|v| {
            assert!(v.is_valid());
            c
        })
    }

    #[test]
    fn ordinary_and_special_plates() {
        assert_eq!(plate("京A·12345").as_deref(), Some("京A12345"));
        assert_eq!(plate("粤b 8k2j1").as_deref(), Some("粤B8K2J1"));
        assert_eq!(plate("沪Ａ１２３４５").as_deref(), Some("沪A12345"));
        assert_eq!(plate("苏E1234挂").as_deref(), Some("苏E1234挂"));
        assert_eq!(plate("粤Z1234港").as_deref(), Some("粤Z1234港"));
        assert_eq!(plate("京A1234学").as_deref(), Some("京A1234学"));
        assert_eq!(plate("使123456").as_deref(), Some("使123456"));
    }

    #[test]
    fn new_energy_plates() {
        assert_eq!(plate("粤BD12345").as_deref(), Some("粤BD12345"));
        assert_eq!(plate("京AF12345").as_deref(), Some("京AF12345"));
        assert_eq!(plate("沪A12345D").as_deref(), Some("沪A12345D"));
        assert_eq!(plate("京AD1A345"), None);
    }

    #[test]
    fn wrong_shapes() {
        for raw in [
            "京A1234",
            "京A123456",
            "美A12345",
            "京112345",
            "京AI2345",
            "京A1234O",
            "京A12345挂",
            "使12345",
            "",
        ] {
            assert_eq!(plate(raw), None, "{raw}");
        }
    }
}
