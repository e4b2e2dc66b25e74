//! Reading rule files and turning them into compiled rules, collecting every
//! problem with its `file:line:column`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::html::dom::Css;
use toml::Spanned;

use super::condition::{Condition, InlineMatcher};
use super::error::{RuleError, RulesError};
use super::schema::{RuleFile, RuleTable};
use super::{Examples, ExtractHints, Location, Matcher, Publisher, Rule, ShortcodeMatcher};
use crate::clean::shortcode;

/// One rule file's text and the path to show in messages.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub path: String,
    pub text: String,
}

impl RuleSource {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        RuleSource { path: path.into(), text: text.into() }
    }

    fn is_default(&self) -> bool {
        Path::new(&self.path).file_name().is_some_and(|n| n == "default.toml")
            && !self.path.replace('\\', "/").contains("publishers/")
    }
}

/// Reads `dir/default.toml` and `dir/publishers/*.toml` (sorted by name).
pub fn read_dir(dir: &Path) -> Result<Vec<RuleSource>, RulesError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RulesError::Io { path, source }
    };
    let default = dir.join("default.toml");
    if !default.is_file() {
        if !dir.is_dir() {
            return Err(RulesError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
            });
        }
        return Err(RulesError::MissingDefault(dir.to_path_buf()));
    }
    let mut sources = vec![RuleSource::new(default.display().to_string(), read_text(&default).map_err(io(&default))?)];
    let publishers = dir.join("publishers");
    if publishers.is_dir() {
        let mut paths: Vec<_> = std::fs::read_dir(&publishers)
            .map_err(io(&publishers))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = read_text(&p).map_err(io(&p))?;
            sources.push(RuleSource::new(p.display().to_string(), text));
        }
    }
    Ok(sources)
}

fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "rule files must be UTF-8"))
}

/// Byte offsets to 1-based line and column (in characters).
struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Positions { text, line_starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// Collects errors for one file.
struct FileErrors<'a> {
    source: &'a RuleSource,
    positions: Positions<'a>,
    errors: &'a mut Vec<RuleError>,
}

impl FileErrors<'_> {
    fn push(&mut self, span: Range<usize>, rule: Option<&str>, message: impl Into<String>) {
        let (line, column) = self.positions.at(span.start);
        self.errors.push(RuleError {
            file: self.source.path.clone(),
            line,
            column,
            rule: rule.map(str::to_owned),
            message: message.into(),
        });
    }
}

/// What [`compile`] builds: the rules (default ones first), the publishers,
/// and the files in load order.
pub struct Compiled {
    pub extract: ExtractHints,
    pub rules: Vec<Rule>,
    pub publishers: Vec<Publisher>,
    pub files: Vec<String>,
}

/// Validates and compiles all sources: default first, then publishers.
pub fn compile(sources: &[RuleSource]) -> Result<Compiled, RulesError> {
    let mut ordered: Vec<&RuleSource> = sources.iter().filter(|s| s.is_default()).collect();
    if ordered.len() != 1 {
        return Err(RulesError::MissingDefault(sources.first().map(|s| s.path.clone().into()).unwrap_or_default()));
    }
    ordered.extend(sources.iter().filter(|s| !s.is_default()));

    let mut errors = Vec::new();
    let mut rules = Vec::new();
    let mut publishers = Vec::new();
    let mut seen_ids: HashMap<String, String> = HashMap::new();
    let mut default_ids = Vec::new();
    let mut pending_disables = Vec::new();
    let mut extract = ExtractHints::default();

    for (file_index, source) in ordered.iter().enumerate() {
        let mut errs = FileErrors { source, positions: Positions::new(&source.text), errors: &mut errors };
        let parsed: RuleFile = match toml::from_str(&source.text) {
            Ok(p) => p,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let rule = rule_id_around(&source.text, span.start);
                errs.push(span, rule.as_deref(), e.message().trim().to_owned());
                continue;
            }
        };
        let is_default = file_index == 0;
        if let Some(table) = &parsed.extract {
            if is_default {
                extract = compile_extract(table.get_ref(), &mut errs);
            } else {
                errs.push(table.span(), None, "[extract] hints belong in default.toml");
            }
        }
        match (&parsed.publisher, is_default) {
            (Some(p), true) => {
                errs.push(p.span(), None, "default.toml applies to every page and cannot have a [publisher] table")
            }
            (None, false) => errs.push(0..0, None, "a publisher file needs a [publisher] table with name and domains"),
            (Some(p), false) => {
                let (publisher, disables) = compile_publisher(p, source, &mut errs);
                pending_disables.push((file_index, disables));
                publishers.push(publisher);
            }
            (None, true) => {}
        }
        for table in &parsed.rules {
            let id = table.get_ref().id.get_ref().clone();
            let id_span = table.get_ref().id.span();
            if let Some(first) = seen_ids.get(&id) {
                errs.push(id_span.clone(), Some(&id), format!("duplicate rule id (first defined in {first})"));
            } else {
                let (line, column) = errs.positions.at(id_span.start);
                seen_ids.insert(id.clone(), format!("{}:{line}:{column}", source.path));
            }
            if is_default {
                default_ids.push(id.clone());
            }
            if let Some(rule) = compile_rule(table, &mut errs) {
                rules.push(rule);
            }
        }
    }
    // `disable` can only be checked once every default id is known.
    for (file_index, disables) in pending_disables {
        let source = ordered[file_index];
        let mut errs = FileErrors { source, positions: Positions::new(&source.text), errors: &mut errors };
        for d in disables {
            if !default_ids.contains(d.get_ref()) {
                errs.push(
                    d.span(),
                    None,
                    format!("`disable` names {:?}, which is not a rule in default.toml", d.get_ref()),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(Compiled { extract, rules, publishers, files: ordered.iter().map(|s| s.path.clone()).collect() })
    } else {
        Err(RulesError::Invalid(errors))
    }
}

fn compile_publisher(
    table: &Spanned<super::schema::PublisherTable>,
    source: &RuleSource,
    errs: &mut FileErrors,
) -> (Publisher, Vec<Spanned<String>>) {
    let p = table.get_ref();
    if p.name.get_ref().trim().is_empty() {
        errs.push(p.name.span(), None, "publisher name is empty");
    }
    if p.domains.get_ref().is_empty() {
        errs.push(p.domains.span(), None, "a publisher needs at least one domain");
    }
    let mut domains = Vec::new();
    for d in p.domains.get_ref() {
        let domain = d.get_ref().trim().trim_end_matches('.').to_ascii_lowercase();
        let valid = !domain.is_empty()
            && !domain.starts_with('.')
            && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if valid {
            domains.push(domain);
        } else {
            errs.push(
                d.span(),
                None,
                format!("{:?} is not a host name (write \"example.com\", no scheme or path)", d.get_ref()),
            );
        }
    }
    let mut content = Vec::new();
    for sel in p.content.iter().flat_map(|c| c.get_ref()) {
        match Css::parse(sel.get_ref()) {
            Ok(s) => content.push((sel.get_ref().clone(), s)),
            Err(e) => errs.push(
                sel.span(),
                None,
                format!("bad content selector {:?}: {}", sel.get_ref(), selector_error(sel.get_ref(), &e)),
            ),
        }
    }
    let disables: Vec<Spanned<String>> = p.disable.iter().flat_map(|d| d.get_ref().iter().cloned()).collect();
    let key = Path::new(&source.path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let publisher = Publisher {
        name: p.name.get_ref().clone(),
        key,
        domains,
        content,
        disable: disables.iter().map(|d| d.get_ref().clone()).collect(),
        file: source.path.clone(),
    };
    (publisher, disables)
}

fn compile_rule(table: &Spanned<RuleTable>, errs: &mut FileErrors) -> Option<Rule> {
    let t = table.get_ref();
    let id = t.id.get_ref().as_str();
    let before = errs.errors.len();
    let valid_id = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid_id {
        errs.push(t.id.span(), Some(id), "an id is letters, digits, `-`, `_` and `.`, starting with a letter or digit");
    }
    let mut matchers: Vec<(&str, Range<usize>)> = Vec::new();
    if let Some(s) = &t.selector {
        matchers.push(("selector", s.span()));
    }
    if let Some(s) = &t.shortcode {
        matchers.push(("shortcode", s.span()));
    }
    if let Some(s) = &t.block {
        matchers.push(("block", s.span()));
    }
    if let Some(s) = &t.inline {
        matchers.push(("inline", s.span()));
    }
    match matchers.as_slice() {
        [] => errs.push(t.id.span(), Some(id), "a rule needs one matcher: selector, shortcode, block or inline"),
        [_] => {}
        [first, rest @ ..] => {
            let names: Vec<&str> = rest.iter().map(|m| m.0).collect();
            errs.push(
                rest[0].1.clone(),
                Some(id),
                format!("a rule has exactly one matcher, but this one has {} and {}", first.0, names.join(", ")),
            );
        }
    }
    if let Some(k) = &t.keep_inner
        && t.shortcode.is_none()
    {
        errs.push(k.span(), Some(id), "keep_inner only applies to shortcode rules");
    }
    for (name, ctx) in [("with_previous", &t.with_previous), ("with_next", &t.with_next)] {
        if let Some(c) = ctx
            && t.block.is_none()
        {
            errs.push(c.span(), Some(id), format!("{name} only applies to block rules"));
        }
    }
    let context = |c: &Option<Spanned<super::schema::ConditionTable>>, errs: &mut FileErrors| {
        c.as_ref().and_then(|c| Condition::compile(c.get_ref()).map_err(|m| errs.push(c.span(), Some(id), m)).ok())
    };
    let with_previous = context(&t.with_previous, errs);
    let with_next = context(&t.with_next, errs);

    let matcher = if let Some(s) = &t.selector {
        match Css::parse(s.get_ref()) {
            Ok(selector) => Some(Matcher::Selector(Box::new(super::CssRule {
                selector,
                prefilter: super::Prefilter::from_source(s.get_ref()),
                attributes: crate::html::selector_attributes(s.get_ref()),
            }))),
            Err(e) => {
                errs.push(
                    s.span(),
                    Some(id),
                    format!("bad CSS selector {:?}: {}", s.get_ref(), selector_error(s.get_ref(), &e)),
                );
                None
            }
        }
    } else if let Some(s) = &t.shortcode {
        let names = &s.get_ref().0;
        if names.is_empty() {
            errs.push(s.span(), Some(id), "shortcode needs \"*\" or at least one name");
            None
        } else if names.iter().any(|n| n == "*") {
            if names.len() > 1 {
                errs.push(s.span(), Some(id), "\"*\" already means any shortcode: list names or \"*\", not both");
            }
            Some(Matcher::Shortcode(ShortcodeMatcher { names: None, keep_inner: keep_inner(t) }))
        } else if let Some(bad) = names.iter().find(|n| !shortcode::is_valid_name(n)) {
            errs.push(
                s.span(),
                Some(id),
                format!("{bad:?} is not a shortcode name (letters, digits, `_`, `-`, no brackets)"),
            );
            None
        } else {
            Some(Matcher::Shortcode(ShortcodeMatcher { names: Some(names.clone()), keep_inner: keep_inner(t) }))
        }
    } else if let Some(b) = &t.block {
        Condition::compile(b.get_ref()).map(Matcher::Block).map_err(|m| errs.push(b.span(), Some(id), m)).ok()
    } else if let Some(i) = &t.inline {
        InlineMatcher::compile(i.get_ref()).map(Matcher::Inline).map_err(|m| errs.push(i.span(), Some(id), m)).ok()
    } else {
        None
    };
    if errs.errors.len() > before {
        return None;
    }
    let (line, column) = errs.positions.at(t.id.span().start);
    let examples_at = t.examples.as_ref().map_or(t.id.span(), |e| e.span());
    let (eline, ecol) = errs.positions.at(examples_at.start);
    let file = errs.source.path.clone();
    let examples = t.examples.as_ref().map(|e| e.get_ref());
    Some(Rule {
        id: id.to_owned(),
        category: *t.category.get_ref(),
        description: t.description.clone(),
        matcher: matcher?,
        with_previous,
        with_next,
        location: Location { file: file.clone(), line, column },
        examples: Examples {
            remove: examples.map(|e| e.remove.clone()).unwrap_or_default(),
            keep: examples.map(|e| e.keep.clone()).unwrap_or_default(),
            location: Location { file, line: eline, column: ecol },
        },
    })
}

/// scraper's own message for most selector errors is "Unexpected error
/// occurred"; the error's variant name says more ("class needs ident").
fn selector_error(source: &str, e: &scraper::error::SelectorErrorKind) -> String {
    use scraper::error::SelectorErrorKind as K;
    let name = match e {
        K::UnexpectedSelectorParseError(kind) => format!("{kind:?}"),
        other => format!("{other:?}"),
    };
    let name = name.split('(').next().unwrap_or_default();
    let squeezed: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    let has_in_has = squeezed.match_indices(":has(").any(|(i, _)| squeezed[i + 5..].contains(":has("));
    let plain = match name {
        // The selector grammar forbids some things in some places and says
        // only "invalid state"; name the cases rule authors meet.
        "InvalidState" if has_in_has => "`:has()` cannot hold another `:has()`",
        "InvalidState" => {
            "a part of the selector that is not allowed where it stands (after a pseudo-element such as `::before`, or inside `:has()`)"
        }
        _ if squeezed.contains("()") => "empty parentheses: `:has()`, `:not()`, `:is()` need a selector inside",
        "ClassNeedsIdent" => "`.` must be followed by a class name",
        "EmptySelector" => "an empty selector (a stray comma?)",
        "DanglingCombinator" => "a combinator (`>`, `+`, `~`) with nothing after it",
        "EndOfLine" => "the selector ends too early",
        _ => "",
    };
    if !plain.is_empty() {
        return plain.to_owned();
    }
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

fn compile_extract(table: &super::schema::ExtractTable, errs: &mut FileErrors) -> ExtractHints {
    let mut lower = |list: &[Spanned<String>], splits: bool| -> Vec<String> {
        let mut out = Vec::new();
        for item in list {
            let v = item.get_ref().trim().to_ascii_lowercase();
            let bad =
                v.is_empty() || (splits && v.contains(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == ':'));
            if bad {
                errs.push(item.span(), None, format!("{:?} is not one token: class and id values are split on spaces, `-`, `_` and `:` before matching", item.get_ref()));
            } else {
                out.push(v);
            }
        }
        out
    };
    ExtractHints {
        boilerplate_tokens: lower(&table.boilerplate_tokens, true).into_iter().collect(),
        content_tokens: lower(&table.content_tokens, true).into_iter().collect(),
        boilerplate_roles: lower(&table.boilerplate_roles, false),
        boilerplate_elements: lower(&table.boilerplate_elements, false),
    }
}

fn keep_inner(t: &RuleTable) -> bool {
    t.keep_inner.as_ref().is_some_and(|k| *k.get_ref())
}

/// Best effort for parse errors: the id of the `[[rule]]` table around `offset`.
fn rule_id_around(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind("[[rule]]")?;
    let body = &text[start + 8..];
    let end = body.find("\n[").unwrap_or(body.len());
    body[..end].lines().find_map(|line| {
        let rest = line.trim().strip_prefix("id")?.trim_start().strip_prefix('=')?.trim();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = &rest[1..];
        Some(inner[..inner.find(quote)?].to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(default: &str) -> Vec<RuleError> {
        match compile(&[RuleSource::new("default.toml", default)]) {
            Err(RulesError::Invalid(e)) => e,
            other => panic!("expected errors, got {:?}", other.map(|r| r.rules.len())),
        }
    }

    #[test]
    fn unknown_key_points_at_it() {
        let e = errors("[[rule]]\nid = \"a\"\ncategory = \"ad\"\nselektor = \"nav\"\n");
        assert_eq!((e[0].line, e[0].column), (4, 1), "{e:?}");
        assert_eq!(e[0].rule.as_deref(), Some("a"));
        assert!(e[0].message.contains("selektor"), "{}", e[0]);
    }

    #[test]
    fn two_matchers_and_none() {
        let e = errors(
            "[[rule]]\nid = \"a\"\ncategory = \"ad\"\nselector = \"nav\"\nblock = { equals = \"x\" }\n[[rule]]\nid = \"b\"\ncategory = \"ad\"\n",
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].line, e[0].rule.as_deref()), (5, Some("a")));
        assert_eq!((e[1].line, e[1].rule.as_deref()), (7, Some("b")));
    }

    #[test]
    fn duplicate_ids_point_at_second() {
        let e = errors(
            "[[rule]]\nid = \"a\"\ncategory = \"ad\"\nselector = \"nav\"\n\n[[rule]]\nid = \"a\"\ncategory = \"ad\"\nselector = \"footer\"\n",
        );
        assert_eq!((e[0].line, e[0].column), (7, 6));
        assert!(e[0].message.contains("default.toml:2:6"), "{}", e[0]);
    }

    #[test]
    fn columns_count_characters() {
        let p = Positions::new("ab\n“x”y");
        assert_eq!(p.at(3 + "“x”".len()), (2, 4));
    }
}
