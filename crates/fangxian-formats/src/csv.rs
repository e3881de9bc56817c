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
    header_pending: bool,
    table: Arc<Table>,
    ends: Vec<usize>,
    scratch: Vec<usize>,
    done: bool,
}

impl<'a> CsvReader<'a> {
    pub(crate) fn new(input: Input<'a>, c: Common, delimiter: u8, header: bool) -> Self {
        let nends = c.max_fields.clamp(1, 64);
        CsvReader {
            input,
            c,
            rdr: ReaderBuilder::new().delimiter(delimiter).build(),
            header_pending: header,
            table: Arc::new(Table::new("", None)),
            ends: vec![0; nends],
            scratch: vec![0; 256],
            done: false,
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
            let t = w.table(&self.table);
            w.begin(self.c.index + 1, t);
            let rec_start = w.bytes();
            let rec_offset = self.input.pos();
            let mut nends = 0usize;
            let mut too_long = false;
            let mut dropped_fields = false;
            let mut at_eof = false;
            loop {
                if self.input.data().is_empty() && !at_eof {
                    let got = self
                        .input
                        .fill()
                        .map_err(|e| io_error(&self.c.source, self.input.pos(), "reading", e))?;
                    at_eof = got == 0;
                    continue;
                }
                let data = self.input.data();
                let out = w.spare(64 << 10);
                let ends: &mut [usize] = if nends < self.ends.len() {
                    &mut self.ends[nends..]
                } else {
                    &mut self.scratch[..]
                };
                let (res, nin, nout, nend) = self.rdr.read_record(data, out, ends);
                self.input.consume(nin);
                w.advance(nout);
                if nends < self.ends.len() {
                    nends += nend;
                }
                if w.record_bytes() > self.c.max_record {
                    // Keep parsing to find the record's end, but stop storing its bytes.
                    too_long = true;
                    w.truncate(rec_start);
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
                        self.done = true;
                        w.abort();
                        return Ok(false);
                    }
                }
            }
            let line = self.rdr.line();
            if too_long {
                w.abort();
                self.c.index += 1;
                self.c.diag.warn(
                    Some(rec_offset),
                    Some(line),
                    format!(
                        "record {} is longer than the record limit of {} bytes; skipped \
                         (raise Limits::max_record_len)",
                        self.c.index, self.c.max_record
                    ),
                );
                continue;
            }
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
