//! RSA signature checks made outside the core, by a host whose own
//! verifier is faster but asynchronous (the WebAssembly binding's WebCrypto
//! path, feature `deferred-verify`; no other build has this module).
//!
//! The binding runs a call with deferral on ([`run`]). At its RSA check the
//! core records what to check ([`Wanted`]) and, unless the host already
//! accepted that very check (its ticket: SHA-256 over the algorithm, the
//! key, the message and the signature), fails the check as
//! `signature_invalid`, so nothing of the message is returned. The binding
//! checks it with WebCrypto; when that says yes, it runs the same call again
//! with the ticket, and this time the check passes. When it says no, the
//! binding runs the call on the pure path, which gives its own verdict
//! (another PSS salt length) or the exact error. Only the binding sets the
//! ticket, and only after its own successful check.

use std::cell::RefCell;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use super::keys::Jwk;
use super::keys::RsaPublicKey;
use crate::error::{Error, Result};

/// What the host is asked to check.
#[derive(Debug, Clone)]
pub struct Wanted {
    /// `RSA-PSS` (salt 32: what a host verifier is asked for) or `RSASSA-PKCS1-v1_5`, SHA-256.
    pub algorithm: &'static str,
    /// The key's id ([`Jwk::id`]): the same id, the same `n` and `e`.
    pub key_id: u64,
    /// The public key's modulus, big-endian (JWK `n`).
    pub n: Vec<u8>,
    /// The public key's exponent, big-endian (JWK `e`).
    pub e: Vec<u8>,
    /// The exact signed bytes.
    pub message: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

impl Wanted {
    /// What to give back (through [`run`]) once the check succeeded: SHA-256
    /// over the algorithm, the key, the message and the signature, each
    /// length-prefixed. Made only when asked for (an optimistic call whose
    /// check passes never needs it).
    pub fn ticket(&self) -> [u8; 32] {
        ticket(
            self.algorithm,
            &self.n,
            &self.e,
            &self.message,
            &self.signature,
        )
    }

    fn is(&self, algorithm: &str, n: &[u8], e: &[u8], message: &[u8], signature: &[u8]) -> bool {
        self.algorithm == algorithm
            && self.n == n
            && self.e == e
            && self.message == message
            && self.signature == signature
    }
}

fn ticket(algorithm: &str, n: &[u8], e: &[u8], message: &[u8], signature: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [algorithm.as_bytes(), n, e, message, signature] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// Told of the check the moment the call reaches it, while the call goes
/// on: a host with an asynchronous verifier starts it there, so the check
/// and the rest of the call overlap.
pub type Notify = Box<dyn FnMut(&Wanted)>;

struct State {
    accepted: Option<[u8; 32]>,
    notify: Option<Notify>,
    wanted: Option<Wanted>,
    /// Let the check pass for now (the binding returns nothing of the call
    /// before its own check passed): for calls without side effects.
    optimistic: bool,
    /// The call reached more than one check: nothing passes for now.
    several: bool,
}

/// What a deferred run asks of the host.
#[derive(Debug, Default)]
pub struct Asked {
    /// The check to make.
    pub wanted: Option<Wanted>,
    /// The call reached two different checks: run it on the pure path.
    pub several: bool,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Runs `f` with deferral on: `accepted` is the ticket of a check the host
/// made and passed. Returns `f`'s result and the check the host is asked
/// for, if `f` reached one it had not accepted.
pub fn run<T>(accepted: Option<[u8; 32]>, f: impl FnOnce() -> T) -> (T, Option<Wanted>) {
    let (out, asked) = run_with(accepted, false, f);
    (out, asked.wanted)
}

/// [`run`], optimistic or not: optimistic, a check not yet accepted passes
/// for now (the binding keeps the result until its own check passed, and
/// uses this only for calls without side effects, such as `check_webhook`).
pub fn run_with<T>(
    accepted: Option<[u8; 32]>,
    optimistic: bool,
    f: impl FnOnce() -> T,
) -> (T, Asked) {
    run_notifying(accepted, optimistic, None, f)
}

/// [`run_with`], telling `notify` of the check the moment the call reaches
/// it (not again for the same check; never for one already accepted).
pub fn run_notifying<T>(
    accepted: Option<[u8; 32]>,
    optimistic: bool,
    notify: Option<Notify>,
    f: impl FnOnce() -> T,
) -> (T, Asked) {
    // A run inside a run (host code called back during the call, calling
    // in again) has its own state; the outer one is put back after it.
    let outer = STATE.with(|s| {
        s.replace(Some(State {
            accepted,
            notify,
            wanted: None,
            optimistic,
            several: false,
        }))
    });
    let out = f();
    let asked = STATE
        .with(|s| s.replace(outer))
        .map(|s| Asked {
            several: s.several,
            wanted: if s.several { None } else { s.wanted },
        })
        .unwrap_or_default();
    (out, asked)
}

#[cfg_attr(not(feature = "deferred-verify"), allow(dead_code))]
/// At an RSA check: `None` when no deferral is on (check here as usual);
/// `Some(Ok)` when the host checked this very signature and it passed;
/// `Some(Err(signature_invalid))` after recording what the host must check.
pub(crate) fn consult(
    algorithm: &'static str,
    key: &RsaPublicKey,
    message: &[u8],
    signature: &[u8],
) -> Option<Result<()>> {
    // The host is told outside the state's borrow (its code may call in again).
    let mut tell: Option<(Notify, Wanted)> = None;
    let answer = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let state = s.as_mut()?;
        let Jwk { id, n, e } = key.jwk();
        if state
            .accepted
            .is_some_and(|a| bool::from(a.ct_eq(&ticket(algorithm, n, e, message, signature))))
        {
            return Some(Ok(()));
        }
        match &state.wanted {
            // A second, different check in one call: nothing passes for now.
            Some(w) if !w.is(algorithm, n, e, message, signature) => {
                state.several = true;
                return Some(Err(Error::SignatureInvalid));
            }
            Some(_) => {}
            None => {
                let w = Wanted {
                    algorithm,
                    key_id: *id,
                    n: n.clone(),
                    e: e.clone(),
                    message: message.to_vec(),
                    signature: signature.to_vec(),
                };
                if let Some(notify) = state.notify.take() {
                    tell = Some((notify, w.clone()));
                }
                state.wanted = Some(w);
            }
        }
        Some(if state.optimistic && !state.several {
            Ok(())
        } else {
            Err(Error::SignatureInvalid)
        })
    });
    if let Some((mut notify, w)) = tell {
        notify(&w);
        STATE.with(|s| {
            if let Some(state) = s.borrow_mut().as_mut() {
                state.notify = Some(notify);
            }
        });
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_asked_for_then_passes_only_with_its_own_ticket() {
        let pem = include_str!("../../../tests/vectors/keys/platform_2048.spki.pem");
        let key = RsaPublicKey::parse(pem).expect("parses");
        // Off: no answer.
        assert!(consult("RSA-PSS", &key, b"m", b"s").is_none());
        let (r, wanted) = run(None, || consult("RSA-PSS", &key, b"m", b"s"));
        assert!(matches!(r, Some(Err(Error::SignatureInvalid))));
        let w = wanted.expect("asked");
        assert_eq!(
            (w.message.as_slice(), w.signature.as_slice()),
            (&b"m"[..], &b"s"[..])
        );
        // Its own ticket passes; for another message or signature it does not.
        let (r, again) = run(Some(w.ticket()), || consult("RSA-PSS", &key, b"m", b"s"));
        assert!(matches!(r, Some(Ok(()))) && again.is_none());
        let (r, _) = run(Some(w.ticket()), || consult("RSA-PSS", &key, b"m2", b"s"));
        assert!(matches!(r, Some(Err(_))));
        let (r, _) = run(Some(w.ticket()), || {
            consult("RSASSA-PKCS1-v1_5", &key, b"m", b"s")
        });
        assert!(matches!(r, Some(Err(_))));
        // Told of the check as the call reaches it, once.
        let told = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = std::rc::Rc::clone(&told);
        let (r, asked) = run_notifying(
            None,
            true,
            Some(Box::new(move |w: &Wanted| {
                sink.borrow_mut().push(w.message.clone())
            })),
            || {
                let seen_before = told.borrow().len();
                let first = consult("RSA-PSS", &key, b"m", b"s");
                let seen_after = told.borrow().len();
                (
                    seen_before,
                    first,
                    seen_after,
                    consult("RSA-PSS", &key, b"m", b"s"),
                )
            },
        );
        assert_eq!((r.0, r.2), (0, 1));
        assert!(matches!((r.1, r.3), (Some(Ok(())), Some(Ok(())))));
        assert_eq!(told.borrow().as_slice(), &[b"m".to_vec()]);
        assert!(asked.wanted.is_some() && !asked.several);
        // A run inside a run keeps the outer run's check.
        let (_, asked) = run_with(None, true, || {
            let _ = consult("RSA-PSS", &key, b"m", b"s");
            let inner = run_with(None, false, || consult("RSA-PSS", &key, b"x", b"y"));
            assert!(inner.1.wanted.is_some_and(|w| w.message == b"x"));
        });
        assert!(asked.wanted.is_some_and(|w| w.message == b"m") && !asked.several);
        // Off again after the run.
        assert!(consult("RSA-PSS", &key, b"m", b"s").is_none());
        // Optimistic: the check passes for now and is asked for; a second,
        // different check in the same call fails, and the run says so.
        let (r, asked) = run_with(None, true, || consult("RSA-PSS", &key, b"m", b"s"));
        assert!(matches!(r, Some(Ok(()))) && asked.wanted.is_some() && !asked.several);
        let (r, asked) = run_with(None, true, || {
            let first = consult("RSA-PSS", &key, b"m", b"s");
            let second = consult("RSA-PSS", &key, b"m", b"other");
            (first, second)
        });
        assert!(matches!(r.1, Some(Err(Error::SignatureInvalid))));
        assert!(asked.several && asked.wanted.is_none());
    }
}
