//! GB 11714-1997 organisation code (组织机构代码): 8 body characters and a check character.
//! It is embedded in the unified social credit code at positions 9–17
//! (pii-rules-and-prior-art.md §2.5).

/// Weights of the 8 body characters.
pub const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The check character (`b'0'`–`b'9'` or `b'X'`) of an 8-character organisation-code body.
/// Characters are digits (0–9) or upper-case letters (A=10 … Z=35). `None` for any other byte or
/// a body that is not 8 characters.
pub fn check_char(body8: &[u8]) -> Option<u8> {
    if body8.len() != 8 {
        return None;
    }
    let mut s = 0u32;
    for (&b, w) in body8.iter().zip(WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        s += v * w;
    }
    // C = 11 − (S mod 11); 10 is written X and 11 is written 0.
    Some(match 11 - s % 11 {
        10 => b'X',
        11 => b'0',
        c => b'0' + u8::try_from(c).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_codes() {
        // Organisation codes embedded in real USCCs (see uscc.rs tests).
        assert_eq!(check_char(b"60003734"), Some(b'1'));
        assert_eq!(check_char(b"71526726"), Some(b'X'));
        assert_eq!(check_char(b"1000168"), None);
        assert_eq!(check_char(b"1000168a"), None);
    }
}
