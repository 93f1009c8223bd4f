//! What a check produces: a finding per resource, with a status, the resource it is about, a
//! message in plain words and the evidence that decided it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

use crate::model::FetchError;
use crate::policy::Tls;

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

    /// Fail, unknown or partial: what an exception can accept, a diff counts as a new
    /// problem, and a control lists as not passing.
    pub fn needs_attention(self) -> bool {
        matches!(self, Status::Fail | Status::Unknown | Status::Partial)
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

/// The resource a finding is about. Its words are shared: a bucket's name with its analysis,
/// account ids and regions with every resource of the estate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Resource {
    pub kind: ResourceKind,
    /// Unique within its kind: bucket name, `region/workgroup`, `vpn-id/outside-ip`, `dxcon-id`,
    /// account id, `account/region`.
    pub id: Arc<str>,
    pub account_id: Arc<str>,
    /// `None` for account-wide resources.
    pub region: Option<Arc<str>>,
    /// The ARN, when the resource has one.
    pub arn: Option<Arc<str>>,
    /// A friendly name (VPN connection name, DX connection name, account name).
    pub name: Option<Arc<str>>,
}

/// Words of a finding: most are the same for thousands of resources and are not copied.
pub type Text = Cow<'static, str>;

/// One fact that decided a finding: `encryption_mode = no_encrypt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: Text,
    pub value: Text,
}

/// Which of a bucket analysis' statements and gaps a finding shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketPart {
    /// Every deciding statement and every gap (TLS enforcement).
    All,
    /// Only the statements that set a TLS floor, no gaps.
    TlsFloor,
}

/// The bucket analysis a finding's statements and gaps come from.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketEvidence {
    pub tls: Tls,
    pub part: BucketPart,
    /// The analysis' facts (`verdict`, `min_tls`, each warning, the error) lead and close the
    /// finding's attributes, read from the analysis instead of copied.
    pub facts: bool,
}

/// What decided a finding: attributes of the resource, the policy statements (bucket policy,
/// RCP) with their index and Sid, and the fetch errors behind an `unknown`.
///
/// A bucket finding reads its statements and gaps from the bucket's analysis (shared by the
/// buckets of one policy shape) when they are shown or written, instead of holding copies:
/// read them with [`Evidence::statements`] and [`Evidence::gaps`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(from = "EvidenceOwned")]
pub struct Evidence {
    /// Attributes of its own; a bucket finding's TLS facts come from `bucket`. Read them all
    /// with [`Evidence::attributes`].
    pub attributes: ThinVec<Attribute>,
    /// Statements of its own (an RCP judged alone), beside the bucket's.
    pub own_statements: ThinVec<crate::policy::Evidence>,
    /// Gaps of its own, beside the bucket's.
    pub own_gaps: ThinVec<String>,
    pub errors: ThinVec<FetchError>,
    /// The bucket analysis the statements and gaps (and, with `facts`, the TLS attributes)
    /// come from.
    pub bucket: Option<BucketEvidence>,
}

/// Evidence as written: every statement and gap spelled out.
#[derive(Serialize, Deserialize)]
struct EvidenceData<A, S, G, E> {
    attributes: A,
    /// The statements that deny plain HTTP or set a TLS floor, exactly as the analyzer
    /// reported them (`source`, `statement` index, `sid`, `roles`, `summary`, `json`).
    statements: S,
    /// What is still accepted over plain HTTP, in words (bucket checks).
    gaps: G,
    errors: E,
}

type EvidenceOwned =
    EvidenceData<Vec<Attribute>, Vec<crate::policy::Evidence>, Vec<String>, Vec<FetchError>>;

impl Serialize for Evidence {
    /// Written without a copy of the evidence: only the bucket's statements and gaps are
    /// rendered, for the time it takes to write them.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EvidenceData {
            attributes: self.attributes(),
            statements: self.statements(),
            gaps: self.gaps(),
            errors: &self.errors[..],
        }
        .serialize(s)
    }
}

impl From<EvidenceOwned> for Evidence {
    fn from(d: EvidenceOwned) -> Evidence {
        Evidence {
            attributes: d.attributes.into(),
            own_statements: d.statements.into(),
            own_gaps: d.gaps.into(),
            errors: d.errors.into(),
            bucket: None,
        }
    }
}

impl Evidence {
    pub fn attr(mut self, name: impl Into<Text>, value: impl Into<Text>) -> Evidence {
        self.attributes.push(Attribute {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// The facts that decided the finding: a bucket's `verdict` and `min_tls`, then its own
    /// attributes, then the bucket's warnings and error.
    pub fn attributes(&self) -> Cow<'_, [Attribute]> {
        let Some(BucketEvidence {
            tls, facts: true, ..
        }) = &self.bucket
        else {
            return Cow::Borrowed(&self.attributes[..]);
        };
        let fact = |name: &'static str, value: Text| Attribute {
            name: name.into(),
            value,
        };
        let mut out = vec![
            fact("verdict", tls.verdict().as_str().into()),
            fact(
                "min_tls",
                tls.min_tls().map_or("none", |v| v.as_str()).into(),
            ),
        ];
        out.extend(self.attributes.iter().cloned());
        for w in tls.warnings() {
            let kind = kind_name(&w.kind);
            out.push(fact(
                "warning",
                match w.statement {
                    Some(i) => format!("{kind} (statement {i})").into(),
                    None => kind.into(),
                },
            ));
        }
        if let Some(err) = tls.error() {
            out.push(fact("error", err.into_owned().into()));
        }
        Cow::Owned(out)
    }

    /// The statements that deny plain HTTP or set a TLS floor; a bucket's in the order of
    /// [`statement_order`].
    pub fn statements(&self) -> Vec<crate::policy::Evidence> {
        let mut out = self.own_statements.to_vec();
        if let Some(BucketEvidence { tls, part, .. }) = &self.bucket {
            out.extend(tls.evidence().filter(|e| {
                *part == BucketPart::All || e.roles.contains(&crate::policy::Role::SetsTlsFloor)
            }));
            out.sort_by(|a, b| statement_order(a).cmp(&statement_order(b)));
        }
        out
    }

    /// What is still accepted over plain HTTP, in words (bucket checks).
    pub fn gaps(&self) -> Vec<Cow<'_, str>> {
        let mut out: Vec<Cow<'_, str>> = self
            .own_gaps
            .iter()
            .map(|g| Cow::Borrowed(g.as_str()))
            .collect();
        if let Some(BucketEvidence {
            tls,
            part: BucketPart::All,
            ..
        }) = &self.bucket
        {
            out.extend(tls.gap_messages());
        }
        out
    }

    /// One line for CSV and tables: `name=value; ...; statements 0 "Sid", 1`.
    pub fn pointer(&self) -> String {
        let mut parts: Vec<String> = self
            .attributes()
            .iter()
            .map(|a| format!("{}={}", a.name, a.value))
            .collect();
        let statements = self.statements();
        if !statements.is_empty() {
            let list: Vec<String> = statements.iter().map(statement_ref).collect();
            parts.push(format!("statements: {}", list.join(", ")));
        }
        for e in &self.errors {
            parts.push(format!("error: {}", e.short()));
        }
        parts.join("; ")
    }
}

/// A warning kind's name as written (`denies_all_tls`).
pub(crate) fn kind_name<T: Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Bucket policy first, then RCPs by id, each in document order: independent of the order
/// in which the scan delivered the RCPs.
pub(crate) fn statement_order(e: &crate::policy::Evidence) -> (u8, &str, usize) {
    match &e.source {
        crate::policy::PolicySource::BucketPolicy => (0, "", e.statement),
        crate::policy::PolicySource::ResourceControlPolicy { policy_id, .. } => {
            (1, policy_id.as_str(), e.statement)
        }
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
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Finding {
    /// Stable: `check/kind/resource-id` (shared with the controls it decides).
    pub id: Arc<str>,
    /// The check that produced it.
    pub check: Text,
    pub status: Status,
    pub severity: Severity,
    /// Shared by the findings of every check about the same bucket.
    pub resource: Arc<Resource>,
    /// What was found, in words; `None` when the check says it from the bucket's analysis
    /// each time it is read. Read it with [`Finding::message`].
    #[serde(rename = "message")]
    pub stored_message: Option<Text>,
    /// Context that does not change the status (e.g. "AWS endpoints require TLS 1.2").
    pub note: Option<Text>,
    /// The bucket is read or written by Athena (result location or table data).
    pub athena_data_path: bool,
    pub evidence: Evidence,
}

impl Finding {
    pub fn new(
        check: &'static str,
        status: Status,
        severity: Severity,
        resource: impl Into<Arc<Resource>>,
        message: impl Into<Text>,
    ) -> Finding {
        let resource = resource.into();
        Finding {
            id: Arc::from(format!("{check}/{}/{}", resource.kind, resource.id)),
            check: Cow::Borrowed(check),
            status,
            severity,
            resource,
            stored_message: Some(message.into()),
            note: None,
            athena_data_path: false,
            evidence: Evidence::default(),
        }
    }

    /// A bucket check's finding whose message the check says from the bucket's analysis
    /// (`evidence.bucket`) when it is read, instead of holding a copy per bucket.
    pub fn from_analysis(
        check: &'static str,
        status: Status,
        severity: Severity,
        resource: impl Into<Arc<Resource>>,
        evidence: Evidence,
    ) -> Finding {
        debug_assert!(
            evidence.bucket.as_ref().is_some_and(|b| {
                !super::checks::bucket_message(check, &b.tls, None).is_empty()
            }),
            "{check}: a bucket's analysis, and a check that says its message from it"
        );
        let mut f = Finding::new(check, status, severity, resource, "").with_evidence(evidence);
        f.stored_message = None;
        f
    }

    /// What was found, in words.
    pub fn message(&self) -> Cow<'_, str> {
        match (&self.stored_message, &self.evidence.bucket) {
            (Some(m), _) => Cow::Borrowed(m),
            (None, Some(b)) => {
                let athena = self.evidence.attributes.iter().find(|a| a.name == "athena");
                super::checks::bucket_message(&self.check, &b.tls, athena.map(|a| &*a.value))
            }
            (None, None) => Cow::Borrowed(""),
        }
    }

    pub fn with_note(mut self, note: impl Into<Text>) -> Finding {
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

    /// The order findings are listed in everywhere: [`Finding::sort_key`], then id.
    pub fn listing_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
        a.sort_key().cmp(&b.sort_key()).then(a.id.cmp(&b.id))
    }
}

impl Serialize for Finding {
    /// The fields in their order, the message said when written.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 9)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("check", &self.check)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("resource", &self.resource)?;
        st.serialize_field("message", &self.message())?;
        st.serialize_field("note", &self.note)?;
        st.serialize_field("athena_data_path", &self.athena_data_path)?;
        st.serialize_field("evidence", &self.evidence)?;
        st.end()
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
