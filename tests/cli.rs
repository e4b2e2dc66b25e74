//! The real binary, end to end: outputs, exit codes, bad input.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

#[test]
fn founding_article_text() {
    let expected = std::fs::read_to_string(fixture("default/founding-article.expected.txt")).unwrap();
    declutter().arg("clean").arg(fixture("default/founding-article.txt")).assert().success().stdout(expected);
}

#[test]
fn founding_article_json_lists_three_removals_with_rule_ids() {
    let out =
        declutter().args(["clean", "--format", "json"]).arg(fixture("default/founding-article.txt")).output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let removals = report["removals"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = removals
        .iter()
        .map(|r| (r["rule"].as_str().unwrap(), r["category"].as_str().unwrap(), r["text"].as_str().unwrap()))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, "poll-consent");
    assert_eq!(removals[0]["context"], "previous");
    assert_eq!(got[0].2, "Who do you think would win the Presidency?");
    assert!(got[1].2.starts_with("By completing the poll, you agree"));
    assert_eq!(got[2], ("generic-shortcode", "shortcode", "[lz_related_box id=”392895″]"));
    assert_eq!(removals[2]["origin"]["line"], 25);
    assert_eq!(report["encoding"]["name"], "UTF-8");
    assert!(report["text"].as_str().unwrap().contains("during [the] election campaign"));
}

#[test]
fn html_page_reports_encoding_and_title() {
    let out = declutter()
        .args(["clean", "--format", "json", "--url", "https://www.lifezette.com/polizette/2017/03/x/"])
        .arg(fixture("lifezette/founding-article.html"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["encoding"]["name"], "windows-1252");
    assert_eq!(report["encoding"]["source"], "meta");
    assert_eq!(report["publisher"], "LifeZette");
    assert!(report["title"].as_str().unwrap().starts_with("Kremlin Spokesman"));
    let expected = std::fs::read_to_string(fixture("default/founding-article.expected.txt")).unwrap();
    assert_eq!(report["text"], expected);
}

#[test]
fn stdin_and_markdown() {
    let page = "<html><body><h2>Title</h2><ul><li>one</li><li>two</li></ul><p>Share this article</p><p>Body text.</p></body></html>";
    declutter()
        .args(["clean", "-", "--format", "markdown"])
        .write_stdin(page)
        .assert()
        .success()
        .stdout("## Title\n\n- one\n- two\n\nBody text.\n");
}

#[test]
fn publisher_by_name_and_unknown_publisher() {
    declutter()
        .args(["clean", "--publisher", "lifezette", "-"])
        .write_stdin("Text [lz_related_box id=\"1\"] here.")
        .assert()
        .success()
        .stdout("Text here.\n");
    declutter()
        .args(["clean", "--publisher", "nobody", "-"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown publisher \"nobody\""));
}

#[test]
fn unknown_encoding_is_a_usage_error() {
    declutter()
        .args(["clean", "--encoding", "klingon", "-"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding \"klingon\""));
}

#[test]
fn missing_file_and_empty_folder_fail_with_1_but_others_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Advertisement\n\nKept paragraph.").unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    declutter()
        .arg("clean")
        .arg(dir.path().join("missing.txt"))
        .arg(&empty)
        .arg(&good)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Kept paragraph.").and(predicate::str::contains("Advertisement").not()))
        .stderr(
            predicate::str::contains("missing.txt: no such file")
                .and(predicate::str::contains("no pages (.html, .htm, .txt…), JSONL (.jsonl, .ndjson) or WARC files")),
        );
}

#[test]
fn folder_to_output_dir_mirrors_the_tree() {
    let input = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(input.path().join("a/b")).unwrap();
    std::fs::write(
        input.path().join("a/b/page.html"),
        "<html><body><p>Article text here.</p><p>Advertisement</p></body></html>",
    )
    .unwrap();
    std::fs::write(input.path().join("note.txt"), "Share this\n\nBody.").unwrap();
    std::fs::write(input.path().join("image.png"), [0u8, 1, 2]).unwrap();
    let out = tempfile::tempdir().unwrap();
    declutter().arg("clean").arg(input.path()).arg("--output-dir").arg(out.path()).assert().success();
    assert_eq!(std::fs::read_to_string(out.path().join("a/b/page.txt")).unwrap(), "Article text here.\n");
    assert_eq!(std::fs::read_to_string(out.path().join("note.txt")).unwrap(), "Body.\n");
    assert!(!out.path().join("image.txt").exists());
    // Cleaning a folder into itself would overwrite note.txt: refused before anything is read, file intact.
    declutter().arg("clean").arg(input.path()).arg("--output-dir").arg(input.path()).assert().code(2);
    assert_eq!(std::fs::read_to_string(input.path().join("note.txt")).unwrap(), "Share this\n\nBody.");
}

#[test]
fn empty_file_gives_empty_output() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, "").unwrap();
    declutter().arg("clean").arg(&empty).assert().success().stdout("");
}

#[test]
fn binary_garbage_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("image.png");
    let bytes: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&bin, bytes).unwrap();
    declutter()
        .arg("clean")
        .arg(&bin)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("image.png: input looks like binary data"));
}

#[test]
fn fifty_megabytes_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let para = "A long paragraph of ordinary article text, repeated to make a very large input file. ".repeat(10);
    let mut text = String::with_capacity(51 << 20);
    while text.len() < 50 << 20 {
        text.push_str(&para);
        text.push_str("\n\nAdvertisement\n\n");
    }
    std::fs::write(&big, &text).unwrap();
    let out = declutter().arg("clean").arg(&big).output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Advertisement"));
}

#[test]
fn output_file_is_written_and_never_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(&input, "Share this\n\nBody.").unwrap();
    let out = dir.path().join("out.txt");
    declutter().arg("clean").arg(&input).arg("-o").arg(&out).assert().success().stdout("");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "Body.\n");
    declutter().arg("clean").arg(&input).arg("-o").arg(&input).assert().code(2);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "Share this\n\nBody.");
}

#[test]
fn custom_rules_dir_and_broken_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("default.toml"),
        "[[rule]]\nid = \"promo\"\ncategory = \"ad\"\nblock = { equals = \"buy now\" }\n",
    )
    .unwrap();
    // Alone (--no-builtin-rules), only its rule applies; layered over the
    // built-in rules (the default), the built-in `advertisement-label` too.
    declutter()
        .args(["clean", "-", "--no-text-model", "--no-builtin-rules", "--rules"])
        .arg(dir.path())
        .write_stdin("Buy now\n\nAdvertisement\n\nText.")
        .assert()
        .success()
        .stdout("Advertisement\n\nText.\n");
    declutter()
        .args(["clean", "-", "--rules"])
        .arg(dir.path())
        .write_stdin("Buy now\n\nAdvertisement\n\nText.")
        .assert()
        .success()
        .stdout("Text.\n");
    std::fs::write(dir.path().join("default.toml"), "[[rule]]\nid = \"promo\"\n").unwrap();
    declutter()
        .args(["clean", "-", "--rules"])
        .arg(dir.path())
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("default.toml:1:1"));
}

#[test]
fn several_inputs_get_headers_and_json_lines() {
    let a = fixture("shortcodes/gallery-self-closing.txt");
    let b = fixture("text/poll-mentions.txt");
    declutter().arg("clean").arg(&a).arg(&b).assert().success().stdout(predicate::str::contains("==> ").count(2));
    let out = declutter().args(["clean", "--format", "json"]).arg(&a).arg(&b).output().unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

#[test]
fn help_has_examples() {
    for args in [&["--help"][..], &["clean", "--help"], &["rules", "check", "--help"]] {
        declutter().args(args).assert().success().stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn founding_page_cleans_to_the_article_even_without_its_publisher() {
    // Generic extraction plus the default rules find the same article the
    // publisher's content selector does.
    let expected = std::fs::read_to_string(fixture("default/founding-article.expected.txt")).unwrap();
    declutter().arg("clean").arg(fixture("lifezette/founding-article.html")).assert().success().stdout(expected);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn jsonl_stream_in_order_with_error_records() {
    let records = concat!(
        "{\"id\": 1, \"url\": \"https://www.lifezette.com/x/\", \"html\": \"<html><body><div class='entry-content'><p>Kept [lz_related_box id=1] text.</p></div></body></html>\"}\n",
        "not json at all\n",
        "{\"id\": 3, \"html\": [1, 2]}\n",
        "{\"id\": 4, \"text\": \"Advertisement\\n\\nPlain text record.\"}\n",
    );
    let out = declutter().args(["clean", "--jsonl", "-", "--quiet"]).write_stdin(records).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "some records failed");
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["text"], "Kept text.\n");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["id"], 3);
    assert!(lines[2]["error"].as_str().unwrap().contains("is an array"));
    assert_eq!(lines[3]["text"], "Plain text record.\n");
}

#[test]
fn jsonl_gzip_in_zstd_out_and_a_cut_stream() {
    let dir = tempfile::tempdir().unwrap();
    let body: String =
        (0..200).map(|i| format!("{{\"id\": {i}, \"text\": \"Record number {i}.\\n\\nShare this\"}}\n")).collect();
    let input = dir.path().join("crawl.jsonl.gz");
    std::fs::write(&input, gzip(body.as_bytes())).unwrap();
    let output = dir.path().join("clean.jsonl.zst");
    declutter().args(["clean", "--jsonl", "--quiet", "-j", "2"]).arg(&input).arg("-o").arg(&output).assert().success();
    let text = String::from_utf8(zstd::decode_all(std::fs::File::open(&output).unwrap()).unwrap()).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 200);
    assert!(lines.iter().enumerate().all(|(i, l)| l["id"] == i && l["text"] == format!("Record number {i}.\n")));

    // The same stream cut in the middle: the records before the cut come out, then an error record.
    let gz = gzip(body.as_bytes());
    let cut = dir.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let out = declutter().args(["clean", "--jsonl", "--quiet"]).arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let last = lines.last().unwrap();
    assert!(last["error"].as_str().unwrap().contains("ends early"), "{last}");
    assert!(lines.len() > 1, "records before the cut are kept");
}

fn warc_response(uri: &str, body: &str) -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}");
    format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
        http.len()
    )
    .into_bytes()
}

#[test]
fn warc_gz_with_one_member_per_record_becomes_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = Vec::new();
    for i in 0..3 {
        let page =
            format!("<html><body><p>Story number {i} has a full sentence of text.</p><p>Share this</p></body></html>");
        file.extend(gzip(&warc_response(&format!("https://example.com/{i}"), &page)));
    }
    let path = dir.path().join("crawl.warc.gz");
    std::fs::write(&path, &file).unwrap();
    let out = declutter().args(["clean", "--warc", "--quiet"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["url"], format!("https://example.com/{i}"));
        assert_eq!(l["text"], format!("Story number {i} has a full sentence of text.\n"));
    }
}

#[test]
fn glob_filters_folder_inputs_and_in_place_rewrites_atomically() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/a.htm"), "<html><body><p>Page A has a sentence.</p></body></html>").unwrap();
    std::fs::write(dir.path().join("b.html"), "<html><body><p>Page B has a sentence.</p></body></html>").unwrap();
    let out = tempfile::tempdir().unwrap();
    declutter()
        .arg("clean")
        .arg(dir.path())
        .args(["--glob", "*.htm", "--output-dir"])
        .arg(out.path())
        .assert()
        .success();
    assert!(out.path().join("sub/a.txt").exists());
    assert!(!out.path().join("b.txt").exists());
    declutter().arg("clean").arg(dir.path()).args(["--glob", "[", "--output-dir"]).arg(out.path()).assert().code(2);

    let note = dir.path().join("note.txt");
    std::fs::write(&note, "Advertisement\n\nThe note itself.").unwrap();
    declutter().arg("clean").arg(&note).arg("--in-place").assert().success().stdout("");
    assert_eq!(std::fs::read_to_string(&note).unwrap(), "The note itself.\n");
    declutter().args(["clean", "-", "--in-place"]).write_stdin("x").assert().code(2);
}

#[test]
fn a_hundred_megabyte_single_line_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("line.txt");
    let mut line = "word, ".repeat(100 << 20 >> 3);
    line.push_str("[gallery ids=\"1\"] end.");
    std::fs::write(&big, &line).unwrap();
    let out = declutter().arg("clean").arg(&big).args(["--max-bytes", "100000000"]).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.len() > 50 << 20);
}

#[test]
fn html_nested_a_hundred_thousand_levels_deep() {
    let page = format!("{}deep text{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    declutter()
        .args(["clean", "-", "--input-format", "html"])
        .write_stdin(page)
        .assert()
        .success()
        .stdout("deep text\n");
}

/// Hostile markup from issue 9, through the real binary (at 10 MB each
/// shape took over 120 s: many attributes on one element; `<li><dd>` and
/// `<rb>`, which nest outside a list or ruby; stray end tags; a deep SVG;
/// formatting elements cloned at every text). Each comes back with its
/// text, and the limit it hit in the JSON report and on stderr.
#[test]
fn hostile_markup_is_cleaned_with_its_limits_reported() {
    let attrs: String = (0..200_000).map(|i| format!(" a{i}=x")).collect();
    let cases = [
        (format!("<div{attrs}>text</div>"), "attributes", "text"),
        ("<li><dd>x".repeat(20_000), "depth", "x"),
        ("<rb>x".repeat(20_000), "depth", "x"),
        ("<span></div>x".repeat(4_000), "depth", "x"),
        (format!("<p>a</p><svg>{}", "<g>".repeat(100_000)), "depth", "a"),
        ((0..4_000).map(|i| format!("<p><b id={i}>x</p>")).collect(), "formatting", "x"),
    ];
    for (page, limit, text) in cases {
        let out = declutter()
            .args(["clean", "-", "--input-format", "html", "--format", "json", "--no-extract"])
            .write_stdin(page.clone())
            .output()
            .unwrap();
        assert!(out.status.success(), "{limit}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["text"].as_str().unwrap().starts_with(text), "{limit}: {}", &report["text"]);
        let limits = report["limits"].as_array().unwrap();
        assert!(limits.iter().any(|l| l["limit"] == limit && l["count"].as_u64() > Some(0)), "{limits:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("warning: -: {limit} limit: ")), "{stderr}");
    }
    // Pages within the limits say nothing of them.
    let out = declutter().args(["clean", "--format", "json"]).arg(fixture("lifezette/founding-article.html")).output();
    let out = out.unwrap();
    assert!(out.stderr.is_empty() && !String::from_utf8_lossy(&out.stdout).contains("\"limits\""));
}

#[test]
fn a_rule_regex_past_the_size_limit_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("default.toml"),
        "[[rule]]\nid = \"huge\"\ncategory = \"other\"\nblock = { regex = '\\w{500}\\w{500}\\w{500}\\w{500}' }\n",
    )
    .unwrap();
    declutter()
        .args(["rules", "check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("default.toml:4:").and(predicate::str::contains("size limit")));
}

#[test]
fn json_and_explain_report_the_page_type_unless_turned_off() {
    let page = fixture("page-types/forum-discourse.html");
    let out = declutter().args(["clean", "--format", "json"]).arg(&page).output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["page_type"]["type"], "forum", "{}", report["page_type"]);
    let confidence = report["page_type"]["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence), "{confidence}");
    declutter()
        .arg("explain")
        .arg(&page)
        .assert()
        .success()
        .stdout(predicate::str::contains("Page type: forum (confidence "));
    let out = declutter().args(["clean", "--format", "json", "--no-page-type"]).arg(&page).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("page_type").is_none(), "{report}");
    // Text has no page type.
    let out =
        declutter().args(["clean", "--format", "json"]).arg(fixture("default/founding-article.txt")).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("page_type").is_none(), "{report}");
}

#[test]
fn the_block_classifier_reports_its_removals_with_a_score_and_can_be_turned_off() {
    let page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/extraction/pages/nationalrail.co.uk.disruptions.html.gz");
    let by_model = |extra: &[&str]| -> Vec<serde_json::Value> {
        let out = declutter().args(["clean", "--format", "json"]).args(extra).arg(&page).output().unwrap();
        assert!(out.status.success());
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["removals"].as_array().unwrap().iter().filter(|r| r["rule"] == "builtin:block-model").cloned().collect()
    };
    let removed = by_model(&[]);
    assert!(!removed.is_empty(), "the shipped model drops a block of this page");
    for r in &removed {
        let score = r["score"].as_f64().expect("a block-model removal has a score");
        assert!((0.0..0.5).contains(&score), "{r}");
    }
    assert!(by_model(&["--no-block-model"]).is_empty());
}
