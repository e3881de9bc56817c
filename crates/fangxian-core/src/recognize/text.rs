//! The free-text scanner: one pass over the bytes, candidates validated as they are found.
//!
//! Order of work for one text (all buffers live in [`Scratch`]):
//! 1. one Aho-Corasick pass collects keyword and cue-word hits (ASCII words only as whole words);
//! 2. memchr finds every `@`; e-mail addresses found there are claimed so nothing else reports
//!    their digits (a `N@qq.com` local part is reported as a QQ number too);
//! 3. names and addresses are read right after their cue words; addresses are claimed;
//! 4. one pass over the bytes finds digit runs (ASCII or full-width, single spaces or hyphens
//!    inside, `+86`/`0086` before, `X` after), dotted quads and decimal pairs, letter-digit
//!    tokens, and plates after a province character. Every candidate is validated;
//! 5. overlaps are resolved: a checksum-valid item suppresses weaker items overlapping it.

use std::ops::Range;

use super::{bit, Context, Evidence, Recognizer, Scratch};
use crate::validate;
use crate::ItemKind;

/// A keyword or cue-word hit in the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    start: usize,
    end: usize,
    kw: u16,
}

/// A finding waiting for overlap resolution.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub kind: ItemKind,
    pub span: Range<usize>,
    /// The canonical value's range in `Scratch::canon`.
    pub canon: Range<usize>,
    pub confidence: f32,
    pub evidence: Evidence,
    pub dropped: bool,
}

/// One digit group of a number token: its bytes in the text and its digits in `Scratch::norm`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Group {
    bytes: (usize, usize),
    digits: (usize, usize),
}

/// A number token may hold at most this many separated groups; more start a new token.
/// (`1101 0519 4912 3100 2X` is five; `6222 0212 3456 7890 123` is five.)
const MAX_GROUPS: usize = 8;
/// Groups longer than this are whole numbers on their own and are never joined to neighbours
/// (`110105194912310021 13800138000` is an ID and a mobile, not a 29-digit number).
const MAX_JOINED_GROUP: usize = 8;
/// A negative keyword (订单号, 版本 …) only suppresses a candidate this close (characters).
const NEGATIVE_WINDOW: usize = 12;
/// Longest name after a cue word, in characters (compound surname + 2-character given name).
const MAX_NAME_CHARS: usize = 4;
/// Longest address after a cue word, in characters.
const MAX_ADDRESS_CHARS: usize = 80;

/// Province abbreviations that start a plate (GA 36-2018).
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// Characters that may end a plate (挂 trailer, 学 learner, 警 police, 港/澳 cross-border, 领 consulate).
const PLATE_SUFFIXES: &str = "挂学警港澳领";

/// The context a candidate's surroundings give it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Near {
    Positive(Context),
    Negative,
    Nothing,
}

/// What the text scanner reads.
struct Cx<'a> {
    text: &'a str,
    bytes: &'a [u8],
    hits: &'a [Hit],
    /// In a typed field: the types the column stands for and the header context they get.
    only: Option<(u32, Context)>,
}

/// What the text scanner writes.
struct Out<'a> {
    found: &'a mut Vec<Pending>,
    canon: &'a mut String,
    tmp: &'a mut String,
}

impl Recognizer {
    /// Scans `text` into `scratch.found`. With `only`, keeps only items of those types and
    /// treats the given context (the column header) as context for them.
    pub(crate) fn scan_text(
        &self,
        text: &str,
        only: Option<(u32, Context)>,
        scratch: &mut Scratch,
    ) {
        let Scratch {
            hits,
            found,
            canon,
            tmp,
            norm,
            groups,
            claimed,
            cand,
        } = scratch;
        found.clear();
        canon.clear();
        hits.clear();
        claimed.clear();
        let bytes = text.as_bytes();

        for m in self.dict.keywords.find_iter(text) {
            let kw = &self.dict.keyword_info[m.pattern().as_usize()];
            if kw.ascii_word {
                let before = m.start() > 0 && bytes[m.start() - 1].is_ascii_alphabetic();
                let after = bytes.get(m.end()).is_some_and(u8::is_ascii_alphabetic);
                if before || after {
                    continue;
                }
            }
            hits.push(Hit {
                start: m.start(),
                end: m.end(),
                // The dictionaries hold a few hundred words.
                kw: m.pattern().as_usize() as u16,
            });
        }

        let cx = Cx {
            text,
            bytes,
            hits,
            only,
        };
        let mut out = Out { found, canon, tmp };

        self.emails(&cx, &mut out, norm, claimed);
        self.cues(&cx, &mut out, claimed);
        claimed.sort_unstable_by_key(|r| r.start);

        let n = bytes.len();
        let mut i = 0;
        let mut c = 0;
        while i < n {
            while c < claimed.len() && claimed[c].end <= i {
                c += 1;
            }
            if c < claimed.len() && claimed[c].start <= i {
                i = claimed[c].end;
                continue;
            }
            let b = bytes[i];
            if b.is_ascii_digit() || (b == 0xEF && fw_digit(bytes, i).is_some()) {
                i = self.number(&cx, &mut out, norm, groups, cand, i);
            } else if b.is_ascii_alphabetic() {
                i = self.word(&cx, &mut out, norm, i);
            } else {
                // Skip a whole character: CJK text is three bytes a character, and `i` is always
                // on a character boundary here (measured: +36 % on CJK prose).
                i += match b {
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xFF => 4,
                    _ => 1,
                };
            }
        }
    }

    /// Validates a whole field value as `kind` into `scratch.found` (cleared first), with the
    /// column's context. True when it had the shape of the type (and so was recorded).
    pub(crate) fn field_value(
        &self,
        raw: &str,
        kind: ItemKind,
        span: Range<usize>,
        ctx: Context,
        scratch: &mut Scratch,
    ) -> bool {
        scratch.found.clear();
        scratch.canon.clear();
        let cx = Cx {
            text: raw,
            bytes: raw.as_bytes(),
            hits: &[],
            only: None,
        };
        let mut out = Out {
            found: &mut scratch.found,
            canon: &mut scratch.canon,
            tmp: &mut scratch.tmp,
        };
        self.report(&cx, &mut out, kind, raw, span, Some(ctx))
    }

    /// [`Recognizer::field_value`] handing the finding straight to `sink` instead of recording
    /// it: a whole typed value is one finding, so there is nothing to resolve, and the copy into
    /// `Scratch::canon`, the pending entry and [`emit`](super::emit) are saved (they were a
    /// tenth of the recognizer's cost per field on a dense CSV). The decision is the same
    /// `judge` as `report`'s with the column's context forced.
    pub(crate) fn field_value_to(
        &self,
        raw: &str,
        kind: ItemKind,
        span: Range<usize>,
        ctx: Context,
        tmp: &mut String,
        sink: &mut dyn FnMut(&super::Finding<'_>),
    ) -> bool {
        let Some(verdict) = validate::validate(kind, raw, tmp) else {
            return false;
        };
        let Some((context, confidence)) = judge(&verdict, Near::Positive(ctx)) else {
            return false;
        };
        sink(&super::Finding {
            kind: verdict.kind,
            span,
            value: tmp,
            valid: verdict.failed.is_none(),
            confidence,
            evidence: Evidence {
                failed: verdict.failed,
                signals: verdict.signals,
                context,
            },
        });
        true
    }

    /// Validates `raw` as `kind` and, if the verdict and the context allow, records a finding
    /// over `span`. `forced` overrides the context search (cue words, embedded QQ numbers).
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        cx: &Cx<'_>,
        out: &mut Out<'_>,
        kind: ItemKind,
        raw: &str,
        span: Range<usize>,
        forced: Option<Context>,
    ) -> bool {
        // Types that always need context: look for it before paying for validation (every
        // English word of 6–20 letters is a WeChat-id candidate; measured +20 % on mixed text).
        if forced.is_none()
            && cx.only.is_none()
            && (kind.needs_context() || kind == ItemKind::Imei)
            && !matches!(self.near(cx, kind, kind, &span), Near::Positive(_))
        {
            return false;
        }
        let Some(verdict) = validate::validate(kind, raw, out.tmp) else {
            return false;
        };
        let k = verdict.kind;
        if let Some((mask, _)) = cx.only {
            if mask & (bit(k) | bit(kind)) == 0 {
                return false;
            }
        }
        let near = match (forced, cx.only) {
            (Some(c), _) => Near::Positive(c),
            (None, Some((mask, c))) if mask & (bit(k) | bit(kind)) != 0 => Near::Positive(c),
            _ => self.near(cx, k, kind, &span),
        };
        let Some((context, confidence)) = judge(&verdict, near) else {
            return false;
        };
        let start = out.canon.len();
        out.canon.push_str(out.tmp);
        out.found.push(Pending {
            kind: k,
            span,
            canon: start..out.canon.len(),
            confidence,
            evidence: Evidence {
                failed: verdict.failed,
                signals: verdict.signals,
                context,
            },
            dropped: false,
        });
        true
    }

    /// The nearest relevant keyword: within the window before the candidate (a negative
    /// keyword only within [`NEGATIVE_WINDOW`]), or within a third of the window after it.
    fn near(&self, cx: &Cx<'_>, k: ItemKind, asked: ItemKind, span: &Range<usize>) -> Near {
        let want = bit(k) | bit(asked);
        let idx = cx.hits.partition_point(|h| h.start < span.start);
        for h in cx.hits[..idx].iter().rev() {
            if h.end > span.start {
                continue;
            }
            let Some(dist) = char_distance(cx.bytes, h.end, span.start, self.window) else {
                break;
            };
            let kw = &self.dict.keyword_info[h.kw as usize];
            if kw.kinds & want != 0 {
                return Near::Positive(Context::Keyword(kw.term));
            }
            if kw.negative && dist <= NEGATIVE_WINDOW {
                return Near::Negative;
            }
        }
        let after = (self.window / 3).max(1);
        for h in &cx.hits[idx..] {
            if h.start < span.end {
                continue;
            }
            if char_distance(cx.bytes, span.end, h.start, after).is_none() {
                break;
            }
            let kw = &self.dict.keyword_info[h.kw as usize];
            if kw.kinds & want != 0 {
                return Near::Positive(Context::Keyword(kw.term));
            }
        }
        Near::Nothing
    }

    /// E-mail addresses around every `@`.
    fn emails(
        &self,
        cx: &Cx<'_>,
        out: &mut Out<'_>,
        norm: &mut String,
        claimed: &mut Vec<Range<usize>>,
    ) {
        let b = cx.bytes;
        let local =
            |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
        let domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
        let mut last_end = 0;
        for at in memchr::memchr_iter(b'@', b) {
            if at < last_end {
                continue;
            }
            let mut s = at;
            while s > 0 && local(b[s - 1]) && at - s < 64 {
                s -= 1;
            }
            if s > 0 && local(b[s - 1]) {
                continue; // local part longer than RFC 5321's 64 characters
            }
            while s < at && b[s] == b'.' {
                s += 1;
            }
            let mut e = at + 1;
            while e < b.len() && domain(b[e]) && e - at <= 255 {
                e += 1;
            }
            while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
                e -= 1;
            }
            if s == at || !b[at + 1..e].contains(&b'.') {
                continue;
            }
            if !self.report(cx, out, ItemKind::Email, &cx.text[s..e], s..e, None) {
                continue;
            }
            last_end = e;
            claimed.push(s..e);
            // QQ Mail addresses reveal the QQ number.
            let local_part = &cx.text[s..at];
            if cx.text[at + 1..e].eq_ignore_ascii_case("qq.com")
                && (5..=11).contains(&local_part.len())
                && local_part.bytes().all(|c| c.is_ascii_digit())
            {
                norm.clear();
                norm.push_str(local_part);
                self.report(cx, out, ItemKind::Qq, norm, s..at, Some(Context::Embedded));
            }
        }
    }

    /// Names and addresses right after their cue words.
    fn cues(&self, cx: &Cx<'_>, out: &mut Out<'_>, claimed: &mut Vec<Range<usize>>) {
        for h in cx.hits {
            let kw = &self.dict.keyword_info[h.kw as usize];
            let Some(kind) = kw.cue else { continue };
            let s = skip_label_separators(cx.text, h.end);
            let e = match kind {
                ItemKind::PersonName => name_end(cx, s),
                _ => address_end(cx, s),
            };
            let Some(e) = e else { continue };
            let raw = &cx.text[s..e];
            if self.report(cx, out, kind, raw, s..e, Some(Context::Cue(kw.term)))
                && kind == ItemKind::Address
            {
                claimed.push(s..e);
            }
        }
    }

    /// A token starting with a digit at `i`. Returns where scanning resumes.
    fn number(
        &self,
        cx: &Cx<'_>,
        out: &mut Out<'_>,
        norm: &mut String,
        groups: &mut Vec<Group>,
        cand: &mut String,
        i: usize,
    ) -> usize {
        let b = cx.bytes;
        let guarded = !alnum_before(b, i) || keyword_ends_at(cx.hits, i);
        if guarded {
            if let Some(end) = self.ipv6(cx, out, i) {
                return end;
            }
            if let Some(end) = self.parenthesised_landline(cx, out, norm, i) {
                return end;
            }
        }
        norm.clear();
        groups.clear();
        let mut j = read_digits(b, i, norm);
        groups.push(Group {
            bytes: (i, j),
            digits: (0, norm.len()),
        });
        if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
            return self.dotted(cx, out, norm, i, guarded);
        }
        while groups.len() < MAX_GROUPS {
            let s = separator(b, j);
            if s == 0 || digit_at(b, j + s).is_none() {
                break;
            }
            let d0 = norm.len();
            let e = read_digits(b, j + s, norm);
            groups.push(Group {
                bytes: (j + s, e),
                digits: (d0, norm.len()),
            });
            j = e;
        }
        let x = check_x(b, j);
        let end = j + x;
        if alnum_at(b, end) || (x == 0 && alnum_at(b, j)) {
            // Glued to letters: part of a longer token (a USCC starting with a digit, a
            // product code …), never a number of its own.
            let run = alnum_run_end(b, i);
            if guarded && groups.len() == 1 {
                self.alnum_token(cx, out, norm, i, run);
            }
            return run;
        }
        if !guarded {
            return end;
        }

        // Country prefix: `+86 138 …`, `0086-138…`.
        let mut first = 0;
        let mut prefix_start = None;
        if groups.len() >= 2 {
            let g0 = &norm[groups[0].digits.0..groups[0].digits.1];
            let plus = plus_before(b, i);
            if (g0 == "86" && plus.is_some()) || g0 == "0086" {
                first = 1;
                prefix_start = Some(plus.unwrap_or(i));
            }
        } else if let Some(p) = plus_before(b, i) {
            prefix_start = Some(p);
        }

        let ng = groups.len();
        let mut s = first;
        while s < ng {
            let mut matched = None;
            for e in (s..ng).rev() {
                let multi = e > s;
                if multi
                    && groups[s..=e]
                        .iter()
                        .any(|g| g.digits.1 - g.digits.0 > MAX_JOINED_GROUP)
                {
                    continue;
                }
                let last = e == ng - 1;
                let digits = &norm[groups[s].digits.0..groups[e].digits.1];
                let with_x = last && x > 0;
                if with_x && digits.len() != 17 {
                    continue;
                }
                cand.clear();
                cand.push_str(digits);
                if with_x {
                    cand.push('X');
                }
                let span_end = if with_x { end } else { groups[e].bytes.1 };
                let start = groups[s].bytes.0;
                let pre = if s == first { prefix_start } else { None };
                if self.classify_digits(cx, out, cand, start..span_end, multi, pre) {
                    matched = Some(e);
                    break;
                }
            }
            s = matched.map_or(s + 1, |e| e + 1);
        }
        end
    }

    /// Tries the types a run of ASCII digits (possibly ending in `X`) can be, strongest first.
    fn classify_digits(
        &self,
        cx: &Cx<'_>,
        out: &mut Out<'_>,
        d: &str,
        span: Range<usize>,
        multi: bool,
        prefix: Option<usize>,
    ) -> bool {
        use ItemKind::*;
        let n = d.len();
        let first = d.as_bytes()[0];
        let mobile_span = prefix.map_or(span.clone(), |p| p..span.end);
        if d.ends_with('X') {
            return self.report(cx, out, ResidentId, d, span, None);
        }
        if prefix.is_some() && n == 11 && first == b'1' {
            return self.report(cx, out, Mobile, d, mobile_span, None);
        }
        if multi {
            return match n {
                18 => self.report(cx, out, ResidentId, d, span, None),
                15 => self.report(cx, out, ResidentId, d, span, None),
                11 if first == b'1' => self.report(cx, out, Mobile, d, mobile_span, None),
                10..=12 if first == b'0' => self.report(cx, out, Landline, d, span, None),
                13..=19 => self.report(cx, out, BankCard, d, span, None),
                _ => false,
            };
        }
        match n {
            18 => {
                self.report(cx, out, ResidentId, d, span.clone(), None)
                    || self.report(cx, out, BankCard, d, span, None)
            }
            15 => {
                (d.starts_with("00861")
                    && self.report(cx, out, Mobile, &d[4..], mobile_span.clone(), None))
                    || self.report(cx, out, ResidentId, d, span.clone(), None)
                    || self.report(cx, out, Imei, d, span.clone(), None)
                    || self.report(cx, out, BankCard, d, span, None)
            }
            13 => {
                (d.starts_with("861")
                    && self.report(cx, out, Mobile, &d[2..], mobile_span.clone(), None))
                    || self.report(cx, out, BankCard, d, span, None)
            }
            14 | 16 | 17 | 19 => self.report(cx, out, BankCard, d, span, None),
            10..=12 if first == b'0' => self.report(cx, out, Landline, d, span, None),
            11 if first == b'1' => {
                self.report(cx, out, Mobile, d, span.clone(), None)
                    || self.report(cx, out, Qq, d, span, None)
            }
            8 => {
                self.report(cx, out, TaiwanPermit, d, span.clone(), None)
                    || self.report(cx, out, Qq, d, span, None)
            }
            5..=11 if first != b'0' => self.report(cx, out, Qq, d, span, None),
            _ => false,
        }
    }

    /// A dotted token at `i` (its first group already in `norm`): an IPv4 address, or the
    /// first number of a coordinate pair. Version strings (`1.2.3.4.5`, `v1.2.3.4`) fail the
    /// boundary or the part count.
    fn dotted(
        &self,
        cx: &Cx<'_>,
        out: &mut Out<'_>,
        norm: &mut String,
        i: usize,
        guarded: bool,
    ) -> usize {
        let b = cx.bytes;
        let (j, parts, short) = dotted_end(b, i);
        if alnum_at(b, j) || !guarded || (i > 0 && b[i - 1] == b'.') {
            return alnum_run_end(b, j);
        }
        if parts == 4 && short {
            self.report(cx, out, ItemKind::Ipv4, &cx.text[i..j], i..j, None);
            return j;
        }
        if parts != 2 {
            return j;
        }
        // A coordinate pair: `39.904200,116.407400`, `116.4074, 39.9042`, `-33.8688 151.2093`.
        let start = if i > 0 && b[i - 1] == b'-' && !alnum_before(b, i - 1) {
            i - 1
        } else {
            i
        };
        let mut k = j;
        let mut sep = false;
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        if b.get(k) == Some(&b',') {
            k += 1;
            sep = true;
        } else if b[k..].starts_with("，".as_bytes()) {
            k += 3;
            sep = true;
        }
        while k < b.len() && b[k] == b' ' {
            k += 1;
            sep = true;
        }
        if !sep {
            return j;
        }
        let s2 = k;
        if b.get(k) == Some(&b'-') {
            k += 1;
        }
        if !b.get(k).is_some_and(u8::is_ascii_digit) {
            return j;
        }
        let (e2, parts2, _) = dotted_end(b, k);
        if parts2 != 2 || alnum_at(b, e2) {
            return j;
        }
        let (a, c) = (&cx.text[start..j], &cx.text[s2..e2]);
        if decimals(a) < 4 || decimals(c) < 4 {
            return j;
        }
        let (Ok(x), Ok(y)) = (a.parse::<f64>(), c.parse::<f64>()) else {
            return j;
        };
        // Chinese map APIs write `lng,lat`; the contract wants `LAT,LON`. A first number that
        // cannot be a latitude, or that lies in China's longitude band while the second lies in
        // its latitude band, is a longitude.
        let lon_first = x.abs() > 90.0
            || ((73.0..=136.0).contains(&x)
                && (3.0..=54.0).contains(&y)
                && !(3.0..=54.0).contains(&x));
        norm.clear();
        if lon_first {
            norm.push_str(c);
            norm.push(',');
            norm.push_str(a);
        } else {
            norm.push_str(a);
            norm.push(',');
            norm.push_str(c);
        }
        if self.report(cx, out, ItemKind::GpsPoint, norm, start..e2, None) {
            e2
        } else {
            j
        }
    }

    /// An IPv6 address starting at `i` (a hex group followed by `:`): at least two colons and
    /// either a `::` or all eight groups, so times (`13:45:30`) and MAC addresses never qualify.
    fn ipv6(&self, cx: &Cx<'_>, out: &mut Out<'_>, i: usize) -> Option<usize> {
        let b = cx.bytes;
        let hex_end = i + b[i..]
            .iter()
            .take(5)
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        if b.get(hex_end) != Some(&b':') {
            return None;
        }
        let mut j = i;
        while j < b.len() && j - i < 64 && (b[j].is_ascii_hexdigit() || matches!(b[j], b':' | b'.'))
        {
            j += 1;
        }
        while j > i && b[j - 1] == b'.' {
            j -= 1;
        }
        let tok = &cx.text[i..j];
        let colons = tok.bytes().filter(|&c| c == b':').count();
        if colons < 2 || !(tok.contains("::") || colons == 7) || alnum_at(b, j) {
            return None;
        }
        self.report(cx, out, ItemKind::Ipv6, tok, i..j, None)
            .then_some(j)
    }

    /// A passport's two-line machine-readable zone (ICAO 9303 TD3: two lines of 44 characters,
    /// the first starting with `P`) at `i`. Its check digits make it self-evident: no keyword.
    fn mrz(&self, cx: &Cx<'_>, out: &mut Out<'_>, i: usize) -> Option<usize> {
        const LINE: usize = 44;
        let b = cx.bytes;
        let mrz_char = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'<';
        let line1 = b.get(i..i + LINE)?;
        if !line1.iter().all(mrz_char) {
            return None;
        }
        let mut j = i + LINE;
        if b.get(j) == Some(&b'\r') {
            j += 1;
        }
        if b.get(j) != Some(&b'\n') {
            return None;
        }
        let line2 = b.get(j + 1..j + 1 + LINE)?;
        let end = j + 1 + LINE;
        if !line2.iter().all(mrz_char) || b.get(end).is_some_and(mrz_char) {
            return None;
        }
        let raw = &cx.text[i..end];
        self.report(
            cx,
            out,
            ItemKind::Passport,
            raw,
            i..end,
            Some(Context::Embedded),
        )
        .then_some(end)
    }

    /// A landline written with its area code in parentheses: `(010)88886666`,
    /// `（0755）8601-3388`, `(010) 8888-6666`. `i` is the first digit of the area code.
    fn parenthesised_landline(
        &self,
        cx: &Cx<'_>,
        out: &mut Out<'_>,
        norm: &mut String,
        i: usize,
    ) -> Option<usize> {
        let b = cx.bytes;
        let open = if i >= 1 && b[i - 1] == b'(' {
            i - 1
        } else if i >= 3 && b[i - 3..i] == *"（".as_bytes() {
            i - 3
        } else {
            return None;
        };
        norm.clear();
        let j = read_digits(b, i, norm);
        if !(3..=4).contains(&norm.len()) || !norm.starts_with('0') {
            return None;
        }
        let mut k = if b.get(j) == Some(&b')') {
            j + 1
        } else if b[j..].starts_with("）".as_bytes()) {
            j + 3
        } else {
            return None;
        };
        if b.get(k) == Some(&b' ') {
            k += 1;
        }
        digit_at(b, k)?;
        let mut end = read_digits(b, k, norm);
        loop {
            let s = separator(b, end);
            if s == 0 || digit_at(b, end + s).is_none() || norm.len() > 12 {
                break;
            }
            end = read_digits(b, end + s, norm);
        }
        if alnum_at(b, end) {
            return None;
        }
        self.report(cx, out, ItemKind::Landline, norm, open..end, None)
            .then_some(end)
    }

    /// A token starting with an ASCII letter at `i`. Returns where scanning resumes.
    fn word(&self, cx: &Cx<'_>, out: &mut Out<'_>, norm: &mut String, i: usize) -> usize {
        let b = cx.bytes;
        if b[i].is_ascii_uppercase() && province_before(cx.text, i) {
            if let Some(end) = self.plate(cx, out, norm, i) {
                return end;
            }
        }
        let run = alnum_run_end(b, i);
        // `QQ12345678`, `IMEI860…`: a keyword glued to the number it labels.
        let idx = cx.hits.partition_point(|h| h.start < i);
        if let Some(h) = cx.hits.get(idx) {
            if h.start == i && h.end < run && b[h.end].is_ascii_digit() {
                return h.end;
            }
        }
        if alnum_before(b, i) {
            return run;
        }
        if let Some(end) = self.ipv6(cx, out, i) {
            return end;
        }
        if b[i] == b'P' {
            if let Some(end) = self.mrz(cx, out, i) {
                return end;
            }
        }
        // A dotted name (`www.example.com`, `a.b.c`) is not a token of its own.
        let mut end = run;
        while b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
            end = alnum_run_end(b, end + 1);
        }
        if end != run {
            return end;
        }
        self.alnum_token(cx, out, norm, i, run);
        // WeChat ids may hold `_` and `-`.
        let mut w = run;
        while w < b.len() && (b[w].is_ascii_alphanumeric() || matches!(b[w], b'_' | b'-')) {
            w += 1;
        }
        if (6..=20).contains(&(w - i)) && !alnum_at(b, w) {
            self.report(cx, out, ItemKind::WechatId, &cx.text[i..w], i..w, None);
        }
        w
    }

    /// An ASCII alphanumeric token `i..end`: a USCC, or a passport or permit number.
    fn alnum_token(&self, cx: &Cx<'_>, out: &mut Out<'_>, norm: &mut String, i: usize, end: usize) {
        let tok = &cx.bytes[i..end];
        let len = tok.len();
        if !tok.iter().any(u8::is_ascii_digit) || !(8..=18).contains(&len) {
            return;
        }
        norm.clear();
        norm.extend(tok.iter().map(|c| c.to_ascii_uppercase() as char));
        if len == 18 {
            self.report(cx, out, ItemKind::Uscc, norm, i..end, None);
        } else if len <= 11 && tok[0].is_ascii_alphabetic() {
            let _ = self.report(cx, out, ItemKind::Passport, norm, i..end, None)
                || self.report(cx, out, ItemKind::HkMacauPermit, norm, i..end, None);
        }
    }

    /// A plate: province character before `i`, letter at `i`, optional `·`, 5–6 serial
    /// characters, optional suffix character.
    fn plate(&self, cx: &Cx<'_>, out: &mut Out<'_>, norm: &mut String, i: usize) -> Option<usize> {
        let b = cx.bytes;
        let mut j = i + 1;
        if b[j..].starts_with("·".as_bytes()) {
            j += "·".len();
        } else if matches!(b.get(j), Some(b' ' | b'-')) {
            j += 1;
        }
        let s = j;
        while j < b.len() && j - s < 6 && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit()) {
            j += 1;
        }
        let mut end = j;
        if let Some(c) = cx.text[j..].chars().next() {
            if PLATE_SUFFIXES.contains(c) {
                end = j + c.len_utf8();
            }
        }
        // Five serial characters, or four before a suffix character (苏E1234挂).
        if j - s < 5 && !(j - s == 4 && end > j) {
            return None;
        }
        if alnum_at(b, end) {
            return None;
        }
        norm.clear();
        norm.push_str(&cx.text[i - 3..i + 1]);
        norm.push_str(&cx.text[s..end]);
        self.report(cx, out, ItemKind::Plate, norm, i - 3..end, None)
            .then_some(end)
    }
}

/// Whether a validated candidate is reported, given what its surroundings say, and if so with
/// which context and confidence (the scale in the module docs of `recognize`).
#[inline]
fn judge(verdict: &validate::Verdict, near: Near) -> Option<(Context, f32)> {
    let k = verdict.kind;
    let valid = verdict.failed.is_none();
    let checksum = k.has_checksum();
    let context = match near {
        Near::Positive(c) => c,
        Near::Negative if !(checksum && valid) => return None,
        _ => Context::None,
    };
    let labelled = matches!(context, Context::Header(_) | Context::JsonPath(_));
    let needs_context = k.needs_context()
        || k == ItemKind::Imei
        || (k == ItemKind::BankCard && !verdict.signals.contains(validate::Signals::KNOWN_IIN))
        || verdict.signals.contains(validate::Signals::LEGACY_15);
    if (!valid || needs_context) && !context.is_some() {
        return None;
    }
    let confidence = if !valid {
        if labelled {
            0.9
        } else {
            0.6
        }
    } else if labelled {
        if checksum && !needs_context {
            0.99
        } else {
            0.95
        }
    } else if needs_context {
        match context {
            Context::Cue(_) => 0.75,
            Context::Embedded => 0.9,
            _ => 0.8,
        }
    } else if checksum {
        match (context.is_some(), k) {
            (true, _) => 0.99,
            (false, ItemKind::BankCard) => 0.85,
            (false, _) => 0.9,
        }
    } else {
        match (context.is_some(), k) {
            (true, _) => 0.95,
            (false, ItemKind::Email) => 0.9,
            (false, ItemKind::Ipv4 | ItemKind::Ipv6 | ItemKind::GpsPoint) => 0.75,
            (false, _) => 0.85,
        }
    };
    Some((context, confidence))
}

/// Marks dropped every pending finding that overlaps a stronger one, and sorts by position.
pub(crate) fn resolve_overlaps(found: &mut [Pending]) {
    found.sort_unstable_by_key(|p| (p.span.start, std::cmp::Reverse(p.span.end)));
    let rank = |p: &Pending| {
        let valid = p.evidence.failed.is_none();
        (valid, valid && p.kind.has_checksum(), p.confidence)
    };
    let mut kept: Option<usize> = None;
    for idx in 0..found.len() {
        let Some(k) = kept else {
            kept = Some(idx);
            continue;
        };
        let (a, b) = (&found[k], &found[idx]);
        let overlap = b.span.start < a.span.end;
        let embedded = matches!((a.kind, b.kind), (ItemKind::Email, ItemKind::Qq));
        if !overlap || embedded {
            if b.span.end > a.span.end || !overlap {
                kept = Some(idx);
            }
            continue;
        }
        if rank(b) > rank(a) {
            found[k].dropped = true;
            kept = Some(idx);
        } else {
            found[idx].dropped = true;
        }
    }
}

/// The digit (as ASCII) of a full-width digit U+FF10–FF19 at `i`.
fn fw_digit(b: &[u8], i: usize) -> Option<u8> {
    match b.get(i..i + 3) {
        Some([0xEF, 0xBC, c @ 0x90..=0x99]) => Some(b'0' + (c - 0x90)),
        _ => None,
    }
}

/// The ASCII digit at `i` and its length in bytes (1, or 3 for a full-width digit).
fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i) {
        Some(c) if c.is_ascii_digit() => Some((*c, 1)),
        Some(0xEF) => fw_digit(b, i).map(|d| (d, 3)),
        _ => None,
    }
}

/// Reads digits from `i` into `norm`, returns the end.
fn read_digits(b: &[u8], mut i: usize, norm: &mut String) -> usize {
    while let Some((d, len)) = digit_at(b, i) {
        norm.push(d as char);
        i += len;
    }
    i
}

/// The length of a separator allowed inside a number at `i`: space, hyphen, full-width hyphen.
fn separator(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b' ' | b'-') => 1,
        Some(0xEF) if b.get(i + 1..i + 3) == Some(&[0xBC, 0x8D]) => 3,
        _ => 0,
    }
}

/// The length of an `X` check character at `i` (ASCII or full-width, either case), or 0.
fn check_x(b: &[u8], i: usize) -> usize {
    match b.get(i..) {
        Some([b'X' | b'x', ..]) => 1,
        Some([0xEF, 0xBC, 0xB8, ..] | [0xEF, 0xBD, 0x98, ..]) => 3,
        _ => 0,
    }
}

/// True when an ASCII or full-width letter or digit starts at `i`.
fn alnum_at(b: &[u8], i: usize) -> bool {
    match b.get(i..) {
        Some([c, ..]) if c.is_ascii_alphanumeric() => true,
        Some([0xEF, 0xBC, c, ..]) => matches!(c, 0x90..=0x99 | 0xA1..=0xBA),
        Some([0xEF, 0xBD, c, ..]) => matches!(c, 0x81..=0x9A),
        _ => false,
    }
}

/// True when the character before `i` is an ASCII or full-width letter or digit.
fn alnum_before(b: &[u8], i: usize) -> bool {
    (i > 0 && b[i - 1].is_ascii_alphanumeric())
        || (i >= 3 && alnum_at(b, i - 3) && b[i - 3] == 0xEF)
}

/// The end of the run of ASCII or full-width alphanumerics starting at `i`.
fn alnum_run_end(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(c) if c.is_ascii_alphanumeric() => i += 1,
            Some(0xEF) if alnum_at(b, i) => i += 3,
            _ => return i,
        }
    }
}

/// The start of a `+` (ASCII or full-width) right before `i`, allowing one space between.
fn plus_before(b: &[u8], i: usize) -> Option<usize> {
    let j = if i > 0 && b[i - 1] == b' ' { i - 1 } else { i };
    if j > 0 && b[j - 1] == b'+' {
        Some(j - 1)
    } else if j >= 3 && b[j - 3..j] == *"＋".as_bytes() {
        Some(j - 3)
    } else {
        None
    }
}

/// The end of `d+(.d+)*` from `i`, the number of parts, and whether every part has ≤ 3 digits.
fn dotted_end(b: &[u8], mut i: usize) -> (usize, usize, bool) {
    let mut parts = 0;
    let mut short = true;
    loop {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        parts += 1;
        short &= i - s <= 3;
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            return (i, parts, short);
        }
    }
}

/// Digits after the decimal point.
fn decimals(s: &str) -> usize {
    s.find('.').map_or(0, |p| s.len() - p - 1)
}

/// True when a province abbreviation ends right at `i`.
fn province_before(text: &str, i: usize) -> bool {
    i >= 3
        && text.is_char_boundary(i - 3)
        && text[i - 3..i]
            .chars()
            .next()
            .is_some_and(|c| PROVINCES.contains(c))
}

/// True when an ASCII keyword ends right at `i` (`QQ12345678`, `ID110105…`).
fn keyword_ends_at(hits: &[Hit], i: usize) -> bool {
    let idx = hits.partition_point(|h| h.end < i);
    hits.get(idx).is_some_and(|h| h.end == i)
}

/// True when a keyword or cue hit starts at `i`.
fn hit_starts_at(hits: &[Hit], i: usize) -> bool {
    let idx = hits.partition_point(|h| h.start < i);
    hits.get(idx).is_some_and(|h| h.start == i)
}

/// The number of characters in `b[from..to]`, or `None` when it exceeds `max`.
fn char_distance(b: &[u8], from: usize, to: usize, max: usize) -> Option<usize> {
    if to < from || to - from > max * 4 {
        return None;
    }
    let n = b[from..to].iter().filter(|&&c| c & 0xC0 != 0x80).count();
    (n <= max).then_some(n)
}

/// Skips the separators between a label and its value: `：`, `:`, `=`, spaces, `是`, `为`.
fn skip_label_separators(text: &str, mut i: usize) -> usize {
    for _ in 0..4 {
        match text[i..].chars().next() {
            Some(c @ (':' | '：' | '=' | ' ' | '\u{3000}' | '是' | '为')) => i += c.len_utf8(),
            _ => break,
        }
    }
    i
}

/// True for CJK unified ideographs (names are written in them).
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// The end of a name starting at `s`: 2–4 Han characters ending at a non-Han character or at
/// the next keyword. Longer runs are sentences, not names.
fn name_end(cx: &Cx<'_>, s: usize) -> Option<usize> {
    let mut j = s;
    let mut n = 0;
    // Names of minorities and transliterated names join their parts with `·` (买买提·艾力);
    // each part counts on its own against the length limit.
    let mut part = 0;
    let mut dots = 0;
    let mut prev_dot = false;
    for c in cx.text[s..].chars() {
        if matches!(c, '·' | '•') && part > 0 && dots < 3 {
            dots += 1;
            part = 0;
            prev_dot = true;
            j += c.len_utf8();
            continue;
        }
        if !is_han(c) || (n > 0 && hit_starts_at(cx.hits, j)) {
            break;
        }
        n += 1;
        part += 1;
        prev_dot = false;
        j += c.len_utf8();
        if part > MAX_NAME_CHARS {
            return None;
        }
    }
    if prev_dot {
        return None;
    }
    (n >= 2).then_some(j)
}

/// The end of an address starting at `s`: up to a line break, a clause separator, the next
/// keyword, or a run of 7+ digits (a phone number), at most [`MAX_ADDRESS_CHARS`] characters.
fn address_end(cx: &Cx<'_>, s: usize) -> Option<usize> {
    let b = cx.bytes;
    let mut j = s;
    let mut n = 0;
    let mut last_non_space = s;
    for c in cx.text[s..].chars() {
        if matches!(
            c,
            '\n' | '\r' | '\t' | ',' | '，' | ';' | '；' | '|' | '。' | '、' | '"' | '“' | '”'
        ) || (n > 0 && hit_starts_at(cx.hits, j))
            || n >= MAX_ADDRESS_CHARS
        {
            break;
        }
        if c.is_ascii_digit() && b[j..].iter().take_while(|d| d.is_ascii_digit()).count() >= 7 {
            break;
        }
        if c == ' ' && b.get(j + 1) == Some(&b' ') {
            break;
        }
        j += c.len_utf8();
        n += 1;
        if !c.is_whitespace() {
            last_non_space = j;
        }
    }
    (n >= 4).then_some(last_non_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_helpers() {
        let s = "１２a";
        assert_eq!(fw_digit(s.as_bytes(), 0), Some(b'1'));
        assert_eq!(digit_at(s.as_bytes(), 3), Some((b'2', 3)));
        assert!(alnum_at(s.as_bytes(), 6));
        assert!(alnum_at("Ａ".as_bytes(), 0));
        assert!(alnum_before(s.as_bytes(), 6));
        assert_eq!(check_x("Ｘ".as_bytes(), 0), 3);
        assert_eq!(separator("－".as_bytes(), 0), 3);
        assert_eq!(plus_before(b"+ 86", 2), Some(0));
        assert_eq!(dotted_end(b"1.2.3.4x", 0), (7, 4, true));
        assert_eq!(dotted_end(b"39.9042,", 0), (7, 2, false));
        assert_eq!(char_distance("一二三".as_bytes(), 0, 9, 3), Some(3));
        assert_eq!(char_distance("一二三".as_bytes(), 0, 9, 2), None);
        assert!(province_before("京A", 3));
        assert!(!province_before("中A", 3));
        assert_eq!(skip_label_separators("：是张三", 0), "：是".len());
    }
}
