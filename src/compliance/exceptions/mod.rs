//! Accepted exceptions: risks a team accepted once (who, why, until when), matched to findings.
//!
//! An exception never changes a verdict or a status: a bucket that accepts plain HTTP is still
//! `not_enforced` and its finding still `fail`. A matched finding gains a disposition,
//! `accepted`, with the entry that accepted it; `--fail-on` and the "open" statuses of controls
//! and programs set accepted findings aside. An entry applies through its `expires` day (UTC);
//! from the next day it is `expired` and its findings count again, with a warning. An entry
//! that matches no finding that needs accepting (none is `fail`, `unknown` or `partial`) is
//! `stale`: the risk it accepted is gone, or it never matched what it meant to.

mod apply;
mod file;

use std::fmt;

use serde::Serialize;

pub use apply::{Acceptance, EntryReport, EntryState};
pub use file::{FileError, parse};

use crate::policy::Pattern;

/// Where the exceptions file is found when `--exceptions` is not given.
pub const DEFAULT_FILE: &str = ".intransit/exceptions.toml";

/// A calendar day (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// Reads `YYYY-MM-DD` (also the start of an RFC 3339 time).
    pub fn parse(text: &str) -> Option<Day> {
        let text = text.get(..10)?;
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day) && text.len() == 10).then_some(Day {
            year,
            month,
            day,
        })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Day {
        let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        Day::parse(&now).expect("an RFC 3339 time starts with its date")
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An account tag an entry matches: the key exactly, the value a glob.
#[derive(Clone, Debug)]
pub struct TagMatcher {
    pub key: String,
    pub value: Pattern,
}

/// What an entry matches: every key given must match (AND). Globs take `*` and `?`.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    /// The check id (`s3.deny_http`).
    pub check: Option<Pattern>,
    /// `program:control` (`pci-dss-4.0:4.2.1`): the finding is accepted in that control only.
    pub control: Option<Pattern>,
    /// The resource's ARN, id or name (`arn:aws:s3:::legacy-*`, `legacy-*`).
    pub resource: Option<Pattern>,
    /// The account's id or name.
    pub account: Option<Pattern>,
    /// The account's OU: its whole path (`Root/Workloads/Prod`), a path it is under
    /// (`Root/Workloads`), or one OU's name on the path (`Prod`).
    pub ou: Option<Pattern>,
    /// One of the account's tags in Organizations.
    pub tag: Option<TagMatcher>,
}

impl Matcher {
    fn is_empty(&self) -> bool {
        self.check.is_none()
            && self.control.is_none()
            && self.resource.is_none()
            && self.account.is_none()
            && self.ou.is_none()
            && self.tag.is_none()
    }

    /// The keys as written, `check = "s3.deny_http", resource = "legacy-*"`.
    pub fn describe(&self) -> String {
        let mut out = Vec::new();
        let mut key = |name: &str, p: &Option<Pattern>| {
            if let Some(p) = p {
                out.push(format!("{name} = {:?}", p.as_str()));
            }
        };
        key("check", &self.check);
        key("control", &self.control);
        key("resource", &self.resource);
        key("account", &self.account);
        key("ou", &self.ou);
        if let Some(t) = &self.tag {
            out.push(format!("tag = \"{}={}\"", t.key, t.value.as_str()));
        }
        out.join(", ")
    }
}

/// One accepted risk, as the file gives it.
#[derive(Clone, Debug)]
pub struct Exception {
    /// Its place in the file (from 1): how reports and the console name it.
    pub number: usize,
    /// The line its `[[exception]]` table starts on.
    pub line: usize,
    pub matcher: Matcher,
    pub reason: String,
    pub owner: String,
    /// The last day it applies (UTC).
    pub expires: Day,
    pub ticket: Option<String>,
}

impl Exception {
    /// Whether it still applies on `day`.
    pub fn active_on(&self, day: Day) -> bool {
        day <= self.expires
    }

    /// `exception 2 (SEC-1234)`.
    pub fn label(&self) -> String {
        match &self.ticket {
            Some(t) => format!("exception {} ({t})", self.number),
            None => format!("exception {}", self.number),
        }
    }
}

impl Serialize for Exception {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = &self.matcher;
        let pat = |p: &Option<Pattern>| p.as_ref().map(|p| p.as_str().to_string());
        let mut st = s.serialize_struct("Exception", 12)?;
        st.serialize_field("number", &self.number)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("check", &pat(&m.check))?;
        st.serialize_field("control", &pat(&m.control))?;
        st.serialize_field("resource", &pat(&m.resource))?;
        st.serialize_field("account", &pat(&m.account))?;
        st.serialize_field("ou", &pat(&m.ou))?;
        st.serialize_field(
            "tag",
            &m.tag
                .as_ref()
                .map(|t| format!("{}={}", t.key, t.value.as_str())),
        )?;
        st.serialize_field("reason", &self.reason)?;
        st.serialize_field("owner", &self.owner)?;
        st.serialize_field("expires", &self.expires)?;
        st.serialize_field("ticket", &self.ticket)?;
        st.end()
    }
}

/// The exceptions of one file, and where they came from.
#[derive(Clone, Debug, Default)]
pub struct Exceptions {
    /// The file as given (or [`DEFAULT_FILE`]); `None` when there is none.
    pub source: Option<String>,
    pub entries: Vec<Exception>,
}

impl Exceptions {
    /// Reads `path`.
    pub fn load(path: &std::path::Path) -> Result<Exceptions, FileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            file: shown.clone(),
            message: format!("cannot read it ({e}): nothing is accepted without it"),
        })?;
        Ok(Exceptions {
            entries: parse(&shown, &text)?,
            source: Some(shown),
        })
    }

    /// `--exceptions FILE` if given, else [`DEFAULT_FILE`] if it exists, else none.
    pub fn find(given: Option<&std::path::Path>) -> Result<Exceptions, FileError> {
        match given {
            Some(path) => Exceptions::load(path),
            None if std::path::Path::new(DEFAULT_FILE).exists() => {
                Exceptions::load(std::path::Path::new(DEFAULT_FILE))
            }
            None => Ok(Exceptions::default()),
        }
    }
}
