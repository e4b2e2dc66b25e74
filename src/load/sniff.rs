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
/// Judged on the first 8,192 characters.
pub fn looks_binary(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Those characters lie within as many bytes: counted without branches.
    let head = bytes.get(..BINARY_CHARS).unwrap_or(bytes);
    let (mut total, mut control) = (0usize, 0usize);
    for chunk in head.chunks(255) {
        let (mut starts, mut controls) = (0u8, 0u8);
        for &b in chunk {
            starts += u8::from(!is_continuation(b));
            controls += u8::from(is_control_byte(b));
        }
        total += usize::from(starts);
        control += usize::from(controls);
    }
    // U+0080–U+009F, the C1 controls: C2 80 to C2 9F.
    let next = head.get(1..).unwrap_or_default();
    control += head.iter().zip(next).filter(|&(&a, &b)| a == 0xC2 && is_c1_byte(b)).count();
    // Past the head, byte by byte until the characters are counted.
    let mut prev = head.last().copied().unwrap_or(0);
    for &b in bytes.get(head.len()..).unwrap_or_default() {
        if !is_continuation(b) {
            if total == BINARY_CHARS {
                break;
            }
            total += 1;
        }
        control += usize::from(is_control_byte(b) || (prev == 0xC2 && is_c1_byte(b)));
        prev = b;
    }
    total > 0 && control * 10 > total
}

/// How many characters [`looks_binary`] reads.
const BINARY_CHARS: usize = 8192;

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// NUL and the C0 controls but tab, line feed, form feed and carriage return, and DEL.
fn is_control_byte(b: u8) -> bool {
    matches!(b, 0..=8 | 0x0B | 0x0E..=0x1F | 0x7F)
}

/// The second byte of U+0080–U+009F after C2.
fn is_c1_byte(b: u8) -> bool {
    (0x80..=0x9F).contains(&b)
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

    /// The byte count is the character count as first written.
    #[test]
    fn binary_on_bytes_matches_the_character_definition() {
        fn by_chars(text: &str) -> bool {
            let (mut total, mut control) = (0usize, 0usize);
            for c in text.chars().take(8192) {
                total += 1;
                if c == '\0' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')) {
                    control += 1;
                }
            }
            total > 0 && control * 10 > total
        }
        let pieces = [
            "a", "\0", "\u{1}", "\t", "\n", "\r", "\x0B", "\x0C", "\u{1f}", "\u{7f}", "\u{80}", "\u{9f}", "\u{a0}",
            "é", "日", "😀", "\u{c2}",
        ];
        let mut seed = 5u64;
        for round in 0..3000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mut bits = seed;
            let mut text = String::new();
            // Some texts run past the 8,192 characters read, with controls on either side.
            if round % 10 == 0 {
                text.push_str(&pieces[(seed % 14) as usize].repeat(8000 + (seed >> 50) as usize % 400));
            }
            for _ in 0..(seed >> 58) {
                text.push_str(pieces[(bits % pieces.len() as u64) as usize]);
                bits = bits.rotate_left(5) ^ seed;
            }
            if round % 10 == 5 {
                text.push_str(&"\u{1}".repeat(2000));
            }
            assert_eq!(looks_binary(&text), by_chars(&text), "round {round}");
        }
        for n in 8185..8200 {
            for p in pieces {
                let text = format!("{}{}", "\u{1}".repeat(1000), "é".repeat(n / 2)) + &p.repeat(20);
                assert_eq!(looks_binary(&text), by_chars(&text));
                let text = format!("{}{}", "a".repeat(n), "\u{80}".repeat(n / 8));
                assert_eq!(looks_binary(&text), by_chars(&text));
                let text = format!("{}{}{}", "\u{9f}".repeat(700), "a".repeat(n - 700), p.repeat(2000));
                assert_eq!(looks_binary(&text), by_chars(&text));
            }
        }
    }

    #[test]
    fn binary() {
        assert!(looks_binary("\0\u{1}\u{2}abc\0\0\0"));
        assert!(!looks_binary("Ordinary text\twith a tab.\n"));
        assert!(!looks_binary(""));
    }
}
