//! The embedded demo estate, through the public API, as a user of `--demo` relies on it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use intransit::model::{Bucket, EndpointService, Estate, Mode, PolicyText, Snapshot};
use intransit::policy::Verdict;
use intransit::source::{SourceSpec, start};
use intransit::store::{Store, Update};

async fn demo(latency: bool) -> Store {
    start(&SourceSpec::Demo { latency })
        .await
        .expect("the demo source starts")
        .finish()
        .await
        .expect("the demo scan finishes")
}

fn verdicts<'a>(buckets: impl IntoIterator<Item = &'a Bucket>) -> BTreeMap<Verdict, usize> {
    let mut out = BTreeMap::new();
    for b in buckets {
        *out.entry(b.tls.verdict()).or_default() += 1;
    }
    out
}

fn count(map: &BTreeMap<Verdict, usize>, v: Verdict) -> usize {
    map.get(&v).copied().unwrap_or(0)
}

/// The buckets of `estate` judged by their own policies only (the RCPs left out).
fn without_rcps(estate: &Estate) -> Vec<Bucket> {
    let store = Store::new(Mode::Demo);
    store.apply_all(estate.accounts.iter().cloned().map(Update::Account));
    store.apply_all(
        estate
            .buckets
            .iter()
            .cloned()
            .map(|b| Update::Bucket(Box::new(b))),
    );
    store.read(|s| s.estate.buckets.clone())
}

#[tokio::test]
async fn the_demo_estate_has_the_shape_users_rely_on() {
    let store = demo(false).await;
    let snap: Snapshot = store.snapshot();
    let e = &snap.estate;

    // Scale.
    assert!(e.accounts.len() >= 2, "accounts: {}", e.accounts.len());
    assert!(
        snap.scan.regions.len() >= 3,
        "regions: {:?}",
        snap.scan.regions
    );
    assert!(e.buckets.len() >= 80, "buckets: {}", e.buckets.len());
    let bucket_regions: BTreeSet<&str> = e.buckets.iter().map(|b| b.region.as_str()).collect();
    assert!(bucket_regions.len() >= 3, "{bucket_regions:?}");

    // Every verdict, in sensible proportions, before and after the resource control policy.
    let before = verdicts(&without_rcps(e));
    let after = verdicts(&e.buckets);
    let total = e.buckets.len();
    for (label, map) in [("before the RCP", &before), ("after the RCP", &after)] {
        for v in [
            Verdict::Enforced,
            Verdict::Partial,
            Verdict::NotEnforced,
            Verdict::Unknown,
        ] {
            assert!(count(map, v) > 0, "{label}: no {v} bucket: {map:?}");
        }
        let enforced = count(map, Verdict::Enforced);
        assert!(
            enforced * 100 / total >= 40 && enforced * 100 / total <= 65,
            "{label}: {map:?}"
        );
        assert!(
            count(map, Verdict::Unknown) * 100 / total <= 15,
            "{label}: {map:?}"
        );
        assert!(
            count(map, Verdict::Enforced) > count(map, Verdict::Partial)
                && count(map, Verdict::Enforced) > count(map, Verdict::NotEnforced),
            "{label}: {map:?}"
        );
    }
    let share = |v| count(&before, v) * 100 / total;
    assert!((35..=55).contains(&share(Verdict::Enforced)), "{before:?}");
    assert!((15..=35).contains(&share(Verdict::Partial)), "{before:?}");
    assert!(
        (10..=30).contains(&share(Verdict::NotEnforced)),
        "{before:?}"
    );
    assert!((5..=15).contains(&share(Verdict::Unknown)), "{before:?}");
    assert!(
        count(&after, Verdict::Enforced) > count(&before, Verdict::Enforced),
        "the RCP enforces more buckets: {before:?} -> {after:?}"
    );

    // Unknown buckets say why.
    let denied = e
        .buckets
        .iter()
        .find(|b| {
            b.tls.verdict() == Verdict::Unknown
                && b.tls.error().as_deref() == Some("s3:GetBucketPolicy: AccessDenied")
        })
        .expect("an unreadable bucket reports s3:GetBucketPolicy: AccessDenied");
    assert_eq!(denied.policy, PolicyText::Unreadable);
    assert!(
        e.buckets
            .iter()
            .filter(|b| b.tls.verdict() == Verdict::Unknown)
            .all(|b| b.tls.error().is_some())
    );
    assert!(
        e.buckets.iter().any(|b| b.tls.verdict() == Verdict::Unknown
            && b.tls
                .error()
                .as_deref()
                .is_some_and(|m| m.contains("malformed"))),
        "a malformed policy is unknown"
    );
    assert!(
        e.buckets
            .iter()
            .all(|b| b.tls.error().as_deref() != Some("not analyzed")),
        "every bucket was analyzed"
    );
}

#[tokio::test]
async fn one_account_is_covered_by_the_rcp_and_another_is_not() {
    let store = demo(false).await;
    let e = store.read(|s| s.estate.clone());

    assert_eq!(e.resource_control_policies.len(), 1);
    let rcp = &e.resource_control_policies[0];
    assert!(rcp.content.contains("aws:SecureTransport"));
    assert!(rcp.targets.iter().any(|t| t.starts_with("ou-")));
    let covered: BTreeSet<&str> = rcp.account_ids.iter().map(String::as_str).collect();
    assert_eq!(covered.len(), 1);
    let uncovered: Vec<&str> = e
        .accounts
        .iter()
        .map(|a| a.id.as_str())
        .filter(|a| !covered.contains(a))
        .collect();
    assert!(!uncovered.is_empty(), "some account is outside the RCP");

    let by_rcp_only = |b: &&Bucket| {
        let sources = b.tls.enforcing_sources();
        b.tls.verdict() == Verdict::Enforced
            && !sources.is_empty()
            && sources
                .iter()
                .all(|s| serde_json::to_value(s).unwrap()["source"] == "resource_control_policy")
    };
    let rcp_only: Vec<&Bucket> = e.buckets.iter().filter(by_rcp_only).collect();
    assert!(
        !rcp_only.is_empty(),
        "some bucket is enforced only by the RCP"
    );
    assert!(
        rcp_only
            .iter()
            .all(|b| covered.contains(b.account_id.as_str()))
    );
    assert!(
        rcp_only.iter().any(|b| b.policy == PolicyText::None),
        "a bucket without a policy is enforced by the RCP"
    );
    assert!(
        rcp_only.iter().any(|b| b.policy == PolicyText::Unreadable
            && b.errors
                .iter()
                .any(|err| err.short() == "s3:GetBucketPolicy: AccessDenied")),
        "the RCP decides even when the bucket policy cannot be read"
    );
    // Every bucket in the covered account is enforced; the uncovered accounts keep their gaps.
    for b in &e.buckets {
        if covered.contains(b.account_id.as_str()) {
            assert_eq!(b.tls.verdict(), Verdict::Enforced, "{}", b.name);
        }
    }
    let uncovered_no_policy = e
        .buckets
        .iter()
        .filter(|b| uncovered.contains(&b.account_id.as_str()) && b.policy == PolicyText::None)
        .collect::<Vec<_>>();
    assert!(!uncovered_no_policy.is_empty());
    assert!(
        uncovered_no_policy
            .iter()
            .all(|b| b.tls.verdict() == Verdict::NotEnforced)
    );
}

#[tokio::test]
async fn athena_workgroups_tables_and_the_headline_finding() {
    let store = demo(false).await;
    let e = store.read(|s| s.estate.clone());

    assert!(
        e.workgroups.len() >= 6,
        "workgroups: {}",
        e.workgroups.len()
    );
    let enforce: BTreeSet<bool> = e
        .workgroups
        .iter()
        .map(|w| w.enforce_configuration)
        .collect();
    assert_eq!(enforce.len(), 2, "both enforce_configuration values");
    let encryption: BTreeSet<Option<&str>> = e
        .workgroups
        .iter()
        .map(|w| w.result_encryption.as_deref())
        .collect();
    assert!(encryption.contains(&Some("SSE_S3")) && encryption.contains(&Some("SSE_KMS")));
    assert!(encryption.contains(&None));
    let wg_regions: BTreeSet<&str> = e.workgroups.iter().map(|w| w.region.as_str()).collect();
    assert!(wg_regions.len() >= 3);

    // The headline: query results written to buckets that accept plain HTTP.
    let leaky: Vec<&Bucket> = e
        .buckets
        .iter()
        .filter(|b| {
            matches!(b.tls.verdict(), Verdict::NotEnforced | Verdict::Partial)
                && !b.athena.result_workgroups.is_empty()
        })
        .collect();
    assert!(
        leaky.len() >= 2,
        "result buckets accepting HTTP: {}",
        leaky.len()
    );
    assert!(
        leaky
            .iter()
            .any(|b| b.tls.verdict() == Verdict::NotEnforced)
    );
    // And at least one result bucket that is protected.
    assert!(
        e.buckets
            .iter()
            .any(|b| b.tls.verdict() == Verdict::Enforced && !b.athena.result_workgroups.is_empty())
    );
    for w in &e.workgroups {
        if let Some(out) = &w.output_bucket {
            let b = e
                .buckets
                .iter()
                .find(|b| &b.name == out)
                .expect("result bucket exists");
            assert!(b.athena.result_workgroups.contains(&w.key()), "{}", w.key());
        }
    }

    // Tables and catalogs.
    assert!(e.tables.len() >= 30, "tables: {}", e.tables.len());
    let databases: BTreeSet<&str> = e.tables.iter().map(|t| t.database.as_str()).collect();
    assert!(databases.len() >= 4, "{databases:?}");
    let data_buckets: Vec<&Bucket> = e
        .buckets
        .iter()
        .filter(|b| b.athena.table_count > 0)
        .collect();
    assert!(data_buckets.len() >= 10);
    assert!(data_buckets.iter().any(|b| b.name.starts_with("datalake-")));
    assert!(
        data_buckets
            .iter()
            .any(|b| matches!(b.tls.verdict(), Verdict::NotEnforced | Verdict::Partial)),
        "some tables live in buckets that accept plain HTTP"
    );
    let table_total: usize = e.buckets.iter().map(|b| b.athena.table_count).sum();
    assert_eq!(
        table_total,
        e.tables.iter().filter(|t| t.bucket.is_some()).count()
    );
    assert!(
        e.catalogs
            .iter()
            .any(|c| c.kind == "GLUE" && c.name == "AwsDataCatalog")
    );
    assert!(e.catalogs.iter().any(|c| c.kind == "LAMBDA"));
}

#[tokio::test]
async fn the_hostile_description_is_kept_raw_in_the_model() {
    let store = demo(false).await;
    let e = store.read(|s| s.estate.clone());
    let hostile = e
        .workgroups
        .iter()
        .filter_map(|w| w.description.as_deref())
        .find(|d| d.contains('\u{1b}'))
        .expect("a workgroup description with escape sequences");
    assert!(hostile.contains("\u{1b}]52;"), "OSC 52 clipboard write");
    assert!(hostile.contains("\u{1b}[2J"), "clear screen");
    assert!(hostile.contains('\u{7}'));
}

#[tokio::test]
async fn the_network_path_has_good_and_bad_links() {
    let store = demo(false).await;
    let e = store.read(|s| s.estate.clone());
    let c = &e.connectivity;

    let tunnels: Vec<_> = c.vpn_connections.iter().flat_map(|v| &v.tunnels).collect();
    assert!(
        tunnels.iter().any(|t| t.status == "DOWN"),
        "a tunnel is down"
    );
    assert!(
        tunnels.iter().any(|t| t.status == "UP"
            && t.phase1_integrity.iter().any(|i| i == "SHA1")
            && t.phase1_dh_groups.contains(&2)),
        "a tunnel is up with SHA1 / DH group 2"
    );
    assert!(tunnels.iter().any(|t| t.status == "UP"
        && t.ike_versions == ["ikev2"]
        && t.phase1_encryption.iter().any(|x| x == "AES256-GCM-16")));
    for v in &c.vpn_connections {
        let attached = v
            .transit_gateway_id
            .as_ref()
            .map(|id| c.transit_gateways.iter().any(|t| &t.id == id));
        let on_vgw = v
            .vpn_gateway_id
            .as_ref()
            .map(|id| c.vpn_gateways.iter().any(|g| &g.id == id));
        assert!(
            attached == Some(true) || on_vgw == Some(true),
            "{} attaches to a known gateway",
            v.id
        );
    }

    assert!(
        c.dx_connections
            .iter()
            .any(|d| !d.macsec_capable && !d.macsec_enforced())
    );
    assert!(c.dx_connections.iter().any(
        |d| d.macsec_enforced() && d.port_encryption_status.as_deref() == Some("Encryption Up")
    ));
    let kinds: BTreeSet<&str> = c
        .dx_virtual_interfaces
        .iter()
        .map(|v| v.kind.as_str())
        .collect();
    assert!(kinds.contains("private") && kinds.contains("transit"));

    let endpoints =
        |s: EndpointService| c.vpc_endpoints.iter().filter(move |e| e.service == Some(s));
    assert!(endpoints(EndpointService::Athena).count() >= 2);
    assert!(endpoints(EndpointService::Athena).any(|e| e.private_dns_enabled));
    assert!(endpoints(EndpointService::Athena).any(|e| !e.private_dns_enabled));
    assert!(endpoints(EndpointService::S3).any(|e| e.endpoint_type == "Gateway"));
    assert!(endpoints(EndpointService::S3).any(|e| e.endpoint_type == "Interface"));
    for s in [
        EndpointService::Glue,
        EndpointService::Kms,
        EndpointService::Sts,
    ] {
        assert!(endpoints(s).count() > 0, "{s:?}");
    }
    // A region with workgroups and no Athena endpoint.
    assert!(
        e.workgroups
            .iter()
            .any(|w| !c.vpc_endpoints.iter().any(|ep| {
                ep.service == Some(EndpointService::Athena)
                    && ep.region == w.region
                    && ep.account_id == w.account_id
            }))
    );
    for ep in c.vpc_endpoints.iter().filter_map(|e| e.policy.as_deref()) {
        serde_json::from_str::<serde_json::Value>(ep).expect("endpoint policies are JSON");
    }

    // A partially unreachable service, not fatal.
    assert!(!e.errors.is_empty());
}

#[tokio::test]
async fn every_fetcher_finishes() {
    let store = demo(false).await;
    store.read(|s| {
        assert!(s.idle());
        assert!(s.meta.started_at.is_some() && s.meta.finished_at.is_some());
        assert!(s.meta.duration_ms.is_some());
        assert_eq!(s.meta.mode, Mode::Demo);
        let names: BTreeSet<&str> = s.progress.keys().map(String::as_str).collect();
        for f in [
            "sts",
            "s3",
            "athena",
            "ec2",
            "directconnect",
            "organizations",
        ] {
            assert!(names.contains(f), "fetcher {f} reported progress");
        }
        for p in s.progress.values() {
            assert_eq!(p.queued, 0, "{}", p.fetcher);
            assert_eq!(p.in_flight, 0, "{}", p.fetcher);
            assert!(p.done > 0, "{}", p.fetcher);
        }
        let failed: u64 = s.progress.values().map(|p| p.failed).sum();
        assert!(failed > 0, "the demo shows failed calls");
    });
}

#[tokio::test]
async fn the_demo_is_deterministic() {
    let a = demo(false).await.snapshot();
    let b = demo(false).await.snapshot();
    assert_eq!(a.estate, b.estate);
    assert_eq!(a.scan.regions, b.scan.regions);
    assert_eq!(a.scan.progress, b.scan.progress);
    // With simulated latency the calls interleave differently, the result does not.
    let c = demo(true).await.snapshot();
    assert_eq!(a.estate, c.estate);
}

#[tokio::test]
async fn the_demo_with_latency_finishes_quickly() {
    let clock = Instant::now();
    let store = demo(true).await;
    let elapsed = clock.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "demo scan took {elapsed:?}"
    );
    store.read(|s| {
        assert!(s.idle());
        assert!(s.estate.buckets.len() >= 80);
        assert!(s.meta.duration_ms.is_some_and(|ms| ms < 2000));
    });
    assert!(
        store.version() < 1000,
        "updates are batched: version {}",
        store.version()
    );
}
