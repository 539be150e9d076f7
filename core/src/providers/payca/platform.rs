//! PayCA platform side.

use std::fmt;

use serde_json::json;
use subtle::ConstantTimeEq;

use super::{
    HEADER_CLIENT_ID, HEADER_CLIENT_SECRET, HEADER_REQUEST_ID, HEADER_SIGNATURE,
    HEADER_WEBHOOK_IDEMPOTENCY,
};
use crate::crypto::hmac_sha256::HmacKey;
use crate::envelope::{check_header_token, Headers, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};
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
    pub fn verify_request(&self, headers: &Headers) -> Result<()> {
        let id = headers.require(HEADER_CLIENT_ID)?;
        let secret = headers.require(HEADER_CLIENT_SECRET)?;
        if id != self.client_id {
            return Err(Error::UnknownMerchant);
        }
        if bool::from(secret.as_bytes().ct_eq(self.client_secret.as_bytes())) {
            Ok(())
        } else {
            Err(Error::SignatureInvalid)
        }
    }

    /// Every check of [`verify_request`](Self::verify_request) and, with a
    /// body, [`validate_body`](Self::validate_body), in order (`cardwire
    /// explain`). The secret is never shown: only whether it matched.
    pub fn explain_request(
        &self,
        headers: &Headers,
        path: &str,
        body: &[u8],
    ) -> crate::explain::Explanation {
        use crate::explain::check;
        let mut t = crate::explain::Explanation::default();
        let _ = (|| -> Result<()> {
            let id = check(
                &mut t,
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
                &mut t,
                "x-client-id is the client's",
                if id == self.client_id {
                    Ok(())
                } else {
                    Err(Error::UnknownMerchant)
                },
                |_| format!("arrived {id:?}"),
            )?;
            check(
                &mut t,
                "x-client-secret matches (constant-time compare)",
                self.verify_request(headers),
                |r| match r {
                    Ok(()) => "matches".to_owned(),
                    Err(_) => "does not match (value not shown)".to_owned(),
                },
            )?;
            if !body.iter().all(u8::is_ascii_whitespace) {
                check(
                    &mut t,
                    "body is JSON and follows the endpoint's documented rules",
                    self.validate_body(path, body).map(|_| ()),
                    |r| match r {
                        Ok(()) => format!("{path}: ok"),
                        Err(e) => format!("{path}: {e}"),
                    },
                )?;
            }
            Ok(())
        })();
        t
    }

    /// Parses and validates a received JSON body for `path` (a template such
    /// as `/v1/users/{id}/cardholder` or a concrete path): `validation_failed`,
    /// answered by [`rejection`](Self::rejection) as `ErrInvalidArg`.
    pub fn validate_body(&self, path: &str, body: &[u8]) -> Result<serde_json::Value> {
        let v: serde_json::Value =
            crate::exact_json::parse(body).map_err(|_| Error::MalformedEnvelope {
                reason: "body is not JSON".into(),
            })?;
        crate::registry::check_payload(crate::registry::Provider::PayCa, path, &v, None)?;
        Ok(v)
    }

    /// Signs a webhook body (sent as given when bytes or text, serialized once
    /// when a value): `x-signature: sha256=<hex>`, `x-client-id`,
    /// `x-request-id`, and `x-idempotency-key` when given.
    pub fn sign_webhook<'p>(
        &self,
        body: impl Into<Payload<'p>>,
        request_id: &str,
        idempotency_key: Option<&str>,
    ) -> Result<SignedWebhook> {
        check_header_token("request_id", request_id)?;
        let body = body.into().to_json_bytes()?.into_owned();
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
    pub fn rejection(err: &Error, request_id: &str) -> OutgoingResponse {
        match err {
            Error::ValidationFailed { .. } | Error::InvalidInput { .. } => {
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
