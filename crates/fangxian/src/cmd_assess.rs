//! `fangxian assess`: the legal assessment of scan summaries under case facts.
//!
//! Glue only: the rules and the reasoning live in `fangxian-legal`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use fangxian_legal::{assess, load_summary, Assessment, CaseFacts, Ruleset};

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
        write_verdict(&mut out, &assessment)?;
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

/// The short verdict: level, basis, screened count, readings, what would change it.
fn write_verdict(out: &mut impl Write, a: &Assessment) -> std::io::Result<()> {
    writeln!(out, "结论：{}（默认归类，按查获数量）", a.level.name_zh())?;
    writeln!(
        out,
        "Level: {} (default reading, as seized)",
        a.level.name_en()
    )?;
    writeln!(
        out,
        "  counts A {} · B {} · C {}; units {}{}",
        group(a.counts.a),
        group(a.counts.b),
        group(a.counts.c),
        a.units,
        if a.insider_applied {
            " (insider standards: serious at 0.5, particularly serious at 5)"
        } else {
            " (serious at 1, particularly serious at 10)"
        }
    )?;
    for (zh, en) in a.basis_zh.iter().zip(&a.basis) {
        writeln!(out, "  依据 {zh}")?;
        writeln!(out, "  basis {en}")?;
    }
    writeln!(
        out,
        "  筛查后 screened: {} / {} (units {}; exclusion needs evidence, art. 11 para. 3)",
        a.screened.level.name_zh(),
        a.screened.level.name_en(),
        a.screened.units
    )?;
    for key in ["conservative", "lenient"] {
        if let Some(r) = a.readings.get(key) {
            if r.as_seized.level != a.level || r.as_seized.counts != a.counts {
                writeln!(
                    out,
                    "  {key} reading: {} / {} (A {} · B {} · C {}; units {})",
                    r.as_seized.level.name_zh(),
                    r.as_seized.level.name_en(),
                    group(r.as_seized.counts.a),
                    group(r.as_seized.counts.b),
                    group(r.as_seized.counts.c),
                    r.as_seized.units
                )?;
            }
        }
    }
    if let Some(n) = &a.nearest_threshold {
        let what = if n.money == "illegal_gains_yuan" {
            "illegal gains"
        } else {
            "profit"
        };
        let money = match n.money_short_yuan {
            Some(short) => format!(
                "{what} ≥ {} yuan (short by {})",
                yuan(n.money_needed_yuan),
                yuan(short)
            ),
            None => format!("{what} ≥ {} yuan (unknown)", yuan(n.money_needed_yuan)),
        };
        match (&n.more_items, n.units, n.units_needed) {
            (Some(m), Some(u), Some(need)) => writeln!(
                out,
                "  nearest: {} ({}) at units ≥ {need}, now {u}: {} more tier-A items, {} tier-B or {} tier-C; or {money}",
                n.target.name_en(),
                n.rule,
                group(m.a),
                group(m.b),
                group(m.c)
            )?,
            _ => writeln!(out, "  nearest: {} ({}): {money}", n.target.name_en(), n.rule)?,
        }
    }
    for w in a.depends_on.iter().chain(&a.would_change) {
        writeln!(out, "  {}", w.zh)?;
        writeln!(out, "  {}", w.en)?;
    }
    writeln!(out, "本结果仅供参考，不构成法律意见，由司法机关依法认定。")?;
    writeln!(out, "This informs; it does not judge.")
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

/// An integer with thousands separators.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Yuan for display: whole amounts grouped, fractions to the fen.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn yuan(x: f64) -> String {
    if x.fract() == 0.0 && (0.0..1e15).contains(&x) {
        group(x as u64)
    } else {
        format!("{x:.2}")
    }
}
