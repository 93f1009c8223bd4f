//! `intransit check-policy` end to end: exit codes, JSON and text output, stdin, errors.

mod temp_support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use temp_support::TempDir;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_intransit");

/// The `policy` (or `policy_text`) of the corpus case `NNN-<slug>.json`, as the text a user
/// would put in a file. Cases are found by slug so renumbering the corpus does not break this.
fn corpus_policy(slug: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus");
    let wanted = format!("{slug}.json");
    let path = std::fs::read_dir(&dir)
        .expect("tests/corpus is readable")
        .map(|e| e.expect("directory entry").path())
        .find(|p| {
            p.file_name().is_some_and(|f| {
                f.to_string_lossy()
                    .split_once('-')
                    .is_some_and(|(_, rest)| rest == wanted)
            })
        })
        .unwrap_or_else(|| panic!("no corpus case NNN-{wanted}"));
    let file = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let case: Value = serde_json::from_str(&text).expect("corpus case is JSON");
    match (&case["policy"], &case["policy_text"]) {
        (Value::Object(_), _) => serde_json::to_string_pretty(&case["policy"]).unwrap(),
        (_, Value::String(t)) => t.clone(),
        _ => panic!("{file} has neither policy nor policy_text"),
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run intransit")
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn intransit");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait intransit")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

fn assert_contract_fields(v: &Value) {
    for field in [
        "bucket", "verdict", "min_tls", "gaps", "evidence", "warnings",
    ] {
        assert!(v.get(field).is_some(), "JSON output lacks {field:?}: {v:#}");
    }
    assert!(v["gaps"].is_array(), "gaps is not a list: {v:#}");
    assert!(v["evidence"].is_array(), "evidence is not a list: {v:#}");
    assert!(v["warnings"].is_array(), "warnings is not a list: {v:#}");
}

#[test]
fn json_output_for_corpus_policies() {
    let dir = TempDir::new("json");
    let cases = [
        ("aws-canonical", "enforced", Value::Null),
        ("objects-only", "partial", Value::Null),
        ("resource-wrong-bucket", "not_enforced", Value::Null),
        (
            "tls-floor-with-canonical",
            "enforced",
            Value::String("1.2".into()),
        ),
    ];
    for (file, verdict, min_tls) in cases {
        let path = dir.write(file, &corpus_policy(file));
        let out = run(&[
            "check-policy",
            "--bucket",
            "example-bucket",
            "--format",
            "json",
            path.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: exit status; stderr: {}",
            stderr(&out)
        );
        let v = json_of(&out);
        assert_contract_fields(&v);
        assert_eq!(v["bucket"], "example-bucket", "{file}: {v:#}");
        assert_eq!(v["verdict"], verdict, "{file}: {v:#}");
        assert_eq!(v["min_tls"], min_tls, "{file}: {v:#}");
    }
}

#[test]
fn json_output_with_partition() {
    let dir = TempDir::new("partition");
    let file = "resource-us-gov";
    let path = dir.write(file, &corpus_policy(file));
    let out = run(&[
        "check-policy",
        "--bucket",
        "example-bucket",
        "--partition",
        "aws-us-gov",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_contract_fields(&v);
    assert_eq!(v["verdict"], "enforced", "{v:#}");

    // The same aws-us-gov policy judged for a bucket in the aws partition enforces nothing.
    let out = run(&[
        "check-policy",
        "--bucket",
        "example-bucket",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(json_of(&out)["verdict"], "not_enforced");
}

#[test]
fn text_output_starts_with_bucket_and_verdict() {
    let dir = TempDir::new("text");
    let cases = [
        ("aws-canonical", "ENFORCED"),
        ("objects-only", "PARTIAL"),
        ("resource-wrong-bucket", "NOT ENFORCED"),
    ];
    for (file, word) in cases {
        let path = dir.write(file, &corpus_policy(file));
        // Text is the default format; ask for it explicitly once, rely on the default once.
        for explicit in [true, false] {
            let mut args = vec!["check-policy", "--bucket", "example-bucket"];
            if explicit {
                args.extend(["--format", "text"]);
            }
            args.push(path.to_str().unwrap());
            let out = run(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{file}: stderr: {}",
                stderr(&out)
            );
            let text = stdout(&out);
            let first = text.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("example-bucket"),
                "{file}: first line does not start with the bucket: {first:?}"
            );
            let alt = word.replace(' ', "_");
            assert!(
                first.contains(word) || first.contains(&alt),
                "{file}: first line lacks {word:?}: {first:?}"
            );
            if word == "ENFORCED" {
                assert!(
                    !first.contains("NOT ENFORCED") && !first.contains("NOT_ENFORCED"),
                    "{file}: {first:?}"
                );
            }
        }
    }
}

#[test]
fn reads_policy_from_stdin() {
    let policy = corpus_policy("aws-canonical");
    let out = run_stdin(
        &[
            "check-policy",
            "--bucket",
            "example-bucket",
            "--format",
            "json",
            "-",
        ],
        &policy,
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let v = json_of(&out);
    assert_contract_fields(&v);
    assert_eq!(v["verdict"], "enforced", "{v:#}");

    let out = run_stdin(
        &["check-policy", "--bucket", "example-bucket", "-"],
        &policy,
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with("example-bucket"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn malformed_policy_exits_1_with_one_line_naming_file_and_location() {
    let dir = TempDir::new("malformed");
    let file = "malformed-effect.json";
    let path = dir.write(file, &corpus_policy("malformed-effect-denny"));
    let out = run(&[
        "check-policy",
        "--bucket",
        "example-bucket",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "stdout: {}", stdout(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {err:?}");
    assert!(
        lines[0].contains(path.to_str().unwrap()),
        "stderr does not name the file: {err:?}"
    );
    assert!(
        lines[0].contains("Statement[1].Effect"),
        "stderr does not give the location: {err:?}"
    );
    assert!(stdout(&out).trim().is_empty(), "stdout: {}", stdout(&out));

    // Invalid JSON: the location is a line and column.
    let path = dir.write("truncated.json", &corpus_policy("malformed-invalid-json"));
    let out = run(&[
        "check-policy",
        "--bucket",
        "example-bucket",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {err:?}");
    assert!(lines[0].contains(path.to_str().unwrap()), "{err:?}");
    assert!(lines[0].contains("line 1"), "{err:?}");
}

#[test]
fn missing_file_exits_1() {
    let dir = TempDir::new("missing");
    let path = dir.0.join("does-not-exist.json");
    let out = run(&[
        "check-policy",
        "--bucket",
        "example-bucket",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "stdout: {}", stdout(&out));
    assert!(
        stderr(&out).contains("does-not-exist.json"),
        "stderr: {}",
        stderr(&out)
    );
}

#[test]
fn unknown_partition_is_a_usage_error() {
    let dir = TempDir::new("usage");
    let path = dir.write("p.json", &corpus_policy("aws-canonical"));
    let out = run(&[
        "check-policy",
        "--bucket",
        "example-bucket",
        "--partition",
        "nope",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
}

/// What a terminal would act on: ESC, BEL, NUL, DEL, C1 controls (U+0080..U+009F) and
/// bidirectional overrides.
fn hostile_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(*c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// A file name that sets the terminal title and an `Effect` with a C1 CSI and a right-to-left
/// override: the error on stderr names both, with nothing a terminal would act on.
#[test]
fn untrusted_file_names_and_values_reach_stderr_sanitized() {
    let dir = TempDir::new("hostile");
    let policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \
                  \"De\u{9b}2Jny\u{202e}\", \"Principal\": \"*\", \"Action\": \"s3:*\", \
                  \"Resource\": \"*\"}]}";
    let path = dir.write("x\u{1b}]0;pwned\u{7}.json", policy);
    let out = run(&[
        "check-policy",
        "--bucket",
        "b",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(hostile_chars(&err), Vec::<char>::new(), "{err:?}");
    assert!(err.contains("x.json"), "names the file: {err:?}");
    assert!(err.contains("Effect"), "names the field: {err:?}");
    assert!(!err.contains("pwned"), "{err:?}");

    let missing = dir.0.join("gone\u{9d}0;t\u{9c}\u{202e}.json");
    let out = run(&[
        "check-policy",
        "--bucket",
        "b",
        missing.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        hostile_chars(&stderr(&out)),
        Vec::<char>::new(),
        "{:?}",
        stderr(&out)
    );
}

/// JSON output keeps an untrusted value exactly but escapes what a terminal would act on.
#[test]
fn json_output_escapes_untrusted_characters_and_keeps_the_value() {
    let sid = "Deny\u{9b}31m\u{202e}HTTP\u{7f}";
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    });
    let out = run_stdin(
        &["check-policy", "--bucket", "b", "--format", "json", "-"],
        &policy.to_string(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(hostile_chars(&text), Vec::<char>::new(), "{text:?}");
    let v = json_of(&out);
    assert_eq!(v["evidence"][0]["sid"], sid, "the value is unchanged");
    assert!(
        text.contains("\\u009b") && text.contains("\\u202e"),
        "{text}"
    );
}
