//! The provider descriptions (`docs/openapi/<provider>.yaml`), compiled in:
//! what the sandbox answers for a documented endpoint it keeps no state for,
//! which webhook events a provider has, and the documented fields of each
//! event (filled from the world's state where the sandbox knows them, else
//! from the description's own examples and types). One source: the same
//! files the library's tables, types and reference pages are checked
//! against.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{json, Map, Value};

/// The six descriptions, by the sandbox's provider names.
static DOCS: LazyLock<HashMap<&'static str, Value>> = LazyLock::new(|| {
    let texts: [(&str, &str); 6] = [
        ("worldcard", include_str!("../../openapi/worldcard.yaml")),
        (
            "legacy",
            include_str!("../../openapi/worldcard-legacy.yaml"),
        ),
        ("wasabi", include_str!("../../openapi/wasabi.yaml")),
        ("gateway", include_str!("../../openapi/wasabi-gateway.yaml")),
        ("pintopay", include_str!("../../openapi/pintopay.yaml")),
        ("payca", include_str!("../../openapi/payca.yaml")),
    ];
    texts
        .into_iter()
        .filter_map(|(name, text)| serde_yaml::from_str(text).ok().map(|v| (name, v)))
        .collect()
});

fn doc(provider: &str) -> Option<&'static Value> {
    DOCS.get(provider)
}

/// Follows local `$ref`s.
fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    let mut v = v;
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match doc.pointer(r.trim_start_matches('#')) {
                Some(t) => v = t,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

/// `schema` with its `allOf` members' properties merged in (later members
/// and the schema's own keys win).
fn merged(doc: &Value, schema: &Value) -> Value {
    let s = deref(doc, schema);
    let Some(all) = s.get("allOf").and_then(Value::as_array) else {
        return s.clone();
    };
    let mut props = Map::new();
    let mut out = Map::new();
    for part in all.iter().map(|p| merged(doc, p)).chain([s.clone()]) {
        for (k, v) in part.as_object().into_iter().flatten() {
            match (k.as_str(), v) {
                ("properties", Value::Object(p)) => props.extend(p.clone()),
                ("allOf", _) => {}
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    out.insert("properties".to_owned(), Value::Object(props));
    Value::Object(out)
}

/// A value the schema describes: its example, else its first enum value,
/// else one of its type (times now, in the schema's format).
fn sample_in(doc: &Value, schema: &Value, now: &str, depth: usize) -> Value {
    let s = merged(doc, schema);
    if depth > 8 {
        return Value::Null;
    }
    if let Some(v) = s.get("const").or_else(|| s.get("example")) {
        return v.clone();
    }
    if let Some(v) = s
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .or_else(|| {
            s.get("enum")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
        })
    {
        return v.clone();
    }
    let ty = match s.get("type") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        Some(Value::String(t)) => Some(t.as_str()),
        _ => None,
    };
    let props = s.get("properties").and_then(Value::as_object);
    match ty {
        _ if props.is_some_and(|p| !p.is_empty()) => Value::Object(
            props
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), sample_in(doc, v, now, depth + 1)))
                .collect(),
        ),
        Some("object") => json!({}),
        Some("array") => match s.get("items") {
            Some(items) => json!([sample_in(doc, items, now, depth + 1)]),
            None => json!([]),
        },
        Some("integer") => s.get("minimum").cloned().unwrap_or(json!(1)),
        Some("number") => json!(1),
        Some("boolean") => json!(true),
        _ if s.get("x-cardwire-decimal").is_some() => json!("10.00"),
        // A schema that states no type (an envelope's `data` left open): nothing.
        None if s.get("format").is_none() && s.get("pattern").is_none() => Value::Null,
        _ => match s.get("format").and_then(Value::as_str) {
            Some("date-time") => json!(now),
            Some("date") => json!(now.get(..10).unwrap_or(now)),
            Some("email") => json!("jane@example.com"),
            _ => match s.get("pattern").and_then(Value::as_str) {
                Some("^[0-9]{14}$") => json!(now
                    .chars()
                    .filter(char::is_ascii_digit)
                    .take(14)
                    .collect::<String>()),
                _ => json!("sandbox"),
            },
        },
    }
}

fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}') && !b.is_empty()))
}

/// The documented operation `method path`, if the description has it.
fn operation(provider: &str, method: &str, path: &str) -> Option<(&'static Value, &'static Value)> {
    let d = doc(provider)?;
    let m = method.to_ascii_lowercase();
    d.get("paths")?
        .as_object()?
        .iter()
        .find(|(t, item)| template_matches(t, path) && item.get(&m).is_some())
        .and_then(|(_, item)| item.get(&m))
        .map(|op| (d, op))
}

/// What a documented endpoint answers when the sandbox keeps no state for
/// it: its success answer's `data` (the whole body for PayCA), made from the
/// description's examples and types. `None` for an undocumented endpoint.
pub fn answer(provider: &str, method: &str, path: &str, now: &str) -> Option<(u16, Value)> {
    let (d, op) = operation(provider, method, path)?;
    let (code, resp) = op
        .get("responses")?
        .as_object()?
        .iter()
        .find(|(c, _)| c.starts_with('2'))?;
    let status = code.parse().unwrap_or(200);
    let resp = deref(d, resp);
    let Some(media) = resp.pointer("/content/application~1json") else {
        return Some((status, Value::Null));
    };
    let schema = media
        .get("x-cardwire-plaintext")
        .or_else(|| media.get("schema"))?;
    let body = merged(d, schema);
    let props = body.get("properties").and_then(Value::as_object);
    let enveloped = props.is_some_and(|p| {
        p.contains_key("data")
            && ["code", "success", "msg", "message"]
                .iter()
                .any(|k| p.contains_key(*k))
    });
    let data = match (enveloped, props.and_then(|p| p.get("data"))) {
        (true, Some(data)) => sample_in(d, data, now, 0),
        _ => sample_in(d, &body, now, 0),
    };
    Some((status, data))
}

/// The webhook events the description lists (for PinToPay, whose one
/// webhook carries a `type`, the types listed on it; for the gateway, the
/// categories its polling returns).
pub fn events(provider: &str) -> Vec<String> {
    match provider {
        "pintopay" => doc("pintopay")
            .and_then(|d| {
                d.pointer("/webhooks/event/post/requestBody/content/application~1json/x-cardwire-plaintext/properties/type/x-cardwire-sandbox-types")
            })
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default(),
        "gateway" => doc("gateway")
            .and_then(|d| d.pointer("/x-cardwire-events/categories"))
            .and_then(Value::as_object)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default(),
        p => doc(p)
            .and_then(|d| d.get("webhooks"))
            .and_then(Value::as_object)
            .map(|w| w.keys().cloned().collect())
            .unwrap_or_default(),
    }
}

/// Every documented field of `event`'s payload (the plaintext where the body
/// is sealed), from the description's examples and types; `None` for an
/// event the description does not list.
pub fn event_fields(provider: &str, event: &str, now: &str) -> Option<Map<String, Value>> {
    let d = doc(provider)?;
    let key = if provider == "pintopay" {
        "event"
    } else {
        event
    };
    let media = d.pointer(&format!(
        "/webhooks/{key}/post/requestBody/content/application~1json"
    ))?;
    let schema = media
        .get("x-cardwire-plaintext")
        .or_else(|| media.get("schema"))?;
    match sample_in(d, schema, now, 0) {
        Value::Object(m) => Some(m),
        _ => None,
    }
}
