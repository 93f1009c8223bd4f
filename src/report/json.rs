//! `--format json`: the evaluation as data, versioned by `schema`. Nothing is sanitized: it is
//! data, and consumers escape for their own display.

use serde::Serialize;

use super::{ReportInput, accounts, regions};
use crate::compliance::{AthenaScope, Counts, Finding, ProgramResult, ResourceKind, Status};

pub const REPORT_SCHEMA: &str = "intransit.report/v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    scan: Scan<'a>,
    catalog: CatalogInfo<'a>,
    summary: Summary<'a>,
    programs: &'a [ProgramResult],
    checks: Vec<CheckSummary<'a>>,
    findings: Vec<&'a Finding>,
    /// On-premises → Athena → S3 paths, each as strong as its weakest hop.
    paths: &'a [crate::compliance::paths::Path],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: String,
}

#[derive(Serialize)]
struct Scan<'a> {
    mode: &'static str,
    started_at: Option<&'a str>,
    finished_at: Option<&'a str>,
    regions: Vec<&'a str>,
    accounts: Vec<Account<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    id: &'a str,
    name: Option<&'a str>,
    partition: &'static str,
}

#[derive(Serialize)]
struct CatalogInfo<'a> {
    sources: &'a [String],
}

#[derive(Serialize)]
struct Summary<'a> {
    programs: Vec<ProgramSummary<'a>>,
    /// Findings of every reported check, per status.
    findings: Counts,
}

#[derive(Serialize)]
struct ProgramSummary<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    /// Customer's side: worst status of the required controls.
    status: Status,
    /// AWS's side: whether AWS lists Athena in scope (`null` when the catalog does not say).
    aws_athena_scope: Option<AthenaScope>,
    controls: Counts,
    optional_controls: Counts,
}

#[derive(Serialize)]
struct CheckSummary<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    resource_kind: ResourceKind,
    status: Status,
    counts: Counts,
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    with_report(input, |report| match serde_json::to_string_pretty(report) {
        Ok(s) => s + "\n",
        // Every field is a plain string, number or map with string keys: cannot fail.
        Err(e) => format!("{{\"schema\": \"{REPORT_SCHEMA}\", \"error\": \"{e}\"}}\n"),
    })
}

/// [`render`], written to `out` as it is encoded (the same bytes, never the whole text in
/// memory: an organization's report runs to hundreds of megabytes).
pub(super) fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    with_report(input, |report| {
        serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    })
}

fn with_report<R>(input: &ReportInput<'_>, f: impl FnOnce(&Report<'_>) -> R) -> R {
    let ev = input.evaluation;
    let meta = input.meta;
    let findings = ev.findings();
    let report = Report {
        schema: REPORT_SCHEMA,
        tool: Tool {
            name: "intransit",
            version: if meta.tool_version.is_empty() {
                env!("CARGO_PKG_VERSION").to_string()
            } else {
                meta.tool_version.clone()
            },
        },
        scan: Scan {
            mode: match meta.mode {
                crate::model::Mode::Live => "live",
                crate::model::Mode::Demo => "demo",
                crate::model::Mode::Snapshot => "snapshot",
            },
            started_at: meta.started_at.as_deref(),
            finished_at: meta.finished_at.as_deref(),
            regions: regions(meta),
            accounts: accounts(input.estate)
                .into_iter()
                .map(|(id, name, partition)| Account {
                    id,
                    name,
                    partition,
                })
                .collect(),
        },
        catalog: CatalogInfo {
            sources: input.catalog_sources,
        },
        summary: Summary {
            programs: ev
                .programs
                .iter()
                .map(|p| ProgramSummary {
                    id: &p.id,
                    name: &p.name,
                    version: &p.version,
                    status: p.status,
                    aws_athena_scope: p.aws_scope.as_ref().map(|s| s.athena),
                    controls: p.counts,
                    optional_controls: p.optional_counts,
                })
                .collect(),
            findings: Counts::of(findings.iter().map(|f| f.status)),
        },
        programs: &ev.programs,
        checks: ev
            .checks
            .iter()
            .map(|c| CheckSummary {
                id: c.check.id,
                title: c.check.title,
                description: c.check.description,
                resource_kind: c.check.resource_kind,
                status: c.status,
                counts: c.counts,
            })
            .collect(),
        findings,
        paths: &ev.paths,
    };
    f(&report)
}
