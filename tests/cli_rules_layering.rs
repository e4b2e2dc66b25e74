//! Issue 10, rule folders: every command resolves its rules the same way
//! (item 1), user folders layer over the built-in rules (item 2), and
//! `rules check` reports every error it can, with suggestions (item 3).
//! Each test runs the real binary from a temporary folder outside the
//! repository, with `DECLUTTER_RULES` cleared unless the test sets it.

#![cfg(feature = "cli")]

use std::path::Path;

use assert_cmd::Command;

/// The binary, run in `dir`, with no rules folder from the environment.
fn declutter(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("declutter").unwrap();
    cmd.current_dir(dir).env_remove("DECLUTTER_RULES");
    cmd
}

/// A copy of the binary outside the repository, as `cargo install` leaves
/// it: whatever it knows of the shipped rules is built into it.
fn installed(dir: &Path) -> std::path::PathBuf {
    let bin = dir.join("bin/declutter");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin!("declutter"), &bin).unwrap();
    bin
}

fn run_installed(bin: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir).env_remove("DECLUTTER_RULES");
    cmd
}

fn fails(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{cmd:?}: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
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

const ACME_PAGE: &str = "<html><body><article><h1>Acme news</h1>\
    <p>The council approved the budget on Tuesday, after a long debate about schools, roads, and parks.</p>\
    <p>Share this article</p>\
    <p>Acme Insider: get the newsletter.</p>\
    <p>Heavy snow closed schools across the county, and officials warned drivers to stay home overnight.</p>\
    </article></body></html>";

/// Item 2: after `cargo install`, `rules new` in an empty folder wrote a file
/// nothing loaded (`rules check` saw the built-in set, `clean --url` found no
/// publisher, `rules test rules` exited 2 for want of a default.toml). Now the
/// folder layers over the built-in rules for every command.
#[test]
fn rules_new_in_an_empty_folder_layers_over_the_builtin_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = installed(tmp.path());
    let dir = tmp.path().join("work");
    std::fs::create_dir(&dir).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = run_installed(&bin, &dir);
        cmd.args(args);
        cmd
    };
    let said = stdout(&mut run(&["rules", "new", "--publisher", "Acme", "--domain", "acme.example"]));
    assert!(said.contains("wrote rules/publishers/acme.toml"), "{said}");
    assert!(said.contains("--rules rules"), "it says how to use it: {said}");

    let check = stdout(&mut run(&["rules", "check", "rules"]));
    assert!(check.contains("built-in") && check.contains("1 publisher (acme)"), "{check}");
    assert!(check.contains("3 publishers"), "the built-in ones and acme: {check}");
    let check = json(&mut run(&["rules", "check", "--rules", "rules", "--format", "json"]));
    assert_eq!(check["sources"][1]["name"], "rules", "{check}");
    assert_eq!(check["sources"][1]["publishers"][0], "acme", "{check}");
    let test = stdout(&mut run(&["rules", "test", "rules"]));
    assert!(test.starts_with("ok:"), "{test}");

    write(&dir.join("page.html"), ACME_PAGE);
    let url = "https://www.acme.example/2024/news";
    let clean = json(&mut run(&["clean", "page.html", "--rules", "rules", "--url", url, "--format", "json"]));
    assert_eq!(clean["publisher"], "Acme", "{clean}");
    let text = clean["text"].as_str().unwrap();
    assert!(!text.contains("Share this article"), "the built-in rules still apply: {text}");
    // Named by the environment instead: the same.
    let mut cmd = run(&["clean", "page.html", "--url", url, "--format", "json"]);
    let clean = json(cmd.env("DECLUTTER_RULES", "rules"));
    assert_eq!(clean["publisher"], "Acme", "{clean}");

    // A rule in the new file and an extra default rule (default.toml in the user folder) both apply.
    let acme = dir.join("rules/publishers/acme.toml");
    let mut file = std::fs::read_to_string(&acme).unwrap();
    file.push_str(
        "\n[[rule]]\nid = \"acme-insider\"\ncategory = \"newsletter\"\nblock = { starts_with = \"acme insider:\" }\n\
         examples = { remove = [\"Acme Insider: get the newsletter.\"], keep = [\"The Acme insider spoke.\"] }\n",
    );
    std::fs::write(&acme, file).unwrap();
    write(
        &dir.join("rules/default.toml"),
        "[[rule]]\nid = \"snow-day\"\ncategory = \"other\"\nblock = { starts_with = \"heavy snow closed\" }\n",
    );
    let clean = json(&mut run(&["clean", "page.html", "--rules", "rules", "--url", url, "--format", "json"]));
    let removed: Vec<&str> =
        clean["removals"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    for rule in ["share-this", "acme-insider", "snow-day"] {
        assert!(removed.contains(&rule), "{rule} not in {removed:?}");
    }
    let explain = stdout(&mut run(&["explain", "page.html", "--rules", "rules", "--url", url]));
    assert!(explain.contains("Rule sources (each over the ones before):"), "{explain}");
    assert!(explain.contains("<built-in>/default.toml") && explain.contains("rules/default.toml"), "{explain}");
    assert!(explain.contains("rules/publishers/acme.toml"), "{explain}");
    stdout(&mut run(&["rules", "test", "rules"]));
}

/// Item 2: replacing, and leaving out, the built-in rules.
#[test]
fn user_files_replace_builtin_ones_by_name_and_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A default rule with a built-in id replaces it: `share-this` now only removes "Share now".
    write(
        &dir.join("mine/default.toml"),
        "[[rule]]\nid = \"share-this\"\ncategory = \"share\"\nblock = { equals = \"share now\" }\n",
    );
    let check = stdout(declutter(dir).args(["rules", "check", "mine"]));
    assert!(check.contains("replaces rule `share-this` (<built-in>/default.toml:"), "{check}");
    let out = stdout(
        // The line scorer would take "Share this article" on its own; this is about the rule.
        declutter(dir)
            .args(["clean", "-", "--rules", "mine", "--no-text-model"])
            .write_stdin("Share this article\n\nShare now\n\nText."),
    );
    assert_eq!(out, "Share this article\n\nText.\n");

    // `rules new` for a built-in publisher's name replaces that file, and says so.
    let said = stdout(declutter(dir).args([
        "rules",
        "new",
        "--publisher",
        "LifeZette",
        "--domain",
        "lifezette.com",
        "--rules",
        "mine",
    ]));
    assert!(said.contains("replaces the publisher `lifezette` (<built-in>/publishers/lifezette.toml)"), "{said}");
    let list = json(declutter(dir).args(["rules", "list", "--rules", "mine", "--format", "json"]));
    assert!(list["rules"].as_array().unwrap().iter().all(|r| r["id"] != "lz-poll-widget"), "{list}");

    // Only the user's folders: without a default.toml that is refused, with one it is all there is.
    let err = fails(declutter(dir).args(["clean", "-", "--no-builtin-rules", "--rules", "mine/publishers"]), 2);
    assert!(
        err.contains("mine/publishers is a publishers/ folder: the rules folder is the one holding it (mine)"),
        "{err}"
    );
    let out = stdout(
        declutter(dir)
            .args(["clean", "-", "--no-builtin-rules", "--rules", "mine", "--no-text-model"])
            .write_stdin("Advertisement\n\nShare now\n\nText."),
    );
    assert_eq!(out, "Advertisement\n\nText.\n", "no built-in advertisement-label");
    std::fs::remove_file(dir.join("mine/default.toml")).unwrap();
    let err = fails(declutter(dir).args(["rules", "check", "--no-builtin-rules", "mine"]), 2);
    assert!(err.contains("no default.toml in mine"), "{err}");

    // Folders stack: a later one replaces an earlier one's publisher.
    write(
        &dir.join("team/publishers/acme.toml"),
        "[publisher]\nname = \"Acme (team)\"\ndomains = [\"acme.example\"]\n",
    );
    write(&dir.join("me/publishers/acme.toml"), "[publisher]\nname = \"Acme (mine)\"\ndomains = [\"acme.example\"]\n");
    let clean = json(
        declutter(dir)
            .args([
                "clean",
                "-",
                "--rules",
                "team",
                "--rules",
                "me",
                "--url",
                "https://acme.example/",
                "--format",
                "json",
            ])
            .write_stdin("Text."),
    );
    assert_eq!(clean["publisher"], "Acme (mine)");
    let mut cmd = declutter(dir);
    cmd.args(["clean", "-", "--url", "https://acme.example/", "--format", "json"]).write_stdin("Text.");
    let clean = json(cmd.env("DECLUTTER_RULES", std::env::join_paths(["me", "team"]).unwrap()));
    assert_eq!(clean["publisher"], "Acme (team)", "the last $DECLUTTER_RULES folder is on top");
}

/// Item 2: two publishers claiming one domain are an error naming both files
/// (the tie used to be broken silently by file order), for every command.
#[test]
fn two_publishers_claiming_a_domain_is_a_load_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("mine/publishers/lz.toml"), "[publisher]\nname = \"LZ\"\ndomains = [\"lifezette.com\"]\n");
    let err = fails(declutter(dir).args(["rules", "check", "mine"]), 2);
    assert!(err.contains("mine/publishers/lz.toml:3:"), "{err}");
    assert!(err.contains("is also claimed by publisher `lifezette` (<built-in>/publishers/lifezette.toml:"), "{err}");
    assert!(err.contains("name this one lifezette.toml"), "{err}");
    fails(declutter(dir).args(["clean", "-", "--rules", "mine"]).write_stdin("x"), 2);
    // `rules new` refuses to write a file that would not load.
    std::fs::remove_file(dir.join("mine/publishers/lz.toml")).unwrap();
    let err = fails(
        declutter(dir).args(["rules", "new", "--publisher", "LZ", "--domain", "lifezette.com", "--rules", "mine"]),
        2,
    );
    assert!(err.contains("is also claimed by publisher `lifezette`") && err.contains("nothing written"), "{err}");
    assert!(!dir.join("mine/publishers/lz.toml").exists());
}

/// Item 2: a folder that would change nothing, or hides a file where it is not read, is refused.
#[test]
fn mistaken_folders_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let err = fails(declutter(dir).args(["clean", "-", "--rules", "nowhere"]).write_stdin("x"), 2);
    assert!(err.contains("nowhere") && err.contains("no such folder"), "{err}");
    std::fs::create_dir(dir.join("empty")).unwrap();
    let err = fails(declutter(dir).args(["rules", "check", "empty"]), 2);
    assert!(err.contains("empty holds no rule files"), "{err}");
    write(&dir.join("flat/acme.toml"), "[publisher]\nname = \"Acme\"\ndomains = [\"acme.example\"]\n");
    let err = fails(declutter(dir).args(["rules", "check", "flat"]), 2);
    assert!(err.contains("flat/acme.toml:1:1") && err.contains("flat/publishers/acme.toml"), "{err}");
    // Running without a folder where ./rules exists: a note that it is not read.
    write(&dir.join("rules/publishers/acme.toml"), "[publisher]\nname = \"Acme\"\ndomains = [\"acme.example\"]\n");
    let out = declutter(dir).args(["rules", "check"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("./rules is not read unless named"));
}

/// Item 2: the rule-change review compares two versions of a user folder, each over the built-in rules.
#[test]
fn rule_change_review_of_a_user_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let acme = "[publisher]\nname = \"Acme\"\ndomains = [\"acme.example\"]\n";
    write(&dir.join("before/publishers/acme.toml"), acme);
    write(
        &dir.join("after/publishers/acme.toml"),
        &format!(
            "{acme}[[rule]]\nid = \"acme-insider\"\ncategory = \"newsletter\"\nblock = {{ starts_with = \"acme insider:\" }}\n"
        ),
    );
    write(&dir.join("page.html"), ACME_PAGE);
    let out = stdout(declutter(dir).args([
        "diff",
        "--rules-before",
        "before",
        "--rules-after",
        "after",
        "--url",
        "https://acme.example/x",
        "--color",
        "never",
        "page.html",
    ]));
    assert!(out.contains("- [acme-insider · newsletter] newly removed: Acme Insider: get the newsletter."), "{out}");
    assert!(!out.contains("share-this"), "the built-in rules are under both sides: {out}");
}

/// Item 3: `rules check` stopped at a file's first TOML error. Now every
/// table is read on its own: every error is reported with file:line:column,
/// and a misspelt key or value gets the nearest known one.
#[test]
fn rules_check_reports_every_error_with_suggestions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("mine/default.toml"),
        "[[rule]]\nid = \"one\"\ncategroy = \"ad\"\nblock = { equals = \"buy now\" }\n\n\
         [[rule]]\nid = \"two\"\ncategory = \"advertisment\"\nblock = { equals = \"promo\" }\n\n\
         [[rule]]\nid = \"three\"\ncategory = \"ad\"\nblock = { equals = [\"deal\" }\n\n\
         [[rule]]\nid = \"four\"\ncategory = \"ad\"\nblock = { startswith = \"sale\", max_char = 40 }\n\n\
         [[rule]]\nid = \"fine\"\ncategory = \"ad\"\nblock = { equals = \"sponsored link\" }\n",
    );
    write(
        &dir.join("mine/publishers/acme.toml"),
        "[publisher]\nname = \"Acme\"\ndomain = [\"acme.example\"]\n\n[[rule]]\nid = \"acme-x\"\ncategory = \"ad\"\nselektor = \"div.x\"\n",
    );
    let err = fails(declutter(dir).args(["rules", "check", "mine"]), 2);
    let want = [
        "mine/default.toml:3:1: rule `one`: unknown field `categroy`, did you mean `category`?",
        "mine/default.toml:8:12: rule `two`: unknown value `advertisment`, did you mean `ad`?",
        "mine/default.toml:14:28: rule `three`:",
        "mine/default.toml:19:11: rule `four`: unknown field `startswith`, did you mean `starts_with`?",
        "mine/default.toml:19:32: rule `four`: unknown field `max_char`, did you mean `max_chars`?",
        "mine/publishers/acme.toml:3:1: unknown field `domain`, did you mean `domains`?",
        "mine/publishers/acme.toml:8:1: rule `acme-x`: unknown field `selektor`, did you mean `selector`?",
    ];
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(".toml:")).collect();
    assert_eq!(lines.len(), want.len(), "{err}");
    for (line, want) in lines.iter().zip(want) {
        assert!(line.starts_with(want), "{want:?} not at\n{line}\nin\n{err}");
    }
    assert!(!err.contains("missing field"), "a misspelt key is not also reported missing: {err}");
    assert!(err.contains("7 errors in the rules"), "{err}");
    let check = serde_json::from_slice::<serde_json::Value>(
        &declutter(dir).args(["rules", "check", "mine", "--format", "json"]).output().unwrap().stdout,
    )
    .unwrap();
    assert_eq!(check["errors"].as_array().unwrap().len(), 7, "{check}");
    assert_eq!(check["errors"][0]["line"], 3);
    // Every command loads the same way and refuses the same rules.
    let err = fails(declutter(dir).args(["clean", "-", "--rules", "mine"]).write_stdin("x"), 2);
    assert!(err.contains("did you mean `category`?"), "{err}");
}
