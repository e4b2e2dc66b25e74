//! Which inline rules can match a block, found in one pass over its text.
//! Inline rules run on every kept block, so with thousands of them (rule
//! sets imported from elsewhere) trying each rule's regex on each block is
//! the cost. Each rule's pattern gives the literal text every match starts
//! with; one Aho-Corasick automaton over all of them names the rules whose
//! prefix occurs in the block, and only those (and rules without a literal
//! prefix) run their regex.

use aho_corasick::{AhoCorasick, dfa};
use std::borrow::Cow;
use std::collections::HashMap;

/// The literal automaton of one profile's inline rules.
#[derive(Debug)]
pub struct InlineIndex {
    automaton: Option<Scanner>,
    /// Automaton pattern → the rules (positions in the profile's inline
    /// list) that need it. Imported rule sets repeat literals a lot.
    owners: Vec<Vec<usize>>,
    /// Positions of rules with no required literal: tried on every block.
    always: Vec<usize>,
}

impl InlineIndex {
    /// `literals[i]` is rule *i*'s required literals: alternatives, every
    /// match holding all the runs of one of them (lower-case ASCII text and
    /// characters without other cases); `None` for a rule to try on every block.
    pub fn build<'a>(literals: impl IntoIterator<Item = Option<&'a [Vec<String>]>>) -> InlineIndex {
        let rules: Vec<Option<&[Vec<String>]>> = literals.into_iter().collect();
        // One run per branch is enough; the run fewest rules offer makes the
        // best filter ("acme0)" rather than "(sponsored" in 40,000 rules that
        // all say "(Sponsored N by acmeN)"), the longer one on a tie. A rule
        // counts once per run, however many of its branches repeat it (a
        // sentence around `(?:article|study|paper)` offers the sentence in
        // each, and the short words would win).
        let mut offered: HashMap<&str, usize> = HashMap::new();
        for branches in rules.iter().flatten() {
            let mut runs: Vec<&str> = branches.iter().flatten().map(String::as_str).collect();
            runs.sort_unstable();
            runs.dedup();
            for run in runs {
                *offered.entry(run).or_default() += 1;
            }
        }
        let mut patterns: Vec<&str> = Vec::new();
        let mut slot: HashMap<&str, usize> = HashMap::new();
        let (mut owners, mut always): (Vec<Vec<usize>>, Vec<usize>) = (Vec::new(), Vec::new());
        for (position, branches) in rules.iter().enumerate() {
            let Some(branches) = branches else {
                always.push(position);
                continue;
            };
            for runs in branches.iter() {
                let Some(best) = runs.iter().min_by_key(|r| (offered[r.as_str()], std::cmp::Reverse(r.len()))) else {
                    continue;
                };
                let i = *slot.entry(best.as_str()).or_insert_with(|| {
                    patterns.push(best.as_str());
                    owners.push(Vec::new());
                    patterns.len() - 1
                });
                if owners[i].last() != Some(&position) {
                    owners[i].push(position);
                }
            }
        }
        // The literals are ASCII or characters without other cases, so ASCII
        // case-insensitivity is the rules' own case-insensitivity (but for the
        // two non-ASCII letters that fold to ASCII ones, handled in `candidates`).
        let dfa = (patterns.len() <= DFA_LITERALS)
            .then(|| dfa::Builder::new().ascii_case_insensitive(true).prefilter(false).build(&patterns).ok())
            .flatten();
        let automaton = if patterns.is_empty() {
            None
        } else if let Some(dfa) = dfa {
            Some(Scanner::Dfa(Box::new(dfa)))
        } else {
            match AhoCorasick::builder().ascii_case_insensitive(true).build(&patterns) {
                Ok(a) => Some(Scanner::Other(a)),
                Err(_) => {
                    // Too large for the automaton: every rule is tried on every block.
                    always.extend(owners.drain(..).flatten());
                    always.sort_unstable();
                    always.dedup();
                    None
                }
            }
        };
        InlineIndex { automaton, owners, always }
    }

    /// Positions of the rules that may match `text`, ascending.
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        let mut out = self.always.clone();
        if let Some(automaton) = &self.automaton {
            let folded = fold_to_ascii(text);
            let mut found = |p: aho_corasick::PatternID| out.extend_from_slice(&self.owners[p.as_usize()]);
            match automaton {
                Scanner::Dfa(dfa) => super::block_index::overlapping(dfa.as_ref(), folded.as_bytes(), found),
                Scanner::Other(a) => a.find_overlapping_iter(folded.as_ref()).for_each(|m| found(m.pattern())),
            }
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// Literals in the automaton and rules tried on every block.
    pub fn sizes(&self) -> (usize, usize) {
        (self.owners.len(), self.always.len())
    }
}

/// The literal automaton: a DFA walked by [`overlapping`](super::block_index::overlapping)
/// when the literals are few enough for one (as the crate chooses), else
/// the crate's choice and its overlapping search.
#[derive(Debug)]
enum Scanner {
    Dfa(Box<dfa::DFA>),
    Other(AhoCorasick),
}

/// As many literals as the aho-corasick crate itself builds a DFA for.
const DFA_LITERALS: usize = 100;

/// KELVIN SIGN and LONG S match `k` and `s` in a case-insensitive regex;
/// the ASCII automaton sees them as those letters.
fn fold_to_ascii(text: &str) -> Cow<'_, str> {
    // Searched as bytes, with searchers built once: a `char` pattern decodes
    // every character of every block.
    static FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        std::sync::LazyLock::new(|| ["\u{212A}", "\u{17F}"].map(|c| memchr::memmem::Finder::new(c.as_bytes())));
    if !text.is_ascii() && FINDERS.iter().any(|f| f.find(text.as_bytes()).is_some()) {
        Cow::Owned(text.replace('\u{212A}', "k").replace('\u{17F}', "s"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(rules: &[Option<&[&[&str]]>]) -> InlineIndex {
        let owned: Vec<Option<Vec<Vec<String>>>> = rules
            .iter()
            .map(|r| {
                r.map(|branches| branches.iter().map(|runs| runs.iter().map(|s| s.to_string()).collect()).collect())
            })
            .collect();
        InlineIndex::build(owned.iter().map(|o| o.as_deref()))
    }

    #[test]
    fn names_rules_whose_literal_occurs_in_any_case() {
        let ix =
            index(&[Some(&[&["(advertisement)"]]), None, Some(&[&["promo code"], &["coupon"]]), Some(&[&["ask"]])]);
        assert_eq!(ix.candidates("plain text"), [1]);
        assert_eq!(ix.candidates("The (ADVERTISEMENT) and a Coupon"), [0, 1, 2]);
        assert_eq!(ix.candidates("a\u{212A}\u{17F}"), [1], "ak-s is not 'ask'");
        assert_eq!(ix.candidates("a\u{17F}\u{212A}"), [1, 3], "LONG S and KELVIN SIGN fold");
    }

    #[test]
    fn picks_the_rarest_run_and_shares_literals() {
        let a: &[&[&str]] = &[&["(sponsored", "acme1)"]];
        let b: &[&[&str]] = &[&["(sponsored", "acme2)"]];
        let c: &[&[&str]] = &[&["acme2)"]];
        let ix = index(&[Some(a), Some(b), Some(c)]);
        // a: acme1) (offered once); b: a tie at two offers, the longer run; c: its only run.
        assert_eq!(ix.sizes(), (3, 0));
        assert_eq!(ix.candidates("(Sponsored by ACME1)"), [0, 1]);
        assert_eq!(ix.candidates("by acme2)"), [2]);
        assert!(ix.candidates("by nobody").is_empty());
        let d: &[&[&str]] = &[&["(sponsored", "acme4)"]];
        let many: Vec<Option<&[&[&str]]>> = vec![Some(a), Some(d), Some(d)];
        assert_eq!(index(&many).candidates("(sponsored by acme1)"), [0], "acme4) is rarer than (sponsored for d");
    }

    /// The index may only leave out rules that cannot match: over every rule
    /// example and fixture text of the shipped rules, and the same with the
    /// case changed and curly quotes, each inline rule whose regex matches a
    /// block is among its candidates.
    #[test]
    fn never_leaves_out_a_rule_that_matches() {
        use crate::rules::{Matcher, RuleSet};
        let set = RuleSet::embedded().unwrap();
        let mut blocks = crate::rules::example_and_fixture_blocks(&set);
        let variants: Vec<String> = blocks
            .iter()
            .flat_map(|b| [b.to_uppercase(), b.to_lowercase(), b.replace('\'', "’").replace('k', "\u{212A}")])
            .collect();
        blocks.extend(variants);
        for publisher in std::iter::once(None).chain((0..set.publishers().len()).map(Some)) {
            let profile = set.profile(publisher);
            let mut fired = 0;
            for block in &blocks {
                let out = profile.inline_index.candidates(block);
                for (position, &i) in profile.inlines.iter().enumerate() {
                    let Matcher::Inline(m) = &set.rule(i).matcher else { continue };
                    if m.regex.is_match(block) {
                        fired += 1;
                        assert!(out.contains(&position), "{} matches {block:?} but is no candidate", set.rule(i).id);
                    }
                }
            }
            assert!(fired > 100, "{fired}");
        }
    }
}
