//! Rules from other ecosystems, turned into declutter's: the translation of
//! FiveFilters' XPath into CSS selectors (`xpath.rs`) is the first piece of
//! `declutter rules import ftr` (issue 14).

pub mod xpath;
