//! Hostile paths through the real binary: size limits on files, streaming,
//! `--output-dir` collisions, symlink loops, `-o` to a FIFO, interrupts,
//! output failures, `--in-place` on links (issue 9).

#![cfg(feature = "cli")]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("declutter")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn page(text: &str) -> String {
    format!("<html><body><p>{text}</p></body></html>")
}

// ---- item 5: --max-bytes on plain files and stdin ----

#[test]
fn a_file_over_max_bytes_is_refused_by_name_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-small.html"), page("Small page.")).unwrap();
    std::fs::write(dir.path().join("b-big.html"), page(&"Big page text. ".repeat(200))).unwrap();
    let out = declutter().arg("clean").arg(dir.path()).args(["--max-bytes", "1000"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("b-big.html") && err.contains("over the --max-bytes limit of 1000 bytes"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Small page."));
    // Standard input is bounded the same way (its size is not known in advance).
    let out = declutter().args(["clean", "-", "--max-bytes", "10"]).write_stdin("x".repeat(100)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("over the --max-bytes limit of 10 bytes"), "{}", stderr_of(&out));
}

#[test]
fn the_default_limit_applies_without_reading_the_file() {
    // A sparse file one byte over the default: refused from its size, not read.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("huge.html");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(declutter::limits::DEFAULT_MAX_BYTES as u64 + 1).unwrap();
    let limit = declutter::limits::DEFAULT_MAX_BYTES.to_string();
    for args in [&["clean"][..], &["diff"], &["explain"], &["rules", "stats"]] {
        let out = declutter().args(args).arg(&big).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr_of(&out);
        assert!(err.contains("huge.html") && err.contains(&limit), "{args:?}: {err}");
    }
}

#[test]
fn review_commands_take_max_bytes_for_files_and_jsonl_lines() {
    let dir = tempfile::tempdir().unwrap();
    let long = "y".repeat(500);
    std::fs::write(dir.path().join("c.jsonl"), format!("{{\"text\":\"{long}\"}}\n{{\"text\":\"Short record.\"}}\n"))
        .unwrap();
    let out = declutter().args(["diff", "--format", "json", "--max-bytes", "100"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("c.jsonl:1: the document is 500 bytes, over the --max-bytes limit of 100"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "the next line is still read: {stdout}");
    assert!(stdout.contains("c.jsonl:2"));
}

// ---- item 9: several inputs stream to stdout ----

#[cfg(unix)]
#[test]
fn each_document_is_written_before_the_next_one_is_read() {
    // The second input is a FIFO the test feeds only once the first
    // document's output has arrived: a run that buffers everything until the
    // end never gets there (the test gives up after a minute rather than hang).
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.html");
    std::fs::write(&first, page("First document.")).unwrap();
    let fifo = dir.path().join("b.html");
    assert!(StdCommand::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut child =
        StdCommand::new(binary()).arg("clean").arg(&first).arg(&fifo).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let mut told = false;
        loop {
            let n = stdout.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if !told && String::from_utf8_lossy(&seen).contains("First document.") {
                told = true;
                let _ = tx.send(());
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    let arrived = rx.recv_timeout(std::time::Duration::from_secs(60)).is_ok();
    if !arrived {
        let _ = child.kill();
    }
    assert!(arrived, "the first document's output was held back until the end");
    std::fs::write(&fifo, page("Second document.")).unwrap();
    assert!(child.wait().unwrap().success());
    let all = reader.join().unwrap();
    assert!(all.contains("==> ") && all.contains("Second document."), "{all}");
    assert!(all.find("First document.") < all.find("Second document."));
}

// ---- item 11: --output-dir collisions ----

#[test]
fn outputs_sharing_a_name_are_all_refused_by_name() {
    let input = tempfile::tempdir().unwrap();
    for name in ["a.html", "a.htm", "a.txt"] {
        std::fs::write(input.path().join(name), page(name)).unwrap();
    }
    std::fs::write(input.path().join("b.html"), page("Page b.")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = declutter().arg("clean").arg(input.path()).arg("--output-dir").arg(out.path()).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = stderr_of(&run);
    for name in ["a.html", "a.htm", "a.txt"] {
        assert!(err.contains(&format!("{name}: its output")), "{name} not named: {err}");
    }
    assert!(!out.path().join("a.txt").exists(), "no winner is written");
    assert_eq!(std::fs::read_to_string(out.path().join("b.txt")).unwrap(), "Page b.\n");
}

#[test]
fn two_folders_with_the_same_file_name_collide_loudly() {
    let root = tempfile::tempdir().unwrap();
    for d in ["d1", "d2"] {
        std::fs::create_dir(root.path().join(d)).unwrap();
        std::fs::write(root.path().join(d).join("a.html"), page(d)).unwrap();
    }
    let out = root.path().join("out");
    let run = declutter()
        .arg("clean")
        .arg(root.path().join("d1"))
        .arg(root.path().join("d2"))
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = stderr_of(&run);
    assert!(err.contains("d1/a.html") && err.contains("d2/a.html"), "{err}");
    assert!(!out.join("a.txt").exists());
}

#[test]
fn an_output_never_lands_on_an_input() {
    let out = tempfile::tempdir().unwrap();
    let input = out.path().join("x.txt");
    std::fs::write(&input, "Advertisement\n\nKept.").unwrap();
    let run = declutter().arg("clean").arg(&input).arg("--output-dir").arg(out.path()).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr_of(&run).contains("is the input"), "{}", stderr_of(&run));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "Advertisement\n\nKept.");
}

#[cfg(unix)]
#[test]
fn an_output_path_linked_to_another_input_is_refused() {
    // in/a.html would go to out/a.txt, a link to the input in/notes.txt: compared
    // by identity, not by name, so the input is not written through the link.
    let root = tempfile::tempdir().unwrap();
    let (input, out) = (root.path().join("in"), root.path().join("out"));
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(input.join("a.html"), page("Page a.")).unwrap();
    std::fs::write(input.join("notes.txt"), "Advertisement\n\nNotes.").unwrap();
    std::os::unix::fs::symlink(input.join("notes.txt"), out.join("a.txt")).unwrap();
    let run = declutter().arg("clean").arg(&input).arg("--output-dir").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr_of(&run).contains("a.html: its output") && stderr_of(&run).contains("is the input"));
    assert_eq!(std::fs::read_to_string(input.join("notes.txt")).unwrap(), "Advertisement\n\nNotes.");
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "Notes.\n");
}

// ---- item 12: symlinked folders ----

#[cfg(unix)]
fn folder_with_loops(links: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        std::fs::write(dir.path().join(format!("p{i}.html")), page(&format!("Page {i}."))).unwrap();
    }
    for l in links {
        std::os::unix::fs::symlink(".", dir.path().join(l)).unwrap();
    }
    dir
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_not_walked() {
    // Two links to `.`: the old walk doubled at every level until paths got too long.
    let dir = folder_with_loops(&["x", "y"]);
    let out = declutter().arg("clean").arg(dir.path()).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    let err = stderr_of(&out);
    assert!(err.contains("note:") && err.contains("symlink to a folder, not followed"), "{err}");
    // The review commands use the same walk.
    let out = declutter().args(["diff", "--format", "json"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    let out = declutter().args(["rules", "stats", "--format", "json"]).arg(dir.path()).output().unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 3, "{stats}");
    let out = declutter().args(["rules", "suggest", "--format", "json"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    assert!(stderr_of(&out).contains("not followed"));
}

#[cfg(unix)]
#[test]
fn follow_links_walks_linked_folders_once() {
    let dir = folder_with_loops(&["x", "y"]);
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("far.html"), page("Far away.")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("linked")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("linked-again")).unwrap();
    let out = declutter().arg("clean").arg(dir.path()).args(["--format", "json", "--follow-links"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert_eq!(stdout.matches("Far away.").count(), 1);
    assert!(stderr_of(&out).contains("already walked"));
}

// ---- item 13: -o to a FIFO or device ----

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "Advertisement\n\nThe text.").unwrap();
    let jsonl = dir.path().join("in.jsonl");
    std::fs::write(&jsonl, "{\"text\":\"The text.\"}\n").unwrap();
    let fifo = dir.path().join("out.fifo");
    assert!(StdCommand::new("mkfifo").arg(&fifo).status().unwrap().success());
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["clean".into(), input.clone().into()],
        vec!["clean".into(), "--jsonl".into(), "--quiet".into(), jsonl.clone().into()],
        vec!["diff".into(), input.clone().into()],
        vec!["diff".into(), "--format".into(), "html".into(), input.clone().into()],
    ];
    for args in runs {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let out = declutter().args(&args).arg("-o").arg(&fifo).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        let got = reader.join().unwrap();
        assert!(got.contains("The text."), "{args:?}: {got}");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "{args:?} replaced the FIFO");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).collect();
    assert_eq!(left.len(), 3, "no temporary file left: {left:?}");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "Advertisement\n\nThe text.").unwrap();
    let real = dir.path().join("real.txt");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink("real.txt", &link).unwrap();
    declutter().arg("clean").arg(&input).arg("-o").arg(&link).assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "The text.\n");
}

// ---- item 14: an interrupt leaves no temporary file ----

#[cfg(unix)]
fn interrupted_run_leaves_the_target_alone(args: &[&str], record: &str) {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.jsonl");
    std::fs::write(&target, "the old output\n").unwrap();
    let mut child = StdCommand::new(binary())
        .args(args)
        .arg("-o")
        .arg(&target)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Standard input is kept open, so the run is still reading when the signal comes.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(record.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let temp_exists = || std::fs::read_dir(dir.path()).unwrap().count() > 1;
    let mut waited = 0;
    while !temp_exists() && waited < 600 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    assert!(temp_exists(), "{args:?}: the temporary file never appeared");
    assert!(StdCommand::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.signal(), Some(2), "{args:?}: dies of SIGINT, as an uninterrupted program would");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    assert_eq!(left, vec![target.clone()], "{args:?}: temporary file left behind");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "the old output\n");
}

#[cfg(unix)]
#[test]
fn sigint_during_jsonl_removes_the_temporary_file() {
    interrupted_run_leaves_the_target_alone(&["clean", "--jsonl", "--quiet", "-"], "{\"text\":\"One.\"}\n");
}

#[cfg(unix)]
#[test]
fn sigint_during_clean_removes_the_temporary_file() {
    interrupted_run_leaves_the_target_alone(&["clean", "-"], "Some text.\n");
}

// ---- item 15: output failures, one exit code (3 since issue 10, item 6) ----

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_3_for_every_command() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default/founding-article.txt");
    let fixture = fixture.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("records.jsonl");
    std::fs::write(&jsonl, "{\"text\":\"One record.\"}\n").unwrap();
    let jsonl = jsonl.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["rules", "list"],
        vec!["rules", "check"],
        vec!["rules", "test"],
        vec!["rules", "stats", fixture],
        vec!["rules", "suggest", "--format", "json", fixture],
        vec!["clean", fixture],
        vec!["clean", "--jsonl", "--quiet", jsonl],
        vec!["diff", fixture],
        vec!["explain", fixture],
    ];
    for args in commands {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = StdCommand::new(binary())
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains("cannot write to standard output"), "{args:?}: {}", stderr_of(&out));
    }
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_quiet_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "A paragraph of article text that goes on.\n\n".repeat(20_000)).unwrap();
    for args in [vec!["clean".into(), big.clone().into_os_string()], vec!["rules".into(), "list".into()]] {
        let mut child =
            StdCommand::new(binary()).args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "{args:?}");
    }
}

// ---- item 20: --in-place on links, --output-dir inside the input ----

#[cfg(unix)]
#[test]
fn in_place_on_a_symlink_rewrites_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.txt");
    std::fs::write(&real, "Advertisement\n\nThe text.").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink("real.txt", &link).unwrap();
    // The folder holds the file twice (itself and the link): cleaned once.
    let out = declutter().args(["clean", "--in-place"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("cleaned once"), "{}", stderr_of(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "The text.\n");
    declutter().args(["clean", "--in-place"]).arg(&link).assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn an_output_dir_inside_the_input_is_not_read_as_input() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("a.html"), page("Page a.")).unwrap();
    let out = input.path().join("clean");
    for _ in 0..2 {
        let run = declutter().arg("clean").arg(input.path()).arg("--output-dir").arg(&out).output().unwrap();
        assert!(run.status.success(), "{}", stderr_of(&run));
    }
    let run = declutter().arg("clean").arg(input.path()).arg("--output-dir").arg(&out).output().unwrap();
    assert!(stderr_of(&run).contains("not read: it is the output folder"), "{}", stderr_of(&run));
    let written: Vec<_> = walk(&out);
    assert_eq!(written, vec![out.join("a.txt")], "earlier outputs were cleaned again");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { found.extend(walk(&p)) } else { found.push(p) }
    }
    found.sort();
    found
}
