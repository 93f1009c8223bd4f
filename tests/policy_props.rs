//! Property tests of the analyzer: it never panics on arbitrary JSON, never calls a policy
//! without a Deny "enforced", and behaves monotonically (more Denies never lose coverage,
//! Allows never change a verdict). Adversarial policies up to S3's 20 KB limit stay within the
//! work budget, are never "enforced" when it runs out, and a budget never changes a verdict it
//! lets the analysis decide.

#[path = "adversarial_support/mod.rs"]
mod adversarial;

use adversarial::{BUCKET_POLICY_LIMIT, ResourceMix, Shape};
use intransit::model::Partition;
use intransit::policy::{
    Analysis, Bounded, Budget, GapKind, MAX_STATES, PolicyInput, PolicySource, Target, TlsVersion,
    Verdict, WORK_LIMIT, WarningKind, analyze_bucket_policy, analyze_within, parse_policy,
    parse_policy_value,
};
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

/// TLS coverage order: a policy that denies more TLS versions ranks higher. Denying every
/// version, TLS 1.3 included, reports no floor (nothing is accepted over TLS) and ranks highest.
fn tls_rank(a: &Analysis) -> u8 {
    if a.warnings
        .iter()
        .any(|w| w.kind == WarningKind::DeniesAllTls)
    {
        return 3;
    }
    match a.min_tls {
        Some(TlsVersion::V1_3) => 2,
        Some(_) => 1,
        None => 0,
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
        prop_assert!(tls_rank(&after) >= tls_rank(&before), "{:?} -> {:?}", before.min_tls, after.min_tls);
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
    fn a_merged_policy_is_enforced_and_keeps_every_statement(
        sts in prop::collection::vec(statement(None), 0..5),
        floor in any::<bool>(),
    ) {
        let original = policy(sts.clone());
        let target = Target::new("b", Partition::Aws);
        let floor = floor.then_some(TlsVersion::V1_2);
        match intransit::fix::merge::merge(Some(&original.to_string()), &target, floor) {
            Ok(m) => {
                let merged: Value = serde_json::from_str(&m.text).unwrap();
                let a = analyze(&merged);
                prop_assert_eq!(a.verdict, Verdict::Enforced, "{:?}", a.gaps);
                if floor.is_some() {
                    // At least the floor, or every request over TLS denied (more, not less).
                    prop_assert!(tls_rank(&a) >= 1 && a.min_tls != Some(TlsVersion::V1_0) && a.min_tls != Some(TlsVersion::V1_1), "{:?}", a.min_tls);
                }
                let kept = merged["Statement"].as_array().unwrap();
                // Every statement as it was, in order; only Denies after them.
                prop_assert_eq!(&kept[..sts.len()], &sts[..]);
                prop_assert!(kept[sts.len()..].iter().all(|s| s["Effect"] == "Deny"));
                // So the Allows grant what they granted: the same Allows, and removing the added
                // statements gives the analyzer the original policy back.
                let allows = |v: &[Value]| v.iter().filter(|s| s["Effect"] == "Allow").cloned().collect::<Vec<_>>();
                prop_assert_eq!(allows(kept), allows(&sts));
                let back = analyze(&policy(kept[..sts.len()].to_vec()));
                let was = analyze(&original);
                prop_assert_eq!(back.verdict, was.verdict);
                prop_assert_eq!(back.min_tls, was.min_tls);
            }
            // Refused only where a Deny already covers requests made over TLS.
            Err(why) => prop_assert!(why.contains("already denies requests made over TLS"), "{}", why),
        }
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

/// Adversarial shapes: many Deny statements with wildcard `NotResource`/`Resource` lists,
/// action groups, `NotAction`, `NotPrincipal` and condition variants, up to `max_bytes`.
fn adversarial_shape(
    statements: std::ops::Range<usize>,
    patterns: std::ops::Range<usize>,
    max_bytes: usize,
) -> impl Strategy<Value = Shape> {
    (
        any::<u64>(),
        statements,
        patterns,
        1usize..7,
        prop::sample::select(vec!["ab", "abc", "abcd", "xyz"]),
        prop::sample::select(vec![
            ResourceMix::NotResource,
            ResourceMix::Resource,
            ResourceMix::Mixed,
        ]),
        (0usize..60, 0usize..40, 1usize..20, 0usize..60, 0usize..60),
    )
        .prop_map(
            move |(seed, statements, patterns, stars, letters, resources, percents)| {
                let (not_action, not_principal, principals, conditional, condition_variants) =
                    percents;
                Shape {
                    seed,
                    bucket: "bucket".to_string(),
                    statements,
                    patterns,
                    stars,
                    letters,
                    resources,
                    not_action,
                    not_principal,
                    principals,
                    conditional,
                    condition_variants,
                    max_bytes,
                }
            },
        )
}

fn analyze_shape(shape: &Shape, budget: Budget) -> Bounded {
    let text = adversarial::policy(shape);
    assert!(
        text.len() <= shape.max_bytes.max(2_000),
        "{} bytes",
        text.len()
    );
    let policy = parse_policy(&text).expect("generated policies parse");
    let source = PolicySource::BucketPolicy;
    let inputs = [PolicyInput {
        source: &source,
        policy: &policy,
    }];
    analyze_within(
        &Target::new(shape.bucket.as_str(), Partition::Aws),
        &inputs,
        budget,
    )
}

/// A verdict decided under a budget is the verdict without one; only `unknown` may differ.
fn decided_verdict_agrees(bounded: &Analysis, exact: &Analysis) -> Result<(), TestCaseError> {
    if bounded.verdict != Verdict::Unknown {
        prop_assert_eq!(bounded.verdict, exact.verdict, "{:?}", bounded.gaps);
    }
    Ok(())
}

proptest! {
    // Each case may spend the whole budget, slow in a debug build: `examples/adversarial.rs
    // hunt` tries hundreds more in release.
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Up to 20 KB: the work stays within the budget, an exhausted budget is never
    /// `enforced` and always says what it left undecided.
    #[test]
    fn adversarial_policies_stay_within_the_budget(
        shape in adversarial_shape(1..150, 1..20, BUCKET_POLICY_LIMIT),
    ) {
        let b = analyze_shape(&shape, Budget::standard());
        prop_assert!(b.work <= WORK_LIMIT, "{} units", b.work);
        if b.exhausted {
            prop_assert_ne!(b.analysis.verdict, Verdict::Enforced);
            prop_assert!(b.analysis.gaps.iter().any(|g| g.kind == GapKind::TooComplex));
            prop_assert!(b.analysis.warnings.iter().any(|w| w.kind == WarningKind::TooComplex));
            if b.analysis.verdict == Verdict::Unknown {
                prop_assert!(b.analysis.error.as_deref().is_some_and(|e| e.contains("too complex")));
            }
        } else {
            prop_assert!(b.analysis.gaps.iter().all(|g| g.kind != GapKind::TooComplex));
        }
        if b.analysis.verdict == Verdict::Enforced {
            prop_assert!(b.analysis.gaps.is_empty());
        }
    }
}

/// The answer to compare with: 40 times the standard budget, never unlimited. A random shape
/// can make exact coverage exponential (a run once reached 7 GB); such a case is skipped, not
/// waited for.
fn reference() -> Budget {
    Budget::new(WORK_LIMIT * 40, MAX_STATES * 16)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Small policies: when the standard budget is not exhausted, the verdict, floor and gaps
    /// are those of the analysis without any budget.
    #[test]
    fn within_the_budget_the_answer_is_the_unbounded_one(
        shape in adversarial_shape(1..7, 1..5, 4_000),
    ) {
        let bounded = analyze_shape(&shape, Budget::standard());
        let exact = analyze_shape(&shape, reference());
        prop_assume!(!exact.exhausted);
        if !bounded.exhausted {
            prop_assert_eq!(bounded.analysis.verdict, exact.analysis.verdict);
            prop_assert_eq!(bounded.analysis.min_tls, exact.analysis.min_tls);
            prop_assert_eq!(&bounded.analysis.gaps, &exact.analysis.gaps);
        }
    }

    /// However small the budget, a verdict it lets the analysis decide is the right one: a
    /// bucket is never reported more (or less) protected than it is, only `unknown`.
    #[test]
    fn a_tight_budget_never_changes_a_decided_verdict(
        shape in adversarial_shape(1..7, 1..5, 4_000),
        limit in 0u64..60_000,
        max_states in 1usize..64,
    ) {
        let exact = analyze_shape(&shape, reference());
        prop_assume!(!exact.exhausted);
        let bounded = analyze_shape(&shape, Budget::new(limit, max_states));
        prop_assert!(bounded.work <= limit);
        if bounded.exhausted {
            prop_assert_ne!(bounded.analysis.verdict, Verdict::Enforced);
        }
        decided_verdict_agrees(&bounded.analysis, &exact.analysis)?;
        if bounded.analysis.min_tls.is_some() && !bounded.exhausted {
            prop_assert_eq!(bounded.analysis.min_tls, exact.analysis.min_tls);
        }
    }
}

/// The reviewer's reproduction (36 Deny statements, 10 `NotResource` wildcards each, 17.8 KB)
/// is decided within the budget, with a real example of an uncovered key.
#[test]
fn the_18_kb_reproduction_is_decided() {
    let shape = Shape::reviewer();
    let text = adversarial::policy(&shape);
    assert!(
        text.len() > 17_000 && text.len() <= BUCKET_POLICY_LIMIT,
        "{}",
        text.len()
    );
    let b = analyze_shape(&shape, Budget::standard());
    assert!(!b.exhausted, "{:?}", b.analysis.warnings);
    assert_eq!(b.analysis.verdict, Verdict::Partial);
    assert!(b.work <= WORK_LIMIT / 4, "{} units", b.work);
}
