//! # cardwire
//!
//! The protocol-and-crypto core for card-issuing APIs: everything between
//! "here is my JSON" and "these are the exact bytes and headers to send", and
//! back: "these bytes arrived: are they authentic, and what do they say?"
//!
//! Both sides of every envelope live here: the merchant side (build a request,
//! open a response, verify a webhook) and the provider side (verify a request,
//! seal a response, sign a webhook).
//!
//! ## What it never does
//!
//! cardwire is IO-free. It opens no network connection, reads no file, no
//! environment variable and no clock, and has no randomness of its own: time
//! and nonces are inputs, and randomness comes in through an RNG parameter
//! (`rand_core::CryptoRngCore`). Bindings supply host defaults.
//!
//! ## Principles
//!
//! * Strict about authenticity: a signature, MAC or tag that fails is always
//!   an error, and nothing from that envelope is returned.
//! * Lenient about delivery: a genuine webhook delivered twice comes back
//!   marked `duplicate`, so the caller still acknowledges it. One rule says
//!   what a delivery is for every provider ([`delivery`]: the signed delivery
//!   id, or the authenticated content; never an unsigned header), and the
//!   default webhook window equals the replay store's retention.
//! * No RSA size floor (one provider's real key is 1024-bit); lengths are
//!   checked against the key's own modulus.
//! * Keys are parsed once into reusable objects; secrets are zeroized on drop
//!   and print as `[redacted]`.
//! * Every failure is an [`Error`] with a stable [`code`](Error::code).
//!
//! ## Providers
//!
//! * [`worldcard`]: WorldCard `Card/*` (AES-256-GCM, RSA-PSS-SHA256).
//! * [`worldcard_legacy`]: WorldCard legacy card and Transfer V4 (MD5 sign, AES-ECB).
//! * [`wasabi`]: Wasabi Card Open API (RSA-SHA256, RSA-encrypted fields) and gateway.
//! * [`payca`]: PayCA (client credentials, HMAC-SHA256 webhooks).
//! * [`pintopay`]: PinToPay (XSalsa20-Poly1305 secretbox, µs timestamps).

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![warn(missing_docs)]

pub mod api;
pub mod contract;
pub mod crypto;
pub mod delivery;
pub mod encoding;
pub mod envelope;
pub mod error;
pub mod exact_json;
pub mod explain;
pub mod external;
pub mod keys;
pub mod lenient;
pub mod prelude;
pub mod providers;
#[cfg(feature = "reveal")]
pub mod reveal;
pub mod status;
pub mod time;
pub mod validate;
pub mod wire;

pub use contract::{
    MicrosStamp, Notification, Opened, Received, Request, RequestBuilder, RequestVerifier,
    ResponseOpener, WebhookReceiver, WebhookSigner,
};
pub use delivery::{Delivery, DeliveryConfig, WebhookEvent, WindowPolicy};
pub use envelope::{
    Headers, MemoryReplayGuard, OutgoingRequest, OutgoingResponse, Payload, ReplayGuard, Seen,
    SignedWebhook, TimeUnit, Window,
};
pub use error::{ApiError, Error, FieldErrors, Result, CODES};
pub use keys::{AesKey, RsaPrivateKey, RsaPublicKey};
pub use providers::{payca, pintopay, registry, wasabi, worldcard, worldcard_legacy};
pub use rand_core;

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
