//! Postal and home addresses (`address`).
//!
//! An address is valid when it names a known administrative division — a province, city or
//! county-level name of the GB/T 2260 list (`regions`), or the short form of a province or city
//! name (广东, 深圳) — and holds at least one address token (省 市 区 县 镇 乡 街道 路 号 楼 单元
//! 室 …) outside that name, or chains two divisions and goes on with a place name
//! (`广东省深圳市南山区科技园`). Anything else is `None`: a bare division (`北京市朝阳区`) is not a
//! postal address, and a fragment without a known place (`3号楼2单元`) is not evidence of an
//! untrue address. Canonical form: whitespace collapsed.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{name::is_cjk, normalize, regions, Verdict};
use crate::ItemKind;

/// Tokens that mark a string as an address.
pub const TOKENS: &[&str] = &[
    "省", "市", "区", "县", "镇", "乡", "街道", "路", "号", "楼", "单元", "室", "村", "街", "巷",
    "弄", "栋", "幢", "大道", "小区", "旗", "州",
];

/// The address tokens as one automaton.
fn tokens() -> Option<&'static AhoCorasick> {
    static T: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    T.get_or_init(|| {
        AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(TOKENS)
            .ok()
    })
    .as_ref()
}

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

struct Gazetteer {
    ac: AhoCorasick,
    codes: Vec<u32>,
}

fn gazetteer() -> Option<&'static Gazetteer> {
    static G: OnceLock<Option<Gazetteer>> = OnceLock::new();
    G.get_or_init(|| {
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
        // One pattern per name; the first (lowest) code stands for it.
        names.sort();
        names.dedup_by(|a, b| a.0 == b.0);
        // A full DFA: with ~10,000 names the default (a contiguous NFA) made this search the
        // largest cost of scanning address columns; the DFA is about twice as fast for a few
        // MB of memory, built once.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(names.iter().map(|n| n.0))
            .ok()?;
        Some(Gazetteer {
            ac,
            codes: names.iter().map(|n| n.1).collect(),
        })
    })
    .as_ref()
}

/// The divisions named in `text`, leftmost-longest, without overlaps.
pub fn divisions(text: &str) -> impl Iterator<Item = Division> + '_ {
    gazetteer().into_iter().flat_map(move |g| {
        g.ac.find_iter(text).map(|m| Division {
            code: g.codes.get(m.pattern().as_usize()).copied().unwrap_or(0),
            start: m.start(),
            end: m.end(),
        })
    })
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
    // One pass for all tokens (overlapping, so a token inside a division name cannot hide
    // another one outside it).
    let has_token = tokens().is_some_and(|ac| {
        ac.find_overlapping_iter(canon.as_str())
            .any(|m| outside(m.start()))
    });
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
