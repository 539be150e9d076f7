//! JSON for money: numbers that are not plain integers (a fraction, an
//! exponent, or too large for 64 bits) are turned into strings holding their
//! exact decimal text *before* parsing, so an amount such as `15.10` or
//! `12345678901234567.89` never passes through binary floating point.
//! Integers stay numbers. Used for Wasabi, whose documents send amounts as
//! numbers in one version and strings in another.

use serde_json::Value;

use crate::error::{Error, Result};

/// Parses `bytes` as JSON, with non-integer numbers as exact decimal strings.
pub fn parse(bytes: &[u8]) -> Result<Value> {
    let rewritten = numbers_to_strings(bytes);
    serde_json::from_slice(&rewritten).map_err(|_| Error::malformed("body is not JSON"))
}

/// The rewrite step on its own: the same JSON text with every non-integer
/// number quoted. Text that is not JSON comes out as text that is not JSON.
pub fn numbers_to_strings(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let mut i = 0;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            out.push(b);
            if b == b'\\' {
                if let Some(&next) = bytes.get(i + 1) {
                    out.push(next);
                    i += 1;
                }
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while let Some(&c) = bytes.get(i) {
                if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                    i += 1;
                } else {
                    break;
                }
            }
            let token = bytes.get(start..i).unwrap_or_default();
            let integer_fits = token.iter().all(|c| c.is_ascii_digit() || *c == b'-')
                && std::str::from_utf8(token)
                    .ok()
                    .is_some_and(|t| t.parse::<i64>().is_ok() || t.parse::<u64>().is_ok());
            if integer_fits || !is_json_number(token) {
                out.extend_from_slice(token);
            } else {
                out.push(b'"');
                out.extend_from_slice(token);
                out.push(b'"');
            }
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(t: &[u8]) -> bool {
    let mut i = 0;
    let at = |i: usize| t.get(i).copied();
    let digits = |mut i: usize| {
        let s = i;
        while at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        (i, i - s)
    };
    if at(i) == Some(b'-') {
        i += 1;
    }
    match at(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => i = digits(i).0,
        _ => return false,
    }
    if at(i) == Some(b'.') {
        let (j, n) = digits(i + 1);
        if n == 0 {
            return false;
        }
        i = j;
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (j, n) = digits(i);
        if n == 0 {
            return false;
        }
        i = j;
    }
    i == t.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_become_exact_strings() {
        let v = parse(br#"{"amount": 15.10, "n": 3, "big": 12345678901234567.89, "e": 1e2, "s": "1.5\"x", "neg": -0.01, "arr": [1, 2.50]}"#).unwrap();
        assert_eq!(v["amount"], "15.10");
        assert_eq!(v["n"], 3);
        assert_eq!(v["big"], "12345678901234567.89");
        assert_eq!(v["e"], "1e2");
        assert_eq!(v["s"], "1.5\"x");
        assert_eq!(v["neg"], "-0.01");
        assert_eq!(v["arr"][1], "2.50");
        assert_eq!(
            parse(b"{\"a\": 1.}").unwrap_err().code(),
            "malformed_envelope"
        );
        assert_eq!(parse(b"not json").unwrap_err().code(), "malformed_envelope");
        assert_eq!(
            parse(b"99999999999999999999").unwrap(),
            "99999999999999999999"
        );
    }
}
