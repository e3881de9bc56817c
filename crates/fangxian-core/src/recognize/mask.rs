//! Masking canonical values for display (`110105********002X`, `138****8000`), shared by the
//! CLI and the reports. Masking works on characters, never splits one, and never shows more
//! than about half of a value.

use crate::ItemKind;

/// The masked form of a canonical `value` of type `kind`.
///
/// ```
/// use fangxian_core::recognize::mask;
/// use fangxian_core::ItemKind;
/// assert_eq!(mask(ItemKind::ResidentId, "11010519491231002X"), "110105********002X");
/// assert_eq!(mask(ItemKind::Mobile, "13800138000"), "138****8000");
/// assert_eq!(mask(ItemKind::Email, "zhangsan@qq.com"), "z*******@qq.com");
/// assert_eq!(mask(ItemKind::PersonName, "欧阳娜娜"), "欧***");
/// ```
pub fn mask(kind: ItemKind, value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    mask_into(kind, value, &mut out);
    out
}

/// Writes the masked form of `value` into `out` (cleared first); see [`mask`].
pub fn mask_into(kind: ItemKind, value: &str, out: &mut String) {
    use ItemKind::*;
    out.clear();
    let n = value.chars().count();
    match kind {
        ResidentId | ResidencePermit | BankCard => keep(value, n, 6, 4, out),
        Mobile => keep(value, n, 3, 4, out),
        Landline => match value.find('-') {
            Some(h) => {
                out.push_str(&value[..=h]);
                let local = &value[h + 1..];
                let m = local.chars().count();
                keep(local, m, 0, 4.min(m / 2), &mut *out);
            }
            None => keep(value, n, 3, 4, out),
        },
        Uscc => keep(value, n, 2, 4, out),
        Imei => keep(value, n, 8, 1, out),
        Email => match value.rfind('@') {
            Some(at) => {
                let local = &value[..at];
                let m = local.chars().count();
                keep(local, m, 1, 0, &mut *out);
                out.push_str(&value[at..]);
            }
            None => keep(value, n, 1, 0, out),
        },
        Ipv4 => {
            // The network part stays readable: 192.168.*.*
            for (i, part) in value.split('.').enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(if i < 2 { part } else { "*" });
            }
        }
        GpsPoint => {
            // One decimal (about 11 km) stays: a region, not a place.
            for (i, part) in value.split(',').enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match part.find('.') {
                    Some(p) => {
                        let cut = (p + 2).min(part.len());
                        out.push_str(&part[..cut]);
                        out.extend(std::iter::repeat_n('*', part.len() - cut));
                    }
                    None => out.push_str(part),
                }
            }
        }
        PersonName => keep(value, n, 1, 0, out),
        Address => keep(value, n, 6.min(n / 2), 0, out),
        Plate => keep(value, n, 2, 2, out),
        _ => {
            let k = (n / 4).min(3);
            keep(value, n, k, k, out)
        }
    }
}

/// Keeps `head` and `tail` characters of `value` (`n` characters long) and stars the rest;
/// when that would show more than two thirds of the value, shows less.
fn keep(value: &str, n: usize, head: usize, tail: usize, out: &mut String) {
    let (mut head, mut tail) = (head, tail);
    while head + tail > 0 && (head + tail) * 3 > n * 2 {
        if tail >= head && tail > 0 {
            tail -= 1;
        } else {
            head -= 1;
        }
    }
    for (i, c) in value.chars().enumerate() {
        out.push(if i < head || i >= n - tail { c } else { '*' });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemKind::*;

    #[test]
    fn masks_per_type() {
        assert_eq!(mask(BankCard, "6222021234567890123"), "622202*********0123");
        assert_eq!(mask(Landline, "010-12345678"), "010-****5678");
        assert_eq!(mask(Ipv4, "192.168.1.20"), "192.168.*.*");
        assert_eq!(
            mask(GpsPoint, "39.904200,116.407400"),
            "39.9*****,116.4*****"
        );
        assert_eq!(mask(PersonName, "张三"), "张*");
        assert_eq!(
            mask(Address, "北京市朝阳区建国路88号"),
            "北京市朝阳区******"
        );
        assert_eq!(mask(Plate, "京A12345"), "京A***45");
        assert_eq!(mask(Qq, "12345678"), "12****78");
        assert_eq!(mask(Imei, "490154203237518"), "49015420******8");
    }

    #[test]
    fn never_shows_more_than_two_thirds() {
        for v in ["", "1", "12", "123", "1234567", "张", "a@b"] {
            for &k in ItemKind::ALL {
                let m = mask(k, v);
                assert_eq!(m.chars().count(), v.chars().count(), "{k} {v}");
                let shown = m.chars().filter(|&c| c != '*').count();
                if !matches!(k, Email | Ipv4 | GpsPoint | Landline) {
                    assert!(shown * 3 <= v.chars().count() * 2, "{k} {v} -> {m}");
                }
            }
        }
    }
}
