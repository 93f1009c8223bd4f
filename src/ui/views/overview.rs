//! Overview: the answers first ("at a glance"), then TLS verdict counts, the Athena result
//! buckets that accept plain HTTP, the network links, the compliance programs and the worst
//! findings. Every line that names something is a link: Enter drills in.

use ratatui::text::{Line, Span};

use super::super::app::{Link, Top};
use super::super::element::Element;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{
    Doc, ListNav, Status, clean, column, column_width, status_span, truncate, verdict_span,
    verdict_text, width,
};
use super::compliance::{finding_link, status as ui_status};
use super::connectivity::{hop_label, path_status};
use super::{Kind, compliance};
use crate::compliance::paths::summary;
use crate::compliance::{Evaluation, Finding};
use crate::model::Bucket;
use crate::policy::Verdict;
use crate::store::State;

/// The Overview's cursor: on links only, on the first until the operator moves it.
#[derive(Clone, Debug, Default)]
pub struct OverviewView {
    pub nav: ListNav,
    pub placed: bool,
}

impl Page for OverviewView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Overview".into()
    }

    fn doc(&self, cx: Cx) -> Option<std::sync::Arc<Doc>> {
        let w = cx.width();
        let top = cx.app.planned().and_then(|p| p.plan.items.first());
        Some(cx.app.cached_doc("overview", w, cx.state, || {
            doc(cx.state, cx.eval(), top, cx.theme(), w)
        }))
    }

    fn links_only(&self) -> Option<bool> {
        Some(self.placed)
    }

    fn placed(&mut self) {
        self.placed = true;
    }
}

const VERDICTS: [Verdict; 4] = [
    Verdict::Enforced,
    Verdict::Partial,
    Verdict::NotEnforced,
    Verdict::Unknown,
];

fn counts<'a>(buckets: impl Iterator<Item = &'a Bucket>) -> [usize; 4] {
    let mut c = [0; 4];
    for b in buckets {
        let i = VERDICTS
            .iter()
            .position(|v| *v == b.tls.verdict())
            .unwrap_or(3);
        c[i] += 1;
    }
    c
}

/// Athena result buckets (a workgroup writes query results there) that accept plain HTTP.
pub fn open_result_buckets(state: &State) -> Vec<&Bucket> {
    let mut open: Vec<&Bucket> = state
        .estate
        .buckets
        .iter()
        .filter(|b| {
            !b.athena.result_workgroups.is_empty()
                && matches!(b.tls.verdict(), Verdict::NotEnforced | Verdict::Partial)
        })
        .collect();
    open.sort_by(|a, b| a.worst_first(b));
    open
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The Overview; `top` is the first of the top fixes, once they are planned.
pub fn doc(
    state: &State,
    eval: Option<&Evaluation>,
    top: Option<&crate::fix::PlanItem>,
    t: &Theme,
    w: usize,
) -> Doc {
    let mut doc = Doc::default();
    let open = open_result_buckets(state);
    let programs = compliance::programs(eval);
    let sections: [&dyn Fn(&mut Doc); 6] = [
        &|d| {
            at_a_glance(d, state, eval, t, &open, programs.as_deref());
            top_fix_line(d, top, t);
        },
        &|d| verdict_counts(d, state, t),
        &|d| open_result_lines(d, state, t, w, &open),
        &|d| network(d, state, eval, t, w),
        &|d| program_lines(d, t, programs.as_deref()),
        &|d| worst_lines(d, state, eval, t, programs.is_some(), w),
    ];
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            doc.blank();
        }
        section(&mut doc);
    }
    doc
}

/// At a glance: the questions a newcomer asks, each a link to its answer.
fn at_a_glance(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    open: &[&Bucket],
    programs: Option<&[compliance::ProgramSummary]>,
) {
    doc.heading("At a glance", t);
    let e = &state.estate;
    let scanning =
        state.meta.finished_at.is_none() && state.meta.mode != crate::model::Mode::Snapshot;
    let result_buckets = e
        .buckets
        .iter()
        .filter(|b| !b.athena.result_workgroups.is_empty())
        .count();
    if e.buckets.is_empty() && scanning {
        doc.push(Line::from(Span::styled("  reading buckets…", t.muted)));
    } else if open.is_empty() {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(
                    Status::Good,
                    format!("every Athena result bucket denies plain HTTP ({result_buckets})"),
                    t,
                ),
            ]),
            Link::Buckets("results".into()),
        );
    } else {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(
                    Status::Bad,
                    format!(
                        "{} of {result_buckets} Athena result buckets accept{} plain HTTP",
                        open.len(),
                        if open.len() == 1 { "s" } else { "" }
                    ),
                    t,
                ),
            ]),
            Link::Buckets("results accepts-http".into()),
        );
        doc.push(Line::from(Span::styled(
            format!(
                "      worst: {} ({})",
                clean(&open[0].name),
                verdict_text(open[0].tls.verdict())
            ),
            t.muted,
        )));
    }
    paths_line(doc, state, eval, t);
    match programs {
        Some(list) => {
            for p in list.iter().filter(|p| p.headline) {
                let line = if p.failing.is_empty() {
                    status_span(p.status, format!("{}: no control fails", p.name), t)
                } else {
                    let ids: Vec<&str> = p.failing.iter().map(|f| f.0.as_str()).collect();
                    status_span(
                        Status::Bad,
                        format!(
                            "{}: {} ({})",
                            p.name,
                            if ids.len() == 1 {
                                "1 control fails".to_string()
                            } else {
                                format!("{} controls fail", ids.len())
                            },
                            ids.join(", ")
                        ),
                        t,
                    )
                };
                let link = match p.failing.as_slice() {
                    [one] => Link::Control(p.id.clone(), one.0.clone()),
                    _ => Link::Program(p.id.clone()),
                };
                doc.link(Line::from(vec![Span::raw("  "), line]), link);
            }
        }
        None => doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(Status::Info, "compliance programs: see 5 Compliance", t),
            ]),
            Link::Top(Top::Compliance),
        ),
    }
    traffic_line(doc, state, eval, t);
    accounts_lines(doc, state, t);
    exceptions_line(doc, eval, t);
}

/// The TLS verdict counts, of all buckets and of Athena's data path.
fn verdict_counts(doc: &mut Doc, state: &State, t: &Theme) {
    let e = &state.estate;
    doc.heading(
        "Is plain HTTP refused?  (bucket policy and resource control policies)",
        t,
    );
    let all = counts(e.buckets.iter());
    let path = counts(e.buckets.iter().filter(|b| b.athena.in_data_path()));
    doc.link(
        Line::from(vec![
            Span::styled(format!("  {:<18}", ""), t.muted),
            Span::styled(format!("{:>13}", "all buckets"), t.muted),
            Span::styled(format!("{:>20}", "Athena data path"), t.muted),
        ]),
        Link::Buckets(String::new()),
    );
    for (i, v) in VERDICTS.iter().enumerate() {
        let cell = |n: usize, w: usize| {
            let style = if n > 0 { t.verdict(*v) } else { t.muted };
            Span::styled(format!("{n:>w$}"), style)
        };
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled(format!("{:<18}", verdict_text(*v)), t.verdict(*v)),
                cell(all[i], 13),
                cell(path[i], 20),
            ]),
            Link::Buckets(super::buckets::verdict_token(*v).to_string()),
        );
    }
    let by_rcp = e
        .buckets
        .iter()
        .filter(|b| b.tls.enforced_only_by_rcp())
        .count();
    if by_rcp > 0 {
        doc.link(
            Line::from(Span::styled(
                format!(
                    "  {} enforced only by a resource control policy",
                    plural(by_rcp, "bucket", "buckets")
                ),
                t.muted,
            )),
            Link::Buckets("rcp-only".into()),
        );
    }
}

/// The Athena result buckets that accept plain HTTP.
fn open_result_lines(doc: &mut Doc, state: &State, t: &Theme, w: usize, open: &[&Bucket]) {
    let e = &state.estate;
    doc.heading(
        format!(
            "Athena result buckets that accept plain HTTP: {}",
            open.len()
        ),
        t,
    );
    let name_w = open
        .iter()
        .map(|b| width(&b.name))
        .max()
        .unwrap_or(0)
        .min(w.saturating_sub(40).max(20));
    for b in open {
        let wgs: Vec<String> = b
            .athena
            .result_workgroups
            .iter()
            .map(|w| clean(w.split_once('/').map(|x| x.1).unwrap_or(w)))
            .collect();
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    format!("{:<15}", verdict_text(b.tls.verdict())),
                    t.verdict(b.tls.verdict()),
                ),
                Span::raw(format!("{:<name_w$}  ", truncate(&clean(&b.name), name_w))),
                Span::styled(
                    format!("{:<15}results of {}", clean(&b.region), wgs.join(", ")),
                    t.muted,
                ),
            ]),
            Link::Bucket(b.name.clone()),
        );
    }
    if open.is_empty() && !e.buckets.is_empty() {
        doc.push(Line::from(Span::styled("  none", t.muted)));
    }
}

/// Every compliance program with its failing controls.
fn program_lines(doc: &mut Doc, t: &Theme, programs: Option<&[compliance::ProgramSummary]>) {
    doc.heading("Compliance programs", t);
    match programs {
        Some(list) if !list.is_empty() => {
            let name_w = list
                .iter()
                .map(|p| width(&p.name))
                .max()
                .unwrap_or(10)
                .min(32);
            for p in list {
                let mut spans = vec![
                    Span::raw("  "),
                    Span::styled(
                        format!("{:<10}", format!("{} {}", p.status.glyph(), p.label)),
                        t.status(p.status),
                    ),
                    Span::raw(format!("{:<name_w$}  ", truncate(&p.name, name_w))),
                ];
                let detail = if p.failing.is_empty() {
                    format!("{} controls", p.controls)
                } else {
                    let ids: Vec<&str> = p.failing.iter().map(|f| f.0.as_str()).collect();
                    format!(
                        "{} of {} controls fail: {}",
                        p.failing.len(),
                        p.controls,
                        ids.join(", ")
                    )
                };
                spans.push(Span::styled(detail, t.muted));
                doc.link(Line::from(spans), Link::Program(p.id.clone()));
            }
        }
        Some(_) => doc.push(Line::from(Span::styled("  no programs", t.muted))),
        None => doc.link(
            Line::from(Span::styled(
                "  · the compliance catalog is not part of this build yet (5 Compliance)",
                t.muted,
            )),
            Link::Top(Top::Compliance),
        ),
    }
}

/// The worst findings; without an evaluation, the worst data-path buckets.
fn worst_lines(
    doc: &mut Doc,
    state: &State,
    eval: Option<&Evaluation>,
    t: &Theme,
    evaluated: bool,
    w: usize,
) {
    let e = &state.estate;
    let worst = compliance::worst_findings(eval, 6);
    if !worst.is_empty() {
        doc.heading("Worst findings", t);
        let resource_w = column_width(
            worst.iter().map(|f| f.resource.as_str()),
            (w * 2 / 5).clamp(30, 60),
        );
        for f in worst {
            let mut spans = vec![
                Span::raw("  "),
                Span::styled(
                    format!("{:<10}", format!("{} {}", f.status.glyph(), f.label)),
                    t.status(f.status),
                ),
                Span::styled(format!("{:<9}", f.severity), t.muted),
            ];
            spans.push(Span::raw(column(&f.resource, resource_w)));
            spans.push(Span::styled(format!("  {}", f.message), t.muted));
            doc.link(Line::from(spans), f.link);
        }
    } else if !evaluated {
        // Without compliance findings, the buckets in Athena's data path that accept HTTP.
        let mut worst: Vec<&Bucket> = e
            .buckets
            .iter()
            .filter(|b| {
                b.athena.in_data_path()
                    && matches!(b.tls.verdict(), Verdict::NotEnforced | Verdict::Partial)
            })
            .collect();
        worst.sort_by(|a, b| a.worst_first(b));
        if !worst.is_empty() {
            doc.heading("Athena data-path buckets that accept plain HTTP", t);
        }
        for b in worst.into_iter().take(8) {
            doc.link(
                Line::from(vec![
                    Span::raw("  "),
                    verdict_span(b.tls.verdict(), t),
                    Span::raw(format!(
                        "{}{}",
                        " ".repeat(15usize.saturating_sub(width(&verdict_text(b.tls.verdict())))),
                        clean(&b.name)
                    )),
                    Span::styled(
                        format!("  {}", clean(b.tls.first_gap().as_deref().unwrap_or(""))),
                        t.muted,
                    ),
                ]),
                Link::Bucket(b.name.clone()),
            );
        }
    }
}

/// "Top fix: attach the RCP to OU Root/Workloads … makes 41 buckets … enforced" (`:fix`).
fn top_fix_line(doc: &mut Doc, top: Option<&crate::fix::PlanItem>, t: &Theme) {
    let Some(p) = top else {
        return;
    };
    doc.link(
        Line::from(vec![
            Span::raw("  "),
            status_span(
                Status::Info,
                format!("Top fix: {}", clean(&p.sentence())),
                t,
            ),
            Span::styled("  (:fix ranks them)", t.muted),
        ]),
        Link::Open(Kind::Fixes),
    );
}

/// The checks that judge the network between the data centres and Athena.
pub const NETWORK_CHECKS: [&str; 4] = [
    "vpn.tunnels",
    "dx.link_encryption",
    "vpc.athena_endpoint",
    "vpc.s3_endpoint",
];

/// "On-premises to Athena: 2 of 5 paths fully encrypted; weakest: …", opening that path.
/// Accounts the scan could not enter, or read only in part, after the three answers: those
/// answers say nothing of what such accounts hold. Each line opens the Errors view.
fn accounts_lines(doc: &mut Doc, state: &State, t: &Theme) {
    use crate::model::ScanState;
    let all = &state.estate.accounts;
    let of = |s: ScanState| all.iter().filter(move |a| a.scan_state == s);
    let what = if all.len() == 1 {
        "account"
    } else {
        "accounts"
    };
    let refused: Vec<_> = of(ScanState::NotScanned).collect();
    if let Some(first) = refused.first() {
        let text = format!(
            "{} of {} {what} could not be scanned",
            refused.len(),
            all.len()
        );
        doc.link(
            Line::from(vec![Span::raw("  "), status_span(Status::Bad, text, t)]),
            Link::Top(Top::Errors),
        );
        let more = match refused.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        doc.push(Line::from(Span::styled(
            format!(
                "      {}: {}{more}",
                clean(&first.label()),
                clean(first.scan_error.as_deref().unwrap_or("no reason recorded"))
            ),
            t.muted,
        )));
    }
    let partial = of(ScanState::Partial).count();
    if partial > 0 {
        let verb = if partial == 1 { "was" } else { "were" };
        let text = format!(
            "{partial} of {} {what} {verb} read only in part (see 6 Errors)",
            all.len()
        );
        doc.link(
            Line::from(vec![Span::raw("  "), status_span(Status::Unknown, text, t)]),
            Link::Top(Top::Errors),
        );
    }
}

fn paths_line(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, t: &Theme) {
    let Some(eval) = eval else {
        doc.push(Line::from(Span::styled(
            "  on-premises to Athena: judging paths…",
            t.muted,
        )));
        return;
    };
    let (good, all, weakest) = summary(&eval.paths);
    if all == 0 {
        if !state.estate.workgroups.is_empty() || state.idle() {
            doc.push(Line::from(vec![
                Span::raw("  "),
                status_span(
                    Status::Info,
                    "on-premises to Athena: no enabled workgroup, no path to judge",
                    t,
                ),
            ]));
        }
        return;
    }
    let (status, text, link) = match weakest {
        None => (
            Status::Good,
            format!("On-premises to Athena: all {all} paths fully encrypted"),
            Link::Top(super::super::app::Top::Connectivity),
        ),
        Some(p) => (
            ui_status(p.verdict),
            format!("On-premises to Athena: {good} of {all} paths fully encrypted"),
            Link::Diagram(Element::Path(p.id.clone())),
        ),
    };
    doc.link(
        Line::from(vec![Span::raw("  "), status_span(status, text, t)]),
        link,
    );
    if let Some(p) = weakest {
        let hop = p.weakest_hop().map(hop_label).unwrap_or_default();
        doc.push(Line::from(Span::styled(
            format!(
                "      weakest: via {} in {}: {hop}",
                clean(&p.name),
                clean(&p.region)
            ),
            t.muted,
        )));
    }
}

/// `via VPN vpn-… · analytics-prod eu-west-1`.
fn path_label(state: &State, p: &crate::compliance::paths::Path) -> String {
    let account = state
        .estate
        .accounts
        .iter()
        .find(|a| a.id == p.account_id)
        .and_then(|a| a.name.as_deref())
        .unwrap_or(&p.account_id);
    format!(
        "via {} · {}",
        clean(&p.name),
        clean(&format!("{account} {}", p.region))
    )
}

/// Every path, worst first, then every network finding that does not pass: the same findings
/// the report fails, each opening its element.
fn network(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, t: &Theme, w: usize) {
    doc.heading("From on-premises to Athena", t);
    let Some(eval) = eval else {
        doc.push(Line::from(Span::styled("  evaluating…", t.muted)));
        return;
    };
    let mut paths: Vec<_> = eval.paths.iter().collect();
    paths.sort_by(|a, b| a.verdict.cmp(&b.verdict).then(a.id.cmp(&b.id)));
    let labels: Vec<String> = paths.iter().map(|p| path_label(state, p)).collect();
    // The label column: as wide as the widest, up to half the line.
    let label_w = column_width(labels.iter().map(String::as_str), (w / 2).max(24));
    for (p, label) in paths.into_iter().zip(&labels) {
        let (s, text) = path_status(p);
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(s, format!("{:<7}", p.verdict.label()), t),
                Span::raw(format!(" {}  ", column(label, label_w))),
                Span::styled(text, t.muted),
            ]),
            Link::Diagram(Element::Path(p.id.clone())),
        );
    }
    let mut open: Vec<&Finding> = NETWORK_CHECKS
        .iter()
        .filter_map(|c| eval.check(c))
        .flat_map(|c| &c.findings)
        .filter(|f| f.status.at_or_below(crate::compliance::Status::Partial))
        .collect();
    open.sort_by(|a, b| Finding::listing_order(a, b));
    let passing = NETWORK_CHECKS
        .iter()
        .filter_map(|c| eval.check(c))
        .map(|c| c.counts.pass)
        .sum::<usize>();
    doc.blank();
    doc.heading(
        format!(
            "Network findings that do not pass: {}  ({passing} pass)",
            open.len()
        ),
        t,
    );
    let whats: Vec<String> = open
        .iter()
        .map(|f| match &f.resource.name {
            Some(n) if *n != f.resource.id => clean(&format!("{} ({n})", f.resource.id)),
            _ => clean(&f.resource.id),
        })
        .collect();
    let what_w = column_width(whats.iter().map(String::as_str), 40);
    let check_w = column_width(open.iter().map(|f| &*f.check), 28);
    for (f, what) in open.into_iter().zip(&whats) {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(ui_status(f.status), format!("{:<7}", f.status.label()), t),
                Span::raw(format!(" {} ", column(&f.check, check_w))),
                Span::raw(column(what, what_w)),
                Span::styled(format!("  {}", clean(&f.message())), t.muted),
            ]),
            finding_link(f),
        );
    }
}

/// With logs read: the buckets that served plain HTTP and the requests below TLS 1.2, as the
/// checks of observed traffic judged them (`:traffic` has the rows).
fn traffic_line(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, t: &Theme) {
    let (Some(traffic), Some(eval)) = (state.estate.traffic.as_deref(), eval) else {
        return;
    };
    let failing = |id: &str| {
        eval.check(id)
            .map(|c| {
                c.findings
                    .iter()
                    .filter(|f| f.status == crate::compliance::Status::Fail)
            })
            .into_iter()
            .flatten()
    };
    let served: Vec<&str> = failing(crate::compliance::checks::OBSERVED_PLAIN_HTTP)
        .map(|f| &*f.resource.id)
        .collect();
    let requests: u64 = served
        .iter()
        .filter_map(|b| traffic.bucket(b))
        .map(|b| b.plain_http_accepted)
        .sum();
    // As the findings judged it: the accounts of the scan whose requests were below TLS 1.2.
    let old = failing(crate::compliance::checks::OBSERVED_TLS).count();
    let mut parts = Vec::new();
    if !served.is_empty() {
        parts.push(format!(
            "{} served plain HTTP ({requests} requests)",
            plural(served.len(), "bucket", "buckets")
        ));
    }
    if old > 0 {
        parts.push(format!(
            "{} with requests below TLS 1.2",
            plural(old, "account", "accounts")
        ));
    }
    let (status, text) = if parts.is_empty() {
        (
            Status::Good,
            format!(
                "Logs: no plain-HTTP request served, no TLS below 1.2 ({} records)",
                traffic.coverage.records
            ),
        )
    } else {
        (Status::Bad, format!("Logs: {}", parts.join("; ")))
    };
    doc.link(
        Line::from(vec![Span::raw("  "), status_span(status, text, t)]),
        Link::Open(Kind::Traffic),
    );
}

/// With an exceptions file: how many findings are accepted, and the expired entries whose
/// findings count again (`:exceptions` lists them).
fn exceptions_line(doc: &mut Doc, eval: Option<&Evaluation>, t: &Theme) {
    let Some(a) = eval.map(|e| &e.acceptance).filter(|a| a.source.is_some()) else {
        return;
    };
    let accepted = a.accepted_count();
    let (_, _, stale) = a.counts();
    let (status, tail) = match (a.expired().count(), stale) {
        (0, 0) => (Status::Info, String::new()),
        (0, s) => (Status::Warn, format!(", {s} stale")),
        (n, _) => (
            Status::Bad,
            format!(", {n} expired: their findings count again"),
        ),
    };
    doc.push(Line::from(vec![
        Span::raw("  "),
        status_span(
            status,
            format!(
                "{} finding{} accepted by exceptions{tail} (:exceptions)",
                accepted,
                if accepted == 1 { "" } else { "s" }
            ),
            t,
        ),
    ]));
}
