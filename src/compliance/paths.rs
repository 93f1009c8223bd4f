//! End-to-end paths: for every account and region where Athena has an enabled workgroup, each
//! way an on-premises client gets there (each Site-to-Site VPN, each Direct Connect link, the
//! public internet) and on to the buckets Athena writes results to and reads tables from.
//!
//! A path is as strong as its weakest hop. Hops take their verdict from the findings the
//! reports carry (a tunnel from `vpn.tunnels`, a link from `dx.link_encryption`, the Athena and
//! S3 endpoints from `vpc.*_endpoint`, a bucket from `s3.deny_http`), so a path can never say
//! something the report does not. The only hops judged here are the ones no check covers: the
//! public internet (no link encryption: TLS alone protects it) and the Glue, KMS and STS
//! endpoints (HTTPS-only services: a missing interface endpoint takes calls off the private
//! path, never out of TLS), each from one rule below.

use std::collections::BTreeSet;

use serde::Serialize;

use super::evaluate::Evaluation;
use super::finding::{Finding, ResourceKind, Status};
use crate::model::{EndpointService, Estate, VpcEndpoint, VpnConnection, VpnTunnel};

/// How the client reaches AWS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Vpn,
    DirectConnect,
    Internet,
}

/// What a hop is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopKind {
    /// A Site-to-Site VPN connection (its tunnels judged by `vpn.tunnels`).
    VpnConnection,
    /// A Direct Connect connection (`dx.link_encryption`).
    DirectConnect,
    /// The public internet to AWS's public endpoints.
    Internet,
    AthenaEndpoint,
    S3Endpoint,
    /// A bucket a workgroup writes query results to: JDBC/ODBC drivers download from it.
    ResultBucket,
    /// A bucket holding table data: Athena reads it; other clients may reach it directly.
    TableBucket,
    GlueEndpoint,
    KmsEndpoint,
    StsEndpoint,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::VpnConnection => "vpn_connection",
            HopKind::DirectConnect => "direct_connect",
            HopKind::Internet => "internet",
            HopKind::AthenaEndpoint => "athena_endpoint",
            HopKind::S3Endpoint => "s3_endpoint",
            HopKind::ResultBucket => "result_bucket",
            HopKind::TableBucket => "table_bucket",
            HopKind::GlueEndpoint => "glue_endpoint",
            HopKind::KmsEndpoint => "kms_endpoint",
            HopKind::StsEndpoint => "sts_endpoint",
        }
    }

    /// Words for a person: "result bucket".
    pub fn noun(self) -> &'static str {
        match self {
            HopKind::VpnConnection => "VPN",
            HopKind::DirectConnect => "Direct Connect",
            HopKind::Internet => "internet",
            HopKind::AthenaEndpoint => "Athena endpoint",
            HopKind::S3Endpoint => "S3 endpoint",
            HopKind::ResultBucket => "result bucket",
            HopKind::TableBucket => "table bucket",
            HopKind::GlueEndpoint => "Glue endpoint",
            HopKind::KmsEndpoint => "KMS endpoint",
            HopKind::StsEndpoint => "STS endpoint",
        }
    }
}

/// One hop of a path and what protects it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hop {
    pub kind: HopKind,
    /// The resource: VPN or DX connection id, endpoint ids, bucket name, `internet`.
    pub id: String,
    pub verdict: Status,
    /// Why, in words.
    pub reason: String,
    /// The finding the verdict comes from (`check/kind/resource`), when a check decided it.
    pub finding: Option<String>,
}

/// One way from on-premises to Athena and on to S3 in one account and region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Path {
    /// `account/region/link`: `111122223333/us-east-1/vpn-0a7c…`, `…/internet`.
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub via: Via,
    /// `VPN ashburn-dc-primary`, `Direct Connect dublin-tcsh-10g`, `public internet`.
    pub name: String,
    /// The weakest hop's verdict: `pass` only when every hop is encrypted.
    pub verdict: Status,
    /// Index in `hops` of the weakest hop (the first at the path's verdict); `None` for `pass`.
    pub weakest: Option<usize>,
    pub hops: Vec<Hop>,
}

impl Path {
    pub fn weakest_hop(&self) -> Option<&Hop> {
        self.weakest.and_then(|i| self.hops.get(i))
    }

    /// Fully encrypted: every hop passes.
    pub fn encrypted(&self) -> bool {
        self.verdict == Status::Pass
    }
}

/// Paths over one estate, in account, region, link order.
pub fn derive(estate: &Estate, eval: &Evaluation) -> Vec<Path> {
    let mut out = Vec::new();
    for (account, region) in athena_regions(estate) {
        let tail = tail_hops(estate, eval, account, region);
        for (via, name, link) in links(estate, eval, account, region) {
            let mut hops = vec![link];
            hops.extend(front_hops(estate, eval, via, account, region));
            hops.extend(tail.iter().cloned());
            hops.extend(service_hops(estate, via, account, region));
            out.push(finish(account, region, via, name, hops));
        }
    }
    out
}

/// Paths that are fully encrypted, of all paths, and the weakest one.
pub fn summary(paths: &[Path]) -> (usize, usize, Option<&Path>) {
    let encrypted = paths.iter().filter(|p| p.encrypted()).count();
    let weakest = paths
        .iter()
        .filter(|p| !p.encrypted())
        .min_by(|a, b| a.verdict.cmp(&b.verdict).then(a.id.cmp(&b.id)));
    (encrypted, paths.len(), weakest)
}

fn finish(account: &str, region: &str, via: Via, name: String, hops: Vec<Hop>) -> Path {
    let verdict = Status::worst(hops.iter().map(|h| h.verdict));
    let weakest = (verdict != Status::Pass)
        .then(|| hops.iter().position(|h| h.verdict == verdict))
        .flatten();
    let link = hops.first().map(|h| h.id.as_str()).unwrap_or("");
    Path {
        id: format!("{account}/{region}/{link}"),
        account_id: account.to_string(),
        region: region.to_string(),
        via,
        name,
        verdict,
        weakest,
        hops,
    }
}

/// (account, region) pairs with an enabled workgroup, sorted.
fn athena_regions(estate: &Estate) -> BTreeSet<(&str, &str)> {
    estate
        .workgroups
        .iter()
        .filter(|w| w.enabled())
        .map(|w| (w.account_id.as_str(), w.region.as_str()))
        .collect()
}

fn from_finding(kind: HopKind, id: String, f: Option<&Finding>, missing: &str) -> Hop {
    match f {
        Some(f) => Hop {
            kind,
            id,
            verdict: f.status,
            reason: f.message().into_owned(),
            finding: Some(f.id.to_string()),
        },
        None => Hop {
            kind,
            id,
            verdict: Status::Unknown,
            reason: missing.to_string(),
            finding: None,
        },
    }
}

fn elsewhere(link_account: &str, account: &str) -> String {
    if link_account == account {
        String::new()
    } else {
        format!(
            " (the link is in account {link_account}; routing to this account is not visible to the scan)"
        )
    }
}

/// The links from on-premises into a region: every VPN and Direct Connect link a scanned
/// account has there (a central network account serves the others), an unknown link where
/// a listing failed, and the public internet.
fn links(
    estate: &Estate,
    eval: &Evaluation,
    account: &str,
    region: &str,
) -> Vec<(Via, String, Hop)> {
    let c = &estate.connectivity;
    let mut out = Vec::new();
    let mut vpns: Vec<_> = c
        .vpn_connections
        .iter()
        .filter(|v| v.region == region && !v.gone())
        .collect();
    vpns.sort_by(|a, b| (&a.account_id, &a.id).cmp(&(&b.account_id, &b.id)));
    for v in vpns {
        let mut hop = vpn_hop(eval, v);
        hop.reason.push_str(&elsewhere(&v.account_id, account));
        let name = format!("VPN {}", v.name.as_deref().unwrap_or(&v.id));
        out.push((Via::Vpn, name, hop));
    }
    let mut dxs: Vec<_> = c
        .dx_connections
        .iter()
        .filter(|d| d.region == region && !d.gone())
        .collect();
    dxs.sort_by(|a, b| (&a.account_id, &a.id).cmp(&(&b.account_id, &b.id)));
    for d in dxs {
        let f = eval.resource_finding("dx.link_encryption", ResourceKind::DxConnection, &d.id);
        let mut hop = from_finding(
            HopKind::DirectConnect,
            d.id.clone(),
            f,
            "the Direct Connect check did not judge this link",
        );
        if hop.verdict == Status::Fail {
            hop.reason.push_str(
                " Requests to Athena and S3 over this link are still TLS where the client uses \
                 it (Athena requires it; S3 only where the bucket denies plain HTTP), so their \
                 payload is protected; the link itself encrypts nothing.",
            );
        }
        hop.reason.push_str(&elsewhere(&d.account_id, account));
        out.push((
            Via::DirectConnect,
            format!("Direct Connect {}", d.name),
            hop,
        ));
    }
    for (check, via, noun) in [
        ("vpn.tunnels", Via::Vpn, "Site-to-Site VPN"),
        ("dx.link_encryption", Via::DirectConnect, "Direct Connect"),
    ] {
        for f in unreadable_links(eval, check, region) {
            let hop = Hop {
                kind: if via == Via::Vpn {
                    HopKind::VpnConnection
                } else {
                    HopKind::DirectConnect
                },
                id: format!("unreadable:{}", f.resource.id),
                verdict: f.status,
                reason: f.message().into_owned(),
                finding: Some(f.id.to_string()),
            };
            // An account that was not entered may hold such a link as much as a region
            // whose listing failed.
            let name = match (f.resource.kind, &f.resource.name) {
                (ResourceKind::Account, Some(account)) => {
                    format!("{noun} of {account} (account not scanned)")
                }
                (ResourceKind::Account, None) => {
                    format!("{noun} of {} (account not scanned)", f.resource.account_id)
                }
                _ => format!("{noun} (could not be listed)"),
            };
            out.push((via, name, hop));
        }
    }
    out.push((
        Via::Internet,
        "public internet".to_string(),
        Hop {
            kind: HopKind::Internet,
            id: "internet".to_string(),
            verdict: Status::Partial,
            reason: "The public internet encrypts nothing on the link: only TLS protects this \
                     traffic. Athena, Glue, KMS and STS accept HTTPS only; S3 refuses plain HTTP \
                     only where the bucket policy denies it (see the bucket hops)."
                .to_string(),
            finding: None,
        },
    ));
    out
}

/// The id the `vpn.tunnels` check gives a tunnel: `vpn-id/outside-ip`.
pub fn tunnel_id(v: &VpnConnection, t: &VpnTunnel) -> String {
    format!("{}/{}", v.id, t.outside_ip)
}

/// A VPN connection is as strong as its weakest tunnel: that tunnel's `vpn.tunnels` finding.
/// The path hop and the console's VPN line both read this.
pub fn worst_tunnel_finding<'a>(eval: &'a Evaluation, v: &VpnConnection) -> Option<&'a Finding> {
    v.tunnels
        .iter()
        .filter_map(|t| {
            eval.resource_finding("vpn.tunnels", ResourceKind::VpnTunnel, &tunnel_id(v, t))
        })
        .min_by(|a, b| a.status.cmp(&b.status).then(a.id.cmp(&b.id)))
}

fn vpn_hop(eval: &Evaluation, v: &VpnConnection) -> Hop {
    from_finding(
        HopKind::VpnConnection,
        v.id.clone(),
        worst_tunnel_finding(eval, v),
        "no tunnel of this connection was judged (no tunnel telemetry)",
    )
}

/// Listing failures of a link check in a region (or account-wide): the links there are unknown.
fn unreadable_links<'a>(eval: &'a Evaluation, check: &str, region: &str) -> Vec<&'a Finding> {
    let Some(c) = eval.check(check) else {
        return Vec::new();
    };
    c.findings
        .iter()
        .filter(|f| {
            matches!(
                f.resource.kind,
                ResourceKind::AccountRegion | ResourceKind::Account
            )
        })
        .filter(|f| f.resource.region.as_deref().is_none_or(|r| r == region))
        .collect()
}

/// Athena and S3 endpoints: on a private link they are the interface endpoints the checks
/// judge; over the internet, the public endpoints.
fn front_hops(
    estate: &Estate,
    eval: &Evaluation,
    via: Via,
    account: &str,
    region: &str,
) -> Vec<Hop> {
    let here = format!("{account}/{region}");
    if via == Via::Internet {
        return vec![Hop {
            kind: HopKind::AthenaEndpoint,
            id: format!("athena.{region}.amazonaws.com"),
            verdict: Status::Pass,
            reason: "The public Athena endpoint accepts HTTPS only (TLS 1.2 or later).".to_string(),
            finding: None,
        }];
    }
    let athena = eval.resource_finding("vpc.athena_endpoint", ResourceKind::AccountRegion, &here);
    let s3 = eval.resource_finding("vpc.s3_endpoint", ResourceKind::AccountRegion, &here);
    vec![
        from_finding(
            HopKind::AthenaEndpoint,
            endpoint_ids(estate, account, region, EndpointService::Athena),
            athena,
            "the Athena endpoint check did not judge this region",
        ),
        from_finding(
            HopKind::S3Endpoint,
            endpoint_ids(estate, account, region, EndpointService::S3),
            s3,
            "the S3 endpoint check did not judge this region",
        ),
    ]
}

fn endpoint_ids(estate: &Estate, account: &str, region: &str, service: EndpointService) -> String {
    let mut ids: Vec<&str> = estate
        .connectivity
        .vpc_endpoints
        .iter()
        .filter(|e| e.account_id == account && e.region == region && e.service == Some(service))
        .map(|e| e.id.as_str())
        .collect();
    ids.sort_unstable();
    if ids.is_empty() {
        // None here: the hop is the account region the endpoint check judged.
        format!("{account}/{region}")
    } else {
        ids.join(",")
    }
}

/// The buckets Athena uses here and the Glue, KMS and STS endpoints: the same for every link.
fn tail_hops(estate: &Estate, eval: &Evaluation, account: &str, region: &str) -> Vec<Hop> {
    let mut results: BTreeSet<&str> = BTreeSet::new();
    for w in estate
        .workgroups
        .iter()
        .filter(|w| w.enabled() && w.account_id == account && w.region == region)
    {
        if let Some(b) = w.output_bucket.as_deref() {
            results.insert(b);
        }
    }
    let tables: BTreeSet<&str> = estate
        .tables
        .iter()
        .filter(|t| t.account_id == account && t.region == region)
        .filter_map(|t| t.bucket.as_deref())
        .filter(|b| !results.contains(b))
        .collect();
    let mut out = Vec::new();
    for (kind, names) in [
        (HopKind::ResultBucket, &results),
        (HopKind::TableBucket, &tables),
    ] {
        for name in names.iter() {
            out.push(bucket_hop(eval, kind, name));
        }
    }
    out
}

/// Glue, KMS and STS hops for a private link (see [`service_hop`]); public ones otherwise.
pub fn service_hops(estate: &Estate, via: Via, account: &str, region: &str) -> Vec<Hop> {
    [
        (EndpointService::Glue, HopKind::GlueEndpoint),
        (EndpointService::Kms, HopKind::KmsEndpoint),
        (EndpointService::Sts, HopKind::StsEndpoint),
    ]
    .into_iter()
    .map(|(service, kind)| service_hop(estate, via, account, region, service, kind))
    .collect()
}

/// The one rule for Glue, KMS and STS endpoints. These services accept HTTPS only, so the
/// traffic is TLS either way: an available interface endpoint with private DNS keeps it on the
/// private link (pass); without one, calls leave the private path for the public endpoint
/// (partial, never fail). Over the internet the public endpoint is the path (pass).
fn service_hop(
    estate: &Estate,
    via: Via,
    account: &str,
    region: &str,
    service: EndpointService,
    kind: HopKind,
) -> Hop {
    let public = format!("{}.{region}.amazonaws.com", service.as_str());
    if via == Via::Internet {
        return Hop {
            kind,
            id: public,
            verdict: Status::Pass,
            reason: format!(
                "The public {} endpoint accepts HTTPS only.",
                kind.noun().trim_end_matches(" endpoint")
            ),
            finding: None,
        };
    }
    let mut eps: Vec<&VpcEndpoint> = estate
        .connectivity
        .vpc_endpoints
        .iter()
        .filter(|e| e.account_id == account && e.region == region && e.service == Some(service))
        .filter(|e| e.endpoint_type.eq_ignore_ascii_case("Interface"))
        .filter(|e| e.state.eq_ignore_ascii_case("available"))
        .collect();
    eps.sort_by(|a, b| {
        b.private_dns_enabled
            .cmp(&a.private_dns_enabled)
            .then(a.id.cmp(&b.id))
    });
    let name = kind.noun().trim_end_matches(" endpoint");
    match eps.first() {
        Some(e) if e.private_dns_enabled => Hop {
            kind,
            id: e.id.clone(),
            verdict: Status::Pass,
            reason: format!(
                "Interface endpoint {} has private DNS on: {name} calls stay on the private path.",
                e.id
            ),
            finding: None,
        },
        Some(e) => Hop {
            kind,
            id: e.id.clone(),
            verdict: Status::Partial,
            reason: format!(
                "Interface endpoint {} has private DNS off: {name} calls that use the default \
                 hostname leave the private path for the public endpoint (still HTTPS).",
                e.id
            ),
            finding: None,
        },
        None => Hop {
            kind,
            id: public,
            verdict: Status::Partial,
            reason: format!(
                "No interface endpoint for {name} in this account and region: calls leave the \
                 private path for the public endpoint (still HTTPS)."
            ),
            finding: None,
        },
    }
}

fn bucket_hop(eval: &Evaluation, kind: HopKind, name: &str) -> Hop {
    let f = eval.resource_finding("s3.deny_http", ResourceKind::S3Bucket, name);
    let who = if kind == HopKind::ResultBucket {
        "JDBC/ODBC drivers download query results from this bucket directly. "
    } else {
        "Athena reads this table data over TLS on the AWS network; clients that reach the \
         bucket directly (ETL jobs, on-premises tools) depend on its policy. "
    };
    let mut hop = from_finding(
        kind,
        name.to_string(),
        f,
        "the bucket is not in the scanned estate (another account, or not listed): its policy \
         was not judged",
    );
    hop.reason = format!("{who}{}", hop.reason);
    // Athena's own reads of table data are TLS whatever the policy says: a table bucket that
    // accepts plain HTTP leaves other clients on this link exposed (partial), not this path's
    // queries (never fail on it alone).
    if kind == HopKind::TableBucket && hop.verdict == Status::Fail {
        hop.verdict = Status::Partial;
    }
    hop
}
