//! Times each validator on the columns of a dense customer dump, the scanner's worst case (every
//! column is personal information).
//!
//! Usage: `cargo run --release -p fangxian-core --example validate_columns -- FILE.csv
//! [--rounds N] [--only TYPE] [--rows N]` (`--rounds 0`: the checksum alone)
//!
//! `FILE.csv` has the column order of `fangxian gen`'s customer lists (name, sex, resident ID,
//! mobile, landline, e-mail, address, QQ, WeChat ID, IPv4, registration time) under any header
//! line; lines are split naively on commas and lines without 11 fields are skipped. For every
//! type it validates the whole column with one reused buffer, `--rounds` times (default 7), and
//! prints the time per value in ns (each chunk of 4096 values at its best round), then the sum over the types (one row's validation cost).
//!
//! The last line is a checksum of every verdict (kind, failed check, signals) and canonical
//! value, so that two builds can be compared for identical results. Under
//! `valgrind --tool=callgrind --toggle-collect='*run_column*'` with `--rounds 1 --only TYPE`,
//! the instruction count is that of the validator alone.

use std::hint::black_box;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use fangxian_core::validate::{self, Verdict};
use fangxian_core::ItemKind;

/// The validated columns of a customer list and their types.
const COLUMNS: [(usize, ItemKind); 9] = [
    (0, ItemKind::PersonName),
    (2, ItemKind::ResidentId),
    (3, ItemKind::Mobile),
    (4, ItemKind::Landline),
    (5, ItemKind::Email),
    (6, ItemKind::Address),
    (7, ItemKind::Qq),
    (8, ItemKind::WechatId),
    (9, ItemKind::Ipv4),
];

/// Values timed at once: short enough that few chunks are interrupted, long enough to make the
/// clock's cost negligible.
const CHUNK: usize = 4096;

/// Validates every value of one column; not inlined so that callgrind can count it alone.
#[inline(never)]
fn run_column(kind: ItemKind, values: &[&str], canon: &mut String) -> usize {
    let mut valid = 0;
    for &raw in values {
        if let Some(v) = black_box(validate::validate(kind, raw, canon)) {
            valid += usize::from(v.is_valid());
        }
    }
    valid
}

/// FNV-1a, stable across builds and Rust versions (unlike `DefaultHasher`'s promise).
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn checksum(kind: ItemKind, values: &[&str], canon: &mut String, hash: &mut u64) {
    for &raw in values {
        match validate::validate(kind, raw, canon) {
            None => fnv(hash, b"-\n"),
            Some(Verdict {
                kind,
                failed,
                signals,
            }) => {
                fnv(hash, kind.id().as_bytes());
                fnv(hash, failed.map_or("", |c| c.id()).as_bytes());
                fnv(hash, &[signals.bits()]);
                fnv(hash, canon.as_bytes());
                fnv(hash, b"\n");
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut path, mut rounds, mut only, mut max_rows) = (None, 7, None, usize::MAX);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().ok_or("--rounds N")?.parse()?,
            "--rows" => max_rows = args.next().ok_or("--rows N")?.parse()?,
            "--only" => only = Some(args.next().ok_or("--only TYPE")?),
            _ => path = Some(arg),
        }
    }
    let path = path.ok_or("usage: validate_columns FILE.csv [--rounds N] [--only TYPE]")?;
    let text = std::fs::read_to_string(path)?;
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|fields| fields.len() == 11)
        .take(max_rows)
        .collect();
    let columns: Vec<(ItemKind, Vec<&str>)> = COLUMNS
        .iter()
        .filter(|(_, kind)| only.as_deref().is_none_or(|o| o == kind.id()))
        .map(|&(i, kind)| (kind, rows.iter().map(|r| r[i]).collect()))
        .collect();
    if columns.is_empty() {
        return Err("--only: no such column type".into());
    }

    // The checksum pass first: it also builds the validators' tables (`OnceLock`s), so that
    // the timed rounds (and callgrind's counts) see the steady state only.
    let mut canon = String::new();
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for (kind, values) in &columns {
        checksum(*kind, values, &mut canon, &mut hash);
    }
    // Timed in chunks, keeping each chunk's best round: the machine is shared, and a round of a
    // whole column (milliseconds) is often cut by another process, so that the best whole round
    // still carries some of that noise. The sum of the chunks' bests covers every value.
    let mut best: Vec<Vec<Duration>> = columns
        .iter()
        .map(|(_, values)| vec![Duration::MAX; values.len().div_ceil(CHUNK)])
        .collect();
    let mut valid = vec![0; columns.len()];
    for round in 0..rounds {
        // A new buffer each round, at another offset: where the buffer lies relative to the
        // stack decides whether its stores alias (in their low 12 address bits) the loads
        // that follow them, which doubled the time of some validators in some processes and
        // not in others, whatever their code. The best round per chunk is then a layout
        // without that accident.
        let _shift = black_box(vec![0u8; 16 + 272 * round]);
        let mut canon = String::with_capacity(256);
        for (i, (kind, values)) in columns.iter().enumerate() {
            valid[i] = 0;
            for (j, chunk) in values.chunks(CHUNK).enumerate() {
                let start = Instant::now();
                valid[i] += run_column(*kind, chunk, &mut canon);
                best[i][j] = best[i][j].min(start.elapsed());
            }
        }
    }

    let mut out = io::stdout().lock();
    if rounds == 0 {
        // `--rounds 0`: the checksum alone, to compare two builds quickly.
        writeln!(out, "{} rows\nchecksum {hash:016x}", rows.len())?;
        return Ok(());
    }
    writeln!(
        out,
        "{} rows, each chunk of {CHUNK} values at its best of {rounds} rounds",
        rows.len()
    )?;
    let mut total = 0.0;
    for (i, (kind, values)) in columns.iter().enumerate() {
        let ns = best[i].iter().sum::<Duration>().as_nanos() as f64 / values.len().max(1) as f64;
        total += ns;
        writeln!(
            out,
            "  {:<16} {ns:7.1} ns/value  ({} of {} valid)",
            kind.id(),
            valid[i],
            values.len()
        )?;
    }
    writeln!(out, "  {:<16} {total:7.1} ns/row", "sum")?;
    writeln!(out, "checksum {hash:016x}")?;
    Ok(())
}
