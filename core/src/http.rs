//! HTTP framing helpers every provider shares, IO-free: percent-encoding,
//! query strings, path templates and `multipart/form-data` bodies built from
//! the caller's bytes.

use rand_core::CryptoRngCore;

use crate::encoding;
use crate::error::{Error, Result};

/// Percent-encodes everything but RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), byte by byte over UTF-8.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push_str(&encoding::hex_encode(&[b]).to_ascii_uppercase());
        }
    }
    out
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`). A malformed
/// escape or a result that is not UTF-8 is `malformed_envelope`.
pub fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| encoding::hex_decode(h).ok())
                .and_then(|v| v.first().copied())
                .ok_or_else(|| Error::malformed("bad percent escape"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Error::malformed("percent-decoded text is not UTF-8"))
}

/// `a=1&b=x%20y` from pairs, in the order given.
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encode(k.as_ref()),
                percent_encode(v.as_ref())
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `path` with `?query` appended when there are pairs.
pub fn with_query<K: AsRef<str>, V: AsRef<str>>(path: &str, pairs: &[(K, V)]) -> String {
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query_string(pairs))
    }
}

/// Fills `{name}` placeholders from `params`, each value percent-encoded as
/// one path segment. A placeholder without a value, an empty value, or an
/// unterminated brace is `invalid_input`.
pub fn fill_path<K: AsRef<str>, V: AsRef<str>>(
    template: &str,
    params: &[(K, V)],
) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let close = after
            .find('}')
            .ok_or_else(|| Error::invalid_input("path template has an unterminated {"))?;
        let name = after.get(..close).unwrap_or_default();
        let value = params
            .iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
            .ok_or_else(|| Error::invalid_input(format!("path parameter {name} is missing")))?;
        if value.is_empty() {
            return Err(Error::invalid_input(format!(
                "path parameter {name} is empty"
            )));
        }
        out.push_str(&percent_encode(value));
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// A plain field.
    Text {
        /// Field name.
        name: &'a str,
        /// Value.
        value: &'a str,
    },
    /// A file field, from the caller's bytes.
    File {
        /// Field name.
        name: &'a str,
        /// File name sent to the server.
        filename: &'a str,
        /// MIME type (`image/jpeg`, `application/pdf`, ...).
        content_type: &'a str,
        /// The file's bytes.
        bytes: &'a [u8],
    },
}

/// Escapes a name or file name for a `Content-Disposition` quoted string as
/// browsers do: `"` → `%22`, CR → `%0D`, LF → `%0A`.
fn disposition_escape(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Builds a `multipart/form-data` body. Returns the `Content-Type` header
/// value (with the boundary) and the body. The boundary is random, from the
/// caller's RNG, and checked not to occur in any part.
pub fn multipart<R: CryptoRngCore + ?Sized>(
    parts: &[Part<'_>],
    rng: &mut R,
) -> Result<(String, Vec<u8>)> {
    if parts.is_empty() {
        return Err(Error::invalid_input(
            "a multipart body needs at least one part",
        ));
    }
    for p in parts {
        let ct = match p {
            Part::File { content_type, .. } => content_type,
            Part::Text { .. } => "",
        };
        if ct.contains(['\r', '\n']) {
            return Err(Error::invalid_input("content type must be one line"));
        }
    }
    let boundary = loop {
        let mut b = [0u8; 16];
        crate::crypto::random_bytes(rng, &mut b);
        let candidate = format!("cardwire-{}", encoding::hex_encode(&b));
        let clash = parts.iter().any(|p| match p {
            Part::Text { value, .. } => value.contains(&candidate),
            Part::File { bytes, .. } => bytes
                .windows(candidate.len())
                .any(|w| w == candidate.as_bytes()),
        });
        if !clash {
            break candidate;
        }
    };
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match p {
            Part::Text { name, value } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                        disposition_escape(name)
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File {
                name,
                filename,
                content_type,
                bytes,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                        disposition_escape(name),
                        disposition_escape(filename),
                        content_type
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_fills() {
        assert_eq!(percent_encode("a b/ü~"), "a%20b%2F%C3%BC~");
        assert_eq!(
            query_string(&[("limit", "10"), ("cursor", "a&b=c")]),
            "limit=10&cursor=a%26b%3Dc"
        );
        assert_eq!(
            fill_path("/v1/users/{id}/cardholder", &[("id", "u/1 ?")]).unwrap(),
            "/v1/users/u%2F1%20%3F/cardholder"
        );
        assert_eq!(
            fill_path("/v1/users/{id}", &[("x", "1")])
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            fill_path("/v1/users/{id", &[("id", "1")])
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(with_query::<&str, &str>("/p", &[]), "/p");
    }
}
