//! `declutter rules check|list|test|stats|suggest|new`.

use std::path::{Path, PathBuf};

use super::{CleanerArgs, CorpusArgs, ReportFormat, RulesArgs, SuggestFormat, exit, report};
use crate::pipeline::files::{Durability, write_atomically, write_new};
use crate::review::explain::kind;
use crate::review::stats::Stats;
use crate::review::suggest::{self, Collector, SuggestOptions};
use crate::review::{corpus, fixtures, scaffold};
use crate::rules::{Layer, RuleSet, RuleSource, RulesError};
use crate::{Cleaner, Hints, InputFormat};

/// The environment variable naming the rules folders when no `--rules` is given.
pub(super) const RULES_ENV: &str = "DECLUTTER_RULES";

/// Where a command's rules come from.
#[derive(Debug, Clone)]
pub(super) struct Sources {
    pub builtin: bool,
    /// Lowest first: each is layered over the built-in rules and the folders before it.
    pub folders: Vec<PathBuf>,
}

/// The one resolution every command's rules go through: the built-in rules
/// (unless `--no-builtin-rules`), then the `--rules` folders and `extra` (the
/// positional `DIR` of `rules check`/`rules test`, or a `diff --rules-before`/
/// `--rules-after` side), or, when none is named, the folders in
/// `$DECLUTTER_RULES`. Never `./rules` unless named: a command's output must
/// not change with the directory it runs in.
pub(super) fn resolve(args: &RulesArgs, extra: Option<&Path>) -> Sources {
    let mut folders = args.dirs.clone();
    folders.extend(extra.map(Path::to_path_buf));
    if folders.is_empty()
        && let Some(value) = std::env::var_os(RULES_ENV)
    {
        folders = std::env::split_paths(&value).filter(|p| !p.as_os_str().is_empty()).collect();
    }
    Sources { builtin: !args.no_builtin_rules, folders }
}

impl Sources {
    pub fn load(&self) -> Result<RuleSet, RulesError> {
        if self.builtin { RuleSet::over_builtin(&self.folders) } else { RuleSet::from_folders(&self.folders) }
            .and_then(RuleSet::checked)
    }

    /// With no folder named, a `./rules` folder that is not read can surprise
    /// whoever expected it to be: the diagnostic commands say so.
    pub fn note_unread_local_rules(&self) {
        let local = Path::new("rules");
        let looks_like_rules = local.join("default.toml").is_file() || local.join("publishers").is_dir();
        if looks_like_rules && self.folders.is_empty() {
            report("note: ./rules is not read unless named: --rules rules (or DECLUTTER_RULES=rules)");
        }
    }
}

/// The `--filter-list` files, read; an unreadable one is reported by name (exit 2). A list
/// with lines no filter syntax reads, or with no element-hiding filter, gets a note.
pub(super) fn filter_lists(args: &RulesArgs) -> Result<Option<crate::rules::FilterLists>, u8> {
    if args.filter_lists.is_empty() {
        return Ok(None);
    }
    let lists = crate::rules::FilterLists::read(&args.filter_lists).map_err(|e| {
        report(e);
        exit::USAGE
    })?;
    for r in lists.reports() {
        if r.hide == 0 {
            report(format!(
                "note: {}: no element-hiding filter ({} request filters): it removes nothing from pages",
                r.file, r.network
            ));
        } else if r.unreadable_total > 0 {
            report(format!(
                "note: {}: {} lines no filter syntax reads, skipped (`declutter rules check --filter-list {}` lists them)",
                r.file, r.unreadable_total, r.file
            ));
        }
    }
    Ok(Some(lists))
}

/// What each filter list holds and which of its lines go unused, for `rules check`.
fn describe_lists(
    lists: &crate::rules::FilterLists,
    unusable: &[(String, crate::rules::filter_list::LineNote)],
) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    for r in lists.reports() {
        let _ = writeln!(
            o,
            "Filter list {}{}: {} lines: {} element-hiding filters ({} procedural), {} exceptions, {} request filters (not for page text), {} comments; removals reported as {}",
            r.file,
            r.title.as_deref().map(|t| format!(" ({t})")).unwrap_or_default(),
            r.lines,
            r.hide,
            r.procedural,
            r.exceptions,
            r.network,
            r.comments,
            r.category,
        );
        for (why, n) in &r.skipped {
            let _ = writeln!(o, "  skipped {n}: {why}");
        }
        let bad: Vec<_> = unusable.iter().filter(|(f, _)| *f == r.file).collect();
        if !bad.is_empty() {
            let _ = writeln!(o, "  {} filters with a selector declutter cannot use, skipped:", bad.len());
            for (file, note) in bad.iter().take(crate::rules::filter_list::NOTES_KEPT) {
                let _ = writeln!(o, "    {file}:{note}");
            }
        }
        if r.unreadable_total > 0 {
            let _ = writeln!(o, "  {} lines no filter syntax reads, skipped:", r.unreadable_total);
            for note in &r.unreadable {
                let _ = writeln!(o, "    {}:{note}", r.file);
            }
            if r.unreadable_total > r.unreadable.len() {
                let _ = writeln!(o, "    … and {} more", r.unreadable_total - r.unreadable.len());
            }
        }
    }
    o
}

/// `builder` with the `--filter-list` files, if any.
pub(super) fn with_filter_lists(builder: crate::CleanerBuilder, args: &RulesArgs) -> Result<crate::CleanerBuilder, u8> {
    Ok(match filter_lists(args)? {
        Some(lists) => builder.filter_lists(lists),
        None => builder,
    })
}

/// Loads the rules [`resolve`] finds.
pub(super) fn load(args: &RulesArgs, extra: Option<&Path>) -> Result<RuleSet, RulesError> {
    resolve(args, extra).load()
}

pub(super) fn check(rules: &RulesArgs, dir: Option<&Path>, format: ReportFormat) -> u8 {
    let sources = resolve(rules, dir);
    sources.note_unread_local_rules();
    // Every example, the built-in rules' too (a cleaner skips those: see `RuleSet::checked`).
    let loaded = sources.load().and_then(RuleSet::checked_all);
    // Lines of filter lists that cannot be used are warnings: lists carry lines for other blockers.
    let lists = match crate::rules::FilterLists::read(&rules.filter_lists) {
        Ok(l) => l,
        Err(e) => {
            report(e);
            return exit::USAGE;
        }
    };
    let unusable = lists.check();
    if format == ReportFormat::Json {
        let v = match &loaded {
            Ok(set) => serde_json::json!({
                "ok": true,
                "sources": set.layers(),
                "rules": set.rules().len(),
                "files": set.files(),
                "publishers": set.publishers().len(),
                "examples": examples(set),
                "filter_lists": lists.reports().iter().map(|r| {
                    let bad: Vec<&crate::rules::filter_list::LineNote> =
                        unusable.iter().filter(|(f, _)| *f == r.file).map(|(_, n)| n).collect();
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    v["unusable_selectors"] = serde_json::json!(bad);
                    v
                }).collect::<Vec<_>>(),
                "errors": [],
            }),
            Err(e) => {
                let errors: Vec<serde_json::Value> = e
                    .errors()
                    .iter()
                    .map(|r| serde_json::json!({"file": r.file, "line": r.line, "column": r.column, "rule": r.rule, "message": r.message}))
                    .collect();
                let errors =
                    if errors.is_empty() { vec![serde_json::json!({"message": e.to_string()})] } else { errors };
                serde_json::json!({"ok": false, "errors": errors})
            }
        };
        outln!("{v}");
        return if loaded.is_ok() { exit::OK } else { exit::USAGE };
    }
    match loaded {
        Ok(set) => {
            out!("{}", crate::write::terminal::printable(&crate::rules::describe_layers(set.layers())));
            out!("{}", crate::write::terminal::printable(&describe_lists(&lists, &unusable)));
            outln!(
                "ok: {} rules in {} files ({} publishers), {} examples pass",
                set.rules().len(),
                set.files().len(),
                set.publishers().len(),
                examples(&set)
            );
            exit::OK
        }
        Err(e) => {
            for line in e.to_string().lines() {
                eprintln!("{line}");
            }
            let n = e.errors().len();
            if n > 0 {
                report(format!("{n} error{} in the rules", if n == 1 { "" } else { "s" }));
            }
            exit::USAGE
        }
    }
}

fn examples(set: &RuleSet) -> usize {
    set.rules().iter().map(|r| r.examples.remove.len() + r.examples.keep.len()).sum()
}

pub(super) fn list(rules: &RulesArgs, format: ReportFormat) -> u8 {
    let set = match load(rules, None) {
        Ok(s) => s,
        Err(e) => {
            report(e);
            return exit::USAGE;
        }
    };
    if format == ReportFormat::Json {
        let publishers: Vec<serde_json::Value> = set
            .publishers()
            .iter()
            .map(|p| serde_json::json!({"key": p.key, "name": p.name, "domains": p.domains, "file": p.file, "disable": p.disable}))
            .collect();
        let rules: Vec<serde_json::Value> = set
            .rules()
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "category": r.category, "kind": kind(r), "location": r.location.to_string(), "description": r.description}))
            .collect();
        outln!("{}", serde_json::json!({"sources": set.layers(), "publishers": publishers, "rules": rules}));
        return exit::OK;
    }
    for p in set.publishers() {
        outln!("publisher {} ({}): {}", p.key, p.name, p.domains.join(", "));
    }
    for r in set.rules() {
        outln!("{:<28} {:<10} {:<9} {}", r.id, r.category, kind(r), r.location);
    }
    exit::OK
}

/// `rules test`: examples (run while loading) and every fixture case.
pub(super) fn test(
    rules: &RulesArgs,
    dir: Option<&Path>,
    fixtures: Option<&Path>,
    update: bool,
    format: ReportFormat,
) -> u8 {
    let sources = resolve(rules, dir);
    sources.note_unread_local_rules();
    let set = match sources.load() {
        Ok(s) => s,
        Err(e) => {
            for line in e.to_string().lines() {
                eprintln!("{line}");
            }
            report("the rules do not load (failing examples included); no fixture was run");
            return exit::USAGE;
        }
    };
    let examples = examples(&set);
    let root = match fixtures {
        Some(f) => f.to_path_buf(),
        None => match sources.folders.last().and_then(|d| d.parent()).map(|p| p.join("fixtures")) {
            Some(beside) if beside.is_dir() => beside,
            _ => Path::new("fixtures").to_path_buf(),
        },
    };
    let cases = match fixtures::cases(&root) {
        Ok(c) => c,
        Err(e) if fixtures.is_none() && !root.exists() => {
            let _ = e;
            Vec::new()
        }
        Err(e) => {
            report(e);
            return exit::USAGE;
        }
    };
    let Ok(builder) = with_filter_lists(Cleaner::builder().rules(set), rules) else { return exit::USAGE };
    let cleaner = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            report(e);
            return exit::USAGE;
        }
    };
    let results: Vec<(String, fixtures::Outcome)> = {
        use rayon::prelude::*;
        cases.par_iter().map(|c| (c.group.clone(), fixtures::run_case(&cleaner, c, update))).collect()
    };
    let failures: Vec<&fixtures::Failure> = results.iter().flat_map(|(_, o)| &o.failures).collect();
    let updated: Vec<&fixtures::Updated> = results.iter().flat_map(|(_, o)| &o.updated).collect();
    let failed_cases = results.iter().filter(|(_, o)| !o.failures.is_empty()).count();
    // A run that tests no case is not a pass, unless there is no fixtures
    // folder at all yet (a new rules folder: its examples are what there is).
    let empty =
        cases.is_empty().then(|| if fixtures.is_none() && !root.exists() { Empty::NoFolder } else { Empty::NoCases });
    let empty_note = match empty {
        Some(Empty::NoFolder) => Some(format!(
            "warning: no fixtures folder ({} not found): only the rules' examples ran; add \
             fixtures/<publisher>/<case>.html (or .txt) and run `declutter rules test --update` to write its .expected.txt",
            root.display()
        )),
        Some(Empty::NoCases) => Some(format!(
            "no fixture cases in {}: a case is <group>/<case>.html or .txt (with <case>.expected.txt); nothing was tested",
            root.display()
        )),
        None => None,
    };
    let ok = failed_cases == 0 && empty != Some(Empty::NoCases);
    match format {
        ReportFormat::Json => {
            let v = serde_json::json!({
                "ok": ok,
                "rules": cleaner.rules().rules().len(),
                "examples": examples,
                "fixtures": root,
                "cases": cases.len(),
                "failed": failed_cases,
                "failures": failures,
                "updated": updated,
                "note": empty_note,
            });
            outln!("{v}");
        }
        ReportFormat::Text => {
            for f in &failures {
                outln!("FAIL {}\n{}", f.case, f.message.trim_end());
            }
            for u in &updated {
                outln!("{} {} ({})", if u.created { "created" } else { "updated" }, u.path.display(), u.case);
            }
            let mut groups: Vec<(&str, usize, usize)> = Vec::new();
            for (group, o) in &results {
                let bad = usize::from(!o.failures.is_empty());
                match groups.iter_mut().find(|(g, _, _)| g == group) {
                    Some(g) => {
                        g.1 += 1;
                        g.2 += bad;
                    }
                    None => groups.push((group, 1, bad)),
                }
            }
            for (group, n, bad) in &groups {
                let publisher = cleaner.rules().publisher_by_name(group).map(|_| " (publisher)").unwrap_or("");
                outln!("{group}{publisher}: {} of {n} cases pass", n - bad);
            }
            if let Some(note) = &empty_note {
                eprintln!("declutter: {note}");
            }
            let fixtures_part = if cases.is_empty() {
                format!("no fixture cases ({})", root.display())
            } else {
                format!("{} of {} fixture cases pass ({})", cases.len() - failed_cases, cases.len(), root.display())
            };
            let updated_part = match updated.len() {
                0 => String::new(),
                1 => "; 1 expected file written".to_owned(),
                n => format!("; {n} expected files written"),
            };
            outln!(
                "{}: {} rules, {examples} examples pass; {fixtures_part}{updated_part}",
                if ok { "ok" } else { "FAILED" },
                cleaner.rules().rules().len(),
            );
        }
    }
    if ok { exit::OK } else { exit::INPUT_FAILED }
}

/// Why a `rules test` run had no fixture case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Empty {
    /// No fixtures folder: a warning.
    NoFolder,
    /// A fixtures folder (found or given) without a case: a failure.
    NoCases,
}

/// `rules stats CORPUS`.
pub(super) fn stats(corpus_args: &CorpusArgs, cleaner_args: &CleanerArgs, long: usize, format: ReportFormat) -> u8 {
    let cleaner = match super::review::cleaner(cleaner_args, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let corpus = match super::review::open_corpus(corpus_args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let base = super::review::hints(cleaner_args);
    let mut stats = Stats::new(long);
    corpus::process(
        corpus,
        |doc| cleaner.clean(&doc.bytes, &doc.hints(&base)),
        |item| match item {
            Ok((doc, Ok(cleaned))) => stats.add(&doc.name, &cleaned),
            Ok((doc, Err(e))) => {
                report(format!("{}: {e}", doc.name));
                stats.failed += 1;
            }
            Err(e) => {
                report(e);
                stats.failed += 1;
            }
        },
    );
    stats.finish(cleaner.rules());
    match format {
        ReportFormat::Text => out!("{}", stats.to_text()),
        ReportFormat::Json => outln!("{}", serde_json::to_string(&stats).unwrap_or_default()),
    }
    if stats.failed > 0 { exit::INPUT_FAILED } else { exit::OK }
}

/// `rules suggest CORPUS`.
pub(super) fn suggest(
    corpus_args: &CorpusArgs,
    rules: &RulesArgs,
    publisher: Option<&str>,
    no_extract: bool,
    options: &SuggestOptions,
    format: SuggestFormat,
) -> u8 {
    let set = match load(rules, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return exit::USAGE;
        }
    };
    // --publisher: a known publisher (its domains), else a domain.
    let (wanted_domains, site_name): (Vec<String>, Option<String>) = match publisher {
        None => (Vec::new(), None),
        Some(p) => match set.publisher_by_name(p) {
            Some(i) => (set.publishers()[i].domains.clone(), Some(set.publishers()[i].key.clone())),
            None => (vec![p.trim_start_matches("www.").to_ascii_lowercase()], Some(p.to_owned())),
        },
    };
    let publisher_index = publisher.and_then(|p| set.publisher_by_name(p));
    let Ok(builder) = with_filter_lists(Cleaner::builder().rules(set).extract(!no_extract), rules) else {
        return exit::USAGE;
    };
    let cleaner = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            report(e);
            return exit::USAGE;
        }
    };
    let corpus = match super::review::open_corpus(corpus_args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut collector = Collector::new();
    let mut failed = 0usize;
    corpus::process(
        corpus,
        |doc| {
            let mut hints = doc.hints(&Hints::default());
            if let Some(i) = publisher_index {
                hints.publisher = Some(cleaner.rules().publishers()[i].key.clone());
            }
            cleaner.clean(&doc.bytes, &hints)
        },
        |item| match item {
            Ok((doc, Ok(cleaned))) => {
                let host = doc
                    .url
                    .as_deref()
                    .or(cleaned.metadata.canonical_url.as_deref())
                    .and_then(crate::rules::host_of)
                    .map(|h| h.trim_start_matches("www.").to_owned());
                let site = match (&site_name, host) {
                    (Some(name), None) => name.clone(),
                    (Some(name), Some(h)) => {
                        if !wanted_domains.iter().any(|d| crate::rules::host_matches(&h, d)) {
                            return;
                        }
                        name.clone()
                    }
                    (None, Some(h)) => h,
                    (None, None) => "(no url)".to_owned(),
                };
                // The markup decoded as the clean decoded it (legacy charsets included).
                let html = (cleaned.format == InputFormat::Html)
                    .then(|| {
                        let options = crate::load::LoadOptions { format: InputFormat::Html, ..Default::default() };
                        crate::load::load(&doc.bytes, &options).ok().map(|s| s.text)
                    })
                    .flatten();
                collector.add(&site, &cleaned, html.as_deref());
            }
            Ok((doc, Err(e))) => {
                report(format!("{}: {e}", doc.name));
                failed += 1;
            }
            Err(e) => {
                report(e);
                failed += 1;
            }
        },
    );
    if collector.too_deep_pages() > 0 {
        report(format!(
            "note: on {} page(s), elements nested below 64 laid-out boxes were not considered (too deep to lay out each)",
            collector.too_deep_pages()
        ));
    }
    let sites = collector.finish(options);
    match format {
        SuggestFormat::Toml => {
            if sites.is_empty() {
                eprintln!(
                    "declutter: no site has {} or more pages; nothing to suggest (sites are told apart by URL)",
                    options.min_pages
                );
            }
            out!("{}", suggest::to_toml(&sites));
        }
        SuggestFormat::Json => outln!("{}", serde_json::to_string(&sites).unwrap_or_default()),
    }
    if failed > 0 { exit::INPUT_FAILED } else { exit::OK }
}

/// `rules new`: a commented publisher file; never over an existing one unless
/// `force`, and never one that would not load where it will be used (over
/// the built-in rules and the folder's other files).
pub(super) fn new(name: &str, domains: &[String], dir: Option<&Path>, force: bool, format: ReportFormat) -> u8 {
    let env_folders = resolve(&RulesArgs::default(), None).folders;
    let dir = dir.map(Path::to_path_buf).or_else(|| env_folders.last().cloned()).unwrap_or_else(|| "rules".into());
    let in_env = env_folders.last() == Some(&dir);
    if let Some(problem) = scaffold::name_problem(name) {
        report(problem);
        return exit::USAGE;
    }
    let stem = scaffold::file_stem(name);
    if let Some(bad) = domains.iter().find(|d| !scaffold::valid_domain(d)) {
        report(format!("--domain {bad:?} is not a host name such as example.com (no scheme, no path)"));
        return exit::USAGE;
    }
    let folder = dir.join("publishers");
    let path = folder.join(format!("{stem}.toml"));
    if !force && path.exists() {
        report(format!("{} exists; not overwriting it (--force replaces it)", path.display()));
        return exit::USAGE;
    }
    let text = scaffold::publisher_file(name, domains);
    // The set the file will be part of: the built-in rules, the lower
    // $DECLUTTER_RULES folders when it goes into the last of them, and its folder.
    let lower: &[PathBuf] = if in_env { &env_folders[..env_folders.len() - 1] } else { &[] };
    let checked = (|| {
        let mut layers = vec![Layer::builtin()];
        for f in lower {
            layers.push(Layer::read(f)?);
        }
        let mut own = Layer::read(&dir).unwrap_or_else(|_| Layer::new(dir.display().to_string(), Vec::new()));
        own.sources.retain(|s| Path::new(&s.path) != path);
        own.sources.push(RuleSource::new(path.display().to_string(), text.clone()));
        layers.push(own);
        RuleSet::from_layers(layers)?.checked()
    })();
    let replaces = match &checked {
        Ok(set) => set.layers().last().map(|l| l.replaces.clone()).unwrap_or_default(),
        Err(e) => {
            let own = path.display().to_string();
            if e.errors().iter().any(|r| r.file == own) {
                for r in e.errors().iter().filter(|r| r.file == own) {
                    eprintln!("{r}");
                }
                report(format!("{} would not load; nothing written", path.display()));
                return exit::USAGE;
            }
            Vec::new()
        }
    };
    if let Err(e) = std::fs::create_dir_all(&folder) {
        report(format!("cannot write {}: {e}", folder.display()));
        return exit::OUTPUT_FAILED;
    }
    let written = if force {
        write_atomically(&path, text.as_bytes(), Durability::Synced)
    } else {
        write_new(&path, text.as_bytes())
    };
    match written {
        Ok(()) => {
            match format {
                ReportFormat::Json => outln!(
                    "{}",
                    serde_json::json!({"path": path, "publisher": name, "key": stem, "domains": domains, "replaces": replaces})
                ),
                ReportFormat::Text => {
                    let shown = dir.display();
                    outln!("wrote {} (publisher `{stem}`)", path.display());
                    for r in &replaces {
                        outln!("  it replaces the {r}: that file's rules no longer apply unless you copy them in");
                    }
                    if in_env {
                        outln!("{shown} is in ${RULES_ENV}: every command reads it, over the built-in rules");
                    } else {
                        outln!(
                            "use it with --rules {shown} (over the built-in rules), e.g. `declutter clean page.html --rules {shown} --url https://{}/…`",
                            domains.first().map(String::as_str).unwrap_or("example.com")
                        );
                    }
                    outln!("check it with `declutter rules test {shown}`");
                    let fixtures = dir.parent().unwrap_or(Path::new("")).join("fixtures").join(&stem);
                    outln!(
                        "add pages with their expected text under {}/ (page.html + page.expected.txt): rules test runs them with these rules",
                        fixtures.display()
                    );
                    if let Err(e) = &checked {
                        report(format!(
                            "note: the rules it is used with do not load yet ({}); see `declutter rules check {shown}`",
                            first_line(e)
                        ));
                    }
                }
            }
            exit::OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            report(format!("{} exists; not overwriting it (--force replaces it)", path.display()));
            exit::USAGE
        }
        Err(e) => {
            report(format!("cannot write {}: {e}", path.display()));
            exit::OUTPUT_FAILED
        }
    }
}

/// `declutter rules import ftr SRC -o DIR`.
pub(super) fn import_ftr(src: &Path, dir: &Path, force: bool, format: ReportFormat) -> u8 {
    use crate::import::ftr;
    let read = |path: &Path| -> Result<(String, String), String> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok((name, String::from_utf8_lossy(&bytes).into_owned()))
    };
    let mut files = Vec::new();
    if src.is_dir() {
        let entries = match std::fs::read_dir(src) {
            Ok(e) => e,
            Err(e) => {
                report(format!("cannot read {}: {e}", src.display()));
                return exit::USAGE;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        for p in paths {
            match read(&p) {
                Ok(f) => files.push(f),
                Err(e) => {
                    report(e);
                    return exit::USAGE;
                }
            }
        }
        if files.is_empty() {
            report(format!("{} holds no site config (*.txt) files", src.display()));
            return exit::USAGE;
        }
    } else {
        match read(src) {
            Ok(f) => files.push(f),
            Err(e) => {
                report(e);
                return exit::USAGE;
            }
        }
    }
    let (written, summary) = ftr::convert_all(&files);
    let paths: Vec<PathBuf> = written.iter().map(|(rel, _)| dir.join(rel)).collect();
    if !force && let Some(existing) = paths.iter().find(|p| p.exists()) {
        report(format!(
            "{} exists; nothing written (--force replaces the files the import writes)",
            existing.display()
        ));
        return exit::USAGE;
    }
    // Written only if the whole set loads over the built-in rules.
    let sources = written
        .iter()
        .zip(&paths)
        .map(|((_, text), p)| RuleSource::new(p.display().to_string(), text.clone()))
        .collect();
    if let Err(e) = RuleSet::from_layers(vec![Layer::builtin(), Layer::new(dir.display().to_string(), sources)])
        .and_then(RuleSet::checked)
    {
        eprintln!("{e}");
        report("the imported files would not load; nothing written");
        return exit::USAGE;
    }
    if let Err(e) = std::fs::create_dir_all(dir.join("publishers")) {
        report(format!("cannot write {}: {e}", dir.join("publishers").display()));
        return exit::OUTPUT_FAILED;
    }
    for ((_, text), path) in written.iter().zip(&paths) {
        let done = if force {
            write_atomically(path, text.as_bytes(), Durability::Synced)
        } else {
            write_new(path, text.as_bytes())
        };
        if let Err(e) = done {
            report(format!("cannot write {}: {e}", path.display()));
            return exit::OUTPUT_FAILED;
        }
    }
    let common = summary.common_reasons(15);
    match format {
        ReportFormat::Json => {
            let mut v = serde_json::to_value(&summary).unwrap_or_default();
            v["common"] = common.iter().map(|(r, n)| serde_json::json!({"reason": r, "count": n})).collect();
            v["output"] = serde_json::json!(dir);
            outln!("{v}");
        }
        ReportFormat::Text => {
            let share = |n: usize, of: usize| if of == 0 { 0.0 } else { 100.0 * n as f64 / of as f64 };
            outln!(
                "read {} site config{}, wrote {} publisher file{} to {}",
                summary.files,
                if summary.files == 1 { "" } else { "s" },
                summary.written,
                if summary.written == 1 { "" } else { "s" },
                dir.join("publishers").display()
            );
            if !summary.skipped.is_empty() {
                outln!("  skipped (not named after a host): {}", summary.skipped.join(", "));
            }
            outln!(
                "  complete (nothing left untranslated): {} ({:.1} %)",
                summary.complete,
                share(summary.complete, summary.files)
            );
            outln!(
                "  directives: {} read, {} converted ({:.1} %), {} kept as comments, {} not applicable, {} untranslated",
                summary.directives,
                summary.converted,
                share(summary.converted, summary.directives),
                summary.kept_as_comments,
                summary.not_applicable,
                summary.untranslated.len()
            );
            if summary.files == 1 {
                for u in &summary.untranslated {
                    outln!("  {}:{}: {}: {} ({})", u.file, u.line.line, u.line.directive, u.line.value, u.line.reason);
                }
            } else if !common.is_empty() {
                outln!("most common untranslated forms (each file's header lists its lines; --format json lists all):");
                for (reason, n) in &common {
                    outln!("  {n:6}  {reason}");
                }
            }
            outln!("use them with --rules {}", dir.display());
        }
    }
    exit::OK
}

fn first_line(e: &RulesError) -> String {
    let text = e.to_string();
    let n = e.errors().len();
    let first = text.lines().next().unwrap_or_default().to_owned();
    if n > 1 { format!("{first}, and {} more", n - 1) } else { first }
}
