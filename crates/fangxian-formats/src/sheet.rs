//! Spreadsheets (xlsx, xls) with calamine: every sheet, the first row as header when it
//! looks like one. calamine loads one sheet at a time into memory; the file itself is
//! bounded by `Limits::max_spill_bytes` when it had to be copied.

use std::fmt::Write as _;
use std::io::{Cursor, Read, Seek};
use std::sync::Arc;

use calamine::{Cell, Data, DataRef, Ods, Range, Reader, Xls, Xlsx, XlsxError};

use crate::batch::{BatchWriter, Table};
use crate::reader::{Common, RecordSource};
use crate::sniff::{looks_like_header, Format};
use crate::Error;

pub(crate) enum Book<RS: Read + Seek> {
    Xlsx(Xlsx<RS>),
    /// A legacy workbook, re-written by [`crate::xls_guard::sanitize`].
    Xls(Xls<Cursor<Vec<u8>>>),
    Ods(Ods<RS>),
}

/// Runs a calamine call, turning a panic inside it into an error: a hostile workbook must
/// not take the whole scan down (calamine parses untrusted XML and BIFF records).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    crate::contained::contain(f)
        .unwrap_or_else(|_| Err("the spreadsheet parser failed on this file".to_string()))
}

impl<RS: Read + Seek> Book<RS> {
    /// Opens a workbook; `max_bytes` is the memory one sheet's grid may take (a legacy
    /// workbook's stream is bounded by it too).
    pub(crate) fn open(rs: RS, format: Format, max_bytes: u64) -> Result<Self, String> {
        guarded(|| match format {
            Format::Xlsx => Xlsx::new(rs).map(Book::Xlsx).map_err(|e| e.to_string()),
            Format::Ods => {
                let mut rs = rs;
                crate::ods_guard::check(&mut rs, max_bytes, max_cells(max_bytes))?;
                Ods::new(rs).map(Book::Ods).map_err(|e| e.to_string())
            }
            _ => {
                let safe = crate::xls_guard::sanitize(rs, max_bytes, max_cells(max_bytes))?;
                Xls::new(safe).map(Book::Xls).map_err(|e| e.to_string())
            }
        })
    }

    fn names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
        }
    }

    /// The sheet as calamine's dense grid. An xlsx sheet whose cells span more than
    /// `max_cells` (its bounding box) is refused instead of allocated.
    fn range(&mut self, name: &str, max_cells: u64) -> Result<Range<Data>, String> {
        guarded(|| match self {
            Book::Xlsx(b) => xlsx_range(b, name, max_cells),
            Book::Xls(b) => b.worksheet_range(name).map_err(|e| e.to_string()),
            Book::Ods(b) => b.worksheet_range(name).map_err(|e| e.to_string()),
        })
    }
}

/// `Xlsx::worksheet_range` with a bound: calamine lays a sheet out as a dense grid of its
/// bounding box, so a few hundred bytes naming one cell at `XFD1048576` would ask for 17·10⁹
/// cells (hundreds of GiB) and abort the process. The cells are read one by one (as calamine
/// does) and the sheet is refused as soon as their bounding box exceeds `max_cells`. They are
/// then sorted by position: `Range::from_sparse` takes the row bounds from the first and last
/// cell, and rows out of order (`<row r="9">` before `<row r="1">`) would underflow there.
fn xlsx_range<RS: Read + Seek>(
    b: &mut Xlsx<RS>,
    name: &str,
    max_cells: u64,
) -> Result<Range<Data>, String> {
    let mut reader = match b.worksheet_cells_reader(name) {
        Ok(r) => r,
        // A chart sheet: no cells (calamine's own answer).
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Range::default()),
        Err(e) => return Err(e.to_string()),
    };
    let mut cells: Vec<Cell<Data>> = Vec::new();
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
        let area = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
        if area > max_cells {
            return Err(format!(
                "its cells span rows {}..={} and columns {}..={}, more than {max_cells} cells \
                 laid out in memory (Limits::max_spill_bytes)",
                u64::from(r0) + 1,
                u64::from(r1) + 1,
                u64::from(c0) + 1,
                u64::from(c1) + 1
            ));
        }
        cells.push(Cell::new((r, c), Data::from(cell.get_value().clone())));
    }
    // Stable: of two cells at one position the later still wins, as in calamine.
    cells.sort_by_key(Cell::get_position);
    Ok(Range::from_sparse(cells))
}

/// Cells of calamine's grid that fit in `max_bytes`.
fn max_cells(max_bytes: u64) -> u64 {
    max_bytes / std::mem::size_of::<Data>() as u64
}

pub(crate) struct SheetReader<RS: Read + Seek> {
    book: Book<RS>,
    c: Common,
    names: Vec<String>,
    at: usize,
    current: Option<(Range<Data>, Arc<Table>, usize)>,
    scratch: String,
    /// The book is xlsx: its strings carry `_xHHHH_` escapes.
    ooxml: bool,
    /// Largest xlsx sheet grid, in cells (see `xlsx_range`).
    max_cells: u64,
}

/// Appends a cell's text. `ooxml`: the cell comes from an xlsx file, whose strings escape
/// characters as `_xHHHH_` (ECMA-376 Part 1, 22.9.2.19 ST_Xstring), which calamine leaves as is.
fn cell_text(d: &Data, ooxml: bool, out: &mut String) {
    match d {
        Data::Empty => {}
        Data::String(s) if ooxml => push_ooxml_unescaped(s, out),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Float(f) => {
            let _ = write!(out, "{f}");
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// Appends `s` with every `_xHHHH_` escape replaced by its character: `_x000D_` is a carriage
/// return, and `_x005F_` an underscore, which is how a literal `_x0041_` is stored
/// (`_x005F_x0041_`). Anything else, including escapes of surrogates, is kept as written.
fn push_ooxml_unescaped(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let escape = rest
            .get(at + 2..at + 7)
            .filter(|e| e.ends_with('_'))
            .and_then(|e| u32::from_str_radix(&e[..4], 16).ok())
            .and_then(char::from_u32);
        match escape {
            Some(c)
                if rest.as_bytes()[at + 2..at + 6]
                    .iter()
                    .all(u8::is_ascii_hexdigit) =>
            {
                out.push(c);
                rest = &rest[at + 7..];
            }
            _ => {
                out.push_str("_x");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
}

impl<RS: Read + Seek> SheetReader<RS> {
    /// `max_bytes`: the memory one sheet's grid may take.
    pub(crate) fn new(book: Book<RS>, c: Common, max_bytes: u64) -> Self {
        let names = book.names();
        SheetReader {
            max_cells: max_cells(max_bytes),
            ooxml: matches!(book, Book::Xlsx(_)),
            book,
            c,
            names,
            at: 0,
            current: None,
            scratch: String::new(),
        }
    }

    fn row_strings(range: &Range<Data>, r: usize, ooxml: bool, out: &mut String) -> Vec<String> {
        let width = range.width();
        (0..width)
            .map(|col| {
                out.clear();
                if let Some(d) = range.get((r, col)) {
                    cell_text(d, ooxml, out);
                }
                out.trim().to_string()
            })
            .collect()
    }

    fn open_next(&mut self) -> bool {
        while self.at < self.names.len() {
            let name = self.names[self.at].clone();
            self.at += 1;
            match self.book.range(&name, self.max_cells) {
                Ok(range) => {
                    let height = range.height();
                    let sample: Vec<Vec<String>> = (0..height.min(50))
                        .map(|r| Self::row_strings(&range, r, self.ooxml, &mut self.scratch))
                        .filter(|row| row.iter().any(|c| !c.is_empty()))
                        .collect();
                    let header = looks_like_header(&sample);
                    let mut first = 0;
                    let table = if header {
                        // The header is the first non-empty row.
                        while first < height
                            && Self::row_strings(&range, first, self.ooxml, &mut self.scratch)
                                .iter()
                                .all(String::is_empty)
                        {
                            first += 1;
                        }
                        let h = Self::row_strings(&range, first, self.ooxml, &mut self.scratch);
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
                    cell_text(d, self.ooxml, &mut self.scratch);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unescaped(s: &str) -> String {
        let mut out = String::new();
        push_ooxml_unescaped(s, &mut out);
        out
    }

    #[test]
    fn ooxml_escapes() {
        assert_eq!(
            unescaped("wxid_x005F_x0410a80h0ml06"),
            "wxid_x0410a80h0ml06"
        );
        assert_eq!(unescaped("line_x000D_\nnext"), "line\r\nnext");
        assert_eq!(unescaped("_x0031__x0032_"), "12");
        // Not escapes: kept as written.
        for s in [
            "wxid_xyz", "a_x12_", "_x00G1_", "_xD800_", "_x", "_x0041", "张三_x",
        ] {
            assert_eq!(unescaped(s), s);
        }
    }

    proptest::proptest! {
        /// Any text survives unescaping without a panic; text without `_x` is unchanged; and
        /// escaping every `_` as `_x005F_` (what a writer does for `_xHHHH_` look-alikes) is
        /// undone exactly.
        #[test]
        fn unescape_inverts_underscore_escapes(s in "[a-f0-9_xX张]{0,40}|\\PC{0,20}") {
            let out = unescaped(&s);
            if !s.contains("_x") {
                proptest::prop_assert_eq!(&out, &s);
            }
            let escaped = s.replace('_', "_x005F_");
            proptest::prop_assert_eq!(unescaped(&escaped), s);
        }
    }
}
