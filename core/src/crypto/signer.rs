//! Keys that never enter the process: sign inputs for HSMs, cloud KMS and
//! non-extractable WebCrypto keys.
//!
//! Every private-key operation has a two-step form. `prepare_*` builds the
//! whole envelope except the signature and returns a [`Prepared`]: the exact
//! bytes to sign ([`Prepared::sign_input`]), their SHA-256
//! ([`Prepared::digest`], for signers that take a digest, such as AWS KMS with
//! `MessageType=DIGEST`) and the [`SignAlgorithm`]. Your signer signs;
//! [`Prepared::finish`] first verifies the signature with the key's public
//! half, so a misconfigured signer is a [`Error::SignerMismatch`] naming the
//! likely cause (another key, a PSS salt other than 32, PKCS#1 v1.5 instead
//! of PSS or back, the digest hashed again, a bare digest without its
//! DigestInfo) here, never a provider's 401 later. Then it puts the signature
//! where the provider wants it and returns the message to send.
//!
//! The same for Wasabi's RSA-encrypted card fields:
//! [`PreparedDecrypt`] carries the ciphertext blocks and the padding; your
//! decryptor returns each block's plaintext and `finish` joins them.
//!
//! A synchronous [`Signer`] (or [`Decryptor`]) serves in-process signers
//! (a PKCS#11 session, a test key); the two-step form serves asynchronous ones
//! (cloud KMS calls, WebCrypto), in every binding. The core does no IO.
//!
//! The merchant or platform is built with [`RsaPrivateKey::external`]: only
//! the public half is in the process.

use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use sha2::{Digest, Sha256};

use crate::crypto::keys::{RsaPrivateKey, RsaPublicKey};
use crate::crypto::rsa_pkcs1::{self, RsaPadding};
use crate::crypto::rsa_pss;
use crate::encoding;
use crate::envelope::{OutgoingRequest, OutgoingResponse, SignedWebhook};
use crate::error::{Error, Result};

/// A signature algorithm, named as AWS KMS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignAlgorithm {
    /// RSASSA-PSS, SHA-256, MGF1-SHA-256, salt length 32 (WorldCard).
    RsaPssSha256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (Wasabi Card).
    RsaPkcs1v15Sha256,
}

impl SignAlgorithm {
    /// `RSASSA_PSS_SHA_256` or `RSASSA_PKCS1_V1_5_SHA_256` (AWS KMS's names;
    /// PKCS#11: `CKM_SHA256_RSA_PKCS_PSS` with `sLen` 32, or
    /// `CKM_SHA256_RSA_PKCS`; WebCrypto: `RSA-PSS` with `saltLength: 32`, or
    /// `RSASSA-PKCS1-v1_5`, both with `hash: 'SHA-256'`).
    pub fn name(self) -> &'static str {
        match self {
            SignAlgorithm::RsaPssSha256 => "RSASSA_PSS_SHA_256",
            SignAlgorithm::RsaPkcs1v15Sha256 => "RSASSA_PKCS1_V1_5_SHA_256",
        }
    }

    /// The PSS salt length (32), or `None` for PKCS#1 v1.5.
    pub fn salt_len(self) -> Option<usize> {
        match self {
            SignAlgorithm::RsaPssSha256 => Some(rsa_pss::SIGN_SALT_LEN),
            SignAlgorithm::RsaPkcs1v15Sha256 => None,
        }
    }

    fn verify(self, key: &RsaPublicKey, input: &[u8], signature: &[u8]) -> Result<()> {
        match self {
            SignAlgorithm::RsaPssSha256 => {
                rsa_pss::verify(key, input, signature, rsa_pss::PssSaltPolicy::Strict32)
            }
            SignAlgorithm::RsaPkcs1v15Sha256 => rsa_pkcs1::verify(key, input, signature),
        }
    }
}

/// An RSA decryption padding, named as AWS KMS names them.
pub fn decrypt_algorithm_name(padding: RsaPadding) -> &'static str {
    match padding {
        RsaPadding::Pkcs1v15 => "RSAES_PKCS1_V1_5",
        RsaPadding::OaepSha1 => "RSAES_OAEP_SHA_1",
        RsaPadding::OaepSha256 => "RSAES_OAEP_SHA_256",
    }
}

/// A synchronous signer: a PKCS#11 session, an in-process key, a test
/// double. Return the raw signature (modulus-sized bytes, not Base64, not DER).
pub trait Signer {
    /// Signs `input` (the exact bytes; `digest` is their SHA-256) with `algorithm`.
    fn sign(&self, algorithm: SignAlgorithm, input: &[u8], digest: &[u8; 32]) -> Result<Vec<u8>>;
}

impl<F> Signer for F
where
    F: Fn(SignAlgorithm, &[u8], &[u8; 32]) -> Result<Vec<u8>>,
{
    fn sign(&self, algorithm: SignAlgorithm, input: &[u8], digest: &[u8; 32]) -> Result<Vec<u8>> {
        self(algorithm, input, digest)
    }
}

/// A synchronous decryptor: returns one block's plaintext (padding removed).
pub trait Decryptor {
    /// Decrypts one modulus-sized `block` with `padding`.
    fn decrypt(&self, padding: RsaPadding, block: &[u8]) -> Result<Vec<u8>>;
}

impl<F> Decryptor for F
where
    F: Fn(RsaPadding, &[u8]) -> Result<Vec<u8>>,
{
    fn decrypt(&self, padding: RsaPadding, block: &[u8]) -> Result<Vec<u8>> {
        self(padding, block)
    }
}

/// A message whose signature goes into a header.
pub trait Signable {
    /// The headers, with the signature header present and empty until finished.
    fn headers_mut(&mut self) -> &mut Vec<(String, String)>;
}

impl Signable for OutgoingRequest {
    fn headers_mut(&mut self) -> &mut Vec<(String, String)> {
        &mut self.headers
    }
}
impl Signable for OutgoingResponse {
    fn headers_mut(&mut self) -> &mut Vec<(String, String)> {
        &mut self.headers
    }
}
impl Signable for SignedWebhook {
    fn headers_mut(&mut self) -> &mut Vec<(String, String)> {
        &mut self.headers
    }
}

/// An envelope built but for its signature. See the [module](self).
#[derive(Debug, Clone)]
pub struct Prepared<T> {
    message: T,
    input: Vec<u8>,
    digest: [u8; 32],
    algorithm: SignAlgorithm,
    header: &'static str,
    public_key: RsaPublicKey,
}

impl<T: Signable> Prepared<T> {
    pub(crate) fn new(
        message: T,
        input: Vec<u8>,
        algorithm: SignAlgorithm,
        header: &'static str,
        public_key: RsaPublicKey,
    ) -> Self {
        let digest = Sha256::digest(&input).into();
        Prepared {
            message,
            input,
            digest,
            algorithm,
            header,
            public_key,
        }
    }

    /// The exact bytes to sign.
    pub fn sign_input(&self) -> &[u8] {
        &self.input
    }

    /// SHA-256 of the sign input (for signers given a digest).
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The algorithm the provider expects.
    pub fn algorithm(&self) -> SignAlgorithm {
        self.algorithm
    }

    /// The header the Base64 signature goes into.
    pub fn signature_header(&self) -> &'static str {
        self.header
    }

    /// The message, its signature header still empty.
    pub fn message(&self) -> &T {
        &self.message
    }

    /// Checks `signature` (raw bytes) with the key's public half and
    /// completes the message. A signature that does not verify is
    /// `signer_mismatch` with the likely cause.
    pub fn finish(self, signature: &[u8]) -> Result<T> {
        check_signature(self.algorithm, &self.public_key, &self.input, signature)?;
        let mut message = self.message;
        put_signature(message.headers_mut(), self.header, signature);
        Ok(message)
    }

    /// Signs with a synchronous signer and finishes.
    pub fn sign_with<S: Signer + ?Sized>(self, signer: &S) -> Result<T> {
        let signature = signer.sign(self.algorithm, &self.input, &self.digest)?;
        self.finish(&signature)
    }
}

/// Checks an external signer's `signature` over `input` and sets `header`:
/// the finish step of a prepared message that crossed a language boundary.
pub(crate) fn finish_headers(
    headers: &mut Vec<(String, String)>,
    header: &str,
    algorithm: SignAlgorithm,
    key: &RsaPublicKey,
    input: &[u8],
    signature: &[u8],
) -> Result<()> {
    check_signature(algorithm, key, input, signature)?;
    put_signature(headers, header, signature);
    Ok(())
}

/// Completes a prepared message with a signature made by a signer built
/// from this instance's own private key (the JavaScript glue's WebCrypto
/// path): no check with the public key, which would only cost time there.
/// A wrong signature is the provider's 401, never accepted by anyone.
pub(crate) fn trusted<T: Signable>(mut message: T, header: &str, signature: &[u8]) -> T {
    put_signature(message.headers_mut(), header, signature);
    message
}

/// Sets the (already present, empty) signature header, or adds it.
pub(crate) fn put_signature(headers: &mut Vec<(String, String)>, header: &str, signature: &[u8]) {
    let value = encoding::b64_encode(signature);
    match headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(header))
    {
        Some((_, v)) => *v = value,
        None => headers.push((header.to_owned(), value)),
    }
}

/// How an envelope's signature is made: with the key in process, or left
/// empty for an external signer (the caller gets the sign input instead).
pub(crate) enum SignMode<'k> {
    /// Sign now with this key.
    Key(&'k RsaPrivateKey),
    /// Leave the signature empty; the sign input is returned.
    Defer,
}

impl SignMode<'_> {
    pub(crate) fn sign<R: rand_core::CryptoRngCore + ?Sized>(
        &self,
        algorithm: SignAlgorithm,
        input: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        match self {
            SignMode::Key(key) => match algorithm {
                SignAlgorithm::RsaPssSha256 => rsa_pss::sign(key, input, rng),
                SignAlgorithm::RsaPkcs1v15Sha256 => rsa_pkcs1::sign(key, input, rng),
            },
            SignMode::Defer => Ok(Vec::new()),
        }
    }
}

/// Verifies an external signer's `signature` over `input`; on failure,
/// works out the likely cause.
pub fn check_signature(
    algorithm: SignAlgorithm,
    key: &RsaPublicKey,
    input: &[u8],
    signature: &[u8],
) -> Result<()> {
    if algorithm.verify(key, input, signature).is_ok() {
        return Ok(());
    }
    Err(Error::SignerMismatch {
        cause: diagnose(algorithm, key, input, signature),
    })
}

fn diagnose(
    algorithm: SignAlgorithm,
    key: &RsaPublicKey,
    input: &[u8],
    signature: &[u8],
) -> String {
    let k = key.size();
    if signature.len() != k {
        let hint = if signature.len() > k {
            "; or it is encoded (Base64, hex, DER) rather than the raw signature bytes"
        } else {
            ""
        };
        return format!(
            "the signature is {} bytes but the public key's modulus is {k} bytes: the signer used another key{hint}",
            signature.len()
        );
    }
    let pss_salt = rsa_pss::recover_salt_len(key, input, signature).ok();
    let pkcs1 = rsa_pkcs1::verify(key, input, signature).is_ok();
    let pss_twice = rsa_pss::recover_salt_len(key, &Sha256::digest(input), signature).is_ok();
    let pkcs1_twice = rsa_pkcs1::verify(key, &Sha256::digest(input), signature).is_ok();
    match algorithm {
        SignAlgorithm::RsaPssSha256 => {
            if let Some(salt) = pss_salt {
                return format!(
                    "an RSA-PSS signature with salt length {salt}; WorldCard expects 32 (AWS KMS RSASSA_PSS_SHA_256, WebCrypto saltLength: 32, PKCS#11 CKM_SHA256_RSA_PKCS_PSS with sLen 32; OpenSSL's and Java's defaults differ)"
                );
            }
            if pkcs1 {
                return "a PKCS#1 v1.5 signature; WorldCard expects RSA-PSS with SHA-256 and salt 32 (AWS KMS RSASSA_PSS_SHA_256, PKCS#11 CKM_SHA256_RSA_PKCS_PSS, WebCrypto RSA-PSS)".to_owned();
            }
            if pss_twice {
                return "an RSA-PSS signature over SHA-256 of the digest: the signer hashed the digest again; give it the sign input as the message, or the digest as a digest (AWS KMS MessageType=DIGEST, PKCS#11 CKM_RSA_PKCS_PSS)".to_owned();
            }
        }
        SignAlgorithm::RsaPkcs1v15Sha256 => {
            if pkcs1_twice {
                return "a PKCS#1 v1.5 signature over SHA-256 of the digest: the signer hashed the digest again; give it the sign input as the message, or the digest as a digest (AWS KMS MessageType=DIGEST)".to_owned();
            }
            if pss_salt.is_some() || pss_twice {
                return "an RSA-PSS signature; Wasabi expects PKCS#1 v1.5 with SHA-256 (AWS KMS RSASSA_PKCS1_V1_5_SHA_256, PKCS#11 CKM_SHA256_RSA_PKCS, WebCrypto RSASSA-PKCS1-v1_5)".to_owned();
            }
            if bare_digest(key, input, signature) {
                return "PKCS#1 v1.5 padding over the bare SHA-256 digest, without its DigestInfo: with raw CKM_RSA_PKCS prepend the SHA-256 DigestInfo (30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20), or use CKM_SHA256_RSA_PKCS".to_owned();
            }
        }
    }
    "it does not verify with the public key cardwire was given over this sign input: the signer used another key (check the key id or label against that public key), or signed other bytes".to_owned()
}

/// `s^e mod n` is `00 01 FF.. 00 ‖ SHA-256(input)` with no DigestInfo.
fn bare_digest(key: &RsaPublicKey, input: &[u8], signature: &[u8]) -> bool {
    let rsa = key.as_rsa();
    let s = BigUint::from_bytes_be(signature);
    if &s >= rsa.n() {
        return false;
    }
    let m = s.modpow(rsa.e(), rsa.n()).to_bytes_be(); // leading 00 dropped
    let digest = Sha256::digest(input);
    m.len() == rsa.size() - 1
        && m.first() == Some(&0x01)
        && m.ends_with(&digest)
        && m.len() > 32 + 2
        && m.get(m.len() - 33) == Some(&0x00)
        && m.get(1..m.len() - 33)
            .is_some_and(|p| p.iter().all(|&b| b == 0xff))
}

/// Ciphertext blocks of one RSA-encrypted field for an external decryptor.
#[derive(Debug, Clone)]
pub struct PreparedDecrypt {
    blocks: Vec<Vec<u8>>,
    padding: RsaPadding,
    max_plaintext: usize,
}

impl PreparedDecrypt {
    pub(crate) fn new(ciphertext: &[u8], key_size: usize, padding: RsaPadding) -> Result<Self> {
        if ciphertext.is_empty() || key_size == 0 || !ciphertext.len().is_multiple_of(key_size) {
            return Err(Error::malformed(
                "RSA ciphertext is not a whole number of modulus-sized blocks",
            ));
        }
        Ok(PreparedDecrypt {
            blocks: ciphertext.chunks(key_size).map(<[u8]>::to_vec).collect(),
            padding,
            max_plaintext: padding.max_plaintext(key_size),
        })
    }

    /// The modulus-sized ciphertext blocks, each decrypted on its own.
    pub fn blocks(&self) -> &[Vec<u8>] {
        &self.blocks
    }

    /// The padding to remove.
    pub fn padding(&self) -> RsaPadding {
        self.padding
    }

    /// `RSAES_PKCS1_V1_5`, `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256`.
    pub fn algorithm(&self) -> &'static str {
        decrypt_algorithm_name(self.padding)
    }

    /// Joins the plaintexts of the blocks, in order, into the field's text.
    pub fn finish(self, plaintexts: &[Vec<u8>]) -> Result<String> {
        if plaintexts.len() != self.blocks.len() {
            return Err(Error::invalid_input(format!(
                "{} plaintexts given for {} ciphertext blocks: decrypt each block, in order",
                plaintexts.len(),
                self.blocks.len()
            )));
        }
        let mut out = Vec::new();
        for p in plaintexts {
            if p.len() > self.max_plaintext {
                return Err(Error::SignerMismatch {
                    cause: format!(
                        "the decryptor returned {} bytes for one block, more than {} (the most a {} block of this key carries): it returned the raw RSA result (CKM_RSA_X_509) instead of removing the padding",
                        p.len(),
                        self.max_plaintext,
                        decrypt_algorithm_name(self.padding)
                    ),
                });
            }
            out.extend_from_slice(p);
        }
        String::from_utf8(out).map_err(|_| Error::malformed("decrypted field is not UTF-8"))
    }

    /// Decrypts with a synchronous decryptor and finishes.
    pub fn decrypt_with<D: Decryptor + ?Sized>(self, decryptor: &D) -> Result<String> {
        let plain = self
            .blocks
            .iter()
            .map(|b| decryptor.decrypt(self.padding, b))
            .collect::<Result<Vec<_>>>()?;
        self.finish(&plain)
    }
}
