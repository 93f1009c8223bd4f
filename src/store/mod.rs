//! The one place the scanned state lives. Sources send [`Update`]s; each applied batch bumps
//! the version and wakes subscribers (`tokio::sync::watch`). The headless scan and the
//! dashboard read the same store: a short lock, a clone or a closure over `&State`.

mod derive;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::traffic::Traffic;

use tokio::sync::watch;

pub use derive::{
    ParsedRcp, Shapes, athena_usage, bucket_tls, bucket_tls_shared, derive_tls, parse_rcp,
};

use crate::model::{
    Account, Bucket, DataCatalog, DxConnection, DxVirtualInterface, Estate, FetchError,
    FetcherProgress, Mode, Partition, PolicyText, ResourceControlPolicy, SNAPSHOT_SCHEMA, ScanMeta,
    Snapshot, Table, TransitGateway, VpcEndpoint, VpnConnection, VpnGateway, Workgroup,
};

/// A change reported by a source.
#[derive(Clone, Debug)]
pub enum Update {
    Account(Account),
    /// An account's tags in Organizations, read apart from its record: they are given to the
    /// record whether it arrives before or after them.
    AccountTags {
        id: String,
        tags: BTreeMap<String, String>,
    },
    /// Inserted or replaced by name; `tls` and `athena` are recomputed by the store.
    Bucket(Box<Bucket>),
    Workgroup(Workgroup),
    Catalog(DataCatalog),
    Table(Table),
    VpcEndpoint(VpcEndpoint),
    VpnConnection(VpnConnection),
    VpnGateway(VpnGateway),
    TransitGateway(TransitGateway),
    DxConnection(DxConnection),
    DxVirtualInterface(DxVirtualInterface),
    ResourceControlPolicy(ResourceControlPolicy),
    /// A failure not tied to one resource (a service or region unreachable).
    Error(FetchError),
    /// Observed traffic, replacing what the store had.
    Traffic(Arc<Traffic>),
    Progress {
        fetcher: String,
        event: Progress,
    },
    Regions(Vec<String>),
    /// One AWS call was made (`service:Operation`), retries included.
    ApiCall {
        operation: String,
    },
    Started {
        at: String,
    },
    Finished {
        at: String,
        duration_ms: u64,
    },
}

/// One step of a fetcher's work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Queued(u64),
    Started,
    Done,
    Failed,
}

/// Everything the store holds.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub version: u64,
    pub estate: Estate,
    pub meta: ScanMeta,
    pub progress: BTreeMap<String, FetcherProgress>,
    bucket_index: HashMap<String, usize>,
    /// The version in which each bucket (same index as `estate.buckets`) last changed.
    bucket_stamps: Vec<u64>,
    /// The version in which an account (its name) last changed.
    accounts_stamp: u64,
    /// The version in which each account last changed, by id.
    account_stamps: HashMap<String, u64>,
    /// Tags read for accounts (`Update::AccountTags`), kept for records that arrive later.
    account_tags: HashMap<String, BTreeMap<String, String>>,
    rcps: Vec<ParsedRcp>,
    /// Analyses shared by buckets of one policy shape.
    shapes: Shapes,
    started: Option<std::time::Instant>,
}

impl State {
    /// Whether every fetcher has finished (nothing queued or in flight).
    pub fn idle(&self) -> bool {
        self.meta.finished_at.is_some() || self.progress.values().all(|p| p.finished())
    }

    /// The version in which bucket `i` of `estate.buckets` last changed (0 if never).
    pub fn bucket_stamp(&self, i: usize) -> u64 {
        self.bucket_stamps.get(i).copied().unwrap_or(0)
    }

    /// The version in which the accounts last changed.
    pub fn accounts_stamp(&self) -> u64 {
        self.accounts_stamp
    }

    /// The accounts that changed after version `since`: an organization scan enters its
    /// accounts one by one, and a view that follows them need not redo every bucket each time.
    pub fn accounts_changed_since(&self, since: u64) -> std::collections::HashSet<&str> {
        if self.accounts_stamp <= since {
            return Default::default();
        }
        self.account_stamps
            .iter()
            .filter(|(_, v)| **v > since)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// Marks bucket `i` changed in the version being applied.
    fn stamp(&mut self, i: usize) {
        if self.bucket_stamps.len() <= i {
            self.bucket_stamps.resize(i + 1, 0);
        }
        self.bucket_stamps[i] = self.version + 1;
    }

    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.bucket_index
            .get(name)
            .map(|&i| &self.estate.buckets[i])
    }

    fn partition_of(&self, account_id: &str) -> Partition {
        self.estate
            .accounts
            .iter()
            .find(|a| a.id == account_id)
            .map(|a| a.partition)
            .unwrap_or_default()
    }

    fn apply(&mut self, u: Update) {
        match u {
            Update::Account(mut a) => {
                self.accounts_stamp = self.version + 1;
                self.account_stamps.insert(a.id.clone(), self.version + 1);
                if let Some(tags) = self.account_tags.get(&a.id) {
                    a.tags = tags.clone();
                }
                upsert(&mut self.estate.accounts, a, |x, y| x.id == y.id)
            }
            Update::AccountTags { id, tags } => {
                if let Some(a) = self.estate.accounts.iter_mut().find(|a| a.id == id) {
                    a.tags = tags.clone();
                    self.accounts_stamp = self.version + 1;
                    self.account_stamps.insert(id.clone(), self.version + 1);
                }
                self.account_tags.insert(id, tags);
            }
            Update::Bucket(b) => self.put_bucket(*b),
            Update::Workgroup(w) => {
                let old = self
                    .estate
                    .workgroups
                    .iter()
                    .find(|x| x.account_id == w.account_id && x.key() == w.key())
                    .and_then(|x| x.output_bucket.clone());
                let new = w.output_bucket.clone();
                upsert(&mut self.estate.workgroups, w, |x, y| {
                    x.account_id == y.account_id && x.key() == y.key()
                });
                for b in old.into_iter().chain(new) {
                    self.refresh_usage(&b);
                }
            }
            Update::Catalog(c) => upsert(&mut self.estate.catalogs, c, |x, y| {
                x.account_id == y.account_id && x.region == y.region && x.name == y.name
            }),
            Update::Table(t) => {
                let bucket = t.bucket.clone();
                upsert(&mut self.estate.tables, t, |x, y| {
                    x.account_id == y.account_id
                        && x.region == y.region
                        && x.catalog == y.catalog
                        && x.database == y.database
                        && x.name == y.name
                });
                if let Some(b) = bucket {
                    self.refresh_usage(&b);
                }
            }
            Update::VpcEndpoint(e) => {
                upsert(&mut self.estate.connectivity.vpc_endpoints, e, |x, y| {
                    x.id == y.id
                })
            }
            Update::VpnConnection(v) => {
                upsert(&mut self.estate.connectivity.vpn_connections, v, |x, y| {
                    x.id == y.id
                })
            }
            Update::VpnGateway(v) => {
                upsert(&mut self.estate.connectivity.vpn_gateways, v, |x, y| {
                    x.id == y.id
                })
            }
            Update::TransitGateway(t) => {
                upsert(&mut self.estate.connectivity.transit_gateways, t, |x, y| {
                    x.id == y.id
                })
            }
            Update::DxConnection(d) => {
                upsert(&mut self.estate.connectivity.dx_connections, d, |x, y| {
                    x.id == y.id
                })
            }
            Update::DxVirtualInterface(d) => upsert(
                &mut self.estate.connectivity.dx_virtual_interfaces,
                d,
                |x, y| x.id == y.id,
            ),
            Update::ResourceControlPolicy(r) => self.put_rcp(r),
            Update::Error(e) => self.estate.errors.push(e),
            Update::Traffic(t) => self.estate.traffic = Some(t),
            Update::Progress { fetcher, event } => {
                let p = self
                    .progress
                    .entry(fetcher.clone())
                    .or_insert_with(|| FetcherProgress {
                        fetcher,
                        ..FetcherProgress::default()
                    });
                match event {
                    Progress::Queued(n) => p.queued += n,
                    Progress::Started => {
                        p.queued = p.queued.saturating_sub(1);
                        p.in_flight += 1;
                    }
                    Progress::Done => {
                        p.in_flight = p.in_flight.saturating_sub(1);
                        p.done += 1;
                    }
                    Progress::Failed => {
                        p.in_flight = p.in_flight.saturating_sub(1);
                        p.failed += 1;
                    }
                }
            }
            Update::Regions(r) => self.meta.regions = r,
            Update::ApiCall { operation } => {
                self.meta.api_calls += 1;
                *self.meta.operations.entry(operation).or_insert(0) += 1;
            }
            Update::Started { at } => {
                self.meta.started_at = Some(at);
                self.started = Some(std::time::Instant::now());
            }
            Update::Finished { at, duration_ms } => {
                self.meta.finished_at = Some(at);
                self.meta.duration_ms = Some(duration_ms);
                crate::model::settle_scan_states(&mut self.estate);
                self.accounts_stamp = self.version + 1;
                for a in &self.estate.accounts {
                    self.account_stamps.insert(a.id.clone(), self.version + 1);
                }
            }
        }
    }

    fn put_bucket(&mut self, mut b: Bucket) {
        let was_pending = self
            .bucket_index
            .get(&b.name)
            .is_none_or(|&i| self.estate.buckets[i].policy == PolicyText::Pending);
        if was_pending
            && b.policy != PolicyText::Pending
            && let Some(started) = self.started
        {
            self.meta.verdicts_complete_ms = Some(started.elapsed().as_millis() as u64);
        }
        // The verdict depends on the policy text and its read error (and the RCPs, which
        // re-derive on their own): a bucket re-sent with only auditor context keeps it.
        let unchanged = self.bucket_index.get(&b.name).and_then(|&i| {
            let old = &self.estate.buckets[i];
            (old.account_id == b.account_id
                && old.policy == b.policy
                && old.policy_error() == b.policy_error())
            .then(|| old.tls.clone())
        });
        match unchanged {
            Some(tls) => b.tls = tls,
            None => {
                let partition = self.partition_of(&b.account_id);
                derive_tls(&mut b, partition, &self.rcps, &self.shapes);
            }
        }
        self.place(b);
    }

    /// Puts a derived bucket in its place (replacing the one of that name, or appended) with
    /// its Athena usage, and stamps it changed.
    fn place(&mut self, mut b: Bucket) {
        b.athena = athena_usage(&self.estate, &b.name);
        let i = match self.bucket_index.get(&b.name) {
            Some(&i) => {
                self.estate.buckets[i] = b;
                i
            }
            None => {
                let i = self.estate.buckets.len();
                self.bucket_index.insert(b.name.clone(), i);
                self.estate.buckets.push(b);
                i
            }
        };
        self.stamp(i);
    }

    /// What [`State::put_bucket`] does for each of `buckets` in turn, with every verdict
    /// derived first, on all cores (loading a snapshot of an organization: 100,000 buckets).
    /// For a store that is not scanning (no `verdicts_complete_ms` to keep).
    fn put_buckets(&mut self, mut buckets: Vec<Bucket>) {
        let partitions: HashMap<&str, Partition> = self
            .estate
            .accounts
            .iter()
            .rev()
            .map(|a| (a.id.as_str(), a.partition))
            .collect();
        let partitions: Vec<Partition> = buckets
            .iter()
            .map(|b| {
                partitions
                    .get(b.account_id.as_str())
                    .copied()
                    .unwrap_or_default()
            })
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = buckets.len().div_ceil(threads).max(1);
        let (rcps, shapes) = (&self.rcps, &self.shapes);
        std::thread::scope(|scope| {
            for (part, parts) in buckets.chunks_mut(chunk).zip(partitions.chunks(chunk)) {
                scope.spawn(move || {
                    for (b, &partition) in part.iter_mut().zip(parts) {
                        derive_tls(b, partition, rcps, shapes);
                    }
                });
            }
        });
        for b in buckets {
            self.place(b);
        }
        self.version += 1;
    }

    fn refresh_usage(&mut self, bucket: &str) {
        if let Some(&i) = self.bucket_index.get(bucket) {
            let usage = athena_usage(&self.estate, bucket);
            self.estate.buckets[i].athena = usage;
            self.stamp(i);
        }
    }

    fn put_rcp(&mut self, r: ResourceControlPolicy) {
        self.rcps.retain(|p| {
            !matches!(&p.source, crate::policy::PolicySource::ResourceControlPolicy { policy_id, .. } if *policy_id == r.id)
        });
        match parse_rcp(&r) {
            Ok(parsed) => self.rcps.push(parsed),
            Err(message) => self.estate.errors.push(FetchError {
                operation: "organizations:DescribePolicy".to_string(),
                account_id: None,
                region: None,
                resource: Some(r.id.clone()),
                code: "MalformedPolicy".to_string(),
                message,
            }),
        }
        // Accounts the policy covered before and covers now both need their verdicts again.
        let mut affected = r.account_ids.clone();
        if let Some(old) = self
            .estate
            .resource_control_policies
            .iter()
            .find(|x| x.id == r.id)
        {
            affected.extend(old.account_ids.iter().cloned());
        }
        upsert(&mut self.estate.resource_control_policies, r, |x, y| {
            x.id == y.id
        });
        // Shapes are keyed by the RCPs' places in the list, which just changed.
        self.shapes.clear();
        for i in 0..self.estate.buckets.len() {
            if affected.contains(&self.estate.buckets[i].account_id) {
                let partition = self.partition_of(&self.estate.buckets[i].account_id);
                derive_tls(
                    &mut self.estate.buckets[i],
                    partition,
                    &self.rcps,
                    &self.shapes,
                );
                self.stamp(i);
            }
        }
    }

    /// The state as a snapshot file.
    pub fn to_snapshot(&self) -> Snapshot {
        let mut scan = self.meta.clone();
        scan.progress = self.progress.values().cloned().collect();
        Snapshot {
            schema: SNAPSHOT_SCHEMA.to_string(),
            scan,
            estate: self.estate.clone(),
        }
    }
}

fn upsert<T>(v: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match v.iter().position(|x| same(x, &item)) {
        Some(i) => v[i] = item,
        None => v.push(item),
    }
}

/// Shared handle to the state; cheap to clone into fetcher tasks.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    tx: watch::Sender<u64>,
}

impl Store {
    pub fn new(mode: Mode) -> Store {
        let state = State {
            meta: ScanMeta {
                mode,
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                ..ScanMeta::default()
            },
            ..State::default()
        };
        let (tx, _rx) = watch::channel(0);
        Store {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                tx,
            }),
        }
    }

    /// Loads a snapshot: its estate is re-derived (verdicts recomputed with this analyzer).
    pub fn from_snapshot(snapshot: Snapshot) -> Store {
        let store = Store::new(Mode::Snapshot);
        let Snapshot { scan, estate, .. } = snapshot;
        let mut updates: Vec<Update> = Vec::new();
        updates.extend(estate.accounts.into_iter().map(Update::Account));
        updates.extend(
            estate
                .resource_control_policies
                .into_iter()
                .map(Update::ResourceControlPolicy),
        );
        updates.extend(estate.workgroups.into_iter().map(Update::Workgroup));
        updates.extend(estate.catalogs.into_iter().map(Update::Catalog));
        updates.extend(estate.tables.into_iter().map(Update::Table));
        // Buckets come after everything their verdicts and usage depend on (accounts, RCPs,
        // workgroups, tables), all at once: their verdicts are derived side by side.
        store.apply_all(std::mem::take(&mut updates));
        store.lock().put_buckets(estate.buckets);
        let c = estate.connectivity;
        updates.extend(c.vpc_endpoints.into_iter().map(Update::VpcEndpoint));
        updates.extend(c.vpn_connections.into_iter().map(Update::VpnConnection));
        updates.extend(c.vpn_gateways.into_iter().map(Update::VpnGateway));
        updates.extend(c.transit_gateways.into_iter().map(Update::TransitGateway));
        updates.extend(c.dx_connections.into_iter().map(Update::DxConnection));
        updates.extend(
            c.dx_virtual_interfaces
                .into_iter()
                .map(Update::DxVirtualInterface),
        );
        updates.extend(estate.errors.into_iter().map(Update::Error));
        updates.extend(estate.traffic.map(Update::Traffic));
        store.apply_all(updates);
        {
            let mut s = store.lock();
            let mode = s.meta.mode;
            s.meta = ScanMeta { mode, ..scan };
            s.progress = s
                .meta
                .progress
                .drain(..)
                .map(|p| (p.fetcher.clone(), p))
                .collect();
        }
        store
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn apply(&self, u: Update) {
        self.apply_all([u]);
    }

    /// Applies a batch under one lock and one version bump.
    pub fn apply_all(&self, updates: impl IntoIterator<Item = Update>) {
        let version = {
            let mut s = self.lock();
            for u in updates {
                s.apply(u);
            }
            s.version += 1;
            s.version
        };
        self.inner.tx.send_replace(version);
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.tx.subscribe()
    }

    pub fn version(&self) -> u64 {
        self.lock().version
    }

    /// Runs `f` over the state under the lock; keep it short (no I/O, no await).
    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    pub fn snapshot(&self) -> Snapshot {
        self.read(State::to_snapshot)
    }

    /// The state as a snapshot, moved out when this is the last handle (a finished headless
    /// scan), cloned otherwise.
    pub fn into_snapshot(self) -> Snapshot {
        match Arc::try_unwrap(self.inner) {
            Ok(inner) => {
                let mut state = inner
                    .state
                    .into_inner()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let mut scan = std::mem::take(&mut state.meta);
                scan.progress = state.progress.into_values().collect();
                Snapshot {
                    schema: SNAPSHOT_SCHEMA.to_string(),
                    scan,
                    estate: state.estate,
                }
            }
            Err(inner) => Store { inner }.snapshot(),
        }
    }
}

#[cfg(test)]
mod tests;
