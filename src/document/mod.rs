//! The intermediate form every pass works on: an ordered list of blocks.
//! HTML and text inputs meet here, so one set of text rules serves both.

mod parts;
mod removal;
mod text;

pub use parts::{Part, Piece, parts};
pub use removal::{Removal, Scope, Side};
pub use text::{TextCounts, blocks_from_text};

use serde::Serialize;

/// What kind of block this is; the Markdown writer renders each differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum BlockKind {
    Paragraph,
    Heading { level: u8 },
    ListItem { ordered: bool },
    Quote,
    Preformatted,
    TableRow,
}

/// Where a block came from, so a removal can be found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// 1-based line of the block's first line in the (LF-normalized) text.
    Line(usize),
    /// XPath-like element path in the HTML (`/html/body/div[2]/p[3]`).
    Element(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Line(n) => write!(f, "line {n}"),
            Origin::Element(path) => f.write_str(path),
        }
    }
}

/// One paragraph, heading, list item, quote, preformatted run or table row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub kind: BlockKind,
    /// The text as it will be written: original characters, `\n` for line breaks.
    pub text: String,
    pub origin: Origin,
}

impl Block {
    pub fn new(kind: BlockKind, text: impl Into<String>, origin: Origin) -> Self {
        Block { kind, text: text.into(), origin }
    }
}
