//! The README as a new user meets it: its usage block lists every flag of
//! every command, and its example session runs, as written, with a `cargo
//! install`ed binary in an empty folder outside the repository, printing the
//! lines the README shows.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

/// The fenced block after `## Usage`.
fn usage_block(readme: &str) -> String {
    let from = readme.find("## Usage\n").expect("a Usage section");
    let rest = &readme[from..];
    let start = rest.find("```\n").unwrap() + 4;
    let end = start + rest[start..].find("```").unwrap();
    rest[start..end].to_owned()
}

/// The usage lines of one command: its `declutter <cmd> ` line and the indented ones after it.
fn usage_of(block: &str, command: &str) -> String {
    let head = format!("declutter {command} ");
    let mut out = String::new();
    let mut inside = false;
    for line in block.lines() {
        if line.starts_with("declutter ") {
            inside = line.starts_with(&head);
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Long flags `declutter <cmd> --help` lists.
fn flags_of(command: &str) -> Vec<String> {
    let mut args: Vec<&str> = command.split(' ').collect();
    args.push("--help");
    let out = assert_cmd::Command::cargo_bin("declutter").unwrap().args(&args).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut flags: Vec<String> = help
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = if l.starts_with('-') && !l.starts_with("--") { l.get(4..)? } else { l };
            let flag: String =
                l.strip_prefix("--")?.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            Some(format!("--{flag}"))
        })
        .filter(|f| f != "--help" && f.len() > 2)
        .collect();
    flags.dedup();
    flags
}

#[test]
fn the_usage_block_lists_every_flag_of_every_command() {
    let block = usage_block(&readme());
    let mut missing = Vec::new();
    for command in [
        "clean",
        "diff",
        "explain",
        "rules check",
        "rules list",
        "rules test",
        "rules stats",
        "rules suggest",
        "rules new",
    ] {
        let usage = usage_of(&block, command);
        assert!(!usage.is_empty(), "no usage line for `declutter {command}`");
        for flag in flags_of(command) {
            let listed = usage.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|w| w == flag);
            if !listed {
                missing.push(format!("declutter {command} {flag}"));
            }
        }
    }
    assert!(missing.is_empty(), "flags missing from the README's usage block:\n{}", missing.join("\n"));
}

/// One `$ command` of the session with the output lines the README shows.
struct Step {
    command: String,
    shown: Vec<String>,
}

/// The `console` block after "An example session".
fn session(readme: &str) -> Vec<Step> {
    let from = readme.find("An example session").expect("the example session");
    let rest = &readme[from..];
    let start = rest.find("```console\n").unwrap() + "```console\n".len();
    let end = start + rest[start..].find("```").unwrap();
    let mut steps: Vec<Step> = Vec::new();
    let mut in_output = false;
    for line in rest[start..end].lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step { command: command.to_owned(), shown: Vec::new() });
            in_output = true;
        } else if line.is_empty() {
            in_output = false;
        } else if in_output && let Some(step) = steps.last_mut() {
            step.shown.push(line.to_owned());
        }
    }
    steps
}

/// `cargo install` of this checkout into `root` (a debug build, in a target
/// folder of its own so it never waits on the one running the tests).
fn install(root: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["install", "--quiet", "--offline", "--locked", "--debug", "--path"])
        .arg(repo())
        .arg("--root")
        .arg(root)
        .arg("--target-dir")
        .arg(repo().join("target/readme-install"))
        .status()
        .unwrap();
    assert!(status.success(), "cargo install failed");
    root.join("bin")
}

#[test]
fn the_example_session_runs_from_an_empty_folder_with_an_installed_binary() {
    let steps = session(&readme());
    assert!(steps.len() >= 10, "the session has {} commands", steps.len());
    let tmp = tempfile::tempdir().unwrap();
    let bin = install(&tmp.path().join("install"));
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();

    // One shell for the whole session (its `cd` and `export` carry on), each
    // command's output between markers. It starts in the repository only
    // for the session's first `cp` of the example; `cd ~/planet` follows.
    let mut script = String::from("set -u\nexec 2>&1\n");
    for (n, step) in steps.iter().enumerate() {
        script.push_str(&format!("echo '@@step {n}'\n{}\necho \"@@rc $?\"\n", step.command));
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(repo())
        .env_clear()
        .env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()))
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("@@step {}", steps.len() - 1)), "the session stopped early:\n{stdout}");

    let mut outputs: Vec<(Vec<String>, String)> = Vec::new();
    for line in stdout.lines() {
        if line.starts_with("@@step ") {
            outputs.push((Vec::new(), String::new()));
        } else if let Some(rc) = line.strip_prefix("@@rc ") {
            outputs.last_mut().unwrap().1 = rc.to_owned();
        } else if let Some(o) = outputs.last_mut() {
            o.0.push(line.to_owned());
        }
    }
    let planet = home.join("planet").display().to_string();
    let mut problems = Vec::new();
    for (step, (lines, rc)) in steps.iter().zip(&outputs) {
        if rc != "0" {
            problems.push(format!("`{}` exited {rc}:\n{}", step.command, lines.join("\n")));
            continue;
        }
        // The README's lines, in order, each one a line of the output.
        let mut at = 0;
        for shown in step.shown.iter().filter(|l| l.as_str() != "…") {
            let want = shown.replace("/home/me/planet", &planet);
            match lines[at..].iter().position(|l| *l == want) {
                Some(i) => at += i + 1,
                None => problems.push(format!(
                    "`{}`: the README shows\n  {shown}\nnot in the output (in order):\n{}",
                    step.command,
                    lines.join("\n")
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    for written in ["rules/publishers/planet-news.toml", "review.html", "change.html"] {
        assert!(home.join("planet").join(written).is_file(), "{written} was not written");
    }
}
