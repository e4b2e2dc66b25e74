#![no_main]
//! The shortcode scanner on any text: ranges must be in bounds and on character boundaries.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for sc in declutter::markup::shortcode::parse(text) {
        assert!(text.get(sc.outer.clone()).is_some());
        assert!(text.get(sc.open.clone()).is_some());
        if let Some(inner) = sc.inner() {
            assert!(text.get(inner).is_some());
        }
    }
});
