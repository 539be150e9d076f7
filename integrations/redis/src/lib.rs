//! Deliveries on Redis, for receivers (and the sandbox) on many instances.
//!
//! The core decides what a delivery is (its key and retention, from the
//! signed id or the authenticated content); Redis answers, atomically, one
//! question per decision. Keys are the core's delivery keys
//! (`cardwire:<provider>:<account fingerprint>:<id|content>:<sha256>`, or the
//! platform sides' nonce keys): never a body or a secret.
//!
//! * [`RedisReplayGuard`]: the core's [`ReplayGuard`] on a blocking
//!   connection: plug it into `verify_webhook`, the platform sides' nonce
//!   checks, or `cardwire sandbox --replay-store`. It marks on arrival, in
//!   two steps: the key is reserved as `pending:<token>` (expiring after
//!   `pending_ms`), then marked `done` once Redis has answered. A command
//!   whose answer was lost (a stalled Redis) leaves at most an expiring
//!   pending entry: the retry gets `store_unavailable` (5xx) until it
//!   expires, never "seen before". Marking on arrival still loses an event
//!   if your handler crashes afterwards: prefer [`RedisDeliveries`].
//! * [`RedisDeliveries`]: "mark after processing" for async receivers (axum):
//!   [`process`](RedisDeliveries::process) reserves the key while your
//!   handler runs, commits it after, releases it on failure; a crash leaves
//!   the reservation to expire, and the provider's redelivery is processed
//!   then (at least once, never lost). A redelivery that finds another
//!   instance's reservation is [`Outcome::Busy`]: answer 5xx so the provider
//!   retries. If Redis goes away after your handler returned, `process`
//!   still answers [`Outcome::Processed`] (it was) and keeps the commit: it
//!   is written before this value's next decision (or by
//!   [`flush`](RedisDeliveries::flush)), while the reservation still stops
//!   other instances.
//!
//! Redis unreachable or silent: `store_unavailable` (answer 5xx), never
//! "new". Every decision carries its own token, so the client's own retry of
//! a command whose answer was lost recognises its reservation.

#![warn(missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cardwire::delivery::{ReplayGuard, Seen};
use cardwire::{Error, Result};

fn unavailable(e: &redis::RedisError) -> Error {
    Error::StoreUnavailable {
        reason: format!("Redis did not answer ({:?}); it may have been recorded as pending (expiring), never as processed (answer 5xx so the provider retries)", e.kind()),
    }
}

fn busy() -> Error {
    Error::StoreUnavailable {
        reason: "busy: another instance holds this key, or an earlier attempt's outcome is unknown (answer 5xx so the provider retries; it is processed once the reservation expires)".to_owned(),
    }
}

/// Reserves the key with this decision's token unless it is held; the same
/// token again (a retried command) is still `new`. Never writes `done`.
const RESERVE: &str = "local v = redis.call('GET', KEYS[1]) \
    if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'new' end \
    if v == ARGV[1] then return 'new' end \
    if v == 'done' then return 'done' end \
    return 'busy'";

/// Marks the key done only while it holds this decision's token.
const COMMIT: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2]) else return 0 end";

fn token() -> String {
    format!("pending:{:016x}", rand::random::<u64>())
}

/// The replay store on Redis, for the core's synchronous [`ReplayGuard`].
pub struct RedisReplayGuard {
    client: redis::Client,
    conn: Mutex<Option<redis::Connection>>,
    pending_ms: u64,
}

impl std::fmt::Debug for RedisReplayGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReplayGuard").finish_non_exhaustive()
    }
}

impl RedisReplayGuard {
    /// `redis://host:port[/db]`. Connects lazily (and again after a failure).
    pub fn open(url: &str) -> Result<Self> {
        let client = redis::Client::open(url).map_err(|e| Error::InvalidInput {
            reason: format!("{url}: not a Redis URL ({:?})", e.kind()),
        })?;
        Ok(RedisReplayGuard {
            client,
            conn: Mutex::new(None),
            pending_ms: 30_000,
        })
    }

    /// How long a reservation whose answer was lost may stand (default 30 s):
    /// retries are refused with `store_unavailable` until then.
    #[must_use]
    pub fn with_pending_ms(mut self, ms: u64) -> Self {
        self.pending_ms = ms.max(1);
        self
    }

    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T> {
        let mut slot = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            let c = self
                .client
                .get_connection_with_timeout(std::time::Duration::from_secs(2))
                .map_err(|e| unavailable(&e))?;
            let _ = c.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            *slot = Some(c);
        }
        let Some(conn) = slot.as_mut() else {
            return Err(Error::StoreUnavailable {
                reason: "no Redis connection".to_owned(),
            });
        };
        let r = f(conn);
        if r.is_err() {
            // Reconnect next time.
            *slot = None;
        }
        r.map_err(|e| unavailable(&e))
    }
}

impl ReplayGuard for RedisReplayGuard {
    fn check_and_record(&mut self, key: &str, _now_ms: u64, ttl_ms: u64) -> Result<Seen> {
        let token = token();
        let state: String = self.with_conn(|c| {
            redis::Script::new(RESERVE)
                .key(key)
                .arg(&token)
                .arg(self.pending_ms)
                .invoke(c)
        })?;
        match state.as_str() {
            "done" => return Ok(Seen::Again),
            "new" => {}
            _ => return Err(busy()),
        }
        // This caller's now. If the answer to the commit is lost, the pending
        // entry still stops everyone else until it expires: never lost.
        let _ = self.with_conn(|c| {
            redis::Script::new(COMMIT)
                .key(key)
                .arg(&token)
                .arg(ttl_ms.max(1))
                .invoke::<redis::Value>(c)
        });
        Ok(Seen::First)
    }
}

/// What [`RedisDeliveries::process`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Your handler ran and the delivery is marked processed.
    Processed,
    /// Processed before: acknowledge, skip.
    Duplicate,
    /// Another instance is processing it now: answer 5xx, the provider retries.
    Busy,
}

/// What [`RedisDeliveries::reserve`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Reserved for you, with this token (commit or release it).
    New(String),
    /// Processed before.
    Done,
    /// Reserved by another instance.
    Busy,
}

const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// "Mark after processing" on Redis, for async receivers.
#[derive(Clone)]
pub struct RedisDeliveries {
    conn: redis::aio::ConnectionManager,
    reservation_ms: u64,
    /// Commits Redis missed (key → retention), shared by clones.
    unsaved: Arc<Mutex<HashMap<String, u64>>>,
}

impl std::fmt::Debug for RedisDeliveries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisDeliveries")
            .field("reservation_ms", &self.reservation_ms)
            .finish_non_exhaustive()
    }
}

impl RedisDeliveries {
    /// Connects to `redis://...`; reservations last `reservation_ms`. The
    /// connection comes back by itself after Redis does; meanwhile every
    /// call is `store_unavailable` within about two seconds.
    pub async fn connect(url: &str, reservation_ms: u64) -> Result<Self> {
        let client = redis::Client::open(url).map_err(|e| Error::InvalidInput {
            reason: format!("{url}: not a Redis URL ({:?})", e.kind()),
        })?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(std::time::Duration::from_secs(2)))
            .set_response_timeout(Some(std::time::Duration::from_secs(2)))
            .set_number_of_retries(1);
        let conn = redis::aio::ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(RedisDeliveries {
            conn,
            reservation_ms,
            unsaved: Arc::default(),
        })
    }

    /// Writes the commits Redis missed (it was away when a handler
    /// returned). `store_unavailable` while it is still away.
    pub async fn flush(&self) -> Result<()> {
        let pending: Vec<(String, u64)> = {
            let unsaved = self.unsaved.lock().unwrap_or_else(|e| e.into_inner());
            unsaved.iter().map(|(k, v)| (k.clone(), *v)).collect()
        };
        for (key, retention_ms) in pending {
            self.set_done(&key, retention_ms).await?;
            self.unsaved
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&key);
        }
        Ok(())
    }

    async fn set_done(&self, key: &str, retention_ms: u64) -> Result<()> {
        let mut c = self.conn.clone();
        let _: Option<String> = redis::cmd("SET")
            .arg(key)
            .arg("done")
            .arg("PX")
            .arg(retention_ms.max(1))
            .query_async(&mut c)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    /// Reserves `key` for this caller.
    pub async fn reserve(&self, key: &str) -> Result<Reservation> {
        self.flush().await?;
        let mut c = self.conn.clone();
        let token = token();
        let state: String = redis::Script::new(RESERVE)
            .key(key)
            .arg(&token)
            .arg(self.reservation_ms.max(1))
            .invoke_async(&mut c)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(match state.as_str() {
            "new" => Reservation::New(token),
            "done" => Reservation::Done,
            _ => Reservation::Busy,
        })
    }

    /// Marks `key` processed for `retention_ms`.
    pub async fn commit(&self, key: &str, retention_ms: u64) -> Result<()> {
        self.flush().await?;
        self.set_done(key, retention_ms).await
    }

    /// Gives back a reservation (only if it is still `token`'s).
    pub async fn release(&self, key: &str, token: &str) -> Result<()> {
        let mut c = self.conn.clone();
        let _: i64 = redis::Script::new(RELEASE)
            .key(key)
            .arg(token)
            .invoke_async(&mut c)
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    /// Runs `handler` once across every instance for the delivery
    /// `(key, retention_ms)` (an event's `delivery.key` and
    /// `delivery.retention_ms`).
    pub async fn process<F, Fut, E>(
        &self,
        key: &str,
        retention_ms: u64,
        handler: F,
    ) -> Result<std::result::Result<Outcome, E>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = std::result::Result<(), E>>,
    {
        let token = match self.reserve(key).await? {
            Reservation::Done => return Ok(Ok(Outcome::Duplicate)),
            Reservation::Busy => return Ok(Ok(Outcome::Busy)),
            Reservation::New(t) => t,
        };
        match handler().await {
            Ok(()) => {
                if self.commit(key, retention_ms).await.is_err() {
                    // Processed all the same; written by the next decision or flush().
                    self.unsaved
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(key.to_owned(), retention_ms);
                }
                Ok(Ok(Outcome::Processed))
            }
            Err(e) => {
                self.release(key, &token).await?;
                Ok(Err(e))
            }
        }
    }
}
