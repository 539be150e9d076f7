//! Key material, parsed once into reusable objects.
//!
//! * RSA private keys from PEM PKCS#8 (`BEGIN PRIVATE KEY`), PEM PKCS#1
//!   (`BEGIN RSA PRIVATE KEY`) or bare Base64 DER (PKCS#8, PKCS#1 accepted too).
//! * RSA public keys from PEM SPKI (`BEGIN PUBLIC KEY`), PEM PKCS#1
//!   (`BEGIN RSA PUBLIC KEY`) or bare Base64 DER (SPKI or PKCS#1).
//! * AES-256 keys from text by its length in ASCII bytes: 64 → hex,
//!   44 → Base64, 32 → the raw bytes of the string.
//!
//! There is no minimum RSA size: Wasabi's platform key is 1024-bit, and
//! lengths are always checked against the key's own modulus. The upper bound is
//! the `rsa` crate's 4096 bits.
//!
//! Secret keys are zeroized on drop and their `Debug` prints `[redacted]`.

use std::fmt;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use zeroize::{Zeroize, Zeroizing};

use crate::encoding;
use crate::error::{Error, Result};

/// An RSA private key (zeroized on drop by the `rsa` crate; `Debug` is
/// redacted). With the `native` feature, keys of 2048 bits and more are also
/// loaded into AWS-LC once, here, and every operation takes that path.
///
/// A key held outside the process (an HSM, a cloud KMS, a non-extractable
/// WebCrypto key) is represented by [`RsaPrivateKey::external`]: only its
/// public half is here, in-process signing and decryption refuse with
/// `invalid_key`, and the two-step forms of [`crate::crypto::signer`] build the
/// sign input for your signer and finish the envelope.
#[derive(Clone)]
pub struct RsaPrivateKey {
    inner: Half,
    /// The public half of a local key, derived once on first use.
    public: std::sync::OnceLock<RsaPublicKey>,
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    native: Option<crate::crypto::native::NativePrivate>,
}

// Local is the common case; boxing it would add an indirection to every operation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Half {
    Local(rsa::RsaPrivateKey),
    External(Box<RsaPublicKey>),
}

/// An RSA public key.
#[derive(Clone)]
pub struct RsaPublicKey {
    inner: rsa::RsaPublicKey,
    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    native: Option<crate::crypto::native::NativePublic>,
    /// Its JWK numbers and an id (for a host verifier: the deferred checks).
    jwk: Jwk,
}

impl PartialEq for RsaPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}
impl Eq for RsaPublicKey {}

/// A public key as a host verifier imports it, with an id.
#[derive(Debug, Clone)]
pub struct Jwk {
    /// Unique in this process for each parsed key (its copies share it):
    /// a host may keep the imported key under it.
    pub id: u64,
    /// The modulus, big-endian (JWK `n`).
    pub n: Vec<u8>,
    /// The exponent, big-endian (JWK `e`).
    pub e: Vec<u8>,
}

impl Jwk {
    fn of(key: &rsa::RsaPublicKey) -> Jwk {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Jwk {
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            n: key.n().to_bytes_be(),
            e: key.e().to_bytes_be(),
        }
    }
}

impl RsaPrivateKey {
    fn wrap(inner: rsa::RsaPrivateKey) -> Self {
        #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
        {
            use rsa::pkcs8::EncodePrivateKey;
            let native = (inner.size() * 8 >= crate::crypto::native::MIN_BITS)
                .then(|| inner.to_pkcs8_der().ok())
                .flatten()
                .and_then(|der| crate::crypto::native::NativePrivate::from_pkcs8(der.as_bytes()));
            RsaPrivateKey {
                inner: Half::Local(inner),
                public: std::sync::OnceLock::new(),
                native,
            }
        }
        #[cfg(not(all(feature = "native", not(target_arch = "wasm32"))))]
        RsaPrivateKey {
            inner: Half::Local(inner),
            public: std::sync::OnceLock::new(),
        }
    }

    /// A private key that never enters this process: `public` is its public
    /// half, used to check what your signer returns. Signing and decrypting
    /// in process fail with `invalid_key`; use the `prepare_*` forms and
    /// finish them with the signature (or plaintext) your HSM or KMS made.
    pub fn external(public: RsaPublicKey) -> Self {
        RsaPrivateKey {
            inner: Half::External(Box::new(public)),
            public: std::sync::OnceLock::new(),
            #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
            native: None,
        }
    }

    /// Whether the private half is held outside the process.
    pub fn is_external(&self) -> bool {
        matches!(self.inner, Half::External(_))
    }

    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    pub(crate) fn native(&self) -> Option<&crate::crypto::native::NativePrivate> {
        self.native.as_ref()
    }

    /// The same key on the pure-Rust path only (for side-by-side benchmarks
    /// and for tests that compare the backends in one process).
    pub fn pure(&self) -> Self {
        RsaPrivateKey {
            inner: self.inner.clone(),
            public: std::sync::OnceLock::new(),
            #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
            native: None,
        }
    }

    /// Which path this key's operations take: `"native"` (AWS-LC) or `"pure"`.
    pub fn backend(&self) -> &'static str {
        #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
        if self.native.is_some() {
            return "native";
        }
        "pure"
    }
}

impl RsaPublicKey {
    fn wrap(inner: rsa::RsaPublicKey) -> Self {
        #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
        {
            let native = inner.to_public_key_der().ok().and_then(|der| {
                crate::crypto::native::NativePublic::from_spki(der.as_bytes(), inner.size() * 8)
            });
            RsaPublicKey {
                jwk: Jwk::of(&inner),
                inner,
                native,
            }
        }
        #[cfg(not(all(feature = "native", not(target_arch = "wasm32"))))]
        RsaPublicKey {
            jwk: Jwk::of(&inner),
            inner,
        }
    }

    /// The key as a host verifier imports it (JWK `n` and `e`), with an id
    /// unique in this process.
    pub(crate) fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
    pub(crate) fn native(&self) -> Option<&crate::crypto::native::NativePublic> {
        self.native.as_ref()
    }

    /// The same key on the pure-Rust path only (see [`RsaPrivateKey::pure`]).
    pub fn pure(&self) -> Self {
        RsaPublicKey {
            inner: self.inner.clone(),
            #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
            native: None,
            jwk: self.jwk.clone(),
        }
    }

    /// Which path this key's verifications take: `"native"` (AWS-LC, 1024
    /// bits and more for PKCS#1 v1.5, 2048 and more for PSS) or `"pure"`.
    pub fn backend(&self) -> &'static str {
        #[cfg(all(feature = "native", not(target_arch = "wasm32")))]
        if self.native.is_some() {
            return "native";
        }
        "pure"
    }
}

/// A 256-bit AES key (zeroized on drop; `Debug` is redacted).
#[derive(Clone)]
pub struct AesKey {
    bytes: Zeroizing<[u8; 32]>,
}

struct Pem<'a> {
    label: &'a str,
    der: Zeroizing<Vec<u8>>,
}

/// Finds `-----BEGIN <label>-----` … `-----END <label>-----` and decodes the body.
/// Tolerates CRLF, indentation, a key pasted on one line and literal `\n` escapes.
fn parse_pem(text: &str) -> Result<Option<Pem<'_>>> {
    const BEGIN: &str = "-----BEGIN ";
    let Some(start) = text.find(BEGIN) else {
        return Ok(None);
    };
    let after_begin = text.get(start + BEGIN.len()..).unwrap_or_default();
    let Some(label_end) = after_begin.find("-----") else {
        return Err(Error::invalid_key("PEM header is not terminated"));
    };
    let label = after_begin.get(..label_end).unwrap_or_default().trim();
    let body_and_rest = after_begin.get(label_end + 5..).unwrap_or_default();
    let end_marker = format!("-----END {label}-----");
    let Some(body_end) = body_and_rest.find(&end_marker) else {
        return Err(Error::invalid_key("PEM END line missing or mismatched"));
    };
    let body = body_and_rest.get(..body_end).unwrap_or_default();
    if body.contains(':') {
        return Err(Error::invalid_key(
            "encrypted (Proc-Type) PEM keys are not supported",
        ));
    }
    let cleaned: Zeroizing<String> = Zeroizing::new(body.replace("\\n", "").replace("\\r", ""));
    let der = decode_b64_key(&cleaned)?;
    Ok(Some(Pem { label, der }))
}

fn decode_b64_key(text: &str) -> Result<Zeroizing<Vec<u8>>> {
    let compact: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    if compact.is_empty() {
        return Err(Error::invalid_key("key text is empty"));
    }
    encoding::b64_decode(&compact)
        .map(Zeroizing::new)
        .map_err(|_| Error::invalid_key("key is neither PEM nor valid Base64 DER"))
}

impl RsaPrivateKey {
    /// Parses PEM (PKCS#8 or PKCS#1) or bare Base64 DER (PKCS#8, or PKCS#1).
    pub fn parse(text: &str) -> Result<Self> {
        match parse_pem(text)? {
            Some(pem) => match pem.label {
                "PRIVATE KEY" => Self::from_pkcs8_der(&pem.der),
                "RSA PRIVATE KEY" => Self::from_pkcs1_der(&pem.der),
                "ENCRYPTED PRIVATE KEY" => Err(Error::invalid_key(
                    "encrypted private keys are not supported; decrypt it first",
                )),
                "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(Error::invalid_key(
                    "expected a private key, found a public key",
                )),
                _ => Err(Error::invalid_key(
                    "unsupported PEM label for a private key",
                )),
            },
            None => Self::from_der(&decode_b64_key(text)?),
        }
    }

    /// Same as [`parse`](Self::parse); named after the design vocabulary.
    pub fn from_pem(text: &str) -> Result<Self> {
        Self::parse(text)
    }

    /// DER, PKCS#8 first, then PKCS#1.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::from_pkcs8_der(der).or_else(|_| Self::from_pkcs1_der(der))
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        rsa::RsaPrivateKey::from_pkcs8_der(der)
            .map(RsaPrivateKey::wrap)
            .map_err(|_| Error::invalid_key("not a valid PKCS#8 RSA private key"))
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        rsa::RsaPrivateKey::from_pkcs1_der(der)
            .map(RsaPrivateKey::wrap)
            .map_err(|_| Error::invalid_key("not a valid PKCS#1 RSA private key"))
    }

    /// The matching public key.
    pub fn public_key(&self) -> RsaPublicKey {
        self.public_half().clone()
    }

    /// The public half, derived once (a local key) or as given (an external one).
    pub(crate) fn public_half(&self) -> &RsaPublicKey {
        match &self.inner {
            Half::Local(inner) => self
                .public
                .get_or_init(|| RsaPublicKey::wrap(inner.to_public_key())),
            Half::External(public) => public,
        }
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.size() * 8
    }

    /// Modulus size in bytes (the length of every signature made with it).
    pub fn size(&self) -> usize {
        match &self.inner {
            Half::Local(inner) => inner.size(),
            Half::External(public) => public.size(),
        }
    }

    pub(crate) fn as_rsa(&self) -> Result<&rsa::RsaPrivateKey> {
        match &self.inner {
            Half::Local(inner) => Ok(inner),
            Half::External(_) => Err(Error::InvalidKey {
                reason: "this private key is held outside the process (HSM, KMS, WebCrypto): use the prepare_* form and finish it with your signer's result",
            }),
        }
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrivateKey([redacted])")
    }
}

impl RsaPublicKey {
    /// Parses PEM (SPKI or PKCS#1) or bare Base64 DER (SPKI or PKCS#1).
    pub fn parse(text: &str) -> Result<Self> {
        match parse_pem(text)? {
            Some(pem) => match pem.label {
                "PUBLIC KEY" => Self::from_spki_der(&pem.der),
                "RSA PUBLIC KEY" => Self::from_pkcs1_der(&pem.der),
                "PRIVATE KEY" | "RSA PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => Err(
                    Error::invalid_key("expected a public key, found a private key"),
                ),
                _ => Err(Error::invalid_key("unsupported PEM label for a public key")),
            },
            None => Self::from_der(&decode_b64_key(text)?),
        }
    }

    /// Same as [`parse`](Self::parse).
    pub fn from_pem(text: &str) -> Result<Self> {
        Self::parse(text)
    }

    /// DER, SPKI first, then PKCS#1.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::from_spki_der(der).or_else(|_| Self::from_pkcs1_der(der))
    }

    fn from_spki_der(der: &[u8]) -> Result<Self> {
        rsa::RsaPublicKey::from_public_key_der(der)
            .map(RsaPublicKey::wrap)
            .map_err(|_| Error::invalid_key("not a valid SPKI RSA public key"))
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        rsa::RsaPublicKey::from_pkcs1_der(der)
            .map(RsaPublicKey::wrap)
            .map_err(|_| Error::invalid_key("not a valid PKCS#1 RSA public key"))
    }

    /// SPKI PEM text (`BEGIN PUBLIC KEY`), for handing a key to a peer.
    pub fn to_pem(&self) -> Result<String> {
        self.inner
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| Error::invalid_key("public key cannot be encoded"))
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.inner.size() * 8
    }

    /// Modulus size in bytes.
    pub fn size(&self) -> usize {
        self.inner.size()
    }

    pub(crate) fn as_rsa(&self) -> &rsa::RsaPublicKey {
        &self.inner
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

impl AesKey {
    /// Decodes the key text by its length in ASCII bytes (WorldCard's rule),
    /// after trimming surrounding white space (a key read from a file keeps
    /// its trailing newline): 64 → hex, 44 → standard Base64 with padding,
    /// 32 → the raw bytes of the text, as the provider's sample decodes it.
    /// Anything else, or text that does not decode to 32 bytes, is
    /// `invalid_key`, and the message lists the three forms.
    ///
    /// A 32-character text is taken as raw even when every character is a
    /// hex digit: that is what the sample does, but it is also what half of
    /// a 64-character hex key looks like. Check that you passed the whole key.
    pub fn parse(text: &str) -> Result<Self> {
        macro_rules! forms {
            ($what:literal) => {
                concat!(
                    $what,
                    ": an AES key is 64 hex characters, 44 Base64 characters (with padding) or 32 raw characters (surrounding white space is ignored), or exactly 32 bytes given as bytes"
                )
            };
        }
        let trimmed = text.trim();
        let mut bytes = Zeroizing::new([0u8; 32]);
        let decoded = match trimmed.len() {
            64 => Some(encoding::hex_decode(trimmed).map_err(|_| {
                Error::invalid_key(forms!("the 64-character AES key is not valid hex"))
            })?),
            44 => Some(encoding::b64_decode(trimmed).map_err(|_| {
                Error::invalid_key(forms!("the 44-character AES key is not valid Base64"))
            })?),
            32 => {
                bytes.copy_from_slice(trimmed.as_bytes());
                None
            }
            0 => return Err(Error::invalid_key(forms!("the AES key is empty"))),
            _ => {
                return Err(Error::invalid_key(forms!(
                    "the AES key text has none of the three lengths"
                )))
            }
        };
        if let Some(mut d) = decoded {
            if d.len() != 32 {
                d.zeroize();
                return Err(Error::invalid_key(forms!(
                    "the AES key does not decode to 32 bytes"
                )));
            }
            bytes.copy_from_slice(&d);
            d.zeroize();
        }
        Ok(AesKey { bytes })
    }

    /// Takes exactly 32 key bytes.
    pub fn from_bytes(raw: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = raw
            .try_into()
            .map_err(|_| {
                Error::invalid_key(
                    "an AES-256 key given as bytes must be exactly 32 bytes (as text: 64 hex characters, 44 Base64 characters or 32 raw characters)",
                )
            })?;
        Ok(AesKey {
            bytes: Zeroizing::new(arr),
        })
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

impl fmt::Debug for AesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_key_length_rule() {
        let hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let k = AesKey::parse(hex).unwrap();
        assert_eq!(k.as_bytes()[..4], [0x01, 0x23, 0x45, 0x67]);
        let b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let k = AesKey::parse(b64).unwrap();
        assert_eq!(k.as_bytes()[31], 31);
        let raw = "0123456789abcdef0123456789abcdef";
        let k = AesKey::parse(raw).unwrap();
        assert_eq!(&k.as_bytes()[..], raw.as_bytes());
        for bad in [
            "",
            "abc",
            &hex[..63],
            "zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(AesKey::parse(bad).unwrap_err().code(), "invalid_key");
        }
        // Measured in bytes, like Go's len(): 16 "é" are 32 bytes, so raw bytes.
        let wide = "é".repeat(16);
        assert_eq!(
            &AesKey::parse(&wide).unwrap().as_bytes()[..],
            wide.as_bytes()
        );
        // 32 characters but 64 bytes: the hex branch, and not hex.
        assert_eq!(
            AesKey::parse(&"é".repeat(32)).unwrap_err().code(),
            "invalid_key"
        );
    }

    #[test]
    fn debug_is_redacted() {
        let k = AesKey::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "AesKey([redacted])");
    }
}
