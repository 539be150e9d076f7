//! Values crossing the language boundary: [`Input`] comes in (each binding
//! converts its language's values to it, nothing more), [`Out`] goes back.
//! Every normalisation (payloads, headers, bodies, options, error fields)
//! happens here, once.

use serde_json::Value;

use crate::envelope::Headers;
use crate::error::{Error, Result};

/// A value from the host language.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Input {
    /// `null`, `undefined`, `None`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (JS safe integers and `BigInt`, Python `int`).
    Int(i128),
    /// A binary float (JS `number` with a fraction, Python `float`).
    Float(f64),
    /// An exact decimal given as its text (Python `decimal.Decimal`):
    /// serialized as a JSON number, digit for digit.
    Decimal(String),
    /// Text.
    Str(String),
    /// Bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`, Python `bytes`).
    Bytes(Vec<u8>),
    /// A list (JS array, Python list or tuple).
    List(Vec<Input>),
    /// A map (JS object, `Map`, fetch `Headers`; Python `dict`, `Mapping`),
    /// in the host's order.
    Map(Vec<(String, Input)>),
}

/// A JSON value as an argument: integers stay integers, any other number
/// keeps its exact text (never a binary float), objects keep their order.
/// For Rust callers of the dynamic API, e.g. a class made from the
/// `options` of a `cardwire sandbox` credentials entry:
/// `Instance::new(entry["class"].as_str().unwrap_or_default(), &(&entry["options"]).into(), &host)`.
impl From<&Value> for Input {
    fn from(v: &Value) -> Input {
        match v {
            Value::Null => Input::Null,
            Value::Bool(b) => Input::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Input::Int(i128::from(i)),
                (_, Some(u)) => Input::Int(i128::from(u)),
                _ => Input::Decimal(n.to_string()),
            },
            Value::String(s) => Input::Str(s.clone()),
            Value::Array(a) => Input::List(a.iter().map(Input::from).collect()),
            Value::Object(o) => {
                Input::Map(o.iter().map(|(k, v)| (k.clone(), Input::from(v))).collect())
            }
        }
    }
}

/// A result handed back as an argument, in Rust (a binding that keeps a
/// prepared request for its `finish_…` call instead of converting it to
/// the host language and back). Records keep their vocabulary names.
impl From<&Out> for Input {
    fn from(o: &Out) -> Input {
        match o {
            Out::Bool(b) => Input::Bool(*b),
            Out::Int(i) => Input::Int(i128::from(*i)),
            Out::Str(s) => Input::Str(s.clone()),
            Out::Bytes(b) => Input::Bytes(b.clone()),
            Out::Json(v) => Input::from(v),
            Out::JsonText(t) => crate::exact_json::parse(t.as_bytes())
                .map_or_else(|_| Input::Str(t.clone()), |v| Input::from(&v)),
            Out::Headers(pairs) => Input::Map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), Input::Str(v.clone())))
                    .collect(),
            ),
            Out::Record(_, fields) => {
                let raw = fields
                    .iter()
                    .find(|(k, _)| *k == "raw")
                    .map(|(_, v)| Input::from(v));
                Input::Map(
                    fields
                        .iter()
                        .map(|(k, v)| {
                            let value = match (v, &raw) {
                                (Out::InRaw(None), Some(raw)) => raw.clone(),
                                (Out::InRaw(Some(m)), Some(raw)) => {
                                    raw.get(m).cloned().unwrap_or(Input::Null)
                                }
                                _ => Input::from(v),
                            };
                            ((*k).to_owned(), value)
                        })
                        .collect(),
                )
            }
            Out::List(items) => Input::List(items.iter().map(Input::from).collect()),
            Out::Null | Out::InRaw(_) => Input::Null,
        }
    }
}

impl Input {
    /// Whether the value is absent (`Null`).
    pub fn is_null(&self) -> bool {
        matches!(self, Input::Null)
    }

    fn kind(&self) -> &'static str {
        match self {
            Input::Null => "null",
            Input::Bool(_) => "a boolean",
            Input::Int(_) | Input::Float(_) | Input::Decimal(_) => "a number",
            Input::Str(_) => "text",
            Input::Bytes(_) => "bytes",
            Input::List(_) => "a list",
            Input::Map(_) => "an object",
        }
    }

    /// The member `name` of a map (`None` when absent, `null` or not a map).
    pub fn get(&self, name: &str) -> Option<&Input> {
        match self {
            Input::Map(m) => m
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .filter(|v| !v.is_null()),
            _ => None,
        }
    }
}

/// A value for the host language.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Out {
    /// Nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Text.
    Str(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// Provider data: JSON whose keys are the provider's and never renamed.
    Json(Value),
    /// Provider data as JSON text that every JSON parser reads to the value
    /// cardwire means (see [`crate::exact_json::portable_text`]), for the
    /// host's own parser. Only for a host that asks for it
    /// ([`Host::parses_json_text`](crate::api::Host::parses_json_text)).
    JsonText(String),
    /// Inside a record: the record's `raw` as the host parsed it (`None`), or
    /// that value's member of this name; one object in the host language,
    /// not a second conversion. Only beside a `raw` that is [`Out::JsonText`].
    InRaw(Option<&'static str>),
    /// Header names and values, kept as produced.
    Headers(Vec<(String, String)>),
    /// A result shape from the vocabulary, by name; its keys are vocabulary
    /// names (snake_case), which a binding may rename for its language.
    Record(&'static str, Vec<(&'static str, Out)>),
    /// A list.
    List(Vec<Out>),
}

impl Out {
    /// Optional text.
    pub fn opt_str(s: Option<String>) -> Out {
        s.map_or(Out::Null, Out::Str)
    }

    /// Optional integer.
    pub fn opt_int(i: Option<u64>) -> Out {
        i.map_or(Out::Null, |v| {
            Out::Int(i64::try_from(v).unwrap_or(i64::MAX))
        })
    }

    /// An unsigned integer.
    pub fn uint(i: u64) -> Out {
        Out::Int(i64::try_from(i).unwrap_or(i64::MAX))
    }
}

// ------------------------------------------- the JavaScript glue's forms

/// The largest integer a JavaScript number holds exactly (2^53 − 1).
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// Provider JSON for a JavaScript host: every number that is no safe
/// integer (beyond 2^53, or with a fraction) as its text, so that no digit
/// goes through a binary float; anything else as it is, uncopied when there
/// is nothing to change.
pub fn js_safe_json(v: &Value) -> std::borrow::Cow<'_, Value> {
    fn unsafe_int(n: &serde_json::Number) -> bool {
        n.as_i64()
            .is_none_or(|i| i.unsigned_abs() > MAX_SAFE_INTEGER)
    }
    fn has(v: &Value) -> bool {
        match v {
            Value::Number(n) => unsafe_int(n),
            Value::Array(a) => a.iter().any(has),
            Value::Object(m) => m.values().any(has),
            _ => false,
        }
    }
    fn to_text(v: &Value) -> Value {
        match v {
            Value::Number(n) if unsafe_int(n) => Value::String(n.to_string()),
            Value::Array(a) => Value::Array(a.iter().map(to_text).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, x)| (k.clone(), to_text(x))).collect())
            }
            other => other.clone(),
        }
    }
    if has(v) {
        std::borrow::Cow::Owned(to_text(v))
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

/// Received headers in the JavaScript class glue's one-string form
/// (`name\0value\0...`, made by `flat` in the generated `classes.mjs` from
/// a plain object of strings): one string crosses instead of an object
/// read member by member. `None` for any other text (it then takes the
/// general conversion, and its error).
pub fn flat_headers(text: &str) -> Option<Input> {
    // Only the complete form: empty, or ending in NUL.
    let body = match text.strip_suffix('\0') {
        Some(body) => body,
        None if text.is_empty() => return Some(Input::Map(Vec::new())),
        None => return None,
    };
    let mut parts = body.split('\0');
    let mut pairs = Vec::new();
    while let Some(k) = parts.next() {
        let v = parts.next()?;
        pairs.push((k.to_owned(), Input::Str(v.to_owned())));
    }
    Some(Input::Map(pairs))
}

/// A verified event whose `raw` is portable JSON text and whose `data` is
/// part of it ([`Out::JsonText`] and [`Out::InRaw`]), as the one string the
/// class glue's `compactEvent` reads: a header line (`duplicate`,
/// `retention_ms`, `timestamp_ms` (non-negative integers), then the lengths of `type`,
/// `delivery_key`, `delivery_id`, `business_key` and the `data` member, `-`
/// for none), those texts, then the raw JSON text. One crossing; the host's
/// `JSON.parse` builds the objects. `None` for any other result.
pub fn compact_event(o: &Out) -> Option<String> {
    let Out::Record("event", fields) = o else {
        return None;
    };
    let get = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
    let (Some(Out::JsonText(raw)), Some(Out::InRaw(member))) = (get("raw"), get("data")) else {
        return None;
    };
    let text = |name: &str| match get(name) {
        Some(Out::Str(s)) => Some(Some(s.as_str())),
        Some(Out::Null) => Some(None),
        _ => None,
    };
    // Non-negative: the glue reads `-` as none.
    let int = |name: &str| match get(name) {
        Some(Out::Int(i)) if *i >= 0 && i.unsigned_abs() <= MAX_SAFE_INTEGER => Some(Some(*i)),
        Some(Out::Null) => Some(None),
        _ => None,
    };
    let duplicate = match get("duplicate") {
        Some(Out::Bool(b)) => *b,
        _ => return None,
    };
    let retention = int("retention_ms")??;
    let timestamp = int("timestamp_ms")?;
    let texts = [
        text("type")?,
        text("delivery_key")?,
        text("delivery_id")?,
        text("business_key")?,
        *member,
    ];
    // Lengths in UTF-16 code units, as JavaScript's `slice` counts.
    use std::fmt::Write as _;
    let mut s = String::with_capacity(raw.len() + 256);
    s.push_str(if duplicate { "1 " } else { "0 " });
    let _ = write!(s, "{retention}");
    match timestamp {
        Some(t) => {
            let _ = write!(s, " {t}");
        }
        None => s.push_str(" -"),
    }
    for t in texts {
        match t {
            Some(t) if t.is_ascii() => {
                let _ = write!(s, " {}", t.len());
            }
            Some(t) => {
                let _ = write!(s, " {}", t.encode_utf16().count());
            }
            None => s.push_str(" -"),
        }
    }
    s.push('\n');
    for t in texts.into_iter().flatten() {
        s.push_str(t);
    }
    s.push_str(raw);
    Some(s)
}

// ------------------------------------------------------------ conversions

/// How the bindings' hint reads when a parsed object arrives where the raw
/// body belongs.
const RAW_BODY_HINT: &str = "the body must be the raw bytes (or text) exactly as received, not a parsed object: the signature covers the bytes. Express: express.raw({ type: '*/*' }) (without type: '*/*' it reads only application/octet-stream); Fastify: addContentTypeParser('*', { parseAs: 'buffer' }, ...); fetch/edge: await req.arrayBuffer(); Flask: request.get_data(); Django: request.body; FastAPI/Starlette: await request.body()";

/// The error for a received body that is absent: Express with no body
/// parser (or `express.raw()` whose `type` did not match the request)
/// leaves it undefined.
pub fn missing_body(what: &str) -> Error {
    Error::invalid_input(format!(
        "{what} is missing (null or undefined): no body parser read it, or one skipped this content type; {RAW_BODY_HINT}"
    ))
}

/// A received body: bytes or text. A parsed object is refused with a
/// message that says how to get the raw body.
pub fn body<'a>(v: &'a Input, what: &str) -> Result<std::borrow::Cow<'a, [u8]>> {
    match v {
        Input::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
        Input::Str(s) => Ok(std::borrow::Cow::Borrowed(s.as_bytes())),
        Input::Map(_) | Input::List(_) => {
            Err(Error::invalid_input(format!("{what}: {RAW_BODY_HINT}")))
        }
        Input::Null => Err(missing_body(what)),
        other => Err(Error::invalid_input(format!(
            "{what} must be bytes or text, not {}",
            other.kind()
        ))),
    }
}

/// Header values as text: strings, numbers; a list (Node's `set-cookie`)
/// gives one header per element; `null` (Node's `undefined` values) is skipped.
fn push_header(h: &mut Headers, name: &str, v: &Input) -> Result<()> {
    match v {
        Input::Null => Ok(()),
        Input::Str(s) => {
            h.push(name, s.clone());
            Ok(())
        }
        Input::Int(i) => {
            h.push(name, i.to_string());
            Ok(())
        }
        Input::Bytes(b) => {
            h.push(name, String::from_utf8_lossy(b).into_owned());
            Ok(())
        }
        Input::List(items) => {
            for item in items {
                push_header(h, name, item)?;
            }
            Ok(())
        }
        other => Err(Error::invalid_input(format!(
            "header {name} must be text, not {}",
            other.kind()
        ))),
    }
}

/// Received headers: a map of names to values, or a list of `[name, value]`
/// pairs. Names are matched case-insensitively later.
pub fn headers(v: &Input) -> Result<Headers> {
    let mut h = Headers::new();
    match v {
        Input::Null => {}
        Input::Map(m) => {
            for (k, v) in m {
                push_header(&mut h, k, v)?;
            }
        }
        Input::List(pairs) => {
            for pair in pairs {
                match pair {
                    Input::List(kv) if kv.len() == 2 => {
                        let Some(Input::Str(name)) = kv.first() else {
                            return Err(Error::invalid_input("header names must be text"));
                        };
                        if let Some(value) = kv.get(1) {
                            push_header(&mut h, name, value)?;
                        }
                    }
                    _ => {
                        return Err(Error::invalid_input(
                            "headers given as a list must be [name, value] pairs",
                        ))
                    }
                }
            }
        }
        other => {
            return Err(Error::invalid_input(format!(
                "headers must be a map or a list of [name, value] pairs, not {}",
                other.kind()
            )))
        }
    }
    Ok(h)
}

/// JSON text of a value, exact: integers and decimals digit for digit; a
/// binary float (a Python `float`, a JS number with a fraction) is refused
/// with `invalid_input`, and so are bytes inside objects.
pub fn write_json(v: &Input, out: &mut Vec<u8>) -> Result<()> {
    match v {
        Input::Null => out.extend_from_slice(b"null"),
        Input::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Input::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Input::Float(f) => {
            // Money never goes through binary floating point: 100.5 as a
            // float may already be 100.49999…, and which text it becomes is
            // the host's guess. The caller passes the exact text instead.
            let shown = serde_json::Number::from_f64(*f)
                .map_or_else(|| "NaN or Infinity".to_owned(), |n| n.to_string());
            return Err(Error::invalid_input(format!(
                "a binary floating-point number ({shown}) is not allowed in a payload: amounts must be exact. Pass a string (\"{shown}\"), a decimal.Decimal in Python, or whole numbers as integers; the endpoint's rules say whether a field is a JSON number or a string"
            )));
        }
        Input::Decimal(d) => {
            let t = d.trim();
            if serde_json::from_slice::<serde_json::Number>(t.as_bytes()).is_err() {
                return Err(Error::invalid_input(format!(
                    "decimal {t} is not a finite JSON number"
                )));
            }
            out.extend_from_slice(t.as_bytes());
        }
        Input::Str(s) => {
            let text = serde_json::to_string(s)
                .map_err(|_| Error::invalid_input("text cannot be encoded"))?;
            out.extend_from_slice(text.as_bytes());
        }
        Input::Bytes(_) => {
            return Err(Error::invalid_input(
                "bytes cannot be a value inside a JSON payload (encode them as text first)",
            ))
        }
        Input::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(item, out)?;
            }
            out.push(b']');
        }
        Input::Map(members) => {
            out.push(b'{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let key = serde_json::to_string(k)
                    .map_err(|_| Error::invalid_input("key cannot be encoded"))?;
                out.extend_from_slice(key.as_bytes());
                out.push(b':');
                write_json(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// A payload as JSON bytes: bytes and text pass through untouched (checked
/// to be JSON by the provider code); a map or list is serialized once,
/// compactly and exactly.
pub fn payload_bytes(v: &Input, what: &str) -> Result<Vec<u8>> {
    match v {
        Input::Bytes(b) => Ok(b.clone()),
        Input::Str(s) => Ok(s.as_bytes().to_vec()),
        Input::Map(_) | Input::List(_) => {
            let mut out = Vec::new();
            write_json(v, &mut out)?;
            Ok(out)
        }
        other => Err(Error::invalid_input(format!(
            "{what} must be an object, a list, JSON text or JSON bytes, not {}",
            other.kind()
        ))),
    }
}

/// Any JSON value (numbers that are not plain integers become exact
/// decimal text, as everywhere else).
pub fn json_value(v: &Input, what: &str) -> Result<Value> {
    let bytes = match v {
        Input::Bytes(_) | Input::Str(_) | Input::Map(_) | Input::List(_) => payload_bytes(v, what)?,
        other => {
            let mut out = Vec::new();
            write_json(other, &mut out)?;
            out
        }
    };
    crate::exact_json::parse(&bytes)
        .map_err(|_| Error::invalid_input(format!("{what} is not valid JSON")))
}

/// Text.
pub fn text(v: &Input, what: &str) -> Result<String> {
    match v {
        Input::Str(s) => Ok(s.clone()),
        other => Err(Error::invalid_input(format!(
            "{what} must be text, not {}",
            other.kind()
        ))),
    }
}

/// A non-negative integer (a float without a fraction is accepted: JS
/// numbers are floats).
pub fn uint(v: &Input, what: &str) -> Result<u64> {
    let bad = || Error::invalid_input(format!("{what} must be a non-negative whole number"));
    match v {
        Input::Int(i) => u64::try_from(*i).map_err(|_| bad()),
        Input::Float(f)
            if f.is_finite() && *f >= 0.0 && f.fract() == 0.0 && *f <= 9_007_199_254_740_991.0 =>
        {
            Ok(*f as u64)
        }
        Input::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

/// A boolean.
pub fn boolean(v: &Input, what: &str) -> Result<bool> {
    match v {
        Input::Bool(b) => Ok(*b),
        other => Err(Error::invalid_input(format!(
            "{what} must be true or false, not {}",
            other.kind()
        ))),
    }
}

/// Bytes.
pub fn bytes(v: &Input, what: &str) -> Result<Vec<u8>> {
    match v {
        Input::Bytes(b) => Ok(b.clone()),
        other => Err(Error::invalid_input(format!(
            "{what} must be bytes, not {}",
            other.kind()
        ))),
    }
}

/// Name/value pairs from a map or a list of pairs; values as text.
pub fn pairs(v: &Input, what: &str) -> Result<Vec<(String, String)>> {
    let value_text = |x: &Input| -> Result<String> {
        match x {
            Input::Str(s) => Ok(s.clone()),
            Input::Int(i) => Ok(i.to_string()),
            Input::Bool(b) => Ok(b.to_string()),
            Input::Decimal(d) => Ok(d.clone()),
            _ => Err(Error::invalid_input(format!(
                "{what} values must be text or numbers"
            ))),
        }
    };
    match v {
        Input::Null => Ok(Vec::new()),
        Input::Map(m) => m
            .iter()
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| Ok((k.clone(), value_text(x)?)))
            .collect(),
        Input::List(items) => items
            .iter()
            .map(|pair| match pair {
                Input::List(kv) if kv.len() == 2 => match (kv.first(), kv.get(1)) {
                    (Some(Input::Str(k)), Some(x)) => Ok((k.clone(), value_text(x)?)),
                    _ => Err(Error::invalid_input(format!("{what} names must be text"))),
                },
                _ => Err(Error::invalid_input(format!(
                    "{what} given as a list must be [name, value] pairs"
                ))),
            })
            .collect(),
        other => Err(Error::invalid_input(format!(
            "{what} must be a map or a list of pairs, not {}",
            other.kind()
        ))),
    }
}

#[cfg(test)]
mod from_json_tests {
    use super::*;

    #[test]
    fn json_arguments_keep_integers_and_exact_decimals() {
        let v: Value = serde_json::from_str(
            r#"{"a": 1, "b": 18446744073709551615, "c": 1.10, "d": [null, true, "x"]}"#,
        )
        .expect("json");
        let i = Input::from(&v);
        assert_eq!(i.get("a"), Some(&Input::Int(1)));
        assert_eq!(i.get("b"), Some(&Input::Int(18_446_744_073_709_551_615)));
        assert!(matches!(i.get("c"), Some(Input::Decimal(t)) if t.starts_with("1.1")));
        assert_eq!(
            i.get("d"),
            Some(&Input::List(vec![
                Input::Null,
                Input::Bool(true),
                Input::Str("x".into())
            ]))
        );
    }
}

#[cfg(test)]
mod glue_form_tests {
    use super::*;

    #[test]
    fn flat_headers_read_only_the_complete_form() {
        assert_eq!(
            flat_headers("A\0x\0b\0\0"),
            Some(Input::Map(vec![
                ("A".to_owned(), Input::Str("x".to_owned())),
                ("b".to_owned(), Input::Str(String::new())),
            ]))
        );
        assert_eq!(flat_headers(""), Some(Input::Map(Vec::new())));
        assert_eq!(flat_headers("A\0x"), None);
        assert_eq!(flat_headers("A\0"), None);
    }

    #[test]
    fn js_safe_json_turns_numbers_a_js_number_would_change_into_text() {
        let v: Value = serde_json::from_str(
            r#"{"a":9007199254740991,"b":[9007199254740992,-9007199254740993,"x"],"c":1.5}"#,
        )
        .expect("json");
        assert_eq!(
            serde_json::to_string(&*js_safe_json(&v)).expect("text"),
            r#"{"a":9007199254740991,"b":["9007199254740992","-9007199254740993","x"],"c":"1.5"}"#
        );
        let safe: Value = serde_json::from_str(r#"{"a":[1,2]}"#).expect("json");
        assert!(matches!(js_safe_json(&safe), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn a_compact_event_counts_utf16_units() {
        let ev = Out::Record(
            "event",
            vec![
                ("type", Out::Str("carte.débit".to_owned())),
                ("data", Out::InRaw(Some("data"))),
                ("raw", Out::JsonText(r#"{"data":{"a":1}}"#.to_owned())),
                ("duplicate", Out::Bool(true)),
                ("delivery_key", Out::Str("k😀".to_owned())),
                ("retention_ms", Out::Int(1000)),
                ("delivery_id", Out::Null),
                ("timestamp_ms", Out::Null),
                ("business_key", Out::Str("b".to_owned())),
            ],
        );
        assert_eq!(
            compact_event(&ev).as_deref(),
            Some("1 1000 - 11 3 - 1 4\ncarte.débitk😀bdata{\"data\":{\"a\":1}}")
        );
        assert_eq!(compact_event(&Out::Null), None);
        // A negative time is no compact header field (`-` means none there).
        let Out::Record(_, mut fields) = ev else {
            unreachable!()
        };
        if let Some(f) = fields.iter_mut().find(|(k, _)| *k == "timestamp_ms") {
            f.1 = Out::Int(-5);
        }
        assert_eq!(compact_event(&Out::Record("event", fields)), None);
    }
}
