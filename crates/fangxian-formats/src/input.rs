//! A growable read buffer over a byte stream, shared by all text readers.

use std::io::{self, Read};

const CHUNK: usize = 256 << 10;

/// Buffered reader with explicit `fill`/`consume` and a window that can grow up to a limit,
/// so a reader can look at a whole token or line at once.
pub(crate) struct Input<'a> {
    inner: Box<dyn Read + 'a>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Stream offset of `buf[start]`.
    pos: u64,
    /// An error met by `fill_to`, delivered by the next `fill` so data before it is used.
    deferred: Option<io::Error>,
}

impl<'a> Input<'a> {
    pub(crate) fn new(inner: Box<dyn Read + 'a>) -> Self {
        Input {
            inner,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            pos: 0,
            deferred: None,
        }
    }

    /// The buffered, unconsumed bytes.
    #[inline]
    pub(crate) fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.pos += n as u64;
    }

    /// Offset in the stream of the first unconsumed byte.
    #[inline]
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    /// Reads more bytes, keeping the unconsumed ones. Returns the number of new bytes
    /// (0 at end of stream). Errors are returned once and then the stream counts as ended.
    pub(crate) fn fill(&mut self) -> io::Result<usize> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        if self.eof {
            return Ok(0);
        }
        if self.start > 0 && (self.start == self.end || self.buf.len() - self.end < CHUNK / 2) {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < CHUNK / 2 {
            let want = (self.end + CHUNK).max(self.buf.len());
            self.buf.resize(want, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(0);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.eof = true;
                    return Err(e);
                }
            }
        }
    }

    /// Fills until at least `n` bytes are buffered or the stream ends. A read error is kept
    /// and returned by the next `fill`, after the bytes before it have been used.
    pub(crate) fn fill_to(&mut self, n: usize) {
        while self.end - self.start < n {
            match self.fill() {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    self.deferred = Some(e);
                    break;
                }
            }
        }
    }

    /// True when `fill` has no more bytes to give (end of stream or a deferred error).
    pub(crate) fn exhausted(&self) -> bool {
        self.eof
    }
}

/// A reader that first replays `prefix` and then reads `inner`: lets us sniff magic bytes
/// from a non-seekable stream and hand the whole stream on. A read error while taking the
/// prefix is delivered after the prefix, so the bytes before it are still read.
pub(crate) struct Replay<R> {
    prefix: Vec<u8>,
    at: usize,
    inner: R,
    deferred: Option<io::Error>,
}

impl<R: Read> Replay<R> {
    /// Reads up to `n` bytes of `inner` into the prefix.
    pub(crate) fn new(mut inner: R, n: usize) -> Self {
        let mut prefix = vec![0; n];
        let mut got = 0;
        let mut deferred = None;
        while got < n {
            match inner.read(&mut prefix[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    deferred = Some(e);
                    break;
                }
            }
        }
        prefix.truncate(got);
        Replay {
            prefix,
            at: 0,
            inner,
            deferred,
        }
    }

    /// True when taking the prefix met an error (the prefix may be short for that reason).
    pub(crate) fn failed(&self) -> bool {
        self.deferred.is_some()
    }

    pub(crate) fn prefix(&self) -> &[u8] {
        &self.prefix
    }
}

impl<R: Read> Read for Replay<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at < self.prefix.len() {
            let n = out.len().min(self.prefix.len() - self.at);
            out[..n].copy_from_slice(&self.prefix[self.at..self.at + n]);
            self.at += n;
            if self.at == self.prefix.len() {
                self.prefix = Vec::new();
                self.at = 0;
            }
            return Ok(n);
        }
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.inner.read(out)
    }
}
