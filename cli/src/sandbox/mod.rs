//! `cardwire sandbox`: one HTTP server playing all six providers under their
//! own path prefixes, an admin endpoint for triggers, and a webhook sender
//! that retries on each provider's schedule until acknowledged.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cardwire::delivery::{MemoryReplayGuard, ReplayGuard};
use cardwire::envelope::{OutgoingResponse, SignedWebhook};
use cardwire::{
    payca, pintopay, wasabi, worldcard, worldcard_legacy, AesKey, Payload, RsaPrivateKey,
    RsaPublicKey,
};
use cardwire::{Notification, WebhookSigner};
use rand::SeedableRng;
use serde_json::{json, Value};

pub mod credentials;
pub mod described;
pub mod faults;
pub mod handlers;
pub mod log;
pub mod server;
pub mod simulate;
pub mod world;

use crate::{http, Fail};
use credentials::Credentials;
use world::Space;

/// A webhook to send: the provider, its event, the payload.
#[derive(Debug, Clone)]
pub struct Hook {
    pub provider: &'static str,
    pub event: String,
    pub payload: Value,
}

impl Hook {
    pub fn worldcard(event: &str, payload: Value) -> Hook {
        Hook {
            provider: "worldcard",
            event: event.to_owned(),
            payload,
        }
    }
    pub fn legacy(payload: Value) -> Hook {
        Hook {
            provider: "legacy",
            // The kind picks its own retry schedule (one per webhook page).
            event: worldcard_legacy::Event::from_payload(&payload).type_name(),
            payload,
        }
    }
    pub fn wasabi(space: &'static str, category: &str, payload: Value) -> Hook {
        Hook {
            provider: space,
            event: category.to_owned(),
            payload,
        }
    }
    pub fn pintopay(event: &str, payload: Value) -> Hook {
        Hook {
            provider: "pintopay",
            event: event.to_owned(),
            payload,
        }
    }
    pub fn payca(payload: Value) -> Hook {
        let event = payload
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or("cardholder_status")
            .to_owned();
        Hook {
            provider: "payca",
            event,
            payload,
        }
    }
}

/// The sandbox's in-memory guard, shared by every provider (WorldCard
/// nonces live 10 minutes, PinToPay requests 60 s): a key evicted while
/// still live (the guard was full of live keys) is logged, since a replay
/// of it would no longer be recognised.
struct LoggedGuard(MemoryReplayGuard);

impl ReplayGuard for LoggedGuard {
    fn check_and_record(
        &mut self,
        key: &str,
        now_ms: u64,
        ttl_ms: u64,
    ) -> cardwire::Result<cardwire::delivery::Seen> {
        let before = self.0.evictions();
        let seen = self.0.check_and_record(key, now_ms, ttl_ms);
        let evicted = self.0.evictions() - before;
        if evicted > 0 {
            eprintln!(
                "replay guard full ({} live keys): evicted {evicted} live key(s), {} in all; a replay of those is no longer recognised (use --replay-store redis://...)",
                self.0.capacity(),
                self.0.evictions()
            );
        }
        seen
    }
}

thread_local! {
    /// The keys this thread's current request found already recorded (its
    /// replays): the request log explains a refusal with them.
    static REPLAYED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Clears, and then returns, the keys the current request found recorded.
pub fn take_replayed() -> Vec<String> {
    REPLAYED.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

/// The sandbox's guard (in memory or Redis), noting every key it finds
/// already recorded for the request log.
struct Noting(Box<dyn ReplayGuard + Send>);

impl ReplayGuard for Noting {
    fn check_and_record(
        &mut self,
        key: &str,
        now_ms: u64,
        ttl_ms: u64,
    ) -> cardwire::Result<cardwire::delivery::Seen> {
        let seen = self.0.check_and_record(key, now_ms, ttl_ms);
        if matches!(seen, Ok(cardwire::delivery::Seen::Again)) {
            REPLAYED.with(|r| {
                let mut r = r.borrow_mut();
                if r.len() < 8 {
                    r.push(key.to_owned());
                }
            });
        }
        seen
    }
}

/// What an explanation against the running sandbox knows: these keys were
/// recorded before the request (its replays); any other was not.
pub struct Remembered(pub Vec<String>);

impl ReplayGuard for Remembered {
    fn check_and_record(
        &mut self,
        key: &str,
        _now_ms: u64,
        _ttl_ms: u64,
    ) -> cardwire::Result<cardwire::delivery::Seen> {
        Ok(if self.0.iter().any(|k| k == key) {
            cardwire::delivery::Seen::Again
        } else {
            cardwire::delivery::Seen::First
        })
    }
}

/// One webhook delivery and its attempts.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: u64,
    pub provider: &'static str,
    pub event: String,
    pub url: Option<String>,
    pub attempts: u32,
    pub acked: bool,
    pub last_status: Option<u16>,
    pub tampered: bool,
    pub done: bool,
    /// The object the event is about (`provider:id`): one object's events
    /// are delivered in the order they happened.
    pub object: Option<String>,
    /// When it was made (Unix ms).
    pub created_ms: u64,
    /// The exact headers and body sent (what a resend sends again).
    pub hook: SignedWebhook,
    /// Every attempt, oldest first.
    pub history: Vec<Attempt>,
    /// When the next attempt is due (Unix ms), while retries remain.
    pub next_retry_ms: Option<u64>,
    /// The first attempt waits this long (a `webhook-out-of-order` fault).
    pub hold_ms: u64,
    /// The injected faults that shaped it (`webhook-duplicate`, ...).
    pub faults: Vec<String>,
}

/// One attempt to deliver a webhook.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at_ms: u64,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why it did not count: a refused connection, a timeout, or the
    /// receiver's answer when it is not the provider's acknowledgement.
    pub error: Option<String>,
    pub duration_ms: u64,
    /// A resend asked for through `/_admin/events/{id}/resend`.
    pub resend: bool,
}

fn attempt_json(a: &Attempt) -> Value {
    json!({"at": rfc3339_utc(a.at_ms), "status": a.status, "error": a.error, "duration_ms": a.duration_ms, "resend": a.resend})
}

fn event_json(d: &Delivery, whole: bool) -> Value {
    let mut v = json!({
        "id": d.id, "provider": d.provider, "event": d.event, "url": d.url,
        "created": rfc3339_utc(d.created_ms), "attempts": d.attempts, "acked": d.acked,
        "last_status": d.last_status, "tampered": d.tampered, "done": d.done,
        "next_retry": d.next_retry_ms.map(rfc3339_utc),
        "last_error": d.history.last().and_then(|a| a.error.clone()),
        "faults": d.faults,
    });
    if whole {
        v["headers"] = Value::Object(
            d.hook
                .headers
                .iter()
                .map(|(k, x)| (k.clone(), Value::String(x.clone())))
                .collect(),
        );
        v["body"] = Value::String(String::from_utf8_lossy(&d.hook.body).into_owned());
        // Exact decimals: a number in the body is shown as its text.
        v["payload"] = cardwire::exact_json::parse(&d.hook.body).unwrap_or(Value::Null);
        v["history"] = Value::Array(d.history.iter().map(attempt_json).collect());
    }
    v
}

/// The wall clock, Unix ms.
fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `2026-01-02T03:04:05.678Z`.
pub fn rfc3339_utc(ms: u64) -> String {
    let secs = ms / 1000;
    let t = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        cardwire::validate::date_from_unix_seconds(secs),
        t / 3600,
        t / 60 % 60,
        t % 60,
        ms % 1000
    )
}

/// `2026-04-18T10:30:00.000000Z`, the gateway's time layout.
pub fn rfc3339_micros(ms: u64) -> String {
    let t = rfc3339_utc(ms);
    format!("{}000Z", t.trim_end_matches('Z'))
}

/// The object a webhook is about, by the first id field its payload has.
fn object_of(provider: &str, payload: &Value) -> Option<String> {
    const IDS: [&str; 10] = [
        "cardholderId",
        "cardholder_id",
        "holderId",
        "card_id",
        "cardId",
        "cardNo",
        "cardNumber",
        "orderNo",
        "order_id",
        "merOrderNo",
    ];
    let p = payload
        .get("data")
        .filter(|d| d.is_object())
        .unwrap_or(payload);
    IDS.iter()
        .find_map(|k| p.get(*k).filter(|v| !v.is_null()))
        .map(|v| {
            format!(
                "{provider}:{}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
}

/// The sandbox's options.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub webhook_urls: HashMap<String, String>,
    pub time_scale: f64,
    pub seed: Option<u64>,
    pub body_limit: usize,
    /// Providers that only answer these source addresses (WorldCard's IP
    /// whitelist: anything else is its documented 403). Off by default.
    pub ip_whitelist: HashMap<String, Vec<std::net::IpAddr>>,
    /// The gateway's documented limit (requests per minute per API key),
    /// enforced when set: the 61st request in a minute is a 429 with
    /// `Retry-After`. Off by default.
    pub gateway_rate_limit: Option<u32>,
    /// How answered requests are printed on stdout.
    pub log_format: log::LogFormat,
    /// The world to start from (and to go back to on `/_admin/reset`):
    /// a `--fixtures` file, checked at startup.
    pub fixtures: Option<Value>,
    /// Faults in force from the start (`--fault`).
    pub faults: Vec<faults::Fault>,
}

pub struct Sandbox {
    pub creds: Credentials,
    pub worldcard: worldcard::Platform,
    pub legacy: worldcard_legacy::Platform,
    pub wasabi: wasabi::Platform,
    pub pintopay: pintopay::Platform,
    pub payca: payca::Platform,
    spaces: Mutex<HashMap<&'static str, Space>>,
    guard: Mutex<Box<dyn ReplayGuard + Send>>,
    rng: Mutex<rand_chacha::ChaCha20Rng>,
    answers: Mutex<(HashMap<String, OutgoingResponse>, VecDeque<String>)>,
    deliveries: Mutex<VecDeque<Delivery>>,
    gateway_events: Mutex<VecDeque<Value>>,
    next_delivery: AtomicU64,
    next_request: AtomicU64,
    /// The request log (`/_admin/requests`) and its next id.
    requests: log::Log,
    next_logged: AtomicU64,
    /// Where each provider's webhooks go: `--webhook-url`, the credentials
    /// file's `webhook_url`, or `PUT /_admin/webhook-urls`.
    webhook_urls: Mutex<HashMap<String, String>>,
    stdout: log::Stdout,
    /// Injected faults (`--fault`, `/_admin/faults`).
    faults: Mutex<faults::Faults>,
    /// Per gateway API key: (the minute's start, requests in it).
    gateway_window: Mutex<HashMap<String, (u64, u32)>>,
    sender: tokio::sync::mpsc::UnboundedSender<(Delivery, SignedWebhook)>,
    pub options: Options,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").finish_non_exhaustive()
    }
}

const MAX_DELIVERIES: usize = 20_000;
const MAX_ANSWERS: usize = 20_000;
const MASTER_BALANCE: i64 = 100_000_000; // 1,000,000.00 per provider

fn err(e: cardwire::Error) -> Fail {
    Fail::msg(e.to_string())
}

impl Sandbox {
    fn new(
        creds: Credentials,
        options: Options,
        sender: tokio::sync::mpsc::UnboundedSender<(Delivery, SignedWebhook)>,
    ) -> Result<Sandbox, Fail> {
        let worldcard = worldcard::Platform::new(
            vec![worldcard::MerchantRecord {
                app_id: creds.worldcard_app_id.clone(),
                public_key: RsaPublicKey::parse(&creds.worldcard_merchant_pub).map_err(err)?,
                aes_key: AesKey::parse(&creds.worldcard_aes).map_err(err)?,
            }],
            Some(RsaPrivateKey::parse(&creds.worldcard_platform_pem).map_err(err)?),
        )
        .map_err(err)?;
        let legacy =
            worldcard_legacy::Platform::new(&creds.legacy_app_key, &creds.legacy_app_secret)
                .map_err(err)?;
        let wasabi = wasabi::Platform::new(
            &creds.wasabi_api_key,
            RsaPrivateKey::parse(&creds.wasabi_platform_pem).map_err(err)?,
            RsaPublicKey::parse(&creds.wasabi_merchant_pub).map_err(err)?,
        )
        .map_err(err)?;
        let pintopay = pintopay::Platform::new(&creds.pintopay_api_key, &creds.pintopay_api_secret)
            .map_err(err)?;
        let payca = payca::Platform::new(&creds.payca_client_id, &creds.payca_client_secret)
            .map_err(err)?;
        let rng = match options.seed {
            Some(s) => rand_chacha::ChaCha20Rng::seed_from_u64(s ^ 0x5eed),
            None => rand_chacha::ChaCha20Rng::from_entropy(),
        };
        let spaces = Self::first_world(options.fixtures.as_ref(), unix_ms())
            .map_err(|e| Fail::msg(format!("--fixtures: {e}")))?;
        Ok(Sandbox {
            creds,
            worldcard,
            legacy,
            wasabi,
            pintopay,
            payca,
            spaces: Mutex::new(spaces),
            guard: Mutex::new(Box::new(Noting(Box::new(LoggedGuard(
                MemoryReplayGuard::new(200_000),
            ))))),
            rng: Mutex::new(rng),
            answers: Mutex::new((HashMap::new(), VecDeque::new())),
            deliveries: Mutex::new(VecDeque::new()),
            gateway_events: Mutex::new(VecDeque::new()),
            next_delivery: AtomicU64::new(1),
            next_request: AtomicU64::new(1),
            requests: Mutex::new(VecDeque::new()),
            next_logged: AtomicU64::new(1),
            webhook_urls: Mutex::new(options.webhook_urls.clone()),
            stdout: log::Stdout::new(),
            gateway_window: Mutex::new(HashMap::new()),
            faults: Mutex::new({
                let mut f = faults::Faults::default();
                for x in &options.faults {
                    f.add(x.clone()).map_err(Fail::msg)?;
                }
                f
            }),
            sender,
            options,
        })
    }

    /// Every provider's space as the fixtures describe it (or empty).
    fn first_world(
        fixtures: Option<&Value>,
        now_ms: u64,
    ) -> Result<HashMap<&'static str, Space>, String> {
        match fixtures {
            Some(f) => world::load_fixtures(f, &crate::PROVIDERS, MASTER_BALANCE, now_ms),
            None => Ok(crate::PROVIDERS
                .into_iter()
                .map(|p| (p, Space::new(MASTER_BALANCE)))
                .collect()),
        }
    }

    /// `GET /_admin/state`: every provider's holders, cards (last four
    /// digits only), orders, transactions and master balance.
    pub fn state_json(&self) -> Value {
        let spaces = self.spaces.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = serde_json::Map::new();
        for p in crate::PROVIDERS {
            if let Some(s) = spaces.get(p) {
                out.insert(p.to_owned(), s.to_json());
            }
        }
        Value::Object(out)
    }

    /// `POST /_admin/reset`: back to the first world (the fixtures, or
    /// empty); idempotency answers, webhooks, the gateway's events and the
    /// request log are cleared. Credentials, webhook URLs, faults and the
    /// replay guard (nonces stay used) are kept.
    pub fn reset(&self) -> Result<Value, Fail> {
        let world =
            Self::first_world(self.options.fixtures.as_ref(), self.now_ms()).map_err(Fail::msg)?;
        *self.spaces.lock().unwrap_or_else(|e| e.into_inner()) = world;
        *self.answers.lock().unwrap_or_else(|e| e.into_inner()) = Default::default();
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.gateway_events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        Ok(json!({"reset": true, "fixtures": self.options.fixtures.is_some()}))
    }

    /// The faults that apply to this request (`Some(path)`) or webhook
    /// (`None`), counted as applied.
    pub fn take_faults(&self, provider: &str, path: Option<&str>) -> Vec<faults::Kind> {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take(provider, path)
    }

    /// `GET /_admin/faults`.
    pub fn faults_json(&self) -> Value {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .to_json()
    }

    /// `POST /_admin/faults {"spec": "payca/v1/cards=503,times=2"}` (or the
    /// text alone, as a JSON string): the fault added, with its id.
    pub fn add_fault(&self, body: &Value) -> Result<Value, Fail> {
        let spec = body
            .as_str()
            .or_else(|| body.get("spec").and_then(Value::as_str))
            .ok_or_else(|| {
                Fail::msg(format!(
                    "{{\"spec\": \"PROVIDER[/ROUTE]=KIND[:ARG][,times=N]\"}}; kinds: {}",
                    faults::KINDS
                ))
            })?;
        let f = faults::Fault::parse(spec).map_err(Fail::msg)?;
        let mut all = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        Ok(all.add(f).map_err(Fail::msg)?.to_json())
    }

    /// `DELETE /_admin/faults/{id}`, or every fault without an id.
    pub fn remove_faults(&self, id: Option<u64>) -> Result<Value, Fail> {
        let mut all = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        match id {
            None => all.clear(),
            Some(id) if all.remove(id) => {}
            Some(id) => {
                return Err(Fail::msg(format!(
                    "no fault {id} (GET /_admin/faults lists them)"
                )))
            }
        }
        Ok(all.to_json())
    }

    /// Counts a gateway request against its key's minute; `Some(seconds to
    /// wait)` when the limit is set and reached.
    pub fn gateway_throttle(&self, key: &str) -> Option<u64> {
        let limit = self.options.gateway_rate_limit?;
        // Real time, not the scaled webhook clock: a client's back-off is real.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut w = self
            .gateway_window
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if w.len() > 10_000 {
            w.clear();
        }
        let slot = w.entry(key.to_owned()).or_insert((now, 0));
        if now.saturating_sub(slot.0) >= 60_000 {
            *slot = (now, 0);
        }
        slot.1 += 1;
        (slot.1 > limit).then(|| (60_000 - now.saturating_sub(slot.0)).div_ceil(1000).max(1))
    }

    /// A fresh request id (PayCA's `requestId` when the caller sent none).
    pub fn next_request_id(&self) -> u64 {
        self.next_request.fetch_add(1, Ordering::Relaxed)
    }

    pub fn now_ms(&self) -> u64 {
        unix_ms()
    }

    pub fn rng(&self) -> MutexGuard<'_, rand_chacha::ChaCha20Rng> {
        self.rng.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn guard(&self) -> MutexGuard<'_, Box<dyn ReplayGuard + Send>> {
        self.guard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the replay store (shared nonces across instances).
    pub fn set_guard(&self, g: Box<dyn ReplayGuard + Send>) {
        *self.guard() = Box::new(Noting(g));
    }

    /// Runs `f` on one provider's part of the world.
    pub fn with_space<T>(&self, provider: &'static str, f: impl FnOnce(&mut Space) -> T) -> T {
        let mut spaces = self.spaces.lock().unwrap_or_else(|e| e.into_inner());
        let space = spaces
            .entry(provider)
            .or_insert_with(|| Space::new(MASTER_BALANCE));
        f(space)
    }

    pub fn idempotent_answer(&self, provider: &str, key: &str) -> Option<OutgoingResponse> {
        let a = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        a.0.get(&format!("{provider}:{key}")).cloned()
    }

    pub fn remember_answer(&self, provider: &str, key: &str, answer: &OutgoingResponse) {
        let mut a = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        let k = format!("{provider}:{key}");
        if a.1.len() >= MAX_ANSWERS {
            if let Some(old) = a.1.pop_front() {
                a.0.remove(&old);
            }
        }
        a.1.push_back(k.clone());
        a.0.insert(k, answer.clone());
    }

    /// Signs a webhook like the provider and queues it (the gateway stores
    /// its events for polling instead: it pushes nothing).
    pub fn hook(&self, h: Hook) {
        let _ = self.send_hook(&h, 0, false);
    }

    /// Signs `h` once and queues it `1 + redeliveries` times (the same bytes:
    /// a provider's retry), or once with one signed byte changed.
    pub fn send_hook(&self, h: &Hook, redeliveries: u32, tamper: bool) -> Result<Vec<u64>, Fail> {
        if h.provider == "gateway" {
            let mut ev = self
                .gateway_events
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if ev.len() >= MAX_DELIVERIES {
                ev.pop_front();
            }
            let id = self.next_delivery.fetch_add(1, Ordering::Relaxed);
            // reference_id is the category's identifying field (holderId,
            // orderNo, tradeNo or cardNo), as text, like the document's sample.
            let category = wasabi::Category::parse(&h.event);
            let reference = category
                .id_field()
                .and_then(|f| h.payload.get(f))
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            let at = rfc3339_micros(self.now_ms());
            ev.push_back(json!({
                "id": id, "category": h.event,
                "reference_id": reference,
                "merchant_order_no": h.payload.get("merchantOrderNo").cloned().unwrap_or(Value::Null),
                "status": h.payload.get("status").cloned().unwrap_or(Value::Null),
                "payload": h.payload, "request_id": format!("rq_{id}"), "signature_verified": true,
                "created_at": at, "updated_at": at,
            }));
            return Ok(vec![id]);
        }
        // PinToPay events carry their own id and time (assumptions: the public
        // documentation names `event_id` and `created_at` among the fields a
        // receiver keys on), so freeze, unfreeze, freeze are three events.
        let mut stamped;
        let h = if h.provider == "pintopay" && h.payload.get("event_id").is_none() {
            stamped = h.clone();
            let n = self.next_delivery.fetch_add(1, Ordering::Relaxed);
            stamped.payload["event_id"] = json!(format!("evt_{n}"));
            stamped.payload["created_at"] = json!(rfc3339_utc(self.now_ms()));
            &stamped
        } else {
            h
        };
        let signed = {
            let mut rng = self.rng();
            let now = self.now_ms();
            let mut nonce = [0u8; 16];
            rand::RngCore::fill_bytes(&mut *rng, &mut nonce);
            let nonce = cardwire::encoding::hex_encode(&nonce);
            let typed = Notification::new(&h.event, Payload::Json(&h.payload)).id(&nonce);
            // PayCA and legacy bodies are the payload as given (their type is inside it).
            let as_given = Notification::new("", Payload::Json(&h.payload)).id(&nonce);
            match h.provider {
                "worldcard" => self.worldcard.sign_webhook(
                    &typed.app_id(&self.creds.worldcard_app_id).timestamp_ms(now),
                    now,
                    &mut *rng,
                ),
                "legacy" => self.legacy.sign_webhook(&as_given, now, &mut *rng),
                "wasabi" => self.wasabi.sign_webhook(&typed, now, &mut *rng),
                "pintopay" => self.pintopay.sign_webhook(&typed, now, &mut *rng),
                "payca" => self.payca.sign_webhook(&as_given, now, &mut *rng),
                other => return Err(Fail::msg(format!("unknown provider {other}"))),
            }
            .map_err(err)?
        };
        let url = self.webhook_url(h.provider);
        // Injected webhook faults (only when it goes somewhere).
        let injected = if url.is_some() {
            self.take_faults(h.provider, None)
        } else {
            Vec::new()
        };
        let mut hold_ms = 0;
        let (mut redeliveries, mut tamper) = (redeliveries, tamper);
        for k in &injected {
            match k {
                faults::Kind::WebhookDuplicate => redeliveries += 1,
                faults::Kind::WebhookBadSignature => tamper = true,
                faults::Kind::WebhookOutOfOrder(ms) => hold_ms = *ms,
                _ => {}
            }
        }
        let fault_names: Vec<String> = injected
            .iter()
            .map(|k| faults::Fault::kind_text(*k))
            .collect();
        let mut ids = Vec::new();
        let copies = if tamper { 1 } else { 1 + redeliveries };
        for _ in 0..copies {
            let mut body = signed.body.clone();
            if tamper {
                let i = body.len() / 2;
                if let Some(b) = body.get_mut(i) {
                    *b = if *b == b'A' { b'B' } else { b'A' };
                }
            }
            let d = Delivery {
                id: self.next_delivery.fetch_add(1, Ordering::Relaxed),
                provider: h.provider,
                event: h.event.clone(),
                url: url.clone(),
                attempts: 0,
                acked: false,
                last_status: None,
                tampered: tamper,
                done: url.is_none(),
                // Held back on purpose: the object's order is not kept.
                object: if hold_ms > 0 {
                    None
                } else {
                    object_of(h.provider, &h.payload)
                },
                created_ms: self.now_ms(),
                hook: SignedWebhook {
                    headers: signed.headers.clone(),
                    body,
                },
                history: Vec::new(),
                next_retry_ms: None,
                hold_ms,
                faults: fault_names.clone(),
            };
            ids.push(d.id);
            self.record(d.clone());
            if url.is_some() {
                let hook = d.hook.clone();
                let _ = self.sender.send((d, hook));
            }
        }
        Ok(ids)
    }

    fn record(&self, d: Delivery) {
        let mut ds = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(x) = ds.iter_mut().find(|x| x.id == d.id) {
            // A resend made while the retry loop waited is kept.
            let resends: Vec<Attempt> = x
                .history
                .iter()
                .filter(|a| a.resend && !d.history.iter().any(|b| b.resend && b.at_ms == a.at_ms))
                .cloned()
                .collect();
            let acked = x.acked;
            *x = d;
            if !resends.is_empty() {
                x.attempts += u32::try_from(resends.len()).unwrap_or(0);
                x.acked |= acked;
                x.history.extend(resends);
                x.history.sort_by_key(|a| a.at_ms);
            }
            return;
        }
        if ds.len() >= MAX_DELIVERIES {
            ds.pop_front();
        }
        ds.push_back(d);
    }

    /// `GET /api/v1/webhook-events`: filtered by `category`, `reference_id`,
    /// `merchant_order_no`, `status`, `from` / `to` (`Y-m-d H:i:s`, on
    /// `created_at`), paginated by `per_page` (default 15, at most 100) and
    /// `page`, newest first.
    pub fn gateway_events(&self, query: &str) -> Result<Value, String> {
        let ev = self
            .gateway_events
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // Form encoding: `+` is a space, then core's `%XX` decoding.
        let q: HashMap<String, String> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| {
                cardwire::http::percent_decode(&v.replace('+', " "))
                    .map(|v| (k.to_owned(), v))
                    .map_err(|_| format!("The {k} field is not valid percent-encoding."))
            })
            .collect::<Result<_, _>>()?;
        let number = |k: &str, default: u64, max: u64| -> Result<u64, String> {
            match q.get(k) {
                None => Ok(default),
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(n),
                    _ => Err(format!(
                        "The {k} field must be an integer between 1 and {max}."
                    )),
                },
            }
        };
        let per_page = number("per_page", 15, 100)?;
        let page = number("page", 1, u64::MAX)?;
        // `Y-m-d H:i:s` compared with created_at's first 19 characters (same layout once T is a space).
        let bound = |k: &str| -> Result<Option<String>, String> {
            match q.get(k) {
                None => Ok(None),
                Some(v) if v.len() == 19 && v.as_bytes().get(10) == Some(&b' ') => {
                    Ok(Some(v.clone()))
                }
                Some(_) => Err(format!("The {k} field must match the format Y-m-d H:i:s.")),
            }
        };
        let (from, to) = (bound("from")?, bound("to")?);
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        let matches = |e: &&Value| {
            ["category", "reference_id", "merchant_order_no", "status"]
                .iter()
                .all(|k| q.get(*k).is_none_or(|want| text(&e[*k]) == *want))
                && {
                    let at = e["created_at"]
                        .as_str()
                        .unwrap_or_default()
                        .replacen('T', " ", 1);
                    let at = at.get(..19).unwrap_or_default();
                    from.as_deref().is_none_or(|f| at >= f) && to.as_deref().is_none_or(|t| at <= t)
                }
        };
        let all: Vec<&Value> = ev.iter().rev().filter(matches).collect();
        let total = all.len() as u64;
        let last_page = total.div_ceil(per_page).max(1);
        let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let data: Vec<&Value> = all
            .into_iter()
            .skip(start)
            .take(per_page as usize)
            .collect();
        Ok(
            json!({"total": total, "per_page": per_page, "current_page": page, "last_page": last_page, "data": data}),
        )
    }

    fn deliveries_json(&self) -> Value {
        let ds = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        Value::Array(
            ds.iter()
                .map(|d| json!({"id": d.id, "provider": d.provider, "event": d.event, "url": d.url, "attempts": d.attempts,
                                "acked": d.acked, "last_status": d.last_status, "tampered": d.tampered, "done": d.done}))
                .collect(),
        )
    }

    /// The provider's retry delays after each failed attempt, in ms.
    fn schedule(provider: &str, event: &str) -> Vec<u64> {
        match provider {
            // Ten retries, 1 min doubling, the tenth at 24 h (Webhook Callbacks).
            "worldcard" => worldcard::WEBHOOK_RETRY_DELAYS_MS.to_vec(),
            // Each legacy webhook has its own schedule, from its own page.
            "legacy" => worldcard_legacy::retry_schedule(event).delays_ms.to_vec(),
            // 7 sends: now, +1 m, 5 m, 20 m, 1 h, 12 h, 24 h.
            "wasabi" => wasabi::WEBHOOK_RETRY_DELAYS_MS.to_vec(),
            // PinToPay and PayCA document no schedule: the sandbox uses WorldCard's.
            _ => worldcard::WEBHOOK_RETRY_DELAYS_MS.to_vec(),
        }
    }

    fn acknowledged(provider: &str, status: u16, body: &[u8]) -> bool {
        match provider {
            "worldcard" => worldcard::Platform::is_acknowledged(status, body),
            "legacy" => worldcard_legacy::Platform::is_acknowledged(status, body),
            "wasabi" => wasabi::Platform::is_acknowledged(status, body),
            "pintopay" => {
                status == 200
                    && serde_json::from_slice::<Value>(body)
                        .ok()
                        .and_then(|v| v.get("success").and_then(Value::as_bool))
                        == Some(true)
            }
            "payca" => payca::Platform::is_acknowledged(status),
            _ => false,
        }
    }

    /// Sends `hook` until acknowledged or its provider's schedule ends. The
    /// first attempt waits for `after` (the first attempt of the same
    /// object's previous event) and then signals `first_sent`: one object's
    /// events arrive in order (freeze, unfreeze, freeze), retries do not
    /// hold the others back longer than one attempt.
    pub async fn deliver(
        self: Arc<Self>,
        mut d: Delivery,
        hook: SignedWebhook,
        after: Option<tokio::sync::oneshot::Receiver<()>>,
        first_sent: Option<tokio::sync::oneshot::Sender<()>>,
    ) {
        let mut first_sent = first_sent;
        if let Some(previous) = after {
            let _ = previous.await;
        }
        let Some(url) = d.url.clone() else { return };
        if d.hold_ms > 0 {
            // A `webhook-out-of-order` fault: the next one overtakes it.
            d.next_retry_ms = Some(self.now_ms() + d.hold_ms);
            self.record(d.clone());
            tokio::time::sleep(std::time::Duration::from_millis(d.hold_ms)).await;
        }
        let delays = Self::schedule(d.provider, &d.event);
        loop {
            let acked = self.attempt(&mut d, &url, &hook, false).await;
            if let Some(signal) = first_sent.take() {
                let _ = signal.send(());
            }
            if acked {
                d.done = true;
                d.next_retry_ms = None;
                self.record(d);
                return;
            }
            let Some(delay) = delays.get(d.attempts as usize - 1) else {
                d.done = true;
                d.next_retry_ms = None;
                self.record(d);
                return;
            };
            let ms = ((*delay as f64) * self.options.time_scale).max(1.0) as u64;
            d.next_retry_ms = Some(self.now_ms() + ms);
            self.record(d.clone());
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
    }

    /// One attempt: sends, judges the answer by the provider's
    /// acknowledgement rule, appends it to the history. True when acknowledged.
    async fn attempt(
        &self,
        d: &mut Delivery,
        url: &str,
        hook: &SignedWebhook,
        resend: bool,
    ) -> bool {
        d.attempts += 1;
        let at_ms = self.now_ms();
        let start = std::time::Instant::now();
        let r = http::post(url, &hook.headers, &hook.body).await;
        let duration_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        d.last_status = r.as_ref().ok().map(|(s, _)| *s);
        let (acked, error) = match &r {
            Ok((status, body)) if Self::acknowledged(d.provider, *status, body) => (true, None),
            Ok((status, body)) => {
                let text = String::from_utf8_lossy(body);
                let shown: String = text.chars().take(200).collect();
                (
                    false,
                    Some(format!(
                        "answered {status}, not the provider's acknowledgement: {shown}"
                    )),
                )
            }
            Err(e) => (false, Some(e.to_string())),
        };
        d.acked |= acked;
        d.history.push(Attempt {
            at_ms,
            status: d.last_status,
            error,
            duration_ms,
            resend,
        });
        acked
    }

    /// `POST /_admin/events/{id}/resend`: the same bytes once more, now (the
    /// provider's redelivery: a receiver must answer it as a duplicate).
    pub async fn resend(self: Arc<Self>, id: u64) -> Result<Value, Fail> {
        let found = {
            let ds = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
            ds.iter().find(|d| d.id == id).cloned()
        };
        let mut d = found
            .ok_or_else(|| Fail::msg(format!("no event {id} (GET /_admin/events lists them)")))?;
        let url = self
            .webhook_url(d.provider)
            .or_else(|| d.url.clone())
            .ok_or_else(|| {
                Fail::msg(format!(
                    "no webhook URL for {}: start the sandbox with --webhook-url {}=<url>",
                    d.provider, d.provider
                ))
            })?;
        let hook = d.hook.clone();
        let acked = self.attempt(&mut d, &url, &hook, true).await;
        let attempt = d.history.last().map(attempt_json);
        // Keep what the retry loop may have recorded since, plus this attempt.
        {
            let mut ds = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
            if let (Some(x), Some(a)) = (ds.iter_mut().find(|x| x.id == id), d.history.last()) {
                x.attempts += 1;
                x.acked |= acked;
                x.last_status = a.status;
                x.history.push(a.clone());
            }
        }
        Ok(json!({"id": id, "acknowledged": acked, "attempt": attempt}))
    }

    /// The URL a provider's webhooks go to now.
    pub fn webhook_url(&self, provider: &str) -> Option<String> {
        let urls = self.webhook_urls.lock().unwrap_or_else(|e| e.into_inner());
        urls.get(provider).cloned()
    }

    /// `GET /_admin/webhook-urls`.
    pub fn webhook_urls_json(&self) -> Value {
        let urls = self.webhook_urls.lock().unwrap_or_else(|e| e.into_inner());
        json!(*urls)
    }

    /// `PUT /_admin/webhook-urls {"payca": "http://...", "worldcard": null}`:
    /// sets (or, with null, removes) providers' URLs; later webhooks go there.
    pub fn set_webhook_urls(&self, body: &Value) -> Result<Value, Fail> {
        let map = body
            .as_object()
            .ok_or_else(|| Fail::msg("a JSON object {\"provider\": \"http://...\" | null}"))?;
        let mut updates = Vec::new();
        for (p, url) in map {
            if p == "gateway" {
                return Err(Fail::msg("gateway pushes no webhooks (its events are polled: GET /api/v1/webhook-events)"));
            }
            if !crate::PUSHING.contains(&p.as_str()) {
                return Err(Fail::msg(format!(
                    "unknown provider {p}: {}",
                    crate::PUSHING.join(", ")
                )));
            }
            match url {
                Value::Null => updates.push((p.clone(), None)),
                Value::String(u) if u.starts_with("http://") || u.starts_with("https://") => {
                    updates.push((p.clone(), Some(u.clone())));
                }
                other => {
                    return Err(Fail::msg(format!(
                        "{p}: {other} is not an http:// or https:// URL (or null)"
                    )))
                }
            }
        }
        let mut urls = self.webhook_urls.lock().unwrap_or_else(|e| e.into_inner());
        for (p, u) in updates {
            match u {
                Some(u) => urls.insert(p, u),
                None => urls.remove(&p),
            };
        }
        Ok(json!(*urls))
    }

    /// `/_admin/events`: every webhook, oldest first, without payloads.
    pub fn events_json(&self) -> Value {
        let ds = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        Value::Array(ds.iter().map(|d| event_json(d, false)).collect())
    }

    /// `/_admin/events/{id}`: one webhook with its payload, headers and attempts.
    pub fn event_json(&self, id: u64) -> Option<Value> {
        let ds = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        ds.iter().find(|d| d.id == id).map(|d| event_json(d, true))
    }

    /// `POST /_admin/trigger {provider, event, card_id?, fields?, redeliver?, tamper?}`.
    fn trigger(&self, req: &Value) -> Result<Value, Fail> {
        let provider = req
            .get("provider")
            .and_then(Value::as_str)
            .ok_or_else(|| Fail::msg("provider is required"))?;
        let event = req
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| Fail::msg("event is required"))?;
        let fields = req.get("fields").cloned().unwrap_or_else(|| json!({}));
        let card_id = req.get("card_id").and_then(Value::as_str);
        let space: &'static str = match provider {
            "worldcard" => "worldcard",
            "legacy" => "legacy",
            "wasabi" => "wasabi",
            "gateway" => "gateway",
            "pintopay" => "pintopay",
            "payca" => "payca",
            other => return Err(Fail::msg(format!("unknown provider {other}"))),
        };
        // Only the events the provider's description lists.
        let known = described::events(provider);
        if !known.iter().any(|e| e == event) {
            return Err(Fail::msg(format!(
                "{provider} has no event {event:?}: use one of {}",
                known.join(", ")
            )));
        }
        // Somewhere to deliver (the gateway stores its events for polling).
        if provider != "gateway" && self.webhook_url(provider).is_none() {
            return Err(Fail::msg(format!(
                "no webhook URL for {provider}: start the sandbox with --webhook-url {provider}=<url>, or PUT /_admin/webhook-urls {{\"{provider}\": \"<url>\"}} (nothing was queued)"
            )));
        }
        let card = self.with_space(space, |w| match card_id {
            Some(id) => w.find(Some(id), Some(id)).ok().cloned(),
            None => w.cards.values().next().cloned(),
        });
        if let (Some(id), None) = (card_id, &card) {
            let ids: Vec<String> =
                self.with_space(space, |w| w.cards.keys().take(10).cloned().collect());
            return Err(Fail::msg(format!(
                "{provider} has no card {id:?}: {}",
                if ids.is_empty() {
                    "no card exists yet (create one first)".to_owned()
                } else {
                    format!("use one of {}", ids.join(", "))
                }
            )));
        }
        let now_text = match provider {
            "worldcard" => handlers::iso(self.now_ms()),
            "legacy" => handlers::legacy_stamp(self.now_ms()),
            "gateway" | "wasabi" => rfc3339_micros(self.now_ms()),
            _ => rfc3339_utc(self.now_ms()),
        };
        // Every documented field of the event, from the description (its
        // examples and types), then what the world knows, then the caller's.
        let mut documented =
            described::event_fields(provider, event, &now_text).unwrap_or_default();
        // The signer adds these.
        let signer_keys: &[&str] = match provider {
            "legacy" => &["appKey", "sign"],
            "worldcard" => &["notify_type"],
            "pintopay" => &["type"],
            _ => &[],
        };
        for k in signer_keys {
            documented.remove(*k);
        }
        let payload = match (provider, card) {
            ("worldcard", Some(c)) => {
                json!({"card_id": c.id, "merchant_card_id": c.merchant_ref, "card_number": c.pan, "currency": c.currency})
            }
            ("legacy", Some(c)) => {
                let t = handlers::legacy_stamp(self.now_ms());
                match event {
                    "kyc" => {
                        json!({"orderNo": format!("LO-{}", c.id), "merOrderNo": c.merchant_ref, "cardNumber": c.id, "status": 2, "completeTime": t, "createTime": t})
                    }
                    "top_up" => {
                        json!({"orderNo": format!("LT-{}", c.id), "merOrderNo": c.merchant_ref, "status": 2, "settleAmount": "10.00", "completeTime": t, "createTime": t})
                    }
                    _ => json!({"cardNumber": c.id}),
                }
            }
            ("wasabi" | "gateway", Some(c)) => json!({"cardNo": c.id, "currency": c.currency}),
            ("pintopay", Some(c)) => json!({"card_id": c.id, "currency": c.currency}),
            ("payca", Some(c)) => json!({"cardId": c.id, "currency": c.currency}),
            _ => json!({}),
        };
        // PayCA card and ledger events wrap their fields in `data`.
        let wrapped = provider == "payca" && event != "cardholder_status" && event != "kyc";
        let mut base = if wrapped {
            documented
                .get("data")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        } else {
            documented
        };
        base.remove("event");
        for source in [payload.as_object(), fields.as_object()]
            .into_iter()
            .flatten()
        {
            for (k, v) in source {
                base.insert(k.clone(), v.clone());
            }
        }
        let mut payload = Value::Object(base);
        let now = self.now_ms();
        let hook = match provider {
            "worldcard" => Hook::worldcard(event, payload),
            "legacy" => Hook::legacy(payload),
            "wasabi" | "gateway" => Hook::wasabi(space, event, payload),
            "pintopay" => {
                if let Some(p) = payload.as_object_mut() {
                    p.entry("timestamp").or_insert(json!(now));
                }
                Hook::pintopay(event, payload)
            }
            _ => {
                let body = if event == "cardholder_status" || event == "kyc" {
                    payload
                } else {
                    json!({"event": event, "data": payload})
                };
                Hook::payca(body)
            }
        };
        let redeliver = req.get("redeliver").and_then(Value::as_u64).unwrap_or(0);
        let tamper = req.get("tamper").and_then(Value::as_bool).unwrap_or(false);
        let ids = self.send_hook(
            &hook,
            u32::try_from(redeliver.min(100)).unwrap_or(0),
            tamper,
        )?;
        Ok(json!({"queued": ids.len(), "delivery_ids": ids, "provider": provider, "event": event}))
    }
}
