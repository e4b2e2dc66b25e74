use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    declutter::cli::run(declutter::cli::Cli::parse())
}
