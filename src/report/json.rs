//! `--format json`: the evaluation as data, versioned by `schema`. Nothing is sanitized: it is
//! data, and consumers escape for their own display.

use std::io::{self, Write};

use serde::Serialize;

use super::{ReportInput, accounts, regions};
use crate::compliance::{
    AthenaScope, Counts, Evaluation, Finding, ProgramResult, ResourceKind, Status,
};

pub const REPORT_SCHEMA: &str = "intransit.report/v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    scan: Scan<'a>,
    catalog: CatalogInfo<'a>,
    summary: Summary<'a>,
    /// With `--exceptions`: each entry, its state and the findings it matches.
    exceptions: Option<super::accepted::Block<'a>>,
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
    ou_path: Option<&'a str>,
    tags: &'a std::collections::BTreeMap<String, String>,
    scan_state: &'static str,
    scan_error: Option<&'a str>,
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
    /// With `--group-by`: the same findings per account or OU.
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Groups>,
}

#[derive(Serialize)]
struct Groups {
    by: super::GroupBy,
    groups: Vec<super::Group>,
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
    let mut out = Vec::new();
    match write(input, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        // Every field is a plain string, number or map with string keys: cannot fail.
        Err(e) => format!("{{\"schema\": \"{REPORT_SCHEMA}\", \"error\": \"{e}\"}}\n"),
    }
}

/// [`render`] escaped as [`crate::text::json_safe`] escapes it, written to `out` as it is
/// encoded: never the whole text in memory (an organization's report runs to hundreds of
/// megabytes).
pub(super) fn write_safe(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    crate::text::write_json_safe(out, |safe| write(input, safe))
}

/// The report, the same bytes as serde_json's pretty printer gives the whole of it. The
/// findings are encoded on every core, in chunks, while this thread writes (and `out`
/// escapes) the chunks before them.
fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    with_report(input, |r| {
        out.write_all(b"{\n")?;
        field(out, "schema", &r.schema, false)?;
        field(out, "tool", &r.tool, false)?;
        field(out, "scan", &r.scan, false)?;
        field(out, "catalog", &r.catalog, false)?;
        field(out, "summary", &r.summary, false)?;
        if let Some(block) = &r.exceptions {
            field(out, "exceptions", block, false)?;
        }
        field(out, "programs", &r.programs, false)?;
        field(out, "checks", &r.checks, false)?;
        out.write_all(b"  \"findings\": ")?;
        findings(out, input.evaluation, &r.findings)?;
        out.write_all(b",\n")?;
        field(out, "paths", &r.paths, true)?;
        out.write_all(b"}\n")
    })
}

/// `  "name": value` at the report's top level, pretty.
fn field(out: &mut dyn Write, name: &str, value: &impl Serialize, last: bool) -> io::Result<()> {
    write!(out, "  \"{name}\": ")?;
    pretty(&mut *out, value, b"  ")?;
    out.write_all(if last { b"\n" } else { b",\n" })
}

/// `value` pretty, every line after the first indented by `indent` more: what the pretty
/// printer writes for the same value nested that deep (no JSON string holds a raw newline).
fn pretty(out: &mut dyn Write, value: &impl Serialize, indent: &'static [u8]) -> io::Result<()> {
    serde_json::to_writer_pretty(Indent { out, indent }, value).map_err(io::Error::other)
}

/// Indents every line after the first by `indent`.
struct Indent<'a> {
    out: &'a mut dyn Write,
    indent: &'static [u8],
}

impl Write for Indent<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.out.write_all(&rest[..=i])?;
            self.out.write_all(self.indent)?;
            rest = &rest[i + 1..];
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Findings per chunk encoded by one thread.
const CHUNK: usize = 512;

/// The findings array, `[` to `]`, as the pretty printer writes it at the report's top level.
fn findings(out: &mut dyn Write, ev: &Evaluation, findings: &[&Finding]) -> io::Result<()> {
    if findings.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let chunks: Vec<&[&Finding]> = findings.chunks(CHUNK).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chunks.len());
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(workers);
        for w in 0..workers {
            let (send, receive) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
            let mine: Vec<(usize, &[&Finding])> = chunks
                .iter()
                .enumerate()
                .skip(w)
                .step_by(workers)
                .map(|(i, c)| (i, *c))
                .collect();
            scope.spawn(move || {
                for (i, chunk) in mine {
                    if send.send(encode_chunk(ev, i == 0, chunk)).is_err() {
                        return; // the writer stopped
                    }
                }
            });
            lanes.push(receive);
        }
        // In order: chunk i comes from lane i % workers.
        for i in 0..chunks.len() {
            let bytes = lanes[i % workers]
                .recv()
                .map_err(|_| io::Error::other("a findings encoder stopped"))??;
            out.write_all(&bytes)?;
        }
        Ok::<(), io::Error>(())
    })?;
    out.write_all(b"\n  ]")
}

/// A finding with the disposition an exception gave it.
#[derive(Serialize)]
struct Disposed<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(flatten)]
    disposition: super::accepted::Disposition<'a>,
}

fn encode_chunk(ev: &Evaluation, first: bool, chunk: &[&Finding]) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(chunk.len() * 2048);
    let mut text = Vec::with_capacity(4096);
    for (j, f) in chunk.iter().enumerate() {
        buf.extend_from_slice(if first && j == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        // Into a plain buffer, then indented in one pass: faster than indenting every piece
        // the serializer writes.
        text.clear();
        match super::accepted::disposition(ev, f) {
            Some(disposition) => serde_json::to_writer_pretty(
                &mut text,
                &Disposed {
                    finding: f,
                    disposition,
                },
            ),
            None => serde_json::to_writer_pretty(&mut text, f),
        }
        .map_err(io::Error::other)?;
        let mut lines = text.split(|&b| b == b'\n');
        if let Some(line) = lines.next() {
            buf.extend_from_slice(line);
        }
        for line in lines {
            buf.extend_from_slice(b"\n    ");
            buf.extend_from_slice(line);
        }
    }
    Ok(buf)
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
                .map(|a| Account {
                    id: &a.id,
                    name: a.name.as_deref(),
                    partition: a.partition.as_str(),
                    ou_path: a.ou_path.as_deref(),
                    tags: &a.tags,
                    scan_state: a.scan_state.as_str(),
                    scan_error: a.scan_error.as_deref(),
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
            groups: input.group_by.map(|by| Groups {
                by,
                groups: super::groups(input, by),
            }),
        },
        exceptions: super::accepted::block(&ev.acceptance),
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
