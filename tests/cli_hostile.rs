//! Hostile input through the real binary (issue 9): inputs built to make a
//! cleaner lose text silently, obey escapes or write where it should not.

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
