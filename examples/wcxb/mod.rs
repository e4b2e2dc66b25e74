//! What the WCXB training programs share: the repository's paths, the split
//! list (`training/wcxb/split.tsv`) and the dev set's pages and gold texts
//! (`../shared/datasets/wcxb-dev`, or `$WCXB`).

// Each training program uses part of it.
#![allow(dead_code)]

use std::io::Read as _;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One row of the split list.
pub struct Page {
    pub file_id: String,
    pub host: String,
    pub page_type: String,
    pub split: String,
}

/// Every page of the split list, in its order.
pub fn split() -> Vec<Page> {
    read(&root().join("training/wcxb/split.tsv"))
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let [file_id, host, page_type, split] = cells[..] else { panic!("split.tsv: {line:?}") };
            Page { file_id: file_id.into(), host: host.into(), page_type: page_type.into(), split: split.into() }
        })
        .collect()
}

fn dataset() -> PathBuf {
    std::env::var_os("WCXB").map(PathBuf::from).unwrap_or_else(|| root().join("../shared/datasets/wcxb-dev"))
}

/// The page's HTML, as served.
pub fn html(page: &Page) -> Vec<u8> {
    let path = dataset().join("html").join(format!("{}.html.gz", page.file_id));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes
}

/// The page's gold main content.
pub fn gold(page: &Page) -> String {
    let path = dataset().join("ground-truth").join(format!("{}.json", page.file_id));
    let truth: serde_json::Value =
        serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    truth["ground_truth"]["main_content"].as_str().unwrap_or("").to_owned()
}

/// `declutter clean`'s view of the page: HTML, no URL given.
pub fn clean(cleaner: &declutter::Cleaner, page: &Page) -> declutter::Cleaned {
    let hints = declutter::Hints { format: declutter::InputFormat::Html, ..Default::default() };
    cleaner.clean(&html(page), &hints).unwrap_or_else(|e| panic!("WCXB page {}: {e}", page.file_id))
}
