//! Lenient deserializers for provider payloads whose documented types drift
//! (numbers sent as strings and back). Authenticity is checked before any of
//! this runs; these only decide how a verified payload is typed.

use serde_json::Value;

/// A value that can be read leniently from JSON.
pub trait FromLenient: Sized {
    /// `None` when the value cannot be read as `Self`.
    fn from_value(v: Value) -> Option<Self>;
}

impl FromLenient for String {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        }
    }
}

impl FromLenient for i64 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl FromLenient for bool {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(b),
            Value::Number(n) => n.as_i64().map(|i| i != 0),
            Value::String(s) => match s.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Reads field `name` of an object leniently: `None` when absent or unreadable.
pub fn field<T: FromLenient>(obj: &Value, name: &str) -> Option<T> {
    obj.get(name).cloned().and_then(T::from_value)
}
