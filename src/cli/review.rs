//! `declutter diff` and `declutter explain`, plus what the corpus commands
//! share: building a cleaner from flags, opening a corpus, writing output.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use super::{CleanerArgs, ColorChoice, CorpusArgs, DiffArgs, DiffFormat, ExplainArgs, ReportFormat, exit, report};
use crate::pipeline::files::{self, Durability, Sink};
use crate::review::compare::{self, Change, Tally};
use crate::review::corpus::{self, Corpus, CorpusOptions};
use crate::review::report::{ChangeReport, Report};
use crate::review::{diff as render, explain as why};
use crate::write::terminal::printable;
use crate::{Cleaned, Cleaner, Hints};

/// A cleaner from `--rules DIR` (or `dir`), `--no-extract`; rule errors printed.
pub(super) fn cleaner(args: &CleanerArgs, dir: Option<&Path>) -> Result<Cleaner, u8> {
    let set = super::rules::load(&args.rules, dir).map_err(|e| {
        eprintln!("{e}");
        report("the rules have errors; nothing was done");
        exit::USAGE
    })?;
    let builder = Cleaner::builder().rules(set).extract(!args.no_extract).text_model(!args.no_text_model);
    let cleaner = super::rules::with_filter_lists(builder, &args.rules)?.build().map_err(|e| {
        eprintln!("{e}");
        exit::USAGE
    })?;
    super::check_hints(&cleaner, &hints(args))?;
    Ok(cleaner)
}

pub(super) fn hints(args: &CleanerArgs) -> Hints {
    Hints {
        url: args.url.clone(),
        publisher: args.publisher.clone(),
        encoding: args.encoding.clone(),
        ..Hints::default()
    }
}

pub(super) fn open_corpus(args: &CorpusArgs) -> Result<Corpus, u8> {
    let glob = match args.glob.as_deref().map(globset::Glob::new) {
        None => None,
        Some(Ok(g)) => Some(g.compile_matcher()),
        Some(Err(e)) => {
            report(format!("bad --glob pattern: {e}"));
            return Err(exit::USAGE);
        }
    };
    let options = CorpusOptions {
        jsonl: args.jsonl,
        follow_links: args.follow_links,
        max_bytes: args.max_bytes.bytes().unwrap_or(usize::MAX),
        ..CorpusOptions::default()
    };
    let mut corpus = Corpus::open(&args.inputs, glob.as_ref(), options);
    corpus.take_notes().into_iter().for_each(|n| report(format!("note: {n}")));
    Ok(corpus)
}

/// The `-o FILE` (or standard output) sink; a failure to open it is reported.
fn open_sink(path: Option<&Path>) -> Result<Sink, u8> {
    Sink::open(path, Durability::Synced).map_err(|e| {
        super::output_failed(path, &e);
        exit::OUTPUT_FAILED
    })
}

/// Writes `text`, remembering the first failure; later writes are skipped.
fn write_to(sink: &mut Sink, text: &str, failure: &mut Option<io::Error>) {
    if failure.is_none()
        && let Err(e) = sink.write_all(text.as_bytes())
    {
        *failure = Some(e);
    }
}

/// Finishes the sink: the exit code for `code`, or for a failed write.
fn finish_sink(sink: Sink, to: Option<&Path>, failure: Option<io::Error>, code: u8) -> u8 {
    let result = match failure {
        Some(e) => Err(e),
        None => sink.finish(),
    };
    match result {
        Err(e) if super::output_failed(to, &e) => exit::OUTPUT_FAILED,
        _ => code,
    }
}

fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !to_file && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

pub(super) fn diff(args: &DiffArgs) -> u8 {
    if let Some(out) = &args.output
        && let Some(clash) = args.corpus.inputs.iter().find(|i| files::same_file(i, out))
    {
        report(format!("{} is also an input: refusing to write over it", clash.display()));
        return exit::USAGE;
    }
    if let (Some(before), Some(after)) = (&args.rules_before, &args.rules_after) {
        return rule_change(args, before, after);
    }
    let cleaner = match cleaner(&args.cleaner, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (corpus, mut sink) = match open_corpus(&args.corpus).and_then(|c| Ok((c, open_sink(args.output.as_deref())?))) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let base = hints(&args.cleaner);
    let style =
        render::Style { color: use_color(args.color, args.output.is_some()), context: args.context, full: args.full };
    let mut html = (args.format == DiffFormat::Html).then(|| Report::new(args.title.clone()));
    let mut failed = false;
    let mut write_failed: Option<io::Error> = None;
    corpus::process(
        corpus,
        |doc| cleaner.clean(&doc.bytes, &doc.hints(&base)),
        |item| {
            let (doc, result) = match item {
                Ok(x) => x,
                Err(e) => {
                    report(&e);
                    failed = true;
                    if let Some(r) = html.as_mut() {
                        r.add_error(e.split(": ").next().unwrap_or(""), &e);
                    }
                    return;
                }
            };
            let cleaned = match result {
                Ok(c) => c,
                Err(e) => {
                    report(format!("{}: {e}", doc.name));
                    failed = true;
                    if let Some(r) = html.as_mut() {
                        r.add_error(&doc.name, &e.to_string());
                    }
                    return;
                }
            };
            let text = match args.format {
                DiffFormat::Unified => render::unified(&doc.name, &cleaned, &style),
                DiffFormat::Json => format!("{}\n", render::json(&doc.name, &cleaned)),
                DiffFormat::Html => {
                    if let Some(r) = html.as_mut() {
                        r.add(&doc.name, &cleaned);
                    }
                    return;
                }
            };
            write_to(&mut sink, &text, &mut write_failed);
        },
    );
    if let Some(r) = html {
        write_to(&mut sink, &r.finish(), &mut write_failed);
    }
    let code = if failed { exit::INPUT_FAILED } else { exit::OK };
    finish_sink(sink, args.output.as_deref(), write_failed, code)
}

/// `diff --rules-before A --rules-after B`: only documents whose output changed.
fn rule_change(args: &DiffArgs, before: &Path, after: &Path) -> u8 {
    let (old, new) = match (cleaner(&args.cleaner, Some(before)), cleaner(&args.cleaner, Some(after))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let (corpus, mut sink) = match open_corpus(&args.corpus).and_then(|c| Ok((c, open_sink(args.output.as_deref())?))) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let color = use_color(args.color, args.output.is_some());
    let paint = |code: &str, text: &str| {
        let text = printable(text);
        if color { format!("{code}{text}\x1b[0m") } else { text.into_owned() }
    };
    let base = hints(&args.cleaner);
    let mut tally = Tally::default();
    let mut failed = false;
    let mut out = Vec::new();
    let mut html = (args.format == DiffFormat::Html).then(|| ChangeReport::new(args.title.clone()));
    corpus::process(
        corpus,
        |doc| {
            let hints = doc.hints(&base);
            (old.clean(&doc.bytes, &hints), new.clean(&doc.bytes, &hints))
        },
        |item| match item {
            Err(e) => {
                report(&e);
                failed = true;
                tally.failed += 1;
                if let Some(r) = html.as_mut() {
                    r.add_error(e.split(": ").next().unwrap_or(""), &e);
                }
            }
            Ok((doc, (Ok(b), Ok(a)))) => {
                let change = compare::compare(&doc.name, &b, &a);
                tally.add(change.as_ref());
                if let Some(change) = change {
                    match (args.format, html.as_mut()) {
                        (_, Some(r)) => r.add(&doc.name, &a, &change),
                        (DiffFormat::Json, _) => {
                            out.push(format!("{}\n", serde_json::to_string(&change).unwrap_or_default()))
                        }
                        _ => out.push(describe_change(&change, &paint)),
                    }
                }
            }
            Ok((doc, (Err(e), _) | (_, Err(e)))) => {
                report(format!("{}: {e}", doc.name));
                failed = true;
                tally.failed += 1;
                if let Some(r) = html.as_mut() {
                    r.add_error(&doc.name, &e.to_string());
                }
            }
        },
    );
    let mut text: String = out.concat();
    match (args.format, html) {
        (_, Some(r)) => text = r.finish(&tally),
        (DiffFormat::Json, _) => {
            text.push_str(&format!("{}\n", serde_json::json!({ "summary": tally })));
        }
        _ => text.push_str(&printable(&describe_tally(&tally))),
    }
    let mut write_failed = None;
    write_to(&mut sink, &text, &mut write_failed);
    let code = if failed { exit::INPUT_FAILED } else { exit::OK };
    finish_sink(sink, args.output.as_deref(), write_failed, code)
}

fn describe_change(change: &compare::DocumentChange, paint: &dyn Fn(&str, &str) -> String) -> String {
    let mut o = format!("=== {}\n", printable(&change.document));
    for c in &change.changes {
        let line = match c {
            Change::NewlyRemoved { text, rule, category } => {
                paint("\x1b[31m", &format!("- [{rule} · {category}] newly removed: {}", one_line(text)))
            }
            Change::NewlyKept { text, was_removed_by } => paint(
                "\x1b[32m",
                &format!(
                    "+ [{}] newly kept: {}",
                    was_removed_by.as_deref().map_or("was not a rule's".to_owned(), |r| format!("was {r}")),
                    one_line(text)
                ),
            ),
            Change::Edited { before, after, rules } => {
                paint("\x1b[33m", &format!("~ [{}] {} → {}", rules.join(", "), one_line(before), one_line(after)))
            }
        };
        o.push_str(&line);
        o.push('\n');
    }
    o
}

fn describe_tally(t: &Tally) -> String {
    let mut o = format!(
        "\n{} of {} documents changed{}\n",
        t.changed,
        t.documents,
        if t.failed > 0 { format!(" ({} failed)", t.failed) } else { String::new() }
    );
    for (rule, r) in &t.by_rule {
        o.push_str(&format!(
            "  {rule:<34} {:>4} newly removed {:>4} newly kept {:>4} edited, in {} documents\n",
            r.newly_removed, r.newly_kept, r.edited, r.documents
        ));
    }
    o
}

fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 160 { format!("{}…", joined.chars().take(160).collect::<String>()) } else { joined }
}

pub(super) fn explain(args: &ExplainArgs) -> u8 {
    super::rules::resolve(&args.cleaner.rules, None).note_unread_local_rules();
    let cleaner = match cleaner(&args.cleaner, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let name = args.input.display().to_string();
    if let Some(kind) = crate::pipeline::detect::detect(&args.input).filter(|k| k.is_stream()) {
        report(format!(
            "{name} is {}: explain takes one page; `declutter diff {name}` shows every record before and after",
            kind.describe()
        ));
        return exit::USAGE;
    }
    let bytes = match files::read(&args.input, args.max_bytes.bytes().unwrap_or(usize::MAX)) {
        Ok(b) => b,
        Err(e) => {
            report(format!("{name}: {e}"));
            return exit::INPUT_FAILED;
        }
    };
    let hints = hints(&args.cleaner);
    let cleaned: Cleaned = match cleaner.clean(&bytes, &hints) {
        Ok(c) => c,
        Err(e) => {
            report(format!("{name}: {e}"));
            return exit::INPUT_FAILED;
        }
    };
    let e = why::explain(&name, &cleaner, &hints, &cleaned);
    let text = match args.format {
        ReportFormat::Text => e.to_text(),
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(&e).unwrap_or_default()),
    };
    let mut sink = Sink::stdout();
    let mut write_failed = None;
    write_to(&mut sink, &text, &mut write_failed);
    finish_sink(sink, None, write_failed, exit::OK)
}
