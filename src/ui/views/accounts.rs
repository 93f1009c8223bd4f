//! Accounts: one row per account the scan found — how far it was read, where it sits in the
//! organization, its buckets by verdict, its paths and its findings that do not pass — and a
//! detail per account that opens each of those.
//!
//! Every count here is read from what the other views show: a bucket's verdict from its TLS
//! analysis, a path's from the evaluation, a finding's status from its check. Nothing is
//! judged again.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::page::{Cx, Fresh, Page, nav};
use super::super::table::{SortKey, TableSort};
use super::super::theme::Theme;
use super::super::widgets::{
    Column, Doc, ListNav, Status, Table, clean, draw_table, filter_terms, matches, status_span,
    width,
};
use super::compliance::status as ui_status;
use super::kv;
use crate::compliance::{self, Counts, Evaluation};
use crate::model::{Account, ScanState};
use crate::policy::Verdict;
use crate::store::State;

/// What one account's row shows, counted once per store version and evaluation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    /// The account's name, or its id when it has none.
    pub name: String,
    pub label: String,
    pub ou_path: Option<String>,
    pub scan_state: ScanState,
    pub scan_error: Option<String>,
    /// Buckets by verdict: enforced, partial, not enforced, unknown.
    pub buckets: [usize; 4],
    pub workgroups: usize,
    /// Paths fully encrypted, of all paths, and the worst path's status.
    pub paths: (usize, usize, Option<compliance::Status>),
    /// The account's findings per status (`Evaluation::counts_by_account`, as the reports).
    pub findings: Counts,
    pub tags: String,
    haystack: String,
}

impl Summary {
    fn of(a: &Account) -> Summary {
        let tags = a
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        let state_word = match a.scan_state {
            ScanState::Scanned => "scanned",
            ScanState::Partial => "partial",
            ScanState::NotScanned => "not-scanned",
        };
        let haystack = format!(
            "{} {} {}{}",
            a.name.as_deref().unwrap_or(""),
            state_word,
            a.scan_error.as_deref().unwrap_or(""),
            super::account_tokens(Some(a)),
        )
        .to_lowercase();
        Summary {
            id: a.id.clone(),
            name: a
                .name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or(a.id.clone()),
            label: a.label(),
            ou_path: a.ou_path.clone(),
            scan_state: a.scan_state,
            scan_error: a.scan_error.clone(),
            tags,
            haystack,
            ..Summary::default()
        }
    }

    fn verdicts(&self) -> impl Iterator<Item = (Verdict, usize)> {
        [
            Verdict::Enforced,
            Verdict::Partial,
            Verdict::NotEnforced,
            Verdict::Unknown,
        ]
        .into_iter()
        .zip(self.buckets)
    }
}

fn verdict_slot(v: Verdict) -> usize {
    match v {
        Verdict::Enforced => 0,
        Verdict::Partial => 1,
        Verdict::NotEnforced => 2,
        Verdict::Unknown => 3,
    }
}

/// Every account's summary, in organization order: by OU path, then label.
pub fn summaries(state: &State, eval: Option<&Evaluation>) -> Vec<Summary> {
    let mut out = summaries_of(state, eval, state.estate.accounts.iter());
    out.sort_by(|a, b| (&a.ou_path, &a.label).cmp(&(&b.ou_path, &b.label)));
    out
}

/// The summaries of `accounts`, in their order.
fn summaries_of<'a>(
    state: &State,
    eval: Option<&Evaluation>,
    accounts: impl Iterator<Item = &'a Account>,
) -> Vec<Summary> {
    let e = &state.estate;
    let mut out: Vec<Summary> = accounts.map(Summary::of).collect();
    let at: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    for b in &e.buckets {
        if let Some(&i) = at.get(&b.account_id) {
            out[i].buckets[verdict_slot(b.tls.verdict())] += 1;
        }
    }
    for w in &e.workgroups {
        if let Some(&i) = at.get(&w.account_id) {
            out[i].workgroups += 1;
        }
    }
    if let Some(eval) = eval {
        count_findings(&mut out, &at, eval);
    }
    out
}

fn count_findings(out: &mut [Summary], at: &HashMap<String, usize>, eval: &Evaluation) {
    for p in &eval.paths {
        if let Some(&i) = at.get(&p.account_id) {
            let s = &mut out[i];
            s.paths.0 += usize::from(p.encrypted());
            s.paths.1 += 1;
            s.paths.2 = Some(s.paths.2.map_or(p.verdict, |w| w.min(p.verdict)));
        }
    }
    for (id, counts) in eval.counts_by_account() {
        if let Some(&i) = at.get(id) {
            out[i].findings = counts;
        }
    }
}

/// The Accounts view: every account's summary, and the rows the filter keeps.
#[derive(Clone, Debug, Default)]
pub struct AccountsView {
    pub nav: ListNav,
    pub filter: String,
    all: Vec<Summary>,
    /// Indices into `all`, filtered.
    pub rows: Vec<usize>,
    /// The store version and evaluation `all` was counted from.
    built: Option<(u64, Option<u64>)>,
    pub sort: TableSort,
}

impl Page for AccountsView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Accounts".into()
    }

    fn len(&self, _cx: Cx) -> usize {
        self.rows.len()
    }

    fn link(&self, _cx: Cx, row: usize) -> Option<Link> {
        self.row(row)
            .map(|s| Link::Element(Element::Account(s.id.clone())))
    }

    fn info(&self, _cx: Cx) -> String {
        super::with_sort(info(self), self.sort.info(self.columns()))
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: Cx) {
        draw(frame, area, cx, self)
    }

    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }

    fn set_filter(&mut self, filter: String, _state: &State) {
        self.filter = filter;
        self.apply_filter();
        self.nav.selected = 0;
    }

    fn table_sort(&mut self) -> Option<&mut TableSort> {
        Some(&mut self.sort)
    }

    fn resorted(&mut self, _cx: &Fresh) {
        self.apply_filter();
    }

    fn columns(&self) -> &'static [Column] {
        &COLUMNS
    }

    fn wide(&self, _cx: Cx) -> Option<(usize, u16)> {
        let longest = self.all.iter().map(|s| width(&clean(&s.name))).max()?;
        Some((1, longest as u16))
    }

    fn refresh(&mut self, cx: &Fresh) {
        self.refresh_from(cx.state, cx.eval);
    }
}

fn sort_key(s: &Summary, column: usize) -> SortKey {
    match column {
        0 => SortKey::Num(match s.scan_state {
            ScanState::NotScanned => 0,
            ScanState::Partial => 1,
            ScanState::Scanned => 2,
        }),
        1 => SortKey::text(&s.name),
        // Most buckets not enforced first, then partial.
        2 => SortKey::Num(-((s.buckets[2] as i64) << 32 | s.buckets[1] as i64)),
        3 => SortKey::text(s.ou_path.as_deref().unwrap_or("")),
        4 => SortKey::Num(s.paths.2.map_or(9, |st| st as i64)),
        5 => SortKey::text(&s.id),
        6 => SortKey::Num(-((s.findings.fail as i64) << 32 | s.findings.unknown as i64)),
        7 => SortKey::text(s.scan_error.as_deref().unwrap_or("")),
        8 => SortKey::most(s.workgroups),
        _ => SortKey::text(&s.tags),
    }
}

impl AccountsView {
    /// Counts again when the store or the evaluation changed since the last count.
    pub fn refresh_from(&mut self, state: &State, eval: Option<(u64, &Evaluation)>) {
        let key = (state.version, eval.map(|(v, _)| v));
        if self.built == Some(key) {
            return;
        }
        self.all = summaries(state, eval.map(|(_, e)| e));
        self.built = Some(key);
        self.apply_filter();
    }

    fn apply_filter(&mut self) {
        let terms = filter_terms(&self.filter);
        let mut rows: Vec<usize> = (0..self.all.len())
            .filter(|&i| terms.is_empty() || matches(&self.all[i].haystack, &terms))
            .collect();
        self.sort
            .apply(&mut rows, |&i, c| sort_key(&self.all[i], c));
        self.rows = rows;
        self.nav.clamp(self.rows.len());
    }

    pub fn row(&self, i: usize) -> Option<&Summary> {
        self.rows.get(i).and_then(|&r| self.all.get(r))
    }

    pub fn total(&self) -> usize {
        self.all.len()
    }
}

const COLUMNS: [Column; 10] = [
    Column::new("SCAN", 13, 0, 0),
    Column::new("ACCOUNT", 16, 2, 0),
    Column::new("BUCKETS", 14, 0, 1),
    Column::new("OU", 14, 1, 2),
    Column::new("PATHS", 10, 0, 3),
    Column::new("ID", 12, 0, 4),
    Column::new("FINDINGS", 9, 0, 5),
    Column::new("REASON", 18, 2, 6),
    Column::new("WORKGROUPS", 10, 0, 7),
    Column::new("TAGS", 14, 1, 8),
];

pub fn scan_span(s: ScanState, t: &Theme) -> Span<'static> {
    match s {
        ScanState::Scanned => status_span(Status::Good, "scanned", t),
        ScanState::Partial => status_span(Status::Warn, "partial", t),
        ScanState::NotScanned => status_span(Status::Unknown, "not scanned", t),
    }
}

/// `✔ 12 ◐ 1 ✘ 3`: the verdicts an account's buckets have, worst last.
fn bucket_spans(s: &Summary, t: &Theme) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    for (v, n) in s.verdicts().filter(|(_, n)| *n > 0) {
        if !out.is_empty() {
            out.push(Span::raw(" "));
        }
        out.push(Span::styled(format!("{}{n}", v.glyph()), t.verdict(v)));
    }
    if out.is_empty() {
        let word = if s.scan_state == ScanState::NotScanned {
            "? unknown"
        } else {
            "· none"
        };
        out.push(Span::styled(word, t.muted));
    }
    out
}

fn path_spans(s: &Summary, t: &Theme) -> Vec<Span<'static>> {
    match s.paths {
        (_, 0, _) if s.scan_state == ScanState::NotScanned => {
            vec![status_span(Status::Unknown, "unknown", t)]
        }
        (_, 0, _) => vec![Span::styled("· none", t.muted)],
        (enc, all, worst) => {
            let st = worst.map(ui_status).unwrap_or(Status::Info);
            vec![status_span(st, format!("{enc} of {all}"), t)]
        }
    }
}

fn finding_spans(s: &Summary, t: &Theme) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let (failing, unknown) = (s.findings.fail, s.findings.unknown);
    if failing > 0 {
        out.push(Span::styled(format!("✘{failing}"), t.status(Status::Bad)));
    }
    if unknown > 0 {
        if !out.is_empty() {
            out.push(Span::raw(" "));
        }
        out.push(Span::styled(
            format!("?{unknown}"),
            t.status(Status::Unknown),
        ));
    }
    if out.is_empty() {
        out.push(status_span(Status::Good, "none", t));
    }
    out
}

fn cell(s: &Summary, c: usize, t: &Theme) -> Vec<Span<'static>> {
    match c {
        0 => vec![scan_span(s.scan_state, t)],
        1 => vec![Span::raw(clean(&s.name))],
        2 => bucket_spans(s, t),
        3 => vec![Span::styled(
            clean(s.ou_path.as_deref().unwrap_or("—")),
            t.muted,
        )],
        4 => path_spans(s, t),
        5 => vec![Span::styled(clean(&s.id), t.muted)],
        6 => finding_spans(s, t),
        7 => match (&s.scan_state, &s.scan_error) {
            (ScanState::Scanned, _) | (_, None) => Vec::new(),
            (_, Some(why)) => vec![Span::styled(clean(why), t.unknown)],
        },
        8 => vec![Span::raw(s.workgroups.to_string())],
        9 => vec![Span::styled(clean(&s.tags), t.muted)],
        _ => Vec::new(),
    }
}

fn draw(frame: &mut Frame, area: Rect, cx: Cx, view: &AccountsView) {
    let t = cx.theme();
    let cell = |r: usize, c: usize| view.row(r).map(|s| cell(s, c, t)).unwrap_or_default();
    let table = Table {
        cols: &COLUMNS,
        sorted: view.sort.arrow(),
        wide: view.wide(cx),
        len: view.rows.len(),
    };
    draw_table(frame, area, &table, &view.nav, t, &cell);
}

/// The panel's right title: `40 accounts · 2 not scanned`, or what the filter kept.
fn info(view: &AccountsView) -> String {
    let refused = view
        .all
        .iter()
        .filter(|s| s.scan_state == ScanState::NotScanned)
        .count();
    let base = super::filtered(view.rows.len(), view.total(), "accounts", &view.filter);
    if refused > 0 {
        format!("{base} · {refused} not scanned")
    } else {
        base
    }
}

/// The detail of `account:ID`: who the scan was there, where the account sits, and what
/// in it does not pass, each line opening its evidence.
pub fn element_doc(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, t: &Theme, id: &str) {
    let Some(a) = state.estate.accounts.iter().find(|a| a.id == id) else {
        doc.push(Line::from(Span::styled(
            format!("account {} is not in the current scan", clean(id)),
            t.muted,
        )));
        return;
    };
    doc.heading(format!("Account {}", clean(&a.label())), t);
    doc.blank();
    identity_lines(doc, a, t);
    let summary = summaries_of(state, eval, std::iter::once(a))
        .pop()
        .unwrap_or_default();
    doc.blank();
    if a.entered_by_scan() {
        resource_lines(doc, &summary, t);
    } else {
        doc.push(Line::from(Span::styled(
            "Nothing in this account was read, so no check can pass for it:",
            t.muted,
        )));
    }
    if let Some(eval) = eval {
        path_lines(doc, eval, &a.id, t);
        finding_lines(doc, eval, &a.id, t);
    }
}

fn identity_lines(doc: &mut Doc, a: &Account, t: &Theme) {
    doc.push(Line::from(vec![
        Span::styled(format!("  {:<20} ", "scan state"), t.muted),
        scan_span(a.scan_state, t),
    ]));
    if let Some(why) = &a.scan_error {
        doc.push(kv("why", clean(why), t));
    } else if !a.entered_by_scan() {
        doc.push(kv("why", "no reason recorded".into(), t));
    }
    if let Some(caller) = &a.caller_arn {
        doc.push(kv("read as", clean(caller), t));
    }
    if let Some(role) = &a.assumed_role {
        doc.push(kv("role", clean(role), t));
    }
    if let Some(ou) = &a.ou_path {
        doc.push(kv("OU", clean(ou), t));
    }
    if let Some(status) = &a.status {
        doc.push(kv("in Organizations", clean(status), t));
    }
    for (k, v) in &a.tags {
        doc.push(kv(&format!("tag {}", clean(k)), clean(v), t));
    }
}

fn resource_lines(doc: &mut Doc, s: &Summary, t: &Theme) {
    doc.heading("Buckets", t);
    let total: usize = s.buckets.iter().sum();
    if total == 0 {
        doc.push(Line::from(Span::styled("  no buckets", t.muted)));
    }
    for (v, n) in s.verdicts().filter(|(_, n)| *n > 0) {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    format!(
                        "{} {n} {}",
                        v.glyph(),
                        super::super::widgets::verdict_word(v)
                    ),
                    t.verdict(v),
                ),
            ]),
            Link::Buckets(bucket_filter(&s.id, v)),
        );
    }
    doc.link(
        Line::from(Span::styled(
            format!("  {} workgroups", s.workgroups),
            t.base,
        )),
        Link::Workgroups(format!("account:{}", s.id)),
    );
}

/// The bucket-list filter of one account's buckets with one verdict (`enforced` is also a
/// part of `not-enforced`, so it excludes that word).
fn bucket_filter(id: &str, v: Verdict) -> String {
    let verdict = match v {
        Verdict::Enforced => "enforced !not-enforced",
        other => super::buckets::verdict_token(other),
    };
    format!("account:{id} {verdict}")
}

fn path_lines(doc: &mut Doc, eval: &Evaluation, id: &str, t: &Theme) {
    let paths: Vec<_> = eval.paths.iter().filter(|p| p.account_id == id).collect();
    if paths.is_empty() {
        return;
    }
    doc.blank();
    doc.heading("Paths from on-premises", t);
    for p in paths {
        let (st, text) = super::connectivity::path_status(p);
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(st, clean(&format!("{} in {}", p.name, p.region)), t),
                Span::styled(format!("  {text}"), t.muted),
            ]),
            Link::Element(Element::Path(p.id.clone())),
        );
    }
}

fn finding_lines(doc: &mut Doc, eval: &Evaluation, id: &str, t: &Theme) {
    let open: Vec<_> = eval
        .checks
        .iter()
        .flat_map(|c| &c.findings)
        .filter(|f| *f.resource.account_id == *id)
        .filter(|f| {
            matches!(
                f.status,
                compliance::Status::Fail | compliance::Status::Unknown
            )
        })
        .collect();
    doc.blank();
    if open.is_empty() {
        doc.push(Line::from(status_span(
            Status::Good,
            "every finding in this account passes or does not apply",
            t,
        )));
        return;
    }
    doc.heading(format!("Findings that do not pass ({})", open.len()), t);
    for f in open {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(ui_status(f.status), format!("{:<7}", f.status.as_str()), t),
                Span::raw(format!(" {}", f.check)),
                Span::styled(format!("  {}", clean(&f.resource.id)), t.muted),
            ]),
            Link::Finding(f.id.to_string()),
        );
    }
}
