//! Hostile input through the real binary (issue 9): inputs built to make a
//! cleaner lose text silently, obey escapes or write where it should not.

#![cfg(feature = "cli")]

use assert_cmd::Command;
use predicates::prelude::*;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

/// `<meta charset="replacement">` (and the labels that map to it) turned the
/// whole article into one "�" with exit 0.
#[test]
fn a_meta_charset_that_would_destroy_the_text_is_overruled_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<html><head><meta charset=\"iso-2022-kr\"><title>Budget</title></head><body><article>\
         <p>The council voted on Tuesday to approve the new budget, after a long debate about schools.</p>\
         </article></body></html>",
    )
    .unwrap();
    declutter().arg("clean").arg(&page).assert().success().stdout(predicate::str::contains("approve the new budget"));
    let out = declutter().args(["clean", "--format", "json"]).arg(&page).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["encoding"]["name"], "UTF-8");
    assert_eq!(report["encoding"]["overruled"]["name"], "replacement");
    assert_eq!(report["encoding"]["overruled"]["source"], "meta");
    declutter()
        .arg("explain")
        .arg(&page)
        .assert()
        .success()
        .stdout(predicate::str::contains("declared replacement (meta) was not used"));
    // A caller's UTF-16 over ASCII bytes (a WARC's HTTP charset) is overruled the same way.
    declutter()
        .args(["clean", "--encoding", "text/html; charset=utf-16"])
        .arg(&page)
        .assert()
        .success()
        .stdout(predicate::str::contains("approve the new budget"));
}

/// Inline rules are case-insensitive, but the all-rules prefilter was built
/// case-sensitively: with two or more inline rules, "(ADVERTISEMENT)" got
/// past a rule for "(Advertisement)". And a rule set of many inline rules
/// loads without compiling each regex up front.
#[test]
fn inline_rules_match_in_any_case_among_many_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut rules = String::from(
        "[[rule]]\nid = \"ad-marker\"\ncategory = \"ad\"\ninline = { text = \"(Advertisement)\" }\n\n\
         [[rule]]\nid = \"promo\"\ncategory = \"ad\"\ninline = { regex = 'promo code \\w+' }\n\n\
         [[rule]]\nid = \"joined\"\ncategory = \"ad\"\ninline = { regex = 'promocode \\w+' }\n",
    );
    for i in 0..2000 {
        rules.push_str(&format!(
            "\n[[rule]]\nid = \"sponsor-{i}\"\ncategory = \"ad\"\ninline = {{ text = \"(Sponsored by Acme{i})\" }}\n"
        ));
    }
    std::fs::write(dir.path().join("default.toml"), rules).unwrap();
    let out = declutter()
        .args(["clean", "--format", "json", "--no-builtin-rules", "--rules"])
        .arg(dir.path())
        .arg("-")
        .write_stdin(
            "The mayor (ADVERTISEMENT) spoke, PROMO CODE x1 aside, (SPONSORED BY ACME1999) at length about the budget.\n",
        )
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["text"], "The mayor spoke, aside, at length about the budget.\n", "{report}");
    let rules: Vec<&str> = report["removals"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["ad-marker", "promo", "sponsor-1999"]);
    // A cut joins the text around it; a later rule matching the joined text
    // (its literal "promocode " is nowhere in the input) still fires.
    let out = declutter()
        .args(["clean", "--format", "json", "--no-builtin-rules", "--rules"])
        .arg(dir.path())
        .arg("-")
        .write_stdin("Use the promo(Advertisement)code now2 and read on about the budget.\n")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["text"], "Use the and read on about the budget.\n", "{report}");
    assert_eq!(report["removals"][1]["rule"], "joined");
}

/// `clean` to a terminal shows the page's escapes instead of obeying them
/// (through `script`, which gives the binary a pseudo-terminal); into a pipe
/// the text is data and stays as it was.
#[test]
fn clean_shows_escapes_on_a_terminal_and_keeps_them_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("evil.txt");
    std::fs::write(&page, "The council met \x1b]0;pwned\x07 on Tuesday \x1b[2J and voted.\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("declutter");
    let command = format!("{} clean {}", bin.display(), page.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script (util-linux) runs the binary on a pseudo-terminal");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("␛]0;pwned␇") && shown.contains("␛[2J"), "{shown:?}");
    assert!(!shown.contains('\x07'), "{shown:?}");
    let piped = declutter().arg("clean").arg(&page).output().unwrap();
    assert!(String::from_utf8_lossy(&piped.stdout).contains("\x1b]0;pwned\x07"), "a pipe gets the text as it is");
}
