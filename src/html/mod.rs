//! HTML to blocks: parse with html5ever into our own DOM ([`dom`](crate::markup::dom)), apply
//! selector rules and the publisher's content container, lay out the rest.

pub mod block_model;
mod extract;
mod filter_list;
mod layout;
mod meta;
pub mod page_type;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::markup::dom::{Css, Dom, NodeId, NodeRef};
use crate::markup::{limits, prepare};
use selectors::context::SelectorCaches;

pub use extract::{Method, Quality};
pub use layout::subtree_text;
pub use meta::{Metadata, metadata, metadata_with};

use crate::document::{Block, Origin};
use crate::document::{Removal, Scope};
use crate::rules::{ExtractHints, Matcher, Publisher, Rule, RuleIndex};

/// The id recorded for blocks left out because a publisher's `content`
/// selector chose the article container.
pub const OUTSIDE_CONTENT: &str = "builtin:outside-content";

/// A page laid out into blocks, with what the HTML stage removed.
#[derive(Default)]
pub struct HtmlDocument {
    pub blocks: Vec<Block>,
    pub removals: Vec<Removal>,
    pub metadata: Metadata,
    /// Which content selector chose the article, if one matched.
    pub content_selector: Option<String>,
    /// How the article was found; `None` with `--no-extract`.
    pub quality: Option<Quality>,
    /// The [`limits`] the page hit, if any.
    pub limits: Vec<crate::markup::Limit>,
    /// Laid out as a browser with scripts off shows it (`<noscript>` content
    /// included), because the page showed little otherwise.
    pub noscript: bool,
    /// What kind of page it is, when the classifier is shipped.
    pub page_type: Option<page_type::PageKind>,
    /// The classifier's features of the page (for its training program).
    pub page_features: Option<Box<page_type::Features>>,
    /// Every laid-out block's text and block-classifier features, when asked.
    pub block_features: Option<Vec<(String, block_model::BlockFeatures)>>,
}

/// How to lay out a page.
#[derive(Debug, Clone, Copy)]
pub struct HtmlOptions<'a> {
    /// Generic main-content extraction hints; `None` keeps the whole body.
    pub extract: Option<&'a ExtractHints>,
    /// Keep figure and table captions of the article.
    pub keep_captions: bool,
    /// The page's URL, when known (a page-type feature; else its canonical URL is read).
    pub url: Option<&'a str>,
    /// Classify the page (its features and type are left out when off).
    pub page_types: bool,
    /// Let the block classifier decide again after extraction.
    pub block_model: bool,
    /// Keep every laid-out block's text and classifier features (its training program).
    pub block_features: bool,
    /// Adblock filter lists whose cosmetic filters remove elements, as selector rules do.
    pub filters: Option<&'a crate::rules::FilterLists>,
}

/// Parses `text` and lays out its body with the given selector rules, the
/// publisher's content selectors, and (when no content selector matched)
/// generic main-content extraction.
pub fn to_blocks(
    text: &str,
    selector_rules: &[&Rule],
    publisher: Option<&Publisher>,
    options: HtmlOptions,
) -> HtmlDocument {
    let css: Vec<(usize, &crate::rules::CssRule)> = selector_rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.matcher {
            Matcher::Selector(c) => Some((i, c.as_ref())),
            _ => None,
        })
        .collect();
    let contents = publisher.map(|p| p.content.as_slice()).unwrap_or_default();
    let mut keep: Vec<String> = css.iter().flat_map(|(_, c)| c.attributes.iter().cloned()).collect();
    keep.extend(contents.iter().flat_map(|(source, _)| prepare::selector_attributes(source)));
    if let Some(p) = publisher {
        keep.extend(p.metadata.all().flat_map(|m| m.attributes().iter().cloned()));
    }
    let for_page = options.filters.map(|f| f.for_url(options.url));
    if let Some(page) = &for_page {
        keep.extend(page.attributes().cloned());
        keep.sort_unstable();
        keep.dedup();
    }
    let lists = for_page.as_ref().map(|page| Lists { page, first_index: selector_rules.len() });
    let (rewritten, rewrites_skipped) = publisher.map_or((Cow::Borrowed(text), 0), |p| rewrite(text, &p.rewrites));
    let prepared = prepare::prepare(&rewritten, &keep);
    let mut doc = Dom::parse_prepared(&prepared.text, prepared.unsure_from);
    let mut walked = walk(&doc, &css, contents, lists.as_ref());
    // A page that shows little but holds much in `<noscript>` (forums serve
    // their posts there to crawlers) is read as a browser with scripts off
    // shows it. The raw bytes count markup, so they only decide whether to
    // look; the shown text of both views decides.
    let mut noscript = false;
    let shown = |laid: &layout::Laid| laid.blocks.iter().map(|b| b.text.len()).sum::<usize>();
    if walked.laid.noscript_bytes >= NOSCRIPT_MIN_BYTES && shown(&walked.laid) * 4 < walked.laid.noscript_bytes {
        let without = Dom::parse_without_scripting(&prepared.text);
        let other = walk(&without, &css, contents, lists.as_ref());
        if shown(&other.laid) >= 4 * shown(&walked.laid) + NOSCRIPT_MIN_GAIN {
            (doc, walked, noscript) = (without, other, true);
        }
    }
    let Walked { content_selector, laid, filter_rules } = walked;
    let mut limits = limits::hit(prepared.attributes_dropped, doc.cut);
    limits.extend(limits::rewrites_skipped(rewrites_skipped));

    let mut removals = Vec::with_capacity(laid.removed.len() + laid.outside.len());
    let mut indices = SiblingIndices::default();
    for (rule_index, node, position) in laid.removed {
        let (rule, from_list) = match selector_rules.get(rule_index) {
            Some(rule) => (*rule, false),
            None => match filter_rules.get(rule_index - selector_rules.len()) {
                Some(rule) => (*rule, true),
                None => continue,
            },
        };
        let text = doc.get(node).map(subtree_text).unwrap_or_default();
        let origin =
            doc.get(node).map(|n| path_with(n, &mut indices)).unwrap_or_else(|| Origin::Element(String::new()));
        let mut removal = Removal::new(rule, Scope::Element, text, origin).at(position, 0);
        if from_list {
            removal.filter = rule.description.clone();
        }
        removals.push(removal);
    }
    for (block, position) in laid.outside {
        removals.push(builtin(OUTSIDE_CONTENT, block, position));
    }

    let page_meta = metadata_with(&doc, publisher.map(|p| &p.metadata));
    let page_features = options
        .page_types
        .then(|| Box::new(page_type::features(&doc, &laid.blocks, &laid.meta, options.url, &page_meta)));
    let page_probabilities =
        page_features.as_deref().and_then(|f| page_type::PageTypeModel::shipped().map(|m| m.probabilities(f)));
    let page_kind = page_probabilities.as_deref().map(page_type::PageKind::most_probable);
    let mut quality = None;
    let mut block_features = None;
    let mut blocks = laid.blocks;
    if content_selector.is_some() {
        quality = Some(Quality { method: Method::PublisherContent, score: 1.0 });
    } else if let Some(hints) = options.extract {
        let declared_body = page_meta.article_body.as_deref();
        let model = block_model::BlockModel::shipped().filter(|_| options.block_model);
        let views = model.is_some() || options.block_features;
        let mut found = extract::extract(&doc, &blocks, &laid.meta, hints, options.keep_captions, declared_body, views);
        let mut scores: Vec<Option<f32>> = Vec::new();
        if !found.views.is_empty() {
            for &(t, p) in page_probabilities.iter().flatten() {
                found.page.page_type[t as usize] = p;
            }
            let features = block_model::features(&blocks, &laid.meta, &found.views, &found.page);
            if let Some(model) = model {
                scores = vec![None; blocks.len()];
                for (i, p) in model.probabilities(&features).into_iter().enumerate() {
                    let kept = found.verdicts[i].is_none();
                    if model.keeps(kept, p) {
                        found.verdicts[i] = None;
                    } else if kept {
                        found.verdicts[i] = Some(block_model::BLOCK_MODEL);
                        scores[i] = Some((p * 1000.0).round() / 1000.0);
                    }
                }
            }
            if options.block_features {
                block_features = Some(blocks.iter().map(|b| b.text.clone()).zip(features).collect());
            }
        }
        extract::drop_title(&mut found.verdicts, &blocks, page_meta.title.as_deref());
        quality = Some(found.quality);
        // Positions so far count all laid-out blocks; from here on they count kept ones.
        let mut kept_before = Vec::with_capacity(blocks.len() + 1);
        let mut kept = 0;
        for verdict in &found.verdicts {
            kept_before.push(kept);
            kept += usize::from(verdict.is_none());
        }
        kept_before.push(kept);
        for r in &mut removals {
            r.position.0 = kept_before[r.position.0.min(blocks.len())];
        }
        let mut kept_blocks = Vec::with_capacity(kept);
        for (i, (block, verdict)) in blocks.into_iter().zip(found.verdicts).enumerate() {
            match verdict {
                None => kept_blocks.push(block),
                Some(reason) => {
                    let mut removal = builtin(reason, block, kept_before[i]);
                    removal.score = scores.get(i).copied().flatten();
                    removals.push(removal);
                }
            }
        }
        blocks = kept_blocks;
    }
    HtmlDocument {
        blocks,
        removals,
        metadata: page_meta,
        content_selector,
        quality,
        limits,
        noscript,
        page_type: page_kind,
        page_features,
        block_features,
    }
}

/// The publisher's markup rewrites, in order, each over the result of the
/// one before (as FiveFilters' `find_string`/`replace_string` are applied),
/// and how many were not made for growing the markup past its bound.
fn rewrite<'a>(text: &'a str, rewrites: &[(String, String)]) -> (Cow<'a, str>, usize) {
    let cap = text.len() + text.len().max(limits::MAX_REWRITE_GROWTH);
    let mut out = Cow::Borrowed(text);
    let mut skipped = 0;
    for (find, replace) in rewrites {
        let n = out.matches(find.as_str()).count();
        if n == 0 {
            continue;
        }
        if (out.len() - n * find.len()).saturating_add(n.saturating_mul(replace.len())) > cap {
            skipped += 1;
            continue;
        }
        out = Cow::Owned(out.replace(find.as_str(), replace));
    }
    (out, skipped)
}

/// Raw `<noscript>` markup below which the view with scripts off is not tried.
const NOSCRIPT_MIN_BYTES: usize = 1000;
/// Characters the view with scripts off must show beyond four times the other's.
const NOSCRIPT_MIN_GAIN: usize = 500;

/// What the selector rules and the content selectors chose on a tree, and its layout.
struct Walked<'a> {
    content_selector: Option<String>,
    laid: layout::Laid,
    /// The filter-list filters that apply, by rule index past the selector rules.
    filter_rules: Vec<&'a Rule>,
}

/// A page's filter lists, and the rule index their first filter gets (after the selector rules).
struct Lists<'p, 'a> {
    page: &'p crate::rules::filter_list::ForPage<'a>,
    first_index: usize,
}

fn walk<'a>(
    doc: &Dom,
    css: &[(usize, &'a crate::rules::CssRule)],
    contents: &[(String, Css)],
    lists: Option<&Lists<'_, 'a>>,
) -> Walked<'a> {
    let root = doc.root_element();
    let mut filter_rules: Vec<&'a Rule> = Vec::new();
    let mut procedural = Vec::new();
    let mut with_lists;
    let mut css = css;
    if let Some(lists) = lists {
        let found = filter_list::applicable(doc, lists.page);
        with_lists = css.to_vec();
        for (compiled, rule) in found.plain {
            with_lists.push((lists.first_index + filter_rules.len(), rule));
            filter_rules.push(&compiled.rule);
        }
        for compiled in found.procedural {
            procedural.push((lists.first_index + filter_rules.len(), compiled));
            filter_rules.push(&compiled.rule);
        }
        css = &with_lists;
    }
    // The lists' generic filters keyed on no class or id, indexed once for every page.
    let plan = lists.and_then(|l| l.page.plan());
    // One walk for all selector rules; the first rule (in profile order) that matches an element
    // takes it, then the lists' filters for the page, then their generic ones.
    let mut removed: Vec<Option<u32>> = Vec::new();
    if !css.is_empty() || !procedural.is_empty() || plan.is_some() {
        removed = vec![None; doc.len()];
        let index = RuleIndex::new(css.iter().map(|(_, c)| c.prefilter.as_ref()));
        let mut caches = SelectorCaches::default();
        let (mut candidates, mut generic) = (Vec::new(), Vec::new());
        // Plan position → rule index, for the generic filters that matched.
        let mut planned: HashMap<u32, u32> = HashMap::new();
        for el in root.descendants() {
            let Some(e) = el.element() else { continue };
            let parent = el.parent().and_then(|p| p.element());
            index.candidates(e, parent, &mut candidates);
            let hit = candidates.iter().find(|&&c| css[c as usize].1.selector.matches(el, &mut caches));
            if let Some(&c) = hit {
                removed[el.id().index()] = Some(css[c as usize].0 as u32);
                continue;
            }
            let (Some((plan, excluded)), Some(lists)) = (plan, lists) else { continue };
            plan.index.candidates(e, parent, &mut generic);
            for &p in &generic {
                let Some(compiled) = lists.page.planned(p).filter(|_| !excluded.contains(&p)) else { continue };
                let Matcher::Selector(rule) = &compiled.rule.matcher else { continue };
                if rule.selector.matches(el, &mut caches) {
                    let index = *planned.entry(p).or_insert_with(|| {
                        filter_rules.push(&compiled.rule);
                        (lists.first_index + filter_rules.len() - 1) as u32
                    });
                    removed[el.id().index()] = Some(index);
                    break;
                }
            }
        }
        let path = lists.and_then(|l| l.page.path.as_deref());
        for (index, compiled) in procedural {
            for node in filter_list::select(doc, compiled, path) {
                removed[node.index()].get_or_insert(index as u32);
            }
        }
    }
    let mut content: Vec<NodeId> = Vec::new();
    let mut content_selector = None;
    for (source, sel) in contents {
        let found = sel.select(root);
        if !found.is_empty() {
            content.extend(outermost(&found));
            content_selector = Some(source.clone());
            break;
        }
    }
    let directives = layout::Directives { removed: &removed, content: &content };
    let laid = layout::layout(root, Some(&directives));
    Walked { content_selector, laid, filter_rules }
}

fn builtin(id: &str, block: Block, position: usize) -> Removal {
    Removal::builtin(id, block, None).at(position, 0)
}

/// The matched elements that are not inside another matched element.
fn outermost(found: &[NodeRef<'_>]) -> Vec<NodeId> {
    let ids: HashSet<NodeId> = found.iter().map(|e| e.id()).collect();
    found.iter().filter(|e| !e.ancestors().any(|a| ids.contains(&a.id()))).map(|e| e.id()).collect()
}

/// The XPath-like path of an element (`/html/body/div[2]/p[3]`).
pub fn element_path(node: NodeRef<'_>) -> Origin {
    path_with(node, &mut SiblingIndices::default())
}

/// Same-name sibling indices, found for all children of a parent at once:
/// counting each removed element's earlier siblings was quadratic when a
/// selector rule removed 200 000 siblings.
#[derive(Default)]
struct SiblingIndices {
    /// By node: its index among its same-name siblings (1 for the first).
    index: std::collections::HashMap<NodeId, usize>,
    /// Children looked at, for the test that each parent's are looked at once.
    scanned: usize,
}

impl SiblingIndices {
    fn of(&mut self, node: NodeRef<'_>) -> usize {
        if let Some(&i) = self.index.get(&node.id()) {
            return i;
        }
        let Some(parent) = node.parent() else { return 1 };
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for c in parent.children() {
            self.scanned += 1;
            if let Some(e) = c.element() {
                let n = counts.entry(e.name()).or_insert(0);
                *n += 1;
                self.index.insert(c.id(), *n);
            }
        }
        self.index.get(&node.id()).copied().unwrap_or(1)
    }
}

fn path_with(node: NodeRef<'_>, indices: &mut SiblingIndices) -> Origin {
    let mut segments = Vec::new();
    let mut current = Some(node);
    while let Some(n) = current {
        if let Some(el) = n.element() {
            let name = el.name();
            let index = indices.of(n);
            segments.push(if index > 1 { format!("{name}[{index}]") } else { name.to_owned() });
            if segments.len() >= 24 {
                segments.push("…".to_owned());
                break;
            }
        }
        current = n.parent();
    }
    segments.reverse();
    Origin::Element(format!("/{}", segments.join("/")))
}

/// True when `selector` matches an element of the HTML fragment `html`.
pub fn fragment_matches(html: &str, selector: &Css) -> bool {
    let frag = Dom::parse_fragment(html);
    !selector.select(frag.root_element()).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_apply_in_order_within_a_bound() {
        let pairs = |p: &[(&str, &str)]| p.iter().map(|(f, r)| (f.to_string(), r.to_string())).collect::<Vec<_>>();
        let (out, skipped) =
            rewrite("<b>a</b> <b>b</b>", &pairs(&[("<b>", "<i>"), ("</b>", "</i>"), ("<i>a", "<i>A")]));
        assert_eq!((out.as_ref(), skipped), ("<i>A</i> <i>b</i>", 0));
        assert!(matches!(rewrite("plain", &pairs(&[("<b>", "<i>")])).0, Cow::Borrowed(_)));
        // One character to 2 KiB over a 1 MiB page would make 2 GiB: not made, and counted.
        let page = "x".repeat(1 << 20);
        let long = "y".repeat(2048);
        let (out, skipped) = rewrite(&page, &[("x".into(), long), ("xx".into(), "z".into())]);
        assert_eq!((out.len(), skipped), (1 << 19, 1));
    }

    const NO_EXTRACT: HtmlOptions = HtmlOptions {
        extract: None,
        keep_captions: true,
        url: None,
        page_types: true,
        block_model: true,
        block_features: false,
        filters: None,
    };

    fn texts(html: &str) -> Vec<String> {
        to_blocks(html, &[], None, NO_EXTRACT).blocks.into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn blocks_and_inline() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body><div>Intro <b>bold</b>\n  text<p>Para  one</p>tail</div><script>x()</script></body></html>";
        assert_eq!(texts(html), ["Intro bold text", "Para one", "tail"]);
    }

    #[test]
    fn br_nbsp_entities() {
        assert_eq!(texts("<p>a&nbsp;b<br>  c &amp; d</p>"), ["a\u{a0}b\nc & d"]);
        assert_eq!(texts("<div>one<br><br>two</div>"), ["one", "two"]);
    }

    #[test]
    fn table_rows_and_kinds() {
        let doc = to_blocks(
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td> 2 </td></tr></table><ol><li>x</li></ol><h2>H</h2><blockquote><p>q</p></blockquote>",
            &[],
            None,
            NO_EXTRACT,
        );
        let got: Vec<_> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        use crate::document::BlockKind::*;
        assert_eq!(
            got,
            [
                (TableRow, "A | B"),
                (TableRow, "1 | 2"),
                (ListItem { ordered: true }, "x"),
                (Heading { level: 2 }, "H"),
                (Quote, "q")
            ]
        );
    }

    #[test]
    fn origins_are_paths() {
        let doc = to_blocks("<body><div><p>a</p><p>b</p></div><div>c</div></body>", &[], None, NO_EXTRACT);
        let origins: Vec<String> = doc.blocks.iter().map(|b| b.origin.to_string()).collect();
        assert_eq!(origins, ["/html/body/div/p", "/html/body/div/p[2]", "/html/body/div[2]"]);
    }

    #[test]
    fn pre_keeps_whitespace() {
        assert_eq!(texts("<pre>\nfn main() {\n    x;\n}\n</pre>"), ["fn main() {\n    x;\n}"]);
    }

    #[test]
    fn cutting_raw_text_changes_no_block() {
        let pages = [
            "<p>a<!-- c -->b <script>document.write('<p>x</p>')</script>c</p>",
            "<script><!--<script>x</script>--></script><p>after</p><!--x--!><p>t</p>",
            "<div><textarea><script>t</script></textarea><title><!-- no --></title><p>k</p></div>",
            "<svg><script>a<b</script><style>x</style></svg><p>s</p><noscript><p>n</p></noscript>",
            "<script-x>a<p>b</p></script-x><style-y>c</style-y><![CDATA[<p>d</p>]]><p>e</p>",
            "<table><script>s</script><tr><td>1<style>t</style></td></tr></table><!-->z<!--->w",
            "<template><script>q</script><p>t</p></template><p>u</p><math><mi><script>m</script></mi></math>v",
            "<frameset><script>f</script><frame></frameset>",
            "<table>\n  <tr>\n    <td>a\n   b</td>\n  </tr>\n  x \n y</table>\n<pre>\n  p\n\n  q</pre>\n  <listing>\n l\n  m</listing>",
            "<head>\n  <title>t</title>\n  </head>\n\n<body>\n <p>one\n\n two<br>\n   three</p>\n<pre/>\n  kept\n</body>",
            "<a href=x'y>t</a><script>s</script><svg width=10/><style>x</style></svg>\n\n<p>z</p>",
            "<div><svg><g><path d='M0'/></g><p>out</p></svg>after<svg><title>t</title></svg></div><p>y</p>",
            "<div><svg><g></div><p>q</p></g></svg><svg><desc><script>a<b</script></desc></svg><p>r</p>",
        ];
        for page in pages {
            let raw = Dom::parse_document(page);
            let want: Vec<String> =
                layout::layout(raw.root_element(), None).blocks.into_iter().map(|b| b.text).collect();
            assert_eq!(texts(page), want, "{page}");
        }
    }

    /// Pages where an earlier version of `prepare` changed the result (found
    /// by inserting markup fragments into the dataset pages at random).
    #[test]
    fn preparing_changes_neither_layout_nor_metadata() {
        let pages = [
            // A comment keeps the text on its two sides apart: `&nbsp` + `;`,
            // table text, text after `</html>`.
            "<p>&nbsp<!-->;</p>",
            "<p>a&<!-- x -->amp;</p><p><<!-- y -->b</p>",
            "<table>x <a href=l>\n<br/> onclick=<img></a></div></body></html><!-- c -->\n<!-- d -->i",
            // `</pre>` does not close a listing; inside a pre, past a <select>, `</pre>` is ignored.
            "<listing>a\n\n  b</pre>\n   c</listing>\n  d",
            "<pre>a<select><option>o</select>\n  b</pre>\n   c<p>d</p>",
            "<pre>a<table><td>x</td></table></pre>\n   c",
            // A start tag in an SVG <title> is HTML: `</svg>` may then be ignored.
            "<title>T</title><svg><g><svg><title>\t<path d=x></g></svg><p>after</p>",
            // Entity-encoded JSON-LD type.
            "<script type=\"application&#x2F;ld&#x2B;json\">{\"@type\":\"NewsArticle\",\"headline\":\"Encoded\"}</script><p>x</p>",
            // An SVG title is the page title's last fallback when nothing else names the page.
            "<body><svg><title>Icon name</title></svg><p>text</p></body>",
            "<math><mi><plaintext><p>a  \n  b</p>",
        ];
        for page in pages {
            let (raw, prepared) = (Dom::parse_document(page), Dom::parse_document(&prepare::prepare(page, &[]).text));
            assert_eq!(subtree_text(raw.root_element()), subtree_text(prepared.root_element()), "{page}");
            assert_eq!(metadata(&raw), metadata(&prepared), "{page}");
        }
    }

    /// The paths of many removed siblings: counting each one's earlier
    /// siblings was quadratic (a selector rule removing 200 000 siblings:
    /// minutes). Each parent's children are now looked at once.
    #[test]
    fn indices_of_many_siblings_are_found_in_one_pass() {
        let toml = "[[rule]]\nid = \"ad\"\ncategory = \"ad\"\nselector = \".ad\"\n";
        let rules = crate::RuleSet::from_sources(vec![crate::rules::RuleSource::new("default.toml", toml)]).unwrap();
        let selectors: Vec<&Rule> = rules.rules().iter().collect();
        let n = 20_000;
        let page = format!("<div>{}</div><p>text</p>", "<div class=ad>buy</div>".repeat(n));
        let doc = to_blocks(&page, &selectors, None, NO_EXTRACT);
        assert_eq!(doc.removals.len(), n);
        assert_eq!(doc.removals[n - 1].origin.to_string(), format!("/html/body/div/div[{n}]"));
        let dom = Dom::parse_document(&page);
        let mut indices = SiblingIndices::default();
        for el in dom.root_element().descendants().filter(|e| e.element().is_some_and(|e| e.attr("class").is_some())) {
            path_with(el, &mut indices);
        }
        assert!(indices.scanned <= n + 10, "{} children looked at", indices.scanned);
    }

    /// Forum software (Discourse, Flarum) serves its posts to crawlers in
    /// `<noscript>`: a page that shows little else is read with scripts off.
    /// A small `<noscript>` beside an article (a tracking pixel, "enable
    /// JavaScript") is not shown.
    #[test]
    fn a_page_that_shows_little_is_read_with_scripts_off() {
        let post = "I upgraded to the new release and the server no longer starts; the log says the port is taken. ";
        let forum = format!(
            "<body><header>Forum</header><noscript data-path=/t/1><div id=main-outlet><h1>Server will not start</h1>{}</div></noscript><footer>Powered by Discourse</footer></body>",
            format!("<div class=post><span class=creator>alice</span><p>{}</p></div>", post.repeat(3)).repeat(4)
        );
        let doc = to_blocks(&forum, &[], None, NO_EXTRACT);
        assert!(doc.noscript);
        assert!(doc.blocks.iter().any(|b| b.text == "Server will not start"), "{:?}", doc.blocks);
        assert_eq!(doc.blocks.iter().filter(|b| b.text.starts_with("I upgraded")).count(), 4);

        let article = format!(
            "<body><noscript><img src=pixel.gif><p>{}</p></noscript><article><p>{}</p></article></body>",
            "Please enable JavaScript to use this site. ".repeat(30),
            post.repeat(40)
        );
        let doc = to_blocks(&article, &[], None, NO_EXTRACT);
        assert!(!doc.noscript);
        assert!(doc.blocks.iter().all(|b| !b.text.contains("enable JavaScript")));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}deep{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
        assert_eq!(texts(&html), ["deep"]);
    }
}
