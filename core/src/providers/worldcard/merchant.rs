//! WorldCard merchant side.

use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::Value;

use super::{
    check_path, data_body, decode_signature, parse_data_body, request_sign_input, sign_input,
    Event, WebhookEvent, HEADER_APP_ID, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    SENSITIVE_FIELDS,
};
use crate::contract::{
    random_hex, Opened, Received, Request, RequestBuilder, ResponseOpener, WebhookReceiver,
};
use crate::crypto::aes_gcm::AesGcmKey;
use crate::crypto::keys::{AesKey, RsaPrivateKey, RsaPublicKey};
use crate::crypto::rsa_pss::{self, PssSaltPolicy};
use crate::crypto::signer::{Prepared, SignAlgorithm, SignMode};
use crate::delivery::{business_key, DeliveryConfig, Identity};
use crate::encoding;
use crate::envelope::{check_header_token, Headers, OutgoingRequest, OutgoingResponse, Payload};
use crate::error::{ApiError, Error, Result};
use crate::exact_json;
use crate::time::parse_timestamp;

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
    /// Webhook deliveries: how long nonces are remembered (default 48 h;
    /// WorldCard retries up to 10 times over about 32 hours) and the window
    /// on the signed `X-Timestamp` (default: ± the retention, so a delivery
    /// the store has forgotten is refused rather than taken for new; the
    /// document sets no webhook window and does not say whether retries are
    /// re-signed, so a tight window would refuse genuine redeliveries).
    /// See [`crate::delivery`].
    pub delivery: DeliveryConfig,
    /// PSS salt lengths accepted on webhooks: auto-detect (default) or exactly 32.
    pub pss_salt: PssSaltPolicy,
    /// Validate payloads against the documented rules before building a
    /// request (default on; `build_request_unvalidated` skips it per call).
    pub validate_requests: bool,
}

impl Default for MerchantConfig {
    fn default() -> Self {
        MerchantConfig {
            delivery: DeliveryConfig::default(),
            pss_salt: PssSaltPolicy::AutoDetect,
            validate_requests: true,
        }
    }
}

impl MerchantConfig {
    /// Sets the delivery settings (retention and webhook window).
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.delivery = delivery;
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
}

/// The time and nonce of one request: inputs, never read from the host here.
#[derive(Debug, Clone, Copy)]
struct Stamp<'a> {
    /// Unix seconds (`X-Timestamp` on requests).
    pub unix_seconds: u64,
    /// `X-Nonce`: unique per request (a UUID or random hex).
    pub nonce: &'a str,
}

/// An opened WorldCard response: `code` 0, with sensitive fields decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Response {
    /// Always 0 here (anything else is an `api_error`).
    pub code: i64,
    /// The platform's message (`"success"`).
    pub message: String,
    /// `data`, with `card_number`, `cvv`, `expiry_month`, `expiry_year`
    /// decrypted wherever non-empty. `None` when absent or null.
    pub data: Option<Value>,
    /// Sensitive fields that arrived in clear rather than encrypted, passed
    /// through unchanged (the document's own physical `get_info` example
    /// shows `card_number` in clear). A value that looks like a ciphertext
    /// (Base64 of at least 28 bytes) is always decrypted, and a failing tag
    /// is always `decrypt_failed`.
    pub unencrypted_fields: Vec<String>,
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
        check_header_token("app_id", &keys.app_id)?;
        Ok(Merchant {
            app_id: keys.app_id,
            private_key: keys.private_key,
            aes: AesGcmKey::new(&keys.aes_key),
            platform_public_key: keys.platform_public_key,
            config: MerchantConfig::default(),
        })
    }

    /// The same merchant with these settings.
    #[must_use]
    pub fn with_config(mut self, config: MerchantConfig) -> Self {
        self.config = config;
        self
    }

    /// The same merchant with validation on or off (see [`MerchantConfig`]).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.config.validate_requests = on;
        self
    }

    /// The same merchant with these delivery settings (see [`MerchantConfig`]).
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.config.delivery = delivery;
        self
    }

    /// The `X-App-Id`.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The settings in force.
    pub fn config(&self) -> &MerchantConfig {
        &self.config
    }

    /// The request's payload, validation setting and stamp (`X-Timestamp`
    /// from `req.timestamp` in seconds or `now_ms`; `X-Nonce` from
    /// `req.nonce` or 16 random bytes as hex).
    fn parts<'r, R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'r>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<(Payload<'r>, bool, u64, String)> {
        req.refuse_unused("WorldCard", &["nonce", "timestamp"])?;
        let nonce = match req.nonce {
            Some(n) => n.to_owned(),
            None => random_hex(rng, 16)?,
        };
        Ok((
            req.payload.unwrap_or(Payload::Bytes(b"{}")),
            req.validate.unwrap_or(self.config.validate_requests),
            req.timestamp.unwrap_or(now_ms / 1000),
            nonce,
        ))
    }

    /// [`build_request`](RequestBuilder::build_request) for a key held
    /// outside the process (HSM, KMS, WebCrypto): everything but the
    /// signature. Sign [`Prepared::sign_input`] with RSA-PSS-SHA256, salt
    /// 32, and [`Prepared::finish`] checks it with the merchant's public key
    /// and returns the request.
    pub fn prepare_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<Prepared<OutgoingRequest>> {
        let (payload, validate, ts, nonce) = self.parts(req, now_ms, rng)?;
        let stamp = Stamp {
            unix_seconds: ts,
            nonce: &nonce,
        };
        let (request, input) =
            self.build(req.path, payload, stamp, rng, validate, SignMode::Defer)?;
        Ok(Prepared::new(
            request,
            input,
            SignAlgorithm::RsaPssSha256,
            HEADER_SIGNATURE,
            self.private_key.public_key(),
        ))
    }

    /// Finishes a request whose signature header is empty (a
    /// [`prepare_request`](Self::prepare_request) result that crossed a
    /// language boundary): the sign input is worked out again from the
    /// request itself, the signature checked, then set.
    pub fn finish_request(
        &self,
        mut request: OutgoingRequest,
        signature: &[u8],
    ) -> Result<OutgoingRequest> {
        let input = request_sign_input(&request.headers, &request.body)?;
        crate::crypto::signer::finish_headers(
            &mut request.headers,
            HEADER_SIGNATURE,
            SignAlgorithm::RsaPssSha256,
            self.private_key.public_half(),
            &input,
            signature,
        )?;
        Ok(request)
    }

    fn build<R: CryptoRngCore + ?Sized>(
        &self,
        path: &str,
        payload: Payload<'_>,
        stamp: Stamp<'_>,
        rng: &mut R,
        validate: bool,
        mode: SignMode<'_>,
    ) -> Result<(OutgoingRequest, Vec<u8>)> {
        check_path(path)?;
        check_header_token("nonce", stamp.nonce)?;
        let plaintext = payload.to_json_bytes()?;
        if validate {
            let today = crate::validate::date_from_unix_seconds(stamp.unix_seconds);
            crate::registry::check_bytes(
                crate::registry::Provider::WorldCard,
                path,
                &plaintext,
                Some(&today),
            )?;
        }
        let b64 = self.aes.seal_b64(&plaintext, rng)?;
        let body = data_body(&b64);
        let timestamp = stamp.unix_seconds.to_string();
        let input = sign_input(&body, &timestamp, stamp.nonce);
        let signature = mode.sign(SignAlgorithm::RsaPssSha256, &input, rng)?;
        let request = OutgoingRequest {
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
        };
        Ok((request, input))
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
    fn open(&self, body: &[u8], status: Option<u16>) -> Result<Response> {
        let http_ok = status.is_none_or(|s| (200..300).contains(&s));
        let parsed: Value = match exact_json::parse(body) {
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
            let retryable = super::RETRYABLE_CODES.contains(&code)
                || status.is_some_and(|s| s == 429 || s >= 500);
            return Err(ApiError::new(provider_code, message)
                .with_status(status)
                .with_retryable(retryable)
                .into());
        }
        let mut unencrypted_fields = Vec::new();
        let data = match obj.get("data") {
            None | Some(Value::Null) => None,
            Some(d) => Some(self.decrypt_sensitive(d.clone(), &mut unencrypted_fields)?),
        };
        Ok(Response {
            code,
            message,
            data,
            unencrypted_fields,
        })
    }

    /// Decrypts the sensitive fields of `data` in place; a field that is not
    /// a ciphertext at all (not Base64, or shorter than nonce + tag) is kept
    /// as sent and named in `clear`.
    fn decrypt_sensitive(&self, mut data: Value, clear: &mut Vec<String>) -> Result<Value> {
        if let Value::Object(map) = &mut data {
            for name in SENSITIVE_FIELDS {
                if let Some(Value::String(s)) = map.get_mut(*name) {
                    if s.is_empty() {
                        continue;
                    }
                    if AesGcmKey::looks_sealed(s) {
                        *s = self.decrypt_field(s)?;
                    } else {
                        clear.push((*name).to_owned());
                    }
                }
            }
        }
        Ok(data)
    }

    fn trace<T: crate::explain::Tracer + ?Sized>(
        &self,
        headers: &Headers,
        body: &[u8],
        now_ms: u64,
        t: &mut T,
    ) -> Result<WebhookEvent> {
        use crate::explain::{check, note, shown};
        let (signature, timestamp, nonce) = check(
            t,
            "headers X-Signature, X-Timestamp, X-Nonce present",
            (|| {
                Ok((
                    headers.require(HEADER_SIGNATURE)?,
                    headers.require(HEADER_TIMESTAMP)?,
                    headers.require(HEADER_NONCE)?,
                ))
            })(),
            |r| match r {
                Ok(_) => String::new(),
                Err(e) => format!("{e}"),
            },
        )?;
        let app_id = headers.get(HEADER_APP_ID)?;
        check(
            t,
            "X-App-Id, when present, is this merchant's",
            match app_id {
                Some(id) if id != self.app_id => Err(Error::UnknownMerchant),
                _ => Ok(()),
            },
            |r| {
                match r {
                Ok(()) => crate::explain::arrived(app_id),
                Err(_) => format!(
                    "{}, this merchant is {:?}: a webhook for another app (check the callback URL configured for each app)",
                    crate::explain::arrived(app_id),
                    self.app_id
                ),
            }
            },
        )?;
        let ts_ms = check(
            t,
            "X-Timestamp is Unix milliseconds",
            parse_timestamp(timestamp),
            |_| format!("arrived {timestamp:?}"),
        )?;
        let signature = check(
            t,
            "X-Signature is Base64",
            decode_signature(signature),
            |_| String::new(),
        )?;
        let public_key = check(
            t,
            "the WorldCard platform public key is configured",
            self.platform_public_key.as_ref().ok_or(Error::InvalidKey {
                reason: "verifying webhooks needs the WorldCard platform public key",
            }),
            |_| String::new(),
        )?;
        let input = sign_input(body, timestamp, nonce);
        note(
            t,
            "signed text: raw body ‖ X-Timestamp ‖ X-Nonce (no separators)",
            || shown(&input),
        );
        check(
            t,
            "signature: RSA-PSS-SHA256 with the platform's public key",
            rsa_pss::verify(public_key, &input, &signature, self.config.pss_salt),
            |r| {
                match (r, rsa_pss::recover_salt_len(public_key, &input, &signature)) {
                (Ok(()), Ok(salt)) => format!("verifies; salt length {salt}"),
                (Ok(()), Err(_)) => "verifies".to_owned(),
                (Err(_), Ok(salt)) => format!("a valid PSS signature with salt length {salt}, refused by the strict salt-32 policy"),
                (Err(_), Err(_)) => crate::explain::signature_failure(rsa_pss::made_with(public_key, &signature), body, "the body, X-Timestamp or X-Nonce changed after signing"),
            }
            },
        )?;
        check(
            t,
            "X-Timestamp within the window (the replay store's retention)",
            self.config.delivery.check_fresh(Some(ts_ms), now_ms),
            |_| {
                let allowed = self
                    .config
                    .delivery
                    .window()
                    .map_or_else(|| "any (window off)".to_owned(), |w| w.describe());
                format!(
                    "arrived {ts_ms} ms; now {now_ms} ms; difference {} s; allowed {allowed}",
                    (now_ms as i128 - ts_ms as i128) / 1000
                )
            },
        )?;
        let plaintext = check(
            t,
            "body is {\"data\": \"<Base64>\"} and decrypts with the AES-256-GCM key",
            parse_data_body(body).and_then(|data| self.aes.open_b64(&data)),
            |r| match r {
                Ok(p) => format!("{} bytes of plaintext", p.len()),
                Err(e) => format!("{e}"),
            },
        )?;
        let raw = check(
            t,
            "plaintext is a JSON object",
            exact_json::parse(&plaintext)
                .map_err(|_| Error::malformed("decrypted webhook is not JSON"))
                .and_then(|raw| {
                    if raw.is_object() {
                        Ok(raw)
                    } else {
                        Err(Error::malformed("decrypted webhook is not a JSON object"))
                    }
                }),
            |_| shown(&plaintext),
        )?;
        let event = Event::from_payload(&raw);
        let notify_type = raw
            .get("notify_type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let delivery =
            self.config
                .delivery
                .delivery("worldcard", &self.app_id, Identity::SignedId(nonce));
        let business_key = business_key(&notify_type, &raw, &super::BUSINESS_KEY_FIELDS);
        Ok(WebhookEvent {
            event_type: notify_type,
            event,
            raw,
            duplicate: false,
            delivery,
            delivery_id: Some(nonce.to_owned()),
            timestamp_ms: Some(ts_ms),
            business_key: Some(business_key),
        })
    }

    /// The acknowledgement WorldCard expects: HTTP 200, plain-text body `ok`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "text/plain", b"ok".to_vec())
    }
}

impl RequestBuilder for Merchant {
    /// A signed, encrypted POST for `path` (under `/api/v1/card/`).
    ///
    /// The payload (bytes and text are checked to be JSON and otherwise passed
    /// through untouched; none is `{}`) is AES-256-GCM encrypted into
    /// `{"data":"<b64>"}`; the signature is RSA-PSS-SHA256 (salt 32) over
    /// `body ‖ timestamp ‖ nonce`. `X-Timestamp` is `req.timestamp` (Unix
    /// seconds) or `now_ms / 1000`; `X-Nonce` is `req.nonce` or 16 random
    /// bytes as hex.
    ///
    /// The payload is validated against the documented rules first
    /// (`validation_failed` lists every violation), unless turned off in the
    /// config or for this request; age rules use the request's own date.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        let (payload, validate, ts, nonce) = self.parts(req, now_ms, rng)?;
        let stamp = Stamp {
            unix_seconds: ts,
            nonce: &nonce,
        };
        let mode = SignMode::Key(&self.private_key);
        self.build(req.path, payload, stamp, rng, validate, mode)
            .map(|(r, _)| r)
    }
}

impl ResponseOpener for Merchant {
    /// Opens a response body. `code != 0` is an `api_error` with the code and
    /// message; `data` may be null or absent; the sensitive fields are
    /// decrypted wherever non-empty, whatever the card status, and any that
    /// arrived in clear are listed in `unencrypted_fields`. A non-2xx answer
    /// that is not the JSON envelope becomes an `api_error` carrying the
    /// status. WorldCard signs no response: `authenticated` is false (the
    /// AES-GCM tag still authenticates each encrypted field).
    fn open_response(&self, msg: &Received<'_>, _now_ms: u64) -> Result<Opened> {
        let r = self.open(msg.body, msg.status)?;
        let mut o = Opened::new(msg, r.data.unwrap_or(Value::Null));
        o.code = Some(r.code.to_string());
        o.message = Some(r.message);
        o.unencrypted_fields = r.unencrypted_fields;
        Ok(o)
    }
}

impl WebhookReceiver for Merchant {
    type Event = Event;

    /// Verifies and decrypts a webhook delivery, and records it in `guard`.
    ///
    /// Order: required headers → `X-App-Id`, when present, is this
    /// merchant's (`unknown_merchant`) → signature (WorldCard public key, salt
    /// auto-detected) → freshness of the signed `X-Timestamp` (± the
    /// retention by default) → decryption → duplicate check on the signed
    /// `X-Nonce`. A delivery seen before yields the event with
    /// `duplicate = true`: acknowledge it and skip the work. Nothing is
    /// returned from a delivery whose signature or tag fails. A retry that
    /// WorldCard re-signs with a new nonce is a new delivery to this rule:
    /// its `business_key` (type, transaction or card, status, the event's own
    /// time) is the same, and is what catches it.
    fn trace_webhook<T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        trace: &mut T,
    ) -> Result<WebhookEvent> {
        self.trace(msg.headers, msg.body, now_ms, trace)
    }

    /// HTTP 200, plain-text body `ok`.
    fn webhook_ack(&self) -> OutgoingResponse {
        Merchant::webhook_ack()
    }
}

fn http_error(body: &[u8], status: Option<u16>) -> Error {
    // Only called with a non-2xx status.
    ApiError::from_http(status.unwrap_or(500), body).into()
}
