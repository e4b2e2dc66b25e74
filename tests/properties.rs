//! Property tests: no input, however broken, makes declutter panic.

#![cfg(feature = "review")]

use declutter::markup::shortcode;
use declutter::rules::RuleSource;
use declutter::{Cleaner, Hints, InputFormat, RuleSet};
use proptest::prelude::*;

fn cleaner() -> &'static Cleaner {
    static CLEANER: std::sync::OnceLock<Cleaner> = std::sync::OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new().expect("shipped rules load"))
}

/// Tag soup: real element names, attributes, entities, shortcodes, text, in any order.
fn markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "<(div|p|span|table|tr|td|th|ul|ol|li|pre|blockquote|h[1-6]|nav|footer|script|style|br|hr|a|b|template|svg|select)( class=\"[a-z -]{0,12}\")?( id=[a-z]{1,4})?>",
        "</(div|p|span|table|tr|td|ul|li|pre|script|style|nav|a|b)>",
        "[a-zA-Z ,.?!]{0,30}",
        "&(amp|nbsp|#8221|#x2033|bogus);?",
        "\\[[a-z_]{1,8}( id=[”\"‘']?[0-9]{1,4}[″\"’']?)?( /)?\\]",
        "\\[/[a-z_]{1,8}\\]",
        "<!--[a-z ]{0,10}(-->)?",
        "<meta charset=[a-z0-9_-]{1,12}>",
        "[\\n\\r\\t ]{1,3}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        for format in [InputFormat::Auto, InputFormat::Html, InputFormat::Text] {
            let hints = Hints { format, ..Hints::default() };
            let _ = cleaner().clean(&bytes, &hints);
        }
    }

    #[test]
    fn random_markup_never_panics(page in markup()) {
        let hints = Hints { url: Some("https://www.lifezette.com/x/".into()), ..Hints::default() };
        if let Ok(cleaned) = cleaner().clean(page.as_bytes(), &hints) {
            let text = cleaned.text();
            prop_assert!(text.is_empty() || text.ends_with('\n'));
            prop_assert!(cleaned.blocks.iter().all(|b| !b.text.trim().is_empty()));
        }
    }

    #[test]
    fn shortcode_ranges_are_char_boundaries(text in "[\\[\\]/a-z_ =”″'\"é€0-9]{0,80}") {
        for sc in shortcode::parse(&text) {
            prop_assert!(text.get(sc.outer.clone()).is_some());
            prop_assert!(text.get(sc.open.clone()).is_some());
            if let Some(inner) = sc.inner() {
                prop_assert!(text.get(inner).is_some());
            }
        }
    }

    #[test]
    fn rule_loader_never_panics(text in "(\\[\\[rule\\]\\]\n|id = \"[a-z]{1,3}\"\n|category = \"(ad|poll|x)\"\n|block = \\{ (equals|regex|starts_with) = \"[a-z(\\[*]{0,5}\" \\}\n|selector = \"[a-z.#>:\\[]{0,6}\"\n|shortcode = \"[*a-z]{0,3}\"\n|examples = \\{ remove = \\[\"[a-z]{0,4}\"\\] \\}\n|\\[publisher\\]\n|[a-z =\"\\[\\]{}\n]{0,10})*") {
        let _ = RuleSet::from_sources(vec![RuleSource::new("default.toml", text)]);
    }

    #[test]
    fn plain_paragraphs_survive_unchanged(paras in prop::collection::vec("[A-Z][a-z]{2,8}( [a-z]{2,8}){12,30}\\.", 1..8)) {
        // Ordinary prose, no junk: the output is the input, block for block.
        let input = paras.join("\n\n");
        let cleaned = cleaner().clean(input.as_bytes(), &Hints::default()).unwrap();
        prop_assert_eq!(cleaned.text(), format!("{input}\n"));
        prop_assert!(cleaned.removals.is_empty());
    }
}

/// Every kept block and every removal appears exactly once in the review view.
fn parts_account_for_everything(cleaned: &declutter::Cleaned) -> Result<(), TestCaseError> {
    use declutter::document::{Part, Piece};
    let parts = cleaned.parts();
    let kept = parts.iter().filter(|p| matches!(p, Part::Kept { .. })).count();
    let cuts: usize = parts
        .iter()
        .map(|p| match p {
            Part::Kept { pieces, .. } => pieces.iter().filter(|x| matches!(x, Piece::Cut(_))).count(),
            Part::Removed(_) => 1,
        })
        .sum();
    prop_assert_eq!(kept, cleaned.blocks.len());
    prop_assert_eq!(cuts, cleaned.removals.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn review_views_cover_every_block_and_removal(page in markup()) {
        let hints = Hints { url: Some("https://www.lifezette.com/x/".into()), ..Hints::default() };
        for format in [InputFormat::Html, InputFormat::Text] {
            let hints = Hints { format, ..hints.clone() };
            if let Ok(cleaned) = cleaner().clean(page.as_bytes(), &hints) {
                parts_account_for_everything(&cleaned)?;
                let style = declutter::review::diff::Style { color: true, context: Some(1), full: false };
                let _ = declutter::review::diff::unified("p", &cleaned, &style);
                let _ = declutter::review::diff::json("p", &cleaned);
                let mut report = declutter::review::report::Report::new("t");
                report.add("p", &cleaned);
                prop_assert!(report.finish().contains("data-ready"));
                let _ = declutter::review::compare::compare("p", &cleaned, &cleaned);
            }
        }
    }
}
