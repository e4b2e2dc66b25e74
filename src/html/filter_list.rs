//! Filter lists on a page's DOM: which of the lists' filters apply (the page's classes and ids
//! decide the generic ones), and what the procedural ones select. Plain selectors join the rule
//! files' selector rules in the one walk over the tree ([`super::walk`]); procedural filters
//! select from their first selector, then take their steps in order.

use std::collections::HashSet;

use crate::markup::dom::{Dom, NodeId, NodeRef};
use crate::rules::filter_list::{Combinator, Compiled, ForPage, Step};
use crate::rules::{CssRule, Matcher};
use selectors::context::SelectorCaches;

/// The filters that apply to `doc`: plain ones (a selector rule each) and procedural ones.
pub(super) struct PageFilters<'a> {
    pub plain: Vec<(&'a Compiled, &'a CssRule)>,
    pub procedural: Vec<&'a Compiled>,
}

pub(super) fn applicable<'a>(doc: &Dom, page: &ForPage<'a>) -> PageFilters<'a> {
    type Set<'d> = HashSet<&'d str, std::hash::BuildHasherDefault<crate::rules::Fnv>>;
    let (mut classes, mut ids) = (Set::default(), Set::default());
    for node in doc.root_element().descendants() {
        if let Some(e) = node.element() {
            classes.extend(e.classes());
            ids.extend(e.id());
        }
    }
    let mut out = PageFilters { plain: Vec::new(), procedural: Vec::new() };
    for c in page.applicable(classes, ids) {
        match (&c.rule.matcher, c.steps.is_empty()) {
            (Matcher::Selector(css), true) => out.plain.push((c, css)),
            (Matcher::Selector(_), false) => out.procedural.push(c),
            _ => {}
        }
    }
    out
}

/// The elements a procedural filter selects on `doc`, in document order. `html` and `body`
/// are never among them: a filter that climbs that far would leave no page.
pub(super) fn select<'d>(doc: &'d Dom, filter: &Compiled, path: Option<&str>) -> Vec<NodeId> {
    let Matcher::Selector(css) = &filter.rule.matcher else { return Vec::new() };
    let mut caches = SelectorCaches::default();
    let mut set: Vec<NodeRef<'d>> = css.selector.select(doc.root_element());
    for step in &filter.steps {
        if set.is_empty() {
            break;
        }
        set = match step {
            Step::HasText(p) => set.into_iter().filter(|n| p.is_match(&n.text_content())).collect(),
            Step::MinTextLength(min) => set.into_iter().filter(|n| n.text_content().chars().count() >= *min).collect(),
            Step::MatchesPath(p) => {
                if path.is_some_and(|x| p.is_match(x)) {
                    set
                } else {
                    Vec::new()
                }
            }
            Step::MatchesAttr(name, value) => set
                .into_iter()
                .filter(|n| {
                    n.element().is_some_and(|e| {
                        e.plain_attrs()
                            .any(|(k, v)| name.is_whole_match(k) && value.as_ref().is_none_or(|p| p.is_whole_match(v)))
                    })
                })
                .collect(),
            Step::UpwardBy(n) => {
                set.into_iter().filter_map(|e| e.ancestors().filter(NodeRef::is_element).nth(n - 1)).collect()
            }
            Step::UpwardTo(up) => set
                .into_iter()
                .filter_map(|e| e.ancestors().filter(NodeRef::is_element).find(|a| up.matches(*a, &mut caches)))
                .collect(),
            Step::Then(combinator, next) => {
                let mut out = Vec::new();
                for e in set {
                    let candidates: Vec<NodeRef<'d>> = match combinator {
                        Combinator::Same => vec![e],
                        Combinator::Child => e.children().filter(NodeRef::is_element).collect(),
                        Combinator::Descendant => e.descendants().skip(1).filter(NodeRef::is_element).collect(),
                        Combinator::Adjacent => {
                            let mut s = e.next_sibling();
                            while let Some(n) = s.filter(|n| !n.is_element()) {
                                s = n.next_sibling();
                            }
                            s.into_iter().collect()
                        }
                        Combinator::Sibling => std::iter::successors(e.next_sibling(), NodeRef::next_sibling)
                            .filter(NodeRef::is_element)
                            .collect(),
                    };
                    out.extend(candidates.into_iter().filter(|c| next.matches(*c, &mut caches)));
                }
                out
            }
        };
        let mut seen = HashSet::new();
        set.retain(|n| seen.insert(n.id()));
    }
    let mut ids: Vec<NodeId> = set
        .into_iter()
        .filter(|n| n.element().is_some_and(|e| !matches!(e.name(), "html" | "body")))
        .map(|n| n.id())
        .collect();
    ids.sort_by_key(|id| id.index());
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::filter_list::{FilterLists, FilterSource};

    fn texts(html: &str, list: &str, url: &str) -> Vec<String> {
        let lists = FilterLists::new(vec![FilterSource::new("t.txt", list)]);
        let doc = Dom::parse_document(html);
        let page = lists.for_url(Some(url));
        let path = page.path.clone();
        let found = applicable(&doc, &page);
        let mut out: Vec<String> = Vec::new();
        for c in found.procedural {
            for id in select(&doc, c, path.as_deref()) {
                out.push(doc.get(id).map(|n| n.text_content().trim().to_owned()).unwrap_or_default());
            }
        }
        out
    }

    const PAGE: &str = r#"<html><body><div class="card"><h3>Story</h3><p>Real text</p></div>
        <div class="card"><span class="label">Sponsored</span><p>Buy this</p></div>
        <section id="s"><div class="inner"><p class="x">Deep</p></div></section>
        <ul><li class="a">one</li><li class="b">two</li><li class="b">three</li></ul>
        <div data-widget="promo-box">Promo</div></body></html>"#;

    #[test]
    fn has_text_selects_by_text_and_regex() {
        assert_eq!(
            texts(PAGE, "example.com##.card:has-text(Sponsored)", "https://example.com/"),
            ["SponsoredBuy this"]
        );
        assert_eq!(texts(PAGE, "example.com##.card:has-text(/^story/i)", "https://example.com/").len(), 1);
    }

    #[test]
    fn upward_climbs_by_count_or_selector() {
        assert_eq!(texts(PAGE, "example.com##.x:upward(2)", "https://example.com/"), ["Deep"]);
        assert_eq!(
            texts(PAGE, "example.com##.label:has-text(Sponsored):upward(.card)", "https://example.com/"),
            ["SponsoredBuy this"]
        );
        assert!(texts(PAGE, "example.com##.x:upward(9)", "https://example.com/").is_empty(), "never html or body");
    }

    #[test]
    fn relative_selectors_after_an_operator() {
        assert_eq!(texts(PAGE, "example.com##li:has-text(one) ~ .b", "https://example.com/"), ["two", "three"]);
        assert_eq!(texts(PAGE, "example.com##li:has-text(one) + .b", "https://example.com/"), ["two"]);
        assert_eq!(texts(PAGE, "example.com##section:has-text(Deep) .x", "https://example.com/"), ["Deep"]);
    }

    #[test]
    fn path_attr_and_length_conditions() {
        assert_eq!(texts(PAGE, "example.com##.x:matches-path(/amp)", "https://example.com/amp/story").len(), 1);
        assert!(texts(PAGE, "example.com##.x:matches-path(/amp)", "https://example.com/story").is_empty());
        assert_eq!(
            texts(PAGE, "example.com##div:matches-attr(data-widget=/promo/)", "https://example.com/"),
            ["Promo"]
        );
        assert_eq!(texts(PAGE, "example.com##li:min-text-length(4)", "https://example.com/"), ["three"]);
    }
}
