//! Card reveal: card details from a back end to one browser page, readable
//! by that page once and by nothing else.
//!
//! The providers encrypt card data to the merchant's account keys, so the
//! back end opens it; the page must never hold those keys (they open every
//! request and response of the account). Instead the page makes an
//! ephemeral X25519 key pair inside the WebAssembly module
//! ([`RevealKey`]), sends the public half with a fresh request id and the
//! card id, and the back end seals only the card fields to it
//! ([`seal_card_for_browser`]). What the page receives opens with that one
//! key, for that card and request, once, before the expiry.
//!
//! # Envelope (format version 1)
//!
//! HPKE (RFC 9180) base mode, suite DHKEM(X25519, HKDF-SHA256) /
//! HKDF-SHA256 / AES-256-GCM, single shot. The blob is Base64url (no
//! padding) of
//!
//! ```text
//! 0x01 ‖ expires_at_ms (u64, big-endian) ‖ enc (32 bytes) ‖ AEAD ciphertext
//! ```
//!
//! with `info = "cardwire card reveal v1" ‖ 0x00 ‖ card_id ‖ 0x00 ‖
//! request_id` and `aad` = the first 9 bytes (version and expiry). A blob
//! for another card or request fails its tag (`decrypt_failed`), as does
//! any changed byte; an expired one is `timestamp_out_of_window`; a second
//! open with the same key is `replay_detected` (the key is gone); another
//! version byte is `malformed_envelope`. The plaintext is a JSON object of
//! text fields.
//!
//! AES-256-GCM rather than ChaCha20-Poly1305: the module already carries
//! AES-256-GCM for WorldCard, so HPKE adds only X25519 and HKDF to the
//! WebAssembly package; both AEADs are constant-time here (RustCrypto's
//! fixsliced AES and software GHASH), and a reveal is a few hundred bytes,
//! so speed does not decide.

use rand_core::{CryptoRng, RngCore};
use serde_json::{Map, Value};

use crate::encoding;
use crate::error::{Error, Result};

pub use crate::crypto::hpke::{hpke_open, hpke_seal};
use crate::crypto::hpke::{open_with, PrivateKey};

/// The format version this build writes and opens.
pub const VERSION: u8 = 1;
const INFO_LABEL: &[u8] = b"cardwire card reveal v1";
const HEADER: usize = 1 + 8;
const ENC: usize = 32;
const TAG: usize = 16;
/// Default lifetime of a browser reveal key: two minutes.
pub const DEFAULT_TTL_MS: u64 = 120_000;
const MAX_FIELDS: usize = 16;
const MAX_FIELD: usize = 2048;
const MAX_ID: usize = 128;

/// Checks a card or request id: 1 to 128 printable characters (it is
/// bound into HPKE's `info`, where NUL separates the parts).
fn check_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > MAX_ID || id.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "{what} must be 1 to {MAX_ID} printable characters"
        )));
    }
    Ok(())
}

fn info(card_id: &str, request_id: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(INFO_LABEL.len() + card_id.len() + request_id.len() + 2);
    v.extend_from_slice(INFO_LABEL);
    v.push(0);
    v.extend_from_slice(card_id.as_bytes());
    v.push(0);
    v.extend_from_slice(request_id.as_bytes());
    v
}

/// Base64url without padding; standard Base64 is accepted too.
fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    let std: String = t
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let padded = match std.len() % 4 {
        2 => format!("{std}=="),
        3 => format!("{std}="),
        _ => std,
    };
    encoding::b64_decode(&padded).ok()
}

fn b64url(bytes: &[u8]) -> String {
    encoding::b64_encode(bytes)
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// The browser side: an ephemeral X25519 key for one card and one
/// request, used once. The private half never leaves this value; it is
/// wiped (zeroized) when opened, on any failed open, on expiry, and on drop.
pub struct RevealKey {
    secret: Option<PrivateKey>,
    public: [u8; 32],
    card_id: String,
    request_id: String,
    expires_at_ms: u64,
}

impl std::fmt::Debug for RevealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealKey")
            .field("card_id", &self.card_id)
            .field("request_id", &self.request_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// What the page sends to its back end.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevealRequest {
    /// The ephemeral public key, Base64url (32 bytes).
    pub public_key: String,
    /// A fresh random id for this reveal.
    pub request_id: String,
    /// The card it is for.
    pub card_id: String,
    /// When the key is wiped, Unix ms.
    pub expires_at_ms: u64,
}

impl RevealKey {
    /// Makes the key pair and a random request id (16 bytes, hex) from
    /// `rng`; it lives `ttl_ms` from `now_ms`.
    pub fn generate<R: CryptoRng + RngCore>(
        card_id: &str,
        now_ms: u64,
        ttl_ms: u64,
        rng: &mut R,
    ) -> Result<Self> {
        check_id("card_id", card_id)?;
        if ttl_ms == 0 || ttl_ms > 3_600_000 {
            return Err(Error::invalid_input(
                "ttl_ms must be between 1 and 3600000 (one hour)",
            ));
        }
        let (secret, pk) = crate::crypto::hpke::generate(rng);
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        Ok(RevealKey {
            secret: Some(secret),
            public: pk,
            card_id: card_id.to_owned(),
            request_id: encoding::hex_encode(&id),
            expires_at_ms: now_ms.saturating_add(ttl_ms),
        })
    }

    /// What to send to the back end.
    pub fn request(&self) -> RevealRequest {
        RevealRequest {
            public_key: b64url(&self.public),
            request_id: self.request_id.clone(),
            card_id: self.card_id.clone(),
            expires_at_ms: self.expires_at_ms,
        }
    }

    /// Opens a sealed reveal once, returning the card fields. Whatever the
    /// outcome, the private key is wiped: a second call is `replay_detected`.
    pub fn open(&mut self, sealed: &str, now_ms: u64) -> Result<Map<String, Value>> {
        // Taking the key out drops (and zeroizes) it when this call ends.
        let Some(secret) = self.secret.take() else {
            return Err(Error::ReplayDetected);
        };
        if now_ms > self.expires_at_ms {
            return Err(Error::TimestampOutOfWindow);
        }
        let blob =
            b64_decode(sealed).ok_or_else(|| Error::malformed("sealed reveal is not Base64url"))?;
        let version = blob.first().copied().unwrap_or(0);
        if version != VERSION {
            return Err(Error::malformed(format!(
                "sealed reveal has format version {version}; this build opens version {VERSION}"
            )));
        }
        if blob.len() < HEADER + ENC + TAG {
            return Err(Error::malformed("sealed reveal is too short"));
        }
        let (header, rest) = blob.split_at(HEADER);
        let (enc, ct) = rest.split_at(ENC);
        let mut exp = [0u8; 8];
        exp.copy_from_slice(header.get(1..HEADER).unwrap_or(&[0; 8]));
        if now_ms > u64::from_be_bytes(exp) {
            return Err(Error::TimestampOutOfWindow);
        }
        let plain = open_with(
            &secret,
            enc,
            &info(&self.card_id, &self.request_id),
            header,
            ct,
        )?;
        let fields: Value = serde_json::from_slice(&plain).map_err(|_| Error::DecryptFailed)?;
        match fields {
            Value::Object(m) => Ok(m),
            _ => Err(Error::DecryptFailed),
        }
    }
}

/// Seals `fields` (text values) to a browser's reveal key for one card and
/// one request, valid until `expires_at_ms`. Only the fields given are
/// sealed; pick them with [`card_fields`] from a provider's opened data.
pub fn seal_card_for_browser<R: CryptoRng + RngCore>(
    fields: &Map<String, Value>,
    browser_public_key: &str,
    card_id: &str,
    request_id: &str,
    expires_at_ms: u64,
    now_ms: u64,
    rng: &mut R,
) -> Result<String> {
    check_id("card_id", card_id)?;
    check_id("request_id", request_id)?;
    if expires_at_ms <= now_ms {
        return Err(Error::invalid_input(
            "expires_at_ms is not in the future: a reveal must still be openable when it arrives",
        ));
    }
    if fields.is_empty() || fields.len() > MAX_FIELDS {
        return Err(Error::invalid_input(format!(
            "a reveal carries 1 to {MAX_FIELDS} card fields"
        )));
    }
    let mut clean = Map::new();
    for (k, v) in fields {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(Error::invalid_input(format!(
                    "card field {k} must be text (or a number)"
                )))
            }
        };
        if text.len() > MAX_FIELD {
            return Err(Error::invalid_input(format!(
                "card field {k} is longer than {MAX_FIELD} bytes"
            )));
        }
        clean.insert(k.clone(), Value::String(text));
    }
    let pk_bytes = b64_decode(browser_public_key)
        .filter(|b| b.len() == 32)
        .ok_or_else(|| {
            Error::invalid_input(
                "browser_public_key must be the 32-byte X25519 key from CardReveal, Base64url",
            )
        })?;
    let plain = serde_json::to_vec(&Value::Object(clean))
        .map_err(|_| Error::invalid_input("card fields cannot be encoded"))?;
    let mut header = Vec::with_capacity(HEADER);
    header.push(VERSION);
    header.extend_from_slice(&expires_at_ms.to_be_bytes());
    let (enc, ct) = hpke_seal(&pk_bytes, &info(card_id, request_id), &header, &plain, rng)?;
    let mut blob = header;
    blob.extend_from_slice(&enc);
    blob.extend_from_slice(&ct);
    Ok(b64url(&blob))
}

/// What answering a browser's reveal request gives: the sealed card for the
/// page, and a record for your audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevealAnswer {
    /// The sealed card, for the page's `open` (see `docs/reveal-format.md`).
    pub sealed: String,
    /// What was revealed to whom and until when: no card data.
    pub audit: RevealAudit,
}

/// The audit record of one reveal: ids, field names and times, never a
/// value. Log it as it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RevealAudit {
    /// The card.
    pub card_id: String,
    /// The page's request id.
    pub request_id: String,
    /// The provider whose data was picked, if one was named.
    pub provider: Option<String>,
    /// The names of the fields sealed (`pan`, `cvv`, ...), sorted.
    pub fields: Vec<String>,
    /// When the seal stops opening, Unix ms.
    pub expires_at_ms: u64,
    /// When it was sealed, Unix ms.
    pub at_ms: u64,
}

/// Answers a browser's reveal request (its `card_id`, `request_id`,
/// `public_key` and key expiry) from the provider's opened card data (with
/// `provider`: picked and named by [`card_fields`]; without: already the
/// card fields). The seal expires at the page key's expiry or `ttl_ms` from
/// `now_ms`, whichever comes first. The caller checks first that the signed-in
/// user may see `card_id`.
pub fn answer_reveal<R: CryptoRng + RngCore>(
    request: &RevealRequest,
    provider: Option<&str>,
    data: &Value,
    ttl_ms: u64,
    now_ms: u64,
    rng: &mut R,
) -> Result<RevealAnswer> {
    let fields = match (provider, data) {
        (Some(p), d) => card_fields(p, d)?,
        (None, Value::Object(m)) => m.clone(),
        (None, _) => {
            return Err(Error::invalid_input(
                "the card data must be an object of card fields, or the provider's opened data with its provider",
            ))
        }
    };
    if ttl_ms == 0 {
        return Err(Error::invalid_input("ttl_ms must be more than 0"));
    }
    let expires_at_ms = request.expires_at_ms.min(now_ms.saturating_add(ttl_ms));
    let sealed = seal_card_for_browser(
        &fields,
        &request.public_key,
        &request.card_id,
        &request.request_id,
        expires_at_ms,
        now_ms,
        rng,
    )?;
    let mut names: Vec<String> = fields.keys().cloned().collect();
    names.sort();
    Ok(RevealAnswer {
        sealed,
        audit: RevealAudit {
            card_id: request.card_id.clone(),
            request_id: request.request_id.clone(),
            provider: provider.map(str::to_owned),
            fields: names,
            expires_at_ms,
            at_ms: now_ms,
        },
    })
}

impl RevealRequest {
    /// A reveal request as a page sent it (`public_key` Base64url, 32 bytes).
    pub fn new(public_key: &str, request_id: &str, card_id: &str, expires_at_ms: u64) -> Self {
        RevealRequest {
            public_key: public_key.to_owned(),
            request_id: request_id.to_owned(),
            card_id: card_id.to_owned(),
            expires_at_ms,
        }
    }
}

/// The card fields of a provider's opened response, under common names
/// (`pan`, `cvv`, `expiry_month`, `expiry_year`, `expiry`,
/// `activation_url`), and nothing else. `provider`: `worldcard` (the
/// opened `get_info` data), `worldcard_legacy` (card info), `wasabi`
/// (after `open_sensitive`), `pintopay` (`cards/get`). Fields the
/// response does not carry are left out; none at all is `invalid_input`.
pub fn card_fields(provider: &str, data: &Value) -> Result<Map<String, Value>> {
    let names: &[(&str, &str)] = match provider {
        "worldcard" | "pintopay" => &[
            ("card_number", "pan"),
            ("cvv", "cvv"),
            ("expiry_month", "expiry_month"),
            ("expiry_year", "expiry_year"),
            ("expiry_date", "expiry"),
            ("activation_url", "activation_url"),
        ],
        "worldcard_legacy" => &[
            ("cardNo", "pan"),
            ("cvv", "cvv"),
            ("expMonth", "expiry_month"),
            ("expYear", "expiry_year"),
        ],
        "wasabi" => &[
            ("cardNumber", "pan"),
            ("cvv", "cvv"),
            ("expireDate", "expiry"),
            ("activateUrl", "activation_url"),
        ],
        other => {
            return Err(Error::invalid_input(format!(
                "no card fields known for provider {other}: use worldcard, worldcard_legacy, wasabi or pintopay, or pass the fields yourself"
            )))
        }
    };
    // Card fields sit at the top, or under `data` / `cardInfo`.
    let mut sources = vec![data];
    for inner in ["data", "cardInfo", "card_info"] {
        if let Some(v) = data.get(inner).filter(|v| v.is_object()) {
            sources.push(v);
        }
    }
    let mut out = Map::new();
    for (from, to) in names {
        let found = sources.iter().find_map(|s| match s.get(*from) {
            Some(Value::String(t)) if !t.is_empty() => Some(Value::String(t.clone())),
            Some(Value::Number(n)) => Some(Value::String(n.to_string())),
            _ => None,
        });
        if let Some(v) = found {
            out.insert((*to).to_owned(), v);
        }
    }
    if out.is_empty() {
        return Err(Error::invalid_input(format!(
            "the {provider} data holds no card fields (open the provider's response first)"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    fn fields() -> Map<String, Value> {
        let v: Value = serde_json::json!({"pan": "4937241000003841", "cvv": "123", "expiry_month": "09", "expiry_year": "29"});
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn opens_once_for_its_card_and_request_until_expiry() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        let mut key = RevealKey::generate("card-1", 1_000, 60_000, &mut rng).unwrap();
        let req = key.request();
        let sealed = seal_card_for_browser(
            &fields(),
            &req.public_key,
            "card-1",
            &req.request_id,
            30_000,
            2_000,
            &mut rng,
        )
        .unwrap();
        assert_eq!(key.open(&sealed, 3_000).unwrap(), fields());
        assert_eq!(
            key.open(&sealed, 3_000).unwrap_err().code(),
            "replay_detected"
        );

        let cases: Vec<(&str, String, u64, &str)> = vec![
            (
                "other card",
                seal_card_for_browser(
                    &fields(),
                    &req.public_key,
                    "card-2",
                    &req.request_id,
                    30_000,
                    2_000,
                    &mut rng,
                )
                .unwrap(),
                3_000,
                "decrypt_failed",
            ),
            (
                "other request",
                seal_card_for_browser(
                    &fields(),
                    &req.public_key,
                    "card-1",
                    "r-2",
                    30_000,
                    2_000,
                    &mut rng,
                )
                .unwrap(),
                3_000,
                "decrypt_failed",
            ),
            (
                "blob expired",
                seal_card_for_browser(
                    &fields(),
                    &req.public_key,
                    "card-1",
                    &req.request_id,
                    30_000,
                    2_000,
                    &mut rng,
                )
                .unwrap(),
                30_001,
                "timestamp_out_of_window",
            ),
            (
                "key expired",
                seal_card_for_browser(
                    &fields(),
                    &req.public_key,
                    "card-1",
                    &req.request_id,
                    90_000,
                    2_000,
                    &mut rng,
                )
                .unwrap(),
                61_001,
                "timestamp_out_of_window",
            ),
        ];
        for (what, sealed, now, code) in cases {
            let mut k = RevealKey::generate(
                "card-1",
                1_000,
                60_000,
                &mut rand_chacha::ChaCha20Rng::seed_from_u64(9),
            )
            .unwrap();
            assert_eq!(k.open(&sealed, now).unwrap_err().code(), code, "{what}");
            assert_eq!(
                k.open(&sealed, 3_000).unwrap_err().code(),
                "replay_detected",
                "{what}: the key is gone"
            );
        }
    }
}
