//! Broken rule folders under tests/rule-errors/: each must fail to load with
//! an error naming the file, line and column, and the rule when there is one.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use declutter::RuleSet;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    file: String,
    line: usize,
    rule: String,
    message: String,
}

fn cases() -> Vec<(PathBuf, Expected)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rule-errors");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let expected = toml::from_str(&std::fs::read_to_string(d.join("expected.toml")).unwrap()).unwrap();
            (d, expected)
        })
        .collect()
}

#[test]
fn every_broken_rule_folder_is_located_precisely() {
    let cases = cases();
    assert!(cases.len() >= 6);
    let mut failures = Vec::new();
    for (dir, want) in &cases {
        let rules = dir.join("rules");
        let err = match RuleSet::from_dir(&rules).and_then(RuleSet::checked) {
            Ok(_) => {
                failures.push(format!("{}: loaded without error", dir.display()));
                continue;
            }
            Err(e) => e,
        };
        let hit = err.errors().iter().any(|e| {
            let rule_ok =
                want.rule.is_empty() || e.rule.as_deref() == Some(want.rule.as_str()) || e.message.contains(&want.rule);
            e.file.ends_with(&want.file)
                && e.line == want.line
                && e.column >= 1
                && rule_ok
                && e.message.to_lowercase().contains(&want.message.to_lowercase())
        });
        if !hit {
            failures.push(format!(
                "{}: wanted {}:{} rule {:?} message ~{:?}, got:\n{err}",
                dir.display(),
                want.file,
                want.line,
                want.rule,
                want.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rules_check_cli_exits_2_with_file_line_column() {
    for (dir, want) in cases() {
        let out =
            Command::cargo_bin("declutter").unwrap().args(["rules", "check"]).arg(dir.join("rules")).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", dir.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let located = format!("{}:{}:", want.file, want.line);
        assert!(stderr.contains(&located), "{}: {located} not in\n{stderr}", dir.display());
    }
}

#[test]
fn shipped_rules_pass_rules_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::cargo_bin("declutter")
        .unwrap()
        .args(["rules", "check"])
        .arg(root.join("rules"))
        .assert()
        .success()
        .stdout(predicates::str::contains("examples pass"));
}
