//! Input files: paths as given, folders walked recursively in sorted order,
//! so every command that takes files sees them in the same stable order.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// One input file, and where it sits relative to the folder given.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path below the folder given (the file name for files given directly).
    pub relative: PathBuf,
}

/// Extensions taken from folders; files named on the command line are taken whatever their name.
pub const FOLDER_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "shtml", "txt", "text"];

/// Files as given, folders walked recursively (sorted). With `glob`, only
/// files whose path below the folder (or name) matches are taken; without,
/// only [`FOLDER_EXTENSIONS`]. Returns the files and one message per folder
/// that could not be read or held nothing to take.
pub fn expand(inputs: &[PathBuf], glob: Option<&globset::GlobMatcher>) -> (Vec<InputFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            let relative = input.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("stdin"));
            files.push(InputFile { path: input.clone(), relative });
            continue;
        }
        let before = files.len();
        let mut stack = vec![input.clone()];
        while let Some(dir) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(format!("{}: {e}", dir.display()));
                    continue;
                }
            };
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths.into_iter().rev() {
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let relative = p.strip_prefix(input).map(Path::to_path_buf).unwrap_or_else(|_| p.clone());
                let wanted = match glob {
                    Some(g) => g.is_match(&relative) || p.file_name().is_some_and(|n| g.is_match(n)),
                    None => p
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())),
                };
                if wanted {
                    files.push(InputFile { path: p, relative });
                }
            }
        }
        files[before..].sort_by(|a, b| a.path.cmp(&b.path));
        if files.len() == before {
            let what = glob
                .map_or_else(|| ".html or .txt files".to_owned(), |g| format!("files matching {:?}", g.glob().glob()));
            errors.push(format!("{}: no {what} in this folder", input.display()));
        }
    }
    (files, errors)
}

/// Reads a file, or standard input for `-`, with messages a user can act on.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    })
}

/// How hard a write insists on reaching the disk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync before the rename: for a user's own file (`-o`, `--in-place`).
    Synced,
    /// Rename only: still never half-written, but a power cut may lose the
    /// newest outputs; for `--output-dir` batches of many files, where an
    /// fsync per file costs more than the cleaning.
    RenameOnly,
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so a
/// reader never sees a half-written file and a failure leaves the old one intact.
pub fn write_atomically(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file in `path`'s folder, so renaming it onto `path` is
/// atomic. It takes the permissions of the file it will replace, or the usual
/// 0644 for a new one (a temporary file starts private, 0600).
pub fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let permissions = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    Ok(tmp)
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}
