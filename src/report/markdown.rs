//! `--format markdown`: an evidence pack a person can hand to an auditor. Summary per program,
//! then each program's controls (requirement, status, the findings that decide it), then an
//! appendix with every finding and the exact policy statements that decided each bucket.
//!
//! Every string that came from the estate (names, Sids, messages built from them, policy
//! JSON) is untrusted: control characters and escape sequences are stripped
//! (`crate::text::sanitize`), and Markdown and HTML metacharacters are escaped so a bucket or
//! workgroup name cannot inject markup, links or table columns.

use std::fmt::Write;

use super::{ReportInput, accounts, regions};
use crate::compliance::{
    AthenaScope, CheckResult, ControlResult, Counts, Evaluation, EvidenceSource, Finding,
    ProgramResult, ResourceKind, Status, statement_ref,
};
use crate::text::sanitize;

/// Escapes untrusted text for Markdown inline context (table cells, list items): strips control
/// characters and escape sequences, then backslash-escapes Markdown punctuation and replaces
/// HTML metacharacters with entities.
pub fn md_escape(raw: &str) -> String {
    let clean = sanitize(raw);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block whose fence is longer than any backtick run in `body`.
fn fenced(out: &mut String, lang: &str, body: &str) {
    let clean = sanitize_block(body);
    let mut longest = 0;
    let mut run = 0;
    for c in clean.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{lang}\n{clean}\n{fence}");
}

/// Like `sanitize`, but keeps line breaks (for code blocks).
fn sanitize_block(body: &str) -> String {
    body.lines()
        .map(|l| sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// An autolink for a plain `https://` URL; anything else is shown as escaped text.
fn link(url: &str) -> String {
    let safe = url.starts_with("https://")
        && url
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c));
    if safe {
        format!("<{url}>")
    } else {
        md_escape(url)
    }
}

fn status_cell(s: Status) -> String {
    format!("**{}**", s.label())
}

/// A control's status cell: `**PARTIAL** (capped)` when the cap, not a finding, set it.
fn control_status_cell(c: &ControlResult) -> String {
    if c.capped {
        format!("{} (capped)", status_cell(c.status))
    } else {
        status_cell(c.status)
    }
}

fn counts_cell(c: &Counts) -> String {
    let mut parts = Vec::new();
    for s in Status::ALL {
        let n = c.get(s);
        if n > 0 {
            parts.push(format!("{n} {}", s.label().to_lowercase()));
        }
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

fn scope_short(p: &ProgramResult) -> String {
    match &p.aws_scope {
        None => "not stated".to_string(),
        Some(s) => match (s.athena, s.verified) {
            (AthenaScope::InScope, true) => "yes".to_string(),
            (AthenaScope::InScope, false) => "yes (to confirm)".to_string(),
            (AthenaScope::NotListed, _) => "not listed".to_string(),
            (AthenaScope::NotApplicable, _) => "n/a".to_string(),
        },
    }
}

fn anchor_for_check(index: usize) -> String {
    format!("A.{}", index + 1)
}

fn resource_cell(f: &Finding) -> String {
    let r = &f.resource;
    let mut s = format!("{}: {}", r.kind.noun(), md_escape(&r.id));
    let named = r
        .name
        .as_ref()
        .filter(|_| r.kind != ResourceKind::AthenaWorkgroup);
    if let Some(n) = named {
        s.push_str(&format!(" ({})", md_escape(n)));
    }
    s
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let ev = input.evaluation;
    let mut out = String::new();
    header(&mut out, input);
    summary(&mut out, ev);
    super::accepted::markdown(&mut out, ev);
    accounts_section(&mut out, input);
    paths(&mut out, ev);
    super::traffic::markdown(&mut out, input.estate, ev);
    top_fixes(&mut out, input.plan);
    for (i, p) in ev.programs.iter().enumerate() {
        program(&mut out, ev, i, p);
    }
    appendix(&mut out, ev);
    out
}

/// The top fixes, each evaluated on the estate with it applied (`intransit fix --plan`).
fn top_fixes(out: &mut String, planned: Option<&crate::fix::Planned>) {
    let Some(p) = planned.filter(|p| !p.plan.items.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "## Top fixes\n");
    let _ = writeln!(
        out,
        "{} changes are offered for what does not pass. Each action was applied to a copy of \
         the estate, which was loaded and evaluated again: the counts are those of that \
         evaluation, not estimates. `intransit fix --failing --format sh` writes them as a \
         script that backs up every policy first.\n",
        p.offered()
    );
    let _ = writeln!(
        out,
        "| # | Action | Buckets made enforced | Findings resolved | Controls to pass | Controls better |\n|---|---|---|---|---|---|"
    );
    let rows = p
        .plan
        .items
        .iter()
        .enumerate()
        .map(|(i, x)| ((i + 1).to_string(), x));
    let all = p.plan.all.iter().map(|x| ("all".to_string(), x));
    for (n, x) in rows.chain(all) {
        let r = &x.resolves;
        let _ = writeln!(
            out,
            "| {n} | {} | {} in {} account{} | {} | {} | {} |",
            md_escape(&x.action),
            r.buckets,
            r.accounts,
            if r.accounts == 1 { "" } else { "s" },
            r.findings,
            md_escape(&list_or_none(&r.controls)),
            md_escape(&list_or_none(&r.improved)),
        );
    }
    if p.plan.not_evaluated > 0 {
        let _ = writeln!(
            out,
            "\n{} more candidates were not evaluated (`--plan-limit`).",
            p.plan.not_evaluated
        );
    }
    let _ = writeln!(out);
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn header(out: &mut String, input: &ReportInput<'_>) {
    let meta = input.meta;
    let version = if meta.tool_version.is_empty() {
        env!("CARGO_PKG_VERSION")
    } else {
        meta.tool_version.as_str()
    };
    let _ = writeln!(
        out,
        "# Evidence pack: data in transit between clients, Amazon Athena and Amazon S3\n"
    );
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Produced by | intransit {} |", md_escape(version));
    let source = match meta.mode {
        crate::model::Mode::Live => "live, read-only scan of AWS (LIVE)",
        crate::model::Mode::Demo => "embedded demo estate, not a real AWS account (DEMO)",
        crate::model::Mode::Snapshot => "snapshot file written by `intransit scan` (SNAPSHOT)",
    };
    let _ = writeln!(out, "| Source | {source} |");
    let _ = writeln!(
        out,
        "| Scan started | {} |",
        md_escape(meta.started_at.as_deref().unwrap_or("not recorded"))
    );
    let _ = writeln!(
        out,
        "| Scan finished | {} |",
        md_escape(meta.finished_at.as_deref().unwrap_or("not recorded"))
    );
    let accts: Vec<String> = accounts(input.estate)
        .into_iter()
        .map(|a| {
            let partition = a.partition.as_str();
            let mut said = match &a.name {
                Some(n) => format!("{} ({}, {partition}", md_escape(&a.id), md_escape(n)),
                None => format!("{} ({partition}", md_escape(&a.id)),
            };
            if let Some(ou) = &a.ou_path {
                said.push_str(&format!(", {}", md_escape(ou)));
            }
            if a.scan_state != crate::model::ScanState::Scanned {
                let why = a.scan_error.as_deref().unwrap_or("no reason recorded");
                said.push_str(&format!(", **{}**: {}", a.scan_state, md_escape(why)));
            }
            said.push(')');
            said
        })
        .collect();
    let _ = writeln!(
        out,
        "| Accounts | {} |",
        if accts.is_empty() {
            "none".to_string()
        } else {
            accts.join(", ")
        }
    );
    let regs: Vec<String> = regions(meta).into_iter().map(md_escape).collect();
    let _ = writeln!(
        out,
        "| Regions | {} |",
        if regs.is_empty() {
            "not recorded".to_string()
        } else {
            regs.join(", ")
        }
    );
    let sources: Vec<String> = input.catalog_sources.iter().map(|s| md_escape(s)).collect();
    let _ = writeln!(
        out,
        "| Control catalog | {} ({}) |",
        sources.join(" + "),
        crate::compliance::CATALOG_SCHEMA
    );
    let _ = writeln!(
        out,
        "| Programs in this pack | {} |\n",
        input.evaluation.programs.len()
    );
    out.push_str(
        "This pack evidences the **customer's side** of the shared responsibility for data in \
         transit: whether the S3 buckets Athena reads and writes refuse plain HTTP, whether \
         Athena workgroups keep query results in such buckets, whether Athena and S3 are reached \
         through private endpoints, and whether the links from on premises are encrypted. Each \
         finding names the resource and what decided it: the bucket-policy or resource control \
         policy statements (by index and Sid, quoted in Appendix A), a tunnel's status and \
         algorithms, a link's encryption mode.\n\n\
         **AWS's side** (the security *of* Athena and S3, including TLS on AWS's own network) is \
         not evidenced by this scan. For each program the pack states whether AWS lists Amazon \
         Athena in scope of its own attestation; the attestation itself is AWS's report, \
         available in AWS Artifact.\n\n\
         **Statuses.** PASS: met. PARTIAL: met for some requests, paths or principals, not all. \
         UNKNOWN: the evidence could not be read (it may hide a failure). FAIL: not met. N/A: \
         nothing to judge. A control takes the worst status of its findings (FAIL, then UNKNOWN, \
         then PARTIAL, then PASS); a program the worst of its required controls. Optional \
         controls are reported but never decide a program. A control with **manual evidence** \
         is one this scan cannot evidence (an inventory, a procedure): it is always UNKNOWN \
         here; attach your own evidence. A **capped** control is one the scan evidences only \
         in part: it is at best the capped status (for example PARTIAL) even when every \
         finding passes, and its mapping note says what is missing. Requirement texts are \
         paraphrases; the cited documents are authoritative.\n\n",
    );
}

/// On-premises → Athena → S3, one row per path, then each path's hops with their reasons.
fn paths(out: &mut String, ev: &Evaluation) {
    let _ = writeln!(
        out,
        "## Paths from on premises to Athena and S3
"
    );
    if ev.paths.is_empty() {
        let _ = writeln!(
            out,
            "No enabled Athena workgroup was found: there is no path to judge.
"
        );
        return;
    }
    let (good, all, _) = crate::compliance::paths::summary(&ev.paths);
    let _ = writeln!(
        out,
        "{good} of {all} paths are fully encrypted. A path is as strong as its weakest hop: the \
         link from the data centre (VPN tunnels, Direct Connect MACsec, or the public internet, \
         where only TLS protects traffic), the Athena and S3 endpoints, the buckets Athena writes \
         results to (JDBC/ODBC drivers download from them) and reads tables from, and the Glue, \
         KMS and STS endpoints. Hop verdicts come from the findings in this pack.\n"
    );
    let _ = writeln!(
        out,
        "| Path | Account | Region | Via | Verdict | Weakest hop |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for p in &ev.paths {
        let weakest = p
            .weakest_hop()
            .map(|h| format!("{} {}", h.kind.noun(), md_escape(&h.id)))
            .unwrap_or_else(|| "none: every hop passes".to_string());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md_escape(&p.id),
            md_escape(&p.account_id),
            md_escape(&p.region),
            md_escape(&p.name),
            p.verdict.label(),
            weakest
        );
    }
    out.push('\n');
    for p in ev.paths.iter().filter(|p| !p.encrypted()) {
        let _ = writeln!(
            out,
            "### {} via {} ({})\n",
            md_escape(&p.account_id),
            md_escape(&p.name),
            md_escape(&p.region)
        );
        for h in &p.hops {
            let finding = h
                .finding
                .as_deref()
                .map(|f| format!(" (finding {})", md_escape(f)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **{}** {} {}: {}{finding}",
                h.verdict.label(),
                h.kind.noun(),
                md_escape(&h.id),
                md_escape(&h.reason)
            );
        }
        out.push('\n');
    }
}

/// Findings per account, grouped by OU (or one line per OU with `--group-by ou`), when the
/// report covers more than one account or was asked to group.
fn accounts_section(out: &mut String, input: &ReportInput<'_>) {
    use super::GroupBy;
    if input.estate.accounts.len() < 2 && input.group_by.is_none() {
        return;
    }
    let by = input.group_by.unwrap_or(GroupBy::Account);
    let groups = super::groups(input, by);
    let _ = writeln!(out, "## Findings by OU and account\n");
    match by {
        GroupBy::Account => {
            let _ = writeln!(
                out,
                "| OU | Account | Scan | pass | partial | unknown | fail | n/a |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
            for g in &groups {
                let account = input.estate.accounts.iter().find(|a| a.id == g.key);
                let account_label = match account {
                    Some(a) => md_escape(&a.label()),
                    None => md_escape(&g.key),
                };
                let scan = match account {
                    Some(a) if a.scan_state != crate::model::ScanState::Scanned => format!(
                        "**{}**: {}",
                        a.scan_state,
                        md_escape(a.scan_error.as_deref().unwrap_or("no reason recorded"))
                    ),
                    Some(a) => a.scan_state.to_string(),
                    None => "not listed".to_string(),
                };
                let c = &g.findings;
                let _ = writeln!(
                    out,
                    "| {} | {account_label} | {scan} | {} | {} | {} | {} | {} |",
                    md_escape(&g.ou_path),
                    c.pass,
                    c.partial,
                    c.unknown,
                    c.fail,
                    c.not_applicable
                );
            }
        }
        GroupBy::Ou => {
            let _ = writeln!(
                out,
                "| OU | Accounts | not scanned | partial | pass | partial | unknown | fail | n/a |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
            for g in &groups {
                let c = &g.findings;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    md_escape(&g.key),
                    g.accounts,
                    g.accounts_not_scanned,
                    g.accounts_partial,
                    c.pass,
                    c.partial,
                    c.unknown,
                    c.fail,
                    c.not_applicable
                );
            }
        }
    }
    out.push('\n');
}

fn summary(out: &mut String, ev: &Evaluation) {
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "| Program | AWS's side: Athena in scope | Customer's side | Controls pass | partial | unknown | fail | n/a |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for p in &ev.programs {
        let c = &p.counts;
        let _ = writeln!(
            out,
            "| {} {} ({}) | {} | {} | {} | {} | {} | {} | {} |",
            md_escape(&p.name),
            md_escape(&p.version),
            md_escape(&p.id),
            scope_short(p),
            status_cell(p.status),
            c.pass,
            c.partial,
            c.unknown,
            c.fail,
            c.not_applicable
        );
    }
    out.push('\n');
    let _ = writeln!(out, "### Checks behind the controls\n");
    let _ = writeln!(
        out,
        "| Check | What it asserts | Status | Findings | Details |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for (i, c) in ev.checks.iter().enumerate() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | Appendix {} |",
            c.check.id,
            md_escape(c.check.title),
            status_cell(c.status),
            counts_cell(&c.counts),
            anchor_for_check(i)
        );
    }
    out.push('\n');
}

fn aws_side(out: &mut String, p: &ProgramResult) {
    match &p.aws_scope {
        None => {
            let _ = writeln!(
                out,
                "**AWS's side.** The catalog does not say whether AWS lists Athena in scope of \
                 this program.\n"
            );
        }
        Some(s) => {
            let what = match s.athena {
                AthenaScope::InScope => format!(
                    "AWS lists Amazon Athena in scope{}.",
                    s.attestation
                        .as_deref()
                        .map(|a| format!(" ({})", md_escape(a)))
                        .unwrap_or_default()
                ),
                AthenaScope::NotListed => format!(
                    "AWS does not list Amazon Athena in scope{}.",
                    s.attestation
                        .as_deref()
                        .map(|a| format!(" of {}", md_escape(a)))
                        .unwrap_or_default()
                ),
                AthenaScope::NotApplicable => {
                    "No AWS service attestation applies to this program.".to_string()
                }
            };
            let _ = write!(
                out,
                "**AWS's side (inherited).** {what} Source: {}.",
                md_escape(s.source.trim_end_matches('.'))
            );
            if let Some(n) = &s.note {
                let _ = write!(out, " {}", md_escape(n));
            }
            if s.athena == AthenaScope::InScope && !s.verified {
                out.push_str(
                    " *Not verified by the catalog authors: confirm on AWS's Services in Scope \
                     page or in AWS Artifact.*",
                );
            }
            out.push_str("\n\n");
        }
    }
}

fn program(out: &mut String, ev: &Evaluation, index: usize, p: &ProgramResult) {
    let _ = writeln!(
        out,
        "## {}. {} {}\n",
        index + 1,
        md_escape(&p.name),
        md_escape(&p.version)
    );
    let _ = write!(
        out,
        "Program id: {}. Publisher: {}.",
        md_escape(&p.id),
        md_escape(&p.publisher)
    );
    if let Some(u) = &p.url {
        let _ = write!(out, " Reference: {}.", link(u));
    }
    out.push_str("\n\n");
    if let Some(n) = &p.note {
        let _ = writeln!(out, "{}\n", md_escape(n));
    }
    aws_side(out, p);
    let required = p.controls.iter().filter(|c| !c.optional).count();
    let _ = writeln!(
        out,
        "**Customer's side (this evidence): {}.** {} required control{}: {}.{}\n",
        p.status.label(),
        required,
        if required == 1 { "" } else { "s" },
        counts_cell(&p.counts),
        if p.optional_counts.total() > 0 {
            format!(" Optional: {}.", counts_cell(&p.optional_counts))
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "| Control | Title | Status | Findings |");
    let _ = writeln!(out, "|---|---|---|---|");
    for c in &p.controls {
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} |",
            md_escape(&c.id),
            if c.optional { " (optional)" } else { "" },
            md_escape(&c.title),
            control_status_cell(c),
            if c.evidence == EvidenceSource::Manual {
                "manual evidence".to_string()
            } else {
                counts_cell(&c.counts)
            }
        );
    }
    out.push('\n');
    for (ci, c) in p.controls.iter().enumerate() {
        control(out, ev, index, ci, c);
    }
}

fn control(out: &mut String, ev: &Evaluation, pi: usize, ci: usize, c: &ControlResult) {
    let _ = writeln!(
        out,
        "### {}.{} {}: {}\n",
        pi + 1,
        ci + 1,
        md_escape(&c.id),
        md_escape(&c.title)
    );
    let _ = writeln!(
        out,
        "- **Status:** {}{}{}",
        c.status.label(),
        match (c.evidence, c.cap) {
            (EvidenceSource::Manual, _) => {
                " (manual evidence: the scan cannot evidence this; attach your own evidence)"
                    .to_string()
            }
            (EvidenceSource::Checks, Some(cap)) => format!(
                " (at best {}: the scan evidences only part of this control, see the mapping \
                 note)",
                cap.label()
            ),
            (EvidenceSource::Checks, None) => String::new(),
        },
        if c.optional {
            " (optional control: does not decide the program)"
        } else {
            ""
        }
    );
    let key = crate::compliance::control_key(&ev.programs[pi].id, &c.id);
    if let Some(open) = c.open.filter(|o| o.accepted > 0) {
        let _ = writeln!(
            out,
            "- **Accepted:** {} finding{} accepted by exceptions (see Accepted exceptions); \
             open status {}",
            open.accepted,
            if open.accepted == 1 { "" } else { "s" },
            open.status.label()
        );
    }
    let _ = writeln!(
        out,
        "- **Requirement (our paraphrase):** {}",
        md_escape(&c.requirement)
    );
    let _ = writeln!(out, "- **Citation:** {}", md_escape(&c.citation));
    if let Some(n) = &c.note {
        let _ = writeln!(out, "- **Mapping note:** {}", md_escape(n));
    }
    if c.evidence == EvidenceSource::Manual {
        let _ = writeln!(
            out,
            "- **Evidence:** manual. The scan cannot evidence this: attach your own evidence.\n"
        );
        return;
    }
    let _ = writeln!(out, "- **Evidence from checks:**");
    for id in &c.checks {
        let index = ev.checks.iter().position(|r| r.check.id == id.as_str());
        match index.map(|i| (i, &ev.checks[i])) {
            Some((i, r)) => {
                let _ = writeln!(
                    out,
                    "  - `{}` ({}): {}. Appendix {}.",
                    r.check.id,
                    md_escape(r.check.title),
                    counts_cell(&r.counts),
                    anchor_for_check(i)
                );
            }
            None => {
                let _ = writeln!(out, "  - `{}`: not evaluated.", md_escape(id));
            }
        }
    }
    let findings = ev.control_findings(c);
    let not_passing = findings
        .iter()
        .filter(|f| f.status.needs_attention())
        .count();
    if not_passing == 0 {
        if c.capped {
            let _ = writeln!(
                out,
                "- **Every finding passes** ({} finding{}), but the control is capped at {}: \
                 see the mapping note for what the scan cannot evidence.",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                c.status.label()
            );
        } else if c.status == Status::Pass {
            let _ = writeln!(
                out,
                "- **Every finding passes** ({} finding{}).",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            );
        } else {
            let _ = writeln!(out, "- **No resource to judge.**");
        }
    } else {
        let _ = writeln!(out, "- **Not passing, by check** (worst first):");
        for id in &c.checks {
            let Some(r) = ev.check(id) else { continue };
            for s in [Status::Fail, Status::Unknown, Status::Partial] {
                let group: Vec<&Finding> =
                    sorted(r).into_iter().filter(|f| f.status == s).collect();
                if group.is_empty() {
                    continue;
                }
                let kind = r.check.resource_kind;
                let same_kind = group.iter().all(|f| f.resource.kind == kind);
                let names: Vec<String> = group
                    .iter()
                    .map(|f| {
                        let mut n = if f.resource.kind == kind {
                            md_escape(&f.resource.id)
                        } else {
                            format!("{} {}", f.resource.kind.noun(), md_escape(&f.resource.id))
                        };
                        if f.athena_data_path && f.resource.kind == ResourceKind::S3Bucket {
                            n.push_str(" (Athena data path)");
                        }
                        if let Some(e) = ev.acceptance.accepted(&f.id, Some(&key)) {
                            n.push_str(&format!(" (accepted: exception {})", e.exception.number));
                        }
                        n
                    })
                    .collect();
                let what = if same_kind {
                    format!(
                        "{} {}{}",
                        group.len(),
                        kind.noun(),
                        if group.len() == 1 { "" } else { "s" }
                    )
                } else {
                    group.len().to_string()
                };
                let _ = writeln!(
                    out,
                    "  - `{}` {} ({what}): {}",
                    r.check.id,
                    s.label(),
                    names.join("; ")
                );
            }
        }
    }
    out.push('\n');
}

fn appendix(out: &mut String, ev: &Evaluation) {
    let _ = writeln!(out, "## Appendix A. Findings by check\n");
    out.push_str(
        "Every finding of every check in this pack, worst first. For buckets, the statements \
         quoted are the ones that deny plain HTTP or set a TLS floor, with their 0-based index \
         in their policy document and their Sid, exactly as written.\n\n",
    );
    for (i, r) in ev.checks.iter().enumerate() {
        check_section(out, i, r);
    }
}

fn sorted(r: &CheckResult) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = r.findings.iter().collect();
    v.sort_by(|a, b| crate::compliance::Finding::listing_order(a, b));
    v
}

fn check_section(out: &mut String, index: usize, r: &CheckResult) {
    let _ = writeln!(
        out,
        "### {} `{}`: {}\n",
        anchor_for_check(index),
        r.check.id,
        md_escape(r.check.title)
    );
    let _ = writeln!(out, "{}\n", md_escape(r.check.description));
    let _ = writeln!(
        out,
        "Result: {}, {}.\n",
        r.status.label(),
        counts_cell(&r.counts)
    );
    let findings = sorted(r);
    if findings.is_empty() {
        let _ = writeln!(out, "No resource of this kind in the scan.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| # | Status | Severity (if not passing) | Resource | Account | Region | Finding | Evidence |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    // Each distinct note is written once under the table; rows refer to it by number.
    let mut notes: Vec<&str> = Vec::new();
    for f in &findings {
        if let Some(n) = f.note.as_deref().filter(|n| !notes.contains(n)) {
            notes.push(n);
        }
    }
    for (n, f) in findings.iter().enumerate() {
        let mut message = md_escape(&f.message());
        if let Some(i) = f
            .note
            .as_deref()
            .and_then(|note| notes.iter().position(|n| *n == note))
        {
            message.push_str(&format!(" (note {})", i + 1));
        }
        let severity = if matches!(f.status, Status::Pass | Status::NotApplicable) {
            "-".to_string()
        } else {
            f.severity.to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            n + 1,
            status_cell(f.status),
            severity,
            resource_cell(f),
            md_escape(&f.resource.account_id),
            md_escape(f.resource.region.as_deref().unwrap_or("-")),
            message,
            md_escape(&attributes_line(f))
        );
    }
    out.push('\n');
    for (i, n) in notes.iter().enumerate() {
        let _ = writeln!(out, "Note {}: {}\n", i + 1, md_escape(n));
    }
    let detailed: Vec<(usize, &&Finding)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            !f.evidence.statements().is_empty()
                || !f.evidence.gaps().is_empty()
                || !f.evidence.errors.is_empty()
        })
        .collect();
    if detailed.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "#### {} details: deciding statements, gaps and errors\n",
        anchor_for_check(index)
    );
    for (n, f) in detailed {
        let _ = writeln!(
            out,
            "**{}. {}: {}** ({})\n",
            n + 1,
            f.status.label(),
            resource_cell(f),
            md_escape(&f.resource.account_id)
        );
        for g in &f.evidence.gaps() {
            let _ = writeln!(out, "- Still accepted over plain HTTP: {}", md_escape(g));
        }
        for e in &f.evidence.errors {
            let _ = writeln!(
                out,
                "- Fetch error: {} ({}): {}",
                md_escape(&e.operation),
                md_escape(&e.code),
                md_escape(&e.message)
            );
        }
        for s in &f.evidence.statements() {
            let roles: Vec<String> = s
                .roles
                .iter()
                .map(|r| {
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                })
                .collect();
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                md_escape(&statement_ref(s)),
                roles.join(", "),
                md_escape(&s.summary)
            );
            let json = serde_json::to_string_pretty(&s.json).unwrap_or_default();
            let mut block = String::new();
            fenced(&mut block, "json", &json);
            for line in block.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        out.push('\n');
    }
}

/// The attributes of a finding's evidence on one line, without the bucket-level facts already
/// in the message.
fn attributes_line(f: &Finding) -> String {
    let parts: Vec<String> = f
        .evidence
        .attributes()
        .iter()
        .map(|a| format!("{}={}", a.name, a.value))
        .collect();
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join("; ")
    }
}
