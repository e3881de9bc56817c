//! Postal and home addresses (`address`).
//!
//! An address is valid when it names a known administrative division — a province, city or
//! county-level name of the GB/T 2260 list (`regions`), or the short form of a province or city
//! name (广东, 深圳) — and holds at least one address token (省 市 区 县 镇 乡 街道 路 号 楼 单元
//! 室 …) outside that name, or chains two divisions and goes on with a place name
//! (`广东省深圳市南山区科技园`). Anything else is `None`: a bare division (`北京市朝阳区`) is not a
//! postal address, and a fragment without a known place (`3号楼2单元`) is not evidence of an
//! untrue address. Canonical form: whitespace collapsed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::{name::is_cjk, normalize, regions, Verdict};
use crate::ItemKind;

/// Tokens that mark a string as an address.
pub const TOKENS: &[&str] = &[
    "省", "市", "区", "县", "镇", "乡", "街道", "路", "号", "楼", "单元", "室", "村", "街", "巷",
    "弄", "栋", "幢", "大道", "小区", "旗", "州",
];

/// A division named in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Division {
    /// A GB/T 2260 code carrying that name.
    pub code: u32,
    /// Byte span of the name in the text.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
}

/// Names too generic to locate anything (placeholders of the code list and common words).
fn is_generic(name: &str) -> bool {
    name.contains("直辖")
        || name.contains("辖区")
        || matches!(
            name,
            "县" | "郊区" | "城区" | "矿区" | "市区" | "新区" | "开发区"
        )
}

/// Short forms: 广东省 → 广东, 广西壮族自治区 → 广西, 深圳市 → 深圳, 香港特别行政区 → 香港.
fn short_form(name: &str, code: u32) -> Option<&str> {
    if !code.is_multiple_of(100) {
        return None;
    }
    let short = if code.is_multiple_of(10_000) {
        let s = name
            .trim_end_matches("特别行政区")
            .trim_end_matches("自治区")
            .trim_end_matches("省")
            .trim_end_matches("市");
        // 广西壮族, 宁夏回族, 新疆维吾尔, 内蒙古, 西藏.
        ["壮族", "回族", "维吾尔"]
            .iter()
            .fold(s, |s, suffix| s.trim_end_matches(suffix))
    } else {
        name.strip_suffix('市')?
    };
    (short.chars().count() >= 2 && short != name).then_some(short)
}

/// Every division name (full and short forms), one code standing for each name.
fn gazetteer_names() -> Vec<(&'static str, u32)> {
    let mut names: Vec<(&'static str, u32)> = Vec::new();
    for r in regions::iter() {
        if r.name.chars().count() < 2 || is_generic(r.name) {
            continue;
        }
        names.push((r.name, r.code));
        if let Some(s) = short_form(r.name, r.code) {
            names.push((s, r.code));
        }
    }
    // One entry per name; the first (lowest) code stands for it.
    names.sort_unstable();
    names.dedup_by(|a, b| a.0 == b.0);
    names
}

/// Bits in [`Gazetteer::filter`].
const FILTER_BITS: usize = 1 << 16;

/// The division names, indexed by their first two characters.
///
/// Written by hand instead of an Aho-Corasick automaton because of cache behaviour: over
/// ~10,000 CJK names a full DFA is tens of MB, so every byte of an address cost a cache miss
/// and this search was the largest single cost of a scan. Every name is at least two
/// characters, so a 64 Kbit filter over character pairs (L1-resident) rejects almost every
/// position, and the few candidates are checked against the handful of names with that
/// prefix. The matches are the same (leftmost-longest, non-overlapping); a test checks this
/// against `aho-corasick`.
struct Gazetteer {
    /// A bit per hashed character pair that starts some name.
    filter: Vec<u64>,
    /// Names by first two characters, longest first, with their codes.
    by_prefix: HashMap<u64, Vec<(&'static str, u32)>, BuildHasherDefault<PairHasher>>,
}

/// Hashes a packed character pair (std's SipHash showed in profiles; the keys are not
/// attacker-chosen hash-flooding material: the table is built once from the region list).
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

fn pack((a, b): (char, char)) -> u64 {
    u64::from(u32::from(a)) << 32 | u64::from(u32::from(b))
}

fn pair_bit((a, b): (char, char)) -> usize {
    let h = (a as u32).wrapping_mul(0x9E37_79B1) ^ (b as u32).wrapping_mul(0x85EB_CA77);
    (h >> 16) as usize % FILTER_BITS
}

fn first_pair(s: &str) -> Option<(char, char)> {
    let mut chars = s.chars();
    Some((chars.next()?, chars.next()?))
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut g = Gazetteer {
            filter: vec![0; FILTER_BITS / 64],
            by_prefix: HashMap::default(),
        };
        for (name, code) in gazetteer_names() {
            let Some(pair) = first_pair(name) else {
                continue;
            };
            let bit = pair_bit(pair);
            g.filter[bit / 64] |= 1 << (bit % 64);
            g.by_prefix
                .entry(pack(pair))
                .or_default()
                .push((name, code));
        }
        for names in g.by_prefix.values_mut() {
            names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        }
        g
    })
}

impl Gazetteer {
    /// The longest name that `text` starts with.
    fn longest_at(&self, text: &str) -> Option<(&'static str, u32)> {
        let pair = first_pair(text)?;
        let bit = pair_bit(pair);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.by_prefix
            .get(&pack(pair))?
            .iter()
            .find(|(name, _)| text.starts_with(name))
            .copied()
    }
}

/// The divisions named in `text`, leftmost-longest, without overlaps.
pub fn divisions(text: &str) -> impl Iterator<Item = Division> + '_ {
    let g = gazetteer();
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) {
            if let Some((name, code)) = g.longest_at(&text[at..]) {
                let start = at;
                at += name.len();
                return Some(Division {
                    code,
                    start,
                    end: at,
                });
            }
            at += c.len_utf8();
        }
        None
    })
}

/// True when an address token starts at the beginning of `text`.
fn token_at(text: &str) -> bool {
    static FIRST: OnceLock<Vec<char>> = OnceLock::new();
    let first = FIRST.get_or_init(|| {
        let mut v: Vec<char> = TOKENS.iter().filter_map(|t| t.chars().next()).collect();
        v.sort_unstable();
        v.dedup();
        v
    });
    text.chars()
        .next()
        .is_some_and(|c| first.binary_search(&c).is_ok())
        && TOKENS.iter().any(|t| text.starts_with(t))
}

/// Validates an address (see the module docs).
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    if raw.len() > 1024 {
        return None;
    }
    normalize::collapse_whitespace_into(raw, canon);
    let chars = canon.chars().count();
    if !(4..=200).contains(&chars) || !canon.chars().any(is_cjk) {
        return None;
    }
    // Spans of division names; the address needs a token outside all of them. Eight spans are
    // plenty for one address and keep this allocation-free.
    let mut spans = [(0usize, 0usize); 8];
    let mut n = 0;
    for d in divisions(canon).take(spans.len()) {
        spans[n] = (d.start, d.end);
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let spans = &spans[..n];
    let outside = |i: usize| !spans.iter().any(|&(s, e)| i >= s && i < e);
    // A token starting at any position outside the names (so a token inside a division name
    // cannot hide another one outside it).
    let has_token = canon
        .char_indices()
        .any(|(i, _)| outside(i) && token_at(&canon[i..]));
    // A chain of divisions followed by a place name without a street token
    // (`广东省深圳市南山区科技园`) is an address too; a bare chain (`北京市朝阳区`) is not.
    let chained_place = n >= 2
        && canon
            .char_indices()
            .filter(|&(i, c)| is_cjk(c) && outside(i))
            .nth(1)
            .is_some();
    (has_token || chained_place).then(|| Verdict::pass(ItemKind::Address))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(raw: &str) -> Option<String> {
        let mut c = String::new();
        validate(raw, &mut c).map(|_| c)
    }

    #[test]
    fn addresses() {
        assert_eq!(
            addr("北京市  朝阳区 建国路88号").as_deref(),
            Some("北京市 朝阳区 建国路88号")
        );
        assert!(addr("广东深圳南山区科技园路1号").is_some());
        assert!(addr("浙江省杭州市西湖区文三路478号3单元201室").is_some());
        assert!(addr("上海浦东新区世纪大道100号").is_some());
        assert!(addr("广东省深圳市南山区科技园").is_some());
    }

    /// The hand-written matcher finds exactly what a leftmost-longest Aho-Corasick automaton
    /// over the same names finds.
    #[test]
    fn divisions_match_aho_corasick() {
        use aho_corasick::{AhoCorasick, MatchKind};
        let names = gazetteer_names();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(names.iter().map(|n| n.0))
            .unwrap();
        // Texts made of name pieces, tokens and filler, so matches touch, nest and overlap.
        let mut state = 0x2545_f491_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(8) {
                match next(4) {
                    0 => text.push_str(names[next(names.len())].0),
                    1 => {
                        let name = names[next(names.len())].0;
                        let cut = name.char_indices().nth(1).map_or(name.len(), |(i, _)| i);
                        text.push_str(&name[cut..]);
                    }
                    2 => text.push_str(TOKENS[next(TOKENS.len())]),
                    _ => text.push_str(["a", "12号", "科技园", "东", "中"][next(5)]),
                }
            }
            let ours: Vec<(usize, usize, u32)> =
                divisions(&text).map(|d| (d.start, d.end, d.code)).collect();
            let theirs: Vec<(usize, usize, u32)> = ac
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), names[m.pattern().as_usize()].1))
                .collect();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn not_addresses() {
        for raw in [
            "北京市",
            "朝阳区",
            "北京市朝阳区",
            "广东省深圳市",
            "3号楼2单元",
            "hello world 1号",
            "今天天气很好",
            "",
        ] {
            assert_eq!(addr(raw), None, "{raw}");
        }
    }
}
