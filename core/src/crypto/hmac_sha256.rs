//! HMAC-SHA256 with hex output, verified in constant time (PayCA webhooks).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::encoding;
use crate::error::{Error, Result};

type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 key with its inner and outer pads prepared once.
#[derive(Clone)]
pub struct HmacKey {
    mac: HmacSha256,
}

impl HmacKey {
    /// Prepares `key`.
    pub fn new(key: &[u8]) -> Result<Self> {
        Ok(HmacKey {
            mac: <HmacSha256 as Mac>::new_from_slice(key)
                .map_err(|_| Error::invalid_key("HMAC key rejected"))?,
        })
    }

    /// Lowercase hex MAC of `message`.
    pub fn mac_hex(&self, message: &[u8]) -> String {
        let mut m = self.mac.clone();
        m.update(message);
        encoding::hex_encode(&m.finalize().into_bytes())
    }

    /// Verifies a hex MAC (either case) in constant time. Non-hex or a wrong
    /// length is `malformed_envelope`; a mismatch is `signature_invalid`.
    pub fn verify_hex(&self, message: &[u8], hex_mac: &str) -> Result<()> {
        let given = encoding::hex_decode(hex_mac.trim())
            .map_err(|_| Error::malformed("signature is not hex"))?;
        if given.len() != 32 {
            return Err(Error::malformed("signature is not 32 bytes of hex"));
        }
        let mut m = self.mac.clone();
        m.update(message);
        m.verify_slice(&given).map_err(|_| Error::SignatureInvalid)
    }
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey([redacted])")
    }
}
