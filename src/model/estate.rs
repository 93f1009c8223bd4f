//! What intransit knows about an estate: accounts, buckets, Athena, connectivity and the
//! organization's resource control policies. Filled by a source (live AWS, the demo estate or
//! a snapshot file); never holds AWS SDK types.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Account;
use crate::policy::Tls;

/// A failed read, recorded on the resource it belongs to (or on the estate for a whole
/// service). `operation` is `service:Operation`, e.g. `s3:GetBucketPolicy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchError {
    pub operation: String,
    /// Account, region and resource the call was about, when known.
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub resource: Option<String>,
    /// AWS error code (`AccessDenied`, `ThrottlingException`, ...) or `Timeout` / `Network`.
    pub code: String,
    pub message: String,
}

/// Codes intransit gives a failed read itself; their message is intransit's own short reason.
pub mod codes {
    /// A success answer no AWS read gives: empty, an HTML page, not JSON, a required part missing.
    pub const UNEXPECTED_ANSWER: &str = "UnexpectedAnswer";
    /// Not called: the endpoint (service × region) stopped answering earlier in the scan.
    pub const NOT_ANSWERING: &str = "EndpointNotAnswering";
    /// Not called or abandoned: the scan's time limit (`--scan-timeout`) was reached.
    pub const SCAN_TIMEOUT: &str = "ScanTimeout";
}

impl FetchError {
    /// `s3:GetBucketPolicy: AccessDenied`, or with intransit's own reason
    /// `s3:GetBucketPolicy: empty 200 response`.
    pub fn short(&self) -> String {
        match self.code.as_str() {
            codes::UNEXPECTED_ANSWER | codes::NOT_ANSWERING | codes::SCAN_TIMEOUT => {
                format!("{}: {}", self.operation, self.message)
            }
            _ => format!("{}: {}", self.operation, self.code),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// Default encryption at rest: context for auditors, not part of the TLS verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: bool,
}

/// How Athena uses a bucket (derived from workgroups and tables).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AthenaUsage {
    /// Workgroups (`region/name`) that write query results here.
    pub result_workgroups: Vec<String>,
    /// Number of tables whose location is in this bucket.
    pub table_count: usize,
}

impl AthenaUsage {
    pub fn in_data_path(&self) -> bool {
        !self.result_workgroups.is_empty() || self.table_count > 0
    }
}

/// A bucket policy exactly as read. Buckets whose policies differ only in the bucket name
/// share one text, the policy's template (see [`crate::policy::shape`]), rendered with each
/// bucket's name when read.
#[derive(Clone, Debug)]
pub struct PolicyBody(Body);

#[derive(Clone, Debug)]
enum Body {
    Own(String),
    Shared { template: Arc<str>, name: Arc<str> },
}

impl PolicyBody {
    /// A template shared with other buckets, for the bucket `name`.
    pub fn shared(template: Arc<str>, name: Arc<str>) -> PolicyBody {
        PolicyBody(Body::Shared { template, name })
    }

    /// The policy text.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Body::Own(text) => Cow::Borrowed(text),
            Body::Shared { template, name } => crate::policy::shape::render(template, name),
        }
    }

    /// The bucket name a shared template is rendered with.
    pub fn shared_name(&self) -> Option<&Arc<str>> {
        match &self.0 {
            Body::Own(_) => None,
            Body::Shared { name, .. } => Some(name),
        }
    }

    /// The shared template, when the text is one.
    pub fn template(&self) -> Option<&Arc<str>> {
        match &self.0 {
            Body::Own(_) => None,
            Body::Shared { template, .. } => Some(template),
        }
    }
}

impl From<String> for PolicyBody {
    fn from(text: String) -> PolicyBody {
        PolicyBody(Body::Own(text))
    }
}

impl From<&str> for PolicyBody {
    fn from(text: &str) -> PolicyBody {
        PolicyBody(Body::Own(text.to_string()))
    }
}

impl PartialEq for PolicyBody {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (
                Body::Shared { template, name },
                Body::Shared {
                    template: t,
                    name: n,
                },
            ) if Arc::ptr_eq(template, t) => name == n,
            _ => self.text() == other.text(),
        }
    }
}

impl Eq for PolicyBody {}

impl Serialize for PolicyBody {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for PolicyBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(PolicyBody(Body::Own(String::deserialize(d)?)))
    }
}

/// Whether a bucket has a policy, as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PolicyText {
    /// `NoSuchBucketPolicy`: the bucket has no policy.
    None,
    Present {
        text: PolicyBody,
    },
    /// The read failed; the error is in `Bucket::errors`.
    Unreadable,
    /// Not read yet.
    Pending,
}

/// Whether a bucket's context was read: its policy status, public access block and default
/// encryption. No verdict and no check uses them; a scan reads them with `--context`, and a
/// live console when the operator opens the bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextRead {
    /// Read (snapshots written before the field existed always read it).
    #[default]
    Read,
    /// Not read: the scan read only what verdicts need.
    NotRead,
    /// Being read now, for the console.
    Reading,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub account_id: String,
    pub name: String,
    pub region: String,
    pub creation_date: Option<String>,
    pub policy: PolicyText,
    /// `GetBucketPolicyStatus.IsPublic`.
    pub policy_is_public: Option<bool>,
    pub public_access_block: Option<PublicAccessBlock>,
    pub encryption: Option<BucketEncryption>,
    /// Whether the three fields above were read.
    #[serde(default)]
    pub context: ContextRead,
    /// The analyzer's answer (bucket policy plus the RCPs that cover the account), shared
    /// with the buckets of the same policy shape. A snapshot keeps only its verdict and TLS
    /// floor: loading derives it again, as it derives `athena`.
    #[serde(serialize_with = "Tls::serialize_summary", skip_deserializing)]
    pub tls: Tls,
    #[serde(skip)]
    pub athena: AthenaUsage,
    pub errors: Vec<FetchError>,
}

impl Bucket {
    /// Worst verdict first, then by name: the order buckets are listed in where none is
    /// chosen (the Overview, the fixes).
    pub fn worst_first(&self, other: &Bucket) -> std::cmp::Ordering {
        self.tls
            .verdict()
            .rank()
            .cmp(&other.tls.verdict().rank())
            .then_with(|| self.name.cmp(&other.name))
    }

    /// The bucket's name as one shared string: the one its analysis or its policy text is
    /// already rendered with, else a new one.
    pub fn name_shared(&self) -> Arc<str> {
        let policy = match &self.policy {
            PolicyText::Present { text } => text.shared_name(),
            _ => None,
        };
        self.tls
            .shared_name()
            .or(policy)
            .filter(|n| ***n == *self.name)
            .cloned()
            .unwrap_or_else(|| Arc::from(self.name.as_str()))
    }

    /// A bucket as listed, with `policy` and nothing else read: no context, no usage, no
    /// error, its verdict not derived yet (the store derives it).
    pub fn new(account_id: &str, name: &str, region: &str, policy: PolicyText) -> Bucket {
        Bucket {
            account_id: account_id.to_string(),
            name: name.to_string(),
            region: region.to_string(),
            creation_date: None,
            policy,
            policy_is_public: None,
            public_access_block: None,
            encryption: None,
            context: ContextRead::default(),
            tls: Tls::default(),
            athena: AthenaUsage::default(),
            errors: Vec::new(),
        }
    }

    /// The error of the bucket-policy read, if it failed (it decides an `unknown` verdict).
    pub fn policy_error(&self) -> Option<&FetchError> {
        self.errors
            .iter()
            .find(|e| e.operation == "s3:GetBucketPolicy")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workgroup {
    pub account_id: String,
    pub region: String,
    pub name: String,
    pub description: Option<String>,
    pub state: Option<String>,
    pub engine_version: Option<String>,
    /// `s3://bucket/prefix/`.
    pub output_location: Option<String>,
    pub output_bucket: Option<String>,
    /// `SSE_S3`, `SSE_KMS`, `CSE_KMS`; `None` when results are not encrypted.
    pub result_encryption: Option<String>,
    pub kms_key: Option<String>,
    /// Clients cannot override the result location or encryption.
    pub enforce_configuration: bool,
    pub expected_bucket_owner: Option<String>,
    pub errors: Vec<FetchError>,
}

impl Workgroup {
    /// A workgroup without a state is treated as enabled (the API omits it for some).
    pub fn enabled(&self) -> bool {
        self.state
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("ENABLED"))
    }

    pub fn key(&self) -> String {
        format!("{}/{}", self.region, self.name)
    }

    /// `account/region/name`: unique across an organization, the key views and fixes link by.
    pub fn estate_key(&self) -> String {
        format!("{}/{}", self.account_id, self.key())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCatalog {
    pub account_id: String,
    pub region: String,
    pub name: String,
    /// `GLUE`, `HIVE`, `LAMBDA`, `FEDERATED`.
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub account_id: String,
    pub region: String,
    pub catalog: String,
    pub database: String,
    pub name: String,
    /// `s3://bucket/prefix/`.
    pub location: Option<String>,
    pub bucket: Option<String>,
}

/// The AWS services whose endpoints sit on the client → Athena → S3 path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointService {
    Athena,
    S3,
    Glue,
    Kms,
    Sts,
}

impl EndpointService {
    pub const ALL: [EndpointService; 5] = [
        EndpointService::Athena,
        EndpointService::S3,
        EndpointService::Glue,
        EndpointService::Kms,
        EndpointService::Sts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EndpointService::Athena => "athena",
            EndpointService::S3 => "s3",
            EndpointService::Glue => "glue",
            EndpointService::Kms => "kms",
            EndpointService::Sts => "sts",
        }
    }

    /// Recognises `com.amazonaws.REGION.SERVICE` (and the `aws.api` / fips forms).
    pub fn from_service_name(name: &str) -> Option<EndpointService> {
        let last = name.rsplit('.').next()?;
        let last = last.strip_suffix("-fips").unwrap_or(last);
        EndpointService::ALL
            .into_iter()
            .find(|s| s.as_str() == last)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub account_id: String,
    pub region: String,
    pub id: String,
    pub vpc_id: String,
    pub service_name: String,
    pub service: Option<EndpointService>,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`.
    pub endpoint_type: String,
    pub private_dns_enabled: bool,
    pub state: String,
    pub policy: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnTunnel {
    pub outside_ip: String,
    /// `UP` / `DOWN` (VgwTelemetry).
    pub status: String,
    pub status_message: Option<String>,
    pub ike_versions: Vec<String>,
    pub phase1_encryption: Vec<String>,
    pub phase1_integrity: Vec<String>,
    pub phase1_dh_groups: Vec<u32>,
    pub phase2_encryption: Vec<String>,
    pub phase2_integrity: Vec<String>,
    pub phase2_dh_groups: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnConnection {
    pub account_id: String,
    pub region: String,
    pub id: String,
    pub name: Option<String>,
    pub state: String,
    pub customer_gateway_id: Option<String>,
    pub vpn_gateway_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    pub tunnels: Vec<VpnTunnel>,
}

impl VpnConnection {
    /// Deleted or being deleted: it carries no traffic and is judged by nothing.
    pub fn gone(&self) -> bool {
        ["deleted", "deleting"]
            .iter()
            .any(|s| self.state.eq_ignore_ascii_case(s))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnGateway {
    pub account_id: String,
    pub region: String,
    pub id: String,
    pub state: String,
    pub attached_vpcs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitGateway {
    pub account_id: String,
    pub region: String,
    pub id: String,
    pub state: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DxConnection {
    pub account_id: String,
    pub region: String,
    pub id: String,
    pub name: String,
    pub state: String,
    pub location: Option<String>,
    pub bandwidth: Option<String>,
    pub macsec_capable: bool,
    /// `no_encrypt`, `should_encrypt`, `must_encrypt`.
    pub encryption_mode: Option<String>,
    /// `Encryption Up` / `Encryption Down`.
    pub port_encryption_status: Option<String>,
}

impl DxConnection {
    /// Deleted, being deleted or rejected: it carries no traffic and is judged by nothing.
    pub fn gone(&self) -> bool {
        ["deleted", "deleting", "rejected"]
            .iter()
            .any(|s| self.state.eq_ignore_ascii_case(s))
    }

    /// MACsec is required on the link (frames are never sent in the clear).
    pub fn macsec_enforced(&self) -> bool {
        self.encryption_mode.as_deref() == Some("must_encrypt")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DxVirtualInterface {
    pub account_id: String,
    pub region: String,
    pub id: String,
    pub name: Option<String>,
    pub connection_id: Option<String>,
    /// `private`, `public`, `transit`.
    pub kind: String,
    pub state: String,
    pub vlan: Option<i32>,
    pub gateway_id: Option<String>,
}

/// An AWS Organizations resource control policy and the accounts it governs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceControlPolicy {
    pub id: String,
    pub name: String,
    pub content: String,
    /// Targets as AWS lists them: root, OU or account ids.
    pub targets: Vec<String>,
    /// Accounts the policy applies to: resolved from the targets, without the organization's
    /// management account (RCPs never govern resources there).
    pub account_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Connectivity {
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub vpn_connections: Vec<VpnConnection>,
    pub vpn_gateways: Vec<VpnGateway>,
    pub transit_gateways: Vec<TransitGateway>,
    pub dx_connections: Vec<DxConnection>,
    pub dx_virtual_interfaces: Vec<DxVirtualInterface>,
}

/// Everything known about the estate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    pub accounts: Vec<Account>,
    pub buckets: Vec<Bucket>,
    pub workgroups: Vec<Workgroup>,
    pub catalogs: Vec<DataCatalog>,
    pub tables: Vec<Table>,
    pub connectivity: Connectivity,
    pub resource_control_policies: Vec<ResourceControlPolicy>,
    /// Failures not tied to one resource (a whole service or region unreachable).
    pub errors: Vec<FetchError>,
    /// Observed traffic read from access logs and CloudTrail, when any was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<Arc<crate::traffic::Traffic>>,
}

impl Estate {
    /// Every fetch error: estate-wide plus those recorded on buckets and workgroups.
    pub fn fetch_error_count(&self) -> usize {
        self.errors.len()
            + self.buckets.iter().map(|b| b.errors.len()).sum::<usize>()
            + self
                .workgroups
                .iter()
                .map(|w| w.errors.len())
                .sum::<usize>()
    }
}

/// The bucket named in an `s3://bucket/prefix` location.
pub fn bucket_of_location(location: &str) -> Option<String> {
    let rest = location
        .strip_prefix("s3://")
        .or_else(|| location.strip_prefix("s3a://"))
        .or_else(|| location.strip_prefix("s3n://"))?;
    let bucket = rest.split('/').next()?;
    (!bucket.is_empty()).then(|| bucket.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(bucket_of_location("s3://b/x/y/").as_deref(), Some("b"));
        assert_eq!(bucket_of_location("s3://b").as_deref(), Some("b"));
        assert_eq!(bucket_of_location("s3a://b/x").as_deref(), Some("b"));
        assert_eq!(bucket_of_location("https://b/x"), None);
        assert_eq!(bucket_of_location("s3:///x"), None);
    }

    #[test]
    fn endpoint_services() {
        let f = EndpointService::from_service_name;
        assert_eq!(
            f("com.amazonaws.eu-west-1.athena"),
            Some(EndpointService::Athena)
        );
        assert_eq!(f("com.amazonaws.us-east-1.s3"), Some(EndpointService::S3));
        assert_eq!(
            f("com.amazonaws.us-east-1.kms-fips"),
            Some(EndpointService::Kms)
        );
        assert_eq!(f("com.amazonaws.us-east-1.ec2"), None);
    }
}
