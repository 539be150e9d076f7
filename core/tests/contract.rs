#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The provider contract: one generic receiver, one generic request round
//! trip, written once and run over every provider. If a provider's shapes
//! drifted from the contract, this file would not compile.

mod common;

use cardwire::prelude::*;
use cardwire::{
    payca, pintopay, wasabi, worldcard, worldcard_legacy, AesKey, MemoryReplayGuard, MicrosStamp,
};

const NOW_MS: u64 = 1_764_000_000_000;
const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

/// What a webhook handler answers, for any provider: the event type of a new
/// delivery, `duplicate` for a redelivery, or the error code.
fn receive<P: WebhookReceiver>(
    provider: &P,
    headers: &Headers,
    body: &[u8],
    store: &mut MemoryReplayGuard,
) -> String {
    match provider.verify_webhook(&Received::new(headers, body), NOW_MS, store) {
        Ok(e) if e.duplicate => "duplicate".to_owned(),
        Ok(e) => {
            assert_eq!(provider.webhook_ack().status / 100, 2);
            assert!(!e.delivery.key.is_empty());
            format!("new {}", e.event_type)
        }
        Err(e) => e.code().to_owned(),
    }
}

/// Signs one webhook on the provider side and receives it three times on the
/// merchant side: new, duplicate, and with one body byte changed (refused
/// with `refused`, nothing returned).
fn webhook_contract<S: WebhookSigner, R: WebhookReceiver>(
    platform: &S,
    merchant: &R,
    hook: Notification<'_>,
    expect_type: &str,
    refused: &str,
) {
    let mut rng = common::rng();
    let signed = platform.sign_webhook(&hook, NOW_MS, &mut rng).unwrap();
    let headers = Headers::from(signed.headers.clone());
    let mut store = MemoryReplayGuard::default();
    assert_eq!(
        receive(merchant, &headers, &signed.body, &mut store),
        format!("new {expect_type}")
    );
    assert_eq!(
        receive(merchant, &headers, &signed.body, &mut store),
        "duplicate"
    );
    let mut tampered = signed.body.clone();
    let i = tampered.len() / 2;
    tampered[i] ^= 0x01;
    assert_eq!(
        receive(
            merchant,
            &headers,
            &tampered,
            &mut MemoryReplayGuard::default()
        ),
        refused,
        "a changed byte must be refused"
    );
    // The explanation is the same verification, step by step.
    let e = merchant.explain_webhook(&Received::new(&headers, &tampered), NOW_MS);
    assert!(e.first_failure().is_some());
    let ok = merchant.explain_webhook(&Received::new(&headers, &signed.body), NOW_MS);
    assert!(ok.first_failure().is_none(), "{ok:?}");
}

/// Builds one request on the merchant side and verifies it on the provider
/// side (path included); returns what the verifier gave back.
fn request_contract<B: RequestBuilder, V: RequestVerifier>(
    merchant: &B,
    platform: &V,
    req: Request<'_>,
) -> V::Verified {
    let mut rng = common::rng();
    let out = merchant.build_request(&req, NOW_MS, &mut rng).unwrap();
    let headers = Headers::from(out.headers.clone());
    let msg = Received::new(&headers, &out.body).with_path(&out.path);
    let mut store = MemoryReplayGuard::default();
    let verified = platform.verify_request(&msg, NOW_MS, &mut store);
    match verified {
        Ok(v) => v,
        Err(e) => panic!("{}: {e}", out.path),
    }
}

fn worldcard_sides() -> (worldcard::Merchant, worldcard::Platform) {
    let aes = AesKey::parse(AES).unwrap();
    let m = worldcard::Merchant::new(worldcard::MerchantKeys {
        app_id: "app_1".into(),
        private_key: common::private_key("merchant_2048.pkcs8.pem"),
        aes_key: aes.clone(),
        platform_public_key: Some(common::public_key("platform_2048.spki.pem")),
    })
    .unwrap();
    let p = worldcard::Platform::new(
        vec![worldcard::MerchantRecord {
            app_id: "app_1".into(),
            public_key: common::public_key("merchant_2048.spki.pem"),
            aes_key: aes,
        }],
        Some(common::private_key("platform_2048.pkcs8.pem")),
    )
    .unwrap();
    (m, p)
}

fn wasabi_sides() -> (wasabi::Merchant, wasabi::Platform) {
    let m = wasabi::Merchant::new(wasabi::MerchantKeys {
        api_key: "api-key".into(),
        private_key: common::private_key("merchant_1024.pkcs8.pem"),
        platform_public_key: Some(common::public_key("platform_1024.spki.pem")),
    })
    .unwrap();
    let p = wasabi::Platform::new(
        "api-key",
        common::private_key("platform_1024.pkcs8.pem"),
        common::public_key("merchant_1024.spki.pem"),
    )
    .unwrap();
    (m, p)
}

#[test]
fn one_generic_receiver_serves_every_provider() {
    let (m, p) = worldcard_sides();
    webhook_contract(
        &p,
        &m,
        Notification::new("card_status", r#"{"card_id":"c-1","status":"active"}"#),
        "card_status",
        "signature_invalid",
    );

    let legacy_c = worldcard_legacy::Merchant::new("k", "sBOvCZZurSbbdJiA").unwrap();
    let legacy_p = worldcard_legacy::Platform::new("k", "sBOvCZZurSbbdJiA").unwrap();
    webhook_contract(
        &legacy_p,
        &legacy_c,
        Notification::new(
            "",
            r#"{"orderNo":"o-1","status":"1","settleAmount":"10.00"}"#,
        ),
        "top_up",
        "signature_invalid",
    );

    let (wm, wp) = wasabi_sides();
    webhook_contract(
        &wp,
        &wm,
        Notification::new("card_transaction", r#"{"cardNo":"c-1","orderNo":"o-1"}"#).id("rq-1"),
        "card_transaction",
        "signature_invalid",
    );

    let pm = pintopay::Merchant::new("api-key", "api-secret").unwrap();
    let pp = pintopay::Platform::new("api-key", "api-secret").unwrap();
    webhook_contract(
        &pp,
        &pm,
        Notification::new("card.created", r#"{"card_id":"c-1"}"#),
        "card.created",
        "decrypt_failed",
    );

    let pc = payca::Merchant::new("client-1", "secret-1").unwrap();
    let ppl = payca::Platform::new("client-1", "secret-1").unwrap();
    webhook_contract(
        &ppl,
        &pc,
        Notification::new("card_transaction", r#"{"cardId":"c-1","id":"t-1"}"#).id("rq-1"),
        "card_transaction",
        "signature_invalid",
    );
}

#[test]
fn one_generic_request_round_trip_serves_every_provider() {
    let (m, p) = worldcard_sides();
    let v = request_contract(
        &m,
        &p,
        Request::new("/api/v1/card/virtual/get_info").payload(r#"{"card_id":"c-1"}"#),
    );
    assert_eq!(
        (v.app_id.as_str(), v.json["card_id"].as_str()),
        ("app_1", Some("c-1"))
    );
    // The send time defaults to now_ms, in the provider's unit (seconds).
    assert_eq!(v.timestamp, NOW_MS / 1000);

    let lc = worldcard_legacy::Merchant::new("k", "sBOvCZZurSbbdJiA").unwrap();
    let lp = worldcard_legacy::Platform::new("k", "sBOvCZZurSbbdJiA").unwrap();
    let v = request_contract(
        &lc,
        &lp,
        Request::new("/op/card/E/info").payload(r#"{"cardNumber":"c-1"}"#),
    );
    assert_eq!(v["cardNumber"], "c-1");

    let (wm, wp) = wasabi_sides();
    let v = request_contract(
        &wm,
        &wp,
        Request::new("/merchant/core/mcb/card/info").payload(r#"{"cardNo":"c-1"}"#),
    );
    assert_eq!(v["cardNo"], "c-1");

    let pm = pintopay::Merchant::new("api-key", "api-secret").unwrap();
    let pp = pintopay::Platform::new("api-key", "api-secret").unwrap();
    let v = request_contract(
        &pm,
        &pp,
        Request::new("/api/v1/cards/get").payload(r#"{"card_id":"c-1"}"#),
    );
    assert_eq!(v.payload["card_id"], "c-1");
    assert_eq!(v.payload["request_timestamp"], NOW_MS * 1000);

    let pc = payca::Merchant::new("client-1", "secret-1").unwrap();
    let ppl = payca::Platform::new("client-1", "secret-1").unwrap();
    let v = request_contract(&pc, &ppl, Request::new("/v1/cards").method("GET"));
    assert!(v.is_null());
}

#[test]
fn pintopay_stamps_two_requests_in_one_millisecond_apart() {
    let m = pintopay::Merchant::new("api-key", "api-secret").unwrap();
    let p = pintopay::Platform::new("api-key", "api-secret").unwrap();
    let mut rng = common::rng();
    let mut store = MemoryReplayGuard::default();
    let mut stamps = Vec::new();
    for _ in 0..3 {
        let req = Request::new("/api/v1/cards/get").payload(r#"{"card_id":"c-1"}"#);
        let out = m.build_request(&req, NOW_MS, &mut rng).unwrap();
        let headers = Headers::from(out.headers);
        // One store for all three: a repeated stamp would be a replay.
        let v = p
            .verify_request(
                &Received::new(&headers, &out.body).with_path(&out.path),
                NOW_MS,
                &mut store,
            )
            .unwrap();
        stamps.push(v.payload["request_timestamp"].as_u64().unwrap());
    }
    assert_eq!(
        stamps,
        [NOW_MS * 1000, NOW_MS * 1000 + 1, NOW_MS * 1000 + 2]
    );
    // A given stamp is the caller's, in microseconds, as given.
    let req = Request::new("/api/v1/cards/get")
        .payload(r#"{"card_id":"c-1"}"#)
        .timestamp(NOW_MS * 1000 + 500);
    let out = m.build_request(&req, NOW_MS, &mut rng).unwrap();
    let headers = Headers::from(out.headers);
    let v = p
        .verify_request(
            &Received::new(&headers, &out.body).with_path(&out.path),
            NOW_MS,
            &mut store,
        )
        .unwrap();
    assert_eq!(v.payload["request_timestamp"], NOW_MS * 1000 + 500);
}

#[test]
fn micros_stamps_are_unique_across_threads() {
    let s = std::sync::Arc::new(MicrosStamp::new());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || (0..1000).map(|_| s.next(1)).collect::<Vec<_>>())
        })
        .collect();
    let mut all: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(all.len(), 4000);
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 4000, "every stamp distinct");
    assert_eq!(all.first(), Some(&1000));
    assert_eq!(all.last(), Some(&4999));
}

#[test]
fn a_request_field_a_provider_has_no_use_for_is_refused() {
    let (m, _) = worldcard_sides();
    let mut rng = common::rng();
    let req = Request::new("/api/v1/card/virtual/get_info")
        .payload(r#"{"card_id":"c-1"}"#)
        .idempotency_key("k");
    let e = m.build_request(&req, NOW_MS, &mut rng).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("idempotency_key"), "{e}");
}
