//! Exact arithmetic for thresholds, and number formatting.
//!
//! Legal thresholds are exact ("五十条以上" means 50 reaches it and 49 does not), and the pro-rata
//! sum nA/50 + nB/500 + nC/5,000 is a fraction: in floating point 49/50 + 1/500 + … can land a hair
//! either side of 1. So every comparison is done in integers: a measure `a/b` reaches a standard
//! `base × p/q` iff `a·q ≥ base·p·b`. Floats appear only in the JSON output.

/// A fraction of the base standards: the insider factor times the ×10 multiplier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Factor {
    pub num: u128,
    pub den: u128,
}

impl Factor {
    /// The factor for the given insider fraction and multiplier.
    pub fn new(insider: Option<(u64, u64)>, multiplier: u64) -> Factor {
        let (p, q) = insider.unwrap_or((1, 1));
        Factor {
            num: u128::from(p).saturating_mul(u128::from(multiplier)),
            den: u128::from(q).max(1),
        }
    }

    /// Whether `a / b ≥ base × num / den`.
    pub fn reached(self, a: u128, b: u128, base: u128) -> bool {
        a.saturating_mul(self.den) >= base.saturating_mul(self.num).saturating_mul(b)
    }

    /// The smallest whole `k` with `(a + k·step) / b ≥ base × num / den`; 0 if already reached.
    pub fn shortfall_steps(self, a: u128, b: u128, base: u128, step: u128) -> u128 {
        let need = base.saturating_mul(self.num).saturating_mul(b);
        let have = a.saturating_mul(self.den);
        if have >= need {
            return 0;
        }
        ceil_div(need - have, step.saturating_mul(self.den).max(1))
    }

    /// `base × num / den` as a decimal string.
    pub fn of(self, base: u128) -> String {
        fmt_ratio(base.saturating_mul(self.num), self.den)
    }
}

pub(crate) fn ceil_div(a: u128, b: u128) -> u128 {
    let b = b.max(1);
    a / b + u128::from(!a.is_multiple_of(b))
}

pub(crate) fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

pub(crate) fn lcm(a: u128, b: u128) -> u128 {
    if a == 0 || b == 0 {
        return a.max(b);
    }
    (a / gcd(a, b)).saturating_mul(b)
}

/// An integer with thousands separators: `18,500,000`.
pub(crate) fn fmt_int(n: u128) -> String {
    fangxian_core::display::thousands(n)
}

/// `num / den` as a decimal with up to four places, trailing zeros dropped; `≈` marks a value
/// that four places cannot hold exactly.
pub(crate) fn fmt_ratio(num: u128, den: u128) -> String {
    let den = den.max(1);
    let int = num / den;
    let mut rem = num % den;
    let mut frac = String::new();
    for _ in 0..4 {
        if rem == 0 {
            break;
        }
        rem = rem.saturating_mul(10);
        frac.push(char::from(b'0' + u8::try_from(rem / den).unwrap_or(0)));
        rem %= den;
    }
    let approx = if rem != 0 { "≈" } else { "" };
    if frac.is_empty() {
        format!("{approx}{}", fmt_int(int))
    } else {
        format!("{approx}{}.{frac}", fmt_int(int))
    }
}

/// An amount in fen as yuan: `70,000` or `70,000.5`.
pub(crate) fn fmt_yuan(fen: u128) -> String {
    fmt_ratio(fen, 100)
}

/// `num / den` as the nearest `f64` (for JSON only; never compared).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn to_f64(num: u128, den: u128) -> f64 {
    if den == 0 {
        return 0.0;
    }
    let int = num / den;
    let rem = num % den;
    // Split so that the integer part keeps its precision and 1.2 prints as 1.2.
    let frac = (rem as f64) / (den as f64);
    let value = int as f64 + frac;
    // Round to 10 significant decimals of the fraction so 3/5 + ... renders as a short decimal.
    (value * 1e10).round() / 1e10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_boundaries_are_exact() {
        let base = Factor::new(None, 1);
        assert!(base.reached(50, 1, 50));
        assert!(!base.reached(49, 1, 50));
        let insider = Factor::new(Some((1, 2)), 1);
        assert!(insider.reached(25, 1, 50));
        assert!(!insider.reached(24, 1, 50));
        let insider10 = Factor::new(Some((1, 2)), 10);
        assert!(insider10.reached(250, 1, 50));
        assert!(!insider10.reached(249, 1, 50));
        // units 4,999/5,000 + 1/5,000 in 1/5,000ths.
        assert!(base.reached(5_000, 5_000, 1));
        assert!(!base.reached(4_999, 5_000, 1));
        assert_eq!(base.shortfall_steps(4_999, 5_000, 1, 1), 1);
        assert_eq!(base.shortfall_steps(4_900, 5_000, 1, 100), 1);
        assert_eq!(base.shortfall_steps(4_800, 5_000, 1, 100), 2);
        assert_eq!(insider.shortfall_steps(0, 1, 5, 1), 3); // 2.5 → 3
        assert_eq!(insider.of(5), "2.5");
        assert_eq!(insider10.of(1), "5");
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_int(0), "0");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_int(1_000), "1,000");
        assert_eq!(fmt_int(18_500_000), "18,500,000");
        assert_eq!(fmt_ratio(6_000, 5_000), "1.2");
        assert_eq!(fmt_ratio(1, 5_000), "0.0002");
        assert_eq!(fmt_ratio(1, 3), "≈0.3333");
        assert_eq!(fmt_ratio(50_000_000, 5_000), "10,000");
        assert_eq!(fmt_yuan(7_000_050), "70,000.5");
        assert_eq!(to_f64(6_000, 5_000), 1.2);
        assert_eq!(to_f64(1, 5_000), 0.0002);
        assert_eq!(lcm(lcm(50, 500), 5_000), 5_000);
        assert_eq!(ceil_div(5, 2), 3);
    }
}
