#![no_main]
//! Envelope opening on both sides: webhook verification, request verification,
//! response opening and field decryption with fixed keys and fuzzed input.
use std::sync::OnceLock;

use cardwire::worldcard::{Merchant, MerchantKeys, MerchantRecord, Platform};
use cardwire::prelude::*;
use cardwire::{AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
use libfuzzer_sys::fuzz_target;

const PRIV: &str = include_str!("../../tests/vectors/keys/merchant_1024.pkcs8.pem");
const PUB: &str = include_str!("../../tests/vectors/keys/merchant_1024.spki.pem");

fn sides() -> Option<&'static (Merchant, Platform)> {
    static S: OnceLock<Option<(Merchant, Platform)>> = OnceLock::new();
    S.get_or_init(|| {
        let aes = AesKey::from_bytes(&[5u8; 32]).ok()?;
        let m = Merchant::new(MerchantKeys {
            app_id: "app".into(),
            private_key: RsaPrivateKey::parse(PRIV).ok()?,
            aes_key: aes.clone(),
            platform_public_key: RsaPublicKey::parse(PUB).ok(),
        })
        .ok()?;
        let p = Platform::new(
            vec![MerchantRecord {
                app_id: "app".into(),
                public_key: RsaPublicKey::parse(PUB).ok()?,
                aes_key: aes,
            }],
            None,
        )
        .ok()?;
        Some((m, p))
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some((m, p)) = sides() else { return };
    // First line: "sig|timestamp|nonce"; the rest is the body.
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => data.split_at(i),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut parts = head.splitn(3, '|');
    let headers = Headers::from([
        ("X-App-Id", "app".to_owned()),
        ("X-Signature", parts.next().unwrap_or_default().to_owned()),
        ("X-Timestamp", parts.next().unwrap_or_default().to_owned()),
        ("X-Nonce", parts.next().unwrap_or_default().to_owned()),
    ]);
    let mut guard = MemoryReplayGuard::new(8);
    let _ = m.verify_webhook(&Received::new(&headers, body), 1_764_000_000_000, &mut guard);
    let _ = p.verify_request(&Received::new(&headers, body), 1_764_000_000_000, &mut guard);
    let _ = m.open_response(&Received::body_only(body), 0);
    let _ = m.open_response(&Received::response(502, &Headers::new(), data), 0);
    let _ = m.decrypt_field(&String::from_utf8_lossy(data));
});
