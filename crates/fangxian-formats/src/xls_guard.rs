//! Legacy workbooks (`.xls`) made safe for calamine.
//!
//! calamine 0.26 takes sizes from an `.xls` file as they are, and some of them it allocates
//! before reading anything: a sector number in the compound-file container (one of
//! `0x77E172FF` grew a buffer to a terabyte), the shared-string count of the workbook stream,
//! a sheet's DIMENSIONS record and the grid spanned by its cells (laid out densely, from the
//! first cell's row to the last's). An allocation that fails aborts the process, which no
//! `catch_unwind` can stop, so one hostile file would end a scan of a whole disk.
//!
//! Written by hand because no crate checks these things: the container is read and validated
//! by the `cfb` crate (every sector chain in range, no sector used twice), its workbook stream
//! is checked here record by record, the way calamine will walk it, against the memory one
//! sheet may take; and calamine is then given a fresh container, written by `cfb`, that
//! holds that stream alone (a workbook's other streams — macros, summaries — carry no cells).

use std::io::{Cursor, Read, Seek, Write};

/// The workbook stream of `rs`, checked, in a fresh compound file; or why it was refused.
///
/// `max_bytes` bounds the workbook stream, `max_cells` the grid of any one sheet.
pub(crate) fn sanitize<RS: Read + Seek>(
    rs: RS,
    max_bytes: u64,
    max_cells: u64,
) -> Result<Cursor<Vec<u8>>, String> {
    let mut container =
        cfb::CompoundFile::open(rs).map_err(|e| format!("damaged compound file: {e}"))?;
    // BIFF8 workbooks name their stream Workbook, BIFF5 ones Book (calamine tries both).
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| container.is_stream(n))
        .ok_or("no Workbook stream")?;
    let mut stream = Vec::new();
    container
        .open_stream(name)
        .and_then(|s| s.take(max_bytes.saturating_add(1)).read_to_end(&mut stream))
        .map_err(|e| format!("reading its workbook stream: {e}"))?;
    if stream.len() as u64 > max_bytes {
        return Err(format!(
            "its workbook stream is larger than {max_bytes} bytes (Limits::max_spill_bytes)"
        ));
    }
    check_workbook(&stream, max_cells)?;
    // Version 3 (512-byte sectors), as Excel writes: calamine takes a version 4 file whose
    // root has no mini stream (every stream of 4 KiB or more) for an empty one.
    let mut fresh =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
            .map_err(|e| format!("re-writing the workbook: {e}"))?;
    fresh
        .create_stream(name)
        .and_then(|mut s| s.write_all(&stream))
        .and_then(|()| fresh.flush())
        .map_err(|e| format!("re-writing the workbook: {e}"))?;
    let mut cursor = fresh.into_inner();
    cursor.set_position(0);
    Ok(cursor)
}

/// BIFF record types this check looks at.
mod record {
    pub const EOF: u16 = 0x000A;
    pub const CONTINUE: u16 = 0x003C;
    pub const BOUNDSHEET: u16 = 0x0085;
    pub const SST: u16 = 0x00FC;
    pub const DIMENSIONS: u16 = 0x0200;
    pub const MULRK: u16 = 0x00BD;
    pub const FORMULA: u16 = 0x0006;
    /// A formula's string value: a cell at the last FORMULA's position.
    pub const STRING: u16 = 0x0207;
    /// Records whose data starts with the row and column (two `u16`) of one cell calamine
    /// keeps: NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA.
    pub const CELLS: [u16; 6] = [0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006];
}

/// The records of a BIFF stream from its start, as calamine's iterator yields them: type and
/// own data, CONTINUE records folded into the record before them; ends at the first record
/// that runs past the stream (where calamine stops with an error).
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let (typ, data, mut rest) = split_record(stream)?;
        while let Some((record::CONTINUE, _, after)) = split_record(rest) {
            rest = after;
        }
        stream = rest;
        Some((typ, data))
    })
}

/// The first record of `s`: its type, its data and the bytes after it.
fn split_record(s: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let typ = u16::from_le_bytes([*s.first()?, *s.get(1)?]);
    let len = usize::from(u16::from_le_bytes([*s.get(2)?, *s.get(3)?]));
    let data = s.get(4..4 + len)?;
    Some((typ, data, &s[4 + len..]))
}

fn u16_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        d.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// Checks the workbook globals and every sheet they point to.
fn check_workbook(stream: &[u8], max_cells: u64) -> Result<(), String> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            record::EOF => break,
            // calamine reserves a string per counted entry before reading them; each takes at
            // least 3 bytes (length and flags), so a true count fits the stream.
            record::SST => {
                let count = u32_at(data, 4).unwrap_or(0);
                if u64::from(count) > stream.len() as u64 / 3 {
                    return Err(format!(
                        "its shared-string table claims {count} strings, more than its \
                         {} bytes can hold",
                        stream.len()
                    ));
                }
            }
            record::BOUNDSHEET => sheets.extend(u32_at(data, 0)),
            _ => {}
        }
    }
    for (n, &at) in sheets.iter().enumerate() {
        // A sheet past the stream's end is an error calamine reports itself.
        if let Some(sheet) = stream.get(at as usize..) {
            check_sheet(sheet, max_cells).map_err(|e| format!("sheet {}: {e}", n + 1))?;
        }
    }
    Ok(())
}

/// Checks one sheet's substream: calamine reserves room for the grid its DIMENSIONS record
/// declares, and lays its cells out densely from the first cell's row to the last's and
/// between the least and greatest column (rows going backwards would wrap that span round).
fn check_sheet(sheet: &[u8], max_cells: u64) -> Result<(), String> {
    let too_big = |rows: u64, cols: u64| -> Result<(), String> {
        if rows.saturating_mul(cols) > max_cells {
            Err(format!(
                "{rows} rows by {cols} columns is more than {max_cells} cells laid out in \
                 memory (Limits::max_spill_bytes)"
            ))
        } else {
            Ok(())
        }
    };
    let mut first_row = None;
    let mut last_row = 0;
    let (mut col_min, mut col_max) = (u32::MAX, 0);
    let mut cell = |row: u32, col: u32| -> Result<(), String> {
        let first = *first_row.get_or_insert(row);
        if row < last_row {
            return Err(format!(
                "its cells go back from row {} to row {}",
                last_row + 1,
                row + 1
            ));
        }
        last_row = row;
        (col_min, col_max) = (col_min.min(col), col_max.max(col));
        too_big(u64::from(row - first) + 1, u64::from(col_max - col_min) + 1)
    };
    // Where calamine puts a STRING record's cell: at the last FORMULA, or (0, 0) before any.
    let mut formula_at = (0, 0);
    for (typ, data) in records(sheet) {
        match typ {
            record::EOF => break,
            record::STRING => cell(formula_at.0, formula_at.1)?,
            record::DIMENSIONS => {
                // As calamine reads it: first row, last row + 1, first column, last column
                // + 1 (32-bit rows in BIFF8, 16-bit in older versions).
                let bounds = match data.len() {
                    10 => (0..4)
                        .map(|i| u16_at(data, 2 * i))
                        .collect::<Option<Vec<_>>>(),
                    14 => [
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ]
                    .into_iter()
                    .collect(),
                    _ => None,
                };
                if let Some(&[rf, rl, cf, cl]) = bounds.as_deref() {
                    let (rows, cols) = if rl >= 1 && cl >= 1 {
                        // Wrapping, as calamine computes it in a release build.
                        let span = |a: u32, b: u32| u64::from(b.wrapping_sub(a).wrapping_add(1));
                        (span(rf, rl - 1), span(cf, cl - 1))
                    } else {
                        (1, 1)
                    };
                    too_big(rows, cols)?;
                }
            }
            record::MULRK => {
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    data.len().checked_sub(2).and_then(|at| u16_at(data, at)),
                ) {
                    cell(row, first)?;
                    cell(row, last)?;
                }
            }
            t if record::CELLS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    if t == record::FORMULA {
                        formula_at = (row, col);
                    }
                    cell(row, col)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    /// A workbook stream: globals (a BOF, `globals`, one BOUNDSHEET, EOF) then one sheet
    /// (a BOF, `sheet`, EOF).
    fn workbook(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = rec(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let mut head = bof.clone();
        head.extend(globals.concat());
        let boundsheet_len = 4 + 10;
        let eof = rec(record::EOF, &[]);
        let at = u32::try_from(head.len() + boundsheet_len + eof.len()).unwrap();
        let mut boundsheet = at.to_le_bytes().to_vec();
        boundsheet.extend_from_slice(&[0, 0, 2, 0, b'S', b'1']);
        head.extend(rec(record::BOUNDSHEET, &boundsheet));
        head.extend(&eof);
        head.extend(bof);
        head.extend(sheet.concat());
        head.extend(eof);
        head
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0; 10]);
        rec(0x0203, &d)
    }

    fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        rec(record::DIMENSIONS, &d)
    }

    const CELLS: u64 = 1_000_000;

    #[test]
    fn ordinary_sheets_pass() {
        let sheet = [
            dimensions(0, 3, 0, 2),
            number(0, 0),
            number(0, 1),
            number(2, 1),
        ];
        assert_eq!(check_workbook(&workbook(&[], &sheet), CELLS), Ok(()));
    }

    #[test]
    fn sizes_calamine_would_allocate_are_refused() {
        let far = workbook(&[], &[number(0, 0), number(65_535, 65_535)]);
        let err = check_workbook(&far, CELLS).unwrap_err();
        assert!(
            err.starts_with("sheet 1: 65536 rows by 65536 columns"),
            "{err}"
        );

        let backwards = workbook(&[], &[number(9, 0), number(3, 0)]);
        let err = check_workbook(&backwards, CELLS).unwrap_err();
        assert_eq!(err, "sheet 1: its cells go back from row 10 to row 4");

        let declared = workbook(&[], &[dimensions(0, u32::MAX, 0, 255)]);
        assert!(check_workbook(&declared, CELLS).is_err());
        // Last before first: calamine's subtraction wraps round.
        let inverted = workbook(&[], &[dimensions(10, 5, 0, 1)]);
        assert!(check_workbook(&inverted, CELLS).is_err());

        let mut sst = 0u32.to_le_bytes().to_vec();
        sst.extend_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let strings = workbook(&[rec(record::SST, &sst)], &[number(0, 0)]);
        let err = check_workbook(&strings, CELLS).unwrap_err();
        assert!(err.contains("claims 2147483647 strings"), "{err}");
    }

    #[test]
    fn continue_records_are_folded_and_truncation_ends_the_walk() {
        let stream = [
            rec(0x0203, &[1, 2]),
            rec(record::CONTINUE, &[3]),
            rec(record::CONTINUE, &[4]),
            rec(0x0204, &[5]),
        ]
        .concat();
        let seen: Vec<(u16, &[u8])> = records(&stream).collect();
        assert_eq!(seen, [(0x0203, &[1u8, 2][..]), (0x0204, &[5][..])]);
        let cut = &stream[..stream.len() - 1];
        assert_eq!(records(cut).count(), 1);
    }
}
