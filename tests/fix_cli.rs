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
    for format in ["text", "json", "sh", "terraform"] {
        let out = stdout(&["fix", "--demo", "--failing", "--format", format]);
        insta::assert_snapshot!(format!("demo_{format}"), out);
    }
    // CloudFormation: a template per account and region (a stack lives in one of each), so
    // only into a directory.
    let refused = run(&["fix", "--demo", "--failing", "--format", "cloudformation"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("give --out DIR"));
    let dir = TempDir::new("fix-cfn");
    let out = dir.path("out");
    let out_arg = out.to_str().unwrap();
    stdout(&[
        "fix",
        "--demo",
        "--failing",
        "--format",
        "cloudformation",
        "--out",
        out_arg,
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut all = String::new();
    for name in names {
        let text = std::fs::read_to_string(out.join(&name)).unwrap();
        let _: Value = serde_json::from_str(&text).expect("a JSON template");
        all.push_str(&format!("=== {name}\n{text}"));
    }
    insta::assert_snapshot!("demo_cloudformation", all);
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

/// A stand-in `aws`: records each call's arguments; answers `get-caller-identity` with
/// `$FAKE_ACCOUNT`, `get-bucket-policy` with the policy the estate says the bucket has (as
/// `--output text` prints it), the organization's management account with `$FAKE_MANAGEMENT`,
/// a workgroup as not enforced, each tunnel as UP with a new status change at every look,
/// and `create-policy` with a policy id.
fn fake_aws(dir: &TempDir, policies: &HashMap<String, String>) {
    let mut cases = String::new();
    for (bucket, text) in policies {
        let file = dir.write(&format!("current/{bucket}.json"), text);
        cases.push_str(&format!(
            "    *\"--bucket {bucket} \"*) cat '{}'; echo ;;\n",
            file.display()
        ));
    }
    let script = format!(
        r#"#!/bin/sh
printf '%s\n' "$*" >> '{log}'
case "$*" in
  *get-caller-identity*) echo "$FAKE_ACCOUNT" ;;
  *get-bucket-policy*)
    case "$* " in
{cases}      *) echo 'An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation' >&2; exit 254 ;;
    esac ;;
  *get-work-group*) echo False ;;
  *describe-vpn-connections*)
    n=$(cat '{counter}' 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > '{counter}'
    printf 'UP\t2026-12-04T10:00:%02dZ\n' "$n" ;;
  *describe-organization*) echo "$FAKE_MANAGEMENT" ;;
  *create-policy*) echo p-0123456789 ;;
esac
"#,
        log = dir.path("calls.log").display(),
        counter = dir.path("counter").display(),
    );
    let aws = dir.write("bin/aws", &script);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs `script` with the stand-in `aws` as `account`; the calls it made.
fn run_as(dir: &TempDir, script: &std::path::Path, account: &str) -> (Output, Vec<String>) {
    let _ = std::fs::remove_file(dir.path("calls.log"));
    let path = format!(
        "{}:{}",
        dir.path("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let ran = Command::new("sh")
        .arg(script)
        .env("PATH", path)
        .env("FAKE_ACCOUNT", account)
        .env("FAKE_MANAGEMENT", "111122223333")
        .env("INTRANSIT_FIX_POLL", "0")
        .output()
        .expect("sh runs");
    let calls = std::fs::read_to_string(dir.path("calls.log")).unwrap_or_default();
    (ran, calls.lines().map(str::to_string).collect())
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The one run directory `backup/ACCOUNT-TIME/` of `account`.
fn run_dir(out: &std::path::Path, account: &str) -> std::path::PathBuf {
    let dirs: Vec<_> = std::fs::read_dir(out.join("backup"))
        .expect("backup/")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{account}-"))
        })
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

#[test]
fn the_script_changes_only_the_credentials_account_backs_up_first_and_rolls_back() {
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
    let script = out.join("fix.sh");
    let bucket_fixes = |account: &str| -> Vec<String> {
        offered
            .iter()
            .filter(|f| f["kind"] == "bucket_policy" && f["account_id"] == account)
            .map(|f| f["resource"].as_str().unwrap().to_string())
            .collect()
    };
    for account in ["111122223333", "777788889999"] {
        let (ran, calls) = run_as(&dir, &script, account);
        assert!(ran.status.success(), "{}", said(&ran));
        let mine = bucket_fixes(account);
        assert!(!mine.is_empty());
        let puts: Vec<&String> = calls
            .iter()
            .filter(|c| c.contains("put-bucket-policy"))
            .collect();
        assert_eq!(
            puts.len(),
            mine.len(),
            "only this account's buckets: {puts:?}"
        );
        let saved = run_dir(&out, account);
        for b in &mine {
            let at = |op: &str| {
                calls
                    .iter()
                    .position(|c| c.contains(op) && c.contains(&format!("--bucket {b} ")))
                    .unwrap_or_else(|| panic!("{b}: {op}"))
            };
            assert!(
                at("get-bucket-policy") < at("put-bucket-policy"),
                "{b}: read first"
            );
            let put = &calls[at("put-bucket-policy")];
            assert!(
                put.contains(&format!("--expected-bucket-owner {account} ")),
                "{put}"
            );
            assert!(
                put.contains(&format!("--policy file://policies/{b}.json")),
                "{put}"
            );
            if let Some(text) = current.get(b) {
                let kept = std::fs::read_to_string(saved.join(format!("{b}.json"))).unwrap();
                assert_eq!(kept.trim_end(), text.trim_end(), "{b} backed up");
            }
        }
        let is_mine = account == "111122223333";
        for (op, expected) in [
            ("update-work-group", true),
            ("modify-vpn-tunnel-options", is_mine),
            ("create-policy", is_mine),
            ("attach-policy", is_mine),
        ] {
            assert_eq!(
                calls.iter().any(|c| c.contains(op)),
                expected,
                "{account}: {op}\n{}",
                said(&ran)
            );
        }
        assert!(said(&ran).contains(&format!("to undo: sh {}", "backup/")));
        // The rollback undoes this run, newest first: the last bucket put is restored first.
        let rollback = std::fs::read_to_string(saved.join("rollback.sh")).unwrap();
        let undo: Vec<&str> = rollback.lines().filter(|l| l.starts_with("aws ")).collect();
        let changes = calls
            .iter()
            .filter(|c| {
                [
                    "put-bucket-policy",
                    "update-work-group",
                    "modify-vpn-tunnel-options",
                    "create-policy",
                    "attach-policy",
                ]
                .iter()
                .any(|op| c.contains(op))
            })
            .count();
        assert_eq!(undo.len(), changes, "{rollback}");
        let last = mine.last().unwrap();
        let first_bucket_undo = undo.iter().find(|l| l.contains(" --bucket ")).unwrap();
        assert!(
            first_bucket_undo.contains(&format!("--bucket {last} ")),
            "{rollback}"
        );
        let (ran, calls) = run_as(&dir, &saved.join("rollback.sh"), account);
        assert!(ran.status.success(), "{}", said(&ran));
        for b in &mine {
            let back = calls
                .iter()
                .find(|c| c.contains(&format!("--bucket {b} ")))
                .unwrap_or_else(|| panic!("{b} rolled back"));
            if current.contains_key(b) {
                assert!(back.contains("put-bucket-policy --region"), "{back}");
                assert!(saved.join(format!("{b}.json")).exists(), "{back}");
            } else {
                assert!(back.contains("delete-bucket-policy"), "{back}");
            }
        }
    }
}

#[test]
fn a_policy_changed_since_the_review_is_skipped_not_overwritten() {
    let dir = TempDir::new("fix-sh-drift");
    let out = dir.path("out");
    let bucket = "apac-sales-ingest-apse2";
    let o = run(&[
        "fix",
        "--demo",
        "--bucket",
        bucket,
        "--bucket",
        "athena-results-sandbox-use1",
        "--format",
        "sh",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let changed = r#"{"Version":"2012-10-17","Statement":[]}"#.to_string();
    fake_aws(&dir, &HashMap::from([(bucket.to_string(), changed)]));
    let (ran, calls) = run_as(&dir, &out.join("fix.sh"), "111122223333");
    assert!(ran.status.success(), "{}", said(&ran));
    assert!(
        said(&ran).contains(&format!(
            "bucket {bucket}: its policy is not the one reviewed"
        )),
        "{}",
        said(&ran)
    );
    assert!(!calls.iter().any(|c| c.contains("put-bucket-policy")));
    assert!(
        said(&ran).contains("0 changed, 1 skipped"),
        "{}",
        said(&ran)
    );
    // The sandbox bucket is another account's: skipped as a whole.
    assert!(said(&ran).contains("== account 777788889999: skipped"));
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

/// A floor asked for is in every change that denies plain HTTP: the RCP too, and the plan
/// evaluates the RCP it would attach.
#[test]
fn the_tls_floor_reaches_the_rcp() {
    let v = fixes(&["--failing", "--min-tls", "1.2"]);
    let rcps: Vec<&Value> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "rcp" && f["refused"].is_null())
        .collect();
    assert!(!rcps.is_empty());
    for f in rcps {
        let doc: Value = serde_json::from_str(f["policy_after"].as_str().unwrap()).unwrap();
        let floor = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "EnforceMinimumTLS")
            .expect("the floor statement");
        assert_eq!(
            floor["Condition"]["NumericLessThan"]["s3:TlsVersion"],
            "1.2"
        );
    }
    let without = fixes(&["--failing"]);
    assert!(
        without["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "rcp")
            .all(|f| !f["policy_after"]
                .as_str()
                .unwrap_or("")
                .contains("TlsVersion"))
    );
}
