//! `intransit diff`: what changed between a base snapshot and a new scan (a second snapshot,
//! the demo estate, or AWS read now), each change a regression, an improvement or neutral.
//!
//! Exit status: 0 when the diff was written (whatever it says) unless `--fail-on regression`
//! was given and a regression exists: then 1. 2 when no diff could be made (a snapshot
//! unreadable, no snapshot in the `--since` directory, the source unusable, output not
//! writable) and for usage errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::source_args::SourceArgs;
use crate::compliance::{Catalog, evaluate};
use crate::diff::{self, DiffFormat, Impact, Scan, Side};
use crate::model::Snapshot;
use crate::source::{self, SourceSpec};

/// What makes `diff` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFailOn {
    /// Exit 1 when any change is a regression.
    Regression,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The base snapshot, then the new one. Without a new snapshot the estate is read now,
    /// from the source flags (`--demo`, `--snapshot FILE`, or AWS).
    #[arg(value_name = "SNAPSHOT", num_args = 0..=2)]
    pub files: Vec<PathBuf>,
    /// Compare with the newest snapshot in DIR (as `scan --out-dir DIR` writes them); a file
    /// given then is the new one.
    #[arg(long, value_name = "DIR")]
    pub since: Option<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
    /// Exit 1 when a change of this kind exists.
    #[arg(long, value_enum, value_name = "IMPACT")]
    pub fail_on: Option<DiffFailOn>,
    /// Write the diff here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    crate::say!("{message}");
    ExitCode::from(2)
}

pub fn run(args: &DiffArgs) -> ExitCode {
    let (base, new) = match sides(args) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(_) => return ExitCode::from(2),
    };
    let read = |spec: &SourceSpec| {
        runtime.block_on(async {
            let scan = source::start(spec).await?;
            scan.finish().await
        })
    };
    let base_snapshot = match read(&SourceSpec::Snapshot(base.clone())) {
        Ok(store) => store.into_snapshot(),
        Err(e) => return fail(format!("cannot read the base {}: {e}", base.display())),
    };
    let new_snapshot = match read(&new) {
        Ok(store) => store.into_snapshot(),
        Err(e) => return fail(format!("cannot read the new estate: {e}")),
    };
    let catalog = Catalog::builtin();
    let (base_eval, new_eval) = (
        evaluate(&catalog, &base_snapshot.estate),
        evaluate(&catalog, &new_snapshot.estate),
    );
    let made = diff::diff(
        Scan {
            side: side(&base.display().to_string(), &base_snapshot),
            estate: &base_snapshot.estate,
            evaluation: &base_eval,
        },
        Scan {
            side: side(&source_name(&new), &new_snapshot),
            estate: &new_snapshot.estate,
            evaluation: &new_eval,
        },
    );
    if let Err(e) = super::write_output(
        args.out.as_deref(),
        &diff::render(&made, args.format),
        "diff",
    ) {
        return fail(e);
    }
    let regressions = made.count(Impact::Regression);
    if args.fail_on == Some(DiffFailOn::Regression) && regressions > 0 {
        crate::say!(
            "{regressions} regression{} since {}",
            if regressions == 1 { "" } else { "s" },
            crate::text::sanitize(&made.base.source)
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// The base snapshot file and where the new estate comes from.
fn sides(args: &DiffArgs) -> Result<(PathBuf, SourceSpec), String> {
    let mut files = args.files.iter();
    let base = match &args.since {
        Some(dir) => newest(dir)?,
        None => files
            .next()
            .cloned()
            .ok_or("diff needs a base: a snapshot file, or --since DIR")?,
    };
    let new = match files.next() {
        Some(path) if files.next().is_none() => SourceSpec::Snapshot(path.clone()),
        Some(_) => return Err("--since DIR takes at most one snapshot (the new one)".into()),
        // Headless: the demo's simulated latency would only slow the diff down.
        None => match args.source.spec() {
            SourceSpec::Demo { .. } => SourceSpec::Demo { latency: false },
            other => other,
        },
    };
    Ok((base, new))
}

fn source_name(spec: &SourceSpec) -> String {
    match spec {
        SourceSpec::Snapshot(p) => p.display().to_string(),
        SourceSpec::Demo { .. } => "demo".into(),
        SourceSpec::Aws(_) => "live".into(),
    }
}

fn side(source: &str, s: &Snapshot) -> Side {
    Side {
        source: source.to_string(),
        finished_at: s.scan.finished_at.clone(),
        buckets: s.estate.buckets.len(),
        accounts: s.estate.accounts.len(),
    }
}

/// The newest snapshot `scan --out-dir` wrote in `dir` (by the time in its name).
pub fn newest(dir: &Path) -> Result<PathBuf, String> {
    let none = || {
        format!(
            "no snapshot in {} (`intransit scan --out-dir {}` writes them)",
            dir.display(),
            dir.display()
        )
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(none()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| super::history::is_history_file(n))
        .collect();
    names.sort_by_key(|n| super::history::order_key(n));
    names.pop().map(|n| dir.join(n)).ok_or_else(none)
}

/// Reads a snapshot file as the console's `--baseline`: (the name it is shown by, the
/// snapshot).
pub fn load_snapshot(path: &Path) -> Result<(String, Snapshot), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let store = runtime
        .block_on(async {
            let scan = source::start(&SourceSpec::Snapshot(path.to_path_buf())).await?;
            scan.finish().await
        })
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    Ok((path.display().to_string(), store.into_snapshot()))
}
