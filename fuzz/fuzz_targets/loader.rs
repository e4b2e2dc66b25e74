#![no_main]
//! Bytes of any encoding, with or without a BOM or a meta charset.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = declutter::load::LoadOptions::default();
    if let Ok(source) = declutter::load::load(data, &options) {
        assert!(!source.text.contains('\r'));
    }
});
