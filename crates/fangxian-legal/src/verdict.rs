//! The short verdict: a dozen lines in Chinese and English for a terminal or a report header.

use crate::ratio::{fmt_int, fmt_ratio};
use crate::Assessment;

/// Yuan for display: whole amounts grouped, fractions to the fen.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn yuan(x: f64) -> String {
    if x.is_finite() && (0.0..1e15).contains(&x) {
        fmt_ratio((x * 100.0).round() as u128, 100)
    } else {
        format!("{x}")
    }
}

impl Assessment {
    /// The short verdict: level, counts and units, every rule that fired, the screened count,
    /// the disputed readings that differ, the nearest threshold, the facts the level rests on
    /// and the unknown facts that would change it, and the disclaimer. One string per line.
    pub fn verdict(&self) -> Vec<String> {
        let a = self;
        let g = |n: u64| fmt_int(n.into());
        let mut out = vec![
            format!("结论：{}（默认归类，按查获数量）", a.level.name_zh()),
            format!("Level: {} (default reading, as seized)", a.level.name_en()),
            format!(
                "  counts A {} · B {} · C {}; units {} ({}serious at {}, particularly serious at {})",
                g(a.counts.a),
                g(a.counts.b),
                g(a.counts.c),
                a.units,
                if a.insider_applied { "insider standards: " } else { "" },
                a.standard_units[0],
                a.standard_units[1],
            ),
        ];
        for (zh, en) in a.basis_zh.iter().zip(&a.basis) {
            out.push(format!("  依据 {zh}"));
            out.push(format!("  basis {en}"));
        }
        out.push(format!(
            "  筛查后 screened: {} / {} (units {}; exclusion needs evidence, art. 11 para. 3)",
            a.screened.level.name_zh(),
            a.screened.level.name_en(),
            a.screened.units
        ));
        for key in ["conservative", "lenient"] {
            if let Some(r) = a.readings.get(key) {
                if r.as_seized.level != a.level || r.as_seized.counts != a.counts {
                    out.push(format!(
                        "  {key} reading: {} / {} (A {} · B {} · C {}; units {})",
                        r.as_seized.level.name_zh(),
                        r.as_seized.level.name_en(),
                        g(r.as_seized.counts.a),
                        g(r.as_seized.counts.b),
                        g(r.as_seized.counts.c),
                        r.as_seized.units
                    ));
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
                (Some(m), Some(u), Some(need)) => out.push(format!(
                    "  nearest: {} ({}) at units ≥ {need}, now {u}: {} more tier-A items, {} tier-B or {} tier-C; or {money}",
                    n.target.name_en(),
                    n.rule,
                    g(m.a),
                    g(m.b),
                    g(m.c)
                )),
                _ => out.push(format!(
                    "  nearest: {} ({}): {money}",
                    n.target.name_en(),
                    n.rule
                )),
            }
        }
        for w in a.depends_on.iter().chain(&a.would_change) {
            out.push(format!("  {}", w.zh));
            out.push(format!("  {}", w.en));
        }
        out.push("本结果仅供参考，不构成法律意见，由司法机关依法认定。".into());
        out.push("This informs; it does not judge.".into());
        out
    }
}
