//! `--filter-list FILE` through the real binary: a small list written for the tests
//! (tests/filter-lists/test-list.txt) on the real Breitbart page of fixtures/breitbart.

#![cfg(feature = "cli")]

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const LIST: &str = "tests/filter-lists/test-list.txt";
const PAGE: &str = "fixtures/breitbart/snopes-fact-checker.html";

/// What `declutter ARGS`, run from the repo root, prints on standard output; it must succeed.
fn stdout(args: &[&str]) -> String {
    let out = declutter().current_dir(root()).args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// `declutter clean PAGE --format json --filter-list LIST [--url URL]`, run from the repo root.
fn clean_json(url: Option<&str>) -> Value {
    let mut cmd = declutter();
    cmd.current_dir(root()).args(["clean", PAGE, "--format", "json", "--filter-list", LIST]);
    if let Some(u) = url {
        cmd.args(["--url", u]);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

/// The list's removals as (FILE:LINE, filter).
fn list_removals(v: &Value) -> Vec<(String, String)> {
    v["removals"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| Some((r["rule"].as_str()?.to_owned(), r["filter"].as_str()?.to_owned())))
        .collect()
}

fn lines(v: &Value) -> Vec<String> {
    let mut l: Vec<String> = list_removals(v).into_iter().map(|(r, _)| r).collect();
    l.dedup();
    l
}

#[test]
fn a_hosts_procedural_filter_removes_a_paragraph_attributed_to_its_line() {
    let v = clean_json(Some("https://www.breitbart.com/tech/2016/12/22/x/"));
    assert!(!v["text"].as_str().unwrap().contains("Facebook believe that Emery"));
    assert!(v["text"].as_str().unwrap().contains("Snopes fact checker and staff writer"));
    let removal = v["removals"].as_array().unwrap().iter().find(|r| r["filter"].is_string()).unwrap();
    assert_eq!(removal["rule"], format!("{LIST}:7"));
    assert_eq!(removal["filter"], "breitbart.com##.entry-content > p:has-text(/^Facebook believe/)");
    assert_eq!(removal["category"], "ad");
    assert_eq!(removal["scope"], "element");
    assert!(removal["text"].as_str().unwrap().starts_with("Facebook believe that Emery"));
    // The publisher file's own rules still fire; the other host's filter never does.
    assert!(v["removals"].as_array().unwrap().iter().any(|r| r["rule"] == "bb-email-optin"));
    assert_eq!(lines(&v), [format!("{LIST}:7")]);
}

#[test]
fn generic_filters_exceptions_and_exclusions_follow_the_host() {
    // No publisher file, no exception: both generic filters.
    assert_eq!(lines(&clean_json(Some("https://shop.example/a"))), [format!("{LIST}:9"), format!("{LIST}:10")]);
    // news.example excepts .ad-wrapper and has a filter of its own…
    let news = clean_json(Some("https://news.example/a"));
    assert_eq!(lines(&news), [format!("{LIST}:9"), format!("{LIST}:14")]);
    assert!(list_removals(&news).iter().any(|(_, f)| f == "news.example,~www.news.example##.nmWidgetList"));
    // …which its www. subdomain is excluded from (the exception covers it too).
    assert_eq!(lines(&clean_json(Some("https://www.news.example/a"))), [format!("{LIST}:9")]);
    // Without a URL only generic filters apply.
    assert_eq!(lines(&clean_json(None)), [format!("{LIST}:9"), format!("{LIST}:10")]);
}

#[test]
fn explain_diff_and_stats_name_the_line_and_the_filter() {
    let url = "https://www.breitbart.com/tech/2016/12/22/x/";
    let explain = stdout(&["explain", PAGE, "--url", url, "--filter-list", LIST]);
    assert!(
        explain.contains(&format!(
            "{LIST}:7 (ad) × 1, 181 chars  breitbart.com##.entry-content > p:has-text(/^Facebook believe/)"
        )),
        "{explain}"
    );
    assert!(explain.contains(&format!("{LIST}  ")) && explain.contains("filter list: 5 element-hiding filters"));

    let diff = stdout(&["diff", PAGE, "--url", url, "--filter-list", LIST, "--color", "never"]);
    assert!(
        diff.contains(&format!(
            "[{LIST}:7 · ad · breitbart.com##.entry-content > p:has-text(/^Facebook believe/) · element]"
        )),
        "{diff}"
    );

    let stats =
        stdout(&["rules", "stats", PAGE, "--url", "https://shop.example/a", "--filter-list", LIST, "--format", "json"]);
    let stats: Value = serde_json::from_str(&stats).unwrap();
    let row = &stats["rules"][format!("{LIST}:10")];
    assert_eq!(row["filter"], "##.ad-wrapper");
    assert_eq!(row["hits"], 6);
}

#[test]
fn rules_check_reports_what_each_list_holds() {
    let out = stdout(&["rules", "check", "--filter-list", LIST]);
    assert!(out.contains(&format!("Filter list {LIST} (declutter test list): 23 lines: 5 element-hiding filters (1 procedural), 1 exceptions, 1 request filters")), "{out}");
    assert!(out.contains("skipped 1: :style(): changes how an element looks, removes nothing"), "{out}");
    assert!(out.contains("skipped 1: :matches-css(): needs a browser's computed styles"), "{out}");
    assert!(out.contains("skipped 1: scriptlet (##+js): runs in a browser"), "{out}");
    assert!(out.contains(&format!("{LIST}:23: breitbart.com##div:nth-child(")), "{out}");

    let json = stdout(&["rules", "check", "--filter-list", LIST, "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let list = &v["filter_lists"][0];
    assert_eq!(list["file"], LIST);
    assert_eq!(list["hide"], 5);
    assert_eq!(list["unreadable"][0]["line"], 23);
}

#[test]
fn a_missing_or_binary_list_is_refused_by_name_and_nothing_is_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.txt");
    declutter()
        .current_dir(root())
        .args(["clean", PAGE, "--filter-list", "no-such-list.txt", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-list.txt: cannot read the filter list"));
    assert!(!out.exists());
    let binary = tmp.path().join("list.txt");
    std::fs::write(&binary, b"##.a\n\x1f\x8b\x08\x00\x00").unwrap();
    declutter()
        .current_dir(root())
        .args(["clean", PAGE, "--filter-list"])
        .arg(&binary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":2: not a text filter list"));
}

#[test]
fn lists_combine_and_each_record_of_a_batch_gets_its_hosts_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let cookies = tmp.path().join("cookie-list.txt");
    // An exception in one list applies to the filters of another, as in a browser.
    std::fs::write(&cookies, "! Title: Test Cookie List\n##.site-strip\nnews.example#@#.sidekick\n").unwrap();
    let ads = tmp.path().join("ads.txt");
    std::fs::write(&ads, "##.sidekick\nshop.example##.deal:has-text(Today only)\n").unwrap();
    let page = |n: usize| {
        format!(
            "<html><body><article><h1>Story {n}</h1><p>The story's first paragraph, long enough and with commas, to be the article itself.</p><div class=\"site-strip\">Your choices help fund this site: see how we handle data.</div><div class=\"sidekick\">Partner pick of the week: garden chairs</div><div class=\"deal\">Today only: 20% off</div><p>The story's second paragraph, which also reads as prose, and stays in the text.</p></article></body></html>"
        )
    };
    let jsonl: String = ["https://shop.example/1", "https://news.example/2"]
        .iter()
        .enumerate()
        .map(|(n, u)| format!("{}\n", serde_json::json!({"url": u, "html": page(n)})))
        .collect();
    let out = declutter()
        .args(["clean", "-", "--jsonl", "--report", "--filter-list"])
        .arg(&cookies)
        .arg("--filter-list")
        .arg(&ads)
        .write_stdin(jsonl)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let records: Vec<Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let removed = |r: &Value| -> Vec<(String, String)> {
        r["removals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["filter"].is_string())
            .map(|x| (x["filter"].as_str().unwrap().to_owned(), x["category"].as_str().unwrap().to_owned()))
            .collect()
    };
    let first = removed(&records[0]);
    assert!(first.contains(&("##.site-strip".to_owned(), "consent".to_owned())), "{first:?}");
    assert!(first.contains(&("##.sidekick".to_owned(), "ad".to_owned())), "{first:?}");
    assert!(first.contains(&("shop.example##.deal:has-text(Today only)".to_owned(), "ad".to_owned())), "{first:?}");
    let second = removed(&records[1]);
    assert_eq!(second, [("##.site-strip".to_owned(), "consent".to_owned())], "{second:?}");
    assert!(records[1]["text"].as_str().unwrap().contains("Partner pick of the week: garden chairs"));
}
