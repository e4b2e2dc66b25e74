//! The command line: argument definitions and one module per subcommand.
//! `src/main.rs` only parses and calls [`run`].

mod clean;
mod jsonl;
mod rules;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::load::InputFormat;
use crate::write::Format;

/// Exit codes, documented in the README.
pub mod exit {
    /// Every input was cleaned.
    pub const OK: u8 = 0;
    /// At least one input failed (missing, unreadable, binary); the others were cleaned.
    pub const INPUT_FAILED: u8 = 1;
    /// Bad usage or bad rules: nothing was cleaned.
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(name = "declutter", version, about = "Turn scraped web pages and scraped article text into clean article text.", long_about = None)]
#[command(
    after_help = "Examples:\n  declutter clean fixtures/default/founding-article.txt\n  declutter clean page.html --url https://www.lifezette.com/2017/03/x/ --format json\n  declutter rules check rules/\n\nExit codes: 0 ok, 1 some inputs failed, 2 usage or rule errors."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean HTML pages or article text.
    #[command(
        after_help = "Examples:\n  declutter clean article.txt\n  curl -s URL | declutter clean - --url URL\n  declutter clean page.html --url https://www.lifezette.com/x/ --format json -o page.json\n  declutter clean old.html --encoding 'text/html; charset=windows-1252' --format markdown\n  declutter clean pages/ --output-dir clean/\n  declutter clean --jsonl crawl.jsonl.gz -o clean.jsonl.zst --report\n  declutter clean --warc CC-MAIN-*.warc.gz -o pages.jsonl.gz\n\nWith several inputs, text and Markdown outputs are each preceded by '==> FILE <=='; JSON is one object per line.\nExit codes: 0 ok, 1 some inputs failed (the others are still written), 2 usage or rule errors."
    )]
    Clean(Box<CleanArgs>),
    /// Check and list rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Input files or folders (walked recursively for .html, .htm, .txt files); `-` or none reads standard input.
    pub inputs: Vec<PathBuf>,
    /// The document's URL: chooses the publisher's rules and goes into the report.
    #[arg(long)]
    pub url: Option<String>,
    /// Apply this publisher's rules (its name or file stem), whatever the URL.
    #[arg(long)]
    pub publisher: Option<String>,
    /// Use the rules in DIR (default.toml, publishers/*.toml) instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to FILE (atomically: a temporary file renamed into place) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write one output file per input into DIR, mirroring folders given as inputs
    /// (`page.html` becomes `DIR/page.txt`, `.md` or `.json`). Runs on all cores.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// With folder inputs, take only files whose name matches this pattern (`*.html`, `page-??.htm`).
    #[arg(long, value_name = "PATTERN")]
    pub glob: Option<String>,
    /// Replace each input file by its cleaned output (atomically: temp file + rename). Files only.
    #[arg(long, conflicts_with_all = ["output", "output_dir", "jsonl", "warc"])]
    pub in_place: bool,
    /// Keep the whole page body: no main-content extraction (selector and block rules still apply).
    #[arg(long)]
    pub no_extract: bool,
    /// Figure and table captions inside the article.
    #[arg(long, value_enum, default_value_t = Captions::Keep)]
    pub captions: Captions,
    /// Inputs are JSONL streams (`.gz`/`.zst` read transparently): one record per line in,
    /// one per line out, in order, other fields carried through, `text` added.
    #[arg(long, help_heading = "Pipelines")]
    pub jsonl: bool,
    /// Inputs are WARC files (`.warc`, `.warc.gz`): every HTML response record becomes a JSONL
    /// record with `url`, `warc_record_id`, `warc_date`, `status` and `text`.
    #[arg(long, conflicts_with = "jsonl", help_heading = "Pipelines")]
    pub warc: bool,
    /// JSONL field holding the HTML.
    #[arg(long, default_value = "html", value_name = "NAME", help_heading = "Pipelines")]
    pub html_field: String,
    /// JSONL field holding plain text (used when a record has no HTML field).
    #[arg(long, default_value = "text", value_name = "NAME", help_heading = "Pipelines")]
    pub text_field: String,
    /// JSONL field holding the page's URL.
    #[arg(long, default_value = "url", value_name = "NAME", help_heading = "Pipelines")]
    pub url_field: String,
    /// JSONL: add removals, metadata, encoding and extraction to every record.
    #[arg(long, help_heading = "Pipelines")]
    pub report: bool,
    /// JSONL: stop at the first record that fails.
    #[arg(long, help_heading = "Pipelines")]
    pub fail_fast: bool,
    /// Refuse documents larger than this many bytes (an error record, the batch goes on).
    #[arg(long, value_name = "BYTES", help_heading = "Pipelines")]
    pub max_bytes: Option<usize>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", help_heading = "Pipelines")]
    pub jobs: Option<usize>,
    /// No progress bar and no closing summary on stderr.
    #[arg(long, short = 'q', help_heading = "Pipelines")]
    pub quiet: bool,
    /// The input's charset: a label (`windows-1252`) or a whole Content-Type (`text/html; charset=gbk`).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Collapse spaces and NBSPs and trim line ends (off: the article's characters are kept).
    #[arg(long)]
    pub normalize_whitespace: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Captions {
    Keep,
    Drop,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate rule files and run every rule's examples.
    #[command(
        after_help = "Examples:\n  declutter rules check            # ./rules if present, else the shipped rules\n  declutter rules check my-rules/\n\nErrors are printed as FILE:LINE:COLUMN: rule `ID`: message. Exit code 2 when any is found."
    )]
    Check {
        /// The rules folder (default: ./rules, else the rules built into the binary).
        dir: Option<PathBuf>,
    },
    /// List publishers and rules.
    #[command(after_help = "Example:\n  declutter rules list --rules my-rules/")]
    List {
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Clean(args) => clean::run(&args),
        Command::Rules(RulesCommand::Check { dir }) => rules::check(dir.as_deref()),
        Command::Rules(RulesCommand::List { rules }) => rules::list(rules.as_deref()),
    };
    ExitCode::from(code)
}

/// Prints an error the way every subcommand does.
fn report(message: impl std::fmt::Display) {
    eprintln!("declutter: {message}");
}
