//! Accounts the scan could not enter, as Connectivity shows them: one line each under the
//! diagram (its VPNs, Direct Connect links and endpoints are unknown), and a detail that says
//! why and lists the account's findings, every one `unknown`.

use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::theme::Theme;
use super::super::widgets::{Doc, Status, clean, status_span, truncate};
use super::compliance::status as ui_status;
use super::kv;
use crate::compliance::Evaluation;
use crate::model::Account;
use crate::store::State;

/// The diagram element of an account that was not entered.
pub fn element_id(account: &str) -> String {
    format!("account:{account}")
}

fn refused(state: &State) -> impl Iterator<Item = &Account> {
    state
        .estate
        .accounts
        .iter()
        .filter(|a| !a.entered_by_scan())
}

/// One line per account that was not entered, after the diagram's places.
pub fn diagram_lines(doc: &mut Doc, state: &State, t: &Theme, w: usize) {
    let mut any = false;
    for a in refused(state) {
        if !any {
            doc.blank();
            doc.heading("Accounts not scanned: their network path is unknown", t);
            any = true;
        }
        let why = a.scan_error.as_deref().unwrap_or("no reason recorded");
        let text = format!("{}: {}", a.label(), why);
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(
                    Status::Unknown,
                    truncate(&clean(&text), w.saturating_sub(4)),
                    t,
                ),
            ]),
            Link::Element(element_id(&a.id)),
        );
    }
}

/// The detail of `account:ID`.
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
    doc.push(kv("scan state", a.scan_state.to_string(), t));
    let why = a.scan_error.as_deref().unwrap_or("no reason recorded");
    doc.push(kv("why", clean(why), t));
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
    doc.blank();
    doc.push(Line::from(Span::styled(
        "Nothing in this account was read, so no check can pass for it:",
        t.muted,
    )));
    let Some(eval) = eval else {
        return;
    };
    for f in eval
        .findings()
        .into_iter()
        .filter(|f| *f.resource.account_id == *a.id)
    {
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(ui_status(f.status), format!("{:<7}", f.status.as_str()), t),
                Span::raw(format!(" {}", f.check)),
            ]),
            Link::Finding(f.id.to_string()),
        );
    }
}
