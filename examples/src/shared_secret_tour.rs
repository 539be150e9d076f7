//! `make demo`, part two: PinToPay, PayCA and WorldCard legacy, each played on
//! both sides with one rejection. Throwaway secrets, made-up data.

#![allow(clippy::indexing_slicing)] // serde_json::Value indexing returns Null, it does not panic

use std::time::{SystemTime, UNIX_EPOCH};

use cardwire::prelude::*;
use cardwire::{payca, pintopay, worldcard_legacy, MemoryReplayGuard};
use rand::rngs::OsRng;
use serde_json::json;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let now_ms = u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis())?;
    let mut rng = OsRng;

    println!("\n== PinToPay: XSalsa20-Poly1305 envelope, microsecond timestamps ==");
    let merchant = pintopay::Merchant::new("ptp_demo_key", "demo-secret-123")?;
    let platform = pintopay::Platform::new("ptp_demo_key", "demo-secret-123")?;
    let req = merchant.build_request(
        &Request::new("/api/v1/cards/topup")
            .payload(&json!({"card_id": "card_42", "amount": "25.00"}))
            .timestamp(now_ms * 1000)
            .idempotency_key("topup-0001"),
        now_ms,
        &mut rng,
    )?;
    println!(
        "    merchant: POST {} with API-KEY and Idempotency-Key, body {}...",
        req.path,
        String::from_utf8_lossy(req.body.get(..30).unwrap_or(&req.body))
    );
    let mut guard = MemoryReplayGuard::default();
    let opened = platform.verify_request(
        &Received::new(&req.headers(), &req.body).with_path(&req.path),
        now_ms,
        &mut guard,
    )?;
    println!(
        "    platform: opened card_id={} amount={} (request_timestamp {} µs)",
        opened.payload["card_id"], opened.payload["amount"], opened.timestamp_us
    );
    let resp = platform.seal_response(
        &json!({"order_id": "ord_7", "status": "processing"}),
        &mut rng,
    )?;
    println!(
        "    merchant: response opened: {}",
        merchant
            .open_response(
                &Received::response(resp.status, &Headers::new(), &resp.body),
                now_ms
            )?
            .data
    );
    let hook = platform.sign_webhook(
        &Notification::new(
            "order.completed",
            &json!({"order_id": "ord_7", "timestamp": now_ms}),
        ),
        0,
        &mut rng,
    )?;
    let mut seen = MemoryReplayGuard::default();
    let ev = merchant.verify_webhook(
        &Received::new(&hook.headers(), &hook.body),
        now_ms,
        &mut seen,
    )?;
    let again = merchant.verify_webhook(
        &Received::new(&hook.headers(), &hook.body),
        now_ms + 60_000,
        &mut seen,
    )?;
    println!(
        "    merchant: webhook {} (duplicate {}), redelivery duplicate {} -> {}",
        ev.event_type,
        ev.duplicate,
        again.duplicate,
        String::from_utf8_lossy(&pintopay::Merchant::webhook_ack().body)
    );
    let late = platform.verify_request(
        &Received::new(&req.headers(), &req.body).with_path(&req.path),
        now_ms + 31_000,
        &mut MemoryReplayGuard::default(),
    );
    if let Err(e) = late {
        let answer = platform.rejection(&e, &mut rng);
        println!(
            "    rejection: the same request 31 s later -> {} (HTTP {} {})",
            e.code(),
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }

    println!("\n== PayCA: client credentials, HMAC-SHA256 webhooks ==");
    let client = payca::Merchant::new("payca_demo", "payca-demo-secret")?;
    let pp = payca::Platform::new("payca_demo", "payca-demo-secret")?;
    let req = client.build_request(
        &Request {
            path: "/v1/users/{id}/cardholder",
            path_params: &[("id", "usr-001")],
            payload: Some(cardwire::Payload::Json(
                &json!({"accountId": "acc-1", "bin": "537100"}),
            )),
            idempotency_key: Some("ch-usr-001"),
            ..Request::default()
        },
        0,
        &mut rng,
    )?;
    println!(
        "    client: {} {} (credentials accepted by platform: {})",
        req.method,
        req.path,
        pp.verify_request(
            &Received::new(&req.headers(), b""),
            now_ms,
            &mut MemoryReplayGuard::default()
        )
        .is_ok()
    );
    let upload = client.upload_kyc_document(
        "usr-001",
        payca::FileUpload {
            filename: "passport.jpg",
            content_type: "image/jpeg",
            bytes: b"\xff\xd8\xff demo",
        },
        "passport",
        None,
        &mut rng,
    )?;
    println!(
        "    client: multipart {} ({} bytes, {})",
        upload.path,
        upload.body.len(),
        upload.header("Content-Type").unwrap_or_default()
    );
    let hook = pp.sign_webhook(
        &Notification::new(
            "",
            &json!({"cardholderId": "ch-9", "status": "pass_audit", "previousStatus": "under_review"}),
        )
        .id("req-123"),
        0,
        &mut rng,
    )?;
    let mut seen = MemoryReplayGuard::default();
    let ev = client.verify_webhook(
        &Received::new(&hook.headers(), &hook.body),
        now_ms,
        &mut seen,
    )?;
    println!(
        "    client: webhook {:?}; may issue cards: {}; ack HTTP {}",
        ev.event,
        payca::status::can_issue_cards("pass_audit"),
        payca::Merchant::webhook_ack().status
    );
    let mut forged = hook.body.clone();
    forged.extend_from_slice(b" ");
    if let Err(e) =
        client.verify_webhook(&Received::new(&hook.headers(), &forged), now_ms, &mut seen)
    {
        println!(
            "    rejection: one byte appended to the body -> {}",
            e.code()
        );
    }

    println!("\n== WorldCard legacy: MD5 over sorted params, AES-ECB ==");
    let lc = worldcard_legacy::Merchant::new("legacy_demo_app", "sBOvCZZurSbbdJiA")?;
    let lp = worldcard_legacy::Platform::new("legacy_demo_app", "sBOvCZZurSbbdJiA")?;
    let req = lc.build_request(
        &Request::new("/op/card/H/change/pin/secure")
            .payload(&json!({"cardNumber": "4000123412341234", "pin": "14"}))
            .timestamp(now_ms)
            .nonce("demo-nonce-1"),
        now_ms,
        &mut rng,
    )?;
    let body: serde_json::Value = serde_json::from_slice(&req.body)?;
    println!(
        "    client: pin sent AES-ECB encrypted as {} (the seed's published example), sign {}",
        body["pin"], body["sign"]
    );
    println!(
        "    platform: verified fields {:?}",
        lp.verify_request(
            &Received::body_only(&req.body).with_path(&req.path),
            now_ms,
            &mut MemoryReplayGuard::default()
        )?
        .keys()
        .collect::<Vec<_>>()
    );
    let sealed = lp.seal_response(&json!({"cvv": "110", "status": "activated"}))?;
    println!(
        "    client: response cvv decrypted to {}",
        lc.open_response(
            &Received::response(200, &Headers::new(), &sealed.body),
            now_ms
        )?
        .data["cvv"]
    );
    let hook = lp.sign_webhook(
        &Notification::new(
            "",
            &json!({"orderNo": "O-1", "merOrderNo": "M-1", "status": "2", "settleAmount": "25.00"}),
        ),
        0,
        &mut rng,
    )?;
    let mut seen = MemoryReplayGuard::default();
    let ev = lc.verify_webhook(&Received::body_only(&hook.body), now_ms, &mut seen)?;
    let again = lc.verify_webhook(&Received::body_only(&hook.body), now_ms, &mut seen)?;
    println!(
        "    client: top-up webhook, key {} (duplicate {}, redelivery duplicate {})",
        ev.business_key.as_deref().unwrap_or_default(),
        ev.duplicate,
        again.duplicate
    );
    let mut tampered: serde_json::Value = serde_json::from_slice(&hook.body)?;
    tampered["settleAmount"] = json!("2500.00");
    if let Err(e) = lc.verify_webhook(
        &Received::body_only(tampered.to_string().as_bytes()),
        now_ms,
        &mut seen,
    ) {
        println!("    rejection: settleAmount changed -> {}", e.code());
    }
    println!("\nshared-secret tour complete");
    Ok(())
}
