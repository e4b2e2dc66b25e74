//! Issue 10, review tools (items 8–11), through the real binary: `rules
//! suggest`, `rules test`, the rule-change report and the `dateline` rule.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const STORIES: [&str; 4] = [
    "The council approved the budget on Tuesday, after a long debate about schools, roads, and parks. Opponents said the plan \
     leaves too little for repairs, and the mayor promised a review next year, once revenues are clearer and the audit is done.",
    "Heavy snow closed schools across the county, and officials warned drivers to stay home overnight. Crews expect to clear \
     the main roads by noon, though side streets may take until the weekend to be passable for buses and delivery vans.",
    "The home side won the final in extra time, ending a drought that had lasted for eleven seasons. Fans filled the square \
     to celebrate until late, and the coach thanked the supporters who had travelled across the country to see the match.",
    "After two years of work, the museum reopened its doors with a new wing for modern art and sculpture. Entry stays free \
     for residents on Sundays, and the new cafe opens next month on the roof terrace, with views over the old harbour.",
];

/// One JSONL line per page, each with its own URL on `site`.
fn write_corpus(dir: &Path, site: &str, pages: &[String]) -> PathBuf {
    let mut jsonl = String::new();
    for (i, html) in pages.iter().enumerate() {
        jsonl.push_str(&serde_json::json!({"url": format!("https://{site}/story/{i}"), "html": html}).to_string());
        jsonl.push('\n');
    }
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, jsonl).unwrap();
    path
}

fn suggest(args: &[&str], corpus: &Path) -> String {
    let out = declutter().args(["rules", "suggest"]).args(args).arg(corpus).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn selectors(toml: &str) -> Vec<String> {
    toml.lines().filter_map(|l| l.strip_prefix("selector = ")).map(|s| s.trim_matches('"').to_owned()).collect()
}

/// Item 8: boxes the layout never shows (aria-hidden container, `hidden`,
/// inline display:none, screen-reader-only) are not suggested, even when the
/// same words are on screen elsewhere, since a rule for them removes nothing.
#[test]
fn suggest_never_proposes_hidden_content() {
    let dir = tempfile::tempdir().unwrap();
    // A hidden container too big to be a box itself (40 KB of text).
    let filler = format!("<p>{}</p>", "An archived paragraph. ".repeat(2000));
    let pages: Vec<String> = STORIES
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<html><body>\
                 <nav class=\"mobile-menu\" aria-hidden=\"true\"><a href=\"/\">Home</a> <a href=\"/news\">News</a> \
                 <a href=\"/sport\">Sport</a> <a href=\"/weather\">Weather</a></nav>\
                 <div class=\"skip-link visually-hidden\">Skip to the main content</div>\
                 <div class=\"promo-strip\" style=\"display: none\">Subscribe today for one dollar</div>\
                 <section class=\"legal-note\" hidden>Terms apply to all offers</section>\
                 <p>Home News Sport Weather and more from the city desk</p>\
                 <p>Skip to the main content</p><p>Subscribe today for one dollar a week</p>\
                 <p>Terms apply to all offers here</p>\
                 <div hidden><div class=\"alt-box\">Read the print edition</div>{filler}</div>\
                 <p>Read the print edition today</p>\
                 <article><h1>Story {i}</h1><p>{s}</p>\
                 <div class=\"share-tools\">Spread the word on Facebook · X</div></article></body></html>"
            )
        })
        .collect();
    let corpus = write_corpus(dir.path(), "www.hidden.example", &pages);
    let toml = suggest(&["--no-extract", "--min-pages", "2"], &corpus);
    let found = selectors(&toml);
    assert!(found.iter().any(|s| s == "div.share-tools"), "a visible box is still found: {toml}");
    for hidden in ["mobile-menu", "skip-link", "visually-hidden", "promo-strip", "legal-note", "alt-box"] {
        assert!(!found.iter().any(|s| s.contains(hidden)), "{hidden} is hidden on every page: {toml}");
    }
}

fn story_page(title: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i == 0 {
                // The first paragraph of every story opens with a link, as on nytimes.com.
                format!("<p class=\"story-body-text story-content\"><a href=\"/topic\">{p}</a></p>")
            } else {
                format!("<p class=\"story-body-text story-content\">{p}</p>")
            }
        })
        .collect();
    format!(
        "<html><head><title>{title}</title></head><body><header class=\"site-head\"><a href=\"/\">Front page</a></header>\
         <article id=\"story\" class=\"story theme-main\"><h1>{title}</h1><div class=\"story-body\">{body}</div>\
         <div class=\"share-tools\">Spread the word on Facebook · X</div></article></body></html>"
    )
}

/// Item 9: with two pages, a selector whose text differs on each page (the
/// story's paragraphs) is article content and is never suggested; a
/// selector's keep example is the article paragraph as it is on the page,
/// class and all.
#[test]
fn suggest_never_proposes_text_that_varies_and_keeps_real_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    // Many paragraphs, so that no one paragraph is a large share of the page.
    let a = story_page(
        "Sudan sanctions lifted",
        &[
            "Officials in London and Khartoum spoke on Friday.",
            STORIES[0],
            "Short aside, said one official.",
            STORIES[1],
            "The order takes effect next week, aides said.",
            "Critics called the timing odd.",
        ],
    );
    let b = story_page(
        "Yahoo sale leaves shareholders out",
        &[
            "The board met late on Sunday to approve the deal.",
            STORIES[2],
            "Shareholders were not asked.",
            STORIES[3],
            "A vote may still come in the spring, lawyers said.",
            "Analysts were split on the price.",
        ],
    );
    let corpus = write_corpus(dir.path(), "www.paper.example", &[a, b]);
    let toml = suggest(&["--no-extract", "--min-pages", "2"], &corpus);
    let found = selectors(&toml);
    assert!(found.iter().any(|s| s == "div.share-tools"), "{toml}");
    for article in ["p.story-body-text", "p.story-content", "#story", "article.story", "div.story-body"] {
        assert!(!found.iter().any(|s| s == article), "{article} is the article: {toml}");
    }
    // The keep example is the real paragraph, inside its real ancestors.
    let keep = toml
        .lines()
        .find(|l| l.starts_with("selector = \"div.share-tools\""))
        .and(toml.lines().skip_while(|l| !l.starts_with("selector = \"div.share-tools\"")).nth(1));
    let keep = keep.unwrap_or_default();
    assert!(
        keep.contains("<article id=\"story\" class=\"story theme-main\"><div class=\"story-body\"><p class=\"story-body-text story-content\">"),
        "{keep}"
    );
    // And that is a test: a rule for the paragraphs' class fails its own keep example.
    let start = keep.find("keep = [").unwrap() + "keep = [".len();
    let example = &keep[start..keep.rfind(']').unwrap()];
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let file = format!(
        "[[rule]]\nid = \"story-text\"\ncategory = \"other\"\nselector = \"p.story-body-text\"\n\
         examples = {{ remove = ['<p class=\"story-body-text\">x</p>'], keep = [{example}] }}\n"
    );
    std::fs::write(rules.join("default.toml"), file).unwrap();
    let out = declutter().args(["rules", "check"]).arg(&rules).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("listed under `keep` but the rule removes it"));
}

fn rules_test(fixtures: &Path, extra: &[&str]) -> std::process::Output {
    declutter().args(["rules", "test", "--fixtures"]).arg(fixtures).args(extra).output().unwrap()
}

/// Item 10: `--update` is not a failure; a missing expected file says so (and
/// `--update` creates it); a fixtures folder without a case is not a pass.
#[test]
fn rules_test_update_missing_expected_and_no_cases() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    let group = fixtures.join("acme");
    std::fs::create_dir_all(&group).unwrap();
    // A fixtures folder with no case: a clear message and exit 1, not "0 of 0 pass".
    let out = rules_test(&fixtures, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no fixture cases in") && stderr.contains("nothing was tested"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAILED:"));

    // A case without its expected file: named, with what to do; not a diff from empty.
    std::fs::write(group.join("story.txt"), "Story of the day.\n\nShare this article\n").unwrap();
    let out = rules_test(&fixtures, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL acme/story.txt"), "{stdout}");
    assert!(stdout.contains("no expected file") && stdout.contains("story.expected.txt"), "{stdout}");
    assert!(stdout.contains("run with --update to create it"), "{stdout}");
    assert!(!stdout.contains("+Story of the day."), "not a diff from empty: {stdout}");

    // --update creates it: reported as written, exit 0, no FAILED.
    let out = rules_test(&fixtures, &["--update"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("created ") && stdout.contains("story.expected.txt"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert_eq!(std::fs::read_to_string(group.join("story.expected.txt")).unwrap(), "Story of the day.\n");

    // A wrong expectation: FAILED and exit 1; with --update "updated" and exit 0.
    std::fs::write(group.join("story.expected.txt"), "Something else.\n").unwrap();
    assert_eq!(rules_test(&fixtures, &[]).status.code(), Some(1));
    let out = rules_test(&fixtures, &["--update", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["failed"], 0);
    assert_eq!(v["updated"][0]["created"], false);
    let out = rules_test(&fixtures, &["--update"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("acme: 1 of 1 cases pass"), "nothing left to update");
    assert_eq!(rules_test(&fixtures, &[]).status.code(), Some(0));
}

/// Item 10: a rules folder without any fixtures folder yet (a new publisher)
/// passes on its examples, with a warning that no fixture ran.
#[test]
fn rules_test_without_a_fixtures_folder_warns() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::copy(root().join("rules/default.toml"), rules.join("default.toml")).unwrap();
    let out = declutter().args(["rules", "test"]).arg(&rules).current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: no fixtures folder") && stderr.contains("only the rules' examples ran"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no fixture cases"));
}

/// Item 10: the rule-change review as an HTML page (it was refused).
#[test]
fn rule_change_diff_writes_an_html_report() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    for d in [&before, &after] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::copy(root().join("rules/default.toml"), d.join("default.toml")).unwrap();
    }
    let mut rules = std::fs::read_to_string(root().join("rules/default.toml")).unwrap();
    rules.push_str(
        "\n[[rule]]\nid = \"tip-line\"\ncategory = \"other\"\nblock = { starts_with = \"got a news tip\" }\n\
         examples = { remove = [\"Got a news tip? Write to the desk.\"] }\n",
    );
    std::fs::write(after.join("default.toml"), rules).unwrap();
    let pages: Vec<String> = STORIES[..2]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>{s}</p>\
                 <p>Got a news tip? Write to the desk.</p></article></body></html>"
            )
        })
        .collect();
    let corpus = write_corpus(dir.path(), "www.planet.example", &pages);
    let report = dir.path().join("change.html");
    let out = declutter()
        .args(["diff", "--format", "html", "--rules-before"])
        .arg(&before)
        .arg("--rules-after")
        .arg(&after)
        .arg("-o")
        .arg(&report)
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.contains("2 of 2 documents changed"), "the summary");
    assert!(page.contains("<h2>Changes by rule</h2>"));
    assert!(page.contains("<span class=\"kind\">newly removed</span>"));
    assert!(page.contains("<span class=\"name\">https://www.planet.example/story/0</span>"), "named by URL");
    assert!(page.contains("corpus.jsonl:1</span>"), "the record's place kept as secondary");
    assert!(!page.contains(" src=") && !page.contains("<link"), "self-contained");
}

/// Item 10: the review report names JSONL records by URL and title.
#[test]
fn review_report_labels_records_by_url_and_title() {
    let dir = tempfile::tempdir().unwrap();
    let pages = vec![format!(
        "<html><head><title>Budget passes</title></head><body><article><h1>Budget passes</h1><p>{}</p></article></body></html>",
        STORIES[0]
    )];
    let corpus = write_corpus(dir.path(), "www.planet.example", &pages);
    let out = declutter().args(["diff", "--format", "html"]).arg(&corpus).output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains(
            "<span class=\"name\">https://www.planet.example/story/0</span> <span class=\"title\">Budget passes</span> \
             <span class=\"source\">"
        ),
        "{page}"
    );
}

/// Item 11: the built-in `dateline` rule removes blocks that are only a date
/// or a time, not the bare numbers of a chart's labels (which left "billion"
/// and "%" behind).
#[test]
fn dateline_keeps_chart_labels_and_removes_dates() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Posted on March 3, 2017\n\nThe fund grew fast over the decade, its managers said on Monday.\n\n\
                0\n\n200\n\n600\n\nbillion\n\n2010\n\n1,000\n\n2.5\n\n%\n\nUpdated 10:32 a.m. ET\n\n23.10.2018\n\n19:49\n";
    // From an empty folder: the shipped rules, as a user gets them.
    let out = declutter()
        .args(["clean", "--no-text-model", "--format", "json", "-"])
        .current_dir(dir.path())
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kept = v["text"].as_str().unwrap();
    for label in ["0", "200", "600", "billion", "2010", "1,000", "2.5", "%"] {
        assert!(kept.split("\n\n").any(|b| b.trim() == label), "chart label {label:?} kept: {kept:?}");
    }
    let dated: Vec<&str> = v["removals"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    // An "Updated …" stamp is a note on the story's revisions and stays (the text rules' convention).
    assert_eq!(dated, ["Posted on March 3, 2017", "23.10.2018", "19:49"]);
    assert!(kept.contains("Updated 10:32 a.m. ET"), "{kept:?}");
}

/// Items 8/9's walk lays out at most 64 nested boxes per node; deeper ones
/// are not considered, and the run says so.
#[test]
fn suggest_says_when_boxes_were_too_deep_to_consider() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<String> = STORIES
        .iter()
        .map(|s| {
            format!(
                "<html><body><p>{s}</p>{}<span class=\"deep-note\">Deep inside</span>{}</body></html>",
                "<div class=\"level\">".repeat(300),
                "</div>".repeat(300)
            )
        })
        .collect();
    let corpus = write_corpus(dir.path(), "www.deep.example", &pages);
    let out = declutter().args(["rules", "suggest", "--no-extract"]).arg(&corpus).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: on 4 page(s), elements nested below 64 laid-out boxes were not considered"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("span.deep-note"));
}
