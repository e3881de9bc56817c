//! The crate's one error type and the non-fatal [`Warning`].

use std::fmt;

/// A problem that ends the reading of one source (or one input) early.
///
/// Enumeration always goes on with the next source: [`crate::Walker`] hands each error to
/// [`crate::Visitor::error`] and marks the source partial. Every variant names the source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the bytes failed (permission denied, truncated or corrupt stream, …).
    #[error("{source_name}: {what} at byte {offset}: {err}")]
    Io {
        /// The source name (contract form: `path`, `a.zip!/member`).
        source_name: String,
        /// Byte offset in the source's (decompressed) byte stream, where known.
        offset: u64,
        /// What was being done, e.g. `reading`, `opening`.
        what: &'static str,
        /// The underlying I/O error.
        #[source]
        err: std::io::Error,
    },
    /// A configured resource limit was hit; the message names the limit and how to raise it.
    #[error("{source_name}: {message}")]
    Limit {
        /// The source name.
        source_name: String,
        /// Which limit, its value, and the hint how to raise it.
        message: String,
    },
    /// The content is not what its format promised (corrupt archive, SQLite, spreadsheet, JSON).
    #[error("{source_name}: malformed {format} at byte {offset}: {message}")]
    Malformed {
        /// The source name.
        source_name: String,
        /// The format being read, e.g. `zip`, `json`.
        format: &'static str,
        /// Byte offset where known (0 otherwise).
        offset: u64,
        /// What was wrong.
        message: String,
    },
    /// The visitor asked to stop the whole walk (e.g. Ctrl-C or a closed channel).
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// The source this error is about (empty for [`Error::Cancelled`]).
    pub fn source_name(&self) -> &str {
        match self {
            Error::Io { source_name, .. }
            | Error::Limit { source_name, .. }
            | Error::Malformed { source_name, .. } => source_name,
            Error::Cancelled => "",
        }
    }

    /// The byte offset the error refers to, when known.
    pub fn offset(&self) -> Option<u64> {
        match self {
            Error::Io { offset, .. } | Error::Malformed { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

/// A non-fatal problem: the source is read on, but marked partial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The source name (contract form).
    pub source: String,
    /// Byte offset in the source's decompressed byte stream, when known.
    pub offset: Option<u64>,
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// What happened and, for limits, how to raise the limit.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " (byte {offset})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// An I/O error payload raised by the limit guards inside decompression readers, so that
/// the walker can tell a hit limit (clear message, hint) from a corrupt stream.
#[derive(Debug)]
pub(crate) struct LimitHit(pub String);

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LimitHit {}

/// If `err` carries a [`LimitHit`], its message.
pub(crate) fn limit_message(err: &std::io::Error) -> Option<String> {
    err.get_ref()
        .and_then(|e| e.downcast_ref::<LimitHit>())
        .map(|l| l.0.clone())
}
