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

#[derive(Debug, Default)]
pub struct Space {
    pub cards: HashMap<String, Card>,
    pub holders: HashMap<String, Holder>,
    /// merchant order numbers / transaction ids / idempotency keys already used
    pub orders: HashMap<String, String>,
    pub txns: Vec<Txn>,
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
        let card = Card {
            pan: luhn_pan("4937", n),
            cvv: format!("{:03}", (n * 37 + 101) % 1000),
            exp_month: format!("{:02}", n % 12 + 1),
            exp_year: "2030".to_owned(),
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
