#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The two-step forms for keys held outside the process, in Rust: a
//! synchronous `Signer` / `Decryptor` (here the in-process key stands in for
//! the HSM; the SoftHSM runs are in the Python and PKCS#11 suites), the
//! prepared envelope equal to what the one-step call builds, and the
//! refusals. Independent verifiers (Python `cryptography`, SoftHSM) are in
//! bindings-python/tests/test_external.py.

mod common;

use cardwire::crypto::rsa_pkcs1::{self, RsaPadding};
use cardwire::crypto::rsa_pss;
use cardwire::crypto::signer::{SignAlgorithm, Signer};
use cardwire::prelude::*;
use cardwire::{wasabi, worldcard, AesKey, Error, MemoryReplayGuard, RsaPrivateKey};
use serde_json::json;

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn worldcard_merchant(key: RsaPrivateKey) -> worldcard::Merchant {
    worldcard::Merchant::new(worldcard::MerchantKeys {
        app_id: "app_1".into(),
        private_key: key,
        aes_key: AesKey::parse(AES).unwrap(),
        platform_public_key: None,
    })
    .unwrap()
}

/// Stands in for a PKCS#11 session: signs what it is given with its key.
struct Hsm(RsaPrivateKey);

impl Signer for Hsm {
    fn sign(
        &self,
        algorithm: SignAlgorithm,
        input: &[u8],
        digest: &[u8; 32],
    ) -> cardwire::Result<Vec<u8>> {
        assert_eq!(
            digest.as_slice(),
            <sha2::Sha256 as sha2::Digest>::digest(input).as_slice()
        );
        match algorithm {
            SignAlgorithm::RsaPssSha256 => rsa_pss::sign(&self.0, input, &mut common::rng()),
            _ => rsa_pkcs1::sign(&self.0, input, &mut common::rng()),
        }
    }
}

#[test]
fn prepared_worldcard_request_is_the_one_step_request_once_signed() {
    let key = common::private_key("merchant_2048.pkcs8.pem");
    let payload = json!({"card_id": "c-1"});
    let req = Request::new("/api/v1/card/virtual/get_info")
        .payload(&payload)
        .timestamp(1_764_000_000)
        .nonce("n-1");
    let inside = worldcard_merchant(key.clone())
        .build_request(&req, 1_764_000_000_000, &mut common::rng())
        .unwrap();
    let outside = worldcard_merchant(RsaPrivateKey::external(key.public_key()));
    let err = outside
        .build_request(&req, 1_764_000_000_000, &mut common::rng())
        .unwrap_err();
    assert_eq!(err.code(), "invalid_key");
    let prepared = outside
        .prepare_request(&req, 1_764_000_000_000, &mut common::rng())
        .unwrap();
    assert_eq!(prepared.algorithm().name(), "RSASSA_PSS_SHA_256");
    assert_eq!(
        prepared.message().body,
        inside.body,
        "same rng, same sealed body"
    );
    let mut expected = inside.body.clone();
    expected.extend_from_slice(b"1764000000n-1");
    assert_eq!(prepared.sign_input(), expected.as_slice());
    let request = prepared.sign_with(&Hsm(key)).unwrap();
    // The platform accepts it like any request.
    let platform = worldcard::Platform::new(
        vec![worldcard::MerchantRecord {
            app_id: "app_1".into(),
            public_key: common::public_key("merchant_2048.spki.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
        }],
        None,
    )
    .unwrap();
    let headers: cardwire::Headers = request.headers.clone().into();
    let v = platform
        .verify_request(
            &Received::new(&headers, &request.body),
            1_764_000_000 * 1000,
            &mut MemoryReplayGuard::new(10),
        )
        .unwrap();
    assert_eq!(v.json, payload);
}

#[test]
fn wasabi_request_signer_and_field_decryptor() {
    let key = common::private_key("merchant_1024.pkcs8.pem");
    let merchant = wasabi::Merchant::new(wasabi::MerchantKeys {
        api_key: "k".into(),
        private_key: RsaPrivateKey::external(key.public_key()),
        platform_public_key: None,
    })
    .unwrap();
    let prepared = merchant
        .prepare_request(
            &Request::new("/merchant/core/mcb/card/info").validate(false),
            0,
            &mut common::rng(),
        )
        .unwrap();
    assert_eq!(prepared.sign_input(), b"{}");
    assert_eq!(prepared.algorithm(), SignAlgorithm::RsaPkcs1v15Sha256);
    let request = prepared.sign_with(&Hsm(key.clone())).unwrap();
    let sig = request.header("X-WSB-SIGNATURE").unwrap();
    rsa_pkcs1::verify(
        &key.public_key(),
        b"{}",
        &cardwire::encoding::b64_decode(sig).unwrap(),
    )
    .unwrap();

    // A wrong-key signer is refused before anything is sent.
    let other = common::private_key("other_2048.pkcs8.pem");
    let again = merchant
        .prepare_request(
            &Request::new("/merchant/core/mcb/card/info").validate(false),
            0,
            &mut common::rng(),
        )
        .unwrap();
    let err = again.sign_with(&Hsm(other)).unwrap_err();
    assert!(matches!(err, Error::SignerMismatch { .. }), "{err}");

    // A field encrypted to the public key, decrypted block by block outside.
    let plain = "4111111111111111";
    let field = cardwire::encoding::b64_encode(
        &rsa_pkcs1::encrypt(
            &key.public_key(),
            plain.as_bytes(),
            RsaPadding::Pkcs1v15,
            &mut common::rng(),
        )
        .unwrap(),
    );
    assert_eq!(
        merchant
            .decrypt_field(&field, &mut common::rng())
            .unwrap_err()
            .code(),
        "invalid_key"
    );
    let prepared = merchant.prepare_decrypt(&field).unwrap();
    assert_eq!(prepared.algorithm(), "RSAES_PKCS1_V1_5");
    let out = prepared
        .decrypt_with(&|padding: RsaPadding, block: &[u8]| {
            rsa_pkcs1::decrypt(&key, block, padding, &mut common::rng())
        })
        .unwrap();
    assert_eq!(out, plain);
}
