//! `cardwire`: a local sandbox of all six providers, webhook triggers, and
//! explain/sign/verify for one envelope. The core stays IO-free; the
//! network, files and clock live here.
//!
//! ```text
//! cardwire sandbox [--listen 127.0.0.1:8900] [--credentials-out FILE] [--credentials FILE]
//!                  [--webhook-url PROVIDER=URL ...] [--seed N] [--time-scale F] [--replay-store redis://...]
//!                  [--ip-whitelist PROVIDER=IP[,IP...]] [--gateway-rate-limit N]
//! cardwire trigger PROVIDER EVENT [--sandbox URL] [--card ID] [--redeliver N] [--tamper] [field=value ...]
//! cardwire explain PROVIDER (--request FILE | --webhook FILE) --credentials FILE [--now-ms MS]
//! cardwire sign PROVIDER --path PATH [--body FILE|-] [--method M] [--no-validate] --credentials FILE
//! cardwire verify PROVIDER --webhook FILE --credentials FILE [--now-ms MS]
//! ```

// serde_json's `value["key"]` reads never panic (a missing key is Null) and
// the writes index objects built just before; byte slices use `get`.
#![allow(clippy::indexing_slicing)]

mod commands;
mod http;
mod sandbox;

use std::collections::HashMap;

use serde_json::{json, Value};

/// A command-line failure: a message for the user, exit status 2.
#[derive(Debug)]
pub struct Fail(String);

impl Fail {
    pub fn msg(m: impl Into<String>) -> Fail {
        Fail(m.into())
    }
}

impl std::fmt::Display for Fail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const USAGE: &str = "usage:
  cardwire sandbox [--listen 127.0.0.1:8900] [--credentials-out FILE] [--credentials FILE]
                   [--webhook-url PROVIDER=URL ...] [--seed N] [--time-scale F] [--replay-store redis://...]
                   [--ip-whitelist PROVIDER=IP[,IP...]] [--gateway-rate-limit N]
  cardwire trigger PROVIDER EVENT [--sandbox URL] [--card ID] [--redeliver N] [--tamper] [field=value ...]
  cardwire explain PROVIDER (--request FILE | --webhook FILE) --credentials FILE [--now-ms MS]
  cardwire sign PROVIDER --path PATH [--body FILE|-] [--method M] [--no-validate] --credentials FILE
  cardwire verify PROVIDER --webhook FILE --credentials FILE [--now-ms MS]
providers: worldcard, legacy, wasabi, gateway, pintopay, payca";

/// Flags (`--name value`, `--switch`) and positional words.
struct Args {
    words: Vec<String>,
    flags: HashMap<String, Vec<String>>,
}

const SWITCHES: &[&str] = &["--tamper", "--no-validate"];

impl Args {
    fn parse(raw: &[String]) -> Result<Args, Fail> {
        let mut words = Vec::new();
        let mut flags: HashMap<String, Vec<String>> = HashMap::new();
        let mut it = raw.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, value) = match name.split_once('=') {
                    Some((n, v)) => (format!("--{n}"), Some(v.to_owned())),
                    None => (a.clone(), None),
                };
                let value = match value {
                    Some(v) => v,
                    None if SWITCHES.contains(&name.as_str()) => "true".to_owned(),
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| Fail::msg(format!("{name} needs a value")))?,
                };
                flags.entry(name).or_default().push(value);
            } else {
                words.push(a.clone());
            }
        }
        Ok(Args { words, flags })
    }

    fn one(&self, name: &str) -> Option<&str> {
        self.flags
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    fn num<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Fail> {
        self.one(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| Fail::msg(format!("{name} {v}: not a number")))
            })
            .transpose()
    }

    fn creds(&self) -> Result<sandbox::credentials::Credentials, Fail> {
        let path = self.one("--credentials").ok_or_else(|| Fail::msg("--credentials FILE is required (the file `cardwire sandbox --credentials-out FILE` writes)"))?;
        commands::load_credentials(path)
    }
}

fn provider_word(a: &Args, i: usize) -> Result<&str, Fail> {
    let p = a
        .words
        .get(i)
        .map(String::as_str)
        .ok_or_else(|| Fail::msg(USAGE))?;
    match p {
        "worldcard" | "legacy" | "wasabi" | "gateway" | "pintopay" | "payca" => Ok(p),
        other => Err(Fail::msg(format!(
            "unknown provider {other}: worldcard, legacy, wasabi, gateway, pintopay, payca"
        ))),
    }
}

async fn run(raw: Vec<String>) -> Result<i32, Fail> {
    let a = Args::parse(&raw)?;
    match a.words.first().map(String::as_str) {
        Some("sandbox") => {
            let listen = a
                .one("--listen")
                .unwrap_or("127.0.0.1:8900")
                .parse()
                .map_err(|_| Fail::msg("--listen HOST:PORT"))?;
            let mut webhook_urls = HashMap::new();
            for w in a.flags.get("--webhook-url").into_iter().flatten() {
                let (p, url) = w
                    .split_once('=')
                    .ok_or_else(|| Fail::msg("--webhook-url PROVIDER=URL"))?;
                webhook_urls.insert(p.to_owned(), url.to_owned());
            }
            let seed = a.num::<u64>("--seed")?;
            let creds = match a.one("--credentials") {
                Some(_) => a.creds()?,
                None => sandbox::credentials::Credentials::generate(seed)?,
            };
            let options = sandbox::Options {
                listen,
                webhook_urls,
                time_scale: a
                    .num::<f64>("--time-scale")?
                    .unwrap_or(1.0)
                    .clamp(0.000_001, 1_000.0),
                seed,
                body_limit: 5 * 1024 * 1024,
                ip_whitelist: {
                    let mut m: HashMap<String, Vec<std::net::IpAddr>> = HashMap::new();
                    for w in a.flags.get("--ip-whitelist").into_iter().flatten() {
                        let (p, ips) = w
                            .split_once('=')
                            .ok_or_else(|| Fail::msg("--ip-whitelist PROVIDER=IP[,IP...]"))?;
                        let ips = ips
                            .split(',')
                            .map(|ip| ip.trim().parse())
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|_| {
                                Fail::msg("--ip-whitelist PROVIDER=IP[,IP...]: IP addresses")
                            })?;
                        m.insert(p.to_owned(), ips);
                    }
                    m
                },
                gateway_rate_limit: a.num::<u32>("--gateway-rate-limit")?,
            };
            // Several sandboxes share request nonces through Redis.
            let replay: Option<Box<dyn cardwire::delivery::ReplayGuard + Send>> =
                match a.one("--replay-store") {
                    Some(url) if url.starts_with("redis://") => Some(Box::new(
                        cardwire_redis::RedisReplayGuard::open(url)
                            .map_err(|e| Fail::msg(e.to_string()))?,
                    )),
                    Some(other) => {
                        return Err(Fail::msg(format!(
                            "--replay-store {other}: a redis:// URL (the default is in memory)"
                        )))
                    }
                    None => None,
                };
            sandbox::server::run(
                creds,
                options,
                a.one("--credentials-out").map(str::to_owned),
                replay,
            )
            .await?;
            Ok(0)
        }
        Some("trigger") => {
            let provider = provider_word(&a, 1)?;
            let event = a
                .words
                .get(2)
                .ok_or_else(|| Fail::msg("trigger PROVIDER EVENT"))?;
            let mut fields = serde_json::Map::new();
            for w in a.words.iter().skip(3) {
                let (k, v) = w
                    .split_once('=')
                    .ok_or_else(|| Fail::msg(format!("{w}: fields are field=value")))?;
                fields.insert(
                    k.to_owned(),
                    serde_json::from_str::<Value>(v).unwrap_or_else(|_| json!(v)),
                );
            }
            let req = json!({
                "provider": provider, "event": event, "card_id": a.one("--card"), "fields": fields,
                "redeliver": a.num::<u64>("--redeliver")?.unwrap_or(0), "tamper": a.one("--tamper").is_some(),
            });
            let out = commands::trigger(a.one("--sandbox").unwrap_or("http://127.0.0.1:8900"), req)
                .await?;
            println!("{out}");
            Ok(0)
        }
        Some("explain") => {
            let provider = provider_word(&a, 1)?;
            let e = commands::explain(
                provider,
                a.one("--request"),
                a.one("--webhook"),
                &a.creds()?,
                a.num("--now-ms")?,
            )?;
            print!("{e}");
            Ok(if e.first_failure().is_some() { 1 } else { 0 })
        }
        Some("sign") => {
            let provider = provider_word(&a, 1)?;
            let path = a
                .one("--path")
                .ok_or_else(|| Fail::msg("--path PATH is required"))?;
            print!(
                "{}",
                commands::sign(
                    provider,
                    path,
                    a.one("--body"),
                    a.one("--method"),
                    a.one("--no-validate").is_none(),
                    &a.creds()?
                )?
            );
            Ok(0)
        }
        Some("verify") => {
            let provider = provider_word(&a, 1)?;
            let file = a
                .one("--webhook")
                .ok_or_else(|| Fail::msg("--webhook FILE is required"))?;
            match commands::verify(provider, file, &a.creds()?, a.num("--now-ms")?) {
                Ok(v) => {
                    println!(
                        "verified: {} {}",
                        v["type"].as_str().unwrap_or_default(),
                        v["data"]
                    );
                    println!(
                        "delivery key {}",
                        v["delivery_key"].as_str().unwrap_or_default()
                    );
                    Ok(0)
                }
                Err(e) => {
                    println!("refused: {e}");
                    Ok(1)
                }
            }
        }
        Some("--help" | "-h" | "help") | None => {
            println!("{USAGE}");
            Ok(0)
        }
        Some(other) => Err(Fail::msg(format!("unknown command {other}\n{USAGE}"))),
    }
}

fn main() {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cardwire: {e}");
            std::process::exit(2);
        }
    };
    let code = match rt.block_on(run(raw)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cardwire: {e}");
            2
        }
    };
    std::process::exit(code);
}
