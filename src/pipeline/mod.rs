//! Batch work for data pipelines: JSONL streams, compressed input and output.

pub mod compress;
pub mod jsonl;

pub use compress::{Output, open_input};
pub use jsonl::{JsonlOptions, Summary, clean_jsonl};
