//! The embedded demo estate: "Northwind Analytics", an organization of six accounts (four
//! scanned, one whose role refuses the scan, one suspended), three regions, 90 buckets
//! whose policies cover every verdict, Athena workgroups and tables, and a network path with
//! good and bad links. Fixed and deterministic: no network, no randomness, no AWS types.
//!
//! [`run`] feeds the store the way a live scan would (progress per fetcher, accounts first,
//! then resources); [`estate`] is the raw estate itself.

mod accounts;
mod athena;
mod buckets;
mod network;
mod policies;
mod scan;

use std::time::{Instant, SystemTime};

use crate::model::Estate;
use crate::store::{Store, Update};

use super::SourceError;

pub use athena::HOSTILE_DESCRIPTION;

/// The raw demo estate. Buckets carry `unknown` / "not analyzed" placeholders for `tls` and
/// empty Athena usage: the store derives both when it receives them.
pub fn estate() -> Estate {
    Estate {
        accounts: accounts::accounts(),
        buckets: buckets::buckets(),
        workgroups: athena::workgroups(),
        catalogs: athena::catalogs(),
        tables: athena::tables(),
        connectivity: network::connectivity(),
        resource_control_policies: accounts::resource_control_policies(),
        errors: network::errors()
            .into_iter()
            .chain(accounts::errors())
            .collect(),
        traffic: None,
    }
}

/// Scans the demo estate into `store`. With `latency`, every simulated call takes a few
/// milliseconds (the whole scan well under 1.5 s) so progress is visible; without, no sleeps.
pub async fn run(store: Store, latency: bool) -> Result<(), SourceError> {
    let clock = Instant::now();
    let plan = scan::plan(estate(), &accounts::REGIONS);

    let mut first = vec![
        Update::Started { at: now() },
        Update::Regions(accounts::REGIONS.iter().map(|r| r.to_string()).collect()),
    ];
    first.extend(plan.queued());
    store.apply_all(first);

    // Accounts first (every other call runs in one of them), then the services side by side.
    plan.sts.run(&store, latency).await;
    tokio::join!(
        plan.organizations.run(&store, latency),
        plan.s3.run(&store, latency),
        plan.athena.run(&store, latency),
        plan.ec2.run(&store, latency),
        plan.directconnect.run(&store, latency),
    );

    store.apply(Update::Finished {
        at: now(),
        duration_ms: u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    Ok(())
}

fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// FNV-1a: a fixed hash for deterministic "random-looking" values.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests;
