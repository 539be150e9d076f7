//! AES/ECB/PKCS5Padding keyed by the raw bytes of WorldCard legacy's
//! `appSecret` (16, 24 or 32 bytes), Base64 text. ECB is what the provider
//! uses; it is not a choice cardwire would make.

use std::fmt;

use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};
use aes::{Aes128, Aes192, Aes256};

use crate::encoding;
use crate::error::{Error, Result};

#[derive(Clone)]
enum Cipher {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

/// An AES-ECB key with its schedule prepared once.
#[derive(Clone)]
pub struct AesEcbKey {
    cipher: Cipher,
}

impl AesEcbKey {
    /// From 16, 24 or 32 key bytes; any other length is `invalid_key`.
    pub fn new(key: &[u8]) -> Result<Self> {
        let cipher = match key.len() {
            16 => Cipher::A128(Aes128::new_from_slice(key).map_err(|_| bad_len())?),
            24 => Cipher::A192(Aes192::new_from_slice(key).map_err(|_| bad_len())?),
            32 => Cipher::A256(Aes256::new_from_slice(key).map_err(|_| bad_len())?),
            _ => return Err(bad_len()),
        };
        Ok(AesEcbKey { cipher })
    }

    fn encrypt_block(&self, block: &mut [u8]) {
        let b = GenericArray::from_mut_slice(block);
        match &self.cipher {
            Cipher::A128(c) => c.encrypt_block(b),
            Cipher::A192(c) => c.encrypt_block(b),
            Cipher::A256(c) => c.encrypt_block(b),
        }
    }

    fn decrypt_block(&self, block: &mut [u8]) {
        let b = GenericArray::from_mut_slice(block);
        match &self.cipher {
            Cipher::A128(c) => c.decrypt_block(b),
            Cipher::A192(c) => c.decrypt_block(b),
            Cipher::A256(c) => c.decrypt_block(b),
        }
    }

    /// Encrypts with PKCS#5/7 padding to Base64.
    pub fn encrypt_b64(&self, plaintext: &[u8]) -> String {
        let pad = 16 - plaintext.len() % 16;
        let mut buf = Vec::with_capacity(plaintext.len() + pad);
        buf.extend_from_slice(plaintext);
        buf.extend(std::iter::repeat_n(pad as u8, pad));
        for block in buf.chunks_exact_mut(16) {
            self.encrypt_block(block);
        }
        encoding::b64_encode(&buf)
    }

    /// Decrypts Base64 text. Bad Base64, or a length that is not a non-zero
    /// multiple of 16, is `malformed_envelope`; bad padding is `decrypt_failed`.
    pub fn decrypt_b64(&self, text: &str) -> Result<Vec<u8>> {
        let mut buf = encoding::b64_decode(text.trim())
            .map_err(|_| Error::malformed("AES-ECB value is not valid Base64"))?;
        if buf.is_empty() || buf.len() % 16 != 0 {
            return Err(Error::malformed(
                "AES-ECB ciphertext is not a non-zero multiple of 16 bytes",
            ));
        }
        for block in buf.chunks_exact_mut(16) {
            self.decrypt_block(block);
        }
        let pad = usize::from(*buf.last().ok_or(Error::DecryptFailed)?);
        if pad == 0 || pad > 16 || pad > buf.len() {
            return Err(Error::DecryptFailed);
        }
        let body_len = buf.len() - pad;
        if !buf
            .get(body_len..)
            .is_some_and(|p| p.iter().all(|&b| usize::from(b) == pad))
        {
            return Err(Error::DecryptFailed);
        }
        buf.truncate(body_len);
        Ok(buf)
    }
}

fn bad_len() -> Error {
    Error::invalid_key("AES-ECB key must be 16, 24 or 32 bytes")
}

impl fmt::Debug for AesEcbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesEcbKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provider's published examples (the WorldCard API documentation, legacy "Signing and Decryption").
    #[test]
    fn published_examples_decrypt() {
        let k = AesEcbKey::new(b"uDMGUIodDeKcja0nDbIBzpfDJFIHld56").unwrap();
        assert_eq!(k.decrypt_b64("jvU9Vaz67Gj+Xn/qlaXKHA==").unwrap(), b"110");
        let k = AesEcbKey::new(b"sBOvCZZurSbbdJiA").unwrap();
        assert_eq!(k.decrypt_b64("U88v0HHTLxUp9LUkj95AJA==").unwrap(), b"14");
        assert_eq!(k.encrypt_b64(b"14"), "U88v0HHTLxUp9LUkj95AJA==");
    }

    #[test]
    fn errors() {
        assert_eq!(AesEcbKey::new(b"short").unwrap_err().code(), "invalid_key");
        let k = AesEcbKey::new(b"sBOvCZZurSbbdJiA").unwrap();
        assert_eq!(
            k.decrypt_b64("AAAA").unwrap_err().code(),
            "malformed_envelope"
        );
        assert_eq!(k.decrypt_b64("").unwrap_err().code(), "malformed_envelope");
        assert_eq!(
            k.decrypt_b64("!!").unwrap_err().code(),
            "malformed_envelope"
        );
        // a block that decrypts to garbage padding
        let e = k
            .decrypt_b64(&encoding::b64_encode(&[0u8; 16]))
            .unwrap_err();
        assert_eq!(e.code(), "decrypt_failed");
    }
}
