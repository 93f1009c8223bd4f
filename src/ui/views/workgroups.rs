//! Athena workgroups: where query results land, whether that bucket denies plain HTTP, and
//! how results are encrypted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

use super::super::app::{App, ListView};
use super::super::widgets::{Column, clean, draw_table, filter_terms, matches, verdict_span};
use crate::model::Workgroup;
use crate::store::State;

/// `account/region/name`: unique across accounts.
pub fn key(w: &Workgroup) -> String {
    format!("{}/{}", w.account_id, w.key())
}

/// The workgroup a key names.
pub fn find<'a>(state: &'a State, key: &str) -> Option<&'a Workgroup> {
    state.estate.workgroups.iter().find(|w| self::key(w) == key)
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

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &State, view: &ListView) {
    let t = &app.theme;
    let list = rows(state, &view.filter);
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
    draw_table(frame, area, &COLUMNS, None, list.len(), &view.nav, t, &cell);
}
