#![no_main]
//! Key loading: PEM, bare Base64 DER, raw DER, AES key strings. Never panics.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = cardwire::RsaPrivateKey::parse(&text);
    let _ = cardwire::RsaPublicKey::parse(&text);
    let _ = cardwire::RsaPrivateKey::from_der(data);
    let _ = cardwire::RsaPublicKey::from_der(data);
    let _ = cardwire::AesKey::parse(&text);
    let wrapped = format!("-----BEGIN RSA PRIVATE KEY-----\n{text}\n-----END RSA PRIVATE KEY-----");
    let _ = cardwire::RsaPrivateKey::parse(&wrapped);
});
