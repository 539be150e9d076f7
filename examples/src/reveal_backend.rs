//! The back end of the card-details page (examples/browser), in Rust, on
//! the standard library's TCP listener (an example, not a web framework).
//! It holds the merchant's account keys; the page never does.
//!
//! `POST /api/reveal {provider, cardId, publicKey, requestId}`: fetch the
//! card from the provider (here the conformance fixtures, made by Python
//! `cryptography` and PyNaCl, stand in for the live call), open the response
//! with the merchant type, and seal only the card fields to the page's
//! one-time key for a minute. Static files: only the page and the npm
//! package.
//!
//! `cargo run -p cardwire-examples --bin reveal-backend [port]` prints
//! `listening on http://127.0.0.1:PORT`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use cardwire::prelude::*;
use cardwire::{pintopay, reveal, worldcard, AesKey, RsaPrivateKey};
use serde_json::{json, Value};

struct Backend {
    root: PathBuf,
    worldcard: worldcard::Merchant,
    worldcard_body: String,
    pintopay: pintopay::Merchant,
    pintopay_body: String,
}

fn read(root: &Path, p: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(p)).map_err(|e| format!("{p}: {e}"))
}

fn fixture(root: &Path, p: &str) -> Result<Value, String> {
    serde_json::from_str(&read(root, p)?).map_err(|e| format!("{p}: {e}"))
}

impl Backend {
    fn load() -> Result<Backend, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let wc = fixture(
            &root,
            "tests/vectors/worldcard/response_virtual_get_info.json",
        )?;
        let ptp = fixture(&root, "tests/vectors/pintopay/response_card_details.json")?;
        let text = |v: &Value, k: &str| {
            v[k].as_str()
                .map(str::to_owned)
                .ok_or(format!("fixture has no {k}"))
        };
        let worldcard = worldcard::Merchant::new(worldcard::MerchantKeys {
            app_id: "app_demo".into(),
            private_key: RsaPrivateKey::parse(&read(
                &root,
                "tests/vectors/keys/merchant_2048.pkcs8.pem",
            )?)
            .map_err(|e| e.to_string())?,
            aes_key: AesKey::parse(&text(&wc, "aes_key")?).map_err(|e| e.to_string())?,
            platform_public_key: None,
        })
        .map_err(|e| e.to_string())?;
        let pintopay = pintopay::Merchant::new(&text(&ptp, "api_key")?, &text(&ptp, "api_secret")?)
            .map_err(|e| e.to_string())?;
        Ok(Backend {
            worldcard_body: text(&wc, "body")?,
            pintopay_body: text(&ptp, "body")?,
            root,
            worldcard,
            pintopay,
        })
    }

    /// The signed-in user's card on `provider`, read from the provider.
    fn card(&self, provider: &str, now_ms: u64) -> Option<(&'static str, cardwire::Result<Value>)> {
        match provider {
            "worldcard" => Some((
                "1234567890123456",
                self.worldcard
                    .open_response(
                        &Received::response(200, &Headers::new(), self.worldcard_body.as_bytes()),
                        now_ms,
                    )
                    .map(|r| r.data),
            )),
            "pintopay" => Some((
                "card_123",
                self.pintopay
                    .open_response(
                        &Received::response(200, &Headers::new(), self.pintopay_body.as_bytes()),
                        now_ms,
                    )
                    .map(|r| r.data),
            )),
            _ => None,
        }
    }

    fn reveal(&self, request: &Value) -> (u16, Value) {
        let field = |k: &str| request.get(k).and_then(Value::as_str).unwrap_or_default();
        let provider = field("provider");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let Some((card_id, data)) = self
            .card(provider, now)
            .filter(|(id, _)| *id == field("cardId"))
        else {
            return (404, json!({"error": "no such card for this user"}));
        };
        let sealed = data
            .and_then(|d| reveal::card_fields(provider, &d))
            .and_then(|fields| {
                reveal::seal_card_for_browser(
                    &fields,
                    field("publicKey"),
                    card_id,
                    field("requestId"),
                    now + 60_000,
                    now,
                    &mut rand::rngs::OsRng,
                )
            });
        match sealed {
            Ok(s) => (200, json!({ "sealed": s })),
            Err(e) => (400, json!({ "error": e.code() })),
        }
    }

    fn serve(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
        );
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.trim().eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0).min(64 * 1024);
                }
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        let path = target.split('?').next().unwrap_or_default();
        let (status, kind, out) = if method == "POST" && path == "/api/reveal" {
            let (status, answer) = match serde_json::from_slice::<Value>(&body) {
                Ok(request) => self.reveal(&request),
                Err(_) => (400, json!({"error": "bad request"})),
            };
            (status, "application/json", answer.to_string().into_bytes())
        } else {
            self.file(&method, path)
        };
        let mut stream = stream;
        write!(stream, "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n", if status == 200 { "OK" } else { "Error" }, out.len())?;
        stream.write_all(&out)
    }

    /// Only the page and the npm package are served.
    fn file(&self, method: &str, path: &str) -> (u16, &'static str, Vec<u8>) {
        let rel = Path::new(path.trim_start_matches('/'));
        let allowed = rel.components().all(|c| matches!(c, Component::Normal(_)))
            && (rel.starts_with("examples/browser") || rel.starts_with("bindings-node/pkg"));
        let kind = match rel.extension().and_then(|e| e.to_str()) {
            Some("html") => "text/html",
            Some("js" | "mjs") => "text/javascript",
            Some("wasm") => "application/wasm",
            _ => "application/octet-stream",
        };
        match (method, allowed) {
            ("GET", true) => match std::fs::read(self.root.join(rel)) {
                Ok(bytes) => (200, kind, bytes),
                Err(_) => (404, "text/plain", Vec::new()),
            },
            _ => (404, "text/plain", Vec::new()),
        }
    }
}

fn main() {
    let backend = match Backend::load() {
        Ok(b) => Arc::new(b),
        Err(e) => {
            eprintln!("reveal-backend: {e}");
            std::process::exit(1);
        }
    };
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("reveal-backend: {e}");
            std::process::exit(1);
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("listening on http://{addr}");
    }
    for stream in listener.incoming().flatten() {
        let b = Arc::clone(&backend);
        std::thread::spawn(move || {
            let _ = b.serve(stream);
        });
    }
}
