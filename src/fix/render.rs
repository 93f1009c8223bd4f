//! The fixes as a reviewer reads them (text), as a pipeline takes them (JSON), as a script
//! with backup and rollback (sh), and as infrastructure code (Terraform, CloudFormation).
//! Strings from the estate are sanitized in text and quoted in scripts.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::changes::{RCP_FILE, policy_file, rcp_document};
use super::{Fix, FixSet, Kind, shell_quote};
use crate::text::sanitize;

/// Files a format writes: (relative path, contents). The first is the main one.
pub type Files = Vec<(String, String)>;

pub fn text(set: &FixSet) -> String {
    let mut out = String::new();
    let offered = set.fixes.iter().filter(|f| f.refused.is_none()).count();
    let _ = writeln!(
        out,
        "{offered} fixes to review, {} refused, {} named resources need none.",
        set.fixes.len() - offered,
        set.unchanged.len()
    );
    plan_text(&mut out, set);
    for f in &set.fixes {
        fix_text(&mut out, f);
    }
    for u in &set.unchanged {
        let _ = writeln!(
            out,
            "\n· {} {}: {}",
            u.kind.label(),
            sanitize(&u.resource),
            sanitize(&u.why)
        );
    }
    out
}

fn plan_text(out: &mut String, set: &FixSet) {
    if set.plan.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nTop fixes (each evaluated on the estate with it applied):"
    );
    for (i, p) in set.plan.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, sanitize(&p.sentence()));
        if !p.resolves.controls.is_empty() {
            let _ = writeln!(
                out,
                "     pass: {}",
                sanitize(&p.resolves.controls.join(", "))
            );
        }
        if !p.resolves.improved.is_empty() {
            let _ = writeln!(
                out,
                "     better: {}",
                sanitize(&p.resolves.improved.join(", "))
            );
        }
    }
    if let Some(all) = &set.all {
        let _ = writeln!(out, "  together: {}", sanitize(&all.sentence()));
        if !all.resolves.improved.is_empty() {
            let _ = writeln!(
                out,
                "     better: {}",
                sanitize(&all.resolves.improved.join(", "))
            );
        }
    }
    if set.not_evaluated > 0 {
        let _ = writeln!(
            out,
            "  ({} more candidates not evaluated: --plan-limit)",
            set.not_evaluated
        );
    }
}

fn fix_text(out: &mut String, f: &Fix) {
    let where_ = match &f.region {
        Some(r) => format!("{} {}", f.account_id, r),
        None => f.account_id.clone(),
    };
    let _ = writeln!(
        out,
        "\n== {} {} ({})",
        f.kind.label(),
        sanitize(&f.resource),
        sanitize(&where_)
    );
    if let Some(why) = &f.refused {
        let _ = writeln!(out, "  refused: {}", sanitize(why));
        return;
    }
    if let Some(v) = &f.verdict_after {
        let _ = writeln!(
            out,
            "  after: {v} (proved by the analyzer; every existing statement kept)"
        );
    }
    for w in &f.warnings {
        let _ = writeln!(out, "  ! {}", sanitize(w));
    }
    for line in f.diff.lines() {
        let _ = writeln!(out, "  {}", sanitize(line));
    }
    for c in &f.apply {
        let _ = writeln!(out, "  apply:    {}", sanitize(c));
    }
    for c in &f.rollback {
        let _ = writeln!(out, "  rollback: {}", sanitize(c));
    }
}

pub fn json(set: &FixSet) -> String {
    let mut s = serde_json::to_string_pretty(set).expect("fixes serialize");
    s.push('\n');
    s
}

/// The merged policies and the RCP document, as files beside a script or template.
fn policy_files(set: &FixSet) -> Files {
    let mut out = Vec::new();
    for f in offered(set, Kind::BucketPolicy) {
        if let Some(p) = &f.policy_after {
            out.push((policy_file(&f.resource), format!("{p}\n")));
        }
    }
    if offered(set, Kind::Rcp).next().is_some() {
        out.push((RCP_FILE.to_string(), format!("{}\n", rcp_document())));
    }
    out
}

fn offered(set: &FixSet, kind: Kind) -> impl Iterator<Item = &Fix> {
    set.fixes
        .iter()
        .filter(move |f| f.kind == kind && f.refused.is_none())
}

/// A script a reviewer runs from the directory it is written to: it saves every current bucket
/// policy under `backup/` first, applies each change, and ends by printing how to undo it.
///
/// With `inline` (one file, to standard output) the script writes the policy files itself.
pub fn sh(set: &FixSet, inline: bool) -> Files {
    let mut s = String::from(SH_HEAD);
    let _ = writeln!(s, "mkdir -p backup");
    if inline {
        write_files(&mut s, &policy_files(set));
    }
    for f in offered(set, Kind::BucketPolicy) {
        sh_bucket(&mut s, f);
    }
    for f in set
        .fixes
        .iter()
        .filter(|f| f.refused.is_none() && matches!(f.kind, Kind::Workgroup | Kind::VpnTunnel))
    {
        sh_change(&mut s, f);
    }
    let rcps: Vec<&Fix> = offered(set, Kind::Rcp).collect();
    if !rcps.is_empty() {
        sh_rcp(&mut s, &rcps);
    }
    for f in set.fixes.iter().filter(|f| f.refused.is_some()) {
        let _ = writeln!(
            s,
            "# not changed: {} {}: {}",
            f.kind.label(),
            comment(&f.resource),
            comment(f.refused.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        s,
        "\necho\necho 'Done. To undo, run the rollback commands:'"
    );
    for f in set.fixes.iter().filter(|f| f.refused.is_none()) {
        for c in &f.rollback {
            let _ = writeln!(s, "echo {}", shell_quote(&rollback_line(f, c)));
        }
    }
    let mut files = vec![("fix.sh".to_string(), s)];
    if !inline {
        files.extend(policy_files(set));
    }
    files
}

/// Shell lines that write `files` (quoted here-documents: nothing in them is expanded).
fn write_files(s: &mut String, files: &Files) {
    if files.is_empty() {
        return;
    }
    let _ = writeln!(s, "mkdir -p policies");
    for (path, text) in files {
        let mut end = "INTRANSIT_EOF".to_string();
        while text.lines().any(|l| l == end) {
            end.push('_');
        }
        let _ = write!(s, "cat > {} <<'{end}'\n{text}{end}\n", shell_quote(path));
    }
}

/// The RCP's rollback needs its id, which `create-policy` printed.
fn rollback_line(f: &Fix, c: &str) -> String {
    if f.kind == Kind::Rcp {
        c.replace("\"$RCP_ID\"", "POLICY_ID")
    } else {
        c.to_string()
    }
}

const SH_HEAD: &str = "#!/bin/sh
# Written by `intransit fix`: review every change below before running this.
# It changes nothing until run, by you, with credentials that may write.
set -eu
cd \"$(dirname \"$0\")\"
";

/// A comment line's text: no newline can end the comment early.
fn comment(s: &str) -> String {
    sanitize(s).replace(['\n', '\r'], " ")
}

fn sh_bucket(s: &mut String, f: &Fix) {
    let bucket = shell_quote(&f.resource);
    let region = shell_quote(f.region.as_deref().unwrap_or("us-east-1"));
    let _ = writeln!(
        s,
        "\n# bucket {} ({})",
        comment(&f.resource),
        comment(&f.account_id)
    );
    for w in &f.warnings {
        let _ = writeln!(s, "# ! {}", comment(w));
    }
    if f.policy_before.is_some() {
        let _ = writeln!(
            s,
            "aws s3api get-bucket-policy --region {region} --bucket {bucket} --query Policy --output text > backup/{}.json",
            f.resource
        );
    } else {
        let _ = writeln!(
            s,
            "# the bucket has no policy now: rollback deletes the new one"
        );
    }
    for c in &f.apply {
        let _ = writeln!(s, "{c}");
    }
}

fn sh_change(s: &mut String, f: &Fix) {
    let _ = writeln!(
        s,
        "\n# {} {} ({})",
        f.kind.label(),
        comment(&f.resource),
        comment(&f.account_id)
    );
    for w in &f.warnings {
        let _ = writeln!(s, "# ! {}", comment(w));
    }
    for c in &f.apply {
        let _ = writeln!(s, "{c}");
    }
}

fn sh_rcp(s: &mut String, rcps: &[&Fix]) {
    let _ = writeln!(
        s,
        "\n# the resource control policy, attached to each account without it"
    );
    for w in &rcps[0].warnings {
        let _ = writeln!(s, "# ! {}", comment(w));
    }
    let _ = writeln!(
        s,
        "RCP_ID=$(aws organizations create-policy --type RESOURCE_CONTROL_POLICY --name intransit-deny-plain-http --description 'Deny plain HTTP to S3 (intransit fix)' --content file://{RCP_FILE} --query Policy.PolicySummary.Id --output text)"
    );
    let _ = writeln!(s, "echo \"created RCP $RCP_ID\"");
    for f in rcps {
        for c in &f.apply {
            let _ = writeln!(s, "{c}");
        }
    }
}

/// A Terraform name: letters, digits and `_`, not starting with a digit.
fn tf_name(s: &str) -> String {
    let mut n: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    n
}

/// `aws_s3_bucket_policy` resources (and the RCP with its attachments), the policies as JSON
/// files beside them.
///
/// With `inline` (one file, to standard output) each policy is a here-document in the file.
pub fn terraform(set: &FixSet, inline: bool) -> Files {
    let mut s =
        String::from("# Written by `intransit fix`: review, then plan and apply with Terraform.\n");
    for f in offered(set, Kind::BucketPolicy) {
        let policy = match (inline, &f.policy_after) {
            (true, Some(p)) => heredoc(p),
            _ => format!("file(\"${{path.module}}/{}\")", policy_file(&f.resource)),
        };
        let _ = writeln!(
            s,
            "\nresource \"aws_s3_bucket_policy\" \"{}\" {{\n  bucket = {}\n  policy = {policy}\n}}",
            tf_name(&f.resource),
            Value::String(f.resource.clone()),
        );
    }
    let rcps: Vec<&Fix> = offered(set, Kind::Rcp).collect();
    if !rcps.is_empty() {
        let _ = writeln!(
            s,
            "\n# RCPs never apply to resources in the management account.\nresource \"aws_organizations_policy\" \"deny_plain_http\" {{\n  name    = \"intransit-deny-plain-http\"\n  type    = \"RESOURCE_CONTROL_POLICY\"\n  content = {}\n}}",
            if inline {
                heredoc(&rcp_document())
            } else {
                format!("file(\"${{path.module}}/{RCP_FILE}\")")
            }
        );
        for f in rcps {
            let _ = writeln!(
                s,
                "\nresource \"aws_organizations_policy_attachment\" \"deny_plain_http_{}\" {{\n  policy_id = aws_organizations_policy.deny_plain_http.id\n  target_id = {}\n}}",
                tf_name(&f.resource),
                Value::String(f.resource.clone())
            );
        }
    }
    let others = set
        .fixes
        .iter()
        .filter(|f| f.refused.is_none() && matches!(f.kind, Kind::Workgroup | Kind::VpnTunnel));
    for f in others {
        let _ = writeln!(
            s,
            "\n# {} {}: set in the resource that manages it: {}",
            f.kind.label(),
            comment(&f.resource),
            comment(f.apply.first().map(String::as_str).unwrap_or(""))
        );
    }
    let mut files = vec![("main.tf".to_string(), s)];
    if !inline {
        files.extend(policy_files(set));
    }
    files
}

/// An HCL here-document of `text`, `${` and `%{` escaped (Terraform would template them).
fn heredoc(text: &str) -> String {
    let text = text.replace("${", "$${").replace("%{", "%%{");
    let mut end = "POLICY".to_string();
    while text.lines().any(|l| l.trim() == end) {
        end.push('_');
    }
    format!("<<{end}\n{text}\n{end}")
}

/// A logical id: letters and digits only.
fn cfn_id(prefix: &str, s: &str) -> String {
    let tail: String = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("{prefix}{tail}")
}

/// `AWS::S3::BucketPolicy` resources with the merged documents inline (the RCP as
/// `AWS::Organizations::Policy`), as a JSON template.
pub fn cloudformation(set: &FixSet) -> Files {
    let mut resources = serde_json::Map::new();
    for f in offered(set, Kind::BucketPolicy) {
        let doc: Value = f
            .policy_after
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or(Value::Null);
        resources.insert(
            cfn_id("Policy", &f.resource),
            json!({
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": f.resource, "PolicyDocument": doc}
            }),
        );
    }
    let rcps: Vec<&Fix> = offered(set, Kind::Rcp).collect();
    if !rcps.is_empty() {
        let doc: Value = serde_json::from_str(&rcp_document()).unwrap_or(Value::Null);
        let targets: Vec<&str> = rcps.iter().map(|f| f.resource.as_str()).collect();
        resources.insert(
            "DenyPlainHttpRcp".into(),
            json!({
                "Type": "AWS::Organizations::Policy",
                "Properties": {
                    "Name": "intransit-deny-plain-http",
                    "Type": "RESOURCE_CONTROL_POLICY",
                    "Content": doc,
                    "TargetIds": targets
                }
            }),
        );
    }
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Written by intransit fix: the bucket policies with plain HTTP denied. Review before deploying; RCPs never apply to the management account.",
        "Resources": resources
    });
    let mut s = serde_json::to_string_pretty(&template).expect("a template serializes");
    s.push('\n');
    vec![("template.json".to_string(), s)]
}
