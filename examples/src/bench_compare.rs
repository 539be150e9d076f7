//! Side-by-side timing of cardwire's envelopes on both RSA backends, in one
//! process: the native backend (aws-lc-rs, when built with `--features
//! native`) and the pure-Rust path (the same keys with `.pure()`). Prints one
//! JSON line per measurement; `tests/bench/compare.py` joins them with the
//! hand-written Python `cryptography` equivalents (`tests/bench/hand_written.py`)
//! and prints the table with ratios (`make bench-compare`).
//!
//! Every operation runs once first and the bench stops if it fails: timing a
//! failing call would report microseconds for a millisecond operation.

use std::hint::black_box;
use std::time::Instant;

use cardwire::prelude::*;
use cardwire::worldcard::{self, MerchantRecord};
use cardwire::{wasabi, AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
use rand::SeedableRng;

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn key(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/keys")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| fail(&format!("{}: {e}", p.display())))
}

fn fail(msg: &str) -> ! {
    eprintln!("bench-compare: {msg}");
    std::process::exit(1)
}

fn must<T, E: std::fmt::Debug>(what: &str, r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| fail(&format!("{what} fails ({e:?}); refusing to time it")))
}

/// Mean microseconds per call: the best of five one-second-ish batches.
fn time<T>(mut f: impl FnMut() -> T) -> f64 {
    for _ in 0..3 {
        black_box(f());
    }
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed().as_secs_f64() < 0.25 || n < 5 {
            black_box(f());
            n += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
    }
    best
}

fn report(op: &str, implementation: &str, us: f64) {
    println!("{{\"op\":\"{op}\",\"impl\":\"{implementation}\",\"us\":{us:.3}}}");
}

/// A 1 KB deposit that passes the endpoint's documented rules.
fn payload_1kb() -> Vec<u8> {
    let head = r#"{"card_id":"1234567890123456","merchant_transaction_id":"mt_bench_1","amount":"100.00","memo":""#;
    let filler = "x".repeat(1024 - head.len() - 2);
    format!("{head}{filler}\"}}").into_bytes()
}

fn main() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let payload = payload_1kb();
    let m_priv = must(
        "merchant key",
        RsaPrivateKey::parse(&key("merchant_2048.pkcs8.pem")),
    );
    let p_priv = must(
        "platform key",
        RsaPrivateKey::parse(&key("platform_2048.pkcs8.pem")),
    );
    let p_pub = must(
        "platform public key",
        RsaPublicKey::parse(&key("platform_2048.spki.pem")),
    );
    let m_pub = must(
        "merchant public key",
        RsaPublicKey::parse(&key("merchant_2048.spki.pem")),
    );
    let backend = cardwire::crypto::backend();
    eprintln!(
        "bench-compare: RSA backend of this build: {backend} (merchant key on {})",
        m_priv.backend()
    );

    let platform = must(
        "platform",
        worldcard::Platform::new(
            vec![MerchantRecord {
                app_id: "app_bench".into(),
                public_key: m_pub.clone(),
                aes_key: must("aes", AesKey::parse(AES)),
            }],
            Some(p_priv.clone()),
        ),
    );
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
    let hook_headers = hook.headers();
    let hook_msg = Received::new(&hook_headers, &hook.body);
    let wsb_platform = must(
        "wasabi platform",
        wasabi::Platform::new("wsb", p_priv.clone(), m_pub.clone()),
    );
    let note = must(
        "sign_notification",
        wsb_platform.sign_webhook(
            &Notification::new("card_transaction", payload.as_slice()).id("rq-1"),
            0,
            &mut rng,
        ),
    );
    let note_headers = note.headers();
    let note_msg = Received::new(&note_headers, &note.body);
    let field = must(
        "encrypt_field",
        wsb_platform.encrypt_field("4937241000003841", wasabi::RsaPadding::Pkcs1v15, &mut rng),
    );

    let paths: Vec<(&str, RsaPrivateKey, RsaPublicKey)> = if backend == "native" {
        vec![
            ("cardwire native", m_priv.clone(), p_pub.clone()),
            ("cardwire pure", m_priv.pure(), p_pub.pure()),
        ]
    } else {
        vec![("cardwire pure", m_priv.clone(), p_pub.clone())]
    };
    aes_gcm_backends(&mut rng);
    let label = if backend == "native" {
        "cardwire native"
    } else {
        "cardwire pure"
    };
    payca_verify(&payload, label, &mut rng);
    card_reveal(label, &mut rng);
    for (label, private, public) in paths {
        let merchant = must(
            "merchant",
            worldcard::Merchant::new(worldcard::MerchantKeys {
                app_id: "app_bench".into(),
                private_key: private.clone(),
                aes_key: must("aes", AesKey::parse(AES)),
                platform_public_key: Some(public.clone()),
            }),
        );
        let req = Request::new("/api/v1/card/deposit")
            .payload(payload.as_slice())
            .timestamp(1_764_000_000)
            .nonce("bench-nonce");
        must(
            "build_request",
            merchant.build_request(&req, 1_764_000_000 * 1000, &mut rng),
        );
        report(
            "worldcard build_request 1 KB",
            label,
            time(|| merchant.build_request(&req, 1_764_000_000 * 1000, &mut rng)),
        );
        let mut guard = MemoryReplayGuard::new(1);
        must(
            "verify_webhook",
            merchant.verify_webhook(&hook_msg, 1_764_000_000_000, &mut guard),
        );
        report(
            "worldcard verify_webhook 1 KB",
            label,
            time(|| merchant.verify_webhook(&hook_msg, 1_764_000_000_000, &mut guard)),
        );
        let sealed_field = must(
            "encrypt_field",
            merchant.encrypt_field("4937241000003841", &mut rng),
        );
        must("decrypt_field", merchant.decrypt_field(&sealed_field));
        report(
            "AES-GCM field decrypt",
            label,
            time(|| merchant.decrypt_field(&sealed_field)),
        );

        let wsb = must(
            "wasabi merchant",
            wasabi::Merchant::new(wasabi::MerchantKeys {
                api_key: "wsb".into(),
                private_key: private.clone(),
                platform_public_key: Some(public.clone()),
            }),
        );
        let path = "/merchant/core/mcb/card/info";
        let wsb_req = Request::new(path)
            .payload(cardwire::Payload::Bytes(&payload))
            .validate(false);
        must(
            "wasabi build_request",
            wsb.build_request(&wsb_req, 0, &mut rng),
        );
        report(
            "wasabi sign 1 KB",
            label,
            time(|| wsb.build_request(&wsb_req, 0, &mut rng)),
        );
        let mut g = MemoryReplayGuard::new(1);
        must(
            "wasabi verify_webhook",
            wsb.verify_webhook(&note_msg, 0, &mut g),
        );
        report(
            "wasabi verify 1 KB",
            label,
            time(|| wsb.verify_webhook(&note_msg, 0, &mut g)),
        );
        must("wasabi decrypt_field", wsb.decrypt_field(&field, &mut rng));
        report(
            "wasabi field decrypt (RSA-2048 PKCS#1 v1.5)",
            label,
            time(|| wsb.decrypt_field(&field, &mut rng)),
        );
    }
}

/// PayCA's HMAC-SHA256 webhook check, 1 KB (no RSA: one row for both backends).
fn payca_verify(payload: &[u8], label: &str, rng: &mut rand_chacha::ChaCha20Rng) {
    use cardwire::payca;
    let body = [
        br#"{"event":"card_transaction","data":"#.as_slice(),
        payload,
        b"}",
    ]
    .concat();
    let platform = must(
        "payca platform",
        payca::Platform::new("cid", "payca-secret"),
    );
    let hook = must(
        "payca sign_webhook",
        platform.sign_webhook(&Notification::new("", body.as_slice()).id("rq-1"), 0, rng),
    );
    let headers = hook.headers();
    let msg = Received::new(&headers, &hook.body);
    let client = must("payca client", payca::Merchant::new("cid", "payca-secret"));
    let mut g = MemoryReplayGuard::new(1);
    must(
        "payca verify_webhook",
        client.verify_webhook(&msg, 0, &mut g),
    );
    report(
        "payca verify 1 KB",
        label,
        time(|| client.verify_webhook(&msg, 0, &mut g)),
    );
}

/// The card reveal: the back end's seal, and a page's whole round (key
/// pair, the seal made for it, one open). No RSA: one row for both backends.
fn card_reveal(label: &str, rng: &mut rand_chacha::ChaCha20Rng) {
    use cardwire::reveal::{seal_card_for_browser, RevealKey};
    let fields: serde_json::Map<String, serde_json::Value> = [
        ("pan", "4937241000003841"),
        ("cvv", "123"),
        ("expiry_month", "09"),
        ("expiry_year", "29"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
    .collect();
    let now = 1_764_000_000_000u64;
    let page = must(
        "reveal key",
        RevealKey::generate("card-1", now, 60_000, rng),
    );
    let req = page.request();
    let round = |rng: &mut rand_chacha::ChaCha20Rng| -> cardwire::Result<usize> {
        let mut k = RevealKey::generate("card-1", now, 60_000, rng)?;
        let r = k.request();
        let sealed = seal_card_for_browser(
            &fields,
            &r.public_key,
            "card-1",
            &r.request_id,
            now + 60_000,
            now,
            rng,
        )?;
        Ok(k.open(&sealed, now)?.len())
    };
    if must("reveal round trip", round(rng)) != 4 {
        fail("the reveal round trip lost fields; refusing to time it");
    }
    must(
        "reveal seal",
        seal_card_for_browser(
            &fields,
            &req.public_key,
            "card-1",
            &req.request_id,
            now + 60_000,
            now,
            rng,
        ),
    );
    report(
        "card reveal: seal (PAN, CVV, expiry)",
        label,
        time(|| {
            seal_card_for_browser(
                &fields,
                &req.public_key,
                "card-1",
                &req.request_id,
                now + 60_000,
                now,
                rng,
            )
        }),
    );
    report(
        "card reveal: start + seal + open",
        label,
        time(|| round(rng)),
    );
}

/// AES-256-GCM through RustCrypto (what cardwire uses on every build) and
/// through AWS-LC, on a 16-byte card field and a 1 KB body: whether moving
/// the symmetric primitives to the native backend would pay.
fn aes_gcm_backends(rng: &mut rand_chacha::ChaCha20Rng) {
    use cardwire::crypto::aes_gcm::AesGcmKey;
    let key = must("aes", AesKey::parse(AES));
    let rc = AesGcmKey::new(&key);
    for (op, len) in [
        ("AES-256-GCM open, 16 B", 16usize),
        ("AES-256-GCM open, 1 KB", 1024),
    ] {
        let plain = vec![7u8; len];
        let sealed = must("seal", rc.seal_raw(&plain, rng));
        must("open", rc.open_raw(&sealed));
        report(op, "RustCrypto (cardwire)", time(|| rc.open_raw(&sealed)));
        #[cfg(feature = "native")]
        {
            use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
            let raw = must("hex", cardwire::encoding::hex_decode(AES));
            let lc = LessSafeKey::new(must("aws-lc key", UnboundKey::new(&AES_256_GCM, &raw)));
            let open = || {
                let (nonce, rest) = sealed.split_at(12);
                let mut buf = rest.to_vec();
                let n = Nonce::try_assume_unique_for_key(nonce).map_err(|_| "nonce")?;
                lc.open_in_place(n, Aad::empty(), &mut buf)
                    .map(|p| p.len())
                    .map_err(|_| "tag")
            };
            must("aws-lc open", open());
            report(op, "aws-lc-rs", time(open));
        }
    }
}
