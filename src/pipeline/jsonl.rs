//! JSONL streams: one record per line in, one record per line out, in the
//! same order, cleaned on all cores with a bounded window of records in
//! flight so memory stays flat however long the stream is.
//!
//! Lines are read with a bound on their length (see
//! [`crate::limits::jsonl_line_limit`]): an oversized line is read to its end
//! without being kept, so a single gigabyte line costs no more memory than
//! the limit. Blank lines are skipped and counted ([`Summary::skipped`]);
//! line numbers in error records are the input's line numbers, blank lines
//! included. A UTF-8 byte-order mark at the start of a stream is dropped.
//!
//! Fields: declutter writes `text` (and with `report`, `removals`,
//! `metadata`, `encoding`, `extraction`, `publisher`) into a record, and
//! `line` and `error` into an error record. An input field of one of these
//! names is kept as `input_<name>` (counted in [`Summary::renamed`]), so that
//! in the output `error` always means declutter's error and `text` always
//! declutter's text; the field the text was cleaned from is the exception
//! (`text` is replaced by its clean version). A record that already holds
//! `input_<name>` as well is refused with an error record.

use std::io::{self, BufRead, Write};

use serde_json::{Map, Value};

use super::stream::{First, Pending, RecordOutcome, StreamSettings, Summary, learn_window, learning_window, stream};
use crate::limits::{DEFAULT_MAX_BYTES, WINDOW_BYTES, WINDOW_RECORDS_PER_THREAD, jsonl_line_limit};
use crate::write::json_value;
use crate::{Cleaned, Cleaner, Hints, InputFormat};

/// The field the clean text goes into.
pub const TEXT_FIELD: &str = "text";

/// How records are read and written.
#[derive(Debug, Clone)]
pub struct JsonlOptions {
    /// Field holding the page's HTML.
    pub html_field: String,
    /// Field holding plain text, used when there is no HTML field.
    pub text_field: String,
    /// Field holding the URL (publisher choice, encoding hint).
    pub url_field: String,
    /// Add `removals`, `metadata` and `encoding` to every record.
    pub report: bool,
    /// Stop after the first failed record.
    pub fail_fast: bool,
    /// Largest document, in bytes (`None`: no limit); larger ones become
    /// error records, and JSONL lines and WARC blocks are read with bounds
    /// derived from it (see [`crate::limits`]).
    pub max_bytes: Option<usize>,
    /// Records cleaned at once: memory is bounded by this many records…
    pub window: usize,
    /// …and by this many input bytes (one record larger than this is still cleaned, alone).
    pub window_bytes: usize,
    /// Learn the blocks each site repeats from the first records and remove
    /// them from every record (`builtin:repeated-line`, see
    /// [`crate::clean::repeated`]).
    pub repeated_lines: bool,
}

impl Default for JsonlOptions {
    fn default() -> Self {
        JsonlOptions {
            html_field: "html".into(),
            text_field: "text".into(),
            url_field: "url".into(),
            report: false,
            fail_fast: false,
            max_bytes: Some(DEFAULT_MAX_BYTES),
            window: 16 * WINDOW_RECORDS_PER_THREAD,
            window_bytes: WINDOW_BYTES,
            repeated_lines: false,
        }
    }
}

/// One line of a JSONL stream.
#[derive(Debug, PartialEq, Eq)]
pub enum JsonlLine {
    /// A line to parse, without its line end.
    Record(Vec<u8>),
    /// Nothing but whitespace.
    Blank,
    /// Longer than the limit: read to its end, not kept. `url` is the
    /// record's top-level URL field when it came before the limit.
    TooLong { bytes: u64, url: Option<String> },
}

/// Reads JSONL lines with a bound on their length, numbering them.
pub struct LineReader<R: BufRead> {
    input: R,
    line: usize,
    limit: Option<usize>,
    url_field: String,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

impl<R: BufRead> LineReader<R> {
    /// `limit`: the longest line kept, in bytes (`None`: any length).
    pub fn new(input: R, limit: Option<usize>, url_field: &str) -> Self {
        LineReader { input, line: 0, limit, url_field: url_field.to_owned() }
    }

    /// The number of the last line read (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The next line, `None` at the end. An error leaves the line count at
    /// the last whole line.
    pub fn next_line(&mut self) -> io::Result<Option<JsonlLine>> {
        let mut buf = Vec::new();
        let mut total: u64 = 0;
        let mut read_any = false;
        let mut too_long = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !read_any {
                    return Ok(None);
                }
                break;
            }
            read_any = true;
            let newline = memchr::memchr(b'\n', available);
            let take = newline.unwrap_or(available.len());
            total += take as u64;
            if !too_long {
                let room = self.limit.map_or(take, |limit| limit - buf.len());
                // Up to the limit is kept: an oversized line's error record may still name its URL.
                push_bounded(&mut buf, &available[..take.min(room)], self.limit);
                too_long = take > room;
            }
            self.input.consume(take + usize::from(newline.is_some()));
            if newline.is_some() {
                break;
            }
        }
        self.line += 1;
        if too_long {
            let url = top_level_string(&buf, &self.url_field);
            return Ok(Some(JsonlLine::TooLong { bytes: total, url }));
        }
        if self.line == 1 && buf.starts_with(BOM) {
            buf.drain(..BOM.len());
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            return Ok(Some(JsonlLine::Blank));
        }
        Ok(Some(JsonlLine::Record(buf)))
    }
}

/// Appends without letting the buffer's capacity run past `limit` (a plain
/// `extend` doubles it: a line just over half the limit would take twice
/// the limit).
fn push_bounded(buf: &mut Vec<u8>, data: &[u8], limit: Option<usize>) {
    let needed = buf.len() + data.len();
    if needed > buf.capacity() {
        let doubled = needed.max(buf.capacity().saturating_mul(2)).max(1024);
        let target = limit.map_or(doubled, |l| doubled.min(l)).max(needed);
        buf.reserve_exact(target - buf.len());
    }
    buf.extend_from_slice(data);
}

/// The string value of `key` in the top-level object of a JSON text that
/// may be cut anywhere: what an error record for an oversized line can still
/// say about it. One pass, no allocation but the value.
fn top_level_string(json: &[u8], key: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'"' => {
                let end = string_end(json, i)?;
                if depth == 1 && expect_key {
                    expect_key = false;
                    let colon = skip_space(json, end + 1);
                    let raw_key = &json[i + 1..end];
                    if json.get(colon) == Some(&b':') && raw_key == key.as_bytes() {
                        let value = skip_space(json, colon + 1);
                        if json.get(value) != Some(&b'"') {
                            return None;
                        }
                        let value_end = string_end(json, value)?;
                        return serde_json::from_slice(&json[value..=value_end]).ok();
                    }
                }
                i = end + 1;
                continue;
            }
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = depth == 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the quote closing the JSON string opened at `open`.
fn string_end(json: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', json.get(i..)?)?;
        if json[i] == b'"' {
            return Some(i);
        }
        i += 2;
    }
}

fn skip_space(json: &[u8], mut i: usize) -> usize {
    while json.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// Cleans every record of `input` into `out`. `progress` is called after each
/// window with the running totals. Returns the totals; a record that fails
/// becomes an error record and the stream goes on (unless `fail_fast`).
///
/// ```
/// use declutter::pipeline::{JsonlOptions, clean_jsonl};
/// use declutter::{Cleaner, Hints};
///
/// let cleaner = Cleaner::new()?;
/// let input = "{\"id\": 7, \"text\": \"Advertisement\\n\\nThe story.\"}\n\nnot json\n";
/// let mut out = Vec::new();
/// let summary = clean_jsonl(&cleaner, &Hints::default(), input.as_bytes(), &mut out, &JsonlOptions::default(), |_| {})?;
/// let lines: Vec<&str> = std::str::from_utf8(&out)?.lines().collect();
/// assert_eq!(lines[0], r#"{"id":7,"text":"The story.\n"}"#);
/// assert!(lines[1].contains("\"line\":3"));
/// assert_eq!((summary.documents, summary.failed, summary.skipped), (2, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn clean_jsonl<R: BufRead, W: Write>(
    cleaner: &Cleaner,
    base: &Hints,
    input: R,
    out: &mut W,
    options: &JsonlOptions,
    progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut reader = LineReader::new(input, options.max_bytes.map(jsonl_line_limit), &options.url_field);
    let blank = std::cell::Cell::new(0usize);
    let mut read = || loop {
        match reader.next_line() {
            Ok(None) => return None,
            Ok(Some(JsonlLine::Blank)) => blank.set(blank.get() + 1),
            Ok(Some(line)) => return Some(Ok((reader.line(), line))),
            // A cut or corrupt stream: the records before it stand; say where it broke.
            Err(e) => {
                let record = serde_json::json!({"line": reader.line() + 1, "error": format!("the input ends early or is corrupt: {e}")});
                return Some(Err(record.to_string()));
            }
        }
    };
    let size = |(_, line): &(usize, JsonlLine)| match line {
        JsonlLine::Record(bytes) => bytes.len(),
        _ => 0,
    };
    // The learning window: read ahead and cleaned once to learn from; only
    // the records the table can change are cleaned again.
    let mut ahead = Default::default();
    let mut hints = base.clone();
    if options.repeated_lines {
        let window = learning_window(&mut read, size);
        let first = |(n, line): &(usize, JsonlLine)| match line {
            JsonlLine::Record(bytes) => Some(first_clean(cleaner, base, *n, bytes, options)),
            _ => None,
        };
        (ahead, hints.repeated) = learn_window(window, first);
    }
    let next = || ahead.pop_front().or_else(|| read().map(|r| r.map(Pending::Todo)));
    let settings =
        StreamSettings { window: options.window, window_bytes: options.window_bytes, fail_fast: options.fail_fast };
    let hints = &hints;
    let mut summary = stream(
        next,
        |p: &Pending<(usize, JsonlLine)>| p.size(size),
        |p| match p {
            Pending::Todo((n, line)) => clean_line(cleaner, hints, n, line, options),
            Pending::Done(outcome) => outcome,
            Pending::Cleaned((n, JsonlLine::Record(bytes)), cleaned) => {
                clean_record(cleaner, hints, n, bytes, options, Some(*cleaned))
            }
            Pending::Cleaned((n, line), _) => clean_line(cleaner, hints, n, line, options),
        },
        out,
        settings,
        progress,
    )?;
    summary.skipped += blank.get();
    Ok(summary)
}

/// The field a record's document is read from: the HTML field if the record
/// has one, else the text field.
fn source_field<'a>(record: &Map<String, Value>, options: &'a JsonlOptions) -> Option<&'a str> {
    if record.contains_key(&options.html_field) {
        Some(options.html_field.as_str())
    } else if record.contains_key(&options.text_field) {
        Some(options.text_field.as_str())
    } else {
        None
    }
}

/// `base` with the record's URL, and the format its `source` field implies
/// (HTML sniffed, text as text) unless the caller fixed one.
fn record_hints(base: &Hints, record: &Map<String, Value>, source: &str, options: &JsonlOptions) -> Hints {
    let format = if source == options.html_field { InputFormat::Auto } else { InputFormat::Text };
    let mut hints = base.clone();
    hints.format = if base.format == InputFormat::Auto { format } else { base.format };
    if let Some(Value::String(url)) = record.get(&options.url_field) {
        hints.url = Some(url.clone());
    }
    hints
}

fn clean_line(cleaner: &Cleaner, base: &Hints, line: usize, input: JsonlLine, options: &JsonlOptions) -> RecordOutcome {
    match input {
        JsonlLine::Record(bytes) => clean_record(cleaner, base, line, bytes, options, None),
        JsonlLine::TooLong { bytes, url } => {
            let mut record = Map::new();
            if let Some(url) = url {
                record.insert(options.url_field.clone(), Value::from(url));
            }
            let limit = options.max_bytes.map_or(0, jsonl_line_limit);
            let message = format!(
                "the line is {bytes} bytes, over the {limit}-byte line limit (2 × --max-bytes + 1 MiB): skipped unread"
            );
            let size = usize::try_from(bytes).unwrap_or(usize::MAX);
            error_outcome(record, line, message, size, 0)
        }
        JsonlLine::Blank => RecordOutcome::default(),
    }
}

/// An error record: the fields given, then `line` and `error`.
fn error_outcome(
    mut record: Map<String, Value>,
    line: usize,
    message: String,
    bytes: usize,
    renamed: usize,
) -> RecordOutcome {
    record.insert("line".into(), Value::from(line));
    record.insert("error".into(), Value::from(message));
    RecordOutcome { renamed, ..RecordOutcome::failure(Value::Object(record).to_string(), bytes) }
}

/// The fields declutter writes into a record.
fn our_fields(report: bool) -> &'static [&'static str] {
    if report {
        &["text", "error", "line", "limits", "removals", "metadata", "encoding", "extraction", "publisher", "page_type"]
    } else {
        &["text", "error", "line", "limits"]
    }
}

/// Moves input fields named like ours to `input_<name>` (all but `keep`, the
/// field being cleaned, which our clean text replaces). Returns how many
/// moved, or why the record cannot be written without losing a field.
fn make_room(record: &mut Map<String, Value>, report: bool, keep: Option<&str>) -> Result<usize, String> {
    let clashing: Vec<&str> =
        our_fields(report).iter().copied().filter(|f| Some(*f) != keep && record.contains_key(*f)).collect();
    if let Some(taken) = clashing.iter().find(|f| record.contains_key(&format!("input_{f}"))) {
        return Err(format!(
            "the record has both {taken:?} and \"input_{taken}\": declutter writes {taken:?} and keeps an input's own {taken:?} as \"input_{taken}\"; rename one of them"
        ));
    }
    for f in &clashing {
        if let Some(v) = record.remove(*f) {
            record.insert(format!("input_{f}"), v);
        }
    }
    Ok(clashing.len())
}

/// A record's output line, cleaning its document unless the learning
/// window's first pass did (`cleaned`).
fn clean_record(
    cleaner: &Cleaner,
    base: &Hints,
    line: usize,
    bytes: Vec<u8>,
    options: &JsonlOptions,
    cleaned: Option<Cleaned>,
) -> RecordOutcome {
    let size = bytes.len();
    let parsed = serde_json::from_slice::<Value>(&bytes);
    drop(bytes);
    match prepare_record(base, line, parsed, size, options) {
        Ok(p) => {
            let cleaned = cleaned.map_or_else(|| cleaner.clean(p.doc().as_bytes(), &p.hints), Ok);
            p.finish(cleaned, options)
        }
        Err(outcome) => outcome,
    }
}

/// The learning window's first pass over a record (its bytes stay in the
/// window): its clean, or the error record it writes.
fn first_clean(cleaner: &Cleaner, base: &Hints, line: usize, bytes: &[u8], options: &JsonlOptions) -> First {
    let parsed = serde_json::from_slice::<Value>(bytes);
    match prepare_record(base, line, parsed, bytes.len(), options) {
        Ok(p) => match cleaner.clean(p.doc().as_bytes(), &p.hints) {
            Ok(cleaned) => First::Cleaned(Box::new(cleaned)),
            Err(e) => First::Outcome(p.finish(Err(e), options)),
        },
        Err(outcome) => First::Outcome(outcome),
    }
}

/// A record read and checked, with the hints its document is cleaned with.
struct Prepared<'o> {
    record: Map<String, Value>,
    source: &'o str,
    hints: Hints,
    line: usize,
    size: usize,
    renamed: usize,
    bad_url: bool,
    doc_len: usize,
}

/// Reads a record up to the point of cleaning it; the error record when it cannot be.
fn prepare_record<'o>(
    base: &Hints,
    line: usize,
    parsed: serde_json::Result<Value>,
    size: usize,
    options: &'o JsonlOptions,
) -> Result<Prepared<'o>, RecordOutcome> {
    let mut record = match parsed {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(error_outcome(Map::new(), line, "the line is JSON but not an object".into(), size, 0)),
        Err(e) => return Err(error_outcome(Map::new(), line, format!("the line is not JSON: {e}"), size, 0)),
    };
    let source = source_field(&record, options);
    let renamed = match make_room(&mut record, options.report, source.filter(|s| *s == TEXT_FIELD)) {
        Ok(n) => n,
        Err(message) => return Err(error_outcome(Map::new(), line, message, size, 0)),
    };
    let error = |record, message| Err(error_outcome(record, line, message, size, renamed));
    let Some(source) = source else {
        let message = format!("no {:?} or {:?} field", options.html_field, options.text_field);
        return error(record, message);
    };
    let doc_len = match &record[source] {
        Value::String(doc) => doc.len(),
        other => {
            let message = format!("field {source:?} is {}, not a string", json_kind(other));
            return error(record, message);
        }
    };
    if let Some(max) = options.max_bytes
        && doc_len > max
    {
        // Never echo the oversized document into the error record.
        record.remove(source);
        return error(record, format!("document is {doc_len} bytes, over --max-bytes {max}"));
    }
    let hints = record_hints(base, &record, source, options);
    // A URL field that holds no URL chooses no publisher: counted, not silent.
    let bad_url = match record.get(&options.url_field) {
        None | Some(Value::Null) => false,
        Some(Value::String(url)) => !url.trim().is_empty() && crate::rules::host_of(url).is_none(),
        Some(_) => true,
    };
    Ok(Prepared { record, source, hints, line, size, renamed, bad_url, doc_len })
}

impl Prepared<'_> {
    fn doc(&self) -> &str {
        self.record[self.source].as_str().unwrap_or_default()
    }

    fn finish(self, cleaned: Result<Cleaned, crate::Error>, options: &JsonlOptions) -> RecordOutcome {
        let Prepared { record, line, size, renamed, bad_url, doc_len, .. } = self;
        match cleaned {
            Ok(cleaned) => RecordOutcome { renamed, bad_url, ..finish_record(record, &cleaned, options, doc_len) },
            Err(e) => error_outcome(record, line, e.to_string(), size, renamed),
        }
    }
}

/// Adds the clean text (and with `report`, the removals and facts, as the
/// JSON output writes them) to a record.
pub(crate) fn finish_record(
    mut record: Map<String, Value>,
    cleaned: &Cleaned,
    options: &JsonlOptions,
    bytes: usize,
) -> RecordOutcome {
    record.insert(TEXT_FIELD.into(), Value::from(cleaned.text()));
    // With or without `report`: the text may lack what a limit left out.
    if !cleaned.limits.is_empty() {
        record.insert("limits".into(), serde_json::to_value(&cleaned.limits).unwrap_or(Value::Null));
    }
    if options.report {
        record.insert("removals".into(), json_value(&cleaned.removals));
        record.insert("metadata".into(), json_value(&cleaned.metadata));
        record.insert("encoding".into(), json_value(&cleaned.encoding));
        if let Some(q) = cleaned.quality {
            record.insert("extraction".into(), json_value(&q));
        }
        if let Some(p) = &cleaned.publisher {
            record.insert("publisher".into(), Value::from(p.clone()));
        }
        if let Some(t) = &cleaned.page_type {
            record.insert("page_type".into(), json_value(t));
        }
    }
    RecordOutcome {
        line: Value::Object(record).to_string(),
        bytes,
        removals: super::stream::removal_counts(cleaned),
        ..RecordOutcome::default()
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, options: &JsonlOptions) -> (Vec<Value>, Summary) {
        let cleaner = Cleaner::new().unwrap();
        let mut out = Vec::new();
        let summary = clean_jsonl(&cleaner, &Hints::default(), input.as_bytes(), &mut out, options, |_| {}).unwrap();
        let lines = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (lines, summary)
    }

    #[test]
    fn order_fields_and_errors() {
        let input = concat!(
            r#"{"id": 1, "url": "https://www.lifezette.com/x/", "text": "Body [lz_related_box id=\"1\"] here."}"#,
            "\n",
            "this is not json\n",
            r#"{"id": 3, "html": 42}"#,
            "\n\n",
            r#"{"id": 4, "html": "<html><body><p>Kept text of the article.</p><p>Advertisement</p></body></html>"}"#,
            "\n",
        );
        let options = JsonlOptions { window: 2, ..JsonlOptions::default() };
        let (records, summary) = run(input, &options);
        assert_eq!(records.len(), 4);
        assert_eq!(records[0]["id"], 1);
        assert_eq!(records[0]["text"], "Body here.\n");
        assert_eq!(records[1]["line"], 2);
        assert!(records[1]["error"].as_str().unwrap().contains("not JSON"));
        assert_eq!(records[2]["id"], 3);
        assert!(records[2]["error"].as_str().unwrap().contains("is a number, not a string"));
        assert_eq!(records[3]["text"], "Kept text of the article.\n");
        assert_eq!((summary.documents, summary.failed), (4, 2));
    }

    #[test]
    fn fail_fast_stops_after_the_first_failure() {
        let options = JsonlOptions { fail_fast: true, window: 1, ..JsonlOptions::default() };
        let (records, _) = run("{\"text\": \"a.\"}\n[1]\n{\"text\": \"b.\"}\n", &options);
        assert_eq!(records.len(), 2);
    }

    #[test]
    fn blank_lines_are_skipped_and_counted_and_a_bom_is_accepted() {
        let input = "\u{feff}{\"text\": \"First.\"}\n\n   \r\n{\"text\": \"Fourth.\"}\nnot json\n\n";
        let (records, summary) = run(input, &JsonlOptions::default());
        assert_eq!(records.len(), 3);
        assert_eq!(records[0]["text"], "First.\n");
        assert_eq!(records[1]["text"], "Fourth.\n");
        assert_eq!(records[2]["line"], 5, "line numbers count the blank lines");
        assert_eq!((summary.documents, summary.failed, summary.skipped), (3, 1, 3));
        // A BOM is only a BOM at the start of the stream.
        let (records, _) = run("{\"text\": \"a.\"}\n\u{feff}{\"text\": \"b.\"}\n", &JsonlOptions::default());
        assert!(records[1]["error"].as_str().unwrap().contains("not JSON"));
    }

    #[test]
    fn an_oversized_line_is_skipped_unread_with_its_line_number_and_url() {
        // --max-bytes 1000: lines up to 2000 bytes + 1 MiB are read.
        let options = JsonlOptions { max_bytes: Some(1000), ..JsonlOptions::default() };
        let payload = "x".repeat(3 << 20);
        let input = format!(
            "{{\"text\": \"One.\"}}\n{{\"id\": {{\"url\": \"nested\"}}, \"url\": \"https://example.com/\\\"big\\\"\", \"html\": \"{payload}\"}}\n{{\"html\": \"{payload}\", \"url\": \"after\"}}\n{{\"text\": \"Four.\"}}\n"
        );
        let (records, summary) = run(&input, &options);
        assert_eq!(records.len(), 4);
        assert_eq!(records[1]["line"], 2);
        assert_eq!(records[1]["url"], "https://example.com/\"big\"");
        let error = records[1]["error"].as_str().unwrap();
        assert!(error.contains("over the 1050576-byte line limit"), "{error}");
        assert!(records[1].to_string().len() < 300, "nothing of the payload is echoed");
        assert_eq!(records[2]["line"], 3);
        assert!(records[2].get("url").is_none(), "a URL after the limit is not looked for");
        assert_eq!(records[3]["text"], "Four.\n");
        assert_eq!((summary.documents, summary.failed), (4, 2));
    }

    #[test]
    fn line_buffers_never_grow_past_the_limit() {
        let mut buf = Vec::new();
        for _ in 0..10_000 {
            push_bounded(&mut buf, b"abc", Some(30_000));
            assert!(buf.capacity() <= 30_000);
        }
        let line = "y".repeat(50_000);
        let input = format!("{line}\n{{}}\n");
        let mut reader = LineReader::new(input.as_bytes(), Some(40_000), "url");
        assert_eq!(reader.next_line().unwrap(), Some(JsonlLine::TooLong { bytes: 50_000, url: None }));
        assert_eq!(reader.next_line().unwrap(), Some(JsonlLine::Record(b"{}".to_vec())));
        assert_eq!((reader.next_line().unwrap(), reader.line()), (None, 2));
    }

    #[test]
    fn the_url_of_a_cut_record_is_read_from_the_top_level_only() {
        let find = |json: &str| top_level_string(json.as_bytes(), "url");
        assert_eq!(find(r#"{"a": {"url": "inner"}, "url": "outer", "html": "<p"#).as_deref(), Some("outer"));
        assert_eq!(find(r#"{"title": "url", "b": ["url", {"url": "x"}], "url" : "u\u00e9"}"#).as_deref(), Some("ué"));
        assert_eq!(find(r#"{"html": "say \"url\": \"no\"", "url": "yes"}"#).as_deref(), Some("yes"));
        assert_eq!(find(r#"{"url": 5}"#), None);
        assert_eq!(find(r#"{"url": "cut"#), None);
        assert_eq!(find(r#"{"html": "cut before the url"#), None);
    }

    #[test]
    fn input_fields_named_like_ours_are_kept_as_input_fields() {
        let input = concat!(
            r#"{"html": "<p>The page has a sentence.</p>", "text": "crawler text", "error": null, "line": 9}"#,
            "\n",
            r#"{"text": "Replaced in place.", "error": "timeout"}"#,
            "\n",
            r#"{"html": 5, "error": "theirs"}"#,
            "\n",
            r#"{"html": "<p>x</p>", "error": "theirs", "input_error": "also theirs", "id": 4}"#,
            "\n",
            r#"{"text": "With a report.", "metadata": {"source": "crawler"}}"#,
            "\n",
        );
        let (records, summary) = run(input, &JsonlOptions::default());
        assert_eq!(records[0]["text"], "The page has a sentence.\n");
        assert_eq!(records[0]["input_text"], "crawler text");
        assert_eq!(records[0]["input_error"], Value::Null);
        assert_eq!(records[0]["input_line"], 9);
        assert!(records[0].get("error").is_none() && records[0].get("line").is_none());
        assert_eq!(records[1]["text"], "Replaced in place.\n");
        assert!(records[1].get("input_text").is_none());
        assert_eq!(records[1]["input_error"], "timeout");
        assert_eq!(records[2]["line"], 3);
        assert!(records[2]["error"].as_str().unwrap().contains("not a string"));
        assert_eq!(records[2]["input_error"], "theirs");
        // Nowhere to put the input's own "error": refused, and nothing of it merged.
        assert_eq!(records[3]["line"], 4);
        assert!(records[3]["error"].as_str().unwrap().contains("both \"error\" and \"input_error\""));
        assert!(records[3].get("id").is_none());
        assert_eq!(records[4]["metadata"]["source"], "crawler", "without --report, metadata is theirs");
        assert_eq!(summary.renamed, 5);

        let options = JsonlOptions { report: true, ..JsonlOptions::default() };
        let (records, _) = run(input.lines().nth(4).unwrap(), &options);
        assert_eq!(records[0]["input_metadata"]["source"], "crawler");
        assert!(records[0]["metadata"].is_object());
    }

    #[test]
    fn max_bytes_and_report() {
        let options = JsonlOptions { max_bytes: Some(20), report: true, ..JsonlOptions::default() };
        let (records, _) =
            run("{\"text\": \"Share this\\n\\nBody.\"}\n{\"text\": \"far more than ten bytes\"}\n", &options);
        assert_eq!(records[0]["removals"][0]["rule"], "share-this");
        assert!(records[1]["error"].as_str().unwrap().contains("--max-bytes 20"));
        assert!(records[1].get("text").is_none(), "the oversized document is not echoed");
    }

    #[test]
    fn a_report_says_the_page_type_and_writes_numbers_as_the_json_format_does() {
        let page = "<html><body><article><h1>A headline</h1><p>The story, with a comma, and more words to it than a caption has, so that it is the article.</p></article></body></html>";
        let line = serde_json::json!({ "html": page }).to_string();
        let options = JsonlOptions { report: true, ..JsonlOptions::default() };
        let (records, _) = run(&line, &options);
        let cleaned = Cleaner::new().unwrap().clean(page.as_bytes(), &Hints::default()).unwrap();
        let json: Value = serde_json::from_str(&cleaned.to_json()).unwrap();
        assert!(records[0]["page_type"]["type"].is_string());
        assert_eq!(records[0]["page_type"], json["page_type"]);
        assert_eq!(records[0]["extraction"], json["extraction"], "0.45, not the f32 widened to 0.44999998");
        let (plain, _) = run(r#"{"text": "Plain text."}"#, &options);
        assert!(plain[0].get("page_type").is_none(), "text has no page type");
    }
}
