//! The classes of the vocabulary over the provider modules: construction from
//! options, method dispatch, result shapes. What every binding would
//! otherwise write again.

use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

use super::call::Args;
use super::host::{call_rng, random_hex, Host};
use super::value::{Input, Out};
use super::vocab::{self, Class};
use crate::contract::{
    Notification, Opened, Received, Request, RequestBuilder, RequestVerifier, ResponseOpener,
    WebhookReceiver, WebhookSigner,
};
use crate::crypto::keys::{RsaPrivateKey, RsaPublicKey};
use crate::crypto::rsa_pss::PssSaltPolicy;
use crate::crypto::signer::{Prepared, PreparedDecrypt};
use crate::delivery::{DeliveryConfig, MemoryReplayGuard, ReplayGuard, WebhookEvent, WindowPolicy};
use crate::envelope::{OutgoingRequest, OutgoingResponse, Payload, SignedWebhook};
use crate::error::{Error, Result};
use crate::time::Window;
use crate::{payca, pintopay, wasabi, worldcard, worldcard_legacy};

#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per instance, never moved in a hot loop
enum Inner {
    WorldCardMerchant(worldcard::Merchant),
    WorldCardPlatform(worldcard::Platform, String),
    WorldCardLegacy(worldcard_legacy::Client),
    WorldCardLegacyPlatform(worldcard_legacy::Platform),
    WasabiMerchant(wasabi::Merchant),
    WasabiPlatform(wasabi::Platform),
    WasabiGateway(wasabi::Gateway),
    PinToPayMerchant(pintopay::Merchant),
    PinToPayPlatform(pintopay::Platform),
    PayCaClient(payca::Client),
    PayCaPlatform(payca::Platform),
    #[cfg(feature = "reveal")]
    CardReveal(Mutex<crate::reveal::RevealKey>),
}

/// A replay store shared with the host: any [`ReplayGuard`] that may be
/// used from several threads (on WebAssembly, which has one thread, any
/// [`ReplayGuard`]: a JavaScript object is not `Send`).
#[cfg(not(target_arch = "wasm32"))]
pub type Store = Box<dyn ReplayGuard + Send>;
/// A replay store shared with the host (WebAssembly: any [`ReplayGuard`]).
#[cfg(target_arch = "wasm32")]
pub type Store = Box<dyn ReplayGuard>;

/// One instance of a vocabulary class. Keys are parsed once, here; every
/// call does only the crypto and the framing. Calls take `&self`, so one
/// instance serves many threads (the replay store sits behind a lock).
pub struct Instance {
    class: &'static Class,
    inner: Inner,
    store: Mutex<Store>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("class", &self.class.name)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

fn delivery_config(a: &Args<'_>) -> Result<DeliveryConfig> {
    let mut d = DeliveryConfig::default();
    if let Some(ms) = a.opt_uint("retention_ms")? {
        d = d.with_retention_ms(ms);
    }
    if let Some(w) = a.opt_window("webhook_window_ms")? {
        d = d.with_window(match w {
            None => WindowPolicy::Off,
            Some(ms) => WindowPolicy::Fixed(Window { tolerance_ms: ms }),
        });
    }
    Ok(d)
}

fn padding(name: Option<&str>) -> wasabi::RsaPadding {
    match name {
        Some("oaep-sha1") => wasabi::RsaPadding::OaepSha1,
        Some("oaep-sha256") => wasabi::RsaPadding::OaepSha256,
        _ => wasabi::RsaPadding::Pkcs1v15,
    }
}

fn salt(strict: Option<bool>) -> PssSaltPolicy {
    if strict == Some(true) {
        PssSaltPolicy::Strict32
    } else {
        PssSaltPolicy::AutoDetect
    }
}

// ------------------------------------------------------------ result shapes

fn text_of(body: &[u8]) -> Out {
    Out::opt_str(std::str::from_utf8(body).ok().map(str::to_owned))
}

/// A private key, or with `external_key` a handle to one held outside the
/// process (its public key is given): in-process signing then refuses and
/// the `prepare_…` forms sign.
fn private_or_external(text: &str, external: bool) -> Result<RsaPrivateKey> {
    if external {
        return RsaPublicKey::parse(text)
            .map(RsaPrivateKey::external)
            .map_err(|_| Error::InvalidKey {
                reason: "with external_key, give the public key (SPKI PEM) of the key held in your HSM or KMS",
            });
    }
    RsaPrivateKey::parse(text).map_err(|e| match e {
        Error::InvalidKey {
            reason: "expected a private key, found a public key",
        } => Error::InvalidKey {
            reason: "expected a private key, found a public key (for a key held in an HSM or KMS, pass external_key: true)",
        },
        other => other,
    })
}

fn prepared_out<T>(shape: &'static str, p: Prepared<T>, base: fn(T) -> Out) -> Out
where
    T: crate::crypto::signer::Signable + Clone,
{
    let mut fields = vec![
        ("sign_input", Out::Bytes(p.sign_input().to_vec())),
        ("digest", Out::Bytes(p.digest().to_vec())),
        ("algorithm", Out::Str(p.algorithm().name().to_owned())),
        (
            "signature_header",
            Out::Str(p.signature_header().to_owned()),
        ),
    ];
    if let Out::Record(_, rest) = base(p.message().clone()) {
        fields.extend(rest);
    }
    Out::Record(shape, fields)
}

/// A prepared message given back by the caller.
struct Given {
    method: String,
    path: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Given {
    fn read(a: &Args<'_>) -> Result<Given> {
        let v = a.get("prepared").ok_or_else(|| {
            Error::invalid_input("prepared is required: pass what prepare_… returned")
        })?;
        if !matches!(v, Input::Map(_)) {
            return Err(Error::invalid_input(
                "prepared must be the object prepare_… returned",
            ));
        }
        let text = |k: &str| match v.get(k) {
            Some(Input::Str(s)) => s.clone(),
            _ => String::new(),
        };
        let headers = super::value::headers(v.get("headers").unwrap_or(&Input::Null))?
            .pairs()
            .to_vec();
        let body = super::value::body(
            v.get("body").ok_or_else(|| {
                Error::invalid_input("prepared.body is missing: pass what prepare_… returned")
            })?,
            "prepared.body",
        )?;
        let status = match v.get("status") {
            Some(Input::Int(i)) => u16::try_from(*i).unwrap_or(200),
            _ => 200,
        };
        Ok(Given {
            method: text("method"),
            path: text("path"),
            status,
            headers,
            body,
        })
    }

    fn request(self) -> OutgoingRequest {
        OutgoingRequest {
            method: self.method,
            path: self.path,
            headers: self.headers,
            body: self.body,
        }
    }

    fn response(self) -> OutgoingResponse {
        OutgoingResponse {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }

    fn webhook(self) -> SignedWebhook {
        SignedWebhook {
            headers: self.headers,
            body: self.body,
        }
    }
}

fn prepared_decrypt_out(p: &PreparedDecrypt) -> Out {
    Out::Record(
        "prepared_decrypt",
        vec![
            (
                "blocks",
                Out::List(p.blocks().iter().map(|b| Out::Bytes(b.clone())).collect()),
            ),
            ("algorithm", Out::Str(p.algorithm().to_owned())),
        ],
    )
}

fn byte_list(v: Option<&Input>, what: &str) -> Result<Vec<Vec<u8>>> {
    match v {
        Some(Input::List(items)) => items
            .iter()
            .map(|i| match i {
                Input::Bytes(b) => Ok(b.clone()),
                _ => Err(Error::invalid_input(format!(
                    "{what} must be a list of bytes"
                ))),
            })
            .collect(),
        _ => Err(Error::invalid_input(format!(
            "{what} must be a list of bytes"
        ))),
    }
}

pub(crate) fn request_out(r: OutgoingRequest) -> Out {
    let body_text = text_of(&r.body);
    Out::Record(
        "request",
        vec![
            ("method", Out::Str(r.method)),
            ("path", Out::Str(r.path)),
            ("headers", Out::Headers(r.headers)),
            ("body", Out::Bytes(r.body)),
            ("body_text", body_text),
        ],
    )
}

pub(crate) fn response_out(r: OutgoingResponse) -> Out {
    let body_text = text_of(&r.body);
    Out::Record(
        "response",
        vec![
            ("status", Out::Int(i64::from(r.status))),
            ("headers", Out::Headers(r.headers)),
            ("body", Out::Bytes(r.body)),
            ("body_text", body_text),
        ],
    )
}

pub(crate) fn webhook_out(w: SignedWebhook) -> Out {
    let body_text = text_of(&w.body);
    Out::Record(
        "webhook",
        vec![
            ("headers", Out::Headers(w.headers)),
            ("body", Out::Bytes(w.body)),
            ("body_text", body_text),
        ],
    )
}

fn opened_out(o: Opened) -> Out {
    Out::Record(
        "opened",
        vec![
            ("data", Out::Json(o.data)),
            ("code", Out::opt_str(o.code)),
            ("message", Out::opt_str(o.message)),
            ("status", Out::Int(i64::from(o.status))),
            ("authenticated", Out::Bool(o.authenticated)),
            (
                "unencrypted_fields",
                Out::List(o.unencrypted_fields.into_iter().map(Out::Str).collect()),
            ),
        ],
    )
}

/// The `headers` argument; none (null or left out) is an empty set.
fn optional_headers(a: &Args<'_>) -> Result<crate::envelope::Headers> {
    match a.get("headers") {
        Some(Input::Null) | None => Ok(crate::envelope::Headers::new()),
        Some(_) => a.headers("headers"),
    }
}

/// `open_response` for any provider: the status, headers and body (and the
/// path, where given) as one received message.
fn opened<P: ResponseOpener>(p: &P, a: &Args<'_>, now_ms: u64) -> Result<Out> {
    let headers = optional_headers(a)?;
    let body = a.body("body")?;
    let path = a.opt_str("path")?;
    let mut msg = Received::response(a.status("status")?, &headers, &body);
    msg.path = path.as_deref();
    Ok(opened_out(p.open_response(&msg, now_ms)?))
}

/// The `data` of a serde-tagged event (`{"type", "data"}`); the raw payload
/// for an unknown one.
fn tagged_data<E: Serialize>(event: &E, raw: &Value) -> Value {
    match serde_json::to_value(event) {
        Ok(v) if v.get("type").and_then(Value::as_str) != Some("unknown") => {
            v.get("data").cloned().unwrap_or(Value::Null)
        }
        _ => raw.clone(),
    }
}

fn event_out<E>(ev: WebhookEvent<E>, data: Value) -> Out {
    Out::Record(
        "event",
        vec![
            ("type", Out::Str(ev.event_type)),
            ("data", Out::Json(data)),
            ("raw", Out::Json(ev.raw)),
            ("duplicate", Out::Bool(ev.duplicate)),
            ("delivery_key", Out::Str(ev.delivery.key)),
            ("retention_ms", Out::uint(ev.delivery.retention_ms)),
            ("delivery_id", Out::opt_str(ev.delivery_id)),
            ("timestamp_ms", Out::opt_int(ev.timestamp_ms)),
            ("business_key", Out::opt_str(ev.business_key)),
        ],
    )
}

/// The card reveal is compiled in with the `reveal` feature only.
#[cfg(not(feature = "reveal"))]
fn no_reveal() -> Error {
    Error::invalid_input("the card reveal needs cardwire's `reveal` feature (every binding has it)")
}

fn str_list(items: impl IntoIterator<Item = String>) -> Out {
    Out::List(items.into_iter().map(Out::Str).collect())
}

// -------------------------------------------------------------- construction

impl Instance {
    /// Makes an instance of `class` from its constructor options (a map;
    /// names in snake_case or camelCase). Keys are parsed here, once. The
    /// host supplies the clock and randomness a constructor may need (a
    /// `CardReveal` makes its key pair here).
    pub fn new(class: &str, options: &Input, host: &dyn Host) -> Result<Instance> {
        #[cfg(not(feature = "reveal"))]
        let _ = host;
        let spec = vocab::class(class)
            .ok_or_else(|| Error::invalid_input(format!("unknown class {class}")))?;
        let a = Args::ctor(spec.name, spec.ctor, options)?;
        let validate = a.opt_bool("validate")?.unwrap_or(true);
        let external = a.opt_bool("external_key")?.unwrap_or(false);
        let private =
            |name: &str| -> Result<RsaPrivateKey> { private_or_external(&a.str(name)?, external) };
        let public = |name: &str| -> Result<RsaPublicKey> { RsaPublicKey::parse(&a.str(name)?) };
        let opt_private = |name: &str| -> Result<Option<RsaPrivateKey>> {
            a.opt_str(name)?
                .map(|k| private_or_external(&k, external))
                .transpose()
        };
        let opt_public = |name: &str| -> Result<Option<RsaPublicKey>> {
            a.opt_str(name)?
                .map(|k| RsaPublicKey::parse(&k))
                .transpose()
        };
        let inner = match spec.name {
            "WorldCardMerchant" => {
                let keys = worldcard::MerchantKeys {
                    app_id: a.str("app_id")?,
                    private_key: private("private_key_pem")?,
                    aes_key: a.aes_key("aes_key")?,
                    platform_public_key: opt_public("platform_public_key_pem")?,
                };
                let config = worldcard::MerchantConfig::default()
                    .with_validation(validate)
                    .with_delivery(delivery_config(&a)?)
                    .with_pss_salt(salt(a.opt_bool("strict_pss_salt")?));
                Inner::WorldCardMerchant(worldcard::Merchant::with_config(keys, config)?)
            }
            "WorldCardPlatform" => {
                let app_id = a.str("app_id")?;
                let record = worldcard::MerchantRecord {
                    app_id: app_id.clone(),
                    public_key: public("merchant_public_key_pem")?,
                    aes_key: a.aes_key("aes_key")?,
                };
                let config = worldcard::PlatformConfig::default()
                    .with_pss_salt(salt(a.opt_bool("strict_pss_salt")?))
                    .with_validation(validate);
                Inner::WorldCardPlatform(
                    worldcard::Platform::with_config(
                        vec![record],
                        opt_private("platform_private_key_pem")?,
                        config,
                    )?,
                    app_id,
                )
            }
            "WorldCardLegacy" => {
                let mut c =
                    worldcard_legacy::Client::new(&a.str("app_key")?, &a.str("app_secret")?)?
                        .with_validation(validate)
                        .with_delivery(delivery_config(&a)?);
                if a.opt_choice("params_in", &["body", "query"])?.as_deref() == Some("query") {
                    c = c.with_placement(worldcard_legacy::ParamPlacement::Query);
                }
                Inner::WorldCardLegacy(c)
            }
            "WorldCardLegacyPlatform" => Inner::WorldCardLegacyPlatform(
                worldcard_legacy::Platform::new(&a.str("app_key")?, &a.str("app_secret")?)?,
            ),
            "WasabiMerchant" => {
                let keys = wasabi::MerchantKeys {
                    api_key: a.str("api_key")?,
                    private_key: private("private_key_pem")?,
                    platform_public_key: opt_public("platform_public_key_pem")?,
                };
                let policy = match a
                    .opt_choice(
                        "response_signature",
                        &["require", "verify-if-present", "off"],
                    )?
                    .as_deref()
                {
                    Some("verify-if-present") => wasabi::ResponseSignaturePolicy::VerifyIfPresent,
                    Some("off") => wasabi::ResponseSignaturePolicy::Off,
                    _ => wasabi::ResponseSignaturePolicy::Require,
                };
                let pad =
                    a.opt_choice("field_padding", &["pkcs1v15", "oaep-sha1", "oaep-sha256"])?;
                let config = wasabi::MerchantConfig::default()
                    .with_response_signature(policy)
                    .with_field_padding(padding(pad.as_deref()))
                    .with_validation(validate)
                    .with_delivery(delivery_config(&a)?);
                Inner::WasabiMerchant(wasabi::Merchant::with_config(keys, config)?)
            }
            "WasabiPlatform" => Inner::WasabiPlatform(wasabi::Platform::new(
                &a.str("api_key")?,
                private("platform_private_key_pem")?,
                public("merchant_public_key_pem")?,
            )?),
            "WasabiGateway" => Inner::WasabiGateway(
                wasabi::Gateway::new(&a.str("api_key")?)?.with_validation(validate),
            ),
            "PinToPayMerchant" => Inner::PinToPayMerchant(
                pintopay::Merchant::new(&a.str("api_key")?, &a.str("api_secret")?)?
                    .with_validation(validate)
                    .with_delivery(delivery_config(&a)?),
            ),
            "PinToPayPlatform" => Inner::PinToPayPlatform(pintopay::Platform::new(
                &a.str("api_key")?,
                &a.str("api_secret")?,
            )?),
            "PayCaClient" => Inner::PayCaClient(
                payca::Client::new(&a.str("client_id")?, &a.str("client_secret")?)?
                    .with_validation(validate)
                    .with_delivery(delivery_config(&a)?),
            ),
            "PayCaPlatform" => Inner::PayCaPlatform(payca::Platform::new(
                &a.str("client_id")?,
                &a.str("client_secret")?,
            )?),
            #[cfg(not(feature = "reveal"))]
            "CardReveal" => return Err(no_reveal()),
            #[cfg(feature = "reveal")]
            "CardReveal" => {
                let now = a.opt_uint("now_ms")?.unwrap_or_else(|| host.now_ms());
                let ttl = a
                    .opt_uint("ttl_ms")?
                    .unwrap_or(crate::reveal::DEFAULT_TTL_MS);
                let mut rng = call_rng(host, a.opt_bytes("random")?)?;
                Inner::CardReveal(Mutex::new(crate::reveal::RevealKey::generate(
                    &a.str("card_id")?,
                    now,
                    ttl,
                    &mut rng,
                )?))
            }
            other => return Err(Error::invalid_input(format!("unknown class {other}"))),
        };
        Ok(Instance {
            class: spec,
            inner,
            store: Mutex::new(Box::new(MemoryReplayGuard::default())),
        })
    }

    /// The class's vocabulary entry.
    pub fn class(&self) -> &'static Class {
        self.class
    }

    /// Replaces the replay store (default: a bounded in-memory one).
    pub fn set_store(&self, store: Store) {
        *self.store.lock().unwrap_or_else(|e| e.into_inner()) = store;
    }

    /// Runs `f` with the call's store: the one passed to
    /// [`Instance::call_with_store`], else the instance's own.
    fn with_store<R>(
        &self,
        over: &mut Option<&mut dyn ReplayGuard>,
        f: impl FnOnce(&mut dyn ReplayGuard) -> R,
    ) -> R {
        match over {
            Some(s) => f(&mut **s),
            None => {
                let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
                f(store.as_mut())
            }
        }
    }

    /// `check_webhook` / `verify_webhook` for any provider: the headers
    /// (none for a provider that signs its body only) and body as one
    /// received message; `verify` records it in the call's store.
    fn webhook<P: WebhookReceiver>(
        &self,
        p: &P,
        a: &Args<'_>,
        now_ms: u64,
        verify: bool,
        over: &mut Option<&mut dyn ReplayGuard>,
    ) -> Result<WebhookEvent<P::Event>> {
        let headers = optional_headers(a)?;
        let body = a.body("body")?;
        let ev = p.check_webhook(&Received::new(&headers, &body), now_ms)?;
        if verify {
            self.with_store(over, |s| ev.recorded(s, now_ms))
        } else {
            Ok(ev)
        }
    }

    /// `verify_request` for any provider: headers, body and (where given)
    /// path as one received message, checked against the call's store.
    fn verify_request<P: RequestVerifier>(
        &self,
        p: &P,
        a: &Args<'_>,
        now_ms: u64,
        over: &mut Option<&mut dyn ReplayGuard>,
    ) -> Result<P::Verified> {
        let headers = optional_headers(a)?;
        let body = match a.get("body") {
            Some(b) => super::value::body(b, "verify_request: body")?,
            None => Vec::new(),
        };
        let path = a.opt_str("path")?;
        let mut msg = Received::new(&headers, &body);
        msg.path = path.as_deref();
        self.with_store(over, |store| p.verify_request(&msg, now_ms, store))
    }

    /// Calls method `name` with positional `args` and the `options` map.
    pub fn call(
        &self,
        name: &str,
        args: &[Input],
        options: Option<&Input>,
        host: &dyn Host,
    ) -> Result<Out> {
        self.call_with_store(name, args, options, host, None)
    }

    /// [`Instance::call`] with a replay store for this call only (a binding
    /// whose store lives in its host's heap and may only be touched on the
    /// calling thread, like a JavaScript object under Node-API); `None` is
    /// the instance's own store.
    pub fn call_with_store(
        &self,
        name: &str,
        args: &[Input],
        options: Option<&Input>,
        host: &dyn Host,
        store: Option<&mut dyn ReplayGuard>,
    ) -> Result<Out> {
        let mut over = store;
        let method = self
            .class
            .method(name)
            .filter(|m| !m.is_static)
            .ok_or_else(|| unknown_method(self.class, name))?;
        let a = Args::method(method, args, options)?;
        let now = || -> Result<u64> { Ok(a.opt_uint("now_ms")?.unwrap_or_else(|| host.now_ms())) };
        let rng = || call_rng(host, a.opt_bytes("random")?);
        match (&self.inner, method.name) {
            // ---------------------------------------------------- WorldCard
            (Inner::WorldCardMerchant(m), "build_request" | "prepare_request") => {
                let path = a.str("path")?;
                let payload = a.request_payload(crate::registry::Provider::WorldCard)?;
                let nonce = match a.opt_str("nonce")? {
                    Some(n) => n,
                    None => random_hex(host, 16)?,
                };
                let req = Request {
                    payload: payload.as_deref().map(Payload::Bytes),
                    validate: a.opt_bool("validate")?,
                    nonce: Some(&nonce),
                    timestamp: a.opt_uint("timestamp_s")?,
                    ..Request::new(&path)
                };
                let mut r = rng()?;
                if method.name == "prepare_request" {
                    let p = m.prepare_request(&req, now()?, &mut r)?;
                    return Ok(prepared_out("prepared_request", p, request_out));
                }
                Ok(request_out(m.build_request(&req, now()?, &mut r)?))
            }
            (Inner::WorldCardMerchant(m), "finish_request") => Ok(request_out(
                m.finish_request(Given::read(&a)?.request(), &a.bytes("signature")?)?,
            )),
            (Inner::WorldCardMerchant(m), "open_response") => opened(m, &a, now()?),
            (Inner::WorldCardMerchant(m), "decrypt_field") => {
                Ok(Out::Str(m.decrypt_field(&a.str("value")?)?))
            }
            (Inner::WorldCardMerchant(m), "encrypt_field") => {
                Ok(Out::Str(m.encrypt_field(&a.str("value")?, &mut rng()?)?))
            }
            (Inner::WorldCardMerchant(m), "check_webhook" | "verify_webhook") => {
                let ev = self.webhook(m, &a, now()?, method.name == "verify_webhook", &mut over)?;
                let data = tagged_data(&ev.event, &ev.raw);
                Ok(event_out(ev, data))
            }
            (Inner::WorldCardPlatform(p, _), "verify_request") => Ok(Out::Json(
                self.verify_request(p, &a, now()?, &mut over)?.json,
            )),
            (Inner::WorldCardPlatform(p, app_id), "seal_response") => {
                let data = a.opt_payload("payload")?;
                let payload = data.as_deref().map(Payload::Bytes);
                Ok(response_out(p.seal_response(
                    app_id,
                    payload,
                    &mut rng()?,
                )?))
            }
            (Inner::WorldCardPlatform(p, app_id), "sign_webhook" | "prepare_webhook") => {
                let nonce = match a.opt_str("nonce")? {
                    Some(n) => n,
                    None => random_hex(host, 16)?,
                };
                let data = a.payload("data")?;
                let kind = a.str("event_type")?;
                let hook = Notification {
                    id: Some(&nonce),
                    timestamp_ms: a.opt_uint("timestamp_ms")?,
                    app_id: Some(app_id),
                    ..Notification::new(&kind, data.as_slice())
                };
                let mut r = rng()?;
                if method.name == "prepare_webhook" {
                    let prepared = p.prepare_webhook(&hook, now()?, &mut r)?;
                    return Ok(prepared_out("prepared_webhook", prepared, webhook_out));
                }
                Ok(webhook_out(p.sign_webhook(&hook, now()?, &mut r)?))
            }
            (Inner::WorldCardPlatform(p, _), "finish_webhook") => Ok(webhook_out(
                p.finish_webhook(Given::read(&a)?.webhook(), &a.bytes("signature")?)?,
            )),
            // ----------------------------------------------------- legacy
            (Inner::WorldCardLegacy(c), "build_request") => {
                let path = a.str("path")?;
                let payload = a.opt_payload("payload")?;
                let nonce = match a.opt_str("nonce")? {
                    Some(n) => n,
                    None => random_hex(host, 8)?,
                };
                let req = Request {
                    payload: payload.as_deref().map(Payload::Bytes),
                    validate: a.opt_bool("validate")?,
                    nonce: Some(&nonce),
                    timestamp: a.opt_uint("timestamp_ms")?,
                    ..Request::new(&path)
                };
                Ok(request_out(c.build_request(&req, now()?, &mut rng()?)?))
            }
            (Inner::WorldCardLegacy(c), "open_response") => opened(c, &a, now()?),
            (Inner::WorldCardLegacy(c), "decrypt_field") => {
                Ok(Out::Str(c.decrypt_field(&a.str("value")?)?))
            }
            (Inner::WorldCardLegacy(c), "encrypt_field") => {
                Ok(Out::Str(c.encrypt_field(&a.str("value")?)?))
            }
            (Inner::WorldCardLegacy(c), "check_webhook" | "verify_webhook") => {
                let ev = self.webhook(c, &a, now()?, method.name == "verify_webhook", &mut over)?;
                let data = tagged_data(&ev.event, &ev.raw);
                Ok(event_out(ev, data))
            }
            (Inner::WorldCardLegacyPlatform(p), "verify_request") => Ok(Out::Json(Value::Object(
                self.verify_request(p, &a, now()?, &mut over)?,
            ))),
            (Inner::WorldCardLegacyPlatform(p), "seal_response") => {
                let data = a
                    .opt_payload("payload")?
                    .unwrap_or_else(|| b"null".to_vec());
                Ok(response_out(p.seal_response(data.as_slice())?))
            }
            (Inner::WorldCardLegacyPlatform(p), "sign_webhook") => {
                let data = a.payload("data")?;
                let hook = Notification::new("", data.as_slice());
                Ok(webhook_out(p.sign_webhook(&hook, now()?, &mut rng()?)?))
            }
            // ----------------------------------------------------- Wasabi
            (Inner::WasabiMerchant(m), "build_request") => {
                let path = a.str("path")?;
                let payload = a.opt_payload("payload")?;
                let req = Request {
                    payload: payload.as_deref().map(Payload::Bytes),
                    validate: a.opt_bool("validate")?,
                    ..Request::new(&path)
                };
                Ok(request_out(m.build_request(&req, now()?, &mut rng()?)?))
            }
            (Inner::WasabiMerchant(m), "upload_file") => Ok(request_out(m.upload_file(
                &a.str("filename")?,
                &a.str("content_type")?,
                &a.bytes("bytes")?,
                &a.str("category")?,
                &mut call_rng(host, None)?,
            )?)),
            (Inner::WasabiMerchant(m), "prepare_request") => {
                let path = a.str("path")?;
                let payload = a.opt_payload("payload")?;
                let req = Request {
                    payload: payload.as_deref().map(Payload::Bytes),
                    validate: a.opt_bool("validate")?,
                    ..Request::new(&path)
                };
                let prepared = m.prepare_request(&req, now()?, &mut call_rng(host, None)?)?;
                Ok(prepared_out("prepared_request", prepared, request_out))
            }
            (Inner::WasabiMerchant(m), "prepare_upload") => {
                let prepared = m.prepare_upload(
                    &a.str("filename")?,
                    &a.str("content_type")?,
                    &a.bytes("bytes")?,
                    &a.str("category")?,
                    &mut call_rng(host, None)?,
                )?;
                Ok(prepared_out("prepared_request", prepared, request_out))
            }
            (Inner::WasabiMerchant(m), "finish_request") => Ok(request_out(
                m.finish_request(Given::read(&a)?.request(), &a.bytes("signature")?)?,
            )),
            (Inner::WasabiMerchant(m), "prepare_decrypt") => {
                Ok(prepared_decrypt_out(&m.prepare_decrypt(&a.str("value")?)?))
            }
            (Inner::WasabiMerchant(m), "finish_decrypt") => {
                let given = a.get("prepared").ok_or_else(|| {
                    Error::invalid_input("prepared is required: pass what prepare_decrypt returned")
                })?;
                let blocks = byte_list(given.get("blocks"), "prepared.blocks")?;
                let plain = byte_list(a.get("plaintexts"), "plaintexts")?;
                Ok(Out::Str(m.finish_decrypt(&blocks, &plain)?))
            }
            (Inner::WasabiMerchant(m), "open_response") => opened(m, &a, now()?),
            (Inner::WasabiMerchant(m), "decrypt_field") => Ok(Out::Str(
                m.decrypt_field(&a.str("value")?, &mut call_rng(host, None)?)?,
            )),
            (Inner::WasabiMerchant(m), "open_sensitive") => Ok(Out::Json(
                m.open_sensitive(&a.json("data")?, &mut call_rng(host, None)?)?,
            )),
            (Inner::WasabiMerchant(m), "check_webhook" | "verify_webhook") => {
                let ev = self.webhook(m, &a, now()?, method.name == "verify_webhook", &mut over)?;
                let data = ev.event.data.clone();
                Ok(event_out(ev, data))
            }
            (Inner::WasabiPlatform(p), "verify_request") => {
                Ok(Out::Json(self.verify_request(p, &a, now()?, &mut over)?))
            }
            (Inner::WasabiPlatform(p), "seal_response") => {
                let data = a
                    .opt_payload("payload")?
                    .unwrap_or_else(|| b"null".to_vec());
                Ok(response_out(p.seal_response(
                    data.as_slice(),
                    &mut call_rng(host, None)?,
                )?))
            }
            (Inner::WasabiPlatform(p), "seal_error") => {
                let code = i64::try_from(a.uint("code")?).unwrap_or(i64::MAX);
                Ok(response_out(p.seal_error(
                    code,
                    &a.str("message")?,
                    &mut call_rng(host, None)?,
                )?))
            }
            (Inner::WasabiPlatform(p), "sign_webhook") => {
                let rid = match a.opt_str("request_id")? {
                    Some(r) => r,
                    None => random_hex(host, 16)?,
                };
                let (kind, data) = (a.str("event_type")?, a.payload("data")?);
                let hook = Notification::new(&kind, data.as_slice()).id(&rid);
                Ok(webhook_out(p.sign_webhook(
                    &hook,
                    now()?,
                    &mut call_rng(host, None)?,
                )?))
            }
            (Inner::WasabiPlatform(p), "prepare_response") => {
                let data = a
                    .opt_payload("payload")?
                    .unwrap_or_else(|| b"null".to_vec());
                Ok(prepared_out(
                    "prepared_response",
                    p.prepare_response(data.as_slice())?,
                    response_out,
                ))
            }
            (Inner::WasabiPlatform(p), "prepare_error") => {
                let code = i64::try_from(a.uint("code")?).unwrap_or(i64::MAX);
                Ok(prepared_out(
                    "prepared_response",
                    p.prepare_error(code, &a.str("message")?)?,
                    response_out,
                ))
            }
            (Inner::WasabiPlatform(p), "finish_response") => Ok(response_out(
                p.finish_response(Given::read(&a)?.response(), &a.bytes("signature")?)?,
            )),
            (Inner::WasabiPlatform(p), "prepare_webhook") => {
                let rid = match a.opt_str("request_id")? {
                    Some(r) => r,
                    None => random_hex(host, 16)?,
                };
                let (kind, data) = (a.str("event_type")?, a.payload("data")?);
                let hook = Notification::new(&kind, data.as_slice()).id(&rid);
                let prepared = p.prepare_webhook(&hook, now()?, &mut call_rng(host, None)?)?;
                Ok(prepared_out("prepared_webhook", prepared, webhook_out))
            }
            (Inner::WasabiPlatform(p), "finish_webhook") => Ok(webhook_out(
                p.finish_webhook(Given::read(&a)?.webhook(), &a.bytes("signature")?)?,
            )),
            (Inner::WasabiPlatform(p), "encrypt_field") => {
                let pad = a.opt_choice("padding", &["pkcs1v15", "oaep-sha1", "oaep-sha256"])?;
                Ok(Out::Str(p.encrypt_field(
                    &a.str("value")?,
                    padding(pad.as_deref()),
                    &mut call_rng(host, None)?,
                )?))
            }
            (Inner::WasabiGateway(g), "build_request") => {
                let path = a.str("path")?;
                let payload = a.opt_payload("payload")?;
                let method_name = a.opt_choice("method", &["GET", "POST", "get", "post"])?;
                let req = Request {
                    payload: payload.as_deref().map(Payload::Bytes),
                    method: method_name.as_deref(),
                    validate: a.opt_bool("validate")?,
                    ..Request::new(&path)
                };
                Ok(request_out(g.build_request(&req, now()?, &mut rng()?)?))
            }
            (Inner::WasabiGateway(g), "upload_file") => Ok(request_out(g.upload_file(
                &a.str("filename")?,
                &a.str("content_type")?,
                &a.bytes("bytes")?,
                &mut rng()?,
            )?)),
            (Inner::WasabiGateway(g), "open_response") => opened(g, &a, now()?),
            (Inner::WasabiGateway(g), "retry_decision") => {
                let err = super::error_from_input(a.get("error").unwrap_or(&Input::Null));
                let attempts = u32::try_from(a.uint("attempts")?).unwrap_or(u32::MAX);
                let d = g.retry_policy().decide(&a.str("path")?, &err, attempts);
                Ok(Out::Record(
                    "retry_decision",
                    vec![
                        ("retry", Out::Bool(d.retry)),
                        ("delay_ms", Out::uint(d.delay_ms)),
                        ("reason", Out::Str(d.reason)),
                    ],
                ))
            }
            (Inner::WasabiGateway(g), "webhook_events_request") => {
                let q = a.json("query")?;
                let s = |k: &str| q.get(k).and_then(Value::as_str);
                let n = |k: &str| -> Result<Option<u32>> {
                    match q.get(k) {
                        None | Some(Value::Null) => Ok(None),
                        Some(v) => v
                            .as_u64()
                            .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
                            .and_then(|x| u32::try_from(x).ok())
                            .map(Some)
                            .ok_or_else(|| {
                                Error::invalid_input(format!("{k} must be a whole number"))
                            }),
                    }
                };
                let query = wasabi::gateway::WebhookEventsQuery {
                    category: s("category"),
                    reference_id: s("reference_id"),
                    merchant_order_no: s("merchant_order_no"),
                    status: s("status"),
                    from: s("from"),
                    to: s("to"),
                    per_page: n("per_page")?,
                    page: n("page")?,
                };
                Ok(request_out(g.webhook_events_request(&query)?))
            }
            // --------------------------------------------------- PinToPay
            (Inner::PinToPayMerchant(m), "build_request") => {
                let path = a.str("path")?;
                let payload = a.request_payload(crate::registry::Provider::PinToPay)?;
                let key = a.opt_str("idempotency_key")?;
                let req = Request {
                    payload: payload.as_deref().map(Payload::Bytes),
                    validate: a.opt_bool("validate")?,
                    idempotency_key: key.as_deref(),
                    timestamp: a.opt_uint("timestamp_us")?,
                    ..Request::new(&path)
                };
                Ok(request_out(m.build_request(&req, now()?, &mut rng()?)?))
            }
            (Inner::PinToPayMerchant(m), "open_response") => opened(m, &a, now()?),
            (Inner::PinToPayMerchant(m), "check_webhook" | "verify_webhook") => {
                let ev = self.webhook(m, &a, now()?, method.name == "verify_webhook", &mut over)?;
                let data = ev.event.clone();
                Ok(event_out(ev, data))
            }
            (Inner::PinToPayPlatform(p), "verify_request") => Ok(Out::Json(
                self.verify_request(p, &a, now()?, &mut over)?.payload,
            )),
            (Inner::PinToPayPlatform(p), "seal_response") => {
                let data = a.opt_payload("payload")?.unwrap_or_else(|| b"{}".to_vec());
                Ok(response_out(p.seal_response(data.as_slice(), &mut rng()?)?))
            }
            (Inner::PinToPayPlatform(p), "seal_error") => Ok(response_out(p.seal_error(
                a.status("status")?,
                &a.str("slug")?,
                &a.str("message")?,
                &mut rng()?,
            ))),
            (Inner::PinToPayPlatform(p), "sign_webhook") => {
                let (kind, data) = (a.str("event_type")?, a.payload("data")?);
                let hook = Notification::new(&kind, data.as_slice());
                Ok(webhook_out(p.sign_webhook(&hook, now()?, &mut rng()?)?))
            }
            (Inner::PinToPayPlatform(p), "rejection") => {
                let err = super::error_from_input(a.get("error").unwrap_or(&Input::Null));
                Ok(response_out(p.rejection(&err, &mut rng()?)))
            }
            // ------------------------------------------------------ PayCA
            (Inner::PayCaClient(c), "build_request") => {
                let path = a.str("path")?;
                let payload = a.request_payload(crate::registry::Provider::PayCa)?;
                let path_params = a.pairs("path_params")?;
                let query = a.pairs("query")?;
                let pp: Vec<(&str, &str)> = path_params
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let q: Vec<(&str, &str)> = query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let method_name = a.opt_str("method")?;
                let key = a.opt_str("idempotency_key")?;
                let rid = a.opt_str("request_id")?;
                let req = Request {
                    method: method_name.as_deref(),
                    path: &path,
                    path_params: &pp,
                    query: &q,
                    payload: payload.as_deref().map(Payload::Bytes),
                    idempotency_key: key.as_deref(),
                    request_id: rid.as_deref(),
                    validate: a.opt_bool("validate")?,
                    ..Request::default()
                };
                Ok(request_out(c.build_request(&req, now()?, &mut rng()?)?))
            }
            (Inner::PayCaClient(c), "upload_cardholder_file") => {
                let (name, ct, bytes) = (
                    a.str("filename")?,
                    a.str("content_type")?,
                    a.bytes("bytes")?,
                );
                let file = payca::FileUpload {
                    filename: &name,
                    content_type: &ct,
                    bytes: &bytes,
                };
                let key = a.opt_str("idempotency_key")?;
                Ok(request_out(c.upload_cardholder_file(
                    file,
                    key.as_deref(),
                    &mut rng()?,
                )?))
            }
            (Inner::PayCaClient(c), "upload_kyc_document") => {
                let (name, ct, bytes) = (
                    a.str("filename")?,
                    a.str("content_type")?,
                    a.bytes("bytes")?,
                );
                let file = payca::FileUpload {
                    filename: &name,
                    content_type: &ct,
                    bytes: &bytes,
                };
                let key = a.opt_str("idempotency_key")?;
                Ok(request_out(c.upload_kyc_document(
                    &a.str("user_id")?,
                    file,
                    &a.str("document_type")?,
                    key.as_deref(),
                    &mut rng()?,
                )?))
            }
            (Inner::PayCaClient(c), "open_response") => opened(c, &a, now()?),
            (Inner::PayCaClient(c), "check_webhook" | "verify_webhook") => {
                let mut ev =
                    self.webhook(c, &a, now()?, method.name == "verify_webhook", &mut over)?;
                let data = match &mut ev.event {
                    payca::Event::CardTransaction(d) | payca::Event::AccountTransaction(d) => {
                        std::mem::take(d)
                    }
                    _ => tagged_data(&ev.event, &ev.raw),
                };
                Ok(event_out(ev, data))
            }
            #[cfg(feature = "reveal")]
            (Inner::CardReveal(k), "request") => {
                let r = k.lock().unwrap_or_else(|e| e.into_inner()).request();
                Ok(Out::Record(
                    "reveal_request",
                    vec![
                        ("public_key", Out::Str(r.public_key)),
                        ("request_id", Out::Str(r.request_id)),
                        ("card_id", Out::Str(r.card_id)),
                        ("expires_at_ms", Out::uint(r.expires_at_ms)),
                    ],
                ))
            }
            #[cfg(feature = "reveal")]
            (Inner::CardReveal(k), "open") => {
                let now = now()?;
                let sealed = a.str("sealed")?;
                let fields = k
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .open(&sealed, now)?;
                Ok(Out::Json(Value::Object(fields)))
            }
            (Inner::PayCaPlatform(p), "verify_request") => {
                Ok(Out::Json(self.verify_request(p, &a, now()?, &mut over)?))
            }
            (Inner::PayCaPlatform(p), "sign_webhook") => {
                let event_type = a.str("event_type")?;
                let data = a.payload("data")?;
                let rid = a.opt_str("request_id")?;
                let key = a.opt_str("idempotency_key")?;
                let hook = Notification {
                    id: rid.as_deref(),
                    idempotency_key: key.as_deref(),
                    ..Notification::new(&event_type, data.as_slice())
                };
                Ok(webhook_out(p.sign_webhook(&hook, now()?, &mut rng()?)?))
            }
            _ => Err(unknown_method(self.class, name)),
        }
    }
}

fn unknown_method(class: &Class, name: &str) -> Error {
    Error::invalid_input(format!(
        "{} has no method {name}; it has: {}",
        class.name,
        class
            .methods
            .iter()
            .map(|m| m.name)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Calls the static method `name` of `class`.
pub fn call_static(
    class: &str,
    name: &str,
    args: &[Input],
    options: Option<&Input>,
    _host: &dyn Host,
) -> Result<Out> {
    let spec = vocab::class(class)
        .ok_or_else(|| Error::invalid_input(format!("unknown class {class}")))?;
    let method = spec
        .method(name)
        .filter(|m| m.is_static)
        .ok_or_else(|| unknown_method(spec, name))?;
    let a = Args::method(method, args, options)?;
    match (spec.name, method.name) {
        ("WorldCardMerchant", "webhook_ack") => {
            Ok(response_out(worldcard::Merchant::webhook_ack()))
        }
        ("WorldCardLegacy", "webhook_ack") => {
            Ok(response_out(worldcard_legacy::Client::webhook_ack()))
        }
        ("WasabiMerchant", "webhook_ack") => Ok(response_out(wasabi::Merchant::webhook_ack())),
        ("PinToPayMerchant", "webhook_ack") => Ok(response_out(pintopay::Merchant::webhook_ack())),
        ("PayCaClient", "webhook_ack") => Ok(response_out(payca::Client::webhook_ack())),
        ("WorldCardPlatform", "seal_error") => Ok(response_out(worldcard::Platform::seal_error(
            i64::try_from(a.uint("code")?).unwrap_or(i64::MAX),
            &a.str("message")?,
        ))),
        ("WorldCardLegacyPlatform", "seal_error") => {
            Ok(response_out(worldcard_legacy::Platform::seal_error(
                i64::try_from(a.uint("code")?).unwrap_or(i64::MAX),
                &a.str("message")?,
            )))
        }
        ("PayCaPlatform", "seal_error") => Ok(response_out(payca::Platform::seal_error(
            a.status("status")?,
            &a.str("code")?,
            &a.str("message")?,
            &a.str("request_id")?,
        ))),
        ("WorldCardPlatform", "rejection") => Ok(response_out(worldcard::Platform::rejection(
            &super::error_from_input(a.get("error").unwrap_or(&Input::Null)),
        ))),
        ("WorldCardLegacyPlatform", "rejection") => {
            Ok(response_out(worldcard_legacy::Platform::rejection(
                &super::error_from_input(a.get("error").unwrap_or(&Input::Null)),
            )))
        }
        ("PayCaPlatform", "rejection") => Ok(response_out(payca::Platform::rejection(
            &super::error_from_input(a.get("error").unwrap_or(&Input::Null)),
            &a.str("request_id")?,
        ))),
        ("WorldCardPlatform", "is_acknowledged") => Ok(Out::Bool(
            worldcard::Platform::is_acknowledged(a.status("status")?, &a.body("body")?),
        )),
        ("WorldCardLegacyPlatform", "is_acknowledged") => Ok(Out::Bool(
            worldcard_legacy::Platform::is_acknowledged(a.status("status")?, &a.body("body")?),
        )),
        ("WasabiPlatform", "is_acknowledged") => Ok(Out::Bool(wasabi::Platform::is_acknowledged(
            a.status("status")?,
            &a.body("body")?,
        ))),
        ("PayCaPlatform", "is_acknowledged") => Ok(Out::Bool(payca::Platform::is_acknowledged(
            a.status("status")?,
        ))),
        ("WasabiGateway", "parse_webhook_events") => {
            let page = wasabi::Gateway::parse_webhook_events(&a.json("data")?)?;
            Ok(Out::Json(serde_json::to_value(page).map_err(|_| {
                Error::invalid_input("page cannot be encoded")
            })?))
        }
        _ => Err(unknown_method(spec, name)),
    }
}

/// Calls the free function `name`.
pub fn call_function(
    name: &str,
    args: &[Input],
    options: Option<&Input>,
    host: &dyn Host,
) -> Result<Out> {
    let method = vocab::FUNCTIONS
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| Error::invalid_input(format!("unknown function {name}")))?;
    let a = Args::method(method, args, options)?;
    match method.name {
        "validate" => {
            let provider = a.str("provider")?;
            let payload = a.json("payload")?;
            let today = match a.opt_str("today")? {
                Some(t) => t,
                None => crate::validate::date_from_unix_seconds(host.now_ms() / 1000),
            };
            let card_type = a.opt_json("card_type")?;
            let ctx = crate::validate::Context {
                today: Some(&today),
                card_type: card_type.as_ref(),
            };
            let r = crate::registry::validate(&provider, &a.str("endpoint")?, &payload, &ctx)?;
            Ok(Out::Record(
                "report",
                vec![
                    ("covered", Out::Bool(r.covered)),
                    ("checked", Out::uint(r.checked as u64)),
                    ("skipped", str_list(r.skipped)),
                ],
            ))
        }
        "error_codes" => Ok(str_list(crate::CODES.iter().map(|c| (*c).to_owned()))),
        #[cfg(not(feature = "reveal"))]
        "seal_card_for_browser" => Err(no_reveal()),
        #[cfg(feature = "reveal")]
        "seal_card_for_browser" => {
            let given = a.json("fields")?;
            let fields = match a.opt_str("provider")? {
                Some(p) => crate::reveal::card_fields(&p, &given)?,
                None => match given {
                    Value::Object(m) => m,
                    _ => {
                        return Err(Error::invalid_input(
                            "fields must be an object of card fields ({pan, cvv, ...}), or the provider's opened data with provider",
                        ))
                    }
                },
            };
            let now = a.opt_uint("now_ms")?.unwrap_or_else(|| host.now_ms());
            let mut rng = call_rng(host, a.opt_bytes("random")?)?;
            Ok(Out::Str(crate::reveal::seal_card_for_browser(
                &fields,
                &a.str("browser_public_key")?,
                &a.str("card_id")?,
                &a.str("request_id")?,
                a.uint("expires_at_ms")?,
                now,
                &mut rng,
            )?))
        }
        "status_model" => {
            let name = a.str("name")?;
            let model = status_model(&name).ok_or_else(|| {
                Error::invalid_input(format!(
                    "unknown status model {name}; expected one of: {}",
                    vocab::STATUS_MODELS.join(", ")
                ))
            })?;
            Ok(Out::Record(
                "status_model",
                vec![
                    ("name", Out::Str(name)),
                    (
                        "states",
                        str_list(model.states.iter().map(|(s, _)| (*s).to_owned())),
                    ),
                    (
                        "final_states",
                        str_list(
                            model
                                .states
                                .iter()
                                .filter(|(_, f)| *f)
                                .map(|(s, _)| (*s).to_owned()),
                        ),
                    ),
                    (
                        "transitions",
                        Out::Json(Value::Array(
                            model
                                .transitions
                                .iter()
                                .map(|(f, t)| serde_json::json!([f, t]))
                                .collect(),
                        )),
                    ),
                ],
            ))
        }
        _ => Err(Error::invalid_input(format!("unknown function {name}"))),
    }
}

fn status_model(name: &str) -> Option<crate::status::StatusModel> {
    Some(match name {
        "wasabi.card" => wasabi::status::CARD,
        "wasabi.order" => wasabi::status::ORDER,
        "wasabi.authorization" => wasabi::status::AUTHORIZATION,
        "wasabi.cardholder" => wasabi::status::CARDHOLDER,
        "payca.cardholder" => payca::status::CARDHOLDER,
        "pintopay.order" => pintopay::status::ORDER,
        "pintopay.card" => pintopay::status::CARD,
        "pintopay.cardholder_registration" => pintopay::status::CARDHOLDER_REGISTRATION,
        "pintopay.cardholder_kyc" => pintopay::status::CARDHOLDER_KYC,
        _ => return None,
    })
}
