//! The Wasabi Card API gateway (`/api/v1/...`): `X-API-KEY`, responses in
//! `{success, code, msg, data}`, 422 field errors, 429 with `Retry-After`,
//! a retry policy, and the webhook-events polling endpoint.

use crate::contract::{Opened, Received, Request, RequestBuilder, ResponseOpener};
use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::{Map, Value};

use super::merchant::envelope_of;
use crate::envelope::{check_header_token, retry_after_ms, Headers, OutgoingRequest, Payload};
use crate::error::{ApiError, Error, FieldErrors, Result};
use crate::exact_json;
use crate::http::{self, Part};

/// `X-API-KEY`.
pub const HEADER_API_KEY: &str = "X-API-KEY";
/// All gateway paths start with this.
pub const PATH_PREFIX: &str = "/api/v1/";

/// Endpoints that are GET (the gateway documentation lost its GET markers; Wasabi's public endpoint list has
/// them). `work-orders/` is GET to list and POST to submit.
pub const GET_ENDPOINTS: &[&str] = &[
    "common/regions",
    "common/cities",
    "common/cities/hierarchical",
    "common/mobile-codes",
    "accounts/",
    "accounts/single",
    "accounts/assets",
    "accounts/transactions",
    "work-orders/",
    "webhook-events",
];

/// Calls that move money: not retried on 5xx by default, since a retry can
/// duplicate them unless `merchantOrderNo` makes them idempotent upstream (undocumented).
pub const MONEY_MOVEMENTS: &[&str] = &[
    "cards/deposit",
    "cards/withdraw",
    "accounts/transfer",
    "cards/create-v2",
];

/// The multipart upload endpoint (jpg, png or pdf, at most 2 MB).
pub const UPLOAD_ENDPOINT: &str = "common/files/upload";
/// Largest upload the gateway accepts.
pub const UPLOAD_MAX_BYTES: usize = 2 * 1024 * 1024;

fn normalize(endpoint: &str) -> Result<String> {
    let e = endpoint
        .strip_prefix(PATH_PREFIX)
        .or_else(|| endpoint.strip_prefix('/'))
        .unwrap_or(endpoint);
    if e.is_empty()
        || !e
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
    {
        return Err(Error::invalid_input(
            "gateway endpoints look like cards/info or /api/v1/cards/info",
        ));
    }
    Ok(e.to_owned())
}

/// The endpoint that is GET to list and POST to submit: the caller names the
/// operation, nothing is guessed from the parameters.
pub const LIST_OR_SUBMIT: &str = "work-orders";

/// The HTTP method for `endpoint`. `work-orders/` needs the caller's
/// `method` (`GET` lists, `POST` submits); elsewhere the documented method
/// is used, and a `method` that contradicts it is `invalid_input`.
fn method_for(endpoint: &str, method: Option<&str>) -> Result<&'static str> {
    let bare = endpoint.trim_end_matches('/');
    let given = match method.map(str::to_ascii_uppercase).as_deref() {
        None => None,
        Some("GET") => Some("GET"),
        Some("POST") => Some("POST"),
        Some(_) => return Err(Error::invalid_input("gateway methods are GET or POST")),
    };
    if bare == LIST_OR_SUBMIT {
        return given.ok_or_else(|| {
            Error::invalid_input(
                "work-orders/ is GET to list and POST to submit: pass method \"GET\" or \"POST\"",
            )
        });
    }
    let documented = if GET_ENDPOINTS
        .iter()
        .any(|g| g.trim_end_matches('/') == bare)
    {
        "GET"
    } else {
        "POST"
    };
    match given {
        Some(m) if m != documented => Err(Error::invalid_input(format!(
            "{bare} is {documented}, not {m}"
        ))),
        _ => Ok(documented),
    }
}

fn query_pairs(obj: &Map<String, Value>) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::with_capacity(obj.len());
    for (k, v) in obj {
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                return Err(Error::invalid_input(format!(
                    "query parameter {k} must be a string, number or boolean"
                )))
            }
        };
        pairs.push((k.clone(), text));
    }
    Ok(pairs)
}

/// When and whether to retry a failed gateway call. Build one with struct
/// update syntax: `RetryPolicy { retry_money_movements_on_5xx: true, ..RetryPolicy::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Waits before the 2nd, 3rd, ... attempt. Default: the gateway documentation's example,
    /// immediate first try then 1 s, 2 s, 4 s (four attempts in all).
    pub delays_ms: Vec<u64>,
    /// HTTP statuses worth retrying. Default 429, 502 and 503.
    pub retry_statuses: Vec<u16>,
    /// Retry money movements ([`MONEY_MOVEMENTS`]) on 5xx. Default `false`.
    pub retry_money_movements_on_5xx: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            delays_ms: vec![1000, 2000, 4000],
            retry_statuses: vec![429, 502, 503],
            retry_money_movements_on_5xx: false,
        }
    }
}

/// A retry decision, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RetryDecision {
    /// Whether to try again.
    pub retry: bool,
    /// How long to wait first (the larger of the schedule and `Retry-After`).
    pub delay_ms: u64,
    /// Why.
    pub reason: String,
}

impl RetryPolicy {
    /// Why a failed call to `endpoint` answered with HTTP `status` must not
    /// be retried, or `None` when it may be. The one rule behind both
    /// [`ApiError::retryable`] (set by [`Gateway::open_response`]) and
    /// [`decide`](Self::decide), so the two never disagree: a caller who
    /// trusts either never moves money twice.
    pub fn refusal(&self, endpoint: &str, status: u16) -> Option<String> {
        if !self.retry_statuses.contains(&status) {
            return Some(format!("HTTP {status} is not retryable"));
        }
        let bare = endpoint
            .strip_prefix(PATH_PREFIX)
            .unwrap_or(endpoint)
            .trim_start_matches('/');
        if status >= 500
            && !self.retry_money_movements_on_5xx
            && MONEY_MOVEMENTS.iter().any(|m| bare.starts_with(m))
        {
            return Some(format!(
                "HTTP {status} on {bare}, a money movement: the upstream may have executed it, and a retry could move the money twice; query its status by merchantOrderNo instead"
            ));
        }
        None
    }

    /// Whether a failed call to `endpoint` with HTTP `status` may be retried.
    pub fn retryable(&self, endpoint: &str, status: u16) -> bool {
        self.refusal(endpoint, status).is_none()
    }

    /// Decides after `attempts` attempts (1 = the first call failed) of
    /// `endpoint` ended in `error`.
    pub fn decide(&self, endpoint: &str, error: &Error, attempts: u32) -> RetryDecision {
        let no = |reason: String| RetryDecision {
            retry: false,
            delay_ms: 0,
            reason,
        };
        let Error::Api(api) = error else {
            return no(format!(
                "{} is not a provider answer; retrying will not change it",
                error.code()
            ));
        };
        let Some(status) = api.status.or_else(|| api.provider_code.parse().ok()) else {
            return no("no HTTP status to judge by".to_owned());
        };
        if let Some(reason) = self.refusal(endpoint, status) {
            return no(reason);
        }
        let index = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let Some(&scheduled) = self.delays_ms.get(index) else {
            return no(format!("gave up after {attempts} attempts"));
        };
        let delay_ms = scheduled.max(api.retry_after_ms.unwrap_or(0));
        let why = if api.retry_after_ms.is_some() {
            "Retry-After honoured"
        } else {
            "back-off schedule"
        };
        RetryDecision {
            retry: true,
            delay_ms,
            reason: format!(
                "HTTP {status} is transient: attempt {} after {delay_ms} ms ({why})",
                attempts + 1
            ),
        }
    }
}

/// A query for `GET /api/v1/webhook-events`, with the documented limits.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookEventsQuery<'a> {
    /// ≤ 60 characters.
    pub category: Option<&'a str>,
    /// ≤ 100 characters (`holderId`, `orderNo`, `tradeNo` or `cardNo`).
    pub reference_id: Option<&'a str>,
    /// ≤ 60 characters.
    pub merchant_order_no: Option<&'a str>,
    /// ≤ 40 characters.
    pub status: Option<&'a str>,
    /// `Y-m-d H:i:s`.
    pub from: Option<&'a str>,
    /// `Y-m-d H:i:s`, not before `from`.
    pub to: Option<&'a str>,
    /// 1 to 100 (default 15).
    pub per_page: Option<u32>,
    /// ≥ 1.
    pub page: Option<u32>,
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// One stored event from the polling endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GatewayEvent {
    /// `id`.
    pub id: Option<i64>,
    /// `category`.
    pub category: Option<String>,
    /// `reference_id` (text even when numeric).
    pub reference_id: Option<String>,
    /// `merchant_order_no`.
    pub merchant_order_no: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// The upstream payload.
    pub payload: Value,
    /// `request_id`.
    pub request_id: Option<String>,
    /// `signature_verified` as sent (`None` when absent).
    pub signature_verified: Option<bool>,
    /// Only `signature_verified == true` is trusted: the gateway stores events
    /// whose upstream signature failed. Do not act on untrusted events.
    pub trusted: bool,
    /// `created_at`.
    pub created_at: Option<String>,
    /// `updated_at`.
    pub updated_at: Option<String>,
}

/// A page of stored events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EventPage {
    /// `total`.
    pub total: Option<i64>,
    /// `per_page`.
    pub per_page: Option<i64>,
    /// `current_page`.
    pub current_page: Option<i64>,
    /// `last_page`.
    pub last_page: Option<i64>,
    /// The events.
    pub events: Vec<GatewayEvent>,
}

fn opt_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn opt_int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The gateway client.
#[derive(Debug, Clone)]
pub struct Gateway {
    api_key: String,
    retry: RetryPolicy,
    validate: bool,
}

impl Gateway {
    /// A client for `api_key`, with the default retry policy.
    pub fn new(api_key: &str) -> Result<Self> {
        check_header_token("api_key", api_key)?;
        Ok(Gateway {
            api_key: api_key.to_owned(),
            retry: RetryPolicy::default(),
            validate: true,
        })
    }

    /// Replaces the retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Validate parameters against the documented rules (default on).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// The gateway's own answer to invalid input: HTTP 422,
    /// `{"success":false,"code":422,"msg":"Validation failed.","data":{field:[messages]}}`
    /// (for test doubles and sandboxes).
    pub fn validation_response(errors: &FieldErrors) -> crate::envelope::OutgoingResponse {
        let body = serde_json::json!({"success": false, "code": 422, "msg": "Validation failed.", "data": errors});
        crate::envelope::OutgoingResponse {
            status: 422,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.to_string().into_bytes(),
        }
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    fn build(
        &self,
        validate: bool,
        endpoint: &str,
        method: Option<&str>,
        params: Option<Payload<'_>>,
    ) -> Result<OutgoingRequest> {
        let e = normalize(endpoint)?;
        if e.trim_end_matches('/') == UPLOAD_ENDPOINT {
            return Err(Error::invalid_input(
                "the file upload is multipart: use upload_file",
            ));
        }
        let method = method_for(&e, method)?;
        if validate {
            if let Some(p) = params {
                let v = exact_json::parse(&p.to_json_bytes()?)
                    .map_err(|_| Error::invalid_input("parameters are not valid JSON"))?;
                crate::registry::check_payload(
                    crate::registry::Provider::WasabiGateway,
                    &format!("{PATH_PREFIX}{e}"),
                    &v,
                    None,
                )?;
            }
        }
        let mut headers = vec![
            (HEADER_API_KEY.to_owned(), self.api_key.clone()),
            ("Accept".to_owned(), "application/json".to_owned()),
        ];
        let path = format!("{PATH_PREFIX}{e}");
        if method == "GET" {
            let pairs = match params {
                Some(p) => query_pairs(&p.to_object()?)?,
                None => Vec::new(),
            };
            return Ok(OutgoingRequest {
                method: method.to_owned(),
                path: http::with_query(&path, &pairs),
                headers,
                body: Vec::new(),
            });
        }
        let body = match params {
            Some(p) => p.to_json_bytes()?.into_owned(),
            None => b"{}".to_vec(),
        };
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        Ok(OutgoingRequest {
            method: method.to_owned(),
            path,
            headers,
            body,
        })
    }

    /// `POST /api/v1/common/files/upload` (field `file`): jpg, png or pdf, at most 2 MB.
    pub fn upload_file<R: CryptoRngCore + ?Sized>(
        &self,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        if !matches!(
            content_type,
            "image/jpeg" | "image/jpg" | "image/png" | "application/pdf"
        ) {
            return Err(Error::invalid_input(
                "the gateway accepts jpg, png or pdf files",
            ));
        }
        if bytes.len() > UPLOAD_MAX_BYTES {
            return Err(Error::invalid_input(
                "the gateway accepts files of at most 2 MB",
            ));
        }
        let (ct, body) = http::multipart(
            &[Part::File {
                name: "file",
                filename,
                content_type,
                bytes,
            }],
            rng,
        )?;
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path: format!("{PATH_PREFIX}{UPLOAD_ENDPOINT}"),
            headers: vec![
                (HEADER_API_KEY.to_owned(), self.api_key.clone()),
                ("Content-Type".to_owned(), ct),
            ],
            body,
        })
    }

    fn open(
        &self,
        endpoint: &str,
        status: u16,
        headers: &Headers,
        body: &[u8],
        now_ms: u64,
    ) -> Result<Value> {
        let parsed = exact_json::parse(body).ok();
        let retry_after = retry_after_ms(headers, now_ms);
        let retryable = self.retry.retryable(endpoint, status);
        let envelope = parsed.as_ref().and_then(|v| envelope_of(v).ok());
        match (&parsed, envelope) {
            (Some(v), Some((success, code, msg))) => {
                if success && code == 200 && (200..300).contains(&status) {
                    return Ok(v.get("data").cloned().unwrap_or(Value::Null));
                }
                let field_errors = (status == 422)
                    .then(|| field_errors(v.get("data")))
                    .flatten();
                Err(ApiError::new(code.to_string(), msg.unwrap_or_default())
                    .with_status(Some(status))
                    .with_retryable(retryable)
                    .with_retry_after_ms(retry_after)
                    .with_field_errors(field_errors)
                    .into())
            }
            _ if (200..300).contains(&status) => Err(Error::malformed(
                "gateway response is not the {success, code, msg, data} envelope",
            )),
            (Some(v), None) => {
                let message = v
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                Err(ApiError::new(status.to_string(), message)
                    .with_status(Some(status))
                    .with_retryable(retryable)
                    .with_retry_after_ms(retry_after)
                    .into())
            }
            (None, _) => Err(ApiError::from_http(status, body)
                .with_retryable(retryable)
                .with_retry_after_ms(retry_after)
                .into()),
        }
    }

    /// `GET /api/v1/webhook-events` with the query checked against the
    /// documented limits (all violations at once, as `validation_failed`).
    pub fn webhook_events_request(&self, q: &WebhookEventsQuery<'_>) -> Result<OutgoingRequest> {
        let mut errors = FieldErrors::new();
        let mut bad = |f: &str, m: String| errors.entry(f.to_owned()).or_default().push(m);
        for (f, v, max) in [
            ("category", q.category, 60),
            ("reference_id", q.reference_id, 100),
            ("merchant_order_no", q.merchant_order_no, 60),
            ("status", q.status, 40),
        ] {
            if let Some(v) = v {
                if v.chars().count() > max {
                    bad(f, format!("must be at most {max} characters"));
                }
            }
        }
        for (f, v) in [("from", q.from), ("to", q.to)] {
            if let Some(v) = v {
                if !is_datetime(v) {
                    bad(
                        f,
                        "must be a date-time like 2026-01-31 23:59:59 (Y-m-d H:i:s)".to_owned(),
                    );
                }
            }
        }
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if is_datetime(from) && is_datetime(to) && to < from {
                bad("to", "must not be before from".to_owned());
            }
        }
        if let Some(p) = q.per_page {
            if !(1..=100).contains(&p) {
                bad("per_page", "must be between 1 and 100".to_owned());
            }
        }
        if q.page == Some(0) {
            bad("page", "must be at least 1".to_owned());
        }
        if !errors.is_empty() {
            return Err(Error::ValidationFailed { errors });
        }
        let mut params = Map::new();
        let texts = [
            ("category", q.category),
            ("reference_id", q.reference_id),
            ("merchant_order_no", q.merchant_order_no),
            ("status", q.status),
            ("from", q.from),
            ("to", q.to),
        ];
        for (k, v) in texts {
            if let Some(v) = v {
                params.insert(k.to_owned(), Value::from(v));
            }
        }
        if let Some(p) = q.per_page {
            params.insert("per_page".to_owned(), Value::from(p));
        }
        if let Some(p) = q.page {
            params.insert("page".to_owned(), Value::from(p));
        }
        let v = Value::Object(params);
        self.build(
            self.validate,
            "webhook-events",
            None,
            Some(Payload::Json(&v)),
        )
    }

    /// Reads the `data` of a webhook-events response into typed records.
    /// Events with `signature_verified` other than `true` are marked untrusted.
    pub fn parse_webhook_events(data: &Value) -> Result<EventPage> {
        let obj = data
            .as_object()
            .ok_or_else(|| Error::malformed("webhook-events data is not an object"))?;
        let list = obj
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::malformed("webhook-events data has no data list"))?;
        let events = list
            .iter()
            .map(|e| {
                let signature_verified = e.get("signature_verified").and_then(|v| match v {
                    Value::Bool(b) => Some(*b),
                    Value::Number(n) => n.as_i64().map(|i| i != 0),
                    _ => None,
                });
                GatewayEvent {
                    id: opt_int(e.get("id")),
                    category: opt_text(e.get("category")),
                    reference_id: opt_text(e.get("reference_id")),
                    merchant_order_no: opt_text(e.get("merchant_order_no")),
                    status: opt_text(e.get("status")),
                    payload: e.get("payload").cloned().unwrap_or(Value::Null),
                    request_id: opt_text(e.get("request_id")),
                    signature_verified,
                    trusted: signature_verified == Some(true),
                    created_at: opt_text(e.get("created_at")),
                    updated_at: opt_text(e.get("updated_at")),
                }
            })
            .collect();
        Ok(EventPage {
            total: opt_int(obj.get("total")),
            per_page: opt_int(obj.get("per_page")),
            current_page: opt_int(obj.get("current_page")),
            last_page: opt_int(obj.get("last_page")),
            events,
        })
    }
}

impl RequestBuilder for Gateway {
    /// Builds a request for `req.path` (`cards/info`, `/api/v1/accounts/`):
    /// GET endpoints carry the parameters (a flat object) in the query string,
    /// percent-encoded; the others POST them as JSON (`{}` when none).
    /// `req.method` is needed only for `work-orders/` (`GET` lists, `POST`
    /// submits); elsewhere it may be given and must match the documented one.
    /// Gateway requests carry no stamp: `now_ms` and `rng` are not read.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        _now_ms: u64,
        _rng: &mut R,
    ) -> Result<OutgoingRequest> {
        req.refuse_unused("Wasabi gateway", &["method"])?;
        self.build(
            req.validate.unwrap_or(self.validate),
            req.path,
            req.method,
            req.payload,
        )
    }
}

impl ResponseOpener for Gateway {
    /// Opens a gateway response to a call to `endpoint`: success → `data`
    /// (non-integer numbers as exact decimal strings); otherwise an
    /// `api_error` keeping the HTTP status, `code` and `msg`, the field
    /// errors of a 422 when `data` holds them, `Retry-After` on a 429
    /// (seconds, or an HTTP date read against `now_ms`; envelope or the
    /// framework's `{"message": ...}`), and `retryable` from the retry
    /// policy for this endpoint and status: the same rule as
    /// [`RetryPolicy::decide`], so a 502 on a money movement is not
    /// retryable. Gateway answers are not signed: provider fields are
    /// reported as not authenticated.
    ///
    /// The endpoint is `msg.path` (required: the retry advice depends on it).
    fn open_response(&self, msg: &Received<'_>, now_ms: u64) -> Result<Opened> {
        let data = self.open(
            msg.require_path()?,
            msg.status.unwrap_or(200),
            msg.headers,
            msg.body,
            now_ms,
        )?;
        let mut o = Opened::new(msg, data);
        o.code = Some("200".to_owned());
        Ok(o)
    }
}

fn field_errors(data: Option<&Value>) -> Option<FieldErrors> {
    let obj = data?.as_object()?;
    if obj.is_empty() {
        return None;
    }
    let mut out = FieldErrors::new();
    for (k, v) in obj {
        let messages = match v {
            Value::Array(a) => a
                .iter()
                .map(|m| {
                    m.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| m.to_string())
                })
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => return None,
        };
        out.insert(k.clone(), messages);
    }
    Some(out)
}
