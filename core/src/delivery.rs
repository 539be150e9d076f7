//! Deliveries: what makes a webhook delivery the same as one seen before,
//! and the stores that remember them. Sans-IO: the core decides *what* a
//! delivery is; a store decides *whether it was seen*.
//!
//! ## The delivery rule (every provider)
//!
//! A delivery is a **duplicate** when
//!
//! * the provider's own stable delivery id repeats **under the signature**
//!   (WorldCard `X-Nonce`, which is part of the signed input), or
//! * its **authenticated content** is byte-identical to a delivery seen
//!   within the retention window: the signed body (Wasabi, PayCA), the signed
//!   parameters (WorldCard legacy: the canonical string without the secret),
//!   or the decrypted plaintext (PinToPay, whose ciphertext changes with
//!   every seal).
//!
//! Two deliveries that differ in any authenticated byte are never
//! duplicates. Unsigned headers (`X-WSB-REQUEST-ID`, PayCA `x-request-id`
//! and `x-idempotency-key`) are reported for logging but never take part in
//! the key, so a replay with a fresh request id is still a duplicate.
//!
//! | provider | delivery key | signed send time (window) | business key |
//! |---|---|---|---|
//! | WorldCard `Card/*` | `X-Nonce` | `X-Timestamp` (ms), ± the retention | type, `transaction_id` or card, status, event time |
//! | WorldCard legacy | SHA-256 of the signed parameters | none | `topup:<orderNo>:<status>`, ... |
//! | Wasabi Open API | SHA-256 of the signed body | none | category, `type`, id, status, event times |
//! | PinToPay | SHA-256 of the decrypted payload | none | type, kind, object id, status, event time |
//! | PayCA | SHA-256 of the signed body | none | type, kind, object id, status, `timestamp` |
//!
//! Only WorldCard signs a send time. Every time inside a webhook body
//! (PinToPay `timestamp`, `created_at`, `event_time`; PayCA `timestamp`;
//! any business date) says when something happened, not when this delivery
//! was sent: it is data, never a reason to refuse and never a parse error,
//! and `timestamp_ms` is `None` for those providers. Where no send time is
//! signed, a replay after the retention looks new: the
//! [`business_key`](WebhookEvent::business_key) is there for the caller's
//! own idempotency beyond it.
//!
//! A verified delivery comes back as a [`WebhookEvent`] carrying its
//! [`Delivery`]: the store key (`cardwire:<provider>:<account>:<kind>:<sha256>`,
//! never a raw body or a secret: the account is a fingerprint) and how long
//! the key must be kept. A [`ReplayGuard`] answers "seen before?" for it;
//! [`MemoryReplayGuard`] is the bounded in-memory one, and the same trait
//! fits a shared store (Redis, SQL) for receivers on many instances.
//!
//! ## Freshness tied to memory
//!
//! A delivery older than what the store remembers cannot be proven new.
//! Where the provider signs a send time (WorldCard's `X-Timestamp`), the
//! default webhook window ([`WindowPolicy::MatchRetention`]) therefore
//! equals the retention: a delivery signed longer ago than the retention is
//! refused with `timestamp_out_of_window` instead of being taken for new.
//! The default retention is 48 hours, which holds every documented retry
//! schedule (WorldCard up to 10 retries growing to 24 h, about 32.5 h;
//! Wasabi 7 sends over about 37.5 h; WorldCard legacy per webhook, the
//! longest being bill and close at about 131 minutes, see
//! [`crate::worldcard_legacy::RETRY_SCHEDULES`]). Providers that sign no
//! send time have no window: an old event they re-send (PayCA
//! `/v1/webhooks/resend?fromDate=`) is accepted, and is a duplicate only if
//! the store still holds its key.
//!
//! A genuine redelivery is never an error: it comes back with
//! `duplicate = true`, so you acknowledge it and skip the work.

use std::collections::{BTreeSet, HashMap};

use crate::crypto::sha256;
use serde::Serialize;
use serde_json::Value;

use crate::encoding;
use crate::error::Result;
use crate::time::Window;

/// 48 hours: the default retention of delivery keys (and so the default
/// webhook window where a timestamp is signed).
pub const DEFAULT_RETENTION_MS: u64 = 48 * 60 * 60 * 1000;

/// What must be remembered about one verified delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The store key: `cardwire:<provider>:<account>:<kind>:<sha256 hex>`.
    /// `<account>` is a fingerprint of the merchant's id, `<kind>` is `id`
    /// (a signed delivery id) or `content` (the authenticated content).
    pub key: String,
    /// How long the key must be kept, in milliseconds.
    pub retention_ms: u64,
}

/// What identifies a delivery (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Identity<'a> {
    /// A stable delivery id covered by the signature (WorldCard `X-Nonce`).
    SignedId(&'a str),
    /// The authenticated content itself.
    Content(&'a [u8]),
}

/// A short, stable, non-reversible fingerprint of an account id (API keys
/// are credentials: they never appear in a store key).
pub fn account_fingerprint(account: &str) -> String {
    let d = sha256(account.as_bytes());
    encoding::hex_encode(d.get(..8).unwrap_or_default())
}

/// Appends [`account_fingerprint`] of `account`. An instance receives for
/// one account, so the last one is kept (a copy of the account id, zeroized
/// when replaced or at the thread's end) and its hash made only once.
fn push_fingerprint(out: &mut String, account: &str) {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(zeroize::Zeroizing<String>, String)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            out.push_str(&account_fingerprint(account));
            return;
        };
        match last.as_ref() {
            Some((a, fp)) if a.as_str() == account => out.push_str(fp),
            _ => {
                let fp = account_fingerprint(account);
                out.push_str(&fp);
                *last = Some((zeroize::Zeroizing::new(account.to_owned()), fp));
            }
        }
    });
}

/// The replay key of a request a platform side accepted:
/// `cardwire:<provider>:<account fingerprint>:request:<sha256 hex of id>`
/// (the id is the signed nonce, or the path and signed timestamp): no
/// credential, body or raw id in a shared store.
pub(crate) fn request_key(provider: &str, account: &str, id: &[u8]) -> String {
    format!(
        "cardwire:{provider}:{}:request:{}",
        account_fingerprint(account),
        encoding::hex_encode(&sha256(id))
    )
}

/// Which window applies to a webhook's signed timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WindowPolicy {
    /// ± the retention (default): what the store can still recognise.
    #[default]
    MatchRetention,
    /// No freshness check (not recommended: an old delivery replayed after
    /// the store forgot it is taken for new).
    Off,
    /// A fixed window (WorldCard's ±5 minutes of the request side, say).
    /// Must not exceed the retention to keep the guarantee above.
    Fixed(Window),
}

/// Retention and window for one receiver: the named delivery settings every
/// merchant side shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryConfig {
    /// How long delivery keys are kept (default 48 h).
    pub retention_ms: u64,
    /// The webhook window where the provider signs a timestamp (default: the retention).
    pub window: WindowPolicy,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            retention_ms: DEFAULT_RETENTION_MS,
            window: WindowPolicy::MatchRetention,
        }
    }
}

impl DeliveryConfig {
    /// Sets the retention (the default window follows it).
    #[must_use]
    pub fn with_retention_ms(mut self, ms: u64) -> Self {
        self.retention_ms = ms;
        self
    }

    /// Sets the window policy.
    #[must_use]
    pub fn with_window(mut self, window: WindowPolicy) -> Self {
        self.window = window;
        self
    }

    /// The window in force, if any.
    pub fn window(&self) -> Option<Window> {
        match self.window {
            WindowPolicy::MatchRetention => Some(Window {
                tolerance_ms: self.retention_ms,
            }),
            WindowPolicy::Off => None,
            WindowPolicy::Fixed(w) => Some(w),
        }
    }

    /// `timestamp_out_of_window` when a signed timestamp is outside the window.
    pub(crate) fn check_fresh(&self, signed_ts_ms: Option<u64>, now_ms: u64) -> Result<()> {
        match (self.window(), signed_ts_ms) {
            (Some(w), Some(ts)) => w.check(ts, now_ms),
            _ => Ok(()),
        }
    }

    /// The delivery record for `identity`, namespaced by provider and account.
    pub(crate) fn delivery(
        &self,
        provider: &str,
        account: &str,
        identity: Identity<'_>,
    ) -> Delivery {
        let (kind, digest) = match identity {
            Identity::SignedId(id) => ("id", sha256(id.as_bytes())),
            Identity::Content(bytes) => ("content", sha256(bytes)),
        };
        let mut key = String::with_capacity(128);
        for part in ["cardwire:", provider, ":"] {
            key.push_str(part);
        }
        push_fingerprint(&mut key, account);
        for part in [":", kind, ":"] {
            key.push_str(part);
        }
        key.push_str(&encoding::hex_encode(&digest));
        Delivery {
            key,
            retention_ms: self.retention_ms,
        }
    }
}

/// A verified webhook delivery, the same shape for every provider: the
/// typed event, the whole authenticated payload, the delivery record and
/// whether it was seen before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WebhookEvent<E> {
    /// The provider's event type (`card_deposit`, `card_transaction`,
    /// `card.transaction`, ...; empty when the delivery names none).
    pub event_type: String,
    /// The typed event.
    pub event: E,
    /// The whole authenticated payload (decrypted where the provider
    /// encrypts; non-integer numbers as exact decimal strings).
    pub raw: Value,
    /// `true` when this delivery was seen before: acknowledge it and skip
    /// the work. Never an error.
    pub duplicate: bool,
    /// The store key and its retention.
    pub delivery: Delivery,
    /// The provider's own delivery or request id, for logs (`X-Nonce`,
    /// `X-WSB-REQUEST-ID`, `x-request-id`); not part of the key unless signed.
    pub delivery_id: Option<String>,
    /// The signed send time, Unix milliseconds (WorldCard's `X-Timestamp`);
    /// `None` for every provider that signs none. Never a time read from
    /// the payload: those stay in `raw`.
    pub timestamp_ms: Option<u64>,
    /// A key for your own idempotency beyond the retention: the event's type
    /// and id (or its object's), status and own time, as received
    /// ([`business_key`]; legacy: `topup:<orderNo>:<status>`, ...). A retry
    /// of one event has the same key however it was re-signed; a new status
    /// or a new event time gives a new key.
    pub business_key: Option<String>,
}

impl<E> WebhookEvent<E> {
    /// Asks `guard` whether this delivery was seen, records it, and sets
    /// [`duplicate`](Self::duplicate). The second half of `verify_webhook`,
    /// for callers that verify first and consult their own store after. A
    /// store that cannot answer is an error (`store_unavailable`), never a
    /// guess: answer the provider with a 5xx so it retries.
    pub fn recorded<G: ReplayGuard + ?Sized>(mut self, guard: &mut G, now_ms: u64) -> Result<Self> {
        self.duplicate =
            guard.check_and_record(&self.delivery.key, now_ms, self.delivery.retention_ms)?
                == Seen::Again;
        Ok(self)
    }
}

/// Where a provider's events keep the parts of their business key: each
/// list is read in order at the payload's root, then inside a `data`
/// object. The provider modules hold one table each.
#[derive(Debug, Clone, Copy)]
pub struct BusinessKeyFields<'a> {
    /// A sub-kind of the event (`transaction_type`, Wasabi `type`): the first present.
    pub kind: &'a [&'a str],
    /// The event's own id, else the object's id: the first present.
    pub id: &'a [&'a str],
    /// The status: the first present.
    pub status: &'a [&'a str],
    /// The event's own times: every one present, in this order.
    pub time: &'a [&'a str],
}

impl BusinessKeyFields<'_> {
    /// The event's own times as `name = value` pairs, for `explain` (they
    /// are shown as data, never checked).
    pub fn times_shown(&self, payload: &Value) -> String {
        self.time
            .iter()
            .filter_map(|f| payload.get(*f).map(|v| format!("{f} = {v}")))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Text of a JSON value as received: a string as it is, a number as its
/// exact text, anything else as compact JSON; `None` for absent or null.
fn received_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `:` and `%` inside a part are percent-encoded, so the parts of two keys
/// can never run into each other.
fn push_key_part(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            ':' => out.push_str("%3A"),
            c => out.push(c),
        }
    }
}

/// The business key of a verified event, for the caller's own idempotency
/// beyond the store's retention: `<type>:<kind>:<id>:<status>:<time>`, each
/// part as received (empty when absent; several times joined by `,`). Two
/// events about one object that differ in status or in their own time get
/// two keys (freeze → unfreeze → freeze gives three); a redelivery of one
/// event, re-signed or not, gets the same key. Time fields here are data:
/// they never refuse a delivery.
pub fn business_key(event_type: &str, payload: &Value, fields: &BusinessKeyFields<'_>) -> String {
    let root = payload.as_object();
    let data = root
        .and_then(|m| member(m, "data"))
        .and_then(Value::as_object);
    let find = |name: &str| {
        received_text(root.and_then(|m| member(m, name)))
            .or_else(|| received_text(data.and_then(|d| member(d, name))))
    };
    let first = |names: &[&str]| names.iter().find_map(|n| find(n)).unwrap_or_default();
    let times: Vec<String> = fields.time.iter().filter_map(|n| find(n)).collect();
    let parts = [
        event_type.to_owned(),
        first(fields.kind),
        first(fields.id),
        first(fields.status),
        times.join(","),
    ];
    let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            key.push(':');
        }
        push_key_part(&mut key, p);
    }
    key
}

/// A member of a JSON object: small objects (most webhook payloads) are
/// scanned in order, which is cheaper than hashing the name for each of
/// the key's candidate fields.
fn member<'v>(m: &'v serde_json::Map<String, Value>, name: &str) -> Option<&'v Value> {
    if m.len() <= 16 {
        m.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        m.get(name)
    }
}

/// What a replay guard says about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Not seen within its lifetime; now recorded.
    First,
    /// Seen before and not yet expired. Not an error by itself: a webhook
    /// redelivery is reported as `duplicate`, a replayed request is refused.
    Again,
}

/// Remembers keys (nonces, delivery ids) for a while. Pure data structure:
/// the caller passes `now`. Implement it over your own store (Redis, SQL) to
/// share state between processes.
pub trait ReplayGuard {
    /// Records `key` until `now_ms + ttl_ms` and says whether it was already
    /// there, atomically. A store that cannot answer (a shared store that is
    /// unreachable) returns `Error::StoreUnavailable`: it never guesses "new".
    fn check_and_record(&mut self, key: &str, now_ms: u64, ttl_ms: u64) -> Result<Seen>;

    /// Whether this store can know of requests before this call: `false`
    /// only for [`OfflineGuard`], so an explanation says "cannot be known
    /// offline" instead of "new".
    fn remembers_earlier(&self) -> bool {
        true
    }
}

/// The store of an explanation made away from the receiver (`cardwire
/// explain` on a saved request): it records nothing and knows nothing, so
/// a nonce or replay check is reported as "cannot be known offline", never
/// as new. Never use it to verify.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineGuard;

impl ReplayGuard for OfflineGuard {
    fn check_and_record(&mut self, _key: &str, _now_ms: u64, _ttl_ms: u64) -> Result<Seen> {
        Ok(Seen::First)
    }

    fn remembers_earlier(&self) -> bool {
        false
    }
}

/// What an explanation says of a replay check that passed.
pub(crate) fn unseen(offline: bool, what: &str) -> String {
    if offline {
        format!("{what}: cannot be known offline (this explanation has no record of earlier requests: explain against the running sandbox, or look the key up in your replay store)")
    } else {
        format!("{what}: not seen before (recorded now)")
    }
}

/// An in-memory [`ReplayGuard`] with bounded memory: at most `capacity` keys,
/// kept in order of expiry. An expired key is always dropped before a live
/// one; only when every key held is live does the one that expires soonest
/// make room, and that is counted ([`evictions`](Self::evictions)): a replay
/// of an evicted key would no longer be recognised.
///
/// **Sizing:** capacity ≥ deliveries (or requests) per second × the
/// retention in seconds, for every kind of key that shares the guard. The
/// default, [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) = 100 000 keys,
/// holds about 0.58 deliveries per second over the default 48 h retention,
/// or 166 requests per second over WorldCard's 10-minute nonce window. A
/// non-zero [`evictions`](Self::evictions) count means the guard is too small
/// for its traffic; a shared store (Redis, PostgreSQL) has no such limit.
#[derive(Debug, Clone)]
pub struct MemoryReplayGuard {
    capacity: usize,
    expiry: HashMap<String, u64>,
    by_expiry: BTreeSet<(u64, String)>,
    evictions: u64,
}

impl MemoryReplayGuard {
    /// Default capacity: 100 000 keys (see the sizing rule above).
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A guard holding at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryReplayGuard {
            capacity: capacity.max(1),
            expiry: HashMap::new(),
            by_expiry: BTreeSet::new(),
            evictions: 0,
        }
    }

    /// The most keys this guard holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Keys currently held (expired keys are dropped on the next call).
    pub fn len(&self) -> usize {
        self.expiry.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.expiry.is_empty()
    }

    /// How many keys were dropped **before** they expired, because every
    /// key held was live and the guard was full. Each one is a replay that
    /// would no longer be recognised: a count above zero means the capacity
    /// is too small for the traffic.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// Whether `key` is held and live at `now_ms`, without recording it.
    pub fn contains(&self, key: &str, now_ms: u64) -> bool {
        self.expiry.get(key).is_some_and(|exp| *exp > now_ms)
    }

    fn purge_expired(&mut self, now_ms: u64) {
        while let Some((exp, _)) = self.by_expiry.first() {
            if *exp > now_ms {
                break;
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.expiry.remove(&key);
            }
        }
    }
}

impl Default for MemoryReplayGuard {
    fn default() -> Self {
        MemoryReplayGuard::new(Self::DEFAULT_CAPACITY)
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn check_and_record(&mut self, key: &str, now_ms: u64, ttl_ms: u64) -> Result<Seen> {
        self.purge_expired(now_ms);
        if self.contains(key, now_ms) {
            return Ok(Seen::Again);
        }
        // Every key left is live: the one that expires soonest makes room.
        while self.expiry.len() >= self.capacity {
            match self.by_expiry.pop_first() {
                Some((_, evicted)) => {
                    self.expiry.remove(&evicted);
                    self.evictions = self.evictions.saturating_add(1);
                }
                None => break,
            }
        }
        let exp = now_ms.saturating_add(ttl_ms);
        self.expiry.insert(key.to_owned(), exp);
        self.by_expiry.insert((exp, key.to_owned()));
        Ok(Seen::First)
    }
}

impl<G: ReplayGuard + ?Sized> ReplayGuard for &mut G {
    fn check_and_record(&mut self, key: &str, now_ms: u64, ttl_ms: u64) -> Result<Seen> {
        (**self).check_and_record(key, now_ms, ttl_ms)
    }

    fn remembers_earlier(&self) -> bool {
        (**self).remembers_earlier()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_guard_expires_and_stays_bounded() {
        let mut g = MemoryReplayGuard::new(3);
        assert_eq!(g.check_and_record("a", 0, 100).unwrap(), Seen::First);
        assert_eq!(g.check_and_record("a", 50, 100).unwrap(), Seen::Again);
        assert_eq!(
            g.check_and_record("a", 100, 100).unwrap(),
            Seen::First,
            "expired at 100"
        );
        for k in ["b", "c", "d", "e"] {
            g.check_and_record(k, 101, 1000).unwrap();
        }
        assert_eq!(g.len(), 3);
        // the oldest ("a", then "b") were evicted
        assert_eq!(g.check_and_record("e", 102, 1000).unwrap(), Seen::Again);
        for i in 0..10_000u64 {
            g.check_and_record(&i.to_string(), 200 + i, 5).unwrap();
        }
        assert!(g.len() <= 3);
        assert_eq!(g.by_expiry.len(), g.expiry.len());
    }

    #[test]
    fn each_account_keeps_its_own_fingerprint_when_accounts_alternate() {
        // SHA-256 of each account, first 8 bytes (`printf acct-a | sha256sum`).
        let want = |account: &str| match account {
            "acct-a" => "92dd39f4d7d21cad",
            "acct-b" => "d5c59eae1d5659b9",
            _ => "e3b0c44298fc1c14",
        };
        let config = DeliveryConfig::default();
        for account in ["acct-a", "acct-b", "acct-a", "acct-a", "acct-b", ""] {
            let d = config.delivery("wasabi", account, Identity::Content(b"{}"));
            let prefix = format!("cardwire:wasabi:{}:content:", want(account));
            assert!(d.key.starts_with(&prefix), "{} for {account:?}", d.key);
        }
    }
}
