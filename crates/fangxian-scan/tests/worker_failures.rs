//! A worker that fails — its spill file can't be written, its encoder errs or panics — must
//! end the scan with that error, never leave it waiting for ever on the batch it lost.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use fangxian_core::recognize::Recognizer;
use fangxian_formats::Limits;
use fangxian_scan::pipeline::{scan, Progress, ScanError, ScanOptions};
use fangxian_scan::summary::FindingRef;
use fangxian_scan::{Chunk, ChunkEncoder, FindingSink, Summary};

/// Files of `rows` customer rows each, every mobile and e-mail distinct, so the distinct sets
/// grow steadily (and must spill under a small budget).
fn write_inputs(dir: &Path, files: u32, rows: u32) {
    for f in 0..files {
        let mut s = String::from("姓名,手机号,电子邮箱\n");
        for r in 0..rows {
            let n = f * rows + r;
            s.push_str(&format!("张伟,139{n:08},user{n}@example.com\n"));
        }
        std::fs::write(dir.join(format!("t{f:02}.csv")), s).unwrap();
    }
}

/// How an encoder made by [`Failing`] fails.
#[derive(Clone, Copy)]
enum Failure {
    Error,
    Panic,
}

/// A sink whose workers' encoders fail on their third batch.
struct Failing(Failure);

struct FailingEncoder {
    failure: Failure,
    batches: u32,
}

impl ChunkEncoder for FailingEncoder {
    fn encode(
        &mut self,
        findings: &mut dyn ExactSizeIterator<Item = FindingRef<'_>>,
    ) -> std::io::Result<Chunk> {
        self.batches += 1;
        if self.batches == 3 {
            match self.failure {
                Failure::Error => return Err(std::io::Error::other("encoder out of space")),
                Failure::Panic => panic!("encoder bug"),
            }
        }
        Ok(Chunk {
            rows: findings.len() as u64,
            data: Box::new(()),
        })
    }
}

impl FindingSink for Failing {
    fn push(&mut self, _: &FindingRef<'_>) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn chunk_encoder(&self) -> Option<Box<dyn ChunkEncoder>> {
        Some(Box::new(FailingEncoder {
            failure: self.0,
            batches: 0,
        }))
    }
    fn push_chunk(&mut self, _: Chunk) -> std::io::Result<()> {
        Ok(())
    }
}

/// A sink that wants no findings.
struct Counting;

impl FindingSink for Counting {
    fn wants_findings(&self) -> bool {
        false
    }
    fn push(&mut self, _: &FindingRef<'_>) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs a scan of `dir` on another thread and returns its result, failing the test if it has
/// not ended within a minute (it takes well under a second).
fn scan_within_a_minute(
    dir: PathBuf,
    options: ScanOptions,
    mut sink: impl FindingSink + 'static,
) -> Result<Summary, ScanError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let result = scan(
            &[dir],
            &options,
            &Recognizer::new(),
            &mut sink,
            &Progress::default(),
        );
        let _ = tx.send(result);
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the scan ended instead of waiting for ever")
}

fn options(threads: usize) -> ScanOptions {
    ScanOptions {
        threads,
        // Many small batches, so several are in flight when one fails.
        limits: Limits::default().batch_bytes(4096),
        hash_key: Some((1, 2)),
        ..ScanOptions::default()
    }
}

#[test]
fn a_spill_that_cannot_be_written_fails_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path(), 6, 3000);
    // A file where the spill directory should be: creating the spill files fails.
    let not_a_dir = dir.path().join("not-a-directory");
    std::fs::write(&not_a_dir, b"").unwrap();
    for threads in [1, 2, 4] {
        let options = ScanOptions {
            // A tiny budget: the distinct sets spill after a few thousand values.
            mem_limit: 256 << 10,
            spill_dir: Some(not_a_dir.clone()),
            ..options(threads)
        };
        let result = scan_within_a_minute(dir.path().to_owned(), options, Counting);
        match result {
            Err(ScanError::Dedup(e)) => assert!(
                e.to_string().contains("not-a-directory"),
                "the error names the spill directory: {e}"
            ),
            other => panic!("{threads} threads: expected a spill error, got {other:?}"),
        }
    }
}

#[test]
fn an_encoder_error_or_panic_fails_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    write_inputs(dir.path(), 4, 2000);
    for threads in [1, 2, 4] {
        let result = scan_within_a_minute(
            dir.path().to_owned(),
            options(threads),
            Failing(Failure::Error),
        );
        match result {
            Err(ScanError::Sink(e)) => assert_eq!(e.to_string(), "encoder out of space"),
            other => panic!("{threads} threads: expected the encoder's error, got {other:?}"),
        }
        let result = scan_within_a_minute(
            dir.path().to_owned(),
            options(threads),
            Failing(Failure::Panic),
        );
        match result {
            Err(ScanError::Worker(message)) => assert_eq!(message, "encoder bug"),
            other => panic!("{threads} threads: expected the worker's panic, got {other:?}"),
        }
    }
}
