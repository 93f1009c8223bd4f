//! `intransit traffic --emit-sql` and `--athena-query ID`: the aggregates computed by the
//! user's own Athena over an organization's logs, and read back.

use clap::Args;

use crate::source::SourceSpec;
use crate::store::Store;
#[cfg(feature = "aws")]
use crate::traffic::athena_rows;
use crate::traffic::athena_sql::{self, SqlOptions};
use crate::traffic::{Traffic, time};

#[derive(Debug, Args, Clone)]
pub struct AthenaArgs {
    /// Write the Athena statements (a database, the CloudTrail and access-log tables with
    /// partition projection over the estate's accounts, regions and buckets, and the query
    /// that computes the same aggregates) instead of reading logs.
    #[arg(long, conflicts_with = "athena_query")]
    pub emit_sql: bool,
    /// With --emit-sql: the Glue database the tables go in.
    #[arg(long, default_value = "intransit_logs", value_name = "NAME")]
    pub sql_database: String,
    /// With --emit-sql: the CloudTrail table.
    #[arg(long, default_value = "cloudtrail_logs", value_name = "NAME")]
    pub cloudtrail_table: String,
    /// With --emit-sql: where the trail delivers, down to `AWSLogs/` (`AWSLogs/o-…/` for an
    /// organization trail).
    #[arg(
        long,
        default_value = "s3://REPLACE-WITH-TRAIL-BUCKET/AWSLogs/",
        value_name = "S3_URI"
    )]
    pub cloudtrail_location: String,
    /// With --emit-sql: the S3 server access log table.
    #[arg(long, default_value = "s3_access_logs", value_name = "NAME")]
    pub access_log_table: String,
    /// With --emit-sql: the access logs' destination and prefix (delivered with date-based
    /// partitioning: `PREFIX/ACCOUNT/REGION/BUCKET/YYYY/MM/DD/`).
    #[arg(
        long,
        default_value = "s3://REPLACE-WITH-ACCESS-LOG-BUCKET/",
        value_name = "S3_URI"
    )]
    pub access_log_location: String,
    /// Read a finished run of the emitted query (athena:GetQueryResults, in the first
    /// --region or the profile's) instead of reading logs.
    #[arg(long, value_name = "QUERY_EXECUTION_ID", conflicts_with_all = ["access_logs", "cloudtrail", "no_lookup_events", "demo", "snapshot"])]
    pub athena_query: Option<String>,
}

/// The statements for the estate in `store`, the window starting at `since`.
pub fn emit(args: &AthenaArgs, store: &Store, since: i64) -> Result<String, String> {
    let (accounts, regions, buckets) = store.read(|s| {
        let accounts: Vec<String> = s
            .estate
            .accounts
            .iter()
            .filter(|a| a.entered_by_scan())
            .map(|a| a.id.clone())
            .collect();
        let mut buckets: Vec<String> = s.estate.buckets.iter().map(|b| b.name.clone()).collect();
        buckets.sort();
        (accounts, s.meta.regions.clone(), buckets)
    });
    if accounts.is_empty() || regions.is_empty() {
        return Err(
            "the estate has no scanned account or region to project the tables over".into(),
        );
    }
    Ok(athena_sql::emit(&SqlOptions {
        database: args.sql_database.clone(),
        cloudtrail_table: args.cloudtrail_table.clone(),
        cloudtrail_location: args.cloudtrail_location.clone(),
        access_log_table: args.access_log_table.clone(),
        access_log_location: args.access_log_location.clone(),
        accounts,
        regions,
        buckets,
        since: time::format(since),
    }))
}

/// The traffic a finished run of the query computed.
#[cfg(feature = "aws")]
pub fn read_query(
    runtime: &tokio::runtime::Runtime,
    spec: &SourceSpec,
    id: &str,
) -> Result<Traffic, String> {
    let SourceSpec::Aws(opts) = spec else {
        return Err(
            "--athena-query reads from AWS: give AWS flags (--profile, --region, ...)".into(),
        );
    };
    let region = opts
        .regions
        .first()
        .cloned()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .unwrap_or_else(|| "us-east-1".to_string());
    let (names, rows) = runtime
        .block_on(crate::source::aws::query_results::read(opts, &region, id))
        .map_err(|e| format!("cannot read the results of query {id}: {e}"))?;
    athena_rows::decode(&format!("athena query {id}"), &names, &rows)
        .map_err(|e| format!("query {id}: {e}"))
}

#[cfg(not(feature = "aws"))]
pub fn read_query(_: &tokio::runtime::Runtime, _: &SourceSpec, _: &str) -> Result<Traffic, String> {
    Err("--athena-query needs intransit built with the aws feature".into())
}
