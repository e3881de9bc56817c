//! The part of a scan summary (`fangxian.summary/1`, contract §3) the assessment reads.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use fangxian_core::{ContentClass, Tier};
use serde::Deserialize;

use crate::assess::{Reading, TierCounts};
use crate::{Error, Ruleset};

/// Summary files larger than this are refused: a summary is a few kilobytes of counts.
const MAX_SUMMARY_BYTES: u64 = 64 << 20;

/// Counts from one scan summary.
///
/// Every field defaults, so a plain contract summary loads; the extension fields
/// `tiers.<T>.screened` and `classes` refine the assessment when the scan emits them.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SummaryInput {
    /// Must start with `fangxian.summary/`.
    #[serde(default)]
    pub schema: String,
    /// Record totals: `invalid` and `duplicate` are the art. 11 screening evidence.
    #[serde(default)]
    pub records: RecordTotals,
    /// Per-tier counts, keys `A`, `B`, `C`.
    #[serde(default)]
    pub tiers: BTreeMap<String, TierEntry>,
    /// Extension: per content class (fangxian-core `ContentClass` id) counts; each record with
    /// PI counted under the one class that set its tier.
    #[serde(default)]
    pub classes: BTreeMap<String, ClassEntry>,
    /// Per item type: `{"found": n, "distinct": n, "invalid": n}`, for the PIPL flags.
    #[serde(default)]
    pub items: BTreeMap<String, ItemEntry>,
    /// Where this summary was read from (not part of the JSON).
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// `records` of the summary.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RecordTotals {
    /// Every record read.
    #[serde(default)]
    pub total: u64,
    /// Records with at least one valid PI item.
    #[serde(default)]
    pub with_pi: u64,
    /// Records with at least one item that failed its checks.
    #[serde(default)]
    pub invalid: u64,
    /// Records whose valid item set repeats another record's.
    #[serde(default)]
    pub duplicate: u64,
}

/// `tiers.<T>` of the summary.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TierEntry {
    /// Records in the tier, duplicates included: the as-seized count (art. 11 para. 3).
    #[serde(default)]
    pub records: u64,
    /// Distinct identity keys among them.
    #[serde(default)]
    pub persons: u64,
    /// Extension: records left after the art. 11 screening (duplicates and records whose PI
    /// items are all invalid removed). Absent: `persons` stands in.
    #[serde(default)]
    pub screened: Option<u64>,
}

impl TierEntry {
    /// The screened count, falling back to `persons`.
    pub fn screened_or_persons(&self) -> u64 {
        self.screened.unwrap_or(self.persons)
    }
}

/// `classes.<id>` of the summary (extension).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClassEntry {
    /// Records whose tier this class set.
    #[serde(default)]
    pub records: u64,
    /// Distinct identity keys among them.
    #[serde(default)]
    pub persons: u64,
    /// Records left after screening; absent: `persons` stands in.
    #[serde(default)]
    pub screened: Option<u64>,
}

/// `items.<type>` of the summary.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ItemEntry {
    /// Findings of the type, valid or not.
    #[serde(default)]
    pub found: u64,
    /// Distinct valid values.
    #[serde(default)]
    pub distinct: u64,
    /// Findings that failed their checks.
    #[serde(default)]
    pub invalid: u64,
}

/// Counts of one summary under one reading: as seized and screened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CountPair {
    pub raw: TierCounts,
    pub screened: TierCounts,
}

impl CountPair {
    pub fn add(&mut self, other: &CountPair) {
        self.raw.add(&other.raw);
        self.screened.add(&other.screened);
    }
}

impl SummaryInput {
    /// Parses a summary from a JSON value.
    ///
    /// # Errors
    /// [`Error::Summary`] if the value is not an object of the summary shape or its schema is not
    /// `fangxian.summary/…`.
    pub fn from_value(value: &serde_json::Value) -> Result<SummaryInput, Error> {
        let summary = SummaryInput::deserialize(value).map_err(|e| Error::Summary {
            path: PathBuf::from("<summary>"),
            message: e.to_string(),
        })?;
        summary.check(Path::new("<summary>"))?;
        Ok(summary)
    }

    fn check(&self, path: &Path) -> Result<(), Error> {
        if !self.schema.starts_with("fangxian.summary/") {
            return Err(Error::Summary {
                path: path.to_owned(),
                message: format!(
                    "schema is `{}`, expected `fangxian.summary/1` (is this a summary written by `fangxian scan --summary`?)",
                    self.schema
                ),
            });
        }
        Ok(())
    }

    /// Whether the summary carries per-class counts, so the disputed readings can be computed.
    pub fn has_classes(&self) -> bool {
        !self.classes.is_empty()
    }

    /// The counts under a reading. Without `classes` every reading equals the default.
    /// Problems (unknown class ids, class counts larger than their tier's) go to `warnings`.
    pub(crate) fn counts(
        &self,
        rules: &Ruleset,
        reading: Reading,
        warnings: &mut Vec<String>,
    ) -> CountPair {
        let mut pair = CountPair::default();
        for tier in Tier::ALL {
            if let Some(entry) = self.tiers.get(tier.id()) {
                pair.raw.set(tier, entry.records);
                pair.screened.set(tier, entry.screened_or_persons());
            }
        }
        if reading == Reading::Default {
            return pair;
        }
        for (id, entry) in &self.classes {
            let Ok(class) = id.parse::<ContentClass>() else {
                push_once(warnings, format!("unknown content class `{id}` ignored"));
                continue;
            };
            let Some(mapping) = rules.classes.get(id) else {
                continue;
            };
            let from = class.default_category().tier();
            let to = match reading {
                Reading::Conservative => mapping.conservative,
                Reading::Lenient => mapping.lenient,
                Reading::Default => from,
            };
            if from == to {
                continue;
            }
            let screened = entry.screened.unwrap_or(entry.persons);
            if entry.records > pair.raw.get(from) || screened > pair.screened.get(from) {
                push_once(
                    warnings,
                    format!(
                        "class `{id}` counts exceed tier {from} counts; moved what the tier holds"
                    ),
                );
            }
            let raw = entry.records.min(pair.raw.get(from));
            pair.raw.set(from, pair.raw.get(from) - raw);
            pair.raw.set(to, pair.raw.get(to).saturating_add(raw));
            let scr = screened.min(pair.screened.get(from));
            pair.screened.set(from, pair.screened.get(from) - scr);
            pair.screened
                .set(to, pair.screened.get(to).saturating_add(scr));
        }
        pair
    }
}

fn push_once(warnings: &mut Vec<String>, w: String) {
    if !warnings.contains(&w) {
        warnings.push(w);
    }
}

/// Reads a summary JSON file.
///
/// # Errors
/// [`Error::Io`] if it cannot be read, [`Error::Summary`] if it is larger than 64 MiB, not JSON
/// or not a `fangxian.summary/…` document.
pub fn load_summary(path: &Path) -> Result<SummaryInput, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut text = String::new();
    file.take(MAX_SUMMARY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_SUMMARY_BYTES {
        return Err(Error::Summary {
            path: path.to_owned(),
            message: format!("larger than {MAX_SUMMARY_BYTES} bytes; not a summary"),
        });
    }
    let mut summary: SummaryInput = serde_json::from_str(&text).map_err(|e| Error::Summary {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    summary.check(path)?;
    summary.origin = Some(path.to_owned());
    Ok(summary)
}
