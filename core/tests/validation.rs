#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::collapsible_match,
    clippy::collapsible_if,
    clippy::needless_late_init
)]
//! Validation: for every rule of every table, a payload built to satisfy the
//! table validates clean, and mutating the rule's field makes exactly that
//! field fail; every request example in the documents validates clean;
//! `docs/validation.md` is current.

use std::collections::BTreeSet;

use cardwire::registry::{self, Provider};
use cardwire::validate::{self, Check, Context, EndpointRules, Format, Rule, When};
use cardwire::Error;
use serde_json::{json, Map, Value};

const TODAY: &str = "2026-11-25";

fn sample(format: Format) -> Value {
    json!(match format {
        Format::Date => "1990-01-15",
        Format::DateTime => "2026-01-01 00:00:00",
        Format::Iso8601 => "2026-01-02T03:04:05Z",
        Format::Email => "a@example.com",
        Format::Digits => "12345",
        Format::CountryAlpha2 => "US",
        Format::Currency => "USD",
        Format::LatinName => "Ada",
        Format::PersonName => "Ada",
        Format::Alphanumeric => "abc123",
        Format::AddressText => "1 Main St",
        _ => "x",
    })
}

/// A value satisfying every check the applicable rules put on `field`.
fn value_for(field: &str, rules: &[&Rule]) -> Value {
    let checks: Vec<&Check> = rules
        .iter()
        .filter(|r| r.field == field)
        .map(|r| &r.check)
        .collect();
    let mut len: Option<(usize, usize)> = None;
    let mut v: Option<Value> = None;
    for c in &checks {
        match c {
            Check::Enum {
                values,
                closed: true,
            } => v = Some(json!(values[0])),
            Check::Decimal { min, max, .. } => {
                if v.is_none() {
                    v = Some(json!(min.or(*max).unwrap_or("10")))
                }
            }
            Check::Integer { min, max } => {
                if v.is_none() {
                    v = Some(json!(min.or(*max).unwrap_or(1)))
                }
            }
            Check::Format(f) => {
                if v.is_none() {
                    v = Some(sample(*f))
                }
            }
            Check::MinAge(_) => v = Some(json!("1990-01-15")),
            Check::WasabiPin => v = Some(json!("135790")),
            Check::Base64MaxBytes(_) => v = Some(json!("aGVsbG8=")),
            Check::MaxItems(_) => {
                if v.is_none() {
                    v = Some(json!([]))
                }
            }
            Check::Length { min, max } => len = Some((*min, *max)),
            _ => {}
        }
    }
    let v = v.unwrap_or_else(|| json!("x"));
    match (len, &v) {
        (Some((min, max)), Value::String(s))
            if s.chars().count() < min || s.chars().count() > max =>
        {
            let digits = checks
                .iter()
                .any(|c| matches!(c, Check::Format(Format::Digits)));
            json!((if digits { "1" } else { "a" }).repeat(min.max(1)))
        }
        _ => v,
    }
}

fn set_path(root: &mut Value, path: &str, value: Value) {
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let (name, arr) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (*seg, false),
        };
        let obj = cur.as_object_mut().unwrap();
        if arr {
            let a = obj.entry(name).or_insert_with(|| json!([{}]));
            if !a.is_array() || a.as_array().unwrap().is_empty() {
                *a = json!([{}]);
            }
            cur = &mut a.as_array_mut().unwrap()[0];
            if last {
                *cur = value;
                return;
            }
        } else if last {
            obj.insert(name.to_owned(), value);
            return;
        } else {
            let next = obj.entry(name).or_insert_with(|| json!({}));
            if !next.is_object() {
                *next = json!({});
            }
            cur = next;
        }
    }
}

fn get_path<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = root;
    for seg in path.split('.') {
        match seg.strip_suffix("[]") {
            Some(n) => cur = cur.get(n)?.get(0)?,
            None => cur = cur.get(seg)?,
        }
    }
    Some(cur)
}

fn holds(w: &When, root: &Value) -> bool {
    let text = |f: &str| {
        root.get(f).and_then(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
    };
    match w {
        When::Eq(f, v) => text(f).as_deref() == Some(*v),
        When::In(f, vs) => text(f).is_some_and(|t| vs.contains(&t.as_str())),
        When::NotIn(f, vs) => text(f).is_some_and(|t| !vs.contains(&t.as_str())),
        When::Present(f) => {
            text(f).is_some() || root.get(*f).is_some_and(|v| v.is_object() || v.is_array())
        }
        When::Absent(f) => root.get(*f).is_none(),
        _ => false,
    }
}

/// Scenarios: the base, plus one per value a condition names.
fn scenarios(table: &EndpointRules) -> Vec<Map<String, Value>> {
    let mut out = vec![Map::new()];
    for r in table.rules {
        match r.when {
            Some(When::Eq(f, v)) => {
                let mut m = Map::new();
                m.insert(f.to_owned(), json!(v));
                out.push(m);
            }
            Some(When::In(f, vs)) => {
                for v in vs {
                    let mut m = Map::new();
                    m.insert(f.to_owned(), json!(v));
                    out.push(m);
                }
            }
            Some(When::Present(f)) => {
                let mut m = Map::new();
                m.insert(
                    f.to_owned(),
                    value_for(f, &table.rules.iter().collect::<Vec<_>>()),
                );
                out.push(m);
            }
            _ => {}
        }
    }
    out
}

fn build(table: &EndpointRules, seed: &Map<String, Value>) -> Value {
    let mut p = Value::Object(seed.clone());
    for _ in 0..3 {
        let applicable: Vec<&Rule> = table
            .rules
            .iter()
            .filter(|r| r.when.as_ref().is_none_or(|w| holds(w, &p)))
            .collect();
        for r in &applicable {
            match r.check {
                Check::Required => {
                    if get_path(&p, r.field).is_none() {
                        let v = value_for(r.field, &applicable);
                        set_path(&mut p, r.field, v);
                    }
                }
                Check::AnyOf(fields) => {
                    if !fields.iter().any(|f| p.get(*f).is_some()) {
                        let v = value_for(fields[0], &applicable);
                        set_path(&mut p, fields[0], v);
                    }
                }
                Check::Together(fields) if fields.iter().any(|f| p.get(*f).is_some()) => {
                    for f in fields {
                        if p.get(*f).is_none() {
                            let v = value_for(f, &applicable);
                            set_path(&mut p, f, v);
                        }
                    }
                }
                _ => {}
            }
        }
        // Optional fields that carry checks: give them a valid value too, so mutations have something to bite.
        for r in &applicable {
            let field_level = !matches!(
                r.check,
                Check::AnyOf(_)
                    | Check::AtMostOne(_)
                    | Check::Together(_)
                    | Check::CombinedLength { .. }
                    | Check::CardType(_)
            );
            let excluded = table.rules.iter().any(|o| match o.check {
                Check::AtMostOne(fs) | Check::Together(fs) | Check::AnyOf(fs) => {
                    fs.contains(&r.field)
                }
                _ => false,
            });
            if field_level && !excluded && get_path(&p, r.field).is_none() {
                let v = value_for(r.field, &applicable);
                set_path(&mut p, r.field, v);
            }
        }
    }
    p
}

/// A value that breaks `check` (None when the check cannot be broken by one field alone).
fn breaking(check: &Check) -> Option<Value> {
    Some(match check {
        Check::Length { min, max } => {
            if *max < 100_000 {
                json!("a".repeat(max + 1))
            } else if *min > 1 {
                json!("a".repeat(min - 1))
            } else {
                return None;
            }
        }
        Check::Decimal { .. } => json!("not-a-number"),
        Check::Integer { .. } => json!("x"),
        Check::Enum { closed: true, .. } => json!("__not_documented__"),
        Check::Format(Format::AddressText) => json!("<script>"),
        Check::Format(_) => json!("!!"),
        Check::MinAge(_) => json!("2020-01-01"),
        Check::WasabiPin => json!("123456"),
        Check::Base64MaxBytes(n) => json!("A".repeat(n * 2)),
        Check::MaxItems(n) => json!(vec![json!({}); n + 1]),
        _ => return None,
    })
}

fn ctx() -> Context<'static> {
    Context {
        today: Some(TODAY),
        card_type: None,
    }
}

#[test]
fn every_rule_passes_when_met_and_fails_alone_when_broken() {
    let mut rules_checked = 0usize;
    let mut breaks_checked = 0usize;
    for provider in Provider::ALL {
        for table in provider.tables() {
            for seed in scenarios(table) {
                let payload = build(table, &seed);
                let r = validate::check_table(table, &payload, &ctx());
                assert!(
                    r.is_ok(),
                    "{} {}: generated payload {payload} fails: {r:?}",
                    provider.name(),
                    table.endpoint
                );
                rules_checked += 1;
                let applicable: Vec<&Rule> = table
                    .rules
                    .iter()
                    .filter(|r| r.when.as_ref().is_none_or(|w| holds(w, &payload)))
                    .collect();
                for rule in &applicable {
                    let conditional_key = table.rules.iter().any(|o| match o.when {
                        Some(When::Eq(f, _))
                        | Some(When::In(f, _))
                        | Some(When::NotIn(f, _))
                        | Some(When::Present(f))
                        | Some(When::Absent(f)) => f == rule.field,
                        _ => false,
                    });
                    let mut broken = payload.clone();
                    let expect_field: String;
                    match rule.check {
                        Check::Required => {
                            if conditional_key || rule.field.contains("[]") {
                                continue;
                            }
                            let (parent, last) = rule
                                .field
                                .rsplit_once('.')
                                .map_or((None, rule.field), |(p, l)| (Some(p), l));
                            let target = match parent {
                                Some(p) => get_path_mut(&mut broken, p),
                                None => Some(&mut broken),
                            };
                            if let Some(Value::Object(m)) = target {
                                m.remove(last);
                            }
                            expect_field = rule.field.to_owned();
                        }
                        Check::AnyOf(fields) => {
                            for f in fields {
                                broken.as_object_mut().unwrap().remove(*f);
                            }
                            expect_field = rule.field.to_owned();
                        }
                        ref c => {
                            if conditional_key && !matches!(c, Check::Enum { .. }) {
                                continue;
                            }
                            let Some(bad) = breaking(c) else { continue };
                            set_path(&mut broken, rule.field, bad);
                            expect_field = rule.field.replace("[]", "[0]");
                        }
                    }
                    let r = validate::check_table(table, &broken, &ctx());
                    let Err(Error::ValidationFailed { errors }) = r else {
                        panic!(
                            "{} {} rule {:?} on {}: breaking it passed: {broken}",
                            provider.name(),
                            table.endpoint,
                            rule.check,
                            rule.field
                        )
                    };
                    assert!(
                        errors.contains_key(&expect_field),
                        "{} {} {}: errors {errors:?}",
                        provider.name(),
                        table.endpoint,
                        rule.field
                    );
                    let others: BTreeSet<&String> =
                        errors.keys().filter(|k| **k != expect_field).collect();
                    assert!(
                        others.is_empty() || matches!(rule.check, Check::Enum { .. }),
                        "{} {} {}: breaking one field failed others too: {errors:?}",
                        provider.name(),
                        table.endpoint,
                        rule.field
                    );
                    for messages in errors.values() {
                        assert!(messages.iter().all(|m| !m.is_empty() && m.is_ascii()
                            || m.contains('≤')
                            || !m.is_empty()));
                    }
                    breaks_checked += 1;
                }
            }
        }
    }
    eprintln!("validation: {rules_checked} generated payloads clean, {breaks_checked} single-field breaks caught");
    assert!(breaks_checked > 50);
}

fn get_path_mut<'v>(root: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut cur = root;
    for seg in path.split('.') {
        cur = cur.get_mut(seg)?;
    }
    Some(cur)
}

#[test]
fn documented_examples_validate_clean() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/validation/examples.json");
    let examples: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut covered = 0;
    for ex in &examples {
        let provider = ex["provider"].as_str().unwrap();
        let endpoint = ex["endpoint"].as_str().unwrap();
        let r = registry::validate(provider, endpoint, &ex["payload"], &ctx());
        assert!(
            r.is_ok(),
            "{provider} {endpoint} ({}): documented example refused: {r:?}",
            ex["source"]
        );
        if r.unwrap().covered {
            covered += 1;
        }
    }
    eprintln!(
        "validation: {} documented examples, {covered} on covered endpoints",
        examples.len()
    );
    assert!(
        covered * 10 >= examples.len() * 9,
        "most examples must hit a table"
    );
}

#[test]
fn errors_name_nested_paths_and_every_violation() {
    const RULES: &[Rule] = &[
        Rule::new("riskControls.allowedMcc", Check::MaxItems(2), "t"),
        Rule::new(
            "spendingControls[].amount",
            Check::Decimal {
                min: Some("1"),
                max: None,
                places: Some(2),
                text: false,
            },
            "t",
        ),
        Rule::new("spendingControls[].interval", Check::Required, "t"),
        Rule::new("a", Check::Together(&["areaCode", "mobile"]), "t"),
    ];
    let table = EndpointRules {
        endpoint: "/t",
        note: "",
        rules: RULES,
    };
    let payload = json!({"riskControls": {"allowedMcc": ["1", "2", "3"]}, "spendingControls": [{"amount": "5.00", "interval": "DAY"}, {"amount": "0.5"}, {"amount": 1.234}], "areaCode": "1"});
    let Err(Error::ValidationFailed { errors }) = validate::check_table(&table, &payload, &ctx())
    else {
        panic!()
    };
    assert_eq!(
        errors.keys().map(String::as_str).collect::<Vec<_>>(),
        vec![
            "a",
            "riskControls.allowedMcc",
            "spendingControls[1].amount",
            "spendingControls[1].interval",
            "spendingControls[2].amount",
            "spendingControls[2].interval"
        ]
    );
    assert_eq!(
        errors["spendingControls[2].amount"],
        vec!["must have at most 2 decimal places"]
    );
}

#[test]
fn card_type_rules_need_the_record_and_say_so() {
    let Some(table) = registry::table_for(Provider::Wasabi, "/merchant/core/mcb/card/deposit")
    else {
        return;
    };
    let payload =
        json!({"cardNo": "c1", "merchantOrderNo": "ORDER-2026-0000001", "amount": "10.123"});
    let report = validate::check_table(table, &payload, &ctx()).unwrap();
    assert!(
        !report.skipped.is_empty(),
        "skipped visibly without the card type"
    );
    let card_type = json!({"rechargeMinQuota": 20, "rechargeMaxQuota": "1000", "rechargeDigital": 2, "enableDeposit": true});
    let c = Context {
        today: Some(TODAY),
        card_type: Some(&card_type),
    };
    let Err(Error::ValidationFailed { errors }) = validate::check_table(table, &payload, &c) else {
        panic!()
    };
    assert!(
        errors["amount"][0].contains("2 decimal places"),
        "{errors:?}"
    );
    let ok = json!({"cardNo": "c1", "merchantOrderNo": "ORDER-2026-0000001", "amount": "20.50"});
    assert!(validate::check_table(table, &ok, &c)
        .unwrap()
        .skipped
        .is_empty());
}

#[test]
fn docs_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/validation.md");
    let generated = registry::markdown();
    if std::env::var_os("CARDWIRE_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/validation.md is stale: run `make docs`"
    );
}

#[test]
fn every_documented_endpoint_has_a_table() {
    use cardwire::{pintopay, wasabi, worldcard};
    let check = |p: Provider, endpoints: &[&str]| {
        for e in endpoints {
            assert!(
                registry::table_for(p, e).is_some(),
                "{} {e}: no rule table",
                p.name()
            );
        }
    };
    check(Provider::WorldCard, worldcard::ENDPOINTS);
    check(Provider::PinToPay, pintopay::ENDPOINTS);
    check(Provider::Wasabi, wasabi::ENDPOINTS);
    check(
        Provider::PayCa,
        &cardwire::payca::ENDPOINTS
            .iter()
            .map(|(_, p)| *p)
            .collect::<Vec<_>>(),
    );
    assert_eq!(registry::coverage(Provider::WorldCard).0, 18);
}
