//! Findings counted per account or per OU (`report --group-by account|ou`), for every format
//! that groups: the JSON summary's `groups` and the Markdown report's accounts section.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ReportInput;
use crate::compliance::Counts;
use crate::model::{Account, ScanState};

/// What findings are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One group per account.
    Account,
    /// One group per OU path (accounts without a known path: `(no OU)`).
    Ou,
}

/// The OU path of accounts whose place in the organization is not known.
pub const NO_OU: &str = "(no OU)";

/// One group: its key (account id or OU path), its accounts and their findings.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub key: String,
    /// The account's name (account groups).
    pub name: Option<String>,
    /// The account's OU path (account groups), or the group's own (OU groups).
    pub ou_path: String,
    pub accounts: usize,
    /// Accounts of the group the scan could not enter, and accounts read only in part.
    pub accounts_not_scanned: usize,
    pub accounts_partial: usize,
    /// Findings in the group's accounts, per status.
    pub findings: Counts,
}

/// The groups of `input`'s findings, by key (account id or OU path).
pub fn groups(input: &ReportInput<'_>, by: GroupBy) -> Vec<Group> {
    let known: BTreeMap<&str, &Account> = input
        .estate
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let ou = |id: &str| {
        known
            .get(id)
            .and_then(|a| a.ou_path.clone())
            .unwrap_or_else(|| NO_OU.to_string())
    };
    let key = |id: &str| match by {
        GroupBy::Account => id.to_string(),
        GroupBy::Ou => ou(id),
    };
    let mut out: BTreeMap<String, Group> = BTreeMap::new();
    let mut group = |id: &str| -> String {
        let k = key(id);
        out.entry(k.clone()).or_insert_with(|| Group {
            key: k.clone(),
            name: match by {
                GroupBy::Account => known.get(id).and_then(|a| a.name.clone()),
                GroupBy::Ou => None,
            },
            ou_path: ou(id),
            accounts: 0,
            accounts_not_scanned: 0,
            accounts_partial: 0,
            findings: Counts::default(),
        });
        k
    };
    let mut keys: Vec<String> = Vec::new();
    for a in &input.estate.accounts {
        keys.push(group(&a.id));
    }
    let counts = input.evaluation.counts_by_account();
    for id in counts.keys() {
        group(id);
    }
    for (a, k) in input.estate.accounts.iter().zip(keys) {
        let g = out.get_mut(&k).expect("group made above");
        g.accounts += 1;
        match a.scan_state {
            ScanState::NotScanned => g.accounts_not_scanned += 1,
            ScanState::Partial => g.accounts_partial += 1,
            ScanState::Scanned => {}
        }
    }
    for (id, c) in &counts {
        if let Some(g) = out.get_mut(&key(id)) {
            g.findings.add_counts(c);
        }
    }
    let mut groups: Vec<Group> = out.into_values().collect();
    // OU groups in path order (a parent before its children); account groups by OU, then id.
    groups.sort_by(|a, b| (&a.ou_path, &a.key).cmp(&(&b.ou_path, &b.key)));
    groups
}
