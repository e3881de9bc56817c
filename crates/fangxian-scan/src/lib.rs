//! # fangxian-scan
//!
//! The bounded parallel pipeline behind `fangxian scan`: inputs → records (`fangxian-formats`) →
//! validated items (`fangxian-core`) → exact de-duplication → tallies per type, tier, category
//! and person → a [`Summary`] (contract §3) and a stream of findings (contract §1) pushed into a
//! [`FindingSink`].
//!
//! Threads: one walker reads and parses the inputs into record batches drawn from a fixed pool
//! (so memory is bounded whatever the input size); N workers recognise and validate each batch's
//! fields, count its records ([`tally::BatchTally`]) and insert its keyed hashes into the shared,
//! sharded [`dedup::DistinctSets`]; one collector restores input order, writes the findings and
//! merges the counters ([`tally::Tally`]). At the end the distinct sets are counted, shard by
//! shard, in parallel.
#![deny(missing_docs)]

pub mod dedup;
pub mod pipeline;
pub mod summary;
pub mod tally;

pub use summary::{Chunk, ChunkEncoder, FindingRow, FindingSink, Summary};
