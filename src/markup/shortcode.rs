//! A WordPress-style shortcode scanner: `[name attrs]`, `[name /]`,
//! `[name]…[/name]` (nested), `[[name]]` escapes. One pass over the text and a
//! stack per name to pair closers, so a block full of unclosed brackets stays
//! linear.

use std::collections::HashMap;
use std::ops::Range;

/// Longest attribute text considered; a `[` followed by a page of prose is not a shortcode.
const MAX_TAG_LEN: usize = 2048;

/// Characters that open or close a quoted attribute value: straight, curly
/// and prime quotes, since WordPress's texturize curls them in scraped text.
const QUOTES: &[char] = &['"', '\'', '“', '”', '‘', '’', '″', '′', '„', '«', '»'];

/// One shortcode found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcode {
    pub name: String,
    /// From `[name` to the end of its closer (or of the opening tag).
    pub outer: Range<usize>,
    /// The opening tag (or the lone closing tag).
    pub open: Range<usize>,
    /// The closing tag of an enclosing pair.
    pub close: Option<Range<usize>>,
    /// Attributes are `key=value` pairs (or none): what `"*"` insists on.
    pub attrs_ok: bool,
}

impl Shortcode {
    /// The enclosed text of a pair.
    pub fn inner(&self) -> Option<Range<usize>> {
        self.close.as_ref().map(|c| self.open.end..c.start)
    }
}

#[derive(Debug)]
enum Token {
    Open { name: String, range: Range<usize>, self_closing: bool, attrs_ok: bool },
    Close { name: String, range: Range<usize> },
}

/// All shortcodes in `text`, nested ones included, ordered by start.
pub fn parse(text: &str) -> Vec<Shortcode> {
    let tokens = tokenize(text);
    let mut open_stacks: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut closer: Vec<Option<Range<usize>>> = vec![None; tokens.len()];
    let mut lone_closer = vec![false; tokens.len()];
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Token::Open { name, self_closing: false, .. } => open_stacks.entry(name).or_default().push(i),
            Token::Open { .. } => {}
            Token::Close { name, range } => match open_stacks.get_mut(name.as_str()).and_then(Vec::pop) {
                Some(j) => closer[j] = Some(range.clone()),
                None => lone_closer[i] = true,
            },
        }
    }
    let mut out = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Token::Open { name, range, attrs_ok, .. } => {
                let close = closer[i].clone();
                let end = close.as_ref().map_or(range.end, |c| c.end);
                out.push(Shortcode {
                    name: name.clone(),
                    outer: range.start..end,
                    open: range.clone(),
                    close,
                    attrs_ok: *attrs_ok,
                });
            }
            Token::Close { name, range } if lone_closer[i] => out.push(Shortcode {
                name: name.clone(),
                outer: range.clone(),
                open: range.clone(),
                close: None,
                attrs_ok: true,
            }),
            Token::Close { .. } => {}
        }
    }
    out.sort_by_key(|s| s.outer.start);
    out
}

/// Shortcodes not inside another one's outer range.
pub fn top_level(all: &[Shortcode]) -> Vec<&Shortcode> {
    let mut out: Vec<&Shortcode> = Vec::new();
    for sc in all {
        if out.last().is_some_and(|last| sc.outer.start < last.outer.end) {
            continue;
        }
        out.push(sc);
    }
    out
}

/// What `"*"` accepts as a name: lower-case ASCII, so `[Applause]` and `[...]` are prose.
pub fn is_conventional_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// What a rule may name: the characters WordPress allows in practice.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(off) = memchr(b'[', &bytes[pos..]) {
        let start = pos + off;
        if bytes.get(start + 1) == Some(&b'[') {
            // `[[name]]` is WordPress's escape for a literal shortcode.
            pos = match window(text, start, MAX_TAG_LEN).find("]]") {
                Some(end) => start + end + 2,
                None => start + 2,
            };
            continue;
        }
        match scan_tag(text, start) {
            Some(tok) => {
                pos = match &tok {
                    Token::Open { range, .. } | Token::Close { range, .. } => range.end,
                };
                tokens.push(tok);
            }
            None => pos = start + 1,
        }
    }
    tokens
}

/// Scans one tag starting at the `[` at `start`.
fn scan_tag(text: &str, start: usize) -> Option<Token> {
    // Every search below stays within one tag's reach of `start`, so a text
    // of brackets with nothing to close them costs a bounded scan per bracket.
    let rest = window(text, start + 1, MAX_TAG_LEN + 64);
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let name = &rest[..name_len];
    let after = &rest[name_len..];
    let name_end = start + 1 + usize::from(closing) + name_len;
    if closing {
        return after.starts_with(']').then(|| Token::Close { name: name.to_owned(), range: start..name_end + 1 });
    }
    let first = after.chars().next()?;
    if !(first == ']' || first == '/' || first.is_whitespace()) {
        return None;
    }
    let close = after.find([']', '['])?;
    if close > MAX_TAG_LEN || after.as_bytes()[close] == b'[' {
        return None;
    }
    let attrs = &after[..close];
    let (attrs, self_closing) = match attrs.trim_end().strip_suffix('/') {
        Some(a) => (a, true),
        None => (attrs, false),
    };
    if attrs.contains('\n') {
        return None;
    }
    Some(Token::Open {
        name: name.to_owned(),
        range: start..name_end + close + 1,
        self_closing,
        attrs_ok: attrs_are_pairs(attrs),
    })
}

/// True when `attrs` is empty or `key=value` pairs, values bare or quoted
/// with any quote style (the opening and closing quote may differ: `id=”1″`).
fn attrs_are_pairs(attrs: &str) -> bool {
    let mut s = attrs.trim_start();
    while !s.is_empty() {
        let key_len = s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == ':')).unwrap_or(s.len());
        if key_len == 0 {
            return false;
        }
        s = s[key_len..].trim_start();
        let Some(after_eq) = s.strip_prefix('=') else {
            return false;
        };
        s = after_eq.trim_start();
        match s.chars().next() {
            Some(q) if QUOTES.contains(&q) => {
                let body = &s[q.len_utf8()..];
                let Some(end) = body.find(QUOTES) else {
                    return false;
                };
                let close_len = body[end..].chars().next().map_or(1, char::len_utf8);
                s = &body[end + close_len..];
            }
            Some(_) => {
                let end = s.find(char::is_whitespace).unwrap_or(s.len());
                s = &s[end..];
            }
            None => return false,
        }
        if let Some(c) = s.chars().next()
            && !c.is_whitespace()
        {
            return false;
        }
        s = s.trim_start();
    }
    true
}

/// `text[from..]` cut to at most `len` bytes, at a character boundary.
fn window(text: &str, from: usize, len: usize) -> &str {
    let mut end = from.saturating_add(len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[from..end]
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String, bool)> {
        parse(text).into_iter().map(|s| (s.name, text[s.outer].to_owned(), s.attrs_ok)).collect()
    }

    #[test]
    fn curly_and_prime_quotes() {
        let t = "[lz_related_box id=”392895″]";
        assert_eq!(names(t), [("lz_related_box".into(), t.into(), true)]);
        assert!(attrs_are_pairs(" id=‘12′ align='left' w=300"));
    }

    #[test]
    fn editorial_brackets_are_not_pairs() {
        let sc = parse("during [the] election");
        assert_eq!(sc.len(), 1);
        assert!(sc[0].attrs_ok);
        assert!(parse("see [...] and [1]").iter().all(|s| s.name == "1"));
        assert!(!parse("[see page 4]")[0].attrs_ok);
        assert!(!is_conventional_name("Applause"));
    }

    #[test]
    fn enclosing_nested_and_self_closing() {
        let t = "[row][column]Text[/column][/row] [gallery ids=\"1,2\" /]";
        let all = parse(t);
        let top: Vec<_> = top_level(&all).into_iter().map(|s| &t[s.outer.clone()]).collect();
        assert_eq!(top, ["[row][column]Text[/column][/row]", "[gallery ids=\"1,2\" /]"]);
        let caption = parse("[caption id=\"a\"]A cat.[/caption]");
        assert_eq!(caption[0].inner(), Some(16..22));
    }

    #[test]
    fn same_name_nesting_pairs_innermost() {
        let t = "[div][div]x[/div][/div]";
        let all = parse(t);
        assert_eq!(all[0].outer, 0..t.len());
        assert_eq!(&t[all[1].outer.clone()], "[div]x[/div]");
    }

    #[test]
    fn escapes_and_junk() {
        assert!(parse("[[gallery]]").is_empty());
        for t in ["[", "[/", "[a", "[a b=", "[a b=\"", "]]][[[", "[a\nb]", "[é]"] {
            let _ = parse(t);
        }
    }

    /// Bracket soups of a megabyte: each `[` may only look a tag's length
    /// ahead, so these finish in one pass (they took minutes when an unclosed
    /// `[[` searched the rest of the text for `]]`).
    #[test]
    fn bracket_soup_is_linear() {
        let n = 1_000_000;
        for unit in ["[", "[[", "[a ", "[a=", "[/", "[a b=\"", "[[a]", "[a]", "[/a]", "[a][/b]"] {
            let soup = unit.repeat(n / unit.len());
            let found = parse(&soup);
            assert!(found.len() <= soup.len(), "{unit}");
        }
        let soup = "[".repeat(n);
        assert!(parse(&soup).is_empty());
        assert_eq!(parse(&"[a]".repeat(1000)).len(), 1000);
    }

    #[test]
    fn a_tag_longer_than_its_reach_is_text() {
        let long = format!("[a {}]", "x".repeat(MAX_TAG_LEN + 10));
        assert!(parse(&long).is_empty());
        let name = format!("[{}]", "a".repeat(MAX_TAG_LEN + 100));
        assert!(parse(&name).is_empty());
        let within = format!("[a b=\"{}\"]", "x".repeat(MAX_TAG_LEN - 20));
        assert_eq!(parse(&within).len(), 1);
    }
}
