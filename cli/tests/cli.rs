#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The `cardwire` command end to end: `sign` makes a request the sandbox
//! accepts, `explain` walks its checks and names the first broken one,
//! `verify` checks a webhook, `trigger` asks the sandbox for one.

use cardwire::WebhookSigner;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cardwire");

struct Sandbox {
    child: Child,
    base: String,
    creds: PathBuf,
    dir: PathBuf,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn sandbox(tag: &str) -> Sandbox {
    let dir = std::env::temp_dir().join(format!("cardwire-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let creds = dir.join("creds.json");
    let mut child = Command::new(BIN)
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "11",
            "--credentials-out",
        ])
        .arg(&creds)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_owned();
    Sandbox {
        child,
        base,
        creds,
        dir,
    }
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A signed webhook as the raw HTTP message file `verify` and `explain` read.
fn raw_message(hook: &cardwire::envelope::SignedWebhook) -> Vec<u8> {
    let mut raw = Vec::new();
    for (k, v) in &hook.headers {
        raw.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(&hook.body);
    raw
}

/// Sends a raw HTTP request file to the sandbox; the status.
fn send(base: &str, provider: &str, raw: &[u8]) -> u16 {
    let host = base.trim_start_matches("http://");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body = &raw[split + 4..];
    let mut lines = head.lines();
    let first = lines.next().unwrap();
    let mut parts = first.split_whitespace();
    let (method, path) = (parts.next().unwrap(), parts.next().unwrap());
    let mut s = TcpStream::connect(host).unwrap();
    // `cardwire sign` writes the path as it must be sent (the sandbox's
    // provider prefix included) and its Host.
    assert!(path.starts_with(&format!("/{provider}/")), "{first}");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for l in lines {
        if l.to_ascii_lowercase().starts_with("host:") {
            assert_eq!(l, format!("Host: {host}"));
        }
        req.push_str(l);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn sign_explain_and_send() {
    let sb = sandbox("sign");
    let creds = sb.creds.to_str().unwrap();
    let body = sb.dir.join("apply.json");
    std::fs::write(&body, r#"{"merchant_card_id":"cli-1","card_type":"VIRTUAL-V","card_bin_id":"b","first_recharge_amount":"20.00","first_name":"Ann","last_name":"Lee","state":"CA","country_code":"US","city":"LA","address":"1 Main St","postal_code":"90001"}"#).unwrap();
    let (code, signed) = run(&[
        "sign",
        "worldcard",
        "--path",
        "/api/v1/card/virtual/apply",
        "--body",
        body.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert_eq!(code, 0, "{signed}");
    let req = sb.dir.join("req.http");
    std::fs::write(&req, &signed).unwrap();
    let (code, out) = run(&[
        "explain",
        "worldcard",
        "--request",
        req.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("every check passed")
            && out.contains("signed text")
            && out.contains("cannot be known offline")
            && !out.contains("recorded now")
            && !out.contains("Some(")
            && !out.contains("None"),
        "{out}"
    );
    assert_eq!(send(&sb.base, "worldcard", signed.as_bytes()), 200);
    // The same request again: the nonce is spent (the sandbox says so, 401).
    assert_eq!(send(&sb.base, "worldcard", signed.as_bytes()), 401);

    // Body changed after signing: the signature check fails first.
    let broken = signed.replacen("{\"data\":\"", "{\"data\":\"A", 1);
    std::fs::write(&req, &broken).unwrap();
    let (code, out) = run(&[
        "explain",
        "worldcard",
        "--request",
        req.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("first failing check: signature") && out.contains("(signature_invalid)"),
        "{out}"
    );
    // A header name typo: the header check fails first and says which.
    std::fs::write(&req, signed.replacen("X-Nonce:", "X-Nonse:", 1)).unwrap();
    let (code, out) = run(&[
        "explain",
        "worldcard",
        "--request",
        req.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(
        code == 1 && out.contains("first failing check: headers") && out.contains("X-Nonce"),
        "{out}"
    );
    // Secrets never print.
    let c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(creds).unwrap()).unwrap();
    assert!(!out.contains(c["worldcard"]["aes_key"].as_str().unwrap()));

    // Legacy: the canonical string shows the secret redacted.
    std::fs::write(&body, r#"{"merOrderNo":"cli-2","cardType":"VISA","businessScene":"ads","cardArea":"US","firstRecharge":20}"#).unwrap();
    let (_, signed) = run(&[
        "sign",
        "legacy",
        "--path",
        "/api/card/kyc/apply/virtual/L",
        "--body",
        body.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    std::fs::write(
        &req,
        signed
            .replacen("\"20\"", "\"21\"", 1)
            .replacen(":20,", ":21,", 1),
    )
    .unwrap();
    let (code, out) = run(&[
        "explain",
        "legacy",
        "--request",
        req.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(
        code == 1 && out.contains("appSecret=[redacted]") && out.contains("the appSecret gives"),
        "{out}"
    );
    assert!(
        !out.contains(c["legacy"]["app_secret"].as_str().unwrap()),
        "{out}"
    );
}

#[test]
fn verify_and_trigger() {
    let sb = sandbox("verify");
    let creds = sb.creds.to_str().unwrap();
    let c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(creds).unwrap()).unwrap();
    // A webhook signed as PayCA would (the sandbox's own platform side).
    let p = cardwire::payca::Platform::new(
        c["payca"]["client_id"].as_str().unwrap(),
        c["payca"]["client_secret"].as_str().unwrap(),
    )
    .unwrap();
    let hook = p
        .sign_webhook(
            &cardwire::Notification::new(
                "",
                r#"{"event":"card_transaction","data":{"cardId":"c-1"}}"#,
            )
            .id("rq-1"),
            0,
            &mut rand::rngs::OsRng,
        )
        .unwrap();
    let raw = raw_message(&hook);
    let file = sb.dir.join("hook.http");
    std::fs::write(&file, &raw).unwrap();
    let (code, out) = run(&[
        "verify",
        "payca",
        "--webhook",
        file.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(
        code == 0 && out.contains("verified: card_transaction"),
        "{out}"
    );
    let mut bad = raw.clone();
    let n = bad.len() - 3;
    bad[n] ^= 1;
    std::fs::write(&file, &bad).unwrap();
    let (code, out) = run(&[
        "verify",
        "payca",
        "--webhook",
        file.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(code == 1 && out.contains("refused: signature"), "{out}");
    let (code, out) = run(&[
        "explain",
        "payca",
        "--webhook",
        file.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(
        code == 1 && out.contains("HMAC-SHA256") && out.contains("the client secret gives"),
        "{out}"
    );

    // trigger: with no webhook URL for the provider nothing can be delivered:
    // a clear failure, not "queued".
    let (code, out) = run(&[
        "trigger",
        "payca",
        "card_transaction",
        "--sandbox",
        &sb.base,
        "--redeliver",
        "2",
        "amount=5.00",
    ]);
    assert!(
        code != 0 && out.contains("no webhook URL for payca") && out.contains("--webhook-url"),
        "{out}"
    );
    // A misspelt event is refused with the provider's events listed.
    let (code, out) = run(&[
        "trigger",
        "payca",
        "card_transactoin",
        "--sandbox",
        &sb.base,
    ]);
    assert!(
        code != 0 && out.contains("no event") && out.contains("card_transaction"),
        "{out}"
    );
    let (code, out) = run(&["trigger", "nope", "x", "--sandbox", &sb.base]);
    assert!(
        code == 2
            && out.contains("invalid value 'nope'")
            && out.contains("worldcard, legacy, wasabi, gateway, pintopay, payca"),
        "{out}"
    );
}

/// The command line people know: --help and --version anywhere, help per
/// command with examples, unknown flags and values refused with the valid
/// ones named, shell completions.
#[test]
fn the_command_line_helps_and_refuses_what_it_does_not_know() {
    let (code, out) = run(&["--help"]);
    assert!(
        code == 0 && out.contains("sandbox") && out.contains("completions"),
        "{out}"
    );
    let (code, out) = run(&["--version"]);
    assert!(
        code == 0 && out.trim() == format!("cardwire {}", env!("CARGO_PKG_VERSION")),
        "{out}"
    );
    for cmd in [
        "sandbox",
        "trigger",
        "explain",
        "sign",
        "verify",
        "events",
        "completions",
    ] {
        let (code, out) = run(&[cmd, "--help"]);
        assert!(code == 0 && out.contains("Example"), "{cmd}: {out}");
        let (code, out) = run(&[cmd, "--version"]);
        assert!(code == 0 && out.contains("cardwire"), "{cmd}: {out}");
    }
    // An unknown flag is an error naming the valid ones, never ignored.
    let (code, out) = run(&["sandbox", "--port", "9000"]);
    assert!(
        code == 2 && out.contains("unknown flag --port") && out.contains("--listen"),
        "{out}"
    );
    let (code, out) = run(&["sandbox", "--webhook-url", "gateway=http://127.0.0.1:1/"]);
    assert!(
        code == 2 && out.contains("gateway pushes no webhooks"),
        "{out}"
    );
    let (code, out) = run(&["sandbox", "--webhook-url", "paica=http://127.0.0.1:1/"]);
    assert!(
        code == 2 && out.contains("unknown provider paica") && out.contains("payca"),
        "{out}"
    );
    let (code, out) = run(&["sandbox", "--time-scale", "0"]);
    assert!(code == 2 && out.contains("--time-scale"), "{out}");
    let (code, out) = run(&["explain", "payca", "--credentials", "x.json"]);
    assert!(
        code == 2 && out.contains("--request") && out.contains("--webhook"),
        "{out}"
    );
    let (code, out) = run(&["bogus"]);
    assert!(
        code == 2 && out.contains("unrecognized subcommand"),
        "{out}"
    );
    for shell in ["bash", "zsh", "fish"] {
        let (code, out) = run(&["completions", shell]);
        assert!(
            code == 0 && out.contains("cardwire") && out.contains("webhook-url"),
            "{shell}: {out}"
        );
    }
    let (code, out) = run(&["completions", "tcsh"]);
    assert!(code == 2 && out.contains("possible values"), "{out}");
}

#[test]
fn explain_calls_an_event_time_data() {
    let sb = sandbox("event-time");
    let creds = sb.creds.to_str().unwrap();
    let c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(creds).unwrap()).unwrap();
    // A cardholder event re-sent months later (PayCA's resend): accepted.
    let p = cardwire::payca::Platform::new(
        c["payca"]["client_id"].as_str().unwrap(),
        c["payca"]["client_secret"].as_str().unwrap(),
    )
    .unwrap();
    let hook = p
        .sign_webhook(
            &cardwire::Notification::new(
                "",
                r#"{"cardholderId":"ch-1","status":"pass_audit","timestamp":"2025-01-02T03:04:05Z"}"#,
            )
            .id("rq-old"),
            0,
            &mut rand::rngs::OsRng,
        )
        .unwrap();
    let raw = raw_message(&hook);
    let file = sb.dir.join("old.http");
    std::fs::write(&file, &raw).unwrap();
    let (code, out) = run(&[
        "explain",
        "payca",
        "--webhook",
        file.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(
        code == 0
            && out.contains("data, not a freshness check")
            && out.contains("2025-01-02T03:04:05Z"),
        "{out}"
    );
    let (code, out) = run(&[
        "verify",
        "payca",
        "--webhook",
        file.to_str().unwrap(),
        "--credentials",
        creds,
    ]);
    assert!(code == 0 && out.contains("verified"), "{out}");
}
