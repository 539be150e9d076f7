//! `explain`, `sign`, `verify` and `trigger`: one envelope from the shell,
//! with the credentials file the sandbox writes (or one of your own in the
//! same shape).

use cardwire::api::{Host, Input, Instance, Out};
use cardwire::envelope::Headers;
use cardwire::explain::Explanation;
use cardwire::{
    payca, pintopay, wasabi, worldcard, worldcard_legacy, AesKey, RsaPrivateKey, RsaPublicKey,
};
use cardwire::{Received, RequestVerifier, WebhookReceiver};
use serde_json::{json, Value};

use crate::http::{self, RawMessage};
use crate::sandbox::credentials::Credentials;
use crate::Fail;

struct CliHost;

impl Host for CliHost {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        rand::RngCore::try_fill_bytes(&mut rand::rngs::OsRng, buf)
            .map_err(|_| cardwire::Error::RandomUnavailable)
    }
}

fn err(e: cardwire::Error) -> Fail {
    Fail::msg(e.to_string())
}

pub fn load_credentials(path: &str) -> Result<Credentials, Fail> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Fail::msg(format!(
            "{path}: {e} (write one with `cardwire sandbox --credentials-out {path}`)"
        ))
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| Fail::msg(format!("{path}: {e}")))?;
    Credentials::from_json(&v)
}

fn read_input(path: &str) -> Result<Vec<u8>, Fail> {
    if path == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map_err(|e| Fail::msg(e.to_string()))?;
        Ok(b)
    } else {
        std::fs::read(path).map_err(|e| Fail::msg(format!("{path}: {e}")))
    }
}

/// Strips the sandbox's provider prefix from a path (`/worldcard/api/...`).
fn provider_path(provider: &str, path: &str) -> String {
    let prefix = format!("/{provider}");
    match path.strip_prefix(&prefix) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => path.to_owned(),
    }
}

fn headers(m: &RawMessage) -> Headers {
    m.headers.iter().cloned().collect()
}

/// `cardwire explain PROVIDER --request FILE | --webhook FILE`.
pub fn explain(
    provider: &str,
    request: Option<&str>,
    webhook: Option<&str>,
    creds: &Credentials,
    now_ms: Option<u64>,
) -> Result<Explanation, Fail> {
    let now = now_ms.unwrap_or_else(|| CliHost.now_ms());
    let (file, is_request) = match (request, webhook) {
        (Some(f), None) => (f, true),
        (None, Some(f)) => (f, false),
        _ => {
            return Err(Fail::msg(
                "give exactly one of --request FILE or --webhook FILE",
            ))
        }
    };
    let m = http::parse_raw(&read_input(file)?)?;
    let h = headers(&m);
    let path = provider_path(provider, &m.path);
    // Offline: a nonce or replay check says "cannot be known offline", never "new".
    let mut guard = cardwire::delivery::OfflineGuard;
    let e = match (provider, is_request) {
        ("worldcard", true) => worldcard::Platform::new(
            vec![worldcard::MerchantRecord {
                app_id: creds.worldcard_app_id.clone(),
                public_key: RsaPublicKey::parse(&creds.worldcard_merchant_pub).map_err(err)?,
                aes_key: AesKey::parse(&creds.worldcard_aes).map_err(err)?,
            }],
            None,
        )
        .map_err(err)?
        .explain_request(&Received::new(&h, &m.body).with_path(&path), now, &mut guard),
        ("worldcard", false) => worldcard::Merchant::new(worldcard::MerchantKeys {
            app_id: creds.worldcard_app_id.clone(),
            private_key: RsaPrivateKey::parse(&creds.worldcard_merchant_pem).map_err(err)?,
            aes_key: AesKey::parse(&creds.worldcard_aes).map_err(err)?,
            platform_public_key: Some(RsaPublicKey::parse(&creds.worldcard_platform_pub).map_err(err)?),
        })
        .map_err(err)?
        .explain_webhook(&Received::new(&h, &m.body), now),
        ("legacy", true) => worldcard_legacy::Platform::new(&creds.legacy_app_key, &creds.legacy_app_secret)
            .map_err(err)?
            .explain_request(&Received::body_only(&m.body).with_path(&path), now, &mut guard),
        ("legacy", false) => worldcard_legacy::Merchant::new(&creds.legacy_app_key, &creds.legacy_app_secret)
            .map_err(err)?
            .explain_webhook(&Received::body_only(&m.body), now),
        ("wasabi", true) => wasabi::Platform::new(
            &creds.wasabi_api_key,
            RsaPrivateKey::parse(&creds.wasabi_platform_pem).map_err(err)?,
            RsaPublicKey::parse(&creds.wasabi_merchant_pub).map_err(err)?,
        )
        .map_err(err)?
        .explain_request(&Received::new(&h, &m.body).with_path(&path), now, &mut guard),
        ("wasabi", false) => wasabi::Merchant::new(wasabi::MerchantKeys {
            api_key: creds.wasabi_api_key.clone(),
            private_key: RsaPrivateKey::parse(&creds.wasabi_merchant_pem).map_err(err)?,
            platform_public_key: Some(RsaPublicKey::parse(&creds.wasabi_platform_pub).map_err(err)?),
        })
        .map_err(err)?
        .explain_webhook(&Received::new(&h, &m.body), now),
        ("pintopay", true) => pintopay::Platform::new(&creds.pintopay_api_key, &creds.pintopay_api_secret)
            .map_err(err)?
            .explain_request(&Received::new(&h, &m.body).with_path(&path), now, &mut guard),
        ("pintopay", false) => pintopay::Merchant::new(&creds.pintopay_api_key, &creds.pintopay_api_secret)
            .map_err(err)?
            .explain_webhook(&Received::new(&h, &m.body), now),
        ("payca", true) => payca::Platform::new(&creds.payca_client_id, &creds.payca_client_secret)
            .map_err(err)?
            .explain_request(
                &Received::new(&h, &m.body).with_path(path.split('?').next().unwrap_or_default()),
                now,
                &mut guard,
            ),
        ("payca", false) => payca::Merchant::new(&creds.payca_client_id, &creds.payca_client_secret)
            .map_err(err)?
            .explain_webhook(&Received::new(&h, &m.body), now),
        (other, _) => return Err(Fail::msg(format!("explain knows worldcard, legacy, wasabi, pintopay and payca, not {other} (the gateway checks only X-API-KEY)"))),
    };
    Ok(e)
}

fn map(pairs: &[(&str, &str)]) -> Input {
    Input::Map(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Input::Str((*v).to_owned())))
            .collect(),
    )
}

/// The merchant class and constructor options for a provider.
fn merchant(provider: &str, c: &Credentials) -> Result<Instance, Fail> {
    let (class, opts) = match provider {
        "worldcard" => (
            "WorldCardMerchant",
            map(&[
                ("app_id", &c.worldcard_app_id),
                ("private_key_pem", &c.worldcard_merchant_pem),
                ("aes_key", &c.worldcard_aes),
                ("platform_public_key_pem", &c.worldcard_platform_pub),
            ]),
        ),
        "legacy" => (
            "WorldCardLegacy",
            map(&[
                ("app_key", &c.legacy_app_key),
                ("app_secret", &c.legacy_app_secret),
            ]),
        ),
        "wasabi" => (
            "WasabiMerchant",
            map(&[
                ("api_key", &c.wasabi_api_key),
                ("private_key_pem", &c.wasabi_merchant_pem),
                ("platform_public_key_pem", &c.wasabi_platform_pub),
            ]),
        ),
        "gateway" => ("WasabiGateway", map(&[("api_key", &c.gateway_api_key)])),
        "pintopay" => (
            "PinToPayMerchant",
            map(&[
                ("api_key", &c.pintopay_api_key),
                ("api_secret", &c.pintopay_api_secret),
            ]),
        ),
        "payca" => (
            "PayCaClient",
            map(&[
                ("client_id", &c.payca_client_id),
                ("client_secret", &c.payca_client_secret),
            ]),
        ),
        other => {
            return Err(Fail::msg(format!(
                "unknown provider {other}: worldcard, legacy, wasabi, gateway, pintopay, payca"
            )))
        }
    };
    Instance::new(class, &opts, &CliHost).map_err(err)
}

fn record(out: &Out) -> Value {
    match out {
        Out::Record(_, fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), record(v)))
                .collect(),
        ),
        Out::Str(s) => json!(s),
        Out::Int(i) => json!(i),
        Out::Bool(b) => json!(b),
        Out::Null => Value::Null,
        Out::Json(v) => v.clone(),
        Out::Headers(h) => Value::Object(h.iter().map(|(k, v)| (k.clone(), json!(v))).collect()),
        Out::Bytes(b) => json!(String::from_utf8_lossy(b)),
        Out::List(l) => Value::Array(l.iter().map(record).collect()),
        _ => Value::Null,
    }
}

/// The provider's `base_url` in a credentials file, where it has one.
pub fn base_url(credentials: &str, provider: &str) -> Option<String> {
    credential_text(credentials, provider, "base_url")
}

/// A provider's text member in a credentials file (`base_url`, `webhook_url`).
pub fn credential_text(credentials: &str, provider: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(credentials).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v.get(provider)?.get(key)?.as_str().map(str::to_owned)
}

/// `http://host:port/prefix` as (`host:port`, `/prefix`); `None` for
/// anything else.
fn split_base(base: &str) -> Option<(String, String)> {
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"))?;
    let (host, prefix) = match rest.find('/') {
        Some(i) => (rest.get(..i)?, rest.get(i..)?),
        None => (rest, ""),
    };
    (!host.is_empty()).then(|| (host.to_owned(), prefix.trim_end_matches('/').to_owned()))
}

/// `cardwire sign PROVIDER --path P [--body FILE] [--method M] [--no-validate]`:
/// the exact request to send, as a raw HTTP request on stdout.
pub fn sign(
    provider: &str,
    path: &str,
    body: Option<&str>,
    method: Option<&str>,
    validate: bool,
    creds: &Credentials,
    base: Option<&str>,
) -> Result<String, Fail> {
    let inst = merchant(provider, creds)?;
    let payload = match body {
        Some(f) => Input::Str(
            String::from_utf8(read_input(f)?)
                .map_err(|_| Fail::msg("the body is not UTF-8 JSON"))?,
        ),
        None => Input::Null,
    };
    let mut opts = vec![("validate".to_owned(), Input::Bool(validate))];
    if let Some(m) = method {
        opts.push(("method".to_owned(), Input::Str(m.to_owned())));
    }
    if provider == "pintopay" && (path.ends_with("cards/create") || path.ends_with("cards/topup")) {
        let mut k = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut k);
        opts.push((
            "idempotency_key".to_owned(),
            Input::Str(cardwire::encoding::hex_encode(&k)),
        ));
    }
    let (args, opts) = (vec![Input::Str(path.to_owned()), payload], Input::Map(opts));
    let out = inst
        .call("build_request", &args, Some(&opts), &CliHost)
        .map_err(err)?;
    let r = record(&out);
    // The path as it must be sent: under the base URL's path (the
    // sandbox's `/worldcard`, a provider's `/api` ...), with its Host.
    let (host, prefix) = base.and_then(split_base).unzip();
    let mut text = format!(
        "{} {}{} HTTP/1.1\r\n",
        r["method"].as_str().unwrap_or("POST"),
        prefix.unwrap_or_default(),
        r["path"].as_str().unwrap_or(path)
    );
    if let Some(host) = host {
        text.push_str(&format!("Host: {host}\r\n"));
    }
    if let Some(h) = r["headers"].as_object() {
        for (k, v) in h {
            text.push_str(&format!("{k}: {}\r\n", v.as_str().unwrap_or_default()));
        }
    }
    text.push_str("\r\n");
    text.push_str(r["body_text"].as_str().unwrap_or_default());
    Ok(text)
}

/// `cardwire verify PROVIDER --webhook FILE`: the merchant's verdict.
pub fn verify(
    provider: &str,
    webhook: &str,
    creds: &Credentials,
    now_ms: Option<u64>,
) -> Result<Value, Fail> {
    let inst = merchant(provider, creds)?;
    let m = http::parse_raw(&read_input(webhook)?)?;
    let h = Input::List(
        m.headers
            .iter()
            .map(|(k, v)| Input::List(vec![Input::Str(k.clone()), Input::Str(v.clone())]))
            .collect(),
    );
    let opts = now_ms.map(|n| Input::Map(vec![("now_ms".to_owned(), Input::Int(i128::from(n)))]));
    let out = inst
        .call(
            "check_webhook",
            &[h, Input::Bytes(m.body)],
            opts.as_ref(),
            &CliHost,
        )
        .map_err(err)?;
    Ok(record(&out))
}

/// `cardwire trigger PROVIDER EVENT ...`: asks a running sandbox to send a webhook.
pub async fn trigger(sandbox: &str, req: Value) -> Result<Value, Fail> {
    let url = format!("{}/_admin/trigger", sandbox.trim_end_matches('/'));
    let body = req.to_string().into_bytes();
    let (status, out) = http::post(
        &url,
        &[("Content-Type".to_owned(), "application/json".to_owned())],
        &body,
    )
    .await?;
    if status != 200 {
        return Err(Fail::msg(format!(
            "the sandbox refused the trigger ({status}): {}",
            String::from_utf8_lossy(&out)
        )));
    }
    serde_json::from_slice(&out).map_err(|e| Fail::msg(e.to_string()))
}

/// `cardwire events list|show|resend`: the running sandbox's event log.
/// One admin call to the running sandbox: its JSON answer, or its error.
pub async fn admin(sandbox: &str, method: &str, path: &str) -> Result<Value, Fail> {
    admin_body(sandbox, method, path, &[], &[]).await
}

/// [`admin`] with a JSON body.
pub async fn admin_json(
    sandbox: &str,
    method: &str,
    path: &str,
    body: &Value,
) -> Result<Value, Fail> {
    let headers = [("Content-Type".to_owned(), "application/json".to_owned())];
    admin_body(sandbox, method, path, &headers, body.to_string().as_bytes()).await
}

async fn admin_body(
    sandbox: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Value, Fail> {
    let base = sandbox.trim_end_matches('/');
    let (status, out) = http::send(method, &format!("{base}{path}"), headers, body)
        .await
        .map_err(|e| {
            Fail::msg(format!(
                "{base}: {e} (is `cardwire sandbox` running there?)"
            ))
        })?;
    let v: Value = serde_json::from_slice(&out)
        .map_err(|_| Fail::msg(format!("{base}{path}: not the sandbox's answer ({status})")))?;
    if status != 200 {
        return Err(Fail::msg(
            v["error"].as_str().unwrap_or("refused").to_owned(),
        ));
    }
    Ok(v)
}

pub async fn events(sandbox: &str, action: &str, id: Option<u64>) -> Result<String, Fail> {
    let base = sandbox.trim_end_matches('/');
    let (method, path) = match (action, id) {
        ("list", _) => ("GET", "/_admin/events".to_owned()),
        ("show", Some(id)) => ("GET", format!("/_admin/events/{id}")),
        ("resend", Some(id)) => ("POST", format!("/_admin/events/{id}/resend")),
        (a, None) => {
            return Err(Fail::msg(format!(
                "events {a} needs the event's ID (cardwire events list shows them)"
            )))
        }
        (a, _) => return Err(Fail::msg(format!("events {a}: list, show ID or resend ID"))),
    };
    let (status, out) = http::send(method, &format!("{base}{path}"), &[], &[]).await?;
    let v: Value = serde_json::from_slice(&out)
        .map_err(|_| Fail::msg(format!("{base}{path}: not the sandbox's answer ({status})")))?;
    if status != 200 {
        return Err(Fail::msg(
            v["error"].as_str().unwrap_or("refused").to_owned(),
        ));
    }
    Ok(match action {
        "list" => {
            let mut lines = vec![format!(
                "{:>5}  {:<9} {:<24} {:<9} {:>8}  {}",
                "ID", "PROVIDER", "EVENT", "STATE", "ATTEMPTS", "LAST"
            )];
            for e in v.as_array().into_iter().flatten() {
                let state = if e["acked"] == true {
                    "acked"
                } else if e["done"] == true {
                    "failed"
                } else {
                    "retrying"
                };
                let last = match (
                    e["last_status"].as_u64(),
                    e["last_error"].as_str(),
                    e["next_retry"].as_str(),
                ) {
                    (_, Some(err), Some(next)) => format!("{err}; next {next}"),
                    (_, Some(err), None) => err.to_owned(),
                    (Some(s), None, _) => s.to_string(),
                    _ => String::new(),
                };
                lines.push(format!(
                    "{:>5}  {:<9} {:<24} {:<9} {:>8}  {last}",
                    e["id"],
                    e["provider"].as_str().unwrap_or_default(),
                    e["event"].as_str().unwrap_or_default(),
                    state,
                    e["attempts"]
                ));
            }
            lines.join("\n")
        }
        _ => serde_json::to_string_pretty(&v).unwrap_or_default(),
    })
}
