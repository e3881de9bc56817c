//! The compiled-in dictionaries: column headers (`data/headers.tsv`), context keywords
//! (`data/keywords.tsv`) and cue words (`data/cues.tsv`).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::HeaderHint;
use crate::taxonomy::ContentClass;
use crate::ItemKind;

const HEADERS_TSV: &str = include_str!("../../data/headers.tsv");
const KEYWORDS_TSV: &str = include_str!("../../data/keywords.tsv");
const CUES_TSV: &str = include_str!("../../data/cues.tsv");

/// Longest run of ASCII header tokens joined into one dictionary lookup (`id_card_no` = 3).
const MAX_JOINED_TOKENS: usize = 4;
/// Headers longer than this are not column names; only their first bytes are classified.
const MAX_HEADER_BYTES: usize = 256;

/// One row of the header dictionary.
#[derive(Clone, Copy, Debug)]
struct HeaderEntry {
    term: &'static str,
    hint: HeaderHint,
    class: Option<ContentClass>,
}

/// The result of classifying one header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeaderMatch {
    pub hint: HeaderHint,
    pub term: Option<&'static str>,
    pub json_path: bool,
}

/// One keyword or cue word of the free-text automaton.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keyword {
    pub term: &'static str,
    /// Types this word is context for (bits of [`super::bit`]).
    pub kinds: u32,
    /// The word says a nearby number is not personal (订单号, 版本 …).
    pub negative: bool,
    /// The word introduces a value of this type (姓名 → a name follows).
    pub cue: Option<ItemKind>,
    /// A pure-ASCII word: it only counts as a whole word.
    pub ascii_word: bool,
}

/// Everything the recognizer looks up.
#[derive(Debug)]
pub(crate) struct Dictionaries {
    headers: Vec<HeaderEntry>,
    /// Pure-ASCII header terms, lower-cased with separators removed → index into `headers`.
    header_ascii: HashMap<String, usize>,
    /// Header terms with non-ASCII characters (matched as substrings).
    header_cjk: AhoCorasick,
    header_cjk_entries: Vec<usize>,
    /// Keywords and cue words for free text.
    pub keywords: AhoCorasick,
    pub keyword_info: Vec<Keyword>,
}

/// Rows of a TSV file: non-empty, non-comment lines split on tabs, with their line numbers.
fn rows(tsv: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    tsv.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').map(str::trim).collect()))
}

fn parse_hint(s: &str) -> Option<HeaderHint> {
    Some(match s {
        "-" => HeaderHint::Unknown,
        "lat" => HeaderHint::Latitude,
        "lon" => HeaderHint::Longitude,
        "free_text" => HeaderHint::FreeText,
        "not_pi" => HeaderHint::NotPi,
        other => HeaderHint::Item(other.parse().ok()?),
    })
}

/// Lower-cases ASCII and drops the separators `_ - . space` (`ID_Card` → `idcard`).
fn fold_ascii(term: &str) -> String {
    term.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn build_ac(patterns: &[&str]) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        // A full DFA: a few hundred short patterns make a small table, and the free-text scan
        // runs this automaton over every byte (measured: see benches/recognize.rs).
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        // The patterns are a few hundred short literals; building cannot exceed any limit.
        .expect("keyword automaton builds")
}

impl Dictionaries {
    /// Loads the dictionaries, ignoring malformed rows (the tests check there are none).
    pub fn load() -> Dictionaries {
        Dictionaries::load_checked().0
    }

    /// Loads the dictionaries and lists every malformed row as `file:line: problem`.
    pub fn load_checked() -> (Dictionaries, Vec<String>) {
        let mut errors = Vec::new();
        let mut headers = Vec::new();
        let mut header_ascii = HashMap::new();
        let mut cjk_terms = Vec::new();
        let mut header_cjk_entries = Vec::new();
        for (line, cols) in rows(HEADERS_TSV) {
            let [term, hint, class] = cols[..] else {
                errors.push(format!("headers.tsv:{line}: expected 3 columns"));
                continue;
            };
            let Some(hint) = parse_hint(hint) else {
                errors.push(format!("headers.tsv:{line}: unknown hint `{hint}`"));
                continue;
            };
            let class = match class {
                "-" => None,
                c => match c.parse() {
                    Ok(c) => Some(c),
                    Err(_) => {
                        errors.push(format!("headers.tsv:{line}: unknown class `{c}`"));
                        continue;
                    }
                },
            };
            let idx = headers.len();
            headers.push(HeaderEntry { term, hint, class });
            if term.is_ascii() {
                if header_ascii.insert(fold_ascii(term), idx).is_some() {
                    errors.push(format!("headers.tsv:{line}: duplicate term `{term}`"));
                }
            } else if cjk_terms.contains(&term) {
                errors.push(format!("headers.tsv:{line}: duplicate term `{term}`"));
            } else {
                cjk_terms.push(term);
                header_cjk_entries.push(idx);
            }
        }

        let mut keyword_info: Vec<Keyword> = Vec::new();
        let mut kw_terms: Vec<&'static str> = Vec::new();
        let mut entry = |term: &'static str| -> usize {
            let folded = |t: &str| t.to_ascii_lowercase();
            match kw_terms.iter().position(|t| folded(t) == folded(term)) {
                Some(i) => i,
                None => {
                    kw_terms.push(term);
                    keyword_info.push(Keyword {
                        term,
                        kinds: 0,
                        negative: false,
                        cue: None,
                        ascii_word: term.bytes().all(|b| b.is_ascii_alphanumeric()),
                    });
                    keyword_info.len() - 1
                }
            }
        };
        let mut kw_updates: Vec<(usize, u32, bool, Option<ItemKind>)> = Vec::new();
        for (line, cols) in rows(KEYWORDS_TSV) {
            let [term, kinds] = cols[..] else {
                errors.push(format!("keywords.tsv:{line}: expected 2 columns"));
                continue;
            };
            let mut mask = 0;
            let mut negative = false;
            for k in kinds.split(',') {
                if k == "not_pi" {
                    negative = true;
                } else if let Ok(kind) = k.parse::<ItemKind>() {
                    mask |= super::bit(kind);
                } else {
                    errors.push(format!("keywords.tsv:{line}: unknown type `{k}`"));
                }
            }
            kw_updates.push((entry(term), mask, negative, None));
        }
        for (line, cols) in rows(CUES_TSV) {
            let [term, kind] = cols[..] else {
                errors.push(format!("cues.tsv:{line}: expected 2 columns"));
                continue;
            };
            match kind.parse::<ItemKind>() {
                Ok(k @ (ItemKind::PersonName | ItemKind::Address)) => {
                    kw_updates.push((entry(term), 0, false, Some(k)));
                }
                _ => errors.push(format!("cues.tsv:{line}: `{kind}` is not a cue type")),
            }
        }
        for (i, mask, negative, cue) in kw_updates {
            let k = &mut keyword_info[i];
            k.kinds |= mask;
            k.negative |= negative;
            k.cue = k.cue.or(cue);
        }

        let dict = Dictionaries {
            headers,
            header_ascii,
            header_cjk: build_ac(&cjk_terms),
            header_cjk_entries,
            keywords: build_ac(&kw_terms),
            keyword_info,
        };
        (dict, errors)
    }

    /// Every dictionary entry a header matches, with the byte offset where the match ends and
    /// its length, in no particular order.
    fn header_matches(&self, name: &str, f: &mut dyn FnMut(usize, usize, &HeaderEntry)) -> bool {
        let (segment, json_path) = last_path_segment(name);
        let mut seg = segment;
        if seg.len() > MAX_HEADER_BYTES {
            let mut end = MAX_HEADER_BYTES;
            while !seg.is_char_boundary(end) {
                end -= 1;
            }
            seg = &seg[..end];
        }
        for m in self.header_cjk.find_iter(seg) {
            let e = &self.headers[self.header_cjk_entries[m.pattern().as_usize()]];
            f(m.end(), m.len(), e);
        }
        // ASCII tokens: split on anything not alphanumeric, on lower→upper (camelCase) and on
        // letter↔digit changes, then look up every run of up to MAX_JOINED_TOKENS tokens.
        let mut tokens: [(usize, usize); 16] = [(0, 0); 16];
        let mut n = 0;
        let bytes = seg.as_bytes();
        let mut i = 0;
        while i < bytes.len() && n < tokens.len() {
            if !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                let (p, c) = (bytes[i - 1], bytes[i]);
                let camel = p.is_ascii_lowercase() && c.is_ascii_uppercase();
                let digit_change = p.is_ascii_digit() != c.is_ascii_digit();
                if camel || digit_change {
                    break;
                }
                i += 1;
            }
            tokens[n] = (start, i);
            n += 1;
        }
        let mut key = String::new();
        for e in 0..n {
            for s in e.saturating_sub(MAX_JOINED_TOKENS - 1)..=e {
                key.clear();
                for &(a, b) in &tokens[s..=e] {
                    key.extend(seg[a..b].chars().map(|c| c.to_ascii_lowercase()));
                }
                if let Some(&idx) = self.header_ascii.get(key.as_str()) {
                    f(tokens[e].1, tokens[e].1 - tokens[s].0, &self.headers[idx]);
                }
            }
        }
        json_path
    }

    /// The hint of a header: among matches with a hint, the one ending last wins (Chinese
    /// compounds are head-final: 联系人手机 is a phone); ties go to the longest match.
    pub fn classify_header(&self, name: &str) -> HeaderMatch {
        let mut best: Option<(usize, usize, HeaderEntry)> = None;
        let json_path = self.header_matches(name, &mut |end, len, e| {
            if e.hint == HeaderHint::Unknown {
                return;
            }
            let better = match best {
                None => true,
                Some((be, bl, _)) => (end, len) > (be, bl),
            };
            if better {
                best = Some((end, len, *e));
            }
        });
        match best {
            Some((_, _, e)) => HeaderMatch {
                hint: e.hint,
                term: Some(e.term),
                json_path,
            },
            None => HeaderMatch {
                hint: HeaderHint::Unknown,
                term: None,
                json_path,
            },
        }
    }

    /// Every content class a header names.
    pub fn header_classes(&self, name: &str, f: &mut dyn FnMut(ContentClass)) {
        self.header_matches(name, &mut |_, _, e| {
            if let Some(c) = e.class {
                f(c);
            }
        });
    }
}

/// The last segment of a JSON path (`$.user.phone` → `phone`, `a.b[3]` → `b`,
/// `$['user']['手机']` → `手机`), and whether the name looked like a path at all.
fn last_path_segment(name: &str) -> (&str, bool) {
    let mut s = name.trim();
    let path = s.starts_with('$') || s.contains('[') || s.contains('.');
    if !path {
        return (s, false);
    }
    loop {
        s = s.trim_end();
        if let Some(inner) = s.strip_suffix(']') {
            if let Some(p) = inner.rfind('[') {
                let key = inner[p + 1..].trim();
                let unquoted = key
                    .strip_prefix('\'')
                    .and_then(|k| k.strip_suffix('\''))
                    .or_else(|| key.strip_prefix('"').and_then(|k| k.strip_suffix('"')));
                if let Some(k) = unquoted {
                    return (k, true);
                }
                s = &s[..p];
                continue;
            }
        }
        break;
    }
    let seg = s
        .rsplit('.')
        .find(|x| !x.is_empty())
        .unwrap_or("")
        .trim_start_matches('$');
    (seg, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(name: &str) -> HeaderHint {
        Dictionaries::load().classify_header(name).hint
    }

    #[test]
    fn data_files_have_no_malformed_rows() {
        let (d, errors) = Dictionaries::load_checked();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(d.headers.len() > 200);
        assert!(d.keyword_info.len() > 80);
    }

    #[test]
    fn pinyin_chinese_and_english_headers() {
        use HeaderHint::*;
        for (name, want) in [
            ("sfzh", Item(ItemKind::ResidentId)),
            ("SFZH", Item(ItemKind::ResidentId)),
            ("zjhm", Item(ItemKind::ResidentId)),
            ("身份证号", Item(ItemKind::ResidentId)),
            ("证件号码", Item(ItemKind::ResidentId)),
            ("id_card", Item(ItemKind::ResidentId)),
            ("idCardNo", Item(ItemKind::ResidentId)),
            ("xm", Item(ItemKind::PersonName)),
            ("姓名", Item(ItemKind::PersonName)),
            ("name", Item(ItemKind::PersonName)),
            ("sjh", Item(ItemKind::Mobile)),
            ("sjhm", Item(ItemKind::Mobile)),
            ("手机", Item(ItemKind::Mobile)),
            ("mobile", Item(ItemKind::Mobile)),
            ("phone", Item(ItemKind::Mobile)),
            ("lxdh", Item(ItemKind::Mobile)),
            ("联系电话", Item(ItemKind::Mobile)),
            ("dz", Item(ItemKind::Address)),
            ("地址", Item(ItemKind::Address)),
            ("address", Item(ItemKind::Address)),
            ("yhkh", Item(ItemKind::BankCard)),
            ("银行卡号", Item(ItemKind::BankCard)),
            ("card_no", Item(ItemKind::BankCard)),
            ("cph", Item(ItemKind::Plate)),
            ("车牌号", Item(ItemKind::Plate)),
            ("hzhm", Item(ItemKind::Passport)),
            ("护照", Item(ItemKind::Passport)),
            ("passport", Item(ItemKind::Passport)),
            ("qq", Item(ItemKind::Qq)),
            ("wx", Item(ItemKind::WechatId)),
            ("微信", Item(ItemKind::WechatId)),
            ("email", Item(ItemKind::Email)),
            ("邮箱", Item(ItemKind::Email)),
            ("ip", Item(ItemKind::Ipv4)),
            ("imei", Item(ItemKind::Imei)),
            ("tyshxydm", Item(ItemKind::Uscc)),
            ("统一社会信用代码", Item(ItemKind::Uscc)),
            ("jd", Longitude),
            ("wd", Latitude),
            ("经度", Longitude),
            ("纬度", Latitude),
            ("lng", Longitude),
            ("lat", Latitude),
            ("订单号", NotPi),
            ("order_id", NotPi),
            ("时间", NotPi),
            ("timestamp", NotPi),
            ("金额", NotPi),
            ("amount", NotPi),
            ("id", NotPi),
            ("备注", FreeText),
        ] {
            assert_eq!(hint(name), want, "header {name:?}");
        }
    }

    #[test]
    fn ascii_terms_match_whole_tokens_only() {
        // Presidio's substring bug: `ip` inside `recipient`.
        assert_eq!(hint("recipient"), HeaderHint::Item(ItemKind::PersonName));
        assert_eq!(hint("zipcode"), HeaderHint::Unknown);
        assert_eq!(hint("xml"), HeaderHint::Unknown);
        assert_eq!(hint("client_ip"), HeaderHint::Item(ItemKind::Ipv4));
        assert_eq!(hint("clientIp"), HeaderHint::Item(ItemKind::Ipv4));
        assert_eq!(hint("phone2"), HeaderHint::Item(ItemKind::Mobile));
        assert_eq!(hint("company_name"), HeaderHint::NotPi);
    }

    #[test]
    fn head_final_compounds_take_the_last_match() {
        assert_eq!(hint("联系人手机号"), HeaderHint::Item(ItemKind::Mobile));
        assert_eq!(hint("收件人地址"), HeaderHint::Item(ItemKind::Address));
        assert_eq!(hint("手机归属地"), HeaderHint::NotPi);
        assert_eq!(hint("入住时间"), HeaderHint::NotPi);
        assert_eq!(hint("recipient_phone"), HeaderHint::Item(ItemKind::Mobile));
        assert_eq!(hint("create_time"), HeaderHint::NotPi);
    }

    #[test]
    fn json_paths_use_their_last_segment() {
        let d = Dictionaries::load();
        let m = d.classify_header("$.user.phone");
        assert_eq!(m.hint, HeaderHint::Item(ItemKind::Mobile));
        assert!(m.json_path);
        assert_eq!(m.term, Some("phone"));
        assert_eq!(
            d.classify_header("data.items[12].sfzh").hint,
            HeaderHint::Item(ItemKind::ResidentId)
        );
        assert_eq!(
            d.classify_header("$['user']['手机']").hint,
            HeaderHint::Item(ItemKind::Mobile)
        );
        assert_eq!(d.classify_header("$.user").hint, HeaderHint::Unknown);
        assert_eq!(d.classify_header("$[0]").hint, HeaderHint::Unknown);
        assert!(!d.classify_header("sfzh").json_path);
    }

    #[test]
    fn hostile_headers_do_not_panic() {
        let d = Dictionaries::load();
        for name in [
            "", "$", "[", "]", "[[]]", "$.", "...", "a]", "['", "'']", "$['x",
        ] {
            let _ = d.classify_header(name);
        }
        let long = "手机".repeat(10_000);
        assert_eq!(
            d.classify_header(&long).hint,
            HeaderHint::Item(ItemKind::Mobile)
        );
    }
}
