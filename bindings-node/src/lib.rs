//! cardwire for Node (napi-rs 3), with the native RSA backend.
//!
//! Thin by design, and the same native interface as the WebAssembly build
//! (`create`, `callStatic`, `callFunction`, `Handle.call`/`callAsync`,
//! `registerErrorClass`), so the one generated class glue
//! (`bindings-node/js/classes.*`) serves both: this crate converts
//! JavaScript values to the binding layer's `Input` and its `Out` back
//! (`js.rs`), and maps errors to `CardwireError`. Host hooks: the system
//! clock and the operating system's CSPRNG. `callAsync` runs RSA signing and
//! decryption on the libuv thread pool (napi `AsyncTask`).
#![deny(unsafe_code)]

mod js;

use std::sync::Arc;

use cardwire::api::{self, Host, Input, Instance, Out};
use js::{Js, JsStore, ObjectRef, Raw};
use napi::bindgen_prelude::{AsyncTask, Env};
use napi::{Result, Task};
use napi_derive::napi;

/// The host: the system clock and the operating system's CSPRNG.
struct NodeHost;

impl Host for NodeHost {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }

    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        getrandom::getrandom(buf).map_err(|_| cardwire::Error::RandomUnavailable)
    }

    /// V8's `JSON.parse` builds provider JSON faster than value-by-value conversion.
    fn parses_json_text(&self) -> bool {
        true
    }
}

fn js(env: &Env) -> Js {
    Js::new(env.raw())
}

/// Throws the `CardwireError` for a core error.
fn fail(j: Js, e: &cardwire::Error) -> napi::Error {
    j.throw(j.error(e))
}

/// Throws what a conversion produced (a `CardwireError`, or the exception a
/// getter or `entries()` threw).
fn thrown(j: Js, t: js::Thrown) -> napi::Error {
    j.throw(t.0)
}

/// One instance of a cardwire class, held for the JavaScript glue.
#[napi]
pub struct Handle {
    inner: Arc<Instance>,
    store: std::cell::RefCell<Option<ObjectRef>>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("class", &self.inner.class().name)
            .finish_non_exhaustive()
    }
}

#[napi]
impl Handle {
    /// `call(method, args, options)`: a method of the class, by its vocabulary name.
    #[napi]
    pub fn call(&self, env: Env, method: String, args: Raw, options: Raw) -> Result<Raw> {
        let j = js(&env);
        let headers_at = self.inner.header_positions(&method);
        let a = j.args(args, headers_at).map_err(|t| thrown(j, t))?;
        let o = j.options(options).map_err(|t| thrown(j, t))?;
        let object = self.store.borrow().as_ref().and_then(|r| r.get(j));
        let mut store = object.map(|object| JsStore { js: j, object });
        let out = self
            .inner
            .call_with_store(
                &method,
                &a,
                o.as_ref(),
                &NodeHost,
                store
                    .as_mut()
                    .map(|s| s as &mut dyn cardwire::delivery::ReplayGuard),
            )
            .map_err(|e| fail(j, &e))?;
        Ok(Raw(j.compact_event(&out).unwrap_or_else(|| j.out(&out))))
    }

    /// `callAsync(method, args, options)`: the same on the libuv thread pool,
    /// as a Promise. Only for the methods the vocabulary marks as offloadable
    /// (RSA signing and decryption, which never touch the replay store).
    #[napi(js_name = "callAsync")]
    pub fn call_async(
        &self,
        env: Env,
        method: String,
        args: Raw,
        options: Raw,
    ) -> Result<AsyncTask<CallTask>> {
        let j = js(&env);
        let offload = self
            .inner
            .class()
            .method(&method)
            .is_some_and(|m| m.offload && !m.is_static);
        if !offload {
            return Err(fail(
                j,
                &cardwire::Error::InvalidInput {
                    reason: format!(
                        "{method} has no async form (only RSA signing and decryption do)"
                    ),
                },
            ));
        }
        let a = j
            .args(args, self.inner.header_positions(&method))
            .map_err(|t| thrown(j, t))?;
        let o = j.options(options).map_err(|t| thrown(j, t))?;
        Ok(AsyncTask::new(CallTask {
            inner: Arc::clone(&self.inner),
            method,
            args: a,
            options: o,
        }))
    }

    /// Releases the handle's hold on its JavaScript store (the glue makes
    /// `free()` idempotent and refuses calls afterwards).
    #[napi]
    pub fn free(&self) {
        self.store.replace(None);
    }
}

/// One offloaded call: inputs converted on the JavaScript thread, the crypto
/// on a pool thread, the result converted back on the JavaScript thread.
pub struct CallTask {
    inner: Arc<Instance>,
    method: String,
    args: Vec<Input>,
    options: Option<Input>,
}

impl std::fmt::Debug for CallTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallTask")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl Task for CallTask {
    type Output = std::result::Result<Out, cardwire::Error>;
    type JsValue = Raw;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self
            .inner
            .call(&self.method, &self.args, self.options.as_ref(), &NodeHost))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Raw> {
        let j = js(&env);
        match output {
            Ok(out) => Ok(Raw(j.out(&out))),
            Err(e) => Err(fail(j, &e)),
        }
    }
}

/// `create(className, options)`: keys are parsed here, once.
#[napi]
pub fn create(env: Env, class: String, options: Raw) -> Result<Handle> {
    let j = js(&env);
    let (o, store) = j.ctor_options(options).map_err(|t| thrown(j, t))?;
    let inner = Instance::new(&class, &o, &NodeHost).map_err(|e| fail(j, &e))?;
    Ok(Handle {
        inner: Arc::new(inner),
        store: std::cell::RefCell::new(store.and_then(|s| ObjectRef::new(j, s))),
    })
}

/// `callStatic(className, method, args, options)`.
#[napi(js_name = "callStatic")]
pub fn call_static(
    env: Env,
    class: String,
    method: String,
    args: Raw,
    options: Raw,
) -> Result<Raw> {
    let j = js(&env);
    let a = j.list(args).map_err(|t| thrown(j, t))?;
    let o = j.options(options).map_err(|t| thrown(j, t))?;
    let out =
        api::call_static(&class, &method, &a, o.as_ref(), &NodeHost).map_err(|e| fail(j, &e))?;
    Ok(Raw(j.out(&out)))
}

/// `callFunction(name, args, options)`: `validate`, `error_codes`, `status_model`.
#[napi(js_name = "callFunction")]
pub fn call_function(env: Env, name: String, args: Raw, options: Raw) -> Result<Raw> {
    let j = js(&env);
    let a = j.list(args).map_err(|t| thrown(j, t))?;
    let o = j.options(options).map_err(|t| thrown(j, t))?;
    let out = api::call_function(&name, &a, o.as_ref(), &NodeHost).map_err(|e| fail(j, &e))?;
    Ok(Raw(j.out(&out)))
}

/// Called once by the package entry with its `CardwireError` class.
#[napi(js_name = "registerErrorClass")]
pub fn register_error_class(env: Env, class: Raw) {
    js(&env).register_error_class(class);
}

/// The class glue may send received headers as one `name\0value\0...`
/// string (see `flat` in `classes.mjs`).
#[napi]
pub const FLAT_HEADERS: bool = true;

/// The RSA backend of this build (`native`: aws-lc-rs).
#[napi(js_name = "cryptoBackend")]
pub fn crypto_backend() -> &'static str {
    cardwire::crypto::backend()
}

/// mimalloc: the binding layer makes many small, short-lived allocations
/// per call (header pairs, keys, JSON members), where glibc's malloc was a
/// fifth of a small PayCA check (`make bench-js`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
