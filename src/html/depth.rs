//! Caps element nesting before parsing. html5ever checks scopes by scanning
//! the stack of open elements, so a page nested 100 000 levels deep takes
//! minutes to parse. Browsers cap the tree depth (Blink at 512) and put deeper
//! elements beside their parent; this pass does the same on the markup, by
//! dropping start and end tags past the cap, which keeps every character of
//! text. Pages within the cap (all real ones) are returned untouched.

use std::borrow::Cow;

/// Blink's `kMaximumHTMLParserDOMTreeDepth`.
pub const MAX_DEPTH: usize = 512;

/// Elements that never hold children, or whose end tag is implied by the next
/// sibling, so they never deepen the tree in a way worth counting.
const NON_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
    "html", "head", "body", "image", "keygen", "basefont", "bgsound", "frame",
];

/// Elements whose content is raw text: tags inside them are not tags.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// Returns the markup with tags past `MAX_DEPTH` dropped, or borrowed as is.
pub fn cap_depth(html: &str) -> Cow<'_, str> {
    cap(html, MAX_DEPTH)
}

fn cap(html: &str, limit: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // For each open element: whether its start tag was kept.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    let mut copied = 0usize;
    let mut pos = 0usize;
    let comment_end = memchr::memmem::Finder::new(b"-->");
    while let Some(off) = memchr::memchr(b'<', &bytes[pos..]) {
        let start = pos + off;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            pos = comment_end.find(rest).map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            pos = start + 1;
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
        let end = tag_end(bytes, name_start + name_len);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        let mut drop = false;
        if closing {
            if !NON_NESTING.contains(&name)
                && let Some(kept) = open.pop()
            {
                if kept {
                    depth -= 1;
                } else {
                    drop = true;
                }
            }
        } else if RAW_TEXT.contains(&name) {
            pos = match find_end_tag(&bytes[end..], name.as_bytes()) {
                // Past the raw text and its end tag, which must not pop an element.
                Some(skip) => tag_end(bytes, end + skip + 2 + name.len()),
                None => html.len(),
            };
            continue;
        } else if !self_closing && !NON_NESTING.contains(&name) {
            let keep = depth < limit;
            open.push(keep);
            if keep {
                depth += 1;
            } else {
                drop = true;
            }
        }
        if drop {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
            buf.push_str(&html[copied..start]);
            copied = end;
        }
        pos = end;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// The index just past the `>` closing a tag, honouring quoted attribute
/// values. Jumps between the three bytes that matter (memchr), since this
/// runs for every tag of every page.
fn tag_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let Some(off) = memchr::memchr3(b'>', b'"', b'\'', &bytes[i..]) else { break };
        let at = i + off;
        match bytes[at] {
            b'>' => return at + 1,
            quote => match memchr::memchr(quote, &bytes[at + 1..]) {
                Some(close) => i = at + 1 + close + 1,
                None => break,
            },
        }
    }
    bytes.len()
}

/// Where `</name` (any case) first starts in `hay`: the end of a raw-text
/// element. Only `<` positions are compared, so a long script costs one
/// memchr scan rather than a comparison at every byte.
fn find_end_tag(hay: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = memchr::memchr(b'<', &hay[from..]) {
        let at = from + off;
        let rest = &hay[at + 1..];
        if rest.first() == Some(&b'/') && rest.len() > name.len() && rest[1..=name.len()].eq_ignore_ascii_case(name) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_untouched() {
        let page = "<html><body><div><p>a<p>b<ul><li>x<li>y</ul></div><script>if (a<b) {}</script></body></html>";
        assert!(matches!(cap(page, 3), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_tags_are_dropped_text_kept() {
        let page = "<div><div><div><span>deep</span></div></div></div>";
        assert_eq!(cap(page, 2), "<div><div>deep</div></div>");
    }

    #[test]
    fn quoted_gt_and_raw_text() {
        let page = "<div title='a>b'><div><style><div></style>x</div></div>";
        assert_eq!(cap(page, 1), "<div title='a>b'><style><div></style>x</div>");
    }
}
