//! Running each rule's `examples`: every rule carries its own tests, checked
//! whenever the rule set is loaded.

use super::error::RuleError;
use super::{Matcher, Rule};
use crate::clean::{ActiveRules, clean_blocks};
use crate::document::blocks_from_text;
use crate::html;

/// True when `rule` removes something from `example` (an HTML fragment for
/// selector rules, text otherwise).
pub fn fires(rule: &Rule, example: &str) -> bool {
    if let Matcher::Selector(css) = &rule.matcher {
        return html::fragment_matches(example, &css.selector);
    }
    let mut removals = Vec::new();
    clean_blocks(blocks_from_text(example), &ActiveRules::single(rule), &mut removals);
    !removals.is_empty()
}

/// One error per failing example, at the rule's `examples` key.
pub fn check(rules: &[Rule]) -> Vec<RuleError> {
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
