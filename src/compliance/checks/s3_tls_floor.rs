//! `s3.tls_floor`: no request over TLS older than 1.2 is accepted. Informational: AWS service
//! endpoints, S3 included, have refused TLS 1.0 and 1.1 since February 2024, so a bucket
//! without a policy floor still gets TLS 1.2 or newer. A policy floor (`s3:TlsVersion`) is
//! defence in depth and documents intent; its absence is a pass with a note.

use super::{Check, Context, athena_path, bucket_evidence};
use crate::compliance::finding::{BucketPart, Finding, ResourceKind, Severity, Status, Text};
use crate::policy::{Tls, TlsVersion, Verdict, WarningKind};

pub const ID: &str = "s3.tls_floor";

/// Shown on every bucket that relies on the endpoint floor.
pub const ENDPOINT_FLOOR: &str = "AWS endpoints refuse TLS 1.0 and 1.1 (TLS 1.2 minimum on all \
    AWS service API endpoints since February 2024), so this bucket is reached over TLS 1.2 or \
    newer even without a policy floor.";

pub const CHECK: Check = Check {
    id: ID,
    title: "S3 bucket accepts no TLS older than 1.2",
    description: "Informational. Passes when the bucket's policies deny TLS 1.0 and 1.1 \
        (s3:TlsVersion floor of 1.2 or 1.3); also passes, with a note, when they set no floor, \
        because AWS endpoints have required TLS 1.2 since February 2024. Partial when the \
        policies deny every TLS version (the bucket is unusable over TLS for those requests, a \
        mistake worth fixing). The plain-HTTP question is s3.deny_http's.",
    resource_kind: ResourceKind::S3Bucket,
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::with_capacity(ctx.estate.buckets.len());
    for b in ctx.buckets_in_order() {
        let tls = &b.tls;
        let (status, _, note) = judge(tls);
        let path = athena_path(b);
        let mut evidence = bucket_evidence(b);
        if let Some(bucket) = &mut evidence.bucket {
            bucket.part = BucketPart::TlsFloor;
        }
        let mut f =
            Finding::from_analysis(ID, status, Severity::Low, ctx.bucket_resource(b), evidence);
        if let Some(n) = note {
            f = f.with_note(n);
        }
        f.athena_data_path = path.is_some();
        out.push(f);
    }
    out
}

/// The finding's message, from the bucket's analysis.
pub(super) fn message(tls: &Tls) -> Text {
    judge(tls).1
}

/// Status, message and note of a bucket's TLS floor.
fn judge(tls: &Tls) -> (Status, Text, Option<&'static str>) {
    let denies_all = tls.has_warning(WarningKind::DeniesAllTls);
    match tls.min_tls() {
        Some(TlsVersion::V1_3) => (
            Status::Pass,
            "The bucket's policies deny every request over TLS older than 1.3.".into(),
            None,
        ),
        Some(v) if v >= TlsVersion::V1_2 => (
            Status::Pass,
            "The bucket's policies deny every request over TLS older than 1.2.".into(),
            None,
        ),
        _ if denies_all => (
            Status::Partial,
            "The bucket's policies deny every TLS version, TLS 1.3 included: requests they \
             cover cannot succeed at all."
                .into(),
            None,
        ),
        _ if tls.verdict() == Verdict::Unknown => (
            Status::Pass,
            format!(
                "The bucket's policies could not be judged ({}); whatever they say, the AWS \
                 endpoint floor of TLS 1.2 applies.",
                tls.error()
                    .as_deref()
                    .unwrap_or("the bucket policy was not read")
                    .trim_end_matches('.')
            )
            .into(),
            Some(ENDPOINT_FLOOR),
        ),
        _ => (
            Status::Pass,
            "No TLS floor in the bucket's policies; the AWS endpoint floor of TLS 1.2 \
             applies."
                .into(),
            Some(ENDPOINT_FLOOR),
        ),
    }
}
