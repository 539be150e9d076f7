//! The vocabulary's methods for the card reveal: each converts its arguments and calls
//! the provider's contract.
#![cfg(feature = "reveal")]

#[allow(unused_imports)]
use super::*;

#[cfg(feature = "reveal")]
pub(super) fn key(k: &Mutex<crate::reveal::RevealKey>, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "request" => {
            let r = k.lock().unwrap_or_else(|e| e.into_inner()).request();
            Ok(Out::Record(
                "reveal_request",
                vec![
                    ("public_key", Out::Str(r.public_key)),
                    ("request_id", Out::Str(r.request_id)),
                    ("card_id", Out::Str(r.card_id)),
                    ("expires_at_ms", Out::uint(r.expires_at_ms)),
                ],
            ))
        }
        "open" => {
            let now = cx.now()?;
            let sealed = cx.a.str("sealed")?;
            let fields = k
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .open(&sealed, now)?;
            Ok(Out::Json(Value::Object(fields)))
        }
        _ => Err(cx.unknown()),
    }
}
