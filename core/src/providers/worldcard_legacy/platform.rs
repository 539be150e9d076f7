//! WorldCard legacy platform side.

use std::fmt;

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::merchant::{check_body_size, ecb_for};
use super::{
    sign_exclusions, COMMON_PARAMS, REQUEST_ONLY_PARAMS, SENSITIVE_CARD_INFO, SENSITIVE_TOP,
};
use rand_core::CryptoRngCore;

use crate::contract::{Notification, Received, RequestVerifier, WebhookSigner};
use crate::crypto::aes_ecb::AesEcbKey;
use crate::crypto::md5_sign;
use crate::delivery::ReplayGuard;
use crate::envelope::{check_header_token, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};
use crate::exact_json::Object;

/// The legacy platform side for one merchant.
#[derive(Clone)]
pub struct Platform {
    app_key: String,
    app_secret: Zeroizing<String>,
    ecb: AesEcbKey,
}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Platform")
            .field("app_key", &self.app_key)
            .field("app_secret", &"[redacted]")
            .finish()
    }
}

impl Platform {
    /// A platform that knows one `app_key` / `app_secret` (16, 24 or 32 bytes).
    pub fn new(app_key: &str, app_secret: &str) -> Result<Self> {
        check_header_token("app_key", app_key)?;
        Ok(Platform {
            app_key: app_key.to_owned(),
            app_secret: Zeroizing::new(app_secret.to_owned()),
            ecb: ecb_for(app_secret)?,
        })
    }

    fn verify_traced<T: crate::explain::Tracer + ?Sized>(
        &self,
        path: &str,
        body: &[u8],
        t: &mut T,
    ) -> Result<Map<String, Value>> {
        use crate::explain::{check, note};
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut params = check(
            t,
            "parameters: the JSON body's fields (exact received text) and the query string's",
            (|| {
                let mut params = if body.iter().all(u8::is_ascii_whitespace) {
                    Object::default()
                } else {
                    Object::parse(body)?
                };
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    params.insert_str(k, v)?;
                }
                Ok(params)
            })(),
            |r| match r {
                Ok(p) => format!("{} parameters", p.len()),
                Err(e) => format!("{e}"),
            },
        )?;
        check(
            t,
            "appKey is the merchant's",
            match params.get_str("appKey") {
                Some(k) if k == self.app_key => Ok(()),
                Some(_) => Err(Error::UnknownMerchant),
                None => Err(Error::malformed("appKey is missing")),
            },
            |_| {
                format!(
                    "{}; this merchant's is {:?}",
                    crate::explain::arrived(params.get_str("appKey").as_deref()),
                    self.app_key
                )
            },
        )?;
        let sign = check(
            t,
            "sign present",
            params
                .get_str("sign")
                .ok_or_else(|| Error::malformed("sign is missing")),
            |_| String::new(),
        )?;
        let excluded = sign_exclusions(path);
        note(t, "signed text: the parameters sorted by name, `k=v` joined by `&`, appSecret last in order", || {
            md5_sign::canonical_string(&params, "\u{1}", excluded)
                .map(|c| c.replace('\u{1}', "[redacted]"))
                .unwrap_or_default()
        });
        check(
            t,
            "sign = MD5 of the signed text (hex, either case)",
            md5_sign::verify(&params, &self.app_secret, excluded, &sign),
            |r| {
                let expected =
                    md5_sign::sign(&params, &self.app_secret, excluded).unwrap_or_default();
                match r {
                    Ok(()) => format!("arrived {sign}"),
                    Err(_) => format!("arrived {sign}; the appSecret gives {expected}"),
                }
            },
        )?;
        check(
            t,
            "nonce and timestamp present (a request, not a reflected webhook)",
            match REQUEST_ONLY_PARAMS
                .iter()
                .find(|p| params.sign_text(p).is_none())
            {
                Some(p) => Err(Error::malformed(format!(
                    "{p} is missing: a request carries nonce and timestamp (a webhook-shaped body is refused)"
                ))),
                None => Ok(()),
            },
            |r| match r {
                Ok(()) => String::new(),
                Err(e) => format!("{e}"),
            },
        )?;
        check(
            t,
            "body size within the endpoint's limit",
            check_body_size(path, body.len()),
            |_| format!("{} bytes", body.len()),
        )?;
        for p in COMMON_PARAMS {
            params.remove(p);
        }
        let value = params.to_value();
        check(
            t,
            "payload follows the endpoint's documented rules",
            crate::registry::check_payload(
                crate::registry::Provider::WorldCardLegacy,
                path,
                &value,
                None,
            ),
            |r| match r {
                Ok(_) => format!("{path}: ok"),
                Err(e) => format!("{path}: {e}"),
            },
        )?;
        Ok(match value {
            Value::Object(m) => m,
            _ => Map::new(),
        })
    }

    /// A success response `{"success":true,"status":200,"msg":"Operation successful","data":...}`
    /// with the sensitive fields AES-ECB encrypted; every other value of
    /// `data` is sent exactly as given.
    pub fn seal_response<'p>(&self, data: impl Into<Payload<'p>>) -> Result<OutgoingResponse> {
        let bytes = data.into().to_json_bytes()?;
        let data_text: Vec<u8> = match Object::parse(&bytes) {
            Ok(mut obj) => {
                let ecb = &self.ecb;
                let enc = |s: &str| Ok(ecb.encrypt_b64(s.as_bytes()));
                obj.transform_strings(SENSITIVE_TOP, enc)?;
                if let Some(info) = obj.get_raw("cardInfo").filter(|t| t.starts_with('{')) {
                    let mut info = Object::parse(info.as_bytes())?;
                    info.transform_strings(SENSITIVE_CARD_INFO, enc)?;
                    obj.insert_raw(
                        "cardInfo",
                        String::from_utf8_lossy(&info.to_bytes()).into_owned(),
                    )?;
                }
                obj.to_bytes()
            }
            // Not an object (a list, null): nothing to encrypt, sent as given.
            Err(_) => bytes.into_owned(),
        };
        let mut body =
            br#"{"success":true,"status":200,"msg":"Operation successful","data":"#.to_vec();
        body.extend_from_slice(&data_text);
        body.push(b'}');
        Ok(OutgoingResponse::new(200, "application/json", body))
    }

    /// A business error (`5001` for invalid parameters, ...).
    pub fn seal_error(code: i64, msg: &str) -> OutgoingResponse {
        let body = json!({"success": false, "status": code, "msg": msg, "data": null});
        OutgoingResponse::new(200, "application/json", body.to_string().into_bytes())
    }

    /// The answer to a failed check (`5001` for signature and parameter errors).
    pub fn rejection(err: &Error) -> OutgoingResponse {
        match err {
            Error::UnknownMerchant
            | Error::SignatureInvalid
            | Error::MalformedEnvelope { .. }
            | Error::ValidationFailed { .. } => Self::seal_error(5001, "Invalid parameters"),
            _ => Self::seal_error(5006, "Service error"),
        }
    }

    fn sign(&self, payload: Payload<'_>) -> Result<SignedWebhook> {
        let mut obj = payload.to_exact_object()?;
        if let Some(p) = REQUEST_ONLY_PARAMS.iter().find(|p| obj.contains(p)) {
            return Err(Error::invalid_input(format!(
                "a webhook payload must not carry {p} (only requests do)"
            )));
        }
        obj.insert_str("appKey", &self.app_key)?;
        obj.remove("sign");
        let sign = md5_sign::sign(&obj, &self.app_secret, &[])?;
        obj.insert_str("sign", &sign)?;
        Ok(SignedWebhook {
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: obj.to_bytes(),
        })
    }

    /// Whether a merchant acknowledged a webhook: HTTP 200 and the text `ok`.
    pub fn is_acknowledged(status: u16, body: &[u8]) -> bool {
        status == 200 && body.trim_ascii() == b"ok"
    }
}

impl RequestVerifier for Platform {
    /// The endpoint's fields without the common parameters.
    type Verified = Map<String, Value>;

    /// Verifies a request to its path (`msg.path`, with any query string; required): the parameters are the JSON body's
    /// fields (each by its exact received text) merged with the query
    /// string's (`key=value&...`, as sent, percent-decoding not applied since
    /// values are not URL-encoded for signing). Unknown `appKey` →
    /// `unknown_merchant`; missing `sign`, `nonce` or `timestamp` (a
    /// webhook-shaped body) → `malformed_envelope`; a wrong sign →
    /// `signature_invalid`; a document upload over 4 MB or a payload that
    /// breaks the documented rules → `validation_failed`. Returns the
    /// endpoint's fields without the common parameters.
    ///
    /// Legacy signs no time and the platform keeps no nonce store here:
    /// `now_ms` and `guard` are not read.
    fn trace_request<G: ReplayGuard + ?Sized, T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        _guard: &mut G,
        trace: &mut T,
    ) -> Result<Map<String, Value>> {
        self.verify_traced(msg.require_path()?, msg.body, trace)
    }
}

impl WebhookSigner for Platform {
    /// Signs a webhook: the payload object gets `appKey` and `sign` (over all
    /// its fields, each by its exact text). Values that must be JSON strings
    /// (VIRTUAL-P and OOB `data`) must be given as strings. A payload with
    /// `nonce` or `timestamp` is `invalid_input`: that is a request's shape,
    /// and merchants refuse it as a reflection.
    /// The event type is not sent (the payload carries its own fields);
    /// `now_ms` and `rng` are not read.
    fn sign_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        _now_ms: u64,
        _rng: &mut R,
    ) -> Result<SignedWebhook> {
        self.sign(hook.payload)
    }
}
