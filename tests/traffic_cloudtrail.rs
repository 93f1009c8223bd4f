//! CloudTrail events from trail files (plain and gzip) and lookup-events output: the fields
//! transit evidence needs, one malformed event refused without losing the rest, and files
//! that are not CloudTrail at all refused with where.
//!
//! The records are shaped like the examples of the AWS CloudTrail User Guide ("CloudTrail
//! record contents") and the Amazon S3 User Guide ("Logging Amazon S3 API calls using AWS
//! CloudTrail"), with documentation addresses and account ids.

use std::io::Write;

mod traffic_samples;

use traffic_samples::{ATHENA_START, S3_GET};

use intransit::traffic::cloudtrail::{Event, FileError, read};

fn trail(records: &[&str]) -> String {
    format!("{{\"Records\": [{}]}}", records.join(",\n"))
}

fn events(bytes: &[u8], gzip: bool) -> (Vec<Event>, intransit::traffic::cloudtrail::ReadCount) {
    let mut out = Vec::new();
    let count = read(bytes, gzip, &mut |e| out.push(e.clone())).expect("a CloudTrail file");
    (out, count)
}

#[test]
fn a_trail_file_gives_each_events_transit_fields() {
    let (got, count) = events(trail(&[S3_GET, ATHENA_START]).as_bytes(), false);
    assert_eq!((count.events, count.refused), (2, 0));
    let s3 = &got[0];
    assert_eq!(s3.event_source.as_deref(), Some("s3.amazonaws.com"));
    assert_eq!(s3.event_name.as_deref(), Some("GetObject"));
    assert_eq!(
        s3.vpc_endpoint_id.as_deref(),
        Some("vpce-0c4e6a8b2d1f3e5a7")
    );
    let tls = s3.tls_details.as_ref().expect("tlsDetails");
    assert_eq!(tls.tls_version.as_deref(), Some("TLSv1.3"));
    assert_eq!(
        tls.client_provided_host_header.as_deref(),
        Some("clickstream-landing-use1.s3.us-east-1.amazonaws.com")
    );
    assert_eq!(
        s3.user_identity.as_ref().and_then(|u| u.arn.as_deref()),
        Some("arn:aws:sts::111122223333:assumed-role/etl/etl")
    );
    let athena = &got[1];
    assert_eq!(athena.vpc_endpoint_id, None, "the public endpoint");
    assert_eq!(
        athena
            .tls_details
            .as_ref()
            .and_then(|t| t.tls_version.as_deref()),
        Some("TLSv1")
    );
    // Kept as written: escape sequences are stripped where they are shown.
    assert!(
        athena
            .user_agent
            .as_deref()
            .is_some_and(|a| a.contains('\u{1b}'))
    );
}

#[test]
fn a_gzip_file_reads_the_same_as_the_plain_one() {
    let plain = trail(&[S3_GET, ATHENA_START]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(plain.as_bytes()).expect("compress");
    let gz = gz.finish().expect("compress");
    assert_eq!(events(&gz, true), events(plain.as_bytes(), false));
}

#[test]
fn a_malformed_event_is_refused_and_the_rest_are_read() {
    let file = trail(&[
        S3_GET,
        r#""not an event""#,
        r#"{"eventTime": 12}"#,
        ATHENA_START,
    ]);
    let (got, count) = events(file.as_bytes(), false);
    assert_eq!((count.events, count.refused), (2, 2), "{count:?}");
    assert_eq!(got.len(), 2);
    assert!(count.first_refused[0].starts_with("event 2:"), "{count:?}");
    assert!(count.first_refused[1].starts_with("event 3:"), "{count:?}");
}

#[test]
fn lookup_events_output_carries_each_event_as_a_string() {
    let lookup = serde_json::json!({
        "Events": [
            {"EventId": "d6a3c3d0-0000-4000-8000-000000000002", "EventName": "StartQueryExecution",
             "CloudTrailEvent": ATHENA_START},
            {"EventId": "x", "CloudTrailEvent": "{not json"}
        ],
        "NextToken": "token"
    })
    .to_string();
    let (got, count) = events(lookup.as_bytes(), false);
    assert_eq!((count.events, count.refused), (1, 1));
    assert_eq!(got[0].event_name.as_deref(), Some("StartQueryExecution"));
}

#[test]
fn a_file_that_is_not_cloudtrail_is_refused_with_where() {
    for (text, want) in [
        ("[1, 2]", "line 1, column"),
        ("{\"foo\": 1}", "no Records or Events array"),
        ("{\"Records\": [", "line 1"),
        ("<html>Service Unavailable</html>", "line 1, column 1"),
    ] {
        let err = read(text.as_bytes(), false, &mut |_| {}).expect_err(text);
        assert!(matches!(err, FileError::Json { .. }), "{text}: {err}");
        assert!(err.to_string().contains(want), "{text}: {err}");
    }
}
