//! Findings as JSON Lines (contract §1): one object per line with exactly the keys `source`,
//! `record`, `field`, `type`, `value`, `valid`, `confidence`, in that order.
//!
//! Lines are encoded by hand into one reused buffer, flushed to the writer in 64 KiB blocks: no
//! allocation per finding, and no `serde` machinery on the hot path (the scan can produce tens
//! of millions of findings).

use std::io::{self, Write};

use fangxian_scan::summary::{Chunk, ChunkEncoder, FindingRef};
use fangxian_scan::FindingSink;

/// Buffer size before a flush to the underlying writer.
const FLUSH_AT: usize = 64 * 1024;

/// A [`FindingSink`] writing JSON Lines to any writer.
///
/// It only encodes: [`FindingSink::finish`] flushes, it does not commit a file. For files use
/// [`crate::FindingsWriter`], which writes atomically.
#[derive(Debug)]
pub struct JsonlFindings<W: Write> {
    out: W,
    buf: Vec<u8>,
    rows: u64,
}

impl<W: Write> JsonlFindings<W> {
    /// Encodes into `out`.
    pub fn new(out: W) -> JsonlFindings<W> {
        JsonlFindings {
            out,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            rows: 0,
        }
    }

    /// Findings written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Encodes one finding.
    pub fn write(&mut self, f: &FindingRef<'_>) -> io::Result<()> {
        encode_line(&mut self.buf, f);
        self.rows += 1;
        if self.buf.len() >= FLUSH_AT {
            self.drain()?;
        }
        Ok(())
    }

    /// Writes the lines of a chunk made by a [`JsonlChunkEncoder`], after every finding written
    /// before.
    ///
    /// # Errors
    /// When writing fails, or the chunk was made by another kind of encoder.
    pub fn push_chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        let lines = chunk
            .data
            .downcast::<Vec<u8>>()
            .map_err(|_| io::Error::other("a findings chunk not made by a JSON Lines encoder"))?;
        self.drain()?;
        self.out.write_all(&lines)?;
        self.rows += chunk.rows;
        Ok(())
    }

    /// Writes the buffered lines to the writer and flushes it.
    pub fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.out.flush()
    }

    /// Flushes and returns the writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.flush()?;
        Ok(self.out)
    }

    fn drain(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let result = self.out.write_all(&self.buf);
            // Clear even on error: a retry must not write the same lines twice.
            self.buf.clear();
            result?;
        }
        Ok(())
    }
}

impl<W: Write + Send> FindingSink for JsonlFindings<W> {
    fn push(&mut self, finding: &FindingRef<'_>) -> io::Result<()> {
        self.write(finding)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.flush()
    }
    fn chunk_encoder(&self) -> Option<Box<dyn ChunkEncoder>> {
        Some(Box::new(JsonlChunkEncoder))
    }
    fn push_chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        JsonlFindings::push_chunk(self, chunk)
    }
}

/// Encodes batches of findings into JSON lines on a scan worker thread, for
/// [`JsonlFindings::push_chunk`].
#[derive(Debug, Default)]
pub struct JsonlChunkEncoder;

impl ChunkEncoder for JsonlChunkEncoder {
    fn encode(
        &mut self,
        findings: &mut dyn ExactSizeIterator<Item = FindingRef<'_>>,
    ) -> io::Result<Chunk> {
        let rows = findings.len();
        // About 120 bytes per line; one allocation per batch, handed to the writer.
        let mut lines = Vec::with_capacity(rows * 128);
        for f in findings {
            encode_line(&mut lines, &f);
        }
        Ok(Chunk {
            rows: rows as u64,
            data: Box::new(lines),
        })
    }
}

/// Appends one finding as a JSON line (with the trailing `\n`) to `buf`.
pub fn encode_line(buf: &mut Vec<u8>, f: &FindingRef<'_>) {
    buf.extend_from_slice(b"{\"source\":");
    push_json_str(buf, f.source);
    buf.extend_from_slice(b",\"record\":");
    push_u64(buf, f.record);
    buf.extend_from_slice(b",\"field\":");
    match f.field {
        Some(field) => push_json_str(buf, field),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(b",\"type\":");
    // Type ids are lower-case ASCII with underscores: nothing to escape.
    buf.push(b'"');
    buf.extend_from_slice(f.kind.id().as_bytes());
    buf.push(b'"');
    buf.extend_from_slice(b",\"value\":");
    push_json_str(buf, f.value);
    buf.extend_from_slice(if f.valid {
        b",\"valid\":true,\"confidence\":"
    } else {
        b",\"valid\":false,\"confidence\":"
    });
    push_confidence(buf, f.confidence);
    buf.extend_from_slice(b"}\n");
}

fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Confidence in [0, 1] with at most 4 decimals (`0.95`, `1`, `0`). JSON has no NaN: a NaN is
/// written as 0. Four decimals are more than any recognizer's scores mean.
fn push_confidence(buf: &mut Vec<u8>, c: f32) {
    let c = if c.is_nan() { 0.0 } else { c.clamp(0.0, 1.0) };
    let scaled = (f64::from(c) * 10_000.0).round() as u32; // 0..=10_000
    if scaled == 10_000 {
        buf.push(b'1');
        return;
    }
    if scaled == 0 {
        buf.push(b'0');
        return;
    }
    let digits = [
        b'0' + (scaled / 1000) as u8,
        b'0' + (scaled / 100 % 10) as u8,
        b'0' + (scaled / 10 % 10) as u8,
        b'0' + (scaled % 10) as u8,
    ];
    let mut len = 4;
    while len > 1 && digits[len - 1] == b'0' {
        len -= 1;
    }
    buf.extend_from_slice(b"0.");
    digits[..len].iter().for_each(|&d| buf.push(d));
}

/// Appends `s` as a JSON string literal (RFC 8259 §7): `"` and `\` escaped, control characters
/// as `\n`, `\t`, … or `\u00XX`. Everything else, CJK included, is written as UTF-8.
pub(crate) fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[usize::from(b >> 4)]);
            buf.push(HEX[usize::from(b & 0xf)]);
        } else {
            buf.extend_from_slice(esc);
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use fangxian_core::ItemKind;
    use proptest::prelude::*;

    fn finding<'a>(source: &'a str, field: Option<&'a str>, value: &'a str) -> FindingRef<'a> {
        FindingRef {
            source,
            record: 42,
            field,
            kind: ItemKind::Mobile,
            value,
            valid: true,
            confidence: 0.95,
        }
    }

    #[test]
    fn one_line_with_exactly_the_contract_keys_in_order() {
        let mut buf = Vec::new();
        encode_line(
            &mut buf,
            &finding("a.zip!/b.csv", Some("phone"), "13800138000"),
        );
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"source\":\"a.zip!/b.csv\",\"record\":42,\"field\":\"phone\",\"type\":\"cn_mobile\",\
             \"value\":\"13800138000\",\"valid\":true,\"confidence\":0.95}\n"
        );
    }

    #[test]
    fn null_field_false_valid() {
        let mut buf = Vec::new();
        let mut f = finding("t.txt", None, "x");
        f.valid = false;
        f.confidence = 1.0;
        f.record = u64::MAX;
        encode_line(&mut buf, &f);
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["field"], serde_json::Value::Null);
        assert_eq!(v["valid"], false);
        assert_eq!(v["confidence"], 1);
        assert_eq!(v["record"], u64::MAX);
    }

    #[test]
    fn confidence_formatting() {
        for (c, want) in [
            (0.0f32, "0"),
            (1.0, "1"),
            (0.5, "0.5"),
            (0.95, "0.95"),
            (0.12345, "0.1235"),
            (0.00004, "0"),
            (f32::NAN, "0"),
            (7.0, "1"),
            (-1.0, "0"),
        ] {
            let mut buf = Vec::new();
            push_confidence(&mut buf, c);
            assert_eq!(String::from_utf8(buf).unwrap(), want, "{c}");
        }
    }

    #[test]
    fn buffered_output_reaches_the_writer_on_finish() {
        let mut sink = JsonlFindings::new(Vec::new());
        for i in 0..5000 {
            let mut f = finding("s", Some("f"), "v");
            f.record = i + 1;
            FindingSink::push(&mut sink, &f).unwrap();
        }
        FindingSink::finish(&mut sink).unwrap();
        assert_eq!(sink.rows(), 5000);
        let out = sink.into_inner().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 5000);
        assert!(text.lines().last().unwrap().contains("\"record\":5000,"));
    }

    proptest! {
        /// Any strings survive the round trip through a real JSON parser, and the line has exactly
        /// the seven contract keys.
        #[test]
        fn round_trips_through_serde_json(
            source in "\\PC*|[\\x00-\\x7f]{0,20}",
            field in proptest::option::of("[\\x00-\\x7f\u{4e00}-\u{4e10}\u{2028}]{0,20}"),
            value in any::<String>(),
            record in any::<u64>(),
            valid in any::<bool>(),
            conf in 0.0f32..=1.0,
        ) {
            let f = FindingRef { source: &source, record, field: field.as_deref(), kind: ItemKind::Email, value: &value, valid, confidence: conf };
            let mut buf = Vec::new();
            encode_line(&mut buf, &f);
            prop_assert_eq!(buf.iter().filter(|&&b| b == b'\n').count(), 1);
            let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
            let obj = v.as_object().unwrap();
            let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            keys.sort_unstable();
            prop_assert_eq!(keys, ["confidence", "field", "record", "source", "type", "valid", "value"]);
            prop_assert_eq!(obj["source"].as_str().unwrap(), source.as_str());
            prop_assert_eq!(obj["record"].as_u64().unwrap(), record);
            prop_assert_eq!(obj["field"].as_str(), field.as_deref());
            prop_assert_eq!(obj["type"].as_str().unwrap(), "email");
            prop_assert_eq!(obj["value"].as_str().unwrap(), value.as_str());
            prop_assert_eq!(obj["valid"].as_bool().unwrap(), valid);
            let c = obj["confidence"].as_f64().unwrap();
            prop_assert!((c - f64::from(conf)).abs() <= 0.00005 + 1e-9);
        }
    }
}
