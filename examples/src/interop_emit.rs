//! Emits envelopes made by cardwire as JSON on stdout, for the independent
//! checker `tests/python/check_interop.py` (Python `cryptography`, PyNaCl,
//! hashlib/hmac, the `email` multipart parser) to verify and open. Run by
//! `make test`.

#![allow(clippy::indexing_slicing)] // serde_json::Value indexing returns Null, it does not panic

use std::path::PathBuf;

use cardwire::prelude::*;
use cardwire::worldcard::{Merchant, MerchantKeys, MerchantRecord, Platform};
use cardwire::{payca, pintopay, wasabi, worldcard_legacy};
use cardwire::{AesKey, RsaPrivateKey, RsaPublicKey};
use rand::rngs::OsRng;
use serde_json::{json, Value};

const AES_KEY_HEX: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn key(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys");
    Ok(std::fs::read_to_string(dir.join(name))?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = OsRng;
    let mut cases: Vec<Value> = Vec::new();
    for (bits, priv_name, pub_name) in [
        (2048, "merchant_2048.pkcs8.pem", "merchant_2048.spki.pem"),
        (1024, "merchant_1024.pkcs1.pem", "merchant_1024.spki.pem"),
    ] {
        let merchant = Merchant::new(MerchantKeys {
            app_id: "app_cardwire_test".into(),
            private_key: RsaPrivateKey::parse(&key(priv_name)?)?,
            aes_key: AesKey::parse(AES_KEY_HEX)?,
            platform_public_key: None,
        })?;
        let payload = json!({"card_id": "1234567890123456", "note": "Zoë ✓"});
        let req = merchant.build_request(
            &Request::new("/api/v1/card/virtual/get_info")
                .payload(&payload)
                .timestamp(1_764_000_000)
                .nonce("550e8400-e29b-41d4-a716-446655440000"),
            1_764_000_000 * 1000,
            &mut rng,
        )?;
        cases.push(json!({
            "provider": "worldcard", "kind": "request", "bits": bits, "public_key": pub_name, "aes_key": AES_KEY_HEX,
            "headers": req.headers, "body": String::from_utf8(req.body)?, "payload": payload,
        }));
    }
    let platform = Platform::new(
        vec![MerchantRecord {
            app_id: "app_cardwire_test".into(),
            public_key: RsaPublicKey::parse(&key("merchant_2048.spki.pem")?)?,
            aes_key: AesKey::parse(AES_KEY_HEX)?,
        }],
        Some(RsaPrivateKey::parse(&key("platform_2048.pkcs8.b64")?)?),
    )?;
    let data =
        json!({"card_id": "1234567890123456", "status": 2, "card_number": "4937241000003841"});
    let hook = platform.sign_webhook(
        &Notification::new("card_open", &data)
            .app_id("app_cardwire_test")
            .id("nonce-interop-1")
            .timestamp_ms(1_764_000_000_123),
        1_764_000_000_123,
        &mut rng,
    )?;
    let mut expected = data.clone();
    expected["notify_type"] = json!("card_open");
    cases.push(json!({
        "provider": "worldcard", "kind": "webhook", "bits": 2048, "public_key": "platform_2048.spki.pem", "aes_key": AES_KEY_HEX,
        "headers": hook.headers, "body": String::from_utf8(hook.body)?, "payload": expected,
    }));
    let info = json!({"card_id": "1", "status": 2, "card_number": "4937241000003841", "cvv": "123",
                      "expiry_month": "09", "expiry_year": "2029", "currency": "USD"});
    let resp = platform.seal_response("app_cardwire_test", Some(Payload::Json(&info)), &mut rng)?;
    cases.push(json!({
        "provider": "worldcard", "kind": "response", "aes_key": AES_KEY_HEX, "body": String::from_utf8(resp.body)?, "data": info,
    }));
    shared_secret_cases(&mut cases, &mut rng)?;
    println!("{}", serde_json::to_string_pretty(&cases)?);
    Ok(())
}

fn shared_secret_cases(
    cases: &mut Vec<Value>,
    rng: &mut OsRng,
) -> Result<(), Box<dyn std::error::Error>> {
    // PinToPay: PyNaCl must open what we seal.
    let secret = "pk_test_secret_ünïcode_✓";
    let m = pintopay::Merchant::new("ptp_key", secret)?;
    let payload = json!({"card_id": "card_1", "amount": "25.50"});
    let req = m.build_request(
        &Request::new("/api/v1/cards/topup")
            .payload(&payload)
            .timestamp(1_764_000_000_000_000)
            .idempotency_key("idem-1"),
        1_764_000_000_000_000 / 1000,
        rng,
    )?;
    cases.push(json!({"provider": "pintopay", "kind": "request", "secret": secret, "body": String::from_utf8(req.body)?,
                      "payload": payload, "timestamp_us": 1_764_000_000_000_000u64, "headers": req.headers}));
    let p = pintopay::Platform::new("ptp_key", secret)?;
    let hook = p.sign_webhook(
        &Notification::new(
            "card.transaction",
            &json!({"card_id": "card_1", "timestamp": 17}),
        ),
        0,
        rng,
    )?;
    cases.push(json!({"provider": "pintopay", "kind": "webhook", "secret": secret, "body": String::from_utf8(hook.body)?,
                      "payload": {"card_id": "card_1", "timestamp": 17, "type": "card.transaction"}}));
    // PayCA: hmac must verify our signature; the email parser must read our multipart body.
    let pp = payca::Platform::new("cid", "pc_secret_Zq9!x")?;
    let body = json!({"event": "card_transaction", "data": {"cardId": "c-1", "amount": "12.50"}});
    let signed = pp.sign_webhook(&Notification::new("", &body).id("req-1"), 0, rng)?;
    cases.push(json!({"provider": "payca", "kind": "webhook", "secret": "pc_secret_Zq9!x", "headers": signed.headers,
                      "body": String::from_utf8(signed.body)?}));
    let c = payca::Merchant::new("cid", "pc_secret_Zq9!x")?;
    let file: Vec<u8> = (0u8..=255)
        .chain(b"\r\n--not-a-boundary\r\n".iter().copied())
        .collect();
    let up = c.upload_kyc_document(
        "user/1",
        payca::FileUpload {
            filename: "pass\"port.jpg",
            content_type: "image/jpeg",
            bytes: &file,
        },
        "passport",
        None,
        rng,
    )?;
    cases.push(json!({"provider": "payca", "kind": "multipart", "path": up.path, "content_type": up.header("Content-Type"),
                      "body_hex": cardwire::encoding::hex_encode(&up.body), "file_hex": cardwire::encoding::hex_encode(&file)}));
    // WorldCard legacy: hashlib must agree on the sign; cryptography must decrypt our AES-ECB.
    let lsecret = "owfwFkDnlCuiUTYzA1b2C3d4E5f6G7h8";
    let lc = worldcard_legacy::Merchant::new("app-legacy", lsecret)?;
    let lreq = lc.build_request(&Request::new("/op/card/P/document").payload(&json!({"cardNumber": "5592", "idType": "PASSPORT", "faceImage": "aGVsbG8=", "limit": 5000, "flag": true})).timestamp(1_764_000_000_000).nonce("n-1"), 1_764_000_000_000, rng)?;
    cases.push(json!({"provider": "worldcard_legacy", "kind": "request", "secret": lsecret, "body": String::from_utf8(lreq.body)?,
                      "exclude": ["faceImage", "backImage"]}));
    cases.push(json!({"provider": "worldcard_legacy", "kind": "ecb", "secret": lsecret, "value": lc.encrypt_field("123456")?, "plaintext": "123456"}));
    wasabi_cases(cases, rng)?;
    Ok(())
}

fn wasabi_cases(cases: &mut Vec<Value>, rng: &mut OsRng) -> Result<(), Box<dyn std::error::Error>> {
    // Wasabi: cryptography must verify our SHA256withRSA signatures and
    // decrypt our RSA fields (1024-bit keys, multi-block, every padding).
    let m = wasabi::Merchant::new(wasabi::MerchantKeys {
        api_key: "wsb_key".into(),
        private_key: RsaPrivateKey::parse(&key("merchant_1024.pkcs8.b64")?)?,
        platform_public_key: None,
    })?;
    let body = r#"{"cardNo":"c1","merchantOrderNo":"ORDER-20260101-000009","amount":"10.00"}"#;
    let req = m.build_request(
        &Request::new("/merchant/core/mcb/card/deposit").payload(Payload::Text(body)),
        0,
        rng,
    )?;
    cases.push(json!({"provider": "wasabi", "kind": "request", "public_key": "merchant_1024.spki.pem", "headers": req.headers,
                      "body": String::from_utf8(req.body)?}));
    let up = m.upload_file("id.png", "image/png", b"PNGDATA", "KYC", rng)?;
    cases.push(json!({"provider": "wasabi", "kind": "upload", "public_key": "merchant_1024.spki.pem", "headers": up.headers}));
    let p = wasabi::Platform::new(
        "wsb_key",
        RsaPrivateKey::parse(&key("platform_1024.pkcs8.pem")?)?,
        RsaPublicKey::parse(&key("merchant_2048.spki.pem")?)?,
    )?;
    let long = format!("https://activate.example/{}", "z".repeat(400));
    for (name, pad) in [
        ("pkcs1", wasabi::RsaPadding::Pkcs1v15),
        ("oaep_sha1", wasabi::RsaPadding::OaepSha1),
        ("oaep_sha256", wasabi::RsaPadding::OaepSha256),
    ] {
        cases.push(json!({"provider": "wasabi", "kind": "field", "private_key": "merchant_2048.pkcs8.pem", "padding": name,
                          "value": p.encrypt_field(&long, pad, rng)?, "plaintext": long}));
    }
    let note = p.sign_webhook(
        &Notification::new("card_transaction", &json!({"orderNo": "T-1", "amount": 15})).id("rq-1"),
        0,
        rng,
    )?;
    cases.push(json!({"provider": "wasabi", "kind": "notification", "public_key": "platform_1024.spki.pem", "headers": note.headers,
                      "body": String::from_utf8(note.body)?}));
    Ok(())
}
