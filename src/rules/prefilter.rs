//! A cheap necessary condition for a selector list: an element can match an alternative only
//! if it has what the alternative's subject (its rightmost compound) names — a class, an id,
//! an attribute (with a value, when the selector gives one) or a tag — so every other element
//! skips the full selector match. Pages have thousands of elements and rule sets dozens of
//! selectors (a filter list hundreds per page): this keeps selector rules from costing a walk
//! of the tree each.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::AhoCorasick;
use html5ever::LocalName;

use crate::markup::dom::Element;

/// How an attribute selector compares its value (`[a="v"]`, `[a^="v"]`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equals,
    Prefix,
    Suffix,
    Contains,
    /// `~=`: one of the value's whitespace-separated words.
    Word,
    /// `|=`: the value, or the value and a `-` opening it.
    DashPrefix,
}

impl Op {
    /// Whether `value[start..end]` (a found occurrence of the selector's value) satisfies the operator.
    fn holds(self, value: &[u8], start: usize, end: usize) -> bool {
        let space = |i: usize| value.get(i).is_none_or(|b| b.is_ascii_whitespace());
        match self {
            Op::Equals => start == 0 && end == value.len(),
            Op::Prefix => start == 0,
            Op::Suffix => end == value.len(),
            Op::Contains => true,
            Op::Word => (start == 0 || space(start - 1)) && space(end),
            Op::DashPrefix => start == 0 && (end == value.len() || value[end] == b'-'),
        }
    }
}

/// What one alternative needs: the most selective key of its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Class(String),
    Id(String),
    /// An attribute whose value holds this text, as the operator says.
    Value(String, Op, String),
    Attr(String),
    Tag(String),
    /// A tag whose parent has the inner key (`a[href^="…"] > img`): the tag alone lets
    /// every image through, hundreds of filters' worth on a page.
    Child(String, Box<Key>),
}

impl Key {
    /// Whether `el` has what this key names (`Child` looks at the tag only).
    fn holds(&self, el: &Element) -> bool {
        match self {
            Key::Class(c) => el.classes().any(|k| k == c),
            Key::Id(i) => el.id() == Some(i.as_str()),
            // `v` is lower-cased when the key is read; most values are already.
            Key::Value(a, op, v) => el.plain_attrs().any(|(k, value)| {
                &**k == a.as_str() && {
                    let hay = match value.bytes().any(|b| b.is_ascii_uppercase()) {
                        true => std::borrow::Cow::Owned(value.to_ascii_lowercase()),
                        false => std::borrow::Cow::Borrowed(value),
                    };
                    hay.match_indices(v.as_str()).any(|(i, m)| op.holds(hay.as_bytes(), i, i + m.len()))
                }
            }),
            Key::Attr(a) => el.attr(a).is_some(),
            Key::Tag(t) | Key::Child(t, _) => el.name().eq_ignore_ascii_case(t),
        }
    }
}

/// The keys of a selector list, or nothing when an alternative has no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefilter {
    keys: Vec<Key>,
}

impl Prefilter {
    /// `None` when an alternative's subject names nothing this reading can test (`*`, a
    /// lone pseudo-class, escapes): then every element is tried.
    pub fn from_source(source: &str) -> Option<Prefilter> {
        let keys =
            top_level(source, b',').into_iter().map(|alt| subject_key(alt.trim())).collect::<Option<Vec<Key>>>()?;
        Some(Prefilter { keys })
    }

    /// False only when the element (whose parent element is `parent`) cannot match the
    /// selector list.
    pub fn may_match(&self, el: &Element, parent: Option<&Element>) -> bool {
        self.keys.iter().any(|key| match key {
            Key::Child(_, up) => key.holds(el) && parent.is_some_and(|p| up.holds(p)),
            _ => key.holds(el),
        })
    }
}

/// The attribute-value keys of one attribute name: an automaton over their values, so an
/// element's value is scanned once for all of them (a filter list's `a[href^="…"]` rules are
/// hundreds).
struct ValueKeys {
    /// Values compared ignoring ASCII case: a superset of what selectors match (some HTML
    /// attributes' values are case-insensitive to selectors).
    automaton: AhoCorasick,
    /// By pattern: the rules and how each compares.
    rules: Vec<Vec<(u32, Op)>>,
}

/// The attribute values of one attribute name's keys, while an index is built.
#[derive(Default)]
struct ValuePatterns {
    /// Value → its pattern number.
    seen: HashMap<String, usize>,
    patterns: Vec<String>,
    /// By pattern: the rules and how each compares.
    rules: Vec<Vec<(u32, Op)>>,
}

/// The prefilters of a list of rules, inverted: class, id, attribute name (and value) and
/// tag to the rules that need them. An element then costs a hash lookup per class token
/// instead of a comparison per rule key.
pub struct RuleIndex {
    by_class: Map<Box<str>>,
    by_id: Map<Box<str>>,
    /// By attribute name: an element costs a lookup per attribute it has, not a comparison
    /// per key (a filter list's generic filters name some sixty attributes and tags).
    by_value: HashMap<LocalName, ValueKeys, BuildHasherDefault<Fnv>>,
    by_attr: Map<LocalName>,
    /// Lower-cased: tags compare ignoring ASCII case.
    by_tag: Map<LocalName>,
    /// Tags whose rules also need a key on the parent: (rule, the parent's key).
    by_tag_under: HashMap<LocalName, Vec<(u32, Key)>, BuildHasherDefault<Fnv>>,
    /// Rules without a prefilter: tried on every element.
    always: Vec<u32>,
}

impl RuleIndex {
    /// Indexes rules by position in `prefilters`.
    pub fn new<'r, I: IntoIterator<Item = Option<&'r Prefilter>>>(prefilters: I) -> Self {
        let mut index = RuleIndex {
            by_class: Map::default(),
            by_id: Map::default(),
            by_value: HashMap::default(),
            by_attr: Map::default(),
            by_tag: Map::default(),
            by_tag_under: HashMap::default(),
            always: Vec::new(),
        };
        let mut values: Vec<(LocalName, ValuePatterns)> = Vec::new();
        for (i, p) in prefilters.into_iter().enumerate() {
            let i = i as u32;
            let Some(p) = p else {
                index.always.push(i);
                continue;
            };
            for key in &p.keys {
                match key {
                    Key::Class(c) => index.by_class.entry(c.as_str().into()).or_default().push(i),
                    Key::Id(d) => index.by_id.entry(d.as_str().into()).or_default().push(i),
                    Key::Value(a, op, v) => {
                        let name = LocalName::from(a.as_str());
                        let at = match values.iter().position(|(n, _)| *n == name) {
                            Some(at) => at,
                            None => {
                                values.push((name, ValuePatterns::default()));
                                values.len() - 1
                            }
                        };
                        let keys = &mut values[at].1;
                        let v = v.to_ascii_lowercase();
                        let n = *keys.seen.entry(v.clone()).or_insert_with(|| {
                            keys.patterns.push(v);
                            keys.rules.push(Vec::new());
                            keys.patterns.len() - 1
                        });
                        keys.rules[n].push((i, *op));
                    }
                    Key::Attr(a) => index.by_attr.entry(LocalName::from(a.as_str())).or_default().push(i),
                    Key::Tag(t) => index.by_tag.entry(LocalName::from(t.to_ascii_lowercase())).or_default().push(i),
                    Key::Child(t, up) => index
                        .by_tag_under
                        .entry(LocalName::from(t.to_ascii_lowercase()))
                        .or_default()
                        .push((i, (**up).clone())),
                }
            }
        }
        for (name, ValuePatterns { patterns, rules, .. }) in values {
            // A DFA without a prefilter: the haystacks are attribute values, short, where a
            // prefilter's set-up per search costs more than it skips.
            let built = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .prefilter(false)
                .build(&patterns);
            match built {
                Ok(automaton) => {
                    index.by_value.insert(name, ValueKeys { automaton, rules });
                }
                // Too large an automaton (never seen): the rules then need the attribute only.
                Err(_) => index.by_attr.entry(name).or_default().extend(rules.into_iter().flatten().map(|(r, _)| r)),
            }
        }
        index
    }

    /// The rules `el` (whose parent element is `parent`) may match (those whose prefilter
    /// lets it through), ascending and without duplicates, into `out`.
    pub fn candidates(&self, el: &Element, parent: Option<&Element>, out: &mut Vec<u32>) {
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
        if !self.by_value.is_empty() {
            for (name, value) in el.plain_attrs() {
                let Some(keys) = self.by_value.get(name) else { continue };
                let bytes = value.as_bytes();
                for m in keys.automaton.find_overlapping_iter(value) {
                    for &(rule, op) in &keys.rules[m.pattern().as_usize()] {
                        if op.holds(bytes, m.start(), m.end()) {
                            out.push(rule);
                        }
                    }
                }
            }
        }
        if !self.by_attr.is_empty() {
            for name in el.attr_locals() {
                out.extend(self.by_attr.get(name).into_iter().flatten());
            }
        }
        if !self.by_tag.is_empty() || !self.by_tag_under.is_empty() {
            // HTML names are lower case already; SVG ones (`clipPath`) may not be.
            let tag = el.local_name();
            let lower = tag.bytes().any(|b| b.is_ascii_uppercase()).then(|| LocalName::from(tag.to_ascii_lowercase()));
            let tag = lower.as_ref().unwrap_or(tag);
            out.extend(self.by_tag.get(tag).into_iter().flatten());
            if let (Some(under), Some(parent)) = (self.by_tag_under.get(tag), parent) {
                out.extend(under.iter().filter(|(_, up)| up.holds(parent)).map(|(rule, _)| rule));
            }
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// Key to rule positions, hashed with FNV-1a: the keys are short class names
/// and the lookups many (one per class token of every element), where
/// SipHash's setup cost dominated. The keys come from the rules, so a page
/// cannot choose them to collide.
type Map<K> = HashMap<K, Vec<u32>, BuildHasherDefault<Fnv>>;

/// FNV-1a, for short keys that rules or a page's class names choose.
#[derive(Default)]
pub struct Fnv(u64);

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

/// Where the bytes `wanted` picks stand in `source` outside brackets, parentheses and quotes.
fn top_level_positions(source: &str, wanted: impl Fn(u8) -> bool) -> Vec<usize> {
    let mut found = Vec::new();
    let (mut depth, mut quote) = (0usize, None::<u8>);
    for (i, &b) in source.as_bytes().iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'(' | b'[') => depth += 1,
            (None, b')' | b']') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && wanted(b) => found.push(i),
            _ => {}
        }
    }
    found
}

/// `source` split at `sep` where it stands outside brackets, parentheses and quotes.
fn top_level(source: &str, sep: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut from = 0;
    for at in top_level_positions(source, |b| b == sep) {
        parts.push(&source[from..at]);
        from = at + 1;
    }
    parts.push(&source[from..]);
    parts
}

/// Where the subject of `alt` starts, and the compound before it when the two are joined
/// by `>` (`a[href] > img` → `a[href]`).
fn split_subject(alt: &str) -> (usize, Option<&str>) {
    let start = subject_start(alt);
    let before = alt[..start].trim_end();
    let Some(parent) = before.strip_suffix('>') else { return (start, None) };
    let parent = parent.trim_end();
    (start, Some(&parent[subject_start(parent)..]))
}

/// Where the rightmost compound of `alt` starts: after its last combinator at the top level.
fn subject_start(alt: &str) -> usize {
    let combinator = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'>' | b'+' | b'~');
    top_level_positions(alt, combinator).last().map_or(0, |&at| at + 1)
}

/// The most selective key of an alternative's subject compound; `None` when it names no
/// class, id, attribute or tag, or holds what this reading does not follow (escapes, a
/// namespace, a case flag on an attribute value).
fn subject_key(alt: &str) -> Option<Key> {
    if alt.is_empty() || alt.contains('\\') || alt.contains('|') && !alt.contains("|=") {
        return None;
    }
    let (start, parent) = split_subject(alt);
    let key = compound_key(&alt[start..])?;
    Some(match (key, parent.and_then(compound_key)) {
        (Key::Tag(t), Some(up @ (Key::Class(_) | Key::Id(_) | Key::Value(..) | Key::Attr(_)))) => {
            Key::Child(t, Box::new(up))
        }
        (key, _) => key,
    })
}

/// The most selective key of one compound selector.
fn compound_key(rest: &str) -> Option<Key> {
    let ident =
        |s: &str| -> usize { s.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(s.len()) };
    let tag_len = if rest.starts_with('*') { 1 } else { ident(rest) };
    let tag = &rest[..tag_len];
    let mut rest = &rest[tag_len..];
    let (mut class, mut id, mut value, mut attr) = (None, None, None, None);
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
                let close = closing(body, b']')?;
                let inner = &body[..close];
                let name_len = ident(inner);
                if name_len == 0 {
                    return None;
                }
                let name = inner[..name_len].to_ascii_lowercase();
                match attribute_value(&inner[name_len..]) {
                    Some((op, v)) if !v.is_empty() => {
                        value.get_or_insert((name, op, v));
                    }
                    _ => {
                        attr.get_or_insert(name);
                    }
                }
                rest = &body[close + 1..];
            }
            // A pseudo-class only narrows the compound: the rest of it is still needed.
            ':' => {
                let body = body.strip_prefix(':').unwrap_or(body);
                let n = ident(body);
                rest = &body[n..];
                if rest.starts_with('(') {
                    rest = &rest[closing(&rest[1..], b')')? + 2..];
                }
            }
            _ => return None,
        }
    }
    class
        .map(Key::Class)
        .or(id.map(Key::Id))
        .or(value.map(|(n, op, v)| Key::Value(n, op, v.to_ascii_lowercase())))
        .or(attr.map(Key::Attr))
        .or((!tag.is_empty() && tag != "*").then(|| Key::Tag(tag.to_owned())))
}

/// Where the bracket or parenthesis `close` that closes an opened one stands in `s`
/// (nesting and quotes followed).
fn closing(s: &str, close: u8) -> Option<usize> {
    let open = if close == b']' { b'[' } else { b'(' };
    let (mut depth, mut quote) = (0usize, None::<u8>);
    for (i, &b) in s.as_bytes().iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, _) if b == open => depth += 1,
            (None, _) if b == close && depth == 0 => return Some(i),
            (None, _) if b == close => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `^="v"` → (prefix, "v"); `None` for a bare attribute, a case flag (` i`), or a form not read.
fn attribute_value(s: &str) -> Option<(Op, String)> {
    let s = s.trim_start();
    let (op, rest) = match s.as_bytes() {
        [b'=', ..] => (Op::Equals, &s[1..]),
        [b'^', b'=', ..] => (Op::Prefix, &s[2..]),
        [b'$', b'=', ..] => (Op::Suffix, &s[2..]),
        [b'*', b'=', ..] => (Op::Contains, &s[2..]),
        [b'~', b'=', ..] => (Op::Word, &s[2..]),
        [b'|', b'=', ..] => (Op::DashPrefix, &s[2..]),
        _ => return None,
    };
    let rest = rest.trim();
    let (value, after) = match rest.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => {
            let end = rest[1..].find(q as char)? + 1;
            (&rest[1..end], rest[end + 1..].trim())
        }
        _ => {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], rest[end..].trim())
        }
    };
    // A flag (` i`, ` s`) changes how the value compares: leave it to the full match.
    (after.is_empty() && (op != Op::Word || !value.contains(char::is_whitespace))).then(|| (op, value.to_owned()))
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
        // The subject (rightmost compound) gives the key; pseudo-classes only narrow it.
        assert!(Prefilter::from_source("article .entry-content").is_some());
        assert!(Prefilter::from_source("div > p").is_some());
        assert!(Prefilter::from_source("a:not(.x)").is_some());
        assert!(Prefilter::from_source("a[href^=\"https://ads.\"], div[id*='gpt' i]").is_some());
        assert!(Prefilter::from_source("*").is_none());
        assert!(Prefilter::from_source("div > *").is_none());
        assert!(Prefilter::from_source(":is(.a, .b)").is_none());
        assert!(Prefilter::from_source(".a, *").is_none());
    }

    #[test]
    fn the_index_never_rejects_a_match_on_a_real_page() {
        let html = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/breitbart/snopes-fact-checker.html"
        ))
        .unwrap();
        let page = Dom::parse_document(&html);
        let sources = [
            ".ad-wrapper",
            "#HTsocial",
            "div.ad-wrapper > div",
            "article .entry-content p",
            "header nav ul > li + li",
            "li ~ li a",
            "a[href^=\"http://www.breitbart.com\"]",
            "a[href*=\"BREITBART\"]",
            "[href$=\".html\"]",
            "a[href=\"#\"]",
            "[class~=\"nmWidgetList\"]",
            "[lang|=\"en\"]",
            "div[id^=\"google_ads_iframe\"]",
            "div:not(.ad-wrapper) > span",
            "li:nth-child(2n+1)",
            "p:has(> a)",
            "div[class*=\"ad\" i]",
            "[data-id], .x, span.at-icon-wrapper",
            "div:is(.a, .b) p",
            "iframe[src*=\"doubleclick\"]",
            "img[alt]",
            "a[target=_blank]",
            "meta[name=\"description\"]",
            "section, aside, footer",
            "a[href^=\"http\"] > img",
            "div.ad-wrapper > div",
            ".entry-content > p",
            "li > a",
            "a[href*=\"breitbart\" i] > span",
        ];
        let compiled: Vec<(Css, Option<Prefilter>)> =
            sources.iter().map(|s| (Css::parse(s).unwrap(), Prefilter::from_source(s))).collect();
        let index = RuleIndex::new(compiled.iter().map(|(_, p)| p.as_ref()));
        let mut caches = SelectorCaches::default();
        let (mut out, mut matches, mut skipped) = (Vec::new(), 0, 0);
        for el in page.root_element().descendants().filter(|n| n.is_element()) {
            index.candidates(el.element().unwrap(), el.parent().and_then(|p| p.element()), &mut out);
            for (i, (css, pre)) in compiled.iter().enumerate() {
                let hit = css.matches(el, &mut caches);
                matches += usize::from(hit);
                skipped += usize::from(!out.contains(&(i as u32)));
                assert!(!hit || out.contains(&(i as u32)), "{} matches {el:?} but the index rules it out", sources[i]);
                let parent = el.parent().and_then(|p| p.element());
                assert!(
                    !hit || pre.as_ref().is_none_or(|p| p.may_match(el.element().unwrap(), parent)),
                    "{}",
                    sources[i]
                );
            }
        }
        assert!(matches > 100 && skipped > matches * 10, "{matches} matches, {skipped} skipped");
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
            index.candidates(e, None, &mut out);
            assert_eq!(pre.may_match(e, None), out == [0], "{el:?}");
            if sel.matches(el, &mut caches) {
                assert!(pre.may_match(e, None), "{el:?}");
            }
        }
        let p =
            page.root_element().descendants().find(|e| e.element().and_then(|e| e.attr("class")) == Some("x")).unwrap();
        assert!(!pre.may_match(p.element().unwrap(), None));
    }
}
