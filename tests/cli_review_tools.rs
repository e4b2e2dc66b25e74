//! Issue 10, review tools (items 8–11), through the real binary: `rules
//! suggest`, `rules test`, the rule-change report and the `dateline` rule.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn declutter() -> Command {
    Command::cargo_bin("declutter").unwrap()
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
                 <div class=\"share-tools\">Share on Facebook · Share on X</div></article></body></html>"
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
         <div class=\"share-tools\">Share on Facebook · Share on X</div></article></body></html>"
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
