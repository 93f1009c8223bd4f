//! S3: every bucket the account lists (S3 is global: buckets of every region are read, each
//! with a client of its own region), its policy text, policy status, public access block and
//! default encryption. Verdicts are the store's job; this only reports raw facts.

use std::sync::Arc;

use aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput;
use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput;
use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
use aws_smithy_types::date_time::Format;
use tokio::task::JoinSet;

use super::client::ReadOnly;
use super::report_panics;
use crate::model::{
    Bucket, BucketEncryption, ContextRead, FetchError, PolicyText, PublicAccessBlock,
};
use crate::store::Update;

/// A bucket as `ListBuckets` returned it.
struct Listed {
    name: String,
    region: Option<String>,
    creation_date: Option<String>,
}

/// One `ListBuckets` page as the call answered it.
pub(super) type Page = Result<ListBucketsOutput, FetchError>;

/// The first `ListBuckets` page, asked while the account is still being identified (see
/// `prepare` in mod.rs): nothing is stored from it until `scan`, after the identity answered.
pub(super) async fn first_page(ro: &ReadOnly) -> Page {
    ro.s3_list_buckets(None).await
}

/// Once the account is known, a failed `first_page` names it, as it would had the call been
/// made after `GetCallerIdentity`.
pub(super) fn name_the_account(page: &mut Page, account_id: &str) {
    if let Err(e) = page {
        e.account_id.get_or_insert_with(|| account_id.to_string());
    }
}

/// Lists every bucket (all pages, starting from `first`, the answer of `first_page`) and
/// reads each one in its own task; returns when all are read. A failed `ListBuckets` is an
/// estate error.
pub(super) async fn scan(ro: Arc<ReadOnly>, first: Page) {
    let mut tasks = JoinSet::new();
    let mut token: Option<String> = None;
    let mut first = Some(first);
    loop {
        let answer = match first.take() {
            Some(page) => page,
            None => ro.s3_list_buckets(token.take()).await,
        };
        let page = match answer {
            Ok(page) => page,
            Err(e) => {
                ro.store().apply(Update::Error(e));
                break;
            }
        };
        let listed: Vec<Listed> = page
            .buckets()
            .iter()
            .filter_map(|b| {
                Some(Listed {
                    name: b.name()?.to_string(),
                    region: b
                        .bucket_region()
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                    creation_date: b.creation_date().and_then(|d| d.fmt(Format::DateTime).ok()),
                })
            })
            .collect();
        // Show the buckets whose region is already known at once, as "pending".
        ro.store().apply_all(listed.iter().filter_map(|l| {
            let region = l.region.clone()?;
            Some(Update::Bucket(Box::new(bucket(
                &ro,
                l,
                region,
                PolicyText::Pending,
            ))))
        }));
        for l in listed {
            tasks.spawn(read_verdict(ro.clone(), l));
        }
        match page.continuation_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    // Phase 1 gives every bucket its TLS verdict (one call per bucket, two without
    // BucketRegion). Only with `--context` does phase 2 read what no verdict or check uses
    // (policy status, public access block, encryption), after the verdicts.
    let mut context = JoinSet::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(read) if ro.shared().reads_context() => {
                context.spawn(read_context(ro.clone(), read));
            }
            Ok(_) => {}
            Err(e) => ro.store().apply(Update::Error(super::panicked("s3", &e))),
        }
    }
    report_panics(ro.store(), "s3", context).await;
}

/// A bucket after phase 1, and the region to send its remaining reads to.
struct Read {
    bucket: Bucket,
    read_region: String,
}

fn bucket(ro: &ReadOnly, l: &Listed, region: String, policy: PolicyText) -> Bucket {
    Bucket {
        account_id: ro.account_id().to_string(),
        name: l.name.clone(),
        region,
        creation_date: l.creation_date.clone(),
        policy,
        policy_is_public: None,
        public_access_block: None,
        encryption: None,
        context: ContextRead::NotRead,
        // Recomputed by the store from the policy text and the RCPs.
        tls: crate::policy::Tls::default(),
        athena: Default::default(),
        errors: Vec::new(),
    }
}

/// The region of a bucket whose `GetBucketLocation` failed.
const UNKNOWN_REGION: &str = "unknown";

/// `GetBucketLocation`'s answer as a region: empty means us-east-1, `EU` means eu-west-1.
pub(super) fn location_region(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(r) => r.to_string(),
    }
}

async fn read_verdict(ro: Arc<ReadOnly>, l: Listed) -> Read {
    let mut errors: Vec<FetchError> = Vec::new();
    let region = match &l.region {
        Some(r) => r.clone(),
        None => match ro.s3_get_bucket_location(&l.name).await {
            Ok(out) => location_region(out.location_constraint().map(|c| c.as_str())),
            Err(e) => {
                errors.push(e);
                UNKNOWN_REGION.to_string()
            }
        },
    };
    // Region unknown: try the reads in the home region anyway (a wrong region fails visibly).
    let read_region = if region == UNKNOWN_REGION {
        ro.shared().home_region().to_string()
    } else {
        region.clone()
    };
    let policy = match ro.s3_get_bucket_policy(&read_region, &l.name).await {
        Ok(out) => match policy_text(out.policy()) {
            Ok(text) => PolicyText::Present { text: text.into() },
            Err(why) => {
                errors.push(ro.invalid_answer("s3:GetBucketPolicy", &read_region, &l.name, why));
                PolicyText::Unreadable
            }
        },
        // The only answer that means "this bucket has no policy".
        Err(e) if e.code == "NoSuchBucketPolicy" => PolicyText::None,
        Err(e) => {
            errors.push(e);
            PolicyText::Unreadable
        }
    };
    let mut bucket = bucket(&ro, &l, region, policy);
    if ro.shared().reads_context() {
        bucket.context = ContextRead::Reading;
    }
    if bucket.policy == PolicyText::None {
        // No policy: nothing in a policy can make the bucket public.
        bucket.policy_is_public = Some(false);
    }
    bucket.errors = errors;
    ro.store().apply(Update::Bucket(Box::new(bucket.clone())));
    Read {
        bucket,
        read_region,
    }
}

/// Reads the context of one bucket already read (for the console, on demand).
pub(super) async fn read_one_context(ro: Arc<ReadOnly>, mut bucket: Bucket) {
    let read_region = if bucket.region == UNKNOWN_REGION {
        ro.shared().home_region().to_string()
    } else {
        bucket.region.clone()
    };
    bucket.context = ContextRead::Reading;
    ro.store().apply(Update::Bucket(Box::new(bucket.clone())));
    read_context(
        ro,
        Read {
            bucket,
            read_region,
        },
    )
    .await;
}

async fn read_context(ro: Arc<ReadOnly>, read: Read) {
    let Read {
        mut bucket,
        read_region,
    } = read;
    let name = bucket.name.clone();
    let has_policy = matches!(bucket.policy, PolicyText::Present { .. });
    let status = async {
        if has_policy {
            Some(ro.s3_get_bucket_policy_status(&read_region, &name).await)
        } else {
            None
        }
    };
    let (status, pab, encryption) = tokio::join!(
        status,
        ro.s3_get_public_access_block(&read_region, &name),
        ro.s3_get_bucket_encryption(&read_region, &name),
    );
    let missing = |op: &str, what: &str| {
        ro.invalid_answer(
            op,
            &read_region,
            &name,
            format!("200 response without {what}"),
        )
    };
    match status {
        Some(Ok(out)) => match out.policy_status().and_then(|s| s.is_public()) {
            Some(public) => bucket.policy_is_public = Some(public),
            None => bucket
                .errors
                .push(missing("s3:GetBucketPolicyStatus", "PolicyStatus/IsPublic")),
        },
        Some(Err(e)) if e.code == "NoSuchBucketPolicy" => bucket.policy_is_public = Some(false),
        Some(Err(e)) => bucket.errors.push(e),
        None => {}
    }
    match pab {
        Ok(out) => match public_access_block(&out) {
            Some(block) => bucket.public_access_block = Some(block),
            None => bucket.errors.push(missing(
                "s3:GetPublicAccessBlock",
                "PublicAccessBlockConfiguration",
            )),
        },
        Err(e) if e.code == "NoSuchPublicAccessBlockConfiguration" => {}
        Err(e) => bucket.errors.push(e),
    }
    match encryption {
        Ok(out) if out.server_side_encryption_configuration().is_none() => {
            bucket.errors.push(missing(
                "s3:GetBucketEncryption",
                "ServerSideEncryptionConfiguration",
            ))
        }
        Ok(out) => bucket.encryption = default_encryption(&out),
        Err(e) if e.code == "ServerSideEncryptionConfigurationNotFoundError" => {}
        Err(e) => bucket.errors.push(e),
    }
    bucket.context = ContextRead::Read;
    ro.store().apply(Update::Bucket(Box::new(bucket)));
}

/// The policy text of a `GetBucketPolicy` success, or why it is not one. S3 only stores
/// policies that are JSON documents, so an empty body or text that is not JSON was damaged or
/// replaced on the way (a proxy, a cut connection): it is not the bucket's policy.
fn policy_text(policy: Option<&str>) -> Result<String, String> {
    let text = policy.unwrap_or("");
    if text.trim().is_empty() {
        return Err("empty 200 response".to_string());
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let start: String = text.chars().take(40).collect();
        return Err(format!(
            "200 response is not a JSON document ({} bytes, {e}, starts {:?}): S3 only stores \
             JSON policies, so the answer was cut or replaced on the way",
            text.len(),
            crate::text::sanitize(&start)
        ));
    }
    Ok(text.to_string())
}

fn public_access_block(out: &GetPublicAccessBlockOutput) -> Option<PublicAccessBlock> {
    let c = out.public_access_block_configuration()?;
    Some(PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    })
}

fn default_encryption(out: &GetBucketEncryptionOutput) -> Option<BucketEncryption> {
    let rules = out.server_side_encryption_configuration()?.rules();
    let rule = rules
        .iter()
        .find(|r| r.apply_server_side_encryption_by_default().is_some())?;
    let default = rule.apply_server_side_encryption_by_default()?;
    Some(BucketEncryption {
        algorithm: default.sse_algorithm().as_str().to_string(),
        kms_key_id: default.kms_master_key_id().map(str::to_string),
        bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::{location_region, policy_text};

    #[test]
    fn only_a_json_document_is_a_policy() {
        assert!(policy_text(Some(r#"{"Version":"2012-10-17","Statement":[]}"#)).is_ok());
        for (body, why) in [
            (None, "empty 200 response"),
            (Some(""), "empty 200 response"),
            (Some(" \n"), "empty 200 response"),
            (
                Some(r#"{"Version": "2012-10-17", "Statement": [ {"Effect""#),
                "not a JSON document",
            ),
            (
                Some("<html><body>Sign in</body></html>"),
                "not a JSON document",
            ),
        ] {
            let got = policy_text(body).expect_err("refused");
            assert!(got.contains(why), "{body:?}: {got}");
        }
    }

    #[test]
    fn location_constraints() {
        assert_eq!(location_region(None), "us-east-1");
        assert_eq!(location_region(Some("")), "us-east-1");
        assert_eq!(location_region(Some("EU")), "eu-west-1");
        assert_eq!(location_region(Some("ap-southeast-2")), "ap-southeast-2");
    }
}
