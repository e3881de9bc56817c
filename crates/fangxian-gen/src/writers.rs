//! Writers: rows to CSV, TSV, JSON, JSON Lines, MySQL and PostgreSQL dumps and text; text to
//! UTF-8 (with or without BOM), GBK or UTF-16LE; bytes through gzip, zstd, xz or bzip2.
//!
//! Our own small writers rather than fangxian-formats' readers' counterparts: the generator must
//! not share code with what it tests, or a shared bug would grade itself correct.

use std::io::{self, Write};
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::datasets::{Col, HeaderStyle};
use crate::row::{CellType, Row};
use crate::tags::Tags;
use crate::Error;

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $( $(#[$vdoc:meta])* $v:ident = $id:literal ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$vdoc])* $v, )* }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[ $( $name::$v, )* ];
            /// The id used on the command line and in file names.
            pub fn id(self) -> &'static str {
                match self { $( $name::$v => $id, )* }
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                let t = s.trim().to_ascii_lowercase();
                $name::ALL.iter().copied().find(|x| x.id() == t).ok_or_else(|| Error::Unknown {
                    what: $what,
                    value: s.to_owned(),
                    known: $name::ALL.iter().map(|x| x.id()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}

named_enum! {
    /// A file format of the corpus.
    Format, "format" {
        /// Comma-separated values with a header row.
        Csv = "csv",
        /// Tab-separated values with a header row.
        Tsv = "tsv",
        /// One JSON array of objects; some columns nested in sub-objects.
        Json = "json",
        /// JSON Lines, one flat object per line.
        Jsonl = "jsonl",
        /// A `mysqldump` file: `CREATE TABLE` and extended `INSERT … VALUES`.
        Mysql = "mysql",
        /// A `pg_dump` file: `CREATE TABLE` and `COPY … FROM stdin`.
        Pgdump = "pgdump",
        /// Plain-text log lines (free text).
        Txt = "txt",
        /// A SQLite database file, one table per file.
        Sqlite = "sqlite",
        /// An Excel workbook (Office Open XML), one worksheet per file.
        Xlsx = "xlsx",
    }
}

named_enum! {
    /// A text encoding of the corpus.
    Encoding, "encoding" {
        /// UTF-8 without BOM.
        Utf8 = "utf8",
        /// UTF-8 with BOM.
        Utf8Bom = "utf8bom",
        /// GBK (the WHATWG GBK encoder).
        Gbk = "gbk",
        /// UTF-16LE with BOM.
        Utf16 = "utf16",
    }
}

named_enum! {
    /// A compression stream or archive container.
    Packaging, "compression" {
        /// gzip (level 1).
        Gz = "gz",
        /// zstd (level 1).
        Zst = "zst",
        /// xz (preset 0).
        Xz = "xz",
        /// bzip2 (level 1).
        Bz2 = "bz2",
        /// A zip archive holding several files.
        Zip = "zip",
        /// A tar archive holding several files.
        Tar = "tar",
    }
}

impl Format {
    /// The formats written when none are named: every text format. SQLite is opt-in
    /// (`--formats …,sqlite`) so that corpora and the committed examples made before it existed
    /// stay byte-identical for their seed.
    pub const DEFAULT: &'static [Format] = &[
        Format::Csv,
        Format::Tsv,
        Format::Json,
        Format::Jsonl,
        Format::Mysql,
        Format::Pgdump,
        Format::Txt,
    ];

    pub(crate) fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Mysql | Format::Pgdump => "sql",
            Format::Txt => "log",
            Format::Sqlite => "db",
            Format::Xlsx => "xlsx",
        }
    }

    pub(crate) fn tag(self) -> Tags {
        match self {
            Format::Csv => Tags::CSV,
            Format::Tsv => Tags::TSV,
            Format::Json => Tags::JSON,
            Format::Jsonl => Tags::JSONL,
            Format::Mysql => Tags::MYSQL,
            Format::Pgdump => Tags::PGDUMP,
            Format::Txt => Tags::TXT,
            Format::Sqlite => Tags::SQLITE,
            Format::Xlsx => Tags::XLSX,
        }
    }

    /// The encodings a real tool would write this format in: JSON is UTF-8 (RFC 8259), SQL dumps
    /// are written in the connection charset (UTF-8 or GBK), text exports in anything.
    pub(crate) fn encodings(self) -> &'static [Encoding] {
        match self {
            Format::Json | Format::Jsonl => &[Encoding::Utf8, Encoding::Utf8Bom],
            // SQLite text is UTF-8 here, and so is SQLite text and the XML inside an xlsx (the database and package encodings,
            // not file encodings).
            Format::Sqlite | Format::Xlsx => &[Encoding::Utf8],
            Format::Mysql | Format::Pgdump => &[Encoding::Utf8, Encoding::Gbk],
            Format::Csv | Format::Tsv | Format::Txt => Encoding::ALL,
        }
    }
}

impl Encoding {
    pub(crate) fn tag(self) -> Tags {
        match self {
            Encoding::Utf8 => Tags::EMPTY,
            Encoding::Utf8Bom => Tags::UTF8_BOM,
            Encoding::Gbk => Tags::GBK,
            Encoding::Utf16 => Tags::UTF16,
        }
    }
}

impl Packaging {
    pub(crate) fn tag(self) -> Tags {
        match self {
            Packaging::Gz => Tags::GZ,
            Packaging::Zst => Tags::ZST,
            Packaging::Xz => Tags::XZ,
            Packaging::Bz2 => Tags::BZ2,
            Packaging::Zip => Tags::ZIP,
            Packaging::Tar => Tags::TAR,
        }
    }
}

/// A writer that hashes and counts what passes through it.
pub(crate) struct Hashing<W> {
    pub(crate) inner: W,
    pub(crate) sha: Sha256,
    pub(crate) bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A compression stream over `W`.
pub(crate) enum Stream<W: Write> {
    Plain(W),
    Gz(flate2::write::GzEncoder<W>),
    Zst(zstd::stream::write::Encoder<'static, W>),
    Xz(xz2::write::XzEncoder<W>),
    Bz2(bzip2::write::BzEncoder<W>),
}

impl<W: Write> Stream<W> {
    pub(crate) fn new(w: W, p: Option<Packaging>) -> io::Result<Stream<W>> {
        Ok(match p {
            Some(Packaging::Gz) => Stream::Gz(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::fast(),
            )),
            Some(Packaging::Zst) => Stream::Zst(zstd::stream::write::Encoder::new(w, 1)?),
            Some(Packaging::Xz) => Stream::Xz(xz2::write::XzEncoder::new(w, 0)),
            Some(Packaging::Bz2) => {
                Stream::Bz2(bzip2::write::BzEncoder::new(w, bzip2::Compression::fast()))
            }
            _ => Stream::Plain(w),
        })
    }

    pub(crate) fn finish(self) -> io::Result<W> {
        match self {
            Stream::Plain(w) => Ok(w),
            Stream::Gz(e) => e.finish(),
            Stream::Zst(e) => e.finish(),
            Stream::Xz(e) => e.finish(),
            Stream::Bz2(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Stream<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(w) => w.write(buf),
            Stream::Gz(e) => e.write(buf),
            Stream::Zst(e) => e.write(buf),
            Stream::Xz(e) => e.write(buf),
            Stream::Bz2(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(w) => w.flush(),
            Stream::Gz(e) => e.flush(),
            Stream::Zst(e) => e.flush(),
            Stream::Xz(e) => e.flush(),
            Stream::Bz2(e) => e.flush(),
        }
    }
}

/// Encodes UTF-8 text chunks into the file's encoding and counts the encoded bytes.
pub(crate) struct Encoder<W: Write> {
    pub(crate) out: W,
    enc: Encoding,
    buf: Vec<u8>,
    pub(crate) bytes: u64,
}

impl<W: Write> Encoder<W> {
    pub(crate) fn new(out: W, enc: Encoding) -> io::Result<Encoder<W>> {
        let mut e = Encoder {
            out,
            enc,
            buf: Vec::with_capacity(1 << 17),
            bytes: 0,
        };
        let bom: &[u8] = match enc {
            Encoding::Utf8Bom => b"\xEF\xBB\xBF",
            Encoding::Utf16 => b"\xFF\xFE",
            _ => b"",
        };
        e.out.write_all(bom)?;
        e.bytes += bom.len() as u64;
        Ok(e)
    }

    pub(crate) fn write_str(&mut self, s: &str) -> io::Result<()> {
        let bytes: &[u8] = match self.enc {
            Encoding::Utf8 | Encoding::Utf8Bom => s.as_bytes(),
            Encoding::Gbk => {
                self.buf.clear();
                if !gbk_encode(s, &mut self.buf) {
                    // Tables are filtered to GBK-encodable names; reaching here is a bug.
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "text has no GBK encoding",
                    ));
                }
                &self.buf
            }
            Encoding::Utf16 => {
                self.buf.clear();
                for u in s.encode_utf16() {
                    self.buf.extend_from_slice(&u.to_le_bytes());
                }
                &self.buf
            }
        };
        self.out.write_all(bytes)?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }
}

/// GBK bytes of every BMP character, from encoding_rs's WHATWG GBK encoder: `0` when it has
/// none, `0xFF00 | b` for the one single-byte mapping (€ → 0x80), else the two bytes. Encoding
/// through the table instead of `encoding_rs::GBK.encode` made GBK files 5× cheaper; that
/// encoder searches its index per character and was a tenth of the generator's time (perf).
fn gbk_table() -> &'static [u16] {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u16; 0x1_0000];
        let mut buf = [0u8; 4];
        for (cp, slot) in t.iter_mut().enumerate().skip(0x80) {
            let Some(ch) = u32::try_from(cp).ok().and_then(char::from_u32) else {
                continue;
            };
            let (b, _, bad) = encoding_rs::GBK.encode(ch.encode_utf8(&mut buf));
            *slot = match (bad, &b[..]) {
                (false, &[x]) => 0xFF00 | u16::from(x),
                (false, &[x, y]) => u16::from_be_bytes([x, y]),
                _ => 0,
            };
        }
        t
    })
}

/// Appends the GBK encoding of `s` to `out`; false when a character has none.
fn gbk_encode(s: &str, out: &mut Vec<u8>) -> bool {
    let table = gbk_table();
    out.reserve(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // Runs of ASCII, most of a row, are copied whole.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest.as_bytes()[..ascii]);
        rest = &rest[ascii..];
        let mut chars = rest.char_indices();
        let mut end = rest.len();
        for (i, ch) in &mut chars {
            if ch.is_ascii() {
                end = i;
                break;
            }
            let v = table.get(ch as usize).copied().unwrap_or(0);
            match v {
                0 => return false,
                v if v >> 8 == 0xFF => out.push(v.to_be_bytes()[1]),
                v => out.extend_from_slice(&v.to_be_bytes()),
            }
        }
        rest = &rest[end..];
    }
    true
}

/// Format-specific state while writing one file.
pub(crate) struct TableWriter {
    pub(crate) format: Format,
    style: HeaderStyle,
    cols: &'static [Col],
    table: &'static str,
    crlf: bool,
    complete_insert: bool,
    gbk: bool,
    rows: u64,
}

/// True when a byte of `s` satisfies `hit`. A fold without an early exit, which the compiler
/// turns into vector code: `Iterator::any` tested byte by byte, and escaping checks were a sixth
/// of writing the gold files (perf).
fn any_byte(s: &str, hit: impl Fn(u8) -> bool) -> bool {
    s.as_bytes().iter().fold(false, |acc, &b| acc | hit(b))
}

fn csv_field(out: &mut String, s: &str, delim: char) {
    // Byte tests: every character that matters is ASCII, and `str::contains` with a char set
    // decodes every character.
    let d = u8::try_from(delim).unwrap_or(b',');
    let needs = any_byte(s, |b| (b == d) | (b == b'"') | (b == b'\n') | (b == b'\r'))
        || s.starts_with(' ')
        || s.ends_with(' ');
    if needs {
        out.push('"');
        for ch in s.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}

pub(crate) fn json_str(out: &mut String, s: &str) {
    out.push('"');
    // Nearly every value needs no escape: copy it whole.
    if !any_byte(s, |b| (b == b'"') | (b == b'\\') | (b < 0x20)) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn sql_str(out: &mut String, s: &str) {
    out.push('\'');
    // Nearly every value needs no escape: copy it whole.
    if !any_byte(s, |b| {
        (b == b'\'') | (b == b'\\') | (b == b'\n') | (b == b'\r') | (b == 0) | (b == 0x1a)
    }) {
        out.push_str(s);
        out.push('\'');
        return;
    }
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

fn copy_field(out: &mut String, s: &str) {
    if !any_byte(s, |b| {
        (b == b'\\') | (b == b'\t') | (b == b'\n') | (b == b'\r')
    }) {
        out.push_str(s);
        return;
    }
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// pg_dump quotes identifiers that are not lower-case ASCII words.
fn pg_ident(out: &mut String, s: &str) {
    let plain = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && s.bytes().next().is_some_and(|b| !b.is_ascii_digit());
    if plain {
        out.push_str(s);
    } else {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    }
}

/// Rows per extended INSERT statement (mysqldump packs rows up to `net_buffer_length`).
const INSERT_BATCH: u64 = 64;

impl TableWriter {
    pub(crate) fn new(
        format: Format,
        style: HeaderStyle,
        cols: &'static [Col],
        table: &'static str,
        variant: u64,
        enc: Encoding,
    ) -> TableWriter {
        TableWriter {
            format,
            style,
            cols,
            table,
            crlf: enc == Encoding::Utf16 || variant % 3 == 1,
            complete_insert: variant.is_multiple_of(2),
            gbk: enc == Encoding::Gbk,
            rows: 0,
        }
    }

    fn eol(&self, out: &mut String) {
        out.push_str(if self.crlf { "\r\n" } else { "\n" });
    }

    /// The field name of each column in findings: header, or JSON path for JSON formats.
    pub(crate) fn field_names(&self) -> Vec<String> {
        self.cols
            .iter()
            .map(|c| {
                let h = self.style.header(c);
                match (self.format, c.group) {
                    (Format::Json, Some(g)) => format!("$.{g}.{h}"),
                    (Format::Json | Format::Jsonl, _) => format!("$.{h}"),
                    (Format::Txt, _) => String::new(),
                    _ => h.to_owned(),
                }
            })
            .collect()
    }

    /// Per-column tags the format adds for this row.
    pub(crate) fn col_tags(&self, row: &Row, out: &mut Vec<Tags>) {
        out.clear();
        for (i, c) in self.cols.iter().enumerate() {
            let mut t = Tags::EMPTY;
            let (text, ty) = row.cell(i);
            match self.format {
                Format::Csv | Format::Tsv if text.contains('\n') => t |= Tags::EMBEDDED_NEWLINE,
                Format::Json | Format::Jsonl if ty == CellType::Number => t |= Tags::JSON_NUMBER,
                _ => {}
            }
            if self.format == Format::Json && c.group.is_some() {
                t |= Tags::NESTED;
            }
            out.push(t);
        }
    }

    pub(crate) fn header(&mut self, out: &mut String) {
        let style = self.style;
        match self.format {
            Format::Csv | Format::Tsv => {
                let d = if self.format == Format::Csv {
                    ','
                } else {
                    '\t'
                };
                for (i, c) in self.cols.iter().enumerate() {
                    if i > 0 {
                        out.push(d);
                    }
                    csv_field(out, style.header(c), d);
                }
                self.eol(out);
            }
            Format::Json => out.push_str("[\n"),
            Format::Jsonl | Format::Txt | Format::Sqlite | Format::Xlsx => {}
            Format::Mysql => {
                let cs = if self.gbk { "gbk" } else { "utf8mb4" };
                out.push_str("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n");
                out.push_str("-- Host: 10.12.0.7    Database: crm\n");
                out.push_str("-- ------------------------------------------------------\n");
                out.push_str(&format!("/*!40101 SET NAMES {cs} */;\n\n"));
                out.push_str(&format!("DROP TABLE IF EXISTS `{}`;\n", self.table));
                out.push_str(&format!("CREATE TABLE `{}` (\n", self.table));
                for c in self.cols {
                    out.push_str(&format!(
                        "  `{}` varchar(255) DEFAULT NULL,\n",
                        style.header(c)
                    ));
                }
                out.push_str(&format!(
                    "  KEY `idx_1` (`{}`)\n) ENGINE=InnoDB DEFAULT CHARSET={cs};\n\n",
                    style.header(&self.cols[0])
                ));
                out.push_str(&format!("LOCK TABLES `{}` WRITE;\n", self.table));
            }
            Format::Pgdump => {
                let ce = if self.gbk { "GBK" } else { "UTF8" };
                out.push_str("--\n-- PostgreSQL database dump\n--\n\n");
                out.push_str("SET statement_timeout = 0;\n");
                out.push_str(&format!("SET client_encoding = '{ce}';\n"));
                out.push_str("SET standard_conforming_strings = on;\n\n");
                out.push_str(&format!("CREATE TABLE public.{} (\n", self.table));
                for (i, c) in self.cols.iter().enumerate() {
                    out.push_str("    ");
                    pg_ident(out, style.header(c));
                    out.push_str(" text");
                    out.push_str(if i + 1 < self.cols.len() { ",\n" } else { "\n" });
                }
                out.push_str(");\n\n");
                out.push_str(&format!(
                    "--\n-- Data for Name: {0}; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n",
                    self.table
                ));
                out.push_str(&format!("COPY public.{} (", self.table));
                for (i, c) in self.cols.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    pg_ident(out, style.header(c));
                }
                out.push_str(") FROM stdin;\n");
            }
        }
    }

    fn json_object(&self, out: &mut String, row: &Row, nest: bool) {
        out.push('{');
        let mut first = true;
        let mut done = vec![false; self.cols.len()];
        for i in 0..self.cols.len() {
            if done[i] {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            match self.cols[i].group.filter(|_| nest) {
                Some(gname) => {
                    json_str(out, gname);
                    out.push_str(":{");
                    let mut f2 = true;
                    for (j, col) in self.cols.iter().enumerate().skip(i) {
                        if col.group == Some(gname) {
                            done[j] = true;
                            if !f2 {
                                out.push(',');
                            }
                            f2 = false;
                            self.json_member(out, row, j);
                        }
                    }
                    out.push('}');
                }
                None => {
                    done[i] = true;
                    self.json_member(out, row, i);
                }
            }
        }
        out.push('}');
    }

    fn json_member(&self, out: &mut String, row: &Row, i: usize) {
        json_str(out, self.style.header(&self.cols[i]));
        out.push(':');
        let (text, ty) = row.cell(i);
        match ty {
            CellType::Null => out.push_str("null"),
            CellType::Number => out.push_str(text),
            CellType::Text => json_str(out, text),
        }
    }

    pub(crate) fn row(&mut self, out: &mut String, row: &Row) {
        match self.format {
            Format::Csv | Format::Tsv => {
                let d = if self.format == Format::Csv {
                    ','
                } else {
                    '\t'
                };
                for i in 0..self.cols.len() {
                    if i > 0 {
                        out.push(d);
                    }
                    let (text, _) = row.cell(i);
                    csv_field(out, text, d);
                }
                self.eol(out);
            }
            Format::Json => {
                if self.rows > 0 {
                    out.push_str(",\n");
                }
                self.json_object(out, row, true);
            }
            Format::Jsonl => {
                self.json_object(out, row, false);
                out.push('\n');
            }
            Format::Txt => {
                out.push_str(row.cell(0).0);
                self.eol(out);
            }
            // SQLite and xlsx rows go through `SqliteWriter` and `XlsxWriter`, not text.
            Format::Sqlite | Format::Xlsx => {}
            Format::Mysql => {
                if self.rows.is_multiple_of(INSERT_BATCH) {
                    if self.rows > 0 {
                        out.push_str(";\n");
                    }
                    out.push_str(&format!("INSERT INTO `{}` ", self.table));
                    if self.complete_insert {
                        out.push('(');
                        for (i, c) in self.cols.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            out.push('`');
                            out.push_str(self.style.header(c));
                            out.push('`');
                        }
                        out.push_str(") ");
                    }
                    out.push_str("VALUES ");
                } else {
                    out.push(',');
                }
                out.push('(');
                for i in 0..self.cols.len() {
                    if i > 0 {
                        out.push(',');
                    }
                    let (text, ty) = row.cell(i);
                    match ty {
                        CellType::Null => out.push_str("NULL"),
                        CellType::Number => out.push_str(text),
                        CellType::Text => sql_str(out, text),
                    }
                }
                out.push(')');
            }
            Format::Pgdump => {
                for i in 0..self.cols.len() {
                    if i > 0 {
                        out.push('\t');
                    }
                    let (text, ty) = row.cell(i);
                    match ty {
                        CellType::Null => out.push_str("\\N"),
                        _ => copy_field(out, text),
                    }
                }
                out.push('\n');
            }
        }
        self.rows += 1;
    }

    pub(crate) fn footer(&mut self, out: &mut String) {
        match self.format {
            Format::Json => out.push_str("\n]\n"),
            Format::Mysql => {
                if self.rows > 0 {
                    out.push_str(";\n");
                }
                out.push_str("UNLOCK TABLES;\n\n-- Dump completed on 2024-06-30 23:59:59\n");
            }
            Format::Pgdump => {
                out.push_str("\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n");
            }
            _ => {}
        }
    }
}

/// Writes rows into a SQLite database file (one table, columns named by the headers).
pub(crate) struct SqliteWriter {
    conn: rusqlite::Connection,
    insert: String,
    values: Vec<rusqlite::types::Value>,
}

impl SqliteWriter {
    pub(crate) fn create(
        path: &std::path::Path,
        table: &str,
        headers: &[&str],
    ) -> rusqlite::Result<SqliteWriter> {
        let conn = rusqlite::Connection::open(path)?;
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let cols: Vec<String> = headers.iter().map(|h| quote(h)).collect();
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE {} ({}); BEGIN;",
            quote(table),
            cols.join(", ")
        ))?;
        let marks = vec!["?"; headers.len()].join(", ");
        Ok(SqliteWriter {
            conn,
            insert: format!("INSERT INTO {} VALUES ({marks})", quote(table)),
            values: Vec::new(),
        })
    }

    pub(crate) fn row(&mut self, row: &Row) -> rusqlite::Result<()> {
        use rusqlite::types::Value;
        self.values.clear();
        for i in 0..row.cells.len() {
            let (text, ty) = row.cell(i);
            self.values.push(match ty {
                CellType::Null => Value::Null,
                // Integers as INTEGER (QQ numbers, counts), amounts as REAL: what a dump of a
                // typed table holds.
                CellType::Number => text.parse::<i64>().map_or_else(
                    |_| {
                        text.parse::<f64>()
                            .map_or_else(|_| Value::Text(text.to_owned()), Value::Real)
                    },
                    Value::Integer,
                ),
                CellType::Text => Value::Text(text.to_owned()),
            });
        }
        let mut stmt = self.conn.prepare_cached(&self.insert)?;
        stmt.execute(rusqlite::params_from_iter(self.values.iter()))?;
        Ok(())
    }

    pub(crate) fn finish(self) -> rusqlite::Result<()> {
        self.conn.execute_batch("COMMIT;")?;
        self.conn.close().map_err(|(_, e)| e)
    }
}

/// Writes rows into the one worksheet of an xlsx workbook (rust_xlsxwriter, built in memory).
///
/// Text cells are strings, as an export tool writes them: an 18-digit ID stored as a number
/// would become a float and lose its last digits. Numeric columns (QQ numbers, amounts) are
/// numbers where the number reads back as the same text, and in some files a plain 11-digit
/// mobile is a number too, as when someone typed the column into Excel — a hard case for a
/// reader that prints floats.
pub(crate) struct XlsxWriter {
    book: rust_xlsxwriter::Workbook,
    row: u32,
    numeric_mobiles: bool,
}

/// Rows of a worksheet, header included (Excel's limit).
pub(crate) const XLSX_MAX_ROWS: u32 = 1_048_576;

/// `text` as an f64 when the number prints back as exactly `text` (as a reader would show it).
fn exact_number(text: &str) -> Option<f64> {
    if text.is_empty() || text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    let f: f64 = text.parse().ok()?;
    (f.to_string() == text).then_some(f)
}

/// Whether rust_xlsxwriter escapes `text`: `_x` and four hex digits, followed by anything, get
/// their `_` stored as `_x005F_` (as Excel does), so that a reader does not take them for a
/// `_xHHHH_` escape. `Err` when its check would slice inside a character (it would panic).
fn xstring_escaped(text: &str) -> Result<bool, rust_xlsxwriter::XlsxError> {
    let mut escaped = false;
    for (i, _) in text.match_indices("_x") {
        if i + 7 > text.len() {
            continue;
        }
        if !text.is_char_boundary(i + 6) {
            return Err(rust_xlsxwriter::XlsxError::ParameterError(format!(
                "cannot store `{text}` in xlsx"
            )));
        }
        escaped |= text.as_bytes()[i + 2..i + 6]
            .iter()
            .all(u8::is_ascii_hexdigit);
    }
    Ok(escaped)
}

impl XlsxWriter {
    pub(crate) fn new(
        sheet: &str,
        headers: &[&str],
        numeric_mobiles: bool,
    ) -> Result<XlsxWriter, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
        let mut book = Workbook::new();
        // A fixed creation time keeps the file byte-identical for a seed (the default is now).
        let when = ExcelDateTime::from_ymd(2024, 6, 30)?.and_hms(23, 59, 59)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&when));
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        for (i, h) in (0u16..).zip(headers) {
            ws.write_string(0, i, *h)?;
        }
        Ok(XlsxWriter {
            book,
            row: 0,
            numeric_mobiles,
        })
    }

    /// Rows written so far, header included.
    pub(crate) fn rows(&self) -> u32 {
        self.row + 1
    }

    /// Writes one row; `tags` gets the per-column tags (`xlsx_number` for number cells).
    pub(crate) fn row(
        &mut self,
        row: &Row,
        tags: &mut Vec<Tags>,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        self.row += 1;
        let r = self.row;
        let ws = self.book.worksheet_from_index(0)?;
        tags.clear();
        for (c, i) in (0u16..).zip(0..row.cells.len()) {
            let (text, ty) = row.cell(i);
            let number = match ty {
                CellType::Null => {
                    tags.push(Tags::EMPTY);
                    continue;
                }
                CellType::Number => exact_number(text),
                CellType::Text => (self.numeric_mobiles
                    && text.len() == 11
                    && text.starts_with('1')
                    && row
                        .items
                        .iter()
                        .any(|it| it.col == i && it.kind == fangxian_core::ItemKind::Mobile))
                .then(|| exact_number(text))
                .flatten(),
            };
            match number {
                Some(f) => {
                    ws.write_number(r, c, f)?;
                    tags.push(Tags::XLSX_NUMBER);
                }
                None => {
                    let escaped = xstring_escaped(text)?;
                    if !text.is_empty() {
                        ws.write_string(r, c, text)?;
                    }
                    tags.push(if escaped {
                        Tags::XLSX_ESCAPED
                    } else {
                        Tags::EMPTY
                    });
                }
            }
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        self.book.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_each_format() {
        let mut s = String::new();
        csv_field(&mut s, "a,b", ',');
        csv_field(&mut s, "say \"hi\"\nbye", ',');
        csv_field(&mut s, "plain", ',');
        assert_eq!(s, "\"a,b\"\"say \"\"hi\"\"\nbye\"plain");
        s.clear();
        sql_str(&mut s, "O'Neil\\\n");
        assert_eq!(s, "'O\\'Neil\\\\\\n'");
        s.clear();
        copy_field(&mut s, "a\tb\\c\nd");
        assert_eq!(s, "a\\tb\\\\c\\nd");
        s.clear();
        json_str(&mut s, "引号\"\n\u{1}");
        assert_eq!(s, "\"引号\\\"\\n\\u0001\"");
        s.clear();
        pg_ident(&mut s, "姓名");
        pg_ident(&mut s, "sfzh");
        assert_eq!(s, "\"姓名\"sfzh");
    }

    /// Reads one member of a zip archive as text.
    fn zip_member(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn xlsx_keeps_ids_as_text_and_types_plain_mobiles_as_numbers() {
        use fangxian_core::ItemKind;
        let mut row = Row::default();
        row.text_cell("110105194912310021");
        row.text_cell("13812345678");
        row.item(ItemKind::Mobile, "13812345678", None, Tags::EMPTY, 1);
        row.begin();
        row.text.push_str("12345678");
        row.end(CellType::Number);
        row.begin();
        row.text.push_str("100.50");
        row.end(CellType::Number);
        row.null_cell();
        row.text_cell("wxid_x0410a80h0ml06");
        let build = |numeric_mobiles| {
            let mut w =
                XlsxWriter::new("t", &["a", "b", "c", "d", "e", "f"], numeric_mobiles).unwrap();
            let mut tags = Vec::new();
            w.row(&row, &mut tags).unwrap();
            (w.finish().unwrap(), tags)
        };
        let (bytes, tags) = build(true);
        let x = Tags::XLSX_NUMBER;
        let e = Tags::EMPTY;
        assert_eq!(tags, [e, x, x, e, e, Tags::XLSX_ESCAPED]);
        let sheet = zip_member(&bytes, "xl/worksheets/sheet1.xml");
        let strings = zip_member(&bytes, "xl/sharedStrings.xml");
        // The ID is a shared string, never a number; the mobile and QQ-like number are numbers;
        // "100.50" would read back as 100.5, so it stays text.
        assert!(strings.contains("<t>110105194912310021</t>"), "{strings}");
        assert!(
            sheet.contains("<c r=\"B2\"><v>13812345678</v></c>"),
            "{sheet}"
        );
        assert!(sheet.contains("<c r=\"C2\"><v>12345678</v></c>"), "{sheet}");
        assert!(strings.contains("<t>100.50</t>"), "{strings}");
        assert!(!sheet.contains("r=\"E2\""), "{sheet}");
        assert!(strings.contains("wxid_x005F_x0410a80h0ml06"), "{strings}");
        let (bytes2, tags) = build(false);
        assert_eq!(tags[1], e);
        assert!(zip_member(&bytes2, "xl/sharedStrings.xml").contains("<t>13812345678</t>"));
        // Byte-identical for the same input: no clock in the file.
        assert_eq!(bytes, build(true).0);
    }

    #[test]
    fn xstring_escapes_are_detected_as_rust_xlsxwriter_makes_them() {
        assert!(xstring_escaped("wxid_x0410a80h0ml06").unwrap());
        assert!(!xstring_escaped("zhang_xu88").unwrap());
        // Too close to the end for the escape check.
        assert!(!xstring_escaped("ab_x0410").unwrap());
        assert!(xstring_escaped("_x04张三").is_err());
        assert_eq!(exact_number("13812345678"), Some(13_812_345_678.0));
        assert_eq!(exact_number("123456789012345678"), None);
        assert_eq!(exact_number("0138"), None);
    }

    #[test]
    fn encodings_round_trip() {
        let text = "张伟,１３８,110105194912310021\r\n";
        for &enc in Encoding::ALL {
            let mut e = Encoder::new(Vec::new(), enc).unwrap();
            e.write_str(text).unwrap();
            let bytes = e.out;
            let decoded = match enc {
                Encoding::Utf8 => String::from_utf8(bytes).unwrap(),
                Encoding::Utf8Bom => {
                    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
                    String::from_utf8(bytes[3..].to_vec()).unwrap()
                }
                Encoding::Gbk => encoding_rs::GBK.decode(&bytes).0.into_owned(),
                Encoding::Utf16 => encoding_rs::UTF_16LE.decode(&bytes).0.into_owned(),
            };
            assert_eq!(decoded, text, "{enc:?}");
        }
        assert!("gbk".parse::<Encoding>().is_ok());
        // The table encoder gives encoding_rs's bytes, and refuses what GBK cannot hold.
        let mixed = "€ 张伟 ab·１２ 丟 ◆ 𠀀";
        let (_, good) = mixed.split_at(mixed.rfind(' ').unwrap());
        let good = &mixed[..mixed.len() - good.len()];
        let mut out = Vec::new();
        assert!(gbk_encode(good, &mut out));
        assert_eq!(out, encoding_rs::GBK.encode(good).0.into_owned());
        assert!(!gbk_encode(mixed, &mut Vec::new()));
        assert!("ebcdic".parse::<Encoding>().is_err());
    }
}
