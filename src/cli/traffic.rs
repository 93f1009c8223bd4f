//! `intransit traffic`: what the logs say clients actually did — the plain-HTTP requests
//! buckets served or refused, the clients below TLS 1.2, every kind of client with its path —
//! and, with an estate (`--demo`, `--snapshot`, AWS), the findings that join it with the
//! configuration.
//!
//! Exit status: 0 when the output was written; 2 when nothing could be read (no logs given,
//! the estate unusable, a bad `--since`, output not writable).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use serde_json::json;

use super::Format;
use super::source_args::SourceArgs;
use super::traffic_args::TrafficArgs;
use crate::compliance::{Catalog, Finding, evaluate};
use crate::source::{self, SourceSpec};
use crate::text::sanitize;
use crate::traffic::{self, TRAFFIC_SCHEMA, Traffic, time};

#[derive(Debug, Args)]
pub struct TrafficCommandArgs {
    #[command(flatten)]
    pub logs: TrafficArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Count only records this recent: a duration before now (`7d`, `36h`) or an RFC 3339
    /// time. Older records are read and counted as outside the window. Default: 7 days when
    /// CloudTrail is read live, every record otherwise.
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Live CloudTrail: at most this many events per account and region (the read is then
    /// marked sampled).
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub max_events: u64,
    /// With AWS flags: do not read CloudTrail live (`cloudtrail:LookupEvents`), only the
    /// files given.
    #[arg(long)]
    pub no_lookup_events: bool,
    #[command(flatten)]
    pub athena: super::traffic_athena::AthenaArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    crate::say!("{message}");
    ExitCode::from(2)
}

/// `--since`: seconds since the epoch.
fn since(text: &str) -> Result<i64, String> {
    if let Some(at) = time::rfc3339(text) {
        return Ok(at);
    }
    humantime::parse_duration(text)
        .map(|d| time::now() - d.as_secs() as i64)
        .map_err(|e| {
            format!("--since {text:?}: neither a duration (7d, 36h) nor an RFC 3339 time ({e})")
        })
}

/// Whether the command line names an estate to join the logs with.
fn names_estate(s: &SourceArgs) -> bool {
    s.demo
        || s.snapshot.is_some()
        || s.profile.is_some()
        || !s.region.is_empty()
        || s.all_regions
        || !s.role_arn.is_empty()
        || s.org_role.is_some()
        || s.endpoint_url.is_some()
}

/// Whether CloudTrail is read live: AWS flags, and not turned off or replaced by a query.
fn live(args: &TrafficCommandArgs) -> bool {
    names_estate(&args.source)
        && !args.source.demo
        && args.source.snapshot.is_none()
        && !args.no_lookup_events
        && !args.athena.emit_sql
        && args.athena.athena_query.is_none()
}

/// The live read's default window.
const LIVE_WINDOW: i64 = 7 * 86_400;

pub fn run(args: &TrafficCommandArgs) -> ExitCode {
    let since = match args.since.as_deref().map(since).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if args.athena.emit_sql {
        return emit_sql(args, since);
    }
    let result = match &args.athena.athena_query {
        Some(id) => from_query(args, id),
        None => from_logs(args, since),
    };
    let (traffic, findings) = match result {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let text = match args.format {
        Format::Json => json_output(&traffic, findings.as_deref()),
        Format::Text => text_output(&traffic, findings.as_deref()),
    };
    match super::write_output(args.out.as_deref(), &text, "traffic") {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

type Judged = (Arc<Traffic>, Option<Vec<Finding>>);

/// The logs given (files, the demo's, CloudTrail live), joined with the estate when one is
/// named.
fn from_logs(args: &TrafficCommandArgs, since: Option<i64>) -> Result<Judged, String> {
    let inputs = args.logs.inputs();
    if inputs.is_empty() && !args.source.demo && !live(args) {
        return Err(
            "no logs to read: give --access-logs or --cloudtrail (files or \
             directories), AWS flags to read CloudTrail live, or --demo for the demo \
             estate's logs"
                .into(),
        );
    }
    let since = since.or_else(|| live(args).then(|| time::now() - LIVE_WINDOW));
    let mut agg = traffic::Aggregator::new(since);
    if args.source.demo {
        traffic::read_demo(&mut agg);
    }
    traffic::files::read(&inputs, &mut agg);
    if !names_estate(&args.source) {
        return Ok((Arc::new(agg.finish()), None));
    }
    let (runtime, store, spec) = estate(args)?;
    let agg = Arc::new(std::sync::Mutex::new(agg));
    if live(args) {
        lookup_events(&runtime, &store, &spec, args, since, agg.clone());
    }
    let agg = Arc::try_unwrap(agg)
        .map_err(|_| "the live read is still running".to_string())?
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let traffic = Arc::new(agg.finish());
    let findings = judge(store, &traffic);
    Ok((traffic, Some(findings)))
}

/// A finished Athena query's aggregates, joined with the AWS estate.
fn from_query(args: &TrafficCommandArgs, id: &str) -> Result<Judged, String> {
    let (runtime, store, spec) = estate(args)?;
    let traffic = Arc::new(super::traffic_athena::read_query(&runtime, &spec, id)?);
    let findings = judge(store, &traffic);
    Ok((traffic, Some(findings)))
}

fn emit_sql(args: &TrafficCommandArgs, since: Option<i64>) -> ExitCode {
    if !names_estate(&args.source) {
        return fail(
            "--emit-sql projects the tables over the estate's accounts, regions and buckets: \
             give --demo, --snapshot FILE or AWS flags",
        );
    }
    let text = estate(args).and_then(|(_, store, _)| {
        let start = since.unwrap_or_else(|| time::now() - LIVE_WINDOW);
        super::traffic_athena::emit(&args.athena, &store, start)
    });
    match text.and_then(|t| super::write_output(args.out.as_deref(), &t, "SQL")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The estate the command line names, read.
fn estate(
    args: &TrafficCommandArgs,
) -> Result<(tokio::runtime::Runtime, crate::store::Store, SourceSpec), String> {
    let runtime = super::runtime().map_err(|_| "cannot start the async runtime".to_string())?;
    let spec = match args.source.spec() {
        SourceSpec::Demo { .. } => SourceSpec::Demo { latency: false },
        other => other,
    };
    let store = runtime
        .block_on(async {
            let scan = source::start(&spec).await?;
            scan.finish().await
        })
        .map_err(|e| format!("cannot read the estate: {e}"))?;
    Ok((runtime, store, spec))
}

/// The findings of the checks of observed traffic over the estate with `traffic` in it,
/// worst first.
fn judge(store: crate::store::Store, traffic: &Arc<Traffic>) -> Vec<Finding> {
    super::apply_traffic(&store, Some(traffic));
    let snapshot = store.into_snapshot();
    let evaluation = evaluate(&Catalog::builtin(), &snapshot.estate);
    evaluation
        .observed_traffic_findings()
        .into_iter()
        .cloned()
        .collect()
}

#[cfg(feature = "aws")]
fn lookup_events(
    runtime: &tokio::runtime::Runtime,
    store: &crate::store::Store,
    spec: &SourceSpec,
    args: &TrafficCommandArgs,
    since: Option<i64>,
    agg: Arc<std::sync::Mutex<traffic::Aggregator>>,
) {
    let SourceSpec::Aws(opts) = spec else {
        return;
    };
    let start = since.unwrap_or_else(|| time::now() - LIVE_WINDOW);
    let window = source::aws::events::Window {
        since: std::time::UNIX_EPOCH + std::time::Duration::from_secs(start.max(0) as u64),
        max_events: args.max_events,
    };
    runtime.block_on(source::aws::events::lookup(
        store.clone(),
        opts.clone(),
        window,
        agg,
    ));
}

#[cfg(not(feature = "aws"))]
fn lookup_events(
    _: &tokio::runtime::Runtime,
    _: &crate::store::Store,
    _: &SourceSpec,
    _: &TrafficCommandArgs,
    _: Option<i64>,
    _: std::sync::Arc<std::sync::Mutex<traffic::Aggregator>>,
) {
}

fn json_output(t: &Traffic, findings: Option<&[Finding]>) -> String {
    let old: Vec<&traffic::Client> = t.old_tls().collect();
    let value = json!({
        "schema": TRAFFIC_SCHEMA,
        "clients": t.clients,
        "plain_http": t.plain_http,
        "old_tls": old,
        "coverage": t.coverage,
        "findings": findings,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    crate::text::json_safe(text)
}

fn text_output(t: &Traffic, findings: Option<&[Finding]>) -> String {
    let mut out = String::new();
    coverage_text(&mut out, t);
    if let Some(findings) = findings {
        findings_text(&mut out, findings);
    }
    plain_http_text(&mut out, t);
    old_tls_text(&mut out, t);
    clients_text(&mut out, t);
    out
}

fn coverage_text(out: &mut String, t: &Traffic) {
    let c = &t.coverage;
    let _ = writeln!(
        out,
        "Read {} files: {} records, {} refused, {} outside the window{}",
        c.files.len(),
        c.records,
        c.refused,
        c.outside_window,
        match (&c.first_seen, &c.last_seen) {
            (Some(a), Some(b)) => format!("; {a} to {b}"),
            _ => String::new(),
        }
    );
    if !c.accounts.is_empty() {
        let _ = writeln!(
            out,
            "CloudTrail accounts: {}; regions: {}",
            sanitize(&c.accounts.join(", ")),
            sanitize(&c.regions.join(", "))
        );
    }
    if c.sampled {
        let _ = writeln!(out, "Sampled: not every event of the window was read.");
    }
    for f in c
        .files
        .iter()
        .filter(|f| f.error.is_some() || f.refused > 0)
    {
        let why = f
            .error
            .clone()
            .unwrap_or_else(|| f.first_refused.join("; "));
        let _ = writeln!(
            out,
            "  ! {}: {} refused — {}",
            sanitize(&f.name),
            f.refused,
            sanitize(&why)
        );
    }
}

fn findings_text(out: &mut String, findings: &[Finding]) {
    let _ = writeln!(out, "\nJoined with the configuration");
    if findings.is_empty() {
        let _ = writeln!(out, "  nothing in the logs is about the scanned estate");
    }
    for f in findings {
        let _ = writeln!(
            out,
            "  {:<8} {:<13} {}  {}",
            f.status.label(),
            f.severity.as_str(),
            sanitize(&f.resource.id),
            sanitize(&f.message())
        );
    }
}

fn plain_http_text(out: &mut String, t: &Traffic) {
    let _ = writeln!(
        out,
        "\nPlain-HTTP requests (S3 access logs): {}",
        t.plain_http.len()
    );
    for p in &t.plain_http {
        let _ = writeln!(
            out,
            "  {:<8} {:>6} {} {} from {} ({}), HTTP {}, last {}",
            p.outcome.as_str(),
            p.count,
            sanitize(&p.bucket),
            sanitize(&p.operation),
            sanitize(&p.source_ip),
            sanitize(&p.principal),
            p.http_status.map_or("-".into(), |s| s.to_string()),
            p.last_seen.as_deref().unwrap_or("-")
        );
    }
}

fn old_tls_text(out: &mut String, t: &Traffic) {
    let old: Vec<&traffic::Client> = t.old_tls().collect();
    let _ = writeln!(out, "\nClients below TLS 1.2: {}", old.len());
    for c in old {
        let _ = writeln!(
            out,
            "  {:<8} {:>6} {} from {} ({}) to {} via {}, agent {}",
            sanitize(c.tls_version.as_deref().unwrap_or("-")),
            c.count,
            c.log.as_str(),
            sanitize(&c.source_ip),
            sanitize(&c.principal),
            sanitize(&c.event_source),
            sanitize(&c.endpoint),
            sanitize(c.user_agent.as_deref().unwrap_or("-"))
        );
    }
}

fn clients_text(out: &mut String, t: &Traffic) {
    let _ = writeln!(out, "\nClients: {}", t.clients.len());
    let _ = writeln!(
        out,
        "  {:>6}  {:<10} {:<8} {:<22} {:<26} {:<16} principal / agent",
        "count", "log", "TLS", "service", "path", "source"
    );
    for c in &t.clients {
        let service = c.service();
        let _ = writeln!(
            out,
            "  {:>6}  {:<10} {:<8} {:<22} {:<26} {:<16} {} / {}",
            c.count,
            c.log.as_str(),
            sanitize(c.tls_version.as_deref().unwrap_or("-")),
            sanitize(&service),
            sanitize(&c.endpoint),
            sanitize(&c.source_ip),
            sanitize(&c.principal),
            sanitize(c.user_agent.as_deref().unwrap_or("-"))
        );
    }
}
