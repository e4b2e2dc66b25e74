//! Fits the block classifier (`src/html/block_model.json`) on the tune split
//! of WCXB dev (`training/wcxb/split.tsv`, by site), in one command:
//!
//! ```text
//! cargo run --release --example train_block_model            # features + train + check
//! cargo run --release --example train_block_model -- train   # from the committed features only
//! cargo run --release --example train_block_model -- check   # the shipped model on both splits
//! ```
//!
//! `features` cleans every WCXB page as `declutter clean` does (default
//! rules, the block model off: its features include the extractor's
//! verdicts, never its own) and writes one row per laid-out block with words
//! to `training/wcxb/block_features.tsv.gz`: the share of the block's words
//! the gold text holds (word trigrams, so a common word alone does not
//! count), its words, the page's gold words and the features.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::PathBuf;

use declutter::html::block_model::{self, BlockModel, Row};

mod wcxb;
use wcxb::{read, root};

fn features_path() -> PathBuf {
    root().join("training/wcxb/block_features.tsv.gz")
}

fn model_path() -> PathBuf {
    root().join("src/html/block_model.json")
}

/// Lower-cased `\w+` words, as WCXB's metric reads them.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The share of `block`'s words in `gold`: by trigram, or the whole
/// sequence for a block of one or two words.
fn label(block: &[String], gold_grams: &HashSet<String>, gold_short: &HashSet<String>) -> f32 {
    if block.len() < 3 {
        return if gold_short.contains(&block.join(" ")) { 1.0 } else { 0.0 };
    }
    let mut covered = vec![false; block.len()];
    for i in 0..block.len() - 2 {
        if gold_grams.contains(&block[i..i + 3].join(" ")) {
            covered[i..i + 3].iter_mut().for_each(|c| *c = true);
        }
    }
    covered.iter().filter(|&&c| c).count() as f32 / block.len() as f32
}

fn features() {
    let cleaner =
        declutter::Cleaner::builder().block_model(false).block_features(true).build().expect("the shipped rules build");
    let mut out = String::from("file_id\tsplit\tlabel\twords\tgold_words");
    for name in block_model::feature_names() {
        out.push('\t');
        out.push_str(&name);
    }
    out.push('\n');
    let (mut pages, mut rows) = (0, 0);
    for page in wcxb::split() {
        let (file_id, split) = (&page.file_id, &page.split);
        let gold = words(&wcxb::gold(&page));
        let grams: HashSet<String> = gold.windows(3).map(|w| w.join(" ")).collect();
        let short: HashSet<String> = gold.iter().cloned().chain(gold.windows(2).map(|w| w.join(" "))).collect();
        let cleaned = wcxb::clean(&cleaner, &page);
        // Pages with a publisher `content` selector or kept whole have none.
        let Some(blocks) = cleaned.block_features() else { continue };
        for (text, f) in blocks {
            let w = words(text);
            if w.is_empty() {
                continue;
            }
            let _ = write!(out, "{file_id}\t{split}\t{:.3}\t{}\t{}", label(&w, &grams, &short), w.len(), gold.len());
            for v in f {
                // Four significant decimals: the trees only need the order, the file stays small.
                let _ = write!(out, "\t{}", (v * 1e4).round() / 1e4);
            }
            out.push('\n');
            rows += 1;
        }
        pages += 1;
    }
    let file = std::fs::File::create(features_path()).expect("the features file is created");
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(out.as_bytes()).and_then(|_| gz.finish().map(|_| ())).expect("the features file is written");
    eprintln!("{pages} pages, {rows} blocks -> {}", features_path().display());
}

fn rows() -> Vec<Row> {
    let mut text = String::new();
    let path = features_path();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    block_model::parse_rows(&text).unwrap_or_else(|e| panic!("block_features.tsv.gz: {e}"))
}

fn train() {
    let model = block_model::fit(&rows(), block_model::PARAMS, block_model::THRESHOLDS);
    std::fs::write(model_path(), model.to_json()).expect("the model file is written");
    eprintln!("-> {}", model_path().display());
}

/// Per split: blocks, and words kept that the gold holds / does not, as the
/// extractor alone and with the model.
fn check() {
    let model = BlockModel::from_json(&read(&model_path())).expect("the model file loads");
    let rows = rows();
    for split in ["tune", "validate"] {
        let of: Vec<&Row> = rows.iter().filter(|r| r.split == split).collect();
        let tally = |keep: &dyn Fn(&Row) -> bool| {
            let (mut good, mut bad, mut lost) = (0f64, 0f64, 0f64);
            for r in &of {
                let content = f64::from(r.words * r.label);
                let junk = f64::from(r.words) - content;
                if keep(r) {
                    good += content;
                    bad += junk;
                } else {
                    lost += content;
                }
            }
            let p = good / (good + bad).max(1.0);
            let rec = good / (good + lost).max(1.0);
            format!("word precision {p:.3} recall {rec:.3}")
        };
        println!("{split}: {} blocks", of.len());
        println!("  extractor alone: {}", tally(&|r| r.features[0] > 0.5));
        println!("  with the model:  {}", tally(&|r| model.keeps(r.features[0] > 0.5, model.probability(&r.features))));
    }
}

/// Site and page type of every page, from split.tsv.
fn pages_info() -> std::collections::HashMap<String, (String, String)> {
    wcxb::split().into_iter().map(|p| (p.file_id, (p.host, p.page_type))).collect()
}

/// Mean per-page word F1 (the labels standing in for WCXB's bag overlap) of
/// keeping the blocks `keep` says, overall and per page type.
fn page_f1(
    rows: &[&Row],
    keep: &dyn Fn(usize) -> bool,
    info: &std::collections::HashMap<String, (String, String)>,
) -> (f64, Vec<(String, f64)>) {
    let mut pages: std::collections::BTreeMap<&str, (f64, f64, f64)> = Default::default();
    for (i, r) in rows.iter().enumerate() {
        let e = pages.entry(r.file_id.as_str()).or_insert((0.0, 0.0, f64::from(r.gold_words)));
        if keep(i) {
            let content = f64::from(r.words * r.label);
            e.0 += content;
            e.1 += f64::from(r.words) - content;
        }
    }
    let mut by: std::collections::BTreeMap<String, (f64, usize)> = Default::default();
    let mut all = (0.0, 0usize);
    for (id, (good, bad, gold)) in pages {
        let f1 = if gold == 0.0 {
            if good + bad == 0.0 { 1.0 } else { 0.0 }
        } else {
            let (p, r) = (good / (good + bad).max(1e-9), (good / gold).min(1.0));
            if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }
        };
        let t = info.get(id).map_or("?", |i| i.1.as_str()).to_owned();
        let e = by.entry(t).or_default();
        e.0 += f1;
        e.1 += 1;
        all.0 += f1;
        all.1 += 1;
    }
    (all.0 / all.1.max(1) as f64, by.into_iter().map(|(t, (s, n))| (t, s / n.max(1) as f64)).collect())
}

/// Parameters and thresholds, out of fold on tune (three folds by site), the
/// approximate page F1 of each; validate shown for the record, not to choose by.
fn sweep() {
    let rows = rows();
    let info = pages_info();
    let tune: Vec<&Row> = rows.iter().filter(|r| r.split == "tune").collect();
    let validate: Vec<&Row> = rows.iter().filter(|r| r.split == "validate").collect();
    let host = |r: &Row| info.get(&r.file_id).map_or("", |i| i.0.as_str()).to_owned();
    let fold = |h: &str| h.bytes().fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b))) % 3;
    let show = |label: &str, (all, by): (f64, Vec<(String, f64)>)| {
        let types: Vec<String> = by.iter().map(|(t, f)| format!("{t} {f:.3}")).collect();
        println!("{label}: {all:.3} | {}", types.join(", "));
    };
    show("tune, extractor alone", page_f1(&tune, &|i| tune[i].features[0] > 0.5, &info));
    show("validate, extractor alone", page_f1(&validate, &|i| validate[i].features[0] > 0.5, &info));
    let thresholds = [(0.5f32, 0.5f32), (0.35, 0.65), (0.2, 0.8), (0.1, 0.9)];
    for depth in [3, 4] {
        for min_weight in [1.0, 30.0] {
            let params = declutter::model::trees::TreeParams { depth, min_weight, ..block_model::PARAMS };
            let mut p = vec![0f32; tune.len()];
            for k in 0..3 {
                let fit: Vec<&Row> = tune.iter().copied().filter(|r| fold(&host(r)) != k).collect();
                let model = block_model::train(&fit, params, (0.5, 0.5));
                for (i, r) in tune.iter().enumerate().filter(|(_, r)| fold(&host(r)) == k) {
                    p[i] = model.probability(&r.features);
                }
            }
            let full = block_model::train(&tune, params, (0.5, 0.5));
            let pv: Vec<f32> = validate.iter().map(|r| full.probability(&r.features)).collect();
            for (drop_below, keep_above) in thresholds {
                let decide = |kept: bool, p: f32| if kept { p >= drop_below } else { p >= keep_above };
                let label = format!("depth {depth} min_weight {min_weight} drop<{drop_below} keep>={keep_above}");
                show(&format!("{label} tune OOF"), page_f1(&tune, &|i| decide(tune[i].features[0] > 0.5, p[i]), &info));
                show(
                    &format!("{label} validate"),
                    page_f1(&validate, &|i| decide(validate[i].features[0] > 0.5, pv[i]), &info),
                );
            }
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
