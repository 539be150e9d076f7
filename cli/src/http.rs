//! A small HTTP/1.1 client for plain `http://` URLs (webhook delivery to a
//! local receiver, the admin endpoint), and the raw-request file format of
//! `explain`/`verify`.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Fail;

fn split_url(url: &str) -> Result<(String, String), Fail> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        Fail::msg(format!(
            "{url}: only http:// URLs (the sandbox talks to local receivers)"
        ))
    })?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Ok((host.to_owned(), path.to_owned()))
}

/// Sends one request; returns the status and body.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(u16, Vec<u8>), Fail> {
    let (host, path) = split_url(url)?;
    let connect = tokio::net::TcpStream::connect(&host);
    let mut stream = tokio::time::timeout(std::time::Duration::from_secs(10), connect)
        .await
        .map_err(|_| Fail::msg(format!("{host}: connect timed out")))?
        .map_err(|e| Fail::msg(format!("{host}: {e}")))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        if !k.eq_ignore_ascii_case("content-length")
            && !k.eq_ignore_ascii_case("host")
            && !k.eq_ignore_ascii_case("connection")
        {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str("\r\n");
    let io = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await?;
        Ok::<_, std::io::Error>(out)
    };
    let raw = tokio::time::timeout(std::time::Duration::from_secs(30), io)
        .await
        .map_err(|_| Fail::msg(format!("{url}: timed out")))?
        .map_err(|e| Fail::msg(format!("{url}: {e}")))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| Fail::msg(format!("{url}: not an HTTP response")))?;
    let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default());
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| Fail::msg(format!("{url}: no status line")))?;
    let mut body = raw.get(split + 4..).unwrap_or_default().to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(b.get(..i).unwrap_or_default()).trim(),
            16,
        )
        .unwrap_or(0);
        let Some(chunk) = b.get(i + 2..i + 2 + size).filter(|_| size > 0) else {
            break;
        };
        out.extend_from_slice(chunk);
        b = b.get((i + 4 + size).min(b.len())..).unwrap_or_default();
    }
    out
}

pub async fn post(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(u16, Vec<u8>), Fail> {
    send("POST", url, headers, body).await
}

/// A request as a file: `METHOD /path HTTP/1.1`, header lines, a blank line,
/// the body (exactly the bytes after the blank line). A file without a
/// request line is headers and body only. `\n` or `\r\n` line ends.
#[derive(Debug, Clone, Default)]
pub struct RawMessage {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn parse_raw(bytes: &[u8]) -> Result<RawMessage, Fail> {
    let (head, body) = match bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => (
            bytes.get(..i).unwrap_or_default(),
            bytes.get(i + 4..).unwrap_or_default(),
        ),
        None => match bytes.windows(2).position(|w| w == b"\n\n") {
            Some(i) => (
                bytes.get(..i).unwrap_or_default(),
                bytes.get(i + 2..).unwrap_or_default(),
            ),
            None => (bytes, &b""[..]),
        },
    };
    let head = std::str::from_utf8(head).map_err(|_| Fail::msg("the request head is not UTF-8"))?;
    let mut m = RawMessage {
        body: body.to_vec(),
        ..RawMessage::default()
    };
    for (i, line) in head.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if i == 0 && (!line.contains(':') || line.ends_with("HTTP/1.1")) {
            let mut parts = line.split_whitespace();
            m.method = parts.next().unwrap_or_default().to_owned();
            m.path = parts.next().unwrap_or_default().to_owned();
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            m.headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok(m)
}
