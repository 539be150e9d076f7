#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Random bytes and strings into every parser and verifier: always a typed
//! error with a catalog code (or a valid result), never a panic.

mod common;

use cardwire::crypto::aes_gcm::AesGcmKey;
use cardwire::crypto::rsa_pss::{self, PssSaltPolicy};
use cardwire::prelude::*;
use cardwire::time::parse_timestamp;
use cardwire::worldcard::{Merchant, MerchantKeys, MerchantRecord, Platform};
use cardwire::{AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey, CODES};
use proptest::prelude::*;
use std::sync::OnceLock;

fn in_catalog<T>(r: Result<T, cardwire::Error>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => CODES.contains(&e.code()),
    }
}

struct Fixture {
    merchant: Merchant,
    platform: Platform,
    public: RsaPublicKey,
    aes: AesGcmKey,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let aes = AesKey::from_bytes(&[3u8; 32]).unwrap();
        Fixture {
            merchant: Merchant::new(MerchantKeys {
                app_id: "app".into(),
                private_key: common::private_key("merchant_1024.pkcs8.pem"),
                aes_key: aes.clone(),
                platform_public_key: Some(common::public_key("platform_1024.spki.pem")),
            })
            .unwrap(),
            platform: Platform::new(
                vec![MerchantRecord {
                    app_id: "app".into(),
                    public_key: common::public_key("merchant_1024.spki.pem"),
                    aes_key: aes.clone(),
                }],
                None,
            )
            .unwrap(),
            public: common::public_key("platform_1024.spki.pem"),
            aes: AesGcmKey::new(&aes),
        }
    })
}

fn header_strategy() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("X-App-Id".to_owned()),
        Just("X-Signature".to_owned()),
        Just("x-timestamp".to_owned()),
        Just("X-NONCE".to_owned()),
        ".{0,12}",
    ];
    let value = prop_oneof![
        Just("app".to_owned()),
        "[0-9]{0,25}",
        "[A-Za-z0-9+/=]{0,200}",
        ".{0,40}",
    ];
    proptest::collection::vec((name, value), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn key_parsers_never_panic(s in ".{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert!(in_catalog(RsaPrivateKey::parse(&s)));
        prop_assert!(in_catalog(RsaPublicKey::parse(&s)));
        prop_assert!(in_catalog(AesKey::parse(&s)));
        prop_assert!(in_catalog(RsaPrivateKey::from_der(&bytes)));
        prop_assert!(in_catalog(RsaPublicKey::from_der(&bytes)));
        prop_assert!(in_catalog(AesKey::from_bytes(&bytes)));
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{s}\n-----END PRIVATE KEY-----");
        prop_assert!(in_catalog(RsaPrivateKey::parse(&pem)));
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----", cardwire::encoding::b64_encode(&bytes));
        prop_assert!(in_catalog(RsaPublicKey::parse(&pem)));
    }

    #[test]
    fn aes_key_strings_of_the_three_lengths(s in "[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=|.{32}") {
        prop_assert!(in_catalog(AesKey::parse(&s)));
    }

    #[test]
    fn timestamps_and_headers_never_panic(s in ".{0,40}", pairs in header_strategy()) {
        prop_assert!(in_catalog(parse_timestamp(&s)));
        let h: Headers = pairs.into_iter().collect();
        for name in ["X-App-Id", "X-Signature", "X-Timestamp", "X-Nonce"] {
            prop_assert!(in_catalog(h.require(name)));
        }
    }

    #[test]
    fn gcm_and_pss_never_panic(s in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let f = fixture();
        prop_assert!(in_catalog(f.aes.open_b64(&s)));
        let r = f.aes.open_raw(&bytes);
        prop_assert!(r.is_err());
        prop_assert!(in_catalog(r));
        prop_assert!(rsa_pss::verify(&f.public, s.as_bytes(), &bytes, PssSaltPolicy::AutoDetect).is_err());
        // Random signatures of exactly the modulus size exercise the EMSA-PSS decoder.
        let mut sig = bytes.clone();
        sig.resize(f.public.size(), 0x5a);
        prop_assert!(rsa_pss::verify(&f.public, s.as_bytes(), &sig, PssSaltPolicy::AutoDetect).is_err());
    }

    #[test]
    fn envelopes_never_panic(
        pairs in header_strategy(),
        body in proptest::collection::vec(any::<u8>(), 0..400),
        now in any::<u64>(),
    ) {
        let f = fixture();
        let h: Headers = pairs.into_iter().collect();
        let mut g = MemoryReplayGuard::new(16);
        // `now` is any clock value, in the contract's unit (milliseconds).
        let msg = Received::new(&h, &body);
        prop_assert!(in_catalog(f.merchant.verify_webhook(&msg, now, &mut g)));
        prop_assert!(in_catalog(f.platform.verify_request(&msg, now, &mut g)));
        prop_assert!(in_catalog(f.merchant.open_response(&Received::body_only(&body), now)));
        prop_assert!(in_catalog(f.merchant.open_response(&Received::response(500, &Headers::new(), &body), now)));
        prop_assert!(in_catalog(f.merchant.decrypt_field(&String::from_utf8_lossy(&body))));
    }

    #[test]
    fn json_shaped_responses_never_panic(code in any::<i64>(), field in ".{0,60}", data in prop_oneof![Just("null".to_owned()), Just("[]".to_owned()), Just("{}".to_owned()), Just("1".to_owned())]) {
        let f = fixture();
        let body = format!(r#"{{"code":{code},"message":"m","data":{data}}}"#);
        prop_assert!(in_catalog(f.merchant.open_response(&Received::body_only(body.as_bytes()), 0)));
        let body = serde_json::json!({"code": 0, "data": {"card_number": field, "cvv": 1}}).to_string();
        prop_assert!(in_catalog(f.merchant.open_response(&Received::body_only(body.as_bytes()), 0)));
    }
}

mod shared_secret_and_wasabi {
    use super::*;
    use cardwire::{payca, pintopay, wasabi, worldcard_legacy};

    struct Others {
        ptp_m: pintopay::Merchant,
        ptp_p: pintopay::Platform,
        payca: payca::Merchant,
        payca_p: payca::Platform,
        legacy: worldcard_legacy::Merchant,
        legacy_p: worldcard_legacy::Platform,
        wsb: wasabi::Merchant,
        wsb_p: wasabi::Platform,
        gw: wasabi::Gateway,
    }

    fn others() -> &'static Others {
        static O: OnceLock<Others> = OnceLock::new();
        O.get_or_init(|| Others {
            ptp_m: pintopay::Merchant::new("k", "secret-123").unwrap(),
            ptp_p: pintopay::Platform::new("k", "secret-123").unwrap(),
            payca: payca::Merchant::new("c", "s").unwrap(),
            payca_p: payca::Platform::new("c", "s").unwrap(),
            legacy: worldcard_legacy::Merchant::new("a", "0123456789abcdef").unwrap(),
            legacy_p: worldcard_legacy::Platform::new("a", "0123456789abcdef").unwrap(),
            wsb: wasabi::Merchant::new(wasabi::MerchantKeys {
                api_key: "w".into(),
                private_key: common::private_key("merchant_1024.pkcs8.pem"),
                platform_public_key: Some(common::public_key("platform_1024.spki.pem")),
            })
            .unwrap(),
            wsb_p: wasabi::Platform::new(
                "w",
                common::private_key("platform_1024.pkcs8.pem"),
                common::public_key("merchant_1024.spki.pem"),
            )
            .unwrap(),
            gw: wasabi::Gateway::new("g").unwrap(),
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

        #[test]
        fn every_verifier_and_opener_returns_typed_errors(
            pairs in header_strategy(),
            body in proptest::collection::vec(any::<u8>(), 0..400),
            text in ".{0,200}",
            status in 100u16..600,
            now in any::<u64>(),
        ) {
            let o = others();
            let h: Headers = pairs.into_iter().collect();
            let mut g = MemoryReplayGuard::new(8);
            let mut rng = common::rng();
            // One shape for every provider: the same received message, the
            // same clock (`now`, any value, milliseconds), the same guard.
            let msg = Received::new(&h, &body);
            let resp = Received::response(status, &h, &body);
            let path = format!("/op/card/E/info?{}", text);
            let wrapped = format!("{{\"encrypted\":\"{}\"}}", text.replace(['"', '\\'], ""));
            // Webhooks.
            prop_assert!(in_catalog(o.ptp_m.verify_webhook(&msg, now, &mut g)));
            prop_assert!(in_catalog(o.payca.verify_webhook(&msg, now, &mut g)));
            prop_assert!(in_catalog(o.legacy.verify_webhook(&Received::body_only(&body), now, &mut g)));
            prop_assert!(in_catalog(o.wsb.verify_webhook(&msg, now, &mut g)));
            // Responses.
            prop_assert!(in_catalog(o.ptp_m.open_response(&resp, now)));
            prop_assert!(in_catalog(o.ptp_m.open_response(&Received::body_only(wrapped.as_bytes()), now)));
            prop_assert!(in_catalog(o.payca.open_response(&resp, now)));
            prop_assert!(in_catalog(o.legacy.open_response(&resp, now)));
            prop_assert!(in_catalog(o.wsb.open_response(&resp, now)));
            prop_assert!(in_catalog(o.gw.open_response(&resp.with_path("cards/info"), now)));
            // Requests.
            prop_assert!(in_catalog(o.ptp_p.verify_request(&msg.with_path("/api/v1/cards/topup"), now, &mut g)));
            prop_assert!(in_catalog(o.payca_p.verify_request(&Received::new(&h, b""), now, &mut g)));
            prop_assert!(in_catalog(o.legacy_p.verify_request(&Received::body_only(&body).with_path(&path), now, &mut g)));
            prop_assert!(in_catalog(o.wsb_p.verify_request(&msg, now, &mut g)));
            // Fields.
            prop_assert!(in_catalog(o.legacy.decrypt_field(&text)));
            prop_assert!(in_catalog(o.wsb.decrypt_field(&text, &mut rng)));
            prop_assert!(in_catalog(cardwire::exact_json::parse(&body)));
            prop_assert!(in_catalog(cardwire::http::percent_decode(&text)));
        }

        #[test]
        fn signature_headers_of_any_length_are_refused(sig in proptest::collection::vec(any::<u8>(), 1..300), body in ".{0,50}") {
            let o = others();
            let b64 = cardwire::encoding::b64_encode(&sig);
            let h: Headers = [("X-WSB-SIGNATURE", b64.as_str()), ("X-WSB-CATEGORY", "work"), ("X-WSB-API-KEY", "w")].into();
            let mut g = MemoryReplayGuard::new(8);
            let msg = Received::new(&h, body.as_bytes());
            prop_assert_eq!(o.wsb.verify_webhook(&msg, 0, &mut g).unwrap_err().code(), "signature_invalid");
            prop_assert_eq!(o.wsb_p.verify_request(&msg, 0, &mut g).unwrap_err().code(), "signature_invalid");
            let hex = cardwire::encoding::hex_encode(&sig);
            let ph: Headers = [("x-signature", format!("sha256={hex}"))].into();
            let code = o.payca.verify_webhook(&Received::new(&ph, body.as_bytes()), 0, &mut g).unwrap_err().code();
            prop_assert!(code == "signature_invalid" || code == "malformed_envelope");
        }
    }

    #[test]
    fn gateway_json_without_envelope_is_typed() {
        let o = others();
        let none = Headers::new();
        let answer = |status: u16, body: &'static [u8]| {
            Received::response(status, &none, body).with_path("cards/info")
        };
        assert_eq!(
            o.gw.open_response(&answer(200, br#"{"data":1}"#), 0)
                .unwrap_err()
                .code(),
            "malformed_envelope"
        );
        assert_eq!(
            o.gw.open_response(&answer(200, b""), 0).unwrap_err().code(),
            "malformed_envelope"
        );
        assert_eq!(
            o.gw.open_response(&answer(404, br#"{"message":"Not Found"}"#), 0)
                .unwrap_err()
                .code(),
            "api_error"
        );
    }
}

mod validation_properties {
    use super::*;
    use cardwire::registry::Provider;
    use cardwire::validate::{self, Context};
    use serde_json::Value;

    /// Every top-level field name the tables mention, so random payloads hit real rules.
    fn field_names() -> Vec<String> {
        let mut names: Vec<String> = Provider::ALL
            .iter()
            .flat_map(|p| p.tables().iter())
            .flat_map(|t| t.rules.iter())
            .map(|r| {
                r.field
                    .split(['.', '['])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,30}".prop_map(Value::String),
            "[0-9]{1,8}(\\.[0-9]{1,4})?".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-zA-Z_]{1,12}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        #[test]
        fn any_json_against_every_table_is_ok_or_validation_failed(
            fields in proptest::collection::vec((proptest::sample::select(field_names()), json_value()), 0..12),
            today in "[0-9]{4}-[0-9]{2}-[0-9]{2}|.{0,12}",
        ) {
            let v = Value::Object(fields.into_iter().collect());
            let card_type = serde_json::json!({"rechargeMinQuota": v.clone(), "metadata": v.clone(), "enableDeposit": true});
            let ctx = Context { today: Some(&today), card_type: Some(&card_type) };
            for provider in Provider::ALL {
                for table in provider.tables() {
                    match validate::check_table(table, &v, &ctx) {
                        Ok(_) => {}
                        Err(e) => prop_assert_eq!(e.code(), "validation_failed"),
                    }
                }
            }
        }
    }
}

/// The number rewrite as first written, one byte at a time: the reference
/// the chunked rewrite in `exact_json` must agree with byte for byte.
fn rewrite_reference(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            if b == b'\\' {
                if i + 1 < bytes.len() {
                    out.push(bytes[i + 1]);
                    i += 1;
                }
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E'))
            {
                i += 1;
            }
            let token = std::str::from_utf8(&bytes[start..i]).unwrap();
            let integer_fits = !token.starts_with("-0")
                && token.bytes().all(|c| c.is_ascii_digit() || c == b'-')
                && (token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok());
            // A JSON number (RFC 8259 grammar), checked here by serde_json's
            // syntax-only reader: `RawValue` validates without converting, so
            // a number too large for f64 (`1E310`) is still a number, kept as
            // its exact text like any other.
            let is_number = serde_json::from_str::<Box<serde_json::value::RawValue>>(token).is_ok()
                && !token.starts_with('+')
                && !token.ends_with('.');
            if integer_fits || !is_number {
                out.extend_from_slice(token.as_bytes());
            } else {
                out.push(b'"');
                out.extend_from_slice(token.as_bytes());
                out.push(b'"');
            }
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

/// A number beyond f64 (a reading through binary floating point would fail
/// or give infinity) comes back as its exact text, like every other decimal;
/// Python's `json.loads(..., parse_float=Decimal)` keeps it exactly too.
#[test]
fn numbers_beyond_f64_keep_their_exact_text() {
    let v = cardwire::exact_json::parse(br#"{"a":1E310,"b":-2.5e-400,"c":"1E310","d":[1e999]}"#)
        .unwrap();
    assert_eq!(v["a"].as_str(), Some("1E310"));
    assert_eq!(v["b"].as_str(), Some("-2.5e-400"));
    assert_eq!(v["c"].as_str(), Some("1E310"));
    assert_eq!(v["d"][0].as_str(), Some("1e999"));
    // Plain serde_json cannot read the same body at all.
    assert!(serde_json::from_str::<serde_json::Value>(r#"{"a":1E310}"#).is_err());
}

proptest! {
    #[test]
    fn number_rewrite_matches_the_byte_at_a_time_reference(text in r#"[-0-9.eE+"\\{}\[\]:, a-z]{0,80}"#) {
        prop_assert_eq!(
            cardwire::exact_json::numbers_to_strings(text.as_bytes()),
            rewrite_reference(text.as_bytes())
        );
    }

    #[test]
    fn decimals_come_back_as_their_exact_text(
        whole in "-?(0|[1-9][0-9]{0,25})",
        frac in "[0-9]{1,12}",
        exp in proptest::option::of("[eE][+-]?[0-9]{1,3}"),
        pad in "[a-z\"\\\\ ]{0,40}",
    ) {
        let number = format!("{whole}.{frac}{}", exp.unwrap_or_default());
        let note = serde_json::to_string(&pad).unwrap();
        let body = format!(r#"{{"note":{note},"amount":{number},"n":[1,{number}]}}"#);
        let v = cardwire::exact_json::parse(body.as_bytes()).unwrap();
        prop_assert_eq!(v["amount"].as_str(), Some(number.as_str()));
        prop_assert_eq!(v["n"][1].as_str(), Some(number.as_str()));
        prop_assert_eq!(v["n"][0].as_i64(), Some(1));
        prop_assert_eq!(v["note"].as_str(), Some(pad.as_str()));
    }
}
