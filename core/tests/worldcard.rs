#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! WorldCard `Card/*`: the conformance vectors made by independent code, and
//! both sides against each other.

mod common;

/// Walks tests/vectors/worldcard/: artifacts made by Python `cryptography` (an implementation independent of cardwire) that our code must accept or reject with the expected error code.
mod vectors {
    use super::common;

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
                DeliveryConfig::default()
                    .with_window(WindowPolicy::Fixed(Window { tolerance_ms: w })),
            );
        }
        Merchant::new(keys).unwrap().with_config(config)
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
                    let sig = cardwire::encoding::b64_decode(case["signature"].as_str().unwrap())
                        .unwrap();
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
                            .verify_webhook(
                                &Received::new(&headers, body),
                                now + 60_000,
                                &mut guard,
                            )
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
                        public_key: common::public_key(
                            case["merchant_public_key"].as_str().unwrap(),
                        ),
                        aes_key: AesKey::parse(case["aes_key"].as_str().unwrap()).unwrap(),
                    };
                    let platform = Platform::new(vec![record], None).unwrap();
                    let headers = common::headers(&case["headers"]);
                    let body = case["body"].as_str().unwrap().as_bytes();
                    let now = case["now_s"].as_u64().unwrap();
                    let mut guard = MemoryReplayGuard::default();
                    let r = platform.verify_request(
                        &Received::new(&headers, body),
                        now * 1000,
                        &mut guard,
                    );
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
}

/// Both sides of the WorldCard envelope against each other, the error catalog (one trigger per code), and the platform's documented rejections.
mod roundtrip {
    use super::common;

    use std::collections::BTreeMap;

    use cardwire::crypto::rsa_pss::PssSaltPolicy;
    use cardwire::prelude::*;
    use cardwire::worldcard::{
        self, Event, Merchant, MerchantKeys, MerchantRecord, Platform, PlatformConfig,
    };
    use cardwire::{AesKey, Error, MemoryReplayGuard, RsaPrivateKey, CODES};
    use serde_json::{json, Value};

    const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";
    const APP: &str = "app_cardwire_test";
    const NOW: u64 = 1_764_000_000;

    fn merchant() -> Merchant {
        Merchant::new(MerchantKeys {
            app_id: APP.into(),
            private_key: common::private_key("merchant_2048.pkcs8.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
            platform_public_key: Some(common::public_key("platform_2048.spki.pem")),
        })
        .unwrap()
    }

    fn platform() -> Platform {
        Platform::new(
            vec![MerchantRecord {
                app_id: APP.into(),
                public_key: common::public_key("merchant_2048.spki.b64"),
                aes_key: AesKey::parse(AES).unwrap(),
            }],
            Some(common::private_key("platform_2048.pkcs1.pem")),
        )
        .unwrap()
    }

    /// A request for `path` stamped at `NOW` (Unix seconds) with `nonce`.
    fn stamped<'a>(path: &'a str, payload: impl Into<Payload<'a>>, nonce: &'a str) -> Request<'a> {
        Request::new(path)
            .payload(payload)
            .timestamp(NOW)
            .nonce(nonce)
    }

    #[test]
    fn request_built_by_merchant_verifies_on_platform_for_every_payload_form() {
        let (m, p, mut rng) = (merchant(), platform(), common::rng());
        let value = json!({"card_id": "123", "merchant_transaction_id": "t-1", "amount": "10.00"});
        let text = r#"{"card_id":"123", "merchant_transaction_id":"t-1",  "amount":"10.00"}"#;
        for (i, payload) in [
            Payload::Json(&value),
            Payload::Text(text),
            Payload::Bytes(text.as_bytes()),
        ]
        .into_iter()
        .enumerate()
        {
            let nonce = format!("nonce-{i}");
            let req = m
                .build_request(
                    &stamped("/api/v1/card/deposit", payload, &nonce),
                    NOW * 1000,
                    &mut rng,
                )
                .unwrap();
            assert_eq!(req.method, "POST");
            assert_eq!(req.path, "/api/v1/card/deposit");
            assert_eq!(req.header("x-timestamp"), Some("1764000000"));
            assert_eq!(req.header("X-App-Id"), Some(APP));
            assert!(req.body.starts_with(b"{\"data\":\""));
            let mut guard = MemoryReplayGuard::default();
            let v = p
                .verify_request(
                    &Received::new(&req.headers(), &req.body),
                    (NOW + 299) * 1000,
                    &mut guard,
                )
                .unwrap();
            assert_eq!(v.json, value);
            if i > 0 {
                assert_eq!(
                    v.payload,
                    text.as_bytes(),
                    "bytes and text pass through untouched"
                );
            }
        }
    }

    #[test]
    fn webhook_signed_by_platform_opens_on_merchant_and_redelivery_is_duplicate() {
        let (m, p, mut rng) = (merchant(), platform(), common::rng());
        let data = json!({"card_id": "1", "status": 2, "card_number": "4937241000003841"});
        let hook = p
            .sign_webhook(
                &Notification::new("card_open", &data)
                    .app_id(APP)
                    .id("n-1")
                    .timestamp_ms(NOW * 1000),
                NOW * 1000,
                &mut rng,
            )
            .unwrap();
        let mut guard = MemoryReplayGuard::default();
        let ev = m
            .verify_webhook(
                &Received::new(&hook.headers(), &hook.body),
                NOW * 1000,
                &mut guard,
            )
            .unwrap();
        assert!(!ev.duplicate);
        assert_eq!(ev.delivery_id.as_deref(), Some("n-1"));
        assert_eq!(ev.timestamp_ms, Some(NOW * 1000));
        let Event::CardOpen(open) = &ev.event else {
            panic!("{:?}", ev.event)
        };
        assert_eq!(open.card_number.as_deref(), Some("4937241000003841"));
        // Redelivered a day later with the original headers: still the event, marked duplicate.
        let again = m
            .verify_webhook(
                &Received::new(&hook.headers(), &hook.body),
                NOW * 1000 + 86_400_000,
                &mut guard,
            )
            .unwrap();
        assert!(again.duplicate);
        assert_eq!(again.event, ev.event);
        let ack = Merchant::webhook_ack();
        assert_eq!((ack.status, ack.body.as_slice()), (200, &b"ok"[..]));
        assert!(Platform::is_acknowledged(ack.status, &ack.body));
        assert!(!Platform::is_acknowledged(200, b"OK!"));
    }

    #[test]
    fn sealed_response_opens_with_card_fields_recovered() {
        let (m, p, mut rng) = (merchant(), platform(), common::rng());
        let info = json!({"card_id": "1", "status": 2, "card_number": "4937241000003841", "cvv": "123",
                          "expiry_month": "09", "expiry_year": "2029", "email": ""});
        let resp = p
            .seal_response(APP, Some(Payload::Json(&info)), &mut rng)
            .unwrap();
        let wire: Value = serde_json::from_slice(&resp.body).unwrap();
        assert_ne!(
            wire["data"]["card_number"], info["card_number"],
            "encrypted on the wire"
        );
        assert_eq!(wire["data"]["email"], "", "non-sensitive fields untouched");
        let opened = m
            .open_response(
                &Received::response(resp.status, &Headers::new(), &resp.body),
                NOW * 1000,
            )
            .unwrap();
        assert_eq!(opened.data, info);
        assert_eq!(
            m.decrypt_field(wire["data"]["cvv"].as_str().unwrap())
                .unwrap(),
            "123"
        );
        let err = m
            .open_response(
                &Received::response(
                    200,
                    &Headers::new(),
                    &Platform::seal_error(10001, "Card does not exist").body,
                ),
                NOW * 1000,
            )
            .unwrap_err();
        let Error::Api(api) = err else { panic!() };
        assert_eq!(
            (api.provider_code.as_str(), api.message.as_str()),
            ("10001", "Card does not exist")
        );
    }

    #[test]
    fn open_response_handles_http_errors_and_odd_shapes() {
        let m = merchant();
        let e = m
            .open_response(
                &Received::response(502, &Headers::new(), b"<html>bad gateway</html>"),
                NOW * 1000,
            )
            .unwrap_err();
        let Error::Api(api) = e else { panic!() };
        assert_eq!(
            (api.provider_code.as_str(), api.status, api.retryable),
            ("502", Some(502), true)
        );
        let e = m
            .open_response(
                &Received::response(
                    401,
                    &Headers::new(),
                    br#"{"code":401,"message":"Request expired"}"#,
                ),
                NOW * 1000,
            )
            .unwrap_err();
        let Error::Api(api) = e else { panic!() };
        assert_eq!(
            (api.provider_code.as_str(), api.message.as_str()),
            ("401", "Request expired")
        );
        let e = m
            .open_response(
                &Received::body_only(br#"{"code":"1004","message":"Operation too frequent"}"#),
                NOW * 1000,
            )
            .unwrap_err();
        let Error::Api(api) = e else { panic!() };
        assert!(api.retryable);
        assert_eq!(
            m.open_response(&Received::body_only(b""), NOW * 1000)
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
        assert_eq!(
            m.open_response(&Received::body_only(b"[1]"), NOW * 1000)
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
        assert_eq!(
            m.open_response(&Received::body_only(br#"{"message":"x"}"#), NOW * 1000)
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
        let ok = m
            .open_response(
                &Received::body_only(br#"{"code":0,"message":"success","data":null}"#),
                NOW * 1000,
            )
            .unwrap();
        assert!(ok.data.is_null());
    }

    /// One way to trigger every code in the catalog, through the public API.
    fn trigger(code: &str) -> Error {
        let (m, p, mut rng) = (merchant(), platform(), common::rng());
        let mut guard = MemoryReplayGuard::default();
        let good = m
            .build_request(
                &stamped("/api/v1/card/close", &json!({"card_id": "1"}), "trig"),
                NOW * 1000,
                &mut rng,
            )
            .unwrap();
        match code {
            "invalid_key" => AesKey::parse("too short").unwrap_err(),
            "invalid_input" => m
                .build_request(
                    &stamped("/api/v1/card/close", "{not json", "n"),
                    NOW * 1000,
                    &mut rng,
                )
                .unwrap_err(),
            "malformed_envelope" => m
                .verify_webhook(&Received::new(&Headers::new(), b"{}"), 0, &mut guard)
                .unwrap_err(),
            "signature_invalid" => {
                let mut body = good.body.clone();
                body[10] ^= 1;
                p.verify_request(
                    &Received::new(&good.headers(), &body),
                    NOW * 1000,
                    &mut guard,
                )
                .unwrap_err()
            }
            "decrypt_failed" => {
                let other = Platform::new(
                    vec![MerchantRecord {
                        app_id: APP.into(),
                        public_key: common::public_key("merchant_2048.spki.pem"),
                        aes_key: AesKey::from_bytes(&[9u8; 32]).unwrap(),
                    }],
                    None,
                )
                .unwrap();
                other
                    .verify_request(
                        &Received::new(&good.headers(), &good.body),
                        NOW * 1000,
                        &mut guard,
                    )
                    .unwrap_err()
            }
            "timestamp_out_of_window" => p
                .verify_request(
                    &Received::new(&good.headers(), &good.body),
                    (NOW + 301) * 1000,
                    &mut guard,
                )
                .unwrap_err(),
            "replay_detected" => {
                p.verify_request(
                    &Received::new(&good.headers(), &good.body),
                    NOW * 1000,
                    &mut guard,
                )
                .unwrap();
                p.verify_request(
                    &Received::new(&good.headers(), &good.body),
                    NOW * 1000,
                    &mut guard,
                )
                .unwrap_err()
            }
            "unknown_merchant" => Platform::new(vec![], None)
                .unwrap()
                .verify_request(
                    &Received::new(&good.headers(), &good.body),
                    NOW * 1000,
                    &mut guard,
                )
                .unwrap_err(),
            "validation_failed" => {
                let req = m
                    .build_request(
                        &stamped("/api/v1/card/close", "[1,2]", "arr").validate(false),
                        NOW * 1000,
                        &mut rng,
                    )
                    .unwrap();
                p.verify_request(
                    &Received::new(&req.headers(), &req.body),
                    NOW * 1000,
                    &mut guard,
                )
                .unwrap_err()
            }
            "idempotency_key_required" => cardwire::pintopay::Merchant::new("k", "secret-123")
                .unwrap()
                .build_request(
                    &Request {
                        idempotency_key: None,
                        ..Request::new("/api/v1/cards/create")
                            .payload("{}")
                            .timestamp(1)
                    },
                    0,
                    &mut rng,
                )
                .unwrap_err(),
            "api_error" => m
                .open_response(
                    &Received::body_only(br#"{"code":10011,"message":"Duplicate card order"}"#),
                    NOW * 1000,
                )
                .unwrap_err(),
            "signer_mismatch" => {
                // An external signer that signs with PKCS#1 v1.5 instead of PSS.
                let key = common::private_key("merchant_2048.pkcs8.pem");
                let external = Merchant::new(MerchantKeys {
                    app_id: "app_1".into(),
                    private_key: RsaPrivateKey::external(key.public_key()),
                    aes_key: AesKey::parse(AES).unwrap(),
                    platform_public_key: None,
                })
                .unwrap();
                let prepared = external
                    .prepare_request(
                        &Request::new("/api/v1/card/virtual/get_info")
                            .payload(&json!({"card_id": "c"}))
                            .timestamp(1)
                            .nonce("n"),
                        1000,
                        &mut common::rng(),
                    )
                    .unwrap();
                let wrong = cardwire::crypto::rsa_pkcs1::sign(
                    &key,
                    prepared.sign_input(),
                    &mut common::rng(),
                )
                .unwrap();
                let e = prepared.finish(&wrong).unwrap_err();
                assert!(e.to_string().contains("PKCS#1 v1.5"), "{e}");
                e
            }
            "store_unavailable" => {
                /// A shared store that is down: it must fail, never guess "new".
                struct Down;
                impl cardwire::ReplayGuard for Down {
                    fn check_and_record(
                        &mut self,
                        _: &str,
                        _: u64,
                        _: u64,
                    ) -> cardwire::Result<cardwire::Seen> {
                        Err(cardwire::Error::StoreUnavailable {
                            reason: "connection refused".into(),
                        })
                    }
                }
                let hook = p
                    .sign_webhook(
                        &Notification::new("card_open", r#"{"card_id":"1"}"#)
                            .app_id(APP)
                            .id("n-down")
                            .timestamp_ms(NOW * 1000),
                        NOW * 1000,
                        &mut rng,
                    )
                    .unwrap();
                let e = m
                    .verify_webhook(
                        &Received::new(&hook.headers(), &hook.body),
                        NOW * 1000,
                        &mut Down,
                    )
                    .unwrap_err();
                // The check without the store still passes: only "seen before?" is unknown.
                assert!(m
                    .check_webhook(&Received::new(&hook.headers(), &hook.body), NOW * 1000)
                    .is_ok());
                e
            }
            "random_unavailable" => {
                /// A host random source that fails: the default nonce cannot be made.
                struct NoRandom;
                impl cardwire::rand_core::RngCore for NoRandom {
                    fn next_u32(&mut self) -> u32 {
                        panic!("the random source is down: use try_fill_bytes")
                    }
                    fn next_u64(&mut self) -> u64 {
                        panic!("the random source is down: use try_fill_bytes")
                    }
                    fn fill_bytes(&mut self, _: &mut [u8]) {
                        panic!("the random source is down: use try_fill_bytes")
                    }
                    fn try_fill_bytes(
                        &mut self,
                        _: &mut [u8],
                    ) -> Result<(), cardwire::rand_core::Error> {
                        Err(
                            std::num::NonZeroU32::new(cardwire::rand_core::Error::CUSTOM_START)
                                .unwrap()
                                .into(),
                        )
                    }
                }
                impl cardwire::rand_core::CryptoRng for NoRandom {}
                m.build_request(
                    &Request::new("/api/v1/card/close").payload(&json!({"card_id": "1"})),
                    NOW * 1000,
                    &mut NoRandom,
                )
                .unwrap_err()
            }
            other => panic!("no trigger written for {other}: add one"),
        }
    }

    #[test]
    fn every_catalog_code_has_a_trigger() {
        for code in CODES {
            let err = trigger(code);
            assert_eq!(err.code(), *code, "{err}");
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn platform_rejections_render_the_documented_status_and_message() {
        let expected: BTreeMap<&str, (u16, &str)> = [
            ("malformed_envelope", (401, "Missing required headers")),
            ("timestamp_out_of_window", (401, "Request expired")),
            ("unknown_merchant", (401, "Invalid merchant ID")),
            ("signature_invalid", (401, "Signature verification failed")),
            (
                "replay_detected",
                (401, "Request already processed (duplicate nonce)"),
            ),
            ("decrypt_failed", (401, "Request body decryption failed")),
        ]
        .into();
        for (code, (status, message)) in expected {
            let r = Platform::rejection(&trigger(code));
            assert_eq!(r.status, status, "{code}");
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["message"], message, "{code}");
        }
        let v = Platform::rejection(&trigger("validation_failed"));
        let body: Value = serde_json::from_slice(&v.body).unwrap();
        assert_eq!(body["code"], 1001);
        assert!(body["data"].is_null(), "data is null on failure");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .starts_with("Request parameter validation failed"));
    }

    #[test]
    fn platform_checks_run_in_the_documented_order() {
        let (m, mut rng) = (merchant(), common::rng());
        let req = m
            .build_request(
                &stamped("/api/v1/card/close", &json!({"card_id": "1"}), "order"),
                NOW * 1000,
                &mut rng,
            )
            .unwrap();
        // Stale AND unknown app: the timestamp is checked first.
        let empty = Platform::new(vec![], None).unwrap();
        let mut guard = MemoryReplayGuard::default();
        assert_eq!(
            empty
                .verify_request(
                    &Received::new(&req.headers(), &req.body),
                    (NOW + 3600) * 1000,
                    &mut guard
                )
                .unwrap_err()
                .code(),
            "timestamp_out_of_window"
        );
        // A forged request does not burn the nonce: the genuine one still passes.
        let p = platform();
        let mut forged = req.body.clone();
        forged[12] ^= 1;
        assert_eq!(
            p.verify_request(
                &Received::new(&req.headers(), &forged),
                NOW * 1000,
                &mut guard
            )
            .unwrap_err()
            .code(),
            "signature_invalid"
        );
        assert!(p
            .verify_request(
                &Received::new(&req.headers(), &req.body),
                NOW * 1000,
                &mut guard
            )
            .is_ok());
        // After ten minutes the nonce is forgotten (the timestamp window is what stops it then).
        let relaxed = Platform::new(
            vec![MerchantRecord {
                app_id: APP.into(),
                public_key: common::public_key("merchant_2048.spki.pem"),
                aes_key: AesKey::parse(AES).unwrap(),
            }],
            None,
        )
        .unwrap()
        .with_config(PlatformConfig::default().with_window(cardwire::Window {
            tolerance_ms: 3_600_000,
        }));
        assert_eq!(
            relaxed
                .verify_request(
                    &Received::new(&req.headers(), &req.body),
                    (NOW + 60) * 1000,
                    &mut guard
                )
                .unwrap_err()
                .code(),
            "replay_detected"
        );
        assert!(relaxed
            .verify_request(
                &Received::new(&req.headers(), &req.body),
                (NOW + 601) * 1000,
                &mut guard
            )
            .is_ok());
    }

    #[test]
    fn strict_salt_policy_rejects_max_salt_that_auto_accepts() {
        let case = common::cases("worldcard")
            .into_iter()
            .find(|(n, _)| n == "request_apply_maxsalt")
            .unwrap()
            .1;
        let headers = common::headers(&case["headers"]);
        let body = case["body"].as_str().unwrap().as_bytes();
        let strict = Platform::new(
            vec![MerchantRecord {
                app_id: APP.into(),
                public_key: common::public_key("merchant_2048.spki.pem"),
                aes_key: AesKey::parse(AES).unwrap(),
            }],
            None,
        )
        .unwrap()
        .with_config(PlatformConfig::default().with_pss_salt(PssSaltPolicy::Strict32));
        let mut g = MemoryReplayGuard::default();
        assert_eq!(
            strict
                .verify_request(&Received::new(&headers, body), NOW * 1000, &mut g)
                .unwrap_err()
                .code(),
            "signature_invalid"
        );
        assert!(platform()
            .verify_request(&Received::new(&headers, body), NOW * 1000, &mut g)
            .is_ok());
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let (m, mut rng) = (merchant(), common::rng());
        for path in [
            "",
            "/api/v1/card/",
            "/api/v2/card/x",
            "/api/v1/card/a b",
            "https://x/api/v1/card/close",
        ] {
            assert_eq!(
                m.build_request(&stamped(path, "{}", "n"), NOW * 1000, &mut rng)
                    .unwrap_err()
                    .code(),
                "invalid_input",
                "{path}"
            );
        }
        for nonce in ["", "has space", "tab\t", &"x".repeat(129)] {
            assert_eq!(
                m.build_request(
                    &stamped("/api/v1/card/close", "{}", nonce),
                    NOW * 1000,
                    &mut rng
                )
                .unwrap_err()
                .code(),
                "invalid_input"
            );
        }
        assert_eq!(
            RsaPrivateKey::parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
                .unwrap_err()
                .code(),
            "invalid_key"
        );
        assert_eq!(
            RsaPrivateKey::parse(&common::key_text("merchant_2048.spki.pem"))
                .unwrap_err()
                .code(),
            "invalid_key"
        );
        assert_eq!(
            cardwire::RsaPublicKey::parse("-----BEGIN PUBLIC KEY-----\nAAAA")
                .unwrap_err()
                .code(),
            "invalid_key"
        );
        assert_eq!(
            cardwire::RsaPublicKey::parse("!!!").unwrap_err().code(),
            "invalid_key"
        );
        // Without the platform key, webhooks cannot be verified: a key error, not a panic.
        let no_pub = Merchant::new(MerchantKeys {
            app_id: APP.into(),
            private_key: common::private_key("merchant_2048.pkcs8.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
            platform_public_key: None,
        })
        .unwrap();
        let hook = platform()
            .sign_webhook(
                &Notification::new("card_3ds", &json!({"otp": "1"}))
                    .app_id(APP)
                    .id("n")
                    .timestamp_ms(1),
                1,
                &mut rng,
            )
            .unwrap();
        assert_eq!(
            no_pub
                .verify_webhook(
                    &Received::new(&hook.headers(), &hook.body),
                    1,
                    &mut MemoryReplayGuard::default()
                )
                .unwrap_err()
                .code(),
            "invalid_key"
        );
        // Duplicated header with different values.
        let mut h = hook.headers();
        h.push("x-nonce", "other");
        assert_eq!(
            merchant()
                .verify_webhook(
                    &Received::new(&h, &hook.body),
                    1,
                    &mut MemoryReplayGuard::default()
                )
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
        // Overflowing timestamp.
        let mut h: Vec<(String, String)> = hook.headers.clone();
        for (n, v) in h.iter_mut() {
            if n == "X-Timestamp" {
                *v = "184467440737095516160".into();
            }
        }
        assert_eq!(
            merchant()
                .verify_webhook(
                    &Received::new(&h.into(), &hook.body),
                    1,
                    &mut MemoryReplayGuard::default()
                )
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
        // notify_type conflicts are caught on the platform side.
        assert_eq!(
            platform()
                .sign_webhook(
                    &Notification::new("card_open", &json!({"notify_type": "card_close"}))
                        .app_id(APP)
                        .id("n")
                        .timestamp_ms(1),
                    1,
                    &mut rng
                )
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            platform()
                .sign_webhook(
                    &Notification::new("card_open", "[]")
                        .app_id(APP)
                        .id("n")
                        .timestamp_ms(1),
                    1,
                    &mut rng
                )
                .unwrap_err()
                .code(),
            "invalid_input"
        );
    }

    #[test]
    fn secrets_never_print() {
        let m = merchant();
        let dbg = format!("{m:?}");
        assert!(dbg.contains("[redacted]"));
        let pem = common::key_text("merchant_2048.pkcs8.pem");
        let line = pem.lines().nth(1).unwrap();
        assert!(!dbg.contains(line));
        assert!(!dbg.contains(AES) && !dbg.contains("7f3a9c"));
        assert_eq!(worldcard::ENDPOINTS.len(), 18);
    }

    #[test]
    fn requests_are_validated_by_default_on_both_sides() {
        let (m, p, mut rng) = (merchant(), platform(), common::rng());
        // VIRTUAL-V needs state; VIRTUAL-G names are letters and single spaces; all violations at once.
        let bad = json!({"merchant_card_id": "mc_1", "card_type": "VIRTUAL-V", "card_bin_id": "b", "first_recharge_amount": "5",
                         "first_name": "A", "last_name": "B", "country_code": "usa", "city": "c", "address": "a", "postal_code": "1"});
        let Error::ValidationFailed { errors } = m
            .build_request(
                &stamped("/api/v1/card/virtual/apply", &bad, "v1"),
                NOW * 1000,
                &mut rng,
            )
            .unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            vec!["country_code", "first_recharge_amount", "state"]
        );
        assert_eq!(errors["first_recharge_amount"], vec!["must be at least 10"]);
        // Age is checked against the request's own date.
        let g = json!({"merchant_card_id": "mc_2", "card_type": "VIRTUAL-G", "card_bin_id": "b", "first_recharge_amount": "10", "email": "a@b.co",
                       "first_name": "Ada", "last_name": "Love  lace", "phone": "1", "phone_country_code": "1", "birthday": "2010-01-01",
                       "country_code": "US", "city": "c", "address": "a", "postal_code": "1"});
        let Error::ValidationFailed { errors } = m
            .build_request(
                &stamped("/api/v1/card/virtual/apply", &g, "v2"),
                NOW * 1000,
                &mut rng,
            )
            .unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            vec!["birthday", "last_name"]
        );
        // Off per call, and the platform answers 1001 for the same payload.
        let req = m
            .build_request(
                &stamped("/api/v1/card/virtual/apply", &bad, "v3").validate(false),
                NOW * 1000,
                &mut rng,
            )
            .unwrap();
        let mut guard = MemoryReplayGuard::default();
        let e = p
            .verify_request(
                &Received::new(&req.headers(), &req.body).with_path("/api/v1/card/virtual/apply"),
                NOW * 1000,
                &mut guard,
            )
            .unwrap_err();
        let answer = Platform::rejection(&e);
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(body["code"], 1001);
        assert!(body["data"].is_null(), "data is null on failure");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("state: is required"),
            "{body}"
        );
        // Off per client.
        let lax = Merchant::new(MerchantKeys {
            app_id: APP.into(),
            private_key: common::private_key("merchant_2048.pkcs8.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
            platform_public_key: None,
        })
        .unwrap()
        .with_config(worldcard::MerchantConfig::default().with_validation(false));
        assert!(lax
            .build_request(
                &stamped("/api/v1/card/virtual/apply", &bad, "v4"),
                NOW * 1000,
                &mut rng
            )
            .is_ok());
    }
}

/// The typed plaintext bodies generated from docs/openapi/worldcard.yaml: each
/// request example of the documentation (tests/vectors/examples/worldcard/)
/// reads into its path's struct and writes back the same JSON (a field the
/// struct lacked would be dropped and fail here), and a typed top-up is
/// encrypted and signed by the builder and opened by the platform.
mod typed {
    use super::common;
    use cardwire::prelude::*;
    use cardwire::worldcard::types::*;
    use cardwire::worldcard::{Merchant, MerchantKeys, MerchantRecord, Platform};
    use cardwire::{AesKey, MemoryReplayGuard};
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

    fn same<T: DeserializeOwned + serde::Serialize + TypedRequest>(path: &str, body: &Value) {
        assert_eq!(T::PATH, path);
        let typed: T = serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("{path}: the example does not read: {e}"));
        assert_eq!(&serde_json::to_value(&typed).unwrap(), body, "{path}");
    }

    #[test]
    fn the_documents_request_examples_read_as_their_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/examples/worldcard");
        let mut read = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let ex: Value =
                serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
            if ex["kind"] != "request" {
                continue;
            }
            let path = ex["paths"][0].as_str().unwrap();
            let body = &ex["body"];
            match path {
                "/api/v1/card/physical/apply" => same::<ApplyPhysicalCard>(path, body),
                "/api/v1/card/physical/kyc/init" => same::<InitPhysicalKyc>(path, body),
                "/api/v1/card/physical/kyc/status" => same::<GetPhysicalKycStatus>(path, body),
                "/api/v1/card/physical/kyc/cancel" => same::<CancelPhysicalKyc>(path, body),
                "/api/v1/card/physical/assign" => same::<AssignPhysicalCard>(path, body),
                "/api/v1/card/physical/activate" => same::<ActivatePhysicalCard>(path, body),
                other => panic!("{other}: a request example with no typed check here"),
            }
            read += 1;
        }
        assert_eq!(read, 8, "the documentation's 8 request examples");
    }

    #[test]
    fn a_typed_body_is_sealed_and_opened() {
        let merchant = Merchant::new(MerchantKeys {
            app_id: "app-1".into(),
            private_key: common::private_key("merchant_2048.pkcs8.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
            platform_public_key: None,
        })
        .unwrap();
        let platform = Platform::new(
            vec![MerchantRecord {
                app_id: "app-1".into(),
                public_key: common::public_key("merchant_2048.spki.b64"),
                aes_key: AesKey::parse(AES).unwrap(),
            }],
            None,
        )
        .unwrap();
        let deposit = DepositCard {
            card_id: Some("c-1".into()),
            merchant_transaction_id: "t-1".into(),
            amount: "10.00".into(),
            ..DepositCard::default()
        };
        let json = deposit.to_json().unwrap();
        let req = merchant
            .build_request(
                &deposit.request(&json).timestamp(1_764_000_000).nonce("n-1"),
                1_764_000_000_000,
                &mut common::rng(),
            )
            .unwrap();
        assert_eq!(req.path, DepositCard::PATH);
        let headers = req.headers();
        let opened = platform
            .verify_request(
                &Received::new(&headers, &req.body),
                1_764_000_000_000,
                &mut MemoryReplayGuard::default(),
            )
            .unwrap();
        let back: DepositCard = serde_json::from_value(opened.json).unwrap();
        assert_eq!(back, deposit);
    }
}
