//! `declutter clean --jsonl` and `--warc`: streams of records for data pipelines.

use std::io::{self, Write};
use std::path::PathBuf;

use super::progress::{Progress, describe};
use super::{CleanArgs, exit, report};
use crate::limits::{WINDOW_BYTES, WINDOW_RECORDS_PER_THREAD, max_jobs};
use crate::pipeline::detect::InputKind;
use crate::pipeline::files::{Durability, Sink};
use crate::pipeline::{JsonlOptions, Output, Summary, clean_jsonl, clean_warc, open_input};
use crate::{Cleaner, Hints};

/// How records are read, from the flags; `jobs` threads sized the window.
pub(super) fn options(args: &CleanArgs, jobs: usize) -> JsonlOptions {
    let defaults = JsonlOptions::default();
    JsonlOptions {
        html_field: args.html_field.clone().unwrap_or(defaults.html_field),
        text_field: args.text_field.clone().unwrap_or(defaults.text_field),
        url_field: args.url_field.clone().unwrap_or(defaults.url_field),
        report: args.report,
        fail_fast: args.fail_fast,
        max_bytes: args.max_bytes.bytes(),
        // A few windows' worth of records per thread keeps every core busy
        // while memory stays bounded by the window, not by the stream.
        window: WINDOW_RECORDS_PER_THREAD * jobs,
        window_bytes: WINDOW_BYTES,
        repeated_lines: !args.no_repeated_lines,
    }
}

/// Cleans record streams (each JSONL or WARC, as `inputs` say) into one
/// JSONL output, on the current thread pool.
pub(super) fn run(
    args: &CleanArgs,
    cleaner: &Cleaner,
    hints: &Hints,
    options: &JsonlOptions,
    inputs: &[(PathBuf, InputKind)],
) -> u8 {
    let progress = Progress::new(args.quiet);
    // The shared sink: a temporary file renamed into place only when everything was
    // written (removed if interrupted), a FIFO or device written directly, or stdout.
    let result = (|| {
        let mut out = Output::new(args.output.as_deref(), Sink::open(args.output.as_deref(), Durability::Synced)?)?;
        let summary = stream_all(cleaner, hints, inputs, &mut out, options, &progress)?;
        out.finish()?.finish()?;
        Ok::<_, io::Error>(summary)
    })();
    progress.finish();
    match result {
        Ok((summary, input_failed)) => {
            if !args.quiet {
                eprintln!("{}", describe(&summary, &kinds(inputs)));
            }
            if summary.failed > 0 || input_failed { exit::INPUT_FAILED } else { exit::OK }
        }
        Err(e) => {
            if super::output_failed(args.output.as_deref(), &e) {
                exit::OUTPUT_FAILED
            } else {
                exit::OK
            }
        }
    }
}

/// Cleans every input in turn into `out`; an unreadable input is reported
/// and skipped. Returns the totals and whether an input could not be opened.
fn stream_all<W: Write>(
    cleaner: &Cleaner,
    hints: &Hints,
    inputs: &[(PathBuf, InputKind)],
    out: &mut W,
    options: &JsonlOptions,
    progress: &Progress,
) -> io::Result<(Summary, bool)> {
    let mut total = Summary::default();
    let mut input_failed = false;
    for (path, kind) in inputs {
        let reader = match open_input(path) {
            Ok(r) => r,
            Err(e) => {
                report(format!("{}: {e}", path.display()));
                input_failed = true;
                continue;
            }
        };
        let before = total.clone();
        let report = |s: &Summary| progress.update(&before, s);
        let summary = if *kind == InputKind::Warc {
            clean_warc(cleaner, hints, reader, out, options, report)?
        } else {
            clean_jsonl(cleaner, hints, reader, out, options, report)?
        };
        total.merge(&summary);
        if options.fail_fast && summary.failed > 0 {
            break;
        }
    }
    Ok((total, input_failed))
}

/// The worker pool for `-j`: 0 or none means all cores, more than
/// [`max_jobs`] is lowered with a warning (thousands of threads only cost
/// start-up time and memory, and can exhaust the process table). A pool that
/// cannot start is an error message (exit code 2, nothing was cleaned), never a panic.
pub(super) fn thread_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, u8> {
    let cap = max_jobs();
    let requested = jobs.unwrap_or(0);
    if requested > cap {
        report(format!(
            "warning: -j {requested} lowered to {cap} (at most {} threads per core and {} in all)",
            crate::limits::JOBS_PER_CORE,
            crate::limits::MAX_JOBS
        ));
    }
    rayon::ThreadPoolBuilder::new().num_threads(requested.min(cap)).build().map_err(|e| {
        report(format!("cannot start {} worker threads: {e}", requested.min(cap)));
        exit::USAGE
    })
}

/// The kinds among `inputs`, for the summary's wording.
pub(super) fn kinds(inputs: &[(PathBuf, InputKind)]) -> Vec<InputKind> {
    let mut kinds: Vec<InputKind> = inputs.iter().map(|(_, k)| *k).collect();
    kinds.sort_by_key(|k| *k as u8);
    kinds.dedup();
    kinds
}
