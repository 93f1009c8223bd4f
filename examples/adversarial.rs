//! Adversarial bucket policies, to reproduce and measure worst-case analysis time:
//!
//! ```text
//! cargo run --release --no-default-features --example adversarial -- policy reviewer
//! cargo run --release --no-default-features --example adversarial -- time reviewer
//! cargo run --release --no-default-features --example adversarial -- hunt 200
//! cargo run --release --no-default-features --example adversarial -- snapshot demo.json 40
//! ```
//!
//! `policy` prints a policy, `time` analyzes it (`exact`: with no budget at all) and prints the verdict, the work count and the
//! time, `hunt N` tries N generated shapes up to 20 KB and prints the slowest, `snapshot` turns a
//! snapshot written by `intransit scan --demo` into one with N buckets holding 7.5 KB
//! adversarial policies (for `intransit overview --snapshot`).

#[path = "../tests/adversarial_support/mod.rs"]
mod adversarial;

use std::time::Instant;

use adversarial::Shape;
use intransit::model::Partition;
use intransit::policy::{Budget, PolicyInput, PolicySource, Target, analyze_within, parse_policy};
use serde_json::{Value, json};

fn shape(name: &str) -> Shape {
    match name {
        "reviewer" => Shape::reviewer(),
        "snapshot" => Shape::snapshot_bucket(7, "bucket"),
        seed => Shape::hunt(seed.parse().expect("a shape name or a seed")),
    }
}

/// Analyzes `text` for `bucket` within the standard budget; returns (milliseconds, verdict
/// and work units, warnings).
fn time(text: &str, bucket: &str) -> (f64, String, Vec<String>) {
    time_within(text, bucket, Budget::standard())
}

fn time_within(text: &str, bucket: &str, budget: Budget) -> (f64, String, Vec<String>) {
    let policy = parse_policy(text).expect("generated policies parse");
    let target = Target::new(bucket, Partition::Aws);
    let source = PolicySource::BucketPolicy;
    let inputs = [PolicyInput {
        source: &source,
        policy: &policy,
    }];
    let start = Instant::now();
    let b = analyze_within(&target, &inputs, budget);
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let warnings = b
        .analysis
        .warnings
        .iter()
        .map(|w| format!("{:?}", w.kind))
        .collect();
    (
        ms,
        format!("{} ({} units)", b.analysis.verdict, b.work),
        warnings,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("policy") => {
            let s = shape(args.get(1).map_or("reviewer", String::as_str));
            println!("{}", adversarial::policy(&s));
        }
        Some("time") => {
            let s = shape(args.get(1).map_or("reviewer", String::as_str));
            let text = adversarial::policy(&s);
            let (ms, verdict, warnings) = time(&text, &s.bucket);
            println!(
                "{} bytes: {verdict} in {ms:.1} ms; warnings {warnings:?}",
                text.len()
            );
        }
        Some("exact") => {
            let s = shape(args.get(1).map_or("reviewer", String::as_str));
            let text = adversarial::policy(&s);
            let (ms, verdict, warnings) = time_within(&text, &s.bucket, Budget::unlimited());
            println!(
                "{} bytes, no budget: {verdict} in {ms:.1} ms; warnings {warnings:?}",
                text.len()
            );
        }
        Some("hunt") => {
            let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
            let mut worst: Vec<(f64, u64, usize, String)> = Vec::new();
            for seed in 0..n {
                let s = Shape::hunt(seed);
                let text = adversarial::policy(&s);
                let (ms, verdict, _) = time(&text, &s.bucket);
                worst.push((ms, seed, text.len(), verdict));
            }
            worst.sort_by(|a, b| b.0.total_cmp(&a.0));
            // The slowest again, best of five: a shared machine's noise is not the policy's.
            worst.truncate(20);
            for w in &mut worst {
                let s = Shape::hunt(w.1);
                let text = adversarial::policy(&s);
                for _ in 0..4 {
                    w.0 = w.0.min(time(&text, &s.bucket).0);
                }
            }
            worst.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (ms, seed, len, verdict) in worst.iter().take(10) {
                println!("seed {seed}: {len} bytes, {verdict}, {ms:.1} ms");
            }
        }
        Some("snapshot") => {
            let template = args
                .get(1)
                .expect("a snapshot from `intransit scan --demo`");
            let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(40);
            let text = std::fs::read_to_string(template).expect("readable snapshot");
            let mut snap: Value = serde_json::from_str(&text).expect("a JSON snapshot");
            let buckets = snap["buckets"].as_array().expect("buckets").clone();
            let first = buckets.first().expect("at least one bucket").clone();
            let mut out = Vec::new();
            for i in 0..n {
                let name = format!("adversarial-bucket-{i:02}");
                let policy = adversarial::policy(&Shape::snapshot_bucket(i as u64 + 1, &name));
                let mut b = first.clone();
                b["name"] = json!(name);
                b["policy"] = json!({"state": "present", "text": policy});
                b["errors"] = json!([]);
                out.push(b);
            }
            snap["buckets"] = Value::Array(out);
            println!("{}", serde_json::to_string(&snap).expect("encodes"));
        }
        _ => eprintln!(
            "usage: adversarial policy|time|exact [reviewer|snapshot|SEED] | hunt N | snapshot FILE N"
        ),
    }
}
