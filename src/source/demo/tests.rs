use std::collections::{BTreeMap, HashSet};

use super::buckets::{bucket, specs};
use super::*;
use crate::model::Partition;
use crate::policy::Verdict;
use crate::store::{bucket_tls, parse_rcp};

#[test]
fn every_policy_shape_gets_the_verdict_it_was_written_for() {
    let mut wrong = Vec::new();
    for spec in specs() {
        let b = bucket(&spec);
        let got = bucket_tls(&b, Partition::Aws, &[]);
        if got.verdict != spec.shape.expected() {
            wrong.push(format!(
                "{} ({:?}): expected {}, got {} (gaps {:?}, warnings {:?}, error {:?})",
                spec.name,
                spec.shape,
                spec.shape.expected(),
                got.verdict,
                got.gaps,
                got.warnings,
                got.error
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_rcp_enforces_every_bucket_of_the_data_lake_account() {
    let rcps: Vec<_> = accounts::resource_control_policies()
        .iter()
        .map(|r| parse_rcp(r).expect("the demo RCP parses"))
        .collect();
    for spec in specs() {
        let got = bucket_tls(&bucket(&spec), Partition::Aws, &rcps);
        if spec.account == accounts::DATA_LAKE {
            assert_eq!(got.verdict, Verdict::Enforced, "{}", spec.name);
        } else {
            assert_eq!(got.verdict, spec.shape.expected(), "{}", spec.name);
        }
    }
}

#[test]
fn the_estate_is_consistent() {
    let e = estate();
    let names: HashSet<&str> = e.buckets.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), e.buckets.len(), "bucket names are unique");
    let accounts: HashSet<&str> = e.accounts.iter().map(|a| a.id.as_str()).collect();
    for b in &e.buckets {
        assert!(accounts.contains(b.account_id.as_str()), "{}", b.name);
        assert!(accounts::REGIONS.contains(&b.region.as_str()), "{}", b.name);
    }
    for w in &e.workgroups {
        if let Some(out) = &w.output_bucket {
            assert!(
                names.contains(out.as_str()),
                "workgroup {} writes to {out}",
                w.name
            );
        }
    }
    for t in &e.tables {
        if let Some(b) = &t.bucket {
            assert!(names.contains(b.as_str()), "table {} reads {b}", t.name);
        }
    }
    let mut per_verdict: BTreeMap<Verdict, usize> = BTreeMap::new();
    for s in specs() {
        *per_verdict.entry(s.shape.expected()).or_default() += 1;
    }
    let total = e.buckets.len();
    let share = |v| per_verdict.get(&v).copied().unwrap_or(0) * 100 / total;
    assert!(
        (40..=50).contains(&share(Verdict::Enforced)),
        "{per_verdict:?}"
    );
    assert!(
        (20..=30).contains(&share(Verdict::Partial)),
        "{per_verdict:?}"
    );
    assert!(
        (15..=25).contains(&share(Verdict::NotEnforced)),
        "{per_verdict:?}"
    );
    assert!(
        (7..=13).contains(&share(Verdict::Unknown)),
        "{per_verdict:?}"
    );
}

#[test]
fn latency_is_small_and_fixed() {
    assert_eq!(
        scan::latency_ms("s3:GetBucketPolicy/x"),
        scan::latency_ms("s3:GetBucketPolicy/x")
    );
    for k in [
        "a",
        "b",
        "s3:ListBuckets/111122223333",
        "athena:GetWorkGroup/x",
    ] {
        assert!((2..=15).contains(&scan::latency_ms(k)));
    }
}

/// The demo is an organization as `--org-role` finds one: at least six accounts in at least
/// three OUs, tagged, one whose role refused the scan (with that failure among the errors) and
/// one suspended; what the scan did not enter holds nothing.
#[test]
fn the_estate_is_an_organization_with_accounts_it_could_not_enter() {
    use crate::model::ScanState;
    let e = estate();
    assert!(e.accounts.len() >= 6, "{} accounts", e.accounts.len());
    let ous: HashSet<&str> = e
        .accounts
        .iter()
        .filter_map(|a| a.ou_path.as_deref())
        .collect();
    assert!(ous.len() >= 3, "{ous:?}");
    assert!(
        e.accounts
            .iter()
            .all(|a| !a.tags.is_empty() && a.name.is_some())
    );
    let refused: Vec<_> = e
        .accounts
        .iter()
        .filter(|a| a.scan_state == ScanState::NotScanned)
        .collect();
    assert_eq!(refused.len(), 2);
    for a in &refused {
        assert_eq!(a.caller_arn, None, "{} was never entered", a.id);
        assert!(e.buckets.iter().all(|b| b.account_id != a.id));
        assert!(e.workgroups.iter().all(|w| w.account_id != a.id));
    }
    let denied = refused
        .iter()
        .find(|a| a.scan_error.as_deref() == Some("sts:AssumeRole: AccessDenied"))
        .expect("an account whose role refused the scan");
    assert!(
        e.errors.iter().any(|x| x.operation == "sts:AssumeRole"
            && x.account_id.as_deref() == Some(denied.id.as_str()))
    );
    assert!(
        refused
            .iter()
            .any(|a| a.status.as_deref() == Some("SUSPENDED"))
    );
}
