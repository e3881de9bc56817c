//! Network identifiers: e-mail addresses, IPv4 and IPv6 addresses.
//! Rules: pii-rules-and-prior-art.md §2.11.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use super::{Check, Verdict};
use crate::ItemKind;

/// RFC 5321 §4.5.3.1.1: at most 64 octets in the local part.
pub const MAX_LOCAL: usize = 64;
/// RFC 5321 §4.5.3.1.2: at most 255 octets in the domain.
pub const MAX_DOMAIN: usize = 255;

/// Byte classes for the e-mail grammar, one table lookup per byte instead of a chain of
/// comparisons: [`ATEXT`] (RFC 5322 §3.2.3 atext) and [`LDH`] (letter, digit, hyphen).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = ATEXT | LDH;
        }
        b += 1;
    }
    let specials = b"!#$%&'*+-/=?^_`{|}~";
    let mut i = 0;
    while i < specials.len() {
        t[specials[i] as usize] |= ATEXT;
        i += 1;
    }
    t[b'-' as usize] |= LDH;
    let mut u = b'A';
    while u <= b'Z' {
        t[u as usize] |= UPPER;
        u += 1;
    }
    t
};
const ATEXT: u8 = 1;
const LDH: u8 = 2;
/// An ASCII upper-case letter (the domain is lower-cased only when it has one).
const UPPER: u8 = 4;

fn is_atext(b: u8) -> bool {
    CLASS[usize::from(b)] & ATEXT != 0
}

/// Whether `domain` holds an upper-case letter, or `None` unless it is a domain of LDH labels
/// (1–63 characters, no leading or trailing hyphen), at least two of them, the last one a
/// top-level domain of letters or an `xn--` label.
///
/// One pass over the bytes (the `split('.')` and `contains` version showed in profiles at
/// ~1,500 instructions per address).
fn is_domain_with_case(domain: &[u8]) -> Option<bool> {
    let (mut labels, mut start, mut last, mut upper) = (0, 0, &domain[..0], false);
    for end in 0..=domain.len() {
        match domain.get(end) {
            Some(b'.') | None => {}
            Some(&c) if CLASS[usize::from(c)] & LDH != 0 => {
                upper |= CLASS[usize::from(c)] & UPPER != 0;
                continue;
            }
            Some(_) => return None,
        }
        let label = &domain[start..end];
        match (label.first(), label.last()) {
            (Some(&first), Some(&last)) if label.len() <= 63 && first != b'-' && last != b'-' => {}
            _ => return None,
        }
        labels += 1;
        last = label;
        start = end + 1;
    }
    let tld_ok = (last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic))
        || (last.len() > 4 && last[..4].eq_ignore_ascii_case(b"xn--"));
    (labels >= 2 && tld_ok).then_some(upper)
}

/// Validates an e-mail address: a dot-atom local part of 1–64 characters, one `@`, and a domain
/// of at most 255 characters made of LDH labels (1–63 characters, no leading or trailing hyphen)
/// ending in a top-level domain of letters (or an `xn--` label). Quoted local parts and address
/// literals are not accepted. Canonical form: local part as written, domain lower-case.
pub fn validate_email(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    let raw = super::normalize::trim(raw);
    // A byte loop rather than `memchr`: the local part is short, and the call (dispatch and
    // set-up for wide registers) cost more than the search.
    let at = raw.bytes().position(|c| c == b'@')?;
    let (local, domain) = (&raw[..at], &raw[at + 1..]);
    if local.is_empty() || local.len() > MAX_LOCAL || domain.is_empty() || domain.len() > MAX_DOMAIN
    {
        return None;
    }
    let lb = local.as_bytes();
    // Dot-atom: atext with single dots inside.
    let mut prev = b'.';
    for &b in lb {
        if !(is_atext(b) || (b == b'.' && prev != b'.')) {
            return None;
        }
        prev = b;
    }
    if prev == b'.' {
        return None;
    }
    let upper = is_domain_with_case(domain.as_bytes())?;
    // `raw` is the local part, `@` and the domain: one copy, then the domain lower-cased when
    // it has upper-case letters (seldom), instead of three pushes and a pass over every
    // domain.
    canon.push_str(raw);
    if upper {
        // The domain is ASCII (checked above), so this is the per-character lower-casing.
        canon[at + 1..].make_ascii_lowercase();
    }
    Some(Verdict::pass(ItemKind::Email))
}

/// Validates an IPv4 address in dotted-decimal form: four octets of 1–3 digits without leading
/// zeros (`010` is octal to `inet_aton`, so it is ambiguous and not accepted). An octet above
/// 255 fails [`Check::Range`]. Canonical form: the address as written.
pub fn validate_ipv4(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    let raw = super::normalize::trim(raw);
    if raw.len() > 15 {
        return None;
    }
    // The four octets read in place instead of `split('.')` (its char searcher showed in
    // profiles).
    let b = raw.as_bytes();
    let mut in_range = true;
    let mut pos = 0;
    for octet in 0..4 {
        let start = pos;
        let mut value = 0u32;
        // At most 4 digits are read: a fourth one already makes the octet too long.
        while let Some(&d) = b.get(pos).filter(|d| d.is_ascii_digit() && pos - start < 4) {
            value = value * 10 + u32::from(d - b'0');
            pos += 1;
        }
        let len = pos - start;
        if len == 0 || len > 3 || (len > 1 && b[start] == b'0') {
            return None;
        }
        in_range &= value <= 255;
        if octet < 3 {
            if b.get(pos) != Some(&b'.') {
                return None;
            }
            pos += 1;
        }
    }
    if pos != b.len() {
        return None;
    }
    canon.push_str(raw);
    Some(if in_range {
        Verdict::pass(ItemKind::Ipv4)
    } else {
        Verdict::fail(ItemKind::Ipv4, Check::Range)
    })
}

/// Validates an IPv6 address in any RFC 4291 text form (optionally in brackets) and writes the
/// RFC 5952 canonical form: lower case, leading zeros dropped, the longest run of zero groups
/// compressed to `::` (Rust's `Ipv6Addr` display implements RFC 5952). Zone ids are not accepted.
pub fn validate_ipv6(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    let raw = raw.trim();
    let raw = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(raw);
    if raw.len() > 45 || !raw.contains(':') {
        return None;
    }
    let addr: Ipv6Addr = raw.parse().ok()?;
    write!(canon, "{addr}").ok()?;
    Some(Verdict::pass(ItemKind::Ipv6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_classes() {
        for b in 0..=255u8 {
            let atext = b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
            assert_eq!(is_atext(b), atext, "{b:#x}");
            let ldh = b.is_ascii_alphanumeric() || b == b'-';
            assert_eq!(CLASS[usize::from(b)] & LDH != 0, ldh, "{b:#x}");
            assert_eq!(
                CLASS[usize::from(b)] & UPPER != 0,
                b.is_ascii_uppercase(),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn emails() {
        let mut c = String::new();
        assert!(validate_email("Zhang.San@Example.COM", &mut c).is_some());
        assert_eq!(c, "Zhang.San@example.com");
        assert!(validate_email("12345678@qq.com", &mut c).is_some());
        assert!(validate_email("a@xn--fiqs8s", &mut c).is_none());
        assert!(validate_email("a@example.xn--fiqs8s", &mut c).is_some());
        for raw in [
            "a@b",
            "a@b.c",
            "@example.com",
            "a@@example.com",
            "a@example..com",
            "a.@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example.c0m",
        ] {
            assert!(validate_email(raw, &mut c).is_none(), "{raw}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(validate_email(&long_local, &mut c).is_none());
    }

    #[test]
    fn ipv4() {
        let mut c = String::new();
        assert!(validate_ipv4("192.168.1.1", &mut c).unwrap().is_valid());
        assert_eq!(c, "192.168.1.1");
        assert!(validate_ipv4("0.0.0.0", &mut c).unwrap().is_valid());
        assert_eq!(
            validate_ipv4("192.168.1.256", &mut c).unwrap().failed,
            Some(Check::Range)
        );
        for raw in [
            "192.168.01.1",
            "1.2.3",
            "1.2.3.4.5",
            "v1.2.3.4",
            "1.2.3.",
            "1234.1.1.1",
        ] {
            assert!(validate_ipv4(raw, &mut c).is_none(), "{raw}");
        }
    }

    /// The validators as they were before the one-pass rewrites: the reference for the
    /// differential tests below.
    mod reference {
        use super::super::{Check, ItemKind, Verdict, MAX_DOMAIN, MAX_LOCAL};

        fn is_atext(b: u8) -> bool {
            b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
        }

        pub fn validate_email(raw: &str, canon: &mut String) -> Option<Verdict> {
            canon.clear();
            let raw = raw.trim();
            let (local, domain) = raw.split_once('@')?;
            if local.is_empty()
                || local.len() > MAX_LOCAL
                || domain.is_empty()
                || domain.len() > MAX_DOMAIN
            {
                return None;
            }
            let lb = local.as_bytes();
            if !lb.iter().all(|&b| is_atext(b) || b == b'.')
                || lb[0] == b'.'
                || lb[lb.len() - 1] == b'.'
                || local.contains("..")
            {
                return None;
            }
            let mut labels = 0;
            let mut last = "";
            for label in domain.split('.') {
                let b = label.as_bytes();
                if b.is_empty()
                    || b.len() > 63
                    || !b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
                    || b[0] == b'-'
                    || b[b.len() - 1] == b'-'
                {
                    return None;
                }
                labels += 1;
                last = label;
            }
            let tld_ok = (last.len() >= 2 && last.bytes().all(|c| c.is_ascii_alphabetic()))
                || (last.len() > 4 && last[..4].eq_ignore_ascii_case("xn--"));
            if labels < 2 || !tld_ok {
                return None;
            }
            canon.push_str(local);
            canon.push('@');
            canon.extend(domain.chars().map(|c| c.to_ascii_lowercase()));
            Some(Verdict::pass(ItemKind::Email))
        }

        /// The one-pass e-mail validator as it was before the single copy of `raw` (with the
        /// crate's `is_domain`, unchanged).
        pub fn validate_email_one_pass(raw: &str, canon: &mut String) -> Option<Verdict> {
            canon.clear();
            let raw = crate::validate::normalize::trim(raw);
            let at = memchr::memchr(b'@', raw.as_bytes())?;
            let (local, domain) = (&raw[..at], &raw[at + 1..]);
            if local.is_empty()
                || local.len() > MAX_LOCAL
                || domain.is_empty()
                || domain.len() > MAX_DOMAIN
            {
                return None;
            }
            let lb = local.as_bytes();
            let mut prev = b'.';
            for &b in lb {
                if !(is_atext(b) || (b == b'.' && prev != b'.')) {
                    return None;
                }
                prev = b;
            }
            if prev == b'.' || super::super::is_domain_with_case(domain.as_bytes()).is_none() {
                return None;
            }
            canon.push_str(local);
            canon.push('@');
            let start = canon.len();
            canon.push_str(domain);
            canon[start..].make_ascii_lowercase();
            Some(Verdict::pass(ItemKind::Email))
        }

        pub fn validate_ipv4(raw: &str, canon: &mut String) -> Option<Verdict> {
            canon.clear();
            let raw = raw.trim();
            if raw.len() > 15 {
                return None;
            }
            let mut octets = 0;
            let mut in_range = true;
            for part in raw.split('.') {
                let b = part.as_bytes();
                if b.is_empty() || b.len() > 3 || !b.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                if b.len() > 1 && b[0] == b'0' {
                    return None;
                }
                let v: u32 = b.iter().fold(0, |a, &d| a * 10 + u32::from(d - b'0'));
                in_range &= v <= 255;
                octets += 1;
            }
            if octets != 4 {
                return None;
            }
            canon.push_str(raw);
            Some(if in_range {
                Verdict::pass(ItemKind::Ipv4)
            } else {
                Verdict::fail(ItemKind::Ipv4, Check::Range)
            })
        }
    }

    use crate::validate::same_as_reference as same;

    /// Hand-picked edge cases for the differential check (every branch of both validators).
    #[test]
    fn same_as_reference_on_edges() {
        let long_label = format!("a@{}.com", "b".repeat(63));
        let too_long_label = format!("a@{}.com", "b".repeat(64));
        let long_domain = format!("a@{}com", "abcdefg.".repeat(32));
        let long_local = format!("{}@qq.com", "a".repeat(64));
        for raw in [
            "",
            "@",
            "a@",
            "@b.cn",
            "a@b.cn",
            "A@B.CN",
            " a@b.cn\u{3000}",
            "a.b@c.d.cn",
            ".a@b.cn",
            "a.@b.cn",
            "a..b@b.cn",
            "a@b..cn",
            "a@.b.cn",
            "a@b.cn.",
            "a@-b.cn",
            "a@b-.cn",
            "a@b.c",
            "a@b.c1",
            "a@b.xn--",
            "a@b.xn--p",
            "a@b.XN--Pa",
            "a@b@c.cn",
            "a@xn--fiqs8s",
            "a@é.cn",
            "é@b.cn",
            "a{|}~@b.cn",
            "a\"@b.cn",
            "a@b_c.cn",
            &long_label,
            &too_long_label,
            &long_domain,
            &long_local,
        ] {
            same(validate_email, reference::validate_email, raw).unwrap();
            same(validate_email, reference::validate_email_one_pass, raw).unwrap();
        }
        for raw in [
            "",
            ".",
            "1.2.3.4",
            " 1.2.3.4 ",
            "01.2.3.4",
            "0.0.0.0",
            "1.2.3.256",
            "999.9.9.9",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1234.1.1.1",
            "1.2.3.4a",
            "1.2.3.0x",
            "１.2.3.4",
            "255.255.255.255",
            "1.2.3.04",
        ] {
            same(validate_ipv4, reference::validate_ipv4, raw).unwrap();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

        #[test]
        fn email_same_as_reference(raw in "[ aZ0.@\\-_+{é]{0,6}[@.]{0,2}[aZ9\\-]{0,8}(\\.[a-zA-Z0-9\\-]{0,6}){0,3}[ ]?") {
            same(validate_email, reference::validate_email, &raw)?;
            same(validate_email, reference::validate_email_one_pass, &raw)?;
        }

        /// Addresses shaped like a dump's: upper and lower case in both parts, labels at the
        /// length limits, hyphens and dots at every edge, digit, `xn--` and one-letter TLDs,
        /// surrounding whitespace.
        #[test]
        fn email_same_as_one_pass_reference(
            pad in "[ \u{3000}]?",
            local in "[a-zA-Z0-9._+\\-]{0,6}",
            labels in proptest::collection::vec("[a-zA-Z0-9\\-]{0,4}|[a-z]{62,64}|[xX][nN]--[a-z0-9]{0,3}", 0..4),
            tld in "[a-zA-Z]{0,3}|[a-z]1|XN--p[a-z]?|",
        ) {
            let mut raw = format!("{pad}{local}@");
            for l in &labels {
                raw.push_str(l);
                raw.push('.');
            }
            raw.push_str(&tld);
            raw.push_str(&pad);
            same(validate_email, reference::validate_email_one_pass, &raw)?;
            same(validate_email, reference::validate_email, &raw)?;
        }

        #[test]
        fn ipv4_same_as_reference(raw in "[ ]?[0-9]{0,4}(\\.[0-9a]{0,4}){0,5}[ .]?") {
            same(validate_ipv4, reference::validate_ipv4, &raw)?;
        }

        #[test]
        fn net_same_as_reference_any_text(raw in "\\PC{0,20}") {
            same(validate_email, reference::validate_email, &raw)?;
            same(validate_email, reference::validate_email_one_pass, &raw)?;
            same(validate_ipv4, reference::validate_ipv4, &raw)?;
        }
    }

    #[test]
    fn ipv6_rfc5952() {
        let mut c = String::new();
        // RFC 5952 §4 examples.
        for (raw, want) in [
            ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
            ("2001:0db8::0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:DB8::1", "2001:db8::1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("[::1]", "::1"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ] {
            assert!(validate_ipv6(raw, &mut c).is_some(), "{raw}");
            assert_eq!(c, want);
        }
        assert!(validate_ipv6("1.2.3.4", &mut c).is_none());
        assert!(validate_ipv6("2001:db8::g", &mut c).is_none());
        assert!(validate_ipv6("fe80::1%eth0", &mut c).is_none());
    }
}
