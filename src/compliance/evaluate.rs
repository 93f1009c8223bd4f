//! From checks to controls to programs: every check runs once over the estate; each control
//! takes the worst status of the findings of the checks it maps to; each program the worst
//! status of its required controls.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::catalog::{AwsScope, Catalog, Control, EvidenceSource, Program};
use super::checks::{self, Check, Context};
use super::exceptions::{Acceptance, Day, Exceptions};
use super::finding::{Counts, Finding, ResourceKind, Status};
use super::paths::{self, Path};
use super::status::{ResourceIndex, worst_of};
use crate::model::Estate;

/// One check's findings over the estate.
#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    #[serde(flatten)]
    pub check: Check,
    pub status: Status,
    pub counts: Counts,
    /// Sorted by resource.
    pub findings: Vec<Finding>,
    /// Indices into `findings`, worst first (status, severity, resource, id): the deciding
    /// findings of a control are a run of each of its checks' orders.
    #[serde(skip)]
    worst_first: Vec<u32>,
}

impl CheckResult {
    fn new(check: Check, findings: Vec<Finding>) -> CheckResult {
        // `findings` are sorted by resource and id (`run_with`): a stable sort by status and
        // severity alone gives the whole listing order (`Finding::listing_order`) without comparing a name again.
        let mut worst_first: Vec<u32> = (0..findings.len() as u32).collect();
        worst_first.sort_by_key(|&i| {
            let f = &findings[i as usize];
            (f.status, f.severity)
        });
        debug_assert!(worst_first.windows(2).all(|w| {
            Finding::listing_order(&findings[w[0] as usize], &findings[w[1] as usize]).is_le()
        }));
        CheckResult {
            check,
            status: Status::worst(findings.iter().map(|f| f.status)),
            counts: Counts::of(findings.iter().map(|f| f.status)),
            findings,
            worst_first,
        }
    }

    /// The findings of `status`, worst severity first.
    fn with_status(&self, status: Status) -> impl Iterator<Item = &Finding> {
        let order = &self.worst_first;
        let at = |i: &u32| self.findings[*i as usize].status;
        let start = order.partition_point(|i| at(i) < status);
        let end = order.partition_point(|i| at(i) <= status);
        order[start..end]
            .iter()
            .map(|&i| &self.findings[i as usize])
    }
}

/// A control, judged.
#[derive(Clone, Debug, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    pub requirement: String,
    pub citation: String,
    pub optional: bool,
    pub note: Option<String>,
    pub checks: Vec<String>,
    /// `manual`: the scan cannot evidence this control; its status is always `unknown`.
    pub evidence: EvidenceSource,
    /// The best status this control can reach (see [`Control::cap`]).
    pub cap: Option<Status>,
    /// The cap lowered the status: the findings alone would have given a better one.
    pub capped: bool,
    /// Worst status of the mapped findings (`not_applicable` when there are none), no better
    /// than `cap`; always `unknown` for a manual control.
    pub status: Status,
    /// Findings of the mapped checks, per status.
    pub counts: Counts,
    /// Ids of the findings whose status is the control's (the ones that decided it), worst
    /// severity first; empty for `pass` and `not_applicable`.
    pub deciding: Vec<Arc<str>>,
    /// With exceptions applied ([`Evaluation::accept`]): the status once accepted findings
    /// are set aside. `status` itself never changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
}

/// A control's or program's status once the findings exceptions accepted are set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Open {
    /// The same rule as the status, over the findings not accepted.
    pub status: Status,
    /// Findings accepted (in this control, or in the program's controls).
    pub accepted: usize,
}

impl ControlResult {
    /// What `--fail-on` judges: the status once accepted findings are set aside.
    pub fn open_status(&self) -> Status {
        self.open.map_or(self.status, |o| o.status)
    }
}

/// A program, judged.
#[derive(Clone, Debug, Serialize)]
pub struct ProgramResult {
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub url: Option<String>,
    pub note: Option<String>,
    /// AWS's side of the shared responsibility: whether AWS lists Athena in scope.
    pub aws_scope: Option<AwsScope>,
    /// Worst status of the required (non-optional) controls.
    pub status: Status,
    /// Required controls per status.
    pub counts: Counts,
    /// Optional controls per status.
    pub optional_counts: Counts,
    pub controls: Vec<ControlResult>,
    /// With exceptions applied: the worst open status of the required controls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
}

/// Everything one evaluation produced.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub programs: Vec<ProgramResult>,
    /// Every check mapped by some control, in `checks::ALL` order.
    pub checks: Vec<CheckResult>,
    /// On-premises → Athena → S3 paths, each judged by its weakest hop (from these findings).
    pub paths: Vec<Path>,
    /// The exceptions applied ([`Evaluation::accept`]); empty without a file.
    #[serde(skip)]
    pub acceptance: Acceptance,
    #[serde(skip)]
    index: ResourceIndex,
}

impl Evaluation {
    /// Every finding about one resource, worst first.
    pub fn resource_findings(&self, kind: ResourceKind, id: &str) -> Vec<&Finding> {
        self.index.findings(&self.checks, kind, id)
    }

    /// The status every screen and export shows for a resource: the worst of its findings;
    /// `None` when no check judged it.
    pub fn resource_status(&self, kind: ResourceKind, id: &str) -> Option<Status> {
        worst_of(self.resource_findings(kind, id))
    }

    /// The finding one check made about one resource.
    pub fn resource_finding(&self, check: &str, kind: ResourceKind, id: &str) -> Option<&Finding> {
        self.resource_findings(kind, id)
            .into_iter()
            .find(|f| f.check == check)
    }

    pub fn program(&self, id: &str) -> Option<&ProgramResult> {
        self.programs.iter().find(|p| p.id == id)
    }

    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.check.id == id)
    }

    /// The findings behind a control, worst first.
    pub fn control_findings<'a>(&'a self, control: &'a ControlResult) -> Vec<&'a Finding> {
        let mut out: Vec<&Finding> = control
            .checks
            .iter()
            .filter_map(|id| self.check(id))
            .flat_map(|c| &c.findings)
            .collect();
        out.sort_by(|a, b| Finding::listing_order(a, b));
        out
    }

    /// The finding with this id (`check/kind/resource`).
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        let check = id.split('/').next()?;
        self.check(check)?.findings.iter().find(|f| *f.id == *id)
    }

    /// Every finding, sorted by id.
    /// The findings of the checks of observed traffic, worst first: what the traffic
    /// command, the `:traffic` view and the pack's "Observed traffic" section list.
    pub fn observed_traffic_findings(&self) -> Vec<&Finding> {
        let mut out: Vec<&Finding> = checks::OBSERVED_TRAFFIC
            .iter()
            .filter_map(|id| self.check(id))
            .flat_map(|c| c.findings.iter())
            .collect();
        out.sort_by(|a, b| Finding::listing_order(a, b));
        out
    }

    pub fn findings(&self) -> Vec<&Finding> {
        let mut out: Vec<&Finding> = self.checks.iter().flat_map(|c| &c.findings).collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Every finding's status counted per account: what the Accounts view and the
    /// reports' `--group-by` summaries show.
    pub fn counts_by_account(&self) -> BTreeMap<&str, Counts> {
        let mut out: BTreeMap<&str, Counts> = BTreeMap::new();
        for f in self.checks.iter().flat_map(|c| &c.findings) {
            out.entry(&*f.resource.account_id)
                .or_default()
                .add(f.status);
        }
        out
    }

    /// Keeps one program and the checks it maps to.
    pub fn only_program(&self, id: &str) -> Option<Evaluation> {
        let program = self.program(id)?.clone();
        let used: Vec<&str> = program
            .controls
            .iter()
            .flat_map(|c| c.checks.iter().map(String::as_str))
            .collect();
        let checks: Vec<CheckResult> = self
            .checks
            .iter()
            .filter(|c| used.contains(&c.check.id))
            .cloned()
            .collect();
        let index = ResourceIndex::build(&checks);
        Some(Evaluation {
            programs: vec![program],
            checks,
            paths: self.paths.clone(),
            acceptance: self.acceptance.clone(),
            index,
        })
    }

    /// Required controls at or below `threshold` (see [`Status::at_or_below`]) once accepted
    /// findings are set aside ([`ControlResult::open_status`]), as `(program id, control)`.
    pub fn controls_at_or_below(&self, threshold: Status) -> Vec<(&str, &ControlResult)> {
        self.programs
            .iter()
            .flat_map(|p| p.controls.iter().map(move |c| (p.id.as_str(), c)))
            .filter(|(_, c)| !c.optional && c.open_status().at_or_below(threshold))
            .collect()
    }
}

/// `program:control` (`pci-dss-4.0:4.2.1`): how exceptions, diffs and the console name a
/// control across programs.
pub fn control_key(program: &str, control: &str) -> String {
    format!("{program}:{control}")
}

impl Evaluation {
    /// Check id → the [`control_key`]s of the controls that map it, in catalog order.
    pub fn control_keys_by_check(&self) -> HashMap<&str, Vec<Arc<str>>> {
        let mut out: HashMap<&str, Vec<Arc<str>>> = HashMap::new();
        for p in &self.programs {
            for c in &p.controls {
                let key: Arc<str> = Arc::from(control_key(&p.id, &c.id));
                for check in &c.checks {
                    out.entry(check.as_str()).or_default().push(key.clone());
                }
            }
        }
        out
    }
}

/// From this many buckets the checks run on threads of their own.
const PARALLEL_FROM: usize = 5_000;

/// Runs every check the catalog maps over `estate` and judges every control and program.
pub fn evaluate(catalog: &Catalog, estate: &Estate) -> Evaluation {
    let ctx = Context::new(estate);
    let mapped: Vec<&'static Check> = catalog
        .mapped_checks()
        .into_iter()
        .filter_map(checks::get)
        .collect();
    let run = |check: &Check| CheckResult::new(*check, checks::run_with(check, &ctx));
    let checks: Vec<CheckResult> = if estate.buckets.len() < PARALLEL_FROM {
        mapped.iter().map(|c| run(c)).collect()
    } else {
        // Independent of each other: each on its own thread (the bucket checks each do an
        // organization's worth of work).
        std::thread::scope(|scope| {
            let running: Vec<_> = mapped.iter().map(|c| scope.spawn(move || run(c))).collect();
            running
                .into_iter()
                .map(|r| r.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let by_id: BTreeMap<&str, &CheckResult> = checks.iter().map(|c| (c.check.id, c)).collect();
    let programs = catalog
        .programs
        .iter()
        .map(|p| judge_program(p, &by_id))
        .collect();
    let mut evaluation = Evaluation {
        programs,
        index: ResourceIndex::build(&checks),
        checks,
        paths: Vec::new(),
        acceptance: Acceptance::default(),
    };
    evaluation.paths = paths::derive(estate, &evaluation);
    evaluation
}

fn judge_program(p: &Program, checks: &BTreeMap<&str, &CheckResult>) -> ProgramResult {
    let controls: Vec<ControlResult> = p
        .controls
        .iter()
        .map(|c| judge_control(c, checks))
        .collect();
    let required = || controls.iter().filter(|c| !c.optional);
    ProgramResult {
        id: p.id.clone(),
        name: p.name.clone(),
        version: p.version.clone(),
        publisher: p.publisher.clone(),
        url: p.url.clone(),
        note: p.note.clone(),
        aws_scope: p.aws_scope.clone(),
        status: Status::worst(required().map(|c| c.status)),
        counts: Counts::of(required().map(|c| c.status)),
        optional_counts: Counts::of(controls.iter().filter(|c| c.optional).map(|c| c.status)),
        controls,
        open: None,
    }
}

/// The control rule: worst finding status over every mapped check (`fail` < `unknown` <
/// `partial` < `pass`), `not_applicable` findings ignored, `not_applicable` if nothing is left.
/// A control with a `cap` is no better than the cap (unless nothing is left to judge); a
/// `manual` control is always `unknown`: the scan cannot evidence it.
pub fn judge_control(c: &Control, checks: &BTreeMap<&str, &CheckResult>) -> ControlResult {
    let mapped: Vec<&CheckResult> = c
        .checks
        .iter()
        .filter_map(|id| checks.get(id.as_str()).copied())
        .collect();
    let mut counts = Counts::default();
    for r in &mapped {
        counts.add_counts(&r.counts);
    }
    let (status, found) = control_status(c.evidence, c.cap, &counts);
    let mut deciding: Vec<&Finding> = if matches!(status, Status::Pass | Status::NotApplicable) {
        Vec::new()
    } else {
        mapped.iter().flat_map(|r| r.with_status(status)).collect()
    };
    // Already sorted runs, one per check: the sort merges them.
    deciding.sort_by(|a, b| Finding::listing_order(a, b));
    ControlResult {
        id: c.id.clone(),
        title: c.title.clone(),
        requirement: c.requirement.clone(),
        citation: c.citation.clone(),
        optional: c.optional,
        note: c.note.clone(),
        checks: c.checks.clone(),
        evidence: c.evidence,
        cap: c.cap,
        capped: c.evidence == EvidenceSource::Checks && status != found,
        status,
        counts,
        deciding: deciding.into_iter().map(|f| f.id.clone()).collect(),
        open: None,
    }
}

/// The control rule over findings counted per status: (status, the status before the cap).
fn control_status(
    evidence: EvidenceSource,
    cap: Option<Status>,
    counts: &Counts,
) -> (Status, Status) {
    let found = Status::worst(Status::ALL.into_iter().filter(|s| counts.get(*s) > 0));
    let status = match (evidence, cap) {
        (EvidenceSource::Manual, _) => Status::Unknown,
        (EvidenceSource::Checks, Some(cap)) if found != Status::NotApplicable => found.min(cap),
        (EvidenceSource::Checks, _) => found,
    };
    (status, found)
}

impl Evaluation {
    /// Applies `exceptions` as of `as_of`: each control and program gains its open status
    /// (accepted findings set aside); no status and no finding changes.
    pub fn accept(&mut self, exceptions: &Exceptions, estate: &Estate, as_of: Day) {
        self.acceptance = Acceptance::build(exceptions, self, estate, as_of);
        let by_id: BTreeMap<&str, &CheckResult> =
            self.checks.iter().map(|c| (c.check.id, c)).collect();
        for p in &mut self.programs {
            for c in &mut p.controls {
                let key = control_key(&p.id, &c.id);
                let mut counts = Counts::default();
                let mut accepted = 0;
                for f in c
                    .checks
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()))
                    .flat_map(|r| &r.findings)
                {
                    if self.acceptance.accepted(&f.id, Some(&key)).is_some() {
                        accepted += 1;
                    } else {
                        counts.add(f.status);
                    }
                }
                let (status, _) = control_status(c.evidence, c.cap, &counts);
                c.open = Some(Open { status, accepted });
            }
            let required = p.controls.iter().filter(|c| !c.optional);
            p.open = Some(Open {
                status: Status::worst(required.clone().map(|c| c.open_status())),
                accepted: required.filter_map(|c| c.open).map(|o| o.accepted).sum(),
            });
        }
    }
}
