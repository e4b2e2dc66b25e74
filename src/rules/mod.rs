//! Rules as data: the TOML schema, loading with strict validation and
//! `file:line:column` errors, publisher selection, and the compiled rule set
//! shared read-only by every document.

mod block_index;
mod category;
mod condition;
mod embedded;
mod error;
pub mod filter_list;
mod inline_index;
pub mod key;
mod load;
mod parse;
mod prefilter;
pub mod schema;

pub use block_index::BlockIndex;
pub use category::Category;
pub use condition::{Condition, DEFAULT_MAX_CHARS, Gate, InlineMatcher, Keyed};
pub use error::{RuleError, RulesError};
pub use filter_list::{FilterListError, FilterLists, FilterSource};
pub use load::{Layer, RuleSource};
pub use prefilter::{Fnv, Prefilter, RuleIndex};

pub use inline_index::InlineIndex;

use crate::markup::dom::Css;
use std::sync::OnceLock;

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub category: Category,
    pub description: Option<String>,
    pub matcher: Matcher,
    pub with_previous: Option<Condition>,
    pub with_next: Option<Condition>,
    /// Where the rule is written, for `explain` and error messages.
    pub location: Location,
    pub examples: Examples,
}

/// A file position, 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The rule's own tests.
#[derive(Debug, Clone)]
pub struct Examples {
    pub remove: Vec<String>,
    pub keep: Vec<String>,
    /// Where `examples` is written (the rule's id when it has none).
    pub location: Location,
    /// The rule is one of the binary's own: its examples run in the tests
    /// and `rules check`, not when a cleaner is built ([`RuleSet::checked`]).
    pub(crate) builtin: bool,
}

/// The one thing a rule matches.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Elements to drop before layout (HTML only).
    Selector(Box<CssRule>),
    Shortcode(ShortcodeMatcher),
    Block(Condition),
    Inline(InlineMatcher),
}

/// A compiled selector list and the cheap test that rules most elements out.
#[derive(Debug, Clone)]
pub struct CssRule {
    pub selector: Css,
    pub prefilter: Option<Prefilter>,
    /// Attribute names the selector looks at: never cut before parsing.
    pub attributes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ShortcodeMatcher {
    /// `None` for `"*"`: any conventional shortcode standing alone in its block.
    pub names: Option<Vec<String>>,
    pub keep_inner: bool,
}

impl ShortcodeMatcher {
    pub fn names_match(&self, name: &str) -> bool {
        match &self.names {
            None => true,
            Some(names) => names.iter().any(|n| n.eq_ignore_ascii_case(name)),
        }
    }
}

/// A publisher's file, compiled.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    /// The file stem (`lifezette` for `publishers/lifezette.toml`), also accepted by `--publisher`.
    pub key: String,
    pub domains: Vec<String>,
    /// The article container: the first selector that matches wins.
    pub content: Vec<(String, Css)>,
    pub disable: Vec<String>,
    pub file: String,
    /// Where the page says its title, author and date, ahead of the generic reading.
    pub metadata: MetadataSelectors,
    /// Markup rewrites (`find`, `replace`) made before the page is parsed.
    pub rewrites: Vec<(String, String)>,
}

/// A publisher's metadata selectors, each list tried in order.
#[derive(Debug, Clone, Default)]
pub struct MetadataSelectors {
    pub title: Vec<MetaSelector>,
    pub author: Vec<MetaSelector>,
    pub date: Vec<MetaSelector>,
}

impl MetadataSelectors {
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.author.is_empty() && self.date.is_empty()
    }

    pub fn all(&self) -> impl Iterator<Item = &MetaSelector> {
        self.title.iter().chain(&self.author).chain(&self.date)
    }
}

/// Where one metadata value is — the first element a selector picks that
/// gives a value: its text, its own text, or one of its attributes
/// (`meta[name='author'] @content`), or a fixed value — and which part of
/// it to keep.
#[derive(Debug, Clone)]
pub struct MetaSelector {
    /// As written in the rule file (a table shown in TOML's inline form).
    pub source: String,
    pub read: MetaRead,
    /// Keep what follows the first `after`, then what precedes the first
    /// `before`: XPath's `substring-after` and `substring-before`, which give
    /// nothing when the string is absent (so the next reading is tried).
    pub after: Option<String>,
    pub before: Option<String>,
}

/// What a [`MetaSelector`] reads before cutting.
#[derive(Debug, Clone)]
pub enum MetaRead {
    Select {
        /// The attribute names reading needs kept through `prepare` (the
        /// selector's and `attribute`), found once at load.
        keep: Vec<String>,
        css: Css,
        attribute: Option<String>,
        /// Only the element's own text nodes (XPath's `/text()`).
        own_text: bool,
    },
    Fixed(String),
}

impl MetaSelector {
    /// Reads `"selector"` or `"selector @attribute"`. A CSS selector never
    /// ends in `@name`, so the suffix cannot be mistaken for part of one.
    pub fn parse(source: &str) -> Result<Self, String> {
        let (selector, attribute) = match source.rsplit_once('@') {
            Some((sel, attr))
                if !attr.is_empty()
                    && attr.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')) =>
            {
                (sel.trim(), Some(attr.to_ascii_lowercase()))
            }
            _ => (source.trim(), None),
        };
        if selector.is_empty() {
            return Err("no selector before the `@attribute`".into());
        }
        Ok(Self {
            source: source.to_owned(),
            read: Self::select(selector, attribute, false)?,
            after: None,
            before: None,
        })
    }

    /// Reads one entry of a `title`, `author` or `date` list.
    pub fn from_entry(entry: &schema::MetaEntry) -> Result<Self, String> {
        let t = match entry {
            schema::MetaEntry::Selector(s) => return Self::parse(s),
            schema::MetaEntry::Table(t) => t,
        };
        let read = match (&t.selector, &t.text) {
            (Some(_), Some(_)) => return Err("a reading has a `selector` or a `text`, not both".into()),
            (None, None) => return Err("a reading table needs a `selector` (or a fixed `text`)".into()),
            (None, Some(text)) if t.attribute.is_some() || t.own_text => {
                return Err("`attribute` and `own_text` go with a `selector`, not a `text`".into());
            }
            (None, Some(text)) => MetaRead::Fixed(text.clone()),
            (Some(_), None) if t.attribute.is_some() && t.own_text => {
                return Err("a reading takes an `attribute` or `own_text`, not both".into());
            }
            (Some(sel), None) => {
                Self::select(sel.trim(), t.attribute.as_ref().map(|a| a.to_ascii_lowercase()), t.own_text)?
            }
        };
        for (key, cut) in [("after", &t.after), ("before", &t.before)] {
            if cut.as_ref().is_some_and(String::is_empty) {
                return Err(format!("`{key}` is empty"));
            }
        }
        let source = t.to_inline_toml(|s| toml::Value::String(s.to_owned()).to_string());
        Ok(Self { source, read, after: t.after.clone(), before: t.before.clone() })
    }

    fn select(selector: &str, attribute: Option<String>, own_text: bool) -> Result<MetaRead, String> {
        let css = Css::parse(selector).map_err(|e| load::selector_error(selector, &e))?;
        let mut keep = crate::markup::prepare::selector_attributes(selector);
        keep.extend(attribute.clone());
        Ok(MetaRead::Select { keep, css, attribute, own_text })
    }

    /// The attribute names reading this value needs kept through `prepare`.
    pub fn attributes(&self) -> &[String] {
        match &self.read {
            MetaRead::Select { keep, .. } => keep,
            MetaRead::Fixed(_) => &[],
        }
    }

    /// The part of `value` this reading keeps; `None` when a cut's string is absent.
    pub fn cut<'v>(&self, value: &'v str) -> Option<&'v str> {
        let mut v = value;
        if let Some(a) = &self.after {
            v = &v[v.find(a.as_str())? + a.len()..];
        }
        if let Some(b) = &self.before {
            v = &v[..v.find(b.as_str())?];
        }
        Some(v)
    }
}

/// The rules that apply to one kind of document (no publisher, or one publisher),
/// split by pass and resolved once at load time.
#[derive(Debug)]
pub struct Profile {
    pub publisher: Option<usize>,
    pub selectors: Vec<usize>,
    pub shortcodes: Vec<usize>,
    pub blocks: Vec<usize>,
    pub inlines: Vec<usize>,
    /// The block rules that can match a block, in one pass over its key.
    pub block_index: BlockIndex,
    /// The inline rules that can match a block, in one pass over its text.
    pub inline_index: InlineIndex,
}

/// Hints for generic main-content extraction, from `[extract]` in default.toml.
/// Data, not code: a user can read and change what counts as boilerplate.
#[derive(Debug, Clone, Default)]
pub struct ExtractHints {
    /// Class/id tokens (split on space, `-`, `_`, `:`) of boilerplate containers.
    pub boilerplate_tokens: std::collections::HashSet<String>,
    /// Class/id tokens of article containers; they outweigh a boilerplate token.
    pub content_tokens: std::collections::HashSet<String>,
    /// ARIA roles of boilerplate (`navigation`, `complementary`, …).
    pub boilerplate_roles: Vec<String>,
    /// Landmark elements that are boilerplate (`aside`, `nav`, …).
    pub boilerplate_elements: Vec<String>,
}

/// What one layer of a rule set brought, for `rules check` and `explain`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LayerInfo {
    /// `built-in`, or the folder as given.
    pub name: String,
    /// The files read from it.
    pub files: Vec<String>,
    /// Its rules in effect (default and publisher rules).
    pub rules: usize,
    /// Its publishers in effect, by key.
    pub publishers: Vec<String>,
    /// What it replaced in the layers below: `rule `id` (file:line:col)`, `publisher `key` (file)`.
    pub replaces: Vec<String>,
}

impl LayerInfo {
    /// `36 rules, 2 publishers (breitbart, lifezette); replaces …`, for people.
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut o = plural(self.rules, "rule", "rules");
        o.push_str(", ");
        o.push_str(&plural(self.publishers.len(), "publisher", "publishers"));
        if !self.publishers.is_empty() {
            o.push_str(&format!(" ({})", self.publishers.join(", ")));
        }
        if !self.replaces.is_empty() {
            o.push_str(&format!("; replaces {}", self.replaces.join(", ")));
        }
        o
    }
}

/// The rule sources as `rules check` and `explain` print them, one line per layer.
pub fn describe_layers(layers: &[LayerInfo]) -> String {
    let mut o = String::from("Rule sources (each over the ones before):\n");
    let width = layers.iter().map(|l| l.name.chars().count()).max().unwrap_or(0);
    for layer in layers {
        o.push_str(&format!("  {:<width$}  {}\n", layer.name, layer.summary()));
    }
    o
}

/// A compiled, validated rule set; build it once and share it across threads.
/// Its rules' examples are run by [`RuleSet::checked`] (which building a
/// [`Cleaner`](crate::Cleaner) does), above the passes they exercise.
#[derive(Debug)]
pub struct RuleSet {
    extract: ExtractHints,
    rules: Vec<Rule>,
    default_count: usize,
    publishers: Vec<Publisher>,
    /// The rules in effect for no publisher (0) and for each publisher,
    /// built when a document first needs one: a set of thousands of
    /// publisher files (imported site configs) starts in the time of the few
    /// its documents use, not of all of them.
    profiles: Vec<OnceLock<Profile>>,
    files: Vec<String>,
    default_files: Vec<String>,
    layers: Vec<LayerInfo>,
    /// Whether [`RuleSet::checked`] ran the rules' examples (the runner is
    /// above the passes, in `examples.rs`).
    pub(crate) examples_checked: bool,
}

impl RuleSet {
    /// The rules shipped inside the binary (the repository's `rules/`).
    pub fn embedded() -> Result<RuleSet, RulesError> {
        RuleSet::from_layers(vec![Layer::builtin()])
    }

    /// A complete rules folder, alone: `default.toml` plus `publishers/*.toml`.
    pub fn from_dir(dir: &std::path::Path) -> Result<RuleSet, RulesError> {
        RuleSet::from_sources(load::read_dir(dir)?)
    }

    /// The built-in rules with each folder layered over the ones before it
    /// (see [`RuleSet::from_layers`]); a folder needs no `default.toml`.
    pub fn over_builtin(dirs: &[std::path::PathBuf]) -> Result<RuleSet, RulesError> {
        let mut layers = vec![Layer::builtin()];
        for dir in dirs {
            layers.push(Layer::read(dir)?);
        }
        RuleSet::from_layers(layers)
    }

    /// Folders layered without the built-in rules: one must hold `default.toml`.
    pub fn from_folders(dirs: &[std::path::PathBuf]) -> Result<RuleSet, RulesError> {
        let layers = dirs.iter().map(|d| Layer::read(d)).collect::<Result<Vec<_>, _>>()?;
        RuleSet::from_layers(layers)
    }

    /// Parses, validates and compiles one complete set of rule files; every problem found is reported.
    pub fn from_sources(sources: Vec<RuleSource>) -> Result<RuleSet, RulesError> {
        if sources.iter().filter(|s| s.is_default()).count() != 1 {
            return Err(RulesError::MissingDefault(sources.first().map(|s| s.path.clone().into()).unwrap_or_default()));
        }
        RuleSet::from_layers(vec![Layer::new("rules", sources)])
    }

    /// Layers applied in order, each over the ones before: default rules add
    /// up (one with the id of a lower layer's rule replaces it), a publisher
    /// file replaces a lower layer's file of the same name, and two
    /// publishers claiming one domain are an error naming both files.
    pub fn from_layers(layers: Vec<Layer>) -> Result<RuleSet, RulesError> {
        let load::Compiled { rules, default_count, publishers, files, default_files, extract, layers } =
            load::compile_layers(&layers)?;
        let profiles = (0..=publishers.len()).map(|_| OnceLock::new()).collect();
        Ok(RuleSet {
            extract,
            rules,
            default_count,
            publishers,
            profiles,
            files,
            default_files,
            layers,
            examples_checked: false,
        })
    }

    fn build_profile(&self, publisher: Option<usize>) -> Profile {
        let default_count = self.default_count;
        let mut order: Vec<usize> = Vec::new();
        if let Some(p) = publisher {
            let file = &self.publishers[p].file;
            order.extend((default_count..self.rules.len()).filter(|&i| &self.rules[i].location.file == file));
            let disabled = &self.publishers[p].disable;
            order.extend((0..default_count).filter(|&i| !disabled.contains(&self.rules[i].id)));
        } else {
            order.extend(0..default_count);
        }
        let mut profile = Profile {
            publisher,
            selectors: Vec::new(),
            shortcodes: Vec::new(),
            blocks: Vec::new(),
            inlines: Vec::new(),
            block_index: BlockIndex::build(std::iter::empty()),
            inline_index: InlineIndex::build(std::iter::empty()),
        };
        for i in order {
            match self.rules[i].matcher {
                Matcher::Selector(_) => profile.selectors.push(i),
                Matcher::Shortcode(_) => profile.shortcodes.push(i),
                Matcher::Block(_) => profile.blocks.push(i),
                Matcher::Inline(_) => profile.inlines.push(i),
            }
        }
        profile.block_index = BlockIndex::build(profile.blocks.iter().map(|&i| match &self.rules[i].matcher {
            Matcher::Block(c) => block_index::Entry::of(c),
            _ => block_index::Entry::Always,
        }));
        profile.inline_index = InlineIndex::build(profile.inlines.iter().map(|&i| match &self.rules[i].matcher {
            Matcher::Inline(m) => m.literals.as_deref(),
            _ => None,
        }));
        profile
    }

    /// The `[extract]` hints of default.toml.
    pub fn extract_hints(&self) -> &ExtractHints {
        &self.extract
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    pub fn publishers(&self) -> &[Publisher] {
        &self.publishers
    }

    /// The files whose rules are in effect, default files first.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The files the default rules come from, lowest layer first.
    pub fn default_files(&self) -> &[String] {
        &self.default_files
    }

    /// The rules that apply to every document (before the publishers' rules in [`RuleSet::rules`]).
    pub fn default_rules(&self) -> &[Rule] {
        &self.rules[..self.default_count]
    }

    /// Where the rules came from, lowest layer first, and what each replaced.
    pub fn layers(&self) -> &[LayerInfo] {
        &self.layers
    }

    /// The rules for a document of `publisher` (an index from [`RuleSet::publisher_for_url`]).
    pub fn profile(&self, publisher: Option<usize>) -> &Profile {
        let slot = &self.profiles[publisher.map_or(0, |p| p + 1)];
        slot.get_or_init(|| self.build_profile(publisher))
    }

    /// The publisher whose domain is the longest suffix of the URL's host.
    pub fn publisher_for_url(&self, url: &str) -> Option<usize> {
        self.publisher_for_host(&host_of(url)?)
    }

    pub fn publisher_for_host(&self, host: &str) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (i, p) in self.publishers.iter().enumerate() {
            for d in &p.domains {
                if host_matches(host, d) && best.is_none_or(|(_, len)| d.len() > len) {
                    best = Some((i, d.len()));
                }
            }
        }
        best.map(|(i, _)| i)
    }

    /// `--publisher NAME`: the publisher's name or its file stem, any case.
    pub fn publisher_by_name(&self, name: &str) -> Option<usize> {
        self.publishers.iter().position(|p| p.name.eq_ignore_ascii_case(name) || p.key.eq_ignore_ascii_case(name))
    }
}

/// A URL's host as `domains` are matched against it: lower case, no trailing dot.
/// A URL without a scheme (`www.example.com/x`) is read as `https://` (see [`parse_url`]).
pub fn host_of(url: &str) -> Option<String> {
    Some(parse_url(url)?.host_str()?.trim_end_matches('.').to_ascii_lowercase())
}

/// Whether `url` starts with `scheme://`.
pub fn has_scheme(url: &str) -> bool {
    url.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// A URL as a user or a scraper wrote it: with a scheme as it is; without
/// one (`www.example.com/x`, `//cdn.example.com/x`) as `https://…`, as a
/// browser's address bar reads it, since such a URL would otherwise match no
/// publisher without a word. `None` when even so it is no URL with a host.
pub fn parse_url(url: &str) -> Option<url::Url> {
    let url = url.trim();
    if has_scheme(url) {
        return url::Url::parse(url).ok();
    }
    let rest = url.strip_prefix("//").unwrap_or(url);
    if rest.is_empty() {
        return None;
    }
    let parsed = url::Url::parse(&format!("https://{rest}")).ok()?;
    // A host name of one label (`n/a`, `page.html` is fine) is a word, not a site.
    let host = parsed.host_str()?;
    (host.contains('.') || host.contains(':') || host == "localhost").then_some(parsed)
}

/// Whether `domain` is a bare host name (`example.com`), as `domains` wants it.
pub fn valid_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Whether `host` is `domain` or a host below it (`www.x.com` under `x.com`, not `notx.com`).
pub fn host_matches(host: &str, domain: &str) -> bool {
    if let Some(parent) = domain.strip_prefix("*.") {
        // Subdomains only: `*.example.com` is not example.com itself.
        return host.len() > parent.len() + 1
            && host.ends_with(parent)
            && host[..host.len() - parent.len()].ends_with('.');
    }
    host == domain || (host.ends_with(domain) && host[..host.len() - domain.len()].ends_with('.'))
}

/// Every rule example of `set` and every fixture text, split into blocks:
/// what the index tests check their gates against.
#[cfg(test)]
pub(crate) fn example_and_fixture_blocks(set: &RuleSet) -> Vec<String> {
    let mut texts: Vec<String> =
        set.rules().iter().flat_map(|r| r.examples.remove.iter().chain(&r.examples.keep)).cloned().collect();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    texts.iter().flat_map(|t| t.split("\n\n").map(str::to_owned)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_covers_its_subdomains_and_a_star_only_them() {
        assert!(host_matches("example.com", "example.com"));
        assert!(host_matches("news.example.com", "example.com"));
        assert!(!host_matches("badexample.com", "example.com"));
        assert!(!host_matches("example.com", "*.example.com"));
        assert!(host_matches("news.example.com", "*.example.com"));
        assert!(host_matches("a.b.example.com", "*.example.com"));
        assert!(!host_matches("badexample.com", "*.example.com"));
        assert!(!host_matches(".example.com", "*.example.com"));
    }

    #[test]
    fn urls_without_a_scheme_are_read_as_https() {
        assert_eq!(parse_url("www.example.com/x").map(|u| u.to_string()).as_deref(), Some("https://www.example.com/x"));
        assert_eq!(host_of("Example.COM."), Some("example.com".into()));
        assert_eq!(host_of("https://www.example.com/a?next=http://x.example/"), Some("www.example.com".into()));
        assert_eq!(host_of("www.example.com/redirect?to=https://other.example/"), Some("www.example.com".into()));
        assert!(parse_url("file:///tmp/page.html").is_some_and(|u| u.host_str().is_none()));
        for bad in ["", "//", "not a url", "n/a", "https://", "http://exa mple.com/"] {
            assert_eq!(parse_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn embedded_rules_load() {
        let set = RuleSet::embedded().unwrap();
        assert!(set.rules().len() >= 10);
        let lz = set.publisher_for_url("https://www.lifezette.com/polizette/x/").unwrap();
        assert_eq!(set.publishers()[lz].key, "lifezette");
        assert_eq!(set.publisher_for_url("https://notlifezette.com/"), None);
        assert_eq!(set.publisher_for_url("www.lifezette.com/polizette/x/"), Some(lz), "no scheme: https");
        assert_eq!(set.publisher_for_url("//www.lifezette.com/x/"), Some(lz));
        assert_eq!(set.publisher_by_name("LIFEZETTE"), Some(lz));
    }

    #[test]
    fn publisher_rules_come_first_and_disable_applies() {
        let sources = vec![
            RuleSource::new(
                "default.toml",
                "[[rule]]\nid = \"a\"\ncategory = \"ad\"\nblock = { equals = \"advertisement\" }\n[[rule]]\nid = \"b\"\ncategory = \"ad\"\nblock = { equals = \"sponsored\" }\n",
            ),
            RuleSource::new(
                "publishers/x.toml",
                "[publisher]\nname = \"X\"\ndomains = [\"x.com\"]\ndisable = [\"b\"]\n[[rule]]\nid = \"x-1\"\ncategory = \"ad\"\nblock = { equals = \"promo\" }\n",
            ),
            RuleSource::new("publishers/y.toml", "[publisher]\nname = \"Y\"\ndomains = [\"news.x.com\"]\n"),
        ];
        let set = RuleSet::from_sources(sources).unwrap();
        let x = set.profile(Some(0));
        let ids: Vec<_> = x.blocks.iter().map(|&i| set.rule(i).id.as_str()).collect();
        assert_eq!(ids, ["x-1", "a"]);
        assert_eq!(set.publisher_for_host("news.x.com"), Some(1));
        assert_eq!(set.publisher_for_host("www.x.com"), Some(0));
    }

    fn layer(name: &str, files: &[(&str, &str)]) -> Layer {
        Layer::new(name, files.iter().map(|(p, t)| RuleSource::new(format!("{name}/{p}"), *t)).collect())
    }

    fn errors(result: Result<RuleSet, RulesError>) -> Vec<RuleError> {
        match result {
            Err(RulesError::Invalid(e)) => e,
            Err(other) => panic!("expected located errors, got {other}"),
            Ok(_) => panic!("expected errors, the rules loaded"),
        }
    }

    const BASE: &str = "[[rule]]\nid = \"a\"\ncategory = \"ad\"\nblock = { equals = \"advertisement\" }\n\
        [[rule]]\nid = \"b\"\ncategory = \"ad\"\nblock = { equals = \"sponsored\" }\n\
        [extract]\nboilerplate_tokens = [\"promo\"]\n";
    const X: &str = "[publisher]\nname = \"X\"\ndomains = [\"x.com\"]\ndisable = [\"b\"]\n\
        [[rule]]\nid = \"x-1\"\ncategory = \"ad\"\nblock = { equals = \"promo\" }\n";

    #[test]
    fn a_folder_adds_and_replaces_over_the_lower_layer() {
        let user_default = "[[rule]]\nid = \"b\"\ncategory = \"ad\"\nblock = { equals = \"paid post\" }\n\
            [[rule]]\nid = \"c\"\ncategory = \"ad\"\nblock = { equals = \"partner content\" }\n\
            [extract]\nboilerplate_tokens = [\"teaser\"]\n";
        let user_x = "[publisher]\nname = \"X again\"\ndomains = [\"x.com\"]\n";
        let user_y = "[publisher]\nname = \"Y\"\ndomains = [\"y.com\"]\n";
        let set = RuleSet::from_layers(vec![
            layer("base", &[("default.toml", BASE), ("publishers/x.toml", X)]),
            layer(
                "mine",
                &[("default.toml", user_default), ("publishers/x.toml", user_x), ("publishers/y.toml", user_y)],
            ),
        ])
        .unwrap();
        // `b` replaced in place, `c` added after; the replaced x.toml's rule is gone.
        let ids: Vec<&str> = set.default_rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(set.default_rules()[1].location.file, "mine/default.toml");
        assert!(set.rules().iter().all(|r| r.id != "x-1"));
        let x = set.publisher_for_host("www.x.com").unwrap();
        assert_eq!(
            (set.publishers()[x].name.as_str(), set.publishers()[x].file.as_str()),
            ("X again", "mine/publishers/x.toml")
        );
        assert!(set.publisher_for_host("y.com").is_some());
        // The replaced file's `disable` went with it: `b` applies to x.com again.
        assert!(set.profile(Some(x)).blocks.iter().any(|&i| set.rule(i).id == "b"));
        let hints = set.extract_hints();
        assert!(hints.boilerplate_tokens.contains("promo") && hints.boilerplate_tokens.contains("teaser"));
        assert_eq!(set.default_files(), ["base/default.toml", "mine/default.toml"]);
        let mine = &set.layers()[1];
        assert_eq!(mine.publishers, ["x", "y"]);
        assert!(mine.replaces.iter().any(|r| r.starts_with("rule `b` (base/default.toml:")), "{:?}", mine.replaces);
        assert!(mine.replaces.contains(&"publisher `x` (base/publishers/x.toml)".to_owned()), "{:?}", mine.replaces);
        assert_eq!(set.layers()[0].rules, 1, "only `a` of base is in effect");
    }

    #[test]
    fn a_folder_of_publishers_alone_layers_over_the_defaults() {
        let acme = "[publisher]\nname = \"Acme\"\ndomains = [\"acme.example\"]\n";
        let set = RuleSet::from_layers(vec![
            layer("base", &[("default.toml", BASE)]),
            layer("mine", &[("publishers/acme.toml", acme)]),
        ])
        .unwrap();
        assert_eq!(set.default_rules().len(), 2);
        assert_eq!(
            set.publisher_for_url("https://www.acme.example/x").map(|i| set.publishers()[i].key.as_str()),
            Some("acme")
        );
        // Without a default anywhere, the set is refused rather than run with no default rules.
        let alone = RuleSet::from_layers(vec![layer("mine", &[("publishers/acme.toml", acme)])]);
        assert!(matches!(alone, Err(RulesError::NoDefault(ref n)) if n == "mine"), "{alone:?}");
    }

    #[test]
    fn two_publishers_claiming_one_domain_is_an_error_naming_both() {
        let other = "[publisher]\nname = \"Other\"\ndomains = [\"news.example\", \"x.com\"]\n";
        // Across layers: located in the upper file, pointing at the lower one, with the way to replace it.
        let e = errors(RuleSet::from_layers(vec![
            layer("base", &[("default.toml", BASE), ("publishers/x.toml", X)]),
            layer("mine", &[("publishers/other.toml", other)]),
        ]));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].file.as_str(), e[0].line), ("mine/publishers/other.toml", 3));
        assert!(
            e[0].message.contains("\"x.com\" is also claimed by publisher `x` (base/publishers/x.toml:3:"),
            "{}",
            e[0]
        );
        assert!(e[0].message.contains("name this one x.toml"), "{}", e[0]);
        // In one folder: the later file, naming the earlier.
        let e = errors(RuleSet::from_layers(vec![layer(
            "one",
            &[("default.toml", BASE), ("publishers/other.toml", other), ("publishers/x.toml", X)],
        )]));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].file, "one/publishers/x.toml");
        assert!(e[0].message.contains("publisher `other` (one/publishers/other.toml:3:"), "{}", e[0]);
        // A subdomain is no tie: the longest domain wins.
        let news = "[publisher]\nname = \"News\"\ndomains = [\"news.x.com\"]\n";
        assert!(
            RuleSet::from_layers(vec![layer(
                "one",
                &[("default.toml", BASE), ("publishers/news.toml", news), ("publishers/x.toml", X)]
            )])
            .is_ok()
        );
    }

    #[test]
    fn ids_stay_unique_across_layers_but_for_default_replacements() {
        // A publisher rule may not take a default rule's id, whatever the layer.
        let clash = "[publisher]\nname = \"Z\"\ndomains = [\"z.com\"]\n[[rule]]\nid = \"a\"\ncategory = \"ad\"\nblock = { equals = \"zz\" }\n";
        let e = errors(RuleSet::from_layers(vec![
            layer("base", &[("default.toml", BASE)]),
            layer("mine", &[("publishers/z.toml", clash)]),
        ]));
        assert!(e[0].message.contains("duplicate rule id (first defined in base/default.toml:2:"), "{}", e[0]);
        // Twice in one file is still an error, even when it also replaces a lower rule.
        let twice = "[[rule]]\nid = \"a\"\ncategory = \"ad\"\nblock = { equals = \"x\" }\n[[rule]]\nid = \"a\"\ncategory = \"ad\"\nblock = { equals = \"y\" }\n";
        let e = errors(RuleSet::from_layers(vec![
            layer("base", &[("default.toml", BASE)]),
            layer("mine", &[("default.toml", twice)]),
        ]));
        assert_eq!((e[0].file.as_str(), e[0].line), ("mine/default.toml", 6));
        // `disable` names the default rules in effect, from any layer.
        let d = "[publisher]\nname = \"D\"\ndomains = [\"d.com\"]\ndisable = [\"c\"]\n";
        let extra = "[[rule]]\nid = \"c\"\ncategory = \"ad\"\nblock = { equals = \"partner content\" }\n";
        assert!(
            RuleSet::from_layers(vec![
                layer("base", &[("default.toml", BASE), ("publishers/d.toml", d)]),
                layer("mine", &[("default.toml", extra)]),
            ])
            .is_ok()
        );
    }

    #[test]
    fn built_in_files_are_named_as_built_in() {
        let set = RuleSet::embedded().unwrap();
        assert!(set.files().iter().all(|f| f.starts_with("<built-in>/")), "{:?}", set.files());
        assert_eq!(set.layers()[0].name, "built-in");
    }
}
