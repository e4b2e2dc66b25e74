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
    /// The set, once every rule's `remove` examples are removed by it and its
    /// `keep` examples are not; one error per failing example, at the rule's
    /// `examples` key. [`CleanerBuilder::build`](crate::CleanerBuilder::build)
    /// calls this, so a set is checked once however it was loaded.
    pub fn checked(mut self) -> Result<RuleSet, RulesError> {
        if !self.examples_checked {
            let errors = check(self.rules());
            if !errors.is_empty() {
                return Err(RulesError::Invalid(errors));
            }
            self.examples_checked = true;
        }
        Ok(self)
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
fn check(rules: &[Rule]) -> Vec<RuleError> {
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
