//! The fixes as a POSIX shell script a reviewer runs once per account. Each run checks whose
//! credentials it has and applies only that account's changes (the RCP only with the
//! management account's); each resource must still be as it was reviewed, or it is skipped;
//! what a run changes is undone by the `rollback.sh` it writes beside its backups, newest
//! change first, kept complete after every change so a run that stops half-way can be undone.
//!
//! Every name written unquoted into a command here was checked by [`super::changes`] against
//! AWS's own naming rules (bucket, workgroup, VPN id, IPv4 address, account id, region).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::changes::{RCP_FILE, RCP_NAME, before_file, tunnel_files};
use super::render::{Files, comment, offered, policy_files, write_files};
use super::{Fix, FixSet, Kind, shell_quote};

/// `fix.sh`, and with `inline` false the policy files beside it (with `inline` the script
/// writes them itself).
pub fn sh(set: &FixSet, inline: bool) -> Files {
    let mut s = String::from(HEAD);
    s.push_str(&FUNCTIONS.replace("RCP_NAME", RCP_NAME));
    let mut written = policy_files(set);
    written.extend(reviewed_files(set));
    if inline {
        write_files(&mut s, &written);
    }
    for (account, fixes) in by_account(set) {
        let _ = writeln!(s, "\nif section {account}; then");
        for f in fixes {
            section_line(&mut s, f);
        }
        let _ = writeln!(s, "fi");
    }
    let rcps: Vec<&Fix> = offered(set, Kind::Rcp).collect();
    if !rcps.is_empty() {
        organization(&mut s, &rcps);
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
    let mut files = vec![("fix.sh".to_string(), s)];
    if !inline {
        files.extend(written);
    }
    files
}

/// The offered fixes of each account but the RCP's, in the order they are listed.
fn by_account(set: &FixSet) -> BTreeMap<&str, Vec<&Fix>> {
    let mut out: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for f in set
        .fixes
        .iter()
        .filter(|f| f.refused.is_none() && f.kind != Kind::Rcp)
    {
        out.entry(f.account_id.as_str()).or_default().push(f);
    }
    out
}

fn section_line(s: &mut String, f: &Fix) {
    let _ = writeln!(s, "  # {} {}", f.kind.label(), comment(&f.resource));
    for w in &f.warnings {
        let _ = writeln!(s, "  # ! {}", comment(w));
    }
    let region = shell_quote(f.region());
    match f.kind {
        Kind::BucketPolicy => {
            let _ = writeln!(s, "  put_policy {region} {}", shell_quote(&f.resource));
        }
        Kind::Workgroup => {
            let name = f.resource.rsplit('/').next().unwrap_or(&f.resource);
            let _ = writeln!(s, "  enforce_workgroup {region} {}", shell_quote(name));
        }
        Kind::VpnTunnel => {
            let (vpn, ip) = f.resource.split_once('/').unwrap_or((&f.resource, ""));
            let _ = writeln!(
                s,
                "  tunnel_options {region} {} {}",
                shell_quote(vpn),
                shell_quote(ip)
            );
        }
        Kind::Rcp => {}
    }
}

fn organization(s: &mut String, rcps: &[&Fix]) {
    let _ = writeln!(
        s,
        "\n# The resource control policy, attached to each account without it."
    );
    for w in &rcps[0].warnings {
        let _ = writeln!(s, "# ! {}", comment(w));
    }
    let _ = writeln!(s, "if organization; then");
    let _ = writeln!(s, "  rcp {}", shell_quote(RCP_FILE));
    for f in rcps {
        let _ = writeln!(s, "  attach_rcp {}", shell_quote(&f.resource));
    }
    let _ = writeln!(s, "fi");
}

const HEAD: &str = r#"#!/bin/sh
# Written by `intransit fix`: review every change below before running this.
# It changes nothing until run, by you, with credentials that may write. Run it once with the
# credentials of each account it names: a run applies that account's changes and skips the
# others (the organization's RCP only with the management account's). A resource that is no
# longer as it was reviewed is skipped, never overwritten. Each run saves what it replaces in
# backup/ACCOUNT-TIME/ and writes rollback.sh there, which undoes that run, newest first.
set -eu
cd "$(dirname "$0")"
POLL=${INTRANSIT_FIX_POLL:-15}
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
RUN="backup/$ACCOUNT-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN"
: > "$RUN/undo.lines"
CHANGED=0
SKIPPED=0
trap 'echo; echo "account $ACCOUNT: $CHANGED changed, $SKIPPED skipped; to undo: sh $RUN/rollback.sh"' EXIT
echo "credentials for account $ACCOUNT: its changes are applied, the other accounts' skipped"
"#;

const FUNCTIONS: &str = r#"
# undo LINE: LINE undoes the change just made; rollback.sh runs the newest first.
undo() {
  { printf '%s\n' "$1"; cat "$RUN/undo.lines"; } > "$RUN/undo.new"
  mv "$RUN/undo.new" "$RUN/undo.lines"
  { printf '%s\n' '#!/bin/sh' '# Undoes what one run of fix.sh changed, newest first.' \
      'set -eu' 'cd "$(dirname "$0")"'; cat "$RUN/undo.lines"; } > "$RUN/rollback.sh"
  CHANGED=$((CHANGED + 1))
}

skip() {
  echo "  skipped: $1" >&2
  SKIPPED=$((SKIPPED + 1))
}

# section ACCOUNT: whether these are ACCOUNT's credentials (its changes are skipped if not).
section() {
  if [ "$1" = "$ACCOUNT" ]; then
    echo "== account $1"
    return 0
  fi
  echo "== account $1: skipped (these credentials are for $ACCOUNT)"
  return 1
}

# put_policy REGION BUCKET: the live policy must be the one reviewed
# (policies/BUCKET.before.json, or none); it is saved, then the merged one is put.
put_policy() {
  region=$1 bucket=$2
  saved="$RUN/$bucket.json"
  reviewed="policies/$bucket.before.json"
  if aws s3api get-bucket-policy --region "$region" --bucket "$bucket" \
      --expected-bucket-owner "$ACCOUNT" --query Policy --output text > "$saved" 2> "$RUN/error"; then
    if [ ! -f "$reviewed" ] || ! cmp -s "$saved" "$reviewed"; then
      skip "bucket $bucket: its policy is not the one reviewed (now in $saved): run intransit fix again"
      return 0
    fi
    back="aws s3api put-bucket-policy --region $region --bucket $bucket --expected-bucket-owner $ACCOUNT --policy file://$bucket.json"
  elif grep -q NoSuchBucketPolicy "$RUN/error"; then
    rm -f "$saved"
    if [ -f "$reviewed" ]; then
      skip "bucket $bucket: its policy was deleted since the scan: run intransit fix again"
      return 0
    fi
    back="aws s3api delete-bucket-policy --region $region --bucket $bucket --expected-bucket-owner $ACCOUNT"
  else
    cat "$RUN/error" >&2
    rm -f "$saved"
    skip "bucket $bucket: its policy could not be read"
    return 0
  fi
  aws s3api put-bucket-policy --region "$region" --bucket "$bucket" \
    --expected-bucket-owner "$ACCOUNT" --policy "file://policies/$bucket.json"
  undo "$back"
  echo "  bucket $bucket: merged policy put"
}

# enforce_workgroup REGION NAME
enforce_workgroup() {
  region=$1 name=$2
  now=$(aws athena get-work-group --region "$region" --work-group "$name" \
    --query WorkGroup.Configuration.EnforceWorkGroupConfiguration --output text)
  if [ "$now" = True ]; then
    echo "  workgroup $name: enforces its configuration already"
    return 0
  fi
  aws athena update-work-group --region "$region" --work-group "$name" \
    --configuration-updates EnforceWorkGroupConfiguration=true
  undo "aws athena update-work-group --region $region --work-group $name --configuration-updates EnforceWorkGroupConfiguration=false"
  echo "  workgroup $name: enforces its configuration"
}

# telemetry REGION VPN OP IP: status and last change of the tunnels whose address is (OP ==)
# or is not (OP !=) IP.
telemetry() {
  aws ec2 describe-vpn-connections --region "$1" --vpn-connection-ids "$2" \
    --query "VpnConnections[0].VgwTelemetry[?OutsideIpAddress$3'$4'].[Status,LastStatusChange]" \
    --output text
}

# tunnel_options REGION VPN IP: changes one tunnel only while the other is UP, then waits
# until it is UP again (a new status change) before anything else is changed.
tunnel_options() {
  region=$1 vpn=$2 ip=$3
  other=$(telemetry "$region" "$vpn" '!=' "$ip")
  case "$other" in
    UP*) ;;
    *) skip "tunnel $ip of $vpn: the other tunnel is not UP ($other): changing this one would cut the connection"
       return 0 ;;
  esac
  was=$(telemetry "$region" "$vpn" '==' "$ip")
  cp "policies/tunnel-$vpn-$ip.before.json" "$RUN/"
  aws ec2 modify-vpn-tunnel-options --region "$region" --vpn-connection-id "$vpn" \
    --vpn-tunnel-outside-ip-address "$ip" --tunnel-options "file://policies/tunnel-$vpn-$ip.json"
  undo "aws ec2 modify-vpn-tunnel-options --region $region --vpn-connection-id $vpn --vpn-tunnel-outside-ip-address $ip --tunnel-options file://tunnel-$vpn-$ip.before.json"
  echo "  tunnel $ip of $vpn: options changed; waiting until it is UP again"
  waited=0
  while :; do
    sleep "$POLL"
    waited=$((waited + POLL))
    now=$(telemetry "$region" "$vpn" '==' "$ip")
    case "$now" in
      UP*) if [ "$now" != "$was" ]; then break; fi ;;
    esac
    if [ "$waited" -ge 1800 ]; then
      echo "tunnel $ip of $vpn is not UP again after 30 minutes ($now): stopping here" >&2
      exit 1
    fi
  done
  echo "  tunnel $ip of $vpn: UP"
}

# organization: whether these are the management account's credentials.
organization() {
  management=$(aws organizations describe-organization --region us-east-1 \
    --query Organization.MasterAccountId --output text 2>/dev/null || true)
  if [ "$management" = "$ACCOUNT" ]; then
    echo "== organization (management account $ACCOUNT)"
    return 0
  fi
  echo "== organization: skipped (the RCP needs the management account's credentials)"
  return 1
}

# rcp FILE: the RCP's id in RCP_ID, the one made before when there is one.
rcp() {
  RCP_ID=$(aws organizations list-policies --region us-east-1 --filter RESOURCE_CONTROL_POLICY \
    --query "Policies[?Name=='RCP_NAME'].Id" --output text)
  if [ -z "$RCP_ID" ] || [ "$RCP_ID" = None ]; then
    RCP_ID=$(aws organizations create-policy --region us-east-1 --type RESOURCE_CONTROL_POLICY \
      --name RCP_NAME --description 'Deny plain HTTP to S3 (intransit fix)' \
      --content "file://$1" --query Policy.PolicySummary.Id --output text)
    undo "aws organizations delete-policy --region us-east-1 --policy-id $RCP_ID"
    echo "  RCP $RCP_ID made"
  fi
}

# attach_rcp ACCOUNT
attach_rcp() {
  attached=$(aws organizations list-targets-for-policy --region us-east-1 --policy-id "$RCP_ID" \
    --query "Targets[?TargetId=='$1'].TargetId" --output text)
  if [ -n "$attached" ] && [ "$attached" != None ]; then
    echo "  account $1: the RCP is attached already"
    return 0
  fi
  aws organizations attach-policy --region us-east-1 --policy-id "$RCP_ID" --target-id "$1"
  undo "aws organizations detach-policy --region us-east-1 --policy-id $RCP_ID --target-id $1"
  echo "  account $1: RCP attached"
}
"#;

/// The files a script reads beside the merged policies: each bucket policy as reviewed
/// (exactly as `get-bucket-policy --output text` prints it) and each tunnel's options before
/// and after.
pub fn reviewed_files(set: &FixSet) -> Files {
    let mut out = Vec::new();
    for f in offered(set, Kind::BucketPolicy) {
        if let Some(before) = &f.policy_before {
            out.push((before_file(&f.resource), format!("{before}\n")));
        }
    }
    for f in offered(set, Kind::VpnTunnel) {
        let (after, before) = tunnel_files(&f.resource);
        if let (Some(a), Some(b)) = (&f.policy_after, &f.policy_before) {
            out.push((after, format!("{a}\n")));
            out.push((before, format!("{b}\n")));
        }
    }
    out
}
