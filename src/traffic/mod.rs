//! Observed traffic: what clients actually sent, read from the logs AWS keeps (S3 server
//! access logs and CloudTrail events), beside what the configuration would refuse.

pub mod access_log;
pub mod cloudtrail;
