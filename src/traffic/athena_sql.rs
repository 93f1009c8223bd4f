//! The same aggregates, computed by the user's own Athena (Trino SQL, engine version 3) over
//! an organization's logs where no laptop should stream them: a database, the two tables with
//! partition projection (no crawler, no `MSCK REPAIR`), and one query whose result rows are
//! the [`super::athena_rows`] contract. `intransit traffic --athena-query ID` reads a finished
//! run of it back.
//!
//! The rules are the local reader's, written in SQL: a principal, source and user agent per
//! record as `aggregate.rs` derives them; the path (`aws_network` for a service acting for
//! the caller, a CloudTrail `vpcEndpointId`, `vpce` for a private source address in an access
//! log, `public`, `not_recorded`); TLS `none` for a plain-HTTP access-log record (`-`), `NULL`
//! when the record predates the field; a plain-HTTP request `denied` when S3 answered 403;
//! the three earliest record ids as examples.
//!
//! Table layouts: CloudTrail as a trail delivers it
//! (`…/AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`, AWS CloudTrail User Guide,
//! "CloudTrail log file examples"), read with `CloudTrailInputFormat` and the JSON SerDe as
//! the Athena User Guide's CloudTrail table does; S3 server access logs delivered with
//! date-based partitioning (`[prefix]ACCOUNT/REGION/BUCKET/YYYY/MM/DD/`, S3 User Guide,
//! "Log object key format"), one regular expression over the documented field order (the
//! order `access_log.rs` parses; fields S3 appends later are ignored).

use std::fmt::Write;

/// Where the logs are and what to project.
#[derive(Clone, Debug)]
pub struct SqlOptions {
    pub database: String,
    pub cloudtrail_table: String,
    /// `s3://bucket/[prefix/]AWSLogs/[o-org/]`: the accounts' folders are below it.
    pub cloudtrail_location: String,
    pub access_log_table: String,
    /// `s3://bucket/[prefix/]`: the accounts' folders are below it.
    pub access_log_location: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    /// The buckets whose access logs are delivered there.
    pub buckets: Vec<String>,
    /// The window's start, RFC 3339 (`2026-11-27T00:00:00Z`).
    pub since: String,
}

/// The statements, each ending with `;`, in the order they are run.
pub fn emit(o: &SqlOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- intransit traffic: the tables and the aggregate query for Athena (engine version 3).\n\
         -- Run the statements in order; then `intransit traffic --athena-query <QueryExecutionId>`\n\
         -- reads the last one's results (athena:GetQueryResults).\n"
    );
    let _ = writeln!(
        out,
        "CREATE DATABASE IF NOT EXISTS {};\n",
        ident(&o.database)
    );
    cloudtrail_table(&mut out, o);
    access_log_table(&mut out, o);
    query(&mut out, o);
    out
}

/// An identifier in a DDL statement (Hive: backquotes).
fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// An identifier in the query (Trino: double quotes).
fn query_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A string literal of the query (Trino: `'` doubled, backslashes as they are).
fn lit(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A string literal of a DDL statement (Hive reads backslash escapes: each is doubled).
fn ddl_lit(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn enum_values(values: &[String]) -> String {
    lit(&values.join(","))
}

/// `yyyy/MM/dd` of an RFC 3339 time.
fn day(since: &str) -> String {
    since.get(..10).unwrap_or("1970-01-01").replace('-', "/")
}

fn location(base: &str) -> String {
    if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    }
}

/// A table's location and partition projection: `enums` of the listed values, then a
/// `timestamp` day from the window's start to now, under `base` as `template` says.
fn projected(
    out: &mut String,
    base: &str,
    enums: &[(&str, &Vec<String>)],
    template: &str,
    o: &SqlOptions,
) {
    let _ = writeln!(
        out,
        "LOCATION {}\nTBLPROPERTIES (\n  'projection.enabled' = 'true',",
        lit(base)
    );
    for (name, values) in enums {
        let _ = writeln!(out, "  'projection.{name}.type' = 'enum',");
        let _ = writeln!(
            out,
            "  'projection.{name}.values' = {},",
            enum_values(values)
        );
    }
    let _ = writeln!(
        out,
        "  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = {},
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = {}
);
",
        lit(&format!("{},NOW", day(&o.since))),
        lit(&format!("{base}{template}"))
    );
}

fn cloudtrail_table(out: &mut String, o: &SqlOptions) {
    let base = location(&o.cloudtrail_location);
    let _ = write!(
        out,
        "CREATE EXTERNAL TABLE IF NOT EXISTS {db}.{table} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  eventtype STRING,
  recipientaccountid STRING,
  vpcendpointid STRING,
  tlsdetails STRUCT<
    tlsversion: STRING,
    ciphersuite: STRING,
    clientprovidedhostheader: STRING>
)
PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
",
        db = ident(&o.database),
        table = ident(&o.cloudtrail_table),
    );
    let enums = [("account", &o.accounts), ("region", &o.regions)];
    projected(
        out,
        &base,
        &enums,
        "${account}/CloudTrail/${region}/${timestamp}",
        o,
    );
}

/// The access-log record as one regular expression (Java syntax, as the RegexSerDe reads it):
/// one group per column, in the documented order. Quoted fields may hold `\"`; the user
/// agent's group is inside its quotes; the fields S3 added after the user agent are optional
/// groups (an older record ends earlier: its TLS version is `NULL`, not recorded).
pub fn access_log_regex() -> String {
    format!(
        "{}{}",
        r#"([^ ]*) ([^ ]*) \[(.*?)\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("(?:[^"\\]|\\.)*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("(?:[^"\\]|\\.)*"|-) (?:"((?:[^"\\]|\\.)*)"|-)"#,
        r#"(?: ([^ ]*) ([^ ]*))?(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?(?: ([^ ]*))?(?: ([^ ]*))?.*$"#
    )
}

fn access_log_table(out: &mut String, o: &SqlOptions) {
    let base = location(&o.access_log_location);
    let regex = access_log_regex();
    let _ = write!(
        out,
        "CREATE EXTERNAL TABLE IF NOT EXISTS {db}.{table} (
  bucketowner STRING,
  bucket_name STRING,
  requestdatetime STRING,
  remoteip STRING,
  requester STRING,
  requestid STRING,
  operation STRING,
  key STRING,
  request_uri STRING,
  httpstatus STRING,
  errorcode STRING,
  bytessent STRING,
  objectsize STRING,
  totaltime STRING,
  turnaroundtime STRING,
  referrer STRING,
  useragent STRING,
  versionid STRING,
  hostid STRING,
  sigv STRING,
  ciphersuite STRING,
  authtype STRING,
  endpoint STRING,
  tlsversion STRING,
  accesspointarn STRING
)
PARTITIONED BY (account STRING, region STRING, bucket STRING, `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES ('input.regex' = {regex})
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
",
        db = ident(&o.database),
        table = ident(&o.access_log_table),
        regex = ddl_lit(&regex),
    );
    let enums = [
        ("account", &o.accounts),
        ("region", &o.regions),
        ("bucket", &o.buckets),
    ];
    projected(
        out,
        &base,
        &enums,
        "${account}/${region}/${bucket}/${timestamp}",
        o,
    );
}

/// `athena.amazonaws.com` where a log has an address or agent (the local rule).
const SERVICE_NAME: &str = r"^[a-z0-9.-]+\.amazonaws\.com$";

fn query(out: &mut String, o: &SqlOptions) {
    let db = query_ident(&o.database);
    let ct = format!("{db}.{}", query_ident(&o.cloudtrail_table));
    let al = format!("{db}.{}", query_ident(&o.access_log_table));
    let since = lit(&o.since);
    let since_day = lit(&day(&o.since));
    let service = lit(SERVICE_NAME);
    let _ = writeln!(
        out,
        "-- The aggregates: one row per client, per plain-HTTP group, per bucket.
WITH access AS (
  SELECT
    bucket_name AS bucket,
    coalesce(nullif(requester, '-'), 'anonymous') AS principal,
    coalesce(nullif(remoteip, '-'), '-') AS source_ip,
    nullif(nullif(useragent, '-'), '') AS user_agent,
    operation,
    nullif(requestid, '-') AS request_id,
    try_cast(nullif(httpstatus, '-') AS INTEGER) AS http_status,
    CASE WHEN tlsversion IS NULL OR tlsversion = '' THEN NULL
         WHEN tlsversion = '-' THEN 'none' ELSE tlsversion END AS tls_version,
    try(parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS at
  FROM {al}
  WHERE \"timestamp\" >= {since_day}
),
access_path AS (
  SELECT *,
    CASE WHEN starts_with(principal, 'svc:') THEN substr(principal, 5)
         WHEN regexp_like(source_ip, {service}) THEN source_ip
         WHEN regexp_like(coalesce(user_agent, ''), {service}) THEN user_agent END AS via_service,
    try_cast(source_ip AS IPADDRESS) AS ip
  FROM access
  WHERE at IS NULL OR at >= from_iso8601_timestamp({since})
),
access_rows AS (
  SELECT *,
    CASE WHEN via_service IS NOT NULL THEN 'aws_network'
         WHEN ip IS NULL THEN 'not_recorded'
         WHEN contains('10.0.0.0/8', ip) OR contains('172.16.0.0/12', ip)
           OR contains('192.168.0.0/16', ip) OR contains('100.64.0.0/10', ip)
           OR contains('fc00::/7', ip) THEN 'vpce'
         ELSE 'public' END AS endpoint
  FROM access_path
),
trail AS (
  SELECT
    CASE WHEN useridentity IS NULL THEN 'unknown'
         WHEN useridentity.arn IS NOT NULL THEN useridentity.arn
         WHEN useridentity.accountid = 'ANONYMOUS_PRINCIPAL' OR useridentity.type = 'Anonymous'
           THEN 'anonymous'
         WHEN useridentity.type = 'AWSService' THEN coalesce(useridentity.invokedby, 'AWSService')
         WHEN useridentity.accountid IS NOT NULL THEN useridentity.accountid
         ELSE coalesce(useridentity.type, 'unknown') END AS principal,
    coalesce(sourceipaddress, '-') AS source_ip,
    useragent AS user_agent,
    coalesce(eventsource, '-') AS event_source,
    tlsdetails.tlsversion AS tls_version,
    coalesce(recipientaccountid, useridentity.accountid) AS account_id,
    awsregion AS region,
    eventname,
    coalesce(eventid, requestid) AS request_id,
    vpcendpointid,
    coalesce(useridentity.invokedby,
      CASE WHEN regexp_like(coalesce(sourceipaddress, ''), {service}) THEN sourceipaddress END)
      AS via_service,
    try(from_iso8601_timestamp(eventtime)) AS at
  FROM {ct}
  WHERE \"timestamp\" >= {since_day}
),
trail_rows AS (
  SELECT *,
    CASE WHEN vpcendpointid IS NOT NULL THEN vpcendpointid
         WHEN via_service IS NOT NULL THEN 'aws_network'
         WHEN source_ip = '-' THEN 'not_recorded'
         ELSE 'public' END AS endpoint
  FROM trail
  WHERE at IS NULL OR at >= from_iso8601_timestamp({since})
)
SELECT 'client' AS kind, 'access_log' AS log, NULL AS bucket, principal, source_ip, user_agent,
  's3.amazonaws.com' AS event_source, endpoint, tls_version, via_service,
  NULL AS account_id, NULL AS region, NULL AS operation, NULL AS outcome, NULL AS http_status,
  count(*) AS count,
  {first} AS first_seen, {last} AS last_seen, {examples} AS examples,
  json_format(CAST(array_sort(array_agg(DISTINCT bucket)) AS JSON)) AS buckets,
  json_format(CAST(array_sort(array_agg(DISTINCT operation)) AS JSON)) AS operations,
  NULL AS plain_http_accepted, NULL AS plain_http_denied, NULL AS tls_not_recorded,
  NULL AS tls_versions
FROM access_rows
GROUP BY principal, source_ip, user_agent, endpoint, tls_version, via_service
UNION ALL
SELECT 'client', 'cloudtrail', NULL, principal, source_ip, user_agent, event_source, endpoint,
  tls_version, via_service, account_id, region, NULL, NULL, NULL,
  count(*), {first}, {last}, {examples},
  '[]',
  json_format(CAST(array_sort(array_agg(DISTINCT eventname) FILTER (WHERE eventname IS NOT NULL)) AS JSON)),
  NULL, NULL, NULL, NULL
FROM trail_rows
GROUP BY principal, source_ip, user_agent, event_source, endpoint, tls_version, via_service,
  account_id, region
UNION ALL
SELECT 'plain_http', NULL, bucket, principal, source_ip, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  operation, CASE WHEN http_status = 403 THEN 'denied' ELSE 'accepted' END,
  CAST(http_status AS VARCHAR),
  count(*), {first}, {last}, {examples},
  NULL, NULL, NULL, NULL, NULL, NULL
FROM access_rows
WHERE tls_version = 'none'
GROUP BY bucket, principal, source_ip, operation,
  CASE WHEN http_status = 403 THEN 'denied' ELSE 'accepted' END, http_status
UNION ALL
SELECT 'bucket', NULL, b.bucket, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, b.records, NULL, NULL, NULL, NULL, NULL,
  CAST(b.accepted AS VARCHAR), CAST(b.denied AS VARCHAR), CAST(b.not_recorded AS VARCHAR),
  coalesce(v.versions, '{{}}')
FROM (
  SELECT bucket, count(*) AS records,
    count_if(tls_version = 'none' AND coalesce(http_status, 0) <> 403) AS accepted,
    count_if(tls_version = 'none' AND http_status = 403) AS denied,
    count_if(tls_version IS NULL) AS not_recorded
  FROM access_rows
  GROUP BY bucket
) b
LEFT JOIN (
  SELECT bucket, json_format(CAST(map_agg(tls_version, n) AS JSON)) AS versions
  FROM (
    SELECT bucket, tls_version, count(*) AS n
    FROM access_rows
    WHERE tls_version IS NOT NULL AND tls_version <> 'none'
    GROUP BY bucket, tls_version
  )
  GROUP BY bucket
) v ON v.bucket = b.bucket;",
        first = "date_format(min(at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%i:%sZ')",
        last = "date_format(max(at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%i:%sZ')",
        examples = "json_format(CAST(slice(array_distinct(filter(array_agg(request_id ORDER BY at, request_id), x -> x IS NOT NULL)), 1, 3) AS JSON))",
    );
}
