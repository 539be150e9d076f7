//! A small hazmat layer. Providers call these functions and nothing below
//! them, so the backend can change here without touching provider code.
//!
//! Two backends: pure Rust (RustCrypto: the reference, and every wasm32
//! build) and, with the `native` feature on other targets, aws-lc-rs for RSA
//! keys of 2048 bits and more ([`backend`] says which one was built). AES-GCM,
//! HMAC, MD5, AES-ECB and XSalsa20-Poly1305 stay on RustCrypto on both:
//! through this API, with keys prepared once, they are already faster than
//! the calls they replace (see BENCHMARKS.md).

pub mod aes_ecb;
pub mod aes_gcm;
// Compiled everywhere (its test runs in every build); consulted only with `deferred-verify`.
pub mod deferred;
pub mod hmac_sha256;
#[cfg(feature = "reveal")]
pub mod hpke;
pub mod keys;
pub mod md5_sign;
mod padding;
pub mod rsa_pkcs1;
pub mod rsa_pss;
pub mod secretbox;
pub(crate) mod seeded_rng;
pub mod signer;

#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub(crate) mod native;

/// The RSA backend this build has: `"native"` (aws-lc-rs for keys of 2048
/// bits and more) or `"pure"` (RustCrypto `rsa` for every key).
pub fn backend() -> &'static str {
    if cfg!(all(feature = "native", not(target_arch = "wasm32"))) {
        "native"
    } else {
        "pure"
    }
}

use rand_core::CryptoRngCore;

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(data).into()
}

/// Whether `a` and `b` are equal, compared in constant time (for a length
/// that is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.ct_eq(b))
}

/// Fills `buf` from the caller's RNG.
pub(crate) fn random_bytes<R: CryptoRngCore + ?Sized>(rng: &mut R, buf: &mut [u8]) {
    rng.fill_bytes(buf);
}
