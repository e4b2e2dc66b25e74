//! The driver every record stream shares: read a window of records, clean
//! them on all cores, write the results in input order, repeat. Memory is
//! bounded by the window — a number of records and a number of bytes — not by
//! the length of the stream.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Write};
use std::sync::Arc;

use rayon::prelude::*;

use crate::Cleaned;
use crate::clean::repeated::{self, RepeatedLines};

/// Totals of a run, for the closing summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub failed: usize,
    pub bytes: u64,
    /// Input passed over without an output record: blank JSONL lines, WARC
    /// records that are not HTML responses.
    pub skipped: usize,
    /// Input fields kept as `input_<name>` because declutter writes a field
    /// of that name (`text`, `error`, `line`, the report's fields).
    pub renamed: usize,
    /// Records cleaned from a best-effort reading of a damaged body (broken
    /// chunked encoding, a cut gzip body), each marked with a `warning` field.
    pub warnings: usize,
    /// Records whose URL field holds no URL with a host (`"n/a"`, `"/x"`):
    /// no publisher is chosen by it, which the summary says rather than letting
    /// publisher rules silently not apply. (`www.example.com/x` is read as https.)
    pub bad_urls: usize,
    /// Removals by category.
    pub removals: BTreeMap<String, usize>,
}

impl Summary {
    pub(crate) fn add(&mut self, outcome: &RecordOutcome) {
        self.documents += 1;
        self.bytes += outcome.bytes as u64;
        self.failed += usize::from(outcome.failed);
        self.renamed += outcome.renamed;
        self.warnings += usize::from(outcome.warned);
        self.bad_urls += usize::from(outcome.bad_url);
        for (cat, n) in &outcome.removals {
            *self.removals.entry(cat.clone()).or_default() += n;
        }
    }

    /// Adds another run's totals (one input file of several).
    pub fn merge(&mut self, other: &Summary) {
        self.documents += other.documents;
        self.failed += other.failed;
        self.bytes += other.bytes;
        self.skipped += other.skipped;
        self.renamed += other.renamed;
        self.warnings += other.warnings;
        self.bad_urls += other.bad_urls;
        for (cat, n) in &other.removals {
            *self.removals.entry(cat.clone()).or_default() += n;
        }
    }
}

/// A document's removals counted for the summary: by category, except the
/// decisions of main-content extraction (`builtin:…` ids, whose category is
/// `other`), counted as `extraction` so the summary does not lump them with
/// the rules' own `other`.
pub(crate) fn removal_counts(cleaned: &crate::Cleaned) -> Vec<(String, usize)> {
    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    for r in &cleaned.removals {
        let label = if r.rule.starts_with("builtin:") { "extraction".to_owned() } else { r.category.to_string() };
        *by_category.entry(label).or_default() += 1;
    }
    by_category.into_iter().collect()
}

/// One record's output line and what went into the totals.
#[derive(Default)]
pub(crate) struct RecordOutcome {
    pub line: String,
    pub failed: bool,
    pub bytes: usize,
    pub removals: Vec<(String, usize)>,
    /// Input fields renamed to make room for ours.
    pub renamed: usize,
    /// The record carries a `warning`.
    pub warned: bool,
    /// Its URL field is no URL with a host ([`Summary::bad_urls`]).
    pub bad_url: bool,
}

impl RecordOutcome {
    pub fn failure(line: String, bytes: usize) -> Self {
        RecordOutcome { line, failed: true, bytes, ..RecordOutcome::default() }
    }
}

/// The records the repeated-line table is learned from
/// ([`crate::clean::repeated`]): read ahead from `read` until the window holds
/// [`LEARN_DOCUMENTS`](crate::clean::repeated::LEARN_DOCUMENTS) records or
/// [`LEARN_BYTES`](crate::clean::repeated::LEARN_BYTES) of documents (`size`),
/// or a broken record ends the readable stream. They are then cleaned like the rest.
pub(crate) fn learning_window<T>(
    read: &mut impl FnMut() -> Option<Result<T, String>>,
    size: impl Fn(&T) -> usize,
) -> VecDeque<Result<T, String>> {
    use crate::clean::repeated::{LEARN_BYTES, LEARN_DOCUMENTS};
    let mut ahead = VecDeque::new();
    let mut bytes = 0usize;
    while ahead.len() < LEARN_DOCUMENTS && bytes < LEARN_BYTES {
        let Some(item) = read() else { break };
        if let Ok(record) = &item {
            bytes += size(record);
        }
        let broken = item.is_err();
        ahead.push_back(item);
        if broken {
            break;
        }
    }
    ahead
}

/// A learning-window item after its first pass.
pub(crate) enum First {
    /// What it writes whatever the table (an error record).
    Outcome(RecordOutcome),
    /// Its clean: far smaller than the markup the output echoes, so the
    /// window's memory barely grows.
    Cleaned(Box<Cleaned>),
}

/// A stream item after the learning window.
pub(crate) enum Pending<T> {
    /// Still to clean.
    Todo(T),
    /// Written as it is.
    Done(RecordOutcome),
    /// Cleaned already: only its output record is still to make.
    Cleaned(T, Box<Cleaned>),
}

impl<T> Pending<T> {
    /// [`stream`]'s `size` over pending items.
    pub fn size(&self, size: impl Fn(&T) -> usize) -> usize {
        match self {
            Pending::Todo(t) | Pending::Cleaned(t, _) => size(t),
            Pending::Done(o) => o.line.len(),
        }
    }
}

/// The items of a learning window after its first pass, and the table learned from it.
pub(crate) type Learned<T> = (VecDeque<Result<Pending<T>, String>>, Option<Arc<RepeatedLines>>);

/// Cleans the learning window once (`first`; `None` leaves an item to the
/// stream), learns the repeated-line table, and keeps every clean the table
/// cannot change ([`repeated::could_change`]), so only the others are
/// cleaned again.
pub(crate) fn learn_window<T: Send>(
    window: VecDeque<Result<T, String>>,
    first: impl Fn(&T) -> Option<First> + Sync + Send,
) -> Learned<T> {
    let tried: Vec<(Result<T, String>, Option<First>)> = window
        .into_par_iter()
        .map(|item| {
            let done = item.as_ref().ok().and_then(&first);
            (item, done)
        })
        .collect();
    let table = repeated::learn(tried.iter().filter_map(|(_, done)| match done {
        Some(First::Cleaned(c)) => Some(&**c),
        _ => None,
    }));
    let pending = tried
        .into_iter()
        .map(|(item, done)| {
            let item = item?;
            Ok(match done {
                Some(First::Outcome(outcome)) => Pending::Done(outcome),
                Some(First::Cleaned(c)) if !repeated::could_change(table.as_deref(), &c) => Pending::Cleaned(item, c),
                _ => Pending::Todo(item),
            })
        })
        .collect();
    (pending, table)
}

pub(crate) struct StreamSettings {
    /// Records in flight at most.
    pub window: usize,
    /// Input bytes in flight at most (see [`crate::limits::WINDOW_BYTES`]).
    pub window_bytes: usize,
    pub fail_fast: bool,
}

/// Pulls items from `next` (`Err` carries a final error line: the input broke
/// and nothing follows), maps them with `process` in parallel a window at a
/// time, and writes the lines in order. A window closes at `window` items or
/// once its items' `size`s reach `window_bytes`; an item that would take a
/// non-empty window past the byte budget waits for the next window, so one
/// larger than the whole budget is processed alone.
pub(crate) fn stream<T: Send, W: Write>(
    mut next: impl FnMut() -> Option<Result<T, String>>,
    size: impl Fn(&T) -> usize,
    process: impl Fn(T) -> RecordOutcome + Sync + Send,
    out: &mut W,
    settings: StreamSettings,
    mut progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let window = settings.window.max(1);
    let budget = settings.window_bytes.max(1);
    let mut summary = Summary::default();
    let mut broken: Option<String> = None;
    let mut held: Option<(T, usize)> = None;
    let mut ended = false;
    while !ended && broken.is_none() || held.is_some() {
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        if let Some((item, n)) = held.take() {
            batch.push(item);
            bytes = n;
        }
        while !ended && broken.is_none() && batch.len() < window && bytes < budget {
            match next() {
                None => ended = true,
                Some(Ok(item)) => {
                    let n = size(&item);
                    if !batch.is_empty() && bytes.saturating_add(n) > budget {
                        held = Some((item, n));
                        break;
                    }
                    bytes = bytes.saturating_add(n);
                    batch.push(item);
                }
                Some(Err(line)) => broken = Some(line),
            }
        }
        let outcomes: Vec<RecordOutcome> = batch.into_par_iter().map(&process).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Items are their own sizes; returns the number of items in each window.
    fn windows(sizes: &[usize], window: usize, window_bytes: usize) -> Vec<usize> {
        let mut items = sizes.iter().copied();
        let mut done = vec![0];
        let mut out = Vec::new();
        let settings = StreamSettings { window, window_bytes, fail_fast: false };
        stream(
            || items.next().map(Ok),
            |n: &usize| *n,
            |n: usize| RecordOutcome { line: n.to_string(), ..RecordOutcome::default() },
            &mut out,
            settings,
            |s| done.push(s.documents),
        )
        .unwrap();
        let lines: Vec<usize> = String::from_utf8(out).unwrap().lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(lines, sizes, "every item, in order");
        done.dedup();
        done.windows(2).map(|w| w[1] - w[0]).collect()
    }

    #[test]
    fn the_learning_window_is_cleaned_again_only_where_the_table_can_change_it() {
        // a.example repeats its sign-off; b.example has one page; one item is broken.
        let cleaner = crate::Cleaner::builder().text_model(false).build().unwrap();
        let page = |site: &str, story: &str| {
            let hints = crate::Hints { url: Some(format!("https://{site}/x")), ..crate::Hints::default() };
            cleaner.clean(format!("{story}\n\nSubscribe to A for free stories").as_bytes(), &hints).unwrap()
        };
        let window: VecDeque<Result<(&str, &str), String>> = vec![
            Ok(("a.example", "First story, which is a story of its own.")),
            Ok(("a.example", "Second story, which is a story of its own.")),
            Ok(("a.example", "Third story, which is a story of its own.")),
            Ok(("b.example", "A story of B, which is a story of its own.")),
            Err("broken".to_owned()),
        ]
        .into();
        let first = |(site, story): &(&str, &str)| Some(First::Cleaned(Box::new(page(site, story))));
        let (pending, table) = learn_window(window, first);
        let table = table.expect("a.example repeats a line");
        assert!(table.of("a.example").is_some() && table.of("b.example").is_none());
        let kinds: Vec<&str> = pending
            .iter()
            .map(|p| match p {
                Ok(Pending::Todo(_)) => "again",
                Ok(Pending::Cleaned((site, _), _)) => site,
                Ok(Pending::Done(_)) => "done",
                Err(_) => "broken",
            })
            .collect();
        assert_eq!(kinds, ["again", "again", "again", "b.example", "broken"]);
    }

    #[test]
    fn windows_close_at_the_record_count_or_the_byte_budget() {
        // 256 records of "4 MB" with a 10 MB budget: two at a time, not the whole record window.
        assert_eq!(windows(&[4; 10], 256, 10), [2; 5]);
        assert_eq!(windows(&[1; 10], 4, 1000), [4, 4, 2]);
    }

    #[test]
    fn a_record_over_the_budget_is_processed_alone() {
        assert_eq!(windows(&[1, 50, 1, 1], 100, 10), [1, 1, 2]);
        assert_eq!(windows(&[50, 50], 100, 10), [1, 1]);
    }

    #[test]
    fn a_broken_input_ends_with_its_error_line() {
        let mut items = vec![Ok(1usize), Ok(2), Err("broken".to_owned())].into_iter();
        let mut out = Vec::new();
        let settings = StreamSettings { window: 10, window_bytes: 10, fail_fast: false };
        let summary = stream(
            || items.next(),
            |_| 1,
            |n: usize| RecordOutcome { line: n.to_string(), ..RecordOutcome::default() },
            &mut out,
            settings,
            |_| {},
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1\n2\nbroken\n");
        assert_eq!((summary.documents, summary.failed), (3, 1));
    }
}
