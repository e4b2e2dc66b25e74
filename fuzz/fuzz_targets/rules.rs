#![no_main]
//! Any text as a rule file: an error or a rule set, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = vec![declutter::rules::RuleSource::new("default.toml", text)];
    let _ = declutter::RuleSet::from_sources(sources);
});
