//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while writing an output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Creating, writing, syncing or renaming an output file failed.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The output's final path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The Parquet encoder failed.
    #[error("cannot write Parquet findings to `{path}`: {source}")]
    Parquet {
        /// The output's final path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// Serialising the summary failed (only possible for values JSON cannot hold).
    #[error("cannot serialise the summary: {0}")]
    Json(#[from] serde_json::Error),
    /// A findings path whose extension names no known format.
    #[error(
        "`{path}`: findings must end in `.jsonl` or `.parquet` (or be `-` for standard output)"
    )]
    UnknownFindingsFormat {
        /// The path as given.
        path: PathBuf,
    },
    /// An output that was already finished was written to or finished again.
    #[error("`{path}` is already finished")]
    Finished {
        /// The output's final path.
        path: PathBuf,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The error as an [`std::io::Error`], for the [`fangxian_scan::FindingSink`] trait, whose
    /// methods return `io::Result`. An `Io` variant keeps its kind (so a broken pipe stays
    /// recognisable as one).
    pub fn into_io(self) -> std::io::Error {
        match self {
            Error::Io { path, source } => {
                std::io::Error::new(source.kind(), format!("{}: {source}", path.display()))
            }
            other => std::io::Error::other(other),
        }
    }
}
