//! `org.rcp_tls`: an AWS Organizations resource control policy denies plain HTTP on S3 for the
//! account, so every bucket refuses HTTP whatever its own policy says (and buckets created
//! tomorrow too). Defence in depth: catalogs map it as an optional control.

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, ResourceKind, Severity, Status};
use std::collections::HashMap;
use std::sync::Arc;

use crate::policy::shape;
use crate::policy::{
    Analysis, PolicyInput, PolicySource, Target, Tls, Verdict, analyze, parse_policy,
};

pub const ID: &str = "org.rcp_tls";

/// The bucket name used to judge an account that has no bucket yet.
const PROBE: &str = "intransit-rcp-probe";

pub const CHECK: Check = Check {
    id: ID,
    title: "A resource control policy enforces TLS on S3 for the account",
    description: "Per scanned account. Each resource control policy attached above the account \
        is judged on its own against every bucket of the account (a hypothetical bucket when \
        there is none). Passes when the RCPs alone deny every plain-HTTP request to every \
        bucket; partial when they do for some buckets or some requests; fails when no RCP covers \
        the account or none denies plain HTTP; unknown when the organization's policies could \
        not be read.",
    resource_kind: ResourceKind::Account,
    run,
};

const ORG_OPS: [&str; 4] = [
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
    "organizations:ListAccountsForParent",
];

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut org_errors: Vec<_> = ctx
        .estate
        .errors
        .iter()
        .filter(|e| ORG_OPS.contains(&e.operation.as_str()))
        .cloned()
        .collect();
    org_errors.sort_by(|a, b| {
        (&a.operation, &a.account_id, &a.resource, &a.code).cmp(&(
            &b.operation,
            &b.account_id,
            &b.resource,
            &b.code,
        ))
    });
    let mut accounts: Vec<&str> = ctx.estate.accounts.iter().map(|a| a.id.as_str()).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let mut out = Vec::new();
    for account in accounts {
        let mut rcps: Vec<_> = ctx
            .estate
            .resource_control_policies
            .iter()
            .filter(|r| r.account_ids.iter().any(|a| a == account))
            .collect();
        rcps.sort_by(|a, b| a.id.cmp(&b.id));
        let mut evidence = Evidence::default();
        let parsed: Vec<(PolicySource, crate::policy::Policy, &str)> = rcps
            .iter()
            .filter_map(|r| {
                evidence = std::mem::take(&mut evidence)
                    .attr("resource_control_policy", format!("{} ({})", r.name, r.id));
                parse_policy(&r.content).ok().map(|p| {
                    (
                        PolicySource::ResourceControlPolicy {
                            policy_id: r.id.clone(),
                            policy_name: r.name.clone(),
                        },
                        p,
                        r.content.as_str(),
                    )
                })
            })
            .collect();
        let resource = ctx.account_resource(account);
        if parsed.is_empty() {
            let (status, message) = if !org_errors.is_empty() {
                evidence.errors = org_errors.as_slice().into();
                let mut shorts: Vec<String> = org_errors.iter().map(|e| e.short()).collect();
                shorts.dedup();
                (
                    Status::Unknown,
                    format!(
                        "The organization's resource control policies could not be read ({}).",
                        shorts.join(", ")
                    ),
                )
            } else if rcps.is_empty() {
                (
                    Status::Fail,
                    "No resource control policy covers this account: each bucket relies on its \
                     own policy to refuse plain HTTP."
                        .to_string(),
                )
            } else {
                (
                    Status::Unknown,
                    "The resource control policies over this account could not be parsed."
                        .to_string(),
                )
            };
            out.push(
                Finding::new(ID, status, Severity::Low, resource, message).with_evidence(evidence),
            );
            continue;
        }
        let inputs: Vec<PolicyInput<'_>> = parsed
            .iter()
            .map(|(source, policy, _)| PolicyInput { source, policy })
            .collect();
        let partition = ctx.partition(account);
        let mut buckets: Vec<&str> = ctx
            .estate
            .buckets
            .iter()
            .filter(|b| b.account_id == account)
            .map(|b| b.name.as_str())
            .collect();
        buckets.sort_unstable();
        let probe = buckets.is_empty();
        if probe {
            buckets.push(PROBE);
        }
        let mut enforced = 0;
        let mut partial = 0;
        let mut first_gap: Option<String> = None;
        // The RCPs alone: one analysis per name length when no RCP can tell names apart.
        let mut by_len: HashMap<usize, Arc<Analysis>> = HashMap::new();
        for name in &buckets {
            let shareable = parsed
                .iter()
                .all(|(_, policy, content)| shape::rcp_shareable(content, policy, name, partition));
            let a = if shareable {
                let shared = by_len.entry(name.len()).or_insert_with(|| {
                    let marked = shape::marked_name(name.len());
                    Arc::new(analyze(&Target::new(marked, partition), &inputs))
                });
                Tls::shared(shared.clone(), *name)
            } else {
                Tls::own(analyze(&Target::new(*name, partition), &inputs))
            };
            match a.verdict() {
                Verdict::Enforced => enforced += 1,
                Verdict::Partial => {
                    partial += 1;
                    if first_gap.is_none() {
                        first_gap = a.first_gap().map(|g| format!("{name}: {g}"));
                    }
                }
                _ => {}
            }
            for e in a.evidence() {
                let seen = evidence
                    .own_statements
                    .iter()
                    .any(|s| s.source == e.source && s.statement == e.statement);
                if !seen {
                    evidence.own_statements.push(e);
                }
            }
        }
        let n = buckets.len();
        evidence = evidence.attr(
            "buckets_enforced_by_rcp",
            if probe {
                format!(
                    "{enforced} of 1 (no bucket in the account: a hypothetical bucket was judged)"
                )
            } else {
                format!("{enforced} of {n}")
            },
        );
        let names: Vec<&str> = rcps.iter().map(|r| r.name.as_str()).collect();
        let (status, message) = if enforced == n {
            (
                Status::Pass,
                format!(
                    "Resource control policy {} denies every plain-HTTP request to every S3 \
                     bucket of the account ({}), whatever the bucket policies say.",
                    names.join(", "),
                    if probe {
                        "no bucket yet; any bucket created here".to_string()
                    } else {
                        format!("{n} of {n} buckets")
                    }
                ),
            )
        } else if enforced > 0 || partial > 0 {
            (
                Status::Partial,
                format!(
                    "Resource control policy {} denies plain HTTP for {enforced} of {n} buckets \
                     entirely{}.",
                    names.join(", "),
                    first_gap
                        .map(|g| format!("; still accepted, e.g. {}", g.trim_end_matches('.')))
                        .unwrap_or_default()
                ),
            )
        } else {
            (
                Status::Fail,
                format!(
                    "Resource control policy {} covers the account but denies no plain-HTTP \
                     request to S3.",
                    names.join(", ")
                ),
            )
        };
        out.push(
            Finding::new(ID, status, Severity::Low, resource, message).with_evidence(evidence),
        );
    }
    out
}
