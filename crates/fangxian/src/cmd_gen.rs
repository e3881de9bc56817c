//! `fangxian gen`: write a labelled synthetic corpus and its gold answers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use fangxian_gen::{Encoding, Format, GenOptions, Packaging};

use crate::Global;

/// Arguments of `fangxian gen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write into: the corpus goes to DIR/data, the gold answers to DIR/gold.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed; the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Target size of the data as text, before compression (10MB, 1GB, 500KB …).
    #[arg(long, default_value = "10MB")]
    pub size: String,
    /// Formats, comma-separated: csv, tsv, json, jsonl, mysql, pgdump, sqlite, xlsx, txt
    /// (default: all but sqlite and xlsx).
    #[arg(long, value_delimiter = ',')]
    pub formats: Vec<String>,
    /// Datasets or content categories, comma-separated: customers, hotel, gps, checkpoint,
    /// calls, sms, orders, waybills, medical, credit, property, log; or accommodation,
    /// trajectory, … (default: all).
    #[arg(long, value_delimiter = ',')]
    pub categories: Vec<String>,
    /// Compression and containers for part of the files: gz, zst, xz, bz2, zip, tar, or none
    /// (default: all).
    #[arg(long = "compress", value_delimiter = ',')]
    pub compress: Vec<String>,
    /// Encodings to rotate through: utf8, utf8bom, gbk, utf16 (default: all).
    #[arg(long, value_delimiter = ',')]
    pub encodings: Vec<String>,
    /// Worker threads (0 = available cores, at most 4).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Persons the records are drawn from (default: one per four records, at most 100,000).
    /// A larger pool gives more distinct values, e.g. `--persons 2000000` for a corpus that
    /// stresses the exact distinct counts; each person takes about 2.5 KB while generating
    /// (at most 4,000,000).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub persons: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_list<T: std::str::FromStr<Err = fangxian_gen::Error> + Copy>(
    v: &[String],
    all: &[T],
) -> anyhow::Result<Vec<T>> {
    if v.is_empty() {
        return Ok(all.to_vec());
    }
    if v.len() == 1 && v[0].trim() == "none" {
        return Ok(Vec::new());
    }
    v.iter()
        .map(|s| s.parse::<T>().map_err(anyhow::Error::from))
        .collect()
}

/// Runs `fangxian gen`.
pub fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    if args.persons > fangxian_gen::MAX_PERSONS {
        anyhow::bail!(
            "--persons {}: at most {} (each person takes about 2.5 KB while generating)",
            args.persons,
            fangxian_gen::MAX_PERSONS
        );
    }
    let opts = GenOptions {
        seed: args.seed,
        size: fangxian_gen::parse_size(&args.size)?,
        formats: parse_list(&args.formats, Format::DEFAULT)?,
        categories: args.categories.clone(),
        compressions: parse_list(&args.compress, Packaging::ALL)?,
        encodings: parse_list(&args.encodings, Encoding::ALL)?,
        threads: args.threads,
        persons: args.persons,
    };
    let start = Instant::now();
    let report = fangxian_gen::generate(&opts, &args.out)
        .with_context(|| format!("generating into {}", args.out.display()))?;
    let secs = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let mbps = report.bytes_text as f64 / 1e6 / secs.max(1e-9);
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["seconds"] = serde_json::json!(secs);
        v["mb_per_s"] = serde_json::json!(mbps);
        writeln!(out, "{v}")?;
    } else if !global.quiet {
        writeln!(
            out,
            "wrote {} files ({} data files, {} records, {:.1} MB of text, {:.1} MB stored) to {} in {:.2} s ({:.0} MB/s)\ngold answers: {}",
            report.files,
            report.data_files,
            report.records,
            report.bytes_text as f64 / 1e6,
            report.bytes_stored as f64 / 1e6,
            args.out.join("data").display(),
            secs,
            mbps,
            args.out.join("gold").display(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
