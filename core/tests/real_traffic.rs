#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Real traffic, round 3: the shapes genuine deliveries take. Every time
//! inside a webhook body is data (only WorldCard's signed `X-Timestamp`
//! header is a freshness input); business keys tell events apart; a full
//! in-memory guard forgets an expired key before a live one; documented
//! paths all have a table and unknown ones are refused before signing.

mod common;

use std::collections::HashMap;

use cardwire::delivery::{MemoryReplayGuard, ReplayGuard, Seen, DEFAULT_RETENTION_MS};
use cardwire::prelude::*;
use cardwire::registry::{self, Provider};
use cardwire::{payca, pintopay, wasabi, worldcard, worldcard_legacy, AesKey};
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use serde_json::{json, Value};

fn rng() -> rand_chacha::ChaCha20Rng {
    rand_chacha::ChaCha20Rng::seed_from_u64(7)
}

const AES: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";
/// 2026-01-02T03:04:05Z, the receivers' clock in these tests.
const NOW_MS: u64 = 1_767_323_045_000;

/// Any value a provider may put in a time field: epoch seconds, ms, µs,
/// with a fraction, negative, far past and future, RFC 3339 with and
/// without a zone, `YYYY-MM-DD HH:MM:SS`, free text, null, an object.
fn any_time() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..4_000_000_000).prop_map(|s| json!(s)),
        (0u64..4_000_000_000_000).prop_map(|ms| json!(ms)),
        (0u64..4_000_000_000_000_000).prop_map(|us| json!(us)),
        (0u64..4_000_000_000, 1u32..999_999)
            .prop_map(|(s, f)| serde_json::from_str::<Value>(&format!("{s}.{f}")).unwrap()),
        (1i64..1_000_000_000).prop_map(|s| json!(-s)),
        (1900u32..2300, 1u32..13, 1u32..29, 0u32..24, 0u32..60)
            .prop_map(|(y, m, d, h, mi)| json!(format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00Z"))),
        (1900u32..2300, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}T10:00:00+08:00"))),
        (1900u32..2300, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}T10:00:00"))),
        (1900u32..2300, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02} 12:34:56"))),
        "[a-zA-Z ,:]{0,30}".prop_map(Value::String),
        Just(Value::Null),
        Just(json!({"at": 1, "zone": "UTC"})),
        Just(json!([2026, 1, 2])),
    ]
}

fn pintopay_pair() -> (pintopay::Merchant, pintopay::Platform) {
    (
        pintopay::Merchant::new("ptp_key", "ptp-secret-123").unwrap(),
        pintopay::Platform::new("ptp_key", "ptp-secret-123").unwrap(),
    )
}

fn payca_pair() -> (payca::Merchant, payca::Platform) {
    (
        payca::Merchant::new("pc_client", "pc_secret").unwrap(),
        payca::Platform::new("pc_client", "pc_secret").unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// PinToPay: whatever its time fields hold, an authentic webhook is
    /// accepted, and `timestamp_ms` is null (no send time is signed).
    #[test]
    fn pintopay_body_times_never_refuse(t1 in any_time(), t2 in any_time(), t3 in any_time(), now in any::<u64>()) {
        let (m, p) = pintopay_pair();
        let data = json!({"card_id": "card_1", "status": "frozen", "timestamp": t1, "created_at": t2, "event_time": t3});
        let hook = p.sign_webhook(&Notification::new("card.status", &data), 0, &mut rng()).unwrap();
        let ev = m.check_webhook(&Received::new(&hook.headers(), &hook.body), now).unwrap();
        prop_assert_eq!(ev.timestamp_ms, None);
        prop_assert_eq!(ev.event_type.as_str(), "card.status");
        prop_assert!(ev.business_key.as_deref().unwrap().starts_with("card.status::card_1:frozen:"));
    }

    /// PayCA: both body shapes, any `timestamp`, any clock: accepted.
    #[test]
    fn payca_body_times_never_refuse(ts in any_time(), now in any::<u64>(), flat in any::<bool>()) {
        let (c, p) = payca_pair();
        let body = if flat {
            json!({"cardholderId": "ch-1", "status": "pass_audit", "previousStatus": "under_review", "timestamp": ts})
        } else {
            json!({"event": "card_transaction", "data": {"cardId": "c-1", "status": "completed", "createdAt": ts}})
        };
        let hook = p.sign_webhook(&Notification::new("", &body).id("req-1"), 0, &mut rng()).unwrap();
        let ev = c.check_webhook(&Received::new(&hook.headers(), &hook.body), now).unwrap();
        prop_assert_eq!(ev.timestamp_ms, None);
        prop_assert!(ev.business_key.is_some());
    }

    /// Wasabi signs no time at all: any time field in any category is data.
    #[test]
    fn wasabi_body_times_never_refuse(t in any_time(), cat in prop_oneof![Just("card_holder"), Just("card_transaction"), Just("card_auth_transaction"), Just("card_3ds"), Just("physical_card")]) {
        let (m, p) = wasabi_pair();
        let body = json!({"holderId": 1, "orderNo": "o", "tradeNo": "t", "cardNo": "c", "status": "s", "transactionTime": t, "settleDate": t, "expirationTime": t});
        let hook = p.sign_webhook(&Notification::new(cat, &body).id("rq"), 0, &mut rng()).unwrap();
        let ev = m.check_webhook(&Received::new(&hook.headers(), &hook.body), NOW_MS).unwrap();
        prop_assert_eq!(ev.timestamp_ms, None);
    }

    /// WorldCard: the body's times are data; only the signed `X-Timestamp`
    /// header is a freshness input (inside the window here).
    #[test]
    fn worldcard_body_times_never_refuse(t1 in any_time(), t2 in any_time()) {
        let (m, p) = worldcard_pair();
        let data = json!({"card_id": "c1", "card_status": "blocked", "change_time": t1, "complete_time": t2});
        let hook = p.sign_webhook(&Notification::new("card_status_change", &data).app_id("app_1").id("nonce-p").timestamp_ms(NOW_MS - 1000), NOW_MS - 1000, &mut rng()).unwrap();
        let ev = m.check_webhook(&Received::new(&hook.headers(), &hook.body), NOW_MS).unwrap();
        prop_assert_eq!(ev.timestamp_ms, Some(NOW_MS - 1000));
    }

    /// Legacy webhooks carry no send time: their body times are data too.
    #[test]
    fn legacy_body_times_never_refuse(t in "[0-9]{0,20}|[a-z -:]{0,20}") {
        let c = worldcard_legacy::Merchant::new("ak", "legacy-secret-16").unwrap();
        let p = worldcard_legacy::Platform::new("ak", "legacy-secret-16").unwrap();
        let body = json!({"orderNo": "O1", "merOrderNo": "M1", "status": "2", "settleAmount": "10.00", "completeTime": t, "createTime": t});
        let hook = p.sign_webhook(&Notification::new("", &body), 0, &mut rng()).unwrap();
        let ev = c.verify_webhook(&Received::body_only(&hook.body), NOW_MS, &mut MemoryReplayGuard::default()).unwrap();
        prop_assert_eq!(ev.timestamp_ms, None);
    }
}

fn wasabi_pair() -> (wasabi::Merchant, wasabi::Platform) {
    let merchant = wasabi::Merchant::new(wasabi::MerchantKeys {
        api_key: "wsb".into(),
        private_key: common::private_key("merchant_1024.pkcs8.pem"),
        platform_public_key: Some(common::public_key("platform_1024.spki.pem")),
    })
    .unwrap();
    let platform = wasabi::Platform::new(
        "wsb",
        common::private_key("platform_1024.pkcs8.pem"),
        common::public_key("merchant_1024.spki.pem"),
    )
    .unwrap();
    (merchant, platform)
}

fn worldcard_pair() -> (worldcard::Merchant, worldcard::Platform) {
    let merchant = worldcard::Merchant::new(worldcard::MerchantKeys {
        app_id: "app_1".into(),
        private_key: common::private_key("merchant_2048.pkcs8.pem"),
        aes_key: AesKey::parse(AES).unwrap(),
        platform_public_key: Some(common::public_key("platform_2048.spki.pem")),
    })
    .unwrap();
    let platform = worldcard::Platform::new(
        vec![worldcard::MerchantRecord {
            app_id: "app_1".into(),
            public_key: common::public_key("merchant_2048.spki.pem"),
            aes_key: AesKey::parse(AES).unwrap(),
        }],
        Some(common::private_key("platform_2048.pkcs8.pem")),
    )
    .unwrap();
    (merchant, platform)
}

#[test]
fn the_request_window_and_the_reflection_defence_stay() {
    // PinToPay's ±30 s on request_timestamp (provider side) is unchanged.
    let (m, p) = pintopay_pair();
    let now_us = NOW_MS * 1000;
    let req = m
        .build_request(
            &Request::new("/api/v1/cards/get")
                .payload(&json!({"card_id": "c"}))
                .timestamp(now_us - 31_000_000),
            (now_us - 31_000_000) / 1000,
            &mut rng(),
        )
        .unwrap();
    let err = p
        .verify_request(
            &Received::new(&req.headers(), &req.body).with_path("/api/v1/cards/get"),
            now_us / 1000,
            &mut MemoryReplayGuard::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "timestamp_out_of_window");
    // A captured request posted to the webhook URL is still refused.
    let req = m
        .build_request(
            &Request::new("/api/v1/cards/get")
                .payload(&json!({"card_id": "c"}))
                .timestamp(now_us),
            now_us / 1000,
            &mut rng(),
        )
        .unwrap();
    let err = m
        .check_webhook(&Received::new(&req.headers(), &req.body), NOW_MS)
        .unwrap_err();
    assert_eq!(err.code(), "malformed_envelope");
    // WorldCard's signed X-Timestamp is still the one freshness input.
    let (wm, wp) = worldcard_pair();
    let hook = wp
        .sign_webhook(
            &Notification::new("card_open", &json!({"card_id": "1"}))
                .app_id("app_1")
                .id("n-old")
                .timestamp_ms(NOW_MS - DEFAULT_RETENTION_MS - 1),
            NOW_MS - DEFAULT_RETENTION_MS - 1,
            &mut rng(),
        )
        .unwrap();
    assert_eq!(
        wm.check_webhook(&Received::new(&hook.headers(), &hook.body), NOW_MS)
            .unwrap_err()
            .code(),
        "timestamp_out_of_window"
    );
}

#[test]
fn explain_shows_event_times_as_data() {
    let (m, p) = pintopay_pair();
    let hook = p
        .sign_webhook(
            &Notification::new(
                "card.status",
                &json!({"card_id": "c", "created_at": "2020-01-01T00:00:00Z"}),
            ),
            0,
            &mut rng(),
        )
        .unwrap();
    let text = format!(
        "{:?}",
        m.explain_webhook(&Received::new(&hook.headers(), &hook.body), NOW_MS)
    );
    assert!(text.contains("data, not a freshness check"), "{text}");
    assert!(text.contains("created_at"), "{text}");
    let (c, p) = payca_pair();
    let hook = p
        .sign_webhook(
            &Notification::new(
                "",
                &json!({"cardholderId": "h", "status": "reject", "timestamp": "2020-01-01T00:00:00Z"}),
            )
            .id("r"),
            0,
            &mut rng(),
        )
        .unwrap();
    let text = format!(
        "{:?}",
        c.explain_webhook(&Received::new(&hook.headers(), &hook.body), NOW_MS)
    );
    assert!(text.contains("data, not a freshness check"), "{text}");
}

// ------------------------------------------------------------ business keys

#[test]
fn worldcard_retry_resigned_with_a_new_nonce_has_the_same_business_key() {
    let (m, p) = worldcard_pair();
    let data = json!({"transaction_id": "tx_9", "card_id": "c1", "transaction_type": "Authorization",
                      "transaction_status": "PENDING", "transaction_time": "2026-04-01T10:00:00+08:00"});
    let mut g = MemoryReplayGuard::default();
    let a = p
        .sign_webhook(
            &Notification::new("card_billing", &data)
                .app_id("app_1")
                .id("nonce-a")
                .timestamp_ms(NOW_MS - 60_000),
            NOW_MS - 60_000,
            &mut rng(),
        )
        .unwrap();
    let b = p
        .sign_webhook(
            &Notification::new("card_billing", &data)
                .app_id("app_1")
                .id("nonce-b")
                .timestamp_ms(NOW_MS),
            NOW_MS,
            &mut rng(),
        )
        .unwrap();
    let ea = m
        .verify_webhook(&Received::new(&a.headers(), &a.body), NOW_MS, &mut g)
        .unwrap();
    let eb = m
        .verify_webhook(&Received::new(&b.headers(), &b.body), NOW_MS, &mut g)
        .unwrap();
    assert!(!eb.duplicate, "a new signed nonce is a new delivery");
    assert_ne!(ea.delivery.key, eb.delivery.key);
    assert_eq!(ea.business_key, eb.business_key);
    assert_eq!(
        ea.business_key.as_deref(),
        Some("card_billing:Authorization:tx_9:PENDING:2026-04-01T10%3A00%3A00+08%3A00")
    );
    // Settled later: same transaction, a new status, a new key.
    let settled = json!({"transaction_id": "tx_9", "card_id": "c1", "transaction_type": "Settlement",
                         "transaction_status": "COMPLETE", "transaction_time": "2026-04-02T10:00:00+08:00"});
    let c = p
        .sign_webhook(
            &Notification::new("card_billing", &settled)
                .app_id("app_1")
                .id("nonce-c")
                .timestamp_ms(NOW_MS),
            NOW_MS,
            &mut rng(),
        )
        .unwrap();
    let ec = m
        .verify_webhook(&Received::new(&c.headers(), &c.body), NOW_MS, &mut g)
        .unwrap();
    assert_ne!(ec.business_key, ea.business_key);
}

#[test]
fn freeze_unfreeze_freeze_gives_three_keys_everywhere() {
    // WorldCard card_status_change.
    let (m, p) = worldcard_pair();
    let keys: Vec<String> = [("blocked", "10:00"), ("activated", "11:00"), ("blocked", "12:00")]
        .iter()
        .enumerate()
        .map(|(i, (s, t))| {
            let d = json!({"card_id": "c1", "card_status": s, "change_time": format!("2026-04-01T{t}:00+08:00")});
            let nonce = format!("n{i}");
            let h = p.sign_webhook(&Notification::new("card_status_change", &d).app_id("app_1").id(&nonce).timestamp_ms(NOW_MS), NOW_MS, &mut rng()).unwrap();
            m.check_webhook(&Received::new(&h.headers(), &h.body), NOW_MS).unwrap().business_key.unwrap()
        })
        .collect();
    assert_eq!(distinct(&keys), 3, "{keys:?}");
    // PinToPay.
    let (m, p) = pintopay_pair();
    let keys: Vec<String> = [("frozen", 1), ("active", 2), ("frozen", 3)]
        .iter()
        .map(|(s, t)| {
            let h = p
                .sign_webhook(
                    &Notification::new(
                        "card.status",
                        &json!({"card_id": "c", "status": s, "timestamp": t}),
                    ),
                    0,
                    &mut rng(),
                )
                .unwrap();
            m.check_webhook(&Received::new(&h.headers(), &h.body), NOW_MS)
                .unwrap()
                .business_key
                .unwrap()
        })
        .collect();
    assert_eq!(distinct(&keys), 3, "{keys:?}");
    // Wasabi card_transaction (Freeze / UnFreeze / Freeze).
    let (m, p) = wasabi_pair();
    let keys: Vec<String> = [("Freeze", 1), ("UnFreeze", 2), ("Freeze", 3)]
        .iter()
        .map(|(ty, t)| {
            let b =
                json!({"orderNo": "o-1", "type": ty, "status": "success", "transactionTime": t});
            let h = p
                .sign_webhook(
                    &Notification::new("card_transaction", &b).id("rq"),
                    0,
                    &mut rng(),
                )
                .unwrap();
            m.check_webhook(&Received::new(&h.headers(), &h.body), NOW_MS)
                .unwrap()
                .business_key
                .unwrap()
        })
        .collect();
    assert_eq!(distinct(&keys), 3, "{keys:?}");
    // PayCA cardholder moves: wait_audit → under_review → pass_audit.
    let (c, p) = payca_pair();
    let keys: Vec<String> = ["wait_audit", "under_review", "pass_audit"]
        .iter()
        .map(|s| {
            let h = p
                .sign_webhook(
                    &Notification::new(
                        "",
                        &json!({"cardholderId": "h", "status": s, "timestamp": "2026-01-02T03:04:05Z"}),
                    )
                    .id("r"),
                    0,
                    &mut rng(),
                )
                .unwrap();
            c.check_webhook(&Received::new(&h.headers(), &h.body), NOW_MS)
                .unwrap()
                .business_key
                .unwrap()
        })
        .collect();
    assert_eq!(distinct(&keys), 3, "{keys:?}");
}

#[test]
fn wasabi_business_key_keeps_status_for_every_category() {
    let (m, p) = wasabi_pair();
    for cat in [
        "card_holder",
        "card_holder_change_email",
        "card_transaction",
        "work",
        "wallet_transaction",
        "wallet_transaction_v2",
        "card_auth_transaction",
        "card_fee_patch",
        "card_3ds",
        "physical_card",
        "new_one",
    ] {
        let key = |status: &str| {
            let b = json!({"holderId": 1, "orderNo": "o", "tradeNo": "t", "cardNo": "c", "status": status});
            let h = p
                .sign_webhook(&Notification::new(cat, &b).id("rq"), 0, &mut rng())
                .unwrap();
            m.check_webhook(&Received::new(&h.headers(), &h.body), NOW_MS)
                .unwrap()
                .business_key
                .unwrap()
        };
        let keys = [key("wait_audit"), key("under_review"), key("pass_audit")];
        assert_eq!(distinct(&keys), 3, "{cat}: {keys:?}");
        assert!(keys[0].starts_with(&format!("{cat}:")), "{cat}: {keys:?}");
    }
}

#[test]
fn business_key_parts_cannot_run_into_each_other() {
    let fields = cardwire::delivery::BusinessKeyFields {
        kind: &[],
        id: &["id"],
        status: &["status"],
        time: &["t"],
    };
    let a = cardwire::delivery::business_key("x", &json!({"id": "a:b", "status": "c"}), &fields);
    let b = cardwire::delivery::business_key("x", &json!({"id": "a", "status": "b:c"}), &fields);
    assert_ne!(a, b);
    assert_eq!(a, "x::a%3Ab:c:");
}

fn distinct(keys: &[String]) -> usize {
    keys.iter().collect::<std::collections::HashSet<_>>().len()
}

// ------------------------------------------------------------ replay guard

/// The rule written the plain way: drop every expired key; when still
/// full, drop the one that expires soonest (ties by key).
#[derive(Default)]
struct Reference {
    cap: usize,
    keys: HashMap<String, u64>,
}

impl Reference {
    fn check(&mut self, key: &str, now: u64, ttl: u64) -> Seen {
        self.keys.retain(|_, exp| *exp > now);
        if self.keys.contains_key(key) {
            return Seen::Again;
        }
        while self.keys.len() >= self.cap {
            let (k, _) = self
                .keys
                .iter()
                .map(|(k, e)| (k.clone(), *e))
                .min_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)))
                .unwrap();
            self.keys.remove(&k);
        }
        self.keys.insert(key.to_owned(), now + ttl);
        Seen::First
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Mixed lifetimes (WorldCard nonces 10 min, PinToPay requests 60 s,
    /// deliveries 48 h) past capacity: the guard answers exactly like the
    /// plain rule, so no live key is evicted while an expired one remains.
    #[test]
    fn full_guard_forgets_expired_keys_first(
        cap in 1usize..12,
        ops in proptest::collection::vec((0u8..24, 0u64..90_000, prop_oneof![Just(60_000u64), Just(600_000), Just(DEFAULT_RETENTION_MS)]), 1..300),
    ) {
        let mut g = MemoryReplayGuard::new(cap);
        let mut r = Reference { cap, ..Reference::default() };
        let mut now = 0u64;
        for (k, step, ttl) in ops {
            now += step;
            let key = format!("k{k}");
            prop_assert_eq!(g.check_and_record(&key, now, ttl).unwrap(), r.check(&key, now, ttl), "key {} at {}", key, now);
            prop_assert!(g.len() <= cap);
        }
    }
}

#[test]
fn a_live_key_outlives_expired_ones_and_evictions_are_counted() {
    // Capacity 3: a WorldCard nonce (10 min), then two PinToPay request keys
    // (60 s). At +2 min both request keys have expired: the next key takes
    // their room, and a replay of the nonce is still recognised.
    let mut g = MemoryReplayGuard::new(3);
    g.check_and_record("nonce", 0, 600_000).unwrap();
    g.check_and_record("req-1", 1, 60_000).unwrap();
    g.check_and_record("req-2", 2, 60_000).unwrap();
    g.check_and_record("req-3", 120_000, 60_000).unwrap();
    g.check_and_record("req-4", 120_001, 60_000).unwrap();
    assert_eq!(
        g.check_and_record("nonce", 120_002, 600_000).unwrap(),
        Seen::Again
    );
    assert_eq!(g.evictions(), 0);
    // Full of live keys: the soonest to expire goes, and that is counted.
    g.check_and_record("req-5", 120_003, 60_000).unwrap();
    assert_eq!(g.evictions(), 1);
    assert!(!g.contains("req-3", 120_003), "req-3 expired soonest");
    assert!(g.contains("nonce", 120_003));
}

// ------------------------------------------------------------ paths

/// Every path the providers' documents name (WorldCard `Card/*` and legacy
/// pages, Wasabi's Open API and gateway, PinToPay, PayCA), as the documents
/// write them: each must have a validation table, so the unknown-path
/// refusal never breaks a documented call.
const DOCUMENTED: &[(Provider, &[&str])] = &[
    (
        Provider::WorldCard,
        &[
            "/api/v1/card/virtual/apply",
            "/api/v1/card/virtual/bin/list",
            "/api/v1/card/virtual/get_info",
            "/api/v1/card/close",
            "/api/v1/card/deposit",
            "/api/v1/card/deposit/list",
            "/api/v1/card/freeze",
            "/api/v1/card/unfreeze",
            "/api/v1/card/transaction/list",
            "/api/v1/card/physical/bin/list",
            "/api/v1/card/physical/apply",
            "/api/v1/card/physical/kyc/init",
            "/api/v1/card/physical/kyc/status",
            "/api/v1/card/physical/kyc/cancel",
            "/api/v1/card/physical/assign",
            "/api/v1/card/physical/activate",
            "/api/v1/card/physical/change/pin",
            "/api/v1/card/physical/get_info",
        ],
    ),
    (
        Provider::WorldCardLegacy,
        &[
            "/api/card/top/up",
            "/api/card/top/up/query",
            "/op/card/E/change/pin/secure",
            "/op/card/E/change/pin",
            "/op/card/E/info",
            "/op/card/E/set/daily/limit",
            "/op/card/E/lock",
            "/op/card/E/un/lock",
            "/op/card/E/transaction/page",
            "/op/card/E/transaction",
            "/op/card/L/head",
            "/op/card/L/head/en",
            "/op/card/L/info",
            "/op/card/L/lock",
            "/op/card/L/un/lock",
            "/op/card/L/transaction",
            "/op/card/L/simulation/otp",
            "/op/card/L/simulation/transaction",
            "/op/card/P/bin",
            "/op/card/P/info/v2",
            "/op/card/P/transaction",
            "/op/card/P/lock",
            "/op/card/P/un/lock",
            "/op/card/P/close",
            "/op/card/P/document",
            "/op/card/H/balance",
            "/op/card/H/lock",
            "/op/card/H/un/lock",
            "/op/card/H/change/pin/secure",
            "/op/card/H/change/pin",
            "/op/card/H/transactions",
            "/op/card/H/oob",
            "/op/card/H/oob/simulate",
            "/api/card/kyc/apply/master/E",
            "/api/card/kyc/apply/visa/H",
            "/api/card/kyc/apply/virtual/L",
            "/api/card/kyc/apply/virtual/L/en",
            "/api/card/kyc/apply/virtual/P",
            "/api/card/kyc/query",
            "/api/v1/legacy/tf/v4/quotes",
            "/api/v1/legacy/tf/v4/order/create",
            "/api/v1/legacy/tf/v4/order/query",
            "/api/v1/legacy/tf/v4/business",
            "/api/v1/legacy/tf/v4/sourceCountry",
            "/api/v1/legacy/tf/v4/countries",
            "/api/v1/legacy/tf/v4/target/types",
            "/api/v1/legacy/tf/v4/type/countries",
            "/api/v1/legacy/tf/v4/currency/partner",
            "/api/v1/legacy/tf/v4/banks",
            "/api/v1/legacy/tf/v4/branch",
            "/api/v1/legacy/tf/v4/states",
            "/api/v1/legacy/tf/v4/city/code",
            "/api/v1/legacy/tf/v4/relationship/code",
            "/api/v1/legacy/tf/v4/remittancePurpose/code",
            "/api/v1/legacy/tf/v4/sourceOfFunds/code",
            "/api/v1/legacy/tf/v4/occupation/code",
        ],
    ),
    (
        Provider::Wasabi,
        &[
            "/merchant/core/mcb/common/region",
            "/merchant/core/mcb/common/city",
            "/merchant/core/mcb/common/v2/city",
            "/merchant/core/mcb/common/mobileAreaCode",
            "/merchant/core/mcb/common/file/upload",
            "/merchant/core/mcb/account/info",
            "/merchant/core/mcb/account/list",
            "/merchant/core/mcb/account/single/query",
            "/merchant/core/mcb/account/transaction",
            "/merchant/core/mcb/account/create",
            "/merchant/core/mcb/account/transfer",
            "/merchant/core/mcb/wallet/v2/coins",
            "/merchant/core/mcb/wallet/v2/create",
            "/merchant/core/mcb/wallet/v2/addressList",
            "/merchant/core/mcb/wallet/v2/transaction",
            "/merchant/core/mcb/card/v2/cardTypes",
            "/merchant/core/mcb/card/v2/createCard",
            "/merchant/core/mcb/card/openCard",
            "/merchant/core/mcb/card/info",
            "/merchant/core/mcb/card/sensitive",
            "/merchant/core/mcb/card/balanceInfo",
            "/merchant/core/mcb/card/list",
            "/merchant/core/mcb/card/updateAttribute",
            "/merchant/core/mcb/card/note",
            "/merchant/core/mcb/card/v2/freeze",
            "/merchant/core/mcb/card/v2/unfreeze",
            "/merchant/core/mcb/card/deposit",
            "/merchant/core/mcb/card/withdraw",
            "/merchant/core/mcb/card/cancel",
            "/merchant/core/mcb/card/physicalCard/activeCard",
            "/merchant/core/mcb/card/physicalCard/updatePin",
            "/merchant/core/mcb/card/purchaseTransaction",
            "/merchant/core/mcb/card/transaction",
            "/merchant/core/mcb/card/v2/transaction",
            "/merchant/core/mcb/card/authTransaction",
            "/merchant/core/mcb/card/authFeeTransaction",
            "/merchant/core/mcb/card/third3dsTransaction",
            "/merchant/core/mcb/card/simulateAuthTransaction",
            "/merchant/core/mcb/card/holder/occupations",
            "/merchant/core/mcb/card/holder/v2/create",
            "/merchant/core/mcb/card/holder/v2/update",
            "/merchant/core/mcb/card/holder/query",
            "/merchant/core/mcb/card/holder/updateEmail",
            "/merchant/core/mcb/work/submit",
            "/merchant/core/mcb/work/list",
        ],
    ),
    (
        Provider::WasabiGateway,
        &[
            "/api/v1/accounts/",
            "/api/v1/accounts/assets",
            "/api/v1/accounts/create",
            "/api/v1/accounts/single",
            "/api/v1/accounts/transactions",
            "/api/v1/accounts/transfer",
            "/api/v1/cardholders/create-v2",
            "/api/v1/cardholders/list",
            "/api/v1/cardholders/occupations",
            "/api/v1/cardholders/update-email",
            "/api/v1/cardholders/update-v2",
            "/api/v1/cards/3ds-transactions",
            "/api/v1/cards/activate-physical",
            "/api/v1/cards/auth-fee-transactions",
            "/api/v1/cards/auth-transactions",
            "/api/v1/cards/balance",
            "/api/v1/cards/cancel",
            "/api/v1/cards/create-v2",
            "/api/v1/cards/deposit",
            "/api/v1/cards/freeze",
            "/api/v1/cards/info",
            "/api/v1/cards/list",
            "/api/v1/cards/note",
            "/api/v1/cards/operation-transactions-v2",
            "/api/v1/cards/purchase-transactions",
            "/api/v1/cards/sensitive",
            "/api/v1/cards/simulate-auth",
            "/api/v1/cards/support-bins",
            "/api/v1/cards/unfreeze",
            "/api/v1/cards/update",
            "/api/v1/cards/update-pin",
            "/api/v1/cards/withdraw",
            "/api/v1/common/cities",
            "/api/v1/common/cities/hierarchical",
            "/api/v1/common/files/upload",
            "/api/v1/common/mobile-codes",
            "/api/v1/common/regions",
            "/api/v1/wallet/deposit",
            "/api/v1/wallet/deposit/transactions",
            "/api/v1/wallet/v2/address-list",
            "/api/v1/wallet/v2/coins",
            "/api/v1/wallet/v2/create",
            "/api/v1/wallet/v2/transactions",
            "/api/v1/webhook-events",
            "/api/v1/work-orders/",
        ],
    ),
    (
        Provider::PinToPay,
        &[
            "/api/v1/users/create",
            "/api/v1/cards/products",
            "/api/v1/cardholders/create",
            "/api/v1/cards/create",
            "/api/v1/orders/check",
            "/api/v1/cards/get",
            "/api/v1/cards/topup",
            "/api/v1/cards/freeze",
            "/api/v1/cards/unfreeze",
            "/api/v1/project/wallet/trc20",
            "/api/v1/project/balance",
            "/api/v1/wh/subscribe",
            "/api/v1/wh/unsubscribe",
            "/api/v1/wh/subscriptions",
        ],
    ),
    (
        Provider::PayCa,
        &[
            "/v1/users",
            "/v1/cardholders/files",
            "/v1/users/u-1/cardholder",
            "/v1/cardholders",
            "/v1/cardholders/ch-1",
            "/v1/cardholders/cities",
            "/v1/cardholders/occupations",
            "/v1/cardholders/regions",
            "/v1/cards",
            "/v1/users/u-1/kyc/documents",
            "/v1/users/u-1/kyc/submit",
            "/v1/webhooks",
            "/v1/webhooks/resend",
        ],
    ),
];

#[test]
fn every_documented_path_has_a_table() {
    let mut missing = Vec::new();
    for (provider, paths) in DOCUMENTED {
        for path in *paths {
            if registry::table_for(*provider, path).is_none()
                && registry::query_table_for(*provider, path).is_none()
            {
                missing.push(format!("{}: {path}", provider.name()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "documented paths without a table: {missing:#?}"
    );
}

#[test]
fn an_unknown_path_is_refused_before_signing_naming_the_nearest() {
    let (m, _) = worldcard_pair();
    let err = m
        .build_request(
            &Request::new("/api/v1/card/nope")
                .payload(&json!({}))
                .timestamp(1)
                .nonce("n"),
            1000,
            &mut rng(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    let text = err.to_string();
    assert!(
        text.contains("/api/v1/card/nope") && text.contains("/api/v1/card/close"),
        "{text}"
    );
    // A typo of a documented path names it first.
    let err = m
        .build_request(
            &Request::new("/api/v1/card/virtual/get_inf")
                .payload(&json!({}))
                .timestamp(1)
                .nonce("n"),
            1000,
            &mut rng(),
        )
        .unwrap_err();
    let cardwire::Error::ValidationFailed { errors } = &err else {
        panic!("{err:?}")
    };
    assert!(
        errors["path"][0].contains("nearest: `/api/v1/card/virtual/get_info`"),
        "{errors:?}"
    );
    // Skipped like every other rule when validation is off.
    assert!(m
        .build_request(
            &Request::new("/api/v1/card/nope")
                .payload(&json!({}))
                .timestamp(1)
                .nonce("n")
                .validate(false),
            1000,
            &mut rng(),
        )
        .is_ok());
    let err = registry::validate(
        "pintopay",
        "/api/v1/cards/toppup",
        &json!({}),
        &Default::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/api/v1/cards/topup"), "{err}");
    // PayCA GETs are checked on their path too.
    let (c, _) = payca_pair();
    let err = c
        .build_request(
            &Request {
                method: Some("GET"),
                path: "/v1/cardholder",
                ..Default::default()
            },
            0,
            &mut rng(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
}

// ------------------------------------------------------------ the rest

#[test]
fn pintopay_platform_keys_on_the_path_alone() {
    let (m, p) = pintopay_pair();
    let now_us = NOW_MS * 1000;
    let req = m
        .build_request(
            &Request {
                idempotency_key: Some("idem"),
                ..Request::new("/api/v1/cards/topup")
                    .payload(&json!({"card_id": "c", "amount": "10.00"}))
                    .timestamp(now_us)
                    .validate(false)
            },
            now_us / 1000,
            &mut rng(),
        )
        .unwrap();
    let no_key: Headers = req
        .headers()
        .pairs()
        .iter()
        .filter(|(k, _)| k != "Idempotency-Key")
        .cloned()
        .collect();
    let mut g = MemoryReplayGuard::default();
    // A query string no longer skips the Idempotency-Key requirement...
    let err = p
        .verify_request(
            &Received::new(&no_key, &req.body).with_path("/api/v1/cards/topup?x=1"),
            now_us / 1000,
            &mut g,
        )
        .unwrap_err();
    assert_eq!(err.code(), "idempotency_key_required");
    // ...nor makes a replay look new.
    let mut g = MemoryReplayGuard::default();
    p.verify_request(
        &Received::new(&req.headers(), &req.body).with_path("/api/v1/cards/topup"),
        now_us / 1000,
        &mut g,
    )
    .unwrap();
    let err = p
        .verify_request(
            &Received::new(&req.headers(), &req.body).with_path("/api/v1/cards/topup?again"),
            now_us / 1000,
            &mut g,
        )
        .unwrap_err();
    assert_eq!(err.code(), "replay_detected");
}

#[test]
fn worldcard_10033_is_retryable_and_other_codes_are_not() {
    let (m, _) = worldcard_pair();
    for (code, retryable) in [(10033, true), (1004, true), (10025, false), (10011, false)] {
        let body = format!(r#"{{"code":{code},"message":"x","data":null}}"#);
        let cardwire::Error::Api(e) = m
            .open_response(
                &Received::response(200, &Headers::new(), body.as_bytes()),
                NOW_MS,
            )
            .unwrap_err()
        else {
            panic!()
        };
        assert_eq!(e.retryable, retryable, "{code}");
    }
}

#[test]
fn the_default_retention_covers_every_documented_retry_schedule() {
    for s in worldcard_legacy::RETRY_SCHEDULES {
        assert!(
            s.span_ms() < DEFAULT_RETENTION_MS,
            "{} ({}): {} ms",
            s.event_type,
            s.page,
            s.span_ms()
        );
    }
    let longest = worldcard_legacy::RETRY_SCHEDULES
        .iter()
        .map(|s| s.span_ms())
        .max()
        .unwrap();
    assert_eq!(longest, 131 * 60_000, "bill and close: 5 + 9 × 14 minutes");
    assert_eq!(
        worldcard_legacy::retry_schedule("otp").sends(),
        1,
        "OTP is notified once"
    );
    assert_eq!(
        worldcard_legacy::retry_schedule("kyc").span_ms(),
        41 * 60_000
    );
    assert_eq!(
        worldcard_legacy::retry_schedule("top_up").span_ms(),
        15 * 60_000
    );
    assert_eq!(worldcard_legacy::retry_schedule("bill").sends(), 51);
    // Every legacy event type has its own page's schedule.
    for t in [
        "top_up",
        "kyc",
        "bill",
        "close",
        "otp",
        "virtual_p",
        "oob",
        "transfer_order",
    ] {
        assert_eq!(worldcard_legacy::retry_schedule(t).event_type, t);
    }
    // WorldCard's listed intervals (1 min doubling to 4.3 h, then 24 h) and Wasabi's 7 sends fit too.
    let worldcard_ms: u64 = (0..9).map(|n| 60_000u64 << n).sum::<u64>() + 86_400_000;
    let wasabi_ms: u64 = [1u64, 5, 20, 60, 720, 1440]
        .iter()
        .map(|m| m * 60_000)
        .sum();
    assert!(worldcard_ms < DEFAULT_RETENTION_MS && wasabi_ms < DEFAULT_RETENTION_MS);
}

#[test]
fn aes_keys_forgive_surrounding_white_space_and_list_the_forms() {
    // The key read from a file keeps its newline: it opens what the bare key sealed.
    let gcm = |k: &AesKey| cardwire::crypto::aes_gcm::AesGcmKey::new(k);
    let sealed = gcm(&AesKey::parse(AES).unwrap())
        .seal_b64(b"4937241000003841", &mut rng())
        .unwrap();
    let opened = gcm(&AesKey::parse(&format!("  {AES}\r\n")).unwrap())
        .open_b64(&sealed)
        .unwrap();
    assert_eq!(opened, b"4937241000003841");
    let bytes: Vec<u8> = (0..AES.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&AES[i..i + 2], 16).unwrap())
        .collect();
    assert!(AesKey::from_bytes(&bytes).is_ok());
    let err = AesKey::parse("too short").unwrap_err().to_string();
    assert!(
        err.contains("64 hex") && err.contains("44 Base64") && err.contains("32 raw"),
        "{err}"
    );
    let err = AesKey::from_bytes(&bytes[..31]).unwrap_err().to_string();
    assert!(err.contains("exactly 32 bytes"), "{err}");
    // Half of a hex key is 32 hex digits: taken as raw text, as the provider's sample does.
    assert!(AesKey::parse(&AES[..32]).is_ok());
}
