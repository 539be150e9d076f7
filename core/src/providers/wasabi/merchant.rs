//! Wasabi Open API, merchant side.

use crate::crypto::signer::{Prepared, PreparedDecrypt, SignAlgorithm, SignMode};
use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::Value;

use super::events::{Category, Event, WebhookEvent};
use super::{
    HEADER_API_KEY, HEADER_CATEGORY, HEADER_REQUEST_ID, HEADER_SIGNATURE, PATH_PREFIX,
    SENSITIVE_FIELDS, UPLOAD_PATH,
};
use crate::contract::{Opened, Received, Request, RequestBuilder, ResponseOpener, WebhookReceiver};
use crate::crypto::keys::{RsaPrivateKey, RsaPublicKey};
use crate::crypto::rsa_pkcs1::{self, RsaPadding};
use crate::delivery::{DeliveryConfig, Identity};
use crate::envelope::{
    check_header_token, transform_string_fields, Headers, OutgoingRequest, OutgoingResponse,
    Payload,
};
use crate::error::{ApiError, Error, Result};
use crate::http::{self, Part};
use crate::{encoding, exact_json};

/// Whether responses must carry a valid platform signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ResponseSignaturePolicy {
    /// Every response must be signed (default).
    #[default]
    Require,
    /// Verify when `X-WSB-SIGNATURE` is present (sandbox and some errors come unsigned).
    VerifyIfPresent,
    /// Do not look. A present signature is still never accepted if wrong:
    /// with `Off` it is simply not read.
    Off,
}

/// The merchant's keys, parsed once.
#[derive(Debug, Clone)]
pub struct MerchantKeys {
    /// `X-WSB-API-KEY`.
    pub api_key: String,
    /// The merchant private key (signs requests, decrypts card fields).
    pub private_key: RsaPrivateKey,
    /// The platform public key (verifies responses and notifications).
    pub platform_public_key: Option<RsaPublicKey>,
}

/// Named settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MerchantConfig {
    /// Response signatures: require (default), verify if present, off.
    pub response_signature: ResponseSignaturePolicy,
    /// Padding of RSA-encrypted fields: PKCS#1 v1.5 (default), OAEP-SHA1, OAEP-SHA256.
    pub field_padding: RsaPadding,
    /// URL-decode a field's text first when it contains `%` (seen in some integrations; default on).
    pub url_decode_fields: bool,
    /// Notification deliveries: how long they are remembered (default 48 h;
    /// the platform sends 7 times over about 37.5 h). Notifications carry
    /// no timestamp, so there is no window. See [`crate::delivery`].
    pub delivery: DeliveryConfig,
    /// Validate payloads against the documented rules before signing (default on).
    pub validate_requests: bool,
}

impl Default for MerchantConfig {
    fn default() -> Self {
        MerchantConfig {
            response_signature: ResponseSignaturePolicy::Require,
            field_padding: RsaPadding::Pkcs1v15,
            url_decode_fields: true,
            delivery: DeliveryConfig::default(),
            validate_requests: true,
        }
    }
}

impl MerchantConfig {
    /// Sets the response-signature policy.
    #[must_use]
    pub fn with_response_signature(mut self, p: ResponseSignaturePolicy) -> Self {
        self.response_signature = p;
        self
    }

    /// Turns request validation on or off.
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate_requests = on;
        self
    }

    /// Sets the delivery settings.
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.delivery = delivery;
        self
    }

    /// Sets the field padding.
    #[must_use]
    pub fn with_field_padding(mut self, p: RsaPadding) -> Self {
        self.field_padding = p;
        self
    }
}

/// A successful Open API response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Response {
    /// `code` (200).
    pub code: i64,
    /// `msg`.
    pub msg: Option<String>,
    /// `data` (object or array), non-integer numbers as exact decimal strings.
    pub data: Value,
    /// Whether a platform signature was present and verified.
    pub signature_verified: bool,
}

/// The Wasabi Open API merchant side.
#[derive(Debug, Clone)]
pub struct Merchant {
    api_key: String,
    private_key: RsaPrivateKey,
    platform_public_key: Option<RsaPublicKey>,
    config: MerchantConfig,
}

pub(crate) fn envelope_of(v: &Value) -> Result<(bool, i64, Option<String>)> {
    let code = match v.get("code") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Error::malformed("response has no integer code"))?;
    let success = match v.get("success") {
        Some(Value::Bool(b)) => *b,
        None => code == 200,
        _ => return Err(Error::malformed("success is not a boolean")),
    };
    let msg = v.get("msg").and_then(Value::as_str).map(str::to_owned);
    Ok((success, code, msg))
}

impl Merchant {
    /// With default settings.
    pub fn new(keys: MerchantKeys) -> Result<Self> {
        check_header_token("api_key", &keys.api_key)?;
        Ok(Merchant {
            api_key: keys.api_key,
            private_key: keys.private_key,
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

    fn platform_key(&self) -> Result<&RsaPublicKey> {
        self.platform_public_key.as_ref().ok_or(Error::InvalidKey {
            reason: "verifying Wasabi signatures needs the platform public key",
        })
    }

    fn signed(
        &self,
        path: String,
        body: Vec<u8>,
        signed_bytes: &[u8],
        content_type: String,
        rng: &mut (impl CryptoRngCore + ?Sized),
        mode: &SignMode<'_>,
    ) -> Result<OutgoingRequest> {
        let sig = mode.sign(SignAlgorithm::RsaPkcs1v15Sha256, signed_bytes, rng)?;
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path,
            headers: vec![
                ("Content-Type".to_owned(), content_type),
                (HEADER_API_KEY.to_owned(), self.api_key.clone()),
                (HEADER_SIGNATURE.to_owned(), encoding::b64_encode(&sig)),
            ],
            body,
        })
    }

    /// [`build_request`](RequestBuilder::build_request) for a key held
    /// outside the process: everything but `X-WSB-SIGNATURE`. Sign
    /// [`Prepared::sign_input`] (the exact body) with PKCS#1 v1.5 SHA-256;
    /// [`Prepared::finish`] checks it with the merchant's public key.
    pub fn prepare_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        _now_ms: u64,
        rng: &mut R,
    ) -> Result<Prepared<OutgoingRequest>> {
        req.refuse_unused("Wasabi", &[])?;
        let validate = req.validate.unwrap_or(self.config.validate_requests);
        let request = self.build(validate, req.path, req.payload, rng, &SignMode::Defer)?;
        let input = request.body.clone();
        Ok(self.prepared(request, input))
    }

    /// [`upload_file`](Self::upload_file) for a key held outside the process
    /// (the sign input is `{}`, as for the in-process upload).
    pub fn prepare_upload<R: CryptoRngCore + ?Sized>(
        &self,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
        category: &str,
        rng: &mut R,
    ) -> Result<Prepared<OutgoingRequest>> {
        let request = self.upload(
            filename,
            content_type,
            bytes,
            category,
            rng,
            &SignMode::Defer,
        )?;
        Ok(self.prepared(request, b"{}".to_vec()))
    }

    fn prepared(&self, request: OutgoingRequest, input: Vec<u8>) -> Prepared<OutgoingRequest> {
        Prepared::new(
            request,
            input,
            SignAlgorithm::RsaPkcs1v15Sha256,
            HEADER_SIGNATURE,
            self.private_key.public_key(),
        )
    }

    /// Finishes a request whose signature header is empty (a prepared
    /// request that crossed a language boundary): the sign input is worked
    /// out again from the request (its body; `{}` for the upload), the
    /// signature checked, then set.
    pub fn finish_request(
        &self,
        mut request: OutgoingRequest,
        signature: &[u8],
    ) -> Result<OutgoingRequest> {
        let input: &[u8] = if request.path == UPLOAD_PATH {
            b"{}"
        } else {
            &request.body
        };
        crate::crypto::signer::finish_headers(
            &mut request.headers,
            HEADER_SIGNATURE,
            SignAlgorithm::RsaPkcs1v15Sha256,
            self.private_key.public_half(),
            input,
            signature,
        )?;
        Ok(request)
    }

    /// [`decrypt_field`](Self::decrypt_field) for a key held outside the
    /// process: the ciphertext blocks and the padding for your decryptor.
    /// (AWS KMS cannot remove PKCS#1 v1.5 encryption padding: Wasabi's
    /// default; use an HSM or an in-process key for these fields.)
    pub fn prepare_decrypt(&self, text: &str) -> Result<PreparedDecrypt> {
        let raw = self.field_bytes(text)?;
        PreparedDecrypt::new(&raw, self.private_key.size(), self.config.field_padding)
    }

    /// Finishes a [`prepare_decrypt`](Self::prepare_decrypt) whose blocks
    /// crossed a language boundary: `plaintexts` are the blocks' plaintexts, in order.
    pub fn finish_decrypt(&self, blocks: &[Vec<u8>], plaintexts: &[Vec<u8>]) -> Result<String> {
        PreparedDecrypt::new(
            &blocks.concat(),
            self.private_key.size(),
            self.config.field_padding,
        )?
        .finish(plaintexts)
    }

    fn field_bytes(&self, text: &str) -> Result<Vec<u8>> {
        let text = if self.config.url_decode_fields && text.contains('%') {
            http::percent_decode(text)?
        } else {
            text.to_owned()
        };
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        encoding::b64_decode(&compact)
            .map_err(|_| Error::malformed("encrypted field is not valid Base64"))
    }

    fn build<R: CryptoRngCore + ?Sized>(
        &self,
        validate: bool,
        path: &str,
        payload: Option<Payload<'_>>,
        rng: &mut R,
        mode: &SignMode<'_>,
    ) -> Result<OutgoingRequest> {
        let rest = path.strip_prefix(PATH_PREFIX).unwrap_or_default();
        if rest.is_empty()
            || !rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
        {
            return Err(Error::invalid_input(format!(
                "Wasabi Open API paths look like {PATH_PREFIX}card/info"
            )));
        }
        if path == UPLOAD_PATH {
            return Err(Error::invalid_input(
                "the file upload is multipart: use upload_file",
            ));
        }
        let body = match payload {
            Some(p) => p.to_json_bytes()?.into_owned(),
            None => b"{}".to_vec(),
        };
        if validate {
            let v = exact_json::parse(&body)
                .map_err(|_| Error::invalid_input("payload is not valid JSON"))?;
            crate::registry::check_payload(crate::registry::Provider::Wasabi, path, &v, None)?;
        }
        let signed = body.clone();
        self.signed(
            path.to_owned(),
            body,
            &signed,
            "application/json".to_owned(),
            rng,
            mode,
        )
    }

    /// The multipart upload to `/common/file/upload` with fields `file` and
    /// `category`, built from the caller's bytes; the signature covers `{}`,
    /// not the multipart body (as real integrations do).
    pub fn upload_file<R: CryptoRngCore + ?Sized>(
        &self,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
        category: &str,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        let mode = SignMode::Key(&self.private_key);
        self.upload(filename, content_type, bytes, category, rng, &mode)
    }

    fn upload<R: CryptoRngCore + ?Sized>(
        &self,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
        category: &str,
        rng: &mut R,
        mode: &SignMode<'_>,
    ) -> Result<OutgoingRequest> {
        let parts = [
            Part::File {
                name: "file",
                filename,
                content_type,
                bytes,
            },
            Part::Text {
                name: "category",
                value: category,
            },
        ];
        let (ct, body) = http::multipart(&parts, rng)?;
        self.signed(UPLOAD_PATH.to_owned(), body, b"{}", ct, rng, mode)
    }

    fn open(&self, headers: &Headers, body: &[u8], http_status: Option<u16>) -> Result<Response> {
        let sig = headers.get(HEADER_SIGNATURE)?;
        let verified: Result<bool> = match (self.config.response_signature, sig) {
            (ResponseSignaturePolicy::Off, _) => Ok(false),
            (ResponseSignaturePolicy::Require, None) => Err(Error::malformed(
                "response is not signed (X-WSB-SIGNATURE missing)",
            )),
            (ResponseSignaturePolicy::VerifyIfPresent, None) => Ok(false),
            (_, Some(s)) => encoding::b64_decode(s)
                .map_err(|_| Error::malformed("X-WSB-SIGNATURE is not valid Base64"))
                .and_then(|raw| rsa_pkcs1::verify(self.platform_key()?, body, &raw))
                .map(|()| true),
        };
        if let Some(status) = http_status.filter(|s| !(200..300).contains(s)) {
            let authenticated = matches!(verified, Ok(true));
            let retryable = status == 429 || status >= 500;
            let api = match exact_json::parse(body)
                .ok()
                .and_then(|v| envelope_of(&v).ok())
            {
                Some((_, code, msg)) => ApiError::new(code.to_string(), msg.unwrap_or_default())
                    .with_status(Some(status))
                    .with_retryable(retryable || code == 429 || code >= 500),
                None => ApiError::from_http(status, body),
            };
            return Err(api.with_authenticated(authenticated).into());
        }
        let signature_verified = verified?;
        let v = exact_json::parse(body)?;
        let (success, code, msg) = envelope_of(&v)?;
        if !success || code != 200 {
            return Err(ApiError::new(code.to_string(), msg.unwrap_or_default())
                .with_status(http_status)
                .with_retryable(code == 429 || code >= 500)
                .with_authenticated(signature_verified)
                .into());
        }
        Ok(Response {
            code,
            msg,
            data: v.get("data").cloned().unwrap_or(Value::Null),
            signature_verified,
        })
    }

    /// Decrypts one RSA-encrypted field (Base64 of one or more modulus-sized
    /// blocks) with the merchant private key and the configured padding.
    pub fn decrypt_field<R: CryptoRngCore + ?Sized>(
        &self,
        text: &str,
        rng: &mut R,
    ) -> Result<String> {
        let raw = self.field_bytes(text)?;
        let plain = rsa_pkcs1::decrypt(&self.private_key, &raw, self.config.field_padding, rng)?;
        String::from_utf8(plain).map_err(|_| Error::malformed("decrypted field is not UTF-8"))
    }

    /// Opens a whole sensitive-info object (`/card/sensitive` data, or a 3DS
    /// record): `cardNumber`, `cvv`, `expireDate`, `activateUrl` and `values`
    /// are decrypted wherever they are non-empty strings; other fields are kept.
    pub fn open_sensitive<R: CryptoRngCore + ?Sized>(
        &self,
        data: &Value,
        rng: &mut R,
    ) -> Result<Value> {
        let mut out = data.clone();
        if let Value::Object(map) = &mut out {
            transform_string_fields(map, SENSITIVE_FIELDS, |s| self.decrypt_field(s, rng))?;
        }
        Ok(out)
    }

    fn trace<T: crate::explain::Tracer + ?Sized>(
        &self,
        headers: &Headers,
        body: &[u8],
        t: &mut T,
    ) -> Result<WebhookEvent> {
        use crate::explain::{check, note, shown};
        let (sig, category) = check(
            t,
            "headers X-WSB-SIGNATURE and X-WSB-CATEGORY present",
            (|| {
                Ok((
                    headers.require(HEADER_SIGNATURE)?,
                    headers.require(HEADER_CATEGORY)?,
                ))
            })(),
            |r| match r {
                Ok((_, c)) => format!("category {c:?}"),
                Err(e) => format!("{e}"),
            },
        )?;
        let raw = check(
            t,
            "X-WSB-SIGNATURE is Base64",
            encoding::b64_decode(sig)
                .map_err(|_| Error::malformed("X-WSB-SIGNATURE is not valid Base64")),
            |_| String::new(),
        )?;
        let key = check(
            t,
            "the Wasabi platform public key is configured",
            self.platform_key(),
            |_| String::new(),
        )?;
        note(t, "signed bytes: the raw body exactly as received", || {
            shown(body)
        });
        check(
            t,
            "signature: RSA PKCS#1 v1.5 SHA-256 with the platform's public key",
            rsa_pkcs1::verify(key, body, &raw),
            |r| match r {
                Ok(()) => "verifies".to_owned(),
                Err(_) => crate::explain::signature_failure(
                    rsa_pkcs1::made_with(key, &raw),
                    body,
                    "the body changed in transit: a framework that parsed and re-serialized it?",
                ),
            },
        )?;
        let data = check(t, "body is JSON", exact_json::parse(body), |_| {
            String::new()
        })?;
        let event = Event::new(Category::parse(category), data.clone());
        let delivery_id = headers
            .get(HEADER_REQUEST_ID)?
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        Ok(WebhookEvent {
            event_type: event.category.as_str().to_owned(),
            business_key: Some(event.dedup_key()),
            event,
            raw: data,
            duplicate: false,
            delivery: self.config.delivery.delivery(
                "wasabi",
                &self.api_key,
                Identity::Content(body),
            ),
            delivery_id,
            timestamp_ms: None,
        })
    }

    /// The acknowledgement: HTTP 200, `{"success":true,"code":200,"msg":null,"data":null}`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "application/json", super::ACK_BODY.as_bytes().to_vec())
    }
}

impl RequestBuilder for Merchant {
    /// A signed POST to `path` (under `/merchant/core/mcb/`). Bytes and
    /// text are sent and signed exactly as given (after checking they are
    /// JSON); a value is serialized once; no payload sends and signs `{}`.
    /// Wasabi signs no time: `now_ms` is not read.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        _now_ms: u64,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        req.refuse_unused("Wasabi", &[])?;
        let validate = req.validate.unwrap_or(self.config.validate_requests);
        let mode = SignMode::Key(&self.private_key);
        self.build(validate, req.path, req.payload, rng, &mode)
    }
}

impl ResponseOpener for Merchant {
    /// Opens a response. The platform signature over the raw body is
    /// checked under the configured policy, then `{success, code, msg, data}`
    /// is read:
    ///
    /// * a 2xx answer must be signed under `Require` (else
    ///   `malformed_envelope`), and a present signature that fails is
    ///   `signature_invalid` under `Require` and `VerifyIfPresent`; an
    ///   unsuccessful envelope is an `api_error`;
    /// * a non-2xx answer is always an `api_error` carrying the HTTP status
    ///   and the retry advice (429 and 5xx are retryable), whatever its
    ///   signature: a gateway's HTML 502 page and an unsigned JSON error come
    ///   back as such, with [`authenticated`](crate::ApiError::authenticated)
    ///   `false` unless a valid platform signature covered the body.
    fn open_response(&self, msg: &Received<'_>, _now_ms: u64) -> Result<Opened> {
        let r = self.open(msg.headers, msg.body, msg.status)?;
        let mut o = Opened::new(msg, r.data);
        o.code = Some(r.code.to_string());
        o.message = r.msg;
        o.authenticated = r.signature_verified;
        Ok(o)
    }
}

impl WebhookReceiver for Merchant {
    type Event = Event;

    /// Verifies a notification and records it in `guard`: `X-WSB-SIGNATURE`
    /// over the raw body with the platform key (no timestamp exists, so no
    /// freshness check), then types it by `X-WSB-CATEGORY`. A delivery whose
    /// signed body was seen before comes back with `duplicate = true`: it
    /// must still be acknowledged. `X-WSB-REQUEST-ID` is not signed: it is
    /// reported in `delivery_id` but a fresh one never makes a replay look
    /// new. `business_key` is the event's own identity (`category:id`, and
    /// `category:id:status` for `card_auth_transaction`).
    fn trace_webhook<T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        trace: &mut T,
    ) -> Result<WebhookEvent> {
        self.trace(msg.headers, msg.body, trace)
    }

    /// HTTP 200, `{"success":true,"code":200,"msg":null,"data":null}`.
    fn webhook_ack(&self) -> OutgoingResponse {
        Merchant::webhook_ack()
    }
}
