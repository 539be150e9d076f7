//! `cargo run -p xtask -- generate | check`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("generate") => match xtask::write_all() {
            Ok(()) => {
                println!("generated {} files", xtask::generated_files().len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask generate: {e}");
                ExitCode::FAILURE
            }
        },
        Some("check") => {
            let stale = xtask::stale();
            if stale.is_empty() {
                println!("generated files are current");
                ExitCode::SUCCESS
            } else {
                eprintln!("stale generated files (run `make generate`): {stale:?}");
                ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!("usage: cargo run -p xtask -- generate | check");
            ExitCode::from(2)
        }
    }
}
