//! declutter: scraped web pages and scraped article text in, clean article
//! text out, with every removal explained by the id of the rule that made it.
//!
//! ```
//! use declutter::{Cleaner, Hints};
//!
//! let cleaner = Cleaner::new()?; // the shipped rules
//! let page = "Peskov said no.\n\nShare this article\n\nThe end.";
//! let cleaned = cleaner.clean(page.as_bytes(), &Hints::default())?;
//! assert_eq!(cleaned.text(), "Peskov said no.\n\nThe end.\n");
//! assert_eq!(cleaned.removals[0].rule, "share-this");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Data flow, one direction: [`load`] (bytes to UTF-8) → [`html`] or
//! [`document`] (to blocks, selector rules applied) → the block passes
//! → [`write`](mod@write) (text, Markdown, JSON).
//!
//! What an embedder needs is re-exported here: [`Cleaner`] (built once,
//! shared by threads), [`Hints`], [`Cleaned`] (also `serde::Serialize`),
//! the two errors ([`RulesError`] building, [`Error`] cleaning) and the rule
//! types. Cargo features: `default-features = false` is the cleaner alone;
//! `pipeline` adds the `pipeline` module (files, JSONL and WARC cleaned in
//! batches), `review` the `review` module (the rule authors' tools), `cli`
//! (default) the `declutter` binary.

// The passes and the markup layer are public for the fuzz targets and
// benchmarks, not as an interface: they change with the cleaning.
#[doc(hidden)]
pub mod clean;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
pub mod document;
mod examples;
pub mod html;
pub mod import;
pub mod limits;
pub mod load;
#[doc(hidden)]
pub mod markup;
#[doc(hidden)]
pub mod model;
#[cfg(feature = "pipeline")]
pub mod pipeline;
#[cfg(feature = "review")]
pub mod review;
pub mod rules;
pub mod write;

use std::path::Path;

pub use document::{Block, BlockKind, Origin, Part, Piece, Removal, Scope, Side};
pub use html::{Metadata, Method, Quality};
pub use load::{EncodingReport, InputFormat};
pub use markup::{Limit, LimitKind};
pub use rules::{Category, Layer, RuleError, RuleSet, RuleSource, RulesError};
pub use write::Format;

/// What the caller knows about a document.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The page's URL: picks the publisher, sharpens encoding sniffing. One without a
    /// scheme (`www.example.com/x`) is read as `https://` ([`rules::parse_url`]).
    pub url: Option<String>,
    /// A publisher's name or file stem; wins over the URL.
    pub publisher: Option<String>,
    /// A charset label or a whole `Content-Type` value.
    pub encoding: Option<String>,
    pub format: InputFormat,
    /// Blocks repeated across the documents of each site, learned from a
    /// first window of a multi-document run ([`clean::repeated`]).
    pub repeated: Option<std::sync::Arc<clean::repeated::RepeatedLines>>,
}

/// Why a document could not be cleaned. (Why a rule set could not be built
/// is a [`RulesError`], from [`CleanerBuilder::build`] and [`RuleSet`]'s loaders.)
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// `known`: the rule set's publisher keys, for the message.
    #[error("unknown publisher {name:?}: no publisher of the rule set has that name or file stem (it has: {known})")]
    UnknownPublisher { name: String, known: String },
}

/// A cleaned document: the kept blocks, what was removed and why, and how
/// the input was read.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub blocks: Vec<Block>,
    /// In document order.
    pub removals: Vec<Removal>,
    /// Title, author, date, site, language, canonical URL (HTML input only).
    pub metadata: html::Metadata,
    pub url: Option<String>,
    /// The publisher whose rules applied.
    pub publisher: Option<String>,
    pub encoding: EncodingReport,
    /// `Html` or `Text`.
    pub format: InputFormat,
    /// The publisher `content` selector that chose the article, if any.
    pub content_selector: Option<String>,
    /// How the article was found in an HTML page, and how sure that is.
    pub quality: Option<html::Quality>,
    /// The limits the input hit (empty for every real page seen so far).
    pub limits: Vec<Limit>,
    /// The page was laid out as a browser with scripts off shows it
    /// (`<noscript>` content included): it showed little otherwise.
    pub noscript: bool,
    /// What kind of page it is (HTML input).
    pub page_type: Option<html::page_type::PageKind>,
    pub(crate) page_features: Option<Box<html::page_type::Features>>,
    pub(crate) block_features: Option<Vec<(String, html::block_model::BlockFeatures)>>,
    /// Texts of blocks before spans were cut from them, by block index before
    /// the block passes: what [`Cleaned::parts`] shows the cuts in.
    pub(crate) originals: Vec<(usize, String)>,
}

impl Cleaned {
    /// The site the document belongs to for `builtin:repeated-line`: its URL's
    /// host without `www.`, else its canonical URL's (a folder of saved
    /// pages has no URLs but their own); `""` when neither says.
    pub fn site(&self) -> String {
        clean::repeated::site_of(self.url.as_deref(), self.metadata.canonical_url.as_deref())
    }

    /// The page-type classifier's features of the page (HTML input): what
    /// its training program (`examples/train_page_types.rs`) fits on.
    #[doc(hidden)]
    pub fn page_features(&self) -> Option<&html::page_type::Features> {
        self.page_features.as_deref()
    }

    /// Every laid-out block's text and block-classifier features, when the
    /// cleaner was built with `block_features(true)`.
    #[doc(hidden)]
    pub fn block_features(&self) -> Option<&[(String, html::block_model::BlockFeatures)]> {
        self.block_features.as_deref()
    }

    /// The clean text: blocks separated by a blank line, ending in a newline.
    pub fn text(&self) -> String {
        write::text(self)
    }

    /// The article as Markdown: headings, lists, quotes, code and tables.
    pub fn markdown(&self) -> String {
        write::markdown(self)
    }

    /// One line of JSON: the text, metadata, encoding, extraction and every
    /// removal with its rule (the shape of `--format json`; `Cleaned` is also
    /// [`serde::Serialize`] in that shape).
    pub fn to_json(&self) -> String {
        write::json(self, None)
    }

    /// The document before cleaning, in order: every block kept (with the
    /// spans cut from it) or removed, and every removed element, each with
    /// its rule. What `diff`, `explain` and the HTML report are drawn from.
    pub fn parts(&self) -> Vec<document::Part<'_>> {
        document::parts(&self.blocks, &self.removals, &self.originals)
    }
}

/// Builds a [`Cleaner`].
///
/// ```
/// use declutter::{Cleaner, Hints, RuleSet};
/// use declutter::rules::RuleSource;
///
/// // Rules from text (a folder works the same with `rules_dir`).
/// let rules = RuleSet::from_sources(vec![RuleSource::new(
///     "default.toml",
///     "[[rule]]\nid = \"promo\"\ncategory = \"ad\"\nblock = { equals = \"buy now\" }\n",
/// )])?;
/// let cleaner = Cleaner::builder().rules(rules).extract(false).build()?;
/// let cleaned = cleaner.clean(b"Buy now\n\nThe article.", &Hints::default())?;
/// assert_eq!(cleaned.text(), "The article.\n");
/// assert_eq!(cleaned.removals[0].rule, "promo");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CleanerBuilder {
    rules: Option<RuleSet>,
    normalize_whitespace: bool,
    extract: bool,
    keep_captions: bool,
    text_model: bool,
    page_types: bool,
    block_model: bool,
    block_features: bool,
    filters: Option<std::sync::Arc<rules::FilterLists>>,
}

impl Default for CleanerBuilder {
    fn default() -> Self {
        CleanerBuilder {
            rules: None,
            normalize_whitespace: false,
            extract: true,
            keep_captions: true,
            text_model: true,
            page_types: true,
            block_model: true,
            block_features: false,
            filters: None,
        }
    }
}

impl CleanerBuilder {
    /// Use this rule set instead of the shipped one.
    pub fn rules(mut self, rules: RuleSet) -> Self {
        self.rules = Some(rules);
        self
    }

    /// Load one complete rules folder alone (`default.toml`, `publishers/*.toml`). To layer a
    /// folder over the built-in rules, as the CLI's `--rules` does, pass
    /// [`RuleSet::over_builtin`] to [`CleanerBuilder::rules`].
    pub fn rules_dir(self, dir: impl AsRef<Path>) -> Result<Self, RulesError> {
        Ok(self.rules(RuleSet::from_dir(dir.as_ref())?))
    }

    /// Collapse spaces and NBSPs in text input (off: characters are kept as they are).
    pub fn normalize_whitespace(mut self, yes: bool) -> Self {
        self.normalize_whitespace = yes;
        self
    }

    /// Find the article in pages without a publisher `content` selector (on by
    /// default); off keeps the whole body, selector and block rules still apply.
    pub fn extract(mut self, yes: bool) -> Self {
        self.extract = yes;
        self
    }

    /// Score the blocks of text input that no rule removed, and remove the
    /// boilerplate the shipped line scorer is sure of (`builtin:text-boilerplate`,
    /// on by default).
    pub fn text_model(mut self, yes: bool) -> Self {
        self.text_model = yes;
        self
    }

    /// Keep figure and table captions inside the article (on by default).
    pub fn keep_captions(mut self, yes: bool) -> Self {
        self.keep_captions = yes;
        self
    }

    /// Tell what kind of page an HTML page is (article, forum, product, …)
    /// and extract it the way its kind needs (on by default); off, every
    /// page is extracted as the generic kind and no `page_type` is reported.
    pub fn page_types(mut self, yes: bool) -> Self {
        self.page_types = yes;
        self
    }

    /// After extraction, let the shipped block classifier decide each block
    /// again (on by default; `builtin:block-model` removals carry its score).
    /// Off, the hand-tuned extraction alone decides.
    pub fn block_model(mut self, yes: bool) -> Self {
        self.block_model = yes;
        self
    }

    /// Remove what these adblock filter lists' cosmetic filters hide (HTML input), each
    /// removal attributed to the list's `FILE:LINE`. After the rule files' selector rules: an
    /// element both match is the rule's.
    pub fn filter_lists(mut self, lists: rules::FilterLists) -> Self {
        self.filters = Some(std::sync::Arc::new(lists));
        self
    }

    /// Keep every laid-out block's text and block-classifier features in
    /// [`Cleaned`] (its training program).
    #[doc(hidden)]
    pub fn block_features(mut self, yes: bool) -> Self {
        self.block_features = yes;
        self
    }

    pub fn build(self) -> Result<Cleaner, RulesError> {
        let rules = match self.rules {
            Some(r) => r,
            None => RuleSet::embedded()?,
        }
        .checked()?;
        Ok(Cleaner {
            rules,
            normalize_whitespace: self.normalize_whitespace,
            extract: self.extract,
            keep_captions: self.keep_captions,
            text_model: self.text_model,
            page_types: self.page_types,
            block_model: self.block_model,
            block_features: self.block_features,
            filters: self.filters,
        })
    }
}

/// Cleans documents with one compiled rule set. `Send + Sync`: build it once,
/// share it across threads.
#[derive(Debug)]
pub struct Cleaner {
    rules: RuleSet,
    normalize_whitespace: bool,
    extract: bool,
    keep_captions: bool,
    text_model: bool,
    page_types: bool,
    block_model: bool,
    block_features: bool,
    filters: Option<std::sync::Arc<rules::FilterLists>>,
}

impl Cleaner {
    /// A cleaner with the shipped rules.
    pub fn new() -> Result<Cleaner, RulesError> {
        Cleaner::builder().build()
    }

    pub fn builder() -> CleanerBuilder {
        CleanerBuilder::default()
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The filter lists it applies, if any.
    pub fn filter_lists(&self) -> Option<&rules::FilterLists> {
        self.filters.as_deref()
    }

    /// Resolves the publisher for these hints: `publisher` by name, else the URL's host.
    pub fn publisher_for(&self, hints: &Hints) -> Result<Option<usize>, Error> {
        match &hints.publisher {
            Some(name) => self.rules.publisher_by_name(name).map(Some).ok_or_else(|| {
                let keys: Vec<&str> = self.rules.publishers().iter().map(|p| p.key.as_str()).collect();
                let known = if keys.is_empty() { "none".to_owned() } else { keys.join(", ") };
                Error::UnknownPublisher { name: name.clone(), known }
            }),
            None => Ok(hints.url.as_deref().and_then(|u| self.rules.publisher_for_url(u))),
        }
    }

    /// Cleans one document.
    pub fn clean(&self, bytes: &[u8], hints: &Hints) -> Result<Cleaned, Error> {
        let publisher = self.publisher_for(hints)?;
        let encoding = match &hints.encoding {
            Some(label) => load::parse_caller_label(label)?,
            None => None,
        };
        let options = load::LoadOptions {
            encoding,
            format: hints.format,
            normalize_whitespace: self.normalize_whitespace,
            tld: hints.url.as_deref().and_then(load::tld_of),
        };
        let source = load::load(bytes, &options)?;
        let profile = self.rules.profile(publisher);
        let mut active = clean::ActiveRules::from_profile(&self.rules, profile);
        if self.text_model && source.format == InputFormat::Text {
            active.text_model = clean::text_model::TextModel::shipped();
        }
        let publisher_ref = publisher.map(|p| &self.rules.publishers()[p]);

        let options = html::HtmlOptions {
            extract: self.extract.then(|| self.rules.extract_hints()),
            keep_captions: self.keep_captions,
            url: hints.url.as_deref(),
            page_types: self.page_types,
            block_model: self.block_model,
            block_features: self.block_features,
            filters: self.filters.as_deref(),
        };
        let mut page = if source.format == InputFormat::Html {
            html::to_blocks(&source.text, &active.selectors, publisher_ref, options)
        } else {
            html::HtmlDocument { blocks: document::blocks_from_text(&source.text), ..Default::default() }
        };
        let (blocks, mut removals) = (std::mem::take(&mut page.blocks), std::mem::take(&mut page.removals));
        let html::HtmlDocument {
            metadata,
            content_selector,
            quality,
            limits,
            noscript,
            page_type,
            page_features,
            block_features,
            ..
        } = page;
        // The site as [`Cleaned::site`] says it, which is how the table was learned.
        let site = clean::repeated::site_of(hints.url.as_deref(), metadata.canonical_url.as_deref());
        active.repeated = hints.repeated.as_deref().and_then(|r| r.of(&site));
        let mut originals = Vec::new();
        let blocks = clean::clean_blocks_keeping_originals(blocks, &active, &mut removals, &mut originals);
        removals.sort_by_key(|r| r.position);
        Ok(Cleaned {
            blocks,
            removals,
            metadata,
            url: hints.url.clone(),
            publisher: publisher_ref.map(|p| p.name.clone()),
            encoding: source.encoding,
            format: source.format,
            content_selector,
            quality,
            limits,
            noscript,
            page_type,
            page_features,
            block_features,
            originals,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_on_dropped_attribute_kinds_still_match() {
        // `data-*` attributes are cut before parsing unless a selector names one.
        let toml = "[[rule]]\nid = \"ad\"\ncategory = \"ad\"\nselector = \"[data-ad-slot], div[onclick]\"\n";
        let rules = RuleSet::from_sources(vec![rules::RuleSource::new("default.toml", toml)]).unwrap();
        let cleaner = Cleaner::builder().rules(rules).extract(false).build().unwrap();
        let page = b"<html><body><div data-ad-slot=1>Buy now</div><div onclick=go()>Click</div><p data-x=2>Text</p></body></html>";
        let out = cleaner.clean(page, &Hints::default()).unwrap();
        assert_eq!(out.text().trim(), "Text");
        assert_eq!(out.removals.len(), 2);
    }

    #[test]
    fn cleaner_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Cleaner>();
    }
}
