//! `fangxian scan`: the main job — any dump in, exact counts and an evidence report out.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use fangxian_core::recognize::Recognizer;
use fangxian_report::{
    render_terminal, write_report_html, write_summary_json, FindingsWriter, HtmlOptions,
    TerminalOptions,
};
use fangxian_scan::pipeline::{scan, Progress, ScanOptions};
use fangxian_scan::{FindingSink, Summary};

use crate::Global;

/// Arguments of `fangxian scan`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  fangxian scan examples/                       # case folder ./fangxian-out/
  fangxian scan dump.sql.gz --out case-42/      # findings.parquet, summary.json, report.html
  fangxian scan leak.zip --findings f.jsonl --summary s.json
  cat dump.csv | fangxian scan - --json         # summary JSON on stdout

Inputs: files, directories (recursive) and `-` for stdin. Compression (gzip, bzip2, xz, zstd)
and archives (zip, tar, nested) are detected by content; formats (CSV/TSV, JSON, JSON Lines,
MySQL/PostgreSQL dumps, SQLite, xlsx/xls, text) by sniffing; encodings (UTF-8, GBK/GB18030,
UTF-16) per file. A bad input is reported and skipped; the scan goes on.")]
pub struct Args {
    /// Files, directories or `-` (stdin) to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Case folder for findings.parquet, summary.json and report.html [default: ./fangxian-out
    /// when neither --findings nor --summary is given].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write findings here: `.jsonl`, `.parquet`, or `-` for JSON Lines on stdout.
    #[arg(long, value_name = "FILE")]
    pub findings: Option<PathBuf>,

    /// Write the summary JSON here.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Case facts (TOML) for the legal assessment under 法释〔2017〕10号; see `fangxian assess`.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,

    /// Print the summary as JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Show PI values unmasked in the report and the table.
    #[arg(long)]
    pub reveal: bool,

    /// Worker threads, and the most inputs read at once [default: all cores]. Findings and
    /// counts do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Memory budget, e.g. 2GiB, 512MiB: half for exact de-duplication, which spills to disk
    /// beyond it, a quarter for batches in flight, a quarter for readers and the findings
    /// writer (fewer Parquet encoder threads under a small budget).
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub mem_limit: u64,

    /// Directory for de-duplication spill files [default: system temp dir].
    #[arg(long, value_name = "DIR")]
    pub tmp: Option<PathBuf>,

    /// Follow symbolic links inside directories.
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Most bytes one input may decompress to (zip-bomb guard), e.g. 100GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_decompressed: Option<u64>,

    /// Most output bytes per compressed byte (zip-bomb guard).
    #[arg(long, value_name = "RATIO")]
    pub max_ratio: Option<u64>,
}

/// Parses sizes like `2GiB`, `512MB`, `1000` (the same units as `fangxian gen --size`).
fn parse_size(s: &str) -> Result<u64, String> {
    fangxian_gen::parse_size(s).map_err(|e| e.to_string())
}

/// Runs `fangxian scan`.
pub fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let case_dir = match (&args.out, &args.findings, &args.summary) {
        (Some(dir), _, _) => Some(dir.clone()),
        (None, None, None) => Some(PathBuf::from("fangxian-out")),
        _ => None,
    };
    if let Some(tmp) = &args.tmp {
        // Checked now rather than at the first spill, which may come hours into a scan.
        if !tmp.is_dir() {
            anyhow::bail!("--tmp {}: not a directory", tmp.display());
        }
    }
    if let Some(dir) = &case_dir {
        fs_err::create_dir_all(dir).context("creating the case folder")?;
    }
    let findings_path = args
        .findings
        .clone()
        .or_else(|| case_dir.as_ref().map(|d| d.join("findings.parquet")));
    let summary_path = args
        .summary
        .clone()
        .or_else(|| case_dir.as_ref().map(|d| d.join("summary.json")));
    let report_path = case_dir.as_ref().map(|d| d.join("report.html"));
    let facts = match &args.facts {
        Some(path) => Some(
            fangxian_legal::CaseFacts::load(path)
                .with_context(|| format!("reading case facts {}", path.display()))?,
        ),
        None => None,
    };

    let mut options = ScanOptions {
        mem_limit: args.mem_limit,
        spill_dir: args.tmp.clone(),
        follow_symlinks: args.follow_symlinks,
        // Never scan our own outputs when the case folder sits inside a scanned directory.
        exclude: case_dir.iter().cloned().collect(),
        ..ScanOptions::default()
    };
    if let Some(threads) = args.threads {
        options.threads = threads.max(1);
    }
    if let Some(max) = args.max_decompressed {
        options.limits.max_total_bytes = max;
    }
    if let Some(ratio) = args.max_ratio {
        options.limits.max_ratio = ratio;
    }

    let progress = Arc::new(Progress::default());
    progress
        .total_bytes
        .store(total_size(&args.paths), Ordering::Relaxed);
    install_ctrlc(&progress);

    let mut writer =
        match &findings_path {
            Some(path) => Some(
                FindingsWriter::create(path)
                    .with_context(|| format!("opening findings output {}", path.display()))?
                    .encoder_threads(options.threads.min(
                        fangxian_report::columnar::encoders_within(options.sink_budget()),
                    )),
            ),
            None => None,
        };
    let recognizer = Recognizer::new();
    let bar =
        (!global.quiet && std::io::stderr().is_terminal()).then(|| spawn_progress_bar(&progress));

    let mut null = NullSink;
    let sink: &mut dyn FindingSink = match writer.as_mut() {
        Some(w) => w,
        None => &mut null,
    };
    let result = scan(&args.paths, &options, &recognizer, sink, &progress);
    if let Some((stop, handle)) = bar {
        stop.store(true, Ordering::Relaxed);
        let _ = handle.join();
    }
    let mut summary = result.context("scan failed")?;

    if let Some(facts) = &facts {
        let rules = fangxian_legal::Ruleset::builtin().context("loading the built-in ruleset")?;
        let value = serde_json::to_value(&summary)?;
        let assessment = fangxian_legal::assess_summary(rules, &value, facts)
            .context("assessing the scan under 法释〔2017〕10号")?;
        summary.assessment = Some(serde_json::to_value(&assessment)?);
    }

    if let Some(w) = writer.as_mut() {
        if summary.partial {
            w.finish_partial().context("closing the findings output")?;
        } else {
            w.finish_complete().context("closing the findings output")?;
        }
    }
    if let Some(path) = &summary_path {
        write_summary_json(&summary, path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &report_path {
        write_report_html(&summary, &HtmlOptions::default().reveal(args.reveal), path)
            .with_context(|| format!("writing {}", path.display()))?;
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else if !global.quiet && args.findings.as_deref() != Some(Path::new("-")) {
        let width = terminal_width();
        let color = std::io::stdout().is_terminal();
        write!(
            out,
            "{}",
            render_terminal(&summary, &TerminalOptions::new(width, color))
        )?;
        if let Some(dir) = &case_dir {
            writeln!(out, "\nCase folder: {}", dir.display())?;
        }
    }
    report_problems(&summary, global.quiet);

    let unreadable: Vec<&str> = summary
        .problems
        .iter()
        .filter(|p| {
            p.status == "skipped"
                && args
                    .paths
                    .iter()
                    .any(|a| a.as_os_str() == p.source.as_str())
        })
        .map(|p| p.source.as_str())
        .collect();
    if !unreadable.is_empty() {
        eprintln!("error: could not read {}", unreadable.join(", "));
        return Ok(ExitCode::from(2));
    }
    if summary.partial {
        eprintln!("warning: the scan was interrupted; outputs are marked partial");
        return Ok(ExitCode::from(2));
    }
    Ok(if summary.records.with_pi > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Total stored size of the inputs, for the progress bar (0 when unknown, e.g. stdin).
fn total_size(paths: &[PathBuf]) -> u64 {
    fn walk(p: &Path, depth: u32) -> u64 {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_file() => m.len(),
            Ok(m) if m.is_dir() && depth < 64 => std::fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| walk(&e.path(), depth + 1)).sum())
                .unwrap_or(0),
            _ => 0,
        }
    }
    paths.iter().map(|p| walk(p, 0)).sum()
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// One line per input that was skipped or read in part, on stderr.
fn report_problems(summary: &Summary, quiet: bool) {
    if summary.problems.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    for p in summary.problems.iter().take(if quiet { 0 } else { 20 }) {
        let place = match (p.line, p.offset) {
            (Some(line), _) => format!(":{line}"),
            (None, Some(offset)) => format!(" (byte {offset})"),
            _ => String::new(),
        };
        let _ = writeln!(
            err,
            "warning: {}{place}: {} [{}]",
            p.source,
            with_flag_hints(&p.message),
            p.status
        );
    }
    if summary.problems.len() > 20 && !quiet {
        let _ = writeln!(
            err,
            "warning: … {} more problems; see summary.json `problems`",
            summary.problems.len() - 20
        );
    }
}

/// Readers name the library limit to raise; on the command line, name the flag that raises it.
fn with_flag_hints(message: &str) -> String {
    message
        .replace("Limits::max_total_bytes", "--max-decompressed")
        .replace("Limits::max_ratio", "--max-ratio")
}

/// First Ctrl-C: stop reading, finish what is in flight, and write outputs marked partial.
/// Second Ctrl-C: exit at once (temporary files are left behind, never complete-looking ones).
fn install_ctrlc(progress: &Arc<Progress>) {
    let progress = Arc::clone(progress);
    let _ = ctrlc::set_handler(move || {
        if progress.cancel.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: finishing batches in flight and writing partial outputs (Ctrl-C again to abort)");
    });
}

type BarHandle = (
    Arc<std::sync::atomic::AtomicBool>,
    std::thread::JoinHandle<()>,
);

fn spawn_progress_bar(progress: &Arc<Progress>) -> BarHandle {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (progress, stop2) = (Arc::clone(progress), Arc::clone(&stop));
    let handle = std::thread::spawn(move || {
        let total = progress.total_bytes.load(Ordering::Relaxed);
        let bar = if total > 0 {
            indicatif::ProgressBar::new(total)
        } else {
            indicatif::ProgressBar::new_spinner()
        };
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        let started = std::time::Instant::now();
        while !stop2.load(Ordering::Relaxed) {
            bar.set_position(progress.bytes.load(Ordering::Relaxed));
            let records = progress.records.load(Ordering::Relaxed);
            let items = progress.items.load(Ordering::Relaxed);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            #[allow(clippy::cast_precision_loss)]
            bar.set_message(format!(
                "{records} records, {items} items ({:.0} items/s)",
                items as f64 / secs
            ));
            std::thread::sleep(Duration::from_millis(120));
        }
        bar.finish_and_clear();
    });
    (stop, handle)
}

/// Discards findings when no findings file is wanted.
struct NullSink;

impl FindingSink for NullSink {
    fn push(&mut self, _: &fangxian_scan::summary::FindingRef<'_>) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn wants_findings(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_size, with_flag_hints};

    #[test]
    fn limit_hints_name_the_flags() {
        assert_eq!(
            with_flag_hints("ratio over 1000 (Limits::max_ratio); raise it"),
            "ratio over 1000 (--max-ratio); raise it"
        );
        assert!(with_flag_hints("(Limits::max_total_bytes)").contains("--max-decompressed"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_size("512MB").unwrap(), 512_000_000);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size("1TiB").unwrap(), 1 << 40);
        assert!(parse_size("2 parsecs").is_err());
    }
}
