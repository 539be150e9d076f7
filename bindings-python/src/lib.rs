//! cardwire for Python (pyo3, abi3). Thin by design: Python values become
//! the binding layer's `Input`, its `Out` becomes Python values, errors
//! become the exception classes of `cardwire._errors`. The classes, options
//! and result shapes are the core's (`cardwire::api`); the Python class glue
//! is generated from the same table. The GIL is released around every call,
//! so threads scale (RSA and bulk crypto run in parallel).

use cardwire::api::{self, Host, Input, Instance, Out};
use cardwire::delivery::{ReplayGuard, Seen};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};

/// The host: the system clock and the operating system's CSPRNG (the
/// source `os.urandom` reads).
struct PyHost;

impl Host for PyHost {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }

    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        getrandom::getrandom(buf).map_err(|_| cardwire::Error::RandomUnavailable)
    }
}

/// A replay store written in Python: `seen(key, ttl_ms) -> bool`. An
/// exception or a non-bool answer is `store_unavailable`, never "new".
struct PyStore(Py<PyAny>);

impl ReplayGuard for PyStore {
    fn check_and_record(&mut self, key: &str, _now_ms: u64, ttl_ms: u64) -> cardwire::Result<Seen> {
        Python::attach(|py| {
            let answer = self
                .0
                .bind(py)
                .call_method1("seen", (key, ttl_ms))
                .map_err(|e| cardwire::Error::StoreUnavailable {
                    reason: format!(
                        "the store's seen() raised {}",
                        e.get_type(py)
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    ),
                })?;
            match answer.cast::<PyBool>() {
                Ok(b) if b.is_true() => Ok(Seen::Again),
                Ok(_) => Ok(Seen::First),
                Err(_) => Err(cardwire::Error::StoreUnavailable {
                    reason: "the store's seen() returned no bool (an awaitable? use check_webhook with an async store)"
                        .to_owned(),
                }),
            }
        })
    }
}

static ERRORS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A core error as the exception class of its code, with `code`, `message`
/// and the binding layer's fields as attributes.
fn raise(py: Python<'_>, e: &cardwire::Error) -> PyErr {
    let info = api::error_info(e);
    let build = || -> PyResult<PyErr> {
        let by_code = ERRORS
            .get_or_try_init(py, || {
                py.import("cardwire._errors")?
                    .getattr("_BY_CODE")
                    .map(Bound::unbind)
            })?
            .bind(py);
        let class = by_code.get_item(info.code)?;
        let exc = class.call1((info.message.clone(),))?;
        exc.setattr("code", info.code)?;
        exc.setattr("message", &info.message)?;
        for (k, v) in &info.fields {
            exc.setattr(*k, to_py(py, v)?)?;
        }
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

fn invalid(py: Python<'_>, reason: String) -> PyErr {
    raise(py, &cardwire::Error::InvalidInput { reason })
}

/// A Python value as an `Input`: `bool` before `int`, `Decimal` as its exact
/// text, bytes-likes as bytes, any mapping (dict, Starlette/Werkzeug/Django
/// headers) by its `items()`, a raised `CardwireError` by its attributes.
fn input_of(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Input> {
    if v.is_none() {
        return Ok(Input::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Input::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        return v
            .extract::<i128>()
            .map(Input::Int)
            .map_err(|_| invalid(py, "an integer is too large".to_owned()));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(Input::Float(f.value()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return s
            .to_cow()
            .map(|t| Input::Str(t.into_owned()))
            .map_err(|_| invalid(py, "text is not valid Unicode (lone surrogates)".to_owned()));
    }
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(Input::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = v.cast::<PyByteArray>() {
        return Ok(Input::Bytes(b.to_vec()));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut m = Vec::with_capacity(d.len());
        for (k, x) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| invalid(py, "mapping keys must be text".to_owned()))?
                .to_cow()?
                .into_owned();
            m.push((key, input_of(py, &x)?));
        }
        return Ok(Input::Map(m));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        return v
            .try_iter()?
            .map(|x| input_of(py, &x?))
            .collect::<PyResult<Vec<_>>>()
            .map(Input::List);
    }
    let decimal = DECIMAL.get_or_try_init(py, || {
        py.import("decimal")?.getattr("Decimal").map(Bound::unbind)
    })?;
    if v.is_instance(decimal.bind(py))? {
        let text: String = v.str()?.extract()?;
        return Ok(Input::Decimal(text));
    }
    if v.get_type().name()?.to_cow()? == "memoryview" {
        return Ok(Input::Bytes(
            v.call_method0("tobytes")?
                .cast::<PyBytes>()?
                .as_bytes()
                .to_vec(),
        ));
    }
    if v.hasattr("code")? && v.is_instance_of::<pyo3::exceptions::PyException>() {
        let mut m = Vec::new();
        for name in [
            "code",
            "message",
            "errors",
            "provider_code",
            "provider_message",
            "status",
            "retryable",
            "outcome_unknown",
            "retry_after_ms",
            "request_id",
            "authenticated",
        ] {
            if let Ok(x) = v.getattr(name) {
                m.push((name.to_owned(), input_of(py, &x)?));
            }
        }
        return Ok(Input::Map(m));
    }
    if v.hasattr("items")? {
        let mut m = Vec::new();
        for item in v.call_method0("items")?.try_iter()? {
            let item = item?;
            let (k, x): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key = if let Ok(b) = k.cast::<PyBytes>() {
                String::from_utf8_lossy(b.as_bytes()).into_owned()
            } else {
                k.str()?.to_cow()?.into_owned()
            };
            let value = if let Ok(b) = x.cast::<PyBytes>() {
                Input::Str(String::from_utf8_lossy(b.as_bytes()).into_owned())
            } else {
                input_of(py, &x)?
            };
            m.push((key, value));
        }
        return Ok(Input::Map(m));
    }
    Err(invalid(
        py,
        format!(
            "cardwire cannot take a value of type {}: pass str, bytes, int, Decimal, bool, None, a dict, a list or a mapping",
            v.get_type().name()?.to_cow()?
        ),
    ))
}

fn json_to_py(py: Python<'_>, v: &serde_json::Value) -> PyResult<Py<PyAny>> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any().unbind()
            } else {
                // Never binary floating point for money: non-integers arrive
                // as exact decimal text; a stray float stays text too.
                n.to_string().into_pyobject(py)?.into_any().unbind()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(json_to_py(py, x)?)?;
            }
            l.into_any().unbind()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any().unbind()
        }
    })
}

/// An `Out` as Python: records and headers as dicts, bytes as `bytes`,
/// provider JSON as plain dicts and lists.
fn to_py(py: Python<'_>, o: &Out) -> PyResult<Py<PyAny>> {
    Ok(match o {
        Out::Null => py.None(),
        Out::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Out::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Out::Str(s) => s.into_pyobject(py)?.into_any().unbind(),
        Out::Bytes(b) => PyBytes::new(py, b).into_any().unbind(),
        Out::Json(v) => json_to_py(py, v)?,
        Out::Headers(pairs) => {
            let d = PyDict::new(py);
            for (k, v) in pairs {
                d.set_item(k, v)?;
            }
            d.into_any().unbind()
        }
        Out::Record("event", fields) => {
            let mut values = Vec::with_capacity(fields.len());
            for (k, v) in fields {
                values.push((*k, to_py(py, v)?));
            }
            Py::new(py, Event { fields: values })?.into_any()
        }
        Out::Record(_, fields) => {
            let d = PyDict::new(py);
            for (k, v) in fields {
                d.set_item(*k, to_py(py, v)?)?;
            }
            d.into_any().unbind()
        }
        Out::List(items) => {
            let l = PyList::empty(py);
            for x in items {
                l.append(to_py(py, x)?)?;
            }
            l.into_any().unbind()
        }
        _ => py.None(),
    })
}

fn args_of(py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Vec<Input>> {
    args.iter().map(|a| input_of(py, &a)).collect()
}

fn opts_of(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Option<Input>> {
    options.map(|o| input_of(py, o.as_any())).transpose()
}

/// A verified webhook, built here in one allocation: `.type`, `.data`,
/// `.raw`, `.duplicate`, `.delivery_key`, `.retention_ms`, `.delivery_id`,
/// `.timestamp_ms`, `.business_key`. Frozen; also a read-only mapping
/// (`event["type"]`, `dict(event)`; registered as `collections.abc.Mapping`).
#[pyclass(frozen, mapping, module = "cardwire", name = "Event")]
struct Event {
    fields: Vec<(&'static str, Py<PyAny>)>,
}

impl Event {
    fn field(&self, py: Python<'_>, name: &str) -> Py<PyAny> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map_or_else(|| py.None(), |(_, v)| v.clone_ref(py))
    }
}

#[pymethods]
impl Event {
    #[getter(r#type)]
    fn event_type(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "type")
    }
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "data")
    }
    #[getter]
    fn raw(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "raw")
    }
    #[getter]
    fn duplicate(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "duplicate")
    }
    #[getter]
    fn delivery_key(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "delivery_key")
    }
    #[getter]
    fn retention_ms(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "retention_ms")
    }
    #[getter]
    fn delivery_id(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "delivery_id")
    }
    #[getter]
    fn timestamp_ms(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "timestamp_ms")
    }
    #[getter]
    fn business_key(&self, py: Python<'_>) -> Py<PyAny> {
        self.field(py, "business_key")
    }

    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let name = key
            .cast::<PyString>()
            .ok()
            .and_then(|s| s.to_cow().ok().map(|c| c.into_owned()));
        match self
            .fields
            .iter()
            .find(|(k, _)| Some(*k) == name.as_deref())
        {
            Some((_, v)) => Ok(v.clone_ref(py)),
            None => Err(pyo3::exceptions::PyKeyError::new_err(key.clone().unbind())),
        }
    }

    fn __contains__(&self, key: &Bound<'_, PyAny>) -> bool {
        key.cast::<PyString>()
            .ok()
            .and_then(|s| {
                s.to_cow()
                    .ok()
                    .map(|n| self.fields.iter().any(|(k, _)| *k == n))
            })
            .unwrap_or(false)
    }

    fn __len__(&self) -> usize {
        self.fields.len()
    }

    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.keys(py)?.bind(py).try_iter()?.into_any().unbind())
    }

    fn keys(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        Ok(PyList::new(py, self.fields.iter().map(|(k, _)| *k))?.unbind())
    }

    fn values(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        Ok(PyList::new(py, self.fields.iter().map(|(_, v)| v.clone_ref(py)))?.unbind())
    }

    fn items(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        let pairs = self
            .fields
            .iter()
            .map(|(k, v)| {
                PyTuple::new(
                    py,
                    [k.into_pyobject(py)?.into_any().unbind(), v.clone_ref(py)],
                )
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, pairs)?.unbind())
    }

    #[pyo3(signature = (key, default=None))]
    fn get(&self, py: Python<'_>, key: &Bound<'_, PyAny>, default: Option<Py<PyAny>>) -> Py<PyAny> {
        self.__getitem__(py, key)
            .unwrap_or_else(|_| default.unwrap_or_else(|| py.None()))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let mine = PyDict::new(py);
        for (k, v) in &self.fields {
            mine.set_item(*k, v)?;
        }
        if other.hasattr("keys")? {
            let theirs = PyDict::new(py);
            theirs.call_method1("update", (other,))?;
            return mine.eq(theirs);
        }
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |name: &str| -> PyResult<String> {
            Ok(self.field(py, name).bind(py).repr()?.to_cow()?.into_owned())
        };
        Ok(format!(
            "Event(type={}, duplicate={}, delivery_key={})",
            r("type")?,
            r("duplicate")?,
            r("delivery_key")?
        ))
    }
}

/// One instance of a cardwire class (the generated classes hold one).
#[pyclass(frozen, module = "cardwire._native", name = "Handle")]
struct Handle {
    inner: Instance,
}

#[pymethods]
impl Handle {
    #[new]
    fn new(py: Python<'_>, class: &str, options: &Bound<'_, PyDict>) -> PyResult<Self> {
        let store = options.get_item("store")?.filter(|s| !s.is_none());
        if let Some(s) = &store {
            if !s.hasattr("seen")? {
                return Err(invalid(
                    py,
                    "store must have a seen(key, ttl_ms) method".to_owned(),
                ));
            }
        }
        let opts = PyDict::new(py);
        for (k, v) in options.iter() {
            if k.extract::<String>().ok().as_deref() != Some("store") {
                opts.set_item(k, v)?;
            }
        }
        let input = input_of(py, opts.as_any())?;
        let class = class.to_owned();
        let inner = py
            .detach(move || Instance::new(&class, &input, &PyHost))
            .map_err(|e| raise(py, &e))?;
        if let Some(s) = store {
            inner.set_store(Box::new(PyStore(s.unbind())));
        }
        Ok(Handle { inner })
    }

    /// `call(method, args, options)`: a method of the class, by its vocabulary name.
    #[pyo3(signature = (method, args, options=None))]
    fn call(
        &self,
        py: Python<'_>,
        method: &str,
        args: &Bound<'_, PyTuple>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let a = args_of(py, args)?;
        let o = opts_of(py, options)?;
        let out = py
            .detach(|| self.inner.call(method, &a, o.as_ref(), &PyHost))
            .map_err(|e| raise(py, &e))?;
        to_py(py, &out)
    }
}

/// `call_static(class, method, args, options)`.
#[pyfunction]
#[pyo3(signature = (class, method, args, options=None))]
fn call_static(
    py: Python<'_>,
    class: &str,
    method: &str,
    args: &Bound<'_, PyTuple>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let a = args_of(py, args)?;
    let o = opts_of(py, options)?;
    let out =
        api::call_static(class, method, &a, o.as_ref(), &PyHost).map_err(|e| raise(py, &e))?;
    to_py(py, &out)
}

/// `call_function(name, args, options)`: `validate`, `error_codes`, `status_model`.
#[pyfunction]
#[pyo3(signature = (name, args, options=None))]
fn call_function(
    py: Python<'_>,
    name: &str,
    args: &Bound<'_, PyTuple>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let a = args_of(py, args)?;
    let o = opts_of(py, options)?;
    let out = py
        .detach(|| api::call_function(name, &a, o.as_ref(), &PyHost))
        .map_err(|e| raise(py, &e))?;
    to_py(py, &out)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Handle>()?;
    m.add_class::<Event>()?;
    m.add_function(wrap_pyfunction!(call_static, m)?)?;
    m.add_function(wrap_pyfunction!(call_function, m)?)?;
    m.add("backend", cardwire::crypto::backend())?;
    m.add("codes", cardwire::CODES.to_vec())?;
    Ok(())
}
