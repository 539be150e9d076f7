//! PinToPay merchant side.

use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{
    check_path, encrypted_body, encrypted_field, standard_error, HEADER_API_KEY,
    HEADER_IDEMPOTENCY_KEY, IDEMPOTENCY_REQUIRED, PLAIN_ERRORS, TIMESTAMP_FIELD,
};
use crate::crypto::secretbox::SecretBoxKey;
use crate::encoding;
use crate::envelope::{
    check_header_token, Headers, OutgoingRequest, OutgoingResponse, Payload, ReplayGuard, Seen,
};
use crate::error::{ApiError, Error, Result};

/// A verified, decrypted PinToPay webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The payload's `type`.
    pub event_type: String,
    /// The decrypted payload.
    pub data: Value,
    /// `true` when this (type, timestamp) was seen before: acknowledge, skip the work.
    pub duplicate: bool,
    /// The deduplication key: `type:timestamp`, or `type:sha256(payload)` when
    /// the payload has no timestamp field.
    pub delivery_id: String,
}

/// The merchant side of PinToPay. The secretbox key is derived once, here.
#[derive(Debug, Clone)]
pub struct Merchant {
    api_key: String,
    key: SecretBoxKey,
    dedup_ttl_ms: u64,
    validate: bool,
}

impl Merchant {
    /// A client for `api_key` / `api_secret` (secret ≥ 8 characters).
    pub fn new(api_key: &str, api_secret: &str) -> Result<Self> {
        check_header_token("api_key", api_key)?;
        Ok(Merchant {
            api_key: api_key.to_owned(),
            key: SecretBoxKey::from_secret(api_secret)?,
            dedup_ttl_ms: 48 * 60 * 60 * 1000,
            validate: true,
        })
    }

    /// Validate payloads against the documented rules before sealing (default on).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// How long webhook delivery keys are remembered (default 48 h).
    #[must_use]
    pub fn with_webhook_dedup_ttl_ms(mut self, ttl_ms: u64) -> Self {
        self.dedup_ttl_ms = ttl_ms;
        self
    }

    /// Seals a POST to `path` (under `/api/v1/`). The payload must be a JSON
    /// object; `request_timestamp` (microseconds) is set at its root, next to
    /// the caller's fields. `Idempotency-Key` is required on `cards/create`
    /// and `cards/topup` and accepted anywhere.
    pub fn build_request<'p, R: CryptoRngCore + ?Sized>(
        &self,
        path: &str,
        payload: impl Into<Payload<'p>>,
        timestamp_us: u64,
        idempotency_key: Option<&str>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        self.build(
            self.validate,
            path,
            payload,
            timestamp_us,
            idempotency_key,
            rng,
        )
    }

    /// [`build_request`](Self::build_request) without validation, for this call.
    pub fn build_request_unvalidated<'p, R: CryptoRngCore + ?Sized>(
        &self,
        path: &str,
        payload: impl Into<Payload<'p>>,
        timestamp_us: u64,
        idempotency_key: Option<&str>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        self.build(false, path, payload, timestamp_us, idempotency_key, rng)
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
        let mut obj = payload.into().to_object()?;
        if validate {
            let today = crate::validate::date_from_unix_seconds(timestamp_us / 1_000_000);
            obj = crate::validate::check_map(
                crate::validate::Provider::PinToPay,
                path,
                obj,
                Some(&today),
            )?;
        }
        obj.insert(TIMESTAMP_FIELD.to_owned(), Value::from(timestamp_us));
        let plaintext = serde_json::to_vec(&Value::Object(obj))
            .map_err(|_| Error::invalid_input("payload cannot be serialized"))?;
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

    /// Opens a response. `{"encrypted": ...}` is decrypted (a failing MAC is
    /// `decrypt_failed`); a standard error `{success:false, error, error_slug}`,
    /// encrypted or plain, is an `api_error` with the slug, status and
    /// retryable flag; the unencrypted authentication and encryption errors
    /// are recognised by their text. A plain body that is not an error is
    /// `malformed_envelope`: success data is only trusted when encrypted.
    pub fn open_response(&self, body: &[u8], status: Option<u16>) -> Result<Value> {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        if let Some(v) = &parsed {
            if let Some(b64) = v.get("encrypted").and_then(Value::as_str) {
                let plain = self.key.open_b64(b64)?;
                let data: Value = serde_json::from_slice(&plain)
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

    /// Verifies and opens a webhook: the body is `{"encrypted": ...}` sealed
    /// with this client's key (the MAC is the authenticity; there is no
    /// separate signature). An `API-KEY` header, when present, must be this
    /// client's. A payload without `type` is `malformed_envelope`. A repeated
    /// (type, timestamp) comes back with `duplicate = true`.
    pub fn verify_webhook<G: ReplayGuard + ?Sized>(
        &self,
        headers: &Headers,
        body: &[u8],
        now_ms: u64,
        guard: &mut G,
    ) -> Result<WebhookEvent> {
        if let Some(k) = headers.get(HEADER_API_KEY)? {
            if k != self.api_key {
                return Err(Error::malformed("API-KEY header is not this client's key"));
            }
        }
        let b64 = encrypted_field(body)?
            .ok_or_else(|| Error::malformed("body has no encrypted field"))?;
        let plain = self.key.open_b64(&b64)?;
        let data: Value = serde_json::from_slice(&plain)
            .map_err(|_| Error::malformed("decrypted webhook is not JSON"))?;
        let event_type = data
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::malformed("webhook payload has no type"))?
            .to_owned();
        let stamp = ["timestamp", "request_timestamp", "created_at", "event_time"]
            .iter()
            .find_map(|f| match data.get(*f) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| encoding::hex_encode(&Sha256::digest(&plain)));
        let delivery_id = format!("{event_type}:{stamp}");
        let duplicate = guard.check_and_record(
            &format!("pintopay:webhook:{}:{delivery_id}", self.api_key),
            now_ms,
            self.dedup_ttl_ms,
        ) == Seen::Again;
        Ok(WebhookEvent {
            event_type,
            data,
            duplicate,
            delivery_id,
        })
    }

    /// The acknowledgement: HTTP 200, plain JSON `{"success": true}`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "application/json", b"{\"success\":true}".to_vec())
    }
}
