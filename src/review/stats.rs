//! `declutter rules stats`: what each rule did over a corpus. Hits per rule
//! and per publisher, the rules that never fired (dead or mistyped patterns),
//! and the rules that removed a long block (a sign of a too-broad pattern).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::explain::kind;
use crate::Cleaned;
use crate::rules::{Category, RuleSet};

/// A removal at least this long (characters) is reported as long.
pub const LONG_CHARS: usize = 1000;

/// Totals over a corpus.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub documents: usize,
    pub failed: usize,
    pub removals: usize,
    pub rules: BTreeMap<String, RuleStats>,
    /// Publisher name (`default` for none) → its totals.
    pub publishers: BTreeMap<String, PublisherStats>,
    /// Rules of the set that removed nothing (with their `file:line:column`).
    pub never_fired: Vec<(String, String)>,
    /// Removals this long or longer are counted in [`RuleStats::long`].
    pub long_chars: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleStats {
    pub category: Option<Category>,
    /// The filter as its list writes it, for a filter list's line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    pub hits: usize,
    pub documents: usize,
    pub chars: usize,
    /// Removals of at least `long_chars` characters.
    pub long: usize,
    /// The longest removal: its length, document and opening words.
    pub longest: Option<Longest>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Longest {
    pub chars: usize,
    pub document: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PublisherStats {
    pub documents: usize,
    pub removals: usize,
    pub rules: BTreeMap<String, usize>,
}

impl Stats {
    pub fn new(long_chars: usize) -> Self {
        Stats { long_chars, ..Stats::default() }
    }

    pub fn add(&mut self, name: &str, cleaned: &Cleaned) {
        self.documents += 1;
        self.removals += cleaned.removals.len();
        let publisher =
            self.publishers.entry(cleaned.publisher.clone().unwrap_or_else(|| "default".into())).or_default();
        publisher.documents += 1;
        publisher.removals += cleaned.removals.len();
        let mut seen: Vec<&str> = Vec::new();
        for r in &cleaned.removals {
            *publisher.rules.entry(r.rule.clone()).or_default() += 1;
            let s = self.rules.entry(r.rule.clone()).or_default();
            s.category = Some(r.category);
            if s.filter.is_none() {
                s.filter.clone_from(&r.filter);
            }
            s.hits += 1;
            let chars = r.text.chars().count();
            s.chars += chars;
            if chars >= self.long_chars {
                s.long += 1;
            }
            if s.longest.as_ref().is_none_or(|l| chars > l.chars) {
                let text: String = r.text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(80).collect();
                s.longest = Some(Longest { chars, document: name.to_owned(), text });
            }
            if !seen.contains(&r.rule.as_str()) {
                seen.push(&r.rule);
                s.documents += 1;
            }
        }
    }

    /// Fills [`Stats::never_fired`] from the rule set; call once at the end.
    pub fn finish(&mut self, set: &RuleSet) {
        self.never_fired = set
            .rules()
            .iter()
            .filter(|r| !self.rules.contains_key(&r.id))
            .map(|r| (r.id.clone(), format!("{} ({})", r.location, kind(r))))
            .collect();
    }

    /// The report as text: rules by hits, long removals, never fired, publishers.
    /// The report for a person: control characters in page text are shown, not obeyed.
    pub fn to_text(&self) -> String {
        crate::write::terminal::printable(&self.raw_text()).into_owned()
    }

    fn raw_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} documents ({} failed), {} removals by {} rules",
            self.documents,
            self.failed,
            self.removals,
            self.rules.len()
        );
        let mut rows: Vec<(&String, &RuleStats)> = self.rules.iter().collect();
        rows.sort_by(|a, b| b.1.hits.cmp(&a.1.hits).then(a.0.cmp(b.0)));
        let _ = writeln!(
            o,
            "\n{:<34} {:<10} {:>7} {:>9} {:>10} {:>6}",
            "rule", "category", "hits", "documents", "chars", "long"
        );
        for (id, s) in &rows {
            let category = s.category.map(|c| c.to_string()).unwrap_or_default();
            let _ =
                writeln!(o, "{id:<34} {category:<10} {:>7} {:>9} {:>10} {:>6}", s.hits, s.documents, s.chars, s.long);
        }
        let long: Vec<_> = rows.iter().filter(|(id, s)| s.long > 0 && !id.starts_with("builtin:")).collect();
        if !long.is_empty() {
            let _ = writeln!(
                o,
                "\nRules that removed a block of {}+ characters (check the pattern is not too broad):",
                self.long_chars
            );
            for (id, s) in long {
                if let Some(l) = &s.longest {
                    let _ = writeln!(
                        o,
                        "  {id}: {} long, longest {} chars in {}: \"{}…\"",
                        s.long, l.chars, l.document, l.text
                    );
                }
            }
        }
        let _ = writeln!(o, "\nNever fired ({} rules):", self.never_fired.len());
        for (id, at) in &self.never_fired {
            let _ = writeln!(o, "  {id:<34} {at}");
        }
        let _ = writeln!(o, "\nBy publisher:");
        for (name, p) in &self.publishers {
            let mut top: Vec<(&String, &usize)> = p.rules.iter().collect();
            top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let top: Vec<String> = top.iter().take(5).map(|(r, n)| format!("{r} {n}")).collect();
            let _ =
                writeln!(o, "  {name}: {} documents, {} removals; top: {}", p.documents, p.removals, top.join(", "));
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cleaner, Hints};

    #[test]
    fn counts_hits_long_blocks_and_silent_rules() {
        let cleaner = Cleaner::new().unwrap();
        let mut stats = Stats::new(20);
        for (name, text) in
            [("a", "Story.\n\nShare this article"), ("b", "Other.\n\nShare this article\n\nAdvertisement")]
        {
            stats.add(name, &cleaner.clean(text.as_bytes(), &Hints::default()).unwrap());
        }
        stats.finish(cleaner.rules());
        assert_eq!(stats.documents, 2);
        assert_eq!(stats.rules["share-this"].hits, 2);
        assert_eq!(stats.rules["share-this"].documents, 2);
        assert_eq!(stats.publishers["default"].documents, 2);
        assert!(stats.never_fired.iter().any(|(id, _)| id == "generic-shortcode"));
        assert!(!stats.never_fired.iter().any(|(id, _)| id == "share-this"));
        assert!(stats.to_text().contains("Never fired"));
    }
}
