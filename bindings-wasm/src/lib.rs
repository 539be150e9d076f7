//! cardwire for JavaScript (browsers, Node, workers), via wasm-bindgen.
//!
//! Thin by design: this crate converts JavaScript values to the binding
//! layer's [`Input`] and its [`Out`](cardwire::api::Out) back, and maps errors to
//! `CardwireError`. The classes, their options and their result shapes are
//! the core's ([`cardwire::api`]); the JavaScript class glue is generated from
//! the same table. Host hooks: `Date.now()` and `crypto.getRandomValues`.

mod convert;

use cardwire::api::{self, Host, Input, Instance};
use cardwire::delivery::{ReplayGuard, Seen};
use convert::{err, input_of, input_of_ctor, out_to_js, take_store};
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

/// The JavaScript host: `Date.now()` and `crypto.getRandomValues`.
struct JsHost;

thread_local! {
    /// Random bytes drawn ahead (see [`JsHost::fill_random`]) and the next unused one.
    static RANDOM: std::cell::RefCell<(zeroize::Zeroizing<Vec<u8>>, usize)> =
        std::cell::RefCell::new((zeroize::Zeroizing::new(Vec::new()), 0));
}

impl Host for JsHost {
    fn now_ms(&self) -> u64 {
        let ms = js_sys::Date::now();
        if ms.is_finite() && ms > 0.0 {
            ms as u64
        } else {
            0
        }
    }

    /// Small draws (a call's 32-byte seed) come from a pool filled 4 KiB
    /// at a time: one `crypto.getRandomValues` (microseconds in Node) per
    /// 128 calls instead of one each. Bytes handed out are wiped from the
    /// pool; large draws go straight to the host.
    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        const POOL: usize = 4096;
        if buf.len() > 256 {
            return getrandom::getrandom(buf).map_err(|_| cardwire::Error::RandomUnavailable);
        }
        RANDOM.with(|r| {
            let mut r = r.borrow_mut();
            let (pool, at) = &mut *r;
            if pool.len() != POOL || *at + buf.len() > POOL {
                pool.resize(POOL, 0);
                *at = POOL; // spent until the refill succeeds: never zeros
                getrandom::getrandom(pool).map_err(|_| cardwire::Error::RandomUnavailable)?;
                *at = 0;
            }
            let taken = pool
                .get_mut(*at..*at + buf.len())
                .ok_or(cardwire::Error::RandomUnavailable)?;
            buf.copy_from_slice(taken);
            taken.fill(0);
            *at += buf.len();
            Ok(())
        })
    }

    /// The host's `JSON.parse` builds provider JSON in one crossing.
    fn parses_json_text(&self) -> bool {
        true
    }
}

/// A replay store written in JavaScript: `seen(key, ttlMs)` returns true
/// when the key was seen before (and records it otherwise). A throw or a
/// non-boolean answer is `store_unavailable`, never "new".
struct JsStore(JsValue);

impl ReplayGuard for JsStore {
    fn check_and_record(&mut self, key: &str, _now_ms: u64, ttl_ms: u64) -> cardwire::Result<Seen> {
        let unavailable = |reason: &str| cardwire::Error::StoreUnavailable {
            reason: reason.to_owned(),
        };
        let seen = js_sys::Reflect::get(&self.0, &JsValue::from_str("seen"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| unavailable("the store has no seen(key, ttlMs) method"))?;
        let answer = seen
            .call2(
                &self.0,
                &JsValue::from_str(key),
                &JsValue::from_f64(ttl_ms as f64),
            )
            .map_err(|_| unavailable("the store's seen() threw"))?;
        match answer.as_bool() {
            Some(true) => Ok(Seen::Again),
            Some(false) => Ok(Seen::First),
            None => Err(unavailable(
                "the store's seen() returned no boolean (a Promise? use the native addon or checkWebhook with an async store)",
            )),
        }
    }
}

/// One instance of a cardwire class, held for the JavaScript glue.
#[wasm_bindgen]
pub struct Handle {
    inner: Instance,
    /// Prepared requests kept for their `finish_…` call (`callPrepare`),
    /// by token; the oldest go when more than [`KEPT`] wait.
    kept: std::cell::RefCell<Vec<(u32, Input)>>,
    next: std::cell::Cell<u32>,
}

/// How many prepared requests a handle keeps for their signature.
const KEPT: usize = 64;

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

/// Arguments; where `method` takes received headers, the glue's one-string
/// form (`name\0value\0...`) is read in one crossing.
fn args_of(inner: Option<&Instance>, method: &str, args: &js_sys::Array) -> JsResult<Vec<Input>> {
    let at = inner.map_or(0, |i| i.header_positions(method));
    args.iter()
        .enumerate()
        .map(|(i, a)| {
            if i < 64 && at & (1 << i) != 0 {
                if let Some(h) = a.as_string().and_then(|t| api::value::flat_headers(&t)) {
                    return Ok(h);
                }
            }
            input_of(&a)
        })
        .collect()
}

/// A result for the class glue: a verified event as one string (its
/// `compactEvent` reads it), anything else converted.
fn result_to_js(out: &api::Out) -> JsResult<JsValue> {
    match api::value::compact_event(out) {
        Some(text) => Ok(JsValue::from_str(&text)),
        None => out_to_js(out),
    }
}

/// The glue sends received headers as one string (`flat` in `classes.mjs`).
#[wasm_bindgen(js_name = flatHeaders)]
pub fn flat_headers() -> bool {
    true
}

fn opt_input(options: &JsValue) -> JsResult<Option<Input>> {
    if options.is_undefined() || options.is_null() {
        Ok(None)
    } else {
        input_of(options).map(Some)
    }
}

impl Handle {
    /// One call of the core, its arguments converted; its result as the core's.
    fn run(&self, method: &str, args: &js_sys::Array, options: &JsValue) -> JsResult<api::Out> {
        let a = args_of(Some(&self.inner), method, args)?;
        let o = opt_input(options)?;
        self.inner
            .call(method, &a, o.as_ref(), &JsHost)
            .map_err(err)
    }
}

#[wasm_bindgen]
impl Handle {
    /// `call(method, args, options)`: a method of the class, by its vocabulary name.
    pub fn call(&self, method: &str, args: &js_sys::Array, options: JsValue) -> JsResult<JsValue> {
        result_to_js(&self.run(method, args, &options)?)
    }

    /// `callAsync(method, args, options)`: the same, as a Promise (WebAssembly
    /// has one thread: it runs now and resolves in turn).
    #[wasm_bindgen(js_name = callAsync)]
    pub fn call_async(
        &self,
        method: &str,
        args: &js_sys::Array,
        options: JsValue,
    ) -> js_sys::Promise {
        match self.call(method, args, options) {
            Ok(v) => js_sys::Promise::resolve(&v),
            Err(e) => js_sys::Promise::reject(&e),
        }
    }
}

/// `callDeferred` in JavaScript: `[value]`, or `[value, algorithm, bytes,
/// nLength, eLength, messageLength, signatureLength]` when the call reached
/// an RSA check for the host to make: `bytes` is n ‖ e ‖ message ‖
/// signature, then the check's ticket when `value` is undefined (the call
/// failed for now, or was not optimistic). An array and one byte array: few
/// crossings.
fn deferred_out(
    value: Option<JsValue>,
    wanted: Option<cardwire::crypto::deferred::Wanted>,
) -> JsValue {
    let o = js_sys::Array::new();
    let needs_ticket = value.is_none();
    o.push(&value.unwrap_or(JsValue::UNDEFINED));
    match wanted {
        Some(w) => o.concat(&wanted_js(&w, needs_ticket)).into(),
        None => o.into(),
    }
}

/// `[algorithm, n ‖ e ‖ message ‖ signature (‖ ticket), their four lengths, the key's id]`.
fn wanted_js(w: &cardwire::crypto::deferred::Wanted, ticket: bool) -> js_sys::Array {
    let bytes = wanted_bytes(w, ticket);
    let o = js_sys::Array::new();
    o.push(&JsValue::from_str(w.algorithm));
    o.push(&js_sys::Uint8Array::from(bytes.as_slice()).into());
    for part in [&w.n, &w.e, &w.message, &w.signature] {
        o.push(&JsValue::from_f64(part.len() as f64));
    }
    // Ids stay below 2^53 (one per parsed key).
    o.push(&JsValue::from_f64(w.key_id as f64));
    o
}

/// A check's inputs as the host takes them: n ‖ e ‖ message ‖ signature,
/// and the check's ticket after them when a second call will need it.
fn wanted_bytes(w: &cardwire::crypto::deferred::Wanted, ticket: bool) -> Vec<u8> {
    let extra = if ticket { 32 } else { 0 };
    let mut bytes =
        Vec::with_capacity(w.n.len() + w.e.len() + w.message.len() + w.signature.len() + extra);
    for part in [&w.n, &w.e, &w.message, &w.signature] {
        bytes.extend_from_slice(part);
    }
    if ticket {
        bytes.extend_from_slice(&w.ticket());
    }
    bytes
}

#[wasm_bindgen]
extern "C" {
    /// The class glue's `start(algorithm, bytes, nl, el, ml, sl, keyId)`.
    #[wasm_bindgen(extends = js_sys::Function)]
    type Start;
    #[wasm_bindgen(method, catch, js_name = call)]
    #[allow(clippy::too_many_arguments)]
    fn start(
        this: &Start,
        context: &JsValue,
        algorithm: &str,
        bytes: Vec<u8>,
        nl: u32,
        el: u32,
        ml: u32,
        sl: u32,
        key_id: f64,
    ) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
impl Handle {
    /// `callDeferred(method, args, options, ticket, optimistic, start)`: `call` with RSA checks
    /// left to the host (the class glue's WebCrypto path): `[value]`, or
    /// `[undefined, algorithm, bytes, …]` (see [`deferred_out`]) when the
    /// call reached a check; after the host's check passed, the same call
    /// with that check's ticket passes it. Any other failure throws as `call`.
    ///
    /// `optimistic` (for calls without side effects): the check passes for
    /// now and the result comes with it, `[value, algorithm, …]`, or just
    /// `[value, algorithm]` when `start` was told of the check; the class
    /// glue returns the value only once its own check passed. A call that
    /// reaches two different checks runs as `call`.
    #[wasm_bindgen(js_name = callDeferred)]
    pub fn call_deferred(
        &self,
        method: &str,
        args: &js_sys::Array,
        options: JsValue,
        ticket: JsValue,
        optimistic: bool,
        start: JsValue,
    ) -> JsResult<JsValue> {
        let accepted = if ticket.is_undefined() || ticket.is_null() {
            None
        } else {
            let t = js_sys::Uint8Array::new(&ticket).to_vec();
            Some(<[u8; 32]>::try_from(t.as_slice()).map_err(|_| {
                err(cardwire::Error::InvalidInput {
                    reason: "a ticket is the 32 bytes callDeferred gave".to_owned(),
                })
            })?)
        };
        let a = args_of(Some(&self.inner), method, args)?;
        let o = opt_input(&options)?;
        // The core's own result: no JavaScript error is made (a stack trace
        // costs tens of µs) for a check that is only handed over.
        // `start(algorithm, bytes, …lengths)` hears of the check the moment
        // the call reaches it, so WebCrypto works while the call goes on.
        let told = std::rc::Rc::new(std::cell::Cell::new(false));
        let notify = start.dyn_into::<js_sys::Function>().ok().map(|f| {
            let told = std::rc::Rc::clone(&told);
            let f: Start = f.unchecked_into();
            Box::new(move |w: &cardwire::crypto::deferred::Wanted| {
                // One crossing: the arguments typed, the bytes copied out once.
                let bytes = wanted_bytes(w, false);
                let len = |p: &Vec<u8>| u32::try_from(p.len()).unwrap_or(u32::MAX);
                told.set(
                    f.start(
                        &JsValue::UNDEFINED,
                        w.algorithm,
                        bytes,
                        len(&w.n),
                        len(&w.e),
                        len(&w.message),
                        len(&w.signature),
                        w.key_id as f64,
                    )
                    .is_ok(),
                );
            }) as cardwire::crypto::deferred::Notify
        });
        let (out, asked) =
            cardwire::crypto::deferred::run_notifying(accepted, optimistic, notify, || {
                self.inner.call(method, &a, o.as_ref(), &JsHost)
            });
        if asked.several {
            // Two different checks: the pure path, on the arguments already converted.
            let out = self
                .inner
                .call(method, &a, o.as_ref(), &JsHost)
                .map_err(err)?;
            return Ok(deferred_out(Some(result_to_js(&out)?), None));
        }
        match (out, asked.wanted) {
            // The host already has the check (`start`): `[value, algorithm]`.
            (Ok(v), Some(w)) if optimistic && told.get() => {
                Ok(js_sys::Array::of2(&result_to_js(&v)?, &JsValue::from_str(w.algorithm)).into())
            }
            (Ok(v), Some(w)) if optimistic => Ok(deferred_out(Some(result_to_js(&v)?), Some(w))),
            (_, Some(w)) => Ok(deferred_out(None, Some(w))),
            (Ok(v), None) => Ok(deferred_out(Some(result_to_js(&v)?), None)),
            (Err(e), None) => Err(err(e)),
        }
    }
}

#[wasm_bindgen]
impl Handle {
    /// `callPrepare(method, args, options)`: a `prepare_…` call whose
    /// result stays here (the class glue's WebCrypto signing): `[token,
    /// algorithm, signInput]`. `callFinish` completes it with the signature.
    #[wasm_bindgen(js_name = callPrepare)]
    pub fn call_prepare(
        &self,
        method: &str,
        args: &js_sys::Array,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let out = self.run(method, args, &options)?;
        let api::Out::Record(_, fields) = &out else {
            return Err(err(cardwire::Error::InvalidInput {
                reason: format!("{method} is not a prepare_… method"),
            }));
        };
        let field = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
        let (Some(api::Out::Str(algorithm)), Some(api::Out::Bytes(input))) =
            (field("algorithm"), field("sign_input"))
        else {
            return Err(err(cardwire::Error::InvalidInput {
                reason: format!("{method} is not a prepare_… method"),
            }));
        };
        let token = self.next.get().wrapping_add(1);
        self.next.set(token);
        let mut kept = self.kept.borrow_mut();
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((token, Input::from(&out)));
        let r = js_sys::Array::new();
        r.push(&JsValue::from_f64(f64::from(token)));
        r.push(&JsValue::from_str(algorithm));
        r.push(&js_sys::Uint8Array::from(input.as_slice()).into());
        Ok(r.into())
    }

    /// `callFinish(method, token, signature)`: the `finish_…` call of what
    /// `callPrepare` kept, with the signature the host made over its sign
    /// input with the class's own key (not checked again).
    #[wasm_bindgen(js_name = callFinish)]
    pub fn call_finish(&self, method: &str, token: u32, signature: Vec<u8>) -> JsResult<JsValue> {
        let prepared = {
            let mut kept = self.kept.borrow_mut();
            let at = kept.iter().position(|(t, _)| *t == token).ok_or_else(|| {
                err(cardwire::Error::InvalidInput {
                    reason:
                        "this prepared request was finished already, or dropped: prepare it again"
                            .to_owned(),
                })
            })?;
            kept.remove(at).1
        };
        let unchecked = Input::Map(vec![("check".to_owned(), Input::Bool(false))]);
        let out = self
            .inner
            .call(
                method,
                &[prepared, Input::Bytes(signature)],
                Some(&unchecked),
                &JsHost,
            )
            .map_err(err)?;
        result_to_js(&out)
    }
}

/// `create(className, options)`: keys are parsed here, once.
#[wasm_bindgen]
pub fn create(class: &str, options: JsValue) -> JsResult<Handle> {
    let store = take_store(&options)?;
    let o = match input_of_ctor(&options)? {
        Some(o) => o,
        None => Input::Null,
    };
    let inner = Instance::new(class, &o, &JsHost).map_err(err)?;
    if let Some(s) = store {
        inner.set_store(Box::new(JsStore(s)));
    }
    Ok(Handle {
        inner,
        kept: std::cell::RefCell::new(Vec::new()),
        next: std::cell::Cell::new(0),
    })
}

/// `callStatic(className, method, args, options)`.
#[wasm_bindgen(js_name = callStatic)]
pub fn call_static(
    class: &str,
    method: &str,
    args: &js_sys::Array,
    options: JsValue,
) -> JsResult<JsValue> {
    let a = args_of(None, method, args)?;
    let o = opt_input(&options)?;
    let out = api::call_static(class, method, &a, o.as_ref(), &JsHost).map_err(err)?;
    out_to_js(&out)
}

/// `callFunction(name, args, options)`: `validate`, `error_codes`, `status_model`.
#[wasm_bindgen(js_name = callFunction)]
pub fn call_function(name: &str, args: &js_sys::Array, options: JsValue) -> JsResult<JsValue> {
    let a = args_of(None, name, args)?;
    let o = opt_input(&options)?;
    let out = api::call_function(name, &a, o.as_ref(), &JsHost).map_err(err)?;
    out_to_js(&out)
}
