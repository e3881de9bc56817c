//! `fangxian detect`: find PI items in a text or standard input.
//!
//! Every line is one record (contract §1: a text line is a record). Standard input is read line
//! by line, so inputs of any size stream; a line longer than [`MAX_LINE`] is searched in pieces
//! of that size (an item cut by a piece boundary is missed).

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use fangxian_core::recognize::{mask_into, Finding, Recognizer, Scratch};

use crate::Global;

/// Longest piece of one line searched at once.
const MAX_LINE: usize = 16 << 20;

/// Arguments of `fangxian detect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text to search, or `-` (the default) to read standard input line by line.
    pub text: Option<String>,
    /// Print one JSON object per finding (the findings form of the output contract, with the
    /// unmasked canonical value; `source` is `-`, `record` the line number, `field` null).
    #[arg(long)]
    pub json: bool,
    /// Show values unmasked in the table.
    #[arg(long)]
    pub reveal: bool,
}

/// One finding in the contract's findings form (`shared/contracts/scan-output.md` §1), plus
/// the span and the evidence.
#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    source: &'a str,
    record: u64,
    field: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    value: &'a str,
    valid: bool,
    confidence: f64,
    /// Byte offsets in the line.
    span: [usize; 2],
    evidence: String,
}

struct Printer<W: Write> {
    out: W,
    json: bool,
    reveal: bool,
    found: u64,
    masked: String,
}

impl<W: Write> Printer<W> {
    fn header(&mut self) -> std::io::Result<()> {
        if self.json {
            return Ok(());
        }
        let cols = ["LINE", "TYPE", "VALUE", "VALID", "CONF", "EVIDENCE"];
        self.row(&cols)
    }

    fn row(&mut self, cols: &[&str; 6]) -> std::io::Result<()> {
        // Widths fit the common cases (an 18-character ID; `cn_residence_permit`); longer
        // values simply push the row out.
        const WIDTHS: [usize; 5] = [5, 20, 24, 6, 5];
        for (c, w) in cols.iter().zip(WIDTHS) {
            self.out.write_all(c.as_bytes())?;
            let pad = w.saturating_sub(display_width(c)) + 1;
            write!(self.out, "{:pad$}", "")?;
        }
        writeln!(self.out, "{}", cols[5])
    }

    fn finding(&mut self, record: u64, f: &Finding<'_>) -> std::io::Result<()> {
        self.found += 1;
        if self.json {
            let j = JsonFinding {
                source: "-",
                record,
                field: None,
                kind: f.kind.id(),
                value: f.value,
                valid: f.valid,
                confidence: (f64::from(f.confidence) * 100.0).round() / 100.0,
                span: [f.span.start, f.span.end],
                evidence: f.evidence.to_string(),
            };
            serde_json::to_writer(&mut self.out, &j)?;
            return writeln!(self.out);
        }
        let mut masked = std::mem::take(&mut self.masked);
        if self.reveal {
            masked.clear();
            masked.push_str(f.value);
        } else {
            mask_into(f.kind, f.value, &mut masked);
        }
        let record = record.to_string();
        let conf = format!("{:.2}", f.confidence);
        let evidence = f.evidence.to_string();
        let valid = if f.valid { "yes" } else { "NO" };
        let r = self.row(&[&record, f.kind.id(), &masked, valid, &conf, &evidence]);
        self.masked = masked;
        r
    }
}

/// Terminal columns of `s`: East Asian wide and full-width characters take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Runs `fangxian detect`.
pub fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let recognizer = Recognizer::new();
    let mut scratch = Scratch::new();
    let stdout = std::io::stdout();
    let mut p = Printer {
        out: std::io::BufWriter::new(stdout.lock()),
        json: args.json,
        reveal: args.reveal,
        found: 0,
        masked: String::new(),
    };
    if !global.quiet {
        p.header()?;
    }
    let mut failed: Option<std::io::Error> = None;
    let mut search = |p: &mut Printer<_>, record: u64, line: &str| -> anyhow::Result<()> {
        recognizer.find_in_text_with(line, &mut scratch, &mut |f| {
            if failed.is_none() {
                if let Err(e) = p.finding(record, f) {
                    failed = Some(e);
                }
            }
        });
        match failed.take() {
            Some(e) => Err(e).context("writing to standard output"),
            None => Ok(()),
        }
    };

    match args.text.as_deref() {
        Some(text) if text != "-" => {
            for (i, line) in text.lines().enumerate() {
                search(&mut p, i as u64 + 1, line)?;
            }
        }
        _ => {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            let mut buf = Vec::new();
            let mut carry = Vec::new();
            let mut record = 0u64;
            let mut continued = false;
            loop {
                buf.clear();
                buf.append(&mut carry);
                let n = (&mut input)
                    .take((MAX_LINE - buf.len()) as u64)
                    .read_until(b'\n', &mut buf)
                    .context("reading standard input")?;
                if n == 0 && buf.is_empty() {
                    break;
                }
                if !continued {
                    record += 1;
                }
                let complete = buf.ends_with(b"\n") || n == 0;
                continued = !complete;
                if !complete {
                    // A piece of an over-long line: cut at a character boundary and carry the
                    // partial character over.
                    if let Err(e) = std::str::from_utf8(&buf) {
                        if e.error_len().is_none() {
                            carry.extend_from_slice(&buf[e.valid_up_to()..]);
                            buf.truncate(e.valid_up_to());
                        }
                    }
                }
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                let line = String::from_utf8_lossy(&buf);
                search(&mut p, record, &line)?;
                if n == 0 {
                    break;
                }
            }
        }
    }
    p.out.flush().context("writing to standard output")?;
    let found = p.found;
    drop(p);
    if !global.quiet && !args.json {
        let _ = writeln!(
            std::io::stderr(),
            "{found} item{} found",
            if found == 1 { "" } else { "s" }
        );
    }
    Ok(if found > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(display_width("ab"), 2);
        assert_eq!(display_width("张三"), 4);
        assert_eq!(display_width("１"), 2);
    }
}
