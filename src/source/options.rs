use std::time::Duration;

/// How to reach AWS. Credentials and config files are honoured unchanged (`--profile`,
/// `AWS_PROFILE`, SSO, environment variables, `AWS_ENDPOINT_URL`).
#[derive(Clone, Debug)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Regions to scan; empty means the profile's region (or all, with `all_regions`).
    pub regions: Vec<String>,
    pub all_regions: bool,
    /// Roles to assume, one scan per account; empty means the base credentials' account only.
    pub role_arns: Vec<String>,
    /// Scan the accounts of the AWS Organization the base credentials can list.
    pub org: Option<OrgScope>,
    pub external_id: Option<String>,
    /// A custom endpoint (e.g. a local emulator); S3 then uses path-style addressing.
    pub endpoint_url: Option<String>,
    /// Global limit on AWS calls in flight.
    pub concurrency: usize,
    /// Per-call timeout.
    pub call_timeout: Duration,
    /// Also read each bucket's context (policy status, public access block, encryption),
    /// which no verdict or check uses: three more calls per bucket.
    pub context: bool,
    /// The whole scan's time limit: calls not answered by then fail with `ScanTimeout`.
    pub scan_timeout: Option<Duration>,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            regions: Vec::new(),
            all_regions: false,
            role_arns: Vec::new(),
            org: None,
            external_id: None,
            endpoint_url: None,
            concurrency: 16,
            call_timeout: Duration::from_secs(20),
            scan_timeout: None,
            context: false,
        }
    }
}

/// Which accounts of an organization to scan, and how to enter them (`--org-role`).
#[derive(Clone, Debug, Default)]
pub struct OrgScope {
    /// The role assumed in every member account: `arn:{partition}:iam::{account}:role/NAME`.
    pub role_name: String,
    /// Only these accounts (empty: every account).
    pub accounts: Vec<String>,
    /// Never these accounts.
    pub exclude_accounts: Vec<String>,
    /// Only the subtree of this OU: an OU or root id (`ou-…`, `r-…`) or a path (`Root/Workloads`).
    pub ou: Option<String>,
}
