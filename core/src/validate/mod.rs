//! Request validation: every documented rule of every provider, as data.
//!
//! Rules are declared as tables per provider and endpoint (each provider's
//! `rules.rs`) and read by one small engine. A payload is checked against its
//! endpoint's table; every violation is reported at once as
//! `validation_failed` with `{field: [messages]}` (the Wasabi gateway's 422
//! shape), nested fields named by path (`riskControls.allowedMcc`,
//! `spendingControls[0].amount`). Amounts are compared as exact decimals,
//! never through binary floating point.
//!
//! Rules that need data only the caller has (today's date for age rules,
//! Wasabi's card-type record for deposit limits and controls) take it from a
//! [`Context`]; without it they are skipped, and listed in
//! [`Report::skipped`].

pub mod decimal;

/// A table note: the text with the `rule-notes` feature (default), empty
/// without it (the WebAssembly package leaves them out to stay small).
#[doc(hidden)]
#[macro_export]
macro_rules! rule_note {
    ($s:expr) => {
        if cfg!(feature = "rule-notes") {
            $s
        } else {
            ""
        }
    };
}

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, FieldErrors, Result};
use decimal::Decimal;

/// The rules of one endpoint. An empty `rules` means the documents give none
/// (so "not covered" is visible, not silent).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EndpointRules {
    /// The endpoint path as the provider names it (templates keep their `{id}`).
    pub endpoint: &'static str,
    /// The rules.
    pub rules: &'static [Rule],
    /// Where the table comes from, and any conflict between pages.
    pub note: &'static str,
}

/// One rule: a check on a field, maybe under a condition.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The field path: `name`, `a.b`, `items[].amount`. For checks across
    /// several fields ([`Check::AnyOf`], ...) a label for the group.
    pub field: &'static str,
    /// What is checked.
    pub check: Check,
    /// Applies only when this holds (evaluated on the payload's root).
    pub when: Option<When>,
    /// Where the documents say so (page title). Kept with the `rule-notes`
    /// feature only, like the notes: the WebAssembly build leaves both out.
    #[cfg(feature = "rule-notes")]
    pub source: &'static str,
    /// A note, such as a conflict between pages and how it was resolved.
    #[cfg(feature = "rule-notes")]
    pub note: &'static str,
}

impl Rule {
    /// A rule from `source`.
    #[cfg_attr(not(feature = "rule-notes"), allow(unused_variables))]
    pub const fn new(field: &'static str, check: Check, source: &'static str) -> Rule {
        Rule {
            field,
            check,
            when: None,
            #[cfg(feature = "rule-notes")]
            source,
            #[cfg(feature = "rule-notes")]
            note: "",
        }
    }

    /// Only when `w` holds.
    pub const fn when(mut self, w: When) -> Rule {
        self.when = Some(w);
        self
    }

    /// With a note (compiled out without the `rule-notes` feature).
    #[cfg_attr(not(feature = "rule-notes"), allow(unused_variables, unused_mut))]
    pub const fn note(mut self, note: &'static str) -> Rule {
        #[cfg(feature = "rule-notes")]
        {
            self.note = note;
        }
        self
    }

    /// Where the rule comes from (empty without `rule-notes`).
    pub fn source(&self) -> &'static str {
        #[cfg(feature = "rule-notes")]
        return self.source;
        #[cfg(not(feature = "rule-notes"))]
        ""
    }

    /// The rule's note (empty without `rule-notes`).
    pub fn note_text(&self) -> &'static str {
        #[cfg(feature = "rule-notes")]
        return self.note;
        #[cfg(not(feature = "rule-notes"))]
        ""
    }
}

/// A condition on the payload's root.
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub enum When {
    /// `field` equals `value` (compared as text).
    Eq(&'static str, &'static str),
    /// `field` is one of the values.
    In(&'static str, &'static [&'static str]),
    /// `field` is present and not one of the values.
    NotIn(&'static str, &'static [&'static str]),
    /// `field` is present (not null, not empty).
    Present(&'static str),
    /// `field` is absent, null or empty.
    Absent(&'static str),
}

/// What a rule checks.
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub enum Check {
    /// Present: not missing, not null, not the empty string.
    Required,
    /// At least one of the fields is present.
    AnyOf(&'static [&'static str]),
    /// At most one of the fields is present.
    AtMostOne(&'static [&'static str]),
    /// All of the fields or none.
    Together(&'static [&'static str]),
    /// String length in characters (Unicode scalar values), inclusive.
    Length {
        /// Minimum.
        min: usize,
        /// Maximum.
        max: usize,
    },
    /// The sum of the fields' lengths is at most `max`.
    CombinedLength {
        /// The fields.
        fields: &'static [&'static str],
        /// Maximum total.
        max: usize,
    },
    /// A decimal (number or decimal string), compared exactly.
    Decimal {
        /// Inclusive minimum, as decimal text.
        min: Option<&'static str>,
        /// Inclusive maximum, as decimal text.
        max: Option<&'static str>,
        /// Most decimal places.
        places: Option<usize>,
        /// Documented as a JSON string (`"100.00"`): an exact decimal from
        /// the host language (Python `decimal.Decimal`) is sent as a string
        /// here and as a JSON number elsewhere. Either is accepted on input.
        text: bool,
    },
    /// An integer (number, or a string of digits), inclusive bounds.
    Integer {
        /// Minimum.
        min: Option<i64>,
        /// Maximum.
        max: Option<i64>,
    },
    /// One of the values. `closed: false` documents an open set ("etc."):
    /// other values pass.
    Enum {
        /// The documented values.
        values: &'static [&'static str],
        /// Whether other values are refused.
        closed: bool,
    },
    /// A text format.
    Format(Format),
    /// A date of birth at least `n` years before the caller's date
    /// ([`Context::today`]); skipped without it.
    MinAge(u32),
    /// Base64 text whose decoded size is at most this many bytes.
    Base64MaxBytes(usize),
    /// An array with at most this many elements.
    MaxItems(usize),
    /// Wasabi's 6-digit PIN rules (see [`pin_problem`]).
    WasabiPin,
    /// A rule that needs the caller's Wasabi card-type record ([`Context::card_type`]).
    CardType(CardTypeCheck),
}

/// Text formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Format {
    /// `YYYY-MM-DD`, a real calendar date.
    Date,
    /// `YYYY-MM-DD HH:MM:SS`.
    DateTime,
    /// ISO 8601: an RFC 3339 date-time with a zone (`2026-01-02T03:04:05Z`)
    /// or a date (`2026-01-02`).
    Iso8601,
    /// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
    Email,
    /// ASCII digits only.
    Digits,
    /// Two upper-case letters (ISO 3166-1 alpha-2 shape).
    CountryAlpha2,
    /// Letters A–Z/a–z and single spaces between words.
    LatinName,
    /// Letters (any script), spaces, apostrophes, dots and hyphens.
    PersonName,
    /// ASCII letters and digits only.
    Alphanumeric,
    /// Printable ASCII without `<`, `>` and control characters (Wasabi address lines).
    AddressText,
    /// A 3-letter upper-case currency code.
    Currency,
}

/// Card-type-dependent Wasabi rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum CardTypeCheck {
    /// `amount` within `rechargeMinQuota..=rechargeMaxQuota`, at most `rechargeDigital` places.
    Deposit,
    /// `amount` within `depositAmountMinQuotaForActiveCard..=depositAmountMaxQuotaForActiveCard`
    /// when `needDepositForActiveCard` is true.
    OpeningDeposit,
    /// `noPinPaymentAmount` allowed by `metadata.supportSettingNoPinPaymentAmount`
    /// and within `metadata.noPinPaymentAmountMinQuota..=MaxQuota`.
    NoPinPaymentAmount,
    /// `spendingControls` allowed per interval by `metadata.spendingControls[].supportSetting`.
    SpendingControls,
    /// `riskControls` allowed by `metadata.supportSettingMcc`.
    MccLists,
}

/// Inputs only the caller has.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Today's date, `YYYY-MM-DD`, for age rules (the core reads no clock).
    pub today: Option<&'a str>,
    /// The Wasabi card-type record (one entry of the card-types response) for
    /// card-type-dependent rules.
    pub card_type: Option<&'a Value>,
}

/// The outcome of a clean validation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Whether the endpoint has a rule table at all.
    pub covered: bool,
    /// How many rules applied.
    pub checked: usize,
    /// Rules skipped for lack of context, described.
    pub skipped: Vec<String>,
}

/// The body table for `endpoint` among `tables`, matching templates
/// (`/v1/users/{id}`) and ignoring a query string. Tables of query
/// parameters are named with a trailing `?` (`/v1/cards?`): see [`query_table_in`].
pub fn table_in(
    tables: &'static [EndpointRules],
    endpoint: &str,
) -> Option<&'static EndpointRules> {
    let path = endpoint.split('?').next().unwrap_or_default();
    tables.iter().find(|t| path_matches(t.endpoint, path))
}

/// The query-string table of `path` among `tables` (named `<template>?`).
pub fn query_table_in(
    tables: &'static [EndpointRules],
    path: &str,
) -> Option<&'static EndpointRules> {
    let path = path.split('?').next().unwrap_or_default();
    tables.iter().find(|t| {
        t.endpoint
            .strip_suffix('?')
            .is_some_and(|template| path_matches(template, path))
    })
}

/// Checks query parameters (`[(name, value)]`, values as text) against a
/// query table.
pub fn check_query_table<K: AsRef<str>, V: AsRef<str>>(
    table: &EndpointRules,
    query: &[(K, V)],
) -> Result<Report> {
    let obj: serde_json::Map<String, Value> = query
        .iter()
        .map(|(k, v)| (k.as_ref().to_owned(), Value::from(v.as_ref())))
        .collect();
    check_table(table, &Value::Object(obj), &Context::default())
}

/// The rule tables of one provider as Markdown (for `docs/validation.md`).
pub fn tables_markdown(title: &str, tables: &[EndpointRules]) -> String {
    let mut out = format!("\n## {title}\n");
    for t in tables {
        out.push_str(&format!("\n### `{}`\n\n", t.endpoint));
        if !t.note.is_empty() {
            out.push_str(&format!("{}\n\n", t.note));
        }
        if t.rules.is_empty() {
            out.push_str("No documented rules (not covered).\n");
            continue;
        }
        out.push_str("| field | rule | when | source | note |\n|---|---|---|---|---|\n");
        for r in t.rules {
            let when = r.when.as_ref().map(describe_when).unwrap_or_default();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                r.field,
                describe_check(&r.check).replace('|', "\\|"),
                when.replace('|', "\\|"),
                r.source(),
                r.note_text().replace('|', "\\|")
            ));
        }
    }
    out
}

fn path_matches(template: &str, path: &str) -> bool {
    let norm = |s: &str| s.trim_end_matches('/').to_owned();
    let (t, p) = (norm(template), norm(path));
    if t == p {
        return true;
    }
    let ts: Vec<&str> = t.split('/').collect();
    let ps: Vec<&str> = p.split('/').collect();
    ts.len() == ps.len()
        && ts
            .iter()
            .zip(&ps)
            .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}') && !b.is_empty()))
}

/// Checks `payload` against one table.
pub fn check_table(table: &EndpointRules, payload: &Value, ctx: &Context<'_>) -> Result<Report> {
    let mut errors = FieldErrors::new();
    let mut report = Report {
        covered: true,
        ..Report::default()
    };
    if !payload.is_object() {
        errors.insert("body".to_owned(), vec!["must be a JSON object".to_owned()]);
        return Err(Error::ValidationFailed { errors });
    }
    for rule in table.rules {
        if let Some(w) = &rule.when {
            if !holds(w, payload) {
                continue;
            }
        }
        report.checked += 1;
        apply(rule, payload, ctx, &mut errors, &mut report.skipped);
    }
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(Error::ValidationFailed { errors })
    }
}

fn present(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn holds(w: &When, root: &Value) -> bool {
    match w {
        When::Eq(f, v) => root.get(*f).and_then(as_text).is_some_and(|t| t == *v),
        When::In(f, vs) => root
            .get(*f)
            .and_then(as_text)
            .is_some_and(|t| vs.contains(&t.as_str())),
        When::NotIn(f, vs) => root
            .get(*f)
            .and_then(as_text)
            .is_some_and(|t| !vs.contains(&t.as_str())),
        When::Present(f) => present(root.get(*f)),
        When::Absent(f) => !present(root.get(*f)),
    }
}

/// Every concrete value a path names: `a.b[].c` walks arrays. Missing
/// intermediate objects yield the path with `None`.
fn resolve<'v>(root: &'v Value, path: &str) -> Vec<(String, Option<&'v Value>)> {
    let mut current: Vec<(String, Option<&'v Value>)> = vec![(String::new(), Some(root))];
    for seg in path.split('.') {
        let (name, each) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (seg, false),
        };
        let mut next = Vec::new();
        for (prefix, v) in current {
            let p = if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            };
            let child = v.and_then(|v| v.get(name));
            if each {
                if let Some(Value::Array(items)) = child {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{p}[{i}]"), Some(item)));
                    }
                }
            } else {
                next.push((p, child));
            }
        }
        current = next;
    }
    current
}

fn push(errors: &mut FieldErrors, field: &str, message: String) {
    let list = errors.entry(field.to_owned()).or_default();
    if !list.contains(&message) {
        list.push(message);
    }
}

fn decimal_of(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::parse(s.trim()),
        Value::Number(n) => Decimal::parse(&n.to_string()),
        _ => None,
    }
}

fn apply(
    rule: &Rule,
    root: &Value,
    ctx: &Context<'_>,
    errors: &mut FieldErrors,
    skipped: &mut Vec<String>,
) {
    match rule.check {
        Check::AnyOf(fields) => {
            if !fields.iter().any(|f| present(root.get(*f))) {
                push(
                    errors,
                    rule.field,
                    format!("one of {} is required", fields.join(", ")),
                );
            }
            return;
        }
        Check::AtMostOne(fields) => {
            let given: Vec<&str> = fields
                .iter()
                .copied()
                .filter(|f| present(root.get(*f)))
                .collect();
            if given.len() > 1 {
                push(
                    errors,
                    rule.field,
                    format!(
                        "give at most one of {}, not {}",
                        fields.join(", "),
                        given.join(" and ")
                    ),
                );
            }
            return;
        }
        Check::Together(fields) => {
            let n = fields.iter().filter(|f| present(root.get(**f))).count();
            if n != 0 && n != fields.len() {
                push(
                    errors,
                    rule.field,
                    format!(
                        "{} must be given together or not at all",
                        fields.join(" and ")
                    ),
                );
            }
            return;
        }
        Check::CombinedLength { fields, max } => {
            let total: usize = fields
                .iter()
                .filter_map(|f| root.get(*f).and_then(as_text))
                .map(|t| t.chars().count())
                .sum();
            if total > max {
                push(
                    errors,
                    rule.field,
                    format!(
                        "{} together must be at most {max} characters (got {total})",
                        fields.join(" + ")
                    ),
                );
            }
            return;
        }
        _ => {}
    }
    for (path, value) in resolve(root, rule.field) {
        if let Check::Required = rule.check {
            if !present(value) {
                push(errors, &path, "is required".to_owned());
            }
            continue;
        }
        let Some(v) = value.filter(|v| present(Some(v))) else {
            continue;
        };
        if let Some(message) = check_value(rule, v, root, ctx, skipped) {
            push(errors, &path, message);
        }
    }
}

fn check_value(
    rule: &Rule,
    v: &Value,
    root: &Value,
    ctx: &Context<'_>,
    skipped: &mut Vec<String>,
) -> Option<String> {
    match rule.check {
        Check::Length { min, max } => {
            let Some(t) = as_text(v) else {
                return Some("must be text".to_owned());
            };
            let n = t.chars().count();
            if n < min || n > max {
                return Some(if min == max {
                    format!("must be exactly {min} characters (got {n})")
                } else if n < min {
                    format!("must be at least {min} characters (got {n})")
                } else {
                    format!("must be at most {max} characters (got {n})")
                });
            }
            None
        }
        Check::Decimal {
            min, max, places, ..
        } => {
            let Some(d) = decimal_of(v) else {
                return Some("must be a decimal number such as 10.50".to_owned());
            };
            decimal_problem(&d, min, max, places)
        }
        Check::Integer { min, max } => {
            let i = match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) if s.bytes().all(|b| b.is_ascii_digit() || b == b'-') => {
                    s.parse().ok()
                }
                _ => None,
            };
            let Some(i) = i else {
                return Some("must be a whole number".to_owned());
            };
            if let Some(m) = min {
                if i < m {
                    return Some(format!("must be at least {m}"));
                }
            }
            if let Some(m) = max {
                if i > m {
                    return Some(format!("must be at most {m}"));
                }
            }
            None
        }
        Check::Enum { values, closed } => {
            let t = as_text(v)?;
            if closed && !values.contains(&t.as_str()) {
                return Some(format!("must be one of {}", values.join(", ")));
            }
            None
        }
        Check::Format(f) => {
            let Some(t) = as_text(v) else {
                return Some("must be text".to_owned());
            };
            format_problem(f, &t)
        }
        Check::MinAge(years) => {
            let t = as_text(v)?;
            if let Some(p) = format_problem(Format::Date, &t) {
                return Some(p);
            }
            let Some(today) = ctx.today else {
                skipped.push(format!(
                    "{}: age at least {years} (no today's date in the context)",
                    rule.field
                ));
                return None;
            };
            if !older_than(&t, today, years) {
                return Some(format!("must be at least {years} years before {today}"));
            }
            None
        }
        Check::Base64MaxBytes(max) => {
            let t = as_text(v)?;
            let payload = t.rsplit_once(',').map_or(t.as_str(), |(_, b)| b);
            let len = payload.trim_end_matches('=').len() * 3 / 4;
            if len > max {
                return Some(format!(
                    "must be at most {} KB once decoded (got about {} KB)",
                    max / 1024,
                    len / 1024
                ));
            }
            None
        }
        Check::MaxItems(max) => match v {
            Value::Array(a) if a.len() > max => Some(format!("must have at most {max} items")),
            Value::Array(_) => None,
            _ => Some("must be a list".to_owned()),
        },
        Check::WasabiPin => {
            let t = as_text(v)?;
            pin_problem(&t).map(str::to_owned)
        }
        Check::CardType(c) => {
            let Some(card_type) = ctx.card_type else {
                skipped.push(format!(
                    "{}: {c:?} (no card-type record in the context)",
                    rule.field
                ));
                return None;
            };
            card_type_problem(c, v, root, card_type)
        }
        Check::Required
        | Check::AnyOf(_)
        | Check::AtMostOne(_)
        | Check::Together(_)
        | Check::CombinedLength { .. } => None,
    }
}

fn decimal_problem(
    d: &Decimal,
    min: Option<&str>,
    max: Option<&str>,
    places: Option<usize>,
) -> Option<String> {
    if let Some(p) = places {
        if d.places > p {
            return Some(if p == 0 {
                "must be a whole amount".to_owned()
            } else {
                format!("must have at most {p} decimal places")
            });
        }
    }
    if let Some(m) = min.and_then(Decimal::parse) {
        if *d < m {
            return Some(format!("must be at least {}", min.unwrap_or_default()));
        }
    }
    if let Some(m) = max.and_then(Decimal::parse) {
        if *d > m {
            return Some(format!("must be at most {}", max.unwrap_or_default()));
        }
    }
    None
}

fn is_date(t: &str) -> Option<(u32, u32, u32)> {
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

fn older_than(birth: &str, today: &str, years: u32) -> bool {
    match (is_date(birth), is_date(today)) {
        (Some((by, bm, bd)), Some((ty, tm, td))) => (ty, tm, td) >= (by + years, bm, bd),
        _ => false,
    }
}

fn format_problem(f: Format, t: &str) -> Option<String> {
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

fn ct_decimal(card_type: &Value, path: &[&str]) -> Option<Decimal> {
    let mut v = card_type;
    for p in path {
        v = v.get(*p)?;
    }
    decimal_of(v)
}

fn card_type_problem(c: CardTypeCheck, v: &Value, root: &Value, ct: &Value) -> Option<String> {
    let bool_at = |path: &[&str]| {
        let mut v = ct;
        for p in path {
            v = v.get(*p)?;
        }
        v.as_bool()
    };
    match c {
        CardTypeCheck::Deposit => {
            let d = decimal_of(v)?;
            if bool_at(&["enableDeposit"]) == Some(false) {
                return Some(
                    "this card type does not allow deposits (enableDeposit is false)".to_owned(),
                );
            }
            let places = ct
                .get("rechargeDigital")
                .and_then(Value::as_u64)
                .and_then(|p| usize::try_from(p).ok());
            let min = ct_decimal(ct, &["rechargeMinQuota"]);
            let max = ct_decimal(ct, &["rechargeMaxQuota"]);
            range_problem(
                &d,
                min.as_ref(),
                max.as_ref(),
                places,
                "the card type's recharge",
            )
        }
        CardTypeCheck::OpeningDeposit => {
            if bool_at(&["needDepositForActiveCard"]) != Some(true) {
                return None;
            }
            let d = decimal_of(v)?;
            let min = ct_decimal(ct, &["depositAmountMinQuotaForActiveCard"]);
            let max = ct_decimal(ct, &["depositAmountMaxQuotaForActiveCard"]);
            range_problem(
                &d,
                min.as_ref(),
                max.as_ref(),
                None,
                "the card type's opening deposit",
            )
        }
        CardTypeCheck::NoPinPaymentAmount => {
            if bool_at(&["metadata", "supportSettingNoPinPaymentAmount"]) != Some(true) {
                return Some("this card type does not allow setting noPinPaymentAmount".to_owned());
            }
            let d = decimal_of(v)?;
            let min = ct_decimal(ct, &["metadata", "noPinPaymentAmountMinQuota"]);
            let max = ct_decimal(ct, &["metadata", "noPinPaymentAmountMaxQuota"]);
            range_problem(
                &d,
                min.as_ref(),
                max.as_ref(),
                None,
                "the card type's no-PIN amount",
            )
        }
        CardTypeCheck::SpendingControls => {
            let allowed: Vec<String> = ct
                .get("metadata")
                .and_then(|m| m.get("spendingControls"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter(|c| c.get("supportSetting").and_then(Value::as_bool) == Some(true))
                        .filter_map(|c| {
                            c.get("interval").and_then(Value::as_str).map(str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let asked: Vec<String> = v
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.get("interval").and_then(as_text))
                        .collect()
                })
                .unwrap_or_default();
            let refused: Vec<&String> = asked.iter().filter(|i| !allowed.contains(i)).collect();
            if refused.is_empty() {
                None
            } else if allowed.is_empty() {
                Some("this card type does not allow spending controls".to_owned())
            } else {
                Some(format!(
                    "this card type allows spending controls for {} only",
                    allowed.join(", ")
                ))
            }
        }
        CardTypeCheck::MccLists => {
            let _ = root;
            if bool_at(&["metadata", "supportSettingMcc"]) == Some(true) {
                None
            } else {
                Some("this card type does not allow MCC lists (metadata.supportSettingMcc is not true)".to_owned())
            }
        }
    }
}

fn range_problem(
    d: &Decimal,
    min: Option<&Decimal>,
    max: Option<&Decimal>,
    places: Option<usize>,
    what: &str,
) -> Option<String> {
    if let Some(p) = places {
        if d.places > p {
            return Some(format!(
                "must have at most {p} decimal places ({what} digits)"
            ));
        }
    }
    if let Some(m) = min {
        if d < m {
            return Some(format!("is below {what} minimum"));
        }
    }
    if let Some(m) = max {
        if d > m {
            return Some(format!("is above {what} maximum"));
        }
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

fn describe_when(w: &When) -> String {
    match w {
        When::Eq(f, v) => format!("{f} = {v}"),
        When::In(f, v) => format!("{f} ∈ {}", v.join("/")),
        When::NotIn(f, v) => format!("{f} ∉ {}", v.join("/")),
        When::Present(f) => format!("{f} given"),
        When::Absent(f) => format!("{f} absent"),
    }
}

fn describe_check(c: &Check) -> String {
    match c {
        Check::Required => "required".to_owned(),
        Check::AnyOf(f) => format!("one of {} required", f.join(", ")),
        Check::AtMostOne(f) => format!("at most one of {}", f.join(", ")),
        Check::Together(f) => format!("{} together or none", f.join(", ")),
        Check::Length { min, max } if min == max => format!("exactly {min} characters"),
        Check::Length { min, max } => format!("{min}..{max} characters"),
        Check::CombinedLength { fields, max } => {
            format!("{} ≤ {max} characters combined", fields.join(" + "))
        }
        Check::Decimal {
            min,
            max,
            places,
            text,
        } => {
            let mut parts = vec![if *text {
                "decimal (as a string)"
            } else {
                "decimal"
            }
            .to_owned()];
            if let Some(m) = min {
                parts.push(format!("≥ {m}"));
            }
            if let Some(m) = max {
                parts.push(format!("≤ {m}"));
            }
            if let Some(p) = places {
                parts.push(format!("≤ {p} places"));
            }
            parts.join(", ")
        }
        Check::Integer { min, max } => {
            let mut parts = vec!["integer".to_owned()];
            if let Some(m) = min {
                parts.push(format!("≥ {m}"));
            }
            if let Some(m) = max {
                parts.push(format!("≤ {m}"));
            }
            parts.join(", ")
        }
        Check::Enum {
            values,
            closed: true,
        } => format!("one of {}", values.join(", ")),
        Check::Enum {
            values,
            closed: false,
        } => format!("open set: {}, ...", values.join(", ")),
        Check::Format(f) => format!("format {f:?}"),
        Check::MinAge(y) => format!("age ≥ {y} (needs today's date)"),
        Check::Base64MaxBytes(n) => format!("≤ {} KB decoded", n / 1024),
        Check::MaxItems(n) => format!("≤ {n} items"),
        Check::WasabiPin => "6-digit PIN rules".to_owned(),
        Check::CardType(c) => format!("card type: {c:?} (needs the card-type record)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_rules() {
        for ok in ["135790", "890123", "102938", "112233", "120121"] {
            assert_eq!(pin_problem(ok), None, "{ok}");
        }
        for bad in [
            "12345", "1234567", "12a456", "111234", "120003", "123456", "654321", "012345",
            "121212", "909090", "123123", "120120",
        ] {
            assert!(pin_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn dates_from_unix_time() {
        assert_eq!(date_from_unix_seconds(0), "1970-01-01");
        assert_eq!(date_from_unix_seconds(1_764_000_000), "2025-11-24");
        assert_eq!(date_from_unix_seconds(951_782_400), "2000-02-29");
    }

    #[test]
    fn formats_and_ages() {
        assert!(format_problem(Format::Date, "2024-02-29").is_none());
        assert!(format_problem(Format::Date, "2023-02-29").is_some());
        assert!(format_problem(Format::LatinName, "Mary Ann").is_none());
        assert!(format_problem(Format::LatinName, "Mary  Ann").is_some());
        assert!(format_problem(Format::Email, "a@b.co").is_none());
        assert!(format_problem(Format::Email, "a@b").is_some());
        assert!(older_than("2008-11-25", "2026-11-25", 18));
        assert!(!older_than("2008-11-26", "2026-11-25", 18));
    }
}
