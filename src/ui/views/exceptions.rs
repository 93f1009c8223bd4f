//! `:exceptions`: every accepted exception, what it matches and whether it applies: active,
//! expired (its findings count again) or stale (it matches nothing that needs accepting).
//! Each matched finding leads to its resource.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span};
use super::compliance::finding_link;
use super::kv;
use crate::compliance::Evaluation;
use crate::compliance::exceptions::EntryState;

/// `:exceptions`.
#[derive(Clone, Debug, Default)]
pub struct ExceptionsView {
    pub nav: ListNav,
}

impl Page for ExceptionsView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Exceptions".into()
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        Some(Arc::new(doc(cx.eval(), cx.theme(), cx.width())))
    }
}

/// Matched findings listed per entry before "and N more".
const LISTED: usize = 20;

pub fn doc(eval: Option<&Evaluation>, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    let Some(eval) = eval else {
        doc.push(Line::from(Span::styled("Evaluating…", t.muted)));
        return doc;
    };
    let a = &eval.acceptance;
    let Some(file) = &a.source else {
        doc.para(
            "No exceptions file: give one with --exceptions FILE, or keep it at \
             .intransit/exceptions.toml where intransit starts.",
            w,
            "",
            "",
            t.muted,
        );
        return doc;
    };
    let (active, expired, stale) = a.counts();
    doc.push(Line::from(vec![
        Span::styled(clean(file), t.title),
        Span::styled(
            format!(
                "  as of {}: {active} active, {expired} expired, {stale} stale",
                a.as_of.map(|d| d.to_string()).unwrap_or_default()
            ),
            t.muted,
        ),
    ]));
    for warning in a.warnings() {
        doc.push(Line::from(vec![
            status_span(Status::Bad, "expired", t),
            Span::raw(format!(" {}", clean(&warning))),
        ]));
    }
    for e in &a.entries {
        doc.blank();
        let x = &e.exception;
        let (s, word) = match e.state {
            EntryState::Active => (Status::Good, "active"),
            EntryState::Expired => (Status::Bad, "expired: its findings count again"),
            EntryState::Stale => (Status::Warn, "stale: matches nothing to accept"),
        };
        doc.push(Line::from(vec![
            status_span(s, word, t),
            Span::styled(
                format!("  {} (line {})", clean(&x.label()), x.line),
                t.title,
            ),
        ]));
        doc.push(kv("Matches", clean(&x.matcher.describe()), t));
        doc.push(kv("Reason", clean(&x.reason), t));
        doc.push(kv("Owner", clean(&x.owner), t));
        doc.push(kv("Expires", x.expires.to_string(), t));
        doc.push(kv("Findings", e.matched.len().to_string(), t));
        for id in e.matched.iter().take(LISTED) {
            let Some(f) = eval.finding(id) else {
                continue;
            };
            doc.link(
                Line::from(vec![
                    Span::raw("    "),
                    Span::styled("▶ ", t.key),
                    Span::raw(format!("{} {}", f.status.label(), clean(&f.id))),
                ]),
                finding_link(f),
            );
        }
        if e.matched.len() > LISTED {
            doc.push(Line::from(Span::styled(
                format!("    and {} more", e.matched.len() - LISTED),
                t.muted,
            )));
        }
    }
    doc
}
