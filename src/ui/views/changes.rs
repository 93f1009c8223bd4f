//! `:changes`: what changed since `--baseline`, regressions first; a changed bucket or
//! finding leads to its detail.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::app::{App, Link};
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span};
use super::compliance::finding_link;
use crate::compliance::Evaluation;
use crate::diff::{Change, ChangeKind, Impact};

/// `:changes`.
#[derive(Clone, Debug, Default)]
pub struct ChangesView {
    pub nav: ListNav,
}

impl Page for ChangesView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Changes".into()
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        Some(Arc::new(doc(cx.app, cx.eval(), cx.theme(), cx.width())))
    }
}

/// Changes listed per impact before "and N more".
const LISTED: usize = 200;

pub fn doc(app: &App, eval: Option<&Evaluation>, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    let Some(diff) = app.changes() else {
        let text = if app.has_baseline() {
            "The comparison with the baseline is made once the scan is complete."
        } else {
            "No baseline: start intransit with --baseline FILE (a snapshot from `intransit scan`) \
             to see what changed since."
        };
        doc.para(text, w, "", "", t.muted);
        return doc;
    };
    doc.push(Line::from(vec![
        Span::styled("Since ", t.muted),
        Span::styled(clean(&diff.base.label()), t.title),
    ]));
    doc.push(Line::from(Span::styled(
        format!(
            "{} regressions, {} improvements, {} neutral",
            diff.count(Impact::Regression),
            diff.count(Impact::Improvement),
            diff.count(Impact::Neutral)
        ),
        t.muted,
    )));
    if diff.changes.is_empty() {
        doc.blank();
        doc.push(Line::from(status_span(Status::Good, "no change", t)));
    }
    for (impact, title, status) in [
        (Impact::Regression, "Regressions", Status::Bad),
        (Impact::Improvement, "Improvements", Status::Good),
        (Impact::Neutral, "Neutral", Status::Info),
    ] {
        let group: Vec<&Change> = diff.changes.iter().filter(|c| c.impact == impact).collect();
        if group.is_empty() {
            continue;
        }
        doc.blank();
        doc.heading(format!("{title} ({})", group.len()), t);
        for c in group.iter().take(LISTED) {
            let line = Line::from(vec![
                Span::raw("  "),
                status_span(status, c.kind.words(), t),
                Span::raw(format!(" {}", clean(&c.subject))),
                Span::styled(format!("  {}", clean(&c.before_after())), t.muted),
            ]);
            match link(c, eval) {
                Some(l) => doc.link(line, l),
                None => doc.push(line),
            }
        }
        if group.len() > LISTED {
            doc.push(Line::from(Span::styled(
                format!(
                    "  and {} more (intransit diff lists them all)",
                    group.len() - LISTED
                ),
                t.muted,
            )));
        }
    }
    doc
}

/// Where a change leads: the bucket, or the finding's resource, when it still exists.
fn link(c: &Change, eval: Option<&Evaluation>) -> Option<Link> {
    if let Some(name) = c.changed_bucket() {
        return Some(Link::Bucket(name.to_string()));
    }
    match c.kind {
        ChangeKind::FindingStatus | ChangeKind::FindingAdded => {
            eval.and_then(|e| e.finding(&c.subject)).map(finding_link)
        }
        _ => None,
    }
}
