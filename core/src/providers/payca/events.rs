//! PayCA webhook payloads: `{"event": ..., "data": {...}}` for card and
//! ledger events, a flat object for cardholder status changes, anything else
//! kept raw (the KYC webhook's body is undocumented).

use serde::Serialize;
use serde_json::Value;

use crate::lenient;

/// A cardholder status change (flat body, no `event` field).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardholderStatusChange {
    /// `cardholderId`.
    pub cardholder_id: Option<String>,
    /// `status`: see [`super::status::CARDHOLDER`].
    pub status: Option<String>,
    /// `previousStatus`.
    pub previous_status: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `timestamp`, as sent.
    pub timestamp: Option<String>,
}

/// A decoded PayCA webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// `{"event": "card_transaction", "data": {...}}`.
    CardTransaction(Value),
    /// `{"event": "account_transaction", "data": {...}}`.
    AccountTransaction(Value),
    /// The flat cardholder status change.
    CardholderStatus(CardholderStatusChange),
    /// Anything else, with its `event` name when it has one.
    Unknown {
        /// `event`, or empty.
        event: String,
        /// The whole body.
        raw: Value,
    },
}

impl Event {
    /// The event's type name: `card_transaction`, `account_transaction`,
    /// `cardholder_status`, or the body's own `event` (empty when none).
    pub fn type_name(&self) -> &str {
        match self {
            Event::CardTransaction(_) => "card_transaction",
            Event::AccountTransaction(_) => "account_transaction",
            Event::CardholderStatus(_) => "cardholder_status",
            Event::Unknown { event, .. } => event,
        }
    }

    /// Types a verified body.
    pub fn from_payload(raw: &Value) -> Event {
        let event = raw.get("event").and_then(Value::as_str);
        let data = || raw.get("data").cloned().unwrap_or(Value::Null);
        match event {
            Some("card_transaction") => Event::CardTransaction(data()),
            Some("account_transaction") => Event::AccountTransaction(data()),
            None if raw.get("cardholderId").is_some() && raw.get("status").is_some() => {
                Event::CardholderStatus(CardholderStatusChange {
                    cardholder_id: lenient::field(raw, "cardholderId"),
                    status: lenient::field(raw, "status"),
                    previous_status: lenient::field(raw, "previousStatus"),
                    description: lenient::field(raw, "description"),
                    timestamp: lenient::field(raw, "timestamp"),
                })
            }
            other => Event::Unknown {
                event: other.unwrap_or_default().to_owned(),
                raw: raw.clone(),
            },
        }
    }
}

/// A verified PayCA webhook delivery (`delivery_id` is `x-request-id`, else
/// `x-idempotency-key`: unsigned, for logs only).
pub type WebhookEvent = crate::delivery::WebhookEvent<Event>;
