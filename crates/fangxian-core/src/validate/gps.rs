//! Coordinate pairs (`gps_point`): latitude, longitude in decimal degrees.
//!
//! Chinese apps store GCJ-02 (and Baidu BD-09) obfuscated coordinates rather than WGS-84; they
//! are accepted as they are and not converted (pii-rules-and-prior-art.md §2.11).

use std::fmt::Write as _;

use super::{Check, Signals, Verdict};
use crate::ItemKind;

/// China's approximate bounding box (lat 3.8–53.6, lon 73.5–135.1), a confidence signal.
pub fn in_china(lat: f64, lon: f64) -> bool {
    (3.8..=53.6).contains(&lat) && (73.5..=135.1).contains(&lon)
}

/// One lexical piece of a coordinate pair. Lexing into a fixed array of slices of the input
/// keeps validation allocation-free.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Atom<'a> {
    /// `[+-]digits[.digits]`.
    Num(&'a str),
    /// `°`, `º`, `度`.
    Deg,
    /// `′`, `'`, `’`, `分`.
    Min,
    /// `″`, `"`, `”`, `秒`.
    Sec,
    /// A hemisphere: `N S E W` or `北 南 东 西` (an optional `纬`/`经` after it is skipped).
    Hemi(char),
    /// `,`, `，`, `;`, `；`.
    Sep,
}

const MAX_ATOMS: usize = 16;

fn lex(raw: &str) -> Option<([Atom<'_>; MAX_ATOMS], usize)> {
    fn put<'a>(atoms: &mut [Atom<'a>; MAX_ATOMS], n: &mut usize, a: Atom<'a>) -> Option<()> {
        *atoms.get_mut(*n)? = a;
        *n += 1;
        Some(())
    }
    let mut atoms = [Atom::Sep; MAX_ATOMS];
    let mut n = 0;
    let b = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i..].chars().next()?;
        let w = c.len_utf8();
        match c {
            '0'..='9' | '+' | '-' | '.' => {
                // A sign glued to the previous number (`39.9-116.4`) is a range or a
                // subtraction, not a pair.
                if matches!(c, '+' | '-')
                    && i > 0
                    && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.')
                {
                    return None;
                }
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                put(&mut atoms, &mut n, Atom::Num(&raw[start..i]))?;
                continue;
            }
            '°' | 'º' | '度' => put(&mut atoms, &mut n, Atom::Deg)?,
            '′' | '\'' | '’' | '分' => put(&mut atoms, &mut n, Atom::Min)?,
            '″' | '"' | '”' | '秒' => put(&mut atoms, &mut n, Atom::Sec)?,
            'N' | '北' => put(&mut atoms, &mut n, Atom::Hemi('N'))?,
            'S' | '南' => put(&mut atoms, &mut n, Atom::Hemi('S'))?,
            'E' | '东' => put(&mut atoms, &mut n, Atom::Hemi('E'))?,
            'W' | '西' => put(&mut atoms, &mut n, Atom::Hemi('W'))?,
            '纬' | '经' if n > 0 && matches!(atoms[n - 1], Atom::Hemi(_)) => {}
            ',' | '，' | ';' | '；' => put(&mut atoms, &mut n, Atom::Sep)?,
            c if c.is_whitespace() => {}
            _ => return None,
        }
        i += w;
    }
    Some((atoms, n))
}

/// Parses a number `[+-]D{1,3}[.D{1,15}]`; `need_decimals` demands the fraction (bare integers
/// without a degree sign or hemisphere are too often something else).
fn parse_number(s: &str, signed: bool, need_decimals: bool) -> Option<f64> {
    let body = match s.strip_prefix(['-', '+']) {
        Some(b) if signed => b,
        Some(_) => return None,
        None => s,
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int.is_empty()
        || int.len() > 3
        || frac.is_some_and(|f| f.is_empty() || f.len() > 15)
        || (need_decimals && frac.is_none())
        || !int
            .bytes()
            .chain(frac.unwrap_or("").bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

/// One coordinate: `[H] NUM [° [NUM ′ [NUM ″]]] [H]`. Returns the signed degrees, the
/// hemisphere if written, the number of atoms used, and the degrees' text when it is the whole
/// value (no minutes or seconds).
fn coordinate<'a>(atoms: &[Atom<'a>]) -> Option<(f64, Option<char>, usize, Option<&'a str>)> {
    let mut i = 0;
    let mut hemi = None;
    if let Some(Atom::Hemi(h)) = atoms.first() {
        hemi = Some(*h);
        i += 1;
    }
    let Atom::Num(deg) = *atoms.get(i)? else {
        return None;
    };
    i += 1;
    let mut dms = false;
    let mut parts = false;
    let mut minutes = 0.0;
    let mut seconds = 0.0;
    if atoms.get(i) == Some(&Atom::Deg) {
        dms = true;
        i += 1;
        if let (Some(Atom::Num(m)), Some(Atom::Min)) = (atoms.get(i), atoms.get(i + 1)) {
            minutes = parse_number(m, false, false).filter(|m| *m < 60.0)?;
            parts = true;
            i += 2;
            if let (Some(Atom::Num(s)), Some(Atom::Sec)) = (atoms.get(i), atoms.get(i + 1)) {
                seconds = parse_number(s, false, false).filter(|s| *s < 60.0)?;
                i += 2;
            }
        }
    }
    if hemi.is_none() {
        if let Some(Atom::Hemi(h)) = atoms.get(i) {
            hemi = Some(*h);
            i += 1;
        }
    }
    let plain = !dms && hemi.is_none();
    let d = parse_number(deg, hemi.is_none(), plain)?;
    let mut v = d.abs() + minutes / 60.0 + seconds / 3600.0;
    if d.is_sign_negative() || matches!(hemi, Some('S' | 'W')) {
        v = -v;
    }
    Some((v, hemi, i, (!parts).then_some(deg)))
}

/// Writes `v` with exactly 6 decimals, never as `-0.000000`. `text` is the number as written,
/// when it is the whole value: with at most 6 decimals it is copied and padded instead of
/// formatting the float, which is much cheaper and gives the same digits (an `f64` parsed from
/// at most 9 significant digits rounds back to them).
fn write_6_from(canon: &mut String, v: f64, text: Option<&str>) {
    if let Some(t) = text {
        let t = t.trim_start_matches(['+', '-']);
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if frac.len() <= 6 {
            let int = int.trim_start_matches('0');
            if v < 0.0 {
                canon.push('-');
            }
            canon.push_str(if int.is_empty() { "0" } else { int });
            canon.push('.');
            canon.push_str(frac);
            canon.extend(std::iter::repeat_n('0', 6 - frac.len()));
            return;
        }
    }
    write_6(canon, v);
}

/// Writes `v` with exactly 6 decimals, never as `-0.000000`.
fn write_6(canon: &mut String, v: f64) {
    let v = if v.abs() < 0.000_000_5 { 0.0 } else { v };
    let _ = write!(canon, "{v:.6}");
}

/// Validates a coordinate pair: `LAT,LON` in decimal degrees (also separated by `，`, `;` or
/// whitespace), or with degrees-minutes-seconds and hemispheres (`39°54′15″N, 116°24′27″E`,
/// `北纬39.9042 东经116.4074`; with hemispheres either order). Latitude outside ±90 or
/// longitude outside ±180 fails [`Check::Range`]; [`Signals::IN_CHINA`] marks points inside
/// China's bounding box. Canonical form: `LAT,LON` in decimal degrees with exactly 6 decimals.
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    if raw.len() > 96 {
        return None;
    }
    let (atoms, n) = lex(raw)?;
    let atoms = &atoms[..n];
    let (a, ha, used, ta) = coordinate(atoms)?;
    let rest = &atoms[used..];
    // At most one separator between the coordinates.
    let rest = rest.strip_prefix(&[Atom::Sep]).unwrap_or(rest);
    let (b, hb, used_b, tb) = coordinate(rest)?;
    if used_b != rest.len() {
        return None;
    }
    let is_lat = |h: char| h == 'N' || h == 'S';
    let ((lat, lat_text), (lon, lon_text)) = match (ha, hb) {
        (None, None) => ((a, ta), (b, tb)),
        (Some(x), Some(y)) if is_lat(x) != is_lat(y) => {
            if is_lat(x) {
                ((a, ta), (b, tb))
            } else {
                ((b, tb), (a, ta))
            }
        }
        (Some(x), None) if is_lat(x) => ((a, ta), (b, tb)),
        (None, Some(y)) if !is_lat(y) => ((a, ta), (b, tb)),
        _ => return None,
    };
    write_6_from(canon, lat, lat_text);
    canon.push(',');
    write_6_from(canon, lon, lon_text);
    let mut v = if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
        Verdict::pass(ItemKind::GpsPoint)
    } else {
        Verdict::fail(ItemKind::GpsPoint, Check::Range)
    };
    if in_china(lat, lon) {
        v.signals.insert(Signals::IN_CHINA);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points() {
        let mut c = String::new();
        let v = validate("39.9042, 116.4074", &mut c).unwrap();
        assert!(v.is_valid());
        assert!(v.signals.contains(Signals::IN_CHINA));
        assert_eq!(c, "39.904200,116.407400");
        let v = validate("-33.8688，151.2093", &mut c).unwrap();
        assert!(v.is_valid());
        assert!(!v.signals.contains(Signals::IN_CHINA));
        assert_eq!(c, "-33.868800,151.209300");
        assert!(validate("22.5431 114.0579", &mut c).unwrap().is_valid());
        assert_eq!(c, "22.543100,114.057900");
        assert!(validate("-0.0000001,0.1234564", &mut c).is_some());
        assert_eq!(c, "0.000000,0.123456");
    }

    /// Copying the written digits gives exactly what formatting the float gives.
    #[test]
    fn written_digits_match_float_formatting() {
        let mut state = 0x9e37_79b9_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let (mut fast, mut slow) = (String::new(), String::new());
        for _ in 0..200_000 {
            let int = next(1000);
            let decimals = next(8) as usize;
            let frac: String = (0..decimals)
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            let sign = ["", "-", "+"][next(3) as usize];
            let zeros = ["", "0", "00"][next(3) as usize];
            let text = if decimals == 0 {
                format!("{sign}{zeros}{int}")
            } else {
                format!("{sign}{zeros}{int}.{frac}")
            };
            let v: f64 = text.parse().unwrap();
            for v in [v, -v] {
                fast.clear();
                slow.clear();
                write_6_from(&mut fast, v, Some(&text));
                write_6(&mut slow, v);
                assert_eq!(fast, slow, "{text} as {v}");
            }
        }
    }

    #[test]
    fn dms_and_hemispheres() {
        let mut c = String::new();
        // 39°54′15″N = 39 + 54/60 + 15/3600 = 39.904167.
        for raw in [
            "39°54′15″N, 116°24′27″E",
            "39°54'15\"N 116°24'27\"E",
            "116°24′27″E,39°54′15″N",
            "北纬39度54分15秒，东经116度24分27秒",
        ] {
            let v = validate(raw, &mut c).unwrap();
            assert!(v.is_valid(), "{raw}");
            assert!(v.signals.contains(Signals::IN_CHINA));
            assert_eq!(c, "39.904167,116.407500", "{raw}");
        }
        assert!(validate("33.8688S 151.2093E", &mut c).is_some());
        assert_eq!(c, "-33.868800,151.209300");
        assert!(validate("N39.9042 E116.4074", &mut c).is_some());
        assert_eq!(c, "39.904200,116.407400");
        assert!(validate("39N,116E", &mut c).is_some());
        assert_eq!(c, "39.000000,116.000000");
    }

    #[test]
    fn out_of_range_and_wrong_shapes() {
        let mut c = String::new();
        assert_eq!(
            validate("91.0,116.4", &mut c).unwrap().failed,
            Some(Check::Range)
        );
        assert_eq!(
            validate("39.9,180.5", &mut c).unwrap().failed,
            Some(Check::Range)
        );
        for raw in [
            "39,116",
            "39.9",
            "39.9,116.4,1.0",
            "1e2.0,3.0",
            "39.9,,116.4",
            "abc,def",
            "N39.9,N116.4",
            "E116.4,39.9",
            "39°60′0″N,116°E",
            "-39.9N,116.4E",
            "39.9-116.4",
            "1.2.3,4.5",
        ] {
            assert!(validate(raw, &mut c).is_none(), "{raw}");
        }
    }
}
