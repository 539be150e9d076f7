//! The card frame's origin, with axum: serves the npm package's frame
//! (frame.html and the four modules it loads) and nothing else, under the
//! headers the isolated mode needs. Run it on its own origin (say
//! `https://cards.example.com`) and mount it from the shop's page with
//! `cardwire/isolated` (README, "Isolated mode").
//!
//! ```text
//! cargo run -p cardwire-examples --bin frame-origin -- [port] [host-origin] [package-dir]
//!   -> prints "listening on http://127.0.0.1:PORT"
//! ```
//!
//! `host-origin`: the shop page's origin, the only one allowed to embed the
//! frame. `package-dir`: the npm package `cardwire` (`node_modules/cardwire`);
//! the frame's files are static and the same for every back end.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;

const FRAME_FILES: [(&str, &str); 5] = [
    ("frame.html", "text/html; charset=utf-8"),
    ("frame.mjs", "text/javascript; charset=utf-8"),
    ("card.mjs", "text/javascript; charset=utf-8"),
    ("reveal.mjs", "text/javascript; charset=utf-8"),
    ("error.js", "text/javascript; charset=utf-8"),
];

struct Frame {
    package_dir: PathBuf,
    /// `default-src 'self'; frame-ancestors <host origin>`.
    csp: HeaderValue,
}

async fn frame_file(State(frame): State<Arc<Frame>>, Path(name): Path<String>) -> Response {
    let Some((_, content_type)) = FRAME_FILES.iter().find(|(f, _)| *f == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match std::fs::read(frame.package_dir.join(&name)) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                // Only this origin's own files; only the shop's page may embed the frame.
                (header::CONTENT_SECURITY_POLICY, frame.csp.clone()),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                (
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().map_or(Ok(0), |p| p.parse())?;
    let host_origin = args
        .next()
        .unwrap_or_else(|| "https://shop.example.com".to_owned());
    let package_dir = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bindings-node/pkg"),
        PathBuf::from,
    );
    let csp = HeaderValue::from_str(&format!(
        "default-src 'self'; frame-ancestors {host_origin}"
    ))?;
    let app = Router::new()
        .route("/cardwire/{name}", get(frame_file))
        .with_state(Arc::new(Frame { package_dir, csp }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
