//! Legacy webhooks: recognised by shape (each goes to its own URL, but the
//! body alone is enough), verified over all received fields except `sign`.

use serde::Serialize;
use serde_json::Value;

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
    /// Types a verified body by its shape (each webhook has its own URL, but
    /// the body alone is enough).
    pub fn from_payload(raw: &Value) -> Event {
        classify(raw).0
    }

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

/// How the platform retries one kind of legacy webhook, from that
/// webhook's own page. The sandbox redelivers on these delays, and the
/// default retention ([`crate::delivery::DEFAULT_RETENTION_MS`], 48 h)
/// covers the longest span (a test checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    /// The event's type name ([`Event::type_name`]).
    pub event_type: &'static str,
    /// The page that states it.
    pub page: &'static str,
    /// The delay before each retry, after the previous failed send, in ms
    /// (empty: sent once, never retried).
    pub delays_ms: &'static [u64],
    /// The page's words, shortened.
    pub rule: &'static str,
}

impl RetrySchedule {
    /// Time from the first send to the last retry, in ms.
    pub fn span_ms(&self) -> u64 {
        self.delays_ms.iter().sum()
    }

    /// Sends in all (the first and every retry).
    pub fn sends(&self) -> usize {
        self.delays_ms.len() + 1
    }
}

const MIN: u64 = 60_000;

/// Bill and close: batches of 5 retries 1 minute apart, a new batch 10
/// minutes after the last failure, up to 10 batches (50 retries).
#[rustfmt::skip]
const BATCHES: [u64; 50] = [
    MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
    10 * MIN, MIN, MIN, MIN, MIN,
];

const BILL: RetrySchedule = RetrySchedule {
    event_type: "bill",
    page: "Bill-Webhook (VIRTUAL-L)",
    delays_ms: &BATCHES,
    rule: "batches of 5 retries 1 minute apart, a new batch after 10 minutes, up to 10 batches, 50 retries (about 131 minutes)",
};

/// Every legacy webhook's retry schedule, each from its own page.
pub const RETRY_SCHEDULES: &[RetrySchedule] = &[
    RetrySchedule {
        event_type: "top_up",
        page: "Top-Up Webhook",
        delays_ms: &[MIN, MIN, MIN, MIN, MIN, 10 * MIN],
        rule: "every 1 minute, at most 5 retries, then once more 10 minutes after the last failure (15 minutes)",
    },
    RetrySchedule {
        event_type: "kyc",
        page: "KYC webhook",
        delays_ms: &[MIN, 2 * MIN, 4 * MIN, 8 * MIN, 16 * MIN, 10 * MIN],
        rule: "1 minute doubling (1, 2, 4, 8, 16), 5 retries, then once more 10 minutes later (41 minutes)",
    },
    BILL,
    RetrySchedule {
        event_type: "close",
        page: "close-Webhook (VIRTUAL-L)",
        delays_ms: &BATCHES,
        rule: "batches of 5 retries 1 minute apart, a new batch after 10 minutes, up to 10 batches, 50 retries (about 131 minutes)",
    },
    RetrySchedule {
        event_type: "otp",
        page: "OTP-Webhook (VIRTUAL-L)",
        delays_ms: &[],
        rule: "OTP is time-sensitive and is only notified once",
    },
    RetrySchedule {
        event_type: "virtual_p",
        page: "VIRTUAL-P Webhook",
        delays_ms: &[1_000, 2_000, 4_000, 8_000, 16_000],
        rule: "exponential back-off from 1 second (1, 2, 4, 8, 16 s), at most 5 retries (the page words it as an example)",
    },
    RetrySchedule {
        event_type: "oob",
        page: "OOB (VISA-H)",
        delays_ms: &[],
        rule: "time-sensitive: failed pushes are not retried",
    },
    RetrySchedule {
        event_type: "transfer_order",
        page: "Transfer V4 Order Notification",
        delays_ms: &[MIN, 2 * MIN, 4 * MIN, 8 * MIN, 16 * MIN, 10 * MIN],
        rule: "1 minute doubling, 5 retries, then a final push 10 minutes later (41 minutes)",
    },
];

/// The retry schedule of a legacy webhook by its type name; an unknown
/// kind gets the longest (bill's), so nothing is given up early.
pub fn retry_schedule(event_type: &str) -> &'static RetrySchedule {
    RETRY_SCHEDULES
        .iter()
        .find(|r| r.event_type == event_type)
        .unwrap_or(&BILL)
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
            serde_json::from_slice(text.as_bytes()).unwrap_or_else(|_| Value::String(text.clone()))
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
    let digest = crate::crypto::sha256(raw.to_string().as_bytes());
    (
        Event::Unknown(raw.clone()),
        format!("unknown:{}", crate::encoding::hex_encode(&digest)),
    )
}
