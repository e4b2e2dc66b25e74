//! A cheap necessary condition for a selector list: most rule selectors are
//! `.class`, `#id`, `tag` or `[attr]` compounds, so an element without any of
//! their keys cannot match and the full selector match is skipped. Pages have
//! thousands of elements and rules dozens of alternatives: this keeps selector
//! rules from costing a walk of the tree each.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use html5ever::LocalName;

use crate::markup::dom::Element;

/// What one simple alternative needs: the most selective key of its compound.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Class(String),
    Id(String),
    Attr(String),
    Tag(String),
}

/// The keys of a selector list, or nothing when an alternative is not simple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefilter {
    keys: Vec<Key>,
}

impl Prefilter {
    /// `None` when any alternative has a combinator, a pseudo-class or
    /// anything else this reading does not understand: then every element is tried.
    pub fn from_source(source: &str) -> Option<Prefilter> {
        let keys = source.split(',').map(|alt| simple_key(alt.trim())).collect::<Option<Vec<Key>>>()?;
        Some(Prefilter { keys })
    }

    /// False only when the element cannot match the selector list.
    pub fn may_match(&self, el: &Element) -> bool {
        self.keys.iter().any(|key| match key {
            Key::Class(c) => el.classes().any(|k| k == c),
            Key::Id(i) => el.id() == Some(i.as_str()),
            Key::Attr(a) => el.attr(a).is_some(),
            Key::Tag(t) => el.name().eq_ignore_ascii_case(t),
        })
    }
}

/// The prefilters of a list of rules, inverted: class, id, attribute name
/// and tag to the rules that need them. An element then costs a hash lookup
/// per class token instead of a comparison per rule key (pages have
/// thousands of elements, the shipped rules some fifty keys).
pub struct RuleIndex<'r> {
    by_class: Map<&'r str>,
    by_id: Map<&'r str>,
    /// Attribute and tag keys are few: scanned, compared as interned names.
    by_attr: Vec<(LocalName, Vec<u32>)>,
    /// Lower-cased: tags compare ignoring ASCII case.
    by_tag: Vec<(LocalName, Vec<u32>)>,
    /// Rules without a prefilter: tried on every element.
    always: Vec<u32>,
}

impl<'r> RuleIndex<'r> {
    /// Indexes rules by position in `prefilters`.
    pub fn new<I: IntoIterator<Item = Option<&'r Prefilter>>>(prefilters: I) -> Self {
        let mut index = RuleIndex {
            by_class: Map::default(),
            by_id: Map::default(),
            by_attr: Vec::new(),
            by_tag: Vec::new(),
            always: Vec::new(),
        };
        for (i, p) in prefilters.into_iter().enumerate() {
            let i = i as u32;
            let Some(p) = p else {
                index.always.push(i);
                continue;
            };
            for key in &p.keys {
                match key {
                    Key::Class(c) => index.by_class.entry(c.as_str()).or_default().push(i),
                    Key::Id(d) => index.by_id.entry(d.as_str()).or_default().push(i),
                    Key::Attr(a) => push_key(&mut index.by_attr, LocalName::from(a.as_str()), i),
                    Key::Tag(t) => push_key(&mut index.by_tag, LocalName::from(t.to_ascii_lowercase()), i),
                }
            }
        }
        index
    }

    /// The rules `el` may match (those whose prefilter lets it through),
    /// ascending and without duplicates, into `out`.
    pub fn candidates(&self, el: &Element, out: &mut Vec<u32>) {
        out.clear();
        out.extend_from_slice(&self.always);
        if !self.by_class.is_empty() {
            for c in el.classes() {
                out.extend(self.by_class.get(c).into_iter().flatten());
            }
        }
        if let Some(id) = el.id().filter(|_| !self.by_id.is_empty()) {
            out.extend(self.by_id.get(id).into_iter().flatten());
        }
        for (key, rules) in &self.by_attr {
            if el.attr_locals().any(|a| a == key) {
                out.extend(rules);
            }
        }
        for (key, rules) in &self.by_tag {
            // HTML names are lower case already; SVG ones (`clipPath`) may not be.
            if el.local_name() == key || el.name().eq_ignore_ascii_case(key) {
                out.extend(rules);
            }
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }
}

fn push_key(keys: &mut Vec<(LocalName, Vec<u32>)>, key: LocalName, rule: u32) {
    match keys.iter_mut().find(|(k, _)| *k == key) {
        Some((_, rules)) => rules.push(rule),
        None => keys.push((key, vec![rule])),
    }
}

/// Key to rule positions, hashed with FNV-1a: the keys are short class names
/// and the lookups many (one per class token of every element), where
/// SipHash's setup cost dominated. The keys come from the rules, so a page
/// cannot choose them to collide.
type Map<K> = HashMap<K, Vec<u32>, BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

fn simple_key(alt: &str) -> Option<Key> {
    if alt.is_empty() || alt.contains(|c: char| c.is_whitespace() || matches!(c, '>' | '+' | '~' | ':' | '*' | '\\')) {
        return None;
    }
    let ident =
        |s: &str| -> usize { s.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(s.len()) };
    let mut rest = alt;
    let tag_len = ident(rest);
    let tag = &rest[..tag_len];
    rest = &rest[tag_len..];
    let (mut class, mut id, mut attr) = (None, None, None);
    while !rest.is_empty() {
        // By char, not by byte: the selector may hold any character (a combining
        // mark after the tag name once split a char in two here; found by cargo fuzz).
        let mut chars = rest.chars();
        let Some(kind) = chars.next() else { break };
        let body = chars.as_str();
        match kind {
            '.' | '#' => {
                let n = ident(body);
                if n == 0 {
                    return None;
                }
                let name = body[..n].to_owned();
                if kind == '.' {
                    class.get_or_insert(name)
                } else {
                    id.get_or_insert(name)
                };
                rest = &body[n..];
            }
            '[' => {
                let close = body.find(']')?;
                let name_len = ident(body);
                if name_len == 0 {
                    return None;
                }
                attr.get_or_insert_with(|| body[..name_len].to_owned());
                rest = &body[close + 1..];
            }
            _ => return None,
        }
    }
    class
        .map(Key::Class)
        .or(id.map(Key::Id))
        .or(attr.map(Key::Attr))
        .or((!tag.is_empty()).then(|| Key::Tag(tag.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::dom::{Css, Dom};

    #[test]
    fn selectors_with_multibyte_characters_do_not_panic() {
        // The cargo fuzz `rules` target's crash: a combining mark right after the tag name.
        assert!(Prefilter::from_source("a\u{31e}dvertisement").is_none());
        assert!(Prefilter::from_source("div.é, #ü").is_some());
        assert!(Prefilter::from_source("p\u{e9}[x]").is_some());
    }
    use selectors::context::SelectorCaches;

    #[test]
    fn simple_lists_have_keys_others_none() {
        assert!(
            Prefilter::from_source(".sharedaddy, #cookie-notice, nav, [role='navigation'], ins.adsbygoogle").is_some()
        );
        assert!(Prefilter::from_source("article .entry-content").is_none());
        assert!(Prefilter::from_source("div > p").is_none());
        assert!(Prefilter::from_source("a:not(.x)").is_none());
        assert!(Prefilter::from_source("*").is_none());
    }

    #[test]
    fn prefilter_never_rejects_a_match() {
        let page = Dom::parse_document(
            "<nav></nav><div class='a sharedaddy'></div><div id='div-gpt-ad-1'></div><p role='navigation'></p><ins class='adsbygoogle'></ins><p class='x'></p>",
        );
        let source = ".sharedaddy, [id^='div-gpt-ad'], nav, [role='navigation'], ins.adsbygoogle";
        let sel = Css::parse(source).unwrap();
        let pre = Prefilter::from_source(source).unwrap();
        let index = RuleIndex::new([Some(&pre)]);
        let mut caches = SelectorCaches::default();
        let mut out = Vec::new();
        for el in page.root_element().descendants().filter(|n| n.is_element()) {
            let e = el.element().unwrap();
            index.candidates(e, &mut out);
            assert_eq!(pre.may_match(e), out == [0], "{el:?}");
            if sel.matches(el, &mut caches) {
                assert!(pre.may_match(e), "{el:?}");
            }
        }
        let p =
            page.root_element().descendants().find(|e| e.element().and_then(|e| e.attr("class")) == Some("x")).unwrap();
        assert!(!pre.may_match(p.element().unwrap()));
    }
}
