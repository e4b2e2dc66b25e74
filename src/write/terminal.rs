//! Text for a person's terminal. Page text is untrusted: an escape sequence
//! in it (`ESC ] 0 ;` sets the window title, `ESC ] 52 ;` writes the
//! clipboard, `ESC [ 2 J` clears the screen) would be obeyed by the terminal
//! if printed raw. Views for people show such characters as visible symbols;
//! data outputs (`--format json`, files) keep them as they are.

use std::borrow::Cow;

/// `text` with every control character but line break and tab replaced by a
/// visible stand-in: C0 controls by their Unicode control pictures (`␛`, `␇`),
/// DEL by `␡`, C1 controls (which some terminals also obey) by `�`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_picture) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if needs_picture(c) { picture(c) } else { c }).collect())
}

fn needs_picture(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

fn picture(c: char) -> char {
    match c as u32 {
        n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
        0x7f => '\u{2421}',
        _ => '\u{fffd}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_visible_and_text_stays() {
        assert!(matches!(printable("plain\ttext\nline"), Cow::Borrowed(_)));
        assert_eq!(printable("a\x1b]0;title\x07b"), "a␛]0;title␇b");
        assert_eq!(printable("\x1b]52;c;ZXZpbA==\x07"), "␛]52;c;ZXZpbA==␇");
        assert_eq!(printable("\x1b[2J\r\x7f\u{9b}"), "␛[2J␍␡\u{fffd}");
        assert_eq!(printable("Ünïcödé — “quotes” 新闻"), "Ünïcödé — “quotes” 新闻");
    }
}
