//! Transparent gzip and zstd, as Common Crawl-style dumps come.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

/// Opens a file (or `-` for stdin) for reading, decompressing `.gz` and
/// `.zst` by their magic bytes, whatever the name says.
pub fn open_input(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> =
        if path == Path::new("-") { Box::new(io::stdin()) } else { Box::new(File::open(path)?) };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let magic = reader.fill_buf()?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        // Multi-member: concatenated gzip files (and WARC.gz records) read as one stream.
        return Ok(Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(reader))));
    }
    if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Ok(Box::new(BufReader::new(zstd::stream::read::Decoder::with_buffer(reader)?)));
    }
    Ok(Box::new(reader))
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
