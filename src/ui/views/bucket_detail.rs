//! Bucket detail: the verdict, the gaps as bullets, the policy pretty-printed with the
//! deciding statements marked, public-access block and encryption, the Athena workgroups and
//! tables that use the bucket, the controls it affects, and the statement that would fix it
//! (`y` copies it with OSC 52).

use ratatui::text::{Line, Span};

use std::sync::Arc;

use super::super::app::Link;
use super::super::page::{Cx, Page, nav};
use super::super::theme::Theme;
use super::super::widgets::{Doc, ListNav, Status, clean, status_span, verdict_span};
use super::{Kind, account_label, json_spans, kv, pretty_policy};
use crate::compliance::{Evaluation, ResourceKind};
use crate::model::{Bucket, ContextRead, PolicyText};
use crate::policy::render::verdict_sentence;
use crate::policy::{Analysis, PolicySource, Role, Target, Verdict};
use crate::store::State;

/// One bucket's detail.
#[derive(Clone, Debug)]
pub struct BucketDetailView {
    pub name: String,
    pub nav: ListNav,
}

impl BucketDetailView {
    pub fn new(name: String) -> BucketDetailView {
        BucketDetailView {
            name,
            nav: ListNav::default(),
        }
    }
}

impl Page for BucketDetailView {
    nav!();

    fn crumb(&self, _eval: Option<&Evaluation>) -> String {
        clean(&self.name)
    }

    fn doc(&self, cx: Cx) -> Option<Arc<Doc>> {
        let d = doc(cx.state, cx.eval(), cx.theme(), cx.width(), &self.name);
        Some(Arc::new(d))
    }

    fn subject(&self) -> Option<Link> {
        Some(Link::Bucket(self.name.clone()))
    }

    /// The statement that would fix the bucket (or its name when it needs none).
    fn copy_text(&self, cx: Cx) -> Option<String> {
        copy_text(cx.state, &self.name)
    }
}

/// The statement that makes a bucket deny every plain-HTTP request (AWS's canonical form).
pub fn fix_statement(b: &Bucket) -> serde_json::Value {
    crate::policy::deny_insecure_transport(&Target::new(b.name.clone(), b.tls.partition()))
}

/// What `y` copies: the fixing statement, or the bucket's ARN when nothing needs fixing.
/// What `y` copies: the ARN of a bucket that needs nothing; the command that applies the
/// merged policy; the statement to add when no merge is offered.
pub fn copy_text(state: &State, name: &str) -> Option<String> {
    let b = state.bucket(name)?;
    if b.tls.verdict() == Verdict::Enforced {
        return Some(Target::new(b.name.clone(), b.tls.partition()).bucket_arn());
    }
    let merged = crate::fix::changes::bucket_fix(&state.estate, b, None)
        .ok()
        .and_then(|f| crate::fix::changes::inline_command(&f));
    merged.or_else(|| serde_json::to_string_pretty(&fix_statement(b)).ok())
}

fn roles(r: &[Role]) -> String {
    r.iter()
        .map(|r| match r {
            Role::DeniesHttp => "denies plain HTTP",
            Role::DeniesHttpConditionally => "denies plain HTTP under a condition",
            Role::SetsTlsFloor => "sets the TLS floor",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn doc(state: &State, eval: Option<&Evaluation>, t: &Theme, w: usize, name: &str) -> Doc {
    let mut doc = Doc::default();
    let Some(b) = state.bucket(name) else {
        doc.push(Line::from(Span::styled(
            format!("{} is not in the current scan", clean(name)),
            t.muted,
        )));
        return doc;
    };
    let analysis = b.tls.analysis();
    let a: &Analysis = &analysis;
    let d = &mut doc;
    summary_lines(d, state, b, a, t, w);
    d.blank();
    policy_lines(d, b, a, t);
    rcp_lines(d, a, t);
    d.blank();
    athena_lines(d, state, b, t);
    observed(d, state, eval, b, t);
    // Controls.
    d.blank();
    if let Some(ev) = eval {
        for f in ev.resource_findings(ResourceKind::S3Bucket, &b.name) {
            super::finding::accepted_lines(d, eval, f, t);
        }
    }
    super::compliance::affected_controls(d, eval, ResourceKind::S3Bucket, &b.name, t);
    d.blank();
    fix_lines(d, state, b, a, t, w);
    error_lines(d, b, t);
    doc
}

/// The verdict, where the bucket is, what enforces it, and the gaps, deciding statements and
/// warnings of its analysis.
fn summary_lines(doc: &mut Doc, state: &State, b: &Bucket, a: &Analysis, t: &Theme, w: usize) {
    doc.push(Line::from(vec![
        Span::styled(clean(&b.name), t.title),
        Span::raw("  "),
        verdict_span(a.verdict, t),
        Span::styled(format!("  {}", verdict_sentence(a.verdict)), t.muted),
    ]));
    doc.blank();
    doc.push(kv("Account", account_label(state, &b.account_id), t));
    doc.push(kv("Region", clean(&b.region), t));
    if let Some(d) = &b.creation_date {
        doc.push(kv("Created", clean(d), t));
    }
    doc.push(kv(
        "Minimum TLS",
        match a.min_tls {
            Some(v) => format!("{v} (older versions are denied)"),
            None => "not set by the policy (AWS endpoints require TLS 1.2)".into(),
        },
        t,
    ));
    doc.push(kv("Enforced by", b.tls.enforced_by().to_string(), t));
    let athena = super::buckets::athena_role(b);
    doc.push(kv(
        "Athena",
        if athena.is_empty() {
            "not in Athena's data path".into()
        } else {
            athena
        },
        t,
    ));
    context_lines(doc, b, t);
    if let Some(err) = &a.error {
        doc.push(Line::from(vec![
            Span::styled(format!("  {:<20} ", "Why unknown"), t.muted),
            Span::styled(clean(err), t.error),
        ]));
    }

    if !a.gaps.is_empty() {
        doc.blank();
        doc.heading("Still accepted over plain HTTP", t);
        for g in &a.gaps {
            doc.para(&clean(&g.message), w, "  • ", "    ", t.base);
        }
    }
    if !a.evidence.is_empty() {
        doc.blank();
        doc.heading("Deciding statements", t);
        for e in &a.evidence {
            let sid = e
                .sid
                .as_deref()
                .map(|s| format!(" {:?}", clean(s)))
                .unwrap_or_default();
            doc.push(Line::from(vec![
                Span::styled("  ▶ ", t.highlight),
                Span::styled(format!("[{}]{sid}", e.statement), t.base),
                Span::styled(
                    format!(" · {} · {}", clean(&e.source.label()), roles(&e.roles)),
                    t.muted,
                ),
            ]));
            doc.para(&clean(&e.summary), w, "      ", "      ", t.muted);
        }
    }
    if !a.warnings.is_empty() {
        doc.blank();
        doc.heading("Warnings", t);
        for wr in &a.warnings {
            doc.para(&clean(&wr.message), w, "  ! ", "    ", t.partial);
        }
    }
}

/// The bucket policy pretty-printed, the statements that decided the verdict marked.
fn policy_lines(doc: &mut Doc, b: &Bucket, a: &Analysis, t: &Theme) {
    let decided: Vec<usize> = a
        .evidence
        .iter()
        .filter(|e| matches!(e.source, PolicySource::BucketPolicy))
        .map(|e| e.statement)
        .collect();
    match &b.policy {
        PolicyText::Present { text } => {
            let text = text.text();
            let text: &str = &text;
            doc.push(Line::from(vec![
                Span::styled("Bucket policy", t.title),
                Span::styled(
                    if decided.is_empty() {
                        String::new()
                    } else {
                        "  (▶ marks the statements that decided the verdict)".to_string()
                    },
                    t.muted,
                ),
            ]));
            match pretty_policy(text) {
                Ok(lines) => {
                    for (l, tag) in lines {
                        let hit = tag.is_some_and(|i| decided.contains(&i));
                        let (marker, style) = if hit {
                            ("▶ ", t.highlight)
                        } else {
                            ("  ", ratatui::style::Style::default())
                        };
                        let mut spans = vec![Span::styled(format!("  {marker}"), t.highlight)];
                        if !hit {
                            spans[0] = Span::raw("    ");
                        }
                        spans.extend(json_spans(&l, t, style));
                        doc.push(Line::from(spans));
                    }
                }
                Err(e) => {
                    doc.push(Line::from(Span::styled(
                        format!("  not valid JSON: {}", clean(&e)),
                        t.error,
                    )));
                    for l in text.lines() {
                        doc.push(Line::from(Span::styled(
                            format!("    {}", clean(l)),
                            t.muted,
                        )));
                    }
                }
            }
        }
        PolicyText::None => {
            doc.push(Line::from(Span::styled("Bucket policy", t.title)));
            doc.push(Line::from(Span::styled(
                "  none (NoSuchBucketPolicy): nothing denies plain HTTP unless an RCP does",
                t.muted,
            )));
        }
        PolicyText::Unreadable => {
            doc.push(Line::from(Span::styled("Bucket policy", t.title)));
            doc.push(Line::from(Span::styled(
                "  could not be read (see the errors below)",
                t.error,
            )));
        }
        PolicyText::Pending => {
            doc.push(Line::from(Span::styled("Bucket policy", t.title)));
            doc.push(Line::from(Span::styled("  not read yet…", t.muted)));
        }
    }
}

/// Statements from resource control policies that decided the verdict.
fn rcp_lines(doc: &mut Doc, a: &Analysis, t: &Theme) {
    let rcp: Vec<_> = a
        .evidence
        .iter()
        .filter(|e| matches!(e.source, PolicySource::ResourceControlPolicy { .. }))
        .collect();
    if !rcp.is_empty() {
        doc.blank();
        doc.heading("Resource control policy statements", t);
        for e in rcp {
            doc.push(Line::from(Span::styled(
                format!("  ▶ {} [{}]", clean(&e.source.label()), e.statement),
                t.highlight,
            )));
            let text = serde_json::to_string(&e.json).unwrap_or_default();
            if let Ok(lines) = pretty_policy(&text) {
                for (l, _) in lines {
                    let mut spans = vec![Span::raw("    ")];
                    spans.extend(json_spans(&l, t, ratatui::style::Style::default()));
                    doc.push(Line::from(spans));
                }
            }
        }
    }
}

/// Who uses the bucket: the workgroups writing results to it, the tables over it.
fn athena_lines(doc: &mut Doc, state: &State, b: &Bucket, t: &Theme) {
    doc.heading("Used by Athena", t);
    let wgs: Vec<_> = state
        .estate
        .workgroups
        .iter()
        .filter(|w| w.output_bucket.as_deref() == Some(b.name.as_str()))
        .collect();
    let tables: Vec<_> = state
        .estate
        .tables
        .iter()
        .filter(|x| x.bucket.as_deref() == Some(b.name.as_str()))
        .collect();
    if wgs.is_empty() && tables.is_empty() {
        doc.push(Line::from(Span::styled("  no workgroup or table", t.muted)));
    }
    for wg in wgs {
        doc.link(
            Line::from(vec![
                Span::raw("  workgroup "),
                Span::styled(clean(&wg.key()), t.accent),
                Span::styled(
                    format!(
                        " writes query results to {}",
                        clean(wg.output_location.as_deref().unwrap_or(""))
                    ),
                    t.muted,
                ),
            ]),
            Link::Workgroup(wg.estate_key()),
        );
    }
    for x in tables.iter().take(12) {
        doc.push(Line::from(vec![
            Span::raw("  table "),
            Span::raw(clean(&format!("{}.{}", x.database, x.name))),
            Span::styled(
                format!("  {}", clean(x.location.as_deref().unwrap_or(""))),
                t.muted,
            ),
        ]));
    }
    if tables.len() > 12 {
        doc.push(Line::from(Span::styled(
            format!("  … and {} more tables", tables.len() - 12),
            t.muted,
        )));
    }
}

/// The fix: the statement to add, or that there is nothing to fix.
fn fix_lines(doc: &mut Doc, state: &State, b: &Bucket, a: &Analysis, t: &Theme, w: usize) {
    if a.verdict == Verdict::Enforced {
        doc.heading("Fix", t);
        doc.push(Line::from(vec![
            Span::raw("  "),
            status_span(
                Status::Good,
                "nothing to fix: every plain-HTTP request is denied",
                t,
            ),
            Span::styled("  (y copies the bucket ARN)", t.muted),
        ]));
        return;
    }
    match crate::fix::changes::bucket_fix(&state.estate, b, None) {
        Ok(fix) if fix.refused.is_none() => merged_lines(doc, &fix, t, w),
        Ok(fix) => refused_lines(doc, b, fix.refused.as_deref().unwrap_or(""), t, w),
        Err(why) => doc.para(&clean(&why), w, "  ", "  ", t.muted),
    }
}

/// The merged policy as a diff, what the analyzer proved, and how to undo it.
fn merged_lines(doc: &mut Doc, fix: &crate::fix::Fix, t: &Theme, w: usize) {
    doc.push(Line::from(vec![
        Span::styled("Fix", t.title),
        Span::styled(
            "  the policy with the plain-HTTP deny merged in · y copies the command (OSC 52)",
            t.muted,
        ),
    ]));
    doc.push(Line::from(vec![
        Span::raw("  "),
        status_span(
            Status::Good,
            "proved: enforced by this policy alone; every existing statement kept as it is",
            t,
        ),
    ]));
    for warning in &fix.warnings {
        doc.para(&clean(warning), w, "  ! ", "    ", t.partial);
    }
    for line in fix.diff.lines().skip(2) {
        let style = match line.chars().next() {
            Some('+') => t.good,
            Some('-') => t.bad,
            Some('@') => t.muted,
            _ => t.base,
        };
        doc.push(Line::from(Span::styled(
            format!("  {}", clean(line)),
            style,
        )));
    }
    doc.para(
        &clean(&format!(
            "To undo, put the current policy back as it is; `intransit fix --bucket {} \
             --format sh` writes a script that saves it first and prints the rollback.",
            fix.resource
        )),
        w,
        "  ",
        "  ",
        t.muted,
    );
}

/// Why no merge is offered, and the statement to add by hand once it can be.
fn refused_lines(doc: &mut Doc, b: &Bucket, why: &str, t: &Theme, w: usize) {
    doc.push(Line::from(vec![
        Span::styled("Fix", t.title),
        Span::styled(
            "  no merged policy is offered · y copies the statement to add",
            t.muted,
        ),
    ]));
    doc.para(&clean(&format!("refused: {why}")), w, "  ", "  ", t.partial);
    let text = serde_json::to_string(&fix_statement(b)).unwrap_or_default();
    if let Ok(lines) = pretty_policy(&text) {
        for (l, _) in lines {
            let mut spans = vec![Span::raw("    ")];
            spans.extend(json_spans(&l, t, ratatui::style::Style::default()));
            doc.push(Line::from(spans));
        }
    }
}

fn error_lines(doc: &mut Doc, b: &Bucket, t: &Theme) {
    if !b.errors.is_empty() {
        doc.blank();
        doc.heading("Fetch errors", t);
        for e in &b.errors {
            doc.push(Line::from(vec![
                Span::styled("  ✘ ", t.error),
                Span::raw(clean(&e.short())),
                Span::styled(format!("  {}", clean(&e.message)), t.muted),
            ]));
        }
    }
}

/// What the bucket's access logs say, with the finding that judges it (`:traffic` has the rows).
fn observed(doc: &mut Doc, state: &State, eval: Option<&Evaluation>, b: &Bucket, t: &Theme) {
    let Some(seen) = state
        .estate
        .traffic
        .as_deref()
        .and_then(|x| x.bucket(&b.name))
    else {
        return;
    };
    doc.blank();
    doc.heading("Observed in the access logs", t);
    let id = format!(
        "{}/s3_bucket/{}",
        crate::compliance::checks::OBSERVED_PLAIN_HTTP,
        b.name
    );
    if let Some(f) = eval.and_then(|e| e.finding(&id)) {
        let status = super::compliance::status(f.status);
        doc.link(
            Line::from(vec![
                Span::raw("  "),
                status_span(status, f.status.label(), t),
                Span::raw(format!(" {}", clean(&f.message()))),
            ]),
            Link::Open(Kind::Traffic),
        );
    }
    let versions = crate::traffic::summary::versions_text(
        seen.tls_versions.iter().map(|(v, n)| (v.as_str(), *n)),
    );
    doc.push(kv("Requests", seen.records.to_string(), t));
    doc.push(kv("TLS versions", clean(&versions), t));
    doc.push(kv(
        "Plain HTTP",
        format!(
            "{} served, {} refused",
            seen.plain_http_accepted, seen.plain_http_denied
        ),
        t,
    ));
}

/// Policy status, public access block and encryption, or what was not read and why.
fn context_lines(doc: &mut Doc, b: &Bucket, t: &Theme) {
    match b.context {
        ContextRead::Read => {}
        ContextRead::NotRead => {
            doc.push(kv(
                "Context",
                "not read: the scan reads only what verdicts and checks need (policy, region); \
                 policy status, public access block and encryption are read by `scan \
                 --context`, and when this bucket is opened in a live console"
                    .into(),
                t,
            ));
            return;
        }
        ContextRead::Reading => {
            doc.push(kv(
                "Context",
                "reading policy status, public access block and encryption…".into(),
                t,
            ));
            return;
        }
    }
    let pab = match &b.public_access_block {
        Some(p) if p.all_on() => status_span(Status::Good, "all four blocks on", t),
        Some(p) => {
            let off: Vec<&str> = [
                ("BlockPublicAcls", p.block_public_acls),
                ("IgnorePublicAcls", p.ignore_public_acls),
                ("BlockPublicPolicy", p.block_public_policy),
                ("RestrictPublicBuckets", p.restrict_public_buckets),
            ]
            .iter()
            .filter(|(_, on)| !on)
            .map(|(n, _)| *n)
            .collect();
            status_span(Status::Warn, format!("off: {}", off.join(", ")), t)
        }
        None => status_span(Status::Unknown, "not configured or not readable", t),
    };
    doc.push(Line::from(vec![
        Span::styled(format!("  {:<20} ", "Public access block"), t.muted),
        pab,
    ]));
    if let Some(public) = b.policy_is_public {
        doc.push(Line::from(vec![
            Span::styled(format!("  {:<20} ", "Policy is public"), t.muted),
            if public {
                status_span(Status::Bad, "yes", t)
            } else {
                status_span(Status::Good, "no", t)
            },
        ]));
    }
    doc.push(kv(
        "Encryption at rest",
        match &b.encryption {
            Some(e) => {
                let mut s = clean(&e.algorithm);
                if let Some(k) = &e.kms_key_id {
                    s.push_str(&format!(" · key {}", clean(k)));
                }
                if e.bucket_key_enabled {
                    s.push_str(" · bucket key on");
                }
                s
            }
            None => "none reported".into(),
        },
        t,
    ));
}
