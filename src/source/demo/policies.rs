//! Bucket policies as their owners wrote them: the AWS canonical TLS deny and the many ways
//! real policies get it almost right. Each shape says which verdict the analyzer should reach
//! on its own (before any resource control policy).

use serde_json::{Value, json};

use super::accounts::ORG_ID;
use super::network::VPCE_S3_GATEWAY_USE1;
use crate::model::PolicyText;
#[cfg(test)]
use crate::policy::Verdict;

/// How a bucket's policy is written (or why it could not be read).
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// `NoSuchBucketPolicy`.
    NoPolicy,
    /// The AWS canonical deny: bucket and objects, `Bool aws:SecureTransport "false"`.
    Canonical,
    /// Canonical, the condition value written as the JSON boolean `false`.
    JsonFalse,
    /// `BoolIfExists` (the form AWS uses in RCP examples).
    BoolIfExists,
    /// Lower-case operator and key: `bool` / `aws:securetransport`.
    LowerCaseKeys,
    /// Bucket and objects denied by two separate statements.
    SplitStatements,
    /// Canonical plus an Allow for a team role.
    CanonicalWithAllow(&'static str),
    /// Canonical plus a TLS 1.2 floor (`NumericLessThan s3:TlsVersion 1.2`).
    TlsFloor12,
    /// Canonical plus a TLS 1.3 floor.
    TlsFloor13,
    /// Only `NumericLessThanIfExists s3:TlsVersion 1.2` (absent on HTTP, so HTTP is denied).
    TlsIfExistsOnly,
    /// CloudTrail's bucket policy plus the deny (JSON boolean).
    CloudTrail,
    /// Cost and Usage Report delivery plus the deny.
    CurReports,
    /// Deny on `bucket/*` only: bucket-level calls (ListBucket) accepted over HTTP.
    ObjectsOnly,
    /// Deny on the bucket ARN only: every object readable over HTTP.
    BucketOnly,
    /// Deny on `bucket/<prefix>*` only.
    PrefixOnly(&'static str),
    /// Deny with `NotPrincipal`: the listed role is exempt.
    NotPrincipal(&'static str),
    /// Deny HTTP except through the S3 gateway endpoint (`aws:SourceVpce`).
    SourceVpce,
    /// Deny HTTP only for principals outside the organisation (`aws:PrincipalOrgID`).
    PrincipalOrgId,
    /// Deny only `s3:GetObject` and `s3:PutObject` over HTTP.
    SomeActions,
    /// `Allow ... Bool aws:SecureTransport "true"`: denies nothing.
    AllowOnlyIfTls,
    /// `Deny ... Bool aws:SecureTransport "true"`: denies HTTPS, not HTTP.
    InvertedTrue,
    /// `aws:SecureTransport = false` ANDed with `s3:TlsVersion < 1.2`: never applies.
    TlsAndHttp,
    /// A TLS floor but no HTTP deny.
    TlsFloorOnly,
    /// The canonical deny, copied from another bucket and never renamed.
    WrongBucket(&'static str),
    /// A static website: public read, no TLS condition.
    PublicRead,
    /// Not JSON (truncated).
    MalformedTruncated,
    /// `"Effect": "Denny"`.
    MalformedEffect,
    /// `"Version": "2012-10-18"`.
    MalformedVersion,
    /// `GetBucketPolicy` failed with this error code.
    Unreadable(&'static str),
}

impl Shape {
    /// The verdict the analyzer should reach from the bucket policy alone.
    #[cfg(test)]
    pub fn expected(self) -> Verdict {
        use Shape::*;
        match self {
            Canonical
            | JsonFalse
            | BoolIfExists
            | LowerCaseKeys
            | SplitStatements
            | CanonicalWithAllow(_)
            | TlsFloor12
            | TlsFloor13
            | TlsIfExistsOnly
            | CloudTrail
            | CurReports => Verdict::Enforced,
            ObjectsOnly | BucketOnly | PrefixOnly(_) | NotPrincipal(_) | SourceVpce
            | PrincipalOrgId | SomeActions => Verdict::Partial,
            NoPolicy | AllowOnlyIfTls | InvertedTrue | TlsAndHttp | TlsFloorOnly
            | WrongBucket(_) | PublicRead => Verdict::NotEnforced,
            MalformedTruncated | MalformedEffect | MalformedVersion | Unreadable(_) => {
                Verdict::Unknown
            }
        }
    }

    /// The policy as `GetBucketPolicy` returns it for `bucket` in `account`.
    pub fn text(self, bucket: &str, account: &str) -> PolicyText {
        let value = match self {
            Shape::NoPolicy => return PolicyText::None,
            Shape::Unreadable(_) => return PolicyText::Unreadable,
            Shape::MalformedTruncated => {
                // Cut off mid-document, as a broken copy from a wiki page would be.
                let full = doc(vec![deny_http(bucket, "AllowSSLRequestsOnly")]).to_string();
                let cut = full.len() - 3;
                return present(full[..cut].to_string());
            }
            Shape::MalformedEffect => {
                let mut d = doc(vec![deny_http(bucket, "DenyInsecureTransport")]);
                d["Statement"][0]["Effect"] = json!("Denny");
                d
            }
            Shape::MalformedVersion => {
                let mut d = doc(vec![deny_http(bucket, "DenyInsecureTransport")]);
                d["Version"] = json!("2012-10-18");
                d
            }
            Shape::Canonical => doc(vec![deny_http(bucket, "AllowSSLRequestsOnly")]),
            Shape::JsonFalse => doc(vec![with_condition(
                deny_all(bucket, "DenyInsecureTransport"),
                json!({"Bool": {"aws:SecureTransport": false}}),
            )]),
            Shape::BoolIfExists => doc(vec![with_condition(
                deny_all(bucket, "EnforceTls"),
                json!({"BoolIfExists": {"aws:SecureTransport": "false"}}),
            )]),
            Shape::LowerCaseKeys => doc(vec![with_condition(
                deny_all(bucket, "denyhttp"),
                json!({"bool": {"aws:securetransport": "false"}}),
            )]),
            Shape::SplitStatements => doc(vec![
                deny_http_on(bucket, "DenyHttpBucket", json!(arn(bucket))),
                deny_http_on(
                    bucket,
                    "DenyHttpObjects",
                    json!(format!("{}/*", arn(bucket))),
                ),
            ]),
            Shape::CanonicalWithAllow(role) => doc(vec![
                json!({
                    "Sid": "TeamReadWrite",
                    "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{account}:role/{role}")},
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                    "Resource": [arn(bucket), format!("{}/*", arn(bucket))]
                }),
                deny_http(bucket, "AllowSSLRequestsOnly"),
            ]),
            Shape::TlsFloor12 => doc(vec![
                deny_http(bucket, "AllowSSLRequestsOnly"),
                tls_floor(bucket, "DenyTlsBelow12", "1.2"),
            ]),
            Shape::TlsFloor13 => doc(vec![
                deny_http(bucket, "AllowSSLRequestsOnly"),
                tls_floor(bucket, "DenyTlsBelow13", "1.3"),
            ]),
            Shape::TlsIfExistsOnly => doc(vec![with_condition(
                deny_all(bucket, "DenyOldOrNoTls"),
                json!({"NumericLessThanIfExists": {"s3:TlsVersion": "1.2"}}),
            )]),
            Shape::CloudTrail => doc(vec![
                json!({
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": arn(bucket)
                }),
                json!({
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": format!("{}/AWSLogs/*", arn(bucket)),
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
                }),
                with_condition(
                    deny_all(bucket, "DenyInsecureTransport"),
                    json!({"Bool": {"aws:SecureTransport": false}}),
                ),
            ]),
            Shape::CurReports => doc(vec![
                json!({
                    "Sid": "BillingReportsRead",
                    "Effect": "Allow",
                    "Principal": {"Service": "billingreports.amazonaws.com"},
                    "Action": ["s3:GetBucketAcl", "s3:GetBucketPolicy"],
                    "Resource": arn(bucket),
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}}
                }),
                json!({
                    "Sid": "BillingReportsWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "billingreports.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": format!("{}/*", arn(bucket)),
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}}
                }),
                deny_http(bucket, "AllowSSLRequestsOnly"),
            ]),
            Shape::ObjectsOnly => doc(vec![deny_http_on(
                bucket,
                "DenyHttpObjects",
                json!(format!("{}/*", arn(bucket))),
            )]),
            Shape::BucketOnly => doc(vec![deny_http_on(bucket, "DenyHttp", json!(arn(bucket)))]),
            Shape::PrefixOnly(prefix) => doc(vec![deny_http_on(
                bucket,
                "DenyHttpOnSensitivePrefix",
                json!([arn(bucket), format!("{}/{prefix}*", arn(bucket))]),
            )]),
            Shape::NotPrincipal(role) => doc(vec![json!({
                "Sid": "DenyHttpExceptLegacyLoader",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [
                    format!("arn:aws:iam::{account}:role/{role}"),
                    format!("arn:aws:iam::{account}:root")
                ]},
                "Action": "s3:*",
                "Resource": [arn(bucket), format!("{}/*", arn(bucket))],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            })]),
            Shape::SourceVpce => doc(vec![with_condition(
                deny_all(bucket, "DenyHttpOutsideVpce"),
                json!({
                    "Bool": {"aws:SecureTransport": "false"},
                    "StringNotEquals": {"aws:SourceVpce": VPCE_S3_GATEWAY_USE1}
                }),
            )]),
            Shape::PrincipalOrgId => doc(vec![with_condition(
                deny_all(bucket, "DenyHttpFromOutsideOrg"),
                json!({
                    "Bool": {"aws:SecureTransport": "false"},
                    "StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}
                }),
            )]),
            Shape::SomeActions => {
                let mut s = deny_http(bucket, "DenyHttpReadsAndWrites");
                s["Action"] = json!(["s3:GetObject", "s3:PutObject"]);
                doc(vec![s])
            }
            Shape::AllowOnlyIfTls => doc(vec![json!({
                "Sid": "AllowSSLRequestsOnly",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                "Action": "s3:*",
                "Resource": [arn(bucket), format!("{}/*", arn(bucket))],
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}
            })]),
            Shape::InvertedTrue => doc(vec![with_condition(
                deny_all(bucket, "DenyInsecureTransport"),
                json!({"Bool": {"aws:SecureTransport": "true"}}),
            )]),
            Shape::TlsAndHttp => doc(vec![with_condition(
                deny_all(bucket, "DenyHttpAndOldTls"),
                json!({
                    "Bool": {"aws:SecureTransport": "false"},
                    "NumericLessThan": {"s3:TlsVersion": "1.2"}
                }),
            )]),
            Shape::TlsFloorOnly => doc(vec![tls_floor(bucket, "DenyTlsBelow12", "1.2")]),
            Shape::WrongBucket(other) => doc(vec![deny_http(other, "AllowSSLRequestsOnly")]),
            Shape::PublicRead => doc(vec![json!({
                "Sid": "PublicReadGetObject",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": format!("{}/*", arn(bucket))
            })]),
        };
        present(value.to_string())
    }
}

fn present(text: String) -> PolicyText {
    PolicyText::Present { text: text.into() }
}

fn arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// `Deny * s3:*` on the bucket and its objects, no condition yet.
fn deny_all(bucket: &str, sid: &str) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn(bucket), format!("{}/*", arn(bucket))]
    })
}

fn with_condition(mut statement: Value, condition: Value) -> Value {
    statement["Condition"] = condition;
    statement
}

/// The canonical TLS deny.
fn deny_http(bucket: &str, sid: &str) -> Value {
    with_condition(
        deny_all(bucket, sid),
        json!({"Bool": {"aws:SecureTransport": "false"}}),
    )
}

fn deny_http_on(bucket: &str, sid: &str, resource: Value) -> Value {
    let mut s = deny_http(bucket, sid);
    s["Resource"] = resource;
    s
}

fn tls_floor(bucket: &str, sid: &str, version: &str) -> Value {
    with_condition(
        deny_all(bucket, sid),
        json!({"NumericLessThan": {"s3:TlsVersion": version}}),
    )
}
