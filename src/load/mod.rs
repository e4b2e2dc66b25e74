//! Bytes in, normalized UTF-8 out: encoding detection and decoding,
//! HTML/text sniffing, line-ending normalization.

mod encoding;
mod prescan;
mod sniff;

pub use encoding::{EncodingSource, decode, detect, parse_caller_label};
pub use encoding_rs::Encoding;
pub use prescan::prescan;
pub use sniff::{looks_binary, looks_like_html};

use serde::Serialize;

/// What the caller says the input is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Decide from the content.
    #[default]
    Auto,
    Html,
    Text,
}

/// The decoded document, with how it was decoded.
#[derive(Debug, Clone)]
pub struct Source {
    /// UTF-8 text, line endings normalized to LF, BOM removed.
    pub text: String,
    /// `Html` or `Text`, never `Auto`.
    pub format: InputFormat,
    pub encoding: EncodingReport,
}

/// The decoding facts that go into the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncodingReport {
    /// WHATWG name of the encoding used.
    pub name: &'static str,
    /// How it was chosen.
    pub source: EncodingSource,
    /// Malformed byte sequences replaced by U+FFFD.
    pub malformed: usize,
}

/// Errors that stop a document from loading.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("input looks like binary data, not HTML or text")]
    Binary,
    #[error(
        "unknown encoding {0:?} (expected a label such as \"windows-1252\" or a Content-Type such as \"text/html; charset=gbk\")"
    )]
    UnknownEncoding(String),
}

/// How to load bytes.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The caller's charset, already parsed (see [`parse_caller_label`]).
    pub encoding: Option<&'static Encoding>,
    pub format: InputFormat,
    /// Collapse runs of spaces and NBSPs, trim line ends; off by default so the
    /// article's characters survive unchanged.
    pub normalize_whitespace: bool,
    /// Top-level domain of the document's URL, a hint for sniffing.
    pub tld: Option<String>,
}

/// Decodes and normalizes `bytes`.
pub fn load(bytes: &[u8], options: &LoadOptions) -> Result<Source, LoadError> {
    let sniff_meta = options.format != InputFormat::Text;
    let (enc, source, bom_len) = detect(bytes, options.encoding, sniff_meta, options.tld.as_deref());
    let (text, malformed) = decode(&bytes[bom_len..], enc);
    if looks_binary(&text) {
        return Err(LoadError::Binary);
    }
    let mut text = normalize_line_endings(text);
    if options.normalize_whitespace {
        text = normalize_whitespace(&text);
    }
    let format = match options.format {
        InputFormat::Auto if looks_like_html(&text) => InputFormat::Html,
        InputFormat::Auto => InputFormat::Text,
        other => other,
    };
    Ok(Source { text, format, encoding: EncodingReport { name: enc.name(), source, malformed } })
}

/// CRLF and lone CR become LF; nothing else changes.
pub fn normalize_line_endings(text: String) -> String {
    let bytes = text.as_bytes();
    if memchr::memchr(b'\r', bytes).is_none() {
        return text;
    }
    // One pass (two `replace` passes each copied the whole page): every CR
    // becomes LF, and swallows the LF right after it.
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for cr in memchr::memchr_iter(b'\r', bytes) {
        if cr < copied {
            continue;
        }
        out.push_str(&text[copied..cr]);
        out.push('\n');
        copied = if bytes.get(cr + 1) == Some(&b'\n') { cr + 2 } else { cr + 1 };
    }
    out.push_str(&text[copied..]);
    out
}

/// Opt-in tidy-up for pipelines: NBSP and other Unicode spaces become a space,
/// runs of spaces collapse, lines are trimmed at the end.
pub fn normalize_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut last_space = false;
        let start = out.len();
        for c in line.chars() {
            if c.is_whitespace() {
                if !last_space {
                    out.push(' ');
                }
                last_space = true;
            } else {
                out.push(c);
                last_space = false;
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
    }
    out
}

/// The top-level label of a URL's host (`"fr"` for `https://www.lemonde.fr/…`).
pub fn tld_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    let tld = host.rsplit('.').next()?;
    (!tld.is_empty() && tld.bytes().all(|b| b.is_ascii_alphabetic())).then(|| tld.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_cr() {
        assert_eq!(normalize_line_endings("a\r\nb\rc\n".into()), "a\nb\nc\n");
        assert_eq!(normalize_line_endings("\r\r\nx\r".into()), "\n\nx\n");
    }

    #[test]
    fn whitespace_option() {
        assert_eq!(normalize_whitespace("a \u{a0} b  \nc\t"), "a b\nc");
    }

    #[test]
    fn load_keeps_characters() {
        let src = load("“[the]”\u{a0}x\r\n".as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(src.text, "“[the]”\u{a0}x\n");
        assert_eq!(src.format, InputFormat::Text);
    }

    #[test]
    fn binary_refused() {
        let bytes: Vec<u8> = (0u8..=255).cycle().take(4000).collect();
        assert_eq!(load(&bytes, &LoadOptions::default()).unwrap_err(), LoadError::Binary);
    }

    #[test]
    fn tld() {
        assert_eq!(tld_of("https://www.lemonde.fr/x").as_deref(), Some("fr"));
        assert_eq!(tld_of("http://127.0.0.1/").as_deref(), None);
    }
}
