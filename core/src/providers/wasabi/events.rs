//! Wasabi Open API notifications, by `X-WSB-CATEGORY`.

use serde::Serialize;
use serde_json::Value;

/// A notification category and the field that identifies its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// `card_holder` (`holderId`).
    CardHolder,
    /// `card_holder_change_email` (`holderId`).
    CardHolderChangeEmail,
    /// `card_transaction` (`orderNo`).
    CardTransaction,
    /// `work` (`orderNo`).
    Work,
    /// `wallet_transaction` (`orderNo`).
    WalletTransaction,
    /// `wallet_transaction_v2` (`orderNo`).
    WalletTransactionV2,
    /// `card_auth_transaction` (`tradeNo`; pushed again as its status moves).
    CardAuthTransaction,
    /// `card_fee_patch` (`tradeNo`).
    CardFeePatch,
    /// `card_3ds` (`tradeNo`; `values` is RSA-encrypted, `type` ∈ `third_3ds_otp`, `auth_url`, `activation_code`).
    Card3ds,
    /// `physical_card` (`cardNo`).
    PhysicalCard,
    /// Any other category, as sent.
    Other(String),
}

impl Category {
    /// Reads `X-WSB-CATEGORY`.
    pub fn parse(s: &str) -> Category {
        match s {
            "card_holder" => Category::CardHolder,
            "card_holder_change_email" => Category::CardHolderChangeEmail,
            "card_transaction" => Category::CardTransaction,
            "work" => Category::Work,
            "wallet_transaction" => Category::WalletTransaction,
            "wallet_transaction_v2" => Category::WalletTransactionV2,
            "card_auth_transaction" => Category::CardAuthTransaction,
            "card_fee_patch" => Category::CardFeePatch,
            "card_3ds" => Category::Card3ds,
            "physical_card" => Category::PhysicalCard,
            other => Category::Other(other.to_owned()),
        }
    }

    /// The category's wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Category::CardHolder => "card_holder",
            Category::CardHolderChangeEmail => "card_holder_change_email",
            Category::CardTransaction => "card_transaction",
            Category::Work => "work",
            Category::WalletTransaction => "wallet_transaction",
            Category::WalletTransactionV2 => "wallet_transaction_v2",
            Category::CardAuthTransaction => "card_auth_transaction",
            Category::CardFeePatch => "card_fee_patch",
            Category::Card3ds => "card_3ds",
            Category::PhysicalCard => "physical_card",
            Category::Other(s) => s,
        }
    }

    /// The payload field that identifies an event of this category.
    pub fn id_field(&self) -> Option<&'static str> {
        match self {
            Category::CardHolder | Category::CardHolderChangeEmail => Some("holderId"),
            Category::CardTransaction
            | Category::Work
            | Category::WalletTransaction
            | Category::WalletTransactionV2 => Some("orderNo"),
            Category::CardAuthTransaction | Category::CardFeePatch | Category::Card3ds => {
                Some("tradeNo")
            }
            Category::PhysicalCard => Some("cardNo"),
            Category::Other(_) => None,
        }
    }
}

/// A typed notification: its category, identifying value and status, with
/// the payload (non-integer numbers as exact decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Event {
    /// The category.
    pub category: Category,
    /// The identifying field's value (`holderId`, `orderNo`, `tradeNo`, `cardNo`), as text.
    pub id: Option<String>,
    /// `status`, when present.
    pub status: Option<String>,
    /// The whole payload.
    pub data: Value,
}

/// A verified notification delivery: `event_type` is the category,
/// `delivery_id` the (unsigned) `X-WSB-REQUEST-ID`, `business_key` the
/// event's own identity.
pub type WebhookEvent = crate::delivery::WebhookEvent<Event>;

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl Event {
    /// Types a verified payload under `category`.
    pub fn new(category: Category, data: Value) -> Event {
        let id = category.id_field().and_then(|f| text(data.get(f)));
        let status = text(data.get("status"));
        Event {
            category,
            id,
            status,
            data,
        }
    }

    /// The business key ([`crate::delivery::business_key`]):
    /// `<category>:<type>:<id>:<status>:<times>`, with the category's id
    /// field, the payload's `type` and `status`, and its own times
    /// (`transactionTime`, `settleDate`, `expirationTime`), each as
    /// received. A cardholder moving `wait_audit → under_review →
    /// pass_audit` gets three keys, a card frozen, unfrozen and frozen again
    /// three, and a settlement pushed after its authorization (same
    /// `tradeNo` and status, with `settleDate`) a key of its own.
    pub fn dedup_key(&self) -> String {
        let id_field = self.category.id_field();
        let id = id_field.as_slice();
        crate::delivery::business_key(
            self.category.as_str(),
            &self.data,
            &crate::delivery::BusinessKeyFields {
                id,
                ..super::BUSINESS_KEY_FIELDS
            },
        )
    }
}
