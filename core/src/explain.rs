//! Explaining a verification: every check a verifier makes, in its order,
//! with what was expected and what arrived, and the first that fails.
//!
//! The verifiers themselves report their steps to a [`Tracer`] (a no-op
//! [`NoTrace`] on the normal path, compiled away), so an explanation is the
//! real verification, not a second implementation of it. Details never carry
//! a secret: a signed string that contains one shows it as `[redacted]`, and
//! a MAC or signature appears only as what arrived and what the known key
//! gives.

use std::fmt;

use crate::error::{Error, Result};

/// One check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// What is checked, in words (`signature (RSA-PSS-SHA256)`).
    pub check: &'static str,
    /// `None` when it passed; else the stable error code it fails with.
    pub failed: Option<&'static str>,
    /// What was expected and what arrived, or the exact signed text.
    pub detail: String,
}

/// Receives a verifier's steps.
pub trait Tracer {
    /// Records one check and its outcome.
    fn step(&mut self, check: &'static str, failed: Option<&'static str>, detail: String);
    /// Whether details are wanted (they cost a format!; the no-op says no).
    fn wants_detail(&self) -> bool;
}

/// The tracer of the normal path: records nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline]
    fn step(&mut self, _: &'static str, _: Option<&'static str>, _: String) {}
    #[inline]
    fn wants_detail(&self) -> bool {
        false
    }
}

/// The steps of one verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Explanation {
    /// Every check made, in order (the verifier stops at the first failure).
    pub steps: Vec<Step>,
}

impl Tracer for Explanation {
    fn step(&mut self, check: &'static str, failed: Option<&'static str>, detail: String) {
        self.steps.push(Step {
            check,
            failed,
            detail,
        });
    }
    fn wants_detail(&self) -> bool {
        true
    }
}

impl Explanation {
    /// The first failing check, if any.
    pub fn first_failure(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.failed.is_some())
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.steps.iter().enumerate() {
            let mark = match s.failed {
                None => "ok  ".to_owned(),
                Some(code) => format!("FAIL {code}"),
            };
            writeln!(f, "{:>2}. {mark}  {}", i + 1, s.check)?;
            for line in s.detail.lines() {
                writeln!(f, "        {line}")?;
            }
        }
        match self.first_failure() {
            Some(s) => writeln!(
                f,
                "first failing check: {} ({})",
                s.check,
                s.failed.unwrap_or("")
            ),
            None => writeln!(f, "every check passed"),
        }
    }
}

/// Runs one check: records it (with `detail` when the tracer wants it) and
/// passes the result on.
pub(crate) fn check<T, Tr: Tracer + ?Sized>(
    t: &mut Tr,
    name: &'static str,
    r: Result<T>,
    detail: impl FnOnce(&Result<T>) -> String,
) -> Result<T> {
    let d = if t.wants_detail() {
        detail(&r)
    } else {
        String::new()
    };
    t.step(name, r.as_ref().err().map(Error::code), d);
    r
}

/// Records a note that is not a check (the exact signed text).
pub(crate) fn note<Tr: Tracer + ?Sized>(
    t: &mut Tr,
    name: &'static str,
    detail: impl FnOnce() -> String,
) {
    if t.wants_detail() {
        t.step(name, None, detail());
    }
}

/// Bytes as text for a detail line: UTF-8 when it is, else hex; long ones
/// shortened in the middle.
/// What arrived in a header or field, for a check's detail: the text
/// quoted, or "nothing (absent)"; never Rust's `Some(..)` / `None`.
pub(crate) fn arrived(v: Option<&str>) -> String {
    match v {
        Some(s) => format!("arrived {s:?}"),
        None => "nothing arrived (absent)".to_owned(),
    }
}

/// [`arrived`] for a JSON member (shown as JSON).
pub(crate) fn arrived_json(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(v) => format!("arrived {v}"),
        None => "nothing arrived (absent)".to_owned(),
    }
}

/// Why a signature over `signed` failed, when the key could be told apart:
/// `made_with` says the signature came from this key's private half, so
/// the signed bytes changed; otherwise another key signed it. A body that
/// looks re-serialized (pretty-printed JSON) gets a hint.
pub(crate) fn signature_failure(made_with: bool, signed: &[u8], what_changed: &str) -> String {
    let mut s = if made_with {
        format!("does not verify, but the signature was made with this key's pair: the signed text changed ({what_changed})")
    } else {
        "does not verify: the signature was not made with this key's pair (another key: check which public key this account was given, or a signature that is not this scheme)".to_owned()
    };
    if looks_reserialized(signed) {
        s.push_str("; the body looks re-serialized (pretty-printed JSON): verify the raw bytes as received, before any JSON parser or logger rewrites them");
    }
    s
}

/// Pretty-printed JSON: a newline followed by indentation, or `": "`
/// between a key and its value outside strings is how serializers
/// re-format; providers send compact JSON.
fn looks_reserialized(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let t = text.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && (text.contains("\n  ") || text.contains("\n\t") || text.contains("{\n"))
}

pub(crate) fn shown(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => format!("(binary, hex) {}", crate::encoding::hex_encode(bytes)),
    };
    if text.chars().count() > 600 {
        let head: String = text.chars().take(300).collect();
        let tail: String = text
            .chars()
            .rev()
            .take(200)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head}…[{} characters]…{tail}", text.chars().count())
    } else {
        text
    }
}
