//! The findings file of a scan, chosen by name: `.jsonl`, `.parquet`, or `-` for JSON Lines on
//! standard output; written atomically, and kept as `NAME.partial.EXT` when the scan is
//! interrupted.

use std::io;
use std::path::{Path, PathBuf};

use fangxian_scan::summary::{Chunk, ChunkEncoder, FindingRef};
use fangxian_scan::FindingSink;

use crate::atomic::{partial_path, AtomicFile};
use crate::columnar::ParquetFindings;
use crate::jsonl::JsonlFindings;
use crate::Error;

/// A findings file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingsFormat {
    /// JSON Lines (contract §1).
    Jsonl,
    /// Apache Parquet with the same columns.
    Parquet,
}

impl FindingsFormat {
    /// The format a path names by its extension (case-insensitive; `-` is JSON Lines).
    pub fn from_path(path: &Path) -> Option<FindingsFormat> {
        if path == Path::new("-") {
            return Some(FindingsFormat::Jsonl);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Some(FindingsFormat::Jsonl),
            "parquet" => Some(FindingsFormat::Parquet),
            _ => None,
        }
    }
}

enum Inner {
    JsonlFile(JsonlFindings<AtomicFile>),
    Stdout(JsonlFindings<io::Stdout>),
    // Boxed: the Parquet writer with its column builders is over 1 KiB.
    Parquet(Box<ParquetFindings<AtomicFile>>),
}

/// How a [`FindingsWriter`] ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finished {
    /// Complete findings, under this path.
    Complete(PathBuf),
    /// An interrupted scan's findings, under this path (`NAME.partial.EXT`).
    Partial(PathBuf),
    /// Written to standard output.
    Stdout,
}

/// The findings output of a scan: a [`FindingSink`] that writes JSON Lines or Parquet to a
/// temporary file and renames it into place when finished.
///
/// * [`FindingSink::finish`] / [`FindingsWriter::finish_complete`]: the file appears under its
///   name, complete.
/// * [`FindingsWriter::finish_partial`] (Ctrl-C): what was written so far is closed properly
///   (a valid JSONL or Parquet file) and renamed to `NAME.partial.EXT`; the Parquet footer also
///   says `fangxian.partial = true`. The complete name is never used, and an older complete file
///   under it is removed so it cannot be mistaken for this run's.
/// * Dropped without either (error): the temporary file is deleted; nothing appears.
pub struct FindingsWriter {
    inner: Option<Inner>,
    path: PathBuf,
    rows: u64,
}

impl std::fmt::Debug for FindingsWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FindingsWriter")
            .field("path", &self.path)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl FindingsWriter {
    /// Opens the findings output `path` (`-` = JSON Lines on standard output), choosing the
    /// format by extension.
    pub fn create(path: impl AsRef<Path>) -> Result<FindingsWriter, Error> {
        let path = path.as_ref();
        let format =
            FindingsFormat::from_path(path).ok_or_else(|| Error::UnknownFindingsFormat {
                path: path.to_path_buf(),
            })?;
        FindingsWriter::create_as(path, format)
    }

    /// Opens the findings output `path` in the given format, whatever its extension.
    pub fn create_as(
        path: impl AsRef<Path>,
        format: FindingsFormat,
    ) -> Result<FindingsWriter, Error> {
        let path = path.as_ref().to_path_buf();
        let inner = if path == Path::new("-") {
            Inner::Stdout(JsonlFindings::new(io::stdout()))
        } else {
            let file = AtomicFile::create(&path)?;
            match format {
                FindingsFormat::Jsonl => Inner::JsonlFile(JsonlFindings::new(file)),
                FindingsFormat::Parquet => {
                    Inner::Parquet(Box::new(ParquetFindings::new(file).map_err(|source| {
                        Error::Parquet {
                            path: path.clone(),
                            source,
                        }
                    })?))
                }
            }
        };
        Ok(FindingsWriter {
            inner: Some(inner),
            path,
            rows: 0,
        })
    }

    /// The final path (`-` for standard output).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Findings written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Completes the output: the file appears under its name.
    pub fn finish_complete(&mut self) -> Result<Finished, Error> {
        self.close(false)
    }

    /// Ends an interrupted scan's output: what was written is kept, valid but marked partial,
    /// under `NAME.partial.EXT` (see the type's docs). Standard output is just flushed.
    pub fn finish_partial(&mut self) -> Result<Finished, Error> {
        self.close(true)
    }

    fn close(&mut self, partial: bool) -> Result<Finished, Error> {
        let inner = self.inner.take().ok_or_else(|| Error::Finished {
            path: self.path.clone(),
        })?;
        let path = &self.path;
        let file = match inner {
            Inner::Stdout(w) => {
                w.into_inner().map_err(|e| Error::io(path, e))?;
                return Ok(Finished::Stdout);
            }
            Inner::JsonlFile(w) => w.into_inner().map_err(|e| Error::io(path, e))?,
            Inner::Parquet(w) => w.close(partial).map_err(|source| Error::Parquet {
                path: path.clone(),
                source,
            })?,
        };
        if partial {
            // A complete file from an earlier run must not sit beside this run's partial one
            // looking like its result.
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(path, e)),
            }
            Ok(Finished::Partial(file.commit_as(partial_path(path))?))
        } else {
            Ok(Finished::Complete(file.commit()?))
        }
    }

    /// Encodes row groups on this many threads (Parquet output only; see
    /// [`ParquetFindings::encoder_threads`]).
    #[must_use]
    pub fn encoder_threads(mut self, threads: usize) -> FindingsWriter {
        self.inner = match self.inner.take() {
            Some(Inner::Parquet(w)) => Some(Inner::Parquet(Box::new(w.encoder_threads(threads)))),
            other => other,
        };
        self
    }

    /// Adds the findings of a chunk made by this writer's [`FindingSink::chunk_encoder`].
    pub fn write_chunk(&mut self, chunk: Chunk) -> Result<(), Error> {
        let path = &self.path;
        let rows = chunk.rows;
        let result = match self.inner.as_mut() {
            Some(Inner::JsonlFile(w)) => w.push_chunk(chunk).map_err(|e| Error::io(path, e)),
            Some(Inner::Stdout(w)) => w.push_chunk(chunk).map_err(|e| Error::io(path, e)),
            Some(Inner::Parquet(w)) => w.push_chunk(chunk).map_err(|source| Error::Parquet {
                path: path.clone(),
                source,
            }),
            None => Err(Error::Finished { path: path.clone() }),
        };
        if result.is_ok() {
            self.rows += rows;
        }
        result
    }

    /// Adds one finding.
    pub fn write(&mut self, f: &FindingRef<'_>) -> Result<(), Error> {
        let path = &self.path;
        let result = match self.inner.as_mut() {
            Some(Inner::JsonlFile(w)) => w.write(f).map_err(|e| Error::io(path, e)),
            Some(Inner::Stdout(w)) => w.write(f).map_err(|e| Error::io(path, e)),
            Some(Inner::Parquet(w)) => w.write(f).map_err(|source| Error::Parquet {
                path: path.clone(),
                source,
            }),
            None => Err(Error::Finished { path: path.clone() }),
        };
        if result.is_ok() {
            self.rows += 1;
        }
        result
    }
}

impl FindingSink for FindingsWriter {
    fn push(&mut self, finding: &FindingRef<'_>) -> io::Result<()> {
        self.write(finding).map_err(Error::into_io)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.finish_complete().map(drop).map_err(Error::into_io)
    }
    fn chunk_encoder(&self) -> Option<Box<dyn ChunkEncoder>> {
        match self.inner.as_ref()? {
            Inner::JsonlFile(w) => w.chunk_encoder(),
            Inner::Stdout(w) => w.chunk_encoder(),
            Inner::Parquet(w) => FindingSink::chunk_encoder(w.as_ref()),
        }
    }
    fn push_chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        self.write_chunk(chunk).map_err(Error::into_io)
    }
}
