//! The checks: pure functions from the scanned estate to findings, one file each. A check
//! judges one kind of resource and says, per resource, pass / fail / partial / unknown /
//! not_applicable with the evidence that decided it. Checks never read the catalog: controls
//! map to checks, not the other way round.

mod athena_enforce_configuration;
mod athena_observed_path;
mod athena_result_bucket;
mod dx_link_encryption;
mod org_rcp_tls;
mod s3_deny_http;
mod s3_observed_plain_http;
mod s3_tls_floor;
mod traffic_observed_tls;
mod vpc_athena_endpoint;
mod vpc_s3_endpoint;
mod vpn_tunnels;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::finding::{
    BucketEvidence, BucketPart, Evidence, Finding, Resource, ResourceKind, Severity, Status, Text,
};
use crate::model::{Account, Bucket, Estate, FetchError, Partition, Workgroup};
use crate::policy::Tls;
use crate::text::Interned;

/// A check: what it asserts and the function that decides it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    /// What passes, what fails, and why, in a few sentences.
    pub description: &'static str,
    pub resource_kind: ResourceKind,
    #[serde(skip)]
    pub run: fn(&Context<'_>) -> Vec<Finding>,
}

/// Every check, in report order.
pub const ALL: &[Check] = &[
    s3_deny_http::CHECK,
    s3_tls_floor::CHECK,
    athena_enforce_configuration::CHECK,
    athena_result_bucket::CHECK,
    vpc_athena_endpoint::CHECK,
    vpc_s3_endpoint::CHECK,
    vpn_tunnels::CHECK,
    dx_link_encryption::CHECK,
    org_rcp_tls::CHECK,
    s3_observed_plain_http::CHECK,
    traffic_observed_tls::CHECK,
    athena_observed_path::CHECK,
];

/// `s3.observed_plain_http` and `traffic.observed_tls`, for the views that name them.
pub use s3_observed_plain_http::ID as OBSERVED_PLAIN_HTTP;
pub use traffic_observed_tls::ID as OBSERVED_TLS;

/// The checks whose failures `intransit fix` writes changes for.
pub use athena_enforce_configuration::ID as ENFORCE_CONFIGURATION;
pub use org_rcp_tls::ID as RCP_TLS;
pub use vpn_tunnels::ID as VPN_TUNNELS;

/// The checks that judge observed traffic (access logs, CloudTrail), not configuration.
pub const OBSERVED_TRAFFIC: &[&str] = &[
    s3_observed_plain_http::ID,
    traffic_observed_tls::ID,
    athena_observed_path::ID,
];

pub fn get(id: &str) -> Option<&'static Check> {
    ALL.iter().find(|c| c.id == id)
}

/// Runs one check over `estate`; findings sorted by resource.
pub fn run(check: &Check, estate: &Estate) -> Vec<Finding> {
    let ctx = Context::new(estate);
    run_with(check, &ctx)
}

pub(crate) fn run_with(check: &Check, ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = (check.run)(ctx);
    // Logs are read from files, not from inside the account: an account the scan could not
    // enter still has what its logs say.
    if !OBSERVED_TRAFFIC.contains(&check.id) {
        not_scanned_accounts(check, ctx, &mut findings);
    }
    let in_order = |a: &Finding, b: &Finding| a.resource.cmp(&b.resource).then(a.id.cmp(&b.id));
    if findings.is_sorted_by(|a, b| in_order(a, b).is_le()) {
        // The bucket checks walk the buckets in resource order: no copy at all.
        findings.dedup_by(|a, b| a.id == b.id);
        findings.shrink_to_fit();
        return findings;
    }
    // Sorted as positions, then moved once: a finding is a few hundred bytes.
    let mut order: Vec<u32> = (0..findings.len() as u32).collect();
    order.sort_by(|&a, &b| in_order(&findings[a as usize], &findings[b as usize]));
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut sorted: Vec<Finding> = Vec::with_capacity(order.len());
    sorted.extend(order.iter().filter_map(|&i| slots[i as usize].take()));
    sorted.dedup_by(|a, b| a.id == b.id);
    sorted.shrink_to_fit();
    sorted
}

/// An account the scan could not enter passes nothing: whatever a check said of it (from
/// the organization's side, say) gives way to one `unknown` finding that says why.
fn not_scanned_accounts(check: &Check, ctx: &Context<'_>, findings: &mut Vec<Finding>) {
    let refused: Vec<&Account> = ctx
        .estate
        .accounts
        .iter()
        .filter(|a| !a.entered_by_scan())
        .collect();
    if refused.is_empty() {
        return;
    }
    findings.retain(|f| !refused.iter().any(|a| *f.resource.account_id == *a.id));
    for a in refused {
        let why = a.scan_error.as_deref().unwrap_or("no reason was recorded");
        let message = format!(
            "The account {} could not be scanned ({why}): nothing in it was read, so nothing \
             in it can pass.",
            a.label()
        );
        let evidence = Evidence::default()
            .attr("scan_state", a.scan_state.as_str())
            .attr("scan_error", why.to_string());
        findings.push(
            Finding::new(
                check.id,
                Status::Unknown,
                Severity::High,
                ctx.account_resource(&a.id),
                message,
            )
            .with_evidence(evidence),
        );
    }
}

/// The estate plus the lookups checks share.
pub struct Context<'a> {
    pub estate: &'a Estate,
    buckets: HashMap<&'a str, &'a Bucket>,
    partitions: HashMap<&'a str, Partition>,
    names: HashMap<&'a str, &'a str>,
    bucket_resources: OnceLock<HashMap<&'a str, Arc<Resource>>>,
    in_order: OnceLock<Vec<&'a Bucket>>,
}

impl<'a> Context<'a> {
    pub fn new(estate: &'a Estate) -> Context<'a> {
        Context {
            estate,
            buckets: estate
                .buckets
                .iter()
                .map(|b| (b.name.as_str(), b))
                .collect(),
            partitions: estate
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.partition))
                .collect(),
            names: estate
                .accounts
                .iter()
                .filter_map(|a| a.name.as_deref().map(|n| (a.id.as_str(), n)))
                .collect(),
            bucket_resources: OnceLock::new(),
            in_order: OnceLock::new(),
        }
    }

    pub fn bucket(&self, name: &str) -> Option<&'a Bucket> {
        self.buckets.get(name).copied()
    }

    pub fn partition(&self, account_id: &str) -> Partition {
        self.partitions.get(account_id).copied().unwrap_or_default()
    }

    pub fn account_name(&self, account_id: &str) -> Option<&'a str> {
        self.names.get(account_id).copied()
    }

    /// Estate-level fetch errors for any of `operations`, grouped by (account, region).
    pub fn errors(&self, operations: &[&str]) -> BTreeMap<(String, String), Vec<&'a FetchError>> {
        let mut out: BTreeMap<(String, String), Vec<&FetchError>> = BTreeMap::new();
        for e in &self.estate.errors {
            if operations.contains(&e.operation.as_str()) {
                let key = (
                    e.account_id.clone().unwrap_or_default(),
                    e.region.clone().unwrap_or_default(),
                );
                out.entry(key).or_default().push(e);
            }
        }
        for errors in out.values_mut() {
            errors.sort_by(|a, b| {
                (&a.operation, &a.resource, &a.code, &a.message).cmp(&(
                    &b.operation,
                    &b.resource,
                    &b.code,
                    &b.message,
                ))
            });
        }
        out
    }

    /// Enabled workgroups (a disabled workgroup runs no query).
    pub fn active_workgroups(&self) -> impl Iterator<Item = &'a Workgroup> {
        self.estate.workgroups.iter().filter(|w| w.enabled())
    }

    /// (account, region) pairs where Athena has an enabled workgroup.
    pub fn athena_regions(&self) -> BTreeSet<(&'a str, &'a str)> {
        self.active_workgroups()
            .map(|w| (w.account_id.as_str(), w.region.as_str()))
            .collect()
    }

    /// The buckets in the order of their findings' resources (name, account, region): the
    /// bucket checks' findings come out sorted, and sorting them again is one pass.
    pub fn buckets_in_order(&self) -> &[&'a Bucket] {
        self.in_order.get_or_init(|| {
            let mut v: Vec<&Bucket> = self.estate.buckets.iter().collect();
            v.sort_by(|a, b| {
                (&a.name, &a.account_id, &a.region).cmp(&(&b.name, &b.account_id, &b.region))
            });
            v
        })
    }

    /// The bucket as a finding's resource, one shared value per bucket for every check.
    pub fn bucket_resource(&self, b: &Bucket) -> Arc<Resource> {
        let all = self.bucket_resources.get_or_init(|| {
            let mut words = Interned::default();
            self.estate
                .buckets
                .iter()
                .map(|b| {
                    (
                        b.name.as_str(),
                        Arc::new(self.new_bucket_resource(b, &mut words)),
                    )
                })
                .collect()
        });
        match all.get(b.name.as_str()) {
            Some(r) => r.clone(),
            None => Arc::new(self.new_bucket_resource(b, &mut Interned::default())),
        }
    }

    fn new_bucket_resource(&self, b: &Bucket, words: &mut Interned) -> Resource {
        Resource {
            kind: ResourceKind::S3Bucket,
            id: b.name_shared(),
            account_id: words.get(&b.account_id),
            region: Some(words.get(&b.region)),
            arn: Some(format!("arn:{}:s3:::{}", self.partition(&b.account_id), b.name).into()),
            name: None,
        }
    }

    pub fn workgroup_resource(&self, w: &Workgroup) -> Resource {
        Resource {
            kind: ResourceKind::AthenaWorkgroup,
            id: format!("{}/{}/{}", w.account_id, w.region, w.name).into(),
            account_id: w.account_id.as_str().into(),
            region: Some(w.region.as_str().into()),
            arn: Some(
                format!(
                    "arn:{}:athena:{}:{}:workgroup/{}",
                    self.partition(&w.account_id),
                    w.region,
                    w.account_id,
                    w.name
                )
                .into(),
            ),
            name: Some(w.name.as_str().into()),
        }
    }

    pub fn region_resource(&self, account_id: &str, region: &str) -> Resource {
        Resource {
            kind: ResourceKind::AccountRegion,
            id: format!("{account_id}/{region}").into(),
            account_id: account_id.into(),
            region: Some(region.into()),
            arn: None,
            name: self.account_name(account_id).map(Arc::from),
        }
    }

    pub fn account_resource(&self, account_id: &str) -> Resource {
        Resource {
            kind: ResourceKind::Account,
            id: account_id.into(),
            account_id: account_id.into(),
            region: None,
            arn: None,
            name: self.account_name(account_id).map(Arc::from),
        }
    }

    /// `unknown` findings for every (account, region) whose listing failed with one of
    /// `operations`: the resources there were never seen, so nothing can be claimed for them.
    pub fn listing_failures(
        &self,
        check: &'static str,
        severity: Severity,
        operations: &[&str],
        what: &str,
    ) -> Vec<Finding> {
        self.errors(operations)
            .into_iter()
            .map(|((account, region), errors)| {
                let resource = if region.is_empty() {
                    self.account_resource(&account)
                } else {
                    self.region_resource(&account, &region)
                };
                let evidence = Evidence {
                    errors: errors.into_iter().cloned().collect(),
                    ..Evidence::default()
                };
                let shorts: Vec<String> = evidence.errors.iter().map(|e| e.short()).collect();
                Finding::new(
                    check,
                    Status::Unknown,
                    severity,
                    resource,
                    format!(
                        "{what} could not be listed here ({}); nothing can be claimed for them.",
                        shorts.join(", ")
                    ),
                )
                .with_evidence(evidence)
            })
            .collect()
    }
}

/// `athena_role` attribute and severity for a bucket in Athena's data path.
pub(crate) fn athena_path(b: &Bucket) -> Option<String> {
    let u = &b.athena;
    let mut parts = Vec::new();
    if !u.result_workgroups.is_empty() {
        parts.push(format!(
            "query results of workgroup {}",
            u.result_workgroups.join(", ")
        ));
    }
    if u.table_count > 0 {
        parts.push(format!(
            "data of {} Athena table{}",
            u.table_count,
            if u.table_count == 1 { "" } else { "s" }
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The message of a bucket check's finding, said from the bucket's analysis (and, for
/// `s3.deny_http`, its role in the Athena data path) when it is read.
pub(crate) fn bucket_message(check: &str, tls: &Tls, athena: Option<&str>) -> Text {
    match check {
        s3_deny_http::ID => s3_deny_http::message(tls, athena),
        s3_tls_floor::ID => s3_tls_floor::message(tls),
        _ => Text::Borrowed(""),
    }
}

/// Bucket facts shared by the bucket checks: verdict, deciding statements, gaps, warnings.
pub(crate) fn bucket_evidence(b: &Bucket) -> Evidence {
    let mut ev = Evidence::default();
    if let Some(role) = athena_path(b) {
        ev = ev.attr("athena", role);
    }
    ev.bucket = Some(BucketEvidence {
        tls: b.tls.clone(),
        part: BucketPart::All,
        facts: true,
    });
    ev.errors = b
        .errors
        .iter()
        .filter(|e| e.operation == "s3:GetBucketPolicy")
        .cloned()
        .collect();
    ev
}
