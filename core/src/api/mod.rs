//! The binding layer: everything a language binding needs beyond converting
//! its own values, written once. It lives in the core (not a separate crate)
//! because it is IO-free like the rest and every binding already depends on
//! the core; a crate of its own would add a publishing step and nothing else.
//!
//! * [`vocab`]: the one table of classes, methods, options, result shapes and
//!   error fields, the same in every language;
//! * [`value`]: what crosses the boundary ([`Input`] in, [`Out`] back) and
//!   every normalisation (payloads, headers, raw bodies, options);
//! * [`host`]: the two things a host supplies, a clock and a CSPRNG
//!   ([`Host`]);
//! * [`Instance`]: the classes, built from options and called by name.
//!
//! The type files and the thin per-language class glue are generated from
//! the table by the repository's `xtask` (`make generate`), not by this crate.
//!
//! A binding converts its values to [`Input`], calls [`Instance::call`] (or
//! [`call_static`], [`call_function`]), converts the [`Out`] back, and maps
//! an [`Error`] with [`error_info`]. Nothing else.

mod call;
mod classes;
pub mod host;
pub mod value;
pub mod vocab;

pub use classes::{call_function, call_static, Instance, Store};
pub use host::Host;
pub use value::{Input, Out};

use crate::error::{ApiError, Error};

/// An error as the bindings raise it: the stable code, the message, and the
/// extra fields of [`vocab::ERROR_FIELDS`] that apply (snake_case names).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorInfo {
    /// The stable code (`signature_invalid`, ...).
    pub code: &'static str,
    /// The message (never key material, card data or verified bytes).
    pub message: String,
    /// `(field, value)` for the fields this error carries.
    pub fields: Vec<(&'static str, Out)>,
}

/// The fields of `e` for a binding's exception object.
pub fn error_info(e: &Error) -> ErrorInfo {
    let mut fields = Vec::new();
    match e {
        Error::ValidationFailed { errors } => {
            fields.push((
                "errors",
                Out::Json(serde_json::to_value(errors).unwrap_or_default()),
            ));
        }
        Error::Api(api) => {
            if let Some(f) = &api.field_errors {
                fields.push((
                    "errors",
                    Out::Json(serde_json::to_value(f).unwrap_or_default()),
                ));
            }
            fields.push(("provider_code", Out::Str(api.provider_code.clone())));
            fields.push(("provider_message", Out::Str(api.message.clone())));
            fields.push(("status", Out::opt_int(api.status.map(u64::from))));
            fields.push(("retryable", Out::Bool(api.retryable)));
            fields.push(("outcome_unknown", Out::Bool(api.outcome_unknown)));
            fields.push(("retry_after_ms", Out::opt_int(api.retry_after_ms)));
            fields.push(("request_id", Out::opt_str(api.request_id.clone())));
            fields.push(("authenticated", Out::Bool(api.authenticated)));
        }
        _ => {}
    }
    ErrorInfo {
        code: e.code(),
        message: e.to_string(),
        fields,
    }
}

/// Rebuilds a core error from a raised one, given back as a map of its
/// fields (`code`, `message`, `errors`, `provider_code`, ...; camelCase
/// accepted), for methods that take an error (`rejection`, `retry_decision`).
pub fn error_from_input(v: &Input) -> Error {
    let get = |k: &str| v.get(k).or_else(|| v.get(&vocab::camel(k)));
    let text = |k: &str| match get(k) {
        Some(Input::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let num = |k: &str| get(k).and_then(|x| value::uint(x, k).ok());
    let flag = |k: &str| matches!(get(k), Some(Input::Bool(true)));
    let message = text("message");
    let code = text("code");
    match Error::from_code(&code, message.clone()) {
        Some(Error::ValidationFailed { .. }) => Error::ValidationFailed {
            errors: get("errors")
                .and_then(|e| value::json_value(e, "errors").ok())
                .and_then(|e| serde_json::from_value(e).ok())
                .unwrap_or_default(),
        },
        Some(Error::Api(_)) => ApiError::new(text("provider_code"), text("provider_message"))
            .with_status(num("status").and_then(|s| u16::try_from(s).ok()))
            .with_retryable(flag("retryable"))
            .with_outcome_unknown(flag("outcome_unknown"))
            .with_retry_after_ms(num("retry_after_ms"))
            .with_authenticated(flag("authenticated"))
            .into(),
        Some(e) => e,
        None => Error::InvalidInput { reason: message },
    }
}
