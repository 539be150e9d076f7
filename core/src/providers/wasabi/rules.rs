//! Wasabi Card Open API rule tables (`/merchant/core/mcb/...`): the Wasabi
//! Card Open API documentation (the Cards chapter, the only chapter it has),
//! the B2B/B2C cardholder table and the 422 example of the Wasabi Card API
//! gateway documentation (the gateway passes the upstream field names
//! through), and Wasabi's public documentation (the full path list; rules that
//! depend on the card type take the caller's card-type record, never static
//! numbers).
//!
//! The per-endpoint rule lists are public: the gateway tables
//! (`gateway_rules.rs`) reuse them for the endpoints that map one to one.

use crate::validate::{CardTypeCheck, Check, Check::*, EndpointRules, Format, Rule, When};

const ORDER_NO: Check = Length { min: 15, max: 65 };
const REMARK: Check = Length { min: 0, max: 50 };
const AMOUNT: Check = Decimal {
    min: None,
    max: None,
    places: None,
    text: false,
};
const PAGE_NUM: Rule = Rule::new(
    "pageNum",
    Integer {
        min: Some(1),
        max: None,
    },
    "pagination (the Open API documentation's list pages)",
)
.note("Marked required but \"Default is 1\": optional (the looser reading).");
const PAGE_SIZE: Rule = Rule::new(
    "pageSize",
    Integer {
        min: Some(1),
        max: Some(100),
    },
    "pagination (the Open API documentation's list pages)",
)
.note("Marked required but \"Default 10, maximum 100\": optional (the looser reading).");
const OP_TYPES: Check = Enum {
    values: &[
        "create",
        "deposit",
        "cancel",
        "Freeze",
        "UnFreeze",
        "withdraw",
        "update_pin",
        "blocked",
        "card_update",
        "overdraft_statement",
        "card_activated",
    ],
    closed: true,
};
const OP_TYPES_NOTE: &str = "The request list (v1 lacks separators after `update_pin` and `blocked`) plus `card_activated`, the type the Activate Card response documents but this list omits: added so that nothing the platform may accept is refused. Case as documented (`Freeze`, `UnFreeze`).";
const CARD_STATUSES: Check = Enum {
    values: &[
        "pending",
        "un_activated",
        "Normal",
        "Freeze",
        "Freezing",
        "UnFreezing",
        "canceling",
        "cancel",
        "fail",
    ],
    closed: true,
};
const B2C: When = When::Eq("cardHolderModel", "B2C");
const SRC_MODEL: &str = "B2B vs B2C Model (the gateway documentation)";
const SRC_422: &str = "Validation Error Example (the gateway documentation)";
const UNDOCUMENTED: &str = "Wasabi's public path list has this path; no document gives its request fields (the Open API documentation covers the Cards chapter only): not covered.";

/// `/card/openCard` (Create Card-Deprecated).
pub const OPEN_CARD: &[Rule] = &[
    Rule::new("merchantOrderNo", Required, "Create Card-Deprecated"),
    Rule::new("merchantOrderNo", ORDER_NO, "Create Card-Deprecated"),
    Rule::new("cardTypeId", Required, "Create Card-Deprecated"),
    Rule::new("amount", AMOUNT, "Create Card-Deprecated")
        .note("Optional here: defaults to depositAmountMinQuotaForActiveCard when the card type needs a first deposit."),
    Rule::new("amount", CardType(CardTypeCheck::OpeningDeposit), "Create Card-Deprecated"),
];

/// `/card/v2/createCard` (Create Card-V2).
pub const CREATE_CARD_V2: &[Rule] = &[
    Rule::new("merchantOrderNo", Required, "Create Card-V2"),
    Rule::new("merchantOrderNo", ORDER_NO, "Create Card-V2"),
    Rule::new("cardTypeId", Required, "Create Card-V2"),
    Rule::new("amount", Required, "Create Card-V2")
        .note("Required on the V2 page (optional on the deprecated V1 page, whose default the V2 remark still half-describes): the V2 page's own flag is kept."),
    Rule::new("amount", AMOUNT, "Create Card-V2"),
    Rule::new("amount", CardType(CardTypeCheck::OpeningDeposit), "Create Card-V2"),
];

/// `/card/info`.
pub const CARD_INFO: &[Rule] = &[Rule::new("cardNo", Required, "Card Info")];

/// `/card/sensitive`.
pub const CARD_SENSITIVE: &[Rule] = &[Rule::new("cardNo", Required, "Card Info For Sensitive")];

/// `/card/balanceInfo`.
pub const CARD_BALANCE: &[Rule] = &[Rule::new("cardNo", Required, "Card Balance")];

/// `/card/list`.
pub const CARD_LIST: &[Rule] = &[
    PAGE_NUM,
    PAGE_SIZE,
    Rule::new("status", CARD_STATUSES, "Card List")
        .note("Mixed case as documented (`Normal`, `Freeze`, `un_activated`): compared exactly."),
];

/// `/card/updateAttribute` (Update Card).
pub const UPDATE_CARD: &[Rule] = &[
    Rule::new("cardNo", Required, "Update Card"),
    Rule::new("merchantOrderNo", Required, "Update Card"),
    Rule::new("merchantOrderNo", ORDER_NO, "Update Card"),
    Rule::new("clientRemark", REMARK, "Update Card"),
    Rule::new("noPinPaymentAmount", AMOUNT, "Update Card"),
    Rule::new("noPinPaymentAmount", CardType(CardTypeCheck::NoPinPaymentAmount), "Update Card")
        .note("Only when metadata.supportSettingNoPinPaymentAmount is true; within metadata.noPinPaymentAmountMinQuota..MaxQuota."),
    Rule::new("spendingControls", CardType(CardTypeCheck::SpendingControls), "Update Card")
        .note("The page says \"only when metadata.spendingControls = true\", but metadata.spendingControls is a list: the flag used is metadata.spendingControls[].supportSetting per interval."),
    Rule::new("spendingControls[].interval", Required, "Update Card"),
    Rule::new("spendingControls[].interval", Enum { values: &["PER_TRANSACTION"], closed: false }, "Update Card")
        .note("Only PER_TRANSACTION is documented; the card-type record decides which intervals are allowed (open set here)."),
    Rule::new("spendingControls[].amount", Required, "Update Card"),
    Rule::new("spendingControls[].amount", AMOUNT, "Update Card"),
    Rule::new("riskControls", CardType(CardTypeCheck::MccLists), "Update Card")
        .note("Only when metadata.supportSettingMcc is true. At most one of riskControls.allowedMcc / riskControls.blockedMcc may be configured (an empty array removes a list): nested, so not checked by AtMostOne."),
];

/// `/card/note` (Update Note).
pub const UPDATE_NOTE: &[Rule] = &[
    Rule::new("cardNo", Required, "Update Note"),
    Rule::new("clientRemark", REMARK, "Update Note"),
];

/// `/card/v2/freeze`.
pub const FREEZE_V2: &[Rule] = &[
    Rule::new("cardNo", Required, "Freeze Card-V2"),
    Rule::new("merchantOrderNo", Required, "Freeze Card-V2"),
    Rule::new("merchantOrderNo", ORDER_NO, "Freeze Card-V2"),
    Rule::new("clientRemark", REMARK, "Freeze Card-V2"),
];

/// `/card/v2/unfreeze`.
pub const UNFREEZE_V2: &[Rule] = &[
    Rule::new("cardNo", Required, "UnFreeze Card-V2"),
    Rule::new("merchantOrderNo", Required, "UnFreeze Card-V2"),
    Rule::new("merchantOrderNo", ORDER_NO, "UnFreeze Card-V2"),
    Rule::new("clientRemark", REMARK, "UnFreeze Card-V2"),
];

/// `/card/deposit`.
pub const DEPOSIT: &[Rule] = &[
    Rule::new("cardNo", Required, "Deposit Card"),
    Rule::new("merchantOrderNo", Required, "Deposit Card"),
    Rule::new("merchantOrderNo", ORDER_NO, "Deposit Card"),
    Rule::new("amount", Required, "Deposit Card"),
    Rule::new("amount", AMOUNT, "Deposit Card"),
    Rule::new("amount", CardType(CardTypeCheck::Deposit), "Support Bins")
        .note("enableDeposit, rechargeMinQuota..rechargeMaxQuota and at most rechargeDigital decimal places, from the card-type record."),
];

/// `/card/withdraw`.
pub const WITHDRAW: &[Rule] = &[
    Rule::new("cardNo", Required, "Withdraw Card"),
    Rule::new("merchantOrderNo", Required, "Withdraw Card"),
    Rule::new("merchantOrderNo", ORDER_NO, "Withdraw Card"),
    Rule::new("amount", Required, "Withdraw Card"),
    Rule::new(
        "amount",
        Decimal {
            min: Some("0.01"),
            max: None,
            places: None,
            text: false,
        },
        "Withdraw Card",
    ),
    Rule::new("clientRemark", REMARK, "Withdraw Card"),
];

/// `/card/cancel`.
pub const CANCEL: &[Rule] = &[
    Rule::new("cardNo", Required, "Cancel Card"),
    Rule::new("merchantOrderNo", Required, "Cancel Card"),
    Rule::new("merchantOrderNo", ORDER_NO, "Cancel Card"),
    Rule::new("clientRemark", REMARK, "Cancel Card"),
];

/// `/card/physicalCard/activeCard` (Activate Card, physical).
pub const ACTIVATE_CARD: &[Rule] = &[
    Rule::new("merchantOrderNo", Required, "Activate Card (physical)"),
    Rule::new("merchantOrderNo", ORDER_NO, "Activate Card (physical)"),
    Rule::new("cardNo", Required, "Activate Card (physical)"),
    Rule::new("pin", Required, "Activate Card (physical)"),
    Rule::new("pin", Length { min: 6, max: 6 }, "Activate Card (physical)")
        .note("\"6 digits, User-defined\" only: the PIN pattern rules are documented for Update PIN only, so only length and digits are checked here."),
    Rule::new("pin", Format(Format::Digits), "Activate Card (physical)"),
    Rule::new("activeCode", Required, "Activate Card (physical)"),
    Rule::new("noPinPaymentAmount", AMOUNT, "Activate Card (physical)"),
    Rule::new("noPinPaymentAmount", CardType(CardTypeCheck::NoPinPaymentAmount), "Update Card")
        .note("This page states a static \"0~2000USD, default 500USD\"; Update Card and Wasabi's public documentation take the range from the card-type metadata: the card-type rule is used and the static 0..2000 is not enforced."),
];

/// `/card/physicalCard/updatePin` (Update PIN, physical).
pub const UPDATE_PIN: &[Rule] = &[
    Rule::new("cardNo", Required, "Update PIN (physical)"),
    Rule::new("merchantOrderNo", Required, "Update PIN (physical)"),
    Rule::new("merchantOrderNo", ORDER_NO, "Update PIN (physical)"),
    Rule::new("pin", Required, "Update PIN (physical)"),
    Rule::new("pin", WasabiPin, "Update PIN (physical)")
        .note("\"Ascending or descending\" is read as each digit one more (or one less) than the previous, no wrap-around: an assumption, the page does not define it."),
];

/// `/card/purchaseTransaction`.
pub const PURCHASE_TXN: &[Rule] = &[PAGE_NUM, PAGE_SIZE];

/// `/card/transaction` (Card Operation Transaction, v1).
pub const OP_TXN_V1: &[Rule] = &[
    PAGE_NUM,
    PAGE_SIZE,
    Rule::new("type", Required, "Card Operation Transaction")
        .note("Required in v1, optional in V2."),
    Rule::new("type", OP_TYPES, "Card Operation Transaction").note(OP_TYPES_NOTE),
];

/// `/card/v2/transaction` (Card Operation Transaction-V2).
pub const OP_TXN_V2: &[Rule] = &[
    PAGE_NUM,
    PAGE_SIZE,
    Rule::new("type", OP_TYPES, "Card Operation Transaction-V2").note(OP_TYPES_NOTE),
];

/// `/card/authTransaction`.
pub const AUTH_TXN: &[Rule] = &[
    PAGE_NUM,
    PAGE_SIZE,
    Rule::new(
        "type",
        Enum {
            values: &["auth", "refund", "verification", "Void", "maintain_fee"],
            closed: true,
        },
        "Card Authorization Transaction (Consumption Bill)",
    )
    .note("`Void` is capitalised in the document: compared exactly."),
];

/// `/card/authFeeTransaction`.
pub const AUTH_FEE_TXN: &[Rule] = &[
    PAGE_NUM,
    PAGE_SIZE,
    Rule::new(
        "tradeType",
        Enum {
            values: &["card_patch_fee", "card_patch_cross_border"],
            closed: true,
        },
        "Card Authorization Fee Transaction",
    )
    .note("The filter is named tradeType; the response field is type."),
];

/// `/card/third3dsTransaction`.
pub const THREEDS_TXN: &[Rule] = &[
    PAGE_NUM,
    PAGE_SIZE,
    Rule::new(
        "type",
        Enum {
            values: &["third_3ds_otp", "auth_url", "activation_code"],
            closed: true,
        },
        "Card 3DS Transaction",
    )
    .note("The page runs auth_url and activation_code together without a separator: three values."),
];

/// `/card/holder/v2/create`: the B2B/B2C table of the gateway documentation (gateway field names are the upstream ones).
pub const CARDHOLDER_CREATE: &[Rule] = &[
    Rule::new("cardHolderModel", Required, SRC_MODEL),
    Rule::new("cardHolderModel", Enum { values: &["B2B", "B2C"], closed: true }, SRC_422)
        .note("The gateway answers \"The selected card holder model is invalid.\" and Support Bins lists metadata.cardHolderModel B2B / B2C."),
    Rule::new("gender", Required, SRC_MODEL).when(B2C),
    Rule::new("nationality", Required, SRC_MODEL).when(B2C),
    Rule::new("occupation", Required, SRC_MODEL).when(B2C),
    Rule::new("idType", Required, SRC_MODEL).when(B2C),
    Rule::new("idNumber", Required, SRC_MODEL).when(B2C),
    Rule::new("idFrontId", Required, SRC_MODEL).when(B2C),
    Rule::new("idBackId", Required, SRC_MODEL).when(B2C),
    Rule::new("idHoldId", Required, SRC_MODEL).when(B2C),
    Rule::new("email", Format(Format::Email), SRC_422),
    Rule::new("nationality", Format(Format::CountryAlpha2), "Support Bins")
        .note("Support Bins documents the supported nationalities (supportHolderRegin) as ISO 3166-1 alpha-2."),
];

/// `/card/holder/v2/update`: only formats (the documents give no required fields for an update).
pub const CARDHOLDER_UPDATE: &[Rule] = &[
    Rule::new(
        "cardHolderModel",
        Enum {
            values: &["B2B", "B2C"],
            closed: true,
        },
        SRC_422,
    ),
    Rule::new("email", Format(Format::Email), SRC_422),
    Rule::new("nationality", Format(Format::CountryAlpha2), "Support Bins"),
];

/// `/card/holder/updateEmail`: the field name `email` is assumed from the gateway's 422 example.
pub const CARDHOLDER_UPDATE_EMAIL: &[Rule] = &[Rule::new("email", Format(Format::Email), SRC_422)
    .note(
    "Field name not documented for this endpoint: checked only when a field named email is given.",
)];

/// The tables, one per path Wasabi's public documentation lists (47, deprecated v1 cardholder create/update included).
pub const TABLES: &[EndpointRules] = &[
    // common
    EndpointRules { endpoint: "/merchant/core/mcb/common/region", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/common/city", note: UNDOCUMENTED, rules: &[] },
    EndpointRules {
        endpoint: "/merchant/core/mcb/common/v2/city",
        note: crate::rule_note!("Wasabi's public path list has this path; no document gives its request fields. The gateway's common/cities/hierarchical (mapped here by inference) takes regionCode, but the upstream requirement is not documented: not enforced."),
        rules: &[],
    },
    EndpointRules { endpoint: "/merchant/core/mcb/common/mobileAreaCode", note: UNDOCUMENTED, rules: &[] },
    EndpointRules {
        endpoint: "/merchant/core/mcb/common/file/upload",
        note: crate::rule_note!("Multipart (fields file and category; the signature covers {}): not a JSON body, and no limits are documented upstream: not covered."),
        rules: &[],
    },
    // account
    EndpointRules { endpoint: "/merchant/core/mcb/account/info", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/account/list", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/account/single/query", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/account/transaction", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/account/create", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/account/transfer", note: UNDOCUMENTED, rules: &[] },
    // wallet
    EndpointRules { endpoint: "/merchant/core/mcb/wallet/v2/coins", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/wallet/v2/create", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/wallet/v2/addressList", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/wallet/v2/transaction", note: UNDOCUMENTED, rules: &[] },
    // card
    EndpointRules { endpoint: "/merchant/core/mcb/card/v2/cardTypes", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/v2/createCard",
        note: crate::rule_note!("cardNumber is \"Required when create physical card\": whether the card type is physical is known only from the card-type record, so it is not enforced."),
        rules: CREATE_CARD_V2,
    },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/openCard",
        note: crate::rule_note!("Deprecated (data is an array). cardNumber is \"Required when create physical card\": not enforced (needs the card type). amount is optional here, required in V2."),
        rules: OPEN_CARD,
    },
    EndpointRules { endpoint: "/merchant/core/mcb/card/info", note: crate::rule_note!(""), rules: CARD_INFO },
    EndpointRules { endpoint: "/merchant/core/mcb/card/sensitive", note: crate::rule_note!(""), rules: CARD_SENSITIVE },
    EndpointRules { endpoint: "/merchant/core/mcb/card/balanceInfo", note: crate::rule_note!(""), rules: CARD_BALANCE },
    EndpointRules { endpoint: "/merchant/core/mcb/card/list", note: crate::rule_note!("pageNum/pageSize are marked required but have defaults: treated as optional."), rules: CARD_LIST },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/updateAttribute",
        note: crate::rule_note!("Update Card. noPinPaymentAmount, spendingControls and riskControls are allowed per card type (card-type record). allowedMcc/blockedMcc at most one: nested, noted, not checked."),
        rules: UPDATE_CARD,
    },
    EndpointRules { endpoint: "/merchant/core/mcb/card/note", note: crate::rule_note!(""), rules: UPDATE_NOTE },
    EndpointRules { endpoint: "/merchant/core/mcb/card/v2/freeze", note: crate::rule_note!(""), rules: FREEZE_V2 },
    EndpointRules { endpoint: "/merchant/core/mcb/card/v2/unfreeze", note: crate::rule_note!(""), rules: UNFREEZE_V2 },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/deposit",
        note: crate::rule_note!("No static deposit limits: they come from the card-type record (rechargeMinQuota, rechargeMaxQuota, rechargeDigital, enableDeposit)."),
        rules: DEPOSIT,
    },
    EndpointRules { endpoint: "/merchant/core/mcb/card/withdraw", note: crate::rule_note!(""), rules: WITHDRAW },
    EndpointRules { endpoint: "/merchant/core/mcb/card/cancel", note: crate::rule_note!(""), rules: CANCEL },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/physicalCard/activeCard",
        note: crate::rule_note!("noPinPaymentAmount: static 0~2000 USD on this page vs the card-type range (Update Card, Wasabi's public documentation): the card-type rule is used. PIN pattern rules are documented for Update PIN only."),
        rules: ACTIVATE_CARD,
    },
    EndpointRules { endpoint: "/merchant/core/mcb/card/physicalCard/updatePin", note: crate::rule_note!(""), rules: UPDATE_PIN },
    EndpointRules { endpoint: "/merchant/core/mcb/card/purchaseTransaction", note: crate::rule_note!(""), rules: PURCHASE_TXN },
    EndpointRules { endpoint: "/merchant/core/mcb/card/transaction", note: crate::rule_note!("type is required in v1, optional in V2."), rules: OP_TXN_V1 },
    EndpointRules { endpoint: "/merchant/core/mcb/card/v2/transaction", note: crate::rule_note!(""), rules: OP_TXN_V2 },
    EndpointRules { endpoint: "/merchant/core/mcb/card/authTransaction", note: crate::rule_note!(""), rules: AUTH_TXN },
    EndpointRules { endpoint: "/merchant/core/mcb/card/authFeeTransaction", note: crate::rule_note!(""), rules: AUTH_FEE_TXN },
    EndpointRules { endpoint: "/merchant/core/mcb/card/third3dsTransaction", note: crate::rule_note!(""), rules: THREEDS_TXN },
    EndpointRules { endpoint: "/merchant/core/mcb/card/simulateAuthTransaction", note: crate::rule_note!("Sandbox only. No seed gives its request fields: not covered."), rules: &[] },
    // cardholder
    EndpointRules { endpoint: "/merchant/core/mcb/card/holder/occupations", note: UNDOCUMENTED, rules: &[] },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/holder/v2/create",
        note: crate::rule_note!("Fields from the gateway documentation's B2B/B2C table (the gateway passes upstream names through). The \"common fields (name, address, mobile...)\" are required for both models but their names are not documented: not checked. kycVerification (provider, referenceId) is \"required for type 111065\" (unexplained): not enforced. No address pattern is documented: no AddressText rule."),
        rules: CARDHOLDER_CREATE,
    },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/holder/v2/update",
        note: crate::rule_note!("Allowed when status = reject. Required fields are not documented for the update: only the create formats are checked."),
        rules: CARDHOLDER_UPDATE,
    },
    EndpointRules { endpoint: "/merchant/core/mcb/card/holder/query", note: UNDOCUMENTED, rules: &[] },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/holder/updateEmail",
        note: crate::rule_note!("Allowed when status = pass_audit. Request fields are not documented; the e-mail format comes from the gateway's 422 example."),
        rules: CARDHOLDER_UPDATE_EMAIL,
    },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/holder/create",
        note: crate::rule_note!("Deprecated v1 (Wasabi's public documentation: \"v1 create/update deprecated\"; path inferred from the v2 one). No fields documented: not covered."),
        rules: &[],
    },
    EndpointRules {
        endpoint: "/merchant/core/mcb/card/holder/update",
        note: crate::rule_note!("Deprecated v1 (Wasabi's public documentation: \"v1 create/update deprecated\"; path inferred from the v2 one). No fields documented: not covered."),
        rules: &[],
    },
    // work
    EndpointRules { endpoint: "/merchant/core/mcb/work/submit", note: UNDOCUMENTED, rules: &[] },
    EndpointRules { endpoint: "/merchant/core/mcb/work/list", note: UNDOCUMENTED, rules: &[] },
];
