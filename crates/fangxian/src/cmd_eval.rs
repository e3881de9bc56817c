//! `fangxian eval`: score a tool's findings (and summary) against a corpus's gold answers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use fangxian_gen::eval::{self, Gate};
use fangxian_gen::Gold;

use crate::Global;

/// Arguments of `fangxian eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gold directory written by `fangxian gen` (DIR/gold).
    #[arg(long, value_name = "DIR")]
    pub gold: PathBuf,
    /// Findings in the contract's JSON Lines or Parquet form (any tool's); may be repeated.
    #[arg(long, value_name = "FILE", required = true)]
    pub findings: Vec<PathBuf>,
    /// The tool's summary JSON (contract §3), to compare every count with gold.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) when a checksum-bearing type's F1 is below this.
    #[arg(long, value_name = "F1")]
    pub min_f1: Option<f64>,
    /// Fail (exit 1) when any decoy is reported valid.
    #[arg(long)]
    pub fail_on_decoy: bool,
    /// Fail (exit 1) when any summary count differs from gold.
    #[arg(long)]
    pub fail_on_summary_mismatch: bool,
}

/// Runs `fangxian eval`. Exit 0 when the gates pass, 1 when one fails, 2 on error.
pub fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let gold = Gold::read_from(&args.gold)
        .with_context(|| format!("reading gold answers from {}", args.gold.display()))?;
    let mut findings = Vec::new();
    for f in &args.findings {
        findings.extend(eval::read_findings(f)?);
    }
    let summary = match &args.summary {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading summary {}", p.display()))?;
            Some(
                serde_json::from_str::<serde_json::Value>(&text)
                    .with_context(|| format!("parsing summary {}", p.display()))?,
            )
        }
        None => None,
    };
    let report = eval::score(&gold, &findings, summary.as_ref());
    let failures = report.gate_failures(&Gate {
        min_f1: args.min_f1,
        fail_on_decoy: args.fail_on_decoy,
        fail_on_summary_mismatch: args.fail_on_summary_mismatch,
    });
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["gate_failures"] = serde_json::json!(failures);
        writeln!(out, "{v}")?;
    } else if !global.quiet {
        write!(out, "{}", report.to_table())?;
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        let mut err = std::io::stderr().lock();
        for f in &failures {
            writeln!(err, "gate failed: {f}")?;
        }
        Ok(ExitCode::from(1))
    }
}
