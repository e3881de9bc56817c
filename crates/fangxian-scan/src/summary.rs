//! The scan's results as data: the summary object (contract §3) and finding rows (contract §1).
//!
//! Field names here ARE the contract (`shared/contracts/scan-output.md`). Extension fields are
//! allowed; renaming or dropping a contract field needs a schema version bump.

use std::collections::BTreeMap;

use fangxian_core::ItemKind;
use serde::{Deserialize, Serialize};

/// The schema id of the summary object.
pub const SUMMARY_SCHEMA: &str = "fangxian.summary/1";
/// The schema id of findings files.
pub const FINDINGS_SCHEMA: &str = "fangxian.findings/1";

/// One item occurrence, as written to findings files (contract §1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// The input the item came from (`ARCHIVE!/MEMBER` for archive members).
    pub source: String,
    /// 1-based index of the record inside `source`.
    pub record: u64,
    /// Column name, JSON path, or `None` for free text.
    pub field: Option<String>,
    /// The item type id.
    #[serde(rename = "type")]
    pub kind: ItemKind,
    /// The canonical value.
    pub value: String,
    /// True when every check of the type passed.
    pub valid: bool,
    /// Confidence, 0–1.
    pub confidence: f32,
}

/// A borrowed finding, pushed to a [`FindingSink`] without allocating.
#[derive(Clone, Copy, Debug)]
pub struct FindingRef<'a> {
    /// See [`FindingRow::source`].
    pub source: &'a str,
    /// See [`FindingRow::record`].
    pub record: u64,
    /// See [`FindingRow::field`].
    pub field: Option<&'a str>,
    /// See [`FindingRow::kind`].
    pub kind: ItemKind,
    /// See [`FindingRow::value`].
    pub value: &'a str,
    /// See [`FindingRow::valid`].
    pub valid: bool,
    /// See [`FindingRow::confidence`].
    pub confidence: f32,
}

impl<'a> From<&'a FindingRow> for FindingRef<'a> {
    fn from(row: &'a FindingRow) -> FindingRef<'a> {
        FindingRef {
            source: &row.source,
            record: row.record,
            field: row.field.as_deref(),
            kind: row.kind,
            value: &row.value,
            valid: row.valid,
            confidence: row.confidence,
        }
    }
}

impl FindingRef<'_> {
    /// An owned copy.
    pub fn to_row(&self) -> FindingRow {
        FindingRow {
            source: self.source.to_owned(),
            record: self.record,
            field: self.field.map(str::to_owned),
            kind: self.kind,
            value: self.value.to_owned(),
            valid: self.valid,
            confidence: self.confidence,
        }
    }
}

/// Where findings go (a JSONL or Parquet writer, a test vector). Called from one writer thread.
///
/// A sink takes findings one at a time ([`FindingSink::push`]), or, when it offers a
/// [`ChunkEncoder`], as chunks its encoders made on the scan's worker threads
/// ([`FindingSink::push_chunk`]). Encoding is most of what writing findings costs; done on
/// the workers it uses every core instead of the one thread that writes in order.
pub trait FindingSink: Send {
    /// Takes one finding.
    fn push(&mut self, finding: &FindingRef<'_>) -> std::io::Result<()>;
    /// Flushes and completes the output. Not called when the scan is interrupted.
    fn finish(&mut self) -> std::io::Result<()>;
    /// False when the sink discards every finding (a summary-only scan): the scan then does
    /// not build finding rows for it at all.
    fn wants_findings(&self) -> bool {
        true
    }
    /// An encoder for one worker thread, or `None` (the default) when the sink takes findings
    /// only one at a time. Each call returns a new encoder.
    fn chunk_encoder(&self) -> Option<Box<dyn ChunkEncoder>> {
        None
    }
    /// Takes a chunk made by one of this sink's [`ChunkEncoder`]s. Chunks arrive in the order
    /// of the findings they hold, and may be interleaved with [`FindingSink::push`] calls.
    ///
    /// # Errors
    /// The default, for sinks without encoders, fails: such a sink is never given chunks.
    fn push_chunk(&mut self, chunk: Chunk) -> std::io::Result<()> {
        let _ = chunk;
        Err(std::io::Error::other("this findings sink takes no chunks"))
    }
}

/// Turns a batch of findings into a [`Chunk`] for the [`FindingSink`] that made the encoder.
/// Runs on a scan worker thread, one encoder per thread.
pub trait ChunkEncoder: Send {
    /// Encodes `findings` (one batch's, in order) into one chunk.
    ///
    /// # Errors
    /// When the findings cannot be encoded.
    fn encode(
        &mut self,
        findings: &mut dyn ExactSizeIterator<Item = FindingRef<'_>>,
    ) -> std::io::Result<Chunk>;
}

/// Findings encoded by a [`ChunkEncoder`]: opaque to the scan, read only by the sink whose
/// encoder made it.
pub struct Chunk {
    /// Findings in the chunk.
    pub rows: u64,
    /// The encoded form, whatever the sink chose.
    pub data: Box<dyn std::any::Any + Send>,
}

impl std::fmt::Debug for Chunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chunk")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl FindingSink for Vec<FindingRow> {
    fn push(&mut self, finding: &FindingRef<'_>) -> std::io::Result<()> {
        Vec::push(self, finding.to_row());
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The summary object (contract §3) plus extensions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Always [`SUMMARY_SCHEMA`].
    pub schema: String,
    /// Every top-level input with its size and SHA-256.
    pub inputs: Vec<InputInfo>,
    /// Bytes read from the inputs (after decompression).
    pub bytes_scanned: u64,
    /// Record counts.
    pub records: RecordCounts,
    /// Person counts.
    pub persons: PersonCounts,
    /// Per item type id.
    pub items: BTreeMap<String, ItemCounts>,
    /// Per tier id (`A`, `B`, `C`).
    pub tiers: BTreeMap<String, TierCounts>,
    /// Per content category id.
    pub categories: BTreeMap<String, CategoryCounts>,
    /// Extension: per content class id (`fangxian_core::ContentClass`); each record with PI is
    /// counted under the one class that set its tier. `fangxian-legal` uses it for the
    /// conservative and lenient readings of disputed classes.
    #[serde(default)]
    pub classes: BTreeMap<String, TierCounts>,
    /// Extension: the art. 11 screening exhibits (untrue and duplicated data).
    #[serde(default)]
    pub screening: Screening,
    /// Extension: sources read only in part or skipped, and why.
    #[serde(default)]
    pub problems: Vec<Problem>,
    /// Extension: true when the scan was interrupted or an output limit was hit.
    #[serde(default)]
    pub partial: bool,
    /// Extension: how the scan was run.
    #[serde(default)]
    pub method: Method,
    /// Extension: the legal assessment (contract §4) when `--facts` was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<serde_json::Value>,
}

/// One top-level input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputInfo {
    /// The path as the user gave it (`-` for stdin).
    pub source: String,
    /// Its size in bytes as stored.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of its stored bytes.
    pub sha256: String,
}

/// Contract `records`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    /// Every record read (header rows excluded; every free-text line is one).
    pub total: u64,
    /// Records holding at least one valid PI item.
    pub with_pi: u64,
    /// Records holding at least one item that failed its checks.
    pub invalid: u64,
    /// Records whose set of valid (type, value) items equals an earlier record's.
    pub duplicate: u64,
}

/// Contract `persons`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCounts {
    /// Distinct identity keys across all inputs.
    pub distinct: u64,
}

/// Contract `items.<type>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCounts {
    /// Occurrences, valid or not.
    pub found: u64,
    /// Distinct valid values.
    pub distinct: u64,
    /// Occurrences with `valid=false`.
    pub invalid: u64,
}

/// Contract `tiers.<tier>` (also used for `classes`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierCounts {
    /// Records with PI in this tier, duplicates included.
    pub records: u64,
    /// Distinct identity keys among them.
    pub persons: u64,
    /// Extension: records after the art. 11 screening — duplicates and records whose PI items
    /// all failed their checks removed.
    #[serde(default)]
    pub screened: u64,
}

/// Contract `categories.<category>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCounts {
    /// Records whose tier this category set.
    pub records: u64,
    /// Distinct identity keys among them.
    pub persons: u64,
}

/// The art. 11 screening exhibits: evidence that items are untrue or duplicated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Screening {
    /// Findings that failed a check, per type id and check id (e.g. `checksum`).
    pub invalid_by_check: BTreeMap<String, BTreeMap<String, u64>>,
    /// A few invalid findings as evidence (canonical values; mask before showing a person).
    pub invalid_samples: Vec<FindingRow>,
    /// Records that duplicate an earlier record's valid items.
    pub duplicate_records: u64,
    /// Occurrences of valid items beyond their first, per type id.
    pub duplicate_items: BTreeMap<String, u64>,
    /// Records whose values look like placeholders (`13800000000`, all-same digits …).
    pub placeholder_records: u64,
    /// Records with no non-empty field.
    pub empty_records: u64,
    /// Records with PI items that identify no one (no ID, mobile or name + address).
    pub unidentifiable_records: u64,
}

/// A source read only in part, or skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The source (`ARCHIVE!/MEMBER` for members).
    pub source: String,
    /// `skipped` or `partial`.
    pub status: String,
    /// Byte offset where the problem was met, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Line where the problem was met, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// What went wrong.
    pub message: String,
}

/// How a scan was run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// `fangxian` version.
    pub version: String,
    /// Worker threads.
    pub threads: usize,
    /// Start time, RFC 3339 UTC.
    pub started: String,
    /// Wall-clock seconds.
    pub elapsed_seconds: f64,
    /// The identity key rule used to count persons.
    pub person_key: String,
}
