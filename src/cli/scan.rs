//! `intransit scan`: read the estate headless and write a versioned JSON snapshot.
//!
//! Exit status (the snapshot is written in every case but 1):
//! - 0: every read answered;
//! - 3: some reads failed: every resource is in the snapshot, those reads left `unknown`;
//! - 4: a whole listing failed (an account, a region or a service in it could not be read):
//!   resources there may be missing from the snapshot;
//! - 1: no snapshot could be produced (source unusable, output not writable).
//!
//! Codes 3 and 4 also say so on stderr, with the failed listings.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::source_args::SourceArgs;
use crate::compliance::{Catalog, evaluate, paths::Path};
use crate::model::Snapshot;
use crate::source::{self, snapshot_file};
use crate::store::Store;

/// What `scan` writes: the snapshot, plus the end-to-end paths derived from it (like each
/// bucket's `tls`, they are re-derived when the snapshot is loaded, never read back).
#[derive(serde::Serialize)]
struct ScanOutput<'a> {
    #[serde(flatten)]
    snapshot: &'a Snapshot,
    paths: &'a [Path],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum SnapshotFormat {
    #[default]
    Json,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Logs read into the snapshot beside the estate (its `traffic`).
    #[command(flatten)]
    pub traffic: super::TrafficArgs,
    /// Write the snapshot here instead of standard output; a name ending in `.zst` writes it
    /// compressed with zstd (`--snapshot` reads either).
    #[arg(long, short, value_name = "FILE", conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Keep a history: write DIR/intransit-<time>.json and copy it to DIR/latest.json
    /// (`diff --since DIR` compares with the newest).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Snapshot format.
    #[arg(long, value_enum, default_value_t)]
    pub format: SnapshotFormat,
}

pub fn run(args: &ScanArgs) -> ExitCode {
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let spec = args.source.spec();
    let result = runtime.block_on(async {
        let scan = source::start(&spec).await?;
        let progress = std::io::stderr().is_terminal().then(|| {
            let store = scan.store.clone();
            tokio::spawn(progress_line(store))
        });
        let store = scan.finish().await;
        if let Some(p) = progress {
            p.abort();
            let _ = p.await;
            eprint!("\r\x1b[2K");
        }
        store
    });
    let store = match result {
        Ok(store) => store,
        Err(e) => {
            crate::say!("scan failed: {e}");
            return ExitCode::from(1);
        }
    };
    super::apply_traffic(&store, args.traffic.read(args.source.demo).as_ref());
    // The scan is over: its store has no other handle, so the snapshot is moved out of it.
    let snapshot = store.into_snapshot();
    let evaluation = evaluate(&Catalog::builtin(), &snapshot.estate);
    let output = ScanOutput {
        snapshot: &snapshot,
        paths: &evaluation.paths,
    };
    let target = match history_target(args, &snapshot) {
        Ok(t) => t,
        Err(e) => {
            crate::say!("{e}");
            return ExitCode::from(1);
        }
    };
    // `--out F.json.zst` writes it compressed; `--snapshot` reads either.
    let compress = target.as_deref().is_some_and(snapshot_file::compressed);
    let written = super::write_output_with(target.as_deref(), "snapshot", |out| {
        snapshot_file::write(out, compress, &output)
    });
    let latest = match (&args.out_dir, &target) {
        (Some(dir), Some(path)) if written.is_ok() => super::history::copy_latest(dir, path)
            .map(Some)
            .map_err(|e| {
                format!(
                    "cannot write {}: {e}",
                    dir.join(super::history::LATEST).display()
                )
            }),
        _ => Ok(None),
    };
    if let Err(e) = written.and(latest.map(|_| ())) {
        crate::say!("{e}");
        return ExitCode::from(1);
    }
    let errors = snapshot.estate.fetch_error_count();
    if let (Some(_), Some(path)) = (&args.out_dir, &target) {
        crate::say!("wrote {}", path.display());
    }
    if target.is_some() || std::io::stderr().is_terminal() {
        crate::say!(
            "{} accounts, {} buckets, {} workgroups, {} fetch errors",
            snapshot.estate.accounts.len(),
            snapshot.estate.buckets.len(),
            snapshot.estate.workgroups.len(),
            errors
        );
    }
    let (code, message) = completeness(&snapshot.estate);
    if let Some(message) = message {
        crate::text::to_stderr(&message);
    }
    // About to exit: freeing the estate and its findings piece by piece takes longer than
    // the process's exit.
    std::mem::forget(evaluation);
    std::mem::forget(snapshot);
    ExitCode::from(code)
}

/// Where the snapshot goes: `--out`, a new file in `--out-dir` (created if missing), or
/// standard output.
fn history_target(args: &ScanArgs, snapshot: &Snapshot) -> Result<Option<PathBuf>, String> {
    let Some(dir) = &args.out_dir else {
        return Ok(args.out.clone());
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let finished = snapshot.scan.finished_at.clone().unwrap_or_else(|| {
        humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
    });
    Ok(Some(super::history::next_path(dir, &finished)))
}

/// The exit code of a scan that produced `estate`, and what to say on stderr about it.
pub fn completeness(estate: &crate::model::Estate) -> (u8, Option<String>) {
    const SHOWN: usize = 5;
    if !estate.errors.is_empty() {
        let mut listed: Vec<String> = estate
            .errors
            .iter()
            .take(SHOWN)
            .map(|e| {
                let place = [e.account_id.as_deref(), e.region.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                if place.is_empty() {
                    e.short()
                } else {
                    format!("{} in {place}", e.short())
                }
            })
            .collect();
        if estate.errors.len() > SHOWN {
            listed.push(format!("and {} more", estate.errors.len() - SHOWN));
        }
        let message = format!(
            "incomplete scan: {} listing{} failed, so resources there may be missing: {}",
            estate.errors.len(),
            if estate.errors.len() == 1 { "" } else { "s" },
            listed.join("; ")
        );
        return (4, Some(message));
    }
    let failed = estate.fetch_error_count();
    if failed > 0 {
        let resources = estate
            .buckets
            .iter()
            .filter(|b| !b.errors.is_empty())
            .count()
            + estate
                .workgroups
                .iter()
                .filter(|w| !w.errors.is_empty())
                .count();
        let message = format!(
            "incomplete scan: {failed} read{} failed on {resources} resource{}; what they \
             would have shown is unknown",
            if failed == 1 { "" } else { "s" },
            if resources == 1 { "" } else { "s" },
        );
        return (3, Some(message));
    }
    (0, None)
}

/// One line on stderr, redrawn a few times a second, only when stderr is a terminal.
async fn progress_line(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_millis(120));
    loop {
        tick.tick().await;
        let line = store.read(|s| {
            let parts: Vec<String> = s
                .progress
                .values()
                .map(|p| {
                    format!(
                        "{} {}/{}",
                        p.fetcher,
                        p.done + p.failed,
                        p.done + p.failed + p.in_flight + p.queued
                    )
                })
                .collect();
            format!(
                "scanning: {} | {} buckets",
                parts.join("  "),
                s.estate.buckets.len()
            )
        });
        eprint!("\r\x1b[2K{}", crate::text::sanitize(&line));
        let _ = std::io::stderr().flush();
    }
}
