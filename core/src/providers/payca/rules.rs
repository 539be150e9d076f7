//! PayCA rule tables (the PayCA integration guide, the Wasabi cardholder guide: "B2B Flow",
//! "B2C Flow", "Required User Meta Fields", "API Endpoints Reference",
//! "Error Handling"; and PayCA's public documentation).
//!
//! The engine looks tables up by path only. Where a path serves both POST and
//! GET (`/v1/cards`, `/v1/users/{id}/cardholder`) the table is the POST
//! body's: the GET has no body. Query strings have tables of their own, named
//! with a trailing `?` (`/v1/cards?`: `limit`, `cursor`), checked by the
//! request builder for every method.
//! Literal `/v1/cardholders/...` paths come before `/v1/cardholders/{id}`,
//! which would otherwise match them.

use crate::validate::{Check::*, EndpointRules, Format, Rule, When};

const META_SRC: &str = "Required User Meta Fields";
const DOCS: &str = "PayCA's public documentation";
/// The B2B minimum applies once the user carries `meta` at all.
const META: When = When::Present("meta");
const LIMIT: Rule = Rule::new(
    "limit",
    Integer {
        min: None,
        max: Some(100),
    },
    DOCS,
)
.note("Most list endpoints take `limit` (at most 100) and an opaque `cursor` (not checked).");
const PAGINATED: &[Rule] = &[LIMIT];
const QUERY_ONLY: &str =
    "GET: no body. Its query string (`limit` at most 100, `cursor`) has the `?` table below.";
const PRESENCE_ONLY: &str = "PayCA's own code (from its lists), not ISO: presence only.";

/// The tables, one per documented path (13 paths; 15 method + path pairs),
/// then the query-string tables.
pub const TABLES: &[EndpointRules] = &[
    EndpointRules {
        endpoint: "/v1/users",
        note: crate::rule_note!("User meta: the B2B minimum (firstName, lastName, email, phone, phoneCode, birthday, country, town, address, postCode) is required once `meta` is given; a user without `meta` is not refused (cards can be issued through a BIN's default holder without a cardholder, and the server itself reports missing meta only at cardholder creation: \"cardholder requires user meta fields: ...\"). The B2C additions (gender, idType, idNo, nationality, occupation) are optional here: the table cannot tell B2B from B2C, and the server enforces them at cardholder creation (\"B2C cardholder requires user meta fields: ...\"). country, nationality and town are PayCA codes, not ISO: presence only, never shape. Optional meta fields (idIssueDate, idExpiryDate, idFrontImg, idBackImg, idHoldImg, annualSalary, accountPurpose, expectedMonthlyVolume, ipAddress) have no documented format: unchecked."),
        rules: &[
            Rule::new("externalId", Required, "B2B Flow").note("Present in every documented user example."),
            Rule::new("meta.firstName", Required, META_SRC).when(META),
            Rule::new("meta.lastName", Required, META_SRC).when(META),
            Rule::new("meta.email", Required, META_SRC).when(META),
            Rule::new("meta.email", Format(Format::Email), META_SRC),
            Rule::new("meta.phone", Required, META_SRC).when(META),
            Rule::new("meta.phone", Format(Format::Digits), META_SRC).note("Phone number, digits only (the dial code goes in phoneCode)."),
            Rule::new("meta.phoneCode", Required, META_SRC)
                .when(META)
                .note("Documented as `+1`, but the server normalizes a missing `+`: `1` is not refused, so no shape is checked."),
            Rule::new("meta.birthday", Required, META_SRC).when(META),
            Rule::new("meta.birthday", Format(Format::Date), META_SRC),
            Rule::new("meta.country", Required, META_SRC).when(META).note(PRESENCE_ONLY),
            Rule::new("meta.town", Required, META_SRC).when(META).note(PRESENCE_ONLY),
            Rule::new("meta.address", Required, META_SRC).when(META),
            Rule::new("meta.postCode", Required, META_SRC).when(META),
            Rule::new("meta.gender", Enum { values: &["M", "F"], closed: true }, META_SRC)
                .note("B2C only: optional here, required by the server for B2C cardholders."),
            Rule::new("meta.idType", Enum { values: &["PASSPORT", "DLN"], closed: false }, META_SRC)
                .note("\"PASSPORT, DLN, etc.\": open set. B2C only: optional here, required by the server for B2C cardholders."),
        ],
    },
    EndpointRules {
        endpoint: "/v1/cardholders/files",
        note: crate::rule_note!("multipart/form-data with one `file` part (B2B identity documents); the returned fileId goes into user meta idFrontImg, idBackImg or idHoldImg."),
        rules: &[Rule::new("file", Required, "B2B Flow")],
    },
    EndpointRules {
        endpoint: "/v1/users/{id}/cardholder",
        note: crate::rule_note!("POST creates the cardholder (body below); GET on the same path has no parameters and no body. Cardholder-state refusals (missing user meta, KYC not completed, BIN without Wasabi cardholder support) are server refusals, not validation."),
        rules: &[Rule::new("accountId", Required, "B2B Flow"), Rule::new("bin", Required, "B2B Flow")],
    },
    EndpointRules { endpoint: "/v1/cardholders", note: crate::rule_note!(QUERY_ONLY), rules: &[] },
    EndpointRules {
        endpoint: "/v1/cardholders/cities",
        note: crate::rule_note!(QUERY_ONLY),
        rules: &[],
    },
    EndpointRules {
        endpoint: "/v1/cardholders/occupations",
        note: crate::rule_note!(QUERY_ONLY),
        rules: &[],
    },
    EndpointRules {
        endpoint: "/v1/cardholders/regions",
        note: crate::rule_note!(QUERY_ONLY),
        rules: &[],
    },
    EndpointRules { endpoint: "/v1/cardholders/{id}", note: crate::rule_note!("No parameters."), rules: &[] },
    EndpointRules {
        endpoint: "/v1/cards",
        note: crate::rule_note!("POST issues a card (body below). GET /v1/cards (list: `limit` at most 100, `cursor`, in the query string) shares the path and has no body: these rules are the POST body's. The `idempotencyKey` body field is separate from the Idempotency-Key header. A given cardholderId must be in pass_audit: a server refusal (\"cardholder not approved\"), not validation."),
        rules: &[
            Rule::new("accountId", Required, "B2B Flow"),
            Rule::new("bin", Required, "B2B Flow"),
            Rule::new("balance", Required, "B2B Flow"),
            Rule::new("balance", Decimal { min: None, max: None, places: None, text: true }, "B2B Flow")
                .note("A decimal (documented as the string \"100.00\"); no bounds documented."),
            Rule::new("idempotencyKey", Length { min: 1, max: 255 }, DOCS).note(
                "Optional. 255 is the Idempotency-Key header limit of one version of the docs, applied to the body field as well.",
            ),
        ],
    },
    EndpointRules {
        endpoint: "/v1/users/{userId}/kyc/documents",
        note: crate::rule_note!("multipart/form-data: `file` and `type` (B2C KYC)."),
        rules: &[
            Rule::new("file", Required, "B2C Flow"),
            Rule::new("type", Required, "B2C Flow"),
            Rule::new("type", Enum { values: &["passport", "selfie_with_document"], closed: false }, "B2C Flow")
                .note("\"such as passport, selfie_with_document\": open set."),
        ],
    },
    EndpointRules {
        endpoint: "/v1/users/{userId}/kyc/submit",
        note: crate::rule_note!("No parameters."),
        rules: &[],
    },
    EndpointRules {
        endpoint: "/v1/webhooks",
        note: crate::rule_note!(""),
        rules: &[Rule::new("url", Required, DOCS), Rule::new("type", Required, DOCS)],
    },
    EndpointRules {
        endpoint: "/v1/webhooks/resend",
        note: crate::rule_note!("No body parameters; the one parameter, `fromDate`, goes in the query string (the `?` table below)."),
        rules: &[],
    },
    // Query strings (every list endpoint takes `limit` at most 100 and a `cursor`).
    EndpointRules { endpoint: "/v1/cardholders?", note: crate::rule_note!("GET list: paging."), rules: PAGINATED },
    EndpointRules { endpoint: "/v1/cardholders/cities?", note: crate::rule_note!("GET list of town codes: paging."), rules: PAGINATED },
    EndpointRules { endpoint: "/v1/cardholders/occupations?", note: crate::rule_note!("GET list of occupation codes (B2C): paging."), rules: PAGINATED },
    EndpointRules { endpoint: "/v1/cardholders/regions?", note: crate::rule_note!("GET list of country/region codes: paging."), rules: PAGINATED },
    EndpointRules { endpoint: "/v1/cards?", note: crate::rule_note!("GET list of cards: paging (the POST on the same path takes a body, not a query)."), rules: PAGINATED },
    EndpointRules {
        endpoint: "/v1/webhooks/resend?",
        note: crate::rule_note!("`fromDate` (ISO 8601): resends the webhooks since then."),
        rules: &[
            Rule::new("fromDate", Required, DOCS),
            Rule::new("fromDate", Format(Format::Iso8601), DOCS)
                .note("ISO 8601: a date-time with a zone, or a date."),
        ],
    },
];
