//! Rule-change review: the same document cleaned with two rule sets, and
//! what changed in the output, attributed to rules. The check to run before
//! committing a rule edit (`declutter diff --rules-before A --rules-after B`).

use std::collections::BTreeMap;

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::Cleaned;
use crate::document::{Removal, Scope};
use crate::rules::Category;

/// One kept block that changed between the two rule sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// Kept before, removed now by `rule`.
    NewlyRemoved { text: String, rule: String, category: Category },
    /// Removed before by `rule` (when one did), kept now.
    NewlyKept { text: String, was_removed_by: Option<String> },
    /// Kept in both, with other spans cut (`rules`: whose cuts differ).
    Edited { before: String, after: String, rules: Vec<String> },
}

/// What changed in one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentChange {
    pub document: String,
    pub changes: Vec<Change>,
}

/// The changes in `name`'s output from `before` to `after`, or `None` when
/// the output is the same.
pub fn compare(name: &str, before: &Cleaned, after: &Cleaned) -> Option<DocumentChange> {
    let old: Vec<&str> = before.blocks.iter().map(|b| b.text.as_str()).collect();
    let new: Vec<&str> = after.blocks.iter().map(|b| b.text.as_str()).collect();
    if old == new {
        return None;
    }
    let mut changes = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (tag, gone, came) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        let mut gone: Vec<&str> = old[gone].to_vec();
        let mut came: Vec<&str> = new[came].to_vec();
        // A block kept on both sides with other cuts: pair it up first.
        let mut i = 0;
        while i < gone.len() {
            let partner = came.iter().position(|c| same_block(gone[i], c, before, after));
            match partner {
                Some(j) => {
                    let (b, a) = (gone.remove(i), came.remove(j));
                    changes.push(Change::Edited {
                        before: b.to_owned(),
                        after: a.to_owned(),
                        rules: edit_rules(b, a, before, after),
                    });
                }
                None => i += 1,
            }
        }
        for text in gone {
            match remover(after, text) {
                Some(r) => changes.push(Change::NewlyRemoved {
                    text: text.to_owned(),
                    rule: r.rule.clone(),
                    category: r.category,
                }),
                None => changes.push(Change::NewlyRemoved {
                    text: text.to_owned(),
                    rule: "(unattributed)".into(),
                    category: Category::Other,
                }),
            }
        }
        for text in came {
            changes.push(Change::NewlyKept {
                text: text.to_owned(),
                was_removed_by: remover(before, text).map(|r| r.rule.clone()),
            });
        }
    }
    Some(DocumentChange { document: name.to_owned(), changes })
}

/// The removal (block or element) that took `text` away: one holding the
/// whole text, else the one covering most of it when several removals took
/// its pieces (a block built from inline elements that rules removed one by one).
fn remover<'a>(cleaned: &'a Cleaned, text: &str) -> Option<&'a Removal> {
    let whole: Vec<&Removal> = cleaned.removals.iter().filter(|r| r.scope != Scope::Span).collect();
    if let Some(r) = whole.iter().find(|r| r.text == text).or_else(|| whole.iter().find(|r| r.text.contains(text))) {
        return Some(r);
    }
    let target = squash(text);
    let pieces: Vec<(&Removal, usize)> = whole
        .iter()
        .map(|r| (*r, squash(&r.text)))
        .filter(|(_, t)| !t.is_empty() && target.contains(t.as_str()))
        .map(|(r, t)| (r, t.len()))
        .collect();
    let covered: usize = pieces.iter().map(|(_, n)| n).sum();
    if covered * 2 < target.len() {
        return None;
    }
    pieces.into_iter().max_by_key(|(_, n)| *n).map(|(r, _)| r)
}

/// Whether two kept texts are one block that lost or regained parts (spans
/// cut, inline elements removed by selector rules): one holds the other, or
/// is the other once the other side's removals are taken out (whitespace aside).
fn same_block(old: &str, new: &str, before: &Cleaned, after: &Cleaned) -> bool {
    let (o, n) = (squash(old), squash(new));
    if o.is_empty() || n.is_empty() {
        return false;
    }
    // Take out of `text` the removals it holds that `other` lacks.
    // Longest first, so a short removal ("3") does not break a longer one ("3,412").
    let without = |text: &str, other: &str, removals: &[Removal]| {
        let mut parts: Vec<String> = removals
            .iter()
            .map(|r| squash(&r.text))
            .filter(|t| !t.is_empty() && text.contains(t.as_str()) && !other.contains(t.as_str()))
            .collect();
        parts.sort_by_key(|t| std::cmp::Reverse(t.len()));
        parts.iter().fold(text.to_owned(), |acc, t| acc.replacen(t.as_str(), "", 1))
    };
    o.contains(&n) || n.contains(&o) || without(&o, &n, &after.removals) == n || without(&n, &o, &before.removals) == o
}

/// Rules whose removals hold text one side has and the other lacks.
fn edit_rules(old: &str, new: &str, before: &Cleaned, after: &Cleaned) -> Vec<String> {
    let (o, n) = (squash(old), squash(new));
    let differs = |r: &&Removal, had: &str, lacks: &str| {
        let t = squash(&r.text);
        !t.is_empty() && had.contains(&t) && !lacks.contains(&t)
    };
    let mut rules: Vec<String> = after
        .removals
        .iter()
        .filter(|r| differs(r, &o, &n))
        .chain(before.removals.iter().filter(|r| differs(r, &n, &o)))
        .map(|r| r.rule.clone())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Totals over a corpus, by rule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub documents: usize,
    pub changed: usize,
    pub failed: usize,
    /// Rule id → (blocks newly removed, blocks newly kept, blocks edited, documents touched).
    pub by_rule: BTreeMap<String, RuleTally>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleTally {
    pub newly_removed: usize,
    pub newly_kept: usize,
    pub edited: usize,
    pub documents: usize,
}

impl Tally {
    pub fn add(&mut self, change: Option<&DocumentChange>) {
        self.documents += 1;
        let Some(change) = change else { return };
        self.changed += 1;
        let mut touched: Vec<&str> = Vec::new();
        for c in &change.changes {
            let rules: Vec<&str> = match c {
                Change::NewlyRemoved { rule, .. } => vec![rule.as_str()],
                Change::NewlyKept { was_removed_by, .. } => {
                    vec![was_removed_by.as_deref().unwrap_or("(unattributed)")]
                }
                Change::Edited { rules, .. } if rules.is_empty() => vec!["(unattributed)"],
                Change::Edited { rules, .. } => rules.iter().map(String::as_str).collect(),
            };
            for rule in rules {
                let t = self.by_rule.entry(rule.to_owned()).or_default();
                match c {
                    Change::NewlyRemoved { .. } => t.newly_removed += 1,
                    Change::NewlyKept { .. } => t.newly_kept += 1,
                    Change::Edited { .. } => t.edited += 1,
                }
                if !touched.contains(&rule) {
                    touched.push(rule);
                    t.documents += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleSet, RuleSource};
    use crate::{Cleaner, Hints};

    fn cleaner(rules: &str) -> Cleaner {
        let set = RuleSet::from_sources(vec![RuleSource::new("default.toml", rules)]).unwrap();
        Cleaner::builder().rules(set).text_model(false).build().unwrap()
    }

    const DOC: &str = "Lead paragraph.\n\nBuy now\n\nMiddle paragraph (Ad) here.\n\nSubscribe today\n\nEnd.";

    #[test]
    fn attributes_newly_removed_kept_and_edited_blocks() {
        let before = cleaner(
            "[[rule]]\nid = \"buy\"\ncategory = \"ad\"\nblock = { equals = \"buy now\" }\n\n\
             [[rule]]\nid = \"subscribe\"\ncategory = \"newsletter\"\nblock = { equals = \"subscribe today\" }\n",
        );
        let after = cleaner(
            "[[rule]]\nid = \"buy\"\ncategory = \"ad\"\nblock = { equals = \"buy now\" }\n\n\
             [[rule]]\nid = \"ad-mark\"\ncategory = \"ad\"\ninline = { regex = '\\(Ad\\)' }\n\n\
             [[rule]]\nid = \"end\"\ncategory = \"other\"\nblock = { equals = \"end.\" }\n",
        );
        let b = before.clean(DOC.as_bytes(), &Hints::default()).unwrap();
        let a = after.clean(DOC.as_bytes(), &Hints::default()).unwrap();
        let change = compare("doc", &b, &a).expect("output changed");
        assert!(
            change.changes.contains(&Change::NewlyKept {
                text: "Subscribe today".into(),
                was_removed_by: Some("subscribe".into())
            })
        );
        assert!(change.changes.contains(&Change::NewlyRemoved {
            text: "End.".into(),
            rule: "end".into(),
            category: Category::Other
        }));
        assert!(change.changes.iter().any(|c| matches!(c, Change::Edited { rules, .. } if rules == &["ad-mark"])));
        let mut tally = Tally::default();
        tally.add(Some(&change));
        tally.add(compare("same", &b, &b).as_ref());
        assert_eq!((tally.documents, tally.changed), (2, 1));
        assert_eq!(tally.by_rule["end"].newly_removed, 1);
        assert_eq!(tally.by_rule["subscribe"].newly_kept, 1);
    }
}
