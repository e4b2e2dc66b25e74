//! What a batch says on stderr while it runs and when it ends, the same for
//! JSONL/WARC streams, `--output-dir`, `--in-place` and `-o`: a progress line
//! when stderr is a terminal, and a closing summary (`--quiet` silences both).

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::pipeline::Summary;
use crate::pipeline::detect::InputKind;

/// `n` and the noun, singular for one: "1 document", "2 documents".
pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The closing summary. `kinds` are the inputs' kinds, for what "skipped" means.
pub(super) fn describe(s: &Summary, kinds: &[InputKind]) -> String {
    let removals: Vec<String> = s.removals.iter().map(|(c, n)| format!("{c} {n}")).collect();
    let mut notes = String::new();
    if s.skipped > 0 {
        let what = match (kinds.contains(&InputKind::Jsonl), kinds.contains(&InputKind::Warc)) {
            (true, true) => "blank lines, WARC records that are not HTML responses",
            (false, true) => "records that are not HTML responses",
            _ => "blank lines",
        };
        notes.push_str(&format!(", {} skipped ({what})", s.skipped));
    }
    if s.warnings > 0 {
        notes.push_str(&format!(", {} cleaned from a damaged body (see their \"warning\")", s.warnings));
    }
    if s.bad_urls > 0 {
        notes.push_str(&format!(
            ", {} with a URL field that is no URL with a host name (no publisher rules chosen by it)",
            s.bad_urls
        ));
    }
    if s.renamed > 0 {
        notes.push_str(&format!(
            ", {} renamed input_<name> (declutter writes that name)",
            count(s.renamed, "input field")
        ));
    }
    format!(
        "declutter: {}, {:.1} MB, {} failed{notes}; removals: {}",
        count(s.documents, "document"),
        s.bytes as f64 / 1e6,
        s.failed,
        if removals.is_empty() { "none".to_owned() } else { removals.join(", ") }
    )
}

/// A progress line on stderr when it is a terminal: documents/s, MB/s, errors.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
}

impl Progress {
    pub(super) fn new(quiet: bool) -> Self {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress { bar, start: Instant::now() }
    }

    /// Shows the totals of `before` (earlier inputs) and `now` (the current one).
    pub(super) fn update(&self, before: &Summary, now: &Summary) {
        let Some(bar) = &self.bar else { return };
        let docs = before.documents + now.documents;
        let bytes = before.bytes + now.bytes;
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        bar.set_message(format!(
            "{} ({:.0}/s), {:.1} MB ({:.1} MB/s), {} failed",
            count(docs, "document"),
            docs as f64 / secs,
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs,
            before.failed + now.failed
        ));
    }

    /// Reports a message on stderr without tearing the progress line.
    pub(super) fn say(&self, message: impl std::fmt::Display) {
        match &self.bar {
            Some(bar) => bar.suspend(|| super::report(message)),
            None => super::report(message),
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_in_words_and_names_extraction() {
        let mut s = Summary { documents: 1, bytes: 2_500_000, ..Summary::default() };
        s.removals.insert("extraction".into(), 3);
        s.removals.insert("share".into(), 1);
        assert_eq!(
            describe(&s, &[InputKind::Page]),
            "declutter: 1 document, 2.5 MB, 0 failed; removals: extraction 3, share 1"
        );
        let s = Summary { documents: 2, skipped: 1, renamed: 1, ..Summary::default() };
        assert_eq!(
            describe(&s, &[InputKind::Jsonl]),
            "declutter: 2 documents, 0.0 MB, 0 failed, 1 skipped (blank lines), 1 input field renamed input_<name> (declutter writes that name); removals: none"
        );
        assert_eq!(count(0, "document"), "0 documents");
    }
}
