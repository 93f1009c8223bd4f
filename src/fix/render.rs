//! The fixes as a reviewer reads them (text), as a pipeline takes them (JSON), as a script
//! with backup and rollback (sh), and as infrastructure code (Terraform, CloudFormation).
//! Strings from the estate are sanitized in text and quoted in scripts.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::changes::{RCP_FILE, RCP_NAME, inline_command, policy_file};
use super::{Fix, FixSet, Kind, shell_quote};
use crate::text::sanitize;

/// Files a format writes: (relative path, contents). The first is the main one.
pub type Files = Vec<(String, String)>;

pub fn text(set: &FixSet) -> String {
    let mut out = String::new();
    let offered = set.fixes.iter().filter(|f| f.refused.is_none()).count();
    // With --plan only the plan is written.
    if !set.fixes.is_empty() || !set.unchanged.is_empty() || set.plan.is_empty() {
        let _ = writeln!(
            out,
            "{offered} fixes to review, {} refused, {} named resources need none.",
            set.fixes.len() - offered,
            set.unchanged.len()
        );
    }
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
    // The policy file is written only with --out: the command a reviewer can paste carries the
    // merged policy itself.
    let inline = inline_command(f).map(|c| vec![c]);
    for c in inline.as_ref().unwrap_or(&f.apply) {
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
pub(super) fn policy_files(set: &FixSet) -> Files {
    let mut out = Vec::new();
    for f in offered(set, Kind::BucketPolicy) {
        if let Some(p) = &f.policy_after {
            out.push((policy_file(&f.resource), format!("{p}\n")));
        }
    }
    if let Some(doc) = rcp_text(set) {
        out.push((RCP_FILE.to_string(), format!("{doc}\n")));
    }
    out
}

/// The RCP document the fixes attach (with the floor asked for), when they attach one.
fn rcp_text(set: &FixSet) -> Option<String> {
    offered(set, Kind::Rcp).find_map(|f| f.policy_after.clone())
}

pub(super) fn offered(set: &FixSet, kind: Kind) -> impl Iterator<Item = &Fix> {
    set.fixes
        .iter()
        .filter(move |f| f.kind == kind && f.refused.is_none())
}

/// Shell lines that write `files` (quoted here-documents: nothing in them is expanded).
pub(super) fn write_files(s: &mut String, files: &Files) {
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

/// A comment line's text: no newline can end the comment early.
pub(super) fn comment(s: &str) -> String {
    sanitize(s).replace(['\n', '\r'], " ")
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
    let mut s = String::from(TF_HEAD);
    for (account, region) in places(set) {
        let _ = writeln!(
            s,
            "\nprovider \"aws\" {{\n  alias               = \"{}\"\n  region              = \"{region}\"\n  allowed_account_ids = [\"{account}\"]\n}}",
            tf_provider(account, region)
        );
    }
    for f in offered(set, Kind::BucketPolicy) {
        let policy = match (inline, &f.policy_after) {
            (true, Some(p)) => heredoc(p),
            _ => format!("file(\"${{path.module}}/{}\")", policy_file(&f.resource)),
        };
        let _ = writeln!(
            s,
            "\nresource \"aws_s3_bucket_policy\" \"{}\" {{\n  provider = aws.{}\n  bucket   = {}\n  policy   = {policy}\n\n  # Destroying this resource would delete the whole policy, the statements kept\n  # from before included.\n  lifecycle {{\n    prevent_destroy = true\n  }}\n}}",
            tf_name(&f.resource),
            tf_provider(&f.account_id, f.region()),
            Value::String(f.resource.clone()),
        );
    }
    let rcps: Vec<&Fix> = offered(set, Kind::Rcp).collect();
    if !rcps.is_empty() {
        let _ = writeln!(
            s,
            "\n# With the management account's credentials. RCPs never apply to resources in the\n# management account.\nprovider \"aws\" {{\n  alias  = \"organization\"\n  region = \"us-east-1\"\n}}\n\nresource \"aws_organizations_policy\" \"deny_plain_http\" {{\n  provider = aws.organization\n  name     = \"{RCP_NAME}\"\n  type     = \"RESOURCE_CONTROL_POLICY\"\n  content  = {}\n}}",
            if inline {
                heredoc(&rcp_text(set).unwrap_or_default())
            } else {
                format!("file(\"${{path.module}}/{RCP_FILE}\")")
            }
        );
        for f in rcps {
            let _ = writeln!(
                s,
                "\nresource \"aws_organizations_policy_attachment\" \"deny_plain_http_{}\" {{\n  provider  = aws.organization\n  policy_id = aws_organizations_policy.deny_plain_http.id\n  target_id = {}\n}}",
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

const TF_HEAD: &str = "# Written by `intransit fix`: review, then plan and apply with Terraform.
# One provider per account and region, each refusing to run with another account's
# credentials (allowed_account_ids): give each the credentials of its account (a profile
# or an assume_role block).
";

/// The accounts and regions of the bucket policies, in order.
fn places(set: &FixSet) -> std::collections::BTreeSet<(&str, &str)> {
    offered(set, Kind::BucketPolicy)
        .map(|f| (f.account_id.as_str(), f.region()))
        .collect()
}

/// `a111122223333_eu_west_1`.
fn tf_provider(account: &str, region: &str) -> String {
    format!("a{account}_{}", region.replace('-', "_"))
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

/// `AWS::S3::BucketPolicy` resources with the merged documents inline, one template per
/// account and region (a stack lives in one of each), and the RCP as `AWS::Organizations::Policy`
/// in a template of its own for the management account. Every resource is retained when its
/// stack is deleted: deleting a bucket policy would take the statements kept from before too.
///
/// To standard output (`inline`), the fixes must fit one template.
pub fn cloudformation(set: &FixSet, inline: bool) -> Result<Files, String> {
    let mut files = Vec::new();
    for (account, region) in places(set) {
        let mut resources = serde_json::Map::new();
        for f in offered(set, Kind::BucketPolicy)
            .filter(|f| f.account_id == account && f.region() == region)
        {
            let doc: Value = f
                .policy_after
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or(Value::Null);
            resources.insert(
                cfn_id("Policy", &f.resource),
                retained(json!({
                    "Type": "AWS::S3::BucketPolicy",
                    "Properties": {"Bucket": f.resource, "PolicyDocument": doc}
                })),
            );
        }
        let about = format!(
            "Written by intransit fix: the bucket policies of account {account} in {region} with plain HTTP denied. Review before deploying."
        );
        files.push((
            format!("template-{account}-{region}.json"),
            template(&about, resources),
        ));
    }
    let rcps: Vec<&Fix> = offered(set, Kind::Rcp).collect();
    if !rcps.is_empty() {
        let doc: Value =
            serde_json::from_str(&rcp_text(set).unwrap_or_default()).unwrap_or(Value::Null);
        let targets: Vec<&str> = rcps.iter().map(|f| f.resource.as_str()).collect();
        let mut resources = serde_json::Map::new();
        resources.insert(
            "DenyPlainHttpRcp".into(),
            retained(json!({
                "Type": "AWS::Organizations::Policy",
                "Properties": {
                    "Name": RCP_NAME,
                    "Type": "RESOURCE_CONTROL_POLICY",
                    "Content": doc,
                    "TargetIds": targets
                }
            })),
        );
        let about = "Written by intransit fix: the RCP that denies plain HTTP, for the management account (us-east-1). RCPs never apply to the management account's own resources.";
        files.push((
            "template-organization.json".to_string(),
            template(about, resources),
        ));
    }
    if inline && files.len() > 1 {
        return Err(format!(
            "the fixes need {} CloudFormation templates (one per account and region, and one for the organization's RCP): give --out DIR",
            files.len()
        ));
    }
    Ok(files)
}

fn retained(mut resource: Value) -> Value {
    resource["DeletionPolicy"] = json!("Retain");
    resource["UpdateReplacePolicy"] = json!("Retain");
    resource
}

fn template(about: &str, resources: serde_json::Map<String, Value>) -> String {
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": about,
        "Resources": resources
    });
    let mut s = serde_json::to_string_pretty(&template).expect("a template serializes");
    s.push('\n');
    s
}
