//! The versioned snapshot file: what `intransit scan` writes and `--snapshot FILE` reads.

use serde::{Deserialize, Serialize};

use super::Estate;

pub const SNAPSHOT_SCHEMA: &str = "intransit.snapshot/v1";

/// Where the data came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Live,
    Demo,
    Snapshot,
}

impl Mode {
    pub fn badge(self) -> &'static str {
        match self {
            Mode::Live => "LIVE",
            Mode::Demo => "DEMO",
            Mode::Snapshot => "SNAPSHOT",
        }
    }
}

/// Progress of one fetcher (e.g. `s3`, `athena`, `ec2`): calls queued, running, finished.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetcherProgress {
    pub fetcher: String,
    pub queued: u64,
    pub in_flight: u64,
    pub done: u64,
    pub failed: u64,
}

impl FetcherProgress {
    pub fn finished(&self) -> bool {
        self.queued == 0 && self.in_flight == 0
    }
}

/// Facts about the scan itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanMeta {
    pub mode: Mode,
    pub tool_version: String,
    /// RFC 3339, UTC.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: Option<u64>,
    /// Milliseconds from the start of the scan until the last bucket got its TLS verdict
    /// (auditor context such as encryption may still arrive after).
    pub verdicts_complete_ms: Option<u64>,
    pub regions: Vec<String>,
    /// AWS API calls made (0 for demo and snapshot).
    pub api_calls: u64,
    /// Calls per operation, e.g. `s3:GetBucketPolicy` → 2000 (retries included).
    pub operations: std::collections::BTreeMap<String, u64>,
    pub progress: Vec<FetcherProgress>,
}

/// A whole scan, as written to disk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: String,
    pub scan: ScanMeta,
    #[serde(flatten)]
    pub estate: Estate,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not an intransit snapshot (line {line}, column {column}): {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path} has schema {found:?}; this intransit reads {SNAPSHOT_SCHEMA:?}")]
    Schema { path: String, found: String },
}

impl Snapshot {
    /// Reads and checks a snapshot file.
    pub fn from_json(path: &str, text: &str) -> Result<Snapshot, SnapshotError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SnapshotError::Json {
                path: path.to_string(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        let found = value
            .get("schema")
            .and_then(|s| s.as_str())
            .unwrap_or("(none)")
            .to_string();
        if found != SNAPSHOT_SCHEMA {
            return Err(SnapshotError::Schema {
                path: path.to_string(),
                found,
            });
        }
        serde_json::from_value(value).map_err(|e| SnapshotError::Json {
            path: path.to_string(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })
    }
}
