//! WorldCard legacy client (merchant) side.

use std::fmt;

use serde_json::Value;
use zeroize::Zeroizing;

use rand_core::CryptoRngCore;

use super::events::{classify, Event, WebhookEvent};
use super::{
    business_error, lenient_code, sign_exclusions, COMMON_PARAMS, DOCUMENT_BODY_MAX_BYTES,
    DOCUMENT_PATH, REQUEST_ONLY_PARAMS, SENSITIVE_CARD_INFO, SENSITIVE_TOP,
};
use crate::contract::{
    random_hex, Opened, Received, Request, RequestBuilder, ResponseOpener, WebhookReceiver,
};
use crate::crypto::aes_ecb::AesEcbKey;
use crate::crypto::md5_sign;
use crate::delivery::{DeliveryConfig, Identity};
use crate::envelope::{
    check_header_token, transform_string_fields, OutgoingRequest, OutgoingResponse, Payload,
};
use crate::error::{ApiError, Error, FieldErrors, Result};
use crate::exact_json::{self, Object};
use crate::http;

/// Where the common parameters travel. The documents do not say; the JSON
/// body is the assumption (what real integrations send), the query string the alternative.
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

/// The legacy client. The `appSecret` signs and keys AES-ECB; it is never sent.
#[derive(Clone)]
pub struct Merchant {
    app_key: String,
    app_secret: Zeroizing<String>,
    ecb: AesEcbKey,
    placement: ParamPlacement,
    delivery: DeliveryConfig,
    validate: bool,
}

impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("app_key", &self.app_key)
            .field("app_secret", &"[redacted]")
            .field("placement", &self.placement)
            .finish()
    }
}

/// The AES-ECB key of an `appSecret`: its bytes, which must be 16, 24 or
/// 32 long. Checked when a client or platform is made, so a wrong secret is
/// an `invalid_key` at once rather than ciphertext handed back as if it
/// were a card value.
pub(crate) fn ecb_for(secret: &str) -> Result<AesEcbKey> {
    AesEcbKey::new(secret.as_bytes()).map_err(|_| Error::InvalidKey {
        reason: "the appSecret must be 16, 24 or 32 bytes (it is also the AES-ECB key)",
    })
}

/// Decrypts the sensitive fields of a `data` value in place.
fn decrypt_sensitive(data: &mut Value, ecb: &AesEcbKey) -> Result<()> {
    let apply = |s: &str| -> Result<String> {
        String::from_utf8(ecb.decrypt_b64(s)?)
            .map_err(|_| Error::malformed("decrypted field is not UTF-8"))
    };
    if let Value::Object(map) = data {
        transform_string_fields(map, SENSITIVE_TOP, apply)?;
        if let Some(Value::Object(info)) = map.get_mut("cardInfo") {
            transform_string_fields(info, SENSITIVE_CARD_INFO, apply)?;
        }
    }
    Ok(())
}

/// `validation_failed` when a document upload body is over the platform's 4 MB.
pub(crate) fn check_body_size(path: &str, len: usize) -> Result<()> {
    if path == DOCUMENT_PATH && len > DOCUMENT_BODY_MAX_BYTES {
        let mut errors = FieldErrors::new();
        errors.insert(
            "body".to_owned(),
            vec![format!(
                "must be at most 4 MB ({DOCUMENT_BODY_MAX_BYTES} bytes) on {DOCUMENT_PATH}; this one is {len} bytes (the platform answers 5001)"
            )],
        );
        return Err(Error::ValidationFailed { errors });
    }
    Ok(())
}

impl Merchant {
    /// A client for `app_key` / `app_secret`. The secret must be 16, 24 or
    /// 32 bytes (it keys AES-ECB): anything else is `invalid_key`.
    pub fn new(app_key: &str, app_secret: &str) -> Result<Self> {
        check_header_token("app_key", app_key)?;
        if app_secret.is_empty() {
            return Err(Error::invalid_key("appSecret is empty"));
        }
        Ok(Merchant {
            app_key: app_key.to_owned(),
            app_secret: Zeroizing::new(app_secret.to_owned()),
            ecb: ecb_for(app_secret)?,
            placement: ParamPlacement::default(),
            delivery: DeliveryConfig::default(),
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

    /// Sets the delivery settings (the retention of webhook delivery keys;
    /// legacy webhooks carry no timestamp, so there is no window).
    #[must_use]
    pub fn with_delivery(mut self, delivery: DeliveryConfig) -> Self {
        self.delivery = delivery;
        self
    }

    fn build(
        &self,
        validate: bool,
        path: &str,
        payload: Payload<'_>,
        timestamp_ms: u64,
        nonce: &str,
    ) -> Result<OutgoingRequest> {
        if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
            return Err(Error::invalid_input(
                "legacy paths look like /op/card/E/info",
            ));
        }
        check_header_token("nonce", nonce)?;
        let mut fields = payload.to_exact_object()?;
        for p in COMMON_PARAMS.iter().chain(["appSecret"].iter()) {
            if fields.contains(p) {
                return Err(Error::invalid_input(format!(
                    "payload must not carry {p}: cardwire adds the common parameters"
                )));
            }
        }
        if validate {
            let today = crate::validate::date_from_unix_seconds(timestamp_ms / 1000);
            crate::registry::check_payload(
                crate::registry::Provider::WorldCardLegacy,
                path,
                &fields.to_value(),
                Some(&today),
            )?;
        }
        if path.ends_with("/change/pin/secure") {
            if let Some(pin) = fields.get_str("pin") {
                if !pin.is_empty() && pin.bytes().all(|b| b.is_ascii_digit()) {
                    fields.insert_str("pin", &self.ecb.encrypt_b64(pin.as_bytes()))?;
                }
            }
        }
        let ts = timestamp_ms.to_string();
        let mut all = fields.clone();
        all.insert_str("appKey", &self.app_key)?;
        all.insert_str("nonce", nonce)?;
        all.insert_str("timestamp", &ts)?;
        let sign = md5_sign::sign(&all, &self.app_secret, sign_exclusions(path))?;
        let (path, body) = match self.placement {
            ParamPlacement::JsonBody => {
                all.insert_str("sign", &sign)?;
                (path.to_owned(), all.to_bytes())
            }
            ParamPlacement::Query => {
                let q = [
                    ("appKey", self.app_key.as_str()),
                    ("nonce", nonce),
                    ("timestamp", ts.as_str()),
                    ("sign", sign.as_str()),
                ];
                (http::with_query(path, &q), fields.to_bytes())
            }
        };
        check_body_size(path.split('?').next().unwrap_or_default(), body.len())?;
        Ok(OutgoingRequest {
            method: "POST".to_owned(),
            path,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body,
        })
    }

    /// AES/ECB/PKCS5 decryption of one field, keyed by the `appSecret` bytes.
    pub fn decrypt_field(&self, value: &str) -> Result<String> {
        let plain = self.ecb.decrypt_b64(value)?;
        String::from_utf8(plain).map_err(|_| Error::malformed("decrypted field is not UTF-8"))
    }

    /// AES/ECB/PKCS5 encryption of one field (the PIN on `/change/pin/secure`).
    pub fn encrypt_field(&self, value: &str) -> Result<String> {
        Ok(self.ecb.encrypt_b64(value.as_bytes()))
    }

    fn open(&self, body: &[u8], http_status: Option<u16>) -> Result<Value> {
        let v: Value = match exact_json::parse(body) {
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
        decrypt_sensitive(&mut data, &self.ecb)?;
        Ok(data)
    }

    fn trace<T: crate::explain::Tracer + ?Sized>(
        &self,
        body: &[u8],
        t: &mut T,
    ) -> Result<WebhookEvent> {
        use crate::explain::{check, note};
        let obj = check(
            t,
            "body is a JSON object (exact received values kept)",
            Object::parse(body),
            |_| String::new(),
        )?;
        let sign = check(
            t,
            "sign present",
            obj.get_str("sign")
                .ok_or_else(|| Error::malformed("webhook has no sign")),
            |_| String::new(),
        )?;
        note(t, "signed text: the fields sorted by name, `k=v` joined by `&`, appSecret in its sorted place", || {
            md5_sign::canonical_string(&obj, "\u{1}", &[])
                .map(|c| c.replace('\u{1}', "[redacted]"))
                .unwrap_or_default()
        });
        check(
            t,
            "sign = MD5 of the signed text",
            md5_sign::verify(&obj, &self.app_secret, &[], &sign),
            |r| {
                let expected = md5_sign::sign(&obj, &self.app_secret, &[]).unwrap_or_default();
                match r {
                Ok(()) => format!("arrived {sign}"),
                Err(_) => format!("arrived {sign}; the appSecret gives {expected} (numbers are signed by their exact text: 20.10, not 20.1)"),
            }
            },
        )?;
        check(
            t,
            "appKey, when present, is this client's",
            match obj.get_str("appKey") {
                Some(k) if k != self.app_key => {
                    Err(Error::malformed("appKey is not this client's"))
                }
                _ => Ok(()),
            },
            |_| crate::explain::arrived(obj.get_str("appKey").as_deref()),
        )?;
        check(
            t,
            "not a request-shaped body (no nonce or timestamp: a reflected request is refused)",
            match REQUEST_ONLY_PARAMS.iter().find(|p| obj.contains(p)) {
                Some(p) => Err(Error::malformed(format!(
                    "a request-shaped body (it carries {p}) is not a webhook: refused as a reflected request"
                ))),
                None => Ok(()),
            },
            |_| String::new(),
        )?;
        let raw = obj.to_value();
        let (event, business_key) = classify(&raw);
        let signed = md5_sign::canonical_string(&obj, "", &[])?;
        Ok(WebhookEvent {
            event_type: event.type_name(),
            event,
            raw,
            duplicate: false,
            delivery: self.delivery.delivery(
                "worldcard_legacy",
                &self.app_key,
                Identity::Content(signed.as_bytes()),
            ),
            delivery_id: None,
            timestamp_ms: None,
            business_key: Some(business_key),
        })
    }

    /// The acknowledgement: HTTP 200, plain-text `ok`.
    pub fn webhook_ack() -> OutgoingResponse {
        OutgoingResponse::new(200, "text/plain", b"ok".to_vec())
    }
}

impl RequestBuilder for Merchant {
    /// Builds a signed POST to `path` (`/api/card/...`, `/op/card/...`,
    /// `/api/v1/legacy/tf/v4/...`). The payload must be a JSON object without
    /// the common parameters (cardwire adds them). Bytes and text keep every
    /// value exactly as written (`20.10` is sent and signed as `20.10`). On
    /// `.../change/pin/secure` a `pin` given as plain digits is AES-ECB
    /// encrypted first. A document upload over 4 MB is `validation_failed`.
    ///
    /// The common parameters are added: `appKey`, `nonce` (`req.nonce`, else
    /// 8 random bytes as hex), `timestamp` (`req.timestamp` in Unix
    /// milliseconds, else `now_ms`) and `sign`.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<OutgoingRequest> {
        req.refuse_unused("WorldCard legacy", &["nonce", "timestamp"])?;
        let nonce = match req.nonce {
            Some(n) => n.to_owned(),
            None => random_hex(rng, 8)?,
        };
        self.build(
            req.validate.unwrap_or(self.validate),
            req.path,
            req.payload.unwrap_or(Payload::Bytes(b"{}")),
            req.timestamp.unwrap_or(now_ms),
            &nonce,
        )
    }
}

impl ResponseOpener for Merchant {
    /// Opens `{success, status, msg, data}`: `status = 200` → `data` with the
    /// sensitive fields decrypted (amounts as exact decimal strings); any
    /// other status → `api_error` carrying it, with `outcome_unknown` on
    /// `500` and `5000` (query the order).
    /// Legacy responses are not signed: `authenticated` is false.
    fn open_response(&self, msg: &Received<'_>, _now_ms: u64) -> Result<Opened> {
        let data = self.open(msg.body, msg.status)?;
        let mut o = Opened::new(msg, data);
        o.code = Some("200".to_owned());
        Ok(o)
    }
}

impl WebhookReceiver for Merchant {
    type Event = Event;

    /// Verifies a legacy webhook and records it in `guard`. `sign` is
    /// recomputed over **all** received fields except `sign` (examples carry
    /// fields their tables omit), each by its exact received text, and
    /// compared in constant time; an `appKey` other than this client's is
    /// `malformed_envelope`. A request-shaped body (carrying the request-only
    /// `nonce` or `timestamp`) is refused: requests are signed with the same
    /// secret, and one captured and posted to the webhook URL must not come
    /// back as an event. There is no timestamp, so no freshness check; a
    /// delivery whose signed parameters were seen before comes back with
    /// `duplicate = true`.
    ///
    /// Legacy webhooks sign their body only: headers are not read
    /// ([`Received::body_only`]).
    fn trace_webhook<T: crate::explain::Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        trace: &mut T,
    ) -> Result<WebhookEvent> {
        self.trace(msg.body, trace)
    }

    /// HTTP 200, plain-text `ok`.
    fn webhook_ack(&self) -> OutgoingResponse {
        Merchant::webhook_ack()
    }
}
