//! WorldCard `Card/*` API: AES-256-GCM bodies, RSA-PSS-SHA256 signatures over
//! `body ‖ X-Timestamp ‖ X-Nonce`, webhooks signed by the platform.
//!
//! * [`Merchant`]: build a signed, encrypted request; open a response
//!   (decrypting `card_number`, `cvv`, `expiry_month`, `expiry_year`); verify
//!   and decrypt a webhook into an [`Event`]; the `200 ok` acknowledgement.
//! * [`Platform`]: verify a merchant request in the documented order; seal a
//!   response; sign and encrypt a webhook; render the platform's rejections.
//!
//! Timestamps: requests carry Unix **seconds**, webhooks Unix **milliseconds**.

mod events;
mod merchant;
mod platform;
pub mod rules;
pub mod types;

pub use events::{
    Card3ds, CardBilling, CardClose, CardDeposit, CardKyc, CardOpen, CardStatus, CardStatusChange,
    Event, WebhookEvent,
};
pub use merchant::{Merchant, MerchantConfig, MerchantKeys};
pub use platform::{MerchantRecord, Platform, PlatformConfig, VerifiedRequest};

use serde::Deserialize;

use crate::error::{Error, Result};

/// `X-App-Id`.
pub const HEADER_APP_ID: &str = "X-App-Id";
/// `X-Signature`: Base64 RSA-PSS signature.
pub const HEADER_SIGNATURE: &str = "X-Signature";
/// `X-Timestamp`: seconds on requests, milliseconds on webhooks.
pub const HEADER_TIMESTAMP: &str = "X-Timestamp";
/// `X-Nonce`.
pub const HEADER_NONCE: &str = "X-Nonce";

/// Where a webhook's business key is read ([`crate::delivery::business_key`]):
/// `notify_type`, the sub-kind (`transaction_type`, `business_type`), the
/// event's id (`transaction_id`) else the card's, its status, and its own
/// times (RFC 3339 in the document). A retry re-signed with a new `X-Nonce`
/// is a new delivery to the signature but has the same business key.
pub const BUSINESS_KEY_FIELDS: crate::delivery::BusinessKeyFields<'static> =
    crate::delivery::BusinessKeyFields {
        kind: &["transaction_type", "business_type"],
        id: &["transaction_id", "card_id", "merchant_card_id"],
        status: &["status", "card_status", "transaction_status"],
        time: &[
            "transaction_time",
            "change_time",
            "complete_time",
            "reviewed_at",
            "expires_at",
        ],
    };

/// Business codes a retry can cure: 1004 "Operation too frequent" (Status
/// Codes) and 10033 "KYC service unavailable", whose action in the Physical
/// Card KYC Integration Guide is "Retry later". Every other code is final
/// (HTTP 429 and 5xx are retryable whatever the code).
pub const RETRYABLE_CODES: &[i64] = &[1004, 10033];

/// The webhook retry delays (ms), each after the previous failed send: ten
/// retries, 1 minute doubling to 256 minutes, the tenth capped at 24 h
/// (about 32.5 h in all; Webhook Callbacks, changelog 2026-06-04). The
/// sandbox sends on it; `docs/openapi/worldcard.yaml` states it
/// (`x-cardwire-retry-schedule`), checked equal by `cargo test -p xtask`.
pub const WEBHOOK_RETRY_DELAYS_MS: &[u64] = &[
    60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_840_000, 7_680_000, 15_360_000,
    86_400_000,
];

/// Every documented `Card/*` path. Requests may go to any path under
/// [`PATH_PREFIX`]; this list is what the documents name.
pub const ENDPOINTS: &[&str] = &[
    "/api/v1/card/virtual/apply",
    "/api/v1/card/virtual/get_info",
    "/api/v1/card/virtual/bin/list",
    "/api/v1/card/deposit",
    "/api/v1/card/deposit/list",
    "/api/v1/card/freeze",
    "/api/v1/card/unfreeze",
    "/api/v1/card/close",
    "/api/v1/card/transaction/list",
    "/api/v1/card/physical/bin/list",
    "/api/v1/card/physical/apply",
    "/api/v1/card/physical/kyc/init",
    "/api/v1/card/physical/kyc/status",
    "/api/v1/card/physical/kyc/cancel",
    "/api/v1/card/physical/assign",
    "/api/v1/card/physical/activate",
    "/api/v1/card/physical/change/pin",
    "/api/v1/card/physical/get_info",
];

/// All `Card/*` paths start with this.
pub const PATH_PREFIX: &str = "/api/v1/card/";

/// Response fields that are AES-GCM encrypted (empty string when not returned).
pub const SENSITIVE_FIELDS: &[&str] = &["card_number", "cvv", "expiry_month", "expiry_year"];

/// The seven documented `notify_type`s.
pub const NOTIFY_TYPES: &[&str] = &[
    "card_open",
    "card_deposit",
    "card_close",
    "card_status_change",
    "card_billing",
    "card_3ds",
    "card_kyc",
];

/// The signature input: the exact body bytes, then the timestamp, then the
/// nonce, with no separator.
pub fn sign_input(body: &[u8], timestamp: &str, nonce: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(body.len() + timestamp.len() + nonce.len());
    v.extend_from_slice(body);
    v.extend_from_slice(timestamp.as_bytes());
    v.extend_from_slice(nonce.as_bytes());
    v
}

/// The sign input of a built request or webhook, from its own headers.
pub(crate) fn request_sign_input(headers: &[(String, String)], body: &[u8]) -> Result<Vec<u8>> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| Error::invalid_input(format!("the prepared message has no {name} header: pass it back as prepare returned it")))
    };
    Ok(sign_input(body, get(HEADER_TIMESTAMP)?, get(HEADER_NONCE)?))
}

/// `{"data":"<b64>"}`, exactly as the samples produce it.
pub(crate) fn data_body(b64: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(b64.len() + 11);
    v.extend_from_slice(b"{\"data\":\"");
    v.extend_from_slice(b64.as_bytes());
    v.extend_from_slice(b"\"}");
    v
}

#[derive(Deserialize)]
struct DataBody {
    data: String,
}

/// The `data` string of an encrypted body, or `malformed_envelope`.
pub(crate) fn parse_data_body(body: &[u8]) -> Result<String> {
    if body.is_empty() {
        return Err(Error::malformed("empty body"));
    }
    serde_json::from_slice::<DataBody>(body)
        .map(|b| b.data)
        .map_err(|_| Error::malformed("body is not {\"data\": \"<Base64>\"}"))
}

pub(crate) fn check_path(path: &str) -> Result<()> {
    let rest = path.strip_prefix(PATH_PREFIX).unwrap_or_default();
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'_' || b == b'-')
    {
        return Err(Error::invalid_input(format!(
            "WorldCard Card API paths look like {PATH_PREFIX}virtual/apply"
        )));
    }
    Ok(())
}

pub(crate) fn decode_signature(text: &str) -> Result<Vec<u8>> {
    crate::encoding::b64_decode(text)
        .map_err(|_| Error::malformed("X-Signature is not valid Base64"))
}
