//! The detail of one connectivity element: what the element is, the finding that
//! decides its glyph (a link to its evidence), and for a path every hop with its reason.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span, truncate};
use super::compliance::status as ui_status;
use super::connectivity::{
    Place, bucket_counts, dx_errors, dx_status, endpoint_status, endpoints, path_status, paths_of,
    tunnel_status, tunnel_weakness, vpn_status,
};
use super::{account_label, json_lines, kv};
use crate::compliance::paths::Path;
use crate::compliance::{Evaluation, Finding, ResourceKind};
use crate::model::{DxConnection, EndpointService, VpcEndpoint, VpnConnection};
use crate::policy::Verdict;
use crate::store::State;

/// One element's detail.
#[derive(Clone, Debug)]
pub struct ElementView {
    pub element: Element,
    pub nav: ListNav,
}

impl ElementView {
    pub fn new(element: Element) -> ElementView {
        ElementView {
            element,
            nav: ListNav::default(),
        }
    }
}

impl Page for ElementView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        self.element.crumb()
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        let d = element_doc(cx.state, cx.eval(), cx.theme(), cx.width(), &self.element);
        Some(Arc::new(d))
    }

    fn subject(&self) -> Option<Link> {
        Some(Link::Element(self.element.clone()))
    }

    fn copy_text(&self, _cx: Cx) -> Option<String> {
        Some(self.element.id())
    }
}

/// The detail of one element.
pub fn element_doc(
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    element: &Element,
) -> Doc {
    let mut doc = Doc::default();
    let c = &state.estate.connectivity;
    let d = &mut doc;
    let vpn = |id: &str| c.vpn_connections.iter().find(|v| v.id == id);
    match element {
        Element::OnPrem(p) => onprem_doc(d, state, eval, t, w, p),
        Element::Vpn(id) => match vpn(id) {
            Some(v) => vpn_doc(d, state, eval, t, w, v, None),
            None => gone(d, t, element),
        },
        Element::Tunnel { vpn: id, ip } => match vpn(id) {
            Some(v) => vpn_doc(d, state, eval, t, w, v, Some(ip)),
            None => gone(d, t, element),
        },
        Element::Dx(id) => match c.dx_connections.iter().find(|x| x.id == *id) {
            Some(x) => dx_doc(d, state, eval, t, w, x),
            None => gone(d, t, element),
        },
        Element::DxErrors(p) => dx_error_doc(d, state, eval, t, w, p),
        Element::Account(id) => super::accounts::element_doc(d, state, eval, t, id),
        Element::Internet(p) => internet_doc(d, state, eval, t, w, p),
        Element::Vpcs(p) => vpcs_doc(d, state, t, p),
        Element::Vpc(id) => vpc_doc(d, state, t, id),
        Element::AthenaEndpoints(p) => {
            endpoint_doc(d, state, eval, t, w, p, EndpointService::Athena)
        }
        Element::S3Endpoints(p) => endpoint_doc(d, state, eval, t, w, p, EndpointService::S3),
        Element::Athena(p) => athena_doc(d, state, eval, t, p),
        Element::Buckets(p) => buckets_doc(d, state, t, p),
        Element::Paths(p) => paths_doc(d, state, eval, t, p),
        Element::Path(id) => match eval.and_then(|e| e.paths.iter().find(|p| p.id == *id)) {
            Some(p) => path_doc(d, state, t, w, p),
            None => gone(d, t, element),
        },
    }
    doc
}

fn paths_doc(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, t: &Theme, place: &Place) {
    place_heading(doc, state, t, "Paths to Athena", place);
    doc.blank();
    for p in paths_of(eval, place) {
        let (s, text) = path_status(p);
        doc.link(
            Line::from(vec![
                Span::raw(format!("  via {:<34} ", truncate(&clean(&p.name), 34))),
                status_span(s, text, t),
            ]),
            Link::Element(Element::Path(p.id.clone())),
        );
    }
}

/// The finding that decides an element's glyph, as a line that opens it.
fn finding_line(doc: &mut Doc, t: &Theme, w: usize, f: &Finding) {
    doc.link(
        Line::from(vec![
            Span::raw("  "),
            status_span(
                ui_status(f.status),
                format!("{} {}", f.status.label(), f.check),
                t,
            ),
            Span::styled("  ▶ evidence", t.key),
        ]),
        Link::Finding(f.id.to_string()),
    );
    doc.para(&clean(&f.message()), w, "    ", "    ", t.muted);
}

fn findings_of(
    doc: &mut Doc,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    kind: ResourceKind,
    id: &str,
) {
    let Some(e) = eval else {
        doc.push(Line::from(Span::styled("  (evaluating…)", t.muted)));
        return;
    };
    for f in e.resource_findings(kind, id) {
        finding_line(doc, t, w, f);
    }
}

fn onprem_doc(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    p: &Place,
) {
    let c = &state.estate.connectivity;
    place_heading(doc, state, t, "On-premises → AWS", p);
    doc.blank();
    doc.para(
        "Traffic from the data centres reaches AWS over a Site-to-Site VPN (IPsec), Direct \
         Connect (private, encrypted only with MACsec) or the internet (protected only by TLS, \
         when the client uses it). Athena and S3 are reached through VPC endpoints when private \
         DNS points clients at them; otherwise through the public endpoints.",
        w,
        "",
        "",
        t.base,
    );
    doc.blank();
    for v in c
        .vpn_connections
        .iter()
        .filter(|v| v.region == p.region && v.account_id == p.account)
    {
        let (s, text) = vpn_status(eval, v);
        doc.link(
            Line::from(vec![
                Span::raw("  VPN "),
                Span::raw(clean(v.name.as_deref().unwrap_or(&v.id))),
                Span::raw("  "),
                status_span(s, text, t),
            ]),
            Link::Element(Element::Vpn(v.id.clone())),
        );
    }
    for d in c
        .dx_connections
        .iter()
        .filter(|d| d.region == p.region && d.account_id == p.account)
    {
        let (s, text) = dx_status(eval, d);
        doc.link(
            Line::from(vec![
                Span::raw("  Direct Connect "),
                Span::raw(clean(&d.name)),
                Span::raw("  "),
                status_span(s, text, t),
            ]),
            Link::Element(Element::Dx(d.id.clone())),
        );
    }
    if !paths_of(eval, p).is_empty() {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled("▶ ", t.key),
                Span::raw("every path from on-premises to Athena here"),
            ]),
            Link::Element(Element::Paths(p.clone())),
        );
    }
}

fn dx_error_doc(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    p: &Place,
) {
    place_heading(doc, state, t, "Direct Connect", p);
    doc.blank();
    doc.push(Line::from(status_span(
        Status::Unknown,
        "could not be read: whether a link exists, and whether it is encrypted, is unknown",
        t,
    )));
    doc.blank();
    findings_of(doc, eval, t, w, ResourceKind::AccountRegion, &p.key());
    for (i, e) in state.estate.errors.iter().enumerate() {
        if dx_errors(state, p).iter().any(|x| std::ptr::eq(*x, e)) {
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

fn internet_doc(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    p: &Place,
) {
    let (yes, all) = bucket_counts(state, p);
    place_heading(doc, state, t, "Internet path", p);
    doc.blank();
    let internet = paths_of(eval, p)
        .into_iter()
        .find(|x| x.via == crate::compliance::paths::Via::Internet);
    match internet {
        Some(path) => {
            let hop = &path.hops[0];
            doc.push(Line::from(status_span(
                ui_status(hop.verdict),
                hop.verdict.label(),
                t,
            )));
            doc.para(&clean(&hop.reason), w, "  ", "  ", t.base);
            doc.link(
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled("▶ ", t.key),
                    Span::raw("the whole path, hop by hop"),
                ]),
                Link::Element(Element::Path(path.id.clone())),
            );
        }
        None => doc.para(
            "Clients without a private path reach the public Athena and S3 endpoints over the \
             internet: only TLS protects that traffic, and S3 refuses plain HTTP only where the \
             bucket policy (or a resource control policy) denies it.",
            w,
            "",
            "",
            t.base,
        ),
    }
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
            Span::raw(format!(
                "buckets in {} that accept plain HTTP",
                clean(&p.region)
            )),
        ]),
        Link::Buckets(format!("{} accepts-http", p.region)),
    );
}

fn vpcs_doc(doc: &mut Doc, state: &State, t: &Theme, p: &Place) {
    place_heading(doc, state, t, "VPCs with endpoints", p);
    doc.blank();
    let mut vpcs: Vec<&str> = state
        .estate
        .connectivity
        .vpc_endpoints
        .iter()
        .filter(|e| e.region == p.region && e.account_id == p.account)
        .map(|e| e.vpc_id.as_str())
        .collect();
    vpcs.sort_unstable();
    vpcs.dedup();
    if vpcs.is_empty() {
        doc.push(Line::from(Span::styled(
            "  none: clients reach Athena and S3 through their public endpoints",
            t.muted,
        )));
    }
    for v in vpcs {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled("▶ ", t.key),
                Span::raw(format!("VPC {}", clean(v))),
            ]),
            Link::Element(Element::Vpc(v.to_string())),
        );
    }
}

fn vpc_doc(doc: &mut Doc, state: &State, t: &Theme, vpc: &str) {
    let c = &state.estate.connectivity;
    doc.heading(format!("VPC {}", clean(vpc)), t);
    doc.blank();
    let eps: Vec<&VpcEndpoint> = c.vpc_endpoints.iter().filter(|e| e.vpc_id == vpc).collect();
    if let Some(e) = eps.first() {
        doc.push(kv("Account", account_label(state, &e.account_id), t));
        doc.push(kv("Region", clean(&e.region), t));
    }
    for g in c
        .vpn_gateways
        .iter()
        .filter(|g| g.attached_vpcs.iter().any(|v| v == vpc))
    {
        doc.push(kv("VPN gateway", clean(&g.id), t));
    }
    doc.blank();
    doc.heading("Endpoints", t);
    if eps.is_empty() {
        doc.push(Line::from(Span::styled("  none", t.muted)));
    }
    for e in eps {
        let dns = if e.endpoint_type.eq_ignore_ascii_case("Interface") {
            format!(" · private DNS {}", on_off(e.private_dns_enabled))
        } else {
            String::new()
        };
        doc.push(Line::from(vec![Span::raw(clean(&format!(
            "  {:<8} {:<24} {} · {}{dns}",
            e.service.map(|s| s.as_str()).unwrap_or("other"),
            e.id,
            e.endpoint_type,
            e.state
        )))]));
    }
}

fn endpoint_doc(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    p: &Place,
    service: EndpointService,
) {
    let noun = if service == EndpointService::Athena {
        "Athena"
    } else {
        "S3"
    };
    place_heading(doc, state, t, &format!("{noun} endpoints"), p);
    doc.blank();
    let (s, text) = endpoint_status(state, eval, p, service);
    doc.push(Line::from(status_span(s, text, t)));
    let check = if service == EndpointService::Athena {
        "vpc.athena_endpoint"
    } else {
        "vpc.s3_endpoint"
    };
    match eval.and_then(|e| e.resource_finding(check, ResourceKind::AccountRegion, &p.key())) {
        Some(f) => finding_line(doc, t, w, f),
        None => doc.para(
            "No enabled Athena workgroup here: the endpoint checks judge only account regions \
             where Athena runs.",
            w,
            "  ",
            "  ",
            t.muted,
        ),
    }
    for e in endpoints(state, p, service) {
        doc.blank();
        doc.push(kv("Endpoint", clean(&e.id), t));
        doc.push(kv("Service", clean(&e.service_name), t));
        doc.push(kv("Type", clean(&e.endpoint_type), t));
        doc.push(kv("VPC", clean(&e.vpc_id), t));
        doc.push(kv(
            "Private DNS",
            on_off(e.private_dns_enabled).to_string(),
            t,
        ));
        doc.push(kv("State", clean(&e.state), t));
        match &e.policy {
            Some(pol) => {
                doc.push(Line::from(Span::styled("  Endpoint policy", t.muted)));
                for l in json_lines(pol, t, &[], w) {
                    doc.push(l);
                }
            }
            None => doc.push(kv("Endpoint policy", "none (full access)".into(), t)),
        }
    }
}

fn athena_doc(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, t: &Theme, p: &Place) {
    place_heading(doc, state, t, "Athena", p);
    doc.blank();
    for wg in state
        .estate
        .workgroups
        .iter()
        .filter(|w| w.region == p.region && w.account_id == p.account)
    {
        let key = wg.estate_key();
        let s = super::connectivity::judged(eval, ResourceKind::AthenaWorkgroup, &key);
        doc.link(
            Line::from(vec![
                Span::raw(format!("  {:<26} ", truncate(&clean(&wg.name), 26))),
                status_span(
                    s,
                    clean(wg.output_bucket.as_deref().unwrap_or("no result location")),
                    t,
                ),
            ]),
            Link::Workgroup(key),
        );
    }
}

fn buckets_doc(doc: &mut Doc, state: &State, t: &Theme, p: &Place) {
    let (yes, all) = bucket_counts(state, p);
    place_heading(doc, state, t, "S3 buckets", p);
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
            .filter(|b| b.region == p.region && b.account_id == p.account && b.tls.verdict() == v)
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
            Link::Buckets(format!(
                "{} {} {}",
                p.account,
                p.region,
                super::buckets::verdict_token(v)
            )),
        );
    }
}

fn path_doc(doc: &mut Doc, state: &State, t: &Theme, w: usize, p: &Path) {
    doc.heading(format!("On-premises → Athena via {}", clean(&p.name)), t);
    doc.blank();
    doc.push(kv("Account", account_label(state, &p.account_id), t));
    doc.push(kv("Region", clean(&p.region), t));
    let (s, text) = path_status(p);
    doc.push(Line::from(vec![
        Span::styled(format!("  {:<20} ", "Verdict"), t.muted),
        status_span(s, format!("{} · {text}", p.verdict.label()), t),
    ]));
    doc.blank();
    doc.heading("Hops (the path is as strong as its weakest)", t);
    for (i, h) in p.hops.iter().enumerate() {
        let marker = if p.weakest == Some(i) { "▶" } else { " " };
        let line = Line::from(vec![
            Span::styled(format!(" {marker}"), t.key),
            status_span(ui_status(h.verdict), format!("{:<16}", h.kind.noun()), t),
            Span::raw(truncate(&clean(&h.id), w.saturating_sub(24)).into_owned()),
        ]);
        match &h.finding {
            Some(f) => doc.link(line, Link::Finding(f.clone())),
            None => doc.push(line),
        }
        doc.para(&clean(&h.reason), w, "      ", "      ", t.muted);
    }
}

/// `What in region · account (name)`.
fn place_heading(doc: &mut Doc, state: &State, t: &Theme, what: &str, p: &Place) {
    doc.heading(
        format!(
            "{what} in {} · {}",
            clean(&p.region),
            account_label(state, &p.account)
        ),
        t,
    );
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn gone(doc: &mut Doc, t: &Theme, element: &Element) {
    doc.push(Line::from(Span::styled(
        format!("{} is not in the current scan", clean(&element.id())),
        t.muted,
    )));
}

fn vpn_doc(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    v: &VpnConnection,
    only: Option<&str>,
) {
    let name = v.name.as_deref().unwrap_or(&v.id);
    doc.heading(format!("VPN {} ({})", clean(name), clean(&v.id)), t);
    doc.blank();
    let (s, text) = vpn_status(eval, v);
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
        let (s, text) = tunnel_status(eval, v, tu);
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
        findings_of(
            doc,
            eval,
            t,
            w,
            ResourceKind::VpnTunnel,
            &format!("{}/{}", v.id, tu.outside_ip),
        );
        if !tunnel_weakness(tu).is_empty() {
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

fn dx_doc(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    w: usize,
    d: &DxConnection,
) {
    doc.heading(
        format!("Direct Connect {} ({})", clean(&d.name), clean(&d.id)),
        t,
    );
    doc.blank();
    let (s, text) = dx_status(eval, d);
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
    doc.blank();
    findings_of(doc, eval, t, w, ResourceKind::DxConnection, &d.id);
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
