//! Placeholder and sample values: numbers typed to fill a form or copied from documentation,
//! not belonging to anyone. 法释〔2017〕10号 art. 11 lets a defendant show that items are untrue;
//! DESIGN.md lists placeholders among the screening exhibits. A placeholder still passes its
//! checks (the standard's own example ID is valid), so this is a signal
//! ([`Signals::PLACEHOLDER`](super::Signals::PLACEHOLDER)), never a failed check.
//!
//! Rules, deliberately narrow so that real values are not flagged:
//! * the digits of a number (the check character aside) are all one digit (`111111111111111111`),
//!   or run up or down by one throughout (`123456789012`, `98765432`), for types that are numbers;
//! * published sample values: GB 11643's example ID `11010519491231002X`; the card networks'
//!   test PANs; `13800138000` (a China Mobile service number used in forms);
//! * e-mail addresses at domains reserved for documentation and testing (RFC 2606, RFC 6761):
//!   `example.com`/`.net`/`.org` and the `.test`, `.example`, `.invalid`, `.localhost` TLDs.

use crate::ItemKind;

/// Published sample values, as canonical values of their type.
const SAMPLES: &[(ItemKind, &str)] = &[
    (ItemKind::ResidentId, "11010519491231002X"),
    (ItemKind::Mobile, "13800138000"),
    // Visa, Mastercard and Amex test numbers from payment processors' developer documents.
    (ItemKind::BankCard, "4111111111111111"),
    (ItemKind::BankCard, "4012888888881881"),
    (ItemKind::BankCard, "5555555555554444"),
    (ItemKind::BankCard, "5105105105105100"),
    (ItemKind::BankCard, "378282246310005"),
];

/// Domains and top-level domains reserved for documentation and testing.
const RESERVED_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];
const RESERVED_TLDS: &[&str] = &["test", "example", "invalid", "localhost"];

/// True when every digit is the same, or the digits step up or down by one (mod 10) all along.
/// Needs at least 6 digits: shorter runs occur in real numbers all the time.
pub fn is_trivial_digits(digits: &[u8]) -> bool {
    if digits.len() < 6 {
        return false;
    }
    // The first two bytes fix the step; most numbers fail right there, before the scan for
    // non-digits (a non-digit pair fails either way).
    let step = (i32::from(digits[1]) - i32::from(digits[0])).rem_euclid(10);
    // The steps before the digit test: they stop at the first break of the run, usually at
    // the third byte, while the digit test reads every byte (resident IDs start with two
    // consecutive digits often enough, 12…, 23…, 34…, that this mattered).
    matches!(step, 0 | 1 | 9)
        && digits
            .windows(2)
            .all(|w| (i32::from(w[1]) - i32::from(w[0])).rem_euclid(10) == step)
        && digits.iter().all(u8::is_ascii_digit)
}

/// True for the types that have a placeholder rule: [`is_placeholder`] is false for every
/// other type. Inlined into the validator dispatch, so that the items of the other types
/// (names, addresses, IPs, landlines …) do not pay for a call.
#[inline]
pub(crate) fn has_rules(kind: ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::ResidentId
            | ItemKind::ResidencePermit
            | ItemKind::BankCard
            | ItemKind::Imei
            | ItemKind::Mobile
            | ItemKind::Qq
            | ItemKind::TaiwanPermit
            | ItemKind::Passport
            | ItemKind::HkMacauPermit
            | ItemKind::Email
    )
}

/// True when the canonical value `canon` of an item of `kind` is a placeholder or sample value.
///
/// This runs for every validated item, so the type is looked at first: most types (names,
/// addresses, IPs …) have no placeholder rule and return at once.
pub fn is_placeholder(kind: ItemKind, canon: &str) -> bool {
    let b = canon.as_bytes();
    let digits = match kind {
        // The check character is computed from the rest, so it never follows the pattern.
        ItemKind::ResidentId | ItemKind::ResidencePermit | ItemKind::BankCard | ItemKind::Imei => {
            &b[..b.len().saturating_sub(1)]
        }
        // Without the segment: 138-0000-0000, 139-1234-5678.
        ItemKind::Mobile => b.get(3..).unwrap_or_default(),
        ItemKind::Qq | ItemKind::TaiwanPermit => b,
        // Letters first, then the number.
        ItemKind::Passport | ItemKind::HkMacauPermit => {
            let start = b.iter().position(u8::is_ascii_digit).unwrap_or(b.len());
            &b[start..]
        }
        ItemKind::Email => {
            // Byte loops rather than `memrchr`: addresses are a few dozen bytes, and the calls
            // (dispatch and set-up for wide registers) cost more than the search.
            let domain = b
                .iter()
                .rposition(|&c| c == b'@')
                .map_or("", |at| &canon[at + 1..]);
            let tld = domain
                .bytes()
                .rposition(|c| c == b'.')
                .map_or(domain, |dot| &domain[dot + 1..]);
            return RESERVED_DOMAINS
                .iter()
                .any(|r| is_domain_or_subdomain(domain, r))
                || RESERVED_TLDS.contains(&tld);
        }
        // Every type of `SAMPLES` has a branch above (a test checks this).
        _ => return false,
    };
    is_trivial_digits(digits) || is_sample(kind, canon)
}

/// True when `canon` is a published sample of `kind` ([`SAMPLES`]). The first and last bytes
/// are compared before the rest: nearly every value has the length of its type's sample, so
/// the whole comparison (a `memcmp` call) would otherwise run for most resident IDs and
/// mobiles.
fn is_sample(kind: ItemKind, canon: &str) -> bool {
    let b = canon.as_bytes();
    let ends = (b.first(), b.last());
    SAMPLES.iter().any(|&(k, v)| {
        k == kind && (v.as_bytes().first(), v.as_bytes().last()) == ends && v == canon
    })
}

/// True for `domain == parent` or `domain` ending in `.parent`.
fn is_domain_or_subdomain(domain: &str, parent: &str) -> bool {
    domain == parent
        || (domain.len() > parent.len()
            && domain.ends_with(parent)
            && domain.as_bytes()[domain.len() - parent.len() - 1] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Same answer as the definition: at least 6 bytes, all digits, one step (0, +1 or -1
        /// mod 10) between neighbours.
        #[test]
        fn trivial_digits_is_the_definition(d in "[0-9a ]{0,3}[0-9]{0,9}|(0123456789){1,2}|1{5,8}a?") {
            let b = d.as_bytes();
            let want = b.len() >= 6
                && b.iter().all(u8::is_ascii_digit)
                && [0, 1, 9].iter().any(|&step| {
                    b.windows(2)
                        .all(|w| (i32::from(w[1]) - i32::from(w[0])).rem_euclid(10) == step)
                });
            proptest::prop_assert_eq!(is_trivial_digits(b), want);
        }
    }

    /// `has_rules` names every type `is_placeholder` can say yes for.
    #[test]
    fn types_without_rules_have_no_placeholders() {
        let values = [
            "11010519491231002X",
            "111111111111111111",
            "13800138000",
            "4111111111111111",
            "E12345678",
            "a@example.com",
            "123456",
            "",
        ];
        for &kind in ItemKind::ALL {
            if !has_rules(kind) {
                for v in values {
                    assert!(!is_placeholder(kind, v), "{kind:?} {v}");
                }
            }
        }
        for &(kind, value) in SAMPLES {
            assert!(has_rules(kind), "{kind:?} {value}");
        }
    }

    #[test]
    fn trivial_digit_runs() {
        assert!(is_trivial_digits(b"11111111111111111"));
        assert!(is_trivial_digits(b"1234567890123"));
        assert!(is_trivial_digits(b"98765432"));
        assert!(!is_trivial_digits(b"12345"));
        assert!(!is_trivial_digits(b"11010519491231002"));
        assert!(!is_trivial_digits(b"1234567891"));
    }

    /// Every published sample is recognised (so no sample's type misses the `SAMPLES` check).
    #[test]
    fn every_sample_is_a_placeholder() {
        for &(kind, value) in SAMPLES {
            assert!(is_placeholder(kind, value), "{kind:?} {value}");
        }
    }

    #[test]
    fn reserved_mail_domains() {
        for (email, want) in [
            ("a@example.com", true),
            ("a@b.example.net", true),
            ("a@example.org.cn", false),
            ("a@x.invalid", true),
            ("a@localhost", true),
            ("a@b@c.test", true),
            ("test", false),
            ("a@test.cn", false),
            ("a@", false),
            ("", false),
        ] {
            assert_eq!(is_placeholder(ItemKind::Email, email), want, "{email}");
        }
    }

    /// The e-mail rule as it was written with `rsplit_once`/`rsplit` (the reference for the
    /// byte-search version).
    fn reference_email(canon: &str) -> bool {
        let domain = canon.rsplit_once('@').map_or("", |(_, d)| d);
        let tld = domain.rsplit('.').next().unwrap_or("");
        RESERVED_DOMAINS
            .iter()
            .any(|r| is_domain_or_subdomain(domain, r))
            || RESERVED_TLDS.contains(&tld)
    }

    proptest::proptest! {
        #[test]
        fn email_rule_same_as_reference(
            s in "[a@.]{0,3}(example|test|localhost|invalid|com|org|net|qq|[.@]){0,5}"
        ) {
            proptest::prop_assert_eq!(is_placeholder(ItemKind::Email, &s), reference_email(&s));
        }
    }

    /// `is_placeholder` as it was before the first-byte test of the samples (the reference).
    fn reference_placeholder(kind: ItemKind, canon: &str) -> bool {
        let b = canon.as_bytes();
        let digits = match kind {
            ItemKind::ResidentId
            | ItemKind::ResidencePermit
            | ItemKind::BankCard
            | ItemKind::Imei => &b[..b.len().saturating_sub(1)],
            ItemKind::Mobile => b.get(3..).unwrap_or_default(),
            ItemKind::Qq | ItemKind::TaiwanPermit => b,
            ItemKind::Passport | ItemKind::HkMacauPermit => {
                let start = b.iter().position(u8::is_ascii_digit).unwrap_or(b.len());
                &b[start..]
            }
            ItemKind::Email => return reference_email(canon),
            _ => return false,
        };
        SAMPLES.iter().any(|&(k, v)| k == kind && v == canon) || is_trivial_digits(digits)
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

        /// Every type, on the samples, their near misses, trivial runs and random numbers.
        #[test]
        fn placeholder_same_as_reference(
            kind in proptest::sample::select(ItemKind::ALL.to_vec()),
            sample in proptest::sample::select(SAMPLES.to_vec()),
            other in "[0-9]{0,19}X?|[0-9]{1,3}|1{6,18}|(0123456789){1,2}|E[0-9]{8}|a@example\\.(com|cn)",
            cut in 0usize..20,
        ) {
            let near = format!("{}{}", &sample.1[..cut.min(sample.1.len())], &other);
            for value in [sample.1, other.as_str(), near.as_str()] {
                for kind in [kind, sample.0] {
                    proptest::prop_assert_eq!(
                        is_placeholder(kind, value),
                        reference_placeholder(kind, value),
                        "{:?} {:?}", kind, value
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_by_type() {
        assert!(is_placeholder(ItemKind::ResidentId, "11010519491231002X"));
        assert!(is_placeholder(ItemKind::ResidentId, "111111111111111111"));
        assert!(!is_placeholder(ItemKind::ResidentId, "440305199003071236"));
        assert!(is_placeholder(ItemKind::Mobile, "13800138000"));
        assert!(is_placeholder(ItemKind::Mobile, "13900000000"));
        assert!(is_placeholder(ItemKind::Mobile, "13912345678"));
        assert!(!is_placeholder(ItemKind::Mobile, "13912345687"));
        assert!(is_placeholder(ItemKind::BankCard, "4111111111111111"));
        assert!(is_placeholder(ItemKind::Passport, "E12345678"));
        assert!(is_placeholder(ItemKind::Email, "a@example.com"));
        assert!(is_placeholder(ItemKind::Email, "a@mail.example.org"));
        assert!(is_placeholder(ItemKind::Email, "a@host.test"));
        assert!(!is_placeholder(ItemKind::Email, "a@myexample.com"));
        assert!(!is_placeholder(ItemKind::Email, "a@qq.com"));
        assert!(!is_placeholder(ItemKind::Plate, "京A11111"));
    }
}
