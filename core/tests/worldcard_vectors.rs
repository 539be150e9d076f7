#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Walks tests/vectors/worldcard/: artifacts made by Python `cryptography`
//! (an implementation independent of cardwire) that our code must accept or
//! reject with the expected error code.

mod common;

use cardwire::crypto::aes_gcm::AesGcmKey;
use cardwire::crypto::rsa_pss::{self, PssSaltPolicy};
use cardwire::prelude::*;
use cardwire::worldcard::{
    Event, Merchant, MerchantConfig, MerchantKeys, MerchantRecord, Platform, WebhookEvent,
};
use cardwire::{AesKey, DeliveryConfig, Error, MemoryReplayGuard, Window, WindowPolicy};
use serde_json::Value;

use common::code_of;

fn merchant_for(case: &Value) -> Merchant {
    let keys = MerchantKeys {
        app_id: "app_cardwire_test".into(),
        private_key: common::private_key("merchant_2048.pkcs8.pem"),
        aes_key: AesKey::parse(case["aes_key"].as_str().unwrap()).unwrap(),
        platform_public_key: case["platform_public_key"].as_str().map(common::public_key),
    };
    let mut config = MerchantConfig::default();
    if let Some(w) = case["window_ms"].as_u64() {
        config = config.with_delivery(
            DeliveryConfig::default().with_window(WindowPolicy::Fixed(Window { tolerance_ms: w })),
        );
    }
    Merchant::with_config(keys, config).unwrap()
}

fn check_webhook(name: &str, case: &Value, ev: &WebhookEvent) {
    assert_eq!(
        ev.event_type,
        case["notify_type"].as_str().unwrap(),
        "{name}"
    );
    // The delivery key is the signed X-Nonce, hashed as hashlib hashed it.
    let nonce = case["nonce_sha256"].as_str().unwrap();
    assert!(ev.delivery.key.ends_with(&format!(":id:{nonce}")), "{name}");
    assert_eq!(ev.delivery.retention_ms, 48 * 3600 * 1000, "{name}");
    assert_eq!(ev.raw, case["payload"], "{name}: payload differs");
    assert_eq!(
        ev.business_key.as_deref(),
        case["business_key"].as_str(),
        "{name}: business key"
    );
    assert!(!ev.duplicate, "{name}: first delivery is not a duplicate");
    let expected_type = case["notify_type"].as_str().unwrap();
    let typed_ok = match (&ev.event, expected_type) {
        (Event::CardOpen(e), "card_open") => {
            e.card_number.as_deref() == Some("4937241000003841") && e.status == Some(2)
        }
        (Event::CardDeposit(e), "card_deposit") => {
            e.settle_amount.as_deref() == Some("49.50") && e.status == Some(1)
        }
        (Event::CardClose(e), "card_close") => e.amount.as_deref() == Some("12.34"),
        (Event::CardStatusChange(e), "card_status_change") => {
            cardwire::worldcard::CardStatus::parse(e.card_status.as_deref().unwrap())
                == cardwire::worldcard::CardStatus::Blocked
        }
        (Event::CardBilling(e), "card_billing") => {
            e.card_type_id == Some(3) && e.mcc.as_deref() == Some("5734")
        }
        (Event::Card3ds(e), "card_3ds") => e.otp.as_deref() == Some("123456"),
        (Event::CardKyc(e), "card_kyc") => e.retry_allowed == Some(true) && e.status == Some(3),
        (Event::Unknown { notify_type, raw }, t) => notify_type == t && raw == &case["payload"],
        _ => false,
    };
    assert!(typed_ok, "{name}: typed event wrong: {:?}", ev.event);
}

#[test]
fn worldcard_vectors() {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for (name, case) in common::cases("worldcard") {
        let kind = case["kind"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        *counts.entry(kind.to_owned()).or_default() += 1;
        match kind {
            "pss_verify" => {
                let key = common::public_key(case["public_key"].as_str().unwrap());
                let msg = case["message"].as_str().unwrap().as_bytes();
                let sig =
                    cardwire::encoding::b64_decode(case["signature"].as_str().unwrap()).unwrap();
                let auto = rsa_pss::verify(&key, msg, &sig, PssSaltPolicy::AutoDetect);
                assert_eq!(code_of(&auto), expect, "{name} (auto)");
                if let Some(strict) = case["expect_strict"].as_str() {
                    let r = rsa_pss::verify(&key, msg, &sig, PssSaltPolicy::Strict32);
                    assert_eq!(code_of(&r), strict, "{name} (strict)");
                }
                if let Some(salt) = case["salt_len"].as_u64() {
                    let found = rsa_pss::recover_salt_len(&key, msg, &sig).unwrap();
                    assert_eq!(found as u64, salt, "{name}: recovered salt length");
                }
            }
            "gcm_open" => {
                let key =
                    AesGcmKey::new(&AesKey::parse(case["aes_key"].as_str().unwrap()).unwrap());
                let r = key.open_b64(case["value"].as_str().unwrap());
                assert_eq!(code_of(&r), expect, "{name}");
                if let Ok(p) = r {
                    assert_eq!(
                        String::from_utf8(p).unwrap(),
                        case["plaintext"].as_str().unwrap(),
                        "{name}"
                    );
                }
            }
            "webhook" => {
                let m = merchant_for(&case);
                let headers = common::headers(&case["headers"]);
                let body = case["body"].as_str().unwrap().as_bytes();
                let now = case["now_ms"].as_u64().unwrap();
                let mut guard = MemoryReplayGuard::default();
                let r = m.verify_webhook(&Received::new(&headers, body), now, &mut guard);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(ev) = r {
                    check_webhook(&name, &case, &ev);
                    // The same delivery again: the event, marked duplicate, never an error.
                    let again = m
                        .verify_webhook(&Received::new(&headers, body), now + 60_000, &mut guard)
                        .unwrap();
                    assert!(
                        again.duplicate,
                        "{name}: redelivery must be marked duplicate"
                    );
                    assert_eq!(again.raw, ev.raw);
                }
            }
            "request" => {
                let record = MerchantRecord {
                    app_id: case["app_id"].as_str().unwrap().into(),
                    public_key: common::public_key(case["merchant_public_key"].as_str().unwrap()),
                    aes_key: AesKey::parse(case["aes_key"].as_str().unwrap()).unwrap(),
                };
                let platform = Platform::new(vec![record], None).unwrap();
                let headers = common::headers(&case["headers"]);
                let body = case["body"].as_str().unwrap().as_bytes();
                let now = case["now_s"].as_u64().unwrap();
                let mut guard = MemoryReplayGuard::default();
                let r =
                    platform.verify_request(&Received::new(&headers, body), now * 1000, &mut guard);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(v) = r {
                    assert_eq!(v.json, case["payload"], "{name}");
                    let again = platform.verify_request(
                        &Received::new(&headers, body),
                        (now + 1) * 1000,
                        &mut guard,
                    );
                    assert_eq!(code_of(&again), "replay_detected", "{name}: nonce reuse");
                }
            }
            "response" => {
                let m = merchant_for(&case);
                let r = m.open_response(
                    &Received::response(
                        200,
                        &Headers::new(),
                        case["body"].as_str().unwrap().as_bytes(),
                    ),
                    0,
                );
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                match r {
                    Ok(resp) => {
                        assert_eq!(resp.code.as_deref(), Some("0"));
                        let clear: Vec<String> = case["unencrypted_fields"]
                            .as_array()
                            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                            .unwrap_or_default();
                        assert_eq!(resp.unencrypted_fields, clear, "{name}");
                        match case["data"].clone() {
                            Value::Null => assert!(resp.data.is_null(), "{name}"),
                            d => assert_eq!(resp.data, d, "{name}"),
                        }
                    }
                    Err(Error::Api(api)) => {
                        assert_eq!(api.provider_code, case["provider_code"].as_str().unwrap());
                    }
                    Err(_) => {}
                }
            }
            other => panic!("{name}: unknown vector kind {other}"),
        }
    }
    eprintln!("worldcard vectors by kind: {counts:?}");
    for kind in ["pss_verify", "gcm_open", "webhook", "request", "response"] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} vectors"
        );
    }
}

#[test]
fn every_key_encoding_loads_and_matches() {
    for base in ["merchant_2048", "platform_1024", "merchant_1024"] {
        let from8 = common::private_key(&format!("{base}.pkcs8.pem"));
        let from1 = common::private_key(&format!("{base}.pkcs1.pem"));
        let bare = common::private_key(&format!("{base}.pkcs8.b64"));
        let pubs = ["spki.pem", "pkcs1-pub.pem", "spki.b64", "pkcs1-pub.b64"]
            .map(|s| common::public_key(&format!("{base}.{s}")));
        for p in &pubs {
            assert_eq!(p, &from8.public_key());
            assert_eq!(p, &from1.public_key());
            assert_eq!(p, &bare.public_key());
        }
        let bits = if base.ends_with("1024") { 1024 } else { 2048 };
        assert_eq!(from8.bits(), bits);
    }
}
