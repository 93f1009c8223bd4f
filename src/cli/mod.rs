//! The command line: one binary, subcommands per job. Without a subcommand, intransit opens
//! the interactive console on the estate chosen by the source flags (`--demo`,
//! `--snapshot FILE`, or live AWS); when standard input or output is not a terminal it prints
//! the text overview instead.

mod check_policy;
mod diff;
mod exception_args;
mod fix;
pub mod history;
mod overview;
mod report;
mod scan;
mod source_args;
mod traffic;
mod traffic_args;
mod traffic_athena;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use check_policy::CheckPolicyArgs;
pub use diff::DiffArgs;
pub use exception_args::{ExceptionArgs, Loaded};
pub use fix::FixArgs;
pub use report::ReportArgs;
pub use scan::ScanArgs;
pub use source_args::SourceArgs;
pub use traffic::TrafficCommandArgs;
pub use traffic_args::{TrafficArgs, apply as apply_traffic};

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
    #[command(flatten)]
    pub console: ConsoleArgs,
    #[command(flatten)]
    pub exceptions: ExceptionArgs,
    #[command(flatten)]
    pub traffic: TrafficArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags of the interactive console.
#[derive(Debug, Args, Clone, Default)]
pub struct ConsoleArgs {
    /// Colour theme: default, dark, light, high-contrast, colorblind, or a theme file (.toml).
    /// NO_COLOR turns colour off whatever the theme.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Let the mouse scroll and select (off by default, so the terminal's own selection works).
    #[arg(long)]
    pub mouse: bool,
    /// Append a log of what the console did to this file (never to the terminal).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Compare with this earlier snapshot: Δ on changed buckets, the `changed` filter token
    /// and the `:changes` view.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// `intransit overview`: the one-screen text overview.
#[derive(Debug, Args)]
pub struct OverviewArgs {
    #[command(flatten)]
    pub source: SourceArgs,
}

/// `intransit completions SHELL`: a completion script for the shell.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `intransit man`: the manual pages.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write intransit.1 and one page per subcommand here instead of the main page to
    /// standard output.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `intransit screenshots`: render every console view of the demo estate.
#[derive(Debug, Args)]
pub struct ScreenshotsArgs {
    /// Directory for the SVG and text files.
    #[arg(long, default_value = "screenshots")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide whether a bucket policy denies every plain-HTTP request, and say why.
    CheckPolicy(CheckPolicyArgs),
    /// Read the estate headless and write a JSON snapshot.
    Scan(ScanArgs),
    /// Evaluate the estate against compliance programs and write a report.
    Report(ReportArgs),
    /// What changed since a base snapshot: regressions, improvements, neutral changes.
    Diff(DiffArgs),
    /// What would fix each failing resource: merged bucket policies (proved), workgroups, VPN
    /// tunnels and the RCP, as text, JSON, a script with backup and rollback, Terraform or
    /// CloudFormation; and the top fixes. Writes files only: it changes nothing in AWS.
    Fix(FixArgs),
    /// Observed traffic from S3 access logs and CloudTrail: plain-HTTP and old-TLS clients,
    /// and the paths clients took.
    Traffic(TrafficCommandArgs),
    /// Print a one-screen text overview of the estate (what the console shows first).
    Overview(OverviewArgs),
    /// Write a shell completion script to standard output (see the README for where it goes).
    Completions(CompletionsArgs),
    /// Write the manual page (roff) to standard output (`intransit man | man -l -`), or every
    /// page (intransit.1, intransit-traffic.1, ...) into a directory.
    Man(ManArgs),
    /// Render every console view of the demo estate to SVG and text (for the README).
    #[command(hide = true)]
    Screenshots(ScreenshotsArgs),
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
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::Traffic(args)) => traffic::run(&args),
        Some(Command::Fix(args)) => fix::run(&args),
        Some(Command::Overview(args)) => overview::run(&args.source),
        Some(Command::Completions(args)) => completions(args.shell),
        Some(Command::Man(args)) => man(args.out_dir.as_deref()),
        Some(Command::Screenshots(args)) => match crate::ui::screenshot::write_all(&args.out) {
            Ok(files) => {
                crate::say!("wrote {} files to {}", files.len(), args.out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                crate::say!("cannot write screenshots: {e}");
                ExitCode::from(1)
            }
        },
        None if crate::ui::interactive() => {
            let loaded = match cli.exceptions.load() {
                Ok(l) => l,
                Err(e) => {
                    crate::say!("{e}");
                    return ExitCode::from(2);
                }
            };
            let baseline = match cli.console.baseline.as_deref().map(diff::load_snapshot) {
                Some(Ok(s)) => Some(s),
                Some(Err(e)) => {
                    crate::say!("{e}");
                    return ExitCode::from(2);
                }
                None => None,
            };
            crate::ui::run(crate::ui::Launch {
                traffic: cli.traffic.read(cli.source.demo),
                baseline,
                spec: cli.source.spec(),
                theme: cli.console.theme,
                mouse: cli.console.mouse,
                log_file: cli.console.log_file,
                exceptions: loaded
                    .exceptions
                    .source
                    .is_some()
                    .then_some((loaded.exceptions, loaded.as_of)),
            })
        }
        None => {
            // Not a terminal: the text overview. A bad --theme is still an error, as it is
            // in the console, so a script learns of it.
            if let Some(name) = &cli.console.theme
                && let Err(e) = crate::ui::Theme::load(name, crate::ui::Depth::Ansi16)
            {
                crate::say!("{e}");
                return ExitCode::from(2);
            }
            overview::run(&cli.source)
        }
    }
}

/// The completion script of `shell`, from the clap definitions.
fn completions(shell: clap_complete::Shell) -> ExitCode {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "intransit", &mut out);
    match write_output(None, &String::from_utf8_lossy(&out), "completions") {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            crate::say!("{e}");
            ExitCode::from(2)
        }
    }
}

/// The manual pages, from the clap definitions.
fn man(out_dir: Option<&std::path::Path>) -> ExitCode {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let result = match out_dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|_| clap_mangen::generate_to(cmd, dir))
            .map_err(|e| format!("cannot write the manual pages to {}: {e}", dir.display())),
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| format!("cannot render the manual page: {e}"))
                .and_then(|_| write_output(None, &String::from_utf8_lossy(&out), "manual page"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            crate::say!("{e}");
            ExitCode::from(2)
        }
    }
}

/// Writes a command's output to `out`, or to standard output; the error names what failed.
fn write_output(out: Option<&std::path::Path>, text: &str, what: &str) -> Result<(), String> {
    use std::io::Write;
    match out {
        Some(path) => std::fs::write(path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| format!("cannot write the {what}: {e}"))
        }
    }
}

/// Like [`write_output`], for output written piece by piece by `write` (buffered).
fn write_output_with(
    out: Option<&std::path::Path>,
    what: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    use std::io::Write;
    const BUFFER: usize = 1 << 16;
    match out {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut file = std::io::BufWriter::with_capacity(BUFFER, file);
                write(&mut file)?;
                file.flush()
            })
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
            write(&mut stdout)
                .and_then(|_| stdout.flush())
                .map_err(|e| format!("cannot write the {what}: {e}"))
        }
    }
}

/// The tokio runtime for commands that read an estate.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            crate::say!("cannot start the async runtime: {e}");
            ExitCode::from(1)
        })
}
