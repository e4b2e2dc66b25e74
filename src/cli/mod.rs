//! The command line: argument definitions and one module per subcommand.
//! `src/main.rs` only parses and calls [`run`].

/// `print!` to standard output without the panic on a closed pipe
/// (`declutter rules list | head`): output just stops there.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_out(&format!($($arg)*)) };
}

/// `println!` without the panic on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {{ let mut line = format!($($arg)*); line.push('\n'); $crate::cli::write_out(&line) }};
}

/// How every command finds its rules, for `--help` (see `rules::resolve`, the one place they are resolved).
macro_rules! rules_help {
    () => {
        "Rules: the rules built into the binary, with each --rules DIR layered over them (later folders over \
earlier); without --rules, the folders in the DECLUTTER_RULES environment variable (separated by ':'). A \
folder holds default.toml (extra default rules; one with a built-in rule's id replaces it) and/or \
publishers/*.toml (new publishers; one named like a built-in file replaces it). --no-builtin-rules leaves \
the built-in rules out. A ./rules folder is read only when named (--rules rules), so no output depends on \
the current directory; `declutter rules check` shows the sources in use."
    };
}

mod clean;
mod jsonl;
mod progress;
mod review;
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
    /// At least one input failed (missing, unreadable, binary, over `--max-bytes`); the others were cleaned.
    pub const INPUT_FAILED: u8 = 1;
    /// Bad usage or bad rules: nothing was cleaned.
    pub const USAGE: u8 = 2;
    /// An output could not be written (a full disk, `/dev/full`, a folder that does not exist),
    /// for every command: a code of its own, since a script retries that differently from a bad
    /// input. It wins over [`INPUT_FAILED`]. A closed pipe (`| head`) is not a failure.
    pub const OUTPUT_FAILED: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(name = "declutter", version, about = "Turn scraped web pages and scraped article text into clean article text.", long_about = None)]
#[command(
    after_help = concat!("Examples:\n  declutter clean fixtures/default/founding-article.txt\n  declutter clean page.html --url https://www.lifezette.com/2017/03/x/ --format json\n  declutter rules check rules/\n\n", rules_help!(), "\n\nExit codes: 0 ok, 1 some inputs failed, 2 usage or rule errors, 3 an output could not be written (every command).")
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean HTML pages or article text.
    #[command(
        after_help = "Examples:\n  declutter clean article.txt\n  curl -s URL | declutter clean - --url URL\n  declutter clean page.html --url https://www.lifezette.com/x/ --format json -o page.json\n  declutter clean old.html --encoding 'text/html; charset=windows-1252' --format markdown\n  declutter clean pages/ --output-dir clean/\n  declutter clean --jsonl crawl.jsonl.gz -o clean.jsonl.zst --report\n  declutter clean --warc CC-MAIN-*.warc.gz -o pages.jsonl.gz\n\nWith several inputs, text and Markdown outputs are each preceded by '==> FILE <=='; JSON is one object per line.\nExit codes: 0 ok, 1 some inputs failed (the others are still written), 2 usage or rule errors, 3 an output could not be written."
    )]
    Clean(Box<CleanArgs>),
    /// Show each document before and after: removed parts marked with their rule.
    #[command(
        after_help = "Examples:\n  declutter diff page.html --url https://www.lifezette.com/x/\n  declutter diff pages/ --context 2 | less -R\n  declutter diff pages/ --format html -o report.html\n  declutter diff --rules-before old-rules/ --rules-after rules/ pages/\n\nUnified format: '  ' kept, '- [rule · category]' removed, '{-text-}[rule]' a span cut from a kept block.\nWith --rules-before/--rules-after, only documents whose output changed are shown, with what changed and by which rule.\nExit codes: 0 ok, 1 some documents could not be read or cleaned, 2 usage or rule errors, 3 the output could not be written."
    )]
    Diff(Box<DiffArgs>),
    /// Explain one document: rule files and why, the article container, rules that fired and did not.
    #[command(
        after_help = "Examples:\n  declutter explain page.html --url https://www.lifezette.com/2017/03/x/\n  declutter explain article.txt --format json\n\nExit codes: 0 ok, 1 the document could not be read or cleaned, 2 usage or rule errors, 3 the output could not be written."
    )]
    Explain(Box<ExplainArgs>),
    /// Check, test, measure and write rule files.
    #[command(subcommand)]
    Rules(Box<RulesCommand>),
}

/// Which rules a command uses; every command takes the same flags, resolved by `rules::resolve`.
#[derive(Debug, Args, Clone, Default)]
pub struct RulesArgs {
    /// A rules folder layered over the built-in rules: default.toml adds default rules (same id as a
    /// built-in one: replaces it), publishers/NAME.toml adds a publisher (same NAME as a built-in
    /// one: replaces it). Repeat for more folders, each over the ones before. Without --rules: the
    /// folders in $DECLUTTER_RULES (':'-separated). ./rules is read only when named.
    #[arg(long = "rules", id = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Leave the built-in rules out: only the --rules (or $DECLUTTER_RULES) folders, one of which
    /// must hold default.toml.
    #[arg(long)]
    pub no_builtin_rules: bool,
    /// An adblock filter list (EasyList, Fanboy's, uBlock filters): its cosmetic filters
    /// (`example.com##.promo`, generic `##.ad`, `#@#` exceptions, `:has-text()`, `:upward()`,
    /// `:remove()`) remove elements of HTML pages, each removal attributed to FILE:LINE.
    /// Repeat for more lists (exceptions in one apply to all).
    #[arg(long = "filter-list", value_name = "FILE")]
    pub filter_lists: Vec<PathBuf>,
}

/// The rules and options documents are cleaned with (shared by the review commands).
#[derive(Debug, Args, Clone)]
pub struct CleanerArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
    /// The document's URL (JSONL and WARC records carry their own); without a scheme
    /// (`www.example.com/x`) it is read as https://, with a note.
    #[arg(long, value_parser = url_arg)]
    pub url: Option<String>,
    /// Apply this publisher's rules (its name or file stem), whatever the URL.
    #[arg(long)]
    pub publisher: Option<String>,
    /// Keep the whole page body: no main-content extraction.
    #[arg(long)]
    pub no_extract: bool,
    /// Text input: rules alone, without the line scorer (`builtin:text-boilerplate`).
    #[arg(long)]
    pub no_text_model: bool,
    /// The input's charset: a label or a whole Content-Type.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
}

/// Where the documents come from (shared by the corpus commands).
#[derive(Debug, Args, Clone)]
pub struct CorpusArgs {
    /// Files, folders (walked for .html, .txt, .jsonl, .warc, also gzipped), JSONL or WARC files; `-` reads standard input.
    pub inputs: Vec<PathBuf>,
    /// Read every input as JSONL (`.jsonl`/`.ndjson` files are anyway).
    #[arg(long)]
    pub jsonl: bool,
    /// With folder inputs, take only files whose name matches this pattern.
    #[arg(long, value_name = "PATTERN")]
    pub glob: Option<String>,
    /// Walk into symlinked folders (each folder once); without, they are skipped with a note.
    #[arg(long)]
    pub follow_links: bool,
    /// Refuse documents larger than this (a file, or a JSONL record): an error naming it, the
    /// others go on. Bytes, or with K/M/G (binary) or KB/MB/GB; `none` (or 0) for no limit.
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::ByteLimit::DEFAULT)]
    pub max_bytes: crate::limits::ByteLimit,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[command(flatten)]
    pub cleaner: CleanerArgs,
    #[arg(long, value_enum, default_value_t = DiffFormat::Unified)]
    pub format: DiffFormat,
    /// Colour the unified output (auto: when standard output is a terminal and NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Show only N kept blocks around each change (default: all).
    #[arg(long, value_name = "N")]
    pub context: Option<usize>,
    /// Show long removed texts whole.
    #[arg(long)]
    pub full: bool,
    /// Compare two rule sets: the rules folder before an edit… (layered like --rules, over the
    /// built-in rules and any --rules folders; with --no-builtin-rules, two complete folders).
    #[arg(long, value_name = "DIR", requires = "rules_after")]
    pub rules_before: Option<PathBuf>,
    /// …and after it. Only documents whose output changed are shown.
    #[arg(long, value_name = "DIR", requires = "rules_before")]
    pub rules_after: Option<PathBuf>,
    /// The HTML report's title.
    #[arg(long, default_value = "declutter review")]
    pub title: String,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Text: kept lines indented, removed lines with `- [rule · category]`.
    Unified,
    /// One JSON object per document per line.
    Json,
    /// One self-contained HTML page for the whole corpus.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The document (HTML or text; `-` reads standard input).
    pub input: PathBuf,
    #[command(flatten)]
    pub cleaner: CleanerArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Refuse a document larger than this: bytes, or with K/M/G (binary) or KB/MB/GB; `none` (or 0) for no limit.
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::ByteLimit::DEFAULT)]
    pub max_bytes: crate::limits::ByteLimit,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Pages (HTML or text), JSONL or WARC files, gzipped or zstd-compressed or not, and folders
    /// (walked recursively for .html, .htm, .txt, .jsonl, .ndjson, .warc, each also .gz/.zst); `-`
    /// or none reads standard input. JSONL and WARC are told by name, else by content (a first
    /// line that is a JSON object; `WARC/1.`), and cleaned into JSONL records.
    pub inputs: Vec<PathBuf>,
    /// The document's URL: chooses the publisher's rules and goes into the report. Without a
    /// scheme (`www.example.com/x`) it is read as https://, with a note.
    #[arg(long, value_parser = url_arg)]
    pub url: Option<String>,
    /// Apply this publisher's rules (its name or file stem), whatever the URL.
    #[arg(long)]
    pub publisher: Option<String>,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to FILE (atomically: a temporary file renamed into place) instead of standard output;
    /// `FILE.gz` and `FILE.zst` are compressed.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write one output file per input into DIR, mirroring folders given as inputs
    /// (`page.html` becomes `DIR/page.txt`, `.md` or `.json`). Runs on all cores. Inputs whose
    /// outputs would share a name, or land on an input, are refused by name; DIR inside an input
    /// folder is not read as input. A JSONL or WARC input gets one JSONL file
    /// (`crawl.warc.gz` becomes `DIR/crawl.jsonl.gz`); standard input is named `stdin`.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
    /// With folder inputs, take only files whose name matches this pattern (`*.html`, `page-??.htm`).
    #[arg(long, value_name = "PATTERN")]
    pub glob: Option<String>,
    /// Walk into symlinked folders (each folder once, so a link loop cannot repeat the walk);
    /// without, they are skipped with a note on stderr.
    #[arg(long)]
    pub follow_links: bool,
    /// Replace each input file by its cleaned output (atomically: temp file + rename; a symlink
    /// is kept and its target rewritten). Regular files only.
    #[arg(long, conflicts_with_all = ["output", "output_dir", "jsonl", "warc"])]
    pub in_place: bool,
    /// Keep the whole page body: no main-content extraction (selector and block rules still apply).
    #[arg(long)]
    pub no_extract: bool,
    /// Text input: rules alone, without the line scorer that removes the boilerplate no rule
    /// names (`builtin:text-boilerplate`, its score in the JSON report).
    #[arg(long)]
    pub no_text_model: bool,
    /// HTML input: no page-type classifier; every page is extracted as the generic kind and
    /// the JSON report has no `page_type`.
    #[arg(long)]
    pub no_page_type: bool,
    /// HTML input: the hand-tuned extraction alone, without the block classifier that decides
    /// each block again after it (`builtin:block-model`, its score in the JSON report).
    #[arg(long)]
    pub no_block_model: bool,
    /// Keep blocks that repeat across a site's documents: without, a run over several
    /// documents learns them from its first 2,000 and removes them (`builtin:repeated-line`).
    #[arg(long)]
    pub no_repeated_lines: bool,
    /// Figure and table captions inside the article.
    #[arg(long, value_enum, default_value_t = Captions::Keep)]
    pub captions: Captions,
    /// Read every input as JSONL, whatever its name or content (without, `.jsonl`/`.ndjson` files
    /// and inputs whose first line is a JSON object are JSONL anyway): one record per line in,
    /// one per line out, in order, other fields carried through, `text` added.
    #[arg(long, help_heading = "Pipelines")]
    pub jsonl: bool,
    /// Read every input as WARC (without, `.warc` files and inputs starting with `WARC/1.` are
    /// anyway): every HTML response record becomes a JSONL record with `url`, `warc_record_id`,
    /// `warc_date`, `status` and `text`.
    #[arg(long, conflicts_with = "jsonl", help_heading = "Pipelines")]
    pub warc: bool,
    /// JSONL field holding the HTML [default: html]. Refused when no input is JSONL.
    #[arg(long, value_name = "NAME", help_heading = "Pipelines")]
    pub html_field: Option<String>,
    /// JSONL field holding plain text, used when a record has no HTML field [default: text].
    /// Refused when no input is JSONL.
    #[arg(long, value_name = "NAME", help_heading = "Pipelines")]
    pub text_field: Option<String>,
    /// JSONL field holding the page's URL [default: url]. Refused when no input is JSONL.
    #[arg(long, value_name = "NAME", help_heading = "Pipelines")]
    pub url_field: Option<String>,
    /// JSONL and WARC: add removals, metadata, encoding and extraction to every record (for
    /// pages, `--format json` holds them). Refused when no input is a record stream.
    #[arg(long, help_heading = "Pipelines")]
    pub report: bool,
    /// Stop at the first input or record that fails (with --output-dir or --in-place, which
    /// run in parallel: no input is started after it).
    #[arg(long, help_heading = "Pipelines")]
    pub fail_fast: bool,
    /// Refuse documents larger than this: a page (compressed ones once decompressed, checked while
    /// reading) or a JSONL/WARC record, with an error naming it (an error record for records);
    /// the others go on. Bytes, or with K/M/G (binary) or KB/MB/GB; `none` (or 0) for no limit.
    /// JSONL lines longer than twice this (plus 1 MiB) and WARC blocks longer than this (plus
    /// 1 MiB) are passed over unread.
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::ByteLimit::DEFAULT, help_heading = "Pipelines")]
    pub max_bytes: crate::limits::ByteLimit,
    /// Worker threads (default, or 0: all cores). At most 4 per core and 256 in all: a larger
    /// value is lowered, with a warning.
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

/// `--url`: a URL with a scheme as given; one without (`www.example.com/x`)
/// read as `https://…` and said so, since it would otherwise match no
/// publisher without a word; anything else is a usage error (exit 2).
fn url_arg(given: &str) -> Result<String, String> {
    let hint = "a URL such as https://www.example.com/page";
    if crate::rules::has_scheme(given) {
        return url::Url::parse(given.trim())
            .map(|_| given.trim().to_owned())
            .map_err(|e| format!("{e}; expected {hint}"));
    }
    match crate::rules::parse_url(given) {
        Some(url) => {
            report(format!("note: --url {given} has no scheme; read as {url}"));
            Ok(url.to_string())
        }
        None => Err(format!("not a URL with a host name; expected {hint}")),
    }
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
        after_help = concat!("Examples:\n  declutter rules check            # the rules every command uses (built-in, then any $DECLUTTER_RULES folders)\n  declutter rules check my-rules/\n\n", rules_help!(), "\n\nErrors are printed as FILE:LINE:COLUMN: rule `ID`: message. Exit code 2 when any is found.")
    )]
    Check {
        /// A rules folder, the same as --rules DIR (after any --rules).
        dir: Option<PathBuf>,
        #[command(flatten)]
        rules: RulesArgs,
        /// `json`: `{"ok", "sources": [{name, files, rules, publishers, replaces}], "rules", "files", "publishers", "examples", "errors": [{file, line, column, rule, message}]}`.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// List publishers and rules.
    #[command(after_help = "Example:\n  declutter rules list --rules my-rules/")]
    List {
        #[command(flatten)]
        rules: RulesArgs,
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Run every rule's examples and every fixture case (`fixtures/<publisher>/*.{html,txt}` with `.expected.txt`).
    #[command(
        after_help = "Examples:\n  declutter rules test                      # the rules every command uses, and ./fixtures\n  declutter rules test my-rules/ --fixtures my-fixtures/\n  declutter rules test --update             # rewrite expected files from the output (review the diff!)\n\nExit codes: 0 all pass, 1 a case failed, 2 the rules do not load (examples failing included) or usage, 3 the output could not be written."
    )]
    Test {
        /// A rules folder, the same as --rules DIR (after any --rules).
        dir: Option<PathBuf>,
        #[command(flatten)]
        rules: RulesArgs,
        /// The fixtures folder (default: `fixtures` beside the rules folder, else ./fixtures).
        #[arg(long, value_name = "DIR")]
        fixtures: Option<PathBuf>,
        /// Rewrite each failing case's expected file from the actual output (atomically).
        #[arg(long)]
        update: bool,
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Hits per rule and per publisher over a corpus; rules that never fire; rules that removed long blocks.
    #[command(
        after_help = "Examples:\n  declutter rules stats pages/\n  declutter rules stats crawl.jsonl.gz --rules my-rules/ --format json\n\nExit codes: 0 ok, 1 some documents could not be read or cleaned, 2 usage or rule errors, 3 the output could not be written."
    )]
    Stats {
        #[command(flatten)]
        corpus: CorpusArgs,
        #[command(flatten)]
        cleaner: CleanerArgs,
        /// A removal this long (characters) counts as long.
        #[arg(long, value_name = "CHARS", default_value_t = crate::review::stats::LONG_CHARS)]
        long: usize,
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Find boilerplate repeating across a site's pages and print rules for it.
    #[command(
        after_help = "Examples:\n  declutter rules suggest crawl.jsonl.gz                 # every site with enough pages\n  declutter rules suggest acme-pages/ --publisher acme   # pages without URLs: all of acme\n\nSites are told apart by the URL (JSONL/WARC records, --url) or the page's canonical URL.\nExit codes: 0 ok, 1 some documents could not be read or cleaned, 2 usage or rule errors, 3 the output could not be written."
    )]
    Suggest {
        #[command(flatten)]
        corpus: CorpusArgs,
        #[command(flatten)]
        rules: RulesArgs,
        /// Only this publisher's pages: a publisher's name or file stem, or a domain.
        #[arg(long)]
        publisher: Option<String>,
        /// Look at whole pages, not just what extraction leaves: suggests rules for every
        /// template box (a publisher file that does not lean on extraction).
        #[arg(long)]
        no_extract: bool,
        /// A pattern must touch at least this many pages…
        #[arg(long, default_value_t = 3)]
        min_pages: usize,
        /// …and this share of the site's pages.
        #[arg(long, default_value_t = 0.3)]
        min_share: f64,
        /// Rules printed per site.
        #[arg(long, default_value_t = 40)]
        max_rules: usize,
        #[arg(long, value_enum, default_value_t = SuggestFormat::Toml)]
        format: SuggestFormat,
    },
    /// Convert another project's rules into publisher files: `DIR/publishers/*.toml`.
    #[command(
        after_help = "Example:\n  declutter rules import ftr ftr-site-config/ -o imported-rules/\n  declutter clean page.html --rules imported-rules/ --url https://www.example.com/x\n\nEvery directive that has no declutter form is listed with its file and line (in the report and as a comment in the file). Nothing is written unless every generated file loads; an existing file is never replaced unless --force is given (then atomically). Exit codes: 0 written, 2 usage, unreadable input, a file that exists or a set that would not load, 3 a file could not be written."
    )]
    Import {
        /// What the rules are: `ftr`.
        #[arg(value_enum)]
        source: ImportSource,
        /// A site config file, or a folder of them.
        src: PathBuf,
        /// The rules folder to write (`publishers/` inside it).
        #[arg(short, long = "output", value_name = "DIR")]
        output: PathBuf,
        /// Replace existing publisher files.
        #[arg(long)]
        force: bool,
        /// `json`: `{"files", "complete", "written", "skipped", "directives", "converted", "kept_as_comments", "not_applicable", "untranslated": [{file, line, directive, value, reason}], "common": [{reason, count}]}`.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Write a commented publisher file to start from: `rules/publishers/<name>.toml`.
    #[command(
        after_help = "Example:\n  declutter rules new --publisher \"Daily Planet\" --domain dailyplanet.com\n\nNever overwrites a file unless --force is given (then atomically). Exit codes: 0 written, 2 usage or the file exists, 3 the file could not be written."
    )]
    New {
        /// The publisher's name.
        #[arg(long)]
        publisher: String,
        /// A domain of the publisher (repeat for more).
        #[arg(long = "domain", required = true)]
        domains: Vec<String>,
        /// The rules folder the file goes into (default: the last folder in $DECLUTTER_RULES, else
        /// ./rules). Use it with --rules DIR: it is layered over the built-in rules.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
        /// `json`: `{"path", "publisher", "domains"}` on success.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
}

/// Rule ecosystems `rules import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportSource {
    /// FiveFilters' site configs (ftr-site-config): `example.com.txt` files.
    Ftr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SuggestFormat {
    /// Ready-to-paste `[[rule]]` tables with a comment each.
    Toml,
    Json,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    // Before any output file is opened: an interrupt must not leave a temporary file behind.
    if let Err(e) = crate::pipeline::files::remove_temp_files_on_signal() {
        report(format!("cannot watch for interrupts (temporary files may be left behind): {e}"));
    }
    let code = match cli.command {
        Command::Clean(args) => clean::run(&args),
        Command::Diff(args) => review::diff(&args),
        Command::Explain(args) => review::explain(&args),
        Command::Rules(command) => match *command {
            RulesCommand::Check { dir, rules, format } => rules::check(&rules, dir.as_deref(), format),
            RulesCommand::List { rules, format } => rules::list(&rules, format),
            RulesCommand::Test { dir, rules, fixtures, update, format } => {
                rules::test(&rules, dir.as_deref(), fixtures.as_deref(), update, format)
            }
            RulesCommand::Stats { corpus, cleaner, long, format } => rules::stats(&corpus, &cleaner, long, format),
            RulesCommand::Suggest { corpus, rules, publisher, no_extract, min_pages, min_share, max_rules, format } => {
                let options = crate::review::suggest::SuggestOptions { min_pages, min_share, max_rules };
                rules::suggest(&corpus, &rules, publisher.as_deref(), no_extract, &options, format)
            }
            RulesCommand::Import { source: ImportSource::Ftr, src, output, force, format } => {
                rules::import_ftr(&src, &output, force, format)
            }
            RulesCommand::New { publisher, domains, rules, force, format } => {
                rules::new(&publisher, &domains, rules.as_deref(), force, format)
            }
        },
    };
    ExitCode::from(finish_stdout(code))
}

/// Set when a write to standard output failed with anything but a closed pipe.
static STDOUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes to standard output; a closed pipe is not an error worth a message,
/// any other failure (a full disk) is said once on stderr and makes the
/// command exit with [`exit::OUTPUT_FAILED`].
pub(crate) fn write_out(text: &str) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        output_failed(None, &e);
    }
}

/// Reports a failed write once; returns false for a closed pipe (`| head`),
/// which is no failure: the reader has what it wanted.
/// `to` is the `-o` file, `None` for standard output.
pub(crate) fn output_failed(to: Option<&std::path::Path>, e: &std::io::Error) -> bool {
    use std::sync::atomic::Ordering;
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return false;
    }
    match to {
        Some(path) => report(format!("cannot write {}: {e}", path.display())),
        None if !STDOUT_FAILED.swap(true, Ordering::Relaxed) => report(format!("cannot write to standard output: {e}")),
        None => {}
    }
    true
}

/// The exit code once standard output is flushed: a line still buffered may
/// only fail here (`> /dev/full`), and any failed write makes it at least
/// [`exit::OUTPUT_FAILED`].
fn finish_stdout(code: u8) -> u8 {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if let Err(e) = std::io::stdout().lock().flush() {
        output_failed(None, &e);
    }
    if STDOUT_FAILED.load(Ordering::Relaxed) { code.max(exit::OUTPUT_FAILED) } else { code }
}

/// Usage problems in the hints (unknown publisher, unknown encoding) stop a
/// command before any input is read.
fn check_hints(cleaner: &crate::Cleaner, hints: &crate::Hints) -> Result<(), u8> {
    if let Err(e) = cleaner.publisher_for(hints) {
        report(format!("--publisher: {e}; `declutter rules list` shows them"));
        return Err(exit::USAGE);
    }
    if let Some(Err(e)) = hints.encoding.as_deref().map(crate::load::parse_caller_label) {
        report(e);
        return Err(exit::USAGE);
    }
    Ok(())
}

/// Prints an error the way every subcommand does.
fn report(message: impl std::fmt::Display) {
    // Messages carry file names and page text: shown, never obeyed, by the terminal.
    eprintln!("declutter: {}", crate::write::terminal::printable(&message.to_string()));
}
