//! Typed WorldCard webhook payloads, for all seven `notify_type`s.
//! Every field is optional and leniently typed: a verified payload is never
//! refused for its shape. Unknown types, and known types whose shape cannot be
//! read, come back as [`Event::Unknown`] with the raw JSON.

use serde::Serialize;
use serde_json::Value;

use crate::lenient;

macro_rules! lenient_struct {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $kind:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fm])*
                #[doc = concat!("`", stringify!($field), "` as sent (`None` when absent or unreadable).")]
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$kind>,
            )*
        }

        impl $name {
            /// Reads a verified payload object, each field leniently.
            pub fn from_value(v: &Value) -> Self {
                $name {
                    $( $field: lenient::field(v, stringify!($field)), )*
                }
            }
        }
    };
}

lenient_struct!(
    /// `card_open`: card issuance result (`status` 2 = success, 3 = failed).
    CardOpen {
        card_id: String, merchant_card_id: String,
        /// A real 16-digit PAN (inside the encrypted body, not field-encrypted).
        card_number: String,
        status: i64, amount: String, currency: String, create_time: String, complete_time: String, failure_reason: String,
    }
);
lenient_struct!(
    /// `card_deposit`: top-up result (`status` 1 = success, 2 = failed).
    CardDeposit {
        transaction_id: String, merchant_transaction_id: String, card_id: String, amount: String, settle_amount: String,
        currency: String, status: i64, create_time: String, complete_time: String, failure_reason: String,
    }
);
lenient_struct!(
    /// `card_close`: closure complete; `amount`/`currency` is the balance to refund.
    CardClose {
        card_id: String, merchant_card_id: String, card_number: String,
        /// See [`CardStatus::parse`].
        card_status: String,
        amount: String, currency: String, complete_time: String,
    }
);
lenient_struct!(
    /// `card_status_change`: frozen, unfrozen or closed.
    CardStatusChange {
        card_id: String, merchant_card_id: String, card_number: String,
        /// See [`CardStatus::parse`].
        card_status: String,
        change_time: String,
    }
);
lenient_struct!(
    /// `card_billing`: a spending transaction (authorization, settlement, refund, reversal).
    CardBilling {
        transaction_id: String, card_id: String, card_type_id: i64, transaction_time: String, transaction_type: String,
        transaction_status: String, result_code: String, fail_reason: String, transaction_amount: String,
        transaction_currency: String, billing_amount: String, billing_currency: String, auth_code: String,
        merchant_name: String, merchant_country: String, merchant_city: String, mcc: String, description: String,
    }
);
lenient_struct!(
    /// `card_3ds`: an OTP, or a 3DS page forwarding (`business_type` = `ThreeDomainSecureForwarding`, with `url`).
    Card3ds {
        card_id: String, currency: String, amount: String, otp: String, detail: String, business_type: String, expires_at: String, url: String,
    }
);
lenient_struct!(
    /// `card_kyc`: physical-card KYC result (`status` 2 = approved, 3 = rejected).
    /// The same card may be pushed more than once: the greatest `reviewed_at` wins.
    CardKyc {
        card_id: String, merchant_card_id: String, card_type: String, status: i64, retry_allowed: bool, reason: String, reviewed_at: String,
    }
);

/// `card_status` in `card_close` / `card_status_change`. The 2026-06-04
/// changelog renamed `frozen` to `blocked`: both spellings read as `Blocked`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardStatus {
    /// `activated`.
    Activated,
    /// `inactive`.
    Inactive,
    /// `blocked`, or the older `frozen`.
    Blocked,
    /// `cancelled`.
    Cancelled,
    /// Anything else, kept as sent.
    Other(String),
}

impl CardStatus {
    /// Reads a `card_status` value.
    pub fn parse(s: &str) -> CardStatus {
        match s {
            "activated" => CardStatus::Activated,
            "inactive" => CardStatus::Inactive,
            "blocked" | "frozen" => CardStatus::Blocked,
            "cancelled" => CardStatus::Cancelled,
            other => CardStatus::Other(other.to_owned()),
        }
    }
}

/// A decoded WorldCard webhook payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// `card_open`.
    CardOpen(CardOpen),
    /// `card_deposit`.
    CardDeposit(CardDeposit),
    /// `card_close`.
    CardClose(CardClose),
    /// `card_status_change`.
    CardStatusChange(CardStatusChange),
    /// `card_billing`.
    CardBilling(CardBilling),
    /// `card_3ds`.
    #[serde(rename = "card_3ds")]
    Card3ds(Card3ds),
    /// `card_kyc`.
    CardKyc(CardKyc),
    /// Any other `notify_type` (or none), with the raw payload.
    Unknown {
        /// The `notify_type` as sent (empty when absent).
        notify_type: String,
        /// The decrypted payload.
        raw: Value,
    },
}

impl Event {
    /// Types a decrypted payload by its `notify_type`.
    pub fn from_payload(raw: &Value) -> Event {
        let notify_type = raw
            .get("notify_type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let typed_event = match notify_type.as_str() {
            _ if !raw.is_object() => None,
            "card_open" => Some(Event::CardOpen(CardOpen::from_value(raw))),
            "card_deposit" => Some(Event::CardDeposit(CardDeposit::from_value(raw))),
            "card_close" => Some(Event::CardClose(CardClose::from_value(raw))),
            "card_status_change" => {
                Some(Event::CardStatusChange(CardStatusChange::from_value(raw)))
            }
            "card_billing" => Some(Event::CardBilling(CardBilling::from_value(raw))),
            "card_3ds" => Some(Event::Card3ds(Card3ds::from_value(raw))),
            "card_kyc" => Some(Event::CardKyc(CardKyc::from_value(raw))),
            _ => None,
        };
        typed_event.unwrap_or_else(|| Event::Unknown {
            notify_type,
            raw: raw.clone(),
        })
    }
}

/// A verified, decrypted WorldCard webhook delivery: `event_type` is the
/// `notify_type`, `delivery_id` the `X-Nonce`, `timestamp_ms` the signed
/// `X-Timestamp`.
pub type WebhookEvent = crate::delivery::WebhookEvent<Event>;
