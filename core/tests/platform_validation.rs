#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Platform sides validate what they receive and answer in each provider's
//! own error shape: legacy 5001, gateway 422, PinToPay invalid_request, PayCA
//! ErrInvalidArg (WorldCard's 1001 is in worldcard.rs).

mod common;

use cardwire::prelude::*;
use cardwire::wasabi::Gateway;
use cardwire::{payca, pintopay, worldcard_legacy, Error, MemoryReplayGuard};
use serde_json::{json, Value};

fn body(r: &cardwire::OutgoingResponse) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

#[test]
fn legacy_platform_answers_5001() {
    let mut rng = common::rng();
    let c = worldcard_legacy::Merchant::new("app", "0123456789abcdef")
        .unwrap()
        .with_validation(false);
    let p = worldcard_legacy::Platform::new("app", "0123456789abcdef").unwrap();
    let req = c
        .build_request(
            &Request::new("/api/card/top/up")
                .payload(&json!({"merOrderNo": "M1", "cardNumber": "4000", "amount": "5"}))
                .timestamp(1)
                .nonce("n"),
            1,
            &mut rng,
        )
        .unwrap();
    let Error::ValidationFailed { errors } = p
        .verify_request(
            &Received::body_only(&req.body).with_path(&req.path),
            0,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap_err()
    else {
        panic!()
    };
    assert!(errors["amount"][0].contains("at least 20"), "{errors:?}");
    let answer = worldcard_legacy::Platform::rejection(&Error::ValidationFailed { errors });
    assert_eq!(body(&answer)["status"], 5001);
    // and the client refuses the same payload by default
    let strict = worldcard_legacy::Merchant::new("app", "0123456789abcdef").unwrap();
    assert_eq!(
        strict
            .build_request(
                &Request::new("/api/card/top/up")
                    .payload(&json!({"merOrderNo": "M1", "cardNumber": "4000", "amount": "5"}))
                    .timestamp(1)
                    .nonce("n"),
                1,
                &mut rng
            )
            .unwrap_err()
            .code(),
        "validation_failed"
    );
}

#[test]
fn pintopay_platform_answers_invalid_request() {
    let mut rng = common::rng();
    let m = pintopay::Merchant::new("k", "secret-123")
        .unwrap()
        .with_validation(false);
    let p = pintopay::Platform::new("k", "secret-123").unwrap();
    let now = 1_764_000_000_000_000;
    let req = m
        .build_request(
            &Request::new("/api/v1/cards/topup")
                .payload(&json!({"card_id": "c", "amount": "0"}))
                .timestamp(now)
                .idempotency_key("i"),
            now / 1000,
            &mut rng,
        )
        .unwrap();
    let e = p
        .verify_request(
            &Received::new(&req.headers(), &req.body).with_path(&req.path),
            now / 1000,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    let answer = p.rejection(&e, &mut rng);
    assert_eq!(answer.status, 400);
    let client = pintopay::Merchant::new("k", "secret-123").unwrap();
    let Error::Api(api) = client
        .open_response(
            &Received::response(answer.status, &Headers::new(), &answer.body),
            now / 1000,
        )
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(api.provider_code, "invalid_request");
}

#[test]
fn payca_platform_answers_err_invalid_arg() {
    let p = payca::Platform::new("c", "s").unwrap();
    let e = p
        .validate_body("/v1/users/u-1/cardholder", br#"{"bin":"537100"}"#)
        .unwrap_err();
    let Error::ValidationFailed { errors } = &e else {
        panic!()
    };
    assert!(errors.contains_key("accountId"));
    let answer = payca::Platform::rejection(&e, "rq-1");
    assert_eq!(
        (answer.status, body(&answer)["error"]["code"].as_str()),
        (400, Some("ErrInvalidArg"))
    );
    assert!(p
        .validate_body(
            "/v1/users/u-1/cardholder",
            br#"{"bin":"537100","accountId":"a"}"#
        )
        .is_ok());
}

#[test]
fn gateway_answers_422_in_its_own_shape() {
    let mut rng = common::rng();
    let g = Gateway::new("k").unwrap();
    let e = g
        .build_request(
            &Request::new("accounts/").payload(Payload::Text(r#"{"pageSize": 50}"#)),
            0,
            &mut rng,
        )
        .unwrap_err();
    let Error::ValidationFailed { errors } = e else {
        panic!()
    };
    let answer = Gateway::validation_response(&errors);
    assert_eq!(answer.status, 422);
    // the merchant side reads it back as the gateway's 422 field-error map
    let Error::Api(api) = g
        .open_response(
            &Received::response(answer.status, &Headers::new(), &answer.body)
                .with_path("accounts/"),
            0,
        )
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(api.field_errors.unwrap()["pageSize"], errors["pageSize"]);
}

#[test]
fn validation_is_on_by_default_and_off_per_call() {
    let mut rng = common::rng();
    let bad_topup = json!({"card_id": "c", "amount": "0"});
    let m = pintopay::Merchant::new("k", "secret-123").unwrap();
    assert_eq!(
        m.build_request(
            &Request::new("/api/v1/cards/topup")
                .payload(&bad_topup)
                .timestamp(1)
                .idempotency_key("i"),
            0,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "validation_failed"
    );
    assert!(m
        .build_request(
            &Request::new("/api/v1/cards/topup")
                .payload(&bad_topup)
                .timestamp(1)
                .idempotency_key("i")
                .validate(false),
            0,
            &mut rng
        )
        .is_ok());

    let l = worldcard_legacy::Merchant::new("app", "0123456789abcdef").unwrap();
    let bad = json!({"merOrderNo": "M1", "cardNumber": "4000", "amount": "5"});
    assert_eq!(
        l.build_request(
            &Request::new("/api/card/top/up")
                .payload(&bad)
                .timestamp(1)
                .nonce("n"),
            1,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "validation_failed"
    );
    assert!(l
        .build_request(
            &Request::new("/api/card/top/up")
                .payload(&bad)
                .timestamp(1)
                .nonce("n")
                .validate(false),
            1,
            &mut rng
        )
        .is_ok());

    let w = cardwire::wasabi::Merchant::new(cardwire::wasabi::MerchantKeys {
        api_key: "w".into(),
        private_key: common::private_key("merchant_1024.pkcs8.pem"),
        platform_public_key: None,
    })
    .unwrap();
    let pin = json!({"cardNo": "c", "merchantOrderNo": "ORDER-2026-0000001", "pin": "123456"});
    let path = "/merchant/core/mcb/card/physicalCard/updatePin";
    let Error::ValidationFailed { errors } = w
        .build_request(
            &Request::new(path).payload(Payload::Json(&pin)),
            0,
            &mut rng,
        )
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        errors["pin"],
        vec!["must not be 6 ascending or descending digits"]
    );
    assert!(w
        .build_request(
            &Request::new(path)
                .payload(Payload::Json(&pin))
                .validate(false),
            0,
            &mut rng
        )
        .is_ok());

    let g = Gateway::new("k").unwrap();
    let big_page = Payload::Text(r#"{"pageSize": 50}"#);
    assert!(g
        .build_request(&Request::new("accounts/").payload(big_page), 0, &mut rng)
        .is_err());
    assert!(g
        .build_request(
            &Request::new("accounts/").payload(big_page).validate(false),
            0,
            &mut rng
        )
        .is_ok());

    let c = payca::Merchant::new("c", "s").unwrap();
    let req = |validate| cardwire::Request {
        path: "/v1/cards",
        payload: Some(Payload::Text("{}")),
        validate,
        ..Default::default()
    };
    assert_eq!(
        c.build_request(&req(None), 0, &mut rng).unwrap_err().code(),
        "validation_failed"
    );
    assert!(c.build_request(&req(Some(false)), 0, &mut rng).is_ok());
}
