//! Facts derived from what the sources report: each bucket's TLS verdict (its policy plus the
//! resource control policies over its account) and how Athena uses it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::model::{
    AthenaUsage, Bucket, Estate, Partition, PolicyBody, PolicyText, ResourceControlPolicy,
};
use crate::policy::shape::{self, marked_name};
use crate::policy::{
    Analysis, Policy, PolicyInput, PolicySource, Target, Tls, Verdict, Warning, WarningKind,
    analyze, parse_policy,
};

/// An RCP parsed once, ready to be applied to the buckets of the accounts it covers.
#[derive(Clone, Debug)]
pub struct ParsedRcp {
    pub source: PolicySource,
    pub policy: Policy,
    pub account_ids: Vec<String>,
    /// The policy as written (to tell whether it can spell a bucket's name).
    pub content: String,
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
        content: rcp.content.clone(),
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
        PolicyText::Present { text } => match parse_policy(&text.text()) {
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

/// Policy shapes seen so far and their shared analyses (see [`crate::policy::shape`]); `None`
/// for a shape that cannot be shared (each of its buckets is analyzed on its own).
#[derive(Debug, Default)]
pub struct Shapes {
    map: Mutex<HashMap<ShapeKey, Option<Arc<Analysis>>>>,
}

/// At most this many shapes are remembered; buckets of later shapes are analyzed on their own.
const MAX_SHAPES: usize = 20_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ShapeKey {
    /// The bucket policy's template; `None`: the bucket has no policy.
    template: Option<Arc<str>>,
    partition: Partition,
    name_len: usize,
    /// The RCPs over the bucket's account (indices into the store's list).
    rcps: Vec<usize>,
}

impl Clone for Shapes {
    fn clone(&self) -> Shapes {
        Shapes {
            map: Mutex::new(self.lock().clone()),
        }
    }
}

impl Shapes {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ShapeKey, Option<Arc<Analysis>>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets every shape (the RCPs changed).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many shapes are remembered, and how many of them are shared.
    pub fn counts(&self) -> (usize, usize) {
        let map = self.lock();
        (map.len(), map.values().filter(|v| v.is_some()).count())
    }
}

/// What [`derive_tls`] gives `bucket`, without changing it.
pub fn bucket_tls_shared(
    bucket: &Bucket,
    partition: Partition,
    rcps: &[ParsedRcp],
    shapes: &Shapes,
) -> Tls {
    let mut b = bucket.clone();
    derive_tls(&mut b, partition, rcps, shapes);
    b.tls
}

/// Derives `bucket.tls`: [`bucket_tls`], shared with the buckets of its policy shape when that
/// is exact. A bucket that shares its shape's analysis also keeps its policy text as the
/// shape's template, rendered when read.
pub fn derive_tls(bucket: &mut Bucket, partition: Partition, rcps: &[ParsedRcp], shapes: &Shapes) {
    match shared_analysis(bucket, partition, rcps, shapes) {
        Some((analysis, template)) => {
            let name = bucket.name_shared();
            if let (Some(template), PolicyText::Present { text }) = (template, &mut bucket.policy) {
                *text = PolicyBody::shared(template, name.clone());
            }
            bucket.tls = Tls::shared(analysis, name);
        }
        None => bucket.tls = Tls::own(bucket_tls(bucket, partition, rcps)),
    }
}

/// The shared analysis of the bucket's shape, with the shape's template.
type Shared = (Arc<Analysis>, Option<Arc<str>>);

fn shared_analysis(
    bucket: &Bucket,
    partition: Partition,
    rcps: &[ParsedRcp],
    shapes: &Shapes,
) -> Option<Shared> {
    if !shape::plain_name(&bucket.name) {
        return None;
    }
    let template = match &bucket.policy {
        PolicyText::Present { text } => Some(match text.template() {
            Some(t) => t.clone(),
            None => Arc::from(shape::template(&text.text(), &bucket.name)?),
        }),
        PolicyText::None => None,
        PolicyText::Pending | PolicyText::Unreadable => return None,
    };
    let covering: Vec<usize> = (0..rcps.len())
        .filter(|&i| rcps[i].account_ids.contains(&bucket.account_id))
        .collect();
    if !covering.iter().all(|&i| {
        let r = &rcps[i];
        shape::rcp_shareable(&r.content, &r.policy, &bucket.name, partition)
    }) {
        return None;
    }
    let key = ShapeKey {
        template,
        partition,
        name_len: bucket.name.len(),
        rcps: covering,
    };
    if let Some((known, analysis)) = shapes.lock().get_key_value(&key) {
        return Some((analysis.clone()?, known.template.clone()));
    }
    let analysis = analyze_shape(&key, rcps).map(Arc::new);
    let template = key.template.clone();
    let mut map = shapes.lock();
    if map.len() < MAX_SHAPES {
        map.insert(key, analysis.clone());
    }
    Some((analysis?, template))
}

/// The analysis of a shape for the marked name, when the shape can be shared.
fn analyze_shape(key: &ShapeKey, rcps: &[ParsedRcp]) -> Option<Analysis> {
    let target = Target::new(marked_name(key.name_len), key.partition);
    let mut inputs: Vec<PolicyInput<'_>> = key
        .rcps
        .iter()
        .map(|&i| PolicyInput {
            source: &rcps[i].source,
            policy: &rcps[i].policy,
        })
        .collect();
    let bucket_source = PolicySource::BucketPolicy;
    let parsed = match &key.template {
        Some(t) => Some(parse_policy(t).ok()?),
        None => None,
    };
    if let Some(p) = &parsed {
        if !shape::shareable(p, key.partition, key.name_len) {
            return None;
        }
        inputs.push(PolicyInput {
            source: &bucket_source,
            policy: p,
        });
    }
    Some(analyze(&target, &inputs))
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
