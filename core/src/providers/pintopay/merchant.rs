//! PinToPay merchant side.

use rand_core::CryptoRngCore;
use serde_json::Value;

use super::{
    check_path, encrypted_body, encrypted_field, standard_error, HEADER_API_KEY,
    HEADER_IDEMPOTENCY_KEY, IDEMPOTENCY_REQUIRED, PLAIN_ERRORS, TIMESTAMP_FIELD,
};
use crate::contract::{
    MicrosStamp, Opened, Received, Request, RequestBuilder, ResponseOpener, WebhookReceiver,
};
use crate::crypto::secretbox::SecretBoxKey;
use crate::delivery::{business_key, DeliveryConfig, Identity};
use crate::envelope::{check_header_token, Headers, OutgoingRequest, OutgoingResponse, Payload};
use crate::error::{ApiError, Error, Result};
use crate::exact_json;

/// A verified, decrypted PinToPay webhook: `event` and `raw` are the
/// decrypted payload, `event_type` its `type` (empty when it has none: an
/// authentic delivery is still acknowledged).
pub type WebhookEvent = crate::delivery::WebhookEvent<Value>;

/// The merchant side of PinToPay. The secretbox key is derived once, here.
#[derive(Debug, Clone)]
pub struct Merchant {
    api_key: String,
    key: SecretBoxKey,
    delivery: DeliveryConfig,
    validate: bool,
    stamp: MicrosStamp,
}

impl Merchant {
    /// A client for `api_key` / `api_secret` (secret ≥ 8 characters).
    pub fn new(api_key: &str, api_secret: &str) -> Result<Self> {
        check_header_token("api_key", api_key)?;
        Ok(Merchant {
            api_key: api_key.to_owned(),
            key: SecretBoxKey::from_secret(api_secret)?,
            delivery: DeliveryConfig::default(),
            validate: true,
            stamp: MicrosStamp::new(),
        })
    }

    /// Validate payloads against the documented rules before sealing (default on).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// Sets the delivery settings (the retention of delivery keys; PinToPay
    /// signs no send time, so no window applies; see [`crate::delivery`]).
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.delivery = delivery;
        self
    }

    fn build<'p, R: CryptoRngCore + ?Sized>(
        &self,
        validate: bool,
        path: &str,
        payload: impl Into<Payload<'p>>,
        timestamp_us: u64,
        idempotency_key: Option<&str>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        check_path(path)?;
        if let Some(k) = idempotency_key {
            check_header_token("idempotency_key", k)?;
        } else if IDEMPOTENCY_REQUIRED.contains(&path) {
            return Err(Error::IdempotencyKeyRequired);
        }
        let mut obj = payload.into().to_exact_object()?;
        if validate {
            let today = crate::validate::date_from_unix_seconds(timestamp_us / 1_000_000);
            crate::registry::check_payload(
                crate::registry::Provider::PinToPay,
                path,
                &obj.to_value(),
                Some(&today),
            )?;
        }
        obj.insert_raw(TIMESTAMP_FIELD, timestamp_us.to_string())?;
        let plaintext = obj.to_bytes();
        let body = encrypted_body(&self.key.seal_b64(&plaintext, rng)?);
        let mut headers = vec![
            (HEADER_API_KEY.to_owned(), self.api_key.clone()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        if let Some(k) = idempotency_key {
            headers.push((HEADER_IDEMPOTENCY_KEY.to_owned(), k.to_owned()));
        }
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path: path.to_owned(),
            headers,
            body,
        })
    }

    fn open(&self, body: &[u8], status: Option<u16>) -> Result<Value> {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        if let Some(v) = &parsed {
            if let Some(b64) = v.get("encrypted").and_then(Value::as_str) {
                let plain = self.key.open_b64(b64)?;
                let data: Value = exact_json::parse(&plain)
                    .map_err(|_| Error::malformed("decrypted response is not JSON"))?;
                if let Some(err) = standard_error(&data, status) {
                    return Err(err);
                }
                if status.is_some_and(|s| !(200..300).contains(&s)) {
                    return Err(ApiError::new(
                        status.map(|s| s.to_string()).unwrap_or_default(),
                        "",
                    )
                    .with_status(status)
                    .with_retryable(status.is_some_and(|s| s == 429 || s >= 500))
                    .into());
                }
                return Ok(data);
            }
            if let Some(err) = standard_error(v, status) {
                return Err(err);
            }
        }
        let text = String::from_utf8_lossy(body);
        for (message, code, http, retryable) in PLAIN_ERRORS {
            if text.contains(message) {
                return Err(ApiError::new(*code, *message)
                    .with_status(status.or(Some(*http)))
                    .with_retryable(*retryable)
                    .into());
            }
        }
        if let Some(s) = status.filter(|s| !(200..300).contains(s)) {
            return Err(ApiError::from_http(s, body).into());
        }
        Err(Error::malformed(
            "response is neither encrypted nor a documented error",
        ))
    }

    fn trace<T: crate::explain::Tracer + ?Sized>(
        &self,
        headers: &Headers,
        body: &[u8],
        t: &mut T,
    ) -> Result<WebhookEvent> {
        use crate::explain::{check, note, shown};
        let given = headers.get(HEADER_API_KEY)?;
        check(
            t,
            "API-KEY header, when present, is this client's",
            match given {
                Some(k) if k != self.api_key => {
                    Err(Error::malformed("API-KEY header is not this client's key"))
                }
                _ => Ok(()),
            },
            |_| crate::explain::arrived(given),
        )?;
        let b64 = check(
            t,
            "body is {\"encrypted\": \"<Base64>\"}",
            encrypted_field(body)
                .and_then(|f| f.ok_or_else(|| Error::malformed("body has no encrypted field"))),
            |_| shown(body),
        )?;
        let plain = check(
            t,
            "envelope 0x02 ‖ nonce ‖ XSalsa20-Poly1305 opens with SHA-256(api secret) (the MAC is the signature)",
            self.key.open_b64(&b64),
            |r| match r {
                Ok(p) => format!("{} bytes of plaintext", p.len()),
                Err(e) => format!("{e}"),
            },
        )?;
        let data = check(
            t,
            "plaintext is a JSON object",
            exact_json::parse(&plain)
                .map_err(|_| Error::malformed("decrypted webhook is not JSON"))
                .and_then(|d| {
                    if d.is_object() {
                        Ok(d)
                    } else {
                        Err(Error::malformed("decrypted webhook is not a JSON object"))
                    }
                }),
            |_| shown(&plain),
        )?;
        check(
            t,
            "not a request-shaped payload (no request_timestamp: a reflected request is refused)",
            if data.get(TIMESTAMP_FIELD).is_some() {
                Err(Error::malformed(
                    "a request-shaped payload (request_timestamp) is not a webhook: refused as a reflected request",
                ))
            } else {
                Ok(())
            },
            |_| String::new(),
        )?;
        let event_type = data
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        note(
            t,
            "event times (timestamp, created_at, event_time, ...) are data, not a freshness check: PinToPay signs no send time",
            || super::BUSINESS_KEY_FIELDS.times_shown(&data),
        );
        let business_key = business_key(&event_type, &data, &super::BUSINESS_KEY_FIELDS);
        let delivery = self
            .delivery
            .delivery("pintopay", &self.api_key, Identity::Content(&plain));
        Ok(WebhookEvent {
            event_type,
            event: data.clone(),
            raw: data,
            duplicate: false,
            delivery,
            delivery_id: None,
            timestamp_ms: None,
            business_key: Some(business_key),
        })
    }

    /// The acknowledgement: HTTP 200, plain JSON `{"success": true}`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "application/json", b"{\"success\":true}".to_vec())
    }
}

impl RequestBuilder for Merchant {
    /// Seals a POST to `path` (under `/api/v1/`). The payload must be a JSON
    /// object; `request_timestamp` (microseconds) is set at its root, next to
    /// the caller's fields. `Idempotency-Key` is required on `cards/create`
    /// and `cards/topup` and accepted anywhere.
    /// `request_timestamp` is `req.timestamp` (microseconds) or made from
    /// `now_ms`, strictly increasing per merchant ([`MicrosStamp`]): two
    /// requests in one millisecond never share one.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        req.refuse_unused("PinToPay", &["idempotency_key", "timestamp"])?;
        let ts = match req.timestamp {
            Some(t) => t,
            None => self.stamp.next(now_ms),
        };
        self.build(
            req.validate.unwrap_or(self.validate),
            req.path,
            req.payload.unwrap_or(Payload::Bytes(b"{}")),
            ts,
            req.idempotency_key,
            rng,
        )
    }
}

impl ResponseOpener for Merchant {
    /// Opens a response. `{"encrypted": ...}` is decrypted (a failing MAC is
    /// `decrypt_failed`); a standard error `{success:false, error, error_slug}`,
    /// encrypted or plain, is an `api_error` with the slug, status and
    /// retryable flag; the unencrypted authentication and encryption errors
    /// are recognised by their text. A plain body that is not an error is
    /// `malformed_envelope`: success data is only trusted when encrypted.
    /// The secretbox MAC authenticates success data: `authenticated` is true.
    fn open_response(&self, msg: &Received<'_>, _now_ms: u64) -> Result<Opened> {
        let data = self.open(msg.body, msg.status)?;
        let mut o = Opened::new(msg, data);
        o.authenticated = true;
        Ok(o)
    }
}

impl WebhookReceiver for Merchant {
    type Event = Value;

    /// Verifies and opens a webhook, and records it in `guard`: the body is
    /// `{"encrypted": ...}` sealed with this client's key (the MAC is the
    /// authenticity; there is no separate signature). An `API-KEY` header,
    /// when present, must be this client's. A request-shaped payload (one
    /// carrying `request_timestamp`) is refused: the merchant's own requests
    /// are sealed with the same key, and one captured and posted to the
    /// webhook URL must not come back as an event. PinToPay signs no send
    /// time: the payload's own times (`timestamp`, `created_at`,
    /// `event_time`, ...) are data, never a reason to refuse, whatever their
    /// format or age, and `timestamp_ms` is `None`; `business_key` (type,
    /// object id, status and the event's own time, as received) is there for
    /// your own idempotency beyond the retention. A payload without `type` is returned
    /// with an empty `event_type`. A delivery whose decrypted payload was
    /// seen before comes back with `duplicate = true`; two different events
    /// are never confused, even when they share a type and a time.
    fn trace_webhook<T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        trace: &mut T,
    ) -> Result<WebhookEvent> {
        self.trace(msg.headers, msg.body, trace)
    }

    /// The acknowledgement the provider expects.
    fn webhook_ack(&self) -> OutgoingResponse {
        Merchant::webhook_ack()
    }
}
