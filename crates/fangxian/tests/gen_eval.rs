//! `fangxian gen` and `fangxian eval` end to end, and the accuracy gate: a small corpus in every
//! format, encoding and container, scanned and scored against its gold answers.

use std::path::Path;
use std::process::{Command, Output};

fn fangxian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fangxian"))
        .args(args)
        .output()
        .expect("run fangxian")
}

fn gen(dir: &Path, size: &str, seed: &str) {
    let out = fangxian(&[
        "gen",
        "--out",
        dir.to_str().unwrap(),
        "--size",
        size,
        "--seed",
        seed,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "gen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["records"].as_u64().unwrap() > 0);
}

/// Findings a perfect tool would write: every gold item valid, every gold invalid value invalid.
fn perfect_findings(gold: &Path) -> String {
    let mut s = String::new();
    let items = std::fs::read_to_string(gold.join("items.jsonl")).unwrap();
    for line in items.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let f = serde_json::json!({"source": "x", "record": 1, "field": null, "type": v["type"],
                                   "value": v["value"], "valid": true, "confidence": 1.0});
        s.push_str(&f.to_string());
        s.push('\n');
    }
    let invalid = std::fs::read_to_string(gold.join("invalid.jsonl")).unwrap();
    for line in invalid.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let f = serde_json::json!({"source": v["source"], "record": v["record"],
                                   "field": v["field"], "type": v["type"], "value": v["value"],
                                   "valid": false, "confidence": 1.0});
        s.push_str(&f.to_string());
        s.push('\n');
    }
    s
}

#[test]
fn eval_scores_perfect_findings_one_and_fails_the_gate_on_a_decoy() {
    let d = tempfile::tempdir().unwrap();
    gen(d.path(), "1MB", "4");
    let gold = d.path().join("gold");
    let findings = d.path().join("perfect.jsonl");
    std::fs::write(&findings, perfect_findings(&gold)).unwrap();
    let gate = [
        "--min-f1",
        "0.99",
        "--fail-on-decoy",
        "--fail-on-summary-mismatch",
    ];
    let mut args = vec![
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--findings",
        findings.to_str().unwrap(),
        "--summary",
    ];
    let summary = gold.join("summary.json");
    args.push(summary.to_str().unwrap());
    args.push("--json");
    args.extend(gate);
    let out = fangxian(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["micro"]["f1"], 1.0);
    assert_eq!(r["decoys_reported_valid"], 0);
    assert_eq!(r["summary_mismatches"], 0);
    assert_eq!(r["invalid"]["recall"], 1.0);

    // One decoy reported valid, as a tool without checksums would: the gate must fail.
    let decoys = std::fs::read_to_string(gold.join("decoys.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(decoys.lines().next().unwrap()).unwrap();
    let mut text = perfect_findings(&gold);
    text.push_str(
        &serde_json::json!({"source": "x", "record": 1, "field": null, "type": first["imitates"],
                            "value": first["value"], "valid": true, "confidence": 0.5})
        .to_string(),
    );
    text.push('\n');
    std::fs::write(&findings, text).unwrap();
    let out = fangxian(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 decoys reported valid"), "{err}");

    // The table for people names every type.
    let out = fangxian(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--findings",
        findings.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("cn_resident_id *") && table.contains("decoys reported valid: 1"));
}

#[test]
fn gen_rejects_unknown_options_with_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let out = fangxian(&[
        "gen",
        "--out",
        d.path().to_str().unwrap(),
        "--formats",
        "csv,parquet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format `parquet`"));
}

/// The CI accuracy gate (issue 6): fangxian's own scan of a small corpus in every format must
/// reach F1 ≥ 0.99 on every checksum-bearing type, report no decoy valid, and give exactly the
/// gold summary.
#[test]
fn scan_meets_the_accuracy_gate_on_a_generated_corpus() {
    let d = tempfile::tempdir().unwrap();
    let out = fangxian(&[
        "gen",
        "--out",
        d.path().to_str().unwrap(),
        "--size",
        "3MB",
        "--seed",
        "2026",
        "--formats",
        "csv,tsv,json,jsonl,mysql,pgdump,sqlite,xlsx,txt",
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gold = d.path().join("gold");
    let items = std::fs::read_to_string(gold.join("items.jsonl")).unwrap();
    assert!(items.contains("\"xlsx\""), "no item in an xlsx file");
    let findings = d.path().join("findings.jsonl");
    let summary = d.path().join("summary.json");
    // A scan that hangs must fail the test, not the CI job: wait at most 5 minutes (it takes
    // seconds).
    let mut child = Command::new(env!("CARGO_BIN_EXE_fangxian"))
        .args([
            "scan",
            d.path().join("data").to_str().unwrap(),
            "--findings",
            findings.to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
            "--quiet",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run fangxian scan");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(300) {
            let _ = child.kill();
            panic!("fangxian scan did not finish in 5 minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut err);
    }
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "scan failed ({status}): {err}"
    );
    let out = fangxian(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--findings",
        findings.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        "--min-f1",
        "0.99",
        "--fail-on-decoy",
        "--fail-on-summary-mismatch",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "accuracy gate failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// xlsx stores text holding `_x` and four hex digits with its `_` escaped (`_x005F_`, ECMA-376
/// ST_Xstring; Excel and rust_xlsxwriter both do), and a reader must undo it. fangxian scan reads
/// xlsx through calamine 0.26, which does not (0.38 does), so `wxid_x0410a80h0ml06` is seen as
/// `wxid_x005F_x0410a80h0ml06` and missed, so fangxian-formats decodes the escape itself.
#[test]
fn xlsx_escaped_text_is_read_back_unescaped() {
    let d = tempfile::tempdir().unwrap();
    let out = fangxian(&[
        "gen",
        "--out",
        d.path().to_str().unwrap(),
        "--size",
        "2MB",
        "--seed",
        "1",
        "--formats",
        "xlsx",
        "--categories",
        "customers",
        "--compress",
        "none",
        "--quiet",
    ]);
    assert!(out.status.success());
    let gold = std::fs::read_to_string(d.path().join("gold/items.jsonl")).unwrap();
    let escaped: Vec<serde_json::Value> = gold
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| {
            v["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "xlsx_escaped")
        })
        .collect();
    assert!(!escaped.is_empty(), "seed 1 no longer has an escaped value");
    let findings = d.path().join("findings.jsonl");
    let out = fangxian(&[
        "scan",
        d.path().join("data").to_str().unwrap(),
        "--findings",
        findings.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)));
    let found = std::fs::read_to_string(&findings).unwrap();
    for v in escaped {
        let needle = format!("\"value\":{}", v["value"]);
        assert!(found.contains(&needle), "missed {needle}");
    }
}
