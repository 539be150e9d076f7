//! Wasabi Card API gateway rule tables (`/api/v1/...`): the Wasabi Card API
//! gateway documentation and Wasabi's public endpoint list. Gateway bodies carry the upstream field
//! names, so every endpoint the brief maps to an Open API endpoint reuses
//! that endpoint's rules from `rules.rs` (the mapping itself is inferred from
//! the names; the gateway documentation gives no request fields beyond those below).

use super::rules as upstream;
use crate::validate::{Check::*, EndpointRules, Format, Rule};

const SRC_PM: &str = "Wasabi's public endpoint list";
const SRC_POLL: &str = "Polling Webhook Events";
const NOT_GIVEN: &str =
    "The gateway documentation and Wasabi's public endpoint list give no request fields for this endpoint: not covered.";

/// The tables, one per documented gateway path (45; `work-orders/` is one path for POST submit and GET list).
pub const TABLES: &[EndpointRules] = &[
    // Common: reference data
    EndpointRules { endpoint: "/api/v1/common/regions", note: crate::rule_note!("GET. No parameters documented."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/common/cities", note: crate::rule_note!("GET. No parameters documented."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/common/cities/hierarchical",
        note: crate::rule_note!("GET, query regionCode (Wasabi's public endpoint list); the gateway documentation only says \"Cities grouped by region\". Upstream /common/v2/city (inferred)."),
        rules: &[Rule::new("regionCode", Required, SRC_PM)],
    },
    EndpointRules { endpoint: "/api/v1/common/mobile-codes", note: crate::rule_note!("GET. No parameters documented."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/common/files/upload",
        note: crate::rule_note!("Multipart (file: jpg, png or pdf, at most 2 MB, checked by the upload builder): not a JSON body. Returns the fileId used as idFrontId / idBackId / idHoldId."),
        rules: &[],
    },
    // Wallet
    EndpointRules { endpoint: "/api/v1/wallet/deposit", note: crate::rule_note!("Deprecated. No fields documented: not covered."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/wallet/deposit/transactions", note: crate::rule_note!("Deprecated. No fields documented: not covered."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/wallet/v2/coins", note: NOT_GIVEN, rules: &[] },
    EndpointRules { endpoint: "/api/v1/wallet/v2/create", note: NOT_GIVEN, rules: &[] },
    EndpointRules { endpoint: "/api/v1/wallet/v2/address-list", note: NOT_GIVEN, rules: &[] },
    EndpointRules { endpoint: "/api/v1/wallet/v2/transactions", note: NOT_GIVEN, rules: &[] },
    // Cards (upstream rules, passed through)
    EndpointRules { endpoint: "/api/v1/cards/support-bins", note: crate::rule_note!("Upstream /card/v2/cardTypes. No parameters."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/cards/create-v2", note: crate::rule_note!("Upstream /card/v2/createCard (Create Card-V2 rules)."), rules: upstream::CREATE_CARD_V2 },
    EndpointRules {
        endpoint: "/api/v1/cards/activate-physical",
        note: crate::rule_note!("Upstream /card/physicalCard/activeCard (Activate Card rules)."),
        rules: upstream::ACTIVATE_CARD,
    },
    EndpointRules { endpoint: "/api/v1/cards/info", note: crate::rule_note!("Upstream /card/info."), rules: upstream::CARD_INFO },
    EndpointRules {
        endpoint: "/api/v1/cards/sensitive",
        note: crate::rule_note!("Upstream /card/sensitive (ciphertexts are returned unchanged)."),
        rules: upstream::CARD_SENSITIVE,
    },
    EndpointRules {
        endpoint: "/api/v1/cards/balance",
        note: crate::rule_note!("Upstream /card/balanceInfo. The gateway documentation's example cardNo 4111111111111111 looks like a PAN (upstream cardNo is the card id): cardNo has no format rule, so it passes."),
        rules: upstream::CARD_BALANCE,
    },
    EndpointRules { endpoint: "/api/v1/cards/list", note: crate::rule_note!("Upstream /card/list."), rules: upstream::CARD_LIST },
    EndpointRules { endpoint: "/api/v1/cards/update", note: crate::rule_note!("Upstream /card/updateAttribute (Update Card rules)."), rules: upstream::UPDATE_CARD },
    EndpointRules { endpoint: "/api/v1/cards/freeze", note: crate::rule_note!("Upstream /card/v2/freeze."), rules: upstream::FREEZE_V2 },
    EndpointRules { endpoint: "/api/v1/cards/unfreeze", note: crate::rule_note!("Upstream /card/v2/unfreeze."), rules: upstream::UNFREEZE_V2 },
    EndpointRules { endpoint: "/api/v1/cards/cancel", note: crate::rule_note!("Upstream /card/cancel."), rules: upstream::CANCEL },
    EndpointRules { endpoint: "/api/v1/cards/update-pin", note: crate::rule_note!("Upstream /card/physicalCard/updatePin."), rules: upstream::UPDATE_PIN },
    EndpointRules { endpoint: "/api/v1/cards/note", note: crate::rule_note!("Upstream /card/note."), rules: upstream::UPDATE_NOTE },
    EndpointRules { endpoint: "/api/v1/cards/deposit", note: crate::rule_note!("Upstream /card/deposit."), rules: upstream::DEPOSIT },
    EndpointRules { endpoint: "/api/v1/cards/withdraw", note: crate::rule_note!("Upstream /card/withdraw."), rules: upstream::WITHDRAW },
    EndpointRules {
        endpoint: "/api/v1/cards/purchase-transactions",
        note: crate::rule_note!("Upstream /card/purchaseTransaction."),
        rules: upstream::PURCHASE_TXN,
    },
    EndpointRules {
        endpoint: "/api/v1/cards/operation-transactions-v2",
        note: crate::rule_note!("Upstream /card/v2/transaction."),
        rules: upstream::OP_TXN_V2,
    },
    EndpointRules { endpoint: "/api/v1/cards/auth-transactions", note: crate::rule_note!("Upstream /card/authTransaction."), rules: upstream::AUTH_TXN },
    EndpointRules {
        endpoint: "/api/v1/cards/auth-fee-transactions",
        note: crate::rule_note!("Upstream /card/authFeeTransaction."),
        rules: upstream::AUTH_FEE_TXN,
    },
    EndpointRules {
        endpoint: "/api/v1/cards/3ds-transactions",
        note: crate::rule_note!("Upstream /card/third3dsTransaction."),
        rules: upstream::THREEDS_TXN,
    },
    EndpointRules { endpoint: "/api/v1/cards/simulate-auth", note: crate::rule_note!("Sandbox only. No fields documented: not covered."), rules: &[] },
    // Cardholders
    EndpointRules { endpoint: "/api/v1/cardholders/occupations", note: crate::rule_note!("No parameters (the gateway documentation's cURL example sends no body)."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/cardholders/create-v2",
        note: crate::rule_note!("B2B vs B2C table: B2C requires gender, nationality, occupation, idType, idNumber, idFrontId, idBackId, idHoldId. The \"common fields (name, address, mobile...)\" are required for both models but not named: not checked. kycVerification is \"required for type 111065\" (unexplained): not enforced."),
        rules: upstream::CARDHOLDER_CREATE,
    },
    EndpointRules {
        endpoint: "/api/v1/cardholders/update-v2",
        note: crate::rule_note!("Only when status = reject. Required fields are not documented for the update: only the create formats are checked."),
        rules: upstream::CARDHOLDER_UPDATE,
    },
    EndpointRules { endpoint: "/api/v1/cardholders/list", note: crate::rule_note!("Paginated and filterable, but the parameters are not named: not covered."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/cardholders/update-email",
        note: crate::rule_note!("Only when status = pass_audit. Field name not documented; the e-mail format comes from the 422 example."),
        rules: upstream::CARDHOLDER_UPDATE_EMAIL,
    },
    // Accounts
    EndpointRules { endpoint: "/api/v1/accounts/assets", note: crate::rule_note!("GET. No parameters documented."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/accounts/",
        note: crate::rule_note!("GET; query pageNum, pageSize (at most 10 here, not the upstream card lists' 100), accountId, type."),
        rules: &[
            Rule::new("pageNum", Integer { min: Some(1), max: None }, SRC_PM),
            Rule::new("pageSize", Integer { min: Some(1), max: Some(10) }, SRC_PM),
            Rule::new("type", Enum { values: &["WALLET", "MARGIN"], closed: true }, SRC_PM),
        ],
    },
    EndpointRules { endpoint: "/api/v1/accounts/single", note: crate::rule_note!("GET. Parameters not documented: not covered."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/accounts/transactions", note: crate::rule_note!("GET. Parameters not documented: not covered."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/accounts/create", note: NOT_GIVEN, rules: &[] },
    EndpointRules { endpoint: "/api/v1/accounts/transfer", note: NOT_GIVEN, rules: &[] },
    // Work orders
    EndpointRules {
        endpoint: "/api/v1/work-orders/",
        note: crate::rule_note!("One path for POST (submit) and GET (list); neither documents its fields: not covered."),
        rules: &[],
    },
    // Webhook events (gateway-own)
    EndpointRules {
        endpoint: "/api/v1/webhook-events",
        note: crate::rule_note!("GET query. `to` must not be before `from` (Wasabi's public endpoint list): a comparison between two fields, not expressible here (the gateway client checks it). Limits from Wasabi's public endpoint list; types and per_page maximum from the gateway documentation."),
        rules: &[
            Rule::new("category", Length { min: 0, max: 60 }, SRC_PM),
            Rule::new("reference_id", Length { min: 0, max: 100 }, SRC_PM),
            Rule::new("merchant_order_no", Length { min: 0, max: 60 }, SRC_PM)
                .note("A filter, not the upstream merchantOrderNo (15..65): only the gateway's 60 applies."),
            Rule::new("status", Length { min: 0, max: 40 }, SRC_PM),
            Rule::new("from", Format(Format::DateTime), SRC_POLL),
            Rule::new("to", Format(Format::DateTime), SRC_POLL),
            Rule::new("per_page", Integer { min: Some(1), max: Some(100) }, SRC_POLL),
            Rule::new("page", Integer { min: Some(1), max: None }, SRC_PM),
        ],
    },
];
