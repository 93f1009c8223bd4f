//! What changed between two scans of an estate: buckets added and removed, TLS verdict and
//! `min_tls` changes, control and finding status changes, path verdict changes, VPN tunnels
//! that went down, VPC endpoints removed, accounts that could no longer be scanned. Each
//! change is a regression, an improvement or neutral, judged in the badness order used
//! everywhere (`fail < unknown < partial < pass`).
//!
//! Pure: two estates and their evaluations in, a [`Diff`] out; `render` writes it.

mod compare;
mod render;

use serde::Serialize;

pub use compare::{Scan, diff};
pub use render::{DIFF_SCHEMA, DiffFormat, render};

/// Whether a change makes data in transit less protected, more, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    Regression,
    Improvement,
    Neutral,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Regression => "regression",
            Impact::Improvement => "improvement",
            Impact::Neutral => "neutral",
        }
    }
}

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    AccountScanState,
    AccountAdded,
    AccountRemoved,
    BucketAdded,
    BucketRemoved,
    BucketVerdict,
    BucketMinTls,
    ControlStatus,
    FindingStatus,
    FindingAdded,
    FindingRemoved,
    PathVerdict,
    PathAdded,
    PathRemoved,
    TunnelStatus,
    EndpointAdded,
    EndpointRemoved,
    EndpointState,
}

impl ChangeKind {
    /// Words for a person: "TLS verdict".
    pub fn words(self) -> &'static str {
        match self {
            ChangeKind::AccountScanState => "account scan state",
            ChangeKind::AccountAdded => "account added",
            ChangeKind::AccountRemoved => "account removed",
            ChangeKind::BucketAdded => "bucket added",
            ChangeKind::BucketRemoved => "bucket removed",
            ChangeKind::BucketVerdict => "TLS verdict",
            ChangeKind::BucketMinTls => "minimum TLS version",
            ChangeKind::ControlStatus => "control status",
            ChangeKind::FindingStatus => "finding status",
            ChangeKind::FindingAdded => "new finding",
            ChangeKind::FindingRemoved => "finding gone",
            ChangeKind::PathVerdict => "path verdict",
            ChangeKind::PathAdded => "path added",
            ChangeKind::PathRemoved => "path removed",
            ChangeKind::TunnelStatus => "VPN tunnel status",
            ChangeKind::EndpointAdded => "VPC endpoint added",
            ChangeKind::EndpointRemoved => "VPC endpoint removed",
            ChangeKind::EndpointState => "VPC endpoint state",
        }
    }
}

/// One change between the base scan and the new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub impact: Impact,
    pub kind: ChangeKind,
    /// What changed: `bucket logs-prod`, `control pci-dss-4.0:4.2.1`, a finding id.
    pub subject: String,
    pub account_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The controls a finding decides (`program:control`), for finding changes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
}

impl Change {
    /// `enforced → not_enforced`, `now fail`, `was pass`.
    pub fn before_after(&self) -> String {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => format!("{b} → {a}"),
            (None, Some(a)) => format!("now {a}"),
            (Some(b), None) => format!("was {b}"),
            (None, None) => String::new(),
        }
    }

    /// The bucket whose verdict or TLS floor changed, or that is new: what the console marks
    /// with Δ; `None` for other changes.
    pub fn changed_bucket(&self) -> Option<&str> {
        match self.kind {
            ChangeKind::BucketAdded | ChangeKind::BucketVerdict | ChangeKind::BucketMinTls => {
                self.subject.strip_prefix("bucket ")
            }
            _ => None,
        }
    }
}

/// One side of a diff, as the report names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The file it was read from, or `demo` / `live`.
    pub source: String,
    pub finished_at: Option<String>,
    pub buckets: usize,
    pub accounts: usize,
}

impl Side {
    /// `base.json (2026-12-02T06:00:05Z)`.
    pub fn label(&self) -> String {
        match &self.finished_at {
            Some(at) => format!("{} ({at})", self.source),
            None => self.source.clone(),
        }
    }
}

/// Every change between two scans, regressions first.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Diff {
    pub base: Side,
    pub new: Side,
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }
}
