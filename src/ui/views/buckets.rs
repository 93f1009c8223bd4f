//! Buckets: name, account, region, verdict (word + glyph), minimum TLS, Athena role,
//! enforcing source and error, sorted and filtered. Only the visible rows are built, so the
//! cost of a frame does not grow with the number of buckets; sorting happens when the store
//! changes or the sort changes, filtering on each keystroke over cached lower-case text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

use super::super::app::Link;
use super::super::page::{Cx, Fresh, Page, nav};
use super::super::table::TableSort;
use super::super::widgets::{
    Column, ListNav, Table, clean, draw_table, filter_terms, matches, verdict_span, width,
};
use crate::compliance::Evaluation;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::model::{Account, Bucket};
use crate::policy::Verdict;
use crate::store::State;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Worst first.
    #[default]
    Verdict,
    Name,
    Account,
    Region,
    MinTls,
    Athena,
    Source,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Verdict => Sort::Name,
            Sort::Name => Sort::Account,
            Sort::Account => Sort::Region,
            Sort::Region => Sort::MinTls,
            Sort::MinTls => Sort::Athena,
            Sort::Athena => Sort::Source,
            Sort::Source => Sort::Verdict,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Verdict => "verdict",
            Sort::Name => "name",
            Sort::Account => "account",
            Sort::Region => "region",
            Sort::MinTls => "min TLS",
            Sort::Athena => "Athena role",
            Sort::Source => "enforced by",
        }
    }

    /// The sort of a column (the error column has none).
    fn of_column(column: usize) -> Option<Sort> {
        let mut s = Sort::Verdict;
        loop {
            if s.column() == column {
                return Some(s);
            }
            s = s.next();
            if s == Sort::Verdict {
                return None;
            }
        }
    }

    fn column(self) -> usize {
        match self {
            Sort::Verdict => 0,
            Sort::Name => 1,
            Sort::Account => 2,
            Sort::Region => 3,
            Sort::MinTls => 4,
            Sort::Athena => 5,
            Sort::Source => 6,
        }
    }
}

const COLUMNS: [Column; 8] = [
    Column::new("VERDICT", 14, 0, 0),
    Column::new("NAME", 26, 3, 0),
    Column::new("ACCOUNT", 12, 0, 4),
    Column::new("REGION", 14, 0, 1),
    Column::new("MIN TLS", 7, 0, 3),
    Column::new("ATHENA", 14, 0, 2),
    Column::new("ENFORCED BY", 14, 1, 5),
    Column::new("ERROR", 16, 2, 6),
];

/// The token a filter uses for a verdict.
pub fn verdict_token(v: Verdict) -> &'static str {
    match v {
        Verdict::Enforced => "enforced",
        Verdict::Partial => "partial",
        Verdict::NotEnforced => "not-enforced",
        Verdict::Unknown => "unknown",
    }
}

/// `results`, `tables 3`, `results+tables 2`, or empty.
pub fn athena_role(b: &Bucket) -> String {
    let r = !b.athena.result_workgroups.is_empty();
    let t = b.athena.table_count;
    match (r, t) {
        (true, 0) => "results".into(),
        (true, n) => format!("results+tables {n}"),
        (false, 0) => String::new(),
        (false, n) => format!("tables {n}"),
    }
}

pub fn error_text(b: &Bucket) -> String {
    if let Some(e) = b.errors.first() {
        return clean(&e.short());
    }
    b.tls.error().as_deref().map(clean).unwrap_or_default()
}

/// Everything a filter can match, lower-case: name, account (id and name, and the tokens
/// `account:`, `ou:`, `tag:key=value`), region, verdict,
/// Athena role, enforcing source, TLS floor, and tokens such as `accepts-http`, `rcp-only`.
fn haystack(b: &Bucket, account: Option<&Account>, changed: bool) -> String {
    let account_name = account.and_then(|a| a.name.as_deref()).unwrap_or("");
    let mut s = String::with_capacity(b.name.len() + 96);
    s.push_str(&b.name.to_lowercase());
    s.push(' ');
    s.push_str(&b.account_id);
    s.push(' ');
    s.push_str(&account_name.to_lowercase());
    s.push_str(&super::account_tokens(account));
    s.push(' ');
    s.push_str(&b.region);
    s.push(' ');
    s.push_str(verdict_token(b.tls.verdict()));
    s.push_str(" verdict:");
    s.push_str(verdict_token(b.tls.verdict()));
    s.push_str(" region:");
    s.push_str(&b.region);
    if matches!(b.tls.verdict(), Verdict::NotEnforced | Verdict::Partial) {
        s.push_str(" accepts-http");
    }
    if b.athena.in_data_path() {
        s.push_str(" athena");
    }
    if !b.athena.result_workgroups.is_empty() {
        s.push_str(" results");
    }
    if b.athena.table_count > 0 {
        s.push_str(" tables");
    }
    let by = b.tls.enforced_by();
    if by.contains("RCP") {
        s.push_str(" rcp");
    }
    if b.tls.enforced_only_by_rcp() {
        s.push_str(" rcp-only");
    }
    if let Some(v) = b.tls.min_tls() {
        s.push_str(&format!(" tls{v}"));
    }
    if !b.errors.is_empty() || b.tls.error().is_some() {
        s.push_str(" error");
    }
    if changed {
        s.push_str(" changed");
    }
    s
}

#[derive(Clone, Debug, Default)]
pub struct BucketsView {
    pub nav: ListNav,
    pub filter: String,
    pub sort: Sort,
    /// Ascending instead of the sort's natural order.
    pub reverse: bool,
    /// Indices into `estate.buckets`, sorted and filtered: what the table shows.
    pub rows: Vec<usize>,
    sorted: Vec<usize>,
    hay: Vec<String>,
    version: Option<u64>,
    applied: String,
    /// The selected bucket's name, to keep it selected when rows move.
    selected_name: Option<String>,
    /// Buckets whose verdict or TLS floor changed since `--baseline` (the `changed` token).
    changed: Arc<HashSet<String>>,
    /// The longest name's width, for the name column.
    name_width: usize,
}

impl Page for BucketsView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Buckets".into()
    }

    fn len(&self, _cx: Cx) -> usize {
        self.rows.len()
    }

    fn link(&self, cx: Cx, row: usize) -> Option<Link> {
        let b = cx.state.estate.buckets.get(*self.rows.get(row)?)?;
        Some(Link::Bucket(b.name.clone()))
    }

    fn info(&self, cx: Cx) -> String {
        self.info_text(cx.state)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, cx: Cx) {
        draw(frame, area, cx, self)
    }

    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }

    fn set_filter(&mut self, filter: String, state: &State) {
        self.refresh_rows(state);
        self.filter = filter;
        self.apply_filter(state);
    }

    fn sort(&mut self, reverse: bool, cx: &Fresh) -> Option<String> {
        if reverse {
            self.reverse = !self.reverse;
        } else {
            self.sort = self.sort.next();
            self.reverse = false;
        }
        self.resort(cx.state);
        Some(self.sorted_text())
    }

    fn sort_by_column(&mut self, column: usize, cx: &Fresh) -> Option<String> {
        let Some(sort) = Sort::of_column(column) else {
            return Some("the error column does not sort".into());
        };
        self.reverse = sort == self.sort && !self.reverse;
        self.sort = sort;
        self.resort(cx.state);
        Some(self.sorted_text())
    }

    fn columns(&self) -> &'static [Column] {
        &COLUMNS
    }

    fn wide(&self, _cx: Cx) -> Option<(usize, u16)> {
        // The `Δ ` mark of a changed bucket is part of the name cell.
        let mark = if self.changed.is_empty() { 0 } else { 2 };
        Some((
            1,
            (self.name_width + mark).min(usize::from(u16::MAX)) as u16,
        ))
    }

    fn refresh(&mut self, cx: &Fresh) {
        self.set_changed(cx.changed);
        self.refresh_rows(cx.state);
    }

    fn invalidate(&mut self) {
        self.version = None;
    }

    fn remember(&mut self, state: &State) {
        self.selected_name = self
            .rows
            .get(self.nav.selected)
            .and_then(|&i| state.estate.buckets.get(i))
            .map(|b| b.name.clone());
    }
}

impl BucketsView {
    /// The list with `filter` applied.
    pub fn filtered(filter: String, state: &State) -> BucketsView {
        let mut view = BucketsView::default();
        view.set_filter(filter, state);
        view
    }

    fn sorted_text(&self) -> String {
        format!("sorted by {}", self.sort_words())
    }

    /// `verdict ↑`: the sort, for the message line and the title.
    fn sort_words(&self) -> String {
        format!(
            "{} {}",
            self.sort.label(),
            TableSort::arrow_of(self.reverse)
        )
    }

    /// Takes the buckets that changed since the baseline; the search text follows.
    pub fn set_changed(&mut self, changed: &Arc<HashSet<String>>) {
        if !Arc::ptr_eq(&self.changed, changed) {
            self.changed = Arc::clone(changed);
            self.version = None;
        }
    }

    /// Re-derives the rows when the store changed: the search text of the buckets that changed
    /// since the last refresh (all of them when an account did), then the order, starting from
    /// the previous one so a few changes cost a nearly-sorted pass, not a full sort.
    pub fn refresh_rows(&mut self, state: &State) {
        if self.version == Some(state.version) && self.hay.len() == state.estate.buckets.len() {
            return;
        }
        let since = self.version.unwrap_or(0);
        let all = self.version.is_none();
        let accounts = state.accounts_changed_since(since);
        self.version = Some(state.version);
        let buckets = &state.estate.buckets;
        self.hay.truncate(buckets.len());
        let mut changed: Vec<usize> = Vec::new();
        let by_id: HashMap<&str, &Account> = state
            .estate
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), a))
            .collect();
        for (i, b) in buckets.iter().enumerate() {
            let account_changed = !accounts.is_empty() && accounts.contains(b.account_id.as_str());
            if i < self.hay.len() && !all && !account_changed && state.bucket_stamp(i) <= since {
                continue;
            }
            let changed_since = self.changed.contains(&b.name);
            self.name_width = self.name_width.max(width(&b.name));
            let hay = haystack(b, by_id.get(b.account_id.as_str()).copied(), changed_since);
            if i < self.hay.len() {
                self.hay[i] = hay;
            } else {
                self.hay.push(hay);
            }
            changed.push(i);
        }
        if all {
            self.resort(state);
        } else if !changed.is_empty() || self.sorted.len() != buckets.len() {
            self.resort_changed(state, Some(&changed));
        }
    }

    /// Sorts again (sort key or direction changed, or new data).
    pub fn resort(&mut self, state: &State) {
        self.resort_changed(state, None);
    }

    /// Sorts again. With `changed` (the rows whose sort keys may have moved, new rows
    /// included), the other rows keep their order: the changed ones are sorted alone and
    /// merged in, one pass over the list. A streaming scan changes thousands of rows a frame,
    /// scattered through the list, and sorting it all again cost most of a frame.
    fn resort_changed(&mut self, state: &State, changed: Option<&[usize]>) {
        let buckets = &state.estate.buckets;
        let (sort, reverse) = (self.sort, self.reverse);
        let cmp = |a: &usize, b: &usize| compare(sort, reverse, buckets, *a, *b);
        let previous_fits = self.sorted.iter().all(|&i| i < buckets.len());
        let idx = match changed {
            Some(changed) if previous_fits => {
                let mut moved = vec![false; buckets.len()];
                for &i in changed {
                    moved[i] = true;
                }
                let mut fresh: Vec<usize> = changed.to_vec();
                fresh.extend((self.sorted.len()..buckets.len()).filter(|&i| !moved[i]));
                fresh.sort_by(cmp);
                fresh.dedup();
                let kept = self.sorted.iter().copied().filter(|&i| !moved[i]);
                merge(kept, fresh, cmp, buckets.len())
            }
            _ => {
                let mut idx: Vec<usize> = if previous_fits {
                    let mut idx = self.sorted.clone();
                    idx.extend(self.sorted.len()..buckets.len());
                    idx
                } else {
                    (0..buckets.len()).collect()
                };
                if idx.len() != buckets.len() {
                    idx = (0..buckets.len()).collect();
                }
                idx.sort_by(cmp);
                idx
            }
        };
        self.sorted = idx;
        self.applied.clear();
        self.rows.clear();
        self.apply_filter(state);
    }

    fn apply_filter(&mut self, state: &State) {
        let terms = filter_terms(&self.filter);
        let narrowing = !self.applied.is_empty()
            && self.filter.starts_with(&self.applied)
            && !self.filter.contains('!')
            && !self.filter[self.applied.len()..].starts_with(' ');
        let source: &[usize] = if narrowing && !self.rows.is_empty() {
            &self.rows
        } else {
            &self.sorted
        };
        let rows: Vec<usize> = if terms.is_empty() {
            self.sorted.clone()
        } else {
            source
                .iter()
                .copied()
                .filter(|&i| self.hay.get(i).is_some_and(|h| matches(h, &terms)))
                .collect()
        };
        self.rows = rows;
        self.applied = self.filter.clone();
        // Keep the selected bucket selected when it is still listed.
        let pos = self.selected_name.as_ref().and_then(|name| {
            self.rows
                .iter()
                .position(|&i| state.estate.buckets.get(i).is_some_and(|b| &b.name == name))
        });
        match pos {
            Some(p) => self.nav.selected = p,
            None => self.nav.clamp(self.rows.len()),
        }
    }

    fn info_text(&self, state: &State) -> String {
        let counts = super::filtered(
            self.rows.len(),
            state.estate.buckets.len(),
            "buckets",
            &self.filter,
        );
        super::with_sort(counts, Some(format!("sort {}", self.sort_words())))
    }
}

fn draw(frame: &mut Frame, area: Rect, cx: Cx, view: &BucketsView) {
    let (app, state, t) = (cx.app, cx.state, cx.theme());
    let buckets = &state.estate.buckets;
    let cell = |r: usize, c: usize| -> Vec<Span<'static>> {
        let Some(b) = view.rows.get(r).and_then(|&i| buckets.get(i)) else {
            return Vec::new();
        };
        match c {
            0 => vec![verdict_span(b.tls.verdict(), t)],
            1 if app.changed_buckets.contains(&b.name) => {
                vec![Span::styled("Δ ", t.accent), Span::raw(clean(&b.name))]
            }
            1 => vec![Span::raw(clean(&b.name))],
            2 => vec![Span::styled(clean(&b.account_id), t.muted)],
            3 => vec![Span::raw(clean(&b.region))],
            4 => vec![match b.tls.min_tls() {
                Some(v) => Span::raw(v.to_string()),
                None => Span::styled("—", t.muted),
            }],
            5 => vec![Span::raw(athena_role(b))],
            6 => {
                let by = b.tls.enforced_by();
                let style = if by == "—" { t.muted } else { t.base };
                vec![Span::styled(by, style)]
            }
            7 => vec![Span::styled(error_text(b), t.error)],
            _ => Vec::new(),
        }
    };
    let table = Table {
        cols: &COLUMNS,
        sorted: Some((view.sort.column(), view.reverse)),
        wide: view.wide(cx),
        len: view.rows.len(),
    };
    draw_table(frame, area, &table, &view.nav, t, &cell);
}

/// The order of two rows under `sort` (reversed with `reverse`); names break ties, so the
/// order is total.
fn compare(sort: Sort, reverse: bool, buckets: &[Bucket], a: usize, b: usize) -> Ordering {
    let (x, y) = (&buckets[a], &buckets[b]);
    let by_name = || x.name.cmp(&y.name);
    let ord = match sort {
        Sort::Verdict => x
            .tls
            .verdict()
            .rank()
            .cmp(&y.tls.verdict().rank())
            .then_with(|| y.athena.in_data_path().cmp(&x.athena.in_data_path()))
            .then_with(by_name),
        Sort::Name => by_name(),
        Sort::Account => x.account_id.cmp(&y.account_id).then_with(by_name),
        Sort::Region => x.region.cmp(&y.region).then_with(by_name),
        Sort::MinTls => y.tls.min_tls().cmp(&x.tls.min_tls()).then_with(by_name),
        Sort::Athena => {
            let k = |b: &Bucket| (!b.athena.result_workgroups.is_empty(), b.athena.table_count);
            k(y).cmp(&k(x)).then_with(by_name)
        }
        Sort::Source => x
            .tls
            .enforced_by()
            .cmp(y.tls.enforced_by())
            .then_with(by_name),
    };
    if reverse { ord.reverse() } else { ord }
}

/// Two sorted lists as one; on ties the kept row first. Each fresh row finds its place by
/// binary search, so a frame's few thousand changes cost thousands of comparisons, not one per
/// row of the list; the rows between are copied.
fn merge(
    kept: impl Iterator<Item = usize>,
    fresh: Vec<usize>,
    cmp: impl Fn(&usize, &usize) -> Ordering,
    len: usize,
) -> Vec<usize> {
    let kept: Vec<usize> = kept.collect();
    let mut out = Vec::with_capacity(len);
    let mut from = 0;
    for f in fresh {
        let at = from + kept[from..].partition_point(|k| cmp(k, &f) != Ordering::Greater);
        out.extend_from_slice(&kept[from..at]);
        out.push(f);
        from = at;
    }
    out.extend_from_slice(&kept[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::BucketsView;
    use crate::model::{Account, Bucket, Mode, Partition, PolicyText};
    use crate::store::{Store, Update};
    use crate::ui::page::Page;

    fn bucket(name: &str, enforced: bool) -> Update {
        let policy = if enforced {
            PolicyText::Present {
                text: format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
                )
                .into(),
            }
        } else {
            PolicyText::None
        };
        Update::Bucket(Box::new(Bucket::new(
            "111111111111",
            name,
            "eu-west-1",
            policy,
        )))
    }

    fn rows(view: &mut BucketsView, store: &Store) -> Vec<String> {
        store.read(|s| {
            view.refresh_rows(s);
            view.rows
                .iter()
                .map(|&i| s.estate.buckets[i].name.clone())
                .collect()
        })
    }

    /// The list follows only what changed, and still shows exactly what the store holds.
    #[test]
    fn the_list_follows_changed_buckets_new_buckets_and_account_names() {
        let store = Store::new(Mode::Snapshot);
        store.apply_all([bucket("a", false), bucket("b", true), bucket("c", false)]);
        let mut view = BucketsView::default();
        store.read(|s| view.set_filter("accepts-http".into(), s));
        assert_eq!(rows(&mut view, &store), ["a", "c"]);

        store.apply(bucket("c", true));
        assert_eq!(
            rows(&mut view, &store),
            ["a"],
            "a changed bucket is searched again"
        );
        store.apply(bucket("d", false));
        assert_eq!(
            rows(&mut view, &store),
            ["a", "d"],
            "a new bucket is listed"
        );

        store.read(|s| view.set_filter("payments".into(), s));
        assert!(rows(&mut view, &store).is_empty());
        store.apply(Update::Account(Account {
            name: Some("Payments".into()),
            ..Account::entered(
                "111111111111",
                Partition::Aws,
                "arn:aws:sts::111111111111:assumed-role/a/b",
            )
        }));
        assert_eq!(
            rows(&mut view, &store),
            ["a", "d", "b", "c"],
            "an account's new name is searched in all its buckets (verdict order)"
        );
    }

    /// The organization's words filter buckets: `account:`, `ou:` (a whole path or one level)
    /// and `tag:key=value`, each as a rule row.
    #[test]
    fn organization_words_filter_by_account_ou_and_tag() {
        let store = Store::new(Mode::Snapshot);
        let org = |id: &str, name: &str, ou: &str, tag: (&str, &str)| {
            Update::Account(Account {
                name: Some(name.into()),
                ou_path: Some(ou.into()),
                tags: [(tag.0.to_string(), tag.1.to_string())].into(),
                ..Account::entered(id, Partition::Aws, "arn:aws:sts::1:assumed-role/a/b")
            })
        };
        store.apply(org(
            "111111111111",
            "Payments-Prod",
            "Root/Workloads/Prod",
            ("team", "payments"),
        ));
        store.apply(org(
            "222222222222",
            "sandbox",
            "Root/Sandbox",
            ("team", "Labs"),
        ));
        store.apply(bucket("a", true));
        store.apply(Update::Bucket(Box::new(Bucket::new(
            "222222222222",
            "b",
            "eu-west-1",
            PolicyText::None,
        ))));
        let mut view = BucketsView::default();
        let rows_for = |filter: &str, view: &mut BucketsView| {
            store.read(|s| view.set_filter(filter.into(), s));
            rows(view, &store)
        };
        let cases: [(&str, &str, &[&str]); 7] = [
            (
                "an account by name, any case",
                "account:payments-prod",
                &["a"],
            ),
            ("an account by id", "account:222222222222", &["b"]),
            ("an OU by its whole path", "ou:root/workloads/prod", &["a"]),
            ("an OU by one level of its path", "ou:workloads", &["a"]),
            ("a tag, key and value", "tag:team=labs", &["b"]),
            ("a tag negated", "!tag:team=labs", &["a"]),
            ("an OU no account is in", "ou:security", &[]),
        ];
        for (rule, filter, want) in cases {
            assert_eq!(rows_for(filter, &mut view), want, "{rule}: {filter}");
        }
    }

    /// A streaming scan re-sorts only the rows that changed: the result is the order a full
    /// sort gives, for every sort and direction.
    #[test]
    fn sorting_the_changed_rows_alone_gives_the_full_order() {
        use super::Sort;
        for sort in [
            Sort::Verdict,
            Sort::Name,
            Sort::Account,
            Sort::Region,
            Sort::MinTls,
            Sort::Athena,
            Sort::Source,
        ] {
            for reverse in [false, true] {
                let store = Store::new(Mode::Snapshot);
                for i in 0..120 {
                    store.apply(bucket(&format!("b{:03}", (i * 37) % 120), i % 3 == 0));
                }
                let mut view = BucketsView {
                    sort,
                    reverse,
                    ..BucketsView::default()
                };
                rows(&mut view, &store);
                // Some change verdict, some are new.
                for i in (0..120).step_by(7) {
                    store.apply(bucket(&format!("b{i:03}"), i % 2 == 0));
                }
                for i in 120..140 {
                    store.apply(bucket(&format!("a{i:03}"), i % 2 == 1));
                }
                let incremental = rows(&mut view, &store);
                store.read(|s| view.resort(s));
                let full = rows(&mut view, &store);
                assert_eq!(incremental, full, "{sort:?}, reverse {reverse}");
            }
        }
    }
}
