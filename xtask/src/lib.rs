//! Repository tasks, kept out of the published library: the generators of
//! the bindings' type files, class glue and docs, all made from the core's
//! vocabulary table ([`cardwire::api::vocab`]).
//!
//! `make generate` (`cargo run -p xtask -- generate`) writes them;
//! `cargo run -p xtask -- check` (and this crate's test, part of `make
//! test`) fails when a committed file differs from what the table gives.

pub mod codegen;
pub mod describe;

use std::path::{Path, PathBuf};

/// Every generated file: its path from the repository root and its text.
pub fn generated_files() -> Vec<(&'static str, String)> {
    let mut files = vec![
        ("bindings-node/js/index.d.ts", codegen::typescript()),
        ("bindings-node/js/classes.mjs", codegen::javascript(true)),
        ("bindings-node/js/classes.cjs", codegen::javascript(false)),
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
    ];
    for d in describe::DESCRIBED {
        files.push((d.rust_file, describe::rust_types(d)));
        files.push((d.reference, describe::markdown(d)));
    }
    files
}

/// The repository root (this crate sits in `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The generated files whose committed text differs from what the table gives.
pub fn stale() -> Vec<&'static str> {
    generated_files()
        .into_iter()
        .filter(|(rel, text)| {
            std::fs::read_to_string(root().join(rel)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(rel, _)| rel)
        .collect()
}

/// Writes every generated file.
pub fn write_all() -> std::io::Result<()> {
    for (rel, text) in generated_files() {
        let path = root().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}
