//! Which findings each exception accepts, judged on one day.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::{Day, Exception, Exceptions, Matcher};
use crate::compliance::{Evaluation, Finding};
use crate::model::{Account, Estate};
use crate::policy::Pattern;

/// Whether an entry applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Within its expiry, matching findings that need accepting.
    Active,
    /// Past its `expires` day: the findings it matches count again.
    Expired,
    /// Within its expiry but matching no finding that needs accepting.
    Stale,
}

impl EntryState {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Active => "active",
            EntryState::Expired => "expired",
            EntryState::Stale => "stale",
        }
    }
}

/// One entry, judged: its state and the findings it matches.
#[derive(Clone, Debug, Serialize)]
pub struct EntryReport {
    #[serde(flatten)]
    pub exception: Exception,
    pub state: EntryState,
    /// Ids of the findings (`fail`, `unknown` or `partial`) it matches, sorted: accepted while
    /// it is active, counting again once it expired.
    pub matched: Vec<Arc<str>>,
}

/// The exceptions of a file applied to one evaluation, as of one day.
#[derive(Clone, Debug, Default)]
pub struct Acceptance {
    /// The file, when there is one.
    pub source: Option<String>,
    pub as_of: Option<Day>,
    pub entries: Vec<EntryReport>,
    /// Finding id → the first active entry without a `control` key that matches it.
    everywhere: HashMap<Arc<str>, u32>,
    /// Finding id → (`program:control`, the first active entry that matches it there), in
    /// entry order: looked up by `&str`, nothing allocated per question.
    in_control: HashMap<Arc<str>, Vec<(Arc<str>, u32)>>,
}

impl Acceptance {
    /// Applies `exceptions` to the findings of `evaluation`, as of `as_of`.
    pub fn build(
        exceptions: &Exceptions,
        evaluation: &Evaluation,
        estate: &Estate,
        as_of: Day,
    ) -> Acceptance {
        let accounts: HashMap<&str, &Account> =
            estate.accounts.iter().map(|a| (a.id.as_str(), a)).collect();
        let controls = evaluation.control_keys_by_check();
        let mut out = Acceptance {
            source: exceptions.source.clone(),
            as_of: Some(as_of),
            ..Acceptance::default()
        };
        for (i, e) in exceptions.entries.iter().enumerate() {
            let active = e.active_on(as_of);
            let mut matched = Vec::new();
            for check in &evaluation.checks {
                let keys = controls.get(check.check.id).map_or(&[][..], Vec::as_slice);
                for f in check.findings.iter().filter(|f| f.status.needs_attention()) {
                    let account = accounts.get(&*f.resource.account_id).copied();
                    if out.consider(i as u32, e, f, account, keys, active) {
                        matched.push(f.id.clone());
                    }
                }
            }
            matched.sort();
            matched.dedup();
            let state = match (active, matched.is_empty()) {
                (false, _) => EntryState::Expired,
                (true, true) => EntryState::Stale,
                (true, false) => EntryState::Active,
            };
            out.entries.push(EntryReport {
                exception: e.clone(),
                state,
                matched,
            });
        }
        out
    }

    /// Whether entry `i` matches `f` (anywhere, or in one of `keys`); records the
    /// acceptance when the entry is `active`.
    fn consider(
        &mut self,
        i: u32,
        e: &Exception,
        f: &Finding,
        account: Option<&Account>,
        keys: &[Arc<str>],
        active: bool,
    ) -> bool {
        if e.matcher.control.is_none() {
            let hit = matches(&e.matcher, f, account, None);
            if hit && active {
                self.everywhere.entry(f.id.clone()).or_insert(i);
            }
            return hit;
        }
        let mut hit = false;
        for key in keys {
            if matches(&e.matcher, f, account, Some(key)) {
                hit = true;
                if active {
                    let at = self.in_control.entry(f.id.clone()).or_default();
                    if !at.iter().any(|(k, _)| k == key) {
                        at.push((key.clone(), i));
                    }
                }
            }
        }
        hit
    }

    /// Whether there is anything to say (a file with entries was applied).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry that accepts finding `id` in control `control` (`program:control`), or, with
    /// `None`, wherever the finding is listed on its own.
    pub fn accepted(&self, id: &str, control: Option<&str>) -> Option<&EntryReport> {
        let in_control = || {
            let key = control?;
            let at = self.in_control.get(id)?;
            at.iter().find(|(k, _)| &**k == key).map(|(_, i)| i)
        };
        let at = in_control().or_else(|| self.everywhere.get(id));
        at.map(|&i| &self.entries[i as usize])
    }

    /// The entry that accepts finding `id` in every control, else in some: what a list of
    /// findings outside any control marks.
    pub fn accepted_somewhere(&self, id: &str) -> Option<&EntryReport> {
        self.everywhere
            .get(id)
            .or_else(|| self.in_control.get(id)?.first().map(|(_, i)| i))
            .map(|&i| &self.entries[i as usize])
    }

    /// Findings an active entry accepts, everywhere or in some control.
    pub fn accepted_count(&self) -> usize {
        self.in_control.len()
            + self
                .everywhere
                .keys()
                .filter(|id| !self.in_control.contains_key(*id))
                .count()
    }

    /// Expired entries that still match findings: those findings count again.
    pub fn expired(&self) -> impl Iterator<Item = &EntryReport> {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Expired && !e.matched.is_empty())
    }

    /// Entries per state: (active, expired, stale).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.entries.iter().filter(|e| e.state == s).count();
        (
            n(EntryState::Active),
            n(EntryState::Expired),
            n(EntryState::Stale),
        )
    }

    /// One line per expired entry that matches findings, for standard error and reports.
    pub fn warnings(&self) -> Vec<String> {
        self.expired()
            .map(|e| {
                let n = e.matched.len();
                format!(
                    "{} expired on {} ({}): {n} finding{} count{} again",
                    e.exception.label(),
                    e.exception.expires,
                    e.exception.owner,
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" },
                )
            })
            .collect()
    }
}

/// Whether every key of `m` matches finding `f` (in control `control`, if any).
pub fn matches(m: &Matcher, f: &Finding, account: Option<&Account>, control: Option<&str>) -> bool {
    let key = |p: &Option<Pattern>, test: &dyn Fn(&Pattern) -> bool| p.as_ref().is_none_or(test);
    let r = &f.resource;
    key(&m.check, &|p| p.matches(&f.check))
        && key(&m.control, &|p| control.is_some_and(|c| p.matches(c)))
        && key(&m.resource, &|p| {
            p.matches(&r.id)
                || r.arn.as_deref().is_some_and(|a| p.matches(a))
                || r.name.as_deref().is_some_and(|n| p.matches(n))
        })
        && key(&m.account, &|p| {
            p.matches(&r.account_id)
                || account
                    .and_then(|a| a.name.as_deref())
                    .is_some_and(|n| p.matches(n))
        })
        && key(&m.ou, &|p| {
            account
                .and_then(|a| a.ou_path.as_deref())
                .is_some_and(|path| ou_matches(p, path))
        })
        && m.tag.as_ref().is_none_or(|t| {
            account
                .and_then(|a| a.tags.get(&t.key))
                .is_some_and(|v| t.value.matches(v))
        })
}

/// `path` is the OU `p` names, is under it (a leading part of the path), or has an OU of
/// that name.
fn ou_matches(p: &Pattern, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    (1..=parts.len()).any(|n| p.matches(&parts[..n].join("/")))
        || parts.iter().any(|s| p.matches(s))
}
