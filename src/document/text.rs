//! Plain text to blocks.

use super::{Block, BlockKind, Origin};

/// A line longer than this is a paragraph on its own line, not hard-wrapped text.
const WRAPPED_LINE_MAX: usize = 120;

/// What the scorers count in a block's text, in one pass over the bytes:
/// ASCII (most of any page) is looked up directly and only other characters
/// are decoded. `words` is what `split_whitespace().count()` gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextCounts {
    pub words: usize,
    /// ASCII digits.
    pub digits: usize,
    /// Alphabetic characters, and how many of them are upper-case.
    pub letters: usize,
    pub upper: usize,
    /// Commas, Latin, full-width, ideographic and Arabic.
    pub commas: usize,
}

impl TextCounts {
    pub fn of(s: &str) -> TextCounts {
        let mut n = TextCounts::default();
        let bytes = s.as_bytes();
        let (mut in_word, mut i) = (false, 0);
        while i < bytes.len() {
            let b = bytes[i];
            let space = if b < 0x80 {
                i += 1;
                match b {
                    b'0'..=b'9' => n.digits += 1,
                    b'a'..=b'z' => n.letters += 1,
                    b'A'..=b'Z' => (n.letters, n.upper) = (n.letters + 1, n.upper + 1),
                    b',' => n.commas += 1,
                    _ => {}
                }
                // char::is_whitespace on ASCII: tab, LF, VT, FF, CR, space.
                matches!(b, b'\t'..=b'\r' | b' ')
            } else {
                let Some(c) = s[i..].chars().next() else { break };
                i += c.len_utf8();
                if c.is_alphabetic() {
                    n.letters += 1;
                    n.upper += usize::from(c.is_uppercase());
                } else if matches!(c, '，' | '、' | '،') {
                    n.commas += 1;
                }
                c.is_whitespace()
            };
            n.words += usize::from(!space && !in_word);
            in_word = !space;
        }
        n
    }
}

/// Splits text into blocks: on blank lines, and on single line breaks where
/// the text is written one paragraph per line (see fixtures/README.md).
pub fn blocks_from_text(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut run: Vec<(usize, &str)> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            flush(&mut run, &mut blocks);
        } else {
            run.push((i + 1, line));
        }
    }
    flush(&mut run, &mut blocks);
    blocks
}

fn flush(run: &mut Vec<(usize, &str)>, blocks: &mut Vec<Block>) {
    if run.is_empty() {
        return;
    }
    if one_paragraph_per_line(run) {
        for &(line_no, line) in run.iter() {
            blocks.push(Block::new(BlockKind::Paragraph, line, Origin::Line(line_no)));
        }
    } else {
        let text = run.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n");
        blocks.push(Block::new(BlockKind::Paragraph, text, Origin::Line(run[0].0)));
    }
    run.clear();
}

fn one_paragraph_per_line(run: &[(usize, &str)]) -> bool {
    if run.len() < 2 {
        return false;
    }
    let long_line = run.iter().any(|(_, l)| l.chars().count() > WRAPPED_LINE_MAX);
    let all_end_sentences = run.iter().all(|(_, l)| ends_sentence(l));
    long_line || all_end_sentences
}

fn ends_sentence(line: &str) -> bool {
    let trimmed = line.trim_end();
    trimmed.ends_with(['.', '!', '?', ':', '"', '”', '’', '\'', ')', '…'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for s in [
            "",
            " ",
            "one",
            " two  words ",
            "a\u{0b}b\u{0c}c\rd",
            "no\u{a0}break\u{2003}em\u{3000}ideo",
            "ünï cödé\u{85}x",
            "\u{1f600} \u{1f600}",
        ] {
            assert_eq!(TextCounts::of(s).words, s.split_whitespace().count(), "{s:?}");
        }
    }

    #[test]
    fn characters_are_counted_as_char_tests_count_them() {
        for s in ["", "Ab, cD 12", "Ünï, cödé，三、四، ٣ Σσ", "\u{1f600} X9"] {
            let chars = || s.chars();
            let want = TextCounts {
                words: s.split_whitespace().count(),
                digits: chars().filter(char::is_ascii_digit).count(),
                letters: chars().filter(|c| c.is_alphabetic()).count(),
                upper: chars().filter(|c| c.is_alphabetic() && c.is_uppercase()).count(),
                commas: chars().filter(|c| matches!(c, ',' | '，' | '、' | '،')).count(),
            };
            assert_eq!(TextCounts::of(s), want, "{s:?}");
        }
    }

    fn texts(t: &str) -> Vec<String> {
        blocks_from_text(t).into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn blank_lines_split() {
        assert_eq!(texts("a b.\n\n\nc d.\n"), ["a b.", "c d."]);
        let blocks = blocks_from_text("x\n\ny");
        assert_eq!(blocks[1].origin, Origin::Line(3));
    }

    #[test]
    fn hard_wrapped_paragraph_stays_whole() {
        assert_eq!(
            texts("The quick brown fox\njumps over the lazy dog.\n"),
            ["The quick brown fox\njumps over the lazy dog."]
        );
    }

    #[test]
    fn one_paragraph_per_line() {
        assert_eq!(
            texts("First paragraph.\nShare this article\nSecond one."),
            ["First paragraph.\nShare this article\nSecond one."]
        );
        let long = "word ".repeat(30);
        assert_eq!(texts(&format!("{long}\nShare this article\nEnd.")).len(), 3);
        assert_eq!(texts("One.\nTwo!\nThree?").len(), 3);
    }
}
