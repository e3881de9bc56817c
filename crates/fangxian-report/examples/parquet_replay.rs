//! Replays an existing findings Parquet file through [`ParquetFindings`] and prints the CPU time
//! (of every thread) of the writing alone, so encoder settings can be compared without
//! rescanning the input.
//!
//! `cargo run --release -p fangxian-report --example parquet_replay -- IN.parquet OUT.parquet [REPEAT [ROWS]]`

use std::fs::File;
use std::io::{BufWriter, Write};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int64Type};
use arrow_array::Array;
use fangxian_core::ItemKind;
use fangxian_report::ParquetFindings;
use fangxian_scan::summary::FindingRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// One finding, its strings held in shared tables so 8 M rows fit in memory.
struct Row {
    source: usize,
    record: u64,
    /// `usize::MAX` for a null field.
    field: usize,
    kind: ItemKind,
    value: (usize, usize),
    valid: bool,
    confidence: f32,
}

/// CPU nanoseconds of the whole process, every thread (Linux `/proc/self/stat`, user + system
/// time in clock ticks of 10 ms): the row groups are encoded on other threads.
fn process_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name, which is in parentheses and may hold spaces.
            let rest = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks =
                fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
            Some(ticks * 10_000_000)
        })
        .unwrap_or(0)
}

/// The index of `s` in `table`, added if missing. Sources and field names are few, and the
/// latest one is the likeliest, so a backwards scan is enough.
fn intern(table: &mut Vec<String>, s: &str) -> usize {
    if let Some(i) = table.iter().rposition(|t| t == s) {
        return i;
    }
    table.push(s.to_owned());
    table.len() - 1
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = match (args.get(1), args.get(2)) {
        (Some(i), Some(o)) => (i, o),
        _ => return Err("usage: parquet_replay IN.parquet OUT.parquet [REPEAT [ROWS]]".into()),
    };
    let repeat: usize = args.get(3).map_or(Ok(1), |s| s.parse())?;
    let limit: usize = args.get(4).map_or(Ok(usize::MAX), |s| s.parse())?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(input)?)?.build()?;
    let mut strings: Vec<String> = Vec::new();
    let mut values = String::new();
    let mut rows = Vec::new();
    for batch in reader {
        if rows.len() >= limit {
            break;
        }
        let batch = batch?;
        let source = batch.column(0).as_string::<i32>();
        let record = batch.column(1).as_primitive::<Int64Type>();
        let field = batch.column(2).as_string::<i32>();
        let kind = batch.column(3).as_string::<i32>();
        let value = batch.column(4).as_string::<i32>();
        let valid = batch.column(5).as_boolean();
        let confidence = batch.column(6).as_primitive::<Float32Type>();
        for i in 0..batch.num_rows() {
            let start = values.len();
            values.push_str(value.value(i));
            let k = kind.value(i);
            rows.push(Row {
                source: intern(&mut strings, source.value(i)),
                record: record.value(i) as u64,
                field: if field.is_null(i) {
                    usize::MAX
                } else {
                    intern(&mut strings, field.value(i))
                },
                kind: *ItemKind::ALL
                    .iter()
                    .find(|x| x.id() == k)
                    .ok_or("unknown type")?,
                value: (start, values.len()),
                valid: valid.value(i),
                confidence: confidence.value(i),
            });
        }
    }
    rows.truncate(limit);
    for _ in 0..repeat {
        let t0 = process_cpu_ns();
        let mut w = ParquetFindings::new(BufWriter::new(File::create(output)?))?;
        for r in &rows {
            w.write(&FindingRef {
                source: &strings[r.source],
                record: r.record,
                field: strings.get(r.field).map(String::as_str),
                kind: r.kind,
                value: &values[r.value.0..r.value.1],
                valid: r.valid,
                confidence: r.confidence,
            })?;
        }
        drop(w.close(false)?.into_inner()?);
        let ns = process_cpu_ns() - t0;
        let size = std::fs::metadata(output)?.len();
        writeln!(
            std::io::stdout().lock(),
            "{} rows, {:.3} CPU-s, {size} bytes",
            rows.len(),
            ns as f64 / 1e9,
        )?;
    }
    Ok(())
}
