//! `make demo`: starts `cardwire sandbox` on a free loopback port, drives a
//! full card lifecycle per provider against it over HTTP with the merchant
//! classes (tests/sandbox/lifecycle.json), and shows both sides: what was
//! sent, what the sandbox checked (`cardwire explain` on the first request),
//! what came back, and the webhooks it sent to a local receiver, which
//! verifies and acknowledges them. A redelivery comes back duplicate. Exits
//! non-zero if anything differs from the lifecycle's expectations (it is
//! also the Rust runner of the sandbox tests).

// serde_json's `value["key"]` reads never panic (a missing key is Null).
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use cardwire::api::{Host, Input, Instance, Out};
use serde_json::{json, Value};

struct H;
impl Host for H {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
    fn fill_random(&self, buf: &mut [u8]) -> cardwire::Result<()> {
        rand::RngCore::try_fill_bytes(&mut rand::rngs::OsRng, buf)
            .map_err(|_| cardwire::Error::RandomUnavailable)
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("sandbox-tour: {msg}");
    std::process::exit(1)
}

fn value(o: &Out) -> Value {
    match o {
        Out::Record(_, f) => {
            Value::Object(f.iter().map(|(k, v)| ((*k).to_owned(), value(v))).collect())
        }
        Out::Str(s) => json!(s),
        Out::Int(i) => json!(i),
        Out::Bool(b) => json!(b),
        Out::Json(v) => v.clone(),
        Out::Headers(h) => Value::Object(h.iter().map(|(k, v)| (k.clone(), json!(v))).collect()),
        Out::Bytes(b) => json!(String::from_utf8_lossy(b)),
        Out::List(l) => Value::Array(l.iter().map(value).collect()),
        _ => Value::Null,
    }
}

fn bytes_of(o: &Out, key: &str) -> Vec<u8> {
    match o {
        Out::Record(_, f) => f
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| match v {
                Out::Bytes(b) => b.clone(),
                _ => Vec::new(),
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// One HTTP exchange (blocking, `Connection: close`).
fn exchange(
    url: &str,
    method: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut s = TcpStream::connect(host).unwrap_or_else(|e| fail(&format!("{url}: {e}")));
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        if path.is_empty() { "/" } else { path },
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default()).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (
        status,
        headers,
        raw.get(split + 4..).unwrap_or_default().to_vec(),
    )
}

/// A webhook receiver on `l`: verifies with each provider's merchant class and acks.
fn receiver(
    l: TcpListener,
    merchants: Arc<HashMap<String, Instance>>,
    seen: Arc<Mutex<Vec<(String, String, bool)>>>,
) {
    std::thread::spawn(move || {
        for stream in l.incoming().flatten() {
            let merchants = Arc::clone(&merchants);
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                let mut r = BufReader::new(match stream.try_clone() {
                    Ok(s) => s,
                    Err(_) => return,
                });
                let mut line = String::new();
                let _ = r.read_line(&mut line);
                let provider = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let mut headers = Vec::new();
                let mut len = 0;
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.trim().eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                        headers.push(Input::List(vec![
                            Input::Str(k.trim().to_owned()),
                            Input::Str(v.trim().to_owned()),
                        ]));
                    }
                }
                let mut body = vec![0; len];
                let _ = r.read_exact(&mut body);
                let (status, ack) = match merchants.get(&provider).map(|m| {
                    m.call(
                        "verify_webhook",
                        &[Input::List(headers), Input::Bytes(body)],
                        None,
                        &H,
                    )
                }) {
                    Some(Ok(ev)) => {
                        let v = value(&ev);
                        let (t, dup) = (
                            v["type"].as_str().unwrap_or_default().to_owned(),
                            v["duplicate"].as_bool().unwrap_or(false),
                        );
                        println!(
                            "    webhook  <- {provider:<9} {t:<30} verified{}",
                            if dup {
                                ", duplicate: acknowledged, skipped"
                            } else {
                                ""
                            }
                        );
                        seen.lock().unwrap_or_else(|e| e.into_inner()).push((
                            provider.clone(),
                            t,
                            dup,
                        ));
                        let class = merchants
                            .get(&provider)
                            .map(|m| m.class().name)
                            .unwrap_or_default();
                        let ack = cardwire::api::call_static(class, "webhook_ack", &[], None, &H)
                            .map(|o| value(&o))
                            .unwrap_or(Value::Null);
                        (
                            ack["status"].as_u64().unwrap_or(200),
                            ack["body_text"].as_str().unwrap_or_default().to_owned(),
                        )
                    }
                    Some(Err(e)) => {
                        println!("    webhook  <- {provider:<9} refused: {}", e.code());
                        (401, e.code().to_owned())
                    }
                    None => (404, String::new()),
                };
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ack}",
                    ack.len()
                );
            });
        }
    });
}

/// The provider's merchant class, made from its credentials entry in one
/// line: the entry names the class and holds exactly its options.
fn merchant(provider: &str, c: &Value) -> Instance {
    let e = &c[provider];
    Instance::new(
        e["class"].as_str().unwrap_or_default(),
        &(&e["options"]).into(),
        &H,
    )
    .unwrap_or_else(|e| fail(&e.to_string()))
}

fn fill(v: &Value, vars: &HashMap<String, String>) -> Value {
    match v {
        Value::String(s) => {
            let mut out = s.clone();
            for (k, x) in vars {
                out = out.replace(&format!("{{{k}}}"), x);
            }
            Value::String(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, vars)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), fill(x, vars))).collect())
        }
        other => other.clone(),
    }
}

fn dig<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |x, k| &x[k])
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Sandbox(Child);
impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = std::env::var("CARDWIRE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target/release/cardwire"));
    let lifecycle: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/sandbox/lifecycle.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| fail(&e.to_string()));
    let dir = std::env::temp_dir().join(format!("cardwire-tour-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let creds_file = dir.join("credentials.json");

    let seen = Arc::new(Mutex::new(Vec::new()));
    // The receiver's port is bound now; it accepts once the merchants exist
    // (made from the credentials the sandbox writes).
    let hook_listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail(&e.to_string()));
    let hook_port = hook_listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let hooks = format!("http://127.0.0.1:{hook_port}/hooks");
    let mut cmd = Command::new(&bin);
    cmd.args([
        "sandbox",
        "--listen",
        "127.0.0.1:0",
        "--time-scale",
        "0.001",
        "--credentials-out",
    ])
    .arg(&creds_file);
    for p in ["worldcard", "legacy", "wasabi", "pintopay", "payca"] {
        cmd.args(["--webhook-url", &format!("{p}={hooks}/{p}")]);
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap_or_else(|e| {
        fail(&format!(
            "{}: {e} (build it: cargo build --release -p cardwire-cli)",
            bin.display()
        ))
    });
    let mut first = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut first);
    }
    let _guard = Sandbox(child);
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| fail(&format!("no address in: {first}")))
        .to_owned();
    println!("{}", first.trim());
    let creds: Value =
        serde_json::from_str(&std::fs::read_to_string(&creds_file).unwrap_or_default())
            .unwrap_or_else(|e| fail(&e.to_string()));
    let mut for_receiver = HashMap::new();
    for p in ["worldcard", "legacy", "wasabi", "pintopay", "payca"] {
        for_receiver.insert(p.to_owned(), merchant(p, &creds));
    }
    receiver(hook_listener, Arc::new(for_receiver), Arc::clone(&seen));

    let run = (H.now_ms() % 10_000_000).to_string();
    let providers = lifecycle["providers"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (provider, spec) in &providers {
        println!("\n== {provider}");
        let m = merchant(provider, &creds);
        let url = creds[provider]["base_url"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut vars: HashMap<String, String> = HashMap::from([("run".to_owned(), run.clone())]);
        for (i, step) in spec["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let path = text(&fill(&step["path"], &vars));
            let payload = Input::from(&fill(&step["payload"], &vars));
            let mut opts = Vec::new();
            if let Some(mth) = step["method"].as_str() {
                opts.push(("method".to_owned(), Input::Str(mth.to_owned())));
            }
            if let Some(q) = step.get("query") {
                opts.push(("query".to_owned(), Input::from(q)));
            }
            if let Some(k) = step["idempotency_key"].as_str() {
                opts.push((
                    "idempotency_key".to_owned(),
                    Input::Str(text(&fill(&json!(k), &vars))),
                ));
            }
            let req = m
                .call(
                    "build_request",
                    &[Input::Str(path.clone()), payload],
                    Some(&Input::Map(opts)),
                    &H,
                )
                .unwrap_or_else(|e| fail(&format!("{provider} {path}: {e}")));
            let r = value(&req);
            let headers: Vec<(String, String)> = r["headers"]
                .as_object()
                .map(|h| h.iter().map(|(k, v)| (k.clone(), text(v))).collect())
                .unwrap_or_default();
            let body = bytes_of(&req, "body");
            println!(
                "  {:<6} -> {} {}  ({} bytes, headers {})",
                r["method"].as_str().unwrap_or_default(),
                provider,
                r["path"].as_str().unwrap_or_default(),
                body.len(),
                headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if i == 0 && provider != "gateway" {
                // What the sandbox checks, as the provider would (`cardwire explain`).
                let mut raw = format!(
                    "{} /{provider}{} HTTP/1.1\r\n",
                    r["method"].as_str().unwrap_or_default(),
                    r["path"].as_str().unwrap_or_default()
                )
                .into_bytes();
                for (k, v) in &headers {
                    raw.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
                }
                raw.extend_from_slice(b"\r\n");
                raw.extend_from_slice(&body);
                let f = dir.join("request.http");
                let _ = std::fs::write(&f, &raw);
                if let Ok(out) = Command::new(&bin)
                    .arg("explain")
                    .arg(provider)
                    .arg("--request")
                    .arg(&f)
                    .arg("--credentials")
                    .arg(&creds_file)
                    .output()
                {
                    for l in String::from_utf8_lossy(&out.stdout)
                        .lines()
                        .filter(|l| !l.starts_with("        "))
                    {
                        println!("           sandbox check {l}");
                    }
                }
            }
            let (status, rh, rb) = exchange(
                &format!("{url}{}", r["path"].as_str().unwrap_or_default()),
                r["method"].as_str().unwrap_or("POST"),
                &headers,
                &body,
            );
            let rh_in = Input::List(
                rh.iter()
                    .map(|(k, v)| Input::List(vec![Input::Str(k.clone()), Input::Str(v.clone())]))
                    .collect(),
            );
            let open_opts = if provider == "gateway" {
                Some(Input::Map(vec![(
                    "path".to_owned(),
                    Input::Str(path.clone()),
                )]))
            } else {
                None
            };
            let opened = m
                .call(
                    "open_response",
                    &[Input::Int(i128::from(status)), rh_in, Input::Bytes(rb)],
                    open_opts.as_ref(),
                    &H,
                )
                .unwrap_or_else(|e| fail(&format!("{provider} {path}: {status}: {e}")));
            let mut data = value(&opened)["data"].clone();
            if step["sensitive"].as_bool() == Some(true) {
                data = m
                    .call("open_sensitive", &[Input::from(&data)], None, &H)
                    .map(|o| value(&o))
                    .unwrap_or_else(|e| fail(&e.to_string()));
            }
            for (name, p) in step["capture"].as_object().cloned().unwrap_or_default() {
                vars.insert(name, text(dig(&data, p.as_str().unwrap_or_default())));
            }
            for (p, want) in step["expect"].as_object().cloned().unwrap_or_default() {
                if text(dig(&data, &p)) != text(&want) {
                    fail(&format!(
                        "{provider} {path}: {p} is {}, expected {}",
                        dig(&data, &p),
                        want
                    ));
                }
            }
            let shown: Vec<String> = data
                .as_object()
                .map(|o| {
                    o.iter()
                        .take(5)
                        .map(|(k, v)| format!("{k}={}", text(v)))
                        .collect()
                })
                .unwrap_or_default();
            println!("  {status}    <- {}", shown.join(" "));
        }
        if let Some(ev) = spec["redeliver"].as_str() {
            std::thread::sleep(std::time::Duration::from_millis(300));
            println!("  trigger: the provider sends {ev} again (a retry with the same bytes)");
            let _ = Command::new(&bin)
                .args([
                    "trigger",
                    provider,
                    ev,
                    "--sandbox",
                    &base,
                    "--redeliver",
                    "1",
                ])
                .stdout(Stdio::null())
                .status();
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(800));
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for (provider, spec) in &providers {
        let mut want: Vec<String> = spec["webhooks"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default();
        let mut got: Vec<String> = seen
            .iter()
            .filter(|(p, _, dup)| p == provider && !dup)
            .map(|(_, t, _)| t.clone())
            .collect();
        if spec["redeliver"].is_string() {
            want.push(text(&spec["redeliver"]));
        }
        want.sort();
        got.sort();
        let dups = seen
            .iter()
            .filter(|(p, _, dup)| p == provider && *dup)
            .count();
        if provider != "gateway" && (got != want || dups < 1) {
            fail(&format!(
                "{provider}: webhooks {got:?}, expected {want:?} and one duplicate"
            ));
        }
    }
    println!("\nsandbox tour: every provider's lifecycle ran over HTTP; every webhook verified and acknowledged; every redelivery came back duplicate");
}
