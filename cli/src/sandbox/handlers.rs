//! The six providers' request handling: each request is verified by the
//! core's platform side exactly as the provider would (headers, signatures,
//! windows, nonces, idempotency keys, validation) and refused in the
//! provider's own shape; an accepted one acts on the world and is answered
//! sealed or signed like the provider's. State changes queue webhooks.

use cardwire::envelope::{Headers, OutgoingResponse};
use cardwire::{
    payca, pintopay, wasabi, worldcard, worldcard_legacy, MemoryReplayGuard, Payload, Received,
    RequestVerifier,
};
use serde_json::{json, Value};

use super::world::{amount_of, money, Card, CardState, Refusal, Space};
use super::{described, Hook, Sandbox};

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|x| !x.is_empty())
}

fn json_response(status: u16, v: &Value) -> OutgoingResponse {
    OutgoingResponse {
        status,
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: v.to_string().into_bytes(),
    }
}

/// The wall-clock time at UTC+8, WorldCard's zone in every example:
/// (`YYYY-MM-DD`, hours, minutes, seconds).
fn wall(ms: u64) -> (String, u64, u64, u64) {
    let secs = ms / 1000 + 8 * 3600;
    let t = secs % 86_400;
    (
        cardwire::validate::date_from_unix_seconds(secs),
        t / 3600,
        t / 60 % 60,
        t % 60,
    )
}

/// RFC 3339 with WorldCard's offset, as its `Card/*` documents show times
/// (`2026-04-01T10:00:00+08:00`).
pub(crate) fn iso(ms: u64) -> String {
    let (d, h, m, s) = wall(ms);
    format!("{d}T{h:02}:{m:02}:{s:02}+08:00")
}

/// Legacy answers' times: `2023-04-02 17:07:09`.
pub(crate) fn legacy_time(ms: u64) -> String {
    let (d, h, m, s) = wall(ms);
    format!("{d} {h:02}:{m:02}:{s:02}")
}

/// Legacy webhooks' times: `20220331121212`.
pub(crate) fn legacy_stamp(ms: u64) -> String {
    let (d, h, m, s) = wall(ms);
    format!("{}{h:02}{m:02}{s:02}", d.replace('-', ""))
}

// ------------------------------------------------------------------ WorldCard

fn wc_refusal(r: &Refusal) -> OutgoingResponse {
    let (code, msg) = match r {
        Refusal::UnknownCard | Refusal::NotKept => (10001, "Card does not exist"),
        Refusal::UnknownHolder => (10010, "Card order does not exist"),
        Refusal::Duplicate => (10011, "Duplicate card order"),
        Refusal::Insufficient => (10031, "Insufficient card reserve balance"),
        // Status Codes: 1006 "Invalid operation" (10025 is "Card freeze failed"),
        // 10007 "Insufficient card quota" (10033 is "KYC service unavailable").
        Refusal::NotActive => (
            1006,
            "Invalid operation: the card's status does not allow it",
        ),
        Refusal::Full => (10007, "Insufficient card quota"),
        Refusal::BadAmount => (1102, "Invalid field value"),
    };
    worldcard::Platform::seal_error(code, msg)
}

fn wc_card_json(c: &Card, sensitive: bool) -> Value {
    let status = match c.state {
        CardState::Active => 2,
        CardState::Frozen => 6,
        CardState::Closed => 5,
    };
    let mut v = json!({
        "card_id": c.id, "merchant_card_id": c.merchant_ref, "card_type": c.kind, "card_bin_id": "bin_sandbox",
        "available_balance": money(c.balance), "frozen_balance": "0.00", "pending_balance": "0.00",
        "currency": c.currency, "status": status, "created_at": iso(c.created_ms),
    });
    // Returned only at status 2 (active), empty strings otherwise (Card Details).
    let shown = |x: &str| {
        if sensitive {
            x.to_owned()
        } else {
            String::new()
        }
    };
    v["card_number"] = json!(shown(&c.pan));
    v["cvv"] = json!(shown(&c.cvv));
    v["expiry_month"] = json!(shown(&c.exp_month));
    v["expiry_year"] = json!(shown(&c.exp_year));
    v
}

fn wc_status_name(c: &Card) -> &'static str {
    match c.state {
        CardState::Active => "activated",
        CardState::Frozen => "blocked",
        CardState::Closed => "cancelled",
    }
}

pub fn worldcard(sb: &Sandbox, path: &str, headers: &Headers, body: &[u8]) -> OutgoingResponse {
    let now_ms = sb.now_ms();
    let verified = {
        let mut guard = sb.guard();
        sb.worldcard.verify_request(
            &Received::new(headers, body).with_path(path),
            now_ms,
            guard.as_mut(),
        )
    };
    let req = match verified {
        Ok(r) => r,
        Err(e) => return worldcard::Platform::rejection(&e),
    };
    let p = &req.json;
    let app = sb.creds.worldcard_app_id.clone();
    let result: Result<Value, Refusal> = sb.with_space("worldcard", |w: &mut Space| match path {
        "/api/v1/card/virtual/apply" => {
            let initial = amount_of(p.get("first_recharge_amount")).ok_or(Refusal::BadAmount)?;
            let mref = s(p, "merchant_card_id").unwrap_or_default().to_owned();
            w.claim(&format!("card:{mref}"), "card")?;
            let card = w.issue("wc_", Some(mref.clone()), None, initial, s(p, "card_type").unwrap_or("VIRTUAL-V"), now_ms)?;
            sb.hook(Hook::worldcard("card_open", json!({
                "card_id": card.id, "merchant_card_id": mref, "card_number": card.pan, "status": 2,
                "amount": money(initial), "currency": card.currency, "create_time": iso(now_ms), "complete_time": iso(now_ms),
            })));
            Ok(json!({"card_id": card.id, "merchant_card_id": mref, "status": 1, "created_at": iso(now_ms)}))
        }
        "/api/v1/card/deposit" => {
            let amount = amount_of(p.get("amount")).ok_or(Refusal::BadAmount)?;
            let id = w.find(s(p, "card_id"), s(p, "merchant_card_id"))?.id.clone();
            let mref = s(p, "merchant_transaction_id").unwrap_or_default().to_owned();
            let (card, txn) = w.deposit(&id, &format!("deposit:{mref}"), amount, now_ms)?;
            sb.hook(Hook::worldcard("card_deposit", json!({
                "transaction_id": txn.id, "merchant_transaction_id": mref, "card_id": card.id, "amount": money(amount),
                "settle_amount": money(amount), "currency": card.currency, "status": 1,
                "create_time": iso(now_ms), "complete_time": iso(now_ms),
            })));
            Ok(json!({"transaction_id": txn.id, "card_id": card.id, "merchant_card_id": card.merchant_ref, "merchant_transaction_id": mref,
                      "amount": money(amount), "currency": card.currency, "status": 1, "created_at": iso(now_ms)}))
        }
        "/api/v1/card/virtual/get_info" => {
            let card = w.find(s(p, "card_id"), s(p, "merchant_card_id"))?;
            Ok(wc_card_json(card, card.state == CardState::Active))
        }
        "/api/v1/card/freeze" | "/api/v1/card/unfreeze" | "/api/v1/card/close" => {
            let id = w.find(s(p, "card_id"), s(p, "merchant_card_id"))?.id.clone();
            let state = match path {
                "/api/v1/card/freeze" => CardState::Frozen,
                "/api/v1/card/unfreeze" => CardState::Active,
                _ => CardState::Closed,
            };
            let before = w.find(Some(&id), None)?.balance;
            let card = w.set_state(&id, state)?;
            sb.hook(Hook::worldcard("card_status_change", json!({
                "card_id": card.id, "merchant_card_id": card.merchant_ref, "card_number": card.pan,
                "card_status": wc_status_name(&card), "change_time": iso(now_ms),
            })));
            if state == CardState::Closed {
                sb.hook(Hook::worldcard("card_close", json!({
                    "card_id": card.id, "merchant_card_id": card.merchant_ref, "card_number": card.pan, "card_status": "cancelled",
                    "amount": money(before), "currency": card.currency, "complete_time": iso(now_ms),
                })));
            }
            let status = match state { CardState::Frozen => 6, CardState::Active => 2, CardState::Closed => 4 };
            Ok(json!({"card_id": card.id, "status": status}))
        }
        "/api/v1/card/transaction/list" | "/api/v1/card/deposit/list" => {
            let card = s(p, "card_id").map(str::to_owned);
            let list: Vec<Value> = w.txns_of(card.as_deref()).iter().map(|t| json!({
                "transaction_id": t.id, "card_id": t.card_id, "merchant_transaction_id": t.merchant_ref.trim_start_matches("deposit:"),
                "amount": money(t.amount), "transaction_amount": money(t.amount), "currency": "USD", "transaction_type": t.kind,
                "transaction_status": "COMPLETE", "status": 2, "created_at": iso(t.at_ms),
            })).collect();
            Ok(json!({"total": list.len(), "page": 1, "page_size": list.len().max(1), "list": list}))
        }
        _ => Err(Refusal::NotKept),
    });
    match result {
        Ok(data) => {
            let sealed =
                sb.worldcard
                    .seal_response(&app, Some(Payload::Json(&data)), &mut *sb.rng());
            sealed.unwrap_or_else(|e| worldcard::Platform::rejection(&e))
        }
        Err(Refusal::NotKept) => match described::answer("worldcard", "POST", path, &iso(now_ms)) {
            // An answer without data (change PIN): `{"code":0,"message":"success"}`.
            Some((_, data)) => sb
                .worldcard
                .seal_response(
                    &app,
                    (!data.is_null()).then_some(Payload::Json(&data)),
                    &mut *sb.rng(),
                )
                .unwrap_or_else(|e| worldcard::Platform::rejection(&e)),
            None => json_response(
                404,
                &json!({"code": 404, "message": format!("Resource Not Found: {path} is not a WorldCard Card/* endpoint"), "data": null}),
            ),
        },
        Err(r) => wc_refusal(&r),
    }
}

// --------------------------------------------------------------------- legacy

fn legacy_refusal(r: &Refusal) -> OutgoingResponse {
    let (code, msg) = match r {
        Refusal::UnknownCard | Refusal::UnknownHolder | Refusal::NotKept => {
            (5010, "Order not found")
        }
        Refusal::Duplicate => (5101, "Duplicate order submission"),
        Refusal::Insufficient => (5102, "Insufficient reserve balance"),
        Refusal::NotActive => (5006, "Card status does not allow this operation"),
        Refusal::Full => (5006, "Sandbox limit reached"),
        Refusal::BadAmount => (5001, "Invalid parameters"),
    };
    worldcard_legacy::Platform::seal_error(code, msg)
}

pub fn legacy(sb: &Sandbox, path: &str, body: &[u8]) -> OutgoingResponse {
    let now_ms = sb.now_ms();
    let p = match sb.legacy.verify_request(
        &Received::body_only(body).with_path(path),
        now_ms,
        &mut MemoryReplayGuard::new(1),
    ) {
        Ok(m) => Value::Object(m),
        Err(e) => return worldcard_legacy::Platform::rejection(&e),
    };
    let route = path.split('?').next().unwrap_or_default();
    let result: Result<Value, Refusal> = sb.with_space("legacy", |w| match route {
        "/api/card/kyc/apply/virtual/L" | "/api/card/kyc/apply/virtual/L/en" | "/api/card/kyc/apply/virtual/P" => {
            let mer = s(&p, "merOrderNo").unwrap_or_default().to_owned();
            w.claim(&format!("order:{mer}"), "issue")?;
            let initial = amount_of(p.get("firstRecharge")).unwrap_or(1000);
            let kind = if route.ends_with('P') { "VIRTUAL-P" } else { "VIRTUAL-L" };
            let card = w.issue("lg_", Some(mer.clone()), None, initial, kind, now_ms)?;
            let order = w.next_id("LO");
            w.orders.insert(format!("orderNo:{order}"), card.id.clone());
            sb.hook(Hook::legacy(json!({"orderNo": order, "merOrderNo": mer, "cardNumber": card.id, "status": 2,
                                        "completeTime": legacy_stamp(now_ms), "createTime": legacy_stamp(now_ms)})));
            Ok(json!({"merOrderNo": mer, "orderNo": order, "status": 1, "createTime": legacy_time(now_ms)}))
        }
        "/api/card/kyc/query" => {
            let mer = s(&p, "merOrderNo").unwrap_or_default();
            let card = w.find(None, Some(mer))?;
            Ok(json!({"merOrderNo": mer, "cardNumber": card.id, "status": 2}))
        }
        "/api/card/top/up" => {
            let mer = s(&p, "merOrderNo").unwrap_or_default().to_owned();
            let amount = amount_of(p.get("amount")).ok_or(Refusal::BadAmount)?;
            let id = w.find(s(&p, "cardNumber"), None)?.id.clone();
            let (card, txn) = w.deposit(&id, &format!("order:{mer}"), amount, now_ms)?;
            sb.hook(Hook::legacy(json!({"orderNo": txn.id, "merOrderNo": mer, "status": 2, "settleAmount": money(amount),
                                        "completeTime": legacy_stamp(now_ms), "createTime": legacy_stamp(now_ms)})));
            Ok(json!({"merOrderNo": mer, "cardNumber": card.id, "orderNo": txn.id, "settleAmount": money(amount), "status": 1}))
        }
        "/op/card/L/info" | "/op/card/E/info" => {
            let card = w.find(s(&p, "cardNumber"), None)?;
            Ok(json!({"balance": money(card.balance), "cardNo": card.pan, "cardExpiryDate": format!("{}/{}", card.exp_month, &card.exp_year[2..]),
                      "cvv": card.cvv, "localCurrency": card.currency, "cardStatus": match card.state { CardState::Frozen => "0", CardState::Active => "1", CardState::Closed => "2" }}))
        }
        "/op/card/P/info/v2" => {
            let card = w.find(s(&p, "cardNumber"), None)?;
            Ok(json!({"last4": &card.pan[12..], "status": match card.state { CardState::Frozen => "Frozen", CardState::Active => "Active", CardState::Closed => "Inactive" },
                      "balance": {"available": money(card.balance), "currency": card.currency},
                      "cardInfo": {"cardNo": card.pan, "cvv": card.cvv, "expYear": card.exp_year, "expMonth": card.exp_month}}))
        }
        "/op/card/L/lock" | "/op/card/P/lock" | "/op/card/L/un/lock" | "/op/card/P/un/lock" | "/op/card/P/close" | "/op/card/L/close" => {
            let id = w.find(s(&p, "cardNumber"), None)?.id.clone();
            let state = if route.ends_with("un/lock") { CardState::Active } else if route.ends_with("lock") { CardState::Frozen } else { CardState::Closed };
            w.set_state(&id, state)?;
            Ok(json!(true))
        }
        _ => Err(Refusal::NotKept),
    });
    match result {
        Ok(data) => sb
            .legacy
            .seal_response(Payload::Json(&data))
            .unwrap_or_else(|e| worldcard_legacy::Platform::rejection(&e)),
        Err(Refusal::NotKept) => {
            match described::answer("legacy", "POST", route, &legacy_time(now_ms)) {
                Some((_, data)) => sb
                    .legacy
                    .seal_response(Payload::Json(&data))
                    .unwrap_or_else(|e| worldcard_legacy::Platform::rejection(&e)),
                None => json_response(
                    404,
                    &json!({"success": false, "status": 404, "msg": format!("{route} is not a WorldCard legacy endpoint"), "data": null}),
                ),
            }
        }
        Err(r) => legacy_refusal(&r),
    }
}

// ---------------------------------------------------------------- Wasabi API

fn wsb_refusal(r: &Refusal) -> (i64, &'static str) {
    // Wasabi documents no business codes: these are the sandbox's.
    match r {
        Refusal::UnknownCard | Refusal::NotKept => (10001, "card not found"),
        Refusal::UnknownHolder => (10002, "card holder not found"),
        Refusal::Duplicate => (10003, "duplicate merchantOrderNo"),
        Refusal::Insufficient => (10004, "insufficient balance"),
        Refusal::NotActive => (10005, "card status does not allow this operation"),
        Refusal::Full => (10006, "sandbox limit reached"),
        Refusal::BadAmount => (10007, "invalid amount"),
    }
}

fn wsb_status(c: &Card) -> &'static str {
    match c.state {
        CardState::Active => "Normal",
        CardState::Frozen => "Freeze",
        CardState::Closed => "cancel",
    }
}

fn wsb_order(card: &Card, order: &str, mer: &str, kind: &str, amount: i64, now_ms: u64) -> Value {
    json!({"orderNo": order, "merchantOrderNo": mer, "cardNo": card.id, "currency": card.currency, "amount": money(amount),
           "fee": "0.00", "receivedAmount": money(amount), "receivedCurrency": card.currency, "type": kind, "status": "success",
           "description": "", "remark": "", "transactionTime": now_ms})
}

/// One Wasabi operation on the world, shared by the Open API and the
/// gateway (the gateway passes the upstream's fields and answers through).
pub fn wasabi_op(sb: &Sandbox, space: &'static str, op: &str, p: &Value) -> Result<Value, Refusal> {
    let now_ms = sb.now_ms();
    sb.with_space(space, |w| match op {
        "holder" => {
            let h = w.add_holder("wh_", "wait_audit", s(p, "email").map(str::to_owned))?;
            let id: u64 = h.id.trim_start_matches("wh_").parse().unwrap_or(0);
            // The audit completes at once in the sandbox: pass_audit, with its webhook.
            if let Some(x) = w.holders.get_mut(&h.id) {
                x.status = "pass_audit".to_owned();
            }
            sb.hook(Hook::wasabi(space, "card_holder", json!({"holderId": id, "status": "pass_audit", "description": "sandbox audit"})));
            Ok(json!({"holderId": id, "status": "wait_audit"}))
        }
        "create" => {
            let mer = s(p, "merchantOrderNo").unwrap_or_default().to_owned();
            let amount = amount_of(p.get("amount")).ok_or(Refusal::BadAmount)?;
            let holder = p.get("holderId").map(|h| format!("wh_{:08}", h.as_u64().or_else(|| h.as_str().and_then(|x| x.parse().ok())).unwrap_or(0)));
            if let Some(h) = &holder {
                if !w.holders.contains_key(h) {
                    return Err(Refusal::UnknownHolder);
                }
            }
            w.claim(&format!("order:{mer}"), "create")?;
            let card = w.issue("ws_", Some(mer.clone()), holder, amount, "virtual", now_ms)?;
            let order = w.next_id("WO");
            let rec = wsb_order(&card, &order, &mer, "create", amount, now_ms);
            sb.hook(Hook::wasabi(space, "card_transaction", rec.clone()));
            Ok(rec)
        }
        "deposit" => {
            let mer = s(p, "merchantOrderNo").unwrap_or_default().to_owned();
            let amount = amount_of(p.get("amount")).ok_or(Refusal::BadAmount)?;
            let id = w.find(s(p, "cardNo"), None)?.id.clone();
            let (card, txn) = w.deposit(&id, &format!("order:{mer}"), amount, now_ms)?;
            let rec = wsb_order(&card, &txn.id, &mer, "deposit", amount, now_ms);
            sb.hook(Hook::wasabi(space, "card_transaction", rec.clone()));
            Ok(rec)
        }
        "info" => {
            let c = w.find(s(p, "cardNo"), None)?;
            let mut v = json!({"cardTypeId": 111001, "cardBankBin": "531993", "cardNo": c.id, "status": wsb_status(c),
                      "blocked": false, "bindTime": c.created_ms, "noPinPaymentAmount": "0", "remark": "",
                      "balanceInfo": {"cardNo": c.id, "amount": money(c.balance), "usedAmount": "0.00", "currency": c.currency}});
            // holderId is Wasabi's integer id (the world keys holders as wh_<digits>).
            if let Some(h) = c.holder.as_deref().and_then(|h| h.trim_start_matches("wh_").parse::<u64>().ok()) {
                v["holderId"] = json!(h);
            }
            Ok(v)
        }
        "balance" => {
            let c = w.find(s(p, "cardNo"), None)?;
            Ok(json!({"cardNo": c.id, "amount": money(c.balance), "usedAmount": "0.00", "currency": c.currency}))
        }
        "sensitive" => {
            let c = w.find(s(p, "cardNo"), None)?;
            if c.state == CardState::Closed {
                return Err(Refusal::NotActive);
            }
            let mut rng = sb.rng();
            let mut enc = |t: &str| sb.wasabi.encrypt_field(t, wasabi::RsaPadding::Pkcs1v15, &mut *rng).map_err(|_| Refusal::BadAmount);
            let v = json!({"cardNumber": enc(&c.pan)?, "cvv": enc(&c.cvv)?, "expireDate": enc(&format!("{}/{}", c.exp_month, &c.exp_year[2..]))?});
            Ok(v)
        }
        "freeze" | "unfreeze" | "cancel" => {
            let mer = s(p, "merchantOrderNo").unwrap_or_default().to_owned();
            let id = w.find(s(p, "cardNo"), None)?.id.clone();
            w.claim(&format!("order:{mer}"), op)?;
            let state = match op { "freeze" => CardState::Frozen, "unfreeze" => CardState::Active, _ => CardState::Closed };
            let card = w.set_state(&id, state)?;
            let order = w.next_id("WO");
            let kind = match op { "freeze" => "Freeze", "unfreeze" => "UnFreeze", _ => "cancel" };
            let rec = wsb_order(&card, &order, &mer, kind, 0, now_ms);
            sb.hook(Hook::wasabi(space, "card_transaction", rec.clone()));
            Ok(rec)
        }
        "transactions" => {
            let card = s(p, "cardNo").map(str::to_owned);
            let records: Vec<Value> = w.txns_of(card.as_deref()).iter().map(|t| json!({
                "orderNo": t.id, "merchantOrderNo": t.merchant_ref.trim_start_matches("order:"), "cardNo": t.card_id,
                "amount": money(t.amount), "currency": "USD", "type": t.kind, "status": t.status, "transactionTime": t.at_ms,
            })).collect();
            Ok(json!({"total": records.len(), "records": records}))
        }
        _ => Err(Refusal::NotKept),
    })
}

fn wasabi_route(path: &str) -> Option<&'static str> {
    Some(match path {
        "/merchant/core/mcb/card/holder/v2/create" => "holder",
        "/merchant/core/mcb/card/v2/createCard" => "create",
        "/merchant/core/mcb/card/deposit" => "deposit",
        "/merchant/core/mcb/card/info" => "info",
        "/merchant/core/mcb/card/balanceInfo" => "balance",
        "/merchant/core/mcb/card/sensitive" => "sensitive",
        "/merchant/core/mcb/card/v2/freeze" => "freeze",
        "/merchant/core/mcb/card/v2/unfreeze" => "unfreeze",
        "/merchant/core/mcb/card/cancel" => "cancel",
        "/merchant/core/mcb/card/v2/transaction" => "transactions",
        _ => return None,
    })
}

pub fn wasabi(sb: &Sandbox, path: &str, headers: &Headers, body: &[u8]) -> OutgoingResponse {
    let mut rng = sb.rng();
    let p = match sb.wasabi.verify_request(
        &Received::new(headers, body).with_path(path),
        sb.now_ms(),
        &mut MemoryReplayGuard::new(1),
    ) {
        Ok(v) => v,
        Err(e) => {
            let (code, msg) = match e.code() {
                "unknown_merchant" => (401, "invalid api key"),
                "validation_failed" => (400, "parameter validation failed"),
                _ => (401, "signature verification failed"),
            };
            return sb
                .wasabi
                .seal_error(code, msg, &mut *rng)
                .unwrap_or_else(|_| json_response(500, &json!({})));
        }
    };
    drop(rng);
    let result = match wasabi_route(path) {
        Some(op) => wasabi_op(sb, "wasabi", op, &p),
        None => Err(Refusal::NotKept),
    };
    let mut rng = sb.rng();
    let r = match result {
        Ok(data) => sb.wasabi.seal_response(Payload::Json(&data), &mut *rng),
        Err(Refusal::NotKept) => {
            let now = crate::sandbox::rfc3339_utc(sb.now_ms());
            match described::answer("wasabi", "POST", path, &now) {
                Some((_, data)) => sb.wasabi.seal_response(Payload::Json(&data), &mut *rng),
                None => sb.wasabi.seal_error(
                    404,
                    &format!("{path} is not a Wasabi Open API endpoint"),
                    &mut *rng,
                ),
            }
        }
        Err(r) => {
            let (code, msg) = wsb_refusal(&r);
            sb.wasabi.seal_error(code, msg, &mut *rng)
        }
    };
    r.unwrap_or_else(|_| json_response(500, &json!({})))
}

// -------------------------------------------------------------------- gateway

pub fn gateway(
    sb: &Sandbox,
    method: &str,
    path: &str,
    headers: &Headers,
    body: &[u8],
) -> OutgoingResponse {
    let key = headers.get("X-API-KEY").ok().flatten();
    if key.is_none_or(|k| !ct_eq(k, &sb.creds.gateway_api_key)) {
        return json_response(
            401,
            &json!({"success": false, "code": 401, "msg": "Invalid or missing API key.", "data": null}),
        );
    }
    if let Some(wait) = key.and_then(|k| sb.gateway_throttle(k)) {
        // The framework's own shape, with Retry-After (providers.md).
        return OutgoingResponse {
            status: 429,
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Retry-After".to_owned(), wait.to_string()),
            ],
            body: br#"{"message":"Too Many Attempts."}"#.to_vec(),
        };
    }
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    if method == "GET" && route == "/api/v1/webhook-events" {
        return match sb.gateway_events(query) {
            Ok(page) => json_response(
                200,
                &json!({"success": true, "code": 200, "msg": "Success", "data": page}),
            ),
            Err(msg) => json_response(
                422,
                &json!({"success": false, "code": 422, "msg": "Validation failed.", "data": {"query": [msg]}}),
            ),
        };
    }
    let p: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match cardwire::exact_json::parse(body) {
            Ok(v) => v,
            Err(_) => {
                return json_response(
                    422,
                    &json!({"success": false, "code": 422, "msg": "Validation failed.", "data": {"body": ["The body must be JSON."]}}),
                )
            }
        }
    };
    // An undocumented path is the gateway's 404 (before its field validation).
    let now_text = crate::sandbox::rfc3339_micros(sb.now_ms());
    if described::answer("gateway", method, route, &now_text).is_none() {
        return json_response(
            404,
            &json!({"success": false, "code": 404, "msg": format!("Not Found: {method} {route} is not a gateway endpoint."), "data": null}),
        );
    }
    // The gateway's tables are keyed by the whole path (`/api/v1/...`).
    if let Err(cardwire::Error::ValidationFailed { errors }) = cardwire::registry::validate_for(
        cardwire::registry::Provider::WasabiGateway,
        route,
        &p,
        &cardwire::validate::Context::default(),
    ) {
        return json_response(
            422,
            &json!({"success": false, "code": 422, "msg": "Validation failed.", "data": errors}),
        );
    }
    let op = match route {
        "/api/v1/cardholders/create-v2" => "holder",
        "/api/v1/cards/create-v2" => "create",
        "/api/v1/cards/deposit" => "deposit",
        "/api/v1/cards/info" => "info",
        "/api/v1/cards/balance" => "balance",
        "/api/v1/cards/sensitive" => "sensitive",
        "/api/v1/cards/freeze" => "freeze",
        "/api/v1/cards/unfreeze" => "unfreeze",
        "/api/v1/cards/cancel" => "cancel",
        "/api/v1/cards/operation-transactions-v2" => "transactions",
        _ => {
            // A documented endpoint the sandbox keeps no state for: answered
            // from the description; anything else is the gateway's 404.
            let now = crate::sandbox::rfc3339_micros(sb.now_ms());
            return match described::answer("gateway", method, route, &now) {
                Some((_, data)) => json_response(
                    200,
                    &json!({"success": true, "code": 200, "msg": "Success", "data": data}),
                ),
                None => json_response(
                    404,
                    &json!({"success": false, "code": 404, "msg": format!("Not Found: {method} {route} is not a gateway endpoint."), "data": null}),
                ),
            };
        }
    };
    match wasabi_op(sb, "gateway", op, &p) {
        Ok(mut data) => {
            if matches!(op, "deposit" | "cancel") {
                data["status"] = json!("pending");
            }
            json_response(
                200,
                &json!({"success": true, "code": 200, "msg": "Success", "data": data}),
            )
        }
        Err(r) => {
            let (code, msg) = wsb_refusal(&r);
            json_response(
                422,
                &json!({"success": false, "code": code, "msg": msg, "data": null}),
            )
        }
    }
}

/// Constant-time comparison of an API key.
fn ct_eq(a: &str, b: &str) -> bool {
    bool::from(subtle::ConstantTimeEq::ct_eq(a.as_bytes(), b.as_bytes()))
}

// ------------------------------------------------------------------- PinToPay

/// The documented slug for a refusal on `path`, with its HTTP status from
/// the error catalog (`pintopay::ERROR_SLUGS`, checked against
/// docs/openapi/pintopay.yaml): one source for both.
fn ptp_refusal(r: &Refusal, path: &str) -> (u16, &'static str, &'static str) {
    let (slug, msg) = match (r, path) {
        (Refusal::Duplicate, "/api/v1/users/create") => (
            "external_user_id_exists",
            "A user with this external_user_id already exists.",
        ),
        (Refusal::Duplicate, _) => (
            "cardholder_already_exists",
            "A cardholder already exists for this user.",
        ),
        (Refusal::UnknownHolder, "/api/v1/cardholders/create") => {
            ("user_not_found", "User not found for external_user_id.")
        }
        (Refusal::UnknownHolder, _) => (
            "cardholder_not_found",
            "Cardholder not found for external_user_id.",
        ),
        (Refusal::UnknownCard, "/api/v1/orders/check") => (
            "order_not_found",
            "Order with the given order_id does not exist.",
        ),
        (Refusal::UnknownCard | Refusal::NotKept, _) => (
            "card_not_found",
            "Card with the given card_id does not exist.",
        ),
        (Refusal::Insufficient, _) => (
            "insufficient_funds",
            "Master balance is too low for the operation.",
        ),
        (Refusal::NotActive, _) => (
            "card_not_active",
            "Card is not in active status for this operation.",
        ),
        (Refusal::Full, _) => ("provider_error", "Sandbox limit reached."),
        (Refusal::BadAmount, _) => ("invalid_amount", "Invalid amount."),
    };
    let status = pintopay::ERROR_SLUGS
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map_or(400, |(_, status, _)| *status);
    (status, slug, msg)
}

fn ptp_status(c: &Card) -> &'static str {
    match c.state {
        CardState::Active => "active",
        CardState::Frozen => "frozen",
        CardState::Closed => "closed",
    }
}

pub fn pintopay(sb: &Sandbox, path: &str, headers: &Headers, body: &[u8]) -> OutgoingResponse {
    let now_ms = sb.now_ms();
    let verified = {
        let mut guard = sb.guard();
        sb.pintopay.verify_request(
            &Received::new(headers, body).with_path(path),
            now_ms,
            guard.as_mut(),
        )
    };
    let req = match verified {
        Ok(r) => r,
        Err(e) => return sb.pintopay.rejection(&e, &mut *sb.rng()),
    };
    let p = &req.payload;
    let idem = req.idempotency_key.clone().unwrap_or_default();
    // The same Idempotency-Key answers the original order again (documented).
    if !idem.is_empty() {
        if let Some(previous) = sb.idempotent_answer("pintopay", &format!("{path}:{idem}")) {
            return previous;
        }
    }
    let user = s(p, "external_user_id")
        .or_else(|| s(p, "user_id"))
        .map(str::to_owned);
    let result: Result<Value, Refusal> = sb.with_space("pintopay", |w| match path {
        "/api/v1/users/create" => {
            let u = user.clone().unwrap_or_default();
            w.claim(&format!("user:{u}"), "user").map_err(|_| Refusal::Duplicate)?;
            Ok(json!({"success": true, "external_user_id": u}))
        }
        "/api/v1/cards/products" => Ok(json!({"success": true, "products": [{"product_code": "sandbox_virtual", "currency": "USD"}]})),
        "/api/v1/cardholders/create" => {
            let u = user.clone().unwrap_or_default();
            if !w.orders.contains_key(&format!("user:{u}")) {
                return Err(Refusal::UnknownHolder);
            }
            w.claim(&format!("holder:{u}"), "holder")?;
            let h = w.add_holder("ch_", "active", Some(u.clone()))?;
            sb.hook(Hook::pintopay("cardholder.kyc_status_changed", json!({"cardholder_id": h.id, "external_user_id": u, "kyc_status": "approved", "registration_status": "active"})));
            Ok(json!({"success": true, "cardholder_id": h.id, "registration_status": "pending", "kyc_status": "pending"}))
        }
        "/api/v1/cards/create" => {
            let holder = s(p, "cardholder_id").map(str::to_owned).or_else(|| {
                let u = user.clone()?;
                w.holders.values().find(|h| h.external.as_deref() == Some(u.as_str())).map(|h| h.id.clone())
            });
            let holder = holder.filter(|h| w.holders.contains_key(h)).ok_or(Refusal::UnknownHolder)?;
            let card = w.issue("pc_", None, Some(holder), 0, "virtual", now_ms)?;
            let order = w.next_id("ord_");
            w.orders.insert(format!("order:{order}"), card.id.clone());
            sb.hook(Hook::pintopay("order.status_changed", json!({"order_id": order, "card_id": card.id, "status": "completed"})));
            Ok(json!({"success": true, "order_id": order, "status": "new", "card_id": card.id}))
        }
        "/api/v1/orders/check" => {
            let order = s(p, "order_id").unwrap_or_default();
            let card = w.orders.get(&format!("order:{order}")).cloned().ok_or(Refusal::UnknownCard)?;
            Ok(json!({"success": true, "order_id": order, "status": "completed", "card_id": card}))
        }
        "/api/v1/cards/topup" => {
            let amount = amount_of(p.get("amount")).ok_or(Refusal::BadAmount)?;
            let id = w.find(s(p, "card_id"), None)?.id.clone();
            let (card, txn) = w.deposit(&id, &format!("topup:{}", if idem.is_empty() { w.seq.to_string() } else { idem.clone() }), amount, now_ms)?;
            sb.hook(Hook::pintopay("card.transaction", json!({"card_id": card.id, "transaction_id": txn.id, "amount": money(amount), "currency": card.currency, "kind": "topup", "status": "completed"})));
            Ok(json!({"success": true, "order_id": txn.id, "status": "completed", "card_id": card.id, "amount": money(amount)}))
        }
        "/api/v1/cards/get" => {
            let c = w.find(s(p, "card_id"), None)?;
            Ok(json!({"success": true, "card_id": c.id, "status": ptp_status(c), "balance": money(c.balance), "currency": c.currency,
                      "card_number": c.pan, "cvv": c.cvv, "expiry_month": c.exp_month, "expiry_year": c.exp_year}))
        }
        "/api/v1/cards/freeze" | "/api/v1/cards/unfreeze" => {
            let id = w.find(s(p, "card_id"), None)?.id.clone();
            let card = w.set_state(&id, if path.ends_with("unfreeze") { CardState::Active } else { CardState::Frozen })?;
            sb.hook(Hook::pintopay("card.status_changed", json!({"card_id": card.id, "status": ptp_status(&card)})));
            Ok(json!({"success": true, "card_id": card.id, "status": ptp_status(&card)}))
        }
        "/api/v1/project/balance" => Ok(json!({"success": true, "balance": money(w.master), "currency": "USD"})),
        _ => Err(Refusal::NotKept),
    });
    let answer = match result {
        Ok(data) => {
            let sealed = sb
                .pintopay
                .seal_response(Payload::Json(&data), &mut *sb.rng());
            sealed.unwrap_or_else(|e| sb.pintopay.rejection(&e, &mut *sb.rng()))
        }
        Err(Refusal::NotKept) => {
            let now = crate::sandbox::rfc3339_utc(now_ms);
            match described::answer("pintopay", "POST", path, &now) {
                // PinToPay's answers are sealed; the description has no plaintext for them: a success.
                Some(_) => sb
                    .pintopay
                    .seal_response(Payload::Json(&json!({"success": true})), &mut *sb.rng())
                    .unwrap_or_else(|e| sb.pintopay.rejection(&e, &mut *sb.rng())),
                None => sb.pintopay.seal_error(
                    400,
                    "invalid_request",
                    &format!("{path} is not a PinToPay endpoint"),
                    &mut *sb.rng(),
                ),
            }
        }
        Err(r) => {
            let (status, slug, msg) = ptp_refusal(&r, path);
            sb.pintopay.seal_error(status, slug, msg, &mut *sb.rng())
        }
    };
    if !idem.is_empty() && answer.status == 200 {
        sb.remember_answer("pintopay", &format!("{path}:{idem}"), &answer);
    }
    answer
}

// ---------------------------------------------------------------------- PayCA

/// The request id PayCA echoes: the caller's `X-Request-ID` when it is a
/// plain token, else one of the sandbox's own.
fn payca_request_id(sb: &Sandbox, headers: &Headers) -> String {
    headers
        .get("X-Request-ID")
        .ok()
        .flatten()
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map_or_else(|| format!("req_{}", sb.next_request_id()), str::to_owned)
}

pub fn payca(
    sb: &Sandbox,
    method: &str,
    path: &str,
    headers: &Headers,
    body: &[u8],
) -> OutgoingResponse {
    let now_ms = sb.now_ms();
    let request_id = payca_request_id(sb, headers);
    let payca_error = |status: u16, code: &str, message: &str| {
        payca::Platform::seal_error(status, code, message, &request_id)
    };
    let credentials = Received::new(headers, b"");
    if let Err(e) = sb
        .payca
        .verify_request(&credentials, now_ms, &mut MemoryReplayGuard::new(1))
    {
        return payca::Platform::rejection(&e, &request_id);
    }
    let (route, _query) = path.split_once('?').unwrap_or((path, ""));
    let segs: Vec<&str> = route.trim_matches('/').split('/').collect();
    let p: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match sb.payca.validate_body(route, body) {
            Ok(v) => v,
            Err(e) => return payca::Platform::rejection(&e, &request_id),
        }
    };
    // The Idempotency-Key header answers the original response again.
    let idem = headers
        .get("Idempotency-Key")
        .ok()
        .flatten()
        .map(str::to_owned);
    if let Some(k) = &idem {
        if let Some(previous) = sb.idempotent_answer("payca", &format!("{route}:{k}")) {
            return previous;
        }
    }
    let result: Result<(u16, Value), Refusal> = sb.with_space("payca", |w| match (method, segs.as_slice()) {
        ("POST", ["v1", "users"]) => {
            let ext = s(&p, "externalId").map(str::to_owned);
            if let Some(e) = &ext {
                w.claim(&format!("ext:{e}"), "user")?;
            }
            let id = w.next_id("usr_");
            w.orders.insert(format!("user:{id}"), ext.clone().unwrap_or_default());
            Ok((201, json!({"id": id, "externalId": ext})))
        }
        ("POST", ["v1", "users", id, "cardholder"]) => {
            if !w.orders.contains_key(&format!("user:{id}")) {
                return Err(Refusal::UnknownHolder);
            }
            let h = w.add_holder("chd_", "pending_review", Some((*id).to_owned()))?;
            // The review runs at once in the sandbox, webhook per step.
            // Each step at its own time, a second apart, delivered in this order.
            let mut prev = "pending_review";
            for (i, next) in ["wait_audit", "under_review", "pass_audit"].into_iter().enumerate() {
                let at = now_ms + 1000 * (i as u64 + 1);
                sb.hook(Hook::payca(json!({"cardholderId": h.id, "status": next, "previousStatus": prev, "description": "sandbox review", "timestamp": at})));
                prev = next;
            }
            if let Some(x) = w.holders.get_mut(&h.id) {
                x.status = "pass_audit".to_owned();
            }
            Ok((201, json!({"id": h.id, "status": "pending_review", "userId": id})))
        }
        // Reference lists the sandbox keeps no state for: answered from the description.
        ("GET", ["v1", "cardholders", "regions" | "occupations" | "cities"]) => Err(Refusal::NotKept),
        ("GET", ["v1", "cardholders", id]) | ("GET", ["v1", "users", id, "cardholder"]) => {
            let h = w.holders.values().find(|h| h.id == *id || h.external.as_deref() == Some(*id)).ok_or(Refusal::UnknownHolder)?;
            Ok((200, json!({"id": h.id, "status": h.status})))
        }
        ("POST", ["v1", "cards"]) => {
            let holder = s(&p, "cardholderId").map(str::to_owned);
            if let Some(h) = &holder {
                match w.holders.get(h) {
                    Some(x) if x.status == "pass_audit" => {}
                    Some(_) => return Err(Refusal::NotActive),
                    None => return Err(Refusal::UnknownHolder),
                }
            }
            if let Some(k) = s(&p, "idempotencyKey") {
                w.claim(&format!("card:{k}"), "card")?;
            }
            let balance = amount_of(p.get("balance")).ok_or(Refusal::BadAmount)?;
            let card = w.issue("pca_", s(&p, "idempotencyKey").map(str::to_owned), holder, balance, "virtual", now_ms)?;
            sb.hook(Hook::payca(json!({"event": "card_transaction", "data": {"cardId": card.id, "type": "issue", "amount": money(balance), "currency": card.currency, "status": "completed"}})));
            Ok((201, json!({"id": card.id, "status": "active", "balance": money(card.balance), "currency": card.currency, "last4": &card.pan[12..]})))
        }
        ("GET", ["v1", "cards"]) => {
            let items: Vec<Value> = w.cards.values().map(|c| json!({"id": c.id, "status": if c.state == CardState::Active { "active" } else { "frozen" }, "balance": money(c.balance)})).collect();
            Ok((200, json!({"data": items, "cursor": null})))
        }
        _ => Err(Refusal::NotKept),
    });
    let answer = match result {
        Ok((status, v)) => json_response(status, &v),
        Err(Refusal::NotKept) => {
            let now = crate::sandbox::rfc3339_utc(now_ms);
            match described::answer("payca", method, route, &now) {
                Some((status, data)) => json_response(status, &data),
                None => payca_error(
                    404,
                    "ErrNotFound",
                    &format!("{method} {route} is not a PayCA endpoint"),
                ),
            }
        }
        Err(r) => match r {
            Refusal::UnknownCard | Refusal::UnknownHolder | Refusal::NotKept => {
                payca_error(404, "ErrNotFound", "not found")
            }
            Refusal::Duplicate => payca_error(409, "ErrConflict", "already exists"),
            Refusal::NotActive => payca_error(
                400,
                "ErrInvalidArg",
                "cardholder not approved (status: pending_review)",
            ),
            Refusal::Insufficient => payca_error(400, "ErrInvalidArg", "insufficient balance"),
            Refusal::BadAmount => {
                payca_error(400, "ErrInvalidArg", "balance must be a decimal string")
            }
            Refusal::Full => payca_error(500, "ErrInternal", "sandbox limit reached"),
        },
    };
    if let Some(k) = idem.filter(|_| answer.status < 300) {
        sb.remember_answer("payca", &format!("{route}:{k}"), &answer);
    }
    answer
}
