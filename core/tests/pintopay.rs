#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Walks tests/vectors/pintopay/: envelopes sealed by PyNaCl that our code
//! must open or reject with the expected code; plus both sides against each
//! other and the status models.

mod common;

use cardwire::pintopay::{self, status, Merchant, Platform};
use cardwire::prelude::*;
use cardwire::{Error, MemoryReplayGuard};
use serde_json::{json, Value};

use common::code_of;

#[test]
fn pintopay_vectors() {
    let mut n = 0;
    let mut contents = std::collections::BTreeSet::new();
    for (name, case) in common::cases("pintopay") {
        n += 1;
        let key = case["api_key"].as_str().unwrap();
        let secret = case["api_secret"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let body = case["body"].as_str().unwrap().as_bytes();
        match case["kind"].as_str().unwrap() {
            "request" => {
                let p = Platform::new(key, secret).unwrap();
                let mut g = MemoryReplayGuard::default();
                let headers = common::headers(&case["headers"]);
                let path = case["path"].as_str().unwrap();
                let now = case["now_us"].as_u64().unwrap();
                let msg = Received::new(&headers, body).with_path(path);
                let r = p.verify_request(&msg, now / 1000, &mut g);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(v) = r {
                    assert_eq!(v.payload, case["payload"], "{name}");
                    let again = p.verify_request(&msg, (now + 1) / 1000, &mut g);
                    assert_eq!(code_of(&again), "replay_detected", "{name}");
                }
            }
            "response" => {
                let m = Merchant::new(key, secret).unwrap();
                let msg = Received {
                    status: case["status"].as_u64().map(|s| s as u16),
                    ..Received::body_only(body)
                };
                let r = m.open_response(&msg, 0);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                match r {
                    Ok(v) => assert_eq!(v.data, case["data"], "{name}"),
                    Err(Error::Api(api)) => {
                        assert_eq!(api.provider_code, case["slug"].as_str().unwrap(), "{name}");
                        assert_eq!(
                            api.retryable,
                            case["retryable"].as_bool().unwrap(),
                            "{name}"
                        );
                        assert!(api.status.is_some(), "{name}");
                    }
                    Err(_) => {}
                }
            }
            "webhook" => {
                let m = Merchant::new(key, secret).unwrap();
                let mut g = MemoryReplayGuard::default();
                let headers = common::headers(&case["headers"]);
                let now_ms = case["now_us"].as_u64().unwrap() / 1000;
                let msg = Received::new(&headers, body);
                let r = m.verify_webhook(&msg, now_ms, &mut g);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(ev) = r {
                    assert_eq!(ev.raw, case["payload"], "{name}");
                    assert_eq!(
                        ev.event_type,
                        case["event_type"].as_str().unwrap(),
                        "{name}"
                    );
                    // No send time is signed: never a time read from the payload.
                    assert_eq!(ev.timestamp_ms, None, "{name}");
                    assert_eq!(
                        ev.business_key.as_deref(),
                        case["business_key"].as_str(),
                        "{name}"
                    );
                    // The key is the SHA-256 of the plaintext, as hashlib computed it.
                    let content = case["content_sha256"].as_str().unwrap();
                    assert!(
                        ev.delivery.key.ends_with(&format!(":content:{content}")),
                        "{name}: {}",
                        ev.delivery.key
                    );
                    assert!(
                        contents.insert(content.to_owned()),
                        "{name}: two events, one key"
                    );
                    assert!(!ev.duplicate);
                    assert!(
                        m.verify_webhook(&msg, now_ms + 1000, &mut g)
                            .unwrap()
                            .duplicate
                    );
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
    }
    assert!(n >= 25, "only {n} PinToPay vectors");
}

#[test]
fn both_sides_round_trip_and_reject() {
    let mut rng = common::rng();
    let m = Merchant::new("key-1", "s3cret-long-enough").unwrap();
    let p = Platform::new("key-1", "s3cret-long-enough").unwrap();
    let now = 1_764_000_000_000_000u64;
    let req = m
        .build_request(
            &Request::new("/api/v1/cards/create")
                .payload(&json!({"product_code": "P1", "external_user_id": "u1"}))
                .timestamp(now)
                .idempotency_key("idem-9"),
            now / 1000,
            &mut rng,
        )
        .unwrap();
    assert_eq!(req.header("API-KEY"), Some("key-1"));
    assert_eq!(req.header("Idempotency-Key"), Some("idem-9"));
    let mut g = MemoryReplayGuard::default();
    let req_headers = req.headers();
    let sent = Received::new(&req_headers, &req.body).with_path("/api/v1/cards/create");
    let v = p
        .verify_request(&sent, (now + 1_000_000) / 1000, &mut g)
        .unwrap();
    assert_eq!(v.payload["request_timestamp"], now);
    assert_eq!(v.payload["product_code"], "P1");
    assert_eq!(v.idempotency_key.as_deref(), Some("idem-9"));
    // The same bytes again: replay, rendered as the seed's text.
    let e = p
        .verify_request(&sent, (now + 2_000_000) / 1000, &mut g)
        .unwrap_err();
    assert_eq!(e.code(), "replay_detected");
    let answer = p.rejection(&e, &mut rng);
    assert_eq!(answer.status, 400);
    assert!(String::from_utf8_lossy(&answer.body).contains("Duplicate request detected"));
    // The same timestamp on another path is a different request.
    let other = m
        .build_request(
            &Request::new("/api/v1/cards/get")
                .payload(&json!({"card_id": "c"}))
                .timestamp(now),
            now / 1000,
            &mut rng,
        )
        .unwrap();
    assert!(p
        .verify_request(
            &Received::new(&other.headers(), &other.body).with_path("/api/v1/cards/get"),
            now / 1000,
            &mut g
        )
        .is_ok());
    // Idempotency-Key required on create/topup, on both sides.
    assert_eq!(
        m.build_request(
            &Request::new("/api/v1/cards/topup")
                .payload("{}")
                .timestamp(now),
            now / 1000,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "idempotency_key_required"
    );
    // Non-object payloads, bad paths, short secrets.
    assert_eq!(
        m.build_request(
            &Request::new("/api/v1/cards/get")
                .payload("[1]")
                .timestamp(now),
            now / 1000,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(
        m.build_request(
            &Request::new("/api/v2/x").payload("{}").timestamp(now),
            now / 1000,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(
        Merchant::new("k", "1234567").unwrap_err().code(),
        "invalid_key"
    );
    assert!(
        Merchant::new("k", "ééééééé✓").is_ok(),
        "8 characters, more bytes"
    );
    // Responses and errors, sealed by the platform, opened by the merchant.
    let ok = p
        .seal_response(&json!({"card_id": "c", "status": "active"}), &mut rng)
        .unwrap();
    assert_eq!(
        m.open_response(&Received::response(ok.status, &Headers::new(), &ok.body), 0)
            .unwrap()
            .data["status"],
        "active"
    );
    let err = p.seal_error(422, "card_not_active", "Card is not active", &mut rng);
    let Error::Api(api) = m
        .open_response(
            &Received::response(err.status, &Headers::new(), &err.body),
            0,
        )
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        (api.provider_code.as_str(), api.status, api.retryable),
        ("card_not_active", Some(422), false)
    );
    // Webhooks, and the acknowledgement.
    let hook = p
        .sign_webhook(
            &Notification::new("card.status", &json!({"card_id": "c", "timestamp": 5})),
            0,
            &mut rng,
        )
        .unwrap();
    let mut seen = MemoryReplayGuard::default();
    let ev = m
        .verify_webhook(&Received::new(&hook.headers(), &hook.body), 5000, &mut seen)
        .unwrap();
    assert_eq!(
        (ev.event_type.as_str(), ev.timestamp_ms, ev.duplicate),
        ("card.status", None, false)
    );
    // Re-sealed (a fresh nonce, other ciphertext bytes), same payload: a duplicate.
    let again = p
        .sign_webhook(
            &Notification::new("card.status", &json!({"card_id": "c", "timestamp": 5})),
            0,
            &mut rng,
        )
        .unwrap();
    assert_ne!(again.body, hook.body);
    assert!(
        m.verify_webhook(
            &Received::new(&again.headers(), &again.body),
            5010,
            &mut seen
        )
        .unwrap()
        .duplicate
    );
    // Reflection, both directions: the merchant's own request is not a
    // webhook, and a webhook is not a request.
    assert_eq!(
        m.verify_webhook(
            &Received::new(&req_headers, &req.body),
            now / 1000,
            &mut seen
        )
        .unwrap_err()
        .code(),
        "malformed_envelope"
    );
    assert_eq!(
        p.verify_request(
            &Received::new(&hook.headers(), &hook.body).with_path("/api/v1/cards/get"),
            now / 1000,
            &mut g
        )
        .unwrap_err()
        .code(),
        "malformed_envelope"
    );
    assert_eq!(
        p.sign_webhook(
            &Notification::new("x", &json!({"request_timestamp": 1})),
            0,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    let wrong_key: Headers = [("API-KEY", "other")].into();
    assert_eq!(
        m.verify_webhook(&Received::new(&wrong_key, &hook.body), 0, &mut seen)
            .unwrap_err()
            .code(),
        "malformed_envelope"
    );
    assert_eq!(Merchant::webhook_ack().body, br#"{"success":true}"#);
    let parsed: Value = serde_json::from_slice(&Merchant::webhook_ack().body).unwrap();
    assert_eq!(parsed, json!({"success": true}));
}

#[test]
fn status_models() {
    assert!(status::ORDER.can_transition("new", "activating"));
    assert!(status::ORDER.can_transition("processing", "completed"));
    assert!(!status::ORDER.can_transition("completed", "new"));
    assert!(status::ORDER.is_final("failed") && !status::ORDER.is_final("processing"));
    assert!(!status::ORDER.is_known("something_new") && !status::ORDER.is_final("something_new"));
    assert!(status::CARD.is_known("wait_for_topup_activation_by_user"));
    assert!(status::CARDHOLDER_KYC.is_final("approved"));
    assert_eq!(
        status::CARDHOLDER_REGISTRATION.next_states("pending"),
        vec!["active", "failed"]
    );
    assert!(pintopay::slug_retryable("internal_error", Some(500)));
    assert!(!pintopay::slug_retryable("card_not_found", Some(500)));
    assert!(pintopay::slug_retryable("brand_new_slug", Some(429)));
}

/// The typed plaintext bodies generated from docs/openapi/pintopay.yaml: the
/// API documentation's decrypted-payload example reads as `users/create`, and
/// a typed top-up is sealed by the request builder and opened by the platform.
#[test]
fn typed_bodies_read_the_documents_example_and_seal() {
    use cardwire::prelude::*;
    use cardwire::providers::pintopay::types::{CreateUser, TopupCard};
    use rand_core::SeedableRng;
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/examples/pintopay");
    let ex: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("01_decrypted_payload.json")).expect("example"),
    )
    .expect("json");
    let mut body = ex["body"].clone();
    body.as_object_mut()
        .expect("object")
        .remove("request_timestamp");
    let user: CreateUser = serde_json::from_value(body.clone()).expect("reads");
    assert_eq!(user.user_id.as_deref(), Some("ext-123"));
    assert_eq!(serde_json::to_value(&user).expect("writes"), body);

    let topup = TopupCard {
        card_id: "card-1".into(),
        amount: "10.00".into(),
    };
    let json = topup.to_json().expect("encodes");
    let merchant =
        cardwire::providers::pintopay::Merchant::new("key-1", "secret-123").expect("merchant");
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
    let req = merchant
        .build_request(
            &topup.request(&json).idempotency_key("k-1"),
            1_767_000_000_000,
            &mut rng,
        )
        .expect("seals");
    assert_eq!(req.path, "/api/v1/cards/topup");
    let platform =
        cardwire::providers::pintopay::Platform::new("key-1", "secret-123").expect("platform");
    let headers = req.headers();
    let opened = platform
        .verify_request(
            &Received::new(&headers, &req.body).with_path(&req.path),
            1_767_000_000_000,
            &mut cardwire::MemoryReplayGuard::default(),
        )
        .expect("opens");
    assert_eq!(opened.payload["amount"], "10.00");
    assert_eq!(opened.idempotency_key.as_deref(), Some("k-1"));
}
