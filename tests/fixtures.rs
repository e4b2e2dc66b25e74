//! Golden tests: every case under fixtures/ (see fixtures/README.md), run by
//! the same code as `declutter rules test`. `UPDATE_FIXTURES=1 cargo test
//! --test fixtures` rewrites the expected files from the current output;
//! review the diff before committing it.

#![cfg(feature = "review")]

use std::path::Path;

use declutter::Cleaner;
use declutter::review::fixtures;

#[test]
fn every_fixture_cleans_to_its_expected_text() {
    let cleaner = Cleaner::new().expect("shipped rules load");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let cases = fixtures::cases(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")).expect("fixtures readable");
    assert!(cases.len() >= 14, "expected at least 14 fixture cases, found {}", cases.len());
    let failures: Vec<fixtures::Failure> = cases.iter().flat_map(|c| fixtures::run(&cleaner, c, update)).collect();
    let report: String = failures.iter().map(|f| format!("--- {}\n{}\n", f.case, f.message)).collect();
    assert!(failures.is_empty(), "{} fixture check(s) failed:\n{report}", failures.len());
}
