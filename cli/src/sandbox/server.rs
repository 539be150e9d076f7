//! The sandbox's HTTP server: the provider routes (each answered by its
//! handler), the admin routes, and startup.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use cardwire::delivery::ReplayGuard;
use cardwire::envelope::{Headers, OutgoingResponse};
use serde_json::Value;

use super::credentials::Credentials;
use super::faults::{Fault, Kind};
use super::{handlers, Options, Sandbox};
use crate::Fail;

pub(super) fn handle(
    sb: &Sandbox,
    provider: &str,
    method: &str,
    path: &str,
    headers: &Headers,
    body: &[u8],
    peer: Option<std::net::IpAddr>,
) -> OutgoingResponse {
    // A provider with a source-IP whitelist (WorldCard's, when simulated).
    if let Some(allowed) = sb.options.ip_whitelist.get(provider) {
        if !peer.is_some_and(|ip| allowed.contains(&ip)) {
            return OutgoingResponse {
                status: 403,
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body: br#"{"code":403,"message":"IP address not in whitelist","data":null}"#
                    .to_vec(),
            };
        }
    }
    match provider {
        "worldcard" => handlers::worldcard(sb, path, headers, body),
        "legacy" => handlers::legacy(sb, path, body),
        "wasabi" => handlers::wasabi(sb, path, headers, body),
        "gateway" => handlers::gateway(sb, method, path, headers, body),
        "pintopay" => handlers::pintopay(sb, path, headers, body),
        "payca" => handlers::payca(sb, method, path, headers, body),
        _ => OutgoingResponse {
            status: 404,
            headers: vec![("Content-Type".to_owned(), "text/plain".to_owned())],
            body:
                b"unknown provider: use /worldcard, /legacy, /wasabi, /gateway, /pintopay or /payca"
                    .to_vec(),
        },
    }
}

fn to_response(r: OutgoingResponse) -> Response {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (k, v) in &r.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    b.body(axum::body::Body::from(r.body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn headers_of(h: &HeaderMap) -> Headers {
    h.iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_owned(), v.to_owned()))
        })
        .collect()
}

async fn provider_route(
    State(sb): State<Arc<Sandbox>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    Path((provider, rest)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = match query {
        Some(q) => format!("/{rest}?{q}"),
        None => format!("/{rest}"),
    };
    let h = headers_of(&headers);
    let method = method.as_str().to_owned();
    let start = std::time::Instant::now();
    // Injected faults: latency first, then an answer instead of the provider's.
    let injected = sb.take_faults(&provider, Some(&path));
    let mut latency = 0;
    let mut instead = None;
    for k in injected {
        match k {
            Kind::Latency(ms) => latency += ms,
            k if instead.is_none() => instead = Some(k),
            _ => {}
        }
    }
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    if let Some(k) = instead {
        let r = fault_answer(k);
        sb.log_request(&super::log::Entry {
            provider: &provider,
            method: &method,
            path: &path,
            headers: &h,
            body: &body,
            status: r.as_ref().map_or(0, |r| r.status),
            latency_us: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
            fault: Some(&Fault::kind_text(k)),
            replayed: Vec::new(),
        });
        return match r {
            Some(r) => to_response(r),
            None => dropped(),
        };
    }
    let out = tokio::task::spawn_blocking(move || {
        super::take_replayed();
        let r = handle(&sb, &provider, &method, &path, &h, &body, Some(peer.ip()));
        let replayed = super::take_replayed();
        sb.log_request(&super::log::Entry {
            provider: &provider,
            method: &method,
            path: &path,
            headers: &h,
            body: &body,
            status: r.status,
            latency_us: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
            fault: (latency > 0).then_some("latency"),
            replayed,
        });
        r
    })
    .await;
    match out {
        Ok(r) => to_response(r),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The answer an injected fault gives instead of the provider's; `None`: no
/// answer at all (the connection is dropped).
fn fault_answer(k: Kind) -> Option<OutgoingResponse> {
    let json = |status: u16, extra: Option<(&str, String)>, body: String| OutgoingResponse {
        status,
        headers: std::iter::once(("Content-Type".to_owned(), "application/json".to_owned()))
            .chain(extra.map(|(k, v)| (k.to_owned(), v)))
            .collect(),
        body: body.into_bytes(),
    };
    match k {
        Kind::Status(code) => Some(json(
            code,
            None,
            serde_json::json!({"error": format!("injected fault: {code}")}).to_string(),
        )),
        Kind::TooMany(wait) => Some(json(
            429,
            Some(("Retry-After", wait.to_string())),
            r#"{"message":"Too Many Attempts."}"#.to_owned(),
        )),
        // What Wasabi's load balancer answers (providers.md): HTML, unsigned.
        Kind::Html502 => Some(OutgoingResponse {
            status: 502,
            headers: vec![("Content-Type".to_owned(), "text/html".to_owned())],
            body: b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n".to_vec(),
        }),
        _ => None,
    }
}

/// A response whose body fails at once: the connection is closed with no
/// answer read (a client sees its request fail, like a dropped connection).
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: drop",
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("Content-Length", "64")
        .body(axum::body::Body::from_stream(failing))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn admin_request(State(sb): State<Arc<Sandbox>>, Path(id): Path<String>) -> Response {
    match id.parse::<u64>().ok().and_then(|id| sb.request_json(id)) {
        Some(v) => json_response(StatusCode::OK, &v),
        None => json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": format!("no request {id} in the log (GET /_admin/requests lists the newest 10,000)")}),
        ),
    }
}

async fn admin_faults(State(sb): State<Arc<Sandbox>>) -> Response {
    json_response(StatusCode::OK, &sb.faults_json())
}

async fn admin_add_fault(State(sb): State<Arc<Sandbox>>, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match sb.add_fault(&v) {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({"error": e.to_string()}),
        ),
    }
}

async fn admin_clear_faults(State(sb): State<Arc<Sandbox>>) -> Response {
    match sb.remove_faults(None) {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({"error": e.to_string()}),
        ),
    }
}

async fn admin_remove_fault(State(sb): State<Arc<Sandbox>>, Path(id): Path<String>) -> Response {
    let found = id.parse::<u64>().ok().map(|id| sb.remove_faults(Some(id)));
    match found {
        Some(Ok(v)) => json_response(StatusCode::OK, &v),
        Some(Err(e)) => json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": e.to_string()}),
        ),
        None => json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": format!("no fault {id} (GET /_admin/faults lists them)")}),
        ),
    }
}

async fn admin_trigger(State(sb): State<Arc<Sandbox>>, body: Bytes) -> Response {
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return (StatusCode::BAD_REQUEST, "the trigger body is JSON").into_response(),
    };
    let sb2 = Arc::clone(&sb);
    match tokio::task::spawn_blocking(move || sb2.trigger(&req)).await {
        Ok(Ok(v)) => (
            StatusCode::OK,
            [("Content-Type", "application/json")],
            v.to_string(),
        )
            .into_response(),
        Ok(Err(e)) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn admin_deliveries(State(sb): State<Arc<Sandbox>>) -> Response {
    (
        StatusCode::OK,
        [("Content-Type", "application/json")],
        sb.deliveries_json().to_string(),
    )
        .into_response()
}

async fn admin_requests(State(sb): State<Arc<Sandbox>>, RawQuery(query): RawQuery) -> Response {
    (
        StatusCode::OK,
        [("Content-Type", "application/json")],
        sb.requests_json(query.as_deref()).to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    (
        status,
        [("Content-Type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

async fn admin_events(State(sb): State<Arc<Sandbox>>) -> Response {
    json_response(StatusCode::OK, &sb.events_json())
}

async fn admin_event(State(sb): State<Arc<Sandbox>>, Path(id): Path<String>) -> Response {
    match id.parse::<u64>().ok().and_then(|id| sb.event_json(id)) {
        Some(v) => json_response(StatusCode::OK, &v),
        None => json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": format!("no event {id} (GET /_admin/events lists them)")}),
        ),
    }
}

async fn admin_resend(State(sb): State<Arc<Sandbox>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": format!("no event {id}")}),
        );
    };
    match sb.resend(id).await {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": e.to_string()}),
        ),
    }
}

async fn admin_webhook_urls(State(sb): State<Arc<Sandbox>>) -> Response {
    json_response(StatusCode::OK, &sb.webhook_urls_json())
}

async fn admin_set_webhook_urls(State(sb): State<Arc<Sandbox>>, body: Bytes) -> Response {
    let parsed: Result<Value, _> = serde_json::from_slice(&body);
    match parsed
        .map_err(|_| Fail::msg("the body is JSON: {\"provider\": \"http://...\" | null}"))
        .and_then(|v| sb.set_webhook_urls(&v))
    {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({"error": e.to_string()}),
        ),
    }
}

async fn admin_simulate(State(sb): State<Arc<Sandbox>>, body: Bytes) -> Response {
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let sb2 = Arc::clone(&sb);
    match tokio::task::spawn_blocking(move || sb2.simulate(&req)).await {
        Ok(Ok(v)) => json_response(StatusCode::OK, &v),
        Ok(Err(e)) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({"error": e.to_string()}),
        ),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The dashboard (`/`): one page, its script and its style, all compiled
/// into the binary (no CDN), under a policy that allows nothing else.
fn dashboard_file(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            ("Content-Type", content_type),
            (
                "Content-Security-Policy",
                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn dashboard() -> Response {
    dashboard_file(
        "text/html; charset=utf-8",
        include_str!("dashboard/index.html"),
    )
}

async fn dashboard_js() -> Response {
    dashboard_file(
        "text/javascript; charset=utf-8",
        include_str!("dashboard/dashboard.js"),
    )
}

async fn dashboard_css() -> Response {
    dashboard_file(
        "text/css; charset=utf-8",
        include_str!("dashboard/dashboard.css"),
    )
}

async fn admin_state(State(sb): State<Arc<Sandbox>>) -> Response {
    json_response(StatusCode::OK, &sb.state_json())
}

async fn admin_reset(State(sb): State<Arc<Sandbox>>) -> Response {
    match sb.reset() {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({"error": e.to_string()}),
        ),
    }
}

async fn admin_health() -> &'static str {
    "ok"
}

/// Runs the sandbox until Ctrl-C (or `stop` resolves): writes the
/// credentials file, prints the listening address.
pub async fn run(
    creds: Credentials,
    options: Options,
    credentials_out: Option<String>,
    replay: Option<Box<dyn ReplayGuard + Send>>,
) -> Result<(), Fail> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| Fail::msg(format!("listen {}: {e}", options.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Fail::msg(e.to_string()))?;
    let base = format!("http://{addr}");
    if let Some(path) = &credentials_out {
        // With each provider's webhook URL, so `--credentials` starts the same sandbox.
        let mut file = creds.to_json(&base);
        for (p, url) in &options.webhook_urls {
            if let Some(o) = file.get_mut(p.as_str()).and_then(Value::as_object_mut) {
                o.insert("webhook_url".to_owned(), Value::String(url.clone()));
            }
        }
        let text = serde_json::to_string_pretty(&file).map_err(|e| Fail::msg(e.to_string()))?;
        std::fs::write(path, text).map_err(|e| Fail::msg(format!("{path}: {e}")))?;
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let limit = options.body_limit;
    let sb = Arc::new(Sandbox::new(creds, options, tx)?);
    if let Some(g) = replay {
        sb.set_guard(g);
    }
    let sender = Arc::clone(&sb);
    tokio::spawn(async move {
        // The last delivery queued per object: the next one's first attempt waits for it.
        let mut last: std::collections::HashMap<String, tokio::sync::oneshot::Receiver<()>> =
            std::collections::HashMap::new();
        while let Some((d, hook)) = rx.recv().await {
            let (after, first_sent) = match d.object.clone() {
                Some(key) => {
                    let (tx, rx) = tokio::sync::oneshot::channel();
                    (last.insert(key, rx), Some(tx))
                }
                None => (None, None),
            };
            tokio::spawn(Arc::clone(&sender).deliver(d, hook, after, first_sent));
        }
    });
    let app = Router::new()
        .route("/_admin/trigger", post(admin_trigger))
        .route("/_admin/deliveries", get(admin_deliveries))
        .route("/_admin/requests", get(admin_requests))
        .route("/_admin/requests/{id}", get(admin_request))
        .route("/_admin/events", get(admin_events))
        .route(
            "/_admin/webhook-urls",
            get(admin_webhook_urls).put(admin_set_webhook_urls),
        )
        .route("/_admin/events/{id}", get(admin_event))
        .route("/_admin/events/{id}/resend", post(admin_resend))
        .route(
            "/_admin/faults",
            get(admin_faults)
                .post(admin_add_fault)
                .delete(admin_clear_faults),
        )
        .route(
            "/_admin/faults/{id}",
            axum::routing::delete(admin_remove_fault),
        )
        .route("/", get(dashboard))
        .route("/_admin/dashboard.js", get(dashboard_js))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/_admin/dashboard.css", get(dashboard_css))
        .route("/_admin/state", get(admin_state))
        .route("/_admin/simulate", post(admin_simulate))
        .route("/_admin/reset", post(admin_reset))
        .route("/_admin/health", get(admin_health))
        .route("/{provider}/{*rest}", any(provider_route))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(sb);
    println!("cardwire sandbox listening on {base} (providers: /worldcard /legacy /wasabi /gateway /pintopay /payca; admin: /_admin; dashboard: {base}/)");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| Fail::msg(e.to_string()))?;
    println!("cardwire sandbox stopped (state was in memory: gone)");
    Ok(())
}
