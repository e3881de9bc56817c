//! Format detection from the first kilobytes of a source.

use std::fmt;

use csv_core::{ReadRecordResult, ReaderBuilder};

/// The format a source was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Delimited text: comma, tab, pipe or semicolon (sniffed), with or without a header row.
    Csv,
    /// A JSON document: a top-level array (each element one record) or object (one record).
    Json,
    /// JSON Lines: one JSON value per line, each one record.
    JsonLines,
    /// A MySQL/MariaDB dump (`INSERT INTO … VALUES (…),(…);`, backslash escapes).
    MysqlDump,
    /// A PostgreSQL dump (`COPY … FROM stdin;` blocks and `INSERT`s).
    PostgresDump,
    /// A SQLite 3 database file (every table).
    Sqlite,
    /// An Office Open XML workbook (every sheet).
    Xlsx,
    /// A legacy Excel (BIFF) workbook (every sheet).
    Xls,
    /// An OpenDocument spreadsheet (every sheet).
    Ods,
    /// Plain text or logs: one record per line, one unnamed field.
    Text,
    /// Binary content that is none of the above: skipped with a warning.
    Binary,
}

impl Format {
    /// A stable lower-case name: `csv`, `json`, `jsonl`, `mysql`, `postgres`, `sqlite`,
    /// `xlsx`, `xls`, `ods`, `text`, `binary`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::MysqlDump => "mysql",
            Format::PostgresDump => "postgres",
            Format::Sqlite => "sqlite",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Text => "text",
            Format::Binary => "binary",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What sniffing decided for a text source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextFormat {
    Csv { delimiter: u8, header: bool },
    Json,
    JsonLines,
    Sql { mysql: bool },
    Text,
    Binary,
}

/// Sniffs a decoded UTF-8 sample. `complete` says the sample is the whole source.
pub(crate) fn sniff_text(sample: &[u8], complete: bool) -> TextFormat {
    let check = &sample[..sample.len().min(8192)];
    let controls = check
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    if memchr::memchr(0, check).is_some() || controls * 10 > check.len() {
        return TextFormat::Binary;
    }
    let trimmed = trim_start(sample);
    match trimmed.first() {
        Some(b'{') | Some(b'[') => match json_shape(trimmed, complete) {
            Some(true) => return TextFormat::JsonLines,
            Some(false) => return TextFormat::Json,
            None => {}
        },
        None => return TextFormat::Text,
        _ => {}
    }
    if let Some(mysql) = sql_dialect(sample) {
        return TextFormat::Sql { mysql };
    }
    if let Some((delimiter, header)) = sniff_csv(sample, complete) {
        return TextFormat::Csv { delimiter, header };
    }
    if single_column_with_header(sample, complete) {
        return TextFormat::Csv {
            delimiter: b',',
            header: true,
        };
    }
    TextFormat::Text
}

/// A one-column table with a header (`phone` over a list of numbers) is a table, not text:
/// its column name matters for profiling. Requires a label-like first line over mostly
/// numeric lines, and no comma in the sample (so the comma dialect reads it as one column).
fn single_column_with_header(sample: &[u8], complete: bool) -> bool {
    if memchr::memchr(b',', sample).is_some() || memchr::memchr(b'"', sample).is_some() {
        return false;
    }
    let text = match std::str::from_utf8(sample) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&sample[..e.valid_up_to()]).unwrap_or_default(),
    };
    let mut lines: Vec<&str> = text.lines().take(200).collect();
    if !complete && lines.len() > 1 {
        lines.pop(); // possibly cut
    }
    let Some((first, body)) = lines.split_first() else {
        return false;
    };
    let body: Vec<&str> = body
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    body.len() >= 2
        && label_like(first)
        && !numericish(first)
        && body.iter().filter(|l| numericish(l)).count() * 10 >= body.len() * 8
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

/// Checks that `s` starts with valid JSON (up to the end of the sample). Returns
/// `Some(true)` for JSON Lines (a first value, a newline, then another value), `Some(false)`
/// for one document, `None` when it is not JSON.
fn json_shape(s: &[u8], complete: bool) -> Option<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Value,
        After,
        KeyOrEnd,
        Key,
        Colon,
        ValueOrEnd,
    }
    let mut stack: Vec<u8> = Vec::new();
    let mut st = St::Value;
    let mut i = 0;
    let n = s.len();
    while i < n {
        let c = s[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        match st {
            St::Value | St::ValueOrEnd => {
                if st == St::ValueOrEnd && c == b']' {
                    stack.pop();
                    i += 1;
                    st = St::After;
                } else {
                    match c {
                        b'{' => {
                            stack.push(b'}');
                            st = St::KeyOrEnd;
                            i += 1;
                            continue;
                        }
                        b'[' => {
                            stack.push(b']');
                            st = St::ValueOrEnd;
                            i += 1;
                            continue;
                        }
                        b'"' => i = skip_string(s, i)?,
                        b't' | b'f' | b'n' => {
                            let word: &[u8] = match c {
                                b't' => b"true",
                                b'f' => b"false",
                                _ => b"null",
                            };
                            let have = &s[i..n.min(i + word.len())];
                            if !word.starts_with(have) {
                                return None;
                            }
                            i += have.len();
                        }
                        b'-' | b'0'..=b'9' => {
                            i += 1;
                            while i < n
                                && matches!(s[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                            {
                                i += 1;
                            }
                        }
                        _ => return None,
                    }
                    st = St::After;
                }
            }
            St::After => {
                match (c, stack.last()) {
                    (b',', Some(b'}')) => st = St::Key,
                    (b',', Some(b']')) => st = St::Value,
                    (b'}', Some(b'}')) | (b']', Some(b']')) => {
                        stack.pop();
                    }
                    _ => return None,
                }
                i += 1;
            }
            St::KeyOrEnd | St::Key => {
                if c == b'}' && st == St::KeyOrEnd {
                    stack.pop();
                    st = St::After;
                    i += 1;
                } else if c == b'"' {
                    i = skip_string(s, i)?;
                    st = St::Colon;
                } else {
                    return None;
                }
            }
            St::Colon => {
                if c != b':' {
                    return None;
                }
                st = St::Value;
                i += 1;
            }
        }
        if st == St::After && stack.is_empty() {
            // First top-level value done: JSON Lines if another value follows after a newline.
            let rest = &s[i.min(n)..];
            let ws = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let after = &rest[ws..];
            if after.is_empty() {
                return Some(false);
            }
            let newline = rest[..ws].contains(&b'\n');
            return if newline && matches!(after[0], b'{' | b'[') {
                Some(true)
            } else {
                None
            };
        }
    }
    // The sample ended inside the first value with no syntax error: a large document, or a
    // truncated one (the reader reports where it ends).
    let _ = complete;
    Some(false)
}

/// Index after the string starting at `s[i] == '"'`, or `n` if the sample ends inside it.
fn skip_string(s: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            b'\n' => return None,
            _ => i += 1,
        }
    }
    Some(s.len())
}

/// `Some(true)` for a MySQL dump, `Some(false)` for PostgreSQL, `None` for not SQL.
fn sql_dialect(sample: &[u8]) -> Option<bool> {
    const STARTS: &[&str] = &[
        "insert", "replace", "create", "drop", "set", "lock", "unlock", "use", "copy", "alter",
        "begin", "start", "commit", "select", "/*", "--", "#", "\\",
    ];
    let text = std::str::from_utf8(sample)
        .unwrap_or_else(|e| std::str::from_utf8(&sample[..e.valid_up_to()]).unwrap_or_default());
    let mut first_ok = None;
    let mut has_data = false;
    let mut pg = false;
    let mut mysql = false;
    for line in text.lines().take(2000) {
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        let lower: String = t.chars().take(40).collect::<String>().to_ascii_lowercase();
        if first_ok.is_none() {
            first_ok = Some(STARTS.iter().any(|k| lower.starts_with(k)));
        }
        if lower.starts_with("insert ") || lower.starts_with("replace ") {
            has_data = true;
            mysql |= t.contains('`');
        }
        if lower.starts_with("create table") {
            has_data = true;
            mysql |= t.contains('`');
        }
        if lower.starts_with("copy ") && t.to_ascii_lowercase().contains("from stdin") {
            has_data = true;
            pg = true;
        }
        if lower.contains("postgresql database dump") || lower.contains("standard_conforming") {
            pg = true;
        }
        if lower.contains("mysql dump") || lower.contains("mariadb dump") {
            mysql = true;
        }
    }
    if first_ok == Some(true) && has_data {
        Some(mysql || !pg)
    } else {
        None
    }
}

/// Parses up to `max` records of `sample` with `delimiter`; returns the records' fields.
pub(crate) fn sample_records(
    sample: &[u8],
    delimiter: u8,
    complete: bool,
    max: usize,
) -> Vec<Vec<String>> {
    let mut rdr = ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; sample.len() + 16];
    let mut ends = vec![0usize; 4096];
    let mut records = Vec::new();
    let mut input = sample;
    let mut eof_sent = false;
    // Output and end positions accumulate within one record across calls.
    let (mut o, mut e) = (0usize, 0usize);
    while records.len() < max {
        let (res, nin, nout, nend) = rdr.read_record(input, &mut out[o..], &mut ends[e..]);
        input = &input[nin..];
        o += nout;
        e += nend;
        match res {
            ReadRecordResult::Record => {
                let mut fields = Vec::with_capacity(e);
                let mut start = 0;
                for &end in &ends[..e] {
                    fields.push(String::from_utf8_lossy(&out[start..end]).into_owned());
                    start = end;
                }
                records.push(fields);
                o = 0;
                e = 0;
            }
            ReadRecordResult::InputEmpty => {
                if !complete || eof_sent {
                    // The last, possibly cut record of a partial sample is not used.
                    break;
                }
                eof_sent = true;
            }
            ReadRecordResult::End => break,
            // Too many fields for a sample: not a table we can judge.
            ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => break,
        }
    }
    records
}

/// Chooses a delimiter and whether the first row is a header, or `None` for not delimited.
fn sniff_csv(sample: &[u8], complete: bool) -> Option<(u8, bool)> {
    let mut best: Option<(u8, f64, usize, Vec<Vec<String>>)> = None;
    for &d in b",\t|;" {
        if memchr::memchr(d, &sample[..sample.len().min(65536)]).is_none() {
            continue;
        }
        let recs = sample_records(sample, d, complete, 200);
        if recs.len() < 2 {
            continue;
        }
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for r in &recs {
            match counts.iter_mut().find(|(n, _)| *n == r.len()) {
                Some(c) => c.1 += 1,
                None => counts.push((r.len(), 1)),
            }
        }
        let Some(&(mode, hits)) = counts.iter().max_by_key(|(n, c)| (*c, *n)) else {
            continue;
        };
        if mode < 2 {
            continue;
        }
        let consistency = hits as f64 / recs.len() as f64;
        if consistency < 0.7 {
            continue;
        }
        let better = match &best {
            None => true,
            Some((_, c, m, _)) => {
                consistency > *c + 1e-9 || (consistency >= *c - 1e-9 && mode > *m)
            }
        };
        if better {
            best = Some((d, consistency, mode, recs));
        }
    }
    let (d, _, _, recs) = best?;
    Some((d, looks_like_header(&recs)))
}

/// Mostly digits (and number punctuation): a value, not a column name.
pub(crate) fn numericish(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    digits * 2 >= s.chars().count()
}

fn label_like(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > 40 {
        return false;
    }
    if s.is_ascii() {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-' | '.' | '/' | '(' | ')')
            })
    } else {
        n <= 12 && !s.chars().any(|c| c.is_ascii_digit())
    }
}

/// Header detection: the first row is non-empty, distinct, not numeric, and differs from
/// the body: some column is numeric below a textual name, or every cell looks like a label
/// that never occurs in its column's body.
pub(crate) fn looks_like_header(rows: &[Vec<String>]) -> bool {
    let Some((first, body)) = rows.split_first() else {
        return false;
    };
    if body.is_empty() || first.is_empty() {
        return false;
    }
    if first.iter().any(|c| c.trim().is_empty() || numericish(c)) {
        return false;
    }
    for (i, a) in first.iter().enumerate() {
        if first[..i]
            .iter()
            .any(|b| b.trim().eq_ignore_ascii_case(a.trim()))
        {
            return false;
        }
    }
    let numeric_below = (0..first.len()).any(|col| {
        let vals: Vec<&String> = body.iter().filter_map(|r| r.get(col)).collect();
        !vals.is_empty() && vals.iter().filter(|v| numericish(v)).count() * 2 > vals.len()
    });
    if numeric_below {
        return true;
    }
    first.iter().all(|c| label_like(c))
        && first
            .iter()
            .enumerate()
            .all(|(col, h)| !body.iter().any(|r| r.get(col).is_some_and(|v| v == h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shapes() {
        assert_eq!(
            json_shape(b"[{\"a\":1},{\"b\":[true,null]}]", true),
            Some(false)
        );
        assert_eq!(json_shape(b"{\"a\":1}\n{\"a\":2}\n", true), Some(true));
        assert_eq!(json_shape(b"[2024-01-01 10:00] INFO x", true), None);
        assert_eq!(json_shape(b"[{\"a\":\"cut her", false), Some(false));
    }

    #[test]
    fn csv_and_header() {
        assert_eq!(
            sniff_text(b"name,phone\nZhang,13800138000\nLi,13900139000\n", true),
            TextFormat::Csv {
                delimiter: b',',
                header: true
            }
        );
        assert_eq!(
            sniff_text(b"Zhang\t13800138000\nLi\t13900139000\n", true),
            TextFormat::Csv {
                delimiter: b'\t',
                header: false
            }
        );
        assert_eq!(
            sniff_text(b"hello world\nsecond line\n", true),
            TextFormat::Text
        );
        assert_eq!(
            sniff_text(b"phone\n13800138000\n13900139000\n", true),
            TextFormat::Csv {
                delimiter: b',',
                header: true
            }
        );
        assert_eq!(
            sniff_text(b"13800138000\n13900139000\n", true),
            TextFormat::Text
        );
    }

    #[test]
    fn sql() {
        assert_eq!(
            sniff_text(
                b"-- MySQL dump 10.13\nINSERT INTO `t` VALUES (1,'a');\n",
                true
            ),
            TextFormat::Sql { mysql: true }
        );
        assert_eq!(
            sniff_text(b"COPY public.t (a, b) FROM stdin;\n1\tx\n\\.\n", true),
            TextFormat::Sql { mysql: false }
        );
    }
}
