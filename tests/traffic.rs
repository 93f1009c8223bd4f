//! Observed traffic end to end: log files and directories read into client rows, plain-HTTP
//! rows and coverage (every record counted once), joined with the demo estate's configuration,
//! through the library and through `intransit traffic`.

mod temp_support;
mod traffic_samples;

use std::io::Write;
use std::process::Command;

use intransit::compliance::{Catalog, Finding, Severity, Status, evaluate};
use intransit::traffic::{self, Inputs, Log, Outcome, Traffic};
use temp_support::TempDir;
use traffic_samples::{ATHENA_START, DOC_LOGGING, DOC_VERSIONING, PLAIN_GET, S3_GET};

const BIN: &str = env!("CARGO_BIN_EXE_intransit");

fn demo() -> Traffic {
    traffic::read(&Inputs::default(), true, None)
}

/// What every reading must hold: each record in one client row or outside the window, each
/// file's records and refusals in the totals, each plain-HTTP row inside a client row.
fn assert_counts_add_up(t: &Traffic) {
    let c = &t.coverage;
    let rows: u64 = t.clients.iter().map(|r| r.count).sum();
    assert_eq!(
        rows + c.outside_window,
        c.records,
        "rows + outside = records"
    );
    assert_eq!(c.files.iter().map(|f| f.records).sum::<u64>(), c.records);
    assert_eq!(c.files.iter().map(|f| f.refused).sum::<u64>(), c.refused);
    assert_eq!(
        c.files.iter().map(|f| f.outside_window).sum::<u64>(),
        c.outside_window
    );
    let plain_rows: u64 = t.plain_http.iter().map(|p| p.count).sum();
    let plain_clients: u64 = t
        .clients
        .iter()
        .filter(|r| r.plain_http())
        .map(|r| r.count)
        .sum();
    assert_eq!(
        plain_rows, plain_clients,
        "plain-HTTP rows = plain-HTTP clients"
    );
    let per_bucket: u64 = c.buckets.values().map(|b| b.records).sum();
    let access: u64 = t
        .clients
        .iter()
        .filter(|r| r.log == Log::AccessLog)
        .map(|r| r.count)
        .sum();
    assert_eq!(per_bucket, access, "per-bucket records = access-log rows");
}

#[test]
fn the_demo_logs_add_up_and_name_their_clients() {
    let t = demo();
    assert_counts_add_up(&t);
    assert_eq!(t.coverage.files.len(), 7);
    assert_eq!(t.coverage.refused, 0);
    // Each row below is decided by one rule of the aggregation.
    let plain = |bucket: &str, outcome: Outcome| -> u64 {
        t.plain_http_to(bucket)
            .filter(|p| p.outcome == outcome)
            .map(|p| p.count)
            .sum()
    };
    // TLS version `-` answered 200 or 404: accepted.
    assert_eq!(plain("clickstream-landing-use1", Outcome::Accepted), 39);
    assert_eq!(plain("athena-results-sandbox-use1", Outcome::Accepted), 5);
    // Answered 403: denied.
    assert_eq!(
        plain("athena-results-analytics-prod-use1", Outcome::Denied),
        12
    );
    assert_eq!(
        plain("athena-results-analytics-prod-use1", Outcome::Accepted),
        0
    );
    // Below TLS 1.2, from both logs.
    let old: Vec<(Log, &str, u64)> = t
        .old_tls()
        .map(|c| (c.log, c.source_ip.as_str(), c.count))
        .collect();
    assert_eq!(
        old,
        vec![
            (Log::AccessLog, "192.0.2.44", 9),
            (Log::Cloudtrail, "192.0.2.44", 7)
        ]
    );
    // A vpcEndpointId names the path; a private source address is an unnamed endpoint; a
    // service acting for the caller is marked and on AWS's network.
    let jdbc = t
        .clients
        .iter()
        .find(|c| {
            c.user_agent
                .as_deref()
                .is_some_and(|a| a.contains("AthenaJDBC"))
                && c.log == Log::Cloudtrail
        })
        .expect("the JDBC client");
    assert_eq!(jdbc.endpoint, "vpce-04a1c3e5f7b9d1a3c");
    assert_eq!(jdbc.tls_version.as_deref(), Some("TLSv1.3"));
    let ingest = t
        .clients
        .iter()
        .find(|c| c.principal.contains("clickstream-ingest"))
        .expect("the ingest role");
    assert_eq!(ingest.endpoint, "vpce");
    let glue = t
        .clients
        .iter()
        .find(|c| c.event_source == "glue.amazonaws.com")
        .expect("Glue calls by Athena");
    assert_eq!(glue.via_service.as_deref(), Some("athena.amazonaws.com"));
    assert_eq!(glue.endpoint, "aws_network");
    assert!(
        t.clients
            .iter()
            .any(|c| c.public() && c.source_ip == "198.51.100.23")
    );
}

/// The demo estate with the demo's logs, evaluated.
fn joined() -> Vec<Finding> {
    let store = intransit::store::Store::from_snapshot(intransit::model::Snapshot {
        schema: intransit::model::SNAPSHOT_SCHEMA.to_string(),
        scan: Default::default(),
        estate: intransit::source::demo::estate(),
    });
    store.apply(intransit::store::Update::Traffic(std::sync::Arc::new(
        demo(),
    )));
    let snapshot = store.into_snapshot();
    let ev = evaluate(&Catalog::builtin(), &snapshot.estate);
    intransit::compliance::checks::OBSERVED_TRAFFIC
        .iter()
        .flat_map(|id| ev.check(id).expect("mapped").findings.clone())
        .collect()
}

#[test]
fn joined_with_the_configuration_each_bucket_account_and_region_gets_its_rule() {
    let findings = joined();
    let of = |check: &str, resource: &str| {
        findings
            .iter()
            .find(|f| f.check == check && &*f.resource.id == resource)
            .unwrap_or_else(|| panic!("{check} {resource}"))
    };
    // (check, resource, status, severity, words the message must hold, the rule)
    let table: &[(&str, &str, Status, Severity, &str, &str)] = &[
        (
            "s3.observed_plain_http",
            "clickstream-landing-use1",
            Status::Fail,
            Severity::Critical,
            "served 37 plain-HTTP REST.GET.OBJECT requests from 203.0.113.9",
            "not enforced and plain HTTP served: the worst",
        ),
        (
            "s3.observed_plain_http",
            "athena-results-sandbox-use1",
            Status::Fail,
            Severity::Critical,
            "do not deny plain HTTP",
            "not enforced and plain HTTP served",
        ),
        (
            "s3.observed_plain_http",
            "athena-results-analytics-prod-use1",
            Status::Pass,
            Severity::High,
            "All 12 plain-HTTP requests in the access logs were refused (403)",
            "only refused plain HTTP",
        ),
        (
            "s3.observed_plain_http",
            "legacy-reports-archive-use1",
            Status::Pass,
            Severity::High,
            "TLSv1 ×9",
            "TLS, however old, is not plain HTTP",
        ),
        (
            "traffic.observed_tls",
            "111122223333",
            Status::Fail,
            Severity::High,
            "over TLSv1 from 192.0.2.44",
            "a recorded version below 1.2",
        ),
        (
            "traffic.observed_tls",
            "777788889999",
            Status::Pass,
            Severity::High,
            "used 1.2 or newer",
            "every recorded version 1.2 or newer",
        ),
        (
            "athena.observed_path",
            "111122223333/us-east-1",
            Status::Partial,
            Severity::Medium,
            "64 of 244 Athena calls came over the public endpoint",
            "public calls beside a private path",
        ),
    ];
    for (check, resource, status, severity, words, rule) in table {
        let f = of(check, resource);
        assert_eq!(f.status, *status, "{check} {resource}: {rule}");
        assert_eq!(f.severity, *severity, "{check} {resource}: {rule}");
        assert!(
            f.message().contains(words),
            "{check} {resource}: {}",
            f.message()
        );
    }
    // No private path in the sandbox: not judged there. Buckets without logs: not judged.
    assert!(
        !findings
            .iter()
            .any(|f| &*f.resource.id == "777788889999/us-east-1")
    );
    assert!(
        !findings
            .iter()
            .any(|f| &*f.resource.id == "cur-reports-northwind")
    );
    // Unscanned accounts add nothing to what logs say.
    assert!(findings.iter().all(|f| f.status != Status::Unknown));
}

#[test]
fn the_catalog_takes_observed_traffic_as_transit_evidence() {
    let catalog = Catalog::builtin();
    for (program, control) in [
        ("pci-dss-4.0", "4.2.1"),
        ("nist-800-53-r5", "SC-8"),
        ("hipaa", "164.312(e)(1)"),
        ("soc2", "CC6.7"),
    ] {
        let c = catalog
            .program(program)
            .and_then(|p| p.controls.iter().find(|c| c.id == control))
            .unwrap_or_else(|| panic!("{program} {control}"));
        for check in ["s3.observed_plain_http", "traffic.observed_tls"] {
            assert!(
                c.checks.iter().any(|id| id == check),
                "{program} {control} {check}"
            );
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A directory as a user has it: access logs in nested folders (one gzip), CloudTrail trail
/// files plain and gzip, lookup-events output, a digest-like file that is not a trail file,
/// and files the walk leaves out.
fn sample_dir() -> TempDir {
    let dir = TempDir::new("traffic");
    dir.write(
        "s3/logs/amzn-s3-demo-bucket1/2019-02-06-00-00-38-EXAMPLE",
        &format!("{DOC_VERSIONING}\n{DOC_LOGGING}\n\ngarbage \"open quote\n"),
    );
    dir.write(
        "s3/logs/clickstream/2026-12-03-08-00-00-EXAMPLE",
        &format!("{PLAIN_GET}\n"),
    );
    std::fs::write(
        dir.path("s3/logs/clickstream/2026-12-03-09-00-00-EXAMPLE.gz"),
        gzip(format!("{PLAIN_GET}\n").as_bytes()),
    )
    .unwrap();
    dir.write("s3/logs/.hidden", "not read");
    dir.write(
        "trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/03/a.json",
        &format!("{{\"Records\": [{S3_GET}]}}"),
    );
    std::fs::write(
        dir.path("trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/03/b.json.gz"),
        gzip(format!("{{\"Records\": [{ATHENA_START}, 17]}}").as_bytes()),
    )
    .unwrap();
    dir.write(
        "trail/AWSLogs/111122223333/CloudTrail-Digest/x.json",
        "{\"digestS3Bucket\": \"b\"}",
    );
    dir.write("trail/README.txt", "left out: not .json");
    let lookup = serde_json::json!({"Events": [{"EventId": "e", "CloudTrailEvent": ATHENA_START}]});
    dir.write("lookup.json", &lookup.to_string());
    dir
}

#[test]
fn directories_are_walked_and_a_bad_file_costs_only_itself() {
    let dir = sample_dir();
    let inputs = Inputs {
        access_logs: vec![dir.path("s3"), dir.path("missing-dir/file")],
        cloudtrail: vec![dir.path("trail"), dir.path("lookup.json")],
    };
    let t = traffic::read(&inputs, false, None);
    assert_counts_add_up(&t);
    let c = &t.coverage;
    let names: Vec<String> = c
        .files
        .iter()
        .map(|f| {
            f.name
                .trim_start_matches(&dir.0.display().to_string())
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "/s3/logs/amzn-s3-demo-bucket1/2019-02-06-00-00-38-EXAMPLE",
            "/s3/logs/clickstream/2026-12-03-08-00-00-EXAMPLE",
            "/s3/logs/clickstream/2026-12-03-09-00-00-EXAMPLE.gz",
            "/missing-dir/file",
            "/trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/03/a.json",
            "/trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/03/b.json.gz",
            "/trail/AWSLogs/111122223333/CloudTrail-Digest/x.json",
            "/lookup.json",
        ]
    );
    // 4 access-log records, 3 events; the open quote and the `17` refused; the missing file
    // and the digest unreadable, named with why.
    assert_eq!((c.records, c.refused, c.unreadable_files), (7, 2, 2));
    assert!(
        c.files[0].first_refused[0].contains("line 4"),
        "{:?}",
        c.files[0]
    );
    assert!(
        c.files[3]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cannot open"))
    );
    assert!(
        c.files[6]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not a CloudTrail file"))
    );
    // Path order: components compared one by one.
    // The gzip access log reads like the plain one: one row of two plain-HTTP GETs.
    let plain: Vec<_> = t
        .plain_http
        .iter()
        .map(|p| (p.bucket.as_str(), p.count, p.outcome))
        .collect();
    assert_eq!(plain, [("clickstream-landing-use1", 2, Outcome::Accepted)]);
    // The documented records: TLSV1.2 as written, from the console's agent.
    assert!(
        t.clients
            .iter()
            .any(|c| c.tls_version.as_deref() == Some("TLSV1.2")
                && c.user_agent.as_deref() == Some("S3Console/0.4")
                && c.count == 2)
    );
    // The trail file's and the lookup's Athena event: one row, TLS 1.0, public.
    let athena = t
        .old_tls()
        .find(|c| c.log == Log::Cloudtrail)
        .expect("the TLS 1.0 client");
    assert_eq!((athena.count, athena.endpoint.as_str()), (2, "public"));
    assert_eq!(c.accounts, ["111122223333"]);
}

#[test]
fn records_before_since_are_counted_outside_the_window() {
    let dir = sample_dir();
    let inputs = Inputs {
        access_logs: vec![dir.path("s3")],
        cloudtrail: vec![],
    };
    let since = traffic::time::rfc3339("2026-01-01T00:00:00Z");
    let t = traffic::read(&inputs, false, since);
    assert_counts_add_up(&t);
    // The two 2019 records are read, not counted in a row.
    assert_eq!((t.coverage.records, t.coverage.outside_window), (4, 2));
    assert_eq!(t.coverage.since.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert!(
        t.clients
            .iter()
            .all(|c| c.user_agent.as_deref() != Some("S3Console/0.4"))
    );
}

fn intransit(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .output()
        .expect("run intransit")
}

#[test]
fn the_traffic_command_on_the_demo_names_the_plain_http_and_old_tls_clients() {
    let out = intransit(&["traffic", "--demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("traffic_demo_text", text);

    let out = intransit(&["traffic", "--demo", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "intransit.traffic/v1");
    let t: Traffic = serde_json::from_value(serde_json::json!({
        "clients": v["clients"], "plain_http": v["plain_http"], "coverage": v["coverage"]
    }))
    .expect("the rows read back");
    assert_eq!(t, demo());
    assert_eq!(v["old_tls"].as_array().map(Vec::len), Some(2));
    let worst = &v["findings"][0];
    assert_eq!(worst["status"], "fail");
    assert_eq!(worst["severity"], "critical");
}

#[test]
fn the_traffic_command_refuses_what_it_cannot_read() {
    // Nothing to read.
    let out = intransit(&["traffic"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--access-logs"));
    // A window that is neither a duration nor a time.
    let out = intransit(&["traffic", "--demo", "--since", "last tuesday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
    // Files alone: no estate, no findings; a missing file is in the coverage, not fatal.
    let dir = sample_dir();
    let s3 = dir.path("s3").display().to_string();
    let out = intransit(&[
        "traffic",
        "--access-logs",
        &s3,
        "--access-logs",
        "/nonexistent",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"].is_null());
    assert_eq!(v["coverage"]["unreadable_files"], 1);
    // A week before now leaves the demo's January 2024 outside the window.
    let out = intransit(&["traffic", "--demo", "--since", "7d", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["coverage"]["outside_window"], v["coverage"]["records"]);
    assert_eq!(v["clients"].as_array().map(Vec::len), Some(0));
}

#[test]
fn the_report_the_traffic_command_and_a_snapshot_say_the_same_of_each_resource() {
    let findings = |args: &[&str], key: &str| -> Vec<(String, String, String)> {
        let out = intransit(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let mut rows: Vec<(String, String, String)> = v[key]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| {
                intransit::compliance::checks::OBSERVED_TRAFFIC
                    .contains(&f["check"].as_str().unwrap_or(""))
            })
            .map(|f| {
                (
                    f["id"].as_str().unwrap_or("").to_string(),
                    f["status"].as_str().unwrap_or("").to_string(),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let traffic = findings(&["traffic", "--demo", "--format", "json"], "findings");
    let report = findings(&["report", "--demo", "--format", "json"], "findings");
    assert_eq!(traffic.len(), 7);
    assert_eq!(traffic, report);
    // A snapshot carries the traffic it was written with: a report of it says the same.
    let dir = TempDir::new("traffic-snapshot");
    let path = dir.path("demo.json").display().to_string();
    // The demo's scan is incomplete on purpose (its exit status says so); the file is written.
    intransit(&["scan", "--demo", "--out", &path]);
    assert!(std::path::Path::new(&path).exists());
    let again = findings(
        &["report", "--snapshot", &path, "--format", "json"],
        "findings",
    );
    assert_eq!(again, report);
}
