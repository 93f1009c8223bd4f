//! The Athena side of traffic: the emitted statements (golden), the access-log regular
//! expression against the parser on the same lines, and the query's rows read back into the
//! same traffic the local reader builds.

mod traffic_samples;

use intransit::traffic::access_log::{self, Transport};
use intransit::traffic::athena_rows::{self, COLUMNS, RowError};
use intransit::traffic::athena_sql::{self, SqlOptions};
use intransit::traffic::{self, Inputs, Traffic};
use traffic_samples::{DOC_LOGGING, DOC_VERSIONING, PLAIN_GET};

fn options() -> SqlOptions {
    SqlOptions {
        database: "intransit_logs".into(),
        cloudtrail_table: "cloudtrail_logs".into(),
        cloudtrail_location: "s3://org-trail-logs/AWSLogs/o-a1b2c3d4e5/".into(),
        access_log_table: "s3_access_logs".into(),
        access_log_location: "s3://s3-access-logs-analytics-prod-use1/".into(),
        accounts: vec!["111122223333".into(), "777788889999".into()],
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        buckets: vec![
            "athena-results-sandbox-use1".into(),
            "clickstream-landing-use1".into(),
        ],
        since: "2024-01-22T00:00:00Z".into(),
    }
}

#[test]
fn the_statements_are_the_reviewed_ones() {
    insta::assert_snapshot!("athena_statements", athena_sql::emit(&options()));
}

#[test]
fn names_and_literals_cannot_break_out_of_the_statements() {
    let mut o = options();
    o.database = "db`; DROP TABLE x; --".into();
    o.cloudtrail_location = "s3://b/it's/".into();
    let sql = athena_sql::emit(&o);
    assert!(sql.contains("`db``; DROP TABLE x; --`"), "{sql}");
    assert!(
        sql.contains("\"db`; DROP TABLE x; --\".\"cloudtrail_logs\""),
        "{sql}"
    );
    assert!(sql.contains("'s3://b/it''s/'"), "{sql}");
}

/// An access-log record as the RegexSerDe would split it: the regular expression's groups.
fn columns(line: &str) -> Vec<Option<String>> {
    let re = regex::Regex::new(&format!("^{}", athena_sql::access_log_regex())).expect("a regex");
    let caps = re
        .captures(line)
        .unwrap_or_else(|| panic!("no match: {line}"));
    assert_eq!(caps.len() - 1, 25, "one group per column");
    (1..caps.len())
        .map(|i| caps.get(i).map(|m| m.as_str().to_string()))
        .collect()
}

/// The parser's reading of the same fields, as the table's columns hold them.
fn check_line(line: &str) {
    let r = access_log::parse(line).expect("a record");
    let c = columns(line);
    let dash = |v: Option<&str>| v.unwrap_or("-").to_string();
    assert_eq!(c[1].as_deref(), Some(r.bucket), "bucket: {line}");
    assert_eq!(c[2].as_deref(), Some(r.time), "time");
    assert_eq!(c[3], Some(dash(r.remote_ip)), "remote ip");
    assert_eq!(c[4], Some(dash(r.requester)), "requester");
    assert_eq!(c[5], Some(dash(r.request_id)), "request id");
    assert_eq!(c[6].as_deref(), Some(r.operation), "operation");
    assert_eq!(
        c[9],
        Some(r.http_status.map_or("-".into(), |s| s.to_string())),
        "status"
    );
    assert_eq!(c[10], Some(dash(r.error_code)), "error code");
    assert_eq!(c[16].as_deref(), r.user_agent, "user agent");
    match r.transport {
        Transport::NotRecorded => assert_eq!(c[23], None, "TLS not recorded"),
        Transport::PlainHttp => assert_eq!(c[23].as_deref(), Some("-"), "plain HTTP"),
        Transport::Tls(v) => assert_eq!(c[23].as_deref(), Some(v), "TLS version"),
    }
    if r.transport != Transport::NotRecorded {
        assert_eq!(c[20], Some(dash(r.cipher_suite)), "cipher");
        assert_eq!(c[22], Some(dash(r.host_header)), "host header");
    }
}

#[test]
fn the_table_reads_each_field_where_the_parser_does() {
    // S3 quotes only the Request-URI, the referrer and the user agent; the plain-HTTP sample
    // also quotes its request id (the parser takes any quoted field whole), which the table's
    // expression, written to S3's format, keeps with its quotes: unquoted here.
    let plain = PLAIN_GET.replace("\"3E57427F3EXAMPLF\"", "3E57427F3EXAMPLF");
    for line in [DOC_VERSIONING, DOC_LOGGING, plain.as_str()] {
        check_line(line);
    }
    // An older record, before S3 logged the TLS version.
    let old: String = DOC_LOGGING
        .split(' ')
        .take(20)
        .collect::<Vec<_>>()
        .join(" ");
    check_line(&old);
    for (name, log, bytes) in traffic::DEMO {
        if *log != traffic::Log::AccessLog {
            continue;
        }
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        for line in text.lines() {
            check_line(line);
        }
        assert!(!text.is_empty(), "{name}");
    }
}

/// The parts of a traffic both readings carry (the files read differ by nature).
fn comparable(t: &Traffic) -> Traffic {
    let mut t = t.clone();
    t.coverage.files.clear();
    t.coverage.since = None;
    t
}

#[test]
fn the_query_rows_read_back_into_the_same_traffic() {
    let local = traffic::read(&Inputs::default(), true, None);
    let rows = athena_rows::encode(&local);
    let names: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let back = athena_rows::decode("athena query q-1", &names, &rows).expect("the rows");
    assert_eq!(comparable(&back), comparable(&local));
    let files: Vec<(&str, u64)> = back
        .coverage
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.records))
        .collect();
    assert_eq!(
        files,
        [
            ("athena query q-1: access logs", 231),
            ("athena query q-1: CloudTrail", 417)
        ]
    );
}

#[test]
fn rows_that_are_not_the_query_s_are_refused_with_where() {
    let names: Vec<String> = COLUMNS[1..].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        athena_rows::decode("q", &names, &[]),
        Err(RowError::MissingColumn("kind"))
    );
    let names: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut row = vec![None; COLUMNS.len()];
    row[0] = Some("nonsense".into());
    let err = athena_rows::decode("q", &names, &[row.clone()]).unwrap_err();
    assert!(err.to_string().contains("row 1: unknown kind"), "{err}");
    row[0] = Some("bucket".into());
    row[2] = Some("b".into());
    row[15] = Some("many".into());
    let err = athena_rows::decode("q", &names, &[row]).unwrap_err();
    assert!(err.to_string().contains("count \"many\""), "{err}");
}
