//! Delimited text (CSV, TSV, pipe, semicolon) with csv-core: quoted fields may hold
//! delimiters, quotes and newlines. Field bytes are written straight into the batch arena.

use std::sync::Arc;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use crate::batch::{BatchWriter, Table};
use crate::input::Input;
use crate::reader::{io_error, Common, RecordSource};
use crate::Error;

pub(crate) struct CsvReader<'a> {
    input: Input<'a>,
    c: Common,
    rdr: Reader,
    delimiter: u8,
    header_pending: bool,
    table: Arc<Table>,
    ends: Vec<usize>,
    scratch: Vec<usize>,
    done: bool,
    /// Lines consumed so far (csv-core's own count restarts after a resync).
    line: u64,
    /// Inside an over-long physical line being skipped after a runaway record.
    skip_line: bool,
}

/// A line [`CsvReader::plain_line`] splits without csv-core, within the buffered input.
struct PlainLine {
    /// Where the line starts (after the line breaks skipped before it).
    start: usize,
    /// Length of its text, without the `\r\n` or `\n`.
    text_len: usize,
    /// Bytes consumed, through the line's `\n`.
    consumed: usize,
    /// Line breaks consumed.
    newlines: usize,
    /// Fields, their ends in `CsvReader::ends`.
    fields: usize,
}

/// A quoted field spanning more line breaks than this is taken for an unterminated quote.
const MAX_RECORD_LINES: usize = 10_000;

impl<'a> CsvReader<'a> {
    pub(crate) fn new(input: Input<'a>, c: Common, delimiter: u8, header: bool) -> Self {
        let nends = c.max_fields.clamp(1, 64);
        CsvReader {
            input,
            c,
            rdr: ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            header_pending: header,
            table: Arc::new(Table::new("", None)),
            ends: vec![0; nends],
            scratch: vec![0; 256],
            done: false,
            line: 0,
            skip_line: false,
        }
    }

    /// Splits the first buffered line when csv-core would read it as one record of plain
    /// fields: the line is whole in the buffer, within the record limit, not empty, holds no
    /// quote and no `\r` but one right before its `\n` (csv-core ends records at a lone `\r`
    /// too), and has no more fields than `self.ends` holds. Such a line is exactly its bytes
    /// cut at each delimiter, so it is cut with memchr (SIMD) and csv-core's byte-at-a-time
    /// state machine, the largest cost of reading CSV, is skipped. Line breaks before the line
    /// are skipped as csv-core skips them between records (blank lines, and the `\n` of a
    /// CRLF that csv-core leaves after ending a record at its `\r`); csv-core is between
    /// records here, so bypassing it changes none of its state.
    ///
    /// Leaves the end of each field within the line in `self.ends`; `None` sends the line to
    /// csv-core.
    fn plain_line(&mut self) -> Option<PlainLine> {
        let data = self.input.data();
        let start = data
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .unwrap_or(data.len());
        let nl = start
            + memchr::memchr(
                b'\n',
                &data[start..data.len().min(start + self.c.max_record)],
            )?;
        let line = &data[start..nl];
        let text = line.strip_suffix(b"\r").unwrap_or(line);
        if text.is_empty() || memchr::memchr2(b'"', b'\r', text).is_some() {
            return None;
        }
        let mut fields = 0;
        for end in memchr::memchr_iter(self.delimiter, text).chain(std::iter::once(text.len())) {
            *self.ends.get_mut(fields)? = end;
            fields += 1;
        }
        Some(PlainLine {
            start,
            text_len: text.len(),
            consumed: nl + 1,
            newlines: 1 + memchr::memchr_iter(b'\n', &data[..start]).count(),
            fields,
        })
    }

    fn skip_rest_of_line(&mut self) -> Result<(), Error> {
        loop {
            let data = self.input.data();
            if let Some(i) = memchr::memchr(b'\n', data) {
                self.input.consume(i + 1);
                self.skip_line = false;
                return Ok(());
            }
            let n = data.len();
            self.input.consume(n);
            let got = self
                .input
                .fill()
                .map_err(|e| io_error(&self.c.source, self.input.pos(), "reading", e))?;
            if got == 0 {
                self.skip_line = false;
                return Ok(());
            }
        }
    }
}

impl RecordSource for CsvReader<'_> {
    fn position(&self) -> u64 {
        self.input.pos()
    }

    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error> {
        while !self.done {
            if self.c.full(w) {
                return Ok(true);
            }
            if self.skip_line {
                self.skip_rest_of_line()?;
                continue;
            }
            let t = w.table(&self.table);
            w.begin(self.c.index + 1, t);
            let rec_start = w.bytes();
            let rec_offset = self.input.pos();
            let mut nends = 0usize;
            let mut dropped_fields = false;
            let mut at_eof = false;
            // Input given to csv-core for this record but not consumed yet: if the record
            // runs away (an unterminated quote), parsing restarts from its first line break.
            let mut pending = 0usize;
            let mut newlines = 0usize;
            let mut runaway = false;
            if let Some(line) = self.plain_line() {
                // The common case, split without csv-core (see `plain_line`). Like csv-core,
                // the fields go into the arena back to back, without their delimiters.
                let text = &self.input.data()[line.start..line.start + line.text_len];
                let mut start = 0;
                for (i, end) in self.ends[..line.fields].iter_mut().enumerate() {
                    w.push_bytes(&text[start..*end]);
                    start = *end + 1;
                    *end -= i;
                }
                nends = line.fields;
                newlines = line.newlines;
                pending = line.consumed;
            } else {
                loop {
                    if self.input.data().len() == pending && !at_eof {
                        let got = self.input.fill().map_err(|e| {
                            io_error(&self.c.source, self.input.pos(), "reading", e)
                        })?;
                        at_eof = got == 0;
                        continue;
                    }
                    let data = &self.input.data()[pending..];
                    let out = w.spare(64 << 10);
                    let ends: &mut [usize] = if nends < self.ends.len() {
                        &mut self.ends[nends..]
                    } else {
                        &mut self.scratch[..]
                    };
                    let (res, nin, nout, nend) = self.rdr.read_record(data, out, ends);
                    newlines += memchr::memchr_iter(b'\n', &data[..nin]).count();
                    pending += nin;
                    w.advance(nout);
                    if nends < self.ends.len() {
                        nends += nend;
                    }
                    if w.record_bytes() > self.c.max_record
                        || pending > self.c.max_record
                        || newlines > MAX_RECORD_LINES
                    {
                        runaway = true;
                        break;
                    }
                    match res {
                        ReadRecordResult::InputEmpty => {}
                        ReadRecordResult::OutputFull => {}
                        ReadRecordResult::OutputEndsFull => {
                            if self.ends.len() < self.c.max_fields {
                                let grow = (self.ends.len() * 2).min(self.c.max_fields);
                                self.ends.resize(grow, 0);
                            } else {
                                dropped_fields = true;
                            }
                        }
                        ReadRecordResult::Record => break,
                        ReadRecordResult::End => {
                            self.input.consume(pending);
                            self.done = true;
                            w.abort();
                            return Ok(false);
                        }
                    }
                }
            }
            let line = self.line + 1;
            if runaway {
                w.abort();
                self.rdr.reset();
                self.c.index += 1;
                self.c.diag.warn(
                    Some(rec_offset),
                    Some(line),
                    format!(
                        "record {} does not end within the record limit of {} bytes or {} \
                         lines (an unterminated quote?); skipped up to the end of its first \
                         line (raise Limits::max_record_len)",
                        self.c.index, self.c.max_record, MAX_RECORD_LINES
                    ),
                );
                // Its raw bytes are still buffered: resume after its first line break.
                let data = self.input.data();
                match memchr::memchr(b'\n', &data[..pending.min(data.len())]) {
                    Some(i) => self.input.consume(i + 1),
                    None => {
                        self.input.consume(pending);
                        self.skip_line = true;
                    }
                }
                self.line += 1;
                continue;
            }
            self.input.consume(pending);
            self.line += newlines as u64;
            if dropped_fields {
                self.c.diag.warn(
                    Some(rec_offset),
                    Some(line),
                    format!(
                        "record has more than {} fields; the rest were dropped \
                         (raise Limits::max_fields)",
                        self.c.max_fields
                    ),
                );
            }
            let nfields = nends.min(self.ends.len());
            if self.header_pending {
                self.header_pending = false;
                let mut header = Vec::with_capacity(nfields);
                let mut prev = 0;
                for &end in &self.ends[..nfields] {
                    let bytes = w.since(rec_start);
                    let name = bytes.get(prev..end).unwrap_or_default();
                    header.push(String::from_utf8_lossy(name).trim().to_string());
                    prev = end;
                }
                w.abort();
                self.table = Arc::new(Table::new("", Some(header)));
                continue;
            }
            self.c.index += 1;
            let mut prev = 0;
            for (col, &end) in self.ends[..nfields].iter().enumerate() {
                w.field_col(Some(col as u32), rec_start + prev, rec_start + end);
                prev = end;
            }
            w.end();
        }
        Ok(false)
    }
}
