//! Observed traffic read live: `cloudtrail:LookupEvents` for the event sources of the data
//! path (Athena, S3, Glue, KMS, STS) in every account and region the scan read, since the
//! window's start, newest first.
//!
//! CloudTrail documents LookupEvents at 2 requests per second per account and region: each
//! account-region is paced to that rate, and the sources take turns page by page so that a
//! read stopped at `--max-events` holds some of every source. A read that stops at the bound
//! is marked sampled; a read that fails is recorded with why, and the others go on.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::task::JoinSet;

use super::client::{CLOUDTRAIL_MAX_EVENTS, ReadOnly, Shared};
use super::pace::Pace;
use crate::source::AwsOptions;
use crate::store::Store;
use crate::traffic::{Aggregator, FileRead, Log, cloudtrail, files};

/// The event sources read, in turn.
pub const SOURCES: [&str; 5] = [
    "athena.amazonaws.com",
    "s3.amazonaws.com",
    "glue.amazonaws.com",
    "kms.amazonaws.com",
    "sts.amazonaws.com",
];

/// LookupEvents calls per second per account and region (the documented limit).
pub const LOOKUP_PER_SECOND: u32 = 2;

/// What to read: events since `since`, at most `max_events` per account and region.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub since: SystemTime,
    pub max_events: u64,
}

/// Reads the events of every account the scan entered (assuming its role again when it had
/// one) in every region of the scan into `agg`, one coverage entry per account-region.
pub async fn lookup(store: Store, opts: AwsOptions, window: Window, agg: Arc<Mutex<Aggregator>>) {
    let (accounts, regions) = store.read(|s| {
        let accounts: Vec<(String, Option<String>)> = s
            .estate
            .accounts
            .iter()
            .filter(|a| a.entered_by_scan())
            .map(|a| (a.id.clone(), a.assumed_role.clone()))
            .collect();
        (accounts, s.meta.regions.clone())
    });
    let shared = Shared::load(store.clone(), &opts).await;
    let mut tasks = JoinSet::new();
    for (account, role) in accounts {
        let ro = match role {
            None => shared.base(),
            Some(role) => match shared
                .base()
                .assume_role(&role, opts.external_id.as_deref())
                .await
            {
                Ok(ro) => ro,
                Err(e) => {
                    let mut lock = agg.lock().unwrap_or_else(|p| p.into_inner());
                    for region in &regions {
                        files::record(&mut lock, failed(&account, region, e.short()));
                    }
                    continue;
                }
            },
        };
        ro.known_account(&account);
        let ro = Arc::new(ro);
        for region in &regions {
            tasks.spawn(read_region(ro.clone(), region.clone(), window, agg.clone()));
        }
    }
    while let Some(done) = tasks.join_next().await {
        let read = done.unwrap_or_else(|e| failed("?", "?", format!("the read failed: {e}")));
        files::record(&mut agg.lock().unwrap_or_else(|p| p.into_inner()), read);
    }
}

fn failed(account: &str, region: &str, why: String) -> FileRead {
    let mut read = files::unreadable(&name(account, region), Log::Cloudtrail, why);
    read.account_id = Some(account.to_string());
    read.region = Some(region.to_string());
    read
}

fn name(account: &str, region: &str) -> String {
    format!("lookup-events {account} {region}")
}

/// One source's place in the turns: its next page, or done.
struct Turn {
    source: &'static str,
    token: Option<String>,
    done: bool,
}

async fn read_region(
    ro: Arc<ReadOnly>,
    region: String,
    window: Window,
    agg: Arc<Mutex<Aggregator>>,
) -> FileRead {
    let account = ro.account_id().to_string();
    let mut read = failed(&account, &region, String::new());
    read.error = None;
    let pace = Pace::per_second(LOOKUP_PER_SECOND);
    let mut turns: Vec<Turn> = SOURCES
        .iter()
        .map(|s| Turn {
            source: s,
            token: None,
            done: false,
        })
        .collect();
    let mut budget = window.max_events;
    let mut errors = Vec::new();
    'pages: while turns.iter().any(|t| !t.done) {
        let open = turns.iter().filter(|t| !t.done).count() as u64;
        for turn in turns.iter_mut().filter(|t| !t.done) {
            if budget == 0 {
                read.sampled = true;
                break 'pages;
            }
            // The bound shared out among the sources still open, a page at most.
            let share = budget.div_ceil(open).min(CLOUDTRAIL_MAX_EVENTS as u64) as i32;
            pace.wait().await;
            let page = ro
                .cloudtrail_lookup_events(
                    &region,
                    turn.source,
                    window.since,
                    share,
                    turn.token.take(),
                )
                .await;
            let out = match page {
                Ok(out) => out,
                Err(e) => {
                    errors.push(format!("{}: {}", turn.source, e.short()));
                    turn.done = true;
                    continue;
                }
            };
            let events = out.events();
            let taken = events
                .len()
                .min(usize::try_from(budget).unwrap_or(usize::MAX));
            let mut lock = agg.lock().unwrap_or_else(|p| p.into_inner());
            for e in &events[..taken] {
                match e
                    .cloud_trail_event()
                    .map(serde_json::from_str::<cloudtrail::Event>)
                {
                    Some(Ok(event)) => {
                        lock.cloudtrail(&event);
                        read.records += 1;
                    }
                    Some(Err(why)) => refuse(
                        &mut read,
                        format!("event {}: {why}", e.event_id().unwrap_or("?")),
                    ),
                    None => refuse(
                        &mut read,
                        format!("event {}: no CloudTrailEvent", e.event_id().unwrap_or("?")),
                    ),
                }
            }
            drop(lock);
            budget -= taken as u64;
            turn.token = out.next_token().map(str::to_string);
            turn.done = turn.token.is_none();
            if taken < events.len() {
                read.sampled = true;
                break 'pages;
            }
        }
    }
    if !errors.is_empty() {
        read.error = Some(errors.join("; "));
    }
    read
}

fn refuse(read: &mut FileRead, why: String) {
    read.refused += 1;
    if read.first_refused.len() < 5 {
        read.first_refused.push(why);
    }
}
