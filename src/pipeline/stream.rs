//! The driver every record stream shares: read a window of records, clean
//! them on all cores, write the results in input order, repeat. Memory is
//! bounded by the window, not by the length of the stream.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;

/// Totals of a run, for the closing summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub failed: usize,
    pub bytes: u64,
    /// Removals by category.
    pub removals: BTreeMap<String, usize>,
}

impl Summary {
    pub(crate) fn add(&mut self, outcome: &RecordOutcome) {
        self.documents += 1;
        self.bytes += outcome.bytes as u64;
        if outcome.failed {
            self.failed += 1;
        }
        for (cat, n) in &outcome.removals {
            *self.removals.entry(cat.clone()).or_default() += n;
        }
    }

    /// Adds another run's totals (one input file of several).
    pub fn merge(&mut self, other: &Summary) {
        self.documents += other.documents;
        self.failed += other.failed;
        self.bytes += other.bytes;
        for (cat, n) in &other.removals {
            *self.removals.entry(cat.clone()).or_default() += n;
        }
    }
}

/// One record's output line and what went into the totals.
pub(crate) struct RecordOutcome {
    pub line: String,
    pub failed: bool,
    pub bytes: usize,
    pub removals: Vec<(String, usize)>,
}

pub(crate) struct StreamSettings {
    pub window: usize,
    pub fail_fast: bool,
}

/// Pulls items from `next` (`Err` carries a final error line: the input broke
/// and nothing follows), maps them with `process` in parallel a window at a
/// time, and writes the lines in order.
pub(crate) fn stream<T: Send + Sync, W: Write>(
    mut next: impl FnMut() -> Option<Result<T, String>>,
    process: impl Fn(&T) -> RecordOutcome + Sync,
    out: &mut W,
    settings: StreamSettings,
    mut progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let window = settings.window.max(1);
    let mut summary = Summary::default();
    let mut broken: Option<String> = None;
    loop {
        let mut batch = Vec::with_capacity(window);
        while batch.len() < window {
            match next() {
                None => break,
                Some(Ok(item)) => batch.push(item),
                Some(Err(line)) => {
                    broken = Some(line);
                    break;
                }
            }
        }
        let outcomes: Vec<RecordOutcome> = batch.par_iter().map(&process).collect();
        for outcome in &outcomes {
            out.write_all(outcome.line.as_bytes())?;
            out.write_all(b"\n")?;
            summary.add(outcome);
            if outcome.failed && settings.fail_fast {
                progress(&summary);
                return Ok(summary);
            }
        }
        progress(&summary);
        if batch.len() < window || broken.is_some() {
            break;
        }
    }
    if let Some(line) = broken {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        summary.documents += 1;
        summary.failed += 1;
        progress(&summary);
    }
    Ok(summary)
}
