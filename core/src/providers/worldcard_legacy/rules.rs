//! WorldCard legacy rule tables: the legacy card APIs (`/api/card/top/up*`,
//! `/op/card/E|L|P|H/...`), the KYC card-issuance APIs (`/api/card/kyc/...`)
//! and Transfer V4 (`/api/v1/legacy/tf/v4/...`), from the legacy pages of
//! the WorldCard API documentation and what real integrations see. The common
//! parameters `appKey`, `nonce`, `timestamp` and `sign` are added by the
//! library and are not listed. Card-status refusals and order-state answers
//! (5010, 5011, 5101, 5102, 5201) belong to the platform, not to validation.

use crate::validate::{Check, Check::*, EndpointRules, Format, Rule, When};

// Page titles (several legacy pages share a title; the product or group is added in parentheses).
const TOPUP: &str = "Top-Up";
const TOPUP_Q: &str = "Top-Up Query";
const E_INFO: &str = "Card Information (MASTER-E)";
const E_LOCK: &str = "Lock / Unlock (MASTER-E)";
const E_PIN: &str = "Change/Set ATM PIN";
const E_LIMIT: &str = "Modify Daily Limits";
const E_TX: &str = "Query Transaction Records (MASTER-E)";
const E_TXP: &str = "Query Transaction Records - Paginated";
const L_INFO: &str = "Card Information (VIRTUAL-L)";
const L_LOCK: &str = "Freeze / Unfreeze (VIRTUAL-L)";
const L_OTP: &str = "Simulate Verification Code";
const L_SIM_TX: &str = "Simulate Transaction";
const L_TX: &str = "Query Transaction Records (VIRTUAL-L)";
const CLOSE: &str = "Close Card (VIRTUAL-L and VIRTUAL-P)";
const P_INFO: &str = "Card Information (VIRTUAL-P)";
const P_LOCK: &str = "Freeze / Unfreeze (VIRTUAL-P)";
const P_TX: &str = "Query Transaction Records (VIRTUAL-P)";
const P_DOC: &str = "Submit Cardholder Document";
const H_INFO: &str = "Card Information (VISA-H)";
const H_LOCK: &str = "Lock / Unlock (VISA-H)";
const H_PIN: &str = "Modify / Set PIN";
const H_TX: &str = "Query Transaction Records (VISA-H)";
const H_OOB: &str = "OOB Processing";
const H_OOB_SIM: &str = "Simulate OOB Trigger";
const KYC_E: &str = "MASTER-E (KYC)";
const KYC_H: &str = "VISA-H (KYC)";
const KYC_L: &str = "VIRTUAL-L (KYC)";
const KYC_P: &str = "VIRTUAL-P (KYC)";
const KYC_Q: &str = "Query (KYC)";
const QUOTE: &str = "Get Quote";
const CO: &str = "Create Order";
const OQ: &str = "Order Query";

// Shared checks.
const DATE: Check = Format(Format::Date);
const EMAIL: Check = Format(Format::Email);
const DIGITS: Check = Format(Format::Digits);
const PIN_LEN: Check = Length { min: 6, max: 6 };
const PAGE_SIZE: Check = Integer {
    min: Some(1),
    max: None,
};
const ID_TYPE_NP: Check = Enum {
    values: &["national", "passport"],
    closed: true,
};
const TF_TYPE_OPEN: Check = Enum {
    values: &["wire", "ewallet", "bank_account", "cash_pickup"],
    closed: false,
};
const TF_BUSINESS_OPEN: Check = Enum {
    values: &["C2C", "B2B", "B2C", "C2B"],
    closed: false,
};
const CERT_TYPE: Check = Enum {
    values: &["0", "-1", "1"],
    closed: true,
};
const C2C: When = When::Eq("business", "C2C");
const B2B: When = When::Eq("business", "B2B");
const ACCOUNT_TYPES: When = When::In("type", &["bank_account", "wire"]);

const CERT_NOTE: &str = "KYC MASTER-E codes passport as -1, KYC VISA-H as 1: both pages accept the union 0, -1, 1 (looser rule).";
const TF_TYPE_NOTE: &str = "Open set: the page gives examples only (\"e.g.\"); the channel dictionary on Countries Supported by Payout Channel lists wire, ewallet, bank_account, cash_pickup.";

// Rule lists shared by several paths of one page.
const E_CARD: &[Rule] = &[Rule::new("cardNumber", Required, E_LOCK)];
const L_CARD: &[Rule] = &[Rule::new("cardNumber", Required, L_LOCK)];
const P_CARD: &[Rule] = &[Rule::new("cardNumber", Required, P_LOCK)];
const H_CARD: &[Rule] = &[Rule::new("cardNumber", Required, H_LOCK)];

const KYC_L_RULES: &[Rule] = &[
    Rule::new("merOrderNo", Required, KYC_L),
    Rule::new("cardType", Required, KYC_L),
    Rule::new("cardType", Enum { values: &["VISA", "MASTER"], closed: false }, KYC_L)
        .note("\"e.g. VISA, MASTER; obtain via card BIN\": open set."),
    Rule::new("businessScene", Required, KYC_L),
    Rule::new("cardArea", Required, KYC_L),
    Rule::new("firstRecharge", Integer { min: Some(10), max: None }, KYC_L)
        .note("\"must be an integer >= 10\"; defaults to 10 USD when omitted. VIRTUAL-P allows 0 and 2 decimals: that rule is VIRTUAL-P's only."),
    Rule::new("email", EMAIL, KYC_L),
    Rule::new("birthday", DATE, KYC_L),
];

/// The tables, one per documented path (56).
pub const TABLES: &[EndpointRules] = &[
    // ---- Card: common ----
    EndpointRules {
        endpoint: "/api/card/top/up",
        note: crate::rule_note!("Minimum: the Top-Up change log (2025-06-30) sets physical card minimum 200, virtual card minimum 20; the payload does not say which kind the card is, so the looser 20 is checked and 200 for physical cards is left to the platform. The page says amounts beyond 2 decimals are truncated (accepted, then cut): decimal places are not refused."),
        rules: &[
            Rule::new("merOrderNo", Required, TOPUP),
            Rule::new("cardNumber", Required, TOPUP),
            Rule::new("amount", Required, TOPUP),
            Rule::new("amount", Decimal { min: Some("20"), max: None, places: None, text: false }, TOPUP)
                .note("Change log 2025-06-30: virtual minimum 20, physical minimum 200; the looser 20 is checked."),
        ],
    },
    EndpointRules {
        endpoint: "/api/card/top/up/query",
        note: crate::rule_note!("Both fields are optional on the page; orderNo is used when given, else merOrderNo, so one of them is needed to identify the order."),
        rules: &[Rule::new("order", AnyOf(&["orderNo", "merOrderNo"]), TOPUP_Q)],
    },
    // ---- MASTER-E ----
    EndpointRules { endpoint: "/op/card/E/info", note: crate::rule_note!(""), rules: &[Rule::new("cardNumber", Required, E_INFO)] },
    EndpointRules { endpoint: "/op/card/E/lock", note: crate::rule_note!(""), rules: E_CARD },
    EndpointRules { endpoint: "/op/card/E/un/lock", note: crate::rule_note!(""), rules: E_CARD },
    EndpointRules {
        endpoint: "/op/card/E/change/pin/secure",
        note: crate::rule_note!("pin is the AES/ECB ciphertext (Base64) of the 6-digit PIN: its shape is not checked."),
        rules: &[Rule::new("cardNumber", Required, E_PIN), Rule::new("pin", Required, E_PIN)],
    },
    EndpointRules {
        endpoint: "/op/card/E/change/pin",
        note: crate::rule_note!("Standard endpoint: the PIN travels in plaintext, 6 digits."),
        rules: &[
            Rule::new("cardNumber", Required, E_PIN),
            Rule::new("pin", Required, E_PIN),
            Rule::new("pin", PIN_LEN, E_PIN),
            Rule::new("pin", DIGITS, E_PIN),
        ],
    },
    EndpointRules {
        endpoint: "/op/card/E/set/daily/limit",
        note: crate::rule_note!("Both limits are typed int; no bounds are documented."),
        rules: &[
            Rule::new("cardNumber", Required, E_LIMIT),
            Rule::new("dailyPurchaseLimit", Required, E_LIMIT),
            Rule::new("dailyPurchaseLimit", Integer { min: None, max: None }, E_LIMIT),
            Rule::new("dailyAtmLimit", Required, E_LIMIT),
            Rule::new("dailyAtmLimit", Integer { min: None, max: None }, E_LIMIT),
        ],
    },
    EndpointRules {
        endpoint: "/op/card/E/transaction",
        note: crate::rule_note!("pageSize is typed string on the page; it is a count, checked as a whole number."),
        rules: &[
            Rule::new("cardNumber", Required, E_TX),
            Rule::new("pageSize", Required, E_TX),
            Rule::new("pageSize", PAGE_SIZE, E_TX),
            Rule::new("dateRangeFrom", DATE, E_TX),
            Rule::new("dateRangeTo", DATE, E_TX),
        ],
    },
    EndpointRules {
        endpoint: "/op/card/E/transaction/page",
        note: crate::rule_note!("pageToken is omitted on the first call and is an opaque token afterwards: not checked."),
        rules: &[
            Rule::new("cardNumber", Required, E_TXP),
            Rule::new("pageSize", Required, E_TXP),
            Rule::new("pageSize", PAGE_SIZE, E_TXP),
            Rule::new("dateRangeFrom", DATE, E_TXP),
            Rule::new("dateRangeTo", DATE, E_TXP),
        ],
    },
    // ---- VIRTUAL-L ----
    EndpointRules { endpoint: "/op/card/L/head", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules { endpoint: "/op/card/L/head/en", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules { endpoint: "/op/card/L/info", note: crate::rule_note!(""), rules: &[Rule::new("cardNumber", Required, L_INFO)] },
    EndpointRules { endpoint: "/op/card/L/lock", note: crate::rule_note!(""), rules: L_CARD },
    EndpointRules { endpoint: "/op/card/L/un/lock", note: crate::rule_note!(""), rules: L_CARD },
    EndpointRules {
        endpoint: "/op/card/L/simulation/otp",
        note: crate::rule_note!("Test environment only. Missing from the VIRTUAL-L index page but documented on its own page."),
        rules: &[Rule::new("cardNumber", Required, L_OTP)],
    },
    EndpointRules {
        endpoint: "/op/card/L/simulation/transaction",
        note: crate::rule_note!("Test environment only. Missing from the VIRTUAL-L index page but documented on its own page."),
        rules: &[Rule::new("cardNumber", Required, L_SIM_TX)],
    },
    EndpointRules {
        endpoint: "/op/card/L/transaction",
        note: crate::rule_note!("The 3-month maximum between creationTimeFrom and creationTimeTo compares two fields: not expressible, left to the platform. pageToken is described as \"Page number\" but typed string: only its presence is checked."),
        rules: &[
            Rule::new("cardNumber", Required, L_TX),
            Rule::new("pageToken", Required, L_TX),
            Rule::new("pageSize", Required, L_TX),
            Rule::new("pageSize", PAGE_SIZE, L_TX),
            Rule::new("creationTimeFrom", Required, L_TX),
            Rule::new("creationTimeFrom", DATE, L_TX),
            Rule::new("creationTimeTo", Required, L_TX),
            Rule::new("creationTimeTo", DATE, L_TX),
        ],
    },
    // ---- VIRTUAL-P (the VIRTUAL-L "Close Card" page also documents /op/card/P/close, sic) ----
    EndpointRules { endpoint: "/op/card/P/bin", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/op/card/P/info/v2",
        note: crate::rule_note!("cardNumber is the card ID returned at issuance, not the PAN."),
        rules: &[Rule::new("cardNumber", Required, P_INFO)],
    },
    EndpointRules { endpoint: "/op/card/P/lock", note: crate::rule_note!(""), rules: P_CARD },
    EndpointRules { endpoint: "/op/card/P/un/lock", note: crate::rule_note!(""), rules: P_CARD },
    EndpointRules {
        endpoint: "/op/card/P/close",
        note: crate::rule_note!("Documented twice: by VIRTUAL-P \"Close Card\" and, with the same path (probably a typo for /op/card/L/close, kept as written), by VIRTUAL-L \"Close Card\". Both take cardNumber (card ID)."),
        rules: &[Rule::new("cardNumber", Required, CLOSE)],
    },
    EndpointRules {
        endpoint: "/op/card/P/transaction",
        note: crate::rule_note!("pageToken is marked required but \"can be empty\": an empty value is accepted, so it is not checked as required. The 3-month maximum span compares two fields: not expressible, left to the platform."),
        rules: &[
            Rule::new("cardNumber", Required, P_TX),
            Rule::new("pageSize", Required, P_TX),
            Rule::new("pageSize", PAGE_SIZE, P_TX),
            Rule::new("creationTimeFrom", Required, P_TX),
            Rule::new("creationTimeFrom", DATE, P_TX),
            Rule::new("creationTimeTo", Required, P_TX),
            Rule::new("creationTimeTo", DATE, P_TX),
        ],
    },
    EndpointRules {
        endpoint: "/op/card/P/document",
        note: crate::rule_note!("Each image at most 1 MB of original (decoded) size; the 4 MB body limit is the platform's (5001). backImage is required \"depending on the document type\" without saying which: not checked as required. faceImage/backImage are excluded from the signature."),
        rules: &[
            Rule::new("cardNumber", Required, P_DOC),
            Rule::new("idType", Required, P_DOC),
            Rule::new("idType", Enum { values: &["CN-RIC", "PASSPORT", "HK-HKID", "DLN", "Government-Issued ID Card"], closed: true }, P_DOC),
            Rule::new("faceImage", Required, P_DOC),
            Rule::new("faceImage", Base64MaxBytes(1048576), P_DOC),
            Rule::new("backImage", Base64MaxBytes(1048576), P_DOC),
        ],
    },
    // ---- VISA-H ----
    EndpointRules { endpoint: "/op/card/H/balance", note: crate::rule_note!(""), rules: &[Rule::new("cardNumber", Required, H_INFO)] },
    EndpointRules { endpoint: "/op/card/H/lock", note: crate::rule_note!(""), rules: H_CARD },
    EndpointRules { endpoint: "/op/card/H/un/lock", note: crate::rule_note!(""), rules: H_CARD },
    EndpointRules {
        endpoint: "/op/card/H/change/pin/secure",
        note: crate::rule_note!("pin is the AES/ECB ciphertext (Base64) of the 6-digit PIN: its shape is not checked."),
        rules: &[Rule::new("cardNumber", Required, H_PIN), Rule::new("pin", Required, H_PIN)],
    },
    EndpointRules {
        endpoint: "/op/card/H/change/pin",
        note: crate::rule_note!("Deprecated (Modify / Set PIN names it only to say so); the non-secure endpoint takes the plaintext 6-digit PIN, as on MASTER-E."),
        rules: &[
            Rule::new("cardNumber", Required, H_PIN),
            Rule::new("pin", Required, H_PIN),
            Rule::new("pin", PIN_LEN, H_PIN),
            Rule::new("pin", DIGITS, H_PIN),
        ],
    },
    EndpointRules {
        endpoint: "/op/card/H/transactions",
        note: crate::rule_note!("isAuthorization is an int 0/1 in the request table but false/true in the page's update log (2025-03-26): both spellings are accepted (looser rule)."),
        rules: &[
            Rule::new("cardNumber", Required, H_TX),
            Rule::new("offset", Required, H_TX),
            Rule::new("offset", Integer { min: Some(0), max: None }, H_TX).note("Starts at 0 (0/10/20 are examples)."),
            Rule::new("pageSize", Required, H_TX),
            Rule::new("pageSize", PAGE_SIZE, H_TX),
            Rule::new("isAuthorization", Enum { values: &["0", "1", "false", "true"], closed: true }, H_TX)
                .note("0 unsettled, 1 settled; the update log spells them false/true."),
            Rule::new("creationTimeFrom", Required, H_TX),
            Rule::new("creationTimeFrom", DATE, H_TX),
            Rule::new("creationTimeTo", Required, H_TX),
            Rule::new("creationTimeTo", DATE, H_TX),
        ],
    },
    EndpointRules {
        endpoint: "/op/card/H/oob",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("cardNumber", Required, H_OOB),
            Rule::new("acsTransactionId", Required, H_OOB),
            Rule::new("reply", Required, H_OOB),
            Rule::new("reply", Integer { min: Some(2), max: Some(3) }, H_OOB).note("int: 2 ACCEPTED, 3 DECLINED."),
        ],
    },
    EndpointRules { endpoint: "/op/card/H/oob/simulate", note: crate::rule_note!(""), rules: &[Rule::new("cardNumber", Required, H_OOB_SIM)] },
    // ---- KYC / card issuance ----
    EndpointRules {
        endpoint: "/api/card/kyc/apply/master/E",
        note: crate::rule_note!("Discontinued per the KYC index, still documented. Field names keep the page's casing (firstNameEn, lastNameEN). certType is 0/-1 here and 0/1 on KYC VISA-H: the union is accepted. faceImage/backImage are required for Mainland China ID / HK Permanent ID, which certType alone does not tell: not checked as required. country is a numeric code (e.g. 156): no alpha-2 check. Image fields are excluded from the signature."),
        rules: &[
            Rule::new("merOrderNo", Required, KYC_E),
            Rule::new("firstName", Required, KYC_E),
            Rule::new("lastName", Required, KYC_E),
            Rule::new("firstNameEn", Required, KYC_E),
            Rule::new("lastNameEN", Required, KYC_E),
            Rule::new("countryCode", Required, KYC_E),
            Rule::new("phone", Required, KYC_E),
            Rule::new("email", Required, KYC_E),
            Rule::new("email", EMAIL, KYC_E),
            Rule::new("address", Required, KYC_E),
            Rule::new("certType", Required, KYC_E),
            Rule::new("certType", CERT_TYPE, KYC_E).note(CERT_NOTE),
            Rule::new("idNumber", Required, KYC_E),
            Rule::new("idExpiryDate", Required, KYC_E),
            Rule::new("idExpiryDate", DATE, KYC_E),
            Rule::new("country", Required, KYC_E),
            Rule::new("birthday", Required, KYC_E),
            Rule::new("birthday", DATE, KYC_E),
            Rule::new("annualIncome", Required, KYC_E),
            Rule::new("occupation", Required, KYC_E),
            Rule::new("occupation", Integer { min: Some(1), max: Some(17) }, KYC_E).note("Occupation dictionary codes 1-17."),
            Rule::new("position", Required, KYC_E),
            Rule::new("position", Integer { min: Some(1), max: Some(3) }, KYC_E).note("Position dictionary codes 1-3."),
            Rule::new("passImage", Required, KYC_E).when(When::Eq("certType", "-1")).note("Required for the passport type (-1 on this page)."),
        ],
    },
    EndpointRules {
        endpoint: "/api/card/kyc/apply/visa/H",
        note: crate::rule_note!("certType is 0/1 here and 0/-1 on KYC MASTER-E: the union is accepted. faceImage/backImage are required for Mainland China ID / HK Permanent ID, which certType alone does not tell: not checked as required. Country fields are numeric codes (e.g. 156): no alpha-2 check. idExpiryDate 2099-12-31 means permanent. Image fields are excluded from the signature."),
        rules: &[
            Rule::new("merOrderNo", Required, KYC_H),
            Rule::new("firstName", Required, KYC_H),
            Rule::new("lastName", Required, KYC_H),
            Rule::new("countryCode", Required, KYC_H),
            Rule::new("phone", Required, KYC_H),
            Rule::new("email", Required, KYC_H),
            Rule::new("email", EMAIL, KYC_H),
            Rule::new("line1", Required, KYC_H),
            Rule::new("line2", Required, KYC_H),
            Rule::new("line3", Required, KYC_H),
            Rule::new("postalCode", Required, KYC_H),
            Rule::new("city", Required, KYC_H),
            Rule::new("addressCountry", Required, KYC_H),
            Rule::new("deliveryLine1", Required, KYC_H),
            Rule::new("deliveryLine2", Required, KYC_H),
            Rule::new("deliveryLine3", Required, KYC_H),
            Rule::new("deliveryPostalCode", Required, KYC_H),
            Rule::new("deliveryCity", Required, KYC_H),
            Rule::new("deliveryCountry", Required, KYC_H),
            Rule::new("certType", Required, KYC_H),
            Rule::new("certType", CERT_TYPE, KYC_H).note(CERT_NOTE),
            Rule::new("country", Required, KYC_H),
            Rule::new("idNumber", Required, KYC_H),
            Rule::new("idIssuanceDate", Required, KYC_H),
            Rule::new("idIssuanceDate", DATE, KYC_H),
            Rule::new("idExpiryDate", Required, KYC_H),
            Rule::new("idExpiryDate", DATE, KYC_H),
            Rule::new("passImage", Required, KYC_H).when(When::Eq("certType", "1")).note("Required for the passport type (1 on this page)."),
        ],
    },
    EndpointRules {
        endpoint: "/api/card/kyc/apply/virtual/L",
        note: crate::rule_note!("firstName/lastName are \"English characters only\" without a character set: not checked. firstRecharge is an integer of at least 10 here, while VIRTUAL-P allows 0 and decimals: each page's own rule."),
        rules: KYC_L_RULES,
    },
    EndpointRules {
        endpoint: "/api/card/kyc/apply/virtual/L/en",
        note: crate::rule_note!("Same page and fields as /api/card/kyc/apply/virtual/L."),
        rules: KYC_L_RULES,
    },
    EndpointRules {
        endpoint: "/api/card/kyc/apply/virtual/P",
        note: crate::rule_note!("state: \"required for US or Canada, use two-letter code; if left empty, randomly generated\" is read as required for US/CA and generated elsewhere. firstName/lastName are \"English only\" without a character set: only their combined length is checked. firstRecharge defaults to 10 and may be 0."),
        rules: &[
            Rule::new("merOrderNo", Required, KYC_P),
            Rule::new("cardBin", Required, KYC_P),
            Rule::new("firstRecharge", Decimal { min: Some("0"), max: None, places: Some(2), text: false }, KYC_P),
            Rule::new("email", Required, KYC_P),
            Rule::new("email", EMAIL, KYC_P),
            Rule::new("name", CombinedLength { fields: &["firstName", "lastName"], max: 32 }, KYC_P),
            Rule::new("dateOfBirth", DATE, KYC_P),
            Rule::new("country", Format(Format::CountryAlpha2), KYC_P).note("ISO 3166-1 alpha-2, e.g. US (the card BIN's issuing country)."),
            Rule::new("state", Required, KYC_P).when(When::In("country", &["US", "CA"])),
            Rule::new("state", Length { min: 2, max: 2 }, KYC_P),
            Rule::new("state", Format(Format::LatinName), KYC_P).note("Two-letter code such as WA: letters only."),
        ],
    },
    EndpointRules {
        endpoint: "/api/card/kyc/query",
        note: crate::rule_note!("Both fields are optional on the page; one of them is needed to identify the order."),
        rules: &[Rule::new("order", AnyOf(&["orderNo", "merOrderNo"]), KYC_Q)],
    },
    // ---- Transfer V4 ----
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/quotes",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("sourceCurrency", Required, QUOTE),
            Rule::new("country", Required, QUOTE),
            Rule::new("business", Required, QUOTE),
            Rule::new("business", TF_BUSINESS_OPEN, QUOTE),
            Rule::new("type", Required, QUOTE),
            Rule::new("type", TF_TYPE_OPEN, QUOTE).note(TF_TYPE_NOTE),
            Rule::new("targetCurrency", Required, QUOTE),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/order/create",
        note: crate::rule_note!("The Condition column is read as \"required when\" (corrSwiftCode says \"type=wire, optional\" while swiftCode says only \"type=wire\"). \"Required for C\" / \"Required for B\" are checked for business=C2C and business=B2B only, where every reading agrees; B2C and C2B (wire only) are left to the platform. Not expressible with one condition, left to the platform: sourceCurrency USD-only for CHN/bank_account/CNY; iban for bank_account+EUR; routingCode required for bank_account+AUS; sortCode for bank_account+GBR+GBP; targetAddressCityCode for IDN+C2C+ewallet; targetAddressZip for CAN-bank_account-CAD; targetDateOfBirth/targetEmail for KOR-bank_account-KRW; sourceGender for type other than wire with NPL; sourceIdNumber, mobile numbers and address countries per the Field Rules lists; sourceCountry different from country; non-wire channels being C2C only. Typos in the page: ban_account_new (no such channel), currency codes CAD/KRW/PHP in country lists, ABA routing code for AUS. chargeCode: Fee Calculation says V4 supports only SHA, but Order Query returns FP and Create Order describes fullPayFee: SHA and FP are accepted, and chargeCode is not required for wire (the only supported value)."),
        rules: &[
            Rule::new("merOrderNo", Required, CO),
            Rule::new("sourceCurrency", Required, CO),
            Rule::new("sendAmount", Required, CO),
            Rule::new("sendAmount", Decimal { min: None, max: None, places: Some(2), text: false }, CO).note("At most 2 decimal places (also Fee Calculation)."),
            Rule::new("chargeCode", Enum { values: &["SHA", "FP"], closed: true }, CO)
                .note("Fee Calculation: V4 only supports SHA; Order Query's example returns FP: both accepted."),
            Rule::new("country", Required, CO),
            Rule::new("business", Required, CO),
            Rule::new("business", TF_BUSINESS_OPEN, CO).note("e.g. C2C, from reference data; only wire supports B2B, B2C, C2B."),
            Rule::new("type", Required, CO),
            Rule::new("type", TF_TYPE_OPEN, CO).note(TF_TYPE_NOTE),
            Rule::new("currency", Required, CO),
            Rule::new("account", AnyOf(&["accountNumber", "iban"]), CO).when(ACCOUNT_TYPES),
            Rule::new("account", AtMostOne(&["accountNumber", "iban"]), CO).when(ACCOUNT_TYPES).note("accountNumber and iban are mutually exclusive."),
            Rule::new("swiftCode", Required, CO).when(When::Eq("type", "wire")),
            Rule::new("ewalletId", Required, CO).when(When::Eq("type", "ewallet")),
            Rule::new("routingCode", Length { min: 9, max: 9 }, CO).note("\"Bank ABA routing code, 9 digits\" (documented for country=AUS)."),
            Rule::new("routingCode", DIGITS, CO),
            Rule::new("sortCode", Length { min: 6, max: 6 }, CO).note("UK sort code, 6 digits."),
            Rule::new("sortCode", DIGITS, CO),
            Rule::new("targetAddressLine", Required, CO),
            Rule::new("targetAddressCity", Required, CO),
            Rule::new("targetCompanyName", Required, CO).when(B2B),
            Rule::new("targetNameFirst", Required, CO).when(C2C),
            Rule::new("targetNameLast", Required, CO).when(C2C),
            Rule::new("targetNationality", Required, CO).when(C2C),
            Rule::new("targetDateOfBirth", DATE, CO),
            Rule::new("targetEmail", EMAIL, CO),
            Rule::new("targetIdType", ID_TYPE_NP, CO),
            Rule::new("targetIdType", Required, CO).when(When::Present("targetIdNumber")),
            Rule::new("targetIdExpiration", DATE, CO).note("2099-12-31 means permanent."),
            Rule::new("sourceCountry", Required, CO),
            Rule::new("sourceReferenceNumber", Required, CO).when(C2C),
            Rule::new("sourceAddressLine", Required, CO),
            Rule::new("sourceAddressCity", Required, CO),
            Rule::new("sourceAddressCountry", Required, CO),
            Rule::new("sourceNameFirst", Required, CO).when(C2C),
            Rule::new("sourceNameLast", Required, CO).when(C2C),
            Rule::new("sourceGender", Enum { values: &["M", "F"], closed: true }, CO),
            Rule::new("sourceNationality", Required, CO).when(C2C),
            Rule::new("sourceDateOfBirth", Required, CO).when(C2C),
            Rule::new("sourceDateOfBirth", DATE, CO),
            Rule::new("sourceIdType", ID_TYPE_NP, CO),
            Rule::new("sourceIdType", Required, CO).when(When::Present("sourceIdNumber")),
            Rule::new("sourceIdExpiration", DATE, CO).note("2099-12-31 means permanent."),
            Rule::new("sourceIdIssueCountry", Required, CO).when(When::Present("sourceIdNumber")),
            Rule::new("sourceCompanyName", Required, CO).when(B2B),
            Rule::new("sourceCompanyTradingName", Required, CO).when(B2B),
            Rule::new("remittancePurpose", Required, CO),
            Rule::new("sourceOfFunds", Required, CO),
            Rule::new("relationship", Required, CO),
            Rule::new("unformattedNote", Length { min: 0, max: 64 }, CO),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/order/query",
        note: crate::rule_note!("Both fields are optional on the page; orderNo is used when given, else merOrderNo, so one of them is needed to identify the order."),
        rules: &[Rule::new("order", AnyOf(&["orderNo", "merOrderNo"]), OQ)],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/banks",
        note: crate::rule_note!("Country codes are alpha-3 (e.g. CHN): no format check."),
        rules: &[Rule::new("country", Required, "Supported Banks for Current Country")],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/branch",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("country", Required, "Supported Bank Branches for Current Country"),
            Rule::new("bankCode", Required, "Supported Bank Branches for Current Country"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/business",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("country", Required, "Query Supported Business Modes"),
            Rule::new("type", Required, "Query Supported Business Modes"),
            Rule::new("type", TF_TYPE_OPEN, "Query Supported Business Modes").note(TF_TYPE_NOTE),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/city/code",
        note: crate::rule_note!("Currently used for IDN."),
        rules: &[
            Rule::new("country", Required, "Query Cities"),
            Rule::new("stateCode", Required, "Query Cities"),
        ],
    },
    EndpointRules { endpoint: "/api/v1/legacy/tf/v4/countries", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/currency/partner",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("type", Required, "Supported Currencies and Channel Partners"),
            Rule::new("type", TF_TYPE_OPEN, "Supported Currencies and Channel Partners").note(TF_TYPE_NOTE),
            Rule::new("country", Required, "Supported Currencies and Channel Partners"),
        ],
    },
    EndpointRules { endpoint: "/api/v1/legacy/tf/v4/occupation/code", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules { endpoint: "/api/v1/legacy/tf/v4/relationship/code", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/remittancePurpose/code",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("country", Required, "Get Remittance Purpose Codes"),
            Rule::new("business", Required, "Get Remittance Purpose Codes"),
            Rule::new("business", TF_BUSINESS_OPEN, "Get Remittance Purpose Codes"),
            Rule::new("type", Required, "Get Remittance Purpose Codes"),
            Rule::new("type", TF_TYPE_OPEN, "Get Remittance Purpose Codes").note(TF_TYPE_NOTE),
            Rule::new("currency", Required, "Get Remittance Purpose Codes"),
        ],
    },
    EndpointRules { endpoint: "/api/v1/legacy/tf/v4/sourceCountry", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/sourceOfFunds/code",
        note: crate::rule_note!(""),
        rules: &[
            Rule::new("country", Required, "Get Source of Funds Codes"),
            Rule::new("business", Required, "Get Source of Funds Codes"),
            Rule::new("business", TF_BUSINESS_OPEN, "Get Source of Funds Codes"),
        ],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/states",
        note: crate::rule_note!("Described for IDN; the page's example country is CHN."),
        rules: &[Rule::new("country", Required, "Query Country State Information")],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/target/types",
        note: crate::rule_note!(""),
        rules: &[Rule::new("country", Required, "Query Supported Payout Channels")],
    },
    EndpointRules {
        endpoint: "/api/v1/legacy/tf/v4/type/countries",
        note: crate::rule_note!("The page's own Payout Channel Type Dictionary closes the set. Create Order's conditions mention ban_account_new, which is not a channel (typo)."),
        rules: &[
            Rule::new("type", Required, "Countries Supported by Payout Channel"),
            Rule::new("type", Enum { values: &["wire", "ewallet", "bank_account", "cash_pickup"], closed: true }, "Countries Supported by Payout Channel"),
        ],
    },
];
