//! The statement that makes a bucket refuse plain HTTP: AWS's canonical Deny, for this bucket
//! and partition. Added to any bucket policy, it makes the verdict `enforced` (a property test
//! holds it to that).

use serde_json::{Value, json};

use super::Target;

/// The Sid of that statement.
pub const DENY_HTTP_SID: &str = "DenyInsecureTransport";

/// `Deny s3:* on the bucket and its objects to everyone when aws:SecureTransport is false`.
pub fn deny_insecure_transport(target: &Target) -> Value {
    let arn = target.bucket_arn();
    json!({
        "Sid": DENY_HTTP_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, format!("{arn}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}
