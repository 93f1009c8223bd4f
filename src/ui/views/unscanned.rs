//! Accounts the scan could not enter, as Connectivity shows them: one line each under the
//! diagram (its VPNs, Direct Connect links and endpoints are unknown), opening the account's
//! detail (`accounts::element_doc`), which says why and lists its findings, every one
//! `unknown`.

use ratatui::text::{Line, Span};

use super::super::app::Link;
use super::super::element::Element;
use super::super::theme::Theme;
use super::super::widgets::{Doc, Status, clean, status_span, truncate};
use crate::model::Account;
use crate::store::State;

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
            Link::Element(Element::Account(a.id.clone())),
        );
    }
}
