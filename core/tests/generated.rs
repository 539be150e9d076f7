#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The files generated from the vocabulary table are current:
//! `CARDWIRE_UPDATE_GENERATED=1` (`make generate`) rewrites them.

use std::path::Path;

use cardwire::api::codegen;

fn check(rel: &str, text: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    if std::env::var_os("CARDWIRE_UPDATE_GENERATED").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(t) if t == text => None,
        _ => Some(rel.to_owned()),
    }
}

#[test]
fn generated_files_are_current() {
    let stale: Vec<String> = [
        ("bindings-wasm/js/index.d.ts", codegen::typescript()),
        ("bindings-wasm/js/classes.mjs", codegen::javascript(true)),
        ("bindings-wasm/js/classes.cjs", codegen::javascript(false)),
        (
            "bindings-python/python/cardwire/_classes.py",
            codegen::python(),
        ),
        (
            "bindings-python/python/cardwire/__init__.pyi",
            codegen::pyi(),
        ),
        ("docs/vocabulary.md", codegen::markdown()),
        (
            "bindings-python/python/cardwire/_errors.py",
            codegen::python_errors(),
        ),
        (
            "bindings-python/python/cardwire/_aliases.py",
            codegen::python_aliases(),
        ),
        ("tests/vocabulary.json", codegen::vocabulary_json()),
    ]
    .iter()
    .filter_map(|(rel, text)| check(rel, text))
    .collect();
    assert!(
        stale.is_empty(),
        "stale generated files (run `make generate`): {stale:?}"
    );
}
