//! `make demo`, part three: Wasabi Card, Open API and gateway. Throwaway
//! 1024-bit test keys (Wasabi's real platform key is 1024-bit too).

#![allow(clippy::indexing_slicing)] // serde_json::Value indexing returns Null, it does not panic

use std::path::PathBuf;

use cardwire::prelude::*;
use cardwire::wasabi::gateway::RetryPolicy;
use cardwire::wasabi::{self, Gateway, Merchant, MerchantKeys, Platform, RsaPadding};
use cardwire::{MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
use rand::rngs::OsRng;
use serde_json::json;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn key(name: &str) -> Res<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys");
    Ok(std::fs::read_to_string(dir.join(name))?)
}

fn main() -> Res<()> {
    let mut rng = OsRng;
    println!(
        "\n== Wasabi Card Open API: SHA256withRSA over the raw body, RSA-encrypted card fields =="
    );
    let merchant = Merchant::new(MerchantKeys {
        api_key: "wsb_demo_key".into(),
        private_key: RsaPrivateKey::parse(&key("merchant_1024.pkcs8.b64")?)?,
        platform_public_key: Some(RsaPublicKey::parse(&key("platform_1024.spki.b64")?)?),
    })?;
    let platform = Platform::new(
        "wsb_demo_key",
        RsaPrivateKey::parse(&key("platform_1024.pkcs8.pem")?)?,
        RsaPublicKey::parse(&key("merchant_1024.spki.pem")?)?,
    )?;
    let create = json!({"merchantOrderNo": "ORDER-20261125-000001", "cardTypeId": 111001, "amount": "20.00"});
    let req = merchant.build_request(
        &Request::new("/merchant/core/mcb/card/v2/createCard").payload(Payload::Json(&create)),
        0,
        &mut rng,
    )?;
    println!(
        "    merchant: POST {} X-WSB-SIGNATURE {}...",
        req.path,
        req.header("X-WSB-SIGNATURE")
            .unwrap_or_default()
            .get(..24)
            .unwrap_or_default()
    );
    let body = platform.verify_request(
        &Received::new(&req.headers(), &req.body),
        0,
        &mut MemoryReplayGuard::default(),
    )?;
    println!(
        "    platform: signature verified with the merchant's 1024-bit key; merchantOrderNo {}",
        body["merchantOrderNo"]
    );

    let sensitive = json!({
        "cardNumber": platform.encrypt_field("4937241000003841", RsaPadding::Pkcs1v15, &mut rng)?,
        "cvv": platform.encrypt_field("321", RsaPadding::Pkcs1v15, &mut rng)?,
        "expireDate": platform.encrypt_field("12/29", RsaPadding::Pkcs1v15, &mut rng)?,
    });
    let resp = platform.seal_response(&sensitive, &mut rng)?;
    let opened = merchant.open_response(
        &Received::response(resp.status, &resp.headers.clone().into(), &resp.body),
        0,
    )?;
    let plain = merchant.open_sensitive(&opened.data, &mut rng)?;
    let pan = plain["cardNumber"].as_str().unwrap_or_default();
    println!(
        "    merchant: signed response verified ({}), PAN **** {} / CVV {} digits / expiry {}",
        opened.authenticated,
        pan.get(pan.len().saturating_sub(4)..).unwrap_or_default(),
        plain["cvv"].as_str().unwrap_or_default().len(),
        plain["expireDate"]
    );

    let note = platform.sign_webhook(
        &Notification::new(
            "card_transaction",
            &json!({"orderNo": "T-100", "type": "deposit", "status": "success", "amount": 20.00}),
        )
        .id("req-abc"),
        0,
        &mut rng,
    )?;
    let mut seen = MemoryReplayGuard::default();
    let ev = merchant.verify_webhook(&Received::new(&note.headers(), &note.body), 0, &mut seen)?;
    let again = merchant.verify_webhook(
        &Received::new(&note.headers(), &note.body),
        60_000,
        &mut seen,
    )?;
    println!("    merchant: notification {} key {} amount {} (duplicate {}), redelivery duplicate {} -> ack {}", ev.event.category.as_str(), ev.business_key.as_deref().unwrap_or_default(),
        ev.event.data["amount"], ev.duplicate, again.duplicate, String::from_utf8_lossy(&Merchant::webhook_ack().body));
    let mut forged = note.body.clone();
    forged.push(b' ');
    if let Err(e) = merchant.verify_webhook(&Received::new(&note.headers(), &forged), 0, &mut seen)
    {
        println!("    rejection: notification body changed -> {}", e.code());
    }

    println!("\n== Wasabi gateway: X-API-KEY, 422 field errors, 429 back-off ==");
    let gw = Gateway::new("wc_demo_key")?;
    let list = gw.build_request(
        &Request {
            method: None,
            payload: Some(Payload::Json(
                &json!({"pageNum": 1, "pageSize": 10, "type": "WALLET"}),
            )),
            ..Request::new("accounts/")
        },
        0,
        &mut rng,
    )?;
    println!("    gateway: {} {}", list.method, list.path);
    let e422 = gw.open_response(&Received::response(422, &Headers::new(), br#"{"success": false, "code": 422, "msg": "Validation failed.", "data": {"email": ["The email field must be a valid email address."]}}"#).with_path("cards/info"), 0);
    if let Err(cardwire::Error::Api(api)) = e422 {
        println!(
            "    422 -> api_error with field errors {:?}",
            api.field_errors.unwrap_or_default()
        );
    }
    let policy = RetryPolicy::default();
    let e429 = gw.open_response(
        &Received::response(
            429,
            &[("Retry-After", "3")].into(),
            br#"{"message": "Too Many Attempts."}"#,
        )
        .with_path("cards/info"),
        0,
    );
    if let Err(e) = e429 {
        let d = policy.decide("cards/info", &e, 1);
        println!(
            "    429 -> retry {} after {} ms: {}",
            d.retry, d.delay_ms, d.reason
        );
    }
    let e502 = gw.open_response(
        &Received::response(
            502,
            &Headers::new(),
            br#"{"success":false,"code":502,"msg":"Upstream Wasabi API error","data":null}"#,
        )
        .with_path("cards/deposit"),
        0,
    );
    if let Err(e) = e502 {
        let d = policy.decide("cards/deposit", &e, 1);
        println!(
            "    502 on cards/deposit -> retry {}: {}",
            d.retry, d.reason
        );
    }
    println!(
        "    cardholder wait_audit: keep polling {}; pass_audit: keep polling {}",
        wasabi::status::cardholder_keep_polling("wait_audit"),
        wasabi::status::cardholder_keep_polling("pass_audit")
    );
    println!("\nwasabi tour complete");
    Ok(())
}
