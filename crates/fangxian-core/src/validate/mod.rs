//! Validators: is this candidate really an item of that type, and what is its canonical value?
//!
//! Every validator follows one shape ([`validate`]): it gets the raw text of a candidate, writes
//! the contract's canonical value into a caller-owned buffer (no allocation per candidate), and
//! returns `None` when the text does not even have the shape of the type, or a [`Verdict`] saying
//! whether every check passed and, if not, which one failed.
//!
//! One module per family, each with its per-type functions and the pure helpers that generators
//! and recognizers reuse:
//!
//! | module | types | helpers |
//! |---|---|---|
//! | [`gb11643`] | `cn_resident_id`, `cn_residence_permit` | [`gb11643::check_char`], [`gb11643::upgrade_15`] |
//! | [`phone`] | `cn_mobile`, `cn_landline` | [`phone::mobile_segments`], [`phone::area_codes`], [`phone::area_code`] |
//! | [`luhn`] | `bank_card`, `imei` | [`luhn::check_digit`], [`luhn::is_valid`]; IINs in [`iin`] |
//! | [`uscc`] | `cn_uscc` | [`uscc::check_char`], [`gb11714::check_char`] |
//! | [`plate`] | `cn_plate` | [`plate::PROVINCES`], [`plate::SUFFIXES`] |
//! | [`docs`] | `cn_passport`, `hk_macau_permit`, `taiwan_permit` | [`docs::validate_mrz`], [`docs::mrz_check_digit`] |
//! | [`net`] | `email`, `ipv4`, `ipv6` | |
//! | [`gps`] | `gps_point` | [`gps::in_china`] |
//! | [`social`] | `qq`, `wechat_id` | |
//! | [`name`] | `person_name` | [`name::surnames`], [`name::is_surname`], [`name::is_cjk`] |
//! | [`address`] | `address` | [`address::divisions`], [`address::TOKENS`] |
//!
//! Shared pieces: [`regions`] (GB/T 2260 codes, current and historical), [`normalize`]
//! (full-width folding, separator stripping into a caller buffer), [`date`] (Gregorian dates
//! without a date crate), [`placeholder`] (sample and placeholder values, a signal on every
//! verdict). The data tables are compiled in from `crates/fangxian-core/data/`;
//! each file names its source, and `docs/types.md` lists every type's rule and sources.

use crate::ItemKind;

pub mod address;
pub mod date;
pub mod docs;
pub mod gb11643;
pub mod gb11714;
pub mod gps;
pub mod iin;
pub mod luhn;
pub mod name;
pub mod net;
pub mod normalize;
pub mod phone;
pub mod placeholder;
pub mod plate;
pub mod regions;
pub mod social;
mod table;
pub mod uscc;

/// The differential check of a validator against its reference (the version it replaced):
/// the same verdict, and the same canonical value when there is one. Both start from a stale
/// `canon`, as between the values of a scan, so each must clear it.
#[cfg(test)]
pub(crate) fn same_as_reference(
    ours: impl Fn(&str, &mut String) -> Option<Verdict>,
    reference: impl Fn(&str, &mut String) -> Option<Verdict>,
    raw: &str,
) -> Result<(), proptest::test_runner::TestCaseError> {
    let (mut a, mut b) = (String::from("stale"), String::from("stale"));
    let (va, vb) = (ours(raw, &mut a), reference(raw, &mut b));
    proptest::prop_assert_eq!(va, vb, "{:?}", raw);
    if va.is_some() {
        proptest::prop_assert_eq!(a, b, "{:?}", raw);
    }
    Ok(())
}

/// A check a candidate can fail. A failed check on a candidate of the right shape is evidence of
/// untrue data (法释〔2017〕10号 art. 11), so it is reported, not silently dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Check {
    /// A check digit or check character (GB 11643, Luhn, GB 32100, GB 11714, ICAO 9303).
    Checksum,
    /// An embedded date (birth date) is not a real date, is in the future or is before 1900.
    Date,
    /// The region or province code is not one that exists or existed.
    Region,
    /// The number segment or prefix is not allocated (mobile segments, area codes).
    Prefix,
    /// A numeric value is out of range (IPv4 octet, latitude, longitude).
    Range,
}

impl Check {
    /// A short id for reports, e.g. `"checksum"`.
    pub fn id(self) -> &'static str {
        match self {
            Check::Checksum => "checksum",
            Check::Date => "date",
            Check::Region => "region",
            Check::Prefix => "prefix",
            Check::Range => "range",
        }
    }
}

/// Signals that raise or lower confidence without deciding validity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Signals(u8);

impl Signals {
    /// The full 6-digit address code is in the historical GB/T 2260 list.
    pub const KNOWN_REGION: Signals = Signals(1);
    /// The card number's IIN belongs to a known Chinese issuer or UnionPay.
    pub const KNOWN_IIN: Signals = Signals(1 << 1);
    /// A coordinate lies inside China's bounding box.
    pub const IN_CHINA: Signals = Signals(1 << 2);
    /// A 15-digit legacy resident ID, upgraded to 18 digits.
    pub const LEGACY_15: Signals = Signals(1 << 3);
    /// An ICAO 9303 machine-readable zone validated the document number.
    pub const MRZ: Signals = Signals(1 << 4);
    /// A placeholder or published sample value (`111111…`, `123456…`, the standard's example,
    /// test card numbers, `example.com` addresses): untrue data under 法释〔2017〕10号 art. 11,
    /// though it passes its checks. See [`placeholder`].
    pub const PLACEHOLDER: Signals = Signals(1 << 5);

    /// No signals.
    pub const fn empty() -> Signals {
        Signals(0)
    }
    /// True when every flag of `other` is set.
    pub const fn contains(self, other: Signals) -> bool {
        self.0 & other.0 == other.0
    }
    /// Both sets of flags.
    #[must_use]
    pub const fn union(self, other: Signals) -> Signals {
        Signals(self.0 | other.0)
    }
    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: Signals) {
        self.0 |= other.0;
    }
    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }
}

/// The outcome of validating a candidate that has the shape of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The type the candidate turned out to be. It can differ from the type asked for: an
    /// 18-character resident ID with address code 810000/820000/830000 is a residence permit.
    pub kind: ItemKind,
    /// The first check that failed, or `None` when every check passed.
    pub failed: Option<Check>,
    /// Confidence signals that do not decide validity.
    pub signals: Signals,
}

impl Verdict {
    /// A verdict with every check passed.
    pub fn pass(kind: ItemKind) -> Verdict {
        Verdict {
            kind,
            failed: None,
            signals: Signals::empty(),
        }
    }
    /// A verdict that failed `check`.
    pub fn fail(kind: ItemKind, check: Check) -> Verdict {
        Verdict {
            kind,
            failed: Some(check),
            signals: Signals::empty(),
        }
    }
    /// True when every check passed.
    pub fn is_valid(&self) -> bool {
        self.failed.is_none()
    }
    /// The same verdict with extra signals.
    #[must_use]
    pub fn with(mut self, signals: Signals) -> Verdict {
        self.signals.insert(signals);
        self
    }
}

/// Validates `raw` as an item of `kind`, writing the canonical value into `canon` (cleared
/// first). Returns `None` when `raw` does not have the shape of `kind`; `canon` is then
/// unspecified.
pub fn validate(kind: ItemKind, raw: &str, canon: &mut String) -> Option<Verdict> {
    let mut verdict = validate_shape(kind, raw, canon)?;
    if placeholder::has_rules(verdict.kind) && placeholder::is_placeholder(verdict.kind, canon) {
        verdict.signals.insert(Signals::PLACEHOLDER);
    }
    Some(verdict)
}

fn validate_shape(kind: ItemKind, raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    match kind {
        ItemKind::ResidentId | ItemKind::ResidencePermit => gb11643::validate(raw, canon),
        ItemKind::Mobile => phone::validate_mobile(raw, canon),
        ItemKind::Landline => phone::validate_landline(raw, canon),
        ItemKind::BankCard => luhn::validate_bank_card(raw, canon),
        ItemKind::Imei => luhn::validate_imei(raw, canon),
        ItemKind::Uscc => uscc::validate(raw, canon),
        ItemKind::Passport => docs::validate_passport(raw, canon),
        ItemKind::HkMacauPermit => docs::validate_hk_macau_permit(raw, canon),
        ItemKind::TaiwanPermit => docs::validate_taiwan_permit(raw, canon),
        ItemKind::Plate => plate::validate(raw, canon),
        ItemKind::Email => net::validate_email(raw, canon),
        ItemKind::Ipv4 => net::validate_ipv4(raw, canon),
        ItemKind::Ipv6 => net::validate_ipv6(raw, canon),
        ItemKind::Qq => social::validate_qq(raw, canon),
        ItemKind::WechatId => social::validate_wechat_id(raw, canon),
        ItemKind::PersonName => name::validate(raw, canon),
        ItemKind::Address => address::validate(raw, canon),
        ItemKind::GpsPoint => gps::validate(raw, canon),
    }
}
