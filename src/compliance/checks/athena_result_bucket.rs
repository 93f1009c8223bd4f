//! `athena.result_bucket_https`: the bucket a workgroup writes query results to denies plain
//! HTTP. JDBC/ODBC drivers and the console read results straight from that bucket, so it is
//! the bucket on-premises clients touch.

use super::athena_enforce_configuration::workgroup_evidence;
use super::{Check, Context, bucket_evidence};
use crate::compliance::finding::{
    Attribute, BucketEvidence, Finding, ResourceKind, Severity, Status,
};
use crate::policy::Verdict;

pub const ID: &str = "athena.result_bucket_https";

pub const CHECK: Check = Check {
    id: ID,
    title: "Athena query results land in a bucket that denies plain HTTP",
    description: "For each enabled workgroup with a result location: passes when the result \
        bucket denies every plain-HTTP request (as s3.deny_http), partial when it denies some, \
        fails when it denies none, unknown when the bucket's policy could not be read or the \
        bucket is not in the scan (another account). Not applicable when the workgroup sets no \
        result location or is disabled.",
    resource_kind: ResourceKind::AthenaWorkgroup,
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = ctx.listing_failures(
        ID,
        Severity::High,
        &["athena:ListWorkGroups"],
        "Athena workgroups",
    );
    for w in &ctx.estate.workgroups {
        let enabled = w.enabled();
        let mut evidence = workgroup_evidence(w);
        let (status, message) = if !enabled {
            (
                Status::NotApplicable,
                "The workgroup is disabled: it writes no results.".to_string(),
            )
        } else if !w.errors.is_empty() && w.output_bucket.is_none() {
            (
                Status::Unknown,
                "The workgroup's result location could not be read.".to_string(),
            )
        } else {
            match (&w.output_location, &w.output_bucket) {
                (_, None) => (
                    Status::NotApplicable,
                    "The workgroup sets no result location: each client chooses its own (see \
                     athena.enforce_configuration)."
                        .to_string(),
                ),
                (location, Some(name)) => {
                    let location = location.clone().unwrap_or_else(|| format!("s3://{name}/"));
                    match ctx.bucket(name) {
                        None => (
                            Status::Unknown,
                            format!(
                                "Results go to {location}, but bucket {name} is not in the \
                                 scanned estate (another account, or not listed): its policy \
                                 was not judged."
                            ),
                        ),
                        Some(b) => {
                            let be = bucket_evidence(b);
                            evidence.attributes.extend(
                                be.attributes()
                                    .iter()
                                    .filter(|a| a.name != "athena")
                                    .map(|a| Attribute {
                                        name: format!("result_bucket.{}", a.name).into(),
                                        value: a.value.clone(),
                                    }),
                            );
                            evidence.bucket =
                                be.bucket.map(|b| BucketEvidence { facts: false, ..b });
                            evidence.errors.extend(be.errors);
                            match b.tls.verdict() {
                                Verdict::Enforced => (
                                    Status::Pass,
                                    format!(
                                        "Results go to {location}; bucket {name} denies every \
                                         plain-HTTP request."
                                    ),
                                ),
                                Verdict::Partial => (
                                    Status::Partial,
                                    format!(
                                        "Results go to {location}; bucket {name} still accepts \
                                         some plain-HTTP requests: {}.",
                                        b.tls
                                            .first_gap()
                                            .as_deref()
                                            .unwrap_or("see its gaps")
                                            .trim_end_matches('.')
                                    ),
                                ),
                                Verdict::NotEnforced => (
                                    Status::Fail,
                                    format!(
                                        "Results go to {location}; bucket {name} accepts plain \
                                         HTTP: no statement denies it, so results can be read \
                                         without TLS."
                                    ),
                                ),
                                Verdict::Unknown => (
                                    Status::Unknown,
                                    format!(
                                        "Results go to {location}; bucket {name}'s policy could \
                                         not be judged: {}.",
                                        b.tls
                                            .error()
                                            .as_deref()
                                            .unwrap_or("not read")
                                            .trim_end_matches('.')
                                    ),
                                ),
                            }
                        }
                    }
                }
            }
        };
        let mut f = Finding::new(
            ID,
            status,
            Severity::High,
            ctx.workgroup_resource(w),
            message,
        )
        .with_evidence(evidence);
        f.athena_data_path = w.output_bucket.is_some();
        out.push(f);
    }
    out
}
