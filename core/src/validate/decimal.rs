//! Exact decimal text: parse and compare amounts without binary floating point.

use std::cmp::Ordering;

/// A decimal parsed from text: sign, integer digits (no leading zeros) and
/// fraction digits (no trailing zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    int: String,
    frac: String,
    /// Fraction digits as written (trailing zeros included), for decimal-place rules.
    pub places: usize,
}

impl Decimal {
    /// Parses `-?digits(.digits)?`. No exponent, no spaces, no `+`.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let (int, frac) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
        }
        let places = frac.map_or(0, str::len);
        let int = int.trim_start_matches('0').to_owned();
        let frac = frac.unwrap_or_default().trim_end_matches('0').to_owned();
        let zero = int.is_empty() && frac.is_empty();
        Some(Decimal {
            negative: negative && !zero,
            int,
            frac,
            places,
        })
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| {
                let n = self.frac.len().max(other.frac.len());
                let a = format!("{:0<n$}", self.frac);
                let b = format!("{:0<n$}", other.frac);
                a.cmp(&b)
            })
    }

    /// Whether the value is an integer.
    pub fn is_integer(&self) -> bool {
        self.frac.is_empty()
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_exactly() {
        let d = |s| Decimal::parse(s).unwrap();
        assert!(d("10.00") == d("10.00") && d("10.00").cmp(&d("10")) == Ordering::Equal);
        assert!(d("9.999") < d("10") && d("-1") < d("0.5") && d("-2") < d("-1.5"));
        assert!(d("12345678901234567.89") > d("12345678901234567.88"));
        assert_eq!(d("1.50").places, 2);
        assert!(d("-0.00") == d("0") || d("-0.00").cmp(&d("0")) == Ordering::Equal);
        for bad in ["", ".5", "5.", "1e5", "+1", "1.2.3", " 1", "abc"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
    }
}
