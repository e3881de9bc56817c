//! JSON documents and JSON Lines, streamed: a hand-rolled tokenizer with an explicit stack
//! (no recursion, depth limit) that flattens each record into `(path, value)` fields and
//! never builds a DOM, so a 100 GB top-level array is read in constant memory.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::batch::{BatchWriter, Table};
use crate::input::Input;
use crate::reader::{char_floor, io_error, Common, RecordSource};
use crate::Error;

/// Longest object key kept in a path; longer keys are cut (at a character boundary).
const MAX_KEY: usize = 4096;

enum Frame {
    Obj {
        path_len: usize,
    },
    Arr {
        path_len: usize,
        idx: u64,
    },
    /// An array of objects directly inside a top-level object (`{"data": [{…}, {…}]}`):
    /// each element is a record of its own, in table `$.data`.
    Records,
}

/// Where a suspended record resumes (the batch filled up in the middle of a large value).
#[derive(Clone, Copy, PartialEq)]
enum Resume {
    /// After a field, in a new record of the same table (a record split at the limit).
    AfterValue,
    /// Before the next element of a record array.
    NextElement,
    /// After a record array, in a new record of the wrapper object.
    AfterRecords,
}

enum Outcome {
    Done,
    Suspended,
}

enum PErr {
    Io(Error),
    Syntax(String, u64),
}

impl From<Error> for PErr {
    fn from(e: Error) -> Self {
        PErr::Io(e)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    /// Between top-level values.
    Top,
    /// Inside the top-level array of a document, before the first element or after a comma.
    ArrayElement {
        first: bool,
    },
    /// Inside the top-level array, after an element.
    ArrayAfter,
    Done,
}

pub(crate) struct JsonReader<'a> {
    input: Input<'a>,
    c: Common,
    lines: bool,
    table: Arc<Table>,
    state: State,
    max_depth: usize,
    path: String,
    stack: Vec<Frame>,
    key: Vec<u8>,
    /// Line number (JSON Lines): newlines seen between values.
    line: u64,
    split_warned: bool,
    fields_warned: bool,
    /// Set by `field` when a split record could not continue in this batch.
    suspend: bool,
    resume: Option<Resume>,
    /// The record being read is a top-level object (record arrays are only looked for there).
    root_object: bool,
    /// Table of the current record array's elements, and the wrapper's path to it.
    elem_table: Arc<Table>,
    wrapper_path: String,
    /// The open record continues a wrapper object after a record array.
    continuation: bool,
}

impl<'a> JsonReader<'a> {
    pub(crate) fn new(input: Input<'a>, c: Common, lines: bool, max_depth: usize) -> Self {
        JsonReader {
            input,
            c,
            lines,
            table: Arc::new(Table::new("", None)),
            state: State::Top,
            max_depth: max_depth.max(1),
            path: String::from("$"),
            stack: Vec::new(),
            key: Vec::new(),
            line: 1,
            split_warned: false,
            fields_warned: false,
            suspend: false,
            resume: None,
            root_object: false,
            elem_table: Arc::new(Table::new("", None)),
            wrapper_path: String::new(),
            continuation: false,
        }
    }

    fn err_io(&self, e: std::io::Error) -> Error {
        io_error(&self.c.source, self.input.pos(), "reading", e)
    }

    /// Next byte without consuming it; `None` at end of input.
    #[inline]
    fn peek(&mut self) -> Result<Option<u8>, Error> {
        if let Some(&b) = self.input.data().first() {
            return Ok(Some(b));
        }
        loop {
            match self.input.fill() {
                Ok(0) => return Ok(None),
                Ok(_) => {
                    if let Some(&b) = self.input.data().first() {
                        return Ok(Some(b));
                    }
                }
                Err(e) => return Err(self.err_io(e)),
            }
        }
    }

    /// Skips whitespace (counting newlines) and peeks.
    fn skip_ws(&mut self) -> Result<Option<u8>, Error> {
        loop {
            let data = self.input.data();
            let n = data.iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.line += data[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            let all = n == data.len();
            self.input.consume(n);
            if !all {
                return Ok(self.input.data().first().copied());
            }
            if self.peek()?.is_none() {
                return Ok(None);
            }
        }
    }

    /// Ensures `n` bytes are buffered (fewer only at end of input).
    fn ensure(&mut self, n: usize) -> Result<&[u8], Error> {
        while self.input.data().len() < n {
            match self.input.fill() {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(self.err_io(e)),
            }
        }
        Ok(self.input.data())
    }

    fn syntax(&self, what: &str) -> PErr {
        PErr::Syntax(what.to_string(), self.input.pos())
    }

    /// Reads a string body (after the opening quote) into the arena (`to_key == false`,
    /// capped at the record limit) or into `self.key`.
    fn string(&mut self, w: &mut BatchWriter<'_>, to_key: bool) -> Result<(), PErr> {
        let start = w.bytes();
        let cap = if to_key { MAX_KEY } else { self.c.max_record };
        let mut truncated = false;
        loop {
            if self.input.data().is_empty() && self.peek()?.is_none() {
                return Err(self.syntax("unterminated string"));
            }
            let data = self.input.data();
            let stop = memchr::memchr2(b'"', b'\\', data);
            let chunk = &data[..stop.unwrap_or(data.len())];
            let have = if to_key {
                self.key.len()
            } else {
                w.bytes() - start
            };
            if have + chunk.len() <= cap {
                if to_key {
                    self.key.extend_from_slice(chunk);
                } else {
                    w.push_bytes(chunk);
                }
            } else if !truncated {
                truncated = true;
                let keep = char_floor(chunk, cap.saturating_sub(have));
                if to_key {
                    self.key.extend_from_slice(&chunk[..keep]);
                } else {
                    w.push_bytes(&chunk[..keep]);
                    self.c.diag.warn(
                        Some(self.input.pos()),
                        self.lines.then_some(self.line),
                        format!(
                            "JSON string longer than the record limit of {} bytes; cut \
                             (raise Limits::max_record_len)",
                            self.c.max_record
                        ),
                    );
                }
            }
            let n = chunk.len();
            match stop {
                None => self.input.consume(n),
                Some(i) => {
                    let quote = data[i] == b'"';
                    self.input.consume(i + 1);
                    if quote {
                        return Ok(());
                    }
                    let mut buf = [0u8; 4];
                    let ch = self.escape()?;
                    let bytes = ch.encode_utf8(&mut buf).as_bytes();
                    let have = if to_key {
                        self.key.len()
                    } else {
                        w.bytes() - start
                    };
                    if have + bytes.len() <= cap {
                        if to_key {
                            self.key.extend_from_slice(bytes);
                        } else {
                            w.push_bytes(bytes);
                        }
                    }
                }
            }
        }
    }

    /// Decodes one escape (after the backslash).
    fn escape(&mut self) -> Result<char, PErr> {
        let data = self.ensure(1)?;
        let Some(&c) = data.first() else {
            return Err(self.syntax("unterminated escape"));
        };
        self.input.consume(1);
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) {
                    let data = self.ensure(2)?;
                    if data.starts_with(b"\\u") {
                        self.input.consume(2);
                        let lo = self.hex4()?;
                        if (0xDC00..0xE000).contains(&lo) {
                            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            return Ok(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        }
                    }
                    '\u{FFFD}'
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => return Err(self.syntax("invalid escape in string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, PErr> {
        let data = self.ensure(4)?;
        if data.len() < 4 {
            return Err(self.syntax("cut \\u escape"));
        }
        let text = std::str::from_utf8(&data[..4]).unwrap_or("");
        let v = u32::from_str_radix(text, 16).map_err(|_| self.syntax("bad \\u escape"))?;
        self.input.consume(4);
        Ok(v)
    }

    /// Appends the current path to the arena and records a field with value `vs..ve`.
    fn field(&mut self, w: &mut BatchWriter<'_>, vs: usize, ve: usize) {
        if w.record_fields() >= self.c.max_fields {
            w.truncate(vs);
            if !self.fields_warned {
                self.fields_warned = true;
                self.c.diag.warn(
                    Some(self.input.pos()),
                    self.lines.then_some(self.line),
                    format!(
                        "JSON record {} has more than {} fields; the rest were dropped \
                         (raise Limits::max_fields)",
                        self.c.index, self.c.max_fields
                    ),
                );
            }
            return;
        }
        let ns = w.bytes();
        w.push_bytes(self.path.as_bytes());
        let ne = w.bytes();
        w.field_named((ns, ne), vs, ve);
        if w.record_bytes() > self.c.max_record {
            // Split at this field boundary: the fields keep their full paths.
            if !self.split_warned {
                self.split_warned = true;
                self.c.diag.warn(
                    Some(self.input.pos()),
                    self.lines.then_some(self.line),
                    format!(
                        "JSON record {} is longer than the record limit of {} bytes; split into \
                         several records (raise Limits::max_record_len)",
                        self.c.index, self.c.max_record
                    ),
                );
            }
            w.end();
            if self.c.full(w) {
                self.suspend = true;
                self.resume = Some(Resume::AfterValue);
            } else {
                self.begin_same_table(w);
            }
        }
    }

    /// The table of the open part of the document: an element of a record array, or the
    /// record itself.
    fn current_table(&self) -> Arc<Table> {
        if self.stack.iter().any(|f| matches!(f, Frame::Records)) {
            self.elem_table.clone()
        } else {
            self.table.clone()
        }
    }

    fn begin_same_table(&mut self, w: &mut BatchWriter<'_>) {
        let table = self.current_table();
        let t = w.table(&table);
        self.c.index += 1;
        w.begin(self.c.index, t);
    }

    fn begin_element(&mut self, w: &mut BatchWriter<'_>) {
        let t = w.table(&self.elem_table);
        self.c.index += 1;
        self.continuation = false;
        self.split_warned = false;
        self.fields_warned = false;
        w.begin(self.c.index, t);
        self.path.clear();
        self.path.push('$');
    }

    fn begin_continuation(&mut self, w: &mut BatchWriter<'_>) {
        let t = w.table(&self.table);
        self.c.index += 1;
        self.continuation = true;
        w.begin(self.c.index, t);
    }

    /// Ends the open record; an empty continuation of a wrapper object is dropped.
    fn finish_record(&mut self, w: &mut BatchWriter<'_>) {
        if self.continuation && w.record_fields() == 0 {
            w.abort();
            self.c.index -= 1;
        } else {
            w.end();
        }
        self.continuation = false;
    }

    fn push_key_to_path(&mut self) {
        let key = String::from_utf8_lossy(&self.key);
        let plain = !key.is_empty()
            && !key.chars().any(|c| {
                matches!(c, '.' | '[' | ']' | '"' | '\\') || c.is_whitespace() || c.is_control()
            });
        if plain {
            self.path.push('.');
            self.path.push_str(&key);
        } else {
            self.path.push_str("[\"");
            for c in key.chars() {
                match c {
                    '"' => self.path.push_str("\\\""),
                    '\\' => self.path.push_str("\\\\"),
                    c if c.is_control() => {
                        let _ = write!(self.path, "\\u{:04x}", c as u32);
                    }
                    c => self.path.push(c),
                }
            }
            self.path.push_str("\"]");
        }
    }

    /// Parses one value as the root of the open record (path `$`), or resumes a suspended
    /// one. Returns `Suspended` when the batch filled up inside a large value; the next call
    /// (with `self.resume` set) goes on where it stopped.
    fn record_value(&mut self, w: &mut BatchWriter<'_>) -> Result<Outcome, PErr> {
        let mut expect_value = true;
        match self.resume.take() {
            None => {
                self.path.truncate(1);
                self.stack.clear();
                self.continuation = false;
            }
            Some(Resume::AfterValue) => {
                self.begin_same_table(w);
                expect_value = false;
            }
            Some(Resume::NextElement) => self.begin_element(w),
            Some(Resume::AfterRecords) => {
                self.begin_continuation(w);
                expect_value = false;
            }
        }
        loop {
            if expect_value {
                let Some(c) = self.skip_ws()? else {
                    return Err(self.syntax("unexpected end of input"));
                };
                match c {
                    b'{' | b'[' => {
                        if self.stack.len() >= self.max_depth {
                            self.too_deep(w)?;
                            if self.stack.is_empty() {
                                return Ok(Outcome::Done);
                            }
                            // An element of a record array was skipped; go on after it.
                            expect_value = false;
                            continue;
                        }
                        self.input.consume(1);
                        let path_len = self.path.len();
                        if c == b'{' {
                            self.stack.push(Frame::Obj { path_len });
                            match self.skip_ws()? {
                                Some(b'}') => {
                                    self.input.consume(1);
                                    self.stack.pop();
                                    expect_value = false;
                                }
                                Some(b'"') => {
                                    self.key_and_colon(w)?;
                                }
                                _ => return Err(self.syntax("expected a key or '}'")),
                            }
                        } else if self.root_object
                            && self.stack.len() == 1
                            && self.skip_ws()? == Some(b'{')
                        {
                            // `{"data": [{…}, …]}`: each element becomes a record. The
                            // wrapper's members so far stay a record unless there are none.
                            self.continuation = true;
                            self.finish_record(w);
                            self.wrapper_path = self.path.clone();
                            self.elem_table = Arc::new(Table::new(self.path.clone(), None));
                            self.stack.push(Frame::Records);
                            self.begin_element(w);
                        } else {
                            self.stack.push(Frame::Arr { path_len, idx: 0 });
                            match self.skip_ws()? {
                                Some(b']') => {
                                    self.input.consume(1);
                                    self.stack.pop();
                                    expect_value = false;
                                }
                                Some(_) => self.path.push_str("[0]"),
                                None => return Err(self.syntax("unexpected end of input")),
                            }
                        }
                        continue;
                    }
                    b'"' => {
                        self.input.consume(1);
                        let vs = w.bytes();
                        self.string(w, false)?;
                        let ve = w.bytes();
                        self.field(w, vs, ve);
                    }
                    b't' | b'f' | b'n' => {
                        let word: &[u8] = match c {
                            b't' => b"true",
                            b'f' => b"false",
                            _ => b"null",
                        };
                        let data = self.ensure(word.len())?;
                        if !data.starts_with(word) {
                            return Err(self.syntax("invalid literal"));
                        }
                        self.input.consume(word.len());
                        if c != b'n' {
                            let vs = w.bytes();
                            w.push_bytes(word);
                            let ve = w.bytes();
                            self.field(w, vs, ve);
                        }
                    }
                    b'-' | b'0'..=b'9' => {
                        let vs = w.bytes();
                        loop {
                            let data = self.ensure(1)?;
                            let n = data
                                .iter()
                                .take_while(|b| {
                                    matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                                })
                                .count();
                            if w.bytes() - vs + n > 1024 {
                                return Err(self.syntax("number too long"));
                            }
                            let all = n == data.len() && n > 0;
                            w.push_bytes(&data[..n]);
                            self.input.consume(n);
                            if !all {
                                break;
                            }
                        }
                        let ve = w.bytes();
                        self.field(w, vs, ve);
                    }
                    _ => return Err(self.syntax("expected a JSON value")),
                }
                expect_value = false;
                if self.suspend {
                    self.suspend = false;
                    return Ok(Outcome::Suspended);
                }
            }
            // After a value: close containers or move to the next member.
            if self.stack.is_empty() {
                return Ok(Outcome::Done);
            }
            let c = self.skip_ws()?;
            let Some(frame) = self.stack.last_mut() else {
                return Ok(Outcome::Done);
            };
            match (c, frame) {
                (Some(b','), Frame::Obj { path_len }) => {
                    let pl = *path_len;
                    self.input.consume(1);
                    self.path.truncate(pl);
                    if self.skip_ws()? != Some(b'"') {
                        return Err(self.syntax("expected a key"));
                    }
                    self.key_and_colon(w)?;
                    expect_value = true;
                }
                (Some(b','), Frame::Arr { path_len, idx }) => {
                    *idx += 1;
                    let (pl, i) = (*path_len, *idx);
                    self.input.consume(1);
                    self.path.truncate(pl);
                    let _ = write!(self.path, "[{i}]");
                    expect_value = true;
                }
                (Some(b','), Frame::Records) => {
                    self.input.consume(1);
                    self.finish_record(w);
                    if self.c.full(w) {
                        self.resume = Some(Resume::NextElement);
                        return Ok(Outcome::Suspended);
                    }
                    self.begin_element(w);
                    expect_value = true;
                }
                (Some(b']'), Frame::Records) => {
                    self.input.consume(1);
                    self.stack.pop();
                    self.finish_record(w);
                    self.path.clear();
                    self.path.push_str(&self.wrapper_path);
                    if self.c.full(w) {
                        self.resume = Some(Resume::AfterRecords);
                        return Ok(Outcome::Suspended);
                    }
                    self.begin_continuation(w);
                }
                (Some(b'}'), Frame::Obj { path_len })
                | (Some(b']'), Frame::Arr { path_len, .. }) => {
                    let pl = *path_len;
                    self.input.consume(1);
                    self.path.truncate(pl);
                    self.stack.pop();
                }
                (None, _) => return Err(self.syntax("unexpected end of input")),
                _ => return Err(self.syntax("expected ',' or a closing bracket")),
            }
        }
    }

    /// A value nested deeper than the limit: skip it and the rest of its record (an element
    /// of a record array, or the whole record), with one warning.
    fn too_deep(&mut self, w: &mut BatchWriter<'_>) -> Result<(), PErr> {
        let base = self
            .stack
            .iter()
            .position(|f| matches!(f, Frame::Records))
            .map_or(0, |i| i + 1);
        let offset = self.input.pos();
        self.skip_nested(base)?;
        self.stack.truncate(base);
        w.abort();
        self.c.diag.warn(
            Some(offset),
            self.lines.then_some(self.line),
            format!(
                "JSON record {} is nested deeper than {} levels; skipped \
                 (raise Limits::max_json_depth)",
                self.c.index, self.max_depth
            ),
        );
        Ok(())
    }

    /// At a key's opening quote: reads key and colon, extends the path.
    fn key_and_colon(&mut self, w: &mut BatchWriter<'_>) -> Result<(), PErr> {
        self.input.consume(1);
        self.key.clear();
        self.string(w, true)?;
        if self.skip_ws()? != Some(b':') {
            return Err(self.syntax("expected ':'"));
        }
        self.input.consume(1);
        self.push_key_to_path();
        Ok(())
    }

    /// Skips the container starting here and the rest of the record (too deep), with a
    /// counter instead of recursion.
    fn skip_nested(&mut self, base: usize) -> Result<(), PErr> {
        let base = base as u64;
        let mut depth = self.stack.len() as u64;
        let mut in_str = false;
        loop {
            if self.input.data().is_empty() && self.peek()?.is_none() {
                return Err(self.syntax("unexpected end of input in a deeply nested value"));
            }
            let data = self.input.data();
            let mut i = 0;
            while i < data.len() {
                let b = data[i];
                i += 1;
                if in_str {
                    match b {
                        b'\\' => i += 1,
                        b'"' => in_str = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth <= base {
                            self.input.consume(i);
                            return Ok(());
                        }
                    }
                    _ => {}
                }
            }
            // An escape cut at the buffer end skips one byte of the next chunk.
            let extra = i.saturating_sub(data.len());
            let n = data.len();
            self.input.consume(n);
            if extra > 0 {
                self.ensure(1)?;
                self.input.consume(1);
            }
        }
    }

    /// Skips to just after the next newline (JSON Lines error recovery).
    fn skip_line(&mut self) -> Result<(), Error> {
        loop {
            let data = self.input.data();
            if let Some(i) = memchr::memchr(b'\n', data) {
                self.input.consume(i + 1);
                self.line += 1;
                return Ok(());
            }
            let n = data.len();
            self.input.consume(n);
            if self.peek()?.is_none() {
                return Ok(());
            }
        }
    }

    /// Reads one record rooted at the next value (`fresh`), or resumes a suspended one.
    /// Returns `Ok(true)` when the top-level value is complete.
    fn one_record(&mut self, w: &mut BatchWriter<'_>, fresh: bool) -> Result<bool, Error> {
        if fresh {
            self.root_object =
                !self.lines && self.state == State::Top && self.skip_ws()? == Some(b'{');
            let t = w.table(&self.table);
            self.c.index += 1;
            self.split_warned = false;
            self.fields_warned = false;
            w.begin(self.c.index, t);
        }
        let line = self.line;
        match self.record_value(w) {
            Ok(Outcome::Done) => {
                self.finish_record(w);
                Ok(true)
            }
            Ok(Outcome::Suspended) => Ok(false),
            Err(PErr::Io(e)) => {
                w.abort();
                Err(e)
            }
            Err(PErr::Syntax(msg, at)) => {
                w.abort();
                self.resume = None;
                if self.lines {
                    self.c.diag.warn(
                        Some(at),
                        Some(line),
                        format!("invalid JSON ({msg}); line skipped"),
                    );
                    self.skip_line()?;
                    Ok(true)
                } else {
                    self.state = State::Done;
                    Err(Error::Malformed {
                        source_name: self.c.source.to_string(),
                        format: "json",
                        offset: at,
                        message: msg,
                    })
                }
            }
        }
    }
}

impl RecordSource for JsonReader<'_> {
    fn position(&self) -> u64 {
        self.input.pos()
    }

    fn fill(&mut self, w: &mut BatchWriter<'_>) -> Result<bool, Error> {
        loop {
            if self.c.full(w) {
                return Ok(true);
            }
            if self.resume.is_some() {
                let finished = self.one_record(w, false)?;
                if finished && matches!(self.state, State::ArrayElement { .. }) {
                    self.state = State::ArrayAfter;
                }
                continue;
            }
            match self.state {
                State::Done => return Ok(false),
                State::Top => {
                    let Some(c) = self.skip_ws()? else {
                        self.state = State::Done;
                        return Ok(false);
                    };
                    if c == b'[' && !self.lines {
                        self.input.consume(1);
                        self.state = State::ArrayElement { first: true };
                        continue;
                    }
                    self.one_record(w, true)?;
                }
                State::ArrayElement { first } => {
                    if first && self.skip_ws()? == Some(b']') {
                        self.input.consume(1);
                        self.state = State::Top;
                        continue;
                    }
                    let finished = self.one_record(w, true)?;
                    if finished && self.state != State::Done {
                        self.state = State::ArrayAfter;
                    }
                }
                State::ArrayAfter => match self.skip_ws()? {
                    Some(b',') => {
                        self.input.consume(1);
                        self.state = State::ArrayElement { first: false };
                    }
                    Some(b']') => {
                        self.input.consume(1);
                        self.state = State::Top;
                    }
                    other => {
                        self.state = State::Done;
                        return Err(Error::Malformed {
                            source_name: self.c.source.to_string(),
                            format: "json",
                            offset: self.input.pos(),
                            message: match other {
                                None => "unexpected end of input in the top-level array".into(),
                                Some(_) => "expected ',' or ']' in the top-level array".into(),
                            },
                        });
                    }
                },
            }
        }
    }
}
