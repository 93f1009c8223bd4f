//! Buckets whose policies differ only in the bucket name share one analysis: the shared
//! analysis, rendered with a bucket's name, must be exactly that bucket's own analysis —
//! verdict, TLS floor, every gap and warning word for word, every evidence statement.
//!
//! Checked for every policy of `tests/corpus`, the demo estate's buckets under its resource
//! control policies, and generated adversarial policies, each renamed to names of the same
//! length, other lengths, and names that are prefixes or extensions of other names the policy
//! mentions. One cache serves every case, as the store's does for a whole estate.

mod adversarial_support;

use std::path::Path;

use intransit::model::{Bucket, Partition, PolicyText};
use intransit::store::{ParsedRcp, Shapes, bucket_tls, bucket_tls_shared, parse_rcp};
use serde_json::Value;

const ACCOUNT: &str = "111122223333";

/// Names to try for a policy written for `bucket`: itself, same length, shorter, longer, and
/// names that overlap it.
fn names_for(bucket: &str) -> Vec<String> {
    let same_len: String = bucket
        .chars()
        .map(|c| match c {
            'a'..='y' => ((c as u8) + 1) as char,
            'z' => 'a',
            '0'..='8' => ((c as u8) + 1) as char,
            other => other,
        })
        .collect();
    let mut names = vec![
        bucket.to_string(),
        same_len,
        format!("{bucket}-000001"),
        format!("{bucket}x"),
        "abc".to_string(),
        "a".repeat(63),
        "logs.example-2".to_string(),
        "Legacy_Bucket".to_string(),
        // Not bucket names, but a listing may carry anything: never shared, still right.
        "we*rd/nm".to_string(),
        "a?b:c".to_string(),
    ];
    if bucket.len() > 3 {
        names.push(bucket[..bucket.len() - 1].to_string());
        names.push(bucket[1..].to_string());
    }
    names
}

fn bucket(name: &str, account: &str, policy: PolicyText) -> Bucket {
    Bucket::new(account, name, "us-east-1", policy)
}

/// The shared analysis equals the bucket's own; returns whether it was shared.
fn check(
    b: &Bucket,
    partition: Partition,
    rcps: &[ParsedRcp],
    shapes: &Shapes,
    what: &str,
    wrong: &mut Vec<String>,
) -> bool {
    let own = bucket_tls(b, partition, rcps);
    let tls = bucket_tls_shared(b, partition, rcps, shapes);
    let shared = tls.analysis();
    if *shared != own {
        wrong.push(format!(
            "{what}, bucket {:?}: shared analysis differs\n  own:    {}\n  shared: {}",
            b.name,
            serde_json::to_string(&own).unwrap(),
            serde_json::to_string(&*shared).unwrap()
        ));
    }
    // The bucket's facts read through the shared form agree with the rendered whole.
    if tls.verdict() != own.verdict
        || tls.min_tls() != own.min_tls
        || tls.error().as_deref() != own.error.as_deref()
        || tls.first_gap().as_deref() != own.gaps.first().map(|g| g.message.as_str())
    {
        wrong.push(format!("{what}, bucket {:?}: accessors differ", b.name));
    }
    tls.is_shared()
}

fn corpus_cases() -> Vec<(String, String, String, Partition)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let case: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let text = match (&case["policy"], &case["policy_text"]) {
                (Value::Null, Value::String(t)) => t.clone(),
                (p, _) => serde_json::to_string_pretty(p).unwrap(),
            };
            let partition: Partition =
                serde_json::from_value(case.get("partition").cloned().unwrap_or("aws".into()))
                    .unwrap();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                case["bucket"].as_str().unwrap().to_string(),
                text,
                partition,
            )
        })
        .collect()
}

#[test]
fn every_corpus_policy_renamed_gets_exactly_its_own_analysis() {
    let shapes = Shapes::default();
    let mut wrong = Vec::new();
    let (mut cases, mut shared) = (0, 0);
    for (file, original, text, partition) in corpus_cases() {
        for name in names_for(&original) {
            let renamed = text.replace(&original, &name);
            let b = bucket(
                &name,
                ACCOUNT,
                PolicyText::Present {
                    text: renamed.into(),
                },
            );
            cases += 1;
            if check(&b, partition, &[], &shapes, &file, &mut wrong) {
                shared += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Most corpus policies name their bucket in the plain form: sharing must actually happen.
    assert!(
        shared * 2 > cases,
        "only {shared} of {cases} renamed corpus cases were shared"
    );
    let (known, sharable) = shapes.counts();
    assert!(
        known < cases && sharable > 0,
        "{known} shapes, {sharable} shared"
    );
}

#[test]
fn buckets_without_a_policy_share_one_analysis_per_name_length() {
    let shapes = Shapes::default();
    let mut wrong = Vec::new();
    for name in ["abc", "abd", "some-bucket", "other-bucke"] {
        let b = bucket(name, ACCOUNT, PolicyText::None);
        assert!(check(
            &b,
            Partition::Aws,
            &[],
            &shapes,
            "no policy",
            &mut wrong
        ));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(shapes.counts(), (2, 2));
}

#[test]
fn demo_buckets_renamed_under_the_demo_rcps_get_exactly_their_own_analysis() {
    let estate = intransit::source::demo::estate();
    let rcps: Vec<ParsedRcp> = estate
        .resource_control_policies
        .iter()
        .map(|r| parse_rcp(r).unwrap())
        .collect();
    assert!(
        !rcps.is_empty(),
        "the demo estate has resource control policies"
    );
    let shapes = Shapes::default();
    let mut wrong = Vec::new();
    let mut shared = 0;
    for b in &estate.buckets {
        for name in names_for(&b.name) {
            let policy = match &b.policy {
                PolicyText::Present { text } => PolicyText::Present {
                    text: text.text().replace(&b.name, &name).into(),
                },
                other => other.clone(),
            };
            let mut renamed = bucket(&name, &b.account_id, policy);
            renamed.errors = b.errors.clone();
            if check(&renamed, Partition::Aws, &rcps, &shapes, "demo", &mut wrong) {
                shared += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(shared > estate.buckets.len(), "{shared} shared");
}

#[test]
fn a_resource_control_policy_that_names_the_bucket_is_never_shared_across_names() {
    let rcp = intransit::model::ResourceControlPolicy {
        id: "p-1".into(),
        name: "only-one".into(),
        content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
            "Action":"s3:*","Resource":["arn:aws:s3:::special","arn:aws:s3:::special/*"],
            "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
            .into(),
        targets: vec![ACCOUNT.into()],
        account_ids: vec![ACCOUNT.into()],
    };
    let rcps = vec![parse_rcp(&rcp).unwrap()];
    let shapes = Shapes::default();
    let mut wrong = Vec::new();
    // Same length, same (absent) bucket policy: only the RCP tells them apart.
    for name in ["special", "spacial"] {
        let b = bucket(name, ACCOUNT, PolicyText::None);
        check(&b, Partition::Aws, &rcps, &shapes, "rcp", &mut wrong);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn generated_adversarial_policies_renamed_get_exactly_their_own_analysis() {
    let shapes = Shapes::default();
    let mut wrong = Vec::new();
    for seed in 0..60 {
        let original = format!("adv-bucket-{seed:03}");
        let text = adversarial_support::policy(&adversarial_support::Shape::snapshot_bucket(
            seed, &original,
        ));
        for name in names_for(&original) {
            let b = bucket(
                &name,
                ACCOUNT,
                PolicyText::Present {
                    text: text.replace(&original, &name).into(),
                },
            );
            check(
                &b,
                Partition::Aws,
                &[],
                &shapes,
                &format!("seed {seed}"),
                &mut wrong,
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_store_keeps_each_bucket_policy_exactly_as_read_when_its_shape_is_shared() {
    use intransit::model::Mode;
    use intransit::store::{Store, Update};
    let (_, original, text, _) = corpus_cases().swap_remove(0);
    let store = Store::new(Mode::Snapshot);
    let names = ["first-bucket", "other-bucket", "third-bucket", "x"];
    store.apply_all(
        names
            .iter()
            .map(|n| {
                Update::Bucket(Box::new(bucket(
                    n,
                    ACCOUNT,
                    PolicyText::Present {
                        text: text.replace(&original, n).into(),
                    },
                )))
            })
            .collect::<Vec<_>>(),
    );
    store.read(|s| {
        for n in names {
            let b = s.bucket(n).unwrap();
            let PolicyText::Present { text: body } = &b.policy else {
                panic!("{n} has its policy");
            };
            assert_eq!(body.text(), text.replace(&original, n), "{n}");
            assert!(b.tls.is_shared(), "{n}");
            let written = serde_json::to_value(&b.policy).unwrap();
            assert_eq!(written["text"], text.replace(&original, n).as_str());
        }
    });
}

#[test]
fn a_snapshot_read_back_shares_one_text_per_template_and_keeps_every_text_exactly() {
    use intransit::model::{Mode, Snapshot};
    use intransit::store::{Store, Update};
    let (_, original, text, _) = corpus_cases().swap_remove(0);
    // Same shape under three names; an escape and a mark (never shared); a text without the
    // name (shared by identity); a name that is not plain (never shared).
    let policies: Vec<(&str, String)> = vec![
        ("first-bucket", text.replace(&original, "first-bucket")),
        ("other-bucket", text.replace(&original, "other-bucket")),
        ("x", text.replace(&original, "x")),
        (
            "escaped-bucket",
            text.replace(&original, "escaped\\u002dbucket"),
        ),
        ("marked-bucket", text.replace(&original, "marked-bucket^")),
        ("nameless-a", text.replace(&original, "elsewhere")),
        ("nameless-b", text.replace(&original, "elsewhere")),
        ("we*rd", text.replace(&original, "we*rd")),
    ];
    let store = Store::new(Mode::Snapshot);
    store.apply_all(policies.iter().map(|(n, t)| {
        Update::Bucket(Box::new(bucket(
            n,
            ACCOUNT,
            PolicyText::Present {
                text: t.as_str().into(),
            },
        )))
    }));
    let json = serde_json::to_vec(&store.snapshot()).unwrap();
    let read = Snapshot::read_for_store("t.json", json.as_slice(), || None).unwrap();
    let body = |name: &str| {
        let b = read.estate.buckets.iter().find(|b| b.name == name).unwrap();
        match &b.policy {
            PolicyText::Present { text } => text.clone(),
            other => panic!("{name}: {other:?}"),
        }
    };
    for (n, t) in &policies {
        assert_eq!(body(n).text(), t.as_str(), "{n}: the text as written");
    }
    let template = |n: &str| body(n).template().cloned();
    let (first, other) = (
        template("first-bucket").unwrap(),
        template("other-bucket").unwrap(),
    );
    assert!(
        std::sync::Arc::ptr_eq(&first, &other),
        "one text for the shape"
    );
    assert!(template("escaped-bucket").is_none() && template("marked-bucket").is_none());
    assert!(template("we*rd").is_none());
    let (a, b) = (
        template("nameless-a").unwrap(),
        template("nameless-b").unwrap(),
    );
    assert!(std::sync::Arc::ptr_eq(&a, &b), "identical texts are one");
}
