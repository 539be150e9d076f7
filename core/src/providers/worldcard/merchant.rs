//! WorldCard merchant side.

use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::Value;

use super::{
    check_path, data_body, decode_signature, parse_data_body, sign_input, Event, WebhookEvent,
    HEADER_APP_ID, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, SENSITIVE_FIELDS,
};
use crate::crypto::aes_gcm::AesGcmKey;
use crate::crypto::rsa_pss::{self, PssSaltPolicy};
use crate::encoding;
use crate::envelope::{
    check_header_token, parse_timestamp, transform_string_fields, Headers, OutgoingRequest,
    OutgoingResponse, Payload, ReplayGuard, Seen, Window,
};
use crate::error::{ApiError, Error, Result};
use crate::keys::{AesKey, RsaPrivateKey, RsaPublicKey};

/// A merchant's key material, parsed once.
#[derive(Debug, Clone)]
pub struct MerchantKeys {
    /// `X-App-Id`, assigned by WorldCard.
    pub app_id: String,
    /// The merchant's RSA private key (signs requests).
    pub private_key: RsaPrivateKey,
    /// The merchant's AES-256 key (request bodies, webhooks, card fields).
    pub aes_key: AesKey,
    /// WorldCard's public key (verifies webhooks). Needed only for webhooks.
    pub platform_public_key: Option<RsaPublicKey>,
}

/// Named settings for the merchant side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MerchantConfig {
    /// Freshness window for webhooks. Off by default: the document sets no
    /// window for webhooks and does not say whether retries are re-signed, so a
    /// window would reject genuine redeliveries. `Some(Window::FIVE_MINUTES)`
    /// turns on the ±5 minutes the request side uses.
    pub webhook_window: Option<Window>,
    /// PSS salt lengths accepted on webhooks: auto-detect (default) or exactly 32.
    pub pss_salt: PssSaltPolicy,
    /// How long a webhook nonce is remembered for duplicate detection.
    /// Default 48 hours: WorldCard retries 10 times over about 32 hours.
    pub webhook_dedup_ttl_ms: u64,
    /// Validate payloads against the documented rules before building a
    /// request (default on; `build_request_unvalidated` skips it per call).
    pub validate_requests: bool,
}

impl Default for MerchantConfig {
    fn default() -> Self {
        MerchantConfig {
            webhook_window: None,
            pss_salt: PssSaltPolicy::AutoDetect,
            webhook_dedup_ttl_ms: 48 * 60 * 60 * 1000,
            validate_requests: true,
        }
    }
}

impl MerchantConfig {
    /// Sets [`webhook_window`](Self::webhook_window).
    #[must_use]
    pub fn with_webhook_window(mut self, window: Option<Window>) -> Self {
        self.webhook_window = window;
        self
    }

    /// Sets [`pss_salt`](Self::pss_salt).
    #[must_use]
    pub fn with_pss_salt(mut self, policy: PssSaltPolicy) -> Self {
        self.pss_salt = policy;
        self
    }

    /// Sets [`validate_requests`](Self::validate_requests).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate_requests = on;
        self
    }

    /// Sets [`webhook_dedup_ttl_ms`](Self::webhook_dedup_ttl_ms).
    #[must_use]
    pub fn with_webhook_dedup_ttl_ms(mut self, ttl_ms: u64) -> Self {
        self.webhook_dedup_ttl_ms = ttl_ms;
        self
    }
}

/// The time and nonce of one request: inputs, never read from the host here.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    /// Unix seconds (`X-Timestamp` on requests).
    pub unix_seconds: u64,
    /// `X-Nonce`: unique per request (a UUID or random hex).
    pub nonce: &'a str,
}

/// An opened WorldCard response: `code` 0, with sensitive fields decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Response {
    /// Always 0 here (anything else is an `api_error`).
    pub code: i64,
    /// The platform's message (`"success"`).
    pub message: String,
    /// `data`, with `card_number`, `cvv`, `expiry_month`, `expiry_year`
    /// decrypted wherever non-empty. `None` when absent or null.
    pub data: Option<Value>,
}

/// The merchant side of the WorldCard `Card/*` API. Construct once, reuse.
#[derive(Debug, Clone)]
pub struct Merchant {
    app_id: String,
    private_key: RsaPrivateKey,
    aes: AesGcmKey,
    platform_public_key: Option<RsaPublicKey>,
    config: MerchantConfig,
}

impl Merchant {
    /// A merchant with the default settings.
    pub fn new(keys: MerchantKeys) -> Result<Self> {
        Self::with_config(keys, MerchantConfig::default())
    }

    /// A merchant with the given settings.
    pub fn with_config(keys: MerchantKeys, config: MerchantConfig) -> Result<Self> {
        check_header_token("app_id", &keys.app_id)?;
        Ok(Merchant {
            app_id: keys.app_id,
            private_key: keys.private_key,
            aes: AesGcmKey::new(&keys.aes_key),
            platform_public_key: keys.platform_public_key,
            config,
        })
    }

    /// The `X-App-Id`.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The settings in force.
    pub fn config(&self) -> &MerchantConfig {
        &self.config
    }

    /// Builds a signed, encrypted POST for `path` (under `/api/v1/card/`).
    ///
    /// The payload (bytes and text are checked to be JSON and otherwise passed
    /// through untouched) is AES-256-GCM encrypted into `{"data":"<b64>"}`;
    /// the signature is RSA-PSS-SHA256 (salt 32) over `body ‖ timestamp ‖ nonce`.
    ///
    /// The payload is validated against the documented rules first
    /// (`validation_failed` lists every violation), unless turned off in the
    /// config; age rules use the request's own date.
    pub fn build_request<'p, R: CryptoRngCore + ?Sized>(
        &self,
        path: &str,
        payload: impl Into<Payload<'p>>,
        stamp: Stamp<'_>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        self.build(
            path,
            payload.into(),
            stamp,
            rng,
            self.config.validate_requests,
        )
    }

    /// [`build_request`](Self::build_request) without validation, for this call.
    pub fn build_request_unvalidated<'p, R: CryptoRngCore + ?Sized>(
        &self,
        path: &str,
        payload: impl Into<Payload<'p>>,
        stamp: Stamp<'_>,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        self.build(path, payload.into(), stamp, rng, false)
    }

    fn build<R: CryptoRngCore + ?Sized>(
        &self,
        path: &str,
        payload: Payload<'_>,
        stamp: Stamp<'_>,
        rng: &mut R,
        validate: bool,
    ) -> Result<OutgoingRequest> {
        check_path(path)?;
        check_header_token("nonce", stamp.nonce)?;
        let plaintext = payload.to_json_bytes()?;
        if validate {
            let today = crate::validate::date_from_unix_seconds(stamp.unix_seconds);
            crate::validate::check_bytes(
                crate::validate::Provider::WorldCard,
                path,
                &plaintext,
                Some(&today),
            )?;
        }
        let b64 = self.aes.seal_b64(&plaintext, rng)?;
        let body = data_body(&b64);
        let timestamp = stamp.unix_seconds.to_string();
        let signature = rsa_pss::sign(
            &self.private_key,
            &sign_input(&body, &timestamp, stamp.nonce),
            rng,
        )?;
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path: path.to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                (HEADER_APP_ID.to_owned(), self.app_id.clone()),
                (
                    HEADER_SIGNATURE.to_owned(),
                    encoding::b64_encode(&signature),
                ),
                (HEADER_TIMESTAMP.to_owned(), timestamp),
                (HEADER_NONCE.to_owned(), stamp.nonce.to_owned()),
            ],
            body,
        })
    }

    /// Decrypts one AES-GCM field (`Base64(nonce ‖ ciphertext ‖ tag)`) to text.
    pub fn decrypt_field(&self, value: &str) -> Result<String> {
        let plain = self.aes.open_b64(value)?;
        String::from_utf8(plain).map_err(|_| Error::malformed("decrypted field is not UTF-8"))
    }

    /// Encrypts one field for fields the documents mark "transmit encrypted"
    /// (`pin`, `card_number` on assign), when field-level encryption is wanted.
    /// The flow examples send them in plain text inside the encrypted body.
    pub fn encrypt_field<R: CryptoRngCore + ?Sized>(
        &self,
        value: &str,
        rng: &mut R,
    ) -> Result<String> {
        self.aes.seal_b64(value.as_bytes(), rng)
    }

    /// Opens a response body. `code != 0` is an `api_error` with the code and
    /// message; `data` may be null or absent; the sensitive fields are
    /// decrypted wherever non-empty, whatever the card status. `status` is the
    /// HTTP status, when known: a non-2xx answer that is not the JSON envelope
    /// becomes an `api_error` carrying it.
    pub fn open_response(&self, body: &[u8], status: Option<u16>) -> Result<Response> {
        let http_ok = status.is_none_or(|s| (200..300).contains(&s));
        let parsed: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) if !http_ok => return Err(http_error(body, status)),
            Err(_) => return Err(Error::malformed("response is not JSON")),
        };
        let Some(obj) = parsed.as_object() else {
            if !http_ok {
                return Err(http_error(body, status));
            }
            return Err(Error::malformed("response is not a JSON object"));
        };
        let code = match obj.get("code") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        let message = obj
            .get("message")
            .or_else(|| obj.get("msg"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(code) = code else {
            if !http_ok {
                return Err(http_error(body, status));
            }
            return Err(Error::malformed("response has no integer code"));
        };
        if code != 0 || !http_ok {
            let provider_code = if code != 0 {
                code.to_string()
            } else {
                status.map(|s| s.to_string()).unwrap_or_default()
            };
            let retryable = code == 1004 || status.is_some_and(|s| s == 429 || s >= 500);
            return Err(ApiError::new(provider_code, message)
                .with_status(status)
                .with_retryable(retryable)
                .into());
        }
        let data = match obj.get("data") {
            None | Some(Value::Null) => None,
            Some(d) => Some(self.decrypt_sensitive(d.clone())?),
        };
        Ok(Response {
            code,
            message,
            data,
        })
    }

    fn decrypt_sensitive(&self, mut data: Value) -> Result<Value> {
        if let Value::Object(map) = &mut data {
            transform_string_fields(map, SENSITIVE_FIELDS, |s| self.decrypt_field(s))?;
        }
        Ok(data)
    }

    /// Verifies and decrypts a webhook delivery.
    ///
    /// Order: required headers → signature (WorldCard public key, salt
    /// auto-detected) → freshness (only when configured) → decryption →
    /// duplicate check. A nonce seen before yields the event with
    /// `duplicate = true`: acknowledge it and skip the work. Nothing is
    /// returned from a delivery whose signature or tag fails.
    pub fn verify_webhook<G: ReplayGuard + ?Sized>(
        &self,
        headers: &Headers,
        body: &[u8],
        now_ms: u64,
        guard: &mut G,
    ) -> Result<WebhookEvent> {
        let signature = headers.require(HEADER_SIGNATURE)?;
        let timestamp = headers.require(HEADER_TIMESTAMP)?;
        let nonce = headers.require(HEADER_NONCE)?;
        let ts_ms = parse_timestamp(timestamp)?;
        let signature = decode_signature(signature)?;
        let public_key = self.platform_public_key.as_ref().ok_or(Error::InvalidKey {
            reason: "verifying webhooks needs the WorldCard platform public key",
        })?;
        rsa_pss::verify(
            public_key,
            &sign_input(body, timestamp, nonce),
            &signature,
            self.config.pss_salt,
        )?;
        if let Some(window) = self.config.webhook_window {
            window.check(ts_ms, now_ms)?;
        }
        let data = parse_data_body(body)?;
        let plaintext = self.aes.open_b64(&data)?;
        let raw: Value = serde_json::from_slice(&plaintext)
            .map_err(|_| Error::malformed("decrypted webhook is not JSON"))?;
        if !raw.is_object() {
            return Err(Error::malformed("decrypted webhook is not a JSON object"));
        }
        let event = Event::from_payload(&raw);
        let notify_type = raw
            .get("notify_type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let key = format!("worldcard:webhook:{}:{nonce}", self.app_id);
        let duplicate =
            guard.check_and_record(&key, now_ms, self.config.webhook_dedup_ttl_ms) == Seen::Again;
        Ok(WebhookEvent {
            notify_type,
            event,
            raw,
            duplicate,
            delivery_id: nonce.to_owned(),
            timestamp_ms: ts_ms,
        })
    }

    /// The acknowledgement WorldCard expects: HTTP 200, plain-text body `ok`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "text/plain", b"ok".to_vec())
    }
}

fn http_error(body: &[u8], status: Option<u16>) -> Error {
    // Only called with a non-2xx status.
    ApiError::from_http(status.unwrap_or(500), body).into()
}
