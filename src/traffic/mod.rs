//! Observed traffic: what clients actually sent, read from the logs AWS keeps (S3 server
//! access logs for now), beside what the configuration would refuse.

pub mod access_log;
