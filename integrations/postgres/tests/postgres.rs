#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `cardwire-postgres` on a real PostgreSQL (scripts/postgres.sh, run as the
//! `postgres` user when the tests run as root): the key and the business
//! write commit or roll back together, a concurrent redelivery waits and
//! sees the outcome, PostgreSQL down is `store_unavailable` with nothing lost.

use std::path::PathBuf;
use std::process::Command;

use cardwire::delivery::Delivery;
use cardwire_postgres::{Outcome, PostgresDeliveries, SCHEMA};

struct Server {
    name: String,
    url: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh")
}

impl Server {
    fn start(name: &str) -> Server {
        let out = Command::new(script())
            .args(["start", name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Server {
            name: name.to_owned(),
            url: String::from_utf8(out.stdout).unwrap().trim().to_owned(),
        }
    }
    fn run(&self, what: &str) {
        assert!(Command::new(script())
            .args([what, &self.name])
            .status()
            .unwrap()
            .success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new(script()).args(["remove", &self.name]).status();
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

fn delivery(key: &str, retention_ms: u64) -> Delivery {
    Delivery {
        key: format!("cardwire:test:content:{key}"),
        retention_ms,
    }
}

async fn credits(c: &tokio_postgres::Client, key: &str) -> i64 {
    c.query_one(
        "SELECT count(*) FROM credits WHERE card = $1",
        &[&format!("cardwire:test:content:{key}")],
    )
    .await
    .unwrap()
    .get(0)
}

#[test]
fn the_schema_is_the_migration_file() {
    let file = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/0001_cardwire_deliveries.sql"),
    )
    .unwrap();
    assert_eq!(SCHEMA, file);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_once_with_the_business_write() {
    let server = Server::start("rust");
    let mut a = connect(&server.url).await;
    PostgresDeliveries::migrate(&a).await.unwrap();
    a.batch_execute("CREATE TABLE credits (card text, amount numeric)")
        .await
        .unwrap();
    let d = delivery("a", 60_000);
    let credit = async |tx: &tokio_postgres::Transaction<'_>| {
        tx.execute("INSERT INTO credits VALUES ($1, 10)", &[&d.key])
            .await
            .map(|_| ())
    };
    assert_eq!(
        PostgresDeliveries::process(&mut a, &d, Some("card_deposit::a::"), credit)
            .await
            .unwrap()
            .unwrap(),
        Outcome::Processed
    );
    let again = PostgresDeliveries::process(
        &mut a,
        &d,
        None,
        async |_tx: &tokio_postgres::Transaction<'_>| -> Result<(), String> {
            panic!("processed twice")
        },
    );
    assert_eq!(again.await.unwrap().unwrap(), Outcome::Duplicate);
    assert_eq!(credits(&a, "a").await, 1);
    // The handler fails after its write: both roll back; the redelivery is processed.
    let b = delivery("b", 60_000);
    let failed = PostgresDeliveries::process(
        &mut a,
        &b,
        None,
        async |tx: &tokio_postgres::Transaction<'_>| {
            tx.execute("INSERT INTO credits VALUES ($1, 5)", &[&b.key])
                .await
                .map_err(|e| e.to_string())?;
            Err::<(), String>("crash before the ack".into())
        },
    )
    .await
    .unwrap();
    assert_eq!(failed, Err("crash before the ack".into()));
    assert_eq!(credits(&a, "b").await, 0);
    let ok = PostgresDeliveries::process(
        &mut a,
        &b,
        None,
        async |tx: &tokio_postgres::Transaction<'_>| {
            tx.execute("INSERT INTO credits VALUES ($1, 5)", &[&b.key])
                .await
                .map(|_| ())
        },
    );
    assert_eq!(ok.await.unwrap().unwrap(), Outcome::Processed);

    // A concurrent redelivery waits on the first's row and sees it committed.
    let mut second = connect(&server.url).await;
    let w = delivery("w", 60_000);
    let w2 = w.clone();
    let first = tokio::spawn({
        let url = server.url.clone();
        async move {
            let mut c = connect(&url).await;
            PostgresDeliveries::process(
                &mut c,
                &w2,
                None,
                async |tx: &tokio_postgres::Transaction<'_>| {
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    tx.execute("INSERT INTO credits VALUES ($1, 1)", &[&w2.key])
                        .await
                        .map(|_| ())
                },
            )
            .await
            .unwrap()
            .unwrap()
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let late = PostgresDeliveries::process(
        &mut second,
        &w,
        None,
        async |_tx: &tokio_postgres::Transaction<'_>| -> Result<(), String> {
            panic!("processed twice")
        },
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        (first.await.unwrap(), late),
        (Outcome::Processed, Outcome::Duplicate)
    );
    assert_eq!(credits(&a, "w").await, 1);

    // Expired keys are new again, and purged.
    let x = delivery("x", 1);
    let noop = async |_tx: &tokio_postgres::Transaction<'_>| Ok::<(), String>(());
    assert_eq!(
        PostgresDeliveries::process(&mut a, &x, None, noop)
            .await
            .unwrap()
            .unwrap(),
        Outcome::Processed
    );
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(PostgresDeliveries::purge(&a).await.unwrap() >= 1);

    // PostgreSQL down: store_unavailable; the retry after it is processed.
    server.run("stop");
    let down = delivery("down", 60_000);
    let err = PostgresDeliveries::process(&mut a, &down, None, noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "store_unavailable");
    assert!(err.to_string().contains("5xx"), "{err}");
    server.run("restart");
    let mut c = connect(&server.url).await;
    assert_eq!(
        PostgresDeliveries::process(&mut c, &down, None, noop)
            .await
            .unwrap()
            .unwrap(),
        Outcome::Processed
    );
}
