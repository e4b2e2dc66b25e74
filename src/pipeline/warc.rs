//! WARC files as Common Crawl publishes them (`.warc`, `.warc.gz` with one
//! gzip member per record): response records with an HTML payload become
//! JSONL records. A small reader of our own: the format is a few header lines
//! and a length-prefixed block, and reading it ourselves lets a truncated or
//! corrupt file end in an error record instead of an abort.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};

use serde_json::{Map, Value};

use super::jsonl::JsonlOptions;
use super::stream::{RecordOutcome, StreamSettings, Summary, stream};
use crate::{Cleaner, Hints, InputFormat};

/// Largest WARC block read into memory; a larger one is skipped with an error record.
const MAX_BLOCK: u64 = 64 << 20;

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
}

/// Reads WARC records one by one.
pub struct WarcReader<R: BufRead> {
    input: R,
    record: usize,
    done: bool,
}

/// What one read produced.
pub enum WarcItem {
    /// An HTML response.
    Response(WarcResponse),
    /// Another record (request, metadata, non-HTML response): nothing to clean.
    Skipped,
    /// A record that cannot be read; reading stops here.
    Broken { record: usize, message: String },
}

impl<R: BufRead> WarcReader<R> {
    pub fn new(input: R) -> Self {
        WarcReader { input, record: 0, done: false }
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

impl<R: BufRead> WarcReader<R> {
    fn read_record(&mut self) -> Result<Option<WarcItem>, String> {
        // Skip the blank lines between records; stop cleanly at the end.
        let version = loop {
            let mut line = Vec::new();
            let n = self.input.read_until(b'\n', &mut line).map_err(|e| format!("unreadable input: {e}"))?;
            if n == 0 {
                return Ok(None);
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                break line;
            }
        };
        self.record += 1;
        if !version.starts_with(b"WARC/") {
            return Err(format!("record {} does not start with a WARC/ version line", self.record));
        }
        let headers = read_headers(&mut self.input).map_err(|e| format!("record {}: {e}", self.record))?;
        let length: u64 = headers
            .get("content-length")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("record {} has no valid Content-Length", self.record))?;
        if length > MAX_BLOCK {
            return Err(format!("record {} is {length} bytes, over the {MAX_BLOCK}-byte limit", self.record));
        }
        let mut block = vec![0; length as usize];
        self.input
            .read_exact(&mut block)
            .map_err(|_| format!("record {} is cut off: the file ends inside its {length}-byte block", self.record))?;
        let kind = headers.get("warc-type").map(|s| s.trim().to_ascii_lowercase());
        if kind.as_deref() != Some("response") {
            return Ok(Some(WarcItem::Skipped));
        }
        let Some(http) = parse_http(&block) else { return Ok(Some(WarcItem::Skipped)) };
        let is_html = http.content_type.as_deref().is_none_or(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || ct.starts_with("text/")
        });
        if !is_html {
            return Ok(Some(WarcItem::Skipped));
        }
        Ok(Some(WarcItem::Response(WarcResponse {
            record: self.record,
            target_uri: headers.get("warc-target-uri").map(|s| s.trim().trim_matches(['<', '>']).to_owned()),
            record_id: headers.get("warc-record-id").map(|s| s.trim().to_owned()),
            date: headers.get("warc-date").map(|s| s.trim().to_owned()),
            content_type: http.content_type,
            status: http.status,
            payload: http.body,
        })))
    }
}

/// `Name: value` lines up to a blank line; names lower-cased.
fn read_headers(input: &mut impl BufRead) -> io::Result<BTreeMap<String, String>> {
    let mut headers = BTreeMap::new();
    loop {
        let mut line = Vec::new();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file ends inside the headers"));
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

struct Http {
    status: Option<u16>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Splits an HTTP response into status, Content-Type and body, undoing
/// chunked transfer encoding and gzip content encoding when still present.
fn parse_http(block: &[u8]) -> Option<Http> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    let split = find(block, b"\r\n\r\n").map(|i| (i, 4)).or_else(|| find(block, b"\n\n").map(|i| (i, 2)))?;
    let head = String::from_utf8_lossy(&block[..split.0]);
    let mut body = block[split.0 + split.1..].to_vec();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok());
    let mut content_type = None;
    let mut chunked = false;
    let mut gzipped = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value.trim().to_owned()),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "content-encoding" => gzipped = value.to_ascii_lowercase().contains("gzip"),
            _ => {}
        }
    }
    if chunked && let Some(joined) = dechunk(&body) {
        body = joined;
    }
    if gzipped && body.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        if flate2::read::MultiGzDecoder::new(&body[..]).read_to_end(&mut plain).is_ok() {
            body = plain;
        }
    }
    Some(Http { status, content_type, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Cleans every HTML response of a WARC stream into JSONL records (`url`,
/// `warc_record_id`, `warc_date`, `status`, `text`, and the report fields
/// with `options.report`).
pub fn clean_warc<R: BufRead, W: Write>(
    cleaner: &Cleaner,
    base: &Hints,
    input: R,
    out: &mut W,
    options: &JsonlOptions,
    progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut reader = WarcReader::new(input);
    let next = move || loop {
        match reader.next()? {
            WarcItem::Skipped => continue,
            WarcItem::Response(r) => return Some(Ok(r)),
            WarcItem::Broken { record, message } => {
                return Some(Err(serde_json::json!({"warc_record": record, "error": message}).to_string()));
            }
        }
    };
    let settings = StreamSettings { window: options.window, fail_fast: options.fail_fast };
    stream(next, |r: &WarcResponse| clean_response(cleaner, base, r, options), out, settings, progress)
}

fn clean_response(cleaner: &Cleaner, base: &Hints, r: &WarcResponse, options: &JsonlOptions) -> RecordOutcome {
    let mut record = Map::new();
    if let Some(u) = &r.target_uri {
        record.insert("url".into(), Value::from(u.clone()));
    }
    if let Some(id) = &r.record_id {
        record.insert("warc_record_id".into(), Value::from(id.clone()));
    }
    if let Some(d) = &r.date {
        record.insert("warc_date".into(), Value::from(d.clone()));
    }
    if let Some(s) = r.status {
        record.insert("status".into(), Value::from(s));
    }
    let fail = |mut record: Map<String, Value>, message: String| {
        record.insert("warc_record".into(), Value::from(r.record));
        record.insert("error".into(), Value::from(message));
        RecordOutcome {
            line: Value::Object(record).to_string(),
            failed: true,
            bytes: r.payload.len(),
            removals: Vec::new(),
        }
    };
    if let Some(max) = options.max_bytes
        && r.payload.len() > max
    {
        return fail(record, format!("document is {} bytes, over --max-bytes {max}", r.payload.len()));
    }
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
    match cleaner.clean(&r.payload, &hints) {
        Ok(cleaned) => super::jsonl::finish_record(record, &cleaned, options, r.payload.len()),
        Err(e) => fail(record, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
        let mut http = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
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
        let cleaner = Cleaner::new().unwrap();
        let mut out = Vec::new();
        clean_warc(&cleaner, &Hints::default(), bytes, &mut out, &JsonlOptions::default(), |_| {}).unwrap();
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
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

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").as_deref(), Some(&b"Wikipedia"[..]));
        assert_eq!(dechunk(b"zz\r\n"), None);
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
