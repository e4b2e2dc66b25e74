//! The shipped block classifier is what its training script fits:
//! retraining from the committed features reproduces
//! `src/html/block_model.json` exactly, and on the sites it was not fitted
//! on it keeps more gold words per word it adds than the extractor alone.

use std::io::Read as _;

use declutter::html::block_model::{self, BlockModel, Row, SHIPPED_JSON};

fn rows() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/training/wcxb/block_features.tsv.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    block_model::parse_rows(&text).unwrap()
}

#[test]
fn retraining_reproduces_the_shipped_model_and_it_helps_on_held_out_sites() {
    let rows = rows();
    assert!(rows.len() > 200_000, "{} rows", rows.len());
    let shipped = BlockModel::shipped().expect("the shipped model loads");
    let model = block_model::fit(&rows, shipped.params, (shipped.drop_below, shipped.keep_above));
    assert_eq!(
        model.to_json(),
        SHIPPED_JSON,
        "src/html/block_model.json is not what training gives: run `cargo run --release --example train_block_model -- train`"
    );
    // Validate: gold words kept and other words kept, by the extractor's
    // verdicts alone and with the model overruling them.
    let (mut alone, mut with) = ((0f64, 0f64), (0f64, 0f64));
    for r in rows.iter().filter(|r| r.split == "validate") {
        let content = f64::from(r.words * r.label);
        let junk = f64::from(r.words) - content;
        let kept = r.features[0] > 0.5;
        if kept {
            alone.0 += content;
            alone.1 += junk;
        }
        if shipped.keeps(kept, shipped.probability(&r.features)) {
            with.0 += content;
            with.1 += junk;
        }
    }
    let precision = |(good, bad): (f64, f64)| good / (good + bad);
    assert!(precision(with) > precision(alone), "precision {:.4} vs {:.4} alone", precision(with), precision(alone));
    assert!(with.0 >= alone.0 * 0.99, "gold words kept {} vs {} alone", with.0, alone.0);
}
