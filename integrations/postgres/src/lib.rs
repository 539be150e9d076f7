//! Deliveries in PostgreSQL, in the same transaction as the business write
//! they cause (tokio-postgres).
//!
//! [`PostgresDeliveries::claim`] inserts the delivery key (`INSERT … ON
//! CONFLICT`, or over an expired row) in *your* transaction, before your
//! writes: both commit or neither does. A redelivery of a committed event
//! finds the key and is a duplicate; one arriving while the first is still
//! in its transaction waits for it (the key's row lock) and then sees its
//! outcome; a crash before the commit rolls everything back and the
//! provider's redelivery is processed. No reservation to expire, no outbox:
//! exactly once, in the business sense, for work done in that database.
//!
//! The table is [`SCHEMA`] (the migration file
//! `migrations/0001_cardwire_deliveries.sql`); expired keys are deleted by
//! [`PostgresDeliveries::purge`]. PostgreSQL unreachable or gone
//! mid-transaction: `store_unavailable` (answer 5xx): the transaction rolled
//! back, or, if the answer to its COMMIT was lost, committed whole; the
//! provider's retry is then processed or a duplicate, never lost.
//!
//! ```no_run
//! use cardwire_postgres::{Outcome, PostgresDeliveries};
//! # async fn credit(tx: &tokio_postgres::Transaction<'_>, card: &str) -> Result<(), tokio_postgres::Error> {
//! #     tx.execute("INSERT INTO credits VALUES ($1)", &[&card]).await.map(|_| ())
//! # }
//! # async fn run(client: &mut tokio_postgres::Client, event: cardwire::payca::WebhookEvent) -> cardwire::Result<()> {
//! match PostgresDeliveries::process(client, &event.delivery, event.business_key.as_deref(), async |tx| {
//!     credit(tx, "c-1").await // your write, in the same transaction as the key
//! })
//! .await?
//! {
//!     Ok(Outcome::Processed | Outcome::Duplicate) => { /* acknowledge */ }
//!     Err(e) => { /* your handler failed: both rolled back; answer 5xx */ }
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

use cardwire::delivery::Delivery;
use cardwire::{Error, Result};

/// The table and its index (the text of `migrations/0001_cardwire_deliveries.sql`).
pub const SCHEMA: &str = include_str!("../migrations/0001_cardwire_deliveries.sql");

const CLAIM: &str = "INSERT INTO cardwire_deliveries (delivery_key, business_key, expires_at) \
    VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond') \
    ON CONFLICT (delivery_key) DO UPDATE SET business_key = EXCLUDED.business_key, \
    processed_at = now(), expires_at = EXCLUDED.expires_at WHERE cardwire_deliveries.expires_at < now() \
    RETURNING 1";

/// What [`PostgresDeliveries::process`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Your handler ran and committed with the delivery key.
    Processed,
    /// Processed before: acknowledge, skip.
    Duplicate,
}

fn unavailable(e: &tokio_postgres::Error) -> Error {
    let what = e
        .code()
        .map_or_else(|| "connection".to_owned(), |c| c.code().to_owned());
    Error::StoreUnavailable {
        reason: format!(
            "PostgreSQL did not answer ({what}); the transaction rolled back, or, if its commit's answer was lost, committed whole (your work and the key together): answer 5xx so the provider retries; the retry is processed or a duplicate, never lost"
        ),
    }
}

/// Delivery keys in your PostgreSQL transactions.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDeliveries;

impl PostgresDeliveries {
    /// Creates the table and its index if they are missing.
    pub async fn migrate(client: &tokio_postgres::Client) -> Result<()> {
        client
            .batch_execute(SCHEMA)
            .await
            .map_err(|e| unavailable(&e))
    }

    /// Inside your transaction: `true` when the delivery is new (its key is
    /// now part of the transaction), `false` when it was processed before.
    pub async fn claim(
        tx: &tokio_postgres::Transaction<'_>,
        delivery: &Delivery,
        business_key: Option<&str>,
    ) -> Result<bool> {
        let retention = i64::try_from(delivery.retention_ms).unwrap_or(i64::MAX);
        tx.query_opt(CLAIM, &[&delivery.key, &business_key, &retention])
            .await
            .map(|row| row.is_some())
            .map_err(|e| unavailable(&e))
    }

    /// Runs `handler(&tx)` in one transaction with the delivery key:
    /// [`Outcome::Processed`] (both committed) or [`Outcome::Duplicate`]
    /// (nothing written). If the handler fails, both roll back and its error
    /// comes back as `Ok(Err(e))`; a failing connection or commit is
    /// `store_unavailable`.
    pub async fn process<E>(
        client: &mut tokio_postgres::Client,
        delivery: &Delivery,
        business_key: Option<&str>,
        handler: impl AsyncFnOnce(&tokio_postgres::Transaction<'_>) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<Outcome, E>> {
        let tx = client.transaction().await.map_err(|e| unavailable(&e))?;
        if !Self::claim(&tx, delivery, business_key).await? {
            tx.rollback().await.map_err(|e| unavailable(&e))?;
            return Ok(Ok(Outcome::Duplicate));
        }
        match handler(&tx).await {
            Ok(()) => {
                tx.commit().await.map_err(|e| unavailable(&e))?;
                Ok(Ok(Outcome::Processed))
            }
            Err(e) => {
                // Dropping the transaction rolls it back too; an explicit
                // rollback that fails (connection gone) changes nothing.
                let _ = tx.rollback().await;
                Ok(Err(e))
            }
        }
    }

    /// Deletes expired keys; how many.
    pub async fn purge(client: &tokio_postgres::Client) -> Result<u64> {
        client
            .execute(
                "DELETE FROM cardwire_deliveries WHERE expires_at < now()",
                &[],
            )
            .await
            .map_err(|e| unavailable(&e))
    }
}
