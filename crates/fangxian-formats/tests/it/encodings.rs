//! Text encodings: UTF-8 with/without BOM, UTF-16LE/BE, GB18030/GBK.

use crate::common::*;

const TEXT: &str = "姓名,手机\n张三,13800138000\n李四,13900139000\n";

fn expected() -> Vec<String> {
    vec![
        "1:姓名=张三".into(),
        "1:手机=13800138000".into(),
        "2:姓名=李四".into(),
        "2:手机=13900139000".into(),
    ]
}

fn utf16(le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for u in TEXT.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn utf8_plain_and_bom() {
    let c = read_bytes("a", TEXT.as_bytes());
    assert_eq!(c.flat(), expected());
    assert_eq!(c.formats[0].2.as_deref(), Some("utf-8"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(TEXT.as_bytes());
    let c = read_bytes("a", &bom);
    assert_eq!(c.flat(), expected());
    assert_eq!(c.formats[0].2.as_deref(), Some("utf-8-bom"));
}

#[test]
fn utf16_with_bom() {
    for (le, name) in [(true, "utf-16le"), (false, "utf-16be")] {
        let c = read_bytes("a", &utf16(le, true));
        assert_eq!(c.flat(), expected(), "{name}");
        assert_eq!(c.formats[0].2.as_deref(), Some(name));
    }
}

#[test]
fn gbk_and_gb18030() {
    let (gb, _, bad) = encoding_rs::GBK.encode(TEXT);
    assert!(!bad);
    let c = read_bytes("a", &gb);
    assert_eq!(c.flat(), expected());
    assert_eq!(c.formats[0].2.as_deref(), Some("gb18030"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn invalid_utf8_is_replaced_with_one_warning_and_offset() {
    let mut data = b"name,phone\nZhang,138\xFF00138000\nLi,\xFE139\n".to_vec();
    // Keep it clearly UTF-8 (not GB18030-decodable): add a valid multi-byte character.
    data.extend_from_slice("王五,13700137000\n".as_bytes());
    let c = read_bytes("bad.csv", &data);
    assert_eq!(c.rows[1].value, "138\u{FFFD}00138000");
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert_eq!(c.warnings[0].offset, Some(20));
    assert!(c.done[0].partial);
}

#[test]
fn gbk_after_a_long_ascii_prefix_switches_decoder() {
    let mut text = String::from("id,name\n");
    for i in 0..8000 {
        text.push_str(&format!("{i},user{i}\n"));
    }
    text.push_str("8000,张三\n8001,李四\n");
    let (gb, _, _) = encoding_rs::GBK.encode(&text);
    assert!(gb.len() > 64 << 10);
    let c = read_bytes("late.csv", &gb);
    let last: Vec<_> = c.flat().into_iter().rev().take(2).collect();
    assert_eq!(last, ["8002:name=李四", "8002:id=8001"]);
    assert!(c.warnings.iter().any(|w| w.message.contains("GB18030")));
    assert!(!c.done[0].partial, "nothing was replaced");
    assert_eq!(
        c.done[0].encoding,
        Some(fangxian_formats::TextEncoding::Gb18030)
    );
}

#[test]
fn utf16le_without_bom() {
    let c = read_bytes("a", &utf16(true, false));
    assert_eq!(c.flat(), expected());
    assert_eq!(c.formats[0].2.as_deref(), Some("utf-16le"));
}

#[test]
fn characters_split_across_reads_and_late_invalid_bytes() {
    for pad in 0..3 {
        // Text lines (no delimiter), so every line is one record; the 64 KiB sniffing window
        // and the read chunks end inside 3-byte characters at different offsets per `pad`.
        let mut text = "x".repeat(pad + 1) + "\n";
        while text.len() < 300_000 {
            text.push_str("张三李四王五赵钱孙李周吴郑王 138 来电\n");
        }
        let c = read_bytes("cjk.txt", text.as_bytes());
        let lines: Vec<&str> = text.lines().collect();
        let got: Vec<&str> = c.rows.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(c.formats[0].1, "text", "pad {pad}");
        assert_eq!(got.len(), lines.len(), "pad {pad}");
        assert!(got == lines, "pad {pad}: content differs");
        assert!(c.warnings.is_empty(), "pad {pad}: {}", c.all_messages());
        // An invalid byte far beyond the sample: exact offset, one warning.
        let mut bytes = text.clone().into_bytes();
        let at = text.rfind(' ').unwrap();
        bytes[at] = 0xFF;
        let c = read_bytes("cjk.txt", &bytes);
        assert_eq!(c.warnings.len(), 1, "pad {pad}: {}", c.all_messages());
        assert_eq!(c.warnings[0].offset, Some(at as u64), "pad {pad}");
    }
}
