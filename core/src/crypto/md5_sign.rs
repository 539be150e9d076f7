//! WorldCard legacy signing: lowercase hex MD5 over `k=v&k=v...` of the
//! non-empty parameters plus `appSecret`, names sorted in byte order, values
//! not URL-encoded. MD5 is the provider's choice, not ours.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use crate::encoding;
use crate::error::{Error, Result};
use crate::exact_json::Object;

/// The canonical string that is hashed: every parameter with a non-empty
/// value except `sign` and `excluded`, plus `appSecret`, sorted by name in
/// byte order, joined `k=v` with `&`. Each value takes part as
/// [`Object::sign_text`] gives it: strings as themselves, numbers and
/// booleans as their exact received JSON text (`20.10`, never `20.1`),
/// objects and arrays as compact JSON; `null` and `""` are left out.
/// Exposed for debugging signatures.
pub fn canonical_string(params: &Object, app_secret: &str, excluded: &[&str]) -> Result<String> {
    if params.contains("appSecret") {
        return Err(Error::invalid_input("appSecret must never be a parameter"));
    }
    let mut pairs: Vec<(&str, String)> = params
        .iter()
        .map(|(k, _)| k)
        .filter(|k| *k != "sign" && !excluded.contains(k))
        .filter_map(|k| params.sign_text(k).map(|t| (k, t)))
        .collect();
    if !app_secret.is_empty() {
        pairs.push(("appSecret", app_secret.to_owned()));
    }
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&"))
}

/// The `sign` value: lowercase hex MD5 of [`canonical_string`].
pub fn sign(params: &Object, app_secret: &str, excluded: &[&str]) -> Result<String> {
    let s = canonical_string(params, app_secret, excluded)?;
    Ok(encoding::hex_encode(&Md5::digest(s.as_bytes())))
}

/// Checks `given` (hex, either case) against the expected sign in constant
/// time. Not 32 hex digits is `malformed_envelope`; a mismatch is `signature_invalid`.
pub fn verify(params: &Object, app_secret: &str, excluded: &[&str], given: &str) -> Result<()> {
    let given =
        encoding::hex_decode(given.trim()).map_err(|_| Error::malformed("sign is not hex"))?;
    if given.len() != 16 {
        return Err(Error::malformed("sign is not 32 hex digits"));
    }
    let expected = Md5::digest(canonical_string(params, app_secret, excluded)?.as_bytes());
    if bool::from(expected.as_slice().ct_eq(&given)) {
        Ok(())
    } else {
        Err(Error::SignatureInvalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The provider's published example (legacy "Signing and Decryption").
    #[test]
    fn published_md5_example() {
        let params = json!({
            "amount": "1", "appId": "YTUvZeeOdx",
            "callbackUrl": "http://127.0.0.1:8921/api/callback/test", "itemId": "100001",
            "outOrderId": "2975857684279803", "timestamp": "20200717133601001", "uuid": "18898810602"
        });
        let map = &Object::from_map(params.as_object().unwrap()).unwrap();
        assert_eq!(
            canonical_string(map, "owfwFkDnlCuiUTYz", &[]).unwrap(),
            "amount=1&appId=YTUvZeeOdx&appSecret=owfwFkDnlCuiUTYz&callbackUrl=http://127.0.0.1:8921/api/callback/test&itemId=100001&outOrderId=2975857684279803&timestamp=20200717133601001&uuid=18898810602"
        );
        assert_eq!(
            sign(map, "owfwFkDnlCuiUTYz", &[]).unwrap(),
            "2f64566717836f1b62276519ac71aaf3"
        );
        assert!(verify(
            map,
            "owfwFkDnlCuiUTYz",
            &[],
            "2F64566717836F1B62276519AC71AAF3"
        )
        .is_ok());
        assert_eq!(
            verify(
                map,
                "owfwFkDnlCuiUTYz",
                &[],
                "2f64566717836f1b62276519ac71aaf4"
            )
            .unwrap_err()
            .code(),
            "signature_invalid"
        );
        assert_eq!(
            verify(map, "owfwFkDnlCuiUTYz", &[], "xyz")
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
    }
}
