//! WorldCard `Card/*` rule tables (the WorldCard API documentation; what real integrations see decides
//! what must *not* become an error: card-status refusals are the platform's business,
//! several "restricted" calls are idempotent there).

use crate::validate::{Check, Check::*, EndpointRules, Format, Rule, When};

const CARD: Check = AnyOf(&["card_id", "merchant_card_id"]);
const PAGE: Rule = Rule::new(
    "page",
    Integer {
        min: Some(1),
        max: None,
    },
    "pagination",
);
const PAGE_SIZE: Rule = Rule::new(
    "page_size",
    Integer {
        min: Some(1),
        max: Some(100),
    },
    "pagination: default 10, maximum 100",
);
const PHYSICAL: Check = Enum {
    values: &["PHYSICAL-G"],
    closed: true,
};
const V: When = When::Eq("card_type", "VIRTUAL-V");
const R: When = When::Eq("card_type", "VIRTUAL-R");
const G: When = When::Eq("card_type", "VIRTUAL-G");
const SRC_APPLY: &str = "Card Application";
const G_NAME: Check = Length { min: 1, max: 40 };

/// The tables, one per documented path (18).
pub const TABLES: &[EndpointRules] = &[
    EndpointRules {
        endpoint: "/api/v1/card/virtual/apply",
        note: crate::rule_note!("Required fields differ per card_type (VIRTUAL-V / VIRTUAL-R / VIRTUAL-G); `state` is required for VIRTUAL-V (changelog 2026-04-02)."),
        rules: &[
            Rule::new("merchant_card_id", Required, SRC_APPLY),
            Rule::new("card_type", Required, SRC_APPLY),
            Rule::new("card_type", Enum { values: &["VIRTUAL-V", "VIRTUAL-R", "VIRTUAL-G"], closed: true }, SRC_APPLY),
            Rule::new("card_bin_id", Required, SRC_APPLY),
            Rule::new("first_recharge_amount", Required, SRC_APPLY),
            Rule::new("first_recharge_amount", Decimal { min: Some("10"), max: None, places: None, text: true }, SRC_APPLY),
            Rule::new("email", Format(Format::Email), SRC_APPLY),
            Rule::new("country_code", Format(Format::CountryAlpha2), SRC_APPLY)
                .note("The page says ISO3166-2 but its example is `US` (alpha-2): checked as alpha-2."),
            Rule::new("birthday", Format(Format::Date), SRC_APPLY),
            Rule::new("birthday", MinAge(18), SRC_APPLY),
            Rule::new("first_name", Required, SRC_APPLY).when(V),
            Rule::new("last_name", Required, SRC_APPLY).when(V),
            Rule::new("state", Required, SRC_APPLY).when(V),
            Rule::new("country_code", Required, SRC_APPLY).when(V),
            Rule::new("city", Required, SRC_APPLY).when(V),
            Rule::new("address", Required, SRC_APPLY).when(V),
            Rule::new("postal_code", Required, SRC_APPLY).when(V),
            Rule::new("email", Required, SRC_APPLY).when(R),
            Rule::new("email", Required, SRC_APPLY).when(G),
            Rule::new("first_name", Required, SRC_APPLY).when(G),
            Rule::new("first_name", G_NAME, "Changelog 2026-05-19").when(G),
            Rule::new("first_name", Format(Format::LatinName), "Changelog 2026-05-19").when(G),
            Rule::new("last_name", Required, SRC_APPLY).when(G),
            Rule::new("last_name", G_NAME, "Changelog 2026-05-19").when(G),
            Rule::new("last_name", Format(Format::LatinName), "Changelog 2026-05-19").when(G),
            Rule::new("phone", Required, SRC_APPLY).when(G),
            Rule::new("phone_country_code", Required, SRC_APPLY).when(G),
            Rule::new("birthday", Required, SRC_APPLY).when(G),
            Rule::new("country_code", Required, SRC_APPLY).when(G),
            Rule::new("city", Required, SRC_APPLY).when(G),
            Rule::new("address", Required, SRC_APPLY).when(G),
            Rule::new("postal_code", Required, SRC_APPLY).when(G),
        ],
    },
    EndpointRules { endpoint: "/api/v1/card/virtual/get_info", note: crate::rule_note!(""), rules: &[Rule::new("card", CARD, "Card Details")] },
    EndpointRules {
        endpoint: "/api/v1/card/virtual/bin/list",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("card_type", Enum { values: &["VIRTUAL-V", "VIRTUAL-R", "VIRTUAL-G"], closed: false }, "Card BIN List")
                .note("The page lists VIRTUAL-V / VIRTUAL-R; VIRTUAL-G came later (changelog 2026-05-19): open set, nothing refused."),
            PAGE,
            PAGE_SIZE,
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/card/deposit",
        note: crate::rule_note!("The legacy top-up minimum (20 virtual, 200 physical, changelog 2025-06-30) belongs to the legacy API; Card/* says minimum 10."),
        rules: &[
            Rule::new("card", CARD, "Card Top-Up"),
            Rule::new("merchant_transaction_id", Required, "Card Top-Up"),
            Rule::new("amount", Required, "Card Top-Up"),
            Rule::new("amount", Decimal { min: Some("10"), max: None, places: None, text: true }, "Card Top-Up"),
            Rule::new("currency", Format(Format::Currency), "Card Top-Up"),
        ],
    },
    EndpointRules { endpoint: "/api/v1/card/deposit/list", note: crate::rule_note!(""), rules: &[PAGE, PAGE_SIZE] },
    EndpointRules { endpoint: "/api/v1/card/freeze", note: crate::rule_note!(""), rules: &[Rule::new("card", CARD, "Freeze/Unfreeze")] },
    EndpointRules { endpoint: "/api/v1/card/unfreeze", note: crate::rule_note!(""), rules: &[Rule::new("card", CARD, "Freeze/Unfreeze")] },
    EndpointRules { endpoint: "/api/v1/card/close", note: crate::rule_note!(""), rules: &[Rule::new("card", CARD, "Card Closure")] },
    EndpointRules { endpoint: "/api/v1/card/transaction/list", note: crate::rule_note!(""), rules: &[PAGE, PAGE_SIZE] },
    EndpointRules { endpoint: "/api/v1/card/physical/bin/list", note: crate::rule_note!(""), rules: &[PAGE, PAGE_SIZE] },
    EndpointRules {
        endpoint: "/api/v1/card/physical/apply",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("merchant_card_id", Required, "Physical Card Application"),
            Rule::new("card_type", Required, "Physical Card Application"),
            Rule::new("card_type", PHYSICAL, "Physical Card Application"),
            Rule::new("card_bin_id", Required, "Physical Card Application"),
            Rule::new("first_name", Required, "Physical Card Application"),
            Rule::new("last_name", Required, "Physical Card Application"),
            Rule::new("telephone_country_code", Required, "Physical Card Application"),
            Rule::new("phone", Required, "Physical Card Application"),
            Rule::new("email", Format(Format::Email), "Physical Card Application"),
            Rule::new("birth_date", Required, "Physical Card Application"),
            Rule::new("birth_date", Format(Format::Date), "Physical Card Application"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/card/physical/kyc/init",
        note: crate::rule_note!("KYC init at card status 9 only is a platform refusal (10044), not validation."),
        rules: &[
            Rule::new("merchant_card_id", Required, "Physical Card Init KYC"),
            Rule::new("card_type", Required, "Physical Card Init KYC"),
            Rule::new("card_type", PHYSICAL, "Physical Card Init KYC"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/card/physical/kyc/status",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("merchant_card_id", Required, "Physical Card KYC Status"),
            Rule::new("card_type", Required, "Physical Card KYC Status"),
            Rule::new("card_type", PHYSICAL, "Physical Card KYC Status"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/card/physical/kyc/cancel",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("merchant_card_id", Required, "Physical Card Cancel KYC"),
            Rule::new("card_type", Required, "Physical Card Cancel KYC"),
            Rule::new("card_type", PHYSICAL, "Physical Card Cancel KYC"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/card/physical/assign",
        note: crate::rule_note!("Both ids are marked required but described as either-or: one of them is required. Re-assign is idempotent on the platform."),
        rules: &[
            Rule::new("card", CARD, "Physical Card — Assign Card Number"),
            Rule::new("card_number", Required, "Physical Card — Assign Card Number"),
            Rule::new("card_number", Length { min: 16, max: 16 }, "Physical Card — Assign Card Number"),
            Rule::new("card_number", Format(Format::Digits), "Physical Card — Assign Card Number"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/card/physical/activate",
        note: crate::rule_note!("Activate at status 2 is idempotent on the platform: not a validation error. `pin` is \"6 digits, transmit encrypted\": its shape is not checked, since a field-encrypted PIN is Base64."),
        rules: &[Rule::new("card", CARD, "Physical Card — Activate"), Rule::new("pin", Required, "Physical Card — Activate")],
    },
    EndpointRules {
        endpoint: "/api/v1/card/physical/change/pin",
        note: crate::rule_note!("Only status 2 may change the PIN: a platform refusal, not validation."),
        rules: &[Rule::new("card", CARD, "Physical Card — Change PIN"), Rule::new("pin", Required, "Physical Card — Change PIN")],
    },
    EndpointRules { endpoint: "/api/v1/card/physical/get_info", note: crate::rule_note!(""), rules: &[Rule::new("card", CARD, "Physical Card — Detail")] },
];

/// Card statuses 1–9 and what the platform does with restricted calls
/// (as real integrations see it): only change-PIN (status 2 only) and KYC init (status 9
/// only, error 10044) are real refusals; activate at 2, re-assign, cancel
/// and KYC init are idempotent. Exposed as data, never turned into errors.
pub const CARD_STATUSES: &[(i64, &str)] = &[
    (1, "Processing"),
    (2, "Success (activated)"),
    (3, "Failed"),
    (4, "Closing"),
    (5, "Closed"),
    (6, "Frozen"),
    (7, "Pending card assignment (PHYSICAL-G)"),
    (8, "Pending activation (PHYSICAL-G)"),
    (9, "Pending KYC (PHYSICAL-G)"),
];

/// Operations the platform refuses outright outside one status: (path, the only status allowed).
pub const REAL_REFUSALS: &[(&str, i64)] = &[
    ("/api/v1/card/physical/change/pin", 2),
    ("/api/v1/card/physical/kyc/init", 9),
];

/// Operations documented for one status but idempotent elsewhere (not errors).
pub const IDEMPOTENT_OUTSIDE_STATUS: &[(&str, i64)] = &[
    ("/api/v1/card/physical/activate", 8),
    ("/api/v1/card/physical/assign", 7),
    ("/api/v1/card/physical/kyc/cancel", 9),
];
