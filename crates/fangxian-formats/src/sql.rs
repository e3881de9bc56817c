//! SQL dumps, streamed statement by statement: MySQL/MariaDB (`INSERT … VALUES (…),(…);`
//! with backslash escapes, column names from the INSERT list or a preceding `CREATE TABLE`)
//! and PostgreSQL (`COPY … FROM stdin;` blocks ending in `\.`, standard-conforming strings,
//! `E'…'` strings, dollar quoting). Every other statement is skipped without buffering it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::batch::{BatchWriter, Table};
use crate::input::Input;
use crate::reader::{char_floor, io_error, Common, RecordSource};
use crate::Error;

/// `CREATE TABLE` column lists remembered per source (bounds memory on hostile dumps).
const MAX_TABLES: usize = 10_000;
/// Longest identifier kept.
const MAX_IDENT: usize = 1024;
/// Bytes of remembered column names per source, so a hostile dump cannot grow the map
/// with its size.
const MAX_COLUMN_BYTES: usize = 16 << 20;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Statement,
    Values,
    Copy,
    Done,
}

enum Stop {
    Io(Error),
    Syntax(String),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Io(e)
    }
}

pub(crate) struct SqlReader<'a> {
    input: Input<'a>,
    c: Common,
    mysql: bool,
    state: State,
    columns: HashMap<String, Vec<String>>,
    column_bytes: usize,
    table: Arc<Table>,
    word: String,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl<'a> SqlReader<'a> {
    pub(crate) fn new(input: Input<'a>, c: Common, mysql: bool) -> Self {
        SqlReader {
            input,
            c,
            mysql,
            state: State::Statement,
            columns: HashMap::new(),
            column_bytes: 0,
            table: Arc::new(Table::new("", None)),
            word: String::new(),
        }
    }

    fn err_io(&self, e: std::io::Error) -> Error {
        io_error(&self.c.source, self.input.pos(), "reading", e)
    }

    /// Buffers at least `n` bytes (fewer only at end of input); read them with
    /// `self.input.data()`.
    fn ensure(&mut self, n: usize) -> Result<(), Error> {
        while self.input.data().len() < n {
            match self.input.fill() {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(self.err_io(e)),
            }
        }
        Ok(())
    }

    fn peek(&mut self) -> Result<Option<u8>, Error> {
        self.ensure(1)?;
        Ok(self.input.data().first().copied())
    }

    /// Skips whitespace and comments (`-- …`, `# …` in MySQL, `/* … */`); peeks.
    fn skip_ws(&mut self) -> Result<Option<u8>, Error> {
        Ok(self.skip_ws_lines()?.0)
    }

    /// Like `skip_ws`, also telling whether a line ended on the way.
    fn skip_ws_lines(&mut self) -> Result<(Option<u8>, bool), Error> {
        let mut newline = false;
        loop {
            self.ensure(2)?;
            let data = self.input.data();
            let Some(&b) = data.first() else {
                return Ok((None, newline));
            };
            if b.is_ascii_whitespace() {
                let n = data.iter().take_while(|b| b.is_ascii_whitespace()).count();
                newline |= data[..n].contains(&b'\n');
                self.input.consume(n);
            } else if data.starts_with(b"--") || (self.mysql && b == b'#') {
                self.skip_past(b"\n")?;
                newline = true;
            } else if data.starts_with(b"/*") {
                self.input.consume(2);
                self.skip_past(b"*/")?;
            } else {
                return Ok((Some(b), newline));
            }
        }
    }

    /// Consumes input up to and including `end` (or to the end of input).
    fn skip_past(&mut self, end: &[u8]) -> Result<(), Error> {
        loop {
            self.ensure(end.len())?;
            let data = self.input.data();
            if data.len() < end.len() {
                let n = data.len();
                self.input.consume(n);
                return Ok(());
            }
            match memchr::memmem::find(data, end) {
                Some(i) => {
                    self.input.consume(i + end.len());
                    return Ok(());
                }
                None => {
                    let n = data.len() + 1 - end.len();
                    self.input.consume(n);
                }
            }
        }
    }

    /// Reads a bare word (keyword or identifier) into `self.word`.
    fn read_word(&mut self) -> Result<(), Error> {
        self.word.clear();
        loop {
            self.ensure(1)?;
            let data = self.input.data();
            let n = data.iter().take_while(|&&b| is_ident_byte(b)).count();
            if self.word.len() < MAX_IDENT {
                let keep = char_floor(&data[..n], MAX_IDENT - self.word.len());
                self.word.push_str(&String::from_utf8_lossy(&data[..keep]));
            }
            let all = n == data.len() && n > 0;
            self.input.consume(n);
            if !all {
                return Ok(());
            }
        }
    }

    /// Reads a possibly quoted, possibly dotted identifier (`db`.`t`, "public"."t", s.t).
    fn read_ident(&mut self) -> Result<String, Error> {
        let mut name = String::new();
        loop {
            match self.peek()? {
                Some(q @ (b'`' | b'"' | b'[')) => {
                    self.input.consume(1);
                    let close = if q == b'[' { b']' } else { q };
                    let mut part = Vec::new();
                    loop {
                        self.ensure(1)?;
                        let data = self.input.data();
                        if data.is_empty() {
                            break;
                        }
                        match memchr::memchr(close, data) {
                            Some(i) => {
                                if part.len() < MAX_IDENT {
                                    part.extend_from_slice(&data[..i]);
                                }
                                self.input.consume(i + 1);
                                // A doubled quote is an escaped quote.
                                if self.peek()? == Some(close) && close != b']' {
                                    self.input.consume(1);
                                    part.push(close);
                                    continue;
                                }
                                break;
                            }
                            None => {
                                let n = data.len();
                                if part.len() < MAX_IDENT {
                                    part.extend_from_slice(data);
                                }
                                self.input.consume(n);
                            }
                        }
                    }
                    let keep = char_floor(&part, MAX_IDENT);
                    name.push_str(&String::from_utf8_lossy(&part[..keep]));
                }
                Some(b) if is_ident_byte(b) => {
                    self.read_word()?;
                    name.push_str(&self.word);
                }
                _ => return Ok(name),
            }
            if self.peek()? == Some(b'.') {
                self.input.consume(1);
                name.push('.');
            } else {
                return Ok(name);
            }
        }
    }

    /// `(a, b, c)` after the opening parenthesis has been peeked: identifiers only.
    fn read_column_list(&mut self) -> Result<Vec<String>, Stop> {
        self.input.consume(1);
        let mut cols = Vec::new();
        loop {
            self.skip_ws()?;
            let name = self.read_ident()?;
            if name.is_empty() {
                return Err(Stop::Syntax("expected a column name".into()));
            }
            if cols.len() < self.c.max_fields {
                cols.push(name);
            }
            match self.skip_ws()? {
                Some(b',') => self.input.consume(1),
                Some(b')') => {
                    self.input.consume(1);
                    return Ok(cols);
                }
                _ => return Err(Stop::Syntax("expected ',' or ')' in a column list".into())),
            }
        }
    }

    /// Skips to the end of the current statement (`;` outside quotes and comments). psql
    /// meta-commands (`\connect`) end at the newline.
    /// Skips to the end of the current statement (`;` outside quotes and comments). psql
    /// meta-commands (`\connect`) end at the newline. Dumps without semicolons (SQL Server
    /// scripts, `GO` separators) end a statement at a line that starts a new INSERT.
    fn skip_statement(&mut self) -> Result<(), Error> {
        loop {
            let (next, newline) = self.skip_ws_lines()?;
            let Some(b) = next else {
                return Ok(());
            };
            if newline && self.at_statement_start()? {
                return Ok(());
            }
            match b {
                b';' => {
                    self.input.consume(1);
                    return Ok(());
                }
                b'\'' | b'"' | b'`' => {
                    self.input.consume(1);
                    self.skip_quoted(b, self.mysql)?;
                }
                b'$' if !self.mysql => self.skip_dollar()?,
                _ => {
                    let data = self.input.data();
                    let n = data
                        .iter()
                        .take_while(|&&c| {
                            !matches!(c, b';' | b'\'' | b'"' | b'`' | b'$' | b'-' | b'/' | b'#')
                                && !c.is_ascii_whitespace()
                        })
                        .count()
                        .max(1);
                    self.input.consume(n);
                }
            }
        }
    }

    /// The input starts with a keyword that begins a statement we read (or `GO`).
    fn at_statement_start(&mut self) -> Result<bool, Error> {
        self.ensure(16)?;
        let data = self.input.data();
        let word_at = |kw: &[u8]| {
            data.len() >= kw.len()
                && data[..kw.len()].eq_ignore_ascii_case(kw)
                && data.get(kw.len()).is_none_or(|&b| !is_ident_byte(b))
        };
        Ok(word_at(b"INSERT")
            || word_at(b"REPLACE")
            || word_at(b"COPY")
            || word_at(b"GO")
            || (word_at(b"CREATE")
                && data.len() >= 12
                && data[7..12].eq_ignore_ascii_case(b"TABLE")))
    }

    fn skip_quoted(&mut self, q: u8, backslash: bool) -> Result<(), Error> {
        loop {
            self.ensure(2)?;
            let data = self.input.data();
            if data.is_empty() {
                return Ok(());
            }
            let stop = if backslash {
                memchr::memchr2(q, b'\\', data)
            } else {
                memchr::memchr(q, data)
            };
            match stop {
                None => {
                    let n = data.len();
                    self.input.consume(n);
                }
                Some(i) if data[i] == b'\\' => self.input.consume(i + 2),
                Some(i) => {
                    if data.get(i + 1) == Some(&q) {
                        self.input.consume(i + 2);
                    } else if i + 1 == data.len() {
                        // Might be a doubled quote split across buffers: look again.
                        self.input.consume(i);
                        self.ensure(2)?;
                        let data = self.input.data();
                        if data.len() >= 2 && data[1] == q {
                            self.input.consume(2);
                        } else {
                            self.input.consume(1);
                            return Ok(());
                        }
                    } else {
                        self.input.consume(i + 1);
                        return Ok(());
                    }
                }
            }
        }
    }

    /// PostgreSQL `$tag$ … $tag$`; a lone `$` is consumed as a character.
    fn skip_dollar(&mut self) -> Result<(), Error> {
        self.ensure(64)?;
        let data = self.input.data();
        let tag_len = data[1..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
            .count();
        if data.get(1 + tag_len) != Some(&b'$') {
            self.input.consume(1);
            return Ok(());
        }
        let tag = data[..tag_len + 2].to_vec();
        self.input.consume(tag.len());
        self.skip_past(&tag)
    }

    fn statement(&mut self, w: &mut BatchWriter<'_>) -> Result<(), Stop> {
        let Some(b) = self.skip_ws()? else {
            self.state = State::Done;
            return Ok(());
        };
        if b == b'\\' {
            self.skip_past(b"\n")?;
            return Ok(());
        }
        if !is_ident_byte(b) {
            self.skip_statement()?;
            return Ok(());
        }
        self.read_word()?;
        let kw = self.word.to_ascii_uppercase();
        match kw.as_str() {
            "INSERT" | "REPLACE" => self.insert(w),
            "CREATE" => self.create(),
            "COPY" => self.copy_header(),
            // SQL Server's batch separator.
            "GO" => Ok(()),
            _ => {
                self.skip_statement()?;
                Ok(())
            }
        }
    }

    fn insert(&mut self, w: &mut BatchWriter<'_>) -> Result<(), Stop> {
        let _ = w;
        let name = loop {
            self.skip_ws()?;
            let ident = self.read_ident()?;
            match ident.to_ascii_uppercase().as_str() {
                "LOW_PRIORITY" | "DELAYED" | "HIGH_PRIORITY" | "IGNORE" | "INTO" => continue,
                "" => return Err(Stop::Syntax("expected a table name after INSERT".into())),
                _ => break ident,
            }
        };
        let mut header = None;
        if self.skip_ws()? == Some(b'(') {
            header = Some(self.read_column_list()?);
            self.skip_ws()?;
        }
        self.read_word()?;
        let kw = self.word.to_ascii_uppercase();
        if kw != "VALUES" && kw != "VALUE" {
            // INSERT … SELECT, INSERT … SET, DEFAULT VALUES: no literal rows.
            self.skip_statement()?;
            return Ok(());
        }
        let header = header.or_else(|| self.lookup(&name));
        if self.table.name() != name || self.table.header() != header.as_deref() {
            self.table = Arc::new(Table::new(name, header));
        }
        self.state = State::Values;
        Ok(())
    }

    fn lookup(&self, name: &str) -> Option<Vec<String>> {
        self.columns.get(name).cloned().or_else(|| {
            let short = name.rsplit('.').next()?;
            self.columns.get(short).cloned()
        })
    }

    fn create(&mut self) -> Result<(), Stop> {
        // CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name ( … )
        loop {
            self.skip_ws()?;
            self.read_word()?;
            match self.word.to_ascii_uppercase().as_str() {
                "TABLE" => break,
                "TEMPORARY" | "TEMP" | "UNLOGGED" | "OR" | "REPLACE" | "GLOBAL" | "LOCAL" => {}
                _ => {
                    self.skip_statement()?;
                    return Ok(());
                }
            }
        }
        self.skip_ws()?;
        let mut name = self.read_ident()?;
        if name.eq_ignore_ascii_case("IF") {
            self.skip_ws()?;
            self.read_word()?; // NOT
            self.skip_ws()?;
            self.read_word()?; // EXISTS
            self.skip_ws()?;
            name = self.read_ident()?;
        }
        if self.skip_ws()? != Some(b'(') {
            self.skip_statement()?;
            return Ok(());
        }
        self.input.consume(1);
        let mut cols = Vec::new();
        while let Some(b) = self.skip_ws()? {
            if b == b')' {
                self.input.consume(1);
                break;
            }
            // A quoted name is always a column, even `key` or `index`.
            let quoted = matches!(b, b'`' | b'"' | b'[');
            let ident = self.read_ident()?;
            let upper = ident.to_ascii_uppercase();
            let constraint = !quoted
                && matches!(
                    upper.as_str(),
                    "PRIMARY"
                        | "KEY"
                        | "UNIQUE"
                        | "CONSTRAINT"
                        | "INDEX"
                        | "FOREIGN"
                        | "CHECK"
                        | "FULLTEXT"
                        | "SPATIAL"
                        | "EXCLUDE"
                        | "LIKE"
                        | "PERIOD"
                );
            if !ident.is_empty() && !constraint && cols.len() < self.c.max_fields {
                cols.push(ident);
            }
            // Skip the rest of this definition: to ',' or ')' at depth 0.
            let mut depth = 0u32;
            while let Some(b) = self.skip_ws()? {
                match b {
                    b'(' => {
                        depth += 1;
                        self.input.consume(1);
                    }
                    b')' if depth > 0 => {
                        depth -= 1;
                        self.input.consume(1);
                    }
                    b')' | b',' if depth == 0 => {
                        if b == b',' {
                            self.input.consume(1);
                        }
                        break;
                    }
                    b'\'' | b'"' | b'`' => {
                        self.input.consume(1);
                        self.skip_quoted(b, self.mysql)?;
                    }
                    _ => {
                        let data = self.input.data();
                        let n = data
                            .iter()
                            .take_while(|&&c| {
                                !matches!(
                                    c,
                                    b'(' | b')' | b',' | b'\'' | b'"' | b'`' | b'-' | b'/' | b'#'
                                ) && !c.is_ascii_whitespace()
                            })
                            .count()
                            .max(1);
                        self.input.consume(n);
                    }
                }
            }
        }
        let bytes = name.len() + cols.iter().map(String::len).sum::<usize>();
        if self.columns.len() < MAX_TABLES
            && !cols.is_empty()
            && self.column_bytes + bytes <= MAX_COLUMN_BYTES
        {
            self.column_bytes += bytes;
            self.columns.insert(name, cols);
        }
        self.skip_statement()?;
        Ok(())
    }

    /// `COPY name [(cols)] FROM stdin;` — anything else is skipped.
    fn copy_header(&mut self) -> Result<(), Stop> {
        self.skip_ws()?;
        let name = self.read_ident()?;
        let mut header = None;
        if self.skip_ws()? == Some(b'(') {
            header = Some(self.read_column_list()?);
        }
        self.skip_ws()?;
        self.read_word()?;
        let from = self.word.eq_ignore_ascii_case("FROM");
        self.skip_ws()?;
        self.read_word()?;
        if !(from && self.word.eq_ignore_ascii_case("STDIN")) {
            self.skip_statement()?;
            return Ok(());
        }
        // Options (WITH …) may follow; the data starts on the line after the ';'.
        self.skip_statement()?;
        self.skip_past(b"\n")?;
        let header = header.or_else(|| self.lookup(&name));
        self.table = Arc::new(Table::new(name, header));
        self.state = State::Copy;
        Ok(())
    }

    /// One `( … )` tuple, or the `,` / `;` between them.
    fn values(&mut self, w: &mut BatchWriter<'_>) -> Result<(), Stop> {
        match self.skip_ws()? {
            Some(b',') => {
                self.input.consume(1);
                return Ok(());
            }
            Some(b';') => {
                self.input.consume(1);
                self.state = State::Statement;
                return Ok(());
            }
            Some(b'(') => self.input.consume(1),
            None => {
                self.state = State::Done;
                return Ok(());
            }
            // No semicolon before the next statement (SQL Server scripts).
            Some(b) if is_ident_byte(b) && self.at_statement_start()? => {
                self.state = State::Statement;
                return Ok(());
            }
            Some(_) => return Err(Stop::Syntax("expected '(' , ',' or ';' in VALUES".into())),
        }
        let t = w.table(&self.table);
        self.c.index += 1;
        w.begin(self.c.index, t);
        let offset = self.input.pos();
        let mut col = 0u32;
        let mut too_long = false;
        let mut dropped = false;
        loop {
            let vs = w.bytes();
            self.value(w, &mut too_long)?;
            if w.record_bytes() > self.c.max_record {
                too_long = true;
            }
            if too_long {
                w.truncate(vs);
            } else if (col as usize) < self.c.max_fields {
                w.field_col(Some(col), vs, w.bytes());
            } else {
                dropped = true;
                w.truncate(vs);
            }
            col += 1;
            match self.skip_ws()? {
                Some(b',') => self.input.consume(1),
                Some(b')') => {
                    self.input.consume(1);
                    break;
                }
                _ => {
                    w.abort();
                    return Err(Stop::Syntax("expected ',' or ')' in a VALUES tuple".into()));
                }
            }
        }
        if too_long {
            w.abort();
            self.c.diag.warn(
                Some(offset),
                None,
                format!(
                    "SQL row {} is longer than the record limit of {} bytes; skipped \
                     (raise Limits::max_record_len)",
                    self.c.index, self.c.max_record
                ),
            );
            return Ok(());
        }
        if dropped {
            self.c.diag.warn(
                Some(offset),
                None,
                format!(
                    "SQL row {} has more than {} values; the rest were dropped \
                     (raise Limits::max_fields)",
                    self.c.index, self.c.max_fields
                ),
            );
        }
        w.end();
        Ok(())
    }

    /// One value of a tuple: a string literal (unescaped), NULL (empty), or the raw text of
    /// anything else (numbers, function calls) up to the next `,`/`)` at depth 0.
    fn value(&mut self, w: &mut BatchWriter<'_>, too_long: &mut bool) -> Result<(), Stop> {
        let Some(b) = self.skip_ws()? else {
            return Err(Stop::Syntax("unexpected end of input in VALUES".into()));
        };
        self.ensure(3)?;
        let data = self.input.data();
        let e_string = !self.mysql && (b == b'E' || b == b'e') && data.get(1) == Some(&b'\'');
        // N'…' national strings (SQL Server, also valid in MySQL and PostgreSQL).
        let n_string = (b == b'N' || b == b'n') && data.get(1) == Some(&b'\'');
        let mut introducer = false;
        if b == b'_' && self.mysql {
            // A charset introducer: _utf8mb4'…', _binary '…', or _binary 0x… (raw).
            self.read_word()?;
            introducer = matches!(self.skip_ws()?, Some(b'\'' | b'"'));
        }
        if b == b'\'' || (b == b'"' && self.mysql) || e_string || n_string || introducer {
            if e_string || n_string {
                self.input.consume(1);
            }
            let q = self.peek()?.unwrap_or(b'\'');
            self.input.consume(1);
            self.string(w, q, self.mysql || e_string, too_long)?;
            // Casts and the like (`'x'::text`) add nothing to the value.
            self.skip_rest_of_value()?;
            return Ok(());
        }
        // Raw token(s) up to ',' or ')' at depth 0.
        let vs = w.bytes();
        let mut depth = 0u32;
        loop {
            self.ensure(1)?;
            let data = self.input.data();
            let Some(&c) = data.first() else {
                break;
            };
            match c {
                b',' | b')' if depth == 0 => break,
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'\'' | b'"' => {
                    // Quotes belong to prefixed literals (X'ab') or function arguments;
                    // after a space at depth 0 they mean a missing comma.
                    if depth == 0 && w.since(vs).last().is_some_and(u8::is_ascii_whitespace) {
                        return Err(Stop::Syntax("unexpected string; missing ','?".into()));
                    }
                    // Kept verbatim with its quotes: X'4142', B'01', func('a').
                    self.input.consume(1);
                    w.push_bytes(&[c]);
                    self.string(w, c, self.mysql, too_long)?;
                    w.push_bytes(&[c]);
                    continue;
                }
                _ => {}
            }
            if w.bytes() - vs < 4096 {
                w.push_bytes(&[c]);
            }
            self.input.consume(1);
        }
        let raw = w.since(vs);
        let trimmed_len = raw
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let keep = raw.len() - trimmed_len;
        if raw[..keep].eq_ignore_ascii_case(b"NULL") {
            w.truncate(vs);
        } else {
            w.truncate(vs + keep);
        }
        Ok(())
    }

    fn skip_rest_of_value(&mut self) -> Result<(), Error> {
        let mut depth = 0u32;
        loop {
            self.ensure(1)?;
            let data = self.input.data();
            let Some(&c) = data.first() else {
                return Ok(());
            };
            match c {
                b',' | b')' if depth == 0 => return Ok(()),
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'\'' | b'"' => {
                    self.input.consume(1);
                    self.skip_quoted(c, self.mysql)?;
                    continue;
                }
                _ => {}
            }
            self.input.consume(1);
        }
    }

    /// A quoted string body (after the opening quote) into the arena, unescaped.
    fn string(
        &mut self,
        w: &mut BatchWriter<'_>,
        q: u8,
        backslash: bool,
        too_long: &mut bool,
    ) -> Result<(), Stop> {
        let start = w.bytes();
        loop {
            self.ensure(2)?;
            let data = self.input.data();
            if data.is_empty() {
                return Err(Stop::Syntax("unterminated string".into()));
            }
            let stop = if backslash {
                memchr::memchr2(q, b'\\', data)
            } else {
                memchr::memchr(q, data)
            };
            let chunk_end = stop.unwrap_or(data.len());
            if w.bytes() - start + chunk_end > self.c.max_record {
                *too_long = true;
            } else {
                w.push_bytes(&data[..chunk_end]);
            }
            let Some(i) = stop else {
                self.input.consume(chunk_end);
                continue;
            };
            if data[i] == q {
                if i + 1 < data.len() {
                    let doubled = data[i + 1] == q;
                    self.input.consume(i + if doubled { 2 } else { 1 });
                    if doubled {
                        w.push_bytes(&[q]);
                        continue;
                    }
                    return Ok(());
                }
                // Quote at the buffer end: decide after seeing the next byte.
                self.input.consume(i);
                self.ensure(2)?;
                let data = self.input.data();
                if data.len() >= 2 && data[1] == q {
                    self.input.consume(2);
                    w.push_bytes(&[q]);
                    continue;
                }
                self.input.consume(1);
                return Ok(());
            }
            // Backslash escape.
            self.input.consume(i + 1);
            self.ensure(1)?;
            let data = self.input.data();
            let Some(&e) = data.first() else {
                return Err(Stop::Syntax("unterminated string".into()));
            };
            self.input.consume(1);
            let out: &[u8] = match e {
                b'0' => b"\0",
                b'b' => b"\x08",
                b'n' => b"\n",
                b'r' => b"\r",
                b't' => b"\t",
                b'Z' => b"\x1a",
                b'%' => b"\\%",
                b'_' => b"\\_",
                _ if e < 0x80 => std::slice::from_ref(&e),
                // A multi-byte character after a backslash: keep it whole.
                _ => {
                    w.push_bytes(&[e]);
                    &[]
                }
            };
            w.push_bytes(out);
        }
    }

    /// One line of a COPY block.
    fn copy_line(&mut self, w: &mut BatchWriter<'_>) -> Result<(), Stop> {
        // Find the whole line in the buffer (bounded by the record limit).
        let mut scanned = 0;
        let nl = loop {
            let data = self.input.data();
            if let Some(i) = memchr::memchr(b'\n', &data[scanned..]) {
                break Some(scanned + i);
            }
            scanned = data.len();
            if data.len() > self.c.max_record {
                break None;
            }
            let got = self.input.fill().map_err(|e| self.err_io(e))?;
            if got == 0 {
                let len = self.input.data().len();
                if len == 0 {
                    self.c.diag.warn(
                        Some(self.input.pos()),
                        None,
                        "COPY block ends without its \\. terminator",
                    );
                    self.state = State::Done;
                    return Ok(());
                }
                break Some(len);
            }
        };
        let Some(nl) = nl else {
            // Over-long line: skip it.
            self.c.index += 1;
            self.c.diag.warn(
                Some(self.input.pos()),
                None,
                format!(
                    "COPY row {} is longer than the record limit of {} bytes; skipped \
                     (raise Limits::max_record_len)",
                    self.c.index, self.c.max_record
                ),
            );
            self.skip_past(b"\n")?;
            return Ok(());
        };
        let data = self.input.data();
        let mut line = &data[..nl];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        if line == b"\\." {
            let n = (nl + 1).min(data.len());
            self.input.consume(n);
            self.state = State::Statement;
            return Ok(());
        }
        let t = w.table(&self.table);
        self.c.index += 1;
        w.begin(self.c.index, t);
        let mut dropped = false;
        for (col, raw) in line.split(|&b| b == b'\t').enumerate() {
            if col >= self.c.max_fields {
                dropped = true;
                break;
            }
            let vs = w.bytes();
            if raw != b"\\N" {
                copy_unescape(raw, w);
            }
            w.field_col(Some(col as u32), vs, w.bytes());
        }
        w.end();
        if dropped {
            self.c.diag.warn(
                Some(self.input.pos()),
                None,
                format!(
                    "COPY row {} has more than {} fields; the rest were dropped",
                    self.c.index, self.c.max_fields
                ),
            );
        }
        let n = (nl + 1).min(self.input.data().len());
        self.input.consume(n);
        Ok(())
    }
}

/// PostgreSQL COPY text-format escapes. Bytes ≥ 0x80 from octal/hex escapes would not be
/// valid UTF-8 on their own and become U+FFFD.
fn copy_unescape(raw: &[u8], w: &mut BatchWriter<'_>) {
    let mut i = 0;
    while i < raw.len() {
        let Some(j) = memchr::memchr(b'\\', &raw[i..]) else {
            w.push_bytes(&raw[i..]);
            return;
        };
        w.push_bytes(&raw[i..i + j]);
        i += j + 1;
        let Some(&e) = raw.get(i) else {
            return;
        };
        i += 1;
        let byte = match e {
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                let mut k = 0;
                while k < 2 && i < raw.len() && (b'0'..=b'7').contains(&raw[i]) {
                    v = v * 8 + u32::from(raw[i] - b'0');
                    i += 1;
                    k += 1;
                }
                (v & 0xff) as u8
            }
            b'x' => {
                let mut v = 0u32;
                let mut k = 0;
                while k < 2 && i < raw.len() && raw[i].is_ascii_hexdigit() {
                    v = v * 16 + (raw[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                v as u8
            }
            _ if e >= 0x80 => {
                // Keep a multi-byte character after a backslash whole.
                w.push_bytes(&[e]);
                continue;
            }
            other => other,
        };
        if byte < 0x80 {
            w.push_bytes(&[byte]);
        } else {
            w.push_bytes("\u{FFFD}".as_bytes());
        }
    }
}

impl RecordSource for SqlReader<'_> {
    fn position(&self) -> u64 {
        self.input.pos()
    }

    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error> {
        loop {
            if self.c.full(w) {
                return Ok(true);
            }
            let offset = self.input.pos();
            let result = match self.state {
                State::Done => return Ok(false),
                State::Statement => self.statement(w),
                State::Values => self.values(w),
                State::Copy => self.copy_line(w),
            };
            match result {
                Ok(()) => {}
                Err(Stop::Io(e)) => return Err(e),
                Err(Stop::Syntax(msg)) => {
                    w.abort();
                    self.c.diag.warn(
                        Some(offset),
                        None,
                        format!("unreadable SQL ({msg}); statement skipped"),
                    );
                    self.state = State::Statement;
                    self.skip_statement()?;
                }
            }
        }
    }
}
