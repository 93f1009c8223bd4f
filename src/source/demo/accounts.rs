//! The organisation: Northwind Analytics, three member accounts in the `aws` partition, and the
//! one resource control policy that covers the shared data-lake account.

use crate::model::{Account, Partition, ResourceControlPolicy};

/// The main analytics workload account: Athena, BI, ML. Not covered by any RCP.
pub const ANALYTICS_PROD: &str = "111122223333";
/// The shared data lake, in the `Data` OU that the TLS resource control policy targets.
pub const DATA_LAKE: &str = "444455556666";
/// Engineers' playground. Not covered by any RCP.
pub const SANDBOX: &str = "777788889999";

pub const US_EAST_1: &str = "us-east-1";
pub const EU_WEST_1: &str = "eu-west-1";
pub const AP_SOUTHEAST_2: &str = "ap-southeast-2";

pub const REGIONS: [&str; 3] = [US_EAST_1, EU_WEST_1, AP_SOUTHEAST_2];

/// The organisation id used in `aws:PrincipalOrgID` and endpoint policies.
pub const ORG_ID: &str = "o-nw7k3x9q2a";
/// The OU the RCP is attached to (holds the data-lake account).
pub const DATA_OU: &str = "ou-nw7k-4d8x2f1q";

const SCANNER_ROLE: &str = "IntransitReadOnly";

pub fn accounts() -> Vec<Account> {
    vec![
        Account {
            name: Some("analytics-prod".to_string()),
            // The base credentials: an SSO session, no role assumed.
            ..Account::entered(
                ANALYTICS_PROD,
                Partition::Aws,
                &format!(
                    "arn:aws:sts::{ANALYTICS_PROD}:assumed-role/AWSReservedSSO_SecurityAudit_5f1e2d3c4b5a6978/dana.reyes@northwind.example"
                ),
            )
        },
        member(DATA_LAKE, "data-lake-shared"),
        member(SANDBOX, "sandbox"),
    ]
}

fn member(id: &str, name: &str) -> Account {
    Account {
        assumed_role: Some(format!("arn:aws:iam::{id}:role/{SCANNER_ROLE}")),
        name: Some(name.to_string()),
        ..Account::entered(
            id,
            Partition::Aws,
            &format!("arn:aws:sts::{id}:assumed-role/{SCANNER_ROLE}/intransit"),
        )
    }
}

/// The resource control policy text: AWS's "enforce secure transport" data-perimeter sample.
pub fn rcp_content() -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EnforceSecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:*", "sqs:*", "kms:*", "sts:*", "secretsmanager:*"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

pub fn resource_control_policies() -> Vec<ResourceControlPolicy> {
    vec![ResourceControlPolicy {
        id: "p-rcp8h3kq2w".to_string(),
        name: "data-perimeter-enforce-tls".to_string(),
        content: rcp_content(),
        targets: vec![DATA_OU.to_string()],
        account_ids: vec![DATA_LAKE.to_string()],
    }]
}
