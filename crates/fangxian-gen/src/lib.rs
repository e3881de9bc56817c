//! # fangxian-gen
//!
//! Labelled synthetic personal-information dumps with exact gold answers, and the scorer that
//! grades any tool's findings against them (issue 6).
//!
//! Nobody can share a real leaked dump, so accuracy is proved on synthetic ones whose every item is
//! known: the generator writes a corpus of realistic tables (hotel stays, call records, SMS,
//! orders, waybills, medical visits, credit and balances, GPS and checkpoint traces, customer lists,
//! logs) in every format, encoding and container `fangxian scan` reads, and beside it the answers
//! a correct scan must give, computed with the output contract's own rules.
//!
//! API themes:
//! * [`GenOptions`] and [`generate`] — write a corpus and its gold answers for a seed and a size.
//! * [`Gold`] — the gold files (`items.jsonl`, `invalid.jsonl`, `decoys.jsonl`, `summary.json`).
//! * [`eval`] — precision, recall, F1 and F2 per type, recall per hard-case tag, decoys reported
//!   valid and the error of every summary count.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let opts = fangxian_gen::GenOptions { seed: 7, size: 200_000, ..Default::default() };
//! let report = fangxian_gen::generate(&opts, dir.path()).unwrap();
//! assert!(report.files > 0);
//! let gold = fangxian_gen::Gold::read_from(&dir.path().join("gold")).unwrap();
//! assert!(gold.summary.records.total > 0);
//! ```
#![deny(missing_docs)]

mod corpus;
mod datasets;
pub mod eval;
mod gold;
mod rng;
mod row;
mod tags;
mod values;
mod writers;

pub use corpus::{generate, GenOptions, GenReport, MAX_PERSONS};
pub use writers::{Encoding, Format, Packaging};

pub use gold::{
    Gold, GoldDecoy, GoldInvalid, GoldItem, GoldSummary, GroupCounts, Input, ItemCounts, Persons,
    Records, SUMMARY_SCHEMA,
};
pub use tags::Tags;

use std::path::{Path, PathBuf};

/// Everything that can go wrong while generating or scoring.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A JSON file could not be read or written.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// A findings line is not a contract finding.
    #[error("{path}:{line}: not a finding: {message}")]
    Finding {
        /// The findings file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// An option value is not understood.
    #[error("unknown {what} `{value}` (known: {known})")]
    Unknown {
        /// `format`, `encoding`, `compression` or `category`.
        what: &'static str,
        /// The value given.
        value: String,
        /// The accepted values.
        known: String,
    },
    /// The corpus directory already holds data from another run.
    #[error("{0} is not empty; choose a new --out directory")]
    NotEmpty(PathBuf),
    /// A size could not be parsed.
    #[error("cannot read size `{0}` (examples: 10MB, 1.5GB, 500KB, 123456)")]
    Size(String),
    /// The thread pool could not be started.
    #[error("cannot start {threads} threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The cause.
        message: String,
    },
    /// An archive writer failed.
    #[error("{path}: {message}")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// The cause.
        message: String,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_owned(),
            source,
        }
    }
    pub(crate) fn json(path: &Path, source: serde_json::Error) -> Error {
        Error::Json {
            path: path.to_owned(),
            source,
        }
    }
}

/// Parses a size such as `10MB`, `1.5GB`, `500KB`, `2MiB` or `123456` (bytes). Decimal units
/// are powers of 1000, binary units (`KiB`, `MiB`, `GiB`) powers of 1024.
pub fn parse_size(s: &str) -> Result<u64, Error> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| Error::Size(s.to_owned()))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(Error::Size(s.to_owned())),
    };
    let bytes = n * mult;
    if !bytes.is_finite() || !(0.0..=1e15).contains(&bytes) {
        return Err(Error::Size(s.to_owned()));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("10MB").unwrap(), 10_000_000);
        assert_eq!(parse_size("1.5GB").unwrap(), 1_500_000_000);
        assert_eq!(parse_size("2MiB").unwrap(), 2 * 1024 * 1024);
        assert_eq!(parse_size("123456").unwrap(), 123_456);
        assert_eq!(parse_size(" 500kb ").unwrap(), 500_000);
        assert!(parse_size("ten").is_err());
        assert!(parse_size("10XB").is_err());
        assert!(parse_size("1e400").is_err());
    }
}
