//! WorldCard platform side: what the provider does. cardwire implements it so
//! tests are honest and users can build their own test doubles.

use crate::crypto::signer::{Prepared, SignAlgorithm, SignMode};
use std::collections::HashMap;

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::{
    data_body, decode_signature, parse_data_body, sign_input, HEADER_APP_ID, HEADER_NONCE,
    HEADER_SIGNATURE, HEADER_TIMESTAMP, SENSITIVE_FIELDS,
};
use crate::contract::{random_hex, Notification, Received, RequestVerifier, WebhookSigner};
use crate::crypto::aes_gcm::AesGcmKey;
use crate::crypto::keys::{AesKey, RsaPrivateKey, RsaPublicKey};
use crate::crypto::rsa_pss::{self, PssSaltPolicy};
use crate::delivery::{ReplayGuard, Seen};
use crate::encoding;
use crate::envelope::{check_header_token, Headers, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, FieldErrors, Result};
use crate::exact_json::Object;
use crate::time::{parse_timestamp, TimeUnit, Window};

/// One merchant as the platform knows it.
#[derive(Debug, Clone)]
pub struct MerchantRecord {
    /// `X-App-Id`.
    pub app_id: String,
    /// The merchant's RSA public key (verifies its requests).
    pub public_key: RsaPublicKey,
    /// The merchant's AES key.
    pub aes_key: AesKey,
}

/// Named settings for the platform side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlatformConfig {
    /// Request freshness: ±5 minutes on `X-Timestamp` seconds (documented).
    pub window: Window,
    /// How long a request nonce is refused after first use: 10 minutes (documented).
    pub nonce_ttl_ms: u64,
    /// PSS salt lengths accepted: auto-detect (default) or exactly 32.
    pub pss_salt: PssSaltPolicy,
    /// Validate decrypted payloads against the documented rules for the
    /// request's path (default on; answered as the platform's `1001`).
    pub validate_requests: bool,
}

impl Default for PlatformConfig {
    fn default() -> Self {
        PlatformConfig {
            window: Window::FIVE_MINUTES,
            nonce_ttl_ms: 10 * 60 * 1000,
            pss_salt: PssSaltPolicy::AutoDetect,
            validate_requests: true,
        }
    }
}

impl PlatformConfig {
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

    /// Sets [`window`](Self::window).
    #[must_use]
    pub fn with_window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }
}

/// A merchant request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedRequest {
    /// The sender's `X-App-Id`.
    pub app_id: String,
    /// `X-Nonce`.
    pub nonce: String,
    /// `X-Timestamp`, Unix seconds.
    pub timestamp: u64,
    /// The decrypted JSON payload bytes.
    pub payload: Vec<u8>,
    /// The same payload, parsed.
    pub json: Value,
}

#[derive(Debug, Clone)]
struct KnownMerchant {
    public_key: RsaPublicKey,
    aes: AesGcmKey,
}

/// The platform side of the WorldCard `Card/*` API.
#[derive(Debug, Clone)]
pub struct Platform {
    merchants: HashMap<String, KnownMerchant>,
    private_key: Option<RsaPrivateKey>,
    config: PlatformConfig,
}

impl Platform {
    /// A platform that knows `merchants` and signs webhooks with `private_key`
    /// (the WorldCard private key; `None` if this platform never signs webhooks).
    pub fn new(merchants: Vec<MerchantRecord>, private_key: Option<RsaPrivateKey>) -> Result<Self> {
        let mut p = Platform {
            merchants: HashMap::new(),
            private_key,
            config: PlatformConfig::default(),
        };
        for m in merchants {
            p.add_merchant(m)?;
        }
        Ok(p)
    }

    /// The same platform with these settings.
    #[must_use]
    pub fn with_config(mut self, config: PlatformConfig) -> Self {
        self.config = config;
        self
    }

    /// Registers (or replaces) a merchant.
    pub fn add_merchant(&mut self, m: MerchantRecord) -> Result<()> {
        check_header_token("app_id", &m.app_id)?;
        self.merchants.insert(
            m.app_id,
            KnownMerchant {
                public_key: m.public_key,
                aes: AesGcmKey::new(&m.aes_key),
            },
        );
        Ok(())
    }

    fn merchant(&self, app_id: &str) -> Result<&KnownMerchant> {
        self.merchants.get(app_id).ok_or(Error::UnknownMerchant)
    }

    fn verify_traced<G: ReplayGuard + ?Sized, T: crate::explain::Tracer + ?Sized>(
        &self,
        headers: &Headers,
        path: Option<&str>,
        body: &[u8],
        now_unix_seconds: u64,
        guard: &mut G,
        t: &mut T,
    ) -> Result<VerifiedRequest> {
        use crate::explain::{check, note, shown};
        let (app_id, signature, timestamp, nonce) = check(
            t,
            "headers X-App-Id, X-Signature, X-Timestamp, X-Nonce present (names in any case)",
            (|| {
                Ok((
                    headers.require(HEADER_APP_ID)?,
                    headers.require(HEADER_SIGNATURE)?,
                    headers.require(HEADER_TIMESTAMP)?,
                    headers.require(HEADER_NONCE)?,
                ))
            })(),
            |r| match r {
                Ok(_) => "all four present".to_owned(),
                Err(e) => format!("{e}"),
            },
        )?;

        let now_ms = TimeUnit::Seconds.to_millis(now_unix_seconds);
        let ts = check(
            t,
            "X-Timestamp is Unix seconds",
            parse_timestamp(timestamp),
            |r| {
                format!(
                    "arrived {timestamp:?}{}",
                    if r.is_ok() { "" } else { " (digits only)" }
                )
            },
        )?;
        check(
            t,
            "X-Timestamp within the window",
            self.config
                .window
                .check(TimeUnit::Seconds.to_millis(ts), now_ms),
            |_| {
                format!(
                    "arrived {ts} s; now {now_unix_seconds} s; difference {} s; allowed {}",
                    now_unix_seconds as i128 - ts as i128,
                    self.config.window.describe()
                )
            },
        )?;

        let merchant = check(
            t,
            "X-App-Id is a known merchant",
            self.merchant(app_id),
            |_| format!("arrived {app_id:?}"),
        )?;

        let input = sign_input(body, timestamp, nonce);
        note(
            t,
            "signed text: raw body ‖ X-Timestamp ‖ X-Nonce (no separators)",
            || shown(&input),
        );
        let signature = check(
            t,
            "X-Signature is Base64",
            decode_signature(signature).map_err(|_| Error::SignatureInvalid),
            |r| match r {
                Ok(s) => format!(
                    "{} bytes (the key is {} bits: {} bytes expected)",
                    s.len(),
                    merchant.public_key.bits(),
                    merchant.public_key.bits().div_ceil(8)
                ),
                Err(_) => "not Base64".to_owned(),
            },
        )?;
        check(
            t,
            "signature: RSA-PSS-SHA256 (MGF1-SHA256) with the merchant's public key",
            rsa_pss::verify(
                &merchant.public_key,
                &input,
                &signature,
                self.config.pss_salt,
            ),
            |r| {
                match (r, rsa_pss::recover_salt_len(&merchant.public_key, &input, &signature)) {
                (Ok(()), Ok(salt)) => format!("verifies; salt length {salt} (WorldCard signs with 32)"),
                (Ok(()), Err(_)) => "verifies".to_owned(),
                (Err(_), Ok(salt)) => format!("a valid PSS signature with salt length {salt}, refused by the strict salt-32 policy"),
                (Err(_), Err(_)) => crate::explain::signature_failure(rsa_pss::made_with(&merchant.public_key, &signature), body, "the body, X-Timestamp or X-Nonce changed after signing"),
            }
            },
        )?;

        let key = crate::delivery::request_key("worldcard", app_id, nonce.as_bytes());
        let offline = !guard.remembers_earlier();
        let fresh = guard
            .check_and_record(&key, now_ms, self.config.nonce_ttl_ms)
            .and_then(|seen| match seen {
                Seen::Again => Err(Error::ReplayDetected),
                Seen::First => Ok(()),
            });
        check(
            t,
            "X-Nonce not used before (kept 10 minutes)",
            fresh,
            |r| match r {
                Ok(()) => crate::delivery::unseen(offline, &format!("X-Nonce {nonce:?}")),
                Err(e) => format!("X-Nonce {nonce:?}: {e}"),
            },
        )?;

        let payload = check(
            t,
            "body is {\"data\": \"<Base64>\"} and decrypts with the merchant's AES-256-GCM key",
            parse_data_body(body)
                .map_err(|_| Error::DecryptFailed)
                .and_then(|data| {
                    merchant
                        .aes
                        .open_b64(&data)
                        .map_err(|_| Error::DecryptFailed)
                }),
            |r| {
                match r {
                Ok(p) => format!("{} bytes of plaintext", p.len()),
                Err(_) => "not the envelope, or the tag fails under this key (another AES key, or a changed body)".to_owned(),
            }
            },
        )?;
        let json: Value = check(
            t,
            "plaintext is a JSON object",
            match crate::exact_json::parse(&payload) {
                Ok(v @ Value::Object(_)) => Ok(v),
                _ => {
                    let mut errors = FieldErrors::new();
                    errors.insert(
                        "body".to_owned(),
                        vec!["the decrypted body must be a JSON object".to_owned()],
                    );
                    Err(Error::ValidationFailed { errors })
                }
            },
            |_| shown(&payload),
        )?;
        if let (Some(path), true) = (path, self.config.validate_requests) {
            let today = crate::validate::date_from_unix_seconds(now_unix_seconds);
            let ctx = crate::validate::Context {
                today: Some(&today),
                card_type: None,
            };
            check(
                t,
                "payload follows the endpoint's documented rules",
                crate::registry::validate_for(
                    crate::registry::Provider::WorldCard,
                    path,
                    &json,
                    &ctx,
                )
                .map(|_| ()),
                |r| match r {
                    Ok(()) => format!("{path}: ok"),
                    Err(e) => format!("{path}: {e}"),
                },
            )?;
        }
        Ok(VerifiedRequest {
            app_id: app_id.to_owned(),
            nonce: nonce.to_owned(),
            timestamp: ts,
            payload,
            json,
        })
    }

    /// The platform's documented answer to a failed check (HTTP status and
    /// message). The body is `{"code": <status>, "message": ..., "data": null}`
    /// (the document gives only status and message; the JSON shape is assumed
    /// from the normal envelope). `validation_failed` is the business error
    /// `1001` with the field errors in `data`.
    pub fn rejection(err: &Error) -> OutgoingResponse {
        let (status, message) = match err {
            Error::MalformedEnvelope { .. } => (401, "Missing required headers"),
            Error::TimestampOutOfWindow => (401, "Request expired"),
            Error::UnknownMerchant => (401, "Invalid merchant ID"),
            Error::SignatureInvalid => (401, "Signature verification failed"),
            Error::ReplayDetected => (401, "Request already processed (duplicate nonce)"),
            Error::DecryptFailed => (401, "Request body decryption failed"),
            Error::ValidationFailed { errors } => {
                // "data is null on failure" (the API documentation): the
                // field errors go in the message, after the documented text.
                let fields: Vec<String> = errors
                    .iter()
                    .map(|(field, msgs)| format!("{field}: {}", msgs.join(", ")))
                    .collect();
                let body = json!({
                    "code": 1001,
                    "message": format!("Request parameter validation failed: {}", fields.join("; ")),
                    "data": null,
                });
                return OutgoingResponse::new(
                    200,
                    "application/json",
                    body.to_string().into_bytes(),
                );
            }
            _ => (500, "Internal Server Error"),
        };
        let body = json!({ "code": status, "message": message, "data": null });
        OutgoingResponse::new(status, "application/json", body.to_string().into_bytes())
    }

    /// Seals a success response for `app_id`: `{"code":0,"message":"success","data":...}`
    /// with `card_number`, `cvv`, `expiry_month`, `expiry_year` AES-GCM
    /// encrypted wherever they are non-empty strings, every other value sent
    /// exactly as given. `data = None` omits `data`.
    pub fn seal_response<'p, R: CryptoRngCore + ?Sized>(
        &self,
        app_id: &str,
        data: Option<Payload<'p>>,
        rng: &mut R,
    ) -> Result<OutgoingResponse> {
        let merchant = self.merchant(app_id)?;
        let mut body = br#"{"code":0,"message":"success""#.to_vec();
        if let Some(data) = data {
            let mut obj = Object::parse(&data.to_json_bytes()?)
                .map_err(|_| Error::invalid_input("response data must be a JSON object"))?;
            obj.transform_strings(SENSITIVE_FIELDS, |s| {
                merchant.aes.seal_b64(s.as_bytes(), rng)
            })?;
            body.extend_from_slice(br#","data":"#);
            body.extend_from_slice(&obj.to_bytes());
        }
        body.push(b'}');
        Ok(OutgoingResponse::new(200, "application/json", body))
    }

    /// A business error response: `{"code": code, "message": message, "data": null}`.
    pub fn seal_error(code: i64, message: &str) -> OutgoingResponse {
        let body = json!({ "code": code, "message": message, "data": null });
        OutgoingResponse::new(200, "application/json", body.to_string().into_bytes())
    }

    /// The merchant a notification goes to: its `app_id`, else the only
    /// merchant this platform knows.
    fn recipient<'n>(&'n self, hook: &Notification<'n>) -> Result<&'n str> {
        if let Some(id) = hook.app_id {
            return Ok(id);
        }
        let mut ids = self.merchants.keys();
        match (ids.next(), ids.next()) {
            (Some(only), None) => Ok(only.as_str()),
            (None, _) => Err(Error::UnknownMerchant),
            _ => Err(Error::invalid_input(
                "this platform serves several merchants: set Notification::app_id",
            )),
        }
    }

    fn stamp<R: CryptoRngCore + ?Sized>(
        hook: &Notification<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<(u64, String)> {
        let nonce = match hook.id {
            Some(n) => n.to_owned(),
            None => random_hex(rng, 16)?,
        };
        Ok((hook.timestamp_ms.unwrap_or(now_ms), nonce))
    }

    /// [`sign_webhook`](WebhookSigner::sign_webhook) for a platform key held
    /// outside the process: everything but the signature (RSA-PSS-SHA256,
    /// salt 32). Construct the platform with `RsaPrivateKey::external(public)`.
    pub fn prepare_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<Prepared<SignedWebhook>> {
        let public = self.webhook_key()?.public_key();
        let (ts, nonce) = Self::stamp(hook, now_ms, rng)?;
        let (webhook, input) = self.webhook(
            self.recipient(hook)?,
            hook.event_type,
            hook.payload,
            ts,
            &nonce,
            rng,
            SignMode::Defer,
        )?;
        Ok(Prepared::new(
            webhook,
            input,
            SignAlgorithm::RsaPssSha256,
            HEADER_SIGNATURE,
            public,
        ))
    }

    /// Finishes a prepared webhook that crossed a language boundary (see
    /// `worldcard::Merchant::finish_request`).
    pub fn finish_webhook(
        &self,
        mut webhook: SignedWebhook,
        signature: &[u8],
    ) -> Result<SignedWebhook> {
        let input = super::request_sign_input(&webhook.headers, &webhook.body)?;
        crate::crypto::signer::finish_headers(
            &mut webhook.headers,
            HEADER_SIGNATURE,
            SignAlgorithm::RsaPssSha256,
            self.webhook_key()?.public_half(),
            &input,
            signature,
        )?;
        Ok(webhook)
    }

    fn webhook_key(&self) -> Result<&RsaPrivateKey> {
        self.private_key.as_ref().ok_or(Error::InvalidKey {
            reason: "signing webhooks needs the WorldCard platform private key (or RsaPrivateKey::external for one held in an HSM or KMS)",
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn webhook<R: CryptoRngCore + ?Sized>(
        &self,
        app_id: &str,
        notify_type: &str,
        data: Payload<'_>,
        timestamp_ms: u64,
        nonce: &str,
        rng: &mut R,
        mode: SignMode<'_>,
    ) -> Result<(SignedWebhook, Vec<u8>)> {
        check_header_token("nonce", nonce)?;
        let merchant = self.merchant(app_id)?;
        let mut obj = data.to_exact_object()?;
        obj.set_tag("notify_type", notify_type)?;
        let plaintext = obj.to_bytes();
        let body = data_body(&merchant.aes.seal_b64(&plaintext, rng)?);
        let timestamp = timestamp_ms.to_string();
        let input = sign_input(&body, &timestamp, nonce);
        let signature = mode.sign(SignAlgorithm::RsaPssSha256, &input, rng)?;
        let webhook = SignedWebhook {
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                (HEADER_APP_ID.to_owned(), app_id.to_owned()),
                (
                    HEADER_SIGNATURE.to_owned(),
                    encoding::b64_encode(&signature),
                ),
                (HEADER_TIMESTAMP.to_owned(), timestamp),
                (HEADER_NONCE.to_owned(), nonce.to_owned()),
            ],
            body,
        };
        Ok((webhook, input))
    }

    /// Whether a merchant's answer to a webhook counts as acknowledged:
    /// HTTP 200 and the plain-text body `ok`. Anything else is retried.
    pub fn is_acknowledged(status: u16, body: &[u8]) -> bool {
        status == 200 && body.trim_ascii() == b"ok"
    }
}

impl RequestVerifier for Platform {
    type Verified = VerifiedRequest;

    /// Verifies a merchant request in the documented order, each failure with
    /// its own code:
    ///
    /// 1. `X-App-Id`, `X-Signature`, `X-Timestamp`, `X-Nonce` present → `malformed_envelope`
    /// 2. `X-Timestamp` (seconds) within ±5 minutes of `now_ms` → `timestamp_out_of_window`
    /// 3. `X-App-Id` known → `unknown_merchant`
    /// 4. signature valid → `signature_invalid`
    /// 5. nonce not used in the last 10 minutes (recorded only now, after the
    ///    signature verified) → `replay_detected`
    /// 6. body decrypts → `decrypt_failed`; a plaintext that is not a JSON
    ///    object → `validation_failed` (the platform's `1001`).
    /// 7. with a path in `msg` (and unless turned off in the config), the
    ///    documented rules of that path → `validation_failed`, answered by
    ///    [`rejection`](Platform::rejection) as the platform's `1001`.
    fn trace_request<G: ReplayGuard + ?Sized, T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        guard: &mut G,
        trace: &mut T,
    ) -> Result<VerifiedRequest> {
        self.verify_traced(msg.headers, msg.path, msg.body, now_ms / 1000, guard, trace)
    }
}

impl WebhookSigner for Platform {
    /// Signs and encrypts a webhook for the notification's `app_id` (or the
    /// only merchant). The event type is put into the payload object as
    /// `notify_type` (a payload that already carries a different one is
    /// `invalid_input`); the body is `{"data":"<b64>"}`; `X-Timestamp` is in
    /// milliseconds (`timestamp_ms`, else `now_ms`); `X-Nonce` is the
    /// notification's `id`, else 16 random bytes as hex; the signature is
    /// made with the WorldCard private key.
    fn sign_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<SignedWebhook> {
        let key = self.webhook_key()?;
        let (ts, nonce) = Self::stamp(hook, now_ms, rng)?;
        self.webhook(
            self.recipient(hook)?,
            hook.event_type,
            hook.payload,
            ts,
            &nonce,
            rng,
            SignMode::Key(key),
        )
        .map(|(w, _)| w)
    }
}
