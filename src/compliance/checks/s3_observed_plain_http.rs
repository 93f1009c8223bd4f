//! `s3.observed_plain_http`: the bucket's access logs show no plain-HTTP request it served.
//! Judged only where access logs of the bucket were read (`--access-logs`, the demo's logs):
//! the configuration says what would be refused, this says what happened.

use super::{Check, Context, athena_path, bucket_evidence};
use crate::compliance::finding::{Finding, ResourceKind, Severity, Status};
use crate::model::Bucket;
use crate::policy::Verdict;
use crate::traffic::{BucketSeen, Outcome, PlainHttp, Traffic};

pub const ID: &str = "s3.observed_plain_http";

pub const CHECK: Check = Check {
    id: ID,
    title: "S3 access logs show no plain-HTTP request served",
    description: "For each bucket whose S3 server access logs were read: fails when a request \
        without TLS (TLS version `-`) was answered with anything but 403 — critical when the \
        bucket's policies do not deny plain HTTP at all. Passes when every plain-HTTP request \
        was refused and every other request used TLS. Unknown when some records predate S3's \
        TLS version field. Buckets without logs read are not judged here.",
    resource_kind: ResourceKind::S3Bucket,
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(traffic) = ctx.estate.traffic.as_deref() else {
        return Vec::new();
    };
    ctx.buckets_in_order()
        .iter()
        .filter_map(|b| Some((*b, traffic.bucket(&b.name)?)))
        .map(|(b, seen)| judge(ctx, traffic, b, seen))
        .collect()
}

fn judge(ctx: &Context<'_>, traffic: &Traffic, b: &Bucket, seen: &BucketSeen) -> Finding {
    let accepted: Vec<&PlainHttp> = traffic
        .plain_http_to(&b.name)
        .filter(|p| p.outcome == Outcome::Accepted)
        .collect();
    let mut evidence = bucket_evidence(b)
        .attr("observed_requests", seen.records.to_string())
        .attr("plain_http_accepted", seen.plain_http_accepted.to_string())
        .attr("plain_http_denied", seen.plain_http_denied.to_string())
        .attr("tls_versions", versions(seen));
    if seen.tls_not_recorded > 0 {
        evidence = evidence.attr("tls_not_recorded", seen.tls_not_recorded.to_string());
    }
    for p in accepted.iter().take(5) {
        evidence = evidence.attr("accepted", describe(p));
    }
    let verdict = b.tls.verdict();
    let (status, severity, message) = if let Some(top) = accepted.first() {
        let severity = if verdict == Verdict::NotEnforced {
            Severity::Critical
        } else {
            Severity::High
        };
        let why = match verdict {
            Verdict::NotEnforced => "its policies do not deny plain HTTP",
            Verdict::Partial => "its policies deny plain HTTP only for some requests",
            Verdict::Enforced => {
                "yet its policies as read now deny plain HTTP: they changed since, or the \
                 request came another way (an ACL, an access point)"
            }
            Verdict::Unknown => "its policies could not be judged",
        };
        let others = seen.plain_http_accepted - top.count;
        let more = if others > 0 {
            format!(" and {others} more from other clients")
        } else {
            String::new()
        };
        (
            Status::Fail,
            severity,
            format!(
                "The bucket served {} plain-HTTP {} requests from {} ({}){more}; {why}.",
                top.count, top.operation, top.source_ip, top.principal
            ),
        )
    } else if seen.tls_not_recorded > 0 {
        (
            Status::Unknown,
            Severity::Medium,
            format!(
                "{} of {} access-log records predate S3's TLS version field: whether they used \
                 TLS is not recorded.",
                seen.tls_not_recorded, seen.records
            ),
        )
    } else if seen.plain_http_denied > 0 {
        (
            Status::Pass,
            Severity::High,
            format!(
                "All {} plain-HTTP requests in the access logs were refused (403); the other {} \
                 used TLS ({}).",
                seen.plain_http_denied,
                seen.records - seen.plain_http_denied,
                versions(seen)
            ),
        )
    } else {
        (
            Status::Pass,
            Severity::High,
            format!(
                "All {} requests in the access logs used TLS ({}).",
                seen.records,
                versions(seen)
            ),
        )
    };
    let mut f =
        Finding::new(ID, status, severity, ctx.bucket_resource(b), message).with_evidence(evidence);
    f.athena_data_path = athena_path(b).is_some();
    f
}

fn versions(seen: &BucketSeen) -> String {
    crate::traffic::summary::versions_text(seen.tls_versions.iter().map(|(v, n)| (v.as_str(), *n)))
}

/// `37 REST.GET.OBJECT from 203.0.113.9 (arn:…) answered 200, 2024-01-22T… – 2024-01-28T…,
/// e.g. request 3E57427F3EXAMPLE`.
fn describe(p: &PlainHttp) -> String {
    let status = p.http_status.map_or("-".to_string(), |s| s.to_string());
    let mut out = format!(
        "{} {} from {} ({}) answered {status}",
        p.count, p.operation, p.source_ip, p.principal
    );
    if let (Some(first), Some(last)) = (&p.first_seen, &p.last_seen) {
        out.push_str(&format!(", {first} – {last}"));
    }
    if let Some(id) = p.examples.first() {
        out.push_str(&format!(", e.g. request {id}"));
    }
    out
}
