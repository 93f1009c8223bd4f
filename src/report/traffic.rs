//! The evidence pack's "Observed traffic" section: what the logs read say, beside the
//! findings that join them with the configuration. Present only when logs were read.

use std::fmt::Write;

use super::markdown::md_escape;
use crate::compliance::Evaluation;
use crate::model::Estate;
use crate::traffic::{Client, Outcome, Traffic};

/// Rows of the client table (most requests first); `intransit traffic` lists them all.
const CLIENTS_LISTED: usize = 50;
/// Files named one by one.
const FILES_LISTED: usize = 20;

pub(super) fn markdown(out: &mut String, estate: &Estate, ev: &Evaluation) {
    let Some(t) = estate.traffic.as_deref() else {
        return;
    };
    let _ = writeln!(out, "## Observed traffic\n");
    coverage(out, t);
    findings(out, ev);
    plain_http(out, t);
    let old: Vec<&Client> = t.old_tls().collect();
    clients(out, "Clients below TLS 1.2", &old, old.len());
    let all: Vec<&Client> = t.clients.iter().take(CLIENTS_LISTED).collect();
    clients(out, "Clients, most requests first", &all, t.clients.len());
}

fn coverage(out: &mut String, t: &Traffic) {
    let c = &t.coverage;
    let window = match (&c.first_seen, &c.last_seen) {
        (Some(a), Some(b)) => format!(", from {a} to {b}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "Read {} records from {} files{window}: {} lines or events refused, {} files \
         unreadable, {} records outside the window{}.{}\n",
        c.records,
        c.files.len(),
        c.refused,
        c.unreadable_files,
        c.outside_window,
        c.since
            .as_deref()
            .map(|s| format!(" (since {s})"))
            .unwrap_or_default(),
        if c.sampled {
            " Sampled: not every event of the window was read."
        } else {
            ""
        }
    );
    for f in c.files.iter().take(FILES_LISTED) {
        let trouble = match (&f.error, f.refused) {
            (Some(e), _) => format!(" — unreadable: {}", md_escape(e)),
            (None, 0) => String::new(),
            (None, n) => format!(" — {n} refused: {}", md_escape(&f.first_refused.join("; "))),
        };
        let _ = writeln!(
            out,
            "- {} ({}): {} records{trouble}",
            md_escape(&f.name),
            f.log.as_str(),
            f.records
        );
    }
    if c.files.len() > FILES_LISTED {
        let _ = writeln!(out, "- and {} more files", c.files.len() - FILES_LISTED);
    }
    let _ = writeln!(out);
}

fn findings(out: &mut String, ev: &Evaluation) {
    let found = ev.observed_traffic_findings();
    if found.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| Status | Check | Resource | Finding |\n|---|---|---|---|"
    );
    for f in found {
        let _ = writeln!(
            out,
            "| **{}** | `{}` | {} | {} |",
            f.status.label(),
            f.check,
            md_escape(&f.resource.id),
            md_escape(&f.message())
        );
    }
    let _ = writeln!(out);
}

fn plain_http(out: &mut String, t: &Traffic) {
    let _ = writeln!(out, "### Plain-HTTP requests\n");
    if t.plain_http.is_empty() {
        let _ = writeln!(out, "None in the access logs read.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| Outcome | Bucket | Operation | Source | Principal | HTTP | Requests | First | Last | Request ids |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for p in &t.plain_http {
        let outcome = match p.outcome {
            Outcome::Accepted => "**accepted**",
            Outcome::Denied => "denied",
        };
        let _ = writeln!(
            out,
            "| {outcome} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md_escape(&p.bucket),
            md_escape(&p.operation),
            md_escape(&p.source_ip),
            md_escape(&p.principal),
            p.http_status.map_or("-".into(), |s| s.to_string()),
            p.count,
            p.first_seen.as_deref().unwrap_or("-"),
            p.last_seen.as_deref().unwrap_or("-"),
            md_escape(&p.examples.join(", "))
        );
    }
    let _ = writeln!(out);
}

fn clients(out: &mut String, title: &str, rows: &[&Client], total: usize) {
    let _ = writeln!(out, "### {title}\n");
    if rows.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| Requests | Log | TLS | Service | Path | Source | Principal | User agent | Examples |\n|---|---|---|---|---|---|---|---|---|"
    );
    for c in rows {
        let service = c.service();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.count,
            c.log.as_str(),
            md_escape(c.tls_version.as_deref().unwrap_or("not recorded")),
            md_escape(&service),
            md_escape(&c.endpoint),
            md_escape(&c.source_ip),
            md_escape(&c.principal),
            md_escape(c.user_agent.as_deref().unwrap_or("-")),
            md_escape(&c.examples.join(", "))
        );
    }
    if total > rows.len() {
        let _ = writeln!(
            out,
            "\nand {} more (`intransit traffic --format json` lists them all)",
            total - rows.len()
        );
    }
    let _ = writeln!(out);
}
