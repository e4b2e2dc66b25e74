//! Page metadata for the report: title, author, date, site, language,
//! canonical URL — from meta tags, JSON-LD and the DOM, in that order of trust.

use std::sync::LazyLock;

use html5ever::local_name;
use selectors::context::SelectorCaches;
use serde::Serialize;
use serde_json::Value;

use crate::markup::dom::{Css, Dom, NodeRef};
use crate::rules::{MetaRead, MetaSelector, MetadataSelectors};

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    pub language: Option<String>,
    pub canonical_url: Option<String>,
    /// JSON-LD `articleBody`: a hint for the extractor, not reported.
    #[serde(skip)]
    pub article_body: Option<String>,
    /// Every JSON-LD `@type` the page declares, lower-cased (`@graph` and
    /// arrays included): a page-type feature, not reported.
    #[serde(skip)]
    pub json_ld_types: Vec<String>,
    /// `og:type`, lower-cased: a page-type feature, not reported.
    #[serde(skip)]
    pub og_type: Option<String>,
}

fn sel(s: &str) -> Option<Css> {
    Css::parse(s).ok()
}

static META: LazyLock<Option<Css>> = LazyLock::new(|| sel("meta[content]"));
static JSON_LD: LazyLock<Option<Css>> = LazyLock::new(|| sel("script[type='application/ld+json']"));
static CANONICAL: LazyLock<Option<Css>> = LazyLock::new(|| sel("link[rel~='canonical'][href]"));
static AUTHOR_DOM: LazyLock<Option<Css>> = LazyLock::new(|| {
    sel(
        "[rel~='author'], [itemprop~='author'] [itemprop~='name'], [itemprop~='author'], .byline .author, .author-name, .byline",
    )
});
static TIME: LazyLock<Option<Css>> = LazyLock::new(|| sel("time[datetime], [itemprop~='datePublished']"));

/// Every element the metadata selectors pick, found in one walk of the page
/// (it used to be seven `select` walks). A cheap test on the tag or the
/// attributes comes first; the selector itself still decides.
#[derive(Default)]
struct Found<'a> {
    metas: Vec<NodeRef<'a>>,
    title: Option<NodeRef<'a>>,
    h1: Option<NodeRef<'a>>,
    json_ld: Vec<NodeRef<'a>>,
    canonical: Option<NodeRef<'a>>,
    authors: Vec<NodeRef<'a>>,
    times: Vec<NodeRef<'a>>,
}

fn find(root: NodeRef<'_>) -> Found<'_> {
    let mut found = Found::default();
    let mut caches = SelectorCaches::default();
    let mut test = |s: &LazyLock<Option<Css>>, n: NodeRef<'_>| s.as_ref().is_some_and(|s| s.matches(n, &mut caches));
    for n in root.descendants().skip(1) {
        let Some(e) = n.element() else { continue };
        match e.name() {
            "meta" if test(&META, n) => found.metas.push(n),
            "title" if found.title.is_none() => found.title = Some(n),
            "h1" if found.h1.is_none() => found.h1 = Some(n),
            "script" if test(&JSON_LD, n) => found.json_ld.push(n),
            "link" if found.canonical.is_none() && test(&CANONICAL, n) => found.canonical = Some(n),
            _ => {}
        }
        let itemprop = e.attr_named(&local_name!("itemprop")).is_some();
        let author_like = itemprop
            || e.attr_named(&local_name!("rel")).is_some()
            || e.classes().any(|c| matches!(c, "author" | "author-name" | "byline"));
        if author_like && test(&AUTHOR_DOM, n) {
            found.authors.push(n);
        }
        if (itemprop || e.name() == "time") && test(&TIME, n) {
            found.times.push(n);
        }
    }
    found
}

/// Reads the page's metadata.
pub fn metadata(doc: &Dom) -> Metadata {
    metadata_with(doc, None)
}

/// Reads the page's metadata, a publisher's selectors first: they say where
/// this site puts its byline or date, which outranks any generic guess.
pub fn metadata_with(doc: &Dom, publisher: Option<&MetadataSelectors>) -> Metadata {
    let mut m = generic(doc);
    if let Some(p) = publisher.filter(|p| !p.is_empty()) {
        let root = doc.root_element();
        if let Some(title) = first_value(root, &p.title) {
            m.title = Some(title);
        }
        if let Some(author) = first_value(root, &p.author) {
            m.author = Some(strip_by(&author));
        }
        if let Some(date) = first_value(root, &p.date) {
            m.published = Some(date);
        }
    }
    m
}

/// The first non-empty value the readings find, trying them in order.
fn first_value(root: NodeRef<'_>, readings: &[MetaSelector]) -> Option<String> {
    readings.iter().find_map(|r| match &r.read {
        MetaRead::Fixed(text) => r.cut(text).and_then(clean),
        MetaRead::Select { css, attribute, own_text, .. } => css.select(root).into_iter().find_map(|n| {
            let value = match attribute {
                Some(a) => n.element()?.attr(a)?.to_owned(),
                None if *own_text => n.children().filter_map(|c| c.text()).collect(),
                None => n.text_content(),
            };
            r.cut(&value).and_then(clean)
        }),
    })
}

fn generic(doc: &Dom) -> Metadata {
    let root = doc.root_element();
    let found = find(root);
    let metas: Vec<(String, String)> = found
        .metas
        .iter()
        .filter_map(|m| {
            let m = m.element()?;
            let key = m.attr("property").or_else(|| m.attr("name")).or_else(|| m.attr("itemprop"))?;
            Some((key.trim().to_ascii_lowercase(), m.attr("content")?.to_owned()))
        })
        .collect();
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| metas.iter().find(|(key, _)| key == k).and_then(|(_, v)| clean(v)))
    };
    let (ld, json_ld_types) = json_ld(&found.json_ld);
    let og_type = meta(&["og:type"]).map(|t| t.to_lowercase());
    let attr = |n: &NodeRef<'_>, name: &str| n.element().and_then(|e| e.attr(name)).and_then(clean);

    let title = meta(&["og:title", "twitter:title"])
        .or_else(|| ld.as_ref().and_then(|v| string_at(v, &["headline", "name"])))
        .or_else(|| found.title.and_then(|t| clean(&t.text_content())))
        .or_else(|| found.h1.and_then(|h| clean(&h.text_content())));
    let author = meta(&["author", "article:author", "parsely-author", "sailthru.author", "dc.creator"])
        .filter(|a| !a.starts_with("http"))
        .or_else(|| ld.as_ref().and_then(|v| person(v.get("author")?)))
        .or_else(|| {
            found
                .authors
                .iter()
                .find_map(|e| clean(&e.text_content()).filter(|t| t.chars().count() <= 80).map(|t| strip_by(&t)))
        });
    let published = meta(&[
        "article:published_time",
        "og:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "sailthru.date",
        "parsely-pub-date",
    ])
    .or_else(|| ld.as_ref().and_then(|v| string_at(v, &["datePublished", "dateCreated"])))
    .or_else(|| {
        found
            .times
            .iter()
            .find_map(|t| t.element().and_then(|e| e.attr("datetime").or_else(|| e.attr("content"))).and_then(clean))
    });
    let site_name = meta(&["og:site_name", "application-name", "twitter:site"])
        .or_else(|| ld.as_ref().and_then(|v| v.get("publisher").and_then(|p| string_at(p, &["name"]))));
    let language = root
        .element()
        .and_then(|e| e.attr("lang").or_else(|| e.attr("xml:lang")))
        .and_then(clean)
        .or_else(|| meta(&["content-language", "og:locale", "language", "dc.language"]))
        .or_else(|| ld.as_ref().and_then(|v| string_at(v, &["inLanguage"])));
    let canonical_url = found
        .canonical
        .and_then(|l| attr(&l, "href"))
        .or_else(|| meta(&["og:url"]))
        .or_else(|| ld.as_ref().and_then(|v| string_at(v, &["url", "mainEntityOfPage"])));
    let article_body = ld.as_ref().and_then(|v| string_at(v, &["articleBody"]));
    Metadata { title, author, published, site_name, language, canonical_url, article_body, json_ld_types, og_type }
}

/// The JSON-LD object that describes the article (the first `*Article`,
/// `BlogPosting` or `WebPage`, looking inside arrays and `@graph`), and
/// every object's `@type`, lower-cased.
fn json_ld(scripts: &[NodeRef<'_>]) -> (Option<Value>, Vec<String>) {
    let mut found: Vec<Value> = Vec::new();
    for s in scripts {
        let text = s.text_content();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else { continue };
        collect_objects(value, &mut found, 0);
    }
    let kind = |v: &Value| -> String {
        match v.get("@type") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
            _ => String::new(),
        }
    };
    let rank = |v: &Value| {
        let k = kind(v);
        if k.contains("Article") || k.contains("BlogPosting") || k.contains("Report") {
            0
        } else if k.contains("WebPage") {
            1
        } else {
            2
        }
    };
    let mut types: Vec<String> = Vec::new();
    for v in &found {
        match v.get("@type") {
            Some(Value::String(s)) => types.push(type_name(s)),
            Some(Value::Array(a)) => types.extend(a.iter().filter_map(Value::as_str).map(type_name)),
            _ => {}
        }
    }
    (found.into_iter().filter(|v| rank(v) < 2).min_by_key(rank), types)
}

/// `Product`, `schema:Product` and `https://schema.org/Product` alike: `product`.
fn type_name(t: &str) -> String {
    t.rsplit(['/', ':']).next().unwrap_or(t).to_lowercase()
}

fn collect_objects(value: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| collect_objects(v, out, depth + 1)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                collect_objects(graph, out, depth + 1);
            }
            out.push(Value::Object(map));
        }
        _ => {}
    }
}

fn string_at(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k)? {
        Value::String(s) => clean(s),
        Value::Object(o) => o.get("@id").or_else(|| o.get("name")).and_then(Value::as_str).and_then(clean),
        Value::Array(a) => a.first().and_then(Value::as_str).and_then(clean),
        _ => None,
    })
}

/// An author value: a name, a Person, or a list of them.
fn person(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Object(o) => o.get("name").and_then(Value::as_str).and_then(clean),
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(person).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn strip_by(s: &str) -> String {
    let lower = s.to_lowercase();
    if lower.starts_with("by ") { s[3..].trim().to_owned() } else { s.to_owned() }
}

fn clean(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_json_ld_and_dom() {
        let page = r#"<html lang="de"><head><title>T | Site</title>
            <meta property="og:site_name" content="Site">
            <link rel="canonical" href="https://example.org/a">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},
              {"@type":"NewsArticle","headline":"Head","author":[{"@type":"Person","name":"A. Writer"}],"datePublished":"2024-05-01T10:00:00Z"}]}</script>
            </head><body><h1>H</h1></body></html>"#;
        let m = metadata(&Dom::parse_document(page));
        assert_eq!(m.title.as_deref(), Some("Head"));
        assert_eq!(m.author.as_deref(), Some("A. Writer"));
        assert_eq!(m.published.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(m.site_name.as_deref(), Some("Site"));
        assert_eq!(m.language.as_deref(), Some("de"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://example.org/a"));
    }

    #[test]
    fn dom_fallbacks() {
        let page = r#"<html><head><title> Plain  title </title></head><body><span class="byline">By Jo Reporter</span><time datetime="2020-01-02">Jan 2</time></body></html>"#;
        let m = metadata(&Dom::parse_document(page));
        assert_eq!(m.title.as_deref(), Some("Plain title"));
        assert_eq!(m.author.as_deref(), Some("Jo Reporter"));
        assert_eq!(m.published.as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn a_publishers_selectors_come_first() {
        let page = r#"<html><head><title>Page | Site</title><meta name="author" content="Site Staff">
            <meta name="sailthru.date" content="2021-01-01"></head><body>
            <h1 class="headline">The headline</h1><p class="by">By  Ann Author</p>
            <span class="stamp" data-ts="">x</span><span class="stamp" data-ts="2019-07-04">July 4</span></body></html>"#;
        let sel = |s: &str| MetaSelector::parse(s).unwrap();
        let p = MetadataSelectors {
            title: vec![sel("h2.none"), sel("h1.headline")],
            author: vec![sel(".by")],
            date: vec![sel("span.stamp @data-ts")],
        };
        let m = metadata_with(&Dom::parse_document(page), Some(&p));
        assert_eq!(m.title.as_deref(), Some("The headline"));
        assert_eq!(m.author.as_deref(), Some("Ann Author"));
        assert_eq!(m.published.as_deref(), Some("2019-07-04"));
        let none = MetadataSelectors { title: vec![sel("h2.none")], ..MetadataSelectors::default() };
        let m = metadata_with(&Dom::parse_document(page), Some(&none));
        assert_eq!(m.title.as_deref(), Some("Page | Site"));
        assert_eq!(m.author.as_deref(), Some("Site Staff"));
    }

    #[test]
    fn metadata_selectors_read_an_attribute_after_an_at() {
        let attribute = |s: &MetaSelector| match &s.read {
            MetaRead::Select { attribute, .. } => attribute.clone(),
            MetaRead::Fixed(_) => panic!("not a selector"),
        };
        let s = MetaSelector::parse("meta[property='article:published_time'] @content").unwrap();
        assert_eq!(attribute(&s).as_deref(), Some("content"));
        assert_eq!(s.attributes(), ["property", "content"]);
        let s = MetaSelector::parse("a[href*='@x']").unwrap();
        assert_eq!(attribute(&s), None);
        assert!(MetaSelector::parse("@content").is_err());
        assert!(MetaSelector::parse("div[ @x").is_err());
    }

    #[test]
    fn reading_tables_cut_values_read_own_text_and_fix_values() {
        use crate::rules::schema::{MetaEntry, MetaTable};
        let page = r#"<html><head><title>The story - Example Site</title></head><body>
            <p class="by">Posted by Ann Author | 4 July 2019</p>
            <div class="when"><b>Date:</b> 2019-07-04 </div></body></html>"#;
        let table = |t: MetaTable| MetaSelector::from_entry(&MetaEntry::Table(t)).unwrap();
        let select = |s: &str| MetaTable { selector: Some(s.into()), ..MetaTable::default() };
        let p = MetadataSelectors {
            title: vec![
                table(MetaTable { before: Some(" | ".into()), ..select("title") }),
                table(MetaTable { before: Some(" - ".into()), ..select("title") }),
            ],
            author: vec![table(MetaTable { after: Some("by ".into()), before: Some(" |".into()), ..select("p.by") })],
            date: vec![table(MetaTable { own_text: true, ..select("div.when") })],
        };
        let m = metadata_with(&Dom::parse_document(page), Some(&p));
        // The first title reading's ` | ` is absent, so it gives nothing and the second is tried.
        assert_eq!(m.title.as_deref(), Some("The story"));
        assert_eq!(m.author.as_deref(), Some("Ann Author"));
        assert_eq!(m.published.as_deref(), Some("2019-07-04"));

        let fixed = MetadataSelectors {
            author: vec![table(MetaTable { text: Some("Site Owner".into()), ..MetaTable::default() })],
            ..MetadataSelectors::default()
        };
        assert_eq!(metadata_with(&Dom::parse_document(page), Some(&fixed)).author.as_deref(), Some("Site Owner"));

        let bad = |t: MetaTable| MetaSelector::from_entry(&MetaEntry::Table(t)).unwrap_err();
        assert!(bad(MetaTable::default()).contains("needs a `selector`"));
        assert!(bad(MetaTable { text: Some("x".into()), ..select("p") }).contains("not both"));
        assert!(
            bad(MetaTable { attribute: Some("content".into()), own_text: true, ..select("p") }).contains("not both")
        );
        assert!(bad(MetaTable { after: Some(String::new()), ..select("p") }).contains("`after` is empty"));
        let shown = table(MetaTable { after: Some("By \"x\"".into()), ..select("p.by") }).source;
        assert_eq!(shown, r#"{ selector = "p.by", after = 'By "x"' }"#);
    }
}
