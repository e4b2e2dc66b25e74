//! The bounds the HTML stage puts on hostile markup, so that parsing takes
//! time linear in the page whatever its shape.
//!
//! - **Depth** ([`MAX_DEPTH`]): html5ever scans its stack of open elements
//!   for scope checks, so a page nested 100 000 levels deep takes minutes.
//!   The cap is enforced on the stack the tree builder actually holds (see
//!   `dom.rs`), not on a model of it: which tags nest depends on the open
//!   scopes (`<li>` closes a `<li>` only inside a list's scope, `<rt>` an
//!   `<rt>` only inside `<ruby>`, a stray `</span>` closes nothing), and every
//!   model of that in the markup scan was a way around the cap. The built
//!   tree is then held to the same depth (the adoption agency can make it
//!   deeper than the stack was).
//! - **Formatting elements** ([`MAX_FORMATTING`]): each piece of text
//!   clones the active formatting elements that are not open, so their
//!   number multiplies the size of the tree.
//! - **Attributes** ([`MAX_ATTRIBUTES`]): html5ever's tokenizer checks each
//!   new attribute against all earlier ones of the tag, so one tag with a
//!   million attributes takes minutes (over 120 s). [`close_long_tags`] guarantees the bound
//!   for anything the tokenizer may read as a tag; `prepare` trims real tags
//!   more gently before that.

use std::borrow::Cow;

use super::dom::ParseCuts;

/// The limits on markup, as JSON and messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitKind {
    /// Open elements past [`MAX_DEPTH`].
    Depth,
    /// Active formatting elements past [`MAX_FORMATTING`].
    Formatting,
    /// Attributes of one element past [`MAX_ATTRIBUTES`].
    Attributes,
    /// A publisher's markup rewrites past [`MAX_REWRITE_GROWTH`].
    Rewrite,
}

impl LimitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Depth => "depth",
            LimitKind::Formatting => "formatting",
            LimitKind::Attributes => "attributes",
            LimitKind::Rewrite => "rewrite",
        }
    }
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A limit the input ran into, with how much of it was left out.
///
/// Limits keep hostile input (a page nested 100 000 levels deep, a tag
/// with a million attributes) to linear time; real pages stay well within
/// them. Whatever one cuts is reported here, never silently.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Limit {
    /// Which limit.
    pub limit: LimitKind,
    /// How many things (tags, attributes) it left out.
    pub count: usize,
    /// What was left out, for a person.
    pub detail: String,
}

/// Blink's `kMaximumHTMLParserDOMTreeDepth`: start tags that would open an
/// element deeper than this are dropped (their text is kept), and nodes the
/// tree builder put deeper anyway move up beside their ancestors. Real pages
/// stay far below (the deepest of 1 737 dataset pages: 56).
pub const MAX_DEPTH: usize = 512;

/// Active formatting elements (`<b>`, `<font color=…>`, …) left open at
/// once. The tree builder clones every one of them that is not open at each
/// piece of text ("reconstruct the active formatting elements"), so without
/// a bound `<div><font color=cN>x</div>` repeated creates a clone per font
/// so far for each `x` (10 MB: 23 GB). Past the cap, formatting start tags
/// are dropped (the text kept). Real pages leave at most 4 open (1 737
/// dataset pages); the tree builder itself keeps at most 3 alike.
pub const MAX_FORMATTING: usize = 8;

/// Attributes one element keeps: the first of each name (as browsers do)
/// up to this many names; the rest are dropped. Real elements carry a few
/// dozen at most (AMP and framework-heavy markup included); with the cap a
/// tag costs the tokenizer at most 256 comparisons per attribute.
pub const MAX_ATTRIBUTES: usize = 256;

/// Markup a publisher's rewrites may add to a page: as much again as the
/// page, and at least 1 MiB. A rewrite that would grow it further (one
/// character replaced by a long string, on a long page) is not made: real
/// rewrites swap a tag or an attribute for another of about the same size.
pub const MAX_REWRITE_GROWTH: usize = 1 << 20;

/// The rewrites left unmade, as reported in `Cleaned::limits`.
pub fn rewrites_skipped(count: usize) -> Option<Limit> {
    (count > 0).then(|| Limit {
        limit: LimitKind::Rewrite,
        count,
        detail: "publisher rewrites not made: each would have grown the markup past twice its size (or 1 MiB more)"
            .into(),
    })
}

/// The limits a parse hit, as reported in `Cleaned::limits`.
pub fn hit(attributes_dropped: usize, cut: ParseCuts) -> Vec<Limit> {
    let mut hit = Vec::new();
    if cut.deep_tags > 0 {
        hit.push(Limit {
            limit: LimitKind::Depth,
            count: cut.deep_tags,
            detail: format!("start tags past {MAX_DEPTH} open elements dropped (their text kept)"),
        });
    }
    if cut.formatting_tags > 0 {
        hit.push(Limit {
            limit: LimitKind::Formatting,
            count: cut.formatting_tags,
            detail: format!(
                "formatting start tags (b, i, font, a…) dropped while {MAX_FORMATTING} were left open (their text kept)"
            ),
        });
    }
    if cut.flattened > 0 {
        hit.push(Limit {
            limit: LimitKind::Depth,
            count: cut.flattened,
            detail: format!("nodes deeper than {MAX_DEPTH} moved up beside their ancestors (text order kept)"),
        });
    }
    let attributes = attributes_dropped + cut.merged_attributes;
    if attributes > 0 {
        hit.push(Limit {
            limit: LimitKind::Attributes,
            count: attributes,
            detail: format!(
                "attributes dropped from elements with more than {MAX_ATTRIBUTES} (the first of each name kept)"
            ),
        });
    }
    if cut.long_tags > 0 {
        hit.push(Limit {
            limit: LimitKind::Attributes,
            count: cut.long_tags,
            detail: format!(
                "tag-like runs of more than {MAX_ATTRIBUTES} attributes closed early, the rest read as text"
            ),
        });
    }
    hit
}

/// The tokenizer's states inside a tag, after `<name`.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    Name,
    BeforeAttr,
    Attr,
    AfterAttr,
    BeforeValue,
    Double,
    Single,
    Unquoted,
    AfterQuoted,
    SelfClosing,
}

const STATES: [State; 10] = [
    State::Name,
    State::BeforeAttr,
    State::Attr,
    State::AfterAttr,
    State::BeforeValue,
    State::Double,
    State::Single,
    State::Unquoted,
    State::AfterQuoted,
    State::SelfClosing,
];

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b'\x0C' | b' ')
}

/// Where state `s` goes on byte `b`: the next state (`None` when the tag
/// ends) and whether an attribute starts.
fn step(s: State, b: u8) -> (Option<State>, bool) {
    use State::*;
    let attr = |_| (Some(Attr), true);
    match s {
        Name => match b {
            b'>' => (None, false),
            b'/' => (Some(SelfClosing), false),
            _ if is_space(b) => (Some(BeforeAttr), false),
            _ => (Some(Name), false),
        },
        // `=` here starts an attribute named `=`.
        BeforeAttr => match b {
            b'>' => (None, false),
            b'/' => (Some(SelfClosing), false),
            _ if is_space(b) => (Some(BeforeAttr), false),
            _ => attr(b),
        },
        Attr => match b {
            b'>' => (None, false),
            b'/' => (Some(SelfClosing), false),
            b'=' => (Some(BeforeValue), false),
            _ if is_space(b) => (Some(AfterAttr), false),
            _ => (Some(Attr), false),
        },
        AfterAttr => match b {
            b'>' => (None, false),
            b'/' => (Some(SelfClosing), false),
            b'=' => (Some(BeforeValue), false),
            _ if is_space(b) => (Some(AfterAttr), false),
            _ => attr(b),
        },
        BeforeValue => match b {
            b'>' => (None, false),
            b'"' => (Some(Double), false),
            b'\'' => (Some(Single), false),
            _ if is_space(b) => (Some(BeforeValue), false),
            _ => (Some(Unquoted), false),
        },
        Double => (Some(if b == b'"' { AfterQuoted } else { Double }), false),
        Single => (Some(if b == b'\'' { AfterQuoted } else { Single }), false),
        Unquoted => match b {
            b'>' => (None, false),
            _ if is_space(b) => (Some(BeforeAttr), false),
            _ => (Some(Unquoted), false),
        },
        // Anything else is reconsumed before an attribute name.
        AfterQuoted | SelfClosing => match b {
            b'>' => (None, false),
            b'/' => (Some(SelfClosing), false),
            _ if is_space(b) => (Some(BeforeAttr), false),
            _ => attr(b),
        },
    }
}

/// Byte classes that the tag states tell apart (`<` behaves as "other"
/// inside a tag but may start another one).
const OTHER: usize = 0;
const LT: usize = 7;

fn class_of(b: u8) -> usize {
    match b {
        b'\t' | b'\n' | b'\r' | b'\x0C' | b' ' => 1,
        b'/' => 2,
        b'>' => 3,
        b'=' => 4,
        b'"' => 5,
        b'\'' => 6,
        b'<' => LT,
        _ => OTHER,
    }
}

/// One byte of each class, to build the table from [`step`].
const REPRESENTATIVE: [u8; 8] = [b'a', b' ', b'/', b'>', b'=', b'"', b'\'', b'<'];

/// No run: the tag ended.
const DEAD: u8 = 10;
/// Set in a table entry when the step starts an attribute.
const STARTS_ATTR: u8 = 0x80;

struct Tables {
    class: [u8; 256],
    /// For each state and byte class: the next state (or [`DEAD`]), with
    /// [`STARTS_ATTR`] set when an attribute starts.
    next: [[u8; 8]; 10],
}

static TABLES: std::sync::LazyLock<Tables> = std::sync::LazyLock::new(|| {
    let mut class = [0u8; 256];
    for (b, c) in class.iter_mut().enumerate() {
        *c = class_of(b as u8) as u8;
    }
    let mut next = [[DEAD; 8]; 10];
    for s in STATES {
        for (c, &rep) in REPRESENTATIVE.iter().enumerate() {
            let (to, attr) = step(s, rep);
            next[s as usize][c] = to.map_or(DEAD, |t| t as u8) | if attr { STARTS_ATTR } else { 0 };
        }
    }
    Tables { class, next }
});

/// `html` with `" >"` put in every tag the tokenizer could read with more
/// than [`MAX_ATTRIBUTES`] attributes, before the one past the cap (the rest
/// becomes text), and how many were closed so. Borrowed when none are.
///
/// Whether a `<` starts a tag depends on the tokenizer's state (script,
/// comment, a quoted value of an enclosing tag…), which in turn depends on
/// the tree builder's mode; guessing it wrong let a long tag through. So this
/// reads every `<` followed by a letter (or `</` and a letter) as a possible
/// tag, in every state at once. Possible tags in the same tag state at the
/// same byte go on alike, so at most one run per state is followed, holding
/// the most attributes any of them has seen: ten runs at most, linear time.
/// `" >"` ends every run not inside a quoted value, whatever its state; in
/// text it is two characters. It starts at byte `from`, where the
/// tokenizer is known to be between tags: `prepare` knows the tokenizer's
/// state up to where it stops following the page (and has capped every tag
/// before), so on most pages this has nothing to read.
///
/// Possible tags that are not tags (a `<` in a script, in an attribute
/// value) make runs too; on 2 of 1 737 dataset pages, in markup `prepare`
/// could not follow, one grew past the cap (an SVG path in an attribute
/// value, entity-encoded) and got its `" >"`, without changing the text.
pub fn close_long_tags(html: &str, from: usize) -> (Cow<'_, str>, usize) {
    let t = &*TABLES;
    let bytes = html.as_bytes();
    let mut runs = Runs { live: 0, count: [0; 10] };
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut closed = 0usize;
    let mut i = from.min(bytes.len());
    while i < bytes.len() {
        if runs.live == 0 {
            match memchr::memchr(b'<', &bytes[i..]) {
                Some(off) => i += off,
                None => break,
            }
        } else if runs.live.count_ones() == 1 {
            // One run (the usual case, inside a tag): follow it alone up to
            // the next `<`, its end, or the cap.
            let mut s = runs.live.trailing_zeros() as usize;
            let mut n = runs.count[s];
            while i < bytes.len() && n < MAX_ATTRIBUTES as u32 {
                if s == State::Double as usize || s == State::Single as usize {
                    let quote = if s == State::Double as usize { b'"' } else { b'\'' };
                    match memchr::memchr2(quote, b'<', &bytes[i..]) {
                        Some(off) => i += off,
                        None => i = bytes.len(),
                    }
                    if i == bytes.len() {
                        break;
                    }
                }
                let c = t.class[bytes[i] as usize] as usize;
                if c == LT {
                    break;
                }
                let e = t.next[s][c];
                if e & !STARTS_ATTR == DEAD {
                    s = DEAD as usize;
                    i += 1;
                    break;
                }
                n += u32::from(e & STARTS_ATTR != 0);
                s = (e & !STARTS_ATTR) as usize;
                i += 1;
            }
            runs.live = 0;
            if s != DEAD as usize {
                runs.live = 1 << s;
                runs.count[s] = n;
            }
            if i >= bytes.len() || runs.live == 0 || bytes[i] != b'<' && n < MAX_ATTRIBUTES as u32 {
                continue;
            }
        }
        let b = bytes[i];
        let c = t.class[b as usize] as usize;
        // Would a run start an attribute past the cap here? Then close it first.
        if runs.over(t, c) {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len() + 16));
            buf.push_str(&html[copied..i]);
            buf.push_str(" >");
            copied = i;
            closed += 1;
            runs.advance(t, 1);
            runs.advance(t, 3);
        }
        runs.advance(t, c);
        if b == b'<' {
            // `<x` and `</x` start a possible tag at the `x`.
            let at = match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(l), _) if l.is_ascii_alphabetic() => Some(i + 1),
                (Some(b'/'), Some(l)) if l.is_ascii_alphabetic() => Some(i + 2),
                _ => None,
            };
            if let Some(at) = at {
                // The bytes up to the name go through the runs already open.
                for &b in &bytes[i + 1..at] {
                    runs.advance(t, t.class[b as usize] as usize);
                }
                runs.spawn();
                i = at;
                continue;
            }
        }
        i += 1;
    }
    match out {
        None => (Cow::Borrowed(html), 0),
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            (Cow::Owned(buf), closed)
        }
    }
}

/// The runs followed: a bit per state holding one, and the most attributes
/// seen by the possible tags merged into each.
struct Runs {
    live: u16,
    count: [u32; 10],
}

impl Runs {
    /// Whether a run would start an attribute past the cap on a byte of class `c`.
    fn over(&self, t: &Tables, c: usize) -> bool {
        self.states().any(|s| self.count[s] >= MAX_ATTRIBUTES as u32 && t.next[s][c] & STARTS_ATTR != 0)
    }

    fn states(&self) -> impl Iterator<Item = usize> + use<> {
        let live = self.live;
        (0..10).filter(move |s| live & (1 << s) != 0)
    }

    /// Moves every run over a byte of class `c`, merging runs that land in one state.
    fn advance(&mut self, t: &Tables, c: usize) {
        let mut live = 0u16;
        let mut count = [0u32; 10];
        for s in self.states() {
            let e = t.next[s][c];
            let to = e & !STARTS_ATTR;
            if to == DEAD {
                continue;
            }
            let n = self.count[s] + u32::from(e & STARTS_ATTR != 0);
            let to = to as usize;
            count[to] = if live & (1 << to) != 0 { count[to].max(n) } else { n };
            live |= 1 << to;
        }
        self.live = live;
        self.count = count;
    }

    /// A new possible tag, in its name.
    fn spawn(&mut self) {
        let s = State::Name as usize;
        if self.live & (1 << s) == 0 {
            self.count[s] = 0;
        }
        self.live |= 1 << s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(n: usize) -> String {
        (0..n).map(|i| format!(" a{i}=x")).collect()
    }

    #[test]
    fn ordinary_markup_is_borrowed() {
        for page in [
            "<p class=a id='b' title=\"c>d\">text</p><br/><img src=x alt>",
            "<script>if (a<b && c) { x = '<p ' + y }</script>",
            "<!-- <div a b c> --><a href=x'y>t</a></div>",
        ] {
            assert!(matches!(close_long_tags(page, 0).0, Cow::Borrowed(_)), "{page}");
        }
        let at_cap = format!("<div{}>t</div>", attrs(MAX_ATTRIBUTES));
        assert!(matches!(close_long_tags(&at_cap, 0).0, Cow::Borrowed(_)));
    }

    #[test]
    fn a_tag_past_the_cap_is_closed_before_the_next_attribute() {
        let page = format!("<div{}>t</div>", attrs(MAX_ATTRIBUTES + 3));
        let (out, n) = close_long_tags(&page, 0);
        assert_eq!(n, 1);
        let want = format!("<div{}  >a256=x a257=x a258=x>t</div>", attrs(MAX_ATTRIBUTES));
        assert_eq!(out, want);
    }

    /// Wherever the tokenizer may be, no tag it reads keeps more than the
    /// cap: in a script, a comment, a quoted value, an end tag.
    #[test]
    fn every_reading_is_bounded() {
        let long = attrs(MAX_ATTRIBUTES * 3);
        for page in [
            format!("<script>x = '</script><div{long}>"),
            format!("<!-- <b{long}> -->"),
            format!("<p title=\"<i{long}>\">"),
            format!("</div{long}>"),
            format!("<svg><style><g{long}/></style></svg>"),
            format!("<a b='<c{long}'{long}>"),
        ] {
            let (out, n) = close_long_tags(&page, 0);
            assert!(n > 0, "{page}");
            // The guard's own output needs no more closing: every run stayed within the cap.
            assert_eq!(close_long_tags(&out, 0).1, 0, "{page}");
            let dom = crate::markup::dom::Dom::parse_document(&page);
            let most = dom.document().descendants().filter_map(|n| n.element().map(|e| e.attr_locals().count())).max();
            assert!(most.unwrap_or(0) <= MAX_ATTRIBUTES, "{page}");
        }
    }
}
