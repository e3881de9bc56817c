//! Input enumeration: files, directories, stdin; compression and archives by magic bytes;
//! one [`Source`] per leaf stream, handed to a [`Visitor`].

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::batch::{BatchWriter, RecordBatch};
use crate::container::{self, Magic, Spill, SpillError, MAGIC_LEN};
use crate::decode::{self, Decode, TextEncoding};
use crate::diag::Diag;
use crate::input::{Input, Replay};
use crate::reader::{Common, RecordSource};
use crate::sniff::{self, Format, TextFormat};
use crate::{Error, Limits, Warning};

/// Receives everything the [`Walker`] finds. Only [`Visitor::source`] is required.
pub trait Visitor {
    /// Called once per source (a leaf stream with records). Read it with
    /// [`Source::next_batch`] until that returns `Ok(false)`; returning early skips the rest.
    /// Return [`Error::Cancelled`] to stop the whole walk; any other error is reported to
    /// [`Visitor::error`] and the walk goes on.
    fn source(&mut self, source: &mut Source<'_>) -> Result<(), Error>;

    /// A non-fatal problem (the source it names is partial, or skipped for empty/binary input).
    fn warning(&mut self, warning: Warning) {
        let _ = warning;
    }

    /// A problem that ended one source or input early; the walk goes on.
    fn error(&mut self, error: Error) {
        let _ = error;
    }

    /// Called after each source, read or skipped.
    fn source_done(&mut self, done: &SourceDone) {
        let _ = done;
    }

    /// Called after each top-level input (file or stdin) with its size and hash.
    fn input_done(&mut self, input: &InputInfo) {
        let _ = input;
    }
}

/// What is known about a source once it has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDone {
    /// The source name (contract form).
    pub name: String,
    /// The top-level input (file or `-`) the source is in.
    pub input: String,
    /// The format it was read as.
    pub format: Format,
    /// The text encoding, for text formats.
    pub encoding: Option<TextEncoding>,
    /// Records delivered.
    pub records: u64,
    /// True when something was skipped, replaced or cut (see the warnings and errors).
    pub partial: bool,
    /// True when the source was not read at all (binary, empty, too large to spill).
    pub skipped: bool,
}

/// A top-level input (a file argument, a file found in a directory argument, or stdin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputInfo {
    /// The name as the user gave it, or the directory argument joined with the relative path.
    pub name: String,
    /// Stored bytes of the file (for stdin: bytes read).
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the stored bytes, when [`Walker::hash_inputs`] is on and
    /// the input could be read.
    pub sha256: Option<String>,
    /// True when any source inside was partial or failed.
    pub partial: bool,
    /// True when the input could not be opened or read at all.
    pub skipped: bool,
}

/// A top-level input to read, as listed by [`Walker::inputs`].
#[derive(Debug)]
#[non_exhaustive]
pub enum TopInput {
    /// Standard input (`-`).
    Stdin,
    /// A file: its name as the user gave it (or the directory argument joined with the
    /// relative path) and its path.
    File {
        /// The input's name in reports.
        name: String,
        /// Where to open it.
        path: PathBuf,
    },
    /// A path that could not be examined; reading it reports the error to the visitor.
    Unreadable {
        /// The input's name in reports.
        name: String,
        /// What failed ("opening", "listing directory").
        what: &'static str,
        /// The error.
        err: io::Error,
    },
}

impl TopInput {
    /// The input's name in reports (`-` for standard input).
    pub fn name(&self) -> &str {
        match self {
            TopInput::Stdin => "-",
            TopInput::File { name, .. } | TopInput::Unreadable { name, .. } => name,
        }
    }
}

/// One leaf stream with records, being read. Obtained in [`Visitor::source`].
pub struct Source<'a> {
    name: Arc<str>,
    input: Arc<str>,
    format: Format,
    encoding: Option<TextEncoding>,
    reader: Box<dyn RecordSource + 'a>,
    records: u64,
    pending: Option<Error>,
    done: bool,
    tap: Rc<RefCell<TapState>>,
    diag: Diag,
}

impl Source<'_> {
    /// The contract name: `path`, `dir/file.csv`, `a.zip!/b.tar.gz!/c.csv`, `-`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name of the top-level input (file or `-`) this source is in.
    pub fn input_name(&self) -> &str {
        &self.input
    }

    /// The format the source is read as.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The detected text encoding (text formats only). It can change once while reading:
    /// UTF-8 that turns out to be GB18030 after the sniffed sample.
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.diag.encoding().or(self.encoding)
    }

    /// Records delivered so far.
    pub fn records_read(&self) -> u64 {
        self.records
    }

    /// Bytes of the top-level input read so far (for progress bars; for zip files read by
    /// random access this is approximate).
    pub fn input_bytes_read(&self) -> u64 {
        self.tap.borrow().pos
    }

    /// Refills `batch` with the next records (about `Limits::batch_bytes` of text).
    /// Returns `Ok(false)` when the source is exhausted and `batch` is empty. An error ends
    /// the source; records read before it are delivered first.
    pub fn next_batch(&mut self, batch: &mut RecordBatch) -> Result<bool, Error> {
        if self.done {
            batch.clear();
            return match self.pending.take() {
                Some(e) => Err(e),
                None => Ok(false),
            };
        }
        let mut w = BatchWriter::new(batch, &self.name, self.reader.position());
        let result = self.reader.fill(&mut w);
        let n = w.records();
        w.finish();
        self.records += n as u64;
        match result {
            Ok(more) => {
                if !more {
                    self.done = true;
                }
                Ok(more || n > 0)
            }
            Err(e) => {
                self.done = true;
                if n > 0 {
                    self.pending = Some(e);
                    Ok(true)
                } else {
                    Err(e)
                }
            }
        }
    }
}

#[derive(Debug, Default)]
struct TapState {
    pos: u64,
    hasher: Option<Sha256>,
    /// False once the input was read other than front to back (zip, SQLite, spreadsheets).
    sequential: bool,
}

/// Counts (and maybe hashes) the outermost bytes as they are read.
struct Tap<R> {
    inner: R,
    state: Rc<RefCell<TapState>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut st = self.state.borrow_mut();
        st.pos += n as u64;
        if let Some(h) = st.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Per top-level input state.
struct Top {
    name: Arc<str>,
    total: Rc<Cell<u64>>,
    tap: Rc<RefCell<TapState>>,
    partial: Cell<bool>,
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// A stream at some level of nesting.
enum Node<'a> {
    Stream(Box<dyn Read + 'a>),
    File(File, &'a Path),
}

/// Enumerates inputs and reads them. Cheap to build; reusable.
#[derive(Debug, Clone, Default)]
pub struct Walker {
    limits: Limits,
    follow_symlinks: bool,
    hash: bool,
    /// Directories never entered (canonical paths), e.g. the scan's own output folder.
    exclude: Vec<PathBuf>,
}

impl Walker {
    /// A walker with these limits; symlinks not followed, no hashing.
    pub fn new(limits: Limits) -> Self {
        Walker {
            limits,
            follow_symlinks: false,
            hash: false,
            exclude: Vec::new(),
        }
    }

    /// Follow symlinks found inside directories (symlink arguments are always followed).
    #[must_use]
    pub fn follow_symlinks(mut self, yes: bool) -> Self {
        self.follow_symlinks = yes;
        self
    }

    /// Compute the SHA-256 of every top-level input ([`InputInfo::sha256`]).
    #[must_use]
    pub fn hash_inputs(mut self, yes: bool) -> Self {
        self.hash = yes;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Never enters these directories while walking a directory argument (the scan's own
    /// output folder inside the scanned tree, for instance). Paths that do not exist are
    /// ignored.
    #[must_use]
    pub fn exclude(mut self, dirs: &[PathBuf]) -> Self {
        self.exclude = dirs
            .iter()
            .filter_map(|d| std::fs::canonicalize(d).ok())
            .collect();
        self
    }

    /// Reads every path: files, directories (recursively, sorted by name) and `-` (stdin).
    /// Returns `Err` only for [`Error::Cancelled`]; every other problem goes to the visitor.
    ///
    /// The same as [`Walker::read_input`] on each of [`Walker::inputs`] in turn.
    pub fn walk(&self, paths: &[PathBuf], v: &mut dyn Visitor) -> Result<(), Error> {
        for input in self.inputs(paths) {
            self.read_input(input, v)?;
        }
        Ok(())
    }

    /// Lists the top-level inputs of `paths` in the order [`Walker::walk`] reads them: files,
    /// the files of directories (recursively, sorted by name, honouring
    /// [`Walker::follow_symlinks`] and [`Walker::exclude`]) and `-` (stdin). Nothing is
    /// opened; paths that cannot be examined become [`TopInput::Unreadable`]. With the list,
    /// several threads can read inputs at once, each with its own [`Walker::read_input`].
    pub fn inputs(&self, paths: &[PathBuf]) -> Vec<TopInput> {
        let mut out = Vec::new();
        for p in paths {
            if p.as_os_str() == "-" {
                out.push(TopInput::Stdin);
                continue;
            }
            let name = p.to_string_lossy().into_owned();
            match std::fs::metadata(p) {
                Err(err) => out.push(TopInput::Unreadable {
                    name,
                    what: "opening",
                    err,
                }),
                Ok(m) if m.is_dir() => {
                    let mut visited = Vec::new();
                    self.list_dir(p, &mut visited, &mut out);
                }
                Ok(_) => out.push(TopInput::File {
                    name,
                    path: p.clone(),
                }),
            }
        }
        out
    }

    /// Reads one input listed by [`Walker::inputs`]. Returns `Err` only for
    /// [`Error::Cancelled`].
    pub fn read_input(&self, input: TopInput, v: &mut dyn Visitor) -> Result<(), Error> {
        match input {
            TopInput::Stdin => {
                let stdin = io::stdin();
                let mut lock = stdin.lock();
                self.read_stream("-", &mut lock, v)
            }
            TopInput::File { name, path } => self.read_file(&name, &path, v),
            TopInput::Unreadable { name, what, err } => {
                self.unreadable(&name, what, err, v);
                Ok(())
            }
        }
    }

    fn unreadable(&self, name: &str, what: &'static str, err: io::Error, v: &mut dyn Visitor) {
        v.error(Error::Io {
            source_name: name.to_string(),
            offset: 0,
            what,
            err,
        });
        v.input_done(&InputInfo {
            name: name.to_string(),
            bytes: 0,
            sha256: None,
            partial: true,
            skipped: true,
        });
    }

    fn list_dir(&self, dir: &Path, visited: &mut Vec<(u64, u64)>, out: &mut Vec<TopInput>) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(m) = std::fs::metadata(dir) {
                let id = (m.dev(), m.ino());
                if visited.contains(&id) {
                    return; // a symlink loop
                }
                visited.push(id);
            }
        }
        if visited.len() > 4096 {
            return;
        }
        let name = dir.to_string_lossy().into_owned();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(err) => {
                out.push(TopInput::Unreadable {
                    name,
                    what: "listing directory",
                    err,
                });
                return;
            }
        };
        let mut list: Vec<_> = entries.filter_map(Result::ok).collect();
        list.sort_by_key(|e| e.file_name());
        for entry in list {
            let path = entry.path();
            let Ok(mut ft) = entry.file_type() else {
                continue;
            };
            if ft.is_symlink() {
                if !self.follow_symlinks {
                    continue;
                }
                match std::fs::metadata(&path) {
                    Ok(m) => ft = m.file_type(),
                    Err(_) => continue, // dangling link
                }
            }
            if ft.is_dir() {
                if !self.exclude.is_empty()
                    && std::fs::canonicalize(&path).is_ok_and(|c| self.exclude.contains(&c))
                {
                    continue;
                }
                self.list_dir(&path, visited, out);
            } else if ft.is_file() {
                out.push(TopInput::File {
                    name: path.to_string_lossy().into_owned(),
                    path,
                });
            }
        }
        #[cfg(unix)]
        visited.pop();
    }

    fn new_top(&self, name: &str) -> Top {
        Top {
            name: name.into(),
            total: Rc::new(Cell::new(0)),
            tap: Rc::new(RefCell::new(TapState {
                pos: 0,
                hasher: self.hash.then(Sha256::new),
                sequential: true,
            })),
            partial: Cell::new(false),
        }
    }

    /// Reads one file as a top-level input named `name`.
    pub fn read_file(&self, name: &str, path: &Path, v: &mut dyn Visitor) -> Result<(), Error> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(err) => {
                self.unreadable(name, "opening", err, v);
                return Ok(());
            }
        };
        let meta = file.metadata();
        if meta.as_ref().is_ok_and(|m| !m.is_file()) {
            // A pipe or character device given by name (`/dev/stdin`): no size, no seeking.
            let mut file = file;
            return self.read_stream(name, &mut file, v);
        }
        let bytes = meta.map(|m| m.len()).unwrap_or(0);
        let top = self.new_top(name);
        let result = self.node(&top, name, Node::File(file, path), 0, v);
        let mut sha256 = None;
        // After an interrupt, stop at once: no extra pass to finish the hash.
        if self.hash && !matches!(result, Err(Error::Cancelled)) {
            let st = &mut *top.tap.borrow_mut();
            let complete = st.sequential && st.pos == bytes;
            let hasher = st.hasher.take();
            sha256 = match (complete, hasher) {
                (true, Some(h)) => Some(hex(&h.finalize())),
                _ => hash_file(path).ok(),
            };
        }
        v.input_done(&InputInfo {
            name: name.to_string(),
            bytes,
            sha256,
            partial: top.partial.get(),
            skipped: false,
        });
        result
    }

    /// Reads one stream (stdin, or any reader) as a top-level input named `name`.
    pub fn read_stream(
        &self,
        name: &str,
        r: &mut dyn Read,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        let top = self.new_top(name);
        let tap = Tap {
            inner: &mut *r,
            state: top.tap.clone(),
        };
        let result = self.node(&top, name, Node::Stream(Box::new(tap)), 0, v);
        let cancelled = matches!(result, Err(Error::Cancelled));
        // Hash what the readers did not consume — unless interrupted: a stream may never end
        // (`tail -f log | fangxian scan -`), and the interrupt must stop the scan promptly.
        if self.hash && !cancelled {
            let mut rest = Tap {
                inner: &mut *r,
                state: top.tap.clone(),
            };
            let _ = io::copy(&mut rest, &mut io::sink());
        }
        let st = &mut *top.tap.borrow_mut();
        v.input_done(&InputInfo {
            name: name.to_string(),
            bytes: st.pos,
            sha256: st
                .hasher
                .take()
                .filter(|_| !cancelled)
                .map(|h| hex(&h.finalize())),
            partial: top.partial.get(),
            skipped: false,
        });
        result
    }

    fn node(
        &self,
        top: &Top,
        name: &str,
        node: Node<'_>,
        depth: u32,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        // Peek at the magic bytes without losing them.
        let (magic, node) = match node {
            Node::Stream(s) => {
                let r = Replay::new(s, MAGIC_LEN);
                if r.prefix().is_empty() && !r.failed() {
                    return self.empty(top, name, v);
                }
                (container::magic(r.prefix()), Node::Stream(Box::new(r)))
            }
            Node::File(mut f, p) => match peek_seekable(&mut f) {
                Ok(prefix) if prefix.is_empty() => return self.empty(top, name, v),
                Ok(prefix) => (container::magic(&prefix), Node::File(f, p)),
                Err(err) => {
                    self.fail(
                        top,
                        v,
                        crate::reader::io_error(&name.into(), 0, "reading", err),
                    );
                    return Ok(());
                }
            },
        };
        let container = matches!(
            magic,
            Magic::Gzip | Magic::Bzip2 | Magic::Xz | Magic::Zstd | Magic::Zip | Magic::Tar
        );
        if container && depth >= self.limits.max_depth {
            self.fail(
                top,
                v,
                Error::Limit {
                    source_name: name.to_string(),
                    message: format!(
                        "{} nested more than {} containers deep; skipped (Limits::max_depth)",
                        magic.name(),
                        self.limits.max_depth
                    ),
                },
            );
            return Ok(());
        }
        match magic {
            Magic::Gzip | Magic::Bzip2 | Magic::Xz | Magic::Zstd => {
                let stream = self.as_stream(top, node);
                match container::decompress(magic, stream, &top.total, &self.limits) {
                    Ok(dec) => self.node(top, name, Node::Stream(dec), depth + 1, v),
                    Err(err) => {
                        self.fail(
                            top,
                            v,
                            crate::reader::io_error(&name.into(), 0, "decompressing", err),
                        );
                        Ok(())
                    }
                }
            }
            Magic::Zip => match self.seekable(top, name, node, false, v) {
                Some(rs) => self.zip(top, name, rs, depth, v),
                None => Ok(()),
            },
            Magic::Tar => {
                let stream = self.as_stream(top, node);
                self.tar(top, name, stream, depth, v)
            }
            Magic::Sqlite => self.sqlite(top, name, node, v),
            Magic::Ole => match self.seekable(top, name, node, false, v) {
                Some(rs) => self.sheets(top, name, rs, Format::Xls, v),
                None => Ok(()),
            },
            Magic::Other => {
                let stream = self.as_stream(top, node);
                self.text(top, name, stream, v)
            }
        }
    }

    fn empty(&self, top: &Top, name: &str, v: &mut dyn Visitor) -> Result<(), Error> {
        v.warning(Warning {
            source: name.to_string(),
            offset: Some(0),
            line: None,
            message: "empty input: no records".to_string(),
        });
        v.source_done(&SourceDone {
            name: name.to_string(),
            input: top.name.to_string(),
            format: Format::Text,
            encoding: None,
            records: 0,
            partial: false,
            skipped: true,
        });
        Ok(())
    }

    fn fail(&self, top: &Top, v: &mut dyn Visitor, err: Error) {
        top.partial.set(true);
        v.error(err);
    }

    fn as_stream<'a>(&self, top: &Top, node: Node<'a>) -> Box<dyn Read + 'a> {
        match node {
            Node::Stream(s) => s,
            Node::File(f, _) => Box::new(Tap {
                inner: io::BufReader::with_capacity(256 << 10, f),
                state: top.tap.clone(),
            }),
        }
    }

    /// A random-access view of the node: the file itself, or a spilled copy of a stream.
    fn seekable<'a>(
        &self,
        top: &Top,
        name: &str,
        node: Node<'a>,
        need_path: bool,
        v: &mut dyn Visitor,
    ) -> Option<Box<dyn ReadSeek + 'a>> {
        match node {
            Node::File(f, _) => {
                top.tap.borrow_mut().sequential = false;
                Some(Box::new(f))
            }
            Node::Stream(mut s) => match self.spill(top, name, &mut s, need_path, v) {
                Some(sp) => Some(Box::new(sp)),
                None => None,
            },
        }
    }

    fn spill(
        &self,
        top: &Top,
        name: &str,
        s: &mut dyn Read,
        need_path: bool,
        v: &mut dyn Visitor,
    ) -> Option<Spill> {
        match Spill::new(s, self.limits.max_spill_bytes, need_path) {
            Ok(sp) => Some(sp),
            Err(SpillError::TooLarge(max)) => {
                self.fail(
                    top,
                    v,
                    Error::Limit {
                        source_name: name.to_string(),
                        message: format!(
                            "needs random access but is larger than the spill limit of {max} \
                             bytes; skipped (Limits::max_spill_bytes)"
                        ),
                    },
                );
                None
            }
            Err(SpillError::Io(err)) => {
                self.fail(
                    top,
                    v,
                    crate::reader::io_error(&name.into(), 0, "reading", err),
                );
                None
            }
        }
    }

    fn zip<'a>(
        &self,
        top: &Top,
        name: &str,
        rs: Box<dyn ReadSeek + 'a>,
        depth: u32,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        let mut zip = match zip::ZipArchive::new(rs) {
            Ok(z) => z,
            Err(err) => {
                self.fail(
                    top,
                    v,
                    Error::Malformed {
                        source_name: name.to_string(),
                        format: "zip",
                        offset: 0,
                        message: format!("{err} (truncated or corrupt archive)"),
                    },
                );
                return Ok(());
            }
        };
        let format = if zip.file_names().any(|n| n == "xl/workbook.xml") {
            Some(Format::Xlsx)
        } else if is_ods(&mut zip) {
            Some(Format::Ods)
        } else {
            None
        };
        if let Some(format) = format {
            // calamine inflates parts into memory with no guard of its own: check the
            // declared sizes first (the zip reader stops at the declared size).
            if let Some(message) = self.workbook_too_big(&mut zip) {
                self.fail(
                    top,
                    v,
                    Error::Limit {
                        source_name: name.to_string(),
                        message,
                    },
                );
                return Ok(());
            }
            let rs = zip.into_inner();
            return self.sheets(top, name, rs, format, v);
        }
        for i in 0..zip.len() {
            let raw_name = zip
                .name_for_index(i)
                .map(str::to_string)
                .unwrap_or_else(|| format!("#{i}"));
            let mut member = match zip.by_index(i) {
                Ok(m) => m,
                Err(err) => {
                    let member = raw_name;
                    self.fail(
                        top,
                        v,
                        Error::Malformed {
                            source_name: format!("{name}!/{member}"),
                            format: "zip",
                            offset: 0,
                            message: format!("{err}; member skipped"),
                        },
                    );
                    continue;
                }
            };
            if !member.is_file() {
                continue;
            }
            let member_name = format!("{name}!/{}", member.name());
            let (size, packed) = (member.size(), member.compressed_size().max(1));
            if size > self.limits.max_total_bytes
                || (size > self.limits.ratio_grace_bytes
                    && size / packed >= self.limits.max_ratio.max(1))
            {
                self.fail(
                    top,
                    v,
                    Error::Limit {
                        source_name: member_name,
                        message: format!(
                            "zip-bomb guard: member declares {size} bytes from {packed} \
                             compressed (more than Limits::max_ratio {}:1 or \
                             Limits::max_total_bytes {}); skipped — raise the limits to read it",
                            self.limits.max_ratio, self.limits.max_total_bytes
                        ),
                    },
                );
                continue;
            }
            let input = Rc::new(Cell::new(packed));
            let guard = container::Guard::new(
                &mut member,
                input,
                top.total.clone(),
                &self.limits,
                "zip member",
            );
            self.node(
                top,
                &member_name,
                Node::Stream(Box::new(guard)),
                depth + 1,
                v,
            )?;
        }
        Ok(())
    }

    fn workbook_too_big<R: Read + Seek>(&self, zip: &mut zip::ZipArchive<R>) -> Option<String> {
        let mut total = 0u64;
        for i in 0..zip.len() {
            let Ok(part) = zip.by_index_raw(i) else {
                continue;
            };
            let (size, packed) = (part.size(), part.compressed_size().max(1));
            total = total.saturating_add(size);
            if size > self.limits.ratio_grace_bytes && size / packed >= self.limits.max_ratio.max(1)
            {
                return Some(format!(
                    "zip-bomb guard: workbook part {} declares {size} bytes from {packed} \
                     compressed (more than Limits::max_ratio {}:1); skipped — raise the ratio \
                     to read it",
                    part.name(),
                    self.limits.max_ratio
                ));
            }
        }
        let cap = self.limits.max_spill_bytes.min(self.limits.max_total_bytes);
        (total > cap).then(|| {
            format!(
                "workbook expands to {total} bytes, more than Limits::max_spill_bytes / \
                 max_total_bytes ({cap}); skipped — raise the limits to read it"
            )
        })
    }

    fn tar<'a>(
        &self,
        top: &Top,
        name: &str,
        stream: Box<dyn Read + 'a>,
        depth: u32,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        let mut archive = tar::Archive::new(stream);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(err) => {
                self.fail(
                    top,
                    v,
                    crate::reader::io_error(&name.into(), 0, "reading tar", err),
                );
                return Ok(());
            }
        };
        for entry in entries {
            let mut entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    self.fail(
                        top,
                        v,
                        Error::Malformed {
                            source_name: name.to_string(),
                            format: "tar",
                            offset: 0,
                            message: format!("{err} (truncated or corrupt archive); rest skipped"),
                        },
                    );
                    break;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let member = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let member_name = format!("{name}!/{member}");
            self.node(
                top,
                &member_name,
                Node::Stream(Box::new(&mut entry)),
                depth + 1,
                v,
            )?;
        }
        Ok(())
    }

    fn common(&self, diag: &Diag) -> Common {
        Common {
            source: diag.source(),
            diag: diag.clone(),
            max_record: self.limits.record_len(),
            max_fields: self.limits.max_fields.max(1),
            target: self.limits.batch_target(),
            index: 0,
        }
    }

    fn text<'a>(
        &self,
        top: &Top,
        name: &str,
        stream: Box<dyn Read + 'a>,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        const SAMPLE: usize = 64 << 10;
        let raw = Replay::new(stream, SAMPLE);
        let encoding = decode::detect(raw.prefix(), raw.prefix().len() < SAMPLE && !raw.failed());
        let source: Arc<str> = name.into();
        let diag = Diag::new(source.clone());
        let mut input = Input::new(Box::new(Decode::new(raw, encoding, diag.clone())));
        input.fill_to(SAMPLE);
        let complete = input.exhausted();
        let sniffed = sniff::sniff_text(input.data(), complete);
        let c = self.common(&diag);
        let (format, reader): (Format, Box<dyn RecordSource + 'a>) = match sniffed {
            TextFormat::Csv { delimiter, header } => (
                Format::Csv,
                Box::new(crate::csv::CsvReader::new(input, c, delimiter, header)),
            ),
            TextFormat::Binary => {
                v.warning(Warning {
                    source: name.to_string(),
                    offset: None,
                    line: None,
                    message: "binary content of no known format; skipped".to_string(),
                });
                v.source_done(&SourceDone {
                    name: name.to_string(),
                    input: top.name.to_string(),
                    format: Format::Binary,
                    encoding: None,
                    records: 0,
                    partial: false,
                    skipped: true,
                });
                return Ok(());
            }
            TextFormat::Json | TextFormat::JsonLines => {
                let lines = sniffed == TextFormat::JsonLines;
                let depth = self.limits.max_json_depth;
                (
                    if lines {
                        Format::JsonLines
                    } else {
                        Format::Json
                    },
                    Box::new(crate::json::JsonReader::new(input, c, lines, depth)),
                )
            }
            TextFormat::Sql { mysql } => (
                if mysql {
                    Format::MysqlDump
                } else {
                    Format::PostgresDump
                },
                Box::new(crate::sql::SqlReader::new(input, c, mysql)),
            ),
            TextFormat::Text => (
                Format::Text,
                Box::new(crate::text::TextReader::new(input, c)),
            ),
        };
        self.run(top, source, format, Some(encoding), reader, &diag, v)
    }

    fn sqlite(
        &self,
        top: &Top,
        name: &str,
        node: Node<'_>,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        // SQLite needs a file on disk: use the input itself, or spill the stream to one.
        let (path, spill): (PathBuf, Option<Spill>) = match node {
            Node::File(_, p) => (p.to_path_buf(), None),
            other => {
                let mut stream = self.as_stream(top, other);
                let Some(s) = self.spill(top, name, &mut stream, true, v) else {
                    return Ok(());
                };
                let p = s.path().map(Path::to_path_buf).unwrap_or_default();
                (p, Some(s))
            }
        };
        top.tap.borrow_mut().sequential = false;
        let source: Arc<str> = name.into();
        let diag = Diag::new(source.clone());
        match crate::sqlite::SqliteReader::open(&path, self.common(&diag), spill) {
            Ok(reader) => self.run(
                top,
                source,
                Format::Sqlite,
                None,
                Box::new(reader),
                &diag,
                v,
            ),
            Err(e) => {
                for w in diag.take() {
                    v.warning(w);
                }
                self.fail(top, v, e);
                Ok(())
            }
        }
    }

    fn sheets<'a>(
        &self,
        top: &Top,
        name: &str,
        rs: Box<dyn ReadSeek + 'a>,
        format: Format,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        let source: Arc<str> = name.into();
        let diag = Diag::new(source.clone());
        // One sheet's grid is held in memory: bounded like the workbook itself.
        let max = self.limits.max_spill_bytes.min(self.limits.max_total_bytes);
        match crate::sheet::Book::open(rs, format, max) {
            Ok(book) => {
                let reader = crate::sheet::SheetReader::new(book, self.common(&diag), max);
                self.run(top, source, format, None, Box::new(reader), &diag, v)
            }
            Err(message) => {
                self.fail(
                    top,
                    v,
                    Error::Malformed {
                        source_name: name.to_string(),
                        format: format.name(),
                        offset: 0,
                        message,
                    },
                );
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run<'a>(
        &self,
        top: &Top,
        name: Arc<str>,
        format: Format,
        encoding: Option<TextEncoding>,
        reader: Box<dyn RecordSource + 'a>,
        diag: &Diag,
        v: &mut dyn Visitor,
    ) -> Result<(), Error> {
        let mut src = Source {
            name: name.clone(),
            input: top.name.clone(),
            format,
            encoding,
            reader,
            records: 0,
            pending: None,
            done: false,
            tap: top.tap.clone(),
            diag: diag.clone(),
        };
        let result = v.source(&mut src);
        let records = src.records;
        drop(src);
        for w in diag.take() {
            v.warning(w);
        }
        let mut partial = diag.partial();
        match result {
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(e) => {
                partial = true;
                v.error(e);
            }
            Ok(()) => {}
        }
        if partial {
            top.partial.set(true);
        }
        v.source_done(&SourceDone {
            name: name.to_string(),
            input: top.name.to_string(),
            format,
            encoding: diag.encoding().or(encoding),
            records,
            partial,
            skipped: false,
        });
        Ok(())
    }
}

/// An OpenDocument spreadsheet: a zip whose `mimetype` member says so (text documents and
/// other ODF files stay archives).
fn is_ods<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    const MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
    let Ok(member) = zip.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::with_capacity(64);
    member.take(64).read_to_end(&mut head).is_ok() && head.trim_ascii() == MIME
}

fn peek_seekable<R: Read + Seek>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(MAGIC_LEN);
    r.by_ref().take(MAGIC_LEN as u64).read_to_end(&mut prefix)?;
    r.seek(SeekFrom::Start(0))?;
    Ok(prefix)
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    io::copy(&mut f, &mut h)?;
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
