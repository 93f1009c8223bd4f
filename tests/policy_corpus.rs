//! Table-driven corpus for the bucket-policy TLS analyzer.
//!
//! Every file in `tests/corpus/` is one case: a policy (or raw policy text), the bucket and
//! partition it is judged for, the IAM rule that decides it, and the expected analysis (see
//! `docs/POLICY-ANALYSIS.md`). All disagreements are collected and reported together.
//!
//! `expect` fields: `verdict` and `min_tls` (always); optional `gap_kinds` (exact set),
//! `gap_kinds_include` (kinds that must be among the gaps, for cases where the contract does not
//! pin the whole set), `warning_kinds` (exact set), `evidence` (exact list of statement indices)
//! and `gap_mentions` (substrings some gap message must contain). A malformed policy instead
//! has `error_contains`: a string or a list of strings the parse error must all contain.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use intransit::model::Partition;
use intransit::policy::{Target, analyze_bucket_policy, parse_policy};
use serde_json::Value;

const MIN_CASES: usize = 40;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A list of strings from an expectation field (`["a", "b"]`; a single string is one item).
fn strings(v: &Value, what: &str) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{what}: expected strings, found {i}"))
            })
            .collect(),
        other => Err(format!(
            "{what}: expected a string or a list, found {other}"
        )),
    }
}

fn kinds(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g.get("kind").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn set_text(s: &BTreeSet<String>) -> String {
    format!("{:?}", s.iter().collect::<Vec<_>>())
}

/// Checks one case; `Err` carries every mismatch of that case, already formatted.
fn check_case(case: &Value) -> Result<(), String> {
    let expect = case
        .get("expect")
        .and_then(Value::as_object)
        .ok_or("missing \"expect\" object")?;
    let bucket = case
        .get("bucket")
        .and_then(Value::as_str)
        .ok_or("missing \"bucket\"")?;
    let partition: Partition = case
        .get("partition")
        .and_then(Value::as_str)
        .unwrap_or("aws")
        .parse()
        .map_err(|e| format!("bad \"partition\": {e}"))?;
    let text = match (case.get("policy"), case.get("policy_text")) {
        (Some(p), None) => serde_json::to_string(p).map_err(|e| e.to_string())?,
        (None, Some(Value::String(t))) => t.clone(),
        _ => return Err("needs exactly one of \"policy\" or \"policy_text\" (a string)".into()),
    };

    let parsed = parse_policy(&text);
    if let Some(want) = expect.get("error_contains") {
        let want = strings(want, "error_contains")?;
        return match parsed {
            Ok(_) => Err(format!(
                "expected a parse error containing {want:?}, but the policy parsed"
            )),
            Err(e) => {
                let msg = e.to_string();
                let missing: Vec<&String> = want.iter().filter(|w| !msg.contains(*w)).collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(format!("parse error {msg:?} does not contain {missing:?}"))
                }
            }
        };
    }
    let policy = parsed.map_err(|e| format!("unexpected parse error: {e}"))?;
    let analysis = analyze_bucket_policy(Some(&policy), &Target::new(bucket, partition));
    let actual = serde_json::to_value(&analysis).map_err(|e| e.to_string())?;

    let mut problems: Vec<String> = Vec::new();

    let want_verdict = expect
        .get("verdict")
        .and_then(Value::as_str)
        .ok_or("expect.verdict missing")?;
    let got_verdict = actual["verdict"].as_str().unwrap_or("?");
    if want_verdict != got_verdict {
        problems.push(format!(
            "verdict: expected {want_verdict}, actual {got_verdict}"
        ));
    }

    let want_tls = expect
        .get("min_tls")
        .ok_or("expect.min_tls missing (use null for none)")?;
    if *want_tls != actual["min_tls"] {
        problems.push(format!(
            "min_tls: expected {want_tls}, actual {}",
            actual["min_tls"]
        ));
    }

    let got_gaps = kinds(&actual["gaps"]);
    if let Some(w) = expect.get("gap_kinds") {
        let want: BTreeSet<String> = strings(w, "gap_kinds")?.into_iter().collect();
        if want != got_gaps {
            problems.push(format!(
                "gap_kinds: expected {}, actual {}",
                set_text(&want),
                set_text(&got_gaps)
            ));
        }
    }

    if let Some(w) = expect.get("gap_kinds_include") {
        let want: BTreeSet<String> = strings(w, "gap_kinds_include")?.into_iter().collect();
        let missing: BTreeSet<String> = want.difference(&got_gaps).cloned().collect();
        if !missing.is_empty() {
            problems.push(format!(
                "gap_kinds_include: missing {}, actual {}",
                set_text(&missing),
                set_text(&got_gaps)
            ));
        }
    }

    let got_warnings = kinds(&actual["warnings"]);
    if let Some(w) = expect.get("warning_kinds") {
        let want: BTreeSet<String> = strings(w, "warning_kinds")?.into_iter().collect();
        if want != got_warnings {
            problems.push(format!(
                "warning_kinds: expected {}, actual {}",
                set_text(&want),
                set_text(&got_warnings)
            ));
        }
    }

    let got_evidence: Vec<u64> = actual["evidence"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["statement"].as_u64()).collect())
        .unwrap_or_default();
    if let Some(w) = expect.get("evidence") {
        let want: Vec<u64> = w
            .as_array()
            .ok_or("expect.evidence must be a list of statement indices")?
            .iter()
            .map(|i| i.as_u64().ok_or("expect.evidence: expected integers"))
            .collect::<Result<_, _>>()?;
        if want != got_evidence {
            problems.push(format!(
                "evidence: expected {want:?}, actual {got_evidence:?}"
            ));
        }
    }

    let messages: Vec<&str> = actual["gaps"]
        .as_array()
        .map(|a| a.iter().filter_map(|g| g["message"].as_str()).collect())
        .unwrap_or_default();
    if let Some(w) = expect.get("gap_mentions") {
        for m in strings(w, "gap_mentions")? {
            if !messages.iter().any(|msg| msg.contains(&m)) {
                problems.push(format!("gap_mentions: no gap message contains {m:?}"));
            }
        }
    }

    if problems.is_empty() {
        return Ok(());
    }
    let mut out = String::new();
    for p in &problems {
        let _ = writeln!(out, "    {p}");
    }
    let _ = writeln!(
        out,
        "    actual: verdict={got_verdict} min_tls={} gaps={} warnings={} evidence={got_evidence:?}",
        actual["min_tls"],
        set_text(&got_gaps),
        set_text(&got_warnings)
    );
    for g in actual["gaps"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "    gap {}: {}",
            g["kind"].as_str().unwrap_or("?"),
            g["message"].as_str().unwrap_or("?")
        );
    }
    for w in actual["warnings"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "    warning {}: {}",
            w["kind"].as_str().unwrap_or("?"),
            w["message"].as_str().unwrap_or("?")
        );
    }
    Err(out.trim_end().to_string())
}

#[test]
fn policy_corpus() {
    let files = case_files();
    let mut failures: Vec<String> = Vec::new();
    let mut names: HashSet<String> = HashSet::new();
    let mut checked = 0usize;

    for path in &files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        let case: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{file}: case file is not JSON: {e}"));
                continue;
            }
        };
        checked += 1;

        match case.get("name").and_then(Value::as_str) {
            Some(n) if !n.trim().is_empty() => {
                if !names.insert(n.to_string()) {
                    failures.push(format!("{file}: duplicate case name {n:?}"));
                }
            }
            _ => failures.push(format!("{file}: missing or empty \"name\"")),
        }
        if case
            .get("rule")
            .and_then(Value::as_str)
            .is_none_or(|r| r.trim().is_empty())
        {
            failures.push(format!("{file}: missing or empty \"rule\""));
        }

        if let Err(e) = check_case(&case) {
            let name = case.get("name").and_then(Value::as_str).unwrap_or("?");
            failures.push(format!("{file} ({name}):\n{e}"));
        }
    }

    if checked < MIN_CASES {
        failures.push(format!(
            "the corpus has {checked} cases, expected at least {MIN_CASES}"
        ));
    }

    assert!(
        failures.is_empty(),
        "{} of {checked} corpus cases disagree:\n\n{}\n",
        failures.len(),
        failures.join("\n\n")
    );
}
