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
///
/// The pair is keyed by its UTF-8 bytes (two CJK characters: 6 bytes) packed into a `u64`
/// rather than by decoded characters: the key is one masked load per position, and a
/// candidate name only needs its bytes after the pair compared (profiles of the decoding
/// version showed the decoding and the `memcmp` calls of `starts_with` as much as the lookup).
struct Gazetteer {
    /// A bit per hashed pair key that starts some name.
    filter: Vec<u64>,
    /// Open-addressing table (linear probing, at most half full) from pair key to the range of
    /// its names in `names`. A flat table rather than a `HashMap`: most addresses are made of
    /// division names, so many positions pass the filter and the lookup itself showed in
    /// profiles.
    slots: Vec<Slot>,
    /// Every name with its code, grouped by pair key, each group longest first, packed into
    /// bytes: per name the length of its tail (the bytes after the pair) as one byte, the
    /// tail, and the code as 4 little-endian bytes. A slot's range covers its group. Packed
    /// rather than a `Vec<(&str, u32)>` pointing into the data file, so that a probe touches
    /// one or two cache lines here instead of a cache line of the array and another of the
    /// name (profiles showed both as misses on nearly every division of an address).
    packed: Vec<u8>,
}

/// One slot of [`Gazetteer::slots`]. An empty slot has key 0 and an empty range (a text
/// starting with two NUL characters has key 0 too, and finds no names there, as it should).
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    start: u32,
    end: u32,
}

/// Length of the UTF-8 sequence that `lead` starts (`lead` is at a character boundary).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The bytes of the first two characters of `text`, packed little-endian into a `u64` (at most
/// 8 bytes; the rest zero), and their length; `None` when `text` has fewer than two
/// characters. UTF-8 is prefix-free, so two texts get the same key exactly when they start
/// with the same two characters.
fn pair_key(text: &[u8]) -> Option<(u64, usize)> {
    let w1 = utf8_width(*text.first()?);
    let k = w1 + utf8_width(*text.get(w1)?);
    // `text` is valid UTF-8 from a character boundary, so both characters are complete.
    let key = match text.first_chunk::<8>() {
        Some(head) => u64::from_le_bytes(*head) & (u64::MAX >> (64 - 8 * k)),
        None => {
            let mut head = [0u8; 8];
            head[..k].copy_from_slice(text.get(..k)?);
            u64::from_le_bytes(head)
        }
    };
    Some((key, k))
}

fn mix(key: u64) -> u64 {
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn pair_bit(key: u64) -> usize {
    (mix(key) >> 48) as usize % FILTER_BITS
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut keyed: Vec<(u64, &'static str, u32)> = gazetteer_names()
            .into_iter()
            .filter_map(|(name, code)| Some((pair_key(name.as_bytes())?.0, name, code)))
            .collect();
        // Grouped by key, longest name first within a group (names are unique, so the order of
        // equally long names does not matter: at most one of them can match).
        keyed.sort_by_key(|&(key, name, _)| (key, std::cmp::Reverse(name.len())));
        let groups = keyed.len();
        let mut g = Gazetteer {
            filter: vec![0; FILTER_BITS / 64],
            slots: vec![Slot::default(); (2 * groups).next_power_of_two().max(2)],
            packed: Vec::new(),
        };
        let mask = g.slots.len() - 1;
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            let key = group[0].0;
            let bit = pair_bit(key);
            g.filter[bit / 64] |= 1 << (bit % 64);
            let start = g.packed.len();
            for &(_, name, code) in group {
                // Every name has its pair (it has a key); tails are a few characters, far
                // below 256 bytes (a test checks every name is found).
                let k = pair_key(name.as_bytes()).map_or(0, |(_, k)| k);
                let tail = &name.as_bytes()[k..];
                let Ok(len) = u8::try_from(tail.len()) else {
                    continue;
                };
                g.packed.push(len);
                g.packed.extend_from_slice(tail);
                g.packed.extend_from_slice(&code.to_le_bytes());
            }
            let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(g.packed.len())) else {
                break;
            };
            let mut i = g.slot_of(key);
            while g.slots[i].end != 0 {
                i = (i + 1) & mask;
            }
            g.slots[i] = Slot {
                key,
                start: s,
                end: e,
            };
        }
        g
    })
}

impl Gazetteer {
    /// The first slot to probe for `key`.
    fn slot_of(&self, key: u64) -> usize {
        // The table size is a power of two; the high bits of the product are the well-mixed
        // ones.
        (mix(key) >> 32) as usize & (self.slots.len() - 1)
    }

    /// The longest name that `text` starts with: its length in bytes and its code.
    #[inline]
    fn longest_at(&self, text: &[u8]) -> Option<(usize, u32)> {
        let (key, k) = pair_key(text)?;
        let bit = pair_bit(key);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(key);
        // Bounded by the table size; an empty slot (the table is at most half full) ends the
        // probe long before.
        for _ in 0..self.slots.len() {
            let slot = self.slots[i];
            if slot.key == key || slot.end == 0 {
                let mut group = self.packed.get(slot.start as usize..slot.end as usize)?;
                let rest = &text[k..];
                // The first `k` bytes are equal (same key); compare the tails byte by byte:
                // they are a few bytes long, shorter than a `memcmp` call's own overhead.
                while let Some((&len, after)) = group.split_first() {
                    let len = usize::from(len);
                    let (tail, after) = after.split_at_checked(len)?;
                    let (code, after) = after.split_first_chunk::<4>()?;
                    if rest.get(..len).is_some_and(|r| r.iter().eq(tail)) {
                        return Some((k + len, u32::from_le_bytes(*code)));
                    }
                    group = after;
                }
                return None;
            }
            i = (i + 1) & mask;
        }
        None
    }
}

/// The divisions named in `text`, leftmost-longest, without overlaps.
pub fn divisions(text: &str) -> impl Iterator<Item = Division> + '_ {
    let g = gazetteer();
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(&lead) = bytes.get(at) {
            if let Some((len, code)) = g.longest_at(&bytes[at..]) {
                let start = at;
                at += len;
                return Some(Division {
                    code,
                    start,
                    end: at,
                });
            }
            at += utf8_width(lead);
        }
        None
    })
}

/// True when an address token ([`TOKENS`]) starts at the beginning of `text`, whose first
/// character is `c`. One bit lookup per character instead of a `match` (whose comparison tree
/// mispredicted on the varied characters of addresses; the `starts_with` calls before it
/// showed in profiles); a test checks it against [`TOKENS`].
fn token_at(c: char, text: &str) -> bool {
    let i = (c as usize).wrapping_sub(CJK_BASE);
    let bit = |bits: &[u64; TOKEN_WORDS]| {
        bits.get(i / 64)
            .is_some_and(|word| word >> (i % 64) & 1 != 0)
    };
    bit(&TOKEN_SINGLE)
        || (bit(&TOKEN_FIRST)
            && text
                .get(c.len_utf8()..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|next| {
                    matches!((c, next), ('单', '元') | ('大', '道') | ('小', '区'))
                }))
}

/// First code point of the CJK basic block, where the token bitmaps start.
const CJK_BASE: usize = 0x4E00;
/// Words of a bitmap over the CJK basic block (U+4E00–U+9FFF).
const TOKEN_WORDS: usize = (0xA000 - CJK_BASE) / 64;

/// A bitmap of `chars` (all in the CJK basic block) over the block.
const fn token_bits(chars: &[char]) -> [u64; TOKEN_WORDS] {
    let mut bits = [0u64; TOKEN_WORDS];
    let mut k = 0;
    while k < chars.len() {
        let i = chars[k] as usize - CJK_BASE;
        bits[i / 64] |= 1 << (i % 64);
        k += 1;
    }
    bits
}

/// The one-character tokens.
static TOKEN_SINGLE: [u64; TOKEN_WORDS] = token_bits(&[
    '省', '市', '区', '县', '镇', '乡', '路', '号', '楼', '室', '村', '街', '巷', '弄', '栋', '幢',
    '旗', '州',
]);
/// The first characters of the two-character tokens that are not tokens themselves.
static TOKEN_FIRST: [u64; TOKEN_WORDS] = token_bits(&['单', '大', '小']);

/// Most division names an address is checked against; later names count as ordinary text.
/// Eight are plenty for one address (the cap predates the one-pass search and is kept so that
/// verdicts do not change).
const MAX_DIVISIONS: usize = 8;

/// Validates an address (see the module docs).
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    if raw.len() > 1024 {
        return None;
    }
    normalize::collapse_whitespace_into(raw, canon);
    // 16 to 200 bytes are 4 to 200 characters whatever they are (at most 4 bytes each):
    // counting is only needed outside that range.
    if !(16..=200).contains(&canon.len()) && !(4..=200).contains(&canon.chars().count()) {
        return None;
    }
    // The old requirement of some CJK character needs no pass of its own: every verdict needs a
    // division name, and every name is CJK (a test checks the gazetteer).
    //
    // One left-to-right pass over the divisions (leftmost-longest, like `divisions`) and the
    // text between them, stopping as soon as the verdict is known. The address needs a division
    // and a token outside every division (a token inside a name cannot stand for one outside
    // it), or a chain of two divisions and a place name outside them: two CJK characters
    // (`广东省深圳市南山区科技园`; a bare chain such as `北京市朝阳区` is not an address).
    let g = gazetteer();
    let bytes = canon.as_bytes();
    let (mut divisions, mut token, mut cjk_outside) = (0usize, false, 0usize);
    let mut at = 0;
    while at < bytes.len() {
        let division = (divisions < MAX_DIVISIONS)
            .then(|| g.longest_at(&bytes[at..]))
            .flatten();
        if let Some((len, _)) = division {
            divisions += 1;
            at += len;
        } else {
            let c = canon[at..].chars().next()?;
            token |= token_at(c, &canon[at..]);
            cjk_outside += usize::from(is_cjk(c));
            at += c.len_utf8();
        }
        // Bitwise, not short-circuit: one branch per step instead of a chain of them.
        if (token & (divisions >= 1)) | ((divisions >= 2) & (cjk_outside >= 2)) {
            return Some(Verdict::pass(ItemKind::Address));
        }
    }
    None
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

    /// The address validator as it was before the one-pass rewrite, kept verbatim as the
    /// reference for `one_pass_matches_reference` (with divisions from an Aho-Corasick
    /// automaton, which `divisions_match_aho_corasick` shows equal to [`divisions`]).
    mod reference {
        use super::super::{gazetteer_names, is_cjk, normalize, ItemKind, Verdict, TOKENS};
        use aho_corasick::{AhoCorasick, MatchKind};
        use std::sync::OnceLock;

        fn divisions(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
            static AC: OnceLock<AhoCorasick> = OnceLock::new();
            let ac = AC.get_or_init(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(gazetteer_names().iter().map(|n| n.0))
                    .unwrap()
            });
            ac.find_iter(text).map(|m| (m.start(), m.end()))
        }

        pub fn token_at(text: &str) -> bool {
            TOKENS.iter().any(|t| text.starts_with(t))
        }

        /// `token_at` as a `match` on the first character (the version before the bitmaps).
        pub fn token_at_match(c: char, text: &str) -> bool {
            let rest = text.get(c.len_utf8()..).unwrap_or("");
            match c {
                '省' | '市' | '区' | '县' | '镇' | '乡' | '路' | '号' | '楼' | '室' | '村'
                | '街' | '巷' | '弄' | '栋' | '幢' | '旗' | '州' => true,
                '单' => rest.starts_with('元'),
                '大' => rest.starts_with('道'),
                '小' => rest.starts_with('区'),
                _ => false,
            }
        }

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
            let mut spans = [(0usize, 0usize); 8];
            let mut n = 0;
            for d in divisions(canon).take(spans.len()) {
                spans[n] = d;
                n += 1;
            }
            if n == 0 {
                return None;
            }
            let spans = &spans[..n];
            let outside = |i: usize| !spans.iter().any(|&(s, e)| i >= s && i < e);
            let has_token = canon
                .char_indices()
                .any(|(i, _)| outside(i) && token_at(&canon[i..]));
            let chained_place = n >= 2
                && canon
                    .char_indices()
                    .filter(|&(i, c)| is_cjk(c) && outside(i))
                    .nth(1)
                    .is_some();
            (has_token || chained_place).then(|| Verdict::pass(ItemKind::Address))
        }
    }

    /// Pieces the generated texts are made of: division names whole and cut, tokens (also
    /// inside and around names), CJK filler, ASCII, digits and every kind of whitespace the
    /// canonicaliser collapses.
    fn piece(names: &[(&'static str, u32)], pick: usize, which: usize) -> String {
        const FILLER: &[&str] = &[
            "科技园",
            "东",
            "中",
            "新华",
            "a",
            "12",
            "号楼",
            "  ",
            "\u{3000}",
            "\t",
            "\u{a0}",
            "x y",
            "。",
            "〇",
            "𠀀",
            "·",
            "大",
            "单",
            "小",
            "道",
            "元",
            "é",
            "-",
            "#",
        ];
        let name = names[which % names.len()].0;
        match pick % 6 {
            0 | 1 => name.to_string(),
            2 => {
                let cut = name.char_indices().nth(1).map_or(name.len(), |(i, _)| i);
                name[cut..].to_string()
            }
            3 => {
                let cut = name.char_indices().last().map_or(0, |(i, _)| i);
                name[..cut].to_string()
            }
            4 => TOKENS[which % TOKENS.len()].to_string(),
            _ => FILLER[which % FILLER.len()].to_string(),
        }
    }

    fn check_same(text: &str) {
        let (mut ours, mut theirs) = (String::new(), String::new());
        let got = validate(text, &mut ours);
        let want = reference::validate(text, &mut theirs);
        assert_eq!(got, want, "{text:?}");
        assert_eq!(ours, theirs, "{text:?}");
    }

    /// The one-pass validator gives the same verdict and canonical text as the old three-pass
    /// one on texts built to hit every branch: no name, one, two, more than eight (the span
    /// cap), tokens inside and outside names, too short and too long.
    #[test]
    fn one_pass_matches_reference() {
        let names = gazetteer_names();
        let mut state = 0x9e37_79b9_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut some, mut none) = (0, 0);
        for round in 0..60_000 {
            let mut text = String::new();
            // Mostly short texts, sometimes long ones (more than eight names, over 200
            // characters, over 1024 bytes).
            let pieces = if round % 50 == 0 { next(120) } else { next(10) };
            for _ in 0..pieces {
                let (pick, which) = (next(6), next(1 << 20));
                text.push_str(&piece(&names, pick, which));
            }
            check_same(&text);
            let mut c = String::new();
            if validate(&text, &mut c).is_some() {
                some += 1;
            } else {
                none += 1;
            }
        }
        // Both outcomes are well represented, so the comparison means something.
        assert!(some > 10_000 && none > 10_000, "{some} {none}");
    }

    proptest::proptest! {
        #[test]
        fn one_pass_matches_reference_prop(
            parts in proptest::collection::vec((0usize..6, 0usize..1 << 20), 0..24)
        ) {
            let names = gazetteer_names();
            let text: String = parts.iter().map(|&(p, w)| piece(&names, p, w)).collect();
            check_same(&text);
        }

        #[test]
        fn one_pass_matches_reference_any_text(text in "\\PC{0,40}") {
            check_same(&text);
        }
    }

    /// The `match` in `token_at` is [`TOKENS`]: same answer at every position of every token
    /// followed by anything, and of every character that starts one.
    #[test]
    fn token_at_is_tokens() {
        let names = gazetteer_names();
        let mut texts: Vec<String> = TOKENS.iter().map(|t| (*t).to_string()).collect();
        for t in TOKENS {
            for c in t.chars() {
                texts.push(c.to_string());
                texts.push(format!("{c}x"));
            }
        }
        texts.extend(names.iter().take(3000).map(|n| n.0.to_string()));
        for text in &texts {
            for (i, c) in text.char_indices() {
                assert_eq!(
                    token_at(c, &text[i..]),
                    reference::token_at(&text[i..]),
                    "{text:?} at {i}"
                );
            }
        }
        // Every character (the bitmaps' edges, characters past the block, ASCII), alone and
        // before each second character of a two-character token.
        for c in (0..0x11000u32).filter_map(char::from_u32) {
            for text in [
                c.to_string(),
                format!("{c}元"),
                format!("{c}道"),
                format!("{c}区"),
            ] {
                assert_eq!(
                    token_at(c, &text),
                    reference::token_at_match(c, &text),
                    "{text:?}"
                );
                assert_eq!(token_at(c, &text), reference::token_at(&text), "{text:?}");
            }
        }
    }

    /// `validate` relies on every division name holding a CJK character (it dropped the
    /// separate check for one).
    #[test]
    fn every_name_is_cjk() {
        for (name, _) in gazetteer_names() {
            assert!(name.chars().any(is_cjk), "{name}");
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
