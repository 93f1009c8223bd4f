//! A bucket policy with the deny-plain-HTTP statement merged in, and its proof.
//!
//! The merge keeps every existing statement exactly as it was (the same JSON, in the same
//! order) and appends AWS's canonical Deny (and, with a floor, a Deny of older TLS), with Sids
//! that collide with none. The proof is the analyzer's: the merged policy alone makes the
//! bucket `enforced` (and its TLS floor the one asked for), and every statement of the old
//! policy is a statement of the new one, unchanged, while the added ones are Denies whose only
//! condition is plain HTTP or old TLS. A Deny can take access away and never grant it, and
//! these take away only requests without TLS (or below the floor): over TLS every Allow grants
//! what it granted before.

use serde_json::{Map, Value, json};

use crate::policy::{
    Effect, PolicyInput, PolicySource, Target, TlsVersion, Verdict, WarningKind, analyze,
    parse_policy,
};

/// S3's limit on the size of a bucket policy.
pub const MAX_POLICY_BYTES: usize = 20 * 1024;

/// The merged policy and what proves it.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// The policy to apply, pretty-printed (compact when only that fits S3's limit).
    pub text: String,
    /// The Sids of the statements added.
    pub added: Vec<String>,
    /// The analyzer's verdict of the merged policy alone.
    pub verdict: Verdict,
    pub min_tls: Option<TlsVersion>,
}

/// Merges the deny-plain-HTTP statement (and with `floor`, a deny of older TLS) into `current`
/// (`None`: the bucket has no policy). `Err` says why no merge can be proved.
pub fn merge(
    current: Option<&str>,
    target: &Target,
    floor: Option<TlsVersion>,
) -> Result<Merged, String> {
    merge_what(current, target, floor, true)
}

/// [`merge`]; without `deny_http` only the floor's statement is added (the bucket already
/// refuses plain HTTP).
pub fn merge_what(
    current: Option<&str>,
    target: &Target,
    floor: Option<TlsVersion>,
    deny_http: bool,
) -> Result<Merged, String> {
    let mut doc = match current {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err("the current policy is not a JSON object".into()),
            Err(e) => return Err(format!("the current policy is not valid JSON: {e}")),
        },
    };
    if let Some(text) = current {
        parse_policy(text).map_err(|e| format!("the current policy does not parse: {e}"))?;
        refuse_conflicts(text)?;
    }
    set_version(&mut doc)?;
    let mut statements = match doc.remove("Statement") {
        None => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => {
            return Err("the current policy's Statement is neither a list nor an object".into());
        }
    };
    let mut added = Vec::new();
    for (base, statement) in additions(target, floor, deny_http) {
        let sid = free_sid(&statements, base);
        let mut statement = statement;
        statement["Sid"] = Value::String(sid.clone());
        statements.push(sid_first(statement));
        added.push(sid);
    }
    doc.insert("Statement".into(), Value::Array(statements));
    let value = Value::Object(doc);
    let text = fitting_text(&value)?;
    let proof = prove(current, &text, target, floor, added.len())?;
    Ok(Merged {
        text,
        added,
        verdict: proof.0,
        min_tls: proof.1,
    })
}

/// The Sid the plain-HTTP Deny is added under (`DenyInsecureTransport2`… when taken).
pub use crate::policy::DENY_HTTP_SID;

/// The Sid the old-TLS Deny is added under.
pub const DENY_OLD_TLS_SID: &str = "DenyOutdatedTLS";

/// The statements to add: the canonical plain-HTTP Deny, and with a floor the old-TLS Deny.
fn additions(
    target: &Target,
    floor: Option<TlsVersion>,
    deny_http: bool,
) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    if deny_http {
        out.push((
            DENY_HTTP_SID,
            crate::policy::deny_insecure_transport(target),
        ));
    }
    if let Some(v) = floor {
        let arn = target.bucket_arn();
        out.push((
            DENY_OLD_TLS_SID,
            json!({
                "Sid": DENY_OLD_TLS_SID,
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, format!("{arn}/*")],
                "Condition": {"NumericLessThan": {"s3:TlsVersion": v.as_str()}}
            }),
        ));
    }
    out
}

/// `Version` 2012-10-17; refused when an older document uses `${…}`, which 2012-10-17 would
/// read as a policy variable (the meaning would change).
fn set_version(doc: &mut Map<String, Value>) -> Result<(), String> {
    let old = doc
        .get("Version")
        .and_then(Value::as_str)
        .map(str::to_string);
    if old.as_deref() == Some("2012-10-17") {
        return Ok(());
    }
    let text = Value::Object(doc.clone()).to_string();
    if text.contains("${") {
        return Err(format!(
            "the policy is Version {} and contains ${{…}}, which Version 2012-10-17 reads as a \
             policy variable: merging would change what it means",
            old.as_deref().unwrap_or("(none)")
        ));
    }
    doc.shift_remove("Version");
    // Version first, as AWS writes it.
    let rest = std::mem::take(doc);
    doc.insert("Version".into(), Value::String("2012-10-17".into()));
    doc.extend(rest);
    Ok(())
}

/// An existing Deny of requests *over* TLS would, with the plain-HTTP Deny, leave no way in.
fn refuse_conflicts(text: &str) -> Result<(), String> {
    let policy = parse_policy(text).map_err(|e| e.to_string())?;
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Deny)
    {
        if crate::policy::secure_transport_may_hold_over_tls(&s.conditions) {
            return Err(format!(
                "statement [{}] already denies requests made over TLS: with plain HTTP denied \
                 too, what it covers could not be reached at all; review it first",
                s.index
            ));
        }
    }
    Ok(())
}

/// `base`, or `base2`, `base3`… whichever no statement uses yet (Sids compare exactly).
fn free_sid(statements: &[Value], base: &str) -> String {
    let taken = |sid: &str| {
        statements
            .iter()
            .any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid))
    };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|s| !taken(s))
        .expect("a free Sid")
}

/// The statement with its Sid first (serde_json keeps insertion order).
fn sid_first(statement: Value) -> Value {
    let Value::Object(mut m) = statement else {
        return statement;
    };
    let sid = m.shift_remove("Sid");
    let mut out = Map::new();
    if let Some(sid) = sid {
        out.insert("Sid".into(), sid);
    }
    out.extend(m);
    Value::Object(out)
}

/// Pretty when it fits S3's limit, compact when only that does; refused otherwise.
fn fitting_text(value: &Value) -> Result<String, String> {
    let pretty = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    if pretty.len() <= MAX_POLICY_BYTES {
        return Ok(pretty);
    }
    let compact = value.to_string();
    if compact.len() <= MAX_POLICY_BYTES {
        return Ok(compact);
    }
    Err(format!(
        "the merged policy would be {} bytes, over S3's limit of {MAX_POLICY_BYTES}",
        compact.len()
    ))
}

/// The proof: the analyzer finds the merged policy alone `enforced` (with the floor asked
/// for), the old statements are all there unchanged and in order, and the `added` new ones
/// are Denies.
fn prove(
    current: Option<&str>,
    merged: &str,
    target: &Target,
    floor: Option<TlsVersion>,
    added: usize,
) -> Result<(Verdict, Option<TlsVersion>), String> {
    let new = parse_policy(merged).map_err(|e| format!("the merged policy does not parse: {e}"))?;
    let old = match current {
        Some(text) => parse_policy(text).map_err(|e| e.to_string())?.statements,
        None => Vec::new(),
    };
    if new.statements.len() != old.len() + added {
        return Err("the merged policy lost or gained a statement".into());
    }
    for (a, b) in old.iter().zip(&new.statements) {
        if a.json != b.json {
            return Err(format!("statement [{}] changed in the merge", a.index));
        }
    }
    if let Some(s) = new.statements[old.len()..]
        .iter()
        .find(|s| s.effect != Effect::Deny)
    {
        return Err(format!("added statement [{}] is not a Deny", s.index));
    }
    static SOURCE: PolicySource = PolicySource::BucketPolicy;
    let analysis = analyze(
        target,
        &[PolicyInput {
            source: &SOURCE,
            policy: &new,
        }],
    );
    if analysis.verdict != Verdict::Enforced {
        let why = analysis
            .gaps
            .first()
            .map(|g| g.message.clone())
            .or(analysis.error.clone())
            .unwrap_or_default();
        return Err(format!(
            "the analyzer does not find the merged policy enforced ({}): {why}",
            analysis.verdict
        ));
    }
    // A policy that denies every request over TLS reports no floor: it denies more.
    let denies_all_tls = analysis
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::DeniesAllTls);
    if let Some(want) = floor
        && !denies_all_tls
        && analysis.min_tls.is_none_or(|got| got < want)
    {
        return Err(format!(
            "the analyzer does not find a TLS floor of {} in the merged policy",
            want.as_str()
        ));
    }
    Ok((analysis.verdict, analysis.min_tls))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Partition;

    fn target() -> Target {
        Target::new("data-bucket", Partition::Aws)
    }

    const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/*"}]}"#;

    /// (current policy, floor, Ok(added Sids) or Err(words of the reason), rule)
    type Case<'a> = (
        Option<&'a str>,
        Option<TlsVersion>,
        Result<Vec<&'a str>, &'a str>,
        &'a str,
    );

    #[test]
    fn cases_decided_by_the_merge_rules() {
        // (current policy, floor, Ok(added Sids) or Err(words of the reason), rule)
        let taken = r#"{"Version":"2012-10-17","Statement":{"Sid":"DenyInsecureTransport","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket"}}"#;
        let old = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/${aws:username}/*"}]}"#;
        let https_denied = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data-bucket/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
        let cases: Vec<Case> = vec![
            (
                None,
                None,
                Ok(vec!["DenyInsecureTransport"]),
                "no policy: the deny alone",
            ),
            (
                Some(ALLOW),
                None,
                Ok(vec!["DenyInsecureTransport"]),
                "appended after the Allow",
            ),
            (
                Some(ALLOW),
                Some(TlsVersion::V1_2),
                Ok(vec!["DenyInsecureTransport", "DenyOutdatedTLS"]),
                "a floor adds the old-TLS deny",
            ),
            (
                Some(taken),
                None,
                Ok(vec!["DenyInsecureTransport2"]),
                "Sid collision avoided",
            ),
            (
                Some(old),
                None,
                Err("policy variable"),
                "2008 with ${…} would change meaning",
            ),
            (
                Some(https_denied),
                None,
                Err("over TLS"),
                "an existing Deny of HTTPS conflicts",
            ),
            (
                Some("{not json"),
                None,
                Err("not valid JSON"),
                "malformed: refused",
            ),
            (
                Some("[1]"),
                None,
                Err("not a JSON object"),
                "not an object: refused",
            ),
        ];
        for (current, floor, want, rule) in cases {
            match (merge(current, &target(), floor), want) {
                (Ok(m), Ok(sids)) => {
                    assert_eq!(m.added, sids, "{rule}");
                    assert_eq!(m.verdict, Verdict::Enforced, "{rule}");
                    assert!(
                        m.text.starts_with("{\n  \"Version\": \"2012-10-17\""),
                        "{rule}"
                    );
                }
                (Err(e), Err(words)) => assert!(e.contains(words), "{rule}: {e}"),
                (got, want) => panic!("{rule}: got {got:?}, want {want:?}"),
            }
        }
    }

    /// Every way a Deny can hold for requests over TLS is a conflict; one that holds only for
    /// plain HTTP is not.
    #[test]
    fn a_deny_of_requests_over_tls_conflicts_whatever_its_operator() {
        let deny = |condition: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data-bucket/*","Condition":{condition}}}]}}"#
            )
        };
        let cases = [
            (r#"{"Bool":{"aws:SecureTransport":"true"}}"#, true, "Bool"),
            (
                r#"{"BoolIfExists":{"aws:SecureTransport":"true"}}"#,
                true,
                "BoolIfExists",
            ),
            (
                r#"{"Bool":{"aws:securetransport":true}}"#,
                true,
                "key in any case, a JSON true",
            ),
            (
                r#"{"StringEquals":{"aws:SecureTransport":["TRUE"]}}"#,
                true,
                "a string equality, in a list",
            ),
            (
                r#"{"ForAnyValue:StringLike":{"aws:SecureTransport":"true"}}"#,
                true,
                "a set qualifier",
            ),
            (
                r#"{"Null":{"aws:SecureTransport":"false"}}"#,
                true,
                "the key required present",
            ),
            (
                r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
                false,
                "plain HTTP only",
            ),
            (
                r#"{"StringNotEquals":{"aws:SecureTransport":"true"}}"#,
                false,
                "a negation holds for plain HTTP",
            ),
            (
                r#"{"Bool":{"aws:ViaAWSService":"true"}}"#,
                false,
                "another key",
            ),
        ];
        for (condition, conflicts, rule) in cases {
            let got = merge(Some(&deny(condition)), &target(), None);
            assert_eq!(got.is_err(), conflicts, "{rule}: {got:?}");
            if let Err(e) = got {
                assert!(e.contains("over TLS"), "{rule}: {e}");
            }
        }
    }

    #[test]
    fn existing_statements_are_kept_exactly_and_in_order() {
        let m = merge(Some(ALLOW), &target(), None).unwrap();
        let v: Value = serde_json::from_str(&m.text).unwrap();
        let old: Value = serde_json::from_str(ALLOW).unwrap();
        assert_eq!(v["Statement"][0], old["Statement"][0]);
        assert_eq!(v["Statement"][1]["Sid"], "DenyInsecureTransport");
        assert_eq!(v["Statement"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn a_policy_too_large_for_s3_is_refused() {
        let statements: Vec<Value> = (0..400)
            .map(|i| {
                json!({"Sid": format!("Allow{i}"), "Effect": "Allow",
                       "Principal": {"AWS": format!("arn:aws:iam::{:012}:root", i)},
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"})
            })
            .collect();
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let e = merge(Some(&text), &target(), None).unwrap_err();
        assert!(e.contains("over S3's limit"), "{e}");
    }
}
