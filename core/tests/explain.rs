#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `explain` is the verification itself, step by step: for each broken
//! request its first failing check carries the same code the verifier
//! returns, and names the right thing (wrong salt, wrong key, stale
//! timestamp, reused nonce, body changed after signing, header name typo).

mod common;

use cardwire::crypto::rsa_pss::PssSaltPolicy;
use cardwire::prelude::*;
use cardwire::worldcard::{self, Merchant, MerchantKeys, MerchantRecord, Platform, PlatformConfig};
use cardwire::{AesKey, MemoryReplayGuard};
use rsa::pkcs8::DecodePrivateKey;

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";
const NOW: u64 = 1_764_000_000;
const PATH: &str = "/api/v1/card/deposit";
const PAYLOAD: &str = r#"{"card_id":"c-1","merchant_transaction_id":"t-1","amount":"10.00"}"#;

fn merchant(key: &str) -> Merchant {
    Merchant::new(MerchantKeys {
        app_id: "app".into(),
        private_key: common::private_key(key),
        aes_key: AesKey::parse(AES).unwrap(),
        platform_public_key: None,
    })
    .unwrap()
}

fn platform(strict: bool) -> Platform {
    let config = PlatformConfig::default().with_pss_salt(if strict {
        PssSaltPolicy::Strict32
    } else {
        PssSaltPolicy::AutoDetect
    });
    Platform::new(
        vec![MerchantRecord {
            app_id: "app".into(),
            public_key: common::public_key("merchant_2048.spki.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
        }],
        None,
    )
    .unwrap()
    .with_config(config)
}

fn request(key: &str, ts: u64, nonce: &str) -> (Headers, Vec<u8>) {
    let r = merchant(key)
        .build_request(
            &Request::new(PATH)
                .payload(PAYLOAD.as_bytes())
                .timestamp(ts)
                .nonce(nonce),
            ts * 1000,
            &mut common::rng(),
        )
        .unwrap();
    (r.headers(), r.body)
}

/// The explanation and the verifier agree on the first failure.
fn agree(
    p: &Platform,
    headers: &Headers,
    body: &[u8],
    guard_explain: &mut MemoryReplayGuard,
    guard_verify: &mut MemoryReplayGuard,
) -> (String, &'static str, String) {
    let msg = Received::new(headers, body).with_path(PATH);
    let e = p.explain_request(&msg, NOW * 1000, guard_explain);
    let real = p
        .verify_request(&msg, NOW * 1000, guard_verify)
        .err()
        .map(|e| e.code())
        .unwrap_or("ok");
    match e.first_failure() {
        Some(s) => {
            assert_eq!(s.failed, Some(real), "{e}");
            (s.check.to_owned(), real, s.detail.clone())
        }
        None => {
            assert_eq!(real, "ok", "{e}");
            ("none".to_owned(), "ok", String::new())
        }
    }
}

#[test]
fn a_good_request_passes_every_check_and_shows_the_signed_text() {
    let p = platform(false);
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW, "n-ok");
    let e = p.explain_request(
        &Received::new(&h, &b).with_path(PATH),
        NOW * 1000,
        &mut MemoryReplayGuard::new(8),
    );
    assert!(e.first_failure().is_none(), "{e}");
    let signed = e
        .steps
        .iter()
        .find(|s| s.check.starts_with("signed text"))
        .unwrap();
    assert!(
        signed.detail.ends_with(&format!("{NOW}n-ok")),
        "{}",
        signed.detail
    );
    assert!(
        e.steps.iter().any(|s| s.detail.contains("salt length 32")),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains("every check passed") && !text.contains(AES),
        "{text}"
    );
}

#[test]
fn each_broken_request_fails_first_where_it_is_broken() {
    let p = platform(false);
    let fresh = || MemoryReplayGuard::new(8);

    // Header name typo.
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW, "n-1");
    let typo: Headers = h
        .pairs()
        .iter()
        .map(|(k, v)| {
            (
                if k == "X-Signature" {
                    "X-Signatur".to_owned()
                } else {
                    k.to_owned()
                },
                v.to_owned(),
            )
        })
        .collect();
    let (check, code, detail) = agree(&p, &typo, &b, &mut fresh(), &mut fresh());
    assert!(
        check.starts_with("headers")
            && code == "malformed_envelope"
            && detail.contains("X-Signature"),
        "{check} {code} {detail}"
    );

    // Stale timestamp.
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW - 3_600, "n-2");
    let (check, code, _) = agree(&p, &h, &b, &mut fresh(), &mut fresh());
    assert!(
        check.contains("window") && code == "timestamp_out_of_window",
        "{check} {code}"
    );

    // Wrong key (another merchant's private key).
    let (h, b) = request("other_2048.pkcs8.pem", NOW, "n-3");
    let (check, code, detail) = agree(&p, &h, &b, &mut fresh(), &mut fresh());
    assert!(
        check.starts_with("signature")
            && code == "signature_invalid"
            && detail.contains("not made with this key's pair"),
        "{check} {code} {detail}"
    );

    // Body changed after signing.
    let (h, mut b) = request("merchant_2048.pkcs8.pem", NOW, "n-4");
    let i = b.len() - 5;
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    let (check, code, detail) = agree(&p, &h, &b, &mut fresh(), &mut fresh());
    assert!(
        check.starts_with("signature")
            && code == "signature_invalid"
            && detail.contains("made with this key's pair: the signed text changed")
            && !detail.contains("re-serialized"),
        "{check} {code} {detail}"
    );

    // The same body pretty-printed by a framework: the key is told right
    // and the re-serialization named.
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW, "n-4b");
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let pretty = serde_json::to_vec_pretty(&v).unwrap();
    let (_, code, detail) = agree(&p, &h, &pretty, &mut fresh(), &mut fresh());
    assert!(
        code == "signature_invalid"
            && detail.contains("signed text changed")
            && detail.contains("re-serialized (pretty-printed JSON)"),
        "{code} {detail}"
    );

    // Reused nonce: the second time through one store.
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW, "n-5");
    let (mut ge, mut gv) = (fresh(), fresh());
    assert_eq!(agree(&p, &h, &b, &mut ge, &mut gv).1, "ok");
    let (check, code, _) = agree(&p, &h, &b, &mut ge, &mut gv);
    assert!(
        check.contains("Nonce") && code == "replay_detected",
        "{check} {code}"
    );

    // Wrong salt (20 bytes) against a strict salt-32 platform: named as such.
    let strict = platform(true);
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW, "n-6");
    let ts = h.get("X-Timestamp").unwrap().unwrap().to_owned();
    let key =
        rsa::RsaPrivateKey::from_pkcs8_pem(&common::key_text("merchant_2048.pkcs8.pem")).unwrap();
    let input = worldcard::sign_input(&b, &ts, "n-6");
    let digest = <sha2::Sha256 as sha2::Digest>::digest(&input);
    let sig = key
        .sign_with_rng(
            &mut common::rng(),
            rsa::Pss::new_with_salt::<sha2::Sha256>(20),
            &digest,
        )
        .unwrap();
    let salted: Headers = h
        .pairs()
        .iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                if k == "X-Signature" {
                    cardwire::encoding::b64_encode(&sig)
                } else {
                    v.to_owned()
                },
            )
        })
        .collect();
    let (check, code, detail) = agree(&strict, &salted, &b, &mut fresh(), &mut fresh());
    assert!(
        check.starts_with("signature")
            && code == "signature_invalid"
            && detail.contains("salt length 20"),
        "{check} {code} {detail}"
    );
    // The lenient platform (the default) accepts it, and says which salt it saw.
    let e = p.explain_request(
        &Received::new(&salted, &b).with_path(PATH),
        NOW * 1000,
        &mut fresh(),
    );
    assert!(
        e.first_failure().is_none() && e.steps.iter().any(|s| s.detail.contains("salt length 20")),
        "{e}"
    );
}

/// `made_with` (explain's "another key" against "the signed text changed")
/// on signatures made by Python `cryptography` (tests/vectors): true with
/// the signer's public key whatever the message, false with another key.
#[test]
fn made_with_tells_the_key_from_the_signed_text() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).unwrap();
    let mut pss = 0;
    for (name, v) in common::cases("worldcard") {
        if v["kind"] != "pss_verify" || v["expect"] != "ok" {
            continue;
        }
        let key_name = v["public_key"].as_str().unwrap();
        let sig = b64(v["signature"].as_str().unwrap());
        assert!(
            cardwire::crypto::rsa_pss::made_with(&common::public_key(key_name), &sig),
            "{name}"
        );
        let other = if key_name.contains("1024") {
            "merchant_1024.spki.pem"
        } else {
            "other_2048.spki.pem"
        };
        assert!(
            !cardwire::crypto::rsa_pss::made_with(&common::public_key(other), &sig),
            "{name}"
        );
        pss += 1;
    }
    assert!(pss >= 4, "{pss} PSS vectors");
    let (_, v) = common::cases("wasabi")
        .into_iter()
        .find(|(n, _)| n == "response_signed")
        .unwrap();
    let headers = common::headers(&v["headers"]);
    let sig = b64(headers.get("X-WSB-SIGNATURE").unwrap().unwrap());
    let key = common::public_key("platform_1024.spki.pem");
    assert!(cardwire::crypto::rsa_pkcs1::verify(
        &key,
        v["body"].as_str().unwrap().as_bytes(),
        &sig
    )
    .is_ok());
    assert!(cardwire::crypto::rsa_pkcs1::made_with(&key, &sig));
    assert!(!cardwire::crypto::rsa_pkcs1::made_with(
        &common::public_key("merchant_1024.spki.pem"),
        &sig
    ));
    let mut flipped = sig.clone();
    flipped[3] ^= 1;
    assert!(!cardwire::crypto::rsa_pkcs1::made_with(&key, &flipped));
}

/// A stale request's explanation prints the allowed window next to the
/// difference.
#[test]
fn a_stale_request_shows_the_allowed_window() {
    let p = platform(false);
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW - 3_600, "n-w");
    let (_, code, detail) = agree(
        &p,
        &h,
        &b,
        &mut MemoryReplayGuard::new(8),
        &mut MemoryReplayGuard::new(8),
    );
    assert!(
        code == "timestamp_out_of_window"
            && detail.contains("difference 3600 s")
            && detail.contains("allowed ±5 min"),
        "{detail}"
    );
    assert_eq!(
        cardwire::time::Window {
            tolerance_ms: 117_000_000
        }
        .describe(),
        "±32 h 30 min"
    );
}

/// A nonce check through a store says "not seen before"; away from the
/// receiver's store (`OfflineGuard`, what `cardwire explain` uses) it says
/// it cannot be known, never "new"; a replay through the same store is one.
#[test]
fn a_nonce_is_new_only_to_a_store_that_could_know() {
    let p = platform(false);
    let (h, b) = request("merchant_2048.pkcs8.pem", NOW, "n-off");
    let msg = Received::new(&h, &b).with_path(PATH);
    let nonce_detail = |e: &cardwire::explain::Explanation| {
        e.steps
            .iter()
            .find(|s| s.check.starts_with("X-Nonce not used"))
            .unwrap()
            .detail
            .clone()
    };
    let offline = p.explain_request(&msg, NOW * 1000, &mut cardwire::delivery::OfflineGuard);
    assert!(offline.first_failure().is_none(), "{offline}");
    let d = nonce_detail(&offline);
    assert!(
        d.contains("cannot be known offline") && !d.contains("recorded now"),
        "{d}"
    );
    let mut store = MemoryReplayGuard::new(8);
    let first = p.explain_request(&msg, NOW * 1000, &mut store);
    assert!(
        nonce_detail(&first).contains("not seen before (recorded now)"),
        "{first}"
    );
    let again = p.explain_request(&msg, NOW * 1000, &mut store);
    assert_eq!(
        again.first_failure().unwrap().failed,
        Some("replay_detected"),
        "{again}"
    );
}
