#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! cardwire-redis on a real redis-server started here (data under
//! target/redis-test): one decision across instances through the core's
//! verify_webhook, reserve/commit/release, a crash between reserve and
//! commit, Redis down (store_unavailable, never "new"), and a commit Redis
//! missed written when it is back.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cardwire::delivery::{ReplayGuard, Seen};
use cardwire::payca::{Merchant, Platform};
use cardwire::prelude::*;
use cardwire::Error;
use cardwire_redis::{Outcome, RedisDeliveries, RedisReplayGuard, Reservation};

struct Server {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Server {
    fn start(name: &str) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/redis-test")
            .join(format!("rust-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = Server {
            port,
            dir,
            child: None,
        };
        s.up();
        s
    }

    fn up(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "yes", "--appendfsync", "always", "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is not installed: `make test` installs Debian's redis-server");
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server did not start");
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`): a stalled, not a dead, Redis.
    fn pause(&self, stop: bool) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        let signal = if stop { "-STOP" } else { "-CONT" };
        assert!(Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success());
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const NOW_MS: u64 = 1_764_000_000_000;

#[test]
fn two_instances_one_decision_through_verify_webhook() {
    let server = Server::start("guard");
    let platform = Platform::new("payca_demo", "payca-demo-secret").unwrap();
    let hook = platform
        .sign_webhook(
            &Notification::new(
                "",
                br#"{"event":"card_transaction","data":{"cardId":"c-1"}}"#,
            )
            .id("req-1"),
            0,
            &mut rand::rngs::OsRng,
        )
        .unwrap();
    let a = Merchant::new("payca_demo", "payca-demo-secret").unwrap();
    let b = Merchant::new("payca_demo", "payca-demo-secret").unwrap();
    let mut guard_a = RedisReplayGuard::open(&server.url()).unwrap();
    let mut guard_b = RedisReplayGuard::open(&server.url()).unwrap();
    let first = a
        .verify_webhook(
            &Received::new(&hook.headers(), &hook.body),
            NOW_MS,
            &mut guard_a,
        )
        .unwrap();
    let again = b
        .verify_webhook(
            &Received::new(&hook.headers(), &hook.body),
            NOW_MS,
            &mut guard_b,
        )
        .unwrap();
    assert!(!first.duplicate && again.duplicate);
    assert!(
        first.delivery.key.starts_with("cardwire:payca:"),
        "{}",
        first.delivery.key
    );
    // A forgery never reaches the store.
    let mut forged = hook.body.clone();
    forged[10] ^= 1;
    assert!(matches!(
        b.verify_webhook(
            &Received::new(&hook.headers(), &forged),
            NOW_MS,
            &mut guard_b
        ),
        Err(Error::SignatureInvalid)
    ));
    // Many threads, one "first".
    let firsts: usize = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let mut g = RedisReplayGuard::open(&server.url()).unwrap();
                    // A copy arriving between another's reservation and its
                    // commit is refused as busy (5xx: retried, never lost).
                    (0..50)
                        .filter(|i| {
                            match g.check_and_record(&format!("cardwire:test:k{i}"), 0, 60_000) {
                                Ok(seen) => seen == Seen::First,
                                Err(e) => {
                                    assert!(e.to_string().contains("busy"), "{e}");
                                    false
                                }
                            }
                        })
                        .count()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(firsts, 50);
}

#[test]
fn redis_down_is_store_unavailable_never_new() {
    let mut server = Server::start("down");
    let mut guard = RedisReplayGuard::open(&server.url()).unwrap();
    assert_eq!(
        guard
            .check_and_record("cardwire:test:a", 0, 60_000)
            .unwrap(),
        Seen::First
    );
    server.kill();
    let err = guard
        .check_and_record("cardwire:test:b", 0, 60_000)
        .unwrap_err();
    assert_eq!(err.code(), "store_unavailable");
    assert!(err.to_string().contains("5xx"), "{err}");
    server.up();
    // Back: the append-only file kept what was written; the guard reconnects.
    assert_eq!(
        guard
            .check_and_record("cardwire:test:a", 0, 60_000)
            .unwrap(),
        Seen::Again
    );
    assert_eq!(
        guard
            .check_and_record("cardwire:test:b", 0, 60_000)
            .unwrap(),
        Seen::First
    );
    assert!(matches!(
        RedisReplayGuard::open("http://nope"),
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reserve_commit_release_process_and_a_crash() {
    let server = Server::start("deliveries");
    let a = RedisDeliveries::connect(&server.url(), 60_000)
        .await
        .unwrap();
    let b = RedisDeliveries::connect(&server.url(), 60_000)
        .await
        .unwrap();
    let Reservation::New(token) = a.reserve("cardwire:test:e1").await.unwrap() else {
        panic!("new")
    };
    assert_eq!(
        b.reserve("cardwire:test:e1").await.unwrap(),
        Reservation::Busy
    );
    a.release("cardwire:test:e1", &token).await.unwrap();
    assert!(matches!(
        b.reserve("cardwire:test:e1").await.unwrap(),
        Reservation::New(_)
    ));
    b.commit("cardwire:test:e1", 60_000).await.unwrap();
    assert_eq!(
        a.reserve("cardwire:test:e1").await.unwrap(),
        Reservation::Done
    );

    // A failing handler gives the reservation back; the redelivery is processed.
    let failed = a
        .process("cardwire:test:e2", 60_000, || async {
            Err::<(), _>("handler failed")
        })
        .await
        .unwrap();
    assert_eq!(failed, Err("handler failed"));
    let ok = b
        .process("cardwire:test:e2", 60_000, || async { Ok::<(), ()>(()) })
        .await
        .unwrap();
    assert_eq!(ok, Ok(Outcome::Processed));
    let dup = a
        .process("cardwire:test:e2", 60_000, || async {
            panic!("processed twice")
        })
        .await;
    assert_eq!(dup.unwrap(), Ok::<_, ()>(Outcome::Duplicate));

    // The process dies between reserve and commit: busy, then processed once the reservation expires.
    let crashed = RedisDeliveries::connect(&server.url(), 300).await.unwrap();
    assert!(matches!(
        crashed.reserve("cardwire:test:e3").await.unwrap(),
        Reservation::New(_)
    ));
    drop(crashed);
    let busy = b
        .process("cardwire:test:e3", 60_000, || async { Ok::<(), ()>(()) })
        .await
        .unwrap();
    assert_eq!(busy, Ok(Outcome::Busy));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let later = b
        .process("cardwire:test:e3", 60_000, || async { Ok::<(), ()>(()) })
        .await
        .unwrap();
    assert_eq!(later, Ok(Outcome::Processed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_away_after_the_handler_returned_keeps_the_commit() {
    let mut server = Server::start("unsaved");
    let d = RedisDeliveries::connect(&server.url(), 60_000)
        .await
        .unwrap();
    let url = server.url();
    // Redis dies while the handler runs.
    let outcome = d
        .process("cardwire:test:u1", 60_000, || {
            server.kill();
            async { Ok::<(), ()>(()) }
        })
        .await
        .unwrap();
    assert_eq!(outcome, Ok(Outcome::Processed));
    let err = d.reserve("cardwire:test:other").await.unwrap_err();
    assert_eq!(err.code(), "store_unavailable");
    server.up();
    let other = RedisDeliveries::connect(&url, 60_000).await.unwrap();
    assert_eq!(
        other.reserve("cardwire:test:u1").await.unwrap(),
        Reservation::Busy
    );
    let mut flushed = false;
    for _ in 0..50 {
        if d.flush().await.is_ok() {
            flushed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(flushed, "the commit is written once Redis is back");
    assert_eq!(
        other.reserve("cardwire:test:u1").await.unwrap(),
        Reservation::Done
    );
}

#[test]
fn a_stalled_redis_never_turns_into_a_lost_delivery() {
    let server = Server::start("stall");
    let key = "cardwire:test:stall";
    let mut first = RedisReplayGuard::open(&server.url())
        .unwrap()
        .with_pending_ms(800);
    first
        .check_and_record("cardwire:test:warm", 0, 1000)
        .unwrap();
    // The guard's read timeout is 2 s: a 3 s pause loses the answer, but the
    // command runs when Redis resumes.
    server.pause(true);
    let err = first.check_and_record(key, 0, 60_000).unwrap_err();
    server.pause(false);
    assert_eq!(err.code(), "store_unavailable");
    assert!(
        err.to_string()
            .contains("may have been recorded as pending"),
        "{err}"
    );
    // The provider's retry, on another instance: 5xx while the pending entry
    // lives, then new; never "seen before".
    let mut other = RedisReplayGuard::open(&server.url()).unwrap();
    let mut refused = 0;
    let answer = loop {
        match other.check_and_record(key, 0, 60_000) {
            Ok(seen) => break seen,
            Err(e) => {
                assert_eq!(e.code(), "store_unavailable");
                refused += 1;
                assert!(refused < 100);
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    };
    assert_eq!(answer, Seen::First);
    assert_eq!(other.check_and_record(key, 0, 60_000).unwrap(), Seen::Again);
}
