//! The bounded parallel pipeline.
//!
//! ```text
//!  M walkers  ──bounded──▶  N workers  ──bounded──▶  collector
//!  read inputs,            recognise, tally,        order, write findings,
//!  profile tables          de-duplicate,            merge tallies
//!                          encode findings
//!      ◀─────────── recycled batches (one pool per walker) ───────────
//! ```
//!
//! The inputs are listed first ([`Walker::inputs`]); walker threads take them in turn, so
//! several files (and their decompression) are read at once. A walker reads its input's
//! sources (`fangxian-formats` readers are not `Send`), profiles each table's columns once
//! from its first batch, and sends batches to the workers over a bounded channel. Each walker
//! has a fixed pool of batches, so memory stays bounded whatever the input size
//! (back-pressure: a walker waits for a recycled batch). Workers run the recognizers, count
//! each record into a [`BatchTally`] and insert its hashes into the shared exact distinct sets.
//! When the sink offers a [`ChunkEncoder`], each worker also encodes its batch's findings
//! (into Arrow arrays or JSON lines), so that the costly part of writing them runs on every
//! core. The collector restores input order — input by input, batch by batch — so findings
//! files are deterministic whatever the threads, hands findings or chunks to the sink, merges
//! tallies, and returns each batch to its walker's pool. Per-walker pools are what keep this
//! free of deadlock: the walker of the earliest unfinished input never waits for batches the
//! collector is holding back for later inputs.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};
use fangxian_core::recognize::{ColumnProfile, Finding, HeaderHint, Recognizer, Scratch};
use fangxian_core::validate::date::Date;
use fangxian_core::validate::{normalize, Signals};
use fangxian_core::{ContentClass, ItemKind};
use fangxian_formats::{
    Error as FormatError, InputInfo as FormatInput, Limits, RecordBatch, Source, SourceDone,
    TopInput, Visitor, Walker, Warning,
};

use crate::dedup::{DistinctSets, KeyedHasher, Pending};
use crate::summary::{
    Chunk, ChunkEncoder, FindingRef, FindingSink, InputInfo, Method, Problem, Summary,
};
use crate::tally::{BatchTally, RecordItem, Tally, NAMESPACES};

/// Values sampled per column to profile it.
const PROFILE_SAMPLES: usize = 256;
/// Hashes a worker queues before inserting them into the distinct sets: few enough (at 32
/// bytes each) for the queue to stay in the core's cache between filling and inserting, many
/// enough that each shard's lock is taken for a run of inserts, not for one.
const FLUSH_HASHES: usize = 16 * 1024;

/// How often a walker waiting for a free batch looks whether the scan was cancelled.
const CANCEL_POLL: Duration = Duration::from_millis(50);
/// Problems kept in the summary; beyond this only a count is kept.
const MAX_PROBLEMS: usize = 10_000;

/// Errors that stop a scan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// Writing findings failed.
    #[error("writing findings: {0}")]
    Sink(#[source] std::io::Error),
    /// The exact distinct counter could not spill to or read from disk.
    #[error(transparent)]
    Dedup(#[from] crate::dedup::DedupError),
    /// A worker thread panicked (a bug: please report it with the input that caused it).
    #[error("a scan worker failed: {0}")]
    Worker(String),
}

/// How to scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Worker threads (≥ 1).
    pub threads: usize,
    /// Memory budget for the whole scan in bytes, shared as [`ScanOptions::distinct_budget`],
    /// [`ScanOptions::batch_budget`] and [`ScanOptions::sink_budget`] say.
    pub mem_limit: u64,
    /// Where the distinct sets spill (system temp dir when `None`).
    pub spill_dir: Option<PathBuf>,
    /// Follow symbolic links inside directories.
    pub follow_symlinks: bool,
    /// Reader limits (decompression, nesting, record length).
    pub limits: Limits,
    /// The key for value hashes; random when `None`.
    pub hash_key: Option<(u64, u64)>,
    /// Directories never entered (the scan's own output folder).
    pub exclude: Vec<PathBuf>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: std::thread::available_parallelism().map_or(2, usize::from),
            mem_limit: 2 << 30,
            spill_dir: None,
            follow_symlinks: false,
            limits: Limits::default(),
            hash_key: None,
            exclude: Vec::new(),
        }
    }
}

impl ScanOptions {
    /// The share of [`ScanOptions::mem_limit`] the exact distinct sets keep in memory before
    /// they spill: half.
    pub fn distinct_budget(&self) -> u64 {
        self.mem_limit / 2
    }

    /// The share of [`ScanOptions::mem_limit`] for record batches in flight: a quarter.
    pub fn batch_budget(&self) -> u64 {
        self.mem_limit / 4
    }

    /// What [`ScanOptions::mem_limit`] leaves to the readers and the findings sink: a
    /// quarter (a sink sizes its buffers and threads to it).
    pub fn sink_budget(&self) -> u64 {
        self.mem_limit - self.distinct_budget() - self.batch_budget()
    }
}

/// Live counters for a progress display; read them from any thread.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of top-level inputs read so far.
    pub bytes: AtomicU64,
    /// Total bytes of the inputs, when known in advance.
    pub total_bytes: AtomicU64,
    /// Records read so far.
    pub records: AtomicU64,
    /// Findings so far.
    pub items: AtomicU64,
    /// Set to stop the scan early (Ctrl-C); the summary is then marked partial.
    pub cancel: AtomicBool,
}

/// The profiles of one table's columns, computed once from its first batch.
#[derive(Debug, Default)]
struct TableProfile {
    /// By column name (header or JSON path).
    by_name: HashMap<String, ColumnProfile>,
    /// By 0-based column position, for tables without a header.
    by_column: Vec<ColumnProfile>,
    /// By 0-based column position, for tables with a header: the same profiles as `by_name`,
    /// found without hashing the column name for every field.
    by_header_column: Vec<Option<ColumnProfile>>,
    /// What the table's headers say the records are about.
    class: Option<ContentClass>,
}

/// Where a batch belongs in the scan's order: its input's position in the list of inputs,
/// then its position in that input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seq {
    input: u64,
    batch: u64,
}

struct Work {
    seq: Seq,
    /// The walker whose pool the batch returns to.
    walker: usize,
    batch: RecordBatch,
    /// Profiles of the tables in this batch, by [`fangxian_formats::Record::table_index`].
    tables: Vec<Arc<TableProfile>>,
}

struct Done {
    seq: Seq,
    walker: usize,
    batch: RecordBatch,
    tally: BatchTally,
    findings: FindingBuf,
    /// The batch's findings as encoded by the sink's [`ChunkEncoder`] on the worker, when the
    /// sink has one (then `findings.rows` is empty).
    chunk: Option<Chunk>,
}

/// The findings of one batch, in one arena.
#[derive(Default)]
struct FindingBuf {
    text: String,
    rows: Vec<FindingSlot>,
    /// Findings of the batch, whether or not `rows` holds them.
    found: u64,
    /// By field position: the address and length of the column name last put in `text` for
    /// that position, and its span there ([`FindingBuf::push_name`]).
    names: Vec<(usize, usize, (u32, u32))>,
}

struct FindingSlot {
    record: u64,
    field: Option<(u32, u32)>,
    kind: ItemKind,
    value: (u32, u32),
    valid: bool,
    confidence: f32,
}

impl FindingBuf {
    fn push_str(&mut self, s: &str) -> (u32, u32) {
        let start = self.text.len();
        self.text.push_str(s);
        (to_u32(start), to_u32(self.text.len()))
    }

    /// The span of column name `name` of field `field` in the arena, copying it there only
    /// when that field's last name was another string: the records of a table share their
    /// column names (one string in the batch), so a name is copied once per batch, not once
    /// per record. Within a batch, equal address and length mean the same string.
    fn push_name(&mut self, field: usize, name: &str) -> (u32, u32) {
        let key = (name.as_ptr() as usize, name.len());
        if let Some(&(ptr, len, span)) = self.names.get(field) {
            if (ptr, len) == key {
                return span;
            }
        }
        let span = self.push_str(name);
        if field >= self.names.len() {
            self.names.resize(field + 1, (0, 0, (0, 0)));
        }
        self.names[field] = (key.0, key.1, span);
        span
    }

    /// Empties the arena for another batch.
    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.names.clear();
        self.found = 0;
    }

    fn get(&self, (start, end): (u32, u32)) -> &str {
        &self.text[start as usize..end as usize]
    }

    /// The batch's finding rows, in order.
    fn refs<'a>(&'a self, source: &'a str) -> impl ExactSizeIterator<Item = FindingRef<'a>> {
        self.rows.iter().map(move |row| FindingRef {
            source,
            record: row.record,
            field: row.field.map(|f| self.get(f)),
            kind: row.kind,
            value: self.get(row.value),
            valid: row.valid,
            confidence: row.confidence,
        })
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Scans `paths` (files, directories, `-` for stdin), writing findings into `sink`.
///
/// Returns the summary; it is marked `partial` when the scan was cancelled through
/// `progress.cancel`. Problems with single inputs never fail the scan: they are listed in
/// [`Summary::problems`].
///
/// # Errors
/// When findings cannot be written or the distinct sets cannot spill to disk.
pub fn scan(
    paths: &[PathBuf],
    options: &ScanOptions,
    recognizer: &Recognizer,
    sink: &mut dyn FindingSink,
    progress: &Progress,
) -> Result<Summary, ScanError> {
    let started = Instant::now();
    let started_at = rfc3339_now();
    let threads = options.threads.max(1);
    let hasher = options
        .hash_key
        .map_or_else(KeyedHasher::random, |(a, b)| KeyedHasher::with_key(a, b));
    let batch_bytes = options.limits.batch_bytes.max(64 << 10) as u64;
    // Batches in flight: enough to keep every worker busy while the collector writes, few
    // enough to stay well inside the memory budget (each holds ~batch_bytes of text plus
    // findings of about the same size).
    let pool_size = (threads * 3).clamp(
        3,
        usize::try_from((options.batch_budget() / (batch_bytes * 3)).max(3)).unwrap_or(3),
    );
    let tally_budget = options.distinct_budget();

    let walker = Walker::new(options.limits.clone())
        .follow_symlinks(options.follow_symlinks)
        .hash_inputs(true)
        .exclude(&options.exclude);
    let inputs = walker.inputs(paths);
    // More walkers than inputs would idle; more than threads would only compete with the
    // workers for the cores.
    let walkers = threads.min(inputs.len()).max(1);
    let queue: Mutex<VecDeque<(u64, TopInput)>> =
        Mutex::new((0u64..).zip(inputs).collect::<VecDeque<_>>());
    // Each walker gets its share of the batch pool, at least two so that one batch can be
    // filled while another is processed.
    let per_walker = (pool_size / walkers).max(2);
    let in_flight = per_walker * walkers;

    let (work_tx, work_rx) = bounded::<Work>(in_flight);
    let (done_tx, done_rx) = bounded::<ToCollector>(in_flight + walkers);
    let (pool_txs, pool_rxs): (Vec<_>, Vec<_>) = (0..walkers)
        .map(|_| {
            let (tx, rx) = bounded::<RecordBatch>(per_walker);
            for _ in 0..per_walker {
                let _ = tx.send(RecordBatch::new());
            }
            (tx, rx)
        })
        .unzip();
    // Finding arenas go back from the collector to the workers, so their buffers (about a
    // batch's size each) are allocated once instead of page-faulted in for every batch.
    let (spare_tx, spare_rx) = crossbeam_channel::unbounded::<FindingBuf>();

    let sets = DistinctSets::new(NAMESPACES, tally_budget, options.spill_dir.clone());
    let mut tally = Tally::new();
    let shared = WorkerShared {
        recognizer,
        hasher,
        sets: &sets,
        progress,
        keep_rows: sink.wants_findings(),
    };
    // What each walker met: (inputs, problems, problems not kept).
    let mut met: Vec<WalkerReport> = Vec::with_capacity(walkers);
    let collected: Result<(), ScanError> = std::thread::scope(|scope| {
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let rx = work_rx.clone();
            let tx = done_tx.clone();
            let spare = spare_rx.clone();
            let shared = &shared;
            let encoder = if shared.keep_rows {
                sink.chunk_encoder()
            } else {
                None
            };
            workers.push(scope.spawn(move || worker(shared, encoder, &rx, &tx, &spare)));
        }
        drop(work_rx);
        drop(spare_rx);
        let tally = &mut tally;
        let collector =
            scope.spawn(move || collect(&done_rx, &pool_txs, &spare_tx, sink, tally, progress));

        let walker_threads: Vec<_> = pool_rxs
            .into_iter()
            .enumerate()
            .map(|(index, pool_rx)| {
                let mut visitor = WalkVisitor {
                    recognizer,
                    walker: index,
                    work_tx: work_tx.clone(),
                    done_tx: done_tx.clone(),
                    pool_rx,
                    input: 0,
                    batches: 0,
                    spare: None,
                    profiles: HashMap::new(),
                    progress,
                    inputs: Vec::new(),
                    problems: Vec::new(),
                    problems_dropped: 0,
                };
                let (walker, queue) = (&walker, &queue);
                scope.spawn(move || {
                    loop {
                        let next = queue
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .pop_front();
                        let Some((index, input)) = next else { break };
                        visitor.input = index;
                        visitor.batches = 0;
                        let name = input.name().to_owned();
                        let read = visitor
                            .read_guarded(&name, |visitor| walker.read_input(input, visitor));
                        if let Err(FormatError::Cancelled) = read {
                            // Interrupted, or the workers or collector stopped: the scan is
                            // partial, and the other walkers stop at their next batch.
                            progress.cancel.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                    // The rest of the visitor, its channels included, is dropped here: once
                    // every walker has, the workers and then the collector finish.
                    let WalkVisitor {
                        inputs,
                        problems,
                        problems_dropped,
                        ..
                    } = visitor;
                    (inputs, problems, problems_dropped)
                })
            })
            .collect();
        drop(work_tx);
        drop(done_tx);
        for w in walker_threads {
            met.push(w.join().map_err(|e| ScanError::Worker(panic_message(&e)))?);
        }
        for w in workers {
            w.join()
                .map_err(|e| ScanError::Worker(panic_message(&e)))??;
        }
        collector
            .join()
            .map_err(|e| ScanError::Worker(panic_message(&e)))?
    });
    collected?;

    let cancelled = progress.cancel.load(Ordering::Relaxed);
    let mut summary = tally.summarize(&sets.count(threads)?);
    // Inputs and problems in input order, whichever walker met them.
    let mut inputs: Vec<(u64, InputInfo)> = Vec::new();
    let mut problems: Vec<(u64, Problem)> = Vec::new();
    let mut problems_dropped = 0;
    for (walker_inputs, walker_problems, dropped) in met {
        inputs.extend(walker_inputs);
        problems.extend(walker_problems);
        problems_dropped += dropped;
    }
    inputs.sort_by_key(|(index, _)| *index);
    problems.sort_by_key(|(index, _)| *index);
    if problems.len() > MAX_PROBLEMS {
        problems_dropped += (problems.len() - MAX_PROBLEMS) as u64;
        problems.truncate(MAX_PROBLEMS);
    }
    summary.inputs = inputs.into_iter().map(|(_, i)| i).collect();
    summary.bytes_scanned = summary.inputs.iter().map(|i| i.bytes).sum();
    summary.problems = problems.into_iter().map(|(_, p)| p).collect();
    if problems_dropped > 0 {
        summary.problems.push(Problem {
            source: String::new(),
            status: "partial".to_owned(),
            offset: None,
            line: None,
            message: format!("{problems_dropped} more problems not listed"),
        });
    }
    summary.partial = cancelled;
    summary.method = Method {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        threads,
        started: started_at,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        person_key: "valid cn_resident_id values; else valid cn_mobile values; else the first person_name + address pair".to_owned(),
    };
    Ok(summary)
}

fn panic_message(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

/// One walker thread's state: it reads one input at a time.
struct WalkVisitor<'a> {
    recognizer: &'a Recognizer,
    /// This walker's number (its pool's index).
    walker: usize,
    work_tx: Sender<Work>,
    /// To tell the collector how many batches each input had.
    done_tx: Sender<ToCollector>,
    pool_rx: Receiver<RecordBatch>,
    /// The input being read (its index in the list of inputs).
    input: u64,
    /// Batches of that input sent so far.
    batches: u64,
    /// A batch taken from the pool but not sent (the source ended); used first next time.
    spare: Option<RecordBatch>,
    /// Profiles of the current source's tables (sources are read one at a time).
    profiles: HashMap<String, Arc<TableProfile>>,
    progress: &'a Progress,
    /// The inputs read, by index.
    inputs: Vec<(u64, InputInfo)>,
    /// Problems met, by input index.
    problems: Vec<(u64, Problem)>,
    problems_dropped: u64,
}

/// What a walker thread hands back: the inputs it read and the problems it met, each with its
/// input's index, and how many problems it could not keep.
type WalkerReport = (Vec<(u64, InputInfo)>, Vec<(u64, Problem)>, u64);

impl WalkVisitor<'_> {
    fn problem(&mut self, problem: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push((self.input, problem));
        } else {
            self.problems_dropped += 1;
        }
    }

    /// Reads one input (`name`) with `read`, which calls back into this visitor.
    ///
    /// A panic inside `read` is a bug in a reader, but one input must not stop the scan, nor
    /// hang it: the input is listed as partial with the panic's message, the collector is
    /// told how many of its batches were sent (so it moves on past the input), a batch lost
    /// in the unwinding is replaced, and the walk goes on.
    fn read_guarded(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Self) -> Result<(), FormatError>,
    ) -> Result<(), FormatError> {
        let inputs_before = self.inputs.len();
        let panicked = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(self))) {
            Ok(read) => return read,
            Err(panic) => panic_message(&panic),
        };
        self.problem(Problem {
            source: name.to_owned(),
            status: "partial".to_owned(),
            offset: None,
            line: None,
            message: format!(
                "reading stopped on an internal error (a bug in fangxian: please report it \
                 with this input): {panicked}"
            ),
        });
        if self.inputs.len() == inputs_before {
            self.input_done(&FormatInput {
                name: name.to_owned(),
                bytes: 0,
                sha256: None,
                partial: true,
                skipped: false,
            });
        }
        // The batch being filled, if any, unwound with the reader: the pool is fixed-size.
        if self.spare.is_none() {
            self.spare = Some(RecordBatch::new());
        }
        Ok(())
    }

    /// A batch from this walker's pool, waiting until the collector returns one.
    ///
    /// The wait looks at `progress.cancel` every [`CANCEL_POLL`]: when a worker fails, the
    /// batch it held never comes back and the collector holds every later one for order, so
    /// a walker waiting on the pool alone would wait for ever.
    fn pooled_batch(&mut self) -> Result<RecordBatch, FormatError> {
        loop {
            match self.pool_rx.recv_timeout(CANCEL_POLL) {
                Ok(batch) => return Ok(batch),
                Err(RecvTimeoutError::Timeout) => {
                    if self.progress.cancel.load(Ordering::Relaxed) {
                        return Err(FormatError::Cancelled);
                    }
                }
                // The collector stopped (a write error); it reports the cause.
                Err(RecvTimeoutError::Disconnected) => return Err(FormatError::Cancelled),
            }
        }
    }

    fn profile_tables(&mut self, batch: &RecordBatch) -> Vec<Arc<TableProfile>> {
        let mut tables: Vec<Arc<TableProfile>> = Vec::with_capacity(batch.tables().len());
        for table in batch.tables() {
            let profile = match self.profiles.get(table.name()) {
                Some(p) => Arc::clone(p),
                None => {
                    let p = Arc::new(profile_table(
                        self.recognizer,
                        batch,
                        table.name(),
                        table.header(),
                    ));
                    self.profiles
                        .insert(table.name().to_owned(), Arc::clone(&p));
                    p
                }
            };
            tables.push(profile);
        }
        tables
    }
}

/// Profiles one table's columns from the records of `batch` that belong to it.
fn profile_table(
    recognizer: &Recognizer,
    batch: &RecordBatch,
    table: &str,
    header: Option<&[String]>,
) -> TableProfile {
    // Samples by column name (header or JSON path) or, without names, by position.
    let mut named: Vec<(String, Vec<&str>)> = Vec::new();
    let mut positional: Vec<Vec<&str>> = Vec::new();
    // The `named` slot of each header column, found once: comparing every field's name with
    // every name seen was most of the cost of profiling a wide table.
    let mut slot_of_column: Vec<Option<usize>> = Vec::new();
    for record in batch.records().filter(|r| r.table().name() == table) {
        for field in record.fields() {
            let value = field.value.trim();
            match (field.name, field.column) {
                (Some(name), column) => {
                    let cached = column
                        .and_then(|c| slot_of_column.get(c as usize).copied().flatten())
                        .filter(|&i| named[i].0 == name);
                    let slot = match cached.or_else(|| named.iter().position(|(n, _)| n == name)) {
                        Some(i) => i,
                        None => {
                            named.push((name.to_owned(), Vec::new()));
                            named.len() - 1
                        }
                    };
                    if let Some(c) = column.map(|c| c as usize).filter(|&c| c < 4096) {
                        if slot_of_column.len() <= c {
                            slot_of_column.resize(c + 1, None);
                        }
                        slot_of_column[c] = Some(slot);
                    }
                    let samples = &mut named[slot].1;
                    if samples.len() < PROFILE_SAMPLES && !value.is_empty() {
                        samples.push(value);
                    }
                }
                (None, Some(col)) => {
                    let col = col as usize;
                    if col < 4096 {
                        if positional.len() <= col {
                            positional.resize_with(col + 1, Vec::new);
                        }
                        if positional[col].len() < PROFILE_SAMPLES && !value.is_empty() {
                            positional[col].push(value);
                        }
                    }
                }
                (None, None) => {}
            }
        }
    }
    let mut profile = TableProfile::default();
    for (name, samples) in &named {
        profile
            .by_name
            .insert(name.clone(), recognizer.profile_column(Some(name), samples));
    }
    profile.by_column = positional
        .iter()
        .map(|s| recognizer.profile_column(None, s))
        .collect();
    if let Some(h) = header {
        profile.by_header_column = h
            .iter()
            .map(|name| profile.by_name.get(name).cloned())
            .collect();
    }
    let names: Vec<&str> = match header {
        Some(h) => h.iter().map(String::as_str).collect(),
        None => named.iter().map(|(n, _)| n.as_str()).collect(),
    };
    profile.class = recognizer.table_class(&names);
    profile
}

impl Visitor for WalkVisitor<'_> {
    fn source(&mut self, source: &mut Source<'_>) -> Result<(), FormatError> {
        self.profiles.clear();
        let mut last_bytes = 0u64;
        loop {
            if self.progress.cancel.load(Ordering::Relaxed) {
                return Err(FormatError::Cancelled);
            }
            let mut batch = match self.spare.take() {
                Some(batch) => batch,
                None => self.pooled_batch()?,
            };
            let more = source.next_batch(&mut batch);
            let bytes = source.input_bytes_read();
            self.progress
                .bytes
                .fetch_add(bytes.saturating_sub(last_bytes), Ordering::Relaxed);
            last_bytes = last_bytes.max(bytes);
            match more {
                Ok(true) => {
                    self.progress
                        .records
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                    let tables = self.profile_tables(&batch);
                    let seq = Seq {
                        input: self.input,
                        batch: self.batches,
                    };
                    self.batches += 1;
                    if self
                        .work_tx
                        .send(Work {
                            seq,
                            walker: self.walker,
                            batch,
                            tables,
                        })
                        .is_err()
                    {
                        return Err(FormatError::Cancelled);
                    }
                }
                Ok(false) => {
                    // Keep the (empty) batch for the next source: the pool is fixed-size, and
                    // losing one batch per source would starve the walker.
                    self.spare = Some(batch);
                    return Ok(());
                }
                Err(err) => {
                    // Records before the error were delivered already.
                    self.spare = Some(batch);
                    return Err(err);
                }
            }
        }
    }

    fn warning(&mut self, warning: Warning) {
        self.problem(Problem {
            source: warning.source,
            status: "partial".to_owned(),
            offset: warning.offset,
            line: warning.line,
            message: warning.message,
        });
    }

    fn error(&mut self, error: FormatError) {
        self.problem(Problem {
            source: error.source_name().to_owned(),
            status: "partial".to_owned(),
            offset: error.offset(),
            line: None,
            message: error.to_string(),
        });
    }

    fn source_done(&mut self, done: &SourceDone) {
        if done.skipped {
            self.problem(Problem {
                source: done.name.clone(),
                status: "skipped".to_owned(),
                offset: None,
                line: None,
                message: format!("not read ({:?})", done.format),
            });
        }
    }

    fn input_done(&mut self, input: &FormatInput) {
        if input.skipped {
            self.problem(Problem {
                source: input.name.clone(),
                status: "skipped".to_owned(),
                offset: None,
                line: None,
                message: "the input could not be read".to_owned(),
            });
        }
        self.inputs.push((
            self.input,
            InputInfo {
                source: input.name.clone(),
                bytes: input.bytes,
                sha256: input.sha256.clone().unwrap_or_default(),
            },
        ));
        // Every batch of the input has been sent: the collector may move on past it.
        let _ = self.done_tx.send(ToCollector::InputEnd {
            input: self.input,
            batches: self.batches,
        });
    }
}

/// An item of the record being processed; its value lives in the batch's finding arena.
#[derive(Clone, Copy)]
struct PendingItem {
    kind: ItemKind,
    value: (u32, u32),
    valid: bool,
    failed: Option<fangxian_core::validate::Check>,
    field: Option<(u32, u32)>,
    confidence: f32,
    placeholder: bool,
}

/// A latitude or longitude field of the record being processed.
struct CoordinateField {
    profile: ColumnProfile,
    index: usize,
    name: Option<(u32, u32)>,
}

/// Records one finding of the current record in the batch's arena, and as a finding row when
/// `keep_rows` (the sink wants findings).
fn keep_finding(
    findings: &mut FindingBuf,
    items: &mut Vec<PendingItem>,
    keep_rows: bool,
    record: u64,
    field: Option<(u32, u32)>,
    f: &Finding<'_>,
) {
    let value = findings.push_str(f.value);
    findings.found += 1;
    if keep_rows {
        findings.rows.push(FindingSlot {
            record,
            field,
            kind: f.kind,
            value,
            valid: f.valid,
            confidence: f.confidence,
        });
    }
    items.push(PendingItem {
        kind: f.kind,
        value,
        valid: f.valid,
        failed: f.evidence.failed,
        field,
        confidence: f.confidence,
        placeholder: f.evidence.signals.contains(Signals::PLACEHOLDER),
    });
}

/// Reuses a vector's allocation for a new lifetime: the vector is emptied, and collecting an
/// empty `IntoIter` into a vector of a same-layout type keeps the buffer (in-place collect),
/// so per-record item lists allocate nothing in the steady state.
fn recycle<'b>(mut v: Vec<RecordItem<'_>>) -> Vec<RecordItem<'b>> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// What every worker thread shares.
#[derive(Clone, Copy)]
struct WorkerShared<'a> {
    recognizer: &'a Recognizer,
    hasher: KeyedHasher,
    sets: &'a DistinctSets,
    progress: &'a Progress,
    /// The sink wants finding rows ([`FindingSink::wants_findings`]).
    keep_rows: bool,
}

/// Per-thread state of a worker.
struct Worker<'r> {
    recognizer: &'r Recognizer,
    hasher: KeyedHasher,
    scratch: Scratch,
    /// Header-only profiles of fields first seen after a table's first batch (JSON keys).
    late_profiles: HashMap<String, ColumnProfile>,
    /// The profile of columns without header or sample (free text).
    unnamed_profile: Option<ColumnProfile>,
    items: Vec<PendingItem>,
    coordinates: Vec<CoordinateField>,
    record_items: Vec<RecordItem<'static>>,
    /// Hashes waiting for the distinct sets, inserted every [`FLUSH_HASHES`].
    pending: Pending,
    sets: &'r DistinctSets,
    /// Emptied finding arenas, back from the collector.
    spare: Receiver<FindingBuf>,
    /// The sink wants finding rows.
    keep_rows: bool,
    /// The sink's encoder for this thread, when it takes findings as chunks.
    encoder: Option<Box<dyn ChunkEncoder>>,
}

impl Worker<'_> {
    fn process(&mut self, work: Work) -> Result<Done, ScanError> {
        let mut tally = BatchTally::new();
        let mut findings = self.spare.try_recv().unwrap_or_default();
        let source = work.batch.source();
        for record in work.batch.records() {
            let table = work.tables.get(record.table_index());
            let empty = self.recognize_record(&record, table.map(Arc::as_ref), &mut findings);
            let mut record_items = recycle(std::mem::take(&mut self.record_items));
            record_items.extend(self.items.iter().map(|i| RecordItem {
                kind: i.kind,
                value: findings.get(i.value),
                valid: i.valid,
                failed: i.failed,
                field: i.field.map(|f| findings.get(f)),
                confidence: i.confidence,
                placeholder: i.placeholder,
            }));
            tally.add_record(
                &self.hasher,
                &mut self.pending,
                &record_items,
                table.as_ref().and_then(|t| t.class),
                empty,
                source,
                record.index(),
            );
            self.record_items = recycle(record_items);
            if self.pending.len() >= FLUSH_HASHES {
                self.sets.insert(&mut self.pending)?;
            }
        }
        self.sets.insert(&mut self.pending)?;
        let chunk = match self.encoder.as_mut() {
            Some(encoder) if !findings.rows.is_empty() => {
                let chunk = encoder
                    .encode(&mut findings.refs(source))
                    .map_err(ScanError::Sink)?;
                findings.rows.clear();
                Some(chunk)
            }
            _ => None,
        };
        Ok(Done {
            seq: work.seq,
            walker: work.walker,
            batch: work.batch,
            tally,
            findings,
            chunk,
        })
    }

    /// Runs the recognizers over one record's fields, leaving its items in `self.items`.
    /// Returns true when every field is empty.
    fn recognize_record(
        &mut self,
        record: &fangxian_formats::Record<'_>,
        table: Option<&TableProfile>,
        findings: &mut FindingBuf,
    ) -> bool {
        let (recognizer, keep_rows) = (self.recognizer, self.keep_rows);
        let index = record.index();
        let mut empty = true;
        self.items.clear();
        self.coordinates.clear();
        for (field_index, field) in record.fields().enumerate() {
            if normalize::trim(field.value).is_empty() {
                continue;
            }
            empty = false;
            let profile: Option<&ColumnProfile> = match (field.name, field.column, table) {
                (Some(_), Some(col), Some(t))
                    if t.by_header_column
                        .get(col as usize)
                        .is_some_and(Option::is_some) =>
                {
                    t.by_header_column[col as usize].as_ref()
                }
                (Some(name), _, Some(t)) => Some(t.by_name.get(name).unwrap_or_else(|| {
                    self.late_profiles
                        .entry(name.to_owned())
                        .or_insert_with(|| recognizer.profile_column(Some(name), &[]))
                })),
                (None, Some(col), Some(t)) => {
                    Some(t.by_column.get(col as usize).unwrap_or_else(|| {
                        self.unnamed_profile
                            .get_or_insert_with(|| recognizer.profile_column(None, &[]))
                    }))
                }
                _ => None,
            };
            if let Some(p) =
                profile.filter(|p| matches!(p.hint, HeaderHint::Latitude | HeaderHint::Longitude))
            {
                self.coordinates.push(CoordinateField {
                    profile: p.clone(),
                    index: field_index,
                    name: field.name.map(|n| findings.push_str(n)),
                });
                continue;
            }
            let items = &mut self.items;
            // The column name goes into the arena with the field's first finding only: most
            // fields have none. Its span is kept as two plain numbers: an `Option` built in
            // memory with narrow stores and copied out with one wide load waited on a
            // store-forwarding stall at every field's first finding.
            let mut name_span: Option<(u32, u32)> = None;
            let mut sink = |f: &Finding<'_>| {
                let (start, end) = match name_span {
                    Some(span) => span,
                    None => {
                        let span = field
                            .name
                            .map_or((0, 0), |n| findings.push_name(field_index, n));
                        name_span = Some(span);
                        span
                    }
                };
                let name = field.name.is_some().then_some((start, end));
                keep_finding(findings, items, keep_rows, index, name, f);
            };
            match profile {
                Some(p) => {
                    recognizer.find_in_field_with(p, field.value, &mut self.scratch, &mut sink)
                }
                None => recognizer.find_in_text_with(field.value, &mut self.scratch, &mut sink),
            }
        }
        if self.coordinates.len() >= 2 {
            let fields: Vec<&str> = record.fields().map(|f| f.value).collect();
            let pairs: Vec<(&ColumnProfile, &str)> = self
                .coordinates
                .iter()
                .map(|c| (&c.profile, fields[c.index]))
                .collect();
            // The coordinate pair is attributed to the latitude column.
            let lat_name = self
                .coordinates
                .iter()
                .find(|c| c.profile.hint == HeaderHint::Latitude)
                .and_then(|c| c.name);
            let items = &mut self.items;
            recognizer.find_gps_in_fields_with(&pairs, &mut self.scratch, &mut |f: &Finding<
                '_,
            >| {
                keep_finding(findings, items, keep_rows, index, lat_name, f);
            });
        }
        empty
    }
}

/// A worker thread: recognise and count every record of each batch it receives, and
/// de-duplicate its hashes into the shared distinct sets.
fn worker(
    shared: &WorkerShared<'_>,
    encoder: Option<Box<dyn ChunkEncoder>>,
    rx: &Receiver<Work>,
    tx: &Sender<ToCollector>,
    spare: &Receiver<FindingBuf>,
) -> Result<(), ScanError> {
    let WorkerShared {
        recognizer,
        hasher,
        sets,
        progress,
        keep_rows,
    } = *shared;
    let mut state = Worker {
        recognizer,
        hasher,
        scratch: Scratch::new(),
        late_profiles: HashMap::new(),
        unnamed_profile: None,
        items: Vec::new(),
        coordinates: Vec::new(),
        record_items: Vec::new(),
        pending: Pending::new(),
        sets,
        spare: spare.clone(),
        keep_rows,
        encoder,
    };
    for work in rx {
        // A panic is a bug, but it must not hang the scan: it fails like any worker error.
        let processed =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.process(work)))
                .unwrap_or_else(|e| Err(ScanError::Worker(panic_message(&e))));
        let done = match processed {
            Ok(done) => done,
            Err(e) => {
                // Stop the walk: the counts can no longer be exact, or findings are lost.
                progress.cancel.store(true, Ordering::Relaxed);
                return Err(e);
            }
        };
        if tx.send(ToCollector::Done(Box::new(done))).is_err() {
            break;
        }
    }
    Ok(())
}

/// What the collector receives.
enum ToCollector {
    /// A processed batch (from a worker); boxed, as it is far larger than the other variant.
    Done(Box<Done>),
    /// An input has been read in full, in this many batches (from its walker).
    InputEnd { input: u64, batches: u64 },
}

/// The collector: restore order, write findings, merge tallies, recycle batches.
fn collect(
    rx: &Receiver<ToCollector>,
    pools: &[Sender<RecordBatch>],
    spare: &Sender<FindingBuf>,
    sink: &mut dyn FindingSink,
    tally: &mut Tally,
    progress: &Progress,
) -> Result<(), ScanError> {
    let mut next = Seq { input: 0, batch: 0 };
    let mut waiting: BTreeMap<Seq, Done> = BTreeMap::new();
    // Batch counts of inputs read in full, by input.
    let mut ends: HashMap<u64, u64> = HashMap::new();
    let mut deliver = |done: Done| -> Result<(), ScanError> {
        if let Some(chunk) = done.chunk {
            sink.push_chunk(chunk).map_err(ScanError::Sink)?;
        }
        for finding in done.findings.refs(done.batch.source()) {
            sink.push(&finding).map_err(ScanError::Sink)?;
        }
        progress
            .items
            .fetch_add(done.findings.found, Ordering::Relaxed);
        tally.merge(&done.tally);
        let mut batch = done.batch;
        batch.clear();
        let _ = pools[done.walker].send(batch);
        let mut findings = done.findings;
        findings.clear();
        let _ = spare.send(findings);
        Ok(())
    };
    for message in rx {
        match message {
            ToCollector::Done(done) => {
                waiting.insert(done.seq, *done);
            }
            ToCollector::InputEnd { input, batches } => {
                ends.insert(input, batches);
            }
        }
        loop {
            if let Some(done) = waiting.remove(&next) {
                next.batch += 1;
                deliver(done)?;
            } else if ends.get(&next.input) == Some(&next.batch) {
                ends.remove(&next.input);
                next = Seq {
                    input: next.input + 1,
                    batch: 0,
                };
            } else {
                break;
            }
        }
    }
    // Everything has been sent. Batches still waiting follow an input that was not finished
    // (the scan was interrupted): deliver them in order all the same, so that what was read
    // is counted and written.
    for (_, done) in std::mem::take(&mut waiting) {
        deliver(done)?;
    }
    Ok(())
}

/// The current time as RFC 3339 UTC, without a date-time dependency.
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = Date::from_days_since_epoch(i64::try_from(secs / 86_400).unwrap_or(0));
    let rem = secs % 86_400;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year,
        date.month,
        date.day,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_panic_is_a_problem_of_its_input_and_the_walk_goes_on() {
        let recognizer = Recognizer::new();
        let progress = Progress::default();
        let (work_tx, _work_rx) = bounded::<Work>(4);
        let (done_tx, done_rx) = bounded::<ToCollector>(4);
        let (_pool_tx, pool_rx) = bounded::<RecordBatch>(1);
        let mut visitor = WalkVisitor {
            recognizer: &recognizer,
            walker: 0,
            work_tx,
            done_tx,
            pool_rx,
            input: 7,
            batches: 0,
            spare: None,
            profiles: HashMap::new(),
            progress: &progress,
            inputs: Vec::new(),
            problems: Vec::new(),
            problems_dropped: 0,
        };
        // A reader that sent two batches of its input, then panicked filling a third.
        let read = visitor.read_guarded("dump.csv", |v| {
            v.batches = 2;
            panic!("index out of bounds")
        });
        assert!(read.is_ok(), "the walk goes on");
        assert!(
            matches!(
                done_rx.try_recv(),
                Ok(ToCollector::InputEnd {
                    input: 7,
                    batches: 2
                })
            ),
            "the collector is told where the input ended"
        );
        assert_eq!(visitor.inputs.len(), 1);
        assert_eq!(visitor.inputs[0].1.source, "dump.csv");
        let (input, problem) = &visitor.problems[0];
        assert_eq!(*input, 7);
        assert_eq!(problem.source, "dump.csv");
        assert_eq!(problem.status, "partial");
        assert!(
            problem.message.ends_with(": index out of bounds"),
            "{}",
            problem.message
        );
        assert!(visitor.spare.is_some(), "the lost batch is replaced");

        // An input read to its end, or cancelled, is left as its reader reports it.
        visitor.input = 8;
        assert!(visitor.read_guarded("ok.csv", |_| Ok(())).is_ok());
        assert!(matches!(
            visitor.read_guarded("stop.csv", |_| Err(FormatError::Cancelled)),
            Err(FormatError::Cancelled)
        ));
        assert_eq!(visitor.problems.len(), 1);
        assert!(done_rx.try_recv().is_err(), "only readers end those inputs");
    }
}
