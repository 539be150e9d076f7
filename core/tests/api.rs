#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The binding layer: every class and method of the vocabulary is reachable
//! by name, options are checked against the table, and the result shapes are
//! the table's, the same for every provider.

mod common;

use cardwire::api::vocab::{self, Ret};
use cardwire::api::{self, Host, Input, Instance, Out};

struct Fixed;
impl Host for Fixed {
    fn now_ms(&self) -> u64 {
        1_764_000_000_000
    }
    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        buf.fill(7);
        Ok(())
    }
}

fn s(v: &str) -> Input {
    Input::Str(v.to_owned())
}

fn map(pairs: &[(&str, Input)]) -> Input {
    Input::Map(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn ctor(class: &str) -> Input {
    let k = |n: &str| s(&common::key_text(n));
    match class {
        "WorldCardMerchant" => map(&[
            ("app_id", s("app")),
            ("private_key_pem", k("merchant_2048.pkcs8.pem")),
            ("aes_key", s(AES)),
            ("platform_public_key_pem", k("platform_2048.spki.pem")),
        ]),
        "WorldCardPlatform" => map(&[
            ("app_id", s("app")),
            ("merchant_public_key_pem", k("merchant_2048.spki.pem")),
            ("aes_key", s(AES)),
            ("platform_private_key_pem", k("platform_2048.pkcs8.pem")),
        ]),
        "WorldCardLegacy" | "WorldCardLegacyPlatform" => {
            map(&[("app_key", s("k")), ("app_secret", s("sBOvCZZurSbbdJiA"))])
        }
        "WasabiMerchant" => map(&[
            ("api_key", s("k")),
            ("private_key_pem", k("merchant_1024.pkcs8.pem")),
            ("platform_public_key_pem", k("platform_1024.spki.pem")),
        ]),
        "WasabiPlatform" => map(&[
            ("api_key", s("k")),
            ("platform_private_key_pem", k("platform_1024.pkcs8.pem")),
            ("merchant_public_key_pem", k("merchant_1024.spki.pem")),
        ]),
        "WasabiGateway" => map(&[("api_key", s("k"))]),
        "PinToPayMerchant" | "PinToPayPlatform" => {
            map(&[("api_key", s("k")), ("api_secret", s("secret-123"))])
        }
        "PayCaClient" | "PayCaPlatform" => {
            map(&[("client_id", s("c")), ("client_secret", s("secret"))])
        }
        "CardReveal" => map(&[("card_id", s("card-1"))]),
        other => panic!("{other}"),
    }
}

#[test]
fn every_class_constructs_and_every_method_is_reachable_by_name() {
    for class in vocab::CLASSES {
        if class.name == "CardReveal" && !cfg!(feature = "reveal") {
            // Listed in the vocabulary, compiled in with `reveal` (every binding has it).
            let e = Instance::new(class.name, &ctor(class.name), &Fixed).unwrap_err();
            assert!(e.to_string().contains("reveal"), "{e}");
            continue;
        }
        let inst = Instance::new(class.name, &ctor(class.name), &Fixed)
            .unwrap_or_else(|e| panic!("{}: {e}", class.name));
        for m in class.methods {
            // Called with no arguments: a missing required argument is the
            // answer (invalid_input naming it), never "no such method".
            let r = if m.is_static {
                api::call_static(class.name, m.name, &[], None, &Fixed)
            } else {
                inst.call(m.name, &[], None, &Fixed)
            };
            if let Err(e) = r {
                assert!(
                    !e.to_string().contains("has no method"),
                    "{}.{}: {e}",
                    class.name,
                    m.name
                );
            }
        }
        let e = inst.call("no_such_method", &[], None, &Fixed).unwrap_err();
        assert!(e.to_string().contains("has no method"), "{e}");
    }
    for f in vocab::FUNCTIONS {
        if let Err(e) = api::call_function(f.name, &[], None, &Fixed) {
            assert!(
                !e.to_string().contains("unknown function"),
                "{}: {e}",
                f.name
            );
        }
    }
}

fn keys_of(out: &Out) -> Vec<&'static str> {
    match out {
        Out::Record(_, fields) => fields.iter().map(|(k, _)| *k).collect(),
        other => panic!("not a record: {other:?}"),
    }
}

fn shape(name: &str) -> Vec<&'static str> {
    vocab::SHAPES
        .iter()
        .find(|s| s.name == name)
        .unwrap()
        .keys
        .iter()
        .map(|(k, _, _)| *k)
        .collect()
}

fn field<'a>(out: &'a Out, key: &str) -> &'a Out {
    match out {
        Out::Record(_, fields) => &fields.iter().find(|(k, _)| *k == key).unwrap().1,
        _ => panic!(),
    }
}

fn to_input(o: &Out) -> Input {
    match o {
        Out::Bytes(b) => Input::Bytes(b.clone()),
        Out::Headers(h) => Input::Map(
            h.iter()
                .map(|(k, v)| (k.clone(), Input::Str(v.clone())))
                .collect(),
        ),
        Out::Int(i) => Input::Int(i128::from(*i)),
        Out::Str(t) => Input::Str(t.clone()),
        other => panic!("{other:?}"),
    }
}

/// One shape for every provider: each platform seals, each merchant opens
/// with `open_response(status, headers, body)`; each platform signs a
/// webhook, each merchant verifies it into the same event keys.
#[test]
fn one_shape_for_every_provider() {
    let pairs = [
        (
            "WorldCardPlatform",
            "WorldCardMerchant",
            Some((
                "card_deposit",
                r#"{"card_id":"1","amount":"5.00","status":1}"#,
            )),
        ),
        (
            "WorldCardLegacyPlatform",
            "WorldCardLegacy",
            Some((
                "",
                r#"{"orderNo":"O1","merOrderNo":"M1","status":"2","settleAmount":"20.10"}"#,
            )),
        ),
        (
            "WasabiPlatform",
            "WasabiMerchant",
            Some(("card_transaction", r#"{"orderNo":"T1","amount":20.10}"#)),
        ),
        (
            "PinToPayPlatform",
            "PinToPayMerchant",
            Some(("card.transaction", r#"{"card_id":"c","amount":"1.00"}"#)),
        ),
        (
            "PayCaPlatform",
            "PayCaClient",
            Some(("card_transaction", r#"{"cardId":"c","amount":"12.50"}"#)),
        ),
    ];
    for (platform, merchant, hook) in pairs {
        let p = Instance::new(platform, &ctor(platform), &Fixed).unwrap();
        let m = Instance::new(merchant, &ctor(merchant), &Fixed).unwrap();
        if p.class().method("seal_response").is_some() {
            let sealed = p
                .call(
                    "seal_response",
                    &[s(r#"{"card_id":"1","amount":20.10}"#)],
                    None,
                    &Fixed,
                )
                .unwrap();
            assert_eq!(keys_of(&sealed), shape("response"), "{platform}");
            let opened = m
                .call(
                    "open_response",
                    &[
                        to_input(field(&sealed, "status")),
                        to_input(field(&sealed, "headers")),
                        to_input(field(&sealed, "body")),
                    ],
                    None,
                    &Fixed,
                )
                .unwrap_or_else(|e| panic!("{merchant}: {e}"));
            assert_eq!(keys_of(&opened), shape("opened"), "{merchant}");
            let Out::Json(data) = field(&opened, "data") else {
                panic!()
            };
            assert_eq!(data["amount"], "20.10", "{merchant}: money keeps its text");
        }
        if let Some((event_type, data)) = hook {
            let signed = match platform {
                "WorldCardLegacyPlatform" => p.call("sign_webhook", &[s(data)], None, &Fixed),
                _ => p.call("sign_webhook", &[s(event_type), s(data)], None, &Fixed),
            }
            .unwrap_or_else(|e| panic!("{platform}: {e}"));
            assert_eq!(keys_of(&signed), shape("webhook"), "{platform}");
            let args = [
                to_input(field(&signed, "headers")),
                to_input(field(&signed, "body")),
            ];
            let ev = m
                .call("verify_webhook", &args, None, &Fixed)
                .unwrap_or_else(|e| panic!("{merchant}: {e}"));
            assert_eq!(keys_of(&ev), shape("event"), "{merchant}");
            assert_eq!(field(&ev, "duplicate"), &Out::Bool(false));
            let again = m.call("verify_webhook", &args, None, &Fixed).unwrap();
            assert_eq!(field(&again, "duplicate"), &Out::Bool(true), "{merchant}");
            assert_eq!(field(&again, "delivery_key"), field(&ev, "delivery_key"));
        }
    }
}

#[test]
fn options_are_checked_against_the_table() {
    let m = Instance::new("PinToPayMerchant", &ctor("PinToPayMerchant"), &Fixed).unwrap();
    let e = m
        .call(
            "build_request",
            &[s("/api/v1/cards/get")],
            Some(&map(&[("timestamp", Input::Int(1))])),
            &Fixed,
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(
        e.to_string().contains("unknown option timestamp")
            && e.to_string().contains("timestamp_us (timestampUs)"),
        "{e}"
    );
    // camelCase names are the same options.
    let r = m.call(
        "build_request",
        &[s("/api/v1/cards/get"), s(r#"{"card_id":"c"}"#)],
        Some(&map(&[("timestampUs", Input::Int(1_764_000_000_000_001))])),
        &Fixed,
    );
    assert!(r.is_ok(), "{r:?}");
    // Two requests in the same millisecond never share a µs timestamp.
    let p = Instance::new("PinToPayPlatform", &ctor("PinToPayPlatform"), &Fixed).unwrap();
    for _ in 0..3 {
        let req = m
            .call(
                "build_request",
                &[s("/api/v1/cards/get"), s(r#"{"card_id":"c"}"#)],
                None,
                &Fixed,
            )
            .unwrap();
        let opts = map(&[("path", s("/api/v1/cards/get"))]);
        p.call(
            "verify_request",
            &[
                to_input(field(&req, "headers")),
                to_input(field(&req, "body")),
            ],
            Some(&opts),
            &Fixed,
        )
        .unwrap_or_else(|e| panic!("same-millisecond requests collide: {e}"));
    }
    let missing =
        Instance::new("PinToPayMerchant", &map(&[("api_key", s("k"))]), &Fixed).unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("api_secret (apiSecret) is required"),
        "{missing}"
    );
    assert_eq!(
        Ret::Shape("event"),
        vocab::class("WorldCardMerchant")
            .unwrap()
            .method("verify_webhook")
            .unwrap()
            .returns
    );
}

#[test]
fn a_parsed_object_where_the_raw_body_belongs_says_how_to_get_it() {
    let m = Instance::new("PayCaClient", &ctor("PayCaClient"), &Fixed).unwrap();
    let e = m
        .call(
            "verify_webhook",
            &[map(&[]), map(&[("event", s("x"))])],
            None,
            &Fixed,
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(
        e.to_string().contains("express.raw") && e.to_string().contains("request.get_data()"),
        "{e}"
    );
}

/// A host whose random source fails: every call that needs randomness says
/// so with its own code, and nothing is produced.
struct NoRandom;
impl Host for NoRandom {
    fn now_ms(&self) -> u64 {
        1_764_000_000_000
    }
    fn fill_random(&self, _buf: &mut [u8]) -> cardwire::Result<()> {
        Err(cardwire::Error::RandomUnavailable)
    }
}

#[test]
fn a_failing_random_source_is_random_unavailable_not_invalid_input() {
    let m = Instance::new("PinToPayMerchant", &ctor("PinToPayMerchant"), &NoRandom).unwrap();
    let e = m
        .call(
            "build_request",
            &[s("/api/v1/cards/get"), map(&[("card_id", s("c-1"))])],
            None,
            &NoRandom,
        )
        .unwrap_err();
    assert_eq!(e.code(), "random_unavailable");
    assert_eq!(api::error_info(&e).code, "random_unavailable");
    assert!(cardwire::CODES.contains(&"random_unavailable"));
    // With a seed, no host randomness is needed.
    let ok = m.call(
        "build_request",
        &[s("/api/v1/cards/get"), map(&[("card_id", s("c-1"))])],
        Some(&map(&[("random", Input::Bytes(vec![1; 32]))])),
        &NoRandom,
    );
    assert!(ok.is_ok(), "{ok:?}");
}

/// A host that parses JSON text itself.
struct TextHost;
impl Host for TextHost {
    fn now_ms(&self) -> u64 {
        Fixed.now_ms()
    }
    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        Fixed.fill_random(buf)
    }
    fn parses_json_text(&self) -> bool {
        true
    }
}

/// An event for a host that parses JSON text: `raw` is the body's text
/// where every parser reads it alike, `data` the part of it it equals; the
/// same values as the default form once parsed. Other hosts, and bodies with
/// numbers a parser could change, get values only.
#[test]
fn a_text_parsing_host_gets_the_body_text_and_the_same_values() {
    let cases = [
        (
            "WasabiPlatform",
            "WasabiMerchant",
            r#"{"orderNo":"T1","amount":"20.10","n":3}"#,
            None,
        ),
        (
            "PayCaPlatform",
            "PayCaClient",
            r#"{"cardId":"c","amount":"12.50","list":[1,2]}"#,
            Some("data"),
        ),
    ];
    for (platform, merchant, data, member) in cases {
        for (body, portable) in [
            (data.to_owned(), true),
            (
                data.replace(r#""20.10""#, "20.10")
                    .replace(r#""12.50""#, "12.50"),
                false,
            ),
        ] {
            let p = Instance::new(platform, &ctor(platform), &Fixed).unwrap();
            let signed = p
                .call(
                    "sign_webhook",
                    &[s("card_transaction"), s(&body)],
                    None,
                    &Fixed,
                )
                .unwrap();
            let args = [
                to_input(field(&signed, "headers")),
                to_input(field(&signed, "body")),
            ];
            let plain = Instance::new(merchant, &ctor(merchant), &Fixed)
                .unwrap()
                .call("check_webhook", &args, None, &Fixed)
                .unwrap();
            let text = Instance::new(merchant, &ctor(merchant), &Fixed)
                .unwrap()
                .call("check_webhook", &args, None, &TextHost)
                .unwrap();
            let (Out::Json(raw), Out::Json(data_value)) =
                (field(&plain, "raw"), field(&plain, "data"))
            else {
                panic!("{merchant}: the default form is values")
            };
            if !portable {
                assert_eq!(
                    text, plain,
                    "{merchant}: a number to protect keeps the value form"
                );
                continue;
            }
            let Out::JsonText(t) = field(&text, "raw") else {
                panic!("{merchant}: {:?}", field(&text, "raw"))
            };
            let Out::Bytes(sent) = field(&signed, "body") else {
                panic!()
            };
            assert_eq!(
                t.as_bytes(),
                sent.as_slice(),
                "{merchant}: the text is the signed body"
            );
            assert_eq!(&serde_json::from_str::<serde_json::Value>(t).unwrap(), raw);
            assert_eq!(field(&text, "data"), &Out::InRaw(member), "{merchant}");
            let part = member.map_or(raw, |m| &raw[m]);
            assert_eq!(part, data_value, "{merchant}");
            for k in [
                "type",
                "duplicate",
                "delivery_key",
                "delivery_id",
                "business_key",
            ] {
                assert_eq!(field(&text, k), field(&plain, k), "{merchant}: {k}");
            }
        }
    }
}
