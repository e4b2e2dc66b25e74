//! Inputs that once crashed a `cargo fuzz` target (fuzz/regressions/<target>/),
//! replayed the way the target feeds them, on every `cargo test`.

use std::path::Path;

use declutter::rules::RuleSource;
use declutter::{Cleaner, Hints, InputFormat, RuleSet};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("readable regression input")))
        .collect();
    out.sort();
    out
}

#[test]
fn rules_target_regressions_load_or_fail_cleanly() {
    let found = inputs("rules");
    assert!(!found.is_empty(), "fuzz/regressions/rules holds the kept crash inputs");
    for (name, bytes) in found {
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        // Loading must return, not panic; whether it is valid does not matter here.
        let _ = RuleSet::from_sources(vec![RuleSource::new("default.toml", text)]);
        eprintln!("ok: {name}");
    }
}

#[test]
fn html_and_loader_target_regressions_clean_without_panic() {
    let cleaner = Cleaner::new().expect("shipped rules");
    for target in ["html", "loader"] {
        for (_, bytes) in inputs(target) {
            let hints = Hints { format: InputFormat::Html, ..Hints::default() };
            let _ = cleaner.clean(&bytes, &hints);
            let _ = cleaner.clean(&bytes, &Hints::default());
        }
    }
}
