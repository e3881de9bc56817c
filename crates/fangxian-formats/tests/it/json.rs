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
        br#"{"user": {"phones": ["13800138000", "x"]}, "n": -1.5e3}"#,
    );
    assert_eq!(
        c.flat(),
        [
            "1:$.user.phones[0]=13800138000",
            "1:$.user.phones[1]=x",
            "1:$.n=-1.5e3"
        ]
    );
    // An array of scalars directly in the object is not a record array.
    let c = read_bytes("o.json", br#"{"ids": [1, 2]}"#);
    assert_eq!(c.flat(), ["1:$.ids[0]=1", "1:$.ids[1]=2"]);
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

#[test]
fn wrapper_object_with_a_record_array() {
    let data = r#"{"code": 0, "data": [{"name": "张三", "phone": "13800138000"}, {"name": "李四", "tags": ["x"]}, 7], "total": 3}"#;
    let c = read_bytes("api.json", data.as_bytes());
    assert_eq!(
        c.flat(),
        [
            "1:$.code=0",
            "2:$.name=张三",
            "2:$.phone=13800138000",
            "3:$.name=李四",
            "3:$.tags[0]=x",
            "4:$=7",
            "5:$.total=3",
        ]
    );
    let tables: Vec<_> = c.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(
        tables,
        ["", "$.data", "$.data", "$.data", "$.data", "$.data", ""]
    );
    // Nothing after the array: no empty trailing record.
    let c = read_bytes("api.json", br#"{"data": [{"a": 1}, {"a": 2}]}"#);
    assert_eq!(c.flat(), ["1:$.a=1", "2:$.a=2"]);
}

#[test]
fn huge_wrapper_is_read_in_bounded_batches() {
    let mut data = String::from("{\"data\": [");
    for i in 0..20_000 {
        if i > 0 {
            data.push(',');
        }
        data.push_str(&format!("{{\"id\": {i}, \"phone\": \"138{i:08}\"}}"));
    }
    data.push_str("]}");
    let c = read_with(
        "big.json",
        data.as_bytes(),
        Limits::default().batch_bytes(4096),
    );
    assert_eq!(c.records.len(), 20_000);
    assert!(c.batch_sizes.len() > 50, "{}", c.batch_sizes.len());
    assert!(c.batch_sizes.iter().all(|&n| n < 1000));
    let last = c.rows.last().unwrap();
    assert_eq!((last.index, last.value.as_str()), (20_000, "13800019999"));
    // The same through a huge plain object split at the record limit: bounded batches too.
    let mut obj = String::from("{");
    for i in 0..20_000 {
        obj.push_str(&format!("\"k{i}\": \"v{i}\","));
    }
    obj.push_str("\"end\": 1}");
    let c = read_with(
        "obj.json",
        obj.as_bytes(),
        Limits::default().batch_bytes(4096).max_record_len(1024),
    );
    assert_eq!(c.rows.len(), 20_001);
    assert!(c.batch_sizes.len() > 50, "{}", c.batch_sizes.len());
}

#[test]
fn too_deep_element_of_a_record_array_skips_only_that_element() {
    let deep = format!("{}1{}", "[".repeat(600), "]".repeat(600));
    let data = format!("{{\"data\": [{{\"a\": 1}}, {{\"b\": {deep}}}, {{\"a\": 3}}]}}");
    let c = read_bytes("d.json", data.as_bytes());
    assert_eq!(c.flat(), ["1:$.a=1", "3:$.a=3"]);
    assert_eq!(c.warnings.len(), 1, "{}", c.all_messages());
}
