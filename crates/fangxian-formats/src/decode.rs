//! Text encodings: detection per source and streaming transcoding to UTF-8 (encoding_rs).

use std::fmt;
use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use crate::diag::Diag;

/// The text encoding detected for a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8 without byte order mark (also plain ASCII).
    Utf8,
    /// UTF-8 with a byte order mark (removed).
    Utf8Bom,
    /// UTF-16 little-endian (with BOM, or detected from its zero bytes).
    Utf16Le,
    /// UTF-16 big-endian (with BOM, or detected from its zero bytes).
    Utf16Be,
    /// GB18030 (a superset of GBK and GB2312): chosen when the text is not valid UTF-8 but
    /// decodes cleanly as GB18030.
    Gb18030,
}

impl TextEncoding {
    /// A stable lower-case name: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `gb18030`.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Gb18030 => "gb18030",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Gb18030 => GB18030,
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Detects the encoding from the first bytes of a source. `complete` says `prefix` is the
/// whole source (so a sequence cut at its end is really invalid).
pub(crate) fn detect(prefix: &[u8], complete: bool) -> TextEncoding {
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        return TextEncoding::Utf8Bom;
    }
    if prefix.starts_with(b"\xFF\xFE") {
        return TextEncoding::Utf16Le;
    }
    if prefix.starts_with(b"\xFE\xFF") {
        return TextEncoding::Utf16Be;
    }
    if let Some(enc) = utf16_without_bom(prefix) {
        return enc;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => TextEncoding::Utf8,
        // Cut inside the last character of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() && !complete => TextEncoding::Utf8,
        Err(_) => {
            if decodes_cleanly(GB18030, prefix, complete) {
                TextEncoding::Gb18030
            } else {
                TextEncoding::Utf8
            }
        }
    }
}

/// UTF-16 text of mostly ASCII/Latin characters has a zero in every other byte.
fn utf16_without_bom(prefix: &[u8]) -> Option<TextEncoding> {
    let sample = &prefix[..prefix.len().min(4096) & !1];
    if sample.len() < 16 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even_zero, mut odd_zero) = (0, 0);
    for pair in sample.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 10 >= pairs * 7 && even_zero * 20 < pairs {
        Some(TextEncoding::Utf16Le)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 20 < pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

fn decodes_cleanly(encoding: &'static Encoding, bytes: &[u8], complete: bool) -> bool {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = vec![0u8; bytes.len() * 2 + 16];
    let (result, _, _) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, complete);
    matches!(result, DecoderResult::InputEmpty)
}

/// Streams `inner` (in `encoding`) as UTF-8. Output is always valid UTF-8 and every `read`
/// returns whole characters. Malformed input becomes U+FFFD with one warning (with offset).
pub(crate) struct Decode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: TextEncoding,
    inbuf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    finished: bool,
    /// Stream offset of `inbuf[in_start]` (raw, undecoded bytes).
    raw_pos: u64,
    pending: Vec<u8>,
    replaced: u64,
    diag: Diag,
    /// UTF-8 input read straight into the caller's buffer and validated in place, until the
    /// first invalid byte hands over to encoding_rs. Saves a copy on the common path.
    fast: bool,
    bom_pending: bool,
    carry: [u8; 4],
    carry_len: usize,
}

impl<R: Read> Decode<R> {
    pub(crate) fn new(inner: R, encoding: TextEncoding, diag: Diag) -> Self {
        Decode {
            inner,
            decoder: encoding.encoding().new_decoder_with_bom_removal(),
            encoding,
            inbuf: vec![0; 64 << 10],
            in_start: 0,
            in_end: 0,
            eof: false,
            finished: false,
            raw_pos: 0,
            pending: Vec::new(),
            replaced: 0,
            diag,
            fast: matches!(encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom),
            bom_pending: encoding == TextEncoding::Utf8Bom,
            carry: [0; 4],
            carry_len: 0,
        }
    }

    /// The UTF-8 fast path (`out` has room for at least 16 bytes).
    fn fast_read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let c = self.carry_len;
            out[..c].copy_from_slice(&self.carry[..c]);
            self.carry_len = 0;
            let n = loop {
                match self.inner.read(&mut out[c..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.carry_len = c;
                        return Err(e);
                    }
                }
            };
            let mut len = c + n;
            if self.bom_pending {
                if len < 3 && n > 0 {
                    self.carry[..len].copy_from_slice(&out[..len]);
                    self.carry_len = len;
                    continue;
                }
                self.bom_pending = false;
                if out[..len].starts_with(b"\xEF\xBB\xBF") {
                    out.copy_within(3..len, 0);
                    len -= 3;
                    self.raw_pos += 3;
                }
            }
            if n == 0 {
                // End of input; a character cut at the very end is malformed.
                return if len == 0 {
                    Ok(0)
                } else {
                    self.switch_to_slow(out, 0, len)
                };
            }
            // simdutf8 validates valid text several times faster than `std` on CJK-heavy data
            // and reports errors the same way (`compat`).
            match simdutf8::compat::from_utf8(&out[..len]) {
                Ok(_) => {
                    self.raw_pos += len as u64;
                    return Ok(len);
                }
                Err(e) if e.error_len().is_none() => {
                    // A character split across reads: keep its start for the next one.
                    let valid = e.valid_up_to();
                    let tail = len - valid;
                    self.carry[..tail].copy_from_slice(&out[valid..len]);
                    self.carry_len = tail;
                    self.raw_pos += valid as u64;
                    if valid > 0 {
                        return Ok(valid);
                    }
                }
                Err(e) => return self.switch_to_slow(out, e.valid_up_to(), len),
            }
        }
    }

    /// Hands `out[valid..len]` (raw bytes from the first invalid one) to encoding_rs.
    fn switch_to_slow(&mut self, out: &mut [u8], valid: usize, len: usize) -> io::Result<usize> {
        self.fast = false;
        self.raw_pos += valid as u64;
        let rest = &out[valid..len];
        if self.inbuf.len() < rest.len() {
            self.inbuf.resize(rest.len(), 0);
        }
        self.inbuf[..rest.len()].copy_from_slice(rest);
        self.in_start = 0;
        self.in_end = rest.len();
        self.decoder = UTF_8.new_decoder_without_bom_handling();
        if valid > 0 {
            return Ok(valid);
        }
        self.decode_into(out)
    }

    fn refill(&mut self) -> io::Result<()> {
        if self.in_start > 0 {
            self.inbuf.copy_within(self.in_start..self.in_end, 0);
            self.in_end -= self.in_start;
            self.in_start = 0;
        }
        while self.in_end < self.inbuf.len() {
            match self.inner.read(&mut self.inbuf[self.in_end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.in_end += n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn decode_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.finished {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                self.refill()?;
            }
            let src = &self.inbuf[self.in_start..self.in_end];
            let (result, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(src, out, self.eof);
            self.in_start += read;
            self.raw_pos += read as u64;
            match result {
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.finished = true;
                    }
                    if written > 0 || self.finished {
                        return Ok(written);
                    }
                    // Need more input (a partial character is held by the decoder).
                    self.refill()?;
                }
                DecoderResult::OutputFull => return Ok(written),
                DecoderResult::Malformed(bad, extra) => {
                    let back = usize::from(bad) + usize::from(extra);
                    let at = self.raw_pos.saturating_sub(back as u64);
                    if self.try_switch_to_gb18030(back, at) {
                        if written > 0 {
                            return Ok(written);
                        }
                        continue;
                    }
                    self.replaced += 1;
                    if self.replaced == 1 {
                        self.diag.warn(
                            Some(at),
                            None,
                            format!(
                                "invalid {} bytes at byte {at} replaced with U+FFFD \
                                 (later invalid bytes in this source are replaced silently)",
                                self.encoding.name()
                            ),
                        );
                    }
                    let rep = "\u{FFFD}".as_bytes();
                    let room = out.len() - written;
                    if room >= rep.len() {
                        out[written..written + rep.len()].copy_from_slice(rep);
                        return Ok(written + rep.len());
                    }
                    self.pending.extend_from_slice(rep);
                    return Ok(written);
                }
            }
        }
    }
}

impl<R: Read> Decode<R> {
    /// Dumps often start with ASCII (a header, SQL boilerplate) and reach GBK text only after
    /// the sample used for detection. At the first malformed UTF-8 sequence, if the bytes from
    /// there on decode cleanly as GB18030, decode the rest as GB18030 instead of replacing
    /// every Chinese character.
    fn try_switch_to_gb18030(&mut self, back: usize, at: u64) -> bool {
        if self.encoding != TextEncoding::Utf8 || self.replaced > 0 || back > self.in_start {
            return false;
        }
        let from = self.in_start - back;
        let window = &self.inbuf[from..self.in_end.min(from + 4096)];
        let complete = self.eof && from + window.len() == self.in_end;
        if !decodes_cleanly(GB18030, window, complete) {
            return false;
        }
        self.decoder = GB18030.new_decoder_without_bom_handling();
        self.encoding = TextEncoding::Gb18030;
        self.diag.set_encoding(TextEncoding::Gb18030);
        self.in_start = from;
        self.raw_pos = at;
        self.diag.note(format!(
            "not UTF-8 from byte {at} on; the rest is decoded as GB18030"
        ));
        true
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if !self.pending.is_empty() {
            if out.len() < self.pending.len() {
                return Err(io::Error::other("decode buffer too small"));
            }
            let n = self.pending.len();
            out[..n].copy_from_slice(&self.pending);
            self.pending.clear();
            return Ok(n);
        }
        if out.len() < 16 {
            // encoding_rs needs room for whole characters; go through a scratch buffer.
            let mut scratch = [0u8; 16];
            let n = self.decode_into(&mut scratch)?;
            let take = n.min(out.len());
            out[..take].copy_from_slice(&scratch[..take]);
            self.pending.extend_from_slice(&scratch[take..n]);
            return Ok(take);
        }
        if self.fast {
            return self.fast_read(out);
        }
        self.decode_into(out)
    }
}
