#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Wycheproof (C2SP) vectors through cardwire's `crypto` API, on whichever
//! RSA backend this build has (`cargo test` for pure Rust, `cargo test
//! --features native` for aws-lc-rs). Every applicable vector runs; the ones
//! that cannot apply are counted as skipped, with the reason. The counts are
//! printed and written to target/wycheproof-<backend>.txt.

use std::collections::BTreeMap;

use cardwire::crypto::aes_gcm::AesGcmKey;
use cardwire::crypto::hmac_sha256::HmacKey;
use cardwire::crypto::rsa_pkcs1::{self, RsaPadding};
use cardwire::crypto::rsa_pss::{self, PssSaltPolicy};
use cardwire::{encoding, AesKey, RsaPrivateKey, RsaPublicKey};
use wycheproof::{HashFunction, Mgf, TestResult};

#[derive(Default)]
struct Tally {
    passed: usize,
    skipped: BTreeMap<String, usize>,
}

type Report = BTreeMap<String, Tally>;

fn skip(r: &mut Report, set: &str, why: &str, n: usize) {
    *r.entry(set.to_owned())
        .or_default()
        .skipped
        .entry(why.to_owned())
        .or_default() += n;
}

fn pass(r: &mut Report, set: &str) {
    r.entry(set.to_owned()).or_default().passed += 1;
}

/// Checks a verdict against the vector's expected result. `Acceptable`
/// vectors may go either way.
fn judge(set: &str, tc: usize, comment: &str, expected: TestResult, ok: bool) {
    match expected {
        TestResult::Valid => assert!(ok, "{set} #{tc} ({comment}): valid vector refused"),
        TestResult::Invalid => assert!(!ok, "{set} #{tc} ({comment}): invalid vector accepted"),
        TestResult::Acceptable => {}
    }
}

fn rsa_pss(r: &mut Report) {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    for name in [
        TestName::RsaPss2048Sha256Mgf1SaltLen0,
        TestName::RsaPss2048Sha256Mgf1SaltLen32,
        TestName::RsaPss3072Sha256Mgf1SaltLen32,
        TestName::RsaPss4096Sha256Mgf1SaltLen32,
        TestName::RsaPssmisc,
    ] {
        let set = format!("rsa_pss {name:?}");
        for g in TestSet::load(name).unwrap().test_groups {
            if g.hash != HashFunction::Sha2_256
                || g.mgf != Mgf::Mgf1
                || g.mgf_hash != Some(HashFunction::Sha2_256)
            {
                skip(
                    r,
                    &set,
                    "not SHA-256 with MGF1-SHA-256 (the providers' PSS)",
                    g.tests.len(),
                );
                continue;
            }
            if g.key_size > 4096 {
                skip(
                    r,
                    &set,
                    "key over 4096 bits (the rsa crate's bound)",
                    g.tests.len(),
                );
                continue;
            }
            let key = RsaPublicKey::from_der(&g.der).unwrap();
            for t in &g.tests {
                // Auto-detect (the default): a signature valid under another salt
                // length verifies, by design; everything else must match Wycheproof.
                let auto = rsa_pss::verify(&key, &t.msg, &t.sig, PssSaltPolicy::AutoDetect).is_ok();
                if auto && t.result == TestResult::Invalid {
                    let salt = rsa_pss::recover_salt_len(&key, &t.msg, &t.sig).unwrap();
                    assert_ne!(
                        salt, g.salt_size,
                        "{set} #{}: accepted with the group's own salt",
                        t.tc_id
                    );
                } else {
                    judge(&set, t.tc_id, &t.comment, t.result, auto);
                }
                // Strict (salt exactly 32): Wycheproof's verdict exactly, for the salt-32 groups.
                let strict = rsa_pss::verify(&key, &t.msg, &t.sig, PssSaltPolicy::Strict32).is_ok();
                if g.salt_size == 32 {
                    judge(&set, t.tc_id, &t.comment, t.result, strict);
                } else if strict {
                    // A vector of another group signed with salt 32 (a mismatch case): fine.
                    assert_eq!(
                        rsa_pss::recover_salt_len(&key, &t.msg, &t.sig).unwrap(),
                        32,
                        "{set} #{}",
                        t.tc_id
                    );
                }
                pass(r, &set);
            }
        }
    }
}

fn rsa_pkcs1_sig(r: &mut Report) {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    for name in [
        TestName::Rsa2048Sha256,
        TestName::Rsa3072Sha256,
        TestName::Rsa4096Sha256,
        TestName::Rsa8192Sha256,
    ] {
        let set = format!("rsa_pkcs1_verify {name:?}");
        for g in TestSet::load(name).unwrap().test_groups {
            if g.hash != HashFunction::Sha2_256 {
                skip(r, &set, "not SHA-256", g.tests.len());
                continue;
            }
            let Ok(key) = RsaPublicKey::from_der(&g.der) else {
                skip(
                    r,
                    &set,
                    "key over 4096 bits (the rsa crate's bound)",
                    g.tests.len(),
                );
                continue;
            };
            for t in &g.tests {
                let ok = rsa_pkcs1::verify(&key, &t.msg, &t.sig).is_ok();
                judge(&set, t.tc_id, &t.comment, t.result, ok);
                pass(r, &set);
            }
        }
    }
}

fn rsa_decrypt(r: &mut Report) {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    {
        use wycheproof::rsa_pkcs1_decrypt::{TestName, TestSet};
        for name in [TestName::Rsa2048, TestName::Rsa3072, TestName::Rsa4096] {
            let set = format!("rsa_pkcs1_decrypt {name:?}");
            for g in TestSet::load(name).unwrap().test_groups {
                let key = RsaPrivateKey::from_der(&g.pkcs8).unwrap();
                for t in &g.tests {
                    let out = rsa_pkcs1::decrypt(&key, &t.ct, RsaPadding::Pkcs1v15, &mut rng);
                    if let Ok(pt) = &out {
                        assert_eq!(&pt[..], &t.pt[..], "{set} #{}", t.tc_id);
                    }
                    judge(&set, t.tc_id, &t.comment, t.result, out.is_ok());
                    pass(r, &set);
                }
            }
        }
    }
    use wycheproof::rsa_oaep::{TestName, TestSet};
    for (name, padding, hash) in [
        (
            TestName::Rsa2048Sha1Mgf1Sha1,
            RsaPadding::OaepSha1,
            HashFunction::Sha1,
        ),
        (
            TestName::Rsa2048Sha256Mgf1Sha256,
            RsaPadding::OaepSha256,
            HashFunction::Sha2_256,
        ),
        (
            TestName::Rsa3072Sha256Mgf1Sha256,
            RsaPadding::OaepSha256,
            HashFunction::Sha2_256,
        ),
        (
            TestName::Rsa4096Sha256Mgf1Sha256,
            RsaPadding::OaepSha256,
            HashFunction::Sha2_256,
        ),
        (
            TestName::RsaMisc,
            RsaPadding::OaepSha256,
            HashFunction::Sha2_256,
        ),
    ] {
        let set = format!("rsa_oaep {name:?}");
        for g in TestSet::load(name).unwrap().test_groups {
            if g.hash != hash || g.mgf_hash != hash {
                skip(
                    r,
                    &set,
                    "another OAEP hash (cardwire offers SHA-1/SHA-1 and SHA-256/SHA-256)",
                    g.tests.len(),
                );
                continue;
            }
            let Ok(key) = RsaPrivateKey::from_der(&g.pkcs8) else {
                skip(r, &set, "key cardwire does not load", g.tests.len());
                continue;
            };
            for t in &g.tests {
                if !t.label.is_empty() {
                    skip(r, &set, "OAEP label (the providers use none)", 1);
                    continue;
                }
                let out = rsa_pkcs1::decrypt(&key, &t.ct, padding, &mut rng);
                if let Ok(pt) = &out {
                    assert_eq!(&pt[..], &t.pt[..], "{set} #{}", t.tc_id);
                }
                judge(&set, t.tc_id, &t.comment, t.result, out.is_ok());
                pass(r, &set);
            }
        }
    }
}

fn aes_gcm(r: &mut Report) {
    use wycheproof::aead::{TestName, TestSet};
    let set = "aes_gcm".to_owned();
    for g in TestSet::load(TestName::AesGcm).unwrap().test_groups {
        if g.key_size != 256 || g.nonce_size != 96 || g.tag_size != 128 {
            skip(
                r,
                &set,
                "not AES-256 with a 96-bit nonce and 128-bit tag (WorldCard's format)",
                g.tests.len(),
            );
            continue;
        }
        for t in &g.tests {
            if !t.aad.is_empty() {
                skip(r, &set, "associated data (WorldCard uses none)", 1);
                continue;
            }
            let key = AesGcmKey::new(&AesKey::from_bytes(&t.key).unwrap());
            let mut sealed = t.nonce.to_vec();
            sealed.extend_from_slice(&t.ct);
            sealed.extend_from_slice(&t.tag);
            let out = key.open_raw(&sealed);
            if let Ok(pt) = &out {
                assert_eq!(&pt[..], &t.pt[..], "aes_gcm #{}", t.tc_id);
                let nonce: [u8; 12] = t.nonce[..].try_into().unwrap();
                assert_eq!(
                    key.seal_raw_with_nonce(&t.pt, &nonce).unwrap(),
                    sealed,
                    "aes_gcm #{} seal",
                    t.tc_id
                );
            }
            judge(&set, t.tc_id, &t.comment, t.result, out.is_ok());
            pass(r, &set);
        }
    }
}

fn hmac(r: &mut Report) {
    use wycheproof::mac::{TestName, TestSet};
    let set = "hmac_sha256".to_owned();
    for g in TestSet::load(TestName::HmacSha256).unwrap().test_groups {
        if g.tag_size != 256 {
            skip(
                r,
                &set,
                "truncated tag (PayCA sends the full 32 bytes)",
                g.tests.len(),
            );
            continue;
        }
        for t in &g.tests {
            let key = HmacKey::new(&t.key).unwrap();
            let ok = key
                .verify_hex(&t.msg, &encoding::hex_encode(&t.tag))
                .is_ok();
            if t.result == TestResult::Valid {
                assert_eq!(
                    key.mac_hex(&t.msg),
                    encoding::hex_encode(&t.tag),
                    "hmac #{}",
                    t.tc_id
                );
            }
            judge(&set, t.tc_id, &t.comment, t.result, ok);
            pass(r, &set);
        }
    }
}

#[test]
fn wycheproof_through_cardwire() {
    let mut r = Report::new();
    rsa_pss(&mut r);
    rsa_pkcs1_sig(&mut r);
    rsa_decrypt(&mut r);
    aes_gcm(&mut r);
    hmac(&mut r);
    let backend = cardwire::crypto::backend();
    let mut text = format!("Wycheproof through cardwire::crypto, RSA backend: {backend}\n");
    for (set, t) in &r {
        let skipped: usize = t.skipped.values().sum();
        text.push_str(&format!("{set}: {} passed, {skipped} skipped\n", t.passed));
        for (why, n) in &t.skipped {
            text.push_str(&format!("    skipped {n}: {why}\n"));
        }
    }
    eprintln!("{text}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../target/wycheproof-{backend}.txt"));
    let _ = std::fs::write(out, &text);
    for set in [
        "rsa_pss RsaPss2048Sha256Mgf1SaltLen32",
        "rsa_pkcs1_decrypt Rsa2048",
        "aes_gcm",
        "hmac_sha256",
    ] {
        assert!(
            r.get(set).is_some_and(|t| t.passed > 10),
            "{set} ran too few vectors"
        );
    }
}

/// The key type picks the path when it is parsed: 2048-bit keys go native
/// when the feature is on, 1024-bit keys always stay pure.
#[test]
fn keys_pick_their_backend() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    let big = RsaPrivateKey::parse(&read("merchant_2048.pkcs8.pem")).unwrap();
    let small = RsaPrivateKey::parse(&read("merchant_1024.pkcs8.pem")).unwrap();
    let expected = cardwire::crypto::backend();
    assert_eq!(big.backend(), expected);
    assert_eq!(big.public_key().backend(), expected);
    assert_eq!(
        small.backend(),
        "pure",
        "1024-bit private keys always take the pure-Rust path"
    );
    let small_pub = RsaPublicKey::parse(&read("platform_1024.spki.pem")).unwrap();
    assert_eq!(
        small_pub.backend(),
        expected,
        "PKCS#1 v1.5 verification at 1024 bits is native too"
    );
}
