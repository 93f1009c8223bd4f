//! The organisation: Northwind Analytics, six accounts in the `aws` partition under four OUs,
//! the one resource control policy that covers the shared data-lake account, one member whose
//! role refuses the scan and one closed (suspended) account, as an `--org-role` scan finds them.

use std::collections::BTreeMap;

use crate::model::{Account, FetchError, Partition, ResourceControlPolicy, ScanState};

/// The main analytics workload account: Athena, BI, ML. Not covered by any RCP.
pub const ANALYTICS_PROD: &str = "111122223333";
/// The shared data lake, in the `Data` OU that the TLS resource control policy targets.
pub const DATA_LAKE: &str = "444455556666";
/// Engineers' playground. Not covered by any RCP.
pub const SANDBOX: &str = "777788889999";
/// The security team's tooling account: entered, holds nothing in Athena's data path.
pub const SECURITY_TOOLING: &str = "222233334444";
/// A billing account whose role does not trust the scanner: listed, never entered.
pub const LEGACY_BILLING: &str = "555566667777";
/// A closed account, SUSPENDED in Organizations: listed, never entered.
pub const OLD_MARKETING: &str = "888899990000";

pub const US_EAST_1: &str = "us-east-1";
pub const EU_WEST_1: &str = "eu-west-1";
pub const AP_SOUTHEAST_2: &str = "ap-southeast-2";

pub const REGIONS: [&str; 3] = [US_EAST_1, EU_WEST_1, AP_SOUTHEAST_2];

/// The organisation id used in `aws:PrincipalOrgID` and endpoint policies.
pub const ORG_ID: &str = "o-nw7k3x9q2a";
/// The OU the RCP is attached to (holds the data-lake account).
pub const DATA_OU: &str = "ou-nw7k-4d8x2f1q";

const SCANNER_ROLE: &str = "IntransitReadOnly";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn role(id: &str) -> String {
    format!("arn:aws:iam::{id}:role/{SCANNER_ROLE}")
}

pub fn accounts() -> Vec<Account> {
    vec![
        Account {
            name: Some("analytics-prod".to_string()),
            ou_path: Some("Root/Workloads/Prod".to_string()),
            tags: tags(&[
                ("cost-center", "cc-2210"),
                ("env", "prod"),
                ("team", "analytics"),
            ]),
            status: Some("ACTIVE".to_string()),
            // The base credentials: an SSO session, no role assumed.
            ..Account::entered(
                ANALYTICS_PROD,
                Partition::Aws,
                &format!(
                    "arn:aws:sts::{ANALYTICS_PROD}:assumed-role/AWSReservedSSO_SecurityAudit_5f1e2d3c4b5a6978/dana.reyes@northwind.example"
                ),
            )
        },
        member(
            DATA_LAKE,
            "data-lake-shared",
            "Root/Data",
            &[
                ("data-class", "restricted"),
                ("env", "prod"),
                ("team", "data-platform"),
            ],
        ),
        member(
            SANDBOX,
            "sandbox",
            "Root/Sandbox",
            &[("env", "sandbox"), ("team", "engineering")],
        ),
        member(
            SECURITY_TOOLING,
            "security-tooling",
            "Root/Security",
            &[("env", "prod"), ("team", "secops")],
        ),
        Account {
            id: LEGACY_BILLING.to_string(),
            partition: Partition::Aws,
            name: Some("legacy-billing".to_string()),
            assumed_role: Some(role(LEGACY_BILLING)),
            ou_path: Some("Root/Workloads".to_string()),
            tags: tags(&[("env", "prod"), ("team", "billing")]),
            status: Some("ACTIVE".to_string()),
            scan_state: ScanState::NotScanned,
            scan_error: Some("sts:AssumeRole: AccessDenied".to_string()),
            ..Account::default()
        },
        Account {
            id: OLD_MARKETING.to_string(),
            partition: Partition::Aws,
            name: Some("old-marketing".to_string()),
            ou_path: Some("Root/Sandbox".to_string()),
            tags: tags(&[("team", "marketing")]),
            status: Some("SUSPENDED".to_string()),
            scan_state: ScanState::NotScanned,
            scan_error: Some("SUSPENDED in Organizations: not scanned".to_string()),
            ..Account::default()
        },
    ]
}

fn member(id: &str, name: &str, ou_path: &str, pairs: &[(&str, &str)]) -> Account {
    Account {
        assumed_role: Some(role(id)),
        name: Some(name.to_string()),
        ou_path: Some(ou_path.to_string()),
        tags: tags(pairs),
        status: Some("ACTIVE".to_string()),
        ..Account::entered(
            id,
            Partition::Aws,
            &format!("arn:aws:sts::{id}:assumed-role/{SCANNER_ROLE}/intransit-scan"),
        )
    }
}

/// The refused role, as the scan records it.
pub fn errors() -> Vec<FetchError> {
    vec![FetchError {
        operation: "sts:AssumeRole".to_string(),
        account_id: Some(LEGACY_BILLING.to_string()),
        region: Some(US_EAST_1.to_string()),
        resource: Some(role(LEGACY_BILLING)),
        code: "AccessDenied".to_string(),
        message: format!(
            "User: arn:aws:sts::{ANALYTICS_PROD}:assumed-role/AWSReservedSSO_SecurityAudit_5f1e2d3c4b5a6978/dana.reyes@northwind.example is not authorized to perform: sts:AssumeRole on resource: {}",
            role(LEGACY_BILLING)
        ),
    }]
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
