//! `intransit report` end to end: formats, `--program`, `--catalog`, `--out`, and the
//! `--fail-on` exit codes CI pipelines rely on.

mod temp_support;

mod compliance_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use temp_support::TempDir;

use compliance_support::*;
use intransit::model::{Estate, SNAPSHOT_SCHEMA, Snapshot};

const BIN: &str = env!("CARGO_BIN_EXE_intransit");

fn report(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("report")
        .args(args)
        .output()
        .expect("run intransit")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn snapshot_file(dir: &TempDir, estate: Estate) -> PathBuf {
    let snap = Snapshot {
        schema: SNAPSHOT_SCHEMA.to_string(),
        scan: fixed_meta(intransit::model::Mode::Live),
        estate,
    };
    dir.write(
        "snapshot.json",
        &serde_json::to_string_pretty(&snap).expect("encode snapshot"),
    )
}

/// One account, one bucket that denies plain HTTP, one unreadable bucket.
fn clean_estate(with_unknown: bool) -> Estate {
    let mut e = Estate {
        accounts: vec![account(A, "prod")],
        buckets: vec![bucket(
            A,
            USE1,
            "tls-only",
            Pol::Text(canonical("tls-only")),
        )],
        ..Estate::default()
    };
    if with_unknown {
        e.buckets.push(bucket(A, USE1, "locked", Pol::Unreadable));
    }
    e
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn fail_on_exit_codes_on_the_demo() {
    // Without --fail-on, failing controls still exit 0.
    let o = report(&["--demo", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["schema"], "intransit.report/v1");
    assert_eq!(v["scan"]["mode"], "demo");

    for threshold in ["fail", "unknown", "partial"] {
        let o = report(&["--demo", "--format", "csv", "--fail-on", threshold]);
        assert_eq!(code(&o), 1, "--fail-on {threshold}: {}", stderr(&o));
        assert!(
            !o.stdout.is_empty(),
            "the report is written before exiting 1"
        );
        let err = stderr(&o);
        assert!(err.contains(&format!("at or below {threshold}")), "{err}");
        assert!(err.contains("pci-dss-4.0 4.2.1 (fail)"), "{err}");
    }
    let o = report(&[
        "--demo",
        "--program",
        "cis-aws-5.0",
        "--fail-on",
        "fail",
        "--format",
        "ocsf",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("1 control at or below fail: cis-aws-5.0 2.1.1 (fail)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fail_on_follows_the_status_order() {
    let dir = TempDir::new("order");
    let clean = snapshot_file(&dir, clean_estate(false));
    let o = report(&[
        "--snapshot",
        path_str(&clean),
        "--program",
        "cis-aws-5.0",
        "--fail-on",
        "partial",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("**PASS**"));

    let dir2 = TempDir::new("unknown");
    let unknown = snapshot_file(&dir2, clean_estate(true));
    let s = path_str(&unknown);
    // unknown is below partial and above fail.
    assert_eq!(
        code(&report(&[
            "--snapshot",
            s,
            "--program",
            "cis-aws-5.0",
            "--fail-on",
            "fail"
        ])),
        0
    );
    assert_eq!(
        code(&report(&[
            "--snapshot",
            s,
            "--program",
            "cis-aws-5.0",
            "--fail-on",
            "unknown"
        ])),
        1
    );
    assert_eq!(
        code(&report(&[
            "--snapshot",
            s,
            "--program",
            "cis-aws-5.0",
            "--fail-on",
            "partial"
        ])),
        1
    );
}

#[test]
fn catalog_files_add_and_override_programs() {
    let dir = TempDir::new("catalog");
    let extra = dir.write(
        "extra.toml",
        r#"
schema = "intransit.catalog/v1"

[[programs]]
id = "internal"
name = "Internal transit policy"
version = "2025"
publisher = "Security team"

[[programs.controls]]
id = "SEC-7"
title = "Links to AWS are encrypted"
requirement = "Every link between the data centres and AWS is encrypted."
citation = "Internal security policy 2025, section 7"
checks = ["dx.link_encryption"]

[[programs]]
id = "cis-aws-5.0"
name = "CIS AWS Foundations Benchmark"
version = "5.0.0"
publisher = "Center for Internet Security"

[[programs.controls]]
id = "2.1.1"
title = "Overridden title"
requirement = "Every bucket refuses plain HTTP, as our assessor reads it."
citation = "CIS AWS Foundations Benchmark v5.0.0, 2.1.1"
checks = ["s3.deny_http"]
"#,
    );
    let e = path_str(&extra);
    let o = report(&[
        "--demo",
        "--catalog",
        e,
        "--program",
        "internal",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["programs"][0]["id"], "internal");
    assert_eq!(v["programs"][0]["controls"][0]["status"], "fail");
    assert_eq!(v["catalog"]["sources"][1], e);
    let checks: Vec<&str> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(checks, ["dx.link_encryption"]);

    let o = report(&["--demo", "--catalog", e, "--program", "cis-aws-5.0"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("2.1.1: Overridden title"));

    let bad = dir.write(
        "bad.toml",
        &std::fs::read_to_string(&extra)
            .expect("read")
            .replace("dx.link_encryption", "dx.link_encryptoin"),
    );
    let o = report(&["--demo", "--catalog", path_str(&bad)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("dx.link_encryptoin"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());

    let o = report(&["--demo", "--catalog", path_str(&dir.path("missing.toml"))]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn usage_errors_and_out_files() {
    let o = report(&["--demo", "--program", "pci-dss-3.2"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("unknown program") && err.contains("pci-dss-4.0"),
        "{err}"
    );

    let o = report(&["--demo", "--format", "pdf"]);
    assert_eq!(code(&o), 2);

    let o = report(&["--demo", "--fail-on", "pass"]);
    assert_eq!(code(&o), 2, "pass is not a threshold");

    let dir = TempDir::new("out");
    let out = dir.path("pack.md");
    let o = report(&["--demo", "--out", path_str(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&out).expect("report written");
    assert!(text.starts_with("# Evidence pack"));

    let o = report(&["--snapshot", path_str(&dir.path("nope.json"))]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read the estate"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_snapshot_written_compressed_reads_back_to_the_same_report() {
    let dir = TempDir::new("zst");
    let (plain, packed) = (dir.path("demo.json"), dir.path("demo.json.zst"));
    for out in [&plain, &packed] {
        let o = Command::new(BIN)
            .args(["scan", "--demo", "--out", path_str(out)])
            .output()
            .expect("run intransit");
        // The demo simulates a failed Direct Connect listing: exit 4, the snapshot written.
        assert_eq!(code(&o), 4, "{}", stderr(&o));
    }
    let (plain_len, packed_len) = (
        std::fs::metadata(&plain).unwrap().len(),
        std::fs::metadata(&packed).unwrap().len(),
    );
    assert_eq!(
        &std::fs::read(&packed).unwrap()[..4],
        &[0x28, 0xB5, 0x2F, 0xFD],
        "a .zst snapshot is a zstd frame"
    );
    assert!(
        packed_len * 5 < plain_len,
        "compressed {packed_len} bytes, plain {plain_len}"
    );
    // The report without `scan` (the two scans ran at different times).
    let json = |snapshot: &Path| {
        let o = report(&["--snapshot", path_str(snapshot), "--format", "json"]);
        assert!(o.status.success() || code(&o) == 2, "{}", stderr(&o));
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON report");
        v.as_object_mut().unwrap().remove("scan");
        v
    };
    let expected = json(&plain);
    assert!(
        expected == json(&packed),
        "the compressed snapshot reports differently"
    );
    // Recognised by its content, not its name.
    let renamed = dir.path("renamed.json");
    std::fs::copy(&packed, &renamed).unwrap();
    assert!(
        expected == json(&renamed),
        "a renamed compressed snapshot reports differently"
    );
    // A compressed file cut short is an error that names the file (exit 2, no report).
    let bytes = std::fs::read(&packed).unwrap();
    let cut = dir.path("cut.json.zst");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = report(&["--snapshot", path_str(&cut), "--format", "json"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("cut.json.zst"), "{}", stderr(&o));
}
