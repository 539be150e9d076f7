#![no_main]
//! Every provider's openers and verifiers on fuzzed bytes: PinToPay, PayCA,
//! WorldCard legacy, Wasabi (Open API and gateway), exact-decimal JSON and the
//! validation engine. Never a panic; every error is a catalog code.
use std::sync::OnceLock;

use cardwire::prelude::*;
use cardwire::{
    payca, pintopay, wasabi, worldcard_legacy, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey,
    CODES,
};
use libfuzzer_sys::fuzz_target;

const PRIV: &str = include_str!("../../tests/vectors/keys/merchant_1024.pkcs8.pem");
const PUB: &str = include_str!("../../tests/vectors/keys/platform_1024.spki.pem");

struct Clients {
    ptp: pintopay::Merchant,
    ptp_p: pintopay::Platform,
    payca: payca::Merchant,
    legacy: worldcard_legacy::Merchant,
    wsb: wasabi::Merchant,
    gw: wasabi::Gateway,
}

fn clients() -> Option<&'static Clients> {
    static C: OnceLock<Option<Clients>> = OnceLock::new();
    C.get_or_init(|| {
        Some(Clients {
            ptp: pintopay::Merchant::new("k", "secret-123").ok()?,
            ptp_p: pintopay::Platform::new("k", "secret-123").ok()?,
            payca: payca::Merchant::new("c", "s").ok()?,
            legacy: worldcard_legacy::Merchant::new("a", "0123456789abcdef").ok()?,
            wsb: wasabi::Merchant::new(wasabi::MerchantKeys {
                api_key: "w".into(),
                private_key: RsaPrivateKey::parse(PRIV).ok()?,
                platform_public_key: RsaPublicKey::parse(PUB).ok(),
            })
            .ok()?,
            gw: wasabi::Gateway::new("g").ok()?,
        })
    })
    .as_ref()
}

fn ok<T>(r: Result<T, cardwire::Error>) {
    if let Err(e) = r {
        assert!(CODES.contains(&e.code()));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(c) = clients() else { return };
    let text = String::from_utf8_lossy(data);
    let headers = Headers::from([
        ("API-KEY", "k".to_owned()),
        (
            "x-signature",
            format!("sha256={}", text.chars().take(64).collect::<String>()),
        ),
        (
            "X-WSB-SIGNATURE",
            text.chars().take(172).collect::<String>(),
        ),
        ("X-WSB-CATEGORY", "card_transaction".to_owned()),
        ("Idempotency-Key", "i".to_owned()),
    ]);
    let mut g = MemoryReplayGuard::new(8);
    let mut rng = rand_core::OsRng;
    let none = Headers::new();
    let hook = Received::new(&headers, data);
    ok(c.ptp.open_response(&Received::response(200, &none, data), 0));
    ok(c.ptp.verify_webhook(&hook, 0, &mut g));
    ok(c.ptp_p.verify_request(
        &hook.with_path("/api/v1/cards/topup"),
        1_764_000_000_000,
        &mut g,
    ));
    ok(c.payca.verify_webhook(&hook, 0, &mut g));
    ok(c.payca.open_response(&Received::response(400, &headers, data), 0));
    ok(c.legacy.verify_webhook(&Received::body_only(data), 0, &mut g));
    ok(c.legacy.open_response(&Received::body_only(data), 0));
    ok(c.legacy.decrypt_field(&text));
    ok(c.wsb.open_response(&hook, 0));
    ok(c.wsb.verify_webhook(&hook, 0, &mut g));
    ok(c.wsb.decrypt_field(&text, &mut rng));
    ok(c.gw.open_response(
        &Received::response(422, &headers, data).with_path("cards/deposit"),
        0,
    ));
    if let Ok(v) = cardwire::exact_json::parse(data) {
        ok(cardwire::registry::validate(
            "wasabi",
            "/merchant/core/mcb/card/updateAttribute",
            &v,
            &Default::default(),
        ));
        ok(cardwire::registry::validate(
            "worldcard_legacy",
            "/api/v1/legacy/tf/v4/order/create",
            &v,
            &Default::default(),
        ));
    }
});
