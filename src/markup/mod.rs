//! The syntaxes declutter reads, below everything that uses them: HTML into
//! our own bounded DOM with CSS selectors ([`dom`]), the preparation pass
//! before it ([`prepare`]) and the bounds both keep ([`limits`]), and
//! WordPress-style shortcodes ([`shortcode`]). Rules compile selectors and
//! shortcode names with these; the HTML and block passes run them. Nothing
//! here knows about rules, blocks or cleaning.

pub mod dom;
pub mod limits;
pub mod prepare;
pub mod shortcode;

pub use limits::{Limit, LimitKind};
