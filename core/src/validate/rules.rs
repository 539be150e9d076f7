//! The rule types: what a table says about an endpoint.

use super::*;

/// The rules of one endpoint. An empty `rules` means the documents give none
/// (so "not covered" is visible, not silent).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EndpointRules {
    /// The endpoint path as the provider names it (templates keep their `{id}`).
    pub endpoint: &'static str,
    /// The rules.
    pub rules: &'static [Rule],
    /// Where the table comes from, and any conflict between pages.
    pub note: &'static str,
}

/// One rule: a check on a field, maybe under a condition.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The field path: `name`, `a.b`, `items[].amount`. For checks across
    /// several fields ([`Check::AnyOf`], ...) a label for the group.
    pub field: &'static str,
    /// What is checked.
    pub check: Check,
    /// Applies only when this holds (evaluated on the payload's root).
    pub when: Option<When>,
    /// Where the documents say so (page title). Kept with the `rule-notes`
    /// feature only, like the notes: the WebAssembly build leaves both out.
    #[cfg(feature = "rule-notes")]
    pub source: &'static str,
    /// A note, such as a conflict between pages and how it was resolved.
    #[cfg(feature = "rule-notes")]
    pub note: &'static str,
}

impl Rule {
    /// A rule from `source`.
    #[cfg_attr(not(feature = "rule-notes"), allow(unused_variables))]
    pub const fn new(field: &'static str, check: Check, source: &'static str) -> Rule {
        Rule {
            field,
            check,
            when: None,
            #[cfg(feature = "rule-notes")]
            source,
            #[cfg(feature = "rule-notes")]
            note: "",
        }
    }

    /// Only when `w` holds.
    pub const fn when(mut self, w: When) -> Rule {
        self.when = Some(w);
        self
    }

    /// With a note (compiled out without the `rule-notes` feature).
    #[cfg_attr(not(feature = "rule-notes"), allow(unused_variables, unused_mut))]
    pub const fn note(mut self, note: &'static str) -> Rule {
        #[cfg(feature = "rule-notes")]
        {
            self.note = note;
        }
        self
    }

    /// Where the rule comes from (empty without `rule-notes`).
    pub fn source(&self) -> &'static str {
        #[cfg(feature = "rule-notes")]
        return self.source;
        #[cfg(not(feature = "rule-notes"))]
        ""
    }

    /// The rule's note (empty without `rule-notes`).
    pub fn note_text(&self) -> &'static str {
        #[cfg(feature = "rule-notes")]
        return self.note;
        #[cfg(not(feature = "rule-notes"))]
        ""
    }
}

/// A condition on the payload's root.
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub enum When {
    /// `field` equals `value` (compared as text).
    Eq(&'static str, &'static str),
    /// `field` is one of the values.
    In(&'static str, &'static [&'static str]),
    /// `field` is present and not one of the values.
    NotIn(&'static str, &'static [&'static str]),
    /// `field` is present (not null, not empty).
    Present(&'static str),
    /// `field` is absent, null or empty.
    Absent(&'static str),
}

/// What a rule checks.
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub enum Check {
    /// Present: not missing, not null, not the empty string.
    Required,
    /// At least one of the fields is present.
    AnyOf(&'static [&'static str]),
    /// At most one of the fields is present.
    AtMostOne(&'static [&'static str]),
    /// All of the fields or none.
    Together(&'static [&'static str]),
    /// String length in characters (Unicode scalar values), inclusive.
    Length {
        /// Minimum.
        min: usize,
        /// Maximum.
        max: usize,
    },
    /// The sum of the fields' lengths is at most `max`.
    CombinedLength {
        /// The fields.
        fields: &'static [&'static str],
        /// Maximum total.
        max: usize,
    },
    /// A decimal (number or decimal string), compared exactly.
    Decimal {
        /// Inclusive minimum, as decimal text.
        min: Option<&'static str>,
        /// Inclusive maximum, as decimal text.
        max: Option<&'static str>,
        /// Most decimal places.
        places: Option<usize>,
        /// Documented as a JSON string (`"100.00"`): an exact decimal from
        /// the host language (Python `decimal.Decimal`) is sent as a string
        /// here and as a JSON number elsewhere. Either is accepted on input.
        text: bool,
    },
    /// An integer (number, or a string of digits), inclusive bounds.
    Integer {
        /// Minimum.
        min: Option<i64>,
        /// Maximum.
        max: Option<i64>,
    },
    /// One of the values. `closed: false` documents an open set ("etc."):
    /// other values pass.
    Enum {
        /// The documented values.
        values: &'static [&'static str],
        /// Whether other values are refused.
        closed: bool,
    },
    /// A text format.
    Format(Format),
    /// A date of birth at least `n` years before the caller's date
    /// ([`Context::today`]); skipped without it.
    MinAge(u32),
    /// Base64 text whose decoded size is at most this many bytes.
    Base64MaxBytes(usize),
    /// An array with at most this many elements.
    MaxItems(usize),
    /// Wasabi's 6-digit PIN rules (see [`pin_problem`]).
    WasabiPin,
    /// A rule that needs the caller's Wasabi card-type record ([`Context::card_type`]).
    CardType(CardTypeCheck),
}

/// Text formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Format {
    /// `YYYY-MM-DD`, a real calendar date.
    Date,
    /// `YYYY-MM-DD HH:MM:SS`.
    DateTime,
    /// ISO 8601: an RFC 3339 date-time with a zone (`2026-01-02T03:04:05Z`)
    /// or a date (`2026-01-02`).
    Iso8601,
    /// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
    Email,
    /// ASCII digits only.
    Digits,
    /// Two upper-case letters (ISO 3166-1 alpha-2 shape).
    CountryAlpha2,
    /// Letters A–Z/a–z and single spaces between words.
    LatinName,
    /// Letters (any script), spaces, apostrophes, dots and hyphens.
    PersonName,
    /// ASCII letters and digits only.
    Alphanumeric,
    /// Printable ASCII without `<`, `>` and control characters (Wasabi address lines).
    AddressText,
    /// A 3-letter upper-case currency code.
    Currency,
}

/// Card-type-dependent Wasabi rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum CardTypeCheck {
    /// `amount` within `rechargeMinQuota..=rechargeMaxQuota`, at most `rechargeDigital` places.
    Deposit,
    /// `amount` within `depositAmountMinQuotaForActiveCard..=depositAmountMaxQuotaForActiveCard`
    /// when `needDepositForActiveCard` is true.
    OpeningDeposit,
    /// `noPinPaymentAmount` allowed by `metadata.supportSettingNoPinPaymentAmount`
    /// and within `metadata.noPinPaymentAmountMinQuota..=MaxQuota`.
    NoPinPaymentAmount,
    /// `spendingControls` allowed per interval by `metadata.spendingControls[].supportSetting`.
    SpendingControls,
    /// `riskControls` allowed by `metadata.supportSettingMcc`.
    MccLists,
}

/// Inputs only the caller has.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Today's date, `YYYY-MM-DD`, for age rules (the core reads no clock).
    pub today: Option<&'a str>,
    /// The Wasabi card-type record (one entry of the card-types response) for
    /// card-type-dependent rules.
    pub card_type: Option<&'a Value>,
}

/// The outcome of a clean validation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Whether the endpoint has a rule table at all.
    pub covered: bool,
    /// How many rules applied.
    pub checked: usize,
    /// Rules skipped for lack of context, described.
    pub skipped: Vec<String>,
}
