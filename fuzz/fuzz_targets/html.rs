#![no_main]
//! Any markup through the whole clean: parse, selector rules, layout, extraction, block passes.
//! Also any markup through the parser alone, checked against the HTML limits: no tree deeper
//! than `MAX_DEPTH` (plus the fragment level of a template), no element with more than
//! `MAX_ATTRIBUTES` attributes. A failure there is a way around a limit, which is a way back to
//! quadratic time.
use std::sync::OnceLock;

use declutter::markup::dom::Dom;
use declutter::markup::limits::{MAX_ATTRIBUTES, MAX_DEPTH};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static CLEANER: OnceLock<declutter::Cleaner> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| declutter::Cleaner::new().expect("shipped rules"));
    let hints = declutter::Hints { format: declutter::InputFormat::Html, ..Default::default() };
    if let Ok(cleaned) = cleaner.clean(data, &hints) {
        let _ = declutter::write::markdown(&cleaned);
        let _ = declutter::write::json(&cleaned, None);
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let dom = Dom::parse_document(text);
    let mut depth = vec![0usize; dom.len()];
    for n in dom.document().descendants() {
        let d = n.parent().map_or(0, |p| depth[p.id().index()] + 1);
        depth[n.id().index()] = d;
        assert!(d <= MAX_DEPTH + 1, "a node at depth {d}");
        if let Some(e) = n.element() {
            let attrs = e.attr_locals().count();
            assert!(attrs <= MAX_ATTRIBUTES, "<{}> with {attrs} attributes", e.name());
        }
    }
});
