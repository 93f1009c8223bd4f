//! One status per resource, read from the findings. Every screen, the text overview and every
//! export ask this index what a bucket, tunnel, link, endpoint, workgroup or account is; none
//! of them decides it again.

use super::evaluate::CheckResult;
use super::finding::{Finding, ResourceKind, Status};

/// Findings by the resource they are about: positions `(check, finding)` in the evaluation's
/// check results, ordered by the finding's `(kind, id)`; a lookup is a binary search.
#[derive(Clone, Debug, Default)]
pub struct ResourceIndex {
    entries: Vec<(u32, u32)>,
}

fn key(checks: &[CheckResult], (c, f): (u32, u32)) -> (ResourceKind, &str) {
    let r = &checks[c as usize].findings[f as usize].resource;
    (r.kind, &*r.id)
}

impl ResourceIndex {
    pub fn build(checks: &[CheckResult]) -> ResourceIndex {
        let mut entries: Vec<(u32, u32)> = checks
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| (0..c.findings.len() as u32).map(move |fi| (ci as u32, fi)))
            .collect();
        // Each check's findings are sorted by resource already: the sort merges the runs.
        entries.sort_by(|&a, &b| key(checks, a).cmp(&key(checks, b)));
        ResourceIndex { entries }
    }

    /// Every finding about one resource, worst first.
    pub fn findings<'a>(
        &self,
        checks: &'a [CheckResult],
        kind: ResourceKind,
        id: &str,
    ) -> Vec<&'a Finding> {
        let wanted = (kind, id);
        let start = self.entries.partition_point(|&e| key(checks, e) < wanted);
        let end = start + self.entries[start..].partition_point(|&e| key(checks, e) <= wanted);
        let mut out: Vec<&Finding> = self.entries[start..end]
            .iter()
            .map(|&(c, f)| &checks[c as usize].findings[f as usize])
            .collect();
        out.sort_by(|a, b| Finding::listing_order(a, b));
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
