//! Connectivity in one region: VPC endpoints of the services on the client → Athena → S3 path,
//! site-to-site VPN (tunnel status and IPsec algorithms), VPN and transit gateways, and Direct
//! Connect (MACsec) connections with their virtual interfaces.

use std::sync::Arc;

use aws_sdk_directconnect::types::{Connection, VirtualInterface};
use aws_sdk_ec2::types::{TunnelOption, VpnConnection as Ec2Vpn};
use tokio::task::JoinSet;

use super::client::ReadOnly;
use super::report_panics;
use crate::model::{
    DxConnection, DxVirtualInterface, EndpointService, TransitGateway, VpcEndpoint, VpnConnection,
    VpnGateway, VpnTunnel,
};
use crate::store::Update;

pub(super) async fn scan(ro: Arc<ReadOnly>, region: String) {
    let mut tasks = JoinSet::new();
    tasks.spawn(vpc_endpoints(ro.clone(), region.clone()));
    tasks.spawn(vpn_connections(ro.clone(), region.clone()));
    tasks.spawn(vpn_gateways(ro.clone(), region.clone()));
    tasks.spawn(transit_gateways(ro.clone(), region.clone()));
    tasks.spawn(dx_connections(ro.clone(), region.clone()));
    tasks.spawn(dx_virtual_interfaces(ro.clone(), region));
    report_panics(ro.store(), "ec2", tasks).await;
}

async fn vpc_endpoints(ro: Arc<ReadOnly>, region: String) {
    let mut token = None;
    loop {
        let page = match ro.ec2_describe_vpc_endpoints(&region, token.take()).await {
            Ok(page) => page,
            Err(e) => return ro.store().apply(Update::Error(e)),
        };
        let updates: Vec<Update> = page
            .vpc_endpoints()
            .iter()
            .filter_map(|e| {
                let service_name = e.service_name()?.to_string();
                // Only the services on the data path; the others say nothing about it.
                let service = EndpointService::from_service_name(&service_name)?;
                Some(Update::VpcEndpoint(VpcEndpoint {
                    account_id: ro.account_id().to_string(),
                    region: region.clone(),
                    id: e.vpc_endpoint_id()?.to_string(),
                    vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                    service_name,
                    service: Some(service),
                    endpoint_type: e
                        .vpc_endpoint_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    private_dns_enabled: e.private_dns_enabled().unwrap_or(false),
                    state: e
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    policy: e.policy_document().map(str::to_string),
                }))
            })
            .collect();
        ro.store().apply_all(updates);
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return,
        }
    }
}

fn name_tag(tags: &[aws_sdk_ec2::types::Tag]) -> Option<String> {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .map(str::to_string)
}

/// Tunnels as the VPN describes them: status from `VgwTelemetry` (matched by outside IP),
/// algorithms from `Options.TunnelOptions`.
pub(super) fn tunnels(vpn: &Ec2Vpn) -> Vec<VpnTunnel> {
    let options: &[TunnelOption] = vpn
        .options()
        .map(|o| o.tunnel_options())
        .unwrap_or_default();
    let telemetry = vpn.vgw_telemetry();
    let mut out: Vec<VpnTunnel> = options
        .iter()
        .map(|o| {
            let ip = o.outside_ip_address().unwrap_or_default().to_string();
            let t = telemetry
                .iter()
                .find(|t| t.outside_ip_address() == Some(ip.as_str()));
            VpnTunnel {
                status: t
                    .and_then(|t| t.status())
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                status_message: t
                    .and_then(|t| t.status_message())
                    .filter(|m| !m.is_empty())
                    .map(str::to_string),
                outside_ip: ip,
                ike_versions: o
                    .ike_versions()
                    .iter()
                    .filter_map(|v| v.value().map(str::to_string))
                    .collect(),
                phase1_encryption: o
                    .phase1_encryption_algorithms()
                    .iter()
                    .filter_map(|v| v.value().map(str::to_string))
                    .collect(),
                phase1_integrity: o
                    .phase1_integrity_algorithms()
                    .iter()
                    .filter_map(|v| v.value().map(str::to_string))
                    .collect(),
                phase1_dh_groups: o
                    .phase1_dh_group_numbers()
                    .iter()
                    .filter_map(|v| v.value().and_then(|n| u32::try_from(n).ok()))
                    .collect(),
                phase2_encryption: o
                    .phase2_encryption_algorithms()
                    .iter()
                    .filter_map(|v| v.value().map(str::to_string))
                    .collect(),
                phase2_integrity: o
                    .phase2_integrity_algorithms()
                    .iter()
                    .filter_map(|v| v.value().map(str::to_string))
                    .collect(),
                phase2_dh_groups: o
                    .phase2_dh_group_numbers()
                    .iter()
                    .filter_map(|v| v.value().and_then(|n| u32::try_from(n).ok()))
                    .collect(),
            }
        })
        .collect();
    // Telemetry for a tunnel the options do not describe (older connections): status only.
    for t in telemetry {
        let ip = t.outside_ip_address().unwrap_or_default();
        if !out.iter().any(|x| x.outside_ip == ip) {
            out.push(VpnTunnel {
                outside_ip: ip.to_string(),
                status: t
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                status_message: t
                    .status_message()
                    .filter(|m| !m.is_empty())
                    .map(str::to_string),
                ..VpnTunnel::default()
            });
        }
    }
    out
}

async fn vpn_connections(ro: Arc<ReadOnly>, region: String) {
    let out = match ro.ec2_describe_vpn_connections(&region).await {
        Ok(out) => out,
        Err(e) => return ro.store().apply(Update::Error(e)),
    };
    let updates: Vec<Update> = out
        .vpn_connections()
        .iter()
        .filter_map(|v| {
            Some(Update::VpnConnection(VpnConnection {
                account_id: ro.account_id().to_string(),
                region: region.clone(),
                id: v.vpn_connection_id()?.to_string(),
                name: name_tag(v.tags()),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                customer_gateway_id: v.customer_gateway_id().map(str::to_string),
                vpn_gateway_id: v.vpn_gateway_id().map(str::to_string),
                transit_gateway_id: v.transit_gateway_id().map(str::to_string),
                tunnels: tunnels(v),
            }))
        })
        .collect();
    ro.store().apply_all(updates);
}

async fn vpn_gateways(ro: Arc<ReadOnly>, region: String) {
    let out = match ro.ec2_describe_vpn_gateways(&region).await {
        Ok(out) => out,
        Err(e) => return ro.store().apply(Update::Error(e)),
    };
    let updates: Vec<Update> = out
        .vpn_gateways()
        .iter()
        .filter_map(|g| {
            Some(Update::VpnGateway(VpnGateway {
                account_id: ro.account_id().to_string(),
                region: region.clone(),
                id: g.vpn_gateway_id()?.to_string(),
                state: g
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                attached_vpcs: g
                    .vpc_attachments()
                    .iter()
                    .filter(|a| a.state().map(|s| s.as_str()) != Some("detached"))
                    .filter_map(|a| a.vpc_id().map(str::to_string))
                    .collect(),
            }))
        })
        .collect();
    ro.store().apply_all(updates);
}

async fn transit_gateways(ro: Arc<ReadOnly>, region: String) {
    let mut token = None;
    loop {
        let page = match ro
            .ec2_describe_transit_gateways(&region, token.take())
            .await
        {
            Ok(page) => page,
            Err(e) => return ro.store().apply(Update::Error(e)),
        };
        let updates: Vec<Update> = page
            .transit_gateways()
            .iter()
            .filter_map(|t| {
                Some(Update::TransitGateway(TransitGateway {
                    account_id: ro.account_id().to_string(),
                    region: region.clone(),
                    id: t.transit_gateway_id()?.to_string(),
                    state: t
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    description: t
                        .description()
                        .filter(|d| !d.is_empty())
                        .map(str::to_string),
                }))
            })
            .collect();
        ro.store().apply_all(updates);
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return,
        }
    }
}

fn dx_connection(account_id: &str, region: &str, c: &Connection) -> Option<DxConnection> {
    Some(DxConnection {
        account_id: account_id.to_string(),
        region: c.region().unwrap_or(region).to_string(),
        id: c.connection_id()?.to_string(),
        name: c.connection_name().unwrap_or_default().to_string(),
        state: c
            .connection_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        location: c.location().map(str::to_string),
        bandwidth: c.bandwidth().map(str::to_string),
        macsec_capable: c.mac_sec_capable().unwrap_or(false),
        encryption_mode: c
            .encryption_mode()
            .filter(|m| !m.is_empty())
            .map(str::to_string),
        port_encryption_status: c
            .port_encryption_status()
            .filter(|m| !m.is_empty())
            .map(str::to_string),
    })
}

async fn dx_connections(ro: Arc<ReadOnly>, region: String) {
    let out = match ro.dx_describe_connections(&region).await {
        Ok(out) => out,
        Err(e) => return ro.store().apply(Update::Error(e)),
    };
    let updates: Vec<Update> = out
        .connections()
        .iter()
        .filter_map(|c| dx_connection(ro.account_id(), &region, c).map(Update::DxConnection))
        .collect();
    ro.store().apply_all(updates);
}

fn dx_virtual_interface(
    account_id: &str,
    region: &str,
    v: &VirtualInterface,
) -> Option<DxVirtualInterface> {
    Some(DxVirtualInterface {
        account_id: account_id.to_string(),
        region: v.region().unwrap_or(region).to_string(),
        id: v.virtual_interface_id()?.to_string(),
        name: v.virtual_interface_name().map(str::to_string),
        connection_id: v.connection_id().map(str::to_string),
        kind: v.virtual_interface_type().unwrap_or_default().to_string(),
        state: v
            .virtual_interface_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        vlan: Some(v.vlan()),
        gateway_id: v
            .virtual_gateway_id()
            .or(v.direct_connect_gateway_id())
            .filter(|g| !g.is_empty())
            .map(str::to_string),
    })
}

async fn dx_virtual_interfaces(ro: Arc<ReadOnly>, region: String) {
    let out = match ro.dx_describe_virtual_interfaces(&region).await {
        Ok(out) => out,
        Err(e) => return ro.store().apply(Update::Error(e)),
    };
    let updates: Vec<Update> = out
        .virtual_interfaces()
        .iter()
        .filter_map(|v| {
            dx_virtual_interface(ro.account_id(), &region, v).map(Update::DxVirtualInterface)
        })
        .collect();
    ro.store().apply_all(updates);
}
