//! JavaScript ⇄ core conversions and error mapping. No rules live here.

use cardwire::{
    ApiError, Error, Headers, OutgoingRequest, OutgoingResponse, Payload, SignedWebhook,
};
use js_sys::{Array, Object, Reflect, Uint8Array};
use rand_core::{CryptoRng, RngCore, SeedableRng};
use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static ERROR_CLASS: std::cell::RefCell<Option<js_sys::Function>> = const { std::cell::RefCell::new(None) };
}

/// Called once by the package entry with its `CardwireError` class, so every
/// error thrown from here is a real instance of it.
#[wasm_bindgen(js_name = registerErrorClass)]
pub fn register_error_class(class: js_sys::Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

fn make_error(code: &str, message: &str, extra: JsValue) -> JsValue {
    let registered = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = registered {
        let args = Array::of3(
            &JsValue::from_str(code),
            &JsValue::from_str(message),
            &extra,
        );
        if let Ok(e) = Reflect::construct(&class, &args) {
            return e;
        }
    }
    // Without the entry (the raw wasm-bindgen module): a plain Error with the same fields.
    let e = js_sys::Error::new(message);
    e.set_name("CardwireError");
    let _ = Reflect::set(&e, &JsValue::from_str("code"), &JsValue::from_str(code));
    if extra.is_object() {
        let target: &Object = e.unchecked_ref();
        let source: &Object = extra.unchecked_ref();
        let _ = Object::assign(target, source);
    }
    e.into()
}

/// A core error as a `CardwireError` with `.code` (and `.errors`,
/// `.providerCode`, `.status`, `.retryable`, ... where they apply).
pub(crate) fn err(e: Error) -> JsValue {
    let mut extra = Map::new();
    match &e {
        Error::ValidationFailed { errors } => {
            extra.insert(
                "errors".into(),
                serde_json::to_value(errors).unwrap_or(Value::Null),
            );
        }
        Error::Api(api) => {
            extra.insert(
                "providerCode".into(),
                Value::from(api.provider_code.clone()),
            );
            extra.insert("providerMessage".into(), Value::from(api.message.clone()));
            extra.insert("status".into(), api.status.map_or(Value::Null, Value::from));
            extra.insert("retryable".into(), Value::from(api.retryable));
            extra.insert("outcomeUnknown".into(), Value::from(api.outcome_unknown));
            extra.insert(
                "retryAfterMs".into(),
                api.retry_after_ms.map_or(Value::Null, Value::from),
            );
            extra.insert("authenticated".into(), Value::from(api.authenticated));
            extra.insert(
                "requestId".into(),
                api.request_id.clone().map_or(Value::Null, Value::from),
            );
            if let Some(f) = &api.field_errors {
                extra.insert(
                    "errors".into(),
                    serde_json::to_value(f).unwrap_or(Value::Null),
                );
            }
        }
        _ => {}
    }
    let extra = to_js(&Value::Object(extra)).unwrap_or(JsValue::UNDEFINED);
    make_error(e.code(), &e.to_string(), extra)
}

pub(crate) fn invalid(reason: &str) -> JsValue {
    err(Error::InvalidInput {
        reason: reason.to_owned(),
    })
}

pub(crate) fn ser_err<E: std::fmt::Display>(_: E) -> JsValue {
    invalid("value cannot be converted")
}

/// Rebuilds a core error from a thrown `CardwireError` (for helpers such as
/// `rejection` and `retryDecision` that take an error back).
pub(crate) fn error_from_js(v: &JsValue) -> Error {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let code = get("code").as_string().unwrap_or_default();
    let message = get("message").as_string().unwrap_or_default();
    match code.as_str() {
        "invalid_key" => Error::InvalidKey {
            reason: "from JavaScript",
        },
        "malformed_envelope" => Error::MalformedEnvelope { reason: message },
        "signature_invalid" => Error::SignatureInvalid,
        "decrypt_failed" => Error::DecryptFailed,
        "timestamp_out_of_window" => Error::TimestampOutOfWindow,
        "replay_detected" => Error::ReplayDetected,
        "unknown_merchant" => Error::UnknownMerchant,
        "idempotency_key_required" => Error::IdempotencyKeyRequired,
        "validation_failed" => Error::ValidationFailed {
            errors: serde_wasm_bindgen::from_value(get("errors")).unwrap_or_default(),
        },
        "api_error" => {
            let status = get("status")
                .as_f64()
                .and_then(|s| u16::try_from(s as i64).ok());
            let retry_after = get("retryAfterMs").as_f64().map(|s| s as u64);
            ApiError::new(
                get("providerCode").as_string().unwrap_or_default(),
                get("providerMessage").as_string().unwrap_or_default(),
            )
            .with_status(status)
            .with_retryable(get("retryable").as_bool().unwrap_or(false))
            .with_retry_after_ms(retry_after)
            .into()
        }
        _ => Error::InvalidInput { reason: message },
    }
}

pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(ser_err)
}

pub(crate) fn value_of(v: &JsValue) -> Result<Value, JsValue> {
    if let Some(s) = v.as_string() {
        return serde_json::from_str(&s).map_err(|_| invalid("text is not valid JSON"));
    }
    if v.is_instance_of::<Uint8Array>() {
        let bytes = Uint8Array::new(v).to_vec();
        return serde_json::from_slice(&bytes).map_err(|_| invalid("bytes are not valid JSON"));
    }
    if v.is_undefined() || v.is_null() {
        return Err(invalid("a JSON value is required"));
    }
    serde_wasm_bindgen::from_value(v.clone())
        .map_err(|_| invalid("value cannot be represented as JSON"))
}

/// A payload as JavaScript gave it: bytes and text pass through untouched.
#[derive(Debug)]
pub(crate) enum Owned {
    Bytes(Vec<u8>),
    Text(String),
    Json(Value),
}

impl Owned {
    pub(crate) fn as_payload(&self) -> Payload<'_> {
        match self {
            Owned::Bytes(b) => Payload::Bytes(b),
            Owned::Text(t) => Payload::Text(t),
            Owned::Json(v) => Payload::Json(v),
        }
    }
}

pub(crate) fn payload_of(v: &JsValue) -> Result<Owned, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(Owned::Text(s));
    }
    if v.is_instance_of::<Uint8Array>() {
        return Ok(Owned::Bytes(Uint8Array::new(v).to_vec()));
    }
    if v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Owned::Bytes(Uint8Array::new(v).to_vec()));
    }
    if v.is_object() {
        return Ok(Owned::Json(value_of(v)?));
    }
    Err(invalid(
        "payload must be an object, a JSON string or a Uint8Array",
    ))
}

pub(crate) fn bytes_of(v: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if v.is_instance_of::<Uint8Array>() || v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(v).to_vec());
    }
    Err(invalid(
        "body must be a string, a Uint8Array or an ArrayBuffer",
    ))
}

fn pair_of(entry: &JsValue) -> Result<(String, String), JsValue> {
    let a: &Array = entry
        .dyn_ref()
        .ok_or_else(|| invalid("header entries must be [name, value] pairs"))?;
    let name = a
        .get(0)
        .as_string()
        .ok_or_else(|| invalid("header names must be strings"))?;
    let value = a.get(1);
    let value = value
        .as_string()
        .or_else(|| value.as_f64().map(|f| f.to_string()))
        .ok_or_else(|| invalid("header values must be strings"))?;
    Ok((name, value))
}

/// Headers from a plain object, an array of pairs, or anything iterable of
/// pairs with `entries()` (fetch `Headers`, `Map`).
pub(crate) fn headers_of(v: &JsValue) -> Result<Headers, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Headers::new());
    }
    let mut h = Headers::new();
    if Array::is_array(v) {
        for e in Array::from(v).iter() {
            let (n, val) = pair_of(&e)?;
            h.push(n, val);
        }
        return Ok(h);
    }
    let entries = Reflect::get(v, &JsValue::from_str("entries")).unwrap_or(JsValue::UNDEFINED);
    if entries.is_function() {
        let f: &js_sys::Function = entries.unchecked_ref();
        let it = f
            .call0(v)
            .map_err(|_| invalid("headers.entries() failed"))?;
        let iter = js_sys::try_iter(&it)
            .map_err(|_| invalid("headers are not iterable"))?
            .ok_or_else(|| invalid("headers are not iterable"))?;
        for e in iter {
            let (n, val) = pair_of(&e.map_err(|_| invalid("headers iteration failed"))?)?;
            h.push(n, val);
        }
        return Ok(h);
    }
    if v.is_object() {
        for e in Object::entries(v.unchecked_ref()).iter() {
            let (n, val) = pair_of(&e)?;
            h.push(n, val);
        }
        return Ok(h);
    }
    Err(invalid(
        "headers must be an object, an array of pairs or a Headers",
    ))
}

fn headers_obj(pairs: &[(String, String)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(n, v)| (n.clone(), Value::from(v.clone())))
        .collect()
}

fn set(o: &Object, k: &str, v: &JsValue) -> Result<(), JsValue> {
    Reflect::set(o, &JsValue::from_str(k), v)
        .map(|_| ())
        .map_err(|_| invalid("cannot build result"))
}

/// `{ method, path, headers, body: Uint8Array, bodyText }`
pub(crate) fn request_out(r: &OutgoingRequest) -> Result<JsValue, JsValue> {
    let o = Object::new();
    set(&o, "method", &JsValue::from_str(&r.method))?;
    set(&o, "path", &JsValue::from_str(&r.path))?;
    set(&o, "headers", &to_js(&headers_obj(&r.headers))?)?;
    set(&o, "body", &Uint8Array::from(r.body.as_slice()).into())?;
    set(
        &o,
        "bodyText",
        &String::from_utf8(r.body.clone()).map_or(JsValue::NULL, |s| JsValue::from_str(&s)),
    )?;
    Ok(o.into())
}

/// `{ status, headers, body: string | Uint8Array }` (text when UTF-8)
pub(crate) fn response_out(r: &OutgoingResponse) -> Result<JsValue, JsValue> {
    let o = Object::new();
    set(&o, "status", &JsValue::from(r.status))?;
    set(&o, "headers", &to_js(&headers_obj(&r.headers))?)?;
    set(
        &o,
        "body",
        &String::from_utf8(r.body.clone()).map_or_else(
            |e| Uint8Array::from(e.as_bytes()).into(),
            |s| JsValue::from_str(&s),
        ),
    )?;
    Ok(o.into())
}

/// `{ headers, body: string }`
pub(crate) fn webhook_out(w: &SignedWebhook) -> Result<JsValue, JsValue> {
    let o = Object::new();
    set(&o, "headers", &to_js(&headers_obj(&w.headers))?)?;
    set(
        &o,
        "body",
        &String::from_utf8(w.body.clone()).map_or_else(
            |e| Uint8Array::from(e.as_bytes()).into(),
            |s| JsValue::from_str(&s),
        ),
    )?;
    Ok(o.into())
}

/// `{ type, data, raw, duplicate, deliveryKey, retentionMs, deliveryId, timestampMs, businessKey }`
pub(crate) fn event_out<E>(
    ev: &cardwire::WebhookEvent<E>,
    data: Value,
) -> Result<JsValue, JsValue> {
    let mut m = Map::new();
    m.insert("type".into(), Value::from(ev.event_type.clone()));
    m.insert("data".into(), data);
    m.insert("raw".into(), ev.raw.clone());
    m.insert("duplicate".into(), Value::from(ev.duplicate));
    m.insert("deliveryKey".into(), Value::from(ev.delivery.key.clone()));
    m.insert("retentionMs".into(), Value::from(ev.delivery.retention_ms));
    m.insert(
        "deliveryId".into(),
        ev.delivery_id.clone().map_or(Value::Null, Value::from),
    );
    m.insert(
        "timestampMs".into(),
        ev.timestamp_ms.map_or(Value::Null, Value::from),
    );
    m.insert(
        "businessKey".into(),
        ev.business_key.clone().map_or(Value::Null, Value::from),
    );
    to_js(&Value::Object(m))
}

/// The `data` of a serde-tagged event (`{type, data}`).
pub(crate) fn tagged_data<E: Serialize>(event: &E) -> Result<Value, JsValue> {
    let v = serde_json::to_value(event).map_err(ser_err)?;
    Ok(v.get("data").cloned().unwrap_or(Value::Null))
}

/// Delivery options shared by every merchant class: `retentionMs` (default
/// 48 h) and `webhookWindowMs` (a number, `"off"`, or absent: ± the retention).
pub(crate) fn delivery_of(o: &Opts<'_>) -> Result<cardwire::DeliveryConfig, JsValue> {
    let mut d = cardwire::DeliveryConfig::default();
    if let Some(ms) = o.opt_u64("retentionMs")? {
        d = d.with_retention_ms(ms);
    }
    let w = o.get("webhookWindowMs")?;
    if w.as_string().as_deref() == Some("off") {
        d = d.with_window(cardwire::WindowPolicy::Off);
    } else if let Some(ms) = o.opt_u64("webhookWindowMs")? {
        d = d.with_window(cardwire::WindowPolicy::Fixed(cardwire::Window {
            tolerance_ms: ms,
        }));
    }
    Ok(d)
}

/// Options objects: `undefined`/`null` is `{}`; wrong types are `invalid_input`.
#[derive(Debug)]
pub(crate) struct Opts<'a>(Option<&'a JsValue>);

impl<'a> Opts<'a> {
    pub(crate) fn new(v: &'a JsValue) -> Result<Self, JsValue> {
        if v.is_undefined() || v.is_null() {
            return Ok(Opts(None));
        }
        if !v.is_object() {
            return Err(invalid("options must be an object"));
        }
        Ok(Opts(Some(v)))
    }

    pub(crate) fn get(&self, k: &str) -> Result<JsValue, JsValue> {
        match self.0 {
            Some(o) => {
                Reflect::get(o, &JsValue::from_str(k)).map_err(|_| invalid("cannot read option"))
            }
            None => Ok(JsValue::UNDEFINED),
        }
    }

    pub(crate) fn opt_str(&self, k: &str) -> Result<Option<String>, JsValue> {
        let v = self.get(k)?;
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_string()
            .map(Some)
            .ok_or_else(|| invalid(&format!("{k} must be a string")))
    }

    pub(crate) fn req_str(&self, k: &str) -> Result<String, JsValue> {
        self.opt_str(k)?
            .ok_or_else(|| invalid(&format!("{k} is required")))
    }

    pub(crate) fn opt_bool(&self, k: &str) -> Result<Option<bool>, JsValue> {
        let v = self.get(k)?;
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_bool()
            .map(Some)
            .ok_or_else(|| invalid(&format!("{k} must be a boolean")))
    }

    pub(crate) fn opt_u64(&self, k: &str) -> Result<Option<u64>, JsValue> {
        let v = self.get(k)?;
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        if v.is_bigint() {
            let b: js_sys::BigInt = v.unchecked_into();
            let s = b.to_string(10).map(String::from).unwrap_or_default();
            return s
                .parse()
                .map(Some)
                .map_err(|_| invalid(&format!("{k} must be a non-negative integer")));
        }
        match v.as_f64() {
            Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_991.0 => {
                Ok(Some(f as u64))
            }
            _ => Err(invalid(&format!("{k} must be a non-negative integer"))),
        }
    }

    pub(crate) fn opt_u16(&self, k: &str) -> Result<Option<u16>, JsValue> {
        match self.opt_u64(k)? {
            Some(n) => u16::try_from(n)
                .map(Some)
                .map_err(|_| invalid(&format!("{k} must be an HTTP status"))),
            None => Ok(None),
        }
    }

    pub(crate) fn opt_pairs(&self, k: &str) -> Result<Vec<(String, String)>, JsValue> {
        let v = self.get(k)?;
        if v.is_undefined() || v.is_null() {
            return Ok(Vec::new());
        }
        let h = headers_of(&v)?;
        Ok(h.pairs().to_vec())
    }
}

pub(crate) fn now_ms() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

pub(crate) fn random_hex(n: usize) -> Result<String, JsValue> {
    let mut b = vec![0u8; n];
    getrandom::getrandom(&mut b)
        .map_err(|_| invalid("no secure random source (crypto.getRandomValues)"))?;
    Ok(cardwire::encoding::hex_encode(&b))
}

pub(crate) fn os_rng() -> rand_core::OsRng {
    rand_core::OsRng
}

/// The host RNG, or a ChaCha20 stream seeded from `options.random` (32 bytes,
/// for reproducible tests).
#[derive(Debug)]
pub(crate) enum Rng {
    Os(rand_core::OsRng),
    Seeded(Box<rand_chacha::ChaCha20Rng>),
}

impl RngCore for Rng {
    fn next_u32(&mut self) -> u32 {
        match self {
            Rng::Os(r) => r.next_u32(),
            Rng::Seeded(r) => r.next_u32(),
        }
    }
    fn next_u64(&mut self) -> u64 {
        match self {
            Rng::Os(r) => r.next_u64(),
            Rng::Seeded(r) => r.next_u64(),
        }
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        match self {
            Rng::Os(r) => r.fill_bytes(dest),
            Rng::Seeded(r) => r.fill_bytes(dest),
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        match self {
            Rng::Os(r) => r.try_fill_bytes(dest),
            Rng::Seeded(r) => r.try_fill_bytes(dest),
        }
    }
}
impl CryptoRng for Rng {}

pub(crate) fn rng_from(o: &Opts<'_>) -> Result<Rng, JsValue> {
    let v = o.get("random")?;
    if v.is_undefined() || v.is_null() {
        return Ok(Rng::Os(rand_core::OsRng));
    }
    if !v.is_instance_of::<Uint8Array>() {
        return Err(invalid("random must be a Uint8Array of 32 bytes"));
    }
    let seed: [u8; 32] = Uint8Array::new(&v)
        .to_vec()
        .try_into()
        .map_err(|_| invalid("random must be a Uint8Array of 32 bytes"))?;
    Ok(Rng::Seeded(Box::new(rand_chacha::ChaCha20Rng::from_seed(
        seed,
    ))))
}

/// A required string argument.
pub(crate) fn str_arg(v: &JsValue, name: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| invalid(&format!("{name} must be a string")))
}

/// An optional string argument.
pub(crate) fn opt_str_arg(v: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    str_arg(v, name).map(Some)
}

/// A whole-number argument that fits `T`.
pub(crate) fn num_arg<T: TryFrom<u64>>(v: &JsValue, name: &str) -> Result<T, JsValue> {
    match v.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_991.0 => {
            T::try_from(f as u64).map_err(|_| invalid(&format!("{name} is out of range")))
        }
        _ => Err(invalid(&format!(
            "{name} must be a non-negative whole number"
        ))),
    }
}
