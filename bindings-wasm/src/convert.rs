//! JavaScript ⇄ binding-layer values, and errors. No rules live here.

use cardwire::api::{self, vocab::camel, Input, Out};
use cardwire::Error;
use js_sys::{Array, Object, Reflect, Uint8Array};
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

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Reflect.set` without js-sys's exception wrapper: setting a member
    /// of an object made here never throws.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn set_member(target: &Object, key: &JsValue, value: &JsValue) -> bool;
}

fn set(o: &Object, k: &str, v: &JsValue) {
    set_member(o, &JsValue::from_str(k), v);
}

thread_local! {
    /// A record's keys as JavaScript strings, camelCased once per key (by
    /// its address: the vocabulary's names are static; a few hundred at most).
    static KEYS: std::cell::RefCell<Vec<(usize, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn record_key(k: &'static str) -> JsValue {
    let at = k.as_ptr() as usize;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some((_, v)) = keys.iter().find(|(p, _)| *p == at) {
            return v.clone();
        }
        let v = JsValue::from_str(&camel(k));
        keys.push((at, v.clone()));
        v
    })
}

/// A core error as a `CardwireError` with `.code` and the fields the
/// binding layer lists, in camelCase.
pub(crate) fn err(e: Error) -> JsValue {
    let info = api::error_info(&e);
    let extra = Object::new();
    for (k, v) in &info.fields {
        set(&extra, &camel(k), &out_to_js(v).unwrap_or(JsValue::NULL));
    }
    let registered = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = registered {
        let args = Array::of3(
            &JsValue::from_str(info.code),
            &JsValue::from_str(&info.message),
            &extra,
        );
        if let Ok(e) = Reflect::construct(&class, &args) {
            return e;
        }
    }
    let e = js_sys::Error::new(&info.message);
    e.set_name("CardwireError");
    set(e.unchecked_ref(), "code", &JsValue::from_str(info.code));
    let _ = Object::assign(e.unchecked_ref(), &extra);
    e.into()
}

fn invalid(reason: &str) -> JsValue {
    err(Error::InvalidInput {
        reason: reason.to_owned(),
    })
}

/// Takes the `store` option (a JavaScript object) out of a constructor's options.
pub(crate) fn take_store(options: &JsValue) -> Result<Option<JsValue>, JsValue> {
    if !options.is_object() {
        return Ok(None);
    }
    let s = Reflect::get(options, &JsValue::from_str("store")).unwrap_or(JsValue::UNDEFINED);
    if s.is_undefined() || s.is_null() {
        return Ok(None);
    }
    if !s.is_object() {
        return Err(invalid("store must be an object with seen(key, ttlMs)"));
    }
    Ok(Some(s))
}

fn entries_of(v: &JsValue) -> Result<Vec<(String, Input)>, JsValue> {
    let mut out = Vec::new();
    let entries = Reflect::get(v, &JsValue::from_str("entries")).unwrap_or(JsValue::UNDEFINED);
    // fetch `Headers`, `Map`: iterate entries() (plain objects have no
    // entries method); anything else: own enumerable keys.
    if entries.is_function() {
        let f: &js_sys::Function = entries.unchecked_ref();
        let it = f.call0(v).map_err(|_| invalid("entries() failed"))?;
        let iter = js_sys::try_iter(&it)
            .map_err(|_| invalid("entries() is not iterable"))?
            .ok_or_else(|| invalid("entries() is not iterable"))?;
        for e in iter {
            let e = e.map_err(|_| invalid("iteration failed"))?;
            let pair: Array = e
                .dyn_into()
                .map_err(|_| invalid("entries must be [key, value] pairs"))?;
            let k = pair
                .get(0)
                .as_string()
                .ok_or_else(|| invalid("keys must be strings"))?;
            out.push((k, input_of(&pair.get(1))?));
        }
        return Ok(out);
    }
    for e in Object::entries(v.unchecked_ref()).iter() {
        let pair: Array = e.unchecked_into();
        let k = pair.get(0).as_string().unwrap_or_default();
        out.push((k, input_of(&pair.get(1))?));
    }
    Ok(out)
}

/// Constructor options as an [`Input`], without the `store` object (which
/// [`take_store`] installs).
pub(crate) fn input_of_ctor(options: &JsValue) -> Result<Option<Input>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(invalid("options must be an object"));
    }
    let members = entries_of_skipping(options, "store")?;
    Ok(Some(Input::Map(members)))
}

fn entries_of_skipping(v: &JsValue, skip: &str) -> Result<Vec<(String, Input)>, JsValue> {
    let mut out = Vec::new();
    for e in Object::entries(v.unchecked_ref()).iter() {
        let pair: Array = e.unchecked_into();
        let k = pair.get(0).as_string().unwrap_or_default();
        if k != skip {
            out.push((k, input_of(&pair.get(1))?));
        }
    }
    Ok(out)
}

/// A JavaScript value as an [`Input`]: bytes stay bytes, numbers keep their
/// integer-ness, `Headers`/`Map` iterate, errors keep their code and message.
pub(crate) fn input_of(v: &JsValue) -> Result<Input, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Input::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Input::Bool(b));
    }
    if let Some(s) = v.as_string() {
        return Ok(Input::Str(s));
    }
    if let Some(f) = v.as_f64() {
        return Ok(if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_991.0 {
            Input::Int(f as i128)
        } else {
            Input::Float(f)
        });
    }
    if v.is_bigint() {
        let b: js_sys::BigInt = v.clone().unchecked_into();
        let s: String = b.to_string(10).map(String::from).unwrap_or_default();
        return s
            .parse::<i128>()
            .map(Input::Int)
            .map_err(|_| invalid("BigInt out of range"));
    }
    if v.is_instance_of::<Uint8Array>() || v.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Input::Bytes(Uint8Array::new(v).to_vec()));
    }
    if v.is_instance_of::<js_sys::DataView>() {
        let d: js_sys::DataView = v.clone().unchecked_into();
        return Ok(Input::Bytes(
            Uint8Array::new_with_byte_offset_and_length(
                &d.buffer(),
                d.byte_offset() as u32,
                d.byte_length() as u32,
            )
            .to_vec(),
        ));
    }
    if Array::is_array(v) {
        return Array::from(v)
            .iter()
            .map(|x| input_of(&x))
            .collect::<Result<Vec<_>, _>>()
            .map(Input::List);
    }
    if v.is_instance_of::<js_sys::Error>() {
        let mut m = vec![(
            "message".to_owned(),
            Input::Str(
                Reflect::get(v, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|x| x.as_string())
                    .unwrap_or_default(),
            ),
        )];
        m.extend(entries_of(v)?);
        return Ok(Input::Map(m));
    }
    if v.is_object() {
        if v.is_function() {
            return Err(invalid("a function is not a value cardwire can take"));
        }
        return entries_of(v).map(Input::Map);
    }
    Err(invalid("unsupported value"))
}

/// An [`Out`] as a JavaScript value: records get camelCase keys, provider
/// JSON keeps its keys, bytes are `Uint8Array`.
pub(crate) fn out_to_js(o: &Out) -> Result<JsValue, JsValue> {
    Ok(match o {
        Out::Null => JsValue::NULL,
        Out::Bool(b) => JsValue::from_bool(*b),
        Out::Int(i) => int_to_js(*i),
        Out::Str(s) => JsValue::from_str(s),
        Out::Bytes(b) => Uint8Array::from(b.as_slice()).into(),
        // Portable text goes through the host's own JSON.parse (one crossing).
        Out::JsonText(text) => match js_sys::JSON::parse(text) {
            Ok(parsed) => parsed,
            Err(_) => match cardwire::exact_json::parse(text.as_bytes()) {
                Ok(v) => out_to_js(&Out::Json(v))?,
                Err(_) => JsValue::NULL,
            },
        },
        Out::Json(v) => json_to_js(v),
        Out::Headers(pairs) => {
            let obj = Object::new();
            for (k, v) in pairs {
                set(&obj, k, &JsValue::from_str(v));
            }
            obj.into()
        }
        Out::Record(_, fields) => {
            // `raw` first: an `InRaw` field is a part of it.
            let raw = match fields.iter().find(|(k, _)| *k == "raw") {
                Some((_, v)) if fields.iter().any(|(_, f)| matches!(f, Out::InRaw(_))) => {
                    Some(out_to_js(v)?)
                }
                _ => None,
            };
            let obj = Object::new();
            for (k, v) in fields {
                let value = match (v, &raw) {
                    (_, Some(raw)) if *k == "raw" => raw.clone(),
                    (Out::InRaw(None), Some(raw)) => raw.clone(),
                    (Out::InRaw(Some(member)), Some(raw)) => {
                        Reflect::get(raw, &JsValue::from_str(member))?
                    }
                    _ => out_to_js(v)?,
                };
                set_member(&obj, &record_key(k), &value);
            }
            obj.into()
        }
        Out::List(items) => {
            let a = Array::new();
            for x in items {
                a.push(&out_to_js(x)?);
            }
            a.into()
        }
        _ => JsValue::NULL,
    })
}

/// Provider JSON as the Node addon gives it: scalars directly (a number
/// that is no safe integer as its text); objects and arrays as JSON text
/// the host's own `JSON.parse` builds in one crossing (integers beyond 2^53
/// turned into their text first, so nothing is rounded).
fn json_to_js(v: &serde_json::Value) -> JsValue {
    use serde_json::Value;
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => int_to_js(i),
            (None, Some(u)) => JsValue::from_str(&u.to_string()),
            _ => JsValue::from_str(&n.to_string()),
        },
        Value::String(s) => JsValue::from_str(s),
        Value::Array(_) | Value::Object(_) => serde_json::to_string(&*api::value::js_safe_json(v))
            .ok()
            .and_then(|t| js_sys::JSON::parse(&t).ok())
            .unwrap_or(JsValue::NULL),
    }
}

/// Integers beyond 2^53 would lose digits as a JS number: they come back as
/// their decimal text (as non-integer amounts always do). The native addon
/// does the same.
fn int_to_js(i: i64) -> JsValue {
    if i.unsigned_abs() <= api::value::MAX_SAFE_INTEGER {
        JsValue::from_f64(i as f64)
    } else {
        JsValue::from_str(&i.to_string())
    }
}
