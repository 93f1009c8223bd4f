//! `vpc.s3_endpoint`: in every account and region where Athena has an enabled workgroup, S3 is
//! reachable through a gateway or interface VPC endpoint, so clients in the VPCs (and result
//! downloads by drivers running there) do not cross the internet to reach S3.

use super::vpc_athena_endpoint::{LIST_OPS, available, describe, region_evidence};
use super::{Check, Context};
use crate::compliance::finding::{Finding, ResourceKind, Severity, Status};
use crate::model::{EndpointService, VpcEndpoint};

pub const ID: &str = "vpc.s3_endpoint";

pub const CHECK: Check = Check {
    id: ID,
    title: "S3 is reachable through a VPC endpoint",
    description: "For each account and region with an enabled Athena workgroup: passes when an \
        available S3 gateway endpoint exists, or an S3 interface endpoint with private DNS. \
        Partial when only an interface endpoint without private DNS exists (clients must use \
        endpoint-specific names). Fails when there is none. Route-table associations of gateway \
        endpoints are not read: a pass says the endpoint exists, not that every subnet uses it.",
    resource_kind: ResourceKind::AccountRegion,
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let errors = ctx.errors(&LIST_OPS);
    let mut out = Vec::new();
    for (account, region) in ctx.athena_regions() {
        let mut evidence = region_evidence(ctx, account, region);
        let mut here: Vec<&VpcEndpoint> = ctx
            .estate
            .connectivity
            .vpc_endpoints
            .iter()
            .filter(|e| e.account_id == account && e.region == region)
            .filter(|e| e.service == Some(EndpointService::S3) && available(e))
            .collect();
        here.sort_by(|a, b| a.id.cmp(&b.id));
        for e in &here {
            evidence = evidence.attr("s3_endpoint", describe(e));
        }
        let gateway = here
            .iter()
            .find(|e| e.endpoint_type.eq_ignore_ascii_case("Gateway"));
        let private_interface = here
            .iter()
            .find(|e| e.endpoint_type.eq_ignore_ascii_case("Interface") && e.private_dns_enabled);
        let (status, message) = if let Some(g) = gateway {
            (
                Status::Pass,
                format!(
                    "S3 gateway endpoint {} in {}: S3 traffic from its route tables stays on \
                     the AWS network.",
                    g.id, g.vpc_id
                ),
            )
        } else if let Some(i) = private_interface {
            (
                Status::Pass,
                format!(
                    "S3 interface endpoint {} in {} with private DNS.",
                    i.id, i.vpc_id
                ),
            )
        } else if let Some(i) = here.first() {
            (
                Status::Partial,
                format!(
                    "Only S3 interface endpoint {} without private DNS: clients must use \
                     endpoint-specific hostnames to stay private.",
                    i.id
                ),
            )
        } else if let Some(errs) = errors.get(&(account.to_string(), region.to_string())) {
            evidence.errors = errs.iter().map(|e| (*e).clone()).collect();
            let shorts: Vec<String> = errs.iter().map(|e| e.short()).collect();
            (
                Status::Unknown,
                format!(
                    "VPC endpoints could not be listed here ({}): private reachability of S3 is \
                     not known.",
                    shorts.join(", ")
                ),
            )
        } else {
            (
                Status::Fail,
                "No S3 gateway or interface endpoint: clients in this account's VPCs reach S3, \
                 Athena result downloads included, through public endpoints."
                    .to_string(),
            )
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
