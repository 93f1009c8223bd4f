//! Where the memory of a large estate goes: heap bytes live after loading a snapshot, and what
//! each check's findings, the controls and the resource index add, counted by the allocator
//! (not RSS, which also holds freed pages and thread stacks).
//!
//! ```text
//! cargo run --release --no-default-features --example big_snapshot -- 100000 big.json.zst
//! cargo run --release --no-default-features --example memory -- big.json.zst
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use intransit::compliance::{Catalog, checks, evaluate};
use intransit::source::{SourceSpec, start};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Peak resident set so far, from `/proc/self/status` (Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".to_string())
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: memory SNAPSHOT");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let t = Instant::now();
    let scan = runtime
        .block_on(start(&SourceSpec::Snapshot(path.into())))
        .expect("a readable snapshot");
    let store = runtime.block_on(scan.finish()).expect("loaded");
    let loaded = LIVE.load(Ordering::Relaxed);
    println!(
        "load: {:.2} s, live {}, peak {}, peak RSS {}",
        t.elapsed().as_secs_f64(),
        mb(loaded),
        mb(PEAK.load(Ordering::Relaxed)),
        peak_rss()
    );
    println!(
        "  sizes: finding {} B, resource {} B, evidence {} B, bucket {} B",
        std::mem::size_of::<intransit::compliance::Finding>(),
        std::mem::size_of::<intransit::compliance::Resource>(),
        std::mem::size_of::<intransit::compliance::Evidence>(),
        std::mem::size_of::<intransit::model::Bucket>()
    );
    store.read(|s| {
        if let Some(f) = checks::run(&checks::ALL[0], &s.estate).get(1000) {
            println!(
                "  a finding: {}",
                serde_json::to_string(f).unwrap_or_default()
            );
        }
        let buckets = s.estate.buckets.len();
        println!("  per bucket: {} bytes", loaded / buckets.max(1));
        for check in checks::ALL {
            let before = LIVE.load(Ordering::Relaxed);
            let t = Instant::now();
            let findings = checks::run(check, &s.estate);
            let added = LIVE.load(Ordering::Relaxed) - before;
            println!(
                "  {:<30} {:>7} findings  {:>9}  {:>5} bytes each  {:.0} ms",
                check.id,
                findings.len(),
                mb(added),
                added / findings.len().max(1),
                t.elapsed().as_secs_f64() * 1e3
            );
            let owned = |t: &Option<std::borrow::Cow<'static, str>>| match t {
                Some(std::borrow::Cow::Owned(s)) => s.len(),
                _ => 0,
            };
            let messages: usize = findings.iter().map(|f| owned(&f.stored_message)).sum();
            let ids: usize = findings.iter().map(|f| f.id.len()).sum();
            println!(
                "  {:<30} ids {}, messages written for the finding {}",
                "",
                mb(ids),
                mb(messages)
            );
        }
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        let before = LIVE.load(Ordering::Relaxed);
        let t = Instant::now();
        let evaluation = evaluate(&Catalog::builtin(), &s.estate);
        println!(
            "evaluate: {:.2} s, adds {} (peak {} above the estate), peak RSS {}",
            t.elapsed().as_secs_f64(),
            mb(LIVE.load(Ordering::Relaxed) - before),
            mb(PEAK.load(Ordering::Relaxed) - before),
            peak_rss()
        );
        std::mem::forget(evaluation);
    });
    std::mem::forget(store);
}
