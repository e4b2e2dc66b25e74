//! WARC files as Common Crawl publishes them (`.warc`, `.warc.gz` with one
//! gzip member per record): response records with an HTML payload become
//! JSONL records. A small reader of our own: the format is a few header lines
//! and a length-prefixed block, and reading it ourselves lets a truncated or
//! corrupt file end in an error record instead of an abort.
//!
//! Memory per record is bounded by `--max-bytes`: a block larger than
//! [`crate::limits::warc_block_limit`] is passed over without being kept
//! (an error record for an HTML response, skipped like any non-HTML record
//! otherwise), a gzip `Content-Encoding` body is inflated no further than the
//! limit, and records that are not responses are never buffered at all.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};

use serde_json::{Map, Value};

use super::jsonl::JsonlOptions;
use super::stream::{First, Pending, RecordOutcome, StreamSettings, Summary, learn_window, learning_window, stream};
use crate::limits::{DEFAULT_MAX_BYTES, WARC_HEAD_PEEK, warc_block_limit};
use crate::{Cleaned, Cleaner, Hints, InputFormat};

/// One HTML response taken from a WARC file.
#[derive(Debug, Clone)]
pub struct WarcResponse {
    /// Position of the record in the file (1-based), for error records.
    pub record: usize,
    pub target_uri: Option<String>,
    pub record_id: Option<String>,
    pub date: Option<String>,
    /// The HTTP `Content-Type` header, charset included.
    pub content_type: Option<String>,
    pub status: Option<u16>,
    pub payload: Vec<u8>,
    /// Set when the payload is a best-effort reading of a damaged body (broken
    /// chunked encoding, a cut gzip body): what went wrong and what was kept.
    pub warning: Option<String>,
}

/// An HTML response that cannot be cleaned (over the size limit, a body that
/// does not decode); the records after it are read as usual.
#[derive(Debug, Clone)]
pub struct WarcFailure {
    pub record: usize,
    pub target_uri: Option<String>,
    pub record_id: Option<String>,
    pub date: Option<String>,
    pub status: Option<u16>,
    /// The size of what was not cleaned, for the totals.
    pub bytes: usize,
    pub message: String,
}

/// Reads WARC records one by one.
pub struct WarcReader<R: BufRead> {
    input: R,
    record: usize,
    done: bool,
    max_bytes: Option<usize>,
}

/// What one read produced.
pub enum WarcItem {
    /// An HTML response.
    Response(WarcResponse),
    /// Another record (request, metadata, non-HTML response): nothing to clean.
    Skipped,
    /// An HTML response that cannot be cleaned; reading goes on.
    Failed(WarcFailure),
    /// A record that cannot be read; reading stops here.
    Broken { record: usize, message: String },
}

impl<R: BufRead> WarcReader<R> {
    /// A reader with the default document limit ([`DEFAULT_MAX_BYTES`]).
    pub fn new(input: R) -> Self {
        Self::with_max_bytes(input, Some(DEFAULT_MAX_BYTES))
    }

    /// A reader whose documents may be `max_bytes` long (`None`: any length).
    pub fn with_max_bytes(input: R, max_bytes: Option<usize>) -> Self {
        WarcReader { input, record: 0, done: false, max_bytes }
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = WarcItem;

    fn next(&mut self) -> Option<WarcItem> {
        if self.done {
            return None;
        }
        match self.read_record() {
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(message) => {
                self.done = true;
                Some(WarcItem::Broken { record: self.record, message })
            }
        }
    }
}

/// The WARC headers of a record that say which document it is.
struct Named {
    target_uri: Option<String>,
    record_id: Option<String>,
    date: Option<String>,
}

impl Named {
    fn of(headers: &BTreeMap<String, String>) -> Self {
        Named {
            target_uri: headers.get("warc-target-uri").map(|s| s.trim().trim_matches(['<', '>']).to_owned()),
            record_id: headers.get("warc-record-id").map(|s| s.trim().to_owned()),
            date: headers.get("warc-date").map(|s| s.trim().to_owned()),
        }
    }

    fn failure(self, record: usize, status: Option<u16>, bytes: usize, message: String) -> WarcItem {
        WarcItem::Failed(WarcFailure {
            record,
            target_uri: self.target_uri,
            record_id: self.record_id,
            date: self.date,
            status,
            bytes,
            message,
        })
    }
}

impl<R: BufRead> WarcReader<R> {
    fn read_record(&mut self) -> Result<Option<WarcItem>, String> {
        // Skip the blank lines between records; stop cleanly at the end.
        let version = loop {
            let mut line = Vec::new();
            let n = (&mut self.input)
                .take(WARC_HEAD_PEEK as u64)
                .read_until(b'\n', &mut line)
                .map_err(|e| format!("unreadable input: {e}"))?;
            if n == 0 {
                return Ok(None);
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                break line;
            }
        };
        self.record += 1;
        let n = self.record;
        if !version.starts_with(b"WARC/") {
            return Err(format!("record {n} does not start with a WARC/ version line"));
        }
        let headers = read_headers(&mut self.input).map_err(|e| format!("record {n}: {e}"))?;
        let length: u64 = headers
            .get("content-length")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("record {n} has no valid Content-Length"))?;
        let kind = headers.get("warc-type").map(|s| s.trim().to_ascii_lowercase());
        if kind.as_deref() != Some("response") {
            self.discard(length)?;
            return Ok(Some(WarcItem::Skipped));
        }
        let limit = self.max_bytes.map(warc_block_limit);
        if let Some(limit) = limit
            && length > limit as u64
        {
            return self.pass_over(&headers, length, limit);
        }
        // Within the limit, so it fits in memory (and in a usize).
        let mut block = vec![0; length as usize];
        self.input
            .read_exact(&mut block)
            .map_err(|_| format!("record {n} is cut off: the file ends inside its {length}-byte block"))?;
        let Some(head) = HttpHead::parse(&block) else { return Ok(Some(WarcItem::Skipped)) };
        if !head.is_html() {
            return Ok(Some(WarcItem::Skipped));
        }
        let named = Named::of(&headers);
        let block_len = block.len();
        let body = match head.decode_body(block, self.max_bytes) {
            Ok(body) => body,
            Err(message) => return Ok(Some(named.failure(n, head.status, block_len, message))),
        };
        Ok(Some(WarcItem::Response(WarcResponse {
            record: n,
            target_uri: named.target_uri,
            record_id: named.record_id,
            date: named.date,
            content_type: head.content_type,
            status: head.status,
            payload: body.bytes,
            warning: body.warning,
        })))
    }

    /// Reads past `length` bytes without keeping them.
    fn discard(&mut self, length: u64) -> Result<(), String> {
        let skipped = io::copy(&mut (&mut self.input).take(length), &mut io::sink())
            .map_err(|e| format!("record {}: unreadable input: {e}", self.record))?;
        if skipped < length {
            return Err(format!("record {} is cut off: the file ends inside its {length}-byte block", self.record));
        }
        Ok(())
    }

    /// A response block over the limit: its HTTP head is read to tell an HTML
    /// page (an error record) from anything else (skipped), the rest is
    /// discarded unread.
    fn pass_over(
        &mut self,
        headers: &BTreeMap<String, String>,
        length: u64,
        limit: usize,
    ) -> Result<Option<WarcItem>, String> {
        let peek_len = length.min(WARC_HEAD_PEEK as u64);
        let mut peek = Vec::new();
        (&mut self.input)
            .take(peek_len)
            .read_to_end(&mut peek)
            .map_err(|e| format!("record {}: unreadable input: {e}", self.record))?;
        if (peek.len() as u64) < peek_len {
            return Err(format!("record {} is cut off: the file ends inside its {length}-byte block", self.record));
        }
        self.discard(length - peek_len)?;
        let head = HttpHead::parse(&peek);
        // A head too long to find in the peek is reported rather than guessed at.
        if !peek.starts_with(b"HTTP/") || head.as_ref().is_some_and(|h| !h.is_html()) {
            return Ok(Some(WarcItem::Skipped));
        }
        let message = format!(
            "record {} is {length} bytes, over the {limit}-byte limit for a WARC block (--max-bytes + 1 MiB): skipped unread",
            self.record
        );
        let bytes = usize::try_from(length).unwrap_or(usize::MAX);
        Ok(Some(Named::of(headers).failure(self.record, head.and_then(|h| h.status), bytes, message)))
    }
}

/// `Name: value` lines up to a blank line; names lower-cased. Lines are read
/// at most [`WARC_HEAD_PEEK`] bytes at a time, so a header "line" with no line
/// end cannot fill memory.
fn read_headers(input: &mut impl BufRead) -> io::Result<BTreeMap<String, String>> {
    let mut headers = BTreeMap::new();
    let mut total = 0usize;
    loop {
        let mut line = Vec::new();
        if input.by_ref().take(WARC_HEAD_PEEK as u64).read_until(b'\n', &mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file ends inside the headers"));
        }
        total += line.len();
        if total > 16 * WARC_HEAD_PEEK {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "the WARC headers run past 1 MiB"));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Ok(headers);
        }
        if let Some((name, value)) = text.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
}

/// The head of an HTTP response: what decides whether and how its body is read.
struct HttpHead {
    status: Option<u16>,
    content_type: Option<String>,
    chunked: bool,
    gzipped: bool,
    /// Where the body starts in the block.
    body_start: usize,
}

impl HttpHead {
    fn parse(block: &[u8]) -> Option<HttpHead> {
        if !block.starts_with(b"HTTP/") {
            return None;
        }
        // The first blank line ends the head, whichever line ends it uses.
        let crlf = memchr::memmem::find(block, b"\r\n\r\n").map(|i| (i, 4));
        let lf = memchr::memmem::find(block, b"\n\n").map(|i| (i, 2));
        let (end, sep) = match (crlf, lf) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        let head = String::from_utf8_lossy(&block[..end]);
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok());
        let mut parsed = HttpHead { status, content_type: None, chunked: false, gzipped: false, body_start: end + sep };
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" => parsed.content_type = Some(value.trim().to_owned()),
                "transfer-encoding" => parsed.chunked = value.to_ascii_lowercase().contains("chunked"),
                "content-encoding" => parsed.gzipped = value.to_ascii_lowercase().contains("gzip"),
                _ => {}
            }
        }
        Some(parsed)
    }

    fn is_html(&self) -> bool {
        self.content_type.as_deref().is_none_or(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || ct.starts_with("text/")
        })
    }

    /// The body of `block`, chunked transfer encoding and gzip content
    /// encoding undone (when still present), inflated no further than
    /// `max_bytes`. `Err` when nothing usable is left.
    fn decode_body(&self, mut block: Vec<u8>, max_bytes: Option<usize>) -> Result<Body, String> {
        block.drain(..self.body_start);
        let mut body = Body { bytes: block, warning: None };
        if self.chunked {
            match dechunk(&mut body.bytes) {
                Dechunked::Whole | Dechunked::NotChunked => {}
                Dechunked::Broken(problem) => {
                    body.warning = Some(format!(
                        "the chunked body is broken ({problem}): cleaned the {} bytes of chunks before it",
                        body.bytes.len()
                    ));
                }
            }
        }
        if self.gzipped && body.bytes.starts_with(&[0x1f, 0x8b]) {
            let mut plain = Vec::new();
            let mut decoder = flate2::read::MultiGzDecoder::new(&body.bytes[..]);
            // One byte past the limit tells "over" from "exactly at".
            let read = match max_bytes {
                Some(max) => decoder.take((max as u64).saturating_add(1)).read_to_end(&mut plain),
                None => decoder.read_to_end(&mut plain),
            };
            if let Some(max) = max_bytes
                && plain.len() > max
            {
                return Err(format!("the gzip-encoded body inflates to more than --max-bytes {max}: not cleaned"));
            }
            match read {
                Ok(_) => {}
                Err(e) if plain.is_empty() => return Err(format!("the gzip-encoded body is corrupt: {e}")),
                Err(e) => {
                    let first = body.warning.take().map(|w| format!("{w}; ")).unwrap_or_default();
                    body.warning = Some(format!(
                        "{first}the gzip-encoded body is cut off or corrupt ({e}): cleaned the {} bytes inflated before it",
                        plain.len()
                    ));
                }
            }
            body.bytes = plain;
        }
        Ok(body)
    }
}

#[derive(Debug)]
struct Body {
    bytes: Vec<u8>,
    warning: Option<String>,
}

enum Dechunked {
    Whole,
    /// The body does not start with a chunk size: some WARC writers store
    /// the body decoded but keep the `Transfer-Encoding` header. Left as it is.
    NotChunked,
    /// Chunks were read up to a problem; the data holds the chunks before it.
    Broken(String),
}

/// Joins the chunks of a chunked body in place (the data only moves toward
/// the start), so no second copy of the body is made. Never leaves
/// chunk-size lines in the data: a break after the first chunk keeps the
/// chunks before it and says what broke.
fn dechunk(data: &mut Vec<u8>) -> Dechunked {
    let mut read = 0;
    let mut write = 0;
    let mut chunks = 0usize;
    let broken = |data: &mut Vec<u8>, write: usize, problem: String| {
        data.truncate(write);
        Dechunked::Broken(problem)
    };
    loop {
        let rest = &data[read..];
        let size = memchr::memchr(b'\n', rest).and_then(|eol| {
            let line = std::str::from_utf8(&rest[..eol]).ok()?;
            let digits = line.split(';').next()?.trim();
            let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit());
            let size = if valid { usize::from_str_radix(digits, 16).ok()? } else { return None };
            Some((size, eol + 1))
        });
        let Some((size, line_len)) = size else {
            if chunks == 0 {
                return Dechunked::NotChunked;
            }
            let problem = if rest.is_empty() {
                "the body ends without the last, zero-size chunk".to_owned()
            } else {
                format!("no chunk size after chunk {chunks}")
            };
            return broken(data, write, problem);
        };
        read += line_len;
        if size == 0 {
            data.truncate(write);
            return Dechunked::Whole;
        }
        let available = data.len() - read;
        if size > available {
            data.copy_within(read.., write);
            write += available;
            return broken(data, write, format!("the body ends inside chunk {}", chunks + 1));
        }
        data.copy_within(read..read + size, write);
        write += size;
        read += size;
        chunks += 1;
        if data[read..].starts_with(b"\r\n") {
            read += 2;
        } else if data[read..].starts_with(b"\n") {
            read += 1;
        } else if read < data.len() {
            return broken(data, write, format!("chunk {chunks} is longer than its size says"));
        }
    }
}

/// Cleans every HTML response of a WARC stream into JSONL records (`url`,
/// `warc_record_id`, `warc_date`, `status`, `text`, and the report fields
/// with `options.report`). Records that are not HTML responses are skipped
/// and counted in [`Summary::skipped`].
pub fn clean_warc<R: BufRead, W: Write>(
    cleaner: &Cleaner,
    base: &Hints,
    input: R,
    out: &mut W,
    options: &JsonlOptions,
    progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut reader = WarcReader::with_max_bytes(input, options.max_bytes);
    let skipped = std::cell::Cell::new(0usize);
    let mut read = || loop {
        match reader.next()? {
            WarcItem::Skipped => skipped.set(skipped.get() + 1),
            WarcItem::Broken { record, message } => {
                return Some(Err(serde_json::json!({"warc_record": record, "error": message}).to_string()));
            }
            item => return Some(Ok(item)),
        }
    };
    // The learning window (`builtin:repeated-line`): read ahead, learned from,
    // then cleaned like the rest, as JSONL does.
    let size = |item: &WarcItem| match item {
        WarcItem::Response(r) => r.payload.len(),
        _ => 0,
    };
    // Cleaned once to learn from; only the responses the table can change are cleaned again.
    let mut ahead = Default::default();
    let mut with_repeated = base.clone();
    if options.repeated_lines {
        let window = learning_window(&mut read, size);
        let first = |item: &WarcItem| match item {
            WarcItem::Response(r) => Some(first_clean(cleaner, base, r, options)),
            _ => None,
        };
        (ahead, with_repeated.repeated) = learn_window(window, first);
    }
    let base = &with_repeated;
    let next = || ahead.pop_front().or_else(|| read().map(|r| r.map(Pending::Todo)));
    let settings =
        StreamSettings { window: options.window, window_bytes: options.window_bytes, fail_fast: options.fail_fast };
    let process = |item: WarcItem| match item {
        WarcItem::Response(r) => clean_response(cleaner, base, &r, options),
        WarcItem::Failed(f) => {
            let mut record = record_fields(&f.target_uri, &f.record_id, &f.date, f.status);
            record.insert("warc_record".into(), Value::from(f.record));
            record.insert("error".into(), Value::from(f.message));
            RecordOutcome::failure(Value::Object(record).to_string(), f.bytes)
        }
        WarcItem::Skipped | WarcItem::Broken { .. } => RecordOutcome::default(),
    };
    let process = |p: Pending<WarcItem>| match p {
        Pending::Todo(item) => process(item),
        Pending::Done(outcome) => outcome,
        Pending::Cleaned(WarcItem::Response(r), cleaned) => respond(cleaner, base, &r, options, Some(Ok(*cleaned))),
        Pending::Cleaned(item, _) => process(item),
    };
    let mut summary = stream(next, |p: &Pending<WarcItem>| p.size(size), process, out, settings, progress)?;
    summary.skipped += skipped.get();
    Ok(summary)
}

fn record_fields(
    uri: &Option<String>,
    id: &Option<String>,
    date: &Option<String>,
    status: Option<u16>,
) -> Map<String, Value> {
    let mut record = Map::new();
    if let Some(u) = uri {
        record.insert("url".into(), Value::from(u.clone()));
    }
    if let Some(id) = id {
        record.insert("warc_record_id".into(), Value::from(id.clone()));
    }
    if let Some(d) = date {
        record.insert("warc_date".into(), Value::from(d.clone()));
    }
    if let Some(s) = status {
        record.insert("status".into(), Value::from(s));
    }
    record
}

fn clean_response(cleaner: &Cleaner, base: &Hints, r: &WarcResponse, options: &JsonlOptions) -> RecordOutcome {
    respond(cleaner, base, r, options, None)
}

/// The learning window's first pass over a response: its clean, or the
/// error record it writes.
fn first_clean(cleaner: &Cleaner, base: &Hints, r: &WarcResponse, options: &JsonlOptions) -> First {
    if options.max_bytes.is_some_and(|max| r.payload.len() > max) {
        return First::Outcome(clean_response(cleaner, base, r, options));
    }
    let hints = response_hints(base, r);
    match cleaner.clean(&r.payload, &hints) {
        Ok(cleaned) => First::Cleaned(Box::new(cleaned)),
        Err(e) => First::Outcome(respond(cleaner, base, r, options, Some(Err(e)))),
    }
}

/// A response's output record, cleaning it unless `cleaned` says how it cleaned.
fn respond(
    cleaner: &Cleaner,
    base: &Hints,
    r: &WarcResponse,
    options: &JsonlOptions,
    cleaned: Option<Result<Cleaned, crate::Error>>,
) -> RecordOutcome {
    let mut record = record_fields(&r.target_uri, &r.record_id, &r.date, r.status);
    let fail = |mut record: Map<String, Value>, message: String| {
        record.insert("warc_record".into(), Value::from(r.record));
        record.insert("error".into(), Value::from(message));
        RecordOutcome::failure(Value::Object(record).to_string(), r.payload.len())
    };
    if let Some(max) = options.max_bytes
        && r.payload.len() > max
    {
        return fail(record, format!("document is {} bytes, over --max-bytes {max}", r.payload.len()));
    }
    let hints = response_hints(base, r);
    if let Some(w) = &r.warning {
        record.insert("warning".into(), Value::from(w.clone()));
    }
    match cleaned.unwrap_or_else(|| cleaner.clean(&r.payload, &hints)) {
        Ok(cleaned) => RecordOutcome {
            warned: r.warning.is_some(),
            ..super::jsonl::finish_record(record, &cleaned, options, r.payload.len())
        },
        Err(e) => fail(record, e.to_string()),
    }
}

impl WarcResponse {
    /// The hints the response is cleaned with over `base`: its target URI,
    /// its HTTP charset when it names one, HTML as the format.
    pub fn hints(&self, base: &Hints) -> Hints {
        response_hints(base, self)
    }
}

/// The hints a response is cleaned with: its target URI, its HTTP charset.
fn response_hints(base: &Hints, r: &WarcResponse) -> Hints {
    let mut hints = base.clone();
    hints.url = r.target_uri.clone().or(hints.url);
    // The HTTP charset is the caller's charset, unless the user gave one.
    if hints.encoding.is_none()
        && let Some(ct) = &r.content_type
        && ct.to_ascii_lowercase().contains("charset")
        && crate::load::parse_caller_label(ct).is_ok()
    {
        hints.encoding = Some(ct.clone());
    }
    if hints.format == InputFormat::Auto {
        hints.format = InputFormat::Html;
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
        response_with(uri, &format!("Content-Type: {content_type}\r\n"), body)
    }

    /// A response record with these HTTP headers (each ending in CRLF).
    fn response_with(uri: &str, http_headers: &str, body: &[u8]) -> Vec<u8> {
        let mut http = format!("HTTP/1.1 200 OK\r\n{http_headers}\r\n").into_bytes();
        http.extend_from_slice(body);
        let mut rec = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        rec.extend_from_slice(&http);
        rec.extend_from_slice(b"\r\n\r\n");
        rec
    }

    fn run(bytes: &[u8]) -> Vec<Value> {
        run_with(bytes, &JsonlOptions::default()).0
    }

    fn run_with(bytes: &[u8], options: &JsonlOptions) -> (Vec<Value>, Summary) {
        let cleaner = Cleaner::new().unwrap();
        let mut out = Vec::new();
        let summary = clean_warc(&cleaner, &Hints::default(), bytes, &mut out, options, |_| {}).unwrap();
        let records = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (records, summary)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    const PAGE: &[u8] = b"<html><body><p>A page with one full sentence of article text.</p></body></html>";

    #[test]
    fn a_block_on_most_pages_of_a_site_is_removed_as_repeated() {
        let mut warc = Vec::new();
        for i in 0..4 {
            let body = format!(
                "<html><body><article><h1>Story {i}</h1><p>Story number {i} tells its own news, with words of its own in a full sentence.</p><p>The Maple Street Gazette: stories from the valley since 1921</p></article></body></html>"
            );
            warc.extend(response(&format!("https://news.example/s/{i}"), "text/html", body.as_bytes()));
        }
        let options = JsonlOptions { repeated_lines: true, report: true, ..Default::default() };
        let (records, _) = run_with(&warc, &options);
        assert_eq!(records.len(), 4);
        for r in &records {
            let text = r["text"].as_str().unwrap();
            assert!(text.contains("tells its own news"), "{text}");
            assert!(!text.contains("Maple Street"), "{text}");
            assert!(
                r["removals"].as_array().unwrap().iter().any(|x| x["rule"] == crate::clean::repeated::REPEATED_LINE),
                "{r}"
            );
        }
        let (off, _) = run_with(&warc, &JsonlOptions { report: true, ..Default::default() });
        assert!(off[0]["text"].as_str().unwrap().contains("Maple Street"), "off unless asked");
    }

    #[test]
    fn responses_become_records_with_the_http_charset() {
        let (page, _, _) = encoding_rs::WINDOWS_1252.encode("<html><body><p>Caf\u{e9} cr\u{e8}me, na\u{ef}ve r\u{e9}sum\u{e9} of the day, with enough words to be kept.</p></body></html>");
        let mut warc = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n".to_vec();
        warc.extend(response("https://example.com/a", "text/html; charset=windows-1252", &page));
        warc.extend(response("https://example.com/logo.png", "image/png", b"\x89PNG"));
        let records = run(&warc);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["url"], "https://example.com/a");
        assert!(records[0]["text"].as_str().unwrap().starts_with("Café crème"), "{}", records[0]);
    }

    /// The HTTP charset still reaches the loader; one that would destroy the
    /// text (UTF-16 on an ASCII body) is overruled there, and the report says so.
    #[test]
    fn a_destructive_http_charset_is_overruled_and_reported() {
        let warc = response("https://example.com/u16", "text/html; charset=utf-16", PAGE);
        let options = JsonlOptions { report: true, ..JsonlOptions::default() };
        let (records, _) = run_with(&warc, &options);
        assert_eq!(records[0]["text"], "A page with one full sentence of article text.\n");
        assert_eq!(records[0]["encoding"]["overruled"]["name"], "UTF-16LE", "{}", records[0]["encoding"]);
        assert_eq!(records[0]["encoding"]["overruled"]["source"], "caller");
    }

    #[test]
    fn a_file_cut_mid_record_keeps_the_records_before_it() {
        let mut warc =
            response("https://example.com/a", "text/html", b"<p>First page, kept whole, with a full sentence.</p>");
        let second = response("https://example.com/b", "text/html", b"<p>Second page that will be cut off.</p>");
        warc.extend_from_slice(&second[..second.len() - 30]);
        let records = run(&warc);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0]["url"], "https://example.com/a");
        assert!(records[1]["error"].as_str().unwrap().contains("cut off"), "{}", records[1]);
    }

    fn dechunked(body: &[u8]) -> (Vec<u8>, Option<String>) {
        let mut data = body.to_vec();
        match dechunk(&mut data) {
            Dechunked::Whole => (data, None),
            Dechunked::NotChunked => (data, Some("not chunked".into())),
            Dechunked::Broken(problem) => (data, Some(problem)),
        }
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunked(b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n"), (b"Wikipedia".to_vec(), None));
        assert_eq!(dechunked(b"4\nWiki\n0\n"), (b"Wiki".to_vec(), None));
        assert_eq!(dechunked(b"zz\r\n"), (b"zz\r\n".to_vec(), Some("not chunked".into())));
        assert_eq!(dechunked(b"<html>\n"), (b"<html>\n".to_vec(), Some("not chunked".into())));
    }

    #[test]
    fn broken_chunking_keeps_the_chunks_and_never_the_size_lines() {
        let cases: [(&[u8], &[u8], &str); 4] = [
            (b"4\r\nWiki\r\n5\r\npe", b"Wikipe", "ends inside chunk 2"),
            (b"4\r\nWiki\r\n", b"Wiki", "without the last"),
            (b"4\r\nWiki\r\nnot a size\r\nmore", b"Wiki", "no chunk size after chunk 1"),
            (b"4\r\nWikipedia\r\n0\r\n", b"Wiki", "longer than its size"),
        ];
        for (body, kept, problem) in cases {
            let (data, said) = dechunked(body);
            assert_eq!(data, kept, "{}", String::from_utf8_lossy(body));
            assert!(said.as_deref().is_some_and(|s| s.contains(problem)), "{said:?}");
        }
    }

    #[test]
    fn a_broken_chunked_record_is_cleaned_from_its_chunks_with_a_warning() {
        let body = b"2b\r\n<p>A sentence in the first chunk, kept.</p>\r\n40\r\n<p>And the second chunk, cut";
        assert_eq!(0x2b, b"<p>A sentence in the first chunk, kept.</p>".len());
        let headers = "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n";
        let mut warc = response_with("https://example.com/chunked", headers, body);
        warc.extend(response("https://example.com/next", "text/html", PAGE));
        let (records, summary) = run_with(&warc, &JsonlOptions::default());
        assert_eq!(records.len(), 2);
        let text = records[0]["text"].as_str().unwrap();
        assert!(text.starts_with("A sentence in the first chunk, kept."), "{text}");
        assert!(text.contains("And the second chunk, cut"), "the partial chunk is kept: {text}");
        assert!(!text.contains("2b") && !text.contains("40"), "no chunk-size lines: {text}");
        assert!(records[0]["warning"].as_str().unwrap().contains("chunked body is broken"), "{}", records[0]);
        assert_eq!(summary.warnings, 1);
        assert!(records[1].get("warning").is_none());

        // A body stored decoded under a chunked header is read as it is, without a warning.
        let headers = "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n";
        let records = run(&response_with("https://example.com/decoded", headers, PAGE));
        assert_eq!(records[0]["text"], "A page with one full sentence of article text.\n");
        assert!(records[0].get("warning").is_none());
    }

    #[test]
    fn a_gzip_body_is_inflated_no_further_than_max_bytes() {
        let big = format!("<html><body><p>{}</p></body></html>", "word ".repeat(200_000));
        let headers = "Content-Type: text/html\r\nContent-Encoding: gzip\r\n";
        let mut warc = response_with("https://example.com/bomb", headers, &gzip(big.as_bytes()));
        warc.extend(response_with("https://example.com/small", headers, &gzip(PAGE)));
        let options = JsonlOptions { max_bytes: Some(50_000), ..JsonlOptions::default() };
        let (records, summary) = run_with(&warc, &options);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0]["url"], "https://example.com/bomb");
        let error = records[0]["error"].as_str().unwrap();
        assert!(error.contains("inflates to more than --max-bytes 50000"), "{error}");
        assert_eq!(records[1]["text"], "A page with one full sentence of article text.\n");
        assert_eq!((summary.documents, summary.failed), (2, 1));

        // Inflating stops one byte past the limit.
        let head = HttpHead::parse(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n").unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(gzip(big.as_bytes()));
        assert!(head.decode_body(block.clone(), Some(50_000)).is_err());
        assert_eq!(head.decode_body(block, None).unwrap().bytes.len(), big.len());

        // A cut gzip body: what inflated is cleaned, with a warning; nothing inflated is an error.
        let zipped = gzip(big.as_bytes());
        let mut cut = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        cut.extend_from_slice(&zipped[..zipped.len() / 2]);
        let body = head.decode_body(cut, None).unwrap();
        assert!(!body.bytes.is_empty() && body.bytes.len() < big.len());
        assert!(body.warning.unwrap().contains("cut off or corrupt"));
        let mut junk = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        junk.extend_from_slice(&[0x1f, 0x8b, 0, 0, 0]);
        assert!(head.decode_body(junk, None).unwrap_err().contains("corrupt"));
    }

    #[test]
    fn an_oversized_record_is_passed_over_and_the_records_after_it_are_read() {
        // --max-bytes 1000: blocks up to 1000 bytes + 1 MiB are read.
        let options = JsonlOptions { max_bytes: Some(1000), ..JsonlOptions::default() };
        let huge = 2 << 20;
        let mut warc = response("https://example.com/a", "text/html", PAGE);
        warc.extend(response("https://example.com/video.mp4", "video/mp4", &vec![0; huge]));
        let mut html = b"<p>".to_vec();
        html.resize(huge, b'x');
        warc.extend(response("https://example.com/huge.html", "text/html", &html));
        warc.extend(b"WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 3000000\r\n\r\n");
        warc.extend(vec![b'r'; 3_000_000]);
        warc.extend(b"\r\n\r\n");
        warc.extend(response("https://example.com/b", "text/html", PAGE));
        let (records, summary) = run_with(&warc, &options);
        assert_eq!(records.len(), 3, "{records:?}");
        assert_eq!(records[0]["url"], "https://example.com/a");
        assert_eq!(records[1]["url"], "https://example.com/huge.html");
        assert_eq!(records[1]["warc_record"], 3);
        let error = records[1]["error"].as_str().unwrap();
        assert!(error.contains("over the 1049576-byte limit") && error.contains("skipped unread"), "{error}");
        assert_eq!(records[2]["url"], "https://example.com/b");
        assert_eq!(records[2]["text"], "A page with one full sentence of article text.\n");
        // The video and the request are skipped like any non-HTML record, and counted.
        assert_eq!((summary.documents, summary.failed, summary.skipped), (3, 1, 2));

        // Within the block limit but over --max-bytes: an error record, never the payload.
        let mut warc = response("https://example.com/over", "text/html", &html[..5000]);
        warc.extend(response("https://example.com/b", "text/html", PAGE));
        let (records, _) = run_with(&warc, &options);
        assert!(records[0]["error"].as_str().unwrap().contains("over --max-bytes 1000"));
        assert!(records[0].get("text").is_none() && records[0].to_string().len() < 300);
        assert_eq!(records[1]["url"], "https://example.com/b");
    }

    #[test]
    fn an_oversized_record_cut_off_is_the_end_not_a_hang() {
        let options = JsonlOptions { max_bytes: Some(10), ..JsonlOptions::default() };
        let mut warc = response("https://example.com/a", "text/html", &vec![b'x'; 2 << 20]);
        warc.truncate(1 << 20);
        let (records, _) = run_with(&warc, &options);
        assert_eq!(records.len(), 1);
        assert!(records[0]["error"].as_str().unwrap().contains("cut off"), "{}", records[0]);
    }

    #[test]
    fn garbage_is_an_error_record_not_a_panic() {
        for junk in [
            &b"not a warc file\n"[..],
            b"WARC/1.0\r\nContent-Length: x\r\n\r\n",
            b"WARC/1.0\r\nWARC-Type: response\r\n",
        ] {
            let records = run(junk);
            assert_eq!(records.len(), 1);
            assert!(records[0]["error"].is_string());
        }
    }
}
