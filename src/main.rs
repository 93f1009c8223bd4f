use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_heap_arenas();
    intransit::cli::run(intransit::cli::Cli::parse())
}

/// glibc gives each new thread a heap arena of its own, up to eight per core. The checks and
/// the report's encoders are short-lived threads: the memory they free stays in arenas no
/// other thread reuses, 20 MB of a 100,000-bucket report (`docs/BENCHMARKS.md`). One arena per
/// core keeps what is freed reusable at no measurable cost in speed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_heap_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only changes a limit of the allocator; called before any other thread
    // exists, it races nothing.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_heap_arenas() {}
