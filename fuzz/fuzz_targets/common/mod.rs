//! Shared by the per-reader targets: a visitor that reads every record and notes which
//! format and encoding each source was read as, small limits chosen by a fuzz byte, and the
//! routing check.
//!
//! Routing: each target builds input that the sniffer should send to one reader. Whether it
//! did is not asserted (a legitimately different sniff is not a bug), but an input that went
//! elsewhere is kept out of the corpus (`Corpus::Reject`) so the corpus grows toward the
//! reader under test. A source counts as routed when it was read as the intended format, or
//! when that format's reader refused it at opening (a corrupt SQLite file or workbook: the
//! reader ran). With `FANGXIAN_FUZZ_ROUTE=1` every input prints one line
//! `route <target> <hit|miss> <format> <encoding> <read|failed>` to stderr, to measure the
//! fraction by hand.
#![allow(dead_code)] // not every target uses every helper

use std::panic::AssertUnwindSafe;
use std::sync::{Mutex, OnceLock};

use fangxian_formats::{Error, Limits, RecordBatch, Source, SourceDone, TextEncoding};
use fangxian_formats::{Visitor, Walker};
use libfuzzer_sys::Corpus;

/// One source as the walk saw it.
pub struct Route {
    /// `Format::name()`, or the format named by a `Malformed` error.
    pub format: &'static str,
    pub encoding: Option<TextEncoding>,
    /// False when the reader refused the source at opening.
    pub read: bool,
}

/// What the walk saw: one entry per source (read or skipped) and per refused source.
#[derive(Default)]
pub struct Seen {
    pub sources: Vec<Route>,
    pub records: u64,
    batch: RecordBatch,
    bytes: usize,
}

impl Visitor for Seen {
    fn source(&mut self, src: &mut Source<'_>) -> Result<(), Error> {
        while src.next_batch(&mut self.batch)? {
            for record in self.batch.records() {
                let _ = record.index();
                let _ = record.table().header();
                for field in record.fields() {
                    self.bytes += field.value.len() + field.name.map_or(0, str::len);
                }
            }
        }
        let _ = (src.encoding(), src.records_read());
        Ok(())
    }

    fn source_done(&mut self, done: &SourceDone) {
        self.records += done.records;
        self.sources.push(Route {
            format: done.format.name(),
            encoding: done.encoding,
            read: true,
        });
    }

    fn error(&mut self, error: Error) {
        if let Error::Malformed { format, .. } = error {
            self.sources.push(Route {
                format,
                encoding: None,
                read: false,
            });
        }
    }
}

/// Small limits so that every limit path (record length, field count, JSON depth) is
/// reachable with inputs of a few kilobytes, and memory and time stay bounded. `sel` picks
/// the record and field limits.
pub fn limits(sel: u8) -> Limits {
    let record = [64 << 10, 4 << 10, 256, 16][usize::from(sel & 3)];
    Limits::default()
        .max_total_bytes(16 << 20)
        .max_ratio(100)
        .ratio_grace_bytes(1 << 20)
        .max_depth(4)
        .max_record_len(record)
        .max_json_depth(if sel & 4 != 0 { 8 } else { 64 })
        .max_fields(if sel & 8 != 0 { 3 } else { 1000 })
        .max_spill_bytes(8 << 20)
        .batch_bytes(4 << 10)
}

/// The last panic's message and location (see [`contain_caught_panics`]).
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Replaces libFuzzer's abort-at-once panic hook by one that only records the panic, so a
/// panic unwinds as it does in production: the sheet reader runs calamine under
/// `catch_unwind` (a hostile workbook's parser panic becomes an error for that workbook), and
/// such panics are contained here too. A panic that escapes the readers still aborts, in
/// [`read`], with its message (and its backtrace when `RUST_BACKTRACE` is set: unwinding has
/// lost the stack by then). With `FANGXIAN_FUZZ_ROUTE=1` every panic is printed.
pub fn contain_caught_panics() {
    drop(std::panic::take_hook());
    std::panic::set_hook(Box::new(|info| {
        let trace = std::backtrace::Backtrace::capture();
        let msg = match trace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("{info}\n{trace}"),
            _ => info.to_string(),
        };
        if route_log() {
            eprintln!("panic (contained unless reported as escaped): {msg}");
        }
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = msg;
    }));
}

/// Reads `data` as one stdin-like stream with `limits`.
pub fn read(data: &[u8], limits: Limits) -> Seen {
    let mut seen = Seen::default();
    let mut r = data;
    let walk = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = Walker::new(limits).read_stream("fuzz", &mut r, &mut seen);
    }));
    if walk.is_err() {
        let msg = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).clone();
        eprintln!("a panic escaped the readers: {msg}");
        std::process::abort();
    }
    seen
}

/// Replaces control bytes other than tab, LF and CR with characters from `alphabet` (the
/// format's structural characters), so the sniffer's binary check passes and random bytes
/// become quotes, delimiters, escapes and line ends rather than noise.
pub fn structural(body: &[u8], alphabet: &[u8]) -> Vec<u8> {
    body.iter()
        .map(|&b| {
            if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
                alphabet[usize::from(b) % alphabet.len()]
            } else {
                b
            }
        })
        .collect()
}

/// Overwrites `base` with patches read from `patch`: each is `[at_hi, at_lo, len, bytes…]`,
/// landing at `at % base.len()` but never inside `keep` bytes at the start (the magic that
/// routes the file). At most `max` patches.
pub fn patch(base: &mut [u8], mut patch: &[u8], keep: usize, max: usize) {
    for _ in 0..max {
        let [hi, lo, len, rest @ ..] = patch else {
            return;
        };
        let span = base.len().saturating_sub(keep);
        if span == 0 {
            return;
        }
        let at = keep + usize::from(u16::from_be_bytes([*hi, *lo])) % span;
        let n = usize::from(*len).min(rest.len()).min(base.len() - at);
        base[at..at + n].copy_from_slice(&rest[..n]);
        patch = &rest[usize::from(*len).min(rest.len())..];
    }
}

fn route_log() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FANGXIAN_FUZZ_ROUTE").is_some_and(|v| v == "1"))
}

/// Did some source of the walk go to the intended reader? Logs the answer when
/// `FANGXIAN_FUZZ_ROUTE=1`, and keeps inputs that missed out of the corpus.
pub fn routed(target: &str, seen: &Seen, want: impl Fn(&Route) -> bool) -> Corpus {
    // A source that was read beats the same reader's error for it (JSON that ends malformed
    // gives both).
    let hit = (seen.sources.iter().find(|r| r.read && want(r)))
        .or_else(|| seen.sources.iter().find(|r| want(r)));
    if route_log() {
        let (f, e, read) = hit
            .or(seen.sources.first())
            .map_or(("none", "-", "-"), |r| {
                (
                    r.format,
                    r.encoding.map_or("-", TextEncoding::name),
                    if r.read { "read" } else { "failed" },
                )
            });
        let verdict = if hit.is_some() { "hit" } else { "miss" };
        eprintln!("route {target} {verdict} {f} {e} {read}");
    }
    if hit.is_some() {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
}
