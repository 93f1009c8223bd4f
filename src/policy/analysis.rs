//! What the analyzer answers: the verdict, the TLS floor, the gaps in words, the evidence and
//! the warnings. These types are the JSON contract described in `docs/POLICY-ANALYSIS.md`.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::condition::TlsVersion;
use super::shape::StatementJson;
use crate::model::Partition;

/// Whether plain-HTTP requests to a bucket are denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Enforced,
    Partial,
    NotEnforced,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Enforced => "enforced",
            Verdict::Partial => "partial",
            Verdict::NotEnforced => "not_enforced",
            Verdict::Unknown => "unknown",
        }
    }
}

impl Verdict {
    /// Worst first: not enforced, partial, unknown, enforced (the lists' and the plan's order).
    pub fn rank(self) -> u8 {
        match self {
            Verdict::NotEnforced => 0,
            Verdict::Partial => 1,
            Verdict::Unknown => 2,
            Verdict::Enforced => 3,
        }
    }

    /// A glyph shown beside the word, so a status never depends on colour.
    pub fn glyph(self) -> &'static str {
        match self {
            Verdict::Enforced => "✔",
            Verdict::Partial => "◐",
            Verdict::NotEnforced => "✘",
            Verdict::Unknown => "?",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a statement came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum PolicySource {
    BucketPolicy,
    ResourceControlPolicy {
        policy_id: String,
        policy_name: String,
    },
}

impl PolicySource {
    pub fn label(&self) -> String {
        match self {
            PolicySource::BucketPolicy => "bucket policy".to_string(),
            PolicySource::ResourceControlPolicy { policy_name, .. } => {
                format!("resource control policy {policy_name}")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    NoDeny,
    Actions,
    UnlistedActions,
    BucketResource,
    Objects,
    Principals,
    Conditions,
    /// The analysis ran out of its work budget before deciding whether these requests are
    /// denied: they may be accepted.
    TooComplex,
}

/// One kind of plain-HTTP request that is still accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub kind: GapKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    DeniesHttp,
    DeniesHttpConditionally,
    SetsTlsFloor,
}

/// A statement that did work in the verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(flatten)]
    pub source: PolicySource,
    /// 0-based index of the statement in its document.
    pub statement: usize,
    pub sid: Option<String>,
    pub roles: Vec<Role>,
    /// One line: what the statement denies.
    pub summary: String,
    /// The statement exactly as written.
    pub json: StatementJson,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    DeniesHttps,
    NeverApplies,
    AllowDoesNotDeny,
    NotThisBucket,
    UndecidableOperator,
    Tls13Floor,
    /// Every TLS request is denied as well: the bucket is unusable for those principals.
    DeniesAllTls,
    #[serde(rename = "version_2008")]
    Version2008,
    TooComplex,
    /// The bucket policy could not be read; an RCP decided the verdict on its own.
    BucketPolicyUnread,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub statement: Option<usize>,
    pub message: String,
}

/// The analyzer's answer for one bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub bucket: String,
    pub partition: Partition,
    pub verdict: Verdict,
    pub min_tls: Option<TlsVersion>,
    pub gaps: Vec<Gap>,
    pub evidence: Vec<Evidence>,
    pub warnings: Vec<Warning>,
    /// Why the verdict is `unknown` (policy unreadable, access denied, malformed).
    pub error: Option<String>,
}

impl Analysis {
    /// An `unknown` verdict for a bucket whose policy could not be obtained or read.
    pub fn unknown(bucket: &str, partition: Partition, error: impl Into<String>) -> Analysis {
        Analysis {
            bucket: bucket.to_string(),
            partition,
            verdict: Verdict::Unknown,
            min_tls: None,
            gaps: Vec::new(),
            evidence: Vec::new(),
            warnings: Vec::new(),
            error: Some(error.into()),
        }
    }

    /// Enforced, and every statement that denies plain HTTP comes from a resource control
    /// policy: the bucket policy alone would not enforce.
    pub fn enforced_only_by_rcp(&self) -> bool {
        let sources = self.enforcing_sources();
        self.verdict == Verdict::Enforced
            && !sources.is_empty()
            && sources
                .iter()
                .all(|s| matches!(s, PolicySource::ResourceControlPolicy { .. }))
    }

    /// `bucket policy`, `RCP`, `RCP + bucket policy`, or `—`: what denies plain HTTP, as every
    /// view and the fixes word it.
    pub fn enforced_by(&self) -> &'static str {
        let sources = self.enforcing_sources();
        let rcp = sources
            .iter()
            .any(|s| matches!(s, PolicySource::ResourceControlPolicy { .. }));
        let bp = sources
            .iter()
            .any(|s| matches!(s, PolicySource::BucketPolicy));
        match (rcp, bp) {
            (false, false) => "—",
            (true, true) => "RCP + bucket policy",
            (true, false) => "RCP",
            (false, true) => "bucket policy",
        }
    }

    /// Which policy sources deny plain HTTP unconditionally (e.g. for "enforced by RCP").
    pub fn enforcing_sources(&self) -> Vec<&PolicySource> {
        let mut out: Vec<&PolicySource> = Vec::new();
        for e in &self.evidence {
            if e.roles.contains(&Role::DeniesHttp) && !out.contains(&&e.source) {
                out.push(&e.source);
            }
        }
        out
    }
}
