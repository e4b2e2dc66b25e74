//! Regression guard for main-content extraction on 20 real pages of the
//! trafilatura evaluation set (tests/extraction/, Apache-2.0, see LICENSE
//! there), scored with that set's metric: each `with` snippet found in the
//! output is a hit, each `without` snippet found a false positive. Fails when
//! F1 drops more than 0.02 below the level recorded in baseline.toml.
//! The full-set figures are in BENCHMARKS.md.

use std::io::Read;
use std::path::Path;

use declutter::{Cleaner, Hints};
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    file: String,
    with: Vec<String>,
    without: Vec<String>,
}

#[derive(Deserialize)]
struct Baseline {
    f1: f64,
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn extraction_f1_on_the_committed_sample_holds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/extraction");
    let items: std::collections::BTreeMap<String, Item> =
        serde_json::from_str(&std::fs::read_to_string(root.join("evaldata.json")).unwrap()).unwrap();
    let baseline: Baseline = toml::from_str(&std::fs::read_to_string(root.join("baseline.toml")).unwrap()).unwrap();
    assert_eq!(items.len(), 20);
    let cleaner = Cleaner::new().unwrap();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    for (url, item) in &items {
        let mut raw = Vec::new();
        let file = std::fs::File::open(root.join("pages").join(format!("{}.gz", item.file))).unwrap();
        flate2::read::GzDecoder::new(file).read_to_end(&mut raw).unwrap();
        let hints = Hints { url: Some(url.clone()), ..Hints::default() };
        let text = norm(&cleaner.clean(&raw, &hints).map(|c| c.text()).unwrap_or_default());
        let hits = item.with.iter().filter(|w| text.contains(&norm(w))).count();
        let false_pos: Vec<&String> = item.without.iter().filter(|w| text.contains(&norm(w))).collect();
        tp += hits;
        fn_ += item.with.len() - hits;
        fp += false_pos.len();
        if hits < item.with.len() || !false_pos.is_empty() {
            report.push_str(&format!("{}: {hits}/{} found, unwanted {false_pos:?}\n", item.file, item.with.len()));
        }
    }
    let f1 = 2.0 * tp as f64 / (2 * tp + fp + fn_) as f64;
    println!("sample F1 {f1:.3} (tp {tp}, fp {fp}, fn {fn_}); recorded {:.3}\n{report}", baseline.f1);
    assert!(f1 >= baseline.f1 - 0.02, "F1 {f1:.3} fell below the recorded {:.3} - 0.02:\n{report}", baseline.f1);
}
