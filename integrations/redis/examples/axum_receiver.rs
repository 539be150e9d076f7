//! axum behind a load balancer: every instance shares one Redis, so a
//! provider's redelivery is processed once whichever instance it lands on.
//!
//! Verify the raw body with `check_webhook` (signature, decryption; no store),
//! then `RedisDeliveries::process`: the delivery is reserved while your work
//! runs and marked done after; a redelivery is `Duplicate` (acknowledge),
//! `Busy` while another instance works on it (503: the provider retries);
//! Redis away is `store_unavailable` (503), never "new".
//!
//! `REDIS_URL=redis://127.0.0.1:6379 cargo run --release -p cardwire-redis
//! --example axum_receiver` prints `listening on http://127.0.0.1:PORT`.
//! Throwaway keys from tests/vectors/keys.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use cardwire::prelude::*;
use cardwire::worldcard::{Event, Merchant, MerchantKeys};
use cardwire::{AesKey, RsaPrivateKey, RsaPublicKey};
use cardwire_redis::{Outcome, RedisDeliveries};

struct App {
    worldcard: Merchant,
    deliveries: RedisDeliveries,
}

async fn worldcard_webhook(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let headers: Headers = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect::<Vec<_>>()
        .into();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let event = match app
        .worldcard
        .check_webhook(&Received::new(&headers, &body), now_ms)
    {
        Ok(e) => e,
        Err(e) => return (StatusCode::UNAUTHORIZED, e.code()).into_response(),
    };
    let work = || async {
        // Your work, once per event.
        if let Event::CardDeposit(d) = &event.event {
            println!("credited {:?} to {:?}", d.amount, d.card_id);
        }
        Ok::<(), String>(())
    };
    match app
        .deliveries
        .process(&event.delivery.key, event.delivery.retention_ms, work)
        .await
    {
        Ok(Ok(Outcome::Processed | Outcome::Duplicate)) => {
            let ack = Merchant::webhook_ack();
            let status = StatusCode::from_u16(ack.status).unwrap_or(StatusCode::OK);
            (status, ack.body).into_response()
        }
        Ok(Ok(Outcome::Busy)) => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        Ok(Err(handler_failed)) => {
            (StatusCode::INTERNAL_SERVER_ERROR, handler_failed).into_response()
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.code()).into_response(), // store_unavailable
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/keys/");
    let read = |name: &str| std::fs::read_to_string(format!("{keys}{name}"));
    let worldcard = Merchant::new(MerchantKeys {
        app_id: "app_demo".into(),
        private_key: RsaPrivateKey::parse(&read("merchant_2048.pkcs8.pem")?)?,
        aes_key: AesKey::parse("7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a")?,
        platform_public_key: Some(RsaPublicKey::parse(&read("platform_2048.spki.pem")?)?),
    })?;
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let deliveries = RedisDeliveries::connect(&url, 60_000).await?;
    let app = Router::new()
        .route("/webhooks/worldcard", post(worldcard_webhook))
        .with_state(Arc::new(App {
            worldcard,
            deliveries,
        }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
