//! What a binding supplies from its host: a clock and a CSPRNG. Nothing
//! else crosses from the host into the core.

use crate::crypto::seeded_rng::SeededRng;

use crate::error::{Error, Result};

/// The host's clock and randomness. A binding implements this once
/// (`Date.now()` and `crypto.getRandomValues`; `time.time()` and
/// the operating system's CSPRNG, as `os.urandom` reads it).
pub trait Host {
    /// Unix milliseconds.
    fn now_ms(&self) -> u64;
    /// Fills `buf` from the operating system's CSPRNG; an error when there is
    /// none (never a silent fallback).
    fn fill_random(&self, buf: &mut [u8]) -> Result<()>;
    /// Whether the host's own JSON parser should read provider JSON (V8's
    /// `JSON.parse` in Node and browsers): then a verified body that every
    /// parser reads alike comes back as its text ([`Out::JsonText`]) and an
    /// event's `data` as a part of it ([`Out::InRaw`]), instead of values to
    /// convert one by one. `false` by default.
    ///
    /// [`Out::JsonText`]: crate::api::Out::JsonText
    /// [`Out::InRaw`]: crate::api::Out::InRaw
    fn parses_json_text(&self) -> bool {
        false
    }
}

/// The RNG of one call: seeded from the host's CSPRNG (or the caller's
/// `random` seed, for reproducible tests).
pub(crate) fn call_rng(host: &dyn Host, seed: Option<Vec<u8>>) -> Result<SeededRng> {
    let seed: [u8; 32] = match seed {
        Some(s) => s
            .try_into()
            .map_err(|_| Error::invalid_input("random must be exactly 32 bytes"))?,
        None => {
            let mut s = [0u8; 32];
            host.fill_random(&mut s)?;
            s
        }
    };
    Ok(SeededRng::new(seed))
}

/// A nonce of `n` random bytes as lowercase hex.
pub(crate) fn random_hex(host: &dyn Host, n: usize) -> Result<String> {
    let mut b = vec![0u8; n];
    host.fill_random(&mut b)?;
    Ok(crate::encoding::hex_encode(&b))
}
