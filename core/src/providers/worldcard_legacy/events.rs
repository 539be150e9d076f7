//! Legacy webhooks: recognised by shape (each goes to its own URL, but the
//! body alone is enough), verified over all received fields except `sign`.

use serde::Serialize;
use serde_json::Value;
use sha2::Digest;

/// A typed legacy webhook. Payloads are kept as JSON: the tables disagree
/// with their own examples, so fields are read, not enforced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// Card top-up result (`orderNo`, `merOrderNo`, `status`, `settleAmount`).
    TopUp(Value),
    /// KYC / card application result (`orderNo`, `merOrderNo`, `status`).
    Kyc(Value),
    /// VIRTUAL-L balance change (`recordNo`, `transType`).
    Bill(Value),
    /// VIRTUAL-L card closed (`recordNo`, refund to reserve).
    Close(Value),
    /// VIRTUAL-L OTP (`otp`, `cardNo`).
    Otp(Value),
    /// VIRTUAL-P: `type` ∈ `CardTransaction`, `DeleteCard`, `Card3dsOtp`,
    /// `ThreeDomainSecureForwarding` (others kept too), `data` parsed from its JSON string.
    VirtualP {
        /// The `type` field.
        kind: String,
        /// `data`, parsed.
        data: Value,
    },
    /// VISA-H OOB confirmation request, `data` parsed from its JSON string.
    Oob(Value),
    /// Transfer V4 order notification.
    TransferOrder(Value),
    /// Anything else.
    Unknown(Value),
}

impl Event {
    /// The event's type name (the same as its serialized `type` tag):
    /// `top_up`, `kyc`, `bill`, `close`, `otp`, `virtual_p` (with its own
    /// `kind`), `oob`, `transfer_order`, `unknown`.
    pub fn type_name(&self) -> String {
        match self {
            Event::TopUp(_) => "top_up",
            Event::Kyc(_) => "kyc",
            Event::Bill(_) => "bill",
            Event::Close(_) => "close",
            Event::Otp(_) => "otp",
            Event::VirtualP { .. } => "virtual_p",
            Event::Oob(_) => "oob",
            Event::TransferOrder(_) => "transfer_order",
            Event::Unknown(_) => "unknown",
        }
        .to_owned()
    }
}

/// A verified legacy webhook. Legacy webhooks carry no nonce and no
/// timestamp: the delivery key is the signed parameters themselves, and
/// `business_key` (`topup:<orderNo>:<status>`, ...) is there for your own
/// idempotency.
pub type WebhookEvent = crate::delivery::WebhookEvent<Event>;

fn s(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn parse_data(raw: &Value) -> Value {
    match raw.get("data") {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
        }
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

/// Types a verified body and gives its business deduplication key.
pub(crate) fn classify(raw: &Value) -> (Event, String) {
    let has = |k: &str| raw.get(k).is_some();
    if has("type") && has("data") {
        let kind = s(raw, "type");
        let data = parse_data(raw);
        let id = ["id", "cardNo"]
            .iter()
            .map(|k| s(&data, k))
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        let key = format!(
            "virtual_p:{kind}:{id}:{}:{}:{}",
            s(&data, "status"),
            s(&data, "otp"),
            s(&data, "timestamp")
        );
        return (Event::VirtualP { kind, data }, key);
    }
    if has("data") {
        let data = parse_data(raw);
        let key = format!(
            "oob:{}:{}",
            s(&data, "acsTransactionId"),
            s(&data, "status")
        );
        return (Event::Oob(data), key);
    }
    if has("recordNo") {
        let key = format!("record:{}", s(raw, "recordNo"));
        return if has("transType") {
            (Event::Bill(raw.clone()), format!("bill:{key}"))
        } else {
            (Event::Close(raw.clone()), format!("close:{key}"))
        };
    }
    if has("otp") {
        let key = format!(
            "otp:{}:{}:{}",
            s(raw, "cardNo"),
            s(raw, "otp"),
            s(raw, "transactionAmount")
        );
        return (Event::Otp(raw.clone()), key);
    }
    if has("orderNo") {
        let key_tail = format!("{}:{}", s(raw, "orderNo"), s(raw, "status"));
        if has("targetAmount") || has("account") || has("sourceAmount") {
            return (
                Event::TransferOrder(raw.clone()),
                format!("transfer:{key_tail}"),
            );
        }
        if has("settleAmount") {
            return (Event::TopUp(raw.clone()), format!("topup:{key_tail}"));
        }
        return (Event::Kyc(raw.clone()), format!("kyc:{key_tail}"));
    }
    let digest = sha2::Sha256::digest(raw.to_string().as_bytes());
    (
        Event::Unknown(raw.clone()),
        format!("unknown:{}", crate::encoding::hex_encode(&digest)),
    )
}
