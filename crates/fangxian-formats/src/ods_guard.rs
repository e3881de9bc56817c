//! OpenDocument spreadsheets (`.ods`) checked before calamine expands their repeats.
//!
//! A cell or row may say it repeats (`table:number-columns-repeated`,
//! `table:number-rows-repeated`), and calamine 0.26 writes the repeats out, for every sheet,
//! when the file is opened: 1.3 KB declaring one value repeated over 16,384 columns and
//! 1,048,576 rows took 24 GB of memory and never finished. Written by hand because no crate
//! bounds this: `content.xml` is streamed once, counting the cells calamine would lay out the
//! way it does — in each row every repeat of every cell but a trailing empty one, then each
//! row with content times its repeats, and the empty rows between, at the widest row's width —
//! and refused past the memory one sheet may take. Where a cell's emptiness is unclear it is
//! counted as having content, so the count is never below calamine's.

use std::io::{BufReader, Read, Seek, SeekFrom};

use quick_xml::events::{BytesStart, Event};

/// Checks the spreadsheet in `rs` and rewinds it; `max_bytes` bounds `content.xml`,
/// `max_cells` the cells of one sheet.
pub(crate) fn check<RS: Read + Seek>(
    rs: &mut RS,
    max_bytes: u64,
    max_cells: u64,
) -> Result<(), String> {
    {
        let mut zip = zip::ZipArchive::new(&mut *rs).map_err(|e| e.to_string())?;
        let content = zip.by_name("content.xml").map_err(|e| e.to_string())?;
        check_content(
            BufReader::new(content.take(max_bytes.saturating_add(1))),
            max_bytes,
            max_cells,
        )?;
    }
    rs.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    Ok(())
}

/// The repeat count an element declares in `attr` (1 when absent or not a number: calamine
/// then fails on its own, without expanding anything).
fn repeats(e: &BytesStart<'_>, attr: &[u8]) -> u64 {
    e.try_get_attribute(attr)
        .ok()
        .flatten()
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
        .unwrap_or(1)
}

/// One table's count so far.
#[derive(Default)]
struct Table {
    /// Cells read so far (calamine keeps every row once before expanding the repeats).
    read: u64,
    /// The widest row with content.
    width: u64,
    /// Rows from the first row with content through the last, repeats included.
    span: u64,
    /// Rows (with repeats) after the last row with content.
    pending: u64,
    /// Whether a row with content was seen.
    started: bool,
    /// The row being read: its repeats, every repeat of its cells, the repeats of its last
    /// cell when that one is empty (calamine drops those), and whether any cell had content.
    row_repeats: u64,
    row_cells: u64,
    trailing_empty: u64,
    row_content: bool,
}

impl Table {
    fn start_row(&mut self, e: &BytesStart<'_>) {
        self.row_repeats = repeats(e, b"table:number-rows-repeated");
        (self.row_cells, self.trailing_empty, self.row_content) = (0, 0, false);
    }

    /// A cell: `has_children` when it was not written self-closing.
    fn cell(&mut self, e: &BytesStart<'_>, has_children: bool) {
        let n = repeats(e, b"table:number-columns-repeated");
        self.row_cells = self.row_cells.saturating_add(n);
        let valued = [&b"office:value-type"[..], b"table:formula"]
            .iter()
            .any(|a| e.try_get_attribute(a).ok().flatten().is_some());
        if valued || has_children {
            self.row_content = true;
            self.trailing_empty = 0;
        } else {
            self.trailing_empty = n;
        }
    }

    fn end_row(&mut self, max_cells: u64) -> Result<(), String> {
        let cells = self.row_cells - self.trailing_empty;
        self.read = self.read.saturating_add(cells);
        if self.row_content {
            let gap = if self.started { self.pending } else { 0 };
            self.span = self
                .span
                .saturating_add(gap)
                .saturating_add(self.row_repeats);
            self.pending = 0;
            self.started = true;
            self.width = self.width.max(cells);
        } else {
            self.pending = self.pending.saturating_add(self.row_repeats);
        }
        let laid_out = self
            .read
            .saturating_add(self.span.saturating_mul(self.width));
        if laid_out > max_cells {
            return Err(format!(
                "a sheet's repeated rows and cells expand to more than {max_cells} cells laid \
                 out in memory (Limits::max_spill_bytes)"
            ));
        }
        Ok(())
    }
}

fn check_content(
    content: impl std::io::BufRead,
    max_bytes: u64,
    max_cells: u64,
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    let mut table = Table::default();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.name().as_ref() {
                b"table:table" => table = Table::default(),
                b"table:table-row" => table.start_row(&e),
                b"table:table-cell" | b"table:covered-table-cell" => table.cell(&e, true),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"table:table-row" => {
                    table.start_row(&e);
                    table.end_row(max_cells)?;
                }
                b"table:table-cell" | b"table:covered-table-cell" => table.cell(&e, false),
                _ => {}
            },
            Ok(Event::End(e)) if e.name().as_ref() == b"table:table-row" => {
                table.end_row(max_cells)?;
            }
            Ok(Event::Eof) => break,
            // calamine reports a damaged document itself.
            Err(_) => break,
            Ok(_) => {}
        }
        if reader.buffer_position() as u64 > max_bytes {
            return Err(format!(
                "its content.xml is larger than {max_bytes} bytes (Limits::max_spill_bytes)"
            ));
        }
        buf.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="s">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn verdict(rows: &str) -> Result<(), String> {
        check_content(content(rows).as_bytes(), 1 << 30, 1_000_000)
    }

    const VALUE: &str =
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;

    #[test]
    fn repeats_that_would_be_written_out_are_counted() {
        // One value over 16,384 columns and 1,048,576 rows: 17·10⁹ cells.
        let bomb = r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert!(verdict(bomb)
            .unwrap_err()
            .contains("more than 1000000 cells"));
        // A million empty rows between two values are laid out too.
        let gap = format!(
            r#"<table:table-row>{VALUE}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row>{VALUE}{VALUE}</table:table-row>"#
        );
        assert!(verdict(&gap).is_err());
        // Empty cells between values in one row are laid out, and the row repeats.
        let wide = format!(
            r#"<table:table-row table:number-rows-repeated="1000">{VALUE}<table:table-cell table:number-columns-repeated="5000"/>{VALUE}</table:table-row>"#
        );
        assert!(verdict(&wide).is_err());
    }

    #[test]
    fn what_office_suites_write_passes() {
        // LibreOffice ends a sheet with self-closing empty cells repeated to the sheet's edge.
        let trailing = format!(
            r#"<table:table-row>{VALUE}{VALUE}<table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        );
        assert_eq!(verdict(&trailing), Ok(()));
        let repeated = format!(
            r#"<table:table-row table:number-rows-repeated="300">{VALUE}<table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell></table:table-row>"#
        );
        assert_eq!(verdict(&repeated), Ok(()));
    }
}
