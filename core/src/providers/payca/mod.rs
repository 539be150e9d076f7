//! PayCA: `x-client-id` / `x-client-secret` on every request, webhooks signed
//! `x-signature: sha256=<hex>` = HMAC-SHA256(client secret, raw body).
//!
//! * [`Merchant`]: build requests (JSON, none, or multipart from the caller's
//!   bytes), open responses, verify webhooks, acknowledge with 204.
//! * [`Platform`]: check a request's credentials, sign webhooks, render errors.
//! * [`status`]: the cardholder status model.

mod events;
mod merchant;
mod platform;
pub mod rules;
pub mod status;
pub mod types;

pub use events::{Event, WebhookEvent};
pub use merchant::{FileUpload, Merchant};
pub use platform::Platform;

/// `x-client-id`.
pub const HEADER_CLIENT_ID: &str = "x-client-id";
/// `x-client-secret`.
pub const HEADER_CLIENT_SECRET: &str = "x-client-secret";
/// `x-signature`.
pub const HEADER_SIGNATURE: &str = "x-signature";
/// `x-request-id` (webhooks) / `X-Request-ID` (requests).
pub const HEADER_REQUEST_ID: &str = "x-request-id";
/// `x-idempotency-key` on webhooks.
pub const HEADER_WEBHOOK_IDEMPOTENCY: &str = "x-idempotency-key";
/// Where a webhook's business key is read ([`crate::delivery::business_key`]):
/// the first present of each list, at the root (cardholder events are flat)
/// or inside `data` (card and ledger events). A body `timestamp` is data.
pub const BUSINESS_KEY_FIELDS: crate::delivery::BusinessKeyFields<'static> =
    crate::delivery::BusinessKeyFields {
        kind: &["type"],
        id: &[
            "id",
            "transactionId",
            "cardholderId",
            "cardId",
            "accountId",
            "userId",
        ],
        status: &["status", "kycStatus"],
        time: &["timestamp", "createdAt", "updatedAt"],
    };

/// `Idempotency-Key` on requests.
pub const HEADER_IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Longest `Idempotency-Key` one version of the docs allows.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Documented error codes: HTTP status and whether retrying can help
/// (`ErrConflict` is "maybe" in the docs: reported as not retryable, decide
/// with the message).
pub const ERROR_CODES: &[(&str, u16, bool)] = &[
    ("ErrInvalidArg", 400, false),
    ("ErrUnauthorized", 401, false),
    ("ErrForbidden", 403, false),
    ("ErrNotFound", 404, false),
    ("ErrConflict", 409, false),
    ("ErrRateLimited", 429, true),
    ("ErrInternal", 500, true),
];

/// The documented endpoints: (method, path template).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/v1/users"),
    ("POST", "/v1/cardholders/files"),
    ("POST", "/v1/users/{id}/cardholder"),
    ("GET", "/v1/users/{id}/cardholder"),
    ("GET", "/v1/cardholders"),
    ("GET", "/v1/cardholders/{id}"),
    ("GET", "/v1/cardholders/cities"),
    ("GET", "/v1/cardholders/occupations"),
    ("GET", "/v1/cardholders/regions"),
    ("POST", "/v1/cards"),
    ("GET", "/v1/cards"),
    ("POST", "/v1/users/{userId}/kyc/documents"),
    ("POST", "/v1/users/{userId}/kyc/submit"),
    ("POST", "/v1/webhooks"),
    ("POST", "/v1/webhooks/resend"),
];

pub(crate) fn code_retryable(code: &str, status: Option<u16>) -> bool {
    match ERROR_CODES.iter().find(|(c, _, _)| *c == code) {
        Some((_, _, r)) => *r,
        None => status.is_some_and(|s| s == 429 || s >= 500),
    }
}
