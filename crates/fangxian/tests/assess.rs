//! `fangxian assess` end to end: the built binary on the worked cases in `examples/cases/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cases() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/cases")
}

/// Runs `fangxian assess` inside `dir` (so the default `assessment.json` lands there).
fn assess(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fangxian"))
        .current_dir(dir)
        .arg("assess")
        .args(args)
        .output()
        .unwrap()
}

fn case_args(case: &str, summaries: &[&str]) -> Vec<String> {
    let dir = cases().join(case);
    let mut args = vec![
        "--facts".to_owned(),
        dir.join("facts.toml").display().to_string(),
    ];
    args.extend(summaries.iter().map(|s| dir.join(s).display().to_string()));
    args
}

fn run_case(case: &str, summaries: &[&str]) -> (String, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let args = case_args(case, summaries);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = assess(tmp.path(), &args);
    assert!(
        out.status.success(),
        "{case}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = std::fs::read_to_string(tmp.path().join("assessment.json")).unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        serde_json::from_str(&json).unwrap(),
    )
}

#[test]
fn traffic_police_verdict_and_json() {
    let (stdout, json) = run_case("traffic-police", &["summary.json"]);
    assert_eq!(json["schema"], "fangxian.assessment/1");
    assert_eq!(json["level"], "particularly_serious");
    assert_eq!(json["counts"]["C"], 9_300);
    assert!(stdout.starts_with("结论：情节特别严重"));
    assert!(stdout.contains("Level: particularly serious"));
    insta::assert_snapshot!("traffic_police_verdict", stdout);
}

#[test]
fn airline_verdict_shows_the_disputed_reading() {
    let (stdout, json) = run_case("airline", &["summary.json"]);
    assert_eq!(json["level"], "none");
    assert_eq!(
        json["readings"]["conservative"]["as_seized"]["level"],
        "serious"
    );
    assert!(stdout.contains("conservative reading: 情节严重 / serious"));
    insta::assert_snapshot!("airline_verdict", stdout);
}

#[test]
fn darkweb_reseller_verdict() {
    let (stdout, json) = run_case("darkweb-reseller", &["summary.json"]);
    assert_eq!(json["level"], "particularly_serious");
    assert_eq!(json["units"], 10_000.0);
    insta::assert_snapshot!("darkweb_reseller_verdict", stdout);
}

#[test]
fn three_buyers_reads_recipient_summaries_relative_to_the_facts_file() {
    let (_, json) = run_case("three-buyers", &["seized.summary.json"]);
    assert_eq!(json["level"], "serious");
    assert_eq!(json["counts"]["C"], 6_000);
    assert_eq!(json["counting"]["recipients"].as_array().unwrap().len(), 3);
}

#[test]
fn json_flag_prints_the_assessment_and_out_chooses_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = case_args("airline", &["summary.json"]);
    args.extend([
        "--json".to_owned(),
        "--out".to_owned(),
        "sub.json".to_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = assess(tmp.path(), &args);
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("sub.json")).unwrap())
            .unwrap();
    assert_eq!(printed, written);
    assert!(!tmp.path().join("assessment.json").exists());
}

#[test]
fn explain_prints_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = case_args("darkweb-reseller", &["summary.json"]);
    args.push("--explain".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = assess(tmp.path(), &args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout
        .contains("tier A 200,000/50 + tier B 1,300,000/500 + tier C 17,000,000/5,000 = 10,000"));
    assert!(stdout.contains("A类200,000/50 + B类1,300,000/500 + C类17,000,000/5,000 = 10,000"));
}

#[test]
fn bad_facts_toml_names_file_and_line_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let facts = tmp.path().join("case.toml");
    std::fs::write(&facts, "act = \"sold\"\ninsider = maybe\n").unwrap();
    let summary = cases().join("airline/summary.json");
    let out = assess(
        tmp.path(),
        &["--facts", "case.toml", summary.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("case.toml: line 2"), "{stderr}");
    assert!(!tmp.path().join("assessment.json").exists());
}

#[test]
fn missing_or_wrong_summary_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let facts = cases().join("airline/facts.toml");
    let facts = facts.to_str().unwrap();
    let out = assess(tmp.path(), &["--facts", facts, "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.json"));
    std::fs::write(
        tmp.path().join("f.json"),
        r#"{"schema": "fangxian.findings/1"}"#,
    )
    .unwrap();
    let out = assess(tmp.path(), &["--facts", facts, "f.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fangxian.summary/1"));
    let out = assess(tmp.path(), &["--facts", facts]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no summaries given"));
}
