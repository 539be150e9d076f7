//! The one error type of cardwire and its catalog of stable codes.
//!
//! Every failure is an [`Error`]; every variant has a stable snake_case
//! [`code`](Error::code) listed in [`CODES`]. Bindings map on the code, never on
//! the message. Messages never carry key material, plaintext card data or the
//! bytes that failed to verify; authentication failures
//! ([`Error::SignatureInvalid`], [`Error::DecryptFailed`]) carry no detail at all.

use std::collections::BTreeMap;
use std::fmt;

/// `{field: [messages]}`, the shape of the Wasabi gateway's HTTP 422 answer.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// What a provider said when it answered with an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The provider's business code or slug, as text (`"10011"`, `"card_not_found"`).
    pub provider_code: String,
    /// The provider's message, as received.
    pub message: String,
    /// The HTTP status, when the caller passed it in.
    pub status: Option<u16>,
    /// Whether repeating the same call later may succeed.
    pub retryable: bool,
    /// The operation may or may not have happened (WorldCard legacy `500`,
    /// `5000`): query the order before retrying, never just resend.
    pub outcome_unknown: bool,
    /// When to retry, in milliseconds, if the provider said (`Retry-After`).
    pub retry_after_ms: Option<u64>,
    /// The provider's request id, when it sent one (PayCA `requestId`).
    pub request_id: Option<String>,
    /// `{field: [messages]}` when the provider listed field errors (gateway 422).
    pub field_errors: Option<FieldErrors>,
    /// Whether the provider fields (`provider_code`, `message`, field
    /// errors) came under a verified signature or MAC (a signed Wasabi
    /// answer, an encrypted PinToPay error). `false` for providers whose
    /// answers are not authenticated at all, and for an unsigned or
    /// badly signed Wasabi error (a gateway's HTML page, say): the HTTP
    /// status and the retry advice still hold, the provider fields are
    /// hearsay.
    pub authenticated: bool,
}

impl ApiError {
    /// A provider error with the given code and message.
    pub fn new(provider_code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            provider_code: provider_code.into(),
            message: message.into(),
            status: None,
            retryable: false,
            outcome_unknown: false,
            retry_after_ms: None,
            request_id: None,
            field_errors: None,
            authenticated: false,
        }
    }

    /// Marks the provider fields as authenticated (or not).
    #[must_use]
    pub fn with_authenticated(mut self, authenticated: bool) -> Self {
        self.authenticated = authenticated;
        self
    }

    /// An HTTP failure whose body is not the provider's error shape: the
    /// status as the code, the body's first 200 characters as the message,
    /// retryable on 429 and 5xx. One rule for every provider.
    pub fn from_http(status: u16, body: &[u8]) -> ApiError {
        let message: String = String::from_utf8_lossy(body)
            .trim()
            .chars()
            .take(200)
            .collect();
        ApiError::new(status.to_string(), message)
            .with_status(Some(status))
            .with_retryable(status == 429 || status >= 500)
    }

    /// Sets the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: Option<u16>) -> Self {
        self.status = status;
        self
    }

    /// Sets the provider's request id.
    #[must_use]
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id;
        self
    }

    /// Sets `Retry-After`, in milliseconds.
    #[must_use]
    pub fn with_retry_after_ms(mut self, ms: Option<u64>) -> Self {
        self.retry_after_ms = ms;
        self
    }

    /// Sets field errors.
    #[must_use]
    pub fn with_field_errors(mut self, errors: Option<FieldErrors>) -> Self {
        self.field_errors = errors;
        self
    }

    /// Marks the outcome as unknown (query before retrying).
    #[must_use]
    pub fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.outcome_unknown = unknown;
        self
    }

    /// Sets the retryable flag.
    #[must_use]
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }
}

/// Every failure cardwire reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Key material cannot be parsed, or has the wrong size or type.
    InvalidKey {
        /// What was wrong, without the key itself.
        reason: &'static str,
    },
    /// The caller passed something malformed (payload not JSON, bad option).
    InvalidInput {
        /// What was wrong.
        reason: String,
    },
    /// What arrived is not in the provider's shape (missing or duplicated
    /// header, bad Base64, short ciphertext, unknown version byte).
    MalformedEnvelope {
        /// What was wrong, never including the received bytes.
        reason: String,
    },
    /// A signature or MAC does not verify. Opaque on purpose.
    SignatureInvalid,
    /// An AEAD tag or padding check failed. Opaque on purpose.
    DecryptFailed,
    /// The timestamp is outside the provider's freshness window.
    TimestampOutOfWindow,
    /// Provider side: a request's nonce or timestamp was seen before within the window.
    ReplayDetected,
    /// Provider side: the sender (for example WorldCard's `X-App-Id`) is not known.
    UnknownMerchant,
    /// The payload breaks the provider's documented rules.
    ValidationFailed {
        /// `{field: [messages]}`.
        errors: FieldErrors,
    },
    /// The endpoint needs an `Idempotency-Key` (PinToPay `cards/create`, `cards/topup`).
    IdempotencyKeyRequired,
    /// The replay store could not answer (a shared store that is down). The
    /// delivery was not recorded: answer the provider with a 5xx so it
    /// retries, and the retry is decided once the store is back.
    StoreUnavailable {
        /// What failed, without keys or payloads.
        reason: String,
    },
    /// What an external signer (HSM, KMS, WebCrypto) returned does not
    /// verify with the key's known public half; `cause` names the likely
    /// misconfiguration (wrong key, PSS salt length, PKCS#1 v1.5 instead of
    /// PSS or back, a signature over the digest of the digest). Nothing was
    /// sent: fix the signer's settings.
    SignerMismatch {
        /// The likely cause and what to change.
        cause: String,
    },
    /// The provider answered with an error.
    Api(Box<ApiError>),
    /// The host's random source failed (the operating system's CSPRNG, or
    /// `crypto.getRandomValues`): nothing was signed, sealed or sent. Never
    /// a silent fallback; retry, or look at the host.
    RandomUnavailable,
}

/// The one list of codes: each variant, its stable code, and how a binding
/// that hands an error back (by code and message) gets the variant again.
/// [`CODES`], [`Error::code`] and [`Error::from_code`] are all made from it.
macro_rules! catalog {
    ($($variant:ident => $code:literal, $from:expr;)*) => {
        /// The catalog: every stable code an [`Error`] can carry, in one list.
        /// Bindings check their own lists against this one.
        pub const CODES: &[&str] = &[$($code),*];

        impl Error {
            /// The stable code (`signature_invalid`, ...): the same in Rust,
            /// JavaScript and Python.
            pub fn code(&self) -> &'static str {
                match self {
                    $(Error::$variant { .. } => $code,)*
                }
            }

            /// The error of `code`, as a binding hands one back (a caller's
            /// error object passed to `rejection` or `retry_decision`), with
            /// `message` where the variant keeps one; `None` for a code not in
            /// [`CODES`]. Extra fields (an API error's status, field errors)
            /// are the binding's to fill in.
            pub fn from_code(code: &str, message: String) -> Option<Error> {
                let from: fn(String) -> Error = match code {
                    $($code => $from,)*
                    _ => return None,
                };
                Some(from(message))
            }
        }
    };
}

catalog! {
    InvalidKey => "invalid_key", |_| Error::InvalidKey { reason: "given back by the caller" };
    InvalidInput => "invalid_input", |reason| Error::InvalidInput { reason };
    MalformedEnvelope => "malformed_envelope", |reason| Error::MalformedEnvelope { reason };
    SignatureInvalid => "signature_invalid", |_| Error::SignatureInvalid;
    DecryptFailed => "decrypt_failed", |_| Error::DecryptFailed;
    TimestampOutOfWindow => "timestamp_out_of_window", |_| Error::TimestampOutOfWindow;
    ReplayDetected => "replay_detected", |_| Error::ReplayDetected;
    UnknownMerchant => "unknown_merchant", |_| Error::UnknownMerchant;
    ValidationFailed => "validation_failed", |_| Error::ValidationFailed { errors: FieldErrors::new() };
    IdempotencyKeyRequired => "idempotency_key_required", |_| Error::IdempotencyKeyRequired;
    Api => "api_error", |message| ApiError::new(String::new(), message).into();
    StoreUnavailable => "store_unavailable", |reason| Error::StoreUnavailable { reason };
    SignerMismatch => "signer_mismatch", |cause| Error::SignerMismatch { cause };
    RandomUnavailable => "random_unavailable", |_| Error::RandomUnavailable;
}

impl Error {
    pub(crate) fn invalid_input(reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            reason: reason.into(),
        }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        Error::MalformedEnvelope {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_key(reason: &'static str) -> Self {
        Error::InvalidKey { reason }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidKey { reason } => write!(f, "invalid key: {reason}"),
            Error::InvalidInput { reason } => write!(f, "invalid input: {reason}"),
            Error::MalformedEnvelope { reason } => write!(f, "malformed envelope: {reason}"),
            Error::SignatureInvalid => f.write_str("signature verification failed"),
            Error::DecryptFailed => f.write_str("decryption failed"),
            Error::TimestampOutOfWindow => f.write_str("timestamp outside the freshness window"),
            Error::ReplayDetected => {
                f.write_str("replay detected: nonce or timestamp already used")
            }
            Error::UnknownMerchant => f.write_str("unknown merchant"),
            Error::ValidationFailed { errors } => {
                f.write_str("validation failed:")?;
                for (field, messages) in errors {
                    for m in messages {
                        write!(f, " {field}: {m};")?;
                    }
                }
                Ok(())
            }
            Error::IdempotencyKeyRequired => f.write_str("this endpoint needs an Idempotency-Key"),
            Error::StoreUnavailable { reason } => {
                write!(f, "replay store unavailable: {reason}; nothing was recorded (answer 5xx so the provider retries)")
            }
            Error::SignerMismatch { cause } => {
                write!(f, "the external signer's result does not verify with the key's public half: {cause}")
            }
            Error::RandomUnavailable => f.write_str(
                "the host's random source failed; nothing was produced (retry, or check the host's CSPRNG)",
            ),
            Error::Api(e) => {
                write!(f, "provider error {}: {}", e.provider_code, e.message)?;
                if let Some(s) = e.status {
                    write!(f, " (HTTP {s})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

/// `Result<T, cardwire::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_lists_each_code_once_and_all_are_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CODES {
            assert!(seen.insert(*c), "duplicate code {c}");
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
        }
    }

    #[test]
    fn every_code_reads_back_as_its_own_variant() {
        for c in CODES {
            let e = Error::from_code(c, "m".into());
            assert_eq!(e.as_ref().map(Error::code), Some(*c));
        }
        assert_eq!(Error::from_code("no_such_code", "m".into()), None);
        assert_eq!(
            Error::from_code("random_unavailable", String::new())
                .map(|e| e.to_string().contains("random source")),
            Some(true)
        );
    }

    #[test]
    fn display_of_api_error_carries_code_and_status() {
        let e = Error::from(ApiError::new("10011", "Duplicate card order").with_status(Some(200)));
        assert_eq!(e.code(), "api_error");
        assert_eq!(
            e.to_string(),
            "provider error 10011: Duplicate card order (HTTP 200)"
        );
    }
}
