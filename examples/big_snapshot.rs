//! An organization-scale snapshot, to measure loading, `report` and `overview` on it:
//!
//! ```text
//! cargo run --release --no-default-features --example big_snapshot -- 100000 big.json
//! intransit report --snapshot big.json --format json > /dev/null
//! ```
//!
//! The demo estate's buckets, copied under new names until the estate holds N buckets (the
//! demo's own 90 stay, so Athena still uses them). Each copy's policy text names the copy
//! instead of the original (`arn:aws:s3:::NAME` and `arn:aws:s3:::NAME/...`), so copies share
//! a policy shape only up to the bucket name, as real estates do. Verdicts are derived by the
//! store exactly as a scan would, and the file is written the way `intransit scan --out` writes
//! it (pretty JSON, with the end-to-end paths). Deterministic: the same N gives the same file
//! except for the scan's timestamps.

use intransit::compliance::{Catalog, evaluate};
use intransit::model::{Mode, PolicyText};
use intransit::store::{Store, Update};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: big_snapshot N OUT.json");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let store = Store::new(Mode::Demo);
    runtime
        .block_on(intransit::source::demo::run(store.clone(), false))
        .expect("the demo scan never fails");
    let originals = store.read(|s| s.estate.buckets.clone());
    let copies = n.saturating_sub(originals.len());
    let mut batch = Vec::with_capacity(copies);
    for i in 0..copies {
        let original = &originals[i % originals.len()];
        let mut b = original.clone();
        b.name = format!("{}-{:06}", original.name, i / originals.len() + 1);
        if let PolicyText::Present { text } = &original.policy {
            let arn = |name: &str, tail: &str| format!(":::{name}{tail}");
            let text = text
                .text()
                .replace(&arn(&original.name, "\""), &arn(&b.name, "\""))
                .replace(&arn(&original.name, "/"), &arn(&b.name, "/"));
            b.policy = PolicyText::Present { text: text.into() };
        }
        for e in &mut b.errors {
            if e.resource.as_deref() == Some(original.name.as_str()) {
                e.resource = Some(b.name.clone());
            }
        }
        batch.push(Update::Bucket(Box::new(b)));
    }
    store.apply_all(batch);
    let snapshot = store.snapshot();
    let evaluation = evaluate(&Catalog::builtin(), &snapshot.estate);
    // As `scan --out` writes it (compressed when the name ends in `.zst`).
    #[derive(serde::Serialize)]
    struct Written<'a> {
        #[serde(flatten)]
        snapshot: &'a intransit::model::Snapshot,
        paths: &'a [intransit::compliance::paths::Path],
    }
    let written = Written {
        snapshot: &snapshot,
        paths: &evaluation.paths,
    };
    intransit::source::snapshot_file::write_file(std::path::Path::new(out), &written)
        .expect("writable output");
    eprintln!(
        "{out}: {} buckets ({} copies of the demo's {})",
        snapshot.estate.buckets.len(),
        copies,
        originals.len()
    );
}
