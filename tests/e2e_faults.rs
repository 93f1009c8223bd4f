//! End to end against moto, through the launcher's fault injection: answers a broken proxy,
//! a captive portal or a half-dead endpoint really gives. None may change a verdict other
//! than to `unknown`, and the reason must name the answer.

mod e2e_support;

use std::collections::BTreeMap;
use std::time::Duration;

use e2e_support::{Moto, options, scan};
use intransit::model::{Bucket, PolicyText, Snapshot};
use serde_json::{Value, json};

fn bucket<'a>(s: &'a Snapshot, name: &str) -> &'a Bucket {
    s.estate
        .buckets
        .iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("bucket {name} missing"))
}

fn expected_verdicts(expect: &Value) -> BTreeMap<String, String> {
    expect["buckets"]
        .as_object()
        .expect("buckets")
        .iter()
        .map(|(name, b)| {
            (
                name.clone(),
                b["verdict"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn shorts(b: &Bucket) -> Vec<String> {
    b.errors.iter().map(|e| e.short()).collect()
}

/// Empty, HTML, truncated and half answers: each affected bucket is `unknown` (its policy
/// read failed) or keeps its true verdict with the failed context read recorded; listings
/// answered by an empty or HTML page are estate errors, never "nothing there".
#[test]
fn bad_answers_are_unknown_with_a_reason_that_names_the_answer() {
    let moto = Moto::start();
    let expect = moto.seed(&["--buckets", "8"]);
    let truth = expected_verdicts(&expect);
    let s3 = |op: &str, bucket: &str, answer: &str| json!({"service": "s3", "operation": op, "bucket": bucket, "answer": answer});
    let faults = [
        s3("GetBucketPolicy", "bench-00000", "empty"),
        s3("GetBucketPolicy", "bench-00001", "html"),
        s3("GetBucketPolicy", "bench-00002", "truncated"),
        s3("GetBucketPolicy", "bench-00004", "half"),
        s3("GetBucketPolicyStatus", "bench-00006", "empty"),
        s3("GetBucketEncryption", "bench-00003", "html"),
        s3("GetPublicAccessBlock", "bench-00005", "empty"),
        json!({"service": "athena", "operation": "ListWorkGroups", "answer": "empty"}),
        json!({"service": "ec2", "operation": "DescribeVpnConnections", "answer": "html"}),
    ];
    for f in &faults {
        moto.side("POST", "/_seed/faults", f);
    }
    let mut opts = options(&moto.url, &[]);
    opts.regions = vec!["us-east-1".to_string()];
    opts.call_timeout = Duration::from_secs(5);
    opts.context = true;
    let (result, s, took) = scan(opts);
    eprintln!("bad-answer scan took {took:?}");
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(s.estate.buckets.len(), truth.len(), "no bucket lost");

    let unknown = |name: &str, reason: &str| {
        let b = bucket(&s, name);
        assert_eq!(b.policy, PolicyText::Unreadable, "{name}");
        assert_eq!(b.tls.verdict().as_str(), "unknown", "{name}");
        let why = b.tls.error().unwrap_or_default();
        assert!(why.contains(reason), "{name}: {why}");
    };
    unknown("bench-00000", "s3:GetBucketPolicy: empty 200 response");
    unknown(
        "bench-00001",
        "s3:GetBucketPolicy: 200 response is an HTML page",
    );
    unknown("bench-00002", "s3:GetBucketPolicy: InvalidResponse");
    unknown(
        "bench-00004",
        "s3:GetBucketPolicy: 200 response is not a JSON document",
    );

    // Context reads that came back empty or as a page: recorded, the verdict untouched.
    let context = [
        (
            "bench-00006",
            "s3:GetBucketPolicyStatus: empty 200 response",
        ),
        (
            "bench-00003",
            "s3:GetBucketEncryption: 200 response is an HTML page",
        ),
        ("bench-00005", "s3:GetPublicAccessBlock: empty 200 response"),
    ];
    for (name, reason) in context {
        let b = bucket(&s, name);
        assert_eq!(b.tls.verdict().as_str(), truth[name], "{name}");
        assert!(
            shorts(b).iter().any(|e| e.starts_with(reason)),
            "{name}: {:?}",
            shorts(b)
        );
    }
    assert_eq!(bucket(&s, "bench-00006").policy_is_public, None);
    assert_eq!(bucket(&s, "bench-00003").encryption, None);

    // Nothing else changed: every other bucket has its true verdict.
    for (name, verdict) in &truth {
        if !["bench-00000", "bench-00001", "bench-00002", "bench-00004"].contains(&name.as_str()) {
            assert_eq!(&bucket(&s, name).tls.verdict().as_str(), verdict, "{name}");
        }
    }

    // A body cut short is a transport error the SDK retries (5 attempts); an empty or HTML
    // success is refused once, as the SDK does not retry what an interceptor refused.
    assert_eq!(moto.fault_hits(), [1, 1, 5, 1, 1, 1, 1, 1, 1]);

    // An empty ListWorkGroups is not "no workgroups", an HTML VPN listing not "no VPN".
    let estate: Vec<String> = s.estate.errors.iter().map(|e| e.short()).collect();
    assert!(
        estate.contains(&"athena:ListWorkGroups: empty 200 response".to_string()),
        "{estate:?}"
    );
    assert!(
        estate
            .iter()
            .any(|e| e.starts_with("ec2:DescribeVpnConnections: 200 response is an HTML page")),
        "{estate:?}"
    );
}

/// Every read but STS and ListBuckets stalls: the connection is accepted, nothing answers.
fn freeze(moto: &Moto) {
    let s3 = [
        "GetBucketPolicy",
        "GetBucketPolicyStatus",
        "GetPublicAccessBlock",
        "GetBucketEncryption",
        "GetBucketLocation",
    ];
    for op in s3 {
        moto.side(
            "POST",
            "/_seed/faults",
            &json!({"service": "s3", "operation": op, "stall": true}),
        );
    }
    for service in ["athena", "ec2", "directconnect", "organizations"] {
        moto.side(
            "POST",
            "/_seed/faults",
            &json!({"service": service, "stall": true}),
        );
    }
}

/// The buckets whose verdict is unknown with `code` on their policy read, and the others.
fn policy_reads_failed_with(s: &Snapshot, code: &str) -> (usize, Vec<String>) {
    let mut with = 0;
    let mut other = Vec::new();
    for b in &s.estate.buckets {
        let e = b.policy_error().map(|e| e.code.as_str());
        if b.tls.verdict().as_str() == "unknown" && e == Some(code) {
            with += 1;
        } else {
            other.push(format!("{} {} {e:?}", b.name, b.tls.verdict().as_str()));
        }
    }
    (with, other)
}

/// A frozen endpoint: once three calls in a row timed out, the breaker opens, the calls
/// still waiting are not sent and the ones in flight are abandoned. Every bucket is
/// `unknown` with the reason, and the scan ends after about one call's budget instead of one
/// budget per wave of calls.
#[test]
fn a_frozen_endpoint_opens_the_breaker_and_leaves_unknown() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "64"]);
    freeze(&moto);
    let mut opts = options(&moto.url, &[]);
    opts.regions = vec!["us-east-1".to_string()];
    opts.concurrency = 16;
    opts.call_timeout = Duration::from_secs(2);
    let (result, s, took) = scan(opts);
    eprintln!("frozen-endpoint scan took {took:?}");
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(s.estate.buckets.len(), 64, "every listed bucket is kept");

    let timed_out = policy_reads_failed_with(&s, "Timeout").0;
    let (stopped, other) = policy_reads_failed_with(&s, "EndpointNotAnswering");
    assert_eq!(
        timed_out + stopped,
        64,
        "every bucket unknown, by a timeout or the breaker: {other:?}"
    );
    // At most one wave of calls (the concurrency limit) waited out its timeout.
    assert!(timed_out <= 16, "{timed_out} policy reads timed out");
    let b = s
        .estate
        .buckets
        .iter()
        .find(|b| {
            b.policy_error()
                .is_some_and(|e| e.code == "EndpointNotAnswering")
        })
        .expect("a bucket the breaker stopped");
    let why = b.tls.error().unwrap_or_default();
    assert!(
        why.contains("stopped answering") && why.contains(&moto.url),
        "{why}"
    );
    // Not sent once the breaker was open: the wire saw at most one wave's attempts.
    let sent = s
        .scan
        .operations
        .get("s3:GetBucketPolicy")
        .copied()
        .unwrap_or(0);
    assert!(
        sent <= 16 * 3,
        "{sent} GetBucketPolicy attempts on the wire"
    );
    // Whole listings (Athena, EC2, ...) are estate errors with the same reason.
    assert!(
        s.estate
            .errors
            .iter()
            .any(|e| e.operation == "athena:ListWorkGroups"),
        "{:#?}",
        s.estate.errors
    );
    // A hang guard only; the time itself is recorded in docs/BENCHMARKS.md.
    assert!(took < Duration::from_secs(120), "{took:?}");
}

/// `--scan-timeout`: what was not read when the limit is reached fails with `ScanTimeout`,
/// calls in flight are abandoned, and the scan ends with what it has.
#[test]
fn the_scan_timeout_ends_the_scan_with_what_it_has() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "8"]);
    freeze(&moto);
    let mut opts = options(&moto.url, &[]);
    opts.regions = vec!["us-east-1".to_string()];
    // Calls would wait 60 s each: only the scan's limit can end them.
    opts.call_timeout = Duration::from_secs(20);
    opts.scan_timeout = Some(Duration::from_secs(3));
    let (result, s, took) = scan(opts);
    eprintln!("scan with --scan-timeout 3 took {took:?}");
    assert!(result.is_ok(), "{result:?}");
    assert!(s.scan.finished_at.is_some());
    let (timed_out, other) = policy_reads_failed_with(&s, "ScanTimeout");
    assert_eq!(timed_out, 8, "{other:?}");
    let why = s.estate.buckets[0].tls.error().unwrap_or_default();
    assert!(why.contains("time limit"), "{why}");
    assert!(took < Duration::from_secs(30), "{took:?}");
}

/// The first ListBuckets page is asked together with GetCallerIdentity. When the identity
/// fails, that failure is the scan's only error, as when the listing waited for it, and the
/// page is dropped, not waited for (here it never answers: one ListBuckets budget is 15 s).
#[test]
fn a_failed_identity_is_the_only_error_and_the_listing_is_not_awaited() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "2"]);
    moto.side(
        "POST",
        "/_seed/faults",
        &json!({"service": "sts", "operation": "GetCallerIdentity", "code": "AccessDenied",
                "status": 403, "message": "not allowed"}),
    );
    moto.side(
        "POST",
        "/_seed/faults",
        &json!({"service": "s3", "operation": "ListBuckets", "stall": true}),
    );
    let mut opts = options(&moto.url, &[]);
    opts.regions = vec!["us-east-1".to_string()];
    opts.call_timeout = Duration::from_secs(5);
    let (result, s, took) = scan(opts);
    let why = result.expect_err("no account can be reached").to_string();
    assert!(
        why.starts_with("no AWS account could be reached: sts:GetCallerIdentity: AccessDenied"),
        "{why}"
    );
    let errors: Vec<String> = s.estate.errors.iter().map(|e| e.short()).collect();
    assert_eq!(errors, ["sts:GetCallerIdentity: AccessDenied"]);
    assert!(s.estate.accounts.is_empty(), "{:?}", s.estate.accounts);
    assert!(s.estate.buckets.is_empty());
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(moto.fault_hits()[0], 1);
}

/// `intransit scan` against the launcher: (exit code, stderr, snapshot).
fn cli_scan(moto: &Moto, name: &str) -> (Option<i32>, String, Snapshot) {
    let out = e2e_support::scratch(name);
    let _ = std::fs::remove_file(&out);
    e2e_support::aws_env();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_intransit"))
        .args(["scan", "--endpoint-url", &moto.url, "--region", "us-east-1"])
        .args(["--call-timeout", "5", "--out"])
        .arg(&out)
        .output()
        .expect("run intransit scan");
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    let text = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("no snapshot ({e}); stderr:\n{stderr}"));
    let snapshot = Snapshot::from_json(name, &text).expect("a readable snapshot");
    (run.status.code(), stderr, snapshot)
}

/// The exit status says whether the snapshot is complete: 0 every read answered, 3 some
/// reads failed (every resource there, some unknown), 4 a whole listing failed.
#[test]
fn scan_exit_status_tells_complete_from_partial_from_failed_listings() {
    let moto = Moto::start();
    moto.seed(&["--buckets", "4"]);

    let (code, stderr, s) = cli_scan(&moto, "exit-complete.json");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("incomplete"), "{stderr}");
    assert_eq!(s.estate.buckets.len(), 4);

    moto.side(
        "POST",
        "/_seed/faults",
        &json!({"service": "s3", "operation": "GetBucketPolicy", "bucket": "bench-00001",
                "code": "AccessDenied", "status": 403}),
    );
    let (code, stderr, s) = cli_scan(&moto, "exit-partial.json");
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("incomplete scan: 1 read failed on 1 resource"),
        "{stderr}"
    );
    assert_eq!(s.estate.buckets.len(), 4, "every bucket is still there");

    moto.side("POST", "/_seed/faults/clear", &json!({}));
    moto.side(
        "POST",
        "/_seed/faults",
        &json!({"service": "s3", "operation": "ListBuckets", "code": "AccessDenied",
                "status": 403}),
    );
    let (code, stderr, s) = cli_scan(&moto, "exit-failed-listing.json");
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("incomplete scan: 1 listing failed")
            && stderr.contains("s3:ListBuckets: AccessDenied in 123456789012"),
        "{stderr}"
    );
    assert!(s.estate.buckets.is_empty());
}
