//! Live AWS source, read-only by construction: `client` is the only module that builds or
//! calls SDK clients and it offers nothing but Get / List / Describe operations (plus
//! `sts:GetCallerIdentity` and `sts:AssumeRole`). The fetchers (`s3`, `athena`, `network`,
//! `organizations`) turn answers into domain facts for the store; verdicts are
//! derived by the store, never here.
//!
//! Resilience: one scan-wide semaphore bounds calls in flight, the SDK retries throttling and
//! 5xx with exponential backoff, every call has a timeout, and every failure is recorded on the resource it
//! belongs to (or on the estate for a whole service / region). One failed call never stops
//! the scan.

mod answers;
mod athena;
mod breaker;
mod client;
mod errors;
pub mod events;
mod network;
mod org_accounts;
mod organizations;
mod pace;
pub mod query_results;
mod recorder;
mod s3;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use tokio::task::JoinSet;

pub use client::{OPERATIONS, iam_actions};

use self::client::{ReadOnly, Shared};
use self::org_accounts::Plan;
use super::{AwsOptions, OrgScope, SourceError};
use crate::model::{Account, FetchError, Partition, ScanState};
use crate::store::{Progress, Store, Update};

fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Scans every account reachable with `opts` into `store`.
///
/// Returns an error only when no account could be reached at all (no usable credentials, or
/// every role refused); the reasons are in the store's estate errors too.
pub async fn run(store: Store, opts: AwsOptions) -> Result<(), SourceError> {
    let started = Instant::now();
    store.apply(Update::Started { at: now() });
    let result = scan(&store, &opts).await;
    store.apply(Update::Finished {
        at: now(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    result
}

/// Reads one bucket's context (policy status, public access block, encryption) into `store`,
/// for the console when the operator opens a bucket the scan read without it. The account's
/// role, if the scan assumed one, is assumed again; a failure is recorded on the bucket.
pub async fn read_bucket_context(store: Store, opts: AwsOptions, account_id: String, name: String) {
    let found = store.read(|s| {
        let bucket = s
            .estate
            .buckets
            .iter()
            .find(|b| b.account_id == account_id && b.name == name)?
            .clone();
        let role = s
            .estate
            .accounts
            .iter()
            .find(|a| a.id == account_id)
            .and_then(|a| a.assumed_role.clone());
        Some((bucket, role))
    });
    let Some((mut bucket, role)) = found else {
        return;
    };
    let shared = Shared::load(store.clone(), &opts).await;
    let base = shared.base();
    let ro = match role {
        None => base,
        Some(role) => match base.assume_role(&role, opts.external_id.as_deref()).await {
            Ok(ro) => ro,
            Err(e) => {
                bucket.errors.push(e);
                store.apply(Update::Bucket(Box::new(bucket)));
                return;
            }
        },
    };
    ro.known_account(&account_id);
    s3::read_one_context(Arc::new(ro), bucket).await;
}

/// An account ready to be scanned.
struct Target {
    ro: Arc<ReadOnly>,
    regions: Vec<String>,
    /// The first `ListBuckets` page, read while the account was identified.
    first_page: s3::Page,
}

/// How the scan enters one account; `org` is its record in the organization, when listed.
enum Entry {
    /// With the base credentials.
    Direct(Option<Account>),
    /// Through a role.
    Assume(String, Option<Account>),
}

/// An account that could not be entered: its record (if known) and the failure.
struct Refused {
    account: Option<Account>,
    role: Option<String>,
    error: FetchError,
}

async fn scan(store: &Store, opts: &AwsOptions) -> Result<(), SourceError> {
    let shared = Shared::load(store.clone(), opts).await;
    let base = Arc::new(shared.base());

    // Which accounts: with --org-role, the organization's accounts in scope (the base
    // credentials' own account read with them); with role ARNs, exactly the accounts of
    // those roles (the base credentials are then only the identity that assumes them, often
    // a hub account holding no data); otherwise the base credentials' own account.
    // An organization's tags (and policies) are read beside the scan, not before it.
    let mut organization = JoinSet::new();
    let entries = match &opts.org {
        Some(scope) => {
            let (entries, listed) = org_entries(&base, scope).await?;
            organization.spawn(org_accounts::read_tags(base.clone(), listed));
            entries
        }
        None if opts.role_arns.is_empty() => vec![Entry::Direct(None)],
        None => opts
            .role_arns
            .iter()
            .map(|role| Entry::Assume(role.clone(), None))
            .collect(),
    };
    // With several accounts, the status bar counts them: an account is done when its last
    // read answered, failed when it could not be entered.
    let progress = Accounts::new(store, entries.len());
    let mut reached: JoinSet<Result<Target, Refused>> = JoinSet::new();
    for entry in entries {
        let base = base.clone();
        let opts = opts.clone();
        reached.spawn(async move { enter(base, entry, &opts).await });
    }
    // Each account is read as soon as it is entered: an organization's accounts are entered
    // at the STS pace, and the first ones need not wait for the last.
    let seen = Arc::new(organizations::Seen::default());
    // An organization's resource control policies are read once, with the base credentials
    // that listed it: only the management account or a delegated administrator may read
    // them, so its members would each be refused.
    if opts.org.is_some() {
        organization.spawn(organizations::scan(base.clone(), seen.clone()));
    }
    let members_read_rcps = opts.org.is_none();
    let mut accounts = JoinSet::new();
    let mut regions: BTreeSet<String> = BTreeSet::new();
    let mut failures: Vec<FetchError> = Vec::new();
    while let Some(joined) = reached.join_next().await {
        match joined {
            Ok(Ok(target)) => {
                let before = regions.len();
                regions.extend(target.regions.iter().cloned());
                if regions.len() > before {
                    store.apply(Update::Regions(regions.iter().cloned().collect()));
                }
                let progress = progress.clone();
                let seen = seen.clone();
                accounts.spawn(async move {
                    progress.event(Progress::Started);
                    scan_account(target, members_read_rcps.then_some(seen)).await;
                    progress.event(Progress::Done);
                });
            }
            Ok(Err(refused)) => {
                record_refused(store, &refused);
                progress.event(Progress::Started);
                progress.event(Progress::Failed);
                failures.push(refused.error);
            }
            Err(e) => store.apply(Update::Error(panicked("sts", &e))),
        }
    }
    if accounts.is_empty() {
        store.apply(Update::Regions(Vec::new()));
        let why = failures
            .iter()
            .map(|e| format!("{} ({})", e.short(), e.message))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(SourceError::Aws(format!(
            "no AWS account could be reached: {why}"
        )));
    }
    report_panics(store, "scan", accounts).await;
    report_panics(store, "organizations", organization).await;
    Ok(())
}

/// The `accounts` progress of a scan of several accounts (nothing for one account).
#[derive(Clone)]
struct Accounts(Option<Store>);

impl Accounts {
    fn new(store: &Store, entries: usize) -> Accounts {
        let counted = (entries > 1).then(|| store.clone());
        let this = Accounts(counted);
        this.event(Progress::Queued(entries as u64));
        this
    }

    fn event(&self, event: Progress) {
        if let Some(store) = &self.0 {
            store.apply(Update::Progress {
                fetcher: "accounts".to_string(),
                event,
            });
        }
    }
}

/// Enters one account: assumes its role if it has one, then identifies the caller there.
async fn enter(base: Arc<ReadOnly>, entry: Entry, opts: &AwsOptions) -> Result<Target, Refused> {
    let (ro, role, org) = match entry {
        Entry::Direct(org) => (base, None, org),
        Entry::Assume(role, org) => {
            match base.assume_role(&role, opts.external_id.as_deref()).await {
                Ok(ro) => (Arc::new(ro), Some(role), org),
                Err(error) => {
                    return Err(Refused {
                        account: org,
                        role: Some(role),
                        error,
                    });
                }
            }
        }
    };
    prepare(ro, role.clone(), org.clone(), opts)
        .await
        .map_err(|error| Refused {
            account: org,
            role,
            error,
        })
}

/// Records an account that could not be entered as `not_scanned`, with the failed call as
/// its reason, and the failure itself among the estate's errors.
fn record_refused(store: &Store, refused: &Refused) {
    let account = refused.account.clone().or_else(|| {
        let id = refused.role.as_deref().and_then(account_of_arn)?;
        Some(Account {
            id: id.to_string(),
            partition: refused
                .role
                .as_deref()
                .map(partition_of)
                .unwrap_or_default(),
            ..Account::default()
        })
    });
    if let Some(account) = account {
        let why = refused.error.short();
        store.apply(Update::Account(org_accounts::not_scanned(
            account,
            refused.role.clone(),
            why,
        )));
    }
    store.apply(Update::Error(refused.error.clone()));
}

/// The accounts of the organization that this scan enters; the rest of those listed are
/// recorded as `not_scanned` with the reason (suspended, closing), those out of scope not
/// at all. Also the ids of every account recorded, whose tags the scan reads.
async fn org_entries(
    base: &Arc<ReadOnly>,
    scope: &OrgScope,
) -> Result<(Vec<Entry>, Vec<String>), SourceError> {
    let unreachable = |what: &str, e: &FetchError| {
        base.store().apply(Update::Error(e.clone()));
        SourceError::Aws(format!("{what}: {} ({})", e.short(), e.message))
    };
    let identity = base
        .identify()
        .await
        .map_err(|e| unreachable("the base credentials could not be identified", &e))?;
    let partition = partition_of(&identity.arn);
    let members = org_accounts::discover(base, partition).await.map_err(|e| {
        unreachable(
            "--org-role lists the organization's accounts, which needs the management \
             account or a delegated administrator",
            &e,
        )
    })?;
    if scope.ou.is_some() && members.iter().all(|m| m.account.ou_path.is_none()) {
        return Err(SourceError::Aws(
            "--ou needs the organization's OU tree, which could not be read (see the errors)"
                .to_string(),
        ));
    }
    let mut entries = Vec::new();
    let mut listed = Vec::new();
    for m in &members {
        let plan = org_accounts::plan(m, &identity.account_id, scope);
        if plan != Plan::Out {
            listed.push(m.account.id.clone());
        }
        match plan {
            Plan::Direct => entries.push(Entry::Direct(Some(m.account.clone()))),
            Plan::Assume(role) => entries.push(Entry::Assume(role, Some(m.account.clone()))),
            Plan::Skip(why) => base
                .store()
                .apply(Update::Account(org_accounts::not_scanned(
                    m.account.clone(),
                    None,
                    why,
                ))),
            Plan::Out => {}
        }
    }
    for id in &scope.accounts {
        if !members.iter().any(|m| &m.account.id == id) {
            base.store()
                .apply(Update::Account(org_accounts::not_scanned(
                    Account {
                        id: id.clone(),
                        partition,
                        ..Account::default()
                    },
                    None,
                    "not an account of the organization: not scanned".to_string(),
                )));
        }
    }
    Ok((entries, listed))
}

/// Identifies the caller in one account and decides its regions.
///
/// The first `ListBuckets` page is asked at the same time as `GetCallerIdentity`, not after
/// it: every bucket read waits for that page, so the identity no longer costs the scan a
/// round trip of its own. The page is held until the identity answers (bucket records and
/// errors name the account) and dropped, unanswered or not, if the identity fails: that
/// failure is then the account's only error, as when the listing was never asked.
async fn prepare(
    ro: Arc<ReadOnly>,
    assumed_role: Option<String>,
    org: Option<Account>,
    opts: &AwsOptions,
) -> Result<Target, FetchError> {
    let (identity, first_page) = {
        let listing = s3::first_page(&ro);
        let identify = ro.identify();
        tokio::pin!(listing, identify);
        let mut answered = None;
        let identity = loop {
            tokio::select! {
                identity = &mut identify => break identity?,
                page = &mut listing, if answered.is_none() => answered = Some(page),
            }
        };
        let mut page = match answered {
            Some(page) => page,
            None => listing.await,
        };
        s3::name_the_account(&mut page, &identity.account_id);
        (identity, page)
    };
    let partition = partition_of(&identity.arn);
    // What the organization says of the account (name, OU, tags), the scan's own facts over it.
    let mut record = org.unwrap_or_default();
    record.id = identity.account_id.clone();
    record.partition = partition;
    record.caller_arn = Some(identity.arn.clone());
    record.assumed_role = assumed_role;
    record.scan_state = ScanState::Scanned;
    record.scan_error = None;
    ro.store().apply(Update::Account(record));
    let regions = regions(&ro, opts).await;
    Ok(Target {
        ro,
        regions,
        first_page,
    })
}

/// The account id in an ARN (`arn:aws:iam::123456789012:role/x`), when it has one.
pub(super) fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|id| crate::model::is_account_id(id))
}

/// `arn:PARTITION:...`; an unknown partition is treated as `aws`.
fn partition_of(arn: &str) -> Partition {
    arn.split(':')
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or_default()
}

/// The regions to scan: as given, or every enabled region (`--all-regions`, falling back to
/// the home region when `DescribeRegions` fails), or the profile's region.
async fn regions(ro: &ReadOnly, opts: &AwsOptions) -> Vec<String> {
    let home = ro.shared().home_region().to_string();
    if !opts.regions.is_empty() {
        let mut seen = BTreeSet::new();
        return opts
            .regions
            .iter()
            .filter(|r| seen.insert(r.as_str()))
            .cloned()
            .collect();
    }
    if opts.all_regions {
        match ro.ec2_describe_regions().await {
            Ok(out) => {
                let mut r: Vec<String> = out
                    .regions()
                    .iter()
                    .filter(|r| r.opt_in_status() != Some("not-opted-in"))
                    .filter_map(|r| r.region_name().map(str::to_string))
                    .collect();
                r.sort();
                if !r.is_empty() {
                    return r;
                }
            }
            Err(e) => ro.store().apply(Update::Error(e)),
        }
    }
    vec![home]
}

/// Reads one account; its organization's policies too, unless `rcps` is `None` (read once
/// for the whole organization).
async fn scan_account(target: Target, rcps: Option<Arc<organizations::Seen>>) {
    let Target {
        ro,
        regions,
        first_page,
    } = target;
    let mut tasks = JoinSet::new();
    tasks.spawn(s3::scan(ro.clone(), first_page));
    for region in &regions {
        tasks.spawn(athena::scan(ro.clone(), region.clone()));
        tasks.spawn(network::scan(ro.clone(), region.clone()));
    }
    if let Some(seen) = rcps {
        tasks.spawn(organizations::scan(ro.clone(), seen));
    }
    report_panics(ro.store(), "scan", tasks).await;
}

pub(super) fn panicked(fetcher: &str, e: &tokio::task::JoinError) -> FetchError {
    FetchError {
        operation: format!("intransit:{fetcher}"),
        account_id: None,
        region: None,
        resource: None,
        code: "InternalError".to_string(),
        message: format!("a {fetcher} task failed: {e}"),
    }
}

/// Waits for every task; a task that panicked becomes an estate error instead of taking the
/// scan down.
async fn report_panics<F>(store: &Store, fetcher: &str, mut tasks: JoinSet<F>)
where
    F: Send + 'static,
{
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            store.apply(Update::Error(panicked(fetcher, &e)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        assert_eq!(partition_of("arn:aws:iam::1:user/x"), Partition::Aws);
        assert_eq!(
            partition_of("arn:aws-us-gov:sts::1:assumed-role/r/s"),
            Partition::AwsUsGov
        );
        assert_eq!(partition_of("arn:aws-cn:iam::1:root"), Partition::AwsCn);
        assert_eq!(partition_of("garbage"), Partition::Aws);
    }

    #[test]
    fn account_ids_of_arns() {
        assert_eq!(
            account_of_arn("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of_arn("garbage"), None);
    }

    const SOURCES: [(&str, &str); 14] = [
        ("mod.rs", include_str!("mod.rs")),
        ("client.rs", include_str!("client.rs")),
        ("recorder.rs", include_str!("recorder.rs")),
        ("errors.rs", include_str!("errors.rs")),
        ("s3.rs", include_str!("s3.rs")),
        ("athena.rs", include_str!("athena.rs")),
        ("network.rs", include_str!("network.rs")),
        ("organizations.rs", include_str!("organizations.rs")),
        ("org_accounts.rs", include_str!("org_accounts.rs")),
        ("events.rs", include_str!("events.rs")),
        ("query_results.rs", include_str!("query_results.rs")),
        ("answers.rs", include_str!("answers.rs")),
        ("breaker.rs", include_str!("breaker.rs")),
        ("pace.rs", include_str!("pace.rs")),
    ];

    /// Every file of the AWS source is checked: a new one must join `SOURCES`.
    #[test]
    fn every_source_file_is_checked() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/source/aws");
        for entry in std::fs::read_dir(dir).expect("the AWS source") {
            let name = entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".rs") {
                assert!(
                    SOURCES.iter().any(|(n, _)| *n == name),
                    "{name} is not in SOURCES"
                );
            }
        }
    }

    /// Method calls `.verb_rest(` in `text`, as (verb, whole name).
    fn method_calls(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, _) in text.match_indices('.') {
            let rest = &text[i + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || !rest[name.len()..].starts_with('(') {
                continue;
            }
            if let Some((verb, _)) = name.split_once('_') {
                out.push((verb.to_string(), name.clone()));
            }
        }
        out
    }

    /// Read-only by construction: no source file of the AWS source calls an SDK operation
    /// whose name starts with a mutating verb.
    #[test]
    fn no_mutating_sdk_call_anywhere() {
        const MUTATING: [&str; 34] = [
            "put",
            "delete",
            "create",
            "update",
            "modify",
            "attach",
            "detach",
            "tag",
            "untag",
            "enable",
            "disable",
            "start",
            "stop",
            "terminate",
            "associate",
            "disassociate",
            "accept",
            "reject",
            "restore",
            "copy",
            "upload",
            "register",
            "deregister",
            "cancel",
            "invite",
            "leave",
            "move",
            "close",
            "replace",
            "reset",
            "revoke",
            "authorize",
            "run",
            "remove",
        ];
        let probe = method_calls("client.put_bucket_policy().bucket(b).send()");
        assert_eq!(
            probe,
            [("put".to_string(), "put_bucket_policy".to_string())]
        );
        for (file, text) in SOURCES {
            // The test module itself names the verbs.
            let text = text.split("#[cfg(test)]").next().unwrap_or(text);
            for (verb, name) in method_calls(text) {
                assert!(!MUTATING.contains(&verb.as_str()), "{file} calls .{name}(");
            }
        }
    }

    /// Every `"service:Operation"` the wrapper passes to its call path is in the IAM table,
    /// and every one is a read.
    #[test]
    fn every_wrapped_operation_is_a_mapped_read() {
        let client = SOURCES[1].1;
        let mut found = 0;
        for (i, _) in client.match_indices(".call(") {
            let rest = &client[i..];
            let start = rest.find('"').expect("operation literal") + 1;
            let op = &rest[start..start + rest[start..].find('"').expect("closing quote")];
            assert!(iam_actions(op).is_some(), "{op} is not in OPERATIONS");
            found += 1;
        }
        assert!(
            found >= OPERATIONS.len(),
            "{found} calls for {} operations",
            OPERATIONS.len()
        );
        for (op, _) in OPERATIONS {
            let name = op.split_once(':').map(|(_, n)| n).unwrap_or_default();
            // `cloudtrail:LookupEvents` reads recorded events (IAM access level Read).
            let read = ["Get", "List", "Describe", "Lookup"]
                .iter()
                .any(|p| name.starts_with(p));
            assert!(read || *op == "sts:AssumeRole", "{op} is not a read");
        }
    }

    #[test]
    fn every_operation_has_iam_actions() {
        for (op, actions) in OPERATIONS {
            assert!(op.contains(':'), "{op}");
            assert!(!actions.is_empty(), "{op}");
        }
        assert_eq!(
            iam_actions("s3:ListBuckets"),
            Some(&["s3:ListAllMyBuckets"][..])
        );
        assert_eq!(iam_actions("s3:PutBucketPolicy"), None);
    }
}
