//! Findings files: JSON Lines and Parquet, complete, partial and abandoned.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int64Type};
use arrow_array::Array;
use fangxian_core::ItemKind;
use fangxian_report::columnar::{findings_schema, ROW_GROUP_ROWS};
use fangxian_report::{partial_path, Error, FindingsWriter, Finished};
use fangxian_scan::summary::{FindingRef, FindingRow, FINDINGS_SCHEMA};
use fangxian_scan::FindingSink;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// `n` findings cycling through awkward strings: CJK, quotes, control characters, nulls.
fn rows(n: u64) -> Vec<FindingRow> {
    let sources = ["users.csv", "a.zip!/b.tar.gz!/c.csv", "日志 \"q\"\n.txt"];
    (0..n)
        .map(|i| FindingRow {
            source: sources[(i % 3) as usize].to_owned(),
            record: i + 1,
            field: if i % 4 == 0 {
                None
            } else {
                Some(format!("$.user[{}].手机", i % 7))
            },
            kind: if i % 2 == 0 {
                ItemKind::Mobile
            } else {
                ItemKind::ResidentId
            },
            value: format!("1380013{:04}\t\u{1}", i % 10_000),
            valid: i % 5 != 0,
            confidence: (i % 100) as f32 / 100.0,
        })
        .collect()
}

fn push_all(sink: &mut dyn FindingSink, rows: &[FindingRow]) {
    for r in rows {
        sink.push(&FindingRef::from(r)).unwrap();
    }
}

fn read_jsonl(path: &Path) -> Vec<FindingRow> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn read_parquet(path: &Path) -> (Vec<FindingRow>, Vec<(String, Option<String>)>) {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let kv: Vec<(String, Option<String>)> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kvs| {
            kvs.iter()
                .map(|kv| (kv.key.clone(), kv.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    let schema = builder.schema().clone();
    // Readers see exactly the declared Arrow schema: every string column Utf8 (not a dictionary
    // or view type, whatever the writer does internally), nullability as declared.
    assert_eq!(schema.fields(), findings_schema().fields());
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "source",
            "record",
            "field",
            "type",
            "value",
            "valid",
            "confidence"
        ]
    );
    let mut out = Vec::new();
    for batch in builder.build().unwrap() {
        let b = batch.unwrap();
        let source = b.column(0).as_string::<i32>();
        let record = b.column(1).as_primitive::<Int64Type>();
        let field = b.column(2).as_string::<i32>();
        let kind = b.column(3).as_string::<i32>();
        let value = b.column(4).as_string::<i32>();
        let valid = b.column(5).as_boolean();
        let conf = b.column(6).as_primitive::<Float32Type>();
        for i in 0..b.num_rows() {
            out.push(FindingRow {
                source: source.value(i).to_owned(),
                record: record.value(i) as u64,
                field: (!field.is_null(i)).then(|| field.value(i).to_owned()),
                kind: kind.value(i).parse().unwrap(),
                value: value.value(i).to_owned(),
                valid: valid.value(i),
                confidence: conf.value(i),
            });
        }
    }
    (out, kv)
}

/// JSON Lines keep 4 decimals of confidence; compare the rest exactly.
fn assert_same(got: &[FindingRow], want: &[FindingRow]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g.confidence - w.confidence).abs() < 1e-4, "{g:?} vs {w:?}");
        let mut g = g.clone();
        g.confidence = w.confidence;
        assert_eq!(&g, w);
    }
}

#[test]
fn jsonl_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.jsonl");
    let want = rows(10_000);
    let mut w = FindingsWriter::create(&path).unwrap();
    push_all(&mut w, &want);
    assert!(!path.exists(), "visible before finish");
    assert_eq!(w.rows(), 10_000);
    assert_eq!(
        w.finish_complete().unwrap(),
        Finished::Complete(path.clone())
    );
    assert_same(&read_jsonl(&path), &want);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn parquet_complete_spans_several_batches_and_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.parquet");
    // More than one 64 Ki batch and several row groups.
    let want = rows(ROW_GROUP_ROWS as u64 * 2 + 70_000);
    let mut w = FindingsWriter::create(&path).unwrap();
    push_all(&mut w, &want);
    assert!(!path.exists(), "visible before finish");
    FindingSink::finish(&mut w).unwrap();
    let (got, kv) = read_parquet(&path);
    assert_eq!(got, want);
    assert!(kv.contains(&("schema".to_owned(), Some(FINDINGS_SCHEMA.to_owned()))));
    assert!(!kv.iter().any(|(k, _)| k == "fangxian.partial"));
    let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
        .unwrap()
        .metadata()
        .clone();
    let sizes: Vec<i64> = meta.row_groups().iter().map(|g| g.num_rows()).collect();
    let full = ROW_GROUP_ROWS as i64;
    assert_eq!(sizes, [full, full, 70_000]);
}

/// Pushes `rows` into `w` as a scan does: runs of findings encoded into chunks by several
/// encoders in turn (one per worker), with single findings in between.
fn push_as_chunks(w: &mut FindingsWriter, rows: &[FindingRow], run: usize) {
    let mut encoders: Vec<_> = (0..3).map(|_| w.chunk_encoder().unwrap()).collect();
    for (i, part) in rows.chunks(run).enumerate() {
        if i % 4 == 3 {
            push_all(w, part);
            continue;
        }
        let mut refs = part.iter().map(FindingRef::from);
        let chunk = encoders[i % 3].encode(&mut refs).unwrap();
        assert_eq!(chunk.rows, part.len() as u64);
        w.push_chunk(chunk).unwrap();
    }
}

/// Findings that arrive as chunks encoded on other threads land in order, between the ones
/// written one by one, and the Parquet file is the same byte for byte whether one thread or
/// four encode its row groups.
#[test]
fn chunks_and_single_findings_keep_their_order() {
    let want = rows(ROW_GROUP_ROWS as u64 + 150_000);
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for threads in [1, 4] {
        let path = dir.path().join(format!("findings-{threads}.parquet"));
        let mut w = FindingsWriter::create(&path)
            .unwrap()
            .encoder_threads(threads);
        push_as_chunks(&mut w, &want, 40_000);
        assert_eq!(w.rows(), want.len() as u64);
        w.finish_complete().unwrap();
        assert_eq!(read_parquet(&path).0, want, "{threads} threads");
        files.push(std::fs::read(&path).unwrap());
    }
    assert!(
        files[0] == files[1],
        "the file depends on the encoder threads"
    );

    // Encoder threads mean nothing to JSON Lines, and setting them keeps the writer working.
    let path = dir.path().join("findings.jsonl");
    let mut w = FindingsWriter::create(&path).unwrap().encoder_threads(2);
    push_as_chunks(&mut w, &want[..50_000], 7_000);
    w.finish_complete().unwrap();
    assert_same(&read_jsonl(&path), &want[..50_000]);
}

/// A chunk made by another kind of writer is refused with an error, and nothing is written.
#[test]
fn a_foreign_chunk_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = FindingsWriter::create(dir.path().join("a.jsonl")).unwrap();
    let mut parquet = FindingsWriter::create(dir.path().join("b.parquet")).unwrap();
    let r = &rows(1)[0];
    let chunk = jsonl
        .chunk_encoder()
        .unwrap()
        .encode(&mut std::iter::once(FindingRef::from(r)))
        .unwrap();
    let err = parquet.push_chunk(chunk).unwrap_err();
    assert!(
        err.to_string().contains("not made by a Parquet encoder"),
        "{err}"
    );
    assert_eq!(parquet.rows(), 0);
}

#[test]
fn interrupted_scan_keeps_a_valid_partial_file_under_another_name() {
    for ext in ["jsonl", "parquet"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("findings.{ext}"));
        // An older complete file must not survive to pass for this run's result.
        std::fs::write(&path, "old run").unwrap();
        let want = rows(1234);
        let mut w = FindingsWriter::create(&path).unwrap();
        push_all(&mut w, &want);
        let done = w.finish_partial().unwrap();
        let partial = partial_path(&path);
        assert_eq!(done, Finished::Partial(partial.clone()));
        assert!(!path.exists(), "{ext}: complete name used by a partial run");
        if ext == "jsonl" {
            assert_same(&read_jsonl(&partial), &want);
        } else {
            let (got, kv) = read_parquet(&partial);
            assert_eq!(got, want);
            assert!(kv.contains(&("fangxian.partial".to_owned(), Some("true".to_owned()))));
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "{ext}");
    }
}

/// `value`, `type` and `field` carry no statistics (their min/max can prune nothing and cost
/// two string comparisons per finding); the other columns keep theirs.
#[test]
fn parquet_statistics_only_where_they_can_prune() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.parquet");
    let want = rows(10_000);
    let mut w = FindingsWriter::create(&path).unwrap();
    push_all(&mut w, &want);
    w.finish_complete().unwrap();
    let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
        .unwrap()
        .metadata()
        .clone();
    let group = meta.row_group(0);
    for chunk in group.columns() {
        let name = chunk.column_path().string();
        let stats = chunk.statistics();
        if ["value", "type", "field"].contains(&name.as_str()) {
            assert!(stats.is_none(), "{name} has statistics: {stats:?}");
        } else {
            let stats = stats.unwrap_or_else(|| panic!("{name} lost its statistics"));
            assert!(stats.min_bytes_opt().is_some(), "{name}: {stats:?}");
        }
    }
    let source = group.column(0).statistics().unwrap();
    assert_eq!(
        source.min_bytes_opt(),
        Some("a.zip!/b.tar.gz!/c.csv".as_bytes())
    );
    assert_eq!(source.max_bytes_opt(), Some("日志 \"q\"\n.txt".as_bytes()));
    assert_eq!(read_parquet(&path).0, want);
}

/// Every column chunk is zstd-compressed; only `source` uses a dictionary (the repetition of
/// `field`, `type` and `confidence` is left to zstd, `value` and `record` are nearly distinct).
#[test]
fn parquet_compression_and_dictionaries() {
    use parquet::basic::{Compression, Encoding};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.parquet");
    let mut w = FindingsWriter::create(&path).unwrap();
    push_all(&mut w, &rows(10_000));
    w.finish_complete().unwrap();
    let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
        .unwrap()
        .metadata()
        .clone();
    for chunk in meta.row_group(0).columns() {
        let name = chunk.column_path().string();
        assert!(
            matches!(chunk.compression(), Compression::ZSTD(_)),
            "{name}: {:?}",
            chunk.compression()
        );
        let dictionary = chunk.encodings().any(|e| e == Encoding::RLE_DICTIONARY);
        assert_eq!(dictionary, name == "source", "{name}");
    }
}

#[test]
fn failed_scan_leaves_nothing() {
    for ext in ["jsonl", "parquet"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("findings.{ext}"));
        {
            let mut w = FindingsWriter::create(&path).unwrap();
            push_all(&mut w, &rows(100_000));
            // Dropped without finish: the scan failed.
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{ext}");
    }
}

#[test]
fn finishing_twice_or_writing_after_finish_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = FindingsWriter::create(dir.path().join("f.jsonl")).unwrap();
    w.finish_complete().unwrap();
    assert!(matches!(w.finish_complete(), Err(Error::Finished { .. })));
    assert!(FindingSink::push(
        &mut w,
        &FindingRef {
            source: "s",
            record: 1,
            field: None,
            kind: ItemKind::Email,
            value: "a@b.cn",
            valid: true,
            confidence: 1.0,
        }
    )
    .is_err());
}

#[test]
fn format_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let err = FindingsWriter::create(dir.path().join("findings.csv")).unwrap_err();
    assert!(matches!(err, Error::UnknownFindingsFormat { .. }));
    assert!(err.to_string().contains(".parquet"));
    let mut w = FindingsWriter::create(dir.path().join("UPPER.PARQUET")).unwrap();
    push_all(&mut w, &rows(3));
    w.finish_complete().unwrap();
    let (got, _) = read_parquet(&dir.path().join("UPPER.PARQUET"));
    assert_eq!(got.len(), 3);
}

/// Throughput, for the record (run with `--release -- --ignored --nocapture`).
#[test]
#[ignore = "measurement, not a check"]
fn throughput() {
    let dir = tempfile::tempdir().unwrap();
    let n = 5_000_000u64;
    let values: Vec<String> = (0..1000).map(|i| format!("1380013{i:04}")).collect();
    for ext in ["jsonl", "parquet"] {
        let path = dir.path().join(format!("findings.{ext}"));
        let start = std::time::Instant::now();
        let mut w = FindingsWriter::create(&path).unwrap();
        for i in 0..n {
            w.push(&FindingRef {
                source: "case-0001/users.csv",
                record: i + 1,
                field: Some("mobile"),
                kind: ItemKind::Mobile,
                value: &values[(i % 1000) as usize],
                valid: true,
                confidence: 0.97,
            })
            .unwrap();
        }
        w.finish_complete().unwrap();
        let secs = start.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&path).unwrap().len();
        eprintln!(
            "{ext}: {n} findings in {secs:.2} s = {:.2} M findings/s, {:.1} MB",
            n as f64 / secs / 1e6,
            bytes as f64 / 1e6
        );
    }
}
