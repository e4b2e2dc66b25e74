//! `declutter clean`.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::{CleanArgs, exit, output_failed, report};
use crate::pipeline::detect::{InputKind, detect};
use crate::pipeline::files::{self, Durability, FileId, InputFile, Sink, WalkOptions, same_file, write_atomically};
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
    if let Some(dir) = &args.output_dir {
        if args.output.is_some() {
            report("--output and --output-dir exclude each other");
            return exit::USAGE;
        }
        if let Some(folder) = inputs.iter().find(|i| i.is_dir() && same_file(i, dir)) {
            report(format!(
                "--output-dir {} is the input folder {}: the outputs would mix with the inputs (and be read as inputs next time); choose another folder",
                dir.display(),
                folder.display()
            ));
            return exit::USAGE;
        }
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
    let stream = walk.files.iter().zip(&kinds).find(|(_, k)| k.is_some_and(InputKind::is_stream));
    if let Some((first_stream, stream_kind)) = stream {
        if let Some((page, _)) = walk.files.iter().zip(&kinds).find(|(_, k)| **k == Some(InputKind::Page)) {
            report(format!(
                "{} is {} and {} is {}: one output cannot hold both JSONL records and page text; clean them in separate runs (--glob picks files from a folder)",
                first_stream.path.display(),
                stream_kind.map_or("", InputKind::describe),
                page.path.display(),
                InputKind::Page.describe()
            ));
            return exit::USAGE;
        }
        if args.in_place {
            report(format!(
                "{} is {}: --in-place rewrites pages; write its records with -o FILE",
                first_stream.path.display(),
                stream_kind.map_or("", InputKind::describe)
            ));
            return exit::USAGE;
        }
        // Every input is a record stream (an unreadable one says so when it is opened).
        let streams: Vec<(PathBuf, InputKind)> = walk
            .files
            .iter()
            .zip(&kinds)
            .map(|(f, k)| (f.path.clone(), k.unwrap_or(if args.warc { InputKind::Warc } else { InputKind::Jsonl })))
            .collect();
        let code = super::jsonl::run(args, &cleaner, &hints, &streams);
        return if walk_failed { code.max(exit::INPUT_FAILED) } else { code };
    }
    let job = Job {
        cleaner: &cleaner,
        hints: &hints,
        format: args.format,
        max_bytes: args.max_bytes.bytes().unwrap_or(usize::MAX),
    };
    let code = if args.in_place {
        in_place(&job, &walk.files)
    } else if let Some(dir) = &args.output_dir {
        to_dir(&job, &walk.files, dir)
    } else {
        to_stream(&job, &walk.files, args.output.as_deref())
    };
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

/// What every input is cleaned with.
struct Job<'a> {
    cleaner: &'a Cleaner,
    hints: &'a Hints,
    format: Format,
    max_bytes: usize,
}

impl Job<'_> {
    fn clean(&self, input: &InputFile) -> Result<String, String> {
        let name = input.path.display().to_string();
        let bytes = files::read(&input.path, self.max_bytes).map_err(|e| format!("{name}: {e}"))?;
        let cleaned = self.cleaner.clean(&bytes, self.hints).map_err(|e| format!("{name}: {e}"))?;
        Ok(write::render(&cleaned, self.format, Some(&name)))
    }
}

/// Every output written as soon as its input is cleaned, in input order, so
/// memory holds one document, however many there are.
fn to_stream(job: &Job, inputs: &[InputFile], output: Option<&Path>) -> u8 {
    let mut sink = match Sink::open(output, Durability::Synced) {
        Ok(s) => s,
        Err(e) => {
            output_failed(output, &e);
            return exit::OUTPUT_FAILED;
        }
    };
    let many = inputs.len() > 1;
    // Text and Markdown read on a terminal show control characters instead
    // of letting the page's escapes drive it; into a pipe or file they are data.
    let for_person = output.is_none() && job.format != Format::Json && std::io::stdout().is_terminal();
    let mut wrote_any = false;
    let mut failed = false;
    for input in inputs {
        let rendered = match job.clean(input) {
            Ok(r) => r,
            Err(e) => {
                report(e);
                failed = true;
                continue;
            }
        };
        let written = if job.format == Format::Json {
            sink.write_all(rendered.as_bytes()).and_then(|()| sink.write_all(b"\n"))
        } else {
            let separator = if wrote_any { "\n" } else { "" };
            let header = if many { format!("{separator}==> {} <==\n", input.path.display()) } else { String::new() };
            let body = if for_person { printable(&rendered) } else { rendered.as_str().into() };
            sink.write_all(printable(&header).as_bytes()).and_then(|()| sink.write_all(body.as_bytes()))
        };
        // Each document as it is done: a reader downstream gets it now, not at the end.
        let written = written.and_then(|()| sink.flush());
        wrote_any = true;
        if let Err(e) = written {
            // A closed pipe: nobody reads the rest, so it is not cleaned; dropping the
            // sink removes a temporary file, leaving `-o FILE` as it was.
            return if output_failed(output, &e) { exit::OUTPUT_FAILED } else { exit_code(failed) };
        }
    }
    if let Err(e) = sink.finish()
        && output_failed(output, &e)
    {
        return exit::OUTPUT_FAILED;
    }
    exit_code(failed)
}

/// Each input rewritten with its output. A symlink keeps pointing where it
/// did and its target is rewritten; a file named twice (two paths, a link
/// and its target, hard links) is cleaned once.
fn in_place(job: &Job, inputs: &[InputFile]) -> u8 {
    let mut failed = false;
    let mut seen: HashMap<FileId, &Path> = HashMap::new();
    let mut todo = Vec::new();
    for input in inputs {
        match std::fs::metadata(&input.path) {
            Ok(m) if !m.is_file() => {
                report(format!("{}: not a regular file; --in-place rewrites regular files only", input.path.display()));
                failed = true;
            }
            Ok(_) => match FileId::of(&input.path) {
                Ok(id) => match seen.get(&id) {
                    Some(first) => report(format!(
                        "note: {}: the same file as {}; cleaned once",
                        input.path.display(),
                        first.display()
                    )),
                    None => {
                        seen.insert(id, &input.path);
                        todo.push(input);
                    }
                },
                Err(e) => {
                    report(format!("{}: {}", input.path.display(), files::ReadError::from(e)));
                    failed = true;
                }
            },
            Err(e) => {
                report(format!("{}: {}", input.path.display(), files::ReadError::from(e)));
                failed = true;
            }
        }
    }
    let results: Vec<Result<(), String>> = {
        use rayon::prelude::*;
        todo.par_iter()
            .map(|input| {
                let rendered = job.clean(input)?;
                write_atomically(&input.path, rendered.as_bytes(), Durability::Synced)
                    .map_err(|e| format!("cannot write {}: {e}", input.path.display()))
            })
            .collect()
    };
    for r in results {
        if let Err(e) = r {
            report(e);
            failed = true;
        }
    }
    exit_code(failed)
}

/// Cleans every input into `dir`, mirroring the input tree, on all cores.
/// Every output path is planned before anything is written: inputs whose
/// outputs would share a path (`a.html` and `a.htm`, `d1/a.html` and
/// `d2/a.html`) are all refused, by name, so no run depends on which one
/// finishes last; an output that would land on an input is refused too.
fn to_dir(job: &Job, inputs: &[InputFile], dir: &Path) -> u8 {
    use rayon::prelude::*;
    let extension = match job.format {
        Format::Text => "txt",
        Format::Markdown => "md",
        Format::Json => "json",
    };
    let targets: Vec<PathBuf> = inputs.iter().map(|i| dir.join(page_output(&i.relative, extension))).collect();
    let refused = plan(inputs, &targets);
    let results: Vec<Result<(), String>> = inputs
        .par_iter()
        .zip(&targets)
        .zip(&refused)
        .map(|((input, target), refused)| {
            if let Some(why) = refused {
                return Err(why.clone());
            }
            let mut rendered = job.clean(input)?;
            if job.format == Format::Json {
                rendered.push('\n');
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            write_atomically(target, rendered.as_bytes(), Durability::RenameOnly)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))
        })
        .collect();
    let mut failed = false;
    for r in results {
        if let Err(e) = r {
            report(e);
            failed = true;
        }
    }
    exit_code(failed)
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

fn exit_code(failed: bool) -> u8 {
    if failed { exit::INPUT_FAILED } else { exit::OK }
}

fn build_cleaner(args: &CleanArgs) -> Result<Cleaner, u8> {
    let mut builder = Cleaner::builder()
        .normalize_whitespace(args.normalize_whitespace)
        .extract(!args.no_extract)
        .keep_captions(args.captions == super::Captions::Keep);
    if let Some(dir) = &args.rules {
        builder = builder.rules_dir(dir).map_err(|e| {
            eprintln!("{e}");
            report("the rules have errors; nothing was cleaned");
            exit::USAGE
        })?;
    }
    builder.build().map_err(|e| {
        eprintln!("{e}");
        exit::USAGE
    })
}
