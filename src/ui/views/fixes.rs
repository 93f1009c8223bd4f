//! `:fix`: the top fixes, each evaluated on the estate with it applied (the plan
//! `intransit fix --failing --plan` prints), then the fixes refused and why. Each line opens
//! the resource it changes.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span};
use crate::compliance::Evaluation;
use crate::fix::{Kind, PlanItem, Planned};

/// `:fix`.
#[derive(Clone, Debug, Default)]
pub struct FixView {
    pub nav: ListNav,
}

impl Page for FixView {
    nav!();

    /// On the top fix.
    fn opens_on_first_link(&self) -> bool {
        true
    }

    fn shows_plan(&self) -> bool {
        true
    }

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Fixes".into()
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        let t = cx.theme();
        let d = match cx.app.planned() {
            Some(p) => doc(p, t, cx.width()),
            None => waiting(cx.app.plan_unavailable(cx.state), t, cx.width()),
        };
        Some(Arc::new(d))
    }
}

fn waiting(why: String, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    doc.heading("Top fixes", t);
    doc.para(&why, w, "  ", "  ", t.muted);
    doc
}

/// Where a plan line leads: the resource it changes.
fn link(p: &PlanItem) -> Option<Link> {
    let first = p.resources.first()?.clone();
    Some(match p.kind {
        // A group opens its first bucket (the worst: fixes are listed worst first).
        Kind::BucketPolicy => Link::Bucket(first),
        Kind::Workgroup => Link::Workgroup(first),
        Kind::VpnTunnel => {
            let (vpn, ip) = first.split_once('/')?;
            Link::Element(Element::Tunnel {
                vpn: vpn.to_string(),
                ip: ip.to_string(),
            })
        }
        Kind::Rcp => Link::Element(Element::Account(first)),
    })
}

fn plan_line(doc: &mut Doc, n: usize, p: &PlanItem, t: &Theme, w: usize) {
    let status = if p.resolves.controls.is_empty() {
        Status::Warn
    } else {
        Status::Good
    };
    let line = Line::from(vec![
        Span::styled(format!("  {n:>2}. "), t.muted),
        status_span(status, clean(&p.action), t),
    ]);
    match link(p) {
        Some(l) => doc.link(line, l),
        None => doc.push(line),
    }
    doc.para(&clean(&p.effects()), w, "        ", "        ", t.base);
    if !p.resolves.controls.is_empty() {
        let text = format!("pass: {}", p.resolves.controls.join(", "));
        doc.para(&clean(&text), w, "        ", "        ", t.muted);
    }
    if !p.resolves.improved.is_empty() {
        let text = format!("better: {}", p.resolves.improved.join(", "));
        doc.para(&clean(&text), w, "        ", "        ", t.muted);
    }
}

pub fn doc(p: &Planned, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    doc.heading("Top fixes", t);
    doc.para(
        &format!(
            "{} changes are offered for what does not pass; each action below was applied to a \
             copy of the estate and evaluated again. `intransit fix --failing --format sh` \
             writes them as a script that backs up every policy first; intransit applies \
             nothing.",
            p.offered()
        ),
        w,
        "  ",
        "  ",
        t.muted,
    );
    doc.blank();
    for (i, item) in p.plan.items.iter().enumerate() {
        plan_line(&mut doc, i + 1, item, t, w);
    }
    if let Some(all) = &p.plan.all {
        doc.blank();
        doc.heading("Together", t);
        plan_line(&mut doc, p.plan.items.len() + 1, all, t, w);
    }
    if p.plan.not_evaluated > 0 {
        doc.para(
            &format!(
                "{} more candidates were not evaluated (intransit fix --plan --plan-limit N).",
                p.plan.not_evaluated
            ),
            w,
            "  ",
            "  ",
            t.muted,
        );
    }
    refused(&mut doc, p, t, w);
    doc
}

fn refused(doc: &mut Doc, p: &Planned, t: &Theme, w: usize) {
    let refused: Vec<_> = p.fixes.iter().filter(|f| f.refused.is_some()).collect();
    if refused.is_empty() {
        return;
    }
    doc.blank();
    doc.heading(format!("Refused ({})", refused.len()), t);
    for f in refused {
        let line = Line::from(vec![
            Span::raw("  "),
            status_span(Status::Unknown, clean(&f.resource), t),
        ]);
        match f.kind {
            Kind::BucketPolicy => doc.link(line, Link::Bucket(f.resource.clone())),
            _ => doc.push(line),
        }
        doc.para(
            &clean(f.refused.as_deref().unwrap_or("")),
            w,
            "      ",
            "      ",
            t.muted,
        );
    }
}
