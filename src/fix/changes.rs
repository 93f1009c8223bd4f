//! One fix per resource that does not pass: the bucket policy with the plain-HTTP deny merged
//! in, the workgroup's enforced configuration, the VPN tunnel's strong algorithms, the
//! organization's RCP. Each carries the commands that apply and undo it, or why it is refused.

use serde_json::{Value, json};

use super::diff::unified;
use super::merge::merge_what;
use super::{Fix, Kind, Unchanged, shell_quote};
use crate::compliance::{Evaluation, Status};
use crate::model::{
    Bucket, Estate, Partition, PolicyText, VpnConnection, VpnTunnel, Workgroup, is_account_id,
};
use crate::policy::{
    PolicyInput, PolicySource, Target, TlsVersion, Verdict, analyze, parse_policy,
};
use crate::traffic::Outcome;

/// Which resources to fix.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// These buckets (their policies only).
    pub buckets: Vec<String>,
    /// Every resource that does not pass: buckets, workgroups, tunnels, accounts without the RCP.
    pub failing: bool,
    /// Deny TLS below this version too.
    pub floor: Option<TlsVersion>,
}

const UNSAFE_PLACE: &str =
    "the account id or region is not one AWS gives: no command is written for it";

/// The file a bucket's merged policy is written to, relative to the output directory.
pub fn policy_file(bucket: &str) -> String {
    format!("policies/{bucket}.json")
}

/// The bucket's policy as reviewed, which the script checks the live one against.
pub fn before_file(bucket: &str) -> String {
    format!("policies/{bucket}.before.json")
}

/// A tunnel's options (`vpn-…/IP`) after and before the change.
pub fn tunnel_files(resource: &str) -> (String, String) {
    let name = resource.replace('/', "-");
    (
        format!("policies/tunnel-{name}.json"),
        format!("policies/tunnel-{name}.before.json"),
    )
}

/// The RCP document's file.
pub const RCP_FILE: &str = "policies/rcp-deny-plain-http.json";

/// The RCP's name in the organization.
pub const RCP_NAME: &str = "intransit-deny-plain-http";

/// The fixes `sel` asks for, and the named resources that need none. `Err` for a bucket name
/// that is not in the estate.
pub fn fixes(
    estate: &Estate,
    eval: &Evaluation,
    sel: &Selection,
) -> Result<(Vec<Fix>, Vec<Unchanged>), String> {
    let mut out = Vec::new();
    let mut unchanged = Vec::new();
    for b in selected_buckets(estate, sel)? {
        match bucket_fix(estate, b, sel.floor) {
            Ok(fix) => out.push(fix),
            Err(why) => unchanged.push(Unchanged {
                kind: Kind::BucketPolicy,
                resource: b.name.clone(),
                why,
            }),
        }
    }
    if sel.failing {
        out.extend(workgroup_fixes(estate, eval));
        out.extend(tunnel_fixes(estate, eval));
        out.extend(rcp_fixes(estate, eval, sel.floor));
    }
    Ok((out, unchanged))
}

fn selected_buckets<'a>(estate: &'a Estate, sel: &Selection) -> Result<Vec<&'a Bucket>, String> {
    let mut out: Vec<&Bucket> = Vec::new();
    for name in &sel.buckets {
        match estate.buckets.iter().find(|b| b.name == *name) {
            Some(b) => out.push(b),
            None => return Err(format!("no bucket named {:?} in the estate", name)),
        }
    }
    if sel.failing {
        let mut failing: Vec<&Bucket> = estate
            .buckets
            .iter()
            .filter(|b| b.tls.verdict() != Verdict::Enforced)
            .filter(|b| !out.iter().any(|o| o.name == b.name))
            .collect();
        failing.sort_by(|a, b| a.worst_first(b));
        out.extend(failing);
    }
    Ok(out)
}

fn partition(estate: &Estate, account: &str) -> Partition {
    estate
        .accounts
        .iter()
        .find(|a| a.id == account)
        .map(|a| a.partition)
        .unwrap_or_default()
}

/// A 12-digit account id and a region such as `eu-west-1`: what a script may write unquoted.
fn valid_place(account: &str, region: &str) -> bool {
    is_account_id(account)
        && !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

/// Athena's workgroup naming rules: letters, digits, `.`, `_` and `-`, up to 128.
fn valid_workgroup_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
}

/// `vpn-0123abcd` and a dotted IPv4 outside address.
fn valid_tunnel(vpn: &str, ip: &str) -> bool {
    vpn.strip_prefix("vpn-")
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit()))
        && ip.parse::<std::net::Ipv4Addr>().is_ok()
}

/// S3's bucket naming rules (what is safe to put in a file name and a command).
fn valid_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && !name.starts_with(['.', '-'])
        && !name.ends_with(['.', '-'])
}

/// The bucket's policy fix; `Err(why)` when the bucket needs none.
pub fn bucket_fix(estate: &Estate, b: &Bucket, floor: Option<TlsVersion>) -> Result<Fix, String> {
    if b.tls.verdict() == Verdict::Enforced
        && floor.is_none_or(|f| b.tls.min_tls().is_some_and(|m| m >= f))
    {
        return Err(format!(
            "already denies plain HTTP (enforced by {})",
            b.tls.enforced_by()
        ));
    }
    let fix = Fix::new(
        Kind::BucketPolicy,
        b.name.clone(),
        &b.account_id,
        Some(&b.region),
    );
    if !valid_bucket_name(&b.name) {
        return Ok(fix.refuse("not a valid S3 bucket name: no command is written for it"));
    }
    if !valid_place(&b.account_id, &b.region) {
        return Ok(fix.refuse(UNSAFE_PLACE));
    }
    let current = match &b.policy {
        PolicyText::Pending => return Ok(fix.refuse("the policy was not read yet")),
        PolicyText::Unreadable => {
            let why: Vec<String> = b.errors.iter().map(|e| e.short()).collect();
            return Ok(fix.refuse(format!(
                "the current policy could not be read ({}): a merge needs it",
                why.join(", ")
            )));
        }
        PolicyText::None => None,
        PolicyText::Present { text } => Some(text.text().into_owned()),
    };
    let target = Target::new(b.name.clone(), partition(estate, &b.account_id));
    let mut fix = fix;
    fix.policy_before = current.clone();
    let deny_http = b.tls.verdict() != Verdict::Enforced;
    match merge_what(current.as_deref(), &target, floor, deny_http) {
        Err(why) => Ok(fix.refuse(why)),
        Ok(m) => {
            let before = current.as_deref().map(pretty).unwrap_or_default();
            fix.diff = unified(&format!("{}.json", b.name), &before, &m.text);
            fix.verdict_after = Some(m.verdict.to_string());
            fix.added = m.added.iter().map(|s| s.to_string()).collect();
            fix.policy_after = Some(m.text);
            fix.apply = bucket_apply(b);
            fix.rollback = bucket_rollback(b, current.is_some());
            fix.warnings = plain_http_clients(estate, &b.name);
            if b.policy_is_public == Some(true) {
                fix.warnings.push(
                    "the policy makes the bucket public: if it serves a website through the S3 \
                     website endpoint (HTTP only), that site stops answering; check with aws \
                     s3api get-bucket-website first"
                        .to_string(),
                );
            }
            Ok(fix)
        }
    }
}

/// The fix as one command to paste: `put-bucket-policy` with the merged policy inline (compact,
/// quoted for the shell); `None` when the fix is refused.
pub fn inline_command(fix: &Fix) -> Option<String> {
    if fix.refused.is_some() || fix.kind != Kind::BucketPolicy {
        return None;
    }
    let policy: Value = serde_json::from_str(fix.policy_after.as_deref()?).ok()?;
    Some(format!(
        "aws s3api put-bucket-policy --region {} --bucket {} --expected-bucket-owner {} --policy {}",
        shell_quote(fix.region()),
        shell_quote(&fix.resource),
        shell_quote(&fix.account_id),
        shell_quote(&policy.to_string())
    ))
}

/// A policy pretty-printed as the merge writes it (so the diff shows what was added).
fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string())
}

fn bucket_apply(b: &Bucket) -> Vec<String> {
    vec![format!(
        "aws s3api put-bucket-policy --region {} --bucket {} --expected-bucket-owner {} --policy file://{}",
        shell_quote(&b.region),
        shell_quote(&b.name),
        shell_quote(&b.account_id),
        shell_quote(&policy_file(&b.name))
    )]
}

fn bucket_rollback(b: &Bucket, had_policy: bool) -> Vec<String> {
    let (region, name) = (shell_quote(&b.region), shell_quote(&b.name));
    let owner = shell_quote(&b.account_id);
    if had_policy {
        vec![format!(
            "aws s3api put-bucket-policy --region {region} --bucket {name} --expected-bucket-owner {owner} --policy file://backup/{}.json",
            b.name
        )]
    } else {
        vec![format!(
            "aws s3api delete-bucket-policy --region {region} --bucket {name} --expected-bucket-owner {owner}"
        )]
    }
}

/// Clients the logs saw served over plain HTTP: they get 403 once the deny is in place.
fn plain_http_clients(estate: &Estate, bucket: &str) -> Vec<String> {
    let Some(traffic) = estate.traffic.as_deref() else {
        return Vec::new();
    };
    let rows: Vec<_> = traffic
        .plain_http
        .iter()
        .filter(|r| r.bucket == bucket && r.outcome == Outcome::Accepted)
        .collect();
    let Some(first) = rows.first() else {
        return Vec::new();
    };
    let total: u64 = rows.iter().map(|r| r.count).sum();
    vec![format!(
        "the logs show {total} plain-HTTP request(s) served, e.g. {} from {} ({}): those \
         clients get 403 AccessDenied once this applies; move them to HTTPS first",
        first.operation, first.source_ip, first.principal
    )]
}

/// Enabled workgroups that let clients choose their own output location and encryption.
fn workgroup_fixes(estate: &Estate, eval: &Evaluation) -> Vec<Fix> {
    estate
        .workgroups
        .iter()
        .filter(|w| {
            failing(
                eval,
                crate::compliance::checks::ENFORCE_CONFIGURATION,
                &w.estate_key(),
            )
        })
        .map(workgroup_fix)
        .collect()
}

fn failing(eval: &Evaluation, check: &str, resource: &str) -> bool {
    eval.check(check).is_some_and(|c| {
        c.findings
            .iter()
            .any(|f| *f.resource.id == *resource && f.status == Status::Fail)
    })
}

fn workgroup_fix(w: &Workgroup) -> Fix {
    let key = w.estate_key();
    let mut fix = Fix::new(Kind::Workgroup, key, &w.account_id, Some(&w.region));
    if !valid_workgroup_name(&w.name) || !valid_place(&w.account_id, &w.region) {
        return fix.refuse(UNSAFE_PLACE);
    }
    let Some(location) = w.output_location.as_deref() else {
        return fix.refuse(
            "the workgroup has no result location: enforcing its configuration would fail \
             every query that does not bring its own; set one first (aws athena \
             update-work-group --configuration-updates \
             ResultConfigurationUpdates={OutputLocation=s3://…})",
        );
    };
    let cmd = |on: bool| {
        format!(
            "aws athena update-work-group --region {} --work-group {} --configuration-updates EnforceWorkGroupConfiguration={on}",
            shell_quote(&w.region),
            shell_quote(&w.name)
        )
    };
    fix.diff = unified(
        &format!("workgroup/{}", w.name),
        "EnforceWorkGroupConfiguration: false\n",
        "EnforceWorkGroupConfiguration: true\n",
    );
    fix.apply = vec![cmd(true)];
    fix.rollback = vec![cmd(false)];
    fix.warnings = vec![format!(
        "clients of workgroup {} can no longer choose their own result location or \
         encryption: results go to {}",
        w.name, location
    )];
    fix
}

/// What a strong tunnel permits: AES-256 (GCM or CBC), SHA-2, DH groups 14 and up, IKEv2.
pub const STRONG_ENCRYPTION: &[&str] = &["AES256-GCM-16", "AES256"];
pub const STRONG_INTEGRITY: &[&str] = &["SHA2-256", "SHA2-384", "SHA2-512"];
pub const STRONG_DH: &[u32] = &[14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];

fn tunnel_fixes(estate: &Estate, eval: &Evaluation) -> Vec<Fix> {
    let mut out = Vec::new();
    for v in &estate.connectivity.vpn_connections {
        for t in &v.tunnels {
            let id = crate::compliance::paths::tunnel_id(v, t);
            let judged = eval
                .check(crate::compliance::checks::VPN_TUNNELS)
                .and_then(|c| c.findings.iter().find(|f| *f.resource.id == *id))
                .map(|f| f.status);
            if matches!(judged, Some(Status::Fail | Status::Partial)) && !t.weaknesses().is_empty()
            {
                out.push(tunnel_fix(v, t, id));
            }
        }
    }
    out
}

fn values<T: serde::Serialize>(list: &[T]) -> Value {
    Value::Array(list.iter().map(|v| json!({ "Value": v })).collect())
}

/// The option lists of a tunnel, as `modify-vpn-tunnel-options` takes them.
struct Lists {
    enc: [Vec<String>; 2],
    int: [Vec<String>; 2],
    dh: [Vec<u32>; 2],
    ike: Vec<String>,
}

impl Lists {
    fn strong() -> Lists {
        let strings = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Lists {
            enc: [strings(STRONG_ENCRYPTION), strings(STRONG_ENCRYPTION)],
            int: [strings(STRONG_INTEGRITY), strings(STRONG_INTEGRITY)],
            dh: [STRONG_DH.to_vec(), STRONG_DH.to_vec()],
            ike: vec!["ikev2".to_string()],
        }
    }

    /// What the tunnel permits now (AWS's defaults where it set none).
    fn of(t: &VpnTunnel) -> Lists {
        let o = t.options();
        Lists {
            enc: [o.phase1_encryption.values, o.phase2_encryption.values],
            int: [o.phase1_integrity.values, o.phase2_integrity.values],
            dh: [o.phase1_dh_groups.values, o.phase2_dh_groups.values],
            ike: o.ike_versions.values,
        }
    }

    fn json(&self) -> String {
        json!({
            "Phase1EncryptionAlgorithms": values(&self.enc[0]),
            "Phase2EncryptionAlgorithms": values(&self.enc[1]),
            "Phase1IntegrityAlgorithms": values(&self.int[0]),
            "Phase2IntegrityAlgorithms": values(&self.int[1]),
            "Phase1DHGroupNumbers": values(&self.dh[0]),
            "Phase2DHGroupNumbers": values(&self.dh[1]),
            "IKEVersions": values(&self.ike),
        })
        .to_string()
    }
}

fn tunnel_fix(v: &VpnConnection, t: &VpnTunnel, id: String) -> Fix {
    let mut fix = Fix::new(Kind::VpnTunnel, id, &v.account_id, Some(&v.region));
    if !valid_tunnel(&v.id, &t.outside_ip) || !valid_place(&v.account_id, &v.region) {
        return fix.refuse(UNSAFE_PLACE);
    }
    let strong = Lists::strong().json();
    let before = Lists::of(t).json();
    let cmd = |options: &str| {
        format!(
            "aws ec2 modify-vpn-tunnel-options --region {} --vpn-connection-id {} --vpn-tunnel-outside-ip-address {} --tunnel-options {}",
            shell_quote(&v.region),
            shell_quote(&v.id),
            shell_quote(&t.outside_ip),
            shell_quote(options)
        )
    };
    fix.diff = unified(
        &format!("tunnel/{}", t.outside_ip),
        &pretty(&before),
        &pretty(&strong),
    );
    fix.policy_before = Some(before.clone());
    fix.policy_after = Some(strong.clone());
    fix.apply = vec![cmd(&strong)];
    fix.rollback = vec![cmd(&before)];
    let weak: Vec<String> = t.weaknesses().into_iter().map(|w| w.detail).collect();
    fix.warnings = vec![
        format!("removes what is weak: {}", weak.join("; ")),
        "the tunnel restarts when its options change (traffic moves to the other tunnel while \
         it does): change one tunnel at a time, and only once the customer gateway proposes \
         these algorithms"
            .to_string(),
    ];
    fix
}

/// The RCP that denies plain HTTP to every S3 bucket of the accounts it is attached to, and
/// with a floor TLS older than it.
pub fn rcp_document(floor: Option<TlsVersion>) -> String {
    let mut statements = vec![json!({
        "Sid": "EnforceSecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}
    })];
    if let Some(v) = floor {
        statements.push(json!({
            "Sid": "EnforceMinimumTLS",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:TlsVersion": v.as_str()}}
        }));
    }
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements}))
        .expect("a JSON value serializes")
}

/// The RCP document, proved: alone, it makes a bucket of the account `enforced`, with the
/// floor asked for.
fn proved_rcp(floor: Option<TlsVersion>) -> Result<String, String> {
    let doc = rcp_document(floor);
    let policy = parse_policy(&doc).map_err(|e| e.to_string())?;
    let source = PolicySource::ResourceControlPolicy {
        policy_id: "p-new".into(),
        policy_name: RCP_NAME.into(),
    };
    let target = Target::new("any-bucket", Partition::Aws);
    let a = analyze(
        &target,
        &[PolicyInput {
            source: &source,
            policy: &policy,
        }],
    );
    if a.verdict != Verdict::Enforced {
        return Err(format!(
            "the RCP document is not enforced by the analyzer ({})",
            a.verdict
        ));
    }
    if let Some(want) = floor
        && a.min_tls.is_none_or(|got| got < want)
    {
        return Err(format!(
            "the analyzer does not find a TLS floor of {} in the RCP document",
            want.as_str()
        ));
    }
    Ok(doc)
}

fn rcp_fixes(estate: &Estate, eval: &Evaluation, floor: Option<TlsVersion>) -> Vec<Fix> {
    let doc = proved_rcp(floor);
    let mut accounts: Vec<&str> = estate.accounts.iter().map(|a| a.id.as_str()).collect();
    accounts.sort_unstable();
    accounts
        .into_iter()
        .filter(|a| failing(eval, crate::compliance::checks::RCP_TLS, a))
        .map(|account| {
            let fix = Fix::new(Kind::Rcp, account.to_string(), account, None);
            match &doc {
                _ if !is_account_id(account) => fix.refuse(UNSAFE_PLACE),
                Err(why) => fix.refuse(why.clone()),
                Ok(doc) => rcp_fix(fix, account, doc),
            }
        })
        .collect()
}

fn rcp_fix(mut fix: Fix, account: &str, doc: &str) -> Fix {
    fix.policy_after = Some(doc.to_string());
    fix.diff = unified(RCP_FILE, "", doc);
    fix.verdict_after = Some(Verdict::Enforced.to_string());
    let target = shell_quote(account);
    fix.apply = vec![format!(
        "aws organizations attach-policy --region us-east-1 --policy-id \"$RCP_ID\" --target-id {target}"
    )];
    fix.rollback = vec![format!(
        "aws organizations detach-policy --region us-east-1 --policy-id \"$RCP_ID\" --target-id {target}"
    )];
    fix.warnings = vec![
        "RCPs never apply to resources in the organization's management account: its buckets \
         need their own policies"
            .to_string(),
        "run with the management account's credentials, with RCPs enabled (aws \
         organizations enable-policy-type --policy-type RESOURCE_CONTROL_POLICY --root-id \
         r-…)"
            .to_string(),
        format!(
            "$RCP_ID is the policy made once for every account: aws organizations create-policy \
             --region us-east-1 --type RESOURCE_CONTROL_POLICY --name {RCP_NAME} --content \
             file://{RCP_FILE} (the sh format looks it up by name before making it)"
        ),
    ];
    fix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rcp_document_is_proved_enforced() {
        let doc = proved_rcp(None).expect("proved");
        assert!(doc.contains("aws:SecureTransport"));
        let doc = proved_rcp(Some(TlsVersion::V1_2)).expect("proved with a floor");
        assert!(doc.contains("\"s3:TlsVersion\": \"1.2\""), "{doc}");
    }

    #[test]
    fn bucket_names_outside_s3_rules_get_no_command() {
        for (name, ok) in [
            ("data-bucket", true),
            ("a.b-c", true),
            ("x'; rm -rf /", false),
            ("UPPER", false),
            ("-lead", false),
            ("ab", false),
        ] {
            assert_eq!(valid_bucket_name(name), ok, "{name}");
        }
    }
}
