#![no_main]
//! Header sets and timestamps: case-insensitive lookup, duplicates, numbers.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let headers: cardwire::Headers = text
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((n, v)) => (n.to_owned(), v.to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect();
    for name in ["X-App-Id", "X-Signature", "X-Timestamp", "X-Nonce"] {
        if let Ok(v) = headers.require(name) {
            let _ = cardwire::time::parse_timestamp(v);
        }
    }
    let _ = cardwire::time::parse_timestamp(&text);
});
