//! Reports over an [`Evaluation`]: JSON (stable, versioned), CSV (one row per finding),
//! Markdown (an evidence pack for an auditor) and OCSF Compliance Finding events. Pure: each
//! renderer returns a `String`; the CLI writes it.
//!
//! Deterministic: the only times in a report are the scan's own start and finish; programs and
//! controls keep catalog order, everything else is sorted.

mod accepted;
mod csv;
mod groups;
mod json;
mod markdown;
mod ocsf;
mod traffic;

pub use groups::{Group, GroupBy, NO_OU, groups};

use std::fmt;

use crate::compliance::{Evaluation, Finding};
use crate::model::{Estate, ScanMeta};

pub use csv::{CSV_HEADER, csv_field};
pub use json::REPORT_SCHEMA;
pub use markdown::md_escape;
pub use ocsf::OCSF_VERSION;

/// Output format of `intransit report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
    Ocsf,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Csv, Format::Markdown, Format::Ocsf];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Ocsf => "ocsf",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a report is made of.
#[derive(Clone, Copy, Debug)]
pub struct ReportInput<'a> {
    /// Already narrowed to the selected program, if any ([`Evaluation::only_program`]).
    pub evaluation: &'a Evaluation,
    /// The scanned estate (accounts and their names).
    pub estate: &'a Estate,
    /// The scan's mode, tool version and times.
    pub meta: &'a ScanMeta,
    /// Where the catalog came from: `builtin`, then each `--catalog` file as given.
    pub catalog_sources: &'a [String],
    /// `--group-by`: findings counted per account or OU (JSON summary, Markdown).
    pub group_by: Option<GroupBy>,
    /// The top fixes (`intransit fix --plan`), for the Markdown pack's section.
    pub plan: Option<&'a crate::fix::Planned>,
}

/// Renders `input` in `format`. Always ends with a newline.
pub fn render(format: Format, input: &ReportInput<'_>) -> String {
    match format {
        // JSON is exact (escaped, not stripped) and still safe to print to a terminal.
        Format::Json => crate::text::json_safe(json::render(input)),
        Format::Csv => csv::render(input),
        Format::Markdown => markdown::render(input),
        Format::Ocsf => crate::text::json_safe(ocsf::render(input)),
    }
}

/// [`render`], written to `out`. JSON and OCSF are encoded straight into `out` (through
/// [`crate::text::JsonSafeWriter`]); the other formats are rendered whole, then written.
pub fn write(
    format: Format,
    input: &ReportInput<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write_safe(input, out),
        Format::Ocsf => crate::text::write_json_safe(out, |w| ocsf::write(input, w)),
        other => out.write_all(render(other, input).as_bytes()),
    }
}

/// The controls (as `program-id control-id`) that map `finding`'s check, in report order. A
/// control with a cap says so (`nist-800-53-r5 SC-13 (at best partial)`): a passing finding
/// does not make it pass.
pub(crate) fn controls_of(evaluation: &Evaluation, finding: &Finding) -> Vec<String> {
    evaluation
        .programs
        .iter()
        .flat_map(|p| {
            p.controls
                .iter()
                .filter(|c| c.checks.iter().any(|x| *x == *finding.check))
                .map(move |c| match c.cap {
                    Some(cap) => format!("{} {} (at best {cap})", p.id, c.id),
                    None => format!("{} {}", p.id, c.id),
                })
        })
        .collect()
}

/// The accounts, sorted by id, each once.
pub(crate) fn accounts(estate: &Estate) -> Vec<&crate::model::Account> {
    let mut out: Vec<_> = estate.accounts.iter().collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

/// An account's tags as one cell: `key=value; key=value`, by key.
pub(crate) fn tags_cell(account: &crate::model::Account) -> String {
    account
        .tags
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Regions of the scan, sorted.
pub(crate) fn regions(meta: &ScanMeta) -> Vec<&str> {
    let mut out: Vec<&str> = meta.regions.iter().map(String::as_str).collect();
    out.sort_unstable();
    out.dedup();
    out
}
