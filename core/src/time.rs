//! Reading the times providers put on the wire, without a clock: RFC 3339
//! timestamps (PayCA), HTTP dates (`Retry-After`), and bare epoch numbers
//! whose unit is not documented (PinToPay webhook payloads). Every function
//! returns Unix milliseconds, or `None` when the text is not such a time.

use crate::error::{Error, Result};

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard
/// Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn to_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, frac_ms: u32) -> Option<u64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s.min(59));
    let ms = secs.checked_mul(1000)?.checked_add(i64::from(frac_ms))?;
    u64::try_from(ms).ok()
}

/// RFC 3339 / ISO 8601 date-time: `2026-01-02T03:04:05Z`,
/// `2026-01-02 03:04:05.123+08:00`. A time without a zone is not accepted
/// (its instant is unknown).
pub fn parse_rfc3339_ms(text: &str) -> Option<u64> {
    let t = text.trim();
    let date = t.get(..10)?;
    let sep = t.get(10..11)?;
    if !matches!(sep, "T" | "t" | " ") || date.get(4..5)? != "-" || date.get(7..8)? != "-" {
        return None;
    }
    let y = i64::from(digits(date.get(..4)?)?);
    let mo = digits(date.get(5..7)?)?;
    let d = digits(date.get(8..10)?)?;
    let rest = t.get(11..)?;
    let h = digits(rest.get(..2)?)?;
    let mi = digits(rest.get(3..5)?)?;
    let s = digits(rest.get(6..8)?)?;
    if rest.get(2..3)? != ":" || rest.get(5..6)? != ":" {
        return None;
    }
    let mut tail = rest.get(8..)?;
    let mut frac_ms = 0u32;
    if let Some(f) = tail.strip_prefix('.') {
        let n = f.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let fd = f.get(..n)?;
        let mut ms_text: String = fd.chars().take(3).collect();
        while ms_text.len() < 3 {
            ms_text.push('0');
        }
        frac_ms = digits(&ms_text)?;
        tail = f.get(n..)?;
    }
    let offset_min: i64 = match tail {
        "Z" | "z" => 0,
        _ => {
            let sign = match tail.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh = i64::from(digits(tail.get(1..3)?)?);
            let om = match tail.get(3..) {
                Some(r) if r.len() == 3 && r.starts_with(':') => i64::from(digits(r.get(1..)?)?),
                Some(r) if r.len() == 2 => i64::from(digits(r)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    let utc = i64::try_from(to_ms(y, mo, d, h, mi, s, frac_ms)?).ok()?;
    u64::try_from(utc.checked_sub(offset_min * 60_000)?).ok()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn hms(t: &str) -> Option<(u32, u32, u32)> {
    let mut it = t.split(':');
    let h = digits(it.next()?)?;
    let m = digits(it.next()?)?;
    let s = digits(it.next()?)?;
    if it.next().is_some() {
        return None;
    }
    Some((h, m, s))
}

/// An HTTP date (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37
/// GMT`, and the obsolete RFC 850 and asctime forms a recipient must accept.
pub fn parse_http_date_ms(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    match parts.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [_, d, mon, y, time, "GMT"] => {
            let (h, mi, s) = hms(time)?;
            to_ms(i64::from(digits(y)?), month(mon)?, digits(d)?, h, mi, s, 0)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        [_, dmy, time, "GMT"] => {
            let mut it = dmy.split('-');
            let d = digits(it.next()?)?;
            let mon = month(it.next()?)?;
            let yy = i64::from(digits(it.next()?)?);
            let y = if yy < 70 { 2000 + yy } else { 1900 + yy };
            let (h, mi, s) = hms(time)?;
            to_ms(y, mon, d, h, mi, s, 0)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [_, mon, d, time, y] => {
            let (h, mi, s) = hms(time)?;
            to_ms(i64::from(digits(y)?), month(mon)?, digits(d)?, h, mi, s, 0)
        }
        _ => None,
    }
}

/// An epoch number whose unit is not documented, read by magnitude: below
/// 10^11 seconds, below 10^14 milliseconds, below 10^17 microseconds, else
/// nanoseconds. Unambiguous for every instant between 1973 and 5138.
pub fn epoch_to_ms(value: u64) -> u64 {
    if value < 100_000_000_000 {
        value.saturating_mul(1000)
    } else if value < 100_000_000_000_000 {
        value
    } else if value < 100_000_000_000_000_000 {
        value / 1000
    } else {
        value / 1_000_000
    }
}

/// A JSON time value as Unix milliseconds: a non-negative integer (unit by
/// magnitude, see [`epoch_to_ms`]), a string of digits (the same), or an
/// RFC 3339 string.
pub fn json_time_ms(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64().map(epoch_to_ms),
        serde_json::Value::String(s) => {
            let s = s.trim();
            if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().ok().map(epoch_to_ms)
            } else {
                parse_rfc3339_ms(s)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values computed with Python: int(datetime(...).timestamp()*1000).
    #[test]
    fn rfc3339() {
        assert_eq!(
            parse_rfc3339_ms("2026-01-02T03:04:05Z"),
            Some(1_767_323_045_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-01-02T11:04:05.5+08:00"),
            Some(1_767_323_045_500)
        );
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
        for bad in [
            "2025-02-29T00:00:00Z",
            "2026-01-02T03:04:05",
            "2026-13-02T03:04:05Z",
            "2026-01-02",
            "",
            "1969-12-31T23:59:59Z",
            "2026-01-02T03:04:05+0800x",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_dates() {
        // RFC 9110's own example, all three forms: 784111777 seconds.
        for t in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date_ms(t), Some(784_111_777_000), "{t}");
        }
        assert_eq!(parse_http_date_ms("120"), None);
        assert_eq!(parse_http_date_ms("Sun, 32 Nov 1994 08:49:37 GMT"), None);
    }

    #[test]
    fn epoch_units() {
        let ms = 1_764_000_000_000;
        assert_eq!(epoch_to_ms(1_764_000_000), ms);
        assert_eq!(epoch_to_ms(ms), ms);
        assert_eq!(epoch_to_ms(ms * 1000), ms);
        assert_eq!(epoch_to_ms(ms * 1_000_000), ms);
        assert_eq!(json_time_ms(&serde_json::json!("1764000000")), Some(ms));
        assert_eq!(json_time_ms(&serde_json::json!(-5)), None);
    }
}

/// The unit a provider's timestamps are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeUnit {
    /// Unix seconds (WorldCard requests).
    Seconds,
    /// Unix milliseconds (WorldCard webhooks, legacy).
    Millis,
    /// Unix microseconds (PinToPay).
    Micros,
}

impl TimeUnit {
    /// How many of this unit make one millisecond-or-more: converts a value in
    /// this unit to milliseconds, saturating.
    pub fn to_millis(self, value: u64) -> u64 {
        match self {
            TimeUnit::Seconds => value.saturating_mul(1000),
            TimeUnit::Millis => value,
            TimeUnit::Micros => value / 1000,
        }
    }
}

/// Parses a decimal timestamp header or field: ASCII digits only, no sign, no
/// overflow. Anything else is `malformed_envelope`.
pub fn parse_timestamp(text: &str) -> Result<u64> {
    let t = text.trim();
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::malformed("timestamp is not a decimal integer"));
    }
    t.parse::<u64>()
        .map_err(|_| Error::malformed("timestamp overflows"))
}

/// A symmetric freshness window: a timestamp is fresh when it is within
/// `tolerance_ms` of `now`, in either direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Allowed skew in milliseconds, each way.
    pub tolerance_ms: u64,
}

impl Window {
    /// ±5 minutes (WorldCard).
    pub const FIVE_MINUTES: Window = Window {
        tolerance_ms: 5 * 60 * 1000,
    };
    /// ±30 seconds (PinToPay).
    pub const THIRTY_SECONDS: Window = Window {
        tolerance_ms: 30 * 1000,
    };

    /// The window for `explain`: `±5 min`, `±32 h 30 min`, `±30 s`.
    pub fn describe(&self) -> String {
        let s = self.tolerance_ms / 1000;
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
        let mut parts = Vec::new();
        if h > 0 {
            parts.push(format!("{h} h"));
        }
        if m > 0 {
            parts.push(format!("{m} min"));
        }
        if sec > 0 || parts.is_empty() {
            parts.push(format!("{sec} s"));
        }
        format!("±{}", parts.join(" "))
    }

    /// `timestamp_out_of_window` unless `|ts_ms - now_ms| <= tolerance`.
    pub fn check(&self, ts_ms: u64, now_ms: u64) -> Result<()> {
        if ts_ms.abs_diff(now_ms) <= self.tolerance_ms {
            Ok(())
        } else {
            Err(Error::TimestampOutOfWindow)
        }
    }
}
