//! `declutter rules check|list`.

use std::path::Path;

use super::{exit, report};
use crate::rules::{Matcher, RuleSet, RulesError};

/// Loads the folder given, else `./rules`, else the embedded rules.
pub(super) fn load(dir: Option<&Path>) -> Result<RuleSet, RulesError> {
    match dir {
        Some(d) => RuleSet::from_dir(d),
        None if Path::new("rules/default.toml").is_file() => RuleSet::from_dir(Path::new("rules")),
        None => RuleSet::embedded(),
    }
}

pub(super) fn check(dir: Option<&Path>) -> u8 {
    match load(dir) {
        Ok(set) => {
            let examples: usize = set.rules().iter().map(|r| r.examples.remove.len() + r.examples.keep.len()).sum();
            println!(
                "ok: {} rules in {} files ({} publishers), {} examples pass",
                set.rules().len(),
                set.files().len(),
                set.publishers().len(),
                examples
            );
            exit::OK
        }
        Err(e) => {
            for line in e.to_string().lines() {
                eprintln!("{line}");
            }
            let n = e.errors().len();
            if n > 0 {
                report(format!("{n} error{} in the rules", if n == 1 { "" } else { "s" }));
            }
            exit::USAGE
        }
    }
}

pub(super) fn list(dir: Option<&Path>) -> u8 {
    let set = match load(dir) {
        Ok(s) => s,
        Err(e) => {
            report(e);
            return exit::USAGE;
        }
    };
    for p in set.publishers() {
        println!("publisher {} ({}): {}", p.key, p.name, p.domains.join(", "));
    }
    for r in set.rules() {
        let kind = match r.matcher {
            Matcher::Selector(_) => "selector",
            Matcher::Shortcode(_) => "shortcode",
            Matcher::Block(_) => "block",
            Matcher::Inline(_) => "inline",
        };
        println!("{:<28} {:<10} {:<9} {}", r.id, r.category, kind, r.location);
    }
    exit::OK
}
