//! Top fixes: the actions that resolve most, each found by loading the estate again with the
//! change applied (the store re-derives every verdict, as for a snapshot) and evaluating it,
//! never by an estimate. Candidates are the fixes themselves and, for the RCP, one attachment
//! per OU of the accounts that lack it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::changes::{RCP_NAME, STRONG_DH, STRONG_ENCRYPTION, STRONG_INTEGRITY, rcp_document};
use super::{Fix, Kind};
use crate::compliance::{Catalog, Evaluation, Status, evaluate};
use crate::model::{Estate, PolicyText, ResourceControlPolicy, Snapshot};
use crate::policy::Verdict;
use crate::store::Store;

/// What an action resolves, counted against the estate as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Resolves {
    /// Buckets that become `enforced`.
    pub buckets: usize,
    /// The accounts those buckets are in.
    pub accounts: usize,
    /// Findings that do not pass now and pass after.
    pub findings: usize,
    /// Required controls that fail now and pass after (`program control`).
    pub controls: Vec<String>,
    /// Required controls whose status gets better short of passing
    /// (`program control: fail → unknown`).
    pub improved: Vec<String>,
}

/// One ranked action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    /// In words: "attach the RCP to OU Root/Workloads (3 accounts)".
    pub action: String,
    pub kind: Kind,
    /// The fixes (their resources) the action applies.
    pub resources: Vec<String>,
    pub resolves: Resolves,
}

impl PlanItem {
    /// "attach the RCP to OU Workloads (3 accounts) makes 41 buckets in 3 accounts enforced,
    /// turns 9 controls from fail to pass".
    pub fn sentence(&self) -> String {
        format!("{} {}", self.action, self.effects())
    }

    /// What the action does, without it: "makes 41 buckets in 3 accounts enforced, …".
    pub fn effects(&self) -> String {
        let r = &self.resolves;
        let mut parts = Vec::new();
        if r.buckets > 0 {
            parts.push(format!(
                "makes {} in {} enforced",
                plural(r.buckets, "bucket"),
                plural(r.accounts, "account")
            ));
        }
        if !r.controls.is_empty() {
            parts.push(format!(
                "turns {} from fail to pass",
                plural(r.controls.len(), "control")
            ));
        }
        if !r.improved.is_empty() {
            parts.push(format!(
                "improves {} short of passing",
                plural(r.improved.len(), "control")
            ));
        }
        if r.findings > 0 {
            parts.push(format!("resolves {}", plural(r.findings, "finding")));
        }
        if parts.is_empty() {
            return "resolves nothing on its own".to_string();
        }
        parts.join(", ")
    }
}

fn plural(n: usize, noun: &str) -> String {
    let many = if noun.ends_with('x') { "es" } else { "s" };
    format!("{n} {noun}{}", if n == 1 { "" } else { many })
}

/// What a candidate does to a copy of the estate.
type Change = Box<dyn Fn(&mut Estate)>;

/// A change to try.
struct Candidate {
    item: PlanItem,
    /// A cheap upper bound on what it can resolve, to choose which to evaluate.
    reach: usize,
    apply: Change,
}

/// The changes of `parts`, one after the other.
fn together(parts: Vec<Candidate>) -> Change {
    let applies: Vec<Change> = parts.into_iter().map(|c| c.apply).collect();
    Box::new(move |e: &mut Estate| {
        for a in &applies {
            a(e);
        }
    })
}

/// The estate's state after loading, evaluated: what each action is compared with.
struct Judged {
    verdicts: HashMap<String, (Verdict, String)>,
    findings: HashMap<String, Status>,
    controls: BTreeMap<String, Status>,
}

fn judge(
    snapshot: Snapshot,
    catalog: &Catalog,
    accept: &dyn Fn(&mut Evaluation, &Estate),
) -> Judged {
    let store = Store::from_snapshot(snapshot);
    store.read(|s| {
        let mut eval = evaluate(catalog, &s.estate);
        accept(&mut eval, &s.estate);
        Judged {
            verdicts: s
                .estate
                .buckets
                .iter()
                .map(|b| (b.name.clone(), (b.tls.verdict(), b.account_id.clone())))
                .collect(),
            findings: eval
                .checks
                .iter()
                .flat_map(|c| &c.findings)
                .map(|f| (f.id.to_string(), f.status))
                .collect(),
            controls: eval
                .programs
                .iter()
                .flat_map(|p| {
                    p.controls
                        .iter()
                        .filter(|c| !c.optional)
                        .map(move |c| (format!("{} {}", p.id, c.id), c.open_status()))
                })
                .collect(),
        }
    })
}

fn resolves(before: &Judged, after: &Judged) -> Resolves {
    let mut accounts = HashSet::new();
    let mut buckets = 0;
    for (name, (v, account)) in &after.verdicts {
        let was = before.verdicts.get(name).map(|x| x.0);
        if *v == Verdict::Enforced && was.is_some_and(|w| w != Verdict::Enforced) {
            buckets += 1;
            accounts.insert(account.clone());
        }
    }
    let findings = after
        .findings
        .iter()
        .filter(|(id, s)| {
            **s == Status::Pass
                && before
                    .findings
                    .get(*id)
                    .is_some_and(|b| matches!(b, Status::Fail | Status::Partial | Status::Unknown))
        })
        .count();
    let mut controls = Vec::new();
    let mut improved = Vec::new();
    for (k, s) in &after.controls {
        match before.controls.get(k) {
            Some(Status::Fail) if *s == Status::Pass => controls.push(k.clone()),
            // Status orders worst first: a greater one is better.
            Some(b) if s > b => improved.push(format!("{k}: {b} → {s}")),
            _ => {}
        }
    }
    Resolves {
        buckets,
        accounts: accounts.len(),
        findings,
        controls,
        improved,
    }
}

/// The actions `fixes` offer, ranked best first: the `limit` with the widest reach are
/// evaluated; the number left out is returned beside them.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Best first.
    pub items: Vec<PlanItem>,
    /// Candidates beyond the limit, not evaluated.
    pub not_evaluated: usize,
    /// Every fix offered, applied together.
    pub all: Option<PlanItem>,
}

pub fn plan(
    snapshot: &Snapshot,
    evaluation: &Evaluation,
    fixes: &[Fix],
    catalog: &Catalog,
    accept: &dyn Fn(&mut Evaluation, &Estate),
    limit: usize,
) -> Plan {
    let reach = Reach::of(evaluation);
    let mut candidates = candidates(&snapshot.estate, fixes, &reach);
    candidates.sort_by(|a, b| {
        b.reach
            .cmp(&a.reach)
            .then(a.item.action.cmp(&b.item.action))
    });
    let left = candidates.len().saturating_sub(limit);
    candidates.truncate(limit);
    let before = judge(snapshot.clone(), catalog, accept);
    let run = |c: Candidate| {
        let mut changed = snapshot.clone();
        (c.apply)(&mut changed.estate);
        let after = judge(changed, catalog, accept);
        PlanItem {
            resolves: resolves(&before, &after),
            ..c.item
        }
    };
    let all = everything(&snapshot.estate, fixes, &reach).map(run);
    let mut items: Vec<PlanItem> = candidates.into_iter().map(run).collect();
    items.sort_by(|a, b| {
        let key = |p: &PlanItem| {
            let r = &p.resolves;
            (r.controls.len(), r.improved.len(), r.findings, r.buckets)
        };
        key(b).cmp(&key(a)).then(a.action.cmp(&b.action))
    });
    Plan {
        items,
        not_evaluated: left,
        all,
    }
}

/// Findings that do not pass, per resource id: how far a change to a resource can reach.
struct Reach(HashMap<String, usize>);

impl Reach {
    fn of(eval: &Evaluation) -> Reach {
        let mut m: HashMap<String, usize> = HashMap::new();
        for f in eval.checks.iter().flat_map(|c| &c.findings) {
            if matches!(f.status, Status::Fail | Status::Partial | Status::Unknown) {
                *m.entry(f.resource.id.to_string()).or_default() += 1;
            }
        }
        Reach(m)
    }

    fn on(&self, resource: &str) -> usize {
        self.0.get(resource).copied().unwrap_or(0)
    }
}

/// Every offered fix at once (the RCP attached to every account that lacks it).
fn everything(estate: &Estate, fixes: &[Fix], reach: &Reach) -> Option<Candidate> {
    let parts: Vec<Candidate> = candidates_of_fixes(estate, fixes, reach);
    if parts.is_empty() {
        return None;
    }
    let n = fixes.iter().filter(|f| f.refused.is_none()).count();
    let resources = parts
        .iter()
        .flat_map(|c| c.item.resources.clone())
        .collect();
    Some(Candidate {
        item: item(
            format!("all {} together", plural(n, "fix")),
            Kind::BucketPolicy,
            resources,
        ),
        reach: 0,
        apply: together(parts),
    })
}

/// Each fix on its own, each account's bucket policies together, and the RCP per OU.
fn candidates(estate: &Estate, fixes: &[Fix], reach: &Reach) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = fixes
        .iter()
        .filter(|f| f.refused.is_none() && f.kind != Kind::Rcp)
        .map(|f| single(f, reach))
        .collect();
    out.extend(account_buckets(fixes, reach));
    let (accounts, document) = rcp_of(fixes);
    out.extend(rcp_candidates(estate, &accounts, &document, OuLevel::Each));
    out
}

/// The fixes as they are, one candidate each (the RCP once, on every account lacking it).
fn candidates_of_fixes(estate: &Estate, fixes: &[Fix], reach: &Reach) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = fixes
        .iter()
        .filter(|f| f.refused.is_none() && f.kind != Kind::Rcp)
        .map(|f| single(f, reach))
        .collect();
    let (accounts, document) = rcp_of(fixes);
    out.extend(rcp_candidates(
        estate,
        &accounts,
        &document,
        OuLevel::Accounts,
    ));
    out
}

/// The accounts the RCP fixes attach to, and the document they attach (the one proved, with
/// the floor asked for).
fn rcp_of(fixes: &[Fix]) -> (Vec<&str>, String) {
    let rcps: Vec<&Fix> = fixes
        .iter()
        .filter(|f| f.refused.is_none() && f.kind == Kind::Rcp)
        .collect();
    let document = rcps
        .iter()
        .find_map(|f| f.policy_after.clone())
        .unwrap_or_else(|| rcp_document(None));
    (rcps.iter().map(|f| f.resource.as_str()).collect(), document)
}

/// The bucket policies of one account, merged together (accounts with two or more).
fn account_buckets(fixes: &[Fix], reach: &Reach) -> Vec<Candidate> {
    let mut by_account: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for f in fixes
        .iter()
        .filter(|f| f.refused.is_none() && f.kind == Kind::BucketPolicy)
    {
        by_account.entry(&f.account_id).or_default().push(f);
    }
    by_account
        .into_iter()
        .filter(|(_, fs)| fs.len() > 1)
        .map(|(account, fs)| {
            let parts: Vec<Candidate> = fs.iter().map(|f| single(f, reach)).collect();
            let reach = parts.iter().map(|c| c.reach).sum();
            let resources = fs.iter().map(|f| f.resource.clone()).collect();
            Candidate {
                item: item(
                    format!(
                        "merge the plain-HTTP deny into the {} policies of account {account}",
                        fs.len()
                    ),
                    Kind::BucketPolicy,
                    resources,
                ),
                reach,
                apply: together(parts),
            }
        })
        .collect()
}

fn item(action: String, kind: Kind, resources: Vec<String>) -> PlanItem {
    PlanItem {
        action,
        kind,
        resources,
        resolves: Resolves::default(),
    }
}

/// The action of one fix.
fn single(f: &Fix, reach: &Reach) -> Candidate {
    let resource = f.resource.clone();
    let (action, apply): (String, Change) = match f.kind {
        Kind::BucketPolicy => {
            let text = f.policy_after.clone().unwrap_or_default();
            let name = resource.clone();
            (
                if f.added
                    .iter()
                    .any(|s| s.starts_with(super::merge::DENY_HTTP_SID))
                {
                    format!("merge the plain-HTTP deny into bucket {resource}'s policy")
                } else {
                    format!("add the TLS floor to bucket {resource}'s policy")
                },
                Box::new(move |e: &mut Estate| {
                    if let Some(b) = e.buckets.iter_mut().find(|b| b.name == name) {
                        b.policy = PolicyText::Present {
                            text: text.clone().into(),
                        };
                    }
                }),
            )
        }
        Kind::Workgroup => {
            let key = resource.clone();
            (
                format!("enforce workgroup {resource}'s configuration"),
                Box::new(move |e: &mut Estate| {
                    for w in e.workgroups.iter_mut() {
                        if w.estate_key() == key {
                            w.enforce_configuration = true;
                        }
                    }
                }),
            )
        }
        Kind::VpnTunnel | Kind::Rcp => {
            let id = resource.clone();
            (
                format!("allow only strong algorithms on VPN tunnel {resource}"),
                Box::new(move |e: &mut Estate| strengthen(e, &id)),
            )
        }
    };
    let reach = reach.on(&resource);
    Candidate {
        item: item(action, f.kind, vec![resource]),
        reach,
        apply,
    }
}

fn strengthen(e: &mut Estate, id: &str) {
    for v in e.connectivity.vpn_connections.iter_mut() {
        let vpn = v.id.clone();
        for t in v.tunnels.iter_mut() {
            if format!("{vpn}/{}", t.outside_ip) == id {
                let strings = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
                t.ike_versions = vec!["ikev2".into()];
                t.phase1_encryption = strings(STRONG_ENCRYPTION);
                t.phase2_encryption = strings(STRONG_ENCRYPTION);
                t.phase1_integrity = strings(STRONG_INTEGRITY);
                t.phase2_integrity = strings(STRONG_INTEGRITY);
                t.phase1_dh_groups = STRONG_DH.to_vec();
                t.phase2_dh_groups = STRONG_DH.to_vec();
            }
        }
    }
}

/// Where the RCP is attached in a candidate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OuLevel {
    /// Once per OU path (each distinct set of accounts).
    Each,
    /// Once, to every account named.
    Accounts,
}

/// One attachment per OU (each distinct set of accounts lacking the RCP under an OU path),
/// and one per account outside any OU the estate knows; or, with `OuLevel::Accounts`, one
/// attachment to all of them.
fn rcp_candidates(
    estate: &Estate,
    accounts: &[&str],
    document: &str,
    level: OuLevel,
) -> Vec<Candidate> {
    let mut by_ou: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in estate
        .accounts
        .iter()
        .filter(|a| accounts.contains(&a.id.as_str()))
    {
        match &a.ou_path {
            _ if level == OuLevel::Accounts => {
                by_ou
                    .entry("the accounts".into())
                    .or_default()
                    .push(a.id.clone());
            }
            Some(path) => {
                let parts: Vec<&str> = path.split('/').collect();
                for n in 1..=parts.len() {
                    by_ou
                        .entry(parts[..n].join("/"))
                        .or_default()
                        .push(a.id.clone());
                }
            }
            None => {
                by_ou
                    .entry(format!("account {}", a.id))
                    .or_default()
                    .push(a.id.clone());
            }
        }
    }
    // The same accounts under a parent and its only child: the child is the smaller change.
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut out = Vec::new();
    for (ou, ids) in by_ou.into_iter().rev() {
        if seen.contains(&ids) {
            continue;
        }
        seen.push(ids.clone());
        let action = if ou.starts_with("account ") {
            format!("attach the RCP to {ou}")
        } else if level == OuLevel::Accounts {
            format!("attach the RCP to {}", plural(ids.len(), "account"))
        } else {
            format!(
                "attach the RCP to OU {ou} ({})",
                plural(ids.len(), "account")
            )
        };
        let reach = estate
            .buckets
            .iter()
            .filter(|b| ids.contains(&b.account_id) && b.tls.verdict() != Verdict::Enforced)
            .count()
            + ids.len();
        let targets = ids.clone();
        let content = document.to_string();
        let apply = Box::new(move |e: &mut Estate| {
            e.resource_control_policies.push(ResourceControlPolicy {
                id: "p-intransit-plan".into(),
                name: RCP_NAME.into(),
                content: content.clone(),
                targets: targets.clone(),
                account_ids: targets.clone(),
            });
        });
        out.push(Candidate {
            item: item(action, Kind::Rcp, ids),
            reach,
            apply,
        });
    }
    out
}
