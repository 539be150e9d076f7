//! One provider contract: the same shapes and method names for every
//! provider, the ones the bindings speak.
//!
//! * Every received message goes in as one [`Received`]: its headers always,
//!   its HTTP status where it has one, its path where the provider signs or
//!   routes by it, and its raw body.
//! * Every verification clock is `now_ms`, Unix milliseconds. Stamps a
//!   provider defines keep their own unit (PinToPay's `request_timestamp`
//!   is microseconds; [`MicrosStamp`] makes them from `now_ms`).
//! * Every request to send is one [`Request`], every webhook to send one
//!   [`Notification`]; every opened response one [`Opened`].
//! * The merchant side is [`RequestBuilder`], [`ResponseOpener`] and
//!   [`WebhookReceiver`]; the provider side is [`RequestVerifier`] and
//!   [`WebhookSigner`]. Each provider writes only its own checks (the
//!   `trace_…` methods); `check_…`, `explain_…` and `verify_…` come from
//!   the traits, the same for all.
//!
//! A receiver written once serves every provider:
//!
//! ```
//! use cardwire::contract::{Notification, Received, WebhookReceiver, WebhookSigner};
//! use cardwire::{Headers, MemoryReplayGuard, ReplayGuard};
//!
//! /// Answers one webhook delivery, whatever the provider: the HTTP status.
//! fn receive<P: WebhookReceiver>(
//!     provider: &P,
//!     headers: &Headers,
//!     body: &[u8],
//!     now_ms: u64,
//!     store: &mut impl ReplayGuard,
//! ) -> u16 {
//!     match provider.verify_webhook(&Received::new(headers, body), now_ms, store) {
//!         // Seen before: acknowledge it and skip the work.
//!         Ok(event) if event.duplicate => provider.webhook_ack().status,
//!         Ok(event) => {
//!             // ... act on event.event_type / event.event / event.business_key ...
//!             provider.webhook_ack().status
//!         }
//!         // The store could not answer: a 5xx, so the provider retries.
//!         Err(e) if e.code() == "store_unavailable" => 503,
//!         Err(_) => 401,
//!     }
//! }
//!
//! let client = cardwire::payca::Merchant::new("client-1", "secret-1")?;
//! let platform = cardwire::payca::Platform::new("client-1", "secret-1")?;
//! let mut rng = rand::rngs::OsRng;
//! let hook = platform.sign_webhook(
//!     &Notification::new("card.updated", r#"{"type":"card.updated","cardId":"c1"}"#),
//!     1_700_000_000_000,
//!     &mut rng,
//! )?;
//! let headers = Headers::from(hook.headers);
//! let mut store = MemoryReplayGuard::default();
//! assert_eq!(receive(&client, &headers, &hook.body, 1_700_000_000_000, &mut store), 204);
//! // The same delivery again is a duplicate, still acknowledged.
//! assert_eq!(receive(&client, &headers, &hook.body, 1_700_000_000_000, &mut store), 204);
//! // A forged one is refused.
//! assert_eq!(receive(&client, &headers, b"{}", 1_700_000_000_000, &mut store), 401);
//! # Ok::<(), cardwire::Error>(())
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::Value;

use crate::delivery::{ReplayGuard, WebhookEvent};
use crate::envelope::{Headers, OutgoingRequest, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};
use crate::explain::{Explanation, NoTrace, Tracer};

/// One received HTTP message: a webhook, a request, or a response.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The HTTP status, for a response (`None` for requests and webhooks,
    /// and for a response whose status is unknown: read as 200).
    pub status: Option<u16>,
    /// The request path (with its query string where the provider signs
    /// one), for a request; for a response, the path of the request it
    /// answers where the provider's answers differ by endpoint (Wasabi's
    /// gateway).
    pub path: Option<&'a str>,
    /// The headers as received (empty where a provider signs none).
    pub headers: &'a Headers,
    /// The raw body, exactly as received.
    pub body: &'a [u8],
}

static NO_HEADERS: Headers = Headers::new();

impl<'a> Received<'a> {
    /// A webhook or request: its headers and raw body.
    pub fn new(headers: &'a Headers, body: &'a [u8]) -> Self {
        Received {
            status: None,
            path: None,
            headers,
            body,
        }
    }

    /// A body that came without headers worth reading (WorldCard legacy
    /// webhooks sign their body only).
    pub fn body_only(body: &'a [u8]) -> Self {
        Received::new(&NO_HEADERS, body)
    }

    /// A response: its HTTP status, headers and raw body.
    pub fn response(status: u16, headers: &'a Headers, body: &'a [u8]) -> Self {
        Received {
            status: Some(status),
            path: None,
            headers,
            body,
        }
    }

    /// The same message with its path.
    #[must_use]
    pub fn with_path(mut self, path: &'a str) -> Self {
        self.path = Some(path);
        self
    }

    /// The path, or `invalid_input` naming what to pass.
    pub fn require_path(&self) -> Result<&'a str> {
        self.path.ok_or_else(|| {
            Error::invalid_input("path is required here: pass Received::with_path(path)")
        })
    }

    /// Whether the status is 2xx (an unknown status counts as 2xx).
    pub fn is_success(&self) -> bool {
        self.status.is_none_or(|s| (200..300).contains(&s))
    }
}

/// A request to send, described as plain data. Only `path` is needed; a
/// field a provider has no use for is refused (`invalid_input`) rather
/// than silently dropped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// The endpoint path (`/api/v1/card/deposit`, `/v1/users/{id}/cardholder`).
    pub path: &'a str,
    /// The JSON payload (bytes and text are sent as given once checked to
    /// be JSON; a value is serialized once). `None`: `{}` where the provider
    /// signs one, no body otherwise.
    pub payload: Option<Payload<'a>>,
    /// The HTTP method, where the provider has more than one (PayCA; the
    /// Wasabi gateway's `work-orders/`).
    pub method: Option<&'a str>,
    /// Values for a path template's `{placeholders}` (PayCA).
    pub path_params: &'a [(&'a str, &'a str)],
    /// Query parameters, in order (PayCA).
    pub query: &'a [(&'a str, &'a str)],
    /// The `Idempotency-Key` (PayCA).
    pub idempotency_key: Option<&'a str>,
    /// The request id (PayCA `X-Request-ID`).
    pub request_id: Option<&'a str>,
    /// Validate the payload against the documented rules for this call
    /// (`None`: the client's setting, on by default).
    pub validate: Option<bool>,
    /// The nonce (WorldCard `X-Nonce`; default 16 random bytes as hex).
    pub nonce: Option<&'a str>,
    /// The send time in the provider's own unit (WorldCard `X-Timestamp`:
    /// Unix seconds; PinToPay `request_timestamp`: microseconds). Default:
    /// from `now_ms` (PinToPay: strictly increasing per client, see
    /// [`MicrosStamp`]).
    pub timestamp: Option<u64>,
}

/// The typed body of one endpoint, generated from a provider description
/// (`docs/openapi/<provider>.yaml`; for PayCA `cardwire::providers::payca::types`).
/// A misspelt field is a compile error; the JSON is the description's.
///
/// ```
/// use cardwire::prelude::*;
/// use cardwire::providers::payca::{self, types::IssueCard};
///
/// let body = IssueCard {
///     account_id: "acc-1".into(),
///     bin: "537100".into(),
///     balance: "100.00".into(),
///     ..IssueCard::default()
/// };
/// let json = body.to_json()?;
/// let merchant = payca::Merchant::new("client-1", "secret-1")?;
/// let req = merchant.build_request(&body.request(&json), 1_767_000_000_000, &mut rand::rngs::OsRng)?;
/// assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/v1/cards"));
/// # Ok::<(), cardwire::Error>(())
/// ```
pub trait TypedRequest: Serialize {
    /// The endpoint's method (`POST`).
    const METHOD: &'static str;
    /// The endpoint's path template (`/v1/users/{id}/cardholder`).
    const PATH: &'static str;

    /// The body as JSON bytes (field names as the description gives them).
    fn to_json(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self)
            .map_err(|_| Error::invalid_input("the request body cannot be encoded as JSON"))
    }

    /// The request for this endpoint with `json` (from [`to_json`](Self::to_json))
    /// as its payload; set `path_params` for a path with `{placeholders}`.
    /// The method is left to the builder, which sends a body with
    /// [`METHOD`](Self::METHOD) (every typed body is a POST's today).
    fn request<'a>(&self, json: &'a [u8]) -> Request<'a> {
        Request {
            payload: Some(Payload::Bytes(json)),
            ..Request::new(Self::PATH)
        }
    }
}

/// A response's `data` as one endpoint's description gives it: the response
/// structs generated from `docs/openapi/<provider>.yaml` (`<Operation>Response`
/// in each provider's `types` module). Every field is optional (providers
/// leave documented fields out), unknown fields are ignored, and text and
/// integers are read leniently (a number where text is documented, digits
/// where an integer is; [`Opened::data`] already carries non-integer numbers
/// as exact decimal strings).
///
/// ```
/// use cardwire::prelude::*;
/// use cardwire::providers::worldcard::types::GetVirtualCardResponse;
///
/// let data = serde_json::json!({"card_id": "c-1", "status": 2, "available_balance": "10.50"});
/// let card = GetVirtualCardResponse::from_data(&data)?;
/// assert_eq!(card.card_id.as_deref(), Some("c-1"));
/// assert_eq!(card.status, Some(2));
/// # Ok::<(), cardwire::Error>(())
/// ```
pub trait TypedResponse: serde::de::DeserializeOwned {
    /// The endpoint's method.
    const METHOD: &'static str;
    /// The endpoint's path template.
    const PATH: &'static str;

    /// Reads an opened response's data ([`Opened::data`]).
    fn from_opened(opened: &Opened) -> Result<Self> {
        Self::from_data(&opened.data)
    }

    /// Reads a response's `data` value. A field of another JSON type than
    /// documented (an object where text is documented) is an `invalid_input`
    /// error that does not quote the value (it may be a decrypted card field):
    /// read [`Opened::data`] directly for such a response.
    fn from_data(data: &Value) -> Result<Self> {
        Self::deserialize(data).map_err(|_| {
            Error::invalid_input(
                "the response data does not have the documented shape (a field of another JSON type): read Opened::data as JSON instead",
            )
        })
    }
}

/// Reads `data` as `T` and writes it back (documented fields only): what the
/// generated `read_response` functions do for each typed endpoint.
#[doc(hidden)]
pub fn read_typed<T: TypedResponse + Serialize>(data: &Value) -> Result<Value> {
    let typed = T::from_data(data)?;
    serde_json::to_value(&typed)
        .map_err(|_| Error::invalid_input("the typed response cannot be written back as JSON"))
}

/// Lenient readers for the generated response structs (`deserialize_with`).
#[doc(hidden)]
pub mod lenient {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// Text: a string, or a number or boolean as its JSON text; null is absent.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => return Err(serde::de::Error::custom("expected text")),
        })
    }

    /// An integer: a JSON integer or a string of digits (with an optional
    /// sign); null or "" is absent.
    pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::Number(n) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("expected an integer")),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom("expected an integer")),
            _ => Err(serde::de::Error::custom("expected an integer")),
        }
    }

    /// A boolean: true/false, or the strings "true"/"false" and the numbers 1/0.
    pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(b)),
            Value::String(s) if s == "true" || s == "1" => Ok(Some(true)),
            Value::String(s) if s == "false" || s == "0" => Ok(Some(false)),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(Some(true)),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(Some(false)),
            _ => Err(serde::de::Error::custom("expected a boolean")),
        }
    }
}

impl<'a> Request<'a> {
    /// A request for `path`, everything else default.
    pub fn new(path: &'a str) -> Self {
        Request {
            path,
            ..Request::default()
        }
    }

    /// The same request with a payload.
    #[must_use]
    pub fn payload(mut self, payload: impl Into<Payload<'a>>) -> Self {
        self.payload = Some(payload.into());
        self
    }

    /// The same request with validation on or off for this call.
    #[must_use]
    pub fn validate(mut self, on: bool) -> Self {
        self.validate = Some(on);
        self
    }

    /// The same request with a nonce.
    #[must_use]
    pub fn nonce(mut self, nonce: &'a str) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// The same request with a send time in the provider's unit.
    #[must_use]
    pub fn timestamp(mut self, timestamp: u64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The same request with an HTTP method.
    #[must_use]
    pub fn method(mut self, method: &'a str) -> Self {
        self.method = Some(method);
        self
    }

    /// The same request with an `Idempotency-Key`.
    #[must_use]
    pub fn idempotency_key(mut self, key: &'a str) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// The same request with a request id.
    #[must_use]
    pub fn request_id(mut self, id: &'a str) -> Self {
        self.request_id = Some(id);
        self
    }

    /// `invalid_input` for any field set that `provider` has no use for.
    pub(crate) fn refuse_unused(&self, provider: &str, used: &[&str]) -> Result<()> {
        let set = [
            ("method", self.method.is_some()),
            ("path_params", !self.path_params.is_empty()),
            ("query", !self.query.is_empty()),
            ("idempotency_key", self.idempotency_key.is_some()),
            ("request_id", self.request_id.is_some()),
            ("nonce", self.nonce.is_some()),
            ("timestamp", self.timestamp.is_some()),
        ];
        match set.iter().find(|(name, on)| *on && !used.contains(name)) {
            Some((name, _)) => Err(Error::invalid_input(format!(
                "{provider} requests have no {name}: leave it out"
            ))),
            None => Ok(()),
        }
    }
}

/// A webhook to send, described as plain data.
#[derive(Debug, Clone, Copy)]
pub struct Notification<'a> {
    /// The event type (WorldCard `event_type`, Wasabi `X-WSB-CATEGORY`;
    /// PayCA, PinToPay and WorldCard legacy carry the type inside the
    /// payload and ignore this).
    pub event_type: &'a str,
    /// The payload.
    pub payload: Payload<'a>,
    /// The delivery id (WorldCard `X-Nonce`, Wasabi `X-WSB-REQUEST-ID`, PayCA
    /// `x-request-id`; default: 16 random bytes as hex). Reuse it when
    /// redelivering.
    pub id: Option<&'a str>,
    /// The signed send time, Unix milliseconds (WorldCard; default `now_ms`).
    pub timestamp_ms: Option<u64>,
    /// PayCA's `x-idempotency-key`.
    pub idempotency_key: Option<&'a str>,
    /// The merchant it goes to, where a platform serves several (WorldCard
    /// `X-App-Id`; default: the only merchant).
    pub app_id: Option<&'a str>,
}

impl<'a> Notification<'a> {
    /// A webhook of `event_type` carrying `payload`.
    pub fn new(event_type: &'a str, payload: impl Into<Payload<'a>>) -> Self {
        Notification {
            event_type,
            payload: payload.into(),
            id: None,
            timestamp_ms: None,
            idempotency_key: None,
            app_id: None,
        }
    }

    /// The same webhook with a delivery id.
    #[must_use]
    pub fn id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }

    /// The same webhook with a send time (Unix milliseconds).
    #[must_use]
    pub fn timestamp_ms(mut self, ms: u64) -> Self {
        self.timestamp_ms = Some(ms);
        self
    }

    /// The same webhook for one merchant (WorldCard `X-App-Id`).
    #[must_use]
    pub fn app_id(mut self, app_id: &'a str) -> Self {
        self.app_id = Some(app_id);
        self
    }

    /// The same webhook with an idempotency key (PayCA).
    #[must_use]
    pub fn idempotency_key(mut self, key: &'a str) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// An opened response: the same shape for every provider (the bindings'
/// `opened`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Opened {
    /// The HTTP status (200 when the caller did not know it).
    pub status: u16,
    /// The data, decrypted where the provider encrypts, non-integer numbers
    /// as exact decimal strings; `null` when absent.
    pub data: Value,
    /// The provider's success code, where its envelope has one (`"0"`,
    /// `"200"`).
    pub code: Option<String>,
    /// The provider's message, where its envelope has one.
    pub message: Option<String>,
    /// Whether a signature or MAC covered the body and verified.
    pub authenticated: bool,
    /// Sensitive fields that arrived in clear rather than encrypted
    /// (WorldCard), passed through unchanged.
    pub unencrypted_fields: Vec<String>,
}

impl Opened {
    pub(crate) fn new(msg: &Received<'_>, data: Value) -> Self {
        Opened {
            status: msg.status.unwrap_or(200),
            data,
            code: None,
            message: None,
            authenticated: false,
            unencrypted_fields: Vec::new(),
        }
    }
}

/// What a receiver answers a webhook delivery it refused, the same for
/// every provider: 503 when the replay store could not answer
/// (`store_unavailable`: the provider retries later and nothing is lost),
/// else 401; the body is the error's stable code alone (never a detail of
/// the check, nothing for a forger to learn from).
pub fn webhook_refusal(error: &Error) -> OutgoingResponse {
    let code = error.code();
    OutgoingResponse {
        status: if code == "store_unavailable" {
            503
        } else {
            401
        },
        headers: vec![(
            "Content-Type".to_owned(),
            "text/plain; charset=utf-8".to_owned(),
        )],
        body: code.as_bytes().to_vec(),
    }
}

/// The merchant side of webhooks: verify, type and de-duplicate a delivery.
/// A provider writes [`trace_webhook`](Self::trace_webhook) (its checks, in
/// order, told to a [`Tracer`]); the rest is the same for all.
pub trait WebhookReceiver {
    /// The typed event.
    type Event;

    /// Every check, in order, each reported to `trace`; the event without
    /// the store (`duplicate` false).
    fn trace_webhook<T: Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        trace: &mut T,
    ) -> Result<WebhookEvent<Self::Event>>;

    /// The acknowledgement the provider expects.
    fn webhook_ack(&self) -> OutgoingResponse;

    /// The answer to a delivery that was refused: [`webhook_refusal`].
    fn webhook_refusal(&self, error: &Error) -> OutgoingResponse {
        webhook_refusal(error)
    }

    /// Verifies a delivery and records it in `guard`: a delivery seen before
    /// comes back with `duplicate = true` (acknowledge it, skip the work);
    /// one whose signature, MAC or tag fails is an error and nothing of it
    /// is returned; a store that cannot answer is `store_unavailable`.
    fn verify_webhook<G: ReplayGuard + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        guard: &mut G,
    ) -> Result<WebhookEvent<Self::Event>> {
        self.check_webhook(msg, now_ms)?.recorded(guard, now_ms)
    }

    /// Every check of [`verify_webhook`](Self::verify_webhook) but the
    /// store: for a store of your own (the event's `delivery` has the key
    /// and retention).
    fn check_webhook(&self, msg: &Received<'_>, now_ms: u64) -> Result<WebhookEvent<Self::Event>> {
        self.trace_webhook(msg, now_ms, &mut NoTrace)
    }

    /// Every check of [`check_webhook`](Self::check_webhook), in order, with
    /// what was expected and what arrived (`cardwire explain --webhook`).
    fn explain_webhook(&self, msg: &Received<'_>, now_ms: u64) -> Explanation {
        let mut e = Explanation::default();
        let _ = self.trace_webhook(msg, now_ms, &mut e);
        e
    }
}

/// The merchant side of requests: the exact request to send.
pub trait RequestBuilder {
    /// The request: validated (unless turned off), encrypted and signed
    /// where the provider does. `now_ms` dates it (and the age rules);
    /// `rng` supplies nonces, IVs and default ids.
    fn build_request<R: CryptoRngCore + ?Sized>(
        &self,
        req: &Request<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<OutgoingRequest>;
}

/// The merchant side of responses.
pub trait ResponseOpener {
    /// Opens a response: verified and decrypted where the provider signs or
    /// encrypts; an unsuccessful answer is `api_error` with the provider's
    /// code, message, status and retry advice. `now_ms` reads
    /// `Retry-After` dates.
    fn open_response(&self, msg: &Received<'_>, now_ms: u64) -> Result<Opened>;
}

/// The provider side of requests: authenticate what a merchant sent.
pub trait RequestVerifier {
    /// What a verified request gives back.
    type Verified;

    /// Every check, in order, each reported to `trace`. `guard` refuses a
    /// replayed request where the provider signs a nonce or stamp.
    fn trace_request<G: ReplayGuard + ?Sized, T: Tracer + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        guard: &mut G,
        trace: &mut T,
    ) -> Result<Self::Verified>;

    /// Verifies a request; nothing is returned from one that fails.
    fn verify_request<G: ReplayGuard + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        guard: &mut G,
    ) -> Result<Self::Verified> {
        self.trace_request(msg, now_ms, guard, &mut NoTrace)
    }

    /// Every check of [`verify_request`](Self::verify_request), in order.
    /// The checks run against `guard` as the real call would (a replay
    /// guard records what it sees): pass a scratch store to explain without
    /// recording.
    fn explain_request<G: ReplayGuard + ?Sized>(
        &self,
        msg: &Received<'_>,
        now_ms: u64,
        guard: &mut G,
    ) -> Explanation {
        let mut e = Explanation::default();
        let _ = self.trace_request(msg, now_ms, guard, &mut e);
        e
    }
}

/// The provider side of webhooks.
pub trait WebhookSigner {
    /// A signed (or sealed) webhook to POST to the merchant.
    fn sign_webhook<R: CryptoRngCore + ?Sized>(
        &self,
        hook: &Notification<'_>,
        now_ms: u64,
        rng: &mut R,
    ) -> Result<SignedWebhook>;
}

/// `n` random bytes as lowercase hex, from `rng` (default nonces and ids).
pub(crate) fn random_hex<R: CryptoRngCore + ?Sized>(rng: &mut R, n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    rng.try_fill_bytes(&mut bytes)
        .map_err(|_| Error::RandomUnavailable)?;
    Ok(crate::encoding::hex_encode(&bytes))
}

/// Microsecond send times from a millisecond clock, strictly increasing per
/// stamp: two requests in one millisecond never share one (PinToPay refuses
/// a repeated `api_key + path + request_timestamp`). Safe to share between
/// threads.
#[derive(Debug, Default)]
pub struct MicrosStamp {
    last: AtomicU64,
}

impl Clone for MicrosStamp {
    fn clone(&self) -> Self {
        MicrosStamp {
            last: AtomicU64::new(self.last.load(Ordering::Relaxed)),
        }
    }
}

impl MicrosStamp {
    /// A stamp that has issued nothing yet.
    pub fn new() -> Self {
        MicrosStamp::default()
    }

    /// `now_ms` in microseconds, or one more than the last stamp issued,
    /// whichever is larger.
    pub fn next(&self, now_ms: u64) -> u64 {
        let candidate = now_ms.saturating_mul(1000);
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = candidate.max(last.saturating_add(1));
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_stamps_increase_within_one_millisecond_and_follow_the_clock() {
        let s = MicrosStamp::new();
        assert_eq!(s.next(5), 5_000);
        assert_eq!(s.next(5), 5_001);
        assert_eq!(s.next(5), 5_002);
        // The clock moving on wins over the counter.
        assert_eq!(s.next(7), 7_000);
        // A clock going back never repeats a stamp.
        assert_eq!(s.next(6), 7_001);
        // Saturates rather than wrapping.
        let t = MicrosStamp::new();
        assert_eq!(t.next(u64::MAX), u64::MAX);
        assert_eq!(t.next(u64::MAX), u64::MAX);
    }

    #[test]
    fn unused_request_fields_are_refused_with_their_name() {
        let r = Request::new("/x").nonce("n");
        let e = r.refuse_unused("PayCA", &["method"]).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("nonce"), "{e}");
        assert!(Request::new("/x").refuse_unused("PayCA", &[]).is_ok());
    }
}
