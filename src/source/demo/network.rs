//! The network path from the data centres to AWS: VPC endpoints, Site-to-Site VPNs, transit
//! and VPN gateways, Direct Connect links and their virtual interfaces.

use serde_json::json;

use super::accounts::{ANALYTICS_PROD, AP_SOUTHEAST_2, DATA_LAKE, EU_WEST_1, ORG_ID, US_EAST_1};
use crate::model::{
    Connectivity, DxConnection, DxVirtualInterface, EndpointService, FetchError, TransitGateway,
    VpcEndpoint, VpnConnection, VpnGateway, VpnTunnel,
};

/// The analytics VPC in us-east-1 and its S3 gateway endpoint (named by some bucket policies).
pub const VPC_ANALYTICS_USE1: &str = "vpc-0a3f5c7e9b1d2f4a6";
pub const VPCE_S3_GATEWAY_USE1: &str = "vpce-0c4e6a8b2d1f3e5a7";
const VPC_ANALYTICS_EUW1: &str = "vpc-0b8d1f3a5c7e9b2d4";
const VPC_ANALYTICS_APSE2: &str = "vpc-0e2a4c6e8f1b3d5f7";
const VPC_LAKE_EUW1: &str = "vpc-0f7b9d1c3e5a7c9e1";

const TGW_CORE_USE1: &str = "tgw-0f2e4d6c8a1b3c5e7";
const TGW_LAKE_EUW1: &str = "tgw-07a9c1e3b5d7f9a1c";
const VGW_DUBLIN: &str = "vgw-0c1d2e3f4a5b6c7d8";
const DX_GATEWAY: &str = "9a3c1e7b-4d2f-4b8e-a6c5-1f0e2d3c4b5a";
const DX_MACSEC: &str = "dxcon-ffnw1a2b";
const DX_PLAIN: &str = "dxcon-fgnw3c4d";

pub fn connectivity() -> Connectivity {
    Connectivity {
        vpc_endpoints: vpc_endpoints(),
        vpn_connections: vpn_connections(),
        vpn_gateways: vpn_gateways(),
        transit_gateways: transit_gateways(),
        dx_connections: dx_connections(),
        dx_virtual_interfaces: dx_virtual_interfaces(),
    }
}

/// Failures not tied to one resource: Direct Connect in ap-southeast-2 was unreachable.
pub fn errors() -> Vec<FetchError> {
    vec![FetchError {
        operation: "directconnect:DescribeConnections".to_string(),
        account_id: Some(ANALYTICS_PROD.to_string()),
        region: Some(AP_SOUTHEAST_2.to_string()),
        resource: None,
        code: "Network".to_string(),
        message: "dispatch failure: connection reset by peer \
                  (directconnect.ap-southeast-2.amazonaws.com, after 3 attempts)"
            .to_string(),
    }]
}

/// AWS's default endpoint policy: full access.
fn full_access() -> String {
    json!({"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]})
        .to_string()
}

/// S3 gateway/interface policy: only buckets of the organisation (data perimeter).
fn s3_org_buckets_only() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OrgBucketsOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceOrgID": ORG_ID}}
            },
            {
                "Sid": "AmazonLinuxRepos",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [
                    "arn:aws:s3:::al2023-repos-*/*",
                    "arn:aws:s3:::amazonlinux-2-repos-*/*"
                ]
            }
        ]
    })
    .to_string()
}

fn glue_read_only(account: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CatalogReadsFromOrg",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["glue:Get*", "glue:BatchGet*", "glue:SearchTables"],
            "Resource": [
                format!("arn:aws:glue:*:{account}:catalog"),
                format!("arn:aws:glue:*:{account}:database/*"),
                format!("arn:aws:glue:*:{account}:table/*/*")
            ],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}
        }]
    })
    .to_string()
}

fn kms_own_keys(account: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OwnKeysOnly",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": format!("arn:aws:kms:*:{account}:key/*")
        }]
    })
    .to_string()
}

struct Ep {
    account: &'static str,
    region: &'static str,
    id: &'static str,
    vpc: &'static str,
    service: &'static str,
    kind: &'static str,
    private_dns: bool,
    policy: Option<String>,
}

#[rustfmt::skip]
fn vpc_endpoints() -> Vec<VpcEndpoint> {
    let a = ANALYTICS_PROD;
    let d = DATA_LAKE;
    let ep = |account, region, id, vpc, service, kind, private_dns, policy| Ep {
        account, region, id, vpc, service, kind, private_dns, policy,
    };
    let list = [
        // us-east-1: the full set, Athena private DNS on.
        ep(a, US_EAST_1, "vpce-04a1c3e5f7b9d1a3c", VPC_ANALYTICS_USE1, "athena", "Interface", true, Some(full_access())),
        ep(a, US_EAST_1, VPCE_S3_GATEWAY_USE1, VPC_ANALYTICS_USE1, "s3", "Gateway", false, Some(s3_org_buckets_only())),
        ep(a, US_EAST_1, "vpce-09d2f4a6c8e1b3d5f", VPC_ANALYTICS_USE1, "s3", "Interface", false, Some(s3_org_buckets_only())),
        ep(a, US_EAST_1, "vpce-0a6c8e1b3d5f7a9c2", VPC_ANALYTICS_USE1, "glue", "Interface", true, Some(glue_read_only(a))),
        ep(a, US_EAST_1, "vpce-0b7d9f2c4e6a8c1e3", VPC_ANALYTICS_USE1, "kms", "Interface", true, Some(kms_own_keys(a))),
        ep(a, US_EAST_1, "vpce-0d8e1a3c5e7b9d2f4", VPC_ANALYTICS_USE1, "sts", "Interface", true, Some(full_access())),
        // eu-west-1: an Athena endpoint exists but private DNS is off, so the SDK's default
        // hostname still resolves to the public endpoint.
        ep(a, EU_WEST_1, "vpce-01b3d5f7a9c2e4f6a", VPC_ANALYTICS_EUW1, "athena", "Interface", false, Some(full_access())),
        ep(a, EU_WEST_1, "vpce-02c4e6a8c1e3f5b7d", VPC_ANALYTICS_EUW1, "s3", "Gateway", false, Some(s3_org_buckets_only())),
        ep(a, EU_WEST_1, "vpce-03d5f7b9d2f4a6c8e", VPC_ANALYTICS_EUW1, "glue", "Interface", true, Some(glue_read_only(a))),
        ep(a, EU_WEST_1, "vpce-05e7a9c2e4a6c8e1f", VPC_ANALYTICS_EUW1, "kms", "Interface", true, Some(kms_own_keys(a))),
        // ap-southeast-2: workgroups but no Athena endpoint, only the S3 gateway.
        ep(a, AP_SOUTHEAST_2, "vpce-06f8b1d3f5b7d9f2a", VPC_ANALYTICS_APSE2, "s3", "Gateway", false, None),
        // The data-lake account's VPC in eu-west-1.
        ep(d, EU_WEST_1, "vpce-07a9c2e4a6c8e1a3b", VPC_LAKE_EUW1, "s3", "Gateway", false, Some(s3_org_buckets_only())),
        ep(d, EU_WEST_1, "vpce-08b1d3f5b7d9f2b4c", VPC_LAKE_EUW1, "glue", "Interface", true, Some(glue_read_only(d))),
        ep(d, EU_WEST_1, "vpce-0c2e4a6c8e1a3c5d7", VPC_LAKE_EUW1, "sts", "Interface", true, Some(full_access())),
    ];
    list.into_iter()
        .map(|e| {
            let service_name = format!("com.amazonaws.{}.{}", e.region, e.service);
            VpcEndpoint {
                account_id: e.account.to_string(),
                region: e.region.to_string(),
                id: e.id.to_string(),
                vpc_id: e.vpc.to_string(),
                service: EndpointService::from_service_name(&service_name),
                service_name,
                endpoint_type: e.kind.to_string(),
                private_dns_enabled: e.private_dns,
                state: "available".to_string(),
                policy: e.policy,
            }
        })
        .collect()
}

fn strong_tunnel(outside_ip: &str, status: &str, message: &str) -> VpnTunnel {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    VpnTunnel {
        outside_ip: outside_ip.to_string(),
        status: status.to_string(),
        status_message: Some(message.to_string()),
        ike_versions: s(&["ikev2"]),
        phase1_encryption: s(&["AES256-GCM-16"]),
        phase1_integrity: s(&["SHA2-256"]),
        phase1_dh_groups: vec![20, 21],
        phase2_encryption: s(&["AES256-GCM-16"]),
        phase2_integrity: s(&["SHA2-256"]),
        phase2_dh_groups: vec![20, 21],
    }
}

fn weak_tunnel(outside_ip: &str) -> VpnTunnel {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    VpnTunnel {
        outside_ip: outside_ip.to_string(),
        status: "UP".to_string(),
        status_message: Some("1 BGP ROUTES".to_string()),
        ike_versions: s(&["ikev1"]),
        phase1_encryption: s(&["AES128"]),
        phase1_integrity: s(&["SHA1"]),
        phase1_dh_groups: vec![2],
        phase2_encryption: s(&["AES128"]),
        phase2_integrity: s(&["SHA1"]),
        phase2_dh_groups: vec![2],
    }
}

fn vpn_connections() -> Vec<VpnConnection> {
    vec![
        VpnConnection {
            account_id: ANALYTICS_PROD.to_string(),
            region: US_EAST_1.to_string(),
            id: "vpn-0a7c3e9f1b2d4c6e8".to_string(),
            name: Some("ashburn-dc-primary".to_string()),
            state: "available".to_string(),
            customer_gateway_id: Some("cgw-0d4f6a8c2e1b3a5c7".to_string()),
            vpn_gateway_id: None,
            transit_gateway_id: Some(TGW_CORE_USE1.to_string()),
            tunnels: vec![
                strong_tunnel("203.0.113.17", "UP", "12 BGP ROUTES"),
                strong_tunnel("203.0.113.201", "DOWN", "IPSEC IS DOWN"),
            ],
        },
        VpnConnection {
            account_id: ANALYTICS_PROD.to_string(),
            region: EU_WEST_1.to_string(),
            id: "vpn-03b5d7f9a1c2e4b6d".to_string(),
            name: Some("dublin-branch-legacy".to_string()),
            state: "available".to_string(),
            customer_gateway_id: Some("cgw-0e6a8c1e3b5d7f9a2".to_string()),
            vpn_gateway_id: Some(VGW_DUBLIN.to_string()),
            transit_gateway_id: None,
            tunnels: vec![weak_tunnel("198.51.100.44"), weak_tunnel("198.51.100.172")],
        },
    ]
}

fn vpn_gateways() -> Vec<VpnGateway> {
    vec![VpnGateway {
        account_id: ANALYTICS_PROD.to_string(),
        region: EU_WEST_1.to_string(),
        id: VGW_DUBLIN.to_string(),
        state: "available".to_string(),
        attached_vpcs: vec![VPC_ANALYTICS_EUW1.to_string()],
    }]
}

fn transit_gateways() -> Vec<TransitGateway> {
    vec![
        TransitGateway {
            account_id: ANALYTICS_PROD.to_string(),
            region: US_EAST_1.to_string(),
            id: TGW_CORE_USE1.to_string(),
            state: "available".to_string(),
            description: Some("northwind-core-use1: data centre VPN and DX transit".to_string()),
        },
        TransitGateway {
            account_id: DATA_LAKE.to_string(),
            region: EU_WEST_1.to_string(),
            id: TGW_LAKE_EUW1.to_string(),
            state: "available".to_string(),
            description: Some("data-lake-hub-euw1".to_string()),
        },
    ]
}

fn dx_connections() -> Vec<DxConnection> {
    vec![
        DxConnection {
            account_id: ANALYTICS_PROD.to_string(),
            region: US_EAST_1.to_string(),
            id: DX_MACSEC.to_string(),
            name: "ashburn-eqdc2-macsec-100g".to_string(),
            state: "available".to_string(),
            location: Some("EqDC2".to_string()),
            bandwidth: Some("100Gbps".to_string()),
            macsec_capable: true,
            encryption_mode: Some("must_encrypt".to_string()),
            port_encryption_status: Some("Encryption Up".to_string()),
        },
        DxConnection {
            account_id: ANALYTICS_PROD.to_string(),
            region: EU_WEST_1.to_string(),
            id: DX_PLAIN.to_string(),
            name: "dublin-tcsh-10g".to_string(),
            state: "available".to_string(),
            location: Some("TCSH".to_string()),
            bandwidth: Some("10Gbps".to_string()),
            macsec_capable: false,
            encryption_mode: Some("no_encrypt".to_string()),
            port_encryption_status: None,
        },
    ]
}

fn dx_virtual_interfaces() -> Vec<DxVirtualInterface> {
    vec![
        DxVirtualInterface {
            account_id: ANALYTICS_PROD.to_string(),
            region: US_EAST_1.to_string(),
            id: "dxvif-ffa1b2c3".to_string(),
            name: Some("core-transit-vif".to_string()),
            connection_id: Some(DX_MACSEC.to_string()),
            kind: "transit".to_string(),
            state: "available".to_string(),
            vlan: Some(101),
            gateway_id: Some(DX_GATEWAY.to_string()),
        },
        DxVirtualInterface {
            account_id: ANALYTICS_PROD.to_string(),
            region: EU_WEST_1.to_string(),
            id: "dxvif-fgd4e5f6".to_string(),
            name: Some("dublin-private-vif".to_string()),
            connection_id: Some(DX_PLAIN.to_string()),
            kind: "private".to_string(),
            state: "available".to_string(),
            vlan: Some(202),
            gateway_id: Some(VGW_DUBLIN.to_string()),
        },
    ]
}
