//! `clean --jsonl` and `--warc` through the real binary on hostile streams:
//! oversized lines and records, gzip bombs, padding, absurd `-j`.

#![cfg(feature = "cli")]

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn records(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn warc_response(uri: &str, http_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\n{http_headers}\r\n").into_bytes();
    http.extend_from_slice(body);
    let mut record =
        format!("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n", http.len())
            .into_bytes();
    record.extend(http);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

const PAGE: &str = "<html><body><p>A page with one full sentence of article text.</p></body></html>";

#[test]
fn a_gzipped_line_far_over_max_bytes_is_an_error_record_without_its_payload() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl.jsonl.gz");
    let mut body =
        format!("{{\"id\": 1, \"url\": \"https://example.com/big\", \"html\": \"{}\"}}\n", "x".repeat(8 << 20));
    body.push_str(&format!("{{\"id\": 2, \"html\": \"{PAGE}\"}}\n"));
    std::fs::write(&input, gzip(body.as_bytes())).unwrap();
    let out = declutter().args(["clean", "--jsonl", "--max-bytes", "1K"]).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.len() < 1000, "the payload is not echoed: {} bytes out", out.stdout.len());
    let lines = records(&out.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["line"].clone(), lines[0]["url"].clone()), (1.into(), "https://example.com/big".into()));
    assert!(lines[0]["error"].as_str().unwrap().contains("line limit"), "{}", lines[0]);
    assert_eq!(lines[1]["text"], "A page with one full sentence of article text.\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 documents"));
}

#[test]
fn max_bytes_has_a_documented_default_and_takes_sizes_and_none() {
    declutter()
        .args(["clean", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[default: 64MiB]").and(predicate::str::contains("lowered")));
    let line = format!("{{\"text\": \"{}\"}}\n", "Words of text. ".repeat(1000));
    for (limit, fails) in [("10KB", true), ("16K", false), ("none", false), ("0", false)] {
        let out = declutter()
            .args(["clean", "--jsonl", "-", "--quiet", "--max-bytes", limit])
            .write_stdin(line.clone())
            .output()
            .unwrap();
        let lines = records(&out.stdout);
        assert_eq!(lines[0].get("error").is_some(), fails, "{limit}: {}", lines[0]);
    }
    declutter()
        .args(["clean", "--jsonl", "-", "--max-bytes", "lots"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a size"));
}

#[test]
fn an_absurd_jobs_count_is_lowered_with_a_warning() {
    declutter()
        .args(["clean", "--jsonl", "-", "--quiet", "-j", "100000"])
        .write_stdin("{\"text\": \"Just one record.\"}\n")
        .assert()
        .success()
        .stdout("{\"text\":\"Just one record.\\n\"}\n")
        .stderr(predicate::str::contains("warning: -j 100000 lowered to"));
}

#[test]
fn blank_lines_a_bom_and_gzip_padding_are_accepted_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("padded.jsonl.gz");
    let mut bytes = gzip("\u{feff}{\"text\": \"One.\"}\n\n{\"text\": \"Three.\"}\n".as_bytes());
    bytes.resize(bytes.len().next_multiple_of(512) + 512, 0);
    std::fs::write(&input, bytes).unwrap();
    let out = declutter().args(["clean", "--jsonl"]).arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = records(&out.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["text"], "Three.\n");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 skipped (blank lines)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_warc_record_over_the_limit_is_skipped_and_the_rest_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc.gz");
    let html = "Content-Type: text/html\r\n";
    let mut file = gzip(&warc_response("https://example.com/a", html, PAGE.as_bytes()));
    file.extend(gzip(&warc_response("https://example.com/v.mp4", "Content-Type: video/mp4\r\n", &vec![0; 3 << 20])));
    file.extend(gzip(&warc_response("https://example.com/huge", html, "<p>word ".repeat(400_000).as_bytes())));
    let bomb = gzip(format!("<p>{}</p>", "word ".repeat(1 << 20)).as_bytes());
    file.extend(gzip(&warc_response(
        "https://example.com/bomb",
        "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
        &bomb,
    )));
    file.extend(gzip(&warc_response("https://example.com/b", html, PAGE.as_bytes())));
    std::fs::write(&path, &file).unwrap();
    let out = declutter().args(["clean", "--warc", "--max-bytes", "100K"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = records(&out.stdout);
    let urls: Vec<&str> = lines.iter().map(|l| l["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        ["https://example.com/a", "https://example.com/huge", "https://example.com/bomb", "https://example.com/b"]
    );
    assert!(lines[1]["error"].as_str().unwrap().contains("skipped unread"), "{}", lines[1]);
    assert!(lines[2]["error"].as_str().unwrap().contains("inflates to more than"), "{}", lines[2]);
    assert_eq!(lines[3]["text"], "A page with one full sentence of article text.\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("4 documents") && stderr.contains("2 failed"), "{stderr}");
    assert!(stderr.contains("1 skipped (records that are not HTML responses)"), "{stderr}");
}

#[test]
fn broken_chunked_encoding_is_reported_not_leaked_into_the_text() {
    let body = b"2b\r\n<p>A sentence in the first chunk, kept.</p>\r\nzz\r\n<p>rest</p>";
    let record =
        warc_response("https://example.com/c", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n", body);
    let out = declutter().args(["clean", "--warc", "-"]).write_stdin(record).output().unwrap();
    assert!(out.status.success());
    let lines = records(&out.stdout);
    assert_eq!(lines[0]["text"], "A sentence in the first chunk, kept.\n");
    assert!(lines[0]["warning"].as_str().unwrap().contains("no chunk size after chunk 1"), "{}", lines[0]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 cleaned from a damaged body"));
}
