//! Card transactions (`cardwire simulate`, `POST /_admin/simulate`):
//! authorization, increment, clearing, reversal, refund and decline on a
//! card, the balance moved in exact cents, each step sending the
//! provider's transaction webhooks in order (one card's webhooks are
//! delivered in the order they happened).
//!
//! What each provider documents, and what the sandbox assumes where its
//! documents stop (README, "Card transactions"):
//! * WorldCard `card_billing`: `transaction_type` Authorization /
//!   Settlement / Refund / Reversal, `transaction_status` PENDING /
//!   DECLINED / COMPLETE (Webhook Callbacks); `card_3ds` (an OTP) before
//!   an authorization asked for with 3-D Secure.
//! * Legacy `bill`: `transType` AUTH / REFUND / REVERSAL, `transStatus`
//!   APPROVED / DECLINED (Bill-Webhook); no settlement bill is documented,
//!   so clearing sends none. `close` when the card is closed.
//! * Wasabi `card_auth_transaction`: `type` auth / refund / Void, `status`
//!   authorized / succeed / failed; clearing re-sends the authorization's
//!   `tradeNo` as succeed with the `settle…` fields (pushed "after
//!   receiving settlement information"). The gateway stores the same as
//!   polled events.
//! * PinToPay `card.transaction` and PayCA `card_transaction` /
//!   `account_transaction`: only the event names are documented; the
//!   fields are the sandbox's own (named in the README).
//!
//! Increments are documented by no provider: each sends what an
//! authorization of the added amount sends.

use serde_json::{json, Map, Value};

use super::world::{money, Auth, AuthState, Card, Decline, Refusal};
use super::{described, handlers, rfc3339_utc, Hook, Sandbox};
use crate::Fail;

/// Where the sandbox's merchant is (ISO 3166 alpha-2, as Wasabi's `merchantData.country` allows).
const MERCHANT_COUNTRY: &str = "US";
const MERCHANT_CITY: &str = "SAN FRANCISCO";

/// The steps, in the order `all` runs them.
pub const STEPS: [&str; 6] = [
    "authorization",
    "increment",
    "clearing",
    "reversal",
    "refund",
    "decline",
];

/// One step's outcome, what its webhooks are made from.
struct Outcome<'a> {
    step: &'a str,
    auth: Auth,
    card: Card,
    /// The step's own amount (an increment's addition, a refund's part), cents.
    amount: i64,
    declined: Option<Decline>,
    three_ds: bool,
    now_ms: u64,
    /// A transaction id for this step's own record (a refund or a reversal
    /// where the provider gives them their own id).
    step_id: String,
}

fn refusal(provider: &str, r: &Refusal, what: &str) -> Fail {
    Fail::msg(match r {
        Refusal::UnknownCard => format!("{provider} has no {what} (cardwire state --provider {provider} lists them)"),
        Refusal::NotActive => format!("the {what} is not in a state for this step (an increment, clearing or reversal needs a pending authorization; a refund a cleared one)"),
        Refusal::BadAmount => "amount: a positive decimal with at most 2 places (a refund at most what was cleared and not yet refunded)".to_owned(),
        Refusal::Insufficient => "the card's balance cannot cover the clearing amount beyond the hold".to_owned(),
        Refusal::Full => "the sandbox's world is full: POST /_admin/reset".to_owned(),
        other => format!("{other:?}"),
    })
}

impl Sandbox {
    /// `POST /_admin/simulate {provider, step, card_id?, transaction_id?,
    /// amount?, merchant?, mcc?, three_ds?}`; `step` `all` runs every step
    /// on the card (authorize, increment, clear, refund part; authorize and
    /// reverse; decline).
    pub fn simulate(&self, req: &Value) -> Result<Value, Fail> {
        let text = |k: &str| req.get(k).and_then(Value::as_str);
        let provider = text("provider").ok_or_else(|| Fail::msg("provider is required"))?;
        let space: &'static str = crate::PROVIDERS
            .into_iter()
            .find(|p| *p == provider)
            .ok_or_else(|| {
                Fail::msg(format!(
                    "unknown provider {provider}: {}",
                    crate::PROVIDERS.join(", ")
                ))
            })?;
        let step = text("step").unwrap_or("all");
        if step == "close" && provider != "legacy" {
            return Err(Fail::msg(format!(
                "close is legacy's card-closed webhook; close a {provider} card through its API (the sandbox sends what the provider documents)"
            )));
        }
        if step != "all" && step != "close" && !STEPS.contains(&step) {
            return Err(Fail::msg(format!(
                "unknown step {step:?}: {}, all, or close (legacy)",
                STEPS.join(", ")
            )));
        }
        if provider != "gateway" && self.webhook_url(provider).is_none() {
            return Err(Fail::msg(format!(
                "no webhook URL for {provider}: start the sandbox with --webhook-url {provider}=<url>, or PUT /_admin/webhook-urls {{\"{provider}\": \"<url>\"}} (nothing was done)"
            )));
        }
        let amount = match req.get("amount") {
            None | Some(Value::Null) => None,
            v => Some(
                super::world::amount_of(v)
                    .filter(|c| *c > 0)
                    .ok_or_else(|| {
                        Fail::msg(
                            "amount: a positive decimal with at most 2 places, as text (\"12.50\")",
                        )
                    })?,
            ),
        };
        let merchant = text("merchant").unwrap_or("CARDWIRE TEST SHOP");
        let mcc = text("mcc").unwrap_or("5734");
        if !(mcc.len() == 4 && mcc.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Fail::msg(format!("mcc {mcc:?}: four digits (5734)")));
        }
        let three_ds = req
            .get("three_ds")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let card_id = text("card_id");
        let txn = text("transaction_id");
        let mut results = Vec::new();
        let mut run = |step: &str,
                       card: Option<&str>,
                       txn: Option<&str>,
                       amount: Option<i64>,
                       three_ds: bool|
         -> Result<String, Fail> {
            let r = self.simulate_step(space, step, card, txn, amount, merchant, mcc, three_ds)?;
            let id = r["transaction_id"].as_str().unwrap_or_default().to_owned();
            results.push(r);
            Ok(id)
        };
        if step == "all" {
            let card = card_id.ok_or_else(|| Fail::msg("card_id is required"))?;
            let a = amount.unwrap_or(2_510);
            let first = run("authorization", Some(card), None, Some(a), true)?;
            let more = (a / 5).max(1);
            run("increment", None, Some(&first), Some(more), false)?;
            run("clearing", None, Some(&first), None, false)?;
            // Half of what was cleared comes back.
            run(
                "refund",
                None,
                Some(&first),
                Some(((a + more) / 2).max(1)),
                false,
            )?;
            let second = run("authorization", Some(card), None, Some(a), false)?;
            run("reversal", None, Some(&second), None, false)?;
            run("decline", Some(card), None, Some(a), false)?;
        } else {
            run(step, card_id, txn, amount, three_ds)?;
        }
        Ok(json!({"provider": provider, "steps": results}))
    }

    #[allow(clippy::too_many_arguments)]
    fn simulate_step(
        &self,
        space: &'static str,
        step: &str,
        card_id: Option<&str>,
        txn: Option<&str>,
        amount: Option<i64>,
        merchant: &str,
        mcc: &str,
        three_ds: bool,
    ) -> Result<Value, Fail> {
        let now_ms = self.now_ms();
        let need_card =
            || card_id.ok_or_else(|| Fail::msg(format!("{step} needs card_id (--card)")));
        let need_txn = || {
            txn.ok_or_else(|| {
                Fail::msg(format!(
                    "{step} needs the authorization's transaction_id (--transaction; an authorization's result gives it)"
                ))
            })
        };
        let need_amount =
            || amount.ok_or_else(|| Fail::msg(format!("{step} needs an amount (--amount 12.50)")));
        if step == "close" {
            // Legacy's close-Webhook: the card closed, its balance refunded to the reserve account.
            let card = self.with_space(space, |w| -> Result<Card, Fail> {
                let id = need_card()?;
                let before = w.cards.get(id).map_or(0, |c| c.balance);
                let mut c = w
                    .set_state(id, super::world::CardState::Closed)
                    .map_err(|e| refusal(space, &e, "open card"))?;
                c.balance = before;
                Ok(c)
            })?;
            let now = handlers::legacy_time(now_ms);
            let mut p = described::event_fields(space, "close", &now).unwrap_or_default();
            for k in ["appKey", "sign", "transCurrencyAmt"] {
                p.remove(k);
            }
            for (k, v) in [
                ("cardNumber", json!(card.id)),
                ("recordNo", json!(format!("{now_ms}0"))),
                ("occurTime", json!(now)),
                ("localCurrency", json!(card.currency)),
                ("localCurrencyAmt", json!(money(card.balance))),
            ] {
                p.insert(k.to_owned(), v);
            }
            let ids = self.send_hook(&Hook::legacy(Value::Object(p)), 0, false)?;
            return Ok(json!({
                "step": "close", "card_id": card.id, "amount": money(card.balance), "status": "completed",
                "card_balance": "0.00", "currency": card.currency, "webhooks": ["close"], "delivery_ids": ids,
            }));
        }
        let (auth, declined, step_amount) = self.with_space(space, |w| -> Result<_, Fail> {
            let r = |e: Refusal, what: &str| refusal(space, &e, what);
            Ok(match step {
                "authorization" => {
                    let a = need_amount()?;
                    match w
                        .authorize(need_card()?, a, merchant, mcc, now_ms)
                        .map_err(|e| r(e, "card"))?
                    {
                        Ok(auth) => (auth, None, a),
                        Err((d, auth)) => (auth, Some(d), a),
                    }
                }
                "increment" => {
                    let a = need_amount()?;
                    match w
                        .increment(need_txn()?, a, now_ms)
                        .map_err(|e| r(e, "authorization"))?
                    {
                        Ok(auth) => (auth, None, a),
                        Err((d, auth)) => (auth, Some(d), a),
                    }
                }
                "clearing" => {
                    let auth = w
                        .clear(need_txn()?, amount, now_ms)
                        .map_err(|e| r(e, "authorization"))?;
                    let a = auth.cleared;
                    (auth, None, a)
                }
                "reversal" => {
                    let held = w.auths.get(need_txn()?).map_or(0, |a| a.held);
                    (
                        w.reverse(need_txn()?, now_ms)
                            .map_err(|e| r(e, "authorization"))?,
                        None,
                        held,
                    )
                }
                "refund" => {
                    let before = w.auths.get(need_txn()?).map_or(0, |a| a.refunded);
                    let auth = w
                        .refund(need_txn()?, amount, now_ms)
                        .map_err(|e| r(e, "authorization"))?;
                    let a = auth.refunded - before;
                    (auth, None, a)
                }
                _ => {
                    let a = need_amount()?;
                    let auth = w
                        .decline(need_card()?, a, merchant, mcc, now_ms)
                        .map_err(|e| r(e, "card"))?;
                    (auth, Some(Decline::DoNotHonor), a)
                }
            })
        })?;
        let (card, step_id) = self.with_space(space, |w| {
            (w.cards.get(&auth.card_id).cloned(), w.next_id(""))
        });
        let card = card.ok_or_else(|| Fail::msg("the card is gone"))?;
        let outcome = Outcome {
            step,
            auth,
            card,
            amount: step_amount,
            declined,
            three_ds,
            now_ms,
            step_id,
        };
        let hooks = self.transaction_hooks(space, &outcome);
        let mut ids = Vec::new();
        let mut events = Vec::new();
        for h in &hooks {
            events.push(h.event.clone());
            ids.extend(self.send_hook(h, 0, false)?);
        }
        let o = &outcome;
        Ok(json!({
            "step": step,
            "transaction_id": o.auth.id,
            "card_id": o.card.id,
            "amount": money(o.amount),
            "status": if o.declined.is_some() { "declined" } else if step == "authorization" || step == "increment" { "pending" } else { "completed" },
            "decline_reason": o.declined.map(Decline::reason),
            "held": money(o.auth.held),
            "card_balance": money(o.card.balance),
            "currency": o.card.currency,
            "webhooks": events,
            "delivery_ids": ids,
        }))
    }

    /// The provider's webhooks for one step, in the order sent.
    fn transaction_hooks(&self, space: &'static str, o: &Outcome<'_>) -> Vec<Hook> {
        let documented = |event: &str, now: &str| -> Map<String, Value> {
            described::event_fields(space, event, now).unwrap_or_default()
        };
        let amount = money(o.amount);
        let currency = o.card.currency.clone();
        match space {
            "worldcard" => {
                let now = handlers::iso(o.now_ms);
                let mut out = Vec::new();
                if o.step == "authorization" && o.three_ds {
                    let mut p = documented("card_3ds", &now);
                    p.remove("notify_type");
                    p.remove("url");
                    for (k, v) in [
                        ("card_id", json!(o.card.id)),
                        ("currency", json!(currency)),
                        ("amount", json!(amount)),
                        ("otp", json!(format!("{:06}", o.now_ms % 1_000_000))),
                        ("detail", json!(format!("{} {}", o.auth.merchant, amount))),
                        ("business_type", json!("Card3dsOtp")),
                        ("expires_at", json!(handlers::iso(o.now_ms + 300_000))),
                    ] {
                        p.insert(k.to_owned(), v);
                    }
                    out.push(Hook::worldcard("card_3ds", Value::Object(p)));
                }
                let (kind, status) = match (o.step, o.declined) {
                    (_, Some(_)) => ("Authorization", "DECLINED"),
                    ("authorization" | "increment", None) => ("Authorization", "PENDING"),
                    ("clearing", None) => ("Settlement", "COMPLETE"),
                    ("reversal", None) => ("Reversal", "COMPLETE"),
                    _ => ("Refund", "COMPLETE"),
                };
                let mut p = documented("card_billing", &now);
                p.remove("notify_type");
                let (code, reason) = match o.declined {
                    None => ("00", ""),
                    Some(Decline::Insufficient) => ("51", "Insufficient funds"),
                    Some(Decline::CardNotActive) => ("62", "Card not active"),
                    Some(Decline::DoNotHonor) => ("05", "Do not honor"),
                };
                for (k, v) in [
                    ("transaction_id", json!(o.auth.id)),
                    ("card_id", json!(o.card.id)),
                    ("transaction_time", json!(now)),
                    ("transaction_type", json!(kind)),
                    ("transaction_status", json!(status)),
                    ("result_code", json!(code)),
                    ("fail_reason", json!(reason)),
                    ("transaction_amount", json!(amount)),
                    ("transaction_currency", json!(currency)),
                    ("billing_amount", json!(amount)),
                    ("billing_currency", json!(currency)),
                    ("auth_code", json!(auth_code(&o.auth.id))),
                    ("merchant_name", json!(o.auth.merchant)),
                    ("merchant_country", json!(MERCHANT_COUNTRY)),
                    ("merchant_city", json!(MERCHANT_CITY)),
                    ("mcc", json!(o.auth.mcc)),
                    (
                        "description",
                        json!(format!("{} {}", o.step, o.auth.merchant)),
                    ),
                ] {
                    p.insert(k.to_owned(), v);
                }
                out.push(Hook::worldcard("card_billing", Value::Object(p)));
                out
            }
            "legacy" => {
                // No settlement bill is documented (Bill-Webhook's transType list).
                if o.step == "clearing" {
                    return Vec::new();
                }
                let now = handlers::legacy_time(o.now_ms);
                let (kind, status) = match (o.step, o.declined) {
                    (_, Some(_)) => ("AUTH", "DECLINED"),
                    ("reversal", None) => ("REVERSAL", "APPROVED"),
                    ("refund", None) => ("REFUND", "APPROVED"),
                    _ => ("AUTH", "APPROVED"),
                };
                let mut p = documented("bill", &now);
                for k in ["appKey", "sign"] {
                    p.remove(k);
                }
                let (code, desc) = match o.declined {
                    None => ("000000", "Approved"),
                    Some(d) => ("000005", d.reason()),
                };
                for (k, v) in [
                    ("cardNumber", json!(o.card.id)),
                    ("recordNo", json!(record_no(o))),
                    ("occurTime", json!(now)),
                    ("transCurrency", json!(currency)),
                    ("transCurrencyAmt", json!(amount)),
                    ("localCurrency", json!(currency)),
                    ("localCurrencyAmt", json!(amount)),
                    ("respCode", json!(code)),
                    ("respCodeDesc", json!(desc)),
                    ("merchantName", json!(o.auth.merchant)),
                    ("merchantCategoryCode", json!(o.auth.mcc)),
                    ("approvalCode", json!(auth_code(&o.auth.id))),
                    ("transType", json!(kind)),
                    ("transStatus", json!(status)),
                ] {
                    p.insert(k.to_owned(), v);
                }
                vec![Hook::legacy(Value::Object(p))]
            }
            "wasabi" | "gateway" => {
                let mut p = documented("card_auth_transaction", &super::rfc3339_micros(o.now_ms));
                let (kind, status, trade, origin) = match (o.step, o.declined) {
                    (_, Some(_)) => ("auth", "failed", o.auth.id.clone(), None),
                    ("authorization" | "increment" | "clearing", None) => (
                        "auth",
                        if o.step == "clearing" {
                            "succeed"
                        } else {
                            "authorized"
                        },
                        o.auth.id.clone(),
                        None,
                    ),
                    ("reversal", None) => (
                        "Void",
                        "succeed",
                        format!("{}-{}", o.auth.id, o.step_id),
                        Some(o.auth.id.clone()),
                    ),
                    _ => (
                        "refund",
                        "succeed",
                        format!("{}-{}", o.auth.id, o.step_id),
                        Some(o.auth.id.clone()),
                    ),
                };
                // The authorization's own amount: what is authorized in all.
                let auth_amount = if matches!(o.step, "increment" | "clearing") {
                    money(o.auth.authorized)
                } else {
                    amount.clone()
                };
                for (k, v) in [
                    ("cardNo", json!(o.card.id)),
                    ("tradeNo", json!(trade)),
                    ("originTradeNo", json!(origin)),
                    ("currency", json!(currency)),
                    ("amount", json!(auth_amount)),
                    ("authorizedAmount", json!(auth_amount)),
                    ("authorizedCurrency", json!(currency)),
                    ("fee", json!("0.00")),
                    ("feeCurrency", json!(currency)),
                    ("crossBoardFee", json!("0.00")),
                    ("crossBoardFeeCurrency", json!(currency)),
                    ("authorizationCode", json!(auth_code(&o.auth.id))),
                    ("merchantName", json!(o.auth.merchant)),
                    ("type", json!(kind)),
                    ("status", json!(status)),
                    (
                        "description",
                        json!(o
                            .declined
                            .map_or_else(|| o.step.to_owned(), |d| d.reason().to_owned())),
                    ),
                    ("transactionTime", json!(o.now_ms)),
                ] {
                    p.insert(k.to_owned(), v);
                }
                if origin.is_none() {
                    p.remove("originTradeNo");
                }
                if let Some(Value::Object(m)) = p.get_mut("merchantData") {
                    for (k, v) in [
                        ("name", o.auth.merchant.as_str()),
                        ("categoryCode", o.auth.mcc.as_str()),
                        ("country", MERCHANT_COUNTRY),
                        ("city", MERCHANT_CITY),
                    ] {
                        m.insert(k.to_owned(), json!(v));
                    }
                }
                if o.step == "clearing" {
                    p.insert("settleAmount".to_owned(), json!(amount));
                    p.insert("settleCurrency".to_owned(), json!(currency));
                    p.insert("settleDate".to_owned(), json!(o.now_ms));
                } else {
                    for k in ["settleAmount", "settleCurrency", "settleDate"] {
                        p.remove(k);
                    }
                }
                vec![Hook::wasabi(
                    space,
                    "card_auth_transaction",
                    Value::Object(p),
                )]
            }
            "pintopay" => vec![Hook::pintopay(
                "card.transaction",
                json!({
                    "card_id": o.card.id, "transaction_id": o.auth.id, "kind": o.step,
                    "status": status_word(o), "amount": amount, "currency": currency,
                    "merchant_name": o.auth.merchant, "mcc": o.auth.mcc,
                    "decline_reason": o.declined.map(Decline::reason),
                    "timestamp": o.now_ms / 1000,
                }),
            )],
            _ => {
                let mut out = vec![Hook::payca(json!({"event": "card_transaction", "data": {
                    "cardId": o.card.id, "transactionId": o.auth.id, "type": o.step,
                    "status": status_word(o), "amount": amount, "currency": currency,
                    "merchantName": o.auth.merchant, "mcc": o.auth.mcc,
                    "declineReason": o.declined.map(Decline::reason),
                    "createdAt": rfc3339_utc(o.now_ms),
                }}))];
                // Money that moves for good (a clearing, a refund) is a ledger entry too.
                if matches!(o.step, "clearing" | "refund") && o.declined.is_none() {
                    out.push(Hook::payca(json!({"event": "account_transaction", "data": {
                        "cardId": o.card.id, "transactionId": format!("{}-{}", o.auth.id, o.step_id),
                        "cardTransactionId": o.auth.id,
                        "type": if o.step == "clearing" { "debit" } else { "credit" },
                        "amount": amount, "currency": currency,
                        "balance": money(o.card.balance), "createdAt": rfc3339_utc(o.now_ms),
                    }})));
                }
                out
            }
        }
    }
}

fn status_word(o: &Outcome<'_>) -> &'static str {
    match (o.step, o.declined, o.auth.state) {
        (_, Some(_), _) => "declined",
        ("authorization" | "increment", None, AuthState::Pending) => "pending",
        _ => "completed",
    }
}

/// A six-character approval code, stable per authorization.
fn auth_code(id: &str) -> String {
    let mut h: u64 = 1_469_598_103_934_665_603;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211);
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|i| char::from(ALPHABET[((h >> (i * 5)) & 31) as usize]))
        .collect()
}

/// Legacy's digits-only record number.
fn record_no(o: &Outcome<'_>) -> String {
    let digits: String = o.step_id.chars().filter(char::is_ascii_digit).collect();
    format!("{}{digits}", o.now_ms)
}
