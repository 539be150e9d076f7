//! PinToPay rule tables (the PinToPay corporate card API documentation, "API Documentation", and
//! PinToPay's public documentation, which lists the endpoints and their fields).
//!
//! Fields sit at the payload root next to `request_timestamp`, which the
//! library adds when it seals the request: it is not part of these tables.
//! The `Idempotency-Key` header (required on `cards/create` and
//! `cards/topup`) is a header rule, enforced by the request builder, not here.
//! The PinToPay API documentation's own payload example names the user `user_id` where every other
//! page says `external_user_id`: PinToPay's public documentation rejects neither, so
//! every rule on the external user id accepts either name.

use crate::validate::{Check, Check::*, EndpointRules, Format, Rule};

const DOCS: &str = "PinToPay's public documentation";
const EXTERNAL_USER: Check = AnyOf(&["external_user_id", "user_id"]);
const CARD_ID: Rule = Rule::new("card_id", Required, DOCS);
const USER_ID_NOTE: &str = "`external_user_id` per PinToPay's public documentation; the PinToPay API documentation's example (\"API Documentation\") uses `user_id`: either is accepted.";

/// The tables, one per documented path (14, all POST under `/api/v1`).
pub const TABLES: &[EndpointRules] = &[
    EndpointRules {
        endpoint: "/api/v1/users/create",
        note: crate::rule_note!("PinToPay's public documentation gives `external_user_id`; the PinToPay API documentation's only payload example sends `user_id`: one of the two is required (the looser rule)."),
        rules: &[Rule::new("external_user_id", EXTERNAL_USER, DOCS).note(USER_ID_NOTE)],
    },
    EndpointRules { endpoint: "/api/v1/cards/products", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/cardholders/create",
        note: crate::rule_note!("`country_iso` is ISO 3166-1 alpha-2; `birth_date` is YYYY-MM-DD. The external user id also accepts the PinToPay API documentation's `user_id` spelling."),
        rules: &[
            Rule::new("first_name", Required, DOCS),
            Rule::new("last_name", Required, DOCS),
            Rule::new("birth_date", Required, DOCS),
            Rule::new("birth_date", Format(Format::Date), DOCS),
            Rule::new("email", Required, DOCS),
            Rule::new("email", Format(Format::Email), DOCS),
            Rule::new("phone_number_full", Required, DOCS),
            Rule::new("country_iso", Required, DOCS),
            Rule::new("country_iso", Format(Format::CountryAlpha2), DOCS),
            Rule::new("external_user_id", EXTERNAL_USER, DOCS).note(USER_ID_NOTE),
            Rule::new("subprovider_code", Required, DOCS),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/cards/create",
        note: crate::rule_note!("`product_code` or the legacy `product_id`; the user as `external_user_id` (or the PinToPay API documentation's `user_id`) or `cardholder_id`. The Idempotency-Key header is required here but checked by the request builder, not this table."),
        rules: &[
            Rule::new("product", AnyOf(&["product_code", "product_id"]), DOCS).note("`product_id` is the legacy name: both accepted."),
            Rule::new("user", AnyOf(&["external_user_id", "user_id", "cardholder_id"]), DOCS)
                .note("`external_user_id` or `cardholder_id`; `user_id` (the PinToPay API documentation's spelling) is accepted too."),
        ],
    },
    EndpointRules { endpoint: "/api/v1/orders/check", note: crate::rule_note!(""), rules: &[Rule::new("order_id", Required, DOCS)] },
    EndpointRules { endpoint: "/api/v1/cards/get", note: crate::rule_note!(""), rules: &[CARD_ID] },
    EndpointRules {
        endpoint: "/api/v1/cards/topup",
        note: crate::rule_note!("The Idempotency-Key header is required here but checked by the request builder, not this table. Limits per product (`amount_below_minimum`, `amount_above_maximum`) are platform refusals, not validation."),
        rules: &[
            CARD_ID,
            Rule::new("amount", Required, DOCS),
            Rule::new("amount", Decimal { min: Some("0.01"), max: None, places: None, text: true }, DOCS).note(
                "Documented as a decimal string greater than 0 (`invalid_amount` otherwise); a JSON number is not refused here. \"> 0\" is written as minimum 0.01 (cent precision assumed).",
            ),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/cards/freeze",
        note: crate::rule_note!("Freezing a card that is not active is a platform refusal (`card_not_active`, `invalid_card_status`), not validation."),
        rules: &[CARD_ID, Rule::new("external_user_id", EXTERNAL_USER, DOCS).note(USER_ID_NOTE)],
    },
    EndpointRules {
        endpoint: "/api/v1/cards/unfreeze",
        note: crate::rule_note!("Unfreezing a card that is not frozen is a platform refusal, not validation."),
        rules: &[CARD_ID, Rule::new("external_user_id", EXTERNAL_USER, DOCS).note(USER_ID_NOTE)],
    },
    EndpointRules { endpoint: "/api/v1/project/wallet/trc20", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/project/balance", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/wh/subscribe",
        note: crate::rule_note!("Parameters not documented (PinToPay's public documentation names the call only): not covered."),
        rules: &[],
    },
    EndpointRules {
        endpoint: "/api/v1/wh/unsubscribe",
        note: crate::rule_note!("Parameters not documented (PinToPay's public documentation names the call only): not covered."),
        rules: &[],
    },
    EndpointRules {
        endpoint: "/api/v1/wh/subscriptions",
        note: crate::rule_note!("Parameters not documented (PinToPay's public documentation names the call only): not covered."),
        rules: &[],
    },
];
