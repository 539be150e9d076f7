//! The classes of the vocabulary over the provider modules: construction from
//! options, method dispatch, result shapes. What every binding would
//! otherwise write again.

use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

mod payca_calls;
mod pintopay_calls;
#[cfg(feature = "reveal")]
mod reveal_calls;
mod wasabi_calls;
mod worldcard_calls;
mod worldcard_legacy_calls;

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
use crate::crypto::signer::{trusted, Prepared, PreparedDecrypt};
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
    WorldCardLegacy(worldcard_legacy::Merchant),
    WorldCardLegacyPlatform(worldcard_legacy::Platform),
    WasabiMerchant(wasabi::Merchant),
    WasabiPlatform(wasabi::Platform),
    WasabiGateway(wasabi::Gateway),
    PinToPayMerchant(pintopay::Merchant),
    PinToPayPlatform(pintopay::Platform),
    PayCaClient(payca::Merchant),
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
        )?
        .into_owned();
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

/// A verified event. `body` is the signed body where the provider's raw
/// payload is that body parsed (PayCA, Wasabi): for a host that parses JSON
/// text itself, and a body every parser reads alike, `raw` is that text and
/// `data` the part of it that it equals (one object for the host).
fn event_out<E>(ev: WebhookEvent<E>, data: Value, body: Option<&[u8]>, host: &dyn Host) -> Out {
    let text = body
        .filter(|_| host.parses_json_text())
        .and_then(crate::exact_json::portable_text);
    let (raw, data) = match text {
        Some(text) => {
            let data = if data == ev.raw {
                Out::InRaw(None)
            } else if data.is_object() && ev.raw.get("data") == Some(&data) {
                Out::InRaw(Some("data"))
            } else {
                Out::Json(data)
            };
            (Out::JsonText(text.to_owned()), data)
        }
        None => (Out::Json(ev.raw), Out::Json(data)),
    };
    Out::Record(
        "event",
        vec![
            ("type", Out::Str(ev.event_type)),
            ("data", data),
            ("raw", raw),
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
                Inner::WorldCardMerchant(worldcard::Merchant::new(keys)?.with_config(config))
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
                    worldcard::Platform::new(
                        vec![record],
                        opt_private("platform_private_key_pem")?,
                    )?
                    .with_config(config),
                    app_id,
                )
            }
            "WorldCardLegacy" => {
                let mut c =
                    worldcard_legacy::Merchant::new(&a.str("app_key")?, &a.str("app_secret")?)?
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
                Inner::WasabiMerchant(wasabi::Merchant::new(keys)?.with_config(config))
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
                payca::Merchant::new(&a.str("client_id")?, &a.str("client_secret")?)?
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

    /// Which positional arguments of `method` are received headers (where a
    /// binding may take the glue's one-string form, [`flat_headers`]): bit
    /// `i` for argument `i`. No allocation: bindings ask on every call.
    ///
    /// [`flat_headers`]: crate::api::value::flat_headers
    pub fn header_positions(&self, method: &str) -> u64 {
        self.class.method(method).map_or(0, |m| {
            m.args
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, p)| p.ty == crate::api::vocab::Ty::Headers)
                .fold(0, |bits, (i, _)| bits | (1 << i))
        })
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
            None => std::borrow::Cow::Borrowed(&[][..]),
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
        let mut cx = Call {
            inst: self,
            method,
            a: &a,
            host,
            over: &mut over,
        };
        match &self.inner {
            Inner::WorldCardMerchant(x) => worldcard_calls::merchant(x, &mut cx),
            Inner::WorldCardPlatform(x, y) => worldcard_calls::platform(x, y, &mut cx),
            Inner::WorldCardLegacy(x) => worldcard_legacy_calls::client(x, &mut cx),
            Inner::WorldCardLegacyPlatform(x) => worldcard_legacy_calls::platform(x, &mut cx),
            Inner::WasabiMerchant(x) => wasabi_calls::merchant(x, &mut cx),
            Inner::WasabiPlatform(x) => wasabi_calls::platform(x, &mut cx),
            Inner::WasabiGateway(x) => wasabi_calls::gateway(x, &mut cx),
            Inner::PinToPayMerchant(x) => pintopay_calls::merchant(x, &mut cx),
            Inner::PinToPayPlatform(x) => pintopay_calls::platform(x, &mut cx),
            Inner::PayCaClient(x) => payca_calls::client(x, &mut cx),
            #[cfg(feature = "reveal")]
            Inner::CardReveal(x) => reveal_calls::key(x, &mut cx),
            Inner::PayCaPlatform(x) => payca_calls::platform(x, &mut cx),
        }
    }
}

/// One method call: the instance, the method, its arguments, the host and
/// the call's store.
pub(super) struct Call<'c, 's> {
    inst: &'c Instance,
    method: &'static vocab::Method,
    a: &'c Args<'c>,
    host: &'c dyn Host,
    over: &'c mut Option<&'s mut dyn ReplayGuard>,
}

impl Call<'_, '_> {
    /// The clock: the `now_ms` option, else the host's.
    fn now(&self) -> Result<u64> {
        Ok(self
            .a
            .opt_uint("now_ms")?
            .unwrap_or_else(|| self.host.now_ms()))
    }

    /// This call's RNG: seeded by the `random` option, else the host's CSPRNG.
    fn rng(&self) -> Result<crate::crypto::seeded_rng::SeededRng> {
        call_rng(self.host, self.a.opt_bytes("random")?)
    }

    fn unknown(&self) -> Error {
        unknown_method(self.inst.class, self.method.name)
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

/// `check: false` on a `finish_…` call: the signature comes from a signer
/// made from this instance's own key (the JavaScript glue's WebCrypto path).
pub(crate) fn unchecked(a: &Args<'_>) -> Result<bool> {
    Ok(a.opt_bool("check")? == Some(false))
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
            Ok(response_out(worldcard_legacy::Merchant::webhook_ack()))
        }
        ("WasabiMerchant", "webhook_ack") => Ok(response_out(wasabi::Merchant::webhook_ack())),
        ("PinToPayMerchant", "webhook_ack") => Ok(response_out(pintopay::Merchant::webhook_ack())),
        ("PayCaClient", "webhook_ack") => Ok(response_out(payca::Merchant::webhook_ack())),
        (
            "WorldCardMerchant" | "WorldCardLegacy" | "WasabiMerchant" | "PinToPayMerchant"
            | "PayCaClient",
            "webhook_refusal",
        ) => Ok(response_out(crate::contract::webhook_refusal(
            &super::error_from_input(a.get("error").unwrap_or(&Input::Null)),
        ))),
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
        #[cfg(not(feature = "reveal"))]
        "answer_reveal" => Err(no_reveal()),
        #[cfg(feature = "reveal")]
        "answer_reveal" => {
            let req = a.json("request")?;
            let text = |k: &str| -> Result<String> {
                req.get(k)
                    .or_else(|| req.get(vocab::camel(k).as_str()))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        Error::invalid_input(format!(
                            "request.{k} is missing: pass the page's reveal request as it sent it"
                        ))
                    })
            };
            let expires = req
                .get("expires_at_ms")
                .or_else(|| req.get("expiresAtMs"))
                .and_then(Value::as_u64)
                .ok_or_else(|| Error::invalid_input("request.expires_at_ms is missing: pass the page's reveal request as it sent it"))?;
            let request = crate::reveal::RevealRequest::new(
                &text("public_key")?,
                &text("request_id")?,
                &text("card_id")?,
                expires,
            );
            let now = a.opt_uint("now_ms")?.unwrap_or_else(|| host.now_ms());
            let mut rng = call_rng(host, a.opt_bytes("random")?)?;
            let provider = a.opt_str("provider")?;
            let answer = crate::reveal::answer_reveal(
                &request,
                provider.as_deref(),
                &a.json("data")?,
                a.opt_uint("ttl_ms")?.unwrap_or(60_000),
                now,
                &mut rng,
            )?;
            Ok(Out::Record(
                "reveal_answer",
                vec![
                    ("sealed", Out::Str(answer.sealed)),
                    (
                        "audit",
                        Out::Json(serde_json::to_value(&answer.audit).unwrap_or_default()),
                    ),
                ],
            ))
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
