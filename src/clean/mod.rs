//! Block passes: shortcodes, block rules with their context, inline spans.
//! Every pass records a [`Removal`] for what it drops; nothing goes silently.

pub mod repeated;
pub mod text_model;

use std::ops::Range;

use crate::document::{Block, Removal, Scope, Side};
use crate::markup::shortcode;
use text_model::TextModel;

use crate::rules::{BlockIndex, InlineIndex, Keyed, Matcher, Profile, Rule, RuleSet, ShortcodeMatcher};

/// The rules one document is cleaned with, by pass.
pub struct ActiveRules<'a> {
    pub selectors: Vec<&'a Rule>,
    pub shortcodes: Vec<&'a Rule>,
    pub blocks: Vec<&'a Rule>,
    pub inlines: Vec<&'a Rule>,
    /// Which block rules can match a block; `None` tries them all.
    pub block_index: Option<&'a BlockIndex>,
    /// Which inline rules can match a block; `None` tries them all.
    pub inline_index: Option<&'a InlineIndex>,
    /// The line scorer for scraped text; `None`: rules alone.
    pub text_model: Option<&'a TextModel>,
    /// Keys of the blocks repeated across this document's site ([`repeated`]).
    pub repeated: Option<&'a std::collections::HashSet<u64>>,
}

impl<'a> ActiveRules<'a> {
    pub fn from_profile(set: &'a RuleSet, profile: &'a Profile) -> Self {
        let pick = |ids: &[usize]| ids.iter().map(|&i| set.rule(i)).collect();
        ActiveRules {
            selectors: pick(&profile.selectors),
            shortcodes: pick(&profile.shortcodes),
            blocks: pick(&profile.blocks),
            inlines: pick(&profile.inlines),
            block_index: Some(&profile.block_index),
            inline_index: Some(&profile.inline_index),
            text_model: None,
            repeated: None,
        }
    }

    /// Just one rule: how a rule's examples are run.
    pub fn single(rule: &'a Rule) -> Self {
        let mut active = ActiveRules {
            selectors: vec![],
            shortcodes: vec![],
            blocks: vec![],
            inlines: vec![],
            block_index: None,
            inline_index: None,
            text_model: None,
            repeated: None,
        };
        match rule.matcher {
            Matcher::Selector(_) => active.selectors.push(rule),
            Matcher::Shortcode(_) => active.shortcodes.push(rule),
            Matcher::Block(_) => active.blocks.push(rule),
            Matcher::Inline(_) => active.inlines.push(rule),
        }
        active
    }
}

/// Runs the block passes; returns the kept blocks and appends to `removals`.
pub fn clean_blocks(blocks: Vec<Block>, rules: &ActiveRules, removals: &mut Vec<Removal>) -> Vec<Block> {
    clean_blocks_keeping_originals(blocks, rules, removals, &mut Vec::new())
}

/// [`clean_blocks`], also recording the text a block had before spans were
/// cut from it (block index, text), so a review can show the cuts in place.
/// Only blocks that lose a span are copied: most documents copy nothing.
pub(crate) fn clean_blocks_keeping_originals(
    blocks: Vec<Block>,
    rules: &ActiveRules,
    removals: &mut Vec<Removal>,
    originals: &mut Vec<(usize, String)>,
) -> Vec<Block> {
    // The scorer judges each block among the document's blocks as they came,
    // and with what the block rules took around it.
    let texts: Option<Vec<String>> = rules.text_model.map(|_| blocks.iter().map(|b| b.text.clone()).collect());
    let first_removal = removals.len();
    let mut blocks: Vec<Option<Block>> = blocks.into_iter().map(Some).collect();
    let mut cuts = Cuts { removals, originals };
    shortcode_pass(&mut blocks, &rules.shortcodes, &mut cuts);
    block_pass(&mut blocks, &rules.blocks, rules.block_index, cuts.removals);
    let scored = rules.text_model.zip(texts).map(|(model, texts)| {
        let ruled = ruled_blocks(&cuts.removals[first_removal..], blocks.len());
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        text_model::features(&texts, &ruled).iter().map(|f| model.score(f)).collect::<Vec<f32>>()
    });
    if let Some(keys) = rules.repeated {
        repeated_pass(&mut blocks, keys, cuts.removals);
    }
    if let (Some(model), Some(scores)) = (rules.text_model, scored) {
        model_pass(&mut blocks, &scores, model.threshold, cuts.removals);
    }
    inline_pass(&mut blocks, rules, &mut cuts);
    originals.sort_by_key(|(i, _)| *i);
    originals.dedup_by_key(|(i, _)| *i);
    blocks.into_iter().flatten().collect()
}

/// Per block, whether one of `removals` took it whole, ad markers aside: the
/// rules' verdicts as the scorer's features see them ([`text_model::features`]).
fn ruled_blocks(removals: &[Removal], blocks: usize) -> Vec<bool> {
    let mut ruled = vec![false; blocks];
    for r in removals {
        if r.scope == Scope::Block && r.category != crate::rules::Category::Ad && r.position.0 < blocks {
            ruled[r.position.0] = true;
        }
    }
    ruled
}

/// Where span passes record what they cut.
struct Cuts<'a> {
    removals: &'a mut Vec<Removal>,
    originals: &'a mut Vec<(usize, String)>,
}

fn shortcode_pass(blocks: &mut [Option<Block>], rules: &[&Rule], cuts: &mut Cuts) {
    if rules.is_empty() {
        return;
    }
    for (index, slot) in blocks.iter_mut().enumerate() {
        for rule in rules {
            let Some(block) = slot.as_mut() else { break };
            if !block.text.contains('[') {
                break;
            }
            let Matcher::Shortcode(m) = &rule.matcher else {
                continue;
            };
            let ranges = shortcode_ranges(&block.text, m);
            if !ranges.is_empty() {
                remove_spans(slot, index, &ranges, rule, cuts);
            }
        }
    }
}

/// The byte ranges a shortcode rule removes from `text`.
fn shortcode_ranges(text: &str, m: &ShortcodeMatcher) -> Vec<Range<usize>> {
    let all = shortcode::parse(text);
    let targets: Vec<&shortcode::Shortcode> = match &m.names {
        Some(_) => all.iter().filter(|s| m.names_match(&s.name)).collect(),
        None => {
            let top = shortcode::top_level(&all);
            let conventional = top.iter().all(|s| s.attrs_ok && shortcode::is_conventional_name(&s.name));
            let mut rest = String::new();
            let mut last = 0;
            for s in &top {
                rest.push_str(&text[last..s.outer.start]);
                last = s.outer.end;
            }
            rest.push_str(&text[last..]);
            if top.is_empty() || !conventional || !rest.trim().is_empty() {
                return Vec::new();
            }
            top
        }
    };
    let mut ranges = Vec::new();
    if m.keep_inner {
        for s in &targets {
            ranges.push(s.open.clone());
            ranges.extend(s.close.clone());
        }
        ranges.sort_by_key(|r| r.start);
    } else {
        let mut owned: Vec<shortcode::Shortcode> = targets.into_iter().cloned().collect();
        owned.sort_by_key(|s| s.outer.start);
        ranges.extend(shortcode::top_level(&owned).into_iter().map(|s| s.outer.clone()));
    }
    ranges
}

fn block_pass(
    blocks: &mut [Option<Block>],
    rules: &[&Rule],
    rule_index: Option<&BlockIndex>,
    removals: &mut Vec<Removal>,
) {
    if rules.is_empty() {
        return;
    }
    // No block rule looks at a block longer than its `max_chars`; a block
    // with more non-space characters than the largest one (its key has at
    // least as many) is passed over without building the key.
    let longest = rules
        .iter()
        .filter_map(|r| match &r.matcher {
            Matcher::Block(c) => Some(c.max_chars()),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let mut candidates = Vec::new();
    for index in 0..blocks.len() {
        let Some(block) = &blocks[index] else {
            continue;
        };
        if more_non_space_chars(&block.text, longest) {
            continue;
        }
        let keyed = Keyed::new(&block.text);
        let matches = |r: &&&Rule| matches!(&r.matcher, Matcher::Block(c) if c.matches(&keyed));
        let found = match rule_index {
            Some(ix) => {
                ix.candidates(&keyed, &mut candidates);
                candidates.iter().map(|&p| &rules[p]).find(matches)
            }
            None => rules.iter().find(matches),
        };
        let Some(rule) = found else {
            continue;
        };
        take_block(blocks, index, rule, None, removals);
        if let Some(cond) = &rule.with_previous
            && let Some(prev) = (0..index).rev().find(|&j| blocks[j].is_some())
            && blocks[prev].as_ref().is_some_and(|b| cond.matches(&Keyed::new(&b.text)))
        {
            take_block(blocks, prev, rule, Some(Side::Previous), removals);
        }
        if let Some(cond) = &rule.with_next
            && let Some(next) = (index + 1..blocks.len()).find(|&j| blocks[j].is_some())
            && blocks[next].as_ref().is_some_and(|b| cond.matches(&Keyed::new(&b.text)))
        {
            take_block(blocks, next, rule, Some(Side::Next), removals);
        }
    }
}

/// Whether `text` has more than `limit` characters other than whitespace:
/// counted on bytes (a character is a byte that is no continuation byte),
/// decoding only the lead bytes of non-ASCII whitespace (U+0085, U+00A0,
/// U+1680, U+2000–U+3000), and only when the text has more bytes than `limit`.
fn more_non_space_chars(text: &str, limit: usize) -> bool {
    if text.len() <= limit {
        return false;
    }
    let mut count = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let counts = match b {
            b' ' | b'\t'..=b'\r' | 0x80..=0xBF => false,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                text.get(i..).and_then(|r| r.chars().next()).is_some_and(|c| !c.is_whitespace())
            }
            _ => true,
        };
        count += usize::from(counts);
        if count > limit {
            return true;
        }
    }
    false
}

/// Removes the blocks repeated across the document's site.
fn repeated_pass(blocks: &mut [Option<Block>], keys: &std::collections::HashSet<u64>, removals: &mut Vec<Removal>) {
    for (index, slot) in blocks.iter_mut().enumerate() {
        if !slot.as_ref().and_then(|b| repeated::line_key(&b.text)).is_some_and(|k| keys.contains(&k)) {
            continue;
        }
        let Some(block) = slot.take() else { continue };
        removals.push(Removal::builtin(repeated::REPEATED_LINE, block, None).at(index, 1));
    }
}

/// The id of the line scorer's removals.
pub const TEXT_BOILERPLATE: &str = "builtin:text-boilerplate";

/// Removes what the rules left and the scorer is sure of, with its score.
/// The longest block left stays whatever its score: a document is never
/// emptied by a guess. A block all in square brackets (`[…]`, `[Applause]`)
/// is an editorial mark or a shortcode, for the rules to judge, not the scorer.
fn model_pass(blocks: &mut [Option<Block>], scores: &[f32], threshold: f32, removals: &mut Vec<Removal>) {
    let longest = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.as_ref().map(|b| (b.text.len(), std::cmp::Reverse(i))))
        .max()
        .map(|(_, std::cmp::Reverse(i))| i);
    for (index, (slot, &score)) in blocks.iter_mut().zip(scores).enumerate() {
        if score < threshold || Some(index) == longest {
            continue;
        }
        if slot.as_ref().is_some_and(|b| {
            let t = b.text.trim();
            t.starts_with('[') && t.ends_with(']')
        }) {
            continue;
        }
        let Some(block) = slot.take() else { continue };
        let score = Some((score * 1000.0).round() / 1000.0);
        removals.push(Removal::builtin(TEXT_BOILERPLATE, block, score).at(index, 1));
    }
}

fn take_block(
    blocks: &mut [Option<Block>],
    index: usize,
    rule: &Rule,
    context: Option<Side>,
    removals: &mut Vec<Removal>,
) {
    if let Some(block) = blocks[index].take() {
        let mut removal = Removal::new(rule, Scope::Block, block.text, block.origin).at(index, 1);
        removal.context = context;
        removals.push(removal);
    }
}

fn inline_pass(blocks: &mut [Option<Block>], rules: &ActiveRules, cuts: &mut Cuts) {
    if rules.inlines.is_empty() {
        return;
    }
    let all = || (0..rules.inlines.len()).collect::<Vec<_>>();
    for (index, slot) in blocks.iter_mut().enumerate() {
        let Some(block) = slot.as_ref() else { continue };
        let mut candidates = rules.inline_index.map_or_else(all, |ix| ix.candidates(&block.text));
        let mut next = 0;
        while let Some(&position) = candidates.get(next) {
            next += 1;
            let Some(block) = slot.as_ref() else { break };
            let rule = rules.inlines[position];
            let Matcher::Inline(m) = &rule.matcher else {
                continue;
            };
            let ranges = m.regex.find_ranges(&block.text);
            if ranges.is_empty() {
                continue;
            }
            remove_spans(slot, index, &ranges, rule, cuts);
            // A cut joins the text around it, which can make a later rule's
            // prefix appear: the rules after this one are looked up again.
            if let (Some(ix), Some(block)) = (rules.inline_index, slot.as_ref()) {
                candidates = ix.candidates(&block.text);
                candidates.retain(|&p| p > position);
                next = 0;
            }
        }
    }
}

/// Removes sorted, non-overlapping `ranges` from the block; a block left
/// empty is removed whole and recorded as such.
fn remove_spans(slot: &mut Option<Block>, index: usize, ranges: &[Range<usize>], rule: &Rule, cuts: &mut Cuts) {
    let Some(block) = slot.as_mut() else { return };
    let remaining = cut(&block.text, ranges);
    if remaining.trim().is_empty() {
        if let Some(block) = slot.take() {
            cuts.removals.push(Removal::new(rule, Scope::Block, block.text, block.origin).at(index, 1));
        }
        return;
    }
    if cuts.originals.last().is_none_or(|(i, _)| *i != index) {
        cuts.originals.push((index, block.text.clone()));
    }
    for r in ranges {
        cuts.removals.push(Removal::new(rule, Scope::Span, &block.text[r.clone()], block.origin.clone()).at(index, 1));
    }
    block.text = remaining;
}

/// The text without `ranges`, tidying the spaces left at each cut.
pub fn cut(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in ranges {
        if r.start < last {
            continue;
        }
        out.push_str(&text[last..r.start]);
        last = r.end;
        let rest = &text[last..];
        let next = rest.chars().next();
        let at_line_start = out.is_empty() || out.ends_with('\n');
        let ends_space = out.ends_with([' ', '\t']);
        if ends_space && next.is_none_or(|c| c == ' ' || c == '\t' || c == '\n' || ".,;:!?)]".contains(c)) {
            let trimmed = out.trim_end_matches([' ', '\t']).len();
            out.truncate(trimmed);
        }
        if at_line_start || out.ends_with([' ', '\t']) {
            let skip = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            last += skip;
        }
    }
    out.push_str(&text[last..]);
    let trimmed = out.trim();
    if trimmed.len() == out.len() { out } else { trimmed.to_owned() }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn cut_tidies_spaces() {
        assert_eq!(cut("Text (Advertisement) more", &[5..20]), "Text more");
        assert_eq!(cut("Ends here (Ad).", &[10..14]), "Ends here.");
        assert_eq!(cut("(Ad) Starts", &[0..4]), "Starts");
        assert_eq!(cut("a\n(Ad) b", &[2..6]), "a\nb");
    }
}
