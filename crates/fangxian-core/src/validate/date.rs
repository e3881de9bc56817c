//! Calendar arithmetic for birth dates, without a date crate: the core stays dependency-light and
//! the only need is "is this a real Gregorian date, between 1900-01-01 and today".

use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 1949.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

impl Date {
    /// A date from its parts, or `None` when it does not exist (e.g. 1900-02-29).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
            .then_some(Date { year, month, day })
    }

    /// The UTC date of `days` days after 1970-01-01 (negative: before). Howard Hinnant's
    /// `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11]
        let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
        let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// Today's UTC date from the system clock. A clock before 1970 reads as 1970-01-01.
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// Parses 8 ASCII digits `YYYYMMDD` into a real date.
    pub fn from_yyyymmdd(s: &[u8]) -> Option<Date> {
        if s.len() != 8 || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = |r: std::ops::Range<usize>| {
            s[r].iter()
                .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'))
        };
        Date::new(i32::try_from(n(0..4)).ok()?, n(4..6), n(6..8))
    }
}

/// True in Gregorian leap years.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month (0 for a month outside 1–12).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_from_days_matches_known_dates() {
        assert_eq!(
            Date::from_days_since_epoch(0),
            Date::new(1970, 1, 1).unwrap()
        );
        // 2000-03-01 is day 11017; 1949-12-31 is day -7306.
        assert_eq!(
            Date::from_days_since_epoch(11_017),
            Date::new(2000, 3, 1).unwrap()
        );
        assert_eq!(
            Date::from_days_since_epoch(-7306),
            Date::new(1949, 12, 31).unwrap()
        );
        assert!(Date::today().year >= 2024);
    }

    #[test]
    fn real_dates_only() {
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2023, 4, 31).is_none());
        assert!(Date::new(2023, 13, 1).is_none());
        assert_eq!(Date::from_yyyymmdd(b"19491231"), Date::new(1949, 12, 31));
        assert_eq!(Date::from_yyyymmdd(b"1949123"), None);
    }
}
