//! The scorer: grades any tool's contract findings (and summary) against a corpus's gold answers.
//!
//! Scores are over **distinct (type, value) pairs of valid findings**, the unit the law counts
//! (法释〔2017〕10号 art. 11 removes duplicates): a true positive is a gold item reported valid at
//! least once, a false positive a valid finding that is not a gold item, a false negative a gold
//! item never reported valid. Invalid findings (`valid=false`) are scored separately against
//! `gold/invalid.jsonl`; decoys reported valid are counted on their own because one is already a
//! bug.
//!
//! ```
//! use fangxian_gen::eval::{score, Finding};
//! use fangxian_gen::{Gold, GoldItem};
//! let gold = Gold {
//!     items: vec![GoldItem { kind: "cn_mobile".into(), value: "13812345678".into(), count: 1,
//!                            tags: vec![], seen: vec![] }],
//!     ..Gold::default()
//! };
//! let found = vec![Finding::valid("cn_mobile", "13812345678")];
//! let r = score(&gold, &found, None);
//! assert_eq!(r.micro.f1, 1.0);
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::gold::Gold;
use crate::Error;

/// One finding as the contract writes it (§1); fields beyond these are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The type id.
    #[serde(rename = "type")]
    pub kind: String,
    /// The canonical value.
    pub value: String,
    /// Whether every check passed.
    pub valid: bool,
}

impl Finding {
    /// A valid finding (for tests and examples).
    pub fn valid(kind: &str, value: &str) -> Finding {
        Finding {
            kind: kind.to_owned(),
            value: value.to_owned(),
            valid: true,
        }
    }
    /// An invalid finding.
    pub fn invalid(kind: &str, value: &str) -> Finding {
        Finding {
            valid: false,
            ..Finding::valid(kind, value)
        }
    }
}

/// Reads a contract findings file: Parquet (`.parquet`, or any file starting with `PAR1`) or
/// JSON Lines. In JSON Lines blank lines are skipped; any other line that is not a finding is an
/// error naming the line.
pub fn read_findings(path: &Path) -> Result<Vec<Finding>, Error> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut magic = [0u8; 4];
    let is_parquet = {
        use std::io::{Read, Seek};
        let n = f.read(&mut magic).map_err(|e| Error::io(path, e))?;
        f.rewind().map_err(|e| Error::io(path, e))?;
        n == 4 && &magic == b"PAR1"
    };
    if is_parquet {
        return read_parquet(path, f);
    }
    let mut out = Vec::new();
    let mut line = String::new();
    let mut r = std::io::BufReader::new(f);
    let mut n = 0u64;
    loop {
        line.clear();
        let got = r.read_line(&mut line).map_err(|e| Error::io(path, e))?;
        if got == 0 {
            break;
        }
        n += 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let f: Finding = serde_json::from_str(t).map_err(|e| Error::Finding {
            path: path.to_owned(),
            line: n,
            message: e.to_string(),
        })?;
        out.push(f);
    }
    Ok(out)
}

/// Reads the `type`, `value` and `valid` columns of a contract Parquet findings file.
fn read_parquet(path: &Path, f: std::fs::File) -> Result<Vec<Finding>, Error> {
    use arrow_array::cast::AsArray;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let bad = |message: String| Error::Finding {
        path: path.to_owned(),
        line: 0,
        message,
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .and_then(parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::build)
        .map_err(|e| bad(e.to_string()))?;
    let mut out = Vec::new();
    for batch in reader {
        let b = batch.map_err(|e| bad(e.to_string()))?;
        let col = |name: &str| {
            b.column_by_name(name)
                .ok_or_else(|| bad(format!("no `{name}` column")))
        };
        let kind = col("type")?
            .as_string_opt::<i32>()
            .ok_or_else(|| bad("`type` is not a UTF-8 column".to_owned()))?;
        let value = col("value")?
            .as_string_opt::<i32>()
            .ok_or_else(|| bad("`value` is not a UTF-8 column".to_owned()))?;
        let valid = col("valid")?
            .as_boolean_opt()
            .ok_or_else(|| bad("`valid` is not a boolean column".to_owned()))?;
        for i in 0..b.num_rows() {
            out.push(Finding {
                kind: kind.value(i).to_owned(),
                value: value.value(i).to_owned(),
                valid: valid.value(i),
            });
        }
    }
    Ok(out)
}

/// Precision, recall and F-scores of one set of distinct pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Distinct gold pairs.
    pub gold: u64,
    /// Distinct pairs reported valid.
    pub reported: u64,
    /// Reported and in gold.
    pub tp: u64,
    /// Reported, not in gold.
    pub fp: u64,
    /// In gold, not reported.
    pub fn_: u64,
    /// tp / (tp + fp); 1 when nothing was reported.
    pub precision: f64,
    /// tp / (tp + fn); 1 when gold is empty.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// F-beta with beta = 2 (recall weighs four times precision: a missed item is worse for a case
    /// than a false one an analyst can strike out).
    pub f2: f64,
}

impl Score {
    /// Computes the ratios from the counts.
    pub fn from_counts(tp: u64, fp: u64, fn_: u64) -> Score {
        #[allow(clippy::cast_precision_loss)]
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let p = ratio(tp, tp + fp);
        let r = ratio(tp, tp + fn_);
        let fbeta = |b2: f64| {
            if p + r == 0.0 {
                0.0
            } else {
                (1.0 + b2) * p * r / (b2 * p + r)
            }
        };
        Score {
            gold: tp + fn_,
            reported: tp + fp,
            tp,
            fp,
            fn_,
            precision: p,
            recall: r,
            f1: fbeta(1.0),
            f2: fbeta(4.0),
        }
    }
}

/// The score of one item type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeScore {
    /// The type id.
    #[serde(rename = "type")]
    pub kind: String,
    /// True for checksum-bearing types (the CI gate's F1 floor applies to them).
    pub checksum: bool,
    /// The scores.
    #[serde(flatten)]
    pub score: Score,
}

/// Recall over the gold items carrying one tag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagScore {
    /// The tag id.
    pub tag: String,
    /// Gold items whose every occurrence carries the tag.
    pub gold: u64,
    /// Of those, reported valid.
    pub found: u64,
    /// found / gold.
    pub recall: f64,
}

/// A decoy a tool reported as a valid item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecoyHit {
    /// The type it was reported as.
    #[serde(rename = "type")]
    pub kind: String,
    /// The value.
    pub value: String,
    /// What it really is.
    pub what: String,
}

/// Recall of the invalid values placed in labelled columns (distinct (type, value) pairs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvalidScore {
    /// Distinct gold invalid pairs.
    pub gold: u64,
    /// Of those, reported with `valid=false`.
    pub found: u64,
    /// Gold invalid pairs reported *valid* (a checksum not checked).
    pub reported_valid: u64,
    /// found / gold (1 when gold is empty).
    pub recall: f64,
}

/// One summary count compared with gold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryDiff {
    /// The count's path, e.g. `records.total`, `items.cn_mobile.distinct`, `tiers.A.persons`.
    pub key: String,
    /// The gold count.
    pub gold: u64,
    /// The tool's count (`None` when the key is missing).
    pub scan: Option<u64>,
    /// |scan − gold| / gold; 0 when both are 0, 1 when gold is 0 and scan is not, 1 when missing.
    pub relative_error: f64,
}

/// Everything `fangxian eval` reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// Findings read (occurrences, valid or not).
    pub findings: u64,
    /// Per type, gold and reported types together, sorted by id.
    pub types: Vec<TypeScore>,
    /// Over all types together.
    pub micro: Score,
    /// Per tag, sorted by id.
    pub tags: Vec<TagScore>,
    /// Distinct decoys reported valid (must be 0).
    pub decoys_reported_valid: u64,
    /// The first few of them.
    pub decoy_hits: Vec<DecoyHit>,
    /// Invalid values in labelled columns.
    pub invalid: InvalidScore,
    /// Every summary count, when a summary was given.
    pub summary: Option<Vec<SummaryDiff>>,
    /// Summary counts that differ from gold.
    pub summary_mismatches: u64,
}

/// What makes `fangxian eval` fail (for CI).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gate {
    /// Minimum F1 for every checksum-bearing type present in gold.
    pub min_f1: Option<f64>,
    /// Fail when any decoy is reported valid.
    pub fail_on_decoy: bool,
    /// Fail when any summary count differs from gold.
    pub fail_on_summary_mismatch: bool,
}

const CHECKSUM_TYPES: &[&str] = &[
    "cn_resident_id",
    "cn_residence_permit",
    "bank_card",
    "cn_uscc",
    "imei",
];

/// Scores `findings` (and optionally a scan summary as JSON) against `gold`.
pub fn score(gold: &Gold, findings: &[Finding], summary: Option<&serde_json::Value>) -> EvalReport {
    let gold_set: HashSet<(&str, &str)> = gold
        .items
        .iter()
        .map(|g| (g.kind.as_str(), g.value.as_str()))
        .collect();
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    let mut reported_invalid: HashSet<(&str, &str)> = HashSet::new();
    for f in findings {
        if f.valid {
            reported.insert((&f.kind, &f.value));
        } else {
            reported_invalid.insert((&f.kind, &f.value));
        }
    }

    let mut per_type: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    for &(k, v) in &gold_set {
        let e = per_type.entry(k).or_default();
        if reported.contains(&(k, v)) {
            e.0 += 1;
        } else {
            e.2 += 1;
        }
    }
    for &(k, v) in &reported {
        if !gold_set.contains(&(k, v)) {
            per_type.entry(k).or_default().1 += 1;
        }
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let types = per_type
        .iter()
        .map(|(k, &(a, b, c))| {
            tp += a;
            fp += b;
            fn_ += c;
            TypeScore {
                kind: (*k).to_owned(),
                checksum: CHECKSUM_TYPES.contains(k),
                score: Score::from_counts(a, b, c),
            }
        })
        .collect();

    let mut tags: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for g in &gold.items {
        let hit = reported.contains(&(g.kind.as_str(), g.value.as_str()));
        for t in &g.tags {
            let e = tags.entry(t).or_default();
            e.0 += 1;
            e.1 += u64::from(hit);
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let tags = tags
        .into_iter()
        .map(|(t, (g, f))| TagScore {
            tag: t.to_owned(),
            gold: g,
            found: f,
            recall: if g == 0 { 1.0 } else { f as f64 / g as f64 },
        })
        .collect();

    let decoys: HashMap<&str, &str> = gold
        .decoys
        .iter()
        .map(|d| (d.value.as_str(), d.what.as_str()))
        .collect();
    let mut hits: Vec<DecoyHit> = reported
        .iter()
        .filter(|p| !gold_set.contains(*p))
        .filter_map(|&(k, v)| {
            decoys.get(v).map(|w| DecoyHit {
                kind: k.to_owned(),
                value: v.to_owned(),
                what: (*w).to_owned(),
            })
        })
        .collect();
    hits.sort_by(|a, b| (&a.kind, &a.value).cmp(&(&b.kind, &b.value)));
    let decoys_reported_valid = hits.len() as u64;
    hits.truncate(20);

    let gold_invalid: BTreeSet<(&str, &str)> = gold
        .invalid
        .iter()
        .map(|g| (g.kind.as_str(), g.value.as_str()))
        .collect();
    let inv_found = gold_invalid
        .iter()
        .filter(|p| reported_invalid.contains(*p))
        .count() as u64;
    let inv_valid = gold_invalid
        .iter()
        .filter(|p| reported.contains(*p) && !gold_set.contains(*p))
        .count() as u64;
    #[allow(clippy::cast_precision_loss)]
    let invalid = InvalidScore {
        gold: gold_invalid.len() as u64,
        found: inv_found,
        reported_valid: inv_valid,
        recall: if gold_invalid.is_empty() {
            1.0
        } else {
            inv_found as f64 / gold_invalid.len() as f64
        },
    };

    let summary = summary.map(|s| compare_summary(&gold.summary, s));
    let summary_mismatches = summary.as_ref().map_or(0, |d| {
        d.iter().filter(|x| x.scan != Some(x.gold)).count() as u64
    });
    EvalReport {
        findings: findings.len() as u64,
        types,
        micro: Score::from_counts(tp, fp, fn_),
        tags,
        decoys_reported_valid,
        decoy_hits: hits,
        invalid,
        summary,
        summary_mismatches,
    }
}

fn get_u64(v: &serde_json::Value, path: &[&str]) -> Option<u64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_u64()
}

/// Compares every count of the contract's summary (§3) with gold. Keys the tool left out of a
/// per-type, per-tier or per-category map count as 0 when the map itself is present (a tool need
/// not list types it never found).
pub fn compare_summary(gold: &crate::GoldSummary, scan: &serde_json::Value) -> Vec<SummaryDiff> {
    let mut out = Vec::new();
    let mut push = |key: String, g: u64, s: Option<u64>| {
        #[allow(clippy::cast_precision_loss)]
        let relative_error = match s {
            None => 1.0,
            Some(0) if g == 0 => 0.0,
            Some(_) if g == 0 => 1.0,
            Some(s) => s.abs_diff(g) as f64 / g as f64,
        };
        out.push(SummaryDiff {
            key,
            gold: g,
            scan: s,
            relative_error,
        });
    };
    let r = &gold.records;
    for (name, g) in [
        ("total", r.total),
        ("with_pi", r.with_pi),
        ("invalid", r.invalid),
        ("duplicate", r.duplicate),
    ] {
        push(
            format!("records.{name}"),
            g,
            get_u64(scan, &["records", name]),
        );
    }
    push(
        "persons.distinct".to_owned(),
        gold.persons.distinct,
        get_u64(scan, &["persons", "distinct"]),
    );
    let in_map = |map: &str, key: &str, field: &str| -> Option<u64> {
        let m = scan.get(map)?;
        match m.get(key) {
            None => Some(0),
            Some(e) => e.get(field)?.as_u64(),
        }
    };
    let mut kinds: BTreeSet<String> = gold.items.keys().cloned().collect();
    if let Some(m) = scan.get("items").and_then(|m| m.as_object()) {
        kinds.extend(m.keys().cloned());
    }
    for k in &kinds {
        let g = gold.items.get(k).copied().unwrap_or_default();
        for (name, gv) in [
            ("found", g.found),
            ("distinct", g.distinct),
            ("invalid", g.invalid),
        ] {
            push(format!("items.{k}.{name}"), gv, in_map("items", k, name));
        }
    }
    for (map, gm) in [("tiers", &gold.tiers), ("categories", &gold.categories)] {
        for (k, g) in gm {
            push(
                format!("{map}.{k}.records"),
                g.records,
                in_map(map, k, "records"),
            );
            push(
                format!("{map}.{k}.persons"),
                g.persons,
                in_map(map, k, "persons"),
            );
        }
    }
    out
}

impl EvalReport {
    /// The reasons `gate` fails, empty when it passes.
    pub fn gate_failures(&self, gate: &Gate) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(min) = gate.min_f1 {
            for t in &self.types {
                if t.checksum && t.score.gold > 0 && t.score.f1 < min {
                    out.push(format!(
                        "{}: F1 {:.4} < {min} (tp {}, fp {}, fn {})",
                        t.kind, t.score.f1, t.score.tp, t.score.fp, t.score.fn_
                    ));
                }
            }
        }
        if gate.fail_on_decoy && self.decoys_reported_valid > 0 {
            out.push(format!(
                "{} decoys reported valid",
                self.decoys_reported_valid
            ));
        }
        if gate.fail_on_summary_mismatch {
            match &self.summary {
                None => out.push("no summary given to compare".to_owned()),
                Some(diffs) => {
                    for d in diffs.iter().filter(|d| d.scan != Some(d.gold)) {
                        out.push(format!(
                            "summary {}: gold {}, scan {}",
                            d.key,
                            d.gold,
                            d.scan.map_or("missing".to_owned(), |s| s.to_string())
                        ));
                    }
                }
            }
        }
        out
    }

    /// A plain-text report for people.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<22} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "type", "gold", "reported", "tp", "fp", "fn", "P", "R", "F1", "F2"
        );
        let row = |s: &mut String, name: &str, sc: &Score, mark: &str| {
            let _ = writeln!(
                s,
                "{:<22} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7.4} {:>7.4} {:>7.4} {:>7.4}",
                format!("{name}{mark}"),
                sc.gold,
                sc.reported,
                sc.tp,
                sc.fp,
                sc.fn_,
                sc.precision,
                sc.recall,
                sc.f1,
                sc.f2
            );
        };
        for t in &self.types {
            row(
                &mut s,
                &t.kind,
                &t.score,
                if t.checksum { " *" } else { "" },
            );
        }
        row(&mut s, "all", &self.micro, "");
        let _ = writeln!(s, "(* checksum-bearing; findings read: {})", self.findings);
        let _ = writeln!(
            s,
            "\n{:<22} {:>8} {:>8} {:>7}",
            "tag", "gold", "found", "recall"
        );
        for t in &self.tags {
            let _ = writeln!(
                s,
                "{:<22} {:>8} {:>8} {:>7.4}",
                t.tag, t.gold, t.found, t.recall
            );
        }
        let _ = writeln!(
            s,
            "\ninvalid values in labelled columns: {} of {} reported invalid (recall {:.4}), {} reported valid",
            self.invalid.found, self.invalid.gold, self.invalid.recall, self.invalid.reported_valid
        );
        let _ = writeln!(s, "decoys reported valid: {}", self.decoys_reported_valid);
        for h in &self.decoy_hits {
            let _ = writeln!(s, "  {} {} ({})", h.kind, h.value, h.what);
        }
        if let Some(diffs) = &self.summary {
            let _ = writeln!(
                s,
                "\nsummary: {} of {} counts differ from gold",
                self.summary_mismatches,
                diffs.len()
            );
            for d in diffs.iter().filter(|d| d.scan != Some(d.gold)) {
                let _ = writeln!(
                    s,
                    "  {:<40} gold {:>10}  scan {:>10}  rel.err {:.4}",
                    d.key,
                    d.gold,
                    d.scan.map_or("missing".to_owned(), |x| x.to_string()),
                    d.relative_error
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gold::{GoldDecoy, GoldInvalid, GoldItem};

    fn item(kind: &str, value: &str, tags: &[&str]) -> GoldItem {
        GoldItem {
            kind: kind.into(),
            value: value.into(),
            count: 1,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            seen: vec![],
        }
    }

    fn tiny_gold() -> Gold {
        Gold {
            items: vec![
                item("cn_resident_id", "11010519491231002X", &["fullwidth"]),
                item("cn_resident_id", "110105194912310037", &[]),
                item("cn_mobile", "13812345678", &["plus86"]),
                item("cn_mobile", "13912345678", &["fullwidth"]),
            ],
            invalid: vec![GoldInvalid {
                source: "a.csv".into(),
                record: 1,
                field: "身份证号".into(),
                kind: "cn_resident_id".into(),
                value: "110105194912310021".into(),
                check: "checksum".into(),
            }],
            decoys: vec![GoldDecoy {
                value: "123456789012345678".into(),
                imitates: "cn_resident_id".into(),
                what: "order_number".into(),
                count: 1,
                tags: vec![],
            }],
            summary: crate::GoldSummary::default(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn perfect_findings_score_one() {
        let g = tiny_gold();
        let f: Vec<Finding> = g
            .items
            .iter()
            .map(|i| Finding::valid(&i.kind, &i.value))
            .chain([Finding::invalid("cn_resident_id", "110105194912310021")])
            .collect();
        let r = score(&g, &f, None);
        assert_eq!((r.micro.tp, r.micro.fp, r.micro.fn_), (4, 0, 0));
        assert!(close(r.micro.f1, 1.0) && close(r.micro.f2, 1.0));
        assert_eq!(r.invalid.found, 1);
        assert_eq!(r.decoys_reported_valid, 0);
        assert!(r.tags.iter().all(|t| close(t.recall, 1.0)));
        assert!(r
            .gate_failures(&Gate {
                min_f1: Some(0.99),
                fail_on_decoy: true,
                fail_on_summary_mismatch: false
            })
            .is_empty());
    }

    #[test]
    fn missing_items_lower_recall_only() {
        // One of two IDs and one of two mobiles found; duplicates of a finding count once.
        let g = tiny_gold();
        let f = vec![
            Finding::valid("cn_resident_id", "11010519491231002X"),
            Finding::valid("cn_resident_id", "11010519491231002X"),
            Finding::valid("cn_mobile", "13812345678"),
        ];
        let r = score(&g, &f, None);
        let id = &r
            .types
            .iter()
            .find(|t| t.kind == "cn_resident_id")
            .unwrap()
            .score;
        // P = 1/1, R = 1/2, F1 = 2·1·0.5/1.5 = 2/3, F2 = 5·0.5/(4+0.5) = 5/9.
        assert!(close(id.precision, 1.0));
        assert!(close(id.recall, 0.5));
        assert!(close(id.f1, 2.0 / 3.0));
        assert!(close(id.f2, 5.0 / 9.0));
        let fw = r.tags.iter().find(|t| t.tag == "fullwidth").unwrap();
        // fullwidth: the ID (found) and the 139 mobile (missed).
        assert_eq!((fw.gold, fw.found), (2, 1));
        let fails = r.gate_failures(&Gate {
            min_f1: Some(0.99),
            ..Gate::default()
        });
        assert_eq!(fails.len(), 1, "{fails:?}");
        assert!(fails[0].starts_with("cn_resident_id"));
    }

    #[test]
    fn extra_findings_lower_precision_and_decoys_are_caught() {
        let g = tiny_gold();
        let mut f: Vec<Finding> = g
            .items
            .iter()
            .map(|i| Finding::valid(&i.kind, &i.value))
            .collect();
        f.push(Finding::valid("cn_mobile", "13700000000"));
        f.push(Finding::valid("bank_card", "123456789012345678"));
        // The gold invalid ID reported valid: a checksum the tool did not check.
        f.push(Finding::valid("cn_resident_id", "110105194912310021"));
        let r = score(&g, &f, None);
        let m = &r
            .types
            .iter()
            .find(|t| t.kind == "cn_mobile")
            .unwrap()
            .score;
        // P = 2/3, R = 1, F1 = 2·(2/3)/(5/3) = 0.8, F2 = 5·(2/3)/(8/3+1) = 10/11.
        assert!(close(m.precision, 2.0 / 3.0));
        assert!(close(m.f1, 0.8));
        assert!(close(m.f2, 10.0 / 11.0));
        let card = &r
            .types
            .iter()
            .find(|t| t.kind == "bank_card")
            .unwrap()
            .score;
        assert_eq!((card.tp, card.fp, card.fn_), (0, 1, 0));
        assert!(close(card.f1, 0.0));
        assert_eq!(r.decoys_reported_valid, 1);
        assert_eq!(r.decoy_hits[0].what, "order_number");
        assert_eq!(r.invalid.reported_valid, 1);
        // micro: tp 4, fp 3, fn 0 → P = 4/7, F1 = 2·(4/7)/(11/7) = 8/11.
        assert!(close(r.micro.f1, 8.0 / 11.0));
        let fails = r.gate_failures(&Gate {
            min_f1: None,
            fail_on_decoy: true,
            fail_on_summary_mismatch: false,
        });
        assert_eq!(fails, vec!["1 decoys reported valid".to_owned()]);
    }

    #[test]
    fn parquet_and_jsonl_findings_read_the_same() {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
        use arrow_schema::{DataType, Field, Schema};
        let dir = tempfile::tempdir().unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("source", DataType::Utf8, false),
            Field::new("type", DataType::Utf8, false),
            Field::new("value", DataType::Utf8, false),
            Field::new("valid", DataType::Boolean, false),
        ]));
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["a.csv", "a.csv"])),
            Arc::new(StringArray::from(vec!["cn_mobile", "cn_resident_id"])),
            Arc::new(StringArray::from(vec!["13812345678", "110105194912310021"])),
            Arc::new(BooleanArray::from(vec![true, false])),
        ];
        let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
        let pq = dir.path().join("f.parquet");
        let mut w =
            parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&pq).unwrap(), schema, None)
                .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let jl = dir.path().join("f.jsonl");
        std::fs::write(
            &jl,
            "{\"type\":\"cn_mobile\",\"value\":\"13812345678\",\"valid\":true}\n\n\
             {\"type\":\"cn_resident_id\",\"value\":\"110105194912310021\",\"valid\":false}\n",
        )
        .unwrap();
        let a = read_findings(&pq).unwrap();
        assert_eq!(a, read_findings(&jl).unwrap());
        assert_eq!(
            a[1],
            Finding::invalid("cn_resident_id", "110105194912310021")
        );
        std::fs::write(&jl, "{\"type\":\"qq\"}\n").unwrap();
        let err = read_findings(&jl).unwrap_err().to_string();
        assert!(err.contains(":1: not a finding"), "{err}");
    }

    #[test]
    fn nothing_reported_scores_zero_and_empty_gold_scores_one() {
        let g = tiny_gold();
        let r = score(&g, &[], None);
        assert!(close(r.micro.recall, 0.0) && close(r.micro.f1, 0.0));
        assert!(close(r.micro.precision, 1.0));
        let empty = Gold::default();
        let r = score(&empty, &[], None);
        assert!(close(r.micro.f1, 1.0));
    }

    #[test]
    fn summary_counts_are_compared_with_missing_map_keys_as_zero() {
        let mut g = tiny_gold();
        g.summary.records.total = 10;
        g.summary.records.with_pi = 8;
        g.summary.persons.distinct = 4;
        g.summary.items.insert(
            "cn_mobile".into(),
            crate::ItemCounts {
                found: 3,
                distinct: 2,
                invalid: 0,
            },
        );
        g.summary.tiers.insert(
            "C".into(),
            crate::GroupCounts {
                records: 8,
                persons: 4,
            },
        );
        let scan = serde_json::json!({
            "records": {"total": 10, "with_pi": 6, "invalid": 0, "duplicate": 0},
            "persons": {"distinct": 4},
            "items": {"cn_mobile": {"found": 3, "distinct": 2, "invalid": 0},
                      "email": {"found": 1, "distinct": 1, "invalid": 0}},
            "tiers": {"C": {"records": 8, "persons": 4}},
        });
        let r = score(&g, &[], Some(&scan));
        let d = r.summary.as_ref().unwrap();
        let with_pi = d.iter().find(|x| x.key == "records.with_pi").unwrap();
        assert!(close(with_pi.relative_error, 0.25));
        let email = d.iter().find(|x| x.key == "items.email.found").unwrap();
        assert_eq!((email.gold, email.scan), (0, Some(1)));
        assert!(close(email.relative_error, 1.0));
        // with_pi, items.email.found and items.email.distinct differ.
        assert_eq!(r.summary_mismatches, 3);
        let fails = r.gate_failures(&Gate {
            fail_on_summary_mismatch: true,
            ..Gate::default()
        });
        assert_eq!(fails.len(), 3);
        assert!(r.to_table().contains("records.with_pi"));
    }
}
