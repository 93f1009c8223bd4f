//! The exceptions file: TOML, one `[[exception]]` table per accepted risk. Keys beyond the
//! documented ones are errors, and every error names the line and column it is about: a file
//! that cannot be read accepts nothing.

use std::ops::Range;

use serde::Deserialize;

use super::{Day, Exception, Matcher, TagMatcher};

/// Why an exceptions file was refused.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct FileError {
    pub file: String,
    /// Says the line and column (`line 4, column 1: ...`) where they are known.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    #[serde(default)]
    exception: Vec<toml::Spanned<EntryData>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryData {
    check: Option<String>,
    control: Option<String>,
    resource: Option<String>,
    account: Option<String>,
    ou: Option<String>,
    tag: Option<String>,
    reason: String,
    owner: String,
    expires: toml::value::Datetime,
    ticket: Option<String>,
}

/// Parses the exceptions in `text`; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Vec<Exception>, FileError> {
    let err = |message: String| FileError {
        file: file.to_string(),
        message,
    };
    let data: FileData = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| position(text, s.start));
        err(match at {
            Some(at) => format!("{at}: {}", e.message()),
            None => e.message().to_string(),
        })
    })?;
    data.exception
        .into_iter()
        .enumerate()
        .map(|(i, spanned)| {
            let span = spanned.span();
            entry(i + 1, line_of(text, &span), spanned.into_inner()).map_err(|m| {
                err(format!(
                    "{}: exception {}: {m}",
                    position(text, span.start),
                    i + 1
                ))
            })
        })
        .collect()
}

fn entry(number: usize, line: usize, d: EntryData) -> Result<Exception, String> {
    let expires = day(&d.expires)?;
    for (key, value) in [("reason", &d.reason), ("owner", &d.owner)] {
        if value.trim().is_empty() {
            return Err(format!(
                "`{key}` is empty: say why and who accepted the risk"
            ));
        }
    }
    let tag = match &d.tag {
        Some(t) => Some(tag(t)?),
        None => None,
    };
    let matcher = Matcher {
        check: d.check.as_deref().map(glob),
        control: d.control.as_deref().map(control).transpose()?,
        resource: d.resource.as_deref().map(glob),
        account: d.account.as_deref().map(glob),
        ou: d.ou.as_deref().map(glob),
        tag,
    };
    if matcher.is_empty() {
        return Err(
            "no match key: give at least one of check, control, resource, account, ou, tag".into(),
        );
    }
    Ok(Exception {
        number,
        line,
        matcher,
        reason: d.reason,
        owner: d.owner,
        expires,
        ticket: d.ticket,
    })
}

fn glob(text: &str) -> crate::policy::Pattern {
    crate::policy::Pattern::new(text, false, crate::policy::Variables::Literal)
}

/// `program:control`, either side a glob.
fn control(text: &str) -> Result<crate::policy::Pattern, String> {
    match text.split_once(':') {
        Some((p, c)) if !p.is_empty() && !c.is_empty() => Ok(glob(text)),
        _ => Err(format!(
            "control {text:?} is not `program:control` (e.g. \"pci-dss-4.0:4.2.1\")"
        )),
    }
}

/// `KEY=VALUE`, the value a glob.
fn tag(text: &str) -> Result<TagMatcher, String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok(TagMatcher {
            key: k.to_string(),
            value: glob(v),
        }),
        _ => Err(format!("tag {text:?} is not `KEY=VALUE`")),
    }
}

/// A TOML date (`2027-03-31`, without a time): the last day the entry applies.
fn day(d: &toml::value::Datetime) -> Result<Day, String> {
    match (d.date, d.time) {
        (Some(date), None) => Ok(Day {
            year: date.year,
            month: date.month,
            day: date.day,
        }),
        _ => Err(format!(
            "expires = {d} is not a date: write it as a TOML date, e.g. expires = 2027-03-31"
        )),
    }
}

/// `line L, column C` (from 1) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

fn line_of(text: &str, span: &Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}
