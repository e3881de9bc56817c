//! Social-network identifiers: QQ numbers and WeChat ids. Format only: both collide with other
//! numbers and handles, so a recognizer needs context (header, JSON path, keyword).

use super::{normalize, Verdict};
use crate::ItemKind;

/// Validates a QQ number: 5–11 digits, not starting with 0. Canonical form: the digits.
pub fn validate_qq(raw: &str, canon: &mut String) -> Option<Verdict> {
    let raw = normalize::trim(raw);
    let b = raw.as_bytes();
    // Plain ASCII digits (nearly every QQ number in a dump) are their own canonical value:
    // checked a word at a time and copied once; empty fields are `None` at once. Anything
    // else is normalised below, which gives the same answer on these (a test compares).
    if (5..=11).contains(&b.len()) && normalize::all_digits(b) {
        canon.clear();
        if b[0] == b'0' {
            return None;
        }
        canon.push_str(raw);
        return Some(Verdict::pass(ItemKind::Qq));
    }
    if b.is_empty() {
        canon.clear();
        return None;
    }
    (normalize::digits_into(raw, canon)
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
    // One table lookup per byte, all bytes folded without an early exit: the loop has no
    // data-dependent branch but its length (ids are valid far more often than not).
    let ok = (6..=20).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().fold(true, |ok, &c| ok & WECHAT[usize::from(c)]);
    if ok {
        canon.push_str(raw);
    }
    ok.then(|| Verdict::pass(ItemKind::WechatId))
}

/// The bytes of a WeChat id after its first: ASCII letters and digits, `_` and `-`.
static WECHAT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The validators as they were before the fast paths (the references).
    fn reference_qq(raw: &str, canon: &mut String) -> Option<Verdict> {
        (normalize::digits_into(normalize::trim(raw), canon)
            && (5..=11).contains(&canon.len())
            && !canon.starts_with('0'))
        .then(|| Verdict::pass(ItemKind::Qq))
    }

    fn reference_wechat_id(raw: &str, canon: &mut String) -> Option<Verdict> {
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

    use crate::validate::same_as_reference as same;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(8192))]

        /// Numbers of every length around 5–11 (leading 0 or not), with spaces, hyphens,
        /// full-width digits and letters; ids of every length with every byte class.
        #[test]
        fn social_same_as_reference(
            raw in "[ \u{3000}]?[0-9]{0,13}|[ ]?[0１][0-9 \\-５]{0,12}[a ]?|[a-zA-Z0-9_\\-.张]{0,22}[ ]?",
        ) {
            same(validate_qq, reference_qq, &raw)?;
            same(validate_wechat_id, reference_wechat_id, &raw)?;
        }

        #[test]
        fn social_same_as_reference_any_text(raw in "\\PC{0,22}") {
            same(validate_qq, reference_qq, &raw)?;
            same(validate_wechat_id, reference_wechat_id, &raw)?;
        }
    }

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
