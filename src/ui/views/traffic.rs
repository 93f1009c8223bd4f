//! `:traffic`: what the logs say clients did — the findings that join them with the
//! configuration, the plain-HTTP requests per bucket, the clients below TLS 1.2, and every
//! kind of client with its TLS version and path. A client opens its detail: operations,
//! buckets, when, and the ids of its events to find them in the logs.

use std::sync::Arc;

use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span};
use super::compliance::finding_link;
use super::kv;
use crate::compliance::Evaluation;
use crate::store::State;
use crate::traffic::{Client, Outcome, Traffic};

/// `:traffic`.
#[derive(Clone, Debug, Default)]
pub struct TrafficView {
    pub nav: ListNav,
}

impl Page for TrafficView {
    nav!();

    /// On the worst joined finding.
    fn opens_on_first_link(&self) -> bool {
        true
    }

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        "Traffic".into()
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        Some(Arc::new(doc(cx.state, cx.eval(), cx.theme(), cx.width())))
    }
}

/// One client row of the traffic read (its position).
#[derive(Clone, Debug)]
pub struct ClientView {
    pub index: usize,
    pub nav: ListNav,
}

impl Page for ClientView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        format!("client {}", self.index + 1)
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        Some(Arc::new(client_doc(
            cx.state,
            cx.theme(),
            cx.width(),
            self.index,
        )))
    }

    fn subject(&self) -> Option<Link> {
        Some(Link::TrafficClient(self.index))
    }

    /// The client's principal.
    fn copy_text(&self, cx: Cx) -> Option<String> {
        client(cx.state, self.index).map(|c| c.principal.clone())
    }
}

/// Client rows listed before "and N more".
const LISTED: usize = 300;

pub fn doc(state: &State, eval: Option<&Evaluation>, t: &Theme, w: usize) -> Doc {
    let mut doc = Doc::default();
    let Some(traffic) = state.estate.traffic.as_deref() else {
        doc.para(
            "No logs read: start intransit with --access-logs PATH (S3 server access logs) \
             and/or --cloudtrail PATH (trail files or lookup-events output) to see what \
             clients actually sent.",
            w,
            "",
            "",
            t.muted,
        );
        return doc;
    };
    coverage(&mut doc, traffic, t);
    findings(&mut doc, eval, t);
    plain_http(&mut doc, traffic, t);
    clients(&mut doc, traffic, t);
    doc
}

fn coverage(doc: &mut Doc, traffic: &Traffic, t: &Theme) {
    let c = &traffic.coverage;
    let window = match (&c.first_seen, &c.last_seen) {
        (Some(a), Some(b)) => format!("  {a} – {b}"),
        _ => String::new(),
    };
    doc.push(Line::from(vec![
        Span::styled(
            format!("{} records from {} files", c.records, c.files.len()),
            t.title,
        ),
        Span::styled(window, t.muted),
    ]));
    if c.refused > 0 || c.unreadable_files > 0 || c.outside_window > 0 {
        doc.push(Line::from(status_span(
            Status::Warn,
            format!(
                "{} lines refused, {} files unreadable, {} records outside the window",
                c.refused, c.unreadable_files, c.outside_window
            ),
            t,
        )));
    }
    if c.sampled {
        doc.push(Line::from(status_span(
            Status::Warn,
            "sampled: not every event of the window was read",
            t,
        )));
    }
}

fn findings(doc: &mut Doc, eval: Option<&Evaluation>, t: &Theme) {
    let Some(eval) = eval else {
        return;
    };
    let found = eval.observed_traffic_findings();
    doc.blank();
    doc.heading(
        format!("Joined with the configuration ({})", found.len()),
        t,
    );
    for f in found {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(super::compliance::status(f.status), f.status.label(), t),
                Span::raw(format!(" {}  ", clean(&f.resource.id))),
                Span::styled(clean(&f.message()), t.muted),
            ]),
            finding_link(f),
        );
    }
}

fn plain_http(doc: &mut Doc, traffic: &Traffic, t: &Theme) {
    doc.blank();
    doc.heading(
        format!("Plain-HTTP requests ({})", traffic.plain_http.len()),
        t,
    );
    for p in &traffic.plain_http {
        let (status, word) = match p.outcome {
            Outcome::Accepted => (Status::Bad, "served"),
            Outcome::Denied => (Status::Good, "refused"),
        };
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(status, word, t),
                Span::raw(format!(
                    " {:>5} {} {} from {}",
                    p.count,
                    clean(&p.bucket),
                    clean(&p.operation),
                    clean(&p.source_ip)
                )),
                Span::styled(
                    format!(
                        "  {} HTTP {}",
                        clean(&p.principal),
                        p.http_status.map_or("-".into(), |s| s.to_string())
                    ),
                    t.muted,
                ),
            ]),
            Link::Bucket(p.bucket.clone()),
        );
    }
}

fn clients(doc: &mut Doc, traffic: &Traffic, t: &Theme) {
    doc.blank();
    doc.heading(format!("Clients ({})", traffic.clients.len()), t);
    for (i, c) in traffic.clients.iter().enumerate().take(LISTED) {
        let (status, tls) = tls_word(c);
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(status, format!("{tls:<8}"), t),
                Span::raw(format!(
                    " {:>6} {} via {} from {}",
                    c.count,
                    clean(&c.service()),
                    clean(&c.endpoint),
                    clean(&c.source_ip)
                )),
                Span::styled(format!("  {}", clean(&c.principal)), t.muted),
            ]),
            Link::TrafficClient(i),
        );
    }
    if traffic.clients.len() > LISTED {
        doc.push(Line::from(Span::styled(
            format!(
                "  and {} more (intransit traffic --format json lists them all)",
                traffic.clients.len() - LISTED
            ),
            t.muted,
        )));
    }
}

/// The status and word of a client's TLS: plain HTTP and old TLS are bad.
fn tls_word(c: &Client) -> (Status, String) {
    if c.plain_http() {
        (Status::Bad, "no TLS".into())
    } else if c.old_tls() {
        (Status::Bad, clean(c.tls_version.as_deref().unwrap_or("?")))
    } else {
        match c.tls_version.as_deref() {
            Some(v) => (Status::Good, clean(v)),
            None => (Status::Unknown, "not rec.".into()),
        }
    }
}

/// The client row `i` of the traffic read.
pub fn client(state: &State, i: usize) -> Option<&Client> {
    state.estate.traffic.as_deref()?.clients.get(i)
}

pub fn client_doc(state: &State, t: &Theme, w: usize, i: usize) -> Doc {
    let mut doc = Doc::default();
    let Some(c) = client(state, i) else {
        doc.para(
            "This client is no longer in the logs read.",
            w,
            "",
            "",
            t.muted,
        );
        return doc;
    };
    let (status, tls) = tls_word(c);
    doc.push(Line::from(vec![
        status_span(status, tls, t),
        Span::styled(format!("  {}", clean(&c.principal)), t.title),
    ]));
    doc.push(kv("Requests", c.count.to_string(), t));
    doc.push(kv("Log", c.log.as_str().to_string(), t));
    doc.push(kv("Service", clean(&c.service()), t));
    doc.push(kv("Path", clean(&c.endpoint), t));
    doc.push(kv("Source", clean(&c.source_ip), t));
    doc.push(kv(
        "User agent",
        clean(c.user_agent.as_deref().unwrap_or("-")),
        t,
    ));
    if let Some(a) = &c.account_id {
        doc.push(kv("Account", clean(a), t));
    }
    if let Some(r) = &c.region {
        doc.push(kv("Region", clean(r), t));
    }
    doc.push(kv(
        "Seen",
        format!(
            "{} – {}",
            c.first_seen.as_deref().unwrap_or("?"),
            c.last_seen.as_deref().unwrap_or("?")
        ),
        t,
    ));
    doc.push(kv("Operations", clean(&c.operations.join(", ")), t));
    for b in &c.buckets {
        doc.link(
            Line::from(vec![
                Span::styled(format!("  {:<20} ", "Bucket"), t.muted),
                Span::styled("▶ ", t.key),
                Span::raw(clean(b)),
            ]),
            Link::Bucket(b.clone()),
        );
    }
    doc.blank();
    doc.heading("Events (ids to find them in the logs)", t);
    for id in &c.examples {
        doc.push(Line::from(format!("  {}", clean(id))));
    }
    doc
}
