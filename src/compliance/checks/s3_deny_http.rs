//! `s3.deny_http`: every plain-HTTP request to the bucket and its objects is explicitly denied,
//! by the bucket policy or by a resource control policy over its account.

use super::{Check, Context, athena_path, bucket_evidence};
use crate::compliance::finding::{Finding, ResourceKind, Severity, Status, Text};
use crate::policy::{PolicySource, Tls, Verdict};

pub const ID: &str = "s3.deny_http";

pub const CHECK: Check = Check {
    id: ID,
    title: "S3 bucket denies plain HTTP",
    description: "Passes when the bucket policy and the resource control policies over the \
        account together deny every plain-HTTP request (aws:SecureTransport false) by any \
        principal, for any S3 action, on the bucket and on every object. Partial when some \
        requests are still accepted (a prefix, an action, an exempt principal, a condition); \
        fail when none are denied; unknown when the policy could not be read or was too \
        complex to decide within the analysis budget. Buckets that \
        hold Athena query results or table data are in the Athena data path and rank higher.",
    resource_kind: ResourceKind::S3Bucket,
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = ctx.listing_failures(
        ID,
        Severity::High,
        &["s3:ListBuckets", "s3:ListAllMyBuckets"],
        "S3 buckets",
    );
    out.reserve_exact(ctx.estate.buckets.len());
    for b in ctx.buckets_in_order() {
        let tls = &b.tls;
        let status = match tls.verdict() {
            Verdict::Enforced => Status::Pass,
            Verdict::Partial => Status::Partial,
            Verdict::NotEnforced => Status::Fail,
            Verdict::Unknown => Status::Unknown,
        };
        let path = athena_path(b);
        let severity = if path.is_some() {
            Severity::High
        } else {
            Severity::Medium
        };
        let mut f = Finding::from_analysis(
            ID,
            status,
            severity,
            ctx.bucket_resource(b),
            bucket_evidence(b),
        );
        f.athena_data_path = path.is_some();
        out.push(f);
    }
    out
}

/// The finding's message, from the bucket's analysis and its place in the Athena data path.
pub(super) fn message(tls: &Tls, path: Option<&str>) -> Text {
    let message: Text = match tls.verdict() {
        Verdict::Enforced
            if matches!(tls.enforcing_sources()[..], [PolicySource::BucketPolicy]) =>
        {
            "Every plain-HTTP request to the bucket and its objects is denied (by the bucket \
             policy)."
                .into()
        }
        Verdict::Enforced => {
            let sources: Vec<String> = tls.enforcing_sources().iter().map(|s| s.label()).collect();
            format!(
                "Every plain-HTTP request to the bucket and its objects is denied ({}).",
                if sources.is_empty() {
                    "by its policies".to_string()
                } else {
                    format!("by the {}", sources.join(" and the "))
                }
            )
            .into()
        }
        Verdict::Partial => {
            let n = tls.gap_count();
            match tls.first_gap() {
                Some(g) if n > 1 => format!(
                    "Some plain-HTTP requests are still accepted: {} (and {} more gap{}).",
                    g.trim_end_matches('.'),
                    n - 1,
                    if n == 2 { "" } else { "s" }
                )
                .into(),
                Some(g) => format!(
                    "Some plain-HTTP requests are still accepted: {}.",
                    g.trim_end_matches('.')
                )
                .into(),
                None => "Some plain-HTTP requests are still accepted.".into(),
            }
        }
        Verdict::NotEnforced => "No policy statement denies plain HTTP: any request an \
            Allow grants is served without TLS."
            .into(),
        Verdict::Unknown => format!(
            "The bucket's TLS enforcement could not be judged: {}.",
            tls.error()
                .as_deref()
                .unwrap_or("the bucket policy was not read")
                .trim_end_matches('.')
        )
        .into(),
    };
    match path {
        Some(p) => format!("{message} In the Athena data path ({p}).").into(),
        None => message,
    }
}
