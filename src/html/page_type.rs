//! What kind of page this is (article, forum, product, collection, listing,
//! documentation, service), from shallow features of the whole page: how
//! many of which elements, how much of the text is links or paragraphs,
//! words that name a page's purpose ("add to cart", "reply", "parameters"),
//! the JSON-LD `@type`s and `og:type` it declares, words of its URL path,
//! and the longest run of sibling elements sharing a tag and class (cards).
//!
//! No one group of features carries the type alone (measured with a Python
//! prototype, `training/page_type_prototype.py`: each removed costs 2–3
//! points), so the classifier is learned: one set of gradient-boosted trees
//! per type ([`crate::model::trees`]), fitted on the tune split of WCXB dev
//! by `cargo run --release --example train_page_types`, shipped as
//! `page_type_model.json` and embedded. Features are computed here and only
//! here, for training and for cleaning alike.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use html5ever::LocalName;
use serde::{Deserialize, Serialize};

use super::layout::BlockMeta;
use super::meta::Metadata;
use crate::document::{Block, TextCounts};
use crate::markup::dom::Dom;
use crate::model::trees::{self, Forest, Node, TreeParams};

/// The page types WCXB labels, in the model file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageType {
    Article,
    Collection,
    Documentation,
    Forum,
    Listing,
    Product,
    Service,
}

impl PageType {
    pub const ALL: [PageType; 7] = [
        PageType::Article,
        PageType::Collection,
        PageType::Documentation,
        PageType::Forum,
        PageType::Listing,
        PageType::Product,
        PageType::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PageType::Article => "article",
            PageType::Collection => "collection",
            PageType::Documentation => "documentation",
            PageType::Forum => "forum",
            PageType::Listing => "listing",
            PageType::Product => "product",
            PageType::Service => "service",
        }
    }

    /// WCXB's names (`category` is its older name for a collection).
    pub fn parse(name: &str) -> Option<PageType> {
        match name {
            "category" => Some(PageType::Collection),
            _ => PageType::ALL.into_iter().find(|t| t.as_str() == name),
        }
    }
}

impl std::fmt::Display for PageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type the classifier gives a page, and its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageKind {
    #[serde(rename = "type")]
    pub page_type: PageType,
    /// The probability of that type, 0 to 1 (the types' probabilities sum to 1).
    pub confidence: f32,
}

/// Elements counted (each as log(1 + count) and as a share of all counted).
const TAGS: [&str; 29] = [
    "article",
    "section",
    "form",
    "input",
    "button",
    "pre",
    "code",
    "table",
    "tr",
    "li",
    "ul",
    "a",
    "img",
    "h1",
    "h2",
    "h3",
    "p",
    "select",
    "nav",
    "aside",
    "footer",
    "time",
    "blockquote",
    "dl",
    "iframe",
    "video",
    "textarea",
    "label",
    "figure",
];

/// Index in [`TAGS`]: a `match`, as it runs for every element.
fn tag_index(name: &str) -> Option<usize> {
    Some(match name {
        "article" => 0,
        "section" => 1,
        "form" => 2,
        "input" => 3,
        "button" => 4,
        "pre" => 5,
        "code" => 6,
        "table" => 7,
        "tr" => 8,
        "li" => 9,
        "ul" => 10,
        "a" => 11,
        "img" => 12,
        "h1" => 13,
        "h2" => 14,
        "h3" => 15,
        "p" => 16,
        "select" => 17,
        "nav" => 18,
        "aside" => 19,
        "footer" => 20,
        "time" => 21,
        "blockquote" => 22,
        "dl" => 23,
        "iframe" => 24,
        "video" => 25,
        "textarea" => 26,
        "label" => 27,
        "figure" => 28,
        _ => return None,
    })
}

/// Words of the shown text, lower-cased, counted (as log(1 + count)).
const KEYWORDS: [&str; 43] = [
    "add to cart",
    "add to bag",
    "in stock",
    "price",
    "$",
    "€",
    "£",
    "reviews",
    "reply",
    "replies",
    "posted",
    "joined",
    "votes",
    "answer",
    "answers",
    "quote",
    "report",
    "permalink",
    "code",
    "example",
    "install",
    "npm",
    "returns",
    "parameters",
    "filter",
    "sort by",
    "results",
    "showing",
    "load more",
    "next",
    "page",
    "contact us",
    "get started",
    "free trial",
    "book a",
    "schedule",
    "pricing",
    "our services",
    "testimonials",
    "read more",
    "min read",
    "by ",
    "comments",
];

/// JSON-LD `@type`s declared (lower-cased), as flags.
const LD_TYPES: [&str; 23] = [
    "article",
    "newsarticle",
    "blogposting",
    "product",
    "offer",
    "qapage",
    "question",
    "discussionforumposting",
    "faqpage",
    "itemlist",
    "collectionpage",
    "breadcrumblist",
    "softwareapplication",
    "techarticle",
    "webpage",
    "organization",
    "service",
    "localbusiness",
    "howto",
    "recipe",
    "event",
    "searchresultspage",
    "aggregaterating",
];

/// `og:type` prefixes, as flags.
const OG_TYPES: [&str; 6] = ["article", "product", "website", "blog", "profile", "video"];

/// Segments of the URL path (split on `/?#=&._-`), as flags; a year
/// (`20` and two digits) is one more.
const URL_WORDS: [&str; 46] = [
    "blog",
    "news",
    "article",
    "docs",
    "doc",
    "documentation",
    "api",
    "guide",
    "reference",
    "forum",
    "forums",
    "thread",
    "t",
    "questions",
    "q",
    "community",
    "discussion",
    "topic",
    "product",
    "products",
    "p",
    "shop",
    "store",
    "item",
    "dp",
    "category",
    "categories",
    "collections",
    "collection",
    "tag",
    "search",
    "list",
    "services",
    "service",
    "solutions",
    "pricing",
    "about",
    "features",
    "wiki",
    "help",
    "support",
    "learn",
    "tutorial",
    "reviews",
    "best",
    "faq",
];

const TEXT_AT: usize = 2 * TAGS.len();
const KEYWORDS_AT: usize = TEXT_AT + 3;
const LD_AT: usize = KEYWORDS_AT + KEYWORDS.len();
const OG_AT: usize = LD_AT + LD_TYPES.len();
const URL_AT: usize = OG_AT + OG_TYPES.len();
const SIBLINGS_AT: usize = URL_AT + URL_WORDS.len() + 3;

/// How many features a page has.
pub const N: usize = SIBLINGS_AT + 1;
pub type Features = [f32; N];

/// The features' names, in order: what the model file lists.
pub fn feature_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(N);
    names.extend(TAGS.iter().map(|t| format!("tags:{t}")));
    names.extend(TAGS.iter().map(|t| format!("share:{t}")));
    names.extend(["words", "link_share", "paragraph_share"].map(String::from));
    names.extend(KEYWORDS.iter().map(|k| format!("text:{}", k.trim())));
    names.extend(LD_TYPES.iter().map(|t| format!("json_ld:{t}")));
    names.extend(OG_TYPES.iter().map(|t| format!("og_type:{t}")));
    names.extend(URL_WORDS.iter().map(|w| format!("url:{w}")));
    names.extend(["url:year", "url_segments", "url_root", "sibling_run"].map(String::from));
    names
}

/// The keywords are lower-case ASCII or caseless symbols, so matching ASCII
/// case-insensitively counts what a lower-cased copy of the text would.
static KEYWORD_SEARCH: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::builder().ascii_case_insensitive(true).build(KEYWORDS).ok());

/// The features of a laid-out page. `blocks` and `meta` are the layout's
/// (selector rules applied, before extraction); `url` the page's address if
/// known, else its canonical URL is read.
pub fn features(doc: &Dom, blocks: &[Block], meta: &[BlockMeta], url: Option<&str>, page: &Metadata) -> Features {
    let mut f = [0f32; N];
    let ln = |n: usize| (n as f32).ln_1p();

    // Elements, and the longest run of siblings with one tag and class.
    let mut counts = [0usize; TAGS.len()];
    let mut longest_run = 0usize;
    for node in doc.root_element().descendants() {
        let Some(e) = node.element() else { continue };
        if let Some(i) = tag_index(e.name()) {
            counts[i] += 1;
        }
        let mut run = 0usize;
        let mut last: Option<(&LocalName, Option<&str>)> = None;
        for child in node.children() {
            let Some(c) = child.element() else { continue };
            let key = c.tag_and_class();
            run = if last == Some(key) { run + 1 } else { 1 };
            last = Some(key);
            longest_run = longest_run.max(run);
        }
    }
    let total = counts.iter().sum::<usize>() as f32 + 1.0;
    for (i, &c) in counts.iter().enumerate() {
        f[i] = ln(c);
        f[TAGS.len() + i] = c as f32 / total;
    }

    // The shown text: words, the share in links and in paragraphs.
    let mut words = 0usize;
    let (mut chars, mut link_chars, mut paragraph_chars) = (0usize, 0usize, 0usize);
    let mut text = String::new();
    for (block, m) in blocks.iter().zip(meta) {
        words += TextCounts::of(&block.text).words;
        chars += m.chars;
        link_chars += m.link_chars;
        if doc.get(m.node).and_then(|n| n.element()).is_some_and(|e| e.name() == "p") {
            paragraph_chars += m.chars;
        }
        text.push_str(&block.text);
        text.push(' ');
    }
    let share = |part: usize| if chars == 0 { 0.0 } else { part as f32 / chars as f32 };
    f[TEXT_AT] = ln(words);
    f[TEXT_AT + 1] = share(link_chars);
    f[TEXT_AT + 2] = share(paragraph_chars);

    if let Some(search) = KEYWORD_SEARCH.as_ref() {
        let mut hits = [0usize; KEYWORDS.len()];
        for m in search.find_overlapping_iter(&text) {
            hits[m.pattern().as_usize()] += 1;
        }
        for (i, &h) in hits.iter().enumerate() {
            f[KEYWORDS_AT + i] = ln(h);
        }
    }

    for (i, t) in LD_TYPES.iter().enumerate() {
        f[LD_AT + i] = flag(page.json_ld_types.iter().any(|d| d == t));
    }
    let og = page.og_type.as_deref().unwrap_or("");
    for (i, t) in OG_TYPES.iter().enumerate() {
        f[OG_AT + i] = flag(og.starts_with(t));
    }

    let path = url.or(page.canonical_url.as_deref()).map(url_path).unwrap_or_default();
    let segments: Vec<&str> = path.split(['/', '?', '#', '=', '&', '.', '_', '-']).filter(|s| !s.is_empty()).collect();
    for (i, w) in URL_WORDS.iter().enumerate() {
        f[URL_AT + i] = flag(segments.contains(w));
    }
    let year = |s: &&str| s.len() == 4 && s.starts_with("20") && s.bytes().all(|b| b.is_ascii_digit());
    f[URL_AT + URL_WORDS.len()] = flag(segments.iter().any(year));
    f[URL_AT + URL_WORDS.len() + 1] = segments.len() as f32;
    f[URL_AT + URL_WORDS.len() + 2] = flag(path.is_empty() || path == "/");
    f[SIBLINGS_AT] = ln(longest_run);
    f
}

fn flag(b: bool) -> f32 {
    if b { 1.0 } else { 0.0 }
}

/// The lower-cased path, query and fragment of a URL (all of it if it has
/// no `scheme://host`).
fn url_path(url: &str) -> String {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find(['/', '?', '#']).map_or("", |j| &after[j..])
        }
        None => url,
    };
    rest.to_lowercase()
}

/// The fitted classifier: per type, the log-odds it starts from and its trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageTypeModel {
    /// The feature names, to check the file against the code.
    pub features: Vec<String>,
    pub classes: Vec<PageType>,
    pub params: TreeParams,
    /// Per class, in `classes` order.
    pub base: Vec<f32>,
    pub trees: Vec<Vec<Vec<Node>>>,
    /// Per class, its trees laid out for scoring.
    #[serde(skip)]
    forests: Vec<Forest>,
}

static SHIPPED: LazyLock<Option<PageTypeModel>> = LazyLock::new(|| PageTypeModel::from_json(SHIPPED_JSON).ok());

/// The shipped model file, as trained.
pub const SHIPPED_JSON: &str = include_str!("page_type_model.json");

impl PageTypeModel {
    /// The model embedded in the binary; `None` only if its file does not
    /// match [`feature_names`] (a test keeps that from shipping).
    pub fn shipped() -> Option<&'static PageTypeModel> {
        SHIPPED.as_ref()
    }

    pub fn from_json(text: &str) -> Result<PageTypeModel, String> {
        let model: PageTypeModel = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if model.features != feature_names() {
            return Err("the model's features are not this build's".into());
        }
        if model.classes.is_empty()
            || model.base.len() != model.classes.len()
            || model.trees.len() != model.classes.len()
        {
            return Err("the model's classes, bases and trees do not match".into());
        }
        trees::check(model.trees.iter().flatten(), N)?;
        let forests = model.trees.iter().map(|t| Forest::new(t)).collect::<Result<_, _>>()?;
        Ok(PageTypeModel { forests, ..model })
    }

    /// The model as its file holds it: one tree per line.
    pub fn to_json(&self) -> String {
        fn json<T: Serialize + ?Sized>(v: &T) -> String {
            serde_json::to_string(v).unwrap_or_default()
        }
        let mut out = format!(
            "{{\n  \"features\": {},\n  \"classes\": {},\n  \"params\": {},\n  \"base\": [{}],\n  \"trees\": [\n",
            json(&self.features),
            json(&self.classes),
            json(&self.params),
            self.base.iter().map(|&b| trees::number(b)).collect::<Vec<_>>().join(", ")
        );
        for (c, class) in self.trees.iter().enumerate() {
            out.push_str("    [\n");
            out.push_str(&trees::trees_json(class, "      "));
            out.push_str(if c + 1 < self.trees.len() { "    ],\n" } else { "    ]\n" });
        }
        out.push_str("  ]\n}\n");
        out
    }

    /// Every type's probability: each type's trees give its log-odds against
    /// the rest; the sigmoids are normalised to sum 1.
    pub fn probabilities(&self, f: &Features) -> Vec<(PageType, f32)> {
        let p: Vec<f32> = self
            .base
            .iter()
            .zip(&self.forests)
            .map(|(&base, forest)| {
                let z = base + forest.sums(std::slice::from_ref(f))[0];
                1.0 / (1.0 + (-z).exp())
            })
            .collect();
        let sum: f32 = p.iter().sum::<f32>().max(f32::MIN_POSITIVE);
        self.classes.iter().zip(p).map(|(&c, p)| (c, p / sum)).collect()
    }

    /// The most probable type (the first of equals, in `classes` order).
    pub fn classify(&self, f: &Features) -> PageKind {
        PageKind::most_probable(&self.probabilities(f))
    }
}

impl PageKind {
    /// The most probable of [`PageTypeModel::probabilities`] (the first of
    /// equals), its confidence rounded as the report shows it.
    pub fn most_probable(probabilities: &[(PageType, f32)]) -> PageKind {
        let mut best = PageKind { page_type: PageType::Article, confidence: 0.0 };
        for &(page_type, confidence) in probabilities {
            if confidence > best.confidence {
                best = PageKind { page_type, confidence };
            }
        }
        best.confidence = trees::round(f64::from(best.confidence));
        best
    }
}

/// A row of `training/wcxb/page_features.tsv`.
#[derive(Debug, Clone)]
pub struct Row {
    pub file_id: String,
    pub host: String,
    pub split: String,
    pub page_type: PageType,
    pub features: Features,
}

/// Reads the rows of `page_features.tsv` (header: `file_id host split
/// page_type` and the feature names).
pub fn parse_rows(tsv: &str) -> Result<Vec<Row>, String> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split('\t').collect();
    if header.len() != 4 + N || !header[4..].iter().copied().eq(feature_names().iter().map(String::as_str)) {
        return Err("the header's features are not this build's: run the `features` step".into());
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != 4 + N {
            return Err(format!("line {}: {} cells, not {}", i + 2, cells.len(), 4 + N));
        }
        let page_type = PageType::parse(cells[3]).ok_or_else(|| format!("line {}: page type {:?}", i + 2, cells[3]))?;
        let mut features = [0f32; N];
        for (k, cell) in cells[4..].iter().enumerate() {
            features[k] = cell.parse().map_err(|_| format!("line {}: {cell:?} is not a number", i + 2))?;
        }
        rows.push(Row {
            file_id: cells[0].to_owned(),
            host: cells[1].to_owned(),
            split: cells[2].to_owned(),
            page_type,
            features,
        });
    }
    Ok(rows)
}

/// The parameters the shipped model is trained with.
pub const PARAMS: TreeParams = TreeParams { rounds: 120, depth: 3, learning_rate: 0.1, lambda: 1.0, min_weight: 1.0 };

/// Fits one set of trees per type present in `rows` (one type against the
/// rest), each type weighed as much as any other in total, as the types'
/// page counts differ fivefold.
pub fn train(rows: &[&Row], params: TreeParams) -> PageTypeModel {
    let classes: Vec<PageType> = PageType::ALL.into_iter().filter(|t| rows.iter().any(|r| r.page_type == *t)).collect();
    let per_class = |t: PageType| rows.iter().filter(|r| r.page_type == t).count() as f64;
    let weights: Vec<f64> =
        rows.iter().map(|r| rows.len() as f64 / (classes.len() as f64 * per_class(r.page_type))).collect();
    let mut base = Vec::with_capacity(classes.len());
    let mut trees = Vec::with_capacity(classes.len());
    for &class in &classes {
        let labelled: Vec<(Features, bool)> = rows.iter().map(|r| (r.features, r.page_type == class)).collect();
        let (b, t) = trees::boost(&labelled, Some(&weights), params);
        base.push(b);
        trees.push(t);
    }
    let forests = trees
        .iter()
        .map(|t| Forest::new(t).expect("trees grown to params.depth, at most FOREST_MAX_DEPTH, lay out"))
        .collect();
    PageTypeModel { features: feature_names(), classes, params, base, trees, forests }
}

/// Fits the shipped model from every tune row.
pub fn fit(rows: &[Row], params: TreeParams) -> PageTypeModel {
    let tune: Vec<&Row> = rows.iter().filter(|r| r.split == "tune").collect();
    train(&tune, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whatever_the_case_as_a_lower_cased_text_would() {
        // ASCII case folding is all the search does: a keyword must be lower-case ASCII or caseless.
        for k in KEYWORDS {
            assert!(k.chars().all(|c| c.is_ascii_lowercase() || !c.is_alphabetic()), "{k}");
        }
        let f = |text: &str| {
            let mut hits = [0usize; KEYWORDS.len()];
            KEYWORD_SEARCH.as_ref().unwrap().find_overlapping_iter(text).for_each(|m| hits[m.pattern()] += 1);
            hits
        };
        assert_eq!(f("ADD TO CART · Price €9 — Sort By"), f(&"ADD TO CART · Price €9 — Sort By".to_lowercase()));
    }

    #[test]
    fn the_shipped_model_matches_the_features() {
        assert!(PageTypeModel::shipped().is_some(), "page_type_model.json does not load");
        assert_eq!(feature_names().len(), N);
    }

    #[test]
    fn url_paths() {
        assert_eq!(url_path("https://Example.com/Forum/t/123?x=1"), "/forum/t/123?x=1");
        assert_eq!(url_path("https://example.com"), "");
        assert_eq!(url_path("/docs/api"), "/docs/api");
    }
}
