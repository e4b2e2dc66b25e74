//! Bytes in, normalized UTF-8 out: encoding detection and decoding,
//! HTML/text sniffing, line-ending normalization.

mod encoding;
mod prescan;
mod sniff;

pub use encoding::{EncodingSource, decode, destroys_text, detect, parse_caller_label};
pub use encoding_rs::Encoding;
pub use prescan::prescan;
pub use sniff::{looks_binary, looks_like_html};

use serde::Serialize;

/// What the caller says the input is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
    /// A declared encoding (`<meta>`, `--encoding`, an HTTP charset) that
    /// would have destroyed the text and was passed over for the bytes' own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overruled: Option<Overruled>,
}

/// The declared encoding a load refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overruled {
    /// WHATWG name of the declared encoding.
    pub name: &'static str,
    /// Where it was declared (`meta` or `caller`).
    pub source: EncodingSource,
    pub reason: String,
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
    let (mut enc, mut source, bom_len) = detect(bytes, options.encoding, sniff_meta, options.tld.as_deref());
    let (mut text, mut malformed) = decode(&bytes[bom_len..], enc);
    let mut overruled = None;
    // A declaration is only a claim about the bytes. When following it would
    // destroy the text (the `replacement` encoding that iso-2022-kr and
    // hz-gb-2312 map to, UTF-16 over ASCII, mostly malformed sequences),
    // the bytes' own encoding is tried, and kept if it reads better.
    if matches!(source, EncodingSource::Caller | EncodingSource::Meta)
        && let Some(reason) = destroys_text(bytes, enc, &text, malformed)
    {
        let (own, own_source, _) = detect(bytes, None, false, options.tld.as_deref());
        let (own_text, own_malformed) = decode(bytes, own);
        if own != enc && own_malformed < malformed.max(1) && !looks_binary(&own_text) {
            overruled = Some(Overruled { name: enc.name(), source, reason });
            (enc, source, text, malformed) = (own, own_source, own_text, own_malformed);
        }
    }
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
    Ok(Source { text, format, encoding: EncodingReport { name: enc.name(), source, malformed, overruled } })
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
    let parsed = crate::rules::parse_url(url)?;
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

    /// A declaration that would turn the page into one U+FFFD, or ASCII into
    /// CJK mojibake, is overruled by the bytes' own encoding, and says so.
    #[test]
    fn destructive_declarations_are_overruled_and_reported() {
        let article = "<p>The council voted on Tuesday to approve the new budget for schools.</p>";
        for label in ["replacement", "iso-2022-kr", "hz-gb-2312", "csiso2022kr"] {
            let page = format!("<html><head><meta charset=\"{label}\"></head><body>{article}</body></html>");
            let src = load(page.as_bytes(), &LoadOptions::default()).unwrap();
            assert!(src.text.contains("approve the new budget"), "{label}: {}", src.text);
            let overruled = src.encoding.overruled.as_ref().expect(label);
            assert_eq!((overruled.name, overruled.source), ("replacement", EncodingSource::Meta));
            assert_eq!(src.encoding.name, "UTF-8");
        }
        let caller = LoadOptions {
            encoding: parse_caller_label("text/html; charset=utf-16").unwrap(),
            ..LoadOptions::default()
        };
        let src = load(article.as_bytes(), &caller).unwrap();
        assert!(src.text.contains("approve the new budget"), "{}", src.text);
        assert_eq!(
            src.encoding.overruled.as_ref().map(|o| (o.name, o.source)),
            Some(("UTF-16LE", EncodingSource::Caller))
        );
        // A UTF-8 claim over windows-1252 bytes: every accent malformed, sniffed instead.
        let french = "Été: élèves déçus, grève à Genève. ".repeat(8);
        let latin = encoding_rs::WINDOWS_1252.encode(&french).0.into_owned();
        let utf8 = LoadOptions {
            encoding: parse_caller_label("utf-8").unwrap(),
            tld: Some("fr".into()),
            ..LoadOptions::default()
        };
        let src = load(&latin, &utf8).unwrap();
        assert!(src.text.contains("élèves"), "{}", src.text);
        assert_eq!((src.encoding.name, src.encoding.malformed), ("windows-1252", 0));
    }

    /// Honest declarations are followed as before, with nothing overruled.
    #[test]
    fn honest_declarations_stand() {
        let text: Vec<u8> = "<p>Grüße aus Köln</p>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let caller = LoadOptions { encoding: parse_caller_label("utf-16le").unwrap(), ..LoadOptions::default() };
        let src = load(&text, &caller).unwrap();
        assert_eq!((src.text.as_str(), src.encoding.overruled.is_none()), ("<p>Grüße aus Köln</p>", true));
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=gbk><p>谷歌在2014年收购了这家公司</p>");
        let src = load(&gbk, &LoadOptions::default()).unwrap();
        assert_eq!((src.encoding.name, src.encoding.overruled.is_none()), ("GBK", true));
        // One bad byte in a declared page is not a reason to second-guess it.
        let mut page = b"<meta charset=windows-1251><p>".to_vec();
        page.extend_from_slice(&encoding_rs::WINDOWS_1251.encode("Привет, мир! Это новости дня.").0);
        let src = load(&page, &LoadOptions::default()).unwrap();
        assert_eq!((src.encoding.name, src.encoding.overruled.is_none()), ("windows-1251", true));
    }

    #[test]
    fn tld() {
        assert_eq!(tld_of("https://www.lemonde.fr/x").as_deref(), Some("fr"));
        assert_eq!(tld_of("http://127.0.0.1/").as_deref(), None);
    }
}
