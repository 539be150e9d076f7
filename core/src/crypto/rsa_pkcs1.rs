//! RSA PKCS#1 v1.5 signatures with SHA-256 ("SHA256withRSA") and RSA
//! encryption of short fields (PKCS#1 v1.5 by default, OAEP-SHA1 and
//! OAEP-SHA256 selectable), in modulus-sized blocks (Wasabi Card).
//!
//! Security note: the pure-Rust `rsa` 0.9 crate has a published timing side
//! channel in decryption (RUSTSEC-2023-0071, "Marvin") and offers no
//! implicit-rejection mode. cardwire always decrypts with blinding (the
//! caller's RNG) and reports every failure as one opaque `decrypt_failed`, but
//! a network attacker able to submit many chosen ciphertexts to a decryption
//! oracle and time it precisely could still learn something. Decrypting card
//! fields the provider sent you is not such an oracle; do not expose
//! [`decrypt`] to untrusted ciphertext submitters.

use rand_core::CryptoRngCore;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign};
use sha2::{Digest, Sha256};

use super::rsa_pss::RngAdapter;
use crate::crypto::keys::{RsaPrivateKey, RsaPublicKey};
use crate::error::{Error, Result};

pub use super::padding::RsaPadding;

/// Signs `message` (SHA-256, PKCS#1 v1.5), blinded with the caller's RNG.
pub fn sign<R: CryptoRngCore + ?Sized>(
    key: &RsaPrivateKey,
    message: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    if let Some(native) = key.native() {
        return native
            .sign_pkcs1(message)
            .ok_or_else(|| Error::invalid_key("RSA key refused by the native backend"));
    }
    let hashed = Sha256::digest(message);
    key.as_rsa()?
        .sign_with_rng(&mut RngAdapter(rng), Pkcs1v15Sign::new::<Sha256>(), &hashed)
        .map_err(|_| Error::invalid_key("RSA key too small for a SHA-256 PKCS#1 v1.5 signature"))
}

/// Verifies a SHA-256 PKCS#1 v1.5 signature. A signature whose length is not
/// the key's modulus size, or that does not verify, is `signature_invalid`.
pub fn verify(key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> Result<()> {
    if signature.len() != key.size() {
        return Err(Error::SignatureInvalid);
    }
    #[cfg(feature = "deferred-verify")]
    if let Some(r) = super::deferred::consult("RSASSA-PKCS1-v1_5", key, message, signature) {
        return r;
    }
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    if let Some(ok) = key
        .native()
        .and_then(|n| n.verify_pkcs1(message, signature))
    {
        return if ok {
            Ok(())
        } else {
            Err(Error::SignatureInvalid)
        };
    }
    let hashed = Sha256::digest(message);
    key.as_rsa()
        .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, signature)
        .map_err(|_| Error::SignatureInvalid)
}

/// Whether `signature` was made with this key's private half over some
/// SHA-256 digest: `signature^e mod n` is `00 01 FF.. 00 DigestInfo(SHA-256)
/// ‖ 32 bytes`. For `explain` only, to tell "another key" from "the signed
/// bytes changed".
pub fn made_with(key: &RsaPublicKey, signature: &[u8]) -> bool {
    /// DER of DigestInfo for SHA-256, before the 32-byte hash (RFC 8017 §9.2).
    const PREFIX: [u8; 19] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let rsa = key.as_rsa();
    let k = rsa.size();
    if signature.len() != k {
        return false;
    }
    let s = rsa::BigUint::from_bytes_be(signature);
    if &s >= rsa.n() {
        return false;
    }
    let m = s.modpow(rsa.e(), rsa.n()).to_bytes_be();
    // Leading zero dropped: 01 FF .. FF 00 prefix hash, k - 1 bytes.
    let tail = PREFIX.len() + 32;
    if m.len() + 1 != k || m.len() < tail + 10 {
        return false;
    }
    let ps_end = m.len() - tail - 1;
    m.first() == Some(&0x01)
        && m.get(1..ps_end)
            .is_some_and(|ps| ps.iter().all(|&b| b == 0xff))
        && m.get(ps_end) == Some(&0x00)
        && m.get(ps_end + 1..ps_end + 1 + PREFIX.len()) == Some(&PREFIX[..])
}

/// Encrypts `plaintext`, splitting it into blocks that fit the padding, and
/// concatenates the modulus-sized ciphertext blocks. Empty plaintext is one block.
pub fn encrypt<R: CryptoRngCore + ?Sized>(
    key: &RsaPublicKey,
    plaintext: &[u8],
    padding: RsaPadding,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let k = key.as_rsa().size();
    let max = padding.max_plaintext(k);
    if max == 0 {
        return Err(Error::invalid_key("RSA key too small for this padding"));
    }
    let mut out = Vec::with_capacity(k * plaintext.len().div_ceil(max).max(1));
    let chunks: Vec<&[u8]> = if plaintext.is_empty() {
        vec![&[][..]]
    } else {
        plaintext.chunks(max).collect()
    };
    let mut rng = RngAdapter(rng);
    for chunk in chunks {
        let block = match padding {
            RsaPadding::Pkcs1v15 => key.as_rsa().encrypt(&mut rng, Pkcs1v15Encrypt, chunk),
            RsaPadding::OaepSha1 => {
                key.as_rsa()
                    .encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), chunk)
            }
            RsaPadding::OaepSha256 => key.as_rsa().encrypt(&mut rng, Oaep::new::<Sha256>(), chunk),
        }
        .map_err(|_| Error::invalid_input("RSA encryption failed"))?;
        out.extend_from_slice(&block);
    }
    Ok(out)
}

/// Decrypts one or more modulus-sized blocks and concatenates the plaintexts.
/// A length that is not a non-zero multiple of the modulus size is
/// `malformed_envelope`; any padding failure is an opaque `decrypt_failed`.
pub fn decrypt<R: CryptoRngCore + ?Sized>(
    key: &RsaPrivateKey,
    ciphertext: &[u8],
    padding: RsaPadding,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let k = key.size();
    if ciphertext.is_empty() || k == 0 || !ciphertext.len().is_multiple_of(k) {
        return Err(Error::malformed(
            "RSA ciphertext is not a whole number of modulus-sized blocks",
        ));
    }
    let mut out = Vec::new();
    let mut failed = false;
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    if let Some(native) = key.native() {
        for block in ciphertext.chunks_exact(k) {
            match native.decrypt_block(block, padding) {
                Some(p) => out.extend_from_slice(&p),
                None => failed = true,
            }
        }
        return if failed {
            Err(Error::DecryptFailed)
        } else {
            Ok(out)
        };
    }
    let rsa_key = key.as_rsa()?;
    let mut rng = RngAdapter(rng);
    for block in ciphertext.chunks_exact(k) {
        let r = match padding {
            RsaPadding::Pkcs1v15 => rsa_key.decrypt_blinded(&mut rng, Pkcs1v15Encrypt, block),
            RsaPadding::OaepSha1 => {
                rsa_key.decrypt_blinded(&mut rng, Oaep::new::<sha1::Sha1>(), block)
            }
            RsaPadding::OaepSha256 => {
                rsa_key.decrypt_blinded(&mut rng, Oaep::new::<Sha256>(), block)
            }
        };
        match r {
            Ok(p) => out.extend_from_slice(&p),
            Err(_) => failed = true,
        }
    }
    if failed {
        return Err(Error::DecryptFailed);
    }
    Ok(out)
}
