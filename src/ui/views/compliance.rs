//! Compliance: programs → controls → findings → the resource's detail view, with breadcrumbs
//! `Compliance › PCI DSS 4.0.1 › 4.2.1 › bucket`. The evaluation (`crate::compliance`) is run
//! by the app when the store changes, never while drawing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::page::{Cx, Page, nav};
use super::super::table::{SortKey, TableSort};
use super::super::theme::Theme;
use super::super::widgets::{
    Column, Doc, ListNav, Status, Table, clean, draw_table, filter_terms, matches, status_span,
    width, wrap,
};
use super::connectivity::Place;
use crate::compliance::{self, ControlResult, Evaluation, Finding, ProgramResult, ResourceKind};

/// The console's status for a compliance status (glyph and colour follow).
pub fn status(s: compliance::Status) -> Status {
    match s {
        compliance::Status::Fail => Status::Bad,
        compliance::Status::Unknown => Status::Unknown,
        compliance::Status::Partial => Status::Warn,
        compliance::Status::Pass => Status::Good,
        compliance::Status::NotApplicable => Status::Info,
    }
}

/// `PCI DSS 4.0.1`.
pub fn program_title(p: &ProgramResult) -> String {
    clean(&format!("{} {}", p.name, p.version))
}

/// A program as the overview summarises it.
#[derive(Clone, Debug)]
pub struct ProgramSummary {
    pub id: String,
    pub name: String,
    pub status: Status,
    /// `FAIL`, `PASS`, ...
    pub label: String,
    /// Failing required controls: (id, title, failing findings).
    pub failing: Vec<(String, String, usize)>,
    pub controls: usize,
    /// Shown in "At a glance" (PCI DSS).
    pub headline: bool,
}

/// A finding as the overview lists it.
#[derive(Clone, Debug)]
pub struct FindingSummary {
    pub status: Status,
    pub label: String,
    pub severity: String,
    pub resource: String,
    pub message: String,
    pub link: Link,
}

pub fn programs(eval: Option<&Evaluation>) -> Option<Vec<ProgramSummary>> {
    let eval = eval?;
    Some(
        eval.programs
            .iter()
            .map(|p| ProgramSummary {
                id: p.id.clone(),
                name: program_title(p),
                status: status(p.status),
                label: p.status.label().to_string(),
                failing: p
                    .controls
                    .iter()
                    .filter(|c| !c.optional && c.status == compliance::Status::Fail)
                    .map(|c| (clean(&c.id), clean(&c.title), c.counts.fail))
                    .collect(),
                controls: p.controls.iter().filter(|c| !c.optional).count(),
                headline: p.id.starts_with("pci"),
            })
            .collect(),
    )
}

/// Where a finding leads: the resource's own detail view.
pub fn finding_link(f: &Finding) -> Link {
    let r = &f.resource;
    match r.kind {
        ResourceKind::S3Bucket => Link::Bucket(r.id.to_string()),
        ResourceKind::AthenaWorkgroup => Link::Workgroup(r.id.to_string()),
        ResourceKind::VpnTunnel => {
            let (vpn, ip) = r.id.split_once('/').unwrap_or((&r.id, ""));
            Link::Element(Element::Tunnel {
                vpn: vpn.to_string(),
                ip: ip.to_string(),
            })
        }
        ResourceKind::DxConnection => Link::Element(Element::Dx(r.id.to_string())),
        ResourceKind::AccountRegion => match f.check.as_ref() {
            "vpc.athena_endpoint" => Link::Element(Element::AthenaEndpoints(Place::parse(&r.id))),
            "vpc.s3_endpoint" => Link::Element(Element::S3Endpoints(Place::parse(&r.id))),
            "dx.link_encryption" => Link::Element(Element::DxErrors(Place::parse(&r.id))),
            _ => Link::Finding(f.id.to_string()),
        },
        // An account that was not entered: its network path is that account's element.
        ResourceKind::Account if super::overview::NETWORK_CHECKS.contains(&f.check.as_ref()) => {
            Link::Element(Element::Account(r.id.to_string()))
        }
        ResourceKind::Account => Link::Finding(f.id.to_string()),
    }
}

pub fn resource_text(f: &Finding) -> String {
    let r = &f.resource;
    match &r.name {
        Some(n) if *n != r.id => clean(&format!("{} {} ({n})", r.kind.noun(), r.id)),
        _ => clean(&format!("{} {}", r.kind.noun(), r.id)),
    }
}

/// The worst findings (fail, then unknown, then partial), most severe first.
pub fn worst_findings(eval: Option<&Evaluation>, n: usize) -> Vec<FindingSummary> {
    let Some(eval) = eval else {
        return Vec::new();
    };
    let mut all: Vec<&Finding> = eval
        .checks
        .iter()
        .flat_map(|c| &c.findings)
        .filter(|f| {
            matches!(
                f.status,
                compliance::Status::Fail | compliance::Status::Partial
            )
        })
        .collect();
    all.sort_by(|a, b| {
        (
            a.status,
            a.severity,
            !a.athena_data_path,
            &a.resource,
            &a.id,
        )
            .cmp(&(
                b.status,
                b.severity,
                !b.athena_data_path,
                &b.resource,
                &b.id,
            ))
    });
    all.dedup_by(|a, b| a.resource == b.resource);
    all.into_iter()
        .take(n)
        .map(|f| FindingSummary {
            status: status(f.status),
            label: f.status.label().to_string(),
            severity: f.severity.to_string(),
            resource: resource_text(f),
            message: clean(&f.message()),
            link: finding_link(f),
        })
        .collect()
}

/// A control a resource's findings touch.
#[derive(Clone, Debug)]
pub struct ControlRef {
    pub status: Status,
    pub label: String,
    pub program: String,
    pub program_name: String,
    pub control: String,
    pub title: String,
}

/// The controls with findings about this resource, worst first.
/// The "Controls affected" section of a resource's detail view.
pub fn affected_controls(
    doc: &mut Doc,
    eval: Option<&Evaluation>,
    kind: ResourceKind,
    id: &str,
    t: &Theme,
) {
    doc.heading("Controls affected", t);
    match controls_for(eval, kind, id) {
        Some(list) if list.is_empty() => doc.push(Line::from(Span::styled("  none", t.muted))),
        Some(list) => {
            for c in list {
                doc.link(
                    Line::from(vec![
                        Span::raw("  "),
                        status_span(c.status, c.label.clone(), t),
                        Span::raw(format!("  {} {}", c.program_name, c.control)),
                        Span::styled(format!("  {}", c.title), t.muted),
                    ]),
                    Link::Control(c.program, c.control),
                );
            }
        }
        None => doc.push(Line::from(Span::styled(
            "  compliance is evaluated once the scan has read the estate",
            t.muted,
        ))),
    }
}

pub fn controls_for(
    eval: Option<&Evaluation>,
    kind: ResourceKind,
    id: &str,
) -> Option<Vec<ControlRef>> {
    let eval = eval?;
    let mut out = Vec::new();
    for p in &eval.programs {
        for c in &p.controls {
            let worst = c
                .checks
                .iter()
                .filter_map(|ch| eval.check(ch))
                .flat_map(|ch| &ch.findings)
                .filter(|f| f.resource.kind == kind && *f.resource.id == *id)
                .map(|f| f.status)
                .filter(|s| *s != compliance::Status::NotApplicable)
                .min();
            if let Some(s) = worst {
                out.push((
                    s,
                    ControlRef {
                        status: status(s),
                        label: s.label().to_string(),
                        program: p.id.clone(),
                        program_name: program_title(p),
                        control: c.id.clone(),
                        title: clean(&c.title),
                    },
                ));
            }
        }
    }
    out.sort_by_key(|(s, _)| *s);
    Some(out.into_iter().map(|(_, c)| c).collect())
}

/// A program id matching a user's words (`pci` → `pci-dss-4.0`).
pub fn find_program(eval: Option<&Evaluation>, query: &str) -> Option<String> {
    let q = query.to_lowercase();
    eval?
        .programs
        .iter()
        .find(|p| p.id.to_lowercase().contains(&q) || p.name.to_lowercase().contains(&q))
        .map(|p| p.id.clone())
}

pub fn find_finding<'a>(eval: &'a Evaluation, id: &str) -> Option<&'a Finding> {
    eval.checks
        .iter()
        .flat_map(|c| &c.findings)
        .find(|f| *f.id == *id)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    Programs,
    Controls { program: String },
    Findings { program: String, control: String },
}

#[derive(Clone, Debug)]
pub struct ComplianceView {
    pub level: Level,
    pub nav: ListNav,
    pub filter: String,
    pub sort: TableSort,
}

impl Page for ComplianceView {
    nav!();

    fn crumb(&self, eval: Option<&Evaluation>) -> String {
        self.crumb_text(eval)
    }

    fn len(&self, cx: Cx) -> usize {
        self.rows(cx.eval()).len()
    }

    fn link(&self, cx: Cx, row: usize) -> Option<Link> {
        self.link_at(cx.eval(), row)
    }

    fn copy_text(&self, cx: Cx) -> Option<String> {
        self.copy(cx.eval(), self.nav.selected)
    }

    fn info(&self, cx: Cx) -> String {
        super::with_sort(self.info_text(cx.eval()), self.sort.info(self.columns()))
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
        match self.level {
            Level::Programs => &PROGRAM_COLUMNS,
            Level::Controls { .. } => &CONTROL_COLUMNS,
            Level::Findings { .. } => &FINDING_COLUMNS,
        }
    }

    fn wide(&self, cx: Cx) -> Option<(usize, u16)> {
        let longest = self.rows(cx.eval()).iter().map(name_width).max()?;
        let column = match self.level {
            Level::Programs => 1,
            Level::Controls { .. } | Level::Findings { .. } => 2,
        };
        Some((column, longest as u16))
    }

    fn header_row(&self, cx: Cx, width: u16) -> u16 {
        match cx.eval() {
            Some(e) => header(self, e, cx.theme(), usize::from(width)).len() as u16,
            None => 0,
        }
    }
}

/// The width of a row's name cell (program title, control title, resource).
fn name_width(row: &Row) -> usize {
    width(&match row {
        Row::Program(p) => program_title(p),
        Row::Control(c) => clean(&c.title),
        Row::Finding(f) => resource_text(f),
    })
}

/// Most failing first, then most unknown.
fn counts_key(c: &compliance::Counts) -> SortKey {
    SortKey::Num(-((c.fail as i64) << 32 | (c.unknown as i64) << 16 | c.partial as i64))
}

fn sort_key(row: &Row, column: usize) -> SortKey {
    match (row, column) {
        (Row::Program(p), 0) => SortKey::Num(p.status as i64),
        (Row::Program(p), 1) => SortKey::text(&program_title(p)),
        (Row::Program(p), 2) => counts_key(&p.counts),
        (Row::Program(p), 3) => SortKey::text(&scope_text(p).1),
        (Row::Program(p), _) => SortKey::text(&p.publisher),
        (Row::Control(c), 0) => SortKey::Num(c.status as i64),
        (Row::Control(c), 1) => SortKey::text(&c.id),
        (Row::Control(c), 2) => SortKey::text(&c.title),
        (Row::Control(c), _) => counts_key(&c.counts),
        (Row::Finding(f), 0) => SortKey::Num(f.status as i64),
        (Row::Finding(f), 1) => SortKey::Num(f.severity as i64),
        (Row::Finding(f), 2) => SortKey::text(&resource_text(f)),
        (Row::Finding(f), 3) => SortKey::text(&f.resource.account_id),
        (Row::Finding(f), 4) => SortKey::text(f.resource.region.as_deref().unwrap_or("")),
        (Row::Finding(f), _) => SortKey::text(&f.message()),
    }
}

/// One row of the current level.
enum Row<'a> {
    Program(&'a ProgramResult),
    Control(&'a ControlResult),
    Finding(&'a Finding),
}

fn counts_text(c: &compliance::Counts) -> String {
    let mut parts = Vec::new();
    for (n, w) in [
        (c.fail, "fail"),
        (c.unknown, "unknown"),
        (c.partial, "partial"),
        (c.pass, "pass"),
        (c.not_applicable, "n/a"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {w}"));
        }
    }
    parts.join(" · ")
}

impl ComplianceView {
    pub fn programs() -> ComplianceView {
        ComplianceView {
            level: Level::Programs,
            nav: ListNav::default(),
            filter: String::new(),
            sort: TableSort::default(),
        }
    }

    pub fn controls(program: String) -> ComplianceView {
        ComplianceView {
            level: Level::Controls { program },
            ..ComplianceView::programs()
        }
    }

    pub fn findings(program: String, control: String) -> ComplianceView {
        ComplianceView {
            level: Level::Findings { program, control },
            ..ComplianceView::programs()
        }
    }

    /// The rows shown: filtered, then in the chosen order.
    fn rows<'a>(&self, eval: Option<&'a Evaluation>) -> Vec<Row<'a>> {
        let mut rows = self.filtered_rows(eval);
        self.sort.apply(&mut rows, sort_key);
        rows
    }

    fn filtered_rows<'a>(&self, eval: Option<&'a Evaluation>) -> Vec<Row<'a>> {
        let Some(eval) = eval else {
            return Vec::new();
        };
        let terms = filter_terms(&self.filter);
        let keep = |hay: String| terms.is_empty() || matches(&hay.to_lowercase(), &terms);
        match &self.level {
            Level::Programs => eval
                .programs
                .iter()
                .filter(|p| keep(format!("{} {} {} {}", p.id, p.name, p.version, p.status)))
                .map(Row::Program)
                .collect(),
            Level::Controls { program } => eval
                .program(program)
                .map(|p| {
                    p.controls
                        .iter()
                        .filter(|c| keep(format!("{} {} {}", c.id, c.title, c.status)))
                        .map(Row::Control)
                        .collect()
                })
                .unwrap_or_default(),
            Level::Findings { program, control } => eval
                .program(program)
                .and_then(|p| p.controls.iter().find(|c| &c.id == control))
                .map(|c| {
                    eval.control_findings(c)
                        .into_iter()
                        .filter(|f| {
                            keep(format!(
                                "{} {} {} {} {} {}",
                                f.status,
                                f.severity,
                                f.resource.id,
                                f.resource.account_id,
                                f.resource.region.as_deref().unwrap_or(""),
                                f.message()
                            ))
                        })
                        .map(Row::Finding)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn link_at(&self, eval: Option<&Evaluation>, sel: usize) -> Option<Link> {
        let rows = self.rows(eval);
        match rows.get(sel)? {
            Row::Program(p) => Some(Link::Program(p.id.clone())),
            Row::Control(c) => match &self.level {
                Level::Controls { program } => Some(Link::Control(program.clone(), c.id.clone())),
                _ => None,
            },
            Row::Finding(f) => Some(finding_link(f)),
        }
    }

    /// What `y` copies: the selected finding's id (or control / program id).
    fn copy(&self, eval: Option<&Evaluation>, sel: usize) -> Option<String> {
        Some(match self.rows(eval).get(sel)? {
            Row::Program(p) => p.id.clone(),
            Row::Control(c) => c.id.clone(),
            Row::Finding(f) => f.id.to_string(),
        })
    }

    fn crumb_text(&self, eval: Option<&Evaluation>) -> String {
        match &self.level {
            Level::Programs => "Compliance".into(),
            Level::Controls { program } => eval
                .and_then(|e| e.program(program))
                .map(program_title)
                .unwrap_or_else(|| clean(program)),
            Level::Findings { control, .. } => clean(control),
        }
    }

    fn info_text(&self, eval: Option<&Evaluation>) -> String {
        let n = self.rows(eval).len();
        let noun = match self.level {
            Level::Programs => "programs",
            Level::Controls { .. } => "controls",
            Level::Findings { .. } => "findings",
        };
        if self.filter.is_empty() {
            format!("{n} {noun}")
        } else {
            format!("{n} {noun} · /{}", clean(&self.filter))
        }
    }
}

const PROGRAM_COLUMNS: [Column; 5] = [
    Column::new("STATUS", 10, 0, 0),
    Column::new("PROGRAM", 28, 2, 0),
    Column::new("REQUIRED CONTROLS", 22, 2, 1),
    Column::new("ATHENA IN AWS SCOPE", 19, 0, 2),
    Column::new("PUBLISHER", 16, 2, 3),
];

const CONTROL_COLUMNS: [Column; 4] = [
    Column::new("STATUS", 10, 0, 0),
    Column::new("CONTROL", 16, 0, 0),
    Column::new("TITLE", 30, 3, 1),
    Column::new("FINDINGS", 20, 1, 2),
];

const FINDING_COLUMNS: [Column; 6] = [
    Column::new("STATUS", 10, 0, 0),
    Column::new("SEVERITY", 9, 0, 2),
    Column::new("RESOURCE", 30, 2, 0),
    Column::new("ACCOUNT", 12, 0, 4),
    Column::new("REGION", 14, 0, 3),
    Column::new("MESSAGE", 24, 3, 1),
];

fn scope_text(p: &ProgramResult) -> (Status, String) {
    match &p.aws_scope {
        Some(s) => match s.athena {
            compliance::AthenaScope::InScope => (Status::Good, "in scope".into()),
            compliance::AthenaScope::NotListed => (Status::Warn, "not listed".into()),
            compliance::AthenaScope::NotApplicable => (Status::Info, "no attestation".into()),
        },
        None => (Status::Info, "—".into()),
    }
}

/// A few lines above the table that say where the user is.
fn header(view: &ComplianceView, eval: &Evaluation, t: &Theme, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &view.level {
        Level::Programs => {
            out.push(Line::from(Span::styled(
                "Your evidence, per program and control. Enter opens a program, then a control, then the resource.",
                t.muted,
            )));
        }
        Level::Controls { program } => {
            if let Some(p) = eval.program(program) {
                let (s, scope) = scope_text(p);
                out.push(Line::from(vec![
                    status_span(status(p.status), p.status.label(), t),
                    Span::styled(format!("  {}", program_title(p)), t.title),
                    Span::styled(
                        format!("  · {} · AWS lists Athena: ", clean(&p.publisher)),
                        t.muted,
                    ),
                    status_span(s, scope, t),
                ]));
                if let Some(n) = &p.note {
                    for l in wrap(&clean(n), w, "", "").into_iter().take(2) {
                        out.push(Line::from(Span::styled(l, t.muted)));
                    }
                }
            }
        }
        Level::Findings { program, control } => {
            if let Some(c) = eval
                .program(program)
                .and_then(|p| p.controls.iter().find(|c| &c.id == control))
            {
                out.push(Line::from(vec![
                    status_span(status(c.status), c.status.label(), t),
                    Span::styled(format!("  {} {}", clean(&c.id), clean(&c.title)), t.title),
                ]));
                for l in wrap(&clean(&c.requirement), w, "", "").into_iter().take(3) {
                    out.push(Line::from(Span::styled(l, t.base)));
                }
                let evidence = match (c.evidence, c.cap) {
                    (compliance::EvidenceSource::Manual, _) => {
                        "evidence: manual (the scan cannot evidence this; attach your own)"
                            .to_string()
                    }
                    (_, Some(cap)) => format!(
                        "checks: {} (at best {})",
                        clean(&c.checks.join(", ")),
                        cap.label()
                    ),
                    (_, None) => format!("checks: {}", clean(&c.checks.join(", "))),
                };
                out.push(Line::from(Span::styled(
                    format!("{} · {evidence}", clean(&c.citation)),
                    t.muted,
                )));
            }
        }
    }
    out.push(Line::default());
    out
}

fn draw(frame: &mut Frame, area: Rect, cx: Cx, view: &ComplianceView) {
    let t = cx.theme();
    let Some(eval) = cx.eval() else {
        frame.render_widget(
            ratatui::widgets::Paragraph::new(Line::from(Span::styled("Evaluating…", t.muted)))
                .style(t.base),
            area,
        );
        return;
    };
    let head = header(view, eval, t, usize::from(area.width));
    let hh = (head.len() as u16).min(area.height.saturating_sub(3));
    frame.render_widget(
        ratatui::widgets::Paragraph::new(head).style(t.base),
        Rect { height: hh, ..area },
    );
    let table = Rect {
        y: area.y + hh,
        height: area.height - hh,
        ..area
    };
    let rows = view.rows(Some(eval));
    let control_key = match &view.level {
        Level::Findings { program, control } => Some(compliance::control_key(program, control)),
        _ => None,
    };
    let cell = |r: usize, c: usize| -> Vec<Span<'static>> {
        let Some(row) = rows.get(r) else {
            return Vec::new();
        };
        match row {
            Row::Program(p) => match c {
                0 => vec![status_span(status(p.status), p.status.label(), t)],
                1 => vec![Span::raw(program_title(p))],
                2 => vec![Span::styled(counts_text(&p.counts), t.muted)],
                3 => {
                    let (s, text) = scope_text(p);
                    vec![status_span(s, text, t)]
                }
                4 => vec![Span::styled(clean(&p.publisher), t.muted)],
                _ => Vec::new(),
            },
            Row::Control(ctl) => match c {
                0 => vec![status_span(status(ctl.status), ctl.status.label(), t)],
                1 => {
                    let mut id = clean(&ctl.id);
                    if ctl.optional {
                        id.push_str(" (optional)");
                    }
                    vec![Span::raw(id)]
                }
                2 => vec![Span::raw(clean(&ctl.title))],
                3 => {
                    let mut text = counts_text(&ctl.counts);
                    if let Some(open) = ctl.open.filter(|o| o.accepted > 0) {
                        text.push_str(&format!(
                            " · {} accepted, open {}",
                            open.accepted,
                            open.status.label()
                        ));
                    }
                    vec![Span::styled(text, t.muted)]
                }
                _ => Vec::new(),
            },
            Row::Finding(f) => match c {
                0 => vec![status_span(status(f.status), f.status.label(), t)],
                1 => vec![Span::styled(f.severity.to_string(), t.muted)],
                2 => vec![Span::raw(resource_text(f))],
                3 => vec![Span::styled(clean(&f.resource.account_id), t.muted)],
                4 => vec![Span::raw(clean(
                    f.resource.region.as_deref().unwrap_or("—"),
                ))],
                5 => {
                    let accepted = eval.acceptance.accepted(&f.id, control_key.as_deref());
                    let mut spans = Vec::new();
                    if let Some(e) = accepted {
                        spans.push(Span::styled(
                            format!("accepted (exception {}) ", e.exception.number),
                            t.accent,
                        ));
                    }
                    spans.push(Span::styled(clean(&f.message()), t.muted));
                    spans
                }
                _ => Vec::new(),
            },
        }
    };
    let spec = Table {
        cols: view.columns(),
        sorted: view.sort.arrow(),
        wide: view.wide(cx),
        len: rows.len(),
    };
    draw_table(frame, table, &spec, &view.nav, t, &cell);
}
