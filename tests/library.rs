//! The library as an embedder sees it: what `default-features = false`
//! pulls in, and the API a pipeline uses without the CLI.

use declutter::html::Method;
use declutter::{Cleaner, Hints, InputFormat};

/// The crates the library needs with every feature off, by `cargo tree`
/// over the lock file (no network, no build).
fn library_dependencies() -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["tree", "--offline", "--locked", "--no-default-features", "-e", "normal", "--prefix", "none"])
        .args(["--format", "{p}", "-p", "declutter"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_library_alone_pulls_in_no_cli_or_batch_crates() {
    let deps = library_dependencies();
    assert!(deps.iter().any(|d| d == "html5ever"), "not the library's tree: {deps:?}");
    for cli_only in ["clap", "indicatif", "rayon", "flate2", "zstd", "globset", "tempfile", "signal-hook", "similar"] {
        assert!(!deps.iter().any(|d| d == cli_only), "{cli_only} is in the library's dependencies: {deps:?}");
    }
}

#[test]
fn cleaned_serializes_as_the_json_writer_writes_it() {
    let cleaner = Cleaner::new().unwrap();
    let page = b"<html><head><title>A title</title></head><body><article><h1>A title</h1>\
        <p>The first paragraph of the story, long enough to be an article, with commas, clauses, and more.</p>\
        <p>Share this article</p><p>The second paragraph, which ends the story as stories end.</p></article></body></html>";
    let hints = Hints { url: Some("https://news.example/a".into()), ..Hints::default() };
    let cleaned = cleaner.clean(page, &hints).unwrap();
    assert_eq!(cleaned.format, InputFormat::Html);

    assert_eq!(serde_json::to_string(&cleaned).unwrap(), cleaned.to_json());
    let via_serde: serde_json::Value = serde_json::from_str(&cleaned.to_json()).unwrap();
    assert_eq!(via_serde["text"], cleaned.text());
    assert_eq!(via_serde["url"], "https://news.example/a");
    assert_eq!(via_serde["removals"][0]["rule"], "share-this");

    let quality = cleaned.quality.expect("a page has an extraction verdict");
    assert_eq!(quality.method, Method::Scored);
    assert_eq!(via_serde["extraction"]["method"], "scored");

    assert!(cleaned.markdown().starts_with("# A title\n"), "{}", cleaned.markdown());
}

#[test]
fn library_errors_name_no_command() {
    let cleaner = Cleaner::new().unwrap();
    let hints = Hints { publisher: Some("no-such-publisher".into()), ..Hints::default() };
    let err = cleaner.clean(b"text", &hints).unwrap_err().to_string();
    assert!(err.contains("no-such-publisher"), "{err}");
    assert!(!err.contains("declutter ") && !err.contains("--"), "CLI wording in a library error: {err}");
}

#[test]
fn a_publishers_metadata_selectors_and_rewrites_apply_to_its_pages() {
    use declutter::RuleSet;
    use declutter::rules::RuleSource;
    let toml = r#"
[publisher]
name = "Example News"
domains = ["news.example"]
content = ["div.story"]
title = ["h2.headline"]
author = ["span.who", "meta[name=byl] @content"]
date = ["time @datetime"]

# A lazy-loading page keeps its second paragraph in a template the parser would drop.
[[publisher.rewrite]]
find = "<template class=\"lazy\">"
replace = "<div>"
"#;
    let rules = RuleSet::from_sources(vec![
        RuleSource::new("default.toml", ""),
        RuleSource::new("publishers/example.toml", toml),
    ])
    .unwrap();
    let cleaner = Cleaner::builder().rules(rules).build().unwrap();
    let page = br#"<html><head><title>Generic | Example</title><meta name="byl" content="By Jane Roe"></head><body>
        <h1>Site name</h1><h2 class="headline">The headline of the story</h2><time datetime="2021-03-04">March 4</time>
        <div class="story"><p>The first paragraph of the story, long enough to be an article, with commas, and more.</p>
        <template class="lazy"><p>The second paragraph, which was only in the template, ends the story.</p></template></div>
        </body></html>"#;
    let on_site = Hints { url: Some("https://news.example/a".into()), ..Hints::default() };
    let cleaned = cleaner.clean(page, &on_site).unwrap();
    assert_eq!(cleaned.metadata.title.as_deref(), Some("The headline of the story"));
    assert_eq!(cleaned.metadata.author.as_deref(), Some("Jane Roe"));
    assert_eq!(cleaned.metadata.published.as_deref(), Some("2021-03-04"));
    assert!(cleaned.text().contains("only in the template"), "{}", cleaned.text());

    // Elsewhere the publisher's file does not apply.
    let elsewhere = Hints { url: Some("https://other.example/a".into()), ..Hints::default() };
    let cleaned = cleaner.clean(page, &elsewhere).unwrap();
    assert_ne!(cleaned.metadata.author.as_deref(), Some("Jane Roe"));
    assert!(!cleaned.text().contains("only in the template"), "{}", cleaned.text());
}
