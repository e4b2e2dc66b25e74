//! Throughput of the whole clean against parsing alone, on real pages.
//!
//! `cargo bench --bench throughput [-- DIR…]` (default: the two datasets in
//! ../shared/datasets). Single thread; every figure comes from the same run,
//! so compare the ratios, not the absolute numbers, across machines.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use declutter::{Cleaner, Hints, load};

fn pages(dirs: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&p) {
                stack.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
            continue;
        }
        let name = p.to_string_lossy();
        if name.ends_with(".html.gz") {
            let mut raw = Vec::new();
            if let Ok(f) = std::fs::File::open(&p)
                && flate2::read::GzDecoder::new(f).read_to_end(&mut raw).is_ok()
            {
                out.push(raw);
            }
        } else if (name.ends_with("source.html") || (name.ends_with(".html") && !name.ends_with("expected.html")))
            && let Ok(raw) = std::fs::read(&p)
        {
            out.push(raw);
        }
    }
    out
}

/// Runs `f` over all pages `rounds` times; returns the best round.
fn time<F: FnMut(&[u8])>(pages: &[Vec<u8>], rounds: usize, mut f: F) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            for p in pages {
                f(p);
            }
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let args: Vec<PathBuf> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
    let dirs = if args.is_empty() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
        vec![
            shared.join("readability-pages"),
            shared.join("trafilatura-eval/eval"),
            shared.join("trafilatura-eval/cache"),
        ]
    } else {
        args
    };
    let pages = pages(&dirs);
    if pages.is_empty() {
        eprintln!("no pages found in {dirs:?}");
        return;
    }
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let texts: Vec<Vec<u8>> = pages
        .iter()
        .map(|p| load::load(p, &load::LoadOptions::default()).map(|s| s.text.into_bytes()).unwrap_or_default())
        .collect();
    let with_extract = Cleaner::new().expect("shipped rules");
    let without = Cleaner::builder().extract(false).build().expect("shipped rules");
    let hints = Hints::default();
    let rounds = 3;

    let parse = time(&texts, rounds, |t| {
        let html = scraper::Html::parse_document(std::str::from_utf8(t).unwrap_or_default());
        std::hint::black_box(html);
    });
    let lean = time(&texts, rounds, |t| {
        let dom = declutter::html::dom::Dom::parse_document(std::str::from_utf8(t).unwrap_or_default());
        std::hint::black_box(dom);
    });
    let load_only = time(&pages, rounds, |p| {
        std::hint::black_box(load::load(p, &load::LoadOptions::default()).ok());
    });
    let rules_only = time(&pages, rounds, |p| {
        std::hint::black_box(without.clean(p, &hints).ok());
    });
    let full = time(&pages, rounds, |p| {
        std::hint::black_box(with_extract.clean(p, &hints).ok());
    });

    let mb = bytes as f64 / 1e6;
    let row = |name: &str, d: Duration| {
        let s = d.as_secs_f64();
        println!(
            "{name:<34} {:>8.1} MB/s {:>8.0} pages/s {:>6.2}x parse time",
            mb / s,
            pages.len() as f64 / s,
            s / parse.as_secs_f64()
        );
    };
    println!("{} pages, {:.1} MB, one thread, best of {rounds} rounds", pages.len(), mb);
    row("parse only (scraper)", parse);
    row("parse only (declutter's own DOM)", lean);
    row("load (decode) only", load_only);
    row("clean --no-extract (rules)", rules_only);
    row("clean (rules + extraction)", full);
    let extraction = full.saturating_sub(rules_only).as_secs_f64() / parse.as_secs_f64();
    println!(
        "extraction costs {:.2}x the parse; whole clean runs at {:.0}% of parse-only throughput",
        extraction,
        100.0 * parse.as_secs_f64() / full.as_secs_f64()
    );
}
