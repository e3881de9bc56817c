//! Social-network identifiers: QQ numbers and WeChat ids. Format only: both collide with other
//! numbers and handles, so a recognizer needs context (header, JSON path, keyword).

use super::{normalize, Verdict};
use crate::ItemKind;

/// Validates a QQ number: 5–11 digits, not starting with 0. Canonical form: the digits.
pub fn validate_qq(raw: &str, canon: &mut String) -> Option<Verdict> {
    (normalize::digits_into(normalize::trim(raw), canon)
        && (5..=11).contains(&canon.len())
        && !canon.starts_with('0'))
    .then(|| Verdict::pass(ItemKind::Qq))
}

/// Validates a WeChat id: 6–20 characters, an ASCII letter first, then letters, digits, `_`
/// or `-`. Canonical form: as written (trimmed).
pub fn validate_wechat_id(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    let raw = normalize::trim(raw);
    let b = raw.as_bytes();
    let ok = (6..=20).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    if ok {
        canon.push_str(raw);
    }
    ok.then(|| Verdict::pass(ItemKind::WechatId))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qq() {
        let mut c = String::new();
        assert!(validate_qq("10001", &mut c).is_some());
        assert!(validate_qq("１２３４５６７８", &mut c).is_some());
        assert_eq!(c, "12345678");
        for raw in ["1234", "012345", "123456789012", "12a45"] {
            assert!(validate_qq(raw, &mut c).is_none(), "{raw}");
        }
    }

    #[test]
    fn wechat() {
        let mut c = String::new();
        assert!(validate_wechat_id("wxid_abc-123", &mut c).is_some());
        assert_eq!(c, "wxid_abc-123");
        for raw in [
            "abc12",
            "1abcdef",
            "abc.def",
            "a234567890123456789012",
            "张三abcdef",
        ] {
            assert!(validate_wechat_id(raw, &mut c).is_none(), "{raw}");
        }
    }
}
