//! The same table written in every format and wrapped in every compression yields the same
//! (index, field name, value) records. JSON names are paths (`$.phone`); they are compared
//! without the `$.` prefix.

use crate::common::*;

const HEADER: [&str; 4] = ["name", "phone", "id_card", "note"];

fn table() -> Vec<[String; 4]> {
    (0..60)
        .map(|i| {
            let note = match i % 4 {
                0 => format!("plain {i}"),
                1 => format!("comma, and \"quote\" {i}"),
                2 => format!("line\nbreak {i}"),
                _ => format!("back\\slash 'single' {i}"),
            };
            [
                format!("用户{i}"),
                format!("138{:08}", i * 7919),
                format!("1101051949{:04}{:03}X", 1000 + i, i),
                note,
            ]
        })
        .collect()
}

fn csv(delim: char) -> String {
    let mut s = HEADER.join(&delim.to_string());
    s.push('\n');
    for row in table() {
        let cells: Vec<String> = row
            .iter()
            .map(|v| {
                if v.contains([delim, '"', '\n']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v.clone()
                }
            })
            .collect();
        s.push_str(&cells.join(&delim.to_string()));
        s.push('\n');
    }
    s
}

fn json_str(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

fn json_object(row: &[String; 4]) -> String {
    let members: Vec<String> = HEADER
        .iter()
        .zip(row)
        .map(|(k, v)| format!("{}: {}", json_str(k), json_str(v)))
        .collect();
    format!("{{{}}}", members.join(", "))
}

fn json_array() -> String {
    let objs: Vec<String> = table().iter().map(json_object).collect();
    format!("[\n  {}\n]\n", objs.join(",\n  "))
}

fn jsonl() -> String {
    table().iter().map(|r| json_object(r) + "\n").collect()
}

fn mysql() -> String {
    let esc = |v: &str| {
        v.replace('\\', "\\\\")
            .replace('\'', "\\'")
            .replace('\n', "\\n")
    };
    let mut s = String::from("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n");
    s.push_str("CREATE TABLE `t` (\n  `name` varchar(20),\n  `phone` char(11),\n  `id_card` char(18),\n  `note` text\n) ENGINE=InnoDB;\n");
    for chunk in table().chunks(25) {
        let tuples: Vec<String> = chunk
            .iter()
            .map(|r| {
                let vals: Vec<String> = r.iter().map(|v| format!("'{}'", esc(v))).collect();
                format!("({})", vals.join(","))
            })
            .collect();
        s.push_str(&format!("INSERT INTO `t` VALUES {};\n", tuples.join(",")));
    }
    s
}

fn pg_copy() -> String {
    let esc = |v: &str| {
        v.replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\t', "\\t")
    };
    let mut s = String::from("--\n-- PostgreSQL database dump\n--\n\nCOPY public.t (name, phone, id_card, note) FROM stdin;\n");
    for r in table() {
        let vals: Vec<String> = r.iter().map(|v| esc(v)).collect();
        s.push_str(&vals.join("\t"));
        s.push('\n');
    }
    s.push_str("\\.\n");
    s
}

fn normalized(c: &Collect) -> Vec<(u64, Option<String>, String)> {
    c.triples()
        .into_iter()
        .map(|(i, n, v)| (i, n.map(|n| n.trim_start_matches("$.").to_string()), v))
        .collect()
}

#[test]
fn every_format_and_compression_gives_the_same_records() {
    let expected: Vec<(u64, Option<String>, String)> = table()
        .iter()
        .enumerate()
        .flat_map(|(i, row)| {
            HEADER
                .iter()
                .zip(row)
                .map(move |(k, v)| (i as u64 + 1, Some(k.to_string()), v.clone()))
        })
        .collect();
    let formats: Vec<(&str, &str, String)> = vec![
        ("csv", "csv", csv(',')),
        ("tsv", "csv", csv('\t')),
        ("psv", "csv", csv('|')),
        ("json", "json", json_array()),
        ("jsonl", "jsonl", jsonl()),
        ("mysql", "mysql", mysql()),
        ("pg", "postgres", pg_copy()),
    ];
    for (what, format, text) in &formats {
        let plain = text.as_bytes().to_vec();
        let variants: Vec<(&str, Vec<u8>)> = vec![
            ("plain", plain.clone()),
            ("gz", gzip(&plain)),
            ("bz2", bzip2(&plain)),
            ("xz", xz(&plain)),
            ("zst", zstd(&plain)),
            ("zip", zip(&[("member", &plain)])),
        ];
        for (wrap, bytes) in variants {
            let c = read_bytes("in", &bytes);
            assert_eq!(c.formats.len(), 1, "{what}/{wrap}: {:?}", c.formats);
            assert_eq!(c.formats[0].1, *format, "{what}/{wrap}");
            assert_eq!(normalized(&c), expected, "{what}/{wrap}");
            assert!(
                c.warnings.is_empty() && c.errors.is_empty(),
                "{what}/{wrap}: {}",
                c.all_messages()
            );
        }
    }
}
