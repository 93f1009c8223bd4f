//! `intransit fix` end to end on the demo estate: every format's output (golden), the script a
//! reviewer runs (against a stand-in `aws` that records its calls), and the plan's numbers
//! against a re-scan of the estate with the fix applied.

mod temp_support;

use std::collections::HashMap;
use std::process::{Command, Output};

use serde_json::Value;
use temp_support::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_intransit");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("intransit runs")
}

fn stdout(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn every_format_is_golden_on_the_demo_estate() {
    for format in ["text", "json", "sh", "terraform", "cloudformation"] {
        let out = stdout(&["fix", "--demo", "--failing", "--format", format]);
        insta::assert_snapshot!(format!("demo_{format}"), out);
    }
}

#[test]
fn usage_errors_say_what_to_give() {
    let none = run(&["fix", "--demo"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("--bucket NAME, or give --failing"));
    let unknown = run(&["fix", "--demo", "--bucket", "no-such-bucket"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no bucket named \"no-such-bucket\"")
    );
}

fn fixes(args: &[&str]) -> Value {
    let mut all = vec!["fix", "--demo", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout(&all)).expect("JSON")
}

#[test]
fn a_named_bucket_gets_its_merged_policy_and_an_enforced_one_needs_none() {
    let v = fixes(&[
        "--bucket",
        "athena-results-sandbox-use1",
        "--bucket",
        "athena-results-analytics-prod-use1",
    ]);
    let unchanged = v["unchanged"].as_array().unwrap();
    assert_eq!(
        unchanged[0]["resource"],
        "athena-results-analytics-prod-use1"
    );
    assert!(
        unchanged[0]["why"]
            .as_str()
            .unwrap()
            .contains("already denies plain HTTP")
    );
    // With a floor, the enforced bucket gets only the floor's statement.
    let v = fixes(&[
        "--bucket",
        "athena-results-sandbox-use1",
        "--bucket",
        "athena-results-analytics-prod-use1",
        "--min-tls",
        "1.2",
    ]);
    assert_eq!(v["schema"], "intransit.fix/v1");
    let floor_only = &v["fixes"][1];
    assert_eq!(floor_only["resource"], "athena-results-analytics-prod-use1");
    let after = floor_only["policy_after"].as_str().unwrap();
    assert!(after.contains("\"DenyOutdatedTLS\"") && !after.contains("\"DenyInsecureTransport\""));
    let fixes = v["fixes"].as_array().unwrap();
    assert_eq!(fixes.len(), 2, "{v:#}");
    let f = &fixes[0];
    assert_eq!(f["kind"], "bucket_policy");
    assert_eq!(f["resource"], "athena-results-sandbox-use1");
    assert_eq!(f["verdict_after"], "enforced");
    assert!(f["refused"].is_null());
    let after = f["policy_after"].as_str().unwrap();
    assert!(after.contains("\"DenyInsecureTransport\"") && after.contains("\"DenyOutdatedTLS\""));
    assert!(
        f["diff"]
            .as_str()
            .unwrap()
            .contains("+      \"Sid\": \"DenyOutdatedTLS\"")
    );
}

#[test]
fn unreadable_and_malformed_policies_are_refused_with_the_reason() {
    let v = fixes(&["--failing"]);
    let by: HashMap<&str, &Value> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["resource"].as_str().unwrap(), f))
        .collect();
    let reason = |b: &str| by[b]["refused"].as_str().unwrap_or("").to_string();
    assert!(reason("dms-replication-staging-euw1").contains("could not be read"));
    assert!(reason("eu-reporting-archive-euw1").contains("not valid JSON"));
    assert!(reason("sandbox-hackathon-2024").contains("does not parse"));
    for f in by.values().filter(|f| !f["refused"].is_null()) {
        assert!(
            f["apply"].as_array().unwrap().is_empty(),
            "no command for a refused fix"
        );
    }
}

/// A stand-in `aws`: records each call's arguments, answers `get-bucket-policy` with the
/// policy the estate says the bucket has, and `create-policy` with a policy id.
fn fake_aws(dir: &TempDir, policies: &HashMap<String, String>) {
    let mut cases = String::new();
    for (bucket, text) in policies {
        let file = dir.write(&format!("current/{bucket}.json"), text);
        cases.push_str(&format!(
            "    *\"--bucket {bucket} \"*) cat '{}' ;;\n",
            file.display()
        ));
    }
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\ncase \"$*\" in\n  *get-bucket-policy*)\n    case \"$* \" in\n{cases}      *) echo 'NoSuchBucketPolicy' >&2; exit 254 ;;\n    esac ;;\n  *create-policy*) echo p-0123456789 ;;\nesac\n",
        log = dir.path("calls.log").display()
    );
    let aws = dir.write("bin/aws", &script);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn the_script_backs_up_applies_and_prints_the_rollback() {
    let dir = TempDir::new("fix-sh");
    let out = dir.path("out");
    let o = run(&[
        "fix",
        "--demo",
        "--failing",
        "--format",
        "sh",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = fixes(&["--failing"]);
    let offered: Vec<&Value> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["refused"].is_null())
        .collect();
    let mut current = HashMap::new();
    for f in offered.iter().filter(|f| f["kind"] == "bucket_policy") {
        if let Some(p) = f["policy_before"].as_str() {
            current.insert(f["resource"].as_str().unwrap().to_string(), p.to_string());
        }
        let file = out.join(format!("policies/{}.json", f["resource"].as_str().unwrap()));
        let written = std::fs::read_to_string(&file).expect("the merged policy is written");
        assert_eq!(written.trim_end(), f["policy_after"].as_str().unwrap());
    }
    fake_aws(&dir, &current);
    let path = format!(
        "{}:{}",
        dir.path("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let ran = Command::new("sh")
        .arg(out.join("fix.sh"))
        .env("PATH", path)
        .output()
        .expect("sh runs");
    let said = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    // Every current policy saved before anything is put.
    for (bucket, text) in &current {
        let saved = std::fs::read_to_string(out.join(format!("backup/{bucket}.json"))).unwrap();
        assert_eq!(saved.trim_end(), text.trim_end(), "{bucket} backed up");
    }
    let calls = std::fs::read_to_string(dir.path("calls.log")).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    for f in offered.iter().filter(|f| f["kind"] == "bucket_policy") {
        let b = f["resource"].as_str().unwrap();
        let put = lines
            .iter()
            .position(|l| l.contains("put-bucket-policy") && l.contains(&format!("--bucket {b} ")))
            .unwrap_or_else(|| panic!("{b} put"));
        if current.contains_key(b) {
            let got = lines
                .iter()
                .position(|l| {
                    l.contains("get-bucket-policy") && l.contains(&format!("--bucket {b} "))
                })
                .unwrap();
            assert!(got < put, "{b}: backed up before it is changed");
        }
        assert!(lines[put].contains(&format!("--policy file://policies/{b}.json")));
    }
    for kind in [
        "update-work-group",
        "modify-vpn-tunnel-options",
        "create-policy",
        "attach-policy",
    ] {
        assert!(calls.contains(kind), "{kind} called");
    }
    assert!(said.contains("To undo, run the rollback commands"));
    assert!(said.contains("delete-bucket-policy") || said.contains("--policy file://backup/"));
}

/// The numbers of a bucket count in a report: enforced buckets, and findings that pass.
fn report_counts(snapshot: &std::path::Path) -> (usize, HashMap<String, String>) {
    let text = stdout(&[
        "report",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&text).unwrap();
    let enforced = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "s3.deny_http" && f["status"] == "pass")
        .count();
    let statuses = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (enforced, statuses)
}

#[test]
fn the_plans_numbers_match_a_rescan_of_the_fixed_estate() {
    let dir = TempDir::new("fix-plan");
    let snap = dir.path("demo.json");
    // The demo's scan is incomplete on purpose (exit 4); the snapshot is written.
    run(&["scan", "--demo", "--out", snap.to_str().unwrap()]);
    assert!(snap.exists(), "the demo snapshot is written");
    let v: Value = serde_json::from_str(&stdout(&[
        "fix",
        "--snapshot",
        snap.to_str().unwrap(),
        "--failing",
        "--format",
        "json",
    ]))
    .unwrap();
    let policies: HashMap<&str, &str> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "bucket_policy" && f["refused"].is_null())
        .map(|f| {
            (
                f["resource"].as_str().unwrap(),
                f["policy_after"].as_str().unwrap(),
            )
        })
        .collect();
    // The account-wide bucket action: its buckets get their merged policies in the file.
    let item = v["plan"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["action"]
                .as_str()
                .unwrap()
                .contains("policies of account")
        })
        .expect("an account's bucket policies");
    let mut estate: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    for b in estate["buckets"].as_array_mut().unwrap() {
        let name = b["name"].as_str().unwrap().to_string();
        if item["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == &name)
        {
            b["policy"] = serde_json::json!({"state": "present", "text": policies[name.as_str()]});
        }
    }
    let fixed = dir.write("fixed.json", &estate.to_string());
    let (before_enforced, before) = report_counts(&snap);
    let (after_enforced, after) = report_counts(&fixed);
    let r = &item["resolves"];
    assert_eq!(
        after_enforced - before_enforced,
        r["buckets"].as_u64().unwrap() as usize,
        "buckets made enforced: {item:#}"
    );
    let resolved = after
        .iter()
        .filter(|(id, s)| {
            *s == "pass"
                && before
                    .get(*id)
                    .is_some_and(|b| ["fail", "partial", "unknown"].contains(&b.as_str()))
        })
        .count();
    assert_eq!(
        resolved,
        r["findings"].as_u64().unwrap() as usize,
        "findings resolved"
    );
}
