//! End to end against moto: an organization scan (`--org-role`). `seed_estate.py --org`
//! builds an AWS Organization managed from 123456789012 with 12 member accounts in four OUs,
//! buckets and workgroups in several of them, one closed (SUSPENDED) account; the test then
//! makes the launcher refuse `sts:AssumeRole` into one member ("legacy-billing"). The real
//! AWS source lists the organization, enters every active member through the role and reads
//! the management account with the base credentials.

mod csv_support;
mod e2e_support;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::OnceLock;

use e2e_support::{MAIN_ACCOUNT, Moto, options, scan, scratch};
use intransit::compliance::{Catalog, Status, evaluate};
use intransit::model::{Account, ScanState, Snapshot};
use intransit::source::OrgScope;
use serde_json::{Value, json};

struct Org {
    moto: Moto,
    expect: Value,
    result: Result<(), String>,
    snapshot: Snapshot,
    /// `sts:AssumeRole` requests the launcher saw during the scan.
    assume_role_requests: u64,
    /// Organizations requests the launcher answered `TooManyRequestsException`.
    throttled: u64,
}

/// Organizations reads the launcher throttles first (`TooManyRequestsException`): the scan
/// must back off and read them again, so every assertion on names, OUs and tags holds.
const THROTTLED: [(&str, u64); 3] = [
    ("ListAccounts", 1),
    ("ListOrganizationalUnitsForParent", 1),
    ("ListTagsForResource", 3),
];

fn org() -> &'static Org {
    static ORG: OnceLock<Org> = OnceLock::new();
    ORG.get_or_init(|| {
        let moto = Moto::start();
        let expect = moto.seed(&["--org"]);
        refuse_the_role_of(&moto, &expect, "refused");
        // Counts the other AssumeRole requests (no error, no delay: moto answers them).
        moto.side(
            "POST",
            "/_seed/faults",
            &json!({"service": "sts", "operation": "AssumeRole"}),
        );
        for (operation, times) in THROTTLED {
            moto.side(
                "POST",
                "/_seed/faults",
                &json!({
                    "service": "organizations",
                    "operation": operation,
                    "code": "TooManyRequestsException",
                    "status": 400,
                    "message": "AWS Organizations can't complete your request because another request is already in progress. Try again later.",
                    "times": times,
                }),
            );
        }
        let mut opts = options(&moto.url, &[]);
        opts.org = Some(scope(&expect));
        let (result, snapshot, took) = scan(opts);
        eprintln!("organization scan took {took:?}");
        let hits = moto.fault_hits();
        let assume_role_requests = hits[..2].iter().sum();
        let throttled = hits[2..].iter().sum();
        Org {
            moto,
            expect,
            result: result.map_err(|e| e.to_string()),
            snapshot,
            assume_role_requests,
            throttled,
        }
    })
}

fn scope(expect: &Value) -> OrgScope {
    OrgScope {
        role_name: expect["org"]["role"].as_str().expect("role").to_string(),
        ..OrgScope::default()
    }
}

/// The seeded accounts: id → what the seed says of it.
fn seeded(expect: &Value) -> &serde_json::Map<String, Value> {
    expect["org"]["accounts"].as_object().expect("accounts")
}

/// The one seeded account whose fate is `fate`.
fn account_with(expect: &Value, fate: &str) -> String {
    let ids: Vec<&String> = seeded(expect)
        .iter()
        .filter(|(_, a)| a["fate"] == fate)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids.len(), 1, "one {fate} account: {ids:?}");
    ids[0].clone()
}

/// From now on, the launcher answers AccessDenied to `sts:AssumeRole` into that account.
fn refuse_the_role_of(moto: &Moto, expect: &Value, fate: &str) {
    let id = account_with(expect, fate);
    let role = format!(
        "arn:aws:iam::{id}:role/{}",
        expect["org"]["role"].as_str().expect("role")
    );
    moto.side(
        "POST",
        "/_seed/faults",
        &json!({
            "service": "sts",
            "operation": "AssumeRole",
            "params": {"RoleArn": role},
            "code": "AccessDenied",
            "status": 403,
            "message": format!("User is not authorized to perform: sts:AssumeRole on resource: {role}"),
        }),
    );
}

fn accounts(s: &Snapshot) -> BTreeMap<&str, &Account> {
    s.estate
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect()
}

#[test]
fn every_account_of_the_organization_is_listed_with_name_ou_path_tags_and_state() {
    let o = org();
    assert_eq!(o.result, Ok(()));
    let found = accounts(&o.snapshot);
    let want = seeded(&o.expect);
    let mut ids: Vec<&str> = want.keys().map(String::as_str).collect();
    ids.sort_unstable();
    assert_eq!(
        found.keys().copied().collect::<Vec<_>>(),
        ids,
        "every account, the suspended and the refused ones too"
    );
    assert!(want.len() >= 13, "{} accounts seeded", want.len());
    for (id, w) in want {
        let a = found[id.as_str()];
        assert_eq!(a.name.as_deref(), w["name"].as_str(), "{id}");
        assert_eq!(a.ou_path.as_deref(), w["ou_path"].as_str(), "{id}");
        let tags: BTreeMap<String, String> =
            serde_json::from_value(w["tags"].clone()).expect("tags");
        assert_eq!(a.tags, tags, "{id}");
        let (state, why) = match w["fate"].as_str() {
            Some("scanned") => (ScanState::Scanned, None),
            Some("refused") => (ScanState::NotScanned, Some("sts:AssumeRole: AccessDenied")),
            Some("suspended") => (
                ScanState::NotScanned,
                Some("SUSPENDED in Organizations: not scanned"),
            ),
            other => panic!("fate {other:?}"),
        };
        assert_eq!(a.scan_state, state, "{id} ({})", w["name"]);
        assert_eq!(a.scan_error.as_deref(), why, "{id} ({})", w["name"]);
        if id == MAIN_ACCOUNT {
            assert_eq!(a.assumed_role, None, "the base credentials' own account");
            assert!(a.caller_arn.is_some());
        } else if w["fate"] == "scanned" {
            assert_eq!(
                a.assumed_role.as_deref(),
                Some(format!("arn:aws:iam::{id}:role/OrganizationAccountAccessRole").as_str())
            );
            let caller = a.caller_arn.as_deref().unwrap_or_default();
            assert!(
                caller.starts_with(&format!("arn:aws:sts::{id}:assumed-role/")),
                "{caller}"
            );
        } else {
            assert_eq!(a.caller_arn, None, "{id} was never entered");
        }
    }
}

#[test]
fn every_scanned_member_has_its_own_buckets_and_verdicts() {
    let o = org();
    let mut want: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (id, w) in seeded(&o.expect) {
        if w["fate"] != "scanned" {
            continue;
        }
        for (bucket, verdict) in w["buckets"].as_object().expect("buckets") {
            let verdict = verdict.as_str().expect("verdict").to_string();
            want.insert(bucket.clone(), (id.clone(), verdict));
        }
    }
    let got: BTreeMap<String, (String, String)> = o
        .snapshot
        .estate
        .buckets
        .iter()
        .map(|b| {
            (
                b.name.clone(),
                (b.account_id.clone(), b.tls.verdict().as_str().to_string()),
            )
        })
        .collect();
    assert_eq!(
        got, want,
        "the refused account's bucket is not listed: it was never read"
    );
    let workgroups: Vec<(&str, &str)> = o
        .snapshot
        .estate
        .workgroups
        .iter()
        .filter(|w| w.name != "primary")
        .map(|w| (w.account_id.as_str(), w.name.as_str()))
        .collect();
    let mut seeded_workgroups: Vec<(&str, &str)> = seeded(&o.expect)
        .iter()
        .flat_map(|(id, w)| {
            w["workgroups"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(move |g| Some((id.as_str(), g.as_str()?)))
        })
        .collect();
    seeded_workgroups.sort();
    let mut workgroups = workgroups;
    workgroups.sort();
    assert_eq!(workgroups, seeded_workgroups);
}

#[test]
fn an_account_that_could_not_be_entered_never_passes() {
    let o = org();
    let eval = evaluate(&Catalog::builtin(), &o.snapshot.estate);
    for fate in ["refused", "suspended"] {
        let id = account_with(&o.expect, fate);
        let theirs: Vec<_> = eval
            .findings()
            .into_iter()
            .filter(|f| *f.resource.account_id == *id)
            .collect();
        let checks: std::collections::BTreeSet<&str> =
            theirs.iter().map(|f| f.check.as_ref()).collect();
        // One per check of configuration; logs are read from files, not from inside the
        // account, so the checks of observed traffic say nothing of an account without them.
        let configuration = intransit::compliance::checks::ALL.len()
            - intransit::compliance::checks::OBSERVED_TRAFFIC.len();
        assert_eq!(
            checks.len(),
            configuration,
            "{fate}: one finding per check: {checks:?}"
        );
        for f in theirs {
            assert_eq!(f.status, Status::Unknown, "{fate}: {}", f.id);
            assert!(
                f.message().contains("could not be scanned"),
                "{}",
                f.message()
            );
        }
    }
}

/// The binary: `scan --org-role NAME --exclude-accounts ID`, then `report --format csv`.
#[test]
fn cli_org_scan_narrowed_and_its_csv_carries_account_name_ou_and_tags() {
    let o = org();
    let excluded = account_with(&o.expect, "suspended");
    let sandbox_bob = seeded(&o.expect)
        .iter()
        .find(|(_, a)| a["name"] == "sandbox-bob")
        .map(|(id, _)| id.clone())
        .expect("sandbox-bob");
    let out = scratch("org-snapshot.json");
    let _ = std::fs::remove_file(&out);
    let run = Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args([
            "scan",
            "--endpoint-url",
            &o.moto.url,
            "--region",
            "us-east-1",
        ])
        .args([
            "--org-role",
            "OrganizationAccountAccessRole",
            "--ou",
            "Root/Sandbox",
        ])
        .args(["--exclude-accounts", &format!("{excluded},{sandbox_bob}")])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run intransit scan");
    assert!(
        run.status.success(),
        "intransit scan ({}):\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("the snapshot file");
    let snapshot = Snapshot::from_json("cli", &text).expect("a readable snapshot");
    let names: Vec<&str> = snapshot
        .estate
        .accounts
        .iter()
        .filter_map(|a| a.name.as_deref())
        .collect();
    assert_eq!(
        names,
        ["sandbox-alice"],
        "Root/Sandbox without the two excluded"
    );
    let report = Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(["report", "--format", "csv", "--snapshot"])
        .arg(&out)
        .output()
        .expect("run intransit report");
    let csv = String::from_utf8_lossy(&report.stdout);
    let rows = csv_support::parse_csv(&csv);
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column in {header:?}"))
    };
    let (name, ou, tags) = (col("account_name"), col("ou_path"), col("account_tags"));
    let bucket_rows: Vec<&Vec<String>> = rows[1..]
        .iter()
        .filter(|r| r.iter().any(|c| c == "org-sandbox-alice-tmp"))
        .collect();
    assert!(!bucket_rows.is_empty(), "{csv}");
    for r in bucket_rows {
        assert_eq!(r[name], "sandbox-alice");
        assert_eq!(r[ou], "Root/Sandbox");
        assert_eq!(r[tags], "env=sandbox; owner=alice");
    }
}

/// Each member's role is assumed once: the clients of an account share the scan's session
/// (the SDK's own provider would assume it again for every client and every first read).
#[test]
fn each_member_role_is_assumed_once() {
    let o = org();
    let members = seeded(&o.expect)
        .iter()
        .filter(|(id, a)| *id != MAIN_ACCOUNT && a["fate"] != "suspended")
        .count() as u64;
    assert_eq!(o.assume_role_requests, members, "on the wire");
    assert_eq!(
        o.snapshot.scan.operations.get("sts:AssumeRole").copied(),
        Some(members),
        "in the scan's own count"
    );
}

/// Organizations answered `TooManyRequestsException` to some reads; the scan retried them
/// (the accounts, OUs and tags above are complete), and no Organizations error is left.
#[test]
fn throttled_organizations_reads_are_retried_and_lose_nothing() {
    let o = org();
    let want: u64 = THROTTLED.iter().map(|(_, n)| n).sum();
    assert_eq!(o.throttled, want, "every injected throttle was hit");
    let errors: Vec<String> = o
        .snapshot
        .estate
        .errors
        .iter()
        .filter(|e| e.operation.starts_with("organizations:"))
        .map(|e| e.short())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    for (operation, _) in THROTTLED {
        let calls = o.snapshot.scan.operations[&format!("organizations:{operation}")];
        assert!(
            calls >= 2,
            "{operation}: the throttled call and its retry ({calls})"
        );
    }
}

/// The status bar's account count: every account the scan tried to enter, done when read,
/// failed when refused.
#[test]
fn the_scan_counts_its_accounts_as_it_reads_them() {
    let o = org();
    let p = o
        .snapshot
        .scan
        .progress
        .iter()
        .find(|p| p.fetcher == "accounts")
        .expect("accounts progress");
    let tried = seeded(&o.expect)
        .values()
        .filter(|a| a["fate"] != "suspended")
        .count() as u64;
    assert_eq!((p.queued, p.in_flight), (0, 0), "{p:?}");
    assert_eq!(p.done + p.failed, tried, "{p:?}");
    assert_eq!(p.failed, 1, "the refused account: {p:?}");
}
