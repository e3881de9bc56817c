//! Spreadsheets (xlsx, xls) with calamine: every sheet, the first row as header when it
//! looks like one. calamine loads one sheet at a time into memory; the file itself is
//! bounded by `Limits::max_spill_bytes` when it had to be copied.

use std::fmt::Write as _;
use std::io::{Read, Seek};
use std::sync::Arc;

use calamine::{Data, Ods, Range, Reader, Xls, Xlsx};

use crate::batch::{BatchWriter, Table};
use crate::reader::{Common, RecordSource};
use crate::sniff::{looks_like_header, Format};
use crate::Error;

pub(crate) enum Book<RS: Read + Seek> {
    Xlsx(Xlsx<RS>),
    Xls(Xls<RS>),
    Ods(Ods<RS>),
}

/// Runs a calamine call, turning a panic inside it into an error: a hostile workbook must
/// not take the whole scan down (calamine parses untrusted XML and BIFF records).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("the spreadsheet parser failed on this file".to_string()))
}

impl<RS: Read + Seek> Book<RS> {
    pub(crate) fn open(rs: RS, format: Format) -> Result<Self, String> {
        guarded(|| match format {
            Format::Xlsx => Xlsx::new(rs).map(Book::Xlsx).map_err(|e| e.to_string()),
            Format::Ods => Ods::new(rs).map(Book::Ods).map_err(|e| e.to_string()),
            _ => Xls::new(rs).map(Book::Xls).map_err(|e| e.to_string()),
        })
    }

    fn names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
        }
    }

    fn range(&mut self, name: &str) -> Result<Range<Data>, String> {
        guarded(|| match self {
            Book::Xlsx(b) => b.worksheet_range(name).map_err(|e| e.to_string()),
            Book::Xls(b) => b.worksheet_range(name).map_err(|e| e.to_string()),
            Book::Ods(b) => b.worksheet_range(name).map_err(|e| e.to_string()),
        })
    }
}

pub(crate) struct SheetReader<RS: Read + Seek> {
    book: Book<RS>,
    c: Common,
    names: Vec<String>,
    at: usize,
    current: Option<(Range<Data>, Arc<Table>, usize)>,
    scratch: String,
}

fn cell_text(d: &Data, out: &mut String) {
    match d {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Float(f) => {
            let _ = write!(out, "{f}");
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

impl<RS: Read + Seek> SheetReader<RS> {
    pub(crate) fn new(book: Book<RS>, c: Common) -> Self {
        let names = book.names();
        SheetReader {
            book,
            c,
            names,
            at: 0,
            current: None,
            scratch: String::new(),
        }
    }

    fn row_strings(range: &Range<Data>, r: usize, out: &mut String) -> Vec<String> {
        let width = range.width();
        (0..width)
            .map(|col| {
                out.clear();
                if let Some(d) = range.get((r, col)) {
                    cell_text(d, out);
                }
                out.trim().to_string()
            })
            .collect()
    }

    fn open_next(&mut self) -> bool {
        while self.at < self.names.len() {
            let name = self.names[self.at].clone();
            self.at += 1;
            match self.book.range(&name) {
                Ok(range) => {
                    let height = range.height();
                    let sample: Vec<Vec<String>> = (0..height.min(50))
                        .map(|r| Self::row_strings(&range, r, &mut self.scratch))
                        .filter(|row| row.iter().any(|c| !c.is_empty()))
                        .collect();
                    let header = looks_like_header(&sample);
                    let mut first = 0;
                    let table = if header {
                        // The header is the first non-empty row.
                        while first < height
                            && Self::row_strings(&range, first, &mut self.scratch)
                                .iter()
                                .all(String::is_empty)
                        {
                            first += 1;
                        }
                        let h = Self::row_strings(&range, first, &mut self.scratch);
                        first += 1;
                        Table::new(name, Some(h))
                    } else {
                        Table::new(name, None)
                    };
                    self.current = Some((range, Arc::new(table), first));
                    return true;
                }
                Err(e) => self
                    .c
                    .diag
                    .warn(None, None, format!("sheet {name}: {e}; skipped")),
            }
        }
        false
    }
}

impl<RS: Read + Seek> RecordSource for SheetReader<RS> {
    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error> {
        loop {
            if self.c.full(w) {
                return Ok(true);
            }
            if self.current.is_none() && !self.open_next() {
                return Ok(false);
            }
            let Some((range, table, row)) = self.current.as_mut() else {
                return Ok(false);
            };
            if *row >= range.height() {
                self.current = None;
                continue;
            }
            let r = *row;
            *row += 1;
            let width = range.width().min(self.c.max_fields);
            if (0..width).all(|col| matches!(range.get((r, col)), None | Some(Data::Empty))) {
                continue;
            }
            let t = w.table(table);
            self.c.index += 1;
            w.begin(self.c.index, t);
            for col in 0..width {
                let vs = w.bytes();
                self.scratch.clear();
                if let Some(d) = range.get((r, col)) {
                    cell_text(d, &mut self.scratch);
                }
                if w.record_bytes() + self.scratch.len() <= self.c.max_record {
                    w.push_bytes(self.scratch.as_bytes());
                }
                w.field_col(Some(col as u32), vs, w.bytes());
            }
            w.end();
        }
    }
}
