//! Rules from other ecosystems, turned into declutter's (issue 14): FiveFilters'
//! site configs as publisher files (`ftr.rs`), through a translation of their
//! XPath into CSS selectors (`xpath.rs`).

pub mod ftr;
pub mod xpath;
