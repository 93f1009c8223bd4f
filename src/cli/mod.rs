//! The command line: one binary, subcommands per job. Without a subcommand, intransit shows
//! the estate chosen by the source flags (`--demo`, `--snapshot FILE`, or live AWS).

mod check_policy;
mod overview;
mod scan;
mod source_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use check_policy::CheckPolicyArgs;
pub use overview::glyph;
pub use scan::ScanArgs;
pub use source_args::SourceArgs;

#[derive(Debug, Parser)]
#[command(
    name = "intransit",
    version,
    about = "Proves whether data in transit is protected between clients, Amazon Athena and S3",
    long_about = None,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide whether a bucket policy denies every plain-HTTP request, and say why.
    CheckPolicy(CheckPolicyArgs),
    /// Read the estate headless and write a JSON snapshot.
    Scan(ScanArgs),
}

/// Output format of the headless commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Runs the parsed command line; the exit code is the process's.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::CheckPolicy(args)) => check_policy::run(&args),
        Some(Command::Scan(args)) => scan::run(&args),
        None => overview::run(&cli.source),
    }
}

/// The tokio runtime for commands that read an estate.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("intransit: cannot start the async runtime: {e}");
            ExitCode::from(1)
        })
}
