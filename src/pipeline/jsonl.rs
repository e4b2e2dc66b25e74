//! JSONL streams: one record per line in, one record per line out, in the
//! same order, cleaned on all cores with a bounded window of records in
//! flight so memory stays flat however long the stream is.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

use serde_json::{Map, Value};

use super::stream::{RecordOutcome, StreamSettings, Summary, stream};
use crate::{Cleaned, Cleaner, Hints, InputFormat};

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
    /// Largest document, in bytes; larger ones become error records.
    pub max_bytes: Option<usize>,
    /// Records cleaned at once: memory is bounded by this many records.
    pub window: usize,
}

impl Default for JsonlOptions {
    fn default() -> Self {
        JsonlOptions {
            html_field: "html".into(),
            text_field: "text".into(),
            url_field: "url".into(),
            report: false,
            fail_fast: false,
            max_bytes: None,
            window: 1024,
        }
    }
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
/// let input = "{\"id\": 7, \"text\": \"Advertisement\\n\\nThe story.\"}\nnot json\n";
/// let mut out = Vec::new();
/// let summary = clean_jsonl(&cleaner, &Hints::default(), input.as_bytes(), &mut out, &JsonlOptions::default(), |_| {})?;
/// let lines: Vec<&str> = std::str::from_utf8(&out)?.lines().collect();
/// assert_eq!(lines[0], r#"{"id":7,"text":"The story.\n"}"#);
/// assert!(lines[1].contains("\"line\":2"));
/// assert_eq!((summary.documents, summary.failed), (2, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn clean_jsonl<R: BufRead, W: Write>(
    cleaner: &Cleaner,
    base: &Hints,
    mut input: R,
    out: &mut W,
    options: &JsonlOptions,
    progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut line_no = 0usize;
    let next = move || loop {
        let mut buf = Vec::new();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {
                line_no += 1;
                if !buf.iter().all(u8::is_ascii_whitespace) {
                    return Some(Ok((line_no, buf)));
                }
            }
            // A cut or corrupt stream: the records before it stand; say where it broke.
            Err(e) => {
                let record = serde_json::json!({"line": line_no + 1, "error": format!("the input ends early or is corrupt: {e}")});
                return Some(Err(record.to_string()));
            }
        }
    };
    let settings = StreamSettings { window: options.window, fail_fast: options.fail_fast };
    stream(
        next,
        |(n, bytes): &(usize, Vec<u8>)| clean_record(cleaner, base, *n, bytes, options),
        out,
        settings,
        progress,
    )
}

fn clean_record(cleaner: &Cleaner, base: &Hints, line: usize, bytes: &[u8], options: &JsonlOptions) -> RecordOutcome {
    let error = |mut record: Map<String, Value>, message: String| {
        record.insert("line".into(), Value::from(line));
        record.insert("error".into(), Value::from(message));
        RecordOutcome {
            line: Value::Object(record).to_string(),
            failed: true,
            bytes: bytes.len(),
            removals: Vec::new(),
        }
    };
    let record = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return error(Map::new(), "the line is JSON but not an object".into()),
        Err(e) => return error(Map::new(), format!("the line is not JSON: {e}")),
    };
    let (doc, format) = match (record.get(&options.html_field), record.get(&options.text_field)) {
        (Some(Value::String(html)), _) => (html.clone(), InputFormat::Auto),
        (Some(other), _) => {
            let kind = json_kind(other);
            return error(record, format!("field {:?} is {kind}, not a string", options.html_field));
        }
        (None, Some(Value::String(text))) => (text.clone(), InputFormat::Text),
        (None, Some(other)) => {
            let kind = json_kind(other);
            return error(record, format!("field {:?} is {kind}, not a string", options.text_field));
        }
        (None, None) => {
            return error(record, format!("no {:?} or {:?} field", options.html_field, options.text_field));
        }
    };
    if let Some(max) = options.max_bytes
        && doc.len() > max
    {
        return error(record, format!("document is {} bytes, over --max-bytes {max}", doc.len()));
    }
    let mut hints = base.clone();
    hints.format = if base.format == InputFormat::Auto { format } else { base.format };
    if let Some(Value::String(url)) = record.get(&options.url_field) {
        hints.url = Some(url.clone());
    }
    match cleaner.clean(doc.as_bytes(), &hints) {
        Ok(cleaned) => finish_record(record, &cleaned, options, doc.len()),
        Err(e) => error(record, e.to_string()),
    }
}

/// Adds the clean text (and with `report`, the removals and facts) to a record.
pub(crate) fn finish_record(
    mut record: Map<String, Value>,
    cleaned: &Cleaned,
    options: &JsonlOptions,
    bytes: usize,
) -> RecordOutcome {
    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    for r in &cleaned.removals {
        *by_category.entry(r.category.to_string()).or_default() += 1;
    }
    record.insert("text".into(), Value::from(cleaned.text()));
    // With or without `report`: the text may lack what a limit left out.
    if !cleaned.limits.is_empty() {
        record.insert("limits".into(), serde_json::to_value(&cleaned.limits).unwrap_or(Value::Null));
    }
    if options.report {
        let to_value = |v: serde_json::Result<Value>| v.unwrap_or(Value::Null);
        record.insert("removals".into(), to_value(serde_json::to_value(&cleaned.removals)));
        record.insert("metadata".into(), to_value(serde_json::to_value(&cleaned.metadata)));
        record.insert("encoding".into(), to_value(serde_json::to_value(&cleaned.encoding)));
        if let Some(q) = cleaned.quality {
            record.insert("extraction".into(), to_value(serde_json::to_value(q)));
        }
        if let Some(p) = &cleaned.publisher {
            record.insert("publisher".into(), Value::from(p.clone()));
        }
    }
    RecordOutcome {
        line: Value::Object(record).to_string(),
        failed: false,
        bytes,
        removals: by_category.into_iter().collect(),
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
    fn max_bytes_and_report() {
        let options = JsonlOptions { max_bytes: Some(20), report: true, ..JsonlOptions::default() };
        let (records, _) =
            run("{\"text\": \"Share this\\n\\nBody.\"}\n{\"text\": \"far more than ten bytes\"}\n", &options);
        assert_eq!(records[0]["removals"][0]["rule"], "share-this");
        assert!(records[1]["error"].as_str().unwrap().contains("--max-bytes 20"));
    }
}
