//! Value formats: dates, ages, card PINs, identifiers.

use super::*;

pub(crate) fn is_date(t: &str) -> Option<(u32, u32, u32)> {
    let b = t.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let y: u32 = t.get(0..4)?.parse().ok()?;
    let m: u32 = t.get(5..7)?.parse().ok()?;
    let d: u32 = t.get(8..10)?.parse().ok()?;
    if !t
        .get(0..4)?
        .bytes()
        .chain(t.get(5..7)?.bytes())
        .chain(t.get(8..10)?.bytes())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

pub(crate) fn older_than(birth: &str, today: &str, years: u32) -> bool {
    match (is_date(birth), is_date(today)) {
        (Some((by, bm, bd)), Some((ty, tm, td))) => (ty, tm, td) >= (by + years, bm, bd),
        _ => false,
    }
}

pub(crate) fn format_problem(f: Format, t: &str) -> Option<String> {
    let ok = match f {
        Format::Date => is_date(t).is_some(),
        Format::DateTime => {
            t.len() == 19
                && t.get(..10).and_then(is_date).is_some()
                && t.as_bytes().get(10) == Some(&b' ')
                && t.get(11..).is_some_and(|h| {
                    let b = h.as_bytes();
                    b.len() == 8
                        && b.get(2) == Some(&b':')
                        && b.get(5) == Some(&b':')
                        && b.iter()
                            .enumerate()
                            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
                })
        }
        Format::Iso8601 => is_date(t).is_some() || crate::time::parse_rfc3339_ms(t).is_some(),
        Format::Email => {
            let mut parts = t.split('@');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(local), Some(domain), None) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !t.chars().any(|c| c.is_whitespace() || c.is_control())
                }
                _ => false,
            }
        }
        Format::Digits => !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()),
        Format::CountryAlpha2 => t.len() == 2 && t.bytes().all(|b| b.is_ascii_uppercase()),
        Format::Currency => t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()),
        Format::LatinName => {
            !t.is_empty()
                && t.split(' ')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic()))
        }
        Format::PersonName => {
            !t.trim().is_empty()
                && t.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, ' ' | '\'' | '.' | '-'))
        }
        Format::Alphanumeric => !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()),
        Format::AddressText => t.chars().all(|c| !c.is_control() && c != '<' && c != '>'),
    };
    if ok {
        return None;
    }
    Some(
        match f {
            Format::Date => "must be a date in YYYY-MM-DD form",
            Format::DateTime => "must be a date-time in YYYY-MM-DD HH:MM:SS form",
            Format::Iso8601 => {
                "must be an ISO 8601 date-time with a zone (2026-01-02T03:04:05Z) or a date (2026-01-02)"
            }
            Format::Email => "must be a valid e-mail address",
            Format::Digits => "must contain digits only",
            Format::CountryAlpha2 => "must be a two-letter ISO 3166-1 country code such as US",
            Format::Currency => "must be a three-letter currency code such as USD",
            Format::LatinName => "must use letters A-Z and single spaces between words only",
            Format::PersonName => {
                "must contain letters, spaces, apostrophes, dots and hyphens only"
            }
            Format::Alphanumeric => "must contain letters and digits only",
            Format::AddressText => "must not contain control characters or < >",
        }
        .to_owned(),
    )
}

/// Wasabi's PIN rules (Open API, Update PIN), checked in order:
/// 1. exactly 6 ASCII digits;
/// 2. no digit repeated 3 or more times in a row (`111234`);
/// 3. not the whole string ascending or descending, defined as each digit one
///    more (or one less) than the one before, without wrapping (`123456`,
///    `654321`; `890123` is allowed);
/// 4. not a repeated two- or three-digit segment (`121212`, `123123`).
pub fn pin_problem(pin: &str) -> Option<&'static str> {
    let d: Vec<u8> = pin.bytes().collect();
    if d.len() != 6 || !d.iter().all(u8::is_ascii_digit) {
        return Some("must be exactly 6 digits");
    }
    if d.windows(3)
        .any(|w| matches!(w, [a, b, c] if a == b && b == c))
    {
        return Some("must not repeat a digit 3 or more times in a row");
    }
    let steps: Vec<i16> = d
        .windows(2)
        .map(|w| match w {
            [a, b] => i16::from(*b) - i16::from(*a),
            _ => 0,
        })
        .collect();
    if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1) {
        return Some("must not be 6 ascending or descending digits");
    }
    let period = |p: usize| d.iter().enumerate().all(|(i, c)| d.get(i % p) == Some(c));
    if period(2) || period(3) {
        return Some("must not repeat a two- or three-digit segment (121212, 123123)");
    }
    None
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix time in seconds: request
/// builders use the request's own timestamp as "today" for age rules, so the
/// core still reads no clock.
pub fn date_from_unix_seconds(secs: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
