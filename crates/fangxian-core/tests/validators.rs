//! Validator tests: the data-driven corpus `testdata/validators.toml`, and property tests of the
//! canonical forms (idempotence, separator/width/case variants, generated valid numbers pass,
//! one changed digit fails).

use std::collections::BTreeMap;

use fangxian_core::validate::{
    self, gb11643, gb11714, luhn, normalize, phone, uscc, Check, Signals, Verdict,
};
use fangxian_core::ItemKind;
use proptest::prelude::*;

/// Counts heap allocations per thread, to show that validating allocates nothing once the
/// tables are loaded and the caller's buffer has grown (STYLE.md: no allocation per item).
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    }

    pub struct Counting;

    // SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
    // const-initialised thread-local, which does not allocate.
    #[allow(unsafe_code)]
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
            // SAFETY: same contract as the caller's.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as the caller's.
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
            // SAFETY: same contract as the caller's.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    /// Allocations made by this thread so far.
    pub fn count() -> u64 {
        ALLOCATIONS.with(Cell::get)
    }
}

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

#[derive(serde::Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(rename = "type")]
    kind: String,
    raw: String,
    #[serde(default)]
    none: bool,
    canonical: Option<String>,
    valid: Option<bool>,
    failed: Option<String>,
    #[serde(rename = "kind")]
    verdict_kind: Option<String>,
    #[serde(default)]
    signals: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    why: String,
}

fn signal(name: &str) -> Signals {
    match name {
        "known_region" => Signals::KNOWN_REGION,
        "known_iin" => Signals::KNOWN_IIN,
        "in_china" => Signals::IN_CHINA,
        "legacy_15" => Signals::LEGACY_15,
        "mrz" => Signals::MRZ,
        "placeholder" => Signals::PLACEHOLDER,
        other => panic!("unknown signal {other}"),
    }
}

fn run(kind: ItemKind, raw: &str) -> (Option<Verdict>, String) {
    let mut canon = String::from("garbage from an earlier candidate");
    let v = validate::validate(kind, raw, &mut canon);
    (v, canon)
}

fn load_corpus() -> Corpus {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/validators.toml"
    );
    let text = std::fs::read_to_string(path).expect("read testdata/validators.toml");
    toml::from_str(&text).expect("parse testdata/validators.toml")
}

#[test]
fn corpus() {
    let corpus = load_corpus();
    assert!(corpus.case.len() >= 50);
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for c in &corpus.case {
        *per_type.entry(c.kind.clone()).or_default() += 1;
        let kind: ItemKind = c.kind.parse().expect("known type id");
        let (verdict, canon) = run(kind, &c.raw);
        let label = format!("{} {:?} ({})", c.kind, c.raw, c.why);
        if c.none {
            if verdict.is_some() {
                failures.push(format!("{label}: expected None, got {verdict:?} {canon:?}"));
            }
            continue;
        }
        let Some(v) = verdict else {
            failures.push(format!("{label}: expected a verdict, got None"));
            continue;
        };
        if let Some(want) = &c.canonical {
            if &canon != want {
                failures.push(format!("{label}: canonical {canon:?}, want {want:?}"));
            }
        }
        let want_valid = c.valid.expect("valid or none is required");
        if v.is_valid() != want_valid {
            failures.push(format!(
                "{label}: valid={}, failed={:?}",
                v.is_valid(),
                v.failed
            ));
        }
        let failed = v.failed.map(Check::id);
        if failed != c.failed.as_deref() {
            failures.push(format!("{label}: failed {failed:?}, want {:?}", c.failed));
        }
        let want_kind = c.verdict_kind.as_deref().unwrap_or(&c.kind);
        if v.kind.id() != want_kind {
            failures.push(format!("{label}: kind {}, want {want_kind}", v.kind));
        }
        for s in &c.signals {
            if !v.signals.contains(signal(s)) {
                failures.push(format!("{label}: signal {s} missing"));
            }
        }
        for s in &c.absent {
            if v.signals.contains(signal(s)) {
                failures.push(format!("{label}: signal {s} set"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every contract type has cases.
    for &k in ItemKind::ALL {
        if k != ItemKind::ResidencePermit {
            assert!(per_type.contains_key(k.id()), "no corpus case for {k}");
        }
    }
}

#[test]
fn validating_allocates_nothing_per_candidate() {
    let corpus = load_corpus();
    let mut canon = String::new();
    // Warm up: load every table and grow the buffer.
    for c in &corpus.case {
        let kind: ItemKind = c.kind.parse().unwrap();
        let _ = validate::validate(kind, &c.raw, &mut canon);
    }
    canon.reserve(256);
    // The counter works: one allocation is seen.
    let before = counting::count();
    drop(std::hint::black_box(String::with_capacity(8)));
    assert_eq!(counting::count() - before, 1);
    for c in &corpus.case {
        let kind: ItemKind = c.kind.parse().unwrap();
        let before = counting::count();
        for _ in 0..10 {
            let _ = validate::validate(kind, &c.raw, &mut canon);
        }
        let allocations = counting::count() - before;
        assert_eq!(allocations, 0, "{} {:?} allocated", c.kind, c.raw);
    }
}

// --- generators of valid numbers -----------------------------------------------------------------

fn digits(n: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(b'0'..=b'9', n)
}

/// A valid 18-character resident ID with a real birth date between 1900 and 2020.
fn resident_id() -> impl Strategy<Value = String> {
    resident_id_born(1900..2020)
}

/// A valid 18-character resident ID born in `years`.
fn resident_id_born(years: std::ops::Range<i32>) -> impl Strategy<Value = String> {
    let codes: Vec<u32> = validate::regions::iter()
        .map(|r| r.code)
        .filter(|c| c % 100 != 0 && !validate::regions::is_permit_code(*c))
        .collect();
    (
        proptest::sample::select(codes),
        years,
        1u32..=12,
        1u32..=28,
        digits(3),
    )
        .prop_map(|(code, y, m, d, seq)| {
            let mut id = format!("{code:06}{y:04}{m:02}{d:02}").into_bytes();
            id.extend_from_slice(&seq);
            id.push(gb11643::check_char(&id));
            String::from_utf8(id).unwrap()
        })
}

fn bank_card() -> impl Strategy<Value = String> {
    (12usize..=18).prop_flat_map(digits).prop_map(|mut d| {
        d.push(luhn::check_digit(&d));
        String::from_utf8(d).unwrap()
    })
}

fn uscc_code() -> impl Strategy<Value = String> {
    let alpha = uscc::ALPHABET.to_vec();
    (
        proptest::sample::select(b"159".to_vec()),
        proptest::sample::select(b"123".to_vec()),
        digits(6),
        proptest::collection::vec(proptest::sample::select(alpha), 8),
    )
        .prop_map(|(a, t, region, org)| {
            let mut c = vec![a, t];
            c.extend_from_slice(&region);
            c.extend_from_slice(&org);
            c.push(gb11714::check_char(&org).unwrap());
            // The GB 11714 check can be X, which is in the USCC alphabet too.
            let last = uscc::check_char(&c).unwrap();
            c.push(last);
            String::from_utf8(c).unwrap()
        })
}

fn mobile() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(phone::mobile_segments().to_vec()),
        digits(9),
    )
        .prop_map(|(seg, rest)| {
            let mut s = seg.to_owned();
            s.push_str(std::str::from_utf8(&rest).unwrap());
            s.truncate(11);
            s
        })
}

/// Writes `s` with random separators and full-width digits/letters.
fn disguise(s: &str, seps: &[u8], widths: &[bool]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if widths.get(i).copied().unwrap_or(false) && c.is_ascii_alphanumeric() {
            out.push(char::from_u32(c as u32 + 0xFEE0).unwrap());
        } else {
            out.push(c);
        }
        match seps.get(i).copied().unwrap_or(0) % 6 {
            1 => out.push(' '),
            2 => out.push('-'),
            3 => out.push('\u{3000}'),
            _ => {}
        }
    }
    out
}

fn change_one_digit(s: &str, pos: usize, delta: u8) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = pos % b.len();
    if b[i].is_ascii_digit() {
        b[i] = b'0' + (b[i] - b'0' + 1 + delta % 9) % 10;
    }
    String::from_utf8(b).unwrap()
}

fn assert_idempotent(kind: ItemKind, canon: &str) {
    let (v, again) = run(kind, canon);
    assert!(v.is_some(), "{kind}: canonical {canon:?} is not accepted");
    assert_eq!(again, canon, "{kind}: canonical form not idempotent");
}

proptest! {
    // No failure files: regressions found here become corpus cases instead.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(512) })]

    #[test]
    fn generated_ids_pass_and_canonicalise(id in resident_id(), seps in proptest::collection::vec(any::<u8>(), 18), widths in proptest::collection::vec(any::<bool>(), 18), lower in any::<bool>()) {
        let (v, canon) = run(ItemKind::ResidentId, &id);
        let v = v.unwrap();
        prop_assert!(v.is_valid(), "{id}: {v:?}");
        prop_assert!(v.signals.contains(Signals::KNOWN_REGION));
        prop_assert_eq!(&canon, &id);
        assert_idempotent(ItemKind::ResidentId, &canon);
        let raw = if lower { id.to_lowercase() } else { id.clone() };
        let (v2, canon2) = run(ItemKind::ResidentId, &disguise(&raw, &seps, &widths));
        prop_assert_eq!(v2, Some(v));
        prop_assert_eq!(canon2, id);
    }

    #[test]
    fn one_changed_id_digit_fails_the_checksum(id in resident_id(), pos in 0usize..17, delta in any::<u8>()) {
        // GB 11643 detects every single-digit substitution: the weights are non-zero mod 11.
        let bad = change_one_digit(&id, pos, delta);
        let v = run(ItemKind::ResidentId, &bad).0.unwrap();
        prop_assert_eq!(v.failed, Some(Check::Checksum));
    }

    #[test]
    fn legacy_15_upgrades_to_a_valid_18(id in resident_id_born(1900..2000)) {
        let legacy = format!("{}{}", &id[..6], &id[8..17]);
        let (v, canon) = run(ItemKind::ResidentId, &legacy);
        let v = v.unwrap();
        prop_assert!(v.is_valid());
        prop_assert!(v.signals.contains(Signals::LEGACY_15));
        prop_assert_eq!(canon, id);
    }

    #[test]
    fn generated_cards_pass_and_one_digit_fails(card in bank_card(), pos in 0usize..19, delta in any::<u8>(), seps in proptest::collection::vec(any::<u8>(), 19)) {
        let (v, canon) = run(ItemKind::BankCard, &disguise(&card, &seps, &[]));
        prop_assert!(v.unwrap().is_valid());
        prop_assert_eq!(&canon, &card);
        assert_idempotent(ItemKind::BankCard, &canon);
        // Luhn detects every single-digit substitution.
        let bad = change_one_digit(&card, pos, delta);
        prop_assert_eq!(run(ItemKind::BankCard, &bad).0.unwrap().failed, Some(Check::Checksum));
    }

    #[test]
    fn generated_usccs_pass_and_one_change_fails(code in uscc_code(), pos in 0usize..18, delta in any::<u8>(), lower in any::<bool>()) {
        let raw = if lower { code.to_lowercase() } else { code.clone() };
        let (v, canon) = run(ItemKind::Uscc, &raw);
        prop_assert!(v.unwrap().is_valid(), "{code}");
        prop_assert_eq!(&canon, &code);
        assert_idempotent(ItemKind::Uscc, &canon);
        let bad = change_one_digit(&code, pos, delta);
        if bad != code {
            prop_assert_eq!(run(ItemKind::Uscc, &bad).0.unwrap().failed, Some(Check::Checksum), "{}", bad);
        }
    }

    #[test]
    fn mobile_variants_canonicalise_identically(m in mobile(), prefix in 0usize..4, seps in proptest::collection::vec(any::<u8>(), 11), widths in proptest::collection::vec(any::<bool>(), 11)) {
        let raw = format!("{}{}", ["", "+86", "0086", "86 "][prefix], disguise(&m, &seps, &widths));
        let (v, canon) = run(ItemKind::Mobile, &raw);
        prop_assert!(v.unwrap().is_valid(), "{raw}");
        prop_assert_eq!(&canon, &m);
        assert_idempotent(ItemKind::Mobile, &canon);
    }

    #[test]
    fn landline_canonical_is_idempotent(code in proptest::sample::select(phone::area_codes().to_vec()), first in b'2'..=b'8', rest in digits(7)) {
        let len = usize::from(code.local_lengths[0]);
        let mut local = vec![first];
        local.extend_from_slice(&rest[..len - 1]);
        let local = String::from_utf8(local).unwrap();
        prop_assume!(!local.starts_with("95") && !local.starts_with("96"));
        let raw = format!("(0{}) {}", code.code, local);
        let (v, canon) = run(ItemKind::Landline, &raw);
        prop_assert!(v.unwrap().is_valid(), "{raw}");
        prop_assert_eq!(&canon, &format!("0{}-{}", code.code, local));
        assert_idempotent(ItemKind::Landline, &canon);
    }

    #[test]
    fn gps_canonical_is_idempotent(lat in -90.0f64..90.0, lon in -180.0f64..180.0) {
        let raw = format!("{lat:.8}, {lon:.8}");
        let (v, canon) = run(ItemKind::GpsPoint, &raw);
        prop_assert!(v.unwrap().is_valid());
        assert_idempotent(ItemKind::GpsPoint, &canon);
        let (lat_s, lon_s) = canon.split_once(',').unwrap();
        prop_assert_eq!(lat_s.split_once('.').unwrap().1.len(), 6);
        prop_assert_eq!(lon_s.split_once('.').unwrap().1.len(), 6);
    }

    #[test]
    fn ipv6_canonical_is_idempotent(groups in proptest::collection::vec(proptest::sample::select(vec![0u16, 0, 0, 1, 0xdb8, 0xffff, 0x2001]), 8)) {
        let raw = groups.iter().map(|g| format!("{g:04X}")).collect::<Vec<_>>().join(":");
        let (v, canon) = run(ItemKind::Ipv6, &raw);
        prop_assert!(v.is_some());
        assert_idempotent(ItemKind::Ipv6, &canon);
        prop_assert_eq!(canon.parse::<std::net::Ipv6Addr>().unwrap(), raw.parse::<std::net::Ipv6Addr>().unwrap());
    }

    #[test]
    fn plates_canonicalise_identically(p in proptest::sample::select("京沪粤川".chars().collect::<Vec<_>>()), a in b'A'..=b'Z', serial in proptest::collection::vec(proptest::sample::select(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".to_vec()), 5), sep in 0usize..4) {
        let serial = String::from_utf8(serial).unwrap();
        let canonical = format!("{p}{}{serial}", char::from(a));
        let raw = format!("{p}{}{}{}", char::from(a).to_ascii_lowercase(), ["", "·", " ", "-"][sep], serial.to_lowercase());
        let (v, canon) = run(ItemKind::Plate, &raw);
        prop_assert!(v.is_some(), "{raw}");
        prop_assert_eq!(&canon, &canonical);
        assert_idempotent(ItemKind::Plate, &canon);
    }

    #[test]
    fn no_validator_panics_or_grows_unbounded(kind in proptest::sample::select(ItemKind::ALL.to_vec()), raw in ".{0,300}") {
        let (v, canon) = run(kind, &raw);
        if v.is_some() {
            prop_assert!(canon.len() <= raw.len() * 3 + 32);
        }
    }

    #[test]
    fn near_miss_inputs_never_panic_and_canonical_forms_are_stable(
        kind in proptest::sample::select(ItemKind::ALL.to_vec()),
        // The characters validators treat specially, so that inputs come close to every shape.
        raw in "[0-9０-９xXEHMP+()\\-. ,，;°′″'\"NSEW北东纬经@:·京粤ADF挂欧阳张三路号市区\u{3000}]{0,60}",
    ) {
        let (v, canon) = run(kind, &raw);
        if let Some(v) = v {
            // Whatever was accepted canonicalises to a fixed point with the same verdict.
            let (again, canon2) = run(v.kind, &canon);
            prop_assert_eq!(&canon2, &canon, "{} {:?}", kind, raw);
            prop_assert_eq!(again.map(|a| a.failed), Some(v.failed), "{} {:?}", kind, raw);
        }
    }
}

#[test]
fn normalize_helpers_are_public() {
    let mut out = String::new();
    assert!(normalize::digits_into("１３８-1234 5678", &mut out));
    assert_eq!(out, "13812345678");
}

#[test]
fn docs_types_md_matches_the_taxonomy() {
    use fangxian_core::{PiplProfile, Sensitivity};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/types.md");
    let text = std::fs::read_to_string(path).expect("read docs/types.md");
    let flag = |k: ItemKind, p: PiplProfile| {
        let f = k.pipl(p);
        let s = match f.sensitivity {
            Sensitivity::Sensitive => "S",
            Sensitivity::NotSensitive => "N",
            Sensitivity::Conditional => "C",
        };
        format!("{s}{}", if f.verified { "" } else { "?" })
    };
    for &k in ItemKind::ALL {
        let row = format!(
            "| `{}` | {} | {} | {} | {} | {} |",
            k.id(),
            k.name_zh(),
            k.name_en(),
            k.default_tier(),
            flag(k, PiplProfile::Gbt35273_2020),
            flag(k, PiplProfile::Gbt45574_2025),
        );
        assert!(
            text.contains(&row),
            "docs/types.md lacks or misstates: {row}"
        );
        assert!(
            text.contains(&format!("### `{}`", k.id())),
            "docs/types.md has no section for {k}"
        );
    }
}
