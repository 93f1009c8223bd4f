//! JSON → [`Policy`], accepting every legal form of a resource policy and rejecting anything
//! else with an error that names where (`Statement[2].Condition.Bool`).

use serde_json::{Map, Value};

use super::document::{
    Condition, Effect, Matcher, Operator, OperatorKind, Policy, PrincipalElement, Principals,
    SetQualifier, Statement,
};
use super::glob::{Pattern, Variables};

/// Why a policy document could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("not valid JSON (line {line}, column {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

fn invalid(path: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        path: path.to_string(),
        message: message.into(),
    }
}

/// Parses a policy document from its JSON text.
pub fn parse_policy(text: &str) -> Result<Policy, PolicyError> {
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::Json {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    parse_policy_value(&value)
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Parses an already-decoded policy document.
pub fn parse_policy_value(value: &Value) -> Result<Policy, PolicyError> {
    let obj = value.as_object().ok_or_else(|| {
        invalid(
            "policy",
            format!("expected a JSON object, found {}", kind(value)),
        )
    })?;
    for key in obj.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(invalid(
                "policy",
                format!("unknown element {key:?} (expected Version, Id, Statement)"),
            ));
        }
    }
    let version = match obj.get("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
        Some(other) => {
            return Err(invalid(
                "Version",
                format!("expected \"2012-10-17\" or \"2008-10-17\", found {other}"),
            ));
        }
    };
    let id = match obj.get("Id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(invalid(
                "Id",
                format!("expected a string, found {}", kind(other)),
            ));
        }
    };
    // Policy variables exist only from version 2012-10-17; without a Version, IAM reads 2008.
    let variables = version.as_deref() == Some("2012-10-17");
    let statements = match obj.get("Statement") {
        None => return Err(invalid("policy", "missing element \"Statement\"")),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| parse_statement(i, &format!("Statement[{i}]"), s, variables))
            .collect::<Result<Vec<_>, _>>()?,
        Some(s @ Value::Object(_)) => vec![parse_statement(0, "Statement", s, variables)?],
        Some(other) => {
            return Err(invalid(
                "Statement",
                format!(
                    "expected an object or an array of objects, found {}",
                    kind(other)
                ),
            ));
        }
    };
    Ok(Policy {
        version,
        id,
        statements,
    })
}

fn parse_statement(
    index: usize,
    path: &str,
    value: &Value,
    variables: bool,
) -> Result<Statement, PolicyError> {
    let obj = value
        .as_object()
        .ok_or_else(|| invalid(path, format!("expected an object, found {}", kind(value))))?;
    for key in obj.keys() {
        if !STATEMENT_KEYS.contains(&key.as_str()) {
            let hint = STATEMENT_KEYS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .map(|k| format!(" (element names are case-sensitive: {k:?})"))
                .unwrap_or_default();
            return Err(invalid(path, format!("unknown element {key:?}{hint}")));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(invalid(
                &format!("{path}.Sid"),
                format!("expected a string, found {}", kind(other)),
            ));
        }
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(invalid(
                &format!("{path}.Effect"),
                format!("expected \"Allow\" or \"Deny\", found {other}"),
            ));
        }
        None => return Err(invalid(path, "missing element \"Effect\"")),
    };
    let principal = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(invalid(path, "has both Principal and NotPrincipal"));
        }
        (Some(p), None) => {
            PrincipalElement::Principal(parse_principals(&format!("{path}.Principal"), p)?)
        }
        (None, Some(p)) => {
            PrincipalElement::NotPrincipal(parse_principals(&format!("{path}.NotPrincipal"), p)?)
        }
        (None, None) => {
            return Err(invalid(
                path,
                "missing Principal or NotPrincipal (required in bucket and resource control policies)",
            ));
        }
    };
    let var_mode = |negated: bool| {
        if !variables {
            Variables::Literal
        } else if negated {
            Variables::MatchAnything
        } else {
            Variables::MatchNothing
        }
    };
    let action = parse_matcher(
        obj,
        path,
        "Action",
        "NotAction",
        |p, s| {
            if s == "*"
                || s.split_once(':')
                    .is_some_and(|(svc, a)| !svc.is_empty() && !a.is_empty())
            {
                Ok(())
            } else {
                Err(invalid(
                    p,
                    format!("{s:?} is not an action (expected \"service:Action\" or \"*\")"),
                ))
            }
        },
        true,
        var_mode,
    )?;
    let resource = parse_matcher(
        obj,
        path,
        "Resource",
        "NotResource",
        |p, s| {
            if s == "*" || s.starts_with("arn:") {
                Ok(())
            } else {
                Err(invalid(
                    p,
                    format!("{s:?} is not a resource (expected an ARN \"arn:...\" or \"*\")"),
                ))
            }
        },
        false,
        var_mode,
    )?;
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(c) => parse_conditions(&format!("{path}.Condition"), c)?,
    };
    Ok(Statement {
        index,
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
        json: std::sync::Arc::new(value.clone()),
    })
}

fn parse_matcher(
    obj: &Map<String, Value>,
    path: &str,
    name: &str,
    not_name: &str,
    check: impl Fn(&str, &str) -> Result<(), PolicyError>,
    case_insensitive: bool,
    var_mode: impl Fn(bool) -> Variables,
) -> Result<Matcher, PolicyError> {
    let (negated, key, value) = match (obj.get(name), obj.get(not_name)) {
        (Some(_), Some(_)) => {
            return Err(invalid(path, format!("has both {name} and {not_name}")));
        }
        (Some(v), None) => (false, name, v),
        (None, Some(v)) => (true, not_name, v),
        (None, None) => {
            return Err(invalid(path, format!("missing {name} or {not_name}")));
        }
    };
    let epath = format!("{path}.{key}");
    let strings = string_or_list(&epath, value)?;
    if strings.is_empty() {
        return Err(invalid(&epath, "is an empty list"));
    }
    let mut patterns = Vec::with_capacity(strings.len());
    for (i, s) in strings.iter().enumerate() {
        let ipath = if value.is_array() {
            format!("{epath}[{i}]")
        } else {
            epath.clone()
        };
        check(&ipath, s)?;
        patterns.push(Pattern::new(s, case_insensitive, var_mode(negated)));
    }
    Ok(Matcher { negated, patterns })
}

fn parse_principals(path: &str, value: &Value) -> Result<Principals, PolicyError> {
    match value {
        Value::String(s) if s == "*" => Ok(Principals {
            everyone: true,
            named: Vec::new(),
        }),
        Value::String(s) => Err(invalid(
            path,
            format!(
                "{s:?} is not a principal: use \"*\" or an object such as {{\"AWS\": \"arn:...\"}}"
            ),
        )),
        Value::Object(map) => {
            let mut out = Principals::default();
            for (ptype, v) in map {
                if !matches!(
                    ptype.as_str(),
                    "AWS" | "Service" | "Federated" | "CanonicalUser"
                ) {
                    return Err(invalid(
                        path,
                        format!(
                            "unknown principal type {ptype:?} (expected AWS, Service, Federated or CanonicalUser)"
                        ),
                    ));
                }
                let p = format!("{path}.{ptype}");
                let list = string_or_list(&p, v)?;
                if list.is_empty() {
                    return Err(invalid(&p, "is an empty list"));
                }
                for s in list {
                    if ptype == "AWS" && s == "*" {
                        out.everyone = true;
                    } else {
                        out.named.push((ptype.clone(), s));
                    }
                }
            }
            if !out.everyone && out.named.is_empty() {
                return Err(invalid(path, "names no principal"));
            }
            Ok(out)
        }
        other => Err(invalid(
            path,
            format!("expected \"*\" or an object, found {}", kind(other)),
        )),
    }
}

fn parse_conditions(path: &str, value: &Value) -> Result<Vec<Condition>, PolicyError> {
    let ops = value
        .as_object()
        .ok_or_else(|| invalid(path, format!("expected an object, found {}", kind(value))))?;
    let mut out = Vec::new();
    for (op_name, keys) in ops {
        let opath = format!("{path}.{op_name}");
        let operator = parse_operator(op_name)
            .ok_or_else(|| invalid(&opath, format!("unknown condition operator {op_name:?}")))?;
        let keys = keys.as_object().ok_or_else(|| {
            invalid(
                &opath,
                format!("expected an object of condition keys, found {}", kind(keys)),
            )
        })?;
        if keys.is_empty() {
            return Err(invalid(&opath, "has no condition keys"));
        }
        for (key, v) in keys {
            let kpath = format!("{opath}.{key}");
            let values = condition_values(&kpath, v)?;
            if values.is_empty() {
                return Err(invalid(&kpath, "is an empty list"));
            }
            if operator.kind == OperatorKind::Null {
                for val in &values {
                    if !val.eq_ignore_ascii_case("true") && !val.eq_ignore_ascii_case("false") {
                        return Err(invalid(
                            &kpath,
                            format!("Null takes true or false, found {val:?}"),
                        ));
                    }
                }
            }
            out.push(Condition {
                operator,
                key: key.clone(),
                key_lower: key.to_ascii_lowercase(),
                values,
            });
        }
    }
    Ok(out)
}

/// Reads an operator such as `ForAnyValue:StringNotLikeIfExists`. Operator names are matched
/// without regard to case, as IAM does for the set qualifiers.
pub(crate) fn parse_operator(name: &str) -> Option<Operator> {
    let (qualifier, rest) = if let Some(r) = strip_prefix_ci(name, "ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = strip_prefix_ci(name, "ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, name)
    };
    let (base, if_exists) = match rest.len().checked_sub("IfExists".len()) {
        Some(cut) if rest.is_char_boundary(cut) && rest[cut..].eq_ignore_ascii_case("IfExists") => {
            (&rest[..cut], true)
        }
        _ => (rest, false),
    };
    let kind = OperatorKind::ALL
        .into_iter()
        .find(|k| k.name().eq_ignore_ascii_case(base))?;
    if kind == OperatorKind::Null && if_exists {
        return None;
    }
    Some(Operator {
        kind,
        if_exists,
        qualifier,
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

fn string_or_list(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(invalid(
                    &format!("{path}[{i}]"),
                    format!("expected a string, found {}", kind(other)),
                )),
            })
            .collect(),
        other => Err(invalid(
            path,
            format!(
                "expected a string or a list of strings, found {}",
                kind(other)
            ),
        )),
    }
}

fn condition_values(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    let scalar = |p: &str, v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(invalid(
            p,
            format!(
                "expected a string, boolean or number, found {}",
                kind(other)
            ),
        )),
    };
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| scalar(&format!("{path}[{i}]"), v))
            .collect(),
        v => Ok(vec![scalar(path, v)?]),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_policy(text).unwrap_err().to_string()
    }

    #[test]
    fn statement_object_and_scalar_forms() {
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*",
               "Action":"s3:*","Resource":"arn:aws:s3:::b/*",
               "Condition":{"Bool":{"aws:SecureTransport":false}}}}"#,
        )
        .unwrap();
        assert_eq!(p.statements.len(), 1);
        let s = &p.statements[0];
        assert!(matches!(&s.principal, PrincipalElement::Principal(p) if p.everyone));
        assert_eq!(s.conditions[0].values, vec!["false"]);
        assert_eq!(s.conditions[0].key_lower, "aws:securetransport");
    }

    #[test]
    fn operators() {
        let o = parse_operator("ForAnyValue:StringNotLikeIfExists").unwrap();
        assert_eq!(o.kind, OperatorKind::StringNotLike);
        assert!(o.if_exists);
        assert_eq!(o.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(o.to_string(), "ForAnyValue:StringNotLikeIfExists");
        assert!(parse_operator("NullIfExists").is_none());
        assert!(parse_operator("StringSortOf").is_none());
        assert_eq!(parse_operator("bool").unwrap().kind, OperatorKind::Bool);
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(
            err(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Denny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#
            ),
            "Statement[1].Effect: expected \"Allow\" or \"Deny\", found \"Denny\""
        );
        assert!(err(r#"{"Statement":[{"effect":"Deny"}]}"#).contains("case-sensitive"));
        assert!(err("{\"Statement\": [").starts_with("not valid JSON (line 1"));
        assert!(
            err(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Boool":{"aws:SecureTransport":"false"}}}}"#)
                .contains("Statement.Condition.Boool: unknown condition operator")
        );
        assert!(err(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":["s3:*", 3],"Resource":"*"}}"#)
            .starts_with("Statement.Action[1]: expected a string"));
        assert!(err(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"GetObject","Resource":"*"}}"#)
            .contains("is not an action"));
        assert!(
            err(r#"{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#)
                .contains("missing Principal")
        );
        assert!(err("[]").contains("expected a JSON object"));
    }
}
