//! AWS Organizations resource control policies and the accounts they govern.
//!
//! Only the management account (or a delegated administrator) can read them: any other
//! account gets `AccessDeniedException`, and an account outside any organization gets
//! `AWSOrganizationsNotInUseException`. Both are normal and leave no estate error; every
//! other failure does.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aws_sdk_organizations::types::TargetType;

use super::client::ReadOnly;
use super::org_accounts;
use crate::model::{FetchError, Partition, ResourceControlPolicy};
use crate::store::Update;

/// Policies already read in this scan (several scanned accounts may see the same org).
#[derive(Default)]
pub(super) struct Seen(Mutex<HashSet<String>>);

impl Seen {
    /// True the first time `id` is claimed.
    fn claim(&self, id: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_string())
    }
}

pub(super) async fn scan(ro: Arc<ReadOnly>, seen: Arc<Seen>) {
    let mut policies: Vec<(String, String)> = Vec::new();
    let mut token = None;
    loop {
        match ro.org_list_rcps(token.take()).await {
            Ok(page) => {
                policies.extend(page.policies().iter().filter_map(|p| {
                    Some((
                        p.id()?.to_string(),
                        p.name().unwrap_or_default().to_string(),
                    ))
                }));
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Err(e) if ReadOnly::ORGANIZATIONS_UNREADABLE.contains(&e.code.as_str()) => return,
            Err(e) => return ro.store().apply(Update::Error(e)),
        }
    }
    // RCPs never apply to resources in the management account, wherever they are attached
    // (AWS Organizations user guide, "Resource control policies"). Without knowing which
    // account that is, no account can be credited with an RCP: a wrong "enforced" is worse
    // than a missing one.
    let management = match ro.org_describe_organization().await {
        Ok(out) => out
            .organization()
            .and_then(|o| o.master_account_id())
            .map(str::to_string),
        Err(e) => {
            ro.store().apply(Update::Error(e));
            return;
        }
    };
    let Some(management) = management else {
        return;
    };
    let mut resolver = Resolver::default();
    for (id, name) in policies {
        if !seen.claim(&id) {
            continue;
        }
        match policy(&ro, &mut resolver, id, name).await {
            Ok(mut rcp) => {
                rcp.account_ids.retain(|a| *a != management);
                ro.store().apply(Update::ResourceControlPolicy(rcp));
            }
            Err(e) => ro.store().apply(Update::Error(e)),
        }
    }
}

/// Reads one policy's content and targets and resolves the targets to accounts. A target
/// that cannot be resolved is reported; the policy is still sent with the accounts found.
async fn policy(
    ro: &ReadOnly,
    resolver: &mut Resolver,
    id: String,
    name: String,
) -> Result<ResourceControlPolicy, FetchError> {
    let described = ro.org_describe_policy(&id).await?;
    let content = described
        .policy()
        .and_then(|p| p.content())
        .unwrap_or_default()
        .to_string();
    let mut targets: Vec<(String, Option<TargetType>)> = Vec::new();
    let mut token = None;
    loop {
        let page = ro.org_list_targets_for_policy(&id, token.take()).await?;
        targets.extend(
            page.targets()
                .iter()
                .filter_map(|t| Some((t.target_id()?.to_string(), t.r#type().cloned()))),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let mut accounts: BTreeSet<String> = BTreeSet::new();
    for (target, kind) in &targets {
        match resolver.accounts(ro, target, kind.as_ref()).await {
            Ok(ids) => accounts.extend(ids),
            Err(e) => ro.store().apply(Update::Error(e)),
        }
    }
    Ok(ResourceControlPolicy {
        id,
        name,
        content,
        targets: targets.into_iter().map(|(t, _)| t).collect(),
        account_ids: accounts.into_iter().collect(),
    })
}

/// Target → accounts, with a cache per root / OU (policies often share targets).
#[derive(Default)]
struct Resolver {
    cache: HashMap<String, Vec<String>>,
}

impl Resolver {
    async fn accounts(
        &mut self,
        ro: &ReadOnly,
        target: &str,
        kind: Option<&TargetType>,
    ) -> Result<Vec<String>, FetchError> {
        let kind = kind.cloned().unwrap_or_else(|| guess_kind(target));
        if kind == TargetType::Account {
            return Ok(vec![target.to_string()]);
        }
        if let Some(hit) = self.cache.get(target) {
            return Ok(hit.clone());
        }
        let ids = if kind == TargetType::Root {
            list_accounts(ro).await?
        } else {
            accounts_under(ro, target).await?
        };
        self.cache.insert(target.to_string(), ids.clone());
        Ok(ids)
    }
}

/// Target ids are self-describing: `r-...` roots, `ou-...` OUs, 12 digits accounts.
fn guess_kind(target: &str) -> TargetType {
    if target.starts_with("r-") {
        TargetType::Root
    } else if target.starts_with("ou-") {
        TargetType::OrganizationalUnit
    } else {
        TargetType::Account
    }
}

/// Every account of the organization, by id.
async fn list_accounts(ro: &ReadOnly) -> Result<Vec<String>, FetchError> {
    let accounts = org_accounts::list_accounts(ro, Partition::default()).await?;
    Ok(accounts.into_iter().map(|a| a.id).collect())
}

/// Every account under `parent`, walking child OUs (breadth first, no recursion).
async fn accounts_under(ro: &ReadOnly, parent: &str) -> Result<Vec<String>, FetchError> {
    let mut out = Vec::new();
    let mut queue = vec![parent.to_string()];
    let mut visited = HashSet::new();
    while let Some(ou) = queue.pop() {
        if !visited.insert(ou.clone()) {
            continue;
        }
        out.extend(org_accounts::accounts_for_parent(ro, &ou).await?);
        queue.extend(
            org_accounts::ous_for_parent(ro, &ou)
                .await?
                .into_iter()
                .map(|(id, _)| id),
        );
    }
    Ok(out)
}
