//! `dx.link_encryption`: a Direct Connect link is encrypted at layer 2 (MACsec
//! `must_encrypt`) or carries a VPN; otherwise the link itself is clear text and everything
//! on it relies on TLS end to end.

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, Resource, ResourceKind, Severity, Status};
use crate::model::{DxConnection, DxVirtualInterface};

pub const ID: &str = "dx.link_encryption";

pub const CHECK: Check = Check {
    id: ID,
    title: "Direct Connect links are encrypted (MACsec or VPN)",
    description: "Per Direct Connect connection. Passes with MACsec encryption mode \
        must_encrypt (no frame leaves the port unencrypted). Partial with should_encrypt (frames \
        fall back to clear text when the MACsec session drops), or when the link has only public \
        virtual interfaces and a Site-to-Site VPN exists in the same account and region (a VPN \
        may run over it; routing is not visible to the scan, so a person must confirm). Fails \
        otherwise: the link is unencrypted and traffic on it relies on TLS end to end. Unknown \
        when connections could not be listed.",
    resource_kind: ResourceKind::DxConnection,
    run,
};

fn resource(ctx: &Context<'_>, d: &DxConnection) -> Resource {
    Resource {
        kind: ResourceKind::DxConnection,
        id: d.id.as_str().into(),
        account_id: d.account_id.as_str().into(),
        region: Some(d.region.as_str().into()),
        arn: Some(
            format!(
                "arn:{}:directconnect:{}:{}:dxcon/{}",
                ctx.partition(&d.account_id),
                d.region,
                d.account_id,
                d.id
            )
            .into(),
        ),
        name: Some(d.name.as_str().into()),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = ctx.listing_failures(
        ID,
        Severity::High,
        &["directconnect:DescribeConnections"],
        "Direct Connect connections",
    );
    let c = &ctx.estate.connectivity;
    for d in &c.dx_connections {
        let mode = d.encryption_mode.as_deref().unwrap_or("none");
        let mut vifs: Vec<&DxVirtualInterface> = c
            .dx_virtual_interfaces
            .iter()
            .filter(|v| v.connection_id.as_deref() == Some(d.id.as_str()))
            .filter(|v| !v.state.eq_ignore_ascii_case("deleted"))
            .collect();
        vifs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut evidence = Evidence::default()
            .attr("encryption_mode", mode.to_string())
            .attr(
                "port_encryption_status",
                d.port_encryption_status
                    .as_deref()
                    .unwrap_or("none")
                    .to_string(),
            )
            .attr("macsec_capable", d.macsec_capable.to_string())
            .attr("state", d.state.clone());
        if let Some(l) = &d.location {
            evidence = evidence.attr("location", l.clone());
        }
        for v in &vifs {
            evidence = evidence.attr(
                "virtual_interface",
                format!(
                    "{} ({}, {}{})",
                    v.id,
                    v.kind,
                    v.state,
                    v.gateway_id
                        .as_deref()
                        .map(|g| format!(", to {g}"))
                        .unwrap_or_default()
                ),
            );
        }
        let gone = d.gone();
        let only_public = !vifs.is_empty() && vifs.iter().all(|v| v.kind == "public");
        let mut vpns: Vec<&str> = c
            .vpn_connections
            .iter()
            .filter(|v| v.account_id == d.account_id && v.region == d.region)
            .filter(|v| v.state.eq_ignore_ascii_case("available"))
            .map(|v| v.id.as_str())
            .collect();
        vpns.sort_unstable();
        let mut note = None;
        let (status, message) = if gone {
            (
                Status::NotApplicable,
                format!("The connection is {}.", d.state),
            )
        } else if d.macsec_enforced() {
            let port = d.port_encryption_status.as_deref();
            if let Some(s) = port.filter(|s| !s.eq_ignore_ascii_case("Encryption Up")) {
                note = Some(format!(
                    "Port encryption is reported as \"{s}\": with must_encrypt the link passes \
                     no traffic until MACsec recovers."
                ));
            }
            (
                Status::Pass,
                "MACsec must_encrypt: every frame on the link is encrypted; the port never \
                 falls back to clear text."
                    .to_string(),
            )
        } else if mode == "should_encrypt" {
            (
                Status::Partial,
                "MACsec should_encrypt: frames are encrypted while the MACsec session is up and \
                 fall back to clear text when it drops. Set must_encrypt."
                    .to_string(),
            )
        } else if only_public && !vpns.is_empty() {
            evidence = evidence.attr("vpn_connections_same_region", vpns.join(", "));
            (
                Status::Partial,
                format!(
                    "The link is not encrypted (MACsec {mode}), but it carries only public \
                     virtual interfaces and VPN {} exists in the same account and region: if the \
                     VPN runs over this link, traffic is protected by IPsec. Routing is not \
                     visible to the scan: confirm.",
                    vpns.join(", ")
                ),
            )
        } else {
            let carried: Vec<String> = vifs
                .iter()
                .map(|v| format!("{} {}", v.kind, v.id))
                .collect();
            (
                Status::Fail,
                format!(
                    "The link is not encrypted (MACsec {mode}{}): traffic on it{} crosses it in \
                     clear text at layer 2 and relies on TLS end to end.",
                    if d.macsec_capable {
                        ""
                    } else {
                        "; the port does not support MACsec"
                    },
                    if carried.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", carried.join(", "))
                    }
                ),
            )
        };
        let mut f = Finding::new(ID, status, Severity::High, resource(ctx, d), message)
            .with_evidence(evidence);
        if let Some(n) = note {
            f = f.with_note(n);
        }
        out.push(f);
    }
    out
}
