//! Reading rule files and turning them into compiled rules, collecting every
//! problem with its `file:line:column`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::markup::dom::Css;
use toml::Spanned;

use super::condition::{Condition, InlineMatcher};
use super::error::{RuleError, RulesError};
use super::schema::{MetaEntry, RuleFile, RuleTable};
use super::{
    Examples, ExtractHints, LayerInfo, Location, Matcher, MetaSelector, MetadataSelectors, Publisher, Rule,
    ShortcodeMatcher,
};
use crate::markup::shortcode;

/// One rule file's text and the path to show in messages.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub path: String,
    pub text: String,
    /// One of the files compiled into the binary ([`RuleSource::builtin`]):
    /// their examples are run by the tests and `rules check`, not at every
    /// start-up. Only the binary's own files get this, whatever a path says.
    pub(crate) builtin: bool,
}

impl RuleSource {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        RuleSource { path: path.into(), text: text.into(), builtin: false }
    }

    /// A file compiled into the binary.
    pub(crate) fn builtin(path: impl Into<String>, text: impl Into<String>) -> Self {
        RuleSource { builtin: true, ..RuleSource::new(path, text) }
    }

    pub(crate) fn is_default(&self) -> bool {
        Path::new(&self.path).file_name().is_some_and(|n| n == "default.toml")
            && !self.path.replace('\\', "/").contains("publishers/")
    }
}

/// One source of rules: the built-in rules, or one folder. Layers are applied
/// in order, each over the ones before it (see [`RuleSet::from_layers`](super::RuleSet::from_layers)).
#[derive(Debug, Clone)]
pub struct Layer {
    /// How messages and `rules check` name it: `built-in`, or the folder as given.
    pub name: String,
    /// Its `default.toml` (optional but for a lone layer) and `publishers/*.toml`.
    pub sources: Vec<RuleSource>,
}

impl Layer {
    pub fn new(name: impl Into<String>, sources: Vec<RuleSource>) -> Self {
        Layer { name: name.into(), sources }
    }

    /// A rules folder to layer over others: `default.toml` and `publishers/` are
    /// each optional, but a folder with neither is refused (a mistyped path
    /// would otherwise change nothing, silently).
    pub fn read(dir: &Path) -> Result<Layer, RulesError> {
        let sources = read_folder(dir, false)?;
        Ok(Layer::new(dir.display().to_string(), sources))
    }
}

/// Reads `dir/default.toml` and `dir/publishers/*.toml` (sorted by name): a
/// complete rule set, so `default.toml` is required.
pub fn read_dir(dir: &Path) -> Result<Vec<RuleSource>, RulesError> {
    read_folder(dir, true)
}

fn read_folder(dir: &Path, require_default: bool) -> Result<Vec<RuleSource>, RulesError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RulesError::Io { path, source }
    };
    if !dir.is_dir() {
        return Err(RulesError::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        });
    }
    let default = dir.join("default.toml");
    if require_default && !default.is_file() {
        return Err(RulesError::MissingDefault(dir.to_path_buf()));
    }
    let mut sources = Vec::new();
    if default.is_file() {
        sources.push(RuleSource::new(default.display().to_string(), read_text(&default).map_err(io(&default))?));
    }
    // A publisher file put beside default.toml instead of in publishers/ would
    // never be read: say so rather than load without it.
    let mut stray: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml") && p.file_name() != default.file_name())
        .collect();
    stray.sort();
    let publishers = dir.join("publishers");
    let mut publisher_files = Vec::new();
    if publishers.is_dir() {
        let mut paths: Vec<_> = std::fs::read_dir(&publishers)
            .map_err(io(&publishers))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = read_text(&p).map_err(io(&p))?;
            publisher_files.push(RuleSource::new(p.display().to_string(), text));
        }
    }
    if !stray.is_empty() && sources.is_empty() && dir.file_name().is_some_and(|n| n == "publishers") {
        return Err(RulesError::PublishersFolder(dir.to_path_buf()));
    }
    if !stray.is_empty() {
        let errors = stray
            .iter()
            .map(|p| RuleError {
                file: p.display().to_string(),
                line: 1,
                column: 1,
                rule: None,
                message: format!(
                    "not read: a rules folder holds default.toml and publishers/*.toml (move it to {})",
                    publishers.join(p.file_name().unwrap_or_default()).display()
                ),
            })
            .collect();
        return Err(RulesError::Invalid(errors));
    }
    if sources.is_empty() && publisher_files.is_empty() {
        return Err(RulesError::Empty(dir.to_path_buf()));
    }
    sources.extend(publisher_files);
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
    positions: &'a Positions<'a>,
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

/// What [`compile_layers`] builds: the rules (default ones first), the
/// publishers (by key), the files in effect, and what each layer brought.
pub struct Compiled {
    pub extract: ExtractHints,
    pub rules: Vec<Rule>,
    /// How many of `rules` are default rules (they come first).
    pub default_count: usize,
    pub publishers: Vec<Publisher>,
    /// Every file whose rules are in effect: default files (layer order), then publisher files.
    pub files: Vec<String>,
    pub default_files: Vec<String>,
    pub layers: Vec<LayerInfo>,
}

/// Validates and compiles one complete rule set (it must have a default.toml).
#[cfg(test)]
pub fn compile(sources: &[RuleSource]) -> Result<Compiled, RulesError> {
    if sources.iter().filter(|s| s.is_default()).count() != 1 {
        return Err(RulesError::MissingDefault(sources.first().map(|s| s.path.clone().into()).unwrap_or_default()));
    }
    compile_layers(&[Layer::new("rules", sources.to_vec())])
}

/// One parsed file and where it stands.
struct Parsed<'a> {
    layer: usize,
    source: &'a RuleSource,
    positions: Positions<'a>,
    file: RuleFile,
    default: bool,
}

impl Parsed<'_> {
    /// The publisher key: the file stem.
    fn key(&self) -> String {
        Path::new(&self.source.path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Where this file's errors go.
    fn errs<'e>(&'e self, errors: &'e mut Vec<RuleError>) -> FileErrors<'e> {
        FileErrors { source: self.source, positions: &self.positions, errors }
    }

    fn location(&self, offset: usize) -> String {
        let (line, column) = self.positions.at(offset);
        format!("{}:{line}:{column}", self.source.path)
    }
}

/// Validates and compiles layers, each over the ones before it:
///
/// - default rules add up; a default rule with the id of one in a lower layer
///   replaces it in place (an id twice in one file is an error);
/// - a publisher file replaces the lower layers' file of the same name (key);
/// - `[extract]` token lists add up;
/// - across what is in effect, rule ids are unique and a domain belongs to one
///   publisher: two files claiming it are an error naming both.
///
/// Every problem found is reported, sorted by file and position.
pub fn compile_layers(layers: &[Layer]) -> Result<Compiled, RulesError> {
    if layers.is_empty() {
        return Err(RulesError::NoLayers);
    }
    let mut errors = Vec::new();
    let mut parsed: Vec<Parsed> = Vec::new();
    // A default rule that did not parse is unknown: `disable` is not checked against a partial list.
    let mut defaults_complete = true;
    for (layer_index, layer) in layers.iter().enumerate() {
        let mut has_default = false;
        for source in &layer.sources {
            let positions = Positions::new(&source.text);
            let mut errs = FileErrors { source, positions: &positions, errors: &mut errors };
            let (file, complete) = parse_file(source, &mut errs);
            let default = source.is_default();
            defaults_complete &= complete || !default;
            if default && std::mem::replace(&mut has_default, true) {
                errs.push(0..0, None, format!("a second default.toml in {}", layer.name));
                continue;
            }
            if let Some(table) = &file.extract
                && !default
            {
                errs.push(table.span(), None, "[extract] hints belong in default.toml");
            }
            match (&file.publisher, default) {
                (Some(p), true) => {
                    errs.push(p.span(), None, "default.toml applies to every page and cannot have a [publisher] table")
                }
                (None, false) if !file.publisher_written => {
                    errs.push(0..0, None, "a publisher file needs a [publisher] table with name and domains")
                }
                _ => {}
            }
            parsed.push(Parsed { layer: layer_index, source, positions, file, default });
        }
    }
    if !parsed.iter().any(|p| p.default) && errors.is_empty() {
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        return Err(RulesError::NoDefault(names.join(", ")));
    }
    let mut infos: Vec<LayerInfo> = layers
        .iter()
        .map(|l| LayerInfo {
            name: l.name.clone(),
            files: l.sources.iter().map(|s| s.path.clone()).collect(),
            rules: 0,
            publishers: Vec::new(),
            replaces: Vec::new(),
        })
        .collect();

    // The default rules in effect: (file, rule table), in order.
    let mut defaults: Vec<(usize, usize)> = Vec::new();
    let mut default_at: HashMap<String, usize> = HashMap::new();
    for (f, p) in parsed.iter().enumerate().filter(|(_, p)| p.default) {
        let mut here: HashMap<&str, String> = HashMap::new();
        for (t, table) in p.file.rules.iter().enumerate() {
            let id = table.get_ref().id.get_ref().as_str();
            let id_span = table.get_ref().id.span();
            if let Some(first) = here.get(id) {
                let message = format!("duplicate rule id (first defined in {first})");
                p.errs(&mut errors).push(id_span, Some(id), message);
                continue;
            }
            here.insert(id, p.location(id_span.start));
            match default_at.get(id) {
                Some(&i) => {
                    let (old_f, old_t) = defaults[i];
                    let old = &parsed[old_f];
                    let old_at = old.location(old.file.rules[old_t].get_ref().id.span().start);
                    infos[p.layer].replaces.push(format!("rule `{id}` ({old_at})"));
                    defaults[i] = (f, t);
                }
                None => {
                    default_at.insert(id.to_owned(), defaults.len());
                    defaults.push((f, t));
                }
            }
        }
    }
    // The publisher files in effect, by key.
    let mut publisher_files: std::collections::BTreeMap<String, usize> = Default::default();
    for (f, p) in parsed.iter().enumerate().filter(|(_, p)| !p.default && p.file.publisher.is_some()) {
        if let Some(old) = publisher_files.insert(p.key(), f) {
            infos[p.layer].replaces.push(format!("publisher `{}` ({})", p.key(), parsed[old].source.path));
        }
    }

    let mut extract = ExtractHints::default();
    let mut default_files = Vec::new();
    for p in parsed.iter().filter(|p| p.default) {
        default_files.push(p.source.path.clone());
        if let Some(table) = &p.file.extract {
            let mut errs = p.errs(&mut errors);
            extend_extract(&mut extract, compile_extract(table.get_ref(), &mut errs));
        }
    }

    let mut rules = Vec::new();
    let mut seen_ids: HashMap<String, String> = HashMap::new();
    for &(f, t) in &defaults {
        let p = &parsed[f];
        let table = &p.file.rules[t];
        seen_ids.insert(table.get_ref().id.get_ref().clone(), p.location(table.get_ref().id.span().start));
        if let Some(rule) = compile_rule(table, &mut p.errs(&mut errors)) {
            infos[p.layer].rules += 1;
            rules.push(rule);
        }
    }
    let default_count = rules.len();
    let default_ids: std::collections::HashSet<String> = seen_ids.keys().cloned().collect();

    let mut publishers = Vec::new();
    let mut claims: Vec<(usize, Vec<Range<usize>>)> = Vec::new();
    for &f in publisher_files.values() {
        let p = &parsed[f];
        let Some(table) = &p.file.publisher else { continue };
        let mut errs = p.errs(&mut errors);
        let compiled = compile_publisher(table, p.source, &mut errs);
        for d in compiled.disables.iter().filter(|_| defaults_complete) {
            if !default_ids.contains(d.get_ref()) {
                let message = format!("`disable` names {:?}, which is not a default rule", d.get_ref());
                errs.push(d.span(), None, message);
            }
        }
        for table in &p.file.rules {
            let id = table.get_ref().id.get_ref();
            let id_span = table.get_ref().id.span();
            if let Some(first) = seen_ids.get(id) {
                errs.push(id_span, Some(id), format!("duplicate rule id (first defined in {first})"));
            } else {
                seen_ids.insert(id.clone(), p.location(id_span.start));
            }
            if let Some(rule) = compile_rule(table, &mut errs) {
                infos[p.layer].rules += 1;
                rules.push(rule);
            }
        }
        infos[p.layer].publishers.push(compiled.publisher.key.clone());
        claims.push((f, compiled.domain_spans));
        publishers.push(compiled.publisher);
    }
    check_claims(&parsed, &publishers, &claims, &mut errors);

    if errors.is_empty() {
        let mut files = default_files.clone();
        files.extend(publishers.iter().map(|p| p.file.clone()));
        Ok(Compiled { extract, rules, default_count, publishers, files, default_files, layers: infos })
    } else {
        sort_errors(&mut errors, layers);
        Err(RulesError::Invalid(errors))
    }
}

/// Two publishers in effect claiming one domain, or one name, would leave the
/// choice to file order: an error at the claim in the higher layer (the later
/// file in one layer), naming the other file.
fn check_claims(
    parsed: &[Parsed],
    publishers: &[Publisher],
    claims: &[(usize, Vec<Range<usize>>)],
    errors: &mut Vec<RuleError>,
) {
    let mut order: Vec<usize> = (0..publishers.len()).collect();
    order.sort_by_key(|&i| parsed[claims[i].0].layer);
    let mut domains: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    for &i in &order {
        let (f, spans) = &claims[i];
        let p = &parsed[*f];
        let publisher = &publishers[i];
        for (d, domain) in publisher.domains.iter().enumerate() {
            match domains.get(domain.as_str()) {
                Some(&(other, other_d)) if other != i => {
                    let o = &parsed[claims[other].0];
                    let at = claims[other].1.get(other_d).map_or(0, |s| s.start);
                    let hint = if o.layer < p.layer {
                        format!("; to replace that file, name this one {}.toml", o.key())
                    } else {
                        String::new()
                    };
                    let message = format!(
                        "domain {domain:?} is also claimed by publisher `{}` ({}): a domain belongs to one publisher{hint}",
                        publishers[other].key,
                        o.location(at)
                    );
                    p.errs(errors).push(spans.get(d).cloned().unwrap_or(0..0), None, message);
                }
                Some(_) => {}
                None => {
                    domains.insert(domain, (i, d));
                }
            }
        }
        let name = publisher.name.to_lowercase();
        match names.get(&name) {
            Some(&other) => {
                let span = p.file.publisher.as_ref().map_or(0..0, |t| t.get_ref().name.span());
                let message = format!(
                    "publisher name {:?} is also the name of `{}` ({}): publishers are chosen by name, so names differ",
                    publisher.name, publishers[other].key, publishers[other].file
                );
                p.errs(errors).push(span, None, message);
            }
            None => {
                names.insert(name, i);
            }
        }
    }
}

/// Errors by layer, file and position, so a file's problems read top to bottom.
fn sort_errors(errors: &mut [RuleError], layers: &[Layer]) {
    let rank: HashMap<&str, usize> =
        layers.iter().flat_map(|l| &l.sources).enumerate().map(|(i, s)| (s.path.as_str(), i)).collect();
    errors.sort_by_key(|e| (rank.get(e.file.as_str()).copied().unwrap_or(usize::MAX), e.line, e.column));
}

fn extend_extract(into: &mut ExtractHints, more: ExtractHints) {
    into.boilerplate_tokens.extend(more.boilerplate_tokens);
    into.content_tokens.extend(more.content_tokens);
    for (list, add) in [
        (&mut into.boilerplate_roles, more.boilerplate_roles),
        (&mut into.boilerplate_elements, more.boilerplate_elements),
    ] {
        for item in add {
            if !list.contains(&item) {
                list.push(item);
            }
        }
    }
}

/// Parses a file, reporting every problem found; the tables that read, and
/// whether that is all of them.
fn parse_file(source: &RuleSource, errs: &mut FileErrors) -> (RuleFile, bool) {
    let (file, errors) = super::parse::parse(&source.text);
    let complete = errors.is_empty();
    for e in errors {
        errs.push(e.span, e.rule.as_deref(), e.message);
    }
    (file, complete)
}

/// A publisher file's table, compiled, with what is checked once every file is known.
struct CompiledPublisher {
    publisher: Publisher,
    disables: Vec<Spanned<String>>,
    /// The span of each of `publisher.domains`.
    domain_spans: Vec<Range<usize>>,
}

fn compile_publisher(
    table: &Spanned<super::schema::PublisherTable>,
    source: &RuleSource,
    errs: &mut FileErrors,
) -> CompiledPublisher {
    let p = table.get_ref();
    if p.name.get_ref().trim().is_empty() {
        errs.push(p.name.span(), None, "publisher name is empty");
    }
    if p.domains.get_ref().is_empty() {
        errs.push(p.domains.span(), None, "a publisher needs at least one domain");
    }
    let mut domains = Vec::new();
    let mut domain_spans = Vec::new();
    for d in p.domains.get_ref() {
        let domain = d.get_ref().trim().trim_end_matches('.').to_ascii_lowercase();
        // `*.example.com`: the subdomains of example.com, not example.com itself.
        let host = domain.strip_prefix("*.").unwrap_or(&domain);
        let valid = !host.is_empty()
            && !host.starts_with('.')
            && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if valid {
            domains.push(domain);
            domain_spans.push(d.span());
        } else {
            errs.push(
                d.span(),
                None,
                format!(
                    "{:?} is not a host name (write \"example.com\", or \"*.example.com\" for its subdomains only; no scheme or path)",
                    d.get_ref()
                ),
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
    let mut metadata_list = |field: &str, list: &Option<Spanned<Vec<Spanned<MetaEntry>>>>| -> Vec<MetaSelector> {
        let mut out = Vec::new();
        for entry in list.iter().flat_map(|l| l.get_ref()) {
            match MetaSelector::from_entry(entry.get_ref()) {
                Ok(m) => out.push(m),
                Err(e) => {
                    let what = match entry.get_ref() {
                        MetaEntry::Selector(s) => format!("selector {s:?}"),
                        MetaEntry::Table(_) => "reading".into(),
                    };
                    errs.push(entry.span(), None, format!("bad {field} {what}: {e}"))
                }
            }
        }
        out
    };
    let metadata = MetadataSelectors {
        title: metadata_list("title", &p.title),
        author: metadata_list("author", &p.author),
        date: metadata_list("date", &p.date),
    };
    let mut rewrites = Vec::new();
    for r in &p.rewrite {
        let r = r.get_ref();
        if r.find.get_ref().is_empty() {
            errs.push(r.find.span(), None, "a rewrite's `find` is empty");
        } else {
            rewrites.push((r.find.get_ref().clone(), r.replace.clone()));
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
        metadata,
        rewrites,
    };
    CompiledPublisher { publisher, disables, domain_spans }
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
                attributes: crate::markup::prepare::selector_attributes(s.get_ref()),
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
            builtin: errs.source.builtin,
        },
    })
}

/// scraper's own message for most selector errors is "Unexpected error
/// occurred"; the error's variant name says more ("class needs ident").
pub(super) fn selector_error(source: &str, e: &scraper::error::SelectorErrorKind) -> String {
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
