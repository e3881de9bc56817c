//! Recognizers: finding items in free text, in labelled fields, and profiling table columns.
//!
//! # What it does
//!
//! A [`Recognizer`] is built once (it compiles the header dictionary and the keyword automaton
//! from the data files in `crates/fangxian-core/data/`) and shared by reference between threads.
//! Each thread keeps its own [`Scratch`], which holds every buffer a search needs, so that
//! searching allocates nothing per candidate once the buffers have grown.
//!
//! * **Free text** ([`Recognizer::find_in_text_with`]): one pass over the bytes finds digit runs
//!   (ASCII and full-width, with single spaces or hyphens inside, `+86`/`0086` prefixes), dotted
//!   quads, coordinate pairs, letter-digit tokens, plates after a province character and e-mail
//!   addresses (`@` found with memchr); one Aho-Corasick pass finds context keywords and cue words.
//!   Every candidate is validated ([`crate::validate::validate`]); types without a checksum need
//!   a keyword within a window ([`RecognizerBuilder::window`]); a checksum-valid item suppresses
//!   weaker items overlapping it.
//! * **Columns** ([`Recognizer::classify_header`], [`Recognizer::profile_column`],
//!   [`Recognizer::find_in_field_with`]): a header (or JSON path) hint plus the validated-hit
//!   ratio over a sample of values decide a column's [`ColumnKind`]; then every value of a typed
//!   column is validated with that type, and failed checks are kept as `valid = false` evidence.
//! * **Records** ([`Recognizer::table_class`], [`Recognizer::class_for_items`],
//!   [`Recognizer::find_gps_in_fields_with`]): what a table is about, from its headers, and a
//!   coordinate pair from separate latitude and longitude columns.
//!
//! # Confidence scale
//!
//! | confidence | meaning |
//! |---|---|
//! | 0.99 | checksum (GB 11643, Luhn, GB 32100) valid and a header or keyword confirms the type |
//! | 0.95 | valid, no checksum, in a column labelled with the type (or a valid mobile/e-mail with a keyword) |
//! | 0.90 | checksum valid without context; or a failed check in a labelled column (confidence that it is an untrue item of that type) |
//! | 0.85 | structurally valid without context (allocated mobile segment, plate, card with a known IIN) |
//! | 0.80 | format valid with a nearby keyword (passport, permits, QQ, WeChat id, legacy 15-digit ID, IMEI, card without known IIN) |
//! | 0.75 | IPv4 or coordinate pair without a keyword; a name or address after a cue word |
//! | 0.60 | a failed check next to a keyword in free text |
//!
//! # Example
//!
//! ```
//! use fangxian_core::recognize::{Recognizer, Scratch};
//! use fangxian_core::ItemKind;
//!
//! let recognizer = Recognizer::new();
//! let mut scratch = Scratch::new();
//! let text = "张三，身份证11010519491231002x，手机 +86 138-0013-8000。";
//! let mut found = Vec::new();
//! recognizer.find_in_text_with(text, &mut scratch, &mut |f| {
//!     found.push((f.kind, f.value.to_owned(), f.valid, &text[f.span.clone()]))
//! });
//! assert!(found.contains(&(
//!     ItemKind::ResidentId,
//!     "11010519491231002X".to_owned(),
//!     true,
//!     "11010519491231002x"
//! )));
//! assert!(found.contains(&(
//!     ItemKind::Mobile,
//!     "13800138000".to_owned(),
//!     true,
//!     "+86 138-0013-8000"
//! )));
//!
//! // A labelled column: the header decides the type, every value is validated with it.
//! let column = recognizer.profile_column(Some("sfzh"), &["11010519491231002X", "110105194912310021"]);
//! let mut verdicts = Vec::new();
//! recognizer.find_in_field_with(&column, "110105194912310021", &mut scratch, &mut |f| {
//!     verdicts.push((f.kind, f.valid))
//! });
//! assert_eq!(verdicts, [(ItemKind::ResidentId, false)]); // a failed checksum is evidence, kept
//! ```

use std::fmt;
use std::ops::Range;

use crate::taxonomy::ContentClass;
use crate::validate::{Check, Signals};
use crate::ItemKind;

mod dict;
mod field;
pub mod mask;
mod text;

pub use mask::{mask, mask_into};

/// One item found: its type, where it is, its canonical value and why we believe it.
///
/// Findings borrow the scratch buffers of the search that produced them and are handed to a
/// sink by reference; copy out what you keep.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding<'a> {
    /// The item type.
    pub kind: ItemKind,
    /// Byte offsets of the item in the searched `&str` (always on char boundaries).
    pub span: Range<usize>,
    /// The canonical value per the output contract (`shared/contracts/scan-output.md` §2).
    pub value: &'a str,
    /// True when every check the type has passed; false findings are evidence of untrue data.
    pub valid: bool,
    /// 0 to 1; see the scale in the [module docs](self).
    pub confidence: f32,
    /// Why the item was reported.
    pub evidence: Evidence,
}

/// Why an item was reported: the validator's verdict and the context that fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The first check that failed, or `None` when every check passed.
    pub failed: Option<Check>,
    /// Signals from the validator (known region, known IIN, inside China, legacy 15-digit ID …).
    pub signals: Signals,
    /// The context that confirmed the type, if any.
    pub context: Context,
}

/// The context that confirmed an item's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Context {
    /// None: the item stands on its own structure (checksum, allocated prefix, e-mail syntax).
    None,
    /// A keyword near the item in free text (the keyword as listed in `data/keywords.tsv`).
    Keyword(&'static str),
    /// A cue word right before a name or address (as listed in `data/cues.tsv`).
    Cue(&'static str),
    /// A column header (the dictionary term of `data/headers.tsv` that matched).
    Header(&'static str),
    /// A JSON path whose last segment matched a dictionary term.
    JsonPath(&'static str),
    /// The item is embedded in another item that implies its type (a QQ number in `N@qq.com`).
    Embedded,
    /// The values of the column, not its header, decided the type (≥ 80 % validated).
    Profile,
}

impl Context {
    /// True for any context that confirms the type (everything but [`Context::None`]).
    pub fn is_some(self) -> bool {
        !matches!(self, Context::None)
    }
}

impl fmt::Display for Evidence {
    /// A short human-readable form, e.g. `checksum ok; known-region; keyword 身份证`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.failed {
            Some(check) => write!(f, "failed {}", check.id())?,
            None => f.write_str("ok")?,
        }
        for (flag, name) in [
            (Signals::KNOWN_REGION, "known-region"),
            (Signals::KNOWN_IIN, "known-iin"),
            (Signals::IN_CHINA, "in-china"),
            (Signals::LEGACY_15, "legacy-15"),
            (Signals::MRZ, "mrz"),
        ] {
            if self.signals.contains(flag) && flag.bits() != 0 {
                write!(f, "; {name}")?;
            }
        }
        match self.context {
            Context::None => Ok(()),
            Context::Keyword(k) => write!(f, "; keyword {k}"),
            Context::Cue(k) => write!(f, "; cue {k}"),
            Context::Header(k) => write!(f, "; header {k}"),
            Context::JsonPath(k) => write!(f, "; json path {k}"),
            Context::Embedded => f.write_str("; embedded"),
            Context::Profile => f.write_str("; column profile"),
        }
    }
}

/// What a column header or JSON path says about the values under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderHint {
    /// The dictionary knows nothing about this header.
    Unknown,
    /// The column holds items of this type.
    Item(ItemKind),
    /// The column holds latitudes (combine with a longitude column:
    /// [`Recognizer::find_gps_in_fields_with`]).
    Latitude,
    /// The column holds longitudes.
    Longitude,
    /// The column holds free text (remarks, message bodies): run the text recognizer on it.
    FreeText,
    /// The column holds no personal items (order numbers, timestamps, amounts …).
    NotPi,
}

/// What a profiled column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnKind {
    /// Every value is validated as this type.
    Item(ItemKind),
    /// Values are searched with the free-text recognizer.
    FreeText,
    /// Values are never reported (order numbers, timestamps, amounts …).
    NotPi,
}

/// The outcome of profiling one column from its header and a sample of its values.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnProfile {
    /// What the column holds.
    pub kind: ColumnKind,
    /// What the header alone said.
    pub hint: HeaderHint,
    /// The dictionary term that produced the hint, if any.
    pub term: Option<&'static str>,
    /// True when the header was a JSON path (`$.user.phone`).
    pub json_path: bool,
    /// Non-empty values in the sample.
    pub sampled: usize,
    /// Fraction of non-empty sampled values that validated (all checks passed) as `kind`.
    pub valid_ratio: f32,
    /// A second type seen in the sample of a typed column (landlines in a 手机/电话 column).
    pub secondary: Option<ItemKind>,
}

impl ColumnProfile {
    /// The context a finding in this column reports.
    fn context(&self) -> Context {
        match (self.term, self.json_path) {
            (Some(t), true) => Context::JsonPath(t),
            (Some(t), false) => Context::Header(t),
            (None, _) => match self.kind {
                ColumnKind::Item(_) => Context::Profile,
                _ => Context::None,
            },
        }
    }
}

/// Per-thread reusable buffers for every search. Create one per worker thread and pass it to
/// each call; it grows to the largest input seen and is never shrunk.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Keyword and cue hits of the current text.
    hits: Vec<text::Hit>,
    /// Candidate findings before overlap resolution.
    found: Vec<text::Pending>,
    /// Canonical values of `found`, back to back.
    canon: String,
    /// The validator's output buffer.
    tmp: String,
    /// A candidate normalised to ASCII (digits, separators removed).
    norm: String,
    /// Digit groups of the current number token.
    groups: Vec<text::Group>,
    /// E-mail spans claimed in this text (the other scanners skip them).
    claimed: Vec<Range<usize>>,
    /// One candidate number (digits joined across groups, `X` appended).
    cand: String,
}

impl Scratch {
    /// Empty buffers.
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

/// Options for a [`Recognizer`].
#[derive(Clone, Debug)]
pub struct RecognizerBuilder {
    window: usize,
}

impl Default for RecognizerBuilder {
    fn default() -> Self {
        RecognizerBuilder::new()
    }
}

impl RecognizerBuilder {
    /// The defaults: a ±30-character context window (Macie uses 30 characters).
    pub fn new() -> RecognizerBuilder {
        RecognizerBuilder { window: 30 }
    }

    /// How many characters before a candidate a keyword may end and still count as context
    /// (after the candidate the window is a third of this). Clamped to 1..=300 (300 is
    /// Microsoft Purview's proximity).
    #[must_use]
    pub fn window(mut self, chars: usize) -> RecognizerBuilder {
        self.window = chars.clamp(1, 300);
        self
    }

    /// Compiles the dictionaries. The data is compiled into the binary and checked by tests,
    /// so this cannot fail.
    pub fn build(&self) -> Recognizer {
        Recognizer {
            dict: dict::Dictionaries::load(),
            window: self.window,
        }
    }
}

/// Finds personal-information items in text, fields and columns. Build once, share by `&`
/// between threads (it is `Send + Sync`); give each thread its own [`Scratch`].
#[derive(Debug)]
pub struct Recognizer {
    dict: dict::Dictionaries,
    window: usize,
}

impl Default for Recognizer {
    fn default() -> Self {
        Recognizer::new()
    }
}

impl Recognizer {
    /// A recognizer with the default options ([`RecognizerBuilder::new`]).
    pub fn new() -> Recognizer {
        RecognizerBuilder::new().build()
    }

    /// What a column name or JSON path says about its values. For a path (`$.user.phone`,
    /// `data.items[0].mobile`) only the last segment counts. Matching is case-insensitive;
    /// ASCII terms match whole tokens only (`ip` does not match `recipient`).
    pub fn classify_header(&self, name: &str) -> HeaderHint {
        self.dict.classify_header(name).hint
    }

    /// The content class of a table from its headers: the most serious default tier among the
    /// classes the headers name (入住/退房 → `hotel_stay`, 主叫/被叫 → `call_detail_record`, 经度/纬度 →
    /// `gps_trace` …). `None` when the headers name nothing beyond identity data; the caller may
    /// then fall back to [`Recognizer::class_for_items`] and finally to `identity_basic`.
    pub fn table_class(&self, headers: &[&str]) -> Option<ContentClass> {
        let mut best: Option<ContentClass> = None;
        for h in headers {
            self.dict.header_classes(h, &mut |c| {
                best = Some(match best {
                    Some(b) if b.default_category().tier() <= c.default_category().tier() => b,
                    _ => c,
                });
            });
        }
        best
    }

    /// The content class implied by the item types present in a record when its headers name
    /// none: a coordinate pair → `location_point`, a bank card → `bank_card_bare`, any other
    /// personal item → `identity_basic`; `None` for no personal item at all.
    pub fn class_for_items(&self, kinds: &[ItemKind]) -> Option<ContentClass> {
        if kinds.contains(&ItemKind::GpsPoint) {
            Some(ContentClass::LocationPoint)
        } else if kinds.contains(&ItemKind::BankCard) {
            Some(ContentClass::BankCardBare)
        } else if kinds.iter().any(|k| k.is_personal()) {
            Some(ContentClass::IdentityBasic)
        } else {
            None
        }
    }

    /// Finds every item in a free text and hands each to `sink`, in order of position. Spans
    /// are byte offsets into `text`.
    pub fn find_in_text_with(
        &self,
        text: &str,
        scratch: &mut Scratch,
        sink: &mut dyn FnMut(&Finding<'_>),
    ) {
        self.scan_text(text, None, scratch);
        emit(text, scratch, sink);
    }
}

/// Resolves overlaps among the pending findings of `scratch` and hands the survivors to `sink`.
fn emit(text: &str, scratch: &mut Scratch, sink: &mut dyn FnMut(&Finding<'_>)) {
    // A single finding (every typed field value) overlaps nothing: skip the sort and the pass.
    if scratch.found.len() > 1 {
        text::resolve_overlaps(&mut scratch.found);
    }
    for p in &scratch.found {
        if p.dropped {
            continue;
        }
        debug_assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
        let finding = Finding {
            kind: p.kind,
            span: p.span.clone(),
            value: &scratch.canon[p.canon.clone()],
            valid: p.evidence.failed.is_none(),
            confidence: p.confidence,
            evidence: p.evidence,
        };
        sink(&finding);
    }
}

/// A bit per item type, for sets of types.
pub(crate) fn bit(kind: ItemKind) -> u32 {
    1u32 << (kind as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Recognizer>();
        assert_send_sync::<Scratch>();
    }

    #[test]
    fn item_kinds_fit_in_the_bit_set() {
        for &k in ItemKind::ALL {
            assert!((k as u32) < 32, "{k} does not fit a u32 bit set");
        }
    }

    #[test]
    fn table_class_prefers_the_most_serious_tier() {
        let r = Recognizer::new();
        assert_eq!(
            r.table_class(&["姓名", "身份证号", "入住时间", "退房时间", "酒店名称"]),
            Some(ContentClass::HotelStay)
        );
        assert_eq!(
            r.table_class(&["主叫号码", "被叫号码", "通话时长"]),
            Some(ContentClass::CallDetailRecord)
        );
        // Orders (tier B) and balances (tier A): the balance wins.
        assert_eq!(
            r.table_class(&["order_id", "amount", "balance"]),
            Some(ContentClass::PropertyRecord)
        );
        assert_eq!(
            r.table_class(&["xm", "sjh", "jd", "wd", "定位时间"]),
            Some(ContentClass::GpsTrace)
        );
        assert_eq!(r.table_class(&["xm", "sfzh", "sjh", "dz"]), None);
        assert_eq!(
            r.table_class(&["寄件人", "收件人电话", "快递单号"]),
            Some(ContentClass::CourierWaybill)
        );
        assert_eq!(
            r.table_class(&["车主", "车架号", "发动机号"]),
            Some(ContentClass::VehicleOwnerRecord)
        );
        assert_eq!(
            r.table_class(&["诊断", "处方"]),
            Some(ContentClass::MedicalRecord)
        );
        assert_eq!(
            r.table_class(&["征信", "逾期金额"]),
            Some(ContentClass::CreditRecord)
        );
        assert_eq!(
            r.table_class(&["航班号", "起飞时间"]),
            Some(ContentClass::FlightItinerary)
        );
        assert_eq!(
            r.table_class(&["车次", "座位号"]),
            Some(ContentClass::RailTicket)
        );
        assert_eq!(
            r.table_class(&["上车点", "下车点"]),
            Some(ContentClass::RideHailingTrip)
        );
        assert_eq!(
            r.table_class(&["短信内容", "发送时间"]),
            Some(ContentClass::CommunicationContent)
        );
        assert_eq!(
            r.table_class(&["卡口名称", "过车时间", "车牌号"]),
            Some(ContentClass::VehicleCheckpointTrace)
        );
        assert_eq!(r.table_class(&["通讯录"]), Some(ContentClass::ContactList));
        assert_eq!(r.table_class(&["指纹"]), Some(ContentClass::Biometric));
    }

    #[test]
    fn class_for_items_follows_the_disputed_defaults() {
        let r = Recognizer::new();
        assert_eq!(
            r.class_for_items(&[ItemKind::Mobile, ItemKind::GpsPoint]),
            Some(ContentClass::LocationPoint)
        );
        assert_eq!(
            r.class_for_items(&[ItemKind::BankCard]),
            Some(ContentClass::BankCardBare)
        );
        assert_eq!(
            r.class_for_items(&[ItemKind::PersonName]),
            Some(ContentClass::IdentityBasic)
        );
        assert_eq!(r.class_for_items(&[ItemKind::Uscc]), None);
        assert_eq!(r.class_for_items(&[]), None);
    }

    #[test]
    fn evidence_displays_check_signals_and_context() {
        let e = Evidence {
            failed: Some(Check::Checksum),
            signals: Signals::KNOWN_REGION,
            context: Context::Header("sfzh"),
        };
        assert_eq!(e.to_string(), "failed checksum; known-region; header sfzh");
        let e = Evidence {
            failed: None,
            signals: Signals::empty(),
            context: Context::Keyword("手机"),
        };
        assert_eq!(e.to_string(), "ok; keyword 手机");
    }
}
