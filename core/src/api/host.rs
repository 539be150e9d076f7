//! What a binding supplies from its host: a clock and a CSPRNG. Nothing
//! else crosses from the host into the core.

use rand_core::{CryptoRng, RngCore};
use salsa20::cipher::{KeyIvInit, StreamCipher};
use salsa20::XSalsa20;

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
}

/// The RNG of one call: the XSalsa20 keystream under 32 bytes from the
/// host's CSPRNG (or the caller's `random` seed, for reproducible tests).
/// Drawing the key can fail and is checked; the stream itself cannot. (The
/// cipher is the one PinToPay's secretbox already links in.)
pub(crate) struct CallRng(XSalsa20);

impl std::fmt::Debug for CallRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallRng([redacted])")
    }
}

impl RngCore for CallRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0);
        self.0.apply_keystream(dest);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> std::result::Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for CallRng {}

pub(crate) fn call_rng(host: &dyn Host, seed: Option<Vec<u8>>) -> Result<CallRng> {
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
    Ok(CallRng(XSalsa20::new(&seed.into(), &[0u8; 24].into())))
}

/// A nonce of `n` random bytes as lowercase hex.
pub(crate) fn random_hex(host: &dyn Host, n: usize) -> Result<String> {
    let mut b = vec![0u8; n];
    host.fill_random(&mut b)?;
    Ok(crate::encoding::hex_encode(&b))
}
