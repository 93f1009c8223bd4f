//! The parsed form of an IAM resource policy (bucket policy or resource control policy).
//!
//! Every value keeps the spelling it had in the document, so evidence shown to the operator
//! reads like the policy they wrote; normalisation happens in the analyzer.

use std::sync::Arc;

use serde_json::Value;

use super::glob::Pattern;

/// A whole policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement, with its position in the document (0-based) so evidence can point at it.
#[derive(Clone, Debug)]
pub struct Statement {
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: PrincipalElement,
    pub action: Matcher,
    pub resource: Matcher,
    pub conditions: Vec<Condition>,
    /// The statement exactly as it appeared in the document (shared with the evidence).
    pub json: Arc<Value>,
}

/// `Principal` or `NotPrincipal`; absent in identity policies only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalElement {
    Absent,
    Principal(Principals),
    NotPrincipal(Principals),
}

/// The principals named by a `Principal` / `NotPrincipal` element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Principals {
    /// `"*"` or `{"AWS": "*"}`: every principal, anonymous included.
    pub everyone: bool,
    /// Named principals as (type, value), e.g. ("AWS", "arn:aws:iam::111122223333:root").
    pub named: Vec<(String, String)>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list of patterns that either selects
/// what matches (`negated == false`) or everything that matches none of them.
#[derive(Clone, Debug)]
pub struct Matcher {
    pub negated: bool,
    pub patterns: Vec<Pattern>,
}

impl Matcher {
    /// Whether this element selects `value`.
    pub fn selects(&self, value: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(value)) != self.negated
    }
}

/// The condition operator family: decides how a policy value is compared with a request value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl OperatorKind {
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OperatorKind::StringEquals => "StringEquals",
            OperatorKind::StringNotEquals => "StringNotEquals",
            OperatorKind::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            OperatorKind::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            OperatorKind::StringLike => "StringLike",
            OperatorKind::StringNotLike => "StringNotLike",
            OperatorKind::NumericEquals => "NumericEquals",
            OperatorKind::NumericNotEquals => "NumericNotEquals",
            OperatorKind::NumericLessThan => "NumericLessThan",
            OperatorKind::NumericLessThanEquals => "NumericLessThanEquals",
            OperatorKind::NumericGreaterThan => "NumericGreaterThan",
            OperatorKind::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            OperatorKind::DateEquals => "DateEquals",
            OperatorKind::DateNotEquals => "DateNotEquals",
            OperatorKind::DateLessThan => "DateLessThan",
            OperatorKind::DateLessThanEquals => "DateLessThanEquals",
            OperatorKind::DateGreaterThan => "DateGreaterThan",
            OperatorKind::DateGreaterThanEquals => "DateGreaterThanEquals",
            OperatorKind::Bool => "Bool",
            OperatorKind::BinaryEquals => "BinaryEquals",
            OperatorKind::IpAddress => "IpAddress",
            OperatorKind::NotIpAddress => "NotIpAddress",
            OperatorKind::ArnEquals => "ArnEquals",
            OperatorKind::ArnLike => "ArnLike",
            OperatorKind::ArnNotEquals => "ArnNotEquals",
            OperatorKind::ArnNotLike => "ArnNotLike",
            OperatorKind::Null => "Null",
        }
    }

    /// Negated operators are true when the key is absent from the request.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            OperatorKind::StringNotEquals
                | OperatorKind::StringNotEqualsIgnoreCase
                | OperatorKind::StringNotLike
                | OperatorKind::NumericNotEquals
                | OperatorKind::DateNotEquals
                | OperatorKind::NotIpAddress
                | OperatorKind::ArnNotEquals
                | OperatorKind::ArnNotLike
        )
    }
}

/// `ForAnyValue:` / `ForAllValues:` set qualifiers for multivalued keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A condition operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub kind: OperatorKind,
    pub if_exists: bool,
    pub qualifier: Option<SetQualifier>,
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        f.write_str(self.kind.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// One key test: `operator` applied to `key` against `values` (values ORed).
#[derive(Clone, Debug)]
pub struct Condition {
    pub operator: Operator,
    /// The key as written; compare with `key_lower`.
    pub key: String,
    pub key_lower: String,
    /// Policy values as strings (JSON booleans and numbers in their JSON spelling).
    pub values: Vec<String>,
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ", self.operator, self.key)?;
        match self.values.as_slice() {
            [one] => write!(f, "{one:?}"),
            many => {
                f.write_str("[")?;
                for (i, v) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v:?}")?;
                }
                f.write_str("]")
            }
        }
    }
}
