//! The rows of the emitted Athena query ([`super::athena_sql`]) and the traffic they say:
//! one result set, a `kind` column telling a client row, a plain-HTTP row and a bucket row
//! apart, lists as JSON arrays, the TLS versions of a bucket as a JSON object. `decode` reads
//! `athena:GetQueryResults` rows (all values text, `NULL` absent) back into the same
//! [`Traffic`] the local reader builds; `encode` writes a traffic's rows as Athena returns
//! them, header row first.

use std::collections::BTreeMap;

use super::summary::{BucketSeen, Client, Coverage, FileRead, Log, Outcome, PlainHttp, Traffic};

/// The query's columns, in order.
pub const COLUMNS: [&str; 25] = [
    "kind",
    "log",
    "bucket",
    "principal",
    "source_ip",
    "user_agent",
    "event_source",
    "endpoint",
    "tls_version",
    "via_service",
    "account_id",
    "region",
    "operation",
    "outcome",
    "http_status",
    "count",
    "first_seen",
    "last_seen",
    "examples",
    "buckets",
    "operations",
    "plain_http_accepted",
    "plain_http_denied",
    "tls_not_recorded",
    "tls_versions",
];

/// One result row, by column.
pub type Row = Vec<Option<String>>;

/// Why result rows are not the query's.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RowError {
    #[error("not the rows of intransit's traffic query: column {0:?} is missing")]
    MissingColumn(&'static str),
    #[error("row {row}: {why}")]
    Bad { row: usize, why: String },
}

struct Columns(BTreeMap<&'static str, usize>);

impl Columns {
    fn of(names: &[String]) -> Result<Columns, RowError> {
        let mut at = BTreeMap::new();
        for c in COLUMNS {
            let i = names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(c))
                .ok_or(RowError::MissingColumn(c))?;
            at.insert(c, i);
        }
        Ok(Columns(at))
    }

    fn get<'a>(&self, row: &'a Row, name: &str) -> Option<&'a str> {
        let i = *self.0.get(name)?;
        row.get(i)?.as_deref()
    }
}

/// Reads result rows into traffic; the first row is skipped when it is the header (Athena
/// returns the column names as the first row of a SELECT's first page). `name` names the
/// read in the coverage (`athena query <id>`).
pub fn decode(name: &str, names: &[String], rows: &[Row]) -> Result<Traffic, RowError> {
    let cols = Columns::of(names)?;
    let mut t = Traffic::default();
    for (n, row) in rows.iter().enumerate() {
        let header = n == 0
            && cols
                .get(row, "kind")
                .is_some_and(|k| k.eq_ignore_ascii_case("kind"));
        if header {
            continue;
        }
        let bad = |why: String| RowError::Bad { row: n + 1, why };
        match cols.get(row, "kind") {
            Some("client") => t.clients.push(client(&cols, row).map_err(bad)?),
            Some("plain_http") => t.plain_http.push(plain(&cols, row).map_err(bad)?),
            Some("bucket") => {
                let (bucket, seen) = bucket(&cols, row).map_err(bad)?;
                t.coverage.buckets.insert(bucket, seen);
            }
            other => return Err(bad(format!("unknown kind {other:?}"))),
        }
    }
    let buckets = std::mem::take(&mut t.coverage.buckets);
    t.coverage = coverage(name, &t, buckets);
    t.sort();
    Ok(t)
}

fn text(cols: &Columns, row: &Row, name: &str) -> Option<String> {
    cols.get(row, name).map(str::to_string)
}

fn required(cols: &Columns, row: &Row, name: &str) -> Result<String, String> {
    text(cols, row, name).ok_or_else(|| format!("{name} is empty"))
}

fn number(cols: &Columns, row: &Row, name: &str) -> Result<u64, String> {
    let v = cols.get(row, name).unwrap_or("0");
    v.parse()
        .map_err(|_| format!("{name} {v:?} is not a count"))
}

fn list(cols: &Columns, row: &Row, name: &str) -> Result<Vec<String>, String> {
    match cols.get(row, name) {
        None => Ok(Vec::new()),
        Some(v) => serde_json::from_str(v).map_err(|e| format!("{name}: {e}")),
    }
}

fn client(cols: &Columns, row: &Row) -> Result<Client, String> {
    let log = match cols.get(row, "log") {
        Some("access_log") => Log::AccessLog,
        Some("cloudtrail") => Log::Cloudtrail,
        other => return Err(format!("log {other:?}")),
    };
    Ok(Client {
        log,
        principal: required(cols, row, "principal")?,
        source_ip: required(cols, row, "source_ip")?,
        user_agent: text(cols, row, "user_agent"),
        event_source: required(cols, row, "event_source")?,
        endpoint: required(cols, row, "endpoint")?,
        tls_version: text(cols, row, "tls_version"),
        via_service: text(cols, row, "via_service"),
        account_id: text(cols, row, "account_id"),
        region: text(cols, row, "region"),
        buckets: list(cols, row, "buckets")?,
        operations: list(cols, row, "operations")?,
        count: number(cols, row, "count")?,
        first_seen: text(cols, row, "first_seen"),
        last_seen: text(cols, row, "last_seen"),
        examples: list(cols, row, "examples")?,
    })
}

fn plain(cols: &Columns, row: &Row) -> Result<PlainHttp, String> {
    let outcome = match cols.get(row, "outcome") {
        Some("accepted") => Outcome::Accepted,
        Some("denied") => Outcome::Denied,
        other => return Err(format!("outcome {other:?}")),
    };
    let http_status = match cols.get(row, "http_status") {
        None => None,
        Some(s) => Some(s.parse().map_err(|_| format!("http_status {s:?}"))?),
    };
    Ok(PlainHttp {
        bucket: required(cols, row, "bucket")?,
        principal: required(cols, row, "principal")?,
        source_ip: required(cols, row, "source_ip")?,
        operation: required(cols, row, "operation")?,
        outcome,
        http_status,
        count: number(cols, row, "count")?,
        first_seen: text(cols, row, "first_seen"),
        last_seen: text(cols, row, "last_seen"),
        examples: list(cols, row, "examples")?,
    })
}

fn bucket(cols: &Columns, row: &Row) -> Result<(String, BucketSeen), String> {
    let versions = match cols.get(row, "tls_versions") {
        None => BTreeMap::new(),
        Some(v) => serde_json::from_str(v).map_err(|e| format!("tls_versions: {e}"))?,
    };
    Ok((
        required(cols, row, "bucket")?,
        BucketSeen {
            records: number(cols, row, "count")?,
            plain_http_accepted: number(cols, row, "plain_http_accepted")?,
            plain_http_denied: number(cols, row, "plain_http_denied")?,
            tls_not_recorded: number(cols, row, "tls_not_recorded")?,
            tls_versions: versions,
        },
    ))
}

/// What the rows cover: their records per log, time range, accounts and regions.
fn coverage(name: &str, t: &Traffic, buckets: BTreeMap<String, BucketSeen>) -> Coverage {
    let mut files = Vec::new();
    for (log, words) in [
        (Log::AccessLog, "access logs"),
        (Log::Cloudtrail, "CloudTrail"),
    ] {
        let records = t
            .clients
            .iter()
            .filter(|c| c.log == log)
            .map(|c| c.count)
            .sum();
        files.push(FileRead {
            name: format!("{name}: {words}"),
            log,
            records,
            refused: 0,
            outside_window: 0,
            first_refused: Vec::new(),
            error: None,
            account_id: None,
            region: None,
            sampled: false,
        });
    }
    let set = |f: fn(&Client) -> Option<&String>| -> Vec<String> {
        let mut v: Vec<String> = t
            .clients
            .iter()
            .filter(|c| c.log == Log::Cloudtrail)
            .filter_map(|c| f(c).cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    Coverage {
        records: files.iter().map(|f| f.records).sum(),
        files,
        first_seen: t.clients.iter().filter_map(|c| c.first_seen.clone()).min(),
        last_seen: t.clients.iter().filter_map(|c| c.last_seen.clone()).max(),
        accounts: set(|c| c.account_id.as_ref()),
        regions: set(|c| c.region.as_ref()),
        buckets,
        ..Coverage::default()
    }
}

/// A traffic's rows as the query returns them for the same records, header row first.
pub fn encode(t: &Traffic) -> Vec<Row> {
    let json = |v: &[String]| Some(serde_json::to_string(v).unwrap_or_default());
    let mut rows: Vec<Row> = vec![COLUMNS.iter().map(|c| Some(c.to_string())).collect()];
    let blank = || -> Row { vec![None; COLUMNS.len()] };
    let at = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
    for c in &t.clients {
        let mut r = blank();
        r[at("kind")] = Some("client".into());
        r[at("log")] = Some(c.log.as_str().into());
        r[at("principal")] = Some(c.principal.clone());
        r[at("source_ip")] = Some(c.source_ip.clone());
        r[at("user_agent")] = c.user_agent.clone();
        r[at("event_source")] = Some(c.event_source.clone());
        r[at("endpoint")] = Some(c.endpoint.clone());
        r[at("tls_version")] = c.tls_version.clone();
        r[at("via_service")] = c.via_service.clone();
        r[at("account_id")] = c.account_id.clone();
        r[at("region")] = c.region.clone();
        r[at("count")] = Some(c.count.to_string());
        r[at("first_seen")] = c.first_seen.clone();
        r[at("last_seen")] = c.last_seen.clone();
        r[at("examples")] = json(&c.examples);
        r[at("buckets")] = json(&c.buckets);
        r[at("operations")] = json(&c.operations);
        rows.push(r);
    }
    for p in &t.plain_http {
        let mut r = blank();
        r[at("kind")] = Some("plain_http".into());
        r[at("bucket")] = Some(p.bucket.clone());
        r[at("principal")] = Some(p.principal.clone());
        r[at("source_ip")] = Some(p.source_ip.clone());
        r[at("operation")] = Some(p.operation.clone());
        r[at("outcome")] = Some(p.outcome.as_str().into());
        r[at("http_status")] = p.http_status.map(|s| s.to_string());
        r[at("count")] = Some(p.count.to_string());
        r[at("first_seen")] = p.first_seen.clone();
        r[at("last_seen")] = p.last_seen.clone();
        r[at("examples")] = json(&p.examples);
        rows.push(r);
    }
    for (bucket, b) in &t.coverage.buckets {
        let mut r = blank();
        r[at("kind")] = Some("bucket".into());
        r[at("bucket")] = Some(bucket.clone());
        r[at("count")] = Some(b.records.to_string());
        r[at("plain_http_accepted")] = Some(b.plain_http_accepted.to_string());
        r[at("plain_http_denied")] = Some(b.plain_http_denied.to_string());
        r[at("tls_not_recorded")] = Some(b.tls_not_recorded.to_string());
        r[at("tls_versions")] = Some(serde_json::to_string(&b.tls_versions).unwrap_or_default());
        rows.push(r);
    }
    rows
}
