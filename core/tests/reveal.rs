#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg(feature = "reveal")]
//! The card reveal against RFC 9180's published vector for its suite
//! (tests/vectors/hpke), and its refusals.

use cardwire::encoding::{b64_decode, b64_encode, hex_decode};
use cardwire::reveal::{self, RevealKey};
use rand_core::{CryptoRng, RngCore};
use serde_json::{json, Map, Value};

/// An RNG that hands out fixed bytes (the vector's ikm), then zeros.
struct Fixed(Vec<u8>);
impl RngCore for Fixed {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for d in dest.iter_mut() {
            *d = if self.0.is_empty() {
                0
            } else {
                self.0.remove(0)
            };
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for Fixed {}

fn vector() -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/hpke/rfc9180_x25519_sha256_aes256gcm.json");
    serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap()["vector"].clone()
}

fn unb64url(s: &str) -> Vec<u8> {
    let t = s.replace('-', "+").replace('_', "/");
    let pad = (4 - t.len() % 4) % 4;
    b64_decode(&format!("{t}{}", "=".repeat(pad))).unwrap()
}

fn hex(v: &Value, k: &str) -> Vec<u8> {
    hex_decode(v[k].as_str().unwrap()).unwrap()
}

#[test]
fn rfc9180_vector_seals_and_opens_exactly() {
    let v = vector();
    assert_eq!(
        (
            v["mode"].as_u64(),
            v["kem_id"].as_u64(),
            v["kdf_id"].as_u64(),
            v["aead_id"].as_u64()
        ),
        (Some(0), Some(32), Some(1), Some(2))
    );
    let e = &v["encryptions"][0];
    let (enc, ct) = reveal::hpke_seal(
        &hex(&v, "pkRm"),
        &hex(&v, "info"),
        &hex(e, "aad"),
        &hex(e, "pt"),
        &mut Fixed(hex(&v, "ikmE")),
    )
    .unwrap();
    assert_eq!(
        enc,
        hex(&v, "enc"),
        "ephemeral key from ikmE (DeriveKeyPair)"
    );
    assert_eq!(ct, hex(e, "ct"), "ciphertext");
    assert_eq!(
        reveal::hpke_open(
            &hex(&v, "skRm"),
            &enc,
            &hex(&v, "info"),
            &hex(e, "aad"),
            &ct
        )
        .unwrap(),
        hex(e, "pt")
    );
    let mut bad = ct.clone();
    bad[0] ^= 1;
    assert_eq!(
        reveal::hpke_open(
            &hex(&v, "skRm"),
            &enc,
            &hex(&v, "info"),
            &hex(e, "aad"),
            &bad
        )
        .unwrap_err()
        .code(),
        "decrypt_failed"
    );
}

#[test]
fn browser_key_generation_is_rfc9180_derive_key_pair() {
    let v = vector();
    let mut ikm = hex(&v, "ikmR");
    ikm.extend_from_slice(&[7u8; 16]);
    let key = RevealKey::generate("card-1", 0, 60_000, &mut Fixed(ikm)).unwrap();
    let req = key.request();
    let pk = unb64url(&req.public_key);
    assert_eq!(pk, hex(&v, "pkRm"));
    assert_eq!(req.request_id, "07".repeat(16));
    assert!(
        !format!("{key:?}").contains(&v["skRm"].as_str().unwrap()[..8]),
        "the secret never prints"
    );
}

fn fields() -> Map<String, Value> {
    json!({"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "29"})
        .as_object()
        .unwrap()
        .clone()
}

#[test]
fn bad_input_is_refused_with_its_code() {
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([3; 32]);
    use rand_core::SeedableRng as _;
    let key = RevealKey::generate("card-1", 1_000, 60_000, &mut rng).unwrap();
    let req = key.request();
    let seal = |pk: &str, card: &str, exp: u64, rng: &mut rand_chacha::ChaCha20Rng| {
        reveal::seal_card_for_browser(&fields(), pk, card, &req.request_id, exp, 2_000, rng)
    };
    // A wrong-length key, another key type, ids and expiry out of range.
    assert_eq!(
        seal(&b64_encode(&[1u8; 31]), "card-1", 30_000, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        seal("not base64!", "card-1", 30_000, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        seal(&req.public_key, "", 30_000, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        seal(&req.public_key, "card-1", 1_000, &mut rng)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        reveal::seal_card_for_browser(
            &Map::new(),
            &req.public_key,
            "card-1",
            "r",
            30_000,
            2_000,
            &mut rng
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );

    let open = |sealed: &str, now: u64| {
        let mut k = RevealKey::generate(
            "card-1",
            1_000,
            60_000,
            &mut rand_chacha::ChaCha20Rng::from_seed([3; 32]),
        )
        .unwrap();
        k.open(sealed, now).map_err(|e| e.code())
    };
    let good = seal(&req.public_key, "card-1", 30_000, &mut rng).unwrap();
    assert_eq!(open(&good, 5_000).unwrap(), fields());
    // Another version byte.
    let mut raw = unb64url(&good);
    assert_eq!(raw[0], 1, "format version 1");
    raw[0] = 2;
    assert_eq!(
        open(&b64_encode(&raw), 5_000).unwrap_err(),
        "malformed_envelope"
    );
    // The expiry is authenticated: moving it forward breaks the tag.
    raw[0] = 1;
    raw[8] ^= 1;
    assert_eq!(
        open(&b64_encode(&raw), 5_000).unwrap_err(),
        "decrypt_failed"
    );
    // Expired, another card, short.
    assert_eq!(open(&good, 30_001).unwrap_err(), "timestamp_out_of_window");
    assert_eq!(
        open(
            &seal(&req.public_key, "card-2", 30_000, &mut rng).unwrap(),
            5_000
        )
        .unwrap_err(),
        "decrypt_failed"
    );
    assert_eq!(open("AQ", 5_000).unwrap_err(), "malformed_envelope");
}

#[test]
fn provider_card_fields_are_picked_and_named_alike() {
    let wc = json!({"card_id": "c-1", "card_number": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029", "balance": "10.00"});
    let f = reveal::card_fields("worldcard", &wc).unwrap();
    assert_eq!(
        Value::Object(f),
        json!({"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029"})
    );
    let wsb = json!({"cardNo": "c1", "cardNumber": "5392000011112222", "cvv": "321", "expireDate": "09/29", "activateUrl": "https://a.example/x"});
    assert_eq!(
        Value::Object(reveal::card_fields("wasabi", &wsb).unwrap()),
        json!({"pan": "5392000011112222", "cvv": "321", "expiry": "09/29", "activation_url": "https://a.example/x"})
    );
    let legacy =
        json!({"cardInfo": {"cardNo": "4000", "cvv": "987", "expYear": "29", "expMonth": "9"}});
    assert_eq!(
        reveal::card_fields("worldcard_legacy", &legacy).unwrap()["pan"],
        "4000"
    );
    assert_eq!(
        reveal::card_fields("worldcard", &json!({"card_id": "c"}))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        reveal::card_fields("stripe", &wc).unwrap_err().code(),
        "invalid_input"
    );
}

/// tests/vectors/reveal/v1.json: sealed by Python `cryptography` following
/// docs/reveal-format.md alone (tests/gen/reveal.py). A browser key made
/// from the vector's randomness has the vector's public key and request id,
/// and opens the sealed card, once.
#[test]
fn the_documented_format_vector_made_by_independent_code_opens() {
    let p =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/reveal/v1.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let mut randomness = hex(&v, "browser_ikm");
    randomness.extend(hex(&v, "request_id_random"));
    let now = v["now_ms"].as_u64().unwrap();
    let ttl = v["expires_at_ms"].as_u64().unwrap() - now;
    let card_id = v["card_id"].as_str().unwrap();
    let mut key = RevealKey::generate(card_id, now, ttl, &mut Fixed(randomness)).unwrap();
    let req = key.request();
    assert_eq!(req.public_key, v["browser_public_key"].as_str().unwrap());
    assert_eq!(req.request_id, v["request_id"].as_str().unwrap());
    let sealed = v["sealed"].as_str().unwrap();
    let opened = key.open(sealed, now).unwrap();
    assert_eq!(Value::Object(opened), v["fields"]);
    assert_eq!(key.open(sealed, now).unwrap_err().code(), "replay_detected");
    // The same bytes to a key for another card fail their tag.
    let mut randomness = hex(&v, "browser_ikm");
    randomness.extend(hex(&v, "request_id_random"));
    let mut other = RevealKey::generate("card-other", now, ttl, &mut Fixed(randomness)).unwrap();
    assert_eq!(
        other.open(sealed, now).unwrap_err().code(),
        "decrypt_failed"
    );
}

/// `answer_reveal`: a provider's opened data in, the sealed card and an audit
/// record out; the page's key opens it; the record has names and times and
/// never a value; the seal never outlives the page's key.
#[test]
fn a_reveal_request_is_answered_with_a_seal_and_an_audit_record() {
    let mut key = RevealKey::generate("card-9", 1_000, 120_000, &mut Fixed(vec![9; 48])).unwrap();
    let req = key.request();
    let request = reveal::RevealRequest::new(
        &req.public_key,
        &req.request_id,
        &req.card_id,
        req.expires_at_ms,
    );
    let opened = json!({"card_number": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "2029", "balance": "10.00"});
    let answer = reveal::answer_reveal(
        &request,
        Some("worldcard"),
        &opened,
        60_000,
        2_000,
        &mut Fixed(vec![5; 64]),
    )
    .unwrap();
    assert_eq!(answer.audit.card_id, "card-9");
    assert_eq!(answer.audit.request_id, req.request_id);
    assert_eq!(answer.audit.provider.as_deref(), Some("worldcard"));
    assert_eq!(
        answer.audit.fields,
        ["cvv", "expiry_month", "expiry_year", "pan"]
    );
    assert_eq!(
        (answer.audit.at_ms, answer.audit.expires_at_ms),
        (2_000, 62_000),
        "ttl from now, inside the key's life"
    );
    let logged = serde_json::to_string(&answer.audit).unwrap();
    for secret in ["4937241000003841", "3841", "123", "2029", "10.00"] {
        assert!(!logged.contains(secret), "{logged}");
    }
    let fields = key.open(&answer.sealed, 2_000).unwrap();
    assert_eq!(
        fields.get("pan").and_then(Value::as_str),
        Some("4937241000003841")
    );
    assert!(
        fields.get("balance").is_none(),
        "only card fields are sealed"
    );
    // The page key's own expiry bounds the seal.
    let short = reveal::RevealRequest::new(&req.public_key, &req.request_id, &req.card_id, 5_000);
    let a = reveal::answer_reveal(
        &short,
        Some("worldcard"),
        &opened,
        60_000,
        2_000,
        &mut Fixed(vec![5; 64]),
    )
    .unwrap();
    assert_eq!(a.audit.expires_at_ms, 5_000);
    let e = reveal::answer_reveal(
        &short,
        None,
        &json!("not an object"),
        60_000,
        2_000,
        &mut Fixed(vec![5; 64]),
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}
