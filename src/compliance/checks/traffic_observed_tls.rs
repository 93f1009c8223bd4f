//! `traffic.observed_tls`: no request recorded in an account's logs used TLS older than 1.2.
//! Judged per account where CloudTrail events (by recipient account) or S3 access logs (by
//! the bucket's account) recorded a TLS version.

use std::collections::BTreeMap;

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, ResourceKind, Severity, Status};
use crate::traffic::{Client, Log, Traffic, summary::NO_TLS};

pub const ID: &str = "traffic.observed_tls";

pub const CHECK: Check = Check {
    id: ID,
    title: "Observed requests used TLS 1.2 or newer",
    description: "For each scanned account whose CloudTrail events or S3 access logs were \
        read: fails when a request recorded TLS 1.1, 1.0 or SSL (a client that needs \
        upgrading: AWS endpoints refuse it since February 2024). Passes when every recorded \
        TLS version is 1.2 or newer, unknown instead when CloudTrail could not be read live \
        in one of the account's regions. Plain-HTTP requests are s3.observed_plain_http's; \
        accounts where nothing recorded a TLS version, and nothing failed, are not judged.",
    resource_kind: ResourceKind::Account,
    run,
};

/// What one account's rows say.
#[derive(Default)]
struct Seen<'a> {
    versions: BTreeMap<&'a str, u64>,
    old: Vec<&'a Client>,
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(traffic) = ctx.estate.traffic.as_deref() else {
        return Vec::new();
    };
    let failed = failed_reads(ctx, traffic);
    let mut seen = by_account(ctx, traffic);
    for account in failed.keys() {
        seen.entry(account).or_default();
    }
    seen.into_iter()
        .filter(|(account, seen)| !seen.versions.is_empty() || failed.contains_key(account))
        .map(|(account, seen)| judge(ctx, account, seen, failed.get(account)))
        .collect()
}

/// Live CloudTrail reads that failed, per scanned account: `region: why`.
fn failed_reads<'a>(ctx: &Context<'a>, traffic: &'a Traffic) -> BTreeMap<&'a str, Vec<String>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in &traffic.coverage.files {
        let (Some(account), Some(why)) = (f.account_id.as_deref(), f.error.as_deref()) else {
            continue;
        };
        if ctx.estate.accounts.iter().any(|a| a.id == account) {
            let region = f.region.as_deref().unwrap_or("?");
            out.entry(account)
                .or_default()
                .push(format!("{region}: {why}"));
        }
    }
    out
}

/// Rows with a recorded TLS version, per scanned account.
fn by_account<'a>(ctx: &Context<'a>, traffic: &'a Traffic) -> BTreeMap<&'a str, Seen<'a>> {
    let mut out: BTreeMap<&str, Seen> = BTreeMap::new();
    for c in &traffic.clients {
        let Some(version) = c.tls_version.as_deref().filter(|v| *v != NO_TLS) else {
            continue;
        };
        let accounts: Vec<&str> = match c.log {
            Log::Cloudtrail => c.account_id.as_deref().into_iter().collect(),
            Log::AccessLog => {
                let mut v: Vec<&str> = c
                    .buckets
                    .iter()
                    .filter_map(|b| ctx.bucket(b))
                    .map(|b| b.account_id.as_str())
                    .collect();
                v.dedup();
                v
            }
        };
        for account in accounts {
            if !ctx.estate.accounts.iter().any(|a| a.id == account) {
                continue;
            }
            let seen = out.entry(account).or_default();
            *seen.versions.entry(version).or_default() += c.count;
            if c.old_tls() {
                seen.old.push(c);
            }
        }
    }
    out
}

fn judge(
    ctx: &Context<'_>,
    account: &str,
    seen: Seen<'_>,
    failed: Option<&Vec<String>>,
) -> Finding {
    let versions =
        crate::traffic::summary::versions_text(seen.versions.iter().map(|(v, n)| (*v, *n)));
    let mut evidence = Evidence::default().attr("tls_versions", versions);
    for c in seen.old.iter().take(5) {
        evidence = evidence.attr("old_tls_client", describe(c));
    }
    let total: u64 = seen.versions.values().sum();
    if let Some(failed) = failed {
        evidence = evidence.attr("unread", failed.join("; "));
    }
    let (status, message) = match (seen.old.first(), failed) {
        (Some(c), _) => {
            let old: u64 = seen.old.iter().map(|c| c.count).sum();
            (
                Status::Fail,
                format!(
                    "{old} of {total} requests that recorded TLS used a version older than 1.2; \
                     the first: {} requests over {} from {} ({}).",
                    c.count,
                    c.tls_version.as_deref().unwrap_or("?"),
                    c.source_ip,
                    c.principal
                ),
            )
        }
        (None, Some(failed)) => (
            Status::Unknown,
            format!(
                "CloudTrail could not be read here ({}): {total} requests that were read \
                 recorded TLS 1.2 or newer, the rest is not known.",
                failed.join("; ")
            ),
        ),
        (None, None) => (
            Status::Pass,
            format!("All {total} requests that recorded TLS used 1.2 or newer."),
        ),
    };
    Finding::new(
        ID,
        status,
        Severity::High,
        ctx.account_resource(account),
        message,
    )
    .with_evidence(evidence)
}

/// `7 over TLSv1 from 192.0.2.44 (arn:…) to athena.amazonaws.com via public, agent "…"`.
pub(super) fn describe(c: &Client) -> String {
    format!(
        "{} over {} from {} ({}) to {} via {}, agent \"{}\"",
        c.count,
        c.tls_version.as_deref().unwrap_or("?"),
        c.source_ip,
        c.principal,
        c.event_source,
        c.endpoint,
        c.user_agent.as_deref().unwrap_or("-")
    )
}
