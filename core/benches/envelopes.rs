//! Criterion benchmarks: `make bench`. Not part of `make test`; numbers go in
//! the closing notes, never into assertions.

use std::hint::black_box;
use std::path::PathBuf;

use cardwire::worldcard::{Merchant, MerchantKeys, MerchantRecord, Platform, Stamp};
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

fn payload_1kb() -> Vec<u8> {
    let filler = "x".repeat(1024 - 40);
    format!(r#"{{"card_id":"1234567890123456","memo":"{filler}"}}"#).into_bytes()
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

    let mut g = c.benchmark_group("worldcard");
    g.throughput(Throughput::Bytes(payload.len() as u64));
    g.bench_function("build_request_1kb", |b| {
        b.iter(|| {
            merchant.build_request(
                "/api/v1/card/deposit",
                black_box(payload.as_slice()),
                Stamp {
                    unix_seconds: 1_764_000_000,
                    nonce: "bench-nonce",
                },
                &mut rng,
            )
        })
    });

    let Ok(hook) = platform.sign_webhook(
        "app_bench",
        "card_billing",
        payload.as_slice(),
        1_764_000_000_000,
        "n",
        &mut rng,
    ) else {
        return;
    };
    let headers = hook.headers();
    g.bench_function("verify_webhook_1kb", |b| {
        // A fresh guard per run would measure allocation; a tiny guard keeps it bounded.
        let mut guard = MemoryReplayGuard::new(1);
        b.iter(|| {
            merchant.verify_webhook(
                &headers,
                black_box(&hook.body),
                1_764_000_000_000,
                &mut guard,
            )
        })
    });

    let Ok(req) = merchant.build_request(
        "/api/v1/card/deposit",
        payload.as_slice(),
        Stamp {
            unix_seconds: 1_764_000_000,
            nonce: "n2",
        },
        &mut rng,
    ) else {
        return;
    };
    let req_headers = req.headers();
    g.bench_function("verify_request_1kb", |b| {
        b.iter(|| {
            let mut guard = MemoryReplayGuard::new(1);
            platform.verify_request(
                &req_headers,
                black_box(&req.body),
                1_764_000_000,
                &mut guard,
            )
        })
    });
    g.finish();

    let field = merchant
        .encrypt_field("4937241000003841", &mut rng)
        .unwrap_or_default();
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
    c.bench_function("validate/worldcard_card_application", |b| {
        b.iter(|| {
            cardwire::validate::validate(
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
