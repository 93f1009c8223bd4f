//! `--format csv`: one row per finding, RFC 4180 (comma separated, CRLF line ends, fields with
//! a comma, quote, CR or LF quoted, quotes doubled). Cells are passed through
//! `crate::text::sanitize` (no escape sequences reach a terminal that prints the file), and a
//! cell that starts with `=`, `+`, `-` or `@` gets a leading `'` so spreadsheets do not run it
//! as a formula.

use std::collections::HashMap;

use super::{ReportInput, accounts, controls_of, tags_cell};
use crate::text::sanitize;

pub const CSV_HEADER: [&str; 20] = [
    "finding_id",
    "check",
    "status",
    "severity",
    "athena_data_path",
    "resource_kind",
    "resource_id",
    "resource_name",
    "account_id",
    "region",
    "arn",
    "message",
    "note",
    "evidence",
    "controls",
    "account_name",
    "ou_path",
    "account_tags",
    "disposition",
    "exception",
];

/// One CSV field, quoted when RFC 4180 requires it.
pub fn csv_field(raw: &str) -> String {
    let clean = sanitize(raw);
    let mut s = clean.into_owned();
    if s.starts_with(['=', '+', '-', '@']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn row(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let ev = input.evaluation;
    let accounts: HashMap<&str, (&str, &str, String)> = accounts(input.estate)
        .into_iter()
        .map(|a| {
            let name = a.name.as_deref().unwrap_or("");
            let ou = a.ou_path.as_deref().unwrap_or("");
            (a.id.as_str(), (name, ou, tags_cell(a)))
        })
        .collect();
    let unknown = ("", "", String::new());
    let mut out = String::new();
    row(&mut out, &CSV_HEADER);
    for f in ev.findings() {
        let controls = controls_of(ev, f).join("; ");
        let evidence = f.evidence.pointer();
        let (account_name, ou_path, tags) =
            accounts.get(&*f.resource.account_id).unwrap_or(&unknown);
        let (disposition, exception) = super::accepted::csv_cells(ev, f);
        row(
            &mut out,
            &[
                &f.id,
                &f.check,
                f.status.as_str(),
                f.severity.as_str(),
                if f.athena_data_path { "true" } else { "false" },
                f.resource.kind.as_str(),
                &f.resource.id,
                f.resource.name.as_deref().unwrap_or(""),
                &f.resource.account_id,
                f.resource.region.as_deref().unwrap_or(""),
                f.resource.arn.as_deref().unwrap_or(""),
                &f.message(),
                f.note.as_deref().unwrap_or(""),
                &evidence,
                &controls,
                account_name,
                ou_path,
                tags,
                disposition,
                &exception,
            ],
        );
    }
    out
}
