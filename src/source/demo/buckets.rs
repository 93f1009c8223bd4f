//! The S3 buckets: 90 of them over three of the scanned accounts and three regions, each with
//! a policy shape (see `policies.rs`), public-access-block and default encryption.

use super::accounts::{
    ANALYTICS_PROD as A, AP_SOUTHEAST_2, DATA_LAKE as D, EU_WEST_1, SANDBOX as S, US_EAST_1,
};
use super::fnv;
use super::policies::Shape::{self, *};
use crate::model::{AthenaUsage, Bucket, BucketEncryption, FetchError, PublicAccessBlock};

const USE1: &str = US_EAST_1;
const EUW1: &str = EU_WEST_1;
const APSE2: &str = AP_SOUTHEAST_2;

/// Public-access-block and encryption departures from the defaults (all four blocks on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    Std,
    /// No public-access-block configuration at all.
    NoPab,
    /// ACLs allowed (log delivery that still relies on ACLs).
    AclsAllowed,
    /// A public static website: every block off, the policy is public.
    Public,
    /// No default encryption reported (a pre-2023 inventory).
    NoEncryption,
}

/// One bucket of the demo estate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub account: &'static str,
    pub region: &'static str,
    pub name: &'static str,
    pub shape: Shape,
    pub extra: Extra,
}

#[rustfmt::skip]
pub fn specs() -> Vec<Spec> {
    let s = |account, region, name, shape, extra| Spec { account, region, name, shape, extra };
    vec![
        // ---- analytics-prod (111122223333): not covered by any RCP ----
        s(A, USE1, "athena-results-analytics-prod-use1", Canonical, Extra::Std),
        s(A, USE1, "athena-results-adhoc-analytics-prod-use1", ObjectsOnly, Extra::Std),
        s(A, USE1, "athena-results-ml-analytics-prod-use1", TlsFloor12, Extra::Std),
        s(A, USE1, "cur-reports-northwind", CurReports, Extra::Std),
        s(A, USE1, "cloudtrail-logs-northwind-org", CloudTrail, Extra::Std),
        s(A, USE1, "ml-features-analytics-prod", SourceVpce, Extra::Std),
        s(A, USE1, "ml-models-analytics-prod", TlsFloor13, Extra::Std),
        s(A, USE1, "ml-training-snapshots-use1", BoolIfExists, Extra::Std),
        s(A, USE1, "clickstream-landing-use1", NoPolicy, Extra::Std),
        s(A, USE1, "clickstream-processed-use1", LowerCaseKeys, Extra::Std),
        s(A, USE1, "finance-mart-analytics-prod", SplitStatements, Extra::Std),
        s(A, USE1, "partner-feeds-inbound-use1", NotPrincipal("partner-sftp-loader"), Extra::Std),
        s(A, USE1, "marketing-exports-use1", PrefixOnly("exports/pii/"), Extra::Std),
        s(A, USE1, "quicksight-spice-staging-use1", BucketOnly, Extra::Std),
        s(A, USE1, "emr-logs-analytics-prod-use1", PrefixOnly("elasticmapreduce/"), Extra::Std),
        s(A, USE1, "vpc-flow-logs-analytics-prod", Canonical, Extra::Std),
        s(A, USE1, "s3-access-logs-analytics-prod-use1", NoPolicy, Extra::AclsAllowed),
        s(A, USE1, "config-snapshots-analytics-prod", Canonical, Extra::Std),
        s(A, USE1, "glue-scripts-analytics-prod-use1", JsonFalse, Extra::Std),
        s(A, USE1, "glue-temp-analytics-prod-use1", InvertedTrue, Extra::Std),
        s(A, USE1, "dbt-artifacts-analytics-prod", TlsAndHttp, Extra::Std),
        s(A, USE1, "airflow-dags-analytics-prod", TlsIfExistsOnly, Extra::Std),
        s(A, USE1, "data-exchange-outbound-use1", PrincipalOrgId, Extra::Std),
        s(A, USE1, "legacy-reports-archive-use1", WrongBucket("legacy-reports-archive"), Extra::NoEncryption),
        s(A, USE1, "tableau-extracts-analytics-prod", MalformedEffect, Extra::Std),
        s(A, USE1, "redshift-unload-analytics-prod", Unreadable("AccessDenied"), Extra::Std),
        s(A, USE1, "lambda-artifacts-analytics-prod-use1", Canonical, Extra::Std),
        s(A, USE1, "terraform-state-analytics-prod", TlsFloor12, Extra::Std),
        s(A, USE1, "cloudfront-logs-analytics-prod", NoPolicy, Extra::AclsAllowed),
        s(A, USE1, "sagemaker-notebooks-analytics-prod", SomeActions, Extra::Std),
        s(A, USE1, "customer-360-curated-use1", Canonical, Extra::Std),
        s(A, USE1, "security-findings-export-use1", BoolIfExists, Extra::Std),
        s(A, EUW1, "athena-results-analytics-prod-euw1", NoPolicy, Extra::Std),
        s(A, EUW1, "analytics-prod-euw1-gdpr-exports", TlsFloor13, Extra::Std),
        s(A, EUW1, "bi-extracts-analytics-prod-euw1", SourceVpce, Extra::Std),
        s(A, EUW1, "crm-sync-analytics-prod-euw1", BoolIfExists, Extra::Std),
        s(A, EUW1, "s3-access-logs-analytics-prod-euw1", SourceVpce, Extra::AclsAllowed),
        s(A, EUW1, "eu-customer-events-euw1", Canonical, Extra::Std),
        s(A, EUW1, "eu-reporting-archive-euw1", MalformedTruncated, Extra::Std),
        s(A, EUW1, "dms-replication-staging-euw1", Unreadable("AccessDenied"), Extra::Std),
        s(A, EUW1, "backups-analytics-prod-euw1", Canonical, Extra::Std),
        s(A, APSE2, "athena-results-analytics-prod-apse2", AllowOnlyIfTls, Extra::Std),
        s(A, APSE2, "apac-sales-ingest-apse2", PrefixOnly("incoming/"), Extra::Std),
        s(A, APSE2, "apac-sales-curated-apse2", Canonical, Extra::Std),
        s(A, APSE2, "s3-access-logs-analytics-prod-apse2", NoPolicy, Extra::AclsAllowed),
        s(A, APSE2, "apac-backups-apse2", Unreadable("Timeout"), Extra::Std),
        // ---- data-lake-shared (444455556666): covered by the TLS resource control policy ----
        s(D, EUW1, "datalake-raw-nwa-euw1", Canonical, Extra::Std),
        s(D, EUW1, "datalake-curated-nwa-euw1", BoolIfExists, Extra::Std),
        s(D, EUW1, "datalake-published-nwa-euw1", TlsFloor12, Extra::Std),
        s(D, EUW1, "datalake-staging-nwa-euw1", NoPolicy, Extra::Std),
        s(D, EUW1, "athena-results-data-lake-shared-euw1", NoPolicy, Extra::Std),
        s(D, EUW1, "datalake-quarantine-nwa-euw1", ObjectsOnly, Extra::Std),
        s(D, EUW1, "datalake-raw-archive-nwa-euw1", NoPolicy, Extra::Std),
        s(D, EUW1, "glue-jobs-data-lake-shared-euw1", Canonical, Extra::Std),
        s(D, EUW1, "lakeformation-audit-nwa-euw1", Unreadable("AccessDenied"), Extra::Std),
        s(D, EUW1, "datalake-reference-nwa-euw1", SplitStatements, Extra::Std),
        s(D, USE1, "datalake-raw-nwa-use1", Canonical, Extra::Std),
        s(D, USE1, "datalake-curated-nwa-use1", TlsFloor12, Extra::Std),
        s(D, USE1, "datalake-landing-nwa-use1", NoPolicy, Extra::Std),
        s(D, USE1, "datalake-iot-telemetry-use1", PrincipalOrgId, Extra::Std),
        s(D, USE1, "datalake-exports-nwa-use1", NotPrincipal("lake-export-batch"), Extra::Std),
        s(D, USE1, "s3-access-logs-data-lake-shared-use1", BucketOnly, Extra::AclsAllowed),
        s(D, USE1, "s3-inventory-data-lake-shared-use1", JsonFalse, Extra::Std),
        s(D, USE1, "datalake-manifests-nwa-use1", LowerCaseKeys, Extra::Std),
        s(D, USE1, "replication-dr-data-lake-shared-use1", Canonical, Extra::Std),
        s(D, APSE2, "datalake-raw-nwa-apse2", BoolIfExists, Extra::Std),
        s(D, APSE2, "datalake-curated-nwa-apse2", Canonical, Extra::Std),
        s(D, APSE2, "datalake-landing-nwa-apse2", NoPolicy, Extra::Std),
        s(D, APSE2, "s3-access-logs-data-lake-shared-apse2", NoPolicy, Extra::AclsAllowed),
        s(D, APSE2, "datalake-legacy-hive-apse2", MalformedVersion, Extra::Std),
        // ---- sandbox (777788889999): not covered by any RCP ----
        s(S, USE1, "athena-results-sandbox-use1", NoPolicy, Extra::Std),
        s(S, USE1, "sandbox-scratch-use1", NoPolicy, Extra::NoPab),
        s(S, USE1, "sandbox-ml-experiments-use1", SourceVpce, Extra::Std),
        s(S, USE1, "sandbox-public-demo-site", PublicRead, Extra::Public),
        s(S, USE1, "sandbox-data-share-use1", BucketOnly, Extra::Std),
        s(S, EUW1, "sandbox-notebooks-euw1", Canonical, Extra::Std),
        s(S, USE1, "sandbox-terraform-state", TlsFloor13, Extra::Std),
        s(S, EUW1, "sandbox-glue-dev-euw1", NotPrincipal("glue-dev-crawler"), Extra::Std),
        s(S, EUW1, "sandbox-cloudtrail-euw1", CloudTrail, Extra::Std),
        s(S, APSE2, "sandbox-lambda-builds-apse2", JsonFalse, Extra::Std),
        s(S, APSE2, "sandbox-iceberg-poc-apse2", PrefixOnly("warehouse/"), Extra::Std),
        s(S, USE1, "sandbox-hackathon-2024", MalformedEffect, Extra::NoPab),
        s(S, USE1, "sandbox-athena-spill-use1", Canonical, Extra::Std),
        s(S, USE1, "sandbox-bedrock-kb-docs-use1", TlsFloorOnly, Extra::Std),
        s(S, EUW1, "sandbox-dms-target-euw1", SomeActions, Extra::Std),
        s(S, USE1, "sandbox-personal-jdoe-use1", PrincipalOrgId, Extra::NoEncryption),
        s(S, USE1, "sandbox-cost-explorer-export", Canonical, Extra::Std),
        s(S, APSE2, "sandbox-kinesis-firehose-apse2", BoolIfExists, Extra::Std),
        s(S, USE1, "sandbox-emr-studio-use1", CanonicalWithAllow("emr-studio-service"), Extra::Std),
        s(S, USE1, "sandbox-redshift-spectrum-use1", Unreadable("AccessDenied"), Extra::Std),
    ]
}

/// Reads the operations a denied scanner role could not perform on a bucket.
fn read_errors(spec: &Spec) -> Vec<FetchError> {
    let Shape::Unreadable(code) = spec.shape else {
        return Vec::new();
    };
    let error = |operation: &str, message: &str| FetchError {
        operation: operation.to_string(),
        account_id: Some(spec.account.to_string()),
        region: Some(spec.region.to_string()),
        resource: Some(spec.name.to_string()),
        code: code.to_string(),
        message: message.to_string(),
    };
    match code {
        // A bucket policy that denies `s3:GetBucket*` to everyone outside the owning team.
        "AccessDenied" => vec![
            error("s3:GetBucketPolicy", "Access Denied"),
            error("s3:GetBucketPolicyStatus", "Access Denied"),
            error("s3:GetPublicAccessBlock", "Access Denied"),
        ],
        _ => vec![error("s3:GetBucketPolicy", "no response within 20s")],
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` between 2018 and 2024, fixed per bucket.
fn creation_date(name: &str) -> String {
    let h = fnv(name);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        2018 + h % 7,
        1 + (h >> 8) % 12,
        1 + (h >> 16) % 28,
        (h >> 24) % 24,
        (h >> 32) % 60,
        (h >> 40) % 60
    )
}

/// A KMS key id that looks real and is fixed per account and region.
pub fn kms_key(account: &str, region: &str, alias: &str) -> String {
    let h = fnv(&format!("{account}/{region}/{alias}"));
    let g = fnv(&format!("{alias}/{region}/{account}"));
    format!(
        "arn:aws:kms:{region}:{account}:key/{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (g >> 52) & 0xfff,
        g & 0xffff_ffff_ffff
    )
}

fn uses_kms(name: &str, account: &str) -> bool {
    account == D
        || [
            "ml-",
            "finance",
            "customer",
            "cloudtrail",
            "gdpr",
            "terraform",
            "crm",
            "cur-",
            "athena-results-analytics-prod-use1",
        ]
        .iter()
        .any(|k| name.contains(k))
}

/// The bucket as a complete scan reads it (verdict not yet derived).
pub fn bucket(spec: &Spec) -> Bucket {
    let errors = read_errors(spec);
    let denied = errors.len() > 1;
    let all_on = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
    let public_access_block = match spec.extra {
        _ if denied => None,
        Extra::NoPab => None,
        Extra::AclsAllowed => Some(PublicAccessBlock {
            block_public_acls: false,
            ignore_public_acls: false,
            ..all_on
        }),
        Extra::Public => Some(PublicAccessBlock::default()),
        Extra::Std | Extra::NoEncryption => Some(all_on),
    };
    let encryption = match spec.extra {
        Extra::NoEncryption => None,
        _ if uses_kms(spec.name, spec.account) => Some(BucketEncryption {
            algorithm: "aws:kms".to_string(),
            kms_key_id: Some(kms_key(spec.account, spec.region, "s3-default")),
            bucket_key_enabled: true,
        }),
        _ => Some(BucketEncryption {
            algorithm: "AES256".to_string(),
            kms_key_id: None,
            bucket_key_enabled: false,
        }),
    };
    let policy = spec.shape.text(spec.name, spec.account);
    let policy_is_public = match (&policy, spec.extra) {
        (crate::model::PolicyText::Present { .. }, Extra::Public) => Some(true),
        (crate::model::PolicyText::Present { .. }, _) => Some(false),
        _ => None,
    };
    Bucket {
        account_id: spec.account.to_string(),
        name: spec.name.to_string(),
        region: spec.region.to_string(),
        creation_date: Some(creation_date(spec.name)),
        policy,
        policy_is_public,
        public_access_block,
        encryption,
        context: Default::default(),
        tls: crate::policy::Tls::default(),
        athena: AthenaUsage::default(),
        errors,
    }
}

pub fn buckets() -> Vec<Bucket> {
    specs().iter().map(bucket).collect()
}
