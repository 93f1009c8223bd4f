//! Workgroup detail: settings, the result location (Enter opens the bucket) and what that
//! bucket's verdict means for query results in transit.

use ratatui::text::{Line, Span};

use std::sync::Arc;

use super::super::app::Link;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span, verdict_span};
use super::{account_label, kv};
use crate::compliance::{Evaluation, ResourceKind};
use crate::policy::Verdict;
use crate::store::State;

/// One workgroup's detail (its key: `account/region/name`).
#[derive(Clone, Debug)]
pub struct WorkgroupDetailView {
    pub key: String,
    pub nav: ListNav,
}

impl WorkgroupDetailView {
    pub fn new(key: String) -> WorkgroupDetailView {
        WorkgroupDetailView {
            key,
            nav: ListNav::default(),
        }
    }
}

impl Page for WorkgroupDetailView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        clean(
            self.key
                .split_once('/')
                .map(|(_, k)| k)
                .unwrap_or(&self.key),
        )
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        let d = doc(cx.state, cx.eval(), cx.theme(), cx.width(), &self.key);
        Some(Arc::new(d))
    }

    fn subject(&self) -> Option<Link> {
        Some(Link::Workgroup(self.key.clone()))
    }

    fn copy_text(&self, cx: Cx) -> Option<String> {
        copy_text(cx.state, &self.key)
    }
}

/// What `y` copies: the workgroup's name, as `y` copies a bucket's (`Y` copies the ARN).
pub fn copy_text(state: &State, key: &str) -> Option<String> {
    super::workgroups::find(state, key).map(|w| w.name.clone())
}

/// The workgroup's ARN, for `Y`.
pub fn arn(state: &State, key: &str) -> Option<String> {
    let w = super::workgroups::find(state, key)?;
    let partition = state
        .estate
        .accounts
        .iter()
        .find(|a| a.id == w.account_id)
        .map(|a| a.partition)
        .unwrap_or_default();
    Some(format!(
        "arn:{}:athena:{}:{}:workgroup/{}",
        partition, w.region, w.account_id, w.name
    ))
}

pub fn doc(state: &State, eval: Option<&Evaluation>, t: &Theme, w: usize, key: &str) -> Doc {
    let mut doc = Doc::default();
    let Some(wg) = super::workgroups::find(state, key) else {
        doc.push(Line::from(Span::styled(
            format!("{} is not in the current scan", clean(key)),
            t.muted,
        )));
        return doc;
    };
    doc.push(Line::from(vec![
        Span::styled(format!("Workgroup {}", clean(&wg.name)), t.title),
        Span::styled(format!("  {}", clean(&wg.region)), t.muted),
    ]));
    doc.blank();
    if let Some(d) = &wg.description {
        doc.para(&clean(d), w, "  ", "  ", t.base);
        doc.blank();
    }
    doc.push(kv("Account", account_label(state, &wg.account_id), t));
    doc.push(kv("Region", clean(&wg.region), t));
    doc.push(kv(
        "State",
        clean(wg.state.as_deref().unwrap_or("unknown")),
        t,
    ));
    doc.push(kv(
        "Engine",
        clean(wg.engine_version.as_deref().unwrap_or("unknown")),
        t,
    ));
    doc.push(Line::from(vec![
        Span::styled(format!("  {:<20} ", "Result encryption"), t.muted),
        match &wg.result_encryption {
            Some(e) => {
                let key = wg
                    .kms_key
                    .as_deref()
                    .map(|k| format!(" · key {}", clean(k)))
                    .unwrap_or_default();
                status_span(Status::Good, format!("{}{key}", clean(e)), t)
            }
            None => status_span(Status::Bad, "none: query results are stored unencrypted", t),
        },
    ]));
    doc.push(Line::from(vec![
        Span::styled(format!("  {:<20} ", "Enforce settings"), t.muted),
        {
            // The glyph is the athena.enforce_configuration finding's, as in the report.
            let id = wg.estate_key();
            let s = super::connectivity::judged_by(
                eval,
                "athena.enforce_configuration",
                crate::compliance::ResourceKind::AthenaWorkgroup,
                &id,
            );
            if wg.enforce_configuration {
                status_span(s, "yes: clients cannot override location or encryption", t)
            } else {
                status_span(s, "no: clients may send results elsewhere", t)
            }
        },
    ]));
    doc.push(kv(
        "Expected owner",
        clean(wg.expected_bucket_owner.as_deref().unwrap_or("not checked")),
        t,
    ));
    doc.blank();
    doc.heading("Query results", t);
    match (&wg.output_location, &wg.output_bucket) {
        (Some(loc), Some(bucket)) => {
            let b = state.bucket(bucket);
            let mut spans = vec![
                Span::raw("  "),
                Span::styled("▶ ", t.key),
                Span::styled(clean(loc), t.accent),
                Span::raw("  "),
            ];
            match b {
                Some(b) => spans.push(verdict_span(b.tls.verdict(), t)),
                None => spans.push(Span::styled("? bucket not in the scan", t.unknown)),
            }
            doc.link(Line::from(spans), Link::Bucket(bucket.clone()));
            if let Some(b) = b {
                let text = match b.tls.verdict() {
                    Verdict::Enforced => {
                        "The result bucket denies every plain-HTTP request: results can only be \
                         read and written over TLS."
                    }
                    Verdict::Partial => {
                        "The result bucket denies some plain-HTTP requests but not all: some \
                         reads or writes of query results can travel unencrypted."
                    }
                    Verdict::NotEnforced => {
                        "The result bucket accepts plain HTTP: a client that fetches results \
                         with http:// (or a misconfigured SDK) sends them unencrypted."
                    }
                    Verdict::Unknown => "The result bucket's policy could not be judged.",
                };
                doc.para(text, w, "    ", "    ", t.muted);
                for g in b.tls.gaps() {
                    doc.para(&clean(&g.message), w, "    • ", "      ", t.muted);
                }
            }
        }
        _ => doc.push(Line::from(Span::styled(
            "  no result location configured (each query names its own)",
            t.muted,
        ))),
    }
    doc.blank();
    super::compliance::affected_controls(&mut doc, eval, ResourceKind::AthenaWorkgroup, key, t);
    if !wg.errors.is_empty() {
        doc.blank();
        doc.heading("Fetch errors", t);
        for e in &wg.errors {
            doc.push(Line::from(vec![
                Span::styled("  ✘ ", t.error),
                Span::raw(clean(&e.short())),
                Span::styled(format!("  {}", clean(&e.message)), t.muted),
            ]));
        }
    }
    doc
}
