//! axum on PostgreSQL: the delivery key is recorded in the same transaction
//! as the business write, so both commit or neither does: exactly once in
//! the business sense, whichever instance a redelivery lands on.
//!
//! Verify the raw body with `check_webhook` (signature, decryption; no
//! store), then `PostgresDeliveries::process`: your write and the key in one
//! transaction; a redelivery is `Duplicate` (acknowledge); PostgreSQL away
//! is `store_unavailable` (503), and nothing is lost.
//!
//! `DATABASE_URL=postgresql://... cargo run --release -p cardwire-postgres
//! --example axum_receiver_postgres` prints `listening on http://127.0.0.1:PORT`.
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
use cardwire_postgres::{Outcome, PostgresDeliveries};

struct App {
    worldcard: Merchant,
    database_url: String,
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
    // A pool (deadpool-postgres, bb8) in production; one connection per
    // request keeps the recipe short.
    let mut client = match tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls).await {
        Ok((client, conn)) => {
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
        }
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable").into_response(),
    };
    let (card, amount) = match &event.event {
        Event::CardDeposit(d) => (d.card_id.clone(), d.amount.clone()),
        _ => (None, None),
    };
    let work = async |tx: &tokio_postgres::Transaction<'_>| {
        // Your write, in the same transaction as the delivery key.
        tx.execute(
            "INSERT INTO credits (card_id, amount) VALUES ($1, $2::text::numeric)",
            &[&card, &amount],
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    match PostgresDeliveries::process(
        &mut client,
        &event.delivery,
        event.business_key.as_deref(),
        work,
    )
    .await
    {
        Ok(Ok(outcome @ (Outcome::Processed | Outcome::Duplicate))) => {
            if outcome == Outcome::Processed {
                println!("credited {amount:?} to {card:?}");
            }
            let ack = Merchant::webhook_ack();
            let status = StatusCode::from_u16(ack.status).unwrap_or(StatusCode::OK);
            (status, ack.body).into_response()
        }
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
    let database_url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgresql://127.0.0.1/app".to_owned());
    let app = Router::new()
        .route("/webhooks/worldcard", post(worldcard_webhook))
        .with_state(Arc::new(App {
            worldcard,
            database_url,
        }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
