//! WorldCard legacy platform side.

use std::fmt;

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::client::{ecb_for, ecb_required, transform_sensitive};
use super::sign_exclusions;
use crate::crypto::aes_ecb::AesEcbKey;
use crate::crypto::md5_sign;
use crate::envelope::{check_header_token, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};

/// The legacy platform side for one merchant.
#[derive(Clone)]
pub struct Platform {
    app_key: String,
    app_secret: Zeroizing<String>,
    ecb: Option<AesEcbKey>,
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
    /// A platform that knows one `app_key` / `app_secret`.
    pub fn new(app_key: &str, app_secret: &str) -> Result<Self> {
        check_header_token("app_key", app_key)?;
        Ok(Platform {
            app_key: app_key.to_owned(),
            app_secret: Zeroizing::new(app_secret.to_owned()),
            ecb: ecb_for(app_secret),
        })
    }

    /// Verifies a request to `path`: the parameters are the JSON body's
    /// fields merged with the query string's (`key=value&...`, as sent,
    /// percent-decoding not applied since values are not URL-encoded for
    /// signing). Unknown `appKey` → `unknown_merchant`; missing `sign` →
    /// `malformed_envelope`; a wrong one → `signature_invalid`. Returns the
    /// endpoint's fields without the common parameters.
    pub fn verify_request(&self, path: &str, body: &[u8]) -> Result<Map<String, Value>> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut params: Map<String, Value> = if body.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            match serde_json::from_slice(body) {
                Ok(Value::Object(m)) => m,
                _ => return Err(Error::malformed("body is not a JSON object")),
            }
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.insert(k.to_owned(), Value::from(v));
        }
        match params.get("appKey").and_then(Value::as_str) {
            Some(k) if k == self.app_key => {}
            Some(_) => return Err(Error::UnknownMerchant),
            None => return Err(Error::malformed("appKey is missing")),
        }
        let sign = params
            .get("sign")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::malformed("sign is missing"))?
            .to_owned();
        md5_sign::verify(&params, &self.app_secret, sign_exclusions(path), &sign)?;
        for p in super::COMMON_PARAMS {
            params.remove(*p);
        }
        crate::validate::check_map(
            crate::validate::Provider::WorldCardLegacy,
            path,
            params,
            None,
        )
    }

    /// A success response `{"success":true,"status":200,"msg":"Operation successful","data":...}`
    /// with the sensitive fields AES-ECB encrypted.
    pub fn seal_response<'p>(&self, data: impl Into<Payload<'p>>) -> Result<OutgoingResponse> {
        let bytes = data.into().to_json_bytes()?;
        let mut data: Value =
            serde_json::from_slice(&bytes).map_err(|_| Error::invalid_input("data is not JSON"))?;
        transform_sensitive(&mut data, ecb_required(&self.ecb)?, true)?;
        let body =
            json!({"success": true, "status": 200, "msg": "Operation successful", "data": data});
        Ok(OutgoingResponse::new(
            200,
            "application/json",
            body.to_string().into_bytes(),
        ))
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

    /// Signs a webhook: the payload object gets `appKey` and `sign` (over all
    /// its fields). Values that must be JSON strings (VIRTUAL-P and OOB
    /// `data`) must be given as strings.
    pub fn sign_webhook<'p>(&self, payload: impl Into<Payload<'p>>) -> Result<SignedWebhook> {
        let mut map = payload.into().to_object()?;
        map.insert("appKey".to_owned(), Value::from(self.app_key.clone()));
        map.remove("sign");
        let sign = md5_sign::sign(&map, &self.app_secret, &[])?;
        map.insert("sign".to_owned(), Value::from(sign));
        let body = serde_json::to_vec(&Value::Object(map))
            .map_err(|_| Error::invalid_input("payload cannot be serialized"))?;
        Ok(SignedWebhook {
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body,
        })
    }

    /// Whether a merchant acknowledged a webhook: HTTP 200 and the text `ok`.
    pub fn is_acknowledged(status: u16, body: &[u8]) -> bool {
        status == 200 && body.trim_ascii() == b"ok"
    }
}
