//! Reviewing what cleaning did, for the people who write rules: the document
//! before and after ([`Cleaned::parts`](crate::Cleaned::parts)), rule-set comparisons ([`compare`]), the HTML
//! report, `explain`, rule tests over fixtures, corpus statistics and rule
//! suggestions. Everything here reads [`Cleaned`](crate::Cleaned); nothing changes how a
//! document is cleaned.

pub mod compare;
pub mod corpus;
pub mod diff;
pub mod explain;
pub mod fixtures;
pub mod report;
pub mod scaffold;
pub mod stats;
pub mod suggest;

/// `text` cut to its first `max` characters, saying how many more there were.
pub fn shorten(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… [+{} chars]", count - max)
}
