//! The files generated from the vocabulary table are current
//! (`make generate` rewrites them).

#[test]
fn generated_files_are_current() {
    let stale = xtask::stale();
    assert!(
        stale.is_empty(),
        "stale generated files (run `make generate`): {stale:?}"
    );
}
