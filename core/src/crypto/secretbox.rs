//! NaCl `crypto_secretbox` (XSalsa20-Poly1305) in PinToPay's framing:
//! `Base64(0x02 ‖ nonce(24) ‖ tag(16) ‖ ciphertext)`, key = SHA-256(secret).

use std::fmt;

use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Nonce, XSalsa20Poly1305};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::encoding;
use crate::error::{Error, Result};

/// The format-version byte PinToPay puts first.
pub const VERSION: u8 = 0x02;
/// Nonce length.
pub const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub const TAG_LEN: usize = 16;
/// Shortest secret accepted, in Unicode scalar values (the provider's sample refuses shorter).
pub const MIN_SECRET_CHARS: usize = 8;

/// A secretbox key derived once from an API secret.
#[derive(Clone)]
pub struct SecretBoxKey {
    cipher: XSalsa20Poly1305,
}

impl SecretBoxKey {
    /// Derives the key as SHA-256 of the secret's UTF-8 bytes. Secrets shorter
    /// than 8 characters (Unicode scalar values) are `invalid_key`.
    pub fn from_secret(secret: &str) -> Result<Self> {
        if secret.chars().count() < MIN_SECRET_CHARS {
            return Err(Error::invalid_key(
                "API secret must be at least 8 characters",
            ));
        }
        let key = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(secret.as_bytes())));
        Ok(SecretBoxKey {
            cipher: XSalsa20Poly1305::new((&*key).into()),
        })
    }

    /// Seals `plaintext` into the Base64 text of `0x02 ‖ nonce ‖ box`.
    pub fn seal_b64<R: CryptoRngCore + ?Sized>(
        &self,
        plaintext: &[u8],
        rng: &mut R,
    ) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        super::random_bytes(rng, &mut nonce);
        let boxed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .map_err(|_| Error::invalid_input("plaintext too long for secretbox"))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + boxed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&boxed);
        Ok(encoding::b64_encode(&out))
    }

    /// Opens the Base64 text. Bad Base64, a short input or another version
    /// byte is `malformed_envelope`; a failing MAC is `decrypt_failed`.
    pub fn open_b64(&self, text: &str) -> Result<Vec<u8>> {
        let raw = encoding::b64_decode(text.trim())
            .map_err(|_| Error::malformed("encrypted value is not valid Base64"))?;
        let Some((&version, rest)) = raw.split_first() else {
            return Err(Error::malformed("encrypted value is empty"));
        };
        if version != VERSION {
            return Err(Error::malformed(format!(
                "unsupported encryption version byte 0x{version:02x} (expected 0x02)"
            )));
        }
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(Error::malformed(
                "encrypted value shorter than nonce and tag",
            ));
        }
        let (nonce, boxed) = rest.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), boxed)
            .map_err(|_| Error::DecryptFailed)
    }
}

impl fmt::Debug for SecretBoxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBoxKey([redacted])")
    }
}
