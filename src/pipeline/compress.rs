//! Transparent gzip and zstd, as Common Crawl-style dumps come.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

/// How an input is compressed, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
    const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

    /// The compression whose magic bytes `prefix` starts with.
    pub fn of(prefix: &[u8]) -> Compression {
        if prefix.starts_with(Self::GZIP_MAGIC) {
            Compression::Gzip
        } else if prefix.starts_with(Self::ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Opens a file (or `-` for stdin) for reading, decompressing `.gz` and
/// `.zst` by their magic bytes, whatever the name says.
pub fn open_input(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> =
        if path == Path::new("-") { Box::new(super::files::stdin()) } else { Box::new(File::open(path)?) };
    Ok(decompressed(raw)?.1)
}

/// `raw` decompressed by its magic bytes (read here, and handed back first,
/// so nothing is lost however few bytes one read returns).
pub fn decompressed(mut raw: Box<dyn Read + Send>) -> io::Result<(Compression, Box<dyn BufRead + Send>)> {
    let mut magic = [0u8; 4];
    let mut filled = 0;
    while filled < magic.len() {
        match raw.read(&mut magic[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let compression = Compression::of(&magic[..filled]);
    let whole = BufReader::with_capacity(1 << 16, io::Cursor::new(magic[..filled].to_vec()).chain(raw));
    let reader: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(whole),
        Compression::Gzip => Box::new(BufReader::with_capacity(1 << 16, GzMembers::new(whole))),
        Compression::Zstd => {
            Box::new(BufReader::with_capacity(1 << 16, zstd::stream::read::Decoder::with_buffer(whole)?))
        }
    };
    Ok((compression, reader))
}

/// Concatenated gzip members (concatenated gzip files, WARC.gz records) read
/// as one stream, like `flate2`'s `MultiGzDecoder`, except that zero bytes
/// after the last member end the stream instead of failing as a bad header:
/// tape and block devices pad files that way, and `gzip -d` accepts it too.
/// Anything else after a member must be another member.
struct GzMembers<R: BufRead> {
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzMembers<R> {
    fn new(input: R) -> Self {
        GzMembers { member: Some(flate2::bufread::GzDecoder::new(input)) }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let Some(member) = self.member.as_mut() else { return Ok(0) };
            let n = member.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            // The member ended: what follows is another member, zero padding, or the end.
            let input = member.get_mut();
            let next = input.fill_buf()?;
            if next.is_empty() {
                self.member = None;
                return Ok(0);
            }
            if next[0] == 0 {
                skip_zero_padding(input)?;
                self.member = None;
                return Ok(0);
            }
            if let Some(member) = self.member.take() {
                self.member = Some(flate2::bufread::GzDecoder::new(member.into_inner()));
            }
        }
    }
}

/// Reads zero bytes to the end of the input; anything else is an error.
fn skip_zero_padding(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        if chunk.iter().any(|&b| b != 0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "data after the zero padding that ends the gzip stream",
            ));
        }
        let n = chunk.len();
        input.consume(n);
    }
}

/// An output stream, compressed by the output file's extension (`.gz`,
/// `.zst`); [`Output::finish`] writes the compressor's trailer and reports
/// its errors, which a drop would swallow.
pub enum Output<W: Write> {
    Plain(W),
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Output<W> {
    pub fn new(path: Option<&Path>, out: W) -> io::Result<Self> {
        let ext = path.and_then(|p| p.extension()).and_then(|e| e.to_str()).unwrap_or("");
        Ok(match ext {
            "gz" => Output::Gzip(flate2::write::GzEncoder::new(out, flate2::Compression::default())),
            "zst" => Output::Zstd(zstd::stream::write::Encoder::new(out, 3)?),
            _ => Output::Plain(out),
        })
    }

    /// Finishes the stream and returns the inner writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        let mut inner = match self {
            Output::Plain(w) => w,
            Output::Gzip(g) => g.finish()?,
            Output::Zstd(z) => z.finish()?,
        };
        inner.flush()?;
        Ok(inner)
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Plain(w) => w.write(buf),
            Output::Gzip(g) => g.write(buf),
            Output::Zstd(z) => z.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Plain(w) => w.flush(),
            Output::Gzip(g) => g.flush(),
            Output::Zstd(z) => z.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for ext in ["gz", "zst", "jsonl"] {
            let path = std::path::PathBuf::from(format!("x.{ext}"));
            let mut out = Output::new(Some(&path), Vec::new()).unwrap();
            out.write_all(b"{\"a\":1}\n").unwrap();
            let bytes = out.finish().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join(&path);
            std::fs::write(&file, &bytes).unwrap();
            let mut text = String::new();
            open_input(&file).unwrap().read_to_string(&mut text).unwrap();
            assert_eq!(text, "{\"a\":1}\n", "{ext}");
        }
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut out = Output::new(Some(Path::new("x.gz")), Vec::new()).unwrap();
        out.write_all(data).unwrap();
        out.finish().unwrap()
    }

    fn read_gz(bytes: &[u8]) -> io::Result<String> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.gz");
        std::fs::write(&file, bytes).unwrap();
        let mut text = String::new();
        open_input(&file)?.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn members_are_joined_and_zero_padding_after_the_last_is_accepted() {
        let mut bytes = gzip(b"one\n");
        bytes.extend(gzip(b""));
        bytes.extend(gzip(b"two\n"));
        assert_eq!(read_gz(&bytes).unwrap(), "one\ntwo\n");
        // Padded to a 512-byte block, and to far more than one read buffer.
        for padding in [1, 512 - bytes.len() % 512, 200_000] {
            let mut padded = bytes.clone();
            padded.resize(bytes.len() + padding, 0);
            assert_eq!(read_gz(&padded).unwrap(), "one\ntwo\n", "{padding} zeros");
        }
    }

    #[test]
    fn garbage_after_a_member_or_after_the_padding_is_an_error() {
        let mut bytes = gzip(b"one\n");
        bytes.extend_from_slice(b"garbage");
        assert!(read_gz(&bytes).is_err());
        let mut bytes = gzip(b"one\n");
        bytes.extend_from_slice(&[0, 0, 0, 7]);
        assert!(read_gz(&bytes).is_err());
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let mut out = Output::new(Some(Path::new("x.gz")), Vec::new()).unwrap();
        out.write_all(&b"line\n".repeat(1000)).unwrap();
        let bytes = out.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cut.gz");
        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        let mut text = String::new();
        assert!(open_input(&file).unwrap().read_to_string(&mut text).is_err());
    }
}
