//! Connectivity: per region, the path from the data centres to the buckets, drawn with
//! box-drawing characters. On-premises → VPN (each tunnel) / Direct Connect (MACsec) /
//! internet (TLS) → VPC → Athena endpoint (private DNS) → Athena → S3 endpoint → buckets.
//! Every element is a line the cursor can select; its detail is beside the diagram on wide
//! terminals, and a keypress away on narrow ones.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::app::{App, DocView, Link};
use super::super::theme::Theme;
use super::super::widgets::{Doc, Status, clean, draw_doc, status_span, truncate, width};
use super::{account_label, json_lines, kv};
use crate::model::{DxConnection, EndpointService, VpcEndpoint, VpnConnection, VpnTunnel};
use crate::policy::Verdict;
use crate::store::State;

/// Regions to draw: the scan's regions first, then any other region a resource is in.
pub fn regions(state: &State) -> Vec<String> {
    let mut out: Vec<String> = state.meta.regions.clone();
    let e = &state.estate;
    let c = &e.connectivity;
    let extra = c
        .vpc_endpoints
        .iter()
        .map(|x| &x.region)
        .chain(c.vpn_connections.iter().map(|x| &x.region))
        .chain(c.dx_connections.iter().map(|x| &x.region))
        .chain(e.workgroups.iter().map(|x| &x.region));
    let mut more: Vec<String> = extra.filter(|r| !out.contains(r)).cloned().collect();
    more.sort();
    more.dedup();
    out.extend(more);
    out
}

/// Why a tunnel's algorithms are weak (empty when they are not).
/// Short labels of what the tunnel permits that is weak (the model's one rule).
pub fn tunnel_weakness(t: &VpnTunnel) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    for w in t.weaknesses() {
        match w.short.strip_prefix("DH ") {
            Some(g) if !groups.iter().any(|x| x == g) => groups.push(g.to_string()),
            Some(_) => {}
            None if !out.contains(&w.short) => out.push(w.short),
            None => {}
        }
    }
    if !groups.is_empty() {
        out.push(format!("DH group {}", groups.join(",")));
    }
    out
}

pub fn tunnel_status(t: &VpnTunnel) -> (Status, String) {
    let weak = tunnel_weakness(t);
    if !t.is_up() {
        let why = t
            .status_message
            .as_deref()
            .filter(|m| !m.is_empty())
            .map(|m| format!(" · {}", clean(m)))
            .unwrap_or_default();
        return (Status::Bad, format!("{}{why}", clean(&t.status)));
    }
    if !weak.is_empty() {
        return (Status::Warn, format!("UP · weak: {}", weak.join(" ")));
    }
    (Status::Good, format!("UP · {}", algorithms(t)))
}

/// `IKEv2 AES256-GCM-16 SHA2-256 DH 20,21` (phase 1).
pub fn algorithms(t: &VpnTunnel) -> String {
    let groups: Vec<String> = t.phase1_dh_groups.iter().map(u32::to_string).collect();
    clean(&format!(
        "{} {} {} DH {}",
        t.ike_versions
            .join("/")
            .to_uppercase()
            .replace("IKEV", "IKEv"),
        t.phase1_encryption.join("/"),
        t.phase1_integrity.join("/"),
        groups.join(",")
    ))
}

pub fn vpn_status(v: &VpnConnection) -> (Status, String) {
    let up = v.tunnels.iter().filter(|t| t.is_up()).count();
    let n = v.tunnels.len();
    let weak = v
        .tunnels
        .iter()
        .filter(|t| !tunnel_weakness(t).is_empty())
        .count();
    let mut text = format!("{up} of {n} tunnels up");
    if weak > 0 {
        text.push_str(&format!(" · {weak} weak"));
    }
    let s = if up == 0 {
        Status::Bad
    } else if up < n || weak > 0 {
        Status::Warn
    } else {
        Status::Good
    };
    (s, text)
}

/// Whether MACsec protects a Direct Connect link, in words.
pub fn dx_status(d: &DxConnection) -> (Status, String) {
    let up = d
        .port_encryption_status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("Encryption Up"));
    match d.encryption_mode.as_deref() {
        Some("must_encrypt") if up => (Status::Good, "MACsec enforced (must_encrypt)".into()),
        Some("must_encrypt") => (
            Status::Bad,
            "MACsec required, port reports encryption down".into(),
        ),
        Some("should_encrypt") => (Status::Warn, "MACsec preferred, not required".into()),
        _ if d.macsec_capable => (Status::Bad, "NOT encrypted (MACsec capable, off)".into()),
        _ => (Status::Bad, "NOT encrypted (no MACsec)".into()),
    }
}

/// Estate-level Direct Connect read failures in a region.
pub fn dx_errors<'a>(state: &'a State, region: &str) -> Vec<&'a crate::model::FetchError> {
    state
        .estate
        .errors
        .iter()
        .filter(|e| {
            e.operation.starts_with("directconnect:") && e.region.as_deref() == Some(region)
        })
        .collect()
}

fn endpoints<'a>(state: &'a State, vpc: &str, service: EndpointService) -> Vec<&'a VpcEndpoint> {
    state
        .estate
        .connectivity
        .vpc_endpoints
        .iter()
        .filter(|e| e.vpc_id == vpc && e.service == Some(service))
        .collect()
}

/// VPCs (with their account) that have an endpoint in the region.
pub fn vpcs(state: &State, region: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in &state.estate.connectivity.vpc_endpoints {
        if e.region == region && !out.iter().any(|(v, _)| *v == e.vpc_id) {
            out.push((e.vpc_id.clone(), e.account_id.clone()));
        }
    }
    for g in &state.estate.connectivity.vpn_gateways {
        if g.region == region {
            for v in &g.attached_vpcs {
                if !out.iter().any(|(x, _)| x == v) {
                    out.push((v.clone(), g.account_id.clone()));
                }
            }
        }
    }
    out
}

pub fn athena_endpoint_status(state: &State, vpc: &str) -> (Status, String) {
    let eps = endpoints(state, vpc, EndpointService::Athena);
    if eps.is_empty() {
        return (Status::Bad, "missing: public endpoint used".into());
    }
    if eps.iter().any(|e| e.private_dns_enabled) {
        (Status::Good, "private DNS on".into())
    } else {
        (Status::Warn, "private DNS off: public endpoint used".into())
    }
}

pub fn s3_endpoint_status(state: &State, vpc: &str) -> (Status, String) {
    let eps = endpoints(state, vpc, EndpointService::S3);
    if eps.is_empty() {
        return (Status::Bad, "missing: traffic leaves the VPC".into());
    }
    let kinds: Vec<String> = eps.iter().map(|e| e.endpoint_type.to_lowercase()).collect();
    (Status::Good, clean(&kinds.join(" + ")))
}

/// Buckets in a region: (denying plain HTTP, total).
pub fn bucket_counts(state: &State, region: &str) -> (usize, usize) {
    let mut yes = 0;
    let mut all = 0;
    for b in state.estate.buckets.iter().filter(|b| b.region == region) {
        all += 1;
        if b.tls.verdict == Verdict::Enforced {
            yes += 1;
        }
    }
    (yes, all)
}

/// Workgroups in a region and how many write results to a bucket accepting plain HTTP.
pub fn athena_counts(state: &State, region: &str) -> (usize, usize) {
    let mut open = 0;
    let mut all = 0;
    for w in state
        .estate
        .workgroups
        .iter()
        .filter(|w| w.region == region)
    {
        all += 1;
        let accepts = w
            .output_bucket
            .as_deref()
            .and_then(|b| state.bucket(b))
            .is_some_and(|b| matches!(b.tls.verdict, Verdict::NotEnforced | Verdict::Partial));
        if accepts {
            open += 1;
        }
    }
    (open, all)
}

/// A link from the data centres: label, status, target, and child lines (tunnels).
type Uplink = (
    String,
    Option<(Status, String)>,
    Link,
    Vec<(String, (Status, String), Link)>,
);

/// One diagram line: tree prefix and label on the left, status on the right.
fn element(
    doc: &mut Doc,
    t: &Theme,
    w: usize,
    prefix: &str,
    label: String,
    status: Option<(Status, String)>,
    link: Option<Link>,
) {
    let label_w = if status.is_some() {
        (w * 11 / 20).clamp(30, 64)
    } else {
        w
    };
    let mut spans = vec![
        Span::styled("│ ", t.border),
        Span::styled(prefix.to_string(), t.border),
    ];
    let room = label_w.saturating_sub(2 + width(prefix));
    let label = truncate(&label, room).into_owned();
    let pad = room.saturating_sub(width(&label));
    spans.push(Span::styled(label, t.base));
    if let Some((s, text)) = status {
        spans.push(Span::raw(" ".repeat(pad + 1)));
        let room = w.saturating_sub(label_w + 1);
        spans.push(status_span(s, truncate(&text, room.saturating_sub(2)), t));
    }
    let line = Line::from(spans);
    match link {
        Some(l) => doc.link(line, l),
        None => doc.push(line),
    }
}

fn rule(doc: &mut Doc, t: &Theme, w: usize, text: &str) {
    doc.push(Line::from(vec![
        Span::styled("│ ", t.border),
        Span::styled(text.to_string(), t.border),
    ]));
    let _ = w;
}

/// The whole diagram as a document whose element lines link to their detail.
pub fn diagram(state: &State, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    let c = &state.estate.connectivity;
    let regions = regions(state);
    if regions.is_empty() {
        doc.push(Line::from(Span::styled(
            "  waiting for the scan to report regions…",
            t.muted,
        )));
        return doc;
    }
    for (ri, region) in regions.iter().enumerate() {
        if ri > 0 {
            doc.blank();
        }
        let title = format!("╭─ {} ", clean(region));
        let fill = w.saturating_sub(width(&title));
        doc.push(Line::from(vec![
            Span::styled("╭─ ", t.border),
            Span::styled(clean(region), t.title),
            Span::styled(format!(" {}", "─".repeat(fill)), t.border),
        ]));
        element(
            &mut doc,
            t,
            w,
            "",
            "On-premises data centres".into(),
            None,
            Some(Link::Element(format!("onprem:{region}"))),
        );
        // Links from the data centres: VPN tunnels, Direct Connect, the internet.
        let vpns: Vec<&VpnConnection> = c
            .vpn_connections
            .iter()
            .filter(|v| &v.region == region)
            .collect();
        let dxs: Vec<&DxConnection> = c
            .dx_connections
            .iter()
            .filter(|d| &d.region == region)
            .collect();
        let dx_err = dx_errors(state, region);
        let mut links: Vec<Uplink> = Vec::new();
        for v in &vpns {
            let name = v.name.as_deref().unwrap_or(&v.id);
            let tunnels = v
                .tunnels
                .iter()
                .map(|tu| {
                    (
                        format!("tunnel {}", clean(&tu.outside_ip)),
                        tunnel_status(tu),
                        Link::Element(format!("tunnel:{}:{}", v.id, tu.outside_ip)),
                    )
                })
                .collect();
            links.push((
                format!("VPN {}", clean(name)),
                Some(vpn_status(v)),
                Link::Element(format!("vpn:{}", v.id)),
                tunnels,
            ));
        }
        for d in &dxs {
            links.push((
                format!("Direct Connect {}", clean(&d.name)),
                Some(dx_status(d)),
                Link::Element(format!("dx:{}", d.id)),
                Vec::new(),
            ));
        }
        if dxs.is_empty() && !dx_err.is_empty() {
            links.push((
                "Direct Connect".into(),
                Some((
                    Status::Unknown,
                    format!("could not be read ({})", clean(&dx_err[0].code)),
                )),
                Link::Element(format!("dx-error:{region}")),
                Vec::new(),
            ));
        }
        let (yes, all) = bucket_counts(state, region);
        links.push((
            "Internet to public AWS endpoints".into(),
            Some(if all > 0 && yes == all {
                (Status::Good, "TLS: every bucket refuses plain HTTP".into())
            } else {
                (Status::Warn, "TLS only if the client uses HTTPS".into())
            }),
            Link::Element(format!("internet:{region}")),
            Vec::new(),
        ));
        let n = links.len();
        for (i, (label, status, link, children)) in links.into_iter().enumerate() {
            let last = i + 1 == n;
            element(
                &mut doc,
                t,
                w,
                if last { "└─▶ " } else { "├─▶ " },
                label,
                status,
                Some(link),
            );
            let m = children.len();
            for (j, (label, status, link)) in children.into_iter().enumerate() {
                let branch = if j + 1 == m {
                    "└── "
                } else {
                    "├── "
                };
                let prefix = format!("{}   {branch}", if last { " " } else { "│" });
                element(&mut doc, t, w, &prefix, label, Some(status), Some(link));
            }
        }
        rule(&mut doc, t, w, "      ▼");
        // Inside AWS: each VPC's endpoints, then Athena and the buckets.
        let vpc_list = vpcs(state, region);
        if vpc_list.is_empty() {
            element(
                &mut doc,
                t,
                w,
                "",
                "No VPC endpoints seen".into(),
                Some((
                    Status::Warn,
                    "clients reach Athena and S3 over public endpoints".into(),
                )),
                Some(Link::Element(format!("novpc:{region}"))),
            );
        }
        for (vpc, account) in &vpc_list {
            element(
                &mut doc,
                t,
                w,
                "",
                format!("VPC {} · {}", clean(vpc), account_label(state, account)),
                None,
                Some(Link::Element(format!("vpc:{vpc}"))),
            );
            element(
                &mut doc,
                t,
                w,
                "├─▶ ",
                endpoint_label(state, vpc, EndpointService::Athena, "Athena endpoint"),
                Some(athena_endpoint_status(state, vpc)),
                Some(Link::Element(format!("athena-ep:{vpc}"))),
            );
            element(
                &mut doc,
                t,
                w,
                "└─▶ ",
                endpoint_label(state, vpc, EndpointService::S3, "S3 endpoint"),
                Some(s3_endpoint_status(state, vpc)),
                Some(Link::Element(format!("s3-ep:{vpc}"))),
            );
        }
        rule(&mut doc, t, w, "      ▼");
        let (open, wgs) = athena_counts(state, region);
        element(
            &mut doc,
            t,
            w,
            "",
            format!(
                "Athena · {wgs} workgroup{}",
                if wgs == 1 { "" } else { "s" }
            ),
            Some(if wgs == 0 {
                (Status::Info, "no workgroups".into())
            } else if open == 0 {
                (Status::Good, "every result bucket denies plain HTTP".into())
            } else {
                (
                    Status::Bad,
                    format!(
                        "{open} result bucket{} accept{} plain HTTP",
                        if open == 1 { "" } else { "s" },
                        if open == 1 { "s" } else { "" }
                    ),
                )
            }),
            Some(Link::Element(format!("athena:{region}"))),
        );
        element(
            &mut doc,
            t,
            w,
            "└─▶ ",
            format!("S3 buckets in {}", clean(region)),
            Some(if all == 0 {
                (Status::Info, "none".into())
            } else {
                let s = if yes == all {
                    Status::Good
                } else if yes == 0 {
                    Status::Bad
                } else {
                    Status::Warn
                };
                (s, format!("{yes} of {all} deny plain HTTP"))
            }),
            Some(Link::Element(format!("buckets:{region}"))),
        );
        doc.push(Line::from(Span::styled(
            format!("╰{}", "─".repeat(w.saturating_sub(1))),
            t.border,
        )));
    }
    doc
}

fn endpoint_label(state: &State, vpc: &str, service: EndpointService, noun: &str) -> String {
    let eps = endpoints(state, vpc, service);
    match eps.as_slice() {
        [] => noun.to_string(),
        [one] => format!("{noun} {}", clean(&one.id)),
        [first, rest @ ..] => format!("{noun}s {} +{}", clean(&first.id), rest.len()),
    }
}

/// Draws the diagram, with the selected element's detail beside it on wide terminals.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &State, view: &DocView) {
    let t = &app.theme;
    if area.width >= 120 {
        let left_w = area.width * 11 / 20;
        let left = Rect {
            width: left_w,
            ..area
        };
        let right = Rect {
            x: area.x + left_w + 1,
            width: area.width - left_w - 1,
            ..area
        };
        let doc = diagram(state, t, usize::from(left.width.saturating_sub(1)));
        draw_doc(frame, left, &doc, &view.nav, true, t);
        // A vertical separator.
        let buf = frame.buffer_mut();
        for y in area.y..area.bottom() {
            if let Some(cell) = buf.cell_mut((area.x + left_w, y)) {
                cell.set_symbol("│").set_style(t.border);
            }
        }
        let detail = match doc.link_at(view.nav.selected) {
            Some(Link::Element(id)) => element_doc(state, t, usize::from(right.width), id),
            _ => {
                let mut d = Doc::default();
                d.push(Line::from(Span::styled(
                    "Select an element (j/k) to see its detail here.",
                    t.muted,
                )));
                d
            }
        };
        let inner = Rect {
            x: right.x + 1,
            width: right.width.saturating_sub(1),
            ..right
        };
        draw_doc(frame, inner, &detail, &Default::default(), false, t);
    } else {
        let doc = diagram(state, t, usize::from(area.width.saturating_sub(1)));
        draw_doc(frame, area, &doc, &view.nav, true, t);
    }
}

/// The detail of one element (`kind:id`).
pub fn element_doc(state: &State, t: &Theme, w: usize, id: &str) -> Doc {
    let mut doc = Doc::default();
    let (kind, rest) = id.split_once(':').unwrap_or((id, ""));
    let c = &state.estate.connectivity;
    match kind {
        "onprem" => {
            doc.heading(format!("On-premises → AWS in {}", clean(rest)), t);
            doc.blank();
            doc.para(
                "Traffic from the data centres reaches AWS over a Site-to-Site VPN (IPsec), \
                 Direct Connect (private, encrypted only with MACsec) or the internet (protected \
                 only by TLS, when the client uses it). Athena and S3 are reached through VPC \
                 endpoints when private DNS points clients at them; otherwise through the \
                 public endpoints.",
                w,
                "",
                "",
                t.base,
            );
            doc.blank();
            let vpns = c.vpn_connections.iter().filter(|v| v.region == rest);
            for v in vpns {
                let (s, text) = vpn_status(v);
                doc.link(
                    Line::from(vec![
                        Span::raw("  VPN "),
                        Span::raw(clean(v.name.as_deref().unwrap_or(&v.id))),
                        Span::raw("  "),
                        status_span(s, text, t),
                    ]),
                    Link::Element(format!("vpn:{}", v.id)),
                );
            }
            for d in c.dx_connections.iter().filter(|d| d.region == rest) {
                let (s, text) = dx_status(d);
                doc.link(
                    Line::from(vec![
                        Span::raw("  Direct Connect "),
                        Span::raw(clean(&d.name)),
                        Span::raw("  "),
                        status_span(s, text, t),
                    ]),
                    Link::Element(format!("dx:{}", d.id)),
                );
            }
        }
        "vpn" => match c.vpn_connections.iter().find(|v| v.id == rest) {
            Some(v) => vpn_doc(&mut doc, state, t, w, v, None),
            None => gone(&mut doc, t, id),
        },
        "tunnel" => {
            let (vpn_id, ip) = rest.split_once(':').unwrap_or((rest, ""));
            match c.vpn_connections.iter().find(|v| v.id == vpn_id) {
                Some(v) => vpn_doc(&mut doc, state, t, w, v, Some(ip)),
                None => gone(&mut doc, t, id),
            }
        }
        "dx" => match c.dx_connections.iter().find(|d| d.id == rest) {
            Some(d) => dx_doc(&mut doc, state, t, w, d),
            None => gone(&mut doc, t, id),
        },
        "dx-error" => {
            doc.heading(format!("Direct Connect in {}", clean(rest)), t);
            doc.blank();
            doc.push(Line::from(status_span(
                Status::Unknown,
                "could not be read: whether a link exists, and whether it is encrypted, is unknown",
                t,
            )));
            doc.blank();
            for (i, e) in state.estate.errors.iter().enumerate() {
                if e.operation.starts_with("directconnect:") && e.region.as_deref() == Some(rest) {
                    doc.link(
                        Line::from(vec![
                            Span::styled("  ✘ ", t.error),
                            Span::raw(clean(&e.short())),
                        ]),
                        Link::Error(super::errors::estate_error_index(state, i)),
                    );
                    doc.para(&clean(&e.message), w, "    ", "    ", t.muted);
                }
            }
        }
        "internet" => {
            let (yes, all) = bucket_counts(state, rest);
            doc.heading(format!("Internet path in {}", clean(rest)), t);
            doc.blank();
            doc.para(
                "Clients without a private path reach the public Athena and S3 endpoints over \
                 the internet. AWS endpoints accept TLS 1.2 and later, but S3 also answers plain \
                 HTTP unless the bucket policy (or a resource control policy) denies it: only \
                 those buckets guarantee that nothing crosses the internet in the clear.",
                w,
                "",
                "",
                t.base,
            );
            doc.blank();
            doc.push(kv(
                "Buckets denying plain HTTP",
                format!("{yes} of {all}"),
                t,
            ));
            doc.link(
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled("▶ ", t.key),
                    Span::raw(format!("buckets in {} that accept plain HTTP", clean(rest))),
                ]),
                Link::Buckets(format!("{rest} accepts-http")),
            );
        }
        "vpc" => {
            doc.heading(format!("VPC {}", clean(rest)), t);
            doc.blank();
            let eps: Vec<&VpcEndpoint> = c
                .vpc_endpoints
                .iter()
                .filter(|e| e.vpc_id == rest)
                .collect();
            if let Some(e) = eps.first() {
                doc.push(kv("Account", account_label(state, &e.account_id), t));
                doc.push(kv("Region", clean(&e.region), t));
            }
            for g in c
                .vpn_gateways
                .iter()
                .filter(|g| g.attached_vpcs.iter().any(|v| v == rest))
            {
                doc.push(kv("VPN gateway", clean(&g.id), t));
            }
            doc.blank();
            doc.heading("Endpoints", t);
            if eps.is_empty() {
                doc.push(Line::from(Span::styled("  none", t.muted)));
            }
            for e in eps {
                let (s, text) = if e.private_dns_enabled || e.endpoint_type == "Gateway" {
                    (
                        Status::Good,
                        format!(
                            "{} · private DNS {}",
                            e.endpoint_type,
                            on_off(e.private_dns_enabled)
                        ),
                    )
                } else {
                    (
                        Status::Warn,
                        format!("{} · private DNS off", e.endpoint_type),
                    )
                };
                doc.push(Line::from(vec![
                    Span::raw(format!(
                        "  {:<8} {:<24} ",
                        e.service.map(|s| s.as_str()).unwrap_or("other"),
                        clean(&e.id)
                    )),
                    status_span(s, clean(&text), t),
                ]));
            }
        }
        "athena-ep" | "s3-ep" => {
            let service = if kind == "athena-ep" {
                EndpointService::Athena
            } else {
                EndpointService::S3
            };
            let noun = if kind == "athena-ep" { "Athena" } else { "S3" };
            doc.heading(format!("{noun} endpoint in VPC {}", clean(rest)), t);
            doc.blank();
            let (s, text) = if kind == "athena-ep" {
                athena_endpoint_status(state, rest)
            } else {
                s3_endpoint_status(state, rest)
            };
            doc.push(Line::from(status_span(s, text, t)));
            let eps = endpoints(state, rest, service);
            if eps.is_empty() {
                doc.blank();
                doc.para(
                    if kind == "athena-ep" {
                        "Without an interface endpoint for Athena, clients in this VPC (and on-premises \
                         clients routed through it) call the public Athena endpoint. That is still TLS, \
                         but it leaves the private network."
                    } else {
                        "Without a gateway or interface endpoint for S3, traffic to buckets leaves the \
                         VPC through a NAT or internet gateway."
                    },
                    w,
                    "",
                    "",
                    t.muted,
                );
            }
            for e in eps {
                doc.blank();
                doc.push(kv("Endpoint", clean(&e.id), t));
                doc.push(kv("Service", clean(&e.service_name), t));
                doc.push(kv("Type", clean(&e.endpoint_type), t));
                doc.push(kv(
                    "Private DNS",
                    on_off(e.private_dns_enabled).to_string(),
                    t,
                ));
                doc.push(kv("State", clean(&e.state), t));
                doc.push(kv("Account", account_label(state, &e.account_id), t));
                match &e.policy {
                    Some(p) => {
                        doc.push(Line::from(Span::styled("  Endpoint policy", t.muted)));
                        for l in json_lines(p, t, &[], w) {
                            doc.push(l);
                        }
                    }
                    None => doc.push(kv("Endpoint policy", "none (full access)".into(), t)),
                }
            }
        }
        "novpc" => {
            doc.heading(format!("No VPC endpoints in {}", clean(rest)), t);
            doc.blank();
            doc.para(
                "The scan saw no VPC endpoint in this region: clients reach Athena and S3 through \
                 their public endpoints.",
                w,
                "",
                "",
                t.base,
            );
        }
        "athena" => {
            doc.heading(format!("Athena in {}", clean(rest)), t);
            doc.blank();
            for wg in state.estate.workgroups.iter().filter(|w| w.region == rest) {
                let verdict = wg.output_bucket.as_deref().and_then(|b| state.bucket(b));
                let status = match verdict {
                    Some(b) => super::super::widgets::verdict_span(b.tls.verdict, t),
                    None => Span::styled("· no result location", t.muted),
                };
                doc.link(
                    Line::from(vec![
                        Span::raw(format!("  {:<26} ", truncate(&clean(&wg.name), 26))),
                        status,
                        Span::styled(
                            format!("  {}", clean(wg.output_bucket.as_deref().unwrap_or(""))),
                            t.muted,
                        ),
                    ]),
                    Link::Workgroup(super::workgroups::key(wg)),
                );
            }
        }
        "buckets" => {
            let (yes, all) = bucket_counts(state, rest);
            doc.heading(format!("S3 buckets in {}", clean(rest)), t);
            doc.blank();
            doc.push(kv("Deny plain HTTP", format!("{yes} of {all}"), t));
            doc.blank();
            for v in [
                Verdict::NotEnforced,
                Verdict::Partial,
                Verdict::Unknown,
                Verdict::Enforced,
            ] {
                let n = state
                    .estate
                    .buckets
                    .iter()
                    .filter(|b| b.region == rest && b.tls.verdict == v)
                    .count();
                doc.link(
                    Line::from(vec![
                        Span::raw("  "),
                        Span::styled(
                            format!("{:<16}", super::super::widgets::verdict_text(v)),
                            t.verdict(v),
                        ),
                        Span::raw(format!("{n:>5}")),
                    ]),
                    Link::Buckets(format!("{rest} {}", super::buckets::verdict_token(v))),
                );
            }
        }
        _ => gone(&mut doc, t, id),
    }
    doc
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn gone(doc: &mut Doc, t: &Theme, id: &str) {
    doc.push(Line::from(Span::styled(
        format!("{} is not in the current scan", clean(id)),
        t.muted,
    )));
}

fn vpn_doc(
    doc: &mut Doc,
    state: &State,
    t: &Theme,
    w: usize,
    v: &VpnConnection,
    only: Option<&str>,
) {
    let name = v.name.as_deref().unwrap_or(&v.id);
    doc.heading(format!("VPN {} ({})", clean(name), clean(&v.id)), t);
    doc.blank();
    let (s, text) = vpn_status(v);
    doc.push(Line::from(status_span(s, text, t)));
    doc.push(kv("Account", account_label(state, &v.account_id), t));
    doc.push(kv("Region", clean(&v.region), t));
    doc.push(kv("State", clean(&v.state), t));
    if let Some(g) = &v.customer_gateway_id {
        doc.push(kv("Customer gateway", clean(g), t));
    }
    if let Some(g) = &v.transit_gateway_id {
        let desc = state
            .estate
            .connectivity
            .transit_gateways
            .iter()
            .find(|x| &x.id == g)
            .and_then(|x| x.description.as_deref())
            .map(|d| format!(" ({})", clean(d)))
            .unwrap_or_default();
        doc.push(kv("Transit gateway", format!("{}{desc}", clean(g)), t));
    }
    if let Some(g) = &v.vpn_gateway_id {
        doc.push(kv("VPN gateway", clean(g), t));
    }
    for tu in &v.tunnels {
        if only.is_some_and(|ip| ip != tu.outside_ip) {
            continue;
        }
        doc.blank();
        let (s, text) = tunnel_status(tu);
        doc.push(Line::from(vec![
            Span::styled(format!("Tunnel {}  ", clean(&tu.outside_ip)), t.title),
            status_span(s, text, t),
        ]));
        let groups = |g: &[u32]| g.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        doc.push(kv("IKE versions", clean(&tu.ike_versions.join(", ")), t));
        doc.push(kv(
            "Phase 1",
            clean(&format!(
                "{} · {} · DH {}",
                tu.phase1_encryption.join(", "),
                tu.phase1_integrity.join(", "),
                groups(&tu.phase1_dh_groups)
            )),
            t,
        ));
        doc.push(kv(
            "Phase 2",
            clean(&format!(
                "{} · {} · DH {}",
                tu.phase2_encryption.join(", "),
                tu.phase2_integrity.join(", "),
                groups(&tu.phase2_dh_groups)
            )),
            t,
        ));
        if let Some(m) = &tu.status_message {
            doc.push(kv("Telemetry", clean(m), t));
        }
        let weak = tunnel_weakness(tu);
        if weak.is_empty() {
            doc.push(Line::from(vec![
                Span::raw("  "),
                status_span(
                    Status::Good,
                    "strong: IKEv2, SHA-2, DH group 14 or higher",
                    t,
                ),
            ]));
        } else {
            doc.push(Line::from(vec![
                Span::raw("  "),
                status_span(Status::Warn, format!("weak: {}", weak.join(", ")), t),
            ]));
            doc.para(
                "Offer only IKEv2, SHA2-256 or better and DH groups 14-24 on both tunnel options \
                 (ModifyVpnTunnelOptions), then remove the old proposals from the customer gateway.",
                w,
                "    ",
                "    ",
                t.muted,
            );
        }
    }
}

fn dx_doc(doc: &mut Doc, state: &State, t: &Theme, w: usize, d: &DxConnection) {
    doc.heading(
        format!("Direct Connect {} ({})", clean(&d.name), clean(&d.id)),
        t,
    );
    doc.blank();
    let (s, text) = dx_status(d);
    doc.push(Line::from(status_span(s, text, t)));
    doc.push(kv("Account", account_label(state, &d.account_id), t));
    doc.push(kv("Region", clean(&d.region), t));
    doc.push(kv("State", clean(&d.state), t));
    if let Some(l) = &d.location {
        doc.push(kv("Location", clean(l), t));
    }
    if let Some(b) = &d.bandwidth {
        doc.push(kv("Bandwidth", clean(b), t));
    }
    doc.push(kv(
        "MACsec capable",
        if d.macsec_capable { "yes" } else { "no" }.into(),
        t,
    ));
    doc.push(kv(
        "Encryption mode",
        clean(d.encryption_mode.as_deref().unwrap_or("(not set)")),
        t,
    ));
    doc.push(kv(
        "Port encryption",
        clean(
            d.port_encryption_status
                .as_deref()
                .unwrap_or("(not reported)"),
        ),
        t,
    ));
    let vifs: Vec<_> = state
        .estate
        .connectivity
        .dx_virtual_interfaces
        .iter()
        .filter(|v| v.connection_id.as_deref() == Some(d.id.as_str()))
        .collect();
    if !vifs.is_empty() {
        doc.blank();
        doc.heading("Virtual interfaces", t);
        for v in vifs {
            doc.push(Line::from(format!(
                "  {} {} · {} · VLAN {} · {}",
                clean(&v.id),
                clean(v.name.as_deref().unwrap_or("")),
                clean(&v.kind),
                v.vlan.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
                clean(v.gateway_id.as_deref().unwrap_or("no gateway"))
            )));
        }
    }
    if !d.macsec_enforced() {
        doc.blank();
        doc.para(
            "Frames on this link are not encrypted at layer 2. Data to Athena and S3 is protected \
             only where the client uses TLS, which S3 guarantees only for buckets that deny plain \
             HTTP. Fix: a MACsec-capable connection (10/100/400 Gbps dedicated) with a CKN/CAK \
             associated and encryption mode must_encrypt; or run a VPN over the Direct Connect link.",
            w,
            "",
            "",
            t.muted,
        );
    }
}
