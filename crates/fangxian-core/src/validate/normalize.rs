//! Normalisation shared by the validators: full-width folding and separator stripping.
//!
//! Dumps carry numbers typed on Chinese input methods (full-width digits U+FF10–FF19, the
//! ideographic space U+3000) and grouped for reading (`1101 0519 4912 3100 2X`, `138-1234-5678`).
//! Validators fold and strip first (pii-rules-and-prior-art.md §2.12 step 2), writing into the
//! caller's buffer so that nothing is allocated per candidate.

/// Longest raw candidate, in bytes, that the number-like validators look at. Longer input is
/// not the shape of any type; the cap bounds the work and the buffer growth per candidate.
pub const MAX_RAW: usize = 256;

/// Folds a full-width ASCII variant (U+FF01–FF5E) to its ASCII character and the ideographic
/// space U+3000 to a space; every other character is returned unchanged.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// True for the characters people put inside numbers to group digits: whitespace (including
/// no-break and ideographic spaces) and the hyphen and dash family.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
        )
}

/// Writes `raw` into `out` (cleared first) with full-width characters folded and separators
/// dropped, keeping only characters for which `keep` is true. Returns `false` (with `out` in an
/// unspecified state) when `raw` is longer than [`MAX_RAW`] bytes or holds a character that is
/// neither a separator nor kept.
pub fn compact_into(raw: &str, out: &mut String, keep: impl Fn(char) -> bool) -> bool {
    out.clear();
    if raw.len() > MAX_RAW {
        return false;
    }
    // The common case, plain ASCII without separators, is one scan and one copy. Otherwise
    // the clean ASCII prefix is copied as it is (folding and separator removal leave it
    // unchanged) and only the rest is processed, byte by byte when it is ASCII.
    let clean = |b: u8| b.is_ascii() & !is_ascii_separator(b) & keep(char::from(b));
    // A fold without early exit (`raw` is at most `MAX_RAW` bytes) first: branch-free per
    // byte, it measured cheaper on resident IDs and mobiles than a search that stops early.
    if raw.bytes().fold(true, |ok, b| ok & clean(b)) {
        out.push_str(raw);
        return true;
    }
    let i = raw.bytes().position(|b| !clean(b)).unwrap_or(raw.len());
    // Every byte before `i` is ASCII, so `i` is a character boundary.
    let (head, rest) = raw.split_at(i);
    out.push_str(head);
    if rest.is_ascii() {
        // No decoding or folding needed (landlines such as `0371-4977…`, `(0977)…`).
        for b in rest.bytes() {
            if is_ascii_separator(b) {
                continue;
            }
            if !keep(char::from(b)) {
                return false;
            }
            out.push(char::from(b));
        }
        return true;
    }
    for c in rest.chars() {
        let c = fold_width(c);
        if is_separator(c) {
            continue;
        }
        if !keep(c) {
            return false;
        }
        out.push(c);
    }
    true
}

/// [`is_separator`] for an ASCII byte: ASCII whitespace (tab, line feed, vertical tab, form
/// feed, carriage return, space) or the hyphen.
fn is_ascii_separator(b: u8) -> bool {
    (b.wrapping_sub(b'\t') <= b'\r' - b'\t') | (b == b' ') | (b == b'-')
}

/// [`compact_into`] keeping ASCII digits only.
pub fn digits_into(raw: &str, out: &mut String) -> bool {
    compact_into(raw, out, |c| c.is_ascii_digit())
}

/// Eight bytes with the high nibble of an ASCII digit (0x30–0x3F) in every byte.
const ONES_30: u64 = 0x3030_3030_3030_3030;
const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
/// Adding 6 to 0x30–0x39 stays in 0x3_; 0x3A–0x3F carry into 0x4_.
const SIXES: u64 = 0x0606_0606_0606_0606;

/// True when all 8 bytes of `x` (little-endian loaded) are ASCII digits: every byte is 0x3_,
/// and stays 0x3_ after adding 6 (no carry crosses bytes: each is at most 0x3F + 6).
#[inline]
pub(crate) fn digits8(x: u64) -> bool {
    ((x & HIGH_NIBBLES) ^ ONES_30) | ((x.wrapping_add(SIXES) & HIGH_NIBBLES) ^ ONES_30) == 0
}

/// True when every byte of `b` is an ASCII digit (true for an empty slice). Checks 4 to 16
/// bytes with two overlapping word loads and no loop, so that the lengths of real values (QQ
/// numbers of 5–10 digits, mobiles, IDs) cost no mispredicted loop exit.
#[inline]
pub(crate) fn all_digits(b: &[u8]) -> bool {
    let n = b.len();
    if let (8..=16, Some(head), Some(tail)) = (n, b.first_chunk::<8>(), b.last_chunk::<8>()) {
        return digits8(u64::from_le_bytes(*head)) & digits8(u64::from_le_bytes(*tail));
    }
    if let (4..=7, Some(head), Some(tail)) = (n, b.first_chunk::<4>(), b.last_chunk::<4>()) {
        let (head, tail) = (u32::from_le_bytes(*head), u32::from_le_bytes(*tail));
        return digits8(u64::from(head) | u64::from(tail) << 32);
    }
    b.iter().all(u8::is_ascii_digit)
}

/// True when `b` can be the first byte of a whitespace character: ASCII whitespace is at most
/// 0x20 (so are other control bytes, which only cost a slower path), U+0085 and U+00A0 start
/// with 0xC2, U+1680 with 0xE1, U+2000–U+205F with 0xE2 and U+3000 with 0xE3. Branch-free so
/// that the scans below vectorise.
fn may_start_whitespace(b: u8) -> bool {
    (b <= 0x20) | (b == 0xC2) | (b.wrapping_sub(0xE1) <= 2)
}

/// The first byte of the last character of `s` (non-empty).
fn last_lead(b: &[u8]) -> u8 {
    // A character is at most 4 bytes: skip at most 3 continuation bytes.
    b.iter()
        .rev()
        .take(4)
        .copied()
        .find(|&c| c & 0xC0 != 0x80)
        .unwrap_or(0)
}

/// `s.trim()`, answered without scanning when neither the first nor the last character can be
/// whitespace (judged from its first byte): most field values, ASCII or CJK.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match b {
        // Visible ASCII at both ends (most values): two byte tests.
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        [only] if only.is_ascii_graphic() => s,
        [first, ..] if !may_start_whitespace(*first) && !may_start_whitespace(last_lead(b)) => s,
        _ => s.trim(),
    }
}

/// Collapses every run of whitespace in `raw` to one ASCII space and trims both ends, writing
/// into `out` (cleared first).
pub fn collapse_whitespace_into(raw: &str, out: &mut String) {
    out.clear();
    // Fast path: no byte that can start a whitespace character (ASCII ones; U+0085 and U+00A0
    // start with 0xC2, U+1680 with 0xE1, U+2000–U+205F with 0xE2, U+3000 with 0xE3), so
    // nothing to collapse or trim: one copy instead of a push per character.
    // Tested 16 bytes at a time without an early exit inside a block, which vectorises (a
    // byte-at-a-time `any` cost ~10 instructions per byte of every address).
    // The bytes after the last whole block are tested as the last 16 bytes of the text (an
    // overlapping block, vectorised like the others) rather than one at a time, which cost
    // up to ~100 instructions per address.
    let b = raw.as_bytes();
    let block = |block: &[u8]| {
        block
            .iter()
            .fold(false, |acc, &b| acc | may_start_whitespace(b))
    };
    let maybe = match b.len().checked_sub(16) {
        Some(last) => b.chunks_exact(16).any(block) || block(&b[last..]),
        None => b.iter().any(|&b| may_start_whitespace(b)),
    };
    if !maybe {
        out.push_str(raw);
        return;
    }
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_digits_letters_and_space() {
        assert_eq!(fold_width('１'), '1');
        assert_eq!(fold_width('Ｘ'), 'X');
        assert_eq!(fold_width('＋'), '+');
        assert_eq!(fold_width('\u{3000}'), ' ');
        assert_eq!(fold_width('京'), '京');
    }

    #[test]
    fn ascii_separators_are_separators() {
        for b in 0..=0x7F_u8 {
            assert_eq!(is_ascii_separator(b), is_separator(char::from(b)), "{b:#x}");
        }
    }

    /// `compact_into` as it was before the ASCII shortcuts (the reference).
    fn reference_compact(raw: &str, out: &mut String, keep: impl Fn(char) -> bool) -> bool {
        out.clear();
        if raw.len() > MAX_RAW {
            return false;
        }
        for c in raw.chars() {
            let c = fold_width(c);
            if is_separator(c) {
                continue;
            }
            if !keep(c) {
                return false;
            }
            out.push(c);
        }
        true
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]

        #[test]
        fn compact_same_as_reference(
            raw in "[0-9xX+()\\- \t\u{b}\u{3000}\u{a0}\u{2014}１２Ｘ－（a张]{0,24}"
        ) {
            let keep = |c: char| c.is_ascii_digit() || matches!(c, 'x' | 'X' | '+' | '(' | ')');
            let (mut a, mut b) = (String::new(), String::new());
            let ok = compact_into(&raw, &mut a, keep);
            proptest::prop_assert_eq!(ok, reference_compact(&raw, &mut b, keep));
            if ok {
                proptest::prop_assert_eq!(a, b);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

        /// The word-at-a-time digit test is the byte loop, for every length and any bytes
        /// (digits next to `/`, `:`, high bytes that could carry).
        #[test]
        fn all_digits_is_the_byte_loop(
            b in proptest::collection::vec(proptest::sample::select(
                b"0123456789/:?@\x00\x7f\xf9\xfa\xff".to_vec()), 0..24),
            digits_only in proptest::bool::ANY,
        ) {
            let b: Vec<u8> = if digits_only { b.iter().map(|&c| b'0' + c % 10).collect() } else { b };
            proptest::prop_assert_eq!(all_digits(&b), b.iter().all(u8::is_ascii_digit));
        }
    }

    #[test]
    fn digits8_every_byte_value() {
        for v in 0..=255u8 {
            for pos in 0..8 {
                let mut w = *b"01234567";
                w[pos] = v;
                assert_eq!(
                    digits8(u64::from_le_bytes(w)),
                    v.is_ascii_digit(),
                    "{v:#x} at {pos}"
                );
            }
        }
    }

    #[test]
    fn compacts_and_rejects_foreign_characters() {
        let mut out = String::new();
        // U+FF0D (full-width hyphen) folds to '-', a separator.
        assert!(digits_into("１３８ 1234－5678", &mut out));
        assert_eq!(out, "13812345678");
        assert!(!digits_into("138a", &mut out));
        assert!(!digits_into(&"1".repeat(MAX_RAW + 1), &mut out));
    }

    #[test]
    fn trim_matches_std() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "ab",
            "a b",
            "\u{3000}张三\u{3000}",
            "张三",
            "x\t",
            "1\u{a0}",
            "张三\u{2003}",
            "\u{85}x",
            "x\u{1680}",
            "〇一\u{205f}",
            "é",
            "\u{1}a\u{7f}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    /// Every whitespace character starts with a byte `may_start_whitespace` accepts (the fast
    /// paths of `trim` and `collapse_whitespace_into` rely on it).
    #[test]
    fn whitespace_lead_bytes() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let mut buf = [0; 4];
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(may_start_whitespace(lead), "{c:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_is_std_trim(s in "[ \t\u{a0}\u{3000}\u{2003}a张〇é\u{1680}\u{85}]{0,12}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }

        /// The collapsed text is the reference definition: words split on whitespace, joined
        /// by one space.
        #[test]
        fn collapse_is_split_join(s in "[ \t\u{a0}\u{3000}\u{2003}a张〇é\u{1680}\u{85}\u{1}。]{0,40}") {
            let mut out = String::new();
            collapse_whitespace_into(&s, &mut out);
            proptest::prop_assert_eq!(out, s.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }

    #[test]
    fn collapses_whitespace() {
        let mut out = String::new();
        collapse_whitespace_into("  北京市 \t 朝阳区\u{3000}\u{3000}建国路 ", &mut out);
        assert_eq!(out, "北京市 朝阳区 建国路");
    }
}
