//! Generic main-content extraction for pages without a publisher `content`
//! selector. Works on the laid-out blocks and the DOM they came from:
//!
//! 1. every block with real text scores its containers (Readability's idea:
//!    commas and length, shared with parent and grandparent, decaying further up),
//!    scaled down by link density;
//! 2. containers are weighted by class/id **tokens** and ARIA roles and
//!    landmarks from the `[extract]` hints of `default.toml`;
//! 3. the best container wins, moves up when its parent holds comparable
//!    content, and takes in siblings that look like article text;
//! 4. inside it, boilerplate sub-containers (comments, share bars, related
//!    rails) and runs of link-dense blocks are left out.
//!
//! Each left-out block carries a `builtin:` reason, so `--format json`
//! explains every decision.

use crate::markup::dom::{Dom, Element, NodeId, NodeRef};

use super::block_model::{ANCESTOR_TAGS, BlockView, PageView};
use super::layout::BlockMeta;
use crate::document::{Block, BlockKind, TextCounts};
use crate::rules::ExtractHints;

pub const OUTSIDE_MAIN: &str = "builtin:outside-main-content";
pub const BOILERPLATE_CLASS: &str = "builtin:boilerplate-class";
pub const LINK_DENSITY: &str = "builtin:link-density";
pub const CAPTION: &str = "builtin:caption";
pub const ORPHAN_LABEL: &str = "builtin:orphan-label";
pub const TITLE: &str = "builtin:title";
/// Provisional verdict for a link box, settled by [`settle_link_boxes`].
const LINK_BOX: &str = "link-box";
/// Provisional verdict for prose outside the container, settled once the container's extent is known.
const STRAY: &str = "stray";

/// A sub-container of the article with more link text than this is a link box.
const LINK_BOX_DENSITY: f32 = 0.6;
/// Labels longer than this are text, not labels.
const ORPHAN_LABEL_CHARS: usize = 50;

/// Ids split into more tokens than this are slugs of prose, ignored.
const MAX_NAME_TOKENS: usize = 4;
/// Vote multiplier for a block found in the page's JSON-LD `articleBody`.
const DECLARED_BODY_BONUS: f32 = 2.0;
/// How much a data-table row's vote counts.
const TABLE_ROW_WEIGHT: f32 = 0.4;
/// A block outside the container with this much link-free prose is kept.
const STRAY_PROSE_CHARS: usize = 100;
/// Blocks shorter than this don't vote for a container.
const MIN_VOTING_CHARS: usize = 25;
/// Containers with less text are not candidates (when any has more).
const MIN_CANDIDATE_CHARS: usize = 140;
/// How many ancestor levels above the top candidate's parent may lend text-rich subtrees.
const EXTEND_LEVELS: usize = 3;
/// Vote multipliers from class/id tokens and article markup.
const CONTENT_BONUS: f32 = 0.5;
const MARKUP_BONUS: f32 = 0.5;
const BOILERPLATE_PENALTY: f32 = 0.75;
/// An ancestor replaces the top candidate when it holds this much more clean vote mass…
const PROMOTE_MASS_RATIO: f32 = 1.6;
/// …and is not link-heavy.
const PROMOTE_MAX_LINK_DENSITY: f32 = 0.25;
/// …and one of its other children alone holds this share of the top's mass.
const PROMOTE_MIN_SECTION: f32 = 0.25;
/// How far up a block's score is shared.
const SCORE_LEVELS: usize = 5;
/// Levels above the top candidate searched for a run of cards (`card_run`).
const CARD_LEVELS: usize = 6;
/// Cards of one class that make a run.
const CARD_MIN_RUN: usize = 4;
/// Text a child must hold to count as a card (spacers and clearfix divs do not).
const CARD_MIN_CHARS: usize = 20;
/// The top candidate may hold this many times a card's average text and still be one.
const CARD_MAX_TOP: f32 = 3.0;
/// The run's parent must hold this many times the top candidate's text.
const CARD_RUN_GAIN: f32 = 2.0;

/// How the article was found in a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// A publisher's `content` selector matched.
    PublisherContent,
    /// Generic extraction scored an element as the article container.
    Scored,
    /// No element scored as an article: the whole body was kept.
    WholeBody,
}

impl Method {
    /// `publisher-content`, `scored`, `whole-body`: as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::PublisherContent => "publisher-content",
            Method::Scored => "scored",
            Method::WholeBody => "whole-body",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the extractor is, and how it decided.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Quality {
    pub method: Method,
    /// 0 (a guess) to 1 (clear article container).
    pub score: f32,
}

/// The verdict for each block: `None` to keep it, or the `builtin:` reason.
pub struct Extraction {
    pub verdicts: Vec<Option<&'static str>>,
    pub quality: Quality,
    /// What the scoring knew of each block and of the page, for the block
    /// classifier (empty when not asked for, or when the whole body was kept).
    pub views: Vec<BlockView>,
    pub page: PageView,
}

#[derive(Default, Clone, Copy)]
struct Stats {
    chars: usize,
    link_chars: usize,
    score: f32,
    factor: f32,
    scored: bool,
    /// Undecayed votes of the blocks below that no boilerplate container separates from it.
    mass: f32,
    /// Blocks below.
    blocks: usize,
}

impl Stats {
    fn link_density(&self) -> f32 {
        if self.chars == 0 { 0.0 } else { self.link_chars as f32 / self.chars as f32 }
    }
}

/// Ancestors of a block its vote is added to one by one (see `extract`);
/// far more than real pages nest (the deepest of 1 737 dataset pages: 56).
const EXACT_LEVELS: usize = 100;

/// What lies on the way up from an element to the content container
/// holding it (that container excluded), for [`extract`]'s verdicts.
#[derive(Clone, Copy, Default)]
struct Path {
    /// The content container above (or at) the element.
    inside: Option<NodeId>,
    /// The element itself is a link box; one above it is.
    link_box_here: bool,
    link_box_above: bool,
    any_boiler: bool,
    boiler_below_root: bool,
}

/// Chooses the article's blocks; with `views`, also gathers what the block
/// classifier needs (left out when it will not run).
pub fn extract(
    doc: &Dom,
    blocks: &[Block],
    meta: &[BlockMeta],
    hints: &ExtractHints,
    keep_captions: bool,
    declared_body: Option<&str>,
    views: bool,
) -> Extraction {
    let mut verdicts: Vec<Option<&'static str>> = vec![None; blocks.len()];
    let total_chars: usize = meta.iter().map(|m| m.chars).sum();
    let mut stats: Table<Stats> = Table::new(doc.len());
    let mut weights: Table<Option<Weight>> = Table::new(doc.len());
    // The page's own JSON-LD `articleBody`, when it has one, confirms blocks.
    let declared_body = declared_body.map(crate::rules::key::key).filter(|b| b.len() >= 200);

    // The tree in document order: sums below run over it backwards
    // (children before parents), paths forwards. Walking every block's
    // ancestors instead cost blocks × depth, 500 steps a block on a page
    // nested to the depth cap. Ids, not references: a quarter of the
    // memory, on a page of millions of nodes.
    let order: Vec<NodeId> = doc.document().descendants().map(|n| n.id()).collect();
    let nodes = || order.iter().filter_map(|&id| doc.get(id));

    // Subtree text and link totals for every ancestor of every block.
    for m in meta {
        if doc.get(m.node).is_none() {
            continue;
        }
        let s = stats.at(m.node);
        s.chars += m.chars;
        s.link_chars += m.link_chars;
        s.blocks += 1;
    }
    for n in nodes().rev() {
        if let Some(p) = n.parent() {
            let below = *stats.at(n.id());
            let s = stats.at(p.id());
            s.chars += below.chars;
            s.link_chars += below.link_chars;
            s.blocks += below.blocks;
        }
    }

    // Votes. `rising` holds the votes on their way up to the mass (below).
    let mut rising: Table<f32> = Table::new(doc.len());
    for (block, m) in blocks.iter().zip(meta) {
        if m.chars < MIN_VOTING_CHARS {
            continue;
        }
        let Some(node) = doc.get(m.node) else { continue };
        let ld = if m.chars == 0 { 0.0 } else { m.link_chars as f32 / m.chars as f32 };
        let commas = TextCounts::of(&block.text).commas;
        // Data-table rows are records, not prose: commas in them say little.
        let kind_weight = if block.kind == BlockKind::TableRow { TABLE_ROW_WEIGHT } else { 1.0 };
        let confirmed = declared_body.as_deref().is_some_and(|body| {
            let k = crate::rules::key::key(&block.text);
            let probe: String = k.chars().take(60).collect();
            probe.chars().count() >= 40 && body.contains(&probe)
        });
        let confirmation = if confirmed { DECLARED_BODY_BONUS } else { 1.0 };
        let vote = (1.0 + commas as f32 + (m.chars as f32 / 100.0).min(3.0)) * (1.0 - ld) * kind_weight * confirmation;
        if vote <= 0.0 {
            continue;
        }
        // The mass: the vote counts in every element from the block's up to
        // the first boilerplate one (excluded). Added here to the first
        // `EXACT_LEVELS` in block order, as it always was (every real page
        // is shallower); what goes on up from there is summed bottom-up
        // below, so a page nested to the depth cap costs no more.
        let mut climbing = Some(node);
        for _ in 0..EXACT_LEVELS {
            let Some(anc) = climbing.filter(NodeRef::is_element) else { break };
            if weights.weight(anc, hints).boilerplate {
                climbing = None;
                break;
            }
            stats.at(anc.id()).mass += vote;
            climbing = anc.parent();
        }
        if let Some(anc) = climbing {
            *rising.at(anc.id()) += vote;
        }
        let start = if is_paragraph_like(node) { node.parent() } else { Some(node) };
        let Some(start) = start else { continue };
        for (level, anc) in std::iter::once(start).chain(start.ancestors()).take(SCORE_LEVELS).enumerate() {
            if !anc.is_element() {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                n => n as f32 * 3.0,
            };
            let w = weights.weight(anc, hints);
            let s = stats.at(anc.id());
            if !s.scored {
                s.scored = true;
                s.score = w.initial;
                s.factor = w.factor;
            }
            s.score += vote / divider;
        }
    }

    // The rest of the mass, from `EXACT_LEVELS` above a block up.
    for n in nodes().rev() {
        let arriving = *rising.at(n.id());
        if arriving <= 0.0 || !n.is_element() || weights.weight(n, hints).boilerplate {
            continue;
        }
        stats.at(n.id()).mass += arriving;
        if let Some(p) = n.parent() {
            *rising.at(p.id()) += arriving;
        }
    }

    let final_score = |s: &Stats| s.score * s.factor * (1.0 - s.link_density());
    // A container holding a caption's worth of text can't outscore the
    // article on its class name alone.
    let biggest = stats.values().filter(|s| s.scored).map(|s| s.chars).max().unwrap_or(0);
    let min_chars = if biggest >= MIN_CANDIDATE_CHARS { MIN_CANDIDATE_CHARS } else { 0 };
    let mut candidates: Vec<(NodeId, f32)> =
        stats.iter().filter(|(_, s)| s.scored && s.chars >= min_chars).map(|(id, s)| (id, final_score(s))).collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let Some(&(mut top, top_score)) = candidates.first().filter(|c| c.1 > 0.0) else {
        return whole_body(verdicts, blocks, meta, keep_captions);
    };

    // Several strong candidates under one ancestor: the article is that ancestor.
    let strong: Vec<NodeId> =
        candidates.iter().skip(1).take(4).filter(|c| c.1 >= top_score * 0.75).map(|c| c.0).collect();
    if strong.len() >= 2
        && let Some(node) = doc.get(top)
    {
        for anc in node.ancestors() {
            if !anc.is_element() || anc.element().is_some_and(|e| e.name() == "body") {
                break;
            }
            let contained = strong
                .iter()
                .filter(|&&c| doc.get(c).is_some_and(|n| n.ancestors().any(|a| a.id() == anc.id())))
                .count();
            if contained >= 2 {
                top = anc.id();
                break;
            }
        }
    }
    // A parent whose score is comparable holds more of the article (text split across wrappers).
    while let Some(node) = doc.get(top) {
        let Some(parent) =
            node.parent().filter(|p| p.element().is_some_and(|e| e.name() != "body" && e.name() != "html"))
        else {
            break;
        };
        let child_chars = stats.get(&top).map_or(0, |s| s.chars);
        let parent_stats = stats.get(&parent.id()).copied().unwrap_or_default();
        let only_child = parent.children().filter(NodeRef::is_element).count() == 1;
        let parent_score = final_score(&parent_stats);
        let top_final = stats.get(&top).map_or(0.0, final_score);
        if only_child
            || (parent_stats.scored
                && parent_score > top_final
                && parent_stats.link_density() < 0.33
                && parent_stats.chars < child_chars * 2)
        {
            top = parent.id();
        } else {
            break;
        }
    }

    // Text spread over sibling containers (a lead, steps, sections): move up
    // while an ancestor gathers clearly more clean article text without
    // gathering links.
    if let Some(node) = doc.get(top) {
        let mut best_mass = stats.get(&top).map_or(0.0, |s| s.mass);
        for anc in node.ancestors() {
            if anc.element().is_none_or(|e| e.name() == "body" || e.name() == "html") {
                break;
            }
            let s = stats.get(&anc.id()).copied().unwrap_or_default();
            // The gain must include a substantial section, not only a crowd
            // of teaser summaries each worth little.
            let top_now = top;
            let top_ld = stats.get(&top_now).map_or(0.0, Stats::link_density);
            let biggest_other = anc
                .children()
                .filter(|c| c.id() != top_now && !node.ancestors().any(|a| a.id() == c.id()))
                .filter_map(|c| stats.get(&c.id()))
                .filter(|s| s.link_density() <= (top_ld * 1.5).max(0.15))
                .map(|s| s.mass)
                .fold(0.0f32, f32::max);
            if s.mass >= best_mass * PROMOTE_MASS_RATIO
                && s.link_density() < PROMOTE_MAX_LINK_DENSITY
                && biggest_other >= best_mass * PROMOTE_MIN_SECTION
            {
                top = anc.id();
                best_mass = s.mass;
            }
        }
    }

    // The top candidate is one card of a run (a product tile, a result, a
    // post, a job): the run is the content. An article's body is longer
    // than any card of the lists beside it, so it stays.
    if let Some(list) = card_run(doc, top, &stats) {
        top = list;
    }

    // Siblings that look like article text join the top candidate.
    let mut content: Vec<NodeId> = vec![top];
    let top_final = stats.get(&top).map_or(0.0, final_score);
    if let Some(node) = doc.get(top)
        && let Some(parent) = node.parent()
    {
        let threshold = (top_final * 0.2).max(10.0);
        let top_class = node.element().and_then(|e| e.attr("class")).unwrap_or("");
        for sib in parent.children().filter(|c| c.id() != top && c.is_element()) {
            let s = stats.get(&sib.id()).copied().unwrap_or_default();
            if s.chars == 0 {
                continue;
            }
            let same_class = !top_class.is_empty() && sib.element().and_then(|e| e.attr("class")) == Some(top_class);
            let bonus = if same_class { top_final * 0.2 } else { 0.0 };
            let w = weights.weight(sib, hints);
            let append = if w.boilerplate {
                false
            } else if s.scored && final_score(&s) + bonus >= threshold {
                true
            } else if is_paragraph_like(sib) {
                let ld = s.link_density();
                (s.chars > 80 && ld < 0.25) || (s.chars <= 80 && ld == 0.0 && ends_sentence(sib))
            } else {
                false
            };
            if append {
                content.push(sib.id());
            }
        }
        // Pages that spread their text over several containers (product and
        // company pages, recipes): higher up, take text-rich, link-poor
        // subtrees that scored well on their own.
        let mut inner = parent;
        for _ in 0..EXTEND_LEVELS {
            let Some(outer) = inner.parent().filter(|p| p.element().is_some_and(|e| e.name() != "html")) else {
                break;
            };
            for sib in outer.children().filter(|c| c.id() != inner.id() && c.is_element()) {
                let s = stats.get(&sib.id()).copied().unwrap_or_default();
                let w = weights.weight(sib, hints);
                if !w.boilerplate
                    && s.scored
                    && s.chars >= 200
                    && s.link_density() < 0.2
                    && final_score(&s) >= top_final * 0.3
                {
                    content.push(sib.id());
                }
            }
            inner = outer;
        }
    }

    // Map every block to its verdict, from what lies between its element
    // and the content container holding it (the root when none does),
    // gathered down the tree once for all blocks.
    let content_chars: usize = content.iter().map(|id| stats.get(id).map_or(0, |s| s.chars)).sum();
    let mut paths: Table<Path> = Table::new(doc.len());
    for n in nodes() {
        if stats.get(&n.id()).is_none_or(|s| s.blocks == 0) {
            continue;
        }
        let path = if content.contains(&n.id()) {
            Path { inside: Some(n.id()), ..Path::default() }
        } else {
            let above = n.parent().and_then(|p| paths.get(&p.id()).copied()).unwrap_or_default();
            let s = stats.get(&n.id()).copied().unwrap_or_default();
            let w = weights.weight(n, hints);
            Path {
                inside: above.inside,
                // A small box of several blocks that is mostly links: teasers,
                // a "top stories" box, a link list with a heading.
                link_box_here: s.blocks >= 2 && s.link_density() > LINK_BOX_DENSITY && s.chars * 10 < content_chars * 3,
                link_box_above: above.link_box_above || above.link_box_here,
                any_boiler: above.any_boiler || w.boilerplate,
                // A "boilerplate" wrapper holding most of the article is a
                // misleading class name (`elementor-widget`), not boilerplate.
                boiler_below_root: above.boiler_below_root || (w.boilerplate && s.chars * 2 < content_chars),
            }
        };
        *paths.at(n.id()) = path;
    }
    for (i, m) in meta.iter().enumerate() {
        let Some(path) = doc.get(m.node).and_then(|_| paths.get(&m.node).copied()) else { continue };
        // The block's own element does not make it part of a link box.
        let Path { inside, link_box_above: link_box, any_boiler, boiler_below_root, .. } = path;
        // Prose outside the container, with no boilerplate around it, is
        // article text the container missed (a lead, a second column).
        let stray_prose = inside.is_none()
            && !any_boiler
            && m.chars >= STRAY_PROSE_CHARS
            && m.link_chars * 10 < m.chars
            && ends_like_prose(&blocks[i].text);
        verdicts[i] = match inside {
            None if stray_prose => Some(STRAY),
            None => Some(OUTSIDE_MAIN),
            Some(_) if boiler_below_root => Some(BOILERPLATE_CLASS),
            Some(_) if link_box => Some(LINK_BOX),
            Some(_) if m.caption && !keep_captions => Some(CAPTION),
            Some(_) => None,
        };
    }
    // Stray prose counts only before the article's last block: after it come
    // site descriptions and footers, not article text.
    let last_inside = verdicts.iter().rposition(Option::is_none);
    for (i, v) in verdicts.iter_mut().enumerate() {
        if *v == Some(STRAY) {
            *v = if last_inside.is_some_and(|l| i < l) { None } else { Some(OUTSIDE_MAIN) };
        }
    }
    // Class names that would empty most of the chosen container are the
    // site's naming scheme, not boilerplate: keep what they marked.
    let marked: usize =
        meta.iter().zip(&verdicts).filter(|(_, v)| **v == Some(BOILERPLATE_CLASS)).map(|(m, _)| m.chars).sum();
    if marked * 5 > content_chars * 3 {
        for v in verdicts.iter_mut().filter(|v| **v == Some(BOILERPLATE_CLASS)) {
            *v = None;
        }
    }
    settle_link_boxes(&mut verdicts, meta);
    prune_link_runs(&mut verdicts, meta);
    prune_orphan_labels(&mut verdicts, blocks, meta);
    prune_trailing_labels(&mut verdicts, blocks, meta);

    let content_ld = {
        let (c, l) = content
            .iter()
            .filter_map(|id| stats.get(id))
            .fold((0, 0), |acc, s| (acc.0 + s.chars, acc.1 + s.link_chars));
        if c == 0 { 1.0 } else { l as f32 / c as f32 }
    };
    let share = if total_chars == 0 { 0.0 } else { content_chars as f32 / total_chars as f32 };
    let score = ((content_chars as f32 / 1500.0).min(1.0) * 0.6 + share.min(1.0) * 0.4) * (1.0 - content_ld);

    // Too little found where the page has much more: scoring failed; keep the body.
    if content_chars < 200 && total_chars > content_chars * 4 && total_chars < 5000 {
        return whole_body(vec![None; blocks.len()], blocks, meta, keep_captions);
    }
    let score = (score * 100.0).round() / 100.0;
    let views =
        if views { block_views(doc, &order, meta, &verdicts, &paths, &stats, &mut weights, hints) } else { Vec::new() };
    let page = PageView { total_chars, content_chars, content_link_density: content_ld, score, page_type: [0.0; 7] };
    Extraction { verdicts, quality: Quality { method: Method::Scored, score }, views, page }
}

/// What lies above each block, for the block classifier: gathered down the
/// tree once, as the paths are.
#[allow(clippy::too_many_arguments)]
fn block_views(
    doc: &Dom,
    order: &[NodeId],
    meta: &[BlockMeta],
    verdicts: &[Option<&'static str>],
    paths: &Table<Path>,
    stats: &Table<Stats>,
    weights: &mut Table<Option<Weight>>,
    hints: &ExtractHints,
) -> Vec<BlockView> {
    #[derive(Clone, Copy, Default)]
    struct Above {
        depth: usize,
        ancestors: u16,
        boiler: usize,
        content: usize,
        repeat_here: usize,
        repeat_max: usize,
    }
    let mut above: Table<Above> = Table::new(doc.len());
    let mut repeats: Table<usize> = Table::new(doc.len());
    for n in order.iter().filter_map(|&id| doc.get(id)) {
        if stats.get(&n.id()).is_none_or(|s| s.blocks == 0) {
            continue;
        }
        let Some(e) = n.element() else { continue };
        let parent = n.parent().and_then(|p| above.get(&p.id()).copied()).unwrap_or_default();
        // Counted for all of a parent's children at its first child asked
        // about: a list of a thousand items is walked once, not per item.
        if repeats.get(&n.id()).is_none_or(|r| *r == 0)
            && let Some(p) = n.parent()
        {
            let children: Vec<(NodeId, _)> =
                p.children().filter_map(|c| Some((c.id(), c.element()?.tag_and_class()))).collect();
            let mut keys: Vec<(_, usize)> = Vec::new();
            for (_, key) in &children {
                match keys.iter_mut().find(|(k, _)| k == key) {
                    Some((_, count)) => *count += 1,
                    None => keys.push((*key, 1)),
                }
            }
            for (id, key) in &children {
                *repeats.at(*id) = keys.iter().find(|(k, _)| k == key).map_or(1, |(_, count)| *count);
            }
        }
        let repeat_here = repeats.get(&n.id()).copied().unwrap_or(1).max(1);
        let bit = ANCESTOR_TAGS.iter().position(|t| *t == e.name()).map_or(0, |i| 1u16 << i);
        let w = weights.weight(n, hints);
        *above.at(n.id()) = Above {
            depth: parent.depth + 1,
            ancestors: parent.ancestors | bit,
            boiler: parent.boiler + usize::from(w.boilerplate),
            content: parent.content + usize::from(w.content_name),
            repeat_here,
            repeat_max: parent.repeat_max.max(repeat_here),
        };
    }
    meta.iter()
        .enumerate()
        .map(|(i, m)| {
            let own = above.get(&m.node).copied().unwrap_or_default();
            let path = paths.get(&m.node).copied().unwrap_or_default();
            let parent = doc.get(m.node).and_then(|n| n.parent());
            let parent_stats = parent.and_then(|p| stats.get(&p.id()).copied()).unwrap_or_default();
            // The block's own element counts as its ancestor for the tag
            // flags only through its parents: a `<li>` block is not "under" one.
            let from_parent = parent.and_then(|p| above.get(&p.id()).copied()).unwrap_or_default();
            BlockView {
                verdict: verdicts[i],
                inside: path.inside.is_some(),
                any_boiler: path.any_boiler,
                link_box: path.link_box_above,
                depth: own.depth,
                repeat_here: own.repeat_here,
                repeat_max: own.repeat_max,
                ancestors: from_parent.ancestors,
                boiler_ancestors: from_parent.boiler,
                content_ancestors: own.content,
                parent_chars: parent_stats.chars,
                parent_link_chars: parent_stats.link_chars,
            }
        })
        .collect()
}

/// The parent of the nearest run of cards at or above `top`: among the
/// children of one tag of an ancestor's parent, at least [`CARD_MIN_RUN`]
/// holding text share one class (or are classless list items, rows or
/// articles), `top` is no bigger than such a card is on average, and the
/// run's parent holds [`CARD_RUN_GAIN`] times `top`'s text. The cards need not
/// include `top`'s own ancestor: a promotion tile among product tiles wins
/// the scoring as often as a product does.
fn card_run(doc: &Dom, top: NodeId, stats: &Table<Stats>) -> Option<NodeId> {
    let node = doc.get(top)?;
    let chars = |n: NodeRef<'_>| stats.get(&n.id()).map_or(0, |s| s.chars);
    let top_chars = chars(node) as f32;
    let outer = |n: &NodeRef<'_>| n.element().is_some_and(|e| matches!(e.name(), "body" | "html"));
    for anc in std::iter::once(node).chain(node.ancestors()).take(CARD_LEVELS) {
        let (Some(e), Some(parent)) = (anc.element(), anc.parent()) else { break };
        if outer(&anc) || outer(&parent) {
            break;
        }
        // (class, how many, their text) of the parent's children of this tag.
        let mut runs: Vec<(Option<&str>, usize, usize)> = Vec::new();
        for c in parent.children().filter(|c| chars(*c) >= CARD_MIN_CHARS) {
            let Some((tag, class)) = c.element().map(Element::tag_and_class) else { continue };
            if tag != e.local_name() {
                continue;
            }
            match runs.iter_mut().find(|r| r.0 == class) {
                Some(r) => (r.1, r.2) = (r.1 + 1, r.2 + chars(c)),
                None => runs.push((class, 1, chars(c))),
            }
        }
        let Some(&(class, like, run_chars)) = runs.iter().max_by_key(|r| r.1) else { continue };
        let items = class.is_some() || matches!(e.name(), "li" | "tr" | "article");
        if items
            && like >= CARD_MIN_RUN
            && top_chars <= CARD_MAX_TOP * run_chars as f32 / like as f32
            && chars(parent) as f32 >= CARD_RUN_GAIN * top_chars
        {
            return Some(parent.id());
        }
    }
    None
}

/// The page's title repeated as the first heading of the article is metadata,
/// not text (Readability drops it too); it is in the report's `title`.
pub fn drop_title(verdicts: &mut [Option<&'static str>], blocks: &[Block], title: Option<&str>) {
    let Some(title) = title.map(crate::rules::key::key).filter(|t| t.chars().count() >= 10) else { return };
    let first_kept = verdicts.iter().position(Option::is_none);
    for i in first_kept.into_iter().flat_map(|f| f..(f + 3).min(blocks.len())) {
        if verdicts[i].is_some() || !matches!(blocks[i].kind, BlockKind::Heading { level: 1 | 2 }) {
            continue;
        }
        let heading = crate::rules::key::key(&blocks[i].text);
        if heading.chars().count() >= 10 && (title.contains(&heading) || heading.contains(&title)) {
            verdicts[i] = Some(TITLE);
            return;
        }
    }
}

/// Keeps everything (but captions when asked): the fallback when scoring finds nothing.
fn whole_body(
    mut verdicts: Vec<Option<&'static str>>,
    _blocks: &[Block],
    meta: &[BlockMeta],
    keep_captions: bool,
) -> Extraction {
    for (v, m) in verdicts.iter_mut().zip(meta) {
        *v = (m.caption && !keep_captions).then_some(CAPTION);
    }
    prune_link_runs(&mut verdicts, meta);
    Extraction {
        verdicts,
        quality: Quality { method: Method::WholeBody, score: 0.1 },
        views: Vec::new(),
        page: PageView::default(),
    }
}

/// Three or more consecutive kept blocks that are mostly link text (a
/// related-stories list, a tag cloud) are navigation, not article.
fn prune_link_runs(verdicts: &mut [Option<&'static str>], meta: &[BlockMeta]) {
    let linky = |m: &BlockMeta| m.chars > 0 && m.chars < 200 && m.link_chars * 2 >= m.chars;
    let kept: Vec<usize> = (0..meta.len()).filter(|&i| verdicts[i].is_none()).collect();
    let kept_chars: usize = kept.iter().map(|&i| meta[i].chars).sum();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    for &i in &kept {
        if linky(&meta[i]) {
            run.push(i);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs.push(run);
    for run in runs.into_iter().filter(|r| r.len() >= 3) {
        let run_chars: usize = run.iter().map(|&i| meta[i].chars).sum();
        // A run that is most of what is left is the content (a page of links);
        // a list of links with prose on both sides is part of the article.
        let (first, last) = (run[0], run[run.len() - 1]);
        let prose_before = kept.iter().any(|&k| k < first && is_prose(&meta[k]));
        let prose_after = kept.iter().any(|&k| k > last && is_prose(&meta[k]));
        if run_chars * 2 < kept_chars && !(prose_before && prose_after) {
            for i in run {
                verdicts[i] = Some(LINK_DENSITY);
            }
        }
    }
}

/// Link boxes are left out, unless the article's prose surrounds them: then
/// they are a list the article is making (changelogs, sources, bug lists).
fn settle_link_boxes(verdicts: &mut [Option<&'static str>], meta: &[BlockMeta]) {
    let mut i = 0;
    while i < verdicts.len() {
        if verdicts[i] != Some(LINK_BOX) {
            i += 1;
            continue;
        }
        let start = i;
        while i < verdicts.len() && verdicts[i] == Some(LINK_BOX) {
            i += 1;
        }
        let before = (0..start).any(|k| verdicts[k].is_none() && is_prose(&meta[k]));
        let after = (i..verdicts.len()).any(|k| verdicts[k].is_none() && is_prose(&meta[k]));
        let verdict = if before && after { None } else { Some(LINK_DENSITY) };
        verdicts[start..i].iter_mut().for_each(|v| *v = verdict);
    }
}

/// After the article's last paragraph, short label-like lines (no sentence
/// punctuation, not list items or table rows) are page furniture: "Tags",
/// "Filed under", a share prompt, an author's name line.
fn prune_trailing_labels(verdicts: &mut [Option<&'static str>], blocks: &[Block], meta: &[BlockMeta]) {
    let Some(last_prose) = (0..blocks.len()).rev().find(|&i| verdicts[i].is_none() && is_prose(&meta[i])) else {
        return;
    };
    for i in last_prose + 1..blocks.len() {
        let label_like = meta[i].chars <= ORPHAN_LABEL_CHARS
            && !matches!(blocks[i].kind, BlockKind::ListItem { .. } | BlockKind::TableRow | BlockKind::Preformatted)
            && !ends_like_prose(&blocks[i].text);
        if verdicts[i].is_none() && label_like {
            verdicts[i] = Some(ORPHAN_LABEL);
        }
    }
}

/// A short label ("Related:", "More on this topic", "Zum Shop") whose
/// following block was left out introduced that block: it goes with it.
fn prune_orphan_labels(verdicts: &mut [Option<&'static str>], blocks: &[Block], meta: &[BlockMeta]) {
    for i in 0..blocks.len() {
        if verdicts[i].is_some()
            || meta[i].chars > ORPHAN_LABEL_CHARS
            || matches!(blocks[i].kind, BlockKind::Heading { level: 1 })
            || matches!(blocks[i].kind, BlockKind::Heading { .. } if meta[i].chars > 25)
        {
            continue;
        }
        if ends_like_prose(&blocks[i].text) {
            continue;
        }
        let next_dropped = verdicts.get(i + 1).is_some_and(|v| v.is_some_and(|r| r != CAPTION));
        if next_dropped {
            verdicts[i] = Some(ORPHAN_LABEL);
        }
    }
}

/// Per-node facts, in a table indexed by node: extraction asks about
/// ancestors of every block, and a hash lookup per question added up. A
/// node never asked about reads as the default (no text, not scored), which
/// is what a missing map entry meant.
struct Table<T> {
    rows: Vec<T>,
}

impl<T: Default + Clone> Table<T> {
    fn new(nodes: usize) -> Self {
        Table { rows: vec![T::default(); nodes] }
    }

    fn at(&mut self, id: NodeId) -> &mut T {
        if id.index() >= self.rows.len() {
            self.rows.resize(id.index() + 1, T::default());
        }
        &mut self.rows[id.index()]
    }

    fn get(&self, id: &NodeId) -> Option<&T> {
        self.rows.get(id.index())
    }

    fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.iter()
    }

    fn iter(&self) -> impl Iterator<Item = (NodeId, &T)> {
        self.rows.iter().enumerate().map(|(i, t)| (NodeId::from_index(i), t))
    }
}

impl Table<Option<Weight>> {
    /// The node's weight, computed on first use.
    fn weight(&mut self, node: NodeRef<'_>, hints: &ExtractHints) -> Weight {
        *self.at(node.id()).get_or_insert_with(|| weigh(node, hints))
    }
}

#[derive(Clone, Copy)]
struct Weight {
    /// Added once, from the tag.
    initial: f32,
    /// Multiplies the votes, from class/id tokens and article markup: a class
    /// name can tilt a close call but not make a caption outscore an article.
    factor: f32,
    boilerplate: bool,
    /// A class or id reads as content (the block classifier counts them).
    content_name: bool,
}

/// The starting score of a container, from its tag and its class/id tokens.
fn weigh(node: NodeRef<'_>, hints: &ExtractHints) -> Weight {
    let Some(el) = node.element() else {
        return Weight { initial: 0.0, factor: 1.0, boilerplate: false, content_name: false };
    };
    let mut factor: f32 = 1.0;
    let name = el.name();
    let initial: f32 = match name {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    if name == "article"
        || name == "main"
        || el.attr("itemprop").is_some_and(|v| v.split_whitespace().any(|t| t == "articleBody" || t == "text"))
    {
        factor += MARKUP_BONUS;
    }
    // Classes on code are syntax highlighting (`<pre class="comment">`), not page structure.
    let (content, named_boiler) = if matches!(name, "pre" | "code" | "kbd" | "samp" | "var") {
        (false, false)
    } else {
        classify_names(el.attr("class"), el.attr("id"), hints)
    };
    let boiler = named_boiler
        || hints.boilerplate_elements.iter().any(|e| e == name)
        || el.attr("role").is_some_and(|r| hints.boilerplate_roles.iter().any(|b| r.eq_ignore_ascii_case(b)));
    if content {
        factor += CONTENT_BONUS;
    }
    if boiler {
        factor -= BOILERPLATE_PENALTY;
    }
    Weight { initial, factor: factor.max(0.1), boilerplate: boiler && !content, content_name: content }
}

/// Reads class names and the id as `(content, boilerplate)`. Each name is
/// judged whole: a boilerplate token makes it boilerplate even beside a
/// content token (`comment-content`, `promo-related-post`); a name with only
/// content tokens marks content, which outweighs boilerplate names elsewhere
/// on the element (`post hentry tag-linkedin-ads`).
fn classify_names(class: Option<&str>, id: Option<&str>, hints: &ExtractHints) -> (bool, bool) {
    let (mut content, mut boiler) = (false, false);
    let names = class.into_iter().flat_map(str::split_whitespace).map(|n| (n, false));
    for (name, is_id) in names.chain(id.map(|i| (i, true))) {
        // Tokens are looked at in place, lower-cased only when they need it:
        // every container of every block is weighed.
        let tokens = || name.split(['-', '_', ':']).filter(|t| !t.is_empty());
        let count = tokens().count();
        let taxonomy = tokens().next().is_some_and(|t| {
            t.eq_ignore_ascii_case("tag") || t.eq_ignore_ascii_case("category") || t.eq_ignore_ascii_case("categories")
        });
        // A long id is an anchor made from prose (`sharing-with-a-single-developer`);
        // WordPress's `tag-…`/`category-…` classes name the post's taxonomy terms.
        if (is_id && count > MAX_NAME_TOKENS) || (count >= 2 && taxonomy) {
            continue;
        }
        if tokens().any(|t| contains_lower(&hints.boilerplate_tokens, t)) {
            boiler = true;
        } else if tokens().any(|t| contains_lower(&hints.content_tokens, t)) {
            content = true;
        }
    }
    (content, boiler)
}

/// `set` holds lower-case tokens: is `token`, lower-cased, one of them?
fn contains_lower(set: &std::collections::HashSet<String>, token: &str) -> bool {
    if token.bytes().any(|b| b.is_ascii_uppercase()) {
        set.contains(&token.to_ascii_lowercase())
    } else {
        set.contains(token)
    }
}

fn is_paragraph_like(node: NodeRef<'_>) -> bool {
    node.element().is_some_and(|e| {
        matches!(
            e.name(),
            "p" | "li"
                | "pre"
                | "td"
                | "th"
                | "blockquote"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "dd"
                | "dt"
                | "figcaption"
                | "tr"
                | "address"
        )
    })
}

/// A block of running text: long enough, and not mostly links.
fn is_prose(m: &BlockMeta) -> bool {
    m.chars >= 100 && m.link_chars * 5 < m.chars
}

/// Characters that end a sentence (or a quoted or bracketed one).
const SENTENCE_END: &[char] = &['.', '!', '?', '。', '！', '？', '…', '"', '”', '»', ')'];

pub(super) fn ends_like_prose(text: &str) -> bool {
    text.trim_end().ends_with(SENTENCE_END)
}

fn ends_sentence(node: NodeRef<'_>) -> bool {
    let text = node.text_content();
    ends_like_prose(&text) || text.trim_end().ends_with(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::{HtmlOptions, to_blocks};
    use crate::rules::RuleSet;

    fn hints() -> ExtractHints {
        RuleSet::embedded().unwrap().extract_hints().clone()
    }

    fn article(extra: &str) -> String {
        let para = "The council met on Tuesday, and after a long debate, it approved the budget for the coming year. ";
        format!(
            "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><div class='sidebar'><p>Popular, trending, \
             and other stories you may like, all of them linked.</p></div>{extra}<footer>© 2024</footer></body></html>",
        )
        .replace("{body}", &para.repeat(3))
    }

    fn texts(html: &str) -> Vec<String> {
        let h = hints();
        let opts = HtmlOptions {
            extract: Some(&h),
            keep_captions: true,
            url: None,
            page_types: true,
            block_model: true,
            block_features: false,
            filters: None,
        };
        to_blocks(html, &[], None, opts).blocks.into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn an_article_beside_a_run_of_teasers_is_not_a_card() {
        // Its body is longer than any card of the list (fixtures/page-types/ has the runs that are content).
        let teasers: String =
            (1..=6).map(|i| format!("<li class='teaser'><p>Another story, number {i}, and more.</p></li>")).collect();
        let page = article(&format!("<div class='body'><p>{{body}}</p></div><ul class='more'>{teasers}</ul>"));
        let out = texts(&page).join("\n");
        assert!(out.contains("approved the budget") && !out.contains("Another story"), "{out}");
    }

    #[test]
    fn names_are_judged_whole() {
        let h = hints();
        assert_eq!(classify_names(Some("post hentry tag-linkedin-ads"), None, &h), (true, false));
        assert_eq!(classify_names(Some("comment-content"), None, &h), (false, true));
        assert_eq!(classify_names(Some("adsense-policy"), None, &h), (false, false));
        assert_eq!(classify_names(None, Some("sharing-with-a-single-developer"), &h), (false, false));
    }

    #[test]
    fn taxonomy_classes_do_not_drop_the_article() {
        let page = article("<article class='post tag-linkedin-ads'><p>{body}</p><p>{body}</p></article>");
        let got = texts(&page);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("The council met"));
    }

    #[test]
    fn comment_class_on_code_keeps_the_code() {
        let page = article(
            "<article><p>{body}</p><pre class='comment'>// keep this code\nlet x = 1;</pre><p>{body}</p></article>",
        );
        assert!(texts(&page).iter().any(|t| t.contains("keep this code")));
    }

    #[test]
    fn comments_section_inside_article_is_left_out() {
        let page = article(
            "<article><p>{body}</p><p>{body}</p><div class='comments'><p>Great article, thanks for sharing it with us all!</p></div></article>",
        );
        let got = texts(&page);
        assert!(!got.iter().any(|t| t.contains("Great article")), "{got:?}");
        assert!(!got.iter().any(|t| t.contains("Popular")), "{got:?}");
    }
}
