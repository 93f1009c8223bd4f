//! What every report says about accepted exceptions: the entries (reason, owner, expiry,
//! state, what they match), and each accepted finding's disposition.

use std::fmt::Write;

use serde::Serialize;

use super::markdown::md_escape;
use crate::compliance::exceptions::{Acceptance, EntryReport, EntryState};
use crate::compliance::{Evaluation, Finding};

/// A finding's disposition in JSON and OCSF: the entry that accepted it.
#[derive(Serialize)]
pub(super) struct Disposition<'a> {
    pub disposition: &'static str,
    pub exception: usize,
    pub reason: &'a str,
    pub owner: &'a str,
    pub expires: String,
    pub ticket: Option<&'a str>,
}

/// How `f` stands, outside any one control: accepted (in every control it decides, or in
/// some), or `None`.
pub(super) fn disposition<'a>(ev: &'a Evaluation, f: &Finding) -> Option<Disposition<'a>> {
    let e = ev.acceptance.accepted_somewhere(&f.id)?;
    Some(Disposition {
        disposition: "accepted",
        exception: e.exception.number,
        reason: &e.exception.reason,
        owner: &e.exception.owner,
        expires: e.exception.expires.to_string(),
        ticket: e.exception.ticket.as_deref(),
    })
}

/// The CSV cells `disposition` and `exception` of `f`: `accepted` and the entry, or
/// `expired` and the entry that no longer accepts it, or empty.
pub(super) fn csv_cells(ev: &Evaluation, f: &Finding) -> (&'static str, String) {
    if let Some(d) = disposition(ev, f) {
        return (
            "accepted",
            format!(
                "exception {}: {} ({}, until {})",
                d.exception, d.reason, d.owner, d.expires
            ),
        );
    }
    match ev
        .acceptance
        .expired()
        .find(|e| e.matched.binary_search(&f.id).is_ok())
    {
        Some(e) => (
            "expired_exception",
            format!(
                "exception {} expired on {}: {} ({})",
                e.exception.number, e.exception.expires, e.exception.reason, e.exception.owner
            ),
        ),
        None => ("", String::new()),
    }
}

/// The JSON report's `exceptions` block.
#[derive(Serialize)]
pub(super) struct Block<'a> {
    file: Option<&'a str>,
    as_of: Option<String>,
    active: usize,
    expired: usize,
    stale: usize,
    entries: &'a [EntryReport],
}

pub(super) fn block(a: &Acceptance) -> Option<Block<'_>> {
    a.source.as_ref()?;
    let (active, expired, stale) = a.counts();
    Some(Block {
        file: a.source.as_deref(),
        as_of: a.as_of.map(|d| d.to_string()),
        active,
        expired,
        stale,
        entries: &a.entries,
    })
}

/// The Markdown report's "Accepted exceptions" section (nothing without a file).
pub(super) fn markdown(out: &mut String, ev: &Evaluation) {
    let a = &ev.acceptance;
    let Some(file) = &a.source else { return };
    let _ = writeln!(out, "## Accepted exceptions\n");
    let (active, expired, stale) = a.counts();
    let _ = writeln!(
        out,
        "From `{}`, judged as of {}: {active} active, {expired} expired, {stale} stale; {} \
         findings accepted. An accepted finding keeps its status; the open status sets it \
         aside, and `--fail-on` judges the open status.\n",
        md_escape(file),
        a.as_of.map(|d| d.to_string()).unwrap_or_default(),
        a.accepted_count()
    );
    for w in a.warnings() {
        let _ = writeln!(out, "> **Warning:** {}\n", md_escape(&w));
    }
    if a.entries.is_empty() {
        let _ = writeln!(out, "The file has no entries.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| # | Matches | Reason | Owner | Expires | Ticket | State | Findings |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for e in &a.entries {
        let x = &e.exception;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            x.number,
            md_escape(&x.matcher.describe()),
            md_escape(&x.reason),
            md_escape(&x.owner),
            x.expires,
            md_escape(x.ticket.as_deref().unwrap_or("")),
            state_cell(e.state),
            e.matched.len()
        );
    }
    out.push('\n');
    let changed: Vec<_> = ev
        .programs
        .iter()
        .filter_map(|p| p.open.filter(|o| o.accepted > 0).map(|o| (p, o)))
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(
            out,
            "| Program | Status | Open status | Findings accepted |"
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for (p, o) in changed {
            let _ = writeln!(
                out,
                "| {} ({}) | **{}** | **{}** | {} |",
                md_escape(&p.name),
                md_escape(&p.id),
                p.status.label(),
                o.status.label(),
                o.accepted
            );
        }
        out.push('\n');
    }
}

fn state_cell(s: EntryState) -> &'static str {
    match s {
        EntryState::Active => "active",
        EntryState::Expired => "**expired**: its findings count again",
        EntryState::Stale => "stale: matches no finding that needs accepting",
    }
}
