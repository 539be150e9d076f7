//! JavaScript ⇄ binding-layer values over Node-API, and errors. The one
//! place in cardwire with `unsafe`: every function here is a Node-API call on
//! the JavaScript thread that owns `env`, with the values that call handed
//! us. No rules live here (the WebAssembly twin is `bindings-wasm/src/convert.rs`).
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;

use cardwire::api::{self, vocab::camel, Input, Out};
use cardwire::delivery::{ReplayGuard, Seen};
use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, ValueType};

/// A JavaScript value as Node-API handed it to us (valid for this call).
#[derive(Clone, Copy, Debug)]
pub struct Raw(pub sys::napi_value);

impl TypeName for Raw {
    fn type_name() -> &'static str {
        "unknown"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Raw {
    unsafe fn validate(_env: sys::napi_env, _v: sys::napi_value) -> napi::Result<sys::napi_value> {
        Ok(ptr::null_mut())
    }
}

impl FromNapiValue for Raw {
    unsafe fn from_napi_value(_env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        Ok(Raw(v))
    }
}

impl ToNapiValue for Raw {
    unsafe fn to_napi_value(_env: sys::napi_env, v: Self) -> napi::Result<sys::napi_value> {
        Ok(v.0)
    }
}

/// A failed conversion: the `CardwireError` (or the JS exception) to throw.
pub struct Thrown(pub sys::napi_value);

type R<T> = Result<T, Thrown>;

thread_local! {
    /// The package's `CardwireError` class, per JavaScript thread (each
    /// worker registers its own).
    static ERROR_CLASS: RefCell<Option<sys::napi_ref>> = const { RefCell::new(None) };
    /// Per JavaScript thread: `JSON.parse`, and one small factory function
    /// per result shape (`(a, b, ...) => ({ type: a, data: b, ... })`), so a
    /// result is one call that V8 builds with a single hidden class rather
    /// than a property set (and a key string) per field.
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

struct Cache {
    env: sys::napi_env,
    json_parse: sys::napi_ref,
    factories: Vec<(&'static str, sys::napi_ref)>,
}

/// Node-API on one JavaScript thread.
#[derive(Clone, Copy)]
pub struct Js {
    env: sys::napi_env,
}

fn ok(status: sys::napi_status) -> bool {
    status == sys::Status::napi_ok
}

impl Js {
    pub fn new(env: sys::napi_env) -> Self {
        Js { env }
    }

    /// Remembers the package's `CardwireError` class for this thread.
    pub fn register_error_class(&self, class: Raw) {
        let mut r = ptr::null_mut();
        // SAFETY: `class` is a live value of this call on `env`'s thread.
        if ok(unsafe { sys::napi_create_reference(self.env, class.0, 1, &mut r) }) {
            ERROR_CLASS.with(|c| {
                if let Some(old) = c.borrow_mut().replace(r) {
                    // SAFETY: the reference was created on this thread's env.
                    unsafe { sys::napi_delete_reference(self.env, old) };
                }
            });
        }
    }

    // ------------------------------------------------------------ primitives

    fn type_of(&self, v: sys::napi_value) -> i32 {
        let mut t = 0;
        // SAFETY: `v` is a live value on `env`.
        if ok(unsafe { sys::napi_typeof(self.env, v, &mut t) }) {
            t
        } else {
            sys::ValueType::napi_undefined
        }
    }

    fn is(
        &self,
        v: sys::napi_value,
        f: unsafe extern "C" fn(sys::napi_env, sys::napi_value, *mut bool) -> sys::napi_status,
    ) -> bool {
        let mut b = false;
        // SAFETY: a Node-API predicate on a live value.
        ok(unsafe { f(self.env, v, &mut b) }) && b
    }

    pub fn null(&self) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: creating a value on `env`.
        unsafe { sys::napi_get_null(self.env, &mut v) };
        v
    }

    pub fn undefined(&self) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: creating a value on `env`.
        unsafe { sys::napi_get_undefined(self.env, &mut v) };
        v
    }

    fn boolean(&self, b: bool) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: creating a value on `env`.
        unsafe { sys::napi_get_boolean(self.env, b, &mut v) };
        v
    }

    fn number(&self, f: f64) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: creating a value on `env`.
        unsafe { sys::napi_create_double(self.env, f, &mut v) };
        v
    }

    pub fn string(&self, s: &str) -> sys::napi_value {
        let mut v = ptr::null_mut();
        let len = isize::try_from(s.len()).unwrap_or(0);
        // SAFETY: `s` is valid UTF-8 of `len` bytes.
        unsafe { sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), len, &mut v) };
        v
    }

    fn bytes(&self, b: &[u8]) -> sys::napi_value {
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let mut arr = ptr::null_mut();
        // SAFETY: the new ArrayBuffer has `b.len()` writable bytes at `data`;
        // the Uint8Array views all of it.
        unsafe {
            if !ok(sys::napi_create_arraybuffer(
                self.env,
                b.len(),
                &mut data,
                &mut ab,
            )) {
                return self.null();
            }
            if !b.is_empty() && !data.is_null() {
                ptr::copy_nonoverlapping(b.as_ptr(), data.cast::<u8>(), b.len());
            }
            sys::napi_create_typedarray(
                self.env,
                sys::TypedarrayType::uint8_array,
                b.len(),
                ab,
                0,
                &mut arr,
            );
        }
        arr
    }

    fn object(&self) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: creating a value on `env`.
        unsafe { sys::napi_create_object(self.env, &mut v) };
        v
    }

    fn array(&self, len: usize) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: creating a value on `env`.
        unsafe { sys::napi_create_array_with_length(self.env, len, &mut v) };
        v
    }

    fn set(&self, o: sys::napi_value, k: &str, v: sys::napi_value) {
        let key = self.string(k);
        // SAFETY: `o` is an object we created; key and value are live.
        unsafe { sys::napi_set_property(self.env, o, key, v) };
    }

    fn set_index(&self, a: sys::napi_value, i: usize, v: sys::napi_value) {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        // SAFETY: `a` is an array we created.
        unsafe { sys::napi_set_element(self.env, a, i, v) };
    }

    fn get(&self, o: sys::napi_value, k: &str) -> sys::napi_value {
        let key = self.string(k);
        let mut v = ptr::null_mut();
        // SAFETY: `o` is an object of this call; a getter may throw, which
        // leaves `v` null and an exception pending (see `pending`).
        if ok(unsafe { sys::napi_get_property(self.env, o, key, &mut v) }) {
            v
        } else {
            self.undefined()
        }
    }

    fn text_of(&self, v: sys::napi_value) -> Option<String> {
        // Most strings (header names and values, method names) fit a small
        // buffer: one call. Longer ones are measured first.
        let mut small = [0u8; 256];
        let mut written = 0usize;
        // SAFETY: `small` has room for 255 bytes and the NUL.
        if !ok(unsafe {
            sys::napi_get_value_string_utf8(
                self.env,
                v,
                small.as_mut_ptr().cast(),
                small.len(),
                &mut written,
            )
        }) {
            return None;
        }
        if written < small.len() - 4 {
            return std::str::from_utf8(small.get(..written)?)
                .ok()
                .map(str::to_owned);
        }
        let mut len = 0usize;
        // SAFETY: measuring a string value (no buffer).
        if !ok(unsafe {
            sys::napi_get_value_string_utf8(self.env, v, ptr::null_mut(), 0, &mut len)
        }) {
            return None;
        }
        let mut buf = vec![0u8; len + 1];
        // SAFETY: `buf` has `len + 1` bytes, room for the text and its NUL.
        if !ok(unsafe {
            sys::napi_get_value_string_utf8(
                self.env,
                v,
                buf.as_mut_ptr().cast(),
                len + 1,
                &mut written,
            )
        }) {
            return None;
        }
        buf.truncate(written);
        // Node-API writes UTF-8 (lone surrogates become U+FFFD).
        String::from_utf8(buf).ok()
    }

    /// Takes a pending JavaScript exception (a throwing getter, `seen()`, ...).
    fn pending(&self) -> Option<sys::napi_value> {
        let mut pending = false;
        // SAFETY: queries on `env`.
        unsafe {
            if ok(sys::napi_is_exception_pending(self.env, &mut pending)) && pending {
                let mut e = ptr::null_mut();
                sys::napi_get_and_clear_last_exception(self.env, &mut e);
                return Some(e);
            }
        }
        None
    }

    // -------------------------------------------------------------- errors

    /// A core error as the package's `CardwireError`, with `.code` and the
    /// binding layer's fields in camelCase.
    pub fn error(&self, e: &cardwire::Error) -> sys::napi_value {
        let info = api::error_info(e);
        let extra = self.object();
        for (k, v) in &info.fields {
            let value = self.out(v);
            self.set(extra, &camel(k), value);
        }
        let code = self.string(info.code);
        let message = self.string(&info.message);
        let class = ERROR_CLASS.with(|c| *c.borrow());
        if let Some(r) = class {
            let mut cls = ptr::null_mut();
            let mut made = ptr::null_mut();
            let argv = [code, message, extra];
            // SAFETY: the class reference belongs to this thread's env.
            if ok(unsafe { sys::napi_get_reference_value(self.env, r, &mut cls) })
                && !cls.is_null()
                && ok(unsafe {
                    sys::napi_new_instance(self.env, cls, argv.len(), argv.as_ptr(), &mut made)
                })
            {
                return made;
            }
            let _ = self.pending();
        }
        let mut made = ptr::null_mut();
        // SAFETY: a plain Error with the same fields (no class registered).
        unsafe { sys::napi_create_error(self.env, ptr::null_mut(), message, &mut made) };
        self.set(made, "name", self.string("CardwireError"));
        self.set(made, "code", code);
        self.set(made, "message", message);
        for (k, _) in &info.fields {
            let name = camel(k);
            let value = self.get(extra, &name);
            self.set(made, &name, value);
        }
        made
    }

    fn invalid(&self, reason: &str) -> Thrown {
        Thrown(self.error(&cardwire::Error::InvalidInput {
            reason: reason.to_owned(),
        }))
    }

    /// A napi error that throws `v` itself.
    pub fn throw(&self, v: sys::napi_value) -> napi::Error {
        // SAFETY: `v` is a live value of this call on `env`.
        let unknown = unsafe { napi::bindgen_prelude::Unknown::from_raw_unchecked(self.env, v) };
        napi::Error::from(unknown)
    }

    // ------------------------------------------------------------- JS → Input

    /// A JavaScript value as an [`Input`] (the same rules as the WebAssembly
    /// binding): bytes stay bytes, numbers keep their integer-ness,
    /// `Headers`/`Map` iterate, errors keep their code and fields, `undefined`
    /// is absent.
    pub fn input(&self, v: sys::napi_value) -> R<Input> {
        self.input_depth(v, 0)
    }

    fn input_depth(&self, v: sys::napi_value, depth: usize) -> R<Input> {
        if depth > 64 {
            return Err(self.invalid("value is nested more than 64 levels deep"));
        }
        match self.type_of(v) {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(Input::Null),
            sys::ValueType::napi_boolean => {
                let mut b = false;
                // SAFETY: `v` is a boolean.
                unsafe { sys::napi_get_value_bool(self.env, v, &mut b) };
                Ok(Input::Bool(b))
            }
            sys::ValueType::napi_number => {
                let mut f = 0.0;
                // SAFETY: `v` is a number.
                unsafe { sys::napi_get_value_double(self.env, v, &mut f) };
                Ok(if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_991.0 {
                    #[allow(clippy::cast_possible_truncation)]
                    Input::Int(f as i128)
                } else {
                    Input::Float(f)
                })
            }
            sys::ValueType::napi_string => self
                .text_of(v)
                .map(Input::Str)
                .ok_or_else(|| self.invalid("text could not be read")),
            sys::ValueType::napi_bigint => self.bigint(v),
            sys::ValueType::napi_function => {
                Err(self.invalid("a function is not a value cardwire can take"))
            }
            sys::ValueType::napi_object => self.object_input(v, depth),
            _ => Err(self.invalid("unsupported value (a symbol or an external)")),
        }
    }

    fn bigint(&self, v: sys::napi_value) -> R<Input> {
        let mut sign = 0;
        let mut count = 2usize;
        let mut words = [0u64; 2];
        // SAFETY: at most `count` (2) words are written into `words`.
        let status = unsafe {
            sys::napi_get_value_bigint_words(self.env, v, &mut sign, &mut count, words.as_mut_ptr())
        };
        if !ok(status) {
            return Err(self.invalid("BigInt could not be read"));
        }
        // A third word means it did not fit: ask for the count alone.
        let mut needed = 0usize;
        // SAFETY: a null `words` pointer asks for the word count only.
        unsafe {
            sys::napi_get_value_bigint_words(
                self.env,
                v,
                ptr::null_mut(),
                &mut needed,
                ptr::null_mut(),
            )
        };
        if needed > 2 {
            return Err(self.invalid("BigInt out of range"));
        }
        let magnitude = u128::from(words[0]) | (u128::from(words[1]) << 64);
        let value = i128::try_from(magnitude).map_err(|_| self.invalid("BigInt out of range"))?;
        Ok(Input::Int(if sign == 0 { value } else { -value }))
    }

    fn object_input(&self, v: sys::napi_value, depth: usize) -> R<Input> {
        if self.is(v, sys::napi_is_array) {
            let mut n = 0u32;
            // SAFETY: `v` is an array.
            unsafe { sys::napi_get_array_length(self.env, v, &mut n) };
            let mut items = Vec::with_capacity(n as usize);
            for i in 0..n {
                let mut x = ptr::null_mut();
                // SAFETY: reading element `i` of an array (a getter may throw).
                if !ok(unsafe { sys::napi_get_element(self.env, v, i, &mut x) }) {
                    return Err(self.rethrow("reading an array element failed"));
                }
                items.push(self.input_depth(x, depth + 1)?);
            }
            return Ok(Input::List(items));
        }
        // Bytes: Buffer and every Uint8Array, ArrayBuffer, DataView.
        if self.is(v, sys::napi_is_typedarray) {
            let mut kind = 0;
            let mut len = 0usize;
            let mut data: *mut c_void = ptr::null_mut();
            let mut ab = ptr::null_mut();
            let mut offset = 0usize;
            // SAFETY: `v` is a typed array; `data` points at its `len` elements.
            unsafe {
                sys::napi_get_typedarray_info(
                    self.env,
                    v,
                    &mut kind,
                    &mut len,
                    &mut data,
                    &mut ab,
                    &mut offset,
                )
            };
            if kind != sys::TypedarrayType::uint8_array {
                return Err(
                    self.invalid("bytes must be a Uint8Array or Buffer (not another typed array)")
                );
            }
            return Ok(Input::Bytes(self.copy(data, len)));
        }
        if self.is(v, sys::napi_is_arraybuffer) {
            let mut data: *mut c_void = ptr::null_mut();
            let mut len = 0usize;
            // SAFETY: `v` is an ArrayBuffer of `len` bytes at `data`.
            unsafe { sys::napi_get_arraybuffer_info(self.env, v, &mut data, &mut len) };
            return Ok(Input::Bytes(self.copy(data, len)));
        }
        if self.is(v, sys::napi_is_dataview) {
            let mut len = 0usize;
            let mut data: *mut c_void = ptr::null_mut();
            let mut ab = ptr::null_mut();
            let mut offset = 0usize;
            // SAFETY: `v` is a DataView of `len` bytes at `data`.
            unsafe {
                sys::napi_get_dataview_info(self.env, v, &mut len, &mut data, &mut ab, &mut offset)
            };
            return Ok(Input::Bytes(self.copy(data, len)));
        }
        if self.is(v, sys::napi_is_error) {
            let message = self.get(v, "message");
            let mut m = vec![(
                "message".to_owned(),
                Input::Str(self.text_of(message).unwrap_or_default()),
            )];
            m.extend(self.own_entries(v, depth)?);
            return Ok(Input::Map(m));
        }
        // fetch `Headers` and `Map`: their entries() (plain objects have none).
        let entries = self.get(v, "entries");
        if self.type_of(entries) == sys::ValueType::napi_function {
            return self.iterate_entries(v, entries, depth).map(Input::Map);
        }
        self.own_entries(v, depth).map(Input::Map)
    }

    fn copy(&self, data: *mut c_void, len: usize) -> Vec<u8> {
        if data.is_null() || len == 0 {
            return Vec::new();
        }
        // SAFETY: Node-API reported `len` readable bytes at `data`, and the
        // buffer stays alive for this call (we copy it before returning).
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }.to_vec()
    }

    fn rethrow(&self, what: &str) -> Thrown {
        match self.pending() {
            Some(e) => Thrown(e),
            None => self.invalid(what),
        }
    }

    fn own_entries(&self, v: sys::napi_value, depth: usize) -> R<Vec<(String, Input)>> {
        self.own_entries_skipping(v, depth, None)
    }

    fn own_entries_skipping(
        &self,
        v: sys::napi_value,
        depth: usize,
        skip: Option<&str>,
    ) -> R<Vec<(String, Input)>> {
        let mut keys = ptr::null_mut();
        // SAFETY: own enumerable string keys of an object (Object.keys).
        let status = unsafe {
            sys::napi_get_all_property_names(
                self.env,
                v,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        };
        if !ok(status) {
            return Err(self.rethrow("the object's keys could not be read"));
        }
        let mut n = 0u32;
        // SAFETY: `keys` is an array.
        unsafe { sys::napi_get_array_length(self.env, keys, &mut n) };
        let mut out = Vec::with_capacity(n as usize);
        for i in 0..n {
            let mut k = ptr::null_mut();
            let mut x = ptr::null_mut();
            // SAFETY: element `i` of the key array, then that property (a
            // getter may throw).
            unsafe { sys::napi_get_element(self.env, keys, i, &mut k) };
            if !ok(unsafe { sys::napi_get_property(self.env, v, k, &mut x) }) {
                return Err(self.rethrow("reading a property failed"));
            }
            let name = self.text_of(k).unwrap_or_default();
            if skip == Some(name.as_str()) {
                continue;
            }
            out.push((name, self.input_depth(x, depth + 1)?));
        }
        Ok(out)
    }

    fn call(
        &self,
        recv: sys::napi_value,
        f: sys::napi_value,
        args: &[sys::napi_value],
    ) -> Option<sys::napi_value> {
        let mut r = ptr::null_mut();
        // SAFETY: calling a function value of this call with live arguments.
        let status = unsafe {
            sys::napi_call_function(self.env, recv, f, args.len(), args.as_ptr(), &mut r)
        };
        ok(status).then_some(r)
    }

    fn iterate_entries(
        &self,
        v: sys::napi_value,
        entries: sys::napi_value,
        depth: usize,
    ) -> R<Vec<(String, Input)>> {
        let it = self
            .call(v, entries, &[])
            .ok_or_else(|| self.rethrow("entries() failed"))?;
        let next = self.get(it, "next");
        if self.type_of(next) != sys::ValueType::napi_function {
            return Err(self.invalid("entries() is not an iterator"));
        }
        let mut out = Vec::new();
        loop {
            let step = self
                .call(it, next, &[])
                .ok_or_else(|| self.rethrow("iteration failed"))?;
            let done = self.get(step, "done");
            let mut finished = false;
            // SAFETY: reading a boolean (false when `done` is not one).
            unsafe { sys::napi_get_value_bool(self.env, done, &mut finished) };
            if finished {
                return Ok(out);
            }
            let pair = self.get(step, "value");
            if !self.is(pair, sys::napi_is_array) {
                return Err(self.invalid("entries must be [key, value] pairs"));
            }
            let mut k = ptr::null_mut();
            let mut x = ptr::null_mut();
            // SAFETY: elements 0 and 1 of an array.
            unsafe {
                sys::napi_get_element(self.env, pair, 0, &mut k);
                sys::napi_get_element(self.env, pair, 1, &mut x);
            }
            if self.type_of(k) != sys::ValueType::napi_string {
                return Err(self.invalid("keys must be strings"));
            }
            let key = self.text_of(k).unwrap_or_default();
            out.push((key, self.input_depth(x, depth + 1)?));
            if out.len() > 100_000 {
                return Err(self.invalid("more than 100000 entries"));
            }
        }
    }

    /// Arguments for a method: header arguments (`headers_at`) take the
    /// one-string fast path when they are a plain object of strings.
    pub fn args(&self, v: Raw, headers_at: u64) -> R<Vec<Input>> {
        if headers_at == 0
            || self.type_of(v.0) != sys::ValueType::napi_object
            || !self.is(v.0, sys::napi_is_array)
        {
            return self.list(v);
        }
        let mut n = 0u32;
        // SAFETY: `v` is an array.
        unsafe { sys::napi_get_array_length(self.env, v.0, &mut n) };
        let mut items = Vec::with_capacity(n as usize);
        for i in 0..n {
            let mut x = ptr::null_mut();
            // SAFETY: reading element `i` of an array (a getter may throw).
            if !ok(unsafe { sys::napi_get_element(self.env, v.0, i, &mut x) }) {
                return Err(self.rethrow("reading an array element failed"));
            }
            let fast = if i < 64 && headers_at & (1 << i) != 0 {
                self.flat_headers(x)
            } else {
                None
            };
            items.push(match fast {
                Some(h) => h,
                None => self.input(x)?,
            });
        }
        Ok(items)
    }

    /// Received headers in the class glue's one-string form
    /// ([`cardwire::api::value::flat_headers`]); anything else (`Headers`,
    /// `Map`, arrays of values) takes the general conversion.
    fn flat_headers(&self, h: sys::napi_value) -> Option<Input> {
        if self.type_of(h) != sys::ValueType::napi_string {
            return None;
        }
        cardwire::api::value::flat_headers(&self.text_of(h)?)
    }

    /// Arguments given as a JS array.
    pub fn list(&self, v: Raw) -> R<Vec<Input>> {
        match self.input(v.0)? {
            Input::List(items) => Ok(items),
            Input::Null => Ok(Vec::new()),
            _ => Err(self.invalid("arguments must be an array")),
        }
    }

    /// Options: absent, or an object.
    pub fn options(&self, v: Raw) -> R<Option<Input>> {
        match self.type_of(v.0) {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
            _ => self.input(v.0).map(Some),
        }
    }

    /// Constructor options without the `store` object, and the store.
    pub fn ctor_options(&self, v: Raw) -> R<(Input, Option<sys::napi_value>)> {
        match self.type_of(v.0) {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => {
                return Ok((Input::Null, None))
            }
            sys::ValueType::napi_object if !self.is(v.0, sys::napi_is_array) => {}
            _ => return Err(self.invalid("options must be an object")),
        }
        let store = self.get(v.0, "store");
        let store = match self.type_of(store) {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => None,
            sys::ValueType::napi_object => Some(store),
            _ => return Err(self.invalid("store must be an object with seen(key, ttlMs)")),
        };
        let members = self.own_entries_skipping(v.0, 0, Some("store"))?;
        Ok((Input::Map(members), store))
    }

    // ------------------------------------------------------------- Out → JS

    /// An [`Out`] as a JavaScript value: records get camelCase keys,
    /// provider JSON keeps its keys, bytes are `Uint8Array`.
    pub fn out(&self, o: &Out) -> sys::napi_value {
        match o {
            Out::Null => self.null(),
            Out::Bool(b) => self.boolean(*b),
            Out::Int(i) => self.int(*i),
            Out::Str(s) => self.string(s),
            Out::Bytes(b) => self.bytes(b),
            Out::Json(v) => self.json_value(v),
            Out::JsonText(text) => self.json_text(text),
            Out::Headers(pairs) => {
                let obj = self.object();
                for (k, v) in pairs {
                    self.set(obj, k, self.string(v));
                }
                obj
            }
            Out::Record(name, fields) => {
                // `raw` first: an `InRaw` field is a part of it.
                let raw = fields
                    .iter()
                    .find(|(k, _)| *k == "raw")
                    .filter(|_| fields.iter().any(|(_, v)| matches!(v, Out::InRaw(_))))
                    .map(|(_, v)| self.out(v));
                let values: Vec<sys::napi_value> = fields
                    .iter()
                    .map(|(k, v)| match (v, raw) {
                        (_, Some(raw)) if *k == "raw" => raw,
                        (Out::InRaw(None), Some(raw)) => raw,
                        (Out::InRaw(Some(member)), Some(raw)) => self.get(raw, member),
                        _ => self.out(v),
                    })
                    .collect();
                if let Some(f) = self.factory(name, fields) {
                    let undefined = self.undefined();
                    if let Some(made) = self.call(undefined, f, &values) {
                        return made;
                    }
                    let _ = self.pending();
                }
                let obj = self.object();
                for ((k, _), value) in fields.iter().zip(values) {
                    self.set(obj, &camel(k), value);
                }
                obj
            }
            Out::List(items) => {
                let arr = self.array(items.len());
                for (i, x) in items.iter().enumerate() {
                    let value = self.out(x);
                    self.set_index(arr, i, value);
                }
                arr
            }
            _ => self.null(),
        }
    }

    /// A verified event as the one string the class glue's `compactEvent`
    /// reads ([`cardwire::api::value::compact_event`]); `None` for any other result.
    pub fn compact_event(&self, o: &Out) -> Option<sys::napi_value> {
        cardwire::api::value::compact_event(o).map(|s| self.string(&s))
    }

    /// Integers beyond 2^53 would lose digits as a JS number: they come back
    /// as their decimal text (as non-integer amounts always do).
    fn int(&self, i: i64) -> sys::napi_value {
        if i.unsigned_abs() <= api::value::MAX_SAFE_INTEGER {
            #[allow(clippy::cast_precision_loss)]
            self.number(i as f64)
        } else {
            self.string(&i.to_string())
        }
    }

    /// Provider JSON: scalars directly; objects and arrays as JSON text that
    /// V8's own `JSON.parse` builds (integers beyond 2^53 turned into their
    /// text first, so nothing is rounded).
    fn json_value(&self, v: &serde_json::Value) -> sys::napi_value {
        use serde_json::Value;
        if !matches!(v, Value::Object(_) | Value::Array(_)) {
            return self.json(v);
        }
        let text = serde_json::to_string(&*api::value::js_safe_json(v));
        if let (Ok(text), Some(parse)) = (text, self.cached(|c| c.json_parse)) {
            let undefined = self.undefined();
            let arg = self.string(&text);
            if let Some(parsed) = self.call(undefined, parse, &[arg]) {
                return parsed;
            }
            let _ = self.pending();
        }
        self.json(v)
    }

    /// Provider JSON as portable text, read by V8's `JSON.parse` (the core
    /// parses it only if that throws).
    fn json_text(&self, text: &str) -> sys::napi_value {
        if let Some(parse) = self.cached(|c| c.json_parse) {
            let undefined = self.undefined();
            let arg = self.string(text);
            if let Some(parsed) = self.call(undefined, parse, &[arg]) {
                return parsed;
            }
            let _ = self.pending();
        }
        match cardwire::exact_json::parse(text.as_bytes()) {
            Ok(v) => self.json_value(&v),
            Err(_) => self.null(),
        }
    }

    /// The per-thread cache, made on first use.
    fn cached(&self, pick: impl FnOnce(&Cache) -> sys::napi_ref) -> Option<sys::napi_value> {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().is_none_or(|cache| cache.env != self.env) {
                let global = {
                    let mut g = ptr::null_mut();
                    // SAFETY: the global object of this env.
                    unsafe { sys::napi_get_global(self.env, &mut g) };
                    g
                };
                let json = self.get(global, "JSON");
                let parse = self.get(json, "parse");
                let mut r = ptr::null_mut();
                // SAFETY: a reference to a function of this env.
                if self.type_of(parse) != sys::ValueType::napi_function
                    || !ok(unsafe { sys::napi_create_reference(self.env, parse, 1, &mut r) })
                {
                    return None;
                }
                *c = Some(Cache {
                    env: self.env,
                    json_parse: r,
                    factories: Vec::new(),
                });
            }
            let r = pick(c.as_ref()?);
            let mut v = ptr::null_mut();
            // SAFETY: the reference belongs to this env.
            (ok(unsafe { sys::napi_get_reference_value(self.env, r, &mut v) }) && !v.is_null())
                .then_some(v)
        })
    }

    /// The factory function for a result shape, compiled once per thread.
    fn factory(
        &self,
        name: &'static str,
        fields: &[(&'static str, Out)],
    ) -> Option<sys::napi_value> {
        // Make sure the cache exists for this env.
        self.cached(|c| c.json_parse)?;
        let known = CACHE.with(|c| {
            c.borrow().as_ref().and_then(|cache| {
                cache
                    .factories
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, r)| *r)
            })
        });
        let r = match known {
            Some(r) => r,
            None => {
                let params: Vec<String> = (0..fields.len()).map(|i| format!("v{i}")).collect();
                let members: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| {
                        format!(
                            "{}: v{i}",
                            serde_json::to_string(&camel(k)).unwrap_or_default()
                        )
                    })
                    .collect();
                let source = format!(
                    "(function ({}) {{ return {{ {} }}; }})",
                    params.join(", "),
                    members.join(", ")
                );
                let script = self.string(&source);
                let mut f = ptr::null_mut();
                let mut r = ptr::null_mut();
                // SAFETY: compiling our own expression in this env, then a
                // reference to the function it evaluates to.
                if !ok(unsafe { sys::napi_run_script(self.env, script, &mut f) })
                    || self.type_of(f) != sys::ValueType::napi_function
                    || !ok(unsafe { sys::napi_create_reference(self.env, f, 1, &mut r) })
                {
                    let _ = self.pending();
                    return None;
                }
                CACHE.with(|c| {
                    if let Some(cache) = c.borrow_mut().as_mut() {
                        cache.factories.push((name, r));
                    }
                });
                r
            }
        };
        let mut v = ptr::null_mut();
        // SAFETY: the reference belongs to this env.
        (ok(unsafe { sys::napi_get_reference_value(self.env, r, &mut v) }) && !v.is_null())
            .then_some(v)
    }

    fn json(&self, v: &serde_json::Value) -> sys::napi_value {
        use serde_json::Value;
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.boolean(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => self.int(i),
                (None, Some(u)) => self.string(&u.to_string()),
                _ => self.string(&n.to_string()),
            },
            Value::String(s) => self.string(s),
            Value::Array(a) => {
                let arr = self.array(a.len());
                for (i, x) in a.iter().enumerate() {
                    let value = self.json(x);
                    self.set_index(arr, i, value);
                }
                arr
            }
            Value::Object(m) => {
                let obj = self.object();
                for (k, x) in m {
                    let value = self.json(x);
                    self.set(obj, k, value);
                }
                obj
            }
        }
    }
}

/// A replay store written in JavaScript, for one synchronous call on the
/// JavaScript thread: `seen(key, ttlMs)` returns true when the key was seen
/// before (and records it otherwise). A throw or a non-boolean answer (a
/// Promise included) is `store_unavailable`, never "new".
pub struct JsStore {
    pub js: Js,
    pub object: sys::napi_value,
}

impl ReplayGuard for JsStore {
    fn check_and_record(&mut self, key: &str, _now_ms: u64, ttl_ms: u64) -> cardwire::Result<Seen> {
        let unavailable = |reason: &str| cardwire::Error::StoreUnavailable {
            reason: reason.to_owned(),
        };
        let js = self.js;
        let seen = js.get(self.object, "seen");
        if js.type_of(seen) != sys::ValueType::napi_function {
            let _ = js.pending();
            return Err(unavailable("the store has no seen(key, ttlMs) method"));
        }
        #[allow(clippy::cast_precision_loss)]
        let args = [js.string(key), js.number(ttl_ms as f64)];
        let Some(answer) = js.call(self.object, seen, &args) else {
            let _ = js.pending();
            return Err(unavailable("the store's seen() threw"));
        };
        if js.type_of(answer) != sys::ValueType::napi_boolean {
            return Err(unavailable(
                "the store's seen() returned no boolean (a Promise? use checkWebhook, then your async store, with the delivery key)",
            ));
        }
        let mut b = false;
        // SAFETY: `answer` is a boolean.
        unsafe { sys::napi_get_value_bool(js.env, answer, &mut b) };
        Ok(if b { Seen::Again } else { Seen::First })
    }
}

/// A strong reference to a JavaScript object, released on the thread (and
/// env) that made it.
pub struct ObjectRef {
    env: sys::napi_env,
    r: sys::napi_ref,
}

impl ObjectRef {
    pub fn new(js: Js, v: sys::napi_value) -> Option<Self> {
        let mut r = ptr::null_mut();
        // SAFETY: `v` is a live object of this call.
        ok(unsafe { sys::napi_create_reference(js.env, v, 1, &mut r) })
            .then_some(ObjectRef { env: js.env, r })
    }

    pub fn get(&self, js: Js) -> Option<sys::napi_value> {
        if js.env != self.env {
            return None;
        }
        let mut v = ptr::null_mut();
        // SAFETY: the reference was made on this env.
        (ok(unsafe { sys::napi_get_reference_value(js.env, self.r, &mut v) }) && !v.is_null())
            .then_some(v)
    }
}

impl Drop for ObjectRef {
    fn drop(&mut self) {
        // SAFETY: handles are dropped by their JS object's finalizer or by
        // free(), both on the JavaScript thread that owns `env`.
        unsafe { sys::napi_delete_reference(self.env, self.r) };
    }
}
