//! intransit: proves whether data in transit is protected between on-premises clients,
//! Amazon Athena and the S3 buckets Athena uses.

pub mod cli;
pub mod compliance;
pub mod diff;
pub mod fix;
pub mod model;
pub mod policy;
pub mod report;
pub mod source;
pub mod store;
pub mod text;
pub mod traffic;
pub mod ui;
