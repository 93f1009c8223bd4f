//! One status per resource, read from the findings. Every screen, the text overview and every
//! export ask this index what a bucket, tunnel, link, endpoint, workgroup or account is; none
//! of them decides it again.

use std::collections::HashMap;

use super::evaluate::CheckResult;
use super::finding::{Finding, ResourceKind, Status};

/// Findings by the resource they are about: `(kind, id)` → positions in the evaluation's
/// check results.
#[derive(Clone, Debug, Default)]
pub struct ResourceIndex {
    by_resource: HashMap<(ResourceKind, String), Vec<(usize, usize)>>,
}

impl ResourceIndex {
    pub fn build(checks: &[CheckResult]) -> ResourceIndex {
        let mut by_resource: HashMap<(ResourceKind, String), Vec<(usize, usize)>> = HashMap::new();
        for (ci, c) in checks.iter().enumerate() {
            for (fi, f) in c.findings.iter().enumerate() {
                by_resource
                    .entry((f.resource.kind, f.resource.id.clone()))
                    .or_default()
                    .push((ci, fi));
            }
        }
        ResourceIndex { by_resource }
    }

    /// Every finding about one resource, worst first.
    pub fn findings<'a>(
        &self,
        checks: &'a [CheckResult],
        kind: ResourceKind,
        id: &str,
    ) -> Vec<&'a Finding> {
        let mut out: Vec<&Finding> = self
            .by_resource
            .get(&(kind, id.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|&(c, f)| checks.get(c).and_then(|c| c.findings.get(f)))
            .collect();
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then(a.id.cmp(&b.id)));
        out
    }
}

/// The worst status of `findings` (see [`Status::worst`]); `None` when there are none.
pub fn worst_of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Option<Status> {
    let mut any = false;
    let worst = Status::worst(findings.into_iter().map(|f| {
        any = true;
        f.status
    }));
    any.then_some(worst)
}
