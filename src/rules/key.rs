//! The normalized key text rules match against, so a rule written with plain
//! quotes and lower case matches typographic, capitalized text.

/// Lower-cases, straightens curly quotes and primes, collapses every run of
/// whitespace (NBSP included) to one space and trims.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if c.is_ascii() {
            // The common case, without the general case mapping's iterator.
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match straighten(c) {
            Some(q) => out.push(q),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The straight quote a typographic quote or prime stands for.
pub fn straighten(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}' => Some('"'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(key("  You’ve\u{a0} READ “this”\n"), "you've read \"this\"");
        assert_eq!(key("id=”392895″"), "id=\"392895\"");
        assert_eq!(key(""), "");
    }
}
