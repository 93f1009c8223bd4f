//! Athena workgroups: where query results land, whether that bucket denies plain HTTP, and
//! how results are encrypted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

use super::super::app::Link;
use super::super::page::{Cx, Page, nav};
use super::super::table::{SortKey, TableSort};
use super::super::widgets::{
    Column, ListNav, Table, clean, draw_table, filter_terms, matches, verdict_span, width,
};
use crate::compliance::Evaluation;
use crate::model::Workgroup;
use crate::store::State;

/// The Workgroups table.
#[derive(Clone, Debug, Default)]
pub struct WorkgroupsView {
    pub nav: ListNav,
    pub filter: String,
    pub sort: TableSort,
}

impl WorkgroupsView {
    pub fn filtered(filter: String) -> WorkgroupsView {
        WorkgroupsView {
            filter,
            ..WorkgroupsView::default()
        }
    }

    /// The rows shown: filtered, then in the chosen order.
    pub fn rows<'a>(&self, state: &'a State) -> Vec<&'a Workgroup> {
        let mut list = rows(state, &self.filter);
        self.sort.apply(&mut list, |w, c| sort_key(state, w, c));
        list
    }
}

impl Page for WorkgroupsView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Workgroups".into()
    }

    fn len(&self, cx: Cx) -> usize {
        self.rows(cx.state).len()
    }

    fn link(&self, cx: Cx, row: usize) -> Option<Link> {
        self.rows(cx.state)
            .get(row)
            .map(|w| Link::Workgroup(w.estate_key()))
    }

    fn info(&self, cx: Cx) -> String {
        let n = self.rows(cx.state).len();
        let total = cx.state.estate.workgroups.len();
        super::with_sort(
            super::filtered(n, total, "workgroups", &self.filter),
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

    fn wide(&self, cx: Cx) -> Option<(usize, u16)> {
        let longest = cx
            .state
            .estate
            .workgroups
            .iter()
            .map(|w| width(&clean(&w.key())))
            .max()?;
        Some((1, longest as u16))
    }
}

fn sort_key(state: &State, w: &Workgroup, column: usize) -> SortKey {
    let opt = |s: &Option<String>| SortKey::text(s.as_deref().unwrap_or(""));
    match column {
        0 => SortKey::Num(
            match w.output_bucket.as_deref().and_then(|b| state.bucket(b)) {
                Some(b) => b.tls.verdict().rank() as i64,
                None if w.output_location.is_none() => 10,
                None => 5,
            },
        ),
        1 => SortKey::text(&w.key()),
        2 => SortKey::text(&w.account_id),
        3 => opt(&w.output_location),
        4 => opt(&w.result_encryption),
        5 => SortKey::Num(i64::from(w.enforce_configuration)),
        _ => opt(&w.description),
    }
}

/// The workgroup a key names.
pub fn find<'a>(state: &'a State, key: &str) -> Option<&'a Workgroup> {
    state
        .estate
        .workgroups
        .iter()
        .find(|w| w.estate_key() == key)
}

fn haystack(state: &State, w: &Workgroup) -> String {
    let verdict = w
        .output_bucket
        .as_deref()
        .and_then(|b| state.bucket(b))
        .map(|b| super::buckets::verdict_token(b.tls.verdict()))
        .unwrap_or("no-results");
    format!(
        "{} {} {} {} {} {} {} {}",
        w.name,
        w.region,
        w.account_id,
        w.output_bucket.as_deref().unwrap_or(""),
        w.result_encryption.as_deref().unwrap_or("unencrypted"),
        w.description.as_deref().unwrap_or(""),
        verdict,
        if w.enforce_configuration {
            "enforced-config"
        } else {
            ""
        }
    )
    .to_lowercase()
        + &super::account_tokens(state.estate.accounts.iter().find(|a| a.id == w.account_id))
}

/// The workgroups shown, in order (region, name), filtered.
pub fn rows<'a>(state: &'a State, filter: &str) -> Vec<&'a Workgroup> {
    let terms = filter_terms(filter);
    let mut out: Vec<&Workgroup> = state
        .estate
        .workgroups
        .iter()
        .filter(|w| terms.is_empty() || matches(&haystack(state, w), &terms))
        .collect();
    out.sort_by(|a, b| {
        (&a.region, &a.name, &a.account_id).cmp(&(&b.region, &b.name, &b.account_id))
    });
    out
}

const COLUMNS: [Column; 7] = [
    Column::new("RESULT BUCKET", 14, 0, 0),
    Column::new("WORKGROUP", 24, 2, 0),
    Column::new("ACCOUNT", 12, 0, 4),
    Column::new("RESULT LOCATION", 24, 2, 1),
    Column::new("ENCRYPTION", 10, 0, 2),
    Column::new("ENFORCED", 8, 0, 3),
    Column::new("DESCRIPTION", 16, 2, 5),
];

fn draw(frame: &mut Frame, area: Rect, cx: Cx, view: &WorkgroupsView) {
    let (t, state) = (cx.theme(), cx.state);
    let list = view.rows(state);
    let cell = |r: usize, c: usize| -> Vec<Span<'static>> {
        let Some(w) = list.get(r) else {
            return Vec::new();
        };
        match c {
            0 => match w.output_bucket.as_deref().and_then(|b| state.bucket(b)) {
                Some(b) => vec![verdict_span(b.tls.verdict(), t)],
                None if w.output_location.is_none() => vec![Span::styled("· none", t.muted)],
                None => vec![Span::styled("? not scanned", t.unknown)],
            },
            1 => vec![Span::raw(clean(&w.key()))],
            2 => vec![Span::styled(clean(&w.account_id), t.muted)],
            3 => vec![Span::raw(clean(
                w.output_location.as_deref().unwrap_or("—"),
            ))],
            4 => match &w.result_encryption {
                Some(e) => vec![Span::raw(clean(e))],
                None => vec![Span::styled("✘ none", t.bad)],
            },
            5 => vec![if w.enforce_configuration {
                Span::styled("✔ yes", t.good)
            } else {
                Span::styled("◐ no", t.partial)
            }],
            6 => vec![Span::styled(
                clean(w.description.as_deref().unwrap_or("")),
                t.muted,
            )],
            _ => Vec::new(),
        }
    };
    let table = Table {
        cols: &COLUMNS,
        sorted: view.sort.arrow(),
        wide: view.wide(cx),
        len: list.len(),
    };
    draw_table(frame, area, &table, &view.nav, t, &cell);
}
