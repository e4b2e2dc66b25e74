//! The block classifier: after the container extraction has given each block
//! its verdict, boosted trees look at the block, its ancestors, its
//! neighbours, the extractor's votes and the page's type, and decide again.
//! The hand-tuned extraction is its strongest feature and its fallback (no
//! model shipped, or `--no-block-model`): it generalises where thresholds
//! fitted to articles do not (the cards of a listing are link-dense and are
//! its content; a product page's specs are short rows).
//!
//! The trees are `block_model.json`, fitted on WCXB tune by
//! `examples/train_block_model.rs`. A block whose verdict the model turns
//! from kept to dropped is reported as `builtin:block-model` with the
//! model's probability that it is content.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::layout::BlockMeta;
use crate::document::{Block, BlockKind, TextCounts};
use crate::model::trees::{self, Forest, Node, TreeParams};

/// The removal id of a block the model drops.
pub const BLOCK_MODEL: &str = "builtin:block-model";

/// Ancestor elements whose presence above a block is a feature, in order.
pub const ANCESTOR_TAGS: [&str; 12] =
    ["nav", "aside", "footer", "header", "form", "li", "article", "main", "table", "figure", "section", "a"];

/// What extraction knew of one block, gathered in `extract.rs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlockView {
    /// The extractor's verdict (`None`: kept).
    pub verdict: Option<&'static str>,
    /// Below the chosen content container(s).
    pub inside: bool,
    /// A boilerplate-weighted element lies between it and the container (or the root).
    pub any_boiler: bool,
    /// Below a small, mostly-links box.
    pub link_box: bool,
    /// Elements above the block's own.
    pub depth: usize,
    /// Siblings of the block's element with its tag and class (itself included).
    pub repeat_here: usize,
    /// The most such siblings of any ancestor.
    pub repeat_max: usize,
    /// Bit `i`: an ancestor is `ANCESTOR_TAGS[i]`.
    pub ancestors: u16,
    /// Ancestors weighed as boilerplate by class, id, role or element.
    pub boiler_ancestors: usize,
    /// Ancestors whose class or id reads as content.
    pub content_ancestors: usize,
    /// Text under the block's parent element, and in links there.
    pub parent_chars: usize,
    pub parent_link_chars: usize,
}

/// What extraction knew of the page.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageView {
    pub total_chars: usize,
    pub content_chars: usize,
    pub content_link_density: f32,
    pub score: f32,
    /// The page type's probabilities, in [`super::page_type::PageType::ALL`] order (zeros without).
    pub page_type: [f32; 7],
}

const VERDICTS: [&str; 5] = [
    super::extract::OUTSIDE_MAIN,
    super::extract::BOILERPLATE_CLASS,
    super::extract::LINK_DENSITY,
    super::extract::CAPTION,
    super::extract::ORPHAN_LABEL,
];

const BLOCK_AT: usize = 1 + VERDICTS.len();
const BLOCK_NAMES: [&str; 22] = [
    "inside",
    "any_boiler",
    "link_box",
    "chars",
    "link_density",
    "words",
    "commas_per_100",
    "ends_like_prose",
    "ends_with_colon",
    "digit_share",
    "upper_share",
    "paragraph",
    "heading_level",
    "list_item",
    "table_row",
    "preformatted",
    "quote",
    "caption",
    "depth",
    "repeat_here",
    "repeat_max",
    "boiler_ancestors",
];
const ANCESTORS_AT: usize = BLOCK_AT + BLOCK_NAMES.len();
const REST_AT: usize = ANCESTORS_AT + ANCESTOR_TAGS.len();
const REST_NAMES: [&str; 18] = [
    "content_ancestors",
    "parent_link_density",
    "parent_chars",
    "position",
    "chars_before",
    "before_first_kept",
    "after_last_kept",
    "blocks_to_kept",
    "prev_link_density",
    "next_link_density",
    "prev_kept",
    "next_kept",
    "same_verdict_run",
    "page_chars",
    "content_share",
    "content_link_density",
    "extraction_score",
    "blocks",
];
const TYPE_AT: usize = REST_AT + REST_NAMES.len();
/// Features per block.
pub const M: usize = TYPE_AT + 7;

pub type BlockFeatures = [f32; M];

/// The feature names, in order (the model file lists them, and is refused
/// when they are not this build's).
pub fn feature_names() -> Vec<String> {
    let mut names = vec!["kept".to_owned()];
    names.extend(VERDICTS.iter().map(|v| format!("verdict_{}", v.trim_start_matches("builtin:"))));
    names.extend(BLOCK_NAMES.iter().map(|s| (*s).to_owned()));
    names.extend(ANCESTOR_TAGS.iter().map(|t| format!("under_{t}")));
    names.extend(REST_NAMES.iter().map(|s| (*s).to_owned()));
    names.extend(super::page_type::PageType::ALL.iter().map(|t| format!("type_{t}")));
    names
}

fn flag(b: bool) -> f32 {
    if b { 1.0 } else { 0.0 }
}

fn ln(n: usize) -> f32 {
    (n as f32).ln_1p()
}

/// The features of every block.
pub fn features(blocks: &[Block], meta: &[BlockMeta], views: &[BlockView], page: &PageView) -> Vec<BlockFeatures> {
    let n = blocks.len();
    let kept: Vec<usize> = (0..n).filter(|&i| views[i].verdict.is_none()).collect();
    let (first_kept, last_kept) = (kept.first().copied(), kept.last().copied());
    let total = page.total_chars.max(1) as f32;
    let mut chars_before = 0usize;
    let density = |m: &BlockMeta| if m.chars == 0 { 0.0 } else { m.link_chars as f32 / m.chars as f32 };
    let mut next_kept_at = vec![usize::MAX; n + 1];
    for i in (0..n).rev() {
        next_kept_at[i] = if views[i].verdict.is_none() { i } else { next_kept_at[i + 1] };
    }
    // Where each block's run of one verdict ends.
    let mut run_ends = vec![0usize; n];
    for i in (0..n).rev() {
        run_ends[i] = if i + 1 < n && views[i + 1].verdict == views[i].verdict { run_ends[i + 1] } else { i };
    }
    let mut prev_kept_at = usize::MAX;
    let mut run_start = 0usize;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (b, m, v) = (&blocks[i], &meta[i], &views[i]);
        let mut f = [0f32; M];
        f[0] = flag(v.verdict.is_none());
        for (k, id) in VERDICTS.iter().enumerate() {
            f[1 + k] = flag(v.verdict == Some(*id));
        }
        let text = &b.text;
        let TextCounts { words, digits, letters, upper, commas } = TextCounts::of(text);
        let chars = m.chars.max(1) as f32;
        let trimmed = text.trim_end();
        let x = &mut f[BLOCK_AT..];
        x[0] = flag(v.inside);
        x[1] = flag(v.any_boiler);
        x[2] = flag(v.link_box);
        x[3] = ln(m.chars);
        x[4] = density(m);
        x[5] = ln(words);
        x[6] = commas as f32 * 100.0 / chars;
        x[7] = flag(super::extract::ends_like_prose(text));
        x[8] = flag(trimmed.ends_with(':'));
        x[9] = digits as f32 / chars;
        x[10] = if letters == 0 { 0.0 } else { upper as f32 / letters as f32 };
        x[11] = flag(b.kind == BlockKind::Paragraph);
        x[12] = match b.kind {
            BlockKind::Heading { level } => f32::from(level),
            _ => 0.0,
        };
        x[13] = flag(matches!(b.kind, BlockKind::ListItem { .. }));
        x[14] = flag(b.kind == BlockKind::TableRow);
        x[15] = flag(b.kind == BlockKind::Preformatted);
        x[16] = flag(b.kind == BlockKind::Quote);
        x[17] = flag(m.caption);
        x[18] = ln(v.depth);
        x[19] = ln(v.repeat_here);
        x[20] = ln(v.repeat_max);
        x[21] = v.boiler_ancestors as f32;
        for (k, x) in f[ANCESTORS_AT..REST_AT].iter_mut().enumerate() {
            *x = flag(v.ancestors & (1 << k) != 0);
        }
        if i > 0 && views[i - 1].verdict != v.verdict {
            run_start = i;
        }
        let run_end = run_ends[i];
        let next_kept = next_kept_at[i + 1];
        let to_kept = if v.verdict.is_none() {
            0
        } else {
            let back = if prev_kept_at == usize::MAX { usize::MAX } else { i - prev_kept_at };
            let ahead = if next_kept == usize::MAX { usize::MAX } else { next_kept - i };
            back.min(ahead).min(n)
        };
        let r = &mut f[REST_AT..TYPE_AT];
        r[0] = v.content_ancestors as f32;
        r[1] = if v.parent_chars == 0 { 0.0 } else { v.parent_link_chars as f32 / v.parent_chars as f32 };
        r[2] = ln(v.parent_chars);
        r[3] = if n <= 1 { 0.0 } else { i as f32 / (n - 1) as f32 };
        r[4] = chars_before as f32 / total;
        r[5] = flag(first_kept.is_none_or(|k| i < k));
        r[6] = flag(last_kept.is_none_or(|k| i > k));
        r[7] = ln(to_kept);
        r[8] = if i > 0 { density(&meta[i - 1]) } else { 0.0 };
        r[9] = meta.get(i + 1).map_or(0.0, density);
        r[10] = flag(i > 0 && views[i - 1].verdict.is_none());
        r[11] = flag(views.get(i + 1).is_some_and(|w| w.verdict.is_none()));
        r[12] = ln(run_end + 1 - run_start);
        r[13] = ln(page.total_chars);
        r[14] = page.content_chars as f32 / total;
        r[15] = page.content_link_density;
        r[16] = page.score;
        r[17] = ln(n);
        f[TYPE_AT..].copy_from_slice(&page.page_type);
        chars_before += m.chars;
        if v.verdict.is_none() {
            prev_kept_at = i;
        }
        out.push(f);
    }
    out
}

/// The fitted classifier: the probability that a block is the page's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockModel {
    pub features: Vec<String>,
    pub params: TreeParams,
    /// A block the extractor kept is dropped below this probability…
    pub drop_below: f32,
    /// …and one it left out is brought back at this one or more: the model
    /// overrules the extractor only when it is sure.
    pub keep_above: f32,
    pub base: f32,
    pub trees: Vec<Vec<Node>>,
    /// The trees laid out for scoring a page's blocks at once.
    #[serde(skip)]
    forest: Forest,
}

static SHIPPED: LazyLock<Option<BlockModel>> = LazyLock::new(|| BlockModel::from_json(SHIPPED_JSON).ok());

/// The shipped model file, as trained.
pub const SHIPPED_JSON: &str = include_str!("block_model.json");

impl BlockModel {
    /// The model embedded in the binary; `None` if its file does not match
    /// [`feature_names`] (a test keeps that from shipping).
    pub fn shipped() -> Option<&'static BlockModel> {
        SHIPPED.as_ref()
    }

    pub fn from_json(text: &str) -> Result<BlockModel, String> {
        let model: BlockModel = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if model.features != feature_names() {
            return Err("the model's features are not this build's".into());
        }
        trees::check(&model.trees, M)?;
        Ok(BlockModel { forest: Forest::new(&model.trees)?, ..model })
    }

    /// The model as its file holds it: one tree per line.
    pub fn to_json(&self) -> String {
        let num = trees::number;
        let mut out = format!(
            "{{\n  \"features\": {},\n  \"params\": {},\n  \"drop_below\": {},\n  \"keep_above\": {},\n  \"base\": {},\n  \"trees\": [\n",
            serde_json::to_string(&self.features).unwrap_or_default(),
            serde_json::to_string(&self.params).unwrap_or_default(),
            num(self.drop_below),
            num(self.keep_above),
            num(self.base)
        );
        out.push_str(&trees::trees_json(&self.trees, "    "));
        out.push_str("  ]\n}\n");
        out
    }

    /// Whether to keep a block the extractor kept (`kept`) or left out.
    pub fn keeps(&self, kept: bool, p: f32) -> bool {
        if kept { p >= self.drop_below } else { p >= self.keep_above }
    }

    /// The probability that the block is content.
    pub fn probability(&self, f: &BlockFeatures) -> f32 {
        self.probabilities(std::slice::from_ref(f))[0]
    }

    /// [`BlockModel::probability`] of each of a page's blocks, scored together.
    pub fn probabilities(&self, blocks: &[BlockFeatures]) -> Vec<f32> {
        let sums = self.forest.sums(blocks);
        sums.into_iter().map(|sum| 1.0 / (1.0 + (-(self.base + sum)).exp())).collect()
    }
}

/// A row of `training/wcxb/block_features.tsv`.
#[derive(Debug, Clone)]
pub struct Row {
    pub file_id: String,
    pub split: String,
    /// Share of the block's words the gold text holds (0–1).
    pub label: f32,
    /// The block's words.
    pub words: f32,
    /// The page's gold words.
    pub gold_words: f32,
    pub features: BlockFeatures,
}

/// Reads `block_features.tsv` (header: `file_id split label words gold_words` and the feature names).
pub fn parse_rows(tsv: &str) -> Result<Vec<Row>, String> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split('\t').collect();
    if header.len() != 5 + M || !header[5..].iter().copied().eq(feature_names().iter().map(String::as_str)) {
        return Err("the header's features are not this build's: run the `features` step".into());
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != 5 + M {
            return Err(format!("line {}: {} cells, not {}", i + 2, cells.len(), 5 + M));
        }
        let num = |cell: &str| cell.parse::<f32>().map_err(|_| format!("line {}: {cell:?} is not a number", i + 2));
        let mut features = [0f32; M];
        for (k, cell) in cells[5..].iter().enumerate() {
            features[k] = num(cell)?;
        }
        rows.push(Row {
            file_id: cells[0].to_owned(),
            split: cells[1].to_owned(),
            label: num(cells[2])?,
            words: num(cells[3])?,
            gold_words: num(cells[4])?,
            features,
        });
    }
    Ok(rows)
}

/// Cuts per feature (a quarter of a million rows: exact splits cost minutes).
pub const BINS: usize = 64;

/// The parameters the shipped model is trained with.
pub const PARAMS: TreeParams = TreeParams { rounds: 100, depth: 4, learning_rate: 0.1, lambda: 1.0, min_weight: 30.0 };

/// The shipped model's thresholds: `(drop_below, keep_above)`.
pub const THRESHOLDS: (f32, f32) = (0.2, 0.8);

/// A block is content when most of its words are in the gold text.
pub const CONTENT_LABEL: f32 = 0.5;

/// Fits the model on `rows`, each block weighed by its words over its page's
/// gold words (at least 50): WCXB's metric is per page, so each page counts
/// about alike, and a block counts by the words it adds or loses.
pub fn train(rows: &[&Row], params: TreeParams, (drop_below, keep_above): (f32, f32)) -> BlockModel {
    let labelled: Vec<(BlockFeatures, bool)> = rows.iter().map(|r| (r.features, r.label >= CONTENT_LABEL)).collect();
    let weights: Vec<f64> =
        rows.iter().map(|r| 100.0 * f64::from(r.words) / f64::from(r.gold_words.max(50.0))).collect();
    let (base, trees) = trees::boost_binned(&labelled, Some(&weights), params, BINS);
    let forest = Forest::new(&trees).expect("trees grown to params.depth, at most FOREST_MAX_DEPTH, lay out");
    BlockModel { features: feature_names(), params, drop_below, keep_above, base, trees, forest }
}

/// Fits the shipped model from every tune row.
pub fn fit(rows: &[Row], params: TreeParams, thresholds: (f32, f32)) -> BlockModel {
    let tune: Vec<&Row> = rows.iter().filter(|r| r.split == "tune").collect();
    train(&tune, params, thresholds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_feature_count() {
        assert_eq!(feature_names().len(), M);
    }
}
