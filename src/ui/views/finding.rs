//! A finding's detail: about an account or a region (no detail view of its own), the proof —
//! the message, the exception that accepts it, its evidence and fetch errors, and the way to the
//! network path it is about.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, clean, status_span};
use super::compliance::{find_finding, resource_text, status};
use super::connectivity::Place;
use super::{account_label, kv};
use crate::compliance::{Evaluation, Finding};
use crate::store::State;

/// One finding's detail (its id).
#[derive(Clone, Debug)]
pub struct FindingView {
    pub id: String,
    pub nav: ListNav,
}

impl FindingView {
    pub fn new(id: String) -> FindingView {
        FindingView {
            id,
            nav: ListNav::default(),
        }
    }
}

impl Page for FindingView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        clean(self.id.rsplit('/').next().unwrap_or(&self.id))
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        let d = finding_doc(cx.state, cx.eval(), cx.theme(), cx.width(), &self.id);
        Some(Arc::new(d))
    }

    fn subject(&self) -> Option<Link> {
        Some(Link::Finding(self.id.clone()))
    }

    fn copy_text(&self, _cx: Cx) -> Option<String> {
        Some(self.id.clone())
    }
}

/// A finding about an account or a region (no detail view of its own): the proof.
pub fn finding_doc(state: &State, eval: Option<&Evaluation>, t: &Theme, w: usize, id: &str) -> Doc {
    let mut doc = Doc::default();
    let Some(f) = eval.and_then(|e| find_finding(e, id)) else {
        doc.push(Line::from(Span::styled(
            format!("{} is not in the current evaluation", clean(id)),
            t.muted,
        )));
        return doc;
    };
    doc.push(Line::from(vec![
        status_span(status(f.status), f.status.label(), t),
        Span::styled(format!("  {}", resource_text(f)), t.title),
    ]));
    doc.blank();
    doc.para(&clean(&f.message()), w, "  ", "  ", t.base);
    if let Some(n) = &f.note {
        doc.para(&clean(n), w, "  ", "  ", t.muted);
    }
    doc.blank();
    accepted_lines(&mut doc, eval, f, t);
    doc.push(kv("Check", clean(&f.check), t));
    doc.push(kv("Severity", f.severity.to_string(), t));
    doc.push(kv(
        "Account",
        account_label(state, &f.resource.account_id),
        t,
    ));
    if let Some(r) = &f.resource.region {
        doc.push(kv("Region", clean(r), t));
    }
    let ev = &f.evidence;
    let attributes = ev.attributes();
    if !attributes.is_empty() {
        doc.blank();
        doc.heading("Evidence", t);
        for a in attributes.iter() {
            doc.push(kv(&clean(&a.name), clean(&a.value), t));
        }
    }
    if !ev.gaps().is_empty() {
        doc.blank();
        doc.heading("Still accepted over plain HTTP", t);
        for g in &ev.gaps() {
            doc.para(&clean(g), w, "  • ", "    ", t.base);
        }
    }
    if !ev.errors.is_empty() {
        doc.blank();
        doc.heading("Fetch errors", t);
        for e in &ev.errors {
            doc.push(Line::from(vec![
                Span::styled("  ✘ ", t.error),
                Span::raw(clean(&e.short())),
                Span::styled(format!("  {}", clean(&e.message)), t.muted),
            ]));
        }
    }
    if let Some(region) = &f.resource.region {
        doc.blank();
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled("▶ ", t.key),
                Span::styled(format!("network path in {}", clean(region)), t.accent),
            ]),
            Link::Diagram(Element::OnPrem(Place {
                account: f.resource.account_id.to_string(),
                region: region.to_string(),
            })),
        );
    }
    doc
}

/// "Accepted: exception 2 (SEC-1234) accepts CHECK, by OWNER until DAY: REASON", when an
/// exception accepts `f` (everywhere, or in some of its controls).
pub fn accepted_lines(doc: &mut Doc, eval: Option<&Evaluation>, f: &Finding, t: &Theme) {
    let Some(e) = eval.and_then(|e| e.acceptance.accepted_somewhere(&f.id)) else {
        return;
    };
    let x = &e.exception;
    let scope = if eval.is_some_and(|ev| ev.acceptance.accepted(&f.id, None).is_some()) {
        ""
    } else {
        " (in some controls)"
    };
    doc.push(kv(
        "Accepted",
        clean(&format!(
            "{} accepts {}{scope}, by {} until {}: {}",
            x.label(),
            f.check,
            x.owner,
            x.expires,
            x.reason
        )),
        t,
    ));
}
