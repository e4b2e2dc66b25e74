//! What an input is — a page (HTML or text), a JSONL stream or a WARC file —
//! told the same way for every command, so `clean`, `diff`, `explain` and the
//! `rules` commands never read one input three ways.
//!
//! The name decides when it says something (`.jsonl`, `.ndjson`, `.warc`,
//! `.html`, `.txt`…, each also with `.gz` or `.zst`): a user who named a file
//! `notes.txt` meant text, even if its first line happens to be JSON. Any
//! other name, and standard input, are told by their first bytes, once
//! decompressed: `WARC/1.` starts a WARC file, and a first non-blank line that
//! is a JSON object starts a JSONL stream. Pages never start with `{`, and
//! article text almost never starts with a whole JSON object on its own line.

use std::io::{self, Read};
use std::path::Path;

use super::compress::{self, Compression};
use super::files;

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// One document: HTML or plain text.
    Page,
    /// One JSON record per line.
    Jsonl,
    /// WARC records.
    Warc,
}

impl InputKind {
    /// How messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::Page => "a page (HTML or text)",
            InputKind::Jsonl => "JSONL",
            InputKind::Warc => "a WARC file",
        }
    }

    /// JSONL or WARC: many documents in one file.
    pub fn is_stream(self) -> bool {
        self != InputKind::Page
    }
}

/// Page extensions taken from folders (with `.gz`/`.zst` too).
pub const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "shtml", "txt", "text"];
/// JSONL extensions (with `.gz`/`.zst` too).
pub const JSONL_EXTENSIONS: &[&str] = &["jsonl", "ndjson"];
/// WARC extensions (with `.gz`/`.zst` too).
pub const WARC_EXTENSIONS: &[&str] = &["warc"];
/// Compression suffixes looked through when a name is judged.
pub const COMPRESSED_EXTENSIONS: &[&str] = &["gz", "zst", "zstd"];

/// How many bytes (decompressed) the content is judged by.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// A file name split into its stem, its kind's extension and its
/// compression suffix: `crawl.warc.gz` → (`crawl`, `warc`, `gz`).
pub fn split_name(name: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, compression) = match name.rsplit_once('.') {
        Some((rest, ext)) if !rest.is_empty() && COMPRESSED_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) => {
            (rest, Some(ext))
        }
        _ => (name, None),
    };
    match rest.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext), compression),
        _ => (rest, None, compression),
    }
}

/// The kind a file's name says, if it says one.
pub fn by_name(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?;
    let (_, ext, _) = split_name(name);
    let ext = ext?.to_ascii_lowercase();
    if JSONL_EXTENSIONS.contains(&ext.as_str()) {
        Some(InputKind::Jsonl)
    } else if WARC_EXTENSIONS.contains(&ext.as_str()) {
        Some(InputKind::Warc)
    } else if PAGE_EXTENSIONS.contains(&ext.as_str()) {
        Some(InputKind::Page)
    } else {
        None
    }
}

/// The kind of an input: by its name, else by its first bytes. `None` when
/// it cannot be read (the command that reads it says why).
pub fn detect(path: &Path) -> Option<InputKind> {
    if path != Path::new("-")
        && let Some(kind) = by_name(path)
    {
        return Some(kind);
    }
    let raw = if path == Path::new("-") {
        // As few bytes as decide it: a pipe's producer may write one line and wait.
        files::peek_stdin(SNIFF_BYTES, |raw, ended| judge(&decompress_prefix(raw), ended).is_some()).ok()?
    } else {
        let mut raw = Vec::new();
        std::fs::File::open(path).ok()?.take(SNIFF_BYTES as u64).read_to_end(&mut raw).ok()?;
        raw
    };
    Some(sniff(&decompress_prefix(&raw)))
}

/// As much of a (possibly cut) compressed prefix as decompresses, up to
/// [`SNIFF_BYTES`]; a plain prefix as it is.
fn decompress_prefix(raw: &[u8]) -> Vec<u8> {
    if Compression::of(raw) == Compression::None {
        return raw.to_vec();
    }
    let Ok((_, mut reader)) = compress::decompressed(Box::new(io::Cursor::new(raw.to_vec()))) else {
        return Vec::new();
    };
    let mut out = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    // The prefix ends mid-stream: what decodes before the cut is what counts.
    while filled < out.len() {
        match reader.read(&mut out[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    out.truncate(filled);
    out
}

/// The kind the first bytes of an input say (see the module comment); a
/// prefix cut at [`SNIFF_BYTES`] is judged as far as it goes.
pub fn sniff(prefix: &[u8]) -> InputKind {
    judge(prefix, true).unwrap_or(InputKind::Page)
}

/// The kind `prefix` says, or `None` while more bytes could change the
/// answer (`ended`: no more will come, or no more are looked at).
fn judge(prefix: &[u8], ended: bool) -> Option<InputKind> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    const WARC: &[u8] = b"WARC/1.";
    let undecided = if ended { Some(InputKind::Page) } else { None };
    if !ended && prefix.len() < BOM.len() && BOM.starts_with(prefix) {
        return None;
    }
    let prefix = prefix.strip_prefix(BOM).unwrap_or(prefix);
    if prefix.starts_with(WARC) {
        return Some(InputKind::Warc);
    }
    if !ended && WARC.starts_with(prefix) {
        return None;
    }
    let Some(start) = prefix.iter().position(|b| !b.is_ascii_whitespace()) else {
        return undecided;
    };
    let rest = &prefix[start..];
    if rest[0] != b'{' {
        return Some(InputKind::Page);
    }
    match memchr::memchr(b'\n', rest) {
        // A whole first line: it must be a JSON object (a pretty-printed JSON
        // file's first line, `{`, is not).
        Some(end) => {
            Some(if serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&rest[..end]).is_ok() {
                InputKind::Jsonl
            } else {
                InputKind::Page
            })
        }
        None if !ended => None,
        // A first line longer than the prefix (a record holding a whole page),
        // or a last line without its line end: valid JSON as far as it goes.
        None => Some(match serde_json::from_slice::<serde_json::Value>(rest) {
            Ok(serde_json::Value::Object(_)) => InputKind::Jsonl,
            Err(e) if e.is_eof() => InputKind::Jsonl,
            _ => InputKind::Page,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_the_kind_through_compression_suffixes() {
        for (name, kind) in [
            ("crawl.jsonl", Some(InputKind::Jsonl)),
            ("crawl.NDJSON.gz", Some(InputKind::Jsonl)),
            ("CC-MAIN-1.warc.gz", Some(InputKind::Warc)),
            ("t.warc.zst", Some(InputKind::Warc)),
            ("page.html.gz", Some(InputKind::Page)),
            ("a.txt.zst", Some(InputKind::Page)),
            ("page.htm", Some(InputKind::Page)),
            ("dump.json", None),
            ("x.gz", None),
            (".jsonl", None),
            ("README", None),
        ] {
            assert_eq!(by_name(Path::new(name)), kind, "{name}");
        }
        assert_eq!(split_name("crawl.warc.gz"), ("crawl", Some("warc"), Some("gz")));
        assert_eq!(split_name("page.html"), ("page", Some("html"), None));
        assert_eq!(split_name("x.gz"), ("x", None, Some("gz")));
    }

    #[test]
    fn content_tells_warc_and_jsonl_from_pages() {
        assert_eq!(sniff(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n"), InputKind::Warc);
        assert_eq!(sniff(b"\n\n  {\"url\": \"https://x.example/\", \"html\": \"<p>x</p>\"}\n{}"), InputKind::Jsonl);
        assert_eq!(sniff(b"\xef\xbb\xbf{\"text\":\"One\"}"), InputKind::Jsonl);
        // A first line cut by the prefix, valid so far.
        assert_eq!(sniff(b"{\"html\": \"<html><body><p>a very long page"), InputKind::Jsonl);
        for page in [
            &b"<html><body>{\"a\":1}</body></html>"[..],
            b"{\n  \"pretty\": true\n}\n",
            b"{not json} said the headline\n",
            b"[1, 2, 3]\n",
            b"An article.\n\n{\"a\": 1}\n",
            b"",
        ] {
            assert_eq!(sniff(page), InputKind::Page, "{}", String::from_utf8_lossy(page));
        }
    }

    #[test]
    fn a_growing_prefix_is_judged_as_soon_as_it_can_be() {
        assert_eq!(judge(b"", false), None);
        assert_eq!(judge(b"\xef\xbb", false), None);
        assert_eq!(judge(b"WAR", false), None);
        assert_eq!(judge(b"WAR", true), Some(InputKind::Page));
        assert_eq!(judge(b"Some text", false), Some(InputKind::Page), "decided by the first letter");
        assert_eq!(judge(b"  \n", false), None);
        assert_eq!(judge(b"{\"text\": \"a", false), None, "a JSON line waits for its end");
        assert_eq!(judge(b"{\"text\": \"a\"}\n", false), Some(InputKind::Jsonl));
    }

    #[test]
    fn a_compressed_prefix_is_judged_by_what_it_holds() {
        use std::io::Write;
        let mut out = compress::Output::new(Some(Path::new("x.gz")), Vec::new()).unwrap();
        out.write_all(b"WARC/1.1\r\n").unwrap();
        out.write_all(&b"x".repeat(1 << 20)).unwrap();
        let bytes = out.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shard.bin");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(detect(&path), Some(InputKind::Warc));
        assert_eq!(detect(&dir.path().join("missing")), None);
    }
}
