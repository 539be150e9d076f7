//! The engine: checks a payload against its endpoint's table.

use super::*;

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

pub(crate) fn path_matches(template: &str, path: &str) -> bool {
    // No allocation: this runs for every table of a provider on every request.
    let (t, p) = (template.trim_end_matches('/'), path.trim_end_matches('/'));
    if t == p {
        return true;
    }
    // Only a template with a `{placeholder}` can match another text, and
    // only a path with the same text before it.
    match t.split_once('{') {
        Some((before, _)) if p.starts_with(before) => {}
        _ => return false,
    }
    let (mut ts, mut ps) = (t.split('/'), p.split('/'));
    loop {
        match (ts.next(), ps.next()) {
            (None, None) => return true,
            (Some(a), Some(b))
                if a == b || (a.starts_with('{') && a.ends_with('}') && !b.is_empty()) => {}
            _ => return false,
        }
    }
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

pub(crate) fn present(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

pub(crate) fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn holds(w: &When, root: &Value) -> bool {
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
pub(crate) fn resolve<'v>(root: &'v Value, path: &str) -> Vec<(String, Option<&'v Value>)> {
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

pub(crate) fn push(errors: &mut FieldErrors, field: &str, message: String) {
    let list = errors.entry(field.to_owned()).or_default();
    if !list.contains(&message) {
        list.push(message);
    }
}

pub(crate) fn decimal_of(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::parse(s.trim()),
        Value::Number(n) => Decimal::parse(&n.to_string()),
        _ => None,
    }
}

pub(crate) fn apply(
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

pub(crate) fn check_value(
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

pub(crate) fn decimal_problem(
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

pub(crate) fn ct_decimal(card_type: &Value, path: &[&str]) -> Option<Decimal> {
    let mut v = card_type;
    for p in path {
        v = v.get(*p)?;
    }
    decimal_of(v)
}

pub(crate) fn card_type_problem(
    c: CardTypeCheck,
    v: &Value,
    root: &Value,
    ct: &Value,
) -> Option<String> {
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

pub(crate) fn range_problem(
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

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn templates_match_by_segment() {
        assert!(path_matches("/v1/cards", "/v1/cards"));
        assert!(path_matches("/v1/cards/", "/v1/cards"));
        assert!(path_matches("/v1/cards/{id}", "/v1/cards/c-1"));
        assert!(path_matches(
            "/v1/cards/{id}/freeze",
            "/v1/cards/c-1/freeze/"
        ));
        assert!(!path_matches("/v1/cards/{id}", "/v1/cards/"));
        assert!(!path_matches("/v1/cards/{id}", "/v1/cards/c-1/freeze"));
        assert!(!path_matches(
            "/v1/cards/{id}/freeze",
            "/v1/cards/c-1/unfreeze"
        ));
        assert!(!path_matches("/v1/cards/{id}", "/v2/cards/c-1"));
        assert!(!path_matches("/v1/cards", "/v1/card"));
        assert!(!path_matches("/v1/{kind}/list", "/v1/x/list/more"));
        assert!(path_matches("/v1/{kind}/list", "/v1/x/list"));
    }
}
