//! `fangxian assess`: the legal assessment of scan summaries under case facts.
//!
//! Glue only: the rules and the reasoning live in `fangxian-legal`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use fangxian_legal::{assess, load_summary, CaseFacts, Ruleset};

use crate::Global;

/// Arguments of `fangxian assess`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Case facts (TOML): act, insider, illegal gains, prior record, recipients, harm. See
    /// docs/law.md.
    #[arg(long, value_name = "FACTS.toml")]
    pub facts: PathBuf,
    /// Scan summaries (`fangxian scan --summary`) of the seized data; their counts are added.
    #[arg(value_name = "SUMMARY.json")]
    pub summaries: Vec<PathBuf>,
    /// Where to write the assessment JSON (`fangxian.assessment/1`).
    #[arg(long, value_name = "FILE", default_value = "assessment.json")]
    pub out: PathBuf,
    /// Print the assessment JSON on standard output instead of the verdict.
    #[arg(long)]
    pub json: bool,
    /// Print the full step-by-step explanation (Chinese, then English) after the verdict.
    #[arg(long)]
    pub explain: bool,
}

/// Runs `fangxian assess`. Exit 0 on success whatever the level, 2 on error.
pub fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let rules = Ruleset::builtin()?;
    let facts = CaseFacts::load(&args.facts).context("cannot read the case facts")?;
    if args.summaries.is_empty() && facts.recipients.is_empty() {
        anyhow::bail!(
            "no summaries given\nhint: pass the summary JSON of the seized data (`fangxian scan --summary FILE`), or list recipients with their summaries in {}",
            args.facts.display()
        );
    }
    let seized = args
        .summaries
        .iter()
        .map(|p| load_summary(p))
        .collect::<Result<Vec<_>, _>>()
        .context("cannot read a summary")?;
    let assessment = assess(rules, &seized, &facts);
    let json = serde_json::to_string_pretty(&assessment)?;
    write_atomic(&args.out, json.as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{json}")?;
    } else {
        for line in assessment.verdict() {
            writeln!(out, "{line}")?;
        }
        if args.explain {
            writeln!(out)?;
            for line in assessment
                .explanation_zh
                .iter()
                .chain([String::new()].iter())
                .chain(&assessment.explanation_en)
            {
                writeln!(out, "{line}")?;
            }
        }
    }
    out.flush()?;
    if !global.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "wrote {} ({})",
            args.out.display(),
            fangxian_legal::SCHEMA
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes via a temporary file and a rename, so a reader never sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map_or_else(
        || "assessment.json".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
