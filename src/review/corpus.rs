//! A corpus to review: HTML/text files, folders of them, JSONL streams and
//! WARC files, read one document at a time (so a corpus of millions streams)
//! in a stable order. A document that cannot be read is an error item with
//! its name; the corpus goes on.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::PathBuf;

use serde_json::Value;

use crate::limits::jsonl_line_limit;
use crate::pipeline::detect::{InputKind, detect};
use crate::pipeline::files::{self, InputFile, WalkOptions};
use crate::pipeline::jsonl::{JsonlLine, LineReader};
use crate::pipeline::open_input;
use crate::pipeline::warc::{WarcItem, WarcReader};
use crate::{Hints, InputFormat};

/// One document of a corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file path, or `path:line` for a JSONL record, `path#record` for WARC.
    pub name: String,
    pub bytes: Vec<u8>,
    pub url: Option<String>,
    /// A `Content-Type` with charset (WARC records).
    pub content_type: Option<String>,
    pub format: InputFormat,
}

impl Document {
    /// Hints for cleaning: the document's own URL and charset over `base`'s.
    pub fn hints(&self, base: &Hints) -> Hints {
        Hints {
            url: self.url.clone().or_else(|| base.url.clone()),
            publisher: base.publisher.clone(),
            encoding: base.encoding.clone().or_else(|| self.content_type.clone()),
            format: if self.format == InputFormat::Auto { base.format } else { self.format },
            repeated: base.repeated.clone(),
        }
    }
}

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Treat every file as JSONL, whatever its name and content (without,
    /// each is told by [`crate::pipeline::detect`]).
    pub jsonl: bool,
    pub html_field: String,
    pub text_field: String,
    pub url_field: String,
    /// Walk into symlinked folders (each once); without, they are skipped with a note.
    pub follow_links: bool,
    /// Largest document file or JSONL line, in bytes: a larger one is an error item, not read.
    pub max_bytes: usize,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            jsonl: false,
            html_field: "html".into(),
            text_field: "text".into(),
            url_field: "url".into(),
            follow_links: false,
            max_bytes: crate::limits::DEFAULT_MAX_BYTES,
        }
    }
}

/// Reads documents in order. Build with [`Corpus::open`], then iterate.
pub struct Corpus {
    files: VecDeque<InputFile>,
    errors: VecDeque<String>,
    notes: Vec<String>,
    current: Option<Stream>,
    options: CorpusOptions,
}

enum Stream {
    Jsonl { name: String, input: LineReader<Box<dyn BufRead + Send>> },
    Warc { name: String, reader: WarcReader<Box<dyn BufRead + Send>> },
}

impl Corpus {
    /// The documents of `inputs` (files, folders walked recursively and
    /// filtered by `glob` or the usual extensions, JSONL, WARC, `-`).
    pub fn open(inputs: &[PathBuf], glob: Option<&globset::GlobMatcher>, options: CorpusOptions) -> Corpus {
        let mut inputs = inputs.to_vec();
        if inputs.is_empty() {
            inputs.push(PathBuf::from("-"));
        }
        let mut walked = files::Walk::default();
        for input in &inputs {
            // Folders give pages, JSONL and WARC files alike, as for `clean`.
            let walk_options = WalkOptions { glob, follow_links: options.follow_links, skip: None };
            let mut walk = files::expand(std::slice::from_ref(input), &walk_options);
            if input.is_dir() && glob.is_none() {
                // A fixtures folder holds expected outputs beside the inputs: they are not documents.
                walk.files.retain(|f| !f.path.file_name().is_some_and(|n| n.to_string_lossy().contains(".expected.")));
            }
            walked.files.append(&mut walk.files);
            walked.errors.append(&mut walk.errors);
            walked.notes.append(&mut walk.notes);
        }
        Corpus { files: walked.files.into(), errors: walked.errors.into(), notes: walked.notes, current: None, options }
    }

    /// What the walk left out on purpose (symlinked folders): for the user, not errors.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    fn open_next(&mut self, file: InputFile) -> Option<Result<Document, String>> {
        let name = file.path.display().to_string();
        // Told as `clean` tells them: by name, else by the first bytes.
        let kind = if self.options.jsonl { InputKind::Jsonl } else { detect(&file.path).unwrap_or(InputKind::Page) };
        match kind {
            InputKind::Jsonl => match open_input(&file.path) {
                Ok(input) => {
                    // Lines up to the limit `clean --jsonl` reads them by; longer ones are error items.
                    let input =
                        LineReader::new(input, Some(jsonl_line_limit(self.options.max_bytes)), &self.options.url_field);
                    self.current = Some(Stream::Jsonl { name, input });
                    None
                }
                Err(e) => Some(Err(format!("{name}: {e}"))),
            },
            InputKind::Warc => match open_input(&file.path) {
                Ok(input) => {
                    self.current = Some(Stream::Warc {
                        name,
                        reader: WarcReader::with_max_bytes(input, Some(self.options.max_bytes)),
                    });
                    None
                }
                Err(e) => Some(Err(format!("{name}: {e}"))),
            },
            InputKind::Page => Some(
                files::read(&file.path, self.options.max_bytes)
                    .map(|bytes| Document {
                        name: name.clone(),
                        bytes,
                        url: None,
                        content_type: None,
                        format: InputFormat::Auto,
                    })
                    .map_err(|e| format!("{name}: {e}")),
            ),
        }
    }

    fn next_from_stream(&mut self) -> Option<Result<Document, String>> {
        let options = &self.options;
        match self.current.as_mut()? {
            Stream::Jsonl { name, input } => loop {
                match input.next_line() {
                    Ok(None) => break,
                    Ok(Some(JsonlLine::Blank)) => continue,
                    Ok(Some(JsonlLine::Record(buf))) => {
                        return Some(jsonl_document(&format!("{name}:{}", input.line()), &buf, options));
                    }
                    Ok(Some(JsonlLine::TooLong { bytes, .. })) => {
                        return Some(Err(format!(
                            "{name}:{}: the line is {bytes} bytes, over the line limit of {} bytes; not read",
                            input.line(),
                            jsonl_line_limit(options.max_bytes)
                        )));
                    }
                    Err(e) => {
                        let at = format!("{name}:{}", input.line() + 1);
                        self.current = None;
                        return Some(Err(format!("{at}: the input ends early or is corrupt: {e}")));
                    }
                }
            },
            Stream::Warc { name, reader } => loop {
                match reader.next() {
                    None => break,
                    Some(WarcItem::Skipped) => continue,
                    Some(WarcItem::Failed(f)) => return Some(Err(format!("{name}#{}: {}", f.record, f.message))),
                    Some(WarcItem::Broken { record, message }) => {
                        return Some(Err(format!("{name}#{record}: {message}")));
                    }
                    Some(WarcItem::Response(r)) => {
                        return Some(Ok(Document {
                            name: format!("{name}#{}", r.record),
                            bytes: r.payload,
                            url: r.target_uri,
                            content_type: r.content_type,
                            format: InputFormat::Html,
                        }));
                    }
                }
            },
        };
        self.current = None;
        None
    }
}

impl Iterator for Corpus {
    type Item = Result<Document, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.errors.pop_front() {
            return Some(Err(e));
        }
        loop {
            if self.current.is_some() {
                if let Some(item) = self.next_from_stream() {
                    return Some(item);
                }
                continue;
            }
            let file = self.files.pop_front()?;
            if let Some(item) = self.open_next(file) {
                return Some(item);
            }
        }
    }
}

/// Runs `work` on every document on all cores, in windows so memory stays
/// bounded, and hands the results to `sink` in corpus order (read errors as
/// `Err` with the document's name).
pub fn process<T: Send>(
    corpus: Corpus,
    work: impl Fn(&Document) -> T + Sync,
    mut sink: impl FnMut(Result<(Document, T), String>),
) {
    use rayon::prelude::*;
    let window = 64 * rayon::current_num_threads().max(1);
    let mut corpus = corpus.peekable();
    while corpus.peek().is_some() {
        let batch: Vec<Result<Document, String>> = corpus.by_ref().take(window).collect();
        let done: Vec<Result<(Document, T), String>> = batch
            .into_par_iter()
            .map(|item| {
                item.map(|doc| {
                    let out = work(&doc);
                    (doc, out)
                })
            })
            .collect();
        done.into_iter().for_each(&mut sink);
    }
}

fn jsonl_document(name: &str, line: &[u8], options: &CorpusOptions) -> Result<Document, String> {
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("{name}: not a JSON record: {e}"))?;
    let field = |f: &str| value.get(f).and_then(Value::as_str);
    let url = field(&options.url_field).map(str::to_owned);
    let (bytes, format) = match (field(&options.html_field), field(&options.text_field)) {
        (Some(html), _) => (html.as_bytes().to_vec(), InputFormat::Html),
        (None, Some(text)) => (text.as_bytes().to_vec(), InputFormat::Text),
        (None, None) => {
            return Err(format!(
                "{name}: the record has no string field {:?} or {:?}",
                options.html_field, options.text_field
            ));
        }
    };
    if bytes.len() > options.max_bytes {
        return Err(format!(
            "{name}: the document is {} bytes, over the --max-bytes limit of {} bytes",
            bytes.len(),
            options.max_bytes
        ));
    }
    Ok(Document { name: name.to_owned(), bytes, url, content_type: None, format })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_jsonl_and_bad_records() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "<p>A page</p>").unwrap();
        std::fs::write(dir.path().join("notes.md"), "skipped").unwrap();
        std::fs::write(
            dir.path().join("b.jsonl"),
            "{\"url\":\"https://x.example/1\",\"html\":\"<p>One</p>\"}\nnot json\n\n{\"text\":\"Two\"}\n",
        )
        .unwrap();
        let docs: Vec<Result<Document, String>> =
            Corpus::open(&[dir.path().to_path_buf()], None, CorpusOptions::default()).collect();
        assert_eq!(docs.len(), 4, "{docs:?}");
        assert!(docs[0].as_ref().unwrap().name.ends_with("a.html"));
        let one = docs[1].as_ref().unwrap();
        assert_eq!((one.url.as_deref(), one.format), (Some("https://x.example/1"), InputFormat::Html));
        assert!(one.name.ends_with("b.jsonl:1"));
        assert!(docs[2].as_ref().unwrap_err().contains("b.jsonl:2: not a JSON record"));
        assert_eq!(docs[3].as_ref().unwrap().format, InputFormat::Text);
    }

    #[test]
    fn a_jsonl_file_may_start_with_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.jsonl"), "\u{feff}{\"text\":\"One\"}\n\n{\"text\":\"Three\"}\n").unwrap();
        let docs: Vec<Result<Document, String>> =
            Corpus::open(&[dir.path().to_path_buf()], None, CorpusOptions::default()).collect();
        let names: Vec<String> = docs.into_iter().map(|d| d.unwrap().name).collect();
        assert!(names[0].ends_with("b.jsonl:1") && names[1].ends_with("b.jsonl:3"), "{names:?}");
    }

    #[test]
    fn documents_and_lines_over_max_bytes_are_error_items() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "<p>".repeat(100)).unwrap();
        std::fs::write(
            dir.path().join("b.jsonl"),
            format!("{{\"text\":\"{}\"}}\n{{\"text\":\"ok\"}}\n", "x".repeat(100)),
        )
        .unwrap();
        let options = CorpusOptions { max_bytes: 50, ..CorpusOptions::default() };
        let docs: Vec<_> = Corpus::open(&[dir.path().to_path_buf()], None, options).collect();
        assert_eq!(docs.len(), 3, "{docs:?}");
        assert!(docs[0].as_ref().unwrap_err().contains("a.html: 300 bytes, over the --max-bytes limit of 50"));
        assert!(docs[1].as_ref().unwrap_err().contains("b.jsonl:1: the document is 100 bytes, over the --max-bytes"));
        assert_eq!(docs[2].as_ref().unwrap().bytes, b"ok");
    }

    #[test]
    fn a_missing_file_is_an_error_item() {
        let docs: Vec<_> =
            Corpus::open(&[PathBuf::from("/nonexistent/x.html")], None, CorpusOptions::default()).collect();
        assert_eq!(docs.len(), 1);
        assert!(docs[0].as_ref().unwrap_err().contains("no such file"));
    }
}
