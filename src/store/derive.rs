//! Facts derived from what the sources report: each bucket's TLS verdict (its policy plus the
//! resource control policies over its account) and how Athena uses it.

use crate::model::{AthenaUsage, Bucket, Estate, Partition, PolicyText, ResourceControlPolicy};
use crate::policy::{
    Analysis, Policy, PolicyInput, PolicySource, Target, Verdict, Warning, WarningKind, analyze,
    parse_policy,
};

/// An RCP parsed once, ready to be applied to the buckets of the accounts it covers.
#[derive(Clone, Debug)]
pub struct ParsedRcp {
    pub source: PolicySource,
    pub policy: Policy,
    pub account_ids: Vec<String>,
}

/// Parses an RCP; a malformed one is reported by the caller and skipped.
pub fn parse_rcp(rcp: &ResourceControlPolicy) -> Result<ParsedRcp, String> {
    let policy = parse_policy(&rcp.content)
        .map_err(|e| format!("resource control policy {} ({}): {e}", rcp.name, rcp.id))?;
    Ok(ParsedRcp {
        source: PolicySource::ResourceControlPolicy {
            policy_id: rcp.id.clone(),
            policy_name: rcp.name.clone(),
        },
        policy,
        account_ids: rcp.account_ids.clone(),
    })
}

/// The TLS verdict of a bucket: its bucket policy plus every RCP over its account.
///
/// An unreadable or malformed bucket policy makes the verdict `unknown`, unless the RCPs alone
/// already deny every plain-HTTP request (then the bucket policy cannot weaken that).
pub fn bucket_tls(bucket: &Bucket, partition: Partition, rcps: &[ParsedRcp]) -> Analysis {
    let target = Target::new(bucket.name.as_str(), partition);
    let mut inputs: Vec<PolicyInput<'_>> = rcps
        .iter()
        .filter(|r| r.account_ids.contains(&bucket.account_id))
        .map(|r| PolicyInput {
            source: &r.source,
            policy: &r.policy,
        })
        .collect();
    let bucket_source = PolicySource::BucketPolicy;
    let problem: Option<String> = match &bucket.policy {
        PolicyText::None => None,
        PolicyText::Pending => Some("bucket policy not read yet".to_string()),
        PolicyText::Unreadable => Some(
            bucket
                .policy_error()
                .map(|e| e.short())
                .unwrap_or_else(|| "bucket policy could not be read".to_string()),
        ),
        PolicyText::Present { text } => match parse_policy(text) {
            Ok(p) => {
                let parsed = p;
                // Borrow-friendly: analyze here while `parsed` lives.
                inputs.push(PolicyInput {
                    source: &bucket_source,
                    policy: &parsed,
                });
                return analyze(&target, &inputs);
            }
            Err(e) => Some(format!("bucket policy is malformed: {e}")),
        },
    };
    let mut analysis = analyze(&target, &inputs);
    if let Some(problem) = problem {
        if analysis.verdict == Verdict::Enforced {
            analysis.warnings.push(Warning {
                kind: WarningKind::BucketPolicyUnread,
                statement: None,
                message: format!(
                    "{problem}; the resource control policies alone deny every plain-HTTP request"
                ),
            });
        } else {
            return Analysis::unknown(&bucket.name, partition, problem);
        }
    }
    analysis
}

/// How Athena uses `bucket`: workgroups writing results there and tables reading from it.
pub fn athena_usage(estate: &Estate, bucket: &str) -> AthenaUsage {
    let mut result_workgroups: Vec<String> = estate
        .workgroups
        .iter()
        .filter(|w| w.output_bucket.as_deref() == Some(bucket))
        .map(|w| w.key())
        .collect();
    result_workgroups.sort();
    AthenaUsage {
        result_workgroups,
        table_count: estate
            .tables
            .iter()
            .filter(|t| t.bucket.as_deref() == Some(bucket))
            .count(),
    }
}
