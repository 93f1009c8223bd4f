//! One module per view. Each draws from the store's state and its own view state only.

pub mod accounts;
pub mod bucket_detail;
pub mod buckets;
pub mod changes;
pub mod compliance;
pub mod connectivity;
pub mod connectivity_detail;
pub mod errors;
pub mod exceptions;
pub mod finding;
pub mod fixes;
pub mod help;
pub mod overview;
pub mod subject;
pub mod traffic;
mod unscanned;
pub mod workgroup_detail;
pub mod workgroups;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::app::{App, Link, Top};
use super::page::{Cx, Page};
use super::theme::Theme;
use super::widgets::{clean, panel, truncate, width};
use crate::store::State;

/// `Some(x)` when the optional part of a registration is there, else `None` (what follows
/// `;` only ties `x` to that part).
macro_rules! given {
    () => {
        None
    };
    ($e:expr $(; $($part:tt)*)?) => {
        Some($e)
    };
}

/// The one list of views: each line names the view, the state it keeps (a type in its own
/// file, implementing [`Page`]), its scope in the key table, its title in the help and,
/// for a view a `:` command opens, the command, its aliases and its line in the help.
/// A new view is its file and one line here.
macro_rules! register {
    ($($kind:ident($ty:ty), $scope:literal, $title:literal
        $(, command($cmd:literal, [$($alias:literal),*], $about:literal))?;)*) => {
        /// A view on the stack, with its state.
        #[derive(Clone, Debug)]
        pub enum View {
            $($kind($ty),)*
        }

        /// Which view (without its state): what the key table, help and tests talk about.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$kind,)*];

            /// The view's scope name in `bindings.toml` and `keys.toml`.
            pub fn scope(self) -> &'static str {
                match self {
                    $(Kind::$kind => $scope,)*
                }
            }

            /// The view's name in the help.
            pub fn title(self) -> &'static str {
                match self {
                    $(Kind::$kind => $title,)*
                }
            }

            /// The `:` command that opens the view: name, aliases, its line in the help.
            pub fn command(self) -> Option<super::command::Spec> {
                match self {
                    $(Kind::$kind => given!($(($cmd, &[$($alias),*] as &[&str], $about))?),)*
                }
            }

            /// A fresh view of this kind, for a view a command opens.
            pub fn open(self) -> Option<View> {
                match self {
                    $(Kind::$kind => given!($(View::$kind(<$ty>::default()); $cmd)?),)*
                }
            }
        }

        impl View {
            pub fn kind(&self) -> Kind {
                match self {
                    $(View::$kind(_) => Kind::$kind,)*
                }
            }

            /// The view's behaviour.
            pub fn page(&self) -> &dyn Page {
                match self {
                    $(View::$kind(v) => v,)*
                }
            }

            pub fn page_mut(&mut self) -> &mut dyn Page {
                match self {
                    $(View::$kind(v) => v,)*
                }
            }
        }
    };
}

register! {
    Overview(overview::OverviewView), "overview", "Overview";
    Buckets(buckets::BucketsView), "buckets", "Buckets";
    BucketDetail(bucket_detail::BucketDetailView), "bucket_detail", "Bucket detail";
    Workgroups(workgroups::WorkgroupsView), "workgroups", "Workgroups";
    WorkgroupDetail(workgroup_detail::WorkgroupDetailView), "workgroup_detail", "Workgroup detail";
    Connectivity(connectivity::DiagramView), "connectivity", "Connectivity";
    ConnDetail(connectivity_detail::ElementView), "conn_detail", "Connectivity detail";
    Compliance(compliance::ComplianceView), "compliance", "Compliance";
    Errors(errors::ErrorsView), "errors", "Errors";
    ErrorDetail(errors::ErrorView), "error_detail", "Error detail";
    FindingDetail(finding::FindingView), "finding_detail", "Finding";
    Accounts(accounts::AccountsView), "accounts", "Accounts";
    Exceptions(exceptions::ExceptionsView), "exceptions", "Exceptions",
        command("exceptions", ["exc"], "accepted exceptions: what each matches, active, expired or stale");
    Changes(changes::ChangesView), "changes", "Changes since the baseline",
        command("changes", ["diff"], "what changed since --baseline: regressions first");
    Traffic(traffic::TrafficView), "traffic", "Traffic",
        command("traffic", ["logs"], "observed traffic: plain-HTTP and old-TLS clients, each client's path");
    Fixes(fixes::FixView), "fixes", "Top fixes",
        command("fix", ["fixes", "plan"], "the top fixes: what each would resolve, evaluated with it applied");
    TrafficClient(traffic::ClientView), "traffic_client", "Traffic client";
    Help(help::HelpView), "help", "Help";
}

impl View {
    /// A top-level view, fresh.
    pub fn top(top: Top) -> View {
        match top {
            Top::Overview => View::Overview(Default::default()),
            Top::Buckets => View::Buckets(Default::default()),
            Top::Workgroups => View::Workgroups(Default::default()),
            Top::Connectivity => View::Connectivity(Default::default()),
            Top::Compliance => View::Compliance(compliance::ComplianceView::programs()),
            Top::Errors => View::Errors(Default::default()),
            Top::Accounts => View::Accounts(Default::default()),
            Top::Help => View::Help(help::HelpView::about(Kind::Overview)),
        }
    }

    pub fn nav(&self) -> &super::widgets::ListNav {
        self.page().nav()
    }

    pub fn nav_mut(&mut self) -> &mut super::widgets::ListNav {
        self.page_mut().nav_mut()
    }

    /// The view's filter, for views that have one.
    pub fn filter(&self) -> Option<&str> {
        self.page().filter()
    }
}

/// A table's info line with its sort, when one is chosen: `3 of 8 workgroups · sort name ↑`.
pub fn with_sort(info: String, sort: Option<String>) -> String {
    match sort {
        Some(s) if info.is_empty() => s,
        Some(s) => format!("{info} · {s}"),
        None => info,
    }
}

/// `111122223333 (analytics-prod)`.
pub fn account_label(state: &State, id: &str) -> String {
    match state
        .estate
        .accounts
        .iter()
        .find(|a| a.id == id)
        .and_then(|a| a.name.as_deref())
    {
        Some(name) => clean(&format!("{id} ({name})")),
        None => clean(id),
    }
}

/// The filter tokens of the account a resource is in, lower-case and space-led:
/// `account:ID account:NAME ou:Root/Workloads/Prod ou:workloads ou:prod tag:team=payments`.
pub fn account_tokens(account: Option<&crate::model::Account>) -> String {
    let Some(a) = account else {
        return String::new();
    };
    let mut s = format!(" account:{}", a.id);
    if let Some(name) = &a.name {
        s.push_str(&format!(" account:{name}"));
    }
    if let Some(path) = &a.ou_path {
        s.push_str(&format!(" ou:{path}"));
        for level in path.split('/').skip(1) {
            s.push_str(&format!(" ou:{level}"));
        }
    }
    for (k, v) in &a.tags {
        s.push_str(&format!(" tag:{k}={v}"));
    }
    s.to_lowercase()
}

/// A `label  value` line of a detail view.
pub fn kv(label: &str, value: String, t: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {label:<20} "), t.muted),
        Span::styled(value, t.base),
    ])
}

/// The tab line's labels: full when they all fit in `term_width`; otherwise the current
/// tab keeps its name and the others are cut to the longest prefix that fits (`1 Over…`),
/// down to their number alone.
pub fn tab_labels(current: Top, term_width: u16) -> Vec<String> {
    let full = |t: Top| format!("{} {}", t.index() + 1, t.label());
    let fits = |labels: &[String]| {
        // A leading space, and one between tabs.
        labels.iter().map(|l| width(l)).sum::<usize>() + labels.len() <= usize::from(term_width)
    };
    let longest = Top::ALL.iter().map(|t| t.label().len()).max().unwrap_or(0);
    for keep in (0..=longest).rev() {
        let labels: Vec<String> = Top::ALL
            .iter()
            .map(|&t| match t.label() {
                _ if t == current => full(t),
                // A cut costs its `…`: a name one longer than the cut is shown whole.
                name if name.chars().count() <= keep + 1 => full(t),
                _ if keep == 0 => format!("{}", t.index() + 1),
                name => {
                    let cut: String = name.chars().take(keep).collect();
                    format!("{} {cut}…", t.index() + 1)
                }
            })
            .collect();
        if fits(&labels) || keep == 0 {
            return labels;
        }
    }
    Vec::new()
}

/// What `y` copies of a link's target when the view does not say: the name it is known by.
pub fn link_copy_text(state: &State, link: Link) -> Option<String> {
    match link {
        Link::Bucket(name) => Some(name),
        Link::Workgroup(key) => workgroup_detail::copy_text(state, &key),
        Link::Element(e) | Link::Diagram(e) => Some(e.id()),
        Link::Error(i) => errors::copy_text(state, i),
        Link::Finding(id) => Some(id),
        Link::Program(p) => Some(p),
        Link::Control(p, c) => Some(format!("{p} {c}")),
        Link::Buckets(f) | Link::Workgroups(f) => Some(f),
        Link::TrafficClient(i) => traffic::client(state, i).map(|c| c.principal.clone()),
        Link::Top(_) | Link::Open(_) => None,
    }
}

/// The panel with breadcrumbs, and the current view inside it.
pub fn draw_body(frame: &mut Frame, area: Rect, app: &App, state: &State) {
    let t = &app.theme;
    let crumbs = app.breadcrumbs();
    let n = crumbs.len();
    let mut spans = vec![Span::raw(" ")];
    let info = app.view().page().info(Cx::new(app, state));
    // The breadcrumbs leave the info (counts, sort, filter) its room; neither overflows.
    let info = truncate(&info, usize::from(area.width / 2)).into_owned();
    let budget = usize::from(area.width)
        .saturating_sub(width(&info) + 8)
        .max(16);
    let mut used = 0;
    for (i, c) in crumbs.iter().enumerate() {
        let last = i + 1 == n;
        if i > 0 {
            spans.push(Span::styled(" › ", t.muted));
            used += 3;
        }
        let room = if last {
            budget.saturating_sub(used)
        } else {
            28
        };
        let c = truncate(c, room.max(8)).into_owned();
        used += width(&c);
        spans.push(Span::styled(c, if last { t.title } else { t.muted }));
    }
    spans.push(Span::raw(" "));
    let mut block = panel(Line::from(spans), t);
    if !info.is_empty() {
        block = block.title(Line::from(Span::styled(format!(" {info} "), t.muted)).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    app.view()
        .page()
        .draw(frame, body_area(inner), Cx::new(app, state));
}

/// One column of air inside the panel's border: where a view draws.
pub fn body_area(inner: Rect) -> Rect {
    Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    }
}

pub fn filtered(n: usize, total: usize, noun: &str, filter: &str) -> String {
    if filter.is_empty() {
        format!("{total} {noun}")
    } else {
        format!("{n} of {total} {noun} · /{}", clean(filter))
    }
}

/// A policy document pretty-printed: each line with the statement index it belongs to.
pub fn pretty_policy(text: &str) -> Result<Vec<(String, Option<usize>)>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    pretty(&v, 0, "", false, None, true, &mut out);
    Ok(out)
}

fn pretty(
    v: &Value,
    indent: usize,
    prefix: &str,
    comma: bool,
    tag: Option<usize>,
    top: bool,
    out: &mut Vec<(String, Option<usize>)>,
) {
    let pad = " ".repeat(indent);
    let c = if comma { "," } else { "" };
    match v {
        Value::Object(map) if !map.is_empty() => {
            out.push((format!("{pad}{prefix}{{"), tag));
            let n = map.len();
            for (i, (k, val)) in map.iter().enumerate() {
                let key = format!("{}: ", Value::String(k.clone()));
                let last = i + 1 == n;
                if top && k == "Statement" {
                    match val {
                        Value::Array(items) if !items.is_empty() => {
                            out.push((format!("{pad}  {key}["), None));
                            let m = items.len();
                            for (j, item) in items.iter().enumerate() {
                                pretty(item, indent + 4, "", j + 1 < m, Some(j), false, out);
                            }
                            out.push((format!("{pad}  ]{}", if last { "" } else { "," }), None));
                        }
                        Value::Object(_) => {
                            pretty(val, indent + 2, &key, !last, Some(0), false, out);
                        }
                        _ => pretty(val, indent + 2, &key, !last, None, false, out),
                    }
                } else {
                    pretty(val, indent + 2, &key, !last, tag, false, out);
                }
            }
            out.push((format!("{pad}}}{c}"), tag));
        }
        Value::Array(items) if !items.is_empty() => {
            // Short arrays of scalars stay on one line.
            let scalars = items.iter().all(|x| !x.is_object() && !x.is_array());
            let one = serde_json::to_string(v)
                .unwrap_or_default()
                .replace("\",\"", "\", \"");
            if scalars && indent + prefix.len() + one.len() <= 72 {
                out.push((format!("{pad}{prefix}{one}{c}"), tag));
                return;
            }
            out.push((format!("{pad}{prefix}["), tag));
            let n = items.len();
            for (i, item) in items.iter().enumerate() {
                pretty(item, indent + 2, "", i + 1 < n, tag, false, out);
            }
            out.push((format!("{pad}]{c}"), tag));
        }
        scalar => {
            let s = serde_json::to_string(scalar).unwrap_or_default();
            out.push((format!("{pad}{prefix}{s}{c}"), tag));
        }
    }
}

/// Colours one line of pretty-printed JSON: keys, strings, literals, punctuation.
pub fn json_spans(line: &str, t: &Theme, base: Style) -> Vec<Span<'static>> {
    let line = clean(line);
    let mut spans = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    let flush = |plain: &mut String, spans: &mut Vec<Span<'static>>| {
        if !plain.is_empty() {
            spans.push(Span::styled(std::mem::take(plain), t.muted.patch(base)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            flush(&mut plain, &mut spans);
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let s: String = chars[start..i].iter().collect();
            let is_key = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':');
            let style = if is_key { t.json_key } else { t.json_string };
            spans.push(Span::styled(s, style.patch(base)));
        } else if c.is_ascii_digit() || c == '-' || c.is_ascii_alphabetic() {
            flush(&mut plain, &mut spans);
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || ".-+".contains(chars[i]))
            {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            spans.push(Span::styled(s, t.json_literal.patch(base)));
        } else {
            plain.push(c);
            i += 1;
        }
    }
    flush(&mut plain, &mut spans);
    spans
}

/// A JSON document (endpoint or bucket policy) as coloured lines, indented by two; raw
/// (sanitized) text when it is not JSON.
pub fn json_lines(text: &str, t: &Theme, _highlight: &[usize], _w: usize) -> Vec<Line<'static>> {
    match pretty_policy(text) {
        Ok(lines) => lines
            .into_iter()
            .map(|(l, _)| {
                let mut spans = vec![Span::raw("    ")];
                spans.extend(json_spans(&l, t, Style::default()));
                Line::from(spans)
            })
            .collect(),
        Err(_) => text
            .lines()
            .map(|l| Line::from(Span::styled(format!("    {}", clean(l)), t.muted)))
            .collect(),
    }
}
