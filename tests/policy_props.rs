//! Property tests of the analyzer: it never panics on arbitrary JSON, never calls a policy
//! without a Deny "enforced", and behaves monotonically (more Denies never lose coverage,
//! Allows never change a verdict).

use intransit::model::Partition;
use intransit::policy::{Analysis, Target, Verdict, analyze_bucket_policy, parse_policy_value};
use proptest::prelude::*;
use serde_json::{Value, json};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "*",
            "s3:*",
            "Deny",
            "Allow",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "aws:SecureTransport",
            "false",
            "true",
            "Bool",
            "2012-10-17",
            "${aws:username}",
            "\u{1b}[31m",
            "",
        ])
        .prop_map(|s| Value::String(s.to_string())),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop::sample::select(vec![
            "Version",
            "Statement",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
            "Bool",
            "AWS",
            "Sid",
            "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

fn principal() -> impl Strategy<Value = (&'static str, Value)> {
    prop_oneof![
        Just(("Principal", json!("*"))),
        Just(("Principal", json!({"AWS": "*"}))),
        Just(("Principal", json!({"AWS": "111122223333"}))),
        Just(("Principal", json!({"Service": "logging.s3.amazonaws.com"}))),
        Just((
            "NotPrincipal",
            json!({"AWS": "arn:aws:iam::111122223333:role/admin"})
        )),
    ]
}

fn action() -> impl Strategy<Value = (&'static str, Value)> {
    let pick = prop::sample::select(vec![
        "s3:*",
        "*",
        "s3:Get*",
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "s3:List*",
        "S3:*Object*",
        "iam:*",
        "s3:?etObject",
    ]);
    (any::<bool>(), prop::collection::vec(pick, 1..3))
        .prop_map(|(not, v)| (if not { "NotAction" } else { "Action" }, json!(v)))
}

fn resource() -> impl Strategy<Value = (&'static str, Value)> {
    let pick = prop::sample::select(vec![
        "*",
        "arn:aws:s3:::b",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b*",
        "arn:aws:s3:::b/logs/*",
        "arn:aws:s3:::other/*",
        "arn:*:s3:::b/?*",
        "arn:aws:s3:::B/*",
        "arn:aws:s3:::b/a*",
    ]);
    (any::<bool>(), prop::collection::vec(pick, 1..3))
        .prop_map(|(not, v)| (if not { "NotResource" } else { "Resource" }, json!(v)))
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!({"Bool": {"aws:SecureTransport": "false"}}))),
        Just(Some(json!({"Bool": {"aws:SecureTransport": false}}))),
        Just(Some(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        Just(Some(
            json!({"BoolIfExists": {"aws:securetransport": "false"}})
        )),
        Just(Some(json!({"NumericLessThan": {"s3:TlsVersion": "1.2"}}))),
        Just(Some(
            json!({"NumericLessThanIfExists": {"s3:TlsVersion": 1.2}})
        )),
        Just(Some(json!({"Null": {"s3:TlsVersion": "true"}}))),
        Just(Some(
            json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}, "Bool": {"aws:SecureTransport": "false"}})
        )),
        Just(Some(
            json!({"Bool": {"aws:SecureTransport": "false"}, "NumericLessThan": {"s3:TlsVersion": "1.2"}})
        )),
    ]
}

fn statement(effect: Option<&'static str>) -> impl Strategy<Value = Value> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => prop::sample::select(vec!["Allow", "Deny"]).boxed(),
    };
    (effect, principal(), action(), resource(), condition()).prop_map(
        |(effect, (pk, pv), (ak, av), (rk, rv), cond)| {
            let mut m = serde_json::Map::new();
            m.insert("Effect".into(), json!(effect));
            m.insert(pk.into(), pv);
            m.insert(ak.into(), av);
            m.insert(rk.into(), rv);
            if let Some(c) = cond {
                m.insert("Condition".into(), c);
            }
            Value::Object(m)
        },
    )
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn analyze(v: &Value) -> Analysis {
    let p = parse_policy_value(v).expect("generated policies are well formed");
    analyze_bucket_policy(Some(&p), &Target::new("b", Partition::Aws))
}

/// Coverage order: a verdict that denies more ranks higher.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Enforced => 2,
        Verdict::Partial => 1,
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_json(v in arb_json()) {
        if let Ok(p) = parse_policy_value(&v) {
            let a = analyze_bucket_policy(Some(&p), &Target::new("b", Partition::Aws));
            prop_assert!(serde_json::to_string(&a).is_ok());
        }
        let text = v.to_string();
        let _ = intransit::policy::parse_policy(&text);
    }

    #[test]
    fn never_panics_on_arbitrary_text(s in ".{0,200}") {
        let _ = intransit::policy::parse_policy(&s);
    }

    #[test]
    fn allow_only_policies_are_never_enforced(sts in prop::collection::vec(statement(Some("Allow")), 0..5)) {
        let a = analyze(&policy(sts));
        prop_assert_eq!(a.verdict, Verdict::NotEnforced);
        prop_assert!(a.min_tls.is_none());
        prop_assert!(a.evidence.is_empty());
    }

    #[test]
    fn adding_a_deny_never_loses_coverage(
        sts in prop::collection::vec(statement(None), 0..4),
        extra in statement(Some("Deny")),
    ) {
        let before = analyze(&policy(sts.clone()));
        let mut more = sts;
        more.push(extra);
        let after = analyze(&policy(more));
        prop_assert!(rank(after.verdict) >= rank(before.verdict), "{:?} -> {:?}", before.verdict, after.verdict);
        prop_assert!(after.min_tls >= before.min_tls);
    }

    #[test]
    fn adding_an_allow_changes_nothing(
        sts in prop::collection::vec(statement(None), 0..4),
        extra in statement(Some("Allow")),
    ) {
        let before = analyze(&policy(sts.clone()));
        let mut more = sts;
        more.push(extra);
        let after = analyze(&policy(more));
        prop_assert_eq!(after.verdict, before.verdict);
        prop_assert_eq!(after.min_tls, before.min_tls);
    }

    #[test]
    fn the_suggested_fix_always_enforces(sts in prop::collection::vec(statement(None), 0..4)) {
        let target = Target::new("b", Partition::Aws);
        let mut fixed = sts;
        fixed.push(intransit::policy::deny_insecure_transport(&target));
        let a = analyze(&policy(fixed));
        prop_assert_eq!(a.verdict, Verdict::Enforced, "{:?}", a.gaps);
    }

    #[test]
    fn enforced_has_evidence_and_no_gaps(sts in prop::collection::vec(statement(None), 1..4)) {
        let a = analyze(&policy(sts));
        match a.verdict {
            Verdict::Enforced => {
                prop_assert!(a.gaps.is_empty());
                prop_assert!(!a.evidence.is_empty());
            }
            _ => prop_assert!(!a.gaps.is_empty()),
        }
    }
}
