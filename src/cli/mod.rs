//! The command line: one binary, subcommands per job. The dashboard, `scan` and `report`
//! join `check-policy` here as they arrive.

mod check_policy;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use check_policy::CheckPolicyArgs;

#[derive(Debug, Parser)]
#[command(
    name = "intransit",
    version,
    about = "Proves whether data in transit is protected between clients, Amazon Athena and S3",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide whether a bucket policy denies every plain-HTTP request, and say why.
    CheckPolicy(CheckPolicyArgs),
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
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            ExitCode::from(2)
        }
    }
}
