//! The comparisons: each kind of resource keyed the same way on both sides.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, ChangeKind, Diff, Impact, Side};
use crate::compliance::{Evaluation, Status, control_key};
use crate::model::{Estate, ScanState};
use crate::policy::{TlsVersion, Verdict};

/// One scan: what it read, its evaluation, and how the report names it.
pub struct Scan<'a> {
    pub side: Side,
    pub estate: &'a Estate,
    pub evaluation: &'a Evaluation,
}

/// Every change from `base` to `new`, regressions first, then improvements, then neutral;
/// within each by kind and subject.
pub fn diff(base: Scan<'_>, new: Scan<'_>) -> Diff {
    let mut out = Vec::new();
    accounts(&mut out, base.estate, new.estate);
    buckets(&mut out, base.estate, new.estate);
    controls(&mut out, base.evaluation, new.evaluation);
    findings(&mut out, base.evaluation, new.evaluation);
    paths(&mut out, base.evaluation, new.evaluation);
    tunnels(&mut out, base.estate, new.estate);
    endpoints(&mut out, base.estate, new.estate);
    out.sort_by(|a, b| {
        (a.impact, a.kind, &a.subject, &a.account_id).cmp(&(
            b.impact,
            b.kind,
            &b.subject,
            &b.account_id,
        ))
    });
    Diff {
        base: base.side,
        new: new.side,
        changes: out,
    }
}

fn change(
    impact: Impact,
    kind: ChangeKind,
    subject: String,
    account: Option<&str>,
    before: Option<String>,
    after: Option<String>,
) -> Change {
    Change {
        impact,
        kind,
        subject,
        account_id: account.map(str::to_string),
        before,
        after,
        controls: Vec::new(),
    }
}

/// Worse, better or the same in the badness order, for one resource (`not_applicable`
/// either way is neutral). A resource whose failure can no longer be read is not fixed:
/// `fail → unknown` is neutral.
fn by_status(before: Status, after: Status) -> Impact {
    if before == Status::Fail && after == Status::Unknown {
        Impact::Neutral
    } else {
        by_order(before, after)
    }
}

/// Worse, better or the same in the badness order, for a control: `fail → unknown` there
/// means every failure was fixed and only what could not be read is left.
fn by_order(before: Status, after: Status) -> Impact {
    if before == Status::NotApplicable || after == Status::NotApplicable || before == after {
        Impact::Neutral
    } else if after < before {
        Impact::Regression
    } else {
        Impact::Improvement
    }
}

/// A TLS verdict in the badness order: not enforced is a failure, unknown may hide one.
fn verdict_status(v: Verdict) -> Status {
    match v {
        Verdict::Enforced => Status::Pass,
        Verdict::Partial => Status::Partial,
        Verdict::Unknown => Status::Unknown,
        Verdict::NotEnforced => Status::Fail,
    }
}

fn scan_rank(s: ScanState) -> u8 {
    match s {
        ScanState::Scanned => 2,
        ScanState::Partial => 1,
        ScanState::NotScanned => 0,
    }
}

fn accounts(out: &mut Vec<Change>, base: &Estate, new: &Estate) {
    let map = |e: &Estate| -> BTreeMap<String, ScanState> {
        e.accounts
            .iter()
            .map(|a| (a.id.clone(), a.scan_state))
            .collect()
    };
    let (b, n) = (map(base), map(new));
    for (id, before) in &b {
        let subject = format!("account {id}");
        match n.get(id) {
            None => out.push(change(
                Impact::Neutral,
                ChangeKind::AccountRemoved,
                subject,
                Some(id),
                Some(before.to_string()),
                None,
            )),
            Some(after) if after != before => out.push(change(
                if scan_rank(*after) < scan_rank(*before) {
                    Impact::Regression
                } else {
                    Impact::Improvement
                },
                ChangeKind::AccountScanState,
                subject,
                Some(id),
                Some(before.to_string()),
                Some(after.to_string()),
            )),
            Some(_) => {}
        }
    }
    for (id, after) in n.iter().filter(|(id, _)| !b.contains_key(*id)) {
        out.push(change(
            if *after == ScanState::Scanned {
                Impact::Neutral
            } else {
                Impact::Regression
            },
            ChangeKind::AccountAdded,
            format!("account {id}"),
            Some(id),
            None,
            Some(after.to_string()),
        ));
    }
}

fn min_tls_text(v: Option<TlsVersion>) -> String {
    v.map_or("none".to_string(), |v| v.as_str().to_string())
}

fn buckets(out: &mut Vec<Change>, base: &Estate, new: &Estate) {
    let map = |e: &Estate| -> BTreeMap<(String, String), (Verdict, Option<TlsVersion>)> {
        e.buckets
            .iter()
            .map(|b| {
                (
                    (b.name.clone(), b.account_id.clone()),
                    (b.tls.verdict(), b.tls.min_tls()),
                )
            })
            .collect()
    };
    let (b, n) = (map(base), map(new));
    for ((name, account), (verdict, min_tls)) in &b {
        let subject = format!("bucket {name}");
        let Some((v2, m2)) = n.get(&(name.clone(), account.clone())) else {
            out.push(change(
                Impact::Neutral,
                ChangeKind::BucketRemoved,
                subject,
                Some(account),
                Some(verdict.as_str().to_string()),
                None,
            ));
            continue;
        };
        if v2 != verdict {
            out.push(change(
                by_status(verdict_status(*verdict), verdict_status(*v2)),
                ChangeKind::BucketVerdict,
                subject.clone(),
                Some(account),
                Some(verdict.as_str().to_string()),
                Some(v2.as_str().to_string()),
            ));
        }
        if m2 != min_tls {
            // No floor at all is the weakest; a higher floor is an improvement.
            let impact = if m2 < min_tls {
                Impact::Regression
            } else {
                Impact::Improvement
            };
            out.push(change(
                impact,
                ChangeKind::BucketMinTls,
                subject,
                Some(account),
                Some(min_tls_text(*min_tls)),
                Some(min_tls_text(*m2)),
            ));
        }
    }
    for ((name, account), (verdict, _)) in n.iter().filter(|(k, _)| !b.contains_key(*k)) {
        out.push(change(
            if *verdict == Verdict::Enforced {
                Impact::Neutral
            } else {
                Impact::Regression
            },
            ChangeKind::BucketAdded,
            format!("bucket {name}"),
            Some(account),
            None,
            Some(verdict.as_str().to_string()),
        ));
    }
}

fn controls(out: &mut Vec<Change>, base: &Evaluation, new: &Evaluation) {
    let map = |e: &Evaluation| -> BTreeMap<String, Status> {
        e.programs
            .iter()
            .flat_map(|p| {
                p.controls
                    .iter()
                    .map(move |c| (control_key(&p.id, &c.id), c.status))
            })
            .collect()
    };
    let (b, n) = (map(base), map(new));
    for (key, before) in &b {
        if let Some(after) = n.get(key).filter(|a| *a != before) {
            out.push(change(
                by_order(*before, *after),
                ChangeKind::ControlStatus,
                format!("control {key}"),
                None,
                Some(before.to_string()),
                Some(after.to_string()),
            ));
        }
    }
}

fn findings(out: &mut Vec<Change>, base: &Evaluation, new: &Evaluation) {
    let map = |e: &Evaluation| -> BTreeMap<String, (Status, String, String)> {
        e.checks
            .iter()
            .flat_map(|c| &c.findings)
            .map(|f| {
                (
                    f.id.to_string(),
                    (
                        f.status,
                        f.check.to_string(),
                        f.resource.account_id.to_string(),
                    ),
                )
            })
            .collect()
    };
    let (b, n) = (map(base), map(new));
    let keys = new.control_keys_by_check();
    let old_keys = base.control_keys_by_check();
    let controls_of = |check: &str| -> Vec<String> {
        keys.get(check)
            .or_else(|| old_keys.get(check))
            .map(|k| k.iter().map(|k| k.to_string()).collect())
            .unwrap_or_default()
    };
    for (id, (before, check, account)) in &b {
        let mut c = match n.get(id) {
            None => change(
                Impact::Neutral,
                ChangeKind::FindingRemoved,
                id.clone(),
                Some(account),
                Some(before.to_string()),
                None,
            ),
            Some((after, ..)) if after != before => change(
                by_status(*before, *after),
                ChangeKind::FindingStatus,
                id.clone(),
                Some(account),
                Some(before.to_string()),
                Some(after.to_string()),
            ),
            Some(_) => continue,
        };
        c.controls = controls_of(check);
        out.push(c);
    }
    for (id, (after, check, account)) in n.iter().filter(|(id, _)| !b.contains_key(*id)) {
        let mut c = change(
            if after.needs_attention() {
                Impact::Regression
            } else {
                Impact::Neutral
            },
            ChangeKind::FindingAdded,
            id.clone(),
            Some(account),
            None,
            Some(after.to_string()),
        );
        c.controls = controls_of(check);
        out.push(c);
    }
}

fn paths(out: &mut Vec<Change>, base: &Evaluation, new: &Evaluation) {
    let map = |e: &Evaluation| -> BTreeMap<String, (Status, String, String)> {
        e.paths
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    (p.verdict, p.name.clone(), p.account_id.clone()),
                )
            })
            .collect()
    };
    let (b, n) = (map(base), map(new));
    for (id, (before, name, account)) in &b {
        let subject = format!("path {name} ({id})");
        match n.get(id) {
            None => out.push(change(
                Impact::Neutral,
                ChangeKind::PathRemoved,
                subject,
                Some(account),
                Some(before.to_string()),
                None,
            )),
            Some((after, ..)) if after != before => out.push(change(
                by_status(*before, *after),
                ChangeKind::PathVerdict,
                subject,
                Some(account),
                Some(before.to_string()),
                Some(after.to_string()),
            )),
            Some(_) => {}
        }
    }
    for (id, (after, name, account)) in n.iter().filter(|(id, _)| !b.contains_key(*id)) {
        out.push(change(
            if *after == Status::Pass {
                Impact::Neutral
            } else {
                Impact::Regression
            },
            ChangeKind::PathAdded,
            format!("path {name} ({id})"),
            Some(account),
            None,
            Some(after.to_string()),
        ));
    }
}

fn tunnels(out: &mut Vec<Change>, base: &Estate, new: &Estate) {
    let map = |e: &Estate| -> BTreeMap<(String, String), (String, String)> {
        e.connectivity
            .vpn_connections
            .iter()
            .flat_map(|v| {
                v.tunnels.iter().map(move |t| {
                    (
                        (v.id.clone(), t.outside_ip.clone()),
                        (t.status.clone(), v.account_id.clone()),
                    )
                })
            })
            .collect()
    };
    let (b, n) = (map(base), map(new));
    for ((vpn, ip), (before, account)) in &b {
        if let Some((after, _)) = n
            .get(&(vpn.clone(), ip.clone()))
            .filter(|(a, _)| a != before)
        {
            let up = |s: &str| s.eq_ignore_ascii_case("UP");
            let impact = match (up(before), up(after)) {
                (true, false) => Impact::Regression,
                (false, true) => Impact::Improvement,
                _ => Impact::Neutral,
            };
            out.push(change(
                impact,
                ChangeKind::TunnelStatus,
                format!("tunnel {vpn} {ip}"),
                Some(account),
                Some(before.clone()),
                Some(after.clone()),
            ));
        }
    }
}

fn endpoints(out: &mut Vec<Change>, base: &Estate, new: &Estate) {
    let map = |e: &Estate| -> BTreeMap<String, (String, String, String)> {
        e.connectivity
            .vpc_endpoints
            .iter()
            .map(|v| {
                (
                    v.id.clone(),
                    (
                        v.state.clone(),
                        v.service_name.clone(),
                        v.account_id.clone(),
                    ),
                )
            })
            .collect()
    };
    let (b, n) = (map(base), map(new));
    let available = |s: &str| s.eq_ignore_ascii_case("available");
    for (id, (before, service, account)) in &b {
        let subject = format!("endpoint {id} ({service})");
        match n.get(id) {
            None => out.push(change(
                Impact::Regression,
                ChangeKind::EndpointRemoved,
                subject,
                Some(account),
                Some(before.clone()),
                None,
            )),
            Some((after, ..)) if after != before => out.push(change(
                match (available(before), available(after)) {
                    (true, false) => Impact::Regression,
                    (false, true) => Impact::Improvement,
                    _ => Impact::Neutral,
                },
                ChangeKind::EndpointState,
                subject,
                Some(account),
                Some(before.clone()),
                Some(after.clone()),
            )),
            Some(_) => {}
        }
    }
    let seen: BTreeSet<&String> = b.keys().collect();
    for (id, (after, service, account)) in n.iter().filter(|(id, _)| !seen.contains(id)) {
        out.push(change(
            Impact::Improvement,
            ChangeKind::EndpointAdded,
            format!("endpoint {id} ({service})"),
            Some(account),
            None,
            Some(after.clone()),
        ));
    }
}
