//! Condition evaluation in the request contexts the analyzer cares about: plain HTTP and each
//! TLS version. Keys other than `aws:SecureTransport` and `s3:TlsVersion` are unknown, so a
//! condition on them is neither true nor false but `Tri::Unknown` (the statement is conditional).

use std::fmt;

use serde::{Serialize, Serializer};

use super::document::{Condition, OperatorKind, SetQualifier};
use super::glob::{Pattern, Variables};

/// Three-valued truth: a condition on a key whose value we cannot know is `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    /// Logical AND over conditions: any false wins, then any unknown.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            _ => Tri::True,
        }
    }
}

/// A TLS protocol version as S3 reports it in `s3:TlsVersion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

impl TlsVersion {
    pub const ALL: [TlsVersion; 4] = [
        TlsVersion::V1_0,
        TlsVersion::V1_1,
        TlsVersion::V1_2,
        TlsVersion::V1_3,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::V1_0 => "1.0",
            TlsVersion::V1_1 => "1.1",
            TlsVersion::V1_2 => "1.2",
            TlsVersion::V1_3 => "1.3",
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TlsVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for TlsVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TlsVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown TLS version {s:?}")))
    }
}

/// How a request reached S3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    Http,
    Tls(TlsVersion),
}

impl Transport {
    /// Plain HTTP first, then each TLS version from the oldest.
    pub const ALL: [Transport; 5] = [
        Transport::Http,
        Transport::Tls(TlsVersion::V1_0),
        Transport::Tls(TlsVersion::V1_1),
        Transport::Tls(TlsVersion::V1_2),
        Transport::Tls(TlsVersion::V1_3),
    ];
}

pub const SECURE_TRANSPORT: &str = "aws:securetransport";
pub const TLS_VERSION: &str = "s3:tlsversion";

enum KeyState {
    Present(&'static str),
    Absent,
    Unknown,
}

fn lookup(key_lower: &str, t: Transport) -> KeyState {
    match (key_lower, t) {
        (SECURE_TRANSPORT, Transport::Http) => KeyState::Present("false"),
        (SECURE_TRANSPORT, Transport::Tls(_)) => KeyState::Present("true"),
        (TLS_VERSION, Transport::Http) => KeyState::Absent,
        (TLS_VERSION, Transport::Tls(v)) => KeyState::Present(v.as_str()),
        _ => KeyState::Unknown,
    }
}

/// Why a condition on a known key cannot be decided, if it cannot.
pub fn undecidable_reason(c: &Condition) -> Option<String> {
    use OperatorKind as K;
    let k = c.operator.kind;
    if k == K::Null {
        return None;
    }
    match c.key_lower.as_str() {
        SECURE_TRANSPORT => {
            if k != K::Bool {
                return Some(format!(
                    "{} is not a Bool test; IAM documents aws:SecureTransport as a boolean key, so intransit cannot tell how it applies",
                    c.operator
                ));
            }
            if let Some(v) = c.values.iter().find(|v| *v != "true" && *v != "false") {
                return Some(format!(
                    "Bool value {v:?} is not lower-case true or false; intransit cannot tell how IAM compares it"
                ));
            }
            None
        }
        TLS_VERSION => {
            let ok = matches!(
                k,
                K::NumericEquals
                    | K::NumericNotEquals
                    | K::NumericLessThan
                    | K::NumericLessThanEquals
                    | K::NumericGreaterThan
                    | K::NumericGreaterThanEquals
                    | K::StringEquals
                    | K::StringNotEquals
                    | K::StringEqualsIgnoreCase
                    | K::StringNotEqualsIgnoreCase
                    | K::StringLike
                    | K::StringNotLike
            );
            if ok {
                None
            } else {
                Some(format!(
                    "{} cannot compare s3:TlsVersion, a numeric key",
                    c.operator
                ))
            }
        }
        _ => None,
    }
}

/// Evaluates one condition in a request context.
pub fn eval(c: &Condition, t: Transport) -> Tri {
    let op = c.operator;
    match lookup(&c.key_lower, t) {
        KeyState::Unknown => Tri::Unknown,
        KeyState::Absent => {
            if op.kind == OperatorKind::Null {
                // Null: "true" demands the key be absent; values ORed.
                return tri(c.values.iter().any(|v| v.eq_ignore_ascii_case("true")));
            }
            if op.if_exists {
                return Tri::True;
            }
            match op.qualifier {
                Some(SetQualifier::ForAllValues) => Tri::True,
                Some(SetQualifier::ForAnyValue) => Tri::False,
                None => tri(op.kind.is_negated()),
            }
        }
        KeyState::Present(actual) => {
            if op.kind == OperatorKind::Null {
                return tri(c.values.iter().any(|v| v.eq_ignore_ascii_case("false")));
            }
            if undecidable_reason(c).is_some() {
                return Tri::Unknown;
            }
            // The request value is single-valued, so ForAnyValue / ForAllValues over the
            // one-element set reduce to the plain comparison.
            tri(compare(op.kind, actual, &c.values))
        }
    }
}

/// Whether a statement's `aws:SecureTransport` conditions may hold for a request over TLS:
/// one evaluates true, or cannot be decided and is not a negation (a positive test of a value
/// IAM compares in a way intransit cannot tell). A Deny for which this is true may already
/// shut out HTTPS.
pub fn secure_transport_may_hold_over_tls(conds: &[Condition]) -> bool {
    conds
        .iter()
        .filter(|c| c.key_lower == SECURE_TRANSPORT)
        .any(|c| match eval(c, Transport::Tls(TlsVersion::V1_2)) {
            Tri::True => true,
            Tri::False => false,
            Tri::Unknown => !c.operator.kind.is_negated(),
        })
}

/// Evaluates all conditions of a statement (ANDed).
pub fn eval_all(conds: &[Condition], t: Transport) -> Tri {
    conds.iter().fold(Tri::True, |acc, c| acc.and(eval(c, t)))
}

fn tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

/// Compares a present request value with the policy values. Positive operators match when any
/// value matches; negated operators when none of the positive counterpart's values match.
fn compare(kind: OperatorKind, actual: &str, values: &[String]) -> bool {
    use OperatorKind as K;
    let num = |v: &str| v.trim().parse::<f64>().ok();
    let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|v| f(v));
    match kind {
        K::Bool => any(&|v| v == actual),
        K::StringEquals => any(&|v| v == actual),
        K::StringNotEquals => !any(&|v| v == actual),
        K::StringEqualsIgnoreCase => any(&|v| v.eq_ignore_ascii_case(actual)),
        K::StringNotEqualsIgnoreCase => !any(&|v| v.eq_ignore_ascii_case(actual)),
        K::StringLike => any(&|v| Pattern::new(v, false, Variables::Literal).matches(actual)),
        K::StringNotLike => !any(&|v| Pattern::new(v, false, Variables::Literal).matches(actual)),
        K::NumericEquals
        | K::NumericNotEquals
        | K::NumericLessThan
        | K::NumericLessThanEquals
        | K::NumericGreaterThan
        | K::NumericGreaterThanEquals => {
            let Some(a) = num(actual) else {
                return kind == K::NumericNotEquals;
            };
            let cmp = |v: &str| -> bool {
                let Some(p) = num(v) else { return false };
                match kind {
                    K::NumericEquals | K::NumericNotEquals => a == p,
                    K::NumericLessThan => a < p,
                    K::NumericLessThanEquals => a <= p,
                    K::NumericGreaterThan => a > p,
                    _ => a >= p,
                }
            };
            if kind == K::NumericNotEquals {
                !any(&cmp)
            } else {
                any(&cmp)
            }
        }
        // Not reachable for the two known keys (undecidable_reason filters them out).
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse::parse_operator;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: parse_operator(op).unwrap(),
            key: key.to_string(),
            key_lower: key.to_ascii_lowercase(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    const HTTP: Transport = Transport::Http;
    const TLS10: Transport = Transport::Tls(TlsVersion::V1_0);
    const TLS12: Transport = Transport::Tls(TlsVersion::V1_2);

    #[test]
    fn secure_transport() {
        let c = cond("Bool", "aws:SecureTransport", &["false"]);
        assert_eq!(eval(&c, HTTP), Tri::True);
        assert_eq!(eval(&c, TLS12), Tri::False);
        let c = cond("BoolIfExists", "AWS:securetransport", &["false"]);
        assert_eq!(eval(&c, HTTP), Tri::True);
        let c = cond("Bool", "aws:SecureTransport", &["true"]);
        assert_eq!(eval(&c, HTTP), Tri::False);
        let c = cond("StringEquals", "aws:SecureTransport", &["false"]);
        assert_eq!(eval(&c, HTTP), Tri::Unknown);
        let c = cond("Null", "aws:SecureTransport", &["true"]);
        assert_eq!(eval(&c, HTTP), Tri::False);
    }

    #[test]
    fn tls_version_absent_on_http() {
        let lt = cond("NumericLessThan", "s3:TlsVersion", &["1.2"]);
        assert_eq!(eval(&lt, HTTP), Tri::False);
        assert_eq!(eval(&lt, TLS10), Tri::True);
        assert_eq!(eval(&lt, TLS12), Tri::False);
        let lt_ie = cond("NumericLessThanIfExists", "s3:TlsVersion", &["1.2"]);
        assert_eq!(eval(&lt_ie, HTTP), Tri::True);
        let null = cond("Null", "s3:TlsVersion", &["true"]);
        assert_eq!(eval(&null, HTTP), Tri::True);
        assert_eq!(eval(&null, TLS12), Tri::False);
        // A negated operator on an absent key is true.
        let ne = cond("StringNotEquals", "s3:TlsVersion", &["1.2", "1.3"]);
        assert_eq!(eval(&ne, HTTP), Tri::True);
        assert_eq!(eval(&ne, TLS10), Tri::True);
        assert_eq!(eval(&ne, TLS12), Tri::False);
        assert_eq!(
            eval(
                &cond("ForAnyValue:NumericLessThan", "s3:TlsVersion", &["1.2"]),
                HTTP
            ),
            Tri::False
        );
        assert_eq!(
            eval(
                &cond("ForAllValues:NumericLessThan", "s3:TlsVersion", &["1.2"]),
                HTTP
            ),
            Tri::True
        );
    }

    #[test]
    fn unknown_keys() {
        let c = cond("StringNotEquals", "aws:SourceVpce", &["vpce-1"]);
        assert_eq!(eval(&c, HTTP), Tri::Unknown);
        let both = [
            cond("Bool", "aws:SecureTransport", &["true"]),
            cond("StringNotEquals", "aws:SourceVpce", &["vpce-1"]),
        ];
        assert_eq!(eval_all(&both, HTTP), Tri::False);
    }
}
