//! `declutter-peers EXTRACTOR IN_DIR OUT_DIR`: runs one extractor over every
//! `IN_DIR/<id>.html` and writes its plain text to `OUT_DIR/<id>.txt`, the
//! contract of `score.py --batch-cmd`. One thread, for a fair comparison.
//! A page whose extraction fails or panics gets an empty file.
//! Prints to stderr: pages, seconds spent in extraction calls only, pages/s.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use std::{env, fs};

const USAGE: &str = "usage: declutter-peers {declutter|rs-trafilatura|dom_smoothie} IN_DIR OUT_DIR";

enum Extractor {
    Declutter(Box<declutter::Cleaner>),
    RsTrafilatura,
    DomSmoothie,
}

impl Extractor {
    fn from_name(name: &str) -> Result<Extractor, String> {
        match name {
            "declutter" => declutter::Cleaner::new()
                .map(|c| Extractor::Declutter(Box::new(c)))
                .map_err(|e| format!("declutter: building the shipped rules: {e}")),
            "rs-trafilatura" => Ok(Extractor::RsTrafilatura),
            "dom_smoothie" => Ok(Extractor::DomSmoothie),
            other => Err(format!("unknown extractor {other:?}\n{USAGE}")),
        }
    }

    /// The page's plain text, or why there is none.
    fn extract(&self, bytes: &[u8]) -> Result<String, String> {
        match self {
            Extractor::Declutter(cleaner) => {
                let hints = declutter::Hints { format: declutter::InputFormat::Html, ..Default::default() };
                cleaner.clean(bytes, &hints).map(|c| c.text()).map_err(|e| e.to_string())
            }
            // `extract_bytes`: `extract` with the default options, after the
            // crate's own charset sniffing (meta tags, else UTF-8).
            Extractor::RsTrafilatura => {
                rs_trafilatura::extract_bytes(bytes).map(|r| r.content_text).map_err(|e| e.to_string())
            }
            // dom_smoothie takes text: UTF-8, invalid bytes replaced.
            Extractor::DomSmoothie => {
                let html = String::from_utf8_lossy(bytes);
                let mut readability =
                    dom_smoothie::Readability::new(html.as_ref(), None, None).map_err(|e| e.to_string())?;
                readability.parse().map(|a| a.text_content.to_string()).map_err(|e| e.to_string())
            }
        }
    }
}

fn pages(in_dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut pages = Vec::new();
    for entry in fs::read_dir(in_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "html")
            && let Some(id) = path.file_stem().and_then(|s| s.to_str())
        {
            pages.push((id.to_owned(), path.clone()));
        }
    }
    pages.sort();
    Ok(pages)
}

fn run(args: &[String]) -> Result<(), String> {
    let [name, in_dir, out_dir] = args else { return Err(USAGE.to_owned()) };
    let extractor = Extractor::from_name(name)?;
    let (in_dir, out_dir) = (Path::new(in_dir), Path::new(out_dir));
    fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let pages = pages(in_dir).map_err(|e| format!("{}: {e}", in_dir.display()))?;

    // Panics are counted and reported once per page, without the default
    // hook's backtrace noise.
    panic::set_hook(Box::new(|_| {}));

    let mut spent = Duration::ZERO;
    let (mut errors, mut panics) = (0usize, 0usize);
    for (id, path) in &pages {
        let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let start = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| extractor.extract(&bytes)));
        spent += start.elapsed();
        let text = match outcome {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => {
                errors += 1;
                eprintln!("{id}: error: {e}");
                String::new()
            }
            Err(payload) => {
                panics += 1;
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                eprintln!("{id}: panic: {msg}");
                String::new()
            }
        };
        let out = out_dir.join(format!("{id}.txt"));
        fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    }

    let secs = spent.as_secs_f64();
    let rate = if secs > 0.0 { pages.len() as f64 / secs } else { 0.0 };
    eprintln!(
        "{name}: {} pages, {secs:.3} s extracting, {rate:.1} pages/s ({errors} errors, {panics} panics)",
        pages.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("declutter-peers: {e}");
            ExitCode::from(2)
        }
    }
}
