//! # fangxian-scan
//!
//! The bounded parallel pipeline behind `fangxian scan`: inputs → records (`fangxian-formats`) →
//! validated items (`fangxian-core`) → exact de-duplication → tallies per type, tier, category
//! and person → a [`Summary`] (contract §3) and a stream of findings (contract §1) pushed into a
//! [`FindingSink`].
#![deny(missing_docs)]

pub mod dedup;
pub mod pipeline;
pub mod summary;
pub mod tally;

pub use summary::{FindingRow, FindingSink, Summary};
