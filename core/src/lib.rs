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
//!
//! ## One contract
//!
//! Every provider speaks the same [`contract`]: a received message is one
//! [`Received`], every clock is `now_ms`, and the methods have the bindings'
//! names. `use cardwire::prelude::*;` brings it all in scope. Each example
//! below plays both sides (the provider side is what a test double or a
//! sandbox needs); your code is the merchant half.
//!
//! WorldCard `Card/*`: a signed, encrypted request, verified and opened by the
//! platform; a signed webhook, verified by the merchant.
//!
//! ```
//! use cardwire::prelude::*;
//! use cardwire::{worldcard, AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
//! # let key = |n: &str| std::fs::read_to_string(format!("{}/../tests/vectors/keys/{n}", env!("CARGO_MANIFEST_DIR"))).unwrap();
//! # let (merchant_pem, merchant_pub) = (key("merchant_2048.pkcs8.pem"), key("merchant_2048.spki.pem"));
//! # let (platform_pem, platform_pub) = (key("platform_2048.pkcs8.pem"), key("platform_2048.spki.pem"));
//! let aes = AesKey::parse("7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a")?;
//! let merchant = worldcard::Merchant::new(worldcard::MerchantKeys {
//!     app_id: "app_1".into(),
//!     private_key: RsaPrivateKey::parse(&merchant_pem)?,
//!     aes_key: aes.clone(),
//!     platform_public_key: Some(RsaPublicKey::parse(&platform_pub)?),
//! })?;
//! let platform = worldcard::Platform::new(
//!     vec![worldcard::MerchantRecord {
//!         app_id: "app_1".into(),
//!         public_key: RsaPublicKey::parse(&merchant_pub)?,
//!         aes_key: aes,
//!     }],
//!     Some(RsaPrivateKey::parse(&platform_pem)?),
//! )?;
//! let (now_ms, mut rng) = (1_764_000_000_000, rand::rngs::OsRng);
//!
//! let req = merchant.build_request(
//!     &Request::new("/api/v1/card/virtual/get_info").payload(r#"{"card_id":"c-1"}"#),
//!     now_ms,
//!     &mut rng,
//! )?;
//! let headers = Headers::from(req.headers.clone());
//! let got = platform.verify_request(
//!     &Received::new(&headers, &req.body).with_path(&req.path),
//!     now_ms,
//!     &mut MemoryReplayGuard::default(),
//! )?;
//! assert_eq!(got.json["card_id"], "c-1");
//!
//! let hook = platform.sign_webhook(
//!     &Notification::new("card_status", r#"{"card_id":"c-1","status":"active"}"#),
//!     now_ms,
//!     &mut rng,
//! )?;
//! let headers = Headers::from(hook.headers);
//! let event = merchant.verify_webhook(
//!     &Received::new(&headers, &hook.body),
//!     now_ms,
//!     &mut MemoryReplayGuard::default(),
//! )?;
//! assert_eq!(event.event_type, "card_status");
//! # Ok::<(), cardwire::Error>(())
//! ```
//!
//! WorldCard legacy: an MD5-signed request verified by the platform; an opened
//! response whose card number was AES-ECB encrypted.
//!
//! ```
//! use cardwire::prelude::*;
//! use cardwire::{worldcard_legacy, MemoryReplayGuard};
//!
//! let client = worldcard_legacy::Merchant::new("app-key", "sBOvCZZurSbbdJiA")?;
//! let platform = worldcard_legacy::Platform::new("app-key", "sBOvCZZurSbbdJiA")?;
//! let (now_ms, mut rng) = (1_764_000_000_000, rand::rngs::OsRng);
//!
//! let req = client.build_request(
//!     &Request::new("/op/card/E/info").payload(r#"{"cardNumber":"c-1"}"#),
//!     now_ms,
//!     &mut rng,
//! )?;
//! let fields = platform.verify_request(
//!     &Received::body_only(&req.body).with_path(&req.path),
//!     now_ms,
//!     &mut MemoryReplayGuard::default(),
//! )?;
//! assert_eq!(fields["cardNumber"], "c-1");
//!
//! let sealed = platform.seal_response(r#"{"cardNumber":"4111111111111111"}"#)?;
//! let headers = Headers::new();
//! let opened = client.open_response(&Received::response(200, &headers, &sealed.body), now_ms)?;
//! assert_eq!(opened.data["cardNumber"], "4111111111111111");
//! # Ok::<(), cardwire::Error>(())
//! ```
//!
//! Wasabi Card Open API: a signed request verified by the platform; a signed
//! response opened by the merchant.
//!
//! ```
//! use cardwire::prelude::*;
//! use cardwire::{wasabi, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
//! # let key = |n: &str| std::fs::read_to_string(format!("{}/../tests/vectors/keys/{n}", env!("CARGO_MANIFEST_DIR"))).unwrap();
//! # let (merchant_pem, merchant_pub) = (key("merchant_1024.pkcs8.pem"), key("merchant_1024.spki.pem"));
//! # let (platform_pem, platform_pub) = (key("platform_1024.pkcs8.pem"), key("platform_1024.spki.pem"));
//! let merchant = wasabi::Merchant::new(wasabi::MerchantKeys {
//!     api_key: "api-key".into(),
//!     private_key: RsaPrivateKey::parse(&merchant_pem)?,
//!     platform_public_key: Some(RsaPublicKey::parse(&platform_pub)?),
//! })?;
//! let platform = wasabi::Platform::new(
//!     "api-key",
//!     RsaPrivateKey::parse(&platform_pem)?,
//!     RsaPublicKey::parse(&merchant_pub)?,
//! )?;
//! let (now_ms, mut rng) = (1_764_000_000_000, rand::rngs::OsRng);
//!
//! let req = merchant.build_request(
//!     &Request::new("/merchant/core/mcb/card/info").payload(r#"{"cardNo":"c-1"}"#),
//!     now_ms,
//!     &mut rng,
//! )?;
//! let headers = Headers::from(req.headers.clone());
//! let body = platform.verify_request(
//!     &Received::new(&headers, &req.body),
//!     now_ms,
//!     &mut MemoryReplayGuard::default(),
//! )?;
//! assert_eq!(body["cardNo"], "c-1");
//!
//! let answer = platform.seal_response(r#"{"cardNo":"c-1","balance":"10.50"}"#, &mut rng)?;
//! let headers = Headers::from(answer.headers);
//! let opened = merchant.open_response(&Received::response(200, &headers, &answer.body), now_ms)?;
//! assert!(opened.authenticated);
//! assert_eq!(opened.data["balance"], "10.50");
//! # Ok::<(), cardwire::Error>(())
//! ```
//!
//! Wasabi Card API gateway: an `X-API-KEY` request, and a 429 opened into
//! retry advice.
//!
//! ```
//! use cardwire::prelude::*;
//! use cardwire::wasabi;
//!
//! let gateway = wasabi::Gateway::new("key-1")?;
//! let mut rng = rand::rngs::OsRng;
//! let req = gateway.build_request(&Request::new("cards/info").payload(r#"{"cardNo":"c-1"}"#), 0, &mut rng)?;
//! assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/api/v1/cards/info"));
//! assert_eq!(req.body, br#"{"cardNo":"c-1"}"#);
//!
//! let mut headers = Headers::new();
//! headers.push("Retry-After", "2");
//! let body = br#"{"success":false,"code":429,"msg":"Too Many Attempts.","data":null}"#;
//! let err = gateway
//!     .open_response(&Received::response(429, &headers, body).with_path("cards/info"), 0)
//!     .unwrap_err();
//! assert_eq!(err.code(), "api_error");
//! # Ok::<(), cardwire::Error>(())
//! ```
//!
//! PinToPay: a sealed request (µs `request_timestamp`, strictly increasing)
//! opened by the platform; a sealed response opened by the merchant.
//!
//! ```
//! use cardwire::prelude::*;
//! use cardwire::{pintopay, MemoryReplayGuard};
//!
//! let merchant = pintopay::Merchant::new("api-key", "api-secret")?;
//! let platform = pintopay::Platform::new("api-key", "api-secret")?;
//! let (now_ms, mut rng) = (1_764_000_000_000, rand::rngs::OsRng);
//!
//! let req = merchant.build_request(
//!     &Request::new("/api/v1/cards/get").payload(r#"{"card_id":"c-1"}"#),
//!     now_ms,
//!     &mut rng,
//! )?;
//! let headers = Headers::from(req.headers.clone());
//! let got = platform.verify_request(
//!     &Received::new(&headers, &req.body).with_path(&req.path),
//!     now_ms,
//!     &mut MemoryReplayGuard::default(),
//! )?;
//! assert_eq!(got.payload["request_timestamp"], 1_764_000_000_000_000u64);
//!
//! let sealed = platform.seal_response(r#"{"cards":[]}"#, &mut rng)?;
//! let none = Headers::new();
//! let opened = merchant.open_response(&Received::response(200, &none, &sealed.body), now_ms)?;
//! assert!(opened.authenticated);
//! # Ok::<(), cardwire::Error>(())
//! ```
//!
//! PayCA: a request with client credentials; a signed webhook verified, then
//! its redelivery acknowledged as a duplicate. (The [`contract`] module's
//! example runs one generic receiver on PayCA webhooks.)
//!
//! ```
//! use cardwire::prelude::*;
//! use cardwire::{payca, MemoryReplayGuard};
//!
//! let merchant = payca::Merchant::new("client-1", "secret-1")?;
//! let platform = payca::Platform::new("client-1", "secret-1")?;
//! let (now_ms, mut rng) = (1_764_000_000_000, rand::rngs::OsRng);
//!
//! let req = merchant.build_request(&Request::new("/v1/cards").method("GET"), now_ms, &mut rng)?;
//! assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", "/v1/cards"));
//! let headers = Headers::from(req.headers.clone());
//! platform.verify_request(&Received::new(&headers, &req.body), now_ms, &mut MemoryReplayGuard::default())?;
//!
//! let hook = platform.sign_webhook(
//!     &Notification::new("card_transaction", r#"{"id":"t-1","cardId":"c-1","status":"settled"}"#),
//!     now_ms,
//!     &mut rng,
//! )?;
//! let headers = Headers::from(hook.headers);
//! let mut store = MemoryReplayGuard::default();
//! let first = merchant.verify_webhook(&Received::new(&headers, &hook.body), now_ms, &mut store)?;
//! let again = merchant.verify_webhook(&Received::new(&headers, &hook.body), now_ms, &mut store)?;
//! assert_eq!((first.event_type.as_str(), first.duplicate, again.duplicate), ("card_transaction", false, true));
//! # Ok::<(), cardwire::Error>(())
//! ```

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
pub mod http;
pub mod lenient;
pub mod prelude;
pub mod providers;
#[cfg(feature = "reveal")]
pub mod reveal;
pub mod status;
pub mod time;
pub mod validate;

pub use contract::{
    MicrosStamp, Notification, Opened, Received, Request, RequestBuilder, RequestVerifier,
    ResponseOpener, WebhookReceiver, WebhookSigner,
};
pub use crypto::keys::{AesKey, RsaPrivateKey, RsaPublicKey};
pub use delivery::{
    Delivery, DeliveryConfig, MemoryReplayGuard, ReplayGuard, Seen, WebhookEvent, WindowPolicy,
};
pub use envelope::{Headers, OutgoingRequest, OutgoingResponse, Payload, SignedWebhook};
pub use error::{ApiError, Error, FieldErrors, Result, CODES};
pub use providers::{payca, pintopay, registry, wasabi, worldcard, worldcard_legacy};
pub use rand_core;
pub use time::{TimeUnit, Window};

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
