//! Counts N distinct values exactly under a memory budget and checks the count.
//!
//! `cargo run --release -p fangxian-scan --example distinct -- 100000000 2GiB`
//! (bench/dedup.sh runs it under GNU time to record peak RSS).

use fangxian_scan::dedup::{DistinctSets, KeyedHasher};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(Ok(100_000_000), |s| s.parse())?;
    let budget: u64 = args.next().map_or(Ok(2 << 30), |s| {
        s.trim_end_matches("GiB").parse::<u64>().map(|g| g << 30)
    })?;
    let hasher = KeyedHasher::random();
    // The scan gives half of --mem-limit to its distinct sets.
    let mut sets = DistinctSets::new(budget / 2, None);
    let set = sets.add_set();
    let start = std::time::Instant::now();
    // Every value twice (the second pass in a different order), so de-duplication is exercised
    // across spill runs: the exact answer is n.
    for pass in 0..2u64 {
        for i in 0..n {
            let v = if pass == 0 { i } else { n - 1 - i };
            sets.insert(set, hasher.hash_parts(&[&v.to_le_bytes()]))?;
        }
    }
    let inserted = start.elapsed();
    let count = sets.count(set)?;
    let total = start.elapsed();
    use std::io::Write as _;
    writeln!(
        std::io::stdout(),
        "values {n} (inserted twice), counted {count}, exact: {}, spills {}, insert {:.1}s, total {:.1}s",
        count == n,
        sets.spills(),
        inserted.as_secs_f64(),
        total.as_secs_f64()
    )?;
    if count != n {
        return Err("count differs".into());
    }
    Ok(())
}
