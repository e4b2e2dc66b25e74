//! The rule-authoring commands through the real binary: diff, rule-change
//! review, explain, rules test/stats/suggest/new. (The HTML report in a
//! browser: tests/report_browser.rs.)

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// A copy of the shipped rules folder to edit.
fn copy_rules(to: &Path) {
    for entry in walk(&root().join("rules")) {
        let rel = entry.strip_prefix(root().join("rules")).unwrap();
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn diff_marks_removals_plain_when_piped_coloured_when_asked() {
    let out = declutter().arg("diff").arg(fixture("default/founding-article.txt")).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("- [poll-consent · consent · previous block] Who do you think would win the Presidency?"));
    assert!(text.contains("- [generic-shortcode · shortcode] [lz_related_box id=”392895″]"));
    assert!(text.contains("  “You would probably recall that President Putin, during [the] election campaign"));
    assert!(!text.contains('\x1b'), "plain when piped");
    declutter()
        .args(["diff", "--color", "always"])
        .arg(fixture("default/founding-article.txt"))
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[31m"));
}

#[test]
fn diff_shows_spans_cut_inside_a_kept_block() {
    declutter()
        .args(["diff", "-"])
        .write_stdin("The mayor spoke (Advertisement) at noon.\n\nEnd of story.")
        .assert()
        .success()
        .stdout(predicate::str::contains("  The mayor spoke {-(Advertisement)-}[advertisement-inline]"));
}

#[test]
fn diff_json_one_object_per_document_and_jsonl_input() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("pages.jsonl");
    std::fs::write(&jsonl, "{\"url\":\"https://a.example/1\",\"text\":\"Story.\\n\\nShare this article\"}\nnot json\n")
        .unwrap();
    let out = declutter().args(["diff", "--format", "json"]).arg(&jsonl).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a bad record fails the run but not the batch");
    assert!(String::from_utf8_lossy(&out.stderr).contains("pages.jsonl:2: not a JSON record"));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["url"], "https://a.example/1");
    assert_eq!(lines[0]["parts"][1]["removed"]["rule"], "share-this");
}

#[test]
fn rule_change_review_shows_only_changed_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    copy_rules(&before);
    copy_rules(&after);
    // The edit: a new publisher-independent rule for "Peskov said." lines.
    let mut default = std::fs::read_to_string(after.join("default.toml")).unwrap();
    default.push_str(
        "\n[[rule]]\nid = \"peskov-said\"\ncategory = \"other\"\nblock = { regex = 'peskov (said|added)\\.$' }\n\
         examples = { remove = [\"Well, Peskov said.\"], keep = [\"Peskov spoke.\"] }\n",
    );
    std::fs::write(after.join("default.toml"), default).unwrap();
    let out = declutter()
        .args(["diff", "--rules-before"])
        .arg(&before)
        .arg("--rules-after")
        .arg(&after)
        .arg(fixture("default"))
        .arg(fixture("text"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("=== "), "{text}");
    assert!(text.contains("founding-article.txt"), "{text}");
    assert!(!text.contains("=== ") || text.matches("=== ").count() == 1, "only the changed document: {text}");
    assert!(text.contains("- [peskov-said · other] newly removed: “There were no meetings about elections"), "{text}");
    assert!(text.contains("1 of "), "{text}");
    assert!(text.contains("peskov-said"), "{text}");

    let out = declutter()
        .args(["diff", "--format", "json", "--rules-before"])
        .arg(&before)
        .arg("--rules-after")
        .arg(&after)
        .arg(fixture("default"))
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.last().unwrap()["summary"]["changed"], 1);
    assert_eq!(lines[0]["changes"][0]["change"], "newly-removed");
    assert_eq!(lines[0]["changes"][0]["rule"], "peskov-said");
}

#[test]
fn explain_says_why_the_publisher_file_applies() {
    declutter()
        .arg("explain")
        .arg(fixture("lifezette/founding-article.html"))
        .args(["--url", "https://www.lifezette.com/polizette/x/"])
        .assert()
        .success()
        .stdout(predicate::str::contains("host www.lifezette.com matches domain lifezette.com"))
        .stdout(predicate::str::contains("content selector \"article .entry-content\" matched"))
        .stdout(predicate::str::contains("lz-poll-widget (poll) × 1"))
        .stdout(predicate::str::contains("Did not fire"));
    let out = declutter()
        .args(["explain", "--format", "json"])
        .arg(fixture("default/founding-article.txt"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["content"]["method"], "text");
    assert_eq!(v["fired"][0]["rule"], "poll-consent");
    assert_eq!(v["fired"][0]["removals"], 2);
}

#[test]
fn explain_lists_the_limits_a_page_hit() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("deep.html");
    let attrs: String = (0..300).map(|i| format!(" a{i}=x")).collect();
    std::fs::write(&page, format!("<p{attrs}>kept</p>{}", "<li><dd>x".repeat(600))).unwrap();
    declutter()
        .arg("explain")
        .arg(&page)
        .assert()
        .success()
        .stdout(predicate::str::contains("Limits hit"))
        .stdout(predicate::str::contains("attributes: 44 attributes dropped"))
        .stdout(predicate::str::contains("depth: "));
    let out = declutter().args(["explain", "--format", "json"]).arg(&page).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let limits: Vec<&str> = v["limits"].as_array().unwrap().iter().map(|l| l["limit"].as_str().unwrap()).collect();
    assert_eq!(limits, ["depth", "attributes"]);
}

#[test]
fn rules_test_passes_on_the_shipped_rules_and_fails_with_a_diff() {
    declutter()
        .args(["rules", "test"])
        .current_dir(root())
        .assert()
        .success()
        .stdout(predicate::str::contains("lifezette (publisher): 1 of 1 cases pass"))
        .stdout(predicate::str::starts_with("").and(predicate::str::contains("ok: ")));

    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("fixtures/acme");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("story.txt"), "Story.\n\nShare this article\n").unwrap();
    std::fs::write(case.join("story.expected.txt"), "Story.\n\nShare this article\n").unwrap();
    declutter()
        .args(["rules", "test", "--fixtures"])
        .arg(dir.path().join("fixtures"))
        .current_dir(root())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL acme/story.txt"))
        .stdout(predicate::str::contains("-Share this article"));
    // --update rewrites the expectation (not a failure); then the case passes.
    declutter()
        .args(["rules", "test", "--update", "--fixtures"])
        .arg(dir.path().join("fixtures"))
        .current_dir(root())
        .assert()
        .success();
    declutter()
        .args(["rules", "test", "--fixtures"])
        .arg(dir.path().join("fixtures"))
        .current_dir(root())
        .assert()
        .success();
}

#[test]
fn rules_test_reports_a_failing_example_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("default.toml"),
        "[[rule]]\nid = \"promo\"\ncategory = \"ad\"\nblock = { equals = \"buy now\" }\nexamples = { remove = [\"Buy later\"] }\n",
    )
    .unwrap();
    declutter()
        .args(["rules", "test"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("default.toml:5:"))
        .stderr(predicate::str::contains("\"Buy later\""));
}

#[test]
fn rules_stats_counts_hits_and_silent_rules() {
    let out = declutter().args(["rules", "stats", "--format", "json"]).arg(fixture("shortcodes")).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["rules"]["generic-shortcode"]["hits"].as_u64().unwrap() >= 3);
    assert!(v["never_fired"].as_array().unwrap().iter().any(|r| r[0] == "cookie-banner"));
    declutter()
        .args(["rules", "stats", "--long", "100"])
        .arg(fixture("lifezette"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Never fired"))
        .stdout(predicate::str::contains("By publisher:"));
}

#[test]
fn rules_new_scaffolds_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let args = ["rules", "new", "--publisher", "Daily Planet", "--domain", "dailyplanet.example", "--rules"];
    declutter().args(args).arg(dir.path()).assert().success().stdout(predicate::str::contains("daily-planet.toml"));
    let file = dir.path().join("publishers/daily-planet.toml");
    assert!(std::fs::read_to_string(&file).unwrap().contains("domains = [\"dailyplanet.example\"]"));
    declutter().args(["rules", "check"]).arg(dir.path()).assert().success();
    std::fs::write(&file, "# my edits\n[publisher]\nname = \"Daily Planet\"\ndomains = [\"dailyplanet.example\"]\n")
        .unwrap();
    declutter().args(args).arg(dir.path()).assert().code(2).stderr(predicate::str::contains("exists"));
    assert!(std::fs::read_to_string(&file).unwrap().starts_with("# my edits"), "the user's file is untouched");
    declutter().args(args).arg(dir.path()).arg("--force").assert().success();
    declutter().args(["rules", "new", "--publisher", "X", "--domain", "https://x.example/"]).assert().code(2);
}

/// A name with a line break used to end the file's first comment and write
/// keys of its own, leaving a file that broke the whole folder's `rules check`.
#[test]
fn rules_new_refuses_a_name_that_would_write_toml() {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let name = "Inj\"\ndomains = [\"evil.example\"]\nx = \"";
    declutter()
        .args(["rules", "new", "--publisher", name, "--domain", "inj.example", "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("control character"));
    assert!(!dir.path().join("publishers/inj-domains-evil-example-x.toml").exists());
    assert_eq!(std::fs::read_dir(dir.path().join("publishers")).unwrap().count(), 2, "nothing written");
    // Quotes, brackets and '#' are fine: written escaped, and the folder still checks.
    declutter()
        .args(["rules", "new", "--publisher", "Le \"Monde\" # [fr]", "--domain", "lemonde.example", "--rules"])
        .arg(dir.path())
        .assert()
        .success();
    declutter().args(["rules", "check"]).arg(dir.path()).assert().success();
}

#[test]
fn rules_suggest_prints_rules_that_load() {
    let dir = tempfile::tempdir().unwrap();
    let stories = [
        "The council approved the budget on Tuesday, after a long debate about schools, roads, and parks.",
        "Heavy snow closed schools across the county, and officials warned drivers to stay home overnight.",
        "The home side won the final in extra time, ending a drought that had lasted for eleven seasons.",
        "After two years of work, the museum reopened its doors with a new wing for modern art and sculpture.",
    ];
    let mut jsonl = String::new();
    for (i, s) in stories.iter().enumerate() {
        let html = format!(
            "<html><body><div class=\"masthead-links\"><a href=\"/\">Home</a> <a href=\"/local\">Local</a></div>\
             <article><h1>{}</h1><p>{s}</p><p>{s} More detail follows, with quotes, and context.</p>\
             <p class=\"tip-line\">Got a news tip? Write to the desk.</p></article></body></html>",
            &s[..20]
        );
        jsonl
            .push_str(&serde_json::json!({"url": format!("https://www.planet.example/{i}"), "html": html}).to_string());
        jsonl.push('\n');
    }
    let corpus = dir.path().join("planet.jsonl");
    std::fs::write(&corpus, jsonl).unwrap();
    // What extraction leaves: the tip line inside the article.
    let out = declutter().args(["rules", "suggest"]).arg(&corpus).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let toml = String::from_utf8(out.stdout).unwrap();
    assert!(toml.contains("# planet.example: 1 suggested rules from 4 pages"), "{toml}");
    assert!(toml.contains("selector = \"p.tip-line\""), "{toml}");
    // Whole pages: the masthead links too.
    let out = declutter().args(["rules", "suggest", "--no-extract"]).arg(&corpus).output().unwrap();
    let toml = String::from_utf8(out.stdout).unwrap();
    assert!(toml.contains("selector = \"div.masthead-links\""), "{toml}");
    assert!(toml.contains("selector = \"p.tip-line\""), "{toml}");
    // What it printed is a rule file that loads, examples and all.
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("default.toml"), &toml).unwrap();
    declutter().args(["rules", "check"]).arg(&rules).assert().success();
}

#[test]
fn rules_check_and_list_speak_json() {
    let out = declutter().args(["rules", "check", "--format", "json"]).current_dir(root()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    let out = declutter()
        .args(["rules", "check", "--format", "json"])
        .arg(root().join("tests/rule-errors/unknown-key/rules"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["line"], 22);
    assert_eq!(v["errors"][0]["rule"], "share-bar");
    let out = declutter().args(["rules", "list", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["rules"].as_array().unwrap().iter().any(|r| r["id"] == "poll-consent" && r["kind"] == "block"));
}

#[test]
fn a_closed_pipe_ends_output_without_a_panic() {
    use std::process::{Command as Std, Stdio};
    for args in [&["rules", "list"][..], &["diff"][..], &["rules", "stats"][..]] {
        let mut child = Std::new(assert_cmd::cargo::cargo_bin("declutter"))
            .args(args)
            .args(if args[0] == "rules" && args[1] == "list" { vec![] } else { vec![fixture("shortcodes")] })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
}

/// Page text with terminal escapes (window title, clipboard write, clear
/// screen) was printed raw by the views; now the only escapes in them are
/// declutter's own colours, and JSON keeps the text as it is.
#[test]
fn views_show_terminal_escapes_instead_of_obeying_them() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("evil.txt");
    std::fs::write(
        &page,
        "A story about a title \x1b]0;pwned\x07 and a clipboard \x1b]52;c;ZXZpbA==\x07 write.\n\n\
         Share this article on Facebook \x1b[2J\n\nThe council met on Tuesday and voted, after a long debate.\n",
    )
    .unwrap();
    let out = declutter().args(["diff", "--color", "always"]).arg(&page).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("␛]0;pwned␇") && text.contains("␛[2J"), "{text}");
    assert!(only_own_colours(&text), "{text:?}");
    for args in [vec!["explain"], vec!["rules", "stats"]] {
        let out = declutter().args(&args).arg(&page).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{args:?}: {text:?}");
    }
    let out = declutter().args(["diff", "--format", "json"]).arg(&page).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("\\u001b]0;pwned\\u0007"), "JSON keeps the text");
}

/// True when every ESC in `text` starts one of diff's colour codes.
fn only_own_colours(text: &str) -> bool {
    let codes = ["\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[1m", "\x1b[2m", "\x1b[0m"];
    text.match_indices('\x1b').all(|(i, _)| codes.iter().any(|c| text[i..].starts_with(c))) && !text.contains('\x07')
}
