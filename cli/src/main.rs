//! `cardwire`: a local sandbox of all six providers, webhook triggers, and
//! explain/sign/verify for one envelope. The core stays IO-free; the
//! network, files and clock live here.
//!
//! `cardwire --help` lists the commands, `cardwire COMMAND --help` each one
//! with examples; `cardwire completions SHELL` prints a completion script.

// serde_json's `value["key"]` reads never panic (a missing key is Null) and
// the writes index objects built just before; byte slices use `get`.
#![allow(clippy::indexing_slicing)]

mod commands;
mod http;
mod sandbox;

use clap::{CommandFactory, Parser, Subcommand};
use serde_json::json;

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

/// Providers a command names.
const PROVIDERS: [&str; 6] = [
    "worldcard",
    "legacy",
    "wasabi",
    "gateway",
    "pintopay",
    "payca",
];
/// Providers that push webhooks (the gateway is polled: it pushes nothing).
const PUSHING: [&str; 5] = ["worldcard", "legacy", "wasabi", "pintopay", "payca"];

/// A local sandbox of all six card-issuing providers, webhook triggers, and
/// explain / sign / verify for one envelope.
#[derive(Debug, Parser)]
#[command(
    name = "cardwire",
    version,
    propagate_version = true,
    after_help = "Providers: worldcard, legacy (WorldCard legacy and Transfer V4), wasabi (Open API), gateway (Wasabi API gateway), pintopay, payca.\n\nStart here:\n  cardwire sandbox --credentials-out creds.json --webhook-url payca=http://127.0.0.1:3000/hooks/payca\n  cardwire trigger payca card_transaction amount=5.00\n  cardwire explain payca --webhook delivery.http --credentials creds.json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every provider's API on one port, with the documented answers, and deliver webhooks.
    #[command(
        after_help = "Examples:\n  cardwire sandbox\n  cardwire sandbox --listen 127.0.0.1:0 --credentials-out creds.json\n  cardwire sandbox --webhook-url worldcard=http://127.0.0.1:3000/hooks/worldcard --webhook-url payca=http://127.0.0.1:3000/hooks/payca --time-scale 0.01\n  cardwire sandbox --credentials creds.json --seed 7 --replay-store redis://127.0.0.1:6379"
    )]
    Sandbox(SandboxArgs),
    /// Make the running sandbox send a provider's webhook (fields as field=value; values are JSON where they parse).
    #[command(
        after_help = "Examples:\n  cardwire trigger payca card_transaction amount=5.00\n  cardwire trigger worldcard card_billing --card 4937... --redeliver 2\n  cardwire trigger wasabi card_transaction --tamper\n\nA misspelt event is refused with the provider's events listed."
    )]
    Trigger(TriggerArgs),
    /// Check a received request or webhook step by step and say which check fails and why (exit 1 when one does).
    #[command(
        after_help = "Examples:\n  cardwire explain worldcard --request request.http --credentials creds.json\n  cardwire explain payca --webhook delivery.http --credentials creds.json --now-ms 1764000000000\n  cardwire explain --request-id 12 --sandbox http://127.0.0.1:8900   # a refusal in the running sandbox's log\n\nFILE is a raw HTTP message (request line, headers, blank line, body); - reads standard input."
    )]
    Explain(ExplainArgs),
    /// Print the exact request to send (method, path, headers, body) as raw HTTP.
    #[command(
        after_help = "Examples:\n  cardwire sign wasabi --path /merchant/core/mcb/card/info --body payload.json --credentials creds.json\n  echo '{}' | cardwire sign payca --path /v1/cards --body - --credentials creds.json"
    )]
    Sign(SignArgs),
    /// Verify one received webhook and print its type, data and delivery key (exit 1 when refused).
    #[command(
        after_help = "Example:\n  cardwire verify payca --webhook delivery.http --credentials creds.json"
    )]
    Verify(VerifyArgs),
    /// The running sandbox's webhooks: list them, show one (payload, headers, every attempt), resend one.
    #[command(
        after_help = "Examples:\n  cardwire events list\n  cardwire events show 12\n  cardwire events resend 12 --sandbox http://127.0.0.1:8900\n\nA resend sends the same bytes once more, now: your receiver must acknowledge it as a duplicate."
    )]
    Events(EventsArgs),
    /// Run card transactions on a card of the running sandbox: each step moves the balance and sends the provider's transaction webhooks, in order.
    #[command(
        after_help = "Steps: authorization, increment, clearing, reversal, refund, decline; all (the default) runs\nauthorization (3-D Secure) → increment → clearing → refund of half; authorization → reversal; decline.\nlegacy also has close (the card closed, its balance refunded).\n\nExamples:\n  cardwire simulate payca --card pca_00000002 --amount 25.10\n  cardwire simulate worldcard authorization --card wc_00000001 --amount 12.50 --3ds\n  cardwire simulate worldcard clearing --transaction auth_00000007 --amount 12.00\n  cardwire simulate wasabi refund --transaction auth_00000007 --amount 5.00\n  cardwire simulate legacy close --card lg_00000001"
    )]
    Simulate(SimulateArgs),
    /// The running sandbox's world: holders, cards (last four digits), balances, orders, transactions.
    #[command(
        after_help = "Examples:\n  cardwire state\n  cardwire state --provider payca --sandbox http://127.0.0.1:8900"
    )]
    State(StateArgs),
    /// Put the running sandbox back to its first world (the --fixtures file, or empty); webhooks and the request log are cleared.
    #[command(after_help = "Example:\n  cardwire reset --sandbox http://127.0.0.1:8900")]
    Reset(SandboxUrl),
    /// The running sandbox's injected faults: list them, add one, remove one, clear them.
    #[command(
        after_help = "Examples:\n  cardwire faults add payca/v1/cards=503,times=2     # the next two card calls fail with 503\n  cardwire faults add gateway=429:30                 # every gateway call: 429, Retry-After: 30\n  cardwire faults add worldcard=latency:800          # answers wait 800 ms\n  cardwire faults add wasabi=html-502                # the load balancer's unsigned HTML page\n  cardwire faults add payca=drop,times=1             # one connection closed without an answer\n  cardwire faults add pintopay=webhook-duplicate     # each webhook delivered twice\n  cardwire faults add worldcard=webhook-out-of-order:2000  # the next webhook overtakes this one\n  cardwire faults add legacy=webhook-bad-signature   # your receiver must refuse it\n  cardwire faults list\n  cardwire faults remove 3\n  cardwire faults clear"
    )]
    Faults(FaultsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  cardwire completions bash > /etc/bash_completion.d/cardwire\n  cardwire completions zsh > \"${fpath[1]}/_cardwire\"\n  cardwire completions fish > ~/.config/fish/completions/cardwire.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, clap::Args)]
struct SandboxArgs {
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8900")]
    listen: std::net::SocketAddr,
    /// Write the sandbox's credentials (every provider's keys and secrets) to FILE.
    #[arg(long, value_name = "FILE")]
    credentials_out: Option<String>,
    /// Start from these credentials (a file --credentials-out wrote) instead of new ones.
    #[arg(long, value_name = "FILE")]
    credentials: Option<String>,
    /// Where a provider's webhooks go (repeat per provider; also a provider's
    /// `webhook_url` in the --credentials file, or PUT /_admin/webhook-urls).
    #[arg(long, value_name = "PROVIDER=URL", value_parser = webhook_url)]
    webhook_url: Vec<(String, String)>,
    /// Seed for reproducible credentials, ids and cards.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Speed of the providers' retry schedules (0.01: a 10-minute wait takes 6 s).
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    time_scale: f64,
    /// Share request nonces between sandboxes through Redis (default: in memory).
    #[arg(long, value_name = "redis://...")]
    replay_store: Option<String>,
    /// Answer the documented 403 to any other source address (repeat per provider).
    #[arg(long, value_name = "PROVIDER=IP[,IP...]", value_parser = ip_whitelist)]
    ip_whitelist: Vec<(String, Vec<std::net::IpAddr>)>,
    /// Answer the gateway's 429 with Retry-After beyond N requests per second.
    #[arg(long, value_name = "N")]
    gateway_rate_limit: Option<u32>,
    /// How each answered request is printed on stdout (every refusal with the
    /// first failing check); /_admin/requests keeps the newest 10,000.
    #[arg(long, value_enum, default_value = "human")]
    log_format: sandbox::log::LogFormat,
    /// Start from this world (and go back to it on POST /_admin/reset): holders,
    /// cards and balances per provider, as JSON (see docs/sandbox.md).
    #[arg(long, value_name = "FILE")]
    fixtures: Option<String>,
    /// Inject a fault from the start (repeatable): PROVIDER[/ROUTE]=KIND[:ARG][,times=N];
    /// kinds: latency:MS, 500..599, 429[:SECONDS], drop, html-502, webhook-duplicate,
    /// webhook-out-of-order[:MS], webhook-bad-signature. Also `cardwire faults` and /_admin/faults.
    #[arg(long, value_name = "SPEC", value_parser = sandbox::faults::Fault::parse)]
    fault: Vec<sandbox::faults::Fault>,
}

#[derive(Debug, clap::Args)]
struct TriggerArgs {
    /// The provider.
    #[arg(value_parser = PROVIDERS)]
    provider: String,
    /// The provider's event type (card_transaction, card_billing, card.transaction, ...).
    event: String,
    /// Fields of the event, field=value (values are JSON where they parse, else text; a decimal stays its exact text, "5.00").
    #[arg(value_name = "FIELD=VALUE", value_parser = field_value)]
    fields: Vec<(String, String)>,
    /// Override one field of the event (repeatable; the same as a FIELD=VALUE argument, applied after them).
    #[arg(long = "set", value_name = "FIELD=VALUE", value_parser = field_value)]
    set: Vec<(String, String)>,
    /// The running sandbox.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
    /// The card the event is about (default: the sandbox picks one).
    #[arg(long, value_name = "ID")]
    card: Option<String>,
    /// Deliver the same webhook N more times (duplicates your receiver must acknowledge).
    #[arg(long, value_name = "N", default_value_t = 0)]
    redeliver: u64,
    /// Change one byte after signing (your receiver must refuse it).
    #[arg(long)]
    tamper: bool,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("message").required(true).args(["request", "webhook", "request_id"]))]
struct ExplainArgs {
    /// The provider (for --request and --webhook).
    #[arg(value_parser = PROVIDERS)]
    provider: Option<String>,
    /// A received request, as raw HTTP (- for standard input).
    #[arg(long, value_name = "FILE")]
    request: Option<String>,
    /// A received webhook, as raw HTTP (- for standard input).
    #[arg(long, value_name = "FILE")]
    webhook: Option<String>,
    /// A request the running sandbox refused (its ID in /_admin/requests):
    /// explained as the sandbox saw it, so a replayed nonce is a replay.
    #[arg(long, value_name = "ID")]
    request_id: Option<u64>,
    /// The running sandbox (for --request-id).
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
    /// The credentials file `cardwire sandbox --credentials-out` writes (for --request and --webhook).
    #[arg(long, value_name = "FILE")]
    credentials: Option<String>,
    /// The time to check against, Unix milliseconds (default: now).
    #[arg(long, value_name = "MS")]
    now_ms: Option<u64>,
}

#[derive(Debug, clap::Args)]
struct SignArgs {
    /// The provider.
    #[arg(value_parser = PROVIDERS)]
    provider: String,
    /// The endpoint's path.
    #[arg(long, value_name = "PATH")]
    path: String,
    /// The JSON payload (- for standard input; default: none).
    #[arg(long, value_name = "FILE")]
    body: Option<String>,
    /// The HTTP method (default: the endpoint's).
    #[arg(long, value_name = "M")]
    method: Option<String>,
    /// Do not check the payload against the endpoint's documented rules.
    #[arg(long)]
    no_validate: bool,
    /// The credentials file `cardwire sandbox --credentials-out` writes.
    #[arg(long, value_name = "FILE")]
    credentials: String,
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The provider.
    #[arg(value_parser = PROVIDERS)]
    provider: String,
    /// The received webhook, as raw HTTP (- for standard input).
    #[arg(long, value_name = "FILE")]
    webhook: String,
    /// The credentials file `cardwire sandbox --credentials-out` writes.
    #[arg(long, value_name = "FILE")]
    credentials: String,
    /// The time to check against, Unix milliseconds (default: now).
    #[arg(long, value_name = "MS")]
    now_ms: Option<u64>,
}

#[derive(Debug, clap::Args)]
struct EventsArgs {
    /// What to do.
    #[arg(value_parser = ["list", "show", "resend"])]
    action: String,
    /// The event (its ID in `cardwire events list`); for show and resend.
    id: Option<u64>,
    /// The running sandbox.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
}

#[derive(Debug, clap::Args)]
struct StateArgs {
    /// Only this provider's part of the world.
    #[arg(long, value_parser = PROVIDERS)]
    provider: Option<String>,
    /// The running sandbox.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
}

#[derive(Debug, clap::Args)]
struct SimulateArgs {
    /// The provider.
    #[arg(value_parser = PROVIDERS)]
    provider: String,
    /// The step (default: all of them, in order).
    #[arg(value_parser = ["authorization", "increment", "clearing", "reversal", "refund", "decline", "all", "close"], default_value = "all")]
    step: String,
    /// The card (authorization, decline, all, close).
    #[arg(long, value_name = "ID")]
    card: Option<String>,
    /// The authorization's transaction ID (increment, clearing, reversal, refund).
    #[arg(long, value_name = "ID")]
    transaction: Option<String>,
    /// The amount, exact decimal text (clearing: default what is held; refund: what is left).
    #[arg(long, value_name = "DECIMAL")]
    amount: Option<String>,
    /// The merchant's name.
    #[arg(long, value_name = "NAME")]
    merchant: Option<String>,
    /// The merchant category code.
    #[arg(long, value_name = "NNNN")]
    mcc: Option<String>,
    /// Ask for 3-D Secure first (WorldCard: a card_3ds OTP webhook before the authorization).
    #[arg(long = "3ds")]
    three_ds: bool,
    /// The running sandbox.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
}

#[derive(Debug, clap::Args)]
struct FaultsArgs {
    /// What to do.
    #[arg(value_parser = ["list", "add", "remove", "clear"])]
    action: String,
    /// add: the fault (PROVIDER[/ROUTE]=KIND[:ARG][,times=N]); remove: its ID.
    what: Option<String>,
    /// The running sandbox.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
}

#[derive(Debug, clap::Args)]
struct SandboxUrl {
    /// The running sandbox.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8900")]
    sandbox: String,
}

/// `PROVIDER=URL` for a provider that pushes webhooks.
fn webhook_url(v: &str) -> Result<(String, String), String> {
    let (p, url) = v
        .split_once('=')
        .ok_or_else(|| format!("{v}: PROVIDER=URL, PROVIDER one of {}", PUSHING.join(", ")))?;
    if p == "gateway" {
        return Err(
            "gateway pushes no webhooks (its events are polled: GET /api/v1/webhook-events)"
                .to_owned(),
        );
    }
    if !PUSHING.contains(&p) {
        return Err(format!(
            "unknown provider {p}: one of {}",
            PUSHING.join(", ")
        ));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("{url}: an http:// or https:// URL"));
    }
    Ok((p.to_owned(), url.to_owned()))
}

/// `PROVIDER=IP[,IP...]`.
fn ip_whitelist(v: &str) -> Result<(String, Vec<std::net::IpAddr>), String> {
    let (p, ips) = v
        .split_once('=')
        .ok_or_else(|| format!("{v}: PROVIDER=IP[,IP...]"))?;
    if !PROVIDERS.contains(&p) {
        return Err(format!(
            "unknown provider {p}: one of {}",
            PROVIDERS.join(", ")
        ));
    }
    let ips = ips
        .split(',')
        .map(|ip| {
            ip.trim()
                .parse()
                .map_err(|_| format!("{ip}: not an IP address"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((p.to_owned(), ips))
}

/// `field=value`.
fn field_value(v: &str) -> Result<(String, String), String> {
    v.split_once('=')
        .map(|(k, x)| (k.to_owned(), x.to_owned()))
        .ok_or_else(|| format!("{v}: fields are field=value"))
}

async fn run(cli: Cli) -> Result<i32, Fail> {
    match cli.command {
        Command::Sandbox(a) => {
            let creds = match &a.credentials {
                Some(path) => commands::load_credentials(path)?,
                None => sandbox::credentials::Credentials::generate(a.seed)?,
            };
            if !(a.time_scale.is_finite() && a.time_scale > 0.0) {
                return Err(Fail::msg(format!(
                    "--time-scale {}: a positive number (0.01 makes a 10-minute wait 6 s)",
                    a.time_scale
                )));
            }
            // Webhook URLs: a flag wins over the credentials file's `webhook_url`.
            let mut webhook_urls: std::collections::HashMap<String, String> =
                std::collections::HashMap::new();
            if let Some(path) = &a.credentials {
                for p in PUSHING {
                    if let Some(u) = commands::credential_text(path, p, "webhook_url") {
                        let (p, u) = webhook_url(&format!("{p}={u}"))
                            .map_err(|e| Fail::msg(format!("{path}: {p}.webhook_url: {e}")))?;
                        webhook_urls.insert(p, u);
                    }
                }
            }
            webhook_urls.extend(a.webhook_url);
            let options =
                sandbox::Options {
                    listen: a.listen,
                    webhook_urls,
                    time_scale: a.time_scale.clamp(0.000_001, 1_000.0),
                    seed: a.seed,
                    body_limit: 5 * 1024 * 1024,
                    ip_whitelist: a.ip_whitelist.into_iter().collect(),
                    gateway_rate_limit: a.gateway_rate_limit,
                    log_format: a.log_format,
                    faults: a.fault,
                    fixtures: match &a.fixtures {
                        Some(path) => {
                            let text = std::fs::read(path)
                                .map_err(|e| Fail::msg(format!("--fixtures {path}: {e}")))?;
                            Some(cardwire::exact_json::parse(&text).map_err(|e| {
                                Fail::msg(format!("--fixtures {path}: not JSON ({e})"))
                            })?)
                        }
                        None => None,
                    },
                };
            // Several sandboxes share request nonces through Redis.
            let replay: Option<Box<dyn cardwire::delivery::ReplayGuard + Send>> =
                match a.replay_store.as_deref() {
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
            sandbox::server::run(creds, options, a.credentials_out, replay).await?;
            Ok(0)
        }
        Command::Trigger(a) => {
            let mut fields = serde_json::Map::new();
            for (k, v) in a.fields.into_iter().chain(a.set) {
                // Exact: a decimal becomes its text ("5.00"), never a binary float.
                let value = cardwire::exact_json::parse(v.as_bytes()).unwrap_or_else(|_| json!(v));
                fields.insert(k, value);
            }
            let req = json!({
                "provider": a.provider, "event": a.event, "card_id": a.card, "fields": fields,
                "redeliver": a.redeliver, "tamper": a.tamper,
            });
            println!("{}", commands::trigger(&a.sandbox, req).await?);
            Ok(0)
        }
        Command::Explain(a) => {
            if let Some(id) = a.request_id {
                let v =
                    commands::admin(&a.sandbox, "GET", &format!("/_admin/requests/{id}")).await?;
                println!(
                    "request {id}: {} {} {} answered {} at {}",
                    v["provider"].as_str().unwrap_or_default(),
                    v["method"].as_str().unwrap_or_default(),
                    v["path"].as_str().unwrap_or_default(),
                    v["status"],
                    v["at"].as_str().unwrap_or_default()
                );
                return Ok(match (v["explanation"].as_str(), v["verdict"].as_str()) {
                    (Some(x), _) => {
                        print!("{x}");
                        1
                    }
                    (None, Some(verdict)) => {
                        println!("{verdict}");
                        1
                    }
                    (None, None) => {
                        println!("accepted: nothing to explain");
                        0
                    }
                });
            }
            let provider = a.provider.ok_or_else(|| {
                Fail::msg("explain --request/--webhook needs the provider: cardwire explain PROVIDER --request FILE --credentials FILE")
            })?;
            let credentials = a.credentials.ok_or_else(|| {
                Fail::msg("explain --request/--webhook needs --credentials FILE (what `cardwire sandbox --credentials-out` wrote)")
            })?;
            let creds = commands::load_credentials(&credentials)?;
            let e = commands::explain(
                &provider,
                a.request.as_deref(),
                a.webhook.as_deref(),
                &creds,
                a.now_ms,
            )?;
            print!("{e}");
            Ok(if e.first_failure().is_some() { 1 } else { 0 })
        }
        Command::Sign(a) => {
            let creds = commands::load_credentials(&a.credentials)?;
            print!(
                "{}",
                commands::sign(
                    &a.provider,
                    &a.path,
                    a.body.as_deref(),
                    a.method.as_deref(),
                    !a.no_validate,
                    &creds,
                    commands::base_url(&a.credentials, &a.provider).as_deref(),
                )?
            );
            Ok(0)
        }
        Command::Verify(a) => {
            let creds = commands::load_credentials(&a.credentials)?;
            match commands::verify(&a.provider, &a.webhook, &creds, a.now_ms) {
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
        Command::Events(a) => {
            println!("{}", commands::events(&a.sandbox, &a.action, a.id).await?);
            Ok(0)
        }
        Command::Simulate(a) => {
            let req = json!({
                "provider": a.provider, "step": a.step, "card_id": a.card, "transaction_id": a.transaction,
                "amount": a.amount, "merchant": a.merchant, "mcc": a.mcc, "three_ds": a.three_ds,
            });
            let v = commands::admin_json(&a.sandbox, "POST", "/_admin/simulate", &req).await?;
            for s in v["steps"].as_array().into_iter().flatten() {
                let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
                println!(
                    "{:<13} {:<14} {:>10} {}  {:<9} balance {}{}  webhooks: {}",
                    text("step"),
                    text("transaction_id"),
                    text("amount"),
                    text("currency"),
                    text("status"),
                    text("card_balance"),
                    s["decline_reason"]
                        .as_str()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default(),
                    s["webhooks"]
                        .as_array()
                        .map(|w| w
                            .iter()
                            .filter_map(serde_json::Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", "))
                        .filter(|w| !w.is_empty())
                        .unwrap_or_else(|| "none documented".to_owned())
                );
            }
            Ok(0)
        }
        Command::State(a) => {
            let v = commands::admin(&a.sandbox, "GET", "/_admin/state").await?;
            let v = match &a.provider {
                Some(p) => v[p.as_str()].clone(),
                None => v,
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| Fail::msg(e.to_string()))?
            );
            Ok(0)
        }
        Command::Reset(a) => {
            let v = commands::admin(&a.sandbox, "POST", "/_admin/reset").await?;
            println!(
                "reset: {}",
                if v["fixtures"] == true {
                    "back to the --fixtures world"
                } else {
                    "the world is empty again"
                }
            );
            Ok(0)
        }
        Command::Faults(a) => {
            let v = match (a.action.as_str(), a.what.as_deref()) {
                ("list", _) => commands::admin(&a.sandbox, "GET", "/_admin/faults").await?,
                ("clear", _) => commands::admin(&a.sandbox, "DELETE", "/_admin/faults").await?,
                ("add", Some(spec)) => {
                    // Checked here too: a wrong one never reaches the sandbox.
                    sandbox::faults::Fault::parse(spec).map_err(Fail::msg)?;
                    commands::admin_json(
                        &a.sandbox,
                        "POST",
                        "/_admin/faults",
                        &json!({ "spec": spec }),
                    )
                    .await?
                }
                ("remove", Some(id)) => {
                    let id: u64 = id.parse().map_err(|_| {
                        Fail::msg(format!(
                            "faults remove {id}: the fault's ID (cardwire faults list)"
                        ))
                    })?;
                    commands::admin(&a.sandbox, "DELETE", &format!("/_admin/faults/{id}")).await?
                }
                (action, None) => {
                    return Err(Fail::msg(format!(
                        "faults {action} needs {}",
                        if action == "add" {
                            "the fault: PROVIDER[/ROUTE]=KIND[:ARG][,times=N]"
                        } else {
                            "the fault's ID (cardwire faults list)"
                        }
                    )))
                }
                (action, Some(_)) => {
                    return Err(Fail::msg(format!(
                        "faults {action}: list, add SPEC, remove ID or clear"
                    )))
                }
            };
            let list = if v.is_array() { v.clone() } else { json!([v]) };
            for f in list.as_array().into_iter().flatten() {
                println!(
                    "{:>4}  {}  (applied {} time{})",
                    f["id"],
                    f["spec"].as_str().unwrap_or_default(),
                    f["hits"],
                    if f["hits"] == 1 { "" } else { "s" }
                );
            }
            if v.as_array().is_some_and(Vec::is_empty) {
                println!("no faults");
            }
            Ok(0)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "cardwire",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
    }
}

/// Prints clap's error (an unknown flag also gets the command's flags
/// listed) and exits: 0 for --help and --version, 2 otherwise.
fn exit_usage(e: clap::Error) -> ! {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() == ErrorKind::UnknownArgument {
        let flag = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(f)) => f.clone(),
            _ => String::new(),
        };
        let words: Vec<String> = std::env::args().skip(1).collect();
        let root = Cli::command();
        let cmd = words
            .iter()
            .find_map(|w| root.find_subcommand(w.as_str()))
            .unwrap_or(&root);
        let valid: Vec<String> = cmd
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .chain(["--help".to_owned(), "--version".to_owned()])
            .collect();
        let name = match cmd.get_name() {
            "cardwire" => "cardwire".to_owned(),
            sub => format!("cardwire {sub}"),
        };
        eprintln!(
            "error: unknown flag {flag} for {name}\n  valid flags: {}\n\nFor more information, try '{name} --help'.",
            valid.join(", ")
        );
        std::process::exit(2);
    }
    e.exit()
}

fn main() {
    // Usage errors, --help and --version exit here (status 2 for errors).
    let cli = Cli::try_parse().unwrap_or_else(|e| exit_usage(e));
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
    let code = match rt.block_on(run(cli)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cardwire: {e}");
            2
        }
    };
    std::process::exit(code);
}
