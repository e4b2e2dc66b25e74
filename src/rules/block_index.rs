//! Which block rules can match a block, found in one pass over its key.
//!
//! Block rules are tried in order on every block short enough for them, and
//! most are regexes: with the text rule library (a hundred block rules), a
//! regex search per rule per block was most of the time spent cleaning
//! scraped text. Each rule's condition names literals one of which every
//! key it matches holds ([`Gate`], from its literal lists or from its
//! regex's prefix and suffix literals); one Aho-Corasick automaton over all
//! of them names the rules a key can satisfy, and only those (and the rules
//! without a gate) run their condition. The first rule that matches still
//! wins, so the result is the one trying every rule in order gives.

use std::collections::HashMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, PatternID};

use super::condition::Gate;

/// Literals that may stand anywhere in the key are cut to this many bytes:
/// any part of a literal the key must contain is one it must contain too,
/// and the cut ones collapse (`"views expressed in"`, `"views expressed
/// by"`, …), which keeps the automaton small enough to be a DFA.
const UNANCHORED_BYTES: usize = 8;

/// The literal automata of one profile's block rules.
#[derive(Debug)]
pub struct BlockIndex {
    /// Literals that must start the key, walked from its start only.
    anchored: Option<Literals<contiguous::NFA>>,
    /// Literals that may stand anywhere in it.
    anywhere: Option<Literals<AhoCorasick>>,
    /// Positions of rules without a gate: tried on every block.
    always: Vec<usize>,
    /// How many rules there are.
    rules: usize,
}

/// One automaton and, for each of its patterns, the rules (positions in the
/// profile's block list) that need it. Rules share literals (`"by "`).
#[derive(Debug)]
struct Literals<A> {
    automaton: A,
    owners: Vec<Vec<usize>>,
}

impl Literals<contiguous::NFA> {
    /// Every pattern that is a prefix of `key`, walking the automaton from
    /// its anchored start until no pattern can go on. (The aho-corasick
    /// crate has no anchored overlapping search; this is that search.)
    fn prefixes_of(&self, key: &[u8], mut found: impl FnMut(PatternID)) {
        let nfa = &self.automaton;
        let Ok(mut sid) = nfa.start_state(Anchored::Yes) else {
            // Not for an NFA, which has both start states; if it were,
            // every pattern would do.
            (0..nfa.patterns_len()).filter_map(|p| PatternID::new(p).ok()).for_each(found);
            return;
        };
        for (at, &byte) in key.iter().enumerate() {
            sid = nfa.next_state(Anchored::Yes, sid, byte);
            if !nfa.is_special(sid) {
                continue;
            }
            if nfa.is_dead(sid) {
                return;
            }
            // A state's matches include patterns ending here that started
            // later (the standard semantics' suffix matches): only those as
            // long as the walk start at the key's start.
            for i in 0..nfa.match_len(sid) {
                let pattern = nfa.match_pattern(sid, i);
                if nfa.pattern_len(pattern) == at + 1 {
                    found(pattern);
                }
            }
        }
    }
}

/// Builds [`Literals`] pattern by pattern, sharing repeated ones.
#[derive(Default)]
struct LiteralsBuilder<'a> {
    patterns: Vec<&'a [u8]>,
    slot: HashMap<&'a [u8], usize>,
    owners: Vec<Vec<usize>>,
}

impl<'a> LiteralsBuilder<'a> {
    fn add(&mut self, literal: &'a [u8], position: usize) {
        let i = *self.slot.entry(literal).or_insert_with(|| {
            self.patterns.push(literal);
            self.owners.push(Vec::new());
            self.patterns.len() - 1
        });
        if self.owners[i].last() != Some(&position) {
            self.owners[i].push(position);
        }
    }

    /// The automaton `make` builds, or `Err(rules)` (the rules it would
    /// have gated) when it cannot be built, so they are tried on every block.
    fn build<A, E>(self, make: impl FnOnce(&[&[u8]]) -> Result<A, E>) -> Result<Option<Literals<A>>, Vec<usize>> {
        if self.patterns.is_empty() {
            return Ok(None);
        }
        match make(&self.patterns) {
            Ok(automaton) => Ok(Some(Literals { automaton, owners: self.owners })),
            Err(_) => Err(self.owners.into_iter().flatten().collect()),
        }
    }
}

impl BlockIndex {
    /// `gates[i]` is rule *i*'s gate; `None` for a rule to try on every block.
    pub fn build<'a>(gates: impl IntoIterator<Item = Option<&'a [Gate]>>) -> BlockIndex {
        let (mut anchored, mut anywhere) = (LiteralsBuilder::default(), LiteralsBuilder::default());
        let mut always = Vec::new();
        let mut rules = 0;
        for (position, gate) in gates.into_iter().enumerate() {
            rules = position + 1;
            let Some(gate) = gate else {
                always.push(position);
                continue;
            };
            for g in gate {
                if g.at_start {
                    anchored.add(&g.literal, position);
                } else {
                    anywhere.add(&g.literal[..g.literal.len().min(UNANCHORED_BYTES)], position);
                }
            }
        }
        // Walked from the key's start only, as far as a literal goes: a
        // compact NFA is enough.
        let anchored = anchored.build(|p| contiguous::NFA::new(p)).unwrap_or_else(|rules| {
            always.extend(rules);
            None
        });
        // Walked over every byte of every key: a DFA is the fastest walk,
        // and short literals keep it small.
        let anywhere = anywhere
            .build(|p| AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).build(p))
            .unwrap_or_else(|rules| {
                always.extend(rules);
                None
            });
        always.sort_unstable();
        always.dedup();
        BlockIndex { anchored, anywhere, always, rules }
    }

    /// Positions of the rules whose condition `key` may satisfy, ascending,
    /// into `out` (cleared first).
    pub fn candidates(&self, key: &str, out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.always);
        if let Some(l) = &self.anchored {
            l.prefixes_of(key.as_bytes(), |p| out.extend_from_slice(&l.owners[p.as_usize()]));
        }
        if let Some(l) = &self.anywhere {
            match l.automaton.try_find_overlapping_iter(key) {
                Ok(matches) => matches.for_each(|m| out.extend_from_slice(&l.owners[m.pattern().as_usize()])),
                // Not for a standard-semantics automaton; if it were, every rule would do.
                Err(_) => l.owners.iter().for_each(|o| out.extend_from_slice(o)),
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Literals in the automata, rules tried on every block, and all rules.
    pub fn sizes(&self) -> (usize, usize, usize) {
        let literals =
            self.anchored.as_ref().map_or(0, |l| l.owners.len()) + self.anywhere.as_ref().map_or(0, |l| l.owners.len());
        (literals, self.always.len(), self.rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(lits: &[(&str, bool)]) -> Vec<Gate> {
        lits.iter().map(|(l, s)| Gate { literal: l.as_bytes().to_vec(), at_start: *s }).collect()
    }

    #[test]
    fn names_rules_whose_literal_occurs_where_it_must() {
        let a = gate(&[("read more", true), ("see also", true)]);
        let b = gate(&[(" via ", false)]);
        let c = gate(&[("read more", false)]);
        let ix = BlockIndex::build([Some(a.as_slice()), None, Some(b.as_slice()), Some(c.as_slice())]);
        assert_eq!(ix.sizes(), (4, 1, 4));
        let mut out = Vec::new();
        ix.candidates("read more: x", &mut out);
        assert_eq!(out, [0, 1, 3]);
        ix.candidates("you can read more here", &mut out);
        assert_eq!(out, [1, 3], "rule 0's literal must start the key");
        ix.candidates("written by x via y", &mut out);
        assert_eq!(out, [1, 2]);
        ix.candidates("nothing", &mut out);
        assert_eq!(out, [1]);
    }

    /// The index may only leave out rules that cannot match: over every
    /// rule example and fixture text of the shipped rules, each block rule
    /// whose condition holds for a block's key is among its candidates.
    #[test]
    fn never_leaves_out_a_rule_that_matches() {
        use crate::rules::{Keyed, Matcher, RuleSet};
        let set = RuleSet::embedded().unwrap();
        let mut texts: Vec<String> =
            set.rules().iter().flat_map(|r| r.examples.remove.iter().chain(&r.examples.keep)).cloned().collect();
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "txt") {
                    texts.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        let blocks: Vec<String> = texts.iter().flat_map(|t| t.split("\n\n").map(str::to_owned)).collect();
        for publisher in std::iter::once(None).chain((0..set.publishers().len()).map(Some)) {
            let profile = set.profile(publisher);
            let mut out = Vec::new();
            let mut fired = 0;
            for block in &blocks {
                let keyed = Keyed::new(block);
                profile.block_index.candidates(&keyed.key, &mut out);
                for (position, &i) in profile.blocks.iter().enumerate() {
                    let Matcher::Block(c) = &set.rule(i).matcher else { continue };
                    if c.matches(&keyed) {
                        fired += 1;
                        assert!(out.contains(&position), "{} matches {block:?} but is no candidate", set.rule(i).id);
                    }
                }
            }
            assert!(fired > 300, "{fired}");
        }
    }
}
