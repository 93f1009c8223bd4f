//! What a check produces: a finding per resource, with a status, the resource it is about, a
//! message in plain words and the evidence that decided it.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::FetchError;

/// The result of a finding, a control or a program.
///
/// The derived order is the *badness* order used everywhere (worst first) and by
/// `--fail-on`: `fail < unknown < partial < pass`. `not_applicable` sorts last and never
/// decides anything: a control whose findings are all `not_applicable` is `not_applicable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement is not met for this resource.
    Fail,
    /// The evidence could not be read (access denied, fetch failed, outside the scan): it may
    /// hide a failure, so it ranks below `partial`.
    Unknown,
    /// Met for some requests, paths or principals and not for others.
    Partial,
    /// Met.
    Pass,
    /// Nothing to judge (no such resource, a disabled workgroup).
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Fail,
        Status::Unknown,
        Status::Partial,
        Status::Pass,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Partial => "partial",
            Status::Pass => "pass",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// Upper-case label for reports (`FAIL`, `N/A`).
    pub fn label(self) -> &'static str {
        match self {
            Status::Fail => "FAIL",
            Status::Unknown => "UNKNOWN",
            Status::Partial => "PARTIAL",
            Status::Pass => "PASS",
            Status::NotApplicable => "N/A",
        }
    }

    /// Whether `self` is at or below `threshold` in the badness order (`not_applicable`
    /// never is).
    pub fn at_or_below(self, threshold: Status) -> bool {
        self != Status::NotApplicable && self <= threshold
    }

    /// The worst of several statuses, ignoring `not_applicable`; `not_applicable` when there is
    /// nothing else.
    pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Status {
        statuses
            .into_iter()
            .filter(|s| *s != Status::NotApplicable)
            .min()
            .unwrap_or(Status::NotApplicable)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much it matters when the finding does not pass (used for ordering and for OCSF
/// `severity_id`). A passing finding is reported as informational in OCSF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Informational,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Informational => "informational",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    S3Bucket,
    AthenaWorkgroup,
    VpnTunnel,
    DxConnection,
    /// An AWS account (organization-level controls).
    Account,
    /// One region of one account (endpoint coverage, or a region whose listing failed).
    AccountRegion,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "s3_bucket",
            ResourceKind::AthenaWorkgroup => "athena_workgroup",
            ResourceKind::VpnTunnel => "vpn_tunnel",
            ResourceKind::DxConnection => "dx_connection",
            ResourceKind::Account => "account",
            ResourceKind::AccountRegion => "account_region",
        }
    }

    /// The CloudFormation-style type name (OCSF `resources[].type`).
    pub fn aws_type(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "AWS::S3::Bucket",
            ResourceKind::AthenaWorkgroup => "AWS::Athena::WorkGroup",
            ResourceKind::VpnTunnel => "AWS::EC2::VPNConnection",
            ResourceKind::DxConnection => "AWS::DirectConnect::Connection",
            ResourceKind::Account => "AWS::::Account",
            ResourceKind::AccountRegion => "AWS::::Account",
        }
    }

    /// Words for a person: "S3 bucket".
    pub fn noun(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "S3 bucket",
            ResourceKind::AthenaWorkgroup => "Athena workgroup",
            ResourceKind::VpnTunnel => "VPN tunnel",
            ResourceKind::DxConnection => "Direct Connect link",
            ResourceKind::Account => "account",
            ResourceKind::AccountRegion => "account region",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The resource a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Resource {
    pub kind: ResourceKind,
    /// Unique within its kind: bucket name, `region/workgroup`, `vpn-id/outside-ip`, `dxcon-id`,
    /// account id, `account/region`.
    pub id: String,
    pub account_id: String,
    /// `None` for account-wide resources.
    pub region: Option<String>,
    /// The ARN, when the resource has one.
    pub arn: Option<String>,
    /// A friendly name (VPN connection name, DX connection name, account name).
    pub name: Option<String>,
}

/// One fact that decided a finding: `encryption_mode = no_encrypt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// What decided a finding: attributes of the resource, the policy statements (bucket policy,
/// RCP) with their index and Sid, and the fetch errors behind an `unknown`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub attributes: Vec<Attribute>,
    /// The statements that deny plain HTTP or set a TLS floor, exactly as the analyzer
    /// reported them (`source`, `statement` index, `sid`, `roles`, `summary`, `json`).
    pub statements: Vec<crate::policy::Evidence>,
    /// What is still accepted over plain HTTP, in words (bucket checks).
    pub gaps: Vec<String>,
    pub errors: Vec<FetchError>,
}

impl Evidence {
    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Evidence {
        self.attributes.push(Attribute {
            name: name.to_string(),
            value: value.into(),
        });
        self
    }

    /// One line for CSV and tables: `name=value; ...; statements 0 "Sid", 1`.
    pub fn pointer(&self) -> String {
        let mut parts: Vec<String> = self
            .attributes
            .iter()
            .map(|a| format!("{}={}", a.name, a.value))
            .collect();
        if !self.statements.is_empty() {
            let list: Vec<String> = self.statements.iter().map(statement_ref).collect();
            parts.push(format!("statements: {}", list.join(", ")));
        }
        for e in &self.errors {
            parts.push(format!("error: {}", e.short()));
        }
        parts.join("; ")
    }
}

/// `bucket policy [0] "AllowSSLRequestsOnly"` / `RCP data-perimeter (p-123) [0] "Sid"`.
pub fn statement_ref(e: &crate::policy::Evidence) -> String {
    let source = match &e.source {
        crate::policy::PolicySource::BucketPolicy => "bucket policy".to_string(),
        crate::policy::PolicySource::ResourceControlPolicy {
            policy_id,
            policy_name,
        } => format!("RCP {policy_name} ({policy_id})"),
    };
    match &e.sid {
        Some(sid) => format!("{source} [{}] \"{sid}\"", e.statement),
        None => format!("{source} [{}]", e.statement),
    }
}

/// One check's verdict on one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable: `check/kind/resource-id` (shared with the controls it decides).
    pub id: Arc<str>,
    /// The check that produced it.
    pub check: String,
    pub status: Status,
    pub severity: Severity,
    pub resource: Resource,
    /// What was found, in words.
    pub message: String,
    /// Context that does not change the status (e.g. "AWS endpoints require TLS 1.2").
    pub note: Option<String>,
    /// The bucket is read or written by Athena (result location or table data).
    pub athena_data_path: bool,
    pub evidence: Evidence,
}

impl Finding {
    pub fn new(
        check: &str,
        status: Status,
        severity: Severity,
        resource: Resource,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            id: Arc::from(format!("{check}/{}/{}", resource.kind, resource.id)),
            check: check.to_string(),
            status,
            severity,
            resource,
            message: message.into(),
            note: None,
            athena_data_path: false,
            evidence: Evidence::default(),
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Finding {
        self.note = Some(note.into());
        self
    }

    pub fn with_evidence(mut self, evidence: Evidence) -> Finding {
        self.evidence = evidence;
        self
    }

    /// Worst first, then by severity, then by resource.
    pub fn sort_key(&self) -> (Status, Severity, &Resource) {
        (self.status, self.severity, &self.resource)
    }
}

/// Findings per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub partial: usize,
    pub unknown: usize,
    pub fail: usize,
    pub not_applicable: usize,
}

impl Counts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Partial => self.partial += 1,
            Status::Unknown => self.unknown += 1,
            Status::Fail => self.fail += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            c.add(s);
        }
        c
    }

    /// Adds every count of `other`.
    pub fn add_counts(&mut self, other: &Counts) {
        for s in Status::ALL {
            for _ in 0..other.get(s) {
                self.add(s);
            }
        }
    }

    pub fn get(&self, s: Status) -> usize {
        match s {
            Status::Pass => self.pass,
            Status::Partial => self.partial,
            Status::Unknown => self.unknown,
            Status::Fail => self.fail,
            Status::NotApplicable => self.not_applicable,
        }
    }

    pub fn total(&self) -> usize {
        self.pass + self.partial + self.unknown + self.fail + self.not_applicable
    }
}
