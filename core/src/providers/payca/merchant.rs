//! PayCA client (merchant) side.

use std::fmt;

use rand_core::CryptoRngCore;
use serde_json::Value;
use zeroize::Zeroizing;

use super::events::{Event, WebhookEvent};
use super::{
    code_retryable, HEADER_CLIENT_ID, HEADER_CLIENT_SECRET, HEADER_IDEMPOTENCY_KEY,
    HEADER_REQUEST_ID, HEADER_SIGNATURE, HEADER_WEBHOOK_IDEMPOTENCY, MAX_IDEMPOTENCY_KEY_LEN,
};
use crate::contract::{Opened, Received, Request, RequestBuilder, ResponseOpener, WebhookReceiver};
use crate::crypto::hmac_sha256::HmacKey;
use crate::delivery::{business_key, DeliveryConfig, Identity};
use crate::envelope::{check_header_token, retry_after_ms, OutgoingRequest, OutgoingResponse};
use crate::error::FieldErrors;
use crate::error::{ApiError, Error, Result};
use crate::exact_json;
use crate::http::{self, Part};

/// A file to upload, from the caller's bytes.
#[derive(Debug, Clone, Copy)]
pub struct FileUpload<'a> {
    /// File name sent to the server.
    pub filename: &'a str,
    /// MIME type (`image/jpeg`, `image/png`, `application/pdf`).
    pub content_type: &'a str,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// The PayCA client side. The secret is kept zeroized-on-drop and the HMAC
/// key prepared once.
#[derive(Clone)]
pub struct Merchant {
    client_id: String,
    client_secret: Zeroizing<String>,
    hmac: HmacKey,
    delivery: DeliveryConfig,
    validate: bool,
}

impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

fn check_opaque(what: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "{what} must be 1 to {max} characters without control characters"
        )));
    }
    Ok(())
}

impl Merchant {
    /// A client for `client_id` / `client_secret`.
    pub fn new(client_id: &str, client_secret: &str) -> Result<Self> {
        check_header_token("client_id", client_id)?;
        if client_secret.is_empty() || client_secret.chars().any(char::is_control) {
            return Err(Error::invalid_key(
                "client secret must be non-empty header text",
            ));
        }
        Ok(Merchant {
            client_id: client_id.to_owned(),
            client_secret: Zeroizing::new(client_secret.to_owned()),
            hmac: HmacKey::new(client_secret.as_bytes())?,
            delivery: DeliveryConfig::default(),
            validate: true,
        })
    }

    /// Sets the delivery settings (the retention of delivery keys; PayCA
    /// signs no send time, so no window applies; see [`crate::delivery`]).
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.delivery = delivery;
        self
    }

    /// Validate JSON bodies against the documented rules (default on).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    fn auth_headers(&self) -> Vec<(String, String)> {
        vec![
            (HEADER_CLIENT_ID.to_owned(), self.client_id.clone()),
            (
                HEADER_CLIENT_SECRET.to_owned(),
                self.client_secret.to_string(),
            ),
        ]
    }

    fn extra_headers(
        headers: &mut Vec<(String, String)>,
        idempotency_key: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<()> {
        if let Some(k) = idempotency_key {
            check_opaque("Idempotency-Key", k, MAX_IDEMPOTENCY_KEY_LEN)?;
            headers.push((HEADER_IDEMPOTENCY_KEY.to_owned(), k.to_owned()));
        }
        if let Some(r) = request_id {
            check_opaque("X-Request-ID", r, MAX_IDEMPOTENCY_KEY_LEN)?;
            headers.push(("X-Request-ID".to_owned(), r.to_owned()));
        }
        Ok(())
    }

    /// Builds a JSON (or body-less) request ([`RequestBuilder::build_request`]). The options (method, path
    /// parameters, `Idempotency-Key`, `X-Request-ID`) are checked first, so
    /// a bad option is reported as `invalid_input` even when the body also
    /// breaks a rule; then the query string (`limit` at most 100, `cursor`,
    /// `fromDate`) and the POST body are validated against the documented
    /// rules (unless turned off).
    fn build(&self, req: &Request<'_>) -> Result<OutgoingRequest> {
        req.refuse_unused(
            "PayCA",
            &[
                "method",
                "path_params",
                "query",
                "idempotency_key",
                "request_id",
            ],
        )?;
        if !req.path.starts_with("/v1/") {
            return Err(Error::invalid_input("PayCA paths start with /v1/"));
        }
        let method = match req.method {
            Some(m) => m.to_ascii_uppercase(),
            None if req.payload.is_some() => "POST".to_owned(),
            None => "GET".to_owned(),
        };
        if !matches!(method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
            return Err(Error::invalid_input(format!("unsupported method {method}")));
        }
        if method == "GET" && req.payload.is_some() {
            return Err(Error::invalid_input("a GET request has no body"));
        }
        let path = http::with_query(&http::fill_path(req.path, req.path_params)?, req.query);
        let mut headers = self.auth_headers();
        Self::extra_headers(&mut headers, req.idempotency_key, req.request_id)?;
        let validate = req.validate.unwrap_or(self.validate);
        if validate {
            crate::registry::check_query(crate::registry::Provider::PayCa, req.path, req.query)?;
        }
        let body = match req.payload {
            Some(p) => {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
                let bytes = p.to_json_bytes()?.into_owned();
                // The body tables describe the documented POST bodies.
                if validate && method == "POST" {
                    crate::registry::check_bytes(
                        crate::registry::Provider::PayCa,
                        req.path,
                        &bytes,
                        None,
                    )?;
                }
                bytes
            }
            None => Vec::new(),
        };
        Ok(OutgoingRequest {
            method,
            path,
            headers,
            body,
        })
    }

    fn multipart_request<R: CryptoRngCore + ?Sized>(
        &self,
        path: String,
        parts: &[Part<'_>],
        idempotency_key: Option<&str>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        let (content_type, body) = http::multipart(parts, rng)?;
        let mut headers = self.auth_headers();
        headers.push(("Content-Type".to_owned(), content_type));
        Self::extra_headers(&mut headers, idempotency_key, None)?;
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path,
            headers,
            body,
        })
    }

    /// `POST /v1/cardholders/files` with the field `file` (B2B identity documents).
    pub fn upload_cardholder_file<R: CryptoRngCore + ?Sized>(
        &self,
        file: FileUpload<'_>,
        idempotency_key: Option<&str>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        let part = Part::File {
            name: "file",
            filename: file.filename,
            content_type: file.content_type,
            bytes: file.bytes,
        };
        self.multipart_request(
            "/v1/cardholders/files".to_owned(),
            &[part],
            idempotency_key,
            rng,
        )
    }

    /// `POST /v1/users/{userId}/kyc/documents` with `file` and `type`
    /// (`passport`, `selfie_with_document`, ...).
    pub fn upload_kyc_document<R: CryptoRngCore + ?Sized>(
        &self,
        user_id: &str,
        file: FileUpload<'_>,
        document_type: &str,
        idempotency_key: Option<&str>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        if document_type.is_empty() {
            return Err(Error::invalid_input("document type is empty"));
        }
        let path = http::fill_path("/v1/users/{userId}/kyc/documents", &[("userId", user_id)])?;
        let parts = [
            Part::File {
                name: "file",
                filename: file.filename,
                content_type: file.content_type,
                bytes: file.bytes,
            },
            Part::Text {
                name: "type",
                value: document_type,
            },
        ];
        self.multipart_request(path, &parts, idempotency_key, rng)
    }

    /// Opens a response: 2xx → the JSON body (`null` when empty, as for 204);
    /// `{"error":{code,message,details},"requestId"}` → `api_error` with the
    /// code, message, status, request id, field errors from `details`,
    /// `Retry-After` (seconds, or an HTTP date read against `now_ms`) and the
    /// retry guidance per code; any other non-2xx → `api_error` with the
    /// status. PayCA responses are not signed: provider fields are reported
    /// as not authenticated.
    fn open(&self, msg: &Received<'_>, now_ms: u64) -> Result<Opened> {
        let (status, headers, body) = (msg.status.unwrap_or(200), msg.headers, msg.body);
        let parsed: Option<Value> = if body.iter().all(u8::is_ascii_whitespace) {
            Some(Value::Null)
        } else {
            exact_json::parse(body).ok()
        };
        if (200..300).contains(&status) {
            let data = parsed.ok_or_else(|| Error::malformed("response is not JSON"))?;
            return Ok(Opened::new(msg, data));
        }
        let retry_after = retry_after_ms(headers, now_ms);
        let err = parsed
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(Value::as_object);
        let request_id = parsed
            .as_ref()
            .and_then(|v| v.get("requestId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let (code, message, field_errors) = match err {
            Some(e) => (
                e.get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("ErrUnknown")
                    .to_owned(),
                e.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                e.get("details").and_then(details_to_field_errors),
            ),
            None => {
                let plain = ApiError::from_http(status, body);
                (plain.provider_code, plain.message, None)
            }
        };
        let retryable = code_retryable(&code, Some(status));
        Err(ApiError::new(code, message)
            .with_status(Some(status))
            .with_retryable(retryable)
            .with_retry_after_ms(retry_after)
            .with_request_id(request_id)
            .with_field_errors(field_errors)
            .into())
    }

    fn trace<T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        t: &mut T,
    ) -> Result<WebhookEvent> {
        use crate::explain::{check, note, shown};
        let (headers, body) = (msg.headers, msg.body);
        let sig = check(
            t,
            "x-signature present",
            headers.require(HEADER_SIGNATURE),
            |_| String::new(),
        )?;
        let hex = check(
            t,
            "x-signature is sha256=<hex>",
            sig.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("sha256="))
                .and_then(|_| sig.get(7..))
                .ok_or_else(|| Error::malformed("x-signature is not sha256=<hex>")),
            |_| format!("arrived {sig:?}"),
        )?;
        note(t, "signed bytes: the raw body exactly as received", || {
            shown(body)
        });
        check(
            t,
            "HMAC-SHA256 of the body under the client secret (hex, either case)",
            self.hmac.verify_hex(body, hex),
            |r| match r {
                Ok(()) => "matches".to_owned(),
                Err(_) => format!(
                    "arrived {hex}; the client secret gives {}",
                    self.hmac.mac_hex(body)
                ),
            },
        )?;
        let raw = check(
            t,
            "body is JSON",
            exact_json::parse(body).map_err(|_| Error::malformed("webhook body is not JSON")),
            |_| String::new(),
        )?;
        note(
            t,
            "timestamp is data, not a freshness check: PayCA signs no send time (its resend re-sends old events on purpose)",
            || super::BUSINESS_KEY_FIELDS.times_shown(&raw),
        );
        let delivery_id = match (
            headers.get(HEADER_REQUEST_ID)?,
            headers.get(HEADER_WEBHOOK_IDEMPOTENCY)?,
        ) {
            (Some(id), _) if !id.is_empty() => Some(id.to_owned()),
            (_, Some(k)) if !k.is_empty() => Some(k.to_owned()),
            _ => None,
        };
        let event = Event::from_payload(&raw);
        let event_type = event.type_name().to_owned();
        Ok(WebhookEvent {
            business_key: Some(business_key(&event_type, &raw, &super::BUSINESS_KEY_FIELDS)),
            event_type,
            event,
            raw,
            duplicate: false,
            delivery: self
                .delivery
                .delivery("payca", &self.client_id, Identity::Content(body)),
            delivery_id,
            timestamp_ms: None,
        })
    }
}

impl RequestBuilder for Merchant {
    /// A JSON (or body-less) request: `path` (a template under `/v1/`,
    /// `path_params` filling it), `method`, `query`, `idempotency_key`,
    /// `request_id`. PayCA signs nothing and stamps nothing: `now_ms` and
    /// `rng` are not read.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        _now_ms: u64,
        _rng: &mut R,
    ) -> Result<OutgoingRequest> {
        self.build(req)
    }
}

impl ResponseOpener for Merchant {
    /// 2xx → the JSON body (`null` when empty, as for 204);
    /// `{"error":{code,message,details},"requestId"}` → `api_error` with the
    /// code, message, status, request id, field errors from `details`,
    /// `Retry-After` (seconds, or an HTTP date read against `now_ms`) and the
    /// retry guidance per code; any other non-2xx → `api_error` with the
    /// status. PayCA responses are not signed: `authenticated` is false.
    fn open_response(&self, msg: &Received<'_>, now_ms: u64) -> Result<Opened> {
        self.open(msg, now_ms)
    }
}

impl WebhookReceiver for Merchant {
    type Event = Event;

    /// Verifies a webhook and records it in `guard`: `x-signature:
    /// sha256=<hex>` over the raw body with the client secret, constant
    /// time, hex in either case; then the body is typed. PayCA signs no send
    /// time: a body `timestamp` (cardholder events) says when the status
    /// changed and is data, never a reason to refuse (`/v1/webhooks/resend`
    /// re-sends old events on purpose), so `timestamp_ms` is `None`;
    /// `business_key` (type, object id, status and the event's own time) is
    /// there for your own idempotency beyond the retention. A delivery whose signed body was seen before comes
    /// back with `duplicate = true` (`x-request-id` is not signed, so it is
    /// reported in `delivery_id` but never makes a replay look new).
    fn trace_webhook<T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        trace: &mut T,
    ) -> Result<WebhookEvent> {
        self.trace(msg, trace)
    }

    /// 204 No Content (documented).
    fn webhook_ack(&self) -> OutgoingResponse {
        Merchant::webhook_ack()
    }
}

impl Merchant {
    /// The acknowledgement: 204 No Content (documented).
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// PayCA's error `details` as `{field: [messages]}`, in whichever shape it
/// comes: `{field: message}`, `{field: [messages]}`, or a list of
/// `{field, message}` objects. Anything else is not field errors (`None`).
fn details_to_field_errors(details: &Value) -> Option<FieldErrors> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = FieldErrors::new();
    match details {
        Value::Object(map) => {
            for (field, v) in map {
                let messages = match v {
                    Value::Array(a) => a.iter().map(text).collect(),
                    Value::Null => continue,
                    other => vec![text(other)],
                };
                out.insert(field.clone(), messages);
            }
        }
        Value::Array(items) => {
            for item in items {
                let field = item
                    .get("field")
                    .or_else(|| item.get("name"))
                    .or_else(|| item.get("path"))
                    .map(text)?;
                let message = item
                    .get("message")
                    .or_else(|| item.get("msg"))
                    .or_else(|| item.get("error"))
                    .map(text)
                    .unwrap_or_default();
                out.entry(field).or_default().push(message);
            }
        }
        _ => return None,
    }
    (!out.is_empty()).then_some(out)
}
