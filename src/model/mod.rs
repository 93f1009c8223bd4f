//! Plain domain types shared by the analyzer, sources, reports and the UI.
//! No AWS SDK types and no I/O live here.

mod partition;

pub use partition::{Partition, UnknownPartition};
