//! Every limit declutter puts on its input, in one place, so that memory and
//! time follow the limits rather than whatever a hostile or broken input
//! holds. Each limit is reported when it is hit (an error record, a warning
//! on stderr): none of them drops anything silently.

use std::fmt;
use std::str::FromStr;

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// Largest document cleaned, in bytes, unless `--max-bytes` says otherwise.
///
/// Cleaning holds a document several times over (the bytes, the decoded
/// text, the DOM, the blocks), so the limit is what keeps one page from
/// costing gigabytes. 64 MiB is far beyond any real article page (the largest
/// pages of a Common Crawl segment are a few MiB) yet small enough that a
/// worker per core stays within a few GiB at worst.
pub const DEFAULT_MAX_BYTES: usize = 64 * MIB;

/// A JSONL line may be this many times `--max-bytes` (plus
/// [`JSONL_LINE_SLACK`]) before it is dropped unread: JSON escaping makes
/// the line longer than the document it holds (`\"`, `\/`, `\n`, and up to
/// 3× for non-Latin text written as `\uXXXX`), and the record has other fields.
pub const JSONL_LINE_FACTOR: usize = 2;

/// Room on a JSONL line for the fields beside the document.
pub const JSONL_LINE_SLACK: usize = MIB;

/// The longest JSONL line read into memory for a document limit of
/// `max_bytes`: `2 × max_bytes + 1 MiB`. A longer line is read to its end
/// without being kept and becomes an error record.
pub fn jsonl_line_limit(max_bytes: usize) -> usize {
    max_bytes.saturating_mul(JSONL_LINE_FACTOR).saturating_add(JSONL_LINE_SLACK)
}

/// Room in a WARC record block for the HTTP status line, headers and chunk
/// sizes around a document of `--max-bytes`.
pub const WARC_BLOCK_SLACK: usize = MIB;

/// The largest WARC record block read into memory: `max_bytes + 1 MiB`. A
/// larger block is passed over without being kept: an error record when it
/// is an HTML response, skipped like any non-HTML record otherwise.
pub fn warc_block_limit(max_bytes: usize) -> usize {
    max_bytes.saturating_add(WARC_BLOCK_SLACK)
}

/// How much of an oversized WARC block is read to tell an HTML response
/// (an error record) from an image or a video (skipped).
pub const WARC_HEAD_PEEK: usize = 64 * KIB;

/// Records cleaned at once per worker thread: enough to keep every core busy
/// across a window's uneven records.
pub const WINDOW_RECORDS_PER_THREAD: usize = 64;

/// Input bytes in flight at most (records read but not yet written),
/// whatever `-j` is. A window closes at this many bytes or at
/// [`WINDOW_RECORDS_PER_THREAD`] × threads records, whichever comes first; a
/// single record larger than this is still cleaned, alone.
///
/// A fixed budget rather than a multiple of `--max-bytes`: with ordinary
/// pages (≤ 1 MiB) the record count is the bound that applies and throughput
/// is unchanged, while a stream of large records stays near 256 MiB of input
/// (plus what cleaning the records in progress costs) instead of growing
/// with the thread count.
pub const WINDOW_BYTES: usize = 256 * MIB;

/// `-j` is capped at this many threads per core…
pub const JOBS_PER_CORE: usize = 4;

/// …and at this many threads in all: past that, threads only cost start-up
/// time and memory (and can exhaust the system's process table).
pub const MAX_JOBS: usize = 256;

/// The largest `-j` honoured on this machine: `min(4 × cores, 256)`.
pub fn max_jobs() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores.saturating_mul(JOBS_PER_CORE).clamp(1, MAX_JOBS)
}

/// A size limit in bytes, or no limit: what `--max-bytes` takes.
///
/// ```
/// use declutter::limits::{ByteLimit, DEFAULT_MAX_BYTES};
///
/// assert_eq!("64MiB".parse::<ByteLimit>()?.bytes(), Some(DEFAULT_MAX_BYTES));
/// assert_eq!("1500".parse::<ByteLimit>()?.bytes(), Some(1500));
/// assert_eq!("2k".parse::<ByteLimit>()?.bytes(), Some(2048));
/// assert_eq!("none".parse::<ByteLimit>()?.bytes(), None);
/// assert_eq!("0".parse::<ByteLimit>()?.bytes(), None);
/// assert!("lots".parse::<ByteLimit>().is_err());
/// # Ok::<(), declutter::limits::ByteLimitError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteLimit(Option<usize>);

impl ByteLimit {
    /// [`DEFAULT_MAX_BYTES`].
    pub const DEFAULT: ByteLimit = ByteLimit(Some(DEFAULT_MAX_BYTES));
    /// No limit.
    pub const NONE: ByteLimit = ByteLimit(None);

    /// `0` means no limit, as `--max-bytes 0` does.
    pub fn new(bytes: usize) -> Self {
        ByteLimit((bytes > 0).then_some(bytes))
    }

    /// The limit, `None` for none.
    pub fn bytes(self) -> Option<usize> {
        self.0
    }
}

impl Default for ByteLimit {
    fn default() -> Self {
        ByteLimit::DEFAULT
    }
}

/// A `--max-bytes` value that is not a size.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0:?} is not a size: give bytes (1500000), with a binary suffix (512K, 64M, 1G, also KiB/MiB/GiB), with a decimal one (KB, MB, GB), or `none`"
)]
pub struct ByteLimitError(String);

impl FromStr for ByteLimit {
    type Err = ByteLimitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if ["none", "unlimited"].iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Ok(ByteLimit::NONE);
        }
        let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (digits, unit) = text.split_at(split);
        let unit = unit.trim().to_ascii_lowercase();
        let factor = match unit.as_str() {
            "" | "b" => 1,
            "k" | "kib" => KIB,
            "m" | "mib" => MIB,
            "g" | "gib" => 1 << 30,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            _ => return Err(ByteLimitError(s.to_owned())),
        };
        let n: usize = digits.parse().map_err(|_| ByteLimitError(s.to_owned()))?;
        n.checked_mul(factor).map(ByteLimit::new).ok_or_else(|| ByteLimitError(s.to_owned()))
    }
}

impl fmt::Display for ByteLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("none"),
            Some(n) if n >= MIB && n % MIB == 0 => write!(f, "{}MiB", n / MIB),
            Some(n) if n >= KIB && n % KIB == 0 => write!(f, "{}KiB", n / KIB),
            Some(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_limits_parse_and_print_back() {
        for (text, bytes) in [("64MiB", Some(64 << 20)), ("3KiB", Some(3072)), ("1500", Some(1500)), ("none", None)] {
            let limit: ByteLimit = text.parse().unwrap();
            assert_eq!(limit.bytes(), bytes);
            assert_eq!(limit.to_string(), text);
        }
        assert_eq!("10 MB".parse::<ByteLimit>().unwrap().bytes(), Some(10_000_000));
        assert_eq!("1G".parse::<ByteLimit>().unwrap().bytes(), Some(1 << 30));
        for bad in ["", "-1", "1.5M", "12 parsecs", "99999999999999999999999G"] {
            assert!(bad.parse::<ByteLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn derived_limits_do_not_overflow() {
        assert_eq!(jsonl_line_limit(usize::MAX), usize::MAX);
        assert_eq!(warc_block_limit(usize::MAX), usize::MAX);
        assert_eq!(jsonl_line_limit(DEFAULT_MAX_BYTES), 129 << 20);
        assert!((1..=MAX_JOBS).contains(&max_jobs()));
    }
}
