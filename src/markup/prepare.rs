//! Prepares markup for html5ever, in one scan over the page's tags.
//!
//! **Raw text nobody reads** ([`prepare`]). The tokenizer is most of the
//! parse, and a third of a typical page's bytes are inline scripts, styles
//! and comments, none of which declutter lays out. Their contents are cut
//! before parsing: `<script>…</script>` keeps its tags (an empty element in
//! the same place) but not its code, except JSON-LD, which the metadata
//! reads; `<style>` likewise; comments go whole (a comment node is never
//! read, and text on both sides of one lays out the same joined). Cutting
//! is only done where this scan knows the tokenizer's state for sure: not
//! inside `<svg>`/`<math>` (where `<script>` is not raw text), not after
//! `<plaintext>` or `<frameset>`; a script's end honours the `<!--
//! <script> … </script> -->` escapes of the script data states.
//!
//! **Attribute cap.** A tag of the scan with more than
//! [`MAX_ATTRIBUTES`] attributes keeps the first of each name and the first
//! [`MAX_ATTRIBUTES`] names; the rest go (see `limits`, which also bounds
//! what this scan does not see as a tag). The depth cap is not here: it is
//! enforced on the tree builder's own stack (`dom.rs`).

use std::borrow::Cow;

use super::limits::MAX_ATTRIBUTES;

/// Elements whose content is raw text: tags inside them are not tags.
fn is_raw_text(name: &str) -> bool {
    matches!(name, "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript")
}

/// The markup `to_blocks` parses, and how many attributes the cap dropped.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub text: Cow<'a, str>,
    /// Attributes dropped by the [`MAX_ATTRIBUTES`] cap (repeated names of
    /// such tags included).
    pub attributes_dropped: usize,
    /// The byte of `text` from which on this scan cannot be sure where the
    /// tokenizer's tags are (an SVG it could not follow, MathML, a
    /// frameset, `<plaintext>`): until there every tag the tokenizer will
    /// read is one the scan read, and capped. `None`: all of it.
    pub unsure_from: Option<usize>,
}

/// The markup `to_blocks` parses: script, style and comment contents cut,
/// attributes nothing reads dropped (see `unread_attribute`; `keep` names
/// those the page's selectors look at, `"*"` for all), attributes past the
/// cap dropped; borrowed as is when nothing applies.
pub fn prepare<'a>(html: &'a str, keep: &[String]) -> Prepared<'a> {
    scan(html, Some(keep))
}

/// `data-*`, `srcset`, `sizes` and `on…` event handlers: no part of
/// declutter reads them, the tree builder never looks at them, and they are
/// heavy for the tokenizer (`data-*` names are not in html5ever's static
/// atom table, so each one is interned at run time). Measured on the
/// prepared pages: parsing without them took ~10% less time. Kept when a
/// selector names them.
fn unread_attribute(name: &[u8], keep: &[String]) -> bool {
    let starts = |p: &[u8]| name.len() > p.len() && name[..p.len()].eq_ignore_ascii_case(p);
    let unread = starts(b"data-")
        || name.eq_ignore_ascii_case(b"srcset")
        || name.eq_ignore_ascii_case(b"sizes")
        || (starts(b"on") && name.iter().all(u8::is_ascii_alphabetic));
    unread && !keep.iter().any(|k| k == "*" || k.as_bytes().eq_ignore_ascii_case(name))
}

/// The attribute names a selector looks at, lower-cased (`["data-id"]` for
/// `div[data-id^='x']`); `["*"]` when the source has escapes this reading
/// does not follow.
pub fn selector_attributes(source: &str) -> Vec<String> {
    // An escaped character (`.\[foo\]`, a class name with brackets) is not syntax: blanked
    // out, so only real brackets open attribute tests. An escape inside an attribute's name
    // is not followed: then every attribute is kept.
    let mut plain = String::with_capacity(source.len());
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            plain.push_str("\u{1}\u{1}");
        } else {
            plain.push(c);
        }
    }
    let mut names = Vec::new();
    for part in plain.split('[').skip(1) {
        let inner = part.split(']').next().unwrap_or("");
        let name_part = inner.split(['=', '~', '^', '$', '*', '|', '!']).next().unwrap_or("");
        if name_part.contains('\u{1}') {
            return vec!["*".to_owned()];
        }
        let left = match inner.find('=') {
            Some(eq) => inner[..eq].trim_end().trim_end_matches(['~', '^', '$', '*', '|', '!']),
            None => inner,
        };
        // `ns|name`, `*|name`, `|name`: the name is after the bar.
        let name = left.rsplit('|').next().unwrap_or("").trim().to_ascii_lowercase();
        names.push(if name.is_empty() { "*".to_owned() } else { name });
    }
    names
}

/// The bytes that end a tag name for the tokenizer.
fn ends_name(b: Option<&u8>) -> bool {
    matches!(b, Some(b'\t' | b'\n' | b'\r' | b'\x0C' | b' ' | b'/' | b'>'))
}

fn scan<'a>(html: &'a str, keep: Option<&[String]>) -> Prepared<'a> {
    let strip = keep.is_some();
    let keep = keep.unwrap_or_default();
    // The current tag's attributes: (name start, name end, attribute end).
    let mut attrs: Vec<(usize, usize, usize)> = Vec::new();
    // What to do with them: (from, to, replacement).
    let mut edits: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut attributes_dropped = 0usize;
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Bytes `html[copied..from]` are copied over, then `with` stands for `html[from..to]`.
    let edit = |out: &mut Option<String>, copied: &mut usize, from: usize, to: usize, with: &str| {
        let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
        buf.push_str(&html[*copied..from]);
        buf.push_str(with);
        *copied = to;
    };
    let cut = |out: &mut Option<String>, copied: &mut usize, from: usize, to: usize| edit(out, copied, from, to, "");
    // Whether the scan may cut the unread attribute `a` of the current tag.
    let unread = |a: &(usize, usize, usize), strip: bool, foreign: usize, closing: bool| {
        // Only an attribute after a space or a quoted value: cutting one
        // right after `/` (`<svg/data-x=1>`) would make the tag `/>`.
        let separated = a.0 > 0 && (is_space(bytes[a.0 - 1]) || matches!(bytes[a.0 - 1], b'"' | b'\''));
        strip && foreign == 0 && !closing && separated && unread_attribute(&bytes[a.0..a.1], keep)
    };
    let mut copied = 0usize;
    let mut pos = 0usize;
    // Open `<svg>`/`<math>` elements: foreign content, where nothing is cut.
    let mut foreign = 0usize;
    let mut strip = strip;
    // Where in the output this scan may stop knowing the tokenizer's state
    // (see [`Prepared::unsure_from`]): from the start when not stripping.
    let mut unsure: Option<usize> = (!strip).then_some(0);
    // Open `<pre>`/`<listing>` elements, where whitespace is kept as is.
    // Counted apart: `</pre>` does not close a `<listing>`, nor the reverse.
    let mut pre = [0usize; 2];
    let mut pre_sticky = false;
    // Whether an HTML `<title>` came before: until then, the first `<title>`
    // (the page title's last fallback) may be an SVG's, which must stay.
    let mut seen_title = false;
    let comment_end = memchr::memmem::Finder::new(b"-->");
    let comment_bang_end = memchr::memmem::Finder::new(b"--!>");
    while let Some(off) = memchr::memchr(b'<', &bytes[pos..]) {
        let start = pos + off;
        if strip && foreign == 0 && pre == [0, 0] {
            collapse_spaces(bytes, pos, start, |a, b| cut(&mut out, &mut copied, a, b));
        }
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            // Ends at the first `-->` (`<!-->` and `<!--->` included) or `--!>`.
            // `--!>` is looked for only before the first `-->`: searching the
            // rest of the page for it at every comment was quadratic.
            let dashes = comment_end.find(&rest[2..]).map(|e| e + 2 + 3);
            let bang =
                rest.get(4..dashes.unwrap_or(rest.len())).and_then(|r| comment_bang_end.find(r)).map(|e| e + 4 + 4);
            // The comment's length and its terminator's (none at the end of the page).
            let (len, closer) = match (dashes, bang) {
                (_, Some(b)) if dashes.is_none_or(|d| b < d) => (b, 4),
                (Some(d), _) => (d, 3),
                _ => (rest.len(), 0),
            };
            // Only the body goes: `<!---->` is still a comment token, so the
            // text on both sides stays two tokens (a tree builder in table
            // text or after `</html>` places them apart; `&nbsp` + `;` must
            // not become `&nbsp;`).
            if strip && foreign == 0 && len >= 4 + closer {
                cut(&mut out, &mut copied, start + 4, start + len - closer);
            }
            pos = start + len;
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // `<!…>`, `<?…>` and `</…` without a name are bogus comments up to the next `>`.
            let bogus = matches!(rest.get(1), Some(b'!' | b'?')) || (closing && rest.get(2) != Some(&b'>'));
            pos = if bogus {
                memchr::memchr(b'>', &rest[1..]).map_or(html.len(), |e| start + 1 + e + 1)
            } else {
                start + 1
            };
            continue;
        }
        // Lower-case the name into a stack buffer: one allocation per tag adds up on big pages.
        let mut lower = [0u8; 16];
        let name: &str = if name_len <= lower.len() {
            for (d, s) in lower.iter_mut().zip(&bytes[name_start..name_start + name_len]) {
                *d = s.to_ascii_lowercase();
            }
            std::str::from_utf8(&lower[..name_len]).unwrap_or("")
        } else {
            ""
        };
        // `<script-loader>` is a custom element, not a script.
        let whole_name = name_start + name_len >= bytes.len() || ends_name(bytes.get(name_start + name_len));
        attrs.clear();
        let (end, self_closing) = tag_end_with(bytes, name_start + name_len, |a| attrs.push(a));
        edits.clear();
        attributes_dropped += attribute_edits(bytes, &attrs, |a| unread(a, strip, foreign, closing), &mut edits);
        // Where the contents of an `<svg>` cut whole end, if this tag starts one.
        let mut svg_close = None;
        if closing {
            if whole_name {
                match name {
                    "svg" | "math" => foreign = foreign.saturating_sub(1),
                    // See `pre_sticky`: then the pre stays open here.
                    "pre" | "listing" if !pre_sticky => {
                        let open = &mut pre[usize::from(name == "listing")];
                        *open = open.saturating_sub(1);
                    }
                    _ => {}
                }
            }
        } else if whole_name && is_raw_text(name) {
            seen_title |= name == "title";
            let body_end = if name == "script" { script_end(&bytes[end..]) } else { raw_end(&bytes[end..], name) };
            let Some(skip) = body_end else {
                pos = html.len();
                continue;
            };
            let cut_body = strip
                && foreign == 0
                && match name {
                    "style" => true,
                    // Keep anything that may be JSON-LD, entity-encoded
                    // type values (`application&#x2F;ld&#x2B;json`) included.
                    "script" => !contains_ci(&bytes[start..end], b"json") && !bytes[start..end].contains(&b'&'),
                    _ => false,
                };
            for &(from, to, with) in &edits {
                edit(&mut out, &mut copied, from, to, with);
            }
            if cut_body && skip > 0 {
                cut(&mut out, &mut copied, end, end + skip);
            }
            // Past the raw text and its end tag (whose attributes the cap counts too).
            attrs.clear();
            pos = tag_end_with(bytes, end + skip + 2 + name.len(), |a| attrs.push(a)).0;
            edits.clear();
            attributes_dropped += attribute_edits(bytes, &attrs, |_| false, &mut edits);
            for &(from, to, with) in &edits {
                edit(&mut out, &mut copied, from, to, with);
            }
            continue;
        } else {
            // Past a scope boundary or a `<select>` (whose mode ignores most
            // end tags) inside a pre, its `</pre>` may be ignored.
            if pre != [0, 0]
                && matches!(
                    name,
                    "applet"
                        | "caption"
                        | "html"
                        | "table"
                        | "td"
                        | "th"
                        | "marquee"
                        | "object"
                        | "template"
                        | "select"
                        | "svg"
                        | "math"
                )
            {
                pre_sticky = true;
            }
            if whole_name {
                match name {
                    "svg" if strip && foreign == 0 && !self_closing => {
                        svg_close = svg_end(bytes, end, seen_title);
                        // An SVG this scan cannot follow may end anywhere (a
                        // breakout, an HTML element in its <title>): from here
                        // on, nothing is cut.
                        if svg_close.is_none() {
                            strip = false;
                            foreign += 1;
                        }
                    }
                    // MathML has text integration points where HTML (raw
                    // text included) resumes: rare on the web, not followed.
                    "math" if !self_closing => {
                        strip = false;
                        foreign += 1;
                    }
                    "svg" if !self_closing => foreign += 1,
                    // Self-closing or not: `<pre/>` opens a pre.
                    "pre" | "listing" => pre[usize::from(name == "listing")] += 1,

                    // Everything after `<plaintext>` is text. (In MathML text a
                    // `<plaintext>` is HTML too: foreign or not, stop.)
                    "plaintext" => strip = false,
                    // A frameset replaces the body only while nothing has set
                    // "frameset-ok" to false, which text cut from an SVG would
                    // have done; and in a frameset `<script>` is not raw. Such
                    // pages are rare: start over with the attribute cap alone.
                    "frameset" if strip => return scan(html, None),
                    _ => {}
                }
                if !strip && unsure.is_none() {
                    unsure = Some(out.as_ref().map_or(0, String::len) + (start - copied));
                }
            }
        }
        for &(from, to, with) in &edits {
            edit(&mut out, &mut copied, from, to, with);
        }
        pos = end;
        if let Some(close) = svg_close {
            cut(&mut out, &mut copied, end, close);
            pos = close;
        }
    }
    if strip && foreign == 0 && pre == [0, 0] {
        collapse_spaces(bytes, pos, bytes.len(), |a, b| cut(&mut out, &mut copied, a, b));
    }
    let text = match out {
        None => Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            Cow::Owned(buf)
        }
    };
    Prepared { text, attributes_dropped, unsure_from: unsure }
}

/// The edits to one tag's attributes, in order, into `edits`; returns how
/// many attributes the cap dropped. With more than [`MAX_ATTRIBUTES`], each
/// attribute whose name came before (ASCII case aside, as the tokenizer
/// compares them; it would drop it anyway) and each past the first
/// [`MAX_ATTRIBUTES`] names is dropped, a run of them replaced by one space
/// (a space is safe anywhere between attributes, even after a `/`). Other
/// attributes `unread` says may go are cut.
fn attribute_edits(
    bytes: &[u8],
    attrs: &[(usize, usize, usize)],
    unread: impl Fn(&(usize, usize, usize)) -> bool,
    edits: &mut Vec<(usize, usize, &'static str)>,
) -> usize {
    let mut dropped = vec![false; if attrs.len() > MAX_ATTRIBUTES { attrs.len() } else { 0 }];
    let mut count = 0;
    if !dropped.is_empty() {
        let mut names: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
        for (d, a) in dropped.iter_mut().zip(attrs) {
            let name = bytes[a.0..a.1].to_ascii_lowercase();
            *d = names.len() >= MAX_ATTRIBUTES || names.contains(&name);
            if !*d {
                names.insert(name);
            }
            count += usize::from(*d);
        }
    }
    for (i, a) in attrs.iter().enumerate() {
        if dropped.get(i).copied().unwrap_or(false) {
            match edits.last_mut() {
                // The previous attribute went too: one space for both.
                Some(last) if i > 0 && dropped[i - 1] && last.2 == " " => last.1 = a.2,
                _ => edits.push((a.0, a.2, " ")),
            }
        } else if unread(a) {
            edits.push((a.0, a.2, ""));
        }
    }
    count
}

/// `</name` followed by a name-ending byte at `at`: an end tag the tokenizer accepts.
fn end_tag_at(hay: &[u8], at: usize, name: &[u8]) -> bool {
    let rest = &hay[at..];
    rest.len() > name.len() + 2
        && rest[1] == b'/'
        && rest[2..2 + name.len()].eq_ignore_ascii_case(name)
        && ends_name(rest.get(2 + name.len()))
}

/// Where the end tag of a RAWTEXT/RCDATA element starts in `hay` (its contents onwards).
fn raw_end(hay: &[u8], name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'<', &hay[from..]) {
        let at = from + off;
        if end_tag_at(hay, at, name.as_bytes()) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Start tags that, inside SVG, end the SVG and continue as HTML.
fn breaks_out_of_foreign(name: &[u8]) -> bool {
    const NAMES: &[&str] = &[
        "b",
        "big",
        "blockquote",
        "body",
        "br",
        "center",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "hr",
        "i",
        "img",
        "li",
        "listing",
        "menu",
        "meta",
        "nobr",
        "ol",
        "p",
        "pre",
        "ruby",
        "s",
        "small",
        "span",
        "strong",
        "strike",
        "sub",
        "sup",
        "table",
        "tt",
        "u",
        "ul",
        "var",
    ];
    NAMES.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

/// Where the `</svg>` closing an `<svg>` whose start tag ends at `from`
/// starts, when the SVG is plain drawing markup whose contents can go whole
/// (layout never shows SVG). `None` whenever the tree could end up different
/// without them: a tag that breaks out into HTML, an end tag closing
/// something opened outside, HTML raw text in `<foreignObject>`, or no end;
/// nor a `<title>` before the page's own (`title_allowed` false).
fn svg_end(bytes: &[u8], from: usize, title_allowed: bool) -> Option<usize> {
    // Names of the elements open inside, as byte ranges (the SVG itself first).
    let mut open: Vec<(usize, usize)> = vec![(0, 0)];
    // How many of them are `<title>` or `<desc>`: counted as they open and
    // close, since looking through `open` at every start tag made a deep SVG
    // quadratic (300 000 nested `<g>`: 36 s).
    let mut html_points = 0usize;
    let is_html_point = |&(s, l): &(usize, usize)| {
        let n = &bytes[s..s + l];
        l > 0 && (n.eq_ignore_ascii_case(b"title") || n.eq_ignore_ascii_case(b"desc"))
    };
    let comment_end = memchr::memmem::Finder::new(b"-->");
    let mut i = from;
    loop {
        let at = i + memchr::memchr(b'<', &bytes[i..])?;
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            // Comments here may end at `--!>` too: unsure, give up.
            let end = at + 2 + comment_end.find(&rest[2..])? + 3;
            if bytes[at..end].windows(4).any(|w| w == b"--!>") {
                return None;
            }
            i = end;
            continue;
        }
        if rest.starts_with(b"<![CDATA[") {
            i = at + memchr::memmem::find(rest, b"]]>")? + 3;
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            if matches!(rest.get(1), Some(b'!' | b'?')) || closing {
                return None;
            }
            i = at + 1;
            continue;
        }
        let name_len = bytes[name_start..].iter().take_while(|&&b| !is_space(b) && b != b'/' && b != b'>').count();
        let name = &bytes[name_start..name_start + name_len];
        let (end, self_closing) = tag_end(bytes, name_start + name_len);
        if closing {
            if name.eq_ignore_ascii_case(b"br") || name.eq_ignore_ascii_case(b"p") {
                return None;
            }
            let opened = |&(s, l): &(usize, usize)| {
                if l == 0 { name.eq_ignore_ascii_case(b"svg") } else { bytes[s..s + l].eq_ignore_ascii_case(name) }
            };
            let found = open.iter().rposition(opened)?;
            if found == 0 {
                return Some(at);
            }
            html_points -= open[found..].iter().filter(|e| is_html_point(e)).count();
            open.truncate(found);
        } else {
            // `<title>` and `<desc>` are HTML integration points: a start tag
            // in one makes an HTML element, after which end tags follow HTML
            // rules (`</svg>` may be ignored) and raw text may start.
            let in_html_point = html_points > 0;
            let raw = ["script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]
                .iter()
                .any(|r| r.as_bytes().eq_ignore_ascii_case(name));
            let always_raw = raw && !(name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style"));
            if breaks_out_of_foreign(name)
                || (!title_allowed && name.eq_ignore_ascii_case(b"title"))
                || always_raw
                || in_html_point
                || name.eq_ignore_ascii_case(b"foreignobject")
                || name.eq_ignore_ascii_case(b"math")
            {
                return None;
            }
            if !self_closing {
                html_points += usize::from(is_html_point(&(name_start, name_len)));
                open.push((name_start, name_len));
            }
        }
        i = end;
    }
}

/// Where `</script>` starts in `hay` (a script's contents onwards), following
/// the tokenizer's script data states: after `<!--`, a `<script>` opens a
/// double-escaped section whose `</script>` does not end the script, and
/// `-->` returns to plain script data.
fn script_end(hay: &[u8]) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'<', b'-', &hay[i..]) {
        i += off;
        if hay[i] == b'-' {
            if state != State::Data && hay[i..].starts_with(b"-->") {
                state = State::Data;
                i += 3;
            } else {
                i += 1;
            }
            continue;
        }
        match state {
            State::Data if hay[i..].starts_with(b"<!--") => {
                state = State::Escaped;
                // On the first dash: `<!-->` is back to script data at once.
                i += 2;
                continue;
            }
            State::Data if end_tag_at(hay, i, b"script") => return Some(i),
            State::Escaped if end_tag_at(hay, i, b"script") => return Some(i),
            State::Escaped
                if hay.len() > i + 7
                    && hay[i + 1..i + 7].eq_ignore_ascii_case(b"script")
                    && ends_name(hay.get(i + 7)) =>
            {
                state = State::DoubleEscaped;
                i += 7;
                continue;
            }
            State::DoubleEscaped if end_tag_at(hay, i, b"script") => {
                state = State::Escaped;
                i += 8;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b'\x0C' | b' ')
}

/// The index just past the `>` ending a tag whose name began before `i`,
/// and whether the tag ends `/>`. Follows the tokenizer's tag states, so a
/// quote delimits only an attribute value that starts with it
/// (`<a href=x'y>` ends at its `>`).
fn tag_end(bytes: &[u8], i: usize) -> (usize, bool) {
    tag_end_with(bytes, i, |_| {})
}

/// [`tag_end`], telling `attribute` where each attribute is: (name start,
/// name end, end of the value or of the name when there is none).
fn tag_end_with(bytes: &[u8], mut i: usize, mut attribute: impl FnMut((usize, usize, usize))) -> (usize, bool) {
    let n = bytes.len();
    // The rest of the tag name.
    while i < n && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    loop {
        // Before an attribute name.
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        match bytes.get(i) {
            None => return (n, false),
            Some(b'>') => return (i + 1, false),
            Some(b'/') => {
                if bytes.get(i + 1) == Some(&b'>') {
                    return (i + 2, true);
                }
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        // The attribute name; its first character may be `=`.
        let name_start = i;
        i += 1;
        while i < n && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name_end = i;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            attribute((name_start, name_end, name_end));
            continue;
        }
        i += 1;
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        match bytes.get(i) {
            None => return (n, false),
            Some(b'>') => {
                attribute((name_start, name_end, i));
                return (i + 1, false);
            }
            Some(&quote @ (b'"' | b'\'')) => match memchr::memchr(quote, &bytes[i + 1..]) {
                Some(close) => i += 1 + close + 1,
                None => return (n, false),
            },
            Some(_) => {
                while i < n && !is_space(bytes[i]) && bytes[i] != b'>' {
                    i += 1;
                }
            }
        }
        attribute((name_start, name_end, i));
    }
}

/// Shortens each run of whitespace with a line break in `bytes[from..to]`
/// (text between tags) to that one `\n`. Layout collapses such runs to one
/// space anyway, but the tokenizer and tree builder handle every character
/// of them: indentation is a large share of a page's text. A run stays
/// whitespace, so the tree builder (tables, `<head>`) treats it the same.
fn collapse_spaces(bytes: &[u8], from: usize, to: usize, mut cut: impl FnMut(usize, usize)) {
    let mut k = from;
    while let Some(off) = memchr::memchr(b'\n', &bytes[k..to]) {
        let nl = k + off;
        let mut a = nl;
        while a > k && is_space(bytes[a - 1]) {
            a -= 1;
        }
        let mut b = nl + 1;
        while b < to && is_space(bytes[b]) {
            b += 1;
        }
        if a < nl {
            cut(a, nl);
        }
        if nl + 1 < b {
            cut(nl + 1, b);
        }
        k = b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(page: &str) -> String {
        prepare(page, &[]).text.into_owned()
    }

    fn attrs(names: impl Iterator<Item = String>) -> String {
        names.map(|n| format!(" {n}=x")).collect()
    }

    #[test]
    fn attributes_past_the_cap_are_dropped_text_kept() {
        let page = format!("<div{}>text</div>", attrs((0..MAX_ATTRIBUTES + 10).map(|i| format!("a{i}"))));
        let p = prepare(&page, &["*".into()]);
        assert_eq!(p.attributes_dropped, 10);
        // The run of dropped attributes becomes one space.
        assert_eq!(p.text, format!("<div{}  >text</div>", attrs((0..MAX_ATTRIBUTES).map(|i| format!("a{i}")))));
        // Within the cap, nothing changes.
        let page = format!("<div{}>text</div>", attrs((0..MAX_ATTRIBUTES).map(|i| format!("a{i}"))));
        assert!(matches!(prepare(&page, &["*".into()]).text, Cow::Borrowed(_)));
    }

    #[test]
    fn the_first_of_each_name_is_kept_as_browsers_do() {
        // 300 copies of one name (any case), then `class`: the copies go,
        // `class` stays; end tags count too.
        let dups = attrs((0..300).map(|i| if i % 2 == 0 { "a".to_owned() } else { "A".to_owned() }));
        let page = format!("<p{dups} class=k>t</p{dups}>");
        let p = prepare(&page, &["*".into()]);
        assert_eq!(p.text, "<p a=x   class=k>t</p a=x  >");
        assert_eq!(p.attributes_dropped, 2 * 299);
        // A dropped attribute right after `/` leaves a space, not `/>`.
        let slashes: String = (0..MAX_ATTRIBUTES + 1).map(|i| format!("/a{i}")).collect();
        let svg = format!("<svg{slashes}>");
        let out = prepare(&svg, &["*".into()]).text;
        assert!(out.ends_with("/a255/ >"), "{}", &out[out.len() - 20..]);
    }

    /// Until the scan stops following the page, every tag the tokenizer
    /// reads is one it capped; from there on, the parser's guard reads
    /// everything. Markup where the two part ways (a `<style>` raw text in
    /// HTML but not in SVG) still gets no long tag through.
    #[test]
    fn the_guard_takes_over_where_the_scan_is_unsure() {
        let long: String = (0..MAX_ATTRIBUTES * 2).map(|i| format!(" a{i}=x")).collect();
        assert_eq!(prepare(&format!("<p{long}>t</p><svg></svg>"), &[]).unsure_from, None);
        let p = prepare("<p>t</p><math><mi>x</mi></math>", &[]);
        assert_eq!((p.text.as_ref(), p.unsure_from), ("<p>t</p><math><mi>x</mi></math>", Some(8)));
        for page in [
            // The scan takes these `<style>`s for raw text; in SVG and MathML
            // they are elements, and what they hold is markup.
            format!("<p>a</p><svg><style><g{long}/></style><p>out</p></svg>"),
            format!("<math><style><b{long}></style></math>"),
            format!("<svg><g><style>x='</style><i{long}>'</style></svg>"),
            format!("<frameset><style><a{long}></style></frameset>"),
        ] {
            let p = prepare(&page, &[]);
            let doc = crate::markup::dom::Dom::parse_prepared(&p.text, p.unsure_from);
            let most = doc.document().descendants().filter_map(|n| n.element().map(|e| e.attr_locals().count())).max();
            assert!(most.unwrap_or(0) <= MAX_ATTRIBUTES, "{}", &page[..30]);
        }
    }

    /// A million attributes on one element kept html5ever's duplicate check
    /// busy for minutes (100 000: 3.6 s, 200 000 four times that); now the
    /// prepared tag has the cap and the whole parse is linear.
    #[test]
    fn many_attributes_are_cut_in_one_pass() {
        let n = 200_000;
        let page = format!("<div{}>text</div>", attrs((0..n).map(|i| format!("a{i}"))));
        let p = prepare(&page, &[]);
        assert_eq!(p.attributes_dropped, n - MAX_ATTRIBUTES);
        let doc = crate::markup::dom::Dom::parse_document(&p.text);
        let div = doc.document().descendants().find(|n| n.element().is_some_and(|e| e.name() == "div")).unwrap();
        assert_eq!(div.element().unwrap().attr_locals().count(), MAX_ATTRIBUTES);
        assert_eq!(div.text_content(), "text");
        assert_eq!(doc.cut, Default::default());
    }

    #[test]
    fn scripts_styles_comments_are_cut() {
        assert_eq!(
            prep("<p>a<!-- x <b> -->b<script src=s>if (a<b) {}</script><style>p{}</style>c</p>"),
            "<p>a<!---->b<script src=s></script><style></style>c</p>"
        );
        let ld = "<script type='application/LD+JSON'>{\"a\":1}</script>";
        assert_eq!(prep(ld), ld);
        let encoded = "<script type=\"application&#x2F;ld&#x2B;json\">{}</script>";
        assert_eq!(prep(encoded), encoded);
        assert!(matches!(prepare("<p>nothing to cut</p>", &[]).text, Cow::Borrowed(_)));
    }

    #[test]
    fn cuts_end_where_the_tokenizer_ends() {
        // `--!>` ends a comment; `<!--!>` does not.
        assert_eq!(prep("<!-- a --!><p>kept</p><!-- b -->"), "<!----!><p>kept</p><!---->");
        assert_eq!(prep("<!--!><p>gone</p>-->x"), "<!---->x");
        assert_eq!(prep("<!-->x<!--->y<!-- open"), "<!-->x<!--->y<!--");
        // Inside `<!-- <script>`, a `</script>` does not end the script.
        assert_eq!(prep("<script><!--<script>w()</script>--></script>t"), "<script></script>t");
        assert_eq!(prep("<script>a</scripts></script>t"), "<script></script>t");
        // An unclosed script keeps everything.
        assert_eq!(prep("<script>never closed"), "<script>never closed");
    }

    #[test]
    fn nothing_is_cut_where_unsure() {
        // In SVG, <script> and <style> hold markup; a custom element is not a script.
        let svg = "<svg><style><![CDATA[a]]></style><script>x</script><p>out</p></svg>";
        assert_eq!(prep(svg), svg);
        let custom = "<script-loader><p>text</p></script-loader>";
        assert_eq!(prep(custom), custom);
        let plain = "<plaintext><script>x</script>";
        assert_eq!(prep(plain), plain);
        // After the SVG closes, cutting resumes.
        assert_eq!(prep("<svg></svg><style>x</style>"), "<svg></svg><style></style>");
    }

    #[test]
    fn drawing_svg_contents_are_cut() {
        assert_eq!(
            prep(
                "<title>T</title><p>a<svg viewBox='0 0 1 1'><title>Icon</title><g><path d='M0 0'/></g><style>.x{}</style></svg>b</p>"
            ),
            "<title>T</title><p>a<svg viewBox='0 0 1 1'></svg>b</p>"
        );
        // Before the page's <title>, an SVG's title is the first one: kept.
        let icon = "<p>a<svg><title>Icon</title></svg>b</p>";
        assert_eq!(prep(icon), icon);
        // Kept whole when the contents could reach the HTML tree.
        for svg in [
            "<svg><path/><p>breaks out</p></svg>",
            "<svg><g></div></g></svg>",
            "<svg><foreignObject><div>x</div></foreignObject></svg>",
            "<svg><title><style>a<b</style></title></svg>",
            "<svg><path/>",
        ] {
            assert_eq!(prep(svg), svg);
        }
    }

    #[test]
    fn unread_attributes_are_dropped_unless_a_selector_reads_them() {
        let img = "<img data-src=\"a\" src=b srcset='c 1x' onclick=\"x()\" alt=d>";
        assert_eq!(prep(img), "<img  src=b   alt=d>");
        assert_eq!(
            prepare(img, &["data-src".into(), "onclick".into()]).text,
            "<img data-src=\"a\" src=b  onclick=\"x()\" alt=d>"
        );
        assert_eq!(prepare(img, &["*".into()]).text, img);
        // Never right after `/`: that would turn the tag into `/>`.
        let svg = "<svg/data-x=1><p>t</p>";
        assert_eq!(prep(svg), svg);
        assert_eq!(prep("<a href=\"x\"data-y=\"z\"/>t"), "<a href=\"x\"/>t");
    }

    #[test]
    fn attributes_named_by_selectors() {
        assert_eq!(
            selector_attributes("div[data-id^='x'], a[ href ], [ns|foo], [lang|=en], [*|bar~=y i]"),
            ["data-id", "href", "foo", "lang", "bar"]
        );
        assert_eq!(selector_attributes(".a, #b > p"), Vec::<String>::new());
        assert_eq!(selector_attributes("[data\\-x]"), ["*"]);
        // Escaped brackets in a class name open no attribute test (a generic EasyList filter).
        assert_eq!(selector_attributes(".\\[\\&_\\.gdprCog\\]\\:\\!z-\\[5\\]"), Vec::<String>::new());
        assert_eq!(selector_attributes(".\\[x\\] [data-y]"), ["data-y"]);
    }

    #[test]
    fn indentation_collapses_outside_pre() {
        assert_eq!(prep("<div>\n    <p>a \n  b</p>\n\n</div>"), "<div>\n<p>a\nb</p>\n</div>");
        let pre = "<pre>\n  keep\n    this\n</pre>";
        assert_eq!(prep(pre), pre);
        assert_eq!(prep("<pre>x\n  y</pre>\n  z"), "<pre>x\n  y</pre>\nz");
        // A run without a line break is left alone.
        assert!(matches!(prepare("<p>a    b</p>", &[]).text, Cow::Borrowed(_)));
    }

    #[test]
    fn quotes_count_only_around_attribute_values() {
        // The tokenizer ends `<a href=x'y>` at its `>`: the script after it is a script.
        assert_eq!(prep("<a href=x'y>t</a><script>s</script>"), "<a href=x'y>t</a><script></script>");
        assert_eq!(
            prep("<p title='a>b' x=\"<script>\">c</p><style>s</style>"),
            "<p title='a>b' x=\"<script>\">c</p><style></style>"
        );
        // `<svg width=10/>` is not self-closing (the `/` belongs to the value):
        // the style is SVG's, cut with the drawing, not an HTML style emptied.
        assert_eq!(prep("<svg width=10/><style>x</style></svg>"), "<svg width=10/></svg>");
    }

    #[test]
    fn quoted_gt_and_raw_text() {
        // Raw text is not markup: a "tag" in a style keeps its attributes
        // here (the parser's guard reads it both ways), and a quoted `>`
        // does not end a tag.
        let long = attrs((0..MAX_ATTRIBUTES + 1).map(|i| format!("a{i}")));
        let page = format!("<div title='a>b'><style><div{long}></style>x</div>");
        assert_eq!(scan(&page, None).text, page);
        let page = format!("<div title='a>b'{long}>");
        assert_eq!(scan(&page, None).attributes_dropped, 2);
    }

    /// `svg_end` once looked through the open elements at every start tag:
    /// 300 000 nested `<g>` took 36 s (100 000: minutes in a debug build).
    #[test]
    fn a_deep_svg_is_cut_in_one_pass() {
        let n = 100_000;
        let page = format!("<title>T</title><p>a<svg>{}{}</svg>b</p>", "<g>".repeat(n), "</g>".repeat(n));
        assert_eq!(prep(&page), "<title>T</title><p>a<svg></svg>b</p>");
        // A `<title>` or `<desc>` still open makes the next start tag HTML; a closed one does not.
        let page = format!("<title>T</title><svg>{}<desc>d</desc><path/>{}</svg>", "<g>".repeat(9), "</g>".repeat(9));
        assert_eq!(prep(&page), "<title>T</title><svg></svg>");
        let kept = "<title>T</title><svg><g><desc><g/></desc></g></svg>";
        assert_eq!(prep(kept), kept);
    }
}
