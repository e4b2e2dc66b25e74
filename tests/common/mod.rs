//! Helpers shared by the CLI tests.

/// A WARC `response` record for `uri` holding an HTML `body`.
pub fn warc_response(uri: &str, body: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}");
    let mut record =
        format!("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n", http.len())
            .into_bytes();
    record.extend(http.into_bytes());
    record.extend_from_slice(b"\r\n\r\n");
    record
}
