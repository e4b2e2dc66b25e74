//! The document as it was before cleaning: kept blocks (with the spans cut
//! from them shown in place) and removals, interleaved in order. What `diff`,
//! `explain` and the HTML report are drawn from.

use std::ops::Range;

use super::{Block, Removal, Scope};

/// One piece of the document as it was before cleaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<'a> {
    /// An element, block or the remains of a block that a rule removed.
    Removed(&'a Removal),
    /// A block that stays, with the spans cut from it shown in place.
    Kept { block: &'a Block, pieces: Vec<Piece<'a>> },
}

/// Text of a kept block before its spans were cut: what stays and what went.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    Cut(&'a Removal),
}

/// The document in order, kept and removed parts interleaved. Removal
/// positions count the blocks that entered the block passes: removals at
/// `(i, 0)` come before block `i`, and block `i` is either removed by a
/// block-scope removal at `(i, 1)` or kept (with its span removals).
/// `originals`: the texts of blocks before spans were cut from them, by
/// block index, sorted.
pub fn parts<'a>(blocks: &'a [Block], removals: &'a [Removal], originals: &'a [(usize, String)]) -> Vec<Part<'a>> {
    let mut out = Vec::with_capacity(blocks.len() + removals.len());
    let mut removals = removals.iter().peekable();
    let mut kept = blocks.iter();
    let mut index = 0;
    loop {
        while let Some(r) = removals.next_if(|r| r.position.0 < index || r.position == (index, 0)) {
            out.push(Part::Removed(r));
        }
        let mut at_block: Vec<&Removal> = Vec::new();
        while let Some(r) = removals.next_if(|r| r.position == (index, 1)) {
            at_block.push(r);
        }
        let removed_whole = at_block.iter().any(|r| r.scope != Scope::Span);
        if removed_whole {
            out.extend(at_block.into_iter().map(Part::Removed));
        } else if let Some(block) = kept.next() {
            let original = originals.binary_search_by_key(&index, |(i, _)| *i).ok().map(|at| originals[at].1.as_str());
            out.push(Part::Kept { block, pieces: pieces(block, original, &at_block) });
        } else {
            out.extend(at_block.into_iter().map(Part::Removed));
            if removals.peek().is_none() {
                break;
            }
        }
        index += 1;
    }
    out
}

/// Places each cut span in the block's original text (the first unclaimed
/// occurrence of its text); a span that cannot be placed goes at the end.
fn pieces<'a>(block: &'a Block, original: Option<&'a str>, spans: &[&'a Removal]) -> Vec<Piece<'a>> {
    let Some(original) = original.filter(|_| !spans.is_empty()) else {
        return vec![Piece::Text(&block.text)];
    };
    let mut placed: Vec<(Range<usize>, &Removal)> = Vec::new();
    let mut unplaced = Vec::new();
    for &span in spans {
        let found = original
            .match_indices(span.text.as_str())
            .map(|(at, s)| at..at + s.len())
            .find(|r| !r.is_empty() && placed.iter().all(|(p, _)| r.end <= p.start || r.start >= p.end));
        match found {
            Some(r) => placed.push((r, span)),
            None => unplaced.push(span),
        }
    }
    placed.sort_by_key(|(r, _)| r.start);
    let mut out = Vec::with_capacity(placed.len() * 2 + 1);
    let mut last = 0;
    for (r, span) in placed {
        if r.start > last {
            out.push(Piece::Text(&original[last..r.start]));
        }
        out.push(Piece::Cut(span));
        last = r.end;
    }
    if last < original.len() {
        out.push(Piece::Text(&original[last..]));
    }
    out.extend(unplaced.into_iter().map(Piece::Cut));
    out
}

#[cfg(test)]
mod tests {
    use crate::{Cleaner, Hints};

    use super::*;

    fn describe(parts: &[Part]) -> Vec<String> {
        parts
            .iter()
            .map(|p| match p {
                Part::Removed(r) => format!("-{}:{}", r.rule, r.text),
                Part::Kept { pieces, .. } => pieces
                    .iter()
                    .map(|x| match x {
                        Piece::Text(t) => (*t).to_owned(),
                        Piece::Cut(r) => format!("[{}:{}]", r.rule, r.text),
                    })
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn text_parts_interleave_removed_blocks_and_cut_spans() {
        let text = "First paragraph.\n\nShare this article\n\nSecond [caption id=\"1\"]x[/caption] part.\n\nEnd.";
        // Rules alone: the line scorer's say on a four-line text is not what this checks.
        let cleaner = Cleaner::builder().text_model(false).build().unwrap();
        let cleaned = cleaner.clean(text.as_bytes(), &Hints::default()).unwrap();
        let got = describe(&cleaned.parts());
        assert_eq!(got[0], "First paragraph.");
        assert_eq!(got[1], "-share-this:Share this article");
        assert!(got[2].starts_with("Second ["), "{got:?}");
        assert_eq!(got[3], "End.");
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn html_parts_keep_element_removals_in_document_order() {
        let html = "<html><body><article><p>Intro paragraph with enough words to be an article.</p>\
            <div class=\"share-buttons\">Share on Facebook</div>\
            <p>Closing paragraph, also long enough to count as prose here.</p></article></body></html>";
        let cleaned = Cleaner::builder().extract(false).build().unwrap().clean(html.as_bytes(), &Hints::default());
        let cleaned = cleaned.unwrap();
        let got = describe(&cleaned.parts());
        let share = got.iter().position(|p| p.contains("Share on Facebook")).unwrap();
        assert!(got[share].starts_with('-'), "{got:?}");
        assert!(got[share - 1].starts_with("Intro"), "{got:?}");
        assert!(got[share + 1].starts_with("Closing"), "{got:?}");
    }

    #[test]
    fn every_block_and_removal_appears_once() {
        let text = "A.\n\nFollow us on Twitter\n\nB (Advertisement) c.\n\nRead more: x\n\n";
        let cleaned = Cleaner::new().unwrap().clean(text.as_bytes(), &Hints::default()).unwrap();
        let parts = cleaned.parts();
        let kept = parts.iter().filter(|p| matches!(p, Part::Kept { .. })).count();
        let removed = parts.iter().filter(|p| matches!(p, Part::Removed(_))).count()
            + parts
                .iter()
                .map(|p| match p {
                    Part::Kept { pieces, .. } => pieces.iter().filter(|x| matches!(x, Piece::Cut(_))).count(),
                    _ => 0,
                })
                .sum::<usize>();
        assert_eq!(kept, cleaned.blocks.len());
        assert_eq!(removed, cleaned.removals.len());
    }
}
