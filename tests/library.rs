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
