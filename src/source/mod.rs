//! Where the estate comes from: live AWS (read-only), the embedded demo estate, or a snapshot
//! file. Every source fills the same [`Store`] with the same domain model; the demo and
//! snapshot sources never construct an AWS client and never open a socket.

pub mod demo;
mod options;
pub mod snapshot_file;

#[cfg(feature = "aws")]
pub mod aws;

use std::path::PathBuf;

use tokio::task::JoinHandle;

pub use options::{AwsOptions, OrgScope};

use crate::model::{Mode, Snapshot, SnapshotError};
use crate::store::{Store, Update};

/// Which source to read.
// One per run: boxing the AWS options would save nothing anyone could measure.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum SourceSpec {
    /// The embedded demo estate; `latency` simulates API round trips so progress is visible.
    Demo {
        latency: bool,
    },
    Snapshot(PathBuf),
    Aws(AwsOptions),
}

impl SourceSpec {
    pub fn mode(&self) -> Mode {
        match self {
            SourceSpec::Demo { .. } => Mode::Demo,
            SourceSpec::Snapshot(_) => Mode::Snapshot,
            SourceSpec::Aws(_) => Mode::Live,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(
        "this intransit was built without AWS support (cargo feature \"aws\"); use --demo or --snapshot"
    )]
    AwsDisabled,
    #[error("{0}")]
    Aws(String),
}

/// A scan in progress: the store it fills and the task filling it (none for a snapshot,
/// which is loaded whole).
pub struct Scan {
    pub store: Store,
    pub task: Option<JoinHandle<Result<(), SourceError>>>,
}

impl Scan {
    /// Waits for the source to finish.
    pub async fn finish(self) -> Result<Store, SourceError> {
        if let Some(task) = self.task {
            match task.await {
                Ok(result) => result?,
                Err(e) => return Err(SourceError::Aws(format!("scan task failed: {e}"))),
            }
        }
        Ok(self.store)
    }
}

/// Starts reading the context of bucket `name` of `account_id` into `store`, when `spec` is a
/// live source (the demo and snapshots have nothing more to read). Returns whether it started.
pub fn read_bucket_context(spec: &SourceSpec, store: &Store, account_id: &str, name: &str) -> bool {
    match spec {
        #[cfg(feature = "aws")]
        SourceSpec::Aws(opts) => {
            tokio::spawn(aws::read_bucket_context(
                store.clone(),
                opts.clone(),
                account_id.to_string(),
                name.to_string(),
            ));
            true
        }
        _ => {
            let _ = (store, account_id, name);
            false
        }
    }
}

fn load_snapshot(path: &std::path::Path) -> Result<Store, SourceError> {
    let shown = path.display().to_string();
    let open = || {
        snapshot_file::open(path).map_err(|source| SnapshotError::Io {
            path: shown.clone(),
            source,
        })
    };
    // Streamed (and decompressed as it is read): the file is never held whole, nor as a JSON
    // tree.
    let snapshot = Snapshot::read_for_store(&shown, open()?, || {
        open().ok().and_then(Snapshot::probe_schema)
    })?;
    Ok(Store::from_snapshot(snapshot))
}

/// Starts reading `spec` into a new store. Must be called inside a tokio runtime.
pub async fn start(spec: &SourceSpec) -> Result<Scan, SourceError> {
    match spec {
        SourceSpec::Demo { latency } => {
            let store = Store::new(Mode::Demo);
            // The demo's logs, before the scan: a command line that reads more logs replaces
            // them (with the demo's and its own) once `start` returns.
            let traffic = crate::traffic::read(&crate::traffic::Inputs::default(), true, None);
            store.apply(Update::Traffic(std::sync::Arc::new(traffic)));
            let task = tokio::spawn(demo::run(store.clone(), *latency));
            Ok(Scan {
                store,
                task: Some(task),
            })
        }
        SourceSpec::Snapshot(path) => {
            // Reading, parsing and re-deriving every verdict is CPU work: off the runtime's
            // threads, so signals and input are still served while a large snapshot loads.
            let path = path.clone();
            let load = tokio::task::spawn_blocking(move || load_snapshot(&path));
            let store = match load.await {
                Ok(store) => store?,
                Err(e) => {
                    return Err(SourceError::Aws(format!(
                        "loading the snapshot failed: {e}"
                    )));
                }
            };
            Ok(Scan { store, task: None })
        }
        #[cfg(feature = "aws")]
        SourceSpec::Aws(opts) => {
            let store = Store::new(Mode::Live);
            let task = tokio::spawn(aws::run(store.clone(), opts.clone()));
            Ok(Scan {
                store,
                task: Some(task),
            })
        }
        #[cfg(not(feature = "aws"))]
        SourceSpec::Aws(_) => Err(SourceError::AwsDisabled),
    }
}
