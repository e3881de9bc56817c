//! Plain text and logs: one record per line, one unnamed field.

use std::sync::Arc;

use crate::batch::{BatchWriter, Table};
use crate::input::Input;
use crate::reader::{char_floor, io_error, Common, RecordSource};
use crate::Error;

pub(crate) struct TextReader<'a> {
    input: Input<'a>,
    c: Common,
    table: Arc<Table>,
    line: u64,
    /// Inside an over-long line that is being split.
    splitting: bool,
    /// Bytes at the front of the buffer already known to hold no newline.
    scanned: usize,
}

impl<'a> TextReader<'a> {
    pub(crate) fn new(input: Input<'a>, c: Common) -> Self {
        TextReader {
            input,
            c,
            table: Arc::new(Table::new("", None)),
            line: 0,
            splitting: false,
            scanned: 0,
        }
    }
}

fn emit(w: &mut BatchWriter<'_>, table: &Arc<Table>, c: &mut Common, bytes: &[u8]) {
    let t = w.table(table);
    c.index += 1;
    w.begin(c.index, t);
    let start = w.bytes();
    w.push_bytes(bytes);
    w.field_col(None, start, w.bytes());
    w.end();
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl RecordSource for TextReader<'_> {
    fn position(&self) -> u64 {
        self.input.pos()
    }

    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error> {
        loop {
            if self.c.full(w) {
                return Ok(true);
            }
            let data = self.input.data();
            let window = &data[..data.len().min(self.c.max_record + 1)];
            let from = self.scanned.min(window.len());
            if let Some(nl) = memchr::memchr(b'\n', &window[from..]).map(|i| i + from) {
                self.scanned = 0;
                let line = strip_cr(&data[..nl]);
                if self.splitting && line.is_empty() {
                    // The newline that ends a split line: no empty extra record.
                    self.splitting = false;
                    self.scanned = 0;
                    self.input.consume(nl + 1);
                    continue;
                }
                if line.len() <= self.c.max_record {
                    emit(w, &self.table, &mut self.c, line);
                    if !self.splitting {
                        self.line += 1;
                    }
                    self.splitting = false;
                    self.input.consume(nl + 1);
                    continue;
                }
            }
            if data.len() >= self.c.max_record {
                // No newline within the limit: emit a chunk and keep splitting this line.
                let cut = char_floor(data, self.c.max_record).max(1);
                if !self.splitting {
                    self.line += 1;
                    self.c.diag.warn(
                        Some(self.input.pos()),
                        Some(self.line),
                        format!(
                            "line longer than the record limit of {} bytes; split into several \
                             records (raise Limits::max_record_len)",
                            self.c.max_record
                        ),
                    );
                }
                emit(w, &self.table, &mut self.c, &data[..cut]);
                self.scanned = 0;
                self.splitting = true;
                self.input.consume(cut);
                continue;
            }
            self.scanned = window.len();
            let got = self
                .input
                .fill()
                .map_err(|e| io_error(&self.c.source, self.input.pos(), "reading", e))?;
            if got == 0 {
                let data = self.input.data();
                let n = data.len();
                if n > 0 {
                    emit(w, &self.table, &mut self.c, strip_cr(data));
                    self.input.consume(n);
                }
                return Ok(false);
            }
        }
    }
}
