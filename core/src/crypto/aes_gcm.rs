//! AES-256-GCM in the `Base64(nonce(12) ‖ ciphertext ‖ tag(16))` format, no
//! associated data (WorldCard request bodies, webhooks and card fields).

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use rand_core::CryptoRngCore;

use crate::crypto::keys::AesKey;
use crate::encoding;
use crate::error::{Error, Result};

/// Nonce length in bytes.
pub const NONCE_LEN: usize = 12;
/// Tag length in bytes.
pub const TAG_LEN: usize = 16;

/// An AES-256-GCM key with its key schedule prepared once.
#[derive(Clone)]
pub struct AesGcmKey {
    cipher: Aes256Gcm,
}

impl AesGcmKey {
    /// Prepares the cipher for `key`.
    pub fn new(key: &AesKey) -> Self {
        AesGcmKey {
            cipher: Aes256Gcm::new(key.as_bytes().into()),
        }
    }

    /// Encrypts to raw `nonce ‖ ciphertext ‖ tag` with a fresh nonce from `rng`.
    pub fn seal_raw<R: CryptoRngCore + ?Sized>(
        &self,
        plaintext: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        super::random_bytes(rng, &mut nonce);
        self.seal_raw_with_nonce(plaintext, &nonce)
    }

    /// Encrypts with a given nonce. Reusing a nonce with the same key breaks
    /// GCM: only tests and vector generation should call this.
    pub fn seal_raw_with_nonce(
        &self,
        plaintext: &[u8],
        nonce: &[u8; NONCE_LEN],
    ) -> Result<Vec<u8>> {
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(nonce), plaintext)
            .map_err(|_| Error::invalid_input("plaintext too long for AES-GCM"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Encrypts to `Base64(nonce ‖ ciphertext ‖ tag)`.
    pub fn seal_b64<R: CryptoRngCore + ?Sized>(
        &self,
        plaintext: &[u8],
        rng: &mut R,
    ) -> Result<String> {
        Ok(encoding::b64_encode(&self.seal_raw(plaintext, rng)?))
    }

    /// Opens raw `nonce ‖ ciphertext ‖ tag`. Shorter than 28 bytes is
    /// `malformed_envelope`; a failing tag is `decrypt_failed`.
    pub fn open_raw(&self, data: &[u8]) -> Result<Vec<u8>> {
        if data.len() < NONCE_LEN + TAG_LEN {
            return Err(Error::malformed(
                "AES-GCM data shorter than nonce and tag (28 bytes)",
            ));
        }
        let (nonce, ct) = data.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| Error::DecryptFailed)
    }

    /// Whether `text` can be a sealed value at all: standard Base64 of at
    /// least nonce + tag (28 bytes). A card number, CVV or expiry in clear
    /// (digits, at most 19 of them: 14 bytes decoded) never is.
    pub fn looks_sealed(text: &str) -> bool {
        encoding::b64_decode(text.trim()).is_ok_and(|d| d.len() >= NONCE_LEN + TAG_LEN)
    }

    /// Opens `Base64(nonce ‖ ciphertext ‖ tag)`. Bad Base64 is `malformed_envelope`.
    pub fn open_b64(&self, text: &str) -> Result<Vec<u8>> {
        let data = encoding::b64_decode(text.trim())
            .map_err(|_| Error::malformed("AES-GCM value is not valid Base64"))?;
        self.open_raw(&data)
    }
}

impl fmt::Debug for AesGcmKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesGcmKey([redacted])")
    }
}
