#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! WorldCard legacy: vectors made by hashlib (MD5) and Python `cryptography`
//! (AES-ECB), the seed's published examples, both sides against each other.

mod common;

use cardwire::crypto::aes_ecb::AesEcbKey;
use cardwire::crypto::md5_sign;
use cardwire::exact_json::Object;
use cardwire::prelude::*;
use cardwire::worldcard_legacy::{self, Event, Merchant, ParamPlacement, Platform};
use cardwire::{Error, MemoryReplayGuard};
use serde_json::{json, Value};

use common::code_of;

fn event_name(e: &Event) -> &'static str {
    match e {
        Event::TopUp(_) => "top_up",
        Event::Kyc(_) => "kyc",
        Event::Bill(_) => "bill",
        Event::Close(_) => "close",
        Event::Otp(_) => "otp",
        Event::VirtualP { .. } => "virtual_p",
        Event::Oob(_) => "oob",
        Event::TransferOrder(_) => "transfer_order",
        _ => "unknown",
    }
}

#[test]
fn legacy_vectors() {
    let cases = common::cases("worldcard_legacy");
    for (name, case) in &cases {
        let expect = case["expect"].as_str().unwrap_or("ok");
        match case["kind"].as_str().unwrap() {
            "sign" => {
                // A body written as text is read exactly; parameters given as
                // JSON are taken as their compact serialization.
                let params = &match case["body"].as_str() {
                    Some(text) => Object::parse(text.as_bytes()).unwrap(),
                    None => Object::from_map(case["params"].as_object().unwrap()).unwrap(),
                };
                let secret = case["secret"].as_str().unwrap();
                let exclude: Vec<&str> = case["exclude"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(
                    md5_sign::canonical_string(params, secret, &exclude).unwrap(),
                    case["canonical"].as_str().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    md5_sign::sign(params, secret, &exclude).unwrap(),
                    case["sign"].as_str().unwrap(),
                    "{name}"
                );
            }
            "ecb" => {
                let r = AesEcbKey::new(case["key"].as_str().unwrap().as_bytes())
                    .and_then(|k| k.decrypt_b64(case["value"].as_str().unwrap()))
                    .and_then(|p| {
                        String::from_utf8(p).map_err(|_| Error::MalformedEnvelope {
                            reason: "utf8".into(),
                        })
                    });
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(p) = r {
                    assert_eq!(p, case["plaintext"].as_str().unwrap(), "{name}");
                }
            }
            "response" => {
                let c = Merchant::new("k", case["secret"].as_str().unwrap()).unwrap();
                let r = c
                    .open_response(
                        &Received::response(
                            200,
                            &Headers::new(),
                            case["body"].as_str().unwrap().as_bytes(),
                        ),
                        0,
                    )
                    .map(|o| o.data);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                match r {
                    Ok(d) => assert_eq!(d, case["data"], "{name}"),
                    Err(Error::Api(api)) => {
                        assert_eq!(api.provider_code, case["code"].as_str().unwrap());
                        assert_eq!(
                            api.outcome_unknown,
                            case["outcome_unknown"].as_bool().unwrap(),
                            "{name}"
                        );
                    }
                    Err(_) => {}
                }
            }
            "webhook" => {
                let c = Merchant::new(
                    case["app_key"].as_str().unwrap(),
                    case["secret"].as_str().unwrap(),
                )
                .unwrap();
                let body = case["body"].as_str().unwrap().as_bytes();
                let mut g = MemoryReplayGuard::default();
                let r = c.verify_webhook(&Received::body_only(body), 0, &mut g);
                if let Some(canonical) = case["canonical"].as_str() {
                    let obj = Object::parse(body).unwrap();
                    assert_eq!(
                        md5_sign::canonical_string(&obj, case["secret"].as_str().unwrap(), &[])
                            .unwrap(),
                        canonical,
                        "{name}"
                    );
                }
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(ev) = r {
                    assert_eq!(
                        event_name(&ev.event),
                        case["event"].as_str().unwrap(),
                        "{name}"
                    );
                    assert_eq!(
                        ev.business_key.as_deref(),
                        case["dedup_key"].as_str(),
                        "{name}"
                    );
                    let content = case["content_sha256"].as_str().unwrap();
                    assert!(
                        ev.delivery.key.ends_with(&format!(":content:{content}")),
                        "{name}"
                    );
                    if let Some(exact) = case["exact"].as_object() {
                        for (k, v) in exact {
                            assert_eq!(ev.raw[k], *v, "{name}: {k} keeps its exact text");
                        }
                    }
                    assert!(!ev.duplicate);
                    assert!(
                        c.verify_webhook(&Received::body_only(body), 1, &mut g)
                            .unwrap()
                            .duplicate,
                        "{name}"
                    );
                }
            }
            "request" => {
                let p = Platform::new(
                    case["app_key"].as_str().unwrap(),
                    case["secret"].as_str().unwrap(),
                )
                .unwrap();
                let r = p.verify_request(
                    &Received::body_only(case["body"].as_str().unwrap().as_bytes())
                        .with_path(case["path"].as_str().unwrap()),
                    0,
                    &mut MemoryReplayGuard::default(),
                );
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(fields) = r {
                    assert!(!fields.contains_key("sign") && !fields.contains_key("appKey"));
                    assert_eq!(fields["idType"], "PASSPORT");
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
    }
    assert!(cases.len() >= 30);
}

#[test]
fn both_sides_and_settings() {
    let secret = "sBOvCZZurSbbdJiA";
    let c = Merchant::new("app-1", secret).unwrap();
    let p = Platform::new("app-1", secret).unwrap();
    let mut rng = common::rng();
    // PIN on the secure endpoint is encrypted: the published AES example is the judge.
    let r = c
        .build_request(
            &Request::new("/op/card/H/change/pin/secure")
                .payload(&json!({"cardNumber": "4000", "pin": "14"}))
                .timestamp(1_764_000_000_000)
                .nonce("n-1"),
            1_764_000_000_000,
            &mut rng,
        )
        .unwrap();
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["pin"], "U88v0HHTLxUp9LUkj95AJA==");
    assert_eq!(body["timestamp"], "1764000000000");
    assert_eq!(body["appKey"], "app-1");
    assert!(body.get("appSecret").is_none());
    let fields = p
        .verify_request(
            &Received::body_only(&r.body).with_path(&r.path),
            0,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap();
    assert_eq!(fields["cardNumber"], "4000");
    // Query placement: the same signature, carried in the query string.
    let q = c.clone().with_placement(ParamPlacement::Query);
    let r = q
        .build_request(
            &Request::new("/op/card/E/info")
                .payload(&json!({"cardNumber": "4000"}))
                .timestamp(1)
                .nonce("n-2"),
            1,
            &mut rng,
        )
        .unwrap();
    assert!(
        r.path
            .starts_with("/op/card/E/info?appKey=app-1&nonce=n-2&timestamp=1&sign="),
        "{}",
        r.path
    );
    assert_eq!(
        p.verify_request(
            &Received::body_only(&r.body).with_path(&r.path),
            0,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap()["cardNumber"],
        "4000"
    );
    // Images are left out of the signature on the document endpoint.
    let r = c
        .build_request(
            &Request::new("/op/card/P/document")
                .payload(&json!({"cardNumber": "1", "idType": "DLN", "faceImage": "aaaa"}))
                .timestamp(1)
                .nonce("n-3"),
            1,
            &mut rng,
        )
        .unwrap();
    let mut swapped: Value = serde_json::from_slice(&r.body).unwrap();
    swapped["faceImage"] = json!("bbbb");
    assert!(p
        .verify_request(
            &Received::body_only(swapped.to_string().as_bytes()).with_path(&r.path),
            0,
            &mut MemoryReplayGuard::default(),
        )
        .is_ok());
    swapped["cardNumber"] = json!("2");
    assert_eq!(
        p.verify_request(
            &Received::body_only(swapped.to_string().as_bytes()).with_path(&r.path),
            0,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap_err()
        .code(),
        "signature_invalid"
    );
    // Responses sealed by the platform open on the client.
    let data = json!({"cardNo": "1", "cvv": "110", "cardInfo": {"cardNo": "4111", "cvv": "", "expYear": "2030", "expMonth": "01"}});
    let sealed = p.seal_response(&data).unwrap();
    let wire: Value = serde_json::from_slice(&sealed.body).unwrap();
    assert_ne!(wire["data"]["cvv"], "110");
    assert_eq!(wire["data"]["cardInfo"]["cvv"], "", "empty stays empty");
    assert_eq!(
        c.open_response(&Received::response(200, &Headers::new(), &sealed.body), 0)
            .unwrap()
            .data,
        data
    );
    let Error::Api(api) = c
        .open_response(
            &Received::body_only(&Platform::seal_error(5102, "insufficient reserve").body),
            0,
        )
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        (api.provider_code.as_str(), api.outcome_unknown),
        ("5102", false)
    );
    // Webhooks signed by the platform verify, and duplicates are recognised.
    let hook = p
        .sign_webhook(
            &Notification::new(
                "",
                &json!({"orderNo": "O9", "merOrderNo": "M9", "status": 2, "settleAmount": "1.00"}),
            ),
            0,
            &mut rng,
        )
        .unwrap();
    let mut g = MemoryReplayGuard::default();
    let ev = c
        .verify_webhook(&Received::body_only(&hook.body), 0, &mut g)
        .unwrap();
    assert!(matches!(ev.event, Event::TopUp(_)));
    assert_eq!(ev.business_key.as_deref(), Some("topup:O9:2"));
    assert!(
        c.verify_webhook(&Received::body_only(&hook.body), 1, &mut g)
            .unwrap()
            .duplicate
    );
    assert_eq!(Merchant::webhook_ack().body, b"ok");
    assert!(Platform::is_acknowledged(200, b"ok\n"));
    let other_app = Merchant::new("app-2", secret).unwrap();
    assert_eq!(
        other_app
            .verify_webhook(&Received::body_only(&hook.body), 0, &mut g)
            .unwrap_err()
            .code(),
        "malformed_envelope"
    );
    // Bad input.
    assert_eq!(
        c.build_request(
            &Request::new("/op/card/E/info")
                .payload("[]")
                .timestamp(1)
                .nonce("n"),
            1,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(
        c.build_request(
            &Request::new("/op/card/E/info")
                .payload(&json!({"sign": "x"}))
                .timestamp(1)
                .nonce("n"),
            1,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(
        c.build_request(
            &Request::new("/op/card/E/info")
                .payload(&json!({"appSecret": "x"}))
                .timestamp(1)
                .nonce("n"),
            1,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(
        c.build_request(
            &Request::new("op/card")
                .payload("{}")
                .timestamp(1)
                .nonce("n"),
            1,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(Merchant::new("k", "").unwrap_err().code(), "invalid_key");
    // An appSecret that cannot key AES-ECB (not 16, 24 or 32 bytes) is
    // refused when the client is made, never later as ciphertext handed back.
    for odd in [
        "a-secret-of-odd-length",
        "0123456789abcde",
        "0123456789abcdef0",
    ] {
        assert_eq!(
            Merchant::new("k", odd).unwrap_err().code(),
            "invalid_key",
            "{odd}"
        );
        assert_eq!(
            Platform::new("k", odd).unwrap_err().code(),
            "invalid_key",
            "{odd}"
        );
    }
    assert_eq!(
        c.verify_webhook(&Received::body_only(b"[]"), 0, &mut g)
            .unwrap_err()
            .code(),
        "malformed_envelope"
    );
    assert_eq!(
        c.verify_webhook(&Received::body_only(b"not json"), 0, &mut g)
            .unwrap_err()
            .code(),
        "malformed_envelope"
    );
    assert!(!format!("{c:?}").contains(secret));
    assert_eq!(
        worldcard_legacy::sign_exclusions("/op/card/P/document?x=1"),
        &["faceImage", "backImage"]
    );
}

/// Amounts given as text keep their exact JSON text on the wire and in the
/// signature; document uploads over 4 MB are refused before they leave.
#[test]
fn exact_numbers_and_document_limit() {
    let secret = "sBOvCZZurSbbdJiA";
    let c = Merchant::new("app-1", secret).unwrap();
    let p = Platform::new("app-1", secret).unwrap();
    let mut rng = common::rng();
    let r = c
        .build_request(
            &Request::new("/api/v1/legacy/tf/v4/order/submit")
                .payload(r#"{"merOrderNo": "M1", "amount": 20.10, "fee": 0.0120, "big": 98765432109876543210}"#)
                .timestamp(1_764_000_000_000)
                .nonce("n-7"),
            1_764_000_000_000,
            &mut rng,
        )
        .unwrap_or_else(|e| {
            // The endpoint's own rules may ask for more fields; the unvalidated
            // form shows the exactness on its own.
            assert_eq!(e.code(), "validation_failed");
            c.build_request(
                &Request::new("/api/v1/legacy/tf/v4/order/submit")
                    .payload(r#"{"merOrderNo": "M1", "amount": 20.10, "fee": 0.0120, "big": 98765432109876543210}"#)
                    .timestamp(1_764_000_000_000)
                    .nonce("n-7")
                    .validate(false),
                1_764_000_000_000,
                &mut rng,
            )
            .unwrap()
        });
    let text = String::from_utf8(r.body.clone()).unwrap();
    assert!(
        text.contains(r#""amount":20.10,"fee":0.0120,"big":98765432109876543210"#),
        "{text}"
    );
    // The platform recomputes the sign over the same exact text.
    let obj = Object::parse(&r.body).unwrap();
    assert_eq!(obj.sign_text("amount").as_deref(), Some("20.10"));
    md5_sign::verify(&obj, secret, &[], &obj.get_str("sign").unwrap()).unwrap();

    let image = "A".repeat(1_000_000); // 750 KB decoded: under the 1 MB image limit
    let big = json!({"cardNumber": "1", "idType": "DLN", "faceImage": image, "backImage": image,
                     "extra1": image, "extra2": image, "extra3": image});
    let e = c
        .build_request(
            &Request::new("/op/card/P/document")
                .payload(&big)
                .timestamp(1)
                .nonce("n-8"),
            1,
            &mut rng,
        )
        .unwrap_err();
    let Error::ValidationFailed { errors } = e else {
        panic!("{e:?}")
    };
    assert!(errors["body"][0].contains("4 MB"), "{errors:?}");
    let e = c
        .build_request(
            &Request::new("/op/card/P/document")
                .payload(&big)
                .timestamp(1)
                .nonce("n-8")
                .validate(false),
            1,
            &mut rng,
        )
        .unwrap_err();
    assert_eq!(
        e.code(),
        "validation_failed",
        "the platform's hard limit holds either way"
    );
    // ... and the platform refuses such a body too (its 5001).
    let small = c
        .build_request(
            &Request::new("/op/card/P/document")
                .payload(&json!({"cardNumber": "1", "idType": "DLN", "faceImage": "aGk="}))
                .timestamp(1)
                .nonce("n-9"),
            1,
            &mut rng,
        )
        .unwrap();
    let mut padded = small.body.clone();
    padded.splice(1..1, std::iter::repeat_n(b' ', 4 * 1024 * 1024));
    assert_eq!(
        p.verify_request(
            &Received::body_only(&padded).with_path(&small.path),
            0,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap_err()
        .code(),
        "validation_failed"
    );
}
