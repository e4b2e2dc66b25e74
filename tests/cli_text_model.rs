//! The line scorer through the real binary: what it removes carries its
//! score in the JSON report, `diff` and `explain` show it like a rule, and
//! `--no-text-model` turns it off.

#![cfg(feature = "cli")]

use assert_cmd::Command;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

/// Two article lines and a follow line from the scraped-text corpus's kind.
const TEXT: &str = "The council voted on Tuesday to close the road, after residents said it had become dangerous for children walking to school.\n\n\
\"We have waited for years,\" said one of them, who asked not to be named, adding that the decision came too late.\n\n\
Follow us on Twitter @example\n";

#[test]
fn scorer_removals_are_reported_shown_and_can_be_turned_off() {
    let out = declutter().args(["clean", "--format", "json", "-"]).write_stdin(TEXT).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let removal = &v["removals"][0];
    assert_eq!(removal["rule"], "builtin:text-boilerplate");
    assert_eq!(removal["text"], "Follow us on Twitter @example");
    let score = removal["score"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&score), "{score}");
    assert!(v["text"].as_str().unwrap().ends_with("came too late.\n"));

    declutter()
        .args(["diff", "--color", "never", "-"])
        .write_stdin(TEXT)
        .assert()
        .success()
        .stdout(predicates::str::contains("- [builtin:text-boilerplate · other · score "));
    declutter()
        .args(["explain", "-"])
        .write_stdin(TEXT)
        .assert()
        .success()
        .stdout(predicates::str::contains("the line scorer, src/clean/text_model.json"));

    declutter().args(["clean", "--no-text-model", "-"]).write_stdin(TEXT).assert().success().stdout(TEXT);
}
