#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The response structs generated from the provider descriptions
//! (`<provider>::types::*Response`, [`TypedResponse`]) read the providers'
//! own response examples (tests/vectors/examples/, extracted from the
//! documents): every example's `data` reads as its endpoint's type, and what
//! the type writes back is the example's documented fields with their values
//! (text and numbers compared as text, as the lenient readers take them).

use cardwire::error::Result;
use serde_json::Value;

type Reader = fn(&str, &str, &Value) -> Option<Result<Value>>;

fn examples(provider: &str) -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/examples")
        .join(provider);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

/// `written` is `original` restricted to documented fields: every value
/// written back was in the example (objects member by member, scalars as text).
fn within(written: &Value, original: &Value, at: &str) {
    match (written, original) {
        (Value::Object(w), Value::Object(o)) => {
            for (k, v) in w {
                let orig = o
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}.{k}: written back but not in the example"));
                within(v, orig, &format!("{at}.{k}"));
            }
        }
        (Value::Array(w), Value::Array(o)) => {
            assert_eq!(w.len(), o.len(), "{at}");
            for (i, (a, b)) in w.iter().zip(o).enumerate() {
                within(a, b, &format!("{at}[{i}]"));
            }
        }
        (w, o) => {
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            assert_eq!(text(w), text(o), "{at}");
        }
    }
}

fn check(provider: &str, read: Reader, method: &str) -> usize {
    let mut typed = 0;
    for ex in examples(provider) {
        if ex["kind"] != "response" || ex["body"]["data"].is_null() {
            continue;
        }
        for path in ex["paths"].as_array().unwrap() {
            let path = path.as_str().unwrap();
            let data = &ex["body"]["data"];
            let Some(result) = read(method, path, data) else {
                continue;
            };
            let written = result.unwrap_or_else(|e| panic!("{} ({path}): {e}", ex["name"]));
            within(&written, data, &format!("{} {path}", ex["name"]));
            assert!(
                written.as_object().is_some_and(|o| !o.is_empty()),
                "{}: nothing documented was read",
                ex["name"]
            );
            typed += 1;
        }
    }
    typed
}

#[test]
fn worldcard_responses_read_as_their_types() {
    let n = check(
        "worldcard",
        cardwire::providers::worldcard::types::read_response,
        "POST",
    );
    assert!(n >= 25, "{n} examples typed");
}

#[test]
fn worldcard_legacy_responses_read_as_their_types() {
    let n = check(
        "worldcard-legacy",
        cardwire::providers::worldcard_legacy::types::read_response,
        "POST",
    );
    assert!(n >= 20, "{n} examples typed");
}

#[test]
fn wasabi_gateway_responses_read_as_their_types() {
    let n = check(
        "wasabi-gateway",
        cardwire::providers::wasabi::gateway_types::read_response,
        "GET",
    );
    assert_eq!(n, 1, "the event-polling sample");
}

#[test]
fn a_field_of_another_type_is_an_error_that_quotes_nothing() {
    use cardwire::prelude::*;
    use cardwire::providers::worldcard::types::GetVirtualCardResponse;
    let data = serde_json::json!({"card_id": {"nested": "4111111111111111"}});
    let err = GetVirtualCardResponse::from_data(&data).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(!err.to_string().contains("4111"), "{err}");
    // Lenient where it is safe: digits for an integer, a number for text.
    let data = serde_json::json!({"status": "2", "card_id": 123});
    let card = GetVirtualCardResponse::from_data(&data).unwrap();
    assert_eq!(
        (card.status, card.card_id.as_deref()),
        (Some(2), Some("123"))
    );
}
