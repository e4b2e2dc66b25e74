//! Every limit declutter enforces on its input, in one place so the README's "Limits" section and the code agree.
/// Largest document (bytes, after decompression) cleaned by default; `--max-bytes` changes it.
pub const DEFAULT_MAX_BYTES: usize = 64 << 20;
