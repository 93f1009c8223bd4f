//! Analyzer throughput on the corpus mix: `cargo bench --bench policy`.
//! Reports policies per second (criterion "elements") for analysis alone and for
//! parse + analysis, each on one core; then the worst cases: the 17.8 KB reproduction of
//! 36 `NotResource` wildcard statements, the slowest policies the adversarial generator found
//! (up to S3's 20 KB limit), and 40 buckets of 7.5 KB adversarial policies.

#[path = "../tests/adversarial_support/mod.rs"]
mod adversarial;

use std::hint::black_box;

use adversarial::Shape;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intransit::model::Partition;
use intransit::policy::{Policy, Target, analyze_bucket_policy, parse_policy};
use serde_json::Value;

/// Seeds of the slowest policies `hunt 1000` found (see docs/BENCHMARKS.md).
const WORST_SEEDS: [u64; 2] = [337, 135];

/// Every well-formed policy of the test corpus, with the bucket it is judged for.
fn corpus() -> Vec<(String, Partition, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/corpus exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let Some(policy) = case.get("policy") else {
            continue;
        };
        // Policies built to exhaust the analysis budget are measured on their own below.
        if case["expect"]["warning_kinds"]
            .as_array()
            .is_some_and(|w| w.iter().any(|k| k == "too_complex"))
        {
            continue;
        }
        let bucket = case["bucket"]
            .as_str()
            .unwrap_or("example-bucket")
            .to_string();
        let partition = case
            .get("partition")
            .and_then(Value::as_str)
            .and_then(|p| p.parse().ok())
            .unwrap_or_default();
        let text = policy.to_string();
        if parse_policy(&text).is_ok() {
            out.push((bucket, partition, text));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let cases = corpus();
    let parsed: Vec<(Target, Policy)> = cases
        .iter()
        .map(|(b, p, t)| {
            (
                Target::new(b.clone(), *p),
                parse_policy(t).expect("parsed above"),
            )
        })
        .collect();
    let mut g = c.benchmark_group("policy");
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("analyze_corpus_mix", |b| {
        b.iter(|| {
            for (target, policy) in &parsed {
                black_box(analyze_bucket_policy(Some(policy), target));
            }
        })
    });
    g.bench_function("parse_and_analyze_corpus_mix", |b| {
        b.iter(|| {
            for (bucket, partition, text) in &cases {
                let policy = parse_policy(black_box(text)).expect("parsed above");
                black_box(analyze_bucket_policy(
                    Some(&policy),
                    &Target::new(bucket.as_str(), *partition),
                ));
            }
        })
    });
    g.finish();
}

fn worst_cases(c: &mut Criterion) {
    let mut g = c.benchmark_group("worst_case");
    g.sample_size(20);
    let mut cases: Vec<(String, Shape)> =
        vec![("reproduction_17_8_kb".to_string(), Shape::reviewer())];
    for seed in WORST_SEEDS {
        cases.push((format!("generator_seed_{seed}"), Shape::hunt(seed)));
    }
    for (name, shape) in cases {
        let policy = parse_policy(&adversarial::policy(&shape)).expect("generated policies parse");
        let target = Target::new(shape.bucket.as_str(), Partition::Aws);
        g.bench_function(name, |b| {
            b.iter(|| black_box(analyze_bucket_policy(Some(&policy), &target)))
        });
    }
    // The 40 buckets of `examples/adversarial.rs snapshot`: what `overview --snapshot` analyzes.
    let buckets: Vec<(Target, Policy)> = (0..40)
        .map(|i| {
            let name = format!("adversarial-bucket-{i:02}");
            let shape = Shape::snapshot_bucket(i as u64 + 1, &name);
            let policy = parse_policy(&adversarial::policy(&shape)).expect("parses");
            (Target::new(name, Partition::Aws), policy)
        })
        .collect();
    g.throughput(Throughput::Elements(buckets.len() as u64));
    g.bench_function("snapshot_40_buckets_7_5_kb", |b| {
        b.iter(|| {
            for (target, policy) in &buckets {
                black_box(analyze_bucket_policy(Some(policy), target));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench, worst_cases);
criterion_main!(benches);
