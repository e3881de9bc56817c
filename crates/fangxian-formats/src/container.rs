//! Compression layers and archives: detection by magic bytes, limit guards, spilling.

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::rc::Rc;

use crate::error::LimitHit;
use crate::Limits;

/// What the first bytes of a stream say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Magic {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
    Zip,
    Tar,
    Sqlite,
    Ole,
    Other,
}

/// Bytes needed to recognise every magic (tar's `ustar` sits at offset 257).
pub(crate) const MAGIC_LEN: usize = 512;

pub(crate) fn magic(p: &[u8]) -> Magic {
    if p.starts_with(&[0x1f, 0x8b]) {
        Magic::Gzip
    } else if p.len() >= 4 && p.starts_with(b"BZh") && (b'1'..=b'9').contains(&p[3]) {
        Magic::Bzip2
    } else if p.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        Magic::Xz
    } else if p.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Magic::Zstd
    } else if p.starts_with(b"PK\x03\x04") || p.starts_with(b"PK\x05\x06") {
        Magic::Zip
    } else if p.starts_with(b"SQLite format 3\0") {
        Magic::Sqlite
    } else if p.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Magic::Ole
    } else if p.len() >= 262 && &p[257..262] == b"ustar" && tar_checksum_ok(&p[..512.min(p.len())])
    {
        Magic::Tar
    } else {
        Magic::Other
    }
}

/// The tar header checksum: guards against text that happens to say `ustar` at 257.
fn tar_checksum_ok(h: &[u8]) -> bool {
    if h.len() < 512 {
        return false;
    }
    let field = &h[148..156];
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0 && b != b' ')
        .map(|&b| b as char)
        .collect();
    let Ok(want) = u32::from_str_radix(text.trim(), 8) else {
        return false;
    };
    let sum: u32 = h[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == want
}

impl Magic {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Magic::Gzip => "gzip",
            Magic::Bzip2 => "bzip2",
            Magic::Xz => "xz",
            Magic::Zstd => "zstd",
            Magic::Zip => "zip",
            Magic::Tar => "tar",
            Magic::Sqlite => "sqlite",
            Magic::Ole => "ole",
            Magic::Other => "data",
        }
    }
}

/// Counts the bytes read through it into a shared cell (compressed input of a decoder).
pub(crate) struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R> Counted<R> {
    pub(crate) fn new(inner: R, count: Rc<Cell<u64>>) -> Self {
        Counted { inner, count }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// The zip-bomb guard on a decompressor's output: total bytes per top-level input and the
/// expansion ratio of this stream.
pub(crate) struct Guard<R> {
    inner: R,
    out: u64,
    input: Rc<Cell<u64>>,
    total: Rc<Cell<u64>>,
    max_total: u64,
    max_ratio: u64,
    grace: u64,
    what: &'static str,
}

impl<R> Guard<R> {
    pub(crate) fn new(
        inner: R,
        input: Rc<Cell<u64>>,
        total: Rc<Cell<u64>>,
        limits: &Limits,
        what: &'static str,
    ) -> Self {
        Guard {
            inner,
            out: 0,
            input,
            total,
            max_total: limits.max_total_bytes,
            max_ratio: limits.max_ratio.max(1),
            grace: limits.ratio_grace_bytes,
            what,
        }
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let total = self.total.get() + n as u64;
        self.total.set(total);
        if total > self.max_total {
            return Err(io::Error::other(LimitHit(format!(
                "zip-bomb guard: decompressed data of this input exceeded {} bytes \
                 (Limits::max_total_bytes); the rest is skipped — raise the limit to read it",
                self.max_total
            ))));
        }
        let input = self.input.get().max(1);
        if self.out > self.grace && self.out / input >= self.max_ratio {
            return Err(io::Error::other(LimitHit(format!(
                "zip-bomb guard: {} stream expanded more than {}:1 ({} bytes from {} \
                 compressed; Limits::max_ratio); the rest is skipped — raise the ratio to read it",
                self.what, self.max_ratio, self.out, input
            ))));
        }
        Ok(n)
    }
}

/// Wraps `inner` in the decoder for `magic` (a compression format) behind the guard.
pub(crate) fn decompress<'a>(
    magic: Magic,
    inner: Box<dyn Read + 'a>,
    total: &Rc<Cell<u64>>,
    limits: &Limits,
) -> io::Result<Box<dyn Read + 'a>> {
    let input = Rc::new(Cell::new(0));
    let counted = io::BufReader::with_capacity(64 << 10, Counted::new(inner, input.clone()));
    let dec: Box<dyn Read + 'a> = match magic {
        Magic::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(counted)),
        Magic::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(counted)),
        Magic::Xz => Box::new(xz2::bufread::XzDecoder::new_multi_decoder(counted)),
        Magic::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(counted)?),
        _ => return Err(io::Error::other("not a compression format")),
    };
    Ok(Box::new(Guard::new(
        dec,
        input,
        total.clone(),
        limits,
        magic.name(),
    )))
}

/// A stream copied somewhere seekable: memory when small, an unnamed temporary file
/// otherwise, or a named one when a path is needed (SQLite).
pub(crate) enum Spill {
    Mem(io::Cursor<Vec<u8>>),
    Disk(tempfile::NamedTempFile),
}

/// Streams up to this size stay in memory.
const SPILL_MEM: u64 = 16 << 20;

pub(crate) enum SpillError {
    TooLarge(u64),
    Io(io::Error),
}

impl Spill {
    /// Copies `r` entirely. `need_path` forces a file on disk.
    pub(crate) fn new(r: &mut dyn Read, max: u64, need_path: bool) -> Result<Spill, SpillError> {
        let mut head = Vec::new();
        let limit = if need_path { 0 } else { SPILL_MEM };
        let n = r
            .take(limit + 1)
            .read_to_end(&mut head)
            .map_err(SpillError::Io)? as u64;
        if n > max {
            return Err(SpillError::TooLarge(max));
        }
        if n <= limit {
            return Ok(Spill::Mem(io::Cursor::new(head)));
        }
        let mut file = tempfile::NamedTempFile::new().map_err(SpillError::Io)?;
        file.write_all(&head).map_err(SpillError::Io)?;
        let copied = io::copy(&mut r.take(max + 1 - n), &mut file).map_err(SpillError::Io)?;
        if n + copied > max {
            return Err(SpillError::TooLarge(max));
        }
        file.flush().map_err(SpillError::Io)?;
        file.as_file_mut()
            .seek(SeekFrom::Start(0))
            .map_err(SpillError::Io)?;
        Ok(Spill::Disk(file))
    }

    pub(crate) fn path(&self) -> Option<&std::path::Path> {
        match self {
            Spill::Mem(_) => None,
            Spill::Disk(f) => Some(f.path()),
        }
    }
}

impl Read for Spill {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Spill::Mem(c) => c.read(buf),
            Spill::Disk(f) => f.as_file_mut().read(buf),
        }
    }
}

impl Seek for Spill {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Spill::Mem(c) => c.seek(pos),
            Spill::Disk(f) => f.as_file_mut().seek(pos),
        }
    }
}
