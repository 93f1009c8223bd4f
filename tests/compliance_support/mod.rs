//! Small hand-built estates for the compliance and report tests. Estates go through the store
//! so the bucket verdicts and Athena usage are derived exactly as in a scan.
#![allow(dead_code)]

use intransit::model::{
    Account, Bucket, DxConnection, DxVirtualInterface, EndpointService, Estate, FetchError, Mode,
    Partition, PolicyText, ResourceControlPolicy, SNAPSHOT_SCHEMA, ScanMeta, Snapshot, Table,
    VpcEndpoint, VpnConnection, VpnTunnel, Workgroup, bucket_of_location,
};
use intransit::store::Store;

pub const A: &str = "111111111111";
pub const B: &str = "222222222222";
pub const USE1: &str = "us-east-1";
pub const EUW1: &str = "eu-west-1";

pub fn account(id: &str, name: &str) -> Account {
    Account {
        name: Some(name.to_string()),
        ..Account::entered(
            id,
            Partition::Aws,
            &format!("arn:aws:sts::{id}:assumed-role/Audit/test"),
        )
    }
}

/// The AWS canonical TLS deny for `bucket`.
pub fn canonical(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowSSLRequestsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

/// A deny on objects only: bucket-level calls still accepted over HTTP (partial).
pub fn objects_only(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyHttpObjects",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

/// Canonical plus a TLS 1.2 floor.
pub fn with_floor(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowSSLRequestsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            },
            {
                "Sid": "DenyOldTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
            }
        ]
    })
    .to_string()
}

pub enum Pol {
    None,
    Text(String),
    Unreadable,
}

pub fn bucket(account: &str, region: &str, name: &str, policy: Pol) -> Bucket {
    let (policy, errors) = match policy {
        Pol::None => (PolicyText::None, Vec::new()),
        Pol::Text(text) => (PolicyText::Present { text: text.into() }, Vec::new()),
        Pol::Unreadable => (
            PolicyText::Unreadable,
            vec![FetchError {
                operation: "s3:GetBucketPolicy".to_string(),
                account_id: Some(account.to_string()),
                region: Some(region.to_string()),
                resource: Some(name.to_string()),
                code: "AccessDenied".to_string(),
                message: "Access Denied".to_string(),
            }],
        ),
    };
    Bucket {
        errors,
        ..Bucket::new(account, name, region, policy)
    }
}

pub fn workgroup(
    account: &str,
    region: &str,
    name: &str,
    output: Option<&str>,
    enforce: bool,
) -> Workgroup {
    Workgroup {
        account_id: account.to_string(),
        region: region.to_string(),
        name: name.to_string(),
        description: None,
        state: Some("ENABLED".to_string()),
        engine_version: None,
        output_location: output.map(str::to_string),
        output_bucket: output.and_then(bucket_of_location),
        result_encryption: Some("SSE_S3".to_string()),
        kms_key: None,
        enforce_configuration: enforce,
        expected_bucket_owner: None,
        errors: Vec::new(),
    }
}

pub fn table(account: &str, region: &str, name: &str, location: &str) -> Table {
    Table {
        account_id: account.to_string(),
        region: region.to_string(),
        catalog: "AwsDataCatalog".to_string(),
        database: "db".to_string(),
        name: name.to_string(),
        location: Some(location.to_string()),
        bucket: bucket_of_location(location),
    }
}

pub fn endpoint(
    account: &str,
    region: &str,
    id: &str,
    service: &str,
    kind: &str,
    private_dns: bool,
) -> VpcEndpoint {
    let service_name = format!("com.amazonaws.{region}.{service}");
    VpcEndpoint {
        account_id: account.to_string(),
        region: region.to_string(),
        id: id.to_string(),
        vpc_id: "vpc-0test".to_string(),
        service: EndpointService::from_service_name(&service_name),
        service_name,
        endpoint_type: kind.to_string(),
        private_dns_enabled: private_dns,
        state: "available".to_string(),
        policy: None,
    }
}

pub fn strong_tunnel(ip: &str, status: &str) -> VpnTunnel {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    VpnTunnel {
        outside_ip: ip.to_string(),
        status: status.to_string(),
        status_message: None,
        ike_versions: s(&["ikev2"]),
        phase1_encryption: s(&["AES256-GCM-16"]),
        phase1_integrity: s(&["SHA2-256"]),
        phase1_dh_groups: vec![20],
        phase2_encryption: s(&["AES256-GCM-16"]),
        phase2_integrity: s(&["SHA2-256"]),
        phase2_dh_groups: vec![20],
    }
}

pub fn vpn(account: &str, region: &str, id: &str, tunnels: Vec<VpnTunnel>) -> VpnConnection {
    VpnConnection {
        account_id: account.to_string(),
        region: region.to_string(),
        id: id.to_string(),
        name: Some(format!("{id}-name")),
        state: "available".to_string(),
        customer_gateway_id: None,
        vpn_gateway_id: None,
        transit_gateway_id: None,
        tunnels,
    }
}

pub fn dx(account: &str, region: &str, id: &str, mode: Option<&str>) -> DxConnection {
    DxConnection {
        account_id: account.to_string(),
        region: region.to_string(),
        id: id.to_string(),
        name: format!("{id}-link"),
        state: "available".to_string(),
        location: None,
        bandwidth: Some("10Gbps".to_string()),
        macsec_capable: mode.is_some(),
        encryption_mode: mode.map(str::to_string),
        port_encryption_status: mode
            .filter(|m| *m != "no_encrypt")
            .map(|_| "Encryption Up".to_string()),
    }
}

pub fn vif(
    account: &str,
    region: &str,
    id: &str,
    connection: &str,
    kind: &str,
) -> DxVirtualInterface {
    DxVirtualInterface {
        account_id: account.to_string(),
        region: region.to_string(),
        id: id.to_string(),
        name: None,
        connection_id: Some(connection.to_string()),
        kind: kind.to_string(),
        state: "available".to_string(),
        vlan: None,
        gateway_id: None,
    }
}

pub fn rcp_tls(id: &str, accounts: &[&str]) -> ResourceControlPolicy {
    ResourceControlPolicy {
        id: id.to_string(),
        name: format!("{id}-enforce-tls"),
        content: serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "EnforceSecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}
            }]
        })
        .to_string(),
        targets: vec!["ou-test".to_string()],
        account_ids: accounts.iter().map(|a| a.to_string()).collect(),
    }
}

pub fn fetch_error(operation: &str, account: &str, region: &str, code: &str) -> FetchError {
    FetchError {
        operation: operation.to_string(),
        account_id: Some(account.to_string()),
        region: Some(region.to_string()),
        resource: None,
        code: code.to_string(),
        message: format!("{code} (test)"),
    }
}

/// Runs `estate` through the store (verdicts and Athena usage derived) and returns it.
pub fn derive(estate: Estate) -> Estate {
    let store = Store::from_snapshot(Snapshot {
        schema: SNAPSHOT_SCHEMA.to_string(),
        scan: ScanMeta::default(),
        estate,
    });
    store.snapshot().estate
}

/// Fixed scan facts for golden files.
pub fn fixed_meta(mode: Mode) -> ScanMeta {
    ScanMeta {
        mode,
        tool_version: "0.0.0-test".to_string(),
        started_at: Some("2025-03-14T09:00:00Z".to_string()),
        finished_at: Some("2025-03-14T09:00:07Z".to_string()),
        duration_ms: Some(7000),
        regions: vec![USE1.to_string(), EUW1.to_string()],
        ..ScanMeta::default()
    }
}

/// A small estate with one of everything: a compliant path in us-east-1 and a weak one in
/// eu-west-1, with a hostile VPN name for escaping tests.
pub fn small_estate() -> Estate {
    let mut e = Estate {
        accounts: vec![account(A, "prod"), account(B, "lake")],
        ..Estate::default()
    };
    e.buckets = vec![
        bucket(
            A,
            USE1,
            "results-use1",
            Pol::Text(with_floor("results-use1")),
        ),
        bucket(A, EUW1, "results-euw1", Pol::None),
        bucket(A, USE1, "data-use1", Pol::Text(objects_only("data-use1"))),
        bucket(A, USE1, "locked-use1", Pol::Unreadable),
        bucket(B, EUW1, "lake-euw1", Pol::None),
    ];
    e.workgroups = vec![
        workgroup(A, USE1, "primary", Some("s3://results-use1/q/"), true),
        workgroup(A, EUW1, "adhoc", Some("s3://results-euw1/"), false),
    ];
    e.tables = vec![
        table(A, USE1, "events", "s3://data-use1/events/"),
        table(B, EUW1, "lake", "s3://lake-euw1/x/"),
    ];
    e.connectivity.vpc_endpoints = vec![
        endpoint(A, USE1, "vpce-athena-use1", "athena", "Interface", true),
        endpoint(A, USE1, "vpce-s3-use1", "s3", "Gateway", false),
        endpoint(A, EUW1, "vpce-athena-euw1", "athena", "Interface", false),
    ];
    let mut weak = strong_tunnel("198.51.100.9", "UP");
    weak.phase1_integrity = vec!["SHA1".to_string()];
    let mut hostile = vpn(
        A,
        EUW1,
        "vpn-0weak",
        vec![weak, strong_tunnel("198.51.100.10", "DOWN")],
    );
    hostile.name = Some("branch | <b>bold</b> `tick` \u{1b}[31mred\u{1b}[0m *star*".to_string());
    e.connectivity.vpn_connections = vec![
        vpn(
            A,
            USE1,
            "vpn-0good",
            vec![
                strong_tunnel("203.0.113.1", "UP"),
                strong_tunnel("203.0.113.2", "UP"),
            ],
        ),
        hostile,
    ];
    e.connectivity.dx_connections = vec![
        dx(A, USE1, "dxcon-macsec", Some("must_encrypt")),
        dx(A, EUW1, "dxcon-plain", None),
    ];
    e.connectivity.dx_virtual_interfaces =
        vec![vif(A, EUW1, "dxvif-plain", "dxcon-plain", "private")];
    e.resource_control_policies = vec![rcp_tls("p-lake", &[B])];
    derive(e)
}
