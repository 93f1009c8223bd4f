//! Observed traffic: what clients actually sent, read from the logs AWS keeps (S3 server
//! access logs and CloudTrail events), beside what the configuration would refuse.

pub mod access_log;
pub mod aggregate;
pub mod athena_rows;
pub mod athena_sql;
pub mod cloudtrail;
pub mod files;
pub mod summary;
pub mod time;

pub use aggregate::Aggregator;
pub use files::Inputs;
pub use summary::{
    BucketSeen, Client, Coverage, FileRead, Log, Outcome, PlainHttp, TRAFFIC_SCHEMA, Traffic,
};

macro_rules! demo_file {
    ($log:expr, $path:literal) => {
        (
            concat!("demo:", $path),
            $log,
            include_bytes!(concat!("demo/", $path)),
        )
    };
}

/// The demo estate's logs (written by `src/traffic/demo/generate.py`): a week of January
/// 2024 in analytics-prod and sandbox, with Athena JDBC and ODBC clients, a TLS 1.0 client,
/// plain-HTTP requests accepted by `clickstream-landing-use1` and `athena-results-sandbox-use1`
/// and denied by `athena-results-analytics-prod-use1`.
pub const DEMO: &[(&str, Log, &[u8])] = &[
    demo_file!(
        Log::AccessLog,
        "access-logs/s3-access-logs-analytics-prod-use1/athena-results-analytics-prod-use1/2024-01-22-01-15-12-31514A54695ED17A"
    ),
    demo_file!(
        Log::AccessLog,
        "access-logs/s3-access-logs-analytics-prod-use1/clickstream-landing-use1/2024-01-22-00-27-23-B3DDCFE4EA78709D"
    ),
    demo_file!(
        Log::AccessLog,
        "access-logs/s3-access-logs-analytics-prod-use1/legacy-reports-archive-use1/2024-01-22-07-25-24-9488B8FDEB3913BA"
    ),
    demo_file!(
        Log::AccessLog,
        "access-logs/sandbox-s3-access-logs-use1/athena-results-sandbox-use1/2024-01-22-00-00-17-FDEE32292F630DC9"
    ),
    demo_file!(
        Log::Cloudtrail,
        "cloudtrail/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/01/22/111122223333_CloudTrail_eu-west-1_20240122T0802Z_EC871EFEB51AE9FD.json.gz"
    ),
    demo_file!(
        Log::Cloudtrail,
        "cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/22/111122223333_CloudTrail_us-east-1_20240122T0811Z_DB2B90EAAD14255D.json.gz"
    ),
    demo_file!(
        Log::Cloudtrail,
        "cloudtrail/AWSLogs/777788889999/CloudTrail/us-east-1/2024/01/22/777788889999_CloudTrail_us-east-1_20240122T0205Z_0F291E6BCBAB3693.json.gz"
    ),
];

/// Reads `inputs` (and the demo logs when `demo`), counting records at or after `since`.
pub fn read(inputs: &Inputs, demo: bool, since: Option<i64>) -> Traffic {
    let mut agg = Aggregator::new(since);
    if demo {
        read_demo(&mut agg);
    }
    files::read(inputs, &mut agg);
    agg.finish()
}

/// Reads the demo estate's logs into `agg`.
pub fn read_demo(agg: &mut Aggregator) {
    for (name, log, bytes) in DEMO {
        files::read_named(name, *log, *bytes, agg);
    }
}
