//! A seeded CSPRNG: the XSalsa20 keystream under a 32-byte seed. The binding
//! layer seeds one per call from the host (or from a caller's seed, for
//! reproducible tests).

use rand_core::{CryptoRng, RngCore};
use salsa20::cipher::{KeyIvInit, StreamCipher};
use salsa20::XSalsa20;

/// The RNG of one call: the XSalsa20 keystream under 32 bytes from the
/// host's CSPRNG (or the caller's `random` seed, for reproducible tests).
/// Drawing the key can fail and is checked; the stream itself cannot. (The
/// cipher is the one PinToPay's secretbox already links in.)
pub(crate) struct SeededRng(XSalsa20);

impl std::fmt::Debug for SeededRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeededRng([redacted])")
    }
}

impl RngCore for SeededRng {
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
impl CryptoRng for SeededRng {}

impl SeededRng {
    /// The stream under `seed`.
    pub(crate) fn new(seed: [u8; 32]) -> Self {
        SeededRng(XSalsa20::new(&seed.into(), &[0u8; 24].into()))
    }
}
