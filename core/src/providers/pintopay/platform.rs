//! PinToPay platform side.

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::{
    encrypted_body, HEADER_API_KEY, HEADER_IDEMPOTENCY_KEY, IDEMPOTENCY_REQUIRED, TIMESTAMP_FIELD,
};
use crate::contract::{Notification, Received, RequestVerifier, WebhookSigner};
use crate::crypto::secretbox::SecretBoxKey;
use crate::delivery::{ReplayGuard, Seen};
use crate::envelope::{check_header_token, Headers, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};
use crate::time::Window;

/// Named settings for the platform side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlatformConfig {
    /// ±30 s on `request_timestamp` (documented; direction unspecified, so both ways).
    pub window: Window,
}

impl Default for PlatformConfig {
    fn default() -> Self {
        PlatformConfig {
            window: Window::THIRTY_SECONDS,
        }
    }
}

/// A request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedRequest {
    /// The decrypted payload (with `request_timestamp`).
    pub payload: Value,
    /// `request_timestamp`, microseconds.
    pub timestamp_us: u64,
    /// `Idempotency-Key`, when sent.
    pub idempotency_key: Option<String>,
}

// The PinToPay API documentation's messages, used as reasons so a rejection renders exactly.
const NO_ENVELOPE: &str = "Encrypted payload not found";
const BAD_FORMAT: &str = "Invalid encrypted payload format";
const NO_TIMESTAMP: &str = "Request timestamp not found in encrypted payload";
const BAD_TIMESTAMP: &str = "Invalid timestamp format";

/// The platform side of PinToPay for one API key.
#[derive(Debug, Clone)]
pub struct Platform {
    api_key: String,
    key: SecretBoxKey,
    config: PlatformConfig,
}

impl Platform {
    /// A platform holding one merchant's `api_key` and `api_secret`.
    pub fn new(api_key: &str, api_secret: &str) -> Result<Self> {
        check_header_token("api_key", api_key)?;
        Ok(Platform {
            api_key: api_key.to_owned(),
            key: SecretBoxKey::from_secret(api_secret)?,
            config: PlatformConfig::default(),
        })
    }

    /// With settings.
    #[must_use]
    pub fn with_config(mut self, config: PlatformConfig) -> Self {
        self.config = config;
        self
    }

    fn verify_traced<G: ReplayGuard + ?Sized, T: crate::explain::Tracer + ?Sized>(
        &self,
        headers: &Headers,
        path: &str,
        body: &[u8],
        now_us: u64,
        guard: &mut G,
        t: &mut T,
    ) -> Result<VerifiedRequest> {
        use crate::explain::{check, shown};
        // The endpoint is the path alone: a query string (`…/cards/topup?x`)
        // neither skips the Idempotency-Key requirement nor makes a replay new.
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let given = headers.get(HEADER_API_KEY)?;
        check(
            t,
            "API-KEY header is the merchant's",
            match given {
                Some(k) if k == self.api_key => Ok(()),
                _ => Err(Error::UnknownMerchant),
            },
            |_| crate::explain::arrived(given),
        )?;
        let b64 = check(
            t,
            "body is {\"encrypted\": \"<Base64>\"}",
            serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| {
                    v.get("encrypted")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .ok_or_else(|| Error::malformed(NO_ENVELOPE)),
            |_| shown(body),
        )?;
        let plain = check(
            t,
            "envelope 0x02 ‖ nonce ‖ XSalsa20-Poly1305 opens with SHA-256(api secret)",
            self.key.open_b64(&b64).map_err(|e| match e {
                Error::DecryptFailed => Error::DecryptFailed,
                _ => Error::malformed(BAD_FORMAT),
            }),
            |r| match r {
                Ok(p) => format!("{} bytes of plaintext", p.len()),
                Err(Error::DecryptFailed) => {
                    "the MAC fails: another API secret, or a changed envelope".to_owned()
                }
                Err(e) => format!("{e}"),
            },
        )?;
        let payload: Value = check(
            t,
            "plaintext is a JSON object",
            match crate::exact_json::parse(&plain) {
                Ok(v @ Value::Object(_)) => Ok(v),
                _ => Err(Error::malformed(BAD_FORMAT)),
            },
            |_| shown(&plain),
        )?;
        let ts = check(
            t,
            "request_timestamp present, in microseconds",
            match payload.get(TIMESTAMP_FIELD) {
                None | Some(Value::Null) => Err(Error::malformed(NO_TIMESTAMP)),
                Some(Value::Number(n)) => n.as_u64().ok_or_else(|| Error::malformed(BAD_TIMESTAMP)),
                Some(Value::String(s)) => {
                    crate::time::parse_timestamp(s).map_err(|_| Error::malformed(BAD_TIMESTAMP))
                }
                Some(_) => Err(Error::malformed(BAD_TIMESTAMP)),
            },
            |_| crate::explain::arrived_json(payload.get(TIMESTAMP_FIELD)),
        )?;
        check(
            t,
            "request_timestamp within ±30 s",
            self.config.window.check(ts / 1000, now_us / 1000),
            |_| {
                format!("arrived {ts} µs; now {now_us} µs; difference {} ms; allowed {} (a seconds or milliseconds value is far outside)", (now_us as i128 - ts as i128) / 1000, self.config.window.describe())
            },
        )?;
        let replay_key = crate::delivery::request_key(
            "pintopay",
            &self.api_key,
            format!("{path}:{ts}").as_bytes(),
        );
        let ttl_ms = self.config.window.tolerance_ms.saturating_mul(2);
        let offline = !guard.remembers_earlier();
        check(
            t,
            "api key + path + request_timestamp not seen before",
            guard
                .check_and_record(&replay_key, now_us / 1000, ttl_ms)
                .and_then(|seen| match seen {
                    Seen::Again => Err(Error::ReplayDetected),
                    Seen::First => Ok(()),
                }),
            |r| match r {
                Ok(()) => crate::delivery::unseen(offline, &format!("{path} at {ts}")),
                Err(e) => format!("{path} at {ts}: {e}"),
            },
        )?;
        let idempotency_key = headers.get(HEADER_IDEMPOTENCY_KEY)?.map(str::to_owned);
        check(
            t,
            "Idempotency-Key present where required (cards/create, cards/topup)",
            if idempotency_key.is_none() && IDEMPOTENCY_REQUIRED.contains(&path) {
                Err(Error::IdempotencyKeyRequired)
            } else {
                Ok(())
            },
            |_| crate::explain::arrived(idempotency_key.as_deref()),
        )?;
        // The rules describe the endpoint's fields, not the envelope's timestamp:
        // take it out for the check and put it back, without copying the payload.
        let mut payload = payload;
        let stamp = payload
            .as_object_mut()
            .and_then(|m| m.remove(TIMESTAMP_FIELD));
        let today = crate::validate::date_from_unix_seconds(now_us / 1_000_000);
        check(
            t,
            "payload follows the endpoint's documented rules",
            crate::registry::check_payload(
                crate::registry::Provider::PinToPay,
                path,
                &payload,
                Some(&today),
            )
            .map(|_| ()),
            |r| match r {
                Ok(()) => format!("{path}: ok"),
                Err(e) => format!("{path}: {e}"),
            },
        )?;
        if let (Some(m), Some(stamp)) = (payload.as_object_mut(), stamp) {
            m.insert(TIMESTAMP_FIELD.to_owned(), stamp);
        }
        Ok(VerifiedRequest {
            payload,
            timestamp_us: ts,
            idempotency_key,
        })
    }

    /// The platform's answer to a failed check: the PinToPay API documentation's unencrypted
    /// messages for authentication and envelope failures (plain JSON
    /// `{"error": ...}`; the PinToPay API documentation gives the text, not the shape), the standard
    /// encrypted error for `idempotency_key_required` and validation.
    pub fn rejection<R: CryptoRngCore + ?Sized>(
        &self,
        err: &Error,
        rng: &mut R,
    ) -> OutgoingResponse {
        let plain = |status: u16, message: &str| {
            OutgoingResponse::new(
                status,
                "application/json",
                json!({ "error": message }).to_string().into_bytes(),
            )
        };
        match err {
            Error::UnknownMerchant => plain(404, "API key not found"),
            Error::MalformedEnvelope { reason } => {
                let known = [NO_ENVELOPE, NO_TIMESTAMP, BAD_TIMESTAMP];
                let message = known
                    .iter()
                    .find(|m| *m == reason)
                    .copied()
                    .unwrap_or(BAD_FORMAT);
                plain(400, message)
            }
            Error::DecryptFailed => plain(400, BAD_FORMAT),
            Error::TimestampOutOfWindow => plain(400, "Request timestamp outside allowed window"),
            Error::ReplayDetected => plain(400, "Duplicate request detected"),
            Error::IdempotencyKeyRequired => self.seal_error(
                400,
                "idempotency_key_required",
                "Missing Idempotency-Key header for mutation.",
                rng,
            ),
            Error::ValidationFailed { .. } => {
                self.seal_error(400, "invalid_request", "Invalid request", rng)
            }
            _ => self.seal_error(500, "internal_error", "Internal error", rng),
        }
    }

    /// Seals a success response: HTTP 200, `{"encrypted": ...}`.
    pub fn seal_response<'p, R: CryptoRngCore + ?Sized>(
        &self,
        data: impl Into<Payload<'p>>,
        rng: &mut R,
    ) -> Result<OutgoingResponse> {
        let plaintext = data.into().to_json_bytes()?;
        let body = encrypted_body(&self.key.seal_b64(&plaintext, rng)?);
        Ok(OutgoingResponse::new(200, "application/json", body))
    }

    /// Seals a standard error `{success:false, error, error_slug}` with its
    /// HTTP status, encrypted (as the PinToPay API documentation says; a plain variant exists in the
    /// wild and the merchant side accepts both).
    pub fn seal_error<R: CryptoRngCore + ?Sized>(
        &self,
        status: u16,
        slug: &str,
        message: &str,
        rng: &mut R,
    ) -> OutgoingResponse {
        let plaintext = json!({"success": false, "error": message, "error_slug": slug}).to_string();
        match self.key.seal_b64(plaintext.as_bytes(), rng) {
            Ok(b64) => OutgoingResponse::new(status, "application/json", encrypted_body(&b64)),
            Err(_) => OutgoingResponse::new(status, "application/json", plaintext.into_bytes()),
        }
    }

    fn seal_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        event_type: &str,
        data: Payload<'_>,
        rng: &mut R,
    ) -> Result<SignedWebhook> {
        let mut obj = data.to_exact_object()?;
        if obj.contains(TIMESTAMP_FIELD) {
            return Err(Error::invalid_input(
                "a webhook payload must not carry request_timestamp (that is what makes a body request-shaped)",
            ));
        }
        obj.set_tag("type", event_type)?;
        let plaintext = obj.to_bytes();
        Ok(SignedWebhook {
            headers: vec![
                (HEADER_API_KEY.to_owned(), self.api_key.clone()),
                ("Content-Type".to_owned(), "application/json".to_owned()),
            ],
            body: encrypted_body(&self.key.seal_b64(&plaintext, rng)?),
        })
    }
}

impl RequestVerifier for Platform {
    type Verified = VerifiedRequest;

    /// Opens a request to its path (`msg.path`, required) in the PinToPay API documentation's order, each failure with the
    /// error its table names: unknown `API-KEY` → `unknown_merchant`; no
    /// `encrypted` → `malformed_envelope` ("Encrypted payload not found"); bad
    /// Base64, version byte, length or plaintext → `malformed_envelope`
    /// ("Invalid encrypted payload format"); failing MAC → `decrypt_failed`;
    /// `request_timestamp` missing or not an integer → `malformed_envelope`;
    /// outside ±30 s of `now_ms` (compared in microseconds) → `timestamp_out_of_window`; `api_key + path
    /// + request_timestamp` seen before → `replay_detected` (remembered for
    /// the whole acceptance span, 60 s); missing `Idempotency-Key` on
    /// `cards/create` and `cards/topup` → `idempotency_key_required`.
    fn trace_request<G: ReplayGuard + ?Sized, T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        guard: &mut G,
        trace: &mut T,
    ) -> Result<VerifiedRequest> {
        self.verify_traced(
            msg.headers,
            msg.require_path()?,
            msg.body,
            now_ms.saturating_mul(1000),
            guard,
            trace,
        )
    }
}

impl WebhookSigner for Platform {
    /// Seals a webhook: `type` is set in the payload object, the body is
    /// `{"encrypted": ...}`, the `API-KEY` header names the merchant. A
    /// payload carrying `request_timestamp` is `invalid_input`: it would be
    /// request-shaped, and merchants refuse those as reflections.
    /// PinToPay signs no time: `now_ms` is not read.
    fn sign_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        _now_ms: u64,
        rng: &mut R,
    ) -> Result<SignedWebhook> {
        self.seal_webhook(hook.event_type, hook.payload, rng)
    }
}
