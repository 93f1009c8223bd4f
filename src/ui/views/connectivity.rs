//! Connectivity: per account and region, the path from the data centres to the buckets, drawn
//! with box-drawing characters. On-premises → VPN (each tunnel) / Direct Connect (MACsec) /
//! internet (TLS) → Athena and S3 endpoints → Athena → buckets, then the end-to-end paths
//! with their weakest hop. Every element is a line the cursor can select; its detail is beside
//! the diagram on wide terminals, and a keypress away on narrow ones.
//!
//! Every glyph here is read from the compliance evaluation (the findings the reports carry)
//! or from a path derived from them: this view describes, it never judges.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, draw_doc, status_span, truncate, width};
use super::account_label;
use super::compliance::status as ui_status;
use crate::compliance::paths::{Path, Via};
use crate::compliance::{Evaluation, ResourceKind};
use crate::model::{DxConnection, EndpointService, VpcEndpoint, VpnConnection, VpnTunnel};
use crate::policy::Verdict;
use crate::store::State;

pub use super::connectivity_detail::element_doc;

/// One box of the diagram: an account in a region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub account: String,
    pub region: String,
}

impl Place {
    /// `account/region`, the id the checks give an account region.
    pub fn key(&self) -> String {
        format!("{}/{}", self.account, self.region)
    }

    pub fn parse(key: &str) -> Place {
        let (account, region) = key.split_once('/').unwrap_or(("", key));
        Place {
            account: account.to_string(),
            region: region.to_string(),
        }
    }
}

/// Boxes to draw: every account and region that has a workgroup, a bucket, a network resource
/// or a finding about it; in the scan's region order, then by account.
pub fn places(state: &State, eval: Option<&Evaluation>) -> Vec<Place> {
    let e = &state.estate;
    let c = &e.connectivity;
    let mut all: Vec<(&str, &str)> = Vec::new();
    all.extend(
        c.vpc_endpoints
            .iter()
            .map(|x| (x.account_id.as_str(), x.region.as_str())),
    );
    all.extend(
        c.vpn_connections
            .iter()
            .map(|x| (x.account_id.as_str(), x.region.as_str())),
    );
    all.extend(
        c.dx_connections
            .iter()
            .map(|x| (x.account_id.as_str(), x.region.as_str())),
    );
    all.extend(
        e.workgroups
            .iter()
            .map(|x| (x.account_id.as_str(), x.region.as_str())),
    );
    all.extend(
        e.buckets
            .iter()
            .map(|x| (x.account_id.as_str(), x.region.as_str())),
    );
    all.extend(
        e.errors
            .iter()
            .filter_map(|x| Some((x.account_id.as_deref()?, x.region.as_deref()?))),
    );
    // Findings about an account region (endpoints, listing failures): buckets, workgroups and
    // links are already in through the estate.
    if let Some(ev) = eval {
        all.extend(
            ev.checks
                .iter()
                .flat_map(|c| &c.findings)
                .filter(|f| f.resource.kind == ResourceKind::AccountRegion)
                .filter_map(|f| Some((&*f.resource.account_id, f.resource.region.as_deref()?))),
        );
    }
    // Distinct first: an estate has many buckets and few account regions, so a short list
    // scanned in place beats hashing or ordering every bucket's pair.
    // An account the scan never entered has no place of its own: nothing in it is known
    // (it is listed under the diagram instead).
    let refused: Vec<&str> = e
        .accounts
        .iter()
        .filter(|a| !a.entered_by_scan())
        .map(|a| a.id.as_str())
        .collect();
    let mut distinct: Vec<(&str, &str)> = Vec::new();
    for pair in all {
        if !distinct.contains(&pair) && !refused.contains(&pair.0) {
            distinct.push(pair);
        }
    }
    let mut out: Vec<Place> = distinct
        .into_iter()
        .map(|(a, r)| Place {
            account: a.to_string(),
            region: r.to_string(),
        })
        .collect();
    let order = &state.meta.regions;
    let rank = |r: &str| order.iter().position(|x| x == r).unwrap_or(order.len());
    out.sort_by(|a, b| {
        (rank(&a.region), &a.region, &a.account).cmp(&(rank(&b.region), &b.region, &b.account))
    });
    out
}

/// The glyph of a resource: the worst of its findings; `Info` before the evaluation exists.
pub fn judged(eval: Option<&Evaluation>, kind: ResourceKind, id: &str) -> Status {
    eval.and_then(|e| e.resource_status(kind, id))
        .map(ui_status)
        .unwrap_or(Status::Info)
}

/// The glyph of one check's finding about a resource.
pub fn judged_by(eval: Option<&Evaluation>, check: &str, kind: ResourceKind, id: &str) -> Status {
    eval.and_then(|e| e.resource_finding(check, kind, id))
        .map(|f| ui_status(f.status))
        .unwrap_or(Status::Info)
}

pub fn tunnel_key(v: &VpnConnection, t: &VpnTunnel) -> String {
    crate::compliance::paths::tunnel_id(v, t)
}

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

/// A tunnel: its `vpn.tunnels` finding, and what it is in words.
pub fn tunnel_status(
    eval: Option<&Evaluation>,
    v: &VpnConnection,
    t: &VpnTunnel,
) -> (Status, String) {
    let s = judged(eval, ResourceKind::VpnTunnel, &tunnel_key(v, t));
    let weak = tunnel_weakness(t);
    let mut text = if t.is_up() {
        "UP".to_string()
    } else {
        clean(&t.status)
    };
    if let Some(m) = t
        .status_message
        .as_deref()
        .filter(|m| !m.is_empty() && !t.is_up())
    {
        text.push_str(&format!(" · {}", clean(m)));
    }
    if weak.is_empty() {
        if t.is_up() {
            text.push_str(&format!(" · {}", algorithms(t)));
        }
    } else {
        text.push_str(&format!(" · weak: {}", weak.join(" ")));
    }
    (s, text)
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

/// A VPN connection: the worst of its tunnels' findings.
pub fn vpn_status(eval: Option<&Evaluation>, v: &VpnConnection) -> (Status, String) {
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
    let worst = eval
        .and_then(|e| crate::compliance::paths::worst_tunnel_finding(e, v))
        .map(|f| ui_status(f.status));
    (worst.unwrap_or(Status::Info), text)
}

/// Worst first, for picking the worst glyph of several.
fn rank(s: Status) -> u8 {
    match s {
        Status::Bad => 0,
        Status::Unknown => 1,
        Status::Warn => 2,
        Status::Good => 3,
        Status::Info => 4,
    }
}

/// A Direct Connect link: its `dx.link_encryption` finding, and its MACsec state in words.
pub fn dx_status(eval: Option<&Evaluation>, d: &DxConnection) -> (Status, String) {
    let s = judged(eval, ResourceKind::DxConnection, &d.id);
    let up = d
        .port_encryption_status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("Encryption Up"));
    let text = match d.encryption_mode.as_deref() {
        Some("must_encrypt") if up => "MACsec enforced (must_encrypt)",
        Some("must_encrypt") => "MACsec required, port reports encryption down",
        Some("should_encrypt") => "MACsec preferred, not required",
        _ if d.macsec_capable => "NOT encrypted (MACsec capable, off)",
        _ => "NOT encrypted (no MACsec)",
    };
    (s, text.to_string())
}

/// Estate-level Direct Connect read failures in one account and region.
pub fn dx_errors<'a>(state: &'a State, p: &Place) -> Vec<&'a crate::model::FetchError> {
    state
        .estate
        .errors
        .iter()
        .filter(|e| {
            e.operation.starts_with("directconnect:")
                && e.region.as_deref() == Some(p.region.as_str())
                && e.account_id.as_deref() == Some(p.account.as_str())
        })
        .collect()
}

/// Endpoints of one service in one account and region.
pub fn endpoints<'a>(
    state: &'a State,
    p: &Place,
    service: EndpointService,
) -> Vec<&'a VpcEndpoint> {
    let mut out: Vec<&VpcEndpoint> = state
        .estate
        .connectivity
        .vpc_endpoints
        .iter()
        .filter(|e| e.account_id == p.account && e.region == p.region && e.service == Some(service))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The Athena or S3 endpoint line: the `vpc.*_endpoint` finding for the account region, and
/// what exists in words.
pub fn endpoint_status(
    state: &State,
    eval: Option<&Evaluation>,
    p: &Place,
    service: EndpointService,
) -> (Status, String) {
    let check = match service {
        EndpointService::Athena => "vpc.athena_endpoint",
        _ => "vpc.s3_endpoint",
    };
    let s = judged_by(eval, check, ResourceKind::AccountRegion, &p.key());
    let eps = endpoints(state, p, service);
    let text = if eps.is_empty() {
        "none: clients use the public endpoint".to_string()
    } else {
        let kinds: Vec<String> = eps
            .iter()
            .map(|e| {
                let dns = if e.endpoint_type.eq_ignore_ascii_case("Interface") {
                    if e.private_dns_enabled {
                        ", private DNS on"
                    } else {
                        ", private DNS off"
                    }
                } else {
                    ""
                };
                format!("{}{dns}", e.endpoint_type.to_lowercase())
            })
            .collect();
        clean(&kinds.join(" + "))
    };
    (s, text)
}

/// Buckets of an account in a region: (denying plain HTTP, total).
pub fn bucket_counts(state: &State, p: &Place) -> (usize, usize) {
    let mut yes = 0;
    let mut all = 0;
    for b in state
        .estate
        .buckets
        .iter()
        .filter(|b| b.region == p.region && b.account_id == p.account)
    {
        all += 1;
        if b.tls.verdict() == Verdict::Enforced {
            yes += 1;
        }
    }
    (yes, all)
}

/// Per account region: buckets denying plain HTTP, buckets, and the worst `s3.deny_http`
/// finding. One pass over the buckets and one over the check's findings for the whole diagram,
/// not one per box: a frame stays cheap at 100,000 buckets.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    yes: usize,
    all: usize,
    worst: Option<crate::compliance::Status>,
}

/// One [`Tally`] per place, in the same order.
fn tally_buckets(state: &State, eval: Option<&Evaluation>, places: &[Place]) -> Vec<Tally> {
    let at = |account: &str, region: &str| {
        places
            .iter()
            .position(|p| p.region == region && p.account == account)
    };
    let mut out = vec![Tally::default(); places.len()];
    for b in &state.estate.buckets {
        if let Some(i) = at(&b.account_id, &b.region) {
            out[i].all += 1;
            if b.tls.verdict() == Verdict::Enforced {
                out[i].yes += 1;
            }
        }
    }
    let findings = eval
        .and_then(|e| e.check("s3.deny_http"))
        .map(|c| c.findings.as_slice())
        .unwrap_or_default();
    for f in findings {
        let region = f.resource.region.as_deref().unwrap_or_default();
        if let Some(i) = at(&f.resource.account_id, region) {
            let t = &mut out[i];
            t.worst = Some(t.worst.map_or(f.status, |w| w.min(f.status)));
        }
    }
    out
}

/// The buckets line: the worst `s3.deny_http` finding of the account region's buckets.
fn buckets_status(t: Tally) -> (Status, String) {
    if t.all == 0 {
        return (Status::Info, "none".into());
    }
    let worst = t.worst.map(ui_status).unwrap_or(Status::Info);
    (worst, format!("{} of {} deny plain HTTP", t.yes, t.all))
}

/// The Athena line: the worst result-bucket finding of the account region's workgroups.
fn athena_status(state: &State, eval: Option<&Evaluation>, p: &Place) -> (Status, String) {
    let wgs: Vec<_> = state
        .estate
        .workgroups
        .iter()
        .filter(|w| w.region == p.region && w.account_id == p.account)
        .collect();
    if wgs.is_empty() {
        return (Status::Info, "no workgroups".into());
    }
    let mut worst = Status::Info;
    let mut open = 0;
    for w in &wgs {
        let id = format!("{}/{}/{}", w.account_id, w.region, w.name);
        let s = judged_by(
            eval,
            "athena.result_bucket_https",
            ResourceKind::AthenaWorkgroup,
            &id,
        );
        if matches!(s, Status::Bad | Status::Warn) {
            open += 1;
        }
        if rank(s) < rank(worst) {
            worst = s;
        }
    }
    let text = if open == 0 {
        "no result bucket accepts plain HTTP".to_string()
    } else {
        format!(
            "{open} of {} write results to a bucket accepting HTTP",
            wgs.len()
        )
    };
    (worst, text)
}

/// The paths of one account region.
pub fn paths_of<'a>(eval: Option<&'a Evaluation>, p: &Place) -> Vec<&'a Path> {
    eval.map(|e| {
        e.paths
            .iter()
            .filter(|x| x.account_id == p.account && x.region == p.region)
            .collect()
    })
    .unwrap_or_default()
}

/// A path in a line: its verdict and weakest hop.
pub fn path_status(path: &Path) -> (Status, String) {
    let text = match path.weakest_hop() {
        None => "fully encrypted".to_string(),
        Some(h) => format!("weakest: {}", hop_label(h)),
    };
    (ui_status(path.verdict), text)
}

/// A hop in a few words: `VPN vpn-0a7c…`, `the public internet (TLS only)`, `no S3 endpoint`.
pub fn hop_label(h: &crate::compliance::paths::Hop) -> String {
    use crate::compliance::paths::HopKind;
    match h.kind {
        HopKind::Internet => "the public internet (TLS only)".to_string(),
        HopKind::AthenaEndpoint | HopKind::S3Endpoint if h.id.contains('/') => {
            format!("no {}", h.kind.noun())
        }
        _ => clean(&format!("{} {}", h.kind.noun(), h.id)),
    }
}

/// A diagram line's pieces: label, status, target.
type Item = (String, Option<(Status, String)>, Link);

/// One diagram line: tree prefix and label on the left, status on the right.
fn element(doc: &mut Doc, t: &Theme, w: usize, prefix: &str, item: Item) {
    let (label, status, link) = item;
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
    doc.link(Line::from(spans), link);
}

fn rule(doc: &mut Doc, t: &Theme, text: &str) {
    doc.push(Line::from(vec![
        Span::styled("│ ", t.border),
        Span::styled(text.to_string(), t.border),
    ]));
}

/// Items under a parent line, drawn as a tree.
fn tree(doc: &mut Doc, t: &Theme, w: usize, items: Vec<(Item, Vec<Item>)>) {
    let n = items.len();
    for (i, (item, children)) in items.into_iter().enumerate() {
        let last = i + 1 == n;
        element(doc, t, w, if last { "└─▶ " } else { "├─▶ " }, item);
        let m = children.len();
        for (j, child) in children.into_iter().enumerate() {
            let branch = if j + 1 == m {
                "└── "
            } else {
                "├── "
            };
            let prefix = format!("{}   {branch}", if last { " " } else { "│" });
            element(doc, t, w, &prefix, child);
        }
    }
}

/// The links from the data centres that this account has in this region.
fn uplinks(state: &State, eval: Option<&Evaluation>, p: &Place) -> Vec<(Item, Vec<Item>)> {
    let c = &state.estate.connectivity;
    let mut links = Vec::new();
    for v in c
        .vpn_connections
        .iter()
        .filter(|v| v.region == p.region && v.account_id == p.account)
    {
        let tunnels = v
            .tunnels
            .iter()
            .map(|tu| {
                (
                    format!("tunnel {}", clean(&tu.outside_ip)),
                    Some(tunnel_status(eval, v, tu)),
                    Link::Element(Element::Tunnel {
                        vpn: v.id.clone(),
                        ip: tu.outside_ip.clone(),
                    }),
                )
            })
            .collect();
        let name = v.name.as_deref().unwrap_or(&v.id);
        links.push((
            (
                format!("VPN {}", clean(name)),
                Some(vpn_status(eval, v)),
                Link::Element(Element::Vpn(v.id.clone())),
            ),
            tunnels,
        ));
    }
    let dxs: Vec<&DxConnection> = c
        .dx_connections
        .iter()
        .filter(|d| d.region == p.region && d.account_id == p.account)
        .collect();
    for d in &dxs {
        links.push((
            (
                format!("Direct Connect {}", clean(&d.name)),
                Some(dx_status(eval, d)),
                Link::Element(Element::Dx(d.id.clone())),
            ),
            Vec::new(),
        ));
    }
    let dx_err = dx_errors(state, p);
    if dxs.is_empty() && !dx_err.is_empty() {
        let s = judged_by(
            eval,
            "dx.link_encryption",
            ResourceKind::AccountRegion,
            &p.key(),
        );
        links.push((
            (
                "Direct Connect".into(),
                Some((s, format!("could not be read ({})", clean(&dx_err[0].code)))),
                Link::Element(Element::DxErrors(p.clone())),
            ),
            Vec::new(),
        ));
    }
    let internet = paths_of(eval, p)
        .into_iter()
        .find(|x| x.via == Via::Internet)
        .map(|x| {
            (
                ui_status(x.hops[0].verdict),
                "TLS only: no link encryption".to_string(),
            )
        })
        .unwrap_or((
            Status::Info,
            "TLS only if the client uses HTTPS".to_string(),
        ));
    links.push((
        (
            "Internet to public AWS endpoints".into(),
            Some(internet),
            Link::Element(Element::Internet(p.clone())),
        ),
        Vec::new(),
    ));
    links
}

/// The box's closing lines: every path from on-premises to Athena here, weakest hop named.
fn path_lines(doc: &mut Doc, t: &Theme, w: usize, eval: Option<&Evaluation>, p: &Place) {
    let paths = paths_of(eval, p);
    if paths.is_empty() {
        return;
    }
    let good = paths.iter().filter(|x| x.encrypted()).count();
    rule(doc, t, "");
    element(
        doc,
        t,
        w,
        "",
        (
            format!(
                "Paths from on-premises to Athena: {good} of {} fully encrypted",
                paths.len()
            ),
            None,
            Link::Element(Element::Paths(p.clone())),
        ),
    );
    let items = paths
        .into_iter()
        .map(|x| {
            (
                (
                    format!("via {}", clean(&x.name)),
                    Some(path_status(x)),
                    Link::Element(Element::Path(x.id.clone())),
                ),
                Vec::new(),
            )
        })
        .collect();
    tree(doc, t, w, items);
}

/// One account region's box.
fn place_box(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    tally: Tally,
    t: &Theme,
    w: usize,
    p: &Place,
) {
    let title = format!(
        "{} · {}",
        clean(&p.region),
        account_label(state, &p.account)
    );
    let fill = w.saturating_sub(width(&title) + 4);
    doc.push(Line::from(vec![
        Span::styled("╭─ ", t.border),
        Span::styled(title, t.title),
        Span::styled(format!(" {}", "─".repeat(fill)), t.border),
    ]));
    element(
        doc,
        t,
        w,
        "",
        (
            "On-premises data centres".into(),
            None,
            Link::Element(Element::OnPrem(p.clone())),
        ),
    );
    tree(doc, t, w, uplinks(state, eval, p));
    rule(doc, t, "      ▼");
    let endpoints = [
        (
            EndpointService::Athena,
            "Athena endpoint",
            Element::AthenaEndpoints as fn(Place) -> Element,
        ),
        (EndpointService::S3, "S3 endpoint", Element::S3Endpoints),
    ]
    .into_iter()
    .map(|(service, noun, kind)| {
        (
            (
                endpoint_label(state, p, service, noun),
                Some(endpoint_status(state, eval, p, service)),
                Link::Element(kind(p.clone())),
            ),
            Vec::new(),
        )
    })
    .collect();
    element(
        doc,
        t,
        w,
        "",
        (
            "VPC endpoints".into(),
            None,
            Link::Element(Element::Vpcs(p.clone())),
        ),
    );
    tree(doc, t, w, endpoints);
    rule(doc, t, "      ▼");
    let wgs = state
        .estate
        .workgroups
        .iter()
        .filter(|x| x.region == p.region && x.account_id == p.account)
        .count();
    element(
        doc,
        t,
        w,
        "",
        (
            format!(
                "Athena · {wgs} workgroup{}",
                if wgs == 1 { "" } else { "s" }
            ),
            Some(athena_status(state, eval, p)),
            Link::Element(Element::Athena(p.clone())),
        ),
    );
    element(
        doc,
        t,
        w,
        "└─▶ ",
        (
            format!("S3 buckets in {}", clean(&p.region)),
            Some(buckets_status(tally)),
            Link::Element(Element::Buckets(p.clone())),
        ),
    );
    path_lines(doc, t, w, eval, p);
    doc.push(Line::from(Span::styled(
        format!("╰{}", "─".repeat(w.saturating_sub(1))),
        t.border,
    )));
}

/// The whole diagram as a document whose element lines link to their detail.
pub fn diagram(state: &State, eval: Option<&Evaluation>, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    let places = places(state, eval);
    let tallies = tally_buckets(state, eval, &places);
    if places.is_empty() {
        doc.push(Line::from(Span::styled(
            "  waiting for the scan to report regions…",
            t.muted,
        )));
        return doc;
    }
    for (i, p) in places.iter().enumerate() {
        if i > 0 {
            doc.blank();
        }
        place_box(&mut doc, state, eval, tallies[i], t, w, p);
    }
    super::unscanned::diagram_lines(&mut doc, state, t, w);
    doc
}

fn endpoint_label(state: &State, p: &Place, service: EndpointService, noun: &str) -> String {
    let eps = endpoints(state, p, service);
    match eps.as_slice() {
        [] => noun.to_string(),
        [one] => format!("{noun} {}", clean(&one.id)),
        [first, rest @ ..] => format!("{noun}s {} +{}", clean(&first.id), rest.len()),
    }
}

/// The connectivity diagram: its cursor stops on elements, on the first until moved.
#[derive(Clone, Debug, Default)]
pub struct DiagramView {
    pub nav: ListNav,
    pub placed: bool,
}

impl DiagramView {
    /// The diagram with the cursor on `at`'s line.
    pub fn at(at: usize) -> DiagramView {
        DiagramView {
            nav: ListNav::at(at),
            placed: true,
        }
    }
}

impl Page for DiagramView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Connectivity".into()
    }

    /// The diagram at the width it is drawn at, so the cursor's line is the line drawn.
    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        Some(diagram_doc(cx, diagram_width(cx.width() as u16)))
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: Cx) {
        draw(frame, area, cx, self)
    }

    fn links_only(&self) -> Option<bool> {
        Some(self.placed)
    }

    fn placed(&mut self) {
        self.placed = true;
    }
}

/// Wide terminals show the selected element's detail beside the diagram.
const SIDE_BY_SIDE: u16 = 120;

/// The diagram's width in a body `w` cells wide.
fn diagram_width(w: u16) -> usize {
    let left = if w >= SIDE_BY_SIDE { w * 11 / 20 } else { w };
    usize::from(left.saturating_sub(1))
}

/// The diagram at `w`, built once per store version, evaluation and theme.
pub fn diagram_doc(cx: Cx, w: usize) -> Arc<Doc> {
    cx.app.cached_doc("diagram", w, cx.state, || {
        diagram(cx.state, cx.eval(), cx.theme(), w)
    })
}

/// The diagram's line with the link to `element` (the first line when it has none).
pub fn line_of(cx: Cx, element: &Element) -> usize {
    let doc = diagram_doc(cx, diagram_width(cx.width() as u16));
    doc.lines
        .iter()
        .position(|l| matches!(&l.link, Some(Link::Element(e)) if e == element))
        .unwrap_or(0)
}

/// Draws the diagram, with the selected element's detail beside it on wide terminals.
fn draw(frame: &mut Frame, area: Rect, cx: Cx, view: &DiagramView) {
    let (t, state, eval) = (cx.theme(), cx.state, cx.eval());
    let doc = diagram_doc(cx, diagram_width(area.width));
    if area.width < SIDE_BY_SIDE {
        draw_doc(frame, area, &doc, &view.nav, true, t);
        return;
    }
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
    draw_doc(frame, left, &doc, &view.nav, true, t);
    // A vertical separator.
    let buf = frame.buffer_mut();
    for y in area.y..area.bottom() {
        if let Some(cell) = buf.cell_mut((area.x + left_w, y)) {
            cell.set_symbol("│").set_style(t.border);
        }
    }
    let detail = match doc.link_at(view.nav.selected) {
        Some(Link::Element(e)) => element_doc(state, eval, t, usize::from(right.width), e),
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
}
