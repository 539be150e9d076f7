//! `make demo`: a tour of the WorldCard `Card/*` envelope, playing both sides.
//!
//! The keys are the throwaway test keys under tests/vectors/keys/; the card
//! data is made up. Clock and randomness come from the host here, in the
//! example: the cardwire core itself reads neither.

#![allow(clippy::indexing_slicing)] // serde_json::Value indexing returns Null, it does not panic

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use cardwire::prelude::*;
use cardwire::worldcard::{Event, Merchant, MerchantKeys, MerchantRecord, Platform};
use cardwire::{AesKey, MemoryReplayGuard, OutgoingRequest, RsaPrivateKey, RsaPublicKey};
use rand::rngs::OsRng;
use rand::RngCore;
use serde_json::json;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const APP_ID: &str = "app_demo_merchant";
const AES_KEY: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn key(name: &str) -> Res<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys");
    Ok(std::fs::read_to_string(dir.join(name))?)
}

fn nonce() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    cardwire::encoding::hex_encode(&b)
}

fn mask(pan: &str) -> String {
    let last4: String = pan
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("**** **** **** {last4}")
}

fn step(n: u32, title: &str) {
    println!("\n[{n}] {title}");
}

fn main() -> Res<()> {
    let now_s = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let now_ms = now_s * 1000;
    let mut rng = OsRng;

    println!("cardwire tour: WorldCard Card API, merchant and platform side by side");
    println!("(throwaway demo keys from tests/vectors/keys; made-up card data)");

    // Keys are parsed once into reusable objects.
    let merchant = Merchant::new(MerchantKeys {
        app_id: APP_ID.into(),
        private_key: RsaPrivateKey::parse(&key("merchant_2048.pkcs8.pem")?)?,
        aes_key: AesKey::parse(AES_KEY)?,
        platform_public_key: Some(RsaPublicKey::parse(&key("platform_2048.spki.pem")?)?),
    })?;
    let platform = Platform::new(
        vec![MerchantRecord {
            app_id: APP_ID.into(),
            public_key: RsaPublicKey::parse(&key("merchant_2048.spki.b64")?)?,
            aes_key: AesKey::parse(AES_KEY)?,
        }],
        Some(RsaPrivateKey::parse(&key("platform_2048.pkcs1.pem")?)?),
    )?;
    println!("merchant: {merchant:?}");

    step(
        1,
        "Merchant builds a card application request; the platform verifies it",
    );
    let apply = json!({
        "merchant_card_id": "mc_demo_001", "card_type": "VIRTUAL-V", "card_bin_id": "bin_001",
        "first_recharge_amount": "100.00", "first_name": "Ada", "last_name": "Lovelace", "state": "NY",
        "country_code": "US", "city": "New York", "address": "1 Demo St", "postal_code": "10001"
    });
    let request_nonce = nonce();
    let req = merchant.build_request(
        &Request::new("/api/v1/card/virtual/apply")
            .payload(&apply)
            .timestamp(now_s)
            .nonce(&request_nonce),
        now_s * 1000,
        &mut rng,
    )?;
    print_request(&req);
    let mut platform_guard = MemoryReplayGuard::default();
    let verified = platform.verify_request(
        &Received::new(&req.headers(), &req.body),
        now_s * 1000,
        &mut platform_guard,
    )?;
    println!(
        "    platform: verified app {} and decrypted {} bytes: merchant_card_id={}",
        verified.app_id,
        verified.payload.len(),
        verified.json["merchant_card_id"]
    );

    step(
        2,
        "Platform seals a card-detail response; the merchant opens it",
    );
    let info = json!({
        "card_id": "1234567890123456", "merchant_card_id": "mc_demo_001", "card_type": "VIRTUAL-V",
        "status": 2, "card_number": "4937241000003841", "cvv": "123", "expiry_month": "09",
        "expiry_year": "2029", "available_balance": "90.00", "currency": "USD"
    });
    let sealed = platform.seal_response(APP_ID, Some(Payload::Json(&info)), &mut rng)?;
    let wire: serde_json::Value = serde_json::from_slice(&sealed.body)?;
    let wire_pan = wire["data"]["card_number"].as_str().unwrap_or_default();
    println!(
        "    on the wire: card_number = {}... ({} chars of AES-GCM)",
        wire_pan.get(..16).unwrap_or(wire_pan),
        wire_pan.len()
    );
    let opened = merchant.open_response(
        &Received::response(sealed.status, &Headers::new(), &sealed.body),
        now_ms,
    )?;
    let data = opened.data;
    let pan = data["card_number"].as_str().unwrap_or_default();
    let cvv = data["cvv"].as_str().unwrap_or_default();
    println!(
        "    merchant: PAN {} recovered ({} digits, matches: {})",
        mask(pan),
        pan.len(),
        pan == info["card_number"]
    );
    println!(
        "    merchant: CVV recovered ({} digits, matches: {}), expiry {}/{}",
        cvv.len(),
        cvv == info["cvv"],
        data["expiry_month"].as_str().unwrap_or_default(),
        data["expiry_year"].as_str().unwrap_or_default()
    );

    step(
        3,
        "Platform signs a card_open webhook; the merchant verifies it",
    );
    let hook = platform.sign_webhook(
        &Notification::new(
            "card_open",
            &json!({"card_id": "1234567890123456", "merchant_card_id": "mc_demo_001", "card_number": "4937241000003841",
                    "status": 2, "amount": "100.00", "currency": "USD"}),
        )
        .app_id(APP_ID)
        .id(&nonce())
        .timestamp_ms(now_ms),
        now_ms,
        &mut rng,
    )?;
    let mut merchant_guard = MemoryReplayGuard::default();
    let event = merchant.verify_webhook(
        &Received::new(&hook.headers(), &hook.body),
        now_ms,
        &mut merchant_guard,
    )?;
    if let Event::CardOpen(open) = &event.event {
        println!(
            "    merchant: card_open for {} status={} amount={} {} (duplicate: {})",
            open.merchant_card_id.as_deref().unwrap_or("?"),
            open.status.unwrap_or_default(),
            open.amount.as_deref().unwrap_or("?"),
            open.currency.as_deref().unwrap_or("?"),
            event.duplicate
        );
    }
    let ack = Merchant::webhook_ack();
    println!(
        "    merchant answers HTTP {} {:?}",
        ack.status,
        String::from_utf8_lossy(&ack.body)
    );

    step(4, "The same webhook is delivered again an hour later");
    let again = merchant.verify_webhook(
        &Received::new(&hook.headers(), &hook.body),
        now_ms + 3_600_000,
        &mut merchant_guard,
    )?;
    println!("    merchant: verified, duplicate = {} -> skip the work, still answer HTTP {} ok (acknowledged: {})",
        again.duplicate, ack.status, Platform::is_acknowledged(ack.status, &ack.body));

    step(5, "Three requests the platform refuses");
    let mut tampered = req.body.clone();
    if let Some(b) = tampered.get_mut(20) {
        *b ^= 0x01;
    }
    reject(
        &platform,
        "tampered body",
        &req,
        &tampered,
        now_s,
        &mut MemoryReplayGuard::default(),
    );
    reject(
        &platform,
        "stale timestamp (6 minutes old)",
        &req,
        &req.body,
        now_s + 360,
        &mut MemoryReplayGuard::default(),
    );
    reject(
        &platform,
        "replayed nonce",
        &req,
        &req.body,
        now_s + 5,
        &mut platform_guard,
    );

    println!("\ntour complete");
    Ok(())
}

fn print_request(req: &OutgoingRequest) {
    println!("    {} {}", req.method, req.path);
    for (n, v) in &req.headers {
        let shown = if v.len() > 48 {
            format!("{}...", v.get(..48).unwrap_or(v))
        } else {
            v.clone()
        };
        println!("    {n}: {shown}");
    }
    println!(
        "    body: {} bytes {}...",
        req.body.len(),
        String::from_utf8_lossy(req.body.get(..40).unwrap_or(&req.body))
    );
}

fn reject(
    platform: &Platform,
    what: &str,
    req: &OutgoingRequest,
    body: &[u8],
    now_s: u64,
    guard: &mut MemoryReplayGuard,
) {
    match platform.verify_request(&Received::new(&req.headers(), body), now_s * 1000, guard) {
        Ok(_) => println!("    {what}: ACCEPTED (unexpected)"),
        Err(e) => {
            let answer = Platform::rejection(&e);
            println!(
                "    {what}: refused, code {} -> HTTP {} {}",
                e.code(),
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
    }
}
