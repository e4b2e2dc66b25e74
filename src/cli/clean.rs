//! `declutter clean`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{CleanArgs, exit, report};
use crate::pipeline::files::{self, Durability, InputFile, write_atomically};
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
    let (jobs, errors) = files::expand(&inputs, matcher.as_ref());
    let mut failed = !errors.is_empty();
    errors.into_iter().for_each(report);
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

fn clean_one(cleaner: &Cleaner, hints: &Hints, format: Format, job: &InputFile) -> Result<String, String> {
    let name = job.path.display().to_string();
    let bytes = files::read(&job.path).map_err(|e| format!("{name}: {e}"))?;
    let cleaned = cleaner.clean(&bytes, hints).map_err(|e| format!("{name}: {e}"))?;
    warn_limits(&name, &cleaned.limits);
    Ok(write::render(&cleaned, format, Some(&name)))
}

/// Says on stderr which limits a document hit: its text may lack what they
/// left out (JSON output also carries them, as `limits`).
fn warn_limits(name: &str, limits: &[crate::Limit]) {
    for l in limits {
        report(format!("warning: {name}: {} limit: {} {}", l.limit, l.count, l.detail));
    }
}

/// Cleans every job into `dir`, mirroring the input tree, on all cores.
/// Returns whether any job failed.
fn clean_to_dir(cleaner: &Cleaner, hints: &Hints, format: Format, jobs: &[InputFile], dir: &Path) -> bool {
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

pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    if a == Path::new("-") {
        return false;
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// A closed pipe (`declutter clean … | head`) is not an error worth a message.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
