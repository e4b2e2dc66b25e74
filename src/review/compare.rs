//! Rule-change review: the same document cleaned with two rule sets, and
//! what changed in the output, attributed to rules. The check to run before
//! committing a rule edit (`declutter diff --rules-before A --rules-after B`).

use std::collections::BTreeMap;

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::Cleaned;
use crate::clean::{Removal, Scope};
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
                        rules: span_rules(b, a, before, after),
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

/// The removal (block or element) that took `text` away, if any.
fn remover<'a>(cleaned: &'a Cleaned, text: &str) -> Option<&'a Removal> {
    let whole = |r: &&Removal| r.scope != Scope::Span;
    cleaned
        .removals
        .iter()
        .filter(whole)
        .find(|r| r.text == text)
        .or_else(|| cleaned.removals.iter().filter(whole).find(|r| r.text.contains(text)))
}

/// Whether two kept texts are one block with different spans cut: one of
/// them, with the other's cut spans put back, covers the other.
fn same_block(old: &str, new: &str, before: &Cleaned, after: &Cleaned) -> bool {
    let stripped = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let spans_of =
        |c: &Cleaned| c.removals.iter().filter(|r| r.scope == Scope::Span).map(|r| r.text.clone()).collect::<Vec<_>>();
    let remove_all =
        |t: &str, spans: &[String]| spans.iter().fold(t.to_owned(), |acc, s| acc.replacen(s.as_str(), "", 1));
    let (o, n) = (stripped(old), stripped(new));
    stripped(&remove_all(&o, &spans_of(after))) == stripped(&remove_all(&n, &spans_of(before)))
        || stripped(&remove_all(&o, &spans_of(before))) == stripped(&remove_all(&n, &spans_of(after)))
}

/// Rules whose span cuts appear in one text's neighbourhood but not the other's.
fn span_rules(old: &str, new: &str, before: &Cleaned, after: &Cleaned) -> Vec<String> {
    let mut rules: Vec<String> = after
        .removals
        .iter()
        .filter(|r| r.scope == Scope::Span && old.contains(r.text.as_str()) && !new.contains(r.text.as_str()))
        .chain(
            before
                .removals
                .iter()
                .filter(|r| r.scope == Scope::Span && new.contains(r.text.as_str()) && !old.contains(r.text.as_str())),
        )
        .map(|r| r.rule.clone())
        .collect();
    rules.sort();
    rules.dedup();
    rules
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
        Cleaner::builder().rules(set).build().unwrap()
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
