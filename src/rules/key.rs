//! The normalized key text rules match against, so a rule written with plain
//! quotes and lower case matches typographic, capitalized text.

/// Lower-cases, straightens curly quotes and primes, collapses every run of
/// whitespace (NBSP included) to one space and trims.
///
/// Built as bytes: an ASCII byte is tested and lower-cased as it is, only
/// other characters are decoded and case-mapped (a key is built for every
/// short block, and most text is ASCII).
pub fn key(text: &str) -> String {
    if is_plain(text) {
        return text.to_ascii_lowercase();
    }
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut pending_space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            i += 1;
            if matches!(b, b' ' | b'\t'..=b'\r') {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(b' ');
                pending_space = false;
            }
            out.push(b.to_ascii_lowercase());
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
        i += c.len_utf8();
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(b' ');
            pending_space = false;
        }
        let mut utf8 = [0u8; 4];
        match straighten(c) {
            Some(q) => out.push(q as u8),
            None => c.to_lowercase().for_each(|l| out.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes())),
        }
    }
    // Whole characters were pushed, so this is valid UTF-8; no panic if it were not.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// ASCII with single spaces for its only whitespace, none at either end:
/// its key is its lower case. Tested without branches, so it vectorises.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let next = bytes.get(1..).unwrap_or_default();
    let odd = bytes.iter().zip(next).fold(0u8, |odd, (&b, &n)| {
        odd | u8::from(!b.is_ascii())
            | u8::from((b'\t'..=b'\r').contains(&b))
            | (u8::from(b == b' ') & u8::from(n == b' '))
    });
    let last = bytes.last().copied().unwrap_or(b' ');
    odd == 0 && last.is_ascii() && !matches!(last, b' ' | b'\t'..=b'\r') && bytes.first() != Some(&b' ')
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

    /// The key character by character, as it was first written: the byte
    /// paths must give exactly this.
    fn by_chars(text: &str) -> String {
        let mut out = String::new();
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
            match straighten(c) {
                Some(q) => out.push(q),
                None => out.extend(c.to_lowercase()),
            }
        }
        out
    }

    #[test]
    fn byte_paths_match_the_character_definition() {
        let pieces = [
            "a",
            "Read MORE",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{b}",
            "\u{c}",
            "\u{1c}",
            "\u{85}",
            "\u{a0}",
            "\u{2009}",
            "\u{3000}",
            "’",
            "“",
            "″",
            "İ",
            "ß",
            "Σ",
            "\u{212A}",
            "é",
            "Ä",
            "日本",
            "x.",
            "-",
            "\u{0}",
        ];
        let mut seed = 7u64;
        for _ in 0..5000 {
            let mut text = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for k in 0..(seed >> 60) {
                text.push_str(pieces[((seed >> (k * 4)) % pieces.len() as u64) as usize]);
            }
            assert_eq!(key(&text), by_chars(&text), "{text:?}");
        }
        for p in pieces {
            for text in [p.to_owned(), format!(" {p} "), format!("x{p}y"), format!("{p}{p}")] {
                assert_eq!(key(&text), by_chars(&text), "{text:?}");
            }
        }
    }
}
