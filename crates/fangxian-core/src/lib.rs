//! # fangxian-core
//!
//! What Chinese personal information (PI) looks like, when a candidate is real, and how serious it
//! is in law. Pure: no I/O, no threads, no async.
//!
//! API themes:
//! * [`taxonomy`] — item types ([`ItemKind`]), legal tiers ([`Tier`]) and content
//!   categories ([`Category`]) of 法释〔2017〕10号, and PIPL art. 28 sensitivity.
//! * [`validate`] — one validator per type: structure, checksum, date, region, allocated prefix,
//!   and the contract's canonical value.
//! * [`recognize`] — finding items in free text, in a labelled field, and profiling columns.
//!
//! ```
//! use fangxian_core::{validate, ItemKind};
//! let mut canon = String::new();
//! let verdict = validate::validate(ItemKind::ResidentId, "11010519491231002x", &mut canon).unwrap();
//! assert!(verdict.is_valid());
//! assert_eq!(canon, "11010519491231002X");
//! ```
#![deny(missing_docs)]

pub mod display;
pub mod recognize;
pub mod taxonomy;
pub mod validate;

pub use taxonomy::{Category, ContentClass, ItemKind, PiplFlag, PiplProfile, Sensitivity, Tier};
