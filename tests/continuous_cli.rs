//! Continuous assurance from the command line, as a daily CI job runs it: `report
//! --exceptions … --fail-on fail`, `scan --out-dir DIR` and `diff --since DIR --fail-on
//! regression`, with their exit codes; `diff` output as golden files over a pair of demo
//! snapshots edited to hold every kind of change.

mod temp_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use temp_support::TempDir;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_intransit");

/// Runs intransit in `dir` (relative paths in its output stay the same from run to run).
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run intransit")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn entry(keys: &str, expires: &str) -> String {
    format!(
        "[[exception]]\n{keys}\nreason = \"Vendor appliance speaks HTTP only\"\nowner = \"data-platform@example.com\"\nexpires = {expires}\nticket = \"SEC-1234\"\n"
    )
}

// ---- exceptions and --fail-on -------------------------------------------------------------

#[test]
fn fail_on_sets_accepted_findings_aside_until_they_expire() {
    let dir = TempDir::new("fail-on");
    let base = ["report", "--demo", "--format", "json", "--fail-on", "fail"];
    let plain = run(&dir.0, &base);
    assert_eq!(code(&plain), 1, "the demo has failing controls");
    // Every finding that needs accepting, accepted.
    dir.write("all.toml", &entry("check = \"*\"", "2027-03-31"));
    let mut args = base.to_vec();
    args.extend(["--exceptions", "all.toml", "--as-of", "2027-03-31"]);
    let accepted = run(&dir.0, &args);
    assert_eq!(code(&accepted), 0, "{}", stderr(&accepted));
    let report: Value = serde_json::from_str(&stdout(&accepted)).expect("JSON report");
    assert_eq!(report["exceptions"]["active"], 1);
    assert_eq!(report["exceptions"]["file"], "all.toml");
    let findings = report["findings"].as_array().expect("findings");
    let failing: Vec<&Value> = findings.iter().filter(|f| f["status"] == "fail").collect();
    assert!(!failing.is_empty(), "statuses never change");
    assert!(
        failing
            .iter()
            .all(|f| f["disposition"] == "accepted" && f["ticket"] == "SEC-1234"),
        "every failing finding is marked accepted"
    );
    assert!(
        findings
            .iter()
            .filter(|f| f["status"] == "pass")
            .all(|f| f.get("disposition").is_none()),
        "a passing finding needs no acceptance"
    );
    // The day after its expiry, the failures count again, with a warning.
    let mut args = base.to_vec();
    args.extend(["--exceptions", "all.toml", "--as-of", "2027-04-01"]);
    let expired = run(&dir.0, &args);
    assert_eq!(code(&expired), 1);
    assert!(
        stderr(&expired).contains("warning: exception 1 (SEC-1234) expired on 2027-03-31"),
        "{}",
        stderr(&expired)
    );
}

#[test]
fn the_default_file_is_read_from_the_working_directory() {
    let dir = TempDir::new("default");
    dir.write(
        ".intransit/exceptions.toml",
        &entry("check = \"*\"", "2099-12-31"),
    );
    let o = run(&dir.0, &["report", "--demo", "--fail-on", "fail"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("## Accepted exceptions"), "{md}");
    assert!(md.contains("From `.intransit/exceptions.toml`"), "{md}");
    assert!(md.contains("(accepted: exception 1)"), "{md}");
}

#[test]
fn a_malformed_or_missing_file_stops_the_report_and_accepts_nothing() {
    let dir = TempDir::new("malformed");
    dir.write(
        "bad.toml",
        "[[exception]]\ncheck = \"s3.deny_http\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-03-31\nmute = true\n",
    );
    let o = run(
        &dir.0,
        &[
            "report",
            "--demo",
            "--exceptions",
            "bad.toml",
            "--fail-on",
            "fail",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).is_empty(), "no report is written");
    assert!(
        stderr(&o).contains("bad.toml: line 6, column 1: unknown field `mute`"),
        "{}",
        stderr(&o)
    );
    let o = run(&dir.0, &["report", "--demo", "--exceptions", "none.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("none.toml"), "{}", stderr(&o));
}

#[test]
fn every_format_says_which_findings_are_accepted() {
    let dir = TempDir::new("formats");
    dir.write(
        "x.toml",
        &format!(
            "{}{}",
            entry(
                "check = \"s3.deny_http\"\naccount = \"analytics-prod\"",
                "2099-12-31"
            ),
            entry("resource = \"no-such-bucket\"", "2099-12-31")
        ),
    );
    let report = |format: &str| {
        let o = run(
            &dir.0,
            &[
                "report",
                "--demo",
                "--exceptions",
                "x.toml",
                "--format",
                format,
            ],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let csv = report("csv");
    let accepted_rows = csv.lines().filter(|l| l.contains(",accepted,")).count();
    assert!(accepted_rows > 0, "{csv}");
    assert!(
        csv.lines()
            .filter(|l| l.contains(",accepted,"))
            .all(|l| l.starts_with("s3.deny_http/") && l.contains("exception 1: Vendor appliance")),
        "only the entry's findings; the cell names the exception"
    );
    let ocsf: Value = serde_json::from_str(&report("ocsf")).expect("OCSF JSON");
    let events = ocsf.as_array().expect("events");
    let suppressed: Vec<&Value> = events.iter().filter(|e| e["status_id"] == 3).collect();
    assert_eq!(suppressed.len(), accepted_rows);
    assert!(suppressed.iter().all(|e| {
        e["status"] == "Suppressed"
            && e["comment"]
                .as_str()
                .is_some_and(|c| c.contains("SEC-1234"))
    }),);
    let md = report("markdown");
    assert!(md.contains("1 active, 0 expired, 1 stale"), "{md}");
    assert!(
        md.contains("stale: matches no finding that needs accepting"),
        "{md}"
    );
}

// ---- diff -----------------------------------------------------------------------------------

const DENY_HTTP: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::NAME","arn:aws:s3:::NAME/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

fn bucket_mut<'a>(snap: &'a mut Value, name: &str) -> &'a mut Value {
    snap["buckets"]
        .as_array_mut()
        .expect("buckets")
        .iter_mut()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("demo bucket {name}"))
}

/// The demo estate as `scan` writes it (at a fixed time), and the same estate a day later
/// with one change of every kind.
fn snapshot_pair(dir: &TempDir) -> (PathBuf, PathBuf) {
    let o = run(&dir.0, &["scan", "--demo", "--out", "scan.json"]);
    assert!(dir.path("scan.json").exists(), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path("scan.json")).expect("snapshot");
    let mut base: Value = serde_json::from_str(&text).expect("snapshot JSON");
    base["scan"]["started_at"] = json!("2026-12-01T06:00:00Z");
    base["scan"]["finished_at"] = json!("2026-12-01T06:00:05Z");
    let mut new = base.clone();
    new["scan"]["started_at"] = json!("2026-12-02T06:00:00Z");
    new["scan"]["finished_at"] = json!("2026-12-02T06:00:05Z");
    // A result bucket loses its deny-HTTP statement (regression: verdict, findings, controls).
    bucket_mut(&mut new, "athena-results-analytics-prod-use1")["policy"] = json!({
        "state": "present",
        "text": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::athena-results-analytics-prod-use1/*"}]}"#,
    });
    // A landing bucket gains it (improvement).
    bucket_mut(&mut new, "clickstream-landing-use1")["policy"] = json!({
        "state": "present",
        "text": DENY_HTTP.replace("NAME", "clickstream-landing-use1"),
    });
    let buckets = new["buckets"].as_array_mut().expect("buckets");
    // One removed (neutral), one added without a policy (regression).
    buckets.retain(|b| b["name"] != "cur-reports-northwind");
    let mut added = buckets[0].clone();
    added["name"] = json!("partner-drop-new-use1");
    added["policy"] = json!({"state": "none"});
    buckets.push(added);
    // A VPN tunnel went down, a VPC endpoint was removed, an account could not be entered.
    new["connectivity"]["vpn_connections"][0]["tunnels"][0]["status"] = json!("DOWN");
    new["connectivity"]["vpc_endpoints"]
        .as_array_mut()
        .expect("endpoints")
        .retain(|e| e["id"] != "vpce-0a6c8e1b3d5f7a9c2");
    for a in new["accounts"].as_array_mut().expect("accounts") {
        if a["id"] == "222233334444" {
            a["scan_state"] = json!("not_scanned");
            a["scan_error"] = json!("sts:AssumeRole: AccessDenied");
        }
    }
    let b = dir.write("base.json", &serde_json::to_string(&base).expect("JSON"));
    let n = dir.write("new.json", &serde_json::to_string(&new).expect("JSON"));
    (b, n)
}

#[test]
fn diff_names_every_kind_of_change_in_every_format() {
    let dir = TempDir::new("diff");
    snapshot_pair(&dir);
    for format in ["text", "markdown", "json"] {
        let o = run(
            &dir.0,
            &["diff", "base.json", "new.json", "--format", format],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        insta::assert_snapshot!(format!("diff_{format}"), stdout(&o));
    }
    let o = run(
        &dir.0,
        &["diff", "base.json", "new.json", "--format", "json"],
    );
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("diff JSON");
    let kinds: std::collections::BTreeSet<&str> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    for want in [
        "bucket_verdict",
        "bucket_added",
        "bucket_removed",
        "finding_status",
        "finding_added",
        "tunnel_status",
        "endpoint_removed",
        "account_scan_state",
    ] {
        assert!(kinds.contains(want), "{want} missing from {kinds:?}");
    }
}

#[test]
fn denying_http_on_every_readable_bucket_improves_the_control_that_checks_it() {
    let dir = TempDir::new("diff-control");
    snapshot_pair(&dir);
    let text = std::fs::read_to_string(dir.path("base.json")).expect("base");
    let mut fixed: Value = serde_json::from_str(&text).expect("JSON");
    for b in fixed["buckets"].as_array_mut().expect("buckets") {
        if matches!(b["policy"]["state"].as_str(), Some("present" | "none")) {
            let name = b["name"].as_str().expect("name").to_string();
            b["policy"] = json!({"state": "present", "text": DENY_HTTP.replace("NAME", &name)});
        }
    }
    dir.write("fixed.json", &serde_json::to_string(&fixed).expect("JSON"));
    let o = run(
        &dir.0,
        &["diff", "base.json", "fixed.json", "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("diff JSON");
    let control = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["kind"] == "control_status" && c["subject"] == "control cis-aws-5.0:2.1.1")
        .expect("the CIS control that checks only s3.deny_http changed");
    assert_eq!(control["impact"], "improvement");
    assert_eq!(control["before"], "fail");
    // The canonical statement sets no TLS floor: where a policy had one, losing it is a
    // regression, and nothing else is.
    let regressions: Vec<&Value> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["impact"] == "regression")
        .collect();
    assert!(
        regressions.iter().all(|c| c["kind"] == "bucket_min_tls"
            || c["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("s3.tls_floor/"))),
        "{regressions:#?}"
    );
}

#[test]
fn diff_fails_on_regressions_only_when_asked() {
    let dir = TempDir::new("diff-exit");
    snapshot_pair(&dir);
    let o = run(
        &dir.0,
        &["diff", "base.json", "new.json", "--fail-on", "regression"],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("regressions since base.json"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &dir.0,
        &["diff", "base.json", "base.json", "--fail-on", "regression"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("No change."));
    // Backwards, the regressions are improvements: nothing fails.
    let o = run(
        &dir.0,
        &["diff", "new.json", "base.json", "--format", "json"],
    );
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("diff JSON");
    assert!(doc["summary"]["improvements"].as_u64() > Some(0));
    let o = run(&dir.0, &["diff", "missing.json", "new.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
    let o = run(&dir.0, &["diff"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("diff needs a base"), "{}", stderr(&o));
}

#[test]
fn scan_out_dir_keeps_a_history_that_diff_since_compares_with() {
    let dir = TempDir::new("history");
    let o = run(&dir.0, &["diff", "--since", "history", "--demo"]);
    assert_eq!(code(&o), 2, "no history yet");
    assert!(
        stderr(&o).contains("scan --out-dir history"),
        "{}",
        stderr(&o)
    );
    for _ in 0..2 {
        let o = run(&dir.0, &["scan", "--demo", "--out-dir", "history"]);
        assert!(matches!(code(&o), 0 | 3 | 4), "{}", stderr(&o));
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path("history"))
        .expect("history")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "two scans and latest.json: {names:?}");
    assert!(names.contains(&"latest.json".to_string()));
    assert!(names.iter().filter(|n| n.starts_with("intransit-")).count() == 2);
    let o = run(
        &dir.0,
        &[
            "diff",
            "--since",
            "history",
            "--demo",
            "--fail-on",
            "regression",
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("No change."), "{}", stdout(&o));
    // The newest history file is the base: an edited estate diffs against it.
    let (_, new) = snapshot_pair(&dir);
    let o = run(
        &dir.0,
        &[
            "diff",
            "--since",
            "history",
            new.to_str().expect("path"),
            "--fail-on",
            "regression",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}
