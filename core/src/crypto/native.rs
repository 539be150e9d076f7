//! The native RSA backend: aws-lc-rs (AWS-LC, OpenSSL-class speed), for the
//! Node and Python builds and Rust users who turn on the `native` feature.
//!
//! AWS-LC takes RSA keys of 2048 bits and more, only exact PSS salt lengths,
//! and no implicit rejection in PKCS#1 v1.5 decryption. So: the key type
//! picks the path when the key is parsed (2048 bits and more: here; smaller:
//! the pure-Rust path); PSS verification in auto mode tries salt 32, then the
//! maximum salt, then the pure-Rust salt-recovering decoder; every failure
//! is the same opaque error on both paths. Behaviour never differs between
//! backends, only speed.
//!
//! One difference that does not change results: AWS-LC draws the PSS salt and
//! the blinding of private-key operations from its own CSPRNG, not from the
//! caller's RNG parameter (the signatures still verify everywhere; they are
//! randomized either way).

use std::sync::Arc;

use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey, OAEP_SHA1_MGF1SHA1,
    OAEP_SHA256_MGF1SHA256,
};
use aws_lc_rs::signature::{self, ParsedPublicKey, RsaKeyPair, RsaParameters, RsaPssSaltLength};

use super::padding::RsaPadding;

/// Smallest modulus AWS-LC takes for private keys and PSS.
pub(crate) const MIN_BITS: usize = 2048;

static PSS_MAX: RsaParameters =
    signature::RSA_PSS_2048_8192_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);

/// A private key on AWS-LC: one key pair for signing, one decrypting key per padding.
#[derive(Clone)]
pub(crate) struct NativePrivate {
    inner: Arc<PrivateParts>,
}

struct PrivateParts {
    pair: RsaKeyPair,
    pkcs1: Pkcs1PrivateDecryptingKey,
    oaep: OaepPrivateDecryptingKey,
}

impl NativePrivate {
    /// From PKCS#8 DER; `None` when AWS-LC refuses the key (too small, odd
    /// exponent): the pure-Rust path then serves it.
    pub(crate) fn from_pkcs8(der: &[u8]) -> Option<Self> {
        let pair = RsaKeyPair::from_pkcs8(der).ok()?;
        let pkcs1 =
            Pkcs1PrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(der).ok()?).ok()?;
        let oaep =
            OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(der).ok()?).ok()?;
        Some(NativePrivate {
            inner: Arc::new(PrivateParts { pair, pkcs1, oaep }),
        })
    }

    /// RSASSA-PSS-SHA256, salt 32. `None` on failure (never expected).
    pub(crate) fn sign_pss(&self, message: &[u8]) -> Option<Vec<u8>> {
        self.sign(&signature::RSA_PSS_SHA256, message)
    }

    /// RSASSA-PKCS1-v1_5-SHA256.
    pub(crate) fn sign_pkcs1(&self, message: &[u8]) -> Option<Vec<u8>> {
        self.sign(&signature::RSA_PKCS1_SHA256, message)
    }

    fn sign(&self, alg: &'static dyn signature::RsaEncoding, message: &[u8]) -> Option<Vec<u8>> {
        let pair = &self.inner.pair;
        let mut sig = vec![0u8; pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        pair.sign(alg, &rng, message, &mut sig).ok()?;
        Some(sig)
    }

    /// Decrypts one modulus-sized block; `None` on any failure (opaque).
    pub(crate) fn decrypt_block(&self, block: &[u8], padding: RsaPadding) -> Option<Vec<u8>> {
        let mut out = vec![
            0u8;
            self.inner
                .pkcs1
                .min_output_size()
                .max(self.inner.oaep.min_output_size())
        ];
        let n = match padding {
            RsaPadding::Pkcs1v15 => self.inner.pkcs1.decrypt(block, &mut out).ok()?.len(),
            RsaPadding::OaepSha1 => self
                .inner
                .oaep
                .decrypt(&OAEP_SHA1_MGF1SHA1, block, &mut out, None)
                .ok()?
                .len(),
            RsaPadding::OaepSha256 => self
                .inner
                .oaep
                .decrypt(&OAEP_SHA256_MGF1SHA256, block, &mut out, None)
                .ok()?
                .len(),
        };
        out.truncate(n);
        Some(out)
    }
}

/// A public key on AWS-LC: parsed once per verification algorithm.
#[derive(Clone)]
pub(crate) struct NativePublic {
    /// PSS, salt exactly 32 (2048 bits and more).
    pss32: Option<ParsedPublicKey>,
    /// PSS, maximum salt (2048 bits and more).
    pss_max: Option<ParsedPublicKey>,
    /// PKCS#1 v1.5 SHA-256 (1024 bits and more).
    pkcs1: Option<ParsedPublicKey>,
}

impl NativePublic {
    /// From SPKI DER and the key's size; `None` when AWS-LC can do nothing with it.
    pub(crate) fn from_spki(der: &[u8], bits: usize) -> Option<Self> {
        let parse = |alg: &'static dyn signature::VerificationAlgorithm| {
            ParsedPublicKey::new(alg, der).ok()
        };
        let pss = bits >= MIN_BITS;
        let native = NativePublic {
            pss32: pss
                .then(|| parse(&signature::RSA_PSS_2048_8192_SHA256))
                .flatten(),
            pss_max: pss.then(|| parse(&PSS_MAX)).flatten(),
            pkcs1: (bits >= 1024)
                .then(|| parse(&signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY))
                .flatten(),
        };
        (native.pss32.is_some() || native.pkcs1.is_some()).then_some(native)
    }

    /// PSS with salt exactly 32: `Some(true)` verified, `Some(false)` not
    /// with salt 32, `None` when this key is not on the native path.
    pub(crate) fn verify_pss32(&self, message: &[u8], signature: &[u8]) -> Option<bool> {
        Some(self.pss32.as_ref()?.verify_sig(message, signature).is_ok())
    }

    /// PSS with the maximum salt.
    pub(crate) fn verify_pss_max(&self, message: &[u8], signature: &[u8]) -> Option<bool> {
        Some(
            self.pss_max
                .as_ref()?
                .verify_sig(message, signature)
                .is_ok(),
        )
    }

    /// PKCS#1 v1.5 SHA-256.
    pub(crate) fn verify_pkcs1(&self, message: &[u8], signature: &[u8]) -> Option<bool> {
        Some(self.pkcs1.as_ref()?.verify_sig(message, signature).is_ok())
    }
}

impl std::fmt::Debug for NativePrivate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativePrivate([redacted])")
    }
}

impl std::fmt::Debug for NativePublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativePublic")
    }
}
