//! Wasabi Open API, platform side.

use crate::crypto::signer::{Prepared, SignAlgorithm};
use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::merchant::envelope_of;
use super::{HEADER_API_KEY, HEADER_CATEGORY, HEADER_REQUEST_ID, HEADER_SIGNATURE};
use crate::contract::{random_hex, Notification, Received, RequestVerifier, WebhookSigner};
use crate::crypto::keys::{RsaPrivateKey, RsaPublicKey};
use crate::crypto::rsa_pkcs1::{self, RsaPadding};
use crate::delivery::ReplayGuard;
use crate::encoding;
use crate::envelope::{check_header_token, Headers, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};

/// The platform side for one merchant.
#[derive(Debug, Clone)]
pub struct Platform {
    api_key: String,
    private_key: RsaPrivateKey,
    merchant_public_key: RsaPublicKey,
}

impl Platform {
    /// A platform with its private key, knowing one merchant's API key and public key.
    pub fn new(
        api_key: &str,
        platform_private_key: RsaPrivateKey,
        merchant_public_key: RsaPublicKey,
    ) -> Result<Self> {
        check_header_token("api_key", api_key)?;
        Ok(Platform {
            api_key: api_key.to_owned(),
            private_key: platform_private_key,
            merchant_public_key,
        })
    }

    fn verify_traced<T: crate::explain::Tracer + ?Sized>(
        &self,
        headers: &Headers,
        path: Option<&str>,
        body: &[u8],
        t: &mut T,
    ) -> Result<Value> {
        use crate::explain::{check, note, shown};
        let (key, sig) = check(
            t,
            "headers X-WSB-API-KEY and X-WSB-SIGNATURE present",
            (|| {
                Ok((
                    headers.require(HEADER_API_KEY)?,
                    headers.require(HEADER_SIGNATURE)?,
                ))
            })(),
            |r| match r {
                Ok(_) => String::new(),
                Err(e) => format!("{e}"),
            },
        )?;
        check(
            t,
            "X-WSB-API-KEY is the merchant's",
            if key == self.api_key {
                Ok(())
            } else {
                Err(Error::UnknownMerchant)
            },
            |_| format!("arrived {key:?}"),
        )?;
        let raw = check(
            t,
            "X-WSB-SIGNATURE is Base64",
            encoding::b64_decode(sig).map_err(|_| Error::SignatureInvalid),
            |r| match r {
                Ok(b) => format!(
                    "{} bytes (the key is {} bits)",
                    b.len(),
                    self.merchant_public_key.bits()
                ),
                Err(_) => "not Base64".to_owned(),
            },
        )?;
        let multipart = headers
            .get("Content-Type")?
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("multipart/form-data"));
        let signed: &[u8] = if multipart { b"{}" } else { body };
        note(
            t,
            "signed bytes: the raw body exactly as sent (`{}` for a multipart upload)",
            || shown(signed),
        );
        check(
            t,
            "signature: RSA PKCS#1 v1.5 SHA-256 with the merchant's public key",
            rsa_pkcs1::verify(&self.merchant_public_key, signed, &raw),
            |r| match r {
                Ok(()) => "verifies".to_owned(),
                Err(_) => crate::explain::signature_failure(
                    rsa_pkcs1::made_with(&self.merchant_public_key, &raw),
                    signed,
                    "the body changed after signing: re-serialized JSON, whitespace?",
                ),
            },
        )?;
        if multipart {
            return Ok(json!({}));
        }
        let v = check(t, "body is JSON", crate::exact_json::parse(body), |_| {
            String::new()
        })?;
        if let Some(path) = path {
            check(
                t,
                "payload follows the endpoint's documented rules",
                crate::registry::check_payload(crate::registry::Provider::Wasabi, path, &v, None)
                    .map(|_| ()),
                |r| match r {
                    Ok(()) => format!("{path}: ok"),
                    Err(e) => format!("{path}: {e}"),
                },
            )?;
        }
        Ok(v)
    }

    fn signed_response(
        &self,
        body: Vec<u8>,
        rng: &mut (impl CryptoRngCore + ?Sized),
    ) -> Result<OutgoingResponse> {
        let sig = rsa_pkcs1::sign(&self.private_key, &body, rng)?;
        let mut r = OutgoingResponse::new(200, "application/json", body);
        r.headers
            .push((HEADER_SIGNATURE.to_owned(), encoding::b64_encode(&sig)));
        Ok(r)
    }

    fn prepared<T: crate::crypto::signer::Signable>(
        &self,
        message: T,
        input: Vec<u8>,
    ) -> Prepared<T> {
        Prepared::new(
            message,
            input,
            SignAlgorithm::RsaPkcs1v15Sha256,
            HEADER_SIGNATURE,
            self.private_key.public_key(),
        )
    }

    fn unsigned_response(body: Vec<u8>) -> OutgoingResponse {
        let mut r = OutgoingResponse::new(200, "application/json", body);
        r.headers.push((HEADER_SIGNATURE.to_owned(), String::new()));
        r
    }

    /// [`seal_response`](Self::seal_response) for a platform key held
    /// outside the process: sign the body (PKCS#1 v1.5 SHA-256), then finish.
    pub fn prepare_response<'p>(
        &self,
        data: impl Into<Payload<'p>>,
    ) -> Result<Prepared<OutgoingResponse>> {
        let body = success_body(data.into())?;
        Ok(self.prepared(Self::unsigned_response(body.clone()), body))
    }

    /// [`seal_error`](Self::seal_error) for a platform key held outside the process.
    pub fn prepare_error(&self, code: i64, msg: &str) -> Result<Prepared<OutgoingResponse>> {
        let body = error_body(code, msg);
        Ok(self.prepared(Self::unsigned_response(body.clone()), body))
    }

    /// [`sign_webhook`](WebhookSigner::sign_webhook) for a platform key
    /// held outside the process.
    pub fn prepare_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        _now_ms: u64,
        rng: &mut R,
    ) -> Result<Prepared<SignedWebhook>> {
        let request_id = Self::request_id(hook, rng)?;
        let (webhook, input) =
            self.notification(hook.event_type, hook.payload, &request_id, &[])?;
        Ok(self.prepared(webhook, input))
    }

    fn request_id<R: CryptoRngCore + ?Sized>(
        hook: &Notification<'_>,
        rng: &mut R,
    ) -> Result<String> {
        match hook.id {
            Some(id) => Ok(id.to_owned()),
            None => random_hex(rng, 16),
        }
    }

    /// Finishes a prepared response that crossed a language boundary: the
    /// signature over its body is checked with the platform's public key, then set.
    pub fn finish_response(
        &self,
        mut response: OutgoingResponse,
        signature: &[u8],
    ) -> Result<OutgoingResponse> {
        self.finish(&mut response.headers, &response.body, signature)?;
        Ok(response)
    }

    /// Finishes a prepared notification that crossed a language boundary.
    pub fn finish_webhook(
        &self,
        mut webhook: SignedWebhook,
        signature: &[u8],
    ) -> Result<SignedWebhook> {
        self.finish(&mut webhook.headers, &webhook.body, signature)?;
        Ok(webhook)
    }

    fn finish(
        &self,
        headers: &mut Vec<(String, String)>,
        body: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        crate::crypto::signer::finish_headers(
            headers,
            HEADER_SIGNATURE,
            SignAlgorithm::RsaPkcs1v15Sha256,
            self.private_key.public_half(),
            body,
            signature,
        )
    }

    /// A signed success response `{"success":true,"code":200,"msg":"Success","data":...}`,
    /// `data` sent exactly as given (amounts keep their text).
    pub fn seal_response<'p, R: CryptoRngCore + ?Sized>(
        &self,
        data: impl Into<Payload<'p>>,
        rng: &mut R,
    ) -> Result<OutgoingResponse> {
        let body = success_body(data.into())?;
        self.signed_response(body, rng)
    }

    /// A signed business error `{"success":false,"code":code,"msg":msg,"data":null}`.
    pub fn seal_error<R: CryptoRngCore + ?Sized>(
        &self,
        code: i64,
        msg: &str,
        rng: &mut R,
    ) -> Result<OutgoingResponse> {
        let body = error_body(code, msg);
        self.signed_response(body, rng)
    }

    fn notification(
        &self,
        category: &str,
        payload: Payload<'_>,
        request_id: &str,
        signature: &[u8],
    ) -> Result<(SignedWebhook, Vec<u8>)> {
        check_header_token("category", category)?;
        check_header_token("request_id", request_id)?;
        let body = payload.to_json_bytes()?.into_owned();
        let webhook = SignedWebhook {
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                (HEADER_CATEGORY.to_owned(), category.to_owned()),
                (HEADER_SIGNATURE.to_owned(), encoding::b64_encode(signature)),
                (HEADER_REQUEST_ID.to_owned(), request_id.to_owned()),
            ],
            body: body.clone(),
        };
        Ok((webhook, body))
    }

    /// Encrypts a sensitive field to the merchant public key (Base64 of the
    /// concatenated blocks).
    pub fn encrypt_field<R: CryptoRngCore + ?Sized>(
        &self,
        plaintext: &str,
        padding: RsaPadding,
        rng: &mut R,
    ) -> Result<String> {
        Ok(encoding::b64_encode(&rsa_pkcs1::encrypt(
            &self.merchant_public_key,
            plaintext.as_bytes(),
            padding,
            rng,
        )?))
    }

    /// Whether a merchant's answer acknowledges a notification: HTTP 200 and a
    /// JSON body with `success: true` and `code: 200` (`msg` is not checked).
    pub fn is_acknowledged(status: u16, body: &[u8]) -> bool {
        status == 200
            && serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| envelope_of(&v).ok())
                .is_some_and(|(success, code, _)| success && code == 200)
    }
}

impl RequestVerifier for Platform {
    /// The JSON body (`{}` for an upload).
    type Verified = Value;

    /// Verifies a merchant request: `X-WSB-API-KEY` known (`unknown_merchant`),
    /// `X-WSB-SIGNATURE` over the body, or over `{}` for a multipart upload
    /// (`signature_invalid`); with a path in `msg`, the documented rules of
    /// that path (`validation_failed`). Wasabi signs no time or nonce:
    /// `now_ms` and `guard` are not read.
    fn trace_request<G: ReplayGuard + ?Sized, T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        _guard: &mut G,
        trace: &mut T,
    ) -> Result<Value> {
        self.verify_traced(msg.headers, msg.path, msg.body, trace)
    }
}

impl WebhookSigner for Platform {
    /// A signed notification: `X-WSB-CATEGORY` (the event type),
    /// `X-WSB-REQUEST-ID` (the notification's `id`, else 16 random bytes as
    /// hex: reuse it on redeliveries, that is how merchants recognise them)
    /// and `X-WSB-SIGNATURE` (PKCS#1 v1.5 SHA-256 over the body). Wasabi
    /// signs no time: `now_ms` is not read.
    fn sign_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        _now_ms: u64,
        rng: &mut R,
    ) -> Result<SignedWebhook> {
        let request_id = Self::request_id(hook, rng)?;
        let (mut webhook, body) =
            self.notification(hook.event_type, hook.payload, &request_id, &[])?;
        let sig = rsa_pkcs1::sign(&self.private_key, &body, rng)?;
        crate::crypto::signer::put_signature(&mut webhook.headers, HEADER_SIGNATURE, &sig);
        Ok(webhook)
    }
}

/// `{"success":true,"code":200,"msg":"Success","data":...}`, `data` exactly as given.
fn success_body(data: Payload<'_>) -> Result<Vec<u8>> {
    let data = data.to_json_bytes()?;
    let mut body = br#"{"success":true,"code":200,"msg":"Success","data":"#.to_vec();
    body.extend_from_slice(&data);
    body.push(b'}');
    Ok(body)
}

/// `{"success":false,"code":code,"msg":msg,"data":null}`.
fn error_body(code: i64, msg: &str) -> Vec<u8> {
    json!({"success": false, "code": code, "msg": msg, "data": null})
        .to_string()
        .into_bytes()
}
