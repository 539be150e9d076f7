//! RSASSA-PSS with SHA-256 and MGF1-SHA-256 (RFC 8017 §8.1, §9.1).
//!
//! Signing uses salt length 32. Verification decodes EMSA-PSS after the raw
//! public-key operation and takes the salt length from the position of the
//! `0x01` separator, so signatures with salt 32 (Java sample) and with the
//! maximum salt (Go's `rsa.SignPSS(..., nil)`) both verify. A strict policy
//! requires exactly 32.

use rand_core::CryptoRngCore;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pss};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::crypto::keys::{RsaPrivateKey, RsaPublicKey};
use crate::error::{Error, Result};

/// The salt length cardwire signs with (SHA-256 output length).
pub const SIGN_SALT_LEN: usize = 32;
const H_LEN: usize = 32;

/// Which PSS salt lengths a verifier accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PssSaltPolicy {
    /// Any salt length the encoding allows (default): WorldCard's Go sample
    /// signs with the maximum salt, its Java sample with 32.
    #[default]
    AutoDetect,
    /// Exactly 32 bytes.
    Strict32,
}

/// Signs `message` (hashed here with SHA-256), salt 32. Returns the raw signature.
pub fn sign<R: CryptoRngCore + ?Sized>(
    key: &RsaPrivateKey,
    message: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    if let Some(native) = key.native() {
        return native
            .sign_pss(message)
            .ok_or_else(|| Error::invalid_key("RSA key refused by the native backend"));
    }
    let hashed = Sha256::digest(message);
    let mut rng = RngAdapter(rng);
    key.as_rsa()?
        .sign_with_rng(
            &mut rng,
            Pss::new_with_salt::<Sha256>(SIGN_SALT_LEN),
            &hashed,
        )
        .map_err(|_| Error::invalid_key("RSA key too small for PSS with a 32-byte salt"))
}

/// Verifies `signature` over `message`. Any failure, including a signature of
/// the wrong length for the key, is `signature_invalid`.
pub fn verify(
    key: &RsaPublicKey,
    message: &[u8],
    signature: &[u8],
    policy: PssSaltPolicy,
) -> Result<()> {
    if signature.len() != key.size() {
        return Err(Error::SignatureInvalid);
    }
    #[cfg(feature = "deferred-verify")]
    if let Some(r) = super::deferred::consult("RSA-PSS", key, message, signature) {
        return r;
    }
    // Native: salt 32 first (what cardwire and Java sign with), then the
    // maximum (Go's nil options); anything else falls through to the
    // salt-recovering decoder below, so auto-detection is the same everywhere.
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    if let Some(native) = key.native() {
        match native.verify_pss32(message, signature) {
            Some(true) => return Ok(()),
            Some(false) if policy == PssSaltPolicy::Strict32 => {
                return Err(Error::SignatureInvalid)
            }
            Some(false) if native.verify_pss_max(message, signature) == Some(true) => return Ok(()),
            _ => {}
        }
    }
    let salt_len = recover_salt_len(key, message, signature)?;
    match policy {
        PssSaltPolicy::AutoDetect => Ok(()),
        PssSaltPolicy::Strict32 if salt_len == SIGN_SALT_LEN => Ok(()),
        PssSaltPolicy::Strict32 => Err(Error::SignatureInvalid),
    }
}

/// Verifies and returns the salt length the signer used.
pub fn recover_salt_len(key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> Result<usize> {
    let (em, em_bits) = open_signature(key, signature)?;
    let m_hash = Sha256::digest(message);
    emsa_pss_decode(&em, em_bits, &m_hash)
}

/// Whether `signature` was made with this key's private half, whatever it
/// signed: its PSS encoding (trailer, zero bits, the `0x01` separator
/// under the mask) is intact. For `explain` only, to tell "another key"
/// from "the signed text changed": random bytes pass about once in 65,000.
pub fn made_with(key: &RsaPublicKey, signature: &[u8]) -> bool {
    open_signature(key, signature)
        .and_then(|(em, em_bits)| unmask(&em, em_bits).map(|_| ()))
        .is_ok()
}

/// `signature^e mod n` as the encoded message of `em_bits` bits.
fn open_signature(key: &RsaPublicKey, signature: &[u8]) -> Result<(Vec<u8>, usize)> {
    let rsa = key.as_rsa();
    let k = rsa.size();
    if signature.len() != k {
        return Err(Error::SignatureInvalid);
    }
    let s = BigUint::from_bytes_be(signature);
    if &s >= rsa.n() {
        return Err(Error::SignatureInvalid);
    }
    let m = s.modpow(rsa.e(), rsa.n());
    let mod_bits = rsa.n().bits();
    let em_bits = mod_bits.checked_sub(1).ok_or(Error::SignatureInvalid)?;
    let em_len = em_bits.div_ceil(8);
    let m_bytes = m.to_bytes_be();
    if m_bytes.len() > em_len {
        return Err(Error::SignatureInvalid);
    }
    let mut em = vec![0u8; em_len];
    let pad = em_len - m_bytes.len();
    em.get_mut(pad..)
        .ok_or(Error::SignatureInvalid)?
        .copy_from_slice(&m_bytes);
    Ok((em, em_bits))
}

/// RFC 8017 §9.1.2 with the salt length found rather than given.
fn emsa_pss_decode(em: &[u8], em_bits: usize, m_hash: &[u8]) -> Result<usize> {
    let (db, sep, h) = unmask(em, em_bits)?;
    let salt = db.get(sep + 1..).ok_or(Error::SignatureInvalid)?;
    let mut hasher = Sha256::new();
    hasher.update([0u8; 8]);
    hasher.update(m_hash);
    hasher.update(salt);
    let h2 = hasher.finalize();
    if bool::from(h2.as_slice().ct_eq(h)) {
        Ok(salt.len())
    } else {
        Err(Error::SignatureInvalid)
    }
}

/// The structure of an encoded message, whatever was signed: the trailer,
/// the zero top bits, and `DB = 00.. 01 salt` under the mask. The unmasked
/// DB, the index of its `0x01`, and `H`.
fn unmask(em: &[u8], em_bits: usize) -> Result<(Vec<u8>, usize, &[u8])> {
    let em_len = em.len();
    if em_len < H_LEN + 2 {
        return Err(Error::SignatureInvalid);
    }
    let (masked_db, rest) = em.split_at(em_len - H_LEN - 1);
    let (h, trailer) = rest.split_at(H_LEN);
    if trailer != [0xbc] {
        return Err(Error::SignatureInvalid);
    }
    let zero_bits = 8 * em_len - em_bits; // 0..=7
    let top_mask: u8 = 0xffu8.checked_shr(zero_bits as u32).unwrap_or(0);
    let first = *masked_db.first().ok_or(Error::SignatureInvalid)?;
    if first & !top_mask != 0 {
        return Err(Error::SignatureInvalid);
    }
    let mut db = mgf1_sha256(h, masked_db.len());
    for (d, m) in db.iter_mut().zip(masked_db) {
        *d ^= m;
    }
    if let Some(d0) = db.first_mut() {
        *d0 &= top_mask;
    }
    let sep = db
        .iter()
        .position(|&b| b != 0)
        .ok_or(Error::SignatureInvalid)?;
    if db.get(sep) != Some(&0x01) {
        return Err(Error::SignatureInvalid);
    }
    Ok((db, sep, h))
}

fn mgf1_sha256(seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + H_LEN);
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut hasher = Sha256::new();
        hasher.update(seed);
        hasher.update(counter.to_be_bytes());
        out.extend_from_slice(&hasher.finalize());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// Lets a `?Sized` caller RNG be used where the `rsa` crate wants a sized one.
pub(crate) struct RngAdapter<'a, R: CryptoRngCore + ?Sized>(pub(crate) &'a mut R);

impl<R: CryptoRngCore + ?Sized> rand_core::RngCore for RngAdapter<'_, R> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> std::result::Result<(), rand_core::Error> {
        self.0.try_fill_bytes(dest)
    }
}
impl<R: CryptoRngCore + ?Sized> rand_core::CryptoRng for RngAdapter<'_, R> {}
