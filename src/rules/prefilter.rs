//! A cheap necessary condition for a selector list: most rule selectors are
//! `.class`, `#id`, `tag` or `[attr]` compounds, so an element without any of
//! their keys cannot match and the full selector match is skipped. Pages have
//! thousands of elements and rules dozens of alternatives: this keeps selector
//! rules from costing a walk of the tree each.

use scraper::node::Element;

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
        let (kind, body) = rest.split_at(1);
        match kind {
            "." | "#" => {
                let n = ident(body);
                if n == 0 {
                    return None;
                }
                let name = body[..n].to_owned();
                if kind == "." {
                    class.get_or_insert(name)
                } else {
                    id.get_or_insert(name)
                };
                rest = &body[n..];
            }
            "[" => {
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
    use scraper::{Html, Selector};

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
        let page = Html::parse_document(
            "<nav></nav><div class='a sharedaddy'></div><div id='div-gpt-ad-1'></div><p role='navigation'></p><ins class='adsbygoogle'></ins><p class='x'></p>",
        );
        let source = ".sharedaddy, [id^='div-gpt-ad'], nav, [role='navigation'], ins.adsbygoogle";
        let sel = Selector::parse(source).unwrap();
        let pre = Prefilter::from_source(source).unwrap();
        for el in page.root_element().descendent_elements() {
            if sel.matches(&el) {
                assert!(pre.may_match(el.value()), "{:?}", el.value());
            }
        }
        let p = page.root_element().descendent_elements().find(|e| e.value().attr("class") == Some("x")).unwrap();
        assert!(!pre.may_match(p.value()));
    }
}
