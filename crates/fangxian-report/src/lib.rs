//! # fangxian-report
//!
//! Everything `fangxian scan` writes, per the output contract
//! (`shared/contracts/scan-output.md`):
//!
//! * [`FindingsWriter`] — the findings file, JSON Lines ([`JsonlFindings`]) or Parquet
//!   ([`ParquetFindings`]) by extension, `-` for standard output; a
//!   [`FindingSink`](fangxian_scan::FindingSink).
//! * [`write_summary_json`] — the summary object (contract §3), pretty, keys in contract order.
//! * [`render_html`] / [`write_report_html`] — one self-contained HTML report with inline SVG
//!   charts, masked values and the art. 11 screening exhibits.
//! * [`render_terminal`] — the table printed at the end of a scan.
//! * [`AtomicFile`] — every file is written under a temporary name and renamed into place only
//!   when complete. An interrupted scan keeps its findings as `NAME.partial.EXT`
//!   ([`FindingsWriter::finish_partial`]) and writes summary and report with `partial: true` and a
//!   PARTIAL banner. `docs/report.md` describes each output.
//! * Values a person reads are masked with `fangxian_core::recognize::mask`.
//!
//! ```
//! use fangxian_core::ItemKind;
//! use fangxian_report::{render_terminal, FindingsWriter, TerminalOptions};
//! use fangxian_scan::summary::{FindingRef, Summary};
//! use fangxian_scan::FindingSink;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("findings.jsonl");
//! let mut sink = FindingsWriter::create(&path)?;
//! sink.push(&FindingRef {
//!     source: "users.csv", record: 1, field: Some("phone"), kind: ItemKind::Mobile,
//!     value: "13800138000", valid: true, confidence: 0.99,
//! })?;
//! assert!(!path.exists()); // nothing under the final name until finished
//! sink.finish()?;
//! assert_eq!(std::fs::read_to_string(&path)?.lines().count(), 1);
//!
//! let table = render_terminal(&Summary::default(), &TerminalOptions::default());
//! assert!(table.contains("Tier"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod atomic;
pub mod columnar;
mod error;
pub mod findings;
pub mod html;
pub mod jsonl;
pub mod summary_json;
mod svg;
pub mod terminal;
mod text;

pub use atomic::{partial_path, write_atomic, AtomicFile};
pub use columnar::{ParquetChunkEncoder, ParquetFindings};
pub use error::Error;
pub use findings::{FindingsFormat, FindingsWriter, Finished};
pub use html::{render_html, write_report_html, HtmlOptions};
pub use jsonl::{JsonlChunkEncoder, JsonlFindings};
pub use summary_json::{summary_json, write_summary_json};
pub use terminal::{render_terminal, TerminalOptions};
