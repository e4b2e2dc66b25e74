//! The shipped line scorer is what its training script fits: retraining from
//! the committed features reproduces `src/clean/text_model.json` exactly.

use declutter::clean::text_model::{self, SHIPPED_JSON, TextModel};

#[test]
fn retraining_reproduces_the_shipped_model() {
    let tsv =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/training/scraped-texts/features.tsv")).unwrap();
    let rows = text_model::parse_rows(&tsv).unwrap();
    assert!(rows.len() > 5_000, "{} rows", rows.len());
    let shipped = TextModel::shipped().expect("the shipped model loads");
    let model = text_model::fit_with(&rows, shipped.params);
    assert_eq!(
        model.to_json(),
        SHIPPED_JSON,
        "src/clean/text_model.json is not what training gives: run `cargo run --release --example train_text_model -- train`"
    );
    assert_eq!(TextModel::shipped(), Some(&model));
}

#[test]
fn the_shipped_model_keeps_article_blocks_on_both_splits() {
    let tsv =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/training/scraped-texts/features.tsv")).unwrap();
    let rows = text_model::parse_rows(&tsv).unwrap();
    let model = TextModel::shipped().unwrap();
    for split in ["tune", "validate"] {
        let articles: Vec<_> = rows.iter().filter(|r| r.split == split && !r.boilerplate).collect();
        let lost = articles.iter().filter(|r| model.score(&r.features) >= model.threshold).count();
        assert!(
            lost * 100 <= articles.len(),
            "{split}: {lost} of {} article blocks over the threshold",
            articles.len()
        );
    }
}
