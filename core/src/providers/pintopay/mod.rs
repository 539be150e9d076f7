//! PinToPay corporate card API: every body is `{"encrypted": "<b64>"}` with
//! `<b64>` = Base64(`0x02 ‖ nonce(24) ‖ XSalsa20-Poly1305 box`), key = SHA-256
//! of the API secret. The plaintext carries `request_timestamp` in
//! **microseconds**; the platform allows ±30 s and refuses a repeated
//! `api_key + url + request_timestamp`.
//!
//! * [`Merchant`]: seal requests, open responses (errors encrypted or plain),
//!   open webhooks (authenticity is the secretbox MAC), acknowledge them.
//! * [`Platform`]: open requests with the PinToPay API documentation's checks, seal responses,
//!   errors and webhooks.
//! * [`status`]: the order, card and cardholder status models, as data.

mod merchant;
mod platform;
pub mod rules;
pub mod status;
pub mod types;

pub use merchant::{Merchant, WebhookEvent};
pub use platform::{Platform, PlatformConfig, VerifiedRequest};

use serde_json::Value;

use crate::error::{ApiError, Error, Result};

/// `API-KEY`.
pub const HEADER_API_KEY: &str = "API-KEY";
/// `Idempotency-Key`.
pub const HEADER_IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// The payload field holding the microsecond timestamp.
pub const TIMESTAMP_FIELD: &str = "request_timestamp";
/// All endpoints live under this prefix.
pub const PATH_PREFIX: &str = "/api/v1/";

/// Endpoints that require an `Idempotency-Key` (it is accepted anywhere).
pub const IDEMPOTENCY_REQUIRED: &[&str] = &["/api/v1/cards/create", "/api/v1/cards/topup"];

/// Where a webhook's business key is read ([`crate::delivery::business_key`]).
/// PinToPay's webhook payloads are not in its API document: these are the
/// field names its public pages and the sandbox use (an assumption); the
/// first present of each list is taken, at the root or inside `data`. The
/// payload's times are data: they never refuse a delivery.
pub const BUSINESS_KEY_FIELDS: crate::delivery::BusinessKeyFields<'static> =
    crate::delivery::BusinessKeyFields {
        kind: &["kind", "transaction_type"],
        id: &[
            "event_id",
            "transaction_id",
            "order_id",
            "card_id",
            "cardholder_id",
            "external_user_id",
            "user_id",
        ],
        status: &["status", "kyc_status", "registration_status"],
        time: &["timestamp", "created_at", "event_time", "updated_at"],
    };

/// The documented endpoints (all POST).
pub const ENDPOINTS: &[&str] = &[
    "/api/v1/users/create",
    "/api/v1/cards/products",
    "/api/v1/cardholders/create",
    "/api/v1/cards/create",
    "/api/v1/orders/check",
    "/api/v1/cards/get",
    "/api/v1/cards/topup",
    "/api/v1/cards/freeze",
    "/api/v1/cards/unfreeze",
    "/api/v1/project/wallet/trc20",
    "/api/v1/project/balance",
    "/api/v1/wh/subscribe",
    "/api/v1/wh/unsubscribe",
    "/api/v1/wh/subscriptions",
];

/// The PinToPay API documentation's error slugs with their HTTP status and whether a retry can help.
/// Slugs not listed are kept, retryable when the HTTP status is 5xx or 429.
pub const ERROR_SLUGS: &[(&str, u16, bool)] = &[
    ("invalid_request", 400, false),
    ("invalid_amount", 400, false),
    ("idempotency_key_required", 400, false),
    ("insufficient_funds", 403, false),
    ("user_not_found", 404, false),
    ("card_not_found", 404, false),
    ("cardholder_not_found", 404, false),
    ("order_not_found", 404, false),
    ("external_user_id_exists", 409, false),
    ("cardholder_already_exists", 409, false),
    ("card_not_active", 422, false),
    ("card_user_mismatch", 422, false),
    ("internal_error", 500, true),
    ("provider_error", 502, true),
    ("topup_attempts_exceeded", 503, true),
];

/// The unencrypted authentication and encryption errors, by their exact text,
/// with the code cardwire reports them under, the HTTP status and retryability.
/// Only a fresh `request_timestamp` can cure the window error, so it alone is
/// retryable (re-seal, do not resend).
pub const PLAIN_ERRORS: &[(&str, &str, u16, bool)] = &[
    ("API key not found", "api_key_not_found", 404, false),
    (
        "You do not have access to this API.",
        "access_denied",
        403,
        false,
    ),
    (
        "Encrypted payload not found",
        "encrypted_payload_not_found",
        400,
        false,
    ),
    (
        "Invalid encrypted payload format",
        "invalid_encrypted_payload",
        400,
        false,
    ),
    (
        "Request timestamp not found in encrypted payload",
        "request_timestamp_not_found",
        400,
        false,
    ),
    (
        "Invalid timestamp format",
        "invalid_timestamp_format",
        400,
        false,
    ),
    (
        "Request timestamp outside allowed window",
        "request_timestamp_outside_window",
        400,
        true,
    ),
    (
        "Duplicate request detected",
        "duplicate_request",
        400,
        false,
    ),
];

/// Whether a slug is worth retrying, given the HTTP status.
pub fn slug_retryable(slug: &str, status: Option<u16>) -> bool {
    match ERROR_SLUGS.iter().find(|(s, _, _)| *s == slug) {
        Some((_, _, r)) => *r,
        None => status.is_some_and(|s| s == 429 || s >= 500),
    }
}

/// `{"success": false, "error", "error_slug"}` into `api_error`, if it is one.
pub(crate) fn standard_error(v: &Value, status: Option<u16>) -> Option<Error> {
    let obj = v.as_object()?;
    if obj.get("success") != Some(&Value::Bool(false)) {
        return None;
    }
    let slug = obj
        .get("error_slug")
        .and_then(Value::as_str)
        .unwrap_or("unknown_error");
    let message = obj.get("error").and_then(Value::as_str).unwrap_or_default();
    Some(
        ApiError::new(slug, message)
            .with_status(status)
            .with_retryable(slug_retryable(slug, status))
            .into(),
    )
}

/// `{"encrypted": "<b64>"}` → the Base64 text.
pub(crate) fn encrypted_field(body: &[u8]) -> Result<Option<String>> {
    let v: Value =
        serde_json::from_slice(body).map_err(|_| Error::malformed("body is not JSON"))?;
    Ok(v.get("encrypted")
        .and_then(Value::as_str)
        .map(str::to_owned))
}

pub(crate) fn encrypted_body(b64: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(b64.len() + 16);
    v.extend_from_slice(b"{\"encrypted\":\"");
    v.extend_from_slice(b64.as_bytes());
    v.extend_from_slice(b"\"}");
    v
}

pub(crate) fn check_path(path: &str) -> Result<()> {
    let rest = path.strip_prefix(PATH_PREFIX).unwrap_or_default();
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
    {
        return Err(Error::invalid_input(format!(
            "PinToPay paths look like {PATH_PREFIX}cards/create"
        )));
    }
    Ok(())
}
