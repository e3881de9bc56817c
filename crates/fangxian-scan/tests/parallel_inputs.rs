//! Several walkers read inputs at once; the scan's outputs must not depend on how many.

use std::io::Write;
use std::path::Path;

use fangxian_core::recognize::Recognizer;
use fangxian_formats::Limits;
use fangxian_scan::pipeline::{scan, Progress, ScanOptions};
use fangxian_scan::summary::FindingRef;
use fangxian_scan::{Chunk, ChunkEncoder, FindingRow, FindingSink, Summary};

/// A customer table of `rows` rows; values depend on `seed`, and persons repeat across files.
fn table(seed: u32, rows: u32) -> String {
    // Resident IDs with a correct GB 11643 check digit.
    fn id(n: u32) -> String {
        let body = format!(
            "110105{}{:02}{:02}{:03}",
            1950 + n % 50,
            1 + n % 12,
            1 + n % 28,
            n % 1000
        );
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body
            .bytes()
            .zip(weights)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!(
            "{body}{}",
            ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][(sum % 11) as usize]
        )
    }
    let mut s = String::from("姓名,身份证号,手机号,住址\n");
    for r in 0..rows {
        let n = (seed * 7919 + r * 31) % 600;
        s.push_str(&format!(
            "张{},{},138{:08},北京市朝阳区建国路{}号\n",
            ["伟", "芳", "娜", "敏"][(n % 4) as usize],
            id(n),
            n * 13,
            n % 200
        ));
    }
    s
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A sink that takes findings as chunks its encoders made on the workers, as the Parquet and
/// JSON Lines writers do; each chunk is a vector of rows.
#[derive(Default)]
struct Chunked {
    rows: Vec<FindingRow>,
    chunks: u64,
}

struct RowEncoder;

impl ChunkEncoder for RowEncoder {
    fn encode(
        &mut self,
        findings: &mut dyn ExactSizeIterator<Item = FindingRef<'_>>,
    ) -> std::io::Result<Chunk> {
        let rows: Vec<FindingRow> = findings.map(|f| f.to_row()).collect();
        Ok(Chunk {
            rows: rows.len() as u64,
            data: Box::new(rows),
        })
    }
}

impl FindingSink for Chunked {
    fn push(&mut self, finding: &FindingRef<'_>) -> std::io::Result<()> {
        self.rows.push(finding.to_row());
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn chunk_encoder(&self) -> Option<Box<dyn ChunkEncoder>> {
        Some(Box::new(RowEncoder))
    }
    fn push_chunk(&mut self, chunk: Chunk) -> std::io::Result<()> {
        let rows = chunk.data.downcast::<Vec<FindingRow>>().unwrap();
        assert_eq!(chunk.rows, rows.len() as u64);
        self.rows.extend(*rows);
        self.chunks += 1;
        Ok(())
    }
}

fn run(dir: &Path, threads: usize) -> (Summary, Vec<FindingRow>) {
    let mut findings: Vec<FindingRow> = Vec::new();
    let summary = run_into(dir, threads, &mut findings);
    (summary, findings)
}

fn run_into(dir: &Path, threads: usize, sink: &mut dyn FindingSink) -> Summary {
    let options = ScanOptions {
        threads,
        // Small batches: every input spans many, so batches of several inputs interleave.
        limits: Limits::default().batch_bytes(4096),
        hash_key: Some((3, 4)),
        ..ScanOptions::default()
    };
    let mut summary = scan(
        &[dir.to_path_buf()],
        &options,
        &Recognizer::new(),
        sink,
        &Progress::default(),
    )
    .unwrap();
    summary.method.threads = 0;
    summary.method.started = String::new();
    summary.method.elapsed_seconds = 0.0;
    summary
}

#[test]
fn findings_and_counts_do_not_depend_on_the_number_of_readers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Inputs of very different sizes (so walkers finish out of order), in nested directories,
    // with an empty file and a truncated gzip among them.
    for i in 0..14u32 {
        let rows = [3, 400, 40, 1200, 0, 90][i as usize % 6];
        let sub = if i % 3 == 0 { "a" } else { "b/c" };
        write(
            &root.join(format!("{sub}/t{i:02}.csv")),
            table(i, rows).as_bytes(),
        );
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(table(99, 800).as_bytes()).unwrap();
    let mut gz = gz.finish().unwrap();
    gz.truncate(gz.len() / 2);
    write(&root.join("b/cut.csv.gz"), &gz);

    let (one, one_findings) = run(root, 1);
    assert!(one.records.total > 3000, "{:?}", one.records);
    assert!(one
        .problems
        .iter()
        .any(|p| p.source.ends_with("cut.csv.gz")));
    let names: Vec<&str> = one.inputs.iter().map(|i| i.source.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "inputs are listed in walk order");
    for threads in [2, 3, 5] {
        let (many, many_findings) = run(root, threads);
        assert_eq!(many, one, "summary with {threads} threads");
        assert!(
            many_findings == one_findings,
            "findings with {threads} threads differ ({} vs {})",
            many_findings.len(),
            one_findings.len()
        );
    }
    // A sink whose encoders run on the workers gets the same findings, in the same order,
    // as chunks (one per batch that has findings).
    for threads in [1, 3] {
        let mut chunked = Chunked::default();
        let summary = run_into(root, threads, &mut chunked);
        assert_eq!(summary, one, "summary with chunks and {threads} threads");
        assert!(chunked.chunks > 50, "{} chunks", chunked.chunks);
        assert!(
            chunked.rows == one_findings,
            "chunked findings with {threads} threads differ ({} vs {})",
            chunked.rows.len(),
            one_findings.len()
        );
    }
}
