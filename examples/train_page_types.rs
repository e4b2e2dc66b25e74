//! Fits the page-type classifier (`src/html/page_type_model.json`) on the
//! tune split of WCXB dev (`training/wcxb/split.tsv`, by site), in one command:
//!
//! ```text
//! cargo run --release --example train_page_types            # features + train + check
//! cargo run --release --example train_page_types -- train   # from the committed features only
//! cargo run --release --example train_page_types -- check   # the shipped model on both splits
//! cargo run --release --example train_page_types -- sweep   # parameters, out of fold on tune (by site)
//! ```
//!
//! `features` cleans every WCXB page as `declutter clean` does on a folder
//! (default rules, no URL given: the canonical URL is read) and writes the
//! classifier's features to `training/wcxb/page_features.tsv`: numbers only,
//! so the model can be retrained (and the test that it reproduces the
//! shipped one can run) without the pages.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use declutter::html::page_type::{self, PageType, PageTypeModel, Row};

mod wcxb;
use wcxb::{read, root};

fn features_path() -> PathBuf {
    root().join("training/wcxb/page_features.tsv")
}

fn model_path() -> PathBuf {
    root().join("src/html/page_type_model.json")
}

fn features() {
    let cleaner = declutter::Cleaner::new().expect("the shipped rules build");
    let mut out = String::from("file_id\thost\tsplit\tpage_type");
    for name in page_type::feature_names() {
        out.push('\t');
        out.push_str(&name);
    }
    out.push('\n');
    let mut pages = 0;
    for page in wcxb::split() {
        let cleaned = wcxb::clean(&cleaner, &page);
        let f = cleaned.page_features().expect("an HTML page has page features");
        let kind =
            PageType::parse(&page.page_type).unwrap_or_else(|| panic!("split.tsv: page type {:?}", page.page_type));
        let _ = write!(out, "{}\t{}\t{}\t{kind}", page.file_id, page.host, page.split);
        for v in f {
            let _ = write!(out, "\t{v}");
        }
        out.push('\n');
        pages += 1;
    }
    std::fs::write(features_path(), out).expect("features.tsv is written");
    eprintln!("{pages} pages -> {}", features_path().display());
}

fn rows() -> Vec<Row> {
    page_type::parse_rows(&read(&features_path())).unwrap_or_else(|e| panic!("page_features.tsv: {e}"))
}

fn train() {
    let model = page_type::fit(&rows(), page_type::PARAMS);
    std::fs::write(model_path(), model.to_json()).expect("the model file is written");
    eprintln!("-> {}", model_path().display());
}

/// Accuracy, and per type precision, recall and F1, of `predicted` against the rows.
fn report(label: &str, rows: &[&Row], predicted: &[(PageType, f32)]) {
    let right = rows.iter().zip(predicted).filter(|(r, p)| r.page_type == p.0).count();
    println!("{label}: {} pages, accuracy {:.3}", rows.len(), right as f64 / rows.len().max(1) as f64);
    println!("| type | pages | precision | recall | F1 |\n|---|---|---|---|---|");
    for t in PageType::ALL {
        let tp = rows.iter().zip(predicted).filter(|(r, p)| r.page_type == t && p.0 == t).count() as f64;
        let called = predicted.iter().filter(|p| p.0 == t).count() as f64;
        let actual = rows.iter().filter(|r| r.page_type == t).count() as f64;
        let (p, r) = (tp / called.max(1.0), tp / actual.max(1.0));
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        println!("| {t} | {actual} | {p:.3} | {r:.3} | {f1:.3} |");
    }
    for at in [0.5, 0.7, 0.9] {
        let sure: Vec<_> = rows.iter().zip(predicted).filter(|(_, p)| f64::from(p.1) >= at).collect();
        let right = sure.iter().filter(|(r, p)| r.page_type == p.0).count();
        println!(
            "confidence >= {at}: {:.0} % of pages, accuracy {:.3}",
            100.0 * sure.len() as f64 / rows.len().max(1) as f64,
            right as f64 / sure.len().max(1) as f64
        );
    }
}

fn check() {
    let model = PageTypeModel::from_json(&read(&model_path())).expect("the model file loads");
    let rows = rows();
    for split in ["tune", "validate"] {
        let of: Vec<&Row> = rows.iter().filter(|r| r.split == split).collect();
        let predicted: Vec<(PageType, f32)> =
            of.iter().map(|r| model.classify(&r.features)).map(|k| (k.page_type, k.confidence)).collect();
        report(split, &of, &predicted);
    }
}

/// Out of fold on tune: three folds by site, each scored by trees that never saw it.
fn out_of_fold(rows: &[Row], params: declutter::model::trees::TreeParams) -> (Vec<&Row>, Vec<(PageType, f32)>) {
    let tune: Vec<&Row> = rows.iter().filter(|r| r.split == "tune").collect();
    // A site's fold: its hash, so no site is on both sides.
    let fold = |host: &str| host.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 3;
    let mut scored: BTreeMap<usize, (PageType, f32)> = BTreeMap::new();
    for k in 0..3 {
        let fit: Vec<&Row> = tune.iter().copied().filter(|r| fold(&r.host) != k).collect();
        let model = page_type::train(&fit, params);
        for (i, r) in tune.iter().enumerate().filter(|(_, r)| fold(&r.host) == k) {
            let kind = model.classify(&r.features);
            scored.insert(i, (kind.page_type, kind.confidence));
        }
    }
    (tune, scored.into_values().collect())
}

fn sweep() {
    let rows = rows();
    for rounds in [60, 120, 200] {
        for depth in [2, 3, 4] {
            let params = declutter::model::trees::TreeParams { rounds, depth, ..page_type::PARAMS };
            let (tune, predicted) = out_of_fold(&rows, params);
            let right = tune.iter().zip(&predicted).filter(|(r, p)| r.page_type == p.0).count();
            println!("rounds {rounds} depth {depth}: out-of-fold accuracy {:.3}", right as f64 / tune.len() as f64);
        }
    }
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        None => {
            features();
            train();
            check();
        }
        Some("features") => features(),
        Some("train") => train(),
        Some("check") => check(),
        Some("sweep") => sweep(),
        Some(other) => {
            eprintln!("unknown step {other:?}: features, train, check or sweep");
            std::process::exit(2);
        }
    }
}
