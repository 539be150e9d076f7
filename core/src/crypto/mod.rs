//! A small hazmat layer over RustCrypto. Providers call these functions and
//! nothing below them, so an accelerated backend can be swapped in here
//! without touching provider code.

pub mod aes_ecb;
pub mod aes_gcm;
pub mod hmac_sha256;
pub mod md5_sign;
pub mod rsa_pkcs1;
pub mod rsa_pss;
pub mod secretbox;

use rand_core::CryptoRngCore;

/// Fills `buf` from the caller's RNG.
pub(crate) fn random_bytes<R: CryptoRngCore + ?Sized>(rng: &mut R, buf: &mut [u8]) {
    rng.fill_bytes(buf);
}
