//! `declutter rules import ftr` through the real binary, on real FiveFilters
//! site configs copied into tests/ftr-site-config/.

#![cfg(feature = "cli")]

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

/// `declutter rules import ftr SRC -o OUT`.
fn import(src: &std::path::Path, out: &std::path::Path) -> Command {
    let mut cmd = declutter();
    cmd.args(["rules", "import", "ftr"]).arg(src).arg("-o").arg(out);
    cmd
}

fn configs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ftr-site-config")
}

#[test]
fn a_folder_of_site_configs_becomes_a_rules_folder_that_cleans() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("imported");
    let json = import(&configs(), &out).args(["--format", "json"]).assert().success().get_output().stdout.clone();
    let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(report["files"], 6);
    assert_eq!(report["written"], 6);
    let untranslated = report["untranslated"].as_array().unwrap();
    assert!(untranslated.iter().all(|u| u["file"].is_string() && u["line"].as_u64().unwrap() > 0));
    // `strip: //a[. = 'Subscribe']` in .metafilter.com.txt has no CSS form.
    assert!(untranslated.iter().any(|u| u["file"] == ".metafilter.com.txt" && u["directive"] == "strip"));
    let sum =
        ["converted", "kept_as_comments", "not_applicable"].iter().map(|k| report[k].as_u64().unwrap()).sum::<u64>()
            + untranslated.len() as u64;
    assert_eq!(report["directives"].as_u64().unwrap(), sum);

    let read = |name: &str| std::fs::read_to_string(out.join("publishers").join(name)).unwrap();
    let any = read("ftr-any-metafilter-com.toml");
    assert!(any.contains(r#"domains = ["*.metafilter.com"]"#), "{any}");
    assert!(any.contains("public domain") && any.contains(".metafilter.com.txt"));
    assert!(any.contains("# not converted, line "), "{any}");
    assert!(read("ftr-metafilter-com.toml").contains(r#"domains = ["metafilter.com", "www.metafilter.com"]"#));
    // seriouseats.com has a www. file of its own.
    assert!(read("ftr-seriouseats-com.toml").contains(r#"domains = ["seriouseats.com"]"#));
    assert!(read("ftr-www-seriouseats-com.toml").contains(r#"domains = ["www.seriouseats.com"]"#));

    // The folder loads over the built-in rules, and each host gets its file.
    declutter().args(["rules", "check"]).arg(&out).assert().success();
    let page = "<html><body><div class=\"copy\"><p>The article's one paragraph, long enough to be the article, with commas, and more.</p><div class=\"related\"><p>Related: other questions people asked, and their answers, at length.</p></div></div><p>Footer.</p></body></html>";
    let cleaned = declutter()
        .args(["clean", "-", "--format", "json", "--url", "https://ask.metafilter.com/1/x", "--rules"])
        .arg(&out)
        .write_stdin(page)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let cleaned: serde_json::Value = serde_json::from_slice(&cleaned).unwrap();
    assert_eq!(cleaned["publisher"], "*.metafilter.com (FiveFilters)");
    assert_eq!(cleaned["text"], "The article's one paragraph, long enough to be the article, with commas, and more.\n");
    assert!(
        cleaned["removals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"].as_str().unwrap().starts_with("ftr-any-metafilter-com-"))
    );
}

#[test]
fn nothing_is_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("imported");
    let one = configs().join("nytimes.com.txt");
    import(&one, &out)
        .assert()
        .success()
        .stdout(predicate::str::contains("read 1 site config, wrote 1 publisher file"))
        .stdout(predicate::str::contains("nytimes.com.txt:44: strip:"));
    let path = out.join("publishers/ftr-nytimes-com.toml");
    let imported = std::fs::read_to_string(&path).unwrap();
    // title:/author:/date: become metadata selectors, find_string/replace_string rewrites.
    assert!(imported.contains(r#"author = ["meta[name=\"byl\"] @content"]"#), "{imported}");
    assert!(imported.contains(r#"title = ["h1[class=\"articleHeadline\"]", "meta[property=\"og:title\"] @content"]"#));
    assert!(imported.contains("[[publisher.rewrite]]\nfind = \"data-mediaviewer-src='https://static01.nyt.com\"\nreplace = \"src='https://static01.nyt.com\""));
    std::fs::write(&path, "# mine\n").unwrap();
    import(&one, &out).assert().code(2).stderr(predicate::str::contains("exists; nothing written"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    import(&one, &out).arg("--force").assert().success();
    assert!(std::fs::read_to_string(&path).unwrap().contains("[publisher]"));
}

#[test]
fn bad_sources_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    declutter()
        .args(["rules", "import", "ftr", "no-such-folder", "-o"])
        .arg(tmp.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read no-such-folder"));
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    import(&empty, &tmp.path().join("y")).assert().code(2).stderr(predicate::str::contains("holds no site config"));
    assert!(!tmp.path().join("y").exists());
}
