//! # fangxian-formats
//!
//! Bytes in, records out. Reads the data dumps investigators meet — CSV/TSV/pipe/semicolon,
//! JSON and JSON Lines, MySQL and PostgreSQL dumps, SQLite files, xlsx/xls workbooks, plain
//! text and logs — inside gzip, bzip2, xz, zstd, zip and tar (nested too), in UTF-8, UTF-16 or
//! GB18030/GBK, and turns them into one record model. It knows nothing about personal
//! information: that is `fangxian-core`'s job.
//!
//! API themes:
//! * [`Walker`] enumerates inputs (files, directories, `-` for stdin) and detects compression,
//!   archives and formats by content, never by name. Each leaf stream is a [`Source`] named as
//!   the output contract says: `path`, `dir/file.csv`, `a.zip!/b.tar.gz!/c.csv`.
//! * A [`Visitor`] receives each source and pulls [`RecordBatch`]es from it with
//!   [`Source::next_batch`]; batches own their data, are `Send`, and are meant to be recycled
//!   through a bounded channel to worker threads.
//! * [`Record`]s have a 1-based index within their source, a [`Table`] (name and header, for
//!   profiling columns once per table) and [`Field`]s `(name, column, value)`.
//! * Problems never stop the walk: [`Warning`]s and [`Error`]s go to the visitor, and the
//!   source is marked partial in [`SourceDone`]. [`Limits`] bound memory, nesting and
//!   decompression (zip-bomb guard).
//!
//! ## Field names
//! * Tabular formats (CSV, SQL dumps, SQLite, sheets): the column name from the header, the
//!   SQL column list, `CREATE TABLE` or the schema; `None` when unknown. [`Field::column`] is
//!   the 0-based position.
//! * JSON: a path from the record's root: `$.user.phone`, `$.items[0].phone`, `$[2]` for
//!   arrays, and `$["odd key"]` (JSON-escaped) for keys that are not plain words (empty, or
//!   holding `.`, `[`, `]`, `"`, `\`, whitespace or control characters). A top-level array's
//!   elements are records of their own, so their paths start at the element (`$.phone`).
//!   So are the elements of an array of objects directly inside a top-level object (the
//!   common `{"code": 0, "data": [{…}, …]}` export): each is a record in table `$.data` with
//!   paths from the element, and the wrapper's other members form records of table `""`.
//!   `null` values give no field; numbers and booleans are given as written.
//! * Text: `None`; each line is one record with one field.
//!
//! ## Hashing inputs
//! With [`Walker::hash_inputs`] the walker computes the SHA-256 of every top-level input
//! while reading it (files read by random access, like zip, are hashed in one extra
//! sequential pass) and reports it in [`InputInfo::sha256`].
//!
//! ## Throughput
//! CSV is parsed by csv-core straight into the batch arena: 1031 MB/s on one thread for
//! simple CSV, 364 MB/s for nested JSON (release build; `tests/it/perf.rs`, run with
//! `cargo test --release -p fangxian-formats --test it -- --ignored --nocapture perf`).
//!
//! ## Example
//! ```
//! use fangxian_formats::{Error, Limits, RecordBatch, Source, Visitor, Walker};
//!
//! struct Collect(Vec<String>);
//! impl Visitor for Collect {
//!     fn source(&mut self, src: &mut Source<'_>) -> Result<(), Error> {
//!         let mut batch = RecordBatch::new();
//!         while src.next_batch(&mut batch)? {
//!             for record in batch.records() {
//!                 for field in record.fields() {
//!                     let name = field.name.unwrap_or("-");
//!                     self.0.push(format!("{}#{} {name}={}", src.name(), record.index(), field.value));
//!                 }
//!             }
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let data = "name,phone\n张三,13800138000\n李四,13900139000\n";
//! let mut out = Collect(Vec::new());
//! Walker::new(Limits::default()).read_stream("users.csv", &mut data.as_bytes(), &mut out)?;
//! assert_eq!(out.0, [
//!     "users.csv#1 name=张三", "users.csv#1 phone=13800138000",
//!     "users.csv#2 name=李四", "users.csv#2 phone=13900139000",
//! ]);
//! # Ok::<(), Error>(())
//! ```
#![deny(missing_docs)]

mod batch;
mod contained;
mod container;
mod csv;
mod decode;
mod diag;
mod error;
mod input;
mod json;
mod limits;
mod ods_guard;
mod reader;
mod sheet;
mod sniff;
mod sql;
mod sqlite;
mod text;
mod walk;
mod xls_guard;

pub use batch::{Field, Fields, Record, RecordBatch, Records, Table};
pub use contained::quiet_contained_panics;
pub use decode::TextEncoding;
pub use error::{Error, Warning};
pub use limits::Limits;
pub use sniff::Format;
pub use walk::{InputInfo, Source, SourceDone, TopInput, Visitor, Walker};
