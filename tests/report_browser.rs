//! The HTML report in a real browser: headless Chromium (Debian's `chromium`,
//! installed by .ci/run) opens the page the binary wrote, runs its script, and
//! the test reads the rendered DOM and the browser's console. Set
//! `DECLUTTER_CHROMIUM` to use another Chromium binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("DECLUTTER_CHROMIUM") {
        return PathBuf::from(p);
    }
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] {
        if Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    panic!("no Chromium found: install Debian's `chromium` package (.ci/run does) or set DECLUTTER_CHROMIUM");
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
