#![no_main]
//! Any markup through the whole clean: parse, selector rules, layout, extraction, block passes.
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static CLEANER: OnceLock<declutter::Cleaner> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| declutter::Cleaner::new().expect("shipped rules"));
    let hints = declutter::Hints { format: declutter::InputFormat::Html, ..Default::default() };
    if let Ok(cleaned) = cleaner.clean(data, &hints) {
        let _ = declutter::write::markdown(&cleaned);
        let _ = declutter::write::json(&cleaned, None);
    }
});
