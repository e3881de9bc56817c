//! Coordinate pairs (`gps_point`): latitude, longitude in decimal degrees.
//!
//! Chinese apps store GCJ-02 (and Baidu BD-09) obfuscated coordinates rather than WGS-84; they
//! are accepted as they are and not converted (pii-rules-and-prior-art.md §2.11).

use std::fmt::Write as _;

use super::{normalize, Check, Signals, Verdict};
use crate::ItemKind;

/// China's approximate bounding box (lat 3.8–53.6, lon 73.5–135.1), a confidence signal.
pub fn in_china(lat: f64, lon: f64) -> bool {
    (3.8..=53.6).contains(&lat) && (73.5..=135.1).contains(&lon)
}

/// Parses a decimal number `[+-]D{1,3}.D{1,15}` (a decimal point and at least one decimal are
/// required: bare integers are too often something else).
fn parse_degrees(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.')?;
    if int.is_empty()
        || int.len() > 3
        || frac.is_empty()
        || frac.len() > 15
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

/// Writes `v` with exactly 6 decimals, never as `-0.000000`.
fn write_6(canon: &mut String, v: f64) {
    let v = if v.abs() < 0.000_000_5 { 0.0 } else { v };
    let _ = write!(canon, "{v:.6}");
}

/// Validates `LAT,LON` (also separated by `，`, `;` or whitespace). Latitude outside ±90 or
/// longitude outside ±180 fails [`Check::Range`]; [`Signals::IN_CHINA`] marks points inside
/// China's bounding box. Canonical form: `LAT,LON` with exactly 6 decimals each.
pub fn validate(raw: &str, canon: &mut String) -> Option<Verdict> {
    canon.clear();
    if raw.len() > 96 {
        return None;
    }
    let raw = raw.trim();
    let mut parts = raw
        .split(|c: char| {
            c == ',' || c == '，' || c == ';' || normalize::is_separator(c) && c != '-'
        })
        .filter(|p| !p.is_empty());
    let (lat, lon) = match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), None) => (parse_degrees(a)?, parse_degrees(b)?),
        _ => return None,
    };
    // Exactly one explicit separator between the numbers.
    if raw.matches([',', '，', ';']).count() > 1 {
        return None;
    }
    write_6(canon, lat);
    canon.push(',');
    write_6(canon, lon);
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
        ] {
            assert!(validate(raw, &mut c).is_none(), "{raw}");
        }
    }
}
