//! Errors: every fetch error by service, operation and resource. Estate-wide errors first,
//! then those recorded on buckets and workgroups.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::app::{App, Link, ListView};
use super::super::theme::Theme;
use super::super::widgets::{Column, Doc, clean, draw_table, filter_terms, matches};
use super::{account_label, kv};
use crate::model::FetchError;
use crate::store::State;

/// One error and where it was recorded.
#[derive(Clone, Debug)]
pub struct Row<'a> {
    /// Position in [`all`]: stable for the detail view.
    pub index: usize,
    pub error: &'a FetchError,
    /// The bucket or workgroup key it was recorded on, if any.
    pub on: Option<Link>,
}

/// Every error in a fixed order.
pub fn all(state: &State) -> Vec<Row<'_>> {
    let e = &state.estate;
    let mut out = Vec::new();
    for err in &e.errors {
        out.push((err, None));
    }
    for b in &e.buckets {
        for err in &b.errors {
            out.push((err, Some(Link::Bucket(b.name.clone()))));
        }
    }
    for w in &e.workgroups {
        for err in &w.errors {
            out.push((err, Some(Link::Workgroup(super::workgroups::key(w)))));
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(index, (error, on))| Row { index, error, on })
        .collect()
}

/// The index in [`all`] of the `i`-th estate-wide error.
pub fn estate_error_index(_state: &State, i: usize) -> usize {
    i
}

pub fn service(e: &FetchError) -> &str {
    e.operation.split(':').next().unwrap_or("")
}

pub fn rows<'a>(state: &'a State, filter: &str) -> Vec<Row<'a>> {
    let terms = filter_terms(filter);
    all(state)
        .into_iter()
        .filter(|r| {
            if terms.is_empty() {
                return true;
            }
            let e = r.error;
            let hay = format!(
                "{} {} {} {} {} {}",
                e.operation,
                e.code,
                e.account_id.as_deref().unwrap_or(""),
                e.region.as_deref().unwrap_or(""),
                e.resource.as_deref().unwrap_or(""),
                e.message
            )
            .to_lowercase();
            matches(&hay, &terms)
        })
        .collect()
}

const COLUMNS: [Column; 7] = [
    Column::new("SERVICE", 13, 0, 0),
    Column::new("OPERATION", 22, 0, 0),
    Column::new("CODE", 14, 0, 1),
    Column::new("ACCOUNT", 12, 0, 4),
    Column::new("REGION", 14, 0, 3),
    Column::new("RESOURCE", 20, 2, 2),
    Column::new("MESSAGE", 20, 3, 5),
];

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &State, view: &ListView) {
    let t = &app.theme;
    let list = rows(state, &view.filter);
    let cell = |r: usize, c: usize| -> Vec<Span<'static>> {
        let Some(row) = list.get(r) else {
            return Vec::new();
        };
        let e = row.error;
        let opt = |s: &Option<String>| clean(s.as_deref().unwrap_or("—"));
        match c {
            0 => vec![Span::raw(clean(service(e)))],
            1 => vec![Span::raw(clean(
                e.operation
                    .split_once(':')
                    .map(|x| x.1)
                    .unwrap_or(&e.operation),
            ))],
            2 => vec![Span::styled(format!("✘ {}", clean(&e.code)), t.error)],
            3 => vec![Span::styled(opt(&e.account_id), t.muted)],
            4 => vec![Span::raw(opt(&e.region))],
            5 => vec![Span::raw(opt(&e.resource))],
            6 => vec![Span::styled(clean(&e.message), t.muted)],
            _ => Vec::new(),
        }
    };
    draw_table(frame, area, &COLUMNS, None, list.len(), &view.nav, t, &cell);
}

/// The `i`-th error of the fixed order.
pub fn error(state: &State, i: usize) -> Option<FetchError> {
    all(state).get(i).map(|r| r.error.clone())
}

pub fn copy_text(state: &State, key: &str) -> Option<String> {
    let i: usize = key.parse().ok()?;
    let rows = all(state);
    let e = rows.get(i)?.error;
    Some(clean(&format!(
        "{} {} {} {}: {}",
        e.short(),
        e.account_id.as_deref().unwrap_or(""),
        e.region.as_deref().unwrap_or(""),
        e.resource.as_deref().unwrap_or(""),
        e.message
    )))
}

pub fn detail_doc(state: &State, t: &Theme, w: usize, key: &str) -> Doc {
    let mut doc = Doc::default();
    let rows = all(state);
    let Some(row) = key.parse::<usize>().ok().and_then(|i| rows.get(i)) else {
        doc.push(Line::from(Span::styled("this error is gone", t.muted)));
        return doc;
    };
    let e = row.error;
    doc.push(Line::from(Span::styled(
        format!("✘ {}", clean(&e.short())),
        t.error,
    )));
    doc.blank();
    doc.push(kv("Service", clean(service(e)), t));
    doc.push(kv("Operation", clean(&e.operation), t));
    doc.push(kv("Code", clean(&e.code), t));
    if let Some(a) = &e.account_id {
        doc.push(kv("Account", account_label(state, a), t));
    }
    if let Some(r) = &e.region {
        doc.push(kv("Region", clean(r), t));
    }
    if let Some(r) = &e.resource {
        doc.push(kv("Resource", clean(r), t));
    }
    doc.blank();
    doc.heading("Message", t);
    doc.para(&clean(&e.message), w, "  ", "  ", t.base);
    doc.blank();
    let hint = match e.code.as_str() {
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            "The scanning role lacks this permission, or a bucket policy, SCP or permission \
             boundary denies it. docs/iam-policy.json lists every action intransit calls."
        }
        "Timeout" | "Network" => {
            "The call did not complete: network path, proxy or endpoint trouble. Rescan with r."
        }
        c if c.contains("Throttl") => "AWS throttled the call; lower --concurrency and rescan.",
        _ => "",
    };
    if !hint.is_empty() {
        doc.para(hint, w, "  ", "  ", t.muted);
        doc.blank();
    }
    if let Some(link) = &row.on {
        let label = match link {
            Link::Bucket(b) => format!("bucket {}", clean(b)),
            Link::Workgroup(k) => format!("workgroup {}", clean(k)),
            _ => String::new(),
        };
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled("▶ ", t.key),
                Span::styled(format!("open {label}"), t.accent),
            ]),
            link.clone(),
        );
    }
    doc
}
