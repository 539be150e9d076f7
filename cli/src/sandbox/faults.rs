//! Fault injection: what the providers do on a bad day, on demand, so a
//! caller can test its retries and its duplicate handling. Requests: added
//! latency, a 5xx, a 429 with `Retry-After`, a dropped connection, Wasabi's
//! unsigned HTML 502. Webhooks: each one delivered twice, one held back so
//! the next overtakes it, one with a bad signature.
//!
//! One text form for the flag, the admin API and the CLI:
//! `PROVIDER[/ROUTE]=KIND[:ARG][,times=N]`, e.g. `payca/v1/cards=503,times=2`,
//! `gateway=429:30`, `worldcard=latency:800`, `wasabi=html-502`,
//! `payca=drop`, `pintopay=webhook-duplicate`,
//! `worldcard=webhook-out-of-order:2000`, `legacy=webhook-bad-signature`.

use serde_json::{json, Value};

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The answer waits this many ms (the request is still served).
    Latency(u64),
    /// This 5xx instead of an answer (the request is not served).
    Status(u16),
    /// 429 with `Retry-After: seconds` (the request is not served).
    TooMany(u64),
    /// The connection is closed without an answer (the request is not served).
    Drop,
    /// An unsigned `text/html` 502 from the provider's load balancer (Wasabi's documented case).
    Html502,
    /// Each webhook is delivered twice (the same bytes).
    WebhookDuplicate,
    /// A webhook's first attempt waits this many ms, and the one object's
    /// order is not kept: the next webhook overtakes it.
    WebhookOutOfOrder(u64),
    /// A webhook with one signed byte changed (a receiver must refuse it).
    WebhookBadSignature,
}

impl Kind {
    pub fn is_webhook(self) -> bool {
        matches!(
            self,
            Kind::WebhookDuplicate | Kind::WebhookOutOfOrder(_) | Kind::WebhookBadSignature
        )
    }

    fn text(self) -> String {
        match self {
            Kind::Latency(ms) => format!("latency:{ms}"),
            Kind::Status(s) => s.to_string(),
            Kind::TooMany(s) => format!("429:{s}"),
            Kind::Drop => "drop".to_owned(),
            Kind::Html502 => "html-502".to_owned(),
            Kind::WebhookDuplicate => "webhook-duplicate".to_owned(),
            Kind::WebhookOutOfOrder(ms) => format!("webhook-out-of-order:{ms}"),
            Kind::WebhookBadSignature => "webhook-bad-signature".to_owned(),
        }
    }
}

/// The kinds, as the help and every error list them.
pub const KINDS: &str = "latency:MS, 500..599, 429[:SECONDS], drop, html-502 (wasabi, gateway), webhook-duplicate, webhook-out-of-order[:MS], webhook-bad-signature";

/// One fault in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub id: u64,
    pub provider: String,
    /// A path prefix under the provider (`/v1/cards`); none: every path.
    pub route: Option<String>,
    pub kind: Kind,
    /// How many more times it applies; none: until removed.
    pub remaining: Option<u32>,
    /// How many times it has applied.
    pub hits: u64,
}

impl Fault {
    /// `PROVIDER[/ROUTE]=KIND[:ARG][,times=N]`.
    pub fn parse(spec: &str) -> Result<Fault, String> {
        let usage = "PROVIDER[/ROUTE]=KIND[:ARG][,times=N], e.g. payca/v1/cards=503,times=2";
        let (target, rest) = spec
            .split_once('=')
            .ok_or_else(|| format!("{spec:?}: {usage}"))?;
        let (provider, route) = match target.split_once('/') {
            Some((p, r)) => (p, Some(format!("/{}", r.trim_start_matches('/')))),
            None => (target, None),
        };
        if !crate::PROVIDERS.contains(&provider) {
            return Err(format!(
                "{spec:?}: unknown provider {provider:?}: {}",
                crate::PROVIDERS.join(", ")
            ));
        }
        let mut parts = rest.split(',');
        let kind_text = parts.next().unwrap_or_default();
        let mut remaining = None;
        for p in parts {
            match p.split_once('=') {
                Some(("times", n)) => {
                    remaining =
                        Some(n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                            format!("{spec:?}: times={n}: a whole number from 1")
                        })?);
                }
                _ => return Err(format!("{spec:?}: {p:?} is not times=N; {usage}")),
            }
        }
        let (name, arg) = match kind_text.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (kind_text, None),
        };
        let number = |what: &str, default: Option<u64>, max: u64| -> Result<u64, String> {
            match arg {
                None => default.ok_or_else(|| format!("{spec:?}: {name} needs :{what}")),
                Some(a) => a
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(|| format!("{spec:?}: {name}:{a}: {what} from 0 to {max}")),
            }
        };
        let no_arg = |k: Kind| match arg {
            None => Ok(k),
            Some(a) => Err(format!("{spec:?}: {name} takes no argument (got :{a})")),
        };
        let kind = match name {
            "latency" => Kind::Latency(number("MS", None, 120_000)?),
            "429" => Kind::TooMany(number("SECONDS", Some(1), 86_400)?),
            "drop" => no_arg(Kind::Drop)?,
            "html-502" => {
                if !matches!(provider, "wasabi" | "gateway") {
                    return Err(format!(
                        "{spec:?}: html-502 is Wasabi's load balancer (wasabi, gateway); for {provider} use 502"
                    ));
                }
                no_arg(Kind::Html502)?
            }
            "webhook-duplicate" => no_arg(Kind::WebhookDuplicate)?,
            "webhook-out-of-order" => Kind::WebhookOutOfOrder(number("MS", Some(1_000), 600_000)?),
            "webhook-bad-signature" => no_arg(Kind::WebhookBadSignature)?,
            s => match s.parse::<u16>() {
                Ok(code) if (500..=599).contains(&code) => no_arg(Kind::Status(code))?,
                _ => return Err(format!("{spec:?}: unknown fault {s:?}: {KINDS}")),
            },
        };
        if kind.is_webhook() {
            if route.is_some() {
                return Err(format!(
                    "{spec:?}: a webhook fault applies to the provider's webhooks, not a route"
                ));
            }
            if provider == "gateway" {
                return Err(format!(
                    "{spec:?}: gateway pushes no webhooks (its events are polled)"
                ));
            }
        }
        Ok(Fault {
            id: 0,
            provider: provider.to_owned(),
            route,
            kind,
            remaining,
            hits: 0,
        })
    }

    /// A kind's text (`webhook-duplicate`, `latency:800`, ...).
    pub fn kind_text(k: Kind) -> String {
        k.text()
    }

    /// The text form (what [`parse`](Self::parse) reads).
    pub fn spec(&self) -> String {
        let mut s = self.provider.clone();
        if let Some(r) = &self.route {
            s.push_str(r);
        }
        s.push('=');
        s.push_str(&self.kind.text());
        if let Some(n) = self.remaining {
            s.push_str(&format!(",times={n}"));
        }
        s
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "spec": self.spec(), "provider": self.provider, "route": self.route,
            "kind": self.kind.text(), "remaining": self.remaining, "hits": self.hits,
        })
    }

    fn matches(&self, provider: &str, path: Option<&str>, webhook: bool) -> bool {
        self.provider == provider
            && self.kind.is_webhook() == webhook
            && match (&self.route, path) {
                (None, _) => true,
                (Some(r), Some(p)) => {
                    let p = p.split(['?', '#']).next().unwrap_or_default();
                    p == r
                        || p.strip_prefix(r.as_str())
                            .is_some_and(|x| x.starts_with('/'))
                }
                (Some(_), None) => false,
            }
    }
}

/// The faults in force, oldest first.
#[derive(Debug, Default)]
pub struct Faults {
    list: Vec<Fault>,
    next: u64,
}

/// At most this many faults at once.
pub const MAX_FAULTS: usize = 100;

impl Faults {
    pub fn add(&mut self, mut f: Fault) -> Result<Fault, String> {
        if self.list.len() >= MAX_FAULTS {
            return Err(format!(
                "at most {MAX_FAULTS} faults at once: remove some (DELETE /_admin/faults)"
            ));
        }
        self.next += 1;
        f.id = self.next;
        self.list.push(f.clone());
        Ok(f)
    }

    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.list.len();
        self.list.retain(|f| f.id != id);
        self.list.len() != before
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    pub fn to_json(&self) -> Value {
        Value::Array(self.list.iter().map(Fault::to_json).collect())
    }

    /// Every fault that applies to this request (`path`) or webhook
    /// (`None`), counted as applied; one that has run out is removed.
    pub fn take(&mut self, provider: &str, path: Option<&str>) -> Vec<Kind> {
        let webhook = path.is_none();
        let mut out = Vec::new();
        for f in &mut self.list {
            if f.matches(provider, path, webhook) {
                f.hits += 1;
                if let Some(n) = &mut f.remaining {
                    *n -= 1;
                }
                out.push(f.kind);
            }
        }
        self.list.retain(|f| f.remaining != Some(0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_reads_back_and_wrong_ones_say_what_to_write() {
        for spec in [
            "payca/v1/cards=503,times=2",
            "gateway=429:30",
            "worldcard=latency:800",
            "wasabi=html-502",
            "payca=drop",
            "pintopay=webhook-duplicate",
            "worldcard=webhook-out-of-order:2000",
            "legacy=webhook-bad-signature",
        ] {
            assert_eq!(Fault::parse(spec).expect(spec).spec(), spec);
        }
        assert_eq!(
            Fault::parse("gateway=429").expect("429").kind,
            Kind::TooMany(1)
        );
        for (bad, says) in [
            ("paica=503", "unknown provider"),
            ("payca=404", "unknown fault \"404\""),
            ("payca=latency", "latency needs :MS"),
            ("payca=html-502", "for payca use 502"),
            ("payca=503,times=0", "times=0"),
            ("payca/v1/cards=webhook-duplicate", "not a route"),
            ("gateway=webhook-duplicate", "polled"),
            ("payca", "PROVIDER[/ROUTE]"),
        ] {
            let e = Fault::parse(bad).expect_err(bad);
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn a_fault_applies_to_its_route_and_runs_out() {
        let mut faults = Faults::default();
        faults
            .add(Fault::parse("payca/v1/cards=503,times=2").expect("parses"))
            .expect("added");
        faults
            .add(Fault::parse("payca=webhook-duplicate").expect("parses"))
            .expect("added");
        assert!(faults.take("payca", Some("/v1/users")).is_empty());
        assert!(faults.take("payca", Some("/v1/cardsX")).is_empty());
        assert!(faults.take("worldcard", Some("/v1/cards")).is_empty());
        assert_eq!(
            faults.take("payca", Some("/v1/cards?limit=1")),
            [Kind::Status(503)]
        );
        assert_eq!(
            faults.take("payca", Some("/v1/cards/c1")),
            [Kind::Status(503)]
        );
        assert!(faults.take("payca", Some("/v1/cards")).is_empty());
        assert_eq!(faults.take("payca", None), [Kind::WebhookDuplicate]);
        assert_eq!(faults.take("payca", None), [Kind::WebhookDuplicate]);
        assert_eq!(faults.to_json()[0]["hits"], 2);
    }
}
