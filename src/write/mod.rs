//! Renderers: plain text, Markdown, and JSON with the removal report.

mod markdown;
pub mod terminal;

pub use markdown::markdown;

use serde::Serialize;

use crate::Cleaned;
use crate::document::Removal;
use crate::load::{EncodingReport, InputFormat};

/// Output formats of `declutter clean`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Blocks separated by one blank line, ending in a newline.
    #[default]
    Text,
    /// Headings, lists, quotes, code and tables as Markdown.
    Markdown,
    /// One JSON object per document per line: text, metadata, every removal.
    Json,
}

/// Renders a cleaned document in `format`.
pub fn render(cleaned: &Cleaned, format: Format, source: Option<&str>) -> String {
    match format {
        Format::Text => text(cleaned),
        Format::Markdown => markdown(cleaned),
        Format::Json => json(cleaned, source),
    }
}

/// Plain text: each block's text, a blank line between blocks.
pub fn text(cleaned: &Cleaned) -> String {
    let mut out = String::new();
    for block in &cleaned.blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&block.text);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The JSON report's shape; field names are a stable interface.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    url: Option<&'a str>,
    title: Option<&'a str>,
    metadata: &'a crate::html::Metadata,
    publisher: Option<&'a str>,
    format: InputFormat,
    encoding: &'a EncodingReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_selector: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extraction: Option<crate::html::Quality>,
    /// Laid out with scripts off (present only then).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    noscript: bool,
    /// `{type, confidence}` (HTML input).
    #[serde(skip_serializing_if = "Option::is_none")]
    page_type: Option<crate::html::page_type::PageKind>,
    text: String,
    removals: &'a [Removal],
    /// Limits the input hit (present only then): `{limit, count, detail}`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    limits: &'a [crate::Limit],
}

impl<'a> Report<'a> {
    fn new(cleaned: &'a Cleaned, source: Option<&'a str>) -> Self {
        Report {
            source,
            url: cleaned.url.as_deref(),
            title: cleaned.metadata.title.as_deref(),
            metadata: &cleaned.metadata,
            publisher: cleaned.publisher.as_deref(),
            format: cleaned.format,
            encoding: &cleaned.encoding,
            content_selector: cleaned.content_selector.as_deref(),
            extraction: cleaned.quality,
            noscript: cleaned.noscript,
            page_type: cleaned.page_type,
            text: text(cleaned),
            removals: &cleaned.removals,
            limits: &cleaned.limits,
        }
    }
}

/// A cleaned document serializes as `--format json` writes it (without
/// `source`): `url`, `title`, `metadata`, `publisher`, `format`, `encoding`,
/// `content_selector`, `extraction`, `noscript`, `page_type`, `text`, `removals`, `limits`.
impl Serialize for Cleaned {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Report::new(self, None).serialize(serializer)
    }
}

/// `value` as the JSON output writes it, read back as a `serde_json::Value`:
/// through the JSON text, so a 32-bit score is the `0.88` the output shows,
/// not the `0.8799999952316284` `serde_json::to_value` widens it to. For
/// embedders that put parts of a report into records of their own (JSONL
/// records, Python dicts). `Null` if `value` cannot be written.
pub fn json_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_string(value).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

/// One line of JSON (no trailing newline); `source` names the input.
pub fn json(cleaned: &Cleaned, source: Option<&str>) -> String {
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string(&Report::new(cleaned, source)).unwrap_or_default()
}
