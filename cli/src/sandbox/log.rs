//! The request log: every request the sandbox answers, on stdout (a human
//! line, or one JSON object per line with `--log-format json`) and at
//! `/_admin/requests`, with the `explain` verdict of every refusal. Bounded
//! (the newest [`MAX_REQUESTS`] entries). Secrets and card data never
//! appear: the path is logged without its query, and a verdict is the first
//! failing check of an explanation, which redacts secrets itself, with
//! anything that looks like a card number masked.

use std::collections::VecDeque;

use cardwire::envelope::Headers;
use cardwire::{Received, RequestVerifier};
use serde_json::{json, Value};

use super::Sandbox;

/// Entries kept for `/_admin/requests`.
pub const MAX_REQUESTS: usize = 10_000;

/// How requests are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per request.
    Human,
    /// One JSON object per line (the `/_admin/requests` entry).
    Json,
    /// Nothing on stdout (the admin route still has them).
    Off,
}

/// One answered request.
pub struct Entry<'a> {
    pub provider: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a Headers,
    pub body: &'a [u8],
    pub status: u16,
    pub latency_us: u64,
    /// The injected fault that shaped the answer (`503`, `drop`, `latency`).
    pub fault: Option<&'a str>,
    /// The replay keys (nonces, request ids) this request found already
    /// recorded: its explanation reports them as replays.
    pub replayed: Vec<String>,
}

impl Sandbox {
    /// Records and prints one answered request.
    pub fn log_request(&self, e: &Entry<'_>) {
        let at_ms = self.now_ms();
        let path = e.path.split(['?', '#']).next().unwrap_or_default();
        let (verdict, explanation) = match e.fault {
            Some(f) if f != "latency" => (
                Some(format!(
                    "injected fault {f} (the request was not served; /_admin/faults lists the faults)"
                )),
                None,
            ),
            _ if e.status >= 400 => {
                let (v, x) = self.verdict(e, path, at_ms);
                (Some(v), x)
            }
            _ => (None, None),
        };
        let id = self
            .next_logged
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let entry = json!({
            "id": id,
            "at": super::rfc3339_micros(at_ms),
            "provider": e.provider,
            "method": e.method,
            "path": path,
            "status": e.status,
            "latency_ms": e.latency_us as f64 / 1000.0,
            "verdict": verdict,
            "fault": e.fault,
        });
        let line = match self.options.log_format {
            LogFormat::Human => Some(human(&entry)),
            LogFormat::Json => Some(entry.to_string()),
            LogFormat::Off => None,
        };
        if let Some(line) = line {
            self.stdout.print(line);
        }
        // Kept for `explain --request-id` (`/_admin/requests/{id}`), not listed.
        let mut entry = entry;
        if let Some(x) = explanation {
            entry["explanation"] = Value::String(x);
        }
        let mut log = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() >= MAX_REQUESTS {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// `/_admin/requests`: the newest `limit` entries (all kept by default),
    /// oldest first; `provider` and `status` (`4xx`, `401`, ...) filter.
    pub fn requests_json(&self, query: Option<&str>) -> Value {
        let mut provider = None;
        let mut status = None;
        let mut limit = MAX_REQUESTS;
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "provider" => provider = Some(v.to_owned()),
                "status" => status = Some(v.to_owned()),
                "limit" => limit = v.parse().unwrap_or(limit),
                _ => {}
            }
        }
        let log = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        let matching: Vec<&Value> = log
            .iter()
            .filter(|e| provider.as_deref().is_none_or(|p| e["provider"] == p))
            .filter(|e| {
                status.as_deref().is_none_or(|s| {
                    let got = e["status"].as_u64().unwrap_or(0).to_string();
                    match s.strip_suffix("xx") {
                        Some(class) => got.starts_with(class),
                        None => got == s,
                    }
                })
            })
            .collect();
        let skip = matching.len().saturating_sub(limit);
        Value::Array(
            matching
                .into_iter()
                .skip(skip)
                .map(|e| {
                    let mut e = e.clone();
                    if let Some(o) = e.as_object_mut() {
                        o.remove("explanation");
                    }
                    e
                })
                .collect(),
        )
    }

    /// `/_admin/requests/{id}`: one entry, with the whole explanation of a
    /// refusal as the running sandbox saw it (a replayed nonce is a replay).
    pub fn request_json(&self, id: u64) -> Option<Value> {
        let log = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().find(|e| e["id"] == id).cloned()
    }

    /// Why a request was refused: the first failing check of its
    /// explanation (offline: a replay cannot be told from here), else what
    /// is left: a replay or a rule of the endpoint.
    fn verdict(&self, e: &Entry<'_>, path: &str, now_ms: u64) -> (String, Option<String>) {
        let with_path = Received::new(e.headers, e.body).with_path(path);
        // What the sandbox's guard knew when the request came: its replays.
        let mut guard = super::Remembered(e.replayed.clone());
        let explanation = match e.provider {
            "worldcard" => self
                .worldcard
                .explain_request(&with_path, now_ms, &mut guard),
            "legacy" => self.legacy.explain_request(
                &Received::body_only(e.body).with_path(path),
                now_ms,
                &mut guard,
            ),
            "wasabi" => self.wasabi.explain_request(&with_path, now_ms, &mut guard),
            "pintopay" => self
                .pintopay
                .explain_request(&with_path, now_ms, &mut guard),
            "payca" => self.payca.explain_request(&with_path, now_ms, &mut guard),
            _ => {
                let key = e.headers.get("X-API-KEY").ok().flatten();
                let v = match key {
                    None => "X-API-KEY present (missing)".to_owned(),
                    Some(k) if k != self.creds.gateway_api_key => {
                        "X-API-KEY is the merchant's (another key arrived)".to_owned()
                    }
                    Some(_) => format!(
                        "X-API-KEY is the merchant's; {} from the gateway's documented rules or limits (the response says which)",
                        e.status
                    ),
                };
                return (v.clone(), Some(format!("{v}\n")));
            }
        };
        let whole = mask_card_numbers(&explanation.to_string());
        let verdict = match explanation.first_failure() {
            Some(step) => mask_card_numbers(&format!(
                "{} ({}): {}",
                step.check,
                step.failed.unwrap_or(""),
                step.detail.lines().next().unwrap_or_default()
            )),
            None => "every signature and envelope check passes: refused by the endpoint's rules; the response says which".to_owned(),
        };
        (verdict, Some(whole))
    }
}

/// A readable line: `12:00:00.123  worldcard POST /api/v1/card/deposit  401  1.204 ms  refused: ...`.
fn human(e: &Value) -> String {
    let at = e["at"].as_str().unwrap_or_default();
    let time = at.get(11..23).unwrap_or(at);
    let mut line = format!(
        "{time}  {:<9} {:<6} {}  {}  {} ms",
        e["provider"].as_str().unwrap_or_default(),
        e["method"].as_str().unwrap_or_default(),
        e["path"].as_str().unwrap_or_default(),
        e["status"],
        e["latency_ms"]
    );
    if let Some(v) = e["verdict"].as_str() {
        line.push_str("  refused: ");
        line.push_str(v);
    }
    line
}

/// Runs of 13 to 19 digits (a card number's length) become `[card number]`.
fn mask_card_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if (13..=19).contains(&digits.len()) {
            out.push_str("[card number]");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Kept entries, for the type the sandbox holds.
pub type Log = std::sync::Mutex<VecDeque<Value>>;

/// Lines to stdout from one thread of their own, so a reader that stops
/// reading (a pipe nobody drains) never stalls a request: when
/// [`Stdout::QUEUE`] lines wait, newer ones are counted and dropped, and
/// the count is printed when the reader catches up. `/_admin/requests`
/// keeps them all the same.
pub struct Stdout {
    tx: std::sync::mpsc::SyncSender<String>,
    dropped: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Stdout {
    /// Lines that may wait for stdout.
    pub const QUEUE: usize = 4_096;

    pub fn new() -> Stdout {
        use std::io::Write;
        let (tx, rx) = std::sync::mpsc::sync_channel::<String>(Self::QUEUE);
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = std::sync::Arc::clone(&dropped);
        std::thread::spawn(move || {
            let mut out = std::io::stdout();
            for line in rx {
                let lost = counted.swap(0, std::sync::atomic::Ordering::Relaxed);
                if lost > 0 {
                    let _ = writeln!(out, "({lost} log lines dropped: stdout was not read; /_admin/requests has them)");
                }
                if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                    return;
                }
            }
        });
        Stdout { tx, dropped }
    }

    /// Queues a line, or counts it as dropped.
    pub fn print(&self, line: String) {
        if self.tx.try_send(line).is_err() {
            self.dropped
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn card_numbers_are_masked_and_other_numbers_kept() {
        assert_eq!(
            super::mask_card_numbers(
                "pan 4937241000003841, ts 1764000000 s, big 12345678901234567890"
            ),
            "pan [card number], ts 1764000000 s, big 12345678901234567890"
        );
    }
}
