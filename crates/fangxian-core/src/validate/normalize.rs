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
    // Fast path for the common case, plain ASCII without separators: one scan and one copy
    // instead of decoding and pushing char by char.
    if raw
        .bytes()
        .all(|b| b.is_ascii() && !is_separator(char::from(b)) && keep(char::from(b)))
    {
        out.push_str(raw);
        return true;
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

/// [`compact_into`] keeping ASCII digits only.
pub fn digits_into(raw: &str, out: &mut String) -> bool {
    compact_into(raw, out, |c| c.is_ascii_digit())
}

/// `s.trim()`, answered without scanning when `s` starts and ends with a visible ASCII
/// character (most field values), since only whitespace is trimmed.
pub fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        [only] if only.is_ascii_graphic() => s,
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
    if !raw
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b == 0x0B || matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3))
    {
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
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn collapses_whitespace() {
        let mut out = String::new();
        collapse_whitespace_into("  北京市 \t 朝阳区\u{3000}\u{3000}建国路 ", &mut out);
        assert_eq!(out, "北京市 朝阳区 建国路");
    }
}
