//! Golden tests: every case under fixtures/ (see fixtures/README.md).
//! `UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites the expected files
//! from the current output; review the diff before committing it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use declutter::{Cleaner, Hints, InputFormat};
use serde::Deserialize;
use similar::TextDiff;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[allow(dead_code)]
    description: Option<String>,
    url: Option<String>,
    publisher: Option<String>,
    encoding: Option<String>,
    input_format: Option<String>,
    removals: Option<Vec<String>>,
}

struct Case {
    name: String,
    input: PathBuf,
    expected: PathBuf,
    meta: CaseFile,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let mut groups: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    groups.sort();
    for group in groups {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&group).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for input in files {
            let name = input.file_name().unwrap().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".html").or_else(|| name.strip_suffix(".txt")) else {
                continue;
            };
            if stem.ends_with(".expected") {
                continue;
            }
            let expected = group.join(format!("{stem}.expected.txt"));
            let meta_path = group.join(format!("{stem}.case.toml"));
            let meta = if meta_path.exists() {
                toml::from_str(&std::fs::read_to_string(&meta_path).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", meta_path.display()))
            } else {
                CaseFile::default()
            };
            let group_name = group.file_name().unwrap().to_string_lossy();
            out.push(Case { name: format!("{group_name}/{name}"), input, expected, meta });
        }
    }
    out
}

fn hints(meta: &CaseFile) -> Hints {
    Hints {
        url: meta.url.clone(),
        publisher: meta.publisher.clone(),
        encoding: meta.encoding.clone(),
        format: match meta.input_format.as_deref() {
            Some("html") => InputFormat::Html,
            Some("text") => InputFormat::Text,
            _ => InputFormat::Auto,
        },
    }
}

/// Appends a diff to `failures` when `actual` differs from the file's content
/// (and rewrites the file when updating).
fn compare(label: &str, expected_path: &Path, actual: &str, update: bool, failures: &mut String) {
    let expected = std::fs::read_to_string(expected_path).unwrap_or_default();
    if actual == expected {
        return;
    }
    if update {
        std::fs::write(expected_path, actual).unwrap();
    }
    let diff = TextDiff::from_lines(&expected, actual);
    writeln!(failures, "--- {label} (expected -, actual +)\n{}", diff.unified_diff().context_radius(2)).unwrap();
}

#[test]
fn every_fixture_cleans_to_its_expected_text() {
    let cleaner = Cleaner::new().expect("shipped rules load");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let cases = cases();
    assert!(cases.len() >= 14, "expected at least 14 fixture cases, found {}", cases.len());
    let mut failures = String::new();
    for case in &cases {
        let bytes = std::fs::read(&case.input).unwrap();
        let cleaned = match cleaner.clean(&bytes, &hints(&case.meta)) {
            Ok(c) => c,
            Err(e) => {
                writeln!(failures, "--- {}: error: {e}", case.name).unwrap();
                continue;
            }
        };
        let label = case.name.as_str();
        compare(label, &case.expected, &cleaned.text(), update, &mut failures);
        let expected_md = case.expected.with_extension("md");
        if expected_md.exists() {
            let markdown = declutter::write::markdown(&cleaned);
            compare(&format!("{label} markdown"), &expected_md, &markdown, update, &mut failures);
        }
        if let Some(want) = &case.meta.removals {
            let with_builtin = want.iter().any(|id| id.starts_with("builtin:"));
            let got: Vec<&str> = cleaned
                .removals
                .iter()
                .map(|r| r.rule.as_str())
                .filter(|id| with_builtin || !id.starts_with("builtin:"))
                .collect();
            if got != want.iter().map(String::as_str).collect::<Vec<_>>() {
                writeln!(failures, "--- {}: removals {got:?}, expected {want:?}", case.name).unwrap();
            }
        }
    }
    assert!(failures.is_empty(), "{} fixture case(s) failed:\n{failures}", failures.matches("\n--- ").count() + 1);
}
