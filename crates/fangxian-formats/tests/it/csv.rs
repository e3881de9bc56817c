//! Delimited text: dialects, headers, quoting, batching.

use crate::common::*;
use fangxian_formats::Limits;

#[test]
fn comma_with_header() {
    let c = read_bytes(
        "u.csv",
        b"name,phone\nZhang San,13800138000\nLi Si,13900139000\n",
    );
    assert_eq!(
        c.flat(),
        [
            "1:name=Zhang San",
            "1:phone=13800138000",
            "2:name=Li Si",
            "2:phone=13900139000"
        ]
    );
    assert_eq!(c.formats[0].1, "csv");
    assert_eq!(
        c.headers[0].2,
        Some(vec!["name".to_string(), "phone".to_string()])
    );
    assert!(c.warnings.is_empty() && c.errors.is_empty());
}

#[test]
fn tab_pipe_semicolon_without_header() {
    for d in ["\t", "|", ";"] {
        let data = format!("Zhang{d}13800138000{d}x\nLi{d}13900139000{d}y\n");
        let c = read_bytes("u.txt", data.as_bytes());
        assert_eq!(c.formats[0].1, "csv", "delimiter {d:?}");
        assert_eq!(
            c.flat(),
            [
                "1:Zhang",
                "1:13800138000",
                "1:x",
                "2:Li",
                "2:13900139000",
                "2:y"
            ],
            "delimiter {d:?}"
        );
    }
}

#[test]
fn quoted_fields_with_delimiters_quotes_and_newlines() {
    let data =
        "id,address,note\n1,\"北京市, 朝阳区\",\"said \"\"hi\"\"\nthen left\"\n2,plain,\"\"\n";
    let c = read_bytes("q.csv", data.as_bytes());
    assert_eq!(
        c.flat(),
        [
            "1:id=1",
            "1:address=北京市, 朝阳区",
            "1:note=said \"hi\"\nthen left",
            "2:id=2",
            "2:address=plain",
            "2:note="
        ]
    );
}

#[test]
fn crlf_and_no_final_newline() {
    let c = read_bytes("c.csv", b"a,b\r\n1,2\r\n3,4");
    assert_eq!(c.flat(), ["1:a=1", "1:b=2", "2:a=3", "2:b=4"]);
}

#[test]
fn ragged_rows_keep_extra_columns_unnamed() {
    let c = read_bytes("r.csv", b"name,phone\nA,1\nB,2,extra\nC,3\n");
    assert!(c.flat().contains(&"2:extra".to_string()), "{:?}", c.flat());
}

#[test]
fn many_small_batches_give_the_same_records() {
    let mut data = String::from("k,v\n");
    for i in 0..5000 {
        data.push_str(&format!("key{i},\"value, {i}\"\n"));
    }
    let big = read_bytes("b.csv", data.as_bytes());
    let small = read_with("b.csv", data.as_bytes(), Limits::default().batch_bytes(1));
    assert_eq!(big.rows.len(), 10_000);
    assert_eq!(big.rows, small.rows);
    assert!(small.batch_sizes.len() > 5, "{}", small.batch_sizes.len());
    assert_eq!(big.rows.last().unwrap().value, "value, 4999");
    assert_eq!(big.rows.last().unwrap().index, 5000);
}

#[test]
fn single_column_with_header_keeps_its_name() {
    let c = read_bytes(
        "phones.txt",
        b"phone\n13800138000\n13900139000\n13700137000\n",
    );
    assert_eq!(c.formats[0].1, "csv");
    assert_eq!(
        c.flat(),
        [
            "1:phone=13800138000",
            "2:phone=13900139000",
            "3:phone=13700137000"
        ]
    );
}

#[test]
fn blank_lines_are_not_records() {
    let c = read_bytes("b.csv", b"a,b\n1,2\n\n3,4\n\n");
    assert_eq!(c.flat(), ["1:a=1", "1:b=2", "2:a=3", "2:b=4"]);
}
