#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Wasabi Card: vectors made by Python `cryptography`, both sides against each
//! other, the gateway's shapes and the retry policy.

mod common;

use cardwire::prelude::*;
use cardwire::wasabi::gateway::{RetryPolicy, WebhookEventsQuery};
use cardwire::wasabi::{
    self, status, Category, Gateway, Merchant, MerchantConfig, MerchantKeys, Platform,
    ResponseSignaturePolicy, RsaPadding,
};
use cardwire::{Error, MemoryReplayGuard};
use serde_json::{json, Value};

use common::code_of;

fn merchant(private: &str, platform_pub: Option<&str>, config: MerchantConfig) -> Merchant {
    Merchant::new(MerchantKeys {
        api_key: "wsb_test_api_key".into(),
        private_key: common::private_key(private),
        platform_public_key: platform_pub.map(common::public_key),
    })
    .unwrap()
    .with_config(config)
}

fn padding(s: &str) -> RsaPadding {
    match s {
        "pkcs1" => RsaPadding::Pkcs1v15,
        "oaep_sha1" => RsaPadding::OaepSha1,
        _ => RsaPadding::OaepSha256,
    }
}

#[test]
fn wasabi_vectors() {
    let mut rng = common::rng();
    let cases = common::cases("wasabi");
    for (name, case) in &cases {
        let expect = case["expect"].as_str().unwrap();
        let body = case["body"].as_str().unwrap_or_default().as_bytes();
        match case["kind"].as_str().unwrap() {
            "request" => {
                let p = Platform::new(
                    "wsb_test_api_key",
                    common::private_key("platform_1024.pkcs8.pem"),
                    common::public_key(case["merchant_public_key"].as_str().unwrap()),
                )
                .unwrap();
                let headers = common::headers(&case["headers"]);
                let r = p.verify_request(
                    &Received::new(&headers, body),
                    0,
                    &mut MemoryReplayGuard::default(),
                );
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
            }
            "response" => {
                let policy = match case["policy"].as_str().unwrap() {
                    "require" => ResponseSignaturePolicy::Require,
                    _ => ResponseSignaturePolicy::VerifyIfPresent,
                };
                let m = merchant(
                    "merchant_1024.pkcs8.pem",
                    case["platform_public_key"].as_str(),
                    MerchantConfig::default().with_response_signature(policy),
                );
                let status = case["status"].as_u64().unwrap_or(200) as u16;
                let headers = common::headers(&case["headers"]);
                let r = m.open_response(&Received::response(status, &headers, body), 0);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                match r {
                    Ok(resp) => {
                        assert_eq!(resp.data, case["data"], "{name}");
                        assert_eq!(
                            resp.authenticated,
                            case["verified"].as_bool().unwrap(),
                            "{name}"
                        );
                    }
                    Err(Error::Api(api)) => {
                        assert_eq!(api.provider_code, case["code"].as_str().unwrap(), "{name}");
                        assert_eq!(api.status, Some(status), "{name}");
                        assert_eq!(
                            api.authenticated,
                            case["authenticated"].as_bool().unwrap(),
                            "{name}"
                        );
                        if let Some(r) = case["retryable"].as_bool() {
                            assert_eq!(api.retryable, r, "{name}");
                        }
                    }
                    Err(_) => {}
                }
            }
            "webhook" => {
                let m = merchant(
                    "merchant_1024.pkcs8.pem",
                    case["platform_public_key"].as_str(),
                    MerchantConfig::default(),
                );
                let headers = common::headers(&case["headers"]);
                let mut g = MemoryReplayGuard::default();
                let r = m.verify_webhook(&Received::new(&headers, body), 0, &mut g);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(ev) = r {
                    assert_eq!(ev.event.id.as_deref(), case["id"].as_str(), "{name}");
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
                    assert!(!ev.duplicate);
                    let again = m
                        .verify_webhook(&Received::new(&headers, body), 60_000, &mut g)
                        .unwrap();
                    assert!(
                        again.duplicate,
                        "{name}: a redelivery is a duplicate, not an error"
                    );
                    // A fresh unsigned X-WSB-REQUEST-ID never makes a replay look new.
                    let mut fresh = Headers::new();
                    for (k, v) in headers.pairs() {
                        if !k.eq_ignore_ascii_case("X-WSB-REQUEST-ID") {
                            fresh.push(k.clone(), v.clone());
                        }
                    }
                    fresh.push("X-WSB-REQUEST-ID", "brand-new-id");
                    assert!(
                        m.verify_webhook(&Received::new(&fresh, body), 61_000, &mut g)
                            .unwrap()
                            .duplicate,
                        "{name}"
                    );
                    if ev.event.category == Category::Card3ds {
                        assert_eq!(
                            m.open_sensitive(&ev.event.data, &mut rng).unwrap()["values"],
                            "654321"
                        );
                    }
                    if name == "webhook_card_transaction" {
                        assert_eq!(
                            ev.event.data["fee"], "0.15",
                            "{name}: amounts never through f64"
                        );
                    }
                }
            }
            "field" => {
                let m = merchant(
                    case["private_key"].as_str().unwrap(),
                    None,
                    MerchantConfig::default()
                        .with_field_padding(padding(case["padding"].as_str().unwrap())),
                );
                let r = m.decrypt_field(case["value"].as_str().unwrap(), &mut rng);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                if let Ok(p) = r {
                    assert_eq!(p, case["plaintext"].as_str().unwrap(), "{name}");
                }
            }
            "sensitive" => {
                let m = merchant(
                    case["private_key"].as_str().unwrap(),
                    None,
                    MerchantConfig::default(),
                );
                assert_eq!(
                    m.open_sensitive(&case["data"], &mut rng).unwrap(),
                    case["plain"],
                    "{name}"
                );
            }
            "gateway" => {
                let g = Gateway::new("wc_test").unwrap();
                let status = case["status"].as_u64().unwrap() as u16;
                let endpoint = case["endpoint"].as_str().unwrap_or("cards/info");
                let now = case["now_ms"].as_u64().unwrap_or(0);
                let headers = common::headers(&case["headers"]);
                let r = g
                    .open_response(
                        &Received::response(status, &headers, body).with_path(endpoint),
                        now,
                    )
                    .map(|o| o.data);
                assert_eq!(code_of(&r), expect, "{name}: {r:?}");
                match r {
                    Ok(data) if case["events"].as_bool() == Some(true) => {
                        let page = Gateway::parse_webhook_events(&data).unwrap();
                        assert_eq!(
                            (page.total, page.last_page, page.events.len()),
                            (Some(2), Some(1), 2)
                        );
                        assert!(
                            page.events[0].trusted && !page.events[1].trusted,
                            "signature_verified=false is untrusted"
                        );
                        assert_eq!(page.events[0].reference_id.as_deref(), Some("124024"));
                        assert_eq!(page.events[1].payload["amount"], "15.5");
                    }
                    Ok(data) => assert_eq!(data, case["data"], "{name}"),
                    Err(Error::Api(api)) => {
                        assert_eq!(api.provider_code, case["code"].as_str().unwrap(), "{name}");
                        assert_eq!(api.status, Some(status));
                        assert_eq!(
                            api.retryable,
                            case["retryable"].as_bool().unwrap(),
                            "{name}"
                        );
                        if let Some(ms) = case["retry_after_ms"].as_u64() {
                            assert_eq!(api.retry_after_ms, Some(ms));
                        }
                        // One source of truth: the flag and the policy agree.
                        let policy_says = RetryPolicy::default()
                            .decide(endpoint, &Error::Api(api.clone()), 1)
                            .retry;
                        assert_eq!(api.retryable, policy_says, "{name}");
                        if case.get("field_errors").is_some() {
                            let fe = api
                                .field_errors
                                .as_ref()
                                .map(|f| serde_json::to_value(f).unwrap())
                                .unwrap_or(Value::Null);
                            assert_eq!(fe, case["field_errors"], "{name}");
                        }
                    }
                    Err(_) => {}
                }
            }
            other => panic!("{name}: unknown kind {other}"),
        }
    }
    assert!(cases.len() >= 50);
}

#[test]
fn both_sides_round_trip() {
    let mut rng = common::rng();
    let m = merchant(
        "merchant_1024.pkcs8.b64",
        Some("platform_1024.spki.b64"),
        MerchantConfig::default(),
    );
    let p = Platform::new(
        "wsb_test_api_key",
        common::private_key("platform_1024.pkcs1.pem"),
        common::public_key("merchant_1024.spki.b64"),
    )
    .unwrap();
    // Bytes are signed exactly as given; no payload means {}.
    let text = r#"{"cardNo":"c1", "merchantOrderNo":"ORDER-20260101-000001",  "amount": 10.5}"#;
    let req = m
        .build_request(
            &Request::new("/merchant/core/mcb/card/deposit").payload(Payload::Text(text)),
            0,
            &mut rng,
        )
        .unwrap();
    assert_eq!(req.body, text.as_bytes());
    assert_eq!(
        p.verify_request(
            &Received::new(&req.headers(), &req.body),
            0,
            &mut MemoryReplayGuard::default()
        )
        .unwrap()["amount"],
        "10.5"
    );
    let empty = m
        .build_request(
            &Request::new("/merchant/core/mcb/card/v2/cardTypes"),
            0,
            &mut rng,
        )
        .unwrap();
    assert_eq!(empty.body, b"{}");
    assert!(p
        .verify_request(
            &Received::new(&empty.headers(), &empty.body),
            0,
            &mut MemoryReplayGuard::default()
        )
        .is_ok());
    // Multipart upload, signed over {}.
    let up = m
        .upload_file("id.png", "image/png", b"\x89PNG....", "KYC", &mut rng)
        .unwrap();
    assert_eq!(up.path, wasabi::UPLOAD_PATH);
    assert!(up
        .header("Content-Type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
    assert!(String::from_utf8_lossy(&up.body).contains("name=\"category\"\r\n\r\nKYC\r\n"));
    assert!(p
        .verify_request(
            &Received::new(&up.headers(), &up.body),
            0,
            &mut MemoryReplayGuard::default()
        )
        .is_ok());
    // Responses signed by the platform, fields encrypted in every padding.
    for pad in [
        RsaPadding::Pkcs1v15,
        RsaPadding::OaepSha1,
        RsaPadding::OaepSha256,
    ] {
        let long = "https://activate.example/".to_owned() + &"y".repeat(300);
        let data = json!({"cardNumber": p.encrypt_field("4937241000003841", pad, &mut rng).unwrap(), "activateUrl": p.encrypt_field(&long, pad, &mut rng).unwrap()});
        let resp = p.seal_response(&data, &mut rng).unwrap();
        let headers: Headers = resp.headers.clone().into();
        let opened = m
            .open_response(&Received::response(200, &headers, &resp.body), 0)
            .unwrap();
        assert!(opened.authenticated);
        let mm = merchant(
            "merchant_1024.pkcs8.b64",
            None,
            MerchantConfig::default().with_field_padding(pad),
        );
        let plain = mm.open_sensitive(&opened.data, &mut rng).unwrap();
        assert_eq!(
            (
                plain["cardNumber"].as_str().unwrap(),
                plain["activateUrl"].as_str().unwrap()
            ),
            ("4937241000003841", long.as_str())
        );
    }
    let err = p.seal_error(40001, "card frozen", &mut rng).unwrap();
    let err_headers: Headers = err.headers.clone().into();
    let Error::Api(api) = m
        .open_response(&Received::response(200, &err_headers, &err.body), 0)
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        (api.provider_code.as_str(), api.message.as_str()),
        ("40001", "card frozen")
    );
    // Notifications and the acknowledgement.
    let note = p
        .sign_webhook(
            &Notification::new(
                "card_transaction",
                &json!({"orderNo": "T-7", "status": "success"}),
            )
            .id("rq-7"),
            0,
            &mut rng,
        )
        .unwrap();
    let note_headers = note.headers();
    let mut g = MemoryReplayGuard::default();
    let ev = m
        .verify_webhook(&Received::new(&note_headers, &note.body), 0, &mut g)
        .unwrap();
    assert_eq!(
        (
            ev.event.id.as_deref(),
            ev.delivery_id.as_deref(),
            ev.duplicate
        ),
        (Some("T-7"), Some("rq-7"), false)
    );
    assert!(
        m.verify_webhook(&Received::new(&note_headers, &note.body), 60_000, &mut g)
            .unwrap()
            .duplicate
    );
    let ack = Merchant::webhook_ack();
    assert!(Platform::is_acknowledged(ack.status, &ack.body));
    assert!(Platform::is_acknowledged(
        200,
        br#"{"success":true,"code":200,"msg":"Success"}"#
    ));
    assert!(!Platform::is_acknowledged(
        200,
        br#"{"success":false,"code":200}"#
    ));
    assert!(!Platform::is_acknowledged(500, &ack.body));
    // Bad input.
    assert_eq!(
        m.build_request(&Request::new("/api/v1/cards"), 0, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        m.build_request(&Request::new(wasabi::UPLOAD_PATH), 0, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        m.build_request(
            &Request::new("/merchant/core/mcb/card/info").payload(Payload::Text("{x")),
            0,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    let no_key = merchant("merchant_1024.pkcs8.b64", None, MerchantConfig::default());
    assert_eq!(
        no_key
            .verify_webhook(&Received::new(&note_headers, &note.body), 0, &mut g)
            .unwrap_err()
            .code(),
        "invalid_key"
    );
    let off = merchant(
        "merchant_1024.pkcs8.b64",
        None,
        MerchantConfig::default().with_response_signature(ResponseSignaturePolicy::Off),
    );
    assert!(off
        .open_response(
            &Received::new(&Headers::new(), br#"{"success":true,"code":200,"data":{}}"#),
            0
        )
        .is_ok());
    assert_eq!(
        off.open_response(&Received::new(&Headers::new(), br#"{"code":"x"}"#), 0)
            .unwrap_err()
            .code(),
        "malformed_envelope"
    );
    assert_eq!(
        off.open_response(
            &Received::new(&Headers::new(), br#"{"success":"yes","code":200}"#),
            0
        )
        .unwrap_err()
        .code(),
        "malformed_envelope"
    );
}

#[test]
fn gateway_requests_and_retry_policy() {
    let mut rng = common::rng();
    let g = Gateway::new("wc_live_key").unwrap();
    let r = g
        .build_request(
            &Request::new("accounts/").payload(Payload::Json(
                &json!({"pageNum": 1, "pageSize": 10, "type": "WALLET"}),
            )),
            0,
            &mut rng,
        )
        .unwrap();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/api/v1/accounts/?pageNum=1&pageSize=10&type=WALLET")
    );
    assert_eq!(r.header("X-API-KEY"), Some("wc_live_key"));
    let r = g
        .build_request(
            &Request::new("/api/v1/common/cities/hierarchical")
                .payload(Payload::Text(r#"{"regionCode":"US CA"}"#)),
            0,
            &mut rng,
        )
        .unwrap();
    assert_eq!(
        r.path,
        "/api/v1/common/cities/hierarchical?regionCode=US%20CA"
    );
    let r = g
        .build_request(
            &Request::new("cards/info").payload(Payload::Text(r#"{"cardNo":"c1"}"#)),
            0,
            &mut rng,
        )
        .unwrap();
    assert_eq!(
        (r.method.as_str(), r.body.as_slice()),
        ("POST", &br#"{"cardNo":"c1"}"#[..])
    );
    // work-orders/ is GET to list and POST to submit: the caller says which.
    let list = g
        .build_request(
            &Request::new("work-orders/")
                .method("GET")
                .payload(Payload::Text(r#"{"pageNum":2}"#)),
            0,
            &mut rng,
        )
        .unwrap();
    assert_eq!(
        (list.method.as_str(), list.path.as_str()),
        ("GET", "/api/v1/work-orders/?pageNum=2")
    );
    assert_eq!(
        g.build_request(
            &Request::new("work-orders/")
                .method("POST")
                .payload(Payload::Text("{}")),
            0,
            &mut rng
        )
        .unwrap()
        .method,
        "POST"
    );
    assert_eq!(
        g.build_request(
            &Request::new("work-orders/").payload(Payload::Text(r#"{"pageNum":2}"#)),
            0,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input",
        "nothing is guessed"
    );
    assert_eq!(
        g.build_request(&Request::new("cards/info").method("GET"), 0, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input",
        "a method that contradicts the documented one"
    );
    assert_eq!(
        g.build_request(
            &Request::new("accounts/").payload(Payload::Text(r#"{"a":[1]}"#)),
            0,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert!(g
        .upload_file("a.pdf", "application/pdf", b"%PDF", &mut rng)
        .is_ok());
    assert_eq!(
        g.upload_file("a.gif", "image/gif", b"GIF", &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        g.upload_file(
            "a.pdf",
            "application/pdf",
            &vec![0u8; 2 * 1024 * 1024 + 1],
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );

    // Webhook-events query limits: every violation at once.
    let long = "x".repeat(61);
    let Error::ValidationFailed { errors } = g
        .webhook_events_request(&WebhookEventsQuery {
            category: Some(&long),
            from: Some("2026-02-01 00:00:00"),
            to: Some("2026-01-01 00:00:00"),
            per_page: Some(101),
            page: Some(0),
            ..Default::default()
        })
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        vec!["category", "page", "per_page", "to"]
    );
    let ok = g
        .webhook_events_request(&WebhookEventsQuery {
            category: Some("card_holder"),
            from: Some("2026-01-01 00:00:00"),
            per_page: Some(100),
            page: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ok.path, "/api/v1/webhook-events?category=card_holder&from=2026-01-01%2000%3A00%3A00&per_page=100&page=2");

    // Retry policy: 429 honours Retry-After; 502 retried except on money movements.
    let policy = RetryPolicy::default();
    let retry_after: Headers = [("Retry-After", "5")].into();
    let too_many = g
        .open_response(
            &Received::response(429, &retry_after, br#"{"message":"Too Many Attempts."}"#)
                .with_path("cards/info"),
            0,
        )
        .unwrap_err();
    let d = policy.decide("cards/info", &too_many, 1);
    assert!(d.retry && d.delay_ms == 5000, "{d:?}");
    let bad_gateway = g
        .open_response(
            &Received::response(
                502,
                &Headers::new(),
                br#"{"success":false,"code":502,"msg":"upstream","data":null}"#,
            )
            .with_path("cards/info"),
            0,
        )
        .unwrap_err();
    let delays: Vec<u64> = (1..=3)
        .map(|a| policy.decide("cards/info", &bad_gateway, a).delay_ms)
        .collect();
    assert_eq!(delays, vec![1000, 2000, 4000]);
    assert!(
        !policy.decide("cards/info", &bad_gateway, 4).retry,
        "four attempts in all"
    );
    let d = policy.decide("/api/v1/cards/deposit", &bad_gateway, 1);
    assert!(!d.retry && d.reason.contains("money movement"), "{d:?}");
    let d = policy.decide("cards/withdraw", &too_many, 1);
    assert!(d.retry, "429 means not executed: safe even for money");
    let lenient = RetryPolicy {
        retry_money_movements_on_5xx: true,
        ..RetryPolicy::default()
    };
    assert!(lenient.decide("accounts/transfer", &bad_gateway, 1).retry);
    let unauthorized = g
        .open_response(
            &Received::response(
                401,
                &Headers::new(),
                br#"{"success":false,"code":401,"msg":"Invalid or missing API key.","data":null}"#,
            )
            .with_path("cards/info"),
            0,
        )
        .unwrap_err();
    assert!(!policy.decide("cards/info", &unauthorized, 1).retry);
    assert!(
        !policy
            .decide("cards/info", &Error::SignatureInvalid, 1)
            .retry
    );
}

#[test]
fn status_models() {
    assert!(
        status::cardholder_keep_polling("wait_audit")
            && status::cardholder_keep_polling("under_review")
    );
    assert!(
        !status::cardholder_keep_polling("pass_audit")
            && !status::cardholder_keep_polling("reject")
    );
    assert!(
        status::cardholder_keep_polling("something_new"),
        "unknown: keep polling"
    );
    assert!(status::CARD.is_known("UnFreezing") && !status::CARD.is_known("unfreezing"));
    assert!(
        status::ORDER.is_final("success")
            && status::AUTHORIZATION.can_transition("authorized", "succeed")
    );
}
