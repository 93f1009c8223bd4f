use super::*;
use crate::model::{PolicyText, SnapshotError};
use crate::policy::Verdict;

const CANONICAL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::NAME","arn:aws:s3:::NAME/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

const RCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceTls","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}"#;

fn bucket(account: &str, name: &str, policy: PolicyText) -> Bucket {
    Bucket::new(account, name, "eu-west-1", policy)
}

fn workgroup(name: &str, output: &str) -> Workgroup {
    Workgroup {
        account_id: "111111111111".into(),
        region: "eu-west-1".into(),
        name: name.into(),
        description: None,
        state: Some("ENABLED".into()),
        engine_version: None,
        output_location: Some(format!("s3://{output}/results/")),
        output_bucket: Some(output.into()),
        result_encryption: None,
        kms_key: None,
        enforce_configuration: true,
        expected_bucket_owner: None,
        errors: Vec::new(),
    }
}

#[test]
fn buckets_get_verdicts_and_versions_advance() {
    let store = Store::new(Mode::Demo);
    let mut rx = store.subscribe();
    let v0 = store.version();
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "good",
        PolicyText::Present {
            text: CANONICAL.replace("NAME", "good").into(),
        },
    ))));
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "none",
        PolicyText::None,
    ))));
    assert!(store.version() > v0);
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), store.version());
    store.read(|s| {
        assert_eq!(s.bucket("good").unwrap().tls.verdict(), Verdict::Enforced);
        assert_eq!(
            s.bucket("none").unwrap().tls.verdict(),
            Verdict::NotEnforced
        );
    });
}

#[test]
fn unreadable_and_malformed_policies_are_unknown_with_the_reason() {
    let store = Store::new(Mode::Live);
    let mut denied = bucket("111111111111", "denied", PolicyText::Unreadable);
    denied.errors.push(FetchError {
        operation: "s3:GetBucketPolicy".into(),
        account_id: Some("111111111111".into()),
        region: Some("eu-west-1".into()),
        resource: Some("denied".into()),
        code: "AccessDenied".into(),
        message: "Access Denied".into(),
    });
    store.apply(Update::Bucket(Box::new(denied)));
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "broken",
        PolicyText::Present {
            text: "{not json".into(),
        },
    ))));
    store.read(|s| {
        let d = &s.bucket("denied").unwrap().tls;
        assert_eq!(d.verdict(), Verdict::Unknown);
        assert_eq!(
            d.error().as_deref(),
            Some("s3:GetBucketPolicy: AccessDenied")
        );
        let b = &s.bucket("broken").unwrap().tls;
        assert_eq!(b.verdict(), Verdict::Unknown);
        assert!(b.error().as_deref().unwrap().contains("malformed"));
    });
}

#[test]
fn an_rcp_enforces_for_the_accounts_it_covers_only() {
    let store = Store::new(Mode::Demo);
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "a",
        PolicyText::None,
    ))));
    store.apply(Update::Bucket(Box::new(bucket(
        "222222222222",
        "b",
        PolicyText::None,
    ))));
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "c",
        PolicyText::Unreadable,
    ))));
    store.apply(Update::ResourceControlPolicy(ResourceControlPolicy {
        id: "p-rcp1".into(),
        name: "EnforceTls".into(),
        content: RCP.into(),
        targets: vec!["111111111111".into()],
        account_ids: vec!["111111111111".into()],
    }));
    store.read(|s| {
        let a = &s.bucket("a").unwrap().tls;
        assert_eq!(a.verdict(), Verdict::Enforced);
        assert!(matches!(
            a.enforcing_sources()[..],
            [crate::policy::PolicySource::ResourceControlPolicy { .. }]
        ));
        assert_eq!(s.bucket("b").unwrap().tls.verdict(), Verdict::NotEnforced);
        // The RCP alone decides even when the bucket policy could not be read.
        assert_eq!(s.bucket("c").unwrap().tls.verdict(), Verdict::Enforced);
    });
}

#[test]
fn athena_usage_follows_workgroups_and_tables_in_any_order() {
    let store = Store::new(Mode::Demo);
    store.apply(Update::Workgroup(workgroup("analysts", "results")));
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "results",
        PolicyText::None,
    ))));
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "lake",
        PolicyText::None,
    ))));
    for name in ["orders", "customers"] {
        store.apply(Update::Table(Table {
            account_id: "111111111111".into(),
            region: "eu-west-1".into(),
            catalog: "AwsDataCatalog".into(),
            database: "sales".into(),
            name: name.into(),
            location: Some(format!("s3://lake/{name}/")),
            bucket: Some("lake".into()),
        }));
    }
    store.read(|s| {
        assert_eq!(
            s.bucket("results").unwrap().athena.result_workgroups,
            vec!["eu-west-1/analysts"]
        );
        assert_eq!(s.bucket("lake").unwrap().athena.table_count, 2);
    });
    // Moving the workgroup's output away updates the old bucket.
    store.apply(Update::Workgroup(workgroup("analysts", "lake")));
    store.read(|s| {
        assert!(
            s.bucket("results")
                .unwrap()
                .athena
                .result_workgroups
                .is_empty()
        );
        assert_eq!(s.bucket("lake").unwrap().athena.result_workgroups.len(), 1);
    });
}

#[test]
fn progress_counts_and_snapshot_round_trip() {
    let store = Store::new(Mode::Demo);
    let f = || "s3".to_string();
    store.apply_all([
        Update::Progress {
            fetcher: f(),
            event: Progress::Queued(2),
        },
        Update::Progress {
            fetcher: f(),
            event: Progress::Started,
        },
        Update::Progress {
            fetcher: f(),
            event: Progress::Done,
        },
        Update::Progress {
            fetcher: f(),
            event: Progress::Started,
        },
        Update::Progress {
            fetcher: f(),
            event: Progress::Failed,
        },
    ]);
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "x",
        PolicyText::None,
    ))));
    let snap = store.snapshot();
    let p = &snap.scan.progress[0];
    assert_eq!((p.queued, p.in_flight, p.done, p.failed), (0, 0, 1, 1));
    let text = serde_json::to_string(&snap).unwrap();
    let back = Snapshot::from_json("mem", &text).unwrap();
    // The file keeps what was read and each verdict; loading derives the rest again.
    let reloaded = Store::from_snapshot(back);
    assert_eq!(reloaded.snapshot().estate, snap.estate);
    assert_eq!(reloaded.read(|s| s.meta.mode), Mode::Snapshot);
}

#[test]
fn an_rcp_that_stops_covering_an_account_releases_its_buckets() {
    let store = Store::new(Mode::Live);
    store.apply(Update::Bucket(Box::new(bucket(
        "111111111111",
        "a",
        PolicyText::None,
    ))));
    let rcp = |accounts: Vec<String>| ResourceControlPolicy {
        id: "p-rcp1".into(),
        name: "EnforceTls".into(),
        content: RCP.into(),
        targets: vec!["ou-1".into()],
        account_ids: accounts,
    };
    store.apply(Update::ResourceControlPolicy(rcp(vec![
        "111111111111".into(),
    ])));
    assert_eq!(
        store.read(|s| s.bucket("a").unwrap().tls.verdict()),
        Verdict::Enforced
    );
    // The same policy, now attached elsewhere: the bucket is judged on its own policy again.
    store.apply(Update::ResourceControlPolicy(rcp(vec![
        "222222222222".into(),
    ])));
    assert_eq!(
        store.read(|s| s.bucket("a").unwrap().tls.verdict()),
        Verdict::NotEnforced
    );
}

#[test]
fn auditor_context_arriving_later_keeps_the_verdict_and_its_evidence() {
    let store = Store::new(Mode::Live);
    let first = bucket(
        "111111111111",
        "good",
        PolicyText::Present {
            text: CANONICAL.replace("NAME", "good").into(),
        },
    );
    store.apply(Update::Bucket(Box::new(first.clone())));
    let verdict = store.read(|s| s.bucket("good").unwrap().tls.clone());
    let mut with_context = first;
    with_context.encryption = Some(crate::model::BucketEncryption {
        algorithm: "aws:kms".into(),
        kms_key_id: None,
        bucket_key_enabled: true,
    });
    store.apply(Update::Bucket(Box::new(with_context)));
    store.read(|s| {
        let b = s.bucket("good").unwrap();
        assert_eq!(b.tls, verdict);
        assert_eq!(b.tls.verdict(), Verdict::Enforced);
        assert!(b.encryption.is_some());
    });
}

/// The demo estate, scanned bucket by bucket.
fn demo_store() -> Store {
    let store = Store::new(Mode::Demo);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(crate::source::demo::run(store.clone(), false))
        .expect("the demo scan");
    store
}

#[test]
fn a_streamed_snapshot_loads_to_the_estate_that_was_scanned_with_or_without_derived_fields() {
    let scanned = demo_store().snapshot();
    let text = serde_json::to_string_pretty(&scanned).unwrap();
    let load = |text: &str| {
        let snap = Snapshot::read_for_store("mem", text.as_bytes(), || None).unwrap();
        Store::from_snapshot(snap).into_snapshot()
    };
    let loaded = load(&text);
    assert_eq!(loaded.estate, scanned.estate);
    assert_eq!(loaded.scan.progress, scanned.scan.progress);
    assert_eq!(loaded.scan.mode, Mode::Snapshot);

    // `tls` and `athena` are derived: a file without them loads to the same estate.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for b in value["buckets"].as_array_mut().unwrap() {
        let b = b.as_object_mut().unwrap();
        b.remove("tls");
        b.remove("athena");
    }
    assert_eq!(load(&value.to_string()).estate, scanned.estate);
}

#[test]
fn a_snapshot_of_another_schema_says_so_even_when_its_shape_differs() {
    let text = r#"{"schema": "intransit.snapshot/v0", "buckets": "elsewhere"}"#;
    let err = Snapshot::read_for_store("old.json", text.as_bytes(), || {
        Snapshot::probe_schema(text.as_bytes())
    })
    .unwrap_err();
    assert!(
        matches!(err, SnapshotError::Schema { ref found, .. } if found == "intransit.snapshot/v0"),
        "{err}"
    );
    let err = Snapshot::read_for_store("bad.json", &b"{\"schema\": "[..], || None).unwrap_err();
    assert!(matches!(err, SnapshotError::Json { line: 1, .. }), "{err}");
}

#[test]
fn a_snapshot_that_cannot_be_read_is_an_io_error_not_a_malformed_file() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("Is a directory"))
        }
    }
    let err = Snapshot::read_for_store("dir", Broken, || None).unwrap_err();
    assert!(matches!(err, SnapshotError::Io { .. }), "{err}");
}

/// An organization's tags are read beside the scan: they reach the account's record whether
/// they arrive before it or after it, and a later record of the account keeps them.
#[test]
fn account_tags_reach_the_record_in_either_order() {
    let tags = |v: &str| BTreeMap::from([("team".to_string(), v.to_string())]);
    let account = |id: &str| Account {
        id: id.to_string(),
        ..Account::default()
    };
    let mut state = State::default();
    // Tags first, then the record.
    state.apply(Update::AccountTags {
        id: "111111111111".into(),
        tags: tags("payments"),
    });
    state.apply(Update::Account(account("111111111111")));
    // The record first, then the tags.
    state.apply(Update::Account(account("222222222222")));
    state.apply(Update::AccountTags {
        id: "222222222222".into(),
        tags: tags("data"),
    });
    // A later record (the account entered) keeps what was read.
    state.apply(Update::Account(account("222222222222")));
    let got: Vec<(&str, Option<&String>)> = state
        .estate
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a.tags.get("team")))
        .collect();
    assert_eq!(
        got,
        [
            ("111111111111", Some(&"payments".to_string())),
            ("222222222222", Some(&"data".to_string())),
        ]
    );
}
