//! Choosing the document's encoding, in the order browsers and crawlers trust:
//! byte-order mark, the caller's label (or whole `Content-Type`), the HTML
//! `<meta>` prescan, then statistical sniffing with `chardetng`.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::Serialize;

use super::{LoadError, prescan};

/// Where the chosen encoding came from; reported in the JSON output so a
/// wrong decode can be traced to its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSource {
    /// A byte-order mark at the start of the input.
    Bom,
    /// `--encoding` (or the HTTP `Content-Type` a pipeline passed along).
    Caller,
    /// A `<meta charset>` or `http-equiv` in the first 1024 bytes.
    Meta,
    /// The bytes are valid UTF-8.
    Utf8Valid,
    /// A `<meta>` declared a legacy encoding, but the bytes are valid,
    /// non-ASCII UTF-8: a page transcoded after it was fetched.
    Utf8OverMeta,
    /// Valid UTF-8 but for a few stray bytes (replaced, and counted as malformed).
    Utf8Mostly,
    /// Statistical detection (chardetng).
    Sniffed,
}

/// Parses `--encoding`: a WHATWG label (`latin1`, `shift_jis`) or a whole
/// `Content-Type` value (`text/html; charset=gbk`). `Ok(None)` when a
/// `Content-Type` names no charset, which leaves the choice to the document.
pub fn parse_caller_label(label: &str) -> Result<Option<&'static Encoding>, LoadError> {
    let trimmed = label.trim();
    if let Some(enc) = Encoding::for_label(trimmed.as_bytes()) {
        return Ok(Some(enc));
    }
    if trimmed.contains('/') || trimmed.contains(';') {
        return match prescan::charset_from_content(trimmed.as_bytes()) {
            Some(enc) => Ok(Some(enc)),
            None if trimmed.to_ascii_lowercase().contains("charset") => Err(unknown(label)),
            None => Ok(None),
        };
    }
    Err(unknown(label))
}

fn unknown(label: &str) -> LoadError {
    LoadError::UnknownEncoding(label.to_owned())
}

/// Picks the encoding for `bytes`. `sniff_meta` is off for plain text input;
/// `tld` (from the URL) sharpens chardetng's guess.
pub fn detect(
    bytes: &[u8],
    caller: Option<&'static Encoding>,
    sniff_meta: bool,
    tld: Option<&str>,
) -> (&'static Encoding, EncodingSource, usize) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return (enc, EncodingSource::Bom, bom_len);
    }
    if let Some(enc) = caller {
        return (enc, EncodingSource::Caller, 0);
    }
    if sniff_meta && let Some(enc) = prescan::prescan(bytes) {
        // Crawlers often store pages transcoded to UTF-8 but keep the original
        // `<meta charset>`. Legacy-encoded text that happens to be valid UTF-8
        // with non-ASCII bytes is vanishingly rare, so valid UTF-8 wins.
        if enc != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
            return (UTF_8, EncodingSource::Utf8OverMeta, 0);
        }
        return (enc, EncodingSource::Meta, 0);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, EncodingSource::Utf8Valid, 0);
    }
    if mostly_utf8(bytes) {
        return (UTF_8, EncodingSource::Utf8Mostly, 0);
    }
    // One or two stray high bytes in ASCII are too little evidence for a CJK
    // guess; windows-1252 is the likeliest legacy encoding and harms least.
    if tld.is_none() && bytes.iter().filter(|b| **b >= 0x80).count() < 4 {
        return (WINDOWS_1252, EncodingSource::Sniffed, 0);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let tld = tld.map(str::as_bytes).filter(|t| t.iter().all(u8::is_ascii_lowercase));
    (detector.guess(tld, Utf8Detection::Allow), EncodingSource::Sniffed, 0)
}

/// UTF-8 text with a stray legacy byte or two (a Latin-1 comment pasted into
/// a UTF-8 template): many valid multi-byte sequences, almost no invalid ones.
/// chardetng, seeing mixed evidence, can guess wildly (Big5 for a French page).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += s.bytes().filter(|b| *b >= 0xC0).count();
                break;
            }
            Err(e) => {
                let good = &rest[..e.valid_up_to()];
                valid_multibyte += good.iter().filter(|b| **b >= 0xC0).count();
                invalid += 1;
                let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                rest = &rest[skip..];
            }
        }
    }
    valid_multibyte >= 8 && invalid * 20 <= valid_multibyte
}

/// Why decoding `bytes` as `encoding` (giving `text`, with `malformed`
/// replaced sequences) lost the document, if it did.
pub fn destroys_text(bytes: &[u8], encoding: &'static Encoding, text: &str, malformed: usize) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    if encoding == REPLACEMENT {
        return Some("it is the replacement encoding, which decodes the whole input to one U+FFFD".to_owned());
    }
    // UTF-16 markup or Latin text has a NUL in every other byte; valid UTF-8
    // without a single NUL is not UTF-16 of anything.
    if (encoding == UTF_16LE || encoding == UTF_16BE) && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        return Some("the bytes are UTF-8 with no NUL bytes, not UTF-16".to_owned());
    }
    let chars = text.chars().count();
    if malformed >= 4 && malformed * 8 > chars {
        return Some(format!("{malformed} malformed sequences in {chars} characters"));
    }
    if super::looks_binary(text) {
        return Some("the decoded text is mostly control characters".to_owned());
    }
    None
}

/// Decodes, replacing each malformed sequence with U+FFFD and counting them.
pub fn decode(bytes: &[u8], encoding: &'static Encoding) -> (String, usize) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out =
        String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len()));
    let mut malformed = 0;
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        input = &input[read..];
        match result {
            DecoderResult::InputEmpty => return (out, malformed),
            DecoderResult::Malformed(_, _) => {
                malformed += 1;
                out.push('\u{FFFD}');
            }
            DecoderResult::OutputFull => {
                let more =
                    decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(input.len()).max(16);
                out.reserve(more);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, WINDOWS_1251};

    #[test]
    fn bom_wins_over_everything() {
        let bytes = b"\xFF\xFEh\x00i\x00";
        let (enc, src, skip) = detect(bytes, Some(GBK), true, None);
        assert_eq!((enc, src, skip), (UTF_16LE, EncodingSource::Bom, 2));
    }

    #[test]
    fn caller_label_forms() {
        assert_eq!(parse_caller_label("latin1"), Ok(Some(WINDOWS_1252)));
        assert_eq!(parse_caller_label("text/html; charset=windows-1251"), Ok(Some(WINDOWS_1251)));
        assert_eq!(parse_caller_label("text/html"), Ok(None));
        assert!(parse_caller_label("klingon").is_err());
        assert!(parse_caller_label("text/html; charset=klingon").is_err());
    }

    #[test]
    fn meta_then_utf8_then_sniff() {
        assert_eq!(detect(b"<meta charset=gbk>", None, true, None).1, EncodingSource::Meta);
        assert_eq!(detect(b"<meta charset=gbk>", None, false, None).1, EncodingSource::Utf8Valid);
        let latin = "Les élèves ont été très déçus, à cause de la grève générale.".repeat(4);
        let (bytes, _, _) = WINDOWS_1252.encode(&latin);
        let (enc, src, _) = detect(&bytes, None, true, Some("fr"));
        assert_eq!((enc, src), (WINDOWS_1252, EncodingSource::Sniffed));
    }

    #[test]
    fn valid_utf8_beats_a_stale_meta() {
        let page = "<meta charset=gb2312><p>谷歌在2014年收购</p>".as_bytes();
        assert_eq!(detect(page, None, true, None), (UTF_8, EncodingSource::Utf8OverMeta, 0));
        let (gbk, _, _) = GBK.encode("<meta charset=gb2312><p>谷歌在2014年收购</p>");
        assert_eq!(detect(&gbk, None, true, None), (GBK, EncodingSource::Meta, 0));
    }

    #[test]
    fn a_stray_latin1_byte_keeps_utf8() {
        let mut page = "<p>Les élèves ont été très déçus à cause de la grève générale.</p>".repeat(3).into_bytes();
        page.extend_from_slice(b"<!-- D\xC8but -->");
        assert_eq!(detect(&page, None, true, None).1, EncodingSource::Utf8Mostly);
    }

    #[test]
    fn malformed_sequences_are_counted() {
        let (text, bad) = decode(b"a\xFFb\xC3", UTF_8);
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(bad, 2);
    }
}
