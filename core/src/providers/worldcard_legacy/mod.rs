//! WorldCard legacy card and Transfer V4 APIs (`legacy/*`): common
//! parameters `appKey`, `nonce`, `timestamp` (ms) and `sign` = MD5 over the
//! sorted parameters plus `appSecret`; sensitive values AES/ECB/PKCS5 keyed
//! by the `appSecret` bytes.
//!
//! * [`Merchant`]: build signed requests, open `{success, status, msg, data}`
//!   responses (decrypting the sensitive fields), verify webhooks.
//! * [`Platform`]: verify requests, seal responses, sign webhooks.

mod events;
mod merchant;
mod platform;
pub mod rules;
pub mod types;

pub use events::{retry_schedule, Event, RetrySchedule, WebhookEvent, RETRY_SCHEDULES};
pub use merchant::{Merchant, ParamPlacement};
pub use platform::Platform;

use serde_json::Value;

use crate::error::{ApiError, Error};

/// Image fields that do not take part in the signature, per endpoint (one table).
pub const SIGN_EXCLUSIONS: &[(&str, &[&str])] = &[
    (
        "/api/card/kyc/apply/master/E",
        &["faceImage", "backImage", "passImage", "signImage"],
    ),
    (
        "/api/card/kyc/apply/visa/H",
        &["faceImage", "backImage", "passImage"],
    ),
    ("/op/card/P/document", &["faceImage", "backImage"]),
];

/// The signature exclusions for `path` (none for most endpoints).
pub fn sign_exclusions(path: &str) -> &'static [&'static str] {
    let path = path.split('?').next().unwrap_or_default();
    SIGN_EXCLUSIONS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, e)| *e)
        .unwrap_or(&[])
}

/// The common parameters cardwire adds to every request.
pub const COMMON_PARAMS: &[&str] = &["appKey", "nonce", "timestamp", "sign"];

/// Common parameters that only requests carry (webhooks carry `appKey` and
/// `sign` only): what makes a body request-shaped. Webhook verifiers refuse
/// them, request verifiers require them, so a body cannot be reflected from
/// one direction to the other (both are signed with the same secret).
pub const REQUEST_ONLY_PARAMS: &[&str] = &["nonce", "timestamp"];

/// The document upload path, the one with a body size limit.
pub const DOCUMENT_PATH: &str = "/op/card/P/document";

/// Documented business codes: (code, meaning, outcome unknown: query the order first).
pub const BUSINESS_CODES: &[(i64, &str, bool)] = &[
    (500, "failure, not final: query the order", true),
    (5000, "operation exception: query the order", true),
    (5001, "invalid parameters", false),
    (5006, "service error", false),
    (5010, "order not found", false),
    (5011, "card does not belong to this appKey's user", false),
    (5101, "duplicate order", false),
    (5102, "insufficient reserve balance", false),
    (5201, "order not found", false),
];

/// Response fields that are AES-ECB encrypted: `data.cvv` (VIRTUAL-L info,
/// VISA-H balance) and `data.cardInfo.{cardNo, cvv, expYear, expMonth}` (VIRTUAL-P info/v2).
pub const SENSITIVE_TOP: &[&str] = &["cvv"];
/// See [`SENSITIVE_TOP`].
pub const SENSITIVE_CARD_INFO: &[&str] = &["cardNo", "cvv", "expYear", "expMonth"];

/// Size limits on `/op/card/P/document`: each image ≤ 1 MB decoded, body ≤ 4 MB.
pub const DOCUMENT_IMAGE_MAX_BYTES: usize = 1024 * 1024;
/// See [`DOCUMENT_IMAGE_MAX_BYTES`].
pub const DOCUMENT_BODY_MAX_BYTES: usize = 4 * 1024 * 1024;

pub(crate) fn business_error(code: i64, msg: &str, status: Option<u16>) -> Error {
    let outcome_unknown = BUSINESS_CODES.iter().any(|(c, _, u)| *c == code && *u);
    ApiError::new(code.to_string(), msg)
        .with_status(status)
        .with_outcome_unknown(outcome_unknown)
        .into()
}

pub(crate) fn lenient_code(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}
