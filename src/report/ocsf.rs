//! `--format ocsf`: one OCSF Compliance Finding (class 2003, category 2 Findings) per finding,
//! as a JSON array with one event per line, for Security Lake / Security Hub ingestion.
//! Target: OCSF 1.8.0 with the `cloud` profile; every event validates against the JSON Schema
//! of that class under `tests/ocsf/` (see its README for how it is generated).
//!
//! Mapping: `compliance.control` is the intransit check (as Security Hub uses its own control
//! ids) and `compliance.desc` its pass/fail criteria; `compliance.standards` the selected
//! programs that map it; `compliance.requirements` the controls (`PCI DSS 4.0.1 4.2.1`).
//! Status: pass -> Pass (1), partial and fail -> Fail (3), unknown -> Warning (2, "did not yield
//! a result due to missing information"), not_applicable -> Other (99); the exact intransit
//! status is in `compliance.status_code`, the message and note in `compliance.status_details`.
//! Severity: informational for passing and not-applicable findings, else the finding's
//! severity. `time` is the scan's finish time (or start time), in milliseconds; 0 when the scan
//! has neither (and no `finding_info.created_time` then). The resource is the finding's target
//! (`role_id` 1), owned by its AWS account. No `remediation`: findings carry no remediation
//! text.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::ReportInput;
use crate::compliance::{Finding, Severity, Status};

pub const OCSF_VERSION: &str = "1.8.0";

const CLASS_UID: u32 = 2003;
const CATEGORY_UID: u32 = 2;
const ACTIVITY_CREATE: u32 = 1;
/// `account.type_id` for an AWS account.
const AWS_ACCOUNT: u32 = 10;

fn scan_time_ms(input: &ReportInput<'_>) -> u64 {
    let at = input
        .meta
        .finished_at
        .as_deref()
        .or(input.meta.started_at.as_deref());
    at.and_then(|t| humantime::parse_rfc3339_weak(t).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn compliance_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Pass => (1, "Pass"),
        Status::Unknown => (2, "Warning"),
        Status::Partial | Status::Fail => (3, "Fail"),
        Status::NotApplicable => (99, "Other"),
    }
}

fn severity(f: &Finding) -> (u32, &'static str) {
    let s = if matches!(f.status, Status::Pass | Status::NotApplicable) {
        Severity::Informational
    } else {
        f.severity
    };
    match s {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// What every event of one report shares.
struct Common<'a> {
    time: u64,
    version: String,
    accounts: HashMap<&'a str, &'a crate::model::Account>,
    /// Per check: the programs that map it (`standards`) and their controls (`requirements`).
    mapped: HashMap<&'a str, (Vec<String>, Vec<String>)>,
}

/// The events, one per line, each encoded and written before the next is built: an
/// organization's 200,000 findings never exist as JSON values at once.
pub(super) fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let ev = input.evaluation;
    let common = Common {
        time: scan_time_ms(input),
        version: if input.meta.tool_version.is_empty() {
            env!("CARGO_PKG_VERSION").to_string()
        } else {
            input.meta.tool_version.clone()
        },
        accounts: input
            .estate
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), a))
            .collect(),
        mapped: ev
            .checks
            .iter()
            .map(|c| (c.check.id, mapped(ev, c.check.id)))
            .collect(),
    };
    let mut any = false;
    for f in ev.findings() {
        out.write_all(if any { b",\n" } else { b"[\n" })?;
        any = true;
        serde_json::to_writer(&mut *out, &event(input, &common, f))?;
    }
    out.write_all(if any { b"\n]\n" } else { b"[]\n" })
}

/// The programs that map `check`, and their controls.
fn mapped(ev: &crate::compliance::Evaluation, check: &str) -> (Vec<String>, Vec<String>) {
    let mut standards: Vec<String> = Vec::new();
    let mut requirements: Vec<String> = Vec::new();
    for p in &ev.programs {
        let controls: Vec<&str> = p
            .controls
            .iter()
            .filter(|c| c.checks.iter().any(|x| x == check))
            .map(|c| c.id.as_str())
            .collect();
        if controls.is_empty() {
            continue;
        }
        let standard = format!("{} {}", p.name, p.version);
        for c in controls {
            requirements.push(format!("{standard} {c}"));
        }
        standards.push(standard);
    }
    (standards, requirements)
}

/// One finding's event.
fn event(input: &ReportInput<'_>, common: &Common<'_>, f: &Finding) -> Value {
    let ev = input.evaluation;
    let (time, version, accounts) = (common.time, &common.version, &common.accounts);
    let check = ev.check(&f.check).map(|c| c.check);
    let title = check.map(|c| c.title).unwrap_or(f.check.as_ref());
    let computed;
    let (standards, requirements) = match common.mapped.get(f.check.as_ref()) {
        Some(m) => m,
        None => {
            computed = mapped(ev, &f.check);
            &computed
        }
    };
    let (status_id, status) = compliance_status(f.status);
    let (severity_id, severity_name) = severity(f);
    let r = &f.resource;
    let known = accounts.get(&*r.account_id);
    let partition = known.map_or("aws", |a| a.partition.as_str());
    let mut account = json!({
        "uid": r.account_id,
        "type": "AWS Account",
        "type_id": AWS_ACCOUNT,
    });
    if let Some(a) = known {
        if let Some(n) = a.name.as_deref() {
            account["name"] = json!(n);
        }
        if let Some(ou) = a.ou_path.as_deref() {
            account["labels"] = json!([format!("ou_path:{ou}")]);
        }
        if !a.tags.is_empty() {
            let tags: Vec<_> = a
                .tags
                .iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect();
            account["tags"] = json!(tags);
        }
    }
    let mut cloud = json!({
        "provider": "AWS",
        "account": account.clone(),
        "cloud_partition": partition,
    });
    let mut resource = json!({
        "uid": r.arn.clone().unwrap_or_else(|| r.id.clone()),
        "name": r.name.clone().unwrap_or_else(|| r.id.clone()),
        "type": r.kind.aws_type(),
        "role_id": 1,
        "role": "Target",
        "owner": { "account": account },
        "cloud_partition": partition,
        "data": {
            "intransit_resource_kind": r.kind,
            "intransit_resource_id": r.id,
            "athena_data_path": f.athena_data_path,
            "evidence": f.evidence,
        },
    });
    if let Some(region) = &r.region {
        cloud["region"] = json!(region);
        resource["region"] = json!(region);
    }
    let mut details = vec![f.message().clone()];
    details.extend(f.note.clone());
    let mut compliance = json!({
        "control": f.check,
        "standards": standards,
        "requirements": requirements,
        "status": status,
        "status_id": status_id,
        "status_code": f.status.as_str(),
        "status_details": details,
    });
    if let Some(c) = check {
        compliance["desc"] = json!(c.description);
    }
    let mut finding_info = json!({
        "uid": f.id,
        "title": title,
        "desc": details.join(" "),
        "types": ["Data in transit"],
        "analytic": {
            "uid": f.check,
            "name": title,
            "type": "Rule",
            "type_id": 1,
        },
    });
    if time > 0 {
        finding_info["created_time"] = json!(time);
    }
    // OCSF status 3, Suppressed: an accepted risk, its reason the comment.
    let accepted = super::accepted::disposition(ev, f);
    let (event_status_id, event_status) = if accepted.is_some() {
        (3, "Suppressed")
    } else {
        (1, "New")
    };
    let mut event = json!({
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": event_status_id,
        "status": event_status,
        "time": time,
        "message": f.message(),
        "metadata": {
            "version": OCSF_VERSION,
            "uid": f.id,
            "profiles": ["cloud"],
            "log_provider": "intransit",
            "product": {
                "name": "intransit",
                "vendor_name": "intransit",
                "version": version,
            },
        },
        "cloud": cloud,
        "finding_info": finding_info,
        "compliance": compliance,
        "resources": [resource],
    });
    if let Some(d) = accepted {
        let ticket = d.ticket.map(|t| format!(", {t}")).unwrap_or_default();
        event["comment"] = json!(format!(
            "Accepted by exception {} ({}{ticket}) until {}: {}",
            d.exception, d.owner, d.expires, d.reason
        ));
    }
    event
}
