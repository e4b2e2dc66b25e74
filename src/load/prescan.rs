//! The WHATWG "prescan a byte stream to determine its encoding" algorithm
//! (HTML Standard §13.2.3.2), over the first 1024 bytes as browsers do.
//!
//! Hand-written because no maintained crate exposes it on its own; it is short,
//! byte-oriented and fully specified, so following the spec step by step is the
//! safest way to agree with browsers on pages that declare their charset late
//! or strangely (http-equiv, unquoted values, comments hiding a meta).

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// How many bytes browsers prescan.
pub const PRESCAN_LIMIT: usize = 1024;

/// Returns the encoding a `<meta>` in the first 1024 bytes declares, if any.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let input = &bytes[..bytes.len().min(PRESCAN_LIMIT)];
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        if rest.starts_with(b"<!--") {
            // Skip to the end of the comment: "-->" whose first '-' may overlap "<!--".
            match find(&input[pos + 2..], b"-->") {
                Some(end) => pos = pos + 2 + end + 3,
                None => return None,
            }
        } else if starts_with_ci(rest, b"<meta") && rest.get(5).is_some_and(|&b| is_space_or_slash(b)) {
            pos += 5;
            if let Some(enc) = meta_element(input, &mut pos) {
                return Some(enc);
            }
        } else if rest.len() >= 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic() || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // A start or end tag: skip its name, then its attributes.
            pos += if rest[1] == b'/' { 2 } else { 1 };
            while pos < input.len() && !is_space_or_slash(input[pos]) && input[pos] != b'>' {
                pos += 1;
            }
            while get_attribute(input, &mut pos).is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            match rest.iter().position(|&b| b == b'>') {
                Some(end) => pos += end + 1,
                None => return None,
            }
        } else {
            pos += 1;
        }
    }
    None
}

/// Steps for a `<meta` tag; `pos` is just after "<meta".
fn meta_element(input: &[u8], pos: &mut usize) -> Option<&'static Encoding> {
    let mut seen_http_equiv = false;
    let mut seen_content = false;
    let mut seen_charset = false;
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<&'static Encoding> = None;
    while let Some((name, value)) = get_attribute(input, pos) {
        match name.as_slice() {
            b"http-equiv" if !seen_http_equiv => {
                seen_http_equiv = true;
                if value.eq_ignore_ascii_case(b"content-type") {
                    got_pragma = true;
                }
            }
            b"content" if !seen_content => {
                seen_content = true;
                if charset.is_none()
                    && let Some(enc) = charset_from_content(&value)
                {
                    charset = Some(enc);
                    need_pragma = Some(true);
                }
            }
            b"charset" if !seen_charset => {
                seen_charset = true;
                charset = Encoding::for_label(trim_ascii(&value));
                need_pragma = Some(false);
            }
            _ => {}
        }
    }
    let need_pragma = need_pragma?;
    if need_pragma && !got_pragma {
        return None;
    }
    let enc = charset?;
    Some(fix_declared(enc))
}

/// A declared UTF-16 means the page was transcoded on the way: treat it as UTF-8;
/// x-user-defined in a meta means windows-1252 (HTML Standard).
pub fn fix_declared(enc: &'static Encoding) -> &'static Encoding {
    if enc == UTF_16BE || enc == UTF_16LE {
        UTF_8
    } else if enc == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    }
}

/// "Extracting a character encoding from a meta element" on a `content` value.
pub fn charset_from_content(value: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        let idx = find_ci(&value[pos..], b"charset")?;
        pos += idx + 7;
        while pos < value.len() && is_space(value[pos]) {
            pos += 1;
        }
        if value.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while pos < value.len() && is_space(value[pos]) {
            pos += 1;
        }
        let rest = &value[pos..];
        let label = match rest.first() {
            None => return None,
            Some(&q @ (b'"' | b'\'')) => {
                let end = rest[1..].iter().position(|&b| b == q)?;
                &rest[1..1 + end]
            }
            Some(_) => {
                let end = rest.iter().position(|&b| is_space(b) || b == b';').unwrap_or(rest.len());
                &rest[..end]
            }
        };
        return Encoding::for_label(label);
    }
}

/// The spec's "get an attribute" algorithm. Names are lower-cased.
fn get_attribute(input: &[u8], pos: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    while *pos < input.len() && is_space_or_slash(input[*pos]) {
        *pos += 1;
    }
    let first = *input.get(*pos)?;
    if first == b'>' {
        *pos += 1;
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // Attribute name.
    loop {
        let &b = input.get(*pos)?;
        if b == b'=' && !name.is_empty() {
            *pos += 1;
            break;
        }
        if is_space(b) {
            while *pos < input.len() && is_space(input[*pos]) {
                *pos += 1;
            }
            if input.get(*pos) != Some(&b'=') {
                return Some((name, value));
            }
            *pos += 1;
            break;
        }
        if b == b'/' || b == b'>' {
            return Some((name, value));
        }
        name.push(b.to_ascii_lowercase());
        *pos += 1;
    }
    while *pos < input.len() && is_space(input[*pos]) {
        *pos += 1;
    }
    // Attribute value.
    let b = *input.get(*pos)?;
    if b == b'"' || b == b'\'' {
        *pos += 1;
        loop {
            let c = *input.get(*pos)?;
            *pos += 1;
            if c == b {
                return Some((name, value));
            }
            value.push(c.to_ascii_lowercase());
        }
    }
    if b == b'>' {
        return Some((name, value));
    }
    loop {
        let &c = input.get(*pos)?;
        if is_space(c) || c == b'>' {
            return Some((name, value));
        }
        value.push(c.to_ascii_lowercase());
        *pos += 1;
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_space_or_slash(b: u8) -> bool {
    is_space(b) || b == b'/'
}

fn trim_ascii(v: &[u8]) -> &[u8] {
    v.trim_ascii()
}

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, SHIFT_JIS};

    #[test]
    fn meta_charset() {
        assert_eq!(prescan(b"<html><head><meta charset=\"Shift_JIS\">"), Some(SHIFT_JIS));
        assert_eq!(prescan(b"<META CHARSET=gbk>"), Some(GBK));
    }

    #[test]
    fn http_equiv_needs_pragma() {
        let doc = b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>";
        assert_eq!(prescan(doc), Some(WINDOWS_1252));
        assert_eq!(prescan(b"<meta content='text/html; charset=gbk'>"), None);
    }

    #[test]
    fn comments_hide_meta() {
        assert_eq!(prescan(b"<!-- <meta charset=gbk> --><p>x"), None);
        assert_eq!(prescan(b"<!----><meta charset=gbk>"), Some(GBK));
    }

    #[test]
    fn utf16_declared_means_utf8() {
        assert_eq!(prescan(b"<meta charset=utf-16le>"), Some(UTF_8));
    }

    #[test]
    fn only_first_1024_bytes() {
        let mut doc = vec![b' '; 1020];
        doc.extend_from_slice(b"<meta charset=gbk>");
        assert_eq!(prescan(&doc), None);
    }

    #[test]
    fn attributes_of_other_tags_are_skipped() {
        assert_eq!(prescan(b"<div title='<meta charset=gbk>'></div>"), None);
    }

    #[test]
    fn content_charset_forms() {
        assert_eq!(charset_from_content(b"text/html;charset=\"gbk\""), Some(GBK));
        assert_eq!(charset_from_content(b"text/html; charset = shift_jis ; x"), Some(SHIFT_JIS));
        assert_eq!(charset_from_content(b"text/html"), None);
    }

    #[test]
    fn never_panics_on_truncated_input() {
        for doc in [&b"<meta"[..], b"<meta ", b"<meta charset", b"<meta charset='", b"<!--", b"<a b='", b"<!x"] {
            let _ = prescan(doc);
        }
    }
}
