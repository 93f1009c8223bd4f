//! `intransit overview [--demo | --snapshot FILE | AWS flags]`: a one-screen text overview
//! of the estate; also what a bare `intransit` prints when it is not run in a terminal.

use std::fmt::Write;
use std::process::ExitCode;

use super::source_args::SourceArgs;
use crate::model::{Bucket, EndpointService, Estate, ScanMeta};
use crate::policy::Verdict;
use crate::source;
use crate::text::sanitize;

pub fn run(args: &SourceArgs) -> ExitCode {
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let spec = args.spec();
    let result = runtime.block_on(async {
        let scan = source::start(&spec).await?;
        scan.finish().await
    });
    match result {
        Ok(store) => {
            let text = store.read(|s| render(&s.estate, &s.meta));
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("intransit: {e}");
            ExitCode::from(1)
        }
    }
}

const VERDICTS: [Verdict; 4] = [
    Verdict::Enforced,
    Verdict::Partial,
    Verdict::NotEnforced,
    Verdict::Unknown,
];

/// A glyph beside every verdict word, so status never depends on colour.
pub fn glyph(v: Verdict) -> &'static str {
    match v {
        Verdict::Enforced => "✔",
        Verdict::Partial => "◐",
        Verdict::NotEnforced => "✘",
        Verdict::Unknown => "?",
    }
}

fn counts<'a>(buckets: impl Iterator<Item = &'a Bucket>) -> [usize; 4] {
    let mut c = [0; 4];
    for b in buckets {
        let i = VERDICTS
            .iter()
            .position(|v| *v == b.tls.verdict)
            .unwrap_or(3);
        c[i] += 1;
    }
    c
}

/// Renders the overview; every string that came from the estate is sanitized.
pub fn render(e: &Estate, meta: &ScanMeta) -> String {
    let mut s = String::new();
    let accounts: Vec<String> = e
        .accounts
        .iter()
        .map(|a| match &a.name {
            Some(n) => format!("{} ({n})", a.id),
            None => a.id.clone(),
        })
        .collect();
    let _ = writeln!(
        s,
        "intransit  [{}]  [READ-ONLY]  accounts: {}  regions: {}",
        meta.mode.badge(),
        accounts.join(", "),
        meta.regions.join(", ")
    );
    let _ = writeln!(s, "\nPlain HTTP denied?          {}", header());
    let all = counts(e.buckets.iter());
    let path = counts(e.buckets.iter().filter(|b| b.athena.in_data_path()));
    let _ = writeln!(
        s,
        "  all buckets ({:>4})        {}",
        e.buckets.len(),
        row(&all)
    );
    let _ = writeln!(
        s,
        "  Athena data path ({:>4})   {}",
        path.iter().sum::<usize>(),
        row(&path)
    );
    let by_rcp = e
        .buckets
        .iter()
        .filter(|b| b.tls.enforced_only_by_rcp())
        .count();
    if by_rcp > 0 {
        let _ = writeln!(s, "  enforced by a resource control policy alone: {by_rcp}");
    }

    let mut open: Vec<&Bucket> = e
        .buckets
        .iter()
        .filter(|b| {
            !b.athena.result_workgroups.is_empty()
                && matches!(b.tls.verdict, Verdict::NotEnforced | Verdict::Partial)
        })
        .collect();
    open.sort_by(|a, b| a.name.cmp(&b.name));
    let _ = writeln!(
        s,
        "\nAthena result buckets that accept plain HTTP: {}",
        open.len()
    );
    for b in open {
        let _ = writeln!(
            s,
            "  {} {:<42} {:<13} {:<15} results of {}",
            glyph(b.tls.verdict),
            b.name,
            b.tls.verdict,
            b.region,
            b.athena.result_workgroups.join(", ")
        );
    }

    let c = &e.connectivity;
    let _ = writeln!(s, "\nConnectivity:");
    for v in &c.vpn_connections {
        let tunnels: Vec<String> = v
            .tunnels
            .iter()
            .map(|t| {
                let weak = !t.weaknesses().is_empty();
                format!(
                    "{} {}{}",
                    t.outside_ip,
                    t.status,
                    if weak { " (weak algorithms)" } else { "" }
                )
            })
            .collect();
        let _ = writeln!(s, "  VPN {} [{}]: {}", v.id, v.region, tunnels.join("; "));
    }
    for d in &c.dx_connections {
        let enc = if d.macsec_enforced() {
            "MACsec must_encrypt".to_string()
        } else {
            format!(
                "NOT encrypted at layer 2 (MACsec {}); relies on TLS end to end",
                if d.macsec_capable {
                    "capable, not required"
                } else {
                    "not capable"
                }
            )
        };
        let _ = writeln!(
            s,
            "  Direct Connect {} {} [{}]: {enc}",
            d.id, d.name, d.region
        );
    }
    let mut regions: Vec<&str> = e.workgroups.iter().map(|w| w.region.as_str()).collect();
    regions.sort_unstable();
    regions.dedup();
    for r in regions {
        let athena: Vec<String> = c
            .vpc_endpoints
            .iter()
            .filter(|v| v.region == r && v.service == Some(EndpointService::Athena))
            .map(|v| {
                format!(
                    "{} (private DNS {})",
                    v.id,
                    if v.private_dns_enabled { "on" } else { "off" }
                )
            })
            .collect();
        let s3 = c
            .vpc_endpoints
            .iter()
            .filter(|v| v.region == r && v.service == Some(EndpointService::S3))
            .count();
        let _ = writeln!(
            s,
            "  {r}: Athena endpoint {}; S3 endpoints: {s3}",
            if athena.is_empty() {
                "MISSING (clients use the public endpoint over TLS)".to_string()
            } else {
                athena.join(", ")
            }
        );
    }
    let errors = e.errors.len()
        + e.buckets.iter().map(|b| b.errors.len()).sum::<usize>()
        + e.workgroups.iter().map(|w| w.errors.len()).sum::<usize>();
    let _ = writeln!(s, "\nFetch errors: {errors}");
    s.lines().map(|l| sanitize(l).into_owned() + "\n").collect()
}

fn header() -> String {
    VERDICTS
        .iter()
        .map(|v| format!("{:>15}", format!("{} {}", glyph(*v), v)))
        .collect::<Vec<_>>()
        .join("")
}

fn row(c: &[usize; 4]) -> String {
    c.iter()
        .map(|n| format!("{n:>15}"))
        .collect::<Vec<_>>()
        .join("")
}
