//! End to end against moto: the real AWS source (and the real `intransit scan` binary) read a
//! seeded estate over HTTP from `tests/e2e/moto_launcher.py`; nothing of ours is mocked.
//!
//! Needs Python with moto (`INTRANSIT_E2E_PYTHON`, or `.venv-e2e`, created on first use from
//! `tests/e2e/requirements.txt`). When none can be had the tests fail with the reason.

mod e2e_support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use e2e_support::{MAIN_ACCOUNT, Moto, REGIONS, SECOND_ACCOUNT, options, scan, scratch};
use intransit::model::{Bucket, PolicyText, SNAPSHOT_SCHEMA, Snapshot};
use intransit::source::aws::{OPERATIONS, iam_actions};
use serde_json::{Value, json};

const MAIN_ROLE: &str = "arn:aws:iam::123456789012:role/intransit-audit";
const SECOND_ROLE: &str = "arn:aws:iam::222222222222:role/intransit-audit";

/// One launcher with the seeded estate, scanned once through both audit roles; shared by
/// the tests that only read it.
struct Estate {
    moto: Moto,
    expect: Value,
    result: Result<(), String>,
    snapshot: Snapshot,
    took: Duration,
}

fn estate() -> &'static Estate {
    static ESTATE: OnceLock<Estate> = OnceLock::new();
    ESTATE.get_or_init(|| {
        let moto = Moto::start();
        let expect = moto.seed(&[]);
        // With the context (`--context`): this scan checks every read the scanner can make.
        let mut opts = options(&moto.url, &[MAIN_ROLE, SECOND_ROLE]);
        opts.context = true;
        let (result, snapshot, took) = scan(opts);
        eprintln!("estate scan took {took:?}");
        Estate {
            moto,
            expect,
            result: result.map_err(|e| e.to_string()),
            snapshot,
            took,
        }
    })
}

fn bucket<'a>(s: &'a Snapshot, name: &str) -> &'a Bucket {
    s.estate
        .buckets
        .iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("bucket {name} missing from the snapshot"))
}

fn str_of<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("expectation {what} is not a string: {v}"))
}

#[test]
fn scan_reports_the_seeded_estate() {
    let e = estate();
    let s = &e.snapshot;
    assert_eq!(e.result, Ok(()), "the scan failed");
    assert!(s.scan.finished_at.is_some() && s.scan.started_at.is_some());
    assert!(e.took < Duration::from_secs(120), "scan took {:?}", e.took);

    // Nothing failed: no estate error, no bucket or workgroup error, but for the policy text
    // that is not JSON (moto stores it; S3 would not, so it is read as a damaged answer).
    assert!(
        s.estate.errors.is_empty(),
        "estate errors: {:#?}",
        s.estate.errors
    );
    for b in s
        .estate
        .buckets
        .iter()
        .filter(|b| b.name != "it-invalid-json")
    {
        assert!(b.errors.is_empty(), "{}: {:#?}", b.name, b.errors);
    }
    for w in &s.estate.workgroups {
        assert!(w.errors.is_empty(), "{}: {:#?}", w.name, w.errors);
    }
    for p in &s.scan.progress {
        assert!(p.finished(), "fetcher still busy: {p:?}");
        assert_eq!(p.failed, 0, "failed calls: {p:?}");
    }

    // Accounts: both reached through AssumeRole (the base account is not scanned on its own).
    let accounts: BTreeMap<&str, _> = s
        .estate
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    assert_eq!(
        accounts.keys().copied().collect::<Vec<_>>(),
        [MAIN_ACCOUNT, SECOND_ACCOUNT]
    );
    assert_eq!(
        accounts[MAIN_ACCOUNT].assumed_role.as_deref(),
        Some(MAIN_ROLE)
    );
    assert_eq!(
        accounts[SECOND_ACCOUNT].assumed_role.as_deref(),
        Some(SECOND_ROLE)
    );
    let caller = accounts[SECOND_ACCOUNT].caller_arn.as_deref();
    assert!(
        caller.is_some_and(|arn| arn.contains(":assumed-role/intransit-audit/")),
        "{caller:?}"
    );
    let mut regions: Vec<&str> = REGIONS.to_vec();
    regions.sort();
    assert_eq!(s.scan.regions, regions);

    // Every seeded bucket, with its region, account and verdict; nothing else.
    let seeded = e.expect["buckets"].as_object().expect("buckets");
    let found: BTreeSet<&str> = s.estate.buckets.iter().map(|b| b.name.as_str()).collect();
    let wanted: BTreeSet<&str> = seeded.keys().map(String::as_str).collect();
    assert_eq!(found, wanted);
    let mut wrong = Vec::new();
    for (name, x) in seeded {
        let b = bucket(s, name);
        assert_eq!(b.region, str_of(&x["region"], "region"), "{name} region");
        assert_eq!(
            b.account_id,
            str_of(&x["account"], "account"),
            "{name} account"
        );
        let verdict = b.tls.verdict().as_str();
        let min_tls = b.tls.min_tls().map(|v| v.as_str());
        if verdict != str_of(&x["verdict"], "verdict") || min_tls != x["min_tls"].as_str() {
            wrong.push(format!(
                "{name}: got {verdict} (min TLS {min_tls:?}), seeded {} (min TLS {}): {}",
                x["verdict"], x["min_tls"], x["why"]
            ));
        }
        let has_policy = x["has_policy"].as_bool().unwrap_or(false);
        match (&b.policy, has_policy) {
            (PolicyText::Present { .. }, true) | (PolicyText::None, false) => {}
            // Text that is not JSON is no policy S3 would hold: an unreadable answer.
            (PolicyText::Unreadable, true) if name == "it-invalid-json" => {}
            (other, _) => {
                panic!("{name}: policy read as {other:?}, seeded has_policy={has_policy}")
            }
        }
        assert!(b.creation_date.is_some(), "{name} creation date");
    }
    assert!(
        wrong.is_empty(),
        "verdicts differ from the seeded expectations:\n{}",
        wrong.join("\n")
    );

    // The policy text that is not JSON: unknown, and it says why.
    let bad = bucket(s, "it-invalid-json");
    assert_eq!(bad.tls.verdict().as_str(), "unknown");
    let why = bad.tls.error().unwrap_or_default();
    assert!(
        why.contains("s3:GetBucketPolicy: 200 response is not a JSON document"),
        "{why}"
    );

    // Bucket settings beyond the policy.
    let pab = bucket(s, "it-canonical-deny-http")
        .public_access_block
        .clone();
    assert!(
        pab.is_some_and(|p| p.all_on()),
        "public access block not read"
    );
    assert_eq!(bucket(s, "it-no-policy").public_access_block, None);
    assert_eq!(bucket(s, "it-no-policy").policy_is_public, Some(false));
    let enc = bucket(s, "it-athena-results-enforced")
        .encryption
        .clone()
        .expect("encryption");
    assert_eq!(enc.algorithm, "aws:kms");
    assert!(enc.bucket_key_enabled && enc.kms_key_id.is_some());
    let enc = bucket(s, "it-no-policy")
        .encryption
        .clone()
        .expect("default encryption");
    assert_eq!(enc.algorithm, "AES256");
    assert_eq!(
        bucket(s, "it-allow-only-securetransport").policy_is_public,
        Some(true)
    );

    // Athena: workgroups, result buckets, tables.
    let seeded_wgs = e.expect["athena"]["workgroups"]
        .as_object()
        .expect("workgroups");
    for (name, x) in seeded_wgs {
        let w = s
            .estate
            .workgroups
            .iter()
            .find(|w| w.name == *name && w.account_id == MAIN_ACCOUNT && w.region == "us-east-1")
            .unwrap_or_else(|| panic!("workgroup {name} missing"));
        assert_eq!(
            w.enforce_configuration,
            x["enforce"].as_bool().unwrap_or(false),
            "{name} enforce"
        );
        assert_eq!(
            w.output_location.as_deref(),
            x["output_location"].as_str(),
            "{name} output"
        );
        assert_eq!(
            w.output_bucket.as_deref(),
            x["output_bucket"].as_str(),
            "{name} output bucket"
        );
        if let Some(enc) = x.get("encryption") {
            assert_eq!(
                w.result_encryption.as_deref(),
                enc.as_str(),
                "{name} encryption"
            );
        }
        if let Some(owner) = x.get("expected_bucket_owner") {
            assert_eq!(
                w.expected_bucket_owner.as_deref(),
                owner.as_str(),
                "{name} owner"
            );
        }
        if let Some(engine) = x.get("engine") {
            assert_eq!(
                w.engine_version.as_deref(),
                engine.as_str(),
                "{name} engine"
            );
        }
    }
    let enforced = &bucket(s, "it-athena-results-enforced").athena;
    assert_eq!(enforced.result_workgroups, ["us-east-1/it-enforced"]);
    assert_eq!(
        bucket(s, "it-athena-results-adhoc")
            .athena
            .result_workgroups,
        ["us-east-1/it-adhoc"]
    );
    assert!(
        s.estate
            .catalogs
            .iter()
            .any(|c| c.name == "AwsDataCatalog" && c.kind == "GLUE")
    );
    // Table counts per bucket, from the seeded table locations.
    let mut tables_per_bucket: BTreeMap<String, usize> = BTreeMap::new();
    let mut seeded_tables = 0;
    for tables in e.expect["athena"]["databases"]
        .as_object()
        .expect("databases")
        .values()
    {
        for location in tables.as_object().expect("tables").values() {
            let b = intransit::model::bucket_of_location(str_of(location, "location"))
                .expect("s3 location");
            *tables_per_bucket.entry(b).or_default() += 1;
            seeded_tables += 1;
        }
    }
    assert_eq!(s.estate.tables.len(), seeded_tables, "tables");
    for (b, n) in &tables_per_bucket {
        assert_eq!(bucket(s, b).athena.table_count, *n, "{b} table count");
    }
    assert_eq!(tables_per_bucket["it-datalake-raw"], 61);
    assert!(bucket(s, "it-b-shared-lake").athena.in_data_path());

    // Connectivity.
    let net = &e.expect["network"];
    let c = &s.estate.connectivity;
    let services: BTreeSet<&str> = c
        .vpc_endpoints
        .iter()
        .filter_map(|v| v.service.map(|x| x.as_str()))
        .collect();
    for svc in ["athena", "s3", "glue", "sts", "kms"] {
        assert!(
            services.contains(svc),
            "no VPC endpoint for {svc}: {services:?}"
        );
    }
    assert_eq!(
        c.vpc_endpoints.len(),
        net["vpc_endpoints"].as_array().map_or(0, Vec::len)
    );
    let s3_gateway = c
        .vpc_endpoints
        .iter()
        .find(|v| v.service_name.ends_with(".s3"))
        .expect("s3 endpoint");
    assert_eq!(s3_gateway.endpoint_type, "Gateway");
    assert!(
        s3_gateway
            .policy
            .as_deref()
            .is_some_and(|p| p.contains("it-*"))
    );
    for (id, x) in net["vpn_connections"].as_object().expect("vpns") {
        let v = c
            .vpn_connections
            .iter()
            .find(|v| v.id == *id)
            .unwrap_or_else(|| panic!("VPN {id} missing"));
        assert_eq!(v.name.as_deref(), x["name"].as_str());
        let tunnels = x["tunnels"].as_array().expect("tunnels");
        assert_eq!(v.tunnels.len(), tunnels.len(), "{id} tunnels");
        for (t, xt) in v.tunnels.iter().zip(tunnels) {
            assert_eq!(
                t.status,
                str_of(&xt["status"], "status"),
                "{id} tunnel status"
            );
        }
    }
    let branch = c
        .vpn_connections
        .iter()
        .find(|v| v.name.as_deref() == Some("it-branch-office"))
        .expect("branch VPN");
    assert_eq!(branch.tunnels[1].status, "DOWN");
    let weak = &branch.tunnels[0];
    assert_eq!(weak.ike_versions, ["ikev1"]);
    assert_eq!(weak.phase1_encryption, ["AES128"]);
    assert_eq!(weak.phase1_integrity, ["SHA1"]);
    assert_eq!(weak.phase1_dh_groups, [2]);
    assert_eq!(weak.phase2_dh_groups, [2]);
    assert_eq!(branch.tunnels[1].phase1_dh_groups, [20]);
    assert!(branch.vpn_gateway_id.is_some());
    let tgw_vpn = c
        .vpn_connections
        .iter()
        .find(|v| v.name.as_deref() == Some("it-dc-tgw"))
        .expect("TGW VPN");
    assert!(tgw_vpn.transit_gateway_id.is_some());
    assert_eq!(c.vpn_gateways.len(), 1);
    assert!(!c.vpn_gateways[0].attached_vpcs.is_empty());
    assert_eq!(c.transit_gateways.len(), 1);
    assert_eq!(
        c.transit_gateways[0].description.as_deref(),
        Some("it-core-tgw")
    );

    for (id, x) in e.expect["directconnect"]["connections"]
        .as_object()
        .expect("dx")
    {
        let d = c
            .dx_connections
            .iter()
            .find(|d| d.id == *id)
            .unwrap_or_else(|| panic!("DX {id} missing"));
        assert_eq!(d.name, str_of(&x["name"], "name"));
        assert_eq!(
            d.macsec_capable,
            x["macsec_capable"].as_bool().unwrap_or(true),
            "{id} MACsec"
        );
        assert_eq!(
            d.encryption_mode.as_deref(),
            x["encryption_mode"].as_str(),
            "{id} mode"
        );
        assert_eq!(
            d.port_encryption_status.as_deref(),
            x["port_encryption_status"].as_str(),
            "{id} port"
        );
    }
    let plain = c
        .dx_connections
        .iter()
        .find(|d| d.name == "it-dx-primary")
        .expect("plain DX");
    assert!(!plain.macsec_capable && !plain.macsec_enforced());
    let vifs = e.expect["directconnect"]["virtual_interfaces"]
        .as_object()
        .expect("vifs");
    assert_eq!(c.dx_virtual_interfaces.len(), vifs.len());
    for (id, x) in vifs {
        let v = c
            .dx_virtual_interfaces
            .iter()
            .find(|v| v.id == *id)
            .unwrap_or_else(|| panic!("VIF {id} missing"));
        assert_eq!(v.kind, str_of(&x["type"], "type"));
        assert_eq!(v.connection_id.as_deref(), x["connection"].as_str());
    }

    // Organizations: both RCPs, targets resolved to accounts.
    let rcps = &s.estate.resource_control_policies;
    for (id, x) in e.expect["organizations"]["rcps"].as_object().expect("rcps") {
        let r = rcps
            .iter()
            .find(|r| r.id == *id)
            .unwrap_or_else(|| panic!("RCP {id} missing"));
        assert_eq!(r.name, str_of(&x["name"], "name"));
        assert!(!r.content.is_empty());
        if let Some(targets) = x["targets"].as_array() {
            let t: Vec<&str> = targets.iter().filter_map(Value::as_str).collect();
            assert_eq!(r.targets, t);
            // An OU with no account in it.
            assert!(r.account_ids.is_empty(), "{:?}", r.account_ids);
        }
    }
    let full = rcps
        .iter()
        .find(|r| r.id == "p-RCPFullAWSAccess")
        .expect("RCPFullAWSAccess");
    // Attached to the root, whose only account is the management account: RCPs never govern
    // resources there, so no account is credited with it.
    assert_eq!(
        e.expect["organizations"]["management_account"].as_str(),
        Some(MAIN_ACCOUNT)
    );
    assert!(full.account_ids.is_empty(), "{:?}", full.account_ids);

    // Calls were counted, per operation.
    assert!(s.scan.api_calls > 0);
    let ops = &s.scan.operations;
    assert_eq!(ops.values().sum::<u64>(), s.scan.api_calls);
    assert_eq!(ops["s3:GetBucketPolicy"], seeded.len() as u64);
    assert_eq!(ops["sts:AssumeRole"], 2);
    // One call per database and page: `default` in 3 regions x 2 accounts, sales, events
    // (60 tables: 2 pages) and eu_analytics.
    assert_eq!(ops["athena:ListTableMetadata"], 6 + 1 + 2 + 1);
}

/// Every operation the scan called maps to IAM actions that are all reads and all granted by
/// docs/iam-policy.json, and the policy grants nothing the scan does not use.
#[test]
fn every_call_is_a_read_granted_by_the_published_policy() {
    let e = estate();
    let path = e2e_support::manifest_dir()
        .join("docs")
        .join("iam-policy.json");
    let text = std::fs::read_to_string(&path).expect("docs/iam-policy.json");
    let policy: Value = serde_json::from_str(&text).expect("docs/iam-policy.json is JSON");
    assert_eq!(policy["Version"], "2012-10-17");
    let mut granted: BTreeSet<String> = BTreeSet::new();
    for st in policy["Statement"].as_array().expect("Statement array") {
        assert_eq!(st["Effect"], "Allow", "{st}");
        assert!(st.get("NotAction").is_none(), "{st}");
        let actions: Vec<&str> = match &st["Action"] {
            Value::String(a) => vec![a.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            other => panic!("Action {other}"),
        };
        for a in actions {
            assert!(!a.contains('*'), "wildcard action {a}");
            granted.insert(a.to_string());
        }
    }
    let is_read = |action: &str| {
        let (_, name) = action.split_once(':').expect("service:Action");
        name.starts_with("Get")
            || name.starts_with("List")
            || name.starts_with("Describe")
            // CloudTrail's read of recorded events.
            || action == "cloudtrail:LookupEvents"
            || action == "sts:GetCallerIdentity"
            || action == "sts:AssumeRole"
    };
    assert!(!e.snapshot.scan.operations.is_empty());
    for op in e.snapshot.scan.operations.keys() {
        let actions = iam_actions(op).unwrap_or_else(|| panic!("{op} has no IAM mapping"));
        for a in actions {
            assert!(is_read(a), "{op} needs {a}, not a read");
            assert!(
                granted.contains(*a),
                "{op} needs {a}, missing from docs/iam-policy.json"
            );
        }
    }
    let needed: BTreeSet<String> = OPERATIONS
        .iter()
        .flat_map(|(_, actions)| actions.iter().map(|a| a.to_string()))
        .collect();
    assert_eq!(
        granted, needed,
        "docs/iam-policy.json must grant exactly the scan's actions"
    );
    for a in &granted {
        assert!(is_read(a), "{a} is not a read");
    }
}

/// The binary: `intransit scan --endpoint-url URL --region us-east-1 --out FILE`.
#[test]
fn cli_scan_writes_a_v1_snapshot() {
    let e = estate();
    let out = scratch("cli-snapshot.json");
    let _ = std::fs::remove_file(&out);
    let run = Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args([
            "scan",
            "--endpoint-url",
            &e.moto.url,
            "--region",
            "us-east-1",
            "--out",
        ])
        .arg(&out)
        .args(["--format", "json"])
        .output()
        .expect("run intransit scan");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !stderr.contains("built without AWS support"),
        "{} was rebuilt without the \"aws\" feature after cargo built it for this test (a \
         concurrent `cargo build --no-default-features` in the same target directory); rerun",
        env!("CARGO_BIN_EXE_intransit")
    );
    // 3: the policy text that is not JSON is a failed read (see the estate test).
    assert_eq!(
        run.status.code(),
        Some(3),
        "intransit scan ({}):\n{}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stderr.contains("incomplete scan: 1 read failed on 1 resource"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&out).expect("the snapshot file");
    let value: Value = serde_json::from_str(&text).expect("JSON snapshot");
    assert_eq!(value["schema"], SNAPSHOT_SCHEMA);
    assert_eq!(value["schema"], "intransit.snapshot/v1");
    assert_eq!(value["scan"]["mode"], "live");
    assert_eq!(value["scan"]["regions"], json!(["us-east-1"]));
    let snapshot = Snapshot::from_json("cli", &text).expect("a readable snapshot");
    // No role: the base credentials' account only.
    let ids: Vec<&str> = snapshot
        .estate
        .accounts
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, [MAIN_ACCOUNT]);
    assert_eq!(snapshot.estate.accounts[0].assumed_role, None);
    let main_buckets = e.expect["buckets"]
        .as_object()
        .expect("buckets")
        .values()
        .filter(|b| b["account"] == MAIN_ACCOUNT)
        .count();
    assert_eq!(snapshot.estate.buckets.len(), main_buckets);
    assert!(snapshot.scan.api_calls > 0);
    assert!(
        snapshot.estate.errors.is_empty(),
        "{:#?}",
        snapshot.estate.errors
    );
    // The file keeps each bucket's verdict (loading derives the whole analysis again).
    let written = value["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .find(|b| b["name"] == "it-canonical-deny-http")
        .expect("the canonical bucket");
    assert_eq!(written["tls"]["verdict"], "enforced", "{written:#}");
    let loaded = intransit::store::Store::from_snapshot(snapshot);
    let verdict = loaded.read(|s| s.bucket("it-canonical-deny-http").map(|b| b.tls.verdict()));
    assert_eq!(verdict, Some(intransit::policy::Verdict::Enforced));
}

/// The default scan reads what verdicts and checks need: one call per bucket (ListBuckets
/// carries each bucket's region), and says the context was not read.
#[test]
fn the_default_scan_makes_one_call_per_bucket() {
    let moto = Moto::start();
    let expect = moto.seed(&["--buckets", "12"]);
    let mut opts = options(&moto.url, &[]);
    opts.regions = vec!["us-east-1".to_string()];
    let (result, s, _) = scan(opts);
    assert!(result.is_ok(), "{result:?}");
    let ops = &s.scan.operations;
    let per_bucket: u64 = ops
        .iter()
        .filter(|(op, _)| op.starts_with("s3:") && op.as_str() != "s3:ListBuckets")
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(per_bucket, 12, "{ops:?}");
    assert_eq!(ops["s3:GetBucketPolicy"], 12);
    for (name, x) in expect["buckets"].as_object().expect("buckets") {
        let b = bucket(&s, name);
        assert_eq!(
            b.tls.verdict().as_str(),
            str_of(&x["verdict"], "verdict"),
            "{name}"
        );
        assert_eq!(b.context, intransit::model::ContextRead::NotRead, "{name}");
        assert_eq!(b.encryption, None, "{name}");
    }
}

/// Faults injected by the launcher: a denied policy read, throttling and a 500 that the
/// retries absorb, a whole service denied and one too slow to answer. The scan
/// completes and records each failure where it belongs.
#[test]
fn failures_are_recorded_and_the_scan_completes() {
    let moto = Moto::start();
    let expect = moto.seed(&["--buckets", "6"]);
    let faults = [
        json!({"service": "s3", "operation": "GetBucketPolicy", "bucket": "bench-00000",
               "code": "AccessDenied", "status": 403, "message": "Access Denied"}),
        json!({"service": "s3", "operation": "GetBucketPolicy", "bucket": "bench-00002",
               "code": "SlowDown", "status": 503, "message": "Please reduce your request rate.", "times": 2}),
        json!({"service": "athena", "operation": "ListWorkGroups",
               "code": "ThrottlingException", "status": 400, "message": "Rate exceeded", "times": 1}),
        json!({"service": "ec2", "operation": "DescribeTransitGateways",
               "code": "InternalError", "status": 500, "times": 1}),
        json!({"service": "directconnect", "operation": "DescribeConnections",
               "code": "AccessDeniedException", "status": 400, "message": "not authorized"}),
        json!({"service": "ec2", "operation": "DescribeVpnConnections", "delay": 10.0}),
        json!({"service": "athena", "operation": "GetWorkGroup",
               "code": "AccessDeniedException", "status": 400, "message": "not authorized"}),
    ];
    for f in &faults {
        moto.side("POST", "/_seed/faults", f);
    }
    let mut opts = options(&moto.url, &[]);
    opts.context = true;
    // One region, so each whole-service fault is one estate error.
    opts.regions = vec!["us-east-1".to_string()];
    // Long enough that two throttling retries with backoff fit in the operation's budget
    // (3 attempts' worth) on a loaded machine, short enough that the 10 s VPN delay times
    // out every attempt.
    opts.call_timeout = Duration::from_secs(3);
    let (result, s, took) = scan(opts);
    eprintln!("fault scan took {took:?}");
    assert!(result.is_ok(), "{result:?}");
    assert!(s.scan.finished_at.is_some());

    // Every seeded bucket is there; the denied one is unknown and says why.
    assert_eq!(
        s.estate.buckets.len(),
        expect["buckets"].as_object().map_or(0, |b| b.len())
    );
    let denied = bucket(&s, "bench-00000");
    assert_eq!(denied.policy, PolicyText::Unreadable);
    assert_eq!(denied.tls.verdict().as_str(), "unknown");
    let why = denied.tls.error().unwrap_or_default();
    assert!(why.contains("s3:GetBucketPolicy: AccessDenied"), "{why}");
    assert_eq!(denied.errors.len(), 1, "{:#?}", denied.errors);
    assert_eq!(denied.errors[0].short(), "s3:GetBucketPolicy: AccessDenied");
    assert_eq!(denied.errors[0].resource.as_deref(), Some("bench-00000"));
    // The other reads of that bucket still happened.
    assert!(denied.encryption.is_some());

    // Throttled twice, then read: the verdict is the real one.
    let throttled = bucket(&s, "bench-00002");
    assert!(throttled.errors.is_empty(), "{:#?}", throttled.errors);
    assert_eq!(throttled.tls.verdict().as_str(), "enforced");
    for (name, x) in expect["buckets"].as_object().expect("buckets") {
        if name != "bench-00000" {
            assert_eq!(
                bucket(&s, name).tls.verdict().as_str(),
                str_of(&x["verdict"], "verdict"),
                "{name}"
            );
        }
    }
    let ops = &s.scan.operations;
    assert_eq!(
        ops["s3:GetBucketPolicy"],
        6 + 2,
        "6 buckets + 2 retried attempts"
    );
    assert_eq!(ops["athena:ListWorkGroups"], 2);
    // The workgroup whose details were denied is still listed, with the error on it.
    let primary = s
        .estate
        .workgroups
        .iter()
        .find(|w| w.name == "primary")
        .expect("workgroup listed after a throttle");
    let wg_errors: Vec<String> = primary.errors.iter().map(|e| e.short()).collect();
    assert_eq!(wg_errors, ["athena:GetWorkGroup: AccessDeniedException"]);
    assert_eq!(primary.errors[0].resource.as_deref(), Some("primary"));
    assert_eq!(ops["ec2:DescribeTransitGateways"], 2);

    // Whole services: one denied, one timing out; recorded on the estate, not fatal.
    let estate_errors: Vec<String> = s.estate.errors.iter().map(|e| e.short()).collect();
    assert!(
        estate_errors
            .contains(&"directconnect:DescribeConnections: AccessDeniedException".to_string()),
        "{estate_errors:?}"
    );
    assert!(
        estate_errors.contains(&"ec2:DescribeVpnConnections: Timeout".to_string()),
        "{estate_errors:?}"
    );
    assert_eq!(estate_errors.len(), 2, "{:#?}", s.estate.errors);
    let dx_err = s
        .estate
        .errors
        .iter()
        .find(|e| e.operation == "directconnect:DescribeConnections")
        .expect("dx error");
    assert_eq!(dx_err.account_id.as_deref(), Some(MAIN_ACCOUNT));
    assert_eq!(dx_err.region.as_deref(), Some("us-east-1"));
    // Virtual interfaces were still read.
    assert!(ops.contains_key("directconnect:DescribeVirtualInterfaces"));
    let progress: BTreeMap<&str, _> = s
        .scan
        .progress
        .iter()
        .map(|p| (p.fetcher.as_str(), p))
        .collect();
    assert!(progress["directconnect"].failed >= 1);
    assert!(progress["s3"].failed >= 1);
    for p in progress.values() {
        assert!(p.finished(), "{p:?}");
    }

    // The launcher saw each fault the number of times the retries explain.
    let hits = moto.fault_hits();
    assert_eq!(hits[..5], [1, 2, 1, 1, 1], "{hits:?}");
    assert!(hits[5] >= 1, "{hits:?}");
    assert_eq!(hits[6], 1, "{hits:?}");
}

/// `--all-regions`: the account's enabled regions come from ec2:DescribeRegions (regions
/// not opted in are left out) and each is scanned.
#[test]
fn all_regions_come_from_describe_regions() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "3"]);
    let mut opts = options(&moto.url, &[]);
    opts.regions.clear();
    opts.all_regions = true;
    let (result, s, took) = scan(opts);
    eprintln!("all-regions scan took {took:?}");
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(s.scan.operations["ec2:DescribeRegions"], 1);
    for r in REGIONS {
        assert!(
            s.scan.regions.iter().any(|x| x == r),
            "{r} not in {:?}",
            s.scan.regions
        );
    }
    assert!(s.scan.regions.len() > REGIONS.len(), "{:?}", s.scan.regions);
    // moto lists ap-east-1 as not opted in.
    assert!(
        !s.scan.regions.iter().any(|x| x == "ap-east-1"),
        "{:?}",
        s.scan.regions
    );
    let regions = s.scan.regions.len() as u64;
    assert_eq!(s.scan.operations["athena:ListWorkGroups"], regions);
    assert_eq!(s.scan.operations["ec2:DescribeVpcEndpoints"], regions);
    assert_eq!(
        s.scan.operations["directconnect:DescribeConnections"],
        regions
    );
    assert_eq!(s.estate.buckets.len(), 3);
    assert!(s.estate.errors.is_empty(), "{:#?}", s.estate.errors);
}

/// The member role's template (docs/member-role.cfn.yaml) grants exactly what the scan reads
/// inside an account: every action of the published policy but STS (the role needs none to
/// be entered), Organizations (read in the management account only) and the Athena query
/// results `traffic --athena-query` reads in the caller's own account.
#[test]
fn the_member_role_grants_the_account_reads_and_nothing_else() {
    let path = e2e_support::manifest_dir()
        .join("docs")
        .join("member-role.cfn.yaml");
    let text = std::fs::read_to_string(&path).expect("docs/member-role.cfn.yaml");
    let granted: BTreeSet<String> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter(|a| {
            a.split_once(':')
                .is_some_and(|(s, n)| !s.contains(' ') && n.starts_with(char::is_uppercase))
        })
        .map(str::to_string)
        .collect();
    let needed: BTreeSet<String> = OPERATIONS
        .iter()
        .flat_map(|(_, actions)| actions.iter().map(|a| a.to_string()))
        .filter(|a| !a.starts_with("sts:") && !a.starts_with("organizations:"))
        .filter(|a| *a != "athena:GetQueryResults" && *a != "s3:GetObject")
        .collect();
    assert_eq!(granted, needed);
}

/// Continuous assurance against moto: a daily job scans into a history directory, someone
/// deletes a bucket's deny-HTTP policy, and `diff --since` (reading AWS again) names the
/// regression and exits 1; the second scan of the history then diffs the same way.
#[test]
fn a_policy_removed_between_two_scans_is_a_regression() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "4"]);
    let history = scratch(&format!("history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&history);
    let intransit = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_intransit"))
            .args(args)
            .args(["--endpoint-url", &moto.url, "--region", "us-east-1"])
            .output()
            .expect("run intransit");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), text)
    };
    let dir = history.to_str().expect("a UTF-8 path");
    let (code, text) = intransit(&["scan", "--out-dir", dir]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = intransit(&["diff", "--since", dir, "--fail-on", "regression"]);
    assert_eq!(code, Some(0), "nothing changed yet: {text}");
    assert!(text.contains("No change."), "{text}");
    // bench-00000 carries the canonical deny-HTTP policy; it goes.
    let deleted = Command::new(e2e_support::python())
        .args([
            "-c",
            "import sys, boto3; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1').delete_bucket_policy(Bucket='bench-00000')",
            &moto.url,
        ])
        .output()
        .expect("run python");
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    let (code, text) = intransit(&["diff", "--since", dir, "--fail-on", "regression"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("TLS verdict: bucket bench-00000  enforced → not_enforced"),
        "{text}"
    );
    assert!(
        text.contains("finding status: s3.deny_http/s3_bucket/bench-00000  pass → fail"),
        "{text}"
    );
    // The history keeps both scans; the older one against latest.json says the same.
    let (code, text) = intransit(&["scan", "--out-dir", dir]);
    assert_eq!(code, Some(0), "{text}");
    let mut scans: Vec<String> = std::fs::read_dir(&history)
        .expect("the history")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with("intransit-"))
        .collect();
    // Two scans may finish in one second (`…Z.json`, then `…Z-2.json`): the history's own
    // order, the one `diff --since` uses, not the names' byte order.
    scans.sort_by_key(|n| intransit::cli::history::order_key(n));
    assert_eq!(scans.len(), 2, "{scans:?}");
    let first = history.join(&scans[0]);
    let latest = history.join("latest.json");
    let o = Command::new(env!("CARGO_BIN_EXE_intransit"))
        .arg("diff")
        .arg(&first)
        .arg(&latest)
        .args(["--format", "json"])
        .output()
        .expect("run intransit diff");
    let doc: Value = serde_json::from_slice(&o.stdout).expect("diff JSON");
    assert_eq!(doc["summary"]["regressions"], 2, "{doc:#}");
}

/// A CloudTrail record of `source` from `ip` over `tls`, `ago` seconds before now.
fn trail_event(i: usize, source: &str, ip: &str, tls: &str, ago: u64) -> Value {
    let at = std::time::SystemTime::now() - Duration::from_secs(ago);
    json!({
        "eventVersion": "1.09",
        "eventID": format!("00000000-0000-4000-8000-{i:012}"),
        "eventTime": humantime::format_rfc3339_seconds(at).to_string(),
        "eventSource": source,
        "eventName": if source == "athena.amazonaws.com" { "StartQueryExecution" } else { "GetObject" },
        "awsRegion": "us-east-1",
        "sourceIPAddress": ip,
        "userAgent": "APN/1.0 Simba/1.0 AthenaJDBC/2.1.5.1000",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::{MAIN_ACCOUNT}:user/bi"), "accountId": MAIN_ACCOUNT},
        "recipientAccountId": MAIN_ACCOUNT,
        "tlsDetails": {"tlsVersion": tls, "cipherSuite": "ECDHE-RSA-AES128-GCM-SHA256"},
        "readOnly": true
    })
}

/// `intransit traffic` with AWS flags reads CloudTrail through the SDK's LookupEvents (the
/// launcher answers it from seeded records, newest first, 50 a page), paced, within the
/// window, bounded by --max-events, and joins what it read with the scanned estate.
#[test]
fn cloudtrail_events_are_read_live_and_joined_with_the_estate() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "2"]);
    let mut events: Vec<Value> = (0..90)
        .map(|i| {
            trail_event(
                i,
                "athena.amazonaws.com",
                "198.51.100.23",
                "TLSv1.2",
                3600 + i as u64,
            )
        })
        .collect();
    events.extend(
        (90..93).map(|i| trail_event(i, "athena.amazonaws.com", "192.0.2.44", "TLSv1", 7200)),
    );
    events.extend(
        (93..103).map(|i| trail_event(i, "s3.amazonaws.com", "10.20.4.17", "TLSv1.3", 600)),
    );
    // Ten days old: outside the default window of seven days, never asked for.
    events.push(trail_event(
        103,
        "athena.amazonaws.com",
        "192.0.2.99",
        "TLSv1",
        10 * 86_400,
    ));
    moto.side(
        "POST",
        "/_seed/cloudtrail/events",
        &json!({"account": MAIN_ACCOUNT, "region": "us-east-1", "events": events}),
    );
    let traffic = |extra: &[&str]| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_intransit"))
            .args([
                "traffic",
                "--format",
                "json",
                "--endpoint-url",
                &moto.url,
                "--region",
                "us-east-1",
            ])
            .args(extra)
            .output()
            .expect("run intransit");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("traffic JSON")
    };
    let v = traffic(&[]);
    let live = &v["coverage"]["files"][0];
    assert_eq!(
        live["name"],
        format!("lookup-events {MAIN_ACCOUNT} us-east-1")
    );
    assert_eq!(live["records"], 103, "{live}");
    assert!(live["error"].is_null(), "{live}");
    assert!(v["coverage"]["sampled"] == false);
    let old: Vec<(&str, u64)> = v["old_tls"]
        .as_array()
        .expect("old_tls")
        .iter()
        .map(|c| {
            (
                c["source_ip"].as_str().unwrap_or(""),
                c["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(old, [("192.0.2.44", 3)]);
    let tls = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "traffic.observed_tls")
        .expect("the account's TLS finding");
    assert_eq!(tls["status"], "fail");
    assert_eq!(tls["resource"]["id"], MAIN_ACCOUNT);
    // Bounded: 30 events, some of each source (they take turns page by page), marked sampled.
    let v = traffic(&["--max-events", "30"]);
    let live = &v["coverage"]["files"][0];
    assert_eq!(
        (live["records"].as_u64(), live["sampled"].as_bool()),
        (Some(30), Some(true)),
        "{live}"
    );
    assert_eq!(v["coverage"]["sampled"], true);
    let sources: BTreeSet<&str> = v["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .filter_map(|c| c["event_source"].as_str())
        .collect();
    assert!(sources.contains("s3.amazonaws.com"), "{sources:?}");
    // Refused: recorded with why, and the account's TLS is unknown, never a pass.
    moto.side(
        "POST",
        "/_seed/faults",
        &json!({"service": "cloudtrail", "operation": "LookupEvents", "code": "AccessDeniedException", "status": 400, "message": "not authorized"}),
    );
    let v = traffic(&[]);
    let live = &v["coverage"]["files"][0];
    assert!(
        live["error"]
            .as_str()
            .is_some_and(|e| e.contains("AccessDenied")),
        "{live}"
    );
    assert_eq!(v["coverage"]["records"], 0);
    let tls = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "traffic.observed_tls")
        .expect("the account's TLS finding");
    assert_eq!(tls["status"], "unknown", "{tls}");
}

/// `intransit traffic --athena-query ID` reads a finished query's rows through the SDK's
/// GetQueryResults (moto serves seeded static results) and says what the local reader says
/// of the same logs: the rows are the demo logs' aggregates, as the emitted query returns them.
#[test]
fn an_athena_query_s_results_say_what_the_logs_say() {
    use intransit::traffic::{self, Inputs, athena_rows};
    let moto = Moto::start();
    moto.seed(&["--buckets", "2"]);
    let local = traffic::read(&Inputs::default(), true, None);
    let rows = athena_rows::encode(&local);
    let results = json!({
        "region": "us-east-1",
        "results": [{
            "rows": rows.iter().map(|r| json!({"Data": r.iter().map(|v| match v {
                Some(v) => json!({"VarCharValue": v}),
                None => json!({}),
            }).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            "column_info": athena_rows::COLUMNS.iter().map(|c| json!({
                "Name": c, "Label": c, "Type": "varchar", "CatalogName": "hive",
                "SchemaName": "", "TableName": "", "Nullable": "UNKNOWN", "CaseSensitive": true
            })).collect::<Vec<_>>(),
        }]
    });
    let seeded = Command::new(e2e_support::python())
        .args([
            "-c",
            "import sys, urllib.request; r = urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/moto-api/static/athena/query-results', data=sys.stdin.buffer.read(), method='POST', headers={'Content-Type': 'application/json'})); assert r.status == 201, r.status",
            &moto.url,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(results.to_string().as_bytes())?;
            child.wait_with_output()
        })
        .expect("seed the query results");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args([
            "traffic",
            "--athena-query",
            "5b9c1a2e-0000-4000-8000-00000000q001",
        ])
        .args([
            "--format",
            "json",
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
        ])
        .output()
        .expect("run intransit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("traffic JSON");
    assert_eq!(
        v["clients"],
        serde_json::to_value(&local.clients).expect("JSON")
    );
    assert_eq!(
        v["plain_http"],
        serde_json::to_value(&local.plain_http).expect("JSON")
    );
    assert_eq!(
        v["coverage"]["buckets"],
        serde_json::to_value(&local.coverage.buckets).expect("JSON")
    );
    assert_eq!(v["coverage"]["records"], local.coverage.records);
    assert_eq!(
        v["coverage"]["files"][0]["name"],
        "athena query 5b9c1a2e-0000-4000-8000-00000000q001: access logs"
    );
    // Joined with the scanned estate: its account, in which nothing of the demo's was seen.
    assert!(v["findings"].is_array(), "{}", v["findings"]);
}

/// The fixes against a live S3 API: `fix --failing` reads moto, each merged policy is put
/// (by the test, as a reviewer would after reading it), and a new scan finds every one of
/// those buckets enforced, as `verdict_after` said.
#[test]
fn merged_policies_are_accepted_by_s3_and_a_rescan_finds_them_enforced() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "4"]);
    let intransit = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_intransit"))
            .args(args)
            .args(["--endpoint-url", &moto.url, "--region", "us-east-1"])
            .output()
            .expect("run intransit");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("UTF-8")
    };
    let fixes: Value =
        serde_json::from_str(&intransit(&["fix", "--failing", "--format", "json"])).unwrap();
    let offered: Vec<&Value> = fixes["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "bucket_policy" && f["refused"].is_null())
        .collect();
    assert!(!offered.is_empty(), "{fixes:#}");
    for f in &offered {
        assert_eq!(f["verdict_after"], "enforced");
        let put = Command::new(e2e_support::python())
            .args([
                "-c",
                "import sys, boto3; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1').put_bucket_policy(Bucket=sys.argv[2], Policy=sys.argv[3])",
                &moto.url,
                str_of(&f["resource"], "resource"),
                str_of(&f["policy_after"], "policy_after"),
            ])
            .output()
            .expect("run python");
        assert!(
            put.status.success(),
            "{}",
            String::from_utf8_lossy(&put.stderr)
        );
    }
    let again: Value = serde_json::from_str(&intransit(&["scan"])).unwrap();
    for f in &offered {
        let name = str_of(&f["resource"], "resource");
        let b = again["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap();
        assert_eq!(b["tls"]["verdict"], "enforced", "{name}: {b:#}");
    }
    let after: Value =
        serde_json::from_str(&intransit(&["fix", "--failing", "--format", "json"])).unwrap();
    assert!(
        !after["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "bucket_policy"),
        "nothing left to fix in the buckets: {after:#}"
    );
}
