//! The registry of rule tables: which provider has which tables. It lives
//! beside the providers and imports the engine ([`crate::validate`]); the
//! engine knows nothing of providers, so the tables import the engine and the
//! engine imports no table.

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::validate::{
    check_query_table, check_table, query_table_in, table_in, tables_markdown, Context,
    EndpointRules, Report,
};

/// Which document a table comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Provider {
    /// WorldCard `Card/*`.
    WorldCard,
    /// WorldCard legacy card and Transfer V4.
    WorldCardLegacy,
    /// Wasabi Card Open API.
    Wasabi,
    /// Wasabi Card API gateway.
    WasabiGateway,
    /// PinToPay.
    PinToPay,
    /// PayCA.
    PayCa,
}

impl Provider {
    /// Every provider, in documentation order.
    pub const ALL: [Provider; 6] = [
        Provider::WorldCard,
        Provider::WorldCardLegacy,
        Provider::Wasabi,
        Provider::WasabiGateway,
        Provider::PinToPay,
        Provider::PayCa,
    ];

    /// The name used by [`validate()`] (`"worldcard"`, `"worldcard_legacy"`,
    /// `"wasabi"`, `"wasabi_gateway"`, `"pintopay"`, `"payca"`).
    pub fn name(self) -> &'static str {
        match self {
            Provider::WorldCard => "worldcard",
            Provider::WorldCardLegacy => "worldcard_legacy",
            Provider::Wasabi => "wasabi",
            Provider::WasabiGateway => "wasabi_gateway",
            Provider::PinToPay => "pintopay",
            Provider::PayCa => "payca",
        }
    }

    /// Reads a provider name.
    pub fn parse(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The provider's rule tables.
    pub fn tables(self) -> &'static [EndpointRules] {
        match self {
            Provider::WorldCard => crate::providers::worldcard::rules::TABLES,
            Provider::WorldCardLegacy => crate::providers::worldcard_legacy::rules::TABLES,
            Provider::Wasabi => crate::providers::wasabi::rules::TABLES,
            Provider::WasabiGateway => crate::providers::wasabi::gateway_rules::TABLES,
            Provider::PinToPay => crate::providers::pintopay::rules::TABLES,
            Provider::PayCa => crate::providers::payca::rules::TABLES,
        }
    }
}

/// Validates `payload` for `provider` (see [`Provider::name`]) and `endpoint`.
/// A path the provider's documents do not name is itself a failure
/// (`validation_failed` on `path`, naming the nearest documented paths), so
/// a typo is caught before anything is signed; `validate: false` skips it
/// with every other rule.
pub fn validate(
    provider: &str,
    endpoint: &str,
    payload: &Value,
    ctx: &Context<'_>,
) -> Result<Report> {
    let p = Provider::parse(provider)
        .ok_or_else(|| Error::invalid_input(format!("unknown provider {provider}")))?;
    validate_for(p, endpoint, payload, ctx)
}

/// [`validate()`] with a typed provider.
pub fn validate_for(
    provider: Provider,
    endpoint: &str,
    payload: &Value,
    ctx: &Context<'_>,
) -> Result<Report> {
    match table_for(provider, endpoint) {
        Some(table) => check_table(table, payload, ctx),
        None if query_table_for(provider, endpoint).is_some() => Ok(Report::default()),
        None => Err(unknown_path(provider, endpoint)),
    }
}

/// `validation_failed` for a path no document names, with the nearest
/// documented paths (by edit distance) to say what was meant.
fn unknown_path(provider: Provider, endpoint: &str) -> Error {
    let path = endpoint.split('?').next().unwrap_or_default();
    let mut known: Vec<(usize, &str)> = provider
        .tables()
        .iter()
        .map(|t| t.endpoint.trim_end_matches('?'))
        .map(|e| (edit_distance(e, path), e))
        .collect();
    known.sort_unstable();
    known.dedup_by(|a, b| a.1 == b.1);
    let nearest: Vec<String> = known
        .iter()
        .take(3)
        .map(|(_, e)| format!("`{e}`"))
        .collect();
    let mut errors = crate::error::FieldErrors::new();
    errors.insert(
        "path".to_owned(),
        vec![format!(
            "`{path}` is not a documented {} endpoint; nearest: {} (build with validate: false to send it anyway)",
            provider.name(),
            nearest.join(", ")
        )],
    );
    Error::ValidationFailed { errors }
}

/// Levenshtein distance over bytes (paths are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The body table of `endpoint` (templates match, a query string is ignored).
pub fn table_for(provider: Provider, endpoint: &str) -> Option<&'static EndpointRules> {
    table_in(provider.tables(), endpoint)
}

/// The query-string table of `path` (named `<template>?`).
pub fn query_table_for(provider: Provider, path: &str) -> Option<&'static EndpointRules> {
    query_table_in(provider.tables(), path)
}

/// Validates query parameters against the query table of `path`; clean when
/// there is none.
pub fn check_query<K: AsRef<str>, V: AsRef<str>>(
    provider: Provider,
    path: &str,
    query: &[(K, V)],
) -> Result<Report> {
    match query_table_for(provider, path) {
        Some(table) => check_query_table(table, query),
        None if table_for(provider, path).is_some() => Ok(Report::default()),
        None => Err(unknown_path(provider, path)),
    }
}

/// The fields of `endpoint`'s table documented as decimal strings
/// ([`crate::validate::Check::Decimal`] with `text`).
pub fn decimal_text_fields(provider: Provider, endpoint: &str) -> Vec<&'static str> {
    table_for(provider, endpoint)
        .map(|t| {
            t.rules
                .iter()
                .filter(|r| matches!(r.check, crate::validate::Check::Decimal { text: true, .. }))
                .map(|r| r.field)
                .collect()
        })
        .unwrap_or_default()
}

/// Validates an outgoing or received payload given as JSON bytes.
pub(crate) fn check_bytes(
    provider: Provider,
    endpoint: &str,
    json: &[u8],
    today: Option<&str>,
) -> Result<()> {
    if table_for(provider, endpoint).is_none() {
        return validate_for(provider, endpoint, &Value::Null, &Context::default()).map(|_| ());
    }
    let value: Value = crate::exact_json::parse(json)
        .map_err(|_| Error::invalid_input("payload is not valid JSON"))?;
    check_payload(provider, endpoint, &value, today)
}

/// Validates a parsed payload (no-op for endpoints without a table).
pub(crate) fn check_payload(
    provider: Provider,
    endpoint: &str,
    value: &Value,
    today: Option<&str>,
) -> Result<()> {
    validate_for(
        provider,
        endpoint,
        value,
        &Context {
            today,
            card_type: None,
        },
    )
    .map(|_| ())
}

/// Counts per provider: (endpoints with a table, endpoints with rules, rules).
pub fn coverage(provider: Provider) -> (usize, usize, usize) {
    let t = provider.tables();
    (
        t.len(),
        t.iter().filter(|e| !e.rules.is_empty()).count(),
        t.iter().map(|e| e.rules.len()).sum(),
    )
}

/// `docs/validation.md`, generated from the tables.
pub fn markdown() -> String {
    let mut out = String::from("# Validation rules\n\nGenerated from the rule tables in `core/src/providers/*/rules.rs` by `make docs`; `make test` fails when this file is stale. Each table is checked rule for rule against its provider's description (`docs/openapi/<provider>.yaml`, `cargo test -p xtask --test descriptions`); the per-provider reference pages made from the descriptions give the same rules with the fields' types, the responses, errors and webhooks: [WorldCard](worldcard.md), [WorldCard legacy](worldcard-legacy.md), [Wasabi](wasabi.md), [Wasabi gateway](wasabi-gateway.md), [PinToPay](pintopay.md), [PayCA](payca.md). This page adds each rule's source page and notes.\n\n| provider | endpoints | with rules | rules |\n|---|---|---|---|\n");
    for p in Provider::ALL {
        let (e, r, n) = coverage(p);
        out.push_str(&format!("| {} | {e} | {r} | {n} |\n", p.name()));
    }
    for p in Provider::ALL {
        out.push_str(&tables_markdown(p.name(), p.tables()));
    }
    out
}
