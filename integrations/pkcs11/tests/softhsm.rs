#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! cardwire's two-step forms with the key in a real SoftHSM token (created
//! under the clone by scripts/softhsm-token.sh, removed afterwards), and the
//! OpenSSL command line as the independent verifier and encryptor.

use std::path::{Path, PathBuf};
use std::process::Command;

use cardwire::crypto::signer::Signer;
use cardwire::prelude::*;
use cardwire::{wasabi, worldcard, AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
use cardwire_pkcs11::Pkcs11Key;
use rand_core::SeedableRng;

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";
const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn keys(name: &str) -> PathBuf {
    root().join("tests/vectors/keys").join(name)
}

fn public(name: &str) -> RsaPublicKey {
    RsaPublicKey::parse(&std::fs::read_to_string(keys(name)).unwrap()).unwrap()
}

/// `openssl dgst -sha256 -verify` over `input`, PSS salt 32 or PKCS#1 v1.5.
fn openssl_verifies(
    dir: &Path,
    public_pem: &str,
    input: &[u8],
    signature: &[u8],
    pss: bool,
) -> bool {
    std::fs::write(dir.join("input.bin"), input).unwrap();
    std::fs::write(dir.join("sig.bin"), signature).unwrap();
    let mut cmd = Command::new("openssl");
    cmd.args(["dgst", "-sha256"]);
    if pss {
        cmd.args([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:32",
        ]);
    }
    let out = cmd
        .arg("-verify")
        .arg(keys(public_pem))
        .arg("-signature")
        .arg(dir.join("sig.bin"))
        .arg(dir.join("input.bin"))
        .output()
        .expect("openssl runs");
    out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK")
}

#[test]
fn softhsm_signs_and_decrypts_through_the_two_step_forms() {
    let dir = root().join("target/softhsm-rust");
    let made = Command::new(root().join("scripts/softhsm-token.sh"))
        .arg(&dir)
        .output()
        .expect("softhsm-token.sh runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // The one test in this binary: nothing else reads the environment concurrently.
    std::env::set_var("SOFTHSM2_CONF", dir.join("softhsm2.conf"));
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);

    // WorldCard request, merchant key in the token.
    let hsm = Pkcs11Key::open(MODULE, "cardwire", "1234", "merchant_2048").unwrap();
    let merchant = worldcard::Merchant::new(worldcard::MerchantKeys {
        app_id: "app_1".into(),
        private_key: RsaPrivateKey::external(public("merchant_2048.spki.pem")),
        aes_key: AesKey::parse(AES).unwrap(),
        platform_public_key: Some(public("platform_2048.spki.pem")),
    })
    .unwrap();
    let payload = serde_json::json!({"card_id": "c-1"});
    let prepared = merchant
        .prepare_request(
            &Request::new("/api/v1/card/virtual/get_info")
                .payload(&payload)
                .timestamp(1_764_000_000)
                .nonce("n-1"),
            1_764_000_000_000,
            &mut rng,
        )
        .unwrap();
    let input = prepared.sign_input().to_vec();
    let request = prepared.sign_with(&hsm).unwrap();
    let sig = cardwire::encoding::b64_decode(request.header("X-Signature").unwrap()).unwrap();
    assert!(openssl_verifies(
        &dir,
        "merchant_2048.spki.pem",
        &input,
        &sig,
        true
    ));
    let platform = worldcard::Platform::new(
        vec![worldcard::MerchantRecord {
            app_id: "app_1".into(),
            public_key: public("merchant_2048.spki.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
        }],
        Some(RsaPrivateKey::external(public("platform_2048.spki.pem"))),
    )
    .unwrap();
    let headers: Headers = request.headers.clone().into();
    let got = platform
        .verify_request(
            &Received::new(&headers, &request.body),
            1_764_000_000 * 1000,
            &mut MemoryReplayGuard::new(8),
        )
        .unwrap();
    assert_eq!(got.json, payload);

    // WorldCard webhook, platform key in the token.
    let platform_hsm = Pkcs11Key::open(MODULE, "cardwire", "1234", "platform_2048").unwrap();
    let hook = platform
        .prepare_webhook(
            &Notification::new(
                "card_deposit",
                &serde_json::json!({"card_id": "c-1", "amount": "5.00", "status": 1}),
            )
            .app_id("app_1")
            .id("w-1")
            .timestamp_ms(1_764_000_000_000),
            1_764_000_000_000,
            &mut rng,
        )
        .unwrap()
        .sign_with(&platform_hsm)
        .unwrap();
    let event = merchant
        .verify_webhook(
            &Received::new(&hook.headers.clone().into(), &hook.body),
            1_764_000_000_000,
            &mut MemoryReplayGuard::new(8),
        )
        .unwrap();
    assert!(!event.duplicate);
    let webhook_input = [hook.body.as_slice(), b"1764000000000", b"w-1"].concat();
    let sig = cardwire::encoding::b64_decode(
        hook.headers
            .iter()
            .find(|(k, _)| k == "X-Signature")
            .unwrap()
            .1
            .as_str(),
    )
    .unwrap();
    assert!(openssl_verifies(
        &dir,
        "platform_2048.spki.pem",
        &webhook_input,
        &sig,
        true
    ));

    // Wasabi request (1024-bit key, PKCS#1 v1.5) and a field encrypted by OpenSSL.
    let wasabi_hsm = Pkcs11Key::open(MODULE, "cardwire", "1234", "merchant_1024").unwrap();
    let wasabi = wasabi::Merchant::new(wasabi::MerchantKeys {
        api_key: "k".into(),
        private_key: RsaPrivateKey::external(public("merchant_1024.spki.pem")),
        platform_public_key: None,
    })
    .unwrap();
    let prepared = wasabi
        .prepare_request(
            &Request::new("/merchant/core/mcb/card/info")
                .payload(br#"{"cardNo":"123"}"#.as_slice()),
            0,
            &mut rng,
        )
        .unwrap();
    let input = prepared.sign_input().to_vec();
    let request = prepared.sign_with(&wasabi_hsm).unwrap();
    let sig = cardwire::encoding::b64_decode(request.header("X-WSB-SIGNATURE").unwrap()).unwrap();
    assert!(openssl_verifies(
        &dir,
        "merchant_1024.spki.pem",
        &input,
        &sig,
        false
    ));
    // The same signature is not a PSS one: OpenSSL agrees it fails that way.
    assert!(!openssl_verifies(
        &dir,
        "merchant_1024.spki.pem",
        &input,
        &sig,
        true
    ));

    // Wasabi notification, platform key (1024-bit) in the token.
    let wasabi_platform_hsm = Pkcs11Key::open(MODULE, "cardwire", "1234", "platform_1024").unwrap();
    let wasabi_platform = wasabi::Platform::new(
        "k",
        RsaPrivateKey::external(public("platform_1024.spki.pem")),
        public("merchant_1024.spki.pem"),
    )
    .unwrap();
    let note = wasabi_platform
        .prepare_webhook(
            &Notification::new(
                "card_transaction",
                br#"{"orderNo":"o-1","amount":"1.10"}"#.as_slice(),
            )
            .id("r-1"),
            0,
            &mut rng,
        )
        .unwrap()
        .sign_with(&wasabi_platform_hsm)
        .unwrap();
    let sig = cardwire::encoding::b64_decode(
        note.headers
            .iter()
            .find(|(k, _)| k == "X-WSB-SIGNATURE")
            .unwrap()
            .1
            .as_str(),
    )
    .unwrap();
    assert!(openssl_verifies(
        &dir,
        "platform_1024.spki.pem",
        &note.body,
        &sig,
        false
    ));

    std::fs::write(dir.join("plain.txt"), "4111111111111111").unwrap();
    let enc = Command::new("openssl")
        .args(["pkeyutl", "-encrypt", "-pubin", "-inkey"])
        .arg(keys("merchant_1024.spki.pem"))
        .arg("-in")
        .arg(dir.join("plain.txt"))
        .output()
        .unwrap();
    assert!(enc.status.success());
    let field = cardwire::encoding::b64_encode(&enc.stdout);
    let text = wasabi
        .prepare_decrypt(&field)
        .unwrap()
        .decrypt_with(&wasabi_hsm)
        .unwrap();
    assert_eq!(text, "4111111111111111");

    // A signer holding another key is named before anything is sent.
    let wrong = wasabi
        .prepare_request(
            &Request::new("/merchant/core/mcb/card/info")
                .payload(br#"{"cardNo":"123"}"#.as_slice()),
            0,
            &mut rng,
        )
        .unwrap()
        .sign_with(&hsm)
        .unwrap_err();
    assert_eq!(wrong.code(), "signer_mismatch");
    let _ = hsm
        .sign(
            cardwire::crypto::signer::SignAlgorithm::RsaPkcs1v15Sha256,
            b"x",
            &[0; 32],
        )
        .unwrap();
    drop((hsm, platform_hsm, wasabi_hsm, wasabi_platform_hsm));
    std::fs::remove_dir_all(&dir).unwrap();
}
