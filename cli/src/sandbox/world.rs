//! The sandbox's small in-memory world: card holders, cards, orders and
//! transactions per provider, money in integer cents, every collection
//! capped (a full world answers with the provider's error, it does not grow).
//! State lives in memory only: a restart starts empty.

use std::collections::HashMap;

/// Card states, common to every provider (each adapter names them its way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    Active,
    Frozen,
    Closed,
}

#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
    pub merchant_ref: Option<String>,
    pub holder: Option<String>,
    pub state: CardState,
    pub balance: i64,
    pub currency: String,
    pub pan: String,
    pub cvv: String,
    pub exp_month: String,
    pub exp_year: String,
    pub created_ms: u64,
    pub kind: String,
}

#[derive(Debug, Clone)]
pub struct Holder {
    pub id: String,
    pub status: String,
    pub external: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Txn {
    pub id: String,
    pub card_id: String,
    pub merchant_ref: String,
    pub kind: String,
    pub amount: i64,
    pub status: String,
    pub at_ms: u64,
}

/// A card authorization and what became of it, in cents.
#[derive(Debug, Clone)]
pub struct Auth {
    pub id: String,
    pub card_id: String,
    /// Held on the card's balance (authorized and incremented, not yet cleared or reversed).
    pub held: i64,
    /// Authorized in all (the first amount plus increments).
    pub authorized: i64,
    pub cleared: i64,
    pub refunded: i64,
    pub state: AuthState,
    pub merchant: String,
    pub mcc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthState {
    Pending,
    Cleared,
    Reversed,
}

/// Why a card transaction is declined, in common terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decline {
    Insufficient,
    CardNotActive,
    /// Asked for (`simulate … decline`): the issuer said no.
    DoNotHonor,
}

impl Decline {
    pub fn reason(self) -> &'static str {
        match self {
            Decline::Insufficient => "insufficient funds",
            Decline::CardNotActive => "card not active",
            Decline::DoNotHonor => "do not honor",
        }
    }
}

#[derive(Debug, Default)]
pub struct Space {
    pub cards: HashMap<String, Card>,
    pub holders: HashMap<String, Holder>,
    /// merchant order numbers / transaction ids / idempotency keys already used
    pub orders: HashMap<String, String>,
    pub txns: Vec<Txn>,
    /// Card authorizations by transaction id (`cardwire simulate`).
    pub auths: HashMap<String, Auth>,
    pub master: i64,
    pub seq: u64,
}

/// Why an operation was refused, in common terms; each adapter maps it to
/// its provider's code and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A path the sandbox keeps no state for: answered from the provider's
    /// description when documented, else refused as an unknown endpoint.
    NotKept,
    UnknownCard,
    UnknownHolder,
    Duplicate,
    Insufficient,
    NotActive,
    Full,
    BadAmount,
}

pub const MAX_OBJECTS: usize = 20_000;

impl Space {
    pub fn new(master: i64) -> Space {
        Space {
            master,
            ..Space::default()
        }
    }

    pub fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{:08}", self.seq)
    }

    fn room(&self) -> Result<(), Refusal> {
        if self.cards.len() >= MAX_OBJECTS
            || self.holders.len() >= MAX_OBJECTS
            || self.orders.len() >= MAX_OBJECTS
            || self.txns.len() >= MAX_OBJECTS
        {
            Err(Refusal::Full)
        } else {
            Ok(())
        }
    }

    /// Records a merchant reference (order number, idempotency key) once.
    pub fn claim(&mut self, reference: &str, what: &str) -> Result<(), Refusal> {
        self.room()?;
        if self.orders.contains_key(reference) {
            return Err(Refusal::Duplicate);
        }
        self.orders.insert(reference.to_owned(), what.to_owned());
        Ok(())
    }

    pub fn add_holder(
        &mut self,
        prefix: &str,
        status: &str,
        external: Option<String>,
    ) -> Result<Holder, Refusal> {
        self.room()?;
        let h = Holder {
            id: self.next_id(prefix),
            status: status.to_owned(),
            external,
        };
        self.holders.insert(h.id.clone(), h.clone());
        Ok(h)
    }

    /// Issues a card funded with `initial` from the master balance.
    pub fn issue(
        &mut self,
        prefix: &str,
        merchant_ref: Option<String>,
        holder: Option<String>,
        initial: i64,
        kind: &str,
        now_ms: u64,
    ) -> Result<Card, Refusal> {
        self.room()?;
        if initial < 0 {
            return Err(Refusal::BadAmount);
        }
        if initial > self.master {
            return Err(Refusal::Insufficient);
        }
        self.master -= initial;
        let id = self.next_id(prefix);
        let n = self.seq;
        let [pan, cvv, exp_month, exp_year] = card_details(n);
        let card = Card {
            pan,
            cvv,
            exp_month,
            exp_year,
            id,
            merchant_ref,
            holder,
            state: CardState::Active,
            balance: initial,
            currency: "USD".to_owned(),
            created_ms: now_ms,
            kind: kind.to_owned(),
        };
        self.cards.insert(card.id.clone(), card.clone());
        Ok(card)
    }

    pub fn find(&self, id: Option<&str>, merchant_ref: Option<&str>) -> Result<&Card, Refusal> {
        if let Some(c) = id.and_then(|i| self.cards.get(i)) {
            return Ok(c);
        }
        if let Some(r) = merchant_ref {
            if let Some(c) = self
                .cards
                .values()
                .find(|c| c.merchant_ref.as_deref() == Some(r))
            {
                return Ok(c);
            }
        }
        Err(Refusal::UnknownCard)
    }

    /// Moves `amount` from the master balance onto a card.
    pub fn deposit(
        &mut self,
        card_id: &str,
        merchant_ref: &str,
        amount: i64,
        now_ms: u64,
    ) -> Result<(Card, Txn), Refusal> {
        self.room()?;
        if amount <= 0 {
            return Err(Refusal::BadAmount);
        }
        let card = self.cards.get(card_id).ok_or(Refusal::UnknownCard)?;
        if card.state != CardState::Active {
            return Err(Refusal::NotActive);
        }
        if amount > self.master {
            return Err(Refusal::Insufficient);
        }
        self.claim(merchant_ref, "deposit")?;
        self.master -= amount;
        let txn_id = self.next_id("txn_");
        let card = self.cards.get_mut(card_id).ok_or(Refusal::UnknownCard)?;
        card.balance += amount;
        let card = card.clone();
        let txn = Txn {
            id: txn_id,
            card_id: card_id.to_owned(),
            merchant_ref: merchant_ref.to_owned(),
            kind: "deposit".to_owned(),
            amount,
            status: "success".to_owned(),
            at_ms: now_ms,
        };
        self.txns.push(txn.clone());
        Ok((card, txn))
    }

    pub fn set_state(&mut self, card_id: &str, state: CardState) -> Result<Card, Refusal> {
        let card = self.cards.get_mut(card_id).ok_or(Refusal::UnknownCard)?;
        match (card.state, state) {
            (CardState::Closed, _) => return Err(Refusal::NotActive),
            (CardState::Active, CardState::Active) | (CardState::Frozen, CardState::Frozen) => {}
            _ => {}
        }
        card.state = state;
        if state == CardState::Closed {
            // The balance goes back to the master account.
            self.master += card.balance;
            card.balance = 0;
        }
        Ok(card.clone())
    }

    pub fn txns_of(&self, card_id: Option<&str>) -> Vec<&Txn> {
        self.txns
            .iter()
            .filter(|t| card_id.is_none_or(|c| t.card_id == c))
            .collect()
    }
}

impl CardState {
    pub fn name(self) -> &'static str {
        match self {
            CardState::Active => "active",
            CardState::Frozen => "frozen",
            CardState::Closed => "closed",
        }
    }
}

/// Card transactions (`cardwire simulate`): an authorization holds money
/// on the card's balance, an increment holds more, clearing charges the
/// final amount and releases the rest, a reversal releases the hold, a
/// refund gives cleared money back. Every amount in cents; every step is a
/// transaction record.
impl Space {
    fn record_txn(
        &mut self,
        card_id: &str,
        auth_id: &str,
        kind: &str,
        amount: i64,
        status: &str,
        now_ms: u64,
    ) -> Txn {
        let txn = Txn {
            id: self.next_id("txn_"),
            card_id: card_id.to_owned(),
            merchant_ref: auth_id.to_owned(),
            kind: kind.to_owned(),
            amount,
            status: status.to_owned(),
            at_ms: now_ms,
        };
        if self.txns.len() >= MAX_OBJECTS {
            self.txns.remove(0);
        }
        self.txns.push(txn.clone());
        txn
    }

    /// A new authorization, or why it is declined (recorded as a declined
    /// transaction either way).
    pub fn authorize(
        &mut self,
        card_id: &str,
        amount: i64,
        merchant: &str,
        mcc: &str,
        now_ms: u64,
    ) -> Result<Result<Auth, (Decline, Auth)>, Refusal> {
        if amount <= 0 {
            return Err(Refusal::BadAmount);
        }
        if self.auths.len() >= MAX_OBJECTS {
            return Err(Refusal::Full);
        }
        let card = self.cards.get(card_id).ok_or(Refusal::UnknownCard)?;
        let decline = if card.state != CardState::Active {
            Some(Decline::CardNotActive)
        } else if card.balance < amount {
            Some(Decline::Insufficient)
        } else {
            None
        };
        let id = self.next_id("auth_");
        let mut auth = Auth {
            id: id.clone(),
            card_id: card_id.to_owned(),
            held: 0,
            authorized: amount,
            cleared: 0,
            refunded: 0,
            state: AuthState::Pending,
            merchant: merchant.to_owned(),
            mcc: mcc.to_owned(),
        };
        if let Some(d) = decline {
            auth.state = AuthState::Reversed;
            self.record_txn(card_id, &id, "decline", amount, "declined", now_ms);
            return Ok(Err((d, auth)));
        }
        if let Some(c) = self.cards.get_mut(card_id) {
            c.balance -= amount;
        }
        auth.held = amount;
        self.record_txn(card_id, &id, "authorization", amount, "pending", now_ms);
        self.auths.insert(id, auth.clone());
        Ok(Ok(auth))
    }

    /// An authorization declined on purpose (`simulate … decline`).
    pub fn decline(
        &mut self,
        card_id: &str,
        amount: i64,
        merchant: &str,
        mcc: &str,
        now_ms: u64,
    ) -> Result<Auth, Refusal> {
        if amount <= 0 {
            return Err(Refusal::BadAmount);
        }
        if !self.cards.contains_key(card_id) {
            return Err(Refusal::UnknownCard);
        }
        let id = self.next_id("auth_");
        self.record_txn(card_id, &id, "decline", amount, "declined", now_ms);
        Ok(Auth {
            id,
            card_id: card_id.to_owned(),
            held: 0,
            authorized: amount,
            cleared: 0,
            refunded: 0,
            state: AuthState::Reversed,
            merchant: merchant.to_owned(),
            mcc: mcc.to_owned(),
        })
    }

    fn pending(&mut self, auth_id: &str) -> Result<&mut Auth, Refusal> {
        let a = self.auths.get_mut(auth_id).ok_or(Refusal::UnknownCard)?;
        if a.state != AuthState::Pending {
            return Err(Refusal::NotActive);
        }
        Ok(a)
    }

    /// Holds `amount` more on a pending authorization; declined (nothing
    /// held) when the balance cannot cover it.
    pub fn increment(
        &mut self,
        auth_id: &str,
        amount: i64,
        now_ms: u64,
    ) -> Result<Result<Auth, (Decline, Auth)>, Refusal> {
        if amount <= 0 {
            return Err(Refusal::BadAmount);
        }
        let card_id = self.pending(auth_id)?.card_id.clone();
        let balance = self.cards.get(&card_id).map_or(0, |c| c.balance);
        if balance < amount {
            self.record_txn(&card_id, auth_id, "increment", amount, "declined", now_ms);
            let a = self.pending(auth_id)?.clone();
            return Ok(Err((Decline::Insufficient, a)));
        }
        if let Some(c) = self.cards.get_mut(&card_id) {
            c.balance -= amount;
        }
        let a = self.pending(auth_id)?;
        a.held += amount;
        a.authorized += amount;
        let a = a.clone();
        self.record_txn(&card_id, auth_id, "increment", amount, "pending", now_ms);
        Ok(Ok(a))
    }

    /// Charges `amount` (default: what is held) and releases the rest of
    /// the hold. More than held is charged from the balance when it covers it.
    pub fn clear(
        &mut self,
        auth_id: &str,
        amount: Option<i64>,
        now_ms: u64,
    ) -> Result<Auth, Refusal> {
        let a = self.pending(auth_id)?;
        let amount = amount.unwrap_or(a.held);
        if amount <= 0 {
            return Err(Refusal::BadAmount);
        }
        let (card_id, held) = (a.card_id.clone(), a.held);
        let balance = self.cards.get(&card_id).map_or(0, |c| c.balance);
        if amount > held + balance {
            return Err(Refusal::Insufficient);
        }
        if let Some(c) = self.cards.get_mut(&card_id) {
            c.balance += held - amount;
        }
        let a = self.pending(auth_id)?;
        a.held = 0;
        a.cleared = amount;
        a.state = AuthState::Cleared;
        let a = a.clone();
        self.record_txn(&card_id, auth_id, "clearing", amount, "completed", now_ms);
        Ok(a)
    }

    /// Releases the whole hold of a pending authorization.
    pub fn reverse(&mut self, auth_id: &str, now_ms: u64) -> Result<Auth, Refusal> {
        let a = self.pending(auth_id)?;
        let (card_id, held) = (a.card_id.clone(), a.held);
        a.held = 0;
        a.state = AuthState::Reversed;
        let a = a.clone();
        if let Some(c) = self.cards.get_mut(&card_id) {
            c.balance += held;
        }
        self.record_txn(&card_id, auth_id, "reversal", held, "completed", now_ms);
        Ok(a)
    }

    /// Gives back `amount` (default: all not yet refunded) of a cleared authorization.
    pub fn refund(
        &mut self,
        auth_id: &str,
        amount: Option<i64>,
        now_ms: u64,
    ) -> Result<Auth, Refusal> {
        let a = self.auths.get_mut(auth_id).ok_or(Refusal::UnknownCard)?;
        if a.state != AuthState::Cleared {
            return Err(Refusal::NotActive);
        }
        let left = a.cleared - a.refunded;
        let amount = amount.unwrap_or(left);
        if amount <= 0 || amount > left {
            return Err(Refusal::BadAmount);
        }
        a.refunded += amount;
        let a = a.clone();
        if let Some(c) = self.cards.get_mut(&a.card_id) {
            c.balance += amount;
        }
        self.record_txn(&a.card_id, auth_id, "refund", amount, "completed", now_ms);
        Ok(a)
    }
}

/// `GET /_admin/state` for one provider: money as exact decimal text, a
/// card's number shown by its last four digits only.
impl Space {
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let mut holders: Vec<&Holder> = self.holders.values().collect();
        holders.sort_by(|a, b| a.id.cmp(&b.id));
        let mut cards: Vec<&Card> = self.cards.values().collect();
        cards.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        let mut orders: Vec<(&String, &String)> = self.orders.iter().collect();
        orders.sort();
        let mut auths: Vec<&Auth> = self.auths.values().collect();
        auths.sort_by(|x, y| x.id.cmp(&y.id));
        json!({
            "master_balance": money(self.master),
            "holders": holders.iter().map(|h| json!({"id": h.id, "status": h.status, "external": h.external})).collect::<Vec<_>>(),
            "cards": cards.iter().map(|c| json!({
                "id": c.id, "merchant_ref": c.merchant_ref, "holder": c.holder, "state": c.state.name(),
                "balance": money(c.balance), "currency": c.currency, "kind": c.kind,
                "last4": c.pan.get(c.pan.len().saturating_sub(4)..).unwrap_or_default(),
            })).collect::<Vec<_>>(),
            "orders": orders.iter().map(|(k, v)| json!({"reference": k, "what": v})).collect::<Vec<_>>(),
            "authorizations": auths.iter().map(|a| json!({
                "id": a.id, "card_id": a.card_id, "held": money(a.held), "authorized": money(a.authorized),
                "cleared": money(a.cleared), "refunded": money(a.refunded), "merchant": a.merchant,
                "state": match a.state { AuthState::Pending => "pending", AuthState::Cleared => "cleared", AuthState::Reversed => "reversed" },
            })).collect::<Vec<_>>(),
            "transactions": self.txns.iter().map(|t| json!({
                "id": t.id, "card_id": t.card_id, "merchant_ref": t.merchant_ref, "kind": t.kind,
                "amount": money(t.amount), "status": t.status, "at_ms": t.at_ms,
            })).collect::<Vec<_>>(),
        })
    }

    /// A space as a fixture describes it (see [`load_fixtures`]).
    fn from_fixture(
        provider: &str,
        v: &serde_json::Value,
        master: i64,
        now_ms: u64,
    ) -> Result<Space, String> {
        let o = v
            .as_object()
            .ok_or_else(|| format!("{provider}: an object with master_balance, holders, cards"))?;
        only(provider, o, &["master_balance", "holders", "cards"])?;
        let mut space = Space::new(master);
        if let Some(m) = o.get("master_balance") {
            space.master = amount_of(Some(m)).ok_or_else(|| {
                format!("{provider}.master_balance: a decimal amount with at most 2 places, e.g. \"5000.00\"")
            })?;
        }
        for (i, h) in list(provider, o, "holders")?.iter().enumerate() {
            let at = format!("{provider}.holders[{i}]");
            let h = h
                .as_object()
                .ok_or_else(|| format!("{at}: an object with id, status, external"))?;
            only(&at, h, &["id", "status", "external"])?;
            let id = text(&at, h, "id")?.ok_or_else(|| format!("{at}.id is required"))?;
            if space.holders.contains_key(&id) {
                return Err(format!("{at}.id {id:?} appears twice"));
            }
            let holder = Holder {
                id: id.clone(),
                status: text(&at, h, "status")?.unwrap_or_else(|| "active".to_owned()),
                external: text(&at, h, "external")?,
            };
            space.holders.insert(id, holder);
        }
        let fields = [
            "id",
            "merchant_ref",
            "holder",
            "state",
            "balance",
            "currency",
            "kind",
            "pan",
            "cvv",
            "exp_month",
            "exp_year",
        ];
        for (i, c) in list(provider, o, "cards")?.iter().enumerate() {
            let at = format!("{provider}.cards[{i}]");
            let c = c
                .as_object()
                .ok_or_else(|| format!("{at}: an object with {}", fields.join(", ")))?;
            only(&at, c, &fields)?;
            let id = text(&at, c, "id")?.ok_or_else(|| format!("{at}.id is required"))?;
            if space.cards.contains_key(&id) {
                return Err(format!("{at}.id {id:?} appears twice"));
            }
            let holder = text(&at, c, "holder")?;
            if let Some(h) = &holder {
                if !space.holders.contains_key(h) {
                    return Err(format!(
                        "{at}.holder {h:?} is not one of {provider}.holders"
                    ));
                }
            }
            let state = match text(&at, c, "state")?.as_deref() {
                None | Some("active") => CardState::Active,
                Some("frozen") => CardState::Frozen,
                Some("closed") => CardState::Closed,
                Some(other) => {
                    return Err(format!("{at}.state {other:?}: active, frozen or closed"))
                }
            };
            let balance = match c.get("balance") {
                None => 0,
                v => amount_of(v).ok_or_else(|| {
                    format!("{at}.balance: a decimal amount with at most 2 places, e.g. \"100.00\"")
                })?,
            };
            space.seq += 1;
            let n = space.seq;
            // The generated details (as `issue` makes them), each replaced where the file gives it.
            let [pan, cvv, exp_month, exp_year] = card_details(n);
            let pan = text(&at, c, "pan")?.unwrap_or(pan);
            if !(13..=19).contains(&pan.len()) || !pan.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{at}.pan: 13 to 19 digits"));
            }
            let card = Card {
                cvv: text(&at, c, "cvv")?.unwrap_or(cvv),
                exp_month: text(&at, c, "exp_month")?.unwrap_or(exp_month),
                exp_year: text(&at, c, "exp_year")?.unwrap_or(exp_year),
                pan,
                merchant_ref: text(&at, c, "merchant_ref")?,
                holder,
                state,
                balance,
                currency: text(&at, c, "currency")?.unwrap_or_else(|| "USD".to_owned()),
                // Fixture cards are the oldest, in the file's order.
                created_ms: now_ms.saturating_sub(1_000_000).saturating_add(n),
                kind: text(&at, c, "kind")?.unwrap_or_else(|| "virtual".to_owned()),
                id: id.clone(),
            };
            if let Some(r) = &card.merchant_ref {
                space.orders.insert(r.clone(), "fixture".to_owned());
            }
            space.cards.insert(id, card);
        }
        // Ids the sandbox makes later start past the fixture's.
        space.seq += space.holders.len() as u64;
        Ok(space)
    }
}

/// Every provider's space from a fixtures file: `{"payca": {"master_balance":
/// "5000.00", "holders": [{"id", "status", "external"}], "cards": [{"id",
/// "holder", "balance", "state", "currency", "merchant_ref", "kind", "pan",
/// "cvv", "exp_month", "exp_year"}]}, ...}`; every key but `id` optional. A
/// provider left out starts empty. Errors name the field and what it takes.
pub fn load_fixtures(
    v: &serde_json::Value,
    providers: &[&'static str],
    master: i64,
    now_ms: u64,
) -> Result<HashMap<&'static str, Space>, String> {
    let o = v.as_object().ok_or(
        "a JSON object keyed by provider (worldcard, legacy, wasabi, gateway, pintopay, payca)",
    )?;
    for k in o.keys() {
        if !providers.contains(&k.as_str()) {
            return Err(format!("unknown provider {k:?}: {}", providers.join(", ")));
        }
    }
    providers
        .iter()
        .map(|p| {
            let space = match o.get(*p) {
                Some(f) => Space::from_fixture(p, f, master, now_ms)?,
                None => Space::new(master),
            };
            Ok((*p, space))
        })
        .collect()
}

fn only(
    at: &str,
    o: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
) -> Result<(), String> {
    match o.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{at}: unknown field {k:?}; expected one of {}",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

fn list<'a>(
    at: &str,
    o: &'a serde_json::Map<String, serde_json::Value>,
    k: &str,
) -> Result<&'a [serde_json::Value], String> {
    match o.get(k) {
        None => Ok(&[]),
        Some(serde_json::Value::Array(a)) if a.len() <= MAX_OBJECTS => Ok(a),
        Some(serde_json::Value::Array(_)) => Err(format!("{at}.{k}: at most {MAX_OBJECTS}")),
        Some(_) => Err(format!("{at}.{k}: a list")),
    }
}

fn text(
    at: &str,
    o: &serde_json::Map<String, serde_json::Value>,
    k: &str,
) -> Result<Option<String>, String> {
    match o.get(k) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(format!("{at}.{k}: a non-empty string")),
    }
}

/// The `n`th sandbox card's test details: PAN (Luhn-valid), CVV, expiry month and year.
fn card_details(n: u64) -> [String; 4] {
    [
        luhn_pan("4937", n),
        format!("{:03}", (n * 37 + 101) % 1000),
        format!("{:02}", n % 12 + 1),
        "2030".to_owned(),
    ]
}

/// A 16-digit test PAN with a valid Luhn check digit.
fn luhn_pan(prefix: &str, n: u64) -> String {
    let body = format!("{prefix}{:011}", n % 100_000_000_000);
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                *d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Decimal text (at most 2 places) to cents; never through a float.
pub fn cents(text: &str) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = format!("{frac:0<2}").parse().ok()?;
    w.checked_mul(100)?.checked_add(f)
}

/// Cents as decimal text (`1050` → `10.50`).
pub fn money(c: i64) -> String {
    format!(
        "{}{}.{:02}",
        if c < 0 { "-" } else { "" },
        c.abs() / 100,
        c.abs() % 100
    )
}

/// A JSON amount (number or string) as cents.
pub fn amount_of(v: Option<&serde_json::Value>) -> Option<i64> {
    match v? {
        serde_json::Value::String(s) => cents(s),
        serde_json::Value::Number(n) => cents(&n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact_and_pans_pass_luhn() {
        assert_eq!(cents("10.5"), Some(1050));
        assert_eq!(cents("0.01"), Some(1));
        assert_eq!(cents("10.001"), None);
        assert_eq!(cents("-1"), None);
        assert_eq!(money(1050), "10.50");
        let pan = luhn_pan("4937", 42);
        assert_eq!(pan.len(), 16);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;
    use serde_json::json;

    const ALL: [&str; 2] = ["payca", "wasabi"];

    #[test]
    fn fixtures_make_the_world_they_describe_and_name_what_is_wrong() {
        let f = json!({"payca": {"master_balance": "5000.10", "holders": [{"id": "ch_a", "status": "active"}],
            "cards": [{"id": "card_a", "holder": "ch_a", "balance": "100.05", "state": "frozen", "pan": "4111111111111111"}]}});
        let w = load_fixtures(&f, &ALL, 100, 1_000_000_000).expect("loads");
        let p = &w["payca"];
        assert_eq!(p.master, 500_010);
        assert_eq!(p.cards["card_a"].balance, 10_005);
        assert_eq!(p.cards["card_a"].state, CardState::Frozen);
        assert_eq!(w["wasabi"].master, 100);
        let state = p.to_json();
        assert_eq!(state["master_balance"], "5000.10");
        assert_eq!(state["cards"][0]["balance"], "100.05");
        assert_eq!(state["cards"][0]["last4"], "1111");
        assert!(!state.to_string().contains("4111111111111111"));
        // A new id does not collide with the fixture's.
        let mut p = Space::from_fixture("payca", &f["payca"], 0, 0).expect("loads");
        let made = p.next_id("card_");
        assert!(!p.cards.contains_key(&made));

        for (bad, says) in [
            (json!({"paica": {}}), "unknown provider \"paica\""),
            (
                json!({"payca": {"cards": [{"id": "c", "balance": 1.005}]}}),
                "payca.cards[0].balance",
            ),
            (
                json!({"payca": {"cards": [{"id": "c", "holder": "nobody"}]}}),
                "payca.cards[0].holder \"nobody\"",
            ),
            (
                json!({"payca": {"cards": [{"id": "c", "colour": "red"}]}}),
                "unknown field \"colour\"",
            ),
            (
                json!({"payca": {"cards": [{"balance": "1.00"}]}}),
                "payca.cards[0].id is required",
            ),
            (
                json!({"payca": {"cards": [{"id": "c", "state": "lost"}]}}),
                "active, frozen or closed",
            ),
            (
                json!({"payca": {"master_balance": "-1"}}),
                "payca.master_balance",
            ),
        ] {
            let e = load_fixtures(&bad, &ALL, 0, 0).expect_err("refused");
            assert!(e.contains(says), "{e}");
        }
    }
}

#[cfg(test)]
mod transaction_tests {
    use super::*;

    #[test]
    fn card_transactions_move_exact_cents() {
        let mut w = Space::new(100_000);
        let card = w
            .issue("c_", None, None, 10_000, "virtual", 0)
            .expect("issued");
        // 25.10 authorized, 4.90 more, 28.05 cleared: 100.00 - 28.05 = 71.95.
        let a = w
            .authorize(&card.id, 2_510, "ACME", "5734", 1)
            .expect("ok")
            .expect("approved");
        assert_eq!(w.cards[&card.id].balance, 7_490);
        w.increment(&a.id, 490, 2).expect("ok").expect("approved");
        assert_eq!(w.cards[&card.id].balance, 7_000);
        w.clear(&a.id, Some(2_805), 3).expect("cleared");
        assert_eq!(w.cards[&card.id].balance, 7_195);
        assert_eq!(money(w.cards[&card.id].balance), "71.95");
        // A refund of part, then more than is left is refused.
        w.refund(&a.id, Some(1_000), 4).expect("refunded");
        assert_eq!(w.cards[&card.id].balance, 8_195);
        assert_eq!(
            w.refund(&a.id, Some(1_806), 5).expect_err("too much"),
            Refusal::BadAmount
        );
        // A reversal releases the whole hold; a second one is refused.
        let b = w
            .authorize(&card.id, 195, "ACME", "5734", 6)
            .expect("ok")
            .expect("approved");
        w.reverse(&b.id, 7).expect("reversed");
        assert_eq!(w.cards[&card.id].balance, 8_195);
        assert_eq!(w.reverse(&b.id, 8).expect_err("done"), Refusal::NotActive);
        // More than the balance: declined, nothing held.
        let (why, _) = w
            .authorize(&card.id, 8_196, "ACME", "5734", 9)
            .expect("ok")
            .expect_err("declined");
        assert_eq!(why, Decline::Insufficient);
        assert_eq!(w.cards[&card.id].balance, 8_195);
        w.set_state(&card.id, CardState::Frozen).expect("frozen");
        let (why, _) = w
            .authorize(&card.id, 1, "ACME", "5734", 10)
            .expect("ok")
            .expect_err("declined");
        assert_eq!(why, Decline::CardNotActive);
        let kinds: Vec<(&str, &str)> = w
            .txns
            .iter()
            .map(|t| (t.kind.as_str(), t.status.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("authorization", "pending"),
                ("increment", "pending"),
                ("clearing", "completed"),
                ("refund", "completed"),
                ("authorization", "pending"),
                ("reversal", "completed"),
                ("decline", "declined"),
                ("decline", "declined"),
            ]
        );
    }
}
