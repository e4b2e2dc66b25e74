//! `builtin:repeated-line`: blocks a site repeats across its documents are
//! removed in multi-document runs (JSONL, WARC, folders), the same for any `-j`.

#![cfg(feature = "cli")]

mod common;
use assert_cmd::Command;
use common::warc_response;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

/// Real article openings from the scraped-text corpus (ReCOVery, Health
/// Impact News), each followed by the site's standing sign-off.
const STORIES: [&str; 4] = [
    "The Centers for Disease Control and Prevention quietly updated its guidance this week, saying the virus does not spread easily from touching surfaces.",
    "A federal judge in Michigan has ruled that the state's emergency orders can stand, rejecting a challenge brought by a group of business owners.",
    "Nursing homes in New York reported hundreds of new deaths over the weekend, according to figures released by the state health department on Monday.",
    "Researchers at the University of Washington revised their model again, now projecting fewer deaths by August than they did a month ago.",
];
const SIGN_OFF: &str = "Comments by Brian Shilhavy Editor, Health Impact News";

fn jsonl() -> String {
    STORIES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text =
                format!("{s}\n\nThe story goes on with details that only this story has, number {i}.\n\n{SIGN_OFF}\n");
            serde_json::json!({"url": format!("https://healthimpactnews.com/2020/story-{i}/"), "text": text})
                .to_string()
                + "\n"
        })
        .collect()
}

#[test]
fn jsonl_records_lose_the_line_their_site_repeats_whatever_the_threads() {
    let run = |jobs: &str, extra: &[&str]| {
        let out = declutter()
            .args(["clean", "--jsonl", "--report", "-q", "-j", jobs, "--no-text-model"])
            .args(extra)
            .arg("-")
            .write_stdin(jsonl())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1", &[]);
    assert_eq!(run("2", &[]), one, "output depends on -j");
    let records: Vec<serde_json::Value> = one.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 4);
    for (r, story) in records.iter().zip(STORIES) {
        let text = r["text"].as_str().unwrap();
        assert!(text.starts_with(story) && !text.contains(SIGN_OFF), "{text}");
        let removal = r["removals"].as_array().unwrap().iter().find(|x| x["rule"] == "builtin:repeated-line").unwrap();
        assert_eq!(removal["text"], SIGN_OFF);
    }
    let kept = run("1", &["--no-repeated-lines"]);
    assert!(kept.lines().all(|l| l.contains("Brian Shilhavy")), "--no-repeated-lines keeps it");
}

#[test]
fn a_folder_of_pages_loses_the_line_they_all_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for (i, s) in STORIES.iter().enumerate() {
        std::fs::write(input.join(format!("story-{i}.txt")), format!("{s}\n\n{SIGN_OFF}\n")).unwrap();
    }
    let out = dir.path().join("out");
    declutter().args(["clean", "-q", "--no-text-model", "--output-dir"]).arg(&out).arg(&input).assert().success();
    for (i, s) in STORIES.iter().enumerate() {
        let text = std::fs::read_to_string(out.join(format!("story-{i}.txt"))).unwrap();
        assert_eq!(text, format!("{s}\n"));
    }
    // One document alone has nothing to compare with: its sign-off stays.
    let single = input.join("story-0.txt");
    declutter()
        .args(["clean", "--no-text-model"])
        .arg(&single)
        .assert()
        .success()
        .stdout(format!("{}\n\n{SIGN_OFF}\n", STORIES[0]));
}

#[test]
fn warc_responses_lose_the_line_their_site_repeats_and_other_sites_keep_theirs() {
    let page = |story: &str, i: usize| {
        format!(
            "<html><body><article><p>{story}</p><p>The story goes on with details that only this story has, number {i}, and a few more words.</p><p>{SIGN_OFF}</p></article></body></html>"
        )
    };
    let mut warc = Vec::new();
    for (i, story) in STORIES.iter().enumerate() {
        warc.extend(warc_response(&format!("https://healthimpactnews.com/2020/story-{i}/"), &page(story, i)));
    }
    // One page of another site, with the same line: one page repeats nothing.
    warc.extend(warc_response("https://other.example/story/", &page(STORIES[0], 9)));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl.warc");
    std::fs::write(&input, warc).unwrap();
    let run = |jobs: &str| {
        let out = declutter().args(["clean", "--report", "-q", "-j", jobs]).arg(&input).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert_eq!(run("2"), one, "output depends on -j");
    let records: Vec<serde_json::Value> = one.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 5);
    for r in &records[..4] {
        let text = r["text"].as_str().unwrap();
        assert!(!text.contains(SIGN_OFF), "{text}");
        assert!(r["removals"].as_array().unwrap().iter().any(|x| x["rule"] == "builtin:repeated-line"));
    }
    let other = records[4]["text"].as_str().unwrap();
    assert!(other.contains(SIGN_OFF), "the other site's one page keeps it: {other}");
    assert_eq!(records[4]["url"], "https://other.example/story/");
}

#[test]
fn saved_pages_are_grouped_by_their_canonical_url() {
    // A folder of saved pages has no URLs but the ones the pages give.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let page = |site: &str, story: &str, i: usize| {
        format!(
            "<html><head><link rel=\"canonical\" href=\"https://{site}/2020/story-{i}/\"></head><body><article><p>{story}</p><p>The story goes on with details that only this story has, number {i}, and a few more words.</p><p>{SIGN_OFF}</p></article></body></html>"
        )
    };
    for (i, s) in STORIES.iter().enumerate() {
        std::fs::write(input.join(format!("story-{i}.html")), page("www.healthimpactnews.com", s, i)).unwrap();
    }
    std::fs::write(input.join("other.html"), page("other.example", STORIES[1], 9)).unwrap();
    let run = |jobs: &str| {
        let out = dir.path().join(format!("out-{jobs}"));
        declutter().args(["clean", "-q", "-j", jobs, "--output-dir"]).arg(&out).arg(&input).assert().success();
        out
    };
    let (one, two) = (run("1"), run("2"));
    for (i, story) in STORIES.iter().enumerate() {
        let name = format!("story-{i}.txt");
        let text = std::fs::read_to_string(one.join(&name)).unwrap();
        assert!(text.starts_with(story) && !text.contains(SIGN_OFF), "{text}");
        assert_eq!(std::fs::read_to_string(two.join(&name)).unwrap(), text, "output depends on -j");
    }
    let other = std::fs::read_to_string(one.join("other.txt")).unwrap();
    assert!(other.contains(SIGN_OFF), "another site's one page keeps it: {other}");
}
