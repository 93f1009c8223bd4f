//! `athena.observed_path`: where a private path to Athena exists (an available Athena
//! interface endpoint, and a Site-to-Site VPN or Direct Connect virtual interface in the same
//! account and region), the clients outside AWS that CloudTrail saw calling Athena used it.

use std::collections::BTreeMap;

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, ResourceKind, Severity, Status};
use crate::model::EndpointService;
use crate::traffic::Client;

pub const ID: &str = "athena.observed_path";

const ATHENA: &str = "athena.amazonaws.com";

pub const CHECK: Check = Check {
    id: ID,
    title: "Observed Athena clients use the private path where one exists",
    description: "For each account and region where CloudTrail recorded Athena calls: partial \
        when clients outside AWS called Athena's public endpoint although an Athena interface \
        endpoint and a VPN or Direct Connect attachment exist there (the calls were TLS, but \
        off the private path the design provides). Passes when every such call came through a \
        VPC endpoint. Not judged where no private path exists (vpc.athena_endpoint says so).",
    resource_kind: ResourceKind::AccountRegion,
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(traffic) = ctx.estate.traffic.as_deref() else {
        return Vec::new();
    };
    let mut by_region: BTreeMap<(&str, &str), Vec<&Client>> = BTreeMap::new();
    for c in &traffic.clients {
        if c.event_source != ATHENA || c.via_service.is_some() {
            continue;
        }
        if let (Some(account), Some(region)) = (c.account_id.as_deref(), c.region.as_deref()) {
            by_region.entry((account, region)).or_default().push(c);
        }
    }
    by_region
        .into_iter()
        .filter(|((account, _), _)| ctx.estate.accounts.iter().any(|a| a.id == *account))
        .filter_map(|((account, region), clients)| judge(ctx, account, region, &clients))
        .collect()
}

/// The private path's parts here: the Athena endpoint and the VPN or DX attachment.
fn private_path(ctx: &Context<'_>, account: &str, region: &str) -> Option<(String, String)> {
    let c = &ctx.estate.connectivity;
    let here = |a: &str, r: &str| a == account && r == region;
    let mut endpoints: Vec<&str> = c
        .vpc_endpoints
        .iter()
        .filter(|e| here(&e.account_id, &e.region))
        .filter(|e| e.service == Some(EndpointService::Athena))
        .filter(|e| e.endpoint_type.eq_ignore_ascii_case("Interface"))
        .filter(|e| super::vpc_athena_endpoint::available(e))
        .map(|e| e.id.as_str())
        .collect();
    endpoints.sort_unstable();
    let mut links: Vec<String> = c
        .vpn_connections
        .iter()
        .filter(|v| here(&v.account_id, &v.region) && v.state.eq_ignore_ascii_case("available"))
        .map(|v| match &v.name {
            Some(n) => format!("VPN {n} ({})", v.id),
            None => format!("VPN {}", v.id),
        })
        .chain(
            c.dx_virtual_interfaces
                .iter()
                .filter(|x| here(&x.account_id, &x.region))
                .map(|x| format!("Direct Connect interface {}", x.id)),
        )
        .collect();
    links.sort();
    Some((endpoints.first()?.to_string(), links.into_iter().next()?))
}

fn judge(ctx: &Context<'_>, account: &str, region: &str, clients: &[&Client]) -> Option<Finding> {
    let (endpoint, link) = private_path(ctx, account, region)?;
    let public: Vec<&&Client> = clients.iter().filter(|c| c.public()).collect();
    let total: u64 = clients.iter().map(|c| c.count).sum();
    let mut evidence = Evidence::default()
        .attr("athena_endpoint", endpoint.clone())
        .attr("private_link", link.clone())
        .attr("athena_calls", total.to_string());
    for c in public.iter().take(5) {
        evidence = evidence.attr("public_client", super::traffic_observed_tls::describe(c));
    }
    let (status, message) = match public.first() {
        Some(c) => {
            let calls: u64 = public.iter().map(|c| c.count).sum();
            (
                Status::Partial,
                format!(
                    "{calls} of {total} Athena calls came over the public endpoint although \
                     {link} and interface endpoint {endpoint} exist here; the first: {} calls \
                     from {} ({}).",
                    c.count, c.source_ip, c.principal
                ),
            )
        }
        None => (
            Status::Pass,
            format!(
                "All {total} Athena calls from clients came through a VPC endpoint ({link}, \
                 {endpoint})."
            ),
        ),
    };
    Some(
        Finding::new(
            ID,
            status,
            Severity::Medium,
            ctx.region_resource(account, region),
            message,
        )
        .with_evidence(evidence),
    )
}
