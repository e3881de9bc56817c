//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong reading rules, facts or summaries.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A facts file is not valid TOML or does not match the facts schema.
    #[error("{}: line {line}, column {column}: {message}", path.display())]
    Facts {
        /// The facts file (`<facts>` when parsed from a string).
        path: PathBuf,
        /// 1-based line of the error (0 when unknown).
        line: usize,
        /// 1-based column of the error (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The ruleset file is malformed or inconsistent.
    #[error("ruleset {id}: {message}")]
    Ruleset {
        /// The ruleset id, or `<ruleset>` before it is known.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// A summary file is not a `fangxian.summary/1` document.
    #[error("{}: {message}", path.display())]
    Summary {
        /// The summary file (`<summary>` when parsed from memory).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read. (The display names the file; the cause is the `source`.)
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// 1-based line and column of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(1, |l| l.chars().count() + 1);
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("abc", 0), (1, 1));
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("a\n", 99), (2, 1));
    }
}
