//! Plain domain types shared by the analyzer, sources, the store, reports and the UI.
//! No AWS SDK types and no I/O live here.

mod account;
mod estate;
mod partition;
mod snapshot;
mod vpn;

pub use account::{Account, ScanState, is_account_id, partial_reason, settle_scan_states};
pub use estate::*;
pub use partition::{Partition, UnknownPartition};
pub use snapshot::{FetcherProgress, Mode, SNAPSHOT_SCHEMA, ScanMeta, Snapshot, SnapshotError};
pub use vpn::{Effective, TunnelOptions, Weakness};
