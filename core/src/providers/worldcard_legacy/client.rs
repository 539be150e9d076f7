//! WorldCard legacy client (merchant) side.

use std::fmt;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::events::{classify, WebhookEvent};
use super::{
    business_error, lenient_code, sign_exclusions, COMMON_PARAMS, SENSITIVE_CARD_INFO,
    SENSITIVE_TOP,
};
use crate::crypto::aes_ecb::AesEcbKey;
use crate::crypto::md5_sign;
use crate::envelope::{
    check_header_token, transform_string_fields, OutgoingRequest, OutgoingResponse, Payload,
    ReplayGuard, Seen,
};
use crate::error::{ApiError, Error, Result};
use crate::wire;

/// Where the common parameters travel. The documents do not say; the JSON
/// body is the assumption (providers.md), the query string the alternative.
/// The signature covers all parameters either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ParamPlacement {
    /// `appKey`, `nonce`, `timestamp`, `sign` in the JSON body next to the endpoint's fields (default).
    #[default]
    JsonBody,
    /// The common parameters in the query string; the body holds the endpoint's fields.
    Query,
}

/// The legacy client. The `appSecret` signs and (when 16, 24 or 32 bytes)
/// keys AES-ECB; it is never sent.
#[derive(Clone)]
pub struct Client {
    app_key: String,
    app_secret: Zeroizing<String>,
    ecb: Option<AesEcbKey>,
    placement: ParamPlacement,
    dedup_ttl_ms: u64,
    validate: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("app_key", &self.app_key)
            .field("app_secret", &"[redacted]")
            .field("placement", &self.placement)
            .finish()
    }
}

pub(crate) fn ecb_for(secret: &str) -> Option<AesEcbKey> {
    AesEcbKey::new(secret.as_bytes()).ok()
}

pub(crate) fn ecb_required(ecb: &Option<AesEcbKey>) -> Result<&AesEcbKey> {
    ecb.as_ref().ok_or(Error::InvalidKey {
        reason: "AES-ECB needs an appSecret of 16, 24 or 32 bytes",
    })
}

/// Decrypts (or, with `encrypt`, encrypts) the sensitive fields of a `data` value in place.
pub(crate) fn transform_sensitive(data: &mut Value, ecb: &AesEcbKey, encrypt: bool) -> Result<()> {
    let apply = |s: &str| -> Result<String> {
        if encrypt {
            Ok(ecb.encrypt_b64(s.as_bytes()))
        } else {
            String::from_utf8(ecb.decrypt_b64(s)?)
                .map_err(|_| Error::malformed("decrypted field is not UTF-8"))
        }
    };
    if let Value::Object(map) = data {
        transform_string_fields(map, SENSITIVE_TOP, apply)?;
        if let Some(Value::Object(info)) = map.get_mut("cardInfo") {
            transform_string_fields(info, SENSITIVE_CARD_INFO, apply)?;
        }
    }
    Ok(())
}

impl Client {
    /// A client for `app_key` / `app_secret`.
    pub fn new(app_key: &str, app_secret: &str) -> Result<Self> {
        check_header_token("app_key", app_key)?;
        if app_secret.is_empty() {
            return Err(Error::invalid_key("appSecret is empty"));
        }
        Ok(Client {
            app_key: app_key.to_owned(),
            app_secret: Zeroizing::new(app_secret.to_owned()),
            ecb: ecb_for(app_secret),
            placement: ParamPlacement::default(),
            dedup_ttl_ms: 48 * 60 * 60 * 1000,
            validate: true,
        })
    }

    /// Validate payloads against the documented rules before signing (default on).
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// Sets where the common parameters travel.
    #[must_use]
    pub fn with_placement(mut self, placement: ParamPlacement) -> Self {
        self.placement = placement;
        self
    }

    /// Builds a signed POST to `path` (`/api/card/...`, `/op/card/...`,
    /// `/api/v1/legacy/tf/v4/...`). The payload must be a JSON object without
    /// the common parameters (cardwire adds them). On `.../change/pin/secure`
    /// a `pin` given as plain digits is AES-ECB encrypted first.
    pub fn build_request<'p>(
        &self,
        path: &str,
        payload: impl Into<Payload<'p>>,
        timestamp_ms: u64,
        nonce: &str,
    ) -> Result<OutgoingRequest> {
        self.build(self.validate, path, payload, timestamp_ms, nonce)
    }

    /// [`build_request`](Self::build_request) without validation, for this call.
    pub fn build_request_unvalidated<'p>(
        &self,
        path: &str,
        payload: impl Into<Payload<'p>>,
        timestamp_ms: u64,
        nonce: &str,
    ) -> Result<OutgoingRequest> {
        self.build(false, path, payload, timestamp_ms, nonce)
    }

    fn build<'p>(
        &self,
        validate: bool,
        path: &str,
        payload: impl Into<Payload<'p>>,
        timestamp_ms: u64,
        nonce: &str,
    ) -> Result<OutgoingRequest> {
        if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
            return Err(Error::invalid_input(
                "legacy paths look like /op/card/E/info",
            ));
        }
        check_header_token("nonce", nonce)?;
        let mut fields = payload.into().to_object()?;
        for p in COMMON_PARAMS.iter().chain(["appSecret"].iter()) {
            if fields.contains_key(*p) {
                return Err(Error::invalid_input(format!(
                    "payload must not carry {p}: cardwire adds the common parameters"
                )));
            }
        }
        if validate {
            let today = crate::validate::date_from_unix_seconds(timestamp_ms / 1000);
            fields = crate::validate::check_map(
                crate::validate::Provider::WorldCardLegacy,
                path,
                fields,
                Some(&today),
            )?;
        }
        if path.ends_with("/change/pin/secure") {
            if let Some(Value::String(pin)) = fields.get_mut("pin") {
                if !pin.is_empty() && pin.bytes().all(|b| b.is_ascii_digit()) {
                    *pin = ecb_required(&self.ecb)?.encrypt_b64(pin.as_bytes());
                }
            }
        }
        let mut all: Map<String, Value> = fields.clone();
        all.insert("appKey".to_owned(), Value::from(self.app_key.clone()));
        all.insert("nonce".to_owned(), Value::from(nonce));
        all.insert(
            "timestamp".to_owned(),
            Value::from(timestamp_ms.to_string()),
        );
        let sign = md5_sign::sign(&all, &self.app_secret, sign_exclusions(path))?;
        let (path, body_map) = match self.placement {
            ParamPlacement::JsonBody => {
                all.insert("sign".to_owned(), Value::from(sign));
                (path.to_owned(), all)
            }
            ParamPlacement::Query => {
                let ts = timestamp_ms.to_string();
                let q = [
                    ("appKey", self.app_key.as_str()),
                    ("nonce", nonce),
                    ("timestamp", ts.as_str()),
                    ("sign", sign.as_str()),
                ];
                (wire::with_query(path, &q), fields)
            }
        };
        let body = serde_json::to_vec(&Value::Object(body_map))
            .map_err(|_| Error::invalid_input("payload cannot be serialized"))?;
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body,
        })
    }

    /// AES/ECB/PKCS5 decryption of one field, keyed by the `appSecret` bytes.
    pub fn decrypt_field(&self, value: &str) -> Result<String> {
        let plain = ecb_required(&self.ecb)?.decrypt_b64(value)?;
        String::from_utf8(plain).map_err(|_| Error::malformed("decrypted field is not UTF-8"))
    }

    /// AES/ECB/PKCS5 encryption of one field (the PIN on `/change/pin/secure`).
    pub fn encrypt_field(&self, value: &str) -> Result<String> {
        Ok(ecb_required(&self.ecb)?.encrypt_b64(value.as_bytes()))
    }

    /// Opens `{success, status, msg, data}`: `status = 200` → `data` with the
    /// sensitive fields decrypted; any other status → `api_error` carrying
    /// it, with `outcome_unknown` on `500` and `5000` (query the order).
    pub fn open_response(&self, body: &[u8], http_status: Option<u16>) -> Result<Value> {
        let v: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => {
                return match http_status.filter(|s| !(200..300).contains(s)) {
                    Some(s) => Err(ApiError::from_http(s, body).into()),
                    None => Err(Error::malformed("response is not JSON")),
                }
            }
        };
        let code = lenient_code(v.get("status"))
            .ok_or_else(|| Error::malformed("response has no status code"))?;
        let msg = v.get("msg").and_then(Value::as_str).unwrap_or_default();
        let success = v
            .get("success")
            .and_then(Value::as_bool)
            .unwrap_or(code == 200);
        if code != 200 || !success {
            return Err(business_error(code, msg, http_status));
        }
        let mut data = v.get("data").cloned().unwrap_or(Value::Null);
        if let Some(ecb) = &self.ecb {
            transform_sensitive(&mut data, ecb, false)?;
        }
        Ok(data)
    }

    /// Verifies a legacy webhook: `sign` is recomputed over **all** received
    /// fields except `sign` (examples carry fields their tables omit),
    /// compared in constant time; an `appKey` other than this client's is
    /// `malformed_envelope`. There is no timestamp or nonce, so freshness
    /// cannot be checked; duplicates are recognised by a business key.
    pub fn verify_webhook<G: ReplayGuard + ?Sized>(
        &self,
        body: &[u8],
        now_ms: u64,
        guard: &mut G,
    ) -> Result<WebhookEvent> {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|_| Error::malformed("webhook body is not JSON"))?;
        let map = raw
            .as_object()
            .ok_or_else(|| Error::malformed("webhook body is not a JSON object"))?;
        let sign = map
            .get("sign")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::malformed("webhook has no sign"))?;
        md5_sign::verify(map, &self.app_secret, &[], sign)?;
        match map.get("appKey").and_then(Value::as_str) {
            Some(k) if k != self.app_key => {
                return Err(Error::malformed("appKey is not this client's"))
            }
            _ => {}
        }
        let (event, dedup_key) = classify(&raw);
        let duplicate = guard.check_and_record(
            &format!("legacy:{}:{dedup_key}", self.app_key),
            now_ms,
            self.dedup_ttl_ms,
        ) == Seen::Again;
        Ok(WebhookEvent {
            event,
            raw,
            duplicate,
            dedup_key,
        })
    }

    /// The acknowledgement: HTTP 200, plain-text `ok`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "text/plain", b"ok".to_vec())
    }
}
