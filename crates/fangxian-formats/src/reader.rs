//! The internal interface every format reader implements, and shared helpers.

use std::io;
use std::sync::Arc;

use crate::batch::BatchWriter;
use crate::diag::Diag;
use crate::error::limit_message;
use crate::Error;

/// A format reader: appends whole records to a batch.
pub(crate) trait RecordSource {
    /// Appends records until the batch reaches its target size or the source ends. Returns
    /// `Ok(false)` once the source has no more records. An error ends the source; records
    /// already appended to `w` are still delivered.
    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error>;

    /// Decoded bytes consumed so far (for batch offsets).
    fn position(&self) -> u64 {
        0
    }
}

/// Turns an I/O error into the crate error, recognising hit limits.
pub(crate) fn io_error(
    source: &Arc<str>,
    offset: u64,
    what: &'static str,
    err: io::Error,
) -> Error {
    match limit_message(&err) {
        Some(message) => Error::Limit {
            source_name: source.to_string(),
            message: format!("{message} (after {offset} bytes of output)"),
        },
        None => Error::Io {
            source_name: source.to_string(),
            offset,
            what,
            err,
        },
    }
}

/// Largest `k <= max` such that `s[..k]` ends on a UTF-8 character boundary.
pub(crate) fn char_floor(s: &[u8], max: usize) -> usize {
    let mut k = max.min(s.len());
    while k > 0 && k < s.len() && (s[k] & 0xC0) == 0x80 {
        k -= 1;
    }
    k
}

/// Shared state every reader carries.
pub(crate) struct Common {
    pub(crate) source: Arc<str>,
    pub(crate) diag: Diag,
    pub(crate) max_record: usize,
    pub(crate) max_fields: usize,
    pub(crate) target: usize,
    /// Index of the last record produced.
    pub(crate) index: u64,
}

impl Common {
    pub(crate) fn full(&self, w: &BatchWriter<'_>) -> bool {
        w.records() > 0 && w.bytes() >= self.target
    }
}
