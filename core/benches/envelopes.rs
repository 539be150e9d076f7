//! Criterion benchmarks: `make bench`. Not part of `make test`; numbers go in
//! the closing notes, never into assertions. Every benchmark first runs its
//! operation once and stops loudly if it does not succeed: a failing call
//! (a validation error, say) would report microseconds for a millisecond
//! operation.

use std::hint::black_box;
use std::path::PathBuf;

use cardwire::prelude::*;
use cardwire::worldcard::{Merchant, MerchantKeys, MerchantRecord, Platform};
use cardwire::{AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn key(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/keys")
        .join(name);
    std::fs::read_to_string(p).unwrap_or_default()
}

/// A 1 KB deposit that passes the endpoint's documented rules.
fn payload_1kb() -> Vec<u8> {
    let head = r#"{"card_id":"1234567890123456","merchant_transaction_id":"mt_bench_1","amount":"100.00","memo":""#;
    let filler = "x".repeat(1024 - head.len() - 2);
    format!("{head}{filler}\"}}").into_bytes()
}

/// Runs `op` once; a benchmark of a failing call measures the wrong thing.
fn must<T, E: std::fmt::Debug>(what: &str, r: Result<T, E>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            eprintln!("benchmark {what}: the operation fails ({e:?}); refusing to time it");
            std::process::exit(1)
        }
    }
}

fn benches(c: &mut Criterion) {
    let Ok(merchant) = (|| -> cardwire::Result<Merchant> {
        Merchant::new(MerchantKeys {
            app_id: "app_bench".into(),
            private_key: RsaPrivateKey::parse(&key("merchant_2048.pkcs8.pem"))?,
            aes_key: AesKey::parse(AES)?,
            platform_public_key: Some(RsaPublicKey::parse(&key("platform_2048.spki.pem"))?),
        })
    })() else {
        eprintln!("bench keys missing");
        return;
    };
    let Ok(platform) = (|| -> cardwire::Result<Platform> {
        Platform::new(
            vec![MerchantRecord {
                app_id: "app_bench".into(),
                public_key: RsaPublicKey::parse(&key("merchant_2048.spki.pem"))?,
                aes_key: AesKey::parse(AES)?,
            }],
            Some(RsaPrivateKey::parse(&key("platform_2048.pkcs8.pem"))?),
        )
    })() else {
        return;
    };
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let payload = payload_1kb();

    assert_eq!(payload.len(), 1024);
    must(
        "build_request_1kb",
        merchant.build_request(
            &Request::new("/api/v1/card/deposit")
                .payload(payload.as_slice())
                .timestamp(1_764_000_000)
                .nonce("bench-nonce"),
            1_764_000_000 * 1000,
            &mut rng,
        ),
    );
    let mut g = c.benchmark_group("worldcard");
    g.throughput(Throughput::Bytes(payload.len() as u64));
    g.bench_function("build_request_1kb", |b| {
        b.iter(|| {
            merchant.build_request(
                &Request::new("/api/v1/card/deposit")
                    .payload(black_box(payload.as_slice()))
                    .timestamp(1_764_000_000)
                    .nonce("bench-nonce"),
                1_764_000_000 * 1000,
                &mut rng,
            )
        })
    });

    let hook = must(
        "sign_webhook",
        platform.sign_webhook(
            &Notification::new("card_billing", payload.as_slice())
                .app_id("app_bench")
                .id("n")
                .timestamp_ms(1_764_000_000_000),
            1_764_000_000_000,
            &mut rng,
        ),
    );
    let headers = hook.headers();
    must(
        "verify_webhook_1kb",
        merchant.verify_webhook(
            &Received::new(&headers, &hook.body),
            1_764_000_000_000,
            &mut MemoryReplayGuard::new(1),
        ),
    );
    g.bench_function("verify_webhook_1kb", |b| {
        // A fresh guard per run would measure allocation; a tiny guard keeps it bounded.
        let mut guard = MemoryReplayGuard::new(1);
        b.iter(|| {
            merchant.verify_webhook(
                &Received::new(&headers, black_box(&hook.body)),
                1_764_000_000_000,
                &mut guard,
            )
        })
    });

    let req = must(
        "build_request",
        merchant.build_request(
            &Request::new("/api/v1/card/deposit")
                .payload(payload.as_slice())
                .timestamp(1_764_000_000)
                .nonce("n2"),
            1_764_000_000 * 1000,
            &mut rng,
        ),
    );
    let req_headers = req.headers();
    must(
        "verify_request_1kb",
        platform.verify_request(
            &Received::new(&req_headers, &req.body),
            1_764_000_000 * 1000,
            &mut MemoryReplayGuard::new(1),
        ),
    );
    g.bench_function("verify_request_1kb", |b| {
        b.iter(|| {
            let mut guard = MemoryReplayGuard::new(1);
            platform.verify_request(
                &Received::new(&req_headers, black_box(&req.body)),
                1_764_000_000 * 1000,
                &mut guard,
            )
        })
    });
    g.finish();

    let field = must(
        "encrypt_field",
        merchant.encrypt_field("4937241000003841", &mut rng),
    );
    must("decrypt_field", merchant.decrypt_field(&field));
    c.bench_function("worldcard/decrypt_field", |b| {
        b.iter(|| merchant.decrypt_field(black_box(&field)))
    });
}

fn validation(c: &mut Criterion) {
    let payload = serde_json::json!({
        "merchant_card_id": "mc_0001", "card_type": "VIRTUAL-G", "card_bin_id": "bin_001", "first_recharge_amount": "100.00",
        "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace", "phone": "5551234567", "phone_country_code": "1",
        "birthday": "1990-01-15", "country_code": "US", "city": "New York", "address": "1 Main St", "postal_code": "10001"
    });
    let ctx = cardwire::validate::Context {
        today: Some("2026-11-25"),
        card_type: None,
    };
    must(
        "validate",
        cardwire::registry::validate("worldcard", "/api/v1/card/virtual/apply", &payload, &ctx),
    );
    c.bench_function("validate/worldcard_card_application", |b| {
        b.iter(|| {
            cardwire::registry::validate(
                "worldcard",
                "/api/v1/card/virtual/apply",
                black_box(&payload),
                &ctx,
            )
        })
    });
}

criterion_group!(envelopes, benches, validation);
criterion_main!(envelopes);
