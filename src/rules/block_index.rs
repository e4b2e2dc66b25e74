//! Which block rules can match a block, found in one pass over its key.
//!
//! Block rules are tried in order on every block short enough for them, and
//! most are regexes: with the text rule library (a hundred block rules), a
//! regex search per rule per block was most of the time spent cleaning
//! scraped text. Each rule's condition names literals one of which every
//! key it matches holds ([`Gate`], from its literal lists or from its
//! regex's prefix and suffix literals); one Aho-Corasick automaton over all
//! of them names the rules a key can satisfy, and only those run their
//! condition. The regexes of the rules without a gate (a leading `\s*` or
//! `\d+` has no literal) run together as one `RegexSet`, one pass over the
//! key instead of one search each. The first rule that matches still wins,
//! so the result is the one trying every rule in order gives.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::{RegexSet, RegexSetBuilder};

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, PatternID, dfa};

use super::condition::{Condition, Gate, Keyed, Place, REGEX_SIZE_LIMIT};

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
    /// Literals that must end the key, reversed, walked from its end.
    ending: Option<Literals<contiguous::NFA>>,
    /// Literals that may stand anywhere in it.
    anywhere: Option<Literals<dfa::DFA>>,
    /// The regexes of rules without a gate, run as one set.
    ungated: Option<Ungated>,
    /// Positions of rules without a gate whose regex stays out of the set:
    /// tried on every block.
    always: Vec<usize>,
    /// How many rules there are.
    rules: usize,
}

/// What one rule brings to the index.
pub enum Entry<'a> {
    Gate(&'a [Gate]),
    /// An ungated regex that can join the set, with the rule's length bounds.
    Regex(&'a str, std::ops::RangeInclusive<usize>),
    Always,
}

impl<'a> Entry<'a> {
    pub fn of(condition: &'a Condition) -> Entry<'a> {
        match (condition.gate(), condition.ungated_regex()) {
            (Some(gate), _) => Entry::Gate(gate),
            (None, Some(regex)) => Entry::Regex(regex, condition.min_chars()..=condition.max_chars()),
            (None, None) => Entry::Always,
        }
    }
}

/// The ungated rules' regexes as one `RegexSet`, compiled when a block first
/// needs it (as each rule's own regex is).
#[derive(Debug)]
struct Ungated {
    patterns: Vec<String>,
    /// Set pattern → rule position.
    owners: Vec<usize>,
    /// The lengths (in key characters) any of these rules accepts.
    chars: std::ops::RangeInclusive<usize>,
    set: OnceLock<Option<RegexSet>>,
}

impl Ungated {
    /// Pushes the rules whose regex matches `key`; all of them if the set
    /// cannot be built (past its size limit), so nothing is left out.
    fn candidates(&self, key: &Keyed, out: &mut Vec<usize>) {
        if !self.chars.contains(&key.chars) {
            return;
        }
        let set = self.set.get_or_init(|| {
            RegexSetBuilder::new(&self.patterns).size_limit(SET_SIZE_LIMIT).dfa_size_limit(SET_SIZE_LIMIT).build().ok()
        });
        match set {
            Some(set) => out.extend(set.matches(&key.key).iter().map(|i| self.owners[i])),
            None => out.extend_from_slice(&self.owners),
        }
    }
}

/// The set's compiled-size cap: each of its regexes is under
/// [`REGEX_SIZE_LIMIT`] already; together they may take more.
const SET_SIZE_LIMIT: usize = 16 * REGEX_SIZE_LIMIT;

/// One automaton and, for each of its patterns, the rules (positions in the
/// profile's block list) that need it. Rules share literals (`"by "`).
#[derive(Debug)]
struct Literals<A> {
    automaton: A,
    owners: Vec<Vec<usize>>,
}

impl Literals<contiguous::NFA> {
    /// Every pattern that is a prefix of `key` (given its bytes in order,
    /// or reversed for the reversed literals that end it), walking the
    /// automaton from its anchored start until no pattern can go on. (The
    /// aho-corasick crate has no anchored overlapping search; this is that
    /// search.)
    fn prefixes_of(&self, key: impl Iterator<Item = u8>, mut found: impl FnMut(PatternID)) {
        let nfa = &self.automaton;
        let Ok(mut sid) = nfa.start_state(Anchored::Yes) else {
            // Not for an NFA, which has both start states; if it were,
            // every pattern would do.
            (0..nfa.patterns_len()).filter_map(|p| PatternID::new(p).ok()).for_each(found);
            return;
        };
        for (at, byte) in key.enumerate() {
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

/// Every pattern of `automaton` that occurs in `haystack`, at each place it
/// ends (what an overlapping search reports), found by walking the
/// automaton byte by byte with its state in a register. The crate's
/// overlapping iterator keeps its state in memory between calls and took
/// about twice the instructions per byte on block text.
pub(crate) fn overlapping<A: Automaton>(automaton: &A, haystack: &[u8], mut found: impl FnMut(PatternID)) {
    let Ok(mut sid) = automaton.start_state(Anchored::No) else {
        // Not for an automaton built for unanchored searches; if it were,
        // every pattern would do.
        (0..automaton.patterns_len()).filter_map(|p| PatternID::new(p).ok()).for_each(found);
        return;
    };
    let mut report = |sid| {
        if automaton.is_match(sid) {
            for i in 0..automaton.match_len(sid) {
                found(automaton.match_pattern(sid, i));
            }
        }
    };
    report(sid);
    for &byte in haystack {
        sid = automaton.next_state(Anchored::No, sid, byte);
        if automaton.is_special(sid) {
            if automaton.is_dead(sid) {
                return;
            }
            report(sid);
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
    /// `entries[i]` is what rule *i* brings (`Entry::of` its condition).
    pub fn build<'a>(entries: impl IntoIterator<Item = Entry<'a>>) -> BlockIndex {
        let (mut anchored, mut anywhere) = (LiteralsBuilder::default(), LiteralsBuilder::default());
        let mut reversed: Vec<Vec<u8>> = Vec::new();
        let mut ending_owners: Vec<usize> = Vec::new();
        let mut always = Vec::new();
        let mut ungated: Option<Ungated> = None;
        let mut rules = 0;
        for (position, entry) in entries.into_iter().enumerate() {
            rules = position + 1;
            let gate = match entry {
                Entry::Gate(gate) => gate,
                Entry::Always => {
                    always.push(position);
                    continue;
                }
                Entry::Regex(pattern, chars) => {
                    let u = ungated.get_or_insert_with(|| Ungated {
                        patterns: Vec::new(),
                        owners: Vec::new(),
                        chars: chars.clone(),
                        set: OnceLock::new(),
                    });
                    u.patterns.push(pattern.to_owned());
                    u.owners.push(position);
                    u.chars = (*u.chars.start()).min(*chars.start())..=(*u.chars.end()).max(*chars.end());
                    continue;
                }
            };
            for g in gate {
                match g.place {
                    Place::Start => anchored.add(&g.literal, position),
                    Place::End => {
                        reversed.push(g.literal.iter().rev().copied().collect());
                        ending_owners.push(position);
                    }
                    Place::Anywhere => anywhere.add(&g.literal[..g.literal.len().min(UNANCHORED_BYTES)], position),
                }
            }
        }
        let mut ending = LiteralsBuilder::default();
        for (literal, &position) in reversed.iter().zip(&ending_owners) {
            ending.add(literal, position);
        }
        // Walked from the key's start only, as far as a literal goes: a
        // compact NFA is enough.
        let anchored = anchored.build(|p| contiguous::NFA::new(p)).unwrap_or_else(|rules| {
            always.extend(rules);
            None
        });
        let ending = ending.build(|p| contiguous::NFA::new(p)).unwrap_or_else(|rules| {
            always.extend(rules);
            None
        });
        // Walked over every byte of every key: a DFA is the fastest walk,
        // and short literals keep it small.
        let anywhere = anywhere.build(|p| dfa::Builder::new().prefilter(false).build(p)).unwrap_or_else(|rules| {
            always.extend(rules);
            None
        });
        always.sort_unstable();
        always.dedup();
        BlockIndex { anchored, ending, anywhere, ungated, always, rules }
    }

    /// Positions of the rules whose condition `key` may satisfy, ascending,
    /// into `out` (cleared first).
    pub fn candidates(&self, keyed: &Keyed, out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.always);
        if let Some(u) = &self.ungated {
            u.candidates(keyed, out);
        }
        let key = keyed.key.as_str();
        if let Some(l) = &self.anchored {
            l.prefixes_of(key.bytes(), |p| out.extend_from_slice(&l.owners[p.as_usize()]));
        }
        if let Some(l) = &self.ending {
            l.prefixes_of(key.bytes().rev(), |p| out.extend_from_slice(&l.owners[p.as_usize()]));
        }
        if let Some(l) = &self.anywhere {
            overlapping(&l.automaton, key.as_bytes(), |p| out.extend_from_slice(&l.owners[p.as_usize()]));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Literals in the automata, regexes in the set, rules tried on every
    /// block, and all rules.
    pub fn sizes(&self) -> (usize, usize, usize, usize) {
        let literals = [&self.anchored, &self.ending].into_iter().flatten().map(|l| l.owners.len()).sum::<usize>()
            + self.anywhere.as_ref().map_or(0, |l| l.owners.len());
        (literals, self.ungated.as_ref().map_or(0, |u| u.owners.len()), self.always.len(), self.rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(lits: &[(&str, Place)]) -> Vec<Gate> {
        lits.iter().map(|(l, place)| Gate { literal: l.as_bytes().to_vec(), place: *place }).collect()
    }

    #[test]
    fn names_rules_whose_literal_occurs_where_it_must() {
        use Place::{Anywhere, End, Start};
        let a = gate(&[("read more", Start), ("see also", Start)]);
        let b = gate(&[(" via ", Anywhere)]);
        let c = gate(&[("read more", Anywhere)]);
        let d = gate(&[("/ap", End), ("/afp", End)]);
        let ix = BlockIndex::build([
            Entry::Gate(&a),
            Entry::Always,
            Entry::Gate(&b),
            Entry::Gate(&c),
            Entry::Regex(r"^\d+ votes$", 0..=20),
            Entry::Regex(r"^\w+$", 0..=5),
            Entry::Gate(&d),
        ]);
        assert_eq!(ix.sizes(), (6, 2, 1, 7));
        let mut out = Vec::new();
        let mut candidates = |key: &str| {
            ix.candidates(&Keyed::new(key), &mut out);
            out.clone()
        };
        assert_eq!(candidates("read more: x"), [0, 1, 3]);
        assert_eq!(candidates("you can read more here"), [1, 3], "rule 0's literal must start the key");
        assert_eq!(candidates("written by x via y"), [1, 2]);
        assert_eq!(candidates("nothing"), [1, 5], "the set's rules whose regex matches (lengths are checked later)");
        assert_eq!(candidates("12 votes"), [1, 4]);
        assert_eq!(candidates(&format!("{} votes", "1".repeat(20))), [1], "longer than any set rule takes");
        assert_eq!(candidates("photo: jane doe/afp"), [1, 6]);
        assert_eq!(candidates("jane doe/afp says"), [1], "rule 6's literal must end the key");
    }

    /// The walk finds what the crate's overlapping search finds, pattern
    /// and end, for DFAs and NFAs, with and without ASCII case folding, on
    /// random patterns and texts (ASCII and not).
    fn walk<A: Automaton>(automaton: &A, haystack: &[u8]) -> Vec<usize> {
        let mut got = Vec::new();
        overlapping(automaton, haystack, |p| got.push(p.as_usize()));
        got
    }

    #[test]
    fn overlapping_walk_matches_the_crates_search() {
        use aho_corasick::AhoCorasick;
        let pieces = ["a", "b", "ab", "ba", "A", "é", "É", "’", " ", "by ", "Read", "more", "\u{212A}", "x"];
        let mut seed = 3u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        let text = |next: &mut dyn FnMut() -> u64, most: u64| {
            let n = 1 + next() % most;
            (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect::<String>()
        };
        for round in 0..300 {
            let patterns: Vec<String> = (0..1 + next() % 12).map(|_| text(&mut next, 3)).collect();
            let fold = round % 2 == 1;
            let expected = AhoCorasick::builder().ascii_case_insensitive(fold).build(&patterns).unwrap();
            let dfa = dfa::Builder::new().ascii_case_insensitive(fold).prefilter(false).build(&patterns).unwrap();
            let nfa = contiguous::NFA::builder().ascii_case_insensitive(fold).build(&patterns).unwrap();
            for _ in 0..20 {
                let hay = text(&mut next, 30);
                let want: Vec<(usize, usize)> =
                    expected.find_overlapping_iter(&hay).map(|m| (m.end(), m.pattern().as_usize())).collect();
                let from_dfa = walk(&dfa, hay.as_bytes());
                let from_nfa = walk(&nfa, hay.as_bytes());
                let patterns_only: Vec<usize> = want.iter().map(|&(_, p)| p).collect();
                assert_eq!(from_dfa, patterns_only, "{patterns:?} {hay:?}");
                assert_eq!(from_nfa, patterns_only, "{patterns:?} {hay:?}");
            }
        }
    }

    /// The index may only leave out rules that cannot match: over every
    /// rule example and fixture text of the shipped rules, each block rule
    /// whose condition holds for a block's key is among its candidates.
    #[test]
    fn never_leaves_out_a_rule_that_matches() {
        use crate::rules::{Matcher, RuleSet};
        let set = RuleSet::embedded().unwrap();
        let blocks = crate::rules::example_and_fixture_blocks(&set);
        for publisher in std::iter::once(None).chain((0..set.publishers().len()).map(Some)) {
            let profile = set.profile(publisher);
            let mut out = Vec::new();
            let mut fired = 0;
            for block in &blocks {
                let keyed = Keyed::new(block);
                profile.block_index.candidates(&keyed, &mut out);
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
