//! Input files and output files, shared by every command, so that each one
//! walks folders, bounds what it reads and writes its outputs the same way.
//!
//! Inputs: paths as given, folders walked recursively in sorted order (every
//! command sees the same files in the same order), symlinked folders not
//! followed unless asked (a link to `.` would otherwise multiply the walk),
//! files read with a size limit checked before the bytes are held.
//!
//! Outputs: a regular file (or a new path) is written through a temporary file
//! beside it and renamed into place, so no reader sees half a file and a
//! failure or an interrupt leaves the old file as it was; a symlink is written
//! through to its target (the link stays); a FIFO or device is written
//! directly (renaming over `/dev/null` would replace the device node).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::compress::Compression;
use crate::clean::repeated;

/// One input file, and where it sits relative to the folder given.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path below the folder given (the file name for files given directly).
    pub relative: PathBuf,
}

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions<'a> {
    /// Only files whose path below the folder (or name) matches; without, files whose name
    /// says a page, JSONL or WARC ([`super::detect::by_name`]: `.html`, `.txt`, `.jsonl`,
    /// `.warc`…, also gzipped or zstd-compressed).
    pub glob: Option<&'a globset::GlobMatcher>,
    /// Walk into symlinked folders too, each folder once (by device and inode),
    /// so a link to `.` or to a parent cannot loop.
    pub follow_links: bool,
    /// A folder never walked: `--output-dir` inside an input folder, whose
    /// files are earlier outputs, not inputs.
    pub skip: Option<&'a Path>,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<InputFile>,
    /// A folder that could not be read or held nothing to take: the run fails (exit 1).
    pub errors: Vec<String>,
    /// What was left out on purpose (symlinked folders, the output folder): said, not a failure.
    pub notes: Vec<String>,
}

/// Files as given, folders walked recursively (sorted), see [`WalkOptions`].
pub fn expand(inputs: &[PathBuf], options: &WalkOptions) -> Walk {
    let mut walk = Walk::default();
    let skip = options.skip.and_then(|p| FileId::of(p).ok());
    for input in inputs {
        if !input.is_dir() {
            // Standard input has no name: its outputs are named `stdin…` (not `-.txt`).
            let relative = match input.file_name() {
                Some(name) if input != Path::new("-") => PathBuf::from(name),
                _ => PathBuf::from("stdin"),
            };
            walk.files.push(InputFile { path: input.clone(), relative });
            continue;
        }
        let before = walk.files.len();
        walk_folder(input, options, skip.as_ref(), &mut walk);
        walk.files[before..].sort_by(|a, b| a.path.cmp(&b.path));
        if walk.files.len() == before {
            let what = options.glob.map_or_else(
                || "pages (.html, .htm, .txt…), JSONL (.jsonl, .ndjson) or WARC files (also .gz or .zst)".to_owned(),
                |g| format!("files matching {:?}", g.glob().glob()),
            );
            walk.errors.push(format!("{}: no {what} in this folder", input.display()));
        }
    }
    walk
}

fn walk_folder(root: &Path, options: &WalkOptions, skip: Option<&FileId>, walk: &mut Walk) {
    // Folders already walked, by identity: with `follow_links`, two links to
    // the same folder (or a link to an ancestor) would walk it again and again.
    let mut visited: HashSet<FileId> = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if options.follow_links
            && let Ok(id) = FileId::of(&dir)
            && !visited.insert(id)
        {
            walk.notes.push(format!(
                "{}: a folder already walked (a symlink loop or a second link), not walked again",
                dir.display()
            ));
            continue;
        }
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                walk.errors.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let mut found: Vec<(PathBuf, Option<fs::FileType>)> =
            entries.filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok()))).collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, file_type) in found.into_iter().rev() {
            let is_link = file_type.is_some_and(|t| t.is_symlink());
            // `is_dir` follows the link: a link to a file is a file.
            if p.is_dir() {
                if skip.is_some_and(|s| FileId::of(&p).is_ok_and(|id| id == *s)) {
                    walk.notes.push(format!("{}: not read: it is the output folder", p.display()));
                    continue;
                }
                if is_link && !options.follow_links {
                    walk.notes.push(format!(
                        "{}: a symlink to a folder, not followed (--follow-links walks it)",
                        p.display()
                    ));
                    continue;
                }
                stack.push(p);
                continue;
            }
            let relative = p.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| p.clone());
            let wanted = match options.glob {
                Some(g) => g.is_match(&relative) || p.file_name().is_some_and(|n| g.is_match(n)),
                None => super::detect::by_name(&p).is_some(),
            };
            if wanted {
                walk.files.push(InputFile { path: p, relative });
            }
        }
    }
}

/// A file's identity: two paths name the same file exactly when their ids
/// are equal (hard links, symlinks, `./a` and `a` included).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The id of the file `path` names, symlinks followed.
    pub fn of(path: &Path) -> io::Result<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = fs::metadata(path)?;
            Ok(FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            Ok(FileId(path.canonicalize()?))
        }
    }
}

/// Whether `a` and `b` are the same existing file (`-` never is).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a == Path::new("-") || b == Path::new("-") {
        return false;
    }
    matches!((FileId::of(a), FileId::of(b)), (Ok(x), Ok(y)) if x == y)
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no such file")]
    NotFound,
    #[error("permission denied")]
    PermissionDenied,
    #[error("is a folder")]
    Folder,
    /// Over the limit: nothing past `limit + 1` bytes was read.
    #[error("{}over the --max-bytes limit of {limit} bytes; not read (raise --max-bytes to clean it)", size.map(|s| format!("{s} bytes, ")).unwrap_or_default())]
    TooLarge { limit: usize, size: Option<u64> },
    /// Compressed, and more than `limit` bytes once decompressed: read no further.
    #[error(
        "over the --max-bytes limit of {limit} bytes once decompressed; not read further (raise --max-bytes to clean it)"
    )]
    TooLargeDecompressed { limit: usize },
    #[error("the {format} data is corrupt or cut short: {error}")]
    Corrupt { format: &'static str, error: io::Error },
    #[error("cannot read standard input: {0}")]
    Stdin(io::Error),
    #[error("{0}")]
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            io::ErrorKind::IsADirectory => ReadError::Folder,
            _ => ReadError::Io(e),
        }
    }
}

/// Reads a file, or standard input for `-`, holding at most `limit` bytes,
/// decompressed when its first bytes say gzip or zstd (`page.html.gz`): a
/// plain regular file is refused by its size before any byte is read,
/// anything else (stdin, a pipe, a compressed file, whose size says nothing
/// of what it holds) is read up to `limit + 1` bytes and refused past `limit`.
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let stdin = path == Path::new("-");
    let (raw, size): (Box<dyn Read + Send>, Option<u64>) = if stdin {
        (Box::new(self::stdin()), None)
    } else {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(ReadError::Folder);
        }
        (Box::new(file), meta.is_file().then_some(meta.len()))
    };
    let on_stdin = |e: ReadError| match e {
        ReadError::Io(e) if stdin => ReadError::Stdin(e),
        other => other,
    };
    let (compression, reader) = super::compress::decompressed(raw).map_err(|e| on_stdin(ReadError::Io(e)))?;
    if compression == Compression::None {
        if let Some(size) = size
            && size > limit as u64
        {
            return Err(ReadError::TooLarge { limit, size: Some(size) });
        }
        let expected = size.map_or(1 << 16, |s| s as usize);
        return read_bounded(reader, limit, expected).map_err(on_stdin);
    }
    read_bounded(reader, limit, 1 << 16).map_err(|e| match e {
        ReadError::TooLarge { limit, .. } => ReadError::TooLargeDecompressed { limit },
        ReadError::Io(error) => ReadError::Corrupt { format: compression.name(), error },
        other => other,
    })
}

/// What [`peek_stdin`] read, handed back first by [`stdin`].
static STDIN_PEEKED: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn stdin_peeked() -> std::sync::MutexGuard<'static, Vec<u8>> {
    STDIN_PEEKED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first bytes of standard input, without using them up: telling what an
/// input is ([`super::detect`]) must not eat what its reader then reads.
/// Reads as the bytes come, until `enough(bytes so far, at the end)` says so,
/// `max` bytes are held or the input ends — so a producer that writes a line
/// and waits is not waited for beyond what is needed.
pub fn peek_stdin(max: usize, mut enough: impl FnMut(&[u8], bool) -> bool) -> io::Result<Vec<u8>> {
    let mut peeked = stdin_peeked();
    let mut stdin = io::stdin().lock();
    let mut ended = false;
    while !ended && peeked.len() < max && !enough(&peeked, false) {
        let mut chunk = vec![0u8; (max - peeked.len()).min(1 << 16)];
        match stdin.read(&mut chunk) {
            Ok(0) => ended = true,
            Ok(n) => peeked.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(peeked[..max.min(peeked.len())].to_vec())
}

/// Standard input, from its first byte: what [`peek_stdin`] read, then the rest.
pub fn stdin() -> impl Read + Send {
    io::Cursor::new(std::mem::take(&mut *stdin_peeked())).chain(io::stdin())
}

fn read_bounded(input: impl Read, limit: usize, expected: usize) -> Result<Vec<u8>, ReadError> {
    // One byte more than `expected`, so a file read whole needs no growth for
    // the end-of-file probe; `take` keeps a file growing under us in bounds.
    let mut buf = Vec::with_capacity(expected.min(limit).saturating_add(1));
    input.take((limit as u64).saturating_add(1)).read_to_end(&mut buf).map_err(ReadError::Io)?;
    if buf.len() > limit {
        return Err(ReadError::TooLarge { limit, size: None });
    }
    Ok(buf)
}

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The end of the input.
    End,
    /// A line (with its `\n`, if any) in the buffer.
    Read,
    /// A line longer than the limit: skipped to its end, not kept. Holds its length.
    TooLong(u64),
}

/// Reads one line of at most `limit` bytes into `buf` (cleared first). A
/// longer line is consumed to its end without being held, so a one-line
/// gigabyte costs a buffer, not a gigabyte.
pub fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<Line> {
    buf.clear();
    let mut length = 0u64;
    let mut too_long = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        length += take as u64;
        if !too_long {
            if length > limit as u64 {
                too_long = true;
                buf.clear();
                buf.shrink_to(1 << 16);
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        input.consume(take);
        if done {
            break;
        }
    }
    Ok(match (length, too_long) {
        (0, _) => Line::End,
        (n, true) => Line::TooLong(n),
        (_, false) => Line::Read,
    })
}

/// How hard a write insists on reaching the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync before the rename: for a user's own file (`-o`, `--in-place`).
    Synced,
    /// Rename only: still never half-written, but a power cut may lose the
    /// newest outputs; for `--output-dir` batches of many files, where an
    /// fsync per file costs more than the cleaning.
    RenameOnly,
}

/// Where a command's output goes: standard output, or a file written as
/// the module comment says. Write to it, then [`Sink::finish`]; dropped
/// unfinished (an error, a closed pipe), a temporary file is removed and
/// the target is left as it was.
pub struct Sink {
    kind: SinkKind,
}

enum SinkKind {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A FIFO, a device: opened and written as it is.
    Direct(BufWriter<File>),
    /// A regular file or a new path: a temporary file renamed onto `target`.
    Replace(BufWriter<Temp>, PathBuf, Durability),
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink { kind: SinkKind::Stdout(BufWriter::with_capacity(1 << 16, io::stdout().lock())) }
    }

    /// Standard output for `None`.
    pub fn open(path: Option<&Path>, durability: Durability) -> io::Result<Sink> {
        match path {
            None => Ok(Sink::stdout()),
            Some(p) => Sink::create(p, durability),
        }
    }

    /// A sink for the file `path`: nothing is written to `path` before
    /// [`Sink::finish`] unless it is a FIFO or a device.
    pub fn create(path: &Path, durability: Durability) -> io::Result<Sink> {
        let target = resolve_links(path)?;
        let kind = match fs::metadata(&target) {
            Ok(m) if m.is_dir() => return Err(io::Error::new(io::ErrorKind::IsADirectory, "is a folder")),
            Ok(m) if !m.is_file() => {
                let file = fs::OpenOptions::new().write(true).open(&target)?;
                SinkKind::Direct(BufWriter::with_capacity(1 << 16, file))
            }
            _ => SinkKind::Replace(BufWriter::with_capacity(1 << 16, Temp::beside(&target)?), target, durability),
        };
        Ok(Sink { kind })
    }

    /// Flushes; for a regular file, syncs (when [`Durability::Synced`]) and
    /// renames the temporary file onto the target.
    pub fn finish(self) -> io::Result<()> {
        match self.kind {
            SinkKind::Stdout(mut w) => w.flush(),
            SinkKind::Direct(mut w) => w.flush(),
            SinkKind::Replace(w, target, durability) => {
                let tmp = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                if durability == Durability::Synced {
                    tmp.file().sync_all()?;
                }
                tmp.persist(&target)
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.kind {
            SinkKind::Stdout(w) => w.write(buf),
            SinkKind::Direct(w) => w.write(buf),
            SinkKind::Replace(w, _, _) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.kind {
            SinkKind::Stdout(w) => w.write_all(buf),
            SinkKind::Direct(w) => w.write_all(buf),
            SinkKind::Replace(w, _, _) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            SinkKind::Stdout(w) => w.flush(),
            SinkKind::Direct(w) => w.flush(),
            // Flushing the buffer into the temporary file; the target is only touched by `finish`.
            SinkKind::Replace(w, _, _) => w.flush(),
        }
    }
}

/// Writes `bytes` to `path` through a [`Sink`].
pub fn write_atomically(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    let mut sink = Sink::create(path, durability)?;
    sink.write_all(bytes)?;
    sink.finish()
}

/// Writes `bytes` to a new file `path`, synced; fails with
/// [`io::ErrorKind::AlreadyExists`] if anything is there (a user's file is
/// never replaced, not even in a race: the file is linked into place).
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = Temp::beside(path)?;
    tmp.write_all(bytes)?;
    tmp.file().sync_all()?;
    tmp.persist_noclobber(path)
}

/// `path` with every symlink on its last component followed, so a write
/// replaces the link's target and keeps the link. A link to a missing file
/// resolves to that file's path (as `> link` in a shell creates it).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if to.is_relative() => parent.join(to),
                    _ => to,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Temporary files not yet renamed into place, removed by the signal handler
/// that [`remove_temp_files_on_signal`] installs: a `NamedTempFile` removes
/// itself on drop, but an interrupted process runs no drops.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A temporary file in its target's folder (so the rename is atomic),
/// registered for removal on a signal while it exists.
struct Temp {
    // Dropped in this order: the file (removing it, unless renamed away), then its registration.
    file: tempfile::NamedTempFile,
    _registered: Registered,
}

/// A path in [`PENDING`] while this lives.
struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut list = pending();
        if let Some(i) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

impl Temp {
    /// It takes the permissions of the file it will replace, or the usual
    /// 0644 for a new one (a temporary file starts private, 0600).
    fn beside(target: &Path) -> io::Result<Temp> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // Created and registered under the lock: a signal in between waits
        // for the registration, then removes the file.
        let mut list = pending();
        let file = tempfile::NamedTempFile::new_in(dir).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => io::Error::new(e.kind(), format!("the folder {} does not exist", dir.display())),
            _ => without_temp_path(e),
        })?;
        list.push(file.path().to_path_buf());
        let registered = Registered(file.path().to_path_buf());
        drop(list);
        let permissions = match fs::metadata(target) {
            Ok(m) => Some(m.permissions()),
            Err(_) => default_permissions(),
        };
        if let Some(p) = permissions {
            file.as_file().set_permissions(p)?;
        }
        Ok(Temp { file, _registered: registered })
    }

    fn file(&self) -> &File {
        self.file.as_file()
    }

    /// Unregistered only after the rename: a signal in between removes a
    /// path already renamed away, which is harmless.
    fn persist(self, target: &Path) -> io::Result<()> {
        let Temp { file, _registered } = self;
        file.persist(target).map(drop).map_err(|e| without_temp_path(e.error))
    }

    fn persist_noclobber(self, target: &Path) -> io::Result<()> {
        let Temp { file, _registered } = self;
        file.persist_noclobber(target).map(drop).map_err(|e| without_temp_path(e.error))
    }
}

// Straight to the file: `NamedTempFile`'s own writes add the temporary path to their errors.
impl Write for Temp {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_file_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_file_mut().flush()
    }
}

/// tempfile names the temporary file in its errors (`… at path "/out/.tmpX1"`),
/// a file the user never asked for: the error without it, for the caller to
/// name the user's own path.
fn without_temp_path(e: io::Error) -> io::Error {
    let message = e.to_string();
    match message.rfind(" at path ") {
        Some(i) if e.get_ref().is_some() => io::Error::new(e.kind(), message[..i].to_owned()),
        _ => e,
    }
}

/// On SIGINT, SIGTERM or SIGHUP, removes every temporary file not yet renamed
/// into place, then dies of the signal as it would have (exit status 128 + n
/// for the shell). Installed once by the command line; a library user who
/// wants the same calls it too.
#[cfg(unix)]
pub fn remove_temp_files_on_signal() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::OnceLock;
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    // A signal the parent had ignored stays ignored: `nohup` (SIGHUP) and a
    // non-interactive shell's `cmd &` (SIGINT) mean the run must go on.
    let watched: Vec<i32> = [SIGINT, SIGTERM, SIGHUP].into_iter().filter(|&s| !ignored(s)).collect();
    let mut signals = signal_hook::iterator::Signals::new(watched)?;
    let _ = INSTALLED.set(());
    std::thread::Builder::new().name("declutter-signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // The lock is kept to the end: no thread registers a new temporary file meanwhile.
            let list = pending();
            for path in list.iter() {
                let _ = fs::remove_file(path);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}

/// Whether `signal` is ignored (`SIG_IGN`), as inherited from the parent.
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    let mut current = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: a null new action only reads the current one into `current`,
    // which is a valid, zeroed `sigaction` to write to.
    let ok = unsafe { libc::sigaction(signal, std::ptr::null(), current.as_mut_ptr()) } == 0;
    // SAFETY: zeroed is a valid `sigaction`, and sigaction filled it on success.
    ok && unsafe { current.assume_init() }.sa_sigaction == libc::SIG_IGN
}

#[cfg(not(unix))]
pub fn remove_temp_files_on_signal() -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

/// What learning from a folder's first pages leaves.
#[derive(Debug, Default)]
pub struct LearnedPages {
    /// The blocks each site repeats; `None` when no block repeats.
    pub table: Option<std::sync::Arc<repeated::RepeatedLines>>,
    /// The first clean of each page the table cannot change (its site repeats
    /// nothing), with the bytes it read: the run writes it instead of
    /// cleaning the page again. Taken out as it is written.
    pub cleaned: Mutex<std::collections::HashMap<PathBuf, (crate::Cleaned, usize)>>,
}

impl LearnedPages {
    /// The first clean of `path`, if it is kept.
    pub fn take(&self, path: &Path) -> Option<(crate::Cleaned, usize)> {
        self.cleaned.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(path)
    }
}

/// The blocks repeated across each site's pages among the first
/// [`LEARN_DOCUMENTS`](repeated::LEARN_DOCUMENTS) of `paths` (at most
/// [`LEARN_BYTES`](repeated::LEARN_BYTES) read), cleaned in parallel and
/// counted in order, and the cleans that table cannot change (with `keep`).
/// Pages that cannot be read or cleaned are left out here (the run reports
/// them when it gets to them).
pub fn learn_repeated(
    cleaner: &crate::Cleaner,
    base: &crate::Hints,
    paths: &[PathBuf],
    max_bytes: Option<usize>,
    keep: bool,
) -> LearnedPages {
    use rayon::prelude::*;
    let mut budget = repeated::LEARN_BYTES;
    let window: Vec<&PathBuf> = paths
        .iter()
        .take(repeated::LEARN_DOCUMENTS)
        .take_while(|p| {
            let size = fs::metadata(p).map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
            let fits = size <= budget;
            budget = budget.saturating_sub(size);
            fits
        })
        .collect();
    let seen: Vec<Option<(&PathBuf, crate::Cleaned, usize)>> = window
        .par_iter()
        .map(|path| {
            let bytes = read(path, max_bytes.unwrap_or(usize::MAX)).ok()?;
            let cleaned = cleaner.clean(&bytes, base).ok()?;
            Some((*path, cleaned, bytes.len()))
        })
        .collect();
    let table = repeated::learn(seen.iter().flatten().map(|(_, c, _)| c));
    let cleaned = match keep {
        true => seen
            .into_iter()
            .flatten()
            .filter(|(_, c, _)| !repeated::could_change(table.as_deref(), c))
            .map(|(path, c, bytes)| (path.clone(), (c, bytes)))
            .collect(),
        false => std::collections::HashMap::new(),
    };
    LearnedPages { table, cleaned: Mutex::new(cleaned) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        // An endless input: a read without a bound would never return.
        match read_bounded(io::repeat(b'x'), 1000, 1 << 16) {
            Err(ReadError::TooLarge { limit: 1000, size: None }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(read_bounded(&b"12345"[..], 5, 0).unwrap(), b"12345");
        // No limit (`--max-bytes none`): the whole input, not an overflow to nothing.
        assert_eq!(read_bounded(&b"12345"[..], usize::MAX, 0).unwrap(), b"12345");
    }

    #[test]
    fn a_regular_file_over_the_limit_is_refused_by_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.html");
        std::fs::write(&path, "x".repeat(101)).unwrap();
        let e = read(&path, 100).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { limit: 100, size: Some(101) }));
        assert_eq!(
            e.to_string(),
            "101 bytes, over the --max-bytes limit of 100 bytes; not read (raise --max-bytes to clean it)"
        );
        assert_eq!(read(&path, 101).unwrap().len(), 101);
        assert!(matches!(read(dir.path(), 100), Err(ReadError::Folder)));
        assert!(matches!(read(&dir.path().join("none"), 100), Err(ReadError::NotFound)));
    }

    #[test]
    fn a_compressed_file_is_read_decompressed_and_bounded_by_what_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html.gz");
        let mut out = super::super::compress::Output::new(Some(&path), Vec::new()).unwrap();
        out.write_all(&b"<p>x</p>".repeat(1000)).unwrap();
        std::fs::write(&path, out.finish().unwrap()).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 1000);
        assert_eq!(read(&path, 8000).unwrap().len(), 8000);
        let e = read(&path, 7999).unwrap_err();
        assert!(matches!(e, ReadError::TooLargeDecompressed { limit: 7999 }), "{e:?}");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 12]).unwrap();
        assert!(matches!(read(&path, 8000), Err(ReadError::Corrupt { format: "gzip", .. })));
    }

    #[test]
    fn a_long_line_is_skipped_without_being_held() {
        let input = format!("short\n{}\nafter", "y".repeat(10_000));
        let mut reader = io::BufReader::with_capacity(64, input.as_bytes());
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf, 100).unwrap(), Line::Read);
        assert_eq!(buf, b"short\n");
        assert_eq!(read_line(&mut reader, &mut buf, 100).unwrap(), Line::TooLong(10_001));
        assert!(buf.is_empty());
        assert_eq!(read_line(&mut reader, &mut buf, 100).unwrap(), Line::Read);
        assert_eq!(buf, b"after");
        assert_eq!(read_line(&mut reader, &mut buf, 100).unwrap(), Line::End);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folders_are_noted_not_walked_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.html"), "a").unwrap();
        for link in ["loop", "again"] {
            std::os::unix::fs::symlink(".", dir.path().join(link)).unwrap();
        }
        std::os::unix::fs::symlink("sub", dir.path().join("to-sub")).unwrap();
        let root = [dir.path().to_path_buf()];
        let walk = expand(&root, &WalkOptions::default());
        assert_eq!(walk.files.len(), 1);
        assert_eq!(walk.notes.len(), 3, "{:?}", walk.notes);
        assert!(walk.errors.is_empty());
        // Followed: every folder once, whatever the links (`.` twice, `sub` twice).
        let walk = expand(&root, &WalkOptions { follow_links: true, ..WalkOptions::default() });
        assert_eq!(walk.files.len(), 1, "{:?}", walk.files);
        assert_eq!(walk.notes.len(), 3, "{:?}", walk.notes);
    }

    #[test]
    fn the_skipped_folder_is_not_walked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        std::fs::write(dir.path().join("a.html"), "a").unwrap();
        std::fs::write(dir.path().join("out/a.txt"), "a").unwrap();
        let out = dir.path().join("out");
        let walk = expand(&[dir.path().to_path_buf()], &WalkOptions { skip: Some(&out), ..WalkOptions::default() });
        assert_eq!(walk.files.len(), 1);
        assert_eq!(walk.notes.len(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        std::fs::write(&target, "old").unwrap();
        {
            let mut sink = Sink::create(&target, Durability::RenameOnly).unwrap();
            sink.write_all(b"new, never finished").unwrap();
            assert_eq!(pending().iter().filter(|p| p.starts_with(dir.path())).count(), 1);
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(pending().iter().filter(|p| p.starts_with(dir.path())).count(), 0);
        write_atomically(&target, b"new", Durability::Synced).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(write_new(&target, b"x").unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert!(Sink::create(dir.path(), Durability::Synced).is_err(), "a folder is no output file");
    }

    #[test]
    fn write_errors_do_not_name_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-folder/out.txt");
        let e = Sink::create(&missing, Durability::Synced).err().unwrap();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().contains("no-such-folder does not exist"), "{e}");
        let e = without_temp_path(io::Error::new(io::ErrorKind::StorageFull, "No space left at path \"/x/.tmpA1\""));
        assert_eq!(e.to_string(), "No space left");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_directly() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomically(&fifo, b"through the pipe", Durability::Synced).unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[cfg(unix)]
    #[test]
    fn links_resolve_to_their_targets_even_missing_ones() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("target", &link).unwrap();
        assert_eq!(resolve_links(&link).unwrap(), dir.path().join("target"));
        write_atomically(&link, b"made", Durability::RenameOnly).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(dir.path().join("target")).unwrap(), b"made");
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("a", &a).unwrap();
        assert!(resolve_links(&a).is_err(), "a link to itself");
    }
}
