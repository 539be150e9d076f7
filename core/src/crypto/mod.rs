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
pub mod hmac_sha256;
pub mod md5_sign;
pub mod rsa_pkcs1;
pub mod rsa_pss;
pub mod secretbox;

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

/// Fills `buf` from the caller's RNG.
pub(crate) fn random_bytes<R: CryptoRngCore + ?Sized>(rng: &mut R, buf: &mut [u8]) {
    rng.fill_bytes(buf);
}
