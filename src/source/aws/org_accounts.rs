//! An organization's accounts, for `--org-role`: every account with its name (never its
//! e-mail address), status, OU path and tags, read with the base credentials from the
//! management account or a delegated administrator.
//!
//! `ListAccounts` decides which accounts exist: without it there is no organization scan.
//! The OU tree (`ListRoots`, then `ListOrganizationalUnitsForParent` and
//! `ListAccountsForParent` under each OU) gives the paths, and `ListTagsForResource` each
//! account's tags; a failure there is recorded and leaves the path or the tags unknown.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::task::JoinSet;

use super::client::ReadOnly;
use crate::model::{Account, FetchError, Partition, ScanState};
use crate::source::OrgScope;
use crate::store::Update;

/// An account of the organization and where it sits.
#[derive(Clone, Debug, Default)]
pub(super) struct Member {
    pub account: Account,
    /// The root and OU ids above the account, root first (empty when the tree was unreadable).
    pub parents: Vec<String>,
}

/// The organization's accounts, in `ListAccounts` order, with paths where readable. Tags
/// come later ([`read_tags`]): no choice of accounts depends on them, so the scan need not
/// wait for a thousand `ListTagsForResource` calls before entering the first account.
pub(super) async fn discover(
    ro: &Arc<ReadOnly>,
    partition: Partition,
) -> Result<Vec<Member>, FetchError> {
    // The list and the tree are paged in sequence each; read side by side.
    let (listed, places) = tokio::join!(list_accounts(ro, partition), ou_paths(ro));
    let mut members: Vec<Member> = listed?
        .into_iter()
        .map(|account| Member {
            account,
            parents: Vec::new(),
        })
        .collect();
    match places {
        Ok(mut places) => {
            for m in &mut members {
                if let Some((path, parents)) = places.remove(&m.account.id) {
                    m.account.ou_path = Some(path);
                    m.parents = parents;
                }
            }
        }
        Err(e) => ro.store().apply(Update::Error(e)),
    }
    Ok(members)
}

/// Reads the tags of `accounts`, each sent to the store as soon as it is read (the store
/// gives them to the account's record whenever that arrives); a failure is recorded and
/// leaves that account's tags unknown.
pub(super) async fn read_tags(ro: Arc<ReadOnly>, accounts: Vec<String>) {
    let mut tags = JoinSet::new();
    for id in accounts {
        let ro = ro.clone();
        tags.spawn(async move {
            match list_tags(&ro, &id).await {
                Ok(tags) => ro.store().apply(Update::AccountTags { id, tags }),
                Err(e) => ro.store().apply(Update::Error(e)),
            }
        });
    }
    while let Some(joined) = tags.join_next().await {
        if let Err(e) = joined {
            ro.store()
                .apply(Update::Error(super::panicked("organizations", &e)));
        }
    }
}

/// Every account of the organization (all pages), named and with its status.
pub(super) async fn list_accounts(
    ro: &ReadOnly,
    partition: Partition,
) -> Result<Vec<Account>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = ro.org_list_accounts(token.take()).await?;
        out.extend(page.accounts().iter().filter_map(|a| {
            Some(Account {
                id: a.id()?.to_string(),
                partition,
                name: a.name().map(str::to_string),
                // `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, ...); `Status`, retired
                // in 2026, only where an endpoint still sends nothing else.
                status: a
                    .state()
                    .map(|s| s.as_str().to_string())
                    .or_else(|| a.status().map(|s| s.as_str().to_string())),
                ..Account::default()
            })
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// A path (`Root/Workloads/Prod`) and the ids above it, root first.
type Place = (String, Vec<String>);

/// Account id → its place, walking the tree from the root.
async fn ou_paths(ro: &ReadOnly) -> Result<HashMap<String, Place>, FetchError> {
    let mut roots = Vec::new();
    let mut token = None;
    loop {
        let page = ro.org_list_roots(token.take()).await?;
        roots.extend(
            page.roots().iter().filter_map(|r| {
                Some((r.id()?.to_string(), r.name().unwrap_or("Root").to_string()))
            }),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let mut places = HashMap::new();
    let mut queue: Vec<(String, Place)> = roots
        .into_iter()
        .map(|(id, name)| (id.clone(), (path_word(&name), vec![id])))
        .collect();
    let mut seen = std::collections::HashSet::new();
    while let Some((parent, (path, parents))) = queue.pop() {
        if !seen.insert(parent.clone()) {
            continue;
        }
        for id in accounts_for_parent(ro, &parent).await? {
            places.insert(id, (path.clone(), parents.clone()));
        }
        for (ou, name) in ous_for_parent(ro, &parent).await? {
            let mut above = parents.clone();
            above.push(ou.clone());
            queue.push((ou, (format!("{path}/{}", path_word(&name)), above)));
        }
    }
    Ok(places)
}

/// An OU name as one word of a path: a `/` in a name would read as a level.
fn path_word(name: &str) -> String {
    name.replace('/', "∕")
}

pub(super) async fn accounts_for_parent(
    ro: &ReadOnly,
    parent: &str,
) -> Result<Vec<String>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = ro
            .org_list_accounts_for_parent(parent, token.take())
            .await?;
        out.extend(
            page.accounts()
                .iter()
                .filter_map(|a| a.id().map(str::to_string)),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

pub(super) async fn ous_for_parent(
    ro: &ReadOnly,
    parent: &str,
) -> Result<Vec<(String, String)>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = ro.org_list_ous_for_parent(parent, token.take()).await?;
        out.extend(page.organizational_units().iter().filter_map(|o| {
            Some((
                o.id()?.to_string(),
                o.name().unwrap_or_default().to_string(),
            ))
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

async fn list_tags(ro: &ReadOnly, account: &str) -> Result<BTreeMap<String, String>, FetchError> {
    let mut out = BTreeMap::new();
    let mut token = None;
    loop {
        let page = ro.org_list_tags_for_resource(account, token.take()).await?;
        out.extend(
            page.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string())),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// What the scan does with one account of the organization.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// Read it with the base credentials: it is their own account.
    Direct,
    /// Assume this role in it.
    Assume(String),
    /// List it, do not enter it: why.
    Skip(String),
    /// Outside `--accounts`, `--exclude-accounts` or `--ou`: not part of this scan.
    Out,
}

/// Whether `member` is in the subtree `ou`: an OU or root id (`ou-…`, `r-…`), or a path
/// (`Root/Workloads`).
fn under(member: &Member, ou: &str) -> bool {
    if ou.starts_with("ou-") || ou.starts_with("r-") {
        return member.parents.iter().any(|p| p == ou);
    }
    let ou = ou.trim_end_matches('/');
    member
        .account
        .ou_path
        .as_deref()
        .is_some_and(|p| p == ou || p.strip_prefix(ou).is_some_and(|r| r.starts_with('/')))
}

/// The plan for `member`, given the base credentials' own account and the scope.
pub(super) fn plan(member: &Member, caller_account: &str, scope: &OrgScope) -> Plan {
    let account = &member.account;
    if !scope.accounts.is_empty() && !scope.accounts.contains(&account.id) {
        return Plan::Out;
    }
    if scope.exclude_accounts.contains(&account.id) {
        return Plan::Out;
    }
    if let Some(ou) = &scope.ou
        && !under(member, ou)
    {
        return Plan::Out;
    }
    match account.status.as_deref() {
        Some("ACTIVE") | None => {}
        Some(other) => return Plan::Skip(format!("{other} in Organizations: not scanned")),
    }
    if account.id == caller_account {
        return Plan::Direct;
    }
    Plan::Assume(format!(
        "arn:{}:iam::{}:role/{}",
        account.partition, account.id, scope.role_name
    ))
}

/// An account listed but not entered, with the reason.
pub(super) fn not_scanned(mut account: Account, role: Option<String>, why: String) -> Account {
    account.assumed_role = role;
    account.caller_arn = None;
    account.scan_state = ScanState::NotScanned;
    account.scan_error = Some(why);
    account
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An account under `Root/Workloads/Prod` (ids `r-root`, `ou-work`, `ou-prod`) or `Root`.
    fn account(id: &str, status: &str, ou: &str) -> Member {
        let parents = match ou {
            "Root/Workloads/Prod" => vec!["r-root", "ou-work", "ou-prod"],
            "Root/WorkloadsOld" => vec!["r-root", "ou-old"],
            _ => vec!["r-root"],
        };
        Member {
            account: Account {
                id: id.into(),
                status: Some(status.into()),
                ou_path: Some(ou.into()),
                ..Account::default()
            },
            parents: parents.into_iter().map(String::from).collect(),
        }
    }

    fn scope() -> OrgScope {
        OrgScope {
            role_name: "Audit".into(),
            ..OrgScope::default()
        }
    }

    /// Which accounts an organization scan enters, and how: one rule per row.
    #[test]
    fn plans() {
        let only = OrgScope {
            accounts: vec!["222222222222".into()],
            ..scope()
        };
        let except = OrgScope {
            exclude_accounts: vec!["222222222222".into()],
            ..scope()
        };
        let prod = OrgScope {
            ou: Some("Root/Workloads".into()),
            ..scope()
        };
        let prod_id = OrgScope {
            ou: Some("ou-work".into()),
            ..scope()
        };
        let base = "111111111111";
        let rows: [(&str, Member, &OrgScope, Plan); 11] = [
            (
                "the base credentials' own account is read with them",
                account(base, "ACTIVE", "Root"),
                &scope(),
                Plan::Direct,
            ),
            (
                "a member is entered through the role, in the account's partition",
                account("222222222222", "ACTIVE", "Root"),
                &scope(),
                Plan::Assume("arn:aws:iam::222222222222:role/Audit".into()),
            ),
            (
                "a suspended account is listed, not entered",
                account("333333333333", "SUSPENDED", "Root"),
                &scope(),
                Plan::Skip("SUSPENDED in Organizations: not scanned".into()),
            ),
            (
                "an account closing is listed, not entered",
                account("333333333333", "PENDING_CLOSURE", "Root"),
                &scope(),
                Plan::Skip("PENDING_CLOSURE in Organizations: not scanned".into()),
            ),
            (
                "--accounts keeps only the accounts named",
                account("333333333333", "ACTIVE", "Root"),
                &only,
                Plan::Out,
            ),
            (
                "--exclude-accounts leaves an account out",
                account("222222222222", "ACTIVE", "Root"),
                &except,
                Plan::Out,
            ),
            (
                "--ou keeps the OU's subtree",
                account("222222222222", "ACTIVE", "Root/Workloads/Prod"),
                &prod,
                Plan::Assume("arn:aws:iam::222222222222:role/Audit".into()),
            ),
            (
                "--ou leaves out a sibling whose name starts the same",
                account("222222222222", "ACTIVE", "Root/WorkloadsOld"),
                &prod,
                Plan::Out,
            ),
            (
                "--ou leaves out an account whose path is unknown",
                Member {
                    account: Account {
                        ou_path: None,
                        ..account("222222222222", "ACTIVE", "").account
                    },
                    parents: Vec::new(),
                },
                &prod,
                Plan::Out,
            ),
            (
                "--ou with an OU id keeps the accounts below that OU",
                account("222222222222", "ACTIVE", "Root/Workloads/Prod"),
                &prod_id,
                Plan::Assume("arn:aws:iam::222222222222:role/Audit".into()),
            ),
            (
                "--ou with an OU id leaves out the accounts outside it",
                account("222222222222", "ACTIVE", "Root/WorkloadsOld"),
                &prod_id,
                Plan::Out,
            ),
        ];
        for (rule, a, scope, want) in rows {
            assert_eq!(plan(&a, base, scope), want, "{rule}");
        }
    }

    #[test]
    fn a_slash_in_an_ou_name_is_not_a_level() {
        assert_eq!(path_word("Prod/EU"), "Prod∕EU");
        assert_eq!(path_word("Prod"), "Prod");
    }
}
