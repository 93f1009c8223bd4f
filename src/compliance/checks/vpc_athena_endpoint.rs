//! `vpc.athena_endpoint`: in every account and region where Athena has an enabled workgroup,
//! an interface VPC endpoint for Athena is available with private DNS on, so the default
//! Athena hostname resolves to private addresses and API traffic stays off the internet.

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, ResourceKind, Severity, Status};
use crate::model::{EndpointService, VpcEndpoint};

pub const ID: &str = "vpc.athena_endpoint";

pub const CHECK: Check = Check {
    id: ID,
    title: "Athena is reachable through a private interface endpoint",
    description: "For each account and region with an enabled Athena workgroup: passes when an \
        available interface VPC endpoint for Athena has private DNS enabled. Partial when the \
        endpoint exists with private DNS off (clients must use the endpoint's own DNS name, the \
        default hostname stays public), or when only another scanned account has one in the \
        region (centralised endpoints: confirm that this account resolves it). Fails when there \
        is none: clients reach Athena's public endpoint, over TLS. Unknown when the endpoints \
        could not be listed.",
    resource_kind: ResourceKind::AccountRegion,
    run,
};

pub(super) const LIST_OPS: [&str; 1] = ["ec2:DescribeVpcEndpoints"];

pub(super) fn available(e: &VpcEndpoint) -> bool {
    e.state.eq_ignore_ascii_case("available")
}

pub(super) fn describe(e: &VpcEndpoint) -> String {
    format!(
        "{} ({}, {}, private_dns={}, {})",
        e.id, e.endpoint_type, e.vpc_id, e.private_dns_enabled, e.state
    )
}

/// The evidence every endpoint finding starts from: the workgroups that make the region count.
pub(super) fn region_evidence(ctx: &Context<'_>, account: &str, region: &str) -> Evidence {
    let mut names: Vec<&str> = ctx
        .active_workgroups()
        .filter(|w| w.account_id == account && w.region == region)
        .map(|w| w.name.as_str())
        .collect();
    names.sort_unstable();
    Evidence::default().attr("athena_workgroups", names.join(", "))
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let errors = ctx.errors(&LIST_OPS);
    let endpoints = &ctx.estate.connectivity.vpc_endpoints;
    let athena = |e: &&VpcEndpoint| {
        e.service == Some(EndpointService::Athena)
            && e.endpoint_type.eq_ignore_ascii_case("Interface")
            && available(e)
    };
    let mut out = Vec::new();
    for (account, region) in ctx.athena_regions() {
        let mut evidence = region_evidence(ctx, account, region);
        let mut here: Vec<&VpcEndpoint> = endpoints
            .iter()
            .filter(|e| e.account_id == account && e.region == region)
            .filter(athena)
            .collect();
        here.sort_by(|a, b| a.id.cmp(&b.id));
        for e in &here {
            evidence = evidence.attr("athena_endpoint", describe(e));
        }
        let failed = errors.get(&(account.to_string(), region.to_string()));
        let private: Vec<&&VpcEndpoint> = here.iter().filter(|e| e.private_dns_enabled).collect();
        let (status, message) = if let Some(p) = private.first() {
            (
                Status::Pass,
                format!(
                    "Interface endpoint {} in {} has private DNS on: the default Athena hostname \
                     resolves to private addresses in that VPC.",
                    p.id, p.vpc_id
                ),
            )
        } else if let Some(e) = here.first() {
            (
                Status::Partial,
                format!(
                    "Interface endpoint {} exists but private DNS is off: drivers and SDKs that \
                     use the default Athena hostname still reach the public endpoint (over TLS) \
                     unless configured with the endpoint's own DNS name.",
                    e.id
                ),
            )
        } else if let Some(errs) = failed {
            evidence.errors = errs.iter().map(|e| (*e).clone()).collect();
            let shorts: Vec<String> = errs.iter().map(|e| e.short()).collect();
            (
                Status::Unknown,
                format!(
                    "VPC endpoints could not be listed here ({}): private reachability of \
                     Athena is not known.",
                    shorts.join(", ")
                ),
            )
        } else {
            let mut elsewhere: Vec<&VpcEndpoint> = endpoints
                .iter()
                .filter(|e| e.account_id != account && e.region == region)
                .filter(athena)
                .filter(|e| e.private_dns_enabled)
                .collect();
            elsewhere.sort_by(|a, b| (&a.account_id, &a.id).cmp(&(&b.account_id, &b.id)));
            match elsewhere.first() {
                Some(e) => {
                    evidence = evidence.attr("other_account_endpoint", describe(e));
                    (
                        Status::Partial,
                        format!(
                            "No Athena endpoint in this account; account {} has one in this \
                             region ({}). Traffic stays private only if clients here resolve \
                             it (shared private hosted zone): confirm.",
                            e.account_id, e.id
                        ),
                    )
                }
                None => (
                    Status::Fail,
                    "No interface VPC endpoint for Athena: clients reach Athena's public \
                     endpoint, over TLS, across the internet or a public virtual interface."
                        .to_string(),
                ),
            }
        };
        out.push(
            Finding::new(
                ID,
                status,
                Severity::Medium,
                ctx.region_resource(account, region),
                message,
            )
            .with_evidence(evidence),
        );
    }
    out
}
