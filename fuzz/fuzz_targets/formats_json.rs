//! JSON straight into the JSON reader. The first byte picks a shape: an array of records,
//! the `{"data": [ … ]}` export wrapper, a deeply nested object, or JSON Lines; the body is
//! either raw fuzz bytes after that prefix, or fuzz bytes read as a small grammar that writes
//! mostly well-formed JSON (so the sniffer accepts it) with hostile strings, escapes, lone
//! surrogates, huge numbers, deep nesting and truncation. Must never panic, hang or allocate
//! without bound.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use fangxian_formats::Format;
use libfuzzer_sys::{fuzz_target, Corpus};

const PREFIXES: [&[u8]; 6] = [
    b"[",
    b"[{\"name\":\"Zhang\",\"phone\":\"13800138000\"},",
    b"{\"code\":0,\"data\":[",
    b"{\"a\":{\"b\":{\"c\":[{\"d\":",
    b"{\"id\":1,\"phone\":\"13800138000\"}\n",
    b"{\"id\":1}\r\n[1,2]\n",
];

/// Writes JSON from `ops`; `stack` holds the open containers (`b'}'` or `b']'`).
struct Gen<'a> {
    ops: &'a [u8],
    out: Vec<u8>,
    stack: Vec<u8>,
    /// A key and colon are written: the next value goes right after them.
    pending_value: bool,
    /// A value was written at this level already (a comma goes before the next).
    after_value: bool,
}

impl Gen<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.ops.split_first()?;
        self.ops = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.ops.len());
        let (a, b) = self.ops.split_at(n);
        self.ops = b;
        a
    }

    /// A string whose content comes from the ops, escaped as JSON needs, with some escapes
    /// left hostile (`\u` with lone surrogates, raw bytes ≥ 0x80 that may not be UTF-8).
    fn string(&mut self) {
        let n = usize::from(self.byte().unwrap_or(0) % 24);
        let raw = self.take(n).to_vec();
        self.out.push(b'"');
        for b in raw {
            match b {
                b'"' => self.out.extend_from_slice(b"\\\""),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                0x00..=0x07 => {
                    let e: &[u8] = [
                        &b"\\ud800"[..],
                        b"\\udc00",
                        b"\\u0000",
                        b"\\ud83d\\ude00",
                        b"\\n",
                        b"\\/",
                        b"\\x",
                        b"\\u12",
                    ][usize::from(b)];
                    self.out.extend_from_slice(e);
                }
                0x08..=0x1f => {
                    let e = format!("\\u{:04x}", b);
                    self.out.extend_from_slice(e.as_bytes());
                }
                _ => self.out.push(b),
            }
        }
        self.out.push(b'"');
    }

    fn before_value(&mut self) {
        if self.pending_value {
            self.pending_value = false;
            return;
        }
        if self.after_value {
            // Top-level values are JSON Lines: one per line.
            self.out
                .push(if self.stack.is_empty() { b'\n' } else { b',' });
        }
        if self.stack.last() == Some(&b'}') {
            self.string();
            self.out.push(b':');
        }
    }

    fn value_done(&mut self) {
        self.after_value = true;
    }

    fn run(&mut self) {
        while let Some(op) = self.byte() {
            match op % 10 {
                0 | 1 if self.stack.len() < 200 => {
                    self.before_value();
                    let obj = op % 10 == 0;
                    self.out.push(if obj { b'{' } else { b'[' });
                    self.stack.push(if obj { b'}' } else { b']' });
                    self.after_value = false;
                }
                2 => {
                    if let Some(close) = self.stack.pop() {
                        self.out.push(close);
                        self.pending_value = false;
                        self.after_value = true;
                    }
                }
                3 | 4 => {
                    self.before_value();
                    self.string();
                    self.value_done();
                }
                5 => {
                    self.before_value();
                    let n = self.byte().unwrap_or(0);
                    let num: &[u8] = match n % 8 {
                        0 => b"-0",
                        1 => b"1e999",
                        2 => b"123456789012345678901234567890",
                        3 => b"-1.5E-7",
                        4 => b"13800138000",
                        5 => b"0.1",
                        6 => b"1.",
                        _ => b"--1",
                    };
                    self.out.extend_from_slice(num);
                    self.value_done();
                }
                6 => {
                    self.before_value();
                    let n = self.byte().unwrap_or(0);
                    self.out.extend_from_slice(
                        [&b"true"[..], b"false", b"null", b"nul"][usize::from(n % 4)],
                    );
                    self.value_done();
                }
                7 => {
                    // Raw bytes: whitespace, structure out of place, or anything at all.
                    let n = usize::from(self.byte().unwrap_or(0) % 8);
                    let raw = self.take(n).to_vec();
                    self.out.extend_from_slice(&raw);
                }
                8 => {
                    // Whitespace the reader must skip, line ends included.
                    let n = self.byte().unwrap_or(0);
                    self.out
                        .extend_from_slice([&b" "[..], b"\n", b"\r\n", b"\t"][usize::from(n % 4)]);
                }
                _ => {
                    self.before_value();
                    self.string();
                    self.value_done();
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| -> Corpus {
    let [mode, lim, body @ ..] = data else {
        return Corpus::Reject;
    };
    let prefix = PREFIXES[usize::from(mode % 6)];
    let mut text = prefix.to_vec();
    if mode & 0x80 != 0 {
        text.extend_from_slice(body);
    } else {
        // The grammar continues the prefix: an open container expects its next member.
        let stack: Vec<u8> = {
            let mut s = Vec::new();
            let mut in_str = false;
            let mut esc = false;
            for &b in prefix {
                match (in_str, esc, b) {
                    (true, true, _) => esc = false,
                    (true, false, b'\\') => esc = true,
                    (true, false, b'"') => in_str = false,
                    (true, false, _) => {}
                    (false, _, b'"') => in_str = true,
                    (false, _, b'{') => s.push(b'}'),
                    (false, _, b'[') => s.push(b']'),
                    (false, _, b'}' | b']') => {
                        s.pop();
                    }
                    _ => {}
                }
            }
            s
        };
        let last = prefix.last().copied();
        let mut g = Gen {
            ops: body,
            out: text,
            // `"d":` waits for a value: no key, no comma.
            pending_value: last == Some(b':'),
            // After a complete first line (JSON Lines), the next value starts a new line.
            after_value: stack.is_empty(),
            stack,
        };
        g.run();
        if mode & 0x40 == 0 {
            // Close what is open (otherwise the document ends truncated).
            while let Some(c) = g.stack.pop() {
                g.out.push(c);
            }
        }
        text = g.out;
    }
    let seen = common::read(&text, common::limits(*lim));
    common::routed("formats_json", &seen, |r| {
        r.format == Format::Json.name() || r.format == Format::JsonLines.name()
    })
});
