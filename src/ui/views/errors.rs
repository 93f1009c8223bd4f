//! Errors: every fetch error by service, operation and resource. Estate-wide errors first,
//! then those recorded on buckets and workgroups.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::page::{Cx, Page, nav};
use super::super::table::{SortKey, TableSort};
use super::super::theme::Theme;
use super::super::widgets::{
    Column, Doc, ListNav, Table, clean, draw_table, filter_terms, matches,
};
use super::{account_label, kv};
use crate::compliance::Evaluation;
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
            out.push((err, Some(Link::Workgroup(w.estate_key()))));
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

/// The Errors table: every fetch error, filtered and sorted.
#[derive(Clone, Debug, Default)]
pub struct ErrorsView {
    pub nav: ListNav,
    pub filter: String,
    pub sort: TableSort,
}

impl Page for ErrorsView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Errors".into()
    }

    fn len(&self, cx: Cx) -> usize {
        self.rows(cx.state).len()
    }

    fn link(&self, cx: Cx, row: usize) -> Option<Link> {
        self.rows(cx.state).get(row).map(|e| Link::Error(e.index))
    }

    fn info(&self, cx: Cx) -> String {
        let n = self.rows(cx.state).len();
        let total = super::super::draw::error_count(cx.state);
        super::with_sort(
            super::filtered(n, total, "errors", &self.filter),
            self.sort.info(self.columns()),
        )
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: Cx) {
        draw(frame, area, cx, self)
    }

    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }

    fn table_sort(&mut self) -> Option<&mut TableSort> {
        Some(&mut self.sort)
    }

    fn columns(&self) -> &'static [Column] {
        &COLUMNS
    }
}

impl ErrorsView {
    /// The rows shown: filtered, then in the chosen order.
    pub fn rows<'a>(&self, state: &'a State) -> Vec<Row<'a>> {
        let mut rows = rows(state, &self.filter);
        self.sort.apply(&mut rows, |r, c| sort_key(r.error, c));
        rows
    }
}

fn sort_key(e: &FetchError, column: usize) -> SortKey {
    let opt = |s: &Option<String>| SortKey::text(s.as_deref().unwrap_or(""));
    match column {
        0 => SortKey::text(service(e)),
        1 => SortKey::text(&e.operation),
        2 => SortKey::text(&e.code),
        3 => opt(&e.account_id),
        4 => opt(&e.region),
        5 => opt(&e.resource),
        _ => SortKey::text(&e.message),
    }
}

/// One error's detail (its position in [`all`]).
#[derive(Clone, Debug)]
pub struct ErrorView {
    pub index: usize,
    pub nav: ListNav,
}

impl Page for ErrorView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        format!("error {}", self.index + 1)
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        Some(Arc::new(detail_doc(
            cx.state,
            cx.theme(),
            cx.width(),
            self.index,
        )))
    }

    fn subject(&self) -> Option<Link> {
        Some(Link::Error(self.index))
    }

    fn copy_text(&self, cx: Cx) -> Option<String> {
        copy_text(cx.state, self.index)
    }
}

/// The errors the filter keeps, in the fixed order.
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

fn draw(frame: &mut Frame, area: Rect, cx: Cx, view: &ErrorsView) {
    let t = cx.theme();
    let list = view.rows(cx.state);
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
    let table = Table {
        cols: &COLUMNS,
        sorted: view.sort.arrow(),
        wide: None,
        len: list.len(),
    };
    draw_table(frame, area, &table, &view.nav, t, &cell);
}

/// The `i`-th error of the fixed order.
pub fn error(state: &State, i: usize) -> Option<FetchError> {
    all(state).get(i).map(|r| r.error.clone())
}

pub fn copy_text(state: &State, i: usize) -> Option<String> {
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

pub fn detail_doc(state: &State, t: &Theme, w: usize, i: usize) -> Doc {
    let mut doc = Doc::default();
    let rows = all(state);
    let Some(row) = rows.get(i) else {
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
