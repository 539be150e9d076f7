#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Shared helpers for the integration tests: reading the conformance vectors.

use std::path::{Path, PathBuf};

use cardwire::{Headers, RsaPrivateKey, RsaPublicKey};
use serde_json::Value;

pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

pub fn key_text(name: &str) -> String {
    std::fs::read_to_string(vectors_dir().join("keys").join(name))
        .unwrap_or_else(|e| panic!("key {name}: {e}"))
}

pub fn private_key(name: &str) -> RsaPrivateKey {
    RsaPrivateKey::parse(&key_text(name)).unwrap()
}

pub fn public_key(name: &str) -> RsaPublicKey {
    RsaPublicKey::parse(&key_text(name)).unwrap()
}

/// Every `*.json` case under `tests/vectors/<provider>/`, sorted, with its name.
pub fn cases(provider: &str) -> Vec<(String, Value)> {
    let dir = vectors_dir().join(provider);
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (name, v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no vectors in {}", dir.display());
    out
}

pub fn headers(v: &Value) -> Headers {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn rng() -> rand_chacha::ChaCha20Rng {
    use rand::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(7)
}

/// `"ok"` or the error's code.
pub fn code_of<T: std::fmt::Debug>(r: &Result<T, cardwire::Error>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}
