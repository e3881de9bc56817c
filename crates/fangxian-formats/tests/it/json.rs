//! JSON documents and JSON Lines.

use crate::common::*;
use fangxian_formats::Limits;

#[test]
fn array_of_objects_with_nested_paths() {
    let data = r#"[
      {"name": "张三", "user": {"phone": "13800138000", "age": 30}, "items": [{"phone": "13900139000"}, {"x": null}]},
      {"name": "Li\"Si\u0041", "ok": true, "weird key": "v", "": 1, "tags": ["a", "b"], "empty": {}}
    ]"#;
    let c = read_bytes("d.json", data.as_bytes());
    assert_eq!(c.formats[0].1, "json");
    assert_eq!(
        c.flat(),
        [
            "1:$.name=张三",
            "1:$.user.phone=13800138000",
            "1:$.user.age=30",
            "1:$.items[0].phone=13900139000",
            "2:$.name=Li\"SiA",
            "2:$.ok=true",
            "2:$[\"weird key\"]=v",
            "2:$[\"\"]=1",
            "2:$.tags[0]=a",
            "2:$.tags[1]=b",
        ]
    );
    assert!(
        c.warnings.is_empty() && c.errors.is_empty(),
        "{}",
        c.all_messages()
    );
}

#[test]
fn top_level_object_is_one_record() {
    let c = read_bytes(
        "o.json",
        br#"{"data": [{"phone": "13800138000"}, {"phone": "x"}], "n": -1.5e3}"#,
    );
    assert_eq!(
        c.flat(),
        [
            "1:$.data[0].phone=13800138000",
            "1:$.data[1].phone=x",
            "1:$.n=-1.5e3"
        ]
    );
}

#[test]
fn json_lines_with_a_bad_line() {
    let data =
        "{\"a\": 1}\n{\"a\": 2, \"b\": [1,2]}\n{\"a\": oops}\n\n{\"a\": \"\\ud83d\\ude00\"}\n";
    let c = read_bytes("l.jsonl", data.as_bytes());
    assert_eq!(c.formats[0].1, "jsonl");
    assert_eq!(
        c.flat(),
        ["1:$.a=1", "2:$.a=2", "2:$.b[0]=1", "2:$.b[1]=2", "4:$.a=😀"]
    );
    assert_eq!(c.warnings.len(), 1, "{}", c.all_messages());
    assert_eq!(c.warnings[0].line, Some(3));
}

#[test]
fn nested_10000_deep_is_skipped_without_stack_overflow() {
    let mut data = String::from("[{\"ok\": 1}, ");
    data.push_str(&"[".repeat(10_000));
    data.push_str(&"]".repeat(10_000));
    data.push_str(", {\"ok\": 2}]");
    let c = read_bytes("deep.json", data.as_bytes());
    assert_eq!(c.flat(), ["1:$.ok=1", "3:$.ok=2"]);
    assert_eq!(c.warnings.len(), 1);
    assert!(
        c.warnings[0].message.contains("max_json_depth"),
        "{}",
        c.warnings[0]
    );
    // A single deep document as the whole source.
    let deep = format!(
        "{}{}",
        "{\"a\":".repeat(10_000),
        "1".to_string() + &"}".repeat(10_000)
    );
    let c = read_bytes("deep2.json", deep.as_bytes());
    assert!(c.rows.is_empty());
    assert_eq!(c.warnings.len(), 1, "{}", c.all_messages());
    assert!(c.done[0].partial);
}

#[test]
fn truncated_document_reports_offset() {
    let c = read_bytes("t.json", br#"[{"a": 1}, {"a": 2}, {"a": "#);
    assert_eq!(c.flat(), ["1:$.a=1", "2:$.a=2"]);
    assert_eq!(c.errors.len(), 1);
    assert!(
        c.errors[0].contains("t.json") && c.errors[0].contains("byte"),
        "{}",
        c.errors[0]
    );
}

#[test]
fn big_record_is_split_at_field_boundaries() {
    let mut data = String::from("[{");
    for i in 0..2000 {
        data.push_str(&format!("\"k{i}\": \"{}\",", "v".repeat(100)));
    }
    data.push_str("\"last\": 1}]");
    let c = read_with(
        "b.json",
        data.as_bytes(),
        Limits::default().max_record_len(64 << 10),
    );
    assert_eq!(c.rows.len(), 2001);
    let records: std::collections::BTreeSet<u64> = c.rows.iter().map(|r| r.index).collect();
    assert!(records.len() >= 3, "{records:?}");
    assert_eq!(c.warnings.len(), 1, "{}", c.all_messages());
}

#[test]
fn small_batches_same_records() {
    let mut data = String::from("[");
    for i in 0..3000 {
        if i > 0 {
            data.push(',');
        }
        data.push_str(&format!("{{\"id\": {i}, \"s\": \"x\\ty{i}\"}}"));
    }
    data.push(']');
    let a = read_bytes("a.json", data.as_bytes());
    let b = read_with("a.json", data.as_bytes(), Limits::default().batch_bytes(1));
    assert_eq!(a.rows.len(), 6000);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.rows[5999].value, "x\ty2999");
}
