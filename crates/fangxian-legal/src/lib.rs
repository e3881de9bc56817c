//! # fangxian-legal
//!
//! What a count of personal information (PI) means in Chinese criminal law: the "serious" /
//! "particularly serious" assessment of 法释〔2017〕10号 arts. 5, 6 and 11, computed as a pure
//! function of scan summaries and case facts, with every step cited and explained in Chinese and
//! English. PIPL art. 28 sensitivity is reported beside the criminal tiers, never mixed in.
//!
//! The tool informs; it does not judge. Qualitative circumstances ("other serious
//! circumstances"), whether exclusion evidence suffices and who is an insider are for the court.
//!
//! API themes:
//! * [`Ruleset`] — the versioned rules file (`rules/fashi-2017-10.toml`): thresholds, multipliers,
//!   effective dates, the article texts and the disputed content-class mappings.
//! * [`CaseFacts`] — the conduct, read from a TOML facts file: act, insider, gains, record,
//!   recipients (art. 11 cumulative counting) and harm. Unknown facts stay `None`.
//! * [`SummaryInput`] — the counts a scan summary (`fangxian.summary/1`) carries.
//! * [`assess`] / [`assess_summary`] — the assessment ([`Assessment`], `fangxian.assessment/1`).
//!
//! ```
//! use fangxian_legal::{assess, CaseFacts, Level, Ruleset, SummaryInput};
//! let rules = Ruleset::builtin().unwrap();
//! let summary: SummaryInput = serde_json::from_str(
//!     r#"{"schema": "fangxian.summary/1",
//!         "tiers": {"A": {"records": 30, "persons": 30},
//!                   "B": {"records": 200, "persons": 200},
//!                   "C": {"records": 1000, "persons": 1000}}}"#,
//! ).unwrap();
//! let facts = CaseFacts::from_toml_str("act = \"sold\"").unwrap();
//! let a = assess(rules, &[summary], &facts);
//! assert_eq!(a.level, Level::Serious);
//! assert_eq!(a.units, 1.2); // 30/50 + 200/500 + 1,000/5,000
//! ```
#![deny(missing_docs)]

mod assess;
mod error;
mod explain;
mod facts;
mod ratio;
mod ruleset;
mod summary;
mod verdict;

pub use assess::{
    assess, assess_summary, Assessment, Counting, DisputedClass, Level, Nearest, Outcome, Penalty,
    PiplItem, Reading, ReadingResult, RecipientCount, TierCounts, WhatIf, SCHEMA,
};
pub use error::Error;
pub use facts::{Act, CaseFacts, Recipient, Yuan};
pub use ruleset::{ClassMapping, Effective, PenaltyBand, Rule, Ruleset, RulesetInfo, Thresholds};
pub use summary::{load_summary, ClassEntry, RecordTotals, SummaryInput, TierEntry};
