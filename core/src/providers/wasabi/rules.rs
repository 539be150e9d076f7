//! Rule tables (filled in by the validation work).

use crate::validate::EndpointRules;

/// The tables.
pub const TABLES: &[EndpointRules] = &[];
