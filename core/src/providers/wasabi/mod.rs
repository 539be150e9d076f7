//! Wasabi Card.
//!
//! Open API (`/merchant/core/mcb/...`): every request is a POST whose exact
//! body bytes are signed with RSA PKCS#1 v1.5 SHA-256 (`X-WSB-SIGNATURE`,
//! key named by `X-WSB-API-KEY`); responses and notifications are signed by
//! the platform; card fields are RSA-encrypted to the merchant's key. No
//! timestamps, no nonces, and keys as small as 1024 bits.
//!
//! * [`Merchant`]: build requests and the multipart upload (signed over `{}`),
//!   open responses under a [`ResponseSignaturePolicy`], decrypt sensitive
//!   fields, verify notifications, acknowledge them.
//! * [`Platform`]: verify requests, sign responses and notifications,
//!   encrypt fields, check acknowledgements.
//! * [`gateway`]: the REST gateway in front of Wasabi (`/api/v1/...`, `X-API-KEY`).
//! * [`status`]: card, order, authorization and cardholder statuses.

mod events;
pub mod gateway;
pub mod gateway_rules;
pub mod gateway_types;
mod merchant;
mod platform;
pub mod rules;
pub mod status;
pub mod types;

pub use events::{Category, Event, WebhookEvent};
pub use gateway::Gateway;
pub use merchant::{Merchant, MerchantConfig, MerchantKeys, ResponseSignaturePolicy};
pub use platform::Platform;

pub use crate::crypto::rsa_pkcs1::RsaPadding;

/// Where a notification's business key is read
/// ([`crate::delivery::business_key`]; the id is the category's own field,
/// [`Category::id_field`]): the payload's `type`, `status`, and its own
/// times (`transactionTime`, `settleDate`, `expirationTime`, Unix ms in the
/// document). Wasabi signs no send time: these are data, never a reason to
/// refuse.
pub const BUSINESS_KEY_FIELDS: crate::delivery::BusinessKeyFields<'static> =
    crate::delivery::BusinessKeyFields {
        kind: &["type"],
        id: &[],
        status: &["status"],
        time: &[
            "transactionTime",
            "settleDate",
            "expirationTime",
            "updateTime",
        ],
    };

/// `X-WSB-API-KEY`.
pub const HEADER_API_KEY: &str = "X-WSB-API-KEY";
/// `X-WSB-SIGNATURE`.
pub const HEADER_SIGNATURE: &str = "X-WSB-SIGNATURE";
/// `X-WSB-CATEGORY` (notifications).
pub const HEADER_CATEGORY: &str = "X-WSB-CATEGORY";
/// `X-WSB-REQUEST-ID` (notifications).
pub const HEADER_REQUEST_ID: &str = "X-WSB-REQUEST-ID";
/// All Open API paths start with this.
pub const PATH_PREFIX: &str = "/merchant/core/mcb/";
/// The multipart upload path, signed over `{}`.
pub const UPLOAD_PATH: &str = "/merchant/core/mcb/common/file/upload";

/// Fields RSA-encrypted to the merchant's public key.
pub const SENSITIVE_FIELDS: &[&str] = &["cardNumber", "cvv", "expireDate", "activateUrl", "values"];

/// The Open API paths (the Open API documentation and Wasabi's public documentation), all POST.
pub const ENDPOINTS: &[&str] = &[
    "/merchant/core/mcb/common/region",
    "/merchant/core/mcb/common/city",
    "/merchant/core/mcb/common/v2/city",
    "/merchant/core/mcb/common/mobileAreaCode",
    "/merchant/core/mcb/common/file/upload",
    "/merchant/core/mcb/account/info",
    "/merchant/core/mcb/account/list",
    "/merchant/core/mcb/account/single/query",
    "/merchant/core/mcb/account/transaction",
    "/merchant/core/mcb/account/create",
    "/merchant/core/mcb/account/transfer",
    "/merchant/core/mcb/wallet/v2/coins",
    "/merchant/core/mcb/wallet/v2/create",
    "/merchant/core/mcb/wallet/v2/addressList",
    "/merchant/core/mcb/wallet/v2/transaction",
    "/merchant/core/mcb/card/v2/cardTypes",
    "/merchant/core/mcb/card/v2/createCard",
    "/merchant/core/mcb/card/openCard",
    "/merchant/core/mcb/card/info",
    "/merchant/core/mcb/card/sensitive",
    "/merchant/core/mcb/card/balanceInfo",
    "/merchant/core/mcb/card/list",
    "/merchant/core/mcb/card/updateAttribute",
    "/merchant/core/mcb/card/note",
    "/merchant/core/mcb/card/v2/freeze",
    "/merchant/core/mcb/card/v2/unfreeze",
    "/merchant/core/mcb/card/deposit",
    "/merchant/core/mcb/card/withdraw",
    "/merchant/core/mcb/card/cancel",
    "/merchant/core/mcb/card/physicalCard/activeCard",
    "/merchant/core/mcb/card/physicalCard/updatePin",
    "/merchant/core/mcb/card/purchaseTransaction",
    "/merchant/core/mcb/card/transaction",
    "/merchant/core/mcb/card/v2/transaction",
    "/merchant/core/mcb/card/authTransaction",
    "/merchant/core/mcb/card/authFeeTransaction",
    "/merchant/core/mcb/card/third3dsTransaction",
    "/merchant/core/mcb/card/simulateAuthTransaction",
    "/merchant/core/mcb/card/holder/occupations",
    "/merchant/core/mcb/card/holder/v2/create",
    "/merchant/core/mcb/card/holder/v2/update",
    "/merchant/core/mcb/card/holder/query",
    "/merchant/core/mcb/card/holder/updateEmail",
    "/merchant/core/mcb/card/holder/create",
    "/merchant/core/mcb/card/holder/update",
    "/merchant/core/mcb/work/submit",
    "/merchant/core/mcb/work/list",
];

/// The notification retry delays (ms) after the first send, until
/// acknowledged: 1 m, 5 m, 20 m, 1 h, 12 h, 24 h (7 sends, about 37.5 h).
/// The sandbox sends on it; `docs/openapi/wasabi.yaml` states it
/// (`x-cardwire-retry-schedule`), checked equal by `cargo test -p xtask`.
pub const WEBHOOK_RETRY_DELAYS_MS: &[u64] = &[
    60_000, 300_000, 1_200_000, 3_600_000, 43_200_000, 86_400_000,
];

/// The notification acknowledgement body.
pub const ACK_BODY: &str = r#"{"success":true,"code":200,"msg":null,"data":null}"#;
