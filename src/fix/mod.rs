//! Remediation to review: what would fix each failing resource, written for a human or a
//! pipeline to apply. intransit itself never calls a mutating API.
//!
//! - [`merge`]: a bucket policy with the deny-plain-HTTP statement merged in, proved by the
//!   analyzer (enforced, every existing statement unchanged);
//! - [`changes`]: one fix per resource: bucket policies, workgroups, VPN tunnels, the RCP;
//! - [`plan`]: actions ranked by what they resolve, each found by evaluating the estate again
//!   with the change applied;
//! - [`render`]: text, JSON, a shell script with backup and rollback, Terraform and
//!   CloudFormation.

pub mod changes;
pub mod diff;
pub mod merge;
pub mod plan;
pub mod render;
pub mod script;

use serde::Serialize;

pub use changes::{Selection, fixes};
pub use plan::{Plan, PlanItem, Resolves, plan};

/// What a fix changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    BucketPolicy,
    Workgroup,
    VpnTunnel,
    Rcp,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::BucketPolicy => "bucket policy",
            Kind::Workgroup => "workgroup",
            Kind::VpnTunnel => "VPN tunnel",
            Kind::Rcp => "resource control policy",
        }
    }
}

/// One reviewed change: what it is, the commands that apply and undo it, and why it was
/// refused when it cannot be proved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    pub kind: Kind,
    /// Bucket name, `account/region/workgroup`, `vpn-id/outside-ip`, or the account id the RCP
    /// is attached to.
    pub resource: String,
    pub account_id: String,
    pub region: Option<String>,
    /// Policy JSON text (bucket policies; the RCP's document as `policy_after`), or a
    /// tunnel's options as `modify-vpn-tunnel-options` takes them.
    pub policy_before: Option<String>,
    pub policy_after: Option<String>,
    /// Unified diff of `policy_before` → `policy_after` (or of the settings).
    pub diff: String,
    /// The bucket's verdict with the merged policy alone (bucket policies).
    pub verdict_after: Option<String>,
    /// The Sids of the statements the merge added (bucket policies).
    pub added: Vec<String>,
    /// Why no change is offered (`None` when one is).
    pub refused: Option<String>,
    /// AWS CLI commands that apply the change (none when refused).
    pub apply: Vec<String>,
    /// AWS CLI commands that undo it.
    pub rollback: Vec<String>,
    /// What a reviewer must know before applying it.
    pub warnings: Vec<String>,
}

impl Fix {
    fn new(kind: Kind, resource: String, account_id: &str, region: Option<&str>) -> Fix {
        Fix {
            kind,
            resource,
            account_id: account_id.to_string(),
            region: region.map(str::to_string),
            policy_before: None,
            policy_after: None,
            diff: String::new(),
            verdict_after: None,
            added: Vec::new(),
            refused: None,
            apply: Vec::new(),
            rollback: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The region its commands name: its own, or us-east-1 for what has none (the RCP: the
    /// Organizations endpoint).
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }

    fn refuse(mut self, why: impl Into<String>) -> Fix {
        self.refused = Some(why.into());
        self.apply.clear();
        self.rollback.clear();
        self
    }
}

/// A resource named that needs nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unchanged {
    pub kind: Kind,
    pub resource: String,
    pub why: String,
}

/// Everything `intransit fix` writes.
#[derive(Clone, Debug, Serialize)]
pub struct FixSet {
    pub schema: &'static str,
    pub fixes: Vec<Fix>,
    pub unchanged: Vec<Unchanged>,
    pub plan: Vec<PlanItem>,
    /// Candidates the plan did not evaluate (beyond `--plan-limit`).
    pub not_evaluated: usize,
    /// Every fix offered, applied together: what the whole set resolves.
    pub all: Option<PlanItem>,
}

pub const SCHEMA: &str = "intransit.fix/v1";

/// Estates larger than this get no plan in the console and the overview: each candidate is
/// a whole evaluation (`intransit fix --plan` takes the time instead).
pub const PLAN_MAX_BUCKETS: usize = 5_000;

/// How many candidates a plan evaluates unless told otherwise.
pub const PLAN_LIMIT: usize = 25;

/// The fixes of everything failing and their plan, as `intransit fix --failing --plan` makes
/// them: what the console's `:fix` and the overview show.
#[derive(Clone, Debug)]
pub struct Planned {
    pub fixes: Vec<Fix>,
    pub plan: Plan,
}

impl Planned {
    pub fn make(
        estate: &crate::model::Estate,
        evaluation: &crate::compliance::Evaluation,
        accept: &dyn Fn(&mut crate::compliance::Evaluation, &crate::model::Estate),
    ) -> Planned {
        let selection = Selection {
            failing: true,
            ..Selection::default()
        };
        let (fixes, _) = fixes(estate, evaluation, &selection).unwrap_or_default();
        let snapshot = crate::model::Snapshot {
            schema: crate::model::SNAPSHOT_SCHEMA.to_string(),
            scan: crate::model::ScanMeta::default(),
            estate: estate.clone(),
        };
        let catalog = crate::compliance::Catalog::builtin();
        let plan = plan::plan(&snapshot, evaluation, &fixes, &catalog, accept, PLAN_LIMIT);
        Planned { fixes, plan }
    }

    /// Fixes offered (not refused).
    pub fn offered(&self) -> usize {
        self.fixes.iter().filter(|f| f.refused.is_none()).count()
    }
}

/// Single-quotes `s` for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn hostile_names_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("data-bucket"), "data-bucket");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("x'; rm -rf /; '"), "'x'\\''; rm -rf /; '\\'''");
        assert_eq!(shell_quote("$(id)"), "'$(id)'");
        assert_eq!(shell_quote(""), "''");
    }
}
