//! Running each rule's `examples`: every rule carries its own tests, checked
//! before a [`Cleaner`](crate::Cleaner) uses the rule set.
//!
//! The runner sits above `rules`, `clean` and `html` because it needs all
//! three: `rules` compiles a set without knowing how cleaning works, the
//! passes apply it, and this module proves each rule does what its examples
//! say through those very passes.

use crate::clean::{ActiveRules, clean_blocks};
use crate::document::blocks_from_text;
use crate::html;
use crate::rules::{Matcher, Rule, RuleError, RuleSet, RulesError};

impl RuleSet {
    /// The set, once the `remove` examples of every rule read from a file
    /// are removed by it and its `keep` examples are not; one error per
    /// failing example, at the rule's `examples` key.
    /// [`CleanerBuilder::build`](crate::CleanerBuilder::build) calls this, so
    /// a set is checked once however it was loaded.
    ///
    /// The built-in rules' examples are left to [`RuleSet::checked_all`]
    /// (`rules check`) and the test suite: they are compiled into the binary,
    /// so they pass in every build whose tests passed, and running them (a
    /// regex compiled and searched per example) cost each start-up more than
    /// cleaning a document. An example only runs its own rule, so whatever
    /// the layers above, the built-in ones give the same answer every time.
    pub fn checked(mut self) -> Result<RuleSet, RulesError> {
        if !self.examples_checked {
            let errors = check(self.rules().iter().filter(|r| !r.examples.builtin));
            if !errors.is_empty() {
                return Err(RulesError::Invalid(errors));
            }
            self.examples_checked = true;
        }
        Ok(self)
    }

    /// [`RuleSet::checked`], the built-in rules' examples included: what
    /// `rules check` reports on.
    pub fn checked_all(self) -> Result<RuleSet, RulesError> {
        let set = self.checked()?;
        let errors = check(set.rules().iter().filter(|r| r.examples.builtin));
        if errors.is_empty() { Ok(set) } else { Err(RulesError::Invalid(errors)) }
    }
}

/// True when `rule` removes something from `example` (an HTML fragment for
/// selector rules, text otherwise).
fn fires(rule: &Rule, example: &str) -> bool {
    if let Matcher::Selector(css) = &rule.matcher {
        return html::fragment_matches(example, &css.selector);
    }
    let mut removals = Vec::new();
    clean_blocks(blocks_from_text(example), &ActiveRules::single(rule), &mut removals);
    !removals.is_empty()
}

/// One error per failing example, at the rule's `examples` key.
fn check<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Vec<RuleError> {
    let mut errors = Vec::new();
    for rule in rules {
        let loc = &rule.examples.location;
        let mut fail = |message: String| {
            errors.push(RuleError {
                file: loc.file.clone(),
                line: loc.line,
                column: loc.column,
                rule: Some(rule.id.clone()),
                message,
            })
        };
        for ex in &rule.examples.remove {
            if !fires(rule, ex) {
                fail(format!("example {ex:?} is listed under `remove` but the rule does not remove it"));
            }
        }
        for ex in &rule.examples.keep {
            if fires(rule, ex) {
                fail(format!("example {ex:?} is listed under `keep` but the rule removes it"));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What start-up no longer runs: every built-in rule's examples pass.
    #[test]
    fn built_in_examples_pass() {
        let set = RuleSet::embedded().unwrap();
        assert!(set.rules().iter().all(|r| r.examples.builtin));
        if let Err(e) = set.checked_all() {
            panic!("{e}");
        }
    }

    /// Rules read from files still have their examples run when a cleaner is built.
    #[test]
    fn file_rules_examples_run_at_build() {
        let toml = "[[rule]]\nid = \"promo\"\ncategory = \"ad\"\nblock = { equals = \"buy now\" }\nexamples = { keep = [\"Buy now\"] }\n";
        let set = RuleSet::from_sources(vec![crate::rules::RuleSource::new("default.toml", toml)]).unwrap();
        let err = crate::Cleaner::builder().rules(set).build().unwrap_err();
        assert!(err.to_string().contains("listed under `keep`"), "{err}");
        // Named like a built-in file, still a file of the user's.
        let set = RuleSet::from_sources(vec![crate::rules::RuleSource::new("<built-in>/default.toml", toml)]).unwrap();
        assert!(crate::Cleaner::builder().rules(set).build().is_err());
    }
}
