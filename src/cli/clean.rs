//! `declutter clean`.

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;
use rayon::prelude::*;

use super::progress::{Progress, describe};
use super::{CleanArgs, exit, output_failed, report};
use crate::pipeline::detect::{InputKind, detect};
use crate::pipeline::files::{
    self, Durability, FileId, InputFile, ReadError, Sink, WalkOptions, same_file, write_atomically,
};
use crate::pipeline::{
    JsonlOptions, Output, RecordOutcome, Summary, clean_jsonl, clean_warc, open_input, removal_counts,
};
use crate::write::terminal::printable;
use crate::write::{self, Format};
use crate::{Cleaner, Hints};

pub(super) fn run(args: &CleanArgs) -> u8 {
    let cleaner = match build_cleaner(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let hints = Hints {
        url: args.url.clone(),
        publisher: args.publisher.clone(),
        encoding: args.encoding.clone(),
        format: args.input_format,
        repeated: None,
    };
    if let Err(code) = super::check_hints(&cleaner, &hints) {
        return code;
    }
    let inputs: Vec<PathBuf> = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    if let Some(out) = &args.output
        && let Some(clash) = inputs.iter().find(|i| same_file(i, out))
    {
        report(format!("{} is also an input: refusing to write over it", clash.display()));
        return exit::USAGE;
    }
    let matcher = match args.glob.as_deref().map(globset::Glob::new) {
        None => None,
        Some(Ok(g)) => Some(g.compile_matcher()),
        Some(Err(e)) => {
            report(format!("bad --glob pattern: {e}"));
            return exit::USAGE;
        }
    };
    if let Some(dir) = &args.output_dir
        && let Some(folder) = inputs.iter().find(|i| i.is_dir() && same_file(i, dir))
    {
        report(format!(
            "--output-dir {} is the input folder {}: the outputs would mix with the inputs (and be read as inputs next time); choose another folder",
            dir.display(),
            folder.display()
        ));
        return exit::USAGE;
    }
    if args.in_place && inputs.iter().any(|i| i == Path::new("-")) {
        report("--in-place needs files, not standard input");
        return exit::USAGE;
    }
    let walk = files::expand(
        &inputs,
        &WalkOptions { glob: matcher.as_ref(), follow_links: args.follow_links, skip: args.output_dir.as_deref() },
    );
    walk.notes.iter().for_each(|n| report(format!("note: {n}")));
    let walk_failed = !walk.errors.is_empty();
    walk.errors.into_iter().for_each(report);
    let kinds: Vec<Option<InputKind>> = walk.files.iter().map(|f| kind_of(args, &f.path)).collect();
    if let Err(message) = check_kinds(args, &walk.files, &kinds) {
        report(message);
        return exit::USAGE;
    }
    let streams = kinds.iter().any(|k| k.is_some_and(InputKind::is_stream));
    // An input that could not be read is taken as the others are; reading it says what is wrong.
    let fallback = match (streams, args.warc) {
        (false, _) => InputKind::Page,
        (true, true) => InputKind::Warc,
        (true, false) => InputKind::Jsonl,
    };
    let kinds: Vec<InputKind> = kinds.into_iter().map(|k| k.unwrap_or(fallback)).collect();
    let pool = match super::jsonl::thread_pool(args.jobs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // A batch writing files says how it goes and how it went; text on standard
    // output is the result itself, and a progress line would run through it.
    // (Record streams into one output have their own, in `jsonl::run`.)
    let batch = (args.output_dir.is_some() || args.in_place || args.output.is_some())
        && !(streams && args.output_dir.is_none());
    // Several pages: the blocks each site repeats, learned from the first ones.
    // The pages the table cannot change keep their first clean (not with
    // --in-place: a page is read again just before it is replaced).
    let mut hints = hints;
    let mut learned = files::LearnedPages::default();
    if !args.no_repeated_lines && !streams && walk.files.len() >= crate::clean::repeated::MIN_DOCUMENTS {
        let paths: Vec<PathBuf> = walk.files.iter().map(|f| f.path.clone()).collect();
        let max = args.max_bytes.bytes();
        learned = pool.install(|| files::learn_repeated(&cleaner, &hints, &paths, max, !args.in_place));
        hints.repeated = learned.table.clone();
    }
    let job = Job {
        cleaner: &cleaner,
        hints: &hints,
        format: args.format,
        max_bytes: args.max_bytes.bytes().unwrap_or(usize::MAX),
        fail_fast: args.fail_fast,
        records: super::jsonl::options(args, pool.current_num_threads()),
        totals: Mutex::new(Summary::default()),
        progress: Progress::new(args.quiet || !batch),
        learned: &learned,
    };
    let code = pool.install(|| {
        if args.in_place {
            in_place(&job, &walk.files)
        } else if let Some(dir) = &args.output_dir {
            to_dir(&job, &walk.files, &kinds, dir)
        } else if streams {
            let inputs: Vec<(PathBuf, InputKind)> =
                walk.files.iter().zip(&kinds).map(|(f, k)| (f.path.clone(), *k)).collect();
            super::jsonl::run(args, &cleaner, &hints, &job.records, &inputs)
        } else {
            to_stream(&job, &walk.files, args.output.as_deref())
        }
    });
    job.progress.finish();
    let totals = job.totals();
    // Nothing tried (the output could not be opened, no input found): nothing to sum up.
    if batch && !args.quiet && totals.documents > 0 {
        let mut present = kinds.clone();
        present.sort_by_key(|k| *k as u8);
        present.dedup();
        eprintln!("{}", describe(&totals, &present));
    }
    if walk_failed { code.max(exit::INPUT_FAILED) } else { code }
}

/// What an input is: `--jsonl`/`--warc` say it for every input, an explicit
/// `--input-format` makes every input a page; otherwise its name or its first
/// bytes tell ([`crate::pipeline::detect`]). `None`: it cannot be read.
fn kind_of(args: &CleanArgs, path: &Path) -> Option<InputKind> {
    if args.jsonl {
        Some(InputKind::Jsonl)
    } else if args.warc {
        Some(InputKind::Warc)
    } else if args.input_format != crate::InputFormat::Auto {
        Some(InputKind::Page)
    } else {
        detect(path)
    }
}

/// Usage problems the inputs' kinds show, before anything is cleaned: pages
/// and record streams in one output, record streams rewritten in place, and
/// the flags that only mean something for record streams given without one
/// (they would be silently ignored).
fn check_kinds(args: &CleanArgs, inputs: &[InputFile], kinds: &[Option<InputKind>]) -> Result<(), String> {
    let first = |kind: InputKind| inputs.iter().zip(kinds).find(|(_, k)| **k == Some(kind)).map(|(f, _)| f);
    let stream =
        first(InputKind::Jsonl).map(|f| (f, InputKind::Jsonl)).or(first(InputKind::Warc).map(|f| (f, InputKind::Warc)));
    if let Some((file, kind)) = stream {
        if args.output_dir.is_none()
            && let Some(page) = first(InputKind::Page)
        {
            return Err(format!(
                "{} is {} and {} is {}: one output cannot hold both JSONL records and page text; clean them in separate runs (--glob picks files from a folder), or with --output-dir (one output file per input)",
                file.path.display(),
                kind.describe(),
                page.path.display(),
                InputKind::Page.describe()
            ));
        }
        if args.in_place {
            return Err(format!(
                "{} is {}: --in-place rewrites pages; write its records with -o FILE or --output-dir DIR",
                file.path.display(),
                kind.describe()
            ));
        }
        if args.format != Format::Text && first(InputKind::Page).is_none() {
            return Err(format!(
                "{} is {}: its output is JSONL records with a plain-text \"text\" field, so --format {} would change nothing (--report adds the removals and metadata)",
                file.path.display(),
                kind.describe(),
                args.format.to_possible_value().map_or_else(String::new, |v| v.get_name().to_owned())
            ));
        }
    }
    let jsonl = first(InputKind::Jsonl).is_some();
    let warc = first(InputKind::Warc).is_some();
    if args.report && !jsonl && !warc {
        return Err("--report adds removals, metadata, encoding and extraction to JSONL and WARC records, and no input is one (.jsonl, .warc, --jsonl, --warc); for pages, --format json holds all of them".into());
    }
    let fields =
        [("--html-field", &args.html_field), ("--text-field", &args.text_field), ("--url-field", &args.url_field)];
    if let Some((flag, _)) = fields.iter().find(|(_, given)| given.is_some())
        && !jsonl
    {
        let warc = if warc { "; WARC records have no fields to name" } else { "" };
        return Err(format!("{flag} names a JSONL field, and no input is JSONL (.jsonl, .ndjson, --jsonl){warc}"));
    }
    Ok(())
}

/// What every input is cleaned with.
struct Job<'a> {
    cleaner: &'a Cleaner,
    hints: &'a Hints,
    format: Format,
    max_bytes: usize,
    /// Stop at the first input that fails: in input order for one output; in
    /// parallel runs, no input is started after a failure.
    fail_fast: bool,
    /// How record streams are read (`--output-dir` with JSONL or WARC inputs).
    records: JsonlOptions,
    /// The batch's totals so far, for the progress line and the closing summary.
    totals: Mutex<Summary>,
    progress: Progress,
    /// The first cleans the repeated-line table cannot change.
    learned: &'a files::LearnedPages,
}

/// Why an input has no output: it could not be read or cleaned, or its
/// output could not be written (a distinct exit code).
enum Failure {
    Input(String),
    Output(String),
}

/// The failures of a batch, reported as they come (around the progress line).
struct Failures<'a> {
    progress: &'a Progress,
    input: bool,
    output: bool,
    /// Inputs not started because of `--fail-fast`.
    skipped: usize,
}

impl<'a> Failures<'a> {
    fn new(job: &'a Job) -> Self {
        Failures { progress: &job.progress, input: false, output: false, skipped: 0 }
    }

    fn add(&mut self, failure: Failure) {
        match failure {
            Failure::Input(e) => {
                self.progress.say(e);
                self.input = true;
            }
            Failure::Output(e) => {
                self.progress.say(e);
                self.output = true;
            }
        }
    }

    fn code(&self) -> u8 {
        if self.skipped > 0 {
            self.progress.say(format!(
                "--fail-fast: stopped after the first failure; {} not cleaned",
                super::progress::count(self.skipped, "input")
            ));
        }
        if self.output {
            exit::OUTPUT_FAILED
        } else if self.input {
            exit::INPUT_FAILED
        } else {
            exit::OK
        }
    }
}

impl Job<'_> {
    /// One page cleaned and rendered, and counted in the totals either way.
    fn clean(&self, input: &InputFile) -> Result<String, String> {
        let mut outcome = RecordOutcome::default();
        let result = self.clean_counted(input, &mut outcome);
        outcome.failed = result.is_err();
        let mut totals = self.totals.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        totals.add(&outcome);
        self.progress.update(&Summary::default(), &totals);
        result
    }

    fn clean_counted(&self, input: &InputFile, outcome: &mut RecordOutcome) -> Result<String, String> {
        let name = input.path.display().to_string();
        let cleaned = match self.learned.take(&input.path) {
            Some((cleaned, bytes)) => {
                outcome.bytes = bytes;
                cleaned
            }
            None => {
                let bytes = files::read(&input.path, self.max_bytes).map_err(|e| format!("{name}: {e}"))?;
                outcome.bytes = bytes.len();
                self.cleaner.clean(&bytes, self.hints).map_err(|e| format!("{name}: {e}"))?
            }
        };
        outcome.removals = removal_counts(&cleaned);
        for l in &cleaned.limits {
            self.progress.say(format!("warning: {name}: {} limit: {} {}", l.limit, l.count, l.detail));
        }
        Ok(write::render(&cleaned, self.format, Some(&name)))
    }

    /// Counts a failure that [`Job::clean`] did not see: an input refused or
    /// not opened (`new_document`), or one cleaned whose output failed.
    fn fail(&self, new_document: bool) {
        let mut totals = self.totals.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        totals.failed += 1;
        totals.documents += usize::from(new_document);
    }

    /// The totals so far.
    fn totals(&self) -> Summary {
        self.totals.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Cleans one record stream into its own file (`--output-dir`), compressed
    /// by the target's extension. Failed records are error records in the
    /// file, as with `-o`; they make the input count as failed.
    fn stream_to(&self, input: &InputFile, kind: InputKind, target: &Path) -> Result<Summary, Failure> {
        let cannot_write = |e: io::Error| {
            self.fail(true);
            Failure::Output(format!("cannot write {}: {e}", target.display()))
        };
        let reader = open_input(&input.path).map_err(|e| {
            self.fail(true);
            Failure::Input(format!("{}: {}", input.path.display(), ReadError::from(e)))
        })?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(cannot_write)?;
        }
        let mut out = Output::new(Some(target), Sink::create(target, Durability::Synced).map_err(cannot_write)?)
            .map_err(cannot_write)?;
        let before = self.totals();
        let progress = |now: &Summary| self.progress.update(&before, now);
        let summary = match kind {
            InputKind::Warc => clean_warc(self.cleaner, self.hints, reader, &mut out, &self.records, progress),
            _ => clean_jsonl(self.cleaner, self.hints, reader, &mut out, &self.records, progress),
        }
        .map_err(cannot_write)?;
        self.totals.lock().unwrap_or_else(std::sync::PoisonError::into_inner).merge(&summary);
        out.finish().and_then(Sink::finish).map_err(cannot_write)?;
        Ok(summary)
    }
}

/// Every output written as soon as its input is cleaned, in input order, so
/// memory holds one document, however many there are. `-o FILE.gz` (`.zst`)
/// is compressed.
fn to_stream(job: &Job, inputs: &[InputFile], output: Option<&Path>) -> u8 {
    let opened = Sink::open(output, Durability::Synced).and_then(|sink| Output::new(output, sink));
    let mut out = match opened {
        Ok(o) => o,
        Err(e) => {
            output_failed(output, &e);
            return exit::OUTPUT_FAILED;
        }
    };
    // A compressed stream is flushed at the end only: a flush per document would cost its ratio.
    let plain = matches!(out, Output::Plain(_));
    let many = inputs.len() > 1;
    // Text and Markdown read on a terminal show control characters instead
    // of letting the page's escapes drive it; into a pipe or file they are data.
    let for_person = output.is_none() && job.format != Format::Json && std::io::stdout().is_terminal();
    let mut wrote_any = false;
    let mut failures = Failures::new(job);
    for (i, input) in inputs.iter().enumerate() {
        let rendered = match job.clean(input) {
            Ok(r) => r,
            Err(e) => {
                failures.add(Failure::Input(e));
                if job.fail_fast {
                    failures.skipped = inputs.len() - i - 1;
                    break;
                }
                continue;
            }
        };
        let written = if job.format == Format::Json {
            out.write_all(rendered.as_bytes()).and_then(|()| out.write_all(b"\n"))
        } else {
            let separator = if wrote_any { "\n" } else { "" };
            let header = if many { format!("{separator}==> {} <==\n", input.path.display()) } else { String::new() };
            let body = if for_person { printable(&rendered) } else { rendered.as_str().into() };
            out.write_all(printable(&header).as_bytes()).and_then(|()| out.write_all(body.as_bytes()))
        };
        // Each document as it is done: a reader downstream gets it now, not at the end.
        let written = written.and_then(|()| if plain { out.flush() } else { Ok(()) });
        wrote_any = true;
        if let Err(e) = written {
            // A closed pipe: nobody reads the rest, so it is not cleaned; dropping the
            // sink removes a temporary file, leaving `-o FILE` as it was.
            return if output_failed(output, &e) { exit::OUTPUT_FAILED } else { failures.code() };
        }
    }
    if let Err(e) = out.finish().and_then(Sink::finish)
        && output_failed(output, &e)
    {
        return exit::OUTPUT_FAILED;
    }
    failures.code()
}

/// Each input rewritten with its output. A symlink keeps pointing where it
/// did and its target is rewritten; a file named twice (two paths, a link
/// and its target, hard links) is cleaned once.
fn in_place(job: &Job, inputs: &[InputFile]) -> u8 {
    let mut failures = Failures::new(job);
    let mut seen: HashMap<FileId, &Path> = HashMap::new();
    let mut todo = Vec::new();
    for input in inputs {
        let unreadable = |e: io::Error| {
            job.fail(true);
            Failure::Input(format!("{}: {}", input.path.display(), ReadError::from(e)))
        };
        match std::fs::metadata(&input.path) {
            Ok(m) if !m.is_file() => {
                job.fail(true);
                failures.add(Failure::Input(format!(
                    "{}: not a regular file; --in-place rewrites regular files only",
                    input.path.display()
                )))
            }
            Ok(_) => match FileId::of(&input.path) {
                Ok(id) => match seen.get(&id) {
                    Some(first) => job.progress.say(format!(
                        "note: {}: the same file as {}; cleaned once",
                        input.path.display(),
                        first.display()
                    )),
                    None => {
                        seen.insert(id, &input.path);
                        todo.push(input);
                    }
                },
                Err(e) => failures.add(unreadable(e)),
            },
            Err(e) => failures.add(unreadable(e)),
        }
    }
    let stop = AtomicBool::new(job.fail_fast && failures.input);
    let results: Vec<Option<Result<(), Failure>>> = todo
        .par_iter()
        .map(|input| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let result = job.clean(input).map_err(Failure::Input).and_then(|rendered| {
                write_atomically(&input.path, rendered.as_bytes(), Durability::Synced).map_err(|e| {
                    job.fail(false);
                    Failure::Output(format!("cannot write {}: {e}", input.path.display()))
                })
            });
            if result.is_err() && job.fail_fast {
                stop.store(true, Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();
    for r in results {
        match r {
            None => failures.skipped += 1,
            Some(Ok(())) => {}
            Some(Err(f)) => failures.add(f),
        }
    }
    failures.code()
}

/// Cleans every input into `dir`, mirroring the input tree: pages on all
/// cores, then each record stream into its own JSONL file, one after
/// another (each on all cores: streams side by side would multiply the
/// window's memory bound). Every output path is planned before anything is
/// written: inputs whose outputs would share a path (`a.html` and `a.htm`,
/// `d1/a.html` and `d2/a.html`) are all refused, by name, so no run depends
/// on which one finishes last; an output that would land on an input is
/// refused too.
fn to_dir(job: &Job, inputs: &[InputFile], kinds: &[InputKind], dir: &Path) -> u8 {
    let extension = match job.format {
        Format::Text => "txt",
        Format::Markdown => "md",
        Format::Json => "json",
    };
    let targets: Vec<PathBuf> = inputs
        .iter()
        .zip(kinds)
        .map(|(i, k)| {
            dir.join(if k.is_stream() { stream_output(&i.relative) } else { page_output(&i.relative, extension) })
        })
        .collect();
    let refused = plan(inputs, &targets);
    let stop = AtomicBool::new(false);
    let pages: Vec<usize> = (0..inputs.len()).filter(|&i| !kinds[i].is_stream()).collect();
    let results: Vec<Option<Result<(), Failure>>> = pages
        .par_iter()
        .map(|&i| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let result = write_page(job, &inputs[i], &targets[i], refused[i].as_deref());
            if result.is_err() && job.fail_fast {
                stop.store(true, Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();
    let mut failures = Failures::new(job);
    for r in results {
        match r {
            None => failures.skipped += 1,
            Some(Ok(())) => {}
            Some(Err(f)) => failures.add(f),
        }
    }
    for i in (0..inputs.len()).filter(|&i| kinds[i].is_stream()) {
        if job.fail_fast && (failures.input || failures.output) {
            failures.skipped += 1;
            continue;
        }
        if let Some(why) = &refused[i] {
            job.fail(true);
            failures.add(Failure::Input(why.clone()));
            continue;
        }
        match job.stream_to(&inputs[i], kinds[i], &targets[i]) {
            Ok(summary) if summary.failed > 0 => failures.add(Failure::Input(format!(
                "{}: {} of {} records failed (error records in {})",
                inputs[i].path.display(),
                summary.failed,
                summary.documents,
                targets[i].display()
            ))),
            Ok(_) => {}
            Err(f) => failures.add(f),
        }
    }
    failures.code()
}

/// One page cleaned into its planned output file.
fn write_page(job: &Job, input: &InputFile, target: &Path, refused: Option<&str>) -> Result<(), Failure> {
    if let Some(why) = refused {
        job.fail(true);
        return Err(Failure::Input(why.to_owned()));
    }
    let mut rendered = job.clean(input).map_err(Failure::Input)?;
    if job.format == Format::Json {
        rendered.push('\n');
    }
    let cannot_write = |e: io::Error| {
        job.fail(false);
        Failure::Output(format!("cannot write {}: {e}", target.display()))
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(cannot_write)?;
    }
    write_atomically(target, rendered.as_bytes(), Durability::RenameOnly).map_err(cannot_write)
}

/// Where a page's output goes below the output folder: its path with the
/// extension replaced, a compression suffix dropped too (`a/page.html.gz`
/// → `a/page.txt`).
fn page_output(relative: &Path, extension: &str) -> PathBuf {
    let name = relative.file_name().and_then(|n| n.to_str());
    match name.map(crate::pipeline::detect::split_name) {
        Some((stem, _, Some(_))) => relative.with_file_name(format!("{stem}.{extension}")),
        _ => relative.with_extension(extension),
    }
}

/// Where a record stream's JSONL goes below the output folder: `.jsonl`
/// (an `.ndjson` name kept) compressed as the input was named
/// (`crawl.warc.gz` → `crawl.jsonl.gz`, `stdin` → `stdin.jsonl`).
fn stream_output(relative: &Path) -> PathBuf {
    let Some(name) = relative.file_name().and_then(|n| n.to_str()) else {
        return relative.with_extension("jsonl");
    };
    let (stem, ext, compression) = crate::pipeline::detect::split_name(name);
    let ext = match ext {
        Some(e) if crate::pipeline::detect::JSONL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()) => e,
        _ => "jsonl",
    };
    let compression = compression.map(|c| format!(".{c}")).unwrap_or_default();
    relative.with_file_name(format!("{stem}.{ext}{compression}"))
}

/// Per input, why its output is not written (`None`: it is).
fn plan(inputs: &[InputFile], targets: &[PathBuf]) -> Vec<Option<String>> {
    let mut refused: Vec<Option<String>> = vec![None; inputs.len()];
    let mut by_target: HashMap<&Path, Vec<usize>> = HashMap::new();
    for (i, t) in targets.iter().enumerate() {
        by_target.entry(t.as_path()).or_default().push(i);
    }
    for (target, sharing) in &by_target {
        if sharing.len() < 2 {
            continue;
        }
        for &i in sharing {
            let others: Vec<String> =
                sharing.iter().filter(|&&j| j != i).map(|&j| inputs[j].path.display().to_string()).collect();
            refused[i] = Some(format!(
                "{}: its output {} would also be the output of {}; none of them is written (rename one, or clean them into different folders)",
                inputs[i].path.display(),
                target.display(),
                others.join(", ")
            ));
        }
    }
    let by_id: HashMap<FileId, &Path> =
        inputs.iter().filter_map(|i| FileId::of(&i.path).ok().map(|id| (id, i.path.as_path()))).collect();
    for (i, target) in targets.iter().enumerate() {
        if refused[i].is_none()
            && let Ok(id) = FileId::of(target)
            && let Some(input) = by_id.get(&id)
        {
            refused[i] = Some(format!(
                "{}: its output {} is the input {}; not written over it (choose another --output-dir)",
                inputs[i].path.display(),
                target.display(),
                input.display()
            ));
        }
    }
    refused
}

fn build_cleaner(args: &CleanArgs) -> Result<Cleaner, u8> {
    let rules = super::rules::load(&args.rules, None).map_err(|e| {
        eprintln!("{e}");
        report("the rules have errors; nothing was cleaned");
        exit::USAGE
    })?;
    let builder = Cleaner::builder()
        .rules(rules)
        .normalize_whitespace(args.normalize_whitespace)
        .extract(!args.no_extract)
        .text_model(!args.no_text_model)
        .page_types(!args.no_page_type)
        .block_model(!args.no_block_model)
        .keep_captions(args.captions == super::Captions::Keep);
    super::rules::with_filter_lists(builder, &args.rules)?.build().map_err(|e| {
        eprintln!("{e}");
        exit::USAGE
    })
}
