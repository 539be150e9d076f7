#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The provider descriptions (`docs/openapi/<provider>.yaml`) against what
//! cardwire compiles in: each validation table is derived again from the
//! description's JSON Schema (required fields, formats, patterns, enums,
//! lengths, integer bounds) and its `x-cardwire-` extensions (open enums,
//! exact decimals), and must equal the table rule for rule; the endpoint
//! list, the error catalog (status, retry advice) and the status models must
//! equal the description's. A fact changed on one side only fails here.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

fn description(provider: &str) -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../docs/openapi/{provider}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local refs: {r}"));
            resolve(
                doc,
                doc.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling ref {r}")),
            )
        }
        None => v,
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// One rule as the table serializes it, without its source and note.
fn rule(field: &str, check: Value, when: Option<&Value>) -> String {
    json!({ "field": field, "check": check, "when": when }).to_string()
}

/// `Present(field)`, as the table serializes it.
fn present(field: &str) -> Value {
    json!({ "Present": field })
}

/// The patterns that stand for cardwire's text formats (docs/openapi/EXTENSIONS.md).
const PATTERNS: &[(&str, &str)] = &[
    ("^[0-9]+$", "Digits"),
    ("^[A-Z]{2}$", "CountryAlpha2"),
    ("^[A-Z]{3}$", "Currency"),
    ("^[A-Za-z]+( [A-Za-z]+)*$", "LatinName"),
    (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
        "DateTime",
    ),
    ("^[A-Za-z0-9]+$", "Alphanumeric"),
];

/// The condition an `if` states: `Eq`, `In` or `Present`.
fn condition(doc: &Value, i: &Value) -> Value {
    let i = resolve(doc, i);
    let req = i["required"].as_array().expect("an `if` names its field");
    assert_eq!(req.len(), 1, "an `if` names one field: {i}");
    let f = req[0].as_str().expect("field");
    match i.pointer(&format!("/properties/{f}")) {
        None => present(f),
        Some(p) if p.get("const").is_some() => json!({ "Eq": [f, text(&p["const"])] }),
        Some(p) if p.get("enum").is_some() => {
            json!({ "In": [f, p["enum"].as_array().expect("enum").iter().map(text).collect::<Vec<_>>()] })
        }
        Some(p) => panic!("an `if` cardwire cannot read: {p}"),
    }
}

/// A value compared as text (cardwire's conditions and enums compare text).
fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// An `allOf` entry: a labelled group across fields, or a conditional (`if`/`then`).
fn group(doc: &Value, g: &Value, when: Option<&Value>, out: &mut BTreeSet<String>) {
    if let Some(i) = g.get("if") {
        let c = condition(doc, i);
        schema_rules(doc, "", &g["then"], false, None, Some(&c), out);
        return;
    }
    let label = g["x-cardwire-label"]
        .as_str()
        .unwrap_or_else(|| panic!("an allOf entry without x-cardwire-label or if: {g}"));
    if let Some(any) = g.get("anyOf").and_then(Value::as_array) {
        let fields: Vec<Value> = any.iter().map(|b| b["required"][0].clone()).collect();
        out.insert(rule(label, json!({ "AnyOf": fields }), when));
    }
    if let Some(not) = g.get("not") {
        // At most one: no two of the fields together.
        let pairs: Vec<Vec<String>> = match not.get("required") {
            Some(r) => vec![r.as_array().expect("required").iter().map(text).collect()],
            None => not["anyOf"]
                .as_array()
                .expect("not: {anyOf: [pairs]}")
                .iter()
                .map(|b| {
                    b["required"]
                        .as_array()
                        .expect("a pair")
                        .iter()
                        .map(text)
                        .collect()
                })
                .collect(),
        };
        let mut fields: Vec<String> = Vec::new();
        for f in pairs.iter().flatten() {
            if !fields.contains(f) {
                fields.push(f.clone());
            }
        }
        let mut expected = BTreeSet::new();
        for (i, a) in fields.iter().enumerate() {
            for b in &fields[i + 1..] {
                expected.insert(BTreeSet::from([a.clone(), b.clone()]));
            }
        }
        let given: BTreeSet<BTreeSet<String>> =
            pairs.into_iter().map(|p| p.into_iter().collect()).collect();
        assert_eq!(given, expected, "{label}: `not` must name every pair");
        out.insert(rule(label, json!({ "AtMostOne": fields }), when));
    }
    for c in g
        .get("x-cardwire-checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.insert(rule(label, c.clone(), when));
    }
}

/// The rules a schema implies for `field` (and, for an object, its members).
/// `req_when`: the condition a `Required` gets from nesting (a member of an
/// optional object); `when`: an `if`/`then` condition, on every check.
fn schema_rules(
    doc: &Value,
    field: &str,
    schema: &Value,
    required: bool,
    req_when: Option<&Value>,
    when: Option<&Value>,
    out: &mut BTreeSet<String>,
) {
    let s = resolve(doc, schema);
    if required {
        out.insert(rule(field, json!("Required"), when.or(req_when)));
    }
    for g in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        group(doc, g, when, out);
    }
    let req: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map_or(vec![], |a| a.iter().filter_map(Value::as_str).collect());
    if s.get("properties").is_some() || (field.is_empty() && !req.is_empty()) {
        // Members required inside an optional object are required when the object is there.
        let nested = present(field);
        let inner = if required || field.is_empty() {
            req_when
        } else {
            Some(&nested)
        };
        let empty = serde_json::Map::new();
        let props = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        for n in &req {
            if !names.contains(n) {
                names.push(n);
            }
        }
        for name in names {
            let path = if field.is_empty() {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            };
            let p = props.get(name).unwrap_or(&Value::Null);
            let p = if p.is_null() { &json!({}) } else { p };
            schema_rules(doc, &path, p, req.contains(&name), inner, when, out);
        }
        return;
    }
    if s.get("type").and_then(Value::as_str) == Some("array") && s.get("items").is_some() {
        if let Some(n) = s.get("maxItems") {
            out.insert(rule(field, json!({ "MaxItems": n }), when));
        }
        let items = resolve(doc, &s["items"]);
        let ireq: Vec<&str> = items
            .get("required")
            .and_then(Value::as_array)
            .map_or(vec![], |a| a.iter().filter_map(Value::as_str).collect());
        for (name, p) in items
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            schema_rules(
                doc,
                &format!("{field}[].{name}"),
                p,
                ireq.contains(&name.as_str()),
                req_when,
                when,
                out,
            );
        }
        return;
    }
    let mut format = match s.get("format").and_then(Value::as_str) {
        Some("email") => Some("Email"),
        Some("date") => Some("Date"),
        _ => None,
    };
    // A decimal's pattern is its text form, not a format rule.
    if let (Some(p), None) = (
        s.get("pattern").and_then(Value::as_str),
        s.get("x-cardwire-decimal"),
    ) {
        format = Some(
            PATTERNS
                .iter()
                .find(|(pat, _)| *pat == p)
                .unwrap_or_else(|| panic!("{field}: a pattern cardwire has no format for: {p}"))
                .1,
        );
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let formats: Vec<&str> = any
            .iter()
            .filter_map(|a| resolve(doc, a).get("format").and_then(Value::as_str))
            .collect();
        assert_eq!(
            formats,
            ["date-time", "date"],
            "{field}: the only anyOf cardwire reads is ISO 8601 (date-time or date)"
        );
        format = Some("Iso8601");
    }
    if let Some(f) = format {
        out.insert(rule(field, json!({ "Format": f }), when));
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(text).collect();
        out.insert(rule(
            field,
            json!({ "Enum": { "values": values, "closed": true } }),
            when,
        ));
    }
    if let Some(values) = s.get("x-cardwire-open-enum") {
        out.insert(rule(
            field,
            json!({ "Enum": { "values": values, "closed": false } }),
            when,
        ));
    }
    if let Some(max) = s.get("maxLength") {
        let min = s.get("minLength").cloned().unwrap_or(json!(0));
        out.insert(rule(
            field,
            json!({ "Length": { "min": min, "max": max } }),
            when,
        ));
    }
    if s.get("type").and_then(Value::as_str) == Some("integer")
        && (s.get("minimum").is_some() || s.get("maximum").is_some())
    {
        out.insert(rule(
            field,
            json!({ "Integer": { "min": s.get("minimum"), "max": s.get("maximum") } }),
            when,
        ));
    }
    if let Some(d) = s.get("x-cardwire-decimal") {
        out.insert(rule(
            field,
            json!({ "Decimal": { "min": d.get("min"), "max": d.get("max"), "places": d.get("places"), "text": d.get("text").cloned().unwrap_or(json!(false)) } }),
            when,
        ));
    }
    for c in s
        .get("x-cardwire-checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.insert(rule(field, c.clone(), when));
    }
}

/// The tables the description implies: per path, the body's rules (the
/// operation with a request body: the tables are keyed by path) and, where
/// an operation takes query parameters, a `path?` table of them (PayCA), or
/// the path's own table when `query_in_path` (the Wasabi gateway keys a GET's
/// query rules by its path).
fn derived_tables(doc: &Value, query_in_path: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        out.insert(format!("table {path}"));
        let mut body = BTreeSet::new();
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            if let Some(rb) = op.get("requestBody") {
                let content = resolve(doc, rb)["content"]
                    .as_object()
                    .expect("requestBody content");
                let (_, media) = content.iter().next().expect("one media type");
                // A sealed body (PinToPay): the rules are the plaintext's.
                let schema = media
                    .get("x-cardwire-plaintext")
                    .unwrap_or(&media["schema"]);
                schema_rules(doc, "", schema, false, None, None, &mut body);
            }
            let params: Vec<&Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .map(|p| resolve(doc, p))
                .filter(|p| p["in"] == "query")
                .collect();
            let table = if query_in_path {
                path.clone()
            } else {
                format!("{path}?")
            };
            if !params.is_empty() {
                out.insert(format!("table {table}"));
                for p in params {
                    let mut q = BTreeSet::new();
                    schema_rules(
                        doc,
                        p["name"].as_str().expect("name"),
                        &p["schema"],
                        p["required"] == true,
                        None,
                        None,
                        &mut q,
                    );
                    out.extend(q.into_iter().map(|r| format!("{table} {r}")));
                }
            }
        }
        out.extend(body.into_iter().map(|r| format!("{path} {r}")));
    }
    out
}

/// The compiled-in tables, in the same form.
fn compiled_tables(tables: &[cardwire::validate::EndpointRules]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in tables {
        out.insert(format!("table {}", t.endpoint));
        for r in t.rules {
            let v = serde_json::to_value(r).expect("rule serializes");
            let when = (!v["when"].is_null()).then(|| v["when"].clone());
            out.insert(format!(
                "{} {}",
                t.endpoint,
                rule(r.field, v["check"].clone(), when.as_ref())
            ));
        }
    }
    out
}

fn assert_same(what: &str, described: &BTreeSet<String>, compiled: &BTreeSet<String>) {
    let only_described: Vec<_> = described.difference(compiled).collect();
    let only_compiled: Vec<_> = compiled.difference(described).collect();
    assert!(
        only_described.is_empty() && only_compiled.is_empty(),
        "{what}: the description and cardwire differ.\nonly in the description:\n  {}\nonly in cardwire:\n  {}",
        only_described.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  "),
        only_compiled.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  "),
    );
}

fn derived_endpoints(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    out
}

/// States (name, final) and transitions (from, to).
type StatusModel = (BTreeSet<(String, bool)>, BTreeSet<(String, String)>);

fn derived_status_model(doc: &Value, name: &str) -> StatusModel {
    let m = &doc["x-cardwire-status-models"][name];
    let states = m["states"]
        .as_object()
        .expect("states")
        .iter()
        .map(|(s, v)| (s.clone(), v["final"] == true))
        .collect();
    let transitions = m["transitions"]
        .as_array()
        .expect("transitions")
        .iter()
        .map(|t| {
            (
                t[0].as_str().expect("from").to_owned(),
                t[1].as_str().expect("to").to_owned(),
            )
        })
        .collect();
    (states, transitions)
}

fn compiled_status_model(m: &cardwire::status::StatusModel) -> StatusModel {
    (
        m.states
            .iter()
            .map(|(s, f)| ((*s).to_owned(), *f))
            .collect(),
        m.transitions
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
    )
}

#[test]
fn payca_validation_tables_are_the_descriptions() {
    let doc = description("payca");
    let derived = derived_tables(&doc, false);
    assert_same(
        "PayCA validation tables",
        &derived,
        &compiled_tables(cardwire::providers::payca::rules::TABLES),
    );
    // 19 tables (13 paths, 6 query strings) and their 36 rules; two of them spelled out.
    assert_eq!(derived.len(), 19 + 36);
    assert!(derived.contains(&format!(
        "/v1/users {}",
        rule("meta.email", json!("Required"), Some(&present("meta")))
    )));
    assert!(derived.contains(&format!(
        "/v1/cards? {}",
        rule(
            "limit",
            json!({ "Integer": { "min": null, "max": 100 } }),
            None
        )
    )));
}

#[test]
fn payca_endpoints_errors_and_statuses_are_the_descriptions() {
    use cardwire::providers::payca;
    let doc = description("payca");
    let compiled: BTreeSet<String> = payca::ENDPOINTS
        .iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_same("PayCA endpoints", &derived_endpoints(&doc), &compiled);

    // Retry advice: "yes" is retried; "no" and "maybe" are not retried automatically.
    let described: BTreeSet<String> = doc["x-cardwire-errors"]["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["code"].as_str().expect("code"),
                c["status"],
                c["retry"] == "yes"
            )
        })
        .collect();
    let compiled: BTreeSet<String> = payca::ERROR_CODES
        .iter()
        .map(|(c, s, r)| format!("{c} {s} {r}"))
        .collect();
    assert_same("PayCA error catalog", &described, &compiled);

    assert_eq!(
        doc["x-cardwire-acknowledge"]["status"],
        json!(payca::Merchant::webhook_ack().status),
        "the webhook acknowledgement"
    );
    assert_eq!(
        derived_status_model(&doc, "payca.cardholder"),
        compiled_status_model(&payca::status::CARDHOLDER),
        "the cardholder status model"
    );
    assert_eq!(
        doc["x-cardwire-status-models"]["payca.cardholder"]["initial"],
        "pending_review"
    );
}

/// The derivation itself must see a difference, or the checks above prove nothing.
#[test]
fn the_comparison_sees_a_changed_rule() {
    let mut doc = description("payca");
    let before = derived_tables(&doc, false);
    doc["paths"]["/v1/cards"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["properties"]["idempotencyKey"]["maxLength"] = json!(254);
    let after = derived_tables(&doc, false);
    assert_ne!(before, after);
    assert!(after.iter().any(|r| r.contains("\"max\":254")));
    doc["components"]["schemas"]["UserMeta"]["required"]
        .as_array_mut()
        .expect("required")
        .pop();
    assert!(
        derived_tables(&doc, false).len() < after.len(),
        "a dropped required field drops its rule"
    );
}

#[test]
fn pintopay_validation_tables_are_the_descriptions() {
    let doc = description("pintopay");
    let derived = derived_tables(&doc, false);
    assert_same(
        "PinToPay validation tables",
        &derived,
        &compiled_tables(cardwire::providers::pintopay::rules::TABLES),
    );
    // 14 tables and their 23 rules; one group spelled out.
    assert_eq!(derived.len(), 14 + 23);
    assert!(derived.contains(&format!(
        "/api/v1/cards/create {}",
        rule(
            "user",
            json!({ "AnyOf": ["external_user_id", "user_id", "cardholder_id"] }),
            None
        )
    )));
}

#[test]
fn pintopay_endpoints_errors_and_statuses_are_the_descriptions() {
    use cardwire::providers::pintopay;
    let doc = description("pintopay");
    let compiled: BTreeSet<String> = pintopay::ENDPOINTS
        .iter()
        .map(|p| format!("POST {p}"))
        .collect();
    assert_same("PinToPay endpoints", &derived_endpoints(&doc), &compiled);
    let idempotent: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| {
            item["post"]["parameters"][0]["$ref"]
                == "#/components/parameters/IdempotencyKeyRequired"
        })
        .map(|(p, _)| p.clone())
        .collect();
    let compiled: BTreeSet<String> = pintopay::IDEMPOTENCY_REQUIRED
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    assert_same("PinToPay Idempotency-Key required", &idempotent, &compiled);

    let errors = &doc["x-cardwire-errors"];
    let described: BTreeSet<String> = errors["slugs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["slug"].as_str().unwrap(),
                c["status"],
                c["retry"] == "yes"
            )
        })
        .collect();
    let compiled: BTreeSet<String> = pintopay::ERROR_SLUGS
        .iter()
        .map(|(c, s, r)| format!("{c} {s} {r}"))
        .collect();
    assert_same("PinToPay error slugs", &described, &compiled);
    let described: BTreeSet<String> = errors["plain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c["text"].as_str().unwrap(),
                c["code"].as_str().unwrap(),
                c["status"],
                c["retry"] == "yes"
            )
        })
        .collect();
    let compiled: BTreeSet<String> = pintopay::PLAIN_ERRORS
        .iter()
        .map(|(t, c, s, r)| format!("{t} {c} {s} {r}"))
        .collect();
    assert_same("PinToPay plain errors", &described, &compiled);

    assert_acknowledgement(&doc, &pintopay::Merchant::webhook_ack());
    for m in [
        &pintopay::status::ORDER,
        &pintopay::status::CARD,
        &pintopay::status::CARDHOLDER_REGISTRATION,
        &pintopay::status::CARDHOLDER_KYC,
    ] {
        assert_eq!(
            derived_status_model(&doc, m.name),
            compiled_status_model(m),
            "{}",
            m.name
        );
    }
    assert_eq!(
        doc["x-cardwire-status-models"].as_object().unwrap().len(),
        4
    );
}

/// Every description in docs/openapi/ feeds the generators (types, overloads,
/// reference page), and every provider the generators know has one.
#[test]
fn every_description_is_generated_from() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi");
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let described: BTreeSet<String> = xtask::describe::DESCRIBED
        .iter()
        .map(|d| d.file.to_owned())
        .collect();
    assert_eq!(files, described);
}

/// Every field name marked `x-cardwire-sensitive: true` anywhere under `v`.
fn sensitive(doc: &Value, v: &Value, out: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                if seen.insert(r.to_owned()) {
                    sensitive(doc, resolve(doc, v), out, seen);
                }
                return;
            }
            if let Some(props) = o.get("properties").and_then(Value::as_object) {
                for (name, p) in props {
                    if resolve(doc, p).get("x-cardwire-sensitive") == Some(&json!(true)) {
                        out.insert(name.clone());
                    }
                }
            }
            for x in o.values() {
                sensitive(doc, x, out, seen);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| sensitive(doc, x, out, seen)),
        _ => {}
    }
}

/// The sensitive response fields of the operations (paths), by name.
fn sensitive_fields(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for m in METHODS {
            if let Some(r) = item.get(m).and_then(|op| op.get("responses")) {
                sensitive(doc, r, &mut out, &mut BTreeSet::new());
            }
        }
    }
    out
}

/// The description's `x-cardwire-acknowledge` is the merchant's acknowledgement.
fn assert_acknowledgement(doc: &Value, ack: &cardwire::envelope::OutgoingResponse) {
    let described = &doc["x-cardwire-acknowledge"];
    assert_eq!(
        described["status"],
        json!(ack.status),
        "the acknowledgement's status"
    );
    assert_eq!(
        described["body"].as_str().unwrap_or_default().as_bytes(),
        ack.body.as_slice(),
        "the acknowledgement's body"
    );
}

/// `POST <path>` for each path.
fn posts(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| format!("POST {p}")).collect()
}

fn names<'a>(v: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    v.into_iter().map(str::to_owned).collect()
}

/// The operations carrying extension `key`, with its value.
fn ops_with(doc: &Value, key: &str) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(v) = item.get(m).and_then(|op| op.get(key)) {
                out.push((m.to_uppercase(), path.clone(), v.clone()));
            }
        }
    }
    out
}

#[test]
fn worldcard_is_its_description() {
    use cardwire::providers::worldcard;
    let doc = description("worldcard");
    assert_same(
        "WorldCard validation tables",
        &derived_tables(&doc, false),
        &compiled_tables(worldcard::rules::TABLES),
    );
    assert_same(
        "WorldCard endpoints",
        &derived_endpoints(&doc),
        &posts(worldcard::ENDPOINTS),
    );
    let codes = doc["x-cardwire-errors"]["codes"].as_array().unwrap();
    let retried: BTreeSet<i64> = codes
        .iter()
        .filter(|c| c["retry"] == "yes")
        .map(|c| c["code"].as_i64().unwrap())
        .collect();
    assert_eq!(
        retried,
        worldcard::RETRYABLE_CODES.iter().copied().collect(),
        "the codes a retry can cure"
    );
    assert!(
        codes.len() > 40,
        "the whole catalog is described, not only the retried codes"
    );
    assert_same(
        "WorldCard webhooks",
        &doc["webhooks"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect(),
        &names(worldcard::NOTIFY_TYPES.iter().copied()),
    );
    assert_acknowledgement(&doc, &worldcard::Merchant::webhook_ack());
    assert_eq!(
        doc["x-cardwire-retry-schedule"]["delays-ms"],
        json!(worldcard::WEBHOOK_RETRY_DELAYS_MS),
        "the webhook retry schedule"
    );
    assert_same(
        "WorldCard sensitive response fields",
        &sensitive_fields(&doc),
        &names(worldcard::SENSITIVE_FIELDS.iter().copied()),
    );
    let statuses: Vec<(i64, String)> = doc["x-cardwire-card-statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_i64().unwrap(),
                s["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let compiled: Vec<(i64, String)> = worldcard::rules::CARD_STATUSES
        .iter()
        .map(|(s, t)| (*s, (*t).to_owned()))
        .collect();
    assert_eq!(statuses, compiled, "the card statuses");
    for (otherwise, compiled) in [
        ("refused", worldcard::rules::REAL_REFUSALS),
        ("idempotent", worldcard::rules::IDEMPOTENT_OUTSIDE_STATUS),
    ] {
        let described: BTreeSet<String> = ops_with(&doc, "x-cardwire-only-status")
            .into_iter()
            .filter(|(_, _, v)| v["otherwise"] == otherwise)
            .map(|(_, p, v)| format!("{p} {}", v["status"]))
            .collect();
        let compiled: BTreeSet<String> = compiled.iter().map(|(p, s)| format!("{p} {s}")).collect();
        assert_same(
            &format!("WorldCard only-status ({otherwise})"),
            &described,
            &compiled,
        );
    }
}

#[test]
fn worldcard_legacy_is_its_description() {
    use cardwire::providers::worldcard_legacy as legacy;
    let doc = description("worldcard-legacy");
    assert_same(
        "WorldCard legacy validation tables",
        &derived_tables(&doc, false),
        &compiled_tables(legacy::rules::TABLES),
    );
    let described: BTreeSet<String> = doc["x-cardwire-errors"]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["code"], c["query-order"] == true))
        .collect();
    let compiled: BTreeSet<String> = legacy::BUSINESS_CODES
        .iter()
        .map(|(c, _, q)| format!("{c} {q}"))
        .collect();
    assert_same("WorldCard legacy business codes", &described, &compiled);
    let described: BTreeSet<String> = ops_with(&doc, "x-cardwire-sign-exclude")
        .into_iter()
        .map(|(_, p, v)| format!("{p} {v}"))
        .collect();
    let compiled: BTreeSet<String> = legacy::SIGN_EXCLUSIONS
        .iter()
        .map(|(p, f)| format!("{p} {}", json!(f)))
        .collect();
    assert_same(
        "WorldCard legacy signature exclusions",
        &described,
        &compiled,
    );
    let hooks = doc["webhooks"].as_object().unwrap();
    let described: BTreeSet<String> = hooks
        .iter()
        .map(|(k, h)| {
            let s = &h["post"]["x-cardwire-retry-schedule"];
            format!("{k} {} {}", s["delays-ms"], s["rule"].as_str().unwrap())
        })
        .collect();
    let compiled: BTreeSet<String> = legacy::RETRY_SCHEDULES
        .iter()
        .map(|r| format!("{} {} {}", r.event_type, json!(r.delays_ms), r.rule))
        .collect();
    assert_same(
        "WorldCard legacy webhooks and retry schedules",
        &described,
        &compiled,
    );
    assert_acknowledgement(&doc, &legacy::Merchant::webhook_ack());
    let compiled = names(
        legacy::SENSITIVE_TOP
            .iter()
            .chain(legacy::SENSITIVE_CARD_INFO)
            .copied(),
    );
    assert_same(
        "WorldCard legacy sensitive response fields",
        &sensitive_fields(&doc),
        &compiled,
    );
    assert_eq!(
        ops_with(&doc, "x-cardwire-body-max-bytes"),
        vec![(
            "POST".to_owned(),
            legacy::DOCUMENT_PATH.to_owned(),
            json!(legacy::DOCUMENT_BODY_MAX_BYTES)
        )]
    );
}

#[test]
fn wasabi_is_its_description() {
    use cardwire::providers::wasabi;
    let doc = description("wasabi");
    assert_same(
        "Wasabi validation tables",
        &derived_tables(&doc, false),
        &compiled_tables(wasabi::rules::TABLES),
    );
    assert_same(
        "Wasabi endpoints",
        &derived_endpoints(&doc),
        &posts(wasabi::ENDPOINTS),
    );
    let categories: BTreeSet<String> = doc["webhooks"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for c in &categories {
        assert!(
            !matches!(wasabi::Category::parse(c), wasabi::Category::Other(_)),
            "{c}: a described category cardwire does not type"
        );
    }
    assert_eq!(categories.len(), 10, "the ten categories cardwire types");
    assert_eq!(
        doc["x-cardwire-acknowledge"]["body"].as_str().unwrap(),
        wasabi::ACK_BODY
    );
    assert_acknowledgement(&doc, &wasabi::Merchant::webhook_ack());
    // The description counts the first send (at 0); cardwire the delays after it.
    let sends = doc["x-cardwire-retry-schedule"]["delays-ms"]
        .as_array()
        .unwrap();
    assert_eq!(sends[0], json!(0));
    assert_eq!(
        json!(sends[1..]),
        json!(wasabi::WEBHOOK_RETRY_DELAYS_MS),
        "the notification retry schedule"
    );
    assert_same(
        "Wasabi sensitive response fields",
        &sensitive_fields(&doc),
        &names(wasabi::SENSITIVE_FIELDS.iter().copied()),
    );
    for m in [
        &wasabi::status::CARD,
        &wasabi::status::ORDER,
        &wasabi::status::AUTHORIZATION,
        &wasabi::status::CARDHOLDER,
    ] {
        assert_eq!(
            derived_status_model(&doc, m.name),
            compiled_status_model(m),
            "{}",
            m.name
        );
    }
}

#[test]
fn wasabi_gateway_is_its_description() {
    use cardwire::providers::wasabi::{gateway, gateway_rules};
    let doc = description("wasabi-gateway");
    assert_same(
        "Wasabi gateway validation tables",
        &derived_tables(&doc, true),
        &compiled_tables(gateway_rules::TABLES),
    );
    let gets: BTreeSet<String> = derived_endpoints(&doc)
        .into_iter()
        .filter(|e| e.starts_with("GET "))
        .collect();
    assert_same(
        "Wasabi gateway GET endpoints",
        &gets,
        &gateway::GET_ENDPOINTS
            .iter()
            .map(|p| format!("GET {}{p}", gateway::PATH_PREFIX))
            .collect(),
    );
    assert_same(
        "Wasabi gateway money movements",
        &ops_with(&doc, "x-cardwire-money-movement")
            .into_iter()
            .filter(|(_, _, v)| v == &json!(true))
            .map(|(_, p, _)| p)
            .collect(),
        &gateway::MONEY_MOVEMENTS
            .iter()
            .map(|p| format!("{}{p}", gateway::PATH_PREFIX))
            .collect(),
    );
    assert_eq!(
        ops_with(&doc, "x-cardwire-body-max-bytes"),
        vec![(
            "POST".to_owned(),
            format!("{}{}", gateway::PATH_PREFIX, gateway::UPLOAD_ENDPOINT),
            json!(gateway::UPLOAD_MAX_BYTES)
        )]
    );
}
