//! PayCA platform side.

use std::fmt;

use serde_json::json;

use super::{
    HEADER_CLIENT_ID, HEADER_CLIENT_SECRET, HEADER_REQUEST_ID, HEADER_SIGNATURE,
    HEADER_WEBHOOK_IDEMPOTENCY,
};
use crate::contract::{random_hex, Notification, Received, RequestVerifier, WebhookSigner};
use crate::crypto::hmac_sha256::HmacKey;
use crate::delivery::ReplayGuard;
use crate::envelope::{check_header_token, Headers, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};
use crate::explain::Tracer;
use rand_core::CryptoRngCore;
use serde_json::Value;
use zeroize::Zeroizing;

/// The PayCA platform side for one client.
#[derive(Clone)]
pub struct Platform {
    client_id: String,
    client_secret: Zeroizing<String>,
    hmac: HmacKey,
}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Platform")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

impl Platform {
    /// A platform that knows one client.
    pub fn new(client_id: &str, client_secret: &str) -> Result<Self> {
        check_header_token("client_id", client_id)?;
        Ok(Platform {
            client_id: client_id.to_owned(),
            client_secret: Zeroizing::new(client_secret.to_owned()),
            hmac: HmacKey::new(client_secret.as_bytes())?,
        })
    }

    /// Checks a request's credentials: unknown `x-client-id` →
    /// `unknown_merchant`; wrong `x-client-secret` (compared in constant time)
    /// → `signature_invalid`; missing → `malformed_envelope`.
    fn credentials(&self, headers: &Headers) -> Result<()> {
        let id = headers.require(HEADER_CLIENT_ID)?;
        let secret = headers.require(HEADER_CLIENT_SECRET)?;
        if id != self.client_id {
            return Err(Error::UnknownMerchant);
        }
        if crate::crypto::ct_eq(secret.as_bytes(), self.client_secret.as_bytes()) {
            Ok(())
        } else {
            Err(Error::SignatureInvalid)
        }
    }

    /// Parses and validates a received JSON body for `path` (a template such
    /// as `/v1/users/{id}/cardholder` or a concrete path): `validation_failed`,
    /// answered by [`rejection`](Self::rejection) as `ErrInvalidArg`.
    pub fn validate_body(&self, path: &str, body: &[u8]) -> Result<serde_json::Value> {
        // A body that is not JSON is the caller's argument error (400
        // ErrInvalidArg), not a credential failure.
        let v: serde_json::Value = crate::exact_json::parse(body)
            .map_err(|_| Error::invalid_input("the request body is not JSON"))?;
        crate::registry::check_payload(crate::registry::Provider::PayCa, path, &v, None)?;
        Ok(v)
    }

    fn sign(
        &self,
        body: Vec<u8>,
        request_id: &str,
        idempotency_key: Option<&str>,
    ) -> Result<SignedWebhook> {
        check_header_token("request_id", request_id)?;
        let mut headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            (
                HEADER_SIGNATURE.to_owned(),
                format!("sha256={}", self.hmac.mac_hex(&body)),
            ),
            (HEADER_CLIENT_ID.to_owned(), self.client_id.clone()),
            (HEADER_REQUEST_ID.to_owned(), request_id.to_owned()),
        ];
        if let Some(k) = idempotency_key {
            check_header_token("idempotency_key", k)?;
            headers.push((HEADER_WEBHOOK_IDEMPOTENCY.to_owned(), k.to_owned()));
        }
        Ok(SignedWebhook { headers, body })
    }

    /// The webhook body for `event_type`: a cardholder status event is the
    /// payload itself (flat, as documented); every other event is
    /// `{"event": <type>, "data": <payload>}`.
    fn webhook_body(event_type: &str, payload: Payload<'_>) -> Result<Vec<u8>> {
        let data = payload.to_json_bytes()?;
        if event_type == "cardholder_status" || event_type.is_empty() {
            return Ok(data.into_owned());
        }
        let mut b = br#"{"event":"#.to_vec();
        b.extend_from_slice(
            serde_json::to_string(event_type)
                .map_err(|_| Error::invalid_input("event type cannot be encoded"))?
                .as_bytes(),
        );
        b.extend_from_slice(br#","data":"#);
        b.extend_from_slice(&data);
        b.push(b'}');
        Ok(b)
    }

    /// An error response in PayCA's shape.
    pub fn seal_error(
        status: u16,
        code: &str,
        message: &str,
        request_id: &str,
    ) -> OutgoingResponse {
        let body = json!({"error": {"code": code, "message": message, "details": null}, "requestId": request_id});
        OutgoingResponse::new(status, "application/json", body.to_string().into_bytes())
    }

    /// The platform's answer to a failed credential check.
    /// `details` carries the field errors of a validation refusal
    /// (`{field: [messages]}`), else `null`.
    pub fn rejection(err: &Error, request_id: &str) -> OutgoingResponse {
        match err {
            Error::ValidationFailed { errors } => {
                let body = json!({"error": {"code": "ErrInvalidArg", "message": "invalid argument", "details": errors}, "requestId": request_id});
                OutgoingResponse::new(400, "application/json", body.to_string().into_bytes())
            }
            Error::InvalidInput { .. } => {
                Self::seal_error(400, "ErrInvalidArg", "invalid argument", request_id)
            }
            Error::UnknownMerchant | Error::SignatureInvalid | Error::MalformedEnvelope { .. } => {
                Self::seal_error(401, "ErrUnauthorized", "unauthorized", request_id)
            }
            _ => Self::seal_error(500, "ErrInternal", "internal error", request_id),
        }
    }

    /// Whether a merchant's answer acknowledges a webhook: 204 is documented;
    /// any other 2xx is accepted too (an assumption).
    pub fn is_acknowledged(status: u16) -> bool {
        (200..300).contains(&status)
    }
}

impl RequestVerifier for Platform {
    /// The body, parsed (validated against the documented rules for the
    /// path, when `msg` has one); `null` for a request without a body.
    type Verified = Value;

    /// The credentials (`x-client-id` known, else `unknown_merchant`;
    /// `x-client-secret` compared in constant time, else
    /// `signature_invalid`; missing, `malformed_envelope`), then the body.
    /// The secret is never shown: only whether it matched. PayCA signs
    /// nothing replayable: `guard` and `now_ms` are not read.
    fn trace_request<G: ReplayGuard + ?Sized, T: Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        _now_ms: u64,
        _guard: &mut G,
        t: &mut T,
    ) -> Result<Value> {
        use crate::explain::check;
        let headers = msg.headers;
        let id = check(
            t,
            "x-client-id and x-client-secret present",
            (|| {
                Ok((
                    headers.require(HEADER_CLIENT_ID)?,
                    headers.require(HEADER_CLIENT_SECRET)?,
                ))
            })(),
            |r| match r {
                Ok(_) => String::new(),
                Err(e) => format!("{e}"),
            },
        )?
        .0;
        check(
            t,
            "x-client-id is the client's",
            if id == self.client_id {
                Ok(())
            } else {
                Err(Error::UnknownMerchant)
            },
            |_| format!("arrived {id:?}"),
        )?;
        check(
            t,
            "x-client-secret matches (constant-time compare)",
            self.credentials(headers),
            |r| match r {
                Ok(()) => "matches".to_owned(),
                Err(_) => "does not match (value not shown)".to_owned(),
            },
        )?;
        if msg.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        match msg.path {
            Some(path) => check(
                t,
                "body is JSON and follows the endpoint's documented rules",
                self.validate_body(path, msg.body),
                |r| match r {
                    Ok(_) => format!("{path}: ok"),
                    Err(e) => format!("{path}: {e}"),
                },
            ),
            None => check(
                t,
                "body is JSON",
                crate::exact_json::parse(msg.body)
                    .map_err(|_| Error::malformed("body is not JSON")),
                |_| String::new(),
            ),
        }
    }
}

impl WebhookSigner for Platform {
    /// `x-signature: sha256=<hex>` over the body, `x-client-id`,
    /// `x-request-id` (the notification's `id`, else 16 random bytes as
    /// hex), and `x-idempotency-key` when given. A `cardholder_status`
    /// event (or one without a type) is sent as its payload; any other is
    /// wrapped as `{"event": <type>, "data": <payload>}`.
    fn sign_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        _now_ms: u64,
        rng: &mut R,
    ) -> Result<SignedWebhook> {
        let body = Self::webhook_body(hook.event_type, hook.payload)?;
        let request_id = match hook.id {
            Some(id) => id.to_owned(),
            None => random_hex(rng, 16)?,
        };
        self.sign(body, &request_id, hook.idempotency_key)
    }
}
