//! Fits the scraped-text line scorer (`src/clean/text_model.json`) on the
//! tune split of the labelled set, in one command:
//!
//! ```text
//! cargo run --release --example train_text_model            # features + train
//! cargo run --release --example train_text_model -- train   # from the committed features only
//! cargo run --release --example train_text_model -- sweep   # article-loss shares, out of fold on tune
//! ```
//!
//! `features` reads the corpus (`../shared/datasets/scraped-texts/corpus.jsonl`,
//! or `$SCRAPED_TEXTS`) and the labels, lays each text out into blocks as
//! `declutter clean` does, and writes one row per block to
//! `training/scraped-texts/features.tsv`: numbers only, so the model can be
//! retrained (and the test that it reproduces the shipped one can run)
//! without the texts. A block is boilerplate when every labelled line of it is.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use declutter::clean::text_model;
use declutter::{InputFormat, Origin};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `{id: (domain, split)}` from selection.tsv.
fn splits() -> HashMap<String, (String, String)> {
    read(&root().join("training/scraped-texts/selection.tsv"))
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            let id = f.next()?;
            let domain = f.next()?;
            let split = f.next()?;
            Some((id.to_owned(), (domain.to_owned(), split.to_owned())))
        })
        .collect()
}

/// `{(id, line): label}` from every label file (whole-line labels only).
fn labels() -> HashMap<(String, usize), String> {
    let dir = root().join("training/scraped-texts/labels");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut out = HashMap::new();
    for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "tsv")) {
        for line in read(file).lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() >= 4 && !f[3].contains(':') {
                out.insert((f[0].to_owned(), f[1].parse().unwrap()), f[3].to_owned());
            }
        }
    }
    out
}

fn features() {
    let corpus = std::env::var_os("SCRAPED_TEXTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/datasets/scraped-texts/corpus.jsonl"));
    let splits = splits();
    let labels = labels();
    // The rules as cleaning applies them (publisher files chosen by URL), scorer off:
    // the lines they remove are marked `ruled`, and the scorer is fitted on the rest.
    let cleaner = declutter::Cleaner::builder().text_model(false).build().expect("the shipped rules build");
    let inline_rules: std::collections::HashSet<&str> = cleaner
        .rules()
        .rules()
        .iter()
        .filter(|r| matches!(r.matcher, declutter::rules::Matcher::Inline(_)))
        .map(|r| r.id.as_str())
        .collect();
    let mut out = String::from("id\tline\tdomain\tsplit\tboilerplate\tcategory\truled");
    for name in text_model::FEATURES {
        out.push('\t');
        out.push_str(name);
    }
    out.push('\n');
    let mut records: Vec<(String, String, Option<String>)> = read(&corpus)
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            let id = v["id"].as_str()?.to_owned();
            let url = v["url"].as_str().map(str::to_owned);
            splits.contains_key(&id).then(|| (id, v["text"].as_str().unwrap_or_default().to_owned(), url))
        })
        .collect();
    records.sort();
    for (id, text, url) in &records {
        let hints = declutter::Hints { url: url.clone(), format: InputFormat::Text, ..Default::default() };
        let cleaned = cleaner.clean(text.as_bytes(), &hints).expect("a labelled text cleans");
        let ruled: std::collections::HashSet<usize> = cleaned
            .removals
            .iter()
            .filter(|r| r.scope == declutter::Scope::Block)
            .filter_map(|r| match r.origin {
                Origin::Line(l) => Some(l),
                _ => None,
            })
            .collect();
        // What the scorer's `ruled_*` features see: blocks the shortcode and
        // block rules took whole, ad markers aside (inline rules run after it).
        let verdicts: std::collections::HashSet<usize> = cleaned
            .removals
            .iter()
            .filter(|r| r.scope == declutter::Scope::Block && r.category != declutter::rules::Category::Ad)
            .filter(|r| !inline_rules.contains(r.rule.as_str()))
            .filter_map(|r| match r.origin {
                Origin::Line(l) => Some(l),
                _ => None,
            })
            .collect();
        let options = declutter::load::LoadOptions { format: InputFormat::Text, ..Default::default() };
        let source = declutter::load::load(text.as_bytes(), &options).expect("a text loads");
        let blocks = declutter::document::blocks_from_text(&source.text);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        let ruled_blocks: Vec<bool> =
            blocks.iter().map(|b| matches!(b.origin, Origin::Line(l) if verdicts.contains(&l))).collect();
        for (block, f) in blocks.iter().zip(text_model::features(&texts, &ruled_blocks)) {
            let Origin::Line(first) = block.origin else { continue };
            let lines = block.text.split('\n').count();
            let got: Vec<&String> = (first..first + lines).filter_map(|n| labels.get(&(id.clone(), n))).collect();
            if got.is_empty() {
                continue;
            }
            let boiler = got.iter().all(|l| *l != "article");
            let category = if boiler { got[0].as_str() } else { "article" };
            let (domain, split) = &splits[id];
            let _ = write!(
                out,
                "{id}\t{first}\t{domain}\t{split}\t{}\t{category}\t{}",
                u8::from(boiler),
                u8::from(ruled.contains(&first))
            );
            for v in f {
                let _ = write!(out, "\t{v:.5}");
            }
            out.push('\n');
        }
    }
    let path = root().join("training/scraped-texts/features.tsv");
    std::fs::write(&path, out).unwrap();
    eprintln!("wrote {} ({} texts)", path.display(), records.len());
}

fn rows() -> Vec<text_model::Row> {
    text_model::parse_rows(&read(&root().join("training/scraped-texts/features.tsv"))).unwrap()
}

/// Picks the tree parameters by cross-validation over the tune split's
/// publishers (never validate), then fits with them.
fn fit(rows: &[text_model::Row]) -> text_model::TextModel {
    let mut best: Option<(f64, text_model::TreeParams)> = None;
    for rounds in [60, 150] {
        for depth in [2, 3, 4] {
            for min_weight in [2.0, 8.0] {
                let params = text_model::TreeParams { rounds, depth, learning_rate: 0.1, lambda: 1.0, min_weight };
                let recall = text_model::cross_validate(rows, params).1;
                eprintln!("rounds {rounds} depth {depth} min_weight {min_weight}: cross-validated recall {recall:.3}");
                if best.is_none_or(|(b, _)| recall > b) {
                    best = Some((recall, params));
                }
            }
        }
    }
    let (_, params) = best.unwrap();
    text_model::fit_with(rows, params)
}

fn check() -> text_model::TextModel {
    let shipped = text_model::TextModel::shipped().expect("the shipped model loads");
    text_model::fit_with(&rows(), shipped.params)
}

fn train() {
    let rows = rows();
    let model = fit(&rows);
    let path = root().join("src/clean/text_model.json");
    std::fs::write(&path, model.to_json()).unwrap();
    eprintln!("wrote {} (threshold {})", path.display(), model.threshold);
    for split in ["tune", "validate"] {
        let (mut boiler, mut hit, mut article, mut lost) = (0, 0, 0, 0);
        for r in rows.iter().filter(|r| r.split == split) {
            let removed = r.ruled || model.score(&r.features) >= model.threshold;
            if r.boilerplate {
                boiler += 1;
                hit += usize::from(removed);
            } else {
                article += 1;
                lost += usize::from(removed);
            }
        }
        eprintln!(
            "{split}, rules and scorer: boilerplate blocks removed {hit} of {boiler} ({:.1} %), article blocks removed {lost} of {article} ({:.2} %)",
            100.0 * hit as f64 / boiler.max(1) as f64,
            100.0 * lost as f64 / article.max(1) as f64
        );
    }
}

/// What each article-loss share would give on tune, out of fold (rules and
/// scorer together, per block): how [`text_model::ARTICLE_LOSS`] is chosen,
/// without looking at validate.
fn sweep() {
    let rows = rows();
    // The shipped model's parameters; when the features changed (it no longer
    // loads), the ones cross-validation chose last.
    let params = text_model::TextModel::shipped().map_or(
        text_model::TreeParams { rounds: 150, depth: 4, learning_rate: 0.1, lambda: 1.0, min_weight: 2.0 },
        |m| m.params,
    );
    let scored = text_model::out_of_fold(&rows, params);
    let boiler = scored.iter().filter(|(_, r)| r.boilerplate).count().max(1);
    let article = scored.len() - boiler;
    eprintln!("article loss | threshold | boilerplate blocks removed | article blocks kept (tune, out of fold)");
    for loss in [0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.010, 0.015] {
        let t = text_model::threshold_at(&scored, loss);
        let removed = |r: &text_model::Row, s: f32| r.ruled || s >= t;
        let hit = scored.iter().filter(|(s, r)| r.boilerplate && removed(r, *s)).count();
        let lost = scored.iter().filter(|(s, r)| !r.boilerplate && removed(r, *s)).count();
        eprintln!(
            "{loss:.3} | {t:.4} | {:.1} % | {:.2} %",
            100.0 * hit as f64 / boiler as f64,
            100.0 - 100.0 * lost as f64 / article.max(1) as f64
        );
    }
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("features") => features(),
        Some("sweep") => sweep(),
        Some("train") => train(),
        Some("check") => {
            let shipped = read(&root().join("src/clean/text_model.json"));
            if check().to_json() != shipped {
                eprintln!("retraining does not reproduce src/clean/text_model.json");
                std::process::exit(1);
            }
            eprintln!("retraining reproduces the shipped model");
        }
        None => {
            features();
            train();
        }
        Some(other) => {
            eprintln!("unknown command {other:?}: features, train, check, sweep, or nothing for features and train");
            std::process::exit(2);
        }
    }
}
