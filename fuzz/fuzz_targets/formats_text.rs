//! Encodings into the decoders and the text reader: fuzz text lines encoded as GBK or
//! GB18030, UTF-16 LE/BE with BOM, or UTF-8 with BOM (a log-like valid prefix first), then raw
//! fuzz bytes appended, so the decoders meet invalid sequences, lone surrogates, odd lengths
//! and a switch from UTF-8 to GB18030 after a valid prefix. Must never panic, hang or allocate
//! without bound.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use encoding_rs::{GB18030, GBK};
use fangxian_formats::{Format, TextEncoding};
use libfuzzer_sys::{fuzz_target, Corpus};

/// Log lines without delimiters, so the sniffer reads them as text.
const PREFIX: &str = "2024-01-01 10:00:00 INFO 用户张三登录 手机13800138000\n\
                      2024-01-01 10:00:05 WARN 地址 北京市朝阳区 身份证11010519491231002X\n";

fuzz_target!(|data: &[u8]| -> Corpus {
    let [mode, lim, split, rest @ ..] = data else {
        return Corpus::Reject;
    };
    // The first part is text to encode; the rest is appended raw after it.
    let (lines, raw) = rest.split_at(usize::from(*split) * rest.len() / 256);
    let mut text = String::from(PREFIX);
    text.push_str(&String::from_utf8_lossy(lines));
    let (mut bytes, want): (Vec<u8>, TextEncoding) = match mode % 6 {
        0 => (GBK.encode(&text).0.into_owned(), TextEncoding::Gb18030),
        1 => (GB18030.encode(&text).0.into_owned(), TextEncoding::Gb18030),
        2 => {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            (b, TextEncoding::Utf16Le)
        }
        3 => {
            let mut b = vec![0xFE, 0xFF];
            b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            (b, TextEncoding::Utf16Be)
        }
        4 => {
            let mut b = b"\xEF\xBB\xBF".to_vec();
            b.extend_from_slice(text.as_bytes());
            (b, TextEncoding::Utf8Bom)
        }
        _ => {
            // ASCII lines, then GBK: detected from the whole (small) input, or, when the
            // raw tail spoils the sample, switched to by the decoder at the first non-UTF-8.
            let mut b = "2024-01-01 10:00:00 INFO start\n".repeat(4).into_bytes();
            b.extend_from_slice(&GBK.encode(&text).0);
            (b, TextEncoding::Gb18030)
        }
    };
    bytes.extend_from_slice(raw);
    let seen = common::read(&bytes, common::limits(*lim));
    // Routed: the intended decoder and the text reader (fuzz lines with delimiters or SQL
    // keywords may legitimately sniff as another format).
    common::routed("formats_text", &seen, |r| {
        r.format == Format::Text.name() && r.encoding == Some(want)
    })
});
