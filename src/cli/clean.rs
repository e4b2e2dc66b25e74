//! `declutter clean`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::{CleanArgs, exit, report};
use crate::write::{self, Format};
use crate::{Cleaner, Hints};

pub(super) fn run(args: &CleanArgs) -> u8 {
    let cleaner = match build_cleaner(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let hints = Hints {
        url: args.url.clone(),
        publisher: args.publisher.clone(),
        encoding: args.encoding.clone(),
        format: args.input_format,
    };
    // Usage problems (unknown publisher or encoding) stop before any input is read.
    if let Err(e) = cleaner.publisher_for(&hints) {
        report(e);
        return exit::USAGE;
    }
    if let Some(Err(e)) = args
        .encoding
        .as_deref()
        .map(crate::load::parse_caller_label)
    {
        report(e);
        return exit::USAGE;
    }
    let inputs: Vec<PathBuf> = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    if let Some(out) = &args.output
        && let Some(clash) = inputs.iter().find(|i| same_file(i, out))
    {
        report(format!(
            "{} is also an input: refusing to write over it",
            clash.display()
        ));
        return exit::USAGE;
    }

    let many = inputs.len() > 1;
    let mut output = String::new();
    let mut failed = false;
    for input in &inputs {
        let name = input.display().to_string();
        let bytes = match read_input(input) {
            Ok(b) => b,
            Err(e) => {
                report(format!("{name}: {e}"));
                failed = true;
                continue;
            }
        };
        match cleaner.clean(&bytes, &hints) {
            Ok(cleaned) => {
                let rendered = write::render(&cleaned, args.format, Some(&name));
                if args.format == Format::Json {
                    output.push_str(&rendered);
                    output.push('\n');
                } else {
                    if many {
                        if !output.is_empty() {
                            output.push('\n');
                        }
                        output.push_str(&format!("==> {name} <==\n"));
                    }
                    output.push_str(&rendered);
                }
            }
            Err(e) => {
                report(format!("{name}: {e}"));
                failed = true;
            }
        }
    }
    let written = match &args.output {
        Some(path) => write_atomically(path, output.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display())),
        None => write_stdout(output.as_bytes()).map_err(|e| format!("standard output: {e}")),
    };
    if let Err(e) = written {
        report(e);
        return exit::INPUT_FAILED;
    }
    if failed { exit::INPUT_FAILED } else { exit::OK }
}

fn build_cleaner(args: &CleanArgs) -> Result<Cleaner, u8> {
    let mut builder = Cleaner::builder().normalize_whitespace(args.normalize_whitespace);
    if let Some(dir) = &args.rules {
        builder = builder.rules_dir(dir).map_err(|e| {
            eprintln!("{e}");
            report("the rules have errors; nothing was cleaned");
            exit::USAGE
        })?;
    }
    builder.build().map_err(|e| {
        eprintln!("{e}");
        exit::USAGE
    })
}

/// Reads a file or standard input, with messages a user can act on.
fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    if path.is_dir() {
        return Err("is a directory; pass the files in it".into());
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    if a == Path::new("-") {
        return false;
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so a
/// reader never sees a half-written file and a failure leaves the old one intact.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A closed pipe (`declutter clean … | head`) is not an error worth a message.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
