//! Batch work for data pipelines: JSONL and WARC streams, compressed input
//! and output, all sharing one windowed, order-keeping parallel driver.

pub mod compress;
pub mod detect;
pub mod files;
pub mod jsonl;
mod stream;
pub mod warc;

pub use compress::{Output, open_input};
pub use jsonl::{JsonlOptions, clean_jsonl};
pub use stream::Summary;
#[cfg(feature = "cli")]
pub(crate) use stream::{RecordOutcome, removal_counts};
pub use warc::clean_warc;
