//! Fixture cases: an input as a scraper saved it and the text it must clean
//! to (`fixtures/<group>/<case>.{html,txt}` + `.expected.txt`, optional
//! `.expected.md` and `.case.toml`; see fixtures/README.md). `<group>` is a
//! publisher's file stem or a theme. Run by `declutter rules test` and by the
//! test suite, so a rule edit that changes a publisher's output fails both.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use similar::TextDiff;

use crate::{Cleaner, Hints, InputFormat};

/// `<case>.case.toml`: how to run a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    pub description: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub encoding: Option<String>,
    pub input_format: Option<String>,
    /// Rule ids the report must list, in order (`builtin:` ids compared only when one is listed).
    pub removals: Option<Vec<String>>,
    /// The page type the classifier must report (`article`, `forum`, …).
    pub page_type: Option<String>,
}

/// One case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The folder: a publisher's file stem or a theme.
    pub group: String,
    /// `group/file name`.
    pub name: String,
    pub input: PathBuf,
    pub expected: PathBuf,
    pub meta: CaseFile,
}

impl Case {
    pub fn hints(&self) -> Hints {
        Hints {
            url: self.meta.url.clone(),
            publisher: self.meta.publisher.clone(),
            encoding: self.meta.encoding.clone(),
            format: match self.meta.input_format.as_deref() {
                Some("html") => InputFormat::Html,
                Some("text") => InputFormat::Text,
                _ => InputFormat::Auto,
            },
            repeated: None,
        }
    }
}

/// A case that did not come out as expected.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub case: String,
    /// A unified diff (expected −, actual +) or what went wrong.
    pub message: String,
}

/// Every case under `root`, groups and files in sorted order.
pub fn cases(root: &Path) -> Result<Vec<Case>, String> {
    let read = |dir: &Path| -> Result<Vec<PathBuf>, String> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        v.sort();
        Ok(v)
    };
    let mut out = Vec::new();
    for group in read(root)?.into_iter().filter(|p| p.is_dir()) {
        let group_name = group.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for input in read(&group)? {
            let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let Some(stem) = name.strip_suffix(".html").or_else(|| name.strip_suffix(".txt")) else {
                continue;
            };
            if stem.ends_with(".expected") {
                continue;
            }
            let meta_path = group.join(format!("{stem}.case.toml"));
            let meta = if meta_path.exists() {
                let text = std::fs::read_to_string(&meta_path).map_err(|e| format!("{}: {e}", meta_path.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {e}", meta_path.display()))?
            } else {
                CaseFile::default()
            };
            out.push(Case {
                group: group_name.clone(),
                name: format!("{group_name}/{name}"),
                expected: group.join(format!("{stem}.expected.txt")),
                input,
                meta,
            });
        }
    }
    Ok(out)
}

/// What running one case did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub failures: Vec<Failure>,
    /// Expected files written by `--update` (created or rewritten from the output).
    pub updated: Vec<Updated>,
}

/// An expected file `--update` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Updated {
    pub case: String,
    pub path: PathBuf,
    /// There was no expected file before.
    pub created: bool,
}

/// Runs one case; returns its failures (text, Markdown, removal ids). With
/// `update`, expected files are rewritten from the output (atomically), and a
/// difference that was written is not a failure.
pub fn run(cleaner: &Cleaner, case: &Case, update: bool) -> Vec<Failure> {
    run_case(cleaner, case, update).failures
}

/// [`run`], with what `update` wrote.
pub fn run_case(cleaner: &Cleaner, case: &Case, update: bool) -> Outcome {
    let mut out = Outcome::default();
    let fail = |message: String| Failure { case: case.name.clone(), message };
    let bytes = match std::fs::read(&case.input) {
        Ok(b) => b,
        Err(e) => {
            out.failures.push(fail(format!("{}: {e}", case.input.display())));
            return out;
        }
    };
    let mut hints = case.hints();
    // A case in a publisher's folder is that publisher's page unless it says otherwise.
    if hints.url.is_none() && hints.publisher.is_none() && cleaner.rules().publisher_by_name(&case.group).is_some() {
        hints.publisher = Some(case.group.clone());
    }
    let cleaned = match cleaner.clean(&bytes, &hints) {
        Ok(c) => c,
        Err(e) => {
            out.failures.push(fail(format!("error: {e}")));
            return out;
        }
    };
    let mut check = |label: String, path: &Path, actual: &str, must_exist: bool| match compare(
        &label, path, actual, update, must_exist,
    ) {
        Compared::Same => {}
        Compared::Failed(m) => out.failures.push(fail(m)),
        Compared::Written { created } => {
            out.updated.push(Updated { case: case.name.clone(), path: path.to_path_buf(), created })
        }
    };
    check(case.name.clone(), &case.expected, &cleaned.text(), true);
    // The Markdown expectation is optional: checked (and updated) only when present.
    let expected_md = case.expected.with_extension("md");
    if expected_md.exists() {
        check(format!("{} markdown", case.name), &expected_md, &crate::write::markdown(&cleaned), false);
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
            // Not something --update can write: the case file is the author's.
            out.failures.push(fail(format!("removals {got:?}, expected {want:?} (from the .case.toml)")));
        }
    }
    if let Some(want) = &case.meta.page_type {
        let got = cleaned.page_type.as_ref().map(|k| k.page_type.to_string());
        if got.as_deref() != Some(want.as_str()) {
            out.failures.push(fail(format!("page type {got:?}, expected {want:?} (from the .case.toml)")));
        }
    }
    out
}

enum Compared {
    Same,
    Failed(String),
    Written { created: bool },
}

/// `actual` against the expected file: the same, a failure (a diff, or why the
/// file could not be read or written), or written from `actual` (`update`).
fn compare(label: &str, expected_path: &Path, actual: &str, update: bool, must_exist: bool) -> Compared {
    let expected = match std::fs::read_to_string(expected_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && must_exist => None,
        Err(e) => return Compared::Failed(format!("{}: {e}", expected_path.display())),
    };
    if expected.as_deref() == Some(actual) {
        return Compared::Same;
    }
    if update {
        return match crate::pipeline::files::write_atomically(
            expected_path,
            actual.as_bytes(),
            crate::pipeline::files::Durability::Synced,
        ) {
            Ok(()) => Compared::Written { created: expected.is_none() },
            Err(e) => Compared::Failed(format!("could not write {}: {e}", expected_path.display())),
        };
    }
    match expected {
        None => Compared::Failed(format!(
            "no expected file {}; run with --update to create it from the output",
            expected_path.display()
        )),
        Some(expected) => Compared::Failed(format!(
            "--- {label} (expected -, actual +)\n{}",
            TextDiff::from_lines(&expected, actual).unified_diff().context_radius(2)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_expectation_fails_with_a_diff() {
        let dir = tempfile::tempdir().unwrap();
        let group = dir.path().join("acme");
        std::fs::create_dir(&group).unwrap();
        std::fs::write(group.join("a.txt"), "Story.\n\nShare this article\n").unwrap();
        std::fs::write(group.join("a.expected.txt"), "Story.\n\nShare this article\n").unwrap();
        std::fs::write(group.join("a.case.toml"), "removals = [\"share-this\"]\n").unwrap();
        let cases = cases(dir.path()).unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].group, "acme");
        let cleaner = Cleaner::new().unwrap();
        let failures = run(&cleaner, &cases[0], false);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].message.contains("-Share this article"), "{}", failures[0].message);
        // --update rewrites the expectation, which is not a failure; the case then passes.
        let outcome = run_case(&cleaner, &cases[0], true);
        assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
        assert_eq!(outcome.updated.len(), 1);
        assert!(!outcome.updated[0].created);
        assert!(run(&cleaner, &cases[0], false).is_empty());
    }

    #[test]
    fn a_missing_expectation_says_so_and_update_creates_it() {
        let dir = tempfile::tempdir().unwrap();
        let group = dir.path().join("acme");
        std::fs::create_dir(&group).unwrap();
        std::fs::write(group.join("a.txt"), "Story.\n").unwrap();
        let cases = cases(dir.path()).unwrap();
        let cleaner = Cleaner::new().unwrap();
        let failures = run(&cleaner, &cases[0], false);
        assert_eq!(failures.len(), 1);
        assert!(failures[0].message.starts_with("no expected file "), "{}", failures[0].message);
        assert!(failures[0].message.contains("--update"), "{}", failures[0].message);
        assert!(!failures[0].message.contains("+++"), "not a diff from empty: {}", failures[0].message);
        let outcome = run_case(&cleaner, &cases[0], true);
        assert!(outcome.failures.is_empty() && outcome.updated[0].created, "{outcome:?}");
        assert_eq!(std::fs::read_to_string(group.join("a.expected.txt")).unwrap(), "Story.\n");
    }

    #[test]
    fn a_case_in_a_publisher_folder_gets_that_publishers_rules() {
        let dir = tempfile::tempdir().unwrap();
        let group = dir.path().join("lifezette");
        std::fs::create_dir(&group).unwrap();
        std::fs::write(group.join("a.txt"), "Story.\n\n[lz_related_box id=\"1\"] and the rest.").unwrap();
        std::fs::write(group.join("a.expected.txt"), "Story.\n\nand the rest.\n").unwrap();
        std::fs::write(group.join("a.case.toml"), "removals = [\"lz-related-box\"]\n").unwrap();
        let cases = cases(dir.path()).unwrap();
        // Rules alone: the publisher's rule is what this checks, not the line scorer.
        let cleaner = Cleaner::builder().text_model(false).build().unwrap();
        let failures = run(&cleaner, &cases[0], false);
        assert!(failures.is_empty(), "{failures:?}");
    }

    #[test]
    fn a_page_type_expectation_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let group = dir.path().join("types");
        std::fs::create_dir(&group).unwrap();
        std::fs::write(group.join("a.txt"), "Story.\n").unwrap();
        std::fs::write(group.join("a.expected.txt"), "Story.\n").unwrap();
        // Text input has no page type, so no expectation of one can hold.
        std::fs::write(group.join("a.case.toml"), "page_type = \"article\"\n").unwrap();
        let cases = cases(dir.path()).unwrap();
        let failures = run(&Cleaner::new().unwrap(), &cases[0], false);
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].message.contains("page type None, expected \"article\""), "{}", failures[0].message);
    }

    #[test]
    fn a_bad_case_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let group = dir.path().join("g");
        std::fs::create_dir(&group).unwrap();
        std::fs::write(group.join("a.txt"), "x").unwrap();
        std::fs::write(group.join("a.case.toml"), "urll = 1\n").unwrap();
        let err = cases(dir.path()).unwrap_err();
        assert!(err.contains("a.case.toml"), "{err}");
    }
}
