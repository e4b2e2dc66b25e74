//! Rules as data: the TOML schema, loading with strict validation and
//! `file:line:column` errors, publisher selection, and the compiled rule set
//! shared read-only by every document.

mod category;
mod condition;
mod embedded;
mod error;
mod examples;
mod inline_index;
pub mod key;
mod load;
mod prefilter;
pub mod schema;

pub use category::Category;
pub use condition::{Condition, DEFAULT_MAX_CHARS, InlineMatcher, Keyed};
pub use error::{RuleError, RulesError};
pub use load::RuleSource;
pub use prefilter::{Prefilter, RuleIndex};

pub use inline_index::InlineIndex;

use crate::html::dom::Css;

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

/// A compiled, validated rule set; build it once and share it across threads.
#[derive(Debug)]
pub struct RuleSet {
    extract: ExtractHints,
    rules: Vec<Rule>,
    publishers: Vec<Publisher>,
    profiles: Vec<Profile>,
    files: Vec<String>,
}

impl RuleSet {
    /// The rules shipped inside the binary (the repository's `rules/`).
    pub fn embedded() -> Result<RuleSet, RulesError> {
        RuleSet::from_sources(embedded::sources())
    }

    /// A rules folder: `default.toml` plus `publishers/*.toml`.
    pub fn from_dir(dir: &std::path::Path) -> Result<RuleSet, RulesError> {
        RuleSet::from_sources(load::read_dir(dir)?)
    }

    /// Parses, validates and compiles rule files; every problem found is reported.
    pub fn from_sources(sources: Vec<RuleSource>) -> Result<RuleSet, RulesError> {
        let load::Compiled { rules, publishers, files, extract } = load::compile(&sources)?;
        let errors = examples::check(&rules);
        if !errors.is_empty() {
            return Err(RulesError::Invalid(errors));
        }
        let default_count = rules.iter().take_while(|r| r.location.file == files[0]).count();
        let mut set = RuleSet { extract, rules, publishers, profiles: Vec::new(), files };
        set.profiles.push(set.build_profile(None, default_count));
        for p in 0..set.publishers.len() {
            let profile = set.build_profile(Some(p), default_count);
            set.profiles.push(profile);
        }
        Ok(set)
    }

    fn build_profile(&self, publisher: Option<usize>, default_count: usize) -> Profile {
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

    /// The files the set was loaded from, default first.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The rules for a document of `publisher` (an index from [`RuleSet::publisher_for_url`]).
    pub fn profile(&self, publisher: Option<usize>) -> &Profile {
        &self.profiles[publisher.map_or(0, |p| p + 1)]
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

/// Whether `host` is `domain` or a host below it (`www.x.com` under `x.com`, not `notx.com`).
pub fn host_matches(host: &str, domain: &str) -> bool {
    host == domain || (host.ends_with(domain) && host[..host.len() - domain.len()].ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
