//! The line scorer through the real binary: what it removes carries its
//! score in the JSON report, `diff` and `explain` show it like a rule, and
//! `--no-text-model` turns it off.

#![cfg(feature = "cli")]

use assert_cmd::Command;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

/// Six article paragraphs, then an all-capitals byline and a support pitch's
/// heading (kinds the scorer removes on the labelled texts; no rule names them).
/// The byline alone, with no ruled block near it, is left to the score of the day.
const TEXT: &str = "The council voted on Tuesday to close the road, after residents said it had become dangerous for children walking to school.\n\n\
\"We have waited for years,\" said one of them, who asked not to be named, adding that the decision came too late for some families.\n\n\
The road, which links the two halves of the village, carries about 4,000 cars a day, according to figures from the county.\n\n\
Engineers will study a new crossing over the summer, and the council expects to publish their report in the autumn.\n\n\
Shop owners on the high street said they feared losing passing trade, but most welcomed the vote.\n\n\
The closure takes effect next month and will be reviewed after a year.\n\n\
KAREN WEINTRAUB\n\n\
Support Free Speech:\n";

#[test]
fn scorer_removals_are_reported_shown_and_can_be_turned_off() {
    let out = declutter().args(["clean", "--format", "json", "-"]).write_stdin(TEXT).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let removals = v["removals"].as_array().unwrap();
    let removal = removals.iter().find(|r| r["text"] == "Support Free Speech:").expect("the pitch is removed");
    assert_eq!(removal["rule"], "builtin:text-boilerplate");
    let score = removal["score"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&score), "{score}");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("reviewed after a year.\n") && !text.contains("Support Free Speech"), "{text}");
    assert!(removals.iter().all(|r| r["rule"] == "builtin:text-boilerplate"), "{removals:?}");

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
