//! The demo scan: the API calls a live scan of the demo estate would make, grouped per fetcher,
//! each call carrying the updates its answer produces. Running a plan feeds the store in the
//! same order and shape as a live scan (progress, then resources), optionally with simulated
//! round-trip latency.

use std::time::Duration;

use crate::model::{Bucket, Estate, FetchError, PolicyText};
use crate::store::{Progress, Store, Update};

use super::fnv;

/// One simulated AWS call.
pub struct Call {
    /// `service:Operation/what`: names the call and seeds its latency.
    pub key: String,
    pub failed: bool,
    pub updates: Vec<Update>,
}

impl Call {
    fn new(key: String, updates: Vec<Update>) -> Call {
        Call {
            key,
            failed: false,
            updates,
        }
    }
}

/// The calls of one fetcher and how many it runs at once.
pub struct Fetcher {
    pub name: &'static str,
    pub concurrency: usize,
    pub calls: Vec<Call>,
}

/// Simulated round trip of one call: 2 to 15 ms, fixed per call.
pub fn latency_ms(key: &str) -> u64 {
    2 + fnv(key) % 14
}

impl Fetcher {
    fn new(name: &'static str, concurrency: usize) -> Fetcher {
        Fetcher {
            name,
            concurrency,
            calls: Vec::new(),
        }
    }

    fn progress(&self, event: Progress) -> Update {
        Update::Progress {
            fetcher: self.name.to_string(),
            event,
        }
    }

    pub fn queued(&self) -> Update {
        self.progress(Progress::Queued(self.calls.len() as u64))
    }

    /// Runs the calls `concurrency` at a time: one batch marks a round started, one batch
    /// (after the round's slowest call, with `latency`) delivers its results.
    pub async fn run(mut self, store: &Store, latency: bool) {
        let mut calls = std::mem::take(&mut self.calls);
        while !calls.is_empty() {
            let rest = calls.split_off(self.concurrency.min(calls.len()));
            let round = std::mem::replace(&mut calls, rest);
            if latency {
                store.apply_all(round.iter().map(|_| self.progress(Progress::Started)));
                let slowest = round.iter().map(|c| latency_ms(&c.key)).max().unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(slowest)).await;
            }
            let mut updates = Vec::new();
            for call in round {
                if !latency {
                    updates.push(self.progress(Progress::Started));
                }
                updates.extend(call.updates);
                updates.push(self.progress(if call.failed {
                    Progress::Failed
                } else {
                    Progress::Done
                }));
            }
            store.apply_all(updates);
        }
    }
}

/// Every fetcher of the demo scan.
pub struct Plan {
    pub sts: Fetcher,
    pub organizations: Fetcher,
    pub s3: Fetcher,
    pub athena: Fetcher,
    pub ec2: Fetcher,
    pub directconnect: Fetcher,
}

impl Plan {
    pub fn queued(&self) -> Vec<Update> {
        [
            &self.sts,
            &self.s3,
            &self.athena,
            &self.ec2,
            &self.directconnect,
            &self.organizations,
        ]
        .iter()
        .map(|f| f.queued())
        .collect()
    }
}

/// Estate-level errors for `operation` in `account`/`region`, as `Update::Error`s.
fn errors_for(errors: &[FetchError], operation: &str, account: &str, region: &str) -> Vec<Update> {
    errors
        .iter()
        .filter(|e| {
            e.operation == operation
                && e.account_id.as_deref() == Some(account)
                && e.region.as_deref() == Some(region)
        })
        .cloned()
        .map(Update::Error)
        .collect()
}

/// A regional call whose answer is the given updates, failing when the estate records an
/// error for it.
fn regional(
    errors: &[FetchError],
    operation: &str,
    account: &str,
    region: &str,
    updates: Vec<Update>,
) -> Call {
    let failures = errors_for(errors, operation, account, region);
    let failed = !failures.is_empty();
    Call {
        key: format!("{operation}/{account}/{region}"),
        failed,
        updates: if failed { failures } else { updates },
    }
}

/// A bucket as `ListBuckets` first reports it: nothing read yet.
fn listed(b: &Bucket) -> Bucket {
    Bucket {
        policy: PolicyText::Pending,
        policy_is_public: None,
        public_access_block: None,
        encryption: None,
        context: crate::model::ContextRead::NotRead,
        tls: crate::policy::Tls::default(),
        errors: Vec::new(),
        ..b.clone()
    }
}

const BUCKET_CALLS: [&str; 5] = [
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetPublicAccessBlock",
    "s3:GetBucketEncryption",
];

pub fn plan(estate: Estate, regions: &[&str]) -> Plan {
    let Estate {
        accounts,
        buckets,
        workgroups,
        catalogs,
        tables,
        connectivity,
        resource_control_policies,
        errors,
        traffic: _,
    } = estate;

    let mut sts = Fetcher::new("sts", 3);
    let mut organizations = Fetcher::new("organizations", 1);
    for a in &accounts {
        match (&a.assumed_role, a.entered_by_scan()) {
            // Listed by Organizations, never entered: the role refused, or the account is closed.
            (Some(role), false) => {
                let mut updates = vec![Update::Account(a.clone())];
                updates.extend(
                    errors
                        .iter()
                        .filter(|e| {
                            e.operation == "sts:AssumeRole" && e.account_id == Some(a.id.clone())
                        })
                        .cloned()
                        .map(Update::Error),
                );
                sts.calls.push(Call {
                    key: format!("sts:AssumeRole/{role}"),
                    failed: true,
                    updates,
                });
                continue;
            }
            (None, false) => {
                organizations.calls.push(Call::new(
                    format!("organizations:ListAccounts/{}", a.id),
                    vec![Update::Account(a.clone())],
                ));
                continue;
            }
            (Some(role), true) => sts
                .calls
                .push(Call::new(format!("sts:AssumeRole/{role}"), Vec::new())),
            (None, true) => {}
        }
        sts.calls.push(Call::new(
            format!("sts:GetCallerIdentity/{}", a.id),
            vec![Update::Account(a.clone())],
        ));
    }
    // What is read in an account needs the account entered.
    let accounts: Vec<_> = accounts.iter().filter(|a| a.entered_by_scan()).collect();

    organizations.calls.push(Call::new(
        "organizations:ListPolicies/RESOURCE_CONTROL_POLICY".to_string(),
        Vec::new(),
    ));
    for rcp in resource_control_policies {
        let id = rcp.id.clone();
        organizations.calls.push(Call::new(
            format!("organizations:DescribePolicy/{id}"),
            Vec::new(),
        ));
        organizations.calls.push(Call::new(
            format!("organizations:ListTargetsForPolicy/{id}"),
            Vec::new(),
        ));
        let mut parents: Vec<Call> = rcp
            .targets
            .iter()
            .map(|t| {
                Call::new(
                    format!("organizations:ListAccountsForParent/{t}"),
                    Vec::new(),
                )
            })
            .collect();
        match parents.last_mut() {
            Some(last) => last.updates.push(Update::ResourceControlPolicy(rcp)),
            None => organizations.calls.push(Call::new(
                format!("organizations:DescribePolicy/{id}/content"),
                vec![Update::ResourceControlPolicy(rcp)],
            )),
        }
        organizations.calls.extend(parents);
    }

    let mut s3 = Fetcher::new("s3", 16);
    for a in &accounts {
        let listed: Vec<Update> = buckets
            .iter()
            .filter(|b| b.account_id == a.id)
            .map(|b| Update::Bucket(Box::new(listed(b))))
            .collect();
        s3.calls
            .push(Call::new(format!("s3:ListBuckets/{}", a.id), listed));
    }
    for b in buckets {
        for (i, op) in BUCKET_CALLS.iter().enumerate() {
            let failed = b.errors.iter().any(|e| e.operation == *op);
            let updates = if i + 1 == BUCKET_CALLS.len() {
                vec![Update::Bucket(Box::new(b.clone()))]
            } else {
                Vec::new()
            };
            s3.calls.push(Call {
                key: format!("{op}/{}", b.name),
                failed,
                updates,
            });
        }
    }

    let mut athena = Fetcher::new("athena", 8);
    let mut ec2 = Fetcher::new("ec2", 8);
    let mut directconnect = Fetcher::new("directconnect", 4);
    let c = connectivity;
    for a in &accounts {
        for &region in regions {
            let here = |acct: &str, r: &str| acct == a.id && r == region;

            athena.calls.push(regional(
                &errors,
                "athena:ListWorkGroups",
                &a.id,
                region,
                Vec::new(),
            ));
            for w in workgroups.iter().filter(|w| here(&w.account_id, &w.region)) {
                athena.calls.push(Call::new(
                    format!("athena:GetWorkGroup/{}/{}", a.id, w.key()),
                    vec![Update::Workgroup(w.clone())],
                ));
            }
            let cats: Vec<_> = catalogs
                .iter()
                .filter(|c| here(&c.account_id, &c.region))
                .collect();
            athena.calls.push(regional(
                &errors,
                "athena:ListDataCatalogs",
                &a.id,
                region,
                cats.iter().map(|c| Update::Catalog((*c).clone())).collect(),
            ));
            for cat in cats.iter().filter(|c| c.kind == "GLUE") {
                athena.calls.push(Call::new(
                    format!("athena:ListDatabases/{}/{region}/{}", a.id, cat.name),
                    Vec::new(),
                ));
                let mut databases: Vec<&str> = Vec::new();
                for t in tables
                    .iter()
                    .filter(|t| here(&t.account_id, &t.region) && t.catalog == cat.name)
                {
                    if !databases.contains(&t.database.as_str()) {
                        databases.push(&t.database);
                    }
                }
                for db in databases {
                    let found = tables
                        .iter()
                        .filter(|t| {
                            here(&t.account_id, &t.region)
                                && t.catalog == cat.name
                                && t.database == db
                        })
                        .map(|t| Update::Table(t.clone()))
                        .collect();
                    athena.calls.push(Call::new(
                        format!(
                            "athena:ListTableMetadata/{}/{region}/{}/{db}",
                            a.id, cat.name
                        ),
                        found,
                    ));
                }
            }

            let ec2_calls = [
                (
                    "ec2:DescribeVpcEndpoints",
                    c.vpc_endpoints
                        .iter()
                        .filter(|e| here(&e.account_id, &e.region))
                        .map(|e| Update::VpcEndpoint(e.clone()))
                        .collect::<Vec<_>>(),
                ),
                (
                    "ec2:DescribeVpnConnections",
                    c.vpn_connections
                        .iter()
                        .filter(|v| here(&v.account_id, &v.region))
                        .map(|v| Update::VpnConnection(v.clone()))
                        .collect(),
                ),
                (
                    "ec2:DescribeVpnGateways",
                    c.vpn_gateways
                        .iter()
                        .filter(|v| here(&v.account_id, &v.region))
                        .map(|v| Update::VpnGateway(v.clone()))
                        .collect(),
                ),
                (
                    "ec2:DescribeTransitGateways",
                    c.transit_gateways
                        .iter()
                        .filter(|t| here(&t.account_id, &t.region))
                        .map(|t| Update::TransitGateway(t.clone()))
                        .collect(),
                ),
            ];
            for (op, updates) in ec2_calls {
                ec2.calls
                    .push(regional(&errors, op, &a.id, region, updates));
            }

            directconnect.calls.push(regional(
                &errors,
                "directconnect:DescribeConnections",
                &a.id,
                region,
                c.dx_connections
                    .iter()
                    .filter(|d| here(&d.account_id, &d.region))
                    .map(|d| Update::DxConnection(d.clone()))
                    .collect(),
            ));
            directconnect.calls.push(regional(
                &errors,
                "directconnect:DescribeVirtualInterfaces",
                &a.id,
                region,
                c.dx_virtual_interfaces
                    .iter()
                    .filter(|d| here(&d.account_id, &d.region))
                    .map(|d| Update::DxVirtualInterface(d.clone()))
                    .collect(),
            ));
        }
    }

    Plan {
        sts,
        organizations,
        s3,
        athena,
        ec2,
        directconnect,
    }
}
