//! The flags that choose where the estate comes from, shared by the dashboard and `scan`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::source::{AwsOptions, OrgScope, SourceSpec};

#[derive(Debug, Args, Clone, Default)]
#[command(group = clap::ArgGroup::new("assume").args(["role_arn", "org_role"]).multiple(true))]
pub struct SourceArgs {
    /// Use the embedded demo estate: no AWS account, no network.
    #[arg(long, conflicts_with_all = ["snapshot", "profile", "region", "all_regions", "role_arn", "org_role", "endpoint_url"])]
    pub demo: bool,
    /// Load a snapshot written by `intransit scan` (offline).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "region", "all_regions", "role_arn", "org_role", "endpoint_url"])]
    pub snapshot: Option<PathBuf>,
    /// AWS profile from the shared config files (default: AWS_PROFILE or "default").
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to scan; repeat for several (default: the profile's region).
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Scan every region enabled for the account.
    #[arg(long, conflicts_with = "region")]
    pub all_regions: bool,
    /// Role to assume in an account to scan; repeat for several accounts. With roles given,
    /// only the roles' accounts are scanned (add a role in the base account to include it).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Vec<String>,
    /// Scan every account of the AWS Organization: the base credentials (the management
    /// account or a delegated administrator) list the accounts, their OUs and tags, and this
    /// role is assumed in each active member account; the base credentials' own account is
    /// read with them. Suspended and closing accounts are listed, not scanned.
    #[arg(long, value_name = "NAME", conflicts_with = "role_arn")]
    pub org_role: Option<String>,
    /// With --org-role: scan only these accounts.
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        requires = "org_role"
    )]
    pub accounts: Vec<String>,
    /// With --org-role: leave these accounts out.
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        requires = "org_role"
    )]
    pub exclude_accounts: Vec<String>,
    /// With --org-role: scan only this OU's subtree, by id (ou-..., r-...) or path
    /// (Root/Workloads).
    #[arg(long, value_name = "OU", requires = "org_role")]
    pub ou: Option<String>,
    /// External id for --role-arn or --org-role.
    #[arg(long, requires = "assume")]
    pub external_id: Option<String>,
    /// Custom AWS endpoint, e.g. a local emulator (S3 then uses path-style addressing).
    /// Falls back to AWS_ENDPOINT_URL when scanning AWS; --demo and --snapshot ignore it.
    // Not `env = "AWS_ENDPOINT_URL"`: clap would treat the variable as the flag given, and a
    // LocalStack user's environment would make `--demo` a usage error.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Maximum AWS calls in flight.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Timeout of one AWS call, in seconds.
    #[arg(long, default_value_t = 20, value_name = "SECONDS")]
    pub call_timeout: u64,
    /// Time limit of the whole scan, in seconds: what is not read by then is `unknown`
    /// (ScanTimeout) and the scan ends with what it has.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub scan_timeout: Option<u64>,
    /// Also read every bucket's policy status, public access block and encryption (three
    /// more calls per bucket; no verdict or check needs them).
    #[arg(long)]
    pub context: bool,
    /// Demo only: skip the simulated API latency.
    #[arg(long, hide = true)]
    pub no_latency: bool,
}

impl SourceArgs {
    pub fn spec(&self) -> SourceSpec {
        if self.demo {
            return SourceSpec::Demo {
                latency: !self.no_latency,
            };
        }
        if let Some(path) = &self.snapshot {
            return SourceSpec::Snapshot(path.clone());
        }
        SourceSpec::Aws(AwsOptions {
            profile: self.profile.clone(),
            regions: self.region.clone(),
            all_regions: self.all_regions,
            role_arns: self.role_arn.clone(),
            org: self.org_role.as_ref().map(|role| OrgScope {
                role_name: role.clone(),
                accounts: self.accounts.clone(),
                exclude_accounts: self.exclude_accounts.clone(),
                ou: self.ou.clone(),
            }),
            external_id: self.external_id.clone(),
            endpoint_url: self.endpoint_url.clone().or_else(|| {
                std::env::var("AWS_ENDPOINT_URL")
                    .ok()
                    .filter(|url| !url.is_empty())
            }),
            concurrency: usize::from(self.concurrency),
            call_timeout: Duration::from_secs(self.call_timeout.max(1)),
            scan_timeout: self.scan_timeout.map(Duration::from_secs),
            context: self.context,
        })
    }
}
