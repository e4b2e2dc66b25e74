//! `declutter rules suggest`: boilerplate that repeats across many pages of
//! one site while article text does not, turned into ready-to-paste rules.
//!
//! Two kinds of evidence, both taken from what the current rules still let
//! through (so suggestions cover what is left to remove):
//! - elements by class or id (`div.share-bar`, `#newsletter`) present on a
//!   large share of a site's pages, whose text either repeats from page to page
//!   or is mostly links laid out as blocks of their own, and which are not the
//!   article container. A selector is judged by everything it names on a page,
//!   not its first element: `p.story-body-text` is every paragraph of the story,
//!   which differs on every page;
//! - blocks whose text (or its shape, digits aside) recurs on many pages.
//!
//! Only what the layout shows is looked at: an element the layout walk skips
//! (`hidden`, `aria-hidden`, `display: none`, screen-reader-only, `<button>`…)
//! is never suggested, since a rule for it would "remove" nothing anyone sees
//! and no removal could name it.
//!
//! Each suggestion is compiled and its examples run before it is printed, so
//! what comes out loads. A selector's `keep` example is an article paragraph as
//! it stands on its page (the element with its class and id, inside its
//! ancestors), so a selector that matches the article fails its own example.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::report::escape;
use crate::Cleaned;
use crate::html::subtree_text;
use crate::markup::dom::{Dom, NodeRef};
use crate::rules::key::key;
use crate::rules::{Category, RuleSet, RuleSource};

/// What counts as recurring.
#[derive(Debug, Clone)]
pub struct SuggestOptions {
    /// A pattern must touch at least this many pages…
    pub min_pages: usize,
    /// …and at least this share of the site's pages.
    pub min_share: f64,
    /// Suggestions printed per site, best first.
    pub max_rules: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions { min_pages: 3, min_share: 0.3, max_rules: 40 }
    }
}

/// One suggested rule.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub category: Category,
    /// `selector` or `block`.
    pub kind: &'static str,
    /// The selector, or the block condition as TOML (`{ equals = "…" }`).
    pub pattern: String,
    pub pages: usize,
    pub share: f64,
    /// Characters it removes per page it touches, on average (ranks ties on pages).
    pub chars: usize,
    /// A text it removed, as seen in the corpus.
    pub sample: String,
    pub remove_example: String,
    pub keep_example: Option<String>,
    /// The `[[rule]]` table, ready to paste.
    pub toml: String,
    /// The same rule with every article paragraph gathered as `keep`: what
    /// it was tested against before being printed.
    #[serde(skip)]
    checked: String,
}

/// Suggestions for one site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteSuggestions {
    pub site: String,
    pub pages: usize,
    pub suggestions: Vec<Suggestion>,
}

/// Gathers evidence page by page; [`Collector::finish`] ranks it.
#[derive(Debug, Default)]
pub struct Collector {
    sites: HashMap<String, Site>,
    too_deep: usize,
}

#[derive(Debug, Default)]
struct Site {
    pages: usize,
    blocks: HashMap<String, Seen>,
    shapes: HashMap<String, Seen>,
    elements: HashMap<String, ElementSeen>,
    /// Long kept paragraphs, for `keep` examples.
    prose: Vec<Prose>,
    kept_chars: usize,
}

#[derive(Debug, Default)]
struct Seen {
    pages: usize,
    text: String,
}

/// An article paragraph: its text (the `keep` example of block rules) and, when
/// it was found in the markup, the element as it stands on its page (that of
/// selector rules).
#[derive(Debug)]
struct Prose {
    text: String,
    key: String,
    html: Option<String>,
}

/// One selector over the pages it names something on. Per page, what counts
/// is everything it names there, in order.
#[derive(Debug, Default)]
struct ElementSeen {
    pages: usize,
    /// A page's text under the selector (key) → pages it was seen on.
    texts: HashMap<String, usize>,
    /// Characters of its text (as keys count them), over all its pages.
    chars: usize,
    /// Visible text characters (no whitespace), and how many are link text.
    text_chars: usize,
    link_chars: usize,
    /// Pages where everything it names is laid out as whole blocks (a box of
    /// its own, not a link or span inside a paragraph).
    whole_pages: usize,
    sample: String,
    tag: String,
}

/// Elements with more text than this are containers, not boilerplate boxes.
const MAX_ELEMENT_CHARS: usize = 8000;
/// Longest block generalized to a digit-free shape.
const MAX_SHAPE_CHARS: usize = 100;
/// Elements with more nodes than this are containers too (and a page nested
/// deeper than this costs no more than this many layouts per node).
const MAX_BOX_NODES: usize = 5000;
/// Laid-out elements nested in one another at most: deeper ones are only
/// asked whether they hide themselves, and are never suggested. Pages are
/// rarely nested this deep below their last container.
const MAX_LAID_DEPTH: usize = 64;
/// Candidate selectors per site kept in memory (most elements are one-offs).
const MAX_ELEMENTS_PER_SITE: usize = 20_000;
/// Article paragraphs kept per site for `keep` examples, and per page.
const MAX_PROSE: usize = 8;
const MAX_PROSE_PER_PAGE: usize = 2;
/// Text characters of an article paragraph shown in a `keep` example.
const KEEP_CHARS: usize = 240;

impl Collector {
    pub fn new() -> Self {
        Collector::default()
    }

    /// Adds one page: its site, its cleaned output and (for HTML) its markup.
    pub fn add(&mut self, site: &str, cleaned: &Cleaned, html: Option<&str>) {
        let s = self.sites.entry(site.to_owned()).or_default();
        s.pages += 1;
        let mut page_keys: HashSet<String> = HashSet::new();
        let mut page_shapes: HashSet<String> = HashSet::new();
        let mut whole_blocks: HashSet<String> = HashSet::new();
        let mut output = String::new();
        let prose_before = s.prose.len();
        for b in &cleaned.blocks {
            let k = key(&b.text);
            s.kept_chars += k.len();
            output.push_str(&k);
            output.push(' ');
            whole_blocks.insert(k.clone());
            let chars = k.chars().count();
            if s.prose.len() < MAX_PROSE
                && s.prose.len() - prose_before < MAX_PROSE_PER_PAGE
                && chars > 200
                && b.text.ends_with(['.', '!', '?', '”', '"'])
            {
                s.prose.push(Prose { text: b.text.clone(), key: k.clone(), html: None });
            }
            if !(2..=300).contains(&chars) {
                continue;
            }
            if page_keys.insert(k.clone()) {
                let seen = s.blocks.entry(k.clone()).or_default();
                seen.pages += 1;
                if seen.text.is_empty() {
                    seen.text = b.text.clone();
                }
            }
            let shape = shape(&k);
            // Shapes are for short template lines ("updated 3 hours ago"), not
            // prose, and not headings ("Part 2", "Chapter 12" are the article's).
            let heading = matches!(b.kind, crate::BlockKind::Heading { .. });
            if shape != k && !heading && k.len() <= MAX_SHAPE_CHARS && page_shapes.insert(shape.clone()) {
                let seen = s.shapes.entry(shape).or_default();
                seen.pages += 1;
                if seen.text.is_empty() {
                    seen.text = b.text.clone();
                }
            }
        }
        if let Some(html) = html {
            let page = Page { output: &output, whole_blocks: &whole_blocks, prose_from: prose_before };
            let walked = collect_elements(s, html, &page);
            self.too_deep += usize::from(walked.too_deep);
        }
    }

    /// Pages with elements nested below `MAX_LAID_DEPTH` laid-out ones: those
    /// were not considered (the caller says so).
    pub fn too_deep_pages(&self) -> usize {
        self.too_deep
    }

    /// Ranked, validated suggestions per site with at least `min_pages` pages.
    pub fn finish(self, options: &SuggestOptions) -> Vec<SiteSuggestions> {
        let mut out: Vec<SiteSuggestions> = self
            .sites
            .into_iter()
            .filter(|(_, s)| s.pages >= options.min_pages)
            .map(|(name, site)| {
                let suggestions = suggest_site(&name, &site, options);
                SiteSuggestions { site: name, pages: site.pages, suggestions }
            })
            .collect();
        out.sort_by(|a, b| b.pages.cmp(&a.pages).then(a.site.cmp(&b.site)));
        out
    }
}

/// The key without any whitespace: element text (text nodes joined) and
/// block text (laid out) space words differently, so containment is judged on this.
fn squash(text: &str) -> String {
    key(text).chars().filter(|c| !c.is_whitespace()).collect()
}

/// A block's key with digit runs as `#`: "updated 3 hours ago" and
/// "updated 5 hours ago" share a shape.
fn shape(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    let mut in_digits = false;
    for c in k.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// What one page's cleaned output says about its markup.
struct Page<'a> {
    /// Kept block keys, space-joined: an element is worth a rule only if its
    /// text still reaches the output.
    output: &'a str,
    /// Kept block keys.
    whole_blocks: &'a HashSet<String>,
    /// This page's article paragraphs are `site.prose[prose_from..]`.
    prose_from: usize,
}

/// One element a selector names on one page.
struct Named {
    /// Pre-order position: post-order exits put an element's descendants
    /// after it was entered, so they are the entries with a later position.
    pre: usize,
    key: String,
    text: String,
    tag: String,
    /// Visible text characters (no whitespace), and how many are link text.
    text_chars: usize,
    link_chars: usize,
    whole: bool,
}

enum Step<'a> {
    Enter(NodeRef<'a>),
    /// An element left, with its pre-order position, whether it was laid out,
    /// and its laid-out text (`None` when it cannot be a box or paragraph).
    Exit(NodeRef<'a>, usize, bool, Option<String>),
}

/// Visible characters (not whitespace) under the element being walked, and how many are link text.
#[derive(Default)]
struct Frame {
    chars: usize,
    link_chars: usize,
}

/// What a page's walk cost.
struct Walked {
    /// Nodes laid out, layouts counted one by one (bounded by `MAX_LAID_DEPTH`
    /// per node): what the tests hold the walk's cost to.
    #[cfg_attr(not(test), allow(dead_code))]
    laid_nodes: usize,
    /// Some element was nested too deep to be laid out.
    too_deep: bool,
}

fn collect_elements(site: &mut Site, html: &str, page: &Page) -> Walked {
    let doc = Dom::parse_document(html);
    let sizes = sizes(&doc);
    let mut named: HashMap<String, Vec<Named>> = HashMap::new();
    let mut stack = vec![Step::Enter(doc.root_element())];
    let mut frames: Vec<Frame> = vec![Frame::default()];
    let mut in_link = 0usize;
    let mut pre = 0usize;
    // Laid-out elements open around the one entered, and nodes laid out.
    let mut laid_depth = 0usize;
    let mut laid_nodes = 0usize;
    let mut too_deep = false;
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(node) => {
                if let Some(t) = node.text() {
                    let n = t.chars().filter(|c| !c.is_whitespace()).count();
                    if let Some(f) = frames.last_mut() {
                        f.chars += n;
                        if in_link > 0 {
                            f.link_chars += n;
                        }
                    }
                    continue;
                }
                let Some(el) = node.element() else { continue };
                // The layout's own verdict: an element it hides or skips (or
                // one holding nothing visible) lays out to no text, and
                // nothing under it is looked at. Containers too big to be a
                // box are not laid out (the page's wrappers would each cost a
                // layout of the page), nor elements under MAX_LAID_DEPTH laid
                // out ones (a node is laid out once per laid-out ancestor: a
                // deep chain would cost its depth squared): for them only
                // whether the layout hides the element itself.
                let container = sizes.get(node.id().index()).is_none_or(|s| s.is_container());
                let lays_out = !container && laid_depth < MAX_LAID_DEPTH;
                too_deep |= !container && !lays_out;
                let laid = if !lays_out {
                    if hidden_itself(el) {
                        continue;
                    }
                    None
                } else {
                    let laid = subtree_text(node);
                    if laid.trim().is_empty() {
                        continue;
                    }
                    // Kept for the exit only where it can be a box or this page's article paragraph.
                    let prose_wanted = site.prose[page.prose_from..].iter().any(|p| p.html.is_none());
                    (prose_wanted || !selectors_of(&node).is_empty()).then_some(laid)
                };
                pre += 1;
                laid_depth += usize::from(lays_out);
                if lays_out {
                    laid_nodes += sizes.get(node.id().index()).map_or(0, |s| s.nodes);
                }
                stack.push(Step::Exit(node, pre, lays_out, laid));
                stack.extend(node.children().rev().map(Step::Enter));
                frames.push(Frame::default());
                in_link += usize::from(el.name() == "a");
            }
            Step::Exit(node, position, was_laid, laid) => {
                laid_depth -= usize::from(was_laid);
                let frame = frames.pop().unwrap_or_default();
                if let Some(parent) = frames.last_mut() {
                    parent.chars += frame.chars;
                    parent.link_chars += frame.link_chars;
                }
                let Some(el) = node.element() else { continue };
                if el.name() == "a" {
                    in_link = in_link.saturating_sub(1);
                }
                let Some(laid) = laid else { continue };
                let k = key(&laid);
                let chars = k.chars().count();
                if !(2..=MAX_ELEMENT_CHARS).contains(&chars) {
                    continue;
                }
                for p in site.prose[page.prose_from..].iter_mut().filter(|p| p.html.is_none() && p.key == k) {
                    p.html = Some(as_on_page(node));
                }
                if matches!(el.name(), "html" | "body" | "head") {
                    continue;
                }
                let selectors = selectors_of(&node);
                if selectors.is_empty() {
                    continue;
                }
                // Only what still reaches the output is worth a rule.
                let probe: String = k.chars().take(60).collect();
                if !page.output.contains(&probe) {
                    continue;
                }
                let whole = laid.lines().all(|line| page.whole_blocks.contains(&key(line)));
                let text = laid.split_whitespace().collect::<Vec<_>>().join(" ");
                for sel in selectors {
                    let list = named.entry(sel).or_default();
                    // The same selector nested: the outer element holds the inner one's text.
                    while list.last().is_some_and(|n| n.pre > position) {
                        list.pop();
                    }
                    list.push(Named {
                        pre: position,
                        key: k.clone(),
                        text: text.clone(),
                        tag: el.name().to_owned(),
                        text_chars: frame.chars,
                        link_chars: frame.link_chars,
                        whole,
                    });
                }
            }
        }
    }
    let mut named: Vec<(String, Vec<Named>)> = named.into_iter().collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    for (sel, list) in named {
        let Some(first) = list.first() else { continue };
        if !site.elements.contains_key(&sel) && site.elements.len() >= MAX_ELEMENTS_PER_SITE {
            continue;
        }
        let page_key = list.iter().map(|n| n.key.as_str()).collect::<Vec<_>>().join(" ");
        let seen = site.elements.entry(sel).or_default();
        seen.pages += 1;
        seen.chars += list.iter().map(|n| n.key.chars().count()).sum::<usize>();
        seen.text_chars += list.iter().map(|n| n.text_chars).sum::<usize>();
        seen.link_chars += list.iter().map(|n| n.link_chars).sum::<usize>();
        seen.whole_pages += usize::from(list.iter().all(|n| n.whole));
        if seen.texts.len() < 64 || seen.texts.contains_key(&page_key) {
            *seen.texts.entry(page_key).or_default() += 1;
        }
        if seen.sample.is_empty() {
            seen.sample = first.text.clone();
            seen.tag = first.tag.clone();
        }
    }
    Walked { laid_nodes, too_deep }
}

/// Per node (by index), what is under it: non-whitespace text bytes (script
/// and style bodies left out: an upper bound of the text the layout shows
/// there) and nodes. Cheaper to know than the layout itself.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    text: usize,
    nodes: usize,
}

impl Size {
    /// Too big to be a box: laid out, it would cost about a layout of the
    /// page per wrapper, or of a deep chain per level.
    fn is_container(self) -> bool {
        self.text > MAX_ELEMENT_CHARS * 4 || self.nodes > MAX_BOX_NODES
    }
}

fn sizes(doc: &Dom) -> Vec<Size> {
    let mut sizes = vec![Size::default(); doc.len()];
    let nodes: Vec<NodeRef<'_>> = doc.document().descendants().collect();
    for node in nodes.iter().rev() {
        let i = node.id().index();
        let Some(mut own) = sizes.get(i).copied() else { continue };
        own.nodes += 1;
        if let Some(t) = node.text() {
            let code = node.parent().and_then(|p| p.element()).is_some_and(|e| matches!(e.name(), "script" | "style"));
            if !code {
                own.text += t.bytes().filter(|b| !b.is_ascii_whitespace()).count();
            }
        }
        if let Some(size) = sizes.get_mut(i) {
            *size = own;
        }
        if let Some(parent) = node.parent().and_then(|p| sizes.get_mut(p.id().index())) {
            parent.text += own.text;
            parent.nodes += own.nodes;
        }
    }
    sizes
}

/// Whether the layout hides the element itself (not for what it holds), asked
/// of the layout on a copy of its start tag with one letter inside. Table
/// parts are put in a table, where the fragment parser keeps them; `<html>`
/// and `<body>` cannot be copied into a fragment and are taken as shown (a
/// hidden body leaves no output for any box to be found in).
fn hidden_itself(el: &crate::markup::dom::Element) -> bool {
    let name = el.name();
    // Around the copy, and inside it: text straight in a table is moved out of it.
    let (open, inside, close) = match name {
        "html" | "body" => return false,
        "table" => ("", "<tr><td>x</td></tr>", ""),
        "caption" => ("<table>", "x", "</table>"),
        "tbody" | "thead" | "tfoot" => ("<table>", "<tr><td>x</td></tr>", "</table>"),
        "tr" => ("<table><tbody>", "<td>x</td>", "</tbody></table>"),
        "td" | "th" => ("<table><tbody><tr>", "x", "</tr></tbody></table>"),
        _ => ("", "x", ""),
    };
    let mut probe = format!("{open}<{name}");
    for (attr, value) in el.plain_attrs() {
        let _ = write!(probe, " {}=\"{}\"", &**attr, escape(value));
    }
    let _ = write!(probe, ">{inside}</{name}>{close}");
    let dom = Dom::parse_fragment(&probe);
    subtree_text(dom.document()).trim().is_empty()
}

/// `tag.class` for each stable class token and `#id` for a stable id: names
/// with digits or of one letter change from page to page or say nothing.
fn selectors_of(node: &NodeRef) -> Vec<String> {
    let Some(el) = node.element() else { return Vec::new() };
    let stable = |t: &str| {
        t.len() > 2
            && t.len() <= 40
            && !t.bytes().any(|b| b.is_ascii_digit())
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let mut out = Vec::new();
    if let Some(id) = el.id().filter(|i| stable(i)) {
        out.push(format!("#{id}"));
    }
    for class in el.classes().filter(|c| stable(c)) {
        out.push(format!("{}.{class}", el.name()));
    }
    out
}

/// The element as a `keep` example: inside its ancestors (below `<body>`),
/// each with the tag, `id` and `class` a suggested selector can match on, and
/// its own content with its inline markup, text cut at [`KEEP_CHARS`].
/// Tested as a fragment, a selector naming the paragraph, an ancestor or a
/// link inside it removes something and fails the example.
fn as_on_page(node: NodeRef<'_>) -> String {
    let mut ancestors: Vec<NodeRef<'_>> =
        node.ancestors().filter(|a| a.element().is_some_and(|e| !matches!(e.name(), "html" | "body"))).collect();
    ancestors.reverse();
    let mut out = String::new();
    for a in &ancestors {
        start_tag(&mut out, a);
    }
    let mut budget = KEEP_CHARS;
    // Enter(node) or Exit(name) steps; the subtree is small (a paragraph).
    let mut stack: Vec<Result<NodeRef<'_>, &str>> = vec![Ok(node)];
    while let Some(step) = stack.pop() {
        match step {
            Err(name) => {
                let _ = write!(out, "</{name}>");
            }
            Ok(n) => {
                if let Some(t) = n.text() {
                    if budget > 0 {
                        let cut: String = t.chars().take(budget).collect();
                        budget -= cut.chars().count();
                        out.push_str(&escape(&cut));
                    }
                    continue;
                }
                let Some(el) = n.element() else { continue };
                let name = el.name();
                if matches!(name, "script" | "style" | "noscript" | "template" | "svg" | "math") || budget == 0 {
                    continue;
                }
                start_tag(&mut out, &n);
                if !is_void(name) {
                    stack.push(Err(name));
                    stack.extend(n.children().rev().map(Ok));
                }
            }
        }
    }
    for a in ancestors.iter().rev() {
        if let Some(e) = a.element() {
            let _ = write!(out, "</{}>", e.name());
        }
    }
    out
}

fn start_tag(out: &mut String, node: &NodeRef<'_>) {
    let Some(el) = node.element() else { return };
    let _ = write!(out, "<{}", el.name());
    for attr in ["id", "class"] {
        if let Some(v) = el.attr(attr) {
            let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = write!(out, " {attr}=\"{}\"", escape(&v));
        }
    }
    out.push('>');
}

/// Elements without an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

fn suggest_site(site: &str, s: &Site, options: &SuggestOptions) -> Vec<Suggestion> {
    let threshold = options.min_pages.max((options.min_share * s.pages as f64).ceil() as usize);
    let share = |pages: usize| pages as f64 / s.pages as f64;
    let mean_kept = s.kept_chars as f64 / s.pages.max(1) as f64;
    // Block rules are tested on text; selector rules on the paragraph as it is
    // on its page (never a bare `<p>`, which no class selector could match).
    // A long paragraph found on other pages too is not the article's.
    let prose: Vec<&Prose> = s.prose.iter().filter(|p| s.blocks.get(&p.key).is_none_or(|b| b.pages < 2)).collect();
    let prose_text: Vec<String> = prose.iter().map(|p| p.text.clone()).collect();
    let prose_html: Vec<String> = prose.iter().filter_map(|p| p.html.clone()).collect();
    let slug = slug(site);
    let mut candidates: Vec<Suggestion> = Vec::new();
    let mut covered: Vec<String> = Vec::new();

    // Elements first: a selector outlives wording changes.
    let mut elements: Vec<(&String, &ElementSeen)> = s.elements.iter().filter(|(_, e)| e.pages >= threshold).collect();
    elements.sort_by(|a, b| b.1.pages.cmp(&a.1.pages).then(b.1.chars.cmp(&a.1.chars)).then(a.0.cmp(b.0)));
    for (sel, e) in elements {
        // Boilerplate repeats: pages whose text under the selector is found on
        // another page too must be at least half. Article text differs on
        // every page, so it never qualifies, however few pages there are.
        let recurring: usize = e.texts.values().filter(|&&n| n >= 2).sum();
        let repeats = recurring >= 2 && recurring * 2 >= e.pages;
        // Text that varies is still boilerplate when it is mostly links standing
        // as blocks of their own (related stories, tag lists); a link inside a
        // paragraph is the article's.
        let links = e.link_chars as f64 / e.text_chars.max(1) as f64 >= 0.5 && e.whole_pages * 2 >= e.pages.max(1);
        let mean_chars = e.chars as f64 / e.pages as f64;
        // The article container changes every page and carries the text: never boilerplate.
        let container = mean_chars > 0.4 * mean_kept;
        if !(repeats || links) || container {
            continue;
        }
        // Nested selectors for one box: keep the outer one (its sample holds the inner one's).
        let sample_key = squash(&e.sample);
        if covered
            .iter()
            .any(|c| c.contains(&sample_key) || (sample_key.contains(c.as_str()) && c.len() * 2 > sample_key.len()))
        {
            continue;
        }
        covered.push(sample_key);
        let (tag, class_or_id) = match sel.split_once('.') {
            Some((tag, class)) => (tag.to_owned(), format!(" class=\"{class}\"")),
            None => (e.tag.clone(), format!(" id=\"{}\"", sel.trim_start_matches('#'))),
        };
        let fragment_text: String = e.sample.chars().take(120).collect();
        let remove_example = format!("<{tag}{class_or_id}>{}</{tag}>", escape(&fragment_text));
        candidates.push(build(
            &slug,
            sel,
            "selector",
            toml_string(sel),
            e.pages,
            share(e.pages),
            e.chars / e.pages.max(1),
            &e.sample,
            remove_example,
            &prose_html,
            format!("{sel}: on {} of {} pages{}", e.pages, s.pages, if repeats { "" } else { ", mostly links" }),
        ));
    }

    // Then blocks the element rules do not already cover.
    let covered_by_elements = |k: &str| {
        let k = squash(k);
        covered.iter().any(|c| c.contains(&k))
    };
    let mut blocks: Vec<(&String, &Seen, bool)> = s
        .blocks
        .iter()
        .filter(|(k, b)| b.pages >= threshold && !covered_by_elements(k))
        .map(|(k, b)| (k, b, false))
        .collect();
    for (shape_key, seen) in &s.shapes {
        let exact_best =
            s.blocks.iter().filter(|(k, _)| shape(k) == **shape_key).map(|(_, b)| b.pages).max().unwrap_or(0);
        if seen.pages >= threshold && exact_best < threshold && !covered_by_elements(&seen.text) {
            blocks.push((shape_key, seen, true));
        }
    }
    blocks.sort_by(|a, b| b.1.pages.cmp(&a.1.pages).then(a.0.cmp(b.0)));
    for (k, b, is_shape) in blocks {
        let condition = if is_shape {
            let mut re = String::from("^");
            for (i, part) in k.split('#').enumerate() {
                if i > 0 {
                    re.push_str("[0-9]+");
                }
                re.push_str(&regex::escape(part));
            }
            re.push('$');
            format!("{{ regex = {} }}", toml_string(&re))
        } else {
            format!("{{ equals = {} }}", toml_string(k))
        };
        let what = if is_shape { "text of this shape (digits vary)" } else { "this text" };
        candidates.push(build(
            &slug,
            k,
            "block",
            condition,
            b.pages,
            share(b.pages),
            b.text.chars().count(),
            &b.text,
            b.text.clone(),
            &prose_text,
            format!("{what} on {} of {} pages", b.pages, s.pages),
        ));
    }

    candidates.sort_by(|a, b| b.pages.cmp(&a.pages).then(b.chars.cmp(&a.chars)).then(a.id.cmp(&b.id)));
    let mut ids: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for mut c in candidates {
        let mut id = c.id.clone();
        let mut n = 2;
        while ids.contains(&id) {
            id = format!("{}-{n}", c.id);
            n += 1;
        }
        if id != c.id {
            c.toml = c.toml.replacen(&format!("id = \"{}\"", c.id), &format!("id = \"{id}\""), 1);
            c.checked = c.checked.replacen(&format!("id = \"{}\"", c.id), &format!("id = \"{id}\""), 1);
            c.id = id;
        }
        // Only rules that load and keep every article paragraph gathered (the
        // printed one among them) are printed.
        if RuleSet::from_sources(vec![RuleSource::new("default.toml", c.checked.as_str())])
            .and_then(RuleSet::checked)
            .is_err()
        {
            continue;
        }
        ids.insert(c.id.clone());
        out.push(c);
        if out.len() >= options.max_rules {
            break;
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn build(
    site_slug: &str,
    name: &str,
    kind: &'static str,
    pattern: String,
    pages: usize,
    share: f64,
    chars: usize,
    sample: &str,
    remove_example: String,
    keep_examples: &[String],
    description: String,
) -> Suggestion {
    // A box is judged by its class or id (its text is whatever the page put in it);
    // a block by its text.
    let category = match guess_category(name) {
        Category::Other if kind == "block" || sample.chars().count() < 100 => {
            guess_category(&format!("{name} {sample}"))
        }
        c => c,
    };
    let words: Vec<String> = slug(name).split('-').filter(|w| !w.is_empty()).take(4).map(str::to_owned).collect();
    let id = format!("{site_slug}-{}", if words.is_empty() { "boilerplate".to_owned() } else { words.join("-") });
    let rule = |keep: &[String]| {
        let mut toml = String::new();
        let _ = writeln!(toml, "[[rule]]");
        let _ = writeln!(toml, "id = \"{id}\"");
        let _ = writeln!(toml, "category = \"{category}\"");
        let _ = writeln!(toml, "description = {}", toml_string(&description));
        let _ = writeln!(toml, "{kind} = {pattern}");
        let keep = if keep.is_empty() {
            String::new()
        } else {
            format!(", keep = [{}]", keep.iter().map(|k| toml_string(k)).collect::<Vec<_>>().join(", "))
        };
        let _ = writeln!(toml, "examples = {{ remove = [{}]{keep} }}", toml_string(&remove_example));
        toml
    };
    let keep_example = keep_examples.first().cloned();
    let toml = rule(keep_example.as_slice());
    let checked = rule(keep_examples);
    let sample: String = sample.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(100).collect();
    Suggestion {
        id,
        category,
        kind,
        pattern: if kind == "selector" { name.to_owned() } else { pattern },
        pages,
        share,
        chars,
        sample,
        remove_example,
        keep_example,
        toml,
        checked,
    }
}

/// A category from words in the selector and text; `other` when none fits.
fn guess_category(text: &str) -> Category {
    let t = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["newsletter", "subscribe", "sign up", "signup", "inbox", "mailing"]) {
        Category::Newsletter
    } else if has(&["share", "facebook", "twitter", "tweet", "whatsapp", "pinterest", "linkedin"]) {
        Category::Share
    } else if has(&["related", "read more", "recommended", "more from", "also read", "you may", "popular", "trending"])
    {
        Category::Related
    } else if has(&["advert", "sponsor", "promo", "ad-slot", "adslot", "banner"]) {
        Category::Ad
    } else if has(&["cookie", "consent", "gdpr"]) {
        Category::Consent
    } else if has(&["comment"]) {
        Category::Comments
    } else if has(&["nav", "menu", "breadcrumb", "footer", "header", "copyright", "©", "all rights reserved"]) {
        Category::Navigation
    } else if has(&["photo:", "credit", "getty", "reuters", "image:"]) {
        Category::Credit
    } else {
        Category::Other
    }
}

/// Lower-case ASCII words joined by `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// All sites' suggestions as one TOML text to paste, with a comment per rule.
pub fn to_toml(sites: &[SiteSuggestions]) -> String {
    let mut o = String::new();
    for site in sites {
        let _ = writeln!(
            o,
            "# {}: {} suggested rules from {} pages (declutter rules suggest).\n\
             # Review each, then paste into the site's publisher file (declutter rules new).\n",
            site.site,
            site.suggestions.len(),
            site.pages
        );
        for s in &site.suggestions {
            let _ =
                writeln!(o, "# {} of {} pages ({:.0}%); seen as: {}", s.pages, site.pages, s.share * 100.0, s.sample);
            let _ = writeln!(o, "{}", s.toml);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cleaner, Hints};

    const STORIES: [(&str, &str, &str); 6] = [
        (
            "Council approves budget",
            "The city council approved the budget on Tuesday, after a long debate about schools, roads, and parks.",
            "Opponents said the plan leaves too little for repairs.",
        ),
        (
            "Storm closes schools",
            "Heavy snow closed schools across the county, and officials warned drivers to stay home overnight.",
            "Crews expect to clear the main roads by noon.",
        ),
        (
            "Team wins final",
            "The home side won the final in extra time, ending a drought that had lasted for eleven seasons.",
            "Fans filled the square to celebrate until late.",
        ),
        (
            "Museum reopens",
            "After two years of work, the museum reopened its doors with a new wing for modern art and sculpture.",
            "Entry stays free for residents on Sundays.",
        ),
        (
            "Bridge repairs delayed",
            "Repairs to the old bridge will take longer than planned, the transport office said in a statement.",
            "Traffic will use the ferry route until spring.",
        ),
        (
            "Library extends hours",
            "The central library will stay open until nine on weekdays, answering a petition signed by students.",
            "Staff numbers rise by four to cover the evenings.",
        ),
    ];

    fn page(n: usize) -> String {
        let (title, one, two) = STORIES[n];
        format!(
            "<html><body><div class=\"top-links\"><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></div>\
             <article><h1>{title}</h1><p>{one}</p><p>{two}</p>\
             <div class=\"share-tools\">Spread the word on Facebook · X</div>\
             <p>Updated {n} hours ago</p></article>\
             <p class=\"promo-line\">Get our Morning Brief every weekday.</p></body></html>"
        )
    }

    #[test]
    fn finds_recurring_boxes_and_blocks_not_article_text() {
        let cleaner = Cleaner::builder().extract(false).build().unwrap();
        let mut c = Collector::new();
        for n in 0..6 {
            let html = page(n);
            let cleaned = cleaner.clean(html.as_bytes(), &Hints::default()).unwrap();
            c.add("example.com", &cleaned, Some(&html));
        }
        let sites = c.finish(&SuggestOptions::default());
        assert_eq!(sites.len(), 1);
        let s = &sites[0].suggestions;
        let patterns: Vec<&str> = s.iter().map(|x| x.pattern.as_str()).collect();
        assert!(patterns.contains(&"div.share-tools"), "{patterns:?}");
        assert!(patterns.contains(&"div.top-links"), "{patterns:?}");
        assert!(patterns.contains(&"p.promo-line"), "{patterns:?}");
        assert!(patterns.iter().any(|p| p.contains("[0-9]+ hours ago")), "{patterns:?}");
        assert_eq!(patterns.len(), 4, "article text is never suggested: {patterns:?}");
        let share = s.iter().find(|x| x.pattern == "div.share-tools").unwrap();
        assert_eq!(share.category, Category::Share);
        assert_eq!(share.pages, 6);
        // The printed TOML loads as a rule file, examples and all.
        let toml = to_toml(&sites);
        assert!(RuleSet::from_sources(vec![RuleSource::new("default.toml", toml.as_str())]).is_ok(), "{toml}");
    }

    /// A link with a class inside the article's paragraphs is mostly links,
    /// but it is part of a paragraph whose text differs on every page: a rule
    /// for it would cut words out of the story.
    #[test]
    fn links_inside_paragraphs_are_not_boxes() {
        let cleaner = Cleaner::builder().extract(false).build().unwrap();
        let mut c = Collector::new();
        for (n, (title, one, two)) in STORIES.iter().enumerate() {
            let html = format!(
                "<html><body><article><h1>{title}</h1><p>{one} See <a class=\"inline-link\" href=\"/{n}\">story {n} and \
                 its background</a>.</p><p>{two}</p></article><div class=\"related-list\"><a href=\"/a{n}\">Other \
                 story {n}</a></div></body></html>"
            );
            let cleaned = cleaner.clean(html.as_bytes(), &Hints::default()).unwrap();
            c.add("example.com", &cleaned, Some(&html));
        }
        let sites = c.finish(&SuggestOptions::default());
        let patterns: Vec<&str> = sites[0].suggestions.iter().map(|x| x.pattern.as_str()).collect();
        assert!(!patterns.contains(&"a.inline-link"), "{patterns:?}");
        // A box of links of its own is boilerplate even though its text varies.
        assert!(patterns.contains(&"div.related-list"), "{patterns:?}");
    }

    #[test]
    fn keep_examples_are_the_paragraph_as_on_its_page() {
        let dom = Dom::parse_document(
            "<body><main id=\"main\" data-x=\"1\"><table><tr><td class=\" cell  wide \"><p class=\"text\">One <a \
             class=\"ref\" href=\"/x\">&lt;link&gt;</a><br>two<script>var x;</script></p></td></tr></table></main></body>",
        );
        let p = dom.root_element().descendants().find(|n| n.element().is_some_and(|e| e.name() == "p")).unwrap();
        assert_eq!(
            as_on_page(p),
            "<main id=\"main\"><table><tbody><tr><td class=\"cell wide\"><p class=\"text\">One <a \
             class=\"ref\">&lt;link&gt;</a><br>two</p></td></tr></tbody></table></main>"
        );
        let long = format!("<body><p>{}</p></body>", "word ".repeat(200));
        let dom = Dom::parse_document(&long);
        let p = dom.root_element().descendants().find(|n| n.element().is_some_and(|e| e.name() == "p")).unwrap();
        assert_eq!(as_on_page(p).len(), "<p></p>".len() + KEEP_CHARS);
    }

    #[test]
    fn hidden_itself_asks_the_layout() {
        let hidden = |html: &str, name: &str| -> bool {
            let dom = Dom::parse_fragment(html);
            let el = dom.root_element().descendants().find_map(|n| n.element().filter(|e| e.name() == name));
            hidden_itself(el.unwrap())
        };
        assert!(hidden("<div hidden>a</div>", "div"));
        assert!(hidden("<nav aria-hidden=\"true\">a</nav>", "nav"));
        assert!(hidden("<section class=\"x visually-hidden\">a</section>", "section"));
        assert!(hidden("<div style=\"color: red; display : none\">a</div>", "div"));
        assert!(hidden("<table><tr style=\"display:none\"><td>a</td></tr></table>", "tr"));
        assert!(hidden("<table><tr><td hidden>a</td></tr></table>", "td"));
        assert!(hidden("<table class=\"sr-only\"><tr><td>a</td></tr></table>", "table"));
        assert!(!hidden("<table class=\"data\"><tr><td>a</td></tr></table>", "table"));
        assert!(!hidden("<table><tbody class=\"rows\"><tr><td>a</td></tr></tbody></table>", "tbody"));
        assert!(hidden("<noscript>a</noscript>", "noscript"));
        assert!(!hidden("<div class=\"wrapper\" id=\"page\">a</div>", "div"));
        assert!(!hidden("<table><tr><td class=\"cell\">a</td></tr></table>", "td"));
        assert!(!hidden("<table><tr class=\"row\"><td>a</td></tr></table>", "tr"));
    }

    /// A node is laid out once per laid-out ancestor; a chain of nested
    /// boxes used to lay out every level (quadratic in the depth: minutes for
    /// 20 000 levels). The work is now at most MAX_LAID_DEPTH layouts per node.
    #[test]
    fn a_deep_page_costs_a_bounded_number_of_layouts_per_node() {
        let n = 4000;
        let html = format!(
            "<html><body>{}deep text here{}</body></html>",
            "<div class=\"box\">x ".repeat(n),
            "</div>".repeat(n)
        );
        let cleaner = Cleaner::builder().extract(false).build().unwrap();
        let cleaned = cleaner.clean(html.as_bytes(), &Hints::default()).unwrap();
        let mut site = Site::default();
        let output: String = cleaned.blocks.iter().map(|b| key(&b.text) + " ").collect();
        let whole: HashSet<String> = cleaned.blocks.iter().map(|b| key(&b.text)).collect();
        let walked = collect_elements(&mut site, &html, &Page { output: &output, whole_blocks: &whole, prose_from: 0 });
        assert!(walked.too_deep, "the limit was hit, and is said to be");
        let laid = walked.laid_nodes;
        let nodes = 2 * n + 8;
        assert!(laid <= MAX_LAID_DEPTH * nodes, "{laid} nodes laid out for a page of about {nodes}");
        assert!(laid * 20 < n * n, "not quadratic: {laid}");
    }

    #[test]
    fn small_sites_get_nothing() {
        let cleaner = Cleaner::new().unwrap();
        let mut c = Collector::new();
        let html = page(1);
        c.add("tiny.example", &cleaner.clean(html.as_bytes(), &Hints::default()).unwrap(), Some(&html));
        assert!(c.finish(&SuggestOptions::default()).is_empty());
    }
}
