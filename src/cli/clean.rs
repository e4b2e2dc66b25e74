//! `declutter clean`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::{CleanArgs, exit, report};
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
    // Usage problems (unknown publisher or encoding) stop before any input is read.
    if let Err(e) = cleaner.publisher_for(&hints) {
        report(e);
        return exit::USAGE;
    }
    if let Some(Err(e)) = args.encoding.as_deref().map(crate::load::parse_caller_label) {
        report(e);
        return exit::USAGE;
    }
    let inputs: Vec<PathBuf> = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    if let Some(out) = &args.output
        && let Some(clash) = inputs.iter().find(|i| same_file(i, out))
    {
        report(format!("{} is also an input: refusing to write over it", clash.display()));
        return exit::USAGE;
    }
    if args.jsonl || args.warc {
        return super::jsonl::run(args, &cleaner, &hints, &inputs);
    }
    let matcher = match args.glob.as_deref().map(globset::Glob::new) {
        None => None,
        Some(Ok(g)) => Some(g.compile_matcher()),
        Some(Err(e)) => {
            report(format!("bad --glob pattern: {e}"));
            return exit::USAGE;
        }
    };
    let (jobs, mut failed) = expand_inputs(&inputs, matcher.as_ref());
    if args.in_place {
        if inputs.iter().any(|i| i == Path::new("-")) {
            report("--in-place needs files, not standard input");
            return exit::USAGE;
        }
        let results: Vec<Result<(), String>> = {
            use rayon::prelude::*;
            jobs.par_iter()
                .map(|job| {
                    let rendered = clean_one(&cleaner, &hints, args.format, job)?;
                    write_atomically(&job.path, rendered.as_bytes(), Durability::Synced)
                        .map_err(|e| format!("{}: {e}", job.path.display()))
                })
                .collect()
        };
        for r in results {
            if let Err(e) = r {
                report(e);
                failed = true;
            }
        }
        return if failed { exit::INPUT_FAILED } else { exit::OK };
    }
    if let Some(dir) = &args.output_dir {
        if args.output.is_some() {
            report("--output and --output-dir exclude each other");
            return exit::USAGE;
        }
        let batch_failed = clean_to_dir(&cleaner, &hints, args.format, &jobs, dir);
        return if failed || batch_failed { exit::INPUT_FAILED } else { exit::OK };
    }

    let many = jobs.len() > 1;
    let mut output = String::new();
    for job in &jobs {
        let name = job.path.display().to_string();
        match clean_one(&cleaner, &hints, args.format, job) {
            Ok(rendered) => {
                if args.format == Format::Json {
                    output.push_str(&rendered);
                    output.push('\n');
                } else {
                    if many {
                        if !output.is_empty() {
                            output.push('\n');
                        }
                        output.push_str(&format!("==> {name} <==\n"));
                    }
                    output.push_str(&rendered);
                }
            }
            Err(e) => {
                report(e);
                failed = true;
            }
        }
    }
    let written = match &args.output {
        Some(path) => write_atomically(path, output.as_bytes(), Durability::Synced)
            .map_err(|e| format!("{}: {e}", path.display())),
        None => write_stdout(output.as_bytes()).map_err(|e| format!("standard output: {e}")),
    };
    if let Err(e) = written {
        report(e);
        return exit::INPUT_FAILED;
    }
    if failed { exit::INPUT_FAILED } else { exit::OK }
}

/// One document to clean, and where it sits relative to the folder given.
struct Job {
    path: PathBuf,
    relative: PathBuf,
}

/// Extensions taken from folders; files named on the command line are taken whatever their name.
const FOLDER_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "shtml", "txt", "text"];

/// Files as given, folders walked recursively (sorted, so output order is stable).
/// With `glob`, only files whose path below the folder matches are taken
/// (`*.html` matches at any depth).
fn expand_inputs(inputs: &[PathBuf], glob: Option<&globset::GlobMatcher>) -> (Vec<Job>, bool) {
    let mut jobs = Vec::new();
    let mut failed = false;
    for input in inputs {
        if !input.is_dir() {
            let relative = input.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("stdin"));
            jobs.push(Job { path: input.clone(), relative });
            continue;
        }
        let before = jobs.len();
        let mut stack = vec![input.clone()];
        while let Some(dir) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) => {
                    report(format!("{}: {e}", dir.display()));
                    failed = true;
                    continue;
                }
            };
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths.into_iter().rev() {
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let relative = p.strip_prefix(input).map(Path::to_path_buf).unwrap_or_else(|_| p.clone());
                    let wanted = match glob {
                        Some(g) => g.is_match(&relative) || p.file_name().is_some_and(|n| g.is_match(n)),
                        None => p
                            .extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())),
                    };
                    if !wanted {
                        continue;
                    }
                    jobs.push(Job { path: p, relative });
                }
            }
        }
        jobs[before..].sort_by(|a, b| a.path.cmp(&b.path));
        if jobs.len() == before {
            let what = glob
                .map_or_else(|| ".html or .txt files".to_owned(), |g| format!("files matching {:?}", g.glob().glob()));
            report(format!("{}: no {what} in this folder", input.display()));
            failed = true;
        }
    }
    (jobs, failed)
}

fn clean_one(cleaner: &Cleaner, hints: &Hints, format: Format, job: &Job) -> Result<String, String> {
    let name = job.path.display().to_string();
    let bytes = read_input(&job.path).map_err(|e| format!("{name}: {e}"))?;
    let cleaned = cleaner.clean(&bytes, hints).map_err(|e| format!("{name}: {e}"))?;
    Ok(write::render(&cleaned, format, Some(&name)))
}

/// Cleans every job into `dir`, mirroring the input tree, on all cores.
/// Returns whether any job failed.
fn clean_to_dir(cleaner: &Cleaner, hints: &Hints, format: Format, jobs: &[Job], dir: &Path) -> bool {
    use rayon::prelude::*;
    let extension = match format {
        Format::Text => "txt",
        Format::Markdown => "md",
        Format::Json => "json",
    };
    let results: Vec<Result<(), String>> = jobs
        .par_iter()
        .map(|job| {
            let target = dir.join(job.relative.with_extension(extension));
            if same_file(&job.path, &target) || job.path == target {
                return Err(format!(
                    "{}: the output would overwrite the input; choose another --output-dir",
                    job.path.display()
                ));
            }
            let mut rendered = clean_one(cleaner, hints, format, job)?;
            if format == Format::Json {
                rendered.push('\n');
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            write_atomically(&target, rendered.as_bytes(), Durability::RenameOnly)
                .map_err(|e| format!("{}: {e}", target.display()))
        })
        .collect();
    let mut failed = false;
    for r in results {
        if let Err(e) = r {
            report(e);
            failed = true;
        }
    }
    failed
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

/// Reads a file or standard input, with messages a user can act on.
fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    })
}

pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    if a == Path::new("-") {
        return false;
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// How hard a write insists on reaching the disk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync before the rename: for a user's own file (`-o`, `--in-place`).
    Synced,
    /// Rename only: still never half-written, but a power cut may lose the
    /// newest outputs; for `--output-dir` batches of many files, where an
    /// fsync per file costs more than the cleaning.
    RenameOnly,
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so a
/// reader never sees a half-written file and a failure leaves the old one intact.
pub fn write_atomically(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file in `path`'s folder, so renaming it onto `path` is atomic.
pub(super) fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::NamedTempFile::new_in(dir)
}

/// A closed pipe (`declutter clean … | head`) is not an error worth a message.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
