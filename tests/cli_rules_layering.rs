//! Issue 10, rule folders: every command resolves its rules the same way
//! (item 1), user folders layer over the built-in rules (item 2), and
//! `rules check` reports every error it can, with suggestions (item 3).
//! Each test runs the real binary from a temporary folder outside the
//! repository, with `DECLUTTER_RULES` cleared unless the test sets it.

use std::path::Path;

use assert_cmd::Command;

/// The binary, run in `dir`, with no rules folder from the environment.
fn declutter(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("declutter").unwrap();
    cmd.current_dir(dir).env_remove("DECLUTTER_RULES");
    cmd
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{:?} failed:\n{}", cmd, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(cmd: &mut Command) -> serde_json::Value {
    serde_json::from_str(&stdout(cmd)).unwrap()
}

const BUGLE: &str = "[publisher]\nname = \"Daily Bugle\"\ndomains = [\"dailybugle.example\"]\n\n\
    [[rule]]\nid = \"bugle-tip-line\"\ncategory = \"other\"\nblock = { starts_with = \"got a tip for the bugle\" }\n";

const PAGE: &str = "<html><body><article><h1>Council votes</h1>\
    <p>The council approved the budget on Tuesday, after a long debate about schools, roads, and parks.</p>\
    <p>Got a tip for the Bugle? Call the desk.</p>\
    <p>Heavy snow closed schools across the county, and officials warned drivers to stay home overnight.</p>\
    </article></body></html>";

const URL: &str = "https://www.dailybugle.example/2024/council-votes";

/// Item 1: `clean` ignored the `./rules` folder that `explain`, `diff` and
/// `rules stats` read, so one page and URL gave `"publisher": null` from one
/// command and "Daily Bugle applies" from another. Now every command takes
/// the same `--rules`/`DECLUTTER_RULES` and none reads `./rules` unasked.
#[test]
fn every_command_resolves_rules_the_same_way() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("rules/default.toml"), "");
    write(&dir.join("rules/publishers/bugle.toml"), BUGLE);
    write(&dir.join("page.html"), PAGE);

    // Without --rules: the built-in rules for every command, ./rules or not.
    let clean = json(declutter(dir).args(["clean", "page.html", "--format", "json", "--url", URL]));
    assert_eq!(clean["publisher"], serde_json::Value::Null, "{clean}");
    let explain = json(declutter(dir).args(["explain", "page.html", "--format", "json", "--url", URL]));
    assert!(explain["files"].to_string().contains("no publisher file lists host"), "{explain}");
    let stats = json(declutter(dir).args(["rules", "stats", "page.html", "--format", "json", "--url", URL]));
    assert!(stats["publishers"].get("Daily Bugle").is_none(), "{stats}");

    // Named, by flag or by the environment: the same publisher for every command.
    for by_env in [false, true] {
        let run = |args: &[&str]| {
            let mut cmd = declutter(dir);
            cmd.args(args).args(["--url", URL]);
            if by_env {
                cmd.env("DECLUTTER_RULES", dir.join("rules"));
            } else {
                cmd.args(["--rules", "rules"]);
            }
            cmd
        };
        let clean = json(&mut run(&["clean", "page.html", "--format", "json"]));
        assert_eq!(clean["publisher"], "Daily Bugle", "{clean}");
        assert!(!clean["text"].as_str().unwrap().contains("Got a tip"), "{clean}");
        let explain = stdout(&mut run(&["explain", "page.html"]));
        assert!(explain.contains("host www.dailybugle.example matches domain dailybugle.example"), "{explain}");
        assert!(explain.contains("bugle-tip-line"), "{explain}");
        let diff = stdout(&mut run(&["diff", "page.html", "--color", "never"]));
        assert!(diff.contains("- [bugle-tip-line · other]"), "{diff}");
        let stats = json(&mut run(&["rules", "stats", "page.html", "--format", "json"]));
        assert_eq!(stats["publishers"]["Daily Bugle"]["documents"], 1, "{stats}");
    }
}

/// Item 1: `--help` says how rules are found, for every command that takes them.
#[test]
fn help_says_how_rules_are_found() {
    let tmp = tempfile::tempdir().unwrap();
    let top = stdout(declutter(tmp.path()).arg("--help"));
    assert!(top.contains("DECLUTTER_RULES") && top.contains("./rules"), "{top}");
    for cmd in [
        &["clean"][..],
        &["diff"],
        &["explain"],
        &["rules", "check"],
        &["rules", "test"],
        &["rules", "list"],
        &["rules", "stats"],
        &["rules", "suggest"],
    ] {
        let help = stdout(declutter(tmp.path()).args(cmd).arg("--help"));
        assert!(help.contains("--rules <DIR>"), "{cmd:?}: {help}");
        assert!(help.contains("DECLUTTER_RULES"), "{cmd:?}: {help}");
    }
}
