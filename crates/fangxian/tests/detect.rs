//! `fangxian detect` run as the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn detect(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fangxian"));
    cmd.arg("detect").args(args);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn table_masks_values_and_exits_zero() {
    let o = detect(&["身份证11010519491231002X，手机13800138000"], None);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("LINE"));
    assert!(lines[1].contains("cn_resident_id") && lines[1].contains("110105********002X"));
    assert!(lines[2].contains("cn_mobile") && lines[2].contains("138****8000"));
    assert!(
        !out.contains("11010519491231002X"),
        "unmasked value in {out}"
    );
    assert!(lines[1].contains("keyword 身份证"));
    assert_eq!(lines.len(), 3);
    assert!(String::from_utf8_lossy(&o.stderr).contains("2 items found"));
}

#[test]
fn reveal_shows_values() {
    let o = detect(&["--reveal", "手机13800138000"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("13800138000"));
}

#[test]
fn nothing_found_exits_one() {
    let o = detect(&["版本 v1.2.3.4，订单 202401150001"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 1, "header only");
    let o = detect(&["-q", "nothing here"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
}

#[test]
fn json_lines_follow_the_findings_contract() {
    let input = "第一行没有\n收件人张三 电话 +86 138-0013-8000\r\n\n身份证 110101199003077593\n";
    let o = detect(&["--json"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(u64, &str, &str, bool)> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["source"], "-");
            assert!(r["field"].is_null());
            let c = r["confidence"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&c));
            (
                r["record"].as_u64().unwrap(),
                r["type"].as_str().unwrap(),
                r["value"].as_str().unwrap(),
                r["valid"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "person_name", "张三", true),
            (2, "cn_mobile", "13800138000", true),
            (4, "cn_resident_id", "110101199003077593", false),
        ]
    );
    // The span points into the line.
    let line2 = "收件人张三 电话 +86 138-0013-8000";
    let span = &rows[1]["span"];
    let (a, b) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert_eq!(&line2[a..b], "+86 138-0013-8000");
}

#[test]
fn dash_and_no_argument_read_stdin() {
    for args in [&["-"][..], &[][..]] {
        let o = detect(args, Some("邮箱 a.b@Example.com\n".as_bytes()));
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("a**@example.com"), "{}", stdout(&o));
    }
}

#[test]
fn invalid_utf8_and_long_lines_stream() {
    let mut input = b"\xff\xfe 13800138000 \xc3\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 3 << 20));
    input.extend_from_slice("\n邮箱 z@example.cn".as_bytes());
    let o = detect(&["--json"], Some(&input));
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let records: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["record"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(records, [1, 3]);
}
