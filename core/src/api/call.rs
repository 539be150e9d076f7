//! Binding one call's arguments and options to the vocabulary: unknown
//! options, missing arguments and wrong types are `invalid_input` with a
//! message that names what to pass, the same in every language.

use super::value::{self, Input};
use super::vocab::{camel, snake, Method, Param};
use crate::error::{Error, Result};

/// A name as the caller may have written it: `private_key_pem` (`privateKeyPem`).
pub(crate) fn shown(name: &str) -> String {
    let c = camel(name);
    if c == name {
        name.to_owned()
    } else {
        format!("{name} ({c})")
    }
}

fn about(doc: &str) -> String {
    if doc.is_empty() {
        String::new()
    } else {
        format!(" ({doc})")
    }
}

/// One call's inputs, checked against its parameters.
#[derive(Debug)]
pub(crate) struct Args<'a> {
    what: &'static str,
    params: &'static [Param],
    positional: &'a [Input],
    named: Vec<(String, &'a Input)>,
}

impl<'a> Args<'a> {
    /// Binds a method's positional arguments and its options map.
    pub(crate) fn method(
        m: &'static Method,
        positional: &'a [Input],
        options: Option<&'a Input>,
    ) -> Result<Self> {
        Self::bind(m.name, m.args, m.options, positional, options)
    }

    /// Binds a constructor's options map (every argument by name).
    pub(crate) fn ctor(
        what: &'static str,
        params: &'static [Param],
        options: &'a Input,
    ) -> Result<Self> {
        Self::bind(what, &[], params, &[], Some(options))
    }

    fn bind(
        what: &'static str,
        params: &'static [Param],
        options: &'static [Param],
        positional: &'a [Input],
        named: Option<&'a Input>,
    ) -> Result<Self> {
        if positional.len() > params.len() {
            return Err(Error::invalid_input(format!(
                "{what} takes {} positional argument{} ({}), got {}",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                params.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
                positional.len()
            )));
        }
        for (i, p) in params.iter().enumerate() {
            if p.required && positional.get(i).is_none_or(Input::is_null) {
                if p.ty == super::vocab::Ty::Body {
                    return Err(value::missing_body(&format!("{what}: {}", shown(p.name))));
                }
                return Err(Error::invalid_input(format!(
                    "{what}: {} is required{}",
                    shown(p.name),
                    about(p.doc)
                )));
            }
        }
        let mut bound = Vec::new();
        match named {
            None | Some(Input::Null) => {}
            Some(Input::Map(m)) => {
                for (k, v) in m {
                    let name = snake(k);
                    if !options.iter().any(|o| o.name == name) {
                        let known: Vec<String> = options.iter().map(|o| shown(o.name)).collect();
                        return Err(Error::invalid_input(format!(
                            "{what}: unknown option {k}; {}",
                            if known.is_empty() {
                                "it takes no options".to_owned()
                            } else {
                                format!("expected one of: {}", known.join(", "))
                            }
                        )));
                    }
                    if !v.is_null() {
                        bound.push((name, v));
                    }
                }
            }
            Some(_) => {
                return Err(Error::invalid_input(format!(
                    "{what}: options must be an object (a map of names to values)"
                )))
            }
        }
        for o in options.iter().filter(|o| o.required) {
            if !bound.iter().any(|(k, _)| k == o.name) {
                return Err(Error::invalid_input(format!(
                    "{what}: {} is required{}",
                    shown(o.name),
                    about(o.doc)
                )));
            }
        }
        Ok(Args {
            what,
            params,
            positional,
            named: bound,
        })
    }

    /// The argument or option `name`, when given and not null.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Input> {
        if let Some(i) = self.params.iter().position(|p| p.name == name) {
            return self.positional.get(i).filter(|v| !v.is_null());
        }
        // A name the table does not list for this call was never accepted
        // from the caller (bind refuses unknown options): absent.
        self.named.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }

    fn label(&self, name: &str) -> String {
        format!("{}: {}", self.what, shown(name))
    }

    fn need(&self, name: &str) -> Result<&'a Input> {
        self.get(name)
            .ok_or_else(|| Error::invalid_input(format!("{} is required", self.label(name))))
    }

    pub(crate) fn str(&self, name: &str) -> Result<String> {
        value::text(self.need(name)?, &self.label(name))
    }

    /// An AES key given as text (parsed by its length) or as exactly 32 bytes.
    pub(crate) fn aes_key(&self, name: &str) -> Result<crate::crypto::keys::AesKey> {
        match self.need(name)? {
            Input::Bytes(b) => crate::crypto::keys::AesKey::from_bytes(b),
            Input::Str(s) => crate::crypto::keys::AesKey::parse(s),
            _ => Err(Error::invalid_key(
                "the AES key must be text (64 hex, 44 Base64 or 32 raw characters) or exactly 32 bytes",
            )),
        }
    }

    pub(crate) fn opt_str(&self, name: &str) -> Result<Option<String>> {
        self.get(name)
            .map(|v| value::text(v, &self.label(name)))
            .transpose()
    }

    pub(crate) fn uint(&self, name: &str) -> Result<u64> {
        value::uint(self.need(name)?, &self.label(name))
    }

    pub(crate) fn opt_uint(&self, name: &str) -> Result<Option<u64>> {
        self.get(name)
            .map(|v| value::uint(v, &self.label(name)))
            .transpose()
    }

    pub(crate) fn status(&self, name: &str) -> Result<u16> {
        u16::try_from(self.uint(name)?)
            .ok()
            .filter(|s| (100..=999).contains(s))
            .ok_or_else(|| {
                Error::invalid_input(format!(
                    "{} must be an HTTP status (100-999)",
                    self.label(name)
                ))
            })
    }

    pub(crate) fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        self.get(name)
            .map(|v| value::boolean(v, &self.label(name)))
            .transpose()
    }

    pub(crate) fn body(&self, name: &str) -> Result<std::borrow::Cow<'a, [u8]>> {
        match self.get(name) {
            // The common case without formatting the label of an error.
            Some(Input::Bytes(b)) => Ok(std::borrow::Cow::Borrowed(b)),
            other => value::body(other.unwrap_or(&Input::Null), &self.label(name)),
        }
    }

    pub(crate) fn headers(&self, name: &str) -> Result<crate::envelope::Headers> {
        value::headers(self.get(name).unwrap_or(&Input::Null))
    }

    pub(crate) fn payload(&self, name: &str) -> Result<Vec<u8>> {
        value::payload_bytes(self.need(name)?, &self.label(name))
    }

    /// The request payload of a call with a `path`: like [`opt_payload`],
    /// and an exact decimal (Python `decimal.Decimal`) in a field the
    /// endpoint's table documents as a decimal *string* is sent as a string.
    ///
    /// [`opt_payload`]: Self::opt_payload
    pub(crate) fn request_payload(
        &self,
        provider: crate::registry::Provider,
    ) -> Result<Option<Vec<u8>>> {
        let Some(v) = self.get("payload") else {
            return Ok(None);
        };
        let converted;
        let v = match v {
            Input::Map(m) if m.iter().any(|(_, x)| matches!(x, Input::Decimal(_))) => {
                let path = self.opt_str("path")?.unwrap_or_default();
                let text_fields = crate::registry::decimal_text_fields(provider, &path);
                converted = Input::Map(
                    m.iter()
                        .map(|(k, x)| match x {
                            Input::Decimal(d) if text_fields.contains(&k.as_str()) => {
                                (k.clone(), Input::Str(d.trim().to_owned()))
                            }
                            other => (k.clone(), other.clone()),
                        })
                        .collect(),
                );
                &converted
            }
            other => other,
        };
        value::payload_bytes(v, &self.label("payload")).map(Some)
    }

    pub(crate) fn opt_payload(&self, name: &str) -> Result<Option<Vec<u8>>> {
        self.get(name)
            .map(|v| value::payload_bytes(v, &self.label(name)))
            .transpose()
    }

    pub(crate) fn json(&self, name: &str) -> Result<serde_json::Value> {
        value::json_value(self.need(name)?, &self.label(name))
    }

    pub(crate) fn opt_json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        self.get(name)
            .map(|v| value::json_value(v, &self.label(name)))
            .transpose()
    }

    pub(crate) fn bytes(&self, name: &str) -> Result<Vec<u8>> {
        value::bytes(self.need(name)?, &self.label(name))
    }

    pub(crate) fn opt_bytes(&self, name: &str) -> Result<Option<Vec<u8>>> {
        self.get(name)
            .map(|v| value::bytes(v, &self.label(name)))
            .transpose()
    }

    pub(crate) fn pairs(&self, name: &str) -> Result<Vec<(String, String)>> {
        value::pairs(self.get(name).unwrap_or(&Input::Null), &self.label(name))
    }

    /// One of `values` (checked against the vocabulary's list).
    pub(crate) fn opt_choice(&self, name: &str, values: &[&str]) -> Result<Option<String>> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(v) if values.contains(&v.as_str()) => Ok(Some(v)),
            Some(v) => Err(Error::invalid_input(format!(
                "{} must be one of {}, not {v:?}",
                self.label(name),
                values
                    .iter()
                    .map(|x| format!("{x:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// A window: milliseconds, or `off`.
    pub(crate) fn opt_window(&self, name: &str) -> Result<Option<Option<u64>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Input::Str(s)) if s == "off" => Ok(Some(None)),
            Some(v) => value::uint(
                v,
                &format!("{} (milliseconds, or \"off\")", self.label(name)),
            )
            .map(|ms| Some(Some(ms))),
        }
    }
}
