//! HMAC-SHA256 with hex output, verified in constant time (PayCA webhooks).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::encoding;
use crate::error::{Error, Result};

type HmacSha256 = Hmac<Sha256>;

/// Raw HMAC-SHA256 of `message` under `key`.
pub fn mac(key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key)
        .map_err(|_| Error::invalid_key("HMAC key rejected"))?;
    m.update(message);
    Ok(m.finalize().into_bytes().into())
}

/// Lowercase hex HMAC-SHA256.
pub fn mac_hex(key: &[u8], message: &[u8]) -> Result<String> {
    Ok(encoding::hex_encode(&mac(key, message)?))
}

/// Verifies a hex MAC (either case) in constant time. Non-hex or a wrong
/// length is `malformed_envelope`; a mismatch is `signature_invalid`.
pub fn verify_hex(key: &[u8], message: &[u8], hex_mac: &str) -> Result<()> {
    let given = encoding::hex_decode(hex_mac.trim())
        .map_err(|_| Error::malformed("signature is not hex"))?;
    if given.len() != 32 {
        return Err(Error::malformed("signature is not 32 bytes of hex"));
    }
    let expected = mac(key, message)?;
    if bool::from(expected.as_slice().ct_eq(&given)) {
        Ok(())
    } else {
        Err(Error::SignatureInvalid)
    }
}
