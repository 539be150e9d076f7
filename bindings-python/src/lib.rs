//! Placeholder for the python binding of cardwire. It builds against the core so
//! the workspace stays whole; the real binding lands with its own issue.

/// The stable error codes this binding will expose, straight from the core catalog.
pub fn error_codes() -> &'static [&'static str] {
    cardwire::CODES
}
