//! Telling HTML from plain text, and binary data from both.

/// Tags whose presence near the start makes a document HTML. Scraped article
/// text can quote a stray `<b>`, so a single inline tag is not enough.
const HTML_MARKERS: &[&str] = &[
    "<!doctype html",
    "<html",
    "<head",
    "<body",
    "<meta",
    "<title",
    "<div",
    "<p>",
    "<p ",
    "<article",
    "<section",
    "<br",
    "<table",
    "<script",
    "<style",
    "<link ",
    "<span",
    "<h1",
    "<h2",
    "<ul",
    "<!--",
];

/// True when `text` looks like markup: it starts with a tag (after
/// whitespace), or two distinct HTML markers appear in its first 64 KiB
/// (a page can open with kilobytes of inline CSS).
pub fn looks_like_html(text: &str) -> bool {
    let trimmed = text.trim_start();
    let start = prefix(trimmed, 2048).to_ascii_lowercase();
    if start.starts_with("<!doctype") || start.starts_with("<html") || start.starts_with("<?xml") {
        return true;
    }
    let mut chars = start.chars();
    if chars.next() == Some('<') && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '!') {
        // A tag that closes on its own line, as markup does and prose quoting `<` does not.
        if start.find('>').is_some_and(|i| !start[..i].contains('\n')) {
            return true;
        }
    }
    let head = prefix(text, 65536).to_ascii_lowercase();
    let hits = HTML_MARKERS.iter().filter(|m| head.contains(**m)).count();
    hits >= 2 || (start.starts_with('<') && hits >= 1)
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// True when the decoded text is mostly control characters: a binary file
/// decoded as text. Cleaning it would only emit noise, so the loader refuses it.
pub fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(8192) {
        total += 1;
        if c == '\0' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')) {
            control += 1;
        }
    }
    total > 0 && control * 10 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_text() {
        assert!(looks_like_html("<!DOCTYPE html><p>x"));
        assert!(looks_like_html("  <div class=a><p>x</p></div>"));
        assert!(!looks_like_html("He wrote <b> in a sentence.\n\nAnother paragraph."));
        assert!(!looks_like_html("Plain text, 3 < 4."));
        assert!(looks_like_html(&format!("<style>\n{}</style><div><p>x</p></div>", "p { color: red; }\n".repeat(400))));
    }

    #[test]
    fn binary() {
        assert!(looks_binary("\0\u{1}\u{2}abc\0\0\0"));
        assert!(!looks_binary("Ordinary text\twith a tab.\n"));
        assert!(!looks_binary(""));
    }
}
