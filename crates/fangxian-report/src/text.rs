//! Number formatting and column widths shared by the terminal table and the HTML report.

/// `1234567` → `1,234,567`.
pub(crate) fn group(n: u64) -> String {
    fangxian_core::display::thousands(u128::from(n))
}

/// `1536` → `1.5 KiB`; below 1 KiB the exact count with `B`.
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Columns a character takes in a terminal: 2 for East Asian wide and fullwidth characters, 0
/// for combining marks and controls, 1 otherwise. An approximation of UAX #11 that covers what
/// Chinese data holds (CJK ideographs, punctuation, fullwidth forms, Hangul, kana).
pub(crate) fn char_width(c: char) -> usize {
    let cp = u32::from(c);
    if cp < 0x20 || (0x7f..0xa0).contains(&cp) || (0x300..0x370).contains(&cp) || cp == 0x200b {
        return 0;
    }
    let wide = matches!(cp,
        0x1100..=0x115f
        | 0x2e80..=0x303e
        | 0x3041..=0x33ff
        | 0x3400..=0x4dbf
        | 0x4e00..=0x9fff
        | 0xa000..=0xa4cf
        | 0xac00..=0xd7a3
        | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f
        | 0xff00..=0xff60
        | 0xffe0..=0xffe6
        | 0x1f300..=0x1f64f
        | 0x1f900..=0x1f9ff
        | 0x20000..=0x3fffd);
    if wide {
        2
    } else {
        1
    }
}

/// Terminal columns of a string.
pub(crate) fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` shortened to at most `max` columns by replacing its middle with `…` (file names differ
/// at their ends: the directory and the extension matter most).
pub(crate) fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - 1; // the ellipsis
    let head_budget = budget / 2;
    let tail_budget = budget - head_budget;
    let mut head = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw > head_budget {
            break;
        }
        w += cw;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = char_width(c);
        if w + cw > tail_budget {
            break;
        }
        w += cw;
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

/// `s` padded with spaces to `cols` columns, on the right (`left = true`) or the left.
pub(crate) fn pad(s: &str, cols: usize, left: bool) -> String {
    let fill = cols.saturating_sub(width(s));
    if left {
        format!("{s}{}", " ".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(group(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn bytes() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(human_bytes(u64::MAX), "16.0 EiB");
    }

    #[test]
    fn widths_and_fitting() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("身份证"), 6);
        assert_eq!(fit("short.csv", 20), "short.csv");
        let long = "/mnt/evidence/2024/case-0001/very/long/path/users.csv";
        let f = fit(long, 20);
        assert!(width(&f) <= 20, "{f}");
        assert!(f.starts_with("/mnt/") && f.ends_with("users.csv"), "{f}");
        let cjk = "北京市公安局朝阳分局扣押硬盘用户数据表.csv";
        let f = fit(cjk, 15);
        assert!(width(&f) <= 15, "{f}");
        assert!(f.contains('…'));
        assert_eq!(pad("表", 4, true), "表  ");
        assert_eq!(pad("12", 4, false), "  12");
    }
}
