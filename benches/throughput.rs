//! Throughput of the whole clean against parsing alone, on real pages.
//!
//! `cargo bench --bench throughput [-- DIR…]` (default: the two datasets in
//! ../shared/datasets). Single thread, then the whole clean on all cores;
//! every figure comes from the same run, so compare the ratios, not the
//! absolute numbers, across machines.
//!
//! Peak RSS is read from `VmHWM` in /proc/self/status, reset (through
//! /proc/self/clear_refs) before each measured phase, so it shows what the
//! phase itself needs on top of the pages the bench holds in memory.
//!
//! With `RESILIPARSE_PYTHON` set to a Python that has resiliparse, the bench
//! then runs benches/resiliparse_bench.py on the same pages and prints the
//! ratio against the whole clean measured just before.

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

/// `VmHWM` (peak resident set) of this process, in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `VmRSS` (current resident set) of this process, in kB.
fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak to the current RSS (Linux ≥ 4.0); false when not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Runs `f` over all pages `rounds` times; returns the best round and the
/// peak RSS above the RSS at the start, in kB (when the peak could be reset).
fn time_rss<F: FnMut(&[u8])>(pages: &[Vec<u8>], rounds: usize, f: F) -> (Duration, Option<u64>) {
    let base = if reset_peak_rss() { rss_kb() } else { None };
    let best = time(pages, rounds, f);
    let above = base.zip(peak_rss_kb()).map(|(b, p)| p.saturating_sub(b));
    (best, above)
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

/// Two ways of doing the same work, page by page in turn (so both see the
/// same machine state): the best total of each over `rounds`.
fn time_pair<A: FnMut(&[u8]), B: FnMut(&[u8])>(
    pages: &[Vec<u8>],
    rounds: usize,
    mut a: A,
    mut b: B,
) -> (Duration, Duration) {
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for _ in 0..rounds {
        let (mut ta, mut tb) = (Duration::ZERO, Duration::ZERO);
        for p in pages {
            let t = Instant::now();
            a(p);
            ta += t.elapsed();
            let t = Instant::now();
            b(p);
            tb += t.elapsed();
        }
        best_a = best_a.min(ta);
        best_b = best_b.min(tb);
    }
    (best_a, best_b)
}

/// Scraped text (the 2,000 texts of ../shared/datasets/scraped-texts, one
/// thread): rules alone against rules with the line scorer.
fn text_bench(rounds: usize) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/scraped-texts/corpus.jsonl");
    let Ok(raw) = std::fs::read_to_string(&corpus) else {
        eprintln!("no scraped texts at {}: text figures skipped", corpus.display());
        return;
    };
    let texts: Vec<Vec<u8>> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(|t| t.as_bytes().to_vec()))
        .collect();
    let bytes: usize = texts.iter().map(Vec::len).sum();
    let hints = Hints { format: declutter::InputFormat::Text, ..Hints::default() };
    let (Ok(rules), Ok(scored)) =
        (Cleaner::builder().text_model(false).build(), Cleaner::builder().text_model(true).build())
    else {
        return;
    };
    let alone = time(&texts, rounds, |t| {
        std::hint::black_box(rules.clean(t, &hints).ok());
    });
    let with = time(&texts, rounds, |t| {
        std::hint::black_box(scored.clean(t, &hints).ok());
    });
    // The scorer on its own: features and trees over each text's blocks, laid out once beforehand.
    let model = declutter::clean::text_model::TextModel::shipped();
    let laid: Vec<Vec<String>> = texts
        .iter()
        .map(|t| {
            let options = declutter::load::LoadOptions { format: declutter::InputFormat::Text, ..Default::default() };
            declutter::load::load(t, &options)
                .map(|s| declutter::document::blocks_from_text(&s.text).into_iter().map(|b| b.text).collect())
                .unwrap_or_default()
        })
        .collect();
    let start = Instant::now();
    for _ in 0..rounds {
        for blocks in &laid {
            let refs: Vec<&str> = blocks.iter().map(String::as_str).collect();
            let f = declutter::clean::text_model::features(&refs, &[]);
            if let Some(m) = model {
                std::hint::black_box(f.iter().map(|f| m.score(f)).sum::<f32>());
            }
        }
    }
    let scorer = start.elapsed() / rounds as u32;
    let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    println!("scraped text, {} texts, {:.1} MB, one thread:", texts.len(), bytes as f64 / 1e6);
    println!("  line scorer alone (features + trees) {:>4.1} MB/s", mbs(scorer));
    println!("  rules alone                      {:>8.1} MB/s", mbs(alone));
    println!(
        "  rules + line scorer              {:>8.1} MB/s {:>6.2}x the time of rules alone",
        mbs(with),
        with.as_secs_f64() / alone.as_secs_f64()
    );
}

/// `cargo bench --bench throughput -- --filter-list FILE… [WCXB_DIR]`: the whole clean of the
/// WCXB dev pages (each with its URL, so host filters apply) with and without the lists, page
/// by page in turn, one thread. The budget: at most 15 % fewer pages/s.
fn filter_list_bench(lists: &[PathBuf], dir: &Path, rounds: usize) {
    let mut pages: Vec<(Vec<u8>, String)> = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join("html")) else {
        eprintln!("no pages in {}", dir.join("html").display());
        return;
    };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for path in names {
        let stem = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('.').next()).unwrap_or_default();
        let truth = dir.join("ground-truth").join(format!("{stem}.json"));
        let url = std::fs::read_to_string(truth)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["url"].as_str().map(str::to_owned));
        let mut raw = Vec::new();
        let read = match std::fs::File::open(&path) {
            Ok(f) if path.extension().is_some_and(|e| e == "gz") => {
                flate2::read::GzDecoder::new(f).read_to_end(&mut raw).is_ok()
            }
            Ok(mut f) => f.read_to_end(&mut raw).is_ok(),
            Err(_) => false,
        };
        if let (true, Some(url)) = (read, url) {
            pages.push((raw, url));
        }
    }
    let start = Instant::now();
    let loaded = match declutter::rules::FilterLists::read(lists) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let load_time = start.elapsed();
    let filters = loaded.len();
    let lines: usize = loaded.reports().iter().map(|r| r.lines).sum();
    let plain = Cleaner::new().expect("shipped rules");
    let listed = Cleaner::builder().filter_lists(loaded).build().expect("shipped rules");
    // Pages as (index) so the pair timer's closures can find each page's URL.
    let index: Vec<Vec<u8>> = (0..pages.len()).map(|i| i.to_le_bytes().to_vec()).collect();
    let page = |b: &[u8]| {
        let i = usize::from_le_bytes(b.try_into().unwrap_or_default());
        &pages[i]
    };
    let hints = |url: &str| Hints { url: Some(url.to_owned()), ..Hints::default() };
    let (mut removed, mut pages_hit) = (0usize, 0usize);
    for (raw, url) in &pages {
        if let Ok(c) = listed.clean(raw, &hints(url)) {
            let n = c.removals.iter().filter(|r| r.filter.is_some()).count();
            removed += n;
            pages_hit += usize::from(n > 0);
        }
    }
    let (without, with) = time_pair(
        &index,
        rounds,
        |b| {
            let (raw, url) = page(b);
            std::hint::black_box(plain.clean(raw, &hints(url)).ok());
        },
        |b| {
            let (raw, url) = page(b);
            std::hint::black_box(listed.clean(raw, &hints(url)).ok());
        },
    );
    let bytes: usize = pages.iter().map(|(p, _)| p.len()).sum();
    println!(
        "{} pages, {:.1} MB, one thread, best of {rounds} rounds, each page cleaned both ways in turn",
        pages.len(),
        bytes as f64 / 1e6
    );
    println!(
        "filter lists: {lines} lines, {filters} element-hiding filters, read in {:.0} ms; {removed} removals on {pages_hit} pages",
        load_time.as_secs_f64() * 1e3
    );
    let pps = |d: Duration| pages.len() as f64 / d.as_secs_f64();
    println!("clean                      {:>8.0} pages/s", pps(without));
    println!("clean with the lists       {:>8.0} pages/s", pps(with));
    println!("with / without: {:.3} of the pages/s", without.as_secs_f64() / with.as_secs_f64());
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if argv.iter().any(|a| a == "--filter-list") {
        let lists: Vec<PathBuf> =
            argv.windows(2).filter(|w| w[0] == "--filter-list").map(|w| PathBuf::from(&w[1])).collect();
        let dir = argv
            .iter()
            .skip(1)
            .enumerate()
            .find(|(i, a)| !a.starts_with("--") && argv[*i] != "--filter-list")
            .map(|(_, a)| PathBuf::from(a))
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/wcxb-dev"));
        filter_list_bench(&lists, &dir, 3);
        return;
    }
    let rounds_text = 3;
    text_bench(rounds_text);
    // `cargo bench --bench throughput -- --text`: the scraped-text figures alone.
    if std::env::args().any(|a| a == "--text") {
        return;
    }
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
    let untyped = Cleaner::builder().page_types(false).block_model(false).build().expect("shipped rules");
    let unmodelled = Cleaner::builder().block_model(false).build().expect("shipped rules");
    let hints = Hints::default();
    let rounds = 3;

    let (parse, parse_rss) = time_rss(&texts, rounds, |t| {
        let html = scraper::Html::parse_document(std::str::from_utf8(t).unwrap_or_default());
        std::hint::black_box(html);
    });
    let lean = time(&texts, rounds, |t| {
        let dom = declutter::markup::dom::Dom::parse_document(std::str::from_utf8(t).unwrap_or_default());
        std::hint::black_box(dom);
    });
    let load_only = time(&pages, rounds, |p| {
        std::hint::black_box(load::load(p, &load::LoadOptions::default()).ok());
    });
    let rules_only = time(&pages, rounds, |p| {
        std::hint::black_box(without.clean(p, &hints).ok());
    });
    let (no_model, modelled) = time_pair(
        &pages,
        rounds,
        |p| {
            std::hint::black_box(unmodelled.clean(p, &hints).ok());
        },
        |p| {
            std::hint::black_box(with_extract.clean(p, &hints).ok());
        },
    );
    let (no_types, typed) = time_pair(
        &pages,
        rounds,
        |p| {
            std::hint::black_box(untyped.clean(p, &hints).ok());
        },
        |p| {
            std::hint::black_box(with_extract.clean(p, &hints).ok());
        },
    );
    let (full, full_rss) = time_rss(&pages, rounds, |p| {
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
    row("clean --no-page-type --no-block-model", no_types);
    row("clean --no-block-model", no_model);
    row("clean (rules + extraction)", full);
    println!(
        "page types and the block classifier take {:.1}% of the whole clean, the block classifier {:.1}% \
         (each pair timed page by page in turn)",
        100.0 * typed.saturating_sub(no_types).as_secs_f64() / typed.as_secs_f64(),
        100.0 * modelled.saturating_sub(no_model).as_secs_f64() / modelled.as_secs_f64()
    );
    let extraction = full.saturating_sub(rules_only).as_secs_f64() / parse.as_secs_f64();
    println!(
        "extraction costs {:.2}x the parse; whole clean runs at {:.0}% of parse-only throughput",
        extraction,
        100.0 * parse.as_secs_f64() / full.as_secs_f64()
    );
    // All cores: the same clean spread over rayon's pool, as `--output-dir` and `--jsonl` run it.
    let threads = rayon::current_num_threads();
    let all_cores = (0..rounds)
        .map(|_| {
            use rayon::prelude::*;
            let t = Instant::now();
            pages.par_iter().for_each(|p| {
                std::hint::black_box(with_extract.clean(p, &hints).ok());
            });
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    let s = all_cores.as_secs_f64();
    println!(
        "clean on all {threads} cores              {:>8.1} MB/s {:>8.0} pages/s {:>6.2}x one thread",
        bytes as f64 / 1e6 / s,
        pages.len() as f64 / s,
        full.as_secs_f64() / s
    );
    let mb = |kb: Option<u64>| kb.map_or_else(|| "n/a".to_owned(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    println!(
        "peak RSS above the loaded pages: parse only (scraper) {}, clean {}; whole process peak {}",
        mb(parse_rss),
        mb(full_rss),
        mb(peak_rss_kb())
    );
    if let Ok(python) = std::env::var("RESILIPARSE_PYTHON") {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/resiliparse_bench.py");
        match std::process::Command::new(&python).arg(&script).output() {
            Ok(out) if out.status.success() => {
                let report = String::from_utf8_lossy(&out.stdout);
                print!("{report}");
                let theirs = report
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .windows(2)
                    .find(|w| w[1] == "pages/s")
                    .and_then(|w| w[0].parse::<f64>().ok());
                let ours = pages.len() as f64 / full.as_secs_f64();
                if let Some(theirs) = theirs {
                    println!(
                        "declutter clean {ours:.0} pages/s vs resiliparse {theirs:.0} pages/s: {:.2}x",
                        ours / theirs
                    );
                }
            }
            Ok(out) => eprintln!("resiliparse bench failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => eprintln!("cannot run {python}: {e}"),
        }
    }
}
