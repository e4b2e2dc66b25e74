//! The TOML shape of a rule file, exactly as written. Every field that can be
//! wrong after parsing keeps its span, so errors point at `file:line:column`.

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use super::Category;

/// A file's tables, each read on its own (see `parse.rs`), so one bad table
/// does not hide the others' problems.
#[derive(Debug, Default)]
pub struct RuleFile {
    pub publisher: Option<Spanned<PublisherTable>>,
    /// Whether the file has a `[publisher]` table, even one that did not read.
    pub publisher_written: bool,
    pub rules: Vec<Spanned<RuleTable>>,
    pub extract: Option<Spanned<ExtractTable>>,
}

/// Hints for generic main-content extraction (default.toml only).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractTable {
    #[serde(default)]
    pub boilerplate_tokens: Vec<Spanned<String>>,
    #[serde(default)]
    pub content_tokens: Vec<Spanned<String>>,
    #[serde(default)]
    pub boilerplate_roles: Vec<Spanned<String>>,
    #[serde(default)]
    pub boilerplate_elements: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherTable {
    pub name: Spanned<String>,
    pub domains: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub content: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub disable: Option<Spanned<Vec<Spanned<String>>>>,
    /// Where the page's title, author and publication date are, each a list
    /// of readings tried in order (`"time.published @datetime"` reads an
    /// attribute), ahead of the generic metadata reading.
    #[serde(default)]
    pub title: Option<Spanned<Vec<Spanned<MetaEntry>>>>,
    #[serde(default)]
    pub author: Option<Spanned<Vec<Spanned<MetaEntry>>>>,
    #[serde(default)]
    pub date: Option<Spanned<Vec<Spanned<MetaEntry>>>>,
    /// Plain-text rewrites of the page's markup before it is parsed.
    #[serde(default)]
    pub rewrite: Vec<Spanned<RewriteTable>>,
}

/// `find` replaced by `replace` everywhere in the page's markup.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewriteTable {
    pub find: Spanned<String>,
    #[serde(default)]
    pub replace: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTable {
    pub id: Spanned<String>,
    pub category: Spanned<Category>,
    pub description: Option<String>,
    pub selector: Option<Spanned<String>>,
    pub shortcode: Option<Spanned<OneOrMany>>,
    pub keep_inner: Option<Spanned<bool>>,
    pub block: Option<Spanned<ConditionTable>>,
    pub inline: Option<Spanned<InlineTable>>,
    pub with_previous: Option<Spanned<ConditionTable>>,
    pub with_next: Option<Spanned<ConditionTable>>,
    pub examples: Option<Spanned<ExamplesTable>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionTable {
    #[serde(default)]
    pub equals: OneOrMany,
    #[serde(default)]
    pub starts_with: OneOrMany,
    #[serde(default)]
    pub ends_with: OneOrMany,
    #[serde(default)]
    pub contains: OneOrMany,
    #[serde(default)]
    pub regex: OneOrMany,
    pub max_chars: Option<usize>,
    pub min_chars: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineTable {
    #[serde(default)]
    pub text: OneOrMany,
    #[serde(default)]
    pub regex: OneOrMany,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesTable {
    #[serde(default)]
    pub remove: Vec<String>,
    #[serde(default)]
    pub keep: Vec<String>,
}

/// One metadata reading: `"selector"` / `"selector @attribute"`, or a table
/// for what a string cannot say (a part of the value, a fixed value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaEntry {
    Selector(String),
    Table(MetaTable),
}

/// `{ selector = "p.byline", after = "By " }`, `{ text = "Jane Roe" }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaTable {
    pub selector: Option<String>,
    pub attribute: Option<String>,
    /// Only the element's own text, not its children's.
    #[serde(default)]
    pub own_text: bool,
    /// Keep what follows the first occurrence of this string (nothing when absent).
    pub after: Option<String>,
    /// Then keep what precedes the first occurrence of this string (nothing when absent).
    pub before: Option<String>,
    /// A fixed value, for a site with one author.
    pub text: Option<String>,
}

impl MetaTable {
    /// The table as one line of TOML, each string written by `quote`.
    pub fn to_inline_toml(&self, quote: impl Fn(&str) -> String) -> String {
        let mut keys = Vec::new();
        for (key, value) in [("selector", &self.selector), ("attribute", &self.attribute), ("text", &self.text)] {
            if let Some(v) = value {
                keys.push(format!("{key} = {}", quote(v)));
            }
        }
        if self.own_text {
            keys.push("own_text = true".into());
        }
        for (key, value) in [("after", &self.after), ("before", &self.before)] {
            if let Some(v) = value {
                keys.push(format!("{key} = {}", quote(v)));
            }
        }
        format!("{{ {} }}", keys.join(", "))
    }
}

impl<'de> Deserialize<'de> for MetaEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetaEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a selector string or a table such as { selector = \"p.byline\", after = \"By \" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MetaEntry, E> {
                Ok(MetaEntry::Selector(v.to_owned()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<MetaEntry, A::Error> {
                MetaTable::deserialize(de::value::MapAccessDeserializer::new(map)).map(MetaEntry::Table)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A string or a list of strings; rule authors write whichever reads better.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}
