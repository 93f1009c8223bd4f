//! `vpn.tunnels`: each Site-to-Site VPN tunnel is up and permits no weak algorithm. What the
//! tunnel *permits* is judged, not what it negotiated last: a tunnel that allows SHA-1 can be
//! brought down to SHA-1 by the customer gateway's proposal.

use std::sync::Arc;

use super::{Check, Context};
use crate::compliance::finding::{Evidence, Finding, Resource, ResourceKind, Severity, Status};
use crate::model::{VpnConnection, VpnTunnel};

pub const ID: &str = "vpn.tunnels";

pub const CHECK: Check = Check {
    id: ID,
    title: "Site-to-Site VPN tunnels are up and use strong algorithms",
    description: "Per tunnel of each VPN connection. Fails when the tunnel permits SHA-1 or MD5 \
        integrity, a Diffie-Hellman group below 14, or DES/3DES, in phase 1 or 2 (an empty list \
        means AWS's defaults, which permit SHA-1, DH group 2 and IKEv1), or when no tunnel of \
        the connection is up. Partial when the only weakness is IKEv1 being allowed, or when this \
        tunnel is down while another carries traffic. AES-128 (CBC) is accepted; AES-GCM is \
        noted as preferred.",
    resource_kind: ResourceKind::VpnTunnel,
    run,
};

fn join<T: ToString>(v: &[T]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// (problems that fail, problems that make it partial, notes, evidence).
fn judge_algorithms(t: &VpnTunnel) -> (Vec<String>, Vec<String>, Vec<String>, Evidence) {
    let o = t.options();
    let shown = |v: String, default: bool| {
        if default {
            format!("{v} (AWS default: not restricted)")
        } else {
            v
        }
    };
    let mut ev = Evidence::default()
        .attr("outside_ip", t.outside_ip.clone())
        .attr("status", t.status.clone());
    if let Some(m) = &t.status_message {
        ev = ev.attr("status_message", m.clone());
    }
    ev = ev
        .attr(
            "ike_versions",
            shown(join(&o.ike_versions.values), o.ike_versions.aws_default),
        )
        .attr(
            "phase1_encryption",
            if t.phase1_encryption.is_empty() {
                "AES128, AES256, AES128-GCM-16, AES256-GCM-16 (AWS default: not restricted)"
                    .to_string()
            } else {
                join(&t.phase1_encryption)
            },
        )
        .attr(
            "phase1_integrity",
            shown(
                join(&o.phase1_integrity.values),
                o.phase1_integrity.aws_default,
            ),
        )
        .attr(
            "phase1_dh_groups",
            shown(
                join(&o.phase1_dh_groups.values),
                o.phase1_dh_groups.aws_default,
            ),
        )
        .attr(
            "phase2_encryption",
            if t.phase2_encryption.is_empty() {
                "AES128, AES256, AES128-GCM-16, AES256-GCM-16 (AWS default: not restricted)"
                    .to_string()
            } else {
                join(&t.phase2_encryption)
            },
        )
        .attr(
            "phase2_integrity",
            shown(
                join(&o.phase2_integrity.values),
                o.phase2_integrity.aws_default,
            ),
        )
        .attr(
            "phase2_dh_groups",
            shown(
                join(&o.phase2_dh_groups.values),
                o.phase2_dh_groups.aws_default,
            ),
        );

    let mut fails = Vec::new();
    let mut partials = Vec::new();
    let mut notes = Vec::new();
    for w in t.weaknesses() {
        if w.serious {
            fails.push(w.detail);
        } else {
            partials.push(w.detail);
        }
    }
    let cbc = t
        .phase1_encryption
        .iter()
        .chain(&t.phase2_encryption)
        .any(|a| !a.to_ascii_uppercase().contains("GCM"))
        || t.phase1_encryption.is_empty()
        || t.phase2_encryption.is_empty();
    if cbc {
        notes.push("AES-CBC is accepted; AES-GCM is preferred".to_string());
    }
    (fails, partials, notes, ev)
}

fn resource(ctx: &Context<'_>, v: &VpnConnection, t: &VpnTunnel) -> Resource {
    Resource {
        kind: ResourceKind::VpnTunnel,
        id: format!("{}/{}", v.id, t.outside_ip).into(),
        account_id: v.account_id.as_str().into(),
        region: Some(v.region.as_str().into()),
        arn: Some(
            format!(
                "arn:{}:ec2:{}:{}:vpn-connection/{}",
                ctx.partition(&v.account_id),
                v.region,
                v.account_id,
                v.id
            )
            .into(),
        ),
        name: v.name.as_deref().map(Arc::from),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = ctx.listing_failures(
        ID,
        Severity::High,
        &["ec2:DescribeVpnConnections"],
        "Site-to-Site VPN connections",
    );
    for v in &ctx.estate.connectivity.vpn_connections {
        let gone = v.gone();
        let any_up = v.tunnels.iter().any(VpnTunnel::is_up);
        for t in &v.tunnels {
            let (fails, partials, notes, mut evidence) = judge_algorithms(t);
            evidence = evidence.attr("vpn_connection", format!("{} ({})", v.id, v.state));
            let mut problems: Vec<String> = Vec::new();
            let mut status = Status::Pass;
            if gone {
                status = Status::NotApplicable;
                problems.push(format!("the VPN connection is {}", v.state));
            } else {
                if !fails.is_empty() {
                    status = Status::Fail;
                    problems.extend(fails);
                }
                if !t.is_up() {
                    if any_up {
                        status = status.min(Status::Partial);
                        problems.push(format!(
                            "the tunnel is {} (no redundancy; the other tunnel carries traffic)",
                            t.status
                        ));
                    } else {
                        status = Status::Fail;
                        problems.push(format!(
                            "the tunnel is {} and so is every other tunnel of the connection",
                            t.status
                        ));
                    }
                }
                if !partials.is_empty() {
                    status = status.min(Status::Partial);
                    problems.extend(partials);
                }
            }
            let message = if problems.is_empty() {
                format!(
                    "Tunnel {} is up; IKEv2 only, no SHA-1/MD5, DH groups 14 or above.",
                    t.outside_ip
                )
            } else {
                format!("Tunnel {}: {}.", t.outside_ip, problems.join("; "))
            };
            let mut f = Finding::new(ID, status, Severity::High, resource(ctx, v, t), message)
                .with_evidence(evidence);
            if !notes.is_empty() && status != Status::NotApplicable {
                f = f.with_note(notes.join("; "));
            }
            out.push(f);
        }
    }
    out
}
