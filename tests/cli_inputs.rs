//! Inputs recognised and outputs written as a new user expects, through the
//! real binary (issue 10, items 4–7).

#![cfg(feature = "cli")]

mod common;
use common::warc_response;
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
    // No limit reads everything: it used to read nothing (an overflow to a zero-byte bound).
    let small = dir.path().join("small.html.gz");
    write(&small, gzip(page(ARTICLE).as_bytes()));
    let plain = dir.path().join("plain.html");
    write(&plain, page(ARTICLE));
    for input in [&small, &plain] {
        let out = declutter().args(["clean", "--max-bytes", "none"]).arg(input).output().unwrap();
        assert_eq!(stdout_of(&out), format!("{ARTICLE}\n"), "{}", stderr_of(&out));
    }
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

// ---- item 6: outputs as named, flags that work or are refused, write errors ----

#[test]
fn output_files_named_gz_or_zst_are_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.html");
    write(&input, page(ARTICLE));
    let gz = dir.path().join("out.txt.gz");
    declutter().arg("clean").arg(&input).arg("-o").arg(&gz).assert().success().stdout("");
    assert_eq!(gunzip(&std::fs::read(&gz).unwrap()), format!("{ARTICLE}\n"));
    let zst = dir.path().join("out.json.zst");
    declutter().args(["clean", "--format", "json"]).arg(&input).arg(&input).arg("-o").arg(&zst).assert().success();
    let text = String::from_utf8(zstd::stream::decode_all(&std::fs::read(&zst).unwrap()[..]).unwrap()).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn standard_input_into_an_output_dir_is_named_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    declutter().args(["clean", "-", "--output-dir"]).arg(&out).write_stdin("Some text.\n").assert().success();
    assert_eq!(std::fs::read_to_string(out.join("stdin.txt")).unwrap(), "Some text.\n");
    assert!(!out.join("-.txt").exists());
    let records = jsonl_record(ARTICLE);
    declutter().args(["clean", "-", "--quiet", "--output-dir"]).arg(&out).write_stdin(records).assert().success();
    assert_eq!(records_of_file(&out.join("stdin.jsonl")).len(), 1);
}

fn records_of_file(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap();
    let text = if bytes.starts_with(&[0x1f, 0x8b]) { gunzip(&bytes) } else { String::from_utf8(bytes).unwrap() };
    records(text.as_bytes())
}

#[test]
fn record_streams_into_an_output_dir_get_one_jsonl_file_each() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&input.join("a.jsonl"), format!("{}not json\n", jsonl_record(ARTICLE)));
    write(&input.join("sub/b.ndjson.gz"), gzip(jsonl_record(ARTICLE).as_bytes()));
    write(&input.join("crawl.warc.gz"), gzip(&warc_response("https://news.example/w", &page(ARTICLE))));
    write(&input.join("page.html"), page(ARTICLE));
    let out = dir.path().join("out");
    let run = declutter().arg("clean").arg(&input).arg("--output-dir").arg(&out).output().unwrap();
    // The bad line of a.jsonl is an error record in its output, and the run says so.
    assert_eq!(run.status.code(), Some(1), "{}", stderr_of(&run));
    assert!(stderr_of(&run).contains("a.jsonl: 1 of 2 records failed"), "{}", stderr_of(&run));
    let a = records_of_file(&out.join("a.jsonl"));
    assert_eq!((a[0]["text"].as_str(), a[1]["line"].as_u64()), (Some(&*format!("{ARTICLE}\n")), Some(2)));
    assert!(std::fs::read(out.join("sub/b.ndjson.gz")).unwrap().starts_with(&[0x1f, 0x8b]), "compressed as named");
    assert_eq!(records_of_file(&out.join("sub/b.ndjson.gz")).len(), 1);
    let warc = records_of_file(&out.join("crawl.jsonl.gz"));
    assert_eq!(warc[0]["url"], "https://news.example/w");
    assert_eq!(std::fs::read_to_string(out.join("page.txt")).unwrap(), format!("{ARTICLE}\n"));
    // --jsonl with --output-dir writes the folder too (it used to be ignored).
    let out2 = dir.path().join("out2");
    let records = dir.path().join("records.json");
    write(&records, jsonl_record(ARTICLE));
    declutter().args(["clean", "--jsonl", "--quiet"]).arg(&records).arg("--output-dir").arg(&out2).assert().success();
    assert_eq!(records_of_file(&out2.join("records.jsonl")).len(), 1);
}

#[test]
fn pipeline_flags_without_a_record_stream_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.html");
    write(&input, page(ARTICLE));
    for (flags, says) in [
        (&["--report"][..], "--report adds removals"),
        (&["--html-field", "body"][..], "--html-field names a JSONL field"),
        (&["--text-field", "body"][..], "--text-field names a JSONL field"),
        (&["--url-field", "link"][..], "--url-field names a JSONL field"),
    ] {
        let out = declutter().arg("clean").args(flags).arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(stderr_of(&out).contains(says), "{flags:?}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "", "{flags:?}");
    }
    let warc = dir.path().join("t.warc");
    write(&warc, warc_response("https://news.example/w", &page(ARTICLE)));
    // --format would not change JSONL records either.
    let out = declutter().args(["clean", "--format", "markdown"]).arg(&warc).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--format markdown would change nothing"), "{}", stderr_of(&out));
    let out = declutter().args(["clean", "--html-field", "body"]).arg(&warc).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("WARC records have no fields to name"), "{}", stderr_of(&out));
    let out = declutter().args(["clean", "--report", "--quiet"]).arg(&warc).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(records(&out.stdout)[0].get("removals").is_some());
    // With JSONL, the field flags work.
    let jsonl = dir.path().join("x.jsonl");
    write(
        &jsonl,
        format!(
            "{{\"link\": \"https://news.example/a\", \"body\": {}}}\n",
            serde_json::to_string(&page(ARTICLE)).unwrap()
        ),
    );
    let out = declutter()
        .args(["clean", "--quiet", "--html-field", "body", "--url-field", "link"])
        .arg(&jsonl)
        .output()
        .unwrap();
    assert_eq!(records(&out.stdout)[0]["text"], format!("{ARTICLE}\n"), "{}", stderr_of(&out));
}

#[test]
fn fail_fast_stops_at_the_first_failing_page() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("a-binary.html"),
        (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<u8>>(),
    );
    for name in ["b.html", "c.html"] {
        write(&dir.path().join(name), page(ARTICLE));
    }
    let out = declutter().args(["clean", "--fail-fast"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out), "", "nothing after the failure is cleaned");
    assert!(
        stderr_of(&out).contains("--fail-fast: stopped after the first failure; 2 inputs not cleaned"),
        "{}",
        stderr_of(&out)
    );
    // Without it, the others are cleaned.
    let out = declutter().arg("clean").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out).matches(ARTICLE).count(), 2);
    // In parallel (one thread here, so the order is the input order).
    let target = dir.path().join("out");
    let out = declutter()
        .args(["clean", "--fail-fast", "-j", "1"])
        .arg(dir.path())
        .arg("--output-dir")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("--fail-fast: stopped after the first failure"), "{}", stderr_of(&out));
    assert!(!target.join("c.txt").exists());
}

#[test]
fn write_errors_name_the_users_path_and_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.html");
    write(&input, page(ARTICLE));
    let records = dir.path().join("x.jsonl");
    write(&records, jsonl_record(ARTICLE));
    let missing = dir.path().join("no-such-folder/out.txt");
    for args in [vec![input.clone()], vec![records.clone()]] {
        let out = declutter().arg("clean").args(&args).arg("-o").arg(&missing).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        // The whole message: the user's path, never the temporary file beside it.
        let folder = missing.parent().unwrap().display();
        assert_eq!(err, format!("declutter: cannot write {}: the folder {folder} does not exist\n", missing.display()));
    }
    // An --output-dir that cannot hold the outputs: a file where the folder should be.
    let blocker = dir.path().join("blocker");
    write(&blocker, "a file");
    let out = declutter().arg("clean").arg(&input).arg("--output-dir").arg(blocker.join("out")).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("cannot write"), "{}", stderr_of(&out));
    // A full device, through -o.
    if Path::new("/dev/full").exists() {
        let out = declutter().arg("clean").arg(&input).args(["-o", "/dev/full"]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
        assert!(stderr_of(&out).contains("cannot write /dev/full"), "{}", stderr_of(&out));
    }
    // The exit codes are in the help.
    let help = declutter().args(["clean", "--help"]).output().unwrap();
    let help = stdout_of(&help).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("3 an output could not be written"), "{help}");
}

#[test]
fn jobs_apply_to_pages_too() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.html"), page(ARTICLE));
    let out = declutter()
        .args(["clean", "-j", "100000"])
        .arg(dir.path())
        .arg("--output-dir")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("-j 100000 lowered to"), "{}", stderr_of(&out));
}

// ---- item 7: progress and summary for batches writing files ----

/// A page with boilerplate that main-content extraction leaves out (comments, a link list).
fn page_with_boilerplate() -> String {
    format!(
        "<html><body><div id=main><article class=post><h1>Title</h1><p>{ARTICLE} It goes on, with commas, clauses, and more words.</p><p>A second paragraph of the article, long enough, with commas, clauses, and more words in it.</p></article><div class=comments><p>Great article, thanks!</p><p>I disagree, strongly.</p></div></div><div class=sidebar><ul><li><a href=/1>Most read story one</a></li><li><a href=/2>Most read story two</a></li><li><a href=/3>Most read story three</a></li></ul></div></body></html>"
    )
}

#[test]
fn an_output_dir_batch_closes_with_a_summary_that_names_extraction() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pages");
    write(&input.join("a.html"), page_with_boilerplate());
    let out = declutter().arg("clean").arg(&input).arg("--output-dir").arg(dir.path().join("o")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let summary = err.lines().find(|l| l.starts_with("declutter: 1 document,")).unwrap_or_else(|| panic!("{err}"));
    assert!(summary.contains("0 failed") && summary.contains("removals: "), "{summary}");
    assert!(summary.contains("extraction "), "builtin removals have their own label: {summary}");
    assert!(!summary.contains("other"), "{summary}");
    // --quiet: nothing on stderr.
    let out = declutter()
        .args(["clean", "--quiet"])
        .arg(&input)
        .arg("--output-dir")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(stderr_of(&out), "");
    // --in-place and -o FILE are batches too; standard output is not.
    let copy = dir.path().join("copy.html");
    write(&copy, page_with_boilerplate());
    let out = declutter().args(["clean", "--in-place"]).arg(&copy).output().unwrap();
    assert!(stderr_of(&out).contains("declutter: 1 document,"), "{}", stderr_of(&out));
    let out =
        declutter().arg("clean").arg(input.join("a.html")).arg("-o").arg(dir.path().join("a.txt")).output().unwrap();
    assert!(stderr_of(&out).contains("declutter: 1 document,"), "{}", stderr_of(&out));
    let out = declutter().arg("clean").arg(input.join("a.html")).output().unwrap();
    assert_eq!(stderr_of(&out), "");
    // A failure is counted.
    write(
        &input.join("b.html"),
        (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<u8>>(),
    );
    let out = declutter().arg("clean").arg(&input).arg("--output-dir").arg(dir.path().join("o")).output().unwrap();
    assert!(stderr_of(&out).contains("declutter: 2 documents, 0.0 MB, 1 failed;"), "{}", stderr_of(&out));
}

#[test]
fn the_jsonl_summary_says_one_document_and_names_extraction() {
    let input = serde_json::json!({"html": page_with_boilerplate()}).to_string();
    let out = declutter().args(["clean", "--jsonl", "-"]).write_stdin(input).output().unwrap();
    let err = stderr_of(&out);
    assert!(err.starts_with("declutter: 1 document, "), "{err}");
    assert!(err.contains("extraction "), "{err}");
}

/// Runs `declutter ARGS` under a pseudo-terminal (util-linux `script`), so
/// stderr is a terminal; `None` where `script` is missing.
fn on_a_terminal(args: &str) -> Option<String> {
    let probe = std::process::Command::new("script").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: util-linux `script` not found: the progress line is not tested on a terminal");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("declutter");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{} {args}", binary.display()), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn an_output_dir_batch_shows_a_progress_line_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pages");
    for i in 0..3 {
        write(&input.join(format!("p{i}.html")), page_with_boilerplate());
    }
    let out_dir = dir.path().join("o");
    let Some(shown) = on_a_terminal(&format!("clean {} --output-dir {}", input.display(), out_dir.display())) else {
        return;
    };
    assert!(shown.contains("3 documents (") && shown.contains("MB/s), 0 failed"), "{shown:?}");
    assert!(shown.contains("declutter: 3 documents, "), "{shown:?}");
    assert!(out_dir.join("p2.txt").exists());
    let shown =
        on_a_terminal(&format!("clean --quiet {} --output-dir {}", input.display(), out_dir.display())).unwrap();
    assert!(!shown.contains("documents"), "{shown:?}");
}
