//! Shapes every provider shares: case-insensitive headers, outgoing requests
//! and responses as plain instructions, JSON payload inputs, freshness windows
//! ([`crate::delivery`] holds the delivery rule and the replay stores).

use serde::Serialize;

use crate::error::{Error, Result};

/// Received HTTP headers, matched case-insensitively. Values are kept as given
/// (surrounding whitespace trimmed on read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    pairs: Vec<(String, String)>,
}

impl Headers {
    /// An empty set.
    pub const fn new() -> Self {
        Headers { pairs: Vec::new() }
    }

    /// Adds a header (repeated names are kept, and reported by [`Headers::require`]).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((name.into(), value.into()));
    }

    /// All pairs, in the order given.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Every value under `name`, case-insensitively.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// The one value under `name`. `Ok(None)` when absent; a header given
    /// twice with different values is `malformed_envelope` (identical repeats,
    /// as some proxies produce, are tolerated).
    pub fn get(&self, name: &str) -> Result<Option<&str>> {
        let mut values = self
            .pairs
            .iter()
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim());
        let Some(first) = values.next() else {
            return Ok(None);
        };
        if values.any(|v| v != first) {
            return Err(Error::malformed(format!(
                "header {name} given more than once with different values"
            )));
        }
        Ok(Some(first))
    }

    /// The one non-empty value under `name`, or `malformed_envelope`.
    pub fn require(&self, name: &str) -> Result<&str> {
        match self.get(name)? {
            Some(v) if !v.is_empty() => Ok(v),
            Some(_) => Err(Error::malformed(format!("header {name} is empty"))),
            None => Err(Error::malformed(format!("missing header {name}"))),
        }
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<T: IntoIterator<Item = (N, V)>>(iter: T) -> Self {
        Headers {
            pairs: iter
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }
}

impl<N: Into<String>, V: Into<String>, const K: usize> From<[(N, V); K]> for Headers {
    fn from(arr: [(N, V); K]) -> Self {
        arr.into_iter().collect()
    }
}

impl From<Vec<(String, String)>> for Headers {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Headers { pairs }
    }
}

/// An HTTP request to send: what the caller's HTTP client needs, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutgoingRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// Path (and query, where the provider uses one), relative to the base URL.
    pub path: String,
    /// Headers in the order they were produced.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes to send (the bytes that were signed).
    pub body: Vec<u8>,
}

impl OutgoingRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The headers as a [`Headers`] set, as a receiver would see them.
    pub fn headers(&self) -> Headers {
        self.headers.clone().into()
    }
}

/// A signed webhook to POST to the merchant's configured callback URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedWebhook {
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes to send.
    pub body: Vec<u8>,
}

impl SignedWebhook {
    /// The headers as a [`Headers`] set, as the receiver would see them.
    pub fn headers(&self) -> Headers {
        self.headers.clone().into()
    }
}

/// An HTTP response to send back (acknowledgements, sealed responses, rejections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutgoingResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl OutgoingResponse {
    pub(crate) fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        OutgoingResponse {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body,
        }
    }
}

/// A JSON payload as the caller has it. Bytes and text pass through untouched
/// (they are checked to be JSON, not re-serialized); a value is serialized
/// once, compactly.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// JSON bytes.
    Bytes(&'a [u8]),
    /// JSON text.
    Text(&'a str),
    /// A parsed value.
    Json(&'a serde_json::Value),
}

impl<'a> From<&'a [u8]> for Payload<'a> {
    fn from(b: &'a [u8]) -> Self {
        Payload::Bytes(b)
    }
}
impl<'a, const N: usize> From<&'a [u8; N]> for Payload<'a> {
    fn from(b: &'a [u8; N]) -> Self {
        Payload::Bytes(b)
    }
}
impl<'a> From<&'a Vec<u8>> for Payload<'a> {
    fn from(b: &'a Vec<u8>) -> Self {
        Payload::Bytes(b)
    }
}
impl<'a> From<&'a str> for Payload<'a> {
    fn from(s: &'a str) -> Self {
        Payload::Text(s)
    }
}
impl<'a> From<&'a String> for Payload<'a> {
    fn from(s: &'a String) -> Self {
        Payload::Text(s)
    }
}
impl<'a> From<&'a serde_json::Value> for Payload<'a> {
    fn from(v: &'a serde_json::Value) -> Self {
        Payload::Json(v)
    }
}

impl<'a> Payload<'a> {
    /// The payload's JSON bytes: borrowed when given as bytes or text (after
    /// checking they are one JSON value), serialized once when given as a value.
    pub fn to_json_bytes(self) -> Result<std::borrow::Cow<'a, [u8]>> {
        use std::borrow::Cow;
        match self {
            Payload::Bytes(b) => {
                check_json(b)?;
                Ok(Cow::Borrowed(b))
            }
            Payload::Text(t) => {
                check_json(t.as_bytes())?;
                Ok(Cow::Borrowed(t.as_bytes()))
            }
            Payload::Json(v) => serde_json::to_vec(v)
                .map(Cow::Owned)
                .map_err(|_| Error::invalid_input("payload cannot be serialized as JSON")),
        }
    }

    /// The payload as an exact object (every member's text kept as given;
    /// a parsed value is serialized once), or `invalid_input`.
    pub fn to_exact_object(self) -> Result<crate::exact_json::Object> {
        let bytes = self.to_json_bytes()?;
        crate::exact_json::Object::parse(&bytes).map_err(|_| {
            Error::invalid_input("payload must be a JSON object (without repeated members)")
        })
    }

    /// The payload as a JSON object (a copy), or `invalid_input`.
    pub fn to_object(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        let value: serde_json::Value = match self {
            Payload::Bytes(b) => serde_json::from_slice(b)
                .map_err(|_| Error::invalid_input("payload is not valid JSON"))?,
            Payload::Text(t) => serde_json::from_slice(t.as_bytes())
                .map_err(|_| Error::invalid_input("payload is not valid JSON"))?,
            Payload::Json(v) => (*v).clone(),
        };
        match value {
            serde_json::Value::Object(m) => Ok(m),
            _ => Err(Error::invalid_input("payload must be a JSON object")),
        }
    }
}

fn check_json(bytes: &[u8]) -> Result<()> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|_| Error::invalid_input("payload is not valid JSON"))
}

/// `Retry-After` as milliseconds from `now_ms`: a number of seconds, or an
/// HTTP date (read against the caller's clock; a date in the past is 0).
pub fn retry_after_ms(headers: &Headers, now_ms: u64) -> Option<u64> {
    let v = headers.get("Retry-After").ok().flatten()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    let at = crate::time::parse_http_date_ms(v)?;
    Some(at.saturating_sub(now_ms))
}

/// Replaces each named field of `obj` that holds a non-empty string with
/// `f(value)`: the one place where sensitive card fields are encrypted or
/// decrypted in place (WorldCard, Wasabi, WorldCard legacy). Other fields,
/// empty strings and non-strings are left as they are.
pub(crate) fn transform_string_fields<F>(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    fields: &[&str],
    mut f: F,
) -> Result<()>
where
    F: FnMut(&str) -> Result<String>,
{
    for name in fields {
        if let Some(serde_json::Value::String(s)) = obj.get_mut(*name) {
            if !s.is_empty() {
                *s = f(s)?;
            }
        }
    }
    Ok(())
}

/// A nonce or id a caller hands us for a header: 1 to 128 visible ASCII
/// characters, no spaces.
pub(crate) fn check_header_token(what: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > 128 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_input(format!(
            "{what} must be 1 to 128 visible ASCII characters without spaces"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_timestamp, Window};

    #[test]
    fn headers_are_case_insensitive_and_duplicates_detected() {
        let h = Headers::from([("x-nonce", "a"), ("X-TIMESTAMP", " 12 ")]);
        assert_eq!(h.require("X-Nonce").unwrap(), "a");
        assert_eq!(h.require("x-timestamp").unwrap(), "12");
        assert_eq!(
            h.require("X-Signature").unwrap_err().code(),
            "malformed_envelope"
        );
        let dup = Headers::from([("X-Nonce", "a"), ("x-nonce", "b")]);
        assert_eq!(
            dup.require("X-Nonce").unwrap_err().code(),
            "malformed_envelope"
        );
        let same = Headers::from([("X-Nonce", "a"), ("x-nonce", "a")]);
        assert_eq!(same.require("X-Nonce").unwrap(), "a");
        let empty = Headers::from([("X-Nonce", "")]);
        assert_eq!(
            empty.require("X-Nonce").unwrap_err().code(),
            "malformed_envelope"
        );
    }

    #[test]
    fn timestamps_parse_strictly() {
        assert_eq!(parse_timestamp("1711929600").unwrap(), 1_711_929_600);
        for bad in ["", "-1", "1.5", "12a", "99999999999999999999999", "+5"] {
            assert_eq!(
                parse_timestamp(bad).unwrap_err().code(),
                "malformed_envelope",
                "{bad}"
            );
        }
    }

    #[test]
    fn window_is_symmetric_and_inclusive() {
        let w = Window::FIVE_MINUTES;
        assert!(w.check(1_000_000, 1_000_000 + 300_000).is_ok());
        assert!(w.check(1_000_000 + 300_000, 1_000_000).is_ok());
        assert_eq!(
            w.check(1_000_000, 1_000_000 + 300_001).unwrap_err().code(),
            "timestamp_out_of_window"
        );
        assert!(w.check(u64::MAX, 0).is_err());
    }
}
