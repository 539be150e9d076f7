//! Request validation: every documented rule of every provider, as data.
//!
//! Rules are declared as tables per provider and endpoint (each provider's
//! `rules.rs`) and read by one small engine. A payload is checked against its
//! endpoint's table; every violation is reported at once as
//! `validation_failed` with `{field: [messages]}` (the Wasabi gateway's 422
//! shape), nested fields named by path (`riskControls.allowedMcc`,
//! `spendingControls[0].amount`). Amounts are compared as exact decimals,
//! never through binary floating point.
//!
//! Rules that need data only the caller has (today's date for age rules,
//! Wasabi's card-type record for deposit limits and controls) take it from a
//! [`Context`]; without it they are skipped, and listed in
//! [`Report::skipped`].

pub mod decimal;

/// A table note: the text with the `rule-notes` feature (default), empty
/// without it (the WebAssembly package leaves them out to stay small).
#[doc(hidden)]
#[macro_export]
macro_rules! rule_note {
    ($s:expr) => {
        if cfg!(feature = "rule-notes") {
            $s
        } else {
            ""
        }
    };
}

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, FieldErrors, Result};
use decimal::Decimal;

mod docs;
mod engine;
mod formats;
mod rules;

pub use docs::tables_markdown;
pub use engine::{check_query_table, check_table, query_table_in, table_in};
pub use formats::{date_from_unix_seconds, pin_problem};
pub use rules::{CardTypeCheck, Check, Context, EndpointRules, Format, Report, Rule, When};
#[allow(unused_imports)]
use {docs::*, engine::*, formats::*};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_rules() {
        for ok in ["135790", "890123", "102938", "112233", "120121"] {
            assert_eq!(pin_problem(ok), None, "{ok}");
        }
        for bad in [
            "12345", "1234567", "12a456", "111234", "120003", "123456", "654321", "012345",
            "121212", "909090", "123123", "120120",
        ] {
            assert!(pin_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn dates_from_unix_time() {
        assert_eq!(date_from_unix_seconds(0), "1970-01-01");
        assert_eq!(date_from_unix_seconds(1_764_000_000), "2025-11-24");
        assert_eq!(date_from_unix_seconds(951_782_400), "2000-02-29");
    }

    #[test]
    fn formats_and_ages() {
        assert!(format_problem(Format::Date, "2024-02-29").is_none());
        assert!(format_problem(Format::Date, "2023-02-29").is_some());
        assert!(format_problem(Format::LatinName, "Mary Ann").is_none());
        assert!(format_problem(Format::LatinName, "Mary  Ann").is_some());
        assert!(format_problem(Format::Email, "a@b.co").is_none());
        assert!(format_problem(Format::Email, "a@b").is_some());
        assert!(older_than("2008-11-25", "2026-11-25", 18));
        assert!(!older_than("2008-11-26", "2026-11-25", 18));
    }
}
