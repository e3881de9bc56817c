//! Findings as Parquet (contract §1, "the form for large cases and SQL engines").
//!
//! Columns, in contract order:
//!
//! | column | Arrow type | note |
//! |---|---|---|
//! | `source` | Utf8 | dictionary-encoded by Parquet (few distinct values) |
//! | `record` | Int64 | signed because Spark and Trino have no unsigned 64-bit type; plain |
//! | `field` | Utf8, nullable | null for free text; plain |
//! | `type` | Utf8 | plain |
//! | `value` | Utf8 | plain (not dictionary) encoded, no statistics |
//! | `valid` | Boolean | |
//! | `confidence` | Float32 | plain |
//!
//! The file's key-value metadata holds `schema = fangxian.findings/1`, and
//! `fangxian.partial = true` when the scan was interrupted.
//!
//! Findings become Arrow batches: on the scan's worker threads, one per input batch, through
//! [`FindingSink::chunk_encoder`], or here from findings written one at a time, [`BATCH_ROWS`]
//! at a time. Batches are gathered, in order, into row groups of [`ROW_GROUP_ROWS`] rows, and
//! each full row group is encoded and compressed on one of a few encoder threads, so that
//! several row groups are encoded at once; the thread that writes only appends finished row
//! groups to the file, in order. At most one more row group than there are encoder threads is
//! held at a time, which bounds the memory (about 60 MB per row group of dense findings).
//! Compression is zstd at level [`ZSTD_LEVEL`], read by Spark, Trino, DuckDB, DataFusion,
//! pyarrow and Polars. With dictionaries only on `source` it writes a dense 8.3 M-finding case
//! with 9% less CPU and 13% less disk than Snappy with dictionaries on every string column (see
//! `examples/parquet_replay.rs`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::mem;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use arrow_array::builder::{BooleanBuilder, Float32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use fangxian_scan::summary::{Chunk, ChunkEncoder, FindingRef, FINDINGS_SCHEMA};
use fangxian_scan::FindingSink;
use parquet::arrow::arrow_writer::{
    compute_leaves, ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;

/// Findings per Arrow batch handed to the Parquet encoder.
pub const BATCH_ROWS: usize = 64 * 1024;
/// Rows per Parquet row group (the last one may hold fewer). Half a million rows of dense
/// findings are about 60 MB as Arrow arrays and 8 MB compressed: large enough for readers to
/// skip whole groups by their statistics, small enough that several can be encoded at once.
pub const ROW_GROUP_ROWS: usize = 256 * 1024;
/// Most encoder threads a findings file uses (each holds one row group while it works).
pub const MAX_ENCODERS: usize = 4;
/// Memory one row group may hold while it is gathered and encoded: its Arrow arrays (about
/// 110 bytes per dense finding, more with long source paths) and its compressed pages.
pub const ROW_GROUP_BYTES: u64 = 64 << 20;
/// The zstd level of findings files: a fast (negative) level, quicker than Snappy here.
pub const ZSTD_LEVEL: i32 = -1;
/// The key-value metadata key holding the schema id.
pub const SCHEMA_KEY: &str = "schema";
/// The key-value metadata key set to `true` in an interrupted scan's findings.
pub const PARTIAL_KEY: &str = "fangxian.partial";

/// The most encoder threads ([`ParquetFindings::encoder_threads`]) whose row groups fit in
/// `budget` bytes: besides one row group per thread, one is being gathered and one waits to be
/// handed over.
pub fn encoders_within(budget: u64) -> usize {
    let groups = usize::try_from(budget / ROW_GROUP_BYTES).unwrap_or(usize::MAX);
    groups.saturating_sub(2).clamp(1, MAX_ENCODERS)
}

/// The Arrow schema of findings files.
pub fn findings_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("source", DataType::Utf8, false),
        Field::new("record", DataType::Int64, false),
        Field::new("field", DataType::Utf8, true),
        Field::new("type", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, false),
        Field::new("valid", DataType::Boolean, false),
        Field::new("confidence", DataType::Float32, false),
    ]))
}

/// A [`FindingSink`] writing Parquet to any writer.
///
/// [`FindingSink::finish`] writes the footer but does not commit a file; for files use
/// [`crate::FindingsWriter`], which writes atomically.
pub struct ParquetFindings<W: Write + Send> {
    file: Option<SerializedFileWriter<W>>,
    factory: Arc<ArrowRowGroupWriterFactory>,
    schema: SchemaRef,
    /// Findings written one at a time, not yet a batch.
    builder: BatchBuilder,
    /// The row group being gathered.
    group: Vec<RecordBatch>,
    /// Threads to encode row groups on, started with the first full row group.
    encoders: usize,
    pool: Option<EncoderPool>,
    /// Row groups handed to the encoders so far; the next one to append to the file.
    sent: usize,
    appended: usize,
    /// Encoded row groups that arrived before an earlier one, by index.
    encoded: BTreeMap<usize, Vec<ArrowColumnChunk>>,
    rows: u64,
}

impl<W: Write + Send> std::fmt::Debug for ParquetFindings<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetFindings")
            .field("rows", &self.rows)
            .field("pending", &self.builder.rows)
            .field("row_groups", &self.sent)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send> ParquetFindings<W> {
    /// Starts a Parquet file in `out`, encoding row groups on as many threads as there are
    /// cores, at most [`MAX_ENCODERS`].
    pub fn new(out: W) -> Result<ParquetFindings<W>, ParquetError> {
        let schema = findings_schema();
        let props = WriterProperties::builder()
            // zstd's fast level compresses 8.3 M dense findings with less CPU than Snappy and
            // 13% smaller (its entropy coder packs the digits Snappy leaves as literals).
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            // Dictionaries only for `source`. Values and record numbers are nearly all
            // distinct: a dictionary would be built to be abandoned. `field`, `type` and
            // `confidence` repeat from row to row, which zstd's matches absorb in plain pages
            // nearly as well (3.5% more bytes) without hashing every row into a dictionary (6% less
            // writer CPU). Long `source` paths still pay for theirs.
            .set_dictionary_enabled(false)
            .set_column_dictionary_enabled(ColumnPath::from("source"), true)
            // Min/max of a string column cost two string comparisons per finding, computed
            // per value even for chunk-level statistics. For `value` (5% of the writer's
            // instructions) they can prune nothing: every page holds unrelated values
            // spanning nearly the whole range. Nor for `type` and `field` (8% more): a page
            // holds the findings of whole records, so every row group of a dense case reads
            // `address` to `wechat_id`, and a column name range spans the file's header. They
            // are off for those three; `source` keeps them (it prunes by input), as do the
            // numbers and flags, which cost no string comparison.
            .set_column_statistics_enabled(ColumnPath::from("value"), EnabledStatistics::None)
            .set_column_statistics_enabled(ColumnPath::from("type"), EnabledStatistics::None)
            .set_column_statistics_enabled(ColumnPath::from("field"), EnabledStatistics::None)
            .set_created_by(format!(
                "fangxian-report {} (parquet-rs)",
                env!("CARGO_PKG_VERSION")
            ))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                SCHEMA_KEY.to_owned(),
                FINDINGS_SCHEMA.to_owned(),
            )]))
            .build();
        // The high-level writer sets up the file (magic, properties, and the Arrow schema in
        // the footer's metadata); its parts let row groups be encoded on other threads.
        let (file, factory) =
            ArrowWriter::try_new(out, schema.clone(), Some(props))?.into_serialized_writer()?;
        let encoders = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(MAX_ENCODERS);
        Ok(ParquetFindings {
            file: Some(file),
            factory: Arc::new(factory),
            schema,
            builder: BatchBuilder::new(),
            group: Vec::new(),
            encoders,
            pool: None,
            sent: 0,
            appended: 0,
            encoded: BTreeMap::new(),
            rows: 0,
        })
    }

    /// Sets how many threads encode row groups (at least one, at most [`MAX_ENCODERS`]).
    /// Takes effect if called before the first row group is full.
    #[must_use]
    pub fn encoder_threads(mut self, threads: usize) -> ParquetFindings<W> {
        self.encoders = threads.clamp(1, MAX_ENCODERS);
        self
    }

    /// Findings written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds one finding.
    pub fn write(&mut self, f: &FindingRef<'_>) -> Result<(), ParquetError> {
        if self.file.is_none() {
            return Err(finished());
        }
        self.builder.push(f);
        self.rows += 1;
        if self.builder.rows >= BATCH_ROWS {
            self.flush_builder()?;
        }
        Ok(())
    }

    /// An encoder turning batches of findings into chunks for [`ParquetFindings::push_chunk`]
    /// (Arrow batches of this file's schema), on another thread.
    pub fn chunk_encoder(&self) -> ParquetChunkEncoder {
        ParquetChunkEncoder {
            schema: self.schema.clone(),
            builder: BatchBuilder::new(),
        }
    }

    /// Adds the findings of a chunk made by a [`ParquetChunkEncoder`], after every finding
    /// written before.
    pub fn push_chunk(&mut self, chunk: Chunk) -> Result<(), ParquetError> {
        if self.file.is_none() {
            return Err(finished());
        }
        let batch = chunk.data.downcast::<RecordBatch>().map_err(|_| {
            ParquetError::General("a findings chunk not made by a Parquet encoder".into())
        })?;
        if batch.schema() != self.schema {
            return Err(ParquetError::General(
                "a findings chunk with another schema".into(),
            ));
        }
        self.flush_builder()?;
        self.rows += batch.num_rows() as u64;
        self.add_batch(*batch)
    }

    fn flush_builder(&mut self) -> Result<(), ParquetError> {
        if self.builder.rows == 0 {
            return Ok(());
        }
        let batch = self.builder.finish(&self.schema)?;
        self.add_batch(batch)
    }

    /// Rows of the row group being gathered.
    fn group_rows(&self) -> usize {
        self.group.iter().map(RecordBatch::num_rows).sum()
    }

    /// Adds `batch` to the row groups, sending each one that fills up to the encoders.
    fn add_batch(&mut self, mut batch: RecordBatch) -> Result<(), ParquetError> {
        while batch.num_rows() > 0 {
            let room = ROW_GROUP_ROWS - self.group_rows();
            let take = room.min(batch.num_rows());
            self.group.push(batch.slice(0, take));
            batch = batch.slice(take, batch.num_rows() - take);
            if take == room {
                self.send_group()?;
            }
        }
        Ok(())
    }

    /// Hands the gathered row group to an encoder thread (waiting for a free one), then
    /// appends whatever is encoded by now, waiting until at most one row group per encoder
    /// is still in flight.
    fn send_group(&mut self) -> Result<(), ParquetError> {
        if self.group.is_empty() {
            return Ok(());
        }
        let group = mem::take(&mut self.group);
        let (encoders, index) = (self.encoders, self.sent);
        let pool = match &mut self.pool {
            Some(pool) => pool,
            pool => pool.insert(EncoderPool::start(encoders, &self.factory, &self.schema)),
        };
        pool.send(index, group)?;
        self.sent += 1;
        self.append_encoded(self.encoders)
    }

    /// Appends encoded row groups to the file in order, waiting for them until at most
    /// `in_flight` are still being encoded.
    fn append_encoded(&mut self, in_flight: usize) -> Result<(), ParquetError> {
        loop {
            while let Some(columns) = self.encoded.remove(&self.appended) {
                let file = self.file.as_mut().ok_or_else(finished)?;
                let mut row_group = file.next_row_group()?;
                for column in columns {
                    column.append_to_row_group(&mut row_group)?;
                }
                row_group.close()?;
                self.appended += 1;
            }
            let Some(pool) = self.pool.as_ref() else {
                return Ok(());
            };
            let waiting = self.sent - self.appended;
            let next = if waiting > in_flight {
                pool.results.recv().ok()
            } else {
                pool.results.try_recv().ok()
            };
            match next {
                Some((index, columns)) => {
                    self.encoded.insert(index, columns?);
                }
                None if waiting > in_flight => {
                    return Err(ParquetError::General("a findings encoder stopped".into()));
                }
                None => return Ok(()),
            }
        }
    }

    /// Encodes and appends everything written so far.
    fn drain(&mut self) -> Result<(), ParquetError> {
        self.flush_builder()?;
        self.send_group()?;
        self.append_encoded(0)?;
        if let Some(pool) = self.pool.take() {
            pool.stop();
        }
        Ok(())
    }

    /// Writes everything pending and the footer (with `fangxian.partial = true` when
    /// `partial`) and returns the writer.
    pub fn close(mut self, partial: bool) -> Result<W, ParquetError> {
        self.drain()?;
        let mut file = self.file.take().ok_or_else(finished)?;
        if partial {
            file.append_key_value_metadata(KeyValue::new(
                PARTIAL_KEY.to_owned(),
                "true".to_owned(),
            ));
        }
        file.into_inner()
    }
}

fn finished() -> ParquetError {
    ParquetError::General("findings already finished".into())
}

impl<W: Write + Send> FindingSink for ParquetFindings<W> {
    fn push(&mut self, finding: &FindingRef<'_>) -> io::Result<()> {
        self.write(finding).map_err(io::Error::other)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.drain().map_err(io::Error::other)?;
        match self.file.as_mut() {
            Some(file) => file.finish().map(drop).map_err(io::Error::other),
            None => Ok(()),
        }
    }
    fn chunk_encoder(&self) -> Option<Box<dyn ChunkEncoder>> {
        Some(Box::new(ParquetFindings::chunk_encoder(self)))
    }
    fn push_chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        ParquetFindings::push_chunk(self, chunk).map_err(io::Error::other)
    }
}

/// Turns batches of findings into Arrow batches of the findings schema, the form
/// [`ParquetFindings::push_chunk`] takes; made by [`ParquetFindings::chunk_encoder`].
#[derive(Debug)]
pub struct ParquetChunkEncoder {
    schema: SchemaRef,
    builder: BatchBuilder,
}

impl ChunkEncoder for ParquetChunkEncoder {
    fn encode(
        &mut self,
        findings: &mut dyn ExactSizeIterator<Item = FindingRef<'_>>,
    ) -> io::Result<Chunk> {
        for f in findings {
            self.builder.push(&f);
        }
        let batch = self
            .builder
            .finish(&self.schema)
            .map_err(io::Error::other)?;
        Ok(Chunk {
            rows: batch.num_rows() as u64,
            data: Box::new(batch),
        })
    }
}

/// Column builders for one Arrow batch of findings.
#[derive(Debug)]
struct BatchBuilder {
    source: StringBuilder,
    record: Int64Builder,
    field: StringBuilder,
    kind: StringBuilder,
    value: StringBuilder,
    valid: BooleanBuilder,
    confidence: Float32Builder,
    rows: usize,
}

impl BatchBuilder {
    fn new() -> BatchBuilder {
        let cap = BATCH_ROWS;
        BatchBuilder {
            source: StringBuilder::with_capacity(cap, cap * 16),
            record: Int64Builder::with_capacity(cap),
            field: StringBuilder::with_capacity(cap, cap * 8),
            kind: StringBuilder::with_capacity(cap, cap * 10),
            value: StringBuilder::with_capacity(cap, cap * 16),
            valid: BooleanBuilder::with_capacity(cap),
            confidence: Float32Builder::with_capacity(cap),
            rows: 0,
        }
    }

    fn push(&mut self, f: &FindingRef<'_>) {
        self.source.append_value(f.source);
        self.record
            .append_value(i64::try_from(f.record).unwrap_or(i64::MAX));
        self.field.append_option(f.field);
        self.kind.append_value(f.kind.id());
        self.value.append_value(f.value);
        self.valid.append_value(f.valid);
        self.confidence.append_value(f.confidence);
        self.rows += 1;
    }

    /// The batch built so far; the builder starts over, sized like this batch.
    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, arrow_schema::ArrowError> {
        // Arrow's `finish` hands the buffers over and leaves the builder with none, so the
        // next batch would regrow every column from empty (reallocating and copying as it
        // doubles, 4% of the writer's instructions). Swap in builders already sized like this
        // batch.
        let rows = self.rows.max(1024);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(resized(&mut self.source, rows).finish()),
            Arc::new(mem::replace(&mut self.record, Int64Builder::with_capacity(rows)).finish()),
            Arc::new(resized(&mut self.field, rows).finish()),
            Arc::new(resized(&mut self.kind, rows).finish()),
            Arc::new(resized(&mut self.value, rows).finish()),
            Arc::new(mem::replace(&mut self.valid, BooleanBuilder::with_capacity(rows)).finish()),
            Arc::new(
                mem::replace(&mut self.confidence, Float32Builder::with_capacity(rows)).finish(),
            ),
        ];
        self.rows = 0;
        RecordBatch::try_new(schema.clone(), columns)
    }
}

/// Replaces `b` with an empty builder with room for `rows` strings of the bytes `b` holds now
/// (plus an eighth), and returns the full one. The room is bounded by what the last batch used.
fn resized(b: &mut StringBuilder, rows: usize) -> StringBuilder {
    let bytes = b.values_slice().len();
    mem::replace(b, StringBuilder::with_capacity(rows, bytes + bytes / 8))
}

/// A row group's index and its encoded columns, or why encoding failed.
type Encoded = (usize, Result<Vec<ArrowColumnChunk>, ParquetError>);

/// Threads encoding whole row groups, each into its column chunks.
struct EncoderPool {
    jobs: Option<SyncSender<(usize, Vec<RecordBatch>)>>,
    results: Receiver<Encoded>,
    threads: Vec<JoinHandle<()>>,
}

impl EncoderPool {
    fn start(
        threads: usize,
        factory: &Arc<ArrowRowGroupWriterFactory>,
        schema: &SchemaRef,
    ) -> EncoderPool {
        // No job waits in the channel: a row group is only handed over when a thread is free
        // to take it, so the memory held is what the threads work on.
        let (jobs, job_rx) = sync_channel::<(usize, Vec<RecordBatch>)>(0);
        let job_rx = Arc::new(std::sync::Mutex::new(job_rx));
        let (result_tx, results) = channel::<Encoded>();
        let threads = (0..threads)
            .map(|_| {
                let (job_rx, result_tx) = (job_rx.clone(), result_tx.clone());
                let (factory, schema) = (factory.clone(), schema.clone());
                std::thread::spawn(move || loop {
                    let job = job_rx
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok((index, batches)) = job else { break };
                    let columns = catch_unwind(AssertUnwindSafe(|| {
                        encode_row_group(&factory, &schema, index, &batches)
                    }))
                    .unwrap_or_else(|_| {
                        Err(ParquetError::General("a findings encoder panicked".into()))
                    });
                    if result_tx.send((index, columns)).is_err() {
                        break;
                    }
                })
            })
            .collect();
        EncoderPool {
            jobs: Some(jobs),
            results,
            threads,
        }
    }

    fn send(&self, index: usize, group: Vec<RecordBatch>) -> Result<(), ParquetError> {
        self.jobs
            .as_ref()
            .and_then(|jobs| jobs.send((index, group)).ok())
            .ok_or_else(|| ParquetError::General("the findings encoders stopped".into()))
    }

    /// Lets the threads end and waits for them.
    fn stop(mut self) {
        self.jobs = None;
        for thread in mem::take(&mut self.threads) {
            let _ = thread.join();
        }
    }
}

/// Encodes one row group's batches into its column chunks.
fn encode_row_group(
    factory: &ArrowRowGroupWriterFactory,
    schema: &Schema,
    index: usize,
    batches: &[RecordBatch],
) -> Result<Vec<ArrowColumnChunk>, ParquetError> {
    let mut writers = factory.create_column_writers(index)?;
    for batch in batches {
        let mut leaves = writers.iter_mut();
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field, column)? {
                leaves
                    .next()
                    .ok_or_else(|| ParquetError::General("more leaves than columns".into()))?
                    .write(&leaf)?;
            }
        }
    }
    writers.into_iter().map(ArrowColumnWriter::close).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_threads_fit_the_memory_budget() {
        // The default scan budget (2 GiB) leaves a quarter, 512 MiB, to readers and writers.
        assert_eq!(encoders_within(512 << 20), MAX_ENCODERS);
        assert_eq!(encoders_within(4 * ROW_GROUP_BYTES), 2);
        assert_eq!(encoders_within(3 * ROW_GROUP_BYTES), 1);
        // Always one thread, however small the budget.
        assert_eq!(encoders_within(0), 1);
    }
}
