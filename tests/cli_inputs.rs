//! Inputs recognised and outputs written as a new user expects, through the
//! real binary (issue 10, items 4–7).

use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(bytes), &mut text).unwrap();
    text
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, 3).unwrap()
}

fn records(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

const ARTICLE: &str = "A page with one full sentence of article text, long enough to be the article.";

fn page(text: &str) -> String {
    format!("<html><body><article><p>{text}</p></article></body></html>")
}

fn jsonl_record(text: &str) -> String {
    format!("{{\"url\": \"https://news.example/a\", \"html\": {}}}\n", serde_json::to_string(&page(text)).unwrap())
}

fn warc_response(uri: &str, body: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}");
    let mut record =
        format!("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n", http.len())
            .into_bytes();
    record.extend(http.into_bytes());
    record.extend_from_slice(b"\r\n\r\n");
    record
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

// ---- item 4: compressed pages, JSONL and WARC recognised ----

#[test]
fn a_gzipped_or_zstd_page_is_cleaned_not_refused_as_binary() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("page.html.gz"), gzip(page(ARTICLE).as_bytes()));
    write(&dir.path().join("page.htm.zst"), zstd(page(ARTICLE).as_bytes()));
    // By magic bytes, whatever the name says.
    write(&dir.path().join("saved-by-curl.html"), gzip(page(ARTICLE).as_bytes()));
    for name in ["page.html.gz", "page.htm.zst", "saved-by-curl.html"] {
        let out = declutter().arg("clean").arg(dir.path().join(name)).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), format!("{ARTICLE}\n"), "{name}");
    }
    // Standard input too.
    let out = declutter().args(["clean", "-"]).write_stdin(gzip(page(ARTICLE).as_bytes())).output().unwrap();
    assert_eq!(stdout_of(&out), format!("{ARTICLE}\n"), "{}", stderr_of(&out));
    // explain and diff read them the same way.
    let out = declutter().arg("explain").arg(dir.path().join("page.html.gz")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let out = declutter().arg("diff").arg(dir.path().join("page.htm.zst")).output().unwrap();
    assert!(stdout_of(&out).contains(ARTICLE), "{}", stderr_of(&out));
}

#[test]
fn folders_of_compressed_pages_are_walked_and_mirrored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pages");
    write(&input.join("a.html.gz"), gzip(page("First page, with its own sentence of article text.").as_bytes()));
    write(&input.join("sub/b.txt.zst"), zstd(b"Second page, plain text.\n"));
    write(&input.join("notes.md"), "not taken");
    let out = declutter().arg("clean").arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("First page") && text.contains("Second page") && !text.contains("not taken"), "{text}");
    let target = dir.path().join("clean");
    let out = declutter().arg("clean").arg(&input).arg("--output-dir").arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(std::fs::read_to_string(target.join("a.txt")).unwrap().contains("First page"));
    assert_eq!(std::fs::read_to_string(target.join("sub/b.txt")).unwrap(), "Second page, plain text.\n");
}

#[test]
fn max_bytes_bounds_the_decompressed_page() {
    let dir = tempfile::tempdir().unwrap();
    // 2 MB of text that gzip squeezes into a few kilobytes.
    let bomb = dir.path().join("bomb.html.gz");
    write(&bomb, gzip(page(&"Same sentence again. ".repeat(100_000)).as_bytes()));
    assert!(std::fs::metadata(&bomb).unwrap().len() < 100_000);
    let out = declutter().arg("clean").arg(&bomb).args(["--max-bytes", "100K"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("bomb.html.gz: over the --max-bytes limit of 102400 bytes once decompressed"));
    let cut = dir.path().join("cut.html.gz");
    let whole = gzip(page(&"Some text. ".repeat(10_000)).as_bytes());
    write(&cut, &whole[..whole.len() / 2]);
    let out = declutter().arg("clean").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("cut.html.gz: the gzip data is corrupt or cut short"), "{}", stderr_of(&out));
}

#[test]
fn a_jsonl_file_is_cleaned_as_jsonl_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{}{}", jsonl_record(ARTICLE), jsonl_record("Second record, its own article sentence here."));
    write(&dir.path().join("x.jsonl"), &body);
    write(&dir.path().join("x.ndjson.gz"), gzip(body.as_bytes()));
    // No telling name: the first line is a JSON object.
    write(&dir.path().join("dump.json"), &body);
    for name in ["x.jsonl", "x.ndjson.gz", "dump.json"] {
        let out = declutter().arg("clean").arg(dir.path().join(name)).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr_of(&out));
        let lines = records(&out.stdout);
        assert_eq!(lines.len(), 2, "{name}");
        assert_eq!(lines[0]["text"], format!("{ARTICLE}\n"), "{name}");
        assert!(stderr_of(&out).contains("2 documents"), "{name}: {}", stderr_of(&out));
    }
    let out = declutter().args(["clean", "-"]).write_stdin(body.clone()).output().unwrap();
    assert_eq!(records(&out.stdout).len(), 2, "{}", stderr_of(&out));
    // A file named as text stays text; --input-format says "pages" for every input.
    write(&dir.path().join("notes.txt"), &body);
    let out = declutter().arg("clean").arg(dir.path().join("notes.txt")).output().unwrap();
    assert!(stdout_of(&out).contains("\"url\""), "{}", stdout_of(&out));
    let out = declutter().args(["clean", "--input-format", "text"]).arg(dir.path().join("x.jsonl")).output().unwrap();
    assert!(stdout_of(&out).contains("\"url\""), "{}", stdout_of(&out));
}

#[test]
fn a_warc_file_is_cleaned_as_warc_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut warc = gzip(&warc_response("https://news.example/a", &page(ARTICLE)));
    warc.extend(gzip(&warc_response("https://news.example/b", &page("Second page, another full sentence."))));
    write(&dir.path().join("t.warc.gz"), &warc);
    write(&dir.path().join("shard-00001"), &warc);
    for name in ["t.warc.gz", "shard-00001"] {
        let out = declutter().arg("clean").arg(dir.path().join(name)).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr_of(&out));
        let lines = records(&out.stdout);
        assert_eq!(lines.len(), 2, "{name}: {}", stderr_of(&out));
        assert_eq!(
            (lines[0]["url"].as_str(), lines[0]["text"].as_str()),
            (Some("https://news.example/a"), Some(&*format!("{ARTICLE}\n")))
        );
    }
    // JSONL and WARC together: one JSONL output.
    write(&dir.path().join("more.jsonl"), jsonl_record("A record from JSONL, with its own sentence."));
    let out =
        declutter().arg("clean").arg(dir.path().join("t.warc.gz")).arg(dir.path().join("more.jsonl")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(records(&out.stdout).len(), 3);
}

#[test]
fn pages_and_record_streams_in_one_output_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.html"), page(ARTICLE));
    write(&dir.path().join("b.jsonl"), jsonl_record(ARTICLE));
    let out = declutter().arg("clean").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("b.jsonl is JSONL") && err.contains("a.html is a page"), "{err}");
    assert_eq!(stdout_of(&out), "");
    let out = declutter().args(["clean", "--in-place"]).arg(dir.path().join("b.jsonl")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--in-place rewrites pages"), "{}", stderr_of(&out));
    let out = declutter().arg("explain").arg(dir.path().join("b.jsonl")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("explain takes one page"), "{}", stderr_of(&out));
}

#[test]
fn diff_tells_inputs_apart_as_clean_does() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("dump.json"), jsonl_record(ARTICLE));
    let mut warc = gzip(&warc_response("https://news.example/w", &page(ARTICLE)));
    warc.extend(gzip(b""));
    write(&dir.path().join("crawl.warc.zst"), zstd(&gunzip(&warc).into_bytes()));
    let out = declutter()
        .args(["diff", "--format", "json"])
        .arg(dir.path())
        .arg(dir.path().join("dump.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let docs = records(&out.stdout);
    let names: Vec<&str> = docs.iter().map(|d| d["document"].as_str().unwrap_or("")).collect();
    assert_eq!(docs.len(), 2, "{names:?}");
    assert!(names[0].ends_with("crawl.warc.zst#1") && names[1].ends_with("dump.json:1"), "{names:?}");
}

// ---- item 5: a URL without a scheme ----

#[test]
fn a_url_without_a_scheme_is_read_as_https_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.html");
    write(&input, page(ARTICLE));
    let out = declutter()
        .args(["clean", "--format", "json", "--url", "www.lifezette.com/polizette/x/"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["url"], "https://www.lifezette.com/polizette/x/");
    assert_eq!(json["publisher"], "LifeZette", "the publisher is chosen by the host");
    assert!(
        stderr_of(&out).contains(
            "note: --url www.lifezette.com/polizette/x/ has no scheme; read as https://www.lifezette.com/polizette/x/"
        ),
        "{}",
        stderr_of(&out)
    );
    let out = declutter().args(["explain", "--url", "www.lifezette.com/x"]).arg(&input).output().unwrap();
    let text = stdout_of(&out);
    assert!(text.contains("host www.lifezette.com matches domain lifezette.com"), "{text}");
    assert!(!text.contains("no URL given"), "{text}");
}

#[test]
fn a_url_that_is_no_url_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.html");
    write(&input, page(ARTICLE));
    for command in ["clean", "explain", "diff"] {
        let out = declutter().args([command, "--url", "not a url"]).arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(stderr_of(&out).contains("not a URL with a host name"), "{command}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "", "{command}");
    }
}

#[test]
fn jsonl_urls_without_a_scheme_choose_the_publisher_and_bad_ones_are_counted() {
    let html = serde_json::to_string(&page(ARTICLE)).unwrap();
    let input = format!(
        "{{\"url\": \"www.lifezette.com/x/\", \"html\": {html}}}\n{{\"url\": \"n/a\", \"html\": {html}}}\n{{\"url\": null, \"html\": {html}}}\n"
    );
    let out = declutter().args(["clean", "--jsonl", "--report", "-"]).write_stdin(input).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let lines = records(&out.stdout);
    assert_eq!(lines[0]["publisher"], "LifeZette");
    assert_eq!(lines[0]["url"], "www.lifezette.com/x/", "the record's own field is kept as it was");
    assert!(lines[1].get("publisher").is_none());
    assert!(stderr_of(&out).contains("1 with a URL field that is no URL with a host name"), "{}", stderr_of(&out));
}
