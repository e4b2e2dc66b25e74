//! Adblock filter lists (EasyList, EasyList Cookie, Fanboy's lists, uBlock filters) read for
//! their cosmetic filters: `example.com##.promo`, generic `##.ad-banner`, `#@#` exceptions,
//! `~domain` exclusions and the procedural operators a static page allows (`:has-text()`,
//! `:has()`, `:upward()`, `:min-text-length()`, `:matches-path()`, `:matches-attr()`, and the
//! `:remove()` action). Every removal is attributed to the list's `FILE:LINE`.
//!
//! Brave's `adblock` crate parses the lines and answers which filters apply: per host (with
//! entities, exclusions and exceptions) and, for generic filters, per class and id present on
//! the page, so a list of 50,000 lines costs a few hash lookups per page, not a selector match
//! per filter. Its answer is a set of selector strings; this module maps each back to the lines
//! that wrote it and compiles their selectors for declutter's DOM on first use. The matching on
//! a page's DOM is in `html::filter_list`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use adblock::cosmetic_filter_cache::ProceduralOrActionFilter;
use adblock::filters::cosmetic::{
    CosmeticFilterAction, CosmeticFilterError, CosmeticFilterMask, CosmeticFilterOperator,
};
use adblock::lists::{FilterParseError, ParseOptions, ParsedLine, RuleTypes};
use serde::Serialize;

use super::{Category, CssRule, Examples, Location, Matcher, Prefilter, Rule, host_of};
use crate::markup::dom::Css;

/// One filter list as read: its name in reports and its text.
#[derive(Debug, Clone)]
pub struct FilterSource {
    pub path: String,
    pub text: String,
}

impl FilterSource {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        FilterSource { path: path.into(), text: text.into() }
    }

    /// Reads a list from disk. Lists are UTF-8 (EasyList's and uBlock's are); a file that is
    /// not is refused with the line of its first bad byte, as is one holding NUL bytes (a
    /// binary file given by mistake).
    pub fn read(path: &std::path::Path) -> Result<FilterSource, FilterListError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| FilterListError::Read { path: name.clone(), source })?;
        let line_of = |bytes: &[u8], at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        if let Some(at) = memchr::memchr(0, &bytes) {
            return Err(FilterListError::NotText { line: line_of(&bytes, at), path: name });
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = line_of(e.as_bytes(), e.utf8_error().valid_up_to());
                return Err(FilterListError::NotText { path: name, line });
            }
        };
        Ok(FilterSource { path: name, text: text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text) })
    }
}

/// Why a filter list could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FilterListError {
    #[error("{path}: cannot read the filter list: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a text filter list (a NUL byte or a byte that is not UTF-8)")]
    NotText { path: String, line: usize },
}

/// What a list's lines turned out to be, for `rules check` and `rules stats`.
#[derive(Debug, Clone, Serialize)]
pub struct ListReport {
    pub file: String,
    /// The list's `! Title:`, if it has one.
    pub title: Option<String>,
    /// The category its removals are reported under.
    pub category: Category,
    pub lines: usize,
    /// Blank lines, `!` comments, `[Adblock Plus …]` headers.
    pub comments: usize,
    /// Request filters (`||ads.example^`): about what a browser fetches, not page text.
    pub network: usize,
    /// Element-hiding filters in effect (`##`, with `:remove()`), procedural ones included.
    pub hide: usize,
    /// Of those, the ones with procedural operators.
    pub procedural: usize,
    /// `#@#` exceptions, and `$generichide`/`$elemhide` exceptions for sites.
    pub exceptions: usize,
    /// Filters read but left out, by why (`:style()` changes no text, `:matches-css()` needs a
    /// browser's computed styles, scriptlets run in a browser).
    pub skipped: BTreeMap<String, usize>,
    /// Lines no filter syntax reads (the first [`NOTES_KEPT`]; all are counted in `unreadable_total`).
    pub unreadable: Vec<LineNote>,
    pub unreadable_total: usize,
}

/// A line of a list with what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct LineNote {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

impl std::fmt::Display for LineNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.line, self.text, self.reason)
    }
}

/// Unreadable lines listed per list; the rest are counted.
pub const NOTES_KEPT: usize = 20;

/// One step after a procedural filter's first selector, in order.
#[derive(Debug, Clone)]
pub enum Step {
    /// Keep the elements whose text holds the pattern.
    HasText(Pattern),
    /// Keep the elements with at least this many characters of text.
    MinTextLength(usize),
    /// Keep them all when the page's URL path (with query) matches, none otherwise.
    MatchesPath(Pattern),
    /// Keep the elements with an attribute whose name and value match.
    MatchesAttr(Pattern, Option<Pattern>),
    /// Go up to the nth ancestor.
    UpwardBy(usize),
    /// Go up to the closest ancestor matching.
    UpwardTo(Css),
    /// Carry on with a selector relative to each element (` > .x`, ` .x`, `+ .x`, `~ .x`),
    /// or narrow them (`:not(.x)`, `.x`).
    Then(Combinator, Css),
}

/// How a selector after a procedural operator relates to the elements before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combinator {
    /// The same elements, narrowed.
    Same,
    Descendant,
    Child,
    Adjacent,
    Sibling,
}

/// Text or `/regex/flags`, as uBlock's operators take them.
#[derive(Debug, Clone)]
pub enum Pattern {
    Text(String),
    Regex(regex::Regex),
}

impl Pattern {
    fn parse(arg: &str) -> Option<Pattern> {
        let arg = arg.trim();
        if let Some(body) = arg.strip_prefix('/')
            && let Some(end) = body.rfind('/')
        {
            let (re, flags) = (&body[..end], &body[end + 1..]);
            if flags.chars().all(|c| "imsu".contains(c)) {
                let mut b = regex::RegexBuilder::new(re);
                b.case_insensitive(flags.contains('i'))
                    .multi_line(flags.contains('m'))
                    .dot_matches_new_line(flags.contains('s'));
                b.size_limit(1 << 20);
                return b.build().ok().map(Pattern::Regex);
            }
        }
        let text = arg.strip_prefix('"').and_then(|a| a.strip_suffix('"')).unwrap_or(arg);
        Some(Pattern::Text(text.to_owned()))
    }

    /// Text anywhere in `text`, or the regex found in it (`:has-text()`, `:matches-path()`).
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Pattern::Text(t) => text.contains(t.as_str()),
            Pattern::Regex(r) => r.is_match(text),
        }
    }

    /// Text equal to `text`, or the regex found in it (`:matches-attr()` names and values).
    pub fn is_whole_match(&self, text: &str) -> bool {
        match self {
            Pattern::Text(t) => t == text,
            Pattern::Regex(r) => r.is_match(text),
        }
    }
}

/// A filter compiled for the DOM: the rule its removals are attributed to (its selector the
/// filter's first CSS selector) and the procedural steps after it.
#[derive(Debug)]
pub struct Compiled {
    pub rule: Rule,
    pub steps: Vec<Step>,
}

/// One element-hiding line of a list.
#[derive(Debug)]
struct Filter {
    text: Box<str>,
    file: u32,
    line: u32,
    domains: Domains,
    selector: Vec<CosmeticFilterOperator>,
    /// A generic filter keyed on no class or id, which the engine would copy for every page:
    /// declutter indexes it once instead ([`GenericPlan`]).
    misc: bool,
    /// Attribute names its selectors read: kept on the page before parsing.
    attributes: Box<[String]>,
    compiled: OnceLock<Result<Compiled, String>>,
}

/// Where a filter applies (`example.com`, `example.*`) and where not (`~shop.example.com`), as written.
#[derive(Debug, Clone, Default)]
struct Domains {
    yes: Box<[Box<str>]>,
    no: Box<[Box<str>]>,
}

impl Domains {
    /// `a.com,~b.a.com,c.*` → (positive, negative).
    fn parse(prefix: &str) -> Domains {
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for d in prefix.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            let d = d.to_ascii_lowercase();
            match d.strip_prefix('~') {
                Some(n) => no.push(n.into()),
                None => yes.push(d.into()),
            }
        }
        Domains { yes: yes.into(), no: no.into() }
    }

    fn none(&self) -> bool {
        self.yes.is_empty() && self.no.is_empty()
    }

    /// Whether the list names `host` (and does not exclude it).
    fn name(&self, host: &str) -> bool {
        let hit = |d: &str| match d.strip_suffix(".*") {
            Some(entity) => entity_matches(host, entity),
            None => super::host_matches(host, d),
        };
        !self.yes.is_empty() && self.yes.iter().any(|d| hit(d)) && !self.no.iter().any(|d| hit(d))
    }
}

impl Filter {
    fn generic(&self) -> bool {
        self.domains.yes.is_empty()
    }

    /// Whether its own domain list takes in `host` (for attribution only: the engine decides
    /// what applies).
    fn names_host(&self, host: &str) -> bool {
        self.domains.name(host)
    }
}

/// `example` (of `example.*`) is a label run of `host` followed by at least one more label.
fn entity_matches(host: &str, entity: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let want: Vec<&str> = entity.split('.').collect();
    (0..labels.len()).any(|i| labels.len() > i + want.len() && labels[i..i + want.len()] == want[..])
}

/// The loaded filter lists: build once, share across threads.
pub struct FilterLists {
    engine: adblock::Engine,
    filters: Vec<Filter>,
    files: Vec<ListReport>,
    /// What the engine answers (a selector, or a procedural filter's JSON) → the lines that wrote it.
    by_key: HashMap<String, Vec<u32>, std::hash::BuildHasherDefault<super::Fnv>>,
    /// Attribute names generic filters read (specific ones are added per host).
    generic_attributes: Vec<String>,
    /// The generic filters keyed on no class or id, compiled and indexed once.
    plan: OnceLock<GenericPlan>,
    /// Site exceptions of those (`example.com#@#[id^="ad-"]`), by selector: the engine never
    /// sees the filters, so declutter applies these itself.
    misc_exceptions: HashMap<String, Vec<Domains>>,
}

/// The generic filters no class or id of a page calls for (`##[id^="div-gpt-ad"]`,
/// `##a[href*="…"]`, hundreds in EasyList): the engine returns them for every page, so they
/// are compiled and indexed once instead of per page.
pub struct GenericPlan {
    /// Filter numbers, by position in the index.
    filters: Vec<u32>,
    pub index: super::RuleIndex,
    /// The selectors of these filters that have site exceptions, with the positions they
    /// take out where the exception applies.
    excepted: Vec<(String, Vec<u32>)>,
}

impl std::fmt::Debug for GenericPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenericPlan").field("filters", &self.filters.len()).finish()
    }
}

impl std::fmt::Debug for FilterLists {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterLists").field("files", &self.files).field("filters", &self.filters.len()).finish()
    }
}

/// The URL asked for when a page has none: only generic filters name no host.
const NO_HOST: &str = "https://no-host.invalid/";

/// The separators of cosmetic filters declutter reads; other `#…#` forms (AdGuard's `#$#`,
/// `#%#`, `$$`) are not adblock's and count as unreadable.
const SEPARATORS: [&str; 4] = ["#@?#", "#@#", "#?#", "##"];

/// Where a cosmetic filter's domain list ends, and its separator: the first `#` that opens one.
fn separator(line: &str) -> Option<(usize, &'static str)> {
    line.match_indices('#')
        .find_map(|(at, _)| SEPARATORS.iter().find(|s| line[at..].starts_with(**s)).map(|s| (at, *s)))
}

/// The category a list's removals are reported under, from its title or file name: cookie and
/// consent lists remove consent text, social lists share bars, newsletter lists sign-up boxes,
/// annoyance lists a mix; the rest (EasyList, uBlock filters) ads.
fn category_of(path: &str, title: Option<&str>) -> Category {
    let name = format!("{} {}", title.unwrap_or(""), path.rsplit(['/', '\\']).next().unwrap_or(path)).to_lowercase();
    if name.contains("cookie") || name.contains("consent") || name.contains("gdpr") {
        Category::Consent
    } else if name.contains("social") || name.contains("share") {
        Category::Share
    } else if name.contains("newsletter") {
        Category::Newsletter
    } else if name.contains("annoyance") {
        Category::Other
    } else {
        Category::Ad
    }
}

impl FilterLists {
    /// Reads lists; lines no syntax reads are counted and listed in [`FilterLists::reports`],
    /// never fatal (lists carry lines for other blockers).
    pub fn new(sources: Vec<FilterSource>) -> FilterLists {
        let mut filters: Vec<Filter> = Vec::new();
        let mut files = Vec::new();
        // The lines the engine is built from, each with its selector when it is a generic plain
        // hiding filter (which a generic exception can take out).
        let mut engine_lines: Vec<(&str, Option<&str>)> = Vec::new();
        let mut misc_exceptions: HashMap<String, Vec<Domains>> = HashMap::new();
        // Generic exceptions (`#@#.ad` with no domain) switch the generic filter off everywhere;
        // adblock refuses them, so they are applied here.
        let mut generic_unhide: HashSet<String> = HashSet::new();
        let opts = ParseOptions { rule_types: RuleTypes::All, ..ParseOptions::default() };
        for (file, source) in sources.iter().enumerate() {
            let title = source
                .text
                .lines()
                .take(50)
                .find_map(|l| l.strip_prefix('!').map(str::trim).and_then(|l| l.strip_prefix("Title:")))
                .map(|t| t.trim().to_owned());
            let mut report = ListReport {
                file: source.path.clone(),
                category: category_of(&source.path, title.as_deref()),
                title,
                lines: 0,
                comments: 0,
                network: 0,
                hide: 0,
                procedural: 0,
                exceptions: 0,
                skipped: BTreeMap::new(),
                unreadable: Vec::new(),
                unreadable_total: 0,
            };
            let skip = |report: &mut ListReport, why: &str| *report.skipped.entry(why.to_owned()).or_default() += 1;
            for (n, raw) in source.text.lines().enumerate() {
                report.lines += 1;
                let line = raw.trim();
                if line.is_empty() || line.starts_with('!') || (line.starts_with('[') && line.ends_with(']')) {
                    report.comments += 1;
                    continue;
                }
                let Some((at, sep)) = separator(line) else {
                    report.network += 1;
                    // Only the exceptions that switch cosmetic filtering off for a site matter here.
                    if line.starts_with("@@")
                        && has_hide_exception_option(line)
                        && let Ok(ParsedLine::Network(_)) = adblock::lists::parse_filter(line, false, opts)
                    {
                        engine_lines.push((line, None));
                        report.exceptions += 1;
                    }
                    continue;
                };
                let after = &line[at + sep.len()..];
                if after.starts_with('^') {
                    skip(&mut report, "HTML filter (##^): edits the page source a browser receives");
                    continue;
                }
                if after.starts_with("+js(") {
                    skip(&mut report, "scriptlet (##+js): runs in a browser");
                    continue;
                }
                let parsed = match adblock::lists::parse_filter(line, false, opts) {
                    Ok(ParsedLine::Cosmetic(c)) => c,
                    Ok(ParsedLine::Network(_)) => {
                        report.network += 1;
                        continue;
                    }
                    Err(FilterParseError::Cosmetic(CosmeticFilterError::GenericUnhide)) => {
                        generic_unhide.insert(after.trim().to_owned());
                        report.exceptions += 1;
                        continue;
                    }
                    Err(FilterParseError::Cosmetic(CosmeticFilterError::GenericAction)) => {
                        skip(&mut report, "procedural or action filter without a domain (uBlock allows none)");
                        continue;
                    }
                    Err(e) => {
                        report.unreadable_total += 1;
                        if report.unreadable.len() < NOTES_KEPT {
                            report.unreadable.push(LineNote {
                                line: n + 1,
                                text: line.to_owned(),
                                reason: e.to_string(),
                            });
                        }
                        continue;
                    }
                };
                if parsed.mask.contains(CosmeticFilterMask::UNHIDE) {
                    report.exceptions += 1;
                    if let [CosmeticFilterOperator::CssSelector(s)] = &parsed.selector[..]
                        && parsed.action.is_none()
                        && !s.trim().starts_with(['.', '#'])
                    {
                        misc_exceptions.entry(s.trim().to_owned()).or_default().push(Domains::parse(&line[..at]));
                    }
                    engine_lines.push((line, None));
                    continue;
                }
                if parsed.mask.contains(CosmeticFilterMask::SCRIPT_INJECT) {
                    skip(&mut report, "scriptlet (##+js): runs in a browser");
                    continue;
                }
                match &parsed.action {
                    None | Some(CosmeticFilterAction::Remove) => {}
                    Some(CosmeticFilterAction::Style(_)) => {
                        skip(&mut report, ":style(): changes how an element looks, removes nothing");
                        continue;
                    }
                    Some(_) => {
                        skip(&mut report, ":remove-attr()/:remove-class(): changes an element, removes nothing");
                        continue;
                    }
                }
                if let Some(why) = parsed.selector.iter().find_map(unsupported) {
                    skip(&mut report, why);
                    continue;
                }
                if !matches!(parsed.selector.first(), Some(CosmeticFilterOperator::CssSelector(_))) {
                    skip(&mut report, "procedural filter that does not start with a CSS selector");
                    continue;
                }
                let domains = Domains::parse(&line[..at]);
                let procedural = parsed.selector.len() > 1;
                report.hide += 1;
                report.procedural += usize::from(procedural);
                let attributes = parsed
                    .selector
                    .iter()
                    .flat_map(|op| match op {
                        CosmeticFilterOperator::CssSelector(s) => crate::markup::prepare::selector_attributes(s),
                        CosmeticFilterOperator::MatchesAttr(_) => vec!["*".to_owned()],
                        _ => Vec::new(),
                    })
                    .collect();
                let generic_plain = match &parsed.selector[..] {
                    [CosmeticFilterOperator::CssSelector(_)] if domains.none() => Some(after.trim()),
                    _ => None,
                };
                // As the engine sorts generic filters: keyed on a leading class or id, or "misc".
                let misc = generic_plain.is_some_and(|s| !s.starts_with(['.', '#']));
                filters.push(Filter {
                    text: line.into(),
                    file: file as u32,
                    line: (n + 1) as u32,
                    domains,
                    selector: parsed.selector.clone(),
                    misc,
                    attributes,
                    compiled: OnceLock::new(),
                });
                if !misc {
                    engine_lines.push((line, generic_plain));
                }
            }
            files.push(report);
        }
        if !generic_unhide.is_empty() {
            engine_lines.retain(|(_, generic)| !generic.is_some_and(|s| generic_unhide.contains(s)));
            filters.retain(|f| {
                !(f.generic()
                    && matches!(&f.selector[..], [CosmeticFilterOperator::CssSelector(s)] if generic_unhide.contains(s.trim())))
            });
        }
        let mut by_key: HashMap<String, Vec<u32>, std::hash::BuildHasherDefault<super::Fnv>> = HashMap::default();
        for (i, f) in filters.iter().enumerate() {
            by_key.entry(key(&f.selector, f.text.ends_with(":remove()"))).or_default().push(i as u32);
        }
        let mut generic_attributes: Vec<String> =
            filters.iter().filter(|f| f.generic()).flat_map(|f| f.attributes.iter().cloned()).collect();
        generic_attributes.sort();
        generic_attributes.dedup();
        let mut set = adblock::FilterSet::new(false);
        let text = engine_lines.iter().map(|(l, _)| *l).collect::<Vec<_>>().join("\n");
        set.add_filter_list(text, opts);
        let engine = adblock::Engine::new_with_filter_set(set);
        FilterLists { engine, filters, files, by_key, generic_attributes, plan: OnceLock::new(), misc_exceptions }
    }

    /// Reads every list from disk.
    pub fn read(paths: &[std::path::PathBuf]) -> Result<FilterLists, FilterListError> {
        let sources = paths.iter().map(|p| FilterSource::read(p)).collect::<Result<Vec<_>, _>>()?;
        Ok(FilterLists::new(sources))
    }

    pub fn reports(&self) -> &[ListReport] {
        &self.files
    }

    /// Element-hiding filters in effect, over all lists.
    pub fn len(&self) -> usize {
        self.filters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Compiles every filter, for `rules check`: the selectors declutter's CSS engine cannot
    /// read (`FILE:LINE`, filter, why). Cleaning compiles each on first use and skips those.
    pub fn check(&self) -> Vec<(String, LineNote)> {
        self.filters
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                self.compiled(i as u32).err().map(|reason| {
                    let file = self.files[f.file as usize].file.clone();
                    (file, LineNote { line: f.line as usize, text: f.text.to_string(), reason })
                })
            })
            .collect()
    }

    fn compiled(&self, i: u32) -> Result<&Compiled, String> {
        let f = &self.filters[i as usize];
        f.compiled.get_or_init(|| compile(f, &self.files[f.file as usize])).as_ref().map_err(Clone::clone)
    }

    /// The generic filters keyed on no class or id, built on first use.
    pub fn plan(&self) -> &GenericPlan {
        self.plan.get_or_init(|| {
            let filters: Vec<u32> = (0..self.filters.len() as u32)
                .filter(|&i| self.filters[i as usize].misc && self.compiled(i).is_ok())
                .collect();
            let index = super::RuleIndex::new(filters.iter().map(|&i| match self.compiled(i) {
                Ok(Compiled { rule: Rule { matcher: Matcher::Selector(css), .. }, .. }) => css.prefilter.as_ref(),
                _ => None,
            }));
            let mut excepted: BTreeMap<String, Vec<u32>> = BTreeMap::new();
            for (pos, &i) in filters.iter().enumerate() {
                let selector = key(&self.filters[i as usize].selector, false).trim().to_owned();
                if self.misc_exceptions.contains_key(&selector) {
                    excepted.entry(selector).or_default().push(pos as u32);
                }
            }
            GenericPlan { filters, index, excepted: excepted.into_iter().collect() }
        })
    }

    /// The compiled filter at `position` of the [`GenericPlan`].
    pub fn planned(&self, position: u32) -> Option<&Compiled> {
        let i = *self.plan().filters.get(position as usize)?;
        self.compiled(i).ok()
    }

    /// What applies on a page of `url` before the page is parsed (its host's filters; the
    /// generic ones wait for its classes and ids, [`ForPage::applicable`]).
    pub fn for_url(&self, url: Option<&str>) -> ForPage<'_> {
        let host = url.and_then(host_of);
        let ask = host.as_ref().map_or_else(|| NO_HOST.to_owned(), |h| format!("https://{h}/"));
        let resources = self.engine.url_cosmetic_resources(&ask);
        let mut specific: Vec<u32> = Vec::new();
        for key in resources.hide_selectors.iter().chain(resources.procedural_actions.iter()) {
            if let Some(i) = self.attribute(key, host.as_deref()) {
                specific.push(i);
            }
        }
        // The planned filters a site exception takes out here (rarely any).
        let mut excluded: HashSet<u32> = HashSet::new();
        if let Some(h) = host.as_deref() {
            for (selector, positions) in &self.plan().excepted {
                if self.misc_exceptions.get(selector).is_some_and(|e| e.iter().any(|d| d.name(h))) {
                    excluded.extend(positions);
                }
            }
        }
        specific.sort_unstable();
        specific.dedup();
        let path = url.and_then(super::parse_url).map(|u| {
            let mut p = u.path().to_owned();
            if let Some(q) = u.query() {
                p.push('?');
                p.push_str(q);
            }
            p
        });
        ForPage {
            lists: self,
            host,
            path,
            specific,
            excluded,
            exceptions: resources.exceptions,
            generichide: resources.generichide,
        }
    }

    /// The line a key the engine returned is attributed to: one naming the host, else a
    /// generic one, else the first (the engine matched it some other way).
    fn attribute(&self, key: &str, host: Option<&str>) -> Option<u32> {
        let lines = self.by_key.get(key)?;
        let named = host.and_then(|h| lines.iter().copied().find(|&i| self.filters[i as usize].names_host(h)));
        named.or_else(|| lines.iter().copied().find(|&i| self.filters[i as usize].generic())).or(lines.first().copied())
    }
}

/// The filters of one page: its host's, then the generic ones its classes and ids call for.
pub struct ForPage<'a> {
    lists: &'a FilterLists,
    host: Option<String>,
    /// The URL's path and query, for `:matches-path()`.
    pub path: Option<String>,
    specific: Vec<u32>,
    /// Positions of the [`GenericPlan`] that do not apply here.
    excluded: HashSet<u32>,
    exceptions: HashSet<String>,
    generichide: bool,
}

impl<'a> ForPage<'a> {
    /// The generic filters indexed once, when they apply here, and the positions that do not.
    pub fn plan(&self) -> Option<(&'a GenericPlan, &HashSet<u32>)> {
        (!self.generichide).then(|| (self.lists.plan(), &self.excluded))
    }

    /// The compiled filter at `position` of the plan.
    pub fn planned(&self, position: u32) -> Option<&'a Compiled> {
        self.lists.planned(position)
    }

    /// Attribute names to keep when the page is prepared for parsing.
    pub fn attributes(&self) -> impl Iterator<Item = &'a String> + '_ {
        let lists = self.lists;
        lists
            .generic_attributes
            .iter()
            .chain(self.specific.iter().flat_map(move |&i| lists.filters[i as usize].attributes.iter()))
    }

    /// Every compiled filter that applies, in list order: the host's and the generic ones for
    /// these classes and ids (unless an exception switched generic filters off for the site).
    pub fn applicable<'c>(
        &self,
        classes: impl IntoIterator<Item = &'c str>,
        ids: impl IntoIterator<Item = &'c str>,
    ) -> Vec<&'a Compiled> {
        let mut all = self.specific.clone();
        if !self.generichide {
            for key in self.lists.engine.hidden_class_id_selectors(classes, ids, &self.exceptions) {
                if let Some(i) = self.lists.attribute(&key, self.host.as_deref()) {
                    all.push(i);
                }
            }
        }
        all.sort_unstable();
        all.dedup();
        all.into_iter().filter_map(|i| self.lists.compiled(i).ok()).collect()
    }
}

/// The key the engine answers with: a plain selector as it is, anything else as the JSON of
/// adblock's procedural filter (the form its `procedural_actions` hold).
fn key(selector: &[CosmeticFilterOperator], remove: bool) -> String {
    match (selector, remove) {
        ([CosmeticFilterOperator::CssSelector(s)], false) => s.clone(),
        _ => serde_json::to_string(&ProceduralOrActionFilter {
            selector: selector.to_vec(),
            action: remove.then_some(CosmeticFilterAction::Remove),
        })
        .unwrap_or_default(),
    }
}

/// Network options that turn a site's cosmetic filtering off.
fn has_hide_exception_option(line: &str) -> bool {
    line.rsplit_once('$').is_some_and(|(_, options)| {
        options.split(',').any(|o| matches!(o.trim(), "generichide" | "ghide" | "elemhide" | "ehide" | "document"))
    })
}

/// Operators a page without a browser cannot answer.
fn unsupported(op: &CosmeticFilterOperator) -> Option<&'static str> {
    match op {
        CosmeticFilterOperator::MatchesCss(_)
        | CosmeticFilterOperator::MatchesCssBefore(_)
        | CosmeticFilterOperator::MatchesCssAfter(_) => Some(":matches-css(): needs a browser's computed styles"),
        CosmeticFilterOperator::Xpath(_) => Some(":xpath(): not evaluated"),
        _ => None,
    }
}

fn compile(f: &Filter, list: &ListReport) -> Result<Compiled, String> {
    let css =
        |s: &str| Css::parse(s.trim()).map_err(|e| format!("declutter's CSS engine cannot read {:?}: {e:?}", s.trim()));
    let Some(CosmeticFilterOperator::CssSelector(base)) = f.selector.first() else {
        return Err("no CSS selector to start from".into());
    };
    let selector = css(base)?;
    let mut steps = Vec::new();
    for op in &f.selector[1..] {
        let bad_pattern = |a: &str| format!("cannot read the pattern {a:?}");
        steps.push(match op {
            CosmeticFilterOperator::HasText(a) => Step::HasText(Pattern::parse(a).ok_or_else(|| bad_pattern(a))?),
            CosmeticFilterOperator::MatchesPath(a) => {
                Step::MatchesPath(Pattern::parse(a).ok_or_else(|| bad_pattern(a))?)
            }
            CosmeticFilterOperator::MinTextLength(a) => {
                Step::MinTextLength(a.trim().parse().map_err(|_| format!("not a length: {a:?}"))?)
            }
            CosmeticFilterOperator::Upward(a) => match a.trim().parse::<usize>() {
                Ok(n) if (1..=256).contains(&n) => Step::UpwardBy(n),
                Ok(_) => return Err(format!(":upward() takes 1 to 256, not {a}")),
                Err(_) => Step::UpwardTo(css(a)?),
            },
            CosmeticFilterOperator::MatchesAttr(a) => {
                let (name, value) = match a.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (a.as_str(), None),
                };
                let name = Pattern::parse(name).ok_or_else(|| bad_pattern(name))?;
                let value = value.map(|v| Pattern::parse(v).ok_or_else(|| bad_pattern(v))).transpose()?;
                Step::MatchesAttr(name, value)
            }
            CosmeticFilterOperator::CssSelector(s) => {
                let t = s.trim_start();
                let (combinator, rest) = match t.chars().next() {
                    Some('>') => (Combinator::Child, &t[1..]),
                    Some('+') => (Combinator::Adjacent, &t[1..]),
                    Some('~') => (Combinator::Sibling, &t[1..]),
                    _ if s.starts_with(char::is_whitespace) => (Combinator::Descendant, t),
                    _ => (Combinator::Same, t),
                };
                Step::Then(combinator, css(rest)?)
            }
            other => return Err(unsupported(other).unwrap_or("operator not evaluated").to_owned()),
        });
    }
    let location = Location { file: list.file.clone(), line: f.line as usize, column: 1 };
    let rule = Rule {
        id: format!("{}:{}", list.file, f.line),
        category: list.category,
        description: Some(f.text.to_string()),
        matcher: Matcher::Selector(Box::new(CssRule {
            selector,
            prefilter: Prefilter::from_source(base),
            attributes: crate::markup::prepare::selector_attributes(base),
        })),
        with_previous: None,
        with_next: None,
        location: location.clone(),
        examples: Examples { remove: Vec::new(), keep: Vec::new(), location, builtin: false },
    };
    Ok(Compiled { rule, steps })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(text: &str) -> FilterLists {
        FilterLists::new(vec![FilterSource::new("test.txt", text)])
    }

    fn ids(page: &ForPage<'_>, classes: &[&str], ids: &[&str]) -> Vec<String> {
        page.applicable(classes.iter().copied(), ids.iter().copied()).iter().map(|c| c.rule.id.clone()).collect()
    }

    #[test]
    fn lines_are_counted_by_kind() {
        let l = lists(
            "[Adblock Plus 2.0]\n! Title: Test list\n\n||ads.example.com^\n@@||example.org^$generichide\nexample.com##.promo\n##.ad-banner\nexample.com#@#.ad-banner\nexample.com##.w:style(color: red)\nexample.com##.z:matches-css(display: block)\nexample.com##+js(nobab)\n##.x:has-text(Ad)\nexample.com##^script\nexample.com##.box:has-text(Sponsored)\n",
        );
        let r = &l.reports()[0];
        assert_eq!(r.title.as_deref(), Some("Test list"));
        assert_eq!((r.lines, r.comments, r.network, r.hide, r.procedural, r.exceptions), (14, 3, 2, 3, 1, 2));
        assert_eq!(r.skipped.values().sum::<usize>(), 5, "{:?}", r.skipped);
        assert_eq!(r.category, Category::Ad);
    }

    #[test]
    fn host_filters_exceptions_and_exclusions() {
        let l = lists(
            "example.com##.promo\n##.ad-banner\nexample.com#@#.ad-banner\n~shop.example.com,example.com##.share\nexample.*##.entity\n",
        );
        let page = l.for_url(Some("https://www.example.com/story"));
        assert_eq!(ids(&page, &["ad-banner"], &[]), ["test.txt:1", "test.txt:4", "test.txt:5"]);
        let shop = l.for_url(Some("https://shop.example.com/"));
        assert_eq!(ids(&shop, &["ad-banner"], &[]), ["test.txt:1", "test.txt:5"]);
        let other = l.for_url(Some("https://example.org/"));
        assert_eq!(ids(&other, &["ad-banner"], &[]), ["test.txt:2", "test.txt:5"]);
        assert_eq!(ids(&other, &["nothing"], &[]), ["test.txt:5"]);
        let none = l.for_url(None);
        assert_eq!(ids(&none, &["ad-banner"], &[]), ["test.txt:2"]);
    }

    #[test]
    fn generic_exception_switches_a_generic_filter_off() {
        let l = lists("##.ad-banner\n###top-ad\n#@#.ad-banner\n");
        let page = l.for_url(Some("https://a.example/"));
        assert_eq!(ids(&page, &["ad-banner"], &["top-ad"]), ["test.txt:2"]);
    }

    #[test]
    fn site_generichide_keeps_only_its_own_filters() {
        let l = lists("##.ad-banner\nexample.org##.own\n@@||example.org^$generichide\n");
        let page = l.for_url(Some("https://example.org/"));
        assert_eq!(ids(&page, &["ad-banner", "own"], &[]), ["test.txt:2"]);
    }

    #[test]
    fn generic_filters_keyed_on_no_class_or_id_are_planned_once_with_their_site_exceptions() {
        let l = lists(
            "##[id^=\"div-gpt-ad\"]\n##a[href*=\"ads.\"] > img\nexample.com#@#[id^=\"div-gpt-ad\"]\n@@||quiet.example^$generichide\n",
        );
        assert_eq!(l.plan().filters, [0, 1]);
        let here = l.for_url(Some("https://www.example.com/"));
        assert_eq!(here.plan().map(|(_, excluded)| excluded.iter().copied().collect::<Vec<_>>()), Some(vec![0]));
        assert_eq!(l.planned(1).map(|c| c.rule.id.as_str()), Some("test.txt:2"));
        let elsewhere = l.for_url(Some("https://other.example/"));
        assert!(elsewhere.plan().is_some_and(|(_, excluded)| excluded.is_empty()));
        assert!(l.for_url(Some("https://quiet.example/")).plan().is_none());
        // They are not among the filters a page's classes and ids call for.
        assert!(elsewhere.applicable([], []).is_empty());
    }

    #[test]
    fn a_selector_written_twice_is_attributed_to_the_line_naming_the_host() {
        let l = lists("##.promo\nexample.com##.promo\nother.com##.promo\n");
        assert_eq!(ids(&l.for_url(Some("https://other.com/")), &["promo"], &[]), ["test.txt:3"]);
        assert_eq!(ids(&l.for_url(Some("https://x.net/")), &["promo"], &[]), ["test.txt:1"]);
    }

    #[test]
    fn procedural_filters_compile_into_steps() {
        let l = lists(
            "example.com##.box:has-text(/sponsor(ed)?/i):upward(2)\nexample.com##.y:remove()\nexample.com##div:min-text-length(5) > p\nexample.com##.a:matches-path(/amp)\n",
        );
        let page = l.for_url(Some("https://example.com/"));
        let found = page.applicable([], []);
        assert_eq!(found.len(), 4);
        assert!(matches!(&found[0].steps[..], [Step::HasText(Pattern::Regex(_)), Step::UpwardBy(2)]));
        assert!(found[1].steps.is_empty());
        assert!(matches!(&found[2].steps[..], [Step::MinTextLength(5), Step::Then(Combinator::Child, _)]));
        assert!(matches!(&found[3].steps[..], [Step::MatchesPath(Pattern::Text(t))] if t == "/amp"));
        assert_eq!(found[0].rule.description.as_deref(), Some("example.com##.box:has-text(/sponsor(ed)?/i):upward(2)"));
    }

    #[test]
    fn unreadable_selectors_are_reported_by_check_and_skipped() {
        let l = lists("##.ok\n##div:nth-child(\nexample.com##.good\n");
        let bad = l.check();
        assert!(bad.iter().all(|(f, n)| f == "test.txt" && n.line != 1 && n.line != 3), "{bad:?}");
        let page = l.for_url(Some("https://example.com/"));
        assert_eq!(ids(&page, &["ok"], &[]), ["test.txt:1", "test.txt:3"]);
    }

    #[test]
    fn category_follows_the_list() {
        assert_eq!(category_of("lists/easylist-cookie.txt", None), Category::Consent);
        assert_eq!(category_of("x.txt", Some("Fanboy's Social Blocking List")), Category::Share);
        assert_eq!(category_of("easylist.txt", Some("EasyList")), Category::Ad);
    }

    #[test]
    fn a_binary_file_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("list.txt");
        std::fs::write(&p, b"##.a\n##.b\n\x00\x01").unwrap();
        let e = FilterSource::read(&p).unwrap_err().to_string();
        assert!(e.ends_with(":3: not a text filter list (a NUL byte or a byte that is not UTF-8)"), "{e}");
    }
}
