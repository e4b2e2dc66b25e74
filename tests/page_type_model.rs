//! The shipped page-type classifier is what its training script fits:
//! retraining from the committed features reproduces
//! `src/html/page_type_model.json` exactly, and it still tells the types
//! apart on the sites it was not fitted on.

use declutter::html::page_type::{self, PageTypeModel, Row, SHIPPED_JSON};

fn rows() -> Vec<Row> {
    let tsv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/training/wcxb/page_features.tsv")).unwrap();
    page_type::parse_rows(&tsv).unwrap()
}

#[test]
fn retraining_reproduces_the_shipped_model() {
    let rows = rows();
    assert!(rows.len() > 1_400, "{} rows", rows.len());
    let shipped = PageTypeModel::shipped().expect("the shipped model loads");
    let model = page_type::fit(&rows, shipped.params);
    assert_eq!(
        model.to_json(),
        SHIPPED_JSON,
        "src/html/page_type_model.json is not what training gives: run `cargo run --release --example train_page_types -- train`"
    );
}

#[test]
fn the_shipped_model_types_held_out_sites() {
    let model = PageTypeModel::shipped().unwrap();
    let validate: Vec<Row> = rows().into_iter().filter(|r| r.split == "validate").collect();
    assert!(validate.len() > 400);
    let right = validate.iter().filter(|r| model.classify(&r.features).page_type == r.page_type).count();
    let accuracy = right as f64 / validate.len() as f64;
    // 0.808 when the model was shipped; a retrained model that falls far
    // below it has lost something, whatever its tune figures say.
    assert!(accuracy >= 0.78, "validate accuracy {accuracy:.3}");
    let sure: Vec<&Row> = validate.iter().filter(|r| model.classify(&r.features).confidence >= 0.7).collect();
    let sure_right = sure.iter().filter(|r| model.classify(&r.features).page_type == r.page_type).count();
    assert!(sure_right as f64 >= 0.92 * sure.len() as f64, "{sure_right} of {} confident pages right", sure.len());
}
