//! JSON for money, the one mechanism every provider uses. Nothing cardwire
//! reads or re-sends passes through binary floating point.
//!
//! * [`parse`]: for values handed to the caller. Numbers that are not plain
//!   integers (a fraction, an exponent, or too large for 64 bits) become
//!   strings holding their exact decimal text *before* parsing, so `15.10`
//!   stays `"15.10"` and `12345678901234567.89` is not rounded. Integers stay
//!   numbers.
//! * [`Object`]: for bodies that are signed or re-sent. The members of a JSON
//!   object are kept as their exact received text (`20.10`, `12.00`,
//!   `0.0120`, `1e2`, 30-digit integers), so a signature is computed over
//!   what was sent (WorldCard legacy MD5) and a body built from the caller's
//!   text keeps every number as written.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Parses `bytes` as JSON, with non-integer numbers as exact decimal strings.
pub fn parse(bytes: &[u8]) -> Result<Value> {
    let rewritten = rewrite_numbers(bytes);
    serde_json::from_slice(&rewritten).map_err(|_| Error::malformed("body is not JSON"))
}

/// The rewrite step on its own: the same JSON text with every non-integer
/// number quoted. Text that is not JSON comes out as text that is not JSON.
pub fn numbers_to_strings(bytes: &[u8]) -> Vec<u8> {
    rewrite_numbers(bytes).into_owned()
}

/// [`numbers_to_strings`] without a copy when nothing needs quoting: strings
/// are skipped a chunk at a time and only the spans between rewritten
/// numbers are copied.
fn rewrite_numbers(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    scan_numbers(bytes).0
}

/// `bytes` as text when every JSON parser reads it to the value [`parse`]
/// gives: valid UTF-8 with nothing to quote (no fraction, exponent or
/// `-0`) and no integer of more than 15 digits (so within ±2^53, where a
/// JavaScript number is exact). A binding may then hand the text itself to
/// its host's JSON parser; `None` otherwise (and for text that is not JSON
/// the caller has not parsed).
pub fn portable_text(bytes: &[u8]) -> Option<&str> {
    match scan_numbers(bytes) {
        (std::borrow::Cow::Borrowed(_), false) => std::str::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// The rewrite, and whether an integer of more than 15 digits was seen.
fn scan_numbers(bytes: &[u8]) -> (std::borrow::Cow<'_, [u8]>, bool) {
    let mut big = false;
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'"' {
            i += 1;
            loop {
                let rest = bytes.get(i..).unwrap_or_default();
                match memchr::memchr2(b'"', b'\\', rest) {
                    None => {
                        i = bytes.len();
                        break;
                    }
                    Some(p) if rest.get(p) == Some(&b'\\') => i += p + 2,
                    Some(p) => {
                        i += p + 1;
                        break;
                    }
                }
            }
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
            // `-0` parses as the integer 0 and would print as `0`: keep its text.
            let integer_fits = !token.starts_with(b"-0")
                && token.iter().all(|c| c.is_ascii_digit() || *c == b'-')
                && std::str::from_utf8(token)
                    .ok()
                    .is_some_and(|t| t.parse::<i64>().is_ok() || t.parse::<u64>().is_ok());
            if integer_fits && token.iter().filter(|c| c.is_ascii_digit()).count() > 15 {
                big = true;
            }
            if !integer_fits && is_json_number(token) {
                let o = out.get_or_insert_with(|| Vec::with_capacity(bytes.len() + 16));
                o.extend_from_slice(bytes.get(copied..start).unwrap_or_default());
                o.push(b'"');
                o.extend_from_slice(token);
                o.push(b'"');
                copied = i;
            }
            continue;
        }
        i += 1;
    }
    let text = match out {
        None => std::borrow::Cow::Borrowed(bytes),
        Some(mut o) => {
            o.extend_from_slice(bytes.get(copied..).unwrap_or_default());
            std::borrow::Cow::Owned(o)
        }
    };
    (text, big)
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

/// A JSON object whose members are kept as their exact received text, in
/// order. Duplicate member names are refused (which of two a signer used is
/// ambiguous).
#[derive(Clone, Default)]
pub struct Object {
    members: Vec<(String, Box<RawValue>)>,
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.members.iter().map(|(k, v)| (k, v.get())))
            .finish()
    }
}

struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Members, A::Error> {
                let mut out: Vec<(String, Box<RawValue>)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    if out.iter().any(|(n, _)| *n == k) {
                        return Err(serde::de::Error::custom("duplicate member"));
                    }
                    out.push((k, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn raw(text: String) -> Result<Box<RawValue>> {
    // From bytes rather than `RawValue::from_string`: the same check, and one
    // JSON reader in the WebAssembly build instead of two (a smaller .wasm).
    serde_json::from_slice::<Box<RawValue>>(text.as_bytes())
        .map_err(|_| Error::invalid_input("value is not JSON"))
}

/// Removes insignificant whitespace from JSON text, keeping strings and
/// number tokens byte for byte.
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

impl Object {
    /// Parses a JSON object, keeping each member's exact text. Not JSON, not
    /// an object, or a duplicate member is `malformed_envelope`.
    pub fn parse(bytes: &[u8]) -> Result<Object> {
        let Members(members) = serde_json::from_slice(bytes)
            .map_err(|_| Error::malformed("body is not a JSON object (or repeats a member)"))?;
        Ok(Object { members })
    }

    /// An object from a parsed map (numbers print as serde_json prints them:
    /// for values that were never text, such as a caller's native object).
    pub fn from_map(map: &Map<String, Value>) -> Result<Object> {
        let mut members = Vec::with_capacity(map.len());
        for (k, v) in map {
            let text =
                serde_json::to_string(v).map_err(|_| Error::invalid_input("value is not JSON"))?;
            members.push((k.clone(), raw(text)?));
        }
        Ok(Object { members })
    }

    /// Member names and their exact JSON text, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v.get()))
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Whether `name` is a member.
    pub fn contains(&self, name: &str) -> bool {
        self.members.iter().any(|(k, _)| k == name)
    }

    /// The exact JSON text of member `name`.
    pub fn get_raw(&self, name: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.get())
    }

    /// Member `name` when it is a JSON string: its unescaped value.
    pub fn get_str(&self, name: &str) -> Option<String> {
        let text = self.get_raw(name)?;
        if !text.starts_with('"') {
            return None;
        }
        serde_json::from_slice::<String>(text.as_bytes()).ok()
    }

    /// How a member takes part in a signature over text values (the one place
    /// this rule lives): a string is itself (a webhook's `data` that arrived
    /// as a JSON string is signed as that string); a number or boolean is
    /// its exact received text (`20.10` stays `20.10`); an object or array
    /// is its received text without insignificant whitespace; `null` and the
    /// empty string take no part (`None`).
    pub fn sign_text(&self, name: &str) -> Option<String> {
        let text = self.get_raw(name)?;
        match text.as_bytes().first()? {
            b'"' => serde_json::from_slice::<String>(text.as_bytes())
                .ok()
                .filter(|s| !s.is_empty()),
            b'n' => None,
            b'{' | b'[' => Some(minify(text)),
            _ => Some(text.to_owned()),
        }
    }

    /// Sets member `name` to the JSON text `json` (appended when new, in
    /// place when present).
    pub fn insert_raw(&mut self, name: &str, json: String) -> Result<()> {
        let value = raw(json)?;
        match self.members.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.members.push((name.to_owned(), value)),
        }
        Ok(())
    }

    /// Sets member `name` to the string `value`.
    pub fn insert_str(&mut self, name: &str, value: &str) -> Result<()> {
        let text = serde_json::to_string(value)
            .map_err(|_| Error::invalid_input("string cannot be encoded"))?;
        self.insert_raw(name, text)
    }

    /// Sets the string member `name` (an event's `type`) to `value`; a
    /// member already there with another value is `invalid_input`.
    pub fn set_tag(&mut self, name: &str, value: &str) -> Result<()> {
        match self.get_raw(name) {
            None => self.insert_str(name, value),
            Some(_) if self.get_str(name).as_deref() == Some(value) => Ok(()),
            Some(_) => Err(Error::invalid_input(format!(
                "payload carries a different {name}"
            ))),
        }
    }

    /// Removes member `name`, returning its text.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let i = self.members.iter().position(|(k, _)| k == name)?;
        Some(self.members.remove(i).1.get().to_owned())
    }

    /// Replaces each named member that is a non-empty string with `f(value)`
    /// (the sensitive-field transform, exact for everything else).
    pub fn transform_strings<F>(&mut self, names: &[&str], mut f: F) -> Result<()>
    where
        F: FnMut(&str) -> Result<String>,
    {
        for name in names {
            if let Some(s) = self.get_str(name) {
                if !s.is_empty() {
                    let new = f(&s)?;
                    self.insert_str(name, &new)?;
                }
            }
        }
        Ok(())
    }

    /// The object as a value for reading and validation (non-integer numbers
    /// as exact decimal strings, as [`parse`] gives them).
    pub fn to_value(&self) -> Value {
        parse(self.to_bytes().as_slice()).unwrap_or(Value::Null)
    }

    /// The object as compact JSON bytes, every member's text as received.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            2 + self
                .members
                .iter()
                .map(|(k, v)| k.len() + v.get().len() + 4)
                .sum::<usize>(),
        );
        out.push(b'{');
        for (i, (k, v)) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // A String always serializes.
            out.extend_from_slice(serde_json::to_string(k).unwrap_or_default().as_bytes());
            out.push(b':');
            out.extend_from_slice(v.get().as_bytes());
        }
        out.push(b'}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_text_only_where_every_parser_agrees() {
        for plain in [
            &br#"{"a":1,"s":"1.5e3 -0 12345678901234567","n":-123456789012345,"l":[0,true,null]}"#
                [..],
            b"[]",
            b"{\"k\":\"\\u00e9\\\"x\"}",
        ] {
            assert_eq!(portable_text(plain), std::str::from_utf8(plain).ok());
        }
        for not_plain in [
            &b"{\"a\":1.5}"[..],
            b"{\"a\":1e2}",
            b"{\"a\":-0}",
            b"{\"a\":1234567890123456}",
            b"{\"a\":-1234567890123456}",
            b"{\"s\":\"\xff\"}",
        ] {
            assert_eq!(portable_text(not_plain), None, "{not_plain:?}");
        }
        // Where it is given, the text parses to exactly what `parse` gives.
        let t = br#"{"a":1,"b":{"c":"x"},"d":[1,2]}"#;
        let direct: Value = serde_json::from_str(portable_text(t).unwrap()).unwrap();
        assert_eq!(direct, parse(t).unwrap());
    }

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
        assert_eq!(
            parse(b"[-0, 0, -1]").unwrap(),
            serde_json::json!(["-0", 0, -1])
        );
    }

    #[test]
    fn object_keeps_exact_text() {
        let o = Object::parse(
            br#"{ "a": 20.10, "b": "x\u00e9", "c": {"n": 1.50, "s": "a b"}, "d": null, "e": "", "f": 12345678901234567890123, "g": true }"#,
        )
        .unwrap();
        assert_eq!(o.sign_text("a").as_deref(), Some("20.10"));
        assert_eq!(o.sign_text("b").as_deref(), Some("x\u{e9}"));
        assert_eq!(o.sign_text("c").as_deref(), Some(r#"{"n":1.50,"s":"a b"}"#));
        assert_eq!(o.sign_text("d"), None);
        assert_eq!(o.sign_text("e"), None);
        assert_eq!(o.sign_text("f").as_deref(), Some("12345678901234567890123"));
        assert_eq!(o.sign_text("g").as_deref(), Some("true"));
        assert_eq!(
            String::from_utf8(o.to_bytes()).unwrap(),
            r#"{"a":20.10,"b":"x\u00e9","c":{"n": 1.50, "s": "a b"},"d":null,"e":"","f":12345678901234567890123,"g":true}"#
        );
        assert_eq!(o.to_value()["a"], "20.10");
        assert_eq!(
            Object::parse(br#"{"a":1,"a":2}"#).unwrap_err().code(),
            "malformed_envelope"
        );
        assert_eq!(
            Object::parse(b"[1]").unwrap_err().code(),
            "malformed_envelope"
        );
    }
}
