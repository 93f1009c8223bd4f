//! One module per view. Each draws from the store's state and its own view state only.

pub mod accounts;
pub mod bucket_detail;
pub mod buckets;
pub mod changes;
pub mod compliance;
pub mod connectivity;
mod connectivity_detail;
pub mod errors;
pub mod exceptions;
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

use super::app::{App, Link, Top, View};
use super::theme::Theme;
use super::widgets::{clean, draw_doc, panel, truncate, width};
use crate::store::State;

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

/// The breadcrumb of one view on the stack.
pub fn crumb(v: &View, eval: Option<&crate::compliance::Evaluation>) -> String {
    match v {
        View::Overview(_) => "Overview".into(),
        View::Buckets(_) => "Buckets".into(),
        View::BucketDetail(d) => clean(&d.key),
        View::Workgroups(_) => "Workgroups".into(),
        View::WorkgroupDetail(d) => clean(d.key.split_once('/').map(|(_, k)| k).unwrap_or(&d.key)),
        View::Connectivity(_) => "Connectivity".into(),
        View::ConnDetail(d) => match d.key.split_once(':') {
            Some(("tunnel", rest)) => clean(&format!(
                "tunnel {}",
                rest.rsplit(':').next().unwrap_or(rest)
            )),
            Some((_, rest)) => clean(rest),
            None => clean(&d.key),
        },
        View::Compliance(c) => c.crumb(eval),
        View::Errors(_) => "Errors".into(),
        View::ErrorDetail(d) => format!("error {}", d.key.parse::<usize>().unwrap_or(0) + 1),
        View::FindingDetail(d) => clean(d.key.rsplit('/').next().unwrap_or(&d.key)),
        View::Accounts(_) => "Accounts".into(),
        View::Exceptions(_) => "Exceptions".into(),
        View::Changes(_) => "Changes".into(),
        View::Traffic(_) => "Traffic".into(),
        View::TrafficClient(d) => format!("client {}", d.key.parse::<usize>().unwrap_or(0) + 1),
        View::Help(_) => "Help".into(),
    }
}

/// What `y` copies in the current view.
pub fn copy_text(app: &App, state: &State) -> Option<String> {
    match app.view() {
        View::BucketDetail(d) => bucket_detail::copy_text(state, &d.key),
        View::WorkgroupDetail(d) => workgroup_detail::copy_text(state, &d.key),
        View::ErrorDetail(d) => errors::copy_text(state, &d.key),
        View::FindingDetail(d) => Some(d.key.clone()),
        View::TrafficClient(d) => traffic::client(state, &d.key).map(|c| c.principal.clone()),
        View::Compliance(c) => c.copy(app.evaluation(), c.nav.selected),
        View::ConnDetail(d) => Some(
            d.key
                .split_once(':')
                .map(|(_, k)| k)
                .unwrap_or(&d.key)
                .to_string(),
        ),
        _ => match app.selected_link(state)? {
            Link::Bucket(name) => Some(name),
            Link::Workgroup(key) => workgroup_detail::copy_text(state, &key),
            Link::Element(id) | Link::Diagram(id) => Some(
                id.split_once(':')
                    .map(|(_, k)| k)
                    .unwrap_or(&id)
                    .to_string(),
            ),
            Link::Error(i) => errors::copy_text(state, &i.to_string()),
            Link::Finding(id) => Some(id),
            Link::Program(p) => Some(p),
            Link::Control(p, c) => Some(format!("{p} {c}")),
            Link::Buckets(f) | Link::Workgroups(f) => Some(f),
            Link::TrafficClient(i) => {
                traffic::client(state, &i.to_string()).map(|c| c.principal.clone())
            }
            Link::Top(_) | Link::Traffic => None,
        },
    }
}

/// The panel with breadcrumbs, and the current view inside it.
pub fn draw_body(frame: &mut Frame, area: Rect, app: &App, state: &State) {
    let t = &app.theme;
    let crumbs = app.breadcrumbs();
    let n = crumbs.len();
    let mut spans = vec![Span::raw(" ")];
    let budget = usize::from(area.width.saturating_sub(30));
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
    let info = info(app, state);
    let mut block = panel(Line::from(spans), t);
    if !info.is_empty() {
        block = block.title(Line::from(Span::styled(format!(" {info} "), t.muted)).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // One column of air inside the border.
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    match app.view() {
        View::Overview(v) => {
            let w = usize::from(inner.width);
            let doc = app.cached_doc("overview", w, state, || {
                overview::doc(state, app.evaluation(), t, w)
            });
            draw_doc(frame, inner, &doc, &v.nav, true, t);
        }
        View::Buckets(b) => buckets::draw(frame, inner, app, state, b),
        View::Workgroups(l) => workgroups::draw(frame, inner, app, state, l),
        View::Errors(l) => errors::draw(frame, inner, app, state, l),
        View::Connectivity(v) => connectivity::draw(frame, inner, app, state, v),
        View::Compliance(c) => compliance::draw(frame, inner, app, state, c),
        View::Accounts(a) => accounts::draw(frame, inner, app, a),
        v => {
            if let Some(doc) = app.doc(v, state) {
                draw_doc(frame, inner, &doc, v.nav(), true, t);
            }
        }
    }
}

/// The right side of the panel title: counts, sort and filter.
fn info(app: &App, state: &State) -> String {
    match app.view() {
        View::Buckets(b) => b.info(state),
        View::Workgroups(l) => {
            let n = workgroups::rows(state, &l.filter).len();
            filtered(n, state.estate.workgroups.len(), "workgroups", &l.filter)
        }
        View::Errors(l) => {
            let n = errors::rows(state, &l.filter).len();
            filtered(n, super::draw::error_count(state), "errors", &l.filter)
        }
        View::Compliance(c) => c.info(app.evaluation()),
        View::Accounts(a) => accounts::info(a),
        _ => String::new(),
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
