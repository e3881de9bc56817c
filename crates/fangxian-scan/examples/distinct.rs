//! Counts N distinct values exactly under a memory budget and checks the count.
//!
//! `cargo run --release -p fangxian-scan --example distinct -- 100000000 2GiB [PASSES]`
//! (bench/dedup.sh runs it under GNU time to record peak RSS). Every value is inserted PASSES
//! times (default 2), each pass in a different order; bench/floor.sh uses many passes over
//! fewer values, as a dump repeats its persons. The CPU time per insert (hashing included)
//! is printed too.

use fangxian_scan::dedup::{DistinctSets, KeyedHasher, Pending};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(Ok(100_000_000), |s| s.parse())?;
    let budget: u64 = args.next().map_or(Ok(2 << 30), |s| {
        s.trim_end_matches("GiB").parse::<u64>().map(|g| g << 30)
    })?;
    let passes: u64 = args.next().map_or(Ok(2), |s| s.parse())?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let hasher = KeyedHasher::random();
    // The scan gives half of --mem-limit to its distinct sets.
    let sets = DistinctSets::new(1, budget / 2, None);
    let start = std::time::Instant::now();
    // Every value `passes` times (odd passes in reverse order), so de-duplication is exercised
    // across spills: the exact answer is n. Each thread takes every `threads`-th value, in
    // batches, as the scan's workers do.
    std::thread::scope(|scope| -> Result<(), fangxian_scan::dedup::DedupError> {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let sets = &sets;
                scope.spawn(move || {
                    let mut pending = Pending::new();
                    for pass in 0..passes {
                        for i in (t..n).step_by(threads) {
                            let v = if pass % 2 == 0 { i } else { n - 1 - i };
                            pending.push(0, hasher.hash_kind(0, &v.to_le_bytes()), 1);
                            if pending.len() >= 1 << 16 {
                                sets.insert(&mut pending)?;
                            }
                        }
                    }
                    sets.insert(&mut pending)
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        }
        Ok(())
    })?;
    let inserted = start.elapsed();
    let count = sets.count(threads)?[0][0];
    let total = start.elapsed();
    use std::io::Write as _;
    writeln!(
        std::io::stdout(),
        "values {n} (inserted {passes} times), counted {count}, exact: {}, threads {threads}, spills {}, insert {:.1}s ({:.1} ns per insert on each thread), total {:.1}s",
        count == n,
        sets.spills(),
        inserted.as_secs_f64(),
        inserted.as_secs_f64() * 1e9 * threads as f64 / (n * passes).max(1) as f64,
        total.as_secs_f64()
    )?;
    if count != n {
        return Err("count differs".into());
    }
    Ok(())
}
