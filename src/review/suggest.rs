//! `declutter rules suggest`: boilerplate that repeats across many pages of
//! one site while article text does not, turned into ready-to-paste rules.
//!
//! Two kinds of evidence, both taken from what the current rules still let
//! through (so suggestions cover what is left to remove):
//! - elements by class or id (`div.share-bar`, `#newsletter`) present on a
//!   large share of a site's pages, whose text either repeats from page to page
//!   or is mostly links, and which are not the article container;
//! - blocks whose text (or its shape, digits aside) recurs on many pages.
//!
//! Each suggestion is compiled and its examples run before it is printed, so
//! what comes out loads.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::report::escape;
use crate::Cleaned;
use crate::html::dom::{Dom, NodeRef};
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
}

#[derive(Debug, Default)]
struct Site {
    pages: usize,
    blocks: HashMap<String, Seen>,
    shapes: HashMap<String, Seen>,
    elements: HashMap<String, ElementSeen>,
    /// Long kept paragraphs, for `keep` examples.
    prose: Vec<String>,
    kept_chars: usize,
}

#[derive(Debug, Default)]
struct Seen {
    pages: usize,
    text: String,
}

#[derive(Debug, Default)]
struct ElementSeen {
    pages: usize,
    /// Text key → pages it was seen on.
    texts: HashMap<String, usize>,
    chars: usize,
    link_chars: usize,
    sample: String,
    tag: String,
}

/// Elements with more text than this are containers, not boilerplate boxes.
const MAX_ELEMENT_CHARS: usize = 8000;
/// Longest block generalized to a digit-free shape.
const MAX_SHAPE_CHARS: usize = 100;
/// Candidate selectors per site kept in memory (most elements are one-offs).
const MAX_ELEMENTS_PER_SITE: usize = 20_000;

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
        let mut output = String::new();
        for b in &cleaned.blocks {
            let k = key(&b.text);
            s.kept_chars += k.len();
            output.push_str(&k);
            output.push('\n');
            if k.chars().count() < 2 || k.chars().count() > 300 {
                if s.prose.len() < 8 && k.len() > 200 && b.text.ends_with(['.', '!', '?', '”', '"']) {
                    s.prose.push(b.text.clone());
                }
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
            collect_elements(s, html, &output);
        }
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

fn collect_elements(site: &mut Site, html: &str, output: &str) {
    let doc = Dom::parse_document(html);
    let mut on_page: HashSet<String> = HashSet::new();
    for el in doc.root_element().descendants() {
        let Some(name) = el.element().map(|e| e.name()) else { continue };
        if matches!(name, "html" | "body" | "head" | "script" | "style" | "noscript" | "template" | "svg") {
            continue;
        }
        let selectors = selectors_of(&el);
        if selectors.is_empty() {
            continue;
        }
        let (text, link_chars) = text_of(&el);
        let k = key(&text);
        let chars = k.chars().count();
        if !(2..=MAX_ELEMENT_CHARS).contains(&chars) {
            continue;
        }
        // Only what still reaches the output is worth a rule.
        let probe: String = k.chars().take(60).collect();
        if !output.contains(&probe) {
            continue;
        }
        for sel in selectors {
            if !on_page.insert(sel.clone()) {
                continue;
            }
            if !site.elements.contains_key(&sel) && site.elements.len() >= MAX_ELEMENTS_PER_SITE {
                continue;
            }
            let seen = site.elements.entry(sel).or_default();
            seen.pages += 1;
            seen.chars += chars;
            seen.link_chars += link_chars;
            if seen.texts.len() < 64 || seen.texts.contains_key(&k) {
                *seen.texts.entry(k.clone()).or_default() += 1;
            }
            if seen.sample.is_empty() {
                seen.sample = text.split_whitespace().collect::<Vec<_>>().join(" ");
                seen.tag = name.to_owned();
            }
        }
    }
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

/// The element's text (whitespace-joined, capped) and how much of it is link text.
fn text_of(el: &NodeRef) -> (String, usize) {
    let mut text = String::new();
    let mut link_chars = 0;
    for node in el.descendants() {
        if let Some(t) = node.text() {
            let inside = |names: &[&str]| {
                node.ancestors()
                    .take_while(|a| a.id() != el.id())
                    .any(|a| a.element().is_some_and(|e| names.contains(&e.name())))
            };
            let inside_link = inside(&["a"]);
            let hidden = inside(&["script", "style", "noscript", "template"]);
            if hidden {
                continue;
            }
            if inside_link {
                link_chars += t.trim().chars().count();
            }
            text.push_str(t);
            text.push(' ');
            if text.len() > MAX_ELEMENT_CHARS * 4 {
                break;
            }
        }
    }
    (text, link_chars)
}

fn suggest_site(site: &str, s: &Site, options: &SuggestOptions) -> Vec<Suggestion> {
    let threshold = options.min_pages.max((options.min_share * s.pages as f64).ceil() as usize);
    let share = |pages: usize| pages as f64 / s.pages as f64;
    let mean_kept = s.kept_chars as f64 / s.pages.max(1) as f64;
    let keep_example = s.prose.first().cloned();
    let slug = slug(site);
    let mut candidates: Vec<Suggestion> = Vec::new();
    let mut covered: Vec<String> = Vec::new();

    // Elements first: a selector outlives wording changes.
    let mut elements: Vec<(&String, &ElementSeen)> = s.elements.iter().filter(|(_, e)| e.pages >= threshold).collect();
    elements.sort_by(|a, b| b.1.pages.cmp(&a.1.pages).then(b.1.chars.cmp(&a.1.chars)).then(a.0.cmp(b.0)));
    for (sel, e) in elements {
        let top_text = e.texts.values().copied().max().unwrap_or(0);
        let repeats = top_text * 2 >= e.pages;
        let links = e.link_chars as f64 / e.chars.max(1) as f64 >= 0.5;
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
        let keep =
            keep_example.as_ref().map(|p| format!("<p>{}</p>", escape(&p.chars().take(200).collect::<String>())));
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
            keep,
            format!("{sel}: on {} of {} pages{}", e.pages, s.pages, if links { ", mostly links" } else { "" }),
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
            keep_example.clone(),
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
            c.id = id;
        }
        // Only rules that load and pass their own examples are printed.
        if RuleSet::from_sources(vec![RuleSource::new("default.toml", c.toml.as_str())]).is_err() {
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
    keep_example: Option<String>,
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
    let mut toml = String::new();
    let _ = writeln!(toml, "[[rule]]");
    let _ = writeln!(toml, "id = \"{id}\"");
    let _ = writeln!(toml, "category = \"{category}\"");
    let _ = writeln!(toml, "description = {}", toml_string(&description));
    let _ = writeln!(toml, "{kind} = {pattern}");
    let keep = keep_example.as_deref().map(|k| format!(", keep = [{}]", toml_string(k))).unwrap_or_default();
    let _ = writeln!(toml, "examples = {{ remove = [{}]{keep} }}", toml_string(&remove_example));
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
             <div class=\"share-tools\">Share on Facebook · Share on X</div>\
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

    #[test]
    fn small_sites_get_nothing() {
        let cleaner = Cleaner::new().unwrap();
        let mut c = Collector::new();
        let html = page(1);
        c.add("tiny.example", &cleaner.clean(html.as_bytes(), &Hints::default()).unwrap(), Some(&html));
        assert!(c.finish(&SuggestOptions::default()).is_empty());
    }
}
