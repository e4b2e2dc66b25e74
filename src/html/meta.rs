//! Page metadata for the report.

use std::sync::LazyLock;

use scraper::{Html, Selector};

static OG_TITLE: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("meta[property='og:title']").ok());
static TITLE: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("title").ok());
static H1: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("h1").ok());

/// The page title: `og:title` (publishers set it without the site suffix),
/// else `<title>`, else the first `<h1>`.
pub fn title(doc: &Html) -> Option<String> {
    let root = doc.root_element();
    let first = |sel: &Option<Selector>| sel.as_ref().and_then(|s| root.select(s).next());
    let clean = |s: String| {
        let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
        (!t.is_empty()).then_some(t)
    };
    first(&OG_TITLE)
        .and_then(|m| m.attr("content").map(str::to_owned).and_then(clean))
        .or_else(|| first(&TITLE).and_then(|t| clean(t.text().collect())))
        .or_else(|| first(&H1).and_then(|h| clean(h.text().collect())))
}
