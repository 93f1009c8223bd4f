use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    intransit::cli::run(intransit::cli::Cli::parse())
}
