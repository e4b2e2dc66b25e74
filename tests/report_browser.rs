//! The HTML report in a real browser: headless Chromium (Debian's `chromium`,
//! installed by .ci/run) opens the page the binary wrote, runs its script, and
//! the test reads the rendered DOM and the browser's console. Set
//! `DECLUTTER_CHROMIUM` to use another Chromium binary.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

/// The Chromium binary, if there is one.
fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DECLUTTER_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Whether the browser tests can run here. In CI (`CI=true`, set by .ci/run) a
/// missing browser is a failure; elsewhere (`cargo test` on a fresh machine)
/// the tests are skipped with a message that says so and how to run them.
fn browser_available() -> bool {
    if find_chromium().is_some() {
        return true;
    }
    let message = "no Chromium found: install Debian's `chromium` package (.ci/run does) or set DECLUTTER_CHROMIUM";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    eprintln!("\n*** SKIPPED: the HTML report's browser test: {message} ***\n");
    false
}

fn chromium() -> PathBuf {
    find_chromium().expect("checked by browser_available")
}

/// Renders `url` headless; returns the DOM after scripts ran, and the console lines.
fn render(url: &str, profile: &Path) -> (String, Vec<String>) {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let console =
        String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

#[test]
fn report_renders_in_chromium_with_rule_labels_and_no_script_errors() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    cargo_bin_cmd!("declutter")
        .args(["diff", "--format", "html", "--title", "Fixture review", "-o"])
        .arg(&report)
        .arg(fixtures.join("default"))
        .arg(fixtures.join("shortcodes"))
        .assert()
        .success();
    let url = format!("file://{}", report.display());

    let (dom, console) = render(&url, &dir.path().join("profile-a"));
    assert!(console.iter().all(|l| !l.contains("Uncaught") && !l.contains("Error")), "script errors: {console:?}");
    assert!(dom.contains("data-ready=\"yes\""), "the report's script did not finish");
    assert!(dom.contains("<title>Fixture review</title>"));
    // The founding article's three removals, labelled by rule and category.
    assert!(dom.contains("poll-consent · consent"), "rule label missing");
    assert!(dom.contains("generic-shortcode · shortcode"), "rule label missing");
    assert!(dom.contains("<del>By completing the poll"), "removed text not struck through");
    let documents = dom.matches("<details class=\"doc").count();
    assert!(documents >= 8, "{documents} documents rendered");
    assert!(dom.contains(&format!("({documents} of {documents} shown)")), "the script counts what it shows");

    // The search (prefilled from the URL) hides documents that do not match.
    let (dom, console) = render(&format!("{url}#q=presidency"), &dir.path().join("profile-b"));
    assert!(console.iter().all(|l| !l.contains("Uncaught")), "script errors: {console:?}");
    assert!(dom.contains(&format!("(1 of {documents} shown)")), "search did not filter");
    // A rule filter keeps the documents that rule touched.
    let (dom, _) = render(&format!("{url}#rule=poll-consent"), &dir.path().join("profile-c"));
    assert!(dom.contains(&format!("(1 of {documents} shown)")), "rule filter did not apply");
    assert!(dom.contains("class=\"rule active\""), "the chosen rule is highlighted");
    // A hash that is not valid percent-encoding used to throw URIError and stop the script.
    let (dom, console) = render(&format!("{url}#q=%E0%A4%A"), &dir.path().join("profile-d"));
    assert!(console.iter().all(|l| !l.contains("Uncaught")), "script errors: {console:?}");
    assert!(dom.contains("data-ready=\"yes\""), "the script stopped on a malformed hash");
}

/// The rule-change review (`diff --rules-before A --rules-after B --format
/// html`) is the same kind of page: only changed documents, each change
/// labelled by rule, the per-rule tally as the table, JSONL records named by
/// their URL and title.
#[test]
fn rule_change_report_renders_in_chromium() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/default.toml");
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    for d in [&before, &after] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::copy(&shipped, d.join("default.toml")).unwrap();
    }
    let mut rules = std::fs::read_to_string(&shipped).unwrap();
    rules.push_str(
        "\n[[rule]]\nid = \"tip-line\"\ncategory = \"other\"\ndescription = \"The desk's tip line.\"\n\
         block = { starts_with = \"got a news tip\" }\n\
         examples = { remove = [\"Got a news tip? Write to the desk.\"], keep = [\"We got a news tip.\"] }\n\n\
         [[rule]]\nid = \"ad-mark\"\ncategory = \"ad\"\ndescription = \"An (Ad) mark.\"\ninline = { regex = '\\(Ad\\)' }\n\
         examples = { remove = [\"Shoes (Ad) here\"], keep = [\"Shoes here\"] }\n",
    );
    std::fs::write(after.join("default.toml"), rules).unwrap();
    let mut jsonl = String::new();
    for (i, story) in ["The council approved the budget on Tuesday, after a long debate.", "Snow closed the schools."]
        .iter()
        .enumerate()
    {
        let html = format!(
            "<html><head><title>Story {i} &amp; more</title></head><body><article><h1>Story {i}</h1><p>{story}</p>\
             <p>Shoes for the season (Ad) from the shop.</p><p>Got a news tip? Write to the desk.</p></article></body></html>"
        );
        jsonl.push_str(&format!(
            "{}\n",
            serde_json::json!({"url": format!("https://www.planet.example/{i}"), "html": html})
        ));
    }
    jsonl.push_str(&format!(
        "{}\n",
        serde_json::json!({"url": "https://www.planet.example/same", "html": "<p>Nothing to change.</p>"})
    ));
    let corpus = dir.path().join("corpus.jsonl");
    std::fs::write(&corpus, jsonl).unwrap();
    let report = dir.path().join("change.html");
    cargo_bin_cmd!("declutter")
        .args(["diff", "--no-extract", "--format", "html", "--title", "Rule change", "--rules-before"])
        .arg(&before)
        .arg("--rules-after")
        .arg(&after)
        .arg("-o")
        .arg(&report)
        .arg(&corpus)
        .assert()
        .success();
    let url = format!("file://{}", report.display());
    let (dom, console) = render(&url, &dir.path().join("profile-a"));
    assert!(console.iter().all(|l| !l.contains("Uncaught") && !l.contains("Error")), "script errors: {console:?}");
    assert!(dom.contains("data-ready=\"yes\""), "the report's script did not finish");
    assert!(dom.contains("<title>Rule change</title>"));
    assert!(dom.contains("2 of 3 documents changed"), "the summary");
    assert_eq!(dom.matches("<details class=\"doc\"").count(), 2, "only changed documents");
    assert!(dom.contains("(2 of 2 shown)"));
    // Named by URL and title, the record's place after them.
    assert!(dom.contains(
        "<span class=\"name\">https://www.planet.example/0</span> <span class=\"title\">Story 0 &amp; more</span> \
         <span class=\"source\">"
    ));
    assert!(dom.contains("corpus.jsonl:1</span>"));
    // Newly removed blocks and edited ones, labelled by rule; the tally as the table.
    assert!(dom.contains("tip-line · other</span><del>Got a news tip? Write to the desk.</del>"), "newly removed");
    assert!(dom.contains("<del class=\"span\">(Ad)</del>"), "the edit, word by word");
    assert!(dom.contains("<th>newly removed</th>"));
    assert!(dom.contains("<button class=\"rule\" data-rule=\"tip-line\">tip-line</button></td><td class=\"n\">2</td>"));
    // The rule filter works as in the review report.
    let (dom, _) = render(&format!("{url}#rule=ad-mark"), &dir.path().join("profile-b"));
    assert!(dom.contains("(2 of 2 shown)"), "both documents have the edit");
    let (dom, _) = render(&format!("{url}#q=story%201"), &dir.path().join("profile-c"));
    assert!(dom.contains("(1 of 2 shown)"), "search by title");
}
