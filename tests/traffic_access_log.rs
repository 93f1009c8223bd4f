//! S3 server access log records: the documented examples, the older and newer lengths,
//! plain HTTP, and lines that are not records (hostile, truncated, huge), which are counted,
//! never dropped silently.
//!
//! The first two records are the example log of the Amazon S3 User Guide, "Amazon S3 server
//! access log format" (`AmazonS3/latest/userguide/LogFormat.html`), as published.

use std::io::Cursor;

mod traffic_samples;

use traffic_samples::{DOC_LOGGING, DOC_VERSIONING, PLAIN_GET};

use intransit::traffic::access_log::{LineError, MAX_LINE, Record, Transport, parse, read};

fn record(line: &str) -> Record<'_> {
    parse(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn the_documented_examples_parse_field_by_field() {
    let r = record(DOC_VERSIONING);
    assert_eq!(r.bucket, "amzn-s3-demo-bucket1");
    assert_eq!(r.time, "06/Feb/2019:00:00:38 +0000");
    assert_eq!(r.remote_ip, Some("192.0.2.3"));
    assert_eq!(r.request_id, Some("3E57427F3EXAMPLE"));
    assert_eq!(r.operation, "REST.GET.VERSIONING");
    assert_eq!(r.key, None);
    assert_eq!(
        r.request_uri,
        Some("GET /amzn-s3-demo-bucket1?versioning HTTP/1.1")
    );
    assert_eq!(r.http_status, Some(200));
    assert_eq!(r.error_code, None);
    assert_eq!(r.user_agent, Some("S3Console/0.4"));
    assert_eq!(r.cipher_suite, Some("ECDHE-RSA-AES128-GCM-SHA256"));
    assert_eq!(
        r.host_header,
        Some("amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com")
    );
    assert_eq!(r.transport, Transport::Tls("TLSV1.2"));
    assert_eq!(
        r.access_point_arn,
        Some("arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP")
    );
    let r = record(DOC_LOGGING);
    assert_eq!(r.operation, "REST.GET.LOGGING_STATUS");
    assert_eq!(r.access_point_arn, None);
    assert_eq!(r.transport, Transport::Tls("TLSV1.2"));
}

#[test]
fn a_dash_for_the_tls_version_is_plain_http_and_a_missing_field_is_not_known() {
    let r = record(PLAIN_GET);
    assert_eq!(r.transport, Transport::PlainHttp);
    assert_eq!(r.requester, Some("arn:aws:iam::111122223333:user/etl"));
    assert_eq!(r.key, Some("events/2026/12/03/part-0001.json"));
    assert_eq!(r.user_agent, Some(r#"curl/8.4.0 \"quoted\" agent"#));
    // A record of an older file ends after the host ID: whether it used TLS is not recorded.
    let older: Vec<&str> = DOC_VERSIONING.split(' ').collect();
    let older = older[..20].join(" ");
    let r = record(&older);
    assert_eq!(r.transport, Transport::NotRecorded);
    assert_eq!(r.user_agent, Some("S3Console/0.4"));
    // Fields S3 adds after the ones known here are ignored.
    let newer = format!("{DOC_VERSIONING} some-future-field \"and another\"");
    assert_eq!(record(&newer), record(DOC_VERSIONING));
}

#[test]
fn lines_that_are_not_records_say_why() {
    let cases: [(&str, LineError); 4] = [
        (
            "owner bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3",
            LineError::TooShort(4),
        ),
        (
            r#"o b [06/Feb/2019:00:00:38 +0000] 1 r i REST.GET.OBJECT k "GET /k HTTP/1.1"#,
            LineError::OpenQuote,
        ),
        (
            "o b [06/Feb/2019:00:00:38 +0000 1 r i op k",
            LineError::OpenBracket,
        ),
        (
            "<html><body>Service Unavailable</body></html>",
            LineError::TooShort(2),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(parse(line), Err(want), "{line}");
    }
}

#[test]
fn a_file_is_streamed_and_every_line_is_counted() {
    let hostile = PLAIN_GET.replace("curl/8.4.0", "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}curl");
    let huge = format!("{} {}", DOC_LOGGING, "x".repeat(MAX_LINE * 2));
    let invalid_utf8: &[u8] = b"o b [t] \xff\xfe r i op k\n";
    let mut file: Vec<u8> = Vec::new();
    for line in [
        DOC_VERSIONING,
        "",
        DOC_LOGGING,
        &hostile,
        &huge,
        "truncated line",
    ] {
        file.extend_from_slice(line.as_bytes());
        file.push(b'\n');
    }
    file.extend_from_slice(invalid_utf8);
    // The last line without its newline.
    file.extend_from_slice(PLAIN_GET.as_bytes());
    let mut agents = Vec::new();
    let count = read(Cursor::new(file), |r| {
        agents.push(r.user_agent.map(str::to_string))
    })
    .expect("read from memory");
    assert_eq!(count.records, 4, "{count:?}");
    assert_eq!(count.refused, 3, "{count:?}");
    let reasons: Vec<&LineError> = count.first_refused.iter().map(|(_, e)| e).collect();
    assert_eq!(
        reasons,
        [
            &LineError::TooLong,
            &LineError::TooShort(2),
            &LineError::NotUtf8
        ]
    );
    assert_eq!(
        count.first_refused[0].0, 5,
        "line numbers count blank lines"
    );
    // Kept as written: escape sequences are stripped where they are shown, not here.
    assert!(
        agents[2]
            .as_deref()
            .is_some_and(|a| a.starts_with('\u{1b}'))
    );
}
