//! The accounts of an estate: how the scan reached each one, where it sits in its AWS
//! Organization, and whether it could be read at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Partition;

/// An account the scan looked at (or found in its organization), and how it got there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub partition: Partition,
    /// The identity the scan ran as in this account (`sts:GetCallerIdentity`); `None` when
    /// the account was never entered.
    pub caller_arn: Option<String>,
    /// The role assumed (or tried) to reach this account, when not the base credentials.
    pub assumed_role: Option<String>,
    /// The account's name (Organizations, the demo estate); never its e-mail address.
    pub name: Option<String>,
    /// Where the account sits in its organization, `Root/Workloads/Prod`, when known.
    #[serde(default)]
    pub ou_path: Option<String>,
    /// The account's tags in Organizations (`organizations:ListTagsForResource`).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The account's status in Organizations (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`), when
    /// the organization was read.
    #[serde(default)]
    pub status: Option<String>,
    /// Whether the scan could read the account.
    #[serde(default)]
    pub scan_state: ScanState,
    /// Why the account was not scanned, or what part of it could not be read.
    #[serde(default)]
    pub scan_error: Option<String>,
}

/// Whether the scan could read an account.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ScanState {
    /// Entered, and every read answered.
    #[default]
    Scanned,
    /// Entered, but some reads failed: what they would have shown is `unknown`.
    Partial,
    /// Never entered (its role refused, or the account suspended): nothing in it passes.
    NotScanned,
}

impl ScanState {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanState::Scanned => "scanned",
            ScanState::Partial => "partial",
            ScanState::NotScanned => "not_scanned",
        }
    }
}

impl std::fmt::Display for ScanState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Account {
    /// An account entered with `caller_arn`, not (yet) known to any organization.
    pub fn entered(id: &str, partition: Partition, caller_arn: &str) -> Account {
        Account {
            id: id.to_string(),
            partition,
            caller_arn: Some(caller_arn.to_string()),
            ..Account::default()
        }
    }

    /// Whether the scan read anything in the account.
    pub fn entered_by_scan(&self) -> bool {
        self.scan_state != ScanState::NotScanned
    }

    /// `analytics-prod (111122223333)`, or the id alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) if !name.is_empty() => format!("{name} ({})", self.id),
            _ => self.id.clone(),
        }
    }
}

/// Whether `id` is an AWS account id: twelve digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// What a partial account's reads lost, in one line: `3 reads failed (first:
/// s3:GetBucketPolicy: AccessDenied)`.
pub fn partial_reason(failed: usize, first: &str) -> String {
    match failed {
        1 => format!("1 read failed ({first})"),
        n => format!("{n} reads failed (first: {first})"),
    }
}

/// Marks every entered account whose reads did not all answer `partial`, with what was lost;
/// an account with no failed read is `scanned`. Accounts never entered keep their reason.
/// Run once a scan has finished: before, a read not yet answered is no failure.
pub fn settle_scan_states(estate: &mut super::Estate) {
    let mut failed: BTreeMap<&str, (usize, &super::FetchError)> = BTreeMap::new();
    let errors = estate
        .errors
        .iter()
        .chain(estate.buckets.iter().flat_map(|b| &b.errors))
        .chain(estate.workgroups.iter().flat_map(|w| &w.errors));
    for e in errors {
        if let Some(account) = e.account_id.as_deref() {
            failed.entry(account).or_insert((0, e)).0 += 1;
        }
    }
    let states: Vec<Option<String>> = estate
        .accounts
        .iter()
        .map(|a| {
            let (n, first) = failed.get(a.id.as_str())?;
            Some(partial_reason(*n, &first.short()))
        })
        .collect();
    for (account, lost) in estate.accounts.iter_mut().zip(states) {
        if !account.entered_by_scan() {
            continue;
        }
        account.scan_state = match lost {
            Some(_) => ScanState::Partial,
            None => ScanState::Scanned,
        };
        account.scan_error = lost;
    }
}
