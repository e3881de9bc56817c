//! Delimited text straight into the CSV reader: a header line in a delimiter chosen by the
//! first byte (comma, tab, pipe, semicolon), optionally two well-formed rows and CRLF line
//! ends, then the fuzz bytes as the body (quotes, embedded delimiters and newlines, ragged
//! rows, over-long records). Must never panic, hang or allocate without bound.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use fangxian_formats::Format;
use libfuzzer_sys::{fuzz_target, Corpus};

fuzz_target!(|data: &[u8]| -> Corpus {
    let [mode, lim, body @ ..] = data else {
        return Corpus::Reject;
    };
    let d = b",\t|;"[usize::from(mode & 3)];
    let eol: &[u8] = if mode & 4 != 0 { b"\r\n" } else { b"\n" };
    let mut text = Vec::with_capacity(body.len() + 128);
    let header: &[&[u8]] = if mode & 8 != 0 {
        // A quoted header with the delimiter, a quote and a newline inside names.
        &[b"\"na,me\"", b"\"ph\"\"one\"", b"\"i\nd\"", b"note"]
    } else {
        &[b"name", b"phone", b"id", b"note"]
    };
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            text.push(d);
        }
        text.extend_from_slice(h);
    }
    text.extend_from_slice(eol);
    if mode & 16 != 0 {
        for row in [
            ["Zhang San", "13800138000", "11010519491231002X", "a"],
            ["Li Si", "13900139000", "110105194912310037", "b"],
        ] {
            text.extend_from_slice(row.join(&(d as char).to_string()).as_bytes());
            text.extend_from_slice(eol);
        }
    }
    if mode & 32 != 0 {
        text.extend_from_slice(body);
    } else {
        text.extend(common::structural(
            body,
            &[b'"', d, b'\n', b'\r', b',', b'\\'],
        ));
    }
    let seen = common::read(&text, common::limits(*lim));
    common::routed("formats_delimited", &seen, |r| {
        r.format == Format::Csv.name()
    })
});
