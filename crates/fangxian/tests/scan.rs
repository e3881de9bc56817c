//! Behaviour of `fangxian scan`, run as a user would: the built binary on generated inputs.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn fangxian(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fangxian"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fangxian")
}

/// Asserts that a run exited with `code`, showing its stderr otherwise.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The JSON file at `path`.
fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A hotel-stay table: 4 data rows, one exact duplicate, one ID with a wrong check digit.
const HOTEL_CSV: &str = "姓名,身份证号,手机号,入住时间,退房时间,酒店\n\
张伟,11010519491231002X,13812345678,2024-01-01 12:00,2024-01-02 12:00,如家\n\
王芳,110105194912310021,13912345678,2024-01-03 12:00,2024-01-04 12:00,汉庭\n\
张伟,11010519491231002X,13812345678,2024-01-01 12:00,2024-01-02 12:00,如家\n\
李娜,,13712345678,2024-01-05 12:00,2024-01-06 12:00,全季\n";

fn summary_of(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--summary", "s.json", "--findings", "f.jsonl", "-q"]);
    let out = fangxian(&all, dir);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_json(&dir.join("s.json"))
}

fn findings_of(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("f.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn counts_a_hotel_table_exactly() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("hotel.csv"), HOTEL_CSV.as_bytes());
    let s = summary_of(dir.path(), &["hotel.csv"]);
    assert_eq!(s["schema"], "fangxian.summary/1");
    assert_eq!(s["records"]["total"], 4);
    assert_eq!(s["records"]["with_pi"], 4);
    assert_eq!(s["records"]["invalid"], 1);
    assert_eq!(s["records"]["duplicate"], 1);
    // 张伟 (ID), 王芳 (no valid ID → mobile), 李娜 (mobile).
    assert_eq!(s["persons"]["distinct"], 3);
    assert_eq!(s["items"]["cn_resident_id"]["found"], 3);
    assert_eq!(s["items"]["cn_resident_id"]["distinct"], 1);
    assert_eq!(s["items"]["cn_resident_id"]["invalid"], 1);
    assert_eq!(s["items"]["cn_mobile"]["distinct"], 3);
    assert_eq!(s["tiers"]["B"]["records"], 4);
    assert_eq!(s["tiers"]["B"]["persons"], 3);
    assert_eq!(s["categories"]["accommodation"]["records"], 4);
    assert_eq!(s["inputs"][0]["source"], "hotel.csv");
    assert_eq!(s["inputs"][0]["bytes"], HOTEL_CSV.len());
    assert_eq!(s["inputs"][0]["sha256"].as_str().unwrap().len(), 64);

    let sample = &s["screening"]["invalid_samples"][0];
    assert_eq!(sample["field"], "身份证号");
    assert!(sample["confidence"].as_f64().unwrap() > 0.0);

    let f = findings_of(dir.path());
    let bad = f
        .iter()
        .find(|r| r["type"] == "cn_resident_id" && r["valid"] == false)
        .expect("invalid ID kept as evidence");
    assert_eq!(bad["source"], "hotel.csv");
    assert_eq!(bad["record"], 2);
    assert_eq!(bad["field"], "身份证号");
    assert_eq!(bad["value"], "110105194912310021");
    for row in &f {
        for key in [
            "source",
            "record",
            "field",
            "type",
            "value",
            "valid",
            "confidence",
        ] {
            assert!(row.get(key).is_some(), "finding lacks `{key}`: {row}");
        }
    }
}

#[test]
fn same_counts_through_gzip_zip_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("plain/hotel.csv"), HOTEL_CSV.as_bytes());
    write(
        &dir.path().join("gz/hotel.csv.gz"),
        &gzip(HOTEL_CSV.as_bytes()),
    );
    let plain = summary_of(dir.path(), &["plain"]);
    let gz = summary_of(dir.path(), &["gz"]);
    for key in ["records", "persons", "items", "tiers", "categories"] {
        assert_eq!(plain[key], gz[key], "{key} differs for gzip");
    }
    assert_eq!(gz["inputs"][0]["source"], "gz/hotel.csv.gz");
    let f = findings_of(dir.path());
    assert!(f.iter().all(|r| r["source"] == "gz/hotel.csv.gz"));

    let out = Command::new(env!("CARGO_BIN_EXE_fangxian"))
        .args(["scan", "-", "--json", "-q"])
        .current_dir(dir.path())
        .stdin(std::fs::File::open(dir.path().join("plain/hotel.csv")).unwrap())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stdin: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plain["records"], stdin["records"]);
    assert_eq!(plain["persons"], stdin["persons"]);
}

#[test]
fn bad_inputs_are_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/good.csv"), HOTEL_CSV.as_bytes());
    write(&dir.path().join("in/empty.csv"), b"");
    let mut corrupt = gzip(HOTEL_CSV.repeat(50).as_bytes());
    let cut = corrupt.len() / 2;
    corrupt.truncate(cut);
    write(&dir.path().join("in/truncated.csv.gz"), &corrupt);
    let s = summary_of(dir.path(), &["in"]);
    // The good file is counted in full.
    assert!(s["records"]["total"].as_u64().unwrap() >= 4);
    let problems = s["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["source"] == "in/truncated.csv.gz"),
        "truncated gzip not reported: {problems:?}"
    );
}

#[test]
fn default_case_folder_holds_all_outputs_and_exit_codes_say_found() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("hotel.csv"), HOTEL_CSV.as_bytes());
    write(
        &dir.path().join("nothing.txt"),
        b"no personal data here\njust words\n",
    );
    let out = fangxian(&["scan", "hotel.csv"], dir.path());
    assert_exit(&out, 0);
    let case = dir.path().join("fangxian-out");
    for name in ["findings.parquet", "summary.json", "report.html"] {
        let meta = std::fs::metadata(case.join(name)).unwrap_or_else(|_| panic!("{name} missing"));
        assert!(meta.len() > 0, "{name} empty");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("cn_resident_id"),
        "table lacks types: {stdout}"
    );
    // Nothing written anywhere else, and no temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&case)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !["findings.parquet", "summary.json", "report.html"].contains(&n.as_str()))
        .collect();
    assert!(leftovers.is_empty(), "unexpected files: {leftovers:?}");

    // Scanning the folder that holds the case folder does not read the case folder.
    let again = fangxian(&["scan", "."], dir.path());
    assert_exit(&again, 0);
    let s = read_json(&case.join("summary.json"));
    let sources: Vec<&str> = s["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert!(
        sources.iter().all(|s| !s.contains("fangxian-out")),
        "scanned its own outputs: {sources:?}"
    );

    let none = fangxian(
        &["scan", "nothing.txt", "--summary", "n.json", "-q"],
        dir.path(),
    );
    assert_eq!(none.status.code(), Some(1));
    let missing = fangxian(
        &["scan", "no-such-file.csv", "--summary", "m.json", "-q"],
        dir.path(),
    );
    assert_ne!(missing.status.code(), Some(0));
}

#[test]
fn a_tmp_that_is_not_a_directory_is_refused_before_scanning() {
    // (A spill that fails during the scan ends it with its cause instead of hanging it:
    // fangxian-scan's tests/worker_failures.rs.)
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("hotel.csv"), HOTEL_CSV.as_bytes());
    write(&dir.path().join("not-a-dir"), b"");
    for tmp in ["not-a-dir", "missing"] {
        let out = fangxian(&["scan", "hotel.csv", "--tmp", tmp], dir.path());
        assert_exit(&out, 2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim_end(),
            format!("error: --tmp {tmp}: not a directory"),
        );
        assert!(
            !dir.path().join("fangxian-out").exists(),
            "nothing is written before the scan starts"
        );
    }
}

#[test]
fn a_parser_panic_on_a_hostile_file_is_a_problem_not_a_crash_message() {
    // rusqlite 0.32 panics on a column name that is not UTF-8; the reader catches it, reads
    // the rows by position and warns. The panic is not printed as if fangxian had crashed.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bad.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (zq1 TEXT, 手机号 TEXT); INSERT INTO t VALUES ('a', '13912345678');",
        )
        .unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let at = bytes.windows(3).position(|w| w == b"zq1").unwrap();
    bytes[at..at + 3].copy_from_slice(b"\xff\xfe1");
    std::fs::write(&db, bytes).unwrap();
    let out = fangxian(&["scan", "bad.db", "--summary", "s.json"], dir.path());
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let s = read_json(&dir.path().join("s.json"));
    assert_eq!(s["items"]["cn_mobile"]["found"], 1);
    let problems = s["problems"].to_string();
    assert!(problems.contains("not valid UTF-8"), "{problems}");
}

#[test]
fn many_small_files_do_not_starve_the_pipeline() {
    // Regression: each source used to keep one batch from the fixed pool; more sources than
    // batches in flight hung the scan.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(
            &dir.path().join(format!("many/f{i:02}.csv")),
            HOTEL_CSV.as_bytes(),
        );
    }
    write(&dir.path().join("many/zz-empty.csv"), b"");
    let s = summary_of(dir.path(), &["many", "--threads", "1"]);
    assert_eq!(s["records"]["total"], 160);
    assert_eq!(s["records"]["duplicate"], 160 - 3);
    assert_eq!(s["persons"]["distinct"], 3);
}

#[test]
fn summary_and_table_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("hotel.csv"), HOTEL_CSV.as_bytes());
    let mut s = summary_of(dir.path(), &["hotel.csv", "--threads", "2"]);
    // Time, version and thread count vary between runs and machines.
    s.as_object_mut().unwrap().remove("method");
    insta::assert_json_snapshot!("hotel_summary", s);

    let out = fangxian(&["scan", "hotel.csv", "--summary", "s.json"], dir.path());
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    insta::assert_snapshot!("hotel_table", table);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_marks_outputs_partial() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fangxian"))
        .args(["scan", "-", "-q", "--out", "case"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // An endless dump on stdin: the scan can only end through the interrupt.
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let mut row = 0u64;
        let _ = stdin.write_all(b"name,phone,note\n");
        loop {
            let line = format!("user{row},139{:08},row {row}\n", row % 100_000_000);
            if stdin.write_all(line.as_bytes()).is_err() {
                return;
            }
            row += 1;
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_exit(&out, 2);
    let case = dir.path().join("case");
    assert!(
        case.join("findings.partial.parquet").is_file(),
        "partial findings kept"
    );
    assert!(
        !case.join("findings.parquet").exists(),
        "no complete-looking findings file"
    );
    let s = read_json(&case.join("summary.json"));
    assert_eq!(s["partial"], true);
    assert!(s["records"]["total"].as_u64().unwrap() > 0);
    let html = std::fs::read_to_string(case.join("report.html")).unwrap();
    assert!(html.contains("PARTIAL"));
}

#[test]
fn facts_put_the_legal_assessment_into_summary_and_report() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("hotel.csv"), HOTEL_CSV.as_bytes());
    write(
        &dir.path().join("case.toml"),
        "act = \"sold\"\ninsider = true\nillegal_gains_yuan = 3000\n".as_bytes(),
    );
    let out = fangxian(
        &[
            "scan",
            "hotel.csv",
            "--facts",
            "case.toml",
            "--out",
            "case",
            "-q",
        ],
        dir.path(),
    );
    assert_exit(&out, 0);
    let s = read_json(&dir.path().join("case/summary.json"));
    let a = &s["assessment"];
    assert_eq!(a["schema"], "fangxian.assessment/1");
    // Insider gains of 3,000 yuan reach half of the 5,000-yuan standard (art. 5(1)(7)–(8)).
    assert_eq!(a["level"], "serious");
    assert_eq!(a["counts"]["B"], 4);
    let html = std::fs::read_to_string(dir.path().join("case/report.html")).unwrap();
    assert!(
        html.contains("serious") || html.contains("情节严重"),
        "assessment missing from report"
    );

    // A facts file with an error names the file.
    write(&dir.path().join("bad.toml"), b"act = \"teleported\"\n");
    let bad = fangxian(
        &[
            "scan",
            "hotel.csv",
            "--facts",
            "bad.toml",
            "--summary",
            "x.json",
        ],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.toml"));
}

/// A summary-only scan skips building finding rows; its counts must be exactly those of a scan
/// that writes findings.
#[test]
fn summary_only_scan_counts_the_same() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dump");
    let examples = examples.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let with_findings = summary_of(dir.path(), &[examples]);
    let out = fangxian(
        &["scan", examples, "--summary", "only.json", "-q"],
        dir.path(),
    );
    assert_exit(&out, 0);
    let only = read_json(&dir.path().join("only.json"));
    for key in [
        "records",
        "persons",
        "items",
        "tiers",
        "categories",
        "classes",
        "screening",
    ] {
        assert_eq!(
            with_findings[key], only[key],
            "{key} differs without findings"
        );
    }
    assert!(with_findings["records"]["with_pi"].as_u64().unwrap() > 100);
}
