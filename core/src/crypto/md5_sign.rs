//! WorldCard legacy signing: lowercase hex MD5 over `k=v&k=v...` of the
//! non-empty parameters plus `appSecret`, names sorted in byte order, values
//! not URL-encoded. MD5 is the provider's choice, not ours.

use md5::{Digest, Md5};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::encoding;
use crate::error::{Error, Result};

/// How a JSON value takes part in the signature (the one place this rule
/// lives; the documents specify strings only):
/// * a string: itself (a JSON string such as a webhook's `data` is signed as
///   that exact string);
/// * a number or boolean: its JSON text (`10.5`, `true`);
/// * an object or array: compact JSON;
/// * `null` or the empty string: left out.
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// The canonical string that is hashed: every parameter with a non-empty
/// value except `sign` and `excluded`, plus `appSecret`, sorted by name in
/// byte order, joined `k=v` with `&`. Exposed for debugging signatures.
pub fn canonical_string(
    params: &Map<String, Value>,
    app_secret: &str,
    excluded: &[&str],
) -> Result<String> {
    if params.contains_key("appSecret") {
        return Err(Error::invalid_input("appSecret must never be a parameter"));
    }
    let mut pairs: Vec<(&str, String)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "sign" && !excluded.contains(&k.as_str()))
        .filter_map(|(k, v)| value_text(v).map(|t| (k.as_str(), t)))
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
pub fn sign(params: &Map<String, Value>, app_secret: &str, excluded: &[&str]) -> Result<String> {
    let s = canonical_string(params, app_secret, excluded)?;
    Ok(encoding::hex_encode(&Md5::digest(s.as_bytes())))
}

/// Checks `given` (hex, either case) against the expected sign in constant
/// time. Not 32 hex digits is `malformed_envelope`; a mismatch is `signature_invalid`.
pub fn verify(
    params: &Map<String, Value>,
    app_secret: &str,
    excluded: &[&str],
    given: &str,
) -> Result<()> {
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
        let map = params.as_object().unwrap();
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
