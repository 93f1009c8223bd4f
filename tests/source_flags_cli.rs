//! The source flags against the environment: `AWS_ENDPOINT_URL` (set by LocalStack and other
//! emulator setups) configures live scans only; it must never make `--demo` or `--snapshot` a
//! usage error. Only an explicit `--endpoint-url` conflicts with them.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_intransit");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("AWS_ENDPOINT_URL", "http://localhost:4566")
        .env("NO_COLOR", "1")
        .output()
        .expect("run intransit")
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn demo_runs_with_aws_endpoint_url_in_the_environment() {
    let o = run(&["overview", "--demo", "--no-latency"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!o.stdout.is_empty(), "{}", text(&o));
}

#[test]
fn scan_demo_runs_with_aws_endpoint_url_in_the_environment() {
    let o = run(&["scan", "--demo", "--no-latency"]);
    // 4: the demo estate holds a failed Direct Connect listing and a refused role, as real
    // estates do.
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(
        text(&o).contains("incomplete scan: 2 listings failed"),
        "{}",
        text(&o)
    );
    let snapshot: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("scan writes a JSON snapshot");
    assert!(
        snapshot["buckets"]
            .as_array()
            .is_some_and(|b| !b.is_empty())
    );

    // And the snapshot reads back offline under the same environment.
    let path = std::env::temp_dir().join(format!(
        "intransit-source-flags-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, &o.stdout).expect("write snapshot");
    let back = run(&["overview", "--snapshot", path.to_str().expect("utf-8 path")]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(back.status.code(), Some(0), "{}", text(&back));
}

#[test]
fn explicit_endpoint_url_with_demo_is_still_a_usage_error() {
    let o = run(&[
        "overview",
        "--demo",
        "--endpoint-url",
        "http://localhost:4566",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--endpoint-url"),
        "{}",
        text(&o)
    );
}
